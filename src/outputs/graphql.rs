//! GraphQL for approved outputs and critic logs: their types, the owner's lists (shown on
//! `User` by the accounts area), and recording and deleting them.

use async_graphql::{Context, ID, InputObject, Json, Object, SimpleObject};
use chrono::{DateTime, Utc};
use diesel::pg::Pg;
use diesel::query_builder::{BoxedSqlQuery, SqlQuery};
use diesel::sql_types::{Nullable, Text, Uuid as SqlUuid};
use uuid::Uuid;

use super::enums::OutputType;
use super::store::{
    self, ApprovedOutputById, ApprovedOutputRow, CriticLogById, CriticLogRow, NewApprovedOutput, NewCriticLog,
};
use crate::access::{Principal, may_change};
use crate::applications::graphql::{Application, application_by_id};
use crate::db::schema::{applications, approved_outputs, critic_logs, job_postings};
use crate::graphql::connection::{Conn, Listing, PageArgs, PageKey};
use crate::graphql::context::{services, viewer};
use crate::graphql::errors::{AppError, AppResult};
use crate::graphql::ids::{NodeType, decode_as};
use crate::graphql::{DeletePayload, IdInput, present};
use crate::jobs::graphql::JobPosting;
use crate::jobs::store::JobPostingById;
use crate::payload_edge;
use crate::validate;

#[derive(Clone, Debug)]
pub struct ApprovedOutput(pub ApprovedOutputRow);

/// A generated text the viewer approved (ETPS ApprovedOutput), kept to learn from: what kind
/// of text, the text, how it was generated, how good it was judged, and the application and
/// posting it was written for. Only its owner reads it.
#[Object]
impl ApprovedOutput {
    /// Opaque global id.
    pub async fn id(&self) -> ID {
        NodeType::ApprovedOutput.id(self.0.id)
    }
    /// What kind of text it is.
    async fn output_type(&self) -> OutputType {
        self.0.output_type
    }
    /// The approved text as it was approved, 1 to 50,000 characters.
    async fn text(&self) -> &str {
        &self.0.original_text
    }
    /// How it was generated (ETPS context_metadata): a JSON object the client chose; null
    /// when none was given.
    async fn context(&self) -> Option<Json<serde_json::Value>> {
        self.0.context_metadata.clone().map(Json)
    }
    /// How good it was judged, from 0 to 1; null when not judged.
    async fn quality_score(&self) -> Option<f64> {
        self.0.quality_score
    }
    /// The application it was written for; null when none, or when the application was
    /// deleted.
    async fn application(&self, ctx: &Context<'_>) -> AppResult<Option<Application>> {
        match self.0.application_id {
            Some(id) => application_by_id(ctx, id).await,
            None => Ok(None),
        }
    }
    /// The job posting it was written for; null when none, or when the posting was deleted.
    async fn job_posting(&self, ctx: &Context<'_>) -> AppResult<Option<JobPosting>> {
        let Some(id) = self.0.job_posting_id else {
            return Ok(None);
        };
        Ok(viewer(ctx)?
            .loaders
            .one::<JobPostingById>(id)
            .await?
            .map(JobPosting::from))
    }
    /// When it was approved.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
}

#[derive(Clone, Debug)]
pub struct CriticLog(pub CriticLogRow);

/// The critic's verdict on one iteration of a generation session (ETPS CriticLog). Only its
/// owner reads it.
#[Object]
impl CriticLog {
    /// Opaque global id.
    pub async fn id(&self) -> ID {
        NodeType::CriticLog.id(self.0.id)
    }
    /// The generation session whose iterations it groups (chosen by the client).
    async fn session_id(&self) -> Uuid {
        self.0.session_id
    }
    /// Which iteration of the session, from 1.
    async fn iteration(&self) -> i32 {
        self.0.iteration
    }
    /// The critic's score, from 0 to 1.
    async fn quality_score(&self) -> f64 {
        self.0.quality_score
    }
    /// Whether the iteration passed the critic.
    async fn passed(&self) -> bool {
        self.0.passed
    }
    /// What the critic found, in its order (empty when nothing).
    async fn issues(&self) -> Vec<String> {
        present(&self.0.issues)
    }
    /// When it was recorded.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
}

