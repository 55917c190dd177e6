//! The whole career record at once: what one request costs in SQL, and that none of it is
//! visible or changeable by another user.

use serde_json::{Value, json};

use crate::career::{experience, mutate, refused};
use crate::support::{Account, TestApp, only_error};

/// The ids of everything one rich experience holds.
struct Built {
    experience: String,
    engagement: String,
    project: String,
    story: String,
    bullet: String,
}

/// An independent-consulting experience with an engagement, two projects with a tech stack,
/// a STAR story, three bullets (one edited, one on the engagement) and two skills.
async fn rich_experience(app: &TestApp, who: &Account, n: usize) -> Built {
    let year = 1990 + n % 30;
    let experience = experience(
        app,
        who,
        &format!("Company {n}"),
        "INDEPENDENT_CONSULTING",
        &format!("{year}-01-01"),
        Some(&format!("{year}-12-31")),
    )
    .await;
    let engagement = mutate(
        app,
        who,
        "createEngagement",
        json!({ "experienceId": experience, "client": "Client" }),
        "engagement { id }",
    )
    .await;
    let engagement = engagement["engagement"]["id"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let mut project = String::new();
    for name in ["Alpha", "Beta"] {
        let made = mutate(
            app,
            who,
            "createProject",
            json!({ "experienceId": experience, "name": name }),
            "project { id }",
        )
        .await;
        project = made["project"]["id"].as_str().unwrap_or_default().to_owned();
        mutate(
            app,
            who,
            "addProjectSkill",
            json!({ "projectId": project, "skillName": "Rust" }),
            "skill { id }",
        )
        .await;
    }
    let story = mutate(
        app,
        who,
        "createStarStory",
        json!({ "experienceId": experience, "situation": "s", "task": "t", "action": "a", "result": "r", "tags": ["DELIVERY"] }),
        "starStory { id }",
    )
    .await;
    let mut bullet = String::new();
    for text in ["one", "two"] {
        let made = mutate(
            app,
            who,
            "createBullet",
            json!({ "experienceId": experience, "text": text }),
            "bullet { id }",
        )
        .await;
        bullet = made["bullet"]["id"].as_str().unwrap_or_default().to_owned();
    }
    mutate(
        app,
        who,
        "updateBullet",
        json!({ "id": bullet, "text": "two, edited" }),
        "bullet { id }",
    )
    .await;
    mutate(
        app,
        who,
        "createBullet",
        json!({ "experienceId": experience, "engagementId": engagement, "text": "on the engagement" }),
        "bullet { id }",
    )
    .await;
    for skill in ["Rust", "PostgreSQL"] {
        mutate(
            app,
            who,
            "setExperienceSkill",
            json!({ "experienceId": experience, "skillName": skill }),
            "experienceSkill { id }",
        )
        .await;
    }
    Built {
        experience,
        engagement,
        project,
        story: story["starStory"]["id"].as_str().unwrap_or_default().to_owned(),
        bullet,
    }
}

async fn person(app: &TestApp, email: &str, experiences: usize) -> Account {
    let who = app.sign_up(email).await;
    for n in 0..experiences {
        rich_experience(app, &who, n).await;
    }
    mutate(
        app,
        &who,
        "createEducation",
        json!({ "institutionName": "MIT" }),
        "education { id }",
    )
    .await;
    mutate(
        app,
        &who,
        "createStrength",
        json!({ "name": "Focus" }),
        "strength { id }",
    )
    .await;
    mutate(
        app,
        &who,
        "setCandidateSkill",
        json!({ "skillName": "Rust", "proficiency": "EXPERT" }),
        "candidateSkill { id }",
    )
    .await;
    who
}

const TREE: &str = "{ viewer { email profile { fullName mbti { type } technicalReview {
  experiences(first: 50) { totalCount edges { node { id companyName
    engagements(first: 5) { totalCount edges { node { client bullets(first: 10) { edges { node { text } } } } } }
    projects(first: 10) { totalCount edges { node { name techStack(first: 10) { edges { node { name } } } } } }
    starStories(first: 10) { edges { node { situation tags } } }
    bullets(first: 20) { totalCount edges { node { text versions { text } } } }
    skills(first: 20) { edges { node { prominence skill { name } } } }
  } } }
  skillMatrix { skill { name } monthsUsed experienceCount projectCount starStoryCount } } }
  education(first: 10) { edges { node { institutionName } } }
  strengths(first: 10) { edges { node { name } } }
  skills(first: 50) { edges { node { proficiency skill { name } } } } } }";

