//! Account state, sessions and revocation at once (#23, #26): deactivation blocks sign-in,
//! refresh and open sockets and hides the shared record; sessions are listed and revoked;
//! sign-out-everywhere-else and a password change refuse older access tokens on every server
//! copy; a deleted user's token is `UNAUTHENTICATED`; and none of it costs a statement per
//! request.

use std::time::{Duration, Instant};

use axum::body::Body;
use axum::http::Request;
use diesel_async::{AsyncConnection, AsyncPgConnection, SimpleAsyncConnection};
use futures_util::StreamExt;
use serde_json::{Value, json};
use tokio_tungstenite::tungstenite::Message;

use crate::career::mutate;
use crate::hiring::{cast, create_requisition, done, id, node_code, open_and_publish};
use crate::subscriptions::{Socket, connect, receive, send, serve};
use crate::support::{Account, PASSWORD, TestApp, codes, only_error};

const SIGN_IN: &str = "mutation($i: CredentialsInput!) { signIn(input: $i) { accessToken refreshToken accessTokenExpiresAt refreshTokenExpiresAt session { id current } } }";
const REFRESH: &str =
    "mutation($t: String!) { refreshSession(input: { refreshToken: $t }) { accessToken refreshToken } }";
const DEACTIVATE: &str =
    "mutation($id: ID!) { deactivateUser(input: { id: $id }) { userId email isActive revokedSessionCount } }";
const REACTIVATE: &str =
    "mutation($id: ID!) { reactivateUser(input: { id: $id }) { userId isActive revokedSessionCount } }";
const UPDATE_PROFILE: &str =
    "mutation { updateProfile(input: { headline: \"Engineer\" }) { profile { headline } } }";
const SESSIONS: &str = "{ viewer { sessions { id clientLabel userAgent current active createdAt lastUsedAt expiresAt revokedAt } } }";

const FIREFOX: &str = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0";
const CURL: &str = "curl/8.5.0";

async fn sql(app: &TestApp, statement: &str) {
    let mut conn = AsyncPgConnection::establish(&app.database_url)
        .await
        .expect("a connection");
    conn.batch_execute(statement).await.expect("the statement runs");
}

/// A signed-up platform admin.
async fn platform_admin(app: &TestApp, email: &str) -> Account {
    let admin = app.sign_up(email).await;
    sql(
        app,
        &format!("update users set role = 'admin' where email = '{email}'"),
    )
    .await;
    admin
}

/// Signs in with a `User-Agent`; the whole response.
async fn sign_in_as(app: &TestApp, email: &str, password: &str, user_agent: Option<&str>) -> Value {
    let body = json!({ "query": SIGN_IN, "variables": { "i": { "email": email, "password": password } } });
    let mut request = Request::post("/graphql").header("content-type", "application/json");
    if let Some(agent) = user_agent {
        request = request.header("user-agent", agent);
    }
    let (_, body) = app
        .send(request.body(Body::from(body.to_string())).expect("request"))
        .await;
    serde_json::from_slice(&body).expect("json")
}

/// A new session of `email`: (access token, refresh token).
async fn session_of(app: &TestApp, email: &str, user_agent: Option<&str>) -> (String, String) {
    let response = sign_in_as(app, email, PASSWORD, user_agent).await;
    assert!(response.get("errors").is_none(), "{response}");
    let payload = &response["data"]["signIn"];
    (
        payload["accessToken"].as_str().expect("access").to_owned(),
        payload["refreshToken"].as_str().expect("refresh").to_owned(),
    )
}

fn first_code(response: &Value) -> String {
    codes(response)
        .into_iter()
        .next()
        .unwrap_or_else(|| "ok".to_owned())
}

/// The code `UPDATE_PROFILE` gets with `token` ("ok" without error).
async fn update_code(app: &TestApp, token: &str) -> String {
    first_code(&app.gql(UPDATE_PROFILE, json!({}), Some(token)).await)
}

