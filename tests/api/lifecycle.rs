//! The end of things: updating and deleting applications, unlinking skills, deleting postings
//! (with what the schema says goes with them), `/metrics`, and `Application.fitScore`.

use std::collections::BTreeSet;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use diesel::QueryableByName;
use diesel::sql_types::{BigInt, Text};
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};
use http_body_util::BodyExt;
use serde_json::{Value, json};

use crate::career::{experience, mutate, refused};
use crate::support::{Account, TestApp, only_error};

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

/// Runs `mutation($input: <input_type>!) { <name>(input: $input) { <selection> } }`; the whole
/// response. For mutations whose input type `career::mutate` cannot guess (`IdInput`).
async fn run(
    app: &TestApp,
    who: &Account,
    name: &str,
    input_type: &str,
    input: Value,
    selection: &str,
) -> Value {
    let query = format!("mutation($input: {input_type}!) {{ {name}(input: $input) {{ {selection} }} }}");
    app.gql(&query, json!({ "input": input }), Some(&who.access_token))
        .await
}

async fn delete_application(app: &TestApp, who: &Account, id: &str) -> Value {
    run(
        app,
        who,
        "deleteApplication",
        "IdInput",
        json!({ "id": id }),
        "deletedId",
    )
    .await
}

/// `node(id:)` as `who` sees it, selecting `selection`: the whole response.
async fn node(app: &TestApp, who: &Account, id: &str, selection: &str) -> Value {
    app.gql(
        &format!("query($id: ID!) {{ node(id: $id) {{ {selection} }} }}"),
        json!({ "id": id }),
        Some(&who.access_token),
    )
    .await
}

/// `node(id:)` that must succeed: the node.
async fn read(app: &TestApp, who: &Account, id: &str, selection: &str) -> Value {
    let response = node(app, who, id, selection).await;
    assert!(response.get("errors").is_none(), "{response}");
    response["data"]["node"].clone()
}

/// `who` cannot reach `id`: `node(id:)` is NOT_FOUND (and null) and `nodes(ids:)` gives null.
async fn assert_not_found(app: &TestApp, who: &Account, id: &str) {
    let response = node(app, who, id, "id").await;
    assert_eq!(only_error(&response).0, "NOT_FOUND", "{response}");
    assert_eq!(response["data"]["node"], Value::Null, "{response}");
    let many = app
        .ok(
            "query($ids: [ID!]!) { nodes(ids: $ids) { id } }",
            json!({ "ids": [id] }),
            Some(&who.access_token),
        )
        .await;
    assert_eq!(many["nodes"], json!([null]));
}

async fn posting(app: &TestApp, who: &Account, input: Value) -> String {
    let made = mutate(app, who, "createJobPosting", input, "jobPosting { id }").await;
    made["jobPosting"]["id"].as_str().unwrap_or_default().to_owned()
}

/// Starts an application for `posting_id` with `extra` input fields (context, notes).
async fn apply(app: &TestApp, who: &Account, posting_id: &str, extra: Value) -> String {
    let mut input = json!({ "jobPostingId": posting_id });
    if let (Some(input), Some(extra)) = (input.as_object_mut(), extra.as_object()) {
        input.extend(extra.clone());
    }
    let made = mutate(app, who, "createApplication", input, "application { id }").await;
    made["application"]["id"].as_str().unwrap_or_default().to_owned()
}

async fn artifact(app: &TestApp, who: &Account, application_id: &str, kind: &str, content: &str) -> String {
    let made = mutate(
        app,
        who,
        "createArtifact",
        json!({ "applicationId": application_id, "kind": kind, "content": content }),
        "artifact { pdfUrl }",
    )
    .await;
    made["artifact"]["pdfUrl"].as_str().unwrap_or_default().to_owned()
}

async fn pdf_status(app: &TestApp, who: &Account, url: &str) -> StatusCode {
    let request = Request::get(url)
        .header("authorization", format!("Bearer {}", who.access_token))
        .body(Body::empty())
        .unwrap_or_default();
    app.send(request).await.0
}

/// Everything about an application that an update or a foreign request must not change.
const APPLICATION: &str = "... on Application { id status personalContext notes updatedAt createdAt
  history { fromStatus toStatus note } artifacts { kind version content } jobPosting { id } }";

/// The ids in `viewer.applications(orderBy:)`, in order, and its totalCount.
async fn application_ids(app: &TestApp, who: &Account, order: &str) -> (Vec<String>, i64) {
    let data = app
        .ok(
            "query($order: ApplicationOrder) { viewer { applications(orderBy: $order) { totalCount edges { node { id } } } } }",
            json!({ "order": order }),
            Some(&who.access_token),
        )
        .await;
    let connection = &data["viewer"]["applications"];
    (
        ids_of(connection),
        connection["totalCount"].as_i64().unwrap_or(-1),
    )
}

