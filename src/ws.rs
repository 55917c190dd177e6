//! Subscriptions over WebSocket (`/graphql/ws`): graphql-transport-ws (graphql-ws's
//! PROTOCOL.md) and the legacy graphql-ws (subscriptions-transport-ws), with keep-alive,
//! limits, metrics and a graceful close.
//!
//! The loop is ours rather than async-graphql's `http::WebSocket`, which has no init timeout,
//! no server pings, closes a subscribe before the ack with 1011 instead of 4401, silently
//! replaces a subscription whose id is taken instead of closing with 4409, closes bad JSON and
//! refused tokens with 1002 instead of 4400 and 4403, sends close reasons longer than a control
//! frame may carry, and offers no place for limits or a shutdown. Operations still run through
//! [`Executor::execute_stream`] on [`crate::schema::AppSchema`], so the document limits apply.

use std::collections::{BTreeMap, HashMap};
use std::future::Future;
use std::hash::Hash;
use std::net::{IpAddr, SocketAddr};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use async_graphql::http::WebSocketProtocols;
use async_graphql::parser::types::{DocumentOperations, Selection};
use async_graphql::{Data, Executor};
use axum::Extension;
use axum::extract::ws::{CloseFrame, Message, WebSocket};
use axum::extract::{ConnectInfo, State, WebSocketUpgrade};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use futures_util::stream::{BoxStream, SplitSink, SplitStream};
use futures_util::{FutureExt, SinkExt, StreamExt};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use tokio::sync::watch;
use tokio::time::Instant;
use tokio_stream::StreamMap;
use tokio_util::sync::CancellationToken;
use uuid::Uuid;

use crate::graphql::context::Services;
use crate::graphql::context::{Auth, RequestAuth};
use crate::graphql::loaders::BatchSpawner;
use crate::http_server::ConnectionSlot;
use crate::schema::AppSchema;
use crate::tokens::Access;

/// 4403, as graphql-transport-ws closes a connection whose authorisation is refused. Clients
/// refresh the session, connect again and resubscribe (status subscriptions with `after`, so
/// nothing is missed).
pub const TOKEN_EXPIRED_CLOSE_CODE: u16 = 4403;
/// PROTOCOL.md's codes.
pub const BAD_REQUEST: u16 = 4400;
pub const UNAUTHORIZED: u16 = 4401;
pub const FORBIDDEN: u16 = 4403;
pub const INIT_TIMEOUT: u16 = 4408;
pub const SUBSCRIBER_EXISTS: u16 = 4409;
pub const TOO_MANY_INITS: u16 = 4429;
pub const INTERNAL_ERROR: u16 = 4500;
/// RFC 6455's: shutdown and a client that stopped answering pings (both worth reconnecting
/// after, which graphql-ws's client does for 1001 but not for 1008 or 1009).
pub const GOING_AWAY: u16 = 1001;
/// A limit reached: too many sockets for one user.
pub const POLICY_VIOLATION: u16 = 1008;
/// A message over `--ws-max-message-bytes`.
pub const MESSAGE_TOO_BIG: u16 = 1009;

/// RFC 6455 §5.5: a control frame carries at most 125 bytes, two of them the code.
const MAX_CLOSE_REASON: usize = 123;
/// See `upgrade`.
const READ_BUFFER: usize = 4 * 1024;
/// Results sent at shutdown before the close, per socket: enough for what is already queued,
/// bounded so that a stream that is always ready cannot hold the socket open.
const FLUSH_MOST: usize = 1_000;

#[derive(Clone, Copy, Debug)]
pub struct WsSettings {
    /// Time a client has to send `connection_init`.
    pub init_timeout: Duration,
    /// How often the server pings.
    pub ping_interval: Duration,
    /// Time a client has to answer a ping (any frame will do), and to take a write.
    pub pong_timeout: Duration,
    pub max_per_user: usize,
    pub max_per_ip: usize,
    pub max_subscriptions: usize,
    pub max_message_bytes: usize,
}

