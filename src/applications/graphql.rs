//! GraphQL for applications: the pipeline, artifacts, and the subscriptions that watch them.

use async_graphql::{
    Context, Enum, ID, InputObject, Interface, MaybeUndefined, Object, SimpleObject, Subscription,
};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, Utc};
use diesel::pg::Pg;
use diesel::query_builder::{BoxedSqlQuery, SqlQuery};
use diesel::sql_types::{Nullable, Text};
use diesel_async::AsyncConnection;
use futures_util::{Stream, StreamExt};
use uuid::Uuid;

use super::enums::{ApplicationStatus, ArtifactKind};
use super::store::{
    self, ApplicationById, ApplicationRow, ApplicationsOfPosting, ArtifactById, ArtifactRow,
    ArtifactsOfApplication, HistoryOfApplication, StatusEventById,
};
use crate::applications::events::{self, Event, EventHub, FeedEnd, Position, StatusEvent};
use crate::companies::graphql::Company;
use crate::companies::store::CompanyOfApplication;
use crate::graphql::connection::{Conn, Listing, PageArgs, PageKey};
use crate::graphql::context::{services, viewer};
use crate::graphql::errors::{AppError, AppResult};
use crate::graphql::ids::{NodeType, decode_as};
use crate::graphql::{DeletePayload, IdInput};
use crate::jobs::graphql::skill_gap;
use crate::jobs::graphql::{JobPosting, PostingApplication};
use crate::jobs::store::{JobPostingById, JobPostingRow};
use crate::payload_edge;
use crate::validate::{self, field, text};

/// Filters for applications.
#[derive(InputObject, Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct ApplicationFilter {
    /// Only applications in this status.
    pub status: Option<ApplicationStatus>,
}

/// How to order applications.
#[derive(Enum, Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum ApplicationOrder {
    /// Most recently changed first.
    #[default]
    LastChanged,
    /// Most recently created first.
    Newest,
}

pub struct Applications;

impl Listing for Applications {
    type Table = crate::db::schema::applications::table;
    type Row = ApplicationRow;
    type Filter = (ApplicationFilter, ApplicationOrder);
    const FROM: &'static str = "applications t";
    const PARENT: &'static str = "t.user_id";
    const WHERE: &'static str = "and ($7::text is null or t.status = $7)";

    fn order_by((_, order): &Self::Filter) -> &'static str {
        match order {
            ApplicationOrder::LastChanged => "t.updated_at desc",
            ApplicationOrder::Newest => "t.created_at desc",
        }
    }

    fn bind<'a>(
        query: BoxedSqlQuery<'a, Pg, SqlQuery>,
        (filter, _): &Self::Filter,
    ) -> BoxedSqlQuery<'a, Pg, SqlQuery> {
        query.bind::<Nullable<Text>, _>(filter.status.map(ApplicationStatus::as_str))
    }
}

/// `User.applications`.
pub async fn applications_of(
    ctx: &Context<'_>,
    user_id: Uuid,
    args: PageArgs,
    filter: ApplicationFilter,
    order: ApplicationOrder,
) -> AppResult<Conn<Application>> {
    let key = PageKey {
        parent: user_id,
        args,
        filter: (filter, order),
    };
    let page = viewer(ctx)?.loaders.page::<Applications>(key).await?;
    Ok(page.into_connection(|row| row.id, Application))
}

#[Object]
impl PostingApplication {
    /// The posting's newest application, if the candidate started one: the open one while
    /// there is one (only the newest can be open). Earlier, closed ones are in `applications`.
    async fn application(&self, ctx: &Context<'_>) -> AppResult<Option<Application>> {
        Ok(viewer(ctx)?
            .loaders
            .many::<ApplicationsOfPosting>(self.posting_id)
            .await?
            .into_iter()
            .next()
            .map(Application))
    }
    /// Every application made for this posting, newest first. At most one is open (not
    /// ACCEPTED, REJECTED or WITHDRAWN); re-applying starts a new one once the last is closed.
    async fn applications(&self, ctx: &Context<'_>) -> AppResult<Vec<Application>> {
        Ok(viewer(ctx)?
            .loaders
            .many::<ApplicationsOfPosting>(self.posting_id)
            .await?
            .into_iter()
            .map(Application)
            .collect())
    }
}

