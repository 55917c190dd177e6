//! The background runner: each server copy takes queued jobs from `export_jobs` (at most
//! `--export-workers` at once), makes their files into the object store, and deletes the
//! files whose time is up. Jobs are rows, not memory, so a restart loses none: a queued job
//! waits for any copy, and one whose copy died mid-job is taken again once its lease runs out.
//! A copy wakes when any copy queues a job (through the event outbox), when one of its own
//! jobs ends, and every [`POLL`] in case a wake-up was missed or a lease ran out.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::{Notify, Semaphore};

use super::enums::{ExportFormat, ExportKind};
use super::store::{self, ExportJobRow, Made};
use super::{data, formats, json_resume};
use crate::access::Principal;
use crate::applications::events::{Event, EventHub};
use crate::db::DbPool;
use crate::db::schema::job_postings;
use crate::graphql::errors::{AppError, AppResult};
use crate::resumes::store::load_tree;
use crate::storage::Storage;

/// How often a copy looks for work with nothing waking it.
const POLL: Duration = Duration::from_secs(30);
/// A job that was taken this many times and never finished (it may be what kills its
/// server) is failed rather than taken again.
const MAX_ATTEMPTS: i32 = 3;
/// Most expired files deleted per sweep; the next sweep deletes the rest.
const PURGE_BATCH: i64 = 100;

#[derive(Clone, Copy, Debug)]
pub struct RunnerSettings {
    /// Jobs this copy makes at once; 0: this copy makes none (others do).
    pub workers: u32,
    /// How long a file can be downloaded, in seconds.
    pub ttl_seconds: u64,
}

/// Starts this copy's runner, unless it runs no workers.
pub fn start(pool: DbPool, events: EventHub, storage: Storage, settings: RunnerSettings) {
    if settings.workers == 0 {
        return;
    }
    tokio::spawn(crate::db::uncounted(run(pool, events, storage, settings)));
}

async fn run(pool: DbPool, events: EventHub, storage: Storage, settings: RunnerSettings) {
    let slots = Arc::new(Semaphore::new(settings.workers as usize));
    let ended = Arc::new(Notify::new());
    let mut wake = events.subscribe();
    // Expired files are looked for at least twice per lifetime of a file, and at most every
    // POLL.
    let sweep_every = Duration::from_secs((settings.ttl_seconds / 2).max(1)).min(POLL);
    let mut last_sweep: Option<tokio::time::Instant> = None;
    loop {
        while let Ok(slot) = slots.clone().try_acquire_owned() {
            let job = match pool.get().await {
                Ok(mut conn) => store::claim(&mut conn).await,
                Err(error) => {
                    tracing::warn!(%error, "export runner: no database connection");
                    break;
                }
            };
            match job {
                Ok(Some(job)) => {
                    let (pool, storage, ended) = (pool.clone(), storage.clone(), ended.clone());
                    tokio::spawn(crate::db::uncounted(async move {
                        work(&pool, &storage, job, settings.ttl_seconds).await;
                        drop(slot);
                        ended.notify_one();
                    }));
                }
                Ok(None) => break,
                Err(error) => {
                    tracing::warn!(%error, "export runner: cannot take a job");
                    break;
                }
            }
        }
        if last_sweep.is_none_or(|at| at.elapsed() >= sweep_every) {
            last_sweep = Some(tokio::time::Instant::now());
            purge_expired(&pool, &storage).await;
            erase_files_of_deleted_accounts(&pool, &storage).await;
        }
        // Other areas' events pass by without a look at the job table: only an export's own
        // event, a finished job or the sweep's time is worth a statement.
        let deadline = tokio::time::Instant::now() + sweep_every;
        loop {
            tokio::select! {
                () = ended.notified() => break,
                () = tokio::time::sleep_until(deadline) => break,
                received = wake.recv() => match received {
                    Ok(event) if matches!(event.as_ref(), Event::Export(_)) => break,
                    Ok(_) => {}
                    Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => break,
                    // The hub stopped: the server is shutting down.
                    Err(tokio::sync::broadcast::error::RecvError::Closed) => return,
                },
            }
        }
    }
}