/// Every open socket of this server copy: limits, counts, metrics and the shutdown signal.
pub struct Sockets {
    settings: WsSettings,
    per_user: Tally<Uuid>,
    per_ip: Tally<IpAddr>,
    open: watch::Sender<usize>,
    shutdown: CancellationToken,
    metrics: Metrics,
}

impl Sockets {
    pub fn new(settings: WsSettings) -> Self {
        Self {
            settings,
            per_user: Tally::default(),
            per_ip: Tally::default(),
            open: watch::Sender::new(0),
            shutdown: CancellationToken::new(),
            metrics: Metrics::default(),
        }
    }

    /// Refuses new sockets and closes the open ones with 1001 once what they have ready is
    /// sent.
    pub fn shut_down(&self) {
        self.shutdown.cancel();
    }

    /// Resolves once every socket has closed.
    pub fn closed(&self) -> impl Future<Output = ()> + use<> {
        let mut open = self.open.subscribe();
        async move {
            open.wait_for(|open| *open == 0).await.ok();
        }
    }

    /// The WebSocket lines of `/metrics`, in the Prometheus text format.
    pub fn metrics(&self) -> String {
        use std::fmt::Write;
        let m = &self.metrics;
        let mut text = format!(
            "# HELP careergraph_ws_open_sockets Open WebSockets.\n\
             # TYPE careergraph_ws_open_sockets gauge\n\
             careergraph_ws_open_sockets {}\n\
             # HELP careergraph_ws_events_delivered_total Subscription results written to a socket.\n\
             # TYPE careergraph_ws_events_delivered_total counter\n\
             careergraph_ws_events_delivered_total {}\n\
             # HELP careergraph_ws_events_dropped_total Subscription results not written: the socket failed, stalled or closed first.\n\
             # TYPE careergraph_ws_events_dropped_total counter\n\
             careergraph_ws_events_dropped_total {}\n\
             # HELP careergraph_ws_active_subscriptions Running operations on sockets, by root field.\n\
             # TYPE careergraph_ws_active_subscriptions gauge\n",
            *self.open.borrow(),
            m.delivered.load(Ordering::Relaxed),
            m.dropped.load(Ordering::Relaxed),
        );
        for (name, count) in m
            .subscriptions
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .iter()
        {
            writeln!(
                text,
                "careergraph_ws_active_subscriptions{{name=\"{name}\"}} {count}"
            )
            .ok();
        }
        text.push_str(
            "# HELP careergraph_ws_closes_total Close frames the server sent, by code.\n\
             # TYPE careergraph_ws_closes_total counter\n",
        );
        for (code, count) in m.closes.lock().unwrap_or_else(PoisonError::into_inner).iter() {
            writeln!(text, "careergraph_ws_closes_total{{code=\"{code}\"}} {count}").ok();
        }
        text
    }
}

/// How many sockets each key holds.
struct Tally<K>(Mutex<HashMap<K, usize>>);

impl<K> Default for Tally<K> {
    fn default() -> Self {
        Self(Mutex::new(HashMap::new()))
    }
}

impl<K: Eq + Hash + Copy> Tally<K> {
    fn take(&self, key: K, most: usize) -> bool {
        let mut held = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        let count = held.entry(key).or_default();
        if *count >= most {
            return false;
        }
        *count += 1;
        true
    }

    fn give_back(&self, key: K) {
        let mut held = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(count) = held.get_mut(&key) {
            *count -= 1;
            if *count == 0 {
                held.remove(&key);
            }
        }
    }
}

/// A socket's place in its user's or address's count, given back on drop.
struct Place {
    sockets: Arc<Sockets>,
    key: PlaceKey,
}

#[derive(Clone, Copy)]
enum PlaceKey {
    User(Uuid),
    Ip(IpAddr),
    /// The socket among all open ones.
    Open,
}

