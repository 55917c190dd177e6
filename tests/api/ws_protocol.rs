//! graphql-transport-ws as PROTOCOL.md has it, checked frame by frame; keep-alive, limits,
//! metrics and the graceful close; and the stock `graphql-ws` client across a restart.

use std::sync::{Arc, OnceLock};
use std::time::Duration;

use careergraph::applications::events::EventHub;
use careergraph::config::Cli;
use careergraph::db::{self, StatementCounter};
use careergraph::http_server::ConnectionLimits;
use careergraph::ws::Sockets;
use careergraph::{AppState, app};
use clap::Parser;
use futures_util::{SinkExt, StreamExt};
use serde_json::{Value, json};
use tokio_tungstenite::tungstenite::Message;
use tokio_util::sync::CancellationToken;

use crate::applications::{application, transition};
use crate::serve::http;
use crate::subscriptions::{Socket, connect, receive, send};
use crate::support::{Account, JWT_SECRET, PASSWORD, TestApp, fresh_database};

/// One server copy on `database_url` with extra flags, and its sockets (to shut them down).
fn copy_on(database_url: &str, args: &[&str]) -> (TestApp, Arc<Sockets>) {
    let mut argv = vec!["careergraph"];
    argv.extend_from_slice(args);
    let settings = Cli::parse_from(argv).settings;
    let statements = StatementCounter::default();
    let pool = db::pool(database_url, 4, statements.clone()).expect("pool");
    let events = EventHub::start(database_url, settings.event_buffer as usize);
    let state = AppState::new(pool, statements.clone(), events, &settings, JWT_SECRET);
    let sockets = state.ws.clone();
    let app = TestApp {
        router: app(state),
        statements,
        database_url: database_url.to_owned(),
    };
    (app, sockets)
}

/// Serves `app` through the server's own connection loop (which tells the router each
/// client's address) until `stop`; its address.
pub async fn serve_copy(app: &TestApp, stop: CancellationToken) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("a free port");
    let address = listener.local_addr().expect("address").to_string();
    let limits = ConnectionLimits {
        max_connections: 10_000,
        header_timeout: Duration::from_secs(10),
        shutdown_grace: Duration::from_secs(5),
    };
    tokio::spawn(careergraph::http_server::serve(
        listener,
        app.router.clone(),
        limits,
        stop.cancelled_owned(),
    ));
    address
}

/// A server shared by this module's tests: on a runtime of its own, since each test's runtime
/// ends with the test.
fn background(args: &'static [&'static str]) -> String {
    let (sender, receiver) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Runtime::new().expect("a runtime");
        runtime.block_on(async move {
            let (app, _sockets) = copy_on(&fresh_database().await, args);
            sender.send(serve_copy(&app, CancellationToken::new()).await).ok();
            std::future::pending::<()>().await;
        });
    });
    receiver.recv().expect("the shared server starts")
}

/// Default limits, a one-second init timeout and a 4 KiB message limit.
fn protocol_server() -> &'static str {
    static ADDRESS: OnceLock<String> = OnceLock::new();
    ADDRESS.get_or_init(|| background(&["--ws-init-timeout", "1", "--ws-max-message-bytes", "4096"]))
}

/// Pings every second, and a second to answer.
fn keepalive_server() -> &'static str {
    static ADDRESS: OnceLock<String> = OnceLock::new();
    ADDRESS.get_or_init(|| background(&["--ws-ping-interval", "1", "--ws-pong-timeout", "1"]))
}

/// Two sockets per user, two operations per socket.
fn limits_server() -> &'static str {
    static ADDRESS: OnceLock<String> = OnceLock::new();
    ADDRESS.get_or_init(|| background(&["--ws-max-per-user", "2", "--ws-max-subscriptions", "2"]))
}

/// Three sockets per address.
fn per_ip_server() -> &'static str {
    static ADDRESS: OnceLock<String> = OnceLock::new();
    ADDRESS.get_or_init(|| background(&["--ws-max-per-ip", "3"]))
}

