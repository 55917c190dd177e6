use serde_json::{Value, json};

use crate::support::{TestApp, codes, only_error};

const PROFILE_FIELDS: &str = "id fullName email phone location headline summary yearsExperience linkedinUrl githubUrl portfolioUrl nationality targetRoles specializations";

fn update_profile() -> String {
    format!(
        "mutation($input: UpdateProfileInput!) {{ updateProfile(input: $input) {{ profile {{ {PROFILE_FIELDS} }} }} }}"
    )
}

const UPDATE_MBTI: &str = "mutation($input: UpdateMbtiProfileInput!) { updateMbtiProfile(input: $input) { mbti { id type ieScore nsScore tfScore jpScore manuallyOverridden } } }";

async fn read_profile(app: &TestApp, token: &str) -> Value {
    let query = format!(
        "{{ viewer {{ profile {{ {PROFILE_FIELDS} mbti {{ type manuallyOverridden ieScore }} }} }} }}"
    );
    app.ok(&query, json!({}), Some(token)).await["viewer"]["profile"].clone()
}

#[tokio::test(flavor = "multi_thread")]
async fn every_profile_field_can_be_set_and_cleared() {
    let app = TestApp::new().await;
    let me = app.sign_up("pro@example.com").await;
    let input = json!({
        "fullName": "  Ada Lovelace ",
        "email": "Ada@Work.example",
        "phone": "+44 20 7946 0958",
        "location": "London, UK",
        "headline": "Analytical engine programmer",
        "summary": "Wrote the first published algorithm.",
        "yearsExperience": 12,
        "linkedinUrl": "https://www.linkedin.com/in/ada",
        "githubUrl": "https://github.com/ada",
        "portfolioUrl": "https://ada.example/portfolio",
        "nationality": "British",
        "targetRoles": ["Staff Engineer", "staff engineer", " Principal Engineer "],
        "specializations": ["Compilers", "Mathematics"],
    });
    let updated = app
        .ok(
            &update_profile(),
            json!({ "input": input }),
            Some(&me.access_token),
        )
        .await;
    let profile = &updated["updateProfile"]["profile"];
    assert_eq!(profile["fullName"], "Ada Lovelace");
    assert_eq!(profile["email"], "ada@work.example");
    assert_eq!(profile["phone"], "+44 20 7946 0958");
    assert_eq!(profile["yearsExperience"], 12);
    assert_eq!(profile["linkedinUrl"], "https://www.linkedin.com/in/ada");
    assert_eq!(
        profile["targetRoles"],
        json!(["Staff Engineer", "Principal Engineer"])
    );
    assert_eq!(profile["specializations"], json!(["Compilers", "Mathematics"]));
    assert_eq!(
        read_profile(&app, &me.access_token).await["headline"],
        "Analytical engine programmer"
    );

    // A subset changes only that subset; null clears.
    let partial = json!({ "input": { "headline": "Poet of science", "phone": null, "targetRoles": null } });
    app.ok(&update_profile(), partial, Some(&me.access_token)).await;
    let stored = read_profile(&app, &me.access_token).await;
    assert_eq!(stored["headline"], "Poet of science");
    assert_eq!(stored["phone"], Value::Null);
    assert_eq!(stored["targetRoles"], json!([]));
    assert_eq!(stored["fullName"], "Ada Lovelace");
    assert_eq!(stored["location"], "London, UK");
    assert_eq!(stored["specializations"], json!(["Compilers", "Mathematics"]));

    // An empty input changes nothing and still answers with the profile.
    let empty = app
        .ok(&update_profile(), json!({ "input": {} }), Some(&me.access_token))
        .await;
    assert_eq!(empty["updateProfile"]["profile"]["headline"], "Poet of science");
}

