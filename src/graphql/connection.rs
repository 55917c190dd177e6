//! Relay connections, paged per parent in one statement.
//!
//! A nested connection (each experience's bullets) is loaded for every parent of a level at
//! once. The usual page, the first N items, is one `LATERAL` index scan per parent that stops
//! after N + 1 rows (the extra row says whether there is a next page); counting is left to
//! `totalCount`, which runs its own batched count only when a client selects it. Pages after
//! or before a cursor, or from the end, number the rows per parent with
//! `row_number() over (partition by parent …)` so the cursors bound the numbers and
//! `first`/`last` cut the page, all in SQL. A cursor names an item (its id), not a position, so
//! it stays valid when other items are added or removed; the cursor of an item that is gone
//! starts the list from its beginning.

use std::hash::Hash;

use std::sync::Arc;

use async_graphql::Object;
use async_graphql::connection::{Connection, CursorType, Edge, EmptyFields};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use diesel::QueryableByName;
use diesel::pg::Pg;
use diesel::query_builder::{BoxedSqlQuery, SqlQuery};
use diesel::row::NamedRow;
use diesel::sql_types::{BigInt, Bool};
use futures_util::future::BoxFuture;
use uuid::Uuid;

use crate::access::Guarded;
use crate::graphql::errors::{AppError, AppResult};

pub const DEFAULT_PAGE_SIZE: i64 = 50;
pub const MAX_PAGE_SIZE: i64 = 100;

/// How many items a list holds: known when its page was numbered in SQL, otherwise counted
/// on demand (a batched count per level, run only when `totalCount` is selected).
#[derive(Clone)]
pub enum Total {
    Known(i64),
    Counted(Arc<dyn Fn() -> BoxFuture<'static, AppResult<i64>> + Send + Sync>),
}

impl From<i64> for Total {
    fn from(total: i64) -> Self {
        Self::Known(total)
    }
}

impl Default for Total {
    fn default() -> Self {
        Self::Known(0)
    }
}

impl std::fmt::Debug for Total {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Known(total) => write!(f, "Known({total})"),
            Self::Counted(_) => f.write_str("Counted"),
        }
    }
}

/// The extra field every connection has.
pub struct TotalCount(Total);

/// The extra field every connection has.
#[Object]
impl TotalCount {
    /// How many items the list holds across all pages, with its filter applied.
    async fn total_count(&self) -> AppResult<i64> {
        match &self.0 {
            Total::Known(total) => Ok(*total),
            Total::Counted(count) => count().await,
        }
    }
}

pub type Conn<N> = Connection<ItemCursor, N, TotalCount>;

/// A cursor: the id of the item it stands at. Encoded only when a client selects it (most
/// queries never do, and a large tree has hundreds of edges).
pub struct ItemCursor(Uuid);

impl CursorType for ItemCursor {
    type Error = String;

    fn decode_cursor(value: &str) -> Result<Self, String> {
        cursor_id(value)
            .map(Self)
            .ok_or_else(|| format!("`{value}` is not a cursor"))
    }

    fn encode_cursor(&self) -> String {
        URL_SAFE_NO_PAD.encode(format!("cursor:{}", self.0))
    }
}

/// One item of a [`Conn`] with its cursor: the type of the connection's `edges`.
pub type ConnEdge<N> = Edge<ItemCursor, N, EmptyFields>;

/// The edge of the item with this id.
pub fn edge<N: async_graphql::OutputType>(id: Uuid, node: N) -> ConnEdge<N> {
    Edge::new(ItemCursor(id), node)
}

/// Gives a mutation payload (a `SimpleObject` with `#[graphql(complex)]`) the edge of the item
/// it carries, so that a Relay client can insert the item into a connection it shows with
/// `@appendEdge` / `@prependEdge`:
/// `payload_edge!(BulletPayload.bullet_edge: Bullet = bullet, id bullet.id);`
#[macro_export]
macro_rules! payload_edge {
    ($payload:ident . $edge:ident : $node:ty = $field:ident, id $($id:tt).+) => {
        #[async_graphql::ComplexObject]
        impl $payload {
            /// The same item as an edge of the lists it appears in (its `cursor` and `node`),
            /// for Relay's `@appendEdge` / `@prependEdge`.
            async fn $edge(&self) -> $crate::graphql::connection::ConnEdge<$node> {
                $crate::graphql::connection::edge(self.$($id).+, self.$field.clone())
            }
        }
    };
}

/// `first`/`after`/`last`/`before`, checked.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct PageArgs {
    pub first: Option<i64>,
    pub after: Option<Uuid>,
    pub last: Option<i64>,
    pub before: Option<Uuid>,
}

