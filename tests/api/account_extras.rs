//! Account extras (issue #21 item 4): terms accepted at sign-up, an optional unique username,
//! typed per-user settings, the profile's primary identity and LinkedIn meta, and an
//! experience's role summary and tools.

use diesel_async::{AsyncConnection, AsyncPgConnection, SimpleAsyncConnection};
use serde_json::{Value, json};

use crate::career::{experience, mutate, refused};
use crate::support::{PASSWORD, TestApp, only_error};

const SIGN_UP: &str = "mutation($input: SignUpInput!) { signUp(input: $input) {
    accessToken user { email username termsAcceptedAt termsVersion } } }";
const ME: &str = "{ viewer { username termsAcceptedAt termsVersion settings {
    defaultAssessmentDurationMinutes questionnaireEnabledByDefault interviewEnabledByDefault
    emailNotifications updatedAt } } }";

async fn sign_up(app: &TestApp, input: Value) -> Value {
    app.gql(SIGN_UP, json!({ "input": input }), None).await
}

#[tokio::test(flavor = "multi_thread")]
async fn sign_up_requires_the_terms_and_records_them_with_the_username() {
    let app = TestApp::new().await;
    let current = app.ok("{ termsVersion }", json!({}), None).await["termsVersion"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    assert!(!current.is_empty());

    // Without accepting (left out, or false): refused, and no account is made.
    for input in [
        json!({ "email": "terms@example.com", "password": PASSWORD }),
        json!({ "email": "terms@example.com", "password": PASSWORD, "acceptTerms": false }),
    ] {
        let refused = sign_up(&app, input).await;
        assert_eq!(
            only_error(&refused),
            ("BAD_USER_INPUT".to_owned(), Some("acceptTerms".to_owned()))
        );
    }
    let before = chrono::Utc::now();
    let made = sign_up(
        &app,
        json!({ "email": "terms@example.com", "password": PASSWORD, "acceptTerms": true, "username": "Ann.Lee" }),
    )
    .await;
    let user = &made["data"]["signUp"]["user"];
    assert_eq!(user["email"], "terms@example.com", "{made}");
    assert_eq!(user["username"], "Ann.Lee");
    assert_eq!(user["termsVersion"], current.as_str());
    let accepted: chrono::DateTime<chrono::Utc> = user["termsAcceptedAt"]
        .as_str()
        .and_then(|at| at.parse().ok())
        .unwrap_or_else(|| panic!("termsAcceptedAt: {made}"));
    assert!(
        accepted >= before - chrono::Duration::seconds(5),
        "{accepted} vs {before}"
    );

    // The version the client showed is kept.
    let shown = sign_up(
        &app,
        json!({ "email": "terms-old@example.com", "password": PASSWORD, "acceptTerms": true, "termsVersion": "2025-01" }),
    )
    .await;
    assert_eq!(
        shown["data"]["signUp"]["user"]["termsVersion"], "2025-01",
        "{shown}"
    );
    assert_eq!(shown["data"]["signUp"]["user"]["username"], Value::Null);

    // A username taken in another letter case: CONFLICT, and that account is not made either.
    let taken = sign_up(
        &app,
        json!({ "email": "second@example.com", "password": PASSWORD, "acceptTerms": true, "username": "ann.LEE" }),
    )
    .await;
    assert_eq!(only_error(&taken).0, "CONFLICT", "{taken}");
    for bad in ["ab", "a b c", "-ann", "ann!", &"a".repeat(31)] {
        let response = sign_up(
            &app,
            json!({ "email": "second@example.com", "password": PASSWORD, "acceptTerms": true, "username": bad }),
        )
        .await;
        assert_eq!(
            only_error(&response),
            ("BAD_USER_INPUT".to_owned(), Some("username".to_owned())),
            "{bad}"
        );
    }
    let second = sign_up(
        &app,
        json!({ "email": "second@example.com", "password": PASSWORD, "acceptTerms": true, "username": "grace_h" }),
    )
    .await;
    assert_eq!(
        second["data"]["signUp"]["user"]["username"], "grace_h",
        "{second}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_username_is_unique_in_any_case_and_can_change_or_go() {
    let app = TestApp::new().await;
    let ann = app.sign_up("username-ann@example.com").await;
    let bob = app.sign_up("username-bob@example.com").await;
    let set = "mutation($input: SetUsernameInput!) { setUsername(input: $input) { user { username } } }";
    let done = app
        .ok(
            set,
            json!({ "input": { "username": "ann" } }),
            Some(&ann.access_token),
        )
        .await;
    assert_eq!(done["setUsername"]["user"]["username"], "ann");
    let clash = app
        .gql(
            set,
            json!({ "input": { "username": "ANN" } }),
            Some(&bob.access_token),
        )
        .await;
    assert_eq!(only_error(&clash).0, "CONFLICT");
    let bad = app
        .gql(
            set,
            json!({ "input": { "username": "b o b" } }),
            Some(&bob.access_token),
        )
        .await;
    assert_eq!(
        only_error(&bad),
        ("BAD_USER_INPUT".to_owned(), Some("username".to_owned()))
    );
    let me = app.ok(ME, json!({}), Some(&bob.access_token)).await;
    assert_eq!(me["viewer"]["username"], Value::Null, "nothing changed");
    // The owner may change its letter case; once removed, another may take it.
    let recased = app
        .ok(
            set,
            json!({ "input": { "username": "Ann" } }),
            Some(&ann.access_token),
        )
        .await;
    assert_eq!(recased["setUsername"]["user"]["username"], "Ann");
    app.ok(
        set,
        json!({ "input": { "username": null } }),
        Some(&ann.access_token),
    )
    .await;
    let taken_over = app
        .ok(
            set,
            json!({ "input": { "username": "ann" } }),
            Some(&bob.access_token),
        )
        .await;
    assert_eq!(taken_over["setUsername"]["user"]["username"], "ann");
    let anonymous = app
        .gql(set, json!({ "input": { "username": "x-y-z" } }), None)
        .await;
    assert_eq!(only_error(&anonymous).0, "UNAUTHENTICATED");
}

#[tokio::test(flavor = "multi_thread")]
async fn an_account_from_before_terms_accepts_them_later() {
    let app = TestApp::new().await;
    let old = app.sign_up("terms-later@example.com").await;
    // As the migration leaves an account that existed before.
    let mut conn = AsyncPgConnection::establish(&app.database_url)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    conn.batch_execute(
        "update users set terms_accepted_at = null, terms_version = null where email = 'terms-later@example.com'",
    )
    .await
    .expect("reset");
    let me = app.ok(ME, json!({}), Some(&old.access_token)).await;
    assert_eq!(me["viewer"]["termsAcceptedAt"], Value::Null);
    assert_eq!(me["viewer"]["termsVersion"], Value::Null);
    let accept = "mutation($input: AcceptTermsInput!) { acceptTerms(input: $input) { user { termsAcceptedAt termsVersion } } }";
    let bad = app
        .gql(
            accept,
            json!({ "input": { "termsVersion": " " } }),
            Some(&old.access_token),
        )
        .await;
    assert_eq!(
        only_error(&bad),
        ("BAD_USER_INPUT".to_owned(), Some("termsVersion".to_owned()))
    );
    let accepted = app
        .ok(accept, json!({ "input": {} }), Some(&old.access_token))
        .await;
    let current = app.ok("{ termsVersion }", json!({}), None).await;
    assert_eq!(
        accepted["acceptTerms"]["user"]["termsVersion"],
        current["termsVersion"]
    );
    assert!(accepted["acceptTerms"]["user"]["termsAcceptedAt"].is_string());
}

#[tokio::test(flavor = "multi_thread")]
async fn settings_start_as_defaults_and_change_field_by_field() {
    let app = TestApp::new().await;
    let me = app.sign_up("settings@example.com").await;
    let other = app.sign_up("settings-other@example.com").await;
    let read = app.ok(ME, json!({}), Some(&me.access_token)).await;
    assert_eq!(
        read["viewer"]["settings"],
        json!({ "defaultAssessmentDurationMinutes": 60, "questionnaireEnabledByDefault": true,
                "interviewEnabledByDefault": false, "emailNotifications": true, "updatedAt": null })
    );
    let update = "mutation($input: UpdateSettingsInput!) { updateSettings(input: $input) { settings {
        defaultAssessmentDurationMinutes questionnaireEnabledByDefault interviewEnabledByDefault
        emailNotifications } } }";
    for minutes in [4, 481] {
        let bad = app
            .gql(
                update,
                json!({ "input": { "defaultAssessmentDurationMinutes": minutes, "emailNotifications": false } }),
                Some(&me.access_token),
            )
            .await;
        assert_eq!(
            only_error(&bad),
            (
                "BAD_USER_INPUT".to_owned(),
                Some("defaultAssessmentDurationMinutes".to_owned())
            )
        );
    }
    let unchanged = app.ok(ME, json!({}), Some(&me.access_token)).await;
    assert_eq!(unchanged["viewer"]["settings"]["emailNotifications"], true);
    assert_eq!(unchanged["viewer"]["settings"]["updatedAt"], Value::Null);
    let first = app
        .ok(
            update,
            json!({ "input": { "defaultAssessmentDurationMinutes": 90 } }),
            Some(&me.access_token),
        )
        .await;
    assert_eq!(
        first["updateSettings"]["settings"],
        json!({ "defaultAssessmentDurationMinutes": 90, "questionnaireEnabledByDefault": true,
                "interviewEnabledByDefault": false, "emailNotifications": true })
    );
    let second = app
        .ok(
            update,
            json!({ "input": { "interviewEnabledByDefault": true, "emailNotifications": false } }),
            Some(&me.access_token),
        )
        .await;
    assert_eq!(
        second["updateSettings"]["settings"],
        json!({ "defaultAssessmentDurationMinutes": 90, "questionnaireEnabledByDefault": true,
                "interviewEnabledByDefault": true, "emailNotifications": false })
    );
    let read = app.ok(ME, json!({}), Some(&me.access_token)).await;
    assert!(read["viewer"]["settings"]["updatedAt"].is_string());
    // Another user's stay the defaults; without a token, no settings.
    let theirs = app.ok(ME, json!({}), Some(&other.access_token)).await;
    assert_eq!(
        theirs["viewer"]["settings"]["defaultAssessmentDurationMinutes"],
        60
    );
    let anonymous = app.gql(update, json!({ "input": {} }), None).await;
    assert_eq!(only_error(&anonymous).0, "UNAUTHENTICATED");
}