#[tokio::test(flavor = "multi_thread")]
async fn every_profile_validation_rule_rejects_and_changes_nothing() {
    let app = TestApp::new().await;
    let me = app.sign_up("val@example.com").await;
    app.ok(
        &update_profile(),
        json!({ "input": { "fullName": "Kept Name" } }),
        Some(&me.access_token),
    )
    .await;
    let before = read_profile(&app, &me.access_token).await;

    let long = |n: usize| "x".repeat(n);
    let cases: Vec<(&str, Value)> = vec![
        ("fullName", json!("   ")),
        ("fullName", json!(long(201))),
        ("email", json!("not-an-email")),
        ("phone", json!("call me maybe")),
        ("phone", json!("12")),
        ("location", json!(long(201))),
        ("headline", json!(long(201))),
        ("summary", json!(long(5001))),
        ("yearsExperience", json!(-1)),
        ("yearsExperience", json!(81)),
        ("linkedinUrl", json!("https://example.com/in/ada")),
        ("linkedinUrl", json!("not a url")),
        ("githubUrl", json!("https://gitlab.com/ada")),
        ("portfolioUrl", json!("ftp://ada.example")),
        ("portfolioUrl", json!("javascript:alert(1)")),
        ("nationality", json!(long(101))),
        (
            "targetRoles",
            json!(
                vec!["Role"; 21]
                    .iter()
                    .enumerate()
                    .map(|(i, r)| format!("{r} {i}"))
                    .collect::<Vec<_>>()
            ),
        ),
        ("targetRoles", json!([""])),
        ("specializations", json!([long(101)])),
    ];
    for (field, value) in cases {
        // A valid change rides along with the invalid one: it must not be applied either.
        let input = json!({ "input": { "headline": "should not be saved", field: value } });
        let response = app.gql(&update_profile(), input, Some(&me.access_token)).await;
        assert_eq!(
            only_error(&response),
            ("BAD_USER_INPUT".to_owned(), Some(field.to_owned())),
            "{field} = {value}"
        );
    }
    // Written into the document rather than sent as a variable: the same answer.
    let inline = app
        .gql(
            r#"mutation { updateProfile(input: { githubUrl: "gopher://github.com/ada" }) { profile { id } } }"#,
            json!({}),
            Some(&me.access_token),
        )
        .await;
    assert_eq!(
        only_error(&inline),
        ("BAD_USER_INPUT".to_owned(), Some("githubUrl".to_owned()))
    );
    assert_eq!(read_profile(&app, &me.access_token).await, before);

    // URLs and emails are typed as such, on the way in and out.
    let types = app
        .ok(
            r#"{ profile: __type(name: "CandidateProfile") { fields { name type { name } } }
                 input: __type(name: "UpdateProfileInput") { inputFields { name type { name } } } }"#,
            json!({}),
            None,
        )
        .await;
    let type_of = |list: &Value, name: &str| {
        list.as_array()
            .and_then(|fields| fields.iter().find(|f| f["name"] == name))
            .map(|f| f["type"]["name"].clone())
    };
    for (field, scalar) in [
        ("email", "EmailAddress"),
        ("linkedinUrl", "URL"),
        ("githubUrl", "URL"),
        ("portfolioUrl", "URL"),
    ] {
        assert_eq!(type_of(&types["profile"]["fields"], field), Some(json!(scalar)));
        assert_eq!(
            type_of(&types["input"]["inputFields"], field),
            Some(json!(scalar))
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn mbti_type_is_derived_from_scores_unless_set_directly() {
    let app = TestApp::new().await;
    let me = app.sign_up("mbti@example.com").await;
    assert_eq!(read_profile(&app, &me.access_token).await["mbti"], Value::Null);

    let derived = app
        .ok(
            UPDATE_MBTI,
            json!({ "input": { "ieScore": 70, "nsScore": 40, "tfScore": 55, "jpScore": 20 } }),
            Some(&me.access_token),
        )
        .await;
    let mbti = &derived["updateMbtiProfile"]["mbti"];
    assert_eq!(mbti["type"], "ISTP");
    assert_eq!(mbti["manuallyOverridden"], false);

    // One score changes; the others are kept and the type follows.
    let moved = app
        .ok(
            UPDATE_MBTI,
            json!({ "input": { "nsScore": 90 } }),
            Some(&me.access_token),
        )
        .await;
    assert_eq!(moved["updateMbtiProfile"]["mbti"]["type"], "INTP");
    assert_eq!(moved["updateMbtiProfile"]["mbti"]["ieScore"], 70);

    // Setting the type overrides the scores, which are kept.
    let overridden = app
        .ok(
            UPDATE_MBTI,
            json!({ "input": { "type": "ENFJ" } }),
            Some(&me.access_token),
        )
        .await;
    assert_eq!(overridden["updateMbtiProfile"]["mbti"]["type"], "ENFJ");
    assert_eq!(
        overridden["updateMbtiProfile"]["mbti"]["manuallyOverridden"],
        true
    );
    assert_eq!(overridden["updateMbtiProfile"]["mbti"]["ieScore"], 70);
    let stored = read_profile(&app, &me.access_token).await;
    assert_eq!(stored["mbti"]["type"], "ENFJ");

    // New scores without a type derive again and clear the override.
    let rederived = app
        .ok(
            UPDATE_MBTI,
            json!({ "input": { "tfScore": 10 } }),
            Some(&me.access_token),
        )
        .await;
    assert_eq!(rederived["updateMbtiProfile"]["mbti"]["type"], "INFP");
    assert_eq!(
        rederived["updateMbtiProfile"]["mbti"]["manuallyOverridden"],
        false
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn mbti_input_is_validated() {
    let app = TestApp::new().await;
    let me = app.sign_up("mbti-bad@example.com").await;
    // Scores alone cannot derive a type until all four are known.
    let partial = app
        .gql(
            UPDATE_MBTI,
            json!({ "input": { "ieScore": 60, "nsScore": 60 } }),
            Some(&me.access_token),
        )
        .await;
    assert_eq!(
        only_error(&partial),
        ("BAD_USER_INPUT".to_owned(), Some("tfScore".to_owned()))
    );
    for (field, value) in [
        ("ieScore", -1),
        ("nsScore", 101),
        ("tfScore", 1000),
        ("jpScore", 250),
    ] {
        let mut scores = json!({ "ieScore": 50, "nsScore": 50, "tfScore": 50, "jpScore": 50 });
        scores[field] = json!(value);
        let response = app
            .gql(UPDATE_MBTI, json!({ "input": scores }), Some(&me.access_token))
            .await;
        assert_eq!(
            only_error(&response),
            ("BAD_USER_INPUT".to_owned(), Some(field.to_owned()))
        );
    }
    let bad_type = app
        .gql(
            UPDATE_MBTI,
            json!({ "input": { "type": "ABCD" } }),
            Some(&me.access_token),
        )
        .await;
    assert_eq!(codes(&bad_type), ["BAD_USER_INPUT"]);
    // A type alone is enough, and nothing of the failed attempts was stored.
    assert_eq!(read_profile(&app, &me.access_token).await["mbti"], Value::Null);
    app.ok(
        UPDATE_MBTI,
        json!({ "input": { "type": "INTJ" } }),
        Some(&me.access_token),
    )
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn another_users_profile_is_not_found_and_cannot_be_changed() {
    let app = TestApp::new().await;
    let alice = app.sign_up("alice@example.com").await;
    let bob = app.sign_up("bob@example.com").await;
    app.ok(
        UPDATE_MBTI,
        json!({ "input": { "type": "INTJ" } }),
        Some(&alice.access_token),
    )
    .await;
    let alice_profile = app
        .ok(
            "{ viewer { profile { id mbti { id } } } }",
            json!({}),
            Some(&alice.access_token),
        )
        .await;
    let profile_id = alice_profile["viewer"]["profile"]["id"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let mbti_id = alice_profile["viewer"]["profile"]["mbti"]["id"]
        .as_str()
        .unwrap_or_default()
        .to_owned();

    let node = "query($id: ID!) { node(id: $id) { id ... on CandidateProfile { fullName } } }";
    // Alice finds her own objects by id…
    for id in [&profile_id, &mbti_id, &alice.user_id] {
        let own = app.ok(node, json!({ "id": id }), Some(&alice.access_token)).await;
        assert_eq!(own["node"]["id"], id.as_str());
    }
    // …Bob finds none of them.
    for id in [&profile_id, &mbti_id, &alice.user_id] {
        let response = app.gql(node, json!({ "id": id }), Some(&bob.access_token)).await;
        assert_eq!(only_error(&response).0, "NOT_FOUND", "{id}");
        assert_eq!(response["data"]["node"], Value::Null);
    }
    let many = app
        .ok(
            "query($ids: [ID!]!) { nodes(ids: $ids) { id } }",
            json!({ "ids": [profile_id, bob.user_id] }),
            Some(&bob.access_token),
        )
        .await;
    assert_eq!(many["nodes"], json!([null, { "id": bob.user_id }]));

    // Bob's edits reach only Bob's profile.
    app.ok(
        &update_profile(),
        json!({ "input": { "fullName": "Bob" } }),
        Some(&bob.access_token),
    )
    .await;
    assert_eq!(
        read_profile(&app, &alice.access_token).await["fullName"],
        Value::Null
    );

    let malformed = app
        .gql(
            node,
            json!({ "id": "definitely-not-an-id" }),
            Some(&bob.access_token),
        )
        .await;
    assert_eq!(
        only_error(&malformed),
        ("BAD_USER_INPUT".to_owned(), Some("id".to_owned()))
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn the_profile_tree_costs_one_statement_per_level() {
    let app = TestApp::new().await;
    let me = app.sign_up("count@example.com").await;
    app.ok(
        UPDATE_MBTI,
        json!({ "input": { "type": "INTJ" } }),
        Some(&me.access_token),
    )
    .await;
    let query = "{ viewer { email profile { fullName mbti { type } } } }";
    // users, candidate_profiles, mbti_profiles: one statement each.
    assert_eq!(
        app.statements_for(query, json!({}), Some(&me.access_token)).await,
        3
    );
    // Fetching the same objects through several paths still batches into one statement each.
    let twice = "{ a: viewer { profile { mbti { type } } } b: viewer { profile { mbti { type } } } }";
    assert_eq!(
        app.statements_for(twice, json!({}), Some(&me.access_token)).await,
        3
    );
}
