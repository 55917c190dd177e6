//! The test harness: one PostgreSQL per test run (the embedded one, or `TEST_DATABASE_URL`),
//! a migrated template database, and per test a fresh database cloned from it behind the real
//! router.

use std::sync::atomic::{AtomicUsize, Ordering};

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode};
use careergraph::applications::events::EventHub;
use careergraph::config::Cli;
use careergraph::db::embedded::{Durability, EmbeddedPostgres};
use careergraph::db::{self, StatementCounter};
use careergraph::{AppState, app};
use clap::Parser;
use diesel_async::{AsyncConnection, AsyncPgConnection, SimpleAsyncConnection};
use http_body_util::BodyExt;
use serde_json::{Value, json};
use tokio::sync::OnceCell;
use tower::ServiceExt;

pub const TEMPLATE: &str = "careergraph_template";
pub const JWT_SECRET: &[u8] = b"test-secret-test-secret-test-secret-0123";
pub const PASSWORD: &str = "correct horse battery";

/// The PostgreSQL every test of this run uses.
pub struct Server {
    /// Keeps the embedded cluster alive for the whole run (it shuts down with the process).
    _cluster: Option<EmbeddedPostgres>,
    admin_url: String,
}

static SERVER: OnceCell<Server> = OnceCell::const_new();
static NEXT_DB: AtomicUsize = AtomicUsize::new(0);

/// `url` pointed at `database` (URL or key=value connection strings).
pub fn with_database(url: &str, database: &str) -> String {
    if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        let mut parsed = url::Url::parse(url).expect("TEST_DATABASE_URL is a valid URL");
        parsed.set_path(database);
        parsed.to_string()
    } else {
        format!("{url} dbname={database}")
    }
}

async fn start_server() -> Server {
    // Internal errors are logged, not sent: show them in failing tests' output.
    tracing_subscriber::fmt()
        .with_test_writer()
        .with_env_filter("careergraph=warn")
        .try_init()
        .ok();
    let (cluster, admin_url) = match std::env::var("TEST_DATABASE_URL") {
        Ok(url) => (None, url),
        Err(_) => {
            remove_clusters_of_finished_runs();
            let dir = std::env::temp_dir().join(format!("careergraph-test-{}", std::process::id()));
            let cluster = EmbeddedPostgres::start(&dir, Durability::Throwaway)
                .await
                .expect("the embedded PostgreSQL starts");
            let url = cluster.database_url("postgres");
            (Some(cluster), url)
        }
    };
    let mut admin = AsyncPgConnection::establish(&admin_url)
        .await
        .expect("admin connection");
    for statement in [
        format!("drop database if exists {TEMPLATE}"),
        format!("create database {TEMPLATE}"),
    ] {
        admin
            .batch_execute(&statement)
            .await
            .expect("template database created");
    }
    db::migrate(&with_database(&admin_url, TEMPLATE))
        .await
        .expect("template migrated");
    Server {
        _cluster: cluster,
        admin_url,
    }
}

/// The shared cluster lives in a static, which is never dropped, so each run leaves its data
/// directory behind (about 2 GB after a full run). Each run removes those of runs whose process
/// is gone, so that repeated runs on one machine do not fill its disk.
fn remove_clusters_of_finished_runs() {
    let Ok(entries) = std::fs::read_dir(std::env::temp_dir()) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(pid) = name
            .to_str()
            .and_then(|name| name.strip_prefix("careergraph-test-"))
            .and_then(|pid| pid.parse::<u32>().ok())
        else {
            continue;
        };
        let running = std::path::Path::new(&format!("/proc/{pid}")).exists();
        if !running && pid != std::process::id() {
            std::fs::remove_dir_all(entry.path()).ok();
        }
    }
}

pub async fn server() -> &'static Server {
    SERVER.get_or_init(start_server).await
}

/// A fresh, migrated, empty database of its own.
pub async fn fresh_database() -> String {
    let server = server().await;
    let name = format!(
        "cg_test_{}_{}",
        std::process::id(),
        NEXT_DB.fetch_add(1, Ordering::Relaxed)
    );
    let mut admin = AsyncPgConnection::establish(&server.admin_url)
        .await
        .expect("admin connection");
    admin
        .batch_execute(&format!("create database {name} template {TEMPLATE}"))
        .await
        .expect("test database created");
    with_database(&server.admin_url, &name)
}

/// An empty database of its own, not migrated.
pub async fn empty_database() -> String {
    let server = server().await;
    let name = format!(
        "cg_empty_{}_{}",
        std::process::id(),
        NEXT_DB.fetch_add(1, Ordering::Relaxed)
    );
    let mut admin = AsyncPgConnection::establish(&server.admin_url)
        .await
        .expect("admin connection");
    admin
        .batch_execute(&format!("create database {name}"))
        .await
        .expect("database created");
    with_database(&server.admin_url, &name)
}

pub struct TestApp {
    pub router: Router,
    pub statements: StatementCounter,
    pub database_url: String,
}

/// A signed-up user.
pub struct Account {
    pub access_token: String,
    pub refresh_token: String,
    pub user_id: String,
}

impl TestApp {
    pub async fn new() -> Self {
        Self::with_args(&[]).await
    }

    /// An app on a fresh database, with extra command-line settings.
    pub async fn with_args(args: &[&str]) -> Self {
        Self::on(&fresh_database().await, args)
    }

