//! Applications: the pipeline, artifacts and their PDFs, and subscriptions across copies.

use std::time::Duration;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use diesel_async::{AsyncConnection, AsyncPgConnection, SimpleAsyncConnection};
use serde_json::{Value, json};

use crate::career::{mutate, refused};
use crate::subscriptions::{connect, receive, send, serve};
use crate::support::{Account, TestApp, only_error};

pub async fn application(app: &TestApp, who: &Account) -> String {
    let posting = mutate(
        app,
        who,
        "createJobPosting",
        json!({ "companyName": "Globex", "jobTitle": "Staff Engineer", "description": "Rust" }),
        "jobPosting { id }",
    )
    .await;
    let made = mutate(
        app,
        who,
        "createApplication",
        json!({ "jobPostingId": posting["jobPosting"]["id"] }),
        "application { id status }",
    )
    .await;
    assert_eq!(made["application"]["status"], "DRAFT");
    made["application"]["id"].as_str().unwrap_or_default().to_owned()
}

pub async fn transition(app: &TestApp, who: &Account, id: &str, to: &str) -> Value {
    let query = "mutation($input: TransitionApplicationInput!) { transitionApplication(input: $input) { application { status appliedAt } event { fromStatus toStatus cursor } } }";
    app.gql(
        query,
        json!({ "input": { "id": id, "to": to, "note": format!("to {to}") } }),
        Some(&who.access_token),
    )
    .await
}

const PIPELINE: [&str; 7] = [
    "DRAFT",
    "GENERATED",
    "SUBMITTED",
    "SCREENING",
    "INTERVIEWING",
    "OFFER",
    "ACCEPTED",
];
const ALL: [&str; 9] = [
    "DRAFT",
    "GENERATED",
    "SUBMITTED",
    "SCREENING",
    "INTERVIEWING",
    "OFFER",
    "ACCEPTED",
    "REJECTED",
    "WITHDRAWN",
];

fn legal(from: &str, to: &str) -> bool {
    let open = !matches!(from, "ACCEPTED" | "REJECTED" | "WITHDRAWN");
    let next = PIPELINE
        .iter()
        .position(|s| *s == from)
        .and_then(|i| PIPELINE.get(i + 1));
    open && (next == Some(&to) || to == "REJECTED" || to == "WITHDRAWN")
}

/// A fresh application brought to `status` along the pipeline (or closed from DRAFT).
async fn application_in(app: &TestApp, who: &Account, status: &str) -> String {
    let id = application(app, who).await;
    if matches!(status, "REJECTED" | "WITHDRAWN") {
        assert!(transition(app, who, &id, status).await.get("errors").is_none());
        return id;
    }
    for next in PIPELINE.iter().skip(1) {
        if PIPELINE.iter().position(|s| s == next) > PIPELINE.iter().position(|s| *s == status) {
            break;
        }
        assert!(transition(app, who, &id, next).await.get("errors").is_none());
    }
    id
}

