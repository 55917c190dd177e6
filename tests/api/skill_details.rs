//! Skill details (issue #23 item 7): a catalog skill's description and state, platform admins
//! retiring and reactivating skills (a retired skill is neither extracted nor offered, and old
//! links stay), and the candidate's details on a claimed skill.

use std::collections::BTreeSet;

use diesel_async::{AsyncConnection, AsyncPgConnection, SimpleAsyncConnection};
use serde_json::{Value, json};

use crate::career::{experience, mutate, refused};
use crate::support::{Account, TestApp, only_error};

/// Runs `mutation { <name>(input: $input) { <selection> } }` with an input of type
/// `input_type`; the payload.
async fn call(
    app: &TestApp,
    who: &Account,
    name: &str,
    input_type: &str,
    input: Value,
    selection: &str,
) -> Value {
    let query = format!("mutation($input: {input_type}!) {{ {name}(input: $input) {{ {selection} }} }}");
    app.ok(&query, json!({ "input": input }), Some(&who.access_token))
        .await[name]
        .clone()
}

async fn make_admin(app: &TestApp, email: &str) {
    let mut conn = AsyncPgConnection::establish(&app.database_url)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    conn.batch_execute(&format!(
        "update users set role = 'admin' where email = '{email}'"
    ))
    .await
    .expect("the user is made an admin");
}

/// The id of the shared skill named `name` (first hit of the catalog search, retired ones too).
async fn skill_id(app: &TestApp, who: &Account, name: &str) -> String {
    let data = app
        .ok(
            "query($s: String) { skills(search: $s, first: 1, includeRetired: true) { edges { node { id name } } } }",
            json!({ "s": name }),
            Some(&who.access_token),
        )
        .await;
    let node = &data["skills"]["edges"][0]["node"];
    assert_eq!(node["name"], name, "{data}");
    node["id"].as_str().unwrap_or_default().to_owned()
}

async fn posting(app: &TestApp, who: &Account, description: &str) -> String {
    let made = mutate(
        app,
        who,
        "createJobPosting",
        json!({ "companyName": "Co", "jobTitle": "Platform Engineer", "description": description }),
        "jobPosting { id }",
    )
    .await;
    made["jobPosting"]["id"].as_str().unwrap_or_default().to_owned()
}

