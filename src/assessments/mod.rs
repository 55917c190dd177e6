//! Assessments (docs/domain.md §7, issue #17 items 1-4): an organisation's question bank
//! (question sets and job descriptions, each with multiple-choice questions), its timed
//! assessments, single-use invitations to take one, and the test sessions a candidate opens
//! with an invitation, with or without an account. The organisation's side goes through the
//! access policy (`src/access`); the test taker's side is addressed by the session's secret
//! alone (`store::lock_session_by_secret`), and is never shown a correct option or a score
//! before a recruiter releases it.

pub mod enums;
pub mod graphql;
pub mod import;
pub mod notices;
pub mod store;
