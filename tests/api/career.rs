//! The career record: experiences and their evidence, education, strengths.

use serde_json::{Value, json};

use crate::support::{Account, TestApp, only_error};

/// Runs `mutation { <name>(input: $input) { <selection> } }` and returns the payload.
pub async fn mutate(app: &TestApp, who: &Account, name: &str, input: Value, selection: &str) -> Value {
    let query = format!(
        "mutation($input: {}Input!) {{ {name}(input: $input) {{ {selection} }} }}",
        input_type(name)
    );
    app.ok(&query, json!({ "input": input }), Some(&who.access_token))
        .await[name]
        .clone()
}

/// The same, expecting one error: its (code, field).
pub async fn refused(app: &TestApp, who: &Account, name: &str, input: Value) -> (String, Option<String>) {
    let query = format!(
        "mutation($input: {}Input!) {{ {name}(input: $input) {{ __typename }} }}",
        input_type(name)
    );
    let response = app
        .gql(&query, json!({ "input": input }), Some(&who.access_token))
        .await;
    only_error(&response)
}

pub fn input_type(mutation: &str) -> String {
    let shared = match mutation {
        "deleteExperience" | "deleteEngagement" | "deleteProject" | "deleteStarStory" | "deleteBullet"
        | "deleteEducation" | "deleteStrength" | "retireBullet" | "restoreBullet" | "deleteJobPosting" => {
            "Id"
        }
        "reorderExperiences" | "reorderEngagements" | "reorderProjects" | "reorderBullets" => "Reorder",
        "addProjectSkill" => "ProjectSkill",
        _ => "",
    };
    if !shared.is_empty() {
        return shared.to_owned();
    }
    let mut chars = mutation.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

pub async fn experience(
    app: &TestApp,
    who: &Account,
    company: &str,
    kind: &str,
    start: &str,
    end: Option<&str>,
) -> String {
    let input = json!({ "companyName": company, "jobTitle": "Engineer", "employmentType": kind, "startDate": start, "endDate": end });
    let payload = mutate(app, who, "createExperience", input, "experience { id }").await;
    payload["experience"]["id"]
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

fn id(payload: &Value, object: &str) -> String {
    payload[object]["id"].as_str().unwrap_or_default().to_owned()
}

const EXPERIENCES: &str = "query($filter: ExperienceFilter, $order: ExperienceOrder, $first: Int, $after: String, $last: Int, $before: String) {
  viewer { profile { technicalReview {
    experiences(filter: $filter, orderBy: $order, first: $first, after: $after, last: $last, before: $before) {
      totalCount pageInfo { hasNextPage hasPreviousPage endCursor startCursor }
      edges { cursor node { id companyName } }
    } } } } }";

fn names(response: &Value) -> Vec<String> {
    response["viewer"]["profile"]["technicalReview"]["experiences"]["edges"]
        .as_array()
        .map(|edges| {
            edges
                .iter()
                .map(|e| e["node"]["companyName"].as_str().unwrap_or_default().to_owned())
                .collect()
        })
        .unwrap_or_default()
}

fn connection(response: &Value) -> &Value {
    &response["viewer"]["profile"]["technicalReview"]["experiences"]
}

#[tokio::test(flavor = "multi_thread")]
async fn experiences_are_created_updated_filtered_reordered_and_deleted() {
    let app = TestApp::new().await;
    let me = app.sign_up("exp@example.com").await;
    let acme = experience(&app, &me, "Acme", "FULL_TIME", "2015-01-01", Some("2018-06-30")).await;
    let globex = experience(&app, &me, "Globex", "CONTRACT", "2018-07-01", Some("2020-12-31")).await;
    let initech = experience(&app, &me, "Initech", "FULL_TIME", "2021-01-01", None).await;

    let all = app.ok(EXPERIENCES, json!({}), Some(&me.access_token)).await;
    assert_eq!(names(&all), ["Acme", "Globex", "Initech"]);
    assert_eq!(connection(&all)["totalCount"], 3);

    let current = app
        .ok(
            EXPERIENCES,
            json!({ "filter": { "current": true } }),
            Some(&me.access_token),
        )
        .await;
    assert_eq!(names(&current), ["Initech"]);
    let contracts = app
        .ok(
            EXPERIENCES,
            json!({ "filter": { "employmentType": "CONTRACT" } }),
            Some(&me.access_token),
        )
        .await;
    assert_eq!(names(&contracts), ["Globex"]);
    assert_eq!(connection(&contracts)["totalCount"], 1);
    let newest = app
        .ok(
            EXPERIENCES,
            json!({ "order": "START_DATE_DESC" }),
            Some(&me.access_token),
        )
        .await;
    assert_eq!(names(&newest), ["Initech", "Globex", "Acme"]);

    let updated = mutate(
        &app,
        &me,
        "updateExperience",
        json!({ "id": globex, "jobTitle": "Staff Engineer", "endDate": null, "summary": "Led the platform team." }),
        "experience { jobTitle endDate summary companyName }",
    )
    .await;
    assert_eq!(
        updated["experience"],
        json!({ "jobTitle": "Staff Engineer", "endDate": null, "summary": "Led the platform team.", "companyName": "Globex" })
    );

    mutate(
        &app,
        &me,
        "reorderExperiences",
        json!({ "ids": [initech, acme, globex] }),
        "orderedIds",
    )
    .await;
    assert_eq!(
        names(&app.ok(EXPERIENCES, json!({}), Some(&me.access_token)).await),
        ["Initech", "Acme", "Globex"]
    );
    // A reorder must name every experience exactly once.
    for ids in [json!([initech, acme]), json!([initech, acme, globex, acme])] {
        assert_eq!(
            refused(&app, &me, "reorderExperiences", json!({ "ids": ids })).await,
            ("BAD_USER_INPUT".to_owned(), Some("ids".to_owned()))
        );
    }

    mutate(&app, &me, "deleteExperience", json!({ "id": acme }), "deletedId").await;
    assert_eq!(
        names(&app.ok(EXPERIENCES, json!({}), Some(&me.access_token)).await),
        ["Initech", "Globex"]
    );
    assert_eq!(
        refused(&app, &me, "deleteExperience", json!({ "id": acme }))
            .await
            .0,
        "NOT_FOUND"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn experience_validation() {
    let app = TestApp::new().await;
    let me = app.sign_up("exp-val@example.com").await;
    let base = json!({ "companyName": "Acme", "jobTitle": "Engineer", "employmentType": "FULL_TIME", "startDate": "2020-01-01" });
    let cases = [
        ("companyName", json!(" ")),
        ("jobTitle", json!("x".repeat(201))),
        ("endDate", json!("2019-12-31")),
        ("summary", json!("x".repeat(5001))),
        ("startDate", json!("2020-13-01")),
    ];
    for (field, value) in cases {
        let mut input = base.clone();
        input[field] = value;
        let (code, got_field) = refused(&app, &me, "createExperience", input).await;
        assert_eq!(code, "BAD_USER_INPUT", "{field}");
        // A malformed date is refused while parsing, before the field is known.
        if field != "startDate" {
            assert_eq!(got_field.as_deref(), Some(field));
        }
    }
    assert_eq!(
        connection(&app.ok(EXPERIENCES, json!({}), Some(&me.access_token)).await)["totalCount"],
        0
    );

    let id = experience(&app, &me, "Acme", "FULL_TIME", "2020-01-01", Some("2021-01-01")).await;
    // The end date is checked against the stored start date.
    assert_eq!(
        refused(
            &app,
            &me,
            "updateExperience",
            json!({ "id": id, "endDate": "2019-01-01" })
        )
        .await,
        ("BAD_USER_INPUT".to_owned(), Some("endDate".to_owned()))
    );
    assert_eq!(
        refused(
            &app,
            &me,
            "updateExperience",
            json!({ "id": id, "startDate": "2022-01-01" })
        )
        .await,
        ("BAD_USER_INPUT".to_owned(), Some("endDate".to_owned()))
    );
    let unknown =
        json!({ "id": "RXhwZXJpZW5jZTowMTkyMDAwMC0wMDAwLTcwMDAtODAwMC0wMDAwMDAwMDAwMDA", "jobTitle": "x" });
    assert_eq!(
        refused(&app, &me, "updateExperience", unknown).await.0,
        "NOT_FOUND"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn engagements_only_under_consulting_experiences() {
    let app = TestApp::new().await;
    let me = app.sign_up("eng@example.com").await;
    let consulting = experience(&app, &me, "Me Ltd", "INDEPENDENT_CONSULTING", "2019-01-01", None).await;
    let employed = experience(&app, &me, "Acme", "FULL_TIME", "2015-01-01", Some("2018-12-31")).await;

    assert_eq!(
        refused(
            &app,
            &me,
            "createEngagement",
            json!({ "experienceId": employed, "client": "Bank" })
        )
        .await,
        ("BAD_USER_INPUT".to_owned(), Some("experienceId".to_owned()))
    );
    let first = mutate(
        &app,
        &me,
        "createEngagement",
        json!({ "experienceId": consulting, "client": "Bank", "projectType": "ADVISORY", "domainTags": ["banking", "Banking"], "techTags": ["Python"] }),
        "engagement { id client projectType domainTags techTags sortOrder }",
    )
    .await;
    assert_eq!(first["engagement"]["domainTags"], json!(["banking"]));
    assert_eq!(first["engagement"]["sortOrder"], 0);
    let second = mutate(
        &app,
        &me,
        "createEngagement",
        json!({ "experienceId": consulting, "client": "Insurer" }),
        "engagement { id sortOrder }",
    )
    .await;
    assert_eq!(second["engagement"]["sortOrder"], 1);
    let (first, second) = (id(&first, "engagement"), id(&second, "engagement"));

    let updated = mutate(
        &app,
        &me,
        "updateEngagement",
        json!({ "id": first, "client": null, "dateRangeLabel": "Q1 2024" }),
        "engagement { client dateRangeLabel }",
    )
    .await;
    assert_eq!(
        updated["engagement"],
        json!({ "client": null, "dateRangeLabel": "Q1 2024" })
    );

    mutate(
        &app,
        &me,
        "reorderEngagements",
        json!({ "parentId": consulting, "ids": [second, first] }),
        "orderedIds",
    )
    .await;
    let listed = app
        .ok(
            "query($id: ID!) { node(id: $id) { ... on Experience { engagements { totalCount edges { node { id } } } } } }",
            json!({ "id": consulting }),
            Some(&me.access_token),
        )
        .await;
    let order: Vec<&str> = listed["node"]["engagements"]["edges"]
        .as_array()
        .map(|edges| edges.iter().filter_map(|e| e["node"]["id"].as_str()).collect())
        .unwrap_or_default();
    assert_eq!(order, [second.as_str(), first.as_str()]);

    // A consulting experience with engagements cannot stop being one.
    assert_eq!(
        refused(
            &app,
            &me,
            "updateExperience",
            json!({ "id": consulting, "employmentType": "FULL_TIME" })
        )
        .await,
        ("BAD_USER_INPUT".to_owned(), Some("employmentType".to_owned()))
    );
    mutate(&app, &me, "deleteEngagement", json!({ "id": first }), "deletedId").await;
    mutate(
        &app,
        &me,
        "deleteEngagement",
        json!({ "id": second }),
        "deletedId",
    )
    .await;
    mutate(
        &app,
        &me,
        "updateExperience",
        json!({ "id": consulting, "employmentType": "FREELANCE" }),
        "experience { employmentType }",
    )
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn projects_inside_experiences_and_personal() {
    let app = TestApp::new().await;
    let me = app.sign_up("proj@example.com").await;
    let acme = experience(&app, &me, "Acme", "FULL_TIME", "2015-01-01", None).await;
    let other = experience(&app, &me, "Globex", "FULL_TIME", "2012-01-01", Some("2014-12-31")).await;
    let input = json!({
        "experienceId": acme, "name": "Billing engine", "description": "Rewrote billing.", "role": "Lead",
        "impactMetric": "-40% invoice errors", "githubUrl": "https://github.com/acme/billing",
        "liveUrl": "https://billing.acme.example", "startDate": "2016-01-01", "endDate": "2016-12-31"
    });
    let made = mutate(
        &app,
        &me,
        "createProject",
        input,
        "project { id name impactMetric experience { companyName } }",
    )
    .await;
    assert_eq!(made["project"]["experience"]["companyName"], "Acme");
    let billing = id(&made, "project");
    let personal = mutate(
        &app,
        &me,
        "createProject",
        json!({ "name": "Ray tracer" }),
        "project { id experience { id } }",
    )
    .await;
    assert_eq!(personal["project"]["experience"], Value::Null);
    let second = mutate(
        &app,
        &me,
        "createProject",
        json!({ "experienceId": acme, "name": "Search" }),
        "project { id }",
    )
    .await;
    let search = id(&second, "project");

    for (field, value) in [
        ("githubUrl", json!("https://gitlab.com/x")),
        ("liveUrl", json!("notaurl")),
        ("name", json!("")),
        ("endDate", json!("2015-12-31")),
    ] {
        let mut bad = json!({ "experienceId": acme, "name": "P", "startDate": "2016-01-01" });
        bad[field] = value;
        assert_eq!(
            refused(&app, &me, "createProject", bad).await,
            ("BAD_USER_INPUT".to_owned(), Some(field.to_owned()))
        );
    }

    // Move a project to another experience, then make it personal.
    let moved = mutate(
        &app,
        &me,
        "updateProject",
        json!({ "id": billing, "experienceId": other }),
        "project { experience { companyName } }",
    )
    .await;
    assert_eq!(moved["project"]["experience"]["companyName"], "Globex");
    mutate(
        &app,
        &me,
        "updateProject",
        json!({ "id": billing, "experienceId": null }),
        "project { id }",
    )
    .await;
    let mine = app
        .ok("{ viewer { all: projects { totalCount } personal: projects(personalOnly: true) { totalCount edges { node { name } } } } }", json!({}), Some(&me.access_token))
        .await;
    assert_eq!(mine["viewer"]["all"]["totalCount"], 3);
    assert_eq!(mine["viewer"]["personal"]["totalCount"], 2);

    mutate(
        &app,
        &me,
        "createProject",
        json!({ "experienceId": acme, "name": "Third" }),
        "project { id }",
    )
    .await;
    assert_eq!(
        refused(
            &app,
            &me,
            "reorderProjects",
            json!({ "parentId": acme, "ids": [search] })
        )
        .await
        .0,
        "BAD_USER_INPUT"
    );
    mutate(&app, &me, "deleteProject", json!({ "id": search }), "deletedId").await;
}

#[tokio::test(flavor = "multi_thread")]
async fn star_stories_with_fixed_tags() {
    let app = TestApp::new().await;
    let me = app.sign_up("star@example.com").await;
    let acme = experience(&app, &me, "Acme", "FULL_TIME", "2015-01-01", None).await;
    let story = json!({
        "experienceId": acme, "title": "Outage", "situation": "Prod was down.", "task": "Restore it.",
        "action": "Rolled back.", "result": "Back in 5 minutes.", "tags": ["DELIVERY", "OWNERSHIP", "DELIVERY"]
    });
    let made = mutate(
        &app,
        &me,
        "createStarStory",
        story.clone(),
        "starStory { id tags experience { companyName } }",
    )
    .await;
    assert_eq!(made["starStory"]["tags"], json!(["DELIVERY", "OWNERSHIP"]));
    let story_id = id(&made, "starStory");

    let mut blank = story.clone();
    blank["result"] = json!("  ");
    assert_eq!(
        refused(&app, &me, "createStarStory", blank).await,
        ("BAD_USER_INPUT".to_owned(), Some("result".to_owned()))
    );
    let mut unknown_tag = story.clone();
    unknown_tag["tags"] = json!(["HEROISM"]);
    assert_eq!(
        refused(&app, &me, "createStarStory", unknown_tag).await.0,
        "BAD_USER_INPUT"
    );

    let updated = mutate(
        &app,
        &me,
        "updateStarStory",
        json!({ "id": story_id, "tags": ["LEADERSHIP"], "title": null }),
        "starStory { tags title situation }",
    )
    .await;
    assert_eq!(
        updated["starStory"],
        json!({ "tags": ["LEADERSHIP"], "title": null, "situation": "Prod was down." })
    );

    mutate(&app, &me, "createStarStory", json!({ "experienceId": acme, "situation": "s", "task": "t", "action": "a", "result": "r", "tags": ["CONFLICT"] }), "starStory { id }").await;
    let filtered = app
        .ok(
            "query($id: ID!) { node(id: $id) { ... on Experience { leadership: starStories(tag: LEADERSHIP) { totalCount } all: starStories { totalCount } } } }",
            json!({ "id": acme }),
            Some(&me.access_token),
        )
        .await;
    assert_eq!(filtered["node"]["leadership"]["totalCount"], 1);
    assert_eq!(filtered["node"]["all"]["totalCount"], 2);
    mutate(
        &app,
        &me,
        "deleteStarStory",
        json!({ "id": story_id }),
        "deletedId",
    )
    .await;
}

const BULLETS: &str = "query($id: ID!, $filter: BulletFilter, $order: BulletOrder) { node(id: $id) { ... on Experience {
  bullets(filter: $filter, orderBy: $order) { totalCount edges { node { id text retired importance versions { text } } } } } } }";

fn bullet_texts(response: &Value) -> Vec<String> {
    response["node"]["bullets"]["edges"]
        .as_array()
        .map(|edges| {
            edges
                .iter()
                .map(|e| e["node"]["text"].as_str().unwrap_or_default().to_owned())
                .collect()
        })
        .unwrap_or_default()
}

#[tokio::test(flavor = "multi_thread")]
async fn bullets_keep_versions_and_retire() {
    let app = TestApp::new().await;
    let me = app.sign_up("bullet@example.com").await;
    let acme = experience(&app, &me, "Acme", "FULL_TIME", "2015-01-01", None).await;
    let mut ids = Vec::new();
    for (text, importance) in [
        ("Cut costs", "LOW"),
        ("Shipped v2", "HIGH"),
        ("Hired 5", "MEDIUM"),
    ] {
        let made = mutate(
            &app,
            &me,
            "createBullet",
            json!({ "experienceId": acme, "text": text, "importance": importance, "bulletType": "ACHIEVEMENT", "tags": ["x"] }),
            "bullet { id }",
        )
        .await;
        ids.push(id(&made, "bullet"));
    }

    // Editing the text keeps the old text as a version, newest first.
    mutate(
        &app,
        &me,
        "updateBullet",
        json!({ "id": ids[0], "text": "Cut costs by 30%" }),
        "bullet { text }",
    )
    .await;
    mutate(
        &app,
        &me,
        "updateBullet",
        json!({ "id": ids[0], "text": "Cut cloud costs by 30%" }),
        "bullet { text }",
    )
    .await;
    // Other fields change without a new version.
    mutate(
        &app,
        &me,
        "updateBullet",
        json!({ "id": ids[0], "starNotes": "S/T/A/R" }),
        "bullet { id }",
    )
    .await;
    let listed = app
        .ok(BULLETS, json!({ "id": acme }), Some(&me.access_token))
        .await;
    let first = &listed["node"]["bullets"]["edges"][0]["node"];
    assert_eq!(first["text"], "Cut cloud costs by 30%");
    assert_eq!(
        first["versions"],
        json!([{ "text": "Cut costs by 30%" }, { "text": "Cut costs" }])
    );

    let by_importance = app
        .ok(
            BULLETS,
            json!({ "id": acme, "order": "IMPORTANCE" }),
            Some(&me.access_token),
        )
        .await;
    assert_eq!(
        bullet_texts(&by_importance),
        ["Shipped v2", "Hired 5", "Cut cloud costs by 30%"]
    );

    // Retired bullets are hidden unless asked for, and can come back.
    let retired = mutate(
        &app,
        &me,
        "retireBullet",
        json!({ "id": ids[1] }),
        "bullet { retired }",
    )
    .await;
    assert_eq!(retired["bullet"]["retired"], true);
    let visible = app
        .ok(BULLETS, json!({ "id": acme }), Some(&me.access_token))
        .await;
    assert_eq!(bullet_texts(&visible), ["Cut cloud costs by 30%", "Hired 5"]);
    assert_eq!(visible["node"]["bullets"]["totalCount"], 2);
    let everything = app
        .ok(
            BULLETS,
            json!({ "id": acme, "filter": { "includeRetired": true } }),
            Some(&me.access_token),
        )
        .await;
    assert_eq!(everything["node"]["bullets"]["totalCount"], 3);
    mutate(
        &app,
        &me,
        "restoreBullet",
        json!({ "id": ids[1] }),
        "bullet { retired }",
    )
    .await;

    mutate(
        &app,
        &me,
        "reorderBullets",
        json!({ "parentId": acme, "ids": [ids[2], ids[1], ids[0]] }),
        "orderedIds",
    )
    .await;
    let reordered = app
        .ok(BULLETS, json!({ "id": acme }), Some(&me.access_token))
        .await;
    assert_eq!(
        bullet_texts(&reordered),
        ["Hired 5", "Shipped v2", "Cut cloud costs by 30%"]
    );

    assert_eq!(
        refused(
            &app,
            &me,
            "createBullet",
            json!({ "experienceId": acme, "text": "x".repeat(1001) })
        )
        .await
        .1
        .as_deref(),
        Some("text")
    );
    mutate(&app, &me, "deleteBullet", json!({ "id": ids[2] }), "deletedId").await;
    assert_eq!(
        app.ok(BULLETS, json!({ "id": acme }), Some(&me.access_token))
            .await["node"]["bullets"]["totalCount"],
        2
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_bullets_engagement_must_be_of_its_experience() {
    let app = TestApp::new().await;
    let me = app.sign_up("bullet-eng@example.com").await;
    let one = experience(&app, &me, "One", "INDEPENDENT_CONSULTING", "2019-01-01", None).await;
    let two = experience(
        &app,
        &me,
        "Two",
        "INDEPENDENT_CONSULTING",
        "2017-01-01",
        Some("2018-12-31"),
    )
    .await;
    let engagement = id(
        &mutate(
            &app,
            &me,
            "createEngagement",
            json!({ "experienceId": two, "client": "C" }),
            "engagement { id }",
        )
        .await,
        "engagement",
    );
    assert_eq!(
        refused(
            &app,
            &me,
            "createBullet",
            json!({ "experienceId": one, "engagementId": engagement, "text": "t" })
        )
        .await,
        ("BAD_USER_INPUT".to_owned(), Some("engagementId".to_owned()))
    );
    let made = mutate(
        &app,
        &me,
        "createBullet",
        json!({ "experienceId": two, "engagementId": engagement, "text": "t" }),
        "bullet { engagementId }",
    )
    .await;
    assert_eq!(made["bullet"]["engagementId"], engagement.as_str());
    let listed = app
        .ok(
            "query($id: ID!) { node(id: $id) { ... on Engagement { bullets { totalCount } } } }",
            json!({ "id": engagement }),
            Some(&me.access_token),
        )
        .await;
    assert_eq!(listed["node"]["bullets"]["totalCount"], 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn education_and_strengths() {
    let app = TestApp::new().await;
    let me = app.sign_up("edu@example.com").await;
    let made = mutate(
        &app,
        &me,
        "createEducation",
        json!({ "institutionName": "MIT", "degree": "BSc", "fieldOfStudy": "CS", "gpa": 3.9, "startDate": "2008-09-01", "endDate": "2012-06-30" }),
        "education { id gpa degree }",
    )
    .await;
    assert_eq!(made["education"]["gpa"], 3.9);
    let edu = id(&made, "education");
    for (field, value) in [
        ("gpa", json!(10.5)),
        ("institutionName", json!("")),
        ("endDate", json!("2000-01-01")),
    ] {
        let mut bad = json!({ "institutionName": "X", "startDate": "2008-09-01" });
        bad[field] = value;
        assert_eq!(
            refused(&app, &me, "createEducation", bad).await,
            ("BAD_USER_INPUT".to_owned(), Some(field.to_owned()))
        );
    }
    let updated = mutate(
        &app,
        &me,
        "updateEducation",
        json!({ "id": edu, "minor": "Math", "gpa": null }),
        "education { minor gpa }",
    )
    .await;
    assert_eq!(updated["education"], json!({ "minor": "Math", "gpa": null }));

    let strength = mutate(
        &app,
        &me,
        "createStrength",
        json!({ "name": "Calm under pressure" }),
        "strength { id name }",
    )
    .await;
    let strength_id = id(&strength, "strength");
    mutate(
        &app,
        &me,
        "updateStrength",
        json!({ "id": strength_id, "description": "Led 3 incident responses." }),
        "strength { description }",
    )
    .await;
    let listed = app
        .ok("{ viewer { education { totalCount edges { node { institutionName minor } } } strengths { edges { node { name description } } } } }", json!({}), Some(&me.access_token))
        .await;
    assert_eq!(
        listed["viewer"]["education"]["edges"][0]["node"],
        json!({ "institutionName": "MIT", "minor": "Math" })
    );
    assert_eq!(
        listed["viewer"]["strengths"]["edges"][0]["node"],
        json!({ "name": "Calm under pressure", "description": "Led 3 incident responses." })
    );
    mutate(&app, &me, "deleteEducation", json!({ "id": edu }), "deletedId").await;
    mutate(
        &app,
        &me,
        "deleteStrength",
        json!({ "id": strength_id }),
        "deletedId",
    )
    .await;
    let empty = app
        .ok(
            "{ viewer { education { totalCount } strengths { totalCount } } }",
            json!({}),
            Some(&me.access_token),
        )
        .await;
    assert_eq!(
        empty["viewer"],
        json!({ "education": { "totalCount": 0 }, "strengths": { "totalCount": 0 } })
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn pagination_is_stable_and_bounded() {
    let app = TestApp::new().await;
    let me = app.sign_up("page@example.com").await;
    let mut ids = Vec::new();
    for year in 2000..2007 {
        ids.push(
            experience(
                &app,
                &me,
                &format!("Co{year}"),
                "FULL_TIME",
                &format!("{year}-01-01"),
                Some(&format!("{year}-12-31")),
            )
            .await,
        );
    }
    let page = |vars: Value| {
        let app = &app;
        let token = me.access_token.clone();
        async move { app.ok(EXPERIENCES, vars, Some(&token)).await }
    };
    let first = page(json!({ "first": 3 })).await;
    assert_eq!(names(&first), ["Co2000", "Co2001", "Co2002"]);
    let info = &connection(&first)["pageInfo"];
    assert_eq!(
        (info["hasNextPage"].clone(), info["hasPreviousPage"].clone()),
        (json!(true), json!(false))
    );
    assert_eq!(connection(&first)["totalCount"], 7);
    let cursor = info["endCursor"].as_str().unwrap_or_default().to_owned();

    // Moving an item that is before the cursor does not shift the next page.
    mutate(
        &app,
        &me,
        "reorderExperiences",
        json!({ "ids": [ids[1], ids[0], ids[2], ids[3], ids[4], ids[5], ids[6]] }),
        "orderedIds",
    )
    .await;
    mutate(
        &app,
        &me,
        "deleteExperience",
        json!({ "id": ids[0] }),
        "deletedId",
    )
    .await;
    let second = page(json!({ "first": 3, "after": cursor })).await;
    assert_eq!(names(&second), ["Co2003", "Co2004", "Co2005"]);
    let info = &connection(&second)["pageInfo"];
    assert_eq!(
        (info["hasNextPage"].clone(), info["hasPreviousPage"].clone()),
        (json!(true), json!(true))
    );

    let last = page(json!({ "last": 2 })).await;
    assert_eq!(names(&last), ["Co2005", "Co2006"]);
    let before = connection(&last)["pageInfo"]["startCursor"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let previous = page(json!({ "last": 2, "before": before })).await;
    assert_eq!(names(&previous), ["Co2003", "Co2004"]);

    for (vars, field) in [
        (json!({ "first": 101 }), "first"),
        (json!({ "last": -1 }), "last"),
        (json!({ "after": "nope" }), "after"),
    ] {
        let response = app.gql(EXPERIENCES, vars, Some(&me.access_token)).await;
        assert_eq!(
            only_error(&response),
            ("BAD_USER_INPUT".to_owned(), Some(field.to_owned()))
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn nested_first_pages_stop_at_first_and_count_only_when_asked() {
    let app = TestApp::new().await;
    let me = app.sign_up("nested-pages@example.com").await;
    let three = experience(&app, &me, "Three", "FULL_TIME", "2019-01-01", None).await;
    let one = experience(&app, &me, "One", "FULL_TIME", "2018-01-01", Some("2018-12-31")).await;
    experience(&app, &me, "None", "FULL_TIME", "2017-01-01", Some("2017-12-31")).await;
    for (parent, text) in [(&three, "a1"), (&three, "a2"), (&three, "a3"), (&one, "b1")] {
        mutate(
            &app,
            &me,
            "createBullet",
            json!({ "experienceId": parent, "text": text }),
            "bullet { id }",
        )
        .await;
    }
    let tree = |first: i64, counted: bool| {
        format!(
            "{{ viewer {{ profile {{ technicalReview {{ experiences(orderBy: START_DATE_DESC) {{ edges {{ node {{
               bullets(first: {first}) {{ {} pageInfo {{ hasNextPage hasPreviousPage }} edges {{ node {{ text }} }} }}
             }} }} }} }} }} }} }}",
            if counted { "totalCount" } else { "" }
        )
    };
    let bullets = |response: &Value| -> Vec<Value> {
        connection(response)["edges"]
            .as_array()
            .map(|edges| edges.iter().map(|edge| edge["node"]["bullets"].clone()).collect())
            .unwrap_or_default()
    };
    let texts = |page: &Value| -> Vec<String> {
        page["edges"]
            .as_array()
            .map(|edges| {
                edges
                    .iter()
                    .map(|e| e["node"]["text"].as_str().unwrap_or_default().to_owned())
                    .collect()
            })
            .unwrap_or_default()
    };

    let counted = app.ok(&tree(2, true), json!({}), Some(&me.access_token)).await;
    let pages = bullets(&counted);
    assert_eq!(
        pages.iter().map(texts).collect::<Vec<_>>(),
        [vec!["a1", "a2"], vec!["b1"], vec![]]
    );
    assert_eq!(
        pages.iter().map(|p| p["totalCount"].clone()).collect::<Vec<_>>(),
        [json!(3), json!(1), json!(0)]
    );
    assert_eq!(
        pages
            .iter()
            .map(|p| p["pageInfo"]["hasNextPage"].clone())
            .collect::<Vec<_>>(),
        [json!(true), json!(false), json!(false)]
    );
    assert!(
        pages
            .iter()
            .all(|p| p["pageInfo"]["hasPreviousPage"] == json!(false))
    );

    // An empty first page still says whether items follow.
    let empty = app.ok(&tree(0, true), json!({}), Some(&me.access_token)).await;
    let pages = bullets(&empty);
    assert!(pages.iter().all(|p| texts(p).is_empty()));
    assert_eq!(
        pages
            .iter()
            .map(|p| p["pageInfo"]["hasNextPage"].clone())
            .collect::<Vec<_>>(),
        [json!(true), json!(true), json!(false)]
    );
    assert_eq!(
        pages.iter().map(|p| p["totalCount"].clone()).collect::<Vec<_>>(),
        [json!(3), json!(1), json!(0)]
    );

    // The count is one more statement for the whole level, and only when selected.
    let plain = app
        .statements_for(&tree(2, false), json!({}), Some(&me.access_token))
        .await;
    let with_count = app
        .statements_for(&tree(2, true), json!({}), Some(&me.access_token))
        .await;
    assert_eq!(
        with_count,
        plain + 1,
        "{plain} statements without totalCount, {with_count} with"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn create_payloads_carry_the_new_edge_of_their_list() {
    let app = TestApp::new().await;
    let me = app.sign_up("edges@example.com").await;
    let created = mutate(
        &app,
        &me,
        "createExperience",
        json!({ "companyName": "Initech", "jobTitle": "Engineer", "employmentType": "FULL_TIME", "startDate": "2020-01-01" }),
        "experience { id } experienceEdge { cursor node { id } }",
    )
    .await;
    assert_eq!(
        created["experienceEdge"]["node"]["id"],
        created["experience"]["id"]
    );
    let experience = id(&created, "experience");
    let bullet = |text: &'static str| {
        let (app, me, experience) = (&app, &me, experience.clone());
        async move {
            mutate(
                app,
                me,
                "createBullet",
                json!({ "experienceId": experience, "text": text }),
                "bulletEdge { cursor node { id text } }",
            )
            .await["bulletEdge"]
                .clone()
        }
    };
    let (one, two) = (bullet("One").await, bullet("Two").await);
    assert_eq!(one["node"]["text"], "One");

    // The edge's cursor is the one the list gives the same item: paging after it goes on
    // from there, as Relay's `@appendEdge` assumes.
    let list = app
        .ok(
            "query($id: ID!, $after: String) { node(id: $id) { ... on Experience {
               all: bullets { edges { cursor node { id } } }
               rest: bullets(after: $after) { edges { cursor node { text } } } } } }",
            json!({ "id": experience, "after": one["cursor"] }),
            Some(&me.access_token),
        )
        .await;
    assert_eq!(
        list["node"]["all"]["edges"],
        json!([
            { "cursor": one["cursor"], "node": { "id": one["node"]["id"] } },
            { "cursor": two["cursor"], "node": { "id": two["node"]["id"] } },
        ])
    );
    assert_eq!(
        list["node"]["rest"]["edges"],
        json!([{ "cursor": two["cursor"], "node": { "text": "Two" } }])
    );

    let posting = mutate(
        &app,
        &me,
        "createJobPosting",
        json!({ "companyName": "Globex", "jobTitle": "Staff Engineer", "description": "Rust" }),
        "jobPosting { id } jobPostingEdge { cursor node { id } }",
    )
    .await;
    assert_eq!(
        posting["jobPostingEdge"]["node"]["id"],
        posting["jobPosting"]["id"]
    );
    let application = mutate(
        &app,
        &me,
        "createApplication",
        json!({ "jobPostingId": posting["jobPosting"]["id"] }),
        "applicationEdge { cursor node { id } }",
    )
    .await;
    let listed = app
        .ok(
            "{ viewer { jobPostings { edges { cursor } } applications { edges { cursor node { id } } } } }",
            json!({}),
            Some(&me.access_token),
        )
        .await;
    assert_eq!(
        listed["viewer"]["jobPostings"]["edges"][0]["cursor"],
        posting["jobPostingEdge"]["cursor"]
    );
    assert_eq!(
        listed["viewer"]["applications"]["edges"][0],
        application["applicationEdge"]
    );
}