/// The posting's skills as (name, isActive).
async fn posting_skills(app: &TestApp, who: &Account, id: &str) -> BTreeSet<(String, bool)> {
    let data = app
        .ok(
            "query($id: ID!) { node(id: $id) { ... on JobPosting { skills(first: 100) { edges { node { skill { name isActive } } } } } } }",
            json!({ "id": id }),
            Some(&who.access_token),
        )
        .await;
    data["node"]["skills"]["edges"]
        .as_array()
        .map(|edges| {
            edges
                .iter()
                .map(|e| {
                    let skill = &e["node"]["skill"];
                    (
                        skill["name"].as_str().unwrap_or_default().to_owned(),
                        skill["isActive"].as_bool().unwrap_or_default(),
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

fn set(items: &[(&str, bool)]) -> BTreeSet<(String, bool)> {
    items.iter().map(|(n, a)| ((*n).to_owned(), *a)).collect()
}

async fn search(app: &TestApp, who: &Account, prefix: &str, include_retired: bool) -> Vec<String> {
    let data = app
        .ok(
            "query($s: String, $r: Boolean) { skills(search: $s, first: 10, includeRetired: $r) { edges { node { name } } } }",
            json!({ "s": prefix, "r": include_retired }),
            Some(&who.access_token),
        )
        .await;
    data["skills"]["edges"]
        .as_array()
        .map(|edges| {
            edges
                .iter()
                .map(|e| e["node"]["name"].as_str().unwrap_or_default().to_owned())
                .collect()
        })
        .unwrap_or_default()
}

const TEXT: &str = "We run Kubernetes clusters and write services in Rust.";

#[tokio::test(flavor = "multi_thread")]
async fn a_retired_skill_is_not_extracted_nor_offered_and_old_links_stay() {
    let app = TestApp::new().await;
    let admin = app.sign_up("skills-admin@example.com").await;
    make_admin(&app, "skills-admin@example.com").await;
    let me = app.sign_up("skills-user@example.com").await;

    let before = posting(&app, &me, TEXT).await;
    assert_eq!(
        posting_skills(&app, &me, &before).await,
        set(&[("Kubernetes", true), ("Rust", true)])
    );
    let kubernetes = skill_id(&app, &me, "Kubernetes").await;
    let job = experience(&app, &me, "Ops Co", "FULL_TIME", "2020-01-01", None).await;
    mutate(
        &app,
        &me,
        "setExperienceSkill",
        json!({ "experienceId": job, "skillId": kubernetes }),
        "experienceSkill { id }",
    )
    .await;

    let retired = call(
        &app,
        &admin,
        "retireSkill",
        "CatalogSkillInput",
        json!({ "skillId": kubernetes }),
        "skill { id name isActive }",
    )
    .await;
    assert_eq!(
        retired["skill"],
        json!({ "id": kubernetes, "name": "Kubernetes", "isActive": false })
    );

    // Not extracted from a new posting, nor when an old one is extracted again.
    let after = posting(&app, &me, TEXT).await;
    assert_eq!(posting_skills(&app, &me, &after).await, set(&[("Rust", true)]));
    // The posting extracted before keeps its link, which still resolves.
    assert_eq!(
        posting_skills(&app, &me, &before).await,
        set(&[("Kubernetes", false), ("Rust", true)])
    );
    mutate(
        &app,
        &me,
        "updateJobPosting",
        json!({ "id": before, "description": format!("{TEXT} Also Terraform.") }),
        "jobPosting { id }",
    )
    .await;
    assert_eq!(
        posting_skills(&app, &me, &before).await,
        set(&[("Rust", true), ("Terraform", true)])
    );
    // The experience's link stays; the skill resolves by id.
    let linked = app
        .ok(
            "query($id: ID!) { node(id: $id) { ... on Experience { skills { edges { node { skill { name isActive } } } } } } }",
            json!({ "id": job }),
            Some(&me.access_token),
        )
        .await;
    assert_eq!(
        linked["node"]["skills"]["edges"],
        json!([{ "node": { "skill": { "name": "Kubernetes", "isActive": false } } }])
    );
    // Not offered by the search unless asked for.
    assert_eq!(search(&app, &me, "kube", false).await, Vec::<String>::new());
    assert_eq!(search(&app, &me, "kube", true).await, ["Kubernetes"]);

    // Reactivated: extracted and offered again.
    let back = call(
        &app,
        &admin,
        "reactivateSkill",
        "CatalogSkillInput",
        json!({ "skillId": kubernetes }),
        "skill { isActive }",
    )
    .await;
    assert_eq!(back["skill"]["isActive"], true);
    let again = posting(&app, &me, TEXT).await;
    assert_eq!(
        posting_skills(&app, &me, &again).await,
        set(&[("Kubernetes", true), ("Rust", true)])
    );
    assert_eq!(search(&app, &me, "kube", false).await, ["Kubernetes"]);
}

#[tokio::test(flavor = "multi_thread")]
async fn only_platform_admins_retire_reactivate_and_describe_skills() {
    let app = TestApp::new().await;
    let admin = app.sign_up("skills-matrix-admin@example.com").await;
    make_admin(&app, "skills-matrix-admin@example.com").await;
    let user = app.sign_up("skills-matrix-user@example.com").await;
    let rust = skill_id(&app, &user, "Rust").await;
    let private = mutate(
        &app,
        &user,
        "addSkill",
        json!({ "name": "Zig comptime", "category": "LANGUAGE", "description": "Compile-time code in Zig." }),
        "skill { id description isActive }",
    )
    .await;
    assert_eq!(private["skill"]["description"], "Compile-time code in Zig.");
    assert_eq!(private["skill"]["isActive"], true);
    let unknown = "U2tpbGw6MDE5MzAwMDAtMDAwMC03MDAwLTgwMDAtMDAwMDAwMDAwMDAw"; // Skill:<a nil-ish v7 id>

    let calls: [(&str, &str, Value); 3] = [
        ("retireSkill", "CatalogSkillInput", json!({ "skillId": rust })),
        ("reactivateSkill", "CatalogSkillInput", json!({ "skillId": rust })),
        (
            "updateSkill",
            "UpdateSkillInput",
            json!({ "skillId": rust, "description": "A systems language." }),
        ),
    ];
    for (name, input_type, input) in &calls {
        let query = format!(
            "mutation($input: {input_type}!) {{ {name}(input: $input) {{ skill {{ id isActive description }} }} }}"
        );
        // Anonymous, then a user: refused whatever the id.
        let anonymous = app.gql(&query, json!({ "input": input }), None).await;
        assert_eq!(only_error(&anonymous).0, "UNAUTHENTICATED", "{name}");
        for id in [rust.as_str(), unknown] {
            let mut input = input.clone();
            input["skillId"] = json!(id);
            let response = app
                .gql(&query, json!({ "input": input }), Some(&user.access_token))
                .await;
            assert_eq!(only_error(&response).0, "FORBIDDEN", "{name} {response}");
        }
        // A platform admin: done, and NOT_FOUND for an id no skill has.
        let done = app
            .ok(&query, json!({ "input": input }), Some(&admin.access_token))
            .await;
        assert_eq!(done[*name]["skill"]["id"], json!(rust), "{name}");
        let mut missing = input.clone();
        missing["skillId"] = json!(unknown);
        let response = app
            .gql(&query, json!({ "input": missing }), Some(&admin.access_token))
            .await;
        assert_eq!(only_error(&response).0, "NOT_FOUND", "{name} {response}");
    }
    // What the admin's calls left: reactivated last, described.
    let rust_now = app
        .ok(
            "query($id: ID!) { node(id: $id) { ... on Skill { isActive description } } }",
            json!({ "id": rust }),
            Some(&user.access_token),
        )
        .await;
    assert_eq!(
        rust_now["node"],
        json!({ "isActive": true, "description": "A systems language." })
    );
    // A bad description changes nothing; null clears it.
    let query =
        "mutation($input: UpdateSkillInput!) { updateSkill(input: $input) { skill { description } } }";
    for bad in [json!("  "), json!("d".repeat(2001))] {
        let response = app
            .gql(
                query,
                json!({ "input": { "skillId": rust, "description": bad } }),
                Some(&admin.access_token),
            )
            .await;
        assert_eq!(
            only_error(&response),
            ("BAD_USER_INPUT".to_owned(), Some("description".to_owned()))
        );
    }
    let cleared = app
        .ok(
            query,
            json!({ "input": { "skillId": rust, "description": null } }),
            Some(&admin.access_token),
        )
        .await;
    assert_eq!(cleared["updateSkill"]["skill"]["description"], Value::Null);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_claimed_skill_keeps_the_candidates_details() {
    let app = TestApp::new().await;
    let me = app.sign_up("skills-details@example.com").await;
    let claimed = mutate(
        &app,
        &me,
        "setCandidateSkill",
        json!({ "skillName": "Rust", "proficiency": "EXPERT", "details": "Async services, embedded tooling." }),
        "candidateSkill { id details proficiency }",
    )
    .await;
    assert_eq!(
        claimed["candidateSkill"]["details"],
        "Async services, embedded tooling."
    );
    let (code, field) = refused(
        &app,
        &me,
        "setCandidateSkill",
        json!({ "skillName": "Rust", "details": "x".repeat(2001) }),
    )
    .await;
    assert_eq!(
        (code.as_str(), field.as_deref()),
        ("BAD_USER_INPUT", Some("details"))
    );
    let listed = app
        .ok(
            "{ viewer { skills { edges { node { details proficiency skill { name } } } } } }",
            json!({}),
            Some(&me.access_token),
        )
        .await;
    assert_eq!(
        listed["viewer"]["skills"]["edges"],
        json!([{ "node": { "details": "Async services, embedded tooling.", "proficiency": "EXPERT", "skill": { "name": "Rust" } } }])
    );
    // Claiming again replaces every field, details included.
    let again = mutate(
        &app,
        &me,
        "setCandidateSkill",
        json!({ "skillName": "Rust", "proficiency": "ADVANCED" }),
        "candidateSkill { details proficiency }",
    )
    .await;
    assert_eq!(
        again["candidateSkill"],
        json!({ "details": null, "proficiency": "ADVANCED" })
    );
}
