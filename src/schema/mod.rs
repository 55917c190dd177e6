//! The schema: every area's queries, mutations and subscriptions composed into one, behind the
//! document limits. The top of the module graph: it imports every area, and nothing imports it
//! (only the HTTP layer, `app.rs`, and the `export-schema` command).

mod descriptions;
pub mod node;

use std::sync::Arc;
use std::time::Duration;

use async_graphql::{
    BatchRequest, BatchResponse, Data, Executor, MergedObject, MergedSubscription, Request, Response, Schema,
    SchemaBuilder, ServerError, Subscription,
};
use chrono::{DateTime, Utc};
use futures_util::stream::BoxStream;
use futures_util::{Stream, StreamExt};

use crate::accounts::extras_graphql::{AccountExtrasMutation, AccountExtrasQuery};
use crate::accounts::graphql::{AccountsMutation, AccountsQuery, CREDENTIAL_FIELDS};
use crate::accounts::throttle::SignInThrottle;
use crate::applications::events::EventHub;
use crate::applications::graphql::{ApplicationsMutation, ApplicationsSubscription};
use crate::assessments::graphql::{AssessmentsMutation, AssessmentsQuery};
use crate::career::mutations::CareerMutation;
use crate::companies::graphql::{CompaniesMutation, CompaniesQuery};
use crate::contacts::graphql::ContactsMutation;
use crate::evaluation::graphql::EvaluationMutation;
use crate::exports::graphql::{ExportsMutation, ExportsQuery, ExportsSubscription};
use crate::graphql::context::Services;
use crate::graphql::errors::{self, AppError};
use crate::graphql::limits::{self, Admitted, DocumentLimits, Refusal, Shapes};
use crate::graphql::persisted::Persisted;
use crate::graphql::rate::Budget;
use crate::hiring::graphql::{HiringMutation, HiringQuery};
use crate::jobs::graphql::JobsMutation;
use crate::notifications::graphql::{NotificationsMutation, NotificationsSubscription};
use crate::outputs::graphql::OutputsMutation;
use crate::pipeline::graphql::{PipelineMutation, PipelineQuery};
use crate::profile::graphql::ProfileMutation;
use crate::resumes::graphql::{ResumesMutation, ResumesQuery};
use crate::skills::graphql::{SkillsMutation, SkillsQuery};
use crate::uploads::Uploads;
use crate::uploads::graphql::{UploadsMutation, UploadsQuery};
use node::NodeQuery;

/// What can be read. `viewer` is the signed-in user and reaches everything they own; `node`
/// and `nodes` fetch any object by its global id; the skill and role catalogs and the job board
/// (`openRequisitions`) are readable without a token.
#[derive(MergedObject, Default)]
pub struct Query(
    NodeQuery,
    AccountsQuery,
    SkillsQuery,
    HiringQuery,
    PipelineQuery,
    ResumesQuery,
    ExportsQuery,
    AssessmentsQuery,
    CompaniesQuery,
    UploadsQuery,
    AccountExtrasQuery,
);

/// What can be changed. Every mutation takes one `input` and returns a payload with what
/// changed; invalid input is `BAD_USER_INPUT` (with `extensions.field`) and changes nothing, and
/// an object the viewer may not see is `NOT_FOUND`.
#[derive(MergedObject, Default)]
pub struct Mutation(
    AccountsMutation,
    ProfileMutation,
    CareerMutation,
    SkillsMutation,
    JobsMutation,
    ApplicationsMutation,
    HiringMutation,
    PipelineMutation,
    EvaluationMutation,
    NotificationsMutation,
    ResumesMutation,
    ContactsMutation,
    OutputsMutation,
    ExportsMutation,
    AssessmentsMutation,
    CompaniesMutation,
    UploadsMutation,
    AccountExtrasMutation,
);

/// Live events over the WebSocket endpoint (`/graphql/ws`, graphql-transport-ws), each for the
/// signed-in user only.
#[derive(MergedSubscription, Default)]
pub struct Subscription(
    HeartbeatSubscription,
    ApplicationsSubscription,
    NotificationsSubscription,
    ExportsSubscription,
);

/// The schema as the server runs it: async-graphql's, behind the document limits (checked in
/// linear time before the engine validates anything, see [`limits`]) and with a code on every
/// error the engine raises itself (see [`errors::code_engine_errors`]). HTTP and WebSocket
/// requests both go through it.
#[derive(Clone)]
pub struct AppSchema {
    schema: Schema<Query, Mutation, Subscription>,
    limits: Limits,
    shapes: Arc<Shapes>,
    persisted: Arc<Persisted>,
}

