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

async fn record(app: &TestApp, number: usize) -> Value {
    let input = json!({ "input": { "email": careergraph::seed::email(7, number), "password": careergraph::seed::PASSWORD } });
    let signed_in = app.ok(SIGN_IN, input, None).await;
    let token = signed_in["signIn"]["accessToken"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
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
