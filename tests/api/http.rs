use axum::body::Body;
use axum::http::{Request, StatusCode};
use serde_json::{Value, json};

use crate::support::{TestApp, codes};

#[tokio::test(flavor = "multi_thread")]
async fn health_graphiql_and_request_ids() {
    let app = TestApp::new().await;
    let (status, body) = app
        .send(
            Request::get("/health/live")
                .body(Body::empty())
                .unwrap_or_default(),
        )
        .await;
    assert_eq!((status, body.as_slice()), (StatusCode::OK, b"ok".as_slice()));
    let (status, body) = app
        .send(
            Request::get("/health/ready")
                .body(Body::empty())
                .unwrap_or_default(),
        )
        .await;
    assert_eq!((status, body.as_slice()), (StatusCode::OK, b"ready".as_slice()));

    let (status, body) = app
        .send(Request::get("/graphql").body(Body::empty()).unwrap_or_default())
        .await;
    assert_eq!(status, StatusCode::OK);
    let page = String::from_utf8_lossy(&body);
    assert!(
        page.contains("graphiql") && page.contains("/graphql/ws"),
        "{page}"
    );

    let response = tower::ServiceExt::oneshot(
        app.router.clone(),
        Request::get("/health/live")
            .body(Body::empty())
            .unwrap_or_default(),
    )
    .await
    .map(|r| r.headers().get("x-request-id").is_some());
    assert_eq!(response.ok(), Some(true));
}

#[tokio::test(flavor = "multi_thread")]
async fn ready_is_false_before_migrations() {
    let database_url = crate::support::empty_database().await;
    let pool = careergraph::db::pool(&database_url, 1, Default::default()).unwrap_or_else(|e| panic!("{e}"));
    assert!(!careergraph::db::is_ready(&pool).await);
    careergraph::db::migrate(&database_url)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(careergraph::db::is_ready(&pool).await);
}

#[tokio::test(flavor = "multi_thread")]
async fn cors_allows_only_configured_origins() {
    let app = TestApp::new().await;
    let preflight = |origin: &str| {
        Request::builder()
            .method("OPTIONS")
            .uri("/graphql")
            .header("origin", origin)
            .header("access-control-request-method", "POST")
            .header("access-control-request-headers", "authorization,content-type")
            .body(Body::empty())
            .unwrap_or_default()
    };
    let allowed = tower::ServiceExt::oneshot(app.router.clone(), preflight("http://localhost:5173")).await;
    let allowed = allowed.map(|r| r.headers().get("access-control-allow-origin").cloned());
    assert_eq!(
        allowed.ok().flatten().as_ref().map(|v| v.as_bytes()),
        Some(b"http://localhost:5173".as_slice())
    );
    let denied = tower::ServiceExt::oneshot(app.router.clone(), preflight("https://evil.example")).await;
    let denied = denied.map(|r| r.headers().get("access-control-allow-origin").cloned());
    assert_eq!(denied.ok().flatten(), None);
}

#[tokio::test(flavor = "multi_thread")]
async fn engine_errors_carry_codes() {
    let app = TestApp::new().await;
    let parse = app.gql("{ viewer { ", json!({}), None).await;
    assert_eq!(codes(&parse), ["GRAPHQL_PARSE_FAILED"]);
    let too_nested = format!("{}{}", "{ a ".repeat(40), "}".repeat(40));
    let too_nested = app.gql(&too_nested, json!({}), None).await;
    assert_eq!(codes(&too_nested), ["GRAPHQL_PARSE_FAILED"]);
    let unknown_field = app.gql("{ viewer { nope } }", json!({}), None).await;
    assert_eq!(codes(&unknown_field), ["GRAPHQL_VALIDATION_FAILED"]);
    let wrong_variable = app
        .gql(
            "mutation($input: CredentialsInput!) { signIn(input: $input) { accessToken } }",
            json!({ "input": { "email": 5 } }),
            None,
        )
        .await;
    assert_eq!(codes(&wrong_variable), ["BAD_USER_INPUT"], "{wrong_variable}");
    assert_eq!(
        wrong_variable["errors"][0]["extensions"]["field"], "email",
        "{wrong_variable}"
    );
    let operation = app
        .gql("query A { __typename } query B { __typename }", json!({}), None)
        .await;
    assert_eq!(codes(&operation), ["GRAPHQL_VALIDATION_FAILED"]);
}

#[tokio::test(flavor = "multi_thread")]
async fn deep_and_complex_queries_are_refused() {
    let app = TestApp::with_args(&["--max-depth", "3", "--max-complexity", "6"]).await;
    let deep = app
        .gql(
            "{ viewer { profile { mbti { type } } } __typename }",
            json!({}),
            None,
        )
        .await;
    assert_eq!(codes(&deep), ["QUERY_TOO_COMPLEX"], "{deep}");
    let wide = app
        .gql(
            "{ viewer { id email role loginCount isVerified createdAt } }",
            json!({}),
            None,
        )
        .await;
    assert_eq!(codes(&wide), ["QUERY_TOO_COMPLEX"], "{wide}");
    let fine = app.gql("{ __typename }", json!({}), None).await;
    assert_eq!(fine["data"]["__typename"], "Query");
}

#[tokio::test(flavor = "multi_thread")]
async fn oversized_bodies_bad_json_and_big_batches_are_refused() {
    let app = TestApp::with_args(&["--max-body-bytes", "2048", "--max-batch", "2"]).await;
    let padding = "x".repeat(4096);
    let body =
        serde_json::to_vec(&json!({ "query": format!("{{ __typename }} # {padding}") })).unwrap_or_default();
    let (status, response) = app.post(body, None).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(codes(&response), ["PAYLOAD_TOO_LARGE"]);

    let (status, response) = app.post(b"{not json".to_vec(), None).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(codes(&response), ["GRAPHQL_PARSE_FAILED"]);

    let op = json!({ "query": "{ __typename }" });
    let (status, response) = app
        .post(serde_json::to_vec(&json!([op, op])).unwrap_or_default(), None)
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        response,
        json!([{ "data": { "__typename": "Query" } }, { "data": { "__typename": "Query" } }])
    );
    let (status, response) = app
        .post(serde_json::to_vec(&json!([op, op, op])).unwrap_or_default(), None)
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(codes(&response), ["BAD_USER_INPUT"]);
    assert_eq!(response["data"], Value::Null);
}
