//! Resumes composed from the record: items reference records (an edit shows on every resume),
//! hide/override/reorder, snapshots that never change, diffs, tailoring to a posting, access,
//! and a statement count that does not grow with the resume.

use serde_json::{Value, json};

use crate::career::{experience, mutate};
use crate::job_fixtures::FIXTURES;
use crate::support::{Account, TestApp, only_error};

/// Runs a mutation whose input type is `input`; its payload.
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

/// The same, expecting one error: its (code, field).
async fn refused(
    app: &TestApp,
    who: &Account,
    name: &str,
    input_type: &str,
    input: Value,
) -> (String, Option<String>) {
    let query = format!("mutation($input: {input_type}!) {{ {name}(input: $input) {{ __typename }} }}");
    let response = app
        .gql(&query, json!({ "input": input }), Some(&who.access_token))
        .await;
    only_error(&response)
}

fn text(value: &Value) -> String {
    value.as_str().unwrap_or_default().to_owned()
}

async fn resume(app: &TestApp, who: &Account, name: &str) -> String {
    let made = run(
        app,
        who,
        "createResume",
        "CreateResumeInput",
        json!({ "name": name }),
        "resume { id }",
    )
    .await;
    text(&made["resume"]["id"])
}

async fn section(app: &TestApp, who: &Account, resume: &str, kind: &str) -> String {
    let made = run(
        app,
        who,
        "addResumeSection",
        "AddResumeSectionInput",
        json!({ "resumeId": resume, "type": kind }),
        "section { id }",
    )
    .await;
    text(&made["section"]["id"])
}

async fn item(app: &TestApp, who: &Account, section: &str, record: &str, parent: Option<&str>) -> String {
    let made = run(
        app,
        who,
        "addResumeItem",
        "AddResumeItemInput",
        json!({ "sectionId": section, "recordId": record, "parentItemId": parent }),
        "item { id }",
    )
    .await;
    text(&made["item"]["id"])
}

async fn bullet(
    app: &TestApp,
    who: &Account,
    experience: &str,
    words: &str,
    importance: Option<&str>,
) -> String {
    let made = mutate(
        app,
        who,
        "createBullet",
        json!({ "experienceId": experience, "text": words, "importance": importance }),
        "bullet { id }",
    )
    .await;
    text(&made["bullet"]["id"])
}

async fn strength(app: &TestApp, who: &Account, name: &str) -> String {
    let made = mutate(
        app,
        who,
        "createStrength",
        json!({ "name": name }),
        "strength { id }",
    )
    .await;
    text(&made["strength"]["id"])
}

const RESUME: &str =
    "query($id: ID!) { node(id: $id) { ... on Resume { name sections { id type title text items {
    id kind hidden visible index text overrideText canonicalText reason
    record { __typename ... on Bullet { text } ... on Experience { jobTitle } }
    children { id kind hidden visible index text overrideText canonicalText reason } } } } } }";

async fn read(app: &TestApp, who: &Account, id: &str) -> Value {
    app.ok(RESUME, json!({ "id": id }), Some(&who.access_token)).await["node"].clone()
}

/// The shown texts of a resume, section by section: `[title, [item text, [child texts]]]`.
fn outline(resume: &Value) -> Value {
    let sections = resume["sections"].as_array().cloned().unwrap_or_default();
    Value::Array(
        sections
            .iter()
            .map(|s| {
                let items: Vec<Value> = s["items"]
                    .as_array()
                    .cloned()
                    .unwrap_or_default()
                    .iter()
                    .filter(|i| i["visible"] == true)
                    .map(|i| {
                        let children: Vec<Value> = i["children"]
                            .as_array()
                            .cloned()
                            .unwrap_or_default()
                            .iter()
                            .filter(|c| c["visible"] == true)
                            .map(|c| c["text"].clone())
                            .collect();
                        json!([i["text"], children])
                    })
                    .collect();
                json!([s["title"], items])
            })
            .collect(),
    )
}

/// One user's small record and a resume over it: an EXPERIENCE section with the experience and
/// two bullets under it, and a STRENGTH section with two strengths.
struct Composed {
    job: String,
    strengths: Vec<String>,
    resume: String,
    experience_section: String,
    strength_section: String,
    experience_item: String,
    bullets: Vec<String>,
    bullet_items: Vec<String>,
    strength_items: Vec<String>,
}

