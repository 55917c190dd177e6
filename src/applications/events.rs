//! Events that subscriptions deliver, carried between server copies through a transactional
//! outbox that PostgreSQL NOTIFY wakes the readers of.
//!
//! A change writes its event into `event_outbox` inside its own transaction, so a rolled-back
//! change sends nothing and a committed one is read by every copy. Each process holds one
//! listening connection ([`EventHub`]) that reads the outbox in [`Position`] order whenever a
//! NOTIFY (or, while an event is waiting on an older transaction, a short timer) wakes it, and
//! fans the events out to its subscribers through a broadcast channel.
//!
//! Why not order by the identity column alone: identity values are handed out at insert, not
//! at commit, so a transaction that took seq 10 can commit after the one that took seq 11. An
//! event is therefore only *settled* — read, delivered, or given out as a cursor — once its
//! transaction id is below the oldest transaction still running (`pg_snapshot_xmin`): from
//! then on no event can appear before it. Every copy and every catch-up read sees the same
//! settled order, so cursors never skip an event that commits late.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Bool, Jsonb, Text};
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl, SimpleAsyncConnection};
use futures_util::{FutureExt, StreamExt};
use serde::{Deserialize, Serialize};
use tokio::sync::{broadcast, watch};
use tokio::time::Instant;
use uuid::Uuid;

use crate::access::{self, Guarded, Principal};
use crate::applications::enums::{ApplicationStatus, ArtifactKind};
use crate::db::CacheStatement;
use crate::db::DbPool;
use crate::db::schema::application_status_events;
use crate::tokens::Revocations;

const CHANNEL: &str = "careergraph_events";
/// How the listener's connection names itself in `pg_stat_activity`.
pub const LISTENER_NAME: &str = "careergraph-listener";
/// Most rows one outbox or catch-up read returns; more are read in further pages.
const PAGE: i64 = 500;
/// While a committed event waits for an older transaction to end, the outbox is read again
/// after this, doubling up to [`MAX_SETTLE_WAIT`] (the older transaction may write no event,
/// so no NOTIFY would say when it ends).
const MIN_SETTLE_WAIT: Duration = Duration::from_millis(5);
const MAX_SETTLE_WAIT: Duration = Duration::from_secs(1);
/// With nothing pending the listener still reads now and then, in case a wake-up was lost.
const IDLE_READ: Duration = Duration::from_secs(10);
/// Outbox rows are a delivery queue: every copy has read them within moments.
const OUTBOX_RETENTION: &str = "1 day";
const PRUNE_EVERY: Duration = Duration::from_secs(600);

/// The transaction-id part of a settled position must be below this SQL value.
const WATERMARK: &str = "pg_snapshot_xmin(pg_current_snapshot())::text::bigint";

/// Where an event stands in the delivery order: the id of the transaction that wrote it, then
/// its sequence number within the table. Status events are compared by their own
/// `application_status_events` position, which follows the same order as the outbox.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Position {
    pub txid: i64,
    pub seq: i64,
}

/// One entry of an application's history.
#[derive(Clone, Debug, Serialize, Deserialize, Queryable, Selectable)]
#[diesel(table_name = application_status_events)]
#[serde(rename_all = "camelCase")]
pub struct StatusEvent {
    pub id: Uuid,
    pub seq: i64,
    pub txid: i64,
    pub user_id: Uuid,
    pub application_id: Uuid,
    pub from_status: Option<ApplicationStatus>,
    pub to_status: ApplicationStatus,
    pub note: Option<String>,
    /// When it was created.
    pub created_at: DateTime<Utc>,
}

impl StatusEvent {
    pub fn position(&self) -> Position {
        Position {
            txid: self.txid,
            seq: self.seq,
        }
    }
}

/// A new artifact (its content is read from the table when delivered).
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ArtifactEvent {
    pub user_id: Uuid,
    pub application_id: Uuid,
    pub artifact_id: Uuid,
    pub kind: ArtifactKind,
}

/// A notification written for a user (its content is read from the table when delivered).
/// The notifications area sits above this one and writes these; the hub only carries them.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NotificationEvent {
    pub user_id: Uuid,
    pub notification_id: Uuid,
}