async fn posting_of(ctx: &Context<'_>, application: &ApplicationRow) -> AppResult<JobPostingRow> {
    viewer(ctx)?
        .loaders
        .one::<JobPostingById>(application.job_posting_id)
        .await?
        .ok_or(AppError::NotFound("JobPosting"))
}

/// An application for a job posting, moving through its pipeline.
#[derive(Clone)]
pub struct Application(pub ApplicationRow);

/// An application for one of the candidate's job postings, moving through its status pipeline
/// (`DRAFT` → … → `ACCEPTED`, or `REJECTED`/`WITHDRAWN`) with its history and generated documents.
#[Object]
impl Application {
    /// Opaque global id.
    pub async fn id(&self) -> ID {
        NodeType::Application.id(self.0.id)
    }
    /// Where the application stands; `allowedTransitions` lists where it may move next.
    async fn status(&self) -> ApplicationStatus {
        self.0.status
    }
    /// The statuses `transitionApplication` accepts from here.
    async fn allowed_transitions(&self) -> &'static [ApplicationStatus] {
        self.0.status.allowed_moves()
    }
    /// The company applied to in the company catalog: the posting's company.
    async fn company(&self, ctx: &Context<'_>) -> AppResult<Option<Company>> {
        let found = viewer(ctx)?
            .loaders
            .one::<CompanyOfApplication>(self.0.id)
            .await?;
        Ok(found.map(|f| Company(f.company)))
    }
    /// The id of `company`; null when it is.
    async fn company_id(&self, ctx: &Context<'_>) -> AppResult<Option<ID>> {
        let found = viewer(ctx)?
            .loaders
            .one::<CompanyOfApplication>(self.0.id)
            .await?;
        Ok(found.map(|f| NodeType::Company.id(f.company.id)))
    }
    /// The job posting the application is for.
    async fn job_posting(&self, ctx: &Context<'_>) -> AppResult<JobPosting> {
        Ok(posting_of(ctx, &self.0).await?.into())
    }
    /// 0 to 100: the posting's skill-gap fit score (see `SkillGap.fitScore`), always current.
    async fn fit_score(&self, ctx: &Context<'_>) -> AppResult<i32> {
        let posting = posting_of(ctx, &self.0).await?;
        Ok(skill_gap(ctx, &posting).await?.fit_score)
    }
    /// Why the candidate is interested.
    async fn personal_context(&self) -> Option<&str> {
        self.0.personal_context.as_deref()
    }
    /// The candidate's own notes (up to 5,000 characters); null when none.
    async fn notes(&self) -> Option<&str> {
        self.0.notes.as_deref()
    }
    /// When it was submitted.
    async fn applied_at(&self) -> Option<DateTime<Utc>> {
        self.0.applied_at
    }
    /// When the application was started (as `DRAFT`).
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
    /// When it last changed (the order of `viewer.applications`).
    async fn updated_at(&self) -> DateTime<Utc> {
        self.0.updated_at
    }
    /// Every status change, oldest first, starting with its creation as DRAFT.
    async fn history(&self, ctx: &Context<'_>) -> AppResult<Vec<ApplicationStatusEvent>> {
        let events = viewer(ctx)?
            .loaders
            .many::<HistoryOfApplication>(self.0.id)
            .await?;
        Ok(events.into_iter().map(ApplicationStatusEvent).collect())
    }
    /// Its artifacts, newest version first; `kind` keeps one kind.
    async fn artifacts(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only artifacts of this kind; omitted, both kinds.")] kind: Option<ArtifactKind>,
    ) -> AppResult<Vec<Artifact>> {
        let rows = viewer(ctx)?
            .loaders
            .many::<ArtifactsOfApplication>(self.0.id)
            .await?;
        Ok(rows
            .into_iter()
            .filter(|row| kind.is_none_or(|kind| row.kind == kind))
            .map(Artifact::from)
            .collect())
    }
    /// The newest CV.
    async fn latest_cv(&self, ctx: &Context<'_>) -> AppResult<Option<CvArtifact>> {
        let rows = viewer(ctx)?
            .loaders
            .many::<ArtifactsOfApplication>(self.0.id)
            .await?;
        Ok(rows
            .into_iter()
            .find(|row| row.kind == ArtifactKind::Cv)
            .map(CvArtifact))
    }
    /// The newest cover letter.
    async fn latest_cover_letter(&self, ctx: &Context<'_>) -> AppResult<Option<CoverLetterArtifact>> {
        let rows = viewer(ctx)?
            .loaders
            .many::<ArtifactsOfApplication>(self.0.id)
            .await?;
        Ok(rows
            .into_iter()
            .find(|row| row.kind == ArtifactKind::CoverLetter)
            .map(CoverLetterArtifact))
    }
}

