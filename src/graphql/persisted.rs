//! Persisted documents: which document a request runs when it names one by its hash, and
//! whether the server runs it at all. Every request passes here before the document limits,
//! whether it came over HTTP (POST or GET) or a WebSocket, through the schema's `AppSchema`.
//!
//! Two modes:
//!
//! - **Automatic persisted queries** (Apollo APQ, the default). A request with
//!   `extensions.persistedQuery { version: 1, sha256Hash }` and no query runs the document
//!   registered under that hash, or is refused with `PERSISTED_QUERY_NOT_FOUND` (message
//!   `PersistedQueryNotFound`, which Apollo Client's link answers by sending the hash with the
//!   query). Hash and query together: the hash must be the query's SHA-256 (`BAD_USER_INPUT`
//!   otherwise), the document is registered in `persisted_queries`, shared by every server
//!   copy, and runs. A bounded cache in front of the table spares the statement after a
//!   copy's first sight of a hash.
//! - **Trusted documents** (`--trusted-documents <file>`). Only the listed documents run: by
//!   id (`extensions.persistedQuery.sha256Hash`, whatever hash the build tool used) or by
//!   their exact text. An unlisted id is `PERSISTED_QUERY_NOT_IN_LIST`, unlisted text
//!   `QUERY_NOT_IN_SAFELIST` (Apollo Router's codes). Nothing is registered.

use std::any::TypeId;
use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex, PoisonError};

use async_graphql::{Request, ServerError, Value};
use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use sha2::{Digest, Sha256};

use crate::db::DbPool;
use crate::db::schema::persisted_queries;
use crate::graphql::errors::{self, AppError};

/// The code of a hash the server does not know (Apollo's): the client should send the query.
pub const NOT_FOUND: &str = "PERSISTED_QUERY_NOT_FOUND";
/// The code of an id missing from the trusted documents.
pub const NOT_IN_LIST: &str = "PERSISTED_QUERY_NOT_IN_LIST";
/// The code of a document sent as text that is not among the trusted documents.
pub const NOT_IN_SAFELIST: &str = "QUERY_NOT_IN_SAFELIST";

/// The most bytes (hashes and documents) the cache keeps.
const CACHE_BYTES: usize = 8 * 1024 * 1024;

/// Request data: the request's document is settled, so a second pass does nothing.
struct Resolved;

/// The persisted documents of one server copy.
pub struct Persisted {
    pool: DbPool,
    trusted: Option<Trusted>,
    cache: Mutex<Cache>,
}

struct Trusted {
    by_id: Arc<HashMap<String, String>>,
    texts: HashSet<String>,
}

impl Persisted {
    /// `trusted`: the trusted documents (id → text), which alone run when given.
    pub fn new(pool: DbPool, trusted: Option<Arc<HashMap<String, String>>>) -> Self {
        let trusted = trusted.map(|by_id| Trusted {
            texts: by_id.values().cloned().collect(),
            by_id,
        });
        Self {
            pool,
            trusted,
            cache: Mutex::new(Cache::default()),
        }
    }

    /// Puts the document a request names by hash into its `query`, and refuses one this
    /// server will not run. Idempotent: a request resolved once passes untouched.
    pub async fn resolve(&self, request: &mut Request) -> Result<(), ServerError> {
        if request.data.contains_key(&TypeId::of::<Resolved>()) {
            return Ok(());
        }
        let hash = requested_hash(request)?;
        match (&self.trusted, hash) {
            (Some(trusted), Some(id)) => {
                let Some(document) = trusted.by_id.get(&id) else {
                    return Err(errors::coded(
                        format!("the document {id:?} is not among this server's trusted documents"),
                        NOT_IN_LIST,
                    ));
                };
                if !request.query.is_empty() && request.query != *document {
                    return Err(bad_input("the query is not the trusted document of that id"));
                }
                request.query = document.clone();
            }
            (Some(trusted), None) => {
                if !trusted.texts.contains(&request.query) {
                    return Err(errors::coded(
                        "this server runs only its trusted documents: send the document's id in \
                         extensions.persistedQuery.sha256Hash",
                        NOT_IN_SAFELIST,
                    ));
                }
            }
            (None, Some(hash)) => {
                let hash = apq_hash(&hash)?;
                if request.query.is_empty() {
                    match self.lookup(&hash).await? {
                        Some(document) => request.query = document,
                        None => return Err(errors::coded("PersistedQueryNotFound", NOT_FOUND)),
                    }
                } else {
                    if sha256_hex(&request.query) != hash {
                        return Err(bad_input("provided sha does not match query"));
                    }
                    // Only documents that parse are kept, so the table holds GraphQL, not
                    // whatever a client sends; the parse is kept for execution.
                    if request.parsed_query().is_ok() {
                        self.register(hash, &request.query).await?;
                    }
                }
            }
            (None, None) => {}
        }
        request.data.insert(Resolved);
        Ok(())
    }

