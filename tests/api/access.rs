//! The access policy as a matrix: each kind of object the graph identifies, read by its owner,
//! by another signed-in user and anonymously, through `node`, `nodes` and the writes that name
//! it. What a viewer may not see is invisible: `NOT_FOUND` in `node`, null in `nodes`, and
//! `NOT_FOUND` from a write, which then changes nothing.

use serde_json::{Value, json};

use crate::career::mutate;
use crate::support::{Account, TestApp, only_error};

/// One object of every node type, all of `owner`'s: (type name, global id).
async fn record_of(app: &TestApp, owner: &Account) -> Vec<(&'static str, String)> {
    let id = |value: &Value| value.as_str().unwrap_or_default().to_owned();
    let experience = mutate(
        app,
        owner,
        "createExperience",
        json!({ "companyName": "Initech", "jobTitle": "Engineer", "employmentType": "INDEPENDENT_CONSULTING", "startDate": "2020-01-01" }),
        "experience { id }",
    )
    .await["experience"]["id"]
        .clone();
    let on_experience = |extra: Value| {
        let mut input = extra;
        input["experienceId"] = experience.clone();
        input
    };
    let engagement = mutate(
        app,
        owner,
        "createEngagement",
        on_experience(json!({ "client": "Hooli" })),
        "engagement { id }",
    )
    .await["engagement"]["id"]
        .clone();
    let project = mutate(
        app,
        owner,
        "createProject",
        on_experience(json!({ "name": "Billing" })),
        "project { id }",
    )
    .await["project"]["id"]
        .clone();
    let story = mutate(
        app,
        owner,
        "createStarStory",
        on_experience(json!({ "situation": "s", "task": "t", "action": "a", "result": "r" })),
        "starStory { id }",
    )
    .await["starStory"]["id"]
        .clone();
    let bullet = mutate(
        app,
        owner,
        "createBullet",
        on_experience(json!({ "text": "Cut costs by a third" })),
        "bullet { id }",
    )
    .await["bullet"]["id"]
        .clone();
    let education = mutate(
        app,
        owner,
        "createEducation",
        json!({ "institutionName": "MIT" }),
        "education { id }",
    )
    .await["education"]["id"]
        .clone();
    let strength = mutate(
        app,
        owner,
        "createStrength",
        json!({ "name": "Calm" }),
        "strength { id }",
    )
    .await["strength"]["id"]
        .clone();
    let skill = mutate(
        app,
        owner,
        "addSkill",
        json!({ "name": "Zorblang", "category": "OTHER" }),
        "skill { id }",
    )
    .await["skill"]["id"]
        .clone();
    let claimed = mutate(
        app,
        owner,
        "setCandidateSkill",
        json!({ "skillId": skill }),
        "candidateSkill { id }",
    )
    .await["candidateSkill"]["id"]
        .clone();
    let used = mutate(
        app,
        owner,
        "setExperienceSkill",
        on_experience(json!({ "skillId": skill })),
        "experienceSkill { id }",
    )
    .await["experienceSkill"]["id"]
        .clone();
    let posting = mutate(
        app,
        owner,
        "createJobPosting",
        json!({ "companyName": "Globex", "jobTitle": "Staff Engineer", "description": "Rust" }),
        "jobPosting { id }",
    )
    .await["jobPosting"]["id"]
        .clone();
    let application = mutate(
        app,
        owner,
        "createApplication",
        json!({ "jobPostingId": posting }),
        "application { id }",
    )
    .await["application"]["id"]
        .clone();
    let cv = mutate(
        app,
        owner,
        "createArtifact",
        json!({ "applicationId": application, "kind": "CV", "content": "My CV" }),
        "artifact { ... on Node { id } }",
    )
    .await["artifact"]["id"]
        .clone();
    let mbti = mutate(
        app,
        owner,
        "updateMbtiProfile",
        json!({ "type": "INTJ" }),
        "mbti { id }",
    )
    .await["mbti"]["id"]
        .clone();
    let profile = app
        .ok(
            "{ viewer { profile { id } } }",
            json!({}),
            Some(&owner.access_token),
        )
        .await["viewer"]["profile"]["id"]
        .clone();
    // The rows that appear only inside other objects: an earlier text of the bullet, the
    // application's first status change, the skill extracted from the posting and the match
    // of the experience (which uses that skill) against the posting.
    mutate(
        app,
        owner,
        "updateBullet",
        json!({ "id": bullet, "text": "Cut costs by half" }),
        "bullet { id }",
    )
    .await;
    mutate(
        app,
        owner,
        "setExperienceSkill",
        on_experience(json!({ "skillName": "Rust" })),
        "experienceSkill { id }",
    )
    .await;
    let inner = app
        .ok(
            "query($bullet: ID!, $application: ID!, $posting: ID!) {
               bullet: node(id: $bullet) { ... on Bullet { versions { id } } }
               application: node(id: $application) { ... on Application { history { id } } }
               posting: node(id: $posting) { ... on JobPosting {
                 skills { nodes { id } } matches { nodes { id } } } } }",
            json!({ "bullet": bullet, "application": application, "posting": posting }),
            Some(&owner.access_token),
        )
        .await;
    let version = inner["bullet"]["versions"][0]["id"].clone();
    let status_event = inner["application"]["history"][0]["id"].clone();
    let posting_skill = inner["posting"]["skills"]["nodes"][0]["id"].clone();
    let experience_match = inner["posting"]["matches"]["nodes"][0]["id"].clone();
    vec![
        ("User", owner.user_id.clone()),
        ("CandidateProfile", id(&profile)),
        ("MbtiProfile", id(&mbti)),
        ("Experience", id(&experience)),
        ("Engagement", id(&engagement)),
        ("Project", id(&project)),
        ("StarStory", id(&story)),
        ("Bullet", id(&bullet)),
        ("Education", id(&education)),
        ("Strength", id(&strength)),
        ("Skill", id(&skill)),
        ("CandidateSkill", id(&claimed)),
        ("ExperienceSkill", id(&used)),
        ("JobPosting", id(&posting)),
        ("Application", id(&application)),
        ("CvArtifact", id(&cv)),
        ("BulletVersion", id(&version)),
        ("ApplicationStatusEvent", id(&status_event)),
        ("JobPostingSkill", id(&posting_skill)),
        ("ExperienceMatch", id(&experience_match)),
    ]
}

