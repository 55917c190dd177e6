//! GraphQL for exports: the export job, the viewer's jobs, `requestExport`,
//! `requestDataExport` and the `exportProgress` subscription.

use async_graphql::{Context, ID, InputObject, Object, SimpleObject, Subscription};
use chrono::{DateTime, Utc};
use diesel::pg::Pg;
use diesel::query_builder::{BoxedSqlQuery, SqlQuery};
use diesel::sql_types::{Nullable, Uuid as SqlUuid};
use diesel_async::AsyncConnection;
use futures_util::{Stream, StreamExt};
use uuid::Uuid;

use super::enums::{ExportFormat, ExportKind, ExportStatus};
use super::store::{self, ExportJobById, ExportJobRow};
use crate::applications::events::{self, Event};
use crate::applications::graphql::{feed_ended, hub};
use crate::db::schema::export_jobs;
use crate::graphql::connection::{Conn, Listing, PageArgs, PageKey};
use crate::graphql::context::{services, viewer};
use crate::graphql::errors::{AppError, AppResult};
use crate::graphql::ids::{NodeType, decode_as};
use crate::resumes::graphql::Resume;
use crate::resumes::store::ResumeById;
use crate::validate;

/// The path a finished job's file is downloaded from (with the owner's access token).
pub fn download_path(id: Uuid) -> String {
    format!("/exports/{}/download", NodeType::ExportJob.id(id).0)
}

/// A request to make a file of a resume, or the data export, made in the background by the
/// server.
pub struct ExportJob(pub ExportJobRow);

/// A request to make a file in the background: one of the viewer's resumes (PDF, DOCX, JSON
/// Resume, Markdown, plain text; `kind` RESUME), or an archive of everything the viewer owns
/// (`kind` DATA, format ZIP). A server makes it: QUEUED, RUNNING with its progress, then DONE
/// with a download URL until it expires, or FAILED with the reason.
#[Object]
impl ExportJob {
    /// Opaque global id.
    pub async fn id(&self) -> ID {
        NodeType::ExportJob.id(self.0.id)
    }

    /// What it makes: a resume's file or the data export.
    async fn kind(&self) -> ExportKind {
        self.0.kind
    }

    /// The file it makes.
    async fn format(&self) -> ExportFormat {
        self.0.format
    }

    /// The template asked for; null for the default layout.
    async fn template(&self) -> Option<&str> {
        self.0.template.as_deref()
    }

    /// Where it stands.
    async fn status(&self) -> ExportStatus {
        self.0.status
    }

    /// How far it got, 0 to 100 (100 once DONE).
    async fn progress(&self) -> i32 {
        self.0.progress
    }

    /// Why it FAILED; null otherwise.
    async fn error(&self) -> Option<&str> {
        self.0.error.as_deref()
    }

    /// The resume it exports; null for a data export and once that resume is deleted.
    async fn resume(&self, ctx: &Context<'_>) -> AppResult<Option<Resume>> {
        let Some(id) = self.0.resume_id else {
            return Ok(None);
        };
        Ok(viewer(ctx)?.loaders.one::<ResumeById>(id).await?.map(Resume))
    }

    /// Where to GET the file, with the owner's `Authorization: Bearer` token: a path on this
    /// server. Null until DONE and after `expiresAt`. The path answers 404 to anyone else and
    /// 410 Gone after expiry.
    async fn download_url(&self) -> Option<String> {
        let live = self.0.status == ExportStatus::Done
            && self.0.expires_at.is_some_and(|expires| expires > Utc::now());
        live.then(|| download_path(self.0.id))
    }

    /// The downloaded file's name; null until DONE.
    async fn file_name(&self) -> Option<&str> {
        self.0.file_name.as_deref()
    }

    /// The file's size in bytes; null until DONE.
    async fn size_bytes(&self) -> Option<f64> {
        self.0.size_bytes.map(|size| size as f64)
    }

    /// When it was requested.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }

    /// When a server first started it; null while QUEUED.
    async fn started_at(&self) -> Option<DateTime<Utc>> {
        self.0.started_at
    }

    /// When it became DONE or FAILED; null before.
    async fn finished_at(&self) -> Option<DateTime<Utc>> {
        self.0.finished_at
    }

