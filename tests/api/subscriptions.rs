//! Subscriptions over /graphql/ws with both WebSocket sub-protocols.

use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use serde_json::{Value, json};
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;

use crate::support::TestApp;

pub type Socket =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

/// Serves the app's router on a loopback port; its address.
pub async fn serve(app: &TestApp) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("a free port");
    let address = listener.local_addr().expect("address").to_string();
    let router = app.router.clone();
    tokio::spawn(async move { axum::serve(listener, router).await });
    address
}

pub async fn connect(address: &str, protocol: &str) -> Socket {
    let mut request = format!("ws://{address}/graphql/ws")
        .into_client_request()
        .expect("request");
    request
        .headers_mut()
        .insert("sec-websocket-protocol", protocol.parse().expect("header"));
    let (socket, response) = tokio_tungstenite::connect_async(request)
        .await
        .expect("websocket connects");
    let chosen = response
        .headers()
        .get("sec-websocket-protocol")
        .and_then(|v| v.to_str().ok());
    assert_eq!(chosen, Some(protocol));
    socket
}

pub async fn send(socket: &mut Socket, message: Value) {
    socket
        .send(Message::text(message.to_string()))
        .await
        .expect("sent");
}

/// The next JSON message that is not a keep-alive; None when the server closed.
pub async fn receive(socket: &mut Socket) -> Option<Value> {
    loop {
        let message = tokio::time::timeout(Duration::from_secs(10), socket.next())
            .await
            .expect("a message within 10 s")?;
        match message.ok()? {
            Message::Text(text) => {
                let value: Value = serde_json::from_str(&text).expect("json message");
                if value["type"] != "ka" && value["type"] != "ping" {
                    return Some(value);
                }
            }
            Message::Close(_) => return None,
            _ => {}
        }
    }
}

const HEARTBEAT: &str = "subscription { heartbeat(intervalSeconds: 1) }";

#[tokio::test(flavor = "multi_thread")]
async fn heartbeat_over_graphql_transport_ws() {
    let app = TestApp::new().await;
    let address = serve(&app).await;
    let mut socket = connect(&address, "graphql-transport-ws").await;
    send(&mut socket, json!({ "type": "connection_init", "payload": {} })).await;
    assert_eq!(
        receive(&mut socket).await.map(|m| m["type"].clone()),
        Some(json!("connection_ack"))
    );
    send(
        &mut socket,
        json!({ "id": "1", "type": "subscribe", "payload": { "query": HEARTBEAT } }),
    )
    .await;
    for _ in 0..2 {
        let message = receive(&mut socket).await.expect("next");
        assert_eq!(message["type"], "next", "{message}");
        assert_eq!(message["id"], "1");
        let time = message["payload"]["data"]["heartbeat"]
            .as_str()
            .unwrap_or_default();
        assert!(chrono::DateTime::parse_from_rfc3339(time).is_ok(), "{message}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn heartbeat_over_legacy_graphql_ws() {
    let app = TestApp::new().await;
    let address = serve(&app).await;
    let mut socket = connect(&address, "graphql-ws").await;
    send(&mut socket, json!({ "type": "connection_init", "payload": {} })).await;
    assert_eq!(
        receive(&mut socket).await.map(|m| m["type"].clone()),
        Some(json!("connection_ack"))
    );
    send(
        &mut socket,
        json!({ "id": "7", "type": "start", "payload": { "query": HEARTBEAT } }),
    )
    .await;
    let message = receive(&mut socket).await.expect("data");
    assert_eq!(message["type"], "data", "{message}");
    assert!(message["payload"]["data"]["heartbeat"].is_string());
}

#[tokio::test(flavor = "multi_thread")]
async fn a_bad_token_in_connection_init_closes_the_connection() {
    let app = TestApp::new().await;
    let address = serve(&app).await;
    let mut socket = connect(&address, "graphql-transport-ws").await;
    send(
        &mut socket,
        json!({ "type": "connection_init", "payload": { "Authorization": "Bearer forged" } }),
    )
    .await;
    let answer = receive(&mut socket).await;
    assert!(
        answer.is_none(),
        "expected the connection to close, got {answer:?}"
    );

    let mut legacy = connect(&address, "graphql-ws").await;
    send(
        &mut legacy,
        json!({ "type": "connection_init", "payload": { "Authorization": "Bearer forged" } }),
    )
    .await;
    let answer = receive(&mut legacy).await;
    assert_eq!(answer.map(|m| m["type"].clone()), Some(json!("connection_error")));
}
