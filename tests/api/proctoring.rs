//! Proctoring (#17 item 5): the test client posts events with the session's secret while the
//! session is open, and never after; the hiring team reads them, counts them by severity and
//! reviews them, as the role matrix allows; HIGH and CRITICAL events notify the assessment's
//! creator.

use serde_json::{Value, json};

use crate::assessments::{applications, assessment, count, exec, invite, start};
use crate::hiring::{Cast, call, cast, id, node_code};
use crate::notifications::inbox;
use crate::support::{Account, TestApp, codes, only_error};

async fn record(app: &TestApp, secret: &str, event: Value) -> Value {
    let mut input = event;
    input["sessionSecret"] = json!(secret);
    call(
        app,
        None,
        "recordProctoringEvent",
        "RecordProctoringEventInput",
        input,
        "event { eventType severity detectedAt durationSeconds }",
    )
    .await
}

/// A started session of a fresh assessment the recruiter created: (assessment, secret, the
/// session's question ids).
async fn open_session(app: &TestApp, cast: &Cast, email: &str) -> (String, String, Vec<Value>) {
    let (assessment, _) = assessment(app, cast, 30).await;
    let token = invite(app, &cast.recruiter, &assessment, email).await;
    let started = start(app, None, &token).await;
    let questions = started["data"]["startAssessment"]["session"]["questions"]
        .as_array()
        .expect("questions")
        .iter()
        .map(|q| q["questionId"].clone())
        .collect();
    (
        assessment,
        id(&started["data"]["startAssessment"]["sessionSecret"]),
        questions,
    )
}

/// The id of the assessment's only test session, as its admin reads it.
async fn session_id(app: &TestApp, cast: &Cast, assessment: &str) -> String {
    id(&applications(app, &cast.admin, assessment).await[0]["testSession"]["id"])
}

const EVENT: &str = "id eventType severity detectedAt durationSeconds question { id } snapshotUrl \
    metadata reviewed reviewedBy { role email } reviewedAt reviewerNotes flagged testSession { id }";

/// The session as `who` sees it: its summary and its events.
async fn proctoring(app: &TestApp, who: &Account, session: &str) -> Value {
    let query = format!(
        "query($id: ID!) {{ node(id: $id) {{ ... on TestSession {{ \
         proctoringSummary {{ total low medium high critical flagged unreviewed }} \
         proctoringEvents {{ {EVENT} }} }} }} }}"
    );
    app.ok(&query, json!({ "id": session }), Some(&who.access_token))
        .await["node"]
        .clone()
}

async fn review(app: &TestApp, who: Option<&Account>, input: Value) -> Value {
    call(
        app,
        who,
        "reviewProctoringEvent",
        "ReviewProctoringEventInput",
        input,
        &format!("proctoringEvent {{ {EVENT} }}"),
    )
    .await
}

/// The global id of a question that does not exist.
fn no_question() -> String {
    use base64::Engine;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode("Question:00000000-0000-7000-8000-000000000000")
}