fn ids_of(connection: &Value) -> Vec<String> {
    connection["edges"]
        .as_array()
        .map(|edges| {
            edges
                .iter()
                .filter_map(|e| e["node"]["id"].as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

fn instant(value: &Value) -> chrono::DateTime<chrono::FixedOffset> {
    chrono::DateTime::parse_from_rfc3339(value.as_str().unwrap_or_default())
        .unwrap_or_else(|e| panic!("{value}: {e}"))
}

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

/// Rows of `table` that belong to the user with `email`, read straight from the database: for
/// rows (artifacts, status events, posting skills, stored matches) the API cannot reach once
/// their parent is gone.
async fn rows_of(app: &TestApp, table: &str, email: &str) -> i64 {
    let mut conn = AsyncPgConnection::establish(&app.database_url)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    diesel::sql_query(format!(
        "select count(*) as n from {table} where user_id = (select id from users where email = $1)"
    ))
    .bind::<Text, _>(email)
    .get_result::<Count>(&mut conn)
    .await
    .unwrap_or_else(|e| panic!("{table}: {e}"))
    .n
}

// ---------------------------------------------------------------------------------------------
// updateApplication
// ---------------------------------------------------------------------------------------------

#[tokio::test(flavor = "multi_thread")]
async fn update_application_by_its_owner_changes_only_the_given_fields() {
    let app = TestApp::new().await;
    let me = app.sign_up("update-app@example.com").await;
    let first_posting = posting(
        &app,
        &me,
        json!({ "companyName": "Globex", "jobTitle": "Staff Engineer", "description": "Rust" }),
    )
    .await;
    let first = apply(
        &app,
        &me,
        &first_posting,
        json!({ "personalContext": "I use their product daily", "notes": "Recruiter: Sam" }),
    )
    .await;
    let second = crate::applications::application(&app, &me).await;
    // The newest change first: the second application, then the first.
    assert_eq!(
        application_ids(&app, &me, "LAST_CHANGED").await,
        (vec![second.clone(), first.clone()], 2)
    );
    let before = read(&app, &me, &first, APPLICATION).await;
    assert_eq!(before["personalContext"], "I use their product daily");

    // Only notes: the context stays; the value is trimmed.
    let updated = mutate(
        &app,
        &me,
        "updateApplication",
        json!({ "id": first, "notes": "  Recruiter: Sam; call on Tuesday  " }),
        "application { id personalContext notes status }",
    )
    .await;
    assert_eq!(
        updated["application"],
        json!({ "id": first, "personalContext": "I use their product daily", "notes": "Recruiter: Sam; call on Tuesday", "status": "DRAFT" })
    );
    let after = read(&app, &me, &first, APPLICATION).await;
    assert_eq!(after["notes"], "Recruiter: Sam; call on Tuesday");
    assert_eq!(after["personalContext"], before["personalContext"]);
    // Not a status change: no history event, same status, same posting.
    assert_eq!(after["history"], before["history"]);
    assert_eq!(after["status"], "DRAFT");
    assert_eq!(after["jobPosting"], before["jobPosting"]);
    assert_eq!(after["createdAt"], before["createdAt"]);
    assert!(
        instant(&after["updatedAt"]) > instant(&before["updatedAt"]),
        "updatedAt did not move: {before} -> {after}"
    );
    // `updatedAt` is the order of viewer.applications: the edited one comes first now.
    assert_eq!(
        application_ids(&app, &me, "LAST_CHANGED").await,
        (vec![first.clone(), second.clone()], 2)
    );
    assert_eq!(
        application_ids(&app, &me, "NEWEST").await,
        (vec![second.clone(), first.clone()], 2)
    );

    // Null clears a field; the other stays. Both at once work too.
    mutate(
        &app,
        &me,
        "updateApplication",
        json!({ "id": first, "personalContext": null }),
        "application { id }",
    )
    .await;
    let cleared = read(&app, &me, &first, APPLICATION).await;
    assert_eq!(cleared["personalContext"], Value::Null);
    assert_eq!(cleared["notes"], "Recruiter: Sam; call on Tuesday");
    mutate(
        &app,
        &me,
        "updateApplication",
        json!({ "id": first, "personalContext": "Mission fits", "notes": "é".repeat(5000) }),
        "application { id }",
    )
    .await;
    let both = read(&app, &me, &first, APPLICATION).await;
    assert_eq!(both["personalContext"], "Mission fits");
    // The limit is 5,000 characters, not bytes.
    assert_eq!(both["notes"].as_str().map(|n| n.chars().count()), Some(5000));
    // The other application was not touched.
    let untouched = read(&app, &me, &second, APPLICATION).await;
    assert_eq!(
        (untouched["personalContext"].clone(), untouched["notes"].clone()),
        (Value::Null, Value::Null)
    );
    // Only the id: nothing changes, the current application comes back.
    let same = mutate(
        &app,
        &me,
        "updateApplication",
        json!({ "id": first }),
        "application { personalContext notes }",
    )
    .await;
    assert_eq!(same["application"]["personalContext"], "Mission fits", "{same}");
}

#[tokio::test(flavor = "multi_thread")]
async fn update_application_refuses_bad_input_and_changes_nothing() {
    let app = TestApp::new().await;
    let me = app.sign_up("update-bad@example.com").await;
    let posting_id = posting(
        &app,
        &me,
        json!({ "companyName": "Initech", "jobTitle": "Engineer", "description": "Go" }),
    )
    .await;
    let id = apply(
        &app,
        &me,
        &posting_id,
        json!({ "personalContext": "Short commute", "notes": "Applied via referral" }),
    )
    .await;
    let before = read(&app, &me, &id, APPLICATION).await;

    for (input, field) in [
        (json!({ "id": id, "personalContext": "   " }), "personalContext"),
        (json!({ "id": id, "personalContext": "" }), "personalContext"),
        (json!({ "id": id, "notes": "\n\t" }), "notes"),
        (json!({ "id": id, "notes": "x".repeat(5001) }), "notes"),
        (
            json!({ "id": id, "personalContext": "y".repeat(5001) }),
            "personalContext",
        ),
        // One good field and one bad one: the good one is not applied either.
        (
            json!({ "id": id, "notes": "A fine new note", "personalContext": " " }),
            "personalContext",
        ),
        (
            json!({ "id": id, "personalContext": "A fine new context", "notes": "z".repeat(5001) }),
            "notes",
        ),
        // A malformed id.
        (json!({ "id": "not-an-id", "notes": "n" }), "id"),
        // A value of the wrong type.
        (json!({ "id": id, "notes": 5 }), "notes"),
    ] {
        let response = run(
            &app,
            &me,
            "updateApplication",
            "UpdateApplicationInput",
            input.clone(),
            "application { id }",
        )
        .await;
        assert_eq!(
            only_error(&response),
            ("BAD_USER_INPUT".to_owned(), Some(field.to_owned())),
            "{input}: {response}"
        );
        assert_eq!(response["data"], Value::Null, "{response}");
        let message = response["errors"][0]["message"].as_str().unwrap_or_default();
        assert!(message.contains(field), "{input}: {message}");
    }
    // A well-formed id of another kind of object is no application of the viewer's.
    assert_eq!(
        refused(
            &app,
            &me,
            "updateApplication",
            json!({ "id": posting_id, "notes": "n" })
        )
        .await,
        ("NOT_FOUND".to_owned(), None)
    );
    assert_eq!(read(&app, &me, &id, APPLICATION).await, before);
}

#[tokio::test(flavor = "multi_thread")]
async fn another_users_application_can_be_neither_updated_nor_deleted() {
    let app = TestApp::new().await;
    let alice = app.sign_up("alice-app@example.com").await;
    let bob = app.sign_up("bob-app@example.com").await;
    let alices_posting = posting(
        &app,
        &alice,
        json!({ "companyName": "Globex", "jobTitle": "Engineer", "description": "Rust" }),
    )
    .await;
    let alices = apply(
        &app,
        &alice,
        &alices_posting,
        json!({ "personalContext": "Dream job", "notes": "Private notes" }),
    )
    .await;
    let cv = artifact(&app, &alice, &alices, "CV", "Alice's CV").await;
    let before = read(&app, &alice, &alices, APPLICATION).await;
    assert_eq!(before["status"], "GENERATED");
    // Bob has an application of his own, so he is not simply empty-handed.
    let bobs = crate::applications::application(&app, &bob).await;

    for input in [
        json!({ "id": alices, "notes": "Bob was here" }),
        json!({ "id": alices, "personalContext": null }),
        json!({ "id": alices }),
    ] {
        assert_eq!(
            refused(&app, &bob, "updateApplication", input).await,
            ("NOT_FOUND".to_owned(), None)
        );
    }
    let deleted = delete_application(&app, &bob, &alices).await;
    assert_eq!(only_error(&deleted).0, "NOT_FOUND", "{deleted}");
    assert_not_found(&app, &bob, &alices).await;
    assert_eq!(application_ids(&app, &bob, "NEWEST").await, (vec![bobs], 1));

    // Alice's application, its artifact and its history are all still there, unchanged.
    assert_eq!(read(&app, &alice, &alices, APPLICATION).await, before);
    assert_eq!(
        application_ids(&app, &alice, "NEWEST").await,
        (vec![alices.clone()], 1)
    );
    assert_eq!(pdf_status(&app, &alice, &cv).await, StatusCode::OK);
    let posting_node = read(
        &app,
        &alice,
        &alices_posting,
        "... on JobPosting { application { id } }",
    )
    .await;
    assert_eq!(posting_node["application"]["id"], alices.as_str());
}

// ---------------------------------------------------------------------------------------------
// deleteApplication
// ---------------------------------------------------------------------------------------------

#[tokio::test(flavor = "multi_thread")]
async fn delete_application_removes_it_with_its_artifacts_and_history() {
    let app = TestApp::new().await;
    let email = "delete-app@example.com";
    let me = app.sign_up(email).await;
    let posting_id = posting(
        &app,
        &me,
        json!({ "companyName": "Hooli", "jobTitle": "SRE", "description": "Kubernetes and Go" }),
    )
    .await;
    let id = apply(&app, &me, &posting_id, json!({ "notes": "Goes away" })).await;
    let cv = artifact(&app, &me, &id, "CV", "My CV, first draft").await;
    artifact(&app, &me, &id, "CV", "My CV, second draft").await;
    let letter = artifact(&app, &me, &id, "COVER_LETTER", "Dear Hooli").await;
    mutate(
        &app,
        &me,
        "transitionApplication",
        json!({ "id": id, "to": "SUBMITTED", "note": "sent" }),
        "application { status }",
    )
    .await;
    let kept = crate::applications::application(&app, &me).await;
    let before = read(&app, &me, &id, APPLICATION).await;
    let page = app
        .ok(
            "{ viewer { applications(orderBy: NEWEST) { edges { cursor node { id } } } } }",
            json!({}),
            Some(&me.access_token),
        )
        .await;
    let edges = &page["viewer"]["applications"]["edges"];
    assert_eq!(edges[1]["node"]["id"], id.as_str());
    let cursor = edges[1]["cursor"].as_str().unwrap_or_default().to_owned();
    let after_cursor = "query($after: String) { viewer { applications(orderBy: NEWEST, first: 10, after: $after) { edges { node { id } } } } }";
    let past_the_end = app
        .ok(after_cursor, json!({ "after": cursor }), Some(&me.access_token))
        .await;
    assert_eq!(
        ids_of(&past_the_end["viewer"]["applications"]),
        Vec::<String>::new()
    );
    assert_eq!(before["artifacts"].as_array().map(Vec::len), Some(3));
    assert_eq!(before["history"].as_array().map(Vec::len), Some(3));
    // The kept application has its creation event and no artifacts.
    assert_eq!(rows_of(&app, "artifacts", email).await, 3);
    assert_eq!(rows_of(&app, "application_status_events", email).await, 4);

    let deleted = delete_application(&app, &me, &id).await;
    assert!(deleted.get("errors").is_none(), "{deleted}");
    assert_eq!(deleted["data"]["deleteApplication"]["deletedId"], id.as_str());

    assert_not_found(&app, &me, &id).await;
    let posting_node = read(
        &app,
        &me,
        &posting_id,
        "... on JobPosting { id application { id } }",
    )
    .await;
    assert_eq!(
        posting_node,
        json!({ "id": posting_id, "application": null }),
        "the posting survives without its application"
    );
    assert_eq!(
        application_ids(&app, &me, "LAST_CHANGED").await,
        (vec![kept.clone()], 1)
    );
    let submitted = app
        .ok(
            "{ viewer { applications(filter: { status: SUBMITTED }) { totalCount } }
               jobPostings: viewer { jobPostings(filter: { hasApplication: false }) { edges { node { id } } } } }",
            json!({}),
            Some(&me.access_token),
        )
        .await;
    assert_eq!(submitted["viewer"]["applications"]["totalCount"], 0);
    // A cursor naming the deleted application starts from the beginning (README, Connections).
    let restarted = app
        .ok(after_cursor, json!({ "after": cursor }), Some(&me.access_token))
        .await;
    assert_eq!(ids_of(&restarted["viewer"]["applications"]), [kept.as_str()]);
    assert_eq!(
        ids_of(&submitted["jobPostings"]["jobPostings"]),
        [posting_id.as_str()]
    );
    // The artifacts went with it: their PDFs are gone, and so are the rows (with the history).
    assert_eq!(pdf_status(&app, &me, &cv).await, StatusCode::NOT_FOUND);
    assert_eq!(pdf_status(&app, &me, &letter).await, StatusCode::NOT_FOUND);
    assert_eq!(rows_of(&app, "artifacts", email).await, 0);
    assert_eq!(rows_of(&app, "application_status_events", email).await, 1);
    assert_eq!(rows_of(&app, "applications", email).await, 1);

    // Gone for good: deleting or updating it again is NOT_FOUND.
    assert_eq!(
        only_error(&delete_application(&app, &me, &id).await).0,
        "NOT_FOUND"
    );
    assert_eq!(
        refused(
            &app,
            &me,
            "updateApplication",
            json!({ "id": id, "notes": "back?" })
        )
        .await,
        ("NOT_FOUND".to_owned(), None)
    );
    assert_eq!(
        refused(
            &app,
            &me,
            "createArtifact",
            json!({ "applicationId": id, "kind": "CV", "content": "orphan" })
        )
        .await
        .0,
        "NOT_FOUND"
    );

    // The posting is free again: a new application starts from scratch.
    let again = apply(&app, &me, &posting_id, json!({})).await;
    assert_ne!(again, id);
    let fresh = read(&app, &me, &again, APPLICATION).await;
    assert_eq!(fresh["status"], "DRAFT");
    assert_eq!(fresh["notes"], Value::Null);
    assert_eq!(
        fresh["history"],
        json!([{ "fromStatus": null, "toStatus": "DRAFT", "note": null }])
    );
    assert_eq!(fresh["artifacts"], json!([]));
    let version = mutate(
        &app,
        &me,
        "createArtifact",
        json!({ "applicationId": again, "kind": "CV", "content": "New start" }),
        "artifact { version }",
    )
    .await;
    assert_eq!(version["artifact"]["version"], 1);
    // The other application was never touched.
    assert!(
        read(&app, &me, &kept, APPLICATION).await["history"]
            .as_array()
            .is_some_and(|h| h.len() == 1)
    );
}

// ---------------------------------------------------------------------------------------------
// removeCandidateSkill, removeProjectSkill
// ---------------------------------------------------------------------------------------------

async fn project(app: &TestApp, who: &Account, name: &str) -> String {
    let made = mutate(
        app,
        who,
        "createProject",
        json!({ "name": name }),
        "project { id }",
    )
    .await;
    made["project"]["id"].as_str().unwrap_or_default().to_owned()
}

/// A catalog skill's id, by (prefix of) name.
async fn catalog_skill(app: &TestApp, who: &Account, search: &str) -> String {
    let data = app
        .ok(
            "query($search: String) { skills(search: $search, first: 1) { edges { node { id } } } }",
            json!({ "search": search }),
            Some(&who.access_token),
        )
        .await;
    data["skills"]["edges"][0]["node"]["id"]
        .as_str()
        .unwrap_or_else(|| panic!("no catalog skill {search:?}: {data}"))
        .to_owned()
}

/// The viewer's claimed skills, by name.
async fn claimed(app: &TestApp, who: &Account) -> BTreeSet<String> {
    let data = app
        .ok(
            "{ viewer { skills { edges { node { skill { name } } } } } }",
            json!({}),
            Some(&who.access_token),
        )
        .await;
    names(&data["viewer"]["skills"], |node| &node["skill"]["name"])
}

/// A project's tech stack, by name.
async fn tech_stack(app: &TestApp, who: &Account, project: &str) -> BTreeSet<String> {
    let node = read(
        app,
        who,
        project,
        "... on Project { techStack { edges { node { name } } } }",
    )
    .await;
    names(&node["techStack"], |node| &node["name"])
}

fn names(connection: &Value, name: impl Fn(&Value) -> &Value) -> BTreeSet<String> {
    connection["edges"]
        .as_array()
        .map(|edges| {
            edges
                .iter()
                .filter_map(|e| name(&e["node"]).as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

#[tokio::test(flavor = "multi_thread")]
async fn remove_candidate_skill_unlinks_only_the_viewers_claim() {
    let app = TestApp::new().await;
    let alice = app.sign_up("alice-claims@example.com").await;
    let bob = app.sign_up("bob-claims@example.com").await;
    let mut claim_ids = Vec::new();
    for (who, name, proficiency) in [
        (&alice, "Python", "EXPERT"),
        (&alice, "Go", "BEGINNER"),
        (&bob, "Python", "ADVANCED"),
    ] {
        let made = mutate(
            &app,
            who,
            "setCandidateSkill",
            json!({ "skillName": name, "proficiency": proficiency }),
            "candidateSkill { id }",
        )
        .await;
        claim_ids.push(
            made["candidateSkill"]["id"]
                .as_str()
                .unwrap_or_default()
                .to_owned(),
        );
    }
    let alices_python_claim = claim_ids[0].clone();
    let python = catalog_skill(&app, &alice, "Python").await;
    let go = catalog_skill(&app, &alice, "Go").await;

    // Other user: Bob never claimed Go; removing it is NOT_FOUND and Alice's claim stays.
    assert_eq!(
        refused(&app, &bob, "removeCandidateSkill", json!({ "skillId": go })).await,
        ("NOT_FOUND".to_owned(), None)
    );
    assert_eq!(
        claimed(&app, &alice).await,
        BTreeSet::from(["Go".to_owned(), "Python".to_owned()])
    );

    // Owner: Alice withdraws Python.
    let removed = mutate(
        &app,
        &alice,
        "removeCandidateSkill",
        json!({ "skillId": python }),
        "removedSkillId",
    )
    .await;
    assert_eq!(removed["removedSkillId"], python.as_str());
    assert_eq!(claimed(&app, &alice).await, BTreeSet::from(["Go".to_owned()]));
    assert_not_found(&app, &alice, &alices_python_claim).await;
    // Only Alice's claim: Bob's claim of the same skill stays.
    assert_eq!(claimed(&app, &bob).await, BTreeSet::from(["Python".to_owned()]));
    // The catalog skill stays.
    let skill = read(&app, &alice, &python, "... on Skill { id name userAdded }").await;
    assert_eq!(
        skill,
        json!({ "id": python, "name": "Python", "userAdded": false })
    );
    assert_eq!(catalog_skill(&app, &bob, "python").await, python);

    // Twice: NOT_FOUND, as documented ("if the candidate had not claimed it").
    assert_eq!(
        refused(&app, &alice, "removeCandidateSkill", json!({ "skillId": python })).await,
        ("NOT_FOUND".to_owned(), None)
    );
    // A malformed id names its field; a claim's id is not a skill's.
    assert_eq!(
        refused(
            &app,
            &alice,
            "removeCandidateSkill",
            json!({ "skillId": "garbage" })
        )
        .await,
        ("BAD_USER_INPUT".to_owned(), Some("skillId".to_owned()))
    );
    assert_eq!(
        refused(
            &app,
            &alice,
            "removeCandidateSkill",
            json!({ "skillId": claim_ids[1] })
        )
        .await
        .0,
        "NOT_FOUND"
    );
    assert_eq!(claimed(&app, &alice).await, BTreeSet::from(["Go".to_owned()]));
    // Claiming it again after the removal works.
    mutate(
        &app,
        &alice,
        "setCandidateSkill",
        json!({ "skillId": python, "proficiency": "INTERMEDIATE" }),
        "candidateSkill { id }",
    )
    .await;
    assert_eq!(
        claimed(&app, &alice).await,
        BTreeSet::from(["Go".to_owned(), "Python".to_owned()])
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn remove_project_skill_unlinks_one_project_only() {
    let app = TestApp::new().await;
    let alice = app.sign_up("alice-stack@example.com").await;
    let bob = app.sign_up("bob-stack@example.com").await;
    let pipeline = project(&app, &alice, "Pipeline").await;
    let scraper = project(&app, &alice, "Scraper").await;
    let bobs = project(&app, &bob, "Bob's tool").await;
    let mut added = std::collections::HashMap::new();
    for (who, project_id, name) in [
        (&alice, &pipeline, "Python"),
        (&alice, &pipeline, "Airflow"),
        (&alice, &pipeline, "Quantum Loom Weaving"),
        (&alice, &scraper, "Python"),
        (&bob, &bobs, "Python"),
    ] {
        let made = mutate(
            &app,
            who,
            "addProjectSkill",
            json!({ "projectId": project_id, "skillName": name }),
            "skill { id name }",
        )
        .await;
        added.insert(name, made["skill"]["id"].as_str().unwrap_or_default().to_owned());
    }
    let python = added["Python"].clone();
    let airflow = added["Airflow"].clone();
    let woven = added["Quantum Loom Weaving"].clone();
    let set = |names: &[&str]| names.iter().map(|n| n.to_string()).collect::<BTreeSet<_>>();

    // Other user: Bob cannot unlink from Alice's project, nor a skill his project lacks.
    for input in [
        json!({ "projectId": pipeline, "skillId": python }),
        json!({ "projectId": bobs, "skillId": airflow }),
    ] {
        assert_eq!(
            refused(&app, &bob, "removeProjectSkill", input).await,
            ("NOT_FOUND".to_owned(), None)
        );
    }
    assert_eq!(
        tech_stack(&app, &alice, &pipeline).await,
        set(&["Airflow", "Python", "Quantum Loom Weaving"])
    );

    // Owner: Python leaves Pipeline only.
    let removed = mutate(
        &app,
        &alice,
        "removeProjectSkill",
        json!({ "projectId": pipeline, "skillId": python }),
        "removedSkillId",
    )
    .await;
    assert_eq!(removed["removedSkillId"], python.as_str());
    assert_eq!(
        tech_stack(&app, &alice, &pipeline).await,
        set(&["Airflow", "Quantum Loom Weaving"])
    );
    assert_eq!(tech_stack(&app, &alice, &scraper).await, set(&["Python"]));
    assert_eq!(tech_stack(&app, &bob, &bobs).await, set(&["Python"]));

    // A skill this link added to the catalog stays in it after the link is gone (private to
    // the user who added it).
    mutate(
        &app,
        &alice,
        "removeProjectSkill",
        json!({ "projectId": pipeline, "skillId": woven }),
        "removedSkillId",
    )
    .await;
    assert_eq!(tech_stack(&app, &alice, &pipeline).await, set(&["Airflow"]));
    for (id, name, user_added) in [(&python, "Python", false), (&woven, "Quantum Loom Weaving", true)] {
        assert_eq!(
            read(&app, &alice, id, "... on Skill { name userAdded }").await,
            json!({ "name": name, "userAdded": user_added })
        );
    }
    assert_eq!(catalog_skill(&app, &alice, "quantum loom").await, woven);
    assert_not_found(&app, &bob, &woven).await;

    // Twice: NOT_FOUND, as documented ("if it was not there"); nothing else moves.
    assert_eq!(
        refused(
            &app,
            &alice,
            "removeProjectSkill",
            json!({ "projectId": pipeline, "skillId": python })
        )
        .await,
        ("NOT_FOUND".to_owned(), None)
    );
    for (input, field) in [
        (json!({ "projectId": "garbage", "skillId": python }), "projectId"),
        (json!({ "projectId": pipeline, "skillId": "garbage" }), "skillId"),
    ] {
        assert_eq!(
            refused(&app, &alice, "removeProjectSkill", input).await,
            ("BAD_USER_INPUT".to_owned(), Some(field.to_owned()))
        );
    }
    assert_eq!(tech_stack(&app, &alice, &pipeline).await, set(&["Airflow"]));
    assert_eq!(tech_stack(&app, &alice, &scraper).await, set(&["Python"]));
}

// ---------------------------------------------------------------------------------------------
// deleteJobPosting
// ---------------------------------------------------------------------------------------------

/// A posting with extracted, manual and removed skills, a computed and a manual match, and an
/// application with an artifact: (posting, application, artifact PDF url, experiences).
async fn full_posting(app: &TestApp, who: &Account, company: &str) -> (String, String, String, [String; 2]) {
    let rust_shop = experience(
        app,
        who,
        &format!("{company} alumni"),
        "FULL_TIME",
        "2021-01-01",
        None,
    )
    .await;
    let unrelated = experience(
        app,
        who,
        &format!("{company} other"),
        "FULL_TIME",
        "2015-01-01",
        Some("2016-01-01"),
    )
    .await;
    mutate(
        app,
        who,
        "setExperienceSkill",
        json!({ "experienceId": rust_shop, "skillName": "Rust", "prominence": "PRIMARY" }),
        "experienceSkill { id }",
    )
    .await;
    let id = posting(
        app,
        who,
        json!({ "companyName": company, "jobTitle": "Backend", "description": "Rust, Kafka and Docker." }),
    )
    .await;
    mutate(
        app,
        who,
        "setJobPostingSkill",
        json!({ "jobPostingId": id, "skillName": "Terraform", "importance": "NICE_TO_HAVE" }),
        "jobPosting { id }",
    )
    .await;
    let kafka = catalog_skill(app, who, "Apache Kafka").await;
    mutate(
        app,
        who,
        "removeJobPostingSkill",
        json!({ "jobPostingId": id, "skillId": kafka }),
        "removedSkillId",
    )
    .await;
    mutate(
        app,
        who,
        "setMatch",
        json!({ "jobPostingId": id, "experienceId": unrelated, "relevance": "HIGH", "relevanceNotes": "Same domain" }),
        "jobPosting { id }",
    )
    .await;
    let application = apply(app, who, &id, json!({ "notes": "n" })).await;
    let pdf = artifact(app, who, &application, "CV", "CV text").await;
    (id, application, pdf, [rust_shop, unrelated])
}

const POSTING: &str = "... on JobPosting { id companyName
  skills { edges { node { importance skill { name } } } }
  matches { edges { node { creationSource experience { id } } } }
  application { id artifacts { version } } }";

#[tokio::test(flavor = "multi_thread")]
async fn delete_job_posting_takes_its_skills_matches_and_application() {
    let app = TestApp::new().await;
    let email = "delete-posting@example.com";
    let me = app.sign_up(email).await;
    let (doomed, application, pdf, [rust_shop, unrelated]) = full_posting(&app, &me, "Doomed").await;
    let (kept, kept_application, kept_pdf, _) = full_posting(&app, &me, "Kept").await;
    let kept_before = read(&app, &me, &kept, POSTING).await;
    let doomed_before = read(&app, &me, &doomed, POSTING).await;
    assert_eq!(
        names(&doomed_before["skills"], |n| &n["skill"]["name"]),
        BTreeSet::from(["Docker".to_owned(), "Rust".to_owned(), "Terraform".to_owned()])
    );
    // Its manual match, and computed ones for both Rust experiences (this posting's and the
    // other's: matches cover all the viewer's experiences).
    let matches: BTreeSet<(String, String)> = doomed_before["matches"]["edges"]
        .as_array()
        .map(|edges| {
            edges
                .iter()
                .map(|e| {
                    (
                        e["node"]["creationSource"]
                            .as_str()
                            .unwrap_or_default()
                            .to_owned(),
                        e["node"]["experience"]["id"]
                            .as_str()
                            .unwrap_or_default()
                            .to_owned(),
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    assert_eq!(matches.len(), 3, "{matches:?}");
    assert!(matches.contains(&("MANUAL".to_owned(), unrelated.clone())));
    assert!(matches.contains(&("COMPUTED".to_owned(), rust_shop.clone())));
    // Both postings were built alike, so each holds half of these rows.
    let skill_rows = rows_of(&app, "job_posting_skills", email).await;
    let match_rows = rows_of(&app, "job_experience_matches", email).await;
    assert_eq!(rows_of(&app, "applications", email).await, 2);

    let deleted = mutate(
        &app,
        &me,
        "deleteJobPosting",
        json!({ "id": doomed }),
        "deletedId",
    )
    .await;
    assert_eq!(deleted["deletedId"], doomed.as_str());

    // The posting is gone, and so is its application (Application.jobPosting is non-null).
    assert_not_found(&app, &me, &doomed).await;
    assert_not_found(&app, &me, &application).await;
    assert_eq!(pdf_status(&app, &me, &pdf).await, StatusCode::NOT_FOUND);
    let listed = app
        .ok(
            "{ viewer { jobPostings { totalCount edges { node { id } } } applications { totalCount edges { node { id } } } } }",
            json!({}),
            Some(&me.access_token),
        )
        .await;
    assert_eq!(ids_of(&listed["viewer"]["jobPostings"]), [kept.as_str()]);
    assert_eq!(listed["viewer"]["jobPostings"]["totalCount"], 1);
    assert_eq!(
        ids_of(&listed["viewer"]["applications"]),
        [kept_application.as_str()]
    );
    assert_eq!(listed["viewer"]["applications"]["totalCount"], 1);
    // Its skill rows and its stored (manual) match went with it; exactly half of each.
    assert_eq!(rows_of(&app, "job_posting_skills", email).await, skill_rows / 2);
    assert_eq!(
        rows_of(&app, "job_experience_matches", email).await,
        match_rows / 2
    );
    assert_eq!(rows_of(&app, "applications", email).await, 1);
    assert_eq!(rows_of(&app, "artifacts", email).await, 1);

    // The experiences it matched stay, with their skills; the catalog skills stay.
    for experience_id in [&rust_shop, &unrelated] {
        read(&app, &me, experience_id, "... on Experience { id }").await;
    }
    let rust_shop_skills = read(
        &app,
        &me,
        &rust_shop,
        "... on Experience { skills { edges { node { skill { name } } } } }",
    )
    .await;
    assert_eq!(
        names(&rust_shop_skills["skills"], |n| &n["skill"]["name"]),
        BTreeSet::from(["Rust".to_owned()])
    );
    for name in ["Terraform", "Apache Kafka", "Rust", "Docker"] {
        let id = catalog_skill(&app, &me, name).await;
        assert_eq!(read(&app, &me, &id, "... on Skill { name }").await["name"], name);
    }
    // The other posting is exactly as it was.
    assert_eq!(read(&app, &me, &kept, POSTING).await, kept_before);
    assert_eq!(pdf_status(&app, &me, &kept_pdf).await, StatusCode::OK);

    // Twice: NOT_FOUND; so is any edit of it, or starting an application for it.
    assert_eq!(
        refused(&app, &me, "deleteJobPosting", json!({ "id": doomed })).await,
        ("NOT_FOUND".to_owned(), None)
    );
    for (mutation, input) in [
        ("updateJobPosting", json!({ "id": doomed, "remoteOk": true })),
        (
            "setJobPostingSkill",
            json!({ "jobPostingId": doomed, "skillName": "Go", "importance": "MUST_HAVE" }),
        ),
        (
            "setMatch",
            json!({ "jobPostingId": doomed, "experienceId": rust_shop, "relevance": "LOW" }),
        ),
        ("createApplication", json!({ "jobPostingId": doomed })),
    ] {
        assert_eq!(
            refused(&app, &me, mutation, input).await.0,
            "NOT_FOUND",
            "{mutation}"
        );
    }
    assert_eq!(rows_of(&app, "job_posting_skills", email).await, skill_rows / 2);
}

#[tokio::test(flavor = "multi_thread")]
async fn another_users_job_posting_cannot_be_deleted() {
    let app = TestApp::new().await;
    let alice_email = "alice-posting@example.com";
    let alice = app.sign_up(alice_email).await;
    let bob = app.sign_up("bob-posting@example.com").await;
    let (alices, application, pdf, _) = full_posting(&app, &alice, "Alice's").await;
    let before = read(&app, &alice, &alices, POSTING).await;
    let skill_rows = rows_of(&app, "job_posting_skills", alice_email).await;
    let bobs = posting(
        &app,
        &bob,
        json!({ "companyName": "Bob's", "jobTitle": "Dev", "description": "Rust" }),
    )
    .await;

    assert_eq!(
        refused(&app, &bob, "deleteJobPosting", json!({ "id": alices })).await,
        ("NOT_FOUND".to_owned(), None)
    );
    // An application id is not a posting id, even the owner's.
    assert_eq!(
        refused(&app, &alice, "deleteJobPosting", json!({ "id": application })).await,
        ("NOT_FOUND".to_owned(), None)
    );
    assert_eq!(
        refused(&app, &bob, "deleteJobPosting", json!({ "id": "garbage" })).await,
        ("BAD_USER_INPUT".to_owned(), Some("id".to_owned()))
    );

    assert_eq!(read(&app, &alice, &alices, POSTING).await, before);
    assert_eq!(rows_of(&app, "job_posting_skills", alice_email).await, skill_rows);
    assert_eq!(pdf_status(&app, &alice, &pdf).await, StatusCode::OK);
    assert_eq!(
        read(&app, &alice, &application, "... on Application { id }").await["id"],
        application.as_str()
    );
    assert_not_found(&app, &bob, &alices).await;
    // Bob's own posting is his to delete.
    mutate(&app, &bob, "deleteJobPosting", json!({ "id": bobs }), "deletedId").await;
    assert_not_found(&app, &bob, &bobs).await;
    assert_eq!(read(&app, &alice, &alices, POSTING).await, before);
}

// ---------------------------------------------------------------------------------------------
// /metrics
// ---------------------------------------------------------------------------------------------

/// GET /metrics: status, content type, body.
async fn metrics(app: &TestApp) -> (StatusCode, String, String) {
    let response = tower::ServiceExt::oneshot(
        app.router.clone(),
        Request::get("/metrics").body(Body::empty()).unwrap_or_default(),
    )
    .await
    .unwrap_or_else(|e| panic!("{e}"));
    let status = response.status();
    let content_type = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let body = response
        .into_body()
        .collect()
        .await
        .map(|b| String::from_utf8_lossy(&b.to_bytes()).into_owned())
        .unwrap_or_default();
    (status, content_type, body)
}

/// The value of the sample `name` (no labels) in Prometheus text.
fn sample(text: &str, name: &str) -> f64 {
    text.lines()
        .filter(|line| !line.starts_with('#'))
        .find_map(|line| {
            let (metric, value) = line.split_once(' ')?;
            (metric == name).then(|| value.trim().parse::<f64>().ok())?
        })
        .unwrap_or_else(|| panic!("no sample {name} in:\n{text}"))
}

const STATEMENTS: &str = "careergraph_sql_statements_total";

#[tokio::test(flavor = "multi_thread")]
async fn metrics_count_the_sql_statements_of_graphql_requests() {
    let app = TestApp::new().await;
    let (status, content_type, text) = metrics(&app).await;
    assert_eq!(status, StatusCode::OK);
    assert!(content_type.starts_with("text/plain"), "{content_type}");
    assert!(content_type.contains("version=0.0.4"), "{content_type}");
    // Well-formed exposition: each sample is `name value` under its HELP and TYPE lines.
    for line in text.lines() {
        if let Some(comment) = line.strip_prefix("# ") {
            assert!(
                comment.starts_with("HELP ") || comment.starts_with("TYPE "),
                "{line}"
            );
            continue;
        }
        let (series, value) = line
            .rsplit_once(' ')
            .unwrap_or_else(|| panic!("not a sample: {line:?}"));
        assert!(value.trim().parse::<f64>().is_ok(), "{line}");
        let name = series.split('{').next().unwrap_or_default();
        // A histogram's samples are its `_bucket`s, `_sum` and `_count`.
        let family = ["_bucket", "_sum", "_count"]
            .iter()
            .filter_map(|suffix| name.strip_suffix(suffix))
            .find(|base| text.contains(&format!("# TYPE {base} histogram")))
            .unwrap_or(name);
        assert!(
            text.contains(&format!("# HELP {family} ")) && text.contains(&format!("# TYPE {family} ")),
            "{name} lacks HELP/TYPE"
        );
    }
    assert!(text.contains(&format!("# TYPE {STATEMENTS} counter")), "{text}");
    assert!(
        text.contains("# TYPE careergraph_db_pool_connections gauge"),
        "{text}"
    );
    let start = sample(&text, STATEMENTS);

    // A GraphQL request that reads the database moves the counter by what it sent.
    let me = app.sign_up("metrics@example.com").await;
    let signed_up = sample(&metrics(&app).await.2, STATEMENTS);
    assert!(signed_up > start, "{start} -> {signed_up}");
    let sent = app
        .statements_for(
            "{ viewer { email jobPostings { totalCount } applications { totalCount } } }",
            json!({}),
            Some(&me.access_token),
        )
        .await;
    assert!(sent > 0);
    let after_query = sample(&metrics(&app).await.2, STATEMENTS);
    assert_eq!(after_query - signed_up, sent as f64);
    // Reading /metrics sends nothing itself, and neither does a query that needs no data.
    assert_eq!(sample(&metrics(&app).await.2, STATEMENTS), after_query);
    app.ok("{ __typename }", json!({}), None).await;
    assert_eq!(sample(&metrics(&app).await.2, STATEMENTS), after_query);
    // A mutation counts as well.
    posting(
        &app,
        &me,
        json!({ "companyName": "Metrics Co", "jobTitle": "Dev", "description": "Rust" }),
    )
    .await;
    assert!(sample(&metrics(&app).await.2, STATEMENTS) > after_query);
    // The pool has opened at least one connection by now.
    assert!(sample(&metrics(&app).await.2, "careergraph_db_pool_connections") >= 1.0);
}

/// The value of the sample `series` (name and labels, as printed) in Prometheus text; 0 when
/// absent.
fn series(text: &str, series: &str) -> f64 {
    text.lines()
        .find_map(|line| line.strip_prefix(series)?.strip_prefix(' ')?.parse().ok())
        .unwrap_or(0.0)
}

#[tokio::test(flavor = "multi_thread")]
async fn metrics_count_operations_by_name_with_latency_and_error_codes() {
    let app = TestApp::new().await;
    let me = app.sign_up("operations@example.com").await;
    for _ in 0..2 {
        app.ok(
            "query Dashboard { viewer { email } }",
            json!({}),
            Some(&me.access_token),
        )
        .await;
    }
    // By `operationName` too, and without a name.
    let request = Request::post("/graphql")
        .header("content-type", "application/json")
        .body(Body::from(
            json!({ "query": "query A { __typename } query B { __typename }", "operationName": "B" })
                .to_string(),
        ))
        .unwrap_or_default();
    app.send(request).await;
    app.ok("{ __typename }", json!({}), None).await;
    // Errors count by code.
    app.gql("{ viewer { email } }", json!({}), None).await;
    app.gql("{ nope }", json!({}), None).await;

    let text = metrics(&app).await.2;
    let operations = "careergraph_graphql_operations_total";
    assert_eq!(
        series(&text, &format!("{operations}{{operation=\"Dashboard\"}}")),
        2.0,
        "{text}"
    );
    assert_eq!(
        series(&text, &format!("{operations}{{operation=\"B\"}}")),
        1.0,
        "{text}"
    );
    assert!(
        series(&text, &format!("{operations}{{operation=\"anonymous\"}}")) >= 3.0,
        "{text}"
    );
    let latency = "careergraph_graphql_request_duration_seconds";
    assert_eq!(
        series(&text, &format!("{latency}_count{{operation=\"Dashboard\"}}")),
        2.0
    );
    assert_eq!(
        series(
            &text,
            &format!("{latency}_bucket{{operation=\"Dashboard\",le=\"+Inf\"}}")
        ),
        2.0,
        "{text}"
    );
    assert!(series(&text, &format!("{latency}_sum{{operation=\"Dashboard\"}}")) > 0.0);
    let errors = "careergraph_graphql_errors_total";
    assert_eq!(
        series(&text, &format!("{errors}{{code=\"UNAUTHENTICATED\"}}")),
        1.0,
        "{text}"
    );
    assert_eq!(
        series(&text, &format!("{errors}{{code=\"GRAPHQL_VALIDATION_FAILED\"}}")),
        1.0,
        "{text}"
    );
    assert!(
        series(&text, "careergraph_db_pool{state=\"open\"}") >= 1.0,
        "{text}"
    );
    assert!(
        text.contains("careergraph_db_pool{state=\"waiting\"} 0"),
        "{text}"
    );

    // Names a client makes up stop being labels after 200: the rest count as `other`.
    for n in 0..205 {
        app.ok(&format!("query Made{n} {{ __typename }}"), json!({}), None)
            .await;
    }
    let text = metrics(&app).await.2;
    let named = text
        .lines()
        .filter(|line| line.starts_with(&format!("{operations}{{")))
        .count();
    assert_eq!(named, 200 + 2, "{text}");
    assert_eq!(
        series(&text, &format!("{operations}{{operation=\"other\"}}")),
        5.0 + 2.0
    );
}

// ---------------------------------------------------------------------------------------------
// Application.fitScore
// ---------------------------------------------------------------------------------------------

const FIT: &str = "... on Application { fitScore jobPosting { skillGap { fitScore }
  skills { edges { node { importance skill { name } } } } } }";

/// The application's fitScore, checked against its posting's skill gap and the listing.
async fn fit_score(app: &TestApp, who: &Account, application: &str) -> i64 {
    let node = read(app, who, application, FIT).await;
    assert_eq!(
        node["fitScore"], node["jobPosting"]["skillGap"]["fitScore"],
        "{node}"
    );
    let listed = app
        .ok(
            "{ viewer { applications { edges { node { id fitScore } } } } }",
            json!({}),
            Some(&who.access_token),
        )
        .await;
    let in_list = listed["viewer"]["applications"]["edges"]
        .as_array()
        .and_then(|edges| edges.iter().find(|e| e["node"]["id"] == application))
        .map(|e| e["node"]["fitScore"].clone());
    assert_eq!(in_list.as_ref(), Some(&node["fitScore"]));
    node["fitScore"].as_i64().unwrap_or(-1)
}

async fn posting_skills(app: &TestApp, who: &Account, application: &str) -> BTreeSet<(String, String)> {
    let node = read(app, who, application, FIT).await;
    node["jobPosting"]["skills"]["edges"]
        .as_array()
        .map(|edges| {
            edges
                .iter()
                .map(|e| {
                    (
                        e["node"]["skill"]["name"].as_str().unwrap_or_default().to_owned(),
                        e["node"]["importance"].as_str().unwrap_or_default().to_owned(),
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

fn skill_set(items: &[(&str, &str)]) -> BTreeSet<(String, String)> {
    items
        .iter()
        .map(|(name, importance)| (name.to_string(), importance.to_string()))
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn fit_score_follows_the_formula_and_stays_current() {
    let app = TestApp::new().await;
    let me = app.sign_up("fit@example.com").await;
    // Evidence of each kind. A current experience (recency 1): Rust PRIMARY (1.0) and Docker
    // MENTIONED (0.3); a claim of Docker ADVANCED (0.8, the better of the two for Docker); a
    // personal project listing Kubernetes (0.5).
    let current = experience(&app, &me, "Current Co", "FULL_TIME", "2022-01-01", None).await;
    for (skill, prominence) in [("Rust", "PRIMARY"), ("Docker", "MENTIONED")] {
        mutate(
            &app,
            &me,
            "setExperienceSkill",
            json!({ "experienceId": current, "skillName": skill, "prominence": prominence }),
            "experienceSkill { id }",
        )
        .await;
    }
    mutate(
        &app,
        &me,
        "setCandidateSkill",
        json!({ "skillName": "Docker", "proficiency": "ADVANCED" }),
        "candidateSkill { id }",
    )
    .await;
    let homelab = project(&app, &me, "Homelab").await;
    mutate(
        &app,
        &me,
        "addProjectSkill",
        json!({ "projectId": homelab, "skillName": "Kubernetes" }),
        "skill { id }",
    )
    .await;

    let posting_id = posting(
        &app,
        &me,
        json!({ "companyName": "Fit Co", "jobTitle": "Platform", "description": "Rust, Docker and PostgreSQL.", "niceToHaves": "Kubernetes" }),
    )
    .await;
    let id = apply(&app, &me, &posting_id, json!({})).await;
    assert_eq!(
        posting_skills(&app, &me, &id).await,
        skill_set(&[
            ("Rust", "MUST_HAVE"),
            ("Docker", "MUST_HAVE"),
            ("PostgreSQL", "MUST_HAVE"),
            ("Kubernetes", "NICE_TO_HAVE"),
        ])
    );
    // round(100 × (1·1.0 + 1·0.8 + 1·0 + 0.5·0.5) ÷ (1 + 1 + 1 + 0.5)) = round(58.57) = 59
    assert_eq!(fit_score(&app, &me, &id).await, 59);

    // Always current: withdrawing the Docker claim leaves the experience's 0.3 …
    let docker = catalog_skill(&app, &me, "Docker").await;
    mutate(
        &app,
        &me,
        "removeCandidateSkill",
        json!({ "skillId": docker }),
        "removedSkillId",
    )
    .await;
    // round(100 × (1.0 + 0.3 + 0.25) ÷ 3.5) = round(44.29) = 44
    assert_eq!(fit_score(&app, &me, &id).await, 44);
    // … and unlinking Kubernetes from the project drops its 0.5.
    let kubernetes = catalog_skill(&app, &me, "Kubernetes").await;
    mutate(
        &app,
        &me,
        "removeProjectSkill",
        json!({ "projectId": homelab, "skillId": kubernetes }),
        "removedSkillId",
    )
    .await;
    // round(100 × (1.0 + 0.3) ÷ 3.5) = round(37.14) = 37
    assert_eq!(fit_score(&app, &me, &id).await, 37);
    // A status change does not touch it; a PostgreSQL claim (EXPERT 1.0) raises it.
    mutate(
        &app,
        &me,
        "transitionApplication",
        json!({ "id": id, "to": "WITHDRAWN" }),
        "application { status }",
    )
    .await;
    assert_eq!(fit_score(&app, &me, &id).await, 37);
    mutate(
        &app,
        &me,
        "setCandidateSkill",
        json!({ "skillName": "PostgreSQL", "proficiency": "EXPERT" }),
        "candidateSkill { id }",
    )
    .await;
    // round(100 × (1.0 + 0.3 + 1.0) ÷ 3.5) = round(65.71) = 66
    assert_eq!(fit_score(&app, &me, &id).await, 66);
}

#[tokio::test(flavor = "multi_thread")]
async fn fit_score_is_zero_without_overlap() {
    let app = TestApp::new().await;
    let me = app.sign_up("no-fit@example.com").await;
    let current = experience(&app, &me, "Rust Co", "FULL_TIME", "2020-01-01", None).await;
    mutate(
        &app,
        &me,
        "setExperienceSkill",
        json!({ "experienceId": current, "skillName": "Rust", "prominence": "PRIMARY" }),
        "experienceSkill { id }",
    )
    .await;
    mutate(
        &app,
        &me,
        "setCandidateSkill",
        json!({ "skillName": "Go", "proficiency": "EXPERT" }),
        "candidateSkill { id }",
    )
    .await;
    // A posting whose skills the candidate has no evidence for.
    let elsewhere = posting(
        &app,
        &me,
        json!({ "companyName": "Data Co", "jobTitle": "Analyst", "description": "Python, Tableau and SQL." }),
    )
    .await;
    let id = apply(&app, &me, &elsewhere, json!({})).await;
    assert_eq!(
        posting_skills(&app, &me, &id).await,
        skill_set(&[
            ("Python", "MUST_HAVE"),
            ("Tableau", "MUST_HAVE"),
            ("SQL", "MUST_HAVE")
        ])
    );
    assert_eq!(fit_score(&app, &me, &id).await, 0);
    let gap = read(
        &app,
        &me,
        &elsewhere,
        "... on JobPosting { skillGap { matched { skill { name } } missing { skill { name } } } }",
    )
    .await;
    assert_eq!(gap["skillGap"]["matched"], json!([]));
    assert_eq!(gap["skillGap"]["missing"].as_array().map(Vec::len), Some(3));

    // A posting that asks for no catalog skill at all: nothing to fit, 0 (not an error).
    let vague = posting(
        &app,
        &me,
        json!({ "companyName": "Vague Co", "jobTitle": "Person", "description": "Build things." }),
    )
    .await;
    let vague_application = apply(&app, &me, &vague, json!({})).await;
    assert_eq!(
        posting_skills(&app, &me, &vague_application).await,
        BTreeSet::new()
    );
    assert_eq!(fit_score(&app, &me, &vague_application).await, 0);
}