impl Place {
    fn take(sockets: &Arc<Sockets>, key: PlaceKey) -> Option<Self> {
        let taken = match key {
            PlaceKey::User(user) => sockets.per_user.take(user, sockets.settings.max_per_user),
            PlaceKey::Ip(ip) => sockets.per_ip.take(ip, sockets.settings.max_per_ip),
            PlaceKey::Open => {
                sockets.open.send_modify(|open| *open += 1);
                true
            }
        };
        taken.then(|| Self {
            sockets: sockets.clone(),
            key,
        })
    }
}

impl Drop for Place {
    fn drop(&mut self) {
        match self.key {
            PlaceKey::User(user) => self.sockets.per_user.give_back(user),
            PlaceKey::Ip(ip) => self.sockets.per_ip.give_back(ip),
            PlaceKey::Open => self.sockets.open.send_modify(|open| *open -= 1),
        }
    }
}

#[derive(Default)]
struct Metrics {
    /// Only names with a running operation are kept, so clients cannot grow the map.
    subscriptions: Mutex<BTreeMap<String, u64>>,
    delivered: AtomicU64,
    dropped: AtomicU64,
    closes: Mutex<BTreeMap<u16, u64>>,
}

impl Metrics {
    fn started(&self, name: &str) {
        let mut running = self.subscriptions.lock().unwrap_or_else(PoisonError::into_inner);
        *running.entry(name.to_owned()).or_default() += 1;
    }

    fn ended(&self, name: &str) {
        let mut running = self.subscriptions.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(count) = running.get_mut(name) {
            *count -= 1;
            if *count == 0 {
                running.remove(name);
            }
        }
    }

    fn closed(&self, code: u16) {
        *self
            .closes
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .entry(code)
            .or_default() += 1;
    }
}

/// What the WebSocket handler needs of the application.
#[derive(Clone)]
pub struct WsState {
    pub services: Services,
    pub schema: AppSchema,
    pub sockets: Arc<Sockets>,
}

/// `GET /graphql/ws`: the protocol is chosen by Sec-WebSocket-Protocol; the access token
/// travels in the `connection_init` payload.
pub async fn upgrade(
    State(state): State<WsState>,
    slot: Option<Extension<ConnectionSlot>>,
    peer: Option<Extension<ConnectInfo<SocketAddr>>>,
    headers: HeaderMap,
    upgrade: WebSocketUpgrade,
) -> Response {
    let Some(protocol) = headers
        .get(header::SEC_WEBSOCKET_PROTOCOL)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| {
            value
                .split(',')
                .find_map(|name| name.trim().parse::<WebSocketProtocols>().ok())
        })
    else {
        return (
            StatusCode::BAD_REQUEST,
            "Sec-WebSocket-Protocol must name graphql-transport-ws or graphql-ws",
        )
            .into_response();
    };
    let sockets = state.sockets.clone();
    if sockets.shutdown.is_cancelled() {
        return (
            StatusCode::SERVICE_UNAVAILABLE,
            "the server is shutting down; connect to another copy",
        )
            .into_response();
    }
    // Without a peer address (a router served by something other than our connection loop)
    // there is nothing to count by.
    let ip_place = match peer {
        Some(Extension(ConnectInfo(peer))) => match Place::take(&sockets, PlaceKey::Ip(peer.ip())) {
            Some(place) => Some(place),
            None => {
                return (
                    StatusCode::TOO_MANY_REQUESTS,
                    format!(
                        "at most {} WebSockets from one address",
                        sockets.settings.max_per_ip
                    ),
                )
                    .into_response();
            }
        },
        None => None,
    };
    let max = sockets.settings.max_message_bytes;
    upgrade
        .protocols([protocol.sec_websocket_protocol()])
        .max_message_size(max)
        .max_frame_size(max)
        // tungstenite allocates its read buffer up front, 128 KiB by default: most of an idle
        // socket's memory. Client messages are small; a larger one is read in several steps.
        .read_buffer_size(READ_BUFFER)
        .on_upgrade(move |socket| async move {
            let open = Place::take(&sockets, PlaceKey::Open);
            Connection::new(state, protocol).run(socket).await;
            drop((open, ip_place));
            // The socket held its connection's place among the server's connections until now.
            drop(slot);
        })
        .into_response()
}

