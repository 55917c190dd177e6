//! DataLoaders: every relation in the graph is read through one, so a request costs one
//! statement per relation level however many parents it has (no N+1).
//!
//! Three shapes cover every relation:
//! - [`ToOne`]: at most one row per key (a row by id, a profile by user);
//! - [`ToMany`]: every row per key, for small bounded lists (a bullet's versions);
//! - [`Paged`]: a Relay connection page per key (see `connection.rs`).
//!
//! Every fetch is filtered by the viewer (`user_id = $owner`) in SQL, and loaders are made per
//! request (see [`Loaders`]), so nothing is cached across requests or users.

use std::any::{Any, TypeId};
use std::collections::HashMap;
use std::marker::PhantomData;
use std::sync::{Arc, Mutex};

use async_graphql::dataloader::{DataLoader, Loader};
use diesel::QueryResult;
use diesel_async::AsyncPgConnection;
use uuid::Uuid;

use crate::db::DbPool;
use crate::graphql::connection::{Listing, Page, PageKey, Paged};
use crate::graphql::errors::{AppError, AppResult};

/// Rows for a batch of keys, fetched with one statement.
pub trait Relation: Send + Sync + 'static {
    type Row: Clone + Send + Sync + 'static;

    /// The viewer's rows for `keys` (`… where user_id = $owner and key = any($keys)`).
    fn fetch(
        conn: &mut AsyncPgConnection,
        owner: Uuid,
        keys: &[Uuid],
    ) -> impl Future<Output = QueryResult<Vec<Self::Row>>> + Send;

    /// The key a row answers.
    fn key(row: &Self::Row) -> Uuid;
}

/// What every loader holds: the pool and the viewer it fetches for.
pub struct Scope<R> {
    pub pool: DbPool,
    pub owner: Uuid,
    relation: PhantomData<fn() -> R>,
}

impl<R> Scope<R> {
    pub fn new(pool: &DbPool, owner: Uuid) -> Self {
        Self {
            pool: pool.clone(),
            owner,
            relation: PhantomData,
        }
    }

    pub async fn conn(&self) -> AppResult<crate::db::DbConn> {
        Ok(self.pool.get().await?)
    }
}

/// A loader made for one viewer.
pub trait Scoped: Send + Sync + 'static {
    fn new(pool: &DbPool, owner: Uuid) -> Self;
}

pub struct ToOne<R>(Scope<R>);
pub struct ToMany<R>(Scope<R>);

impl<R: Relation> Scoped for ToOne<R> {
    fn new(pool: &DbPool, owner: Uuid) -> Self {
        Self(Scope::new(pool, owner))
    }
}

impl<R: Relation> Scoped for ToMany<R> {
    fn new(pool: &DbPool, owner: Uuid) -> Self {
        Self(Scope::new(pool, owner))
    }
}

impl<R: Relation> Loader<Uuid> for ToOne<R> {
    type Value = R::Row;
    type Error = AppError;

    async fn load(&self, keys: &[Uuid]) -> Result<HashMap<Uuid, R::Row>, AppError> {
        let rows = R::fetch(&mut *self.0.conn().await?, self.0.owner, keys).await?;
        Ok(rows.into_iter().map(|row| (R::key(&row), row)).collect())
    }
}

impl<R: Relation> Loader<Uuid> for ToMany<R> {
    type Value = Vec<R::Row>;
    type Error = AppError;

    async fn load(&self, keys: &[Uuid]) -> Result<HashMap<Uuid, Vec<R::Row>>, AppError> {
        let mut grouped: HashMap<Uuid, Vec<R::Row>> = keys.iter().map(|key| (*key, Vec::new())).collect();
        for row in R::fetch(&mut *self.0.conn().await?, self.0.owner, keys).await? {
            grouped.entry(R::key(&row)).or_default().push(row);
        }
        Ok(grouped)
    }
}

/// The loaders of one request's viewer, each made on first use.
pub struct Loaders {
    pool: DbPool,
    owner: Uuid,
    made: Mutex<HashMap<TypeId, Arc<dyn Any + Send + Sync>>>,
}

impl Loaders {
    pub fn new(pool: &DbPool, owner: Uuid) -> Self {
        Self {
            pool: pool.clone(),
            owner,
            made: Mutex::default(),
        }
    }

    /// The request's loader of type `L`.
    pub fn get<L: Scoped>(&self) -> Arc<DataLoader<L>> {
        let mut made = self.made.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let loader = made
            .entry(TypeId::of::<L>())
            .or_insert_with(|| Arc::new(DataLoader::new(L::new(&self.pool, self.owner), tokio::spawn)))
            .clone();
        drop(made);
        // The map is keyed by the loader's own TypeId, so the entry is always a DataLoader<L>.
        loader
            .downcast::<DataLoader<L>>()
            .unwrap_or_else(|_| Arc::new(DataLoader::new(L::new(&self.pool, self.owner), tokio::spawn)))
    }

    /// The row of `R` for `key`, if the viewer has one.
    pub async fn one<R: Relation>(&self, key: Uuid) -> AppResult<Option<R::Row>> {
        self.get::<ToOne<R>>().load_one(key).await
    }

    /// One parent's page of the listing `L`.
    pub async fn page<L: Listing>(&self, key: PageKey<L::Filter>) -> AppResult<Page<L::Row>> {
        Ok(self.get::<Paged<L>>().load_one(key).await?.unwrap_or_default())
    }

    /// Every row of `R` for `key`.
    pub async fn many<R: Relation>(&self, key: Uuid) -> AppResult<Vec<R::Row>> {
        Ok(self.get::<ToMany<R>>().load_one(key).await?.unwrap_or_default())
    }
}
