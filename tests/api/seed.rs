//! `careergraph seed`: deterministic, complete records that sign in and query like any other.

use careergraph::db::{self, StatementCounter};
use serde_json::{Value, json};

use crate::support::{TestApp, fresh_database};

const SIGN_IN: &str = "mutation($input: CredentialsInput!) { signIn(input: $input) { accessToken } }";
const RECORD: &str = "{ viewer { profile { fullName mbti { type } technicalReview { experiences(first: 50) { totalCount edges { node { companyName
  bullets { totalCount } projects { totalCount } starStories { totalCount } } } } skillMatrix { monthsUsed } } }
  skills { totalCount } jobPostings(first: 50) { totalCount edges { node { skills { totalCount } application { status history { toStatus } latestCv { version } } } } } } }";

async fn seeded(database_url: &str, users: usize) -> careergraph::seed::SeedReport {
    let pool = db::pool(database_url, 2, StatementCounter::default()).unwrap_or_else(|e| panic!("{e}"));
    careergraph::seed::seed(&pool, users, 7, |_| {})
        .await
        .unwrap_or_else(|e| panic!("{e:#}"))
}

async fn sign_in(app: &TestApp, number: usize) -> String {
    let input = json!({ "input": { "email": careergraph::seed::email(7, number), "password": careergraph::seed::PASSWORD } });
    let signed_in = app.ok(SIGN_IN, input, None).await;
    signed_in["signIn"]["accessToken"]
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

async fn record(app: &TestApp, number: usize) -> Value {
    let token = sign_in(app, number).await;
    app.ok(RECORD, json!({}), Some(&token)).await
}

#[tokio::test(flavor = "multi_thread")]
async fn seeded_users_sign_in_to_complete_deterministic_records() {
    let first = fresh_database().await;
    let report = seeded(&first, 3).await;
    assert_eq!(report.users, 3);
    assert_eq!(seeded(&first, 3).await.users, 0, "a second run added users again");

    let app = TestApp::on(&first, &[]);
    let data = record(&app, 0).await;
    let review = &data["viewer"]["profile"]["technicalReview"];
    let experiences = review["experiences"]["totalCount"].as_i64().unwrap_or_default();
    assert!((5..=15).contains(&experiences), "{experiences} experiences");
    for edge in review["experiences"]["edges"].as_array().into_iter().flatten() {
        let count = |field: &str| edge["node"][field]["totalCount"].as_i64().unwrap_or_default();
        assert!(
            (3..=8).contains(&count("bullets"))
                && (1..=5).contains(&count("projects"))
                && (1..=4).contains(&count("starStories"))
        );
    }
    assert!(data["viewer"]["profile"]["mbti"]["type"].is_string());
    assert!(review["skillMatrix"].as_array().is_some_and(|m| !m.is_empty()));
    let skills = data["viewer"]["skills"]["totalCount"]
        .as_i64()
        .unwrap_or_default();
    assert!((10..=40).contains(&skills), "{skills} skills");
    let postings = data["viewer"]["jobPostings"]["edges"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert!((5..=30).contains(&postings.len()));
    assert!(
        postings
            .iter()
            .all(|p| p["node"]["skills"]["totalCount"].as_i64().unwrap_or_default() >= 3)
    );
    let applications: Vec<&Value> = postings
        .iter()
        .map(|p| &p["node"]["application"])
        .filter(|a| !a.is_null())
        .collect();
    assert!(!applications.is_empty());
    for application in applications {
        let history = application["history"].as_array().cloned().unwrap_or_default();
        assert_eq!(
            history.first().map(|e| e["toStatus"].clone()),
            Some(json!("DRAFT"))
        );
        assert_eq!(
            history.last().map(|e| e["toStatus"].clone()),
            Some(application["status"].clone())
        );
    }

    // The same seed gives the same records in another database.
    let second = fresh_database().await;
    seeded(&second, 1).await;
    let again = record(&TestApp::on(&second, &[]), 0).await;
    let names = |d: &Value| d["viewer"]["profile"]["technicalReview"]["experiences"]["edges"].to_string();
    assert_eq!(names(&again), names(&data));
    assert_eq!(
        again["viewer"]["profile"]["fullName"],
        data["viewer"]["profile"]["fullName"]
    );
}

/// The benchmark's workloads (bench/workloads) are the queries an SPA sends; they must keep
/// answering, with data and at a cost that does not depend on the record's size.
#[tokio::test(flavor = "multi_thread")]
async fn bench_workloads_answer_on_seeded_records() {
    const PROFILE: &str = include_str!("../../bench/workloads/profile.graphql");
    const DASHBOARD: &str = include_str!("../../bench/workloads/dashboard.graphql");
    const MATCHES: &str = include_str!("../../bench/workloads/matches.graphql");
    const CREATE_BULLET: &str = include_str!("../../bench/workloads/create-bullet.graphql");
    const TRANSITION: &str = include_str!("../../bench/workloads/transition-application.graphql");
    let database = fresh_database().await;
    seeded(&database, 2).await;
    let app = TestApp::on(&database, &[]);
    let (first, second) = (sign_in(&app, 0).await, sign_in(&app, 1).await);

    let profile = app.ok(PROFILE, json!({}), Some(&first)).await;
    let experiences = profile["viewer"]["profile"]["technicalReview"]["experiences"]["edges"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert!(!experiences.is_empty());
    assert!(
        experiences
            .iter()
            .all(|e| !e["node"]["bullets"]["edges"].as_array().is_none_or(Vec::is_empty))
    );
    let costs = [
        app.statements_for(PROFILE, json!({}), Some(&first)).await,
        app.statements_for(PROFILE, json!({}), Some(&second)).await,
    ];
    assert_eq!(costs[0], costs[1], "profile cost differs between records");

    let dashboard = app.ok(DASHBOARD, json!({}), Some(&first)).await;
    let applications = dashboard["viewer"]["applications"]["edges"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let movable = applications
        .iter()
        .find(|a| {
            a["node"]["allowedTransitions"]
                .as_array()
                .is_some_and(|t| !t.is_empty())
        })
        .map(|a| a["node"].clone())
        .unwrap_or_else(|| panic!("no application can move: {dashboard}"));
    assert!(
        applications
            .iter()
            .all(|a| a["node"]["fitScore"].is_i64() && a["node"]["jobPosting"]["jobTitle"].is_string())
    );

    let posting = &applications[0]["node"]["jobPosting"]["id"];
    let matches = app.ok(MATCHES, json!({ "posting": posting }), Some(&first)).await;
    assert_eq!(matches["node"]["id"], *posting);
    assert!(matches["node"]["skillGap"]["fitScore"].is_i64());
    assert!(
        !matches["node"]["skills"]["edges"]
            .as_array()
            .is_none_or(Vec::is_empty)
    );

    let experience = &experiences[0]["node"]["id"];
    let created = app
        .ok(
            CREATE_BULLET,
            json!({ "input": { "experienceId": experience, "text": "Cut p99 latency", "tags": ["bench"] } }),
            Some(&first),
        )
        .await;
    assert_eq!(created["createBullet"]["bullet"]["text"], "Cut p99 latency");
    let to = &movable["allowedTransitions"][0];
    let moved = app
        .ok(
            TRANSITION,
            json!({ "input": { "id": movable["id"], "to": to } }),
            Some(&first),
        )
        .await;
    assert_eq!(moved["transitionApplication"]["application"]["status"], *to);
    assert_eq!(moved["transitionApplication"]["event"]["toStatus"], *to);
}

#[tokio::test(flavor = "multi_thread")]
async fn the_seed_makes_the_hiring_side_once_in_every_role_status_and_stage() {
    use diesel::sql_types::BigInt;
    use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};

    #[derive(diesel::QueryableByName, Debug, PartialEq)]
    struct Counts {
        #[diesel(sql_type = BigInt)]
        organizations: i64,
        #[diesel(sql_type = BigInt)]
        roles: i64,
        #[diesel(sql_type = BigInt)]
        requisition_statuses: i64,
        #[diesel(sql_type = BigInt)]
        stages: i64,
        #[diesel(sql_type = BigInt)]
        applied_users: i64,
        #[diesel(sql_type = BigInt)]
        interview_statuses: i64,
        #[diesel(sql_type = BigInt)]
        final_feedback: i64,
        #[diesel(sql_type = BigInt)]
        notifications: i64,
        #[diesel(sql_type = BigInt)]
        invitations: i64,
    }
    const COUNTS: &str = "select
        (select count(*) from organizations) as organizations,
        (select count(distinct role) from organization_members) as roles,
        (select count(distinct status) from requisitions) as requisition_statuses,
        (select count(distinct stage) from candidacies) as stages,
        (select count(*) from candidates c join candidacies cy on cy.candidate_id = c.id
          where c.user_id is not null and cy.application_id is not null) as applied_users,
        (select count(distinct status) from interviews) as interview_statuses,
        (select count(*) from interview_feedback where is_final) as final_feedback,
        (select count(*) from notifications) as notifications,
        (select count(*) from organization_invitations where accepted_at is null) as invitations";

    let database = fresh_database().await;
    let report = seeded(&database, 3).await;
    assert_eq!(
        (
            report.organizations,
            report.requisitions,
            report.candidacies,
            report.interviews,
            report.feedback
        ),
        (2, 12, 16, 12, 8)
    );
    let mut conn = AsyncPgConnection::establish(&database)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let counts: Counts = diesel::sql_query(COUNTS)
        .get_result(&mut conn)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        counts,
        Counts {
            organizations: 2,
            roles: 3,
            requisition_statuses: 6,
            stages: 8,
            applied_users: 3,
            interview_statuses: 5,
            final_feedback: 6,
            notifications: report.notifications as i64,
            invitations: 2,
        }
    );
    // A second run adds nothing to the hiring side either.
    assert_eq!(seeded(&database, 3).await.organizations, 0);
    let again: Counts = diesel::sql_query(COUNTS)
        .get_result(&mut conn)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(again, counts);

    // Through the API: the first applicant reads their notifications (the oldest read) and
    // their mirrored application; the admin reads the pipeline of the open requisition.
    let app = TestApp::on(&database, &[]);
    let token = sign_in(&app, 0).await;
    let mine = app
        .ok(
            "{ viewer { unreadNotificationCount notifications { totalCount edges { node { notificationType isRead } } } } }",
            json!({}),
            Some(&token),
        )
        .await;
    let total = mine["viewer"]["notifications"]["totalCount"]
        .as_i64()
        .unwrap_or_default();
    assert!(total >= 2, "{mine}");
    assert_eq!(mine["viewer"]["unreadNotificationCount"], json!(total - 1));
    let input = json!({ "input": { "email": careergraph::seed::staff_email(7, 0, "admin"), "password": careergraph::seed::PASSWORD } });
    let admin = app.ok(SIGN_IN, input, None).await["signIn"]["accessToken"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let orgs = app
        .ok(
            "{ viewer { organizations { edges { node { role organization { slug } } } } } }",
            json!({}),
            Some(&admin),
        )
        .await;
    assert_eq!(
        orgs["viewer"]["organizations"]["edges"][0]["node"],
        json!({ "role": "ADMIN", "organization": { "slug": "seed7-org0" } })
    );
}