/// Makes one job's file; a failure is recorded on the job, never lost.
async fn work(pool: &DbPool, storage: &Storage, job: ExportJobRow, ttl_seconds: u64) {
    let outcome = if job.attempts > MAX_ATTEMPTS {
        Err(AppError::bad_input(
            "job",
            format!("gave up after {MAX_ATTEMPTS} attempts"),
        ))
    } else {
        match job.kind {
            ExportKind::Resume => make(pool, storage, &job, ttl_seconds).await,
            ExportKind::Data => make_data(pool, storage, &job, ttl_seconds).await,
        }
    };
    if let Err(error) = outcome {
        let message = match &error {
            AppError::NotFound(_) => "the resume no longer exists".to_owned(),
            AppError::BadInput { message, .. } => message.clone(),
            other => {
                tracing::error!(error = ?other, job = %job.id, "an export failed");
                "the file could not be made".to_owned()
            }
        };
        match pool.get().await {
            Ok(mut conn) => {
                if let Err(error) = store::fail(&mut conn, &job, &message).await {
                    // The lease runs out and another attempt records the outcome.
                    tracing::warn!(%error, job = %job.id, "cannot record a failed export");
                }
            }
            Err(error) => tracing::warn!(%error, job = %job.id, "cannot record a failed export"),
        }
    }
}

async fn make(pool: &DbPool, storage: &Storage, job: &ExportJobRow, ttl_seconds: u64) -> AppResult<()> {
    let owner = Principal::user(job.user_id);
    let resume_id = job.resume_id.ok_or(AppError::NotFound("Resume"))?;
    let mut conn = pool.get().await?;
    store::progress(&mut conn, job, 10).await?;
    let tree = load_tree(&mut conn, owner, resume_id)
        .await?
        .ok_or(AppError::NotFound("Resume"))?;
    let posting = match tree.resume.job_posting_id {
        Some(id) => posting_title(&mut conn, owner, id).await?,
        None => None,
    };
    store::progress(&mut conn, job, 30).await?;
    drop(conn);
    let document = crate::resumes::document(&tree);
    let format = job.format;
    let bytes = match format {
        ExportFormat::Markdown => formats::markdown(&document, true).into_bytes(),
        ExportFormat::PlainText => formats::plain_text(&document).into_bytes(),
        ExportFormat::JsonResume => {
            serde_json::to_vec_pretty(&json_resume::export(&tree, &document)).map_err(AppError::internal)?
        }
        // Layout and zipping are CPU work: kept off the async threads.
        ExportFormat::Docx => tokio::task::spawn_blocking(move || formats::docx(&document))
            .await
            .map_err(AppError::internal)??,
        ExportFormat::Pdf => {
            let (role, company) = posting.unwrap_or_else(|| {
                (
                    document.name.clone(),
                    document
                        .personal_info
                        .headline
                        .clone()
                        .unwrap_or_else(|| "any employer".into()),
                )
            });
            tokio::task::spawn_blocking(move || formats::pdf(&document, &role, &company))
                .await
                .map_err(AppError::internal)??
        }
        // A data export's format; such a job never comes here.
        ExportFormat::Zip => {
            return Err(AppError::bad_input(
                "format",
                "a resume cannot be exported as ZIP",
            ));
        }
    };
    let mut conn = pool.get().await?;
    store::progress(&mut conn, job, 70).await?;
    drop(conn);
    let key = format!("exports/{}/{}.{}", job.user_id, job.id, format.extension());
    storage
        .put(&key, bytes.clone())
        .await
        .map_err(AppError::internal)?;
    let file_name = format!("{}.{}", file_stem(&tree.resume.name), format.extension());
    let mut conn = pool.get().await?;
    store::finish(
        &mut conn,
        job,
        &Made {
            object_key: &key,
            file_name: &file_name,
            content_type: format.content_type(),
            size_bytes: bytes.len() as i64,
            ttl_seconds: ttl_seconds as i64,
        },
    )
    .await?;
    Ok(())
}