fn cursor_id(value: &str) -> Option<Uuid> {
    URL_SAFE_NO_PAD
        .decode(value)
        .ok()
        .and_then(|bytes| String::from_utf8(bytes).ok())
        .and_then(|text| {
            text.strip_prefix("cursor:")
                .and_then(|id| Uuid::parse_str(id).ok())
        })
}

fn decode_cursor(field: &str, value: &str) -> AppResult<Uuid> {
    cursor_id(value).ok_or_else(|| AppError::bad_input(field, format!("`{value}` is not a cursor")))
}

fn page_size(field: &str, value: Option<i32>) -> AppResult<Option<i64>> {
    match value {
        Some(n) if !(0..=MAX_PAGE_SIZE as i32).contains(&n) => Err(AppError::bad_input(
            field,
            format!("{field} must be between 0 and {MAX_PAGE_SIZE}, got {n}"),
        )),
        other => Ok(other.map(i64::from)),
    }
}

impl PageArgs {
    /// Without `first` or `last`, the first 50 items.
    pub fn new(
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> AppResult<Self> {
        let mut args = Self {
            first: page_size("first", first)?,
            after: after.map(|c| decode_cursor("after", &c)).transpose()?,
            last: page_size("last", last)?,
            before: before.map(|c| decode_cursor("before", &c)).transpose()?,
        };
        if args.first.is_none() && args.last.is_none() {
            args.first = Some(DEFAULT_PAGE_SIZE);
        }
        Ok(args)
    }
}

/// A list paged per parent. The listed table is aliased `t` in [`Listing::FROM`] and only its
/// rows the access policy lets the principal read are listed; the selected rows have an `id`
/// column. `$1` is the principal, `$2` the parents, `$3`..`$6` the page bounds, and
/// [`Listing::WHERE`] may use `$7` onwards, bound by [`Listing::bind`].
pub trait Listing: Send + Sync + 'static {
    /// The listed table, whose access rule filters the list.
    type Table: Guarded;
    type Row: QueryableByName<Pg> + Clone + Send + Sync + 'static;
    type Filter: Clone + Hash + Eq + Send + Sync + 'static;

    const FROM: &'static str;
    const SELECT: &'static str = "t.*";
    /// The column that names each row's parent.
    const PARENT: &'static str;
    /// The listed rows' id column: the cursor, and the last word of the order.
    const ID: &'static str = "t.id";
    const WHERE: &'static str = "";

    fn order_by(filter: &Self::Filter) -> &'static str;

    fn bind<'a>(
        query: BoxedSqlQuery<'a, Pg, SqlQuery>,
        _filter: &Self::Filter,
    ) -> BoxedSqlQuery<'a, Pg, SqlQuery> {
        query
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct PageKey<F> {
    pub parent: Uuid,
    pub args: PageArgs,
    pub filter: F,
}

/// One parent's page.
#[derive(Clone, Debug)]
pub struct Page<T> {
    pub rows: Vec<T>,
    pub total: Total,
    pub has_previous: bool,
    pub has_next: bool,
}

impl<T> Default for Page<T> {
    fn default() -> Self {
        Self {
            rows: Vec::new(),
            total: Total::default(),
            has_previous: false,
            has_next: false,
        }
    }
}

impl<T> Page<T> {
    pub fn into_connection<N, F>(self, id: impl Fn(&T) -> Uuid, node: F) -> Conn<N>
    where
        N: async_graphql::OutputType,
        F: Fn(T) -> N,
    {
        let mut connection =
            Connection::with_additional_fields(self.has_previous, self.has_next, TotalCount(self.total));
        connection.edges = self
            .rows
            .into_iter()
            .map(|row| Edge::new(ItemCursor(id(&row)), node(row)))
            .collect();
        connection
    }
}

/// A listed row with its place in its parent's list.
pub(crate) struct Ranked<T> {
    pub(crate) row: T,
    pub(crate) parent_key: Uuid,
    pub(crate) rn: i64,
    pub(crate) total: i64,
    pub(crate) in_page: bool,
}

// Written by hand: the derive does not handle an embedded generic row.
impl<T: QueryableByName<Pg>> QueryableByName<Pg> for Ranked<T> {
    fn build<'a>(row: &impl NamedRow<'a, Pg>) -> diesel::deserialize::Result<Self> {
        Ok(Self {
            row: T::build(row)?,
            parent_key: NamedRow::get::<diesel::sql_types::Uuid, _>(row, "parent_key")?,
            rn: NamedRow::get::<BigInt, _>(row, "rn")?,
            total: NamedRow::get::<BigInt, _>(row, "total")?,
            in_page: NamedRow::get::<Bool, _>(row, "in_page")?,
        })
    }
}