async fn node(app: &TestApp, token: Option<&str>, id: &str) -> Value {
    app.gql(
        "query($id: ID!) { node(id: $id) { __typename id } }",
        json!({ "id": id }),
        token,
    )
    .await
}

#[tokio::test(flavor = "multi_thread")]
async fn every_object_is_visible_to_its_owner_alone() {
    let app = TestApp::new().await;
    let owner = app.sign_up("owner@example.com").await;
    let other = app.sign_up("other@example.com").await;
    let record = record_of(&app, &owner).await;
    let ids: Vec<&str> = record.iter().map(|(_, id)| id.as_str()).collect();
    assert!(
        ids.iter().all(|id| !id.is_empty()),
        "every object was made: {record:?}"
    );

    for (type_name, id) in &record {
        // The owner.
        let mine = node(&app, Some(&owner.access_token), id).await;
        assert_eq!(mine["data"]["node"]["__typename"], *type_name, "{mine}");
        assert_eq!(mine["data"]["node"]["id"], id.as_str());
        // Another user: not found, never forbidden (which would confirm it exists).
        let theirs = node(&app, Some(&other.access_token), id).await;
        assert_eq!(only_error(&theirs).0, "NOT_FOUND", "{type_name}: {theirs}");
        // Nobody signed in.
        let anonymous = node(&app, None, id).await;
        assert_eq!(
            only_error(&anonymous).0,
            "UNAUTHENTICATED",
            "{type_name}: {anonymous}"
        );
    }

    let nodes = "query($ids: [ID!]!) { nodes(ids: $ids) { __typename } }";
    let mine = app
        .ok(nodes, json!({ "ids": ids }), Some(&owner.access_token))
        .await;
    let names: Vec<&str> = mine["nodes"]
        .as_array()
        .map(|nodes| nodes.iter().filter_map(|n| n["__typename"].as_str()).collect())
        .unwrap_or_default();
    let expected: Vec<&str> = record.iter().map(|(name, _)| *name).collect();
    assert_eq!(names, expected, "nodes keeps the order of the ids");
    let theirs = app
        .ok(nodes, json!({ "ids": ids }), Some(&other.access_token))
        .await;
    assert_eq!(
        theirs["nodes"],
        json!(vec![Value::Null; record.len()]),
        "nodes agrees with node: null for each"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn another_users_writes_find_nothing_and_change_nothing() {
    let app = TestApp::new().await;
    let owner = app.sign_up("writer@example.com").await;
    let other = app.sign_up("intruder@example.com").await;
    let record = record_of(&app, &owner).await;
    let id_of = |name: &str| {
        record
            .iter()
            .find(|(type_name, _)| *type_name == name)
            .map(|(_, id)| id.clone())
            .unwrap_or_default()
    };
    let (experience, bullet, posting, application, skill) = (
        id_of("Experience"),
        id_of("Bullet"),
        id_of("JobPosting"),
        id_of("Application"),
        id_of("Skill"),
    );
    let writes = [
        ("updateExperience", json!({ "id": experience, "jobTitle": "CEO" })),
        ("deleteExperience", json!({ "id": experience })),
        (
            "createBullet",
            json!({ "experienceId": experience, "text": "planted" }),
        ),
        ("updateBullet", json!({ "id": bullet, "text": "rewritten" })),
        ("deleteBullet", json!({ "id": bullet })),
        (
            "reorderBullets",
            json!({ "parentId": experience, "ids": [bullet] }),
        ),
        (
            "setExperienceSkill",
            json!({ "experienceId": experience, "skillName": "Rust" }),
        ),
        (
            "updateJobPosting",
            json!({ "id": posting, "jobTitle": "Janitor" }),
        ),
        ("deleteJobPosting", json!({ "id": posting })),
        ("createApplication", json!({ "jobPostingId": posting })),
        (
            "transitionApplication",
            json!({ "id": application, "to": "WITHDRAWN" }),
        ),
        ("deleteApplication", json!({ "id": application })),
        ("setCandidateSkill", json!({ "skillId": skill })),
    ];
    for (name, input) in writes {
        let input_type = match name {
            "deleteApplication" => "Id".to_owned(),
            _ => crate::career::input_type(name),
        };
        let query =
            format!("mutation($input: {input_type}Input!) {{ {name}(input: $input) {{ __typename }} }}");
        let response = app
            .gql(&query, json!({ "input": input }), Some(&other.access_token))
            .await;
        assert_eq!(only_error(&response).0, "NOT_FOUND", "{name}: {response}");
    }

    // The owner's record is as it was.
    let after = app
        .ok(
            "{ viewer { profile { technicalReview { experiences { edges { node {
                 jobTitle bullets { edges { node { text } } } } } } } }
               jobPostings { edges { node { jobTitle application { status } } } }
               skills { totalCount } } }",
            json!({}),
            Some(&owner.access_token),
        )
        .await;
    let experiences = &after["viewer"]["profile"]["technicalReview"]["experiences"]["edges"];
    assert_eq!(experiences[0]["node"]["jobTitle"], "Engineer");
    assert_eq!(
        experiences[0]["node"]["bullets"]["edges"],
        json!([{ "node": { "text": "Cut costs by half" } }]),
        "as the owner's own edit left it"
    );
    let postings = &after["viewer"]["jobPostings"]["edges"];
    assert_eq!(postings[0]["node"]["jobTitle"], "Staff Engineer");
    assert_eq!(
        postings[0]["node"]["application"]["status"], "GENERATED",
        "as its first CV left it"
    );
    let theirs = app
        .ok(
            "{ viewer { skills { totalCount } applications { totalCount } } }",
            json!({}),
            Some(&other.access_token),
        )
        .await;
    assert_eq!(
        theirs["viewer"]["skills"]["totalCount"], 0,
        "no claim of a private skill not theirs"
    );
    assert_eq!(theirs["viewer"]["applications"]["totalCount"], 0);
}
