//! Traces over OTLP/HTTP from the real binary to a collector of the test's own: a span per
//! request with its request id and a span per SQL statement, and none of the request's
//! personal data anywhere in what is exported.

use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::routing::post;
use serde_json::json;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::process::Command;

use crate::serve::{free_address, wait_ready};
use crate::support::{PASSWORD, TestApp};

/// Starts a collector that keeps every body posted to `/v1/traces`: its base URL and the
/// bodies.
async fn collector() -> (String, Arc<Mutex<Vec<Bytes>>>) {
    let received = Arc::new(Mutex::new(Vec::new()));
    let kept = received.clone();
    let router = Router::new().route(
        "/v1/traces",
        post(move |body: Bytes| {
            let kept = kept.clone();
            async move {
                kept.lock().unwrap_or_else(PoisonError::into_inner).push(body);
                ""
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("a port for the collector");
    let address = listener.local_addr().expect("its address");
    tokio::spawn(async move { axum::serve(listener, router).await });
    (format!("http://{address}"), received)
}

/// Everything the collector got so far, as one byte string (OTLP/protobuf keeps strings as
/// they are, so names and values can be searched for).
fn exported(received: &Mutex<Vec<Bytes>>) -> Vec<u8> {
    received
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .iter()
        .flat_map(|body| body.to_vec())
        .collect()
}

fn contains(haystack: &[u8], needle: &str) -> bool {
    haystack
        .windows(needle.len())
        .any(|window| window == needle.as_bytes())
}

#[tokio::test(flavor = "multi_thread")]
async fn requests_and_statements_are_traced_without_personal_data() {
    let database = TestApp::new().await;
    let (endpoint, received) = collector().await;
    let address = free_address();
    let data_dir = std::env::temp_dir().join(format!("careergraph-telemetry-{}", std::process::id()));
    let mut server = Command::new(env!("CARGO_BIN_EXE_careergraph"))
        .env("DATABASE_URL", &database.database_url)
        .env("CAREERGRAPH_DATA_DIR", &data_dir)
        .env(
            "CAREERGRAPH_JWT_SECRET",
            "a secret of the telemetry test, 32+ bytes",
        )
        .env("CAREERGRAPH_BIND", &address)
        .env("CAREERGRAPH_OTLP_ENDPOINT", &endpoint)
        // Export every 100 ms rather than every 5 s.
        .env("OTEL_BSP_SCHEDULE_DELAY", "100")
        .stdout(std::process::Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .expect("the server binary starts");
    wait_ready(&address, &mut server).await;

    let email = "traced-person@example.com";
    let body = json!({
        "query": "mutation($input: SignUpInput!) { signUp(input: $input) { accessToken } }",
        "variables": { "input": { "email": email, "password": PASSWORD, "acceptTerms": true } },
    })
    .to_string();
    let mut stream = tokio::net::TcpStream::connect(&address).await.expect("connects");
    let request = format!(
        "POST /graphql HTTP/1.1\r\nhost: {address}\r\ncontent-type: application/json\r\n\
         x-request-id: trace-me-42\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(request.as_bytes()).await.expect("sent");
    let mut response = String::new();
    stream.read_to_string(&mut response).await.expect("answered");
    assert!(response.contains("accessToken"), "{response}");

    let mut spans = Vec::new();
    for _ in 0..150 {
        spans = exported(&received);
        if contains(&spans, "trace-me-42") && contains(&spans, "INSERT INTO") {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(contains(&spans, "careergraph"), "the service name");
    assert!(contains(&spans, "request"), "the request's span");
    assert!(contains(&spans, "trace-me-42"), "the request id");
    assert!(contains(&spans, "sql"), "a statement's span");
    assert!(contains(&spans, "db.statement"), "the statement's text");
    assert!(contains(&spans, "INSERT INTO"), "the sign-up's insert");
    for secret in [email, "traced-person", PASSWORD] {
        assert!(!contains(&spans, secret), "{secret} reached the traces");
    }
    let _ = server.kill().await;
    let _ = std::fs::remove_dir_all(&data_dir);
}