/// Which approved outputs to list.
#[derive(InputObject, Clone, Debug, Default)]
pub struct ApprovedOutputFilter {
    /// Only outputs of this type.
    pub output_type: Option<OutputType>,
    /// Only outputs judged at least this good (0 to 1); those never judged are left out.
    pub min_quality_score: Option<f64>,
}

/// [`ApprovedOutputFilter`] as a loader key (a float is not hashable; its bits are).
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct OutputKey {
    output_type: Option<OutputType>,
    min_quality_bits: Option<u64>,
}

/// A user's approved outputs, newest first.
pub struct ApprovedOutputsOfUser;

impl Listing for ApprovedOutputsOfUser {
    type Table = approved_outputs::table;
    type Row = ApprovedOutputRow;
    type Filter = OutputKey;
    const FROM: &'static str = "approved_outputs t";
    const PARENT: &'static str = "t.user_id";
    const WHERE: &'static str = "and ($7::text is null or t.output_type = $7) \
                                 and ($8::float8 is null or t.quality_score >= $8)";

    fn order_by(_: &Self::Filter) -> &'static str {
        "t.created_at desc"
    }

    fn bind<'a>(
        query: BoxedSqlQuery<'a, Pg, SqlQuery>,
        filter: &Self::Filter,
    ) -> BoxedSqlQuery<'a, Pg, SqlQuery> {
        query
            .bind::<Nullable<Text>, _>(filter.output_type.map(OutputType::as_str))
            .bind::<Nullable<diesel::sql_types::Double>, _>(filter.min_quality_bits.map(f64::from_bits))
    }
}

/// Which critic logs to list.
#[derive(InputObject, Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct CriticLogFilter {
    /// Only this session's iterations (then listed by iteration).
    pub session_id: Option<Uuid>,
}

/// A user's critic logs: newest first, or one session's by iteration.
pub struct CriticLogsOfUser;

impl Listing for CriticLogsOfUser {
    type Table = critic_logs::table;
    type Row = CriticLogRow;
    type Filter = CriticLogFilter;
    const FROM: &'static str = "critic_logs t";
    const PARENT: &'static str = "t.user_id";
    const WHERE: &'static str = "and ($7::uuid is null or t.session_id = $7)";

    fn order_by(filter: &Self::Filter) -> &'static str {
        if filter.session_id.is_some() {
            "t.iteration"
        } else {
            "t.created_at desc"
        }
    }

    fn bind<'a>(
        query: BoxedSqlQuery<'a, Pg, SqlQuery>,
        filter: &Self::Filter,
    ) -> BoxedSqlQuery<'a, Pg, SqlQuery> {
        query.bind::<Nullable<SqlUuid>, _>(filter.session_id)
    }
}

/// A quality score: a finite number from 0 to 1.
fn score(field: &'static str) -> impl Fn(f64) -> AppResult<f64> {
    move |value| {
        if value.is_finite() && (0.0..=1.0).contains(&value) {
            Ok(value)
        } else {
            Err(AppError::bad_input(
                field,
                format!("{field} must be between 0 and 1, got {value}"),
            ))
        }
    }
}

/// `User.approvedOutputs`.
pub async fn approved_outputs_of(
    ctx: &Context<'_>,
    user_id: Uuid,
    filter: ApprovedOutputFilter,
    args: PageArgs,
) -> AppResult<Conn<ApprovedOutput>> {
    let min = filter
        .min_quality_score
        .map(score("minQualityScore"))
        .transpose()?;
    let key = PageKey {
        parent: user_id,
        args,
        filter: OutputKey {
            output_type: filter.output_type,
            min_quality_bits: min.map(f64::to_bits),
        },
    };
    let page = viewer(ctx)?.loaders.page::<ApprovedOutputsOfUser>(key).await?;
    Ok(page.into_connection(|row| row.id, ApprovedOutput))
}