async fn composed(app: &TestApp, who: &Account, name: &str) -> Composed {
    let job = experience(app, who, "Initech", "FULL_TIME", "2020-01-01", None).await;
    let bullets = vec![
        bullet(app, who, &job, "Cut cloud costs by a third", None).await,
        bullet(app, who, &job, "Led a team of five", None).await,
    ];
    let strengths = vec![
        strength(app, who, "Calm").await,
        strength(app, who, "Curious").await,
    ];
    let resume = resume(app, who, name).await;
    let experience_section = section(app, who, &resume, "EXPERIENCE").await;
    let strength_section = section(app, who, &resume, "STRENGTH").await;
    let experience_item = item(app, who, &experience_section, &job, None).await;
    let mut bullet_items = Vec::new();
    for b in &bullets {
        bullet_items.push(item(app, who, &experience_section, b, Some(&experience_item)).await);
    }
    let mut strength_items = Vec::new();
    for s in &strengths {
        strength_items.push(item(app, who, &strength_section, s, None).await);
    }
    Composed {
        job,
        strengths,
        resume,
        experience_section,
        strength_section,
        experience_item,
        bullets,
        bullet_items,
        strength_items,
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_bullet_edited_once_changes_every_resume_that_uses_it() {
    let app = TestApp::new().await;
    let me = app.sign_up("resume-propagation@example.com").await;
    let first = composed(&app, &me, "General").await;
    // A second resume over the same bullet.
    let second = resume(&app, &me, "Short").await;
    let second_section = section(&app, &me, &second, "CUSTOM").await;
    item(&app, &me, &second_section, &first.bullets[0], None).await;

    mutate(
        &app,
        &me,
        "updateBullet",
        json!({ "id": first.bullets[0], "text": "Cut cloud costs by 40%" }),
        "bullet { id }",
    )
    .await;

    let one = read(&app, &me, &first.resume).await;
    assert_eq!(
        outline(&one),
        json!([
            [
                "Experience",
                [[
                    "Engineer, Initech (Jan 2020 – Present)",
                    ["Cut cloud costs by 40%", "Led a team of five"]
                ]]
            ],
            ["Strengths", [["Calm", []], ["Curious", []]]],
        ])
    );
    assert_eq!(
        one["sections"][0]["items"][0]["children"][0]["canonicalText"],
        "Cut cloud costs by 40%"
    );
    assert_eq!(
        one["sections"][0]["items"][0]["record"]["__typename"],
        "Experience"
    );
    let two = read(&app, &me, &second).await;
    assert_eq!(
        outline(&two),
        json!([["Other", [["Cut cloud costs by 40%", []]]]])
    );
    assert_eq!(
        two["sections"][0]["items"][0]["record"],
        json!({ "__typename": "Bullet", "text": "Cut cloud costs by 40%" })
    );

    // Deleting the record takes its items off every resume.
    mutate(
        &app,
        &me,
        "deleteBullet",
        json!({ "id": first.bullets[0] }),
        "deletedId",
    )
    .await;
    assert_eq!(outline(&read(&app, &me, &second).await), json!([["Other", []]]));

    let listed = app
        .ok(
            "{ viewer { resumes(first: 1) { totalCount pageInfo { hasNextPage } edges { node { name } } } } }",
            json!({}),
            Some(&me.access_token),
        )
        .await;
    assert_eq!(listed["viewer"]["resumes"]["totalCount"], 2);
    assert_eq!(listed["viewer"]["resumes"]["pageInfo"]["hasNextPage"], true);
    assert_eq!(listed["viewer"]["resumes"]["edges"][0]["node"]["name"], "Short");
}

#[tokio::test(flavor = "multi_thread")]
async fn items_are_hidden_overridden_and_reordered_per_resume() {
    let app = TestApp::new().await;
    let me = app.sign_up("resume-items@example.com").await;
    let c = composed(&app, &me, "General").await;

    // An override changes this resume only; the record keeps its text.
    let changed = run(
        &app,
        &me,
        "updateResumeItem",
        "UpdateResumeItemInput",
        json!({ "id": c.bullet_items[1], "overrideText": "Led five engineers through a rewrite" }),
        "item { text overrideText canonicalText }",
    )
    .await;
    assert_eq!(
        changed["item"],
        json!({ "text": "Led five engineers through a rewrite", "overrideText": "Led five engineers through a rewrite", "canonicalText": "Led a team of five" })
    );
    let record = app
        .ok(
            "query($id: ID!) { node(id: $id) { ... on Bullet { text } } }",
            json!({ "id": c.bullets[1] }),
            Some(&me.access_token),
        )
        .await;
    assert_eq!(record["node"]["text"], "Led a team of five");

    // Hidden items stay but are not shown.
    run(
        &app,
        &me,
        "updateResumeItem",
        "UpdateResumeItemInput",
        json!({ "id": c.strength_items[0], "hidden": true }),
        "item { id }",
    )
    .await;
    // Reorder the bullets under the experience, and the sections.
    run(
        &app,
        &me,
        "reorderResumeItems",
        "ReorderResumeItemsInput",
        json!({ "sectionId": c.experience_section, "parentItemId": c.experience_item, "ids": [c.bullet_items[1], c.bullet_items[0]] }),
        "section { id }",
    )
    .await;
    run(
        &app,
        &me,
        "reorderResumeSections",
        "ReorderResumeSectionsInput",
        json!({ "resumeId": c.resume, "ids": [c.strength_section, c.experience_section] }),
        "resume { id }",
    )
    .await;
    let now = read(&app, &me, &c.resume).await;
    assert_eq!(
        outline(&now),
        json!([
            ["Strengths", [["Curious", []]]],
            [
                "Experience",
                [[
                    "Engineer, Initech (Jan 2020 – Present)",
                    [
                        "Led five engineers through a rewrite",
                        "Cut cloud costs by a third"
                    ]
                ]]
            ],
        ])
    );
    let strengths = &now["sections"][0]["items"];
    assert_eq!(strengths[0]["hidden"], true);
    assert_eq!(strengths[0]["visible"], false);
    assert_eq!(now["sections"][1]["items"][0]["children"][0]["index"], 0);

    // Clearing the override shows the record's text again.
    let cleared = run(
        &app,
        &me,
        "updateResumeItem",
        "UpdateResumeItemInput",
        json!({ "id": c.bullet_items[1], "overrideText": null }),
        "item { text overrideText }",
    )
    .await;
    assert_eq!(
        cleared["item"],
        json!({ "text": "Led a team of five", "overrideText": null })
    );

    // Reorders must name every sibling once; items must suit their section and parent.
    let (code, field) = refused(
        &app,
        &me,
        "reorderResumeItems",
        "ReorderResumeItemsInput",
        json!({ "sectionId": c.experience_section, "parentItemId": c.experience_item, "ids": [c.bullet_items[0]] }),
    )
    .await;
    assert_eq!((code.as_str(), field.as_deref()), ("BAD_USER_INPUT", Some("ids")));
    let (code, field) = refused(
        &app,
        &me,
        "addResumeItem",
        "AddResumeItemInput",
        json!({ "sectionId": c.strength_section, "recordId": c.bullets[0] }),
    )
    .await;
    assert_eq!(
        (code.as_str(), field.as_deref()),
        ("BAD_USER_INPUT", Some("recordId"))
    );
    let other_job = experience(&app, &me, "Hooli", "FULL_TIME", "2015-01-01", Some("2019-12-31")).await;
    let foreign_bullet = bullet(&app, &me, &other_job, "Shipped search", None).await;
    let (code, field) = refused(
        &app,
        &me,
        "addResumeItem",
        "AddResumeItemInput",
        json!({ "sectionId": c.experience_section, "recordId": foreign_bullet, "parentItemId": c.experience_item }),
    )
    .await;
    assert_eq!(
        (code.as_str(), field.as_deref()),
        ("BAD_USER_INPUT", Some("recordId"))
    );
    let (code, field) = refused(
        &app,
        &me,
        "addResumeItem",
        "AddResumeItemInput",
        json!({ "sectionId": c.experience_section, "recordId": c.resume }),
    )
    .await;
    assert_eq!(
        (code.as_str(), field.as_deref()),
        ("BAD_USER_INPUT", Some("recordId"))
    );
}

const SNAPSHOT: &str = "query($id: ID!) { node(id: $id) { ... on ResumeSnapshot { name plainText document
    resume { id } application { id } } } }";