/// A client's message; which types a protocol allows is checked by [`Connection::handle`].
#[derive(Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
enum ClientMessage {
    ConnectionInit {
        #[serde(default)]
        payload: Option<Value>,
    },
    Subscribe {
        id: String,
        payload: Box<async_graphql::Request>,
    },
    /// The legacy protocol's `subscribe`.
    Start {
        id: String,
        payload: Box<async_graphql::Request>,
    },
    Complete {
        id: String,
    },
    /// The legacy protocol's `complete`.
    Stop {
        id: String,
    },
    Ping {
        #[serde(default)]
        payload: Option<Value>,
    },
    Pong {
        #[serde(default)]
        payload: Option<Value>,
    },
    ConnectionTerminate,
}

#[derive(Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
enum ServerMessage<'a> {
    ConnectionAck,
    ConnectionError {
        payload: Value,
    },
    Next {
        id: &'a str,
        payload: &'a async_graphql::Response,
    },
    Data {
        id: &'a str,
        payload: &'a async_graphql::Response,
    },
    Error {
        id: &'a str,
        payload: Value,
    },
    Complete {
        id: &'a str,
    },
    Ping,
    Pong {
        #[serde(skip_serializing_if = "Option::is_none")]
        payload: Option<Value>,
    },
    #[serde(rename = "ka")]
    KeepAlive,
}

/// How a socket ends.
enum End {
    /// With this close frame.
    Close(u16, String),
    /// The client left or stopped reading: nothing more can be sent.
    Gone,
}

fn close(code: u16, reason: impl Into<String>) -> End {
    End::Close(code, reason.into())
}

/// `reason` cut to at most [`MAX_CLOSE_REASON`] bytes, at a character boundary.
pub fn close_reason(reason: &str) -> &str {
    let mut end = reason.len().min(MAX_CLOSE_REASON);
    while !reason.is_char_boundary(end) {
        end -= 1;
    }
    &reason[..end]
}

/// What an operation's stream gives.
enum Produced {
    Result(Box<async_graphql::Response>),
    /// It ended.
    End,
    /// It panicked: a bug, answered with 4500 rather than a socket dropped without a word.
    Panicked,
}

/// An operation's results as the socket loop reads them: each result, then its end; a panic
/// becomes [`Produced::Panicked`] (on which the socket closes with 4500) and stops the results.
fn produced(
    results: impl futures_util::Stream<Item = async_graphql::Response> + Send + 'static,
) -> BoxStream<'static, Produced> {
    std::panic::AssertUnwindSafe(results)
        .catch_unwind()
        .map(|result| {
            result.map_or(Produced::Panicked, |response| {
                Produced::Result(Box::new(response))
            })
        })
        .chain(futures_util::stream::once(std::future::ready(Produced::End)))
        .boxed()
}

type Results = BoxStream<'static, Produced>;

struct Connection {
    state: WsState,
    sockets: Arc<Sockets>,
    protocol: WebSocketProtocols,
    /// Whether `connection_init` came (only one may).
    initialised: bool,
    /// The session's data once acknowledged.
    session: Option<Arc<Data>>,
    expires: Option<Instant>,
    /// The access token the socket was opened with, checked again whenever this copy learns
    /// of a revocation (a session ended, an account deactivated or deleted).
    access: Option<Access>,
    revocations: Option<watch::Receiver<u64>>,
    user_place: Option<Place>,
    /// Each operation's results, then `None` when it ends.
    operations: StreamMap<String, Results>,
    /// Each operation's root field, for the metrics.
    names: HashMap<String, String>,
}

enum Step {
    Shutdown,
    End(End),
    /// Something was revoked somewhere: is it this socket's token?
    Revocation,
    Ping,
    Incoming(Option<Result<Message, axum::Error>>),
    Result(String, Produced),
}

impl Connection {
    fn new(state: WsState, protocol: WebSocketProtocols) -> Self {
        Self {
            sockets: state.sockets.clone(),
            state,
            protocol,
            initialised: false,
            session: None,
            expires: None,
            access: None,
            revocations: None,
            user_place: None,
            operations: StreamMap::new(),
            names: HashMap::new(),
        }
    }

