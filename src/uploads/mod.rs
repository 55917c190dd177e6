//! Uploads (docs/domain.md, uploads; issue #16): files a person sends — CVs, job descriptions,
//! portfolios (`uploadDocument`) and their profile photo (`uploadProfilePhoto`) — kept in the
//! object store (`crate::storage`), with a row in `uploaded_documents` that says what each is
//! (decided from its bytes, `detect.rs`), its text (`extract.rs`) and who may read it (the
//! access policy). Files come in through the GraphQL multipart request spec
//! (`graphql_http::from_multipart`) and go out through `http.rs`. This area sits above `jobs`
//! and `skills`: a job description becomes a posting, and a CV's text suggests skills.
//!
//! A file is written to the store before its row commits, and deleted after its row is: a
//! crash between the two leaves an object no row names, which [`sweep_orphans`] deletes once
//! it is older than any upload still in flight.

pub mod detect;
pub mod enums;
pub mod extract;
pub mod graphql;
pub mod http;
pub mod photo;
pub mod store;

use std::time::Duration;

use crate::db::DbPool;
use crate::graphql::context::Services;
use crate::storage::Storage;

/// The first segment of every upload's key in the object store.
pub const KEY_PREFIX: &str = "uploads";

/// How often the sweep runs, and how old an object no row names must be before it deletes it
/// (an upload writes its file before its row commits).
const SWEEP_EVERY: Duration = Duration::from_secs(15 * 60);
const SWEEP_GRACE: Duration = Duration::from_secs(60 * 60);

/// What the upload mutations need, in the schema's data. `storage` is None when the store could
/// not be set up (logged at startup): uploads then answer `UNAVAILABLE`.
#[derive(Clone)]
pub struct Uploads {
    pub storage: Option<Storage>,
    /// Largest document accepted (`--max-document-bytes`).
    pub max_document_bytes: u64,
}

/// What the download routes need.
#[derive(Clone)]
pub struct UploadFiles {
    pub services: Services,
    pub uploads: Uploads,
}

/// Deletes the uploads' objects that no row names and that are older than `grace`: the number
/// deleted.
pub async fn sweep_orphans(pool: &DbPool, storage: &Storage, grace: Duration) -> anyhow::Result<usize> {
    let cutoff = chrono::Utc::now() - chrono::Duration::from_std(grace)?;
    let old: Vec<String> = storage
        .list(KEY_PREFIX)
        .await?
        .into_iter()
        .filter(|(_, written)| *written <= cutoff)
        .map(|(key, _)| key)
        .collect();
    let mut deleted = 0;
    for keys in old.chunks(1000) {
        let in_use = {
            let mut conn = pool.get().await?;
            store::keys_in_use(&mut conn, keys).await?
        };
        for key in keys.iter().filter(|key| !in_use.contains(key)) {
            storage.delete(key).await?;
            deleted += 1;
        }
    }
    Ok(deleted)
}

/// Runs [`sweep_orphans`] every quarter of an hour until aborted.
pub fn spawn_sweep(pool: DbPool, storage: Storage) -> tokio::task::JoinHandle<()> {
    tokio::spawn(crate::db::uncounted(async move {
        let mut every = tokio::time::interval(SWEEP_EVERY);
        every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            every.tick().await;
            match sweep_orphans(&pool, &storage, SWEEP_GRACE).await {
                Ok(0) => {}
                Ok(deleted) => tracing::info!(deleted, "deleted uploaded files no row names"),
                Err(error) => tracing::warn!(error = format!("{error:#}"), "cannot sweep uploaded files"),
            }
        }
    }))
}
