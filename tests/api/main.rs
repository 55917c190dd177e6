//! End-to-end tests: the real router, a real PostgreSQL. One binary (each file in tests/
//! would be linked separately, which costs minutes on two cores).

mod access;
mod accounts;
mod applications;
mod assessments;
mod career;
mod contract;
mod descriptions;
mod events;
mod graphiql;
mod hiring;
mod hostile;
mod http;
mod http_audit;
mod integrity;
mod interviews;
mod job_fixtures;
mod jobs;
mod lifecycle;
mod migrations;
mod notifications;
mod pdf;
mod persisted;
mod pipeline;
mod profile;
mod record;
mod resumes;
mod schema;
mod seed;
mod serve;
mod sessions;
mod skills;
mod subscriptions;
mod support;
mod telemetry;
mod ws_protocol;