    fn legacy(&self) -> bool {
        self.protocol == WebSocketProtocols::SubscriptionsTransportWS
    }

    async fn run(mut self, socket: WebSocket) {
        let settings = self.sockets.settings;
        let shutdown = self.sockets.shutdown.clone();
        let (mut sink, mut incoming) = socket.split();
        let opened = Instant::now();
        let init_deadline = opened + settings.init_timeout;
        let mut pings = tokio::time::interval_at(opened + settings.ping_interval, settings.ping_interval);
        pings.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let mut pong_due: Option<Instant> = None;
        let end = loop {
            let step = tokio::select! {
                biased;
                () = shutdown.cancelled() => Step::Shutdown,
                () = tokio::time::sleep_until(init_deadline), if self.session.is_none() => {
                    Step::End(close(INIT_TIMEOUT, "Connection initialisation timeout"))
                }
                () = sleep_until(self.expires) => {
                    Step::End(close(TOKEN_EXPIRED_CLOSE_CODE, "Forbidden: the access token has expired"))
                }
                () = revocation(self.revocations.as_mut()) => Step::Revocation,
                () = sleep_until(pong_due) => Step::End(close(
                    GOING_AWAY,
                    format!("no answer to a ping within {} s", settings.pong_timeout.as_secs()),
                )),
                _ = pings.tick() => Step::Ping,
                message = incoming.next() => Step::Incoming(message),
                Some((id, result)) = self.operations.next(), if !self.operations.is_empty() => {
                    Step::Result(id, result)
                }
            };
            let outcome = match step {
                Step::Shutdown => break self.flush(&mut sink).await,
                Step::End(end) => break end,
                Step::Revocation => {
                    let keys = &self.state.services.keys;
                    if self
                        .access
                        .is_some_and(|access| keys.revocations.refuses(&access))
                    {
                        break close(
                            TOKEN_EXPIRED_CLOSE_CODE,
                            "Forbidden: the access token was revoked",
                        );
                    }
                    Ok(())
                }
                Step::Ping => {
                    pong_due.get_or_insert(Instant::now() + settings.pong_timeout);
                    self.ping(&mut sink).await
                }
                Step::Incoming(message) => {
                    pong_due = None;
                    self.receive(&mut sink, message).await
                }
                Step::Result(id, result) => self.deliver(&mut sink, &id, result).await,
            };
            if let Err(end) = outcome {
                break end;
            }
        };
        for name in self.names.values() {
            self.sockets.metrics.ended(name);
        }
        if let End::Close(code, reason) = end {
            self.sockets.metrics.closed(code);
            let frame = CloseFrame {
                code,
                reason: close_reason(&reason).into(),
            };
            if write(&mut sink, Message::Close(Some(frame)), settings.pong_timeout).await {
                linger(&mut incoming).await;
            }
        }
    }

    /// Sends what the operations have ready, then says the server is going away.
    async fn flush(&mut self, sink: &mut Sink) -> End {
        for _ in 0..FLUSH_MOST {
            let Some(Some((id, result))) = self.operations.next().now_or_never() else {
                break;
            };
            if let Err(end) = self.deliver(sink, &id, result).await {
                return end;
            }
        }
        close(
            GOING_AWAY,
            "the server is shutting down: reconnect and resubscribe (with `after` to resume)",
        )
    }

    /// Asks the client for a sign of life. Besides the protocol's own message (`ping`, or the
    /// legacy `ka`, which only keeps proxies from closing an idle socket), a WebSocket ping:
    /// clients' WebSocket layers answer it by themselves, even those that ignore `ping`.
    async fn ping(&mut self, sink: &mut Sink) -> Result<(), End> {
        let message = if self.legacy() {
            ServerMessage::KeepAlive
        } else {
            ServerMessage::Ping
        };
        self.send(sink, &message).await?;
        self.write(sink, Message::Ping(Default::default())).await
    }

