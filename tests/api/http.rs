use axum::body::Body;
use axum::http::{HeaderMap, Request, StatusCode};
use http_body_util::BodyExt;
use serde_json::{Value, json};

use crate::support::{Account, PASSWORD, TestApp, codes};

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
        .send(
            Request::get("/graphql")
                .header("accept", "text/html,application/xhtml+xml,*/*;q=0.8")
                .body(Body::empty())
                .unwrap_or_default(),
        )
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
    let app = TestApp::with_args(&["--max-depth", "3", "--max-fields", "6"]).await;
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

/// Sends `request`; the status, the headers and the body as JSON (`{"raw": …}` if it is not).
async fn exchange(app: &TestApp, request: Request<Body>) -> (StatusCode, HeaderMap, Value) {
    let response = tower::ServiceExt::oneshot(app.router.clone(), request)
        .await
        .expect("the router answers");
    let (parts, body) = response.into_parts();
    let body = body.collect().await.expect("body").to_bytes();
    let value =
        serde_json::from_slice(&body).unwrap_or_else(|_| json!({ "raw": String::from_utf8_lossy(&body) }));
    (parts.status, parts.headers, value)
}

fn content_type(headers: &HeaderMap) -> &str {
    headers
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
}

fn get(uri: &str, accept: &str) -> Request<Body> {
    Request::get(uri)
        .header("accept", accept)
        .body(Body::empty())
        .unwrap_or_default()
}

