//! ETPS's truthfulness rule (#15 item 6): an experience's job title, employer and location are
//! fixed once an application uses it (a resume snapshot or an artifact), and
//! `correctExperienceFacts` fixes a typo in them, recorded in the audit log as a correction.

use serde_json::{Value, json};

use crate::applications::application;
use crate::career::{mutate, refused};
use crate::support::{Account, TestApp, only_error};

fn id(value: &Value) -> String {
    value.as_str().unwrap_or_default().to_owned()
}

/// A new experience of `who`; its id.
async fn experience(app: &TestApp, who: &Account, company: &str, title: &str, location: &str) -> String {
    let made = mutate(
        app,
        who,
        "createExperience",
        json!({ "companyName": company, "jobTitle": title, "location": location, "employmentType": "FULL_TIME", "startDate": "2020-01-01" }),
        "experience { id }",
    )
    .await;
    id(&made["experience"]["id"])
}

async fn bullet(app: &TestApp, who: &Account, experience: &str, text: &str) -> String {
    let made = mutate(
        app,
        who,
        "createBullet",
        json!({ "experienceId": experience, "text": text }),
        "bullet { id }",
    )
    .await;
    id(&made["bullet"]["id"])
}

async fn run(
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

/// A resume showing `record` (an experience) in an EXPERIENCE section, snapshotted with
/// `application` (or with none).
pub async fn snapshot_showing(
    app: &TestApp,
    who: &Account,
    records: &[&str],
    application: Option<&str>,
) -> String {
    let resume = run(
        app,
        who,
        "createResume",
        "CreateResumeInput",
        json!({ "name": "Sent" }),
        "resume { id }",
    )
    .await;
    let resume = id(&resume["resume"]["id"]);
    let section = run(
        app,
        who,
        "addResumeSection",
        "AddResumeSectionInput",
        json!({ "resumeId": resume, "type": "EXPERIENCE" }),
        "section { id }",
    )
    .await;
    let section = id(&section["section"]["id"]);
    let mut parent: Option<String> = None;
    for record in records {
        let item = run(
            app,
            who,
            "addResumeItem",
            "AddResumeItemInput",
            json!({ "sectionId": section, "recordId": record, "parentItemId": parent }),
            "item { id }",
        )
        .await;
        if parent.is_none() {
            parent = Some(id(&item["item"]["id"]));
        }
    }
    let snapshot = run(
        app,
        who,
        "snapshotResume",
        "SnapshotResumeInput",
        json!({ "resumeId": resume, "applicationId": application }),
        "snapshot { id }",
    )
    .await;
    id(&snapshot["snapshot"]["id"])
}

pub async fn artifact(app: &TestApp, who: &Account, application: &str, content: &str) {
    run(
        app,
        who,
        "createArtifact",
        "CreateArtifactInput",
        json!({ "applicationId": application, "kind": "COVER_LETTER", "content": content }),
        "artifact { id }",
    )
    .await;
}

async fn facts(app: &TestApp, who: &Account, experience: &str) -> Value {
    app.ok(
        "query($id: ID!) { node(id: $id) { ... on Experience { jobTitle companyName location summary } } }",
        json!({ "id": experience }),
        Some(&who.access_token),
    )
    .await["node"]
        .clone()
}

#[tokio::test(flavor = "multi_thread")]
async fn facts_are_fixed_once_a_snapshot_shows_the_experience() {
    let app = TestApp::new().await;
    let me = app.sign_up("truthful@example.com").await;
    let used = experience(&app, &me, "Acme", "Enginer", "Berlin").await;
    let free = experience(&app, &me, "Initech", "Analyst", "Paris").await;

    // Free until first use.
    mutate(
        &app,
        &me,
        "updateExperience",
        json!({ "id": used, "location": "Munich" }),
        "experience { id }",
    )
    .await;
    snapshot_showing(&app, &me, &[&used], None).await;

    for (field, value) in [
        ("jobTitle", json!("Manager")),
        ("companyName", json!("Globex")),
        ("location", json!("Rome")),
    ] {
        let (code, named) = refused(&app, &me, "updateExperience", json!({ "id": used, field: value })).await;
        assert_eq!(
            (code.as_str(), named.as_deref()),
            ("BAD_USER_INPUT", Some(field)),
            "{field}"
        );
    }
    let response = app
        .gql(
            "mutation($input: UpdateExperienceInput!) { updateExperience(input: $input) { experience { id } } }",
            json!({ "input": { "id": used, "location": null } }),
            Some(&me.access_token),
        )
        .await;
    assert_eq!(
        only_error(&response).0,
        "BAD_USER_INPUT",
        "clearing the location changes it too"
    );
    assert!(
        response["errors"][0]["message"]
            .as_str()
            .unwrap_or_default()
            .contains("truthfulness rule"),
        "the error names the rule: {response}"
    );
    // Sending the same values, or changing what the rule leaves free, is fine.
    mutate(
        &app,
        &me,
        "updateExperience",
        json!({ "id": used, "jobTitle": "Enginer", "companyName": "Acme", "summary": "Built things" }),
        "experience { id }",
    )
    .await;
    assert_eq!(
        facts(&app, &me, &used).await,
        json!({ "jobTitle": "Enginer", "companyName": "Acme", "location": "Munich", "summary": "Built things" })
    );
    // An experience nothing uses stays free.
    mutate(
        &app,
        &me,
        "updateExperience",
        json!({ "id": free, "jobTitle": "Lead Analyst" }),
        "experience { id }",
    )
    .await;
    assert_eq!(facts(&app, &me, &free).await["jobTitle"], "Lead Analyst");
}

#[tokio::test(flavor = "multi_thread")]
async fn an_artifact_quoting_a_bullet_or_stating_the_role_uses_the_experience() {
    let app = TestApp::new().await;
    let me = app.sign_up("artifacts@example.com").await;
    let quoted = experience(&app, &me, "Initech", "Analyst", "Paris").await;
    bullet(&app, &me, &quoted, "Built the reporting pipeline").await;
    let stated = experience(&app, &me, "Hooli", "Data Lead", "Oslo").await;
    let untouched = experience(&app, &me, "Umbrella", "Chemist", "Raccoon City").await;
    bullet(&app, &me, &untouched, "Ran the lab").await;
    let applied = application(&app, &me).await;
    artifact(
        &app,
        &me,
        &applied,
        "Dear team, at my last job I built the Reporting Pipeline, and as data lead at Hooli I ran analytics.",
    )
    .await;

    let (code, field) = refused(
        &app,
        &me,
        "updateExperience",
        json!({ "id": quoted, "location": "Lyon" }),
    )
    .await;
    assert_eq!(
        (code.as_str(), field.as_deref()),
        ("BAD_USER_INPUT", Some("location"))
    );
    let (code, field) = refused(
        &app,
        &me,
        "updateExperience",
        json!({ "id": stated, "companyName": "Pied Piper" }),
    )
    .await;
    assert_eq!(
        (code.as_str(), field.as_deref()),
        ("BAD_USER_INPUT", Some("companyName"))
    );
    mutate(
        &app,
        &me,
        "updateExperience",
        json!({ "id": untouched, "location": "Paris" }),
        "experience { id }",
    )
    .await;
    assert_eq!(facts(&app, &me, &untouched).await["location"], "Paris");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_correction_fixes_a_typo_and_is_logged_as_one() {
    let app = TestApp::new().await;
    let me = app.sign_up("corrector@example.com").await;
    let other = app.sign_up("stranger@example.com").await;
    let used = experience(&app, &me, "Acme Corp", "Senior Enginer", "Berln").await;
    snapshot_showing(&app, &me, &[&used], None).await;

    let corrected = mutate(
        &app,
        &me,
        "correctExperienceFacts",
        json!({ "id": used, "jobTitle": "Senior Engineer", "location": "Berlin", "companyName": "ACME Corp" }),
        "experience { jobTitle companyName location }",
    )
    .await;
    assert_eq!(
        corrected["experience"],
        json!({ "jobTitle": "Senior Engineer", "companyName": "ACME Corp", "location": "Berlin" })
    );
    // More than a typo is another fact.
    let (code, field) = refused(
        &app,
        &me,
        "correctExperienceFacts",
        json!({ "id": used, "companyName": "Globex" }),
    )
    .await;
    assert_eq!(
        (code.as_str(), field.as_deref()),
        ("BAD_USER_INPUT", Some("companyName"))
    );
    let (code, field) = refused(&app, &me, "correctExperienceFacts", json!({ "id": used })).await;
    assert_eq!((code.as_str(), field.as_deref()), ("BAD_USER_INPUT", Some("id")));
    // Someone else's experience is not there.
    let (code, _) = refused(
        &app,
        &other,
        "correctExperienceFacts",
        json!({ "id": used, "jobTitle": "Senior Engineers" }),
    )
    .await;
    assert_eq!(code, "NOT_FOUND");
    assert_eq!(facts(&app, &me, &used).await["jobTitle"], "Senior Engineer");

    let log = app
        .ok(
            "{ viewer { auditLog(filter: { logType: \"fact_correction\" }, first: 10) { totalCount edges { node {
                entityType action message changes { field oldValue newValue } } } } } }",
            json!({}),
            Some(&me.access_token),
        )
        .await;
    let list = &log["viewer"]["auditLog"];
    assert_eq!(list["totalCount"], 1, "{log}");
    let entry = &list["edges"][0]["node"];
    assert_eq!(entry["entityType"], "experiences");
    assert_eq!(entry["action"], "UPDATE");
    assert!(
        entry["message"]
            .as_str()
            .unwrap_or_default()
            .contains("corrected"),
        "{entry}"
    );
    let mut fields: Vec<String> = entry["changes"]
        .as_array()
        .map(|changes| changes.iter().map(|c| id(&c["field"])).collect())
        .unwrap_or_default();
    fields.sort();
    assert_eq!(fields, ["company_name", "job_title", "location"]);
    // An ordinary change is not a correction.
    mutate(
        &app,
        &me,
        "updateExperience",
        json!({ "id": used, "summary": "More" }),
        "experience { id }",
    )
    .await;
    let log = app
        .ok(
            "{ viewer { auditLog(filter: { logType: \"fact_correction\" }) { totalCount } } }",
            json!({}),
            Some(&me.access_token),
        )
        .await;
    assert_eq!(log["viewer"]["auditLog"]["totalCount"], 1);
}