#[tokio::test(flavor = "multi_thread")]
async fn snapshots_keep_what_was_sent_after_the_record_changes() {
    let app = TestApp::new().await;
    let me = app.sign_up("resume-snapshots@example.com").await;
    mutate(
        &app,
        &me,
        "updateProfile",
        json!({ "fullName": "Ann Lee", "headline": "Platform engineer" }),
        "profile { id }",
    )
    .await;
    let c = composed(&app, &me, "General").await;
    let made = run(
        &app,
        &me,
        "snapshotResume",
        "SnapshotResumeInput",
        json!({ "resumeId": c.resume }),
        "snapshot { id plainText } snapshotEdge { node { id } }",
    )
    .await;
    let snapshot = text(&made["snapshot"]["id"]);
    assert_eq!(made["snapshotEdge"]["node"]["id"], made["snapshot"]["id"]);
    let frozen = "Ann Lee\nPlatform engineer\nresume-snapshots@example.com\n\nEXPERIENCE\n- Engineer, Initech (Jan 2020 – Present)\n  - Cut cloud costs by a third\n  - Led a team of five\n\nSTRENGTHS\n- Calm\n- Curious\n";
    assert_eq!(made["snapshot"]["plainText"], frozen);

    // Later edits of the record and the resume change the resume, never the snapshot.
    mutate(
        &app,
        &me,
        "updateBullet",
        json!({ "id": c.bullets[0], "text": "Halved cloud costs" }),
        "bullet { id }",
    )
    .await;
    run(
        &app,
        &me,
        "updateResumeItem",
        "UpdateResumeItemInput",
        json!({ "id": c.strength_items[1], "hidden": true }),
        "item { id }",
    )
    .await;
    let after = app
        .ok(SNAPSHOT, json!({ "id": snapshot }), Some(&me.access_token))
        .await;
    assert_eq!(after["node"]["plainText"], frozen);
    assert_eq!(
        after["node"]["document"]["sections"][0]["items"][0]["children"][0]["text"],
        "Cut cloud costs by a third"
    );
    assert_eq!(after["node"]["resume"]["id"], c.resume.as_str());

    // The database itself refuses to change a snapshot.
    {
        use diesel_async::{AsyncConnection, AsyncPgConnection, SimpleAsyncConnection};
        let mut conn = AsyncPgConnection::establish(&app.database_url)
            .await
            .expect("connection");
        let refused = conn
            .batch_execute("update resume_snapshots set document = '{}'::jsonb")
            .await;
        assert!(refused.is_err(), "a snapshot was changed");
        let refused = conn.batch_execute("update resume_snapshots set name = 'x'").await;
        assert!(refused.is_err(), "a snapshot was renamed");
    }

    // Attaching the resume to an application freezes it again.
    let application = crate::applications::application(&app, &me).await;
    let attached = run(
        &app,
        &me,
        "updateResume",
        "UpdateResumeInput",
        json!({ "id": c.resume, "applicationId": application }),
        "resume { application { id } } snapshot { id plainText application { id } }",
    )
    .await;
    assert_eq!(attached["resume"]["application"]["id"], application.as_str());
    assert_eq!(attached["snapshot"]["application"]["id"], application.as_str());
    let sent = text(&attached["snapshot"]["id"]);
    assert_eq!(
        attached["snapshot"]["plainText"],
        "Ann Lee\nPlatform engineer\nresume-snapshots@example.com\n\nEXPERIENCE\n- Engineer, Initech (Jan 2020 – Present)\n  - Halved cloud costs\n  - Led a team of five\n\nSTRENGTHS\n- Calm\n"
    );
    // The same application again freezes nothing new.
    let again = run(
        &app,
        &me,
        "updateResume",
        "UpdateResumeInput",
        json!({ "id": c.resume, "applicationId": application, "name": "Sent" }),
        "snapshot { id }",
    )
    .await;
    assert_eq!(again["snapshot"], Value::Null);
    let listed = app
        .ok(
            "query($id: ID!) { node(id: $id) { ... on Resume { snapshots { totalCount edges { node { id } } } } } }",
            json!({ "id": c.resume }),
            Some(&me.access_token),
        )
        .await;
    assert_eq!(listed["node"]["snapshots"]["totalCount"], 2);
    assert_eq!(
        listed["node"]["snapshots"]["edges"][0]["node"]["id"],
        sent.as_str()
    );

    // Deleting the resume leaves its snapshots, unchanged.
    run(
        &app,
        &me,
        "deleteResume",
        "IdInput",
        json!({ "id": c.resume }),
        "deletedId",
    )
    .await;
    let orphan = app
        .ok(SNAPSHOT, json!({ "id": snapshot }), Some(&me.access_token))
        .await;
    assert_eq!(orphan["node"]["plainText"], frozen);
    assert_eq!(orphan["node"]["resume"], Value::Null);
}

const DIFF: &str = "query($a: ID!, $b: ID!) { resumeDiff(a: $a, b: $b) { changes {
    kind sectionType sectionTitle itemKind recordId before after } } }";

