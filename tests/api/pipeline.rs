//! The hiring pipeline: applying to a requisition (candidate record, consent, snapshot, the
//! candidate's own application), stage moves mirrored to that application, who sees the
//! shared record, revoking consent, hand-added candidates, and a pipeline view whose cost does
//! not grow with its candidacies.

use serde_json::{Value, json};

use crate::career::mutate;
use crate::hiring::{Cast, call, cast, create_requisition, done, id, node_code, open_and_publish};
use crate::notifications::inbox;
use crate::support::{Account, TestApp, only_error};

/// A candidate with a name, one experience at Initech using Rust, and a published requisition
/// of the cast's organisation that requires Rust.
async fn applicant(app: &TestApp, cast: &Cast) -> (String, String) {
    let me = &cast.candidate;
    app.ok(
        "mutation { updateProfile(input: { fullName: \"Ada Lovelace\", location: \"London\" }) { profile { id } } }",
        json!({}),
        Some(&me.access_token),
    )
    .await;
    let experience = mutate(
        app,
        me,
        "createExperience",
        json!({ "companyName": "Initech", "jobTitle": "Engineer", "employmentType": "FULL_TIME", "startDate": "2020-01-01" }),
        "experience { id }",
    )
    .await["experience"]["id"]
        .clone();
    mutate(
        app,
        me,
        "setExperienceSkill",
        json!({ "experienceId": experience, "skillName": "Rust", "prominence": "PRIMARY" }),
        "experienceSkill { id }",
    )
    .await;
    let requisition = create_requisition(app, cast, "Rust engineer").await;
    done(
        app,
        &cast.recruiter,
        "setRequisitionSkill",
        "SetRequisitionSkillInput",
        json!({ "requisitionId": requisition, "skillName": "Rust", "level": "EXPERT" }),
        "requisition { id }",
    )
    .await;
    open_and_publish(app, &cast.recruiter, &requisition).await;
    (requisition, id(&experience))
}

async fn apply(app: &TestApp, who: &Account, requisition: &str) -> Value {
    call(
        app,
        Some(who),
        "applyToRequisition",
        "ApplyToRequisitionInput",
        json!({ "requisitionId": requisition, "coverNote": "I would love to." }),
        "application { id status jobPosting { jobTitle companyName } history { fromStatus toStatus } }",
    )
    .await
}

const PIPELINE: &str = "query($id: ID!) { node(id: $id) { ... on Requisition {
    totalApplicants totalInterviewed totalHired
    candidacies { totalCount edges { node { id stage coverNote submittedRecord
      history { fromStage toStage note actor { role } }
      skillGap { fitScore matched { skill { name } } missing { skill { name } } }
      candidate { id fullName email isUser recordShared
        profile { fullName technicalReview { experiences { totalCount edges { node { companyName } } } } } } } } } } } }";

async fn pipeline(app: &TestApp, who: &Account, requisition: &str) -> Value {
    app.ok(PIPELINE, json!({ "id": requisition }), Some(&who.access_token))
        .await["node"]
        .clone()
}

async fn move_to(app: &TestApp, who: &Account, candidacy: &str, stage: &str) -> Value {
    call(
        app,
        Some(who),
        "moveCandidacy",
        "MoveCandidacyInput",
        json!({ "candidacyId": candidacy, "stage": stage, "note": format!("to {stage}") }),
        "candidacy { stage }",
    )
    .await
}

async fn application_status(app: &TestApp, who: &Account, application: &str) -> Value {
    app.ok(
        "query($id: ID!) { node(id: $id) { ... on Application { status history { toStatus note } } } }",
        json!({ "id": application }),
        Some(&who.access_token),
    )
    .await["node"]
        .clone()
}