/// Something ended a user's sessions or changed their account's state (deactivated,
/// reactivated, deleted): each copy re-reads what is revoked of that user into its
/// [`Revocations`]. Written by the accounts area, and by a trigger when a user row is deleted
/// (`{"type": "revocation", "userId": …}`, migrations/…_account_sessions).
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RevocationEvent {
    pub user_id: Uuid,
}

/// An export job was queued or moved on (its state is read from `export_jobs` when
/// delivered). The exports area sits above this one and writes these; its runners wake on
/// them too.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ExportEvent {
    pub user_id: Uuid,
    pub export_id: Uuid,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "camelCase")]
pub enum Event {
    Status(StatusEvent),
    Artifact(ArtifactEvent),
    Notification(NotificationEvent),
    Revocation(RevocationEvent),
    Export(ExportEvent),
}

impl Event {
    /// The user the event is for: only their subscriptions receive it.
    pub fn user_id(&self) -> Uuid {
        match self {
            Self::Status(event) => event.user_id,
            Self::Artifact(event) => event.user_id,
            Self::Notification(event) => event.user_id,
            Self::Revocation(event) => event.user_id,
            Self::Export(event) => event.user_id,
        }
    }
}

/// Writes `event` to the outbox and wakes the listeners, both taking effect when the caller's
/// transaction commits (and neither if it rolls back).
pub async fn publish(conn: &mut AsyncPgConnection, event: &Event) -> QueryResult<()> {
    let payload = serde_json::to_value(event)
        .map_err(|error| diesel::result::Error::SerializationError(Box::new(error)))?;
    // One statement: the wake-up carries nothing, so notifications of one transaction fold
    // into one.
    diesel::sql_query(format!(
        "with written as (insert into event_outbox (payload) values ($1)) \
         select pg_notify('{CHANNEL}', '')"
    ))
    .bind::<Jsonb, _>(payload)
    .cached()
    .execute(conn)
    .await
    .map(drop)
}

/// The settled status events `who` may read after `after`, in delivery order, at most [`PAGE`].
pub async fn settled_status_events_after(
    conn: &mut AsyncPgConnection,
    who: Principal,
    after: Position,
) -> QueryResult<Vec<StatusEvent>> {
    use application_status_events::dsl::{seq, txid};
    application_status_events::table
        .filter(application_status_events::table::readable(who))
        .filter(txid.gt(after.txid).or(txid.eq(after.txid).and(seq.gt(after.seq))))
        .filter(txid.lt(diesel::dsl::sql::<BigInt>(WATERMARK)))
        .order((txid, seq))
        .limit(PAGE)
        .select(StatusEvent::as_select())
        .load(conn)
        .await
}

/// The position just before every event that is not settled yet: reading after it yields
/// only events from now on.
async fn current_position(conn: &mut AsyncPgConnection) -> QueryResult<Position> {
    let watermark = diesel::select(diesel::dsl::sql::<BigInt>(WATERMARK))
        .get_result::<i64>(conn)
        .await?;
    Ok(Position {
        txid: watermark - 1,
        seq: i64::MAX,
    })
}

/// This process's subscription to every event.
#[derive(Clone)]
pub struct EventHub {
    sender: broadcast::Sender<Arc<Event>>,
    last_status: watch::Receiver<Option<Position>>,
    listener: Arc<tokio::task::AbortHandle>,
    revocations: Arc<Revocations>,
    /// Broadcast events that subscribers fell too far behind to receive (`/metrics`).
    missed: Arc<AtomicU64>,
}

impl EventHub {
    /// Starts listening on `database_url` (on a connection of its own, outside the pool),
    /// buffering up to `capacity` events for subscribers: one that falls further behind
    /// catches up from the tables (status changes) or is told it lagged (the rest).
    pub fn start(database_url: &str, capacity: usize) -> Self {
        let (sender, _) = broadcast::channel(capacity);
        let (last_status_sender, last_status) = watch::channel(None);
        let url = with_application_name(database_url, LISTENER_NAME);
        let revocations = Arc::new(Revocations::default());
        let listener = Listener {
            sender: sender.clone(),
            last_status: last_status_sender,
            cursor: None,
            revocations: revocations.clone(),
        };
        let listener = Arc::new(tokio::spawn(listener.run(url)).abort_handle());
        Self {
            sender,
            last_status,
            listener,
            revocations,
            missed: Arc::default(),
        }
    }

