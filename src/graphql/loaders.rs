//! DataLoaders: every relation in the graph is read through one, so a request costs one
//! statement per relation level however many parents it has (no N+1).
//!
//! Three shapes cover every relation:
//! - [`ToOne`]: at most one row per key (a row by id, a profile by user);
//! - [`ToMany`]: every row per key, for small bounded lists (a bullet's versions);
//! - [`Paged`]: a Relay connection page per key (see `connection.rs`).
//!
//! Every fetch keeps only the rows the access policy (`crate::access`) lets the request's
//! principal read, in SQL, and loaders are made per request (see [`Loaders`]), so nothing is
//! cached across requests or users.
//!
//! Batches of an HTTP request run inside the request's own task ([`BatchQueue::drive`]): a
//! batch starts only once the request's resolvers are all waiting, so every parent of a level
//! is in it, however long the level took to reach. Batches spawned as separate tasks after a
//! timer (async-graphql's default) split whenever resolving a level outlasts the timer, which
//! made statement counts depend on machine speed.

use std::any::{Any, TypeId};
use std::collections::HashMap;
use std::marker::PhantomData;
use std::pin::pin;
use std::sync::{Arc, Mutex};
use std::task::Poll;
use std::time::Duration;

use async_graphql::dataloader::{DataLoader, Loader};
use diesel::QueryResult;
use diesel::pg::Pg;
use diesel::sql_types::{Array, BigInt, Nullable};
use diesel_async::AsyncPgConnection;
use futures_util::future::BoxFuture;
use futures_util::stream::{FuturesUnordered, StreamExt};
use tokio::sync::mpsc;
use uuid::Uuid;

use crate::access::Principal;
use crate::db::CacheStatement;
use crate::db::DbPool;
use crate::graphql::connection::{
    Listing, Page, PageArgs, PageKey, Ranked, Total, count_sql, first_page_sql, page_sql,
};
use crate::graphql::errors::{AppError, AppResult};

/// Rows for a batch of keys, fetched with one statement.
pub trait Relation: Send + Sync + 'static {
    type Row: Clone + Send + Sync + 'static;

    /// The rows for `keys` that the access policy lets `who` read.
    fn fetch(
        conn: &mut AsyncPgConnection,
        who: Principal,
        keys: &[Uuid],
    ) -> impl Future<Output = QueryResult<Vec<Self::Row>>> + Send;

    /// The key a row answers.
    fn key(row: &Self::Row) -> Uuid;
}

/// What every loader holds: the pool and the principal it fetches for.
pub struct Scope<R> {
    pub pool: DbPool,
    pub who: Principal,
    relation: PhantomData<fn() -> R>,
}

impl<R> Scope<R> {
    pub fn new(pool: &DbPool, who: Principal) -> Self {
        Self {
            pool: pool.clone(),
            who,
            relation: PhantomData,
        }
    }

    pub async fn conn(&self) -> AppResult<crate::db::DbConn> {
        Ok(self.pool.get().await?)
    }
}

/// A loader made for one viewer.
pub trait Scoped: Send + Sync + 'static {
    fn new(pool: &DbPool, who: Principal) -> Self;
}

pub struct ToOne<R>(Scope<R>);
pub struct ToMany<R>(Scope<R>);

impl<R: Relation> Scoped for ToOne<R> {
    fn new(pool: &DbPool, who: Principal) -> Self {
        Self(Scope::new(pool, who))
    }
}

impl<R: Relation> Scoped for ToMany<R> {
    fn new(pool: &DbPool, who: Principal) -> Self {
        Self(Scope::new(pool, who))
    }
}

impl<R: Relation> Loader<Uuid> for ToOne<R> {
    type Value = R::Row;
    type Error = AppError;

    async fn load(&self, keys: &[Uuid]) -> Result<HashMap<Uuid, R::Row>, AppError> {
        let rows = R::fetch(&mut *self.0.conn().await?, self.0.who, keys).await?;
        Ok(rows.into_iter().map(|row| (R::key(&row), row)).collect())
    }
}