#[tokio::test(flavor = "multi_thread")]
async fn applying_shares_the_record_and_stage_moves_reach_the_application() {
    let app = TestApp::new().await;
    let cast = cast(&app, "apply").await;
    let (requisition, experience) = applicant(&app, &cast).await;

    let applied = apply(&app, &cast.candidate, &requisition).await;
    assert!(applied.get("errors").is_none(), "{applied}");
    let application = &applied["data"]["applyToRequisition"]["application"];
    assert_eq!(application["status"], "SUBMITTED");
    assert_eq!(application["jobPosting"]["jobTitle"], "Rust engineer");
    assert_eq!(application["jobPosting"]["companyName"], "Org acme-apply");
    let application_id = id(&application["id"]);
    assert_eq!(
        only_error(&apply(&app, &cast.candidate, &requisition).await).0,
        "CONFLICT"
    );

    // The hiring team sees the candidate, the live record and the fit.
    let seen = pipeline(&app, &cast.recruiter, &requisition).await;
    assert_eq!(seen["totalApplicants"], 1);
    let candidacy = &seen["candidacies"]["edges"][0]["node"];
    let candidacy_id = id(&candidacy["id"]);
    assert_eq!(candidacy["stage"], "APPLIED");

    // The candidacy's first stage move and the candidate's consent are objects of their own:
    // the move reads as its candidacy does, the consent by its giver and the hiring team.
    let event = app
        .ok(
            "query($id: ID!) { node(id: $id) { ... on Candidacy { history { id toStage } } } }",
            json!({ "id": candidacy_id }),
            Some(&cast.recruiter.access_token),
        )
        .await["node"]["history"][0]["id"]
        .clone();
    let share = app
        .ok(
            "{ viewer { recordShares { id active } } }",
            json!({}),
            Some(&cast.candidate.access_token),
        )
        .await["viewer"]["recordShares"][0]["id"]
        .clone();
    // admin, recruiter, interviewer, manager, outsider, candidate, anonymous.
    for (object, want) in [
        (
            id(&event),
            [
                "ok",
                "ok",
                "NOT_FOUND",
                "ok",
                "NOT_FOUND",
                "NOT_FOUND",
                "UNAUTHENTICATED",
            ],
        ),
        (
            id(&share),
            [
                "ok",
                "ok",
                "NOT_FOUND",
                "NOT_FOUND",
                "NOT_FOUND",
                "ok",
                "UNAUTHENTICATED",
            ],
        ),
    ] {
        let mut got = Vec::new();
        for (_, who) in cast.everyone() {
            got.push(node_code(&app, who, &object).await);
        }
        assert_eq!(got, want, "reads of {object}");
    }
    assert_eq!(candidacy["coverNote"], "I would love to.");
    assert_eq!(candidacy["candidate"]["fullName"], "Ada Lovelace");
    assert_eq!(candidacy["candidate"]["email"], "candidate-apply@example.com");
    assert_eq!(candidacy["candidate"]["isUser"], true);
    assert_eq!(candidacy["candidate"]["recordShared"], true);
    assert_eq!(
        candidacy["candidate"]["profile"]["technicalReview"]["experiences"]["edges"][0]["node"]["companyName"],
        "Initech"
    );
    assert_eq!(
        candidacy["skillGap"]["matched"],
        json!([{ "skill": { "name": "Rust" } }])
    );
    assert!(
        candidacy["skillGap"]["fitScore"].as_i64().unwrap_or(0) > 0,
        "{candidacy}"
    );
    assert_eq!(
        candidacy["submittedRecord"]["experiences"][0]["companyName"],
        "Initech"
    );
    assert_eq!(
        candidacy["submittedRecord"]["experiences"][0]["skills"],
        json!(["Rust"])
    );
    assert_eq!(node_code(&app, Some(&cast.recruiter), &experience).await, "ok");
    assert_eq!(node_code(&app, Some(&cast.manager), &experience).await, "ok");

    // Who sees the candidacy and the record: the hiring team and the hiring manager only.
    for (who, want) in [
        (&cast.admin, "ok"),
        (&cast.recruiter, "ok"),
        (&cast.manager, "ok"),
        (&cast.interviewer, "NOT_FOUND"),
        (&cast.outsider, "NOT_FOUND"),
        (&cast.candidate, "NOT_FOUND"),
    ] {
        assert_eq!(node_code(&app, Some(who), &candidacy_id).await, want);
    }
    assert_eq!(
        node_code(&app, Some(&cast.interviewer), &experience).await,
        "NOT_FOUND"
    );
    assert_eq!(
        node_code(&app, Some(&cast.outsider), &experience).await,
        "NOT_FOUND"
    );
    assert_eq!(node_code(&app, None, &candidacy_id).await, "UNAUTHENTICATED");

    // Moves: legal ones reach the candidate's application, illegal ones change nothing, and
    // only the hiring team moves.
    assert_eq!(
        only_error(&move_to(&app, &cast.manager, &candidacy_id, "SCREENING").await).0,
        "FORBIDDEN"
    );
    assert_eq!(
        only_error(&move_to(&app, &cast.interviewer, &candidacy_id, "SCREENING").await).0,
        "NOT_FOUND"
    );
    assert!(
        move_to(&app, &cast.recruiter, &candidacy_id, "SCREENING")
            .await
            .get("errors")
            .is_none()
    );
    let backwards = move_to(&app, &cast.recruiter, &candidacy_id, "APPLIED").await;
    assert_eq!(
        only_error(&backwards),
        ("BAD_USER_INPUT".to_owned(), Some("stage".to_owned()))
    );
    assert!(
        move_to(&app, &cast.recruiter, &candidacy_id, "INTERVIEWING")
            .await
            .get("errors")
            .is_none()
    );
    let mine = application_status(&app, &cast.candidate, &application_id).await;
    assert_eq!(mine["status"], "INTERVIEWING");
    let statuses: Vec<&str> = mine["history"]
        .as_array()
        .map(|h| h.iter().filter_map(|e| e["toStatus"].as_str()).collect())
        .unwrap_or_default();
    assert_eq!(statuses, ["DRAFT", "SUBMITTED", "SCREENING", "INTERVIEWING"]);
    let seen = pipeline(&app, &cast.admin, &requisition).await;
    assert_eq!(seen["totalInterviewed"], 1);
    let history = &seen["candidacies"]["edges"][0]["node"]["history"];
    assert_eq!(
        history[0],
        json!({ "fromStage": null, "toStage": "APPLIED", "note": null, "actor": null })
    );
    assert_eq!(history[2]["actor"]["role"], "RECRUITER");
    assert_eq!(history[2]["note"], "to INTERVIEWING");

    // Revoking consent hides the live record at once; what was submitted stays.
    let shares = app
        .ok(
            "{ viewer { recordShares { active organization { slug } } } }",
            json!({}),
            Some(&cast.candidate.access_token),
        )
        .await;
    assert_eq!(
        shares["viewer"]["recordShares"],
        json!([{ "active": true, "organization": { "slug": "acme-apply" } }])
    );
    done(
        &app,
        &cast.candidate,
        "revokeConsent",
        "RevokeConsentInput",
        json!({ "organizationId": cast.organization }),
        "recordShare { active revokedAt }",
    )
    .await;
    let after = pipeline(&app, &cast.recruiter, &requisition).await;
    let candidacy = &after["candidacies"]["edges"][0]["node"];
    assert_eq!(candidacy["candidate"]["recordShared"], false);
    assert_eq!(candidacy["candidate"]["profile"], Value::Null);
    assert_eq!(candidacy["skillGap"], Value::Null);
    assert_eq!(
        candidacy["submittedRecord"]["experiences"][0]["companyName"],
        "Initech"
    );
    assert_eq!(
        node_code(&app, Some(&cast.recruiter), &experience).await,
        "NOT_FOUND"
    );
    assert_eq!(
        node_code(&app, Some(&cast.manager), &experience).await,
        "NOT_FOUND"
    );
    assert_eq!(node_code(&app, Some(&cast.candidate), &experience).await, "ok");
    let again = call(
        &app,
        Some(&cast.candidate),
        "revokeConsent",
        "RevokeConsentInput",
        json!({ "organizationId": cast.organization }),
        "recordShare { active }",
    )
    .await;
    assert_eq!(only_error(&again).0, "NOT_FOUND");
}

