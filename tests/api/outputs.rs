//! Approved outputs and critic logs (#15 item 5): every ETPS field, checked; linked to the
//! owner's application and posting only; listed and filtered; nobody else finds them.

use serde_json::{Value, json};

use crate::applications::application;
use crate::contacts::{call, done};
use crate::support::{Account, TestApp, only_error};

const OUTPUT: &str = "id outputType text context qualityScore application { id } jobPosting { id } createdAt";

async fn posting_of(app: &TestApp, who: &Account, application_id: &str) -> String {
    let data = app
        .ok(
            "query($id: ID!) { node(id: $id) { ... on Application { jobPosting { id } } } }",
            json!({ "id": application_id }),
            Some(&who.access_token),
        )
        .await;
    data["node"]["jobPosting"]["id"]
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

async fn outputs(app: &TestApp, who: &Account, filter: Value) -> Vec<Value> {
    let data = app
        .ok(
            "query($filter: ApprovedOutputFilter) { viewer { approvedOutputs(filter: $filter) { totalCount edges { node { text outputType qualityScore } } } } }",
            json!({ "filter": filter }),
            Some(&who.access_token),
        )
        .await;
    let list = &data["viewer"]["approvedOutputs"];
    let nodes: Vec<Value> = list["edges"]
        .as_array()
        .map(|edges| edges.iter().map(|edge| edge["node"].clone()).collect())
        .unwrap_or_default();
    assert_eq!(list["totalCount"], json!(nodes.len()));
    nodes
}

#[tokio::test(flavor = "multi_thread")]
async fn approved_outputs_keep_every_field_and_filter() {
    let app = TestApp::new().await;
    let me = app.sign_up("writer@example.com").await;
    let other = app.sign_up("other@example.com").await;
    let applied = application(&app, &me).await;
    let posting = posting_of(&app, &me, &applied).await;

    let made = done(
        &app,
        &me,
        "createApprovedOutput",
        "CreateApprovedOutputInput",
        json!({
            "outputType": "RESUME_BULLET",
            "text": " Cut p99 latency by 40% ",
            "context": { "model": "local", "strategy": "impact-first" },
            "qualityScore": 0.9,
            "applicationId": applied,
            "jobPostingId": posting,
        }),
        &format!("approvedOutput {{ {OUTPUT} }} approvedOutputEdge {{ node {{ id }} }}"),
    )
    .await;
    let output = &made["approvedOutput"];
    assert_eq!(output["outputType"], "RESUME_BULLET");
    assert_eq!(output["text"], "Cut p99 latency by 40%");
    assert_eq!(
        output["context"],
        json!({ "model": "local", "strategy": "impact-first" })
    );
    assert_eq!(output["qualityScore"], 0.9);
    assert_eq!(output["application"]["id"], applied.as_str());
    assert_eq!(output["jobPosting"]["id"], posting.as_str());
    assert_eq!(made["approvedOutputEdge"]["node"]["id"], output["id"]);
    let id = output["id"].as_str().unwrap_or_default().to_owned();

    for (kind, text, score) in [
        ("COVER_LETTER_PARAGRAPH", "Dear team", json!(0.5)),
        ("PROFESSIONAL_SUMMARY", "Engineer", Value::Null),
        ("FULL_RESUME", "Whole resume", json!(0.7)),
        ("FULL_COVER_LETTER", "Whole letter", json!(0.95)),
    ] {
        done(
            &app,
            &me,
            "createApprovedOutput",
            "CreateApprovedOutputInput",
            json!({ "outputType": kind, "text": text, "qualityScore": score }),
            "approvedOutput { id }",
        )
        .await;
    }
    let texts = |nodes: Vec<Value>| -> Vec<String> {
        nodes
            .iter()
            .filter_map(|node| node["text"].as_str().map(str::to_owned))
            .collect()
    };
    assert_eq!(
        texts(outputs(&app, &me, Value::Null).await),
        [
            "Whole letter",
            "Whole resume",
            "Engineer",
            "Dear team",
            "Cut p99 latency by 40%"
        ],
        "newest first"
    );
    assert_eq!(
        texts(outputs(&app, &me, json!({ "outputType": "FULL_RESUME" })).await),
        ["Whole resume"]
    );
    assert_eq!(
        texts(outputs(&app, &me, json!({ "minQualityScore": 0.9 })).await),
        ["Whole letter", "Cut p99 latency by 40%"],
        "at least 0.9; never judged ones left out"
    );

    // Checked, naming the field; another user's application or posting is not found.
    for (bad, code, field) in [
        (
            json!({ "outputType": "FULL_RESUME", "text": " " }),
            "BAD_USER_INPUT",
            Some("text"),
        ),
        (
            json!({ "outputType": "FULL_RESUME", "text": "x", "qualityScore": 1.01 }),
            "BAD_USER_INPUT",
            Some("qualityScore"),
        ),
        (
            json!({ "outputType": "FULL_RESUME", "text": "x", "context": [1, 2] }),
            "BAD_USER_INPUT",
            Some("context"),
        ),
        (
            json!({ "outputType": "FULL_RESUME", "text": "x", "applicationId": posting }),
            "NOT_FOUND",
            None,
        ),
    ] {
        let response = call(
            &app,
            &me,
            "createApprovedOutput",
            "CreateApprovedOutputInput",
            bad.clone(),
            "approvedOutput { id }",
        )
        .await;
        assert_eq!(
            only_error(&response),
            (code.to_owned(), field.map(str::to_owned)),
            "{bad}"
        );
    }
    for (field, value) in [("applicationId", &applied), ("jobPostingId", &posting)] {
        let response = call(
            &app,
            &other,
            "createApprovedOutput",
            "CreateApprovedOutputInput",
            json!({ "outputType": "FULL_RESUME", "text": "x", field: value }),
            "approvedOutput { id }",
        )
        .await;
        assert_eq!(only_error(&response).0, "NOT_FOUND", "{field}: {response}");
    }

    // Nobody else reads or deletes it; its owner does.
    let theirs = app
        .gql(
            "query($id: ID!) { node(id: $id) { id } }",
            json!({ "id": id }),
            Some(&other.access_token),
        )
        .await;
    assert_eq!(only_error(&theirs).0, "NOT_FOUND");
    assert!(outputs(&app, &other, Value::Null).await.is_empty());
    let response = call(
        &app,
        &other,
        "deleteApprovedOutput",
        "IdInput",
        json!({ "id": id }),
        "deletedId",
    )
    .await;
    assert_eq!(only_error(&response).0, "NOT_FOUND");
    done(
        &app,
        &me,
        "deleteApprovedOutput",
        "IdInput",
        json!({ "id": id }),
        "deletedId",
    )
    .await;
    assert_eq!(outputs(&app, &me, Value::Null).await.len(), 4);
}

#[tokio::test(flavor = "multi_thread")]
async fn critic_logs_record_each_iteration_once() {
    let app = TestApp::new().await;
    let me = app.sign_up("critic@example.com").await;
    let other = app.sign_up("other@example.com").await;
    let session = "0194b3c0-0000-7000-8000-000000000001";
    for (iteration, score, passed, issues) in [
        (2, 0.9, true, json!([])),
        (1, 0.4, false, json!(["too long", "vague verb"])),
    ] {
        let made = done(
            &app,
            &me,
            "recordCriticLog",
            "RecordCriticLogInput",
            json!({ "sessionId": session, "iteration": iteration, "qualityScore": score, "passed": passed, "issues": issues }),
            "criticLog { id sessionId iteration qualityScore passed issues createdAt } criticLogEdge { node { id } }",
        )
        .await;
        assert_eq!(made["criticLog"]["sessionId"], session);
        assert_eq!(made["criticLog"]["iteration"], iteration);
        assert_eq!(made["criticLog"]["qualityScore"], score);
        assert_eq!(made["criticLog"]["passed"], passed);
        assert_eq!(made["criticLog"]["issues"], issues);
    }
    done(
        &app,
        &me,
        "recordCriticLog",
        "RecordCriticLogInput",
        json!({ "sessionId": "0194b3c0-0000-7000-8000-000000000002", "iteration": 1, "qualityScore": 1, "passed": true }),
        "criticLog { id }",
    )
    .await;

    let list = |filter: Value, who: &Account| {
        let token = who.access_token.clone();
        let app = &app;
        async move {
            let data = app
                .ok(
                    "query($filter: CriticLogFilter) { viewer { criticLogs(filter: $filter) { totalCount edges { node { iteration issues } } } } }",
                    json!({ "filter": filter }),
                    Some(&token),
                )
                .await;
            data["viewer"]["criticLogs"].clone()
        }
    };
    let one_session = list(json!({ "sessionId": session }), &me).await;
    assert_eq!(one_session["totalCount"], 2);
    assert_eq!(
        one_session["edges"][0]["node"],
        json!({ "iteration": 1, "issues": ["too long", "vague verb"] })
    );
    assert_eq!(one_session["edges"][1]["node"]["iteration"], 2);
    assert_eq!(list(Value::Null, &me).await["totalCount"], 3);
    assert_eq!(list(Value::Null, &other).await["totalCount"], 0);

    // The same iteration twice is a conflict; bad values name their field.
    let again = call(
        &app,
        &me,
        "recordCriticLog",
        "RecordCriticLogInput",
        json!({ "sessionId": session, "iteration": 1, "qualityScore": 0.5, "passed": true }),
        "criticLog { id }",
    )
    .await;
    assert_eq!(only_error(&again).0, "CONFLICT");
    for (bad, field) in [
        (json!({ "iteration": 0, "qualityScore": 0.5 }), "iteration"),
        (json!({ "iteration": 3, "qualityScore": 2 }), "qualityScore"),
        (
            json!({ "iteration": 3, "qualityScore": 0.5, "issues": [" "] }),
            "issues",
        ),
    ] {
        let mut input = bad.clone();
        input["sessionId"] = json!(session);
        input["passed"] = json!(false);
        let response = call(
            &app,
            &me,
            "recordCriticLog",
            "RecordCriticLogInput",
            input,
            "criticLog { id }",
        )
        .await;
        assert_eq!(
            only_error(&response),
            ("BAD_USER_INPUT".to_owned(), Some(field.to_owned())),
            "{bad}"
        );
    }
    // Another user's session of the same id is theirs alone.
    done(
        &app,
        &other,
        "recordCriticLog",
        "RecordCriticLogInput",
        json!({ "sessionId": session, "iteration": 1, "qualityScore": 0.1, "passed": false }),
        "criticLog { id }",
    )
    .await;
    assert_eq!(list(json!({ "sessionId": session }), &me).await["totalCount"], 2);
    assert_eq!(
        list(json!({ "sessionId": session }), &other).await["totalCount"],
        1
    );
}