impl<R: Relation> Loader<Uuid> for ToMany<R> {
    type Value = Vec<R::Row>;
    type Error = AppError;

    async fn load(&self, keys: &[Uuid]) -> Result<HashMap<Uuid, Vec<R::Row>>, AppError> {
        let mut grouped: HashMap<Uuid, Vec<R::Row>> = keys.iter().map(|key| (*key, Vec::new())).collect();
        for row in R::fetch(&mut *self.0.conn().await?, self.0.who, keys).await? {
            grouped.entry(R::key(&row)).or_default().push(row);
        }
        Ok(grouped)
    }
}

/// The [`Listing`] pages of a request, one statement per level and page arguments.
pub struct Paged<L>(Scope<L>);

impl<L: Listing> Scoped for Paged<L> {
    fn new(pool: &DbPool, who: Principal) -> Self {
        Self(Scope::new(pool, who))
    }
}

impl<L: Listing> Paged<L> {
    /// First pages: each parent's rows up to `first`, and whether more follow. Their totals
    /// are counted only if asked for (see [`Loaders::page`]).
    async fn first_pages(
        &self,
        parents: &[Uuid],
        args: &PageArgs,
        filter: &L::Filter,
    ) -> AppResult<HashMap<Uuid, Page<L::Row>>> {
        let first = usize::try_from(args.first.unwrap_or_default()).unwrap_or_default();
        let rows: Vec<Ranked<L::Row>> =
            fetch_listing::<L, _>(&self.0, first_page_sql::<L>(filter), parents, args, filter).await?;
        let mut pages: HashMap<Uuid, Page<L::Row>> = HashMap::new();
        for ranked in rows {
            let page = pages.entry(ranked.parent_key).or_default();
            if page.rows.len() < first {
                page.rows.push(ranked.row);
            } else {
                page.has_next = true;
            }
        }
        Ok(pages)
    }

    /// Pages from cursors or from the end, numbered and counted in SQL.
    async fn numbered_pages(
        &self,
        parents: &[Uuid],
        args: &PageArgs,
        filter: &L::Filter,
    ) -> AppResult<HashMap<Uuid, Page<L::Row>>> {
        let rows: Vec<Ranked<L::Row>> =
            fetch_listing::<L, _>(&self.0, page_sql::<L>(filter), parents, args, filter).await?;
        let mut pages: HashMap<Uuid, Page<L::Row>> = HashMap::new();
        for ranked in rows {
            let page = pages.entry(ranked.parent_key).or_default();
            page.total = Total::Known(ranked.total);
            if ranked.in_page {
                page.has_previous |= ranked.rn > 1 && page.rows.is_empty();
                page.has_next = ranked.rn < ranked.total;
                page.rows.push(ranked.row);
            }
        }
        for page in pages.values_mut() {
            if page.rows.is_empty() {
                page.has_previous = args.after.is_some();
                page.has_next = args.before.is_some();
            }
        }
        Ok(pages)
    }
}

/// Runs a listing statement: `$1` the principal, `$2` the parents, `$3`..`$6` the page bounds,
/// then the listing's own parameters.
async fn fetch_listing<L: Listing, Row: diesel::QueryableByName<Pg> + Send + 'static>(
    scope: &Scope<L>,
    sql: String,
    parents: &[Uuid],
    args: &PageArgs,
    filter: &L::Filter,
) -> AppResult<Vec<Row>> {
    let query = diesel::sql_query(sql)
        .into_boxed::<Pg>()
        .bind::<diesel::sql_types::Uuid, _>(scope.who.user_id)
        .bind::<Array<diesel::sql_types::Uuid>, _>(parents.to_vec())
        .bind::<Nullable<diesel::sql_types::Uuid>, _>(args.after)
        .bind::<Nullable<diesel::sql_types::Uuid>, _>(args.before)
        .bind::<BigInt, _>(args.first.unwrap_or(i64::MAX))
        .bind::<BigInt, _>(args.last.unwrap_or(i64::MAX));
    let query = L::bind(query, filter);
    use diesel_async::RunQueryDsl;
    Ok(query.cached().load(&mut *scope.conn().await?).await?)
}