/// Signs up over HTTP (a shared server's pool lives on the server's runtime); the token.
async fn sign_up_at(address: &str, email: &str) -> String {
    let body = json!({
        "query": "mutation($i: SignUpInput!) { signUp(input: $i) { accessToken } }",
        "variables": { "i": { "email": email, "password": PASSWORD, "acceptTerms": true } }
    });
    let (status, body) = http(address, "POST", "/graphql", Some(&body))
        .await
        .expect("signUp answered");
    assert_eq!(status, 200, "{body}");
    let response: Value = serde_json::from_str(&body).unwrap_or_default();
    response["data"]["signUp"]["accessToken"]
        .as_str()
        .unwrap_or_else(|| panic!("no token: {body}"))
        .to_owned()
}

async fn send_text(socket: &mut Socket, text: &str) {
    socket.send(Message::text(text)).await.expect("sent");
}

/// The close frame's code and reason, skipping whatever comes before it.
async fn closed(socket: &mut Socket) -> (u16, String) {
    let frame = tokio::time::timeout(Duration::from_secs(5), async {
        while let Some(message) = socket.next().await {
            match message {
                Ok(Message::Close(frame)) => return frame,
                Ok(_) => {}
                Err(error) => panic!("the connection failed instead of closing: {error}"),
            }
        }
        None
    })
    .await
    .expect("closed within 5 s")
    .expect("a close frame with a code");
    (u16::from(frame.code), frame.reason.to_string())
}

async fn acked(address: &str, token: Option<&str>) -> Socket {
    let mut socket = connect(address, "graphql-transport-ws").await;
    let payload = match token {
        Some(token) => json!({ "Authorization": format!("Bearer {token}") }),
        None => json!({}),
    };
    send(
        &mut socket,
        json!({ "type": "connection_init", "payload": payload }),
    )
    .await;
    assert_eq!(
        receive(&mut socket).await.map(|m| m["type"].clone()),
        Some(json!("connection_ack"))
    );
    socket
}

const HEARTBEAT: &str = "subscription { heartbeat(intervalSeconds: 1) }";

fn subscribe_message(id: &str) -> Value {
    json!({ "id": id, "type": "subscribe", "payload": { "query": HEARTBEAT } })
}