const USAGE: &str = "query($id: ID!) { node(id: $id) { ... on Bullet { usageCount lastUsedAt } } }";

async fn usage(app: &TestApp, who: &Account, bullet: &str) -> Value {
    app.ok(USAGE, json!({ "id": bullet }), Some(&who.access_token))
        .await["node"]
        .clone()
}

#[tokio::test(flavor = "multi_thread")]
async fn usage_counts_the_applications_whose_snapshot_or_artifact_uses_the_bullet() {
    let app = TestApp::new().await;
    let me = app.sign_up("usage@example.com").await;
    let role = experience(&app, &me, "Acme", "Engineer", "Berlin").await;
    let sent = bullet(&app, &me, &role, "Cut p99 latency by 40%").await;
    let quoted = bullet(&app, &me, &role, "Mentored four engineers").await;
    let unused = bullet(&app, &me, &role, "Wrote the on-call guide").await;
    assert_eq!(
        usage(&app, &me, &sent).await,
        json!({ "usageCount": 0, "lastUsedAt": null })
    );

    // A snapshot kept without an application is no use.
    snapshot_showing(&app, &me, &[&role, &sent], None).await;
    assert_eq!(usage(&app, &me, &sent).await["usageCount"], 0);

    let first = application(&app, &me).await;
    let second = application(&app, &me).await;
    snapshot_showing(&app, &me, &[&role, &sent], Some(&first)).await;
    // The same application again (another snapshot, an artifact quoting it) counts once.
    snapshot_showing(&app, &me, &[&role, &sent], Some(&first)).await;
    artifact(
        &app,
        &me,
        &first,
        "I cut P99 latency by 40% and mentored four engineers.",
    )
    .await;
    assert_eq!(usage(&app, &me, &sent).await["usageCount"], 1);
    assert_eq!(usage(&app, &me, &quoted).await["usageCount"], 1);

    artifact(&app, &me, &second, "Highlights: cut p99 latency by 40%.").await;
    let used = usage(&app, &me, &sent).await;
    assert_eq!(used["usageCount"], 2, "{used}");
    assert!(used["lastUsedAt"].is_string(), "{used}");
    assert_eq!(usage(&app, &me, &quoted).await["usageCount"], 1);
    assert_eq!(
        usage(&app, &me, &unused).await,
        json!({ "usageCount": 0, "lastUsedAt": null })
    );

    // An earlier text of the bullet still counts for the artifacts that quote it.
    mutate(
        &app,
        &me,
        "updateBullet",
        json!({ "id": quoted, "text": "Mentored five engineers" }),
        "bullet { id }",
    )
    .await;
    assert_eq!(usage(&app, &me, &quoted).await["usageCount"], 1);

    // Deleting an application takes its uses away.
    run(
        &app,
        &me,
        "deleteApplication",
        "IdInput",
        json!({ "id": second }),
        "deletedId",
    )
    .await;
    assert_eq!(usage(&app, &me, &sent).await["usageCount"], 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn usage_of_many_bullets_costs_one_statement() {
    let app = TestApp::new().await;
    let me = app.sign_up("usage-batch@example.com").await;
    let query = "{ viewer { profile { technicalReview { experiences { edges { node { bullets { edges { node { usageCount lastUsedAt } } } } } } } } } }";
    let role = experience(&app, &me, "Acme", "Engineer", "Berlin").await;
    bullet(&app, &me, &role, "One").await;
    let few = app.statements_for(query, json!({}), Some(&me.access_token)).await;
    for text in ["Two", "Three", "Four"] {
        bullet(&app, &me, &role, text).await;
    }
    let other = experience(&app, &me, "Globex", "Lead", "Paris").await;
    bullet(&app, &me, &other, "Five").await;
    let many = app.statements_for(query, json!({}), Some(&me.access_token)).await;
    assert_eq!(
        few, many,
        "one statement per level, whatever the number of bullets"
    );
}