/// Request data asking for the operation's cost in the response's `extensions.cost`.
pub struct ReportCost;

impl AppSchema {
    /// Settles the document a request runs: the one its persisted-query hash names, and only
    /// one this server runs (see [`Persisted`]). Every path below calls it first; the HTTP
    /// layer calls it earlier when it must see the document (GET refuses mutations).
    pub async fn resolve_persisted(&self, request: &mut Request) -> Result<(), ServerError> {
        self.persisted.resolve(request).await
    }

    /// Parses `request` and checks it against the document limits; what it would run.
    fn admit(&self, request: &mut Request) -> Result<Admitted, ServerError> {
        let operation_name = request.operation_name.clone();
        let variables = std::mem::take(&mut request.variables);
        let document = request.parsed_query().map_err(errors::parse_failed)?;
        let admitted = limits::check(
            document,
            operation_name.as_deref(),
            &variables,
            &self.shapes,
            &self.limits.document,
            CREDENTIAL_FIELDS,
        )
        .map_err(Refusal::into_error)?;
        crate::validate::control_characters(&variables, document).map_err(errors::before_execution)?;
        request.variables = variables;
        Ok(admitted)
    }

    /// [`Self::admit`] for a request on its own: one credential check at most.
    fn admit_one(&self, request: &mut Request) -> Result<(), ServerError> {
        match self.admit(request)?.credentials {
            credentials if credentials > 1 => Err(Refusal::CredentialFields(credentials).into_error()),
            _ => Ok(()),
        }
    }

    async fn execute_admitted(&self, request: Request, admitted: Admitted) -> Response {
        let report_cost = request.data.contains_key(&std::any::TypeId::of::<ReportCost>());
        let mut response = errors::code_engine_errors(self.schema.execute(request).await);
        if report_cost {
            response
                .extensions
                .insert("cost".to_owned(), async_graphql::Value::from(admitted.cost));
        }
        errors::cap(response, self.limits.errors)
    }
}

fn refused(error: ServerError) -> Response {
    Response::from_errors(vec![error])
}

/// Takes an admitted request's cost and credential checks from its client's budgets (see
/// [`Budget`]), when the HTTP layer gave it one: `RATE_LIMITED` when short, before anything
/// runs.
fn charge(request: &Request, cost: u64, credentials: u64) -> Result<(), ServerError> {
    let Some(budget) = request
        .data
        .get(&std::any::TypeId::of::<Budget>())
        .and_then(|budget| budget.downcast_ref::<Budget>())
    else {
        return Ok(());
    };
    budget
        .charge(cost, credentials)
        .map_err(|retry_after| errors::before_execution(AppError::RateLimited { retry_after }))
}

impl Executor for AppSchema {
    async fn execute(&self, mut request: Request) -> Response {
        if let Err(error) = self.resolve_persisted(&mut request).await {
            return refused(error);
        }
        match self.admit(&mut request) {
            Ok(admitted) if admitted.credentials > 1 => {
                refused(Refusal::CredentialFields(admitted.credentials).into_error())
            }
            Ok(admitted) => match charge(&request, admitted.cost, admitted.credentials) {
                Ok(()) => self.execute_admitted(request, admitted).await,
                Err(error) => refused(error),
            },
            Err(error) => refused(error),
        }
    }

    /// A batch may check credentials once in all, not once per entry.
    async fn execute_batch(&self, batch: BatchRequest) -> BatchResponse {
        let mut requests = match batch {
            BatchRequest::Single(request) => return BatchResponse::Single(self.execute(request).await),
            BatchRequest::Batch(requests) => requests,
        };
        let mut admitted = Vec::with_capacity(requests.len());
        for request in &mut requests {
            admitted.push(match self.resolve_persisted(request).await {
                Ok(()) => self.admit(request),
                Err(error) => Err(error),
            });
        }
        let credentials: u64 = admitted
            .iter()
            .flatten()
            .map(|admitted| admitted.credentials)
            .sum();
        if credentials > 1 {
            let refusals = requests
                .iter()
                .map(|_| refused(Refusal::CredentialFields(credentials).into_error()));
            return BatchResponse::Batch(refusals.collect());
        }
        // The batch is charged once, for all its entries: refused whole or run whole.
        let cost: u64 = admitted.iter().flatten().map(|admitted| admitted.cost).sum();
        if let Some(first) = requests.first()
            && let Err(error) = charge(first, cost, credentials)
        {
            return BatchResponse::Batch(requests.iter().map(|_| refused(error.clone())).collect());
        }
        let executed: futures_util::stream::FuturesOrdered<_> = requests
            .into_iter()
            .zip(admitted)
            .map(|(request, admitted)| async move {
                match admitted {
                    Ok(admitted) => self.execute_admitted(request, admitted).await,
                    Err(error) => refused(error),
                }
            })
            .collect();
        BatchResponse::Batch(executed.collect().await)
    }