/// Makes a data export's archive (`data.rs`).
async fn make_data(pool: &DbPool, storage: &Storage, job: &ExportJobRow, ttl_seconds: u64) -> AppResult<()> {
    let mut conn = pool.get().await?;
    store::progress(&mut conn, job, 10).await?;
    let archive = data::collect(&mut conn, storage, job).await?;
    store::progress(&mut conn, job, 60).await?;
    drop(conn);
    // Compressing is CPU work: kept off the async threads.
    let bytes = tokio::task::spawn_blocking(move || archive.zip())
        .await
        .map_err(AppError::internal)??;
    let key = format!("exports/{}/{}.zip", job.user_id, job.id);
    storage
        .put(&key, bytes.clone())
        .await
        .map_err(AppError::internal)?;
    let file_name = format!("careergraph-data-{}.zip", job.created_at.format("%Y-%m-%d"));
    let mut conn = pool.get().await?;
    store::finish(
        &mut conn,
        job,
        &Made {
            object_key: &key,
            file_name: &file_name,
            content_type: ExportFormat::Zip.content_type(),
            size_bytes: bytes.len() as i64,
            ttl_seconds: ttl_seconds as i64,
        },
    )
    .await?;
    Ok(())
}

/// The posting a tailored resume is for: (job title, company).
async fn posting_title(
    conn: &mut diesel_async::AsyncPgConnection,
    who: Principal,
    id: uuid::Uuid,
) -> AppResult<Option<(String, String)>> {
    use crate::access::Guarded;
    use diesel::prelude::*;
    use diesel_async::RunQueryDsl;
    Ok(job_postings::table
        .filter(job_postings::table::readable(who))
        .filter(job_postings::id.eq(id))
        .select((job_postings::job_title, job_postings::company_name))
        .first(conn)
        .await
        .optional()?)
}

/// A file name from the resume's name: letters, digits, `-` and `_` kept, the rest `-`.
fn file_stem(name: &str) -> String {
    let stem: String = name
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '-'
            }
        })
        .collect();
    let stem = stem.trim_matches('-');
    if stem.is_empty() {
        "resume".to_owned()
    } else {
        stem.chars().take(80).collect()
    }
}

/// A deleted account's export files go with it (#15 item 7): its jobs' rows went with the
/// account in the deleting transaction, and the files of accounts that no longer exist are
/// deleted here, at each sweep (a server stopped in between deletes them at its next one).
async fn erase_files_of_deleted_accounts(pool: &DbPool, storage: &Storage) {
    let folders = match storage.folders_under("exports").await {
        Ok(folders) => folders,
        Err(error) => {
            tracing::warn!(%error, "cannot list the export files' folders");
            return;
        }
    };
    let owners: Vec<uuid::Uuid> = folders.iter().filter_map(|f| f.parse().ok()).collect();
    if owners.is_empty() {
        return;
    }
    let Ok(mut conn) = pool.get().await else {
        return;
    };
    let gone = match store::deleted_accounts(&mut conn, &owners).await {
        Ok(gone) => gone,
        Err(error) => {
            tracing::warn!(%error, "cannot tell which accounts were deleted");
            return;
        }
    };
    drop(conn);
    for user_id in gone {
        if let Err(error) = storage.delete_under(&format!("exports/{user_id}")).await {
            tracing::warn!(%error, "cannot delete a deleted account's export files");
        }
    }
}

/// Deletes the files whose time is up, then notes it on their jobs (a file deleted whose
/// note failed is deleted again next time, which is harmless).
async fn purge_expired(pool: &DbPool, storage: &Storage) {
    let Ok(mut conn) = pool.get().await else {
        return;
    };
    let expired = match store::expired(&mut conn, PURGE_BATCH).await {
        Ok(expired) => expired,
        Err(error) => {
            tracing::warn!(%error, "cannot list expired exports");
            return;
        }
    };
    for (id, key) in expired {
        if let Err(error) = storage.delete(&key).await {
            tracing::warn!(%error, job = %id, "cannot delete an expired export");
            continue;
        }
        if let Err(error) = store::mark_purged(&mut conn, id).await {
            tracing::warn!(%error, job = %id, "cannot note an expired export's deletion");
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn file_stems_keep_only_safe_characters() {
        assert_eq!(super::file_stem("Backend / Rust (2026)"), "Backend---Rust--2026");
        assert_eq!(super::file_stem("../"), "resume");
    }
}
