//! The GraphQL schema: assembly, limits, and what every area shares (context, errors, ids,
//! loaders, the Node interface).

pub mod connection;
pub mod context;
pub mod errors;
pub mod ids;
pub mod loaders;
pub mod node;
pub mod scalars;

use std::sync::Arc;
use std::time::Duration;

use async_graphql::{
    Data, Executor, MergedObject, MergedSubscription, Request, Response, Schema, SchemaBuilder, Subscription,
};
use chrono::{DateTime, Utc};
use futures_util::stream::BoxStream;
use futures_util::{Stream, StreamExt};

use crate::accounts::graphql::{AccountsMutation, AccountsQuery};
use crate::applications::graphql::{ApplicationsMutation, ApplicationsSubscription};
use crate::career::mutations::CareerMutation;
use crate::jobs::graphql::JobsMutation;
use crate::profile::graphql::ProfileMutation;
use crate::skills::graphql::{SkillsMutation, SkillsQuery};
use context::Services;
use node::NodeQuery;

/// The values of a text[] column (whose elements diesel types as nullable, though ours never
/// hold nulls).
pub fn present<T: Clone>(values: &[Option<T>]) -> Vec<T> {
    values.iter().flatten().cloned().collect()
}

/// The id of a deleted object.
#[derive(async_graphql::SimpleObject)]
pub struct DeletePayload {
    pub deleted_id: async_graphql::ID,
}

/// Names one object to delete, retire or restore.
#[derive(async_graphql::InputObject)]
pub struct IdInput {
    pub id: async_graphql::ID,
}

#[derive(MergedObject, Default)]
pub struct Query(NodeQuery, AccountsQuery, SkillsQuery);

#[derive(MergedObject, Default)]
pub struct Mutation(
    AccountsMutation,
    ProfileMutation,
    CareerMutation,
    SkillsMutation,
    JobsMutation,
    ApplicationsMutation,
);

#[derive(MergedSubscription, Default)]
pub struct Subscription(HeartbeatSubscription, ApplicationsSubscription);

/// The schema as the server runs it: async-graphql's, with a code on every error the engine
/// raises itself (see [`errors::code_engine_errors`]). HTTP and WebSocket requests both go
/// through it.
#[derive(Clone)]
pub struct AppSchema(Schema<Query, Mutation, Subscription>);

impl Executor for AppSchema {
    async fn execute(&self, mut request: Request) -> Response {
        if let Err(error) = request.parsed_query() {
            return Response::from_errors(vec![errors::parse_failed(error)]);
        }
        errors::code_engine_errors(self.0.execute(request).await)
    }

    fn execute_stream(
        &self,
        mut request: Request,
        session_data: Option<Arc<Data>>,
    ) -> BoxStream<'static, Response> {
        if let Err(error) = request.parsed_query() {
            return futures_util::stream::once(std::future::ready(Response::from_errors(vec![
                errors::parse_failed(error),
            ])))
            .boxed();
        }
        Executor::execute_stream(&self.0, request, session_data)
            .map(errors::code_engine_errors)
            .boxed()
    }
}

/// How much one request may ask for.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    /// Deepest nesting of fields.
    pub depth: usize,
    /// Total cost: one per field, list fields multiplied by their page size.
    pub complexity: usize,
}

fn builder() -> SchemaBuilder<Query, Mutation, Subscription> {
    Schema::build(Query::default(), Mutation::default(), Subscription::default())
}

/// The schema the server runs, with its services and limits.
pub fn build(services: Services, limits: Limits) -> AppSchema {
    AppSchema(
        builder()
            .data(services)
            .limit_depth(limits.depth)
            .limit_complexity(limits.complexity)
            .finish(),
    )
}

/// The SDL as committed in `schema.graphql`: fields, arguments and enum values sorted, so that
/// reordering code does not churn the file.
pub fn sdl() -> String {
    builder().finish().sdl_with_options(
        async_graphql::SDLExportOptions::new()
            .sorted_fields()
            .sorted_arguments()
            .sorted_enum_items(),
    )
}

#[derive(Default)]
pub struct HeartbeatSubscription;

#[Subscription]
impl HeartbeatSubscription {
    /// The server's clock every `intervalSeconds` (1–300). The server sends no WebSocket pings,
    /// so a client that wants to notice a dead connection can subscribe to this.
    async fn heartbeat(
        &self,
        #[graphql(default = 15, validator(minimum = 1, maximum = 300))] interval_seconds: u32,
    ) -> impl Stream<Item = DateTime<Utc>> + use<> {
        let mut interval = tokio::time::interval(Duration::from_secs(interval_seconds.into()));
        interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        futures_util::stream::unfold(interval, |mut interval| async move {
            interval.tick().await;
            Some((Utc::now(), interval))
        })
    }
}
