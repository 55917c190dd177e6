//! What `/metrics` reports, in Prometheus' text format: GraphQL operations over HTTP by name
//! with their latency, errors by code, the database pool and SQL statements; the WebSocket
//! counters come from [`crate::ws::Sockets::metrics`].
//!
//! The `prometheus` crate keeps the counters and histograms (its registry is ours, not a
//! process-wide one, so two servers in one process — the tests — count apart).

use std::collections::HashSet;
use std::sync::{Mutex, PoisonError};
use std::time::Duration;

use async_graphql::parser::types::DocumentOperations;
use prometheus::{
    Encoder, HistogramOpts, HistogramVec, IntCounterVec, IntGaugeVec, Opts, Registry, TextEncoder,
};

/// Most distinct operation names kept as label values; later ones count as `other`, so a
/// client that makes up names cannot grow the metrics without bound.
const MAX_OPERATION_NAMES: usize = 200;
/// The label of an operation without a name.
const ANONYMOUS: &str = "anonymous";
const OTHER: &str = "other";

/// Request latencies from 1 ms to about 16 s.
const LATENCY_BUCKETS: [f64; 15] = [
    0.001, 0.002, 0.004, 0.008, 0.016, 0.032, 0.064, 0.128, 0.256, 0.512, 1.024, 2.048, 4.096, 8.192, 16.384,
];

pub struct Metrics {
    registry: Registry,
    operations: IntCounterVec,
    latency: HistogramVec,
    errors: IntCounterVec,
    pool: IntGaugeVec,
    names: Mutex<HashSet<String>>,
}

impl Metrics {
    pub fn new() -> Result<Self, prometheus::Error> {
        let registry = Registry::new();
        let operations = IntCounterVec::new(
            Opts::new(
                "careergraph_graphql_operations_total",
                "GraphQL operations run over HTTP, by operation name (`anonymous` without one; \
                 `other` past the first 200 names).",
            ),
            &["operation"],
        )?;
        let latency = HistogramVec::new(
            HistogramOpts::new(
                "careergraph_graphql_request_duration_seconds",
                "Time from a GraphQL HTTP request's parameters to its response, by operation \
                 name (each operation of a batch counts the whole batch's time).",
            )
            .buckets(LATENCY_BUCKETS.to_vec()),
            &["operation"],
        )?;
        let errors = IntCounterVec::new(
            Opts::new(
                "careergraph_graphql_errors_total",
                "Errors in GraphQL responses over HTTP, by `extensions.code`.",
            ),
            &["code"],
        )?;
        let pool = IntGaugeVec::new(
            Opts::new(
                "careergraph_db_pool",
                "Database connections: `open` (idle or in use), `idle`, and `waiting` \
                 (requests queued for one).",
            ),
            &["state"],
        )?;
        registry.register(Box::new(operations.clone()))?;
        registry.register(Box::new(latency.clone()))?;
        registry.register(Box::new(errors.clone()))?;
        registry.register(Box::new(pool.clone()))?;
        Ok(Self {
            registry,
            operations,
            latency,
            errors,
            pool,
            names: Mutex::default(),
        })
    }

    /// The label for a request's operation: its `operationName`, or the name of the one
    /// operation of its document.
    pub fn operation_label(&self, request: &mut async_graphql::Request) -> String {
        let name = match &request.operation_name {
            Some(name) => Some(name.clone()),
            None => request
                .parsed_query()
                .ok()
                .and_then(|document| match &document.operations {
                    DocumentOperations::Multiple(operations) if operations.len() == 1 => {
                        operations.keys().next().map(ToString::to_string)
                    }
                    _ => None,
                }),
        };
        let Some(name) = name else {
            return ANONYMOUS.to_owned();
        };
        let mut names = self.names.lock().unwrap_or_else(PoisonError::into_inner);
        if names.contains(&name) {
            return name;
        }
        if names.len() < MAX_OPERATION_NAMES {
            names.insert(name.clone());
            return name;
        }
        OTHER.to_owned()
    }

    /// Counts a request's operations, its time, and the codes of its errors.
    pub fn observe<'a>(
        &self,
        operations: &[String],
        elapsed: Duration,
        codes: impl Iterator<Item = &'a str>,
    ) {
        for operation in operations {
            self.operations.with_label_values(&[operation]).inc();
            self.latency
                .with_label_values(&[operation])
                .observe(elapsed.as_secs_f64());
        }
        for code in codes {
            self.errors.with_label_values(&[code]).inc();
        }
    }

    /// Everything in the text format, with the pool as it is now.
    pub fn render(&self, pool: deadpool::Status) -> String {
        let gauge = |state: &str, value: usize| {
            self.pool
                .with_label_values(&[state])
                .set(i64::try_from(value).unwrap_or(i64::MAX));
        };
        gauge("open", pool.size);
        gauge("idle", pool.available);
        gauge("waiting", pool.waiting);
        let mut text = Vec::new();
        if let Err(error) = TextEncoder::new().encode(&self.registry.gather(), &mut text) {
            tracing::warn!(%error, "cannot encode the metrics");
        }
        String::from_utf8(text).unwrap_or_default()
    }
}