#[tokio::test(flavor = "multi_thread")]
async fn every_legal_and_illegal_transition() {
    let app = TestApp::new().await;
    let me = app.sign_up("pipeline@example.com").await;
    for from in ALL {
        for to in ALL {
            let id = application_in(&app, &me, from).await;
            let response = transition(&app, &me, &id, to).await;
            if legal(from, to) {
                assert!(response.get("errors").is_none(), "{from} -> {to}: {response}");
                let payload = &response["data"]["transitionApplication"];
                assert_eq!(payload["application"]["status"], to);
                assert_eq!(
                    (
                        payload["event"]["fromStatus"].clone(),
                        payload["event"]["toStatus"].clone()
                    ),
                    (json!(from), json!(to))
                );
            } else {
                assert_eq!(
                    only_error(&response),
                    ("BAD_USER_INPUT".to_owned(), Some("to".to_owned())),
                    "{from} -> {to}"
                );
                let message = response["errors"][0]["message"].as_str().unwrap_or_default();
                assert!(message.contains("allowed"), "{message}");
                if !matches!(from, "ACCEPTED" | "REJECTED" | "WITHDRAWN") {
                    assert!(message.contains("WITHDRAWN"), "{message}");
                }
            }
        }
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn history_is_ordered_and_submitting_sets_applied_at() {
    let app = TestApp::new().await;
    let me = app.sign_up("history@example.com").await;
    let id = application(&app, &me).await;
    let before = transition(&app, &me, &id, "GENERATED").await;
    assert_eq!(
        before["data"]["transitionApplication"]["application"]["appliedAt"],
        Value::Null
    );
    let submitted = transition(&app, &me, &id, "SUBMITTED").await;
    assert!(submitted["data"]["transitionApplication"]["application"]["appliedAt"].is_string());
    transition(&app, &me, &id, "WITHDRAWN").await;
    let data = app
        .ok(
            "query($id: ID!) { node(id: $id) { ... on Application { status appliedAt allowedTransitions history { fromStatus toStatus note } } } }",
            json!({ "id": id }),
            Some(&me.access_token),
        )
        .await;
    assert_eq!(
        data["node"]["history"],
        json!([
            { "fromStatus": null, "toStatus": "DRAFT", "note": null },
            { "fromStatus": "DRAFT", "toStatus": "GENERATED", "note": "to GENERATED" },
            { "fromStatus": "GENERATED", "toStatus": "SUBMITTED", "note": "to SUBMITTED" },
            { "fromStatus": "SUBMITTED", "toStatus": "WITHDRAWN", "note": "to WITHDRAWN" },
        ])
    );
    assert_eq!(data["node"]["allowedTransitions"], json!([]));
    let listed = app
        .ok("{ viewer { applications(filter: { status: WITHDRAWN }) { totalCount edges { node { fitScore jobPosting { application { status } } } } } } }", json!({}), Some(&me.access_token))
        .await;
    assert_eq!(listed["viewer"]["applications"]["totalCount"], 1);
    assert_eq!(
        listed["viewer"]["applications"]["edges"][0]["node"]["jobPosting"]["application"]["status"],
        "WITHDRAWN"
    );
    assert_eq!(
        listed["viewer"]["applications"]["edges"][0]["node"]["fitScore"],
        0
    );
    let without = app
        .ok(
            "{ viewer { jobPostings(filter: { hasApplication: false }) { totalCount } } }",
            json!({}),
            Some(&me.access_token),
        )
        .await;
    assert_eq!(without["viewer"]["jobPostings"]["totalCount"], 0);
    let with = app
        .ok(
            "{ viewer { jobPostings(filter: { hasApplication: true }) { totalCount } } }",
            json!({}),
            Some(&me.access_token),
        )
        .await;
    assert_eq!(with["viewer"]["jobPostings"]["totalCount"], 1);
    // The application is WITHDRAWN, so the posting takes a new one (re-applying, #23.10);
    // while that one is open, another is refused.
    let posting = app
        .ok(
            "{ viewer { jobPostings { edges { node { id } } } } }",
            json!({}),
            Some(&me.access_token),
        )
        .await;
    let posting_id = &posting["viewer"]["jobPostings"]["edges"][0]["node"]["id"];
    let reapplied = mutate(
        &app,
        &me,
        "createApplication",
        json!({ "jobPostingId": posting_id }),
        "application { status }",
    )
    .await;
    assert_eq!(reapplied["application"]["status"], "DRAFT");
    let again = refused(
        &app,
        &me,
        "createApplication",
        json!({ "jobPostingId": posting_id }),
    )
    .await;
    assert_eq!(again.0, "CONFLICT");
}

#[tokio::test(flavor = "multi_thread")]
async fn concurrent_artifacts_get_versions_one_to_twenty() {
    let app = TestApp::new().await;
    let me = app.sign_up("versions@example.com").await;
    let id = application(&app, &me).await;
    let creates = (0..20).map(|n| {
        let (app, me, id) = (&app, &me, id.clone());
        async move {
            mutate(
                app,
                me,
                "createArtifact",
                json!({ "applicationId": id, "kind": "CV", "content": format!("CV draft number {n}") }),
                "artifact { version wordCount }",
            )
            .await
        }
    });
    let made = futures_util::future::join_all(creates).await;
    let mut versions: Vec<i64> = made
        .iter()
        .filter_map(|m| m["artifact"]["version"].as_i64())
        .collect();
    versions.sort_unstable();
    assert_eq!(versions, (1..=20).collect::<Vec<_>>());
    assert!(made.iter().all(|m| m["artifact"]["wordCount"] == 4));

    let letter = mutate(
        &app,
        &me,
        "createArtifact",
        json!({ "applicationId": id, "kind": "COVER_LETTER", "content": "Dear team" }),
        "artifact { version kind }",
    )
    .await;
    assert_eq!(
        letter["artifact"],
        json!({ "version": 1, "kind": "COVER_LETTER" })
    );
    let data = app
        .ok(
            "query($id: ID!) { node(id: $id) { ... on Application { status latestCv { version } latestCoverLetter { version content }
               cvs: artifacts(kind: CV) { version } all: artifacts { __typename } } } }",
            json!({ "id": id }),
            Some(&me.access_token),
        )
        .await;
    // The first CV moved the draft to GENERATED.
    assert_eq!(data["node"]["status"], "GENERATED");
    assert_eq!(data["node"]["latestCv"]["version"], 20);
    assert_eq!(
        data["node"]["latestCoverLetter"],
        json!({ "version": 1, "content": "Dear team" })
    );
    assert_eq!(data["node"]["cvs"].as_array().map(Vec::len), Some(20));
    assert_eq!(data["node"]["all"].as_array().map(Vec::len), Some(21));
    assert_eq!(
        refused(
            &app,
            &me,
            "createArtifact",
            json!({ "applicationId": id, "kind": "CV", "content": " " })
        )
        .await
        .1
        .as_deref(),
        Some("content")
    );
}

