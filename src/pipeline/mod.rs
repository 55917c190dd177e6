//! The hiring pipeline (docs/domain.md §6): an organisation's candidates, their candidacies
//! for requisitions with every stage move recorded, and the consent that joins a careergraph
//! user to it: applying shares the user's career record with the organisation (until they
//! revoke it), and the organisation's stage moves drive the user's own application.

pub mod enums;
pub mod graphql;
pub mod notices;
pub mod store;