/// `who`'s proctoring notifications, newest first: (priority, related type, title).
async fn alerts(app: &TestApp, who: &Account) -> Vec<(String, String, String)> {
    inbox(app, who)
        .await
        .into_iter()
        .filter(|n| n["notificationType"] == "PROCTORING")
        .map(|n| {
            let text = |key: &str| n[key].as_str().unwrap_or_default().to_owned();
            (text("priority"), text("relatedEntityType"), text("title"))
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn events_are_taken_while_the_session_is_open_counted_and_the_serious_ones_notified() {
    let app = TestApp::new().await;
    let cast = cast(&app, "proc").await;
    let (assessment, secret, questions) = open_session(&app, &cast, "watched@example.com").await;
    let events = [
        json!({ "eventType": "TAB_SWITCH", "severity": "LOW", "durationSeconds": 3, "questionId": questions[0] }),
        json!({ "eventType": "WINDOW_BLUR", "severity": "MEDIUM" }),
        json!({ "eventType": "MULTIPLE_FACES", "severity": "HIGH", "snapshotUrl": "https://cdn.example.com/s/1.jpg",
                "metadata": { "faces": 2 } }),
        json!({ "eventType": "NO_FACE", "severity": "CRITICAL", "durationSeconds": 40 }),
        json!({ "eventType": "COPY_PASTE", "severity": "LOW" }),
    ];
    for event in &events {
        let recorded = record(&app, &secret, event.clone()).await;
        assert!(recorded.get("errors").is_none(), "{recorded}");
        let echoed = &recorded["data"]["recordProctoringEvent"]["event"];
        assert_eq!(echoed["eventType"], event["eventType"]);
        assert_eq!(echoed["severity"], event["severity"]);
        assert!(echoed["detectedAt"].is_string(), "{echoed}");
    }

    // Refused, and nothing written: a question of no session, a time before the session or
    // in the future, metadata that is not an object, a duration out of range.
    let refusals = [
        (
            json!({ "eventType": "OTHER", "severity": "LOW", "detectedAt": "2001-01-01T00:00:00Z" }),
            "detectedAt",
        ),
        (
            json!({ "eventType": "OTHER", "severity": "LOW", "detectedAt": "2999-01-01T00:00:00Z" }),
            "detectedAt",
        ),
        (
            json!({ "eventType": "OTHER", "severity": "LOW", "metadata": [1, 2] }),
            "metadata",
        ),
        (
            json!({ "eventType": "OTHER", "severity": "LOW", "durationSeconds": -1 }),
            "durationSeconds",
        ),
    ];
    for (event, field) in refusals {
        let refused = record(&app, &secret, event).await;
        assert_eq!(
            only_error(&refused),
            ("BAD_USER_INPUT".to_owned(), Some(field.to_owned())),
            "{refused}"
        );
    }
    let unknown = record(
        &app,
        &secret,
        json!({ "eventType": "OTHER", "severity": "LOW",
                "questionId": no_question() }),
    )
    .await;
    assert_eq!(codes(&unknown), ["NOT_FOUND"]);
    assert_eq!(
        count(&app, "select count(*) as n from proctoring_events").await,
        5
    );

    // The hiring team reads every field and exact counts.
    let session = session_id(&app, &cast, &assessment).await;
    let seen = proctoring(&app, &cast.recruiter, &session).await;
    assert_eq!(
        seen["proctoringSummary"],
        json!({ "total": 5, "low": 2, "medium": 1, "high": 1, "critical": 1, "flagged": 0, "unreviewed": 5 })
    );
    let listed = seen["proctoringEvents"].as_array().expect("events");
    assert_eq!(
        listed.iter().map(|e| e["eventType"].clone()).collect::<Vec<_>>(),
        events.iter().map(|e| e["eventType"].clone()).collect::<Vec<_>>()
    );
    assert_eq!(listed[0]["durationSeconds"], 3);
    assert_eq!(listed[0]["question"]["id"], questions[0]);
    assert_eq!(listed[1]["question"], Value::Null);
    assert_eq!(listed[2]["snapshotUrl"], "https://cdn.example.com/s/1.jpg");
    assert_eq!(listed[2]["metadata"], json!({ "faces": 2 }));
    assert_eq!(listed[1]["metadata"], json!({}));
    assert_eq!(listed[3]["testSession"]["id"], json!(session));
    for event in listed {
        assert_eq!(event["reviewed"], false);
        assert_eq!(event["reviewedBy"], Value::Null);
        assert_eq!(event["reviewedAt"], Value::Null);
    }

    // The HIGH and the CRITICAL one reached the assessment's creator, and no one else.
    let mut got = alerts(&app, &cast.recruiter).await;
    got.sort();
    assert_eq!(
        got,
        vec![
            (
                "HIGH".to_owned(),
                "ProctoringEvent".to_owned(),
                "HIGH proctoring event: Rust basics".to_owned()
            ),
            (
                "URGENT".to_owned(),
                "ProctoringEvent".to_owned(),
                "CRITICAL proctoring event: Rust basics".to_owned()
            ),
        ]
    );
    for other in [&cast.admin, &cast.interviewer, &cast.manager, &cast.outsider] {
        assert!(alerts(&app, other).await.is_empty());
    }

    // Once completed, the session takes no event.
    call(
        &app,
        None,
        "completeTestSession",
        "TestSessionSecretInput",
        json!({ "sessionSecret": secret }),
        "session { status }",
    )
    .await;
    let closed = record(
        &app,
        &secret,
        json!({ "eventType": "TAB_SWITCH", "severity": "HIGH" }),
    )
    .await;
    assert_eq!(
        only_error(&closed),
        ("BAD_USER_INPUT".to_owned(), Some("sessionSecret".to_owned()))
    );

    // Nor once its time ran out (it is scored on that call); an unknown secret is NOT_FOUND.
    let (_, late, _) = open_session(&app, &cast, "late@example.com").await;
    exec(
        &app,
        "update test_sessions set started_at = started_at - interval '2 hours', \
         deadline_at = deadline_at - interval '2 hours' where completed_at is null",
    )
    .await;
    let expired = record(
        &app,
        &late,
        json!({ "eventType": "NO_FACE", "severity": "CRITICAL" }),
    )
    .await;
    assert_eq!(
        only_error(&expired),
        ("BAD_USER_INPUT".to_owned(), Some("sessionSecret".to_owned()))
    );
    assert_eq!(
        count(&app, "select count(*) as n from test_sessions where is_scored").await,
        2
    );
    let unknown = record(
        &app,
        "no-such-secret",
        json!({ "eventType": "NO_FACE", "severity": "LOW" }),
    )
    .await;
    assert_eq!(codes(&unknown), ["NOT_FOUND"]);
    assert_eq!(
        count(&app, "select count(*) as n from proctoring_events").await,
        5
    );
    assert_eq!(alerts(&app, &cast.recruiter).await.len(), 2);
}

#[tokio::test(flavor = "multi_thread")]
async fn only_admins_and_recruiters_read_and_review_proctoring_events() {
    let app = TestApp::new().await;
    let cast = cast(&app, "procmatrix").await;
    let (assessment, secret, _) = open_session(&app, &cast, "matrix-taker@example.com").await;
    let recorded = record(
        &app,
        &secret,
        json!({ "eventType": "MULTIPLE_FACES", "severity": "MEDIUM" }),
    )
    .await;
    assert!(recorded.get("errors").is_none(), "{recorded}");
    let session = session_id(&app, &cast, &assessment).await;
    let event = id(&proctoring(&app, &cast.admin, &session).await["proctoringEvents"][0]["id"]);

    // (who, reading the event, reviewing it) for [admin, recruiter, interviewer, manager,
    // outsider, candidate, anonymous].
    let cast_list: [(Option<&Account>, &str, &str); 7] = [
        (Some(&cast.admin), "ok", "ok"),
        (Some(&cast.recruiter), "ok", "ok"),
        (Some(&cast.interviewer), "NOT_FOUND", "NOT_FOUND"),
        (Some(&cast.manager), "NOT_FOUND", "NOT_FOUND"),
        (Some(&cast.outsider), "NOT_FOUND", "NOT_FOUND"),
        (Some(&cast.candidate), "NOT_FOUND", "NOT_FOUND"),
        (None, "UNAUTHENTICATED", "UNAUTHENTICATED"),
    ];
    // Those who may not review change nothing.
    for (index, (who, reads, reviews)) in cast_list.iter().enumerate() {
        assert_eq!(node_code(&app, *who, &event).await, *reads, "reader {index}");
        if *reviews == "ok" {
            continue;
        }
        let refused = review(
            &app,
            *who,
            json!({ "id": event, "reviewerNotes": "sneaky", "flagged": true }),
        )
        .await;
        assert_eq!(codes(&refused), [*reviews], "reviewer {index}: {refused}");
    }
    assert_eq!(
        count(&app, "select count(*) as n from proctoring_events where reviewed or flagged or reviewer_notes is not null").await,
        0
    );

    let by_recruiter = review(
        &app,
        Some(&cast.recruiter),
        json!({ "id": event, "reviewerNotes": "  Two people on camera.  ", "flagged": true }),
    )
    .await;
    let reviewed = &by_recruiter["data"]["reviewProctoringEvent"]["proctoringEvent"];
    assert_eq!(reviewed["reviewed"], true, "{by_recruiter}");
    assert_eq!(reviewed["flagged"], true);
    assert_eq!(reviewed["reviewerNotes"], "Two people on camera.");
    assert_eq!(
        reviewed["reviewedBy"],
        json!({ "role": "RECRUITER", "email": "recruiter-procmatrix@example.com" })
    );
    assert!(reviewed["reviewedAt"].is_string());

    // The admin reviews again: clears the notes, keeps the flag (absent), and is the reviewer.
    let by_admin = review(
        &app,
        Some(&cast.admin),
        json!({ "id": event, "reviewerNotes": null }),
    )
    .await;
    let reviewed = &by_admin["data"]["reviewProctoringEvent"]["proctoringEvent"];
    assert_eq!(reviewed["reviewerNotes"], Value::Null, "{by_admin}");
    assert_eq!(reviewed["flagged"], true);
    assert_eq!(reviewed["reviewedBy"]["role"], "ADMIN");
    let long = review(
        &app,
        Some(&cast.admin),
        json!({ "id": event, "reviewerNotes": "x".repeat(5_001) }),
    )
    .await;
    assert_eq!(
        only_error(&long),
        ("BAD_USER_INPUT".to_owned(), Some("reviewerNotes".to_owned()))
    );

    let seen = proctoring(&app, &cast.recruiter, &session).await;
    assert_eq!(
        seen["proctoringSummary"],
        json!({ "total": 1, "low": 0, "medium": 1, "high": 0, "critical": 0, "flagged": 1, "unreviewed": 0 })
    );
    // The interviewer reads no session, so no events and no summary either.
    let hidden = app
        .gql(
            "query($id: ID!) { node(id: $id) { id } }",
            json!({ "id": session }),
            Some(&cast.interviewer.access_token),
        )
        .await;
    assert_eq!(codes(&hidden), ["NOT_FOUND"]);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_session_list_of_events_costs_the_same_statements_however_many() {
    let app = TestApp::new().await;
    let cast = cast(&app, "procn1").await;
    let (assessment, secret, questions) = open_session(&app, &cast, "n1@example.com").await;
    let session = session_id(&app, &cast, &assessment).await;
    let query = format!(
        "query($id: ID!) {{ node(id: $id) {{ ... on TestSession {{ \
         proctoringSummary {{ total }} proctoringEvents {{ {EVENT} }} }} }} }}"
    );
    let event = |n: usize| json!({ "eventType": "TAB_SWITCH", "severity": "LOW", "questionId": questions[n % questions.len()] });
    record(&app, &secret, event(0)).await;
    let first = id(&proctoring(&app, &cast.admin, &session).await["proctoringEvents"][0]["id"]);
    review(&app, Some(&cast.admin), json!({ "id": first })).await;
    let variables = json!({ "id": session });
    let one = app
        .statements_for(&query, variables.clone(), Some(&cast.admin.access_token))
        .await;
    for n in 1..6 {
        record(&app, &secret, event(n)).await;
    }
    let ids: Vec<String> = proctoring(&app, &cast.admin, &session).await["proctoringEvents"]
        .as_array()
        .expect("events")
        .iter()
        .map(|e| id(&e["id"]))
        .collect();
    for event in ids {
        review(&app, Some(&cast.admin), json!({ "id": event })).await;
    }
    let six = app
        .statements_for(&query, variables, Some(&cast.admin.access_token))
        .await;
    assert_eq!(six, one);
}