    async fn receive(
        &mut self,
        sink: &mut Sink,
        message: Option<Result<Message, axum::Error>>,
    ) -> Result<(), End> {
        let bytes = match message {
            None | Some(Ok(Message::Close(_))) => return Err(End::Gone),
            Some(Err(error)) => return Err(self.failed(error)),
            Some(Ok(message @ (Message::Text(_) | Message::Binary(_)))) => message.into_data(),
            Some(Ok(Message::Ping(_) | Message::Pong(_))) => return Ok(()),
        };
        match serde_json::from_slice::<ClientMessage>(&bytes) {
            Ok(message) => self.handle(sink, message).await,
            Err(error) => Err(close(BAD_REQUEST, format!("Invalid message received: {error}"))),
        }
    }

    /// A read error: a message over the size limit gets a close; anything else means the
    /// connection is broken.
    fn failed(&self, error: axum::Error) -> End {
        match error
            .into_inner()
            .downcast::<tungstenite::Error>()
            .map(|error| *error)
        {
            Ok(tungstenite::Error::Capacity(_)) => close(
                MESSAGE_TOO_BIG,
                format!(
                    "a message may have at most {} bytes",
                    self.sockets.settings.max_message_bytes
                ),
            ),
            _ => End::Gone,
        }
    }

    async fn handle(&mut self, sink: &mut Sink, message: ClientMessage) -> Result<(), End> {
        match (message, self.legacy()) {
            (ClientMessage::ConnectionInit { payload }, _) => self.init(sink, payload).await,
            (ClientMessage::Subscribe { id, payload }, false)
            | (ClientMessage::Start { id, payload }, true) => self.subscribe(sink, id, *payload).await,
            (ClientMessage::Complete { id }, false) => {
                self.stop(&id);
                Ok(())
            }
            // The legacy protocol confirms a `stop`; graphql-transport-ws does not.
            (ClientMessage::Stop { id }, true) => {
                if self.stop(&id) {
                    self.send(sink, &ServerMessage::Complete { id: &id }).await?;
                }
                Ok(())
            }
            (ClientMessage::Ping { payload }, false) => {
                if payload.as_ref().is_some_and(|payload| !payload.is_object()) {
                    return Err(close(
                        BAD_REQUEST,
                        "Invalid message received: a ping payload must be an object",
                    ));
                }
                self.send(sink, &ServerMessage::Pong { payload }).await
            }
            (ClientMessage::Pong { payload }, false) => {
                if payload.as_ref().is_some_and(|payload| !payload.is_object()) {
                    return Err(close(
                        BAD_REQUEST,
                        "Invalid message received: a pong payload must be an object",
                    ));
                }
                Ok(())
            }
            (ClientMessage::ConnectionTerminate, true) => Err(close(1000, "")),
            _ => Err(close(
                BAD_REQUEST,
                format!(
                    "Invalid message received: not a {} message type",
                    self.protocol.sec_websocket_protocol()
                ),
            )),
        }
    }

    /// Ends the operation `id`; whether it was running.
    fn stop(&mut self, id: &str) -> bool {
        if let Some(name) = self.names.remove(id) {
            self.sockets.metrics.ended(&name);
        }
        self.operations.remove(id).is_some()
    }

