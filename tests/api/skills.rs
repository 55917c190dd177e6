//! The skill catalog, skill links and the skill matrix.

use serde_json::{Value, json};

use crate::career::{experience, mutate, refused};
use crate::support::TestApp;

const SEARCH: &str = "query($search: String, $category: SkillCategory, $first: Int, $after: String) {
  skills(search: $search, category: $category, first: $first, after: $after) {
    totalCount pageInfo { hasNextPage endCursor } edges { node { id name category aliases } } } }";

fn skill_names(response: &Value) -> Vec<String> {
    response["skills"]["edges"]
        .as_array()
        .map(|edges| {
            edges
                .iter()
                .map(|e| e["node"]["name"].as_str().unwrap_or_default().to_owned())
                .collect()
        })
        .unwrap_or_default()
}

#[tokio::test(flavor = "multi_thread")]
async fn the_catalog_is_seeded_and_searchable_by_name_and_alias() {
    let app = TestApp::new().await;
    let me = app.sign_up("cat@example.com").await;
    let token = Some(me.access_token.as_str());
    let all = app.ok(SEARCH, json!({ "first": 1 }), token).await;
    assert!(
        all["skills"]["totalCount"].as_i64().unwrap_or_default() >= 300,
        "{all}"
    );

    let post = app.ok(SEARCH, json!({ "search": "post" }), token).await;
    assert!(skill_names(&post).contains(&"PostgreSQL".to_owned()), "{post}");
    let k8 = app.ok(SEARCH, json!({ "search": "K8" }), token).await;
    assert_eq!(skill_names(&k8), ["Kubernetes"]);
    let js = app
        .ok(SEARCH, json!({ "search": "js", "category": "LANGUAGE" }), token)
        .await;
    assert_eq!(skill_names(&js), ["JavaScript"]);
    // A wildcard character is matched literally.
    assert_eq!(
        app.ok(SEARCH, json!({ "search": "%" }), token).await["skills"]["totalCount"],
        0
    );

    // Paging through the languages visits each once.
    let mut seen = Vec::new();
    let mut after: Option<String> = None;
    loop {
        let page = app
            .ok(
                SEARCH,
                json!({ "category": "LANGUAGE", "first": 20, "after": after }),
                token,
            )
            .await;
        seen.extend(skill_names(&page));
        if page["skills"]["pageInfo"]["hasNextPage"] != true {
            break;
        }
        after = page["skills"]["pageInfo"]["endCursor"]
            .as_str()
            .map(str::to_owned);
    }
    let total = app
        .ok(SEARCH, json!({ "category": "LANGUAGE", "first": 1 }), token)
        .await["skills"]["totalCount"]
        .clone();
    assert_eq!(json!(seen.len()), total);
    let mut unique = seen.clone();
    unique.dedup();
    assert_eq!(unique.len(), seen.len());

    // Paging backwards from the end visits the same skills, each page in name order.
    const BACKWARD: &str = "query($last: Int, $before: String) {
      skills(category: LANGUAGE, last: $last, before: $before) {
        pageInfo { hasPreviousPage hasNextPage startCursor } edges { node { name } } } }";
    let mut pages = Vec::new();
    let mut before: Option<String> = None;
    loop {
        let page = app
            .ok(BACKWARD, json!({ "last": 20, "before": before }), token)
            .await;
        assert_eq!(
            page["skills"]["pageInfo"]["hasNextPage"],
            before.is_some(),
            "{page}"
        );
        pages.push(skill_names(&page));
        if page["skills"]["pageInfo"]["hasPreviousPage"] != true {
            break;
        }
        before = page["skills"]["pageInfo"]["startCursor"]
            .as_str()
            .map(str::to_owned);
    }
    let backwards: Vec<String> = pages.into_iter().rev().flatten().collect();
    assert_eq!(backwards, seen, "the same skills in the same order");
    let both = app
        .gql("{ skills(first: 2, last: 2) { totalCount } }", json!({}), token)
        .await;
    assert_eq!(
        crate::support::only_error(&both),
        ("BAD_USER_INPUT".to_owned(), Some("last".to_owned()))
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn names_are_normalised_so_one_skill_is_reached() {
    let app = TestApp::new().await;
    let me = app.sign_up("norm@example.com").await;
    let acme = experience(&app, &me, "Acme", "FULL_TIME", "2015-01-01", None).await;

    let added = mutate(
        &app,
        &me,
        "addSkill",
        json!({ "name": "  Rust  ", "category": "LANGUAGE" }),
        "created skill { id name }",
    )
    .await;
    assert_eq!(added["created"], false, "Rust is in the seeded catalog");
    let rust = added["skill"]["id"].as_str().unwrap_or_default().to_owned();

    for name in ["rust ", "RUST", "Rust"] {
        let linked = mutate(
            &app,
            &me,
            "setExperienceSkill",
            json!({ "experienceId": acme, "skillName": name, "prominence": "PRIMARY" }),
            "experienceSkill { skill { id name } prominence }",
        )
        .await;
        assert_eq!(linked["experienceSkill"]["skill"]["id"], rust.as_str());
    }
    // An alias reaches its skill too.
    let k8s = mutate(
        &app,
        &me,
        "setExperienceSkill",
        json!({ "experienceId": acme, "skillName": "k8s" }),
        "experienceSkill { skill { name } prominence }",
    )
    .await;
    assert_eq!(
        k8s["experienceSkill"],
        json!({ "skill": { "name": "Kubernetes" }, "prominence": "SECONDARY" })
    );
    let listed = app
        .ok("query($id: ID!) { node(id: $id) { ... on Experience { skills { totalCount edges { node { prominence skill { name } } } } } } }", json!({ "id": acme }), Some(&me.access_token))
        .await;
    assert_eq!(listed["node"]["skills"]["totalCount"], 2);
    assert_eq!(
        listed["node"]["skills"]["edges"][0]["node"]["skill"]["name"],
        "Rust"
    );

    // A new skill is added once; adding it again in other case and spacing finds it.
    let new = mutate(
        &app,
        &me,
        "addSkill",
        json!({ "name": "Quantum  Basket Weaving", "category": "OTHER", "aliases": ["QBW"] }),
        "created skill { id name aliases userAdded }",
    )
    .await;
    assert_eq!(new["created"], true);
    assert_eq!(new["skill"]["aliases"], json!(["qbw"]));
    assert_eq!(new["skill"]["userAdded"], true);
    let again = mutate(
        &app,
        &me,
        "addSkill",
        json!({ "name": "quantum basket weaving", "category": "DOMAIN" }),
        "created skill { id }",
    )
    .await;
    assert_eq!(again["created"], false);
    assert_eq!(again["skill"]["id"], new["skill"]["id"]);

    assert_eq!(
        refused(&app, &me, "addSkill", json!({ "name": " ", "category": "OTHER" }))
            .await
            .1
            .as_deref(),
        Some("name")
    );
    assert_eq!(
        refused(&app, &me, "setExperienceSkill", json!({ "experienceId": acme })).await,
        ("BAD_USER_INPUT".to_owned(), Some("skillId".to_owned()))
    );
    mutate(
        &app,
        &me,
        "removeExperienceSkill",
        json!({ "experienceId": acme, "skillId": rust }),
        "removedSkillId",
    )
    .await;
    assert_eq!(
        refused(
            &app,
            &me,
            "removeExperienceSkill",
            json!({ "experienceId": acme, "skillId": rust })
        )
        .await
        .0,
        "NOT_FOUND"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn candidate_skills_and_project_tech_stacks() {
    let app = TestApp::new().await;
    let me = app.sign_up("cand@example.com").await;
    for (name, proficiency, featured) in [
        ("Python", "EXPERT", true),
        ("Go", "BEGINNER", false),
        ("PostgreSQL", "ADVANCED", true),
    ] {
        mutate(&app, &me, "setCandidateSkill", json!({ "skillName": name, "proficiency": proficiency, "isFeatured": featured, "yearsExperience": 3 }), "candidateSkill { id }").await;
    }
    assert_eq!(
        refused(
            &app,
            &me,
            "setCandidateSkill",
            json!({ "skillName": "Rust", "yearsExperience": 81 })
        )
        .await
        .1
        .as_deref(),
        Some("yearsExperience")
    );
    let skills = app
        .ok(
            "{ viewer { all: skills { totalCount edges { node { proficiency skill { name } } } }
                        featured: skills(filter: { isFeatured: true }, orderBy: NAME) { edges { node { skill { name } } } }
                        databases: skills(filter: { category: DATABASE }) { totalCount } } }",
            json!({}),
            Some(&me.access_token),
        )
        .await;
    let order: Vec<&str> = skills["viewer"]["all"]["edges"]
        .as_array()
        .map(|edges| {
            edges
                .iter()
                .filter_map(|e| e["node"]["skill"]["name"].as_str())
                .collect()
        })
        .unwrap_or_default();
    assert_eq!(order, ["Python", "PostgreSQL", "Go"]);
    assert_eq!(
        skills["viewer"]["featured"]["edges"][0]["node"]["skill"]["name"],
        "PostgreSQL"
    );
    assert_eq!(skills["viewer"]["databases"]["totalCount"], 1);

    let project = mutate(
        &app,
        &me,
        "createProject",
        json!({ "name": "Pipeline" }),
        "project { id }",
    )
    .await;
    let project = project["project"]["id"].as_str().unwrap_or_default().to_owned();
    for name in ["Python", "python", "Airflow"] {
        mutate(
            &app,
            &me,
            "addProjectSkill",
            json!({ "projectId": project, "skillName": name }),
            "skill { name }",
        )
        .await;
    }
    let stack = app
        .ok("query($id: ID!) { node(id: $id) { ... on Project { techStack { totalCount edges { node { name } } } } } }", json!({ "id": project }), Some(&me.access_token))
        .await;
    assert_eq!(stack["node"]["techStack"]["totalCount"], 2);
    let airflow = stack["node"]["techStack"]["edges"][0]["node"]["name"].clone();
    assert_eq!(airflow, "Airflow");
}

#[tokio::test(flavor = "multi_thread")]
async fn the_skill_matrix_counts_overlapping_months_once() {
    let app = TestApp::new().await;
    let me = app.sign_up("matrix@example.com").await;
    // Rust: 2018 (12 months) and mid-2018 to mid-2019 (overlapping by 6): 18 months in all.
    let a = experience(&app, &me, "A", "FULL_TIME", "2018-01-01", Some("2018-12-31")).await;
    let b = experience(&app, &me, "B", "CONTRACT", "2018-07-01", Some("2019-06-30")).await;
    // Go: a separate 2020 role only.
    let c = experience(&app, &me, "C", "FULL_TIME", "2020-01-01", Some("2020-12-31")).await;
    for experience_id in [&a, &b] {
        mutate(
            &app,
            &me,
            "setExperienceSkill",
            json!({ "experienceId": experience_id, "skillName": "Rust" }),
            "experienceSkill { id }",
        )
        .await;
    }
    mutate(
        &app,
        &me,
        "setExperienceSkill",
        json!({ "experienceId": c, "skillName": "Go" }),
        "experienceSkill { id }",
    )
    .await;
    let story = json!({ "experienceId": a, "situation": "s", "task": "t", "action": "a", "result": "r" });
    mutate(&app, &me, "createStarStory", story, "starStory { id }").await;
    let project = mutate(
        &app,
        &me,
        "createProject",
        json!({ "experienceId": b, "name": "P", "startDate": "2019-01-01" }),
        "project { id }",
    )
    .await;
    mutate(
        &app,
        &me,
        "addProjectSkill",
        json!({ "projectId": project["project"]["id"], "skillName": "Rust" }),
        "skill { name }",
    )
    .await;
    // A skill only a personal project uses is evidence too, without months.
    let solo = mutate(
        &app,
        &me,
        "createProject",
        json!({ "name": "Solo", "startDate": "2021-03-01" }),
        "project { id }",
    )
    .await;
    mutate(
        &app,
        &me,
        "addProjectSkill",
        json!({ "projectId": solo["project"]["id"], "skillName": "Elixir" }),
        "skill { name }",
    )
    .await;

    let matrix = app
        .ok(
            "{ viewer { profile { technicalReview { skillMatrix { skill { name } monthsUsed lastUsed currentlyUsed experienceCount projectCount starStoryCount } } } } }",
            json!({}),
            Some(&me.access_token),
        )
        .await;
    let rows = &matrix["viewer"]["profile"]["technicalReview"]["skillMatrix"];
    assert_eq!(
        rows[0],
        json!({ "skill": { "name": "Rust" }, "monthsUsed": 18, "lastUsed": "2019-06-30", "currentlyUsed": false,
                "experienceCount": 2, "projectCount": 1, "starStoryCount": 1 })
    );
    assert_eq!(
        rows[1],
        json!({ "skill": { "name": "Go" }, "monthsUsed": 12, "lastUsed": "2020-12-31", "currentlyUsed": false,
                "experienceCount": 1, "projectCount": 0, "starStoryCount": 0 })
    );
    assert_eq!(rows[2]["skill"]["name"], "Elixir");
    assert_eq!(rows[2]["monthsUsed"], 0);
    assert_eq!(rows[2]["projectCount"], 1);
    assert_eq!(rows.as_array().map(Vec::len), Some(3));
}
