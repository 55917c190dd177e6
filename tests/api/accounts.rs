use serde_json::{Value, json};

use crate::support::{JWT_SECRET, PASSWORD, TestApp, codes, only_error};

const SIGN_IN: &str = "mutation($input: CredentialsInput!) { signIn(input: $input) { accessToken refreshToken user { email loginCount } } }";
const SIGN_UP: &str =
    "mutation($input: SignUpInput!) { signUp(input: $input) { accessToken user { email } } }";
const REFRESH: &str = "mutation($t: String!) { refreshSession(input: { refreshToken: $t }) { accessToken refreshToken user { email } } }";
const SIGN_OUT: &str = "mutation($t: String!) { signOut(input: { refreshToken: $t }) { signedOut } }";
const VIEWER: &str = "{ viewer { id email role loginCount profile { email } } }";

fn credentials(email: &str, password: &str) -> Value {
    json!({ "input": { "email": email, "password": password } })
}

/// Sign-up's input: the credentials and the acceptance of the terms.
fn sign_up_input(email: &str, password: &str) -> Value {
    json!({ "input": { "email": email, "password": password, "acceptTerms": true } })
}

#[tokio::test(flavor = "multi_thread")]
async fn sign_up_creates_a_user_with_a_profile_and_a_working_session() {
    let app = TestApp::new().await;
    // The payload of signUp resolves as the new user, profile included.
    let data = app
        .ok(
            "mutation($input: SignUpInput!) { signUp(input: $input) { user { email profile { email fullName } } } }",
            sign_up_input("  Ada@Example.COM ", PASSWORD),
            None,
        )
        .await;
    assert_eq!(data["signUp"]["user"]["email"], "ada@example.com");
    assert_eq!(data["signUp"]["user"]["profile"]["email"], "ada@example.com");
    assert_eq!(data["signUp"]["user"]["profile"]["fullName"], Value::Null);

    let account = app.sign_up("grace@example.com").await;
    let viewer = app.ok(VIEWER, json!({}), Some(&account.access_token)).await;
    assert_eq!(viewer["viewer"]["email"], "grace@example.com");
    assert_eq!(viewer["viewer"]["id"], account.user_id.as_str());
    assert_eq!(viewer["viewer"]["role"], "CANDIDATE");
    assert_eq!(viewer["viewer"]["loginCount"], 1);
    assert_eq!(viewer["viewer"]["profile"]["email"], "grace@example.com");
}

