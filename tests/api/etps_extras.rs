//! ETPS extras (issue #23 item 5): the AI-portfolio fields on the profile, experiences and
//! projects, a bullet's relevance scores, lead-with flag and writing strategy (kept on its
//! versions), and tailoring that honours lead-with.

use serde_json::{Value, json};

use crate::career::{experience, mutate, refused};
use crate::support::{Account, TestApp};

const EXPERIENCE: &str = "experience { id aiSystemsBuilt governanceFrameworksCreated domainRelevance }";
const BULLET: &str =
    "bullet { id text leadWith strategy relevanceScores { tag score } versions { text strategy } }";

fn id(value: &Value) -> String {
    value.as_str().unwrap_or_default().to_owned()
}

async fn node(app: &TestApp, who: &Account, id: &str, fragment: &str) -> Value {
    app.ok(
        &format!("query($id: ID!) {{ node(id: $id) {{ {fragment} }} }}"),
        json!({ "id": id }),
        Some(&who.access_token),
    )
    .await["node"]
        .clone()
}

#[tokio::test(flavor = "multi_thread")]
async fn the_ai_portfolio_fields_round_trip_and_bad_values_change_nothing() {
    let app = TestApp::new().await;
    let me = app.sign_up("etps-fields@example.com").await;

    // The profile's flag.
    let profile = mutate(
        &app,
        &me,
        "updateProfile",
        json!({}),
        "profile { aiSystemsBuilder }",
    )
    .await;
    assert_eq!(profile["profile"]["aiSystemsBuilder"], false);
    let profile = mutate(
        &app,
        &me,
        "updateProfile",
        json!({ "aiSystemsBuilder": true }),
        "profile { aiSystemsBuilder }",
    )
    .await;
    assert_eq!(profile["profile"]["aiSystemsBuilder"], true);

    // An experience's lists and relevance.
    let made = mutate(
        &app,
        &me,
        "createExperience",
        json!({
            "companyName": "Bank", "jobTitle": "Head of AI", "employmentType": "FULL_TIME",
            "startDate": "2020-01-01",
            "aiSystemsBuilt": ["Credit scoring model", "credit scoring model", "Fraud agent"],
            "governanceFrameworksCreated": ["Model risk policy"],
            "domainRelevance": 0.9,
        }),
        EXPERIENCE,
    )
    .await;
    let job = id(&made["experience"]["id"]);
    assert_eq!(
        made["experience"],
        json!({
            "id": job,
            "aiSystemsBuilt": ["Credit scoring model", "Fraud agent"],
            "governanceFrameworksCreated": ["Model risk policy"],
            "domainRelevance": 0.9,
        })
    );
    for (input, field) in [
        (json!({ "id": job, "domainRelevance": 1.5 }), "domainRelevance"),
        (json!({ "id": job, "domainRelevance": -0.1 }), "domainRelevance"),
        (
            json!({ "id": job, "aiSystemsBuilt": ["x".repeat(101)] }),
            "aiSystemsBuilt",
        ),
        (
            json!({ "id": job, "governanceFrameworksCreated": [" "] }),
            "governanceFrameworksCreated",
        ),
    ] {
        let (code, named) = refused(&app, &me, "updateExperience", input).await;
        assert_eq!((code.as_str(), named.as_deref()), ("BAD_USER_INPUT", Some(field)));
    }
    let (code, named) = refused(
        &app,
        &me,
        "createExperience",
        json!({ "companyName": "X", "jobTitle": "Y", "employmentType": "FULL_TIME",
                "startDate": "2020-01-01", "domainRelevance": 2 }),
    )
    .await;
    assert_eq!(
        (code.as_str(), named.as_deref()),
        ("BAD_USER_INPUT", Some("domainRelevance"))
    );
    let unchanged = node(
        &app,
        &me,
        &job,
        "... on Experience { aiSystemsBuilt domainRelevance }",
    )
    .await;
    assert_eq!(
        unchanged["aiSystemsBuilt"],
        json!(["Credit scoring model", "Fraud agent"])
    );
    assert_eq!(unchanged["domainRelevance"], 0.9, "{unchanged}");
    let updated = mutate(
        &app,
        &me,
        "updateExperience",
        json!({ "id": job, "aiSystemsBuilt": null, "domainRelevance": null,
                "governanceFrameworksCreated": ["AI ethics board charter"] }),
        EXPERIENCE,
    )
    .await;
    assert_eq!(
        updated["experience"],
        json!({
            "id": job,
            "aiSystemsBuilt": [],
            "governanceFrameworksCreated": ["AI ethics board charter"],
            "domainRelevance": null,
        })
    );

    // A project's relevance; its impact is `impactMetric`.
    let project = mutate(
        &app,
        &me,
        "createProject",
        json!({ "name": "RAG assistant", "impactMetric": "40% improvement", "domainRelevance": 0.8 }),
        "project { id impactMetric domainRelevance }",
    )
    .await;
    let project_id = id(&project["project"]["id"]);
    assert_eq!(project["project"]["domainRelevance"], 0.8);
    assert_eq!(project["project"]["impactMetric"], "40% improvement");
    let (code, named) = refused(
        &app,
        &me,
        "updateProject",
        json!({ "id": project_id, "domainRelevance": 1.01 }),
    )
    .await;
    assert_eq!(
        (code.as_str(), named.as_deref()),
        ("BAD_USER_INPUT", Some("domainRelevance"))
    );
    let project = mutate(
        &app,
        &me,
        "updateProject",
        json!({ "id": project_id, "domainRelevance": 0 }),
        "project { domainRelevance }",
    )
    .await;
    assert_eq!(project["project"]["domainRelevance"], 0.0);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_bullet_keeps_its_scores_and_each_version_the_strategy_that_wrote_it() {
    let app = TestApp::new().await;
    let me = app.sign_up("etps-bullets@example.com").await;
    let job = experience(&app, &me, "Bank", "FULL_TIME", "2020-01-01", None).await;

    let made = mutate(
        &app,
        &me,
        "createBullet",
        json!({
            "experienceId": job, "text": "Set up model risk reviews", "strategy": "manual",
            "relevanceScores": [
                { "tag": "consulting", "score": 0.7 },
                { "tag": "ai_governance", "score": 0.85 },
                { "tag": "python", "score": 0.6 },
            ],
        }),
        BULLET,
    )
    .await;
    let bullet = id(&made["bullet"]["id"]);
    assert_eq!(
        made["bullet"],
        json!({
            "id": bullet, "text": "Set up model risk reviews", "leadWith": false, "strategy": "manual",
            "relevanceScores": [
                { "tag": "ai_governance", "score": 0.85 },
                { "tag": "consulting", "score": 0.7 },
                { "tag": "python", "score": 0.6 },
            ],
            "versions": [],
        })
    );

    // Bad inputs: nothing changes.
    for input in [
        json!({ "id": bullet, "text": "changed", "relevanceScores": [{ "tag": "a", "score": 1.2 }] }),
        json!({ "id": bullet, "text": "changed", "relevanceScores": [{ "tag": "A", "score": 0.2 }, { "tag": "a", "score": 0.3 }] }),
        json!({ "id": bullet, "text": "changed", "relevanceScores": [{ "tag": "", "score": 0.2 }] }),
        json!({ "id": bullet, "text": "changed", "relevanceScores": (0..31).map(|n| json!({ "tag": format!("t{n}"), "score": 0.1 })).collect::<Vec<_>>() }),
    ] {
        let (code, field) = refused(&app, &me, "updateBullet", input).await;
        assert_eq!(
            (code.as_str(), field.as_deref()),
            ("BAD_USER_INPUT", Some("relevanceScores"))
        );
    }
    let (code, field) = refused(
        &app,
        &me,
        "updateBullet",
        json!({ "id": bullet, "text": "changed", "strategy": "s".repeat(51) }),
    )
    .await;
    assert_eq!(
        (code.as_str(), field.as_deref()),
        ("BAD_USER_INPUT", Some("strategy"))
    );
    let (code, field) = refused(
        &app,
        &me,
        "createBullet",
        json!({ "experienceId": job, "text": "x", "relevanceScores": [{ "tag": "a", "score": -1 }] }),
    )
    .await;
    assert_eq!(
        (code.as_str(), field.as_deref()),
        ("BAD_USER_INPUT", Some("relevanceScores"))
    );
    let same = node(
        &app,
        &me,
        &bullet,
        "... on Bullet { text strategy versions { text } relevanceScores { tag } }",
    )
    .await;
    assert_eq!(same["text"], "Set up model risk reviews");
    assert_eq!(same["strategy"], "manual");
    assert_eq!(same["versions"], json!([]));
    assert_eq!(same["relevanceScores"].as_array().map(Vec::len), Some(3));

    // A rewrite by keywords: the old text keeps "manual", the new one is "keywords".
    let rewritten = mutate(
        &app,
        &me,
        "updateBullet",
        json!({ "id": bullet, "text": "Set up model risk reviews for AI governance", "strategy": "keywords",
                "relevanceScores": [{ "tag": "ai_governance", "score": 0.95 }], "leadWith": true }),
        BULLET,
    )
    .await;
    assert_eq!(
        rewritten["bullet"],
        json!({
            "id": bullet, "text": "Set up model risk reviews for AI governance", "leadWith": true,
            "strategy": "keywords",
            "relevanceScores": [{ "tag": "ai_governance", "score": 0.95 }],
            "versions": [{ "text": "Set up model risk reviews", "strategy": "manual" }],
        })
    );
    // A new text without a strategy: not known. A strategy alone relabels the current text.
    let again = mutate(
        &app,
        &me,
        "updateBullet",
        json!({ "id": bullet, "text": "Ran model risk reviews", "relevanceScores": null }),
        BULLET,
    )
    .await;
    assert_eq!(again["bullet"]["strategy"], Value::Null);
    assert_eq!(again["bullet"]["relevanceScores"], json!([]));
    assert_eq!(
        again["bullet"]["versions"],
        json!([
            { "text": "Set up model risk reviews for AI governance", "strategy": "keywords" },
            { "text": "Set up model risk reviews", "strategy": "manual" },
        ])
    );
    let relabelled = mutate(
        &app,
        &me,
        "updateBullet",
        json!({ "id": bullet, "strategy": "star" }),
        "bullet { text strategy versions { strategy } }",
    )
    .await;
    assert_eq!(
        relabelled["bullet"],
        json!({ "text": "Ran model risk reviews", "strategy": "star",
                "versions": [{ "strategy": "keywords" }, { "strategy": "manual" }] })
    );
}

const CHILDREN: &str = "query($id: ID!) { node(id: $id) { ... on Resume {
    sections { type items { text children { text reason } } } } } }";

