//! Statement counting, kept apart from the query code: diesel-async's `RunQueryDsl` would
//! shadow the atomic's `load`.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use diesel::connection::{Instrumentation, InstrumentationEvent};

/// Counts every SQL statement sent through the pool. Tests assert on it to prove that a query's
/// cost does not grow with the data (no N+1), and `/metrics` exposes it to the benchmark.
#[derive(Clone, Default, Debug)]
pub struct StatementCounter(Arc<AtomicU64>);

impl StatementCounter {
    pub fn get(&self) -> u64 {
        self.0.load(Ordering::Relaxed)
    }
}

pub(super) struct CountStatements(pub(super) StatementCounter);

impl Instrumentation for CountStatements {
    fn on_connection_event(&mut self, event: InstrumentationEvent<'_>) {
        if let InstrumentationEvent::StartQuery { .. } = event {
            self.0.0.fetch_add(1, Ordering::Relaxed);
        }
    }
}
