//! Approved outputs and critic logs (docs/domain.md "Approved outputs and critic logs"; ETPS
//! ApprovedOutput and CriticLog): the generated texts a user approved (a bullet, a cover-letter
//! paragraph, a summary, a whole resume or letter), kept with the application and posting they
//! were written for, and the critic's verdict on each iteration of a generation session. Both
//! belong to their user alone.

pub mod enums;
pub mod graphql;
pub mod store;