impl<L: Listing> Loader<PageKey<L::Filter>> for Paged<L> {
    type Value = Page<L::Row>;
    type Error = AppError;

    async fn load(
        &self,
        keys: &[PageKey<L::Filter>],
    ) -> Result<HashMap<PageKey<L::Filter>, Page<L::Row>>, AppError> {
        // Parents asked for with the same arguments share one statement (normally all of them).
        let mut groups: HashMap<(&PageArgs, &L::Filter), Vec<Uuid>> = HashMap::new();
        for key in keys {
            groups
                .entry((&key.args, &key.filter))
                .or_default()
                .push(key.parent);
        }
        let mut pages = HashMap::with_capacity(keys.len());
        for ((args, filter), parents) in groups {
            let mut found = if args.is_first_page() {
                self.first_pages(&parents, args, filter).await?
            } else {
                self.numbered_pages(&parents, args, filter).await?
            };
            for parent in parents {
                let key = PageKey {
                    parent,
                    args: args.clone(),
                    filter: filter.clone(),
                };
                pages.insert(key, found.remove(&parent).unwrap_or_default());
            }
        }
        Ok(pages)
    }
}

/// Each parent's number of rows in a [`Listing`], for `totalCount`: one statement per level.
pub struct Counted<L>(Scope<L>);

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct CountKey<F> {
    pub parent: Uuid,
    pub filter: F,
}

#[derive(diesel::QueryableByName)]
struct ParentTotal {
    #[diesel(sql_type = diesel::sql_types::Uuid)]
    parent_key: Uuid,
    #[diesel(sql_type = BigInt)]
    total: i64,
}

impl<L: Listing> Scoped for Counted<L> {
    fn new(pool: &DbPool, who: Principal) -> Self {
        Self(Scope::new(pool, who))
    }
}

impl<L: Listing> Loader<CountKey<L::Filter>> for Counted<L> {
    type Value = i64;
    type Error = AppError;

    async fn load(
        &self,
        keys: &[CountKey<L::Filter>],
    ) -> Result<HashMap<CountKey<L::Filter>, i64>, AppError> {
        let mut groups: HashMap<&L::Filter, Vec<Uuid>> = HashMap::new();
        for key in keys {
            groups.entry(&key.filter).or_default().push(key.parent);
        }
        let mut totals = HashMap::with_capacity(keys.len());
        for (filter, parents) in groups {
            let counted: Vec<ParentTotal> =
                fetch_listing::<L, _>(&self.0, count_sql::<L>(), &parents, &PageArgs::default(), filter)
                    .await?;
            let mut counted: HashMap<Uuid, i64> =
                counted.into_iter().map(|c| (c.parent_key, c.total)).collect();
            for parent in parents {
                let total = counted.remove(&parent).unwrap_or(0);
                totals.insert(
                    CountKey {
                        parent,
                        filter: filter.clone(),
                    },
                    total,
                );
            }
        }
        Ok(totals)
    }
}

type Batch = BoxFuture<'static, ()>;

/// Where a request's loaders run their batches.
#[derive(Clone)]
pub enum BatchSpawner {
    /// Inside the HTTP request's task, through its [`BatchQueue`].
    Request(mpsc::UnboundedSender<Batch>),
    /// As tokio tasks after async-graphql's short timer (long-lived subscriptions).
    Tokio,
}

impl BatchSpawner {
    fn spawn(&self, batch: Batch) {
        match self {
            Self::Request(queue) => {
                // The queue outlives every resolver of its request; if it is gone anyway, the
                // batch still runs.
                if let Err(mpsc::error::SendError(batch)) = queue.send(batch) {
                    tokio::spawn(batch);
                }
            }
            Self::Tokio => {
                tokio::spawn(batch);
            }
        }
    }

