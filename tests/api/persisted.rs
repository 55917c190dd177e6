//! Persisted documents: Apollo's automatic persisted queries, shared by every server copy
//! through PostgreSQL, and the trusted-documents mode, over POST, GET and WebSocket.

use std::sync::atomic::{AtomicUsize, Ordering};

use axum::body::Body;
use axum::http::{Request, StatusCode};
use careergraph::config::Cli;
use careergraph::graphql::persisted::sha256_hex;
use clap::Parser;
use serde_json::{Value, json};

use crate::subscriptions::{connect, receive, send, serve};
use crate::support::{TestApp, codes};

const TYPENAME: &str = "query Typename { __typename }";

fn persisted(hash: &str) -> Value {
    json!({ "persistedQuery": { "version": 1, "sha256Hash": hash } })
}

/// POSTs `body`; the parsed response (status 200 required: application/json).
async fn post(app: &TestApp, body: Value) -> Value {
    let (status, response) = app.post(body.to_string().into_bytes(), None).await;
    assert_eq!(status, StatusCode::OK, "{response}");
    response
}

/// GETs /graphql with the URL parameters `params` (JSON values as JSON text).
async fn get(app: &TestApp, params: &[(&str, String)]) -> (StatusCode, Value) {
    let query = url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(params)
        .finish();
    let request = Request::get(format!("/graphql?{query}"))
        .header("accept", "application/json")
        .body(Body::empty())
        .expect("request");
    let (status, body) = app.send(request).await;
    let value =
        serde_json::from_slice(&body).unwrap_or_else(|_| json!({ "raw": String::from_utf8_lossy(&body) }));
    (status, value)
}