/// `User.criticLogs`.
pub async fn critic_logs_of(
    ctx: &Context<'_>,
    user_id: Uuid,
    filter: CriticLogFilter,
    args: PageArgs,
) -> AppResult<Conn<CriticLog>> {
    let key = PageKey {
        parent: user_id,
        args,
        filter,
    };
    let page = viewer(ctx)?.loaders.page::<CriticLogsOfUser>(key).await?;
    Ok(page.into_connection(|row| row.id, CriticLog))
}

/// `node(id:)` for an approved output.
pub async fn approved_output_by_id(ctx: &Context<'_>, id: Uuid) -> AppResult<Option<ApprovedOutput>> {
    Ok(viewer(ctx)?
        .loaders
        .one::<ApprovedOutputById>(id)
        .await?
        .map(ApprovedOutput))
}

/// `node(id:)` for a critic log.
pub async fn critic_log_by_id(ctx: &Context<'_>, id: Uuid) -> AppResult<Option<CriticLog>> {
    Ok(viewer(ctx)?
        .loaders
        .one::<CriticLogById>(id)
        .await?
        .map(CriticLog))
}

/// A generated text the viewer approves.
#[derive(InputObject)]
pub struct CreateApprovedOutputInput {
    /// What kind of text it is.
    pub output_type: OutputType,
    /// The text, 1 to 50,000 characters.
    pub text: String,
    /// How it was generated: a JSON object of at most 20,000 characters.
    pub context: Option<Json<serde_json::Value>>,
    /// How good it was judged, 0 to 1.
    pub quality_score: Option<f64>,
    /// The application it was written for (one of the viewer's).
    pub application_id: Option<ID>,
    /// The job posting it was written for (one of the viewer's).
    pub job_posting_id: Option<ID>,
}

/// The critic's verdict on one iteration of a generation session.
#[derive(InputObject)]
pub struct RecordCriticLogInput {
    /// The generation session (a UUID the client chose for it).
    pub session_id: Uuid,
    /// Which iteration, 1 to 1,000; one verdict per session and iteration.
    pub iteration: i32,
    /// The critic's score, 0 to 1.
    pub quality_score: f64,
    /// Whether the iteration passed.
    pub passed: bool,
    /// What the critic found: up to 100 texts of up to 2,000 characters each.
    #[graphql(default)]
    pub issues: Vec<String>,
}

/// What `createApprovedOutput` answers.
#[derive(SimpleObject)]
#[graphql(complex)]
pub struct ApprovedOutputPayload {
    /// The approved output.
    pub approved_output: ApprovedOutput,
}

payload_edge!(ApprovedOutputPayload.approved_output_edge: ApprovedOutput = approved_output, id approved_output.0.id);

/// What `recordCriticLog` answers.
#[derive(SimpleObject)]
#[graphql(complex)]
pub struct CriticLogPayload {
    /// The recorded verdict.
    pub critic_log: CriticLog,
}

payload_edge!(CriticLogPayload.critic_log_edge: CriticLog = critic_log, id critic_log.0.id);

/// The context object, checked.
fn context(value: Json<serde_json::Value>) -> AppResult<serde_json::Value> {
    let value = value.0;
    if !value.is_object() {
        return Err(AppError::bad_input("context", "context must be a JSON object"));
    }
    let length = value.to_string().chars().count();
    if length > 20_000 {
        return Err(AppError::bad_input(
            "context",
            format!("context is {length} characters long as JSON; at most 20000 are allowed"),
        ));
    }
    Ok(value)
}

