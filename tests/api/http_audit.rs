//! The GraphQL-over-HTTP spec, checked by the audit suite its authors publish (`graphql-http`'s
//! `serverAudits`, tests/clients/http) against the real router on a local port: every audit,
//! MUST, SHOULD and MAY alike, must be `ok`.

use tokio_util::sync::CancellationToken;

use crate::support::{TestApp, node_kit};
use crate::ws_protocol::serve_copy;

#[tokio::test(flavor = "multi_thread")]
async fn every_graphql_over_http_audit_passes() {
    let Some(dir) = node_kit("http", &["graphql-http", "graphql"]) else {
        return;
    };
    let app = TestApp::new().await;
    let stop = CancellationToken::new();
    let address = serve_copy(&app, stop.clone()).await;
    let output = tokio::process::Command::new("node")
        .arg("audit.mjs")
        .arg(format!("http://{address}/graphql"))
        .current_dir(&dir)
        .output()
        .await
        .expect("node runs");
    stop.cancel();
    let text = String::from_utf8_lossy(&output.stdout);
    eprintln!("{text}{}", String::from_utf8_lossy(&output.stderr));
    assert!(output.status.success(), "not every audit is ok:\n{text}");
    let total = text.lines().filter(|line| line.starts_with("ok ")).count();
    assert!(total >= 60, "only {total} audits ran:\n{text}");
}
