//! The real binary: `careergraph serve` with the embedded database, over real TCP.

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::process::{Child, Command};

use crate::support::PASSWORD;

/// One HTTP/1.1 request on a fresh connection; (status, body).
pub async fn http(address: &str, method: &str, path: &str, body: Option<&Value>) -> Option<(u16, String)> {
    let mut stream = tokio::net::TcpStream::connect(address).await.ok()?;
    let body = body.map(Value::to_string).unwrap_or_default();
    let request = format!(
        "{method} {path} HTTP/1.1\r\nhost: {address}\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(request.as_bytes()).await.ok()?;
    let mut response = String::new();
    stream.read_to_string(&mut response).await.ok()?;
    let status = response.split(' ').nth(1)?.parse().ok()?;
    let (_, body) = response.split_once("\r\n\r\n")?;
    Some((status, body.to_owned()))
}

pub fn free_address() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("a free port");
    listener.local_addr().expect("address").to_string()
}

fn start(data_dir: &Path, address: &str) -> Child {
    Command::new(env!("CARGO_BIN_EXE_careergraph"))
        .env_remove("DATABASE_URL")
        .env("CAREERGRAPH_DATA_DIR", data_dir)
        .env("CAREERGRAPH_BIND", address)
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .kill_on_drop(true)
        .spawn()
        .expect("the server binary starts")
}

pub async fn wait_ready(address: &str, server: &mut Child) {
    for _ in 0..600 {
        if let Some((200, _)) = http(address, "GET", "/health/ready", None).await {
            return;
        }
        if let Ok(Some(status)) = server.try_wait() {
            panic!("the server exited while starting: {status}");
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("the server was not ready within 60 s");
}

async fn terminate(mut server: Child) {
    let pid = server.id().expect("running") as i32;
    // SAFETY: signals the child we spawned.
    unsafe { libc::kill(pid, libc::SIGTERM) };
    let status = tokio::time::timeout(Duration::from_secs(60), server.wait())
        .await
        .expect("the server stops within 60 s of SIGTERM")
        .expect("exit status");
    assert!(status.success(), "the server exited with {status}");
}

fn postmaster_pid(data_dir: &Path) -> Option<i32> {
    let text = std::fs::read_to_string(data_dir.join("postgres/postmaster.pid")).ok()?;
    text.lines().next()?.trim().parse().ok()
}

fn alive(pid: i32) -> bool {
    // SAFETY: signal 0 only checks that the process exists.
    unsafe { libc::kill(pid, 0) == 0 }
}

#[tokio::test(flavor = "multi_thread")]
async fn serve_runs_the_embedded_database_keeps_data_and_stops_it_on_sigterm() {
    let data_dir: PathBuf = std::env::temp_dir().join(format!("careergraph-serve-{}", std::process::id()));
    std::fs::remove_dir_all(&data_dir).ok();
    let address = free_address();

    let mut server = start(&data_dir, &address);
    wait_ready(&address, &mut server).await;
    let sign_up = json!({
        "query": "mutation($i: SignUpInput!) { signUp(input: $i) { user { email } } }",
        "variables": { "i": { "email": "persist@example.com", "password": PASSWORD, "acceptTerms": true } }
    });
    let (status, body) = http(&address, "POST", "/graphql", Some(&sign_up))
        .await
        .expect("signUp answered");
    assert_eq!(status, 200);
    assert!(body.contains("persist@example.com"), "{body}");

    let postgres = postmaster_pid(&data_dir).expect("the embedded PostgreSQL is running");
    assert!(alive(postgres));
    terminate(server).await;
    assert!(
        !alive(postgres),
        "PostgreSQL {postgres} still runs after the server stopped"
    );
    assert_eq!(
        postmaster_pid(&data_dir),
        None,
        "PostgreSQL did not shut down cleanly"
    );

    // Started again on the same data directory: the account is still there.
    let mut server = start(&data_dir, &address);
    wait_ready(&address, &mut server).await;
    let sign_in = json!({
        "query": "mutation($i: CredentialsInput!) { signIn(input: $i) { user { email loginCount } } }",
        "variables": { "i": { "email": "persist@example.com", "password": PASSWORD } }
    });
    let (status, body) = http(&address, "POST", "/graphql", Some(&sign_in))
        .await
        .expect("signIn answered");
    assert_eq!(status, 200);
    let response: Value = serde_json::from_str(&body).unwrap_or_default();
    assert_eq!(response["data"]["signIn"]["user"]["loginCount"], 2, "{body}");
    terminate(server).await;
    std::fs::remove_dir_all(&data_dir).ok();
}