#[tokio::test(flavor = "multi_thread")]
async fn the_profile_keeps_its_identity_and_linkedin_meta_and_a_role_its_summary_and_tools() {
    let app = TestApp::new().await;
    let me = app.sign_up("linkedin@example.com").await;
    let selection = "profile { primaryIdentity linkedinMeta { headline about topSkills openToWorkTitles } }";
    let updated = mutate(
        &app,
        &me,
        "updateProfile",
        json!({
            "primaryIdentity": "AI Strategy Leader", "headline": "Head of AI at Bank",
            "linkedinAbout": "I build governed AI.", "linkedinTopSkills": ["AI Governance", "ai governance", "Python"],
            "openToWorkTitles": ["Director of AI", "VP Data"],
        }),
        selection,
    )
    .await;
    assert_eq!(
        updated["profile"],
        json!({ "primaryIdentity": "AI Strategy Leader", "linkedinMeta": {
            "headline": "Head of AI at Bank", "about": "I build governed AI.",
            "topSkills": ["AI Governance", "Python"], "openToWorkTitles": ["Director of AI", "VP Data"] } })
    );
    for (input, field) in [
        (json!({ "primaryIdentity": "x".repeat(201) }), "primaryIdentity"),
        (json!({ "linkedinAbout": "" }), "linkedinAbout"),
        (
            json!({ "openToWorkTitles": (0..11).map(|n| format!("Title {n}")).collect::<Vec<_>>() }),
            "openToWorkTitles",
        ),
    ] {
        let (code, named) = refused(&app, &me, "updateProfile", input).await;
        assert_eq!((code.as_str(), named.as_deref()), ("BAD_USER_INPUT", Some(field)));
    }
    let cleared = mutate(
        &app,
        &me,
        "updateProfile",
        json!({ "linkedinAbout": null, "linkedinTopSkills": null }),
        selection,
    )
    .await;
    assert_eq!(
        cleared["profile"]["linkedinMeta"],
        json!({ "headline": "Head of AI at Bank", "about": null, "topSkills": [],
                "openToWorkTitles": ["Director of AI", "VP Data"] })
    );
    assert_eq!(cleared["profile"]["primaryIdentity"], "AI Strategy Leader");

    // An experience's role summary and tools.
    let made = mutate(
        &app,
        &me,
        "createExperience",
        json!({ "companyName": "Bank", "jobTitle": "Head of AI", "employmentType": "FULL_TIME",
                "startDate": "2020-01-01", "roleSummary": "Led the AI platform.",
                "toolsAndTechnologies": ["Python", "LangChain", "python"] }),
        "experience { id roleSummary toolsAndTechnologies }",
    )
    .await;
    let job = made["experience"]["id"].as_str().unwrap_or_default().to_owned();
    assert_eq!(made["experience"]["roleSummary"], "Led the AI platform.");
    assert_eq!(
        made["experience"]["toolsAndTechnologies"],
        json!(["Python", "LangChain"])
    );
    let (code, named) = refused(
        &app,
        &me,
        "updateExperience",
        json!({ "id": job, "roleSummary": "x".repeat(2001) }),
    )
    .await;
    assert_eq!(
        (code.as_str(), named.as_deref()),
        ("BAD_USER_INPUT", Some("roleSummary"))
    );
    let changed = mutate(
        &app,
        &me,
        "updateExperience",
        json!({ "id": job, "roleSummary": null, "toolsAndTechnologies": ["Rust"] }),
        "experience { roleSummary toolsAndTechnologies }",
    )
    .await;
    assert_eq!(
        changed["experience"],
        json!({ "roleSummary": null, "toolsAndTechnologies": ["Rust"] })
    );
    let plain = experience(&app, &me, "Shop", "PART_TIME", "2010-01-01", None).await;
    let read = app
        .ok(
            "query($id: ID!) { node(id: $id) { ... on Experience { roleSummary toolsAndTechnologies } } }",
            json!({ "id": plain }),
            Some(&me.access_token),
        )
        .await;
    assert_eq!(
        read["node"],
        json!({ "roleSummary": null, "toolsAndTechnologies": [] })
    );
}