#[tokio::test(flavor = "multi_thread")]
async fn the_whole_tree_costs_the_same_for_5_and_50_experiences() {
    let app = TestApp::new().await;
    let small = person(&app, "small@example.com", 5).await;
    let large = person(&app, "large@example.com", 50).await;

    let small_tree = app.ok(TREE, json!({}), Some(&small.access_token)).await;
    let large_tree = app.ok(TREE, json!({}), Some(&large.access_token)).await;
    let experiences = |tree: &Value| tree["viewer"]["profile"]["technicalReview"]["experiences"].clone();
    assert_eq!(experiences(&small_tree)["totalCount"], 5);
    assert_eq!(experiences(&large_tree)["totalCount"], 50);
    let last = &experiences(&large_tree)["edges"][49]["node"];
    assert_eq!(last["projects"]["totalCount"], 2);
    assert_eq!(last["bullets"]["totalCount"], 3);
    assert_eq!(
        last["engagements"]["edges"][0]["node"]["bullets"]["edges"][0]["node"]["text"],
        "on the engagement"
    );
    assert_eq!(
        last["projects"]["edges"][0]["node"]["techStack"]["edges"][0]["node"]["name"],
        "Rust"
    );

    let small_cost = app
        .statements_for(TREE, json!({}), Some(&small.access_token))
        .await;
    let large_cost = app
        .statements_for(TREE, json!({}), Some(&large.access_token))
        .await;
    assert_eq!(small_cost, large_cost, "the statement count grew with the data");
    // user, profile, mbti, experiences, engagements, engagement bullets, projects, tech stacks,
    // STAR stories, bullets, versions, experience skills, skills (by id, for experience and
    // candidate skills), skill matrix, education, strengths, candidate skills; and one count
    // for each level whose `totalCount` is selected (experiences, engagements, projects,
    // bullets).
    assert!(small_cost <= 22, "{small_cost} statements for the whole tree");
    println!("whole tree: {small_cost} statements for 5 and for 50 experiences");
}

