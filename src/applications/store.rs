//! SQL for applications, their history and their artifacts. Every status change and every new
//! artifact publishes its event in the same transaction.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use uuid::Uuid;

use super::enums::{ApplicationStatus, ArtifactKind};
use crate::access::{Guarded, Principal};
use crate::applications::events::{self, ArtifactEvent, Event, StatusEvent};
use crate::db::schema::{application_status_events, applications, artifact_pdfs, artifacts, candidacies};
use crate::db::updated_or_current;
use crate::guarded_relation;

#[derive(Clone, Debug, Queryable, Selectable, QueryableByName)]
#[diesel(table_name = applications)]
pub struct ApplicationRow {
    pub id: Uuid,
    pub user_id: Uuid,
    pub job_posting_id: Uuid,
    pub status: ApplicationStatus,
    pub personal_context: Option<String>,
    pub notes: Option<String>,
    pub applied_at: Option<DateTime<Utc>>,
    /// When it was created.
    pub created_at: DateTime<Utc>,
    /// When it last changed.
    pub updated_at: DateTime<Utc>,
}

#[derive(Clone, Debug, Queryable, Selectable)]
#[diesel(table_name = artifacts)]
pub struct ArtifactRow {
    pub id: Uuid,
    pub user_id: Uuid,
    pub application_id: Uuid,
    pub kind: ArtifactKind,
    pub content: String,
    pub word_count: i32,
    pub version: i32,
    /// When it was created.
    pub created_at: DateTime<Utc>,
}

guarded_relation!(ApplicationById: applications.id => ApplicationRow);

guarded_relation!(
    /// The applications of each job posting, newest first: at most one of them open, and it
    /// is the newest (a closed application never reopens).
    ApplicationsOfPosting: applications.job_posting_id => ApplicationRow,
    order by (applications::created_at.desc(), applications::id.desc())
);

guarded_relation!(
    /// Each application's history, oldest first.
    HistoryOfApplication: application_status_events.application_id => StatusEvent,
    order by application_status_events::seq
);

guarded_relation!(StatusEventById: application_status_events.id => StatusEvent);

guarded_relation!(
    /// Each application's artifacts, newest version first within each kind.
    ArtifactsOfApplication: artifacts.application_id => ArtifactRow,
    order by (artifacts::kind, artifacts::version.desc())
);

guarded_relation!(ArtifactById: artifacts.id => ArtifactRow);

pub async fn artifact_of(
    conn: &mut AsyncPgConnection,
    who: Principal,
    id: Uuid,
) -> QueryResult<Option<ArtifactRow>> {
    artifacts::table
        .filter(artifacts::table::readable(who))
        .filter(artifacts::id.eq(id))
        .select(ArtifactRow::as_select())
        .first(conn)
        .await
        .optional()
}

/// The PDF kept for an artifact the principal reads, if it was rendered before.
pub async fn stored_pdf(
    conn: &mut AsyncPgConnection,
    who: Principal,
    artifact_id: Uuid,
) -> QueryResult<Option<Vec<u8>>> {
    artifact_pdfs::table
        .filter(artifact_pdfs::table::readable(who))
        .filter(artifact_pdfs::artifact_id.eq(artifact_id))
        .select(artifact_pdfs::pdf)
        .first(conn)
        .await
        .optional()
}

/// Keeps an artifact's PDF. A copy that rendered it at the same time keeps its own (the same
/// bytes: rendering is deterministic).
pub async fn store_pdf(conn: &mut AsyncPgConnection, artifact: &ArtifactRow, pdf: &[u8]) -> QueryResult<()> {
    diesel::insert_into(artifact_pdfs::table)
        .values((
            artifact_pdfs::artifact_id.eq(artifact.id),
            artifact_pdfs::user_id.eq(artifact.user_id),
            artifact_pdfs::pdf.eq(pdf),
        ))
        .on_conflict_do_nothing()
        .execute(conn)
        .await
        .map(drop)
}

/// Whether an organisation's pipeline drives the application: it was made by applying to a
/// requisition (`candidacies.application_id`, which the pipeline, above this area, writes).
pub async fn driven_by_candidacy(conn: &mut AsyncPgConnection, id: Uuid) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        candidacies::table.filter(candidacies::application_id.eq(id)),
    ))
    .get_result(conn)
    .await
}

/// The principal's application, locked for the rest of the transaction.
pub async fn lock_application(
    conn: &mut AsyncPgConnection,
    who: Principal,
    id: Uuid,
) -> QueryResult<Option<ApplicationRow>> {
    applications::table
        .filter(applications::table::readable(who))
        .filter(applications::id.eq(id))
        .select(ApplicationRow::as_select())
        .for_update()
        .first(conn)
        .await
        .optional()
}

async fn record_event(
    conn: &mut AsyncPgConnection,
    application: &ApplicationRow,
    from: Option<ApplicationStatus>,
    to: ApplicationStatus,
    note: Option<&str>,
) -> QueryResult<StatusEvent> {
    let event = diesel::insert_into(application_status_events::table)
        .values((
            application_status_events::id.eq(Uuid::now_v7()),
            application_status_events::user_id.eq(application.user_id),
            application_status_events::application_id.eq(application.id),
            application_status_events::from_status.eq(from),
            application_status_events::to_status.eq(to),
            application_status_events::note.eq(note),
        ))
        .returning(StatusEvent::as_returning())
        .get_result(conn)
        .await?;
    events::publish(conn, &Event::Status(event.clone())).await?;
    Ok(event)
}