#[tokio::test(flavor = "multi_thread")]
async fn apq_round_trip_is_shared_by_every_copy_and_cached() {
    let first = TestApp::new().await;
    let hash = sha256_hex(TYPENAME);

    let unknown = post(&first, json!({ "extensions": persisted(&hash) })).await;
    assert_eq!(codes(&unknown), ["PERSISTED_QUERY_NOT_FOUND"], "{unknown}");
    assert_eq!(unknown["errors"][0]["message"], "PersistedQueryNotFound");

    let registered = post(
        &first,
        json!({ "query": TYPENAME, "extensions": persisted(&hash) }),
    )
    .await;
    assert_eq!(registered, json!({ "data": { "__typename": "Query" } }));

    // Known to this copy: from its cache, without a statement.
    let before = first.statements.get();
    let by_hash = post(&first, json!({ "extensions": persisted(&hash) })).await;
    assert_eq!(by_hash, json!({ "data": { "__typename": "Query" } }));
    assert_eq!(first.statements.get() - before, 0);

    // Another copy on the same database: one statement the first time, none after.
    let second = TestApp::on(&first.database_url, &[]);
    let before = second.statements.get();
    let by_hash = post(&second, json!({ "extensions": persisted(&hash) })).await;
    assert_eq!(by_hash, json!({ "data": { "__typename": "Query" } }));
    assert_eq!(second.statements.get() - before, 1);
    let before = second.statements.get();
    let (status, by_get) = get(
        &second,
        &[
            ("operationName", "Typename".to_owned()),
            ("extensions", persisted(&hash).to_string()),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{by_get}");
    assert_eq!(by_get, json!({ "data": { "__typename": "Query" } }));
    assert_eq!(second.statements.get() - before, 0);

    // A hash in upper case names the same document.
    let upper = post(&second, json!({ "extensions": persisted(&hash.to_uppercase()) })).await;
    assert_eq!(upper, json!({ "data": { "__typename": "Query" } }));
}

#[tokio::test(flavor = "multi_thread")]
async fn apq_over_get_registers_and_unknown_hashes_are_not_found() {
    let app = TestApp::new().await;
    let query = "{ openRequisitions(first: 1) { totalCount } }";
    let hash = sha256_hex(query);
    let (status, unknown) = get(&app, &[("extensions", persisted(&hash).to_string())]).await;
    assert_eq!(status, StatusCode::OK, "{unknown}");
    assert_eq!(codes(&unknown), ["PERSISTED_QUERY_NOT_FOUND"]);
    let (status, registered) = get(
        &app,
        &[
            ("query", query.to_owned()),
            ("extensions", persisted(&hash).to_string()),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{registered}");
    assert!(
        registered["data"]["openRequisitions"]["totalCount"].is_number(),
        "{registered}"
    );
    let (_, by_hash) = get(&app, &[("extensions", persisted(&hash).to_string())]).await;
    assert_eq!(by_hash, registered);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_wrong_hash_is_refused_and_registers_nothing() {
    let app = TestApp::new().await;
    let wrong = sha256_hex("{ somethingElse }");
    let refused = post(
        &app,
        json!({ "query": TYPENAME, "extensions": persisted(&wrong) }),
    )
    .await;
    assert_eq!(codes(&refused), ["BAD_USER_INPUT"], "{refused}");
    assert_eq!(
        refused["errors"][0]["message"],
        "provided sha does not match query"
    );
    assert!(refused.get("data").is_none_or(Value::is_null), "{refused}");
    let unknown = post(&app, json!({ "extensions": persisted(&wrong) })).await;
    assert_eq!(codes(&unknown), ["PERSISTED_QUERY_NOT_FOUND"]);

    for bad in [
        json!({ "persistedQuery": { "version": 2, "sha256Hash": sha256_hex(TYPENAME) } }),
        json!({ "persistedQuery": { "version": 1, "sha256Hash": "abc" } }),
        json!({ "persistedQuery": { "version": 1 } }),
        json!({ "persistedQuery": "yes" }),
    ] {
        let refused = post(&app, json!({ "query": TYPENAME, "extensions": bad })).await;
        assert_eq!(codes(&refused), ["BAD_USER_INPUT"], "{bad}: {refused}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn get_refuses_a_persisted_mutation() {
    let app = TestApp::new().await;
    let mutation = "mutation { signOut(input: {refreshToken: \"x\"}) { signedOut } }";
    let hash = sha256_hex(mutation);
    // Registered through POST (whatever the mutation answers)…
    post(&app, json!({ "query": mutation, "extensions": persisted(&hash) })).await;
    // …it never runs from a URL.
    let (status, refused) = get(&app, &[("extensions", persisted(&hash).to_string())]).await;
    assert_eq!(status, StatusCode::METHOD_NOT_ALLOWED, "{refused}");
}

static NEXT_FILE: AtomicUsize = AtomicUsize::new(0);

/// A trusted-documents file with `contents`; its path.
fn documents_file(contents: &Value) -> String {
    let path = std::env::temp_dir().join(format!(
        "careergraph-trusted-{}-{}.json",
        std::process::id(),
        NEXT_FILE.fetch_add(1, Ordering::Relaxed)
    ));
    std::fs::write(&path, contents.to_string()).expect("file written");
    path.to_string_lossy().into_owned()
}

#[tokio::test(flavor = "multi_thread")]
async fn trusted_documents_run_and_nothing_else_does_over_http_and_ws() {
    // graphql-codegen's and Relay's shape: id → document; Relay's ids are MD5, not SHA-256.
    let heartbeat = "subscription Beat { heartbeat(intervalSeconds: 1) }";
    let file = documents_file(&json!({
        "9ab1e3c4b5f0c8a2d7e6f5a4b3c2d1e0": TYPENAME,
        "beat": heartbeat,
    }));
    let app = TestApp::with_args(&["--trusted-documents", &file]).await;

    let by_id = post(
        &app,
        json!({ "extensions": persisted("9ab1e3c4b5f0c8a2d7e6f5a4b3c2d1e0") }),
    )
    .await;
    assert_eq!(by_id, json!({ "data": { "__typename": "Query" } }));
    let by_text = post(&app, json!({ "query": TYPENAME })).await;
    assert_eq!(by_text, json!({ "data": { "__typename": "Query" } }));
    let (status, by_get) = get(
        &app,
        &[(
            "extensions",
            persisted("9ab1e3c4b5f0c8a2d7e6f5a4b3c2d1e0").to_string(),
        )],
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(by_get, json!({ "data": { "__typename": "Query" } }));

    let free_text = post(&app, json!({ "query": "{ __typename }" })).await;
    assert_eq!(codes(&free_text), ["QUERY_NOT_IN_SAFELIST"], "{free_text}");
    let unknown_id = post(
        &app,
        json!({ "extensions": persisted(&sha256_hex("{ __typename }")) }),
    )
    .await;
    assert_eq!(
        codes(&unknown_id),
        ["PERSISTED_QUERY_NOT_IN_LIST"],
        "{unknown_id}"
    );
    // APQ registers nothing in this mode: hash and query of an unlisted document are refused.
    let register = post(
        &app,
        json!({ "query": "{ __typename }", "extensions": persisted(&sha256_hex("{ __typename }")) }),
    )
    .await;
    assert_eq!(codes(&register), ["PERSISTED_QUERY_NOT_IN_LIST"], "{register}");
    let mismatch = post(
        &app,
        json!({ "query": "{ __typename }", "extensions": persisted("beat") }),
    )
    .await;
    assert_eq!(codes(&mismatch), ["BAD_USER_INPUT"], "{mismatch}");
    // In a batch each entry is judged alone.
    let batch = post(
        &app,
        json!([{ "query": TYPENAME }, { "query": "{ __typename }" }]),
    )
    .await;
    assert_eq!(batch[0], json!({ "data": { "__typename": "Query" } }));
    assert_eq!(codes(&batch[1]), ["QUERY_NOT_IN_SAFELIST"], "{batch}");

    // WebSocket: a listed subscription by id runs; unlisted text is refused.
    let address = serve(&app).await;
    let mut socket = connect(&address, "graphql-transport-ws").await;
    send(&mut socket, json!({ "type": "connection_init", "payload": {} })).await;
    assert_eq!(
        receive(&mut socket).await.map(|m| m["type"].clone()),
        Some(json!("connection_ack"))
    );
    send(
        &mut socket,
        json!({ "id": "1", "type": "subscribe", "payload": { "extensions": persisted("beat") } }),
    )
    .await;
    let beat = receive(&mut socket).await.expect("a beat");
    assert_eq!(beat["type"], "next", "{beat}");
    assert!(beat["payload"]["data"]["heartbeat"].is_string(), "{beat}");
    send(&mut socket, json!({ "id": "1", "type": "complete" })).await;
    send(
        &mut socket,
        json!({ "id": "2", "type": "subscribe", "payload": { "query": "subscription { heartbeat }" } }),
    )
    .await;
    let refused = loop {
        let message = receive(&mut socket).await.expect("an answer");
        if message["id"] == "2" {
            break message;
        }
    };
    assert_eq!(refused["type"], "next", "{refused}");
    assert_eq!(codes(&refused["payload"]), ["QUERY_NOT_IN_SAFELIST"], "{refused}");
}

#[tokio::test(flavor = "multi_thread")]
async fn apq_works_over_the_websocket_too() {
    let app = TestApp::new().await;
    let hash = sha256_hex(TYPENAME);
    post(&app, json!({ "query": TYPENAME, "extensions": persisted(&hash) })).await;
    let address = serve(&app).await;
    let mut socket = connect(&address, "graphql-transport-ws").await;
    send(&mut socket, json!({ "type": "connection_init" })).await;
    assert_eq!(
        receive(&mut socket).await.map(|m| m["type"].clone()),
        Some(json!("connection_ack"))
    );
    send(
        &mut socket,
        json!({ "id": "a", "type": "subscribe", "payload": { "extensions": persisted(&hash) } }),
    )
    .await;
    let answer = receive(&mut socket).await.expect("an answer");
    assert_eq!(
        answer["payload"],
        json!({ "data": { "__typename": "Query" } }),
        "{answer}"
    );
    let unknown = sha256_hex("{ nope }");
    send(
        &mut socket,
        json!({ "id": "b", "type": "subscribe", "payload": { "extensions": persisted(&unknown) } }),
    )
    .await;
    let refused = loop {
        let message = receive(&mut socket).await.expect("an answer");
        if message["id"] == "b" && message["type"] != "complete" {
            break message;
        }
    };
    assert_eq!(
        codes(&refused["payload"]),
        ["PERSISTED_QUERY_NOT_FOUND"],
        "{refused}"
    );
}

#[test]
fn trusted_documents_files_in_every_shape_and_bad_ones_at_startup() {
    let plain = documents_file(&json!({ "a": TYPENAME }));
    let manifest = documents_file(&json!({
        "format": "apollo-persisted-query-manifest",
        "version": 1,
        "operations": [{ "id": "m1", "name": "Typename", "type": "query", "body": TYPENAME }],
    }));
    for (file, id) in [(plain, "a"), (manifest, "m1")] {
        let settings = Cli::try_parse_from(["careergraph", "--trusted-documents", &file])
            .expect("the file is read")
            .settings;
        let documents = settings.trusted_documents.expect("documents");
        assert_eq!(documents.0.get(id).map(String::as_str), Some(TYPENAME));
    }
    for bad in [json!({}), json!({ "a": 1 }), json!(["x"])] {
        let file = documents_file(&bad);
        let error = Cli::try_parse_from(["careergraph", "--trusted-documents", &file])
            .expect_err("refused at startup");
        assert!(error.to_string().contains("trusted-documents"), "{error}");
    }
    assert!(Cli::try_parse_from(["careergraph", "--trusted-documents", "/nonexistent/file.json"]).is_err());
}
