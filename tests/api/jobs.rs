//! Job postings: skill extraction, matching, the skill gap, and their access rules.

use std::collections::BTreeSet;

use serde_json::{Value, json};

use crate::career::{experience, mutate, refused};
use crate::job_fixtures::FIXTURES;
use crate::support::{Account, TestApp, only_error};

async fn posting(app: &TestApp, who: &Account, input: Value) -> String {
    let made = mutate(app, who, "createJobPosting", input, "jobPosting { id }").await;
    made["jobPosting"]["id"].as_str().unwrap_or_default().to_owned()
}

/// The posting's skills as (name, importance).
async fn posting_skills(app: &TestApp, who: &Account, id: &str) -> BTreeSet<(String, String)> {
    let data = app
        .ok(
            "query($id: ID!) { node(id: $id) { ... on JobPosting { skills(first: 100) { edges { node { importance skill { name } } } } } } }",
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
                    let name = e["node"]["skill"]["name"].as_str().unwrap_or_default().to_owned();
                    (
                        name,
                        e["node"]["importance"].as_str().unwrap_or_default().to_owned(),
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

fn expected(must: &[&str], nice: &[&str]) -> BTreeSet<(String, String)> {
    must.iter()
        .map(|n| (n.to_string(), "MUST_HAVE".to_owned()))
        .chain(nice.iter().map(|n| (n.to_string(), "NICE_TO_HAVE".to_owned())))
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn extraction_finds_exactly_the_expected_skills_in_twelve_postings() {
    let app = TestApp::new().await;
    let me = app.sign_up("jd@example.com").await;
    assert!(FIXTURES.len() >= 12);
    for fixture in FIXTURES {
        let id = posting(
            &app,
            &me,
            json!({ "companyName": "Co", "jobTitle": fixture.title, "description": fixture.description, "niceToHaves": fixture.nice_to_haves }),
        )
        .await;
        let found = posting_skills(&app, &me, &id).await;
        let want = expected(fixture.must, fixture.nice);
        assert_eq!(
            found,
            want,
            "{}: unexpected {:?}, missing {:?}",
            fixture.title,
            found.difference(&want).collect::<Vec<_>>(),
            want.difference(&found).collect::<Vec<_>>()
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn manual_skill_edits_survive_re_extraction() {
    let app = TestApp::new().await;
    let me = app.sign_up("manual-skills@example.com").await;
    let id = posting(
        &app,
        &me,
        json!({ "companyName": "Co", "jobTitle": "Dev", "description": "We use Rust, Kafka and Docker." }),
    )
    .await;
    assert_eq!(
        posting_skills(&app, &me, &id).await,
        expected(&["Rust", "Apache Kafka", "Docker"], &[])
    );

    let kafka = app
        .ok(
            "{ skills(search: \"kafka\", first: 1) { edges { node { id } } } }",
            json!({}),
            Some(&me.access_token),
        )
        .await;
    let kafka = kafka["skills"]["edges"][0]["node"]["id"].clone();
    mutate(
        &app,
        &me,
        "removeJobPostingSkill",
        json!({ "jobPostingId": id, "skillId": kafka }),
        "removedSkillId",
    )
    .await;
    mutate(
        &app,
        &me,
        "setJobPostingSkill",
        json!({ "jobPostingId": id, "skillName": "Terraform", "importance": "MUST_HAVE" }),
        "jobPosting { id }",
    )
    .await;
    mutate(
        &app,
        &me,
        "setJobPostingSkill",
        json!({ "jobPostingId": id, "skillName": "rust", "importance": "NICE_TO_HAVE" }),
        "jobPosting { id }",
    )
    .await;
    let edited = expected(&["Terraform", "Docker"], &["Rust"]);
    assert_eq!(posting_skills(&app, &me, &id).await, edited);

    // New text: extracted skills follow it, the manual edits stay.
    mutate(
        &app,
        &me,
        "updateJobPosting",
        json!({ "id": id, "description": "We use Rust, Kafka and Python." }),
        "jobPosting { id }",
    )
    .await;
    assert_eq!(
        posting_skills(&app, &me, &id).await,
        expected(&["Terraform", "Python"], &["Rust"])
    );
    // Changing other fields does not touch the skills.
    mutate(
        &app,
        &me,
        "updateJobPosting",
        json!({ "id": id, "remoteOk": true }),
        "jobPosting { id }",
    )
    .await;
    assert_eq!(
        posting_skills(&app, &me, &id).await,
        expected(&["Terraform", "Python"], &["Rust"])
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn postings_are_validated_filtered_and_searched() {
    let app = TestApp::new().await;
    let me = app.sign_up("postings@example.com").await;
    let base = json!({ "companyName": "Acme", "jobTitle": "Engineer", "description": "Build things." });
    for (field, value) in [
        ("companyName", json!("")),
        ("salaryCurrency", json!("euro")),
        ("url", json!("not a url")),
        ("salaryMin", json!(-5)),
        ("description", json!(" ")),
    ] {
        let mut input = base.clone();
        input[field] = value;
        assert_eq!(
            refused(&app, &me, "createJobPosting", input).await,
            ("BAD_USER_INPUT".to_owned(), Some(field.to_owned()))
        );
    }
    let mut inverted = base.clone();
    inverted["salaryMin"] = json!(100);
    inverted["salaryMax"] = json!(50);
    assert_eq!(
        refused(&app, &me, "createJobPosting", inverted)
            .await
            .1
            .as_deref(),
        Some("salaryMax")
    );

    posting(&app, &me, json!({ "companyName": "Globex", "jobTitle": "Rust Engineer", "description": "Systems programming with Rust.", "remoteOk": true, "salaryCurrency": "eur" })).await;
    posting(&app, &me, json!({ "companyName": "Initech", "jobTitle": "Data Analyst", "description": "Dashboards and reporting.", "employmentType": "CONTRACT" })).await;
    let query = "query($filter: JobPostingFilter, $order: JobPostingOrder) { viewer { jobPostings(filter: $filter, orderBy: $order) { totalCount edges { node { companyName salaryCurrency } } } } }";
    let companies = |data: &Value| -> Vec<String> {
        data["viewer"]["jobPostings"]["edges"]
            .as_array()
            .map(|edges| {
                edges
                    .iter()
                    .map(|e| e["node"]["companyName"].as_str().unwrap_or_default().to_owned())
                    .collect()
            })
            .unwrap_or_default()
    };
    let token = Some(me.access_token.as_str());
    assert_eq!(
        companies(
            &app.ok(query, json!({ "filter": { "search": "programming" } }), token)
                .await
        ),
        ["Globex"]
    );
    assert_eq!(
        companies(
            &app.ok(
                query,
                json!({ "filter": { "search": "analyst dashboards" } }),
                token
            )
            .await
        ),
        ["Initech"]
    );
    assert_eq!(
        companies(
            &app.ok(query, json!({ "filter": { "remote": true } }), token)
                .await
        ),
        ["Globex"]
    );
    assert_eq!(
        companies(
            &app.ok(
                query,
                json!({ "filter": { "employmentType": "CONTRACT" } }),
                token
            )
            .await
        ),
        ["Initech"]
    );
    assert_eq!(
        companies(&app.ok(query, json!({ "order": "COMPANY" }), token).await),
        ["Globex", "Initech"]
    );
    let data = app.ok(query, json!({ "order": "NEWEST_FIRST" }), token).await;
    assert_eq!(companies(&data), ["Initech", "Globex"]);
    assert_eq!(
        data["viewer"]["jobPostings"]["edges"][1]["node"]["salaryCurrency"],
        "EUR"
    );
}

const MATCHES: &str = "query($id: ID!) { node(id: $id) { ... on JobPosting {
  matches { totalCount edges { node { score relevance creationSource relevanceNotes recency
    experience { companyName } matchedSkills { skill { name } importance prominence weight } } } }
  skillGap { fitScore matched { skill { name } importance strength experiences { companyName } projects { name } starStories { situation } }
             missing { skill { name } importance } } } } }";

fn approx(value: &Value, expected: f64) -> bool {
    value.as_f64().is_some_and(|v| (v - expected).abs() < 1e-9)
}

#[tokio::test(flavor = "multi_thread")]
async fn matches_are_scored_explained_and_manual_ones_stay() {
    let app = TestApp::new().await;
    let me = app.sign_up("match@example.com").await;
    let current = experience(&app, &me, "Current Co", "FULL_TIME", "2022-01-01", None).await;
    let other = experience(&app, &me, "Other Co", "FULL_TIME", "2020-01-01", None).await;
    let unrelated = experience(&app, &me, "Unrelated Co", "FULL_TIME", "2019-01-01", None).await;
    for (experience_id, skill, prominence) in [
        (&current, "Rust", "PRIMARY"),
        (&current, "Docker", "MENTIONED"),
        (&other, "Kubernetes", "SECONDARY"),
    ] {
        mutate(
            &app,
            &me,
            "setExperienceSkill",
            json!({ "experienceId": experience_id, "skillName": skill, "prominence": prominence }),
            "experienceSkill { id }",
        )
        .await;
    }
    // Must-haves Rust, PostgreSQL; nice-to-have Kubernetes: total weight 1 + 1 + 0.5 = 2.5.
    let id = posting(
        &app,
        &me,
        json!({ "companyName": "Hiring Co", "jobTitle": "Backend", "description": "Rust and PostgreSQL.", "niceToHaves": "Kubernetes" }),
    )
    .await;
    let data = app.ok(MATCHES, json!({ "id": id }), Some(&me.access_token)).await;
    let edges = &data["node"]["matches"]["edges"];
    assert_eq!(data["node"]["matches"]["totalCount"], 2, "{data}");
    let best = &edges[0]["node"];
    assert_eq!(best["experience"]["companyName"], "Current Co");
    assert!(approx(&best["score"], 1.0 / 2.5), "{best}");
    assert_eq!(best["relevance"], "MEDIUM");
    assert_eq!(best["creationSource"], "COMPUTED");
    assert_eq!(best["matchedSkills"][0]["skill"]["name"], "Rust");
    assert!(approx(&best["matchedSkills"][0]["weight"], 0.4));
    let second = &edges[1]["node"];
    assert_eq!(second["experience"]["companyName"], "Other Co");
    assert!(approx(&second["score"], 0.5 * 0.6 / 2.5), "{second}");
    assert_eq!(second["relevance"], "LOW");

    // Adding a matching skill raises the score; the formula is deterministic.
    mutate(
        &app,
        &me,
        "setExperienceSkill",
        json!({ "experienceId": current, "skillName": "PostgreSQL", "prominence": "SECONDARY" }),
        "experienceSkill { id }",
    )
    .await;
    let raised = app.ok(MATCHES, json!({ "id": id }), Some(&me.access_token)).await;
    assert!(approx(
        &raised["node"]["matches"]["edges"][0]["node"]["score"],
        1.6 / 2.5
    ));
    assert_eq!(raised["node"]["matches"]["edges"][0]["node"]["relevance"], "HIGH");
    assert_eq!(
        app.ok(MATCHES, json!({ "id": id }), Some(&me.access_token)).await,
        raised
    );

    // A manual match is listed first with its own relevance, and stays when skills change.
    mutate(&app, &me, "setMatch", json!({ "jobPostingId": id, "experienceId": unrelated, "relevance": "HIGH", "relevanceNotes": "Same domain" }), "jobPosting { id }").await;
    mutate(
        &app,
        &me,
        "setExperienceSkill",
        json!({ "experienceId": unrelated, "skillName": "Kubernetes", "prominence": "MENTIONED" }),
        "experienceSkill { id }",
    )
    .await;
    mutate(
        &app,
        &me,
        "updateJobPosting",
        json!({ "id": id, "description": "Rust, PostgreSQL and Go." }),
        "jobPosting { id }",
    )
    .await;
    let with_manual = app.ok(MATCHES, json!({ "id": id }), Some(&me.access_token)).await;
    let first = &with_manual["node"]["matches"]["edges"][0]["node"];
    assert_eq!(first["experience"]["companyName"], "Unrelated Co");
    assert_eq!(
        (first["relevance"].clone(), first["creationSource"].clone()),
        (json!("HIGH"), json!("MANUAL"))
    );
    assert_eq!(first["relevanceNotes"], "Same domain");
    assert_eq!(with_manual["node"]["matches"]["totalCount"], 3);
    mutate(
        &app,
        &me,
        "removeMatch",
        json!({ "jobPostingId": id, "experienceId": unrelated }),
        "jobPosting { id }",
    )
    .await;
    let after = app.ok(MATCHES, json!({ "id": id }), Some(&me.access_token)).await;
    assert!(
        after["node"]["matches"]["edges"]
            .as_array()
            .is_some_and(|e| e.iter().all(|m| m["node"]["creationSource"] == "COMPUTED"))
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn the_skill_gap_shows_evidence_and_what_is_missing() {
    let app = TestApp::new().await;
    let me = app.sign_up("gap@example.com").await;
    let acme = experience(&app, &me, "Acme", "FULL_TIME", "2021-01-01", None).await;
    mutate(
        &app,
        &me,
        "setExperienceSkill",
        json!({ "experienceId": acme, "skillName": "Rust", "prominence": "PRIMARY" }),
        "experienceSkill { id }",
    )
    .await;
    mutate(
        &app,
        &me,
        "createStarStory",
        json!({ "experienceId": acme, "situation": "Outage", "task": "t", "action": "a", "result": "r" }),
        "starStory { id }",
    )
    .await;
    let project = mutate(
        &app,
        &me,
        "createProject",
        json!({ "name": "Infra" }),
        "project { id }",
    )
    .await;
    mutate(
        &app,
        &me,
        "addProjectSkill",
        json!({ "projectId": project["project"]["id"], "skillName": "Terraform" }),
        "skill { id }",
    )
    .await;
    mutate(
        &app,
        &me,
        "setCandidateSkill",
        json!({ "skillName": "Docker", "proficiency": "ADVANCED" }),
        "candidateSkill { id }",
    )
    .await;
    let id = posting(
        &app,
        &me,
        json!({ "companyName": "Co", "jobTitle": "Platform", "description": "Rust, Terraform, Docker and PostgreSQL.", "niceToHaves": "Kafka" }),
    )
    .await;
    let data = app.ok(MATCHES, json!({ "id": id }), Some(&me.access_token)).await;
    let gap = &data["node"]["skillGap"];
    // (1·1.0 + 1·0.5 + 1·0.8 + 0 + 0.5·0) / 4.5 = 51%
    assert_eq!(gap["fitScore"], 51, "{gap}");
    assert_eq!(gap["matched"][0]["skill"]["name"], "Rust");
    assert_eq!(
        gap["matched"][0]["experiences"],
        json!([{ "companyName": "Acme" }])
    );
    assert_eq!(
        gap["matched"][0]["starStories"],
        json!([{ "situation": "Outage" }])
    );
    assert_eq!(gap["matched"][1]["skill"]["name"], "Docker");
    assert!(approx(&gap["matched"][1]["strength"], 0.8));
    assert_eq!(gap["matched"][2]["projects"], json!([{ "name": "Infra" }]));
    assert_eq!(
        gap["missing"],
        json!([{ "skill": { "name": "PostgreSQL" }, "importance": "MUST_HAVE" }, { "skill": { "name": "Apache Kafka" }, "importance": "NICE_TO_HAVE" }])
    );
}

const POSTINGS_TREE: &str = "{ viewer { jobPostings(first: 20) { totalCount edges { node { jobTitle
  skills(first: 10) { edges { node { importance skill { name } } } }
  matches(first: 30) { edges { node { score experience { companyName skills(first: 5) { edges { node { skill { name } } } } }
    matchedSkills { weight skill { name } } } } }
  skillGap { fitScore missing { skill { name } } matched { strength experiences { companyName } } } } } } } }";

async fn job_seeker(app: &TestApp, email: &str, experiences: usize, postings: usize) -> Account {
    let who = app.sign_up(email).await;
    for n in 0..experiences {
        let id = experience(
            app,
            &who,
            &format!("Co {n}"),
            "FULL_TIME",
            &format!("{}-01-01", 1990 + n % 30),
            None,
        )
        .await;
        for skill in ["Rust", "Docker"] {
            mutate(
                app,
                &who,
                "setExperienceSkill",
                json!({ "experienceId": id, "skillName": skill }),
                "experienceSkill { id }",
            )
            .await;
        }
    }
    for n in 0..postings {
        posting(app, &who, json!({ "companyName": format!("Hirer {n}"), "jobTitle": "Engineer", "description": "Rust, Docker and PostgreSQL." })).await;
    }
    who
}

#[tokio::test(flavor = "multi_thread")]
async fn postings_with_matches_cost_the_same_for_few_and_many() {
    let app = TestApp::new().await;
    let small = job_seeker(&app, "few-jobs@example.com", 3, 2).await;
    let large = job_seeker(&app, "many-jobs@example.com", 30, 20).await;
    let data = app.ok(POSTINGS_TREE, json!({}), Some(&large.access_token)).await;
    assert_eq!(data["viewer"]["jobPostings"]["totalCount"], 20);
    let node = &data["viewer"]["jobPostings"]["edges"][19]["node"];
    assert_eq!(node["matches"]["edges"].as_array().map(Vec::len), Some(30));
    assert_eq!(
        node["skillGap"]["missing"],
        json!([{ "skill": { "name": "PostgreSQL" } }])
    );

    let few = app
        .statements_for(POSTINGS_TREE, json!({}), Some(&small.access_token))
        .await;
    let many = app
        .statements_for(POSTINGS_TREE, json!({}), Some(&large.access_token))
        .await;
    assert_eq!(few, many, "the statement count grew with the data");
    // 12, and the count behind the postings' `totalCount`.
    assert!(few <= 13, "{few} statements");
    println!("postings tree: {few} statements for 2 postings x 3 experiences and for 20 x 30");
}

#[tokio::test(flavor = "multi_thread")]
async fn another_users_postings_and_matches_are_not_found() {
    let app = TestApp::new().await;
    let alice = app.sign_up("alice-jobs@example.com").await;
    let bob = app.sign_up("bob-jobs@example.com").await;
    let alices = posting(
        &app,
        &alice,
        json!({ "companyName": "Co", "jobTitle": "Dev", "description": "Rust" }),
    )
    .await;
    let alices_experience = experience(&app, &alice, "Alice Co", "FULL_TIME", "2020-01-01", None).await;
    let bobs = posting(
        &app,
        &bob,
        json!({ "companyName": "Co", "jobTitle": "Dev", "description": "Rust" }),
    )
    .await;

    let response = app
        .gql(
            "query($id: ID!) { node(id: $id) { id } }",
            json!({ "id": alices }),
            Some(&bob.access_token),
        )
        .await;
    assert_eq!(only_error(&response).0, "NOT_FOUND");
    let listed = app
        .ok(
            "{ viewer { jobPostings { totalCount } } }",
            json!({}),
            Some(&bob.access_token),
        )
        .await;
    assert_eq!(listed["viewer"]["jobPostings"]["totalCount"], 1);
    for (mutation, input) in [
        ("updateJobPosting", json!({ "id": alices, "jobTitle": "x" })),
        ("deleteJobPosting", json!({ "id": alices })),
        (
            "setJobPostingSkill",
            json!({ "jobPostingId": alices, "skillName": "Go", "importance": "MUST_HAVE" }),
        ),
        (
            "setMatch",
            json!({ "jobPostingId": alices, "experienceId": alices_experience, "relevance": "HIGH" }),
        ),
        // Bob's own posting cannot be matched with Alice's experience.
        (
            "setMatch",
            json!({ "jobPostingId": bobs, "experienceId": alices_experience, "relevance": "HIGH" }),
        ),
        (
            "removeMatch",
            json!({ "jobPostingId": alices, "experienceId": alices_experience }),
        ),
    ] {
        assert_eq!(
            refused(&app, &bob, mutation, input.clone()).await.0,
            "NOT_FOUND",
            "{mutation} {input}"
        );
    }
    // Bob's matches never list Alice's experiences.
    let matches = app
        .ok(
            "query($id: ID!) { node(id: $id) { ... on JobPosting { matches { totalCount } } } }",
            json!({ "id": bobs }),
            Some(&bob.access_token),
        )
        .await;
    assert_eq!(matches["node"]["matches"]["totalCount"], 0);
    assert_eq!(
        posting_skills(&app, &alice, &alices).await,
        expected(&["Rust"], &[])
    );
}
