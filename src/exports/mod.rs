//! Exports (docs/domain.md §7, exports): files of a resume (PDF, DOCX, JSON Resume, Markdown,
//! plain text) made in the background from a job table (`runner.rs`), kept in the object
//! store (`crate::storage`) until they expire, and downloaded by their owner (`http.rs`); and
//! the data export (`data.rs`, #15 item 7), an archive of everything a user owns, made and
//! served by the same machinery as a job of its own kind.
//! This area sits above `resumes`, whose documents it renders.

pub mod data;
pub mod enums;
pub mod formats;
pub mod graphql;
pub mod http;
pub mod json_resume;
pub mod runner;
pub mod store;

use crate::graphql::context::Services;
use crate::storage::Storage;

/// What the download route needs. `storage` is None when the data directory could not be
/// set up (logged at startup): downloads then answer 503.
#[derive(Clone)]
pub struct ExportFiles {
    pub services: Services,
    pub storage: Option<Storage>,
}
