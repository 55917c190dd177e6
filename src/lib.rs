//! careergraph: a GraphQL API server for a person's career graph.
//!
//! `app(state)` is the whole HTTP application; `main.rs` serves it, and the tests drive it
//! through the same router.
// The schema's merged Query and Mutation are nested generic types one level per area; their
// resolver futures outgrow rustc's default layout depth of 128 (async-graphql's docs advise this).
#![recursion_limit = "256"]

pub mod access;
pub mod accounts;
pub mod app;
pub mod applications;
pub mod assessments;
pub mod audit;
pub mod career;
pub mod companies;
pub mod config;
pub mod contacts;
pub mod db;
pub mod evaluation;
pub mod exports;
pub mod graphiql;
pub mod graphql;
pub mod graphql_http;
pub mod hiring;
pub mod http_server;
pub mod jobs;
pub mod metrics;
pub mod notifications;
pub mod outputs;
pub mod pipeline;
pub mod profile;
pub mod resumes;
pub mod schema;
pub mod seed;
pub mod server;
pub mod skills;
pub mod storage;
pub mod telemetry;
pub mod tokens;
pub mod uploads;
pub mod validate;
pub mod ws;

pub use app::{AppState, app};