#[tokio::test(flavor = "multi_thread")]
async fn applying_needs_an_open_published_requisition() {
    let app = TestApp::new().await;
    let cast = cast(&app, "closed").await;
    let draft = create_requisition(&app, &cast, "Draft").await;
    assert_eq!(
        only_error(&apply(&app, &cast.candidate, &draft).await).0,
        "NOT_FOUND"
    );
    let paused = create_requisition(&app, &cast, "Paused").await;
    open_and_publish(&app, &cast.recruiter, &paused).await;
    done(
        &app,
        &cast.recruiter,
        "changeRequisitionStatus",
        "ChangeRequisitionStatusInput",
        json!({ "id": paused, "status": "PAUSED" }),
        "requisition { status }",
    )
    .await;
    // Paused is off the board, so the candidate cannot see it any more.
    assert_eq!(
        only_error(&apply(&app, &cast.candidate, &paused).await).0,
        "NOT_FOUND"
    );
    // A member who can see it is told why.
    assert_eq!(
        only_error(&apply(&app, &cast.recruiter, &paused).await),
        ("BAD_USER_INPUT".to_owned(), Some("requisitionId".to_owned()))
    );
    let none = app
        .ok(
            "{ viewer { applications { totalCount } } }",
            json!({}),
            Some(&cast.candidate.access_token),
        )
        .await;
    assert_eq!(
        none["viewer"]["applications"]["totalCount"], 0,
        "refused applications leave nothing"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn recruiters_add_candidates_by_hand_and_hire_within_the_positions() {
    let app = TestApp::new().await;
    let cast = cast(&app, "hand").await;
    let requisition = create_requisition(&app, &cast, "One seat").await;
    done(
        &app,
        &cast.recruiter,
        "updateRequisition",
        "UpdateRequisitionInput",
        json!({ "id": requisition, "positionsAvailable": 1 }),
        "requisition { id }",
    )
    .await;
    let add = |email: &'static str| {
        let app = &app;
        let cast = &cast;
        async move {
            call(
                app,
                Some(&cast.recruiter),
                "addCandidate",
                "AddCandidateInput",
                json!({ "organizationId": cast.organization, "fullName": "Grace Hopper", "email": email,
                        "skills": ["COBOL", "cobol", "Compilers"], "availabilityPercentage": 80 }),
                "candidate { id skills isUser recordShared profile { id } }",
            )
            .await
        }
    };
    let grace = add("grace-hand@example.com").await;
    assert!(grace.get("errors").is_none(), "{grace}");
    let candidate = &grace["data"]["addCandidate"]["candidate"];
    assert_eq!(candidate["skills"], json!(["COBOL", "Compilers"]));
    assert_eq!(candidate["isUser"], false);
    assert_eq!(candidate["profile"], Value::Null);
    assert_eq!(only_error(&add("GRACE-hand@example.com").await).0, "CONFLICT");
    let by_interviewer = call(
        &app,
        Some(&cast.interviewer),
        "addCandidate",
        "AddCandidateInput",
        json!({ "organizationId": cast.organization, "fullName": "X", "email": "x-hand@example.com" }),
        "candidate { id }",
    )
    .await;
    assert_eq!(only_error(&by_interviewer).0, "FORBIDDEN");

    let linus = add("linus-hand@example.com").await["data"]["addCandidate"]["candidate"]["id"].clone();
    let put_forward = |candidate: Value| {
        let app = &app;
        let cast = &cast;
        let requisition = requisition.clone();
        async move {
            done(
                app,
                &cast.recruiter,
                "addCandidacy",
                "AddCandidacyInput",
                json!({ "candidateId": candidate, "requisitionId": requisition }),
                "candidacy { id stage submittedRecord skillGap { fitScore } }",
            )
            .await["candidacy"]
                .clone()
        }
    };
    let first = put_forward(candidate["id"].clone()).await;
    assert_eq!(first["submittedRecord"], Value::Null);
    assert_eq!(first["skillGap"], Value::Null);
    let second = put_forward(linus).await;
    assert!(
        move_to(&app, &cast.recruiter, &id(&first["id"]), "HIRED")
            .await
            .get("errors")
            .is_none()
    );
    let full = move_to(&app, &cast.recruiter, &id(&second["id"]), "HIRED").await;
    assert_eq!(
        only_error(&full),
        ("BAD_USER_INPUT".to_owned(), Some("stage".to_owned()))
    );
    let counts = app
        .ok(
            "query($id: ID!) { node(id: $id) { ... on Requisition { positionsFilled totalHired totalApplicants } } }",
            json!({ "id": requisition }),
            Some(&cast.admin.access_token),
        )
        .await;
    assert_eq!(
        counts["node"],
        json!({ "positionsFilled": 1, "totalHired": 1, "totalApplicants": 2 })
    );

    // The person added by hand signs up and applies: the same candidate, now a user.
    let public = create_requisition(&app, &cast, "Open seat").await;
    open_and_publish(&app, &cast.recruiter, &public).await;
    let grace_user = app.sign_up("grace-hand@example.com").await;
    assert!(apply(&app, &grace_user, &public).await.get("errors").is_none());
    let again = app
        .ok(
            "query($id: ID!) { node(id: $id) { ... on Candidate { isUser recordShared candidacies { requisition { id } } } } }",
            json!({ "id": candidate["id"] }),
            Some(&cast.recruiter.access_token),
        )
        .await;
    assert_eq!(again["node"]["isUser"], true);
    assert_eq!(again["node"]["recordShared"], true);
    assert_eq!(again["node"]["candidacies"].as_array().map(Vec::len), Some(2));
}

#[tokio::test(flavor = "multi_thread")]
async fn the_pipeline_view_costs_the_same_for_one_candidacy_or_many() {
    let app = TestApp::new().await;
    let cast = cast(&app, "nplus").await;
    let (requisition, _) = applicant(&app, &cast).await;
    assert!(
        apply(&app, &cast.candidate, &requisition)
            .await
            .get("errors")
            .is_none()
    );
    let one = app
        .statements_for(
            PIPELINE,
            json!({ "id": requisition }),
            Some(&cast.recruiter.access_token),
        )
        .await;
    for n in 0..4 {
        let other = app.sign_up(&format!("applicant{n}-nplus@example.com")).await;
        mutate(
            &app,
            &other,
            "createExperience",
            json!({ "companyName": format!("Co {n}"), "jobTitle": "Dev", "employmentType": "FULL_TIME", "startDate": "2021-01-01" }),
            "experience { id }",
        )
        .await;
        assert!(apply(&app, &other, &requisition).await.get("errors").is_none());
    }
    let five = app
        .statements_for(
            PIPELINE,
            json!({ "id": requisition }),
            Some(&cast.recruiter.access_token),
        )
        .await;
    let seen = pipeline(&app, &cast.recruiter, &requisition).await;
    assert_eq!(seen["candidacies"]["totalCount"], 5);
    assert_eq!(one, five, "statements for 1 candidacy: {one}; for 5: {five}");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_candidate_withdraws_from_their_side_and_the_hiring_team_is_told() {
    let app = TestApp::new().await;
    let cast = cast(&app, "withdraw").await;
    let (requisition, _) = applicant(&app, &cast).await;
    let applied = apply(&app, &cast.candidate, &requisition).await;
    let application = id(&applied["data"]["applyToRequisition"]["application"]["id"]);
    let candidacy =
        id(&pipeline(&app, &cast.recruiter, &requisition).await["candidacies"]["edges"][0]["node"]["id"]);
    assert!(
        move_to(&app, &cast.recruiter, &candidacy, "SCREENING")
            .await
            .get("errors")
            .is_none()
    );
    const WITHDRAW: (&str, &str, &str) = (
        "withdrawApplication",
        "WithdrawApplicationInput",
        "application { id status }",
    );

    // Withdrawing goes through withdrawApplication, by the candidate alone.
    let transitioned = call(
        &app,
        Some(&cast.candidate),
        "transitionApplication",
        "TransitionApplicationInput",
        json!({ "id": application, "to": "WITHDRAWN" }),
        "application { status }",
    )
    .await;
    assert_eq!(
        only_error(&transitioned),
        ("BAD_USER_INPUT".to_owned(), Some("to".to_owned()))
    );
    for who in [&cast.recruiter, &cast.admin, &cast.outsider] {
        let refused = call(
            &app,
            Some(who),
            WITHDRAW.0,
            WITHDRAW.1,
            json!({ "applicationId": application }),
            WITHDRAW.2,
        )
        .await;
        assert_eq!(only_error(&refused).0, "NOT_FOUND");
    }
    assert_eq!(
        application_status(&app, &cast.candidate, &application).await["status"],
        "SCREENING"
    );
    let inboxes = async || {
        let mut counts = Vec::new();
        for who in [
            &cast.admin,
            &cast.recruiter,
            &cast.interviewer,
            &cast.manager,
            &cast.outsider,
            &cast.candidate,
        ] {
            counts.push(inbox(&app, who).await.len());
        }
        counts
    };
    let before = inboxes().await;

    let withdrawn = done(
        &app,
        &cast.candidate,
        WITHDRAW.0,
        WITHDRAW.1,
        json!({ "applicationId": application, "note": "I took another offer" }),
        WITHDRAW.2,
    )
    .await;
    assert_eq!(
        withdrawn["application"],
        json!({ "id": application, "status": "WITHDRAWN" })
    );
    let history = application_status(&app, &cast.candidate, &application).await["history"].clone();
    assert_eq!(
        history.as_array().and_then(|h| h.last()).cloned(),
        Some(json!({ "toStatus": "WITHDRAWN", "note": "I took another offer" }))
    );
    let seen = pipeline(&app, &cast.recruiter, &requisition).await;
    let node = &seen["candidacies"]["edges"][0]["node"];
    assert_eq!(node["stage"], "WITHDRAWN");
    assert_eq!(
        node["history"].as_array().and_then(|h| h.last()).cloned(),
        Some(
            json!({ "fromStage": "SCREENING", "toStage": "WITHDRAWN", "note": "I took another offer", "actor": null })
        )
    );

    // The admin, the recruiter and the hiring manager are told, about the candidacy; nobody else.
    let after = inboxes().await;
    let got: Vec<usize> = after.iter().zip(&before).map(|(a, b)| a - b).collect();
    assert_eq!(got, [1, 1, 0, 1, 0, 0]);
    for who in [&cast.admin, &cast.recruiter, &cast.manager] {
        let told = inbox(&app, who).await[0].clone();
        assert_eq!(told["title"], "Candidate withdrew: Ada Lovelace");
        assert_eq!(told["relatedEntityId"], json!(candidacy));
        assert!(
            told["message"]
                .as_str()
                .is_some_and(|m| m.ends_with("Their note: I took another offer")),
            "{told}"
        );
        assert_eq!(node_code(&app, Some(who), &candidacy).await, "ok");
    }

    // It is final on both sides.
    let again = call(
        &app,
        Some(&cast.candidate),
        WITHDRAW.0,
        WITHDRAW.1,
        json!({ "applicationId": application }),
        WITHDRAW.2,
    )
    .await;
    assert_eq!(
        only_error(&again),
        ("BAD_USER_INPUT".to_owned(), Some("applicationId".to_owned()))
    );
    assert_eq!(
        only_error(&move_to(&app, &cast.recruiter, &candidacy, "OFFER").await).0,
        "BAD_USER_INPUT"
    );

    // An application of the candidate's own (no requisition) withdraws the same way, alone.
    let own = crate::applications::application(&app, &cast.candidate).await;
    let withdrawn = done(
        &app,
        &cast.candidate,
        WITHDRAW.0,
        WITHDRAW.1,
        json!({ "applicationId": own }),
        WITHDRAW.2,
    )
    .await;
    assert_eq!(withdrawn["application"]["status"], "WITHDRAWN");
    assert_eq!(inboxes().await, after);
}
