//! Assessments (#17 items 1-4): the question bank and its import, assessments, single-use
//! invitations, test sessions taken without an account, answers against the server's clock,
//! scoring, score release, and the role matrix of every new type and mutation.

use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};
use serde_json::{Value, json};

use crate::hiring::{Cast, call, cast, done, id, node_code};
use crate::support::{Account, TestApp, codes, only_error};

pub async fn db(app: &TestApp) -> AsyncPgConnection {
    AsyncPgConnection::establish(&app.database_url)
        .await
        .expect("connect")
}

pub async fn exec(app: &TestApp, sql: &str) {
    diesel::sql_query(sql)
        .execute(&mut db(app).await)
        .await
        .expect(sql);
}

#[derive(diesel::QueryableByName)]
struct Count {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    n: i64,
}

pub async fn count(app: &TestApp, sql: &str) -> i64 {
    diesel::sql_query(sql)
        .get_result::<Count>(&mut db(app).await)
        .await
        .expect(sql)
        .n
}

/// Three questions; the correct options are 1, 0 and 2.
fn document() -> String {
    json!({
        "skill": "Rust",
        "level": "INTERMEDIATE",
        "generationModel": "hand-written",
        "source": "team",
        "questions": [
            { "text": "What does `?` do?", "options": ["Panics", "Propagates the error", "Ignores it"],
              "correctOption": 1, "difficulty": "EASY", "topic": "errors" },
            { "text": "Which trait gives `clone`?", "options": ["Clone", "Copy"], "correctOption": 0 },
            { "text": "Which is a smart pointer?", "options": ["i32", "&str", "Box", "u8"],
              "correctOption": 2, "difficulty": "medium", "source": "book" },
        ],
    })
    .to_string()
}

const SET_FIELDS: &str = "questionSet { id skill level totalQuestions generationModel source \
    questions { id text options correctOption difficulty topic source position } }";

async fn import(app: &TestApp, who: &Account, organization: &str, document: &str) -> Value {
    call(
        app,
        Some(who),
        "importQuestionSet",
        "ImportQuestionSetInput",
        json!({ "organizationId": organization, "document": document }),
        SET_FIELDS,
    )
    .await
}

/// An assessment of `minutes` on a freshly imported question set; (assessment id, question set).
pub async fn assessment(app: &TestApp, cast: &Cast, minutes: i32) -> (String, Value) {
    let imported = import(app, &cast.recruiter, &cast.organization, &document()).await;
    assert!(imported.get("errors").is_none(), "{imported}");
    let set = imported["data"]["importQuestionSet"]["questionSet"].clone();
    let created = done(
        app,
        &cast.recruiter,
        "createAssessment",
        "CreateAssessmentInput",
        json!({
            "organizationId": cast.organization,
            "title": "Rust basics",
            "description": "Twenty minutes of Rust.",
            "jobTitle": "Backend engineer",
            "requiredSkills": ["Rust", "SQL"],
            "questionSetId": set["id"],
            "method": "mcq",
            "durationMinutes": minutes,
            "isPublished": true,
        }),
        "assessment { id isExpired isActive durationMinutes questionSet { id } } assessmentEdge { node { id } }",
    )
    .await;
    assert_eq!(created["assessment"]["isExpired"], false);
    assert_eq!(
        created["assessmentEdge"]["node"]["id"],
        created["assessment"]["id"]
    );
    (id(&created["assessment"]["id"]), set)
}

pub async fn invite(app: &TestApp, who: &Account, assessment: &str, email: &str) -> String {
    let invited = done(
        app,
        who,
        "inviteToAssessment",
        "InviteToAssessmentInput",
        json!({ "assessmentId": assessment, "email": email }),
        "token invitation { id email isUsed isExpired }",
    )
    .await;
    assert_eq!(invited["invitation"]["isUsed"], false);
    id(&invited["token"])
}

