//! DataLoaders: every relation in the graph is read through one, so a request costs one
//! statement per relation level however many parents it has (no N+1).
//!
//! A relation says how to fetch the viewer's rows for a batch of keys with one statement
//! (`… where user_id = $owner and key = any($keys)`) and which key each row answers.
//! [`ToOne`] serves relations with at most one row per key, [`ToMany`] groups rows per key.
//! Loaders live in the request (see [`Loaders`]), scoped to its viewer, and cache nothing.

use std::collections::HashMap;
use std::marker::PhantomData;

use async_graphql::dataloader::{DataLoader, Loader};
use diesel::QueryResult;
use diesel_async::AsyncPgConnection;
use uuid::Uuid;

use crate::db::DbPool;
use crate::graphql::errors::AppError;

pub trait Relation: Send + Sync + 'static {
    type Row: Clone + Send + Sync + 'static;

    fn fetch(
        conn: &mut AsyncPgConnection,
        owner: Uuid,
        keys: &[Uuid],
    ) -> impl Future<Output = QueryResult<Vec<Self::Row>>> + Send;

    fn key(row: &Self::Row) -> Uuid;
}

/// The batch of one relation for one viewer.
pub struct Batch<R> {
    pool: DbPool,
    owner: Uuid,
    relation: PhantomData<fn() -> R>,
}

impl<R: Relation> Batch<R> {
    async fn rows(&self, keys: &[Uuid]) -> Result<Vec<R::Row>, AppError> {
        let mut conn = self.pool.get().await?;
        Ok(R::fetch(&mut conn, self.owner, keys).await?)
    }
}

/// A relation with at most one row per key.
pub struct ToOne<R>(Batch<R>);
/// A relation with any number of rows per key, in the order the relation fetched them.
pub struct ToMany<R>(Batch<R>);

impl<R: Relation> Loader<Uuid> for ToOne<R> {
    type Value = R::Row;
    type Error = AppError;

    async fn load(&self, keys: &[Uuid]) -> Result<HashMap<Uuid, R::Row>, AppError> {
        let rows = self.0.rows(keys).await?;
        Ok(rows.into_iter().map(|row| (R::key(&row), row)).collect())
    }
}

impl<R: Relation> Loader<Uuid> for ToMany<R> {
    type Value = Vec<R::Row>;
    type Error = AppError;

    async fn load(&self, keys: &[Uuid]) -> Result<HashMap<Uuid, Vec<R::Row>>, AppError> {
        let mut grouped: HashMap<Uuid, Vec<R::Row>> = keys.iter().map(|key| (*key, Vec::new())).collect();
        for row in self.0.rows(keys).await? {
            grouped.entry(R::key(&row)).or_default().push(row);
        }
        Ok(grouped)
    }
}

fn batch<R>(pool: &DbPool, owner: Uuid) -> Batch<R> {
    Batch {
        pool: pool.clone(),
        owner,
        relation: PhantomData,
    }
}

pub fn to_one<R: Relation>(pool: &DbPool, owner: Uuid) -> DataLoader<ToOne<R>> {
    DataLoader::new(ToOne(batch(pool, owner)), tokio::spawn)
}

pub fn to_many<R: Relation>(pool: &DbPool, owner: Uuid) -> DataLoader<ToMany<R>> {
    DataLoader::new(ToMany(batch(pool, owner)), tokio::spawn)
}

/// Every loader of a request.
pub struct Loaders {
    pub user: DataLoader<ToOne<crate::accounts::graphql::UserById>>,
    pub profile_of_user: DataLoader<ToOne<crate::profile::graphql::ProfileOfUser>>,
    pub mbti_of_profile: DataLoader<ToOne<crate::profile::graphql::MbtiOfProfile>>,
}

impl Loaders {
    pub fn new(pool: &DbPool, owner: Uuid) -> Self {
        Self {
            user: to_one(pool, owner),
            profile_of_user: to_one(pool, owner),
            mbti_of_profile: to_one(pool, owner),
        }
    }
}