    /// Until when the file can be downloaded; the server deletes it then. Null until DONE.
    async fn expires_at(&self) -> Option<DateTime<Utc>> {
        self.0.expires_at
    }

    /// When the file was first downloaded; null if never.
    async fn downloaded_at(&self) -> Option<DateTime<Utc>> {
        self.0.downloaded_at
    }
}

/// The viewer's export job with this id (for `node`).
pub async fn export_job_by_id(ctx: &Context<'_>, id: Uuid) -> AppResult<Option<ExportJob>> {
    Ok(viewer(ctx)?
        .loaders
        .one::<ExportJobById>(id)
        .await?
        .map(ExportJob))
}

/// Filters for export jobs.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct ExportJobFilter {
    resume_id: Option<Uuid>,
}

/// The viewer's export jobs, newest first.
pub struct ExportJobs;

impl Listing for ExportJobs {
    type Table = export_jobs::table;
    type Row = ExportJobRow;
    type Filter = ExportJobFilter;
    const FROM: &'static str = "export_jobs t";
    const PARENT: &'static str = "t.user_id";
    const WHERE: &'static str = "and ($7::uuid is null or t.resume_id = $7)";

    fn order_by(_: &ExportJobFilter) -> &'static str {
        "t.created_at desc"
    }

    fn bind<'a>(
        query: BoxedSqlQuery<'a, Pg, SqlQuery>,
        filter: &ExportJobFilter,
    ) -> BoxedSqlQuery<'a, Pg, SqlQuery> {
        query.bind::<Nullable<SqlUuid>, _>(filter.resume_id)
    }
}

#[derive(Default)]
pub struct ExportsQuery;

#[Object]
impl ExportsQuery {
    /// The viewer's export jobs, newest first. `UNAUTHENTICATED` without a token.
    async fn export_jobs(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only the jobs of this resume of the viewer's; omitted, all.")] resume_id: Option<
            ID,
        >,
        #[graphql(desc = "Return the first N items (0 to 100), after `after` if given. Default 50.")]
        first: Option<i32>,
        #[graphql(
            desc = "A cursor (an edge's `cursor` or `pageInfo.endCursor`): return the items after it."
        )]
        after: Option<String>,
        #[graphql(desc = "Return the last N items (0 to 100), before `before` if given.")] last: Option<i32>,
        #[graphql(
            desc = "A cursor (an edge's `cursor` or `pageInfo.startCursor`): return the items before it."
        )]
        before: Option<String>,
    ) -> AppResult<Conn<ExportJob>> {
        let resume_id = resume_id
            .map(|id| decode_as(&id, NodeType::Resume, "resumeId"))
            .transpose()?;
        let args = PageArgs::new(first, after, last, before)?;
        let viewer = viewer(ctx)?;
        let page = viewer
            .loaders
            .page::<ExportJobs>(PageKey {
                parent: viewer.id,
                args,
                filter: ExportJobFilter { resume_id },
            })
            .await?;
        Ok(page.into_connection(|row| row.id, ExportJob))
    }
}

/// Asks for a file of a resume.
#[derive(InputObject)]
pub struct RequestExportInput {
    /// One of the viewer's resumes.
    pub resume_id: ID,
    /// The file to make (not ZIP, the data export's: `BAD_USER_INPUT`).
    pub format: ExportFormat,
    /// A template name (1 to 100 characters), recorded on the job; omitted, the default layout.
    pub template: Option<String>,
}

/// What `requestExport` and `requestDataExport` answer.
#[derive(SimpleObject)]
pub struct ExportJobPayload {
    /// The queued job: follow it with `exportProgress` or `node`.
    pub export_job: ExportJob,
}

#[derive(Default)]
pub struct ExportsMutation;