/// Every field a test taker can query.
const TAKER: &str = "assessmentTitle assessmentDescription durationMinutes status startedAt deadlineAt \
    completedAt isOpen secondsLeft answeredCount scoreReleased \
    questions { questionId text options difficulty topic answered selectedOption timeTakenSeconds } \
    result { totalQuestions correctAnswers scorePercentage releasedAt \
             answers { questionId selectedOption correctOption isCorrect } }";

pub async fn start(app: &TestApp, who: Option<&Account>, token: &str) -> Value {
    call(
        app,
        who,
        "startAssessment",
        "StartAssessmentInput",
        json!({ "token": token, "fullName": "Ada Lovelace", "availabilityPercentage": 80,
                "submittedSkills": ["Rust"], "roleAppliedFor": "Backend engineer" }),
        &format!("sessionSecret session {{ {TAKER} }}"),
    )
    .await
}

async fn answer(app: &TestApp, secret: &str, question: &Value, option: i64) -> Value {
    call(
        app,
        None,
        "answerQuestion",
        "AnswerQuestionInput",
        json!({ "sessionSecret": secret, "questionId": question, "selectedOption": option }),
        &format!("session {{ {TAKER} }}"),
    )
    .await
}

async fn taker(app: &TestApp, secret: &str) -> Value {
    let query = format!("query($s: String!) {{ testTakerSession(sessionSecret: $s) {{ {TAKER} }} }}");
    app.ok(&query, json!({ "s": secret }), None).await["testTakerSession"].clone()
}

/// No correct option, no correctness and no score in anything the taker was sent.
fn hides_the_answers(view: &Value) {
    assert_eq!(view["result"], Value::Null, "{view}");
    assert_eq!(view["scoreReleased"], false, "{view}");
    let text = view.to_string();
    for word in ["correctOption", "isCorrect", "correctAnswers", "scorePercentage"] {
        assert!(!text.contains(word), "{word} reached the taker: {text}");
    }
}

const SESSION_OF: &str = "query($id: ID!) { node(id: $id) { ... on Assessment { applications { id status \
    startedAt completedAt availabilityPercentage submittedSkills roleAppliedFor candidate { email fullName } \
    testSession { id isScored totalQuestions correctAnswers scorePercentage scoreReleasedAt completedAt \
    answers { id selectedOption isCorrect timeTakenSeconds question { id correctOption } } } } } } }";

pub async fn applications(app: &TestApp, who: &Account, assessment: &str) -> Value {
    app.ok(SESSION_OF, json!({ "id": assessment }), Some(&who.access_token))
        .await["node"]["applications"]
        .clone()
}

