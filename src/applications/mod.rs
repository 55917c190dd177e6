//! Applications and artifacts (docs/domain.md §5): the status pipeline with its history, versioned
//! CV and cover-letter artifacts, their PDFs, and the subscriptions that watch them.

pub mod enums;
pub mod events;
pub mod graphql;
pub mod http;
pub mod pdf;
pub mod store;