#[tokio::test(flavor = "multi_thread")]
async fn a_diff_lists_added_removed_and_changed_items() {
    let app = TestApp::new().await;
    let me = app.sign_up("resume-diff@example.com").await;
    let c = composed(&app, &me, "General").await;
    let made = run(
        &app,
        &me,
        "snapshotResume",
        "SnapshotResumeInput",
        json!({ "resumeId": c.resume }),
        "snapshot { id }",
    )
    .await;
    let snapshot = text(&made["snapshot"]["id"]);

    // A record edited, an override, an item hidden, one removed, one added.
    mutate(
        &app,
        &me,
        "updateBullet",
        json!({ "id": c.bullets[0], "text": "Halved cloud costs" }),
        "bullet { id }",
    )
    .await;
    run(
        &app,
        &me,
        "updateResumeItem",
        "UpdateResumeItemInput",
        json!({ "id": c.experience_item, "overrideText": "Lead engineer, Initech" }),
        "item { id }",
    )
    .await;
    run(
        &app,
        &me,
        "updateResumeItem",
        "UpdateResumeItemInput",
        json!({ "id": c.strength_items[0], "hidden": true }),
        "item { id }",
    )
    .await;
    run(
        &app,
        &me,
        "deleteResumeItem",
        "IdInput",
        json!({ "id": c.bullet_items[1] }),
        "deletedId",
    )
    .await;
    let patient = strength(&app, &me, "Patient").await;
    item(&app, &me, &c.strength_section, &patient, None).await;

    let diff = app
        .ok(
            DIFF,
            json!({ "a": snapshot, "b": c.resume }),
            Some(&me.access_token),
        )
        .await;
    assert_eq!(
        diff["resumeDiff"]["changes"],
        json!([
            { "kind": "CHANGED", "sectionType": "EXPERIENCE", "sectionTitle": "Experience", "itemKind": "EXPERIENCE",
              "recordId": c.job,
              "before": "Engineer, Initech (Jan 2020 – Present)", "after": "Lead engineer, Initech" },
            { "kind": "CHANGED", "sectionType": "EXPERIENCE", "sectionTitle": "Experience", "itemKind": "BULLET",
              "recordId": c.bullets[0], "before": "Cut cloud costs by a third", "after": "Halved cloud costs" },
            { "kind": "ADDED", "sectionType": "STRENGTH", "sectionTitle": "Strengths", "itemKind": "STRENGTH",
              "recordId": patient, "before": null, "after": "Patient" },
            { "kind": "REMOVED", "sectionType": "EXPERIENCE", "sectionTitle": "Experience", "itemKind": "BULLET",
              "recordId": c.bullets[1], "before": "Led a team of five", "after": null },
            { "kind": "REMOVED", "sectionType": "STRENGTH", "sectionTitle": "Strengths", "itemKind": "STRENGTH",
              "recordId": c.strengths[0], "before": "Calm", "after": null },
        ])
    );
    // Between two snapshots, and of one with itself.
    let later = run(
        &app,
        &me,
        "snapshotResume",
        "SnapshotResumeInput",
        json!({ "resumeId": c.resume }),
        "snapshot { id }",
    )
    .await;
    let between = app
        .ok(
            DIFF,
            json!({ "a": snapshot, "b": later["snapshot"]["id"] }),
            Some(&me.access_token),
        )
        .await;
    assert_eq!(between["resumeDiff"], diff["resumeDiff"]);
    let same = app
        .ok(
            DIFF,
            json!({ "a": snapshot, "b": snapshot }),
            Some(&me.access_token),
        )
        .await;
    assert_eq!(same["resumeDiff"]["changes"], json!([]));
    let wrong = app
        .gql(
            DIFF,
            json!({ "a": snapshot, "b": c.bullets[0] }),
            Some(&me.access_token),
        )
        .await;
    assert_eq!(
        only_error(&wrong),
        ("BAD_USER_INPUT".to_owned(), Some("b".to_owned()))
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_diff_lists_moved_sections_and_items_and_changed_personal_details() {
    let app = TestApp::new().await;
    let me = app.sign_up("resume-moves@example.com").await;
    let c = composed(&app, &me, "General").await;
    let made = run(
        &app,
        &me,
        "snapshotResume",
        "SnapshotResumeInput",
        json!({ "resumeId": c.resume }),
        "snapshot { id }",
    )
    .await;
    let snapshot = text(&made["snapshot"]["id"]);
    run(
        &app,
        &me,
        "reorderResumeSections",
        "ReorderResumeSectionsInput",
        json!({ "resumeId": c.resume, "ids": [c.strength_section, c.experience_section] }),
        "resume { id }",
    )
    .await;
    run(
        &app,
        &me,
        "reorderResumeItems",
        "ReorderResumeItemsInput",
        json!({ "sectionId": c.experience_section, "parentItemId": c.experience_item,
                "ids": [c.bullet_items[1], c.bullet_items[0]] }),
        "section { id }",
    )
    .await;
    run(
        &app,
        &me,
        "updateResume",
        "UpdateResumeInput",
        json!({ "id": c.resume, "personalInfo": { "fullName": "Ann Lee", "headline": "Engineer" } }),
        "resume { id }",
    )
    .await;
    let query = "query($a: ID!, $b: ID!) { resumeDiff(a: $a, b: $b) {
        changes { kind sectionType sectionTitle itemKind recordId before after beforeIndex afterIndex }
        personalInfo { field before after } } }";
    let diff = app
        .ok(
            query,
            json!({ "a": snapshot, "b": c.resume }),
            Some(&me.access_token),
        )
        .await;
    assert_eq!(
        diff["resumeDiff"],
        json!({
            "changes": [
                { "kind": "MOVED", "sectionType": "EXPERIENCE", "sectionTitle": "Experience", "itemKind": null,
                  "recordId": null, "before": null, "after": null, "beforeIndex": 0, "afterIndex": 1 },
                { "kind": "MOVED", "sectionType": "EXPERIENCE", "sectionTitle": "Experience", "itemKind": "BULLET",
                  "recordId": c.bullets[0], "before": "Cut cloud costs by a third",
                  "after": "Cut cloud costs by a third", "beforeIndex": 0, "afterIndex": 1 },
            ],
            "personalInfo": [
                { "field": "fullName", "before": null, "after": "Ann Lee" },
                { "field": "headline", "before": null, "after": "Engineer" },
            ],
        })
    );
    // Back the other way, the same moves seen from the other side.
    let back = app
        .ok(
            query,
            json!({ "a": c.resume, "b": snapshot }),
            Some(&me.access_token),
        )
        .await;
    assert_eq!(
        back["resumeDiff"]["personalInfo"][0],
        json!({ "field": "fullName", "before": "Ann Lee", "after": null })
    );
    assert_eq!(
        back["resumeDiff"]["changes"]
            .as_array()
            .map(|changes| changes.iter().filter(|c| c["kind"] == "MOVED").count()),
        Some(2)
    );
}