#[tokio::test(flavor = "multi_thread")]
async fn import_checks_every_item_and_writes_nothing_when_one_is_bad() {
    let app = TestApp::new().await;
    let cast = cast(&app, "aimport").await;
    let mut bad: Value = serde_json::from_str(&document()).expect("json");
    bad["questions"][2]["correctOption"] = json!(4);
    let refused = import(&app, &cast.recruiter, &cast.organization, &bad.to_string()).await;
    assert_eq!(
        only_error(&refused),
        (
            "BAD_USER_INPUT".to_owned(),
            Some("document.questions[2].correctOption".to_owned())
        )
    );
    let mut bad: Value = serde_json::from_str(&document()).expect("json");
    bad["questions"][1]["options"] = json!(["only one"]);
    let refused = import(&app, &cast.recruiter, &cast.organization, &bad.to_string()).await;
    assert_eq!(
        only_error(&refused),
        (
            "BAD_USER_INPUT".to_owned(),
            Some("document.questions[1].options".to_owned())
        )
    );
    let mut bad: Value = serde_json::from_str(&document()).expect("json");
    bad["questions"][0]["text"] = json!("   ");
    let refused = import(&app, &cast.recruiter, &cast.organization, &bad.to_string()).await;
    assert_eq!(
        only_error(&refused).1.as_deref(),
        Some("document.questions[0].text")
    );
    let refused = import(&app, &cast.recruiter, &cast.organization, "{not json").await;
    assert_eq!(only_error(&refused).1.as_deref(), Some("document"));
    assert_eq!(count(&app, "select count(*) as n from question_sets").await, 0);
    assert_eq!(count(&app, "select count(*) as n from questions").await, 0);

    let imported = import(&app, &cast.admin, &cast.organization, &document()).await;
    let set = &imported["data"]["importQuestionSet"]["questionSet"];
    assert_eq!(set["skill"], "Rust");
    assert_eq!(set["level"], "INTERMEDIATE");
    assert_eq!(set["totalQuestions"], 3);
    assert_eq!(set["generationModel"], "hand-written");
    let questions = set["questions"].as_array().expect("questions");
    assert_eq!(
        questions
            .iter()
            .map(|q| q["correctOption"].as_i64().unwrap_or(-1))
            .collect::<Vec<_>>(),
        vec![1, 0, 2]
    );
    assert_eq!(questions[0]["difficulty"], "EASY");
    assert_eq!(questions[2]["difficulty"], "MEDIUM");
    assert_eq!(questions[2]["options"], json!(["i32", "&str", "Box", "u8"]));
    assert_eq!(count(&app, "select count(*) as n from questions").await, 3);

    // A question belongs to a question set or a job description: exactly one.
    let jd = done(
        &app,
        &cast.recruiter,
        "createJobDescription",
        "CreateJobDescriptionInput",
        json!({ "organizationId": cast.organization, "title": "Backend engineer", "description": "Rust and SQL." }),
        "jobDescription { id title uploadedFileId }",
    )
    .await;
    assert_eq!(jd["jobDescription"]["uploadedFileId"], Value::Null);
    let jd_id = id(&jd["jobDescription"]["id"]);
    let both = call(
        &app,
        Some(&cast.recruiter),
        "addQuestion",
        "AddQuestionInput",
        json!({ "questionSetId": set["id"], "jobDescriptionId": jd_id, "text": "Q?", "options": ["a", "b"], "correctOption": 0 }),
        "question { id }",
    )
    .await;
    assert_eq!(only_error(&both).0, "BAD_USER_INPUT");
    let added = done(
        &app,
        &cast.recruiter,
        "addQuestion",
        "AddQuestionInput",
        json!({ "jobDescriptionId": jd_id, "text": "Why Rust?", "options": ["Speed", "Safety", "Both"], "correctOption": 2 }),
        "question { id position correctOption jobDescription { id } questionSet { id } }",
    )
    .await;
    assert_eq!(added["question"]["jobDescription"]["id"], json!(jd_id));
    assert_eq!(added["question"]["questionSet"], Value::Null);
    let mut conn = db(&app).await;
    let neither = diesel::sql_query(
        "insert into questions (id, organization_id, text, options, correct_option)
         select gen_random_uuid(), organization_id, 'x', '{a,b}', 0 from question_sets limit 1",
    )
    .execute(&mut conn)
    .await;
    assert!(
        format!("{neither:?}").contains("questions_one_parent"),
        "the database refuses a question without a parent: {neither:?}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_candidate_without_an_account_takes_a_test_end_to_end() {
    let app = TestApp::new().await;
    let cast = cast(&app, "aend").await;
    let (assessment, set) = assessment(&app, &cast, 30).await;
    let token = invite(&app, &cast.recruiter, &assessment, "ada@example.com").await;

    let started = start(&app, None, &token).await;
    assert!(started.get("errors").is_none(), "{started}");
    let secret = id(&started["data"]["startAssessment"]["sessionSecret"]);
    let view = &started["data"]["startAssessment"]["session"];
    hides_the_answers(view);
    assert_eq!(view["status"], "IN_PROGRESS");
    assert_eq!(view["isOpen"], true);
    assert_eq!(view["durationMinutes"], 30);
    assert!(view["secondsLeft"].as_i64().unwrap_or(0) > 29 * 60, "{view}");
    let questions: Vec<Value> = view["questions"]
        .as_array()
        .expect("questions")
        .iter()
        .map(|q| q["questionId"].clone())
        .collect();
    assert_eq!(questions.len(), 3);
    let expected: Vec<Value> = set["questions"]
        .as_array()
        .expect("q")
        .iter()
        .map(|q| q["id"].clone())
        .collect();
    assert_eq!(questions, expected);

    // Right, wrong, right: 2 of 3.
    for (question, option) in [(&questions[0], 1), (&questions[1], 1), (&questions[2], 2)] {
        let answered = answer(&app, &secret, question, option).await;
        assert!(answered.get("errors").is_none(), "{answered}");
        hides_the_answers(&answered["data"]["answerQuestion"]["session"]);
    }
    let view = taker(&app, &secret).await;
    hides_the_answers(&view);
    assert_eq!(view["answeredCount"], 3);
    assert_eq!(view["questions"][1]["selectedOption"], 1);
    assert!(view["questions"][1]["timeTakenSeconds"].as_i64().is_some());

    let completed = call(
        &app,
        None,
        "completeTestSession",
        "TestSessionSecretInput",
        json!({ "sessionSecret": secret }),
        &format!("session {{ {TAKER} }}"),
    )
    .await;
    let view = &completed["data"]["completeTestSession"]["session"];
    hides_the_answers(view);
    assert_eq!(view["status"], "COMPLETED");
    assert_eq!(view["isOpen"], false);
    let late = answer(&app, &secret, &questions[0], 0).await;
    assert_eq!(only_error(&late).1.as_deref(), Some("sessionSecret"));

    // The hiring team sees the exact score before the candidate does.
    let apps = applications(&app, &cast.recruiter, &assessment).await;
    let application = &apps[0];
    assert_eq!(application["status"], "COMPLETED");
    assert_eq!(application["availabilityPercentage"], 80);
    assert_eq!(application["submittedSkills"], json!(["Rust"]));
    assert_eq!(application["roleAppliedFor"], "Backend engineer");
    assert_eq!(application["candidate"]["email"], "ada@example.com");
    assert_eq!(application["candidate"]["fullName"], "Ada Lovelace");
    let session = &application["testSession"];
    assert_eq!(session["isScored"], true);
    assert_eq!(session["totalQuestions"], 3);
    assert_eq!(session["correctAnswers"], 2);
    assert_eq!(session["scorePercentage"], 66.67);
    assert_eq!(session["scoreReleasedAt"], Value::Null);
    assert_eq!(
        session["answers"]
            .as_array()
            .expect("answers")
            .iter()
            .map(|a| a["isCorrect"].clone())
            .collect::<Vec<_>>(),
        vec![json!(true), json!(false), json!(true)]
    );

    let released = done(
        &app,
        &cast.recruiter,
        "releaseScore",
        "ReleaseScoreInput",
        json!({ "testSessionId": session["id"] }),
        "testSession { scoreReleasedAt }",
    )
    .await;
    assert!(released["testSession"]["scoreReleasedAt"].is_string());
    let view = taker(&app, &secret).await;
    assert_eq!(view["scoreReleased"], true);
    let result = &view["result"];
    assert_eq!(result["totalQuestions"], 3);
    assert_eq!(result["correctAnswers"], 2);
    assert_eq!(result["scorePercentage"], 66.67);
    assert_eq!(result["answers"][1]["correctOption"], 0);
    assert_eq!(result["answers"][1]["isCorrect"], false);
}

#[tokio::test(flavor = "multi_thread")]
async fn tokens_work_once_before_they_expire() {
    let app = TestApp::new().await;
    let cast = cast(&app, "atoken").await;
    let (assessment, _) = assessment(&app, &cast, 30).await;
    let token = invite(&app, &cast.recruiter, &assessment, "candidate-atoken@example.com").await;
    // A signed-in taker is linked to the application and the candidate.
    let started = start(&app, Some(&cast.candidate), &token).await;
    assert!(started.get("errors").is_none(), "{started}");
    assert_eq!(
        count(&app, "select count(*) as n from assessment_applications a join candidates c on c.id = a.candidate_id where a.user_id is not null and c.user_id = a.user_id").await,
        1
    );
    let again = start(&app, None, &token).await;
    assert_eq!(only_error(&again).0, "NOT_FOUND");

    let expiring = invite(&app, &cast.admin, &assessment, "late@example.com").await;
    exec(&app, "update assessment_invitations set expires_at = now() - interval '1 second' where email = 'late@example.com'").await;
    let expired = start(&app, None, &expiring).await;
    assert_eq!(only_error(&expired).0, "NOT_FOUND");
    let unknown = start(&app, None, "not-a-token").await;
    assert_eq!(only_error(&unknown).0, "NOT_FOUND");
    assert_eq!(
        count(&app, "select count(*) as n from assessment_applications").await,
        1
    );
    assert_eq!(count(&app, "select count(*) as n from test_sessions").await, 1);
    assert_eq!(
        count(
            &app,
            "select count(*) as n from candidates where email = 'late@example.com'"
        )
        .await,
        0
    );

    // An expired assessment takes no new session.
    let closing = invite(&app, &cast.admin, &assessment, "closing@example.com").await;
    done(
        &app,
        &cast.admin,
        "updateAssessment",
        "UpdateAssessmentInput",
        json!({ "id": assessment, "expiresAt": "2020-01-01T00:00:00Z" }),
        "assessment { isExpired }",
    )
    .await;
    let closed = start(&app, None, &closing).await;
    assert_eq!(
        only_error(&closed),
        ("BAD_USER_INPUT".to_owned(), Some("token".to_owned()))
    );
    assert_eq!(
        count(&app, "select count(*) as n from assessment_applications").await,
        1
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn answers_after_the_deadline_are_refused_and_the_session_is_scored() {
    let app = TestApp::new().await;
    let cast = cast(&app, "adeadline").await;
    let (assessment, _) = assessment(&app, &cast, 1).await;
    let token = invite(&app, &cast.recruiter, &assessment, "slow@example.com").await;
    let started = start(&app, None, &token).await;
    let secret = id(&started["data"]["startAssessment"]["sessionSecret"]);
    let first = started["data"]["startAssessment"]["session"]["questions"][0]["questionId"].clone();
    let second = started["data"]["startAssessment"]["session"]["questions"][1]["questionId"].clone();
    let answered = answer(&app, &secret, &first, 1).await;
    assert!(answered.get("errors").is_none(), "{answered}");
    // The minute runs out (by moving the session back in time).
    exec(
        &app,
        "update test_sessions set started_at = started_at - interval '2 minutes', deadline_at = deadline_at - interval '2 minutes'",
    )
    .await;
    let late = answer(&app, &secret, &second, 0).await;
    assert_eq!(
        only_error(&late),
        ("BAD_USER_INPUT".to_owned(), Some("sessionSecret".to_owned()))
    );
    assert_eq!(count(&app, "select count(*) as n from test_answers").await, 1);
    assert_eq!(
        count(&app, "select count(*) as n from test_sessions where is_scored and completed_at = deadline_at and correct_answers = 1").await,
        1
    );
    let view = taker(&app, &secret).await;
    hides_the_answers(&view);
    assert_eq!(view["isOpen"], false);
    assert_eq!(view["secondsLeft"], 0);
    assert_eq!(view["status"], "COMPLETED");
    let apps = applications(&app, &cast.admin, &assessment).await;
    assert_eq!(apps[0]["testSession"]["scorePercentage"], 33.33);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_question_is_answered_once_even_concurrently() {
    let app = TestApp::new().await;
    let cast = cast(&app, "aconc").await;
    let (assessment, _) = assessment(&app, &cast, 30).await;
    let token = invite(&app, &cast.recruiter, &assessment, "twice@example.com").await;
    let started = start(&app, None, &token).await;
    let secret = id(&started["data"]["startAssessment"]["sessionSecret"]);
    let question = started["data"]["startAssessment"]["session"]["questions"][0]["questionId"].clone();
    let (a, b) = tokio::join!(
        answer(&app, &secret, &question, 1),
        answer(&app, &secret, &question, 0)
    );
    let mut outcomes = vec![codes(&a), codes(&b)];
    outcomes.sort();
    assert_eq!(
        outcomes,
        vec![Vec::<String>::new(), vec!["CONFLICT".to_owned()]],
        "{a} {b}"
    );
    let again = answer(&app, &secret, &question, 2).await;
    assert_eq!(only_error(&again).0, "CONFLICT");
    assert_eq!(count(&app, "select count(*) as n from test_answers").await, 1);
    let out_of_range = answer(
        &app,
        &secret,
        &started["data"]["startAssessment"]["session"]["questions"][1]["questionId"],
        7,
    )
    .await;
    assert_eq!(only_error(&out_of_range).1.as_deref(), Some("selectedOption"));
}

#[tokio::test(flavor = "multi_thread")]
async fn every_role_reads_and_changes_only_what_its_role_allows() {
    let app = TestApp::new().await;
    let cast = cast(&app, "amatrix").await;
    let (assessment, set) = assessment(&app, &cast, 30).await;
    let jd = done(
        &app,
        &cast.admin,
        "createJobDescription",
        "CreateJobDescriptionInput",
        json!({ "organizationId": cast.organization, "title": "Backend engineer" }),
        "jobDescription { id }",
    )
    .await;
    let jd = id(&jd["jobDescription"]["id"]);
    let invited = done(
        &app,
        &cast.recruiter,
        "inviteToAssessment",
        "InviteToAssessmentInput",
        json!({ "assessmentId": assessment, "email": "matrix@example.com" }),
        "token invitation { id }",
    )
    .await;
    let invitation = id(&invited["invitation"]["id"]);
    let started = start(&app, None, &id(&invited["token"])).await;
    let secret = id(&started["data"]["startAssessment"]["sessionSecret"]);
    let question = started["data"]["startAssessment"]["session"]["questions"][0]["questionId"].clone();
    answer(&app, &secret, &question, 1).await;
    let apps = applications(&app, &cast.admin, &assessment).await;
    let application = id(&apps[0]["id"]);
    let session = id(&apps[0]["testSession"]["id"]);
    let answer_id = id(&apps[0]["testSession"]["answers"][0]["id"]);
    let question = id(&question);

    // Reads: (object, [admin, recruiter, interviewer, manager, outsider, candidate, anonymous]).
    let team = [
        "ok",
        "ok",
        "NOT_FOUND",
        "NOT_FOUND",
        "NOT_FOUND",
        "NOT_FOUND",
        "UNAUTHENTICATED",
    ];
    let members = [
        "ok",
        "ok",
        "ok",
        "ok",
        "NOT_FOUND",
        "NOT_FOUND",
        "UNAUTHENTICATED",
    ];
    let set_id = id(&set["id"]);
    for (object, expected) in [
        (&jd, members),
        (&set_id, members),
        (&assessment, members),
        (&question, team),
        (&invitation, team),
        (&application, team),
        (&session, team),
        (&answer_id, team),
    ] {
        let mut got = Vec::new();
        for (_, who) in cast.everyone() {
            got.push(node_code(&app, who, object).await);
        }
        assert_eq!(got, expected, "reading {object}");
    }
    // A member who is not on the hiring team sees the configuration without the questions.
    let seen = app
        .ok(
            "query($id: ID!) { node(id: $id) { ... on QuestionSet { questions { id } } } }",
            json!({ "id": set_id }),
            Some(&cast.interviewer.access_token),
        )
        .await;
    assert_eq!(seen["node"]["questions"], json!([]));

    // Changes, by everyone: admin and recruiter may, the others are refused.
    let changes: Vec<(&str, &str, Value, &str)> = vec![
        (
            "createJobDescription",
            "CreateJobDescriptionInput",
            json!({ "organizationId": cast.organization, "title": "JD" }),
            "jobDescription { id }",
        ),
        (
            "importQuestionSet",
            "ImportQuestionSetInput",
            json!({ "organizationId": cast.organization, "document": document() }),
            "questionSet { id }",
        ),
        (
            "addQuestion",
            "AddQuestionInput",
            json!({ "questionSetId": set_id, "text": "More?", "options": ["a", "b"], "correctOption": 1 }),
            "question { id }",
        ),
        (
            "createAssessment",
            "CreateAssessmentInput",
            json!({ "organizationId": cast.organization, "title": "Another", "durationMinutes": 10 }),
            "assessment { id }",
        ),
        (
            "updateAssessment",
            "UpdateAssessmentInput",
            json!({ "id": assessment, "durationMinutes": 45, "jobDescriptionId": jd }),
            "assessment { durationMinutes jobDescription { id } }",
        ),
        (
            "inviteToAssessment",
            "InviteToAssessmentInput",
            json!({ "assessmentId": assessment, "email": "someone@example.com" }),
            "token",
        ),
        (
            "releaseScore",
            "ReleaseScoreInput",
            json!({ "testSessionId": session }),
            "testSession { id }",
        ),
    ];
    // releaseScore needs a scored session.
    call(
        &app,
        None,
        "completeTestSession",
        "TestSessionSecretInput",
        json!({ "sessionSecret": secret }),
        "session { status }",
    )
    .await;
    for (name, input_type, input, selection) in &changes {
        let mut got = Vec::new();
        for (_, who) in cast.everyone() {
            let response = call(&app, who, name, input_type, input.clone(), selection).await;
            got.push(if response.get("errors").is_none() {
                "ok".to_owned()
            } else {
                only_error(&response).0
            });
        }
        let refused_member = if *name == "releaseScore" {
            "NOT_FOUND"
        } else {
            "FORBIDDEN"
        };
        assert_eq!(
            got,
            vec![
                "ok",
                "ok",
                refused_member,
                refused_member,
                "NOT_FOUND",
                "NOT_FOUND",
                "UNAUTHENTICATED"
            ],
            "{name}"
        );
    }
    // The taker's side needs no account, and a wrong secret opens nothing.
    let query = format!("query($s: String!) {{ testTakerSession(sessionSecret: $s) {{ {TAKER} }} }}");
    let wrong = app.gql(&query, json!({ "s": "wrong" }), None).await;
    assert_eq!(only_error(&wrong).0, "NOT_FOUND");
    // Organisation listing: its members only (the first assessment and one each by the admin
    // and the recruiter above).
    let listing = "query($id: ID!) { organizationAssessments(organizationId: $id) { totalCount edges { node { id } } } }";
    let seen = app
        .ok(
            listing,
            json!({ "id": cast.organization }),
            Some(&cast.interviewer.access_token),
        )
        .await;
    assert_eq!(seen["organizationAssessments"]["totalCount"], 3);
    let seen = app
        .ok(
            listing,
            json!({ "id": cast.organization }),
            Some(&cast.outsider.access_token),
        )
        .await;
    assert_eq!(seen["organizationAssessments"]["totalCount"], 0);
}

const STREAKS: &str =
    "{ viewer { loginStreak { current longest lastDate } quizStreak { current longest lastDate } } }";

async fn sign_in(app: &TestApp, email: &str) -> Account {
    let data = app
        .ok(
            "mutation($input: CredentialsInput!) { signIn(input: $input) { accessToken refreshToken user { id } } }",
            json!({ "input": { "email": email, "password": crate::support::PASSWORD } }),
            None,
        )
        .await;
    Account {
        access_token: data["signIn"]["accessToken"]
            .as_str()
            .unwrap_or_default()
            .to_owned(),
        refresh_token: data["signIn"]["refreshToken"]
            .as_str()
            .unwrap_or_default()
            .to_owned(),
        user_id: data["signIn"]["user"]["id"]
            .as_str()
            .unwrap_or_default()
            .to_owned(),
    }
}

async fn streaks(app: &TestApp, who: &Account) -> Value {
    app.ok(STREAKS, json!({}), Some(&who.access_token)).await["viewer"].clone()
}

#[tokio::test(flavor = "multi_thread")]
async fn streaks_count_consecutive_days_of_sign_in_and_of_completed_tests() {
    let app = TestApp::new().await;
    let cast = cast(&app, "strk").await;
    let email = "candidate-strk@example.com";
    let today = chrono::Utc::now().date_naive().to_string();
    let seen = streaks(&app, &cast.candidate).await;
    assert_eq!(
        seen["loginStreak"],
        json!({ "current": 1, "longest": 1, "lastDate": today })
    );
    assert_eq!(
        seen["quizStreak"],
        json!({ "current": 0, "longest": 0, "lastDate": null })
    );

    // The same day counts once; the day after the last one adds a day; a gap starts again.
    let me = sign_in(&app, email).await;
    assert_eq!(streaks(&app, &me).await["loginStreak"]["current"], 1);
    let day = |offset: i32| format!("((now() at time zone 'utc')::date - {offset})");
    exec(&app, &format!("update users set last_login_date = {}, login_streak = 4, login_streak_max = 4 where email = '{email}'", day(1))).await;
    let me = sign_in(&app, email).await;
    assert_eq!(
        streaks(&app, &me).await["loginStreak"],
        json!({ "current": 5, "longest": 5, "lastDate": today })
    );
    exec(
        &app,
        &format!(
            "update users set last_login_date = {} where email = '{email}'",
            day(3)
        ),
    )
    .await;
    // Not signed in since: the run is broken.
    assert_eq!(streaks(&app, &me).await["loginStreak"]["current"], 0);
    let me = sign_in(&app, email).await;
    assert_eq!(
        streaks(&app, &me).await["loginStreak"],
        json!({ "current": 1, "longest": 5, "lastDate": today })
    );

    // A test session completed while signed in counts a quiz day; an anonymous one counts for nobody.
    let (first, _) = assessment(&app, &cast, 30).await;
    let token = invite(&app, &cast.recruiter, &first, email).await;
    let started = start(&app, Some(&me), &token).await;
    let secret = id(&started["data"]["startAssessment"]["sessionSecret"]);
    let complete = |secret: String| {
        let app = &app;
        async move {
            call(
                app,
                None,
                "completeTestSession",
                "TestSessionSecretInput",
                json!({ "sessionSecret": secret }),
                "session { status }",
            )
            .await
        }
    };
    assert_eq!(
        complete(secret.clone()).await["data"]["completeTestSession"]["session"]["status"],
        "COMPLETED"
    );
    assert_eq!(
        streaks(&app, &me).await["quizStreak"],
        json!({ "current": 1, "longest": 1, "lastDate": today })
    );
    // Completing it again changes nothing.
    complete(secret).await;
    assert_eq!(streaks(&app, &me).await["quizStreak"]["current"], 1);
    exec(&app, &format!("update users set last_quiz_date = {}, quiz_streak = 2, quiz_streak_max = 2 where email = '{email}'", day(1))).await;
    let (second, _) = assessment(&app, &cast, 30).await;
    let token = invite(&app, &cast.recruiter, &second, email).await;
    let started = start(&app, Some(&me), &token).await;
    let secret = id(&started["data"]["startAssessment"]["sessionSecret"]);
    complete(secret).await;
    assert_eq!(
        streaks(&app, &me).await["quizStreak"],
        json!({ "current": 3, "longest": 3, "lastDate": today })
    );
    let token = invite(&app, &cast.recruiter, &second, "someone-else-strk@example.com").await;
    let started = start(&app, None, &token).await;
    complete(id(&started["data"]["startAssessment"]["sessionSecret"])).await;
    assert_eq!(streaks(&app, &me).await["quizStreak"]["current"], 3);
}