    async fn init(&mut self, sink: &mut Sink, payload: Option<Value>) -> Result<(), End> {
        if self.initialised {
            return Err(close(TOO_MANY_INITS, "Too many initialisation requests"));
        }
        self.initialised = true;
        let payload = match payload {
            None | Some(Value::Null) => serde_json::Map::new(),
            Some(Value::Object(payload)) => payload,
            Some(_) => {
                return Err(close(
                    BAD_REQUEST,
                    "Invalid message received: the connection_init payload must be an object",
                ));
            }
        };
        let authorization = payload
            .get("Authorization")
            .or_else(|| payload.get("authorization"))
            .and_then(Value::as_str);
        // Watched from before the token is checked, so no revocation falls in between.
        let revocations = self.state.services.keys.revocations.changes();
        let auth = self.state.services.auth(authorization);
        if let Auth::User(access) = &auth {
            self.access = Some(*access);
            self.revocations = Some(revocations);
            let Some(place) = Place::take(&self.sockets, PlaceKey::User(access.user_id)) else {
                let reason = format!(
                    "at most {} WebSockets per user",
                    self.sockets.settings.max_per_user
                );
                return Err(self.refuse(sink, POLICY_VIOLATION, reason).await);
            };
            self.user_place = Some(place);
            let left = (access.expires_at - chrono::Utc::now().timestamp()).max(0);
            self.expires = Some(Instant::now() + Duration::from_secs(left as u64));
        }
        let auth = RequestAuth::new(auth, &self.state.services.pool, BatchSpawner::Tokio);
        if let Some(message) = auth.refusal() {
            return Err(self
                .refuse(sink, FORBIDDEN, format!("Forbidden: {message}"))
                .await);
        }
        let mut data = Data::default();
        data.insert(auth);
        self.session = Some(Arc::new(data));
        self.send(sink, &ServerMessage::ConnectionAck).await
    }

    /// Refuses the connection: a legacy client first gets `connection_error`, the only refusal
    /// it knows.
    async fn refuse(&mut self, sink: &mut Sink, code: u16, reason: String) -> End {
        if self.legacy() {
            let message = ServerMessage::ConnectionError {
                payload: serde_json::json!({ "message": reason }),
            };
            if let Err(end) = self.send(sink, &message).await {
                return end;
            }
        }
        close(code, reason)
    }

    async fn subscribe(
        &mut self,
        sink: &mut Sink,
        id: String,
        mut request: async_graphql::Request,
    ) -> Result<(), End> {
        let Some(session) = self.session.clone() else {
            return Err(close(UNAUTHORIZED, "Unauthorized"));
        };
        if id.is_empty() {
            return Err(close(
                BAD_REQUEST,
                "Invalid message received: the id must not be empty",
            ));
        }
        if self.operations.contains_key(&id) {
            return Err(close(
                SUBSCRIBER_EXISTS,
                format!("Subscriber for {id} already exists"),
            ));
        }
        let most = self.sockets.settings.max_subscriptions;
        if self.operations.len() >= most {
            let error = crate::graphql::errors::coded(
                format!("at most {most} operations may run at once on one socket; complete one first"),
                "BAD_USER_INPUT",
            );
            let payload = if self.legacy() {
                serde_json::json!({ "message": error.message, "extensions": error.extensions })
            } else {
                serde_json::json!([error])
            };
            return self.send(sink, &ServerMessage::Error { id: &id, payload }).await;
        }
        // A persisted document's hash names the operation: settled first so that the metrics
        // count its root field. A refusal is reported where the operation starts, below.
        let name = match self.state.schema.resolve_persisted(&mut request).await {
            Ok(()) => root_field(&mut request),
            Err(_) => "invalid".to_owned(),
        };
        let results = produced(Executor::execute_stream(
            &self.state.schema,
            request,
            Some(session),
        ));
        self.sockets.metrics.started(&name);
        self.names.insert(id.clone(), name);
        self.operations.insert(id, results);
        Ok(())
    }

    /// An operation's result, or its end.
    async fn deliver(&mut self, sink: &mut Sink, id: &str, result: Produced) -> Result<(), End> {
        let response = match result {
            Produced::Result(response) => *response,
            Produced::End => {
                if let Some(name) = self.names.remove(id) {
                    self.sockets.metrics.ended(&name);
                }
                return self.send(sink, &ServerMessage::Complete { id }).await;
            }
            Produced::Panicked => {
                tracing::error!(id, "a subscription panicked");
                return Err(close(INTERNAL_ERROR, "Internal server error"));
            }
        };
        let message = if self.legacy() {
            ServerMessage::Data {
                id,
                payload: &response,
            }
        } else {
            ServerMessage::Next {
                id,
                payload: &response,
            }
        };
        let sockets = self.sockets.clone();
        let metrics = &sockets.metrics;
        match self.send(sink, &message).await {
            Ok(()) => {
                metrics.delivered.fetch_add(1, Ordering::Relaxed);
                Ok(())
            }
            Err(end) => {
                metrics.dropped.fetch_add(1, Ordering::Relaxed);
                Err(end)
            }
        }
    }