async fn set_skill(app: &TestApp, who: &Account, experience: &str, skill: &str, prominence: &str) {
    mutate(
        app,
        who,
        "setExperienceSkill",
        json!({ "experienceId": experience, "skillName": skill, "prominence": prominence }),
        "experienceSkill { id }",
    )
    .await;
}

async fn claim(app: &TestApp, who: &Account, skill: &str, proficiency: &str, featured: bool) {
    mutate(
        app,
        who,
        "setCandidateSkill",
        json!({ "skillName": skill, "proficiency": proficiency, "isFeatured": featured }),
        "candidateSkill { id }",
    )
    .await;
}

const TAILORED: &str = "query($id: ID!) { node(id: $id) { ... on Resume { name isBase jobPosting { jobTitle }
    sections { type title text items { text reason record { __typename }
      children { text reason } } } } } }";

#[tokio::test(flavor = "multi_thread")]
async fn tailoring_chooses_orders_and_explains_by_the_match() {
    let app = TestApp::new().await;
    let me = app.sign_up("resume-tailor@example.com").await;
    let fixture = &FIXTURES[0];
    let made = mutate(
        &app,
        &me,
        "createJobPosting",
        json!({ "companyName": "Paystack", "jobTitle": fixture.title, "description": fixture.description }),
        "jobPosting { id }",
    )
    .await;
    let posting = text(&made["jobPosting"]["id"]);

    // Current, with two must-haves; long ago, with one must-have mentioned; unrelated.
    let payments = experience(&app, &me, "Payments Co", "FULL_TIME", "2021-01-01", None).await;
    set_skill(&app, &me, &payments, "Rust", "PRIMARY").await;
    set_skill(&app, &me, &payments, "PostgreSQL", "SECONDARY").await;
    let old = experience(&app, &me, "Old Co", "FULL_TIME", "2010-01-01", Some("2014-12-31")).await;
    set_skill(&app, &me, &old, "Kubernetes", "MENTIONED").await;
    let bakery = experience(&app, &me, "Bakery", "PART_TIME", "2008-01-01", Some("2009-12-31")).await;
    bullet(&app, &me, &bakery, "Baked bread", Some("HIGH")).await;
    bullet(&app, &me, &payments, "Organised the summer party", Some("LOW")).await;
    bullet(&app, &me, &payments, "Mentored four engineers", Some("HIGH")).await;
    bullet(&app, &me, &payments, "Moved billing events to Kafka", None).await;
    bullet(
        &app,
        &me,
        &payments,
        "Built a ledger in Rust on PostgreSQL",
        Some("MEDIUM"),
    )
    .await;
    let retired = bullet(&app, &me, &payments, "Wrote Rust in 2019", None).await;
    mutate(
        &app,
        &me,
        "retireBullet",
        json!({ "id": retired }),
        "bullet { id }",
    )
    .await;
    bullet(&app, &me, &old, "Kept the lights on", None).await;
    claim(&app, &me, "Excel", "ADVANCED", false).await;
    claim(&app, &me, "Python", "EXPERT", true).await;
    claim(&app, &me, "Kafka", "INTERMEDIATE", false).await;
    claim(&app, &me, "Rust", "EXPERT", false).await;

    // The base: a summary, an experience section showing the bakery, a strength.
    let base = resume(&app, &me, "Base").await;
    let summary = run(
        &app,
        &me,
        "addResumeSection",
        "AddResumeSectionInput",
        json!({ "resumeId": base, "type": "SUMMARY", "content": "Backend engineer." }),
        "section { id }",
    )
    .await;
    assert!(summary["section"]["id"].is_string());
    let base_experience = section(&app, &me, &base, "EXPERIENCE").await;
    item(&app, &me, &base_experience, &bakery, None).await;
    let base_strengths = section(&app, &me, &base, "STRENGTH").await;
    let calm = strength(&app, &me, "Calm").await;
    item(&app, &me, &base_strengths, &calm, None).await;

    let tailored = run(
        &app,
        &me,
        "tailorResume",
        "TailorResumeInput",
        json!({ "baseResumeId": base, "jobPostingId": posting }),
        "resume { id } resumeEdge { node { id } }",
    )
    .await;
    let id = text(&tailored["resume"]["id"]);
    let data = app
        .ok(TAILORED, json!({ "id": id }), Some(&me.access_token))
        .await;
    let resume = &data["node"];
    assert_eq!(resume["name"], format!("Base — {}, Paystack", fixture.title));
    assert_eq!(resume["isBase"], false);
    assert_eq!(resume["jobPosting"]["jobTitle"], fixture.title);
    let titles: Vec<&Value> = resume["sections"]
        .as_array()
        .map(|s| s.iter().map(|s| &s["title"]).collect())
        .unwrap_or_default();
    assert_eq!(
        titles,
        [
            &json!("Summary"),
            &json!("Experience"),
            &json!("Strengths"),
            &json!("Skills")
        ]
    );
    assert_eq!(resume["sections"][0]["text"], "Backend engineer.");
    assert_eq!(resume["sections"][0]["items"], json!([]));
    assert_eq!(resume["sections"][2]["items"][0]["text"], "Calm");
    assert_eq!(
        resume["sections"][2]["items"][0]["reason"],
        "Copied from the base resume."
    );

    let experiences = resume["sections"][1]["items"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let texts: Vec<&Value> = experiences.iter().map(|e| &e["text"]).collect();
    assert_eq!(
        texts,
        [
            &json!("Engineer, Payments Co (Jan 2021 – Present)"),
            &json!("Engineer, Old Co (Jan 2010 – Dec 2014)"),
        ],
        "the bakery matches nothing and is left out; the current, stronger match leads"
    );
    let reason = text(&experiences[0]["reason"]);
    assert!(
        reason.starts_with("Uses 2 of the posting's")
            && reason.contains("Rust must-have, primary")
            && reason.contains("PostgreSQL must-have, secondary"),
        "{reason}"
    );
    assert!(reason.contains("relevance"), "{reason}");
    let bullets: Vec<&Value> = experiences[0]["children"]
        .as_array()
        .map(|c| c.iter().map(|b| &b["text"]).collect())
        .unwrap_or_default();
    assert_eq!(
        bullets,
        [
            &json!("Built a ledger in Rust on PostgreSQL"),
            &json!("Moved billing events to Kafka"),
            &json!("Mentored four engineers"),
        ],
        "by the weight of the skills they mention, then importance; the party and the retired bullet are left out"
    );
    let bullet_reasons: Vec<String> = experiences[0]["children"]
        .as_array()
        .map(|c| c.iter().map(|b| text(&b["reason"])).collect())
        .unwrap_or_default();
    assert_eq!(
        bullet_reasons[0],
        "Mentions PostgreSQL (must-have), Rust (must-have): weight 2.0."
    );
    assert_eq!(
        bullet_reasons[1],
        "Mentions Apache Kafka (nice-to-have): weight 0.5."
    );
    assert!(
        bullet_reasons[2].contains("HIGH importance"),
        "{}",
        bullet_reasons[2]
    );
    assert_eq!(experiences[1]["children"][0]["text"], "Kept the lights on");
    assert!(text(&experiences[1]["children"][0]["reason"]).contains("not bare"));

    let skills: Vec<&Value> = resume["sections"][3]["items"]
        .as_array()
        .map(|s| s.iter().map(|s| &s["text"]).collect())
        .unwrap_or_default();
    assert_eq!(
        skills,
        [
            &json!("Rust"),
            &json!("Apache Kafka"),
            &json!("Python"),
            &json!("Excel")
        ]
    );
    assert_eq!(
        resume["sections"][3]["items"][0]["reason"],
        "The posting asks for it (must-have)."
    );
    assert_eq!(
        resume["sections"][3]["items"][0]["record"]["__typename"],
        "CandidateSkill"
    );

    // The same inputs give the same resume.
    let again = run(
        &app,
        &me,
        "tailorResume",
        "TailorResumeInput",
        json!({ "baseResumeId": base, "jobPostingId": posting, "name": "Again" }),
        "resume { id }",
    )
    .await;
    let second = app
        .ok(
            TAILORED,
            json!({ "id": again["resume"]["id"] }),
            Some(&me.access_token),
        )
        .await;
    assert_eq!(second["node"]["sections"], resume["sections"]);
    let diff = app
        .ok(
            DIFF,
            json!({ "a": id, "b": again["resume"]["id"] }),
            Some(&me.access_token),
        )
        .await;
    assert_eq!(diff["resumeDiff"]["changes"], json!([]));

    // A manual match leads, as in `JobPosting.matches`, even with no skill in common.
    app.ok(
        "mutation($input: SetMatchInput!) { setMatch(input: $input) { __typename } }",
        json!({ "input": { "jobPostingId": posting, "experienceId": bakery, "relevance": "HIGH", "relevanceNotes": "early mornings" } }),
        Some(&me.access_token),
    )
    .await;
    let manual = run(
        &app,
        &me,
        "tailorResume",
        "TailorResumeInput",
        json!({ "baseResumeId": base, "jobPostingId": posting }),
        "resume { id }",
    )
    .await;
    let third = app
        .ok(
            TAILORED,
            json!({ "id": manual["resume"]["id"] }),
            Some(&me.access_token),
        )
        .await;
    let led = &third["node"]["sections"][1]["items"][0];
    assert_eq!(led["text"], "Engineer, Bakery (Jan 2008 – Dec 2009)");
    assert_eq!(
        led["reason"],
        "Matched by hand with HIGH relevance (early mornings); score 0.00."
    );
    assert_eq!(led["children"][0]["text"], "Baked bread");
    assert_eq!(
        third["node"]["sections"][1]["items"].as_array().map(Vec::len),
        Some(3)
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn another_users_resumes_sections_items_and_snapshots_are_not_found() {
    let app = TestApp::new().await;
    let alice = app.sign_up("resume-alice@example.com").await;
    let bob = app.sign_up("resume-bob@example.com").await;
    let a = composed(&app, &alice, "Alice's").await;
    let made = run(
        &app,
        &alice,
        "snapshotResume",
        "SnapshotResumeInput",
        json!({ "resumeId": a.resume }),
        "snapshot { id }",
    )
    .await;
    let snapshot = text(&made["snapshot"]["id"]);
    let posting = mutate(
        &app,
        &bob,
        "createJobPosting",
        json!({ "companyName": "Hooli", "jobTitle": "Engineer", "description": "Rust" }),
        "jobPosting { id }",
    )
    .await;
    let bobs_posting = text(&posting["jobPosting"]["id"]);
    let bobs = resume(&app, &bob, "Bob's").await;
    let bobs_section = section(&app, &bob, &bobs, "CUSTOM").await;
    let before = read(&app, &alice, &a.resume).await;

    for id in [&a.resume, &a.experience_section, &a.bullet_items[0], &snapshot] {
        let response = app
            .gql(
                "query($id: ID!) { node(id: $id) { id } }",
                json!({ "id": id }),
                Some(&bob.access_token),
            )
            .await;
        assert_eq!(only_error(&response).0, "NOT_FOUND", "{id}");
        let nodes = app
            .ok(
                "query($ids: [ID!]!) { nodes(ids: $ids) { id } }",
                json!({ "ids": [id] }),
                Some(&bob.access_token),
            )
            .await;
        assert_eq!(nodes["nodes"], json!([null]));
    }
    let attempts = [
        (
            "updateResume",
            "UpdateResumeInput",
            json!({ "id": a.resume, "name": "Mine" }),
        ),
        ("deleteResume", "IdInput", json!({ "id": a.resume })),
        (
            "addResumeSection",
            "AddResumeSectionInput",
            json!({ "resumeId": a.resume, "type": "CUSTOM" }),
        ),
        (
            "updateResumeSection",
            "UpdateResumeSectionInput",
            json!({ "id": a.strength_section, "title": "Mine" }),
        ),
        (
            "deleteResumeSection",
            "IdInput",
            json!({ "id": a.strength_section }),
        ),
        (
            "reorderResumeSections",
            "ReorderResumeSectionsInput",
            json!({ "resumeId": a.resume, "ids": [a.strength_section, a.experience_section] }),
        ),
        (
            "addResumeItem",
            "AddResumeItemInput",
            json!({ "sectionId": a.strength_section, "recordId": a.bullets[0] }),
        ),
        // Alice's record on Bob's resume.
        (
            "addResumeItem",
            "AddResumeItemInput",
            json!({ "sectionId": bobs_section, "recordId": a.bullets[0] }),
        ),
        (
            "updateResumeItem",
            "UpdateResumeItemInput",
            json!({ "id": a.strength_items[0], "hidden": true }),
        ),
        (
            "updateResumeItem",
            "UpdateResumeItemInput",
            json!({ "id": a.bullet_items[0], "overrideText": "Mine" }),
        ),
        ("deleteResumeItem", "IdInput", json!({ "id": a.bullet_items[0] })),
        (
            "reorderResumeItems",
            "ReorderResumeItemsInput",
            json!({ "sectionId": a.strength_section, "ids": [a.strength_items[1], a.strength_items[0]] }),
        ),
        (
            "snapshotResume",
            "SnapshotResumeInput",
            json!({ "resumeId": a.resume }),
        ),
        (
            "tailorResume",
            "TailorResumeInput",
            json!({ "baseResumeId": a.resume, "jobPostingId": bobs_posting }),
        ),
    ];
    for (name, input_type, input) in attempts {
        let (code, _) = refused(&app, &bob, name, input_type, input.clone()).await;
        assert_eq!(code, "NOT_FOUND", "{name} {input}");
    }
    for (a_id, b_id) in [(&snapshot, &bobs), (&bobs, &a.resume)] {
        let response = app
            .gql(DIFF, json!({ "a": a_id, "b": b_id }), Some(&bob.access_token))
            .await;
        assert_eq!(only_error(&response).0, "NOT_FOUND");
    }
    // Bob's own list does not show Alice's resume, and Alice's is untouched.
    let listed = app
        .ok(
            "{ viewer { resumes { totalCount } } }",
            json!({}),
            Some(&bob.access_token),
        )
        .await;
    assert_eq!(listed["viewer"]["resumes"]["totalCount"], 1);
    assert_eq!(read(&app, &alice, &a.resume).await, before);
    let anonymous = app
        .gql(
            "query($id: ID!) { node(id: $id) { id } }",
            json!({ "id": a.resume }),
            None,
        )
        .await;
    assert_eq!(only_error(&anonymous).0, "UNAUTHENTICATED");
}

const EVERYTHING: &str =
    "{ viewer { resumes { edges { node { name personalInfo { fullName } jobPosting { jobTitle }
    sections { type title text items { kind text visible reason
      record { __typename ... on Experience { jobTitle } ... on CandidateSkill { skill { name } } }
      children { kind text visible record { __typename } } } } } } } } }";