#[Object]
impl ExportsMutation {
    /// Queues a file of a resume as it reads when a server makes it. The job starts QUEUED and
    /// a server makes it in the background (it survives restarts); its `downloadUrl` serves the
    /// file to the viewer until `expiresAt`. `NOT_FOUND` when the resume is not the viewer's;
    /// `BAD_USER_INPUT` naming `format` for ZIP.
    async fn request_export(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "The mutation's arguments: see `RequestExportInput`. Every field is checked before anything is written."
        )]
        input: RequestExportInput,
    ) -> AppResult<ExportJobPayload> {
        let resume_id = decode_as(&input.resume_id, NodeType::Resume, "resumeId")?;
        if input.format == ExportFormat::Zip {
            return Err(AppError::bad_input(
                "format",
                "ZIP is the data export's format: use requestDataExport",
            ));
        }
        let template = input
            .template
            .map(|template| validate::text_of("template", &template, 100))
            .transpose()?;
        let who = viewer(ctx)?.principal();
        let mut conn = services(ctx).pool.get().await?;
        let job = conn
            .transaction::<_, AppError, _>(async |conn| {
                if crate::resumes::store::resume_of(conn, who, resume_id)
                    .await?
                    .is_none()
                {
                    return Err(AppError::NotFound("Resume"));
                }
                Ok(store::insert_job(conn, who, resume_id, input.format, template.as_deref()).await?)
            })
            .await?;
        Ok(ExportJobPayload {
            export_job: ExportJob(job),
        })
    }

    /// Queues an export of everything the viewer owns (the right of access and portability):
    /// one zip archive with `manifest.json`, `tables/<table>.json` (every table that holds the
    /// viewer's rows, one JSON array each, secret hashes left out) and `files/` (stored PDFs and
    /// uploaded files, named in their rows). Made in the background like `requestExport` (kind
    /// DATA, format ZIP): follow it with `exportProgress`, download it from `downloadUrl` with
    /// the viewer's token until `expiresAt`, when the server deletes it. `UNAUTHENTICATED`
    /// without a token.
    async fn request_data_export(&self, ctx: &Context<'_>) -> AppResult<ExportJobPayload> {
        let who = viewer(ctx)?.principal();
        let mut conn = services(ctx).pool.get().await?;
        let job = conn
            .transaction::<_, AppError, _>(async |conn| Ok(store::insert_data_job(conn, who).await?))
            .await?;
        Ok(ExportJobPayload {
            export_job: ExportJob(job),
        })
    }
}

#[derive(Default)]
pub struct ExportsSubscription;

#[Subscription]
impl ExportsSubscription {
    /// An export job as it moves on: first as it stands, then at each change of status or
    /// progress, on whichever server copy makes it; the stream ends after DONE or FAILED.
    /// `NOT_FOUND` when the job is not the viewer's.
    async fn export_progress(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "One of the viewer's export jobs.")] id: ID,
    ) -> async_graphql::Result<impl Stream<Item = async_graphql::Result<ExportJob>> + use<>> {
        let job_id = decode_as(&id, NodeType::ExportJob, "id")?;
        let who = viewer(ctx)?.principal();
        let pool = services(ctx).pool.clone();
        // Subscribed before the first read, so no change falls between the two.
        let live = events::live_events(hub(ctx), who);
        let mut conn = pool.get().await.map_err(AppError::from)?;
        let first = store::job_of(&mut conn, who, job_id)
            .await
            .map_err(AppError::from)?
            .ok_or(AppError::NotFound("ExportJob"))?;
        drop(conn);
        let changes = live.filter_map(move |event| {
            let pool = pool.clone();
            async move {
                let event = match event {
                    Ok(event) => event,
                    Err(end) => return Some(Err(feed_ended(end))),
                };
                match event.as_ref() {
                    Event::Export(changed) if changed.export_id == job_id => {}
                    _ => return None,
                }
                let mut conn = pool.get().await.ok()?;
                match store::job_of(&mut conn, who, job_id).await {
                    Ok(row) => row.map(Ok),
                    Err(error) => {
                        tracing::warn!(%error, "cannot read an export job");
                        None
                    }
                }
            }
        });
        let rows = futures_util::stream::iter([Ok(first)]).chain(changes);
        // Until the first row that ends the job, that row included.
        let rows = rows.scan(false, |ended, row: async_graphql::Result<ExportJobRow>| {
            if *ended {
                return futures_util::future::ready(None);
            }
            if let Ok(row) = &row {
                *ended = matches!(row.status, ExportStatus::Done | ExportStatus::Failed);
            }
            futures_util::future::ready(Some(row.map(ExportJob)))
        });
        Ok(rows)
    }
}
