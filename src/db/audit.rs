//! Who a write is made for, carried to PostgreSQL for the audit log's trigger (migration
//! `2026-12-04-000022_audit_log`, docs/domain.md "Audit log").
//!
//! The trigger reads the actor and the request id from the session settings
//! `careergraph.actor` and `careergraph.request_id`. They are set here, at the one place every
//! write passes through whatever area makes it: the pool's checkout. A mutation runs inside
//! [`acting`] (the schema's audit extension wraps each mutation field in it); when it checks out
//! a connection whose session carries another actor, the pool's hook sets them first. A
//! checkout outside a mutation (a query, a loader's batch, a background job) sets them back to
//! empty on a connection a mutation used, so no write is ever credited to a request that has
//! ended. Each connection remembers what its session carries, so a checkout costs a statement
//! only when that changes (and the statement is not counted as the request's; see
//! `instrument.rs`).
//!
//! Session settings rather than transaction-local ones (`set_config(…, true)`): many mutations
//! write in autocommit statements without a transaction of their own, and the setting must hold
//! for each of them.

use std::future::Future;

use deadpool::managed::{Hook, HookError};
use diesel::QueryResult;
use diesel::sql_types::Text;
use diesel_async::pooled_connection::{AsyncDieselConnectionManager, PoolError};
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};
use uuid::Uuid;

use super::instrument::CountStatements;

/// Who makes the writes of a mutation, and the request it came in.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Actor {
    /// The signed-in user; None for a client without a token (signing up or in).
    pub user_id: Option<Uuid>,
    /// The request's `x-request-id`.
    pub request_id: Option<String>,
}

tokio::task_local! {
    static ACTOR: Actor;
}

/// Runs `future` with `actor` as the author of every write it makes through the pool.
pub async fn acting<F: Future>(actor: Actor, future: F) -> F::Output {
    ACTOR.scope(actor, future).await
}

/// The pool's hook on every checkout (new and reused connections alike).
pub(super) fn hook() -> Hook<AsyncDieselConnectionManager<AsyncPgConnection>> {
    Hook::async_fn(|conn, _| {
        Box::pin(async move {
            settle(conn)
                .await
                .map_err(|error| HookError::Backend(PoolError::QueryError(error)))
        })
    })
}

/// Makes the connection's session carry the current task's actor (none outside [`acting`]).
async fn settle(conn: &mut AsyncPgConnection) -> QueryResult<()> {
    let wanted = ACTOR.try_with(Clone::clone).unwrap_or_default();
    let Some(state) = conn.instrumentation().downcast_mut::<CountStatements>() else {
        return Ok(());
    };
    if state.actor == wanted {
        return Ok(());
    }
    state.uncounted = true;
    diesel::sql_query(
        "select set_config('careergraph.actor', $1, false), \
         set_config('careergraph.request_id', $2, false)",
    )
    .bind::<Text, _>(wanted.user_id.map(|id| id.to_string()).unwrap_or_default())
    .bind::<Text, _>(wanted.request_id.clone().unwrap_or_default())
    .execute(conn)
    .await?;
    if let Some(state) = conn.instrumentation().downcast_mut::<CountStatements>() {
        state.actor = wanted;
    }
    Ok(())
}
