//! The candidate (docs/domain.md §2): profile and MBTI profile.

pub mod graphql;
pub mod mbti;
pub mod store;