async fn tailor(app: &TestApp, who: &Account, base: &str, posting: &str) -> Vec<(String, String)> {
    let made = mutate(
        app,
        who,
        "tailorResume",
        json!({ "baseResumeId": base, "jobPostingId": posting }),
        "resume { id }",
    )
    .await;
    let resume = app
        .ok(
            CHILDREN,
            json!({ "id": made["resume"]["id"] }),
            Some(&who.access_token),
        )
        .await;
    let sections = resume["node"]["sections"].as_array().cloned().unwrap_or_default();
    let experience = sections
        .iter()
        .find(|s| s["type"] == "EXPERIENCE")
        .unwrap_or_else(|| panic!("an experience section: {resume}"));
    experience["items"][0]["children"]
        .as_array()
        .map(|children| {
            children
                .iter()
                .map(|c| (id(&c["text"]), id(&c["reason"])))
                .collect()
        })
        .unwrap_or_default()
}

#[tokio::test(flavor = "multi_thread")]
async fn tailoring_chooses_a_lead_with_bullet_and_puts_it_first() {
    let app = TestApp::new().await;
    let me = app.sign_up("etps-lead@example.com").await;
    let posting = mutate(
        &app,
        &me,
        "createJobPosting",
        json!({ "companyName": "Fintech", "jobTitle": "Staff Engineer",
                "description": "You will build services in Rust on PostgreSQL." }),
        "jobPosting { id }",
    )
    .await;
    let posting = id(&posting["jobPosting"]["id"]);
    let job = experience(&app, &me, "Payments Co", "FULL_TIME", "2021-01-01", None).await;
    mutate(
        &app,
        &me,
        "setExperienceSkill",
        json!({ "experienceId": job, "skillName": "Rust", "prominence": "PRIMARY" }),
        "experienceSkill { id }",
    )
    .await;
    let mut bullets = Vec::new();
    for text in [
        "Built a ledger in Rust on PostgreSQL",
        "Wrote Rust services",
        "Chaired the architecture guild",
    ] {
        let made = mutate(
            &app,
            &me,
            "createBullet",
            json!({ "experienceId": job, "text": text }),
            "bullet { id }",
        )
        .await;
        bullets.push(id(&made["bullet"]["id"]));
    }
    let base = mutate(
        &app,
        &me,
        "createResume",
        json!({ "name": "Base" }),
        "resume { id }",
    )
    .await;
    let base = id(&base["resume"]["id"]);

    // Without lead-with, the guild mentions none of the posting's skills and is left out.
    let plain = tailor(&app, &me, &base, &posting).await;
    let texts: Vec<&str> = plain.iter().map(|(t, _)| t.as_str()).collect();
    assert_eq!(
        texts,
        ["Built a ledger in Rust on PostgreSQL", "Wrote Rust services"]
    );

    // Marked lead-with: chosen, first, and the reason says so.
    mutate(
        &app,
        &me,
        "updateBullet",
        json!({ "id": bullets[2], "leadWith": true }),
        "bullet { leadWith }",
    )
    .await;
    let led = tailor(&app, &me, &base, &posting).await;
    let texts: Vec<&str> = led.iter().map(|(t, _)| t.as_str()).collect();
    assert_eq!(
        texts,
        [
            "Chaired the architecture guild",
            "Built a ledger in Rust on PostgreSQL",
            "Wrote Rust services"
        ]
    );
    assert!(led[0].1.starts_with("Marked lead-with"), "{}", led[0].1);
    assert!(!led[1].1.contains("lead-with"), "{}", led[1].1);

    // A lead-with bullet that also mentions the posting's skills leads over a stronger one.
    mutate(
        &app,
        &me,
        "updateBullet",
        json!({ "id": bullets[1], "leadWith": true }),
        "bullet { leadWith }",
    )
    .await;
    let both = tailor(&app, &me, &base, &posting).await;
    let texts: Vec<&str> = both.iter().map(|(t, _)| t.as_str()).collect();
    assert_eq!(
        texts,
        [
            "Wrote Rust services",
            "Chaired the architecture guild",
            "Built a ledger in Rust on PostgreSQL"
        ]
    );
    assert!(
        both[0].1.starts_with("Marked lead-with") && both[0].1.contains("Mentions Rust"),
        "{}",
        both[0].1
    );

    // A private lead-with bullet is still never chosen.
    mutate(
        &app,
        &me,
        "updateBullet",
        json!({ "id": bullets[2], "visibility": "PRIVATE" }),
        "bullet { id }",
    )
    .await;
    let private = tailor(&app, &me, &base, &posting).await;
    assert!(
        private.iter().all(|(t, _)| t != "Chaired the architecture guild"),
        "{private:?}"
    );
}
