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
        "query": "mutation { signUp(input: { email: \"csrf@example.com\", password: \"correct horse battery\", acceptTerms: true }) { accessToken } }",
    })
    .to_string();
    // Multipart is the file upload spec's, run only with a header a plain form cannot send.
    for (content_type, refusal) in [
        (Some("text/plain"), StatusCode::UNSUPPORTED_MEDIA_TYPE),
        (
            Some("application/x-www-form-urlencoded"),
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
        ),
        (Some("multipart/form-data; boundary=x"), StatusCode::BAD_REQUEST),
        (None, StatusCode::UNSUPPORTED_MEDIA_TYPE),
    ] {
        let mut request = Request::post("/graphql");
        if let Some(content_type) = content_type {
            request = request.header("content-type", content_type);
        }
        let (status, body) = app
            .send(request.body(Body::from(sign_up.clone())).expect("request"))
            .await;
        assert_eq!(status, refusal, "{content_type:?}");
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

#[tokio::test(flavor = "multi_thread")]
async fn failed_sign_ins_slow_the_account_down_and_a_success_clears_it() {
    let app = TestApp::new().await;
    app.sign_up("guessed@example.com").await;
    let attempt = async |password: &str| {
        app.gql(
            &format!("mutation($input: CredentialsInput!) {{ {SIGN_IN} }}"),
            json!({ "input": { "email": "guessed@example.com", "password": password } }),
            None,
        )
        .await
    };
    for _ in 0..5 {
        assert_eq!(codes(&attempt("wrong password").await), ["UNAUTHENTICATED"]);
    }
    // Now even the right password waits: nothing is checked until the delay has passed.
    let slowed = attempt(PASSWORD).await;
    assert_eq!(codes(&slowed), ["RATE_LIMITED"], "{slowed}");
    let retry_after = slowed["errors"][0]["extensions"]["retryAfter"]
        .as_u64()
        .expect("retryAfter");
    assert_eq!(retry_after, 1);
    // Another account is not affected.
    app.sign_up("bystander@example.com").await;
    login_count(&app, "bystander@example.com").await;

    tokio::time::sleep(std::time::Duration::from_millis(1_100)).await;
    let recovered = attempt(PASSWORD).await;
    assert!(recovered.get("errors").is_none(), "{recovered}");
    assert_eq!(
        codes(&attempt("wrong password").await),
        ["UNAUTHENTICATED"],
        "the count starts again"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn production_switches_hide_introspection_suggestions_and_graphiql() {
    let open = TestApp::new().await;
    let typo = open.gql("{ viewr { id } }", json!({}), None).await;
    assert!(
        typo.to_string().contains("Did you mean"),
        "suggestions by default: {typo}"
    );
    let schema = open
        .gql("{ __schema { queryType { name } } }", json!({}), None)
        .await;
    assert_eq!(schema["data"]["__schema"]["queryType"]["name"], "Query");

    let closed = TestApp::with_args(&[
        "--introspection",
        "false",
        "--field-suggestions",
        "false",
        "--graphiql",
        "false",
    ])
    .await;
    let typo = closed.gql("{ viewr { id } }", json!({}), None).await;
    assert_eq!(codes(&typo), ["GRAPHQL_VALIDATION_FAILED"]);
    assert!(!typo.to_string().contains("Did you mean"), "{typo}");
    let schema = closed
        .gql("{ __schema { queryType { name } } }", json!({}), None)
        .await;
    assert!(schema["data"]["__schema"].is_null(), "{schema}");
    let (status, _) = closed
        .send(
            Request::get("/graphql")
                .header("accept", "text/html")
                .body(Body::empty())
                .expect("request"),
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test(flavor = "multi_thread")]
async fn only_short_plain_request_ids_are_echoed() {
    let app = TestApp::new().await;
    for (sent, kept) in [
        ("trace-42.a_b", true),
        ("<script>alert(1)</script>", false),
        (&"x".repeat(65)[..], false),
    ] {
        let response = tower::ServiceExt::oneshot(
            app.router.clone(),
            Request::get("/health/live")
                .header("x-request-id", sent)
                .body(Body::empty())
                .expect("request"),
        )
        .await
        .expect("an answer");
        let echoed = response
            .headers()
            .get("x-request-id")
            .and_then(|value| value.to_str().ok())
            .unwrap_or_default()
            .to_owned();
        assert_eq!(echoed == sent, kept, "{sent} → {echoed}");
        assert!(!echoed.is_empty());
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_token_not_valid_yet_is_refused() {
    let app = TestApp::new().await;
    let me = app.sign_up("not-yet@example.com").await;
    let user_id = crate::applications::uuid_of(&me.user_id);
    let now = chrono::Utc::now().timestamp();
    let token = |nbf: Option<i64>| {
        let mut claims = json!({ "sub": user_id, "iat": now, "exp": now + 600, "iss": "careergraph" });
        if let Some(nbf) = nbf {
            claims["nbf"] = json!(nbf);
        }
        jsonwebtoken::encode(
            &jsonwebtoken::Header::new(jsonwebtoken::Algorithm::HS256),
            &claims,
            &jsonwebtoken::EncodingKey::from_secret(crate::support::JWT_SECRET),
        )
        .expect("a token")
    };
    let viewer = "{ viewer { email } }";
    let valid = app.gql(viewer, json!({}), Some(&token(None))).await;
    assert_eq!(valid["data"]["viewer"]["email"], "not-yet@example.com", "{valid}");
    let early = app.gql(viewer, json!({}), Some(&token(Some(now + 3600)))).await;
    assert_eq!(codes(&early), ["UNAUTHENTICATED"], "{early}");
}

/// Serves the app's router through the server's own connection loop on a loopback port.
async fn serve_limited(app: &TestApp, max_connections: usize, header_timeout: u64) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("a free port");
    let address = listener.local_addr().expect("address").to_string();
    let limits = careergraph::http_server::ConnectionLimits {
        max_connections,
        header_timeout: std::time::Duration::from_secs(header_timeout),
        shutdown_grace: std::time::Duration::from_secs(1),
    };
    let router = app.router.clone();
    tokio::spawn(careergraph::http_server::serve(
        listener,
        router,
        limits,
        std::future::pending(),
    ));
    address
}

/// Reads until the server closes the connection (or `within` passes: false).
async fn closed_within(stream: &mut tokio::net::TcpStream, within: std::time::Duration) -> bool {
    use tokio::io::AsyncReadExt;
    let mut buffer = [0u8; 1024];
    tokio::time::timeout(within, async {
        loop {
            match stream.read(&mut buffer).await {
                Ok(0) | Err(_) => return,
                Ok(_) => {}
            }
        }
    })
    .await
    .is_ok()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_client_that_sends_its_headers_slowly_is_cut_off() {
    use tokio::io::AsyncWriteExt;
    let app = TestApp::new().await;
    let address = serve_limited(&app, 100, 1).await;
    let mut slow = tokio::net::TcpStream::connect(&address).await.expect("connects");
    let (mut reader, mut writer) = slow.split();
    let trickle = async {
        for byte in b"GET /health/live HTTP/1.1\r\nhost: x\r\nx-slow: " {
            if writer.write_all(&[*byte]).await.is_err() {
                return;
            }
            tokio::time::sleep(std::time::Duration::from_millis(200)).await;
        }
    };
    let closed = async {
        use tokio::io::AsyncReadExt;
        let mut buffer = [0u8; 1024];
        loop {
            match reader.read(&mut buffer).await {
                Ok(0) | Err(_) => return true,
                Ok(_) => {}
            }
        }
    };
    let cut = tokio::select! {
        closed = closed => closed,
        () = trickle => false,
    };
    assert!(cut, "the server kept a connection whose headers took 8 s");
    // Prompt clients are served on the same loop.
    let (status, body) = crate::serve::http(&address, "GET", "/health/live", None)
        .await
        .expect("an answer");
    assert_eq!((status, body.as_str()), (200, "ok"));
}

#[tokio::test(flavor = "multi_thread")]
async fn connections_beyond_the_cap_wait_until_one_ends() {
    let app = TestApp::new().await;
    let address = serve_limited(&app, 2, 2).await;
    let mut idle = Vec::new();
    for _ in 0..2 {
        idle.push(tokio::net::TcpStream::connect(&address).await.expect("connects"));
    }
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    let third = tokio::spawn({
        let address = address.clone();
        async move { crate::serve::http(&address, "GET", "/health/live", None).await }
    });
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    assert!(
        !third.is_finished(),
        "a third connection was served while two were held"
    );
    for stream in &mut idle {
        assert!(
            closed_within(stream, std::time::Duration::from_secs(10)).await,
            "an idle connection stayed"
        );
    }
    let answer = third.await.expect("the third client");
    assert_eq!(answer.map(|(status, _)| status), Some(200));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_huge_search_is_refused_as_input() {
    let app = TestApp::new().await;
    let me = app.sign_up("searcher@example.com").await;
    let query =
        "query($search: String) { viewer { jobPostings(filter: { search: $search }) { totalCount } } }";
    let huge = "rust ".repeat(100_000);
    let response = app
        .gql(query, json!({ "search": huge }), Some(&me.access_token))
        .await;
    assert_eq!(
        codes(&response),
        ["BAD_USER_INPUT"],
        "{}",
        &response.to_string()[..300.min(response.to_string().len())]
    );
    let fine = app
        .ok(
            query,
            json!({ "search": "rust -java \"staff engineer\"" }),
            Some(&me.access_token),
        )
        .await;
    assert_eq!(fine["viewer"]["jobPostings"]["totalCount"], 0);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_websocket_keeps_its_place_among_the_connections() {
    let app = TestApp::new().await;
    let address = serve_limited(&app, 1, 30).await;
    let mut socket = crate::subscriptions::connect(&address, "graphql-transport-ws").await;
    crate::subscriptions::send(&mut socket, json!({ "type": "connection_init", "payload": {} })).await;
    assert_eq!(
        crate::subscriptions::receive(&mut socket)
            .await
            .map(|m| m["type"].clone()),
        Some(json!("connection_ack"))
    );
    // Two sign-ins in one operation sent over the socket are refused as over HTTP.
    let stuffing = format!("mutation($input: CredentialsInput!) {{ a: {SIGN_IN} b: {SIGN_IN} }}");
    crate::subscriptions::send(&mut socket, json!({ "id": "m", "type": "subscribe", "payload": { "query": stuffing, "variables": { "input": { "email": "x@example.com", "password": PASSWORD } } } })).await;
    let answer = crate::subscriptions::receive(&mut socket)
        .await
        .expect("an answer");
    let errors = answer["payload"]["errors"].clone();
    let errors = if errors.is_null() {
        answer["payload"].clone()
    } else {
        errors
    };
    assert_eq!(
        errors[0]["extensions"]["code"], "GRAPHQL_VALIDATION_FAILED",
        "{answer}"
    );

    let waiting = tokio::spawn({
        let address = address.clone();
        async move { crate::serve::http(&address, "GET", "/health/live", None).await }
    });
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    assert!(
        !waiting.is_finished(),
        "served while the only place was the socket's"
    );
    socket.close(None).await.ok();
    drop(socket);
    let answer = tokio::time::timeout(std::time::Duration::from_secs(10), waiting)
        .await
        .expect("served once the socket closed")
        .expect("the client");
    assert_eq!(answer.map(|(status, _)| status), Some(200));
}

/// A type reference from introspection (`{ kind name ofType { … } }`) as written in a document.
fn written_type(reference: &Value) -> String {
    match reference["kind"].as_str() {
        Some("NON_NULL") => format!("{}!", written_type(&reference["ofType"])),
        Some("LIST") => format!("[{}]", written_type(&reference["ofType"])),
        _ => reference["name"].as_str().unwrap_or_default().to_owned(),
    }
}

/// The named type under any list and non-null wrappers.
fn named(reference: &Value) -> &Value {
    if reference["ofType"].is_object() {
        named(&reference["ofType"])
    } else {
        reference
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn control_characters_in_any_string_input_are_refused_naming_the_field() {
    let app = TestApp::new().await;
    let me = app.sign_up("controls@example.com").await;
    let type_ref = "kind name ofType { kind name ofType { kind name ofType { kind name } } }";
    let schema = app
        .ok(
            &format!(
                "{{ __schema {{ mutationType {{ fields {{ name args {{ name type {{ {type_ref} }} }} }} }}
                   types {{ name kind inputFields {{ name type {{ {type_ref} }} }} }} }} }}"
            ),
            json!({}),
            None,
        )
        .await;
    let inputs: std::collections::HashMap<&str, &Value> = schema["__schema"]["types"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|t| t["kind"] == "INPUT_OBJECT")
        .filter_map(|t| Some((t["name"].as_str()?, &t["inputFields"])))
        .collect();

    // Every string input field of every mutation's arguments, top level and one object deep.
    let mut tried = 0;
    for mutation in schema["__schema"]["mutationType"]["fields"]
        .as_array()
        .into_iter()
        .flatten()
    {
        let name = mutation["name"].as_str().unwrap_or_default();
        for argument in mutation["args"].as_array().into_iter().flatten() {
            let argument_name = argument["name"].as_str().unwrap_or_default();
            let declared = written_type(&argument["type"]);
            let Some(fields) = named(&argument["type"])["name"]
                .as_str()
                .and_then(|n| inputs.get(n))
            else {
                continue;
            };
            for field in fields.as_array().into_iter().flatten() {
                let field_name = field["name"].as_str().unwrap_or_default();
                let value = match (
                    named(&field["type"])["name"].as_str(),
                    written_type(&field["type"]),
                ) {
                    (Some("String"), written) if written.contains('[') => json!(["fine", "bad\u{0}"]),
                    (Some("String"), _) => json!("bad\u{0}"),
                    _ => continue,
                };
                let document =
                    format!("mutation($a: {declared}) {{ {name}({argument_name}: $a) {{ __typename }} }}");
                let response = app
                    .gql(
                        &document,
                        json!({ "a": { field_name: value } }),
                        Some(&me.access_token),
                    )
                    .await;
                assert_eq!(
                    codes(&response),
                    ["BAD_USER_INPUT"],
                    "{name}.{field_name}: {response}"
                );
                let expected = if value.is_array() {
                    format!("{field_name}.1")
                } else {
                    field_name.to_owned()
                };
                assert_eq!(
                    response["errors"][0]["extensions"]["field"], expected,
                    "{name}.{field_name}: {response}"
                );
                tried += 1;
            }
        }
    }
    assert!(tried >= 50, "only {tried} string inputs found");

    // Written in the document too, anywhere: an escape in a literal, other C0 characters.
    for text in ["\\u0000", "\\u001b[2J", "a\\u0007"] {
        let document =
            format!("mutation {{ createStrength(input: {{name: \"{text}\"}}) {{ strength {{ id }} }} }}");
        let response = app.gql(&document, json!({}), Some(&me.access_token)).await;
        assert_eq!(codes(&response), ["BAD_USER_INPUT"], "{response}");
        assert_eq!(response["errors"][0]["extensions"]["field"], "name");
    }
    // Tab, line feed and carriage return are text.
    let fine = app
        .ok(
            "mutation($input: CreateStrengthInput!) { createStrength(input: $input) { strength { name } } }",
            json!({ "input": { "name": "a\tb" } }),
            Some(&me.access_token),
        )
        .await;
    assert_eq!(fine["createStrength"]["strength"]["name"], "a\tb");
    let strengths = app
        .ok(
            "{ viewer { strengths { totalCount } } }",
            json!({}),
            Some(&me.access_token),
        )
        .await;
    assert_eq!(
        strengths["viewer"]["strengths"]["totalCount"], 1,
        "nothing else was written"
    );
}