/// One change of an application's status.
#[derive(Clone, Debug)]
pub struct ApplicationStatusEvent(pub StatusEvent);

fn event_cursor(position: Position) -> String {
    URL_SAFE_NO_PAD.encode(format!("event:{}:{}", position.txid, position.seq))
}

fn decode_event_cursor(cursor: &str) -> AppResult<Position> {
    URL_SAFE_NO_PAD
        .decode(cursor)
        .ok()
        .and_then(|bytes| String::from_utf8(bytes).ok())
        .and_then(|text| {
            let (txid, seq) = text.strip_prefix("event:")?.split_once(':')?;
            Some(Position {
                txid: txid.parse().ok()?,
                seq: seq.parse().ok()?,
            })
        })
        .ok_or_else(|| AppError::bad_input("after", format!("`{cursor}` is not an event cursor")))
}

/// How a subscription that has to stop early says why: `UNAVAILABLE`, with `resumeAfter`
/// (an event cursor to subscribe again with) where what follows can be replayed.
pub fn feed_ended(end: FeedEnd) -> async_graphql::Error {
    let (message, resume) = match end {
        FeedEnd::Interrupted(position) => (
            "the subscription was interrupted; subscribe again with `after: extensions.resumeAfter`",
            Some(position),
        ),
        FeedEnd::Lagged => (
            "this subscriber fell behind and missed events; subscribe again",
            None,
        ),
        FeedEnd::NotListening => (
            "this server is not connected to the database yet; subscribe again shortly",
            None,
        ),
    };
    let mut error = async_graphql::Error::new(message);
    let extensions = error.extensions.get_or_insert_with(Default::default);
    extensions.set("code", AppError::Unavailable.code());
    if let Some(position) = resume {
        extensions.set("resumeAfter", event_cursor(position));
    }
    error
}

/// One move of an application's status: from where, to where, why and when. Events are
/// immutable and ordered; `cursor` marks the position to resume a subscription from.
#[Object]
impl ApplicationStatusEvent {
    /// Opaque global id.
    pub async fn id(&self) -> ID {
        NodeType::ApplicationStatusEvent.id(self.0.id)
    }
    /// Give it as `after` to `applicationStatusChanged` to receive what came later.
    async fn cursor(&self) -> String {
        event_cursor(self.0.position())
    }
    /// The global id of the application that moved.
    async fn application_id(&self) -> ID {
        NodeType::Application.id(self.0.application_id)
    }
    /// Null for the creation of the application.
    async fn from_status(&self) -> Option<ApplicationStatus> {
        self.0.from_status
    }
    /// The status it moved to.
    async fn to_status(&self) -> ApplicationStatus {
        self.0.to_status
    }
    /// Why, as given to `transitionApplication` (up to 2,000 characters); null when none was given.
    async fn note(&self) -> Option<&str> {
        self.0.note.as_deref()
    }
    /// When the move was made.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
}

/// Declares an artifact type: both kinds show the same fields.
macro_rules! artifact_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, Debug)]
        pub struct $name(pub ArtifactRow);

        $(#[$doc])*
        #[Object]
        impl $name {
            /// Opaque global id.
            pub async fn id(&self) -> ID {
                NodeType::Artifact.id(self.0.id)
            }
            /// Which kind of document this is.
            pub async fn kind(&self) -> ArtifactKind {
                self.0.kind
            }
            /// 1, 2, 3 … per application and kind, never reused.
            pub async fn version(&self) -> i32 {
                self.0.version
            }
            /// The document's text.
            pub async fn content(&self) -> String {
                self.0.content.clone()
            }
            /// Words in `content`, counted by the server.
            pub async fn word_count(&self) -> i32 {
                self.0.word_count
            }
            /// When this version was created.
            pub async fn created_at(&self) -> DateTime<Utc> {
                self.0.created_at
            }
            /// Where to download it as a PDF (GET, with the same `Authorization: Bearer`
            /// header); rendered on demand from `content`.
            pub async fn pdf_url(&self) -> String {
                pdf_path(self.0.id)
            }
            /// Characters of `content` that none of the server's fonts can draw, each once in
            /// order of first appearance; the PDF shows U+FFFD (�) in their place. Empty when
            /// the PDF shows everything.
            pub async fn missing_glyphs(&self) -> Vec<String> {
                super::pdf::missing_glyphs(&self.0.content).into_iter().map(String::from).collect()
            }
            /// The application the document belongs to.
            pub async fn application(&self, ctx: &Context<'_>) -> AppResult<Application> {
                viewer(ctx)?
                    .loaders
                    .one::<ApplicationById>(self.0.application_id)
                    .await?
                    .map(Application)
                    .ok_or(AppError::NotFound("Application"))
            }
        }
    };
}

