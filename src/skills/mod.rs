//! Skills (docs/domain.md §3): the shared catalog, the skills experiences use, projects' tech
//! stacks, the candidate's claimed skills, and the skill matrix computed from the evidence.

pub mod enums;
pub mod graphql;
pub mod store;
