//! Prepared-statement caching for hand-written SQL.
//!
//! diesel never caches a `sql_query` statement, so PostgreSQL parses and plans it on every
//! execution; for the paged listings that costs more than running them. Their text is fixed
//! per listing (or one of a few variants), so keying the connection's statement cache on the
//! SQL text is safe: the same text always means the same statement.

use diesel::QueryResult;
use diesel::pg::Pg;
use diesel::query_builder::{AstPass, Query, QueryFragment, QueryId};

/// A query whose prepared statement each connection keeps, keyed by its SQL text.
#[derive(Debug, Clone)]
pub struct Cached<Q>(Q);

/// Marks a query built from a bounded set of SQL texts as safe to keep prepared.
/// Never use it on SQL that embeds values (those belong in binds anyway).
pub trait CacheStatement: Sized {
    fn cached(self) -> Cached<Self> {
        Cached(self)
    }
}

impl<Q: QueryFragment<Pg>> CacheStatement for Q {}

impl<Q: QueryFragment<Pg>> QueryFragment<Pg> for Cached<Q> {
    fn walk_ast<'b>(&'b self, pass: AstPass<'_, 'b, Pg>) -> QueryResult<()> {
        self.0.walk_ast(pass)
    }

    fn is_safe_to_cache_prepared(&self, _backend: &Pg) -> QueryResult<bool> {
        Ok(true)
    }
}

// No static id: the cache then keys the statement on its SQL text and bind types.
impl<Q> QueryId for Cached<Q> {
    type QueryId = ();
    const HAS_STATIC_QUERY_ID: bool = false;
}

impl<Q: Query> Query for Cached<Q> {
    type SqlType = Q::SqlType;
}
