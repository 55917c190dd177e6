//! Statement counting, kept apart from the query code: diesel-async's `RunQueryDsl` would
//! shadow the atomic's `load`.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use diesel::connection::{Instrumentation, InstrumentationEvent};

/// Counts every SQL statement sent through the pool for a request. Tests assert on it to prove that a query's
/// cost does not grow with the data (no N+1), and `/metrics` exposes it to the benchmark.
#[derive(Clone, Default, Debug)]
pub struct StatementCounter(Arc<AtomicU64>);

impl StatementCounter {
    pub fn get(&self) -> u64 {
        self.0.load(Ordering::Relaxed)
    }
}

/// Counts each statement and traces it: a `sql` span from its start to its end, under the
/// request's span, for the OTLP exporter (`telemetry.rs`; at debug level, so nothing is built
/// when no exporter wants it).
pub(super) struct CountStatements {
    counter: StatementCounter,
    running: Option<tracing::Span>,
    /// The audit actor this connection's session carries (`super::audit`).
    pub(super) actor: super::audit::Actor,
    /// The next statement is the pool's own bookkeeping (setting the actor), not the
    /// request's: left out of the count, so that a request's figure does not depend on which
    /// connection it drew.
    pub(super) uncounted: bool,
}

impl CountStatements {
    pub(super) fn new(counter: StatementCounter) -> Self {
        Self {
            counter,
            running: None,
            actor: super::audit::Actor::default(),
            uncounted: false,
        }
    }
}

tokio::task_local! {
    /// Set while the server does work of its own that no request caused.
    static BACKGROUND: ();
}

/// Runs `work` with its statements left out of the count: the server's own background work
/// (the export runner), so that what a request costs is all a count measures — a test's or the
/// benchmark's figure never depends on what the runner happened to do meanwhile. A task that
/// `work` spawns needs its own `uncounted`.
pub async fn uncounted<F: std::future::Future>(work: F) -> F::Output {
    BACKGROUND.scope((), work).await
}

/// The longest statement text a span carries.
const MAX_STATEMENT: usize = 2_000;

impl Instrumentation for CountStatements {
    fn on_connection_event(&mut self, event: InstrumentationEvent<'_>) {
        match event {
            InstrumentationEvent::StartQuery { query, .. } => {
                if std::mem::take(&mut self.uncounted) || BACKGROUND.try_with(|()| ()).is_ok() {
                    self.running = None;
                    return;
                }
                self.counter.0.fetch_add(1, Ordering::Relaxed);
                let span = tracing::debug_span!(
                    "sql",
                    db.system = "postgresql",
                    db.statement = tracing::field::Empty
                );
                if !span.is_disabled() {
                    // The text only: diesel prints the bound parameters after `-- binds:`,
                    // and those are people's data.
                    let text = query.to_string();
                    let statement = text.split(" -- binds:").next().unwrap_or_default();
                    let end = (0..=MAX_STATEMENT.min(statement.len()))
                        .rev()
                        .find(|&i| statement.is_char_boundary(i))
                        .unwrap_or(0);
                    span.record("db.statement", &statement[..end]);
                }
                self.running = Some(span);
            }
            InstrumentationEvent::FinishQuery { .. } => {
                self.running = None;
            }
            _ => {}
        }
    }
}
