//! Documents and requests built to cost the server: fragment bombs, aliased sign-ins, directive
//! floods, error floods, one-line parse errors, and cross-site form posts.

use axum::body::Body;
use axum::http::{Request, StatusCode};
use serde_json::{Value, json};

use crate::support::{PASSWORD, TestApp, codes};

const SIGN_IN: &str = "signIn(input: $input) { accessToken }";

async fn login_count(app: &TestApp, email: &str) -> Value {
    let data = app
        .ok(
            "mutation($input: CredentialsInput!) { signIn(input: $input) { user { loginCount } } }",
            json!({ "input": { "email": email, "password": PASSWORD } }),
            None,
        )
        .await;
    data["signIn"]["user"]["loginCount"].clone()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_fragment_bomb_is_refused_by_its_expanded_size() {
    let app = TestApp::new().await;
    let mut bomb = String::from("{ viewer { ...F0 } }");
    for level in 0..25 {
        bomb.push_str(&format!(
            " fragment F{level} on User {{ ...F{n} ...F{n} }}",
            n = level + 1
        ));
    }
    bomb.push_str(" fragment F25 on User { email }");
    assert!(bomb.len() < 1100);
    let response = app.gql(&bomb, json!({}), None).await;
    assert_eq!(codes(&response), ["QUERY_TOO_COMPLEX"], "{response}");
    let message = response["errors"][0]["message"].as_str().unwrap_or_default();
    assert!(
        message.contains("33554433 fields once fragments are expanded"),
        "{message}"
    );
    assert!(response.get("data").is_none_or(Value::is_null));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_request_checks_credentials_once_whatever_its_aliases_or_batch() {
    let app = TestApp::new().await;
    app.sign_up("stuffed@example.com").await;
    let before = login_count(&app, "stuffed@example.com").await;

    // Guesses in one operation, one of them right: 100 are over the alias limit anyway, 20
    // are refused for checking credentials more than once.
    for (guesses, code) in [(100, "QUERY_TOO_COMPLEX"), (20, "GRAPHQL_VALIDATION_FAILED")] {
        let aliases: String = (0..guesses).map(|i| format!("a{i}: {SIGN_IN} ")).collect();
        let stuffing = format!("mutation($input: CredentialsInput!) {{ {aliases} }}");
        let response = app
            .gql(
                &stuffing,
                json!({ "input": { "email": "stuffed@example.com", "password": PASSWORD } }),
                None,
            )
            .await;
        assert_eq!(codes(&response), [code], "{response}");
        assert!(
            !response.to_string().contains("accessToken\":\""),
            "no token: {response}"
        );
    }

    // Two entries of a batch, or one field and a fragment, count together.
    let entry = json!({
        "query": format!("mutation($input: CredentialsInput!) {{ {SIGN_IN} }}"),
        "variables": { "input": { "email": "stuffed@example.com", "password": PASSWORD } },
    });
    let (status, batch) = app
        .post(serde_json::to_vec(&json!([entry, entry])).expect("json"), None)
        .await;
    assert_eq!(status, StatusCode::OK);
    for response in batch.as_array().expect("a batch answer") {
        assert_eq!(codes(response), ["GRAPHQL_VALIDATION_FAILED"], "{batch}");
    }
    let spread = format!(
        "mutation($input: CredentialsInput!) {{ {SIGN_IN} ...Again }} fragment Again on Mutation {{ again: {SIGN_IN} }}"
    );
    let response = app
        .gql(
            &spread,
            json!({ "input": { "email": "stuffed@example.com", "password": PASSWORD } }),
            None,
        )
        .await;
    assert_eq!(codes(&response), ["GRAPHQL_VALIDATION_FAILED"], "{response}");

    // None of them signed in; one sign-in per request still works.
    let after = login_count(&app, "stuffed@example.com").await;
    assert_eq!(after, json!(before.as_i64().unwrap_or_default() + 1));
}

#[tokio::test(flavor = "multi_thread")]
async fn directive_and_error_floods_answer_briefly() {
    let app = TestApp::new().await;
    let directives: String = (0..10_000).map(|_| "@skip(if: false) ").collect();
    let response = app
        .gql(&format!("{{ __typename {directives} }}"), json!({}), None)
        .await;
    assert_eq!(
        codes(&response),
        ["QUERY_TOO_COMPLEX"],
        "{}",
        &response.to_string()[..300]
    );

    let unknown: String = (0..200).map(|i| format!("f{i} ")).collect();
    let response = app
        .gql(&format!("{{ viewer {{ {unknown} }} }}"), json!({}), None)
        .await;
    let errors = response["errors"].as_array().expect("errors");
    assert_eq!(errors.len(), 51, "50 errors and one saying how many more");
    assert_eq!(errors[50]["message"], "150 more errors were left out");
    assert_eq!(errors[50]["extensions"]["code"], "GRAPHQL_VALIDATION_FAILED");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_parse_error_quotes_an_excerpt_not_the_document() {
    let app = TestApp::new().await;
    let document = format!("{{ viewer {{ {} ", "email ".repeat(20_000));
    let response = app.gql(&document, json!({}), None).await;
    assert_eq!(codes(&response), ["GRAPHQL_PARSE_FAILED"]);
    let size = response.to_string().len();
    assert!(
        size < 2_000,
        "the answer is {size} bytes for a {} byte document",
        document.len()
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn only_json_posts_run_so_a_cross_site_form_cannot() {
    let app = TestApp::new().await;
    let sign_up = json!({
        "query": "mutation { signUp(input: { email: \"csrf@example.com\", password: \"correct horse battery\" }) { accessToken } }",
    })
    .to_string();
    for content_type in [
        Some("text/plain"),
        Some("application/x-www-form-urlencoded"),
        Some("multipart/form-data; boundary=x"),
        None,
    ] {
        let mut request = Request::post("/graphql");
        if let Some(content_type) = content_type {
            request = request.header("content-type", content_type);
        }
        let (status, body) = app
            .send(request.body(Body::from(sign_up.clone())).expect("request"))
            .await;
        assert_eq!(status, StatusCode::UNSUPPORTED_MEDIA_TYPE, "{content_type:?}");
        let body: Value = serde_json::from_slice(&body).expect("json");
        assert_eq!(codes(&body), ["BAD_REQUEST"]);
    }
    // Nothing was created: the address is still free.
    app.sign_up("csrf@example.com").await;

    let (status, body) = app
        .send(
            Request::post("/graphql")
                .header("content-type", "application/json; charset=utf-8")
                .body(Body::from("[1, 2"))
                .expect("request"),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let text = String::from_utf8_lossy(&body);
    assert!(!text.contains("BatchRequest"), "no Rust type names: {text}");
}