    async fn send(&mut self, sink: &mut Sink, message: &ServerMessage<'_>) -> Result<(), End> {
        match serde_json::to_string(message) {
            Ok(text) => self.write(sink, Message::Text(text.into())).await,
            Err(error) => {
                tracing::error!(%error, "cannot serialise a WebSocket message");
                Err(close(INTERNAL_ERROR, "Internal server error"))
            }
        }
    }

    async fn write(&mut self, sink: &mut Sink, message: Message) -> Result<(), End> {
        if write(sink, message, self.sockets.settings.pong_timeout).await {
            Ok(())
        } else {
            Err(End::Gone)
        }
    }
}

type Sink = SplitSink<WebSocket, Message>;

/// Whether `message` was written in time: a client that does not read is treated as gone,
/// rather than holding its results in memory.
async fn write(sink: &mut Sink, message: Message, within: Duration) -> bool {
    matches!(tokio::time::timeout(within, sink.send(message)).await, Ok(Ok(())))
}

/// Reads until the client answers the close (or a second passes), so that it sees the close
/// frame rather than a reset connection.
async fn linger(incoming: &mut SplitStream<WebSocket>) {
    let drained = async { while let Some(Ok(_)) = incoming.next().await {} };
    tokio::time::timeout(Duration::from_secs(1), drained).await.ok();
}

/// Resolves when the revocations change (never without a token to check).
async fn revocation(changes: Option<&mut watch::Receiver<u64>>) {
    let changed = match changes {
        Some(changes) => changes.changed().await.is_ok(),
        None => false,
    };
    if !changed {
        std::future::pending::<()>().await;
    }
}

async fn sleep_until(at: Option<Instant>) {
    match at {
        Some(at) => tokio::time::sleep_until(at).await,
        None => std::future::pending().await,
    }
}

/// The name the metrics count an operation under: its first root field. Clients choose
/// these, so anything but a short name counts as `other`.
fn root_field(request: &mut async_graphql::Request) -> String {
    let operation_name = request.operation_name.clone();
    let Ok(document) = request.parsed_query() else {
        return "invalid".to_owned();
    };
    let operation = match &document.operations {
        DocumentOperations::Single(operation) => Some(operation),
        DocumentOperations::Multiple(operations) => operation_name
            .as_deref()
            .and_then(|name| operations.iter().find(|(key, _)| key.as_str() == name))
            .map(|(_, operation)| operation),
    };
    let name = operation.and_then(
        |operation| match &operation.node.selection_set.node.items.first()?.node {
            Selection::Field(field) => Some(field.node.name.node.to_string()),
            _ => None,
        },
    );
    match name {
        Some(name) if name.len() <= 64 => name,
        _ => "other".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(items: &[Produced]) -> Vec<&'static str> {
        items
            .iter()
            .map(|item| match item {
                Produced::Result(_) => "result",
                Produced::End => "end",
                Produced::Panicked => "panicked",
            })
            .collect()
    }

    #[tokio::test]
    async fn an_operation_that_panics_yields_panicked_and_no_more_results() {
        let results = futures_util::stream::iter([0, 1]).map(|n| {
            assert!(n == 0, "the second result panics");
            async_graphql::Response::new(async_graphql::Value::Null)
        });
        let items: Vec<_> = produced(results).collect().await;
        assert_eq!(kinds(&items), ["result", "panicked", "end"]);
    }

    #[tokio::test]
    async fn an_operation_that_ends_yields_its_results_then_end() {
        let results = futures_util::stream::iter([0, 1])
            .map(|_| async_graphql::Response::new(async_graphql::Value::Null));
        let items: Vec<_> = produced(results).collect().await;
        assert_eq!(kinds(&items), ["result", "result", "end"]);
    }
}
