//! SQL for export jobs. What a client reads and asks for goes through the access policy;
//! what the runner does (take a job, record its progress, purge expired files) is the
//! server's own work on any user's job, so it is keyed by the job's id alone.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text, Uuid as SqlUuid};
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use uuid::Uuid;

use super::enums::{ExportFormat, ExportKind, ExportStatus};
use crate::access::{Guarded, Principal};
use crate::applications::events::{self, Event, ExportEvent};
use crate::db::schema::{export_jobs, users};
use crate::guarded_relation;

#[derive(Clone, Debug, Queryable, Selectable, QueryableByName)]
#[diesel(table_name = export_jobs)]
pub struct ExportJobRow {
    pub id: Uuid,
    pub user_id: Uuid,
    pub kind: ExportKind,
    pub resume_id: Option<Uuid>,
    pub format: ExportFormat,
    pub template: Option<String>,
    pub parameters: serde_json::Value,
    pub status: ExportStatus,
    pub progress: i32,
    pub attempts: i32,
    pub lease_until: Option<DateTime<Utc>>,
    pub error: Option<String>,
    pub object_key: Option<String>,
    pub file_name: Option<String>,
    pub content_type: Option<String>,
    pub size_bytes: Option<i64>,
    pub created_at: DateTime<Utc>,
    pub started_at: Option<DateTime<Utc>>,
    pub finished_at: Option<DateTime<Utc>>,
    pub expires_at: Option<DateTime<Utc>>,
    pub downloaded_at: Option<DateTime<Utc>>,
    pub purged_at: Option<DateTime<Utc>>,
}

guarded_relation!(ExportJobById: export_jobs.id => ExportJobRow);

/// How long a running job's lease lasts; progress renews it.
pub const LEASE_SECONDS: i64 = 60;

fn event(job: &ExportJobRow) -> Event {
    Event::Export(ExportEvent {
        user_id: job.user_id,
        export_id: job.id,
    })
}

pub async fn job_of(
    conn: &mut AsyncPgConnection,
    who: Principal,
    id: Uuid,
) -> QueryResult<Option<ExportJobRow>> {
    export_jobs::table
        .filter(export_jobs::table::readable(who))
        .filter(export_jobs::id.eq(id))
        .select(ExportJobRow::as_select())
        .first(conn)
        .await
        .optional()
}

/// Queues a job for the principal and tells the runners (when the caller's transaction
/// commits).
pub async fn insert_job(
    conn: &mut AsyncPgConnection,
    who: Principal,
    resume_id: Uuid,
    format: ExportFormat,
    template: Option<&str>,
) -> QueryResult<ExportJobRow> {
    let job = diesel::insert_into(export_jobs::table)
        .values((
            export_jobs::id.eq(Uuid::now_v7()),
            export_jobs::user_id.eq(who.user_id),
            export_jobs::kind.eq(ExportKind::Resume),
            export_jobs::resume_id.eq(resume_id),
            export_jobs::format.eq(format),
            export_jobs::template.eq(template),
        ))
        .returning(ExportJobRow::as_returning())
        .get_result(conn)
        .await?;
    events::publish(conn, &event(&job)).await?;
    Ok(job)
}

/// Queues a data export of everything the principal owns (`data.rs`) and tells the runners.
pub async fn insert_data_job(conn: &mut AsyncPgConnection, who: Principal) -> QueryResult<ExportJobRow> {
    let job = diesel::insert_into(export_jobs::table)
        .values((
            export_jobs::id.eq(Uuid::now_v7()),
            export_jobs::user_id.eq(who.user_id),
            export_jobs::kind.eq(ExportKind::Data),
            export_jobs::format.eq(ExportFormat::Zip),
        ))
        .returning(ExportJobRow::as_returning())
        .get_result(conn)
        .await?;
    events::publish(conn, &event(&job)).await?;
    Ok(job)
}

/// Takes the oldest job waiting, or one whose runner's lease ran out (its server stopped
/// mid-job), marking it RUNNING under a fresh lease. SKIP LOCKED: copies taking jobs at
/// once take different ones.
pub async fn claim(conn: &mut AsyncPgConnection) -> QueryResult<Option<ExportJobRow>> {
    let job: Option<ExportJobRow> = diesel::sql_query(format!(
        "update export_jobs set status = 'running', attempts = attempts + 1, progress = 0,
                lease_until = now() + interval '{LEASE_SECONDS} seconds',
                started_at = coalesce(started_at, now())
         where id = (select id from export_jobs
                     where status = 'queued' or (status = 'running' and lease_until < now())
                     order by created_at, id limit 1 for update skip locked)
         returning *"
    ))
    .get_result(conn)
    .await
    .optional()?;
    if let Some(job) = &job {
        events::publish(conn, &event(job)).await?;
    }
    Ok(job)
}