#[tokio::test(flavor = "multi_thread")]
async fn another_users_record_is_not_found_anywhere() {
    let app = TestApp::new().await;
    let alice = app.sign_up("alice-rec@example.com").await;
    let bob = app.sign_up("bob-rec@example.com").await;
    let built = rich_experience(&app, &alice, 0).await;
    let bobs_experience =
        experience(&app, &bob, "Bob Co", "INDEPENDENT_CONSULTING", "2020-01-01", None).await;
    let edu = mutate(
        &app,
        &alice,
        "createEducation",
        json!({ "institutionName": "MIT" }),
        "education { id }",
    )
    .await;
    let strength = mutate(
        &app,
        &alice,
        "createStrength",
        json!({ "name": "Focus" }),
        "strength { id }",
    )
    .await;
    let claim = mutate(
        &app,
        &alice,
        "setCandidateSkill",
        json!({ "skillName": "Rust" }),
        "candidateSkill { id skill { id } }",
    )
    .await;
    let link = mutate(
        &app,
        &alice,
        "setExperienceSkill",
        json!({ "experienceId": built.experience, "skillName": "Go" }),
        "experienceSkill { id }",
    )
    .await;
    let text = |v: &Value, path: &[&str]| {
        let mut value = v;
        for key in path {
            value = &value[*key];
        }
        value.as_str().unwrap_or_default().to_owned()
    };
    let private_ids = [
        built.experience.clone(),
        built.engagement.clone(),
        built.project.clone(),
        built.story.clone(),
        built.bullet.clone(),
        text(&edu, &["education", "id"]),
        text(&strength, &["strength", "id"]),
        text(&claim, &["candidateSkill", "id"]),
        text(&link, &["experienceSkill", "id"]),
    ];
    let node = "query($id: ID!) { node(id: $id) { id } }";
    for id in &private_ids {
        assert_eq!(
            app.ok(node, json!({ "id": id }), Some(&alice.access_token)).await["node"]["id"],
            id.as_str()
        );
        let response = app.gql(node, json!({ "id": id }), Some(&bob.access_token)).await;
        assert_eq!(only_error(&response).0, "NOT_FOUND", "Bob reached {id}");
    }
    // The catalog is shared: a skill's id is visible to everyone.
    let rust = text(&claim, &["candidateSkill", "skill", "id"]);
    assert_eq!(
        app.ok(node, json!({ "id": rust }), Some(&bob.access_token)).await["node"]["id"],
        rust.as_str()
    );

    let not_found = |(code, _): (String, Option<String>)| code == "NOT_FOUND";
    let attempts = [
        (
            "updateExperience",
            json!({ "id": built.experience, "jobTitle": "Pwned" }),
        ),
        ("deleteExperience", json!({ "id": built.experience })),
        (
            "createEngagement",
            json!({ "experienceId": built.experience, "client": "x" }),
        ),
        (
            "updateEngagement",
            json!({ "id": built.engagement, "client": "x" }),
        ),
        ("deleteEngagement", json!({ "id": built.engagement })),
        (
            "createProject",
            json!({ "experienceId": built.experience, "name": "x" }),
        ),
        ("updateProject", json!({ "id": built.project, "name": "x" })),
        ("deleteProject", json!({ "id": built.project })),
        (
            "createStarStory",
            json!({ "experienceId": built.experience, "situation": "s", "task": "t", "action": "a", "result": "r" }),
        ),
        ("updateStarStory", json!({ "id": built.story, "task": "x" })),
        ("deleteStarStory", json!({ "id": built.story })),
        (
            "createBullet",
            json!({ "experienceId": built.experience, "text": "x" }),
        ),
        ("updateBullet", json!({ "id": built.bullet, "text": "x" })),
        ("retireBullet", json!({ "id": built.bullet })),
        ("deleteBullet", json!({ "id": built.bullet })),
        (
            "reorderBullets",
            json!({ "parentId": built.experience, "ids": [built.bullet] }),
        ),
        ("updateEducation", json!({ "id": private_ids[5], "degree": "x" })),
        ("deleteEducation", json!({ "id": private_ids[5] })),
        ("updateStrength", json!({ "id": private_ids[6], "name": "x" })),
        ("deleteStrength", json!({ "id": private_ids[6] })),
        (
            "setExperienceSkill",
            json!({ "experienceId": built.experience, "skillName": "Rust" }),
        ),
        (
            "removeExperienceSkill",
            json!({ "experienceId": built.experience, "skillId": rust }),
        ),
        (
            "addProjectSkill",
            json!({ "projectId": built.project, "skillName": "Go" }),
        ),
        (
            "removeProjectSkill",
            json!({ "projectId": built.project, "skillId": rust }),
        ),
        // Bob's own objects cannot be tied to Alice's.
        (
            "createBullet",
            json!({ "experienceId": bobs_experience, "engagementId": built.engagement, "text": "x" }),
        ),
    ];
    for (mutation, input) in attempts {
        assert!(
            not_found(refused(&app, &bob, mutation, input.clone()).await),
            "{mutation} {input}"
        );
    }
    let bobs_project = mutate(
        &app,
        &bob,
        "createProject",
        json!({ "name": "Mine" }),
        "project { id }",
    )
    .await;
    let move_to_alice = json!({ "id": bobs_project["project"]["id"], "experienceId": built.experience });
    assert!(not_found(
        refused(&app, &bob, "updateProject", move_to_alice).await
    ));

    // Alice's record is intact.
    let check = app
        .ok(
            "query($id: ID!) { node(id: $id) { ... on Experience { jobTitle bullets { totalCount } projects { totalCount } engagements { totalCount } starStories { totalCount } skills { totalCount } } } }",
            json!({ "id": built.experience }),
            Some(&alice.access_token),
        )
        .await;
    assert_eq!(
        check["node"],
        json!({ "jobTitle": "Engineer", "bullets": { "totalCount": 3 }, "projects": { "totalCount": 2 },
                "engagements": { "totalCount": 1 }, "starStories": { "totalCount": 1 }, "skills": { "totalCount": 3 } })
    );
}

/// Whether `keys` (as `"key":`) all appear in `text`, in this order.
fn in_order(text: &str, keys: &[&str]) -> bool {
    let mut from = 0;
    for key in keys {
        match text[from..].find(&format!("\"{key}\":")) {
            Some(at) => from += at + key.len(),
            None => return false,
        }
    }
    true
}

#[tokio::test(flavor = "multi_thread")]
async fn response_fields_come_in_selection_order_at_every_depth() {
    use axum::body::Body;
    use axum::http::Request;

    let app = TestApp::new().await;
    let who = person(&app, "order@example.com", 2).await;
    // Selection orders unlike the schema's (alphabetical) and unlike the order in which the
    // loaders finish: scalars last, connections before them, one through a fragment.
    let query = "{ viewer { profile { technicalReview { experiences(first: 5) { edges { node {
        companyName
        projects(first: 5) { edges { node { techStack(first: 5) { edges { node { name } } } name } } }
        starStories(first: 5) { edges { node { result situation } } }
        bullets(first: 5) { edges { node { versions { text } text } } }
        ...Skills
        jobTitle
      } } } } } email } }
      fragment Skills on Experience { skills(first: 5) { edges { node { skill { name } prominence } } } }";
    let body = serde_json::to_vec(&json!({ "query": query })).unwrap_or_default();
    // Several times: the loaders' batches finish in a different order from run to run.
    for _ in 0..5 {
        let request = Request::post("/graphql")
            .header("content-type", "application/json")
            .header("authorization", format!("Bearer {}", who.access_token))
            .body(Body::from(body.clone()))
            .unwrap_or_default();
        let (_, raw) = app.send(request).await;
        let raw = String::from_utf8_lossy(&raw).into_owned();
        assert!(!raw.contains("\"errors\""), "{raw}");
        assert!(in_order(&raw, &["profile", "email"]), "{raw}");
        let node = &raw[raw.find("\"node\":").unwrap_or_default()..];
        assert!(
            in_order(
                node,
                &[
                    "companyName",
                    "projects",
                    "starStories",
                    "bullets",
                    "skills",
                    "jobTitle"
                ]
            ),
            "{raw}"
        );
        assert!(in_order(node, &["techStack", "name"]), "{raw}");
        for (start, keys) in [
            ("starStories", ["result", "situation"]),
            ("bullets", ["versions", "text"]),
            ("skills", ["skill", "prominence"]),
        ] {
            let part = &node[node.find(&format!("\"{start}\":")).unwrap_or_default()..];
            assert!(in_order(part, &keys), "{start}: {raw}");
        }
    }
}

