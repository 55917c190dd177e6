//! JSON Resume: a realistic document imported into records and a resume, exported back the
//! same (every section of the schema), the export checked against the published schema
//! (v1.0.0, vendored in `json_resume/`), and bad documents refused with their JSON path and
//! nothing written.

use axum::http::StatusCode;
use serde_json::{Value, json};

use crate::career::mutate;
use crate::exports::{app_in, data_dir, download, finished, request, sample_resume, text};
use crate::support::{Account, TestApp, only_error};

const SAMPLE: &str = include_str!("json_resume/sample.json");
const SCHEMA: &str = include_str!("json_resume/schema-v1.0.0.json");
/// The schema project's own sample (v1.0.0).
const THEIR_SAMPLE: &str = include_str!("json_resume/jsonresume-sample.json");

const IMPORT: &str = "mutation($input: ImportJsonResumeInput!) { importJsonResume(input: $input) {
    resume { id name isBase sections { type title items { kind text children { text } } } } } }";

fn schema_errors(document: &Value) -> Vec<String> {
    let schema: Value = serde_json::from_str(SCHEMA).expect("the schema is JSON");
    let validator = jsonschema::draft7::new(&schema).expect("the schema compiles");
    validator
        .iter_errors(document)
        .map(|error| format!("{}: {error}", error.instance_path()))
        .collect()
}

/// The JSON_RESUME export of a resume, made in the background and downloaded.
async fn exported(app: &TestApp, who: &Account, resume: &str) -> Value {
    let id = request(app, who, resume, "JSON_RESUME").await;
    let done = finished(app, who, &id).await;
    assert_eq!(done["status"], "DONE", "{done}");
    let (status, bytes) = download(app, &who.access_token, &text(&done["downloadUrl"])).await;
    assert_eq!(status, StatusCode::OK);
    serde_json::from_slice(&bytes).expect("the export is JSON")
}

#[tokio::test(flavor = "multi_thread")]
async fn an_imported_json_resume_is_records_and_exports_back_the_same() {
    let sample: Value = serde_json::from_str(SAMPLE).expect("the sample is JSON");
    assert_eq!(
        schema_errors(&sample),
        Vec::<String>::new(),
        "the sample follows the schema"
    );
    let dir = data_dir("json-resume");
    let app = app_in(&dir, &[]).await;
    let me = app.sign_up("ana@example.com").await;

    let imported = app
        .ok(
            IMPORT,
            json!({ "input": { "document": SAMPLE } }),
            Some(&me.access_token),
        )
        .await["importJsonResume"]["resume"]
        .clone();
    assert_eq!(imported["name"], "Ana Moreira — general");
    assert_eq!(imported["isBase"], true);
    let sections: Vec<(String, String, usize)> = imported["sections"]
        .as_array()
        .expect("sections")
        .iter()
        .map(|s| {
            (
                text(&s["type"]),
                text(&s["title"]),
                s["items"].as_array().map_or(0, Vec::len),
            )
        })
        .collect();
    let expected = [
        ("SUMMARY", "Summary", 0),
        ("EXPERIENCE", "Experience", 2),
        ("EXPERIENCE", "Volunteering", 1),
        ("EDUCATION", "Education", 2),
        ("PROJECT", "Projects", 1),
        ("SKILL", "Skills", 4),
        ("STRENGTH", "Strengths", 2),
    ];
    assert_eq!(
        sections,
        expected
            .iter()
            .map(|(t, n, c)| (t.to_string(), n.to_string(), *c))
            .collect::<Vec<_>>()
    );
    let first_role = &imported["sections"][1]["items"][0];
    assert_eq!(
        first_role["text"],
        "Staff engineer, Tessera Payments (Mar 2021 – Present), Lisbon, Portugal"
    );
    assert_eq!(first_role["children"].as_array().map(Vec::len), Some(3));
    assert_eq!(imported["sections"][5]["items"][0]["text"], "Rust");

    // The records themselves: the profile, the experiences (one of them VOLUNTEER), the claims.
    let viewer = app
        .ok(
            "{ viewer { profile { fullName headline email phone location summary linkedinUrl githubUrl portfolioUrl }
               skills(first: 10) { edges { node { proficiency skill { name } } } } } }",
            json!({}),
            Some(&me.access_token),
        )
        .await["viewer"]
        .clone();
    assert_eq!(
        viewer["profile"],
        json!({
            "fullName": "Ana Moreira", "headline": "Staff backend engineer",
            "email": "ana.moreira@example.com", "phone": "+351 912 345 678",
            "location": "Rua Augusta 12, Lisbon, Lisboa, 1100-053, PT",
            "summary": sample["basics"]["summary"],
            "linkedinUrl": "https://www.linkedin.com/in/anamoreira",
            "githubUrl": "https://github.com/amoreira",
            "portfolioUrl": "https://anamoreira.example.com"
        })
    );
    let mut claims: Vec<(String, String)> = viewer["skills"]["edges"]
        .as_array()
        .expect("skills")
        .iter()
        .map(|e| (text(&e["node"]["skill"]["name"]), text(&e["node"]["proficiency"])))
        .collect();
    claims.sort();
    assert_eq!(
        claims,
        [
            ("Go", "INTERMEDIATE"),
            ("Payments domain", "INTERMEDIATE"),
            ("PostgreSQL", "ADVANCED"),
            ("Rust", "EXPERT"),
        ]
        .map(|(a, b)| (a.to_owned(), b.to_owned()))
    );

    // Round trip: the export is the document imported, and it follows the published schema.
    let resume = text(&imported["id"]);
    let back = exported(&app, &me, &resume).await;
    assert_eq!(back, sample);
    assert_eq!(schema_errors(&back), Vec::<String>::new());

    // The records are the truth: an edited bullet and a cleared end date show in the export,
    // and the rest of the document stays as it was.
    let bullets = app
        .ok(
            "query($id: ID!) { node(id: $id) { ... on Resume { sections { items { children { record { ... on Bullet { id } } } record { ... on Experience { id } } } } } } }",
            json!({ "id": resume }),
            Some(&me.access_token),
        )
        .await["node"]["sections"][1]["items"]
        .clone();
    let bullet = text(&bullets[0]["children"][1]["record"]["id"]);
    let nordhavn = text(&bullets[1]["record"]["id"]);
    mutate(
        &app,
        &me,
        "updateBullet",
        json!({ "id": bullet, "text": "Cut p99 latency of the authorisation API to 40 ms" }),
        "bullet { id }",
    )
    .await;
    mutate(
        &app,
        &me,
        "updateExperience",
        json!({ "id": nordhavn, "endDate": null }),
        "experience { id }",
    )
    .await;
    let edited = exported(&app, &me, &resume).await;
    let mut expected = sample.clone();
    expected["work"][0]["highlights"][1] = json!("Cut p99 latency of the authorisation API to 40 ms");
    expected["work"][1]
        .as_object_mut()
        .expect("an entry")
        .remove("endDate");
    assert_eq!(edited, expected);

    // A resume composed in careergraph (not imported) follows the schema too.
    let composed = sample_resume(&app, &me).await;
    let native = exported(&app, &me, &composed).await;
    assert_eq!(schema_errors(&native), Vec::<String>::new(), "{native}");
    assert_eq!(native["meta"]["careergraph"]["resumeName"], "Backend");
    assert!(native.get("awards").is_none(), "{native}");
    std::fs::remove_dir_all(&dir).ok();
}

