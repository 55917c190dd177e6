//! Correctness across users and under concurrency (issue #20): the skill catalog is not a
//! shared write surface, a failed link leaves no catalog skill behind, positions come from the
//! database, the consulting-engagement rule holds under a race, and owned rows cannot hang
//! under another user's parent.
//!
//! The races are forced, not hoped for: a transaction is held open directly on the database
//! while a request runs, and released only once the request is seen waiting for its lock (or
//! has finished, which is what the code before these fixes did).

use std::time::{Duration, Instant};

use diesel::result::{DatabaseErrorKind, Error as DieselError};
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl, SimpleAsyncConnection};
use serde_json::{Value, json};

use crate::career::{experience, input_type, mutate, refused};
use crate::support::{Account, TestApp, codes, only_error};

async fn connect(app: &TestApp) -> AsyncPgConnection {
    AsyncPgConnection::establish(&app.database_url)
        .await
        .expect("a direct connection to the test database")
}

async fn count(conn: &mut AsyncPgConnection, sql: &str) -> i64 {
    diesel::select(diesel::dsl::sql::<diesel::sql_types::BigInt>(&format!("({sql})")))
        .get_result(conn)
        .await
        .expect("a count")
}

/// Waits until some session of the test database waits for a lock, or `request` has finished.
async fn until_blocked_or_done<T>(conn: &mut AsyncPgConnection, request: &tokio::task::JoinHandle<T>) {
    let deadline = Instant::now() + Duration::from_secs(20);
    while !request.is_finished() {
        let waiting = count(
            conn,
            "select count(*) from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'",
        )
        .await;
        if waiting > 0 {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "the request neither waited nor finished"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// Runs `mutation { name(input:) { selection } }` as `who` in a task of its own, through the
/// same router (and connection pool); the response.
fn spawn_mutation(
    app: &TestApp,
    who: &Account,
    name: &str,
    input: Value,
    selection: &str,
) -> tokio::task::JoinHandle<Value> {
    let app = TestApp {
        router: app.router.clone(),
        statements: app.statements.clone(),
        database_url: app.database_url.clone(),
    };
    let token = who.access_token.clone();
    let query = format!(
        "mutation($input: {}Input!) {{ {name}(input: $input) {{ {selection} }} }}",
        input_type(name)
    );
    tokio::spawn(async move { app.gql(&query, json!({ "input": input }), Some(&token)).await })
}

fn posting_skill_names(payload: &Value) -> Vec<String> {
    let mut names: Vec<String> = payload["jobPosting"]["skills"]["edges"]
        .as_array()
        .map(|edges| {
            edges
                .iter()
                .filter_map(|e| e["node"]["skill"]["name"].as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}

async fn save_posting(app: &TestApp, who: &Account, description: &str) -> Value {
    mutate(
        app,
        who,
        "createJobPosting",
        json!({ "companyName": "Crew", "jobTitle": "Engineer", "description": description }),
        "jobPosting { id skills { edges { node { skill { id name } } } } }",
    )
    .await
}

const TEAM_POSTING: &str = "Join the team and write Rust.";

const SEARCH: &str =
    "query($search: String) { skills(search: $search, first: 100) { edges { node { id name isPrivate } } } }";

fn search_hits(response: &Value) -> Vec<(String, String)> {
    response["skills"]["edges"]
        .as_array()
        .map(|edges| {
            edges
                .iter()
                .map(|e| {
                    (
                        e["node"]["id"].as_str().unwrap_or_default().to_owned(),
                        e["node"]["name"].as_str().unwrap_or_default().to_owned(),
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

const NODE: &str = "query($id: ID!) { node(id: $id) { id ... on Skill { name isPrivate } } }";

async fn make_admin(app: &TestApp, email: &str) {
    let mut conn = connect(app).await;
    conn.batch_execute(&format!(
        "update users set role = 'admin' where email = '{email}'"
    ))
    .await
    .expect("the user is made an admin");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_skill_a_user_adds_is_theirs_until_an_admin_promotes_it() {
    let app = TestApp::new().await;
    let alice = app.sign_up("alice@example.com").await;
    let bob = app.sign_up("bob@example.com").await;
    let carol = app.sign_up("carol@example.com").await;
    let admin = app.sign_up("admin@example.com").await;

    let added = mutate(
        &app,
        &alice,
        "addSkill",
        json!({ "name": "Team", "category": "SOFT" }),
        "created skill { id name isPrivate userAdded }",
    )
    .await;
    assert_eq!(added["created"], true, "{added}");
    assert_eq!(added["skill"]["isPrivate"], true);
    let team = added["skill"]["id"].as_str().expect("the skill's id").to_owned();

    // Bob's posting is read against the shared catalog only.
    let bobs = save_posting(&app, &bob, TEAM_POSTING).await;
    assert_eq!(posting_skill_names(&bobs), ["Rust"], "{bobs}");
    let bobs_posting = bobs["jobPosting"]["id"].as_str().expect("posting id").to_owned();

    // Bob can neither find Alice's skill nor reach it by id.
    let found = app
        .ok(SEARCH, json!({ "search": "team" }), Some(&bob.access_token))
        .await;
    assert!(
        search_hits(&found)
            .iter()
            .all(|(id, name)| *id != team && name != "Team"),
        "{found}"
    );
    let by_id = app
        .gql(NODE, json!({ "id": team }), Some(&bob.access_token))
        .await;
    assert_eq!(codes(&by_id), ["NOT_FOUND"], "{by_id}");
    let many = app
        .ok(
            "query($ids: [ID!]!) { nodes(ids: $ids) { id } }",
            json!({ "ids": [team] }),
            Some(&bob.access_token),
        )
        .await;
    assert_eq!(many["nodes"], json!([null]));
    // Nor use it in a record of his, nor learn that it exists by removing it from a posting.
    assert_eq!(
        refused(&app, &bob, "setCandidateSkill", json!({ "skillId": team }))
            .await
            .0,
        "NOT_FOUND"
    );
    assert_eq!(
        refused(
            &app,
            &bob,
            "removeJobPostingSkill",
            json!({ "jobPostingId": bobs_posting, "skillId": team })
        )
        .await
        .0,
        "NOT_FOUND"
    );

    // Alice sees it, and her postings are read against it.
    let hers = app
        .ok(SEARCH, json!({ "search": "team" }), Some(&alice.access_token))
        .await;
    assert!(
        search_hits(&hers).contains(&(team.clone(), "Team".to_owned())),
        "{hers}"
    );
    let node = app
        .ok(NODE, json!({ "id": team }), Some(&alice.access_token))
        .await;
    assert_eq!(node["node"]["name"], "Team");
    assert_eq!(
        posting_skill_names(&save_posting(&app, &alice, TEAM_POSTING).await),
        ["Rust", "Team"]
    );

    // Names are unique per owner: Carol adds her own "Team" and uses it.
    let carols = mutate(
        &app,
        &carol,
        "addSkill",
        json!({ "name": "team", "category": "SOFT" }),
        "created skill { id }",
    )
    .await;
    assert_eq!(carols["created"], true, "{carols}");
    let carols_team = carols["skill"]["id"].as_str().expect("id").to_owned();
    assert_ne!(carols_team, team);
    let claimed = mutate(
        &app,
        &carol,
        "setCandidateSkill",
        json!({ "skillName": "Team", "proficiency": "EXPERT" }),
        "candidateSkill { skill { id } }",
    )
    .await;
    assert_eq!(claimed["candidateSkill"]["skill"]["id"], carols_team.as_str());

    // Only a platform admin promotes.
    let promote = "mutation($input: PromoteSkillInput!) { promoteSkill(input: $input) { skill { id name isPrivate } } }";
    let denied = app
        .gql(
            promote,
            json!({ "input": { "skillId": team } }),
            Some(&bob.access_token),
        )
        .await;
    assert_eq!(only_error(&denied).0, "FORBIDDEN", "{denied}");
    let denied = app
        .gql(
            promote,
            json!({ "input": { "skillId": team } }),
            Some(&alice.access_token),
        )
        .await;
    assert_eq!(only_error(&denied).0, "FORBIDDEN", "{denied}");

    make_admin(&app, "admin@example.com").await;
    let promoted = app
        .ok(
            promote,
            json!({ "input": { "skillId": team } }),
            Some(&admin.access_token),
        )
        .await;
    assert_eq!(
        promoted["promoteSkill"]["skill"],
        json!({ "id": team, "name": "Team", "isPrivate": false })
    );

    // Now it is everyone's: found in Bob's new postings, visible to him.
    let later = save_posting(&app, &bob, TEAM_POSTING).await;
    assert_eq!(posting_skill_names(&later), ["Rust", "Team"], "{later}");
    let node = app.ok(NODE, json!({ "id": team }), Some(&bob.access_token)).await;
    assert_eq!(node["node"]["isPrivate"], false);
    let again = mutate(
        &app,
        &bob,
        "addSkill",
        json!({ "name": "TEAM", "category": "SOFT" }),
        "created skill { id }",
    )
    .await;
    assert_eq!(again["skill"]["id"], team.as_str());
    assert_eq!(again["created"], false);

    // Carol's private "Team" no longer shadows the shared one: it was merged into it.
    let carols_search = app
        .ok(SEARCH, json!({ "search": "team" }), Some(&carol.access_token))
        .await;
    let teams: Vec<_> = search_hits(&carols_search)
        .into_iter()
        .filter(|(_, name)| name.eq_ignore_ascii_case("team"))
        .collect();
    assert_eq!(teams, [(team.clone(), "Team".to_owned())]);
    let claims = app
        .ok(
            "{ viewer { skills { edges { node { proficiency skill { id } } } } } }",
            json!({}),
            Some(&carol.access_token),
        )
        .await;
    assert_eq!(
        claims["viewer"]["skills"]["edges"],
        json!([{ "node": { "proficiency": "EXPERT", "skill": { "id": team } } }])
    );
    let gone = app
        .gql(NODE, json!({ "id": carols_team }), Some(&carol.access_token))
        .await;
    assert_eq!(codes(&gone), ["NOT_FOUND"]);
}

/// Holds `delete_sql` open in a transaction while `name` links a new skill named `skill` to
/// the row being deleted, then commits it: the link fails, and must take the skill with it.
async fn link_fails_under_a_delete(
    app: &TestApp,
    who: &Account,
    delete_sql: &str,
    name: &str,
    input: Value,
    skill: &str,
) {
    let mut conn = connect(app).await;
    conn.batch_execute(&format!("begin; {delete_sql}"))
        .await
        .expect("the delete starts");
    let request = spawn_mutation(app, who, name, input, "__typename");
    until_blocked_or_done(&mut conn, &request).await;
    conn.batch_execute("commit").await.expect("the delete commits");
    let response = request.await.expect("the request task");
    assert_eq!(only_error(&response).0, "NOT_FOUND", "{name}: {response}");
    let left = count(
        &mut conn,
        &format!("select count(*) from skills where normalized_name = '{skill}'"),
    )
    .await;
    assert_eq!(left, 0, "{name} left the skill `{skill}` behind");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_failed_link_leaves_no_catalog_skill_behind() {
    let app = TestApp::new().await;
    let me = app.sign_up("orphans@example.com").await;
    let other = app.sign_up("other@example.com").await;
    let theirs = experience(&app, &other, "Theirs", "FULL_TIME", "2019-01-01", None).await;
    let mut conn = connect(&app).await;
    let skills_before = count(&mut conn, "select count(*) from skills").await;

    // Refused before anything is written: another user's experience, a proficiency out of range.
    assert_eq!(
        refused(
            &app,
            &me,
            "setExperienceSkill",
            json!({ "experienceId": theirs, "skillName": "Orphan One" })
        )
        .await
        .0,
        "NOT_FOUND"
    );
    assert_eq!(
        refused(
            &app,
            &me,
            "setCandidateSkill",
            json!({ "skillName": "Orphan Two", "yearsExperience": 99 })
        )
        .await
        .0,
        "BAD_USER_INPUT"
    );
    assert_eq!(
        count(&mut conn, "select count(*) from skills").await,
        skills_before
    );

    // Refused by the link itself: its parent goes away while the link is being written.
    let doomed = experience(&app, &me, "Doomed", "FULL_TIME", "2019-01-01", None).await;
    link_fails_under_a_delete(
        &app,
        &me,
        "delete from experiences where company_name = 'Doomed'",
        "setExperienceSkill",
        json!({ "experienceId": doomed, "skillName": "Orphan Three" }),
        "orphan three",
    )
    .await;

    let project = mutate(
        &app,
        &me,
        "createProject",
        json!({ "name": "Gone" }),
        "project { id }",
    )
    .await;
    let project = project["project"]["id"].as_str().expect("project id").to_owned();
    link_fails_under_a_delete(
        &app,
        &me,
        "delete from projects where name = 'Gone'",
        "addProjectSkill",
        json!({ "projectId": project, "skillName": "Orphan Four" }),
        "orphan four",
    )
    .await;

    let posting = save_posting(&app, &me, "Plain text.").await;
    let posting = posting["jobPosting"]["id"]
        .as_str()
        .expect("posting id")
        .to_owned();
    link_fails_under_a_delete(
        &app,
        &me,
        "delete from job_postings where description = 'Plain text.'",
        "setJobPostingSkill",
        json!({ "jobPostingId": posting, "skillName": "Orphan Five", "importance": "MUST_HAVE" }),
        "orphan five",
    )
    .await;
    assert_eq!(
        count(&mut conn, "select count(*) from skills").await,
        skills_before
    );
}

fn sort_orders(responses: &[Value], object: &str) -> Vec<i64> {
    let mut orders: Vec<i64> = responses
        .iter()
        .map(|r| r[object]["sortOrder"].as_i64().unwrap_or(-1))
        .collect();
    orders.sort_unstable();
    orders
}

#[tokio::test(flavor = "multi_thread")]
async fn concurrent_creates_get_distinct_positions() {
    let app = TestApp::new().await;
    let me = app.sign_up("positions@example.com").await;
    let parent = experience(&app, &me, "Busy", "FULL_TIME", "2019-01-01", None).await;
    let bullets: Vec<_> = (0..16)
        .map(|n| {
            spawn_mutation(
                &app,
                &me,
                "createBullet",
                json!({ "experienceId": parent, "text": format!("Bullet {n}") }),
                "bullet { sortOrder }",
            )
        })
        .collect();
    let mut responses = Vec::new();
    for request in bullets {
        let response = request.await.expect("the request task");
        assert!(response.get("errors").is_none(), "{response}");
        responses.push(response["data"]["createBullet"].clone());
    }
    assert_eq!(sort_orders(&responses, "bullet"), (0..16).collect::<Vec<_>>());

    // Experiences are ordered per user: one already exists, so these take 1 to 16.
    let experiences: Vec<_> = (0..16)
        .map(|n| {
            spawn_mutation(
                &app,
                &me,
                "createExperience",
                json!({ "companyName": format!("Co {n}"), "jobTitle": "Engineer", "employmentType": "FULL_TIME", "startDate": "2020-01-01" }),
                "experience { sortOrder }",
            )
        })
        .collect();
    let mut responses = Vec::new();
    for request in experiences {
        let response = request.await.expect("the request task");
        assert!(response.get("errors").is_none(), "{response}");
        responses.push(response["data"]["createExperience"].clone());
    }
    assert_eq!(sort_orders(&responses, "experience"), (1..17).collect::<Vec<_>>());
}

#[tokio::test(flavor = "multi_thread")]
async fn engagements_stay_under_consulting_experiences_under_a_race() {
    let app = TestApp::new().await;
    let me = app.sign_up("race@example.com").await;
    let mut conn = connect(&app).await;

    // The experience stops being consulting while an engagement is being created under it.
    let first = experience(
        &app,
        &me,
        "First Ltd",
        "INDEPENDENT_CONSULTING",
        "2019-01-01",
        None,
    )
    .await;
    conn.batch_execute(
        "begin; update experiences set employment_type = 'full_time' where company_name = 'First Ltd'",
    )
    .await
    .expect("the type change starts");
    let request = spawn_mutation(
        &app,
        &me,
        "createEngagement",
        json!({ "experienceId": first, "client": "Bank" }),
        "engagement { id }",
    );
    until_blocked_or_done(&mut conn, &request).await;
    conn.batch_execute("commit")
        .await
        .expect("the type change commits");
    let response = request.await.expect("the request task");
    assert_eq!(
        only_error(&response),
        ("BAD_USER_INPUT".to_owned(), Some("experienceId".to_owned())),
        "{response}"
    );

    // An engagement is being created while the experience's type is changed.
    let second = experience(
        &app,
        &me,
        "Second Ltd",
        "INDEPENDENT_CONSULTING",
        "2019-01-01",
        None,
    )
    .await;
    conn.batch_execute(
        "begin;
         insert into engagements (id, user_id, experience_id, client)
           select gen_random_uuid(), user_id, id, 'Insurer' from experiences where company_name = 'Second Ltd'",
    )
    .await
    .expect("the engagement insert starts");
    let request = spawn_mutation(
        &app,
        &me,
        "updateExperience",
        json!({ "id": second, "employmentType": "FULL_TIME" }),
        "experience { employmentType }",
    );
    until_blocked_or_done(&mut conn, &request).await;
    conn.batch_execute("commit").await.expect("the insert commits");
    let response = request.await.expect("the request task");
    assert_eq!(
        only_error(&response),
        ("BAD_USER_INPUT".to_owned(), Some("employmentType".to_owned())),
        "{response}"
    );

    assert_eq!(
        count(
            &mut conn,
            "select count(*) from engagements g join experiences e on e.id = g.experience_id
             where e.employment_type <> 'independent_consulting'",
        )
        .await,
        0
    );

    // The database itself refuses either state, whoever writes.
    for sql in [
        "update experiences set employment_type = 'contract' where company_name = 'Second Ltd'",
        "insert into engagements (id, user_id, experience_id)
           select gen_random_uuid(), user_id, id from experiences where company_name = 'First Ltd'",
    ] {
        let refused = conn.batch_execute(sql).await;
        assert!(
            matches!(
                refused,
                Err(DieselError::DatabaseError(DatabaseErrorKind::CheckViolation, _))
            ),
            "{sql}: {refused:?}"
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn owned_rows_cannot_hang_under_another_users_parent() {
    let app = TestApp::new().await;
    let alice = app.sign_up("alice.fk@example.com").await;
    app.sign_up("bob.fk@example.com").await;
    let job = experience(&app, &alice, "Acme", "FULL_TIME", "2019-01-01", None).await;
    mutate(
        &app,
        &alice,
        "createBullet",
        json!({ "experienceId": job, "text": "Alice's bullet" }),
        "bullet { id }",
    )
    .await;
    mutate(
        &app,
        &alice,
        "createProject",
        json!({ "name": "Alice's project" }),
        "project { id }",
    )
    .await;
    let mut conn = connect(&app).await;

    let cases = [
        (
            "bullet_versions",
            "insert into bullet_versions (id, user_id, bullet_id, text)
               select gen_random_uuid(), u.id, b.id, 'old text'
               from bullets b, users u where b.text = 'Alice''s bullet' and u.email = '{email}'",
        ),
        (
            "project_skills",
            "insert into project_skills (project_id, skill_id, user_id)
               select p.id, s.id, u.id
               from projects p, skills s, users u
               where p.name = 'Alice''s project' and s.name = 'Rust' and u.email = '{email}'",
        ),
        (
            "mbti_profiles",
            "insert into mbti_profiles (id, user_id, profile_id, mbti_type, manually_overridden)
               select gen_random_uuid(), u.id, p.id, 'INTJ', true
               from candidate_profiles p join users a on a.id = p.user_id, users u
               where a.email = 'alice.fk@example.com' and u.email = '{email}'",
        ),
    ];
    for (table, sql) in cases {
        let refused = conn
            .batch_execute(&sql.replace("{email}", "bob.fk@example.com"))
            .await;
        assert!(
            matches!(
                refused,
                Err(DieselError::DatabaseError(
                    DatabaseErrorKind::ForeignKeyViolation,
                    _
                ))
            ),
            "{table}: a row of Bob's under Alice's parent: {refused:?}"
        );
        // The same row with the parent's owner is fine: the owner is what was refused.
        conn.batch_execute(&sql.replace("{email}", "alice.fk@example.com"))
            .await
            .unwrap_or_else(|e| panic!("{table}: {e}"));
    }
    assert_eq!(
        count(
            &mut conn,
            "select (select count(*) from bullet_versions) + (select count(*) from project_skills)
                    + (select count(*) from mbti_profiles)",
        )
        .await,
        3
    );
}
