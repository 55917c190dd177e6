//! The hiring side (docs/domain.md §6): organisations and their members, invitations, the
//! platform's role catalog, requisitions and the public job board. Every table carries its
//! organisation's id, and who sees what is the access policy's (`src/access`), by role.

pub mod enums;
pub mod graphql;
pub mod notices;
pub mod store;