#[tokio::test(flavor = "multi_thread")]
async fn a_bad_document_names_its_json_path_and_writes_nothing() {
    let app = TestApp::new().await;
    let me = app.sign_up("ana@example.com").await;
    let sample: Value = serde_json::from_str(SAMPLE).expect("the sample is JSON");
    let broken = |path: &[&str], value: Value| {
        let mut document = sample.clone();
        let mut at = &mut document;
        for step in &path[..path.len() - 1] {
            at = match step.parse::<usize>() {
                Ok(index) => &mut at[index],
                Err(_) => &mut at[*step],
            };
        }
        let last = path[path.len() - 1];
        match (value, at.as_object_mut()) {
            (Value::Null, Some(object)) => {
                object.remove(last);
            }
            (value, _) => at[last] = value,
        }
        document.to_string()
    };
    let cases = [
        ("{ not json".to_owned(), "document"),
        ("[]".to_owned(), "document"),
        (
            broken(&["work", "1", "startDate"], json!("March 2016")),
            "document.work[1].startDate",
        ),
        (
            broken(&["work", "0", "position"], Value::Null),
            "document.work[0].position",
        ),
        (
            broken(&["volunteer", "0", "highlights"], json!("Ran 60 sessions")),
            "document.volunteer[0].highlights",
        ),
        (
            broken(&["basics", "email"], json!("ana at example")),
            "document.basics.email",
        ),
        (
            broken(
                &["basics", "profiles", "0", "url"],
                json!("https://example.com/ana"),
            ),
            "document.basics.profiles[0].url",
        ),
        (
            broken(&["education", "1", "endDate"], json!("2010")),
            "document.education[1].endDate",
        ),
        (
            broken(&["skills", "3", "name"], json!("rust")),
            "document.skills[3].name",
        ),
        (
            broken(&["meta", "careergraph", "strengths", "1", "name"], json!(42)),
            "document.meta.careergraph.strengths[1].name",
        ),
        (broken(&["awards"], json!({ "title": "x" })), "document.awards"),
        // The schema project's own sample: its project URL has no scheme.
        (THEIR_SAMPLE.to_owned(), "document.projects[0].url"),
    ];
    for (document, path) in cases {
        let answer = app
            .gql(
                IMPORT,
                json!({ "input": { "document": document } }),
                Some(&me.access_token),
            )
            .await;
        assert_eq!(
            only_error(&answer),
            ("BAD_USER_INPUT".to_owned(), Some(path.to_owned())),
            "{answer}"
        );
    }
    let after = app
        .ok(
            "{ viewer { resumes(first: 1) { totalCount } skills(first: 1) { totalCount } profile { fullName } } }",
            json!({}),
            Some(&me.access_token),
        )
        .await;
    assert_eq!(
        after["viewer"],
        json!({ "resumes": { "totalCount": 0 }, "skills": { "totalCount": 0 }, "profile": { "fullName": null } })
    );
}