    /// Another server copy: an app of its own (pool, event listener) on `database_url`.
    pub fn on(database_url: &str, args: &[&str]) -> Self {
        let mut argv = vec!["careergraph"];
        argv.extend_from_slice(args);
        let settings = Cli::parse_from(argv).settings;
        let statements = StatementCounter::default();
        let pool = db::pool(database_url, 4, statements.clone()).expect("pool");
        let events = EventHub::start(database_url, settings.event_buffer as usize);
        let state = AppState::new(pool, statements.clone(), events, &settings, JWT_SECRET);
        Self {
            router: app(state),
            statements,
            database_url: database_url.to_owned(),
        }
    }

    /// Sends a raw request through the router.
    pub async fn send(&self, request: Request<Body>) -> (StatusCode, Vec<u8>) {
        let response = self
            .router
            .clone()
            .oneshot(request)
            .await
            .expect("the router answers");
        let status = response.status();
        let body = response
            .into_body()
            .collect()
            .await
            .expect("body")
            .to_bytes()
            .to_vec();
        (status, body)
    }

    /// POSTs a JSON body to /graphql; the status and the parsed response.
    pub async fn post(&self, body: Vec<u8>, token: Option<&str>) -> (StatusCode, Value) {
        let mut request = Request::post("/graphql").header("content-type", "application/json");
        if let Some(token) = token {
            request = request.header("authorization", format!("Bearer {token}"));
        }
        let (status, body) = self.send(request.body(Body::from(body)).expect("request")).await;
        let value = serde_json::from_slice(&body)
            .unwrap_or_else(|_| json!({ "raw": String::from_utf8_lossy(&body) }));
        (status, value)
    }

    /// Runs a GraphQL operation; the whole response (`data` and `errors`).
    pub async fn gql(&self, query: &str, variables: Value, token: Option<&str>) -> Value {
        let body = serde_json::to_vec(&json!({ "query": query, "variables": variables })).expect("json");
        let (status, value) = self.post(body, token).await;
        assert_eq!(status, StatusCode::OK, "{value}");
        value
    }

    /// Runs an operation that must succeed; its `data`.
    pub async fn ok(&self, query: &str, variables: Value, token: Option<&str>) -> Value {
        let response = self.gql(query, variables, token).await;
        assert!(response.get("errors").is_none(), "unexpected errors: {response}");
        response["data"].clone()
    }

    pub async fn sign_up(&self, email: &str) -> Account {
        let data = self
            .ok(
                "mutation($input: SignUpInput!) { signUp(input: $input) { accessToken refreshToken user { id email } } }",
                json!({ "input": { "email": email, "password": PASSWORD, "acceptTerms": true } }),
                None,
            )
            .await;
        let payload = &data["signUp"];
        Account {
            access_token: payload["accessToken"].as_str().expect("access token").to_owned(),
            refresh_token: payload["refreshToken"]
                .as_str()
                .expect("refresh token")
                .to_owned(),
            user_id: payload["user"]["id"].as_str().expect("user id").to_owned(),
        }
    }

    /// Runs `query` and returns how many SQL statements it cost.
    pub async fn statements_for(&self, query: &str, variables: Value, token: Option<&str>) -> u64 {
        let before = self.statements.get();
        self.ok(query, variables, token).await;
        self.statements.get() - before
    }
}

/// The `extensions.code` of every error, in order.
pub fn codes(response: &Value) -> Vec<String> {
    response["errors"]
        .as_array()
        .map(|errors| {
            errors
                .iter()
                .map(|e| e["extensions"]["code"].as_str().unwrap_or("<none>").to_owned())
                .collect()
        })
        .unwrap_or_default()
}

/// The one error of a failed operation: (code, field).
pub fn only_error(response: &Value) -> (String, Option<String>) {
    let errors = response["errors"]
        .as_array()
        .unwrap_or_else(|| panic!("expected an error: {response}"));
    assert_eq!(errors.len(), 1, "{response}");
    let extensions = &errors[0]["extensions"];
    (
        extensions["code"].as_str().unwrap_or("<none>").to_owned(),
        extensions["field"].as_str().map(str::to_owned),
    )
}

/// The pinned Node.js kit in `tests/clients/<name>`, installed (`npm ci`) if any of `packages`
/// is missing; None, with the reason printed, when Node.js is absent. In CI (`CI` set) a
/// missing Node.js or kit fails instead: `.ci/run` installs both.
pub fn node_kit(name: &str, packages: &[&str]) -> Option<std::path::PathBuf> {
    use std::process::Command;
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/clients")
        .join(name);
    let in_ci = std::env::var_os("CI").is_some();
    let node = Command::new("node").arg("--version").output();
    if !node.as_ref().is_ok_and(|o| o.status.success()) {
        assert!(
            !in_ci,
            "CI: the tests of {} need Node.js ({node:?})",
            dir.display()
        );
        eprintln!(
            "SKIPPED: these tests need Node.js (`node` on PATH) and the kit in {} (`npm ci` there, or `.ci/run`)",
            dir.display()
        );
        return None;
    }
    let installed = packages
        .iter()
        .all(|package| dir.join("node_modules").join(package).is_dir());
    if !installed {
        assert!(
            !in_ci,
            "CI: the kit in {} is not installed (`.ci/run` runs `npm ci` there)",
            dir.display()
        );
        let status = Command::new("npm")
            .args(["ci", "--no-audit", "--no-fund"])
            .current_dir(&dir)
            .status()
            .expect("npm runs");
        assert!(status.success(), "npm ci failed in {}", dir.display());
    }
    Some(dir)
}