async fn get_pdf(app: &TestApp, path: &str, token: Option<&str>) -> (StatusCode, Vec<u8>) {
    let mut request = Request::get(path);
    if let Some(token) = token {
        request = request.header("authorization", format!("Bearer {token}"));
    }
    app.send(request.body(Body::empty()).unwrap_or_default()).await
}

#[tokio::test(flavor = "multi_thread")]
async fn artifacts_render_to_paginated_pdfs_for_their_owner_only() {
    let app = TestApp::new().await;
    let me = app.sign_up("pdf@example.com").await;
    mutate(
        &app,
        &me,
        "updateProfile",
        json!({ "fullName": "Ada Lovelace" }),
        "profile { id }",
    )
    .await;
    let id = application(&app, &me).await;
    let paragraph = "Designed and shipped the billing platform, cutting invoice errors by forty percent while mentoring four engineers. ";
    let long = (0..60)
        .map(|i| format!("Paragraph {i}. {}", paragraph.repeat(3)))
        .collect::<Vec<_>>()
        .join("\n");
    let made = mutate(
        &app,
        &me,
        "createArtifact",
        json!({ "applicationId": id, "kind": "CV", "content": long }),
        "artifact { pdfUrl }",
    )
    .await;
    let url = made["artifact"]["pdfUrl"].as_str().unwrap_or_default().to_owned();

    let (status, bytes) = get_pdf(&app, &url, Some(&me.access_token)).await;
    assert_eq!(status, StatusCode::OK);
    assert!(bytes.starts_with(b"%PDF"));
    let text =
        pdf_extract::extract_text_from_mem(&bytes).unwrap_or_else(|e| panic!("the PDF does not parse: {e}"));
    let words = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
    let text = words(&text);
    for expected in [
        "Ada Lovelace",
        "Staff Engineer",
        "Globex",
        "Paragraph 0.",
        "Paragraph 59.",
        "forty percent",
    ] {
        assert!(text.contains(expected), "missing {expected:?}");
    }
    assert!(lopdf_page_count(&bytes) > 1);

    // 200 short lines (no wrapping) at 15 pt leading on A4 with 20 mm margins: 41 lines fit
    // under the title block on page 1, 46 on the others, so 41 + 3 × 46 + 21 = 5 pages.
    let lines = (1..=200)
        .map(|i| format!("Line {i}"))
        .collect::<Vec<_>>()
        .join("\n");
    let letter = mutate(
        &app,
        &me,
        "createArtifact",
        json!({ "applicationId": id, "kind": "COVER_LETTER", "content": lines }),
        "artifact { pdfUrl }",
    )
    .await;
    let (_, letter_pdf) = get_pdf(
        &app,
        letter["artifact"]["pdfUrl"].as_str().unwrap_or_default(),
        Some(&me.access_token),
    )
    .await;
    assert_eq!(lopdf_page_count(&letter_pdf), 5);
    let letter_text = words(&pdf_extract::extract_text_from_mem(&letter_pdf).unwrap_or_default());
    assert!(
        letter_text.contains("Line 41 ")
            && letter_text.contains("Line 200")
            && letter_text.contains("Page 5 of 5")
    );

    let other = app.sign_up("pdf-other@example.com").await;
    assert_eq!(
        get_pdf(&app, &url, Some(&other.access_token)).await.0,
        StatusCode::NOT_FOUND
    );
    assert_eq!(get_pdf(&app, &url, None).await.0, StatusCode::UNAUTHORIZED);
    assert_eq!(
        get_pdf(&app, "/artifacts/garbage/pdf", Some(&me.access_token))
            .await
            .0,
        StatusCode::NOT_FOUND
    );
}