    fn loader<L: Scoped>(&self, pool: &DbPool, who: Principal) -> DataLoader<L> {
        let spawner = self.clone();
        let loader = DataLoader::new(L::new(pool, who), move |batch| spawner.spawn(batch));
        match self {
            // The request's resolvers are all waiting by the time a batch is polled: no timer.
            Self::Request(_) => loader.delay(Duration::ZERO),
            Self::Tokio => loader,
        }
    }
}

/// The batches of one HTTP request, run by [`BatchQueue::drive`].
pub struct BatchQueue(mpsc::UnboundedReceiver<Batch>);

pub fn request_batches() -> (BatchSpawner, BatchQueue) {
    let (sender, receiver) = mpsc::unbounded_channel();
    (BatchSpawner::Request(sender), BatchQueue(receiver))
}

impl BatchQueue {
    /// Runs `request` to completion, running its loaders' batches in the same task, in
    /// waves: when the request can go no further, every batch it queued starts, and the
    /// request resumes only once all of them are done. So which keys share a batch depends on
    /// the query alone, not on which statement happened to finish first. "Can go no further"
    /// means pending without having woken itself: async-graphql resolves long lists through
    /// `FuturesUnordered`, which yields (waking itself) after polling 32 items, before the
    /// rest have asked for their keys.
    pub async fn drive<F: Future>(mut self, request: F) -> F::Output {
        let mut request = pin!(request);
        let mut wave = FuturesUnordered::new();
        let woken = Arc::new(WakeFlag::default());
        std::future::poll_fn(|cx| {
            loop {
                if wave.is_empty() {
                    woken.arm(cx.waker());
                    let waker = futures_util::task::waker(woken.clone());
                    if let Poll::Ready(output) =
                        request.as_mut().poll(&mut std::task::Context::from_waker(&waker))
                    {
                        return Poll::Ready(output);
                    }
                    if woken.fired() {
                        // It can go on by itself, and the wake already rescheduled this task.
                        // Yielding (rather than polling again at once) lets tokio refill the
                        // task's cooperative budget, which an exhausted resource would spin on.
                        return Poll::Pending;
                    }
                    while let Poll::Ready(Some(batch)) = self.0.poll_recv(cx) {
                        wave.push(batch);
                    }
                    if wave.is_empty() {
                        // Waiting on something else (its own statement, a pool connection).
                        return Poll::Pending;
                    }
                }
                while let Poll::Ready(Some(())) = wave.poll_next_unpin(cx) {}
                if !wave.is_empty() {
                    return Poll::Pending;
                }
            }
        })
        .await
    }
}

/// Wakes the request's task, and remembers that it did.
#[derive(Default)]
struct WakeFlag {
    fired: std::sync::atomic::AtomicBool,
    task: Mutex<Option<std::task::Waker>>,
}

impl WakeFlag {
    fn arm(&self, task: &std::task::Waker) {
        self.fired.store(false, std::sync::atomic::Ordering::SeqCst);
        let mut current = self.task.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if !current.as_ref().is_some_and(|waker| waker.will_wake(task)) {
            *current = Some(task.clone());
        }
    }

    fn fired(&self) -> bool {
        self.fired.load(std::sync::atomic::Ordering::SeqCst)
    }
}

impl futures_util::task::ArcWake for WakeFlag {
    fn wake_by_ref(arc_self: &Arc<Self>) {
        arc_self.fired.store(true, std::sync::atomic::Ordering::SeqCst);
        if let Some(task) = arc_self
            .task
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .as_ref()
        {
            task.wake_by_ref();
        }
    }
}

/// The loaders of one request's principal, each made on first use.
pub struct Loaders {
    pool: DbPool,
    who: Principal,
    spawner: BatchSpawner,
    made: Mutex<HashMap<TypeId, Arc<dyn Any + Send + Sync>>>,
}