#[tokio::test(flavor = "multi_thread")]
async fn sign_in_checks_the_password_and_never_reveals_whether_the_email_exists() {
    let app = TestApp::new().await;
    app.sign_up("ann@example.com").await;

    let signed_in = app
        .ok(SIGN_IN, credentials("ANN@example.com", PASSWORD), None)
        .await;
    assert_eq!(signed_in["signIn"]["user"]["email"], "ann@example.com");
    assert_eq!(signed_in["signIn"]["user"]["loginCount"], 2);
    let token = signed_in["signIn"]["accessToken"].as_str().unwrap_or_default();
    assert_eq!(
        app.ok(VIEWER, json!({}), Some(token)).await["viewer"]["email"],
        "ann@example.com"
    );

    let wrong_password = app
        .gql(SIGN_IN, credentials("ann@example.com", "wrong password"), None)
        .await;
    let unknown_email = app
        .gql(SIGN_IN, credentials("nobody@example.com", PASSWORD), None)
        .await;
    let malformed_email = app
        .gql(SIGN_IN, credentials("not-an-email", PASSWORD), None)
        .await;
    for response in [&wrong_password, &unknown_email, &malformed_email] {
        assert_eq!(only_error(response), ("UNAUTHENTICATED".to_owned(), None));
        assert_eq!(response["data"], Value::Null);
    }
    assert_eq!(
        wrong_password["errors"][0]["message"],
        unknown_email["errors"][0]["message"]
    );
    assert_eq!(
        wrong_password["errors"][0]["message"],
        malformed_email["errors"][0]["message"]
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn an_email_is_taken_in_any_letter_case() {
    let app = TestApp::new().await;
    app.sign_up("dup@example.com").await;
    let again = app
        .gql(SIGN_UP, sign_up_input("DUP@Example.com", PASSWORD), None)
        .await;
    assert_eq!(only_error(&again).0, "CONFLICT");
    // The first account is untouched: its password still works.
    app.ok(SIGN_IN, credentials("dup@example.com", PASSWORD), None)
        .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn sign_up_validates_email_and_password() {
    let app = TestApp::new().await;
    for (email, password, field) in [
        ("not an email", PASSWORD, "email"),
        ("a@b", PASSWORD, "email"),
        ("ok@example.com", "short", "password"),
        ("ok@example.com", &"x".repeat(257), "password"),
    ] {
        let response = app.gql(SIGN_UP, sign_up_input(email, password), None).await;
        assert_eq!(
            only_error(&response),
            ("BAD_USER_INPUT".to_owned(), Some(field.to_owned())),
            "{email}"
        );
    }
    // Nothing was created: the valid email is still free.
    app.sign_up("ok@example.com").await;
}

#[tokio::test(flavor = "multi_thread")]
async fn viewer_needs_a_valid_token() {
    let app = TestApp::new().await;
    let account = app.sign_up("tok@example.com").await;
    let user_uuid = {
        use base64::Engine;
        let raw = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(&account.user_id)
            .unwrap_or_default();
        String::from_utf8_lossy(&raw)
            .trim_start_matches("User:")
            .to_owned()
    };
    let sign = |claims: Value, secret: &[u8]| {
        jsonwebtoken::encode(
            &jsonwebtoken::Header::new(jsonwebtoken::Algorithm::HS256),
            &claims,
            &jsonwebtoken::EncodingKey::from_secret(secret),
        )
        .unwrap_or_default()
    };
    let now = chrono::Utc::now().timestamp();
    let expired = sign(
        json!({ "sub": user_uuid, "iat": now - 7200, "exp": now - 3600, "iss": "careergraph" }),
        JWT_SECRET,
    );
    let forged = sign(
        json!({ "sub": user_uuid, "iat": now, "exp": now + 3600, "iss": "careergraph" }),
        b"someone else's secret, 32+ bytes long",
    );
    let valid = sign(
        json!({ "sub": user_uuid, "iat": now, "exp": now + 3600, "iss": "careergraph" }),
        JWT_SECRET,
    );

    assert_eq!(
        app.ok("{ viewer { email } }", json!({}), Some(&valid)).await["viewer"]["email"],
        "tok@example.com"
    );
    for token in [
        None,
        Some(expired.as_str()),
        Some(forged.as_str()),
        Some("garbage"),
    ] {
        let response = app.gql("{ viewer { email } }", json!({}), token).await;
        assert_eq!(codes(&response), ["UNAUTHENTICATED"], "{token:?}");
    }
    let expired_response = app.gql("{ viewer { email } }", json!({}), Some(&expired)).await;
    assert!(
        expired_response["errors"][0]["message"]
            .as_str()
            .unwrap_or_default()
            .contains("expired")
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn refresh_rotates_and_reuse_revokes_the_whole_family() {
    let app = TestApp::new().await;
    let account = app.sign_up("rot@example.com").await;

    let first = app.ok(REFRESH, json!({ "t": account.refresh_token }), None).await;
    let second_token = first["refreshSession"]["refreshToken"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    assert_ne!(second_token, account.refresh_token);
    let access = first["refreshSession"]["accessToken"]
        .as_str()
        .unwrap_or_default();
    assert_eq!(
        app.ok(VIEWER, json!({}), Some(access)).await["viewer"]["email"],
        "rot@example.com"
    );

    // A second sign-in is a separate family and must survive the revocation below.
    let other_session = app
        .ok(SIGN_IN, credentials("rot@example.com", PASSWORD), None)
        .await;
    let other_token = other_session["signIn"]["refreshToken"]
        .as_str()
        .unwrap_or_default()
        .to_owned();

    // Reusing the rotated token is refused and revokes its family, including the newest token.
    let reuse = app
        .gql(REFRESH, json!({ "t": account.refresh_token }), None)
        .await;
    assert_eq!(only_error(&reuse).0, "UNAUTHENTICATED");
    let descendant = app.gql(REFRESH, json!({ "t": second_token }), None).await;
    assert_eq!(only_error(&descendant).0, "UNAUTHENTICATED");

    app.ok(REFRESH, json!({ "t": other_token }), None).await;
    let unknown = app.gql(REFRESH, json!({ "t": "not-a-token" }), None).await;
    assert_eq!(only_error(&unknown).0, "UNAUTHENTICATED");
}

#[tokio::test(flavor = "multi_thread")]
async fn sign_out_ends_the_session() {
    let app = TestApp::new().await;
    let account = app.sign_up("out@example.com").await;
    let refreshed = app.ok(REFRESH, json!({ "t": account.refresh_token }), None).await;
    let current = refreshed["refreshSession"]["refreshToken"]
        .as_str()
        .unwrap_or_default()
        .to_owned();

    let out = app.ok(SIGN_OUT, json!({ "t": current }), None).await;
    assert_eq!(out["signOut"]["signedOut"], true);
    let after = app.gql(REFRESH, json!({ "t": current }), None).await;
    assert_eq!(only_error(&after).0, "UNAUTHENTICATED");
    // Signing out again is harmless.
    app.ok(SIGN_OUT, json!({ "t": current }), None).await;
}