    async fn lookup(&self, hash: &str) -> Result<Option<String>, ServerError> {
        if let Some(document) = self.cache().get(hash) {
            return Ok(Some(document));
        }
        let mut conn = self.pool.get().await.map_err(database)?;
        let document: Option<String> = persisted_queries::table
            .find(hash)
            .select(persisted_queries::document)
            .first(&mut conn)
            .await
            .optional()
            .map_err(database)?;
        if let Some(document) = &document {
            self.cache().insert(hash.to_owned(), document.clone());
        }
        Ok(document)
    }

    async fn register(&self, hash: String, document: &str) -> Result<(), ServerError> {
        if self.cache().get(&hash).is_some() {
            return Ok(());
        }
        let mut conn = self.pool.get().await.map_err(database)?;
        diesel::insert_into(persisted_queries::table)
            .values((
                persisted_queries::sha256.eq(&hash),
                persisted_queries::document.eq(document),
            ))
            .on_conflict_do_nothing()
            .execute(&mut conn)
            .await
            .map_err(database)?;
        self.cache().insert(hash, document.to_owned());
        Ok(())
    }

    fn cache(&self) -> std::sync::MutexGuard<'_, Cache> {
        // The cache holds no invariant a panic could break half-way.
        self.cache.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

fn database(error: impl Into<AppError>) -> ServerError {
    errors::before_execution(error.into())
}

fn bad_input(message: &str) -> ServerError {
    errors::before_execution(AppError::bad_input("extensions.persistedQuery", message))
}

/// The hash in `extensions.persistedQuery`, if the request has one.
fn requested_hash(request: &Request) -> Result<Option<String>, ServerError> {
    let Some(persisted) = request.extensions.0.get("persistedQuery") else {
        return Ok(None);
    };
    let Value::Object(persisted) = persisted else {
        return Err(bad_input("extensions.persistedQuery must be an object"));
    };
    match persisted.get("version") {
        Some(Value::Number(version)) if version.as_u64() == Some(1) => {}
        _ => return Err(bad_input("only persisted-query version 1 is supported")),
    }
    match persisted.get("sha256Hash") {
        Some(Value::String(hash)) if !hash.is_empty() => Ok(Some(hash.clone())),
        _ => Err(bad_input("extensions.persistedQuery.sha256Hash must be a string")),
    }
}

/// An APQ hash: 64 hex digits, compared in lower case.
fn apq_hash(hash: &str) -> Result<String, ServerError> {
    if hash.len() == 64 && hash.bytes().all(|byte| byte.is_ascii_hexdigit()) {
        Ok(hash.to_ascii_lowercase())
    } else {
        Err(bad_input("sha256Hash must be 64 hexadecimal digits"))
    }
}

/// A document's SHA-256 in lower-case hex, as Apollo Client computes it.
pub fn sha256_hex(document: &str) -> String {
    use std::fmt::Write;
    Sha256::digest(document.as_bytes())
        .iter()
        .fold(String::with_capacity(64), |mut hex, byte| {
            let _ = write!(hex, "{byte:02x}");
            hex
        })
}

/// Two generations: when the newer fills half the budget it becomes the older and the older
/// is dropped, so memory stays bounded and what is used often stays (a hit in the older
/// generation moves into the newer).
#[derive(Default)]
struct Cache {
    newer: HashMap<String, String>,
    older: HashMap<String, String>,
    newer_bytes: usize,
}

impl Cache {
    fn get(&mut self, hash: &str) -> Option<String> {
        if let Some(document) = self.newer.get(hash) {
            return Some(document.clone());
        }
        let (hash, document) = self.older.remove_entry(hash)?;
        self.insert(hash, document.clone());
        Some(document)
    }

    fn insert(&mut self, hash: String, document: String) {
        let size = hash.len() + document.len();
        if size > CACHE_BYTES / 2 {
            return;
        }
        if self.newer_bytes + size > CACHE_BYTES / 2 {
            self.older = std::mem::take(&mut self.newer);
            self.newer_bytes = 0;
        }
        self.newer_bytes += size;
        self.newer.insert(hash, document);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sha256_is_apollos() {
        // Apollo Client's hash of `{__typename}`.
        assert_eq!(
            sha256_hex("{__typename}"),
            "ecf4edb46db40b5132295c0291d62fb65d6759a9eedfa4d5d612dd5ec54a6b38"
        );
    }

    #[test]
    fn cache_stays_bounded() {
        let mut cache = Cache::default();
        let document = "x".repeat(1024 * 1024);
        for n in 0..20 {
            cache.insert(format!("{n:064}"), document.clone());
        }
        let kept: usize = cache
            .newer
            .values()
            .chain(cache.older.values())
            .map(String::len)
            .sum();
        assert!(kept <= CACHE_BYTES, "{kept}");
        assert!(cache.get(&format!("{:064}", 19)).is_some());
        assert!(cache.get(&format!("{:064}", 0)).is_none());
    }
}
