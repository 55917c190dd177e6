//! GraphiQL offline: the page and every asset come from this server, under a strict
//! Content-Security-Policy; and in headless Chromium the page renders, requests nothing from
//! another origin, breaks no policy and runs `{ __typename }` through the UI.

use axum::body::Body;
use axum::http::{HeaderMap, Request, StatusCode};

use crate::subscriptions::serve;
use crate::support::TestApp;

async fn get(app: &TestApp, uri: &str, accept: &str) -> (StatusCode, HeaderMap, Vec<u8>) {
    let request = Request::get(uri)
        .header("accept", accept)
        .header("host", "127.0.0.1:8000")
        .body(Body::empty())
        .expect("request");
    let response = tower::ServiceExt::oneshot(app.router.clone(), request)
        .await
        .expect("the router answers");
    let status = response.status();
    let headers = response.headers().clone();
    let body = http_body_util::BodyExt::collect(response.into_body())
        .await
        .expect("body")
        .to_bytes()
        .to_vec();
    (status, headers, body)
}

fn header<'a>(headers: &'a HeaderMap, name: &str) -> &'a str {
    headers
        .get(name)
        .and_then(|value| value.to_str().ok())
        .unwrap_or_default()
}

/// The values of every `src="…"` and `href="…"` in the page.
fn references(page: &str) -> Vec<String> {
    let mut found = Vec::new();
    for attribute in [" src=\"", " href=\""] {
        for (start, _) in page.match_indices(attribute) {
            let rest = &page[start + attribute.len()..];
            found.push(rest[..rest.find('"').unwrap_or(rest.len())].to_owned());
        }
    }
    found
}

const HTML: &str = "text/html,application/xhtml+xml,*/*;q=0.8";

#[tokio::test(flavor = "multi_thread")]
async fn graphiql_and_its_assets_come_from_this_server_under_a_strict_policy() {
    let app = TestApp::new().await;
    let (status, headers, body) = get(&app, "/graphql", HTML).await;
    assert_eq!(status, StatusCode::OK);
    assert!(header(&headers, "content-type").starts_with("text/html"));
    let policy = header(&headers, "content-security-policy");
    let directives: Vec<&str> = policy.split(';').map(str::trim).collect();
    for expected in [
        "default-src 'self'",
        "script-src 'self'",
        "connect-src 'self' ws://127.0.0.1:8000 wss://127.0.0.1:8000",
        "object-src 'none'",
    ] {
        assert!(directives.contains(&expected), "{expected} missing from {policy}");
    }
    assert!(!policy.contains("unsafe-eval"), "{policy}");

    let page = String::from_utf8(body).expect("UTF-8");
    assert!(!page.contains("http://") && !page.contains("https://") && !page.contains("//unpkg"));
    // No inline script: every script element names its file.
    assert_eq!(
        page.matches("<script").count(),
        page.matches("<script src=\"").count(),
        "{page}"
    );
    // Everything but the empty icon (a data: URL, so the browser asks for no favicon).
    let references: Vec<String> = references(&page)
        .into_iter()
        .filter(|reference| reference != "data:,")
        .collect();
    assert_eq!(references.len(), 7, "{references:?}");
    for reference in &references {
        assert!(reference.starts_with("/graphiql/assets/"), "{reference}");
        let (status, headers, body) = get(&app, reference, "*/*").await;
        assert_eq!(status, StatusCode::OK, "{reference}");
        let expected = if reference.ends_with(".js") {
            "text/javascript; charset=utf-8"
        } else {
            "text/css; charset=utf-8"
        };
        assert_eq!(header(&headers, "content-type"), expected, "{reference}");
        assert_eq!(
            header(&headers, "cache-control"),
            "public, max-age=31536000, immutable"
        );
        assert_eq!(header(&headers, "x-content-type-options"), "nosniff");
        let name = reference.rsplit('/').next().unwrap_or_default();
        let file = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("assets/graphiql")
            .join(name);
        assert_eq!(
            body,
            std::fs::read(&file).expect("the vendored file"),
            "{reference}"
        );
    }

    // Another tag (an older build's) or another name: not found.
    let script = references
        .iter()
        .find(|reference| reference.ends_with("/graphiql.min.js"))
        .expect("GraphiQL's script");
    let stale = script
        .replace("/graphiql/assets/", "/graphiql/assets/0")
        .to_owned();
    assert_eq!(get(&app, &stale, "*/*").await.0, StatusCode::NOT_FOUND);
    let other = script.replace("graphiql.min.js", "index.html");
    assert_eq!(get(&app, &other, "*/*").await.0, StatusCode::NOT_FOUND);

    // Turned off: neither the page nor its assets.
    let off = TestApp::on(&app.database_url, &["--graphiql", "false"]);
    assert_eq!(get(&off, "/graphql", HTML).await.0, StatusCode::NOT_FOUND);
    assert_eq!(get(&off, script, "*/*").await.0, StatusCode::NOT_FOUND);
}

/// Debian's Chromium, or None (with the reason printed) outside CI; in CI a missing browser
/// fails: `.ci/run` installs it.
fn chromium() -> Option<&'static str> {
    const CHROMIUM: &str = "/usr/bin/chromium";
    if std::path::Path::new(CHROMIUM).exists() {
        return Some(CHROMIUM);
    }
    assert!(
        std::env::var_os("CI").is_none(),
        "CI: the GraphiQL browser test needs {CHROMIUM} (`.ci/run` installs Debian's chromium)"
    );
    eprintln!(
        "SKIPPED: the GraphiQL browser test needs {CHROMIUM} (`apt-get install chromium`, or `.ci/run`)"
    );
    None
}

#[tokio::test(flavor = "multi_thread")]
async fn graphiql_renders_offline_in_chromium_and_runs_a_query() {
    let Some(browser) = chromium() else {
        return;
    };
    let Some(kit) = crate::support::node_kit("graphiql", &["puppeteer-core"]) else {
        return;
    };
    let app = TestApp::new().await;
    let account = app.sign_up("graphiql@example.com").await;
    let address = serve(&app).await;
    let output = tokio::process::Command::new("node")
        .arg("check.mjs")
        .arg(format!("http://{address}/graphql"))
        .env("CHROMIUM", browser)
        .env("TOKEN", &account.access_token)
        .env("QUERY", "{ viewer { email } }")
        .current_dir(&kit)
        .output()
        .await
        .expect("node runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "the browser check failed:\n{stdout}\n{stderr}"
    );
    let report: serde_json::Value =
        serde_json::from_str(stdout.trim()).unwrap_or_else(|_| panic!("{stdout}\n{stderr}"));
    let bearer = format!("Bearer {}", account.access_token);
    assert_eq!(report["errors"], serde_json::json!([]), "{report}");
    assert_eq!(report["offsite"], serde_json::json!([]), "{report}");
    assert_eq!(report["violations"], serde_json::json!([]), "{report}");
    assert_eq!(report["editor"], true, "{report}");
    // The token bar's token reached the server: the viewer is the signed-up user.
    assert!(
        report["result"]
            .as_str()
            .is_some_and(|result| result.contains("\"email\": \"graphiql@example.com\"")),
        "{report}"
    );
    assert_eq!(report["authorization"], bearer.as_str(), "{report}");
    assert_eq!(
        report["connectionInit"]["Authorization"],
        bearer.as_str(),
        "{report}"
    );
}