artifact_type! {
    /// A generated CV.
    CvArtifact
}
artifact_type! {
    /// A generated cover letter.
    CoverLetterArtifact
}

/// The path of an artifact's PDF.
pub fn pdf_path(artifact_id: Uuid) -> String {
    format!("/artifacts/{}/pdf", NodeType::Artifact.id(artifact_id).as_str())
}

/// A generated document of an application.
// Each interface field repeats `name`/`ty`/`desc`, which the lint takes for duplicates.
#[allow(clippy::duplicated_attributes)]
#[derive(Interface)]
#[graphql(
    field(name = "id", ty = "ID", desc = "Opaque global id."),
    field(name = "kind", ty = "ArtifactKind", desc = "Which kind of document this is."),
    field(
        name = "version",
        ty = "i32",
        desc = "1, 2, 3 … per application and kind, never reused."
    ),
    field(name = "content", ty = "String", desc = "The document's text."),
    field(
        name = "word_count",
        ty = "i32",
        desc = "Words in `content`, counted by the server."
    ),
    field(
        name = "created_at",
        ty = "DateTime<Utc>",
        desc = "When this version was created."
    ),
    field(name = "pdf_url", ty = "String", desc = "Where to download it as a PDF."),
    field(
        name = "missing_glyphs",
        ty = "Vec<String>",
        desc = "Characters of `content` that no font of the server can draw (shown as U+FFFD)."
    )
)]
pub enum Artifact {
    Cv(CvArtifact),
    CoverLetter(CoverLetterArtifact),
}

impl From<ArtifactRow> for Artifact {
    fn from(row: ArtifactRow) -> Self {
        match row.kind {
            ArtifactKind::Cv => Self::Cv(CvArtifact(row)),
            ArtifactKind::CoverLetter => Self::CoverLetter(CoverLetterArtifact(row)),
        }
    }
}

/// The viewer's artifact with this id (for `node`).
pub async fn artifact_by_id(ctx: &Context<'_>, id: Uuid) -> AppResult<Option<Artifact>> {
    Ok(viewer(ctx)?
        .loaders
        .one::<ArtifactById>(id)
        .await?
        .map(Artifact::from))
}

/// The viewer's application with this id (for `node`).
pub async fn application_by_id(ctx: &Context<'_>, id: Uuid) -> AppResult<Option<Application>> {
    Ok(viewer(ctx)?
        .loaders
        .one::<ApplicationById>(id)
        .await?
        .map(Application))
}

/// The status change with this id, if the viewer may read it.
pub async fn status_event_by_id(ctx: &Context<'_>, id: Uuid) -> AppResult<Option<ApplicationStatusEvent>> {
    Ok(viewer(ctx)?
        .loaders
        .one::<StatusEventById>(id)
        .await?
        .map(ApplicationStatusEvent))
}

/// The fields of a new application.
#[derive(InputObject)]
pub struct CreateApplicationInput {
    /// One of the viewer's job postings without an open application (none yet, or only
    /// closed ones: ACCEPTED, REJECTED or WITHDRAWN).
    pub job_posting_id: ID,
    /// Up to 5,000 characters.
    pub personal_context: Option<String>,
    /// Up to 5,000 characters.
    pub notes: Option<String>,
}

