//! Events that subscriptions deliver, carried between server copies by PostgreSQL
//! LISTEN/NOTIFY.
//!
//! A change publishes its event with `pg_notify` inside its own transaction, so a rolled-back
//! change sends nothing and a committed one is delivered to every listening copy. Each process
//! holds one LISTEN connection ([`EventHub`]), reconnecting with backoff when it drops, and
//! fans events out to its subscribers through a broadcast channel; each subscription keeps
//! only its viewer's events.

use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl, SimpleAsyncConnection};
use futures_util::StreamExt;
use serde::{Deserialize, Serialize};
use tokio::sync::broadcast;
use uuid::Uuid;

use crate::applications::enums::{ApplicationStatus, ArtifactKind};
use crate::db::schema::application_status_events;

const CHANNEL: &str = "careergraph_events";
/// How the listener's connection names itself in `pg_stat_activity`.
pub const LISTENER_NAME: &str = "careergraph-listener";

/// One entry of an application's history.
#[derive(Clone, Debug, Serialize, Deserialize, Queryable, Selectable)]
#[diesel(table_name = application_status_events)]
#[serde(rename_all = "camelCase")]
pub struct StatusEvent {
    pub id: Uuid,
    pub seq: i64,
    pub user_id: Uuid,
    pub application_id: Uuid,
    pub from_status: Option<ApplicationStatus>,
    pub to_status: ApplicationStatus,
    pub note: Option<String>,
    pub created_at: DateTime<Utc>,
}

/// A new artifact (its content is read from the table: it may exceed NOTIFY's 8 kB).
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ArtifactEvent {
    pub user_id: Uuid,
    pub application_id: Uuid,
    pub artifact_id: Uuid,
    pub kind: ArtifactKind,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "camelCase")]
pub enum Event {
    Status(StatusEvent),
    Artifact(ArtifactEvent),
}

impl Event {
    pub fn user_id(&self) -> Uuid {
        match self {
            Self::Status(event) => event.user_id,
            Self::Artifact(event) => event.user_id,
        }
    }
}

/// Queues `event` for delivery when the caller's transaction commits.
pub async fn publish(conn: &mut AsyncPgConnection, event: &Event) -> QueryResult<()> {
    let payload = serde_json::to_string(event)
        .map_err(|error| diesel::result::Error::SerializationError(Box::new(error)))?;
    diesel::sql_query("select pg_notify($1, $2)")
        .bind::<diesel::sql_types::Text, _>(CHANNEL)
        .bind::<diesel::sql_types::Text, _>(payload)
        .execute(conn)
        .await
        .map(drop)
}

/// Status events after `seq`, oldest first; of one user when `user` is given.
pub async fn status_events_after(
    conn: &mut AsyncPgConnection,
    seq: i64,
    user: Option<Uuid>,
) -> QueryResult<Vec<StatusEvent>> {
    let mut query = application_status_events::table
        .filter(application_status_events::seq.gt(seq))
        .order(application_status_events::seq)
        .select(StatusEvent::as_select())
        .into_boxed();
    if let Some(user) = user {
        query = query.filter(application_status_events::user_id.eq(user));
    }
    query.load(conn).await
}

async fn latest_seq(conn: &mut AsyncPgConnection) -> QueryResult<i64> {
    application_status_events::table
        .select(diesel::dsl::max(application_status_events::seq))
        .first::<Option<i64>>(conn)
        .await
        .map(Option::unwrap_or_default)
}

/// This process's subscription to every event.
#[derive(Clone)]
pub struct EventHub {
    sender: broadcast::Sender<Arc<Event>>,
    listener: Arc<tokio::task::AbortHandle>,
}

impl EventHub {
    /// Starts listening on `database_url` (on a connection of its own, outside the pool).
    pub fn start(database_url: &str) -> Self {
        let (sender, _) = broadcast::channel(1024);
        let url = with_application_name(database_url, LISTENER_NAME);
        let listener = Arc::new(tokio::spawn(listen(url, sender.clone())).abort_handle());
        Self { sender, listener }
    }

    /// Stops listening (before the database goes away at shutdown, so the listener does not
    /// try to reconnect to it).
    pub fn stop(&self) {
        self.listener.abort();
    }

    pub fn subscribe(&self) -> broadcast::Receiver<Arc<Event>> {
        self.sender.subscribe()
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

/// Listens forever. After a reconnect, the status events committed while it was away are
/// read from the table, so live subscribers miss none of them.
async fn listen(url: String, sender: broadcast::Sender<Arc<Event>>) {
    let mut backoff = Duration::from_millis(100);
    let mut last_seq: Option<i64> = None;
    loop {
        match listen_once(&url, &sender, &mut last_seq, &mut backoff).await {
            Ok(()) => tracing::warn!("the event listener's connection ended; reconnecting"),
            Err(error) => tracing::warn!(%error, ?backoff, "the event listener failed; reconnecting"),
        }
        tokio::time::sleep(backoff).await;
        backoff = (backoff * 2).min(Duration::from_secs(5));
    }
}

async fn listen_once(
    url: &str,
    sender: &broadcast::Sender<Arc<Event>>,
    last_seq: &mut Option<i64>,
    backoff: &mut Duration,
) -> Result<(), diesel::result::Error> {
    let mut conn = AsyncPgConnection::establish(url)
        .await
        .map_err(|error| diesel::result::Error::QueryBuilderError(Box::new(error)))?;
    conn.batch_execute(&format!("listen {CHANNEL}")).await?;
    match *last_seq {
        Some(seq) => {
            for event in status_events_after(&mut conn, seq, None).await? {
                deliver(sender, Event::Status(event), last_seq);
            }
        }
        None => *last_seq = Some(latest_seq(&mut conn).await?),
    }
    tracing::info!("listening for events");
    *backoff = Duration::from_millis(100);
    let mut notifications = std::pin::pin!(conn.notifications_stream());
    while let Some(notification) = notifications.next().await {
        let notification = notification?;
        match serde_json::from_str::<Event>(&notification.payload) {
            Ok(event) => deliver(sender, event, last_seq),
            Err(error) => tracing::warn!(%error, "unreadable event payload"),
        }
    }
    Ok(())
}

/// Broadcasts an event, skipping status events already delivered (a notification can arrive
/// both live and through the catch-up read after a reconnect).
fn deliver(sender: &broadcast::Sender<Arc<Event>>, event: Event, last_seq: &mut Option<i64>) {
    if let Event::Status(status) = &event {
        if last_seq.is_some_and(|last| status.seq <= last) {
            return;
        }
        *last_seq = Some(status.seq);
    }
    // No receiver is not an error: nobody subscribes right now.
    sender.send(Arc::new(event)).ok();
}