    fn execute_stream(
        &self,
        mut request: Request,
        session_data: Option<Arc<Data>>,
    ) -> BoxStream<'static, Response> {
        // Queries and mutations sent over a WebSocket come this way too.
        let this = self.clone();
        futures_util::stream::once(async move {
            this.resolve_persisted(&mut request).await?;
            this.admit_one(&mut request)?;
            Ok::<_, ServerError>((this, request))
        })
        .flat_map(move |admitted| match admitted {
            Ok((this, request)) => {
                let errors = this.limits.errors;
                Executor::execute_stream(&this.schema, request, session_data.clone())
                    .map(move |response| errors::cap(errors::code_engine_errors(response), errors))
                    .boxed()
            }
            Err(error) => futures_util::stream::once(std::future::ready(refused(error))).boxed(),
        })
        .boxed()
    }
}

/// How much one request may ask for.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    /// What the document may ask for, its cost included, checked before the engine sees it.
    pub document: DocumentLimits,
    /// Most errors one response carries.
    pub errors: usize,
}

/// What the schema tells about itself.
#[derive(Clone, Copy, Debug)]
pub struct Disclosure {
    pub introspection: bool,
    pub field_suggestions: bool,
}

fn builder() -> SchemaBuilder<Query, Mutation, Subscription> {
    Schema::build(Query::default(), Mutation::default(), Subscription::default())
        .register_output_type::<descriptions::Descriptions>()
}

/// The schema the server runs, with its services and limits. Services that belong to one area
/// (the event hub, the sign-in throttle) are data of their own, which only that area reads.
pub fn build(
    services: Services,
    events: EventHub,
    limits: Limits,
    uploads: Uploads,
    disclosure: Disclosure,
    persisted: Persisted,
) -> AppSchema {
    let mut schema = builder()
        .data(services)
        .data(uploads)
        .data(events)
        .data(SignInThrottle::default())
        .extension(crate::audit::Audited)
        .limit_depth(limits.document.depth);
    if !disclosure.introspection {
        schema = schema.disable_introspection();
    }
    if !disclosure.field_suggestions {
        schema = schema.disable_suggestions();
    }
    // The schema's own SDL: it parses, or nothing would.
    let shapes =
        Shapes::from_sdl(&sdl()).unwrap_or_else(|error| panic!("the schema's SDL does not parse: {error:?}"));
    AppSchema {
        schema: schema.finish(),
        limits,
        shapes: Arc::new(shapes),
        persisted: Arc::new(persisted),
    }
}

/// The SDL as committed in `schema.graphql`: fields, arguments and enum values sorted, so that
/// reordering code does not churn the file.
pub fn sdl() -> String {
    builder().finish().sdl_with_options(
        async_graphql::SDLExportOptions::new()
            .sorted_fields()
            .sorted_arguments()
            .sorted_enum_items()
            .include_specified_by(),
    )
}

#[derive(Default)]
pub struct HeartbeatSubscription;

#[Subscription]
impl HeartbeatSubscription {
    /// The server's clock every `intervalSeconds` (1–300): a heartbeat a client can see. The
    /// server also pings every socket (protocol `ping` messages and WebSocket ping frames), but
    /// browsers do not show those to the page.
    async fn heartbeat(
        &self,
        #[graphql(
            default = 15,
            validator(minimum = 1, maximum = 300),
            desc = "Seconds between beats, 1 to 300. Default 15."
        )]
        interval_seconds: u32,
    ) -> impl Stream<Item = DateTime<Utc>> + use<> {
        let mut interval = tokio::time::interval(Duration::from_secs(interval_seconds.into()));
        interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        futures_util::stream::unfold(interval, |mut interval| async move {
            interval.tick().await;
            Some((Utc::now(), interval))
        })
    }
}