/// Changes to a application: a field left out stays as it is, and `null` clears an optional one.
#[derive(InputObject)]
pub struct UpdateApplicationInput {
    /// The application to change.
    pub id: ID,
    /// Why the candidate is interested, up to 5,000 characters; `null` clears it.
    pub personal_context: MaybeUndefined<String>,
    /// The candidate's own notes, up to 5,000 characters; `null` clears them.
    pub notes: MaybeUndefined<String>,
}

/// What the mutation answers: the application as it now is.
#[derive(SimpleObject)]
#[graphql(complex)]
pub struct ApplicationPayload {
    /// The application after the change.
    pub application: Application,
}

payload_edge!(ApplicationPayload.application_edge: Application = application, id application.0.id);

/// Moves an application to another status of its pipeline.
#[derive(InputObject)]
pub struct TransitionApplicationInput {
    /// The application to move.
    pub id: ID,
    /// One of the application's `allowedTransitions`.
    pub to: ApplicationStatus,
    /// Up to 2,000 characters.
    pub note: Option<String>,
}

/// What `transitionApplication` answers: the application in its new status, and the event it recorded.
#[derive(SimpleObject)]
pub struct TransitionApplicationPayload {
    /// The application in its new status.
    pub application: Application,
    /// The history entry the move wrote.
    pub event: ApplicationStatusEvent,
}

/// The fields of a new artifact.
#[derive(InputObject)]
pub struct CreateArtifactInput {
    /// The application the document is for (one of the viewer's).
    pub application_id: ID,
    /// CV or cover letter; the version is the next of this kind for the application.
    pub kind: ArtifactKind,
    /// 1 to 100,000 characters.
    pub content: String,
}

/// What `createArtifact` answers: the new artifact version.
#[derive(SimpleObject)]
pub struct CreateArtifactPayload {
    /// The new version.
    pub artifact: Artifact,
}

fn illegal_move(from: ApplicationStatus, to: ApplicationStatus) -> AppError {
    let allowed: Vec<&str> = from.allowed_moves().iter().map(|s| screaming(*s)).collect();
    let allowed = if allowed.is_empty() {
        "none: the application is closed".to_owned()
    } else {
        allowed.join(", ")
    };
    AppError::bad_input(
        "to",
        format!(
            "cannot move from {} to {}; allowed: {allowed}",
            screaming(from),
            screaming(to)
        ),
    )
}

/// The GraphQL spelling of a status.
fn screaming(status: ApplicationStatus) -> &'static str {
    match status {
        ApplicationStatus::Draft => "DRAFT",
        ApplicationStatus::Generated => "GENERATED",
        ApplicationStatus::Submitted => "SUBMITTED",
        ApplicationStatus::Screening => "SCREENING",
        ApplicationStatus::Interviewing => "INTERVIEWING",
        ApplicationStatus::Offer => "OFFER",
        ApplicationStatus::Accepted => "ACCEPTED",
        ApplicationStatus::Rejected => "REJECTED",
        ApplicationStatus::Withdrawn => "WITHDRAWN",
    }
}

#[derive(Default)]
pub struct ApplicationsMutation;