    /// How many broadcast events lagging subscribers have missed since the start: each such
    /// subscription ended with an error, so a rising count says the event buffer is too small
    /// for the subscribers' pace.
    pub fn missed_events(&self) -> u64 {
        AtomicU64::load(&self.missed, Ordering::Relaxed)
    }

    /// What this copy knows is revoked, kept current by the listener (the access tokens'
    /// check reads it: `TokenKeys::with_revocations`).
    pub fn revocations(&self) -> Arc<Revocations> {
        self.revocations.clone()
    }

    /// Stops listening (before the database goes away at shutdown, so the listener does not
    /// try to reconnect to it).
    pub fn stop(&self) {
        self.listener.abort();
    }

    pub fn subscribe(&self) -> broadcast::Receiver<Arc<Event>> {
        self.sender.subscribe()
    }

    /// The position of the last status event broadcast (None before the listener first
    /// connected): a subscriber that starts now has seen everything up to it.
    pub fn last_status_position(&self) -> Option<Position> {
        *self.last_status.borrow()
    }

    /// [`Self::last_status_position`], waiting up to `within` for the listener to connect.
    pub async fn started(&self, within: Duration) -> Option<Position> {
        let mut last = self.last_status.clone();
        let started = tokio::time::timeout(within, last.wait_for(Option::is_some)).await;
        started.ok()?.ok().and_then(|position| *position)
    }
}

/// `url` with `application_name` set (URL or key=value connection strings).
fn with_application_name(url: &str, name: &str) -> String {
    if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        let separator = if url.contains('?') { '&' } else { '?' };
        format!("{url}{separator}application_name={name}")
    } else {
        format!("{url} application_name={name}")
    }
}

#[derive(QueryableByName)]
struct OutboxRow {
    #[diesel(sql_type = BigInt)]
    txid: i64,
    #[diesel(sql_type = BigInt)]
    seq: i64,
    #[diesel(sql_type = Text)]
    payload: String,
    #[diesel(sql_type = Bool)]
    settled: bool,
}

/// What the listener does after a read.
enum Next {
    /// A full page came back: read again at once.
    ReadMore,
    /// A committed event waits for an older transaction.
    Unsettled,
    /// Everything is delivered: wait for a wake-up.
    Idle,
}

struct Listener {
    sender: broadcast::Sender<Arc<Event>>,
    last_status: watch::Sender<Option<Position>>,
    /// The outbox position of the last event broadcast; kept across reconnects, so the
    /// events written while the connection was down are read when it is back.
    cursor: Option<Position>,
    revocations: Arc<Revocations>,
}

impl Listener {
    async fn run(mut self, url: String) {
        let mut backoff = Duration::from_millis(100);
        loop {
            match self.listen_once(&url, &mut backoff).await {
                Ok(()) => tracing::warn!("the event listener's connection ended; reconnecting"),
                Err(error) => tracing::warn!(%error, ?backoff, "the event listener failed; reconnecting"),
            }
            tokio::time::sleep(backoff).await;
            backoff = (backoff * 2).min(Duration::from_secs(5));
        }
    }