/// Polls `update_code` until it is `UNAUTHENTICATED`, failing after a second; how long it
/// took.
async fn refused_within_a_second(app: &TestApp, token: &str) -> Duration {
    let started = Instant::now();
    loop {
        let code = update_code(app, token).await;
        if code == "UNAUTHENTICATED" {
            return started.elapsed();
        }
        assert!(
            started.elapsed() < Duration::from_secs(1),
            "the token still gets {code} after {:?}",
            started.elapsed()
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// An acknowledged graphql-transport-ws socket on `address` for `token`.
async fn open_socket(address: &str, token: &str) -> Socket {
    let mut socket = connect(address, "graphql-transport-ws").await;
    send(
        &mut socket,
        json!({ "type": "connection_init", "payload": { "Authorization": format!("Bearer {token}") } }),
    )
    .await;
    let ack = receive(&mut socket).await.expect("an answer");
    assert_eq!(ack["type"], "connection_ack", "{ack}");
    send(
        &mut socket,
        json!({ "id": "1", "type": "subscribe", "payload": { "query": "subscription { notificationReceived { id } }" } }),
    )
    .await;
    socket
}

/// The close code the server sends within `within`.
async fn close_code(socket: &mut Socket, within: Duration) -> Option<u16> {
    let deadline = tokio::time::Instant::now() + within;
    loop {
        let message = tokio::time::timeout_at(deadline, socket.next()).await.ok()??;
        if let Ok(Message::Close(frame)) = message {
            return frame.map(|frame| u16::from(frame.code));
        }
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn deactivation_blocks_sign_in_refresh_and_open_sockets_until_reactivated() {
    let a = TestApp::new().await;
    let b = TestApp::on(&a.database_url, &[]);
    let admin = platform_admin(&a, "root@example.com").await;
    let ada = a.sign_up("ada@example.com").await;
    let bob = a.sign_up("bob@example.com").await;
    assert_eq!(
        a.ok("{ viewer { isActive } }", json!({}), Some(&ada.access_token))
            .await["viewer"]["isActive"],
        true
    );

    // Only platform admins, and not on themselves.
    let by_bob = a
        .gql(DEACTIVATE, json!({ "id": ada.user_id }), Some(&bob.access_token))
        .await;
    assert_eq!(only_error(&by_bob).0, "FORBIDDEN");
    let anonymous = a.gql(DEACTIVATE, json!({ "id": ada.user_id }), None).await;
    assert_eq!(only_error(&anonymous).0, "UNAUTHENTICATED");
    let own = a
        .gql(
            DEACTIVATE,
            json!({ "id": admin.user_id }),
            Some(&admin.access_token),
        )
        .await;
    assert_eq!(
        only_error(&own),
        ("BAD_USER_INPUT".to_owned(), Some("id".to_owned()))
    );
    let by_bob = a
        .gql(REACTIVATE, json!({ "id": ada.user_id }), Some(&bob.access_token))
        .await;
    assert_eq!(only_error(&by_bob).0, "FORBIDDEN");

    // A socket open on the other copy.
    let address = serve(&b).await;
    let mut socket = open_socket(&address, &ada.access_token).await;
    let (_, second_refresh) = session_of(&a, "ada@example.com", None).await;

    let deactivated = a
        .ok(
            DEACTIVATE,
            json!({ "id": ada.user_id }),
            Some(&admin.access_token),
        )
        .await;
    let started = Instant::now();
    assert_eq!(
        deactivated["deactivateUser"],
        json!({ "userId": ada.user_id, "email": "ada@example.com", "isActive": false, "revokedSessionCount": 2 })
    );
    assert_eq!(close_code(&mut socket, Duration::from_secs(1)).await, Some(4403));
    println!(
        "socket on the other copy closed {:?} after the deactivation",
        started.elapsed()
    );

    // The right password learns the account is deactivated; a wrong one learns nothing.
    let right = sign_in_as(&a, "ada@example.com", PASSWORD, None).await;
    assert_eq!(only_error(&right).0, "ACCOUNT_DISABLED");
    let wrong = sign_in_as(&a, "ada@example.com", "not the password", None).await;
    assert_eq!(only_error(&wrong).0, "UNAUTHENTICATED");
    let nobody = sign_in_as(&a, "nobody@example.com", PASSWORD, None).await;
    assert_eq!(only_error(&nobody).0, "UNAUTHENTICATED");
    for refresh in [&ada.refresh_token, &second_refresh] {
        let refreshed = a.gql(REFRESH, json!({ "t": refresh }), None).await;
        assert_eq!(only_error(&refreshed).0, "UNAUTHENTICATED");
    }
    // Its access token is refused on both copies, for reads and writes.
    for app in [&a, &b] {
        refused_within_a_second(app, &ada.access_token).await;
        let read = app
            .gql("{ viewer { email } }", json!({}), Some(&ada.access_token))
            .await;
        assert_eq!(only_error(&read).0, "UNAUTHENTICATED");
    }
    assert_eq!(update_code(&a, &bob.access_token).await, "ok");

    let reactivated = a
        .ok(
            REACTIVATE,
            json!({ "id": ada.user_id }),
            Some(&admin.access_token),
        )
        .await;
    assert_eq!(
        reactivated["reactivateUser"],
        json!({ "userId": ada.user_id, "isActive": true, "revokedSessionCount": 0 })
    );
    // Old sessions stay revoked; a new sign-in works.
    assert_eq!(update_code(&a, &ada.access_token).await, "UNAUTHENTICATED");
    let refreshed = a.gql(REFRESH, json!({ "t": ada.refresh_token }), None).await;
    assert_eq!(only_error(&refreshed).0, "UNAUTHENTICATED");
    let (fresh, _) = session_of(&a, "ada@example.com", None).await;
    assert_eq!(update_code(&a, &fresh).await, "ok");
    // The other copy learns of the reactivation from its listener, within moments.
    let started = Instant::now();
    while update_code(&b, &fresh).await != "ok" {
        assert!(
            started.elapsed() < Duration::from_secs(1),
            "the other copy still refuses a reactivated account"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let unknown = a
        .gql(
            DEACTIVATE,
            json!({ "id": "VXNlcjowMTkzMDAwMC0wMDAwLTcwMDAtODAwMC0wMDAwMDAwMDAwMDA" }),
            Some(&admin.access_token),
        )
        .await;
    assert_eq!(only_error(&unknown).0, "NOT_FOUND");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_deactivated_candidates_shared_record_is_hidden_until_reactivated() {
    let app = TestApp::new().await;
    let admin = platform_admin(&app, "root-share@example.com").await;
    let cast = cast(&app, "deact").await;
    let experience = mutate(
        &app,
        &cast.candidate,
        "createExperience",
        json!({ "companyName": "Initech", "jobTitle": "Engineer", "employmentType": "FULL_TIME", "startDate": "2020-01-01" }),
        "experience { id }",
    )
    .await["experience"]["id"]
        .clone();
    let experience = id(&experience);
    let requisition = create_requisition(&app, &cast, "Rust engineer").await;
    open_and_publish(&app, &cast.recruiter, &requisition).await;
    done(
        &app,
        &cast.candidate,
        "applyToRequisition",
        "ApplyToRequisitionInput",
        json!({ "requisitionId": requisition, "coverNote": "Hello" }),
        "application { id }",
    )
    .await;
    assert_eq!(node_code(&app, Some(&cast.recruiter), &experience).await, "ok");
    assert_eq!(
        node_code(&app, Some(&cast.outsider), &experience).await,
        "NOT_FOUND"
    );

    app.ok(
        DEACTIVATE,
        json!({ "id": cast.candidate.user_id }),
        Some(&admin.access_token),
    )
    .await;
    assert_eq!(
        node_code(&app, Some(&cast.recruiter), &experience).await,
        "NOT_FOUND"
    );
    assert_eq!(node_code(&app, Some(&cast.admin), &experience).await, "NOT_FOUND");

    app.ok(
        REACTIVATE,
        json!({ "id": cast.candidate.user_id }),
        Some(&admin.access_token),
    )
    .await;
    assert_eq!(node_code(&app, Some(&cast.recruiter), &experience).await, "ok");
    // Nothing was deleted: the candidate's own view is whole again.
    let (token, _) = session_of(&app, "candidate-deact@example.com", None).await;
    let experiences = app
        .ok(
            "{ viewer { profile { technicalReview { experiences { totalCount } } } } }",
            json!({}),
            Some(&token),
        )
        .await;
    assert_eq!(
        experiences["viewer"]["profile"]["technicalReview"]["experiences"]["totalCount"],
        1
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn sessions_are_listed_with_labels_and_a_revoked_sessions_refresh_fails_at_once() {
    let app = TestApp::new().await;
    let ada = app.sign_up("ada@example.com").await;
    let response = sign_in_as(&app, "ada@example.com", PASSWORD, Some(FIREFOX)).await;
    let payload = &response["data"]["signIn"];
    let firefox_token = payload["accessToken"].as_str().expect("token").to_owned();
    let firefox_session = payload["session"]["id"].as_str().expect("session").to_owned();
    assert_eq!(payload["session"]["current"], true);
    // The payload says when each token expires: 15 minutes and 30 days by default.
    let now = chrono::Utc::now();
    let at = |field: &str| {
        chrono::DateTime::parse_from_rfc3339(payload[field].as_str().unwrap_or_default())
            .unwrap_or_else(|_| panic!("{field}: {payload}"))
    };
    let access_left = (at("accessTokenExpiresAt").with_timezone(&chrono::Utc) - now).num_seconds();
    assert!((890..=901).contains(&access_left), "{access_left}");
    let refresh_left = (at("refreshTokenExpiresAt").with_timezone(&chrono::Utc) - now).num_seconds();
    assert!((2_591_990..=2_592_001).contains(&refresh_left), "{refresh_left}");
    let (curl_token, curl_refresh) = session_of(&app, "ada@example.com", Some(CURL)).await;

    let sessions = app.ok(SESSIONS, json!({}), Some(&firefox_token)).await["viewer"]["sessions"].clone();
    let sessions = sessions.as_array().expect("a list").clone();
    let labels: Vec<(&str, bool)> = sessions
        .iter()
        .map(|s| {
            (
                s["clientLabel"].as_str().unwrap_or_default(),
                s["current"] == true,
            )
        })
        .collect();
    // Most recently used first; the sign-up's session had no User-Agent.
    assert_eq!(
        labels,
        [
            ("curl", false),
            ("Firefox on Linux", true),
            ("Unknown client", false)
        ]
    );
    assert_eq!(sessions[0]["userAgent"], CURL);
    assert!(
        sessions
            .iter()
            .all(|s| s["active"] == true && s["revokedAt"].is_null())
    );
    let curl_session = sessions[0]["id"].as_str().expect("id").to_owned();

    // A refresh moves the session's last use and expiry.
    let refreshed = app.ok(REFRESH, json!({ "t": curl_refresh }), None).await;
    let curl_refresh = refreshed["refreshSession"]["refreshToken"]
        .as_str()
        .expect("refresh")
        .to_owned();
    let curl_token_2 = refreshed["refreshSession"]["accessToken"]
        .as_str()
        .expect("access")
        .to_owned();
    let after = app.ok(SESSIONS, json!({}), Some(&curl_token_2)).await["viewer"]["sessions"].clone();
    assert_eq!(after[0]["id"], curl_session.as_str(), "{after}");
    assert_eq!(after[0]["current"], true);
    let time = |value: &Value| {
        chrono::DateTime::parse_from_rfc3339(value.as_str().unwrap_or_default())
            .unwrap_or_else(|_| panic!("a time: {value}"))
    };
    assert!(
        time(&after[0]["lastUsedAt"]) > time(&sessions[0]["lastUsedAt"]),
        "{after}"
    );
    assert!(
        time(&after[0]["expiresAt"]) > time(&sessions[0]["expiresAt"]),
        "{after}"
    );

    // Another user cannot see or revoke it.
    let eve = app.sign_up("eve@example.com").await;
    assert_eq!(node_code(&app, Some(&eve), &curl_session).await, "NOT_FOUND");
    assert_eq!(node_code(&app, Some(&ada), &curl_session).await, "ok");
    let revoke = "mutation($id: ID!) { revokeSession(input: { id: $id }) { session { id active revokedAt current } } }";
    let by_eve = app
        .gql(revoke, json!({ "id": curl_session }), Some(&eve.access_token))
        .await;
    assert_eq!(only_error(&by_eve).0, "NOT_FOUND");

    let revoked = app
        .ok(revoke, json!({ "id": curl_session }), Some(&firefox_token))
        .await;
    let revoked = &revoked["revokeSession"]["session"];
    assert_eq!(revoked["active"], false);
    assert_eq!(revoked["current"], false);
    assert!(revoked["revokedAt"].is_string());
    // Its refresh token fails at once, and its access tokens too.
    let refused = app.gql(REFRESH, json!({ "t": curl_refresh }), None).await;
    assert_eq!(only_error(&refused).0, "UNAUTHENTICATED");
    assert_eq!(update_code(&app, &curl_token).await, "UNAUTHENTICATED");
    assert_eq!(update_code(&app, &curl_token_2).await, "UNAUTHENTICATED");
    assert_eq!(update_code(&app, &firefox_token).await, "ok");
    let listed = app.ok(SESSIONS, json!({}), Some(&firefox_token)).await["viewer"]["sessions"].clone();
    let states: Vec<(String, bool)> = listed
        .as_array()
        .expect("a list")
        .iter()
        .map(|s| {
            (
                s["id"].as_str().unwrap_or_default().to_owned(),
                s["active"] == true,
            )
        })
        .collect();
    assert!(states.contains(&(curl_session.clone(), false)), "{listed}");
    assert!(states.contains(&(firefox_session.clone(), true)), "{listed}");

    // Signing out ends that session's access tokens as well.
    app.ok(
        "mutation($t: String!) { signOut(input: { refreshToken: $t }) { signedOut } }",
        json!({ "t": ada.refresh_token }),
        None,
    )
    .await;
    assert_eq!(update_code(&app, &ada.access_token).await, "UNAUTHENTICATED");
}

#[tokio::test(flavor = "multi_thread")]
async fn signing_out_everywhere_else_refuses_older_tokens_on_the_other_copy() {
    let a = TestApp::new().await;
    let b = TestApp::on(&a.database_url, &[]);
    let ada = a.sign_up("ada@example.com").await;
    let (laptop, _) = session_of(&a, "ada@example.com", Some(FIREFOX)).await;
    let (phone, phone_refresh) = session_of(&a, "ada@example.com", Some(CURL)).await;
    // A token from before sessions existed names none (no `sid`).
    let now = chrono::Utc::now().timestamp();
    let legacy = jsonwebtoken::encode(
        &jsonwebtoken::Header::new(jsonwebtoken::Algorithm::HS256),
        &json!({ "sub": crate::applications::uuid_of(&ada.user_id), "iat": now, "exp": now + 600, "iss": "careergraph" }),
        &jsonwebtoken::EncodingKey::from_secret(crate::support::JWT_SECRET),
    )
    .expect("a token");
    for token in [&ada.access_token, &laptop, &phone, &legacy] {
        assert_eq!(update_code(&b, token).await, "ok");
    }

    let revoked = a
        .ok(
            "mutation { revokeOtherSessions { revokedSessionCount } }",
            json!({}),
            Some(&laptop),
        )
        .await;
    assert_eq!(revoked["revokeOtherSessions"]["revokedSessionCount"], 2);
    let took = refused_within_a_second(&b, &phone).await;
    println!("revokeOtherSessions reached the other copy within {took:?}");
    assert_eq!(update_code(&b, &ada.access_token).await, "UNAUTHENTICATED");
    assert_eq!(update_code(&b, &legacy).await, "UNAUTHENTICATED");
    assert_eq!(update_code(&b, &laptop).await, "ok");
    let refused = b.gql(REFRESH, json!({ "t": phone_refresh }), None).await;
    assert_eq!(only_error(&refused).0, "UNAUTHENTICATED");
}

#[tokio::test(flavor = "multi_thread")]
async fn changing_the_password_refuses_other_sessions_tokens_on_the_other_copy() {
    let a = TestApp::new().await;
    let b = TestApp::on(&a.database_url, &[]);
    let ada = a.sign_up("ada@example.com").await;
    let (laptop, _) = session_of(&a, "ada@example.com", None).await;
    assert_eq!(update_code(&b, &ada.access_token).await, "ok");
    let change = "mutation($i: ChangePasswordInput!) { changePassword(input: $i) { user { email } revokedSessionCount } }";

    let wrong = a
        .gql(
            change,
            json!({ "i": { "currentPassword": "not it at all", "newPassword": "a brand new secret" } }),
            Some(&laptop),
        )
        .await;
    assert_eq!(
        only_error(&wrong),
        ("BAD_USER_INPUT".to_owned(), Some("currentPassword".to_owned()))
    );
    let short = a
        .gql(
            change,
            json!({ "i": { "currentPassword": PASSWORD, "newPassword": "short" } }),
            Some(&laptop),
        )
        .await;
    assert_eq!(
        only_error(&short),
        ("BAD_USER_INPUT".to_owned(), Some("newPassword".to_owned()))
    );
    assert_eq!(
        update_code(&b, &ada.access_token).await,
        "ok",
        "failed changes revoke nothing"
    );

    let changed = a
        .ok(
            change,
            json!({ "i": { "currentPassword": PASSWORD, "newPassword": "a brand new secret" } }),
            Some(&laptop),
        )
        .await;
    assert_eq!(
        changed["changePassword"],
        json!({ "user": { "email": "ada@example.com" }, "revokedSessionCount": 1 })
    );
    refused_within_a_second(&b, &ada.access_token).await;
    assert_eq!(update_code(&b, &laptop).await, "ok");
    let old = sign_in_as(&a, "ada@example.com", PASSWORD, None).await;
    assert_eq!(only_error(&old).0, "UNAUTHENTICATED");
    let new = sign_in_as(&b, "ada@example.com", "a brand new secret", None).await;
    assert!(new.get("errors").is_none(), "{new}");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_deleted_users_token_is_unauthenticated_everywhere() {
    let a = TestApp::new().await;
    let b = TestApp::on(&a.database_url, &[]);
    let ada = a.sign_up("ada@example.com").await;
    let address = serve(&b).await;
    let mut socket = open_socket(&address, &ada.access_token).await;

    sql(&a, "delete from users where email = 'ada@example.com'").await;
    assert_eq!(close_code(&mut socket, Duration::from_secs(1)).await, Some(4403));
    for app in [&a, &b] {
        refused_within_a_second(app, &ada.access_token).await;
        for operation in [
            "{ viewer { email } }",
            "mutation { createExperience(input: { companyName: \"X\", jobTitle: \"Y\", employmentType: FULL_TIME, startDate: \"2020-01-01\" }) { experience { id } } }",
            "mutation { addSkill(input: { name: \"Zig\", category: LANGUAGE }) { skill { id } } }",
            "mutation { deactivateUser(input: { id: \"VXNlcjowMTkzMDAwMC0wMDAwLTcwMDAtODAwMC0wMDAwMDAwMDAwMDA\" }) { isActive } }",
        ] {
            let response = app.gql(operation, json!({}), Some(&ada.access_token)).await;
            assert_eq!(
                only_error(&response).0,
                "UNAUTHENTICATED",
                "{operation}: {response}"
            );
        }
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn an_authenticated_request_costs_no_statement_for_revocation() {
    let app = TestApp::new().await;
    let ada = app.sign_up("ada@example.com").await;
    // Sign-up's own writes and the event listener are done before counting.
    let token = Some(ada.access_token.as_str());
    assert_eq!(app.statements_for("{ __typename }", json!({}), token).await, 0);
    assert_eq!(
        app.statements_for("{ viewer { email isActive } }", json!({}), token)
            .await,
        1
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_copy_whose_listener_connects_later_reads_the_revocations_from_the_tables() {
    let a = TestApp::new().await;
    let admin = platform_admin(&a, "root-later@example.com").await;
    let ada = a.sign_up("ada@example.com").await;
    let (laptop, _) = session_of(&a, "ada@example.com", None).await;
    let bob = a.sign_up("bob@example.com").await;
    let carol = a.sign_up("carol@example.com").await;
    a.ok(
        "mutation { revokeOtherSessions { revokedSessionCount } }",
        json!({}),
        Some(&laptop),
    )
    .await;
    a.ok(
        DEACTIVATE,
        json!({ "id": bob.user_id }),
        Some(&admin.access_token),
    )
    .await;
    sql(&a, "delete from users where email = 'carol@example.com'").await;

    // Its listener reads the same state on every (re)connect as on this first one.
    let c = TestApp::on(&a.database_url, &[]);
    for token in [&ada.access_token, &bob.access_token, &carol.access_token] {
        refused_within_a_second(&c, token).await;
    }
    assert_eq!(update_code(&c, &laptop).await, "ok");
}