fn lopdf_page_count(bytes: &[u8]) -> usize {
    // pdf-extract re-exports lopdf, an independent PDF parser.
    pdf_extract::Document::load_mem(bytes)
        .map(|doc| doc.get_pages().len())
        .unwrap_or(0)
}

const STATUS_SUBSCRIPTION: &str = "subscription($after: String) { applicationStatusChanged(after: $after) { cursor applicationId fromStatus toStatus } }";

pub async fn subscribe(address: &str, who: &Account, after: Option<&str>) -> crate::subscriptions::Socket {
    let mut socket = connect(address, "graphql-transport-ws").await;
    send(&mut socket, json!({ "type": "connection_init", "payload": { "Authorization": format!("Bearer {}", who.access_token) } })).await;
    assert_eq!(
        receive(&mut socket).await.map(|m| m["type"].clone()),
        Some(json!("connection_ack"))
    );
    send(&mut socket, json!({ "id": "s", "type": "subscribe", "payload": { "query": STATUS_SUBSCRIPTION, "variables": { "after": after } } })).await;
    socket
}

/// The next event, or None when nothing arrives within `wait`.
pub async fn next_event(socket: &mut crate::subscriptions::Socket, wait: Duration) -> Option<Value> {
    match tokio::time::timeout(wait, receive(socket)).await {
        Ok(Some(message)) => {
            assert_eq!(message["type"], "next", "{message}");
            Some(message["payload"]["data"]["applicationStatusChanged"].clone())
        }
        _ => None,
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn status_changes_reach_subscribers_on_another_copy_across_a_listener_reconnect() {
    let a = TestApp::new().await;
    let b = TestApp::on(&a.database_url, &[]);
    let b_address = serve(&b).await;
    let x = a.sign_up("x@example.com").await;
    let x_app = application(&a, &x).await;

    let mut x_socket = subscribe(&b_address, &x, None).await;
    // Give the subscription a moment to register before the change.
    tokio::time::sleep(Duration::from_millis(200)).await;
    transition(&a, &x, &x_app, "GENERATED").await;
    let event = event_to(&mut x_socket, "GENERATED", Duration::from_secs(10))
        .await
        .expect("X's event reaches copy B");
    assert_eq!(
        (event["applicationId"].clone(), event["toStatus"].clone()),
        (json!(x_app), json!("GENERATED"))
    );

    // Kill copy B's listener connection and move at once, while it is away: it reconnects,
    // reads what it missed, and later events still arrive.
    let mut conn = AsyncPgConnection::establish(&a.database_url)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    conn.batch_execute(&format!(
        "select pg_terminate_backend(pid) from pg_stat_activity where application_name = '{}' and datname = current_database()",
        careergraph::applications::events::LISTENER_NAME
    ))
    .await
    .unwrap_or_else(|e| panic!("{e}"));
    transition(&a, &x, &x_app, "SUBMITTED").await;
    let event = next_event(&mut x_socket, Duration::from_secs(15))
        .await
        .expect("the event written while the listener was away");
    assert_eq!(event["toStatus"], "SUBMITTED");
    tokio::time::sleep(Duration::from_millis(500)).await;
    transition(&a, &x, &x_app, "SCREENING").await;
    let event = next_event(&mut x_socket, Duration::from_secs(15))
        .await
        .expect("an event after the listener reconnected");
    assert_eq!(event["toStatus"], "SCREENING");
}

#[tokio::test(flavor = "multi_thread")]
async fn created_artifacts_reach_subscribers_on_another_copy() {
    let a = TestApp::new().await;
    let b = TestApp::on(&a.database_url, &[]);
    let address = serve(&b).await;
    let me = a.sign_up("artifact-sub@example.com").await;
    let other = a.sign_up("artifact-other@example.com").await;
    let id = application(&a, &me).await;
    let others = application(&a, &other).await;
    let mut socket = connect(&address, "graphql-transport-ws").await;
    send(&mut socket, json!({ "type": "connection_init", "payload": { "Authorization": format!("Bearer {}", me.access_token) } })).await;
    assert_eq!(
        receive(&mut socket).await.map(|m| m["type"].clone()),
        Some(json!("connection_ack"))
    );
    let query = "subscription($id: ID) { artifactCreated(applicationId: $id) { __typename version wordCount content } }";
    send(
        &mut socket,
        json!({ "id": "a", "type": "subscribe", "payload": { "query": query, "variables": { "id": id } } }),
    )
    .await;
    tokio::time::sleep(Duration::from_millis(200)).await;
    mutate(
        &a,
        &other,
        "createArtifact",
        json!({ "applicationId": others, "kind": "CV", "content": "not yours" }),
        "artifact { version }",
    )
    .await;
    mutate(
        &a,
        &me,
        "createArtifact",
        json!({ "applicationId": id, "kind": "COVER_LETTER", "content": "Dear hiring team" }),
        "artifact { version }",
    )
    .await;
    let message = tokio::time::timeout(Duration::from_secs(10), receive(&mut socket))
        .await
        .ok()
        .flatten()
        .expect("the artifact event");
    assert_eq!(
        message["payload"]["data"]["artifactCreated"],
        json!({ "__typename": "CoverLetterArtifact", "version": 1, "wordCount": 3, "content": "Dear hiring team" })
    );
}

/// The first event moving to `status` within `wait`, skipping earlier ones (an event committed
/// before the subscription can still be on its way).
pub async fn event_to(
    socket: &mut crate::subscriptions::Socket,
    status: &str,
    wait: Duration,
) -> Option<Value> {
    let deadline = tokio::time::Instant::now() + wait;
    while let Some(event) = next_event(
        socket,
        deadline.saturating_duration_since(tokio::time::Instant::now()),
    )
    .await
    {
        if event["toStatus"] == status {
            return Some(event);
        }
    }
    None
}

/// Every event that arrives within `wait`.
pub async fn events_within(socket: &mut crate::subscriptions::Socket, wait: Duration) -> Vec<Value> {
    let deadline = tokio::time::Instant::now() + wait;
    let mut events = Vec::new();
    while let Some(event) = next_event(
        socket,
        deadline.saturating_duration_since(tokio::time::Instant::now()),
    )
    .await
    {
        events.push(event);
    }
    events
}

pub fn uuid_of(global_id: &str) -> String {
    use base64::Engine;
    let raw = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(global_id)
        .unwrap_or_default();
    String::from_utf8_lossy(&raw)
        .split(':')
        .nth(1)
        .unwrap_or_default()
        .to_owned()
}

#[tokio::test(flavor = "multi_thread")]
async fn replay_after_a_cursor_gives_the_missed_events_once_then_live_ones() {
    let app = TestApp::new().await;
    let address = serve(&app).await;
    let me = app.sign_up("replay@example.com").await;
    let id = application(&app, &me).await;
    let first = transition(&app, &me, &id, "GENERATED").await;
    let cursor = first["data"]["transitionApplication"]["event"]["cursor"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    // Missed while not subscribed:
    transition(&app, &me, &id, "SUBMITTED").await;
    transition(&app, &me, &id, "SCREENING").await;

    let mut socket = subscribe(&address, &me, Some(&cursor)).await;
    let replayed: Vec<Value> = vec![
        next_event(&mut socket, Duration::from_secs(5))
            .await
            .expect("first missed event"),
        next_event(&mut socket, Duration::from_secs(5))
            .await
            .expect("second missed event"),
    ];
    let statuses: Vec<&Value> = replayed.iter().map(|e| &e["toStatus"]).collect();
    assert_eq!(statuses, [&json!("SUBMITTED"), &json!("SCREENING")]);
    tokio::time::sleep(Duration::from_millis(200)).await;
    transition(&app, &me, &id, "INTERVIEWING").await;
    let live = next_event(&mut socket, Duration::from_secs(10))
        .await
        .expect("the live event");
    assert_eq!(live["toStatus"], "INTERVIEWING");
    assert_eq!(
        next_event(&mut socket, Duration::from_millis(500)).await,
        None,
        "an event came twice"
    );

    let mut bad = subscribe(&address, &me, Some("nope")).await;
    let answer = receive(&mut bad).await.expect("an answer");
    assert_eq!(
        answer["payload"]["errors"][0]["extensions"]["code"], "BAD_USER_INPUT",
        "{answer}"
    );
}