    async fn listen_once(&mut self, url: &str, backoff: &mut Duration) -> QueryResult<()> {
        let mut conn = AsyncPgConnection::establish(url)
            .await
            .map_err(|error| diesel::result::Error::QueryBuilderError(Box::new(error)))?;
        // LISTEN before the first read, so no wake-up falls between the two.
        conn.batch_execute(&format!("listen {CHANNEL}")).await?;
        if self.cursor.is_none() {
            let start = current_position(&mut conn).await?;
            self.cursor = Some(start);
            self.last_status.send_replace(Some(start));
        }
        // Revocations are state, not a stream: read all of it again after every (re)connect,
        // after LISTEN, so nothing revoked while the connection was down is missed. Events
        // read afterwards only re-read their user, so reading one twice is harmless.
        self.revocations.load_all(&mut conn).await?;
        tracing::info!("listening for events");
        *backoff = Duration::from_millis(100);
        let mut settle_wait = MIN_SETTLE_WAIT;
        let mut next_prune = Instant::now();
        loop {
            if Instant::now() >= next_prune {
                prune(&mut conn).await?;
                next_prune = Instant::now() + PRUNE_EVERY;
            }
            let wait = match self.read(&mut conn).await? {
                Next::ReadMore => continue,
                Next::Unsettled => {
                    let wait = settle_wait;
                    settle_wait = (settle_wait * 2).min(MAX_SETTLE_WAIT);
                    wait
                }
                Next::Idle => {
                    settle_wait = MIN_SETTLE_WAIT;
                    IDLE_READ
                }
            };
            let mut notifications = std::pin::pin!(conn.notifications_stream());
            if let Ok(Some(notification)) = tokio::time::timeout(wait, notifications.next()).await {
                notification?;
            }
            // Wake-ups that queued meanwhile are answered by the same read.
            while let Some(Some(notification)) = notifications.next().now_or_never() {
                notification?;
            }
        }
    }

    /// Broadcasts the settled events after the cursor, in order.
    async fn read(&mut self, conn: &mut AsyncPgConnection) -> QueryResult<Next> {
        let cursor = self.cursor.unwrap_or(Position {
            txid: i64::MIN,
            seq: i64::MIN,
        });
        let rows: Vec<OutboxRow> = diesel::sql_query(format!(
            "select txid, seq, payload::text as payload, txid < {WATERMARK} as settled \
             from event_outbox where (txid, seq) > ($1, $2) order by txid, seq limit $3"
        ))
        .bind::<BigInt, _>(cursor.txid)
        .bind::<BigInt, _>(cursor.seq)
        .bind::<BigInt, _>(PAGE)
        .cached()
        .load(conn)
        .await?;
        let full = rows.len() as i64 == PAGE;
        for row in rows {
            // Rows come in txid order, so the unsettled ones are all at the end.
            if !row.settled {
                return Ok(Next::Unsettled);
            }
            self.cursor = Some(Position {
                txid: row.txid,
                seq: row.seq,
            });
            match serde_json::from_str::<Event>(&row.payload) {
                // Applied here, not broadcast: no subscription delivers it.
                Ok(Event::Revocation(revoked)) => self.revocations.load_user(conn, revoked.user_id).await?,
                Ok(event) => self.broadcast(event),
                Err(error) => tracing::warn!(%error, seq = row.seq, "unreadable event in the outbox"),
            }
        }
        Ok(if full { Next::ReadMore } else { Next::Idle })
    }

    fn broadcast(&self, event: Event) {
        if let Event::Status(status) = &event {
            // Before sending: a subscriber that reads this position has been sent the event.
            self.last_status.send_replace(Some(status.position()));
        }
        // No receiver is not an error: nobody subscribes right now.
        self.sender.send(Arc::new(event)).ok();
    }
}

async fn prune(conn: &mut AsyncPgConnection) -> QueryResult<()> {
    diesel::sql_query(format!(
        "delete from event_outbox where created_at < now() - interval '{OUTBOX_RETENTION}'"
    ))
    .execute(conn)
    .await
    .map(drop)
}

/// Why a feed ended before its subscriber unsubscribed.
#[derive(Clone, Copy, Debug)]
pub enum FeedEnd {
    /// The database failed while the feed read back what it had missed: subscribe again after
    /// this position (the last event delivered, or where the feed started).
    Interrupted(Position),
    /// This server's listener is not connected to the database (yet): subscribe again later.
    NotListening,
    /// The subscriber fell behind the broadcast and what it missed cannot be read back.
    Lagged,
}

