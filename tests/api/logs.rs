//! No personal data in the logs (#15 item 3): the real binary at its most verbose filter
//! (`trace` for every crate), requests carrying an email, a name, a phone number, a password,
//! access and refresh tokens and free text over HTTP and a WebSocket, and none of them in what
//! it wrote to stderr, in plain text or hex-encoded.

use std::process::Stdio;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use serde_json::{Value, json};
use tokio::io::AsyncReadExt;
use tokio::process::Command;

use crate::serve::{free_address, http, wait_ready};
use crate::subscriptions::{connect, receive, send};
use crate::support::{PASSWORD, TestApp};

fn hex(text: &str) -> String {
    text.bytes().map(|byte| format!("{byte:02x}")).collect()
}

async fn graphql(address: &str, query: &str, variables: Value, token: Option<&str>) -> Value {
    let body = json!({ "query": query, "variables": variables }).to_string();
    let auth = token
        .map(|token| format!("authorization: Bearer {token}\r\n"))
        .unwrap_or_default();
    let mut stream = tokio::net::TcpStream::connect(address).await.expect("connects");
    let request = format!(
        "POST /graphql HTTP/1.1\r\nhost: {address}\r\ncontent-type: application/json\r\n{auth}\
         x-request-id: logged-request-7\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
        body.len()
    );
    tokio::io::AsyncWriteExt::write_all(&mut stream, request.as_bytes())
        .await
        .expect("sent");
    let mut response = String::new();
    stream.read_to_string(&mut response).await.expect("answered");
    let (_, body) = response.split_once("\r\n\r\n").expect("a body");
    serde_json::from_str(body).unwrap_or_else(|_| json!({ "raw": body }))
}

#[tokio::test(flavor = "multi_thread")]
async fn the_most_verbose_log_holds_no_personal_data() {
    let database = TestApp::new().await;
    let address = free_address();
    let data_dir = std::env::temp_dir().join(format!("careergraph-logs-{}", std::process::id()));
    let mut server = Command::new(env!("CARGO_BIN_EXE_careergraph"))
        .env("DATABASE_URL", &database.database_url)
        .env("CAREERGRAPH_DATA_DIR", &data_dir)
        .env(
            "CAREERGRAPH_JWT_SECRET",
            "a secret of the logs test, 32+ bytes long",
        )
        .env("CAREERGRAPH_BIND", &address)
        .env("CAREERGRAPH_LOG", "trace")
        .env("CAREERGRAPH_LOG_FORMAT", "text")
        .env_remove("RUST_LOG")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("the server binary starts");
    let log = Arc::new(Mutex::new(Vec::new()));
    let mut stderr = server.stderr.take().expect("stderr");
    let kept = log.clone();
    let reader = tokio::spawn(async move {
        let mut buffer = [0u8; 65536];
        while let Ok(read) = stderr.read(&mut buffer).await {
            if read == 0 {
                break;
            }
            kept.lock()
                .unwrap_or_else(PoisonError::into_inner)
                .extend_from_slice(&buffer[..read]);
        }
    });
    wait_ready(&address, &mut server).await;

    let email = "logged.person-5150@example.com";
    let name = "Zebulon Quetzalcoatl-Ferreira";
    let phone = "+44 20 7946 0958";
    let free_text = "Kept my sabbatical in Reykjavik quiet";
    let signed_up = graphql(
        &address,
        "mutation($i: SignUpInput!) { signUp(input: $i) { accessToken refreshToken } }",
        json!({ "i": { "email": email, "password": PASSWORD, "acceptTerms": true } }),
        None,
    )
    .await;
    let access = signed_up["data"]["signUp"]["accessToken"]
        .as_str()
        .unwrap_or_else(|| panic!("signed up: {signed_up}"))
        .to_owned();
    let refresh = signed_up["data"]["signUp"]["refreshToken"]
        .as_str()
        .expect("a refresh token")
        .to_owned();
    let updated = graphql(
        &address,
        "mutation($i: UpdateProfileInput!) { updateProfile(input: $i) { profile { fullName phone summary } } }",
        json!({ "i": { "fullName": name, "phone": phone, "summary": free_text } }),
        Some(&access),
    )
    .await;
    assert_eq!(
        updated["data"]["updateProfile"]["profile"]["fullName"], name,
        "{updated}"
    );
    // A failed sign-in with the same email, and a bad input echoing free text.
    let refused = graphql(
        &address,
        "mutation($i: CredentialsInput!) { signIn(input: $i) { accessToken } }",
        json!({ "i": { "email": email, "password": "not the password at all" } }),
        None,
    )
    .await;
    assert!(refused["errors"].is_array(), "{refused}");
    let read = graphql(
        &address,
        "query { viewer { email profile { fullName phone summary } } }",
        json!({}),
        Some(&access),
    )
    .await;
    assert_eq!(read["data"]["viewer"]["email"], email, "{read}");
    let refreshed = graphql(
        &address,
        "mutation($i: RefreshTokenInput!) { refreshSession(input: $i) { accessToken } }",
        json!({ "i": { "refreshToken": refresh } }),
        None,
    )
    .await;
    assert!(
        refreshed["data"]["refreshSession"]["accessToken"].is_string(),
        "{refreshed}"
    );
    // A GET whose URL carries the free text.
    let _ = http(
        &address,
        "GET",
        &format!(
            "/graphql?query=%7B__typename%7D&note={}",
            free_text.replace(' ', "+")
        ),
        None,
    )
    .await;
    // The token and free text over a WebSocket.
    let mut socket = connect(&address, "graphql-transport-ws").await;
    send(
        &mut socket,
        json!({ "type": "connection_init", "payload": { "Authorization": format!("Bearer {access}") } }),
    )
    .await;
    assert_eq!(
        receive(&mut socket).await.map(|m| m["type"].clone()),
        Some(json!("connection_ack"))
    );
    send(
        &mut socket,
        json!({ "id": "1", "type": "subscribe", "payload": {
            "query": "query($t: String!) { viewer { profile { summary } } __type(name: $t) { name } }",
            "variables": { "t": free_text }
        } }),
    )
    .await;
    let answered = receive(&mut socket).await.expect("an answer");
    assert_eq!(answered["type"], "next", "{answered}");
    assert!(answered.to_string().contains(free_text), "{answered}");
    drop(socket);

    tokio::time::sleep(Duration::from_millis(500)).await;
    let _ = server.kill().await;
    let _ = tokio::time::timeout(Duration::from_secs(5), reader).await;
    let log = String::from_utf8_lossy(&log.lock().unwrap_or_else(PoisonError::into_inner)).into_owned();
    // The filter did open the verbose levels (no library the server uses writes trace lines
    // once the ones that print people's data are held at info).
    assert!(
        log.contains("DEBUG"),
        "no debug lines: the test did not log verbosely"
    );
    assert!(log.contains("logged-request-7"), "the request id is logged");
    let local_part = email.split('@').next().unwrap_or_default();
    for secret in [
        email,
        local_part,
        name,
        "Quetzalcoatl",
        phone,
        "7946 0958",
        PASSWORD,
        &access,
        &refresh,
        free_text,
        "Reykjavik",
    ] {
        assert!(!log.contains(secret), "{secret:?} reached the log");
        assert!(
            !log.contains(&hex(secret)),
            "{secret:?} reached the log hex-encoded"
        );
    }
    let _ = std::fs::remove_dir_all(&data_dir);
}