#[Object]
impl ApplicationsMutation {
    /// Starts an application (DRAFT) for one of the viewer's postings; `CONFLICT` while the
    /// posting has an open one. Re-applying: once the previous application is closed
    /// (ACCEPTED, REJECTED or WITHDRAWN) a new one may start; the old one keeps its history.
    async fn create_application(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "The mutation's arguments: see `CreateApplicationInput`. Every field is checked before anything is written."
        )]
        input: CreateApplicationInput,
    ) -> AppResult<ApplicationPayload> {
        let personal_context = input
            .personal_context
            .map(text("personalContext", 5000))
            .transpose()?;
        let notes = input.notes.map(text("notes", 5000)).transpose()?;
        let who = viewer(ctx)?.principal();
        let posting_id = decode_as(&input.job_posting_id, NodeType::JobPosting, "jobPostingId")?;
        let mut conn = services(ctx).pool.get().await?;
        crate::jobs::store::posting_of(&mut conn, who, posting_id)
            .await?
            .ok_or(AppError::NotFound("JobPosting"))?;
        let created = conn
            .transaction::<_, AppError, _>(async |conn| {
                Ok(store::insert_application(
                    conn,
                    who,
                    posting_id,
                    personal_context.as_deref(),
                    notes.as_deref(),
                )
                .await?)
            })
            .await?
            .ok_or_else(|| {
                AppError::Conflict(
                    "this job posting has an open application: close it (rejected, withdrawn or accepted) \
                     before applying again"
                        .to_owned(),
                )
            })?;
        Ok(ApplicationPayload {
            application: Application(created),
        })
    }

    /// Changes an application's context or notes (its status changes with
    /// `transitionApplication`).
    async fn update_application(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "The mutation's arguments: see `UpdateApplicationInput`. Every field is checked before anything is written."
        )]
        input: UpdateApplicationInput,
    ) -> AppResult<ApplicationPayload> {
        let personal_context = field(input.personal_context, text("personalContext", 5000))?;
        let notes = field(input.notes, text("notes", 5000))?;
        let who = viewer(ctx)?.principal();
        let id = decode_as(&input.id, NodeType::Application, "id")?;
        let mut conn = services(ctx).pool.get().await?;
        let row = store::update_application(&mut conn, who, id, personal_context, notes)
            .await?
            .ok_or(AppError::NotFound("Application"))?;
        Ok(ApplicationPayload {
            application: Application(row),
        })
    }

    /// Deletes an application with its history and artifacts.
    async fn delete_application(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "The mutation's arguments: see `IdInput`. Every field is checked before anything is written."
        )]
        input: IdInput,
    ) -> AppResult<DeletePayload> {
        let who = viewer(ctx)?.principal();
        let id = decode_as(&input.id, NodeType::Application, "id")?;
        let mut conn = services(ctx).pool.get().await?;
        if !store::delete_application(&mut conn, who, id).await? {
            return Err(AppError::NotFound("Application"));
        }
        Ok(DeletePayload { deleted_id: input.id })
    }

    /// Moves an application along its pipeline: DRAFT → GENERATED → SUBMITTED → SCREENING →
    /// INTERVIEWING → OFFER → ACCEPTED, or to REJECTED or WITHDRAWN from any open status. An
    /// illegal move is `BAD_USER_INPUT` naming the allowed ones. SUBMITTED sets `appliedAt`.
    /// An application made by `applyToRequisition` is withdrawn with `withdrawApplication`
    /// (WITHDRAWN here is `BAD_USER_INPUT`); the organisation moves it otherwise.
    async fn transition_application(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "The mutation's arguments: see `TransitionApplicationInput`. Every field is checked before anything is written."
        )]
        input: TransitionApplicationInput,
    ) -> AppResult<TransitionApplicationPayload> {
        let note = input
            .note
            .map(|n| validate::text_of("note", &n, 2000))
            .transpose()?;
        let who = viewer(ctx)?.principal();
        let id = decode_as(&input.id, NodeType::Application, "id")?;
        let mut conn = services(ctx).pool.get().await?;
        let (row, event) = conn
            .transaction::<_, AppError, _>(async |conn| {
                let current = store::lock_application(conn, who, id)
                    .await?
                    .ok_or(AppError::NotFound("Application"))?;
                if !current.status.allowed_moves().contains(&input.to) {
                    return Err(illegal_move(current.status, input.to));
                }
                if input.to == ApplicationStatus::Withdrawn && store::driven_by_candidacy(conn, id).await? {
                    return Err(AppError::bad_input(
                        "to",
                        "this application was made by applying to a requisition: withdraw it with \
                         withdrawApplication, which also tells the organisation",
                    ));
                }
                Ok(store::move_application(conn, who, &current, input.to, note.as_deref()).await?)
            })
            .await?;
        Ok(TransitionApplicationPayload {
            application: Application(row),
            event: ApplicationStatusEvent(event),
        })
    }

    /// Stores a new version of a CV or cover letter. The first CV of a DRAFT application moves
    /// it to GENERATED.
    async fn create_artifact(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "The mutation's arguments: see `CreateArtifactInput`. Every field is checked before anything is written."
        )]
        input: CreateArtifactInput,
    ) -> AppResult<CreateArtifactPayload> {
        let content = validate::text_of("content", &input.content, 100_000)?;
        let who = viewer(ctx)?.principal();
        let id = decode_as(&input.application_id, NodeType::Application, "applicationId")?;
        let mut conn = services(ctx).pool.get().await?;
        let artifact = conn
            .transaction::<_, AppError, _>(async |conn| {
                let application = store::lock_application(conn, who, id)
                    .await?
                    .ok_or(AppError::NotFound("Application"))?;
                let artifact = store::insert_artifact(conn, &application, input.kind, &content).await?;
                if input.kind == ArtifactKind::Cv && application.status == ApplicationStatus::Draft {
                    store::move_application(
                        conn,
                        who,
                        &application,
                        ApplicationStatus::Generated,
                        Some("first CV generated"),
                    )
                    .await?;
                }
                Ok(artifact)
            })
            .await?;
        Ok(CreateArtifactPayload {
            artifact: artifact.into(),
        })
    }
}

