//! The seeds' last fields (issue #23, items 3 to 10): re-applying to a posting, private records
//! that never reach an organisation, projects under an education, and the details around them.

use serde_json::{Value, json};

use crate::applications::transition;
use crate::career::{mutate, refused};
use crate::hiring::{Cast, call, cast, create_requisition, done, id, node_code, open_and_publish};
use crate::support::{Account, TestApp, only_error};

async fn posting(app: &TestApp, who: &Account) -> String {
    let made = mutate(
        app,
        who,
        "createJobPosting",
        json!({ "companyName": "Globex", "jobTitle": "Staff Engineer", "description": "Rust and Kafka" }),
        "jobPosting { id }",
    )
    .await;
    id(&made["jobPosting"]["id"])
}

async fn apply_to(app: &TestApp, who: &Account, posting: &str) -> String {
    let made = mutate(
        app,
        who,
        "createApplication",
        json!({ "jobPostingId": posting }),
        "application { id status }",
    )
    .await;
    assert_eq!(made["application"]["status"], "DRAFT", "{made}");
    id(&made["application"]["id"])
}

async fn applications_of(app: &TestApp, who: &Account, posting: &str) -> Value {
    app.ok(
        "query($id: ID!) { node(id: $id) { ... on JobPosting { application { id status } applications { id status } } } }",
        json!({ "id": posting }),
        Some(&who.access_token),
    )
    .await["node"]
        .clone()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_posting_takes_a_new_application_once_the_last_is_closed() {
    let app = TestApp::new().await;
    let me = app.sign_up("reapply@example.com").await;
    let other = app.sign_up("reapply-other@example.com").await;
    let posting = posting(&app, &me).await;

    let first = apply_to(&app, &me, &posting).await;
    // One open application blocks another.
    let blocked = refused(&app, &me, "createApplication", json!({ "jobPostingId": posting })).await;
    assert_eq!(blocked.0, "CONFLICT");
    // Someone else's posting is not found, open application or not.
    let foreign = refused(
        &app,
        &other,
        "createApplication",
        json!({ "jobPostingId": posting }),
    )
    .await;
    assert_eq!(foreign.0, "NOT_FOUND");

    // After a rejection a second application may start; the first keeps its history.
    let rejected = transition(&app, &me, &first, "REJECTED").await;
    assert!(rejected.get("errors").is_none(), "{rejected}");
    let second = apply_to(&app, &me, &posting).await;
    assert_ne!(second, first);
    let seen = applications_of(&app, &me, &posting).await;
    assert_eq!(seen["application"], json!({ "id": second, "status": "DRAFT" }));
    assert_eq!(
        seen["applications"],
        json!([{ "id": second, "status": "DRAFT" }, { "id": first, "status": "REJECTED" }])
    );
    let again = refused(&app, &me, "createApplication", json!({ "jobPostingId": posting })).await;
    assert_eq!(again.0, "CONFLICT");

    // Withdrawn and accepted close an application too.
    let withdrawn = transition(&app, &me, &second, "WITHDRAWN").await;
    assert!(withdrawn.get("errors").is_none(), "{withdrawn}");
    let third = apply_to(&app, &me, &posting).await;
    for to in [
        "GENERATED",
        "SUBMITTED",
        "SCREENING",
        "INTERVIEWING",
        "OFFER",
        "ACCEPTED",
    ] {
        let moved = transition(&app, &me, &third, to).await;
        assert!(moved.get("errors").is_none(), "{moved}");
    }
    let fourth = apply_to(&app, &me, &posting).await;
    let seen = applications_of(&app, &me, &posting).await;
    let statuses: Vec<&Value> = seen["applications"]
        .as_array()
        .map(|a| a.iter().map(|a| &a["status"]).collect())
        .unwrap_or_default();
    assert_eq!(
        statuses,
        [
            &json!("DRAFT"),
            &json!("ACCEPTED"),
            &json!("WITHDRAWN"),
            &json!("REJECTED")
        ]
    );
    assert_eq!(seen["application"]["id"], json!(fourth));
    // The other user sees none of it.
    let hidden = app
        .gql(
            "query($id: ID!) { node(id: $id) { id } }",
            json!({ "id": posting }),
            Some(&other.access_token),
        )
        .await;
    assert_eq!(only_error(&hidden).0, "NOT_FOUND");
}

/// The candidate's record: a shared experience using Rust with a shared bullet, a private
/// bullet, a private project and a shared STAR story; a private experience with a bullet.
struct Record {
    shared_experience: String,
    private_experience: String,
    shared_bullet: String,
    private_bullet: String,
    under_private: String,
    private_project: String,
    story: String,
}

async fn record(app: &TestApp, me: &Account) -> Record {
    let experience = |company: &str, visibility: &str| {
        json!({ "companyName": company, "jobTitle": "Engineer", "employmentType": "FULL_TIME",
                "startDate": "2020-01-01", "visibility": visibility, "details": format!("{company} details") })
    };
    let shared = mutate(
        app,
        me,
        "createExperience",
        experience("Initech", "SHARED"),
        "experience { id visibility details }",
    )
    .await;
    assert_eq!(shared["experience"]["visibility"], "SHARED");
    assert_eq!(shared["experience"]["details"], "Initech details");
    let shared_experience = id(&shared["experience"]["id"]);
    let private = mutate(
        app,
        me,
        "createExperience",
        experience("Secret Labs", "PRIVATE"),
        "experience { id visibility }",
    )
    .await;
    assert_eq!(private["experience"]["visibility"], "PRIVATE");
    let private_experience = id(&private["experience"]["id"]);
    for experience in [&shared_experience, &private_experience] {
        mutate(
            app,
            me,
            "setExperienceSkill",
            json!({ "experienceId": experience, "skillName": "Rust", "prominence": "PRIMARY" }),
            "experienceSkill { id }",
        )
        .await;
    }
    let bullet = |experience: &str, text: &str, visibility: &str| json!({ "experienceId": experience, "text": text, "visibility": visibility, "importance": "HIGH" });
    let shared_bullet = id(&mutate(
        app,
        me,
        "createBullet",
        bullet(&shared_experience, "Shipped the Rust ledger", "SHARED"),
        "bullet { id }",
    )
    .await["bullet"]["id"]);
    let private_bullet = id(&mutate(
        app,
        me,
        "createBullet",
        bullet(&shared_experience, "Negotiated my own raise in Rust", "PRIVATE"),
        "bullet { id }",
    )
    .await["bullet"]["id"]);
    let under_private = id(&mutate(
        app,
        me,
        "createBullet",
        bullet(&private_experience, "Rust work under NDA", "SHARED"),
        "bullet { id }",
    )
    .await["bullet"]["id"]);
    let private_project = id(&mutate(
        app,
        me,
        "createProject",
        json!({ "experienceId": shared_experience, "name": "Side deal", "visibility": "PRIVATE" }),
        "project { id }",
    )
    .await["project"]["id"]);
    let story = id(&mutate(
        app,
        me,
        "createStarStory",
        json!({ "experienceId": shared_experience, "situation": "s", "task": "t", "action": "a", "result": "r" }),
        "starStory { id visibility }",
    )
    .await["starStory"]["id"]);
    Record {
        shared_experience,
        private_experience,
        shared_bullet,
        private_bullet,
        under_private,
        private_project,
        story,
    }
}

async fn applied(app: &TestApp, cast: &Cast) -> String {
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
    let applied = call(
        app,
        Some(&cast.candidate),
        "applyToRequisition",
        "ApplyToRequisitionInput",
        json!({ "requisitionId": requisition }),
        "application { id }",
    )
    .await;
    assert!(applied.get("errors").is_none(), "{applied}");
    requisition
}

const PIPELINE: &str = "query($id: ID!) { node(id: $id) { ... on Requisition {
    candidacies(first: 1) { edges { node { submittedRecord skillGap { matched { skill { name } } }
      candidate { profile { technicalReview {
        experiences(first: 5) { totalCount edges { node { companyName
          bullets(first: 10) { edges { node { text } } } projects(first: 5) { totalCount } starStories(first: 5) { totalCount } } } }
        skillMatrix { skill { name } experienceCount } } } } } } } } } }";