impl PageArgs {
    /// The usual page: the first N items, counted from the start.
    pub(crate) fn is_first_page(&self) -> bool {
        self.after.is_none() && self.before.is_none() && self.last.is_none() && self.first.is_some()
    }
}

/// The first `$5` rows (and one more, which tells whether there is a next page) of each parent:
/// one index scan per parent that stops early, no numbering and no count. Rows come back parent
/// by parent, each parent's in the listing's order (a nested loop over the parents, in their
/// order).
pub(crate) fn first_page_sql<L: Listing>(filter: &L::Filter) -> String {
    let (select, from, parent, id, condition, order) = (
        L::SELECT,
        L::FROM,
        L::PARENT,
        L::ID,
        L::WHERE,
        L::order_by(filter),
    );
    let readable = L::Table::readable_sql("t", 1);
    format!(
        "select page.*, parents.parent_key, 0::int8 as rn, 0::int8 as total, true as in_page
         from unnest($2::uuid[]) with ordinality as parents(parent_key, position)
         cross join lateral (
           select {select} from {from}
           where {readable} and {parent} = parents.parent_key {condition}
           order by {order}, {id}
           limit $5 + 1
         ) page"
    )
}

/// How many rows each parent has: `parent_key` and `total`, for parents with any.
pub(crate) fn count_sql<L: Listing>() -> String {
    let (from, parent, condition) = (L::FROM, L::PARENT, L::WHERE);
    let readable = L::Table::readable_sql("t", 1);
    format!(
        "select {parent} as parent_key, count(*) as total from {from}
         where {readable} and {parent} = any($2) {condition}
         group by 1"
    )
}

/// Any other page: rows numbered per parent, cut by the cursors, `first` and `last`.
pub(crate) fn page_sql<L: Listing>(filter: &L::Filter) -> String {
    let (select, from, parent, id, condition, order) = (
        L::SELECT,
        L::FROM,
        L::PARENT,
        L::ID,
        L::WHERE,
        L::order_by(filter),
    );
    let readable = L::Table::readable_sql("t", 1);
    // `ranked` numbers every matching row per parent and counts them.
    let ranked = format!(
        "with ranked as (
           select {select}, {parent} as parent_key,
                  row_number() over (partition by {parent} order by {order}, {id}) as rn,
                  count(*) over (partition by {parent}) as total
           from {from}
           where {readable} and {parent} = any($2) {condition}
         )"
    );
    // `cursors` finds the numbers of the `after`/`before` items; `ranged` keeps what lies
    // between and numbers it from both ends so `first` and `last` can cut it. Each parent's
    // first row also comes back (flagged not in the page) so that its total is known even when
    // the page is empty.
    format!(
        "{ranked}, cursors as (
           select parent_key,
                  coalesce(max(rn) filter (where id = $3), 0) as lo,
                  coalesce(max(rn) filter (where id = $4), max(total) + 1) as hi
           from ranked group by parent_key
         ), ranged as (
           select r.*,
                  row_number() over (partition by r.parent_key order by r.rn) as forward,
                  row_number() over (partition by r.parent_key order by r.rn desc) as backward
           from ranked r join cursors c using (parent_key)
           where r.rn > c.lo and r.rn < c.hi
         )
         select *, true as in_page from ranged where forward <= $5 and backward <= $6
         union all
         select r.*, 0::int8, 0::int8, false from ranked r where r.rn = 1
         order by parent_key, rn"
    )
}

impl<T> Page<T> {
    /// Pages a list already in memory and in order, as the SQL pages do.
    pub fn of(items: Vec<T>, args: &PageArgs, id: impl Fn(&T) -> Uuid) -> Self {
        let count = items.len() as i64;
        let position =
            |cursor: Option<Uuid>| cursor.and_then(|c| items.iter().position(|item| id(item) == c));
        let start = position(args.after).map_or(0, |i| i + 1);
        let end = position(args.before).unwrap_or(items.len()).max(start);
        let (mut from, mut to) = (start, end);
        if let Some(first) = args.first {
            to = to.min(from + first as usize);
        }
        if let Some(last) = args.last {
            from = from.max(to.saturating_sub(last as usize));
        }
        Self {
            has_previous: from > 0,
            has_next: (to as i64) < count,
            total: Total::Known(count),
            rows: items.into_iter().skip(from).take(to - from).collect(),
        }
    }
}