/// The broadcast events `who` may read, as they come; a subscriber that falls behind is told so
/// (once, and then the feed ends) rather than silently missing events.
pub fn live_events(
    hub: &EventHub,
    who: Principal,
) -> impl futures_util::Stream<Item = Result<Arc<Event>, FeedEnd>> + use<> {
    let receiver = hub.subscribe();
    let missed_events = hub.missed.clone();
    futures_util::stream::unfold(Some(receiver), move |receiver| {
        let missed_events = missed_events.clone();
        async move {
            let mut receiver = receiver?;
            loop {
                match receiver.recv().await {
                    Ok(event) if access::may_read_record_of(who, event.user_id()) => {
                        return Some((Ok(event), Some(receiver)));
                    }
                    Ok(_) => continue,
                    Err(broadcast::error::RecvError::Lagged(missed)) => {
                        tracing::warn!(missed, "a subscriber fell behind; ending its subscription");
                        missed_events.fetch_add(missed, Ordering::Relaxed);
                        return Some((Err(FeedEnd::Lagged), None));
                    }
                    Err(broadcast::error::RecvError::Closed) => return None,
                }
            }
        }
    })
}

/// The status events `who` may read: with `after`, the settled ones since then first; then live
/// ones; in delivery order, none twice and none missed. A subscriber that falls behind the
/// broadcast reads what it missed back from `application_status_events` and carries on.
/// Without `after`, the feed starts where this copy's listener is, once it listens (a feed
/// that cannot start yields [`FeedEnd::NotListening`]).
pub async fn status_feed(
    hub: &EventHub,
    pool: DbPool,
    who: Principal,
    after: Option<Position>,
) -> impl futures_util::Stream<Item = Result<StatusEvent, FeedEnd>> + use<> {
    // Subscribe before anything is read, so nothing falls between the past and the live.
    let receiver = hub.subscribe();
    let start = match after {
        Some(after) => Some(after),
        None => hub.started(LISTENER_START_WAIT).await,
    };
    let feed = start.map(|last| StatusFeed {
        receiver,
        pool,
        who,
        last,
        backlog: std::collections::VecDeque::new(),
        behind: after.is_some(),
    });
    let feed = feed.ok_or(FeedEnd::NotListening);
    futures_util::stream::unfold(Some(feed), |feed| async move {
        let mut feed = match feed? {
            Ok(feed) => feed,
            Err(end) => return Some((Err(end), None)),
        };
        match feed.next().await? {
            Ok(event) => Some((Ok(event), Some(Ok(feed)))),
            Err(end) => Some((Err(end), None)),
        }
    })
}

/// How long a new subscription waits for a listener that is still connecting.
const LISTENER_START_WAIT: Duration = Duration::from_secs(5);

struct StatusFeed {
    receiver: broadcast::Receiver<Arc<Event>>,
    pool: DbPool,
    who: Principal,
    /// The last event delivered (or the feed's start).
    last: Position,
    /// Events read back from the table, not yet delivered.
    backlog: std::collections::VecDeque<StatusEvent>,
    /// Whether settled events after `last` may still be unread in the table.
    behind: bool,
}

impl StatusFeed {
    async fn next(&mut self) -> Option<Result<StatusEvent, FeedEnd>> {
        loop {
            if let Some(event) = self.backlog.pop_front() {
                return Some(Ok(event));
            }
            if self.behind
                && let Err(error) = self.catch_up().await
            {
                tracing::warn!(%error, "a status subscription could not catch up");
                return Some(Err(FeedEnd::Interrupted(self.last)));
            }
            if !self.backlog.is_empty() {
                continue;
            }
            match self.receiver.recv().await {
                Ok(event) => {
                    if let Event::Status(status) = event.as_ref()
                        && access::may_read_record_of(self.who, status.user_id)
                        && status.position() > self.last
                    {
                        self.last = status.position();
                        return Some(Ok(status.clone()));
                    }
                }
                Err(broadcast::error::RecvError::Lagged(missed)) => {
                    tracing::info!(
                        missed,
                        "a status subscriber fell behind; reading back what it missed"
                    );
                    self.behind = true;
                }
                Err(broadcast::error::RecvError::Closed) => return None,
            }
        }
    }

    /// Reads the next page of settled events after `last` into the backlog.
    async fn catch_up(&mut self) -> anyhow::Result<()> {
        let mut conn = self.pool.get().await?;
        let page = settled_status_events_after(&mut conn, self.who, self.last).await?;
        self.behind = page.len() as i64 == PAGE;
        if let Some(event) = page.last() {
            self.last = event.position();
        }
        self.backlog.extend(page);
        Ok(())
    }
}