#[tokio::test(flavor = "multi_thread")]
async fn invalid_messages_close_with_4400() {
    let address = protocol_server();
    for (text, why) in [
        ("{not json", "bad JSON"),
        (
            r#"{"type":"start","id":"1","payload":{"query":"{ __typename }"}}"#,
            "a legacy type",
        ),
        (r#"{"type":"what"}"#, "an unknown type"),
        (
            r#"{"type":"connection_init","payload":"a string"}"#,
            "a payload that is no object",
        ),
        (r#"{"type":"subscribe","id":"1"}"#, "a subscribe without payload"),
    ] {
        let mut socket = connect(address, "graphql-transport-ws").await;
        send_text(&mut socket, text).await;
        let (code, reason) = closed(&mut socket).await;
        assert_eq!(code, 4400, "{why}: {reason}");
    }
    let mut socket = acked(address, None).await;
    send(
        &mut socket,
        json!({ "id": "", "type": "subscribe", "payload": { "query": HEARTBEAT } }),
    )
    .await;
    assert_eq!(closed(&mut socket).await.0, 4400, "an empty id");
}

#[tokio::test(flavor = "multi_thread")]
async fn subscribe_before_the_ack_closes_with_4401() {
    let mut socket = connect(protocol_server(), "graphql-transport-ws").await;
    send(&mut socket, subscribe_message("1")).await;
    assert_eq!(closed(&mut socket).await, (4401, "Unauthorized".to_owned()));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_forged_token_closes_with_4403() {
    let mut socket = connect(protocol_server(), "graphql-transport-ws").await;
    send(
        &mut socket,
        json!({ "type": "connection_init", "payload": { "Authorization": "Bearer forged" } }),
    )
    .await;
    let (code, reason) = closed(&mut socket).await;
    assert_eq!(code, 4403, "{reason}");
    assert!(reason.starts_with("Forbidden"), "{reason}");
}

#[tokio::test(flavor = "multi_thread")]
async fn no_connection_init_within_the_timeout_closes_with_4408() {
    let mut socket = connect(protocol_server(), "graphql-transport-ws").await;
    let started = std::time::Instant::now();
    assert_eq!(
        closed(&mut socket).await,
        (4408, "Connection initialisation timeout".to_owned())
    );
    let waited = started.elapsed();
    assert!(
        waited >= Duration::from_millis(900) && waited < Duration::from_secs(3),
        "closed after {waited:?} with a 1 s timeout"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_taken_id_closes_with_4409_and_a_completed_one_is_free_again() {
    let address = protocol_server();
    let mut socket = acked(address, None).await;
    send(&mut socket, subscribe_message("1")).await;
    assert_eq!(receive(&mut socket).await.expect("next")["type"], "next");
    send(&mut socket, json!({ "id": "1", "type": "complete" })).await;
    send(&mut socket, subscribe_message("1")).await;
    let message = receive(&mut socket).await.expect("next");
    assert_eq!(
        (message["type"].clone(), message["id"].clone()),
        (json!("next"), json!("1"))
    );
    send(&mut socket, subscribe_message("1")).await;
    assert_eq!(
        closed(&mut socket).await,
        (4409, "Subscriber for 1 already exists".to_owned())
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_second_connection_init_closes_with_4429() {
    let mut socket = acked(protocol_server(), None).await;
    send(&mut socket, json!({ "type": "connection_init" })).await;
    assert_eq!(
        closed(&mut socket).await,
        (4429, "Too many initialisation requests".to_owned())
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn close_reasons_are_cut_to_123_bytes_at_a_character_boundary() {
    let address = protocol_server();
    // "Subscriber for a" is 16 bytes, each "ü" two more: 123 bytes falls inside one.
    let id = format!("a{}", "ü".repeat(200));
    let mut socket = acked(address, None).await;
    send(&mut socket, subscribe_message(&id)).await;
    send(&mut socket, subscribe_message(&id)).await;
    let (code, reason) = closed(&mut socket).await;
    assert_eq!(code, 4409);
    assert_eq!(reason.len(), 122, "{reason}");
    assert!(format!("Subscriber for {id} already exists").starts_with(&reason));

    // A parse error quoting a long line.
    let mut socket = connect(address, "graphql-transport-ws").await;
    send_text(&mut socket, &format!(r#"{{"type":"{}"}}"#, "x".repeat(500))).await;
    let (code, reason) = closed(&mut socket).await;
    assert_eq!(code, 4400);
    assert!(reason.len() <= 123, "{} bytes", reason.len());
}

#[tokio::test(flavor = "multi_thread")]
async fn pings_get_pongs_before_and_after_the_ack() {
    let address = protocol_server();
    let mut socket = connect(address, "graphql-transport-ws").await;
    send(&mut socket, json!({ "type": "ping" })).await;
    let pong = next_json(&mut socket).await;
    assert_eq!(pong, json!({ "type": "pong" }));
    send(&mut socket, json!({ "type": "connection_init" })).await;
    assert_eq!(next_json(&mut socket).await["type"], "connection_ack");
    send(&mut socket, json!({ "type": "ping", "payload": { "n": 1 } })).await;
    assert_eq!(
        next_json(&mut socket).await,
        json!({ "type": "pong", "payload": { "n": 1 } })
    );
    // An unsolicited pong is allowed and answered with nothing.
    send(&mut socket, json!({ "type": "pong" })).await;
    send(&mut socket, json!({ "type": "ping" })).await;
    assert_eq!(next_json(&mut socket).await, json!({ "type": "pong" }));
}

/// The next text message, pings included.
async fn next_json(socket: &mut Socket) -> Value {
    loop {
        let message = tokio::time::timeout(Duration::from_secs(5), socket.next())
            .await
            .expect("a message within 5 s")
            .expect("open")
            .expect("a message");
        if let Message::Text(text) = message {
            return serde_json::from_str(&text).expect("json");
        }
        if let Message::Close(frame) = message {
            panic!("closed: {frame:?}");
        }
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_message_over_the_size_limit_closes_with_1009() {
    let mut socket = acked(protocol_server(), None).await;
    let query = format!(
        "subscription {{ heartbeat(intervalSeconds: 1) }} # {}",
        "x".repeat(5000)
    );
    send(
        &mut socket,
        json!({ "id": "1", "type": "subscribe", "payload": { "query": query } }),
    )
    .await;
    assert_eq!(closed(&mut socket).await.0, 1009);
}

#[tokio::test(flavor = "multi_thread")]
async fn the_server_pings_and_closes_a_client_that_does_not_answer() {
    let address = keepalive_server();
    // One that answers every ping stays past several rounds.
    let mut lively = acked(address, None).await;
    let started = std::time::Instant::now();
    let mut pings = 0;
    while started.elapsed() < Duration::from_millis(3500) {
        let message = next_json(&mut lively).await;
        assert_eq!(message["type"], "ping", "{message}");
        pings += 1;
        send(&mut lively, json!({ "type": "pong" })).await;
    }
    assert!(pings >= 2, "{pings} pings in 3.5 s at one a second");
    send(&mut lively, subscribe_message("1")).await;
    assert_eq!(receive(&mut lively).await.expect("still open")["type"], "next");

    // One that reads nothing (so does not even answer WebSocket pings) is closed a second
    // after the first unanswered ping.
    let mut silent = acked(address, None).await;
    tokio::time::sleep(Duration::from_millis(2500)).await;
    let (code, reason) = closed(&mut silent).await;
    assert_eq!(code, 1001, "{reason}");
    assert!(reason.contains("ping"), "{reason}");

    // One that only reads is kept by its WebSocket layer's answers to the pings.
    let mut reading = acked(address, None).await;
    let started = std::time::Instant::now();
    while started.elapsed() < Duration::from_secs(3) {
        let message = next_json(&mut reading).await;
        assert_eq!(message["type"], "ping", "{message}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn sockets_per_user_and_operations_per_socket_are_limited() {
    let address = limits_server();
    let token = sign_up_at(address, "ws-limits@example.com").await;
    let mut first = acked(address, Some(&token)).await;
    let second = acked(address, Some(&token)).await;
    let mut third = connect(address, "graphql-transport-ws").await;
    send(
        &mut third,
        json!({ "type": "connection_init", "payload": { "Authorization": format!("Bearer {token}") } }),
    )
    .await;
    assert_eq!(
        closed(&mut third).await,
        (1008, "at most 2 WebSockets per user".to_owned())
    );
    // Another user is not held back by this one.
    let other = sign_up_at(address, "ws-limits-other@example.com").await;
    acked(address, Some(&other)).await;

    send(&mut first, subscribe_message("a")).await;
    send(&mut first, subscribe_message("b")).await;
    send(&mut first, subscribe_message("c")).await;
    let refused = loop {
        let message = receive(&mut first).await.expect("open");
        if message["type"] == "error" {
            break message;
        }
    };
    assert_eq!(refused["id"], "c", "{refused}");
    assert_eq!(
        refused["payload"][0]["extensions"]["code"], "BAD_USER_INPUT",
        "{refused}"
    );
    // The socket stays usable: completing one makes room.
    send(&mut first, json!({ "id": "a", "type": "complete" })).await;
    send(&mut first, subscribe_message("c")).await;
    let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
    loop {
        let message = tokio::time::timeout_at(deadline, receive(&mut first))
            .await
            .expect("c's result within 5 s")
            .expect("open");
        assert_ne!(message["type"], "error", "{message}");
        if message["id"] == "c" {
            break;
        }
    }

    // A place is given back when its socket closes.
    drop(second);
    tokio::time::sleep(Duration::from_millis(300)).await;
    acked(address, Some(&token)).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn sockets_per_address_are_limited() {
    let address = per_ip_server();
    let mut held = Vec::new();
    for _ in 0..3 {
        held.push(connect(address, "graphql-transport-ws").await);
    }
    assert_eq!(upgrade_status(address).await, Some(429));
    held.pop();
    tokio::time::sleep(Duration::from_millis(300)).await;
    held.push(connect(address, "graphql-transport-ws").await);
}

/// The HTTP status a graphql-transport-ws upgrade gets when it is refused.
async fn upgrade_status(address: &str) -> Option<u16> {
    let mut request = tokio_tungstenite::tungstenite::client::IntoClientRequest::into_client_request(
        format!("ws://{address}/graphql/ws"),
    )
    .expect("request");
    request.headers_mut().insert(
        "sec-websocket-protocol",
        "graphql-transport-ws".parse().expect("header"),
    );
    match tokio_tungstenite::connect_async(request).await {
        Err(tokio_tungstenite::tungstenite::Error::Http(response)) => Some(response.status().as_u16()),
        _ => None,
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn the_legacy_protocol_keeps_alive_confirms_stops_and_refuses_forged_tokens() {
    let address = keepalive_server();
    let mut socket = connect(address, "graphql-ws").await;
    send(&mut socket, json!({ "type": "connection_init", "payload": {} })).await;
    assert_eq!(next_json(&mut socket).await["type"], "connection_ack");
    send(
        &mut socket,
        json!({ "id": "7", "type": "start", "payload": { "query": HEARTBEAT } }),
    )
    .await;
    let (mut keep_alives, mut data) = (0, 0);
    let started = std::time::Instant::now();
    while started.elapsed() < Duration::from_millis(2500) {
        let message = next_json(&mut socket).await;
        match message["type"].as_str() {
            Some("ka") => keep_alives += 1,
            Some("data") => data += 1,
            _ => panic!("unexpected: {message}"),
        }
    }
    assert!(keep_alives >= 1 && data >= 1, "{keep_alives} ka, {data} data");
    send(&mut socket, json!({ "id": "7", "type": "stop" })).await;
    loop {
        let message = next_json(&mut socket).await;
        if message["type"] == "complete" {
            assert_eq!(message["id"], "7");
            break;
        }
    }
    // graphql-transport-ws's types are not the legacy protocol's.
    send(
        &mut socket,
        json!({ "id": "8", "type": "subscribe", "payload": { "query": HEARTBEAT } }),
    )
    .await;
    assert_eq!(closed(&mut socket).await.0, 4400);

    let mut forged = connect(address, "graphql-ws").await;
    send(
        &mut forged,
        json!({ "type": "connection_init", "payload": { "Authorization": "Bearer forged" } }),
    )
    .await;
    assert_eq!(next_json(&mut forged).await["type"], "connection_error");
    assert_eq!(closed(&mut forged).await.0, 4403);
}

fn metric(text: &str, name: &str) -> u64 {
    text.lines()
        .find_map(|line| line.strip_prefix(name)?.strip_prefix(' ')?.parse().ok())
        .unwrap_or(0)
}

/// `/metrics` once `ready` holds of it, or as it is after 5 s (for the caller's assertions to
/// report): the server counts a message after the client has sent it, so one read may come
/// first.
async fn metrics_when(address: &str, ready: impl Fn(&str) -> bool) -> String {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
    loop {
        let (status, text) = http(address, "GET", "/metrics", None).await.expect("metrics");
        assert_eq!(status, 200, "{text}");
        if ready(&text) || tokio::time::Instant::now() >= deadline {
            return text;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

const HEARTBEATS: &str = "careergraph_ws_active_subscriptions{name=\"heartbeat\"}";

#[tokio::test(flavor = "multi_thread")]
async fn metrics_count_sockets_subscriptions_events_and_closes() {
    let (app, _sockets) = copy_on(&fresh_database().await, &[]);
    let address = serve_copy(&app, CancellationToken::new()).await;
    let mut one = acked(&address, None).await;
    let mut two = acked(&address, None).await;
    send(&mut one, subscribe_message("1")).await;
    send(&mut two, subscribe_message("1")).await;
    send(&mut two, json!({ "id": "2", "type": "subscribe", "payload": { "query": "subscription { heartbeat(intervalSeconds: 300) }" } })).await;
    for socket in [&mut one, &mut two] {
        assert_eq!(receive(socket).await.expect("next")["type"], "next");
    }
    let text = metrics_when(&address, |text| metric(text, HEARTBEATS) == 3).await;
    assert_eq!(metric(&text, "careergraph_ws_open_sockets"), 2, "{text}");
    assert_eq!(metric(&text, HEARTBEATS), 3, "{text}");
    assert!(
        metric(&text, "careergraph_ws_events_delivered_total") >= 2,
        "{text}"
    );

    send(&mut two, json!({ "type": "connection_init" })).await;
    assert_eq!(closed(&mut two).await.0, 4429);
    drop(two);
    let text = metrics_when(&address, |text| {
        metric(text, "careergraph_ws_open_sockets") == 1 && metric(text, HEARTBEATS) == 1
    })
    .await;
    assert_eq!(metric(&text, "careergraph_ws_open_sockets"), 1, "{text}");
    assert_eq!(metric(&text, HEARTBEATS), 1, "{text}");
    assert_eq!(
        metric(&text, "careergraph_ws_closes_total{code=\"4429\"}"),
        1,
        "{text}"
    );
    assert_eq!(metric(&text, "careergraph_ws_events_dropped_total"), 0, "{text}");
    assert!(
        text.contains("\ncareergraph_subscription_events_missed_total 0\n"),
        "{text}"
    );
}

/// Statuses of the events that arrive within `wait` (and the last cursor), stopping at a close.
async fn statuses_until_close(socket: &mut Socket, wait: Duration) -> (Vec<String>, Option<u16>) {
    let mut statuses = Vec::new();
    let deadline = tokio::time::Instant::now() + wait;
    loop {
        let message = match tokio::time::timeout_at(deadline, socket.next()).await {
            Ok(Some(Ok(message))) => message,
            Ok(_) | Err(_) => return (statuses, None),
        };
        match message {
            Message::Text(text) => {
                let value: Value = serde_json::from_str(&text).expect("json");
                let event = &value["payload"]["data"]["applicationStatusChanged"];
                // The application's creation may still be on its way when the subscription
                // starts.
                if value["type"] == "next" && event["toStatus"] != "DRAFT" {
                    statuses.push(format!(
                        "{}@{}",
                        event["toStatus"].as_str().unwrap_or("?"),
                        event["cursor"].as_str().unwrap_or("?")
                    ));
                }
            }
            Message::Close(frame) => return (statuses, frame.map(|f| u16::from(f.code))),
            _ => {}
        }
    }
}

const STATUS: &str =
    "subscription($after: String) { applicationStatusChanged(after: $after) { cursor toStatus } }";

async fn status_socket(address: &str, who: &Account, after: Option<&str>) -> Socket {
    let mut socket = acked(address, Some(&who.access_token)).await;
    send(&mut socket, json!({ "id": "s", "type": "subscribe", "payload": { "query": STATUS, "variables": { "after": after } } })).await;
    socket
}

#[tokio::test(flavor = "multi_thread")]
async fn shutdown_sends_what_is_ready_closes_with_1001_and_another_copy_resumes() {
    let database = fresh_database().await;
    let (a, a_sockets) = copy_on(&database, &[]);
    let (b, _) = copy_on(&database, &[]);
    let stop_a = CancellationToken::new();
    let a_address = serve_copy(&a, stop_a.clone()).await;
    let b_address = serve_copy(&b, CancellationToken::new()).await;
    let me = a.sign_up("ws-restart@example.com").await;
    let id = application(&a, &me).await;
    let mut socket = status_socket(&a_address, &me, None).await;
    tokio::time::sleep(Duration::from_millis(200)).await;
    for to in ["GENERATED", "SUBMITTED", "SCREENING"] {
        moved(&b, &me, &id, to).await;
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    a_sockets.shut_down();
    // Once shutting down, a copy refuses new sockets, even on a connection it still serves.
    assert_eq!(upgrade_status(&a_address).await, Some(503));
    stop_a.cancel();
    let (before, code) = statuses_until_close(&mut socket, Duration::from_secs(5)).await;
    assert_eq!(code, Some(1001), "{before:?}");
    let started = std::time::Instant::now();
    while tokio::net::TcpStream::connect(&a_address).await.is_ok() {
        assert!(
            started.elapsed() < Duration::from_secs(2),
            "copy A still accepts connections"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    tokio::time::timeout(Duration::from_secs(5), a_sockets.closed())
        .await
        .expect("every socket of copy A closed");

    let last = before
        .last()
        .and_then(|s| s.split_once('@'))
        .map(|(_, cursor)| cursor.to_owned());
    moved(&b, &me, &id, "INTERVIEWING").await;
    let mut resumed = status_socket(&b_address, &me, last.as_deref()).await;
    let (after, _) = statuses_until_close(&mut resumed, Duration::from_secs(3)).await;
    let statuses: Vec<&str> = before
        .iter()
        .chain(&after)
        .filter_map(|s| s.split('@').next())
        .collect();
    assert_eq!(statuses, ["GENERATED", "SUBMITTED", "SCREENING", "INTERVIEWING"]);
}

/// Where the pinned graphql-ws client lives; `npm ci` there when it is not installed yet
/// (`.ci/run` does it too).
fn client_dir() -> std::path::PathBuf {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/clients/ws");
    if !dir.join("node_modules/graphql-ws").exists() {
        let status = std::process::Command::new("npm")
            .args(["ci", "--no-audit", "--no-fund"])
            .current_dir(&dir)
            .status()
            .expect("npm runs");
        assert!(status.success(), "npm ci failed in {}", dir.display());
    }
    dir
}

type Lines = tokio::io::Lines<tokio::io::BufReader<tokio::process::ChildStdout>>;

/// Reads the client's lines until the event moving to `until`: the statuses it received and
/// the URLs it connected to.
async fn client_until(
    lines: &mut Lines,
    statuses: &mut Vec<String>,
    connected: &mut Vec<String>,
    until: &str,
) {
    loop {
        let line = tokio::time::timeout(Duration::from_secs(15), lines.next_line())
            .await
            .expect("the client says something within 15 s")
            .expect("stdout readable")
            .expect("the client is running");
        let line: Value = serde_json::from_str(&line).unwrap_or_else(|_| panic!("not JSON: {line}"));
        if let Some(url) = line["connected"].as_str() {
            connected.push(url.to_owned());
        } else if let Some(event) = line["next"]["data"]["applicationStatusChanged"].as_object() {
            let status = event["toStatus"].as_str().unwrap_or("?").to_owned();
            // The application's creation may still be on its way when the client subscribes.
            if status != "DRAFT" {
                statuses.push(status.clone());
            }
            if status == until {
                return;
            }
        } else if line.get("closed").is_none() {
            panic!("unexpected from the client: {line}");
        }
    }
}

async fn moved(app: &TestApp, who: &Account, id: &str, to: &str) {
    let response = transition(app, who, id, to).await;
    assert!(response.get("errors").is_none(), "{response}");
}

#[tokio::test(flavor = "multi_thread")]
async fn the_graphql_ws_client_reconnects_to_another_copy_and_gets_every_event_once() {
    use tokio::io::AsyncBufReadExt;

    let dir = client_dir();
    let database = fresh_database().await;
    let (a, a_sockets) = copy_on(&database, &[]);
    let (b, _) = copy_on(&database, &[]);
    let stop_a = CancellationToken::new();
    let a_address = serve_copy(&a, stop_a.clone()).await;
    let b_address = serve_copy(&b, CancellationToken::new()).await;
    let me = a.sign_up("ws-client@example.com").await;
    let id = application(&a, &me).await;
    let (a_url, b_url) = (
        format!("ws://{a_address}/graphql/ws"),
        format!("ws://{b_address}/graphql/ws"),
    );

    let mut client = tokio::process::Command::new("node")
        .arg(dir.join("status-subscriber.mjs"))
        .env("WS_URLS", format!("{a_url},{b_url}"))
        .env("WS_TOKEN", &me.access_token)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("node starts");
    let mut lines = tokio::io::BufReader::new(client.stdout.take().expect("stdout")).lines();
    let (mut statuses, mut connected) = (Vec::new(), Vec::new());

    let started = std::time::Instant::now();
    while !a_sockets
        .metrics()
        .contains("careergraph_ws_active_subscriptions{name=\"applicationStatusChanged\"} 1")
    {
        assert!(
            started.elapsed() < Duration::from_secs(15),
            "the client never subscribed"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    // Events written by either copy reach the client through copy A.
    moved(&a, &me, &id, "GENERATED").await;
    moved(&b, &me, &id, "SUBMITTED").await;
    client_until(&mut lines, &mut statuses, &mut connected, "SUBMITTED").await;

    // Copy A goes away with an event on its way; the client moves to B and resumes there.
    moved(&b, &me, &id, "SCREENING").await;
    a_sockets.shut_down();
    stop_a.cancel();
    for to in ["INTERVIEWING", "OFFER", "ACCEPTED"] {
        moved(&b, &me, &id, to).await;
    }
    client_until(&mut lines, &mut statuses, &mut connected, "ACCEPTED").await;

    assert_eq!(
        statuses,
        [
            "GENERATED",
            "SUBMITTED",
            "SCREENING",
            "INTERVIEWING",
            "OFFER",
            "ACCEPTED"
        ],
        "every event exactly once, in order"
    );
    assert_eq!(connected, [a_url, b_url]);
    drop(client.stdin.take());
}
