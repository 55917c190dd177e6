//! Jobs and matching (docs/domain.md §4): saved job postings, the skills found in them, matches
//! with experiences scored by a deterministic formula, and the skill gap.

pub mod analysis;
pub mod enums;
pub mod extract;
pub mod graphql;
pub mod score;
pub mod store;