/// A resume with every kind of section and `n` experiences of `n` bullets each, every item
/// referencing a record.
async fn full_resume(app: &TestApp, who: &Account, n: usize) {
    let resume = resume(app, who, "Everything").await;
    let summary = section(app, who, &resume, "SUMMARY").await;
    assert!(!summary.is_empty());
    let experiences = section(app, who, &resume, "EXPERIENCE").await;
    let education = section(app, who, &resume, "EDUCATION").await;
    let projects = section(app, who, &resume, "PROJECT").await;
    let skills = section(app, who, &resume, "SKILL").await;
    let strengths = section(app, who, &resume, "STRENGTH").await;
    let custom = section(app, who, &resume, "CUSTOM").await;
    for i in 0..n {
        let job = experience(app, who, &format!("Co {i}"), "FULL_TIME", "2020-01-01", None).await;
        let job_item = item(app, who, &experiences, &job, None).await;
        for j in 0..n {
            let b = bullet(app, who, &job, &format!("Did thing {i}.{j}"), None).await;
            item(app, who, &experiences, &b, Some(&job_item)).await;
        }
        let story = mutate(
            app,
            who,
            "createStarStory",
            json!({ "experienceId": job, "situation": "s", "task": "t", "action": "Acted", "result": "won" }),
            "starStory { id }",
        )
        .await;
        item(app, who, &custom, &text(&story["starStory"]["id"]), None).await;
        let school = mutate(
            app,
            who,
            "createEducation",
            json!({ "institutionName": format!("School {i}"), "degree": "BSc" }),
            "education { id }",
        )
        .await;
        item(app, who, &education, &text(&school["education"]["id"]), None).await;
        let project = mutate(
            app,
            who,
            "createProject",
            json!({ "name": format!("Project {i}") }),
            "project { id }",
        )
        .await;
        item(app, who, &projects, &text(&project["project"]["id"]), None).await;
        let s = strength(app, who, &format!("Strength {i}")).await;
        item(app, who, &strengths, &s, None).await;
    }
    for skill in ["Rust", "Go", "SQL", "Python", "Kotlin"].iter().take(n.max(1)) {
        let claimed = mutate(
            app,
            who,
            "setCandidateSkill",
            json!({ "skillName": skill }),
            "candidateSkill { id }",
        )
        .await;
        item(app, who, &skills, &text(&claimed["candidateSkill"]["id"]), None).await;
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_resume_with_all_its_sections_costs_the_same_statements_whatever_its_size() {
    let app = TestApp::new().await;
    let small = app.sign_up("resume-small@example.com").await;
    full_resume(&app, &small, 1).await;
    let large = app.sign_up("resume-large@example.com").await;
    full_resume(&app, &large, 5).await;
    let data = app.ok(EVERYTHING, json!({}), Some(&large.access_token)).await;
    let sections = &data["viewer"]["resumes"]["edges"][0]["node"]["sections"];
    assert_eq!(sections.as_array().map(Vec::len), Some(7));
    assert_eq!(sections[1]["items"].as_array().map(Vec::len), Some(5));
    assert_eq!(
        sections[1]["items"][4]["children"].as_array().map(Vec::len),
        Some(5)
    );
    assert_eq!(sections[4]["items"][0]["record"]["skill"]["name"], "Rust");
    assert_eq!(sections[6]["items"][0]["text"], "Acted won");

    let few = app
        .statements_for(EVERYTHING, json!({}), Some(&small.access_token))
        .await;
    let many = app
        .statements_for(EVERYTHING, json!({}), Some(&large.access_token))
        .await;
    assert_eq!(
        few, many,
        "statements for 1 of each: {few}; for 5 (and 25 bullets): {many}"
    );
    assert!(few <= 20, "{few} statements");
}

#[tokio::test(flavor = "multi_thread")]
async fn personal_details_and_sections_are_the_resumes_own() {
    let app = TestApp::new().await;
    let me = app.sign_up("resume-details@example.com").await;
    mutate(
        &app,
        &me,
        "updateProfile",
        json!({ "fullName": "Ann Lee", "location": "Lisbon", "summary": "Engineer of platforms." }),
        "profile { id }",
    )
    .await;
    let made = run(
        &app,
        &me,
        "createResume",
        "CreateResumeInput",
        json!({ "name": "Work", "template": "compact", "personalInfo": { "fullName": "Ann B. Lee", "email": "Ann@Work.example" } }),
        "resume { id template personalInfo { fullName email location } personalInfoOverrides { fullName email location } } resumeEdge { node { id } } snapshot { id }",
    )
    .await;
    let id = text(&made["resume"]["id"]);
    assert_eq!(made["resume"]["template"], "compact");
    assert_eq!(
        made["resume"]["personalInfo"],
        json!({ "fullName": "Ann B. Lee", "email": "ann@work.example", "location": "Lisbon" })
    );
    assert_eq!(
        made["resume"]["personalInfoOverrides"],
        json!({ "fullName": "Ann B. Lee", "email": "ann@work.example", "location": null })
    );
    assert_eq!(made["resumeEdge"]["node"]["id"], id.as_str());
    assert_eq!(made["snapshot"], Value::Null);
    let cleared = run(
        &app,
        &me,
        "updateResume",
        "UpdateResumeInput",
        json!({ "id": id, "personalInfo": { "fullName": null } }),
        "resume { personalInfo { fullName email } }",
    )
    .await;
    assert_eq!(
        cleared["resume"]["personalInfo"],
        json!({ "fullName": "Ann Lee", "email": "ann@work.example" })
    );
    let (code, field) = refused(
        &app,
        &me,
        "updateResume",
        "UpdateResumeInput",
        json!({ "id": id, "personalInfo": { "linkedinUrl": "https://example.com/ann" } }),
    )
    .await;
    assert_eq!(
        (code.as_str(), field.as_deref()),
        ("BAD_USER_INPUT", Some("personalInfo.linkedinUrl"))
    );

    // A SUMMARY shows the profile's summary until it has text of its own.
    let summary = section(&app, &me, &id, "SUMMARY").await;
    let read_section = async |section: &str| {
        app.ok(
            "query($id: ID!) { node(id: $id) { ... on ResumeSection { type title content text index } } }",
            json!({ "id": section }),
            Some(&me.access_token),
        )
        .await["node"]
            .clone()
    };
    assert_eq!(
        read_section(&summary).await,
        json!({ "type": "SUMMARY", "title": "Summary", "content": null, "text": "Engineer of platforms.", "index": 0 })
    );
    run(
        &app,
        &me,
        "updateResumeSection",
        "UpdateResumeSectionInput",
        json!({ "id": summary, "title": "Profile", "content": "Builds payment platforms." }),
        "section { id }",
    )
    .await;
    assert_eq!(
        read_section(&summary).await,
        json!({ "type": "SUMMARY", "title": "Profile", "content": "Builds payment platforms.", "text": "Builds payment platforms.", "index": 0 })
    );
    let job = experience(&app, &me, "Initech", "FULL_TIME", "2020-01-01", None).await;
    let (code, field) = refused(
        &app,
        &me,
        "addResumeItem",
        "AddResumeItemInput",
        json!({ "sectionId": summary, "recordId": job }),
    )
    .await;
    assert_eq!(
        (code.as_str(), field.as_deref()),
        ("BAD_USER_INPUT", Some("recordId"))
    );

    run(
        &app,
        &me,
        "deleteResumeSection",
        "IdInput",
        json!({ "id": summary }),
        "deletedId",
    )
    .await;
    let gone = app
        .gql(
            "query($id: ID!) { node(id: $id) { id } }",
            json!({ "id": summary }),
            Some(&me.access_token),
        )
        .await;
    assert_eq!(only_error(&gone).0, "NOT_FOUND");
    assert_eq!(read(&app, &me, &id).await["sections"], json!([]));
}