fn encoded(text: &str) -> String {
    url::form_urlencoded::byte_serialize(text.as_bytes()).collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn get_runs_queries_and_refuses_mutations() {
    let app = TestApp::new().await;
    let uri = format!(
        "/graphql?query={}&variables={}&operationName=T",
        encoded("query T($name: String!) { __type(name: $name) { name } }"),
        encoded(r#"{"name":"Query"}"#)
    );
    let (status, headers, body) = exchange(&app, get(&uri, "application/json")).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(content_type(&headers), "application/json");
    assert_eq!(body, json!({ "data": { "__type": { "name": "Query" } } }));

    // A browser asking for a page with a query gets the answer, not GraphiQL.
    let (status, _, body) = exchange(
        &app,
        get(
            &format!("/graphql?query={}", encoded("{ __typename }")),
            "text/html,*/*;q=0.8",
        ),
    )
    .await;
    assert_eq!(
        (status, body),
        (StatusCode::OK, json!({ "data": { "__typename": "Query" } }))
    );

    let mutation = format!(
        "/graphql?query={}",
        encoded("mutation { signIn(input: {email: \"a@b.c\", password: \"x\"}) { accessToken } }")
    );
    let (status, headers, body) = exchange(&app, get(&mutation, "application/json")).await;
    assert_eq!(status, StatusCode::METHOD_NOT_ALLOWED, "{body}");
    assert_eq!(
        headers.get("allow").map(|v| v.as_bytes()),
        Some(b"POST".as_slice())
    );
    assert_eq!(codes(&body), ["BAD_REQUEST"]);
    // The operation chosen by name decides.
    let named = format!(
        "/graphql?query={}&operationName=M",
        encoded("query Q { __typename } mutation M { __typename }")
    );
    let (status, _, _) = exchange(&app, get(&named, "application/json")).await;
    assert_eq!(status, StatusCode::METHOD_NOT_ALLOWED);

    let (status, _, body) = exchange(&app, get("/graphql", "application/json")).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(codes(&body), ["BAD_REQUEST"]);
    let (status, _, body) = exchange(
        &app,
        get(
            &format!("/graphql?query={}&variables=%7Bnot", encoded("{ __typename }")),
            "*/*",
        ),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
}

fn post(body: &str, accept: &str) -> Request<Body> {
    Request::post("/graphql")
        .header("content-type", "application/json")
        .header("accept", accept)
        .body(Body::from(body.to_owned()))
        .unwrap_or_default()
}

#[tokio::test(flavor = "multi_thread")]
async fn graphql_response_json_answers_request_errors_with_400_and_no_data() {
    let app = TestApp::new().await;
    const GRAPHQL_RESPONSE: &str = "application/graphql-response+json";
    let request_errors = [
        (r#"{"query":"{"}"#, "GRAPHQL_PARSE_FAILED"),
        (r#"{"query":"{ nope }"}"#, "GRAPHQL_VALIDATION_FAILED"),
        (
            r#"{"query":"query($id: ID!) { node(id: $id) { id } }","variables":{"id":null}}"#,
            "BAD_USER_INPUT",
        ),
    ];
    for (body, code) in request_errors {
        let (status, headers, response) = exchange(&app, post(body, GRAPHQL_RESPONSE)).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}: {response}");
        assert!(content_type(&headers).starts_with(GRAPHQL_RESPONSE));
        assert!(response.get("data").is_none(), "{response}");
        assert_eq!(codes(&response), [code], "{body}");

        // application/json, the default, answers as it always did.
        for accept in ["application/json", "*/*"] {
            let (status, headers, response) = exchange(&app, post(body, accept)).await;
            assert_eq!(status, StatusCode::OK, "{body}: {response}");
            assert_eq!(content_type(&headers), "application/json");
            assert_eq!(response["data"], Value::Null);
            assert_eq!(codes(&response), [code]);
        }
    }
    // A field's error is no request error: 200, with `data`.
    let (status, _, response) = exchange(
        &app,
        post(r#"{"query":"{ viewer { email } }"}"#, GRAPHQL_RESPONSE),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(response["data"], Value::Null);
    assert_eq!(codes(&response), ["UNAUTHENTICATED"]);
    let (status, headers, response) =
        exchange(&app, post(r#"{"query":"{ __typename }"}"#, GRAPHQL_RESPONSE)).await;
    assert_eq!(status, StatusCode::OK);
    assert!(content_type(&headers).starts_with(GRAPHQL_RESPONSE));
    assert_eq!(response, json!({ "data": { "__typename": "Query" } }));

    // Parameters of the wrong type are refused before the engine, whatever the media type.
    for body in [
        r#"{"qeury":"{ __typename }"}"#,
        r#"{"query":0}"#,
        r#"{"query":"{ __typename }","variables":"x"}"#,
        r#"{"query":"{ __typename }","operationName":false}"#,
        r#"{"query":"{ __typename }","extensions":["x"]}"#,
        "",
    ] {
        let (status, _, response) = exchange(&app, post(body, "application/json")).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}: {response}");
        assert_eq!(codes(&response), ["BAD_REQUEST"], "{body}");
    }
    let untyped = Request::post("/graphql")
        .body(Body::from(r#"{"query":"{ __typename }"}"#))
        .unwrap_or_default();
    let (status, _, _) = exchange(&app, untyped).await;
    assert_eq!(status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
}

/// POSTs `query` (with `variables`) as `who`: the HTTP status, the `Retry-After` header and
/// the body.
async fn posted(
    app: &TestApp,
    who: Option<&Account>,
    query: &str,
    variables: Value,
) -> (u16, Option<String>, Value) {
    let mut request = Request::post("/graphql").header("content-type", "application/json");
    if let Some(who) = who {
        request = request.header("authorization", format!("Bearer {}", who.access_token));
    }
    let body = json!({ "query": query, "variables": variables }).to_string();
    let response = tower::ServiceExt::oneshot(
        app.router.clone(),
        request.body(Body::from(body)).unwrap_or_default(),
    )
    .await
    .expect("a response");
    let status = response.status().as_u16();
    let retry_after = response
        .headers()
        .get("retry-after")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let bytes = response
        .into_body()
        .collect()
        .await
        .map(|b| b.to_bytes())
        .unwrap_or_default();
    (
        status,
        retry_after,
        serde_json::from_slice(&bytes).unwrap_or(Value::Null),
    )
}

#[tokio::test(flavor = "multi_thread")]
async fn rate_limits_refuse_with_429_and_recover() {
    let app = TestApp::new().await;
    let me = app.sign_up("rated@example.com").await;
    let other = app.sign_up("unrated@example.com").await;

    // Query cost: 120 nodes a minute per user (two a second); `{ viewer { email } }` costs 1
    // and a page of 50 skills 50.
    let limited = TestApp::on(&app.database_url, &["--rate-limit-cost", "120"]);
    let page = "{ viewer { skills(first: 50) { totalCount } } }";
    for _ in 0..2 {
        let (status, _, body) = posted(&limited, Some(&me), page, json!({})).await;
        assert_eq!(status, 200, "{body}");
    }
    let (status, retry_after, body) = posted(&limited, Some(&me), page, json!({})).await;
    assert_eq!(status, 429, "{body}");
    assert_eq!(body["errors"][0]["extensions"]["code"], "RATE_LIMITED", "{body}");
    let wait = body["errors"][0]["extensions"]["retryAfter"]
        .as_u64()
        .unwrap_or(0);
    assert!((1..=60).contains(&wait), "{body}");
    assert_eq!(retry_after, Some(wait.to_string()));
    assert_eq!(body["data"], Value::Null);
    // Another user has a budget of their own.
    let (status, _, _) = posted(&limited, Some(&other), page, json!({})).await;
    assert_eq!(status, 200);
    // The budget refills continuously: a cheap query passes again within a few seconds.
    let mut recovered = false;
    for _ in 0..40 {
        tokio::time::sleep(std::time::Duration::from_millis(250)).await;
        if posted(&limited, Some(&me), "{ viewer { email } }", json!({}))
            .await
            .0
            == 200
        {
            recovered = true;
            break;
        }
    }
    assert!(recovered, "the cost budget never refilled");

    // Credential checks: 3 a minute per address; the fourth sign-in is refused before any
    // password is checked, whatever the account.
    let strict = TestApp::on(&app.database_url, &["--rate-limit-credentials", "3"]);
    let sign_in = "mutation($input: CredentialsInput!) { signIn(input: $input) { accessToken } }";
    for email in ["rated@example.com", "unrated@example.com", "rated@example.com"] {
        let (status, _, body) = posted(
            &strict,
            None,
            sign_in,
            json!({ "input": { "email": email, "password": PASSWORD } }),
        )
        .await;
        assert_eq!(status, 200, "{body}");
        assert!(body["data"]["signIn"]["accessToken"].is_string(), "{body}");
    }
    let (status, retry_after, body) = posted(
        &strict,
        None,
        sign_in,
        json!({ "input": { "email": "unrated@example.com", "password": PASSWORD } }),
    )
    .await;
    assert_eq!(
        (status, body["errors"][0]["extensions"]["code"].clone()),
        (429, json!("RATE_LIMITED")),
        "{body}"
    );
    assert!(retry_after.is_some());
    // Queries without credentials are not charged to that budget.
    let (status, _, _) = posted(&strict, Some(&me), "{ viewer { email } }", json!({})).await;
    assert_eq!(status, 200);
    // Off by default.
    for _ in 0..5 {
        let (status, _, _) = posted(
            &app,
            None,
            sign_in,
            json!({ "input": { "email": "rated@example.com", "password": PASSWORD } }),
        )
        .await;
        assert_eq!(status, 200);
    }
}
