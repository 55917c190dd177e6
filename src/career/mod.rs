//! The career record (docs/domain.md §3): experiences and the evidence behind them (engagements,
//! projects, STAR stories, bullets with versions), education and strengths.

pub mod enums;
pub mod graphql;
pub mod model;
pub mod mutations;
pub mod store;