/// Records a running job's progress (renewing its lease) and tells its subscribers.
pub async fn progress(conn: &mut AsyncPgConnection, job: &ExportJobRow, percent: i32) -> QueryResult<()> {
    let updated = diesel::update(
        export_jobs::table
            .filter(export_jobs::id.eq(job.id))
            .filter(export_jobs::status.eq(ExportStatus::Running)),
    )
    .set((
        export_jobs::progress.eq(percent),
        export_jobs::lease_until.eq(diesel::dsl::sql::<
            diesel::sql_types::Nullable<diesel::sql_types::Timestamptz>,
        >(&format!("now() + interval '{LEASE_SECONDS} seconds'"))),
    ))
    .execute(conn)
    .await?;
    if updated == 1 {
        events::publish(conn, &event(job)).await?;
    }
    Ok(())
}

/// The file a finished job made.
pub struct Made<'a> {
    pub object_key: &'a str,
    pub file_name: &'a str,
    pub content_type: &'a str,
    pub size_bytes: i64,
    pub ttl_seconds: i64,
}

pub async fn finish(conn: &mut AsyncPgConnection, job: &ExportJobRow, made: &Made<'_>) -> QueryResult<()> {
    diesel::sql_query(
        "update export_jobs set status = 'done', progress = 100, lease_until = null, error = null,
                object_key = $2, file_name = $3, content_type = $4, size_bytes = $5,
                finished_at = now(), expires_at = now() + make_interval(secs => $6)
         where id = $1",
    )
    .bind::<SqlUuid, _>(job.id)
    .bind::<Text, _>(made.object_key)
    .bind::<Text, _>(made.file_name)
    .bind::<Text, _>(made.content_type)
    .bind::<BigInt, _>(made.size_bytes)
    .bind::<diesel::sql_types::Double, _>(made.ttl_seconds as f64)
    .execute(conn)
    .await?;
    events::publish(conn, &event(job)).await
}

pub async fn fail(conn: &mut AsyncPgConnection, job: &ExportJobRow, error: &str) -> QueryResult<()> {
    diesel::update(export_jobs::table.filter(export_jobs::id.eq(job.id)))
        .set((
            export_jobs::status.eq(ExportStatus::Failed),
            export_jobs::lease_until.eq(None::<DateTime<Utc>>),
            export_jobs::error.eq(error),
            export_jobs::finished_at.eq(diesel::dsl::now),
        ))
        .execute(conn)
        .await?;
    events::publish(conn, &event(job)).await
}

/// Files whose time is up and are still kept: (job id, object key).
pub async fn expired(conn: &mut AsyncPgConnection, limit: i64) -> QueryResult<Vec<(Uuid, String)>> {
    let rows: Vec<(Uuid, Option<String>)> = export_jobs::table
        .filter(export_jobs::expires_at.lt(diesel::dsl::now))
        .filter(export_jobs::object_key.is_not_null())
        .filter(export_jobs::purged_at.is_null())
        .select((export_jobs::id, export_jobs::object_key))
        .limit(limit)
        .load(conn)
        .await?;
    Ok(rows
        .into_iter()
        .filter_map(|(id, key)| Some((id, key?)))
        .collect())
}

pub async fn mark_purged(conn: &mut AsyncPgConnection, id: Uuid) -> QueryResult<()> {
    diesel::update(export_jobs::table.filter(export_jobs::id.eq(id)))
        .set((
            export_jobs::purged_at.eq(diesel::dsl::now),
            export_jobs::object_key.eq(None::<String>),
        ))
        .execute(conn)
        .await
        .map(drop)
}

/// Notes the first download of the principal's job.
pub async fn mark_downloaded(conn: &mut AsyncPgConnection, who: Principal, id: Uuid) -> QueryResult<()> {
    diesel::update(
        export_jobs::table
            .filter(export_jobs::table::writable(who))
            .filter(export_jobs::id.eq(id))
            .filter(export_jobs::downloaded_at.is_null()),
    )
    .set(export_jobs::downloaded_at.eq(diesel::dsl::now))
    .execute(conn)
    .await
    .map(drop)
}

/// Those of `ids` that are no account (any more): their files are erased (`runner.rs`).
pub async fn deleted_accounts(conn: &mut AsyncPgConnection, ids: &[Uuid]) -> QueryResult<Vec<Uuid>> {
    let existing: Vec<Uuid> = users::table
        .filter(users::id.eq_any(ids))
        .select(users::id)
        .load(conn)
        .await?;
    Ok(ids.iter().copied().filter(|id| !existing.contains(id)).collect())
}