#[tokio::test(flavor = "multi_thread")]
async fn a_private_record_never_reaches_an_organisation() {
    let app = TestApp::new().await;
    let cast = cast(&app, "private").await;
    let me = &cast.candidate;
    let record = record(&app, me).await;
    let requisition = applied(&app, &cast).await;

    // node: the shared records read, the private ones and what is under them do not.
    for (object, want) in [
        (&record.shared_experience, "ok"),
        (&record.shared_bullet, "ok"),
        (&record.story, "ok"),
        (&record.private_experience, "NOT_FOUND"),
        (&record.private_bullet, "NOT_FOUND"),
        (&record.under_private, "NOT_FOUND"),
        (&record.private_project, "NOT_FOUND"),
    ] {
        assert_eq!(
            node_code(&app, Some(&cast.recruiter), object).await,
            want,
            "{object}"
        );
        assert_eq!(
            node_code(&app, Some(&cast.manager), object).await,
            want,
            "{object}"
        );
        assert_eq!(node_code(&app, Some(me), object).await, "ok", "{object}");
        assert_eq!(node_code(&app, Some(&cast.outsider), object).await, "NOT_FOUND");
    }

    // The pipeline view: lists, the skill matrix and the fit leave them out.
    let seen = app
        .ok(
            PIPELINE,
            json!({ "id": requisition }),
            Some(&cast.recruiter.access_token),
        )
        .await;
    let candidacy = &seen["node"]["candidacies"]["edges"][0]["node"];
    let review = &candidacy["candidate"]["profile"]["technicalReview"];
    assert_eq!(review["experiences"]["totalCount"], 1, "{review}");
    let experience = &review["experiences"]["edges"][0]["node"];
    assert_eq!(experience["companyName"], "Initech");
    assert_eq!(
        experience["bullets"]["edges"],
        json!([{ "node": { "text": "Shipped the Rust ledger" } }])
    );
    assert_eq!(experience["projects"]["totalCount"], 0);
    assert_eq!(experience["starStories"]["totalCount"], 1);
    assert_eq!(
        review["skillMatrix"],
        json!([{ "skill": { "name": "Rust" }, "experienceCount": 1 }])
    );

    // The snapshot the candidacy keeps.
    let snapshot = &candidacy["submittedRecord"];
    let companies: Vec<&Value> = snapshot["experiences"]
        .as_array()
        .map(|e| e.iter().map(|e| &e["companyName"]).collect())
        .unwrap_or_default();
    assert_eq!(companies, [&json!("Initech")], "{snapshot}");
    assert_eq!(
        snapshot["experiences"][0]["bullets"],
        json!(["Shipped the Rust ledger"])
    );
    assert_eq!(snapshot["experiences"][0]["projects"], json!([]));
    assert!(!snapshot.to_string().contains("NDA"), "{snapshot}");
    assert!(!snapshot.to_string().contains("raise"), "{snapshot}");

    // The owner still reads all of it.
    let own = app
        .ok(
            "{ viewer { profile { technicalReview { experiences { totalCount } } } } }",
            json!({}),
            Some(&me.access_token),
        )
        .await;
    assert_eq!(
        own["viewer"]["profile"]["technicalReview"]["experiences"]["totalCount"],
        2
    );

    // Marking the shared experience private takes it, and everything under it, away at once.
    let changed = mutate(
        &app,
        me,
        "updateExperience",
        json!({ "id": record.shared_experience, "visibility": "PRIVATE" }),
        "experience { visibility }",
    )
    .await;
    assert_eq!(changed["experience"]["visibility"], "PRIVATE");
    for object in [&record.shared_experience, &record.shared_bullet, &record.story] {
        assert_eq!(node_code(&app, Some(&cast.recruiter), object).await, "NOT_FOUND");
    }
    // And back.
    mutate(
        &app,
        me,
        "updateExperience",
        json!({ "id": record.shared_experience, "visibility": "SHARED" }),
        "experience { visibility }",
    )
    .await;
    assert_eq!(
        node_code(&app, Some(&cast.recruiter), &record.shared_bullet).await,
        "ok"
    );
    // Only the owner changes a record's visibility.
    let foreign = refused(
        &app,
        &cast.recruiter,
        "updateBullet",
        json!({ "id": record.private_bullet, "visibility": "SHARED" }),
    )
    .await;
    assert_eq!(foreign.0, "NOT_FOUND");
    let foreign = refused(
        &app,
        &cast.recruiter,
        "updateBullet",
        json!({ "id": record.shared_bullet, "visibility": "PRIVATE" }),
    )
    .await;
    assert_eq!(foreign.0, "NOT_FOUND");
    assert_eq!(
        node_code(&app, Some(&cast.recruiter), &record.shared_bullet).await,
        "ok"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn projects_belong_to_an_experience_an_education_or_neither() {
    let app = TestApp::new().await;
    let me = app.sign_up("items@example.com").await;
    let other = app.sign_up("items-other@example.com").await;
    let education = id(&mutate(
        &app,
        &me,
        "createEducation",
        json!({ "institutionName": "MIT", "degree": "MSc" }),
        "education { id }",
    )
    .await["education"]["id"]);
    let experience = id(&mutate(
        &app,
        &me,
        "createExperience",
        json!({ "companyName": "Initech", "jobTitle": "Engineer", "employmentType": "FULL_TIME", "startDate": "2020-01-01" }),
        "experience { id details }",
    )
    .await["experience"]["id"]);

    let thesis = mutate(
        &app,
        &me,
        "createProject",
        json!({ "educationId": education, "name": "Thesis on ledgers", "experienceType": "thesis",
                "tags": ["research", "databases"], "details": "Graded A" }),
        "project { id experienceType tags details visibility experience { id } education { id institutionName } }",
    )
    .await["project"]
        .clone();
    assert_eq!(thesis["experienceType"], "thesis");
    assert_eq!(thesis["tags"], json!(["research", "databases"]));
    assert_eq!(thesis["details"], "Graded A");
    assert_eq!(thesis["visibility"], "SHARED");
    assert_eq!(thesis["experience"], Value::Null);
    assert_eq!(thesis["education"]["institutionName"], "MIT");
    let thesis = id(&thesis["id"]);
    let listed = app
        .ok(
            "query($id: ID!) { node(id: $id) { ... on Education { projects { totalCount edges { node { id } } } } } }",
            json!({ "id": education }),
            Some(&me.access_token),
        )
        .await;
    assert_eq!(
        listed["node"]["projects"]["edges"][0]["node"]["id"],
        json!(thesis)
    );

    // Not both parents; another user's education is not found.
    let both = refused(
        &app,
        &me,
        "createProject",
        json!({ "educationId": education, "experienceId": experience, "name": "Both" }),
    )
    .await;
    assert_eq!(
        both,
        ("BAD_USER_INPUT".to_owned(), Some("educationId".to_owned()))
    );
    let moved = refused(
        &app,
        &me,
        "updateProject",
        json!({ "id": thesis, "experienceId": experience }),
    )
    .await;
    assert_eq!(moved.0, "BAD_USER_INPUT");
    let foreign = refused(
        &app,
        &other,
        "createProject",
        json!({ "educationId": education, "name": "Mine now" }),
    )
    .await;
    assert_eq!(foreign.0, "NOT_FOUND");
    // Moving it from the education to the experience in one change is allowed.
    let moved = mutate(
        &app,
        &me,
        "updateProject",
        json!({ "id": thesis, "experienceId": experience, "educationId": null, "tags": null }),
        "project { experience { id } education { id } tags }",
    )
    .await;
    assert_eq!(moved["project"]["experience"]["id"], json!(experience));
    assert_eq!(moved["project"]["education"], Value::Null);
    assert_eq!(moved["project"]["tags"], json!([]));
    // Deleting the education takes its projects with it.
    let course = id(&mutate(
        &app,
        &me,
        "createProject",
        json!({ "educationId": education, "name": "Compilers course" }),
        "project { id }",
    )
    .await["project"]["id"]);
    mutate(
        &app,
        &me,
        "deleteEducation",
        json!({ "id": education }),
        "deletedId",
    )
    .await;
    assert_eq!(node_code(&app, Some(&me), &course).await, "NOT_FOUND");
    assert_eq!(node_code(&app, Some(&me), &thesis).await, "ok");

    let details = mutate(
        &app,
        &me,
        "updateExperience",
        json!({ "id": experience, "details": "Team of five" }),
        "experience { details }",
    )
    .await;
    assert_eq!(details["experience"]["details"], "Team of five");
}

#[tokio::test(flavor = "multi_thread")]
async fn skill_links_and_manual_matches_carry_their_times() {
    let app = TestApp::new().await;
    let me = app.sign_up("times@example.com").await;
    let experience = id(&mutate(
        &app,
        &me,
        "createExperience",
        json!({ "companyName": "Initech", "jobTitle": "Engineer", "employmentType": "FULL_TIME", "startDate": "2020-01-01" }),
        "experience { id }",
    )
    .await["experience"]["id"]);
    let link = mutate(
        &app,
        &me,
        "setExperienceSkill",
        json!({ "experienceId": experience, "skillName": "Rust", "prominence": "PRIMARY" }),
        "experienceSkill { createdAt updatedAt }",
    )
    .await;
    assert!(link["experienceSkill"]["createdAt"].is_string(), "{link}");
    assert!(link["experienceSkill"]["updatedAt"].is_string(), "{link}");
    let claim = mutate(
        &app,
        &me,
        "setCandidateSkill",
        json!({ "skillName": "Rust", "proficiency": "EXPERT" }),
        "candidateSkill { createdAt updatedAt }",
    )
    .await;
    assert!(claim["candidateSkill"]["createdAt"].is_string(), "{claim}");
    let posting = posting(&app, &me).await;
    let matches = app
        .ok(
            "query($id: ID!) { node(id: $id) { ... on JobPosting { matches { edges { node { creationSource createdAt updatedAt } } } } } }",
            json!({ "id": posting }),
            Some(&me.access_token),
        )
        .await;
    let computed = &matches["node"]["matches"]["edges"][0]["node"];
    assert_eq!(computed["creationSource"], "COMPUTED", "{matches}");
    assert_eq!(computed["createdAt"], Value::Null);
}