/// Runs `query` as `who` with `X-Query-Cost` set; the response.
async fn with_cost(app: &TestApp, who: &Account, query: &str) -> Value {
    use axum::body::Body;
    use axum::http::Request;

    let body = serde_json::to_vec(&json!({ "query": query })).unwrap_or_default();
    let request = Request::post("/graphql")
        .header("content-type", "application/json")
        .header("authorization", format!("Bearer {}", who.access_token))
        .header("x-query-cost", "1")
        .body(Body::from(body))
        .unwrap_or_default();
    let (_, raw) = app.send(request).await;
    serde_json::from_slice(&raw).unwrap_or_else(|_| json!({ "raw": String::from_utf8_lossy(&raw) }))
}

#[tokio::test(flavor = "multi_thread")]
async fn the_whole_career_without_first_passes_and_a_huge_query_is_refused_with_its_cost() {
    let app = TestApp::new().await;
    let who = person(&app, "cost@example.com", 2).await;
    // The natural query for a whole career (#13), no `first` anywhere: 50 experiences, each
    // with 50 projects, STAR stories, bullets and skills: 50 × (1 + 4 × 50) nodes.
    let whole = "{ viewer { email profile { fullName technicalReview { experiences { edges { node {
        companyName jobTitle startDate endDate
        projects { edges { node { name } } }
        starStories { edges { node { situation task action result } } }
        bullets { edges { node { text versions { text } } } }
        skills { edges { node { prominence skill { name } } } }
      } } } } } } }";
    let response = with_cost(&app, &who, whole).await;
    assert!(response.get("errors").is_none(), "{response}");
    assert_eq!(response["extensions"]["cost"], 50 * (1 + 4 * 50), "{response}");
    // With each project's tech stack: 50 × (1 + 50 × (1 + 50) + 3 × 50), still under the limit.
    let with_stack = whole.replace(
        "projects { edges { node { name } } }",
        "projects { edges { node { name techStack { edges { node { name } } } } } }",
    );
    let response = with_cost(&app, &who, &with_stack).await;
    assert!(response.get("errors").is_none(), "{response}");
    assert_eq!(response["extensions"]["cost"], 135_050, "{response}");
    let experiences = &response["data"]["viewer"]["profile"]["technicalReview"]["experiences"]["edges"];
    assert_eq!(experiences.as_array().map(Vec::len), Some(2));
    // Without the header, no cost.
    let plain = app.ok(whole, json!({}), Some(&who.access_token)).await;
    assert_eq!(plain["viewer"]["email"], "cost@example.com");
    let response = app.gql(whole, json!({}), Some(&who.access_token)).await;
    assert!(response.get("extensions").is_none(), "{response}");

    let huge = "{ viewer { profile { technicalReview { experiences(first: 100) { edges { node {
        projects(first: 100) { edges { node { techStack(first: 100) { edges { node { name } } } } } }
      } } } } } } }";
    let response = with_cost(&app, &who, huge).await;
    let error = &response["errors"][0];
    assert_eq!(error["extensions"]["code"], "QUERY_TOO_COMPLEX", "{response}");
    assert_eq!(error["extensions"]["cost"], 100 * (1 + 100 * (1 + 100)));
    assert_eq!(error["extensions"]["limit"], 200_000);
    assert!(
        error["message"]
            .as_str()
            .is_some_and(|m| m.contains("1010100 nodes")),
        "{response}"
    );
    assert_eq!(response["data"], Value::Null);
    // The limit is a setting.
    let strict = TestApp::on(&app.database_url, &["--max-cost", "100"]);
    let response = with_cost(&strict, &who, whole).await;
    assert_eq!(response["errors"][0]["extensions"]["limit"], 100, "{response}");
}