/// This server's event hub (schema data of its own), for the subscriptions of this area and
/// the areas above that deliver through it.
pub fn hub<'a>(ctx: &Context<'a>) -> &'a EventHub {
    ctx.data_unchecked::<EventHub>()
}

/// The viewer's application a subscription narrows to, if any (`NOT_FOUND` if not theirs).
async fn own_application(ctx: &Context<'_>, id: Option<&ID>) -> AppResult<Option<Uuid>> {
    let Some(id) = id else {
        return Ok(None);
    };
    let id = decode_as(id, NodeType::Application, "applicationId")?;
    viewer(ctx)?
        .loaders
        .one::<ApplicationById>(id)
        .await?
        .ok_or(AppError::NotFound("Application"))?;
    Ok(Some(id))
}

#[derive(Default)]
pub struct ApplicationsSubscription;

#[Subscription]
impl ApplicationsSubscription {
    /// Status changes of the viewer's applications (of one, with `applicationId`) as they
    /// happen on any server, in the order every server delivers them. With `after` (an
    /// event's `cursor`), the changes since then are delivered first, then live ones, with no
    /// gap and no repeat. A subscriber that falls behind is caught up from the history. If the
    /// subscription has to stop early, its last message is an `UNAVAILABLE` error whose
    /// `extensions.resumeAfter` is the cursor to subscribe again with.
    async fn application_status_changed(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "Only this application's changes; omitted, every application of the viewer. `NOT_FOUND` if it is not theirs."
        )]
        application_id: Option<ID>,
        #[graphql(
            desc = "A cursor (an edge's `cursor` or `pageInfo.endCursor`): return the items after it. The cursor of an item that is gone starts from the beginning."
        )]
        after: Option<String>,
    ) -> async_graphql::Result<impl Stream<Item = async_graphql::Result<ApplicationStatusEvent>> + use<>>
    {
        let me = viewer(ctx)?;
        let only = own_application(ctx, application_id.as_ref()).await?;
        let after = after.as_deref().map(decode_event_cursor).transpose()?;
        let feed = events::status_feed(hub(ctx), services(ctx).pool.clone(), me.principal(), after).await;
        Ok(feed.filter_map(move |item| {
            let item = match item {
                Ok(event) if only.is_none_or(|id| event.application_id == id) => {
                    Some(Ok(ApplicationStatusEvent(event)))
                }
                Ok(_) => None,
                Err(end) => Some(Err(feed_ended(end))),
            };
            async move { item }
        }))
    }

    /// Artifacts created for the viewer's applications (for one, with `applicationId`), on any
    /// server.
    async fn artifact_created(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "Only this application's artifacts; omitted, every application of the viewer. `NOT_FOUND` if it is not theirs."
        )]
        application_id: Option<ID>,
    ) -> async_graphql::Result<impl Stream<Item = async_graphql::Result<Artifact>> + use<>> {
        let me = viewer(ctx)?;
        let only = own_application(ctx, application_id.as_ref()).await?;
        let (who, pool) = (me.principal(), services(ctx).pool.clone());
        Ok(events::live_events(hub(ctx), who).filter_map(move |event| {
            let pool = pool.clone();
            async move {
                let event = match event {
                    Ok(event) => event,
                    Err(end) => return Some(Err(feed_ended(end))),
                };
                let Event::Artifact(created) = event.as_ref() else {
                    return None;
                };
                if only.is_some_and(|id| created.application_id != id) {
                    return None;
                }
                let mut conn = pool.get().await.ok()?;
                match store::artifact_of(&mut conn, who, created.artifact_id).await {
                    Ok(row) => row.map(|row| Ok(Artifact::from(row))),
                    Err(error) => {
                        tracing::warn!(%error, "cannot load a created artifact");
                        None
                    }
                }
            }
        }))
    }
}
