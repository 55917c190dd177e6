//! Job analysis (#21 item 2, #23 item 9): capabilities, priorities, tone and tags derived from
//! a posting's text, capability clusters with evidence from the record, the owner's edits that
//! survive a new analysis, the owner's choice of skills and key skills, and who may see them.

use serde_json::{Value, json};

use crate::career::{experience, mutate, refused};
use crate::support::{Account, TestApp, only_error};

const DESCRIPTION: &str = "We build payment infrastructure.

## What you'll do
- Lead the design of our ledger service
- Review code and mentor two engineers
- Keep the lights on

## Requirements
- 5+ years of Rust in production
- **Strong** PostgreSQL skills
- Docker

## Nice to have
- Redis
- Leadership of a small team";

const ANALYSIS: &str = "query($id: ID!) { node(id: $id) { ... on JobPosting {
  analysis {
    seniority corePriorities mustHaveCapabilities niceToHaveCapabilities toneStyle jobTypeTags
    cacheKey analyzedAt editedFields
    capabilityClusters { name importance skills { name } coverage experiences { companyName } }
  }
  selectedSkills { skill { id name } importance matchPercentage included isKey }
  keySkills { name }
} } }";

async fn posting(app: &TestApp, who: &Account, title: &str, description: &str) -> String {
    let made = mutate(
        app,
        who,
        "createJobPosting",
        json!({ "companyName": "Ledgerly", "jobTitle": title, "description": description }),
        "jobPosting { id }",
    )
    .await;
    made["jobPosting"]["id"].as_str().unwrap_or_default().to_owned()
}

async fn analysed(app: &TestApp, who: &Account, id: &str) -> Value {
    app.ok(ANALYSIS, json!({ "id": id }), Some(&who.access_token))
        .await["node"]
        .clone()
}