async fn owned<T: crate::access::Guarded>(
    conn: &mut diesel_async::AsyncPgConnection,
    who: Principal,
    id: Option<Uuid>,
    name: &'static str,
) -> AppResult<()> {
    match id {
        Some(id) if !may_change::<T>(conn, who, id).await? => Err(AppError::NotFound(name)),
        _ => Ok(()),
    }
}

#[derive(Default)]
pub struct OutputsMutation;

#[Object]
impl OutputsMutation {
    /// Keeps a generated text the viewer approved. `NOT_FOUND` when the application or
    /// posting is not theirs; `BAD_USER_INPUT` (naming the field) for a blank or long text, a
    /// score outside 0–1 or a context that is not a JSON object.
    async fn create_approved_output(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "The mutation's arguments: see `CreateApprovedOutputInput`. Every field is checked before anything is written."
        )]
        input: CreateApprovedOutputInput,
    ) -> AppResult<ApprovedOutputPayload> {
        let new = NewApprovedOutput {
            application_id: input
                .application_id
                .map(|id| decode_as(&id, NodeType::Application, "applicationId"))
                .transpose()?,
            job_posting_id: input
                .job_posting_id
                .map(|id| decode_as(&id, NodeType::JobPosting, "jobPostingId"))
                .transpose()?,
            output_type: input.output_type,
            original_text: validate::text_of("text", &input.text, 50_000)?,
            context_metadata: input.context.map(context).transpose()?,
            quality_score: input.quality_score.map(score("qualityScore")).transpose()?,
        };
        let who = viewer(ctx)?.principal();
        let mut conn = services(ctx).pool.get().await?;
        owned::<applications::table>(&mut conn, who, new.application_id, "Application").await?;
        owned::<job_postings::table>(&mut conn, who, new.job_posting_id, "JobPosting").await?;
        let row = store::insert_output(&mut conn, who, &new).await?;
        Ok(ApprovedOutputPayload {
            approved_output: ApprovedOutput(row),
        })
    }

    /// Deletes an approved output of the viewer. `NOT_FOUND` when it is not theirs.
    async fn delete_approved_output(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "The mutation's arguments: see `IdInput`. Every field is checked before anything is written."
        )]
        input: IdInput,
    ) -> AppResult<DeletePayload> {
        let id = decode_as(&input.id, NodeType::ApprovedOutput, "id")?;
        let who = viewer(ctx)?.principal();
        let mut conn = services(ctx).pool.get().await?;
        if !store::delete_output(&mut conn, who, id).await? {
            return Err(AppError::NotFound("ApprovedOutput"));
        }
        Ok(DeletePayload { deleted_id: input.id })
    }

    /// Records the critic's verdict on one iteration of a generation session. `CONFLICT` when
    /// the session already has a verdict for that iteration; `BAD_USER_INPUT` (naming the
    /// field) for an iteration outside 1–1,000, a score outside 0–1 or too many or too long
    /// issues.
    async fn record_critic_log(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "The mutation's arguments: see `RecordCriticLogInput`. Every field is checked before anything is written."
        )]
        input: RecordCriticLogInput,
    ) -> AppResult<CriticLogPayload> {
        if input.issues.len() > 100 {
            return Err(AppError::bad_input(
                "issues",
                format!(
                    "issues has {} entries; at most 100 are allowed",
                    input.issues.len()
                ),
            ));
        }
        let new = NewCriticLog {
            session_id: input.session_id,
            iteration: validate::int_in("iteration", input.iteration, 1..=1000)?,
            quality_score: score("qualityScore")(input.quality_score)?,
            passed: input.passed,
            issues: input
                .issues
                .iter()
                .map(|issue| validate::text_of("issues", issue, 2000))
                .collect::<AppResult<_>>()?,
        };
        let who = viewer(ctx)?.principal();
        let mut conn = services(ctx).pool.get().await?;
        let row = store::insert_critic_log(&mut conn, who, &new).await?;
        Ok(CriticLogPayload {
            critic_log: CriticLog(row),
        })
    }
}