impl Loaders {
    pub fn new(pool: &DbPool, who: Principal, spawner: BatchSpawner) -> Self {
        Self {
            pool: pool.clone(),
            who,
            spawner,
            made: Mutex::default(),
        }
    }

    /// The request's loader of type `L`.
    pub fn get<L: Scoped>(&self) -> Arc<DataLoader<L>> {
        let mut made = self.made.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let loader = made
            .entry(TypeId::of::<L>())
            .or_insert_with(|| Arc::new(self.spawner.loader::<L>(&self.pool, self.who)))
            .clone();
        drop(made);
        // The map is keyed by the loader's own TypeId, so the entry is always a DataLoader<L>.
        loader
            .downcast::<DataLoader<L>>()
            .unwrap_or_else(|_| Arc::new(self.spawner.loader::<L>(&self.pool, self.who)))
    }

    /// The row of `R` for `key`, if the viewer has one.
    pub async fn one<R: Relation>(&self, key: Uuid) -> AppResult<Option<R::Row>> {
        self.get::<ToOne<R>>().load_one(key).await
    }

    /// The rows of `R` for `keys`, in the keys' order; keys the viewer has no row for are left out.
    pub async fn each<R: Relation>(&self, keys: &[Uuid]) -> AppResult<Vec<R::Row>> {
        let mut rows = self.get::<ToOne<R>>().load_many(keys.iter().copied()).await?;
        Ok(keys.iter().filter_map(|key| rows.remove(key)).collect())
    }

    /// One parent's page of the listing `L`. A first page's total is counted only when a
    /// client reads it (most never select `totalCount`), in a batch of its own.
    pub async fn page<L: Listing>(&self, key: PageKey<L::Filter>) -> AppResult<Page<L::Row>> {
        let count = key.args.is_first_page().then(|| CountKey {
            parent: key.parent,
            filter: key.filter.clone(),
        });
        let mut page = self.get::<Paged<L>>().load_one(key).await?.unwrap_or_default();
        if let Some(key) = count {
            let counts = self.get::<Counted<L>>();
            page.total = Total::Counted(Arc::new(move || {
                let (counts, key) = (counts.clone(), key.clone());
                Box::pin(async move { Ok(counts.load_one(key).await?.unwrap_or(0)) })
            }));
        }
        Ok(page)
    }

    /// Every row of `R` for `key`.
    pub async fn many<R: Relation>(&self, key: Uuid) -> AppResult<Vec<R::Row>> {
        Ok(self.get::<ToMany<R>>().load_one(key).await?.unwrap_or_default())
    }
}

/// Declares a [`Relation`] over a guarded table: the rows the principal may read whose
/// `$column` is one of the keys (optionally in an order), keyed by that column.
///
/// ```ignore
/// guarded_relation!(ApplicationOfPosting: applications.job_posting_id => ApplicationRow);
/// ```
#[macro_export]
macro_rules! guarded_relation {
    ($(#[$doc:meta])* $name:ident: $table:ident . $column:ident => $row:ty $(, order by $order:expr)?) => {
        $(#[$doc])*
        pub struct $name;

        impl $crate::graphql::loaders::Relation for $name {
            type Row = $row;

            async fn fetch(
                conn: &mut diesel_async::AsyncPgConnection,
                who: $crate::access::Principal,
                keys: &[uuid::Uuid],
            ) -> diesel::QueryResult<Vec<$row>> {
                use diesel::prelude::*;
                use diesel_async::RunQueryDsl;
                use $crate::access::Guarded;
                $table::table
                    .filter($table::table::readable(who))
                    .filter($table::$column.eq_any(keys))
                    $(.order($order))?
                    .select(<$row>::as_select())
                    .load(conn)
                    .await
            }

            fn key(row: &$row) -> uuid::Uuid {
                row.$column
            }
        }
    };
}