/// Creates an application (status DRAFT) with its first history entry; `None` when the posting
/// has an open one (re-applying waits until it is closed). Call inside a transaction.
pub async fn insert_application(
    conn: &mut AsyncPgConnection,
    who: Principal,
    job_posting_id: Uuid,
    personal_context: Option<&str>,
    notes: Option<&str>,
) -> QueryResult<Option<ApplicationRow>> {
    use diesel::sql_types::{Nullable, Text, Uuid as SqlUuid};
    // The conflict target is the partial unique index `applications_one_open_per_posting`:
    // two concurrent creates for one posting leave one open application, and the other
    // answers `None` rather than an error.
    let inserted = diesel::sql_query(
        "insert into applications (id, user_id, job_posting_id, personal_context, notes)
         values ($1, $2, $3, $4, $5)
         on conflict (job_posting_id) where status not in ('accepted', 'rejected', 'withdrawn')
         do nothing
         returning id, user_id, job_posting_id, status, personal_context, notes, applied_at,
                   created_at, updated_at",
    )
    .bind::<SqlUuid, _>(Uuid::now_v7())
    .bind::<SqlUuid, _>(who.user_id)
    .bind::<SqlUuid, _>(job_posting_id)
    .bind::<Nullable<Text>, _>(personal_context)
    .bind::<Nullable<Text>, _>(notes)
    .get_result::<ApplicationRow>(conn)
    .await
    .optional()?;
    if let Some(application) = &inserted {
        record_event(conn, application, None, ApplicationStatus::Draft, None).await?;
    }
    Ok(inserted)
}

/// Moves a locked application to `to` (which the caller checked is allowed), recording and
/// publishing the event; SUBMITTED sets `applied_at`. Call inside a transaction.
pub async fn move_application(
    conn: &mut AsyncPgConnection,
    who: Principal,
    application: &ApplicationRow,
    to: ApplicationStatus,
    note: Option<&str>,
) -> QueryResult<(ApplicationRow, StatusEvent)> {
    let applied_at = match to {
        ApplicationStatus::Submitted => Some(Utc::now()),
        _ => application.applied_at,
    };
    let moved = diesel::update(
        applications::table
            .find(application.id)
            .filter(applications::table::writable(who)),
    )
    .set((
        applications::status.eq(to),
        applications::applied_at.eq(applied_at),
    ))
    .returning(ApplicationRow::as_returning())
    .get_result(conn)
    .await?;
    let event = record_event(conn, application, Some(application.status), to, note).await?;
    Ok((moved, event))
}

pub async fn update_application(
    conn: &mut AsyncPgConnection,
    who: Principal,
    id: Uuid,
    personal_context: Option<Option<String>>,
    notes: Option<Option<String>>,
) -> QueryResult<Option<ApplicationRow>> {
    #[derive(AsChangeset)]
    #[diesel(table_name = applications)]
    struct Changes {
        personal_context: Option<Option<String>>,
        notes: Option<Option<String>>,
    }
    let changes = Changes {
        personal_context,
        notes,
    };
    let updated = diesel::update(
        applications::table
            .filter(applications::table::readable(who))
            .filter(applications::id.eq(id)),
    )
    .set(&changes)
    .returning(ApplicationRow::as_returning())
    .get_result(conn)
    .await
    .optional();
    updated_or_current(updated, async || {
        applications::table
            .filter(applications::table::readable(who))
            .filter(applications::id.eq(id))
            .select(ApplicationRow::as_select())
            .first(conn)
            .await
            .optional()
    })
    .await
}

pub async fn delete_application(conn: &mut AsyncPgConnection, who: Principal, id: Uuid) -> QueryResult<bool> {
    diesel::delete(
        applications::table
            .filter(applications::table::readable(who))
            .filter(applications::id.eq(id)),
    )
    .execute(conn)
    .await
    .map(|n| n == 1)
}

/// Stores a new artifact; the database assigns its version. Call inside a transaction.
pub async fn insert_artifact(
    conn: &mut AsyncPgConnection,
    application: &ApplicationRow,
    kind: ArtifactKind,
    content: &str,
) -> QueryResult<ArtifactRow> {
    let word_count = content.split_whitespace().count() as i32;
    let artifact = diesel::insert_into(artifacts::table)
        .values((
            artifacts::id.eq(Uuid::now_v7()),
            artifacts::user_id.eq(application.user_id),
            artifacts::application_id.eq(application.id),
            artifacts::kind.eq(kind),
            artifacts::content.eq(content),
            artifacts::word_count.eq(word_count),
            // Replaced by the assign_artifact_version trigger.
            artifacts::version.eq(0),
        ))
        .returning(ArtifactRow::as_returning())
        .get_result(conn)
        .await?;
    let event = ArtifactEvent {
        user_id: artifact.user_id,
        application_id: artifact.application_id,
        artifact_id: artifact.id,
        kind,
    };
    events::publish(conn, &Event::Artifact(event)).await?;
    Ok(artifact)
}

/// What a PDF's title block names: the candidate's name (if their profile has one; never the
/// email address, which a document meant to be sent must not show), the role and the company.
pub async fn title_block(
    conn: &mut AsyncPgConnection,
    who: Principal,
    application_id: Uuid,
) -> QueryResult<Option<(Option<String>, String, String)>> {
    use crate::db::schema::{candidate_profiles, job_postings};
    applications::table
        .inner_join(job_postings::table.on(job_postings::id.eq(applications::job_posting_id)))
        .inner_join(candidate_profiles::table.on(candidate_profiles::user_id.eq(applications::user_id)))
        .filter(applications::table::readable(who))
        .filter(applications::id.eq(application_id))
        .select((
            candidate_profiles::full_name,
            job_postings::job_title,
            job_postings::company_name,
        ))
        .first(conn)
        .await
        .optional()
}