async fn uses(app: &TestApp, who: &Account, company: &str, skills: &[&str]) {
    let id = experience(app, who, company, "FULL_TIME", "2020-01-01", None).await;
    for skill in skills {
        mutate(
            app,
            who,
            "setExperienceSkill",
            json!({ "experienceId": id, "skillName": skill }),
            "experienceSkill { id }",
        )
        .await;
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_saved_posting_is_analysed_from_its_text() {
    let app = TestApp::new().await;
    let me = app.sign_up("analysis@example.com").await;
    uses(&app, &me, "Bankco", &["Rust", "PostgreSQL"]).await;
    uses(&app, &me, "Shipit", &["Docker"]).await;
    let id = posting(&app, &me, "Senior Backend Engineer", DESCRIPTION).await;
    let node = analysed(&app, &me, &id).await;
    let analysis = &node["analysis"];
    assert_eq!(analysis["seniority"], "senior");
    assert_eq!(
        analysis["mustHaveCapabilities"],
        json!([
            "5+ years of Rust in production",
            "Strong PostgreSQL skills",
            "Docker"
        ])
    );
    assert_eq!(
        analysis["niceToHaveCapabilities"],
        json!(["Redis", "Leadership of a small team"])
    );
    assert_eq!(
        analysis["corePriorities"],
        json!([
            "Lead the design of our ledger service",
            "Review code and mentor two engineers",
            "Strong PostgreSQL skills"
        ])
    );
    assert_eq!(analysis["toneStyle"], "PROFESSIONAL");
    assert_eq!(analysis["jobTypeTags"], json!(["backend"]));
    assert_eq!(analysis["editedFields"], json!([]));
    assert_eq!(analysis["cacheKey"].as_str().map(str::len), Some(64));

    // Clusters by kind, must-haves first, with the record's evidence.
    let clusters = analysis["capabilityClusters"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let summary: Vec<(String, String, Vec<String>)> = clusters
        .iter()
        .map(|c| {
            (
                c["name"].as_str().unwrap_or_default().to_owned(),
                c["importance"].as_str().unwrap_or_default().to_owned(),
                c["skills"]
                    .as_array()
                    .map(|s| {
                        s.iter()
                            .map(|s| s["name"].as_str().unwrap_or_default().to_owned())
                            .collect()
                    })
                    .unwrap_or_default(),
            )
        })
        .collect();
    let expected: Vec<(String, String, Vec<String>)> = vec![
        (
            "Programming languages".into(),
            "MUST_HAVE".into(),
            vec!["Rust".into()],
        ),
        (
            "Data storage".into(),
            "MUST_HAVE".into(),
            vec!["PostgreSQL".into(), "Redis".into()],
        ),
        (
            "Tooling and delivery".into(),
            "MUST_HAVE".into(),
            vec!["Docker".into()],
        ),
        (
            "Leadership and collaboration".into(),
            "NICE_TO_HAVE".into(),
            vec!["Leadership".into()],
        ),
    ];
    assert_eq!(summary, expected);
    assert_eq!(clusters[1]["coverage"], 0.5, "PostgreSQL covered, Redis not");
    assert_eq!(clusters[1]["experiences"], json!([{ "companyName": "Bankco" }]));
    assert_eq!(clusters[3]["coverage"], 0.0);
    assert_eq!(clusters[3]["experiences"], json!([]));

    // Before any choice: every skill, strongest match first, all included.
    let selected = node["selectedSkills"].as_array().cloned().unwrap_or_default();
    assert_eq!(selected.len(), 5);
    assert!(
        selected
            .iter()
            .all(|s| s["included"] == true && s["isKey"] == false)
    );
    let percentages: Vec<i64> = selected
        .iter()
        .map(|s| s["matchPercentage"].as_i64().unwrap_or(-1))
        .collect();
    assert!(percentages.windows(2).all(|w| w[0] >= w[1]), "{percentages:?}");
    assert_eq!(
        percentages.iter().filter(|p| **p > 0).count(),
        3,
        "{percentages:?}"
    );
    assert!(
        percentages.iter().all(|p| (0..=100).contains(p)),
        "{percentages:?}"
    );
    let keys: Vec<&str> = node["keySkills"]
        .as_array()
        .map(|k| k.iter().filter_map(|s| s["name"].as_str()).collect())
        .unwrap_or_default();
    assert_eq!(keys.len(), 3);
    assert!(
        keys.iter().all(|k| ["Rust", "PostgreSQL", "Docker"].contains(k)),
        "{keys:?}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn tone_and_tags_follow_the_text() {
    let app = TestApp::new().await;
    let me = app.sign_up("tone@example.com").await;
    let energetic = posting(
        &app,
        &me,
        "Mobile Developer",
        "Join our passionate, fast-paced team! Ship Flutter apps users love!",
    )
    .await;
    let analysis = &analysed(&app, &me, &energetic).await["analysis"];
    assert_eq!(analysis["toneStyle"], "ENERGETIC");
    assert_eq!(analysis["jobTypeTags"], json!(["mobile"]));
    assert_eq!(analysis["seniority"], Value::Null);
    let formal = posting(
        &app,
        &me,
        "Engineering Manager",
        "Applicants shall hold a degree. The successful candidate shall report to the board.",
    )
    .await;
    let analysis = &analysed(&app, &me, &formal).await["analysis"];
    assert_eq!(analysis["toneStyle"], "FORMAL");
    assert_eq!(analysis["seniority"], "manager");
    assert_eq!(analysis["jobTypeTags"], json!(["management"]));
}

#[tokio::test(flavor = "multi_thread")]
async fn edits_survive_a_new_analysis_and_the_same_text_is_not_analysed_twice() {
    let app = TestApp::new().await;
    let me = app.sign_up("edits@example.com").await;
    let id = posting(&app, &me, "Senior Backend Engineer", DESCRIPTION).await;
    let before = analysed(&app, &me, &id).await["analysis"].clone();

    mutate(
        &app,
        &me,
        "updateJobAnalysis",
        json!({ "jobPostingId": id, "toneStyle": "CASUAL", "corePriorities": ["Own the ledger", "Own the ledger"] }),
        "jobPosting { id }",
    )
    .await;
    let edited = analysed(&app, &me, &id).await["analysis"].clone();
    assert_eq!(edited["toneStyle"], "CASUAL");
    assert_eq!(
        edited["corePriorities"],
        json!(["Own the ledger"]),
        "duplicates dropped"
    );
    assert_eq!(edited["editedFields"], json!(["CORE_PRIORITIES", "TONE_STYLE"]));
    assert_eq!(
        edited["analyzedAt"], before["analyzedAt"],
        "an edit is not an analysis"
    );

    // Saving the same text again keeps the analysis as it was (the cache key matches).
    mutate(
        &app,
        &me,
        "updateJobPosting",
        json!({ "id": id, "description": DESCRIPTION }),
        "jobPosting { id }",
    )
    .await;
    assert_eq!(analysed(&app, &me, &id).await["analysis"], edited);

    // New text is analysed again; the edited parts stay.
    let new_text = format!("{DESCRIPTION}\n- Kubernetes");
    mutate(
        &app,
        &me,
        "updateJobPosting",
        json!({ "id": id, "description": new_text }),
        "jobPosting { id }",
    )
    .await;
    let again = analysed(&app, &me, &id).await["analysis"].clone();
    assert_ne!(again["cacheKey"], before["cacheKey"]);
    assert_ne!(again["analyzedAt"], before["analyzedAt"]);
    assert_eq!(again["toneStyle"], "CASUAL");
    assert_eq!(again["corePriorities"], json!(["Own the ledger"]));
    assert_eq!(
        again["niceToHaveCapabilities"],
        json!(["Redis", "Leadership of a small team", "Kubernetes"])
    );

    // Starting over drops the edits.
    mutate(
        &app,
        &me,
        "analyzeJobPosting",
        json!({ "id": id, "discardEdits": true }),
        "jobPosting { id }",
    )
    .await;
    let fresh = analysed(&app, &me, &id).await["analysis"].clone();
    assert_eq!(fresh["toneStyle"], "PROFESSIONAL");
    assert_eq!(fresh["editedFields"], json!([]));

    // A manual skill changes the clusters at once.
    mutate(
        &app,
        &me,
        "setJobPostingSkill",
        json!({ "jobPostingId": id, "skillName": "Python", "importance": "MUST_HAVE" }),
        "jobPosting { id }",
    )
    .await;
    let clusters = analysed(&app, &me, &id).await["analysis"]["capabilityClusters"].clone();
    assert_eq!(clusters[0]["name"], "Programming languages");
    assert_eq!(
        clusters[0]["skills"],
        json!([{ "name": "Python" }, { "name": "Rust" }])
    );

    // Bad edits change nothing.
    let (code, field) = refused(
        &app,
        &me,
        "updateJobAnalysis",
        json!({ "jobPostingId": id, "jobTypeTags": ["x".repeat(51)], "toneStyle": "FORMAL" }),
    )
    .await;
    assert_eq!(
        (code.as_str(), field.as_deref()),
        ("BAD_USER_INPUT", Some("jobTypeTags"))
    );
    assert_eq!(
        analysed(&app, &me, &id).await["analysis"]["toneStyle"],
        "PROFESSIONAL"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn the_owner_orders_skills_and_names_the_key_ones() {
    let app = TestApp::new().await;
    let me = app.sign_up("selected@example.com").await;
    uses(&app, &me, "Bankco", &["Rust"]).await;
    let id = posting(&app, &me, "Senior Backend Engineer", DESCRIPTION).await;
    let node = analysed(&app, &me, &id).await;
    let skill_id = |name: &str| {
        node["selectedSkills"]
            .as_array()
            .and_then(|s| s.iter().find(|s| s["skill"]["name"] == name))
            .map(|s| s["skill"]["id"].clone())
            .unwrap_or(Value::Null)
    };
    let (redis, docker, rust, postgres) = (
        skill_id("Redis"),
        skill_id("Docker"),
        skill_id("Rust"),
        skill_id("PostgreSQL"),
    );
    mutate(
        &app,
        &me,
        "selectJobPostingSkills",
        json!({
            "jobPostingId": id,
            "skills": [
                { "skillId": redis },
                { "skillId": docker, "included": false },
                { "skillId": rust },
                { "skillId": postgres },
            ],
            "keySkillIds": [rust, redis, postgres],
        }),
        "jobPosting { id }",
    )
    .await;
    let node = analysed(&app, &me, &id).await;
    let order: Vec<(String, bool, bool, bool)> = node["selectedSkills"]
        .as_array()
        .map(|s| {
            s.iter()
                .map(|s| {
                    (
                        s["skill"]["name"].as_str().unwrap_or_default().to_owned(),
                        s["included"] == true,
                        s["isKey"] == true,
                        s["matchPercentage"].as_i64().unwrap_or(0) > 0,
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    assert_eq!(
        order,
        [
            ("Redis".to_owned(), true, true, false),
            ("Docker".to_owned(), false, false, false),
            ("Rust".to_owned(), true, true, true),
            ("PostgreSQL".to_owned(), true, true, false),
            // Not named in the choice: follows in the default order.
            ("Leadership".to_owned(), true, false, false),
        ]
    );
    assert_eq!(
        node["keySkills"],
        json!([{ "name": "Redis" }, { "name": "Rust" }, { "name": "PostgreSQL" }])
    );

    // Refused, with nothing changed: a key skill that is not included, five key skills, a
    // skill the posting does not ask for.
    let (code, field) = refused(
        &app,
        &me,
        "selectJobPostingSkills",
        json!({ "jobPostingId": id, "skills": [{ "skillId": docker, "included": false }], "keySkillIds": [docker] }),
    )
    .await;
    assert_eq!(
        (code.as_str(), field.as_deref()),
        ("BAD_USER_INPUT", Some("keySkillIds[0]"))
    );
    let other = posting(&app, &me, "Data Engineer", "We need Python and Kafka.").await;
    let python = analysed(&app, &me, &other).await["selectedSkills"][0]["skill"]["id"].clone();
    let (code, field) = refused(
        &app,
        &me,
        "selectJobPostingSkills",
        json!({ "jobPostingId": id, "skills": [{ "skillId": rust }, { "skillId": python }] }),
    )
    .await;
    assert_eq!(
        (code.as_str(), field.as_deref()),
        ("BAD_USER_INPUT", Some("skills[1].skillId"))
    );
    assert_eq!(
        analysed(&app, &me, &id).await["keySkills"],
        json!([{ "name": "Redis" }, { "name": "Rust" }, { "name": "PostgreSQL" }])
    );

    // An empty choice goes back to the default.
    mutate(
        &app,
        &me,
        "selectJobPostingSkills",
        json!({ "jobPostingId": id, "skills": [] }),
        "jobPosting { id }",
    )
    .await;
    let node = analysed(&app, &me, &id).await;
    assert_eq!(node["selectedSkills"][0]["skill"]["name"], "Rust");
    assert_eq!(node["keySkills"], json!([{ "name": "Rust" }]));
}

#[tokio::test(flavor = "multi_thread")]
async fn another_users_analysis_is_not_found_and_reads_cost_the_same_for_many_postings() {
    let app = TestApp::new().await;
    let alice = app.sign_up("alice-analysis@example.com").await;
    let bob = app.sign_up("bob-analysis@example.com").await;
    let alices = posting(&app, &alice, "Senior Backend Engineer", DESCRIPTION).await;
    for (name, input) in [
        ("analyzeJobPosting", json!({ "id": alices })),
        (
            "updateJobAnalysis",
            json!({ "jobPostingId": alices, "toneStyle": "FORMAL" }),
        ),
        (
            "selectJobPostingSkills",
            json!({ "jobPostingId": alices, "skills": [] }),
        ),
    ] {
        let (code, _) = refused(&app, &bob, name, input).await;
        assert_eq!(code, "NOT_FOUND", "{name}");
    }
    let response = app
        .gql(ANALYSIS, json!({ "id": alices }), Some(&bob.access_token))
        .await;
    assert_eq!(only_error(&response).0, "NOT_FOUND");
    assert_eq!(
        analysed(&app, &alice, &alices).await["analysis"]["toneStyle"],
        "PROFESSIONAL"
    );

    // Statement count: the same for two postings as for twelve.
    let tree = "{ viewer { jobPostings(first: 50) { edges { node { analysis { toneStyle capabilityClusters { name coverage skills { name } experiences { companyName } } } selectedSkills { matchPercentage skill { name } } keySkills { name } } } } } }";
    let few = app.sign_up("few-analysis@example.com").await;
    let many = app.sign_up("many-analysis@example.com").await;
    for (who, count) in [(&few, 2), (&many, 12)] {
        uses(&app, who, "Bankco", &["Rust", "PostgreSQL"]).await;
        for n in 0..count {
            posting(&app, who, &format!("Engineer {n}"), DESCRIPTION).await;
        }
    }
    let small = app.statements_for(tree, json!({}), Some(&few.access_token)).await;
    let large = app
        .statements_for(tree, json!({}), Some(&many.access_token))
        .await;
    assert_eq!(small, large, "the statement count grew with the postings");
}
