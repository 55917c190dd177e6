//! The hiring team's evaluation: notes on candidacies, interviews and feedback, with the access
//! policy as a matrix of roles × objects × operations.

use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};
use serde_json::{Value, json};

use crate::career::mutate;
use crate::hiring::{
    Cast, call, cast, create_requisition, done, id, invite, join, node_code, open_and_publish,
};
use crate::support::{Account, TestApp, codes, only_error};

/// The roles of the matrix, in its column order: the organisation's admin (its owner), a
/// recruiter, the interviewer assigned to the interviews, an interviewer assigned to none, the
/// requisition's hiring manager (an interviewer by role), the candidate, a member of another
/// organisation, and a client without a token.
const ROLES: [&str; 8] = [
    "admin",
    "recruiter",
    "interviewer",
    "bystander",
    "manager",
    "candidate",
    "outsider",
    "anonymous",
];

/// The cast of `hiring.rs` with a second interviewer, and a candidacy: the candidate applied
/// to a published requisition the manager manages.
struct Stage {
    cast: Cast,
    bystander: Account,
    bystander_member: String,
    requisition: String,
    /// An experience of the candidate's career record, which they share by applying.
    experience: String,
    candidacy: String,
}

impl Stage {
    async fn new(app: &TestApp, tag: &str) -> Self {
        let cast = cast(app, tag).await;
        let bystander = app.sign_up(&format!("bystander-{tag}@example.com")).await;
        let token = invite(
            app,
            &cast.admin,
            &cast.organization,
            &format!("bystander-{tag}@example.com"),
            "INTERVIEWER",
        )
        .await;
        let bystander_member = join(app, &bystander, &token).await;
        let requisition = create_requisition(app, &cast, "Evaluated role").await;
        open_and_publish(app, &cast.recruiter, &requisition).await;
        let experience = mutate(
            app,
            &cast.candidate,
            "createExperience",
            json!({ "companyName": "Initech", "jobTitle": "Engineer", "employmentType": "FULL_TIME", "startDate": "2020-01-01" }),
            "experience { id }",
        )
        .await;
        let experience = id(&experience["experience"]["id"]);
        apply(app, &cast.candidate, &requisition).await;
        let candidacy = candidacy_of(app, &cast.recruiter, &requisition, 0).await;
        Self {
            cast,
            bystander,
            bystander_member,
            requisition,
            experience,
            candidacy,
        }
    }

    /// Everyone, in [`ROLES`] order (`None`: no token).
    fn everyone(&self) -> [Option<&Account>; 8] {
        let cast = &self.cast;
        [
            Some(&cast.admin),
            Some(&cast.recruiter),
            Some(&cast.interviewer),
            Some(&self.bystander),
            Some(&cast.manager),
            Some(&cast.candidate),
            Some(&cast.outsider),
            None,
        ]
    }

    /// `node(id:)` by every role: `ok` or the error code.
    async fn reads(&self, app: &TestApp, object: &str) -> Vec<String> {
        let mut seen = Vec::new();
        for who in self.everyone() {
            seen.push(node_code(app, who, object).await);
        }
        seen
    }

    /// A mutation by every role: `ok` or the error codes, in [`ROLES`] order. `last` (a role)
    /// goes after all the others, so that a deletion it makes does not decide their cells.
    async fn tries(
        &self,
        app: &TestApp,
        (name, input_type, selection): (&str, &str, &str),
        last: &str,
        input: impl Fn(&str) -> Value,
    ) -> Vec<String> {
        let mut order: Vec<usize> = (0..ROLES.len()).filter(|i| ROLES[*i] != last).collect();
        order.extend((0..ROLES.len()).filter(|i| ROLES[*i] == last));
        let everyone = self.everyone();
        let mut seen = vec![String::new(); ROLES.len()];
        for i in order {
            let response = call(app, everyone[i], name, input_type, input(ROLES[i]), selection).await;
            seen[i] = if response.get("errors").is_none() {
                "ok".to_owned()
            } else {
                codes(&response).join(",")
            };
        }
        seen
    }
}

pub async fn apply(app: &TestApp, who: &Account, requisition: &str) {
    done(
        app,
        who,
        "applyToRequisition",
        "ApplyToRequisitionInput",
        json!({ "requisitionId": requisition }),
        "application { id }",
    )
    .await;
}

/// The `index`th candidacy (oldest first) of the requisition, as `who` sees it.
pub async fn candidacy_of(app: &TestApp, who: &Account, requisition: &str, index: usize) -> String {
    let data = app
        .ok(
            "query($id: ID!) { node(id: $id) { ... on Requisition { candidacies { edges { node { id } } } } } }",
            json!({ "id": requisition }),
            Some(&who.access_token),
        )
        .await;
    id(&data["node"]["candidacies"]["edges"][index]["node"]["id"])
}

fn expect(cells: [&str; 8]) -> Vec<String> {
    cells.iter().map(|cell| (*cell).to_owned()).collect()
}

const ADD_NOTE: (&str, &str, &str) = ("addCandidacyNote", "AddCandidacyNoteInput", "note { id text }");
const UPDATE_NOTE: (&str, &str, &str) = (
    "updateCandidacyNote",
    "UpdateCandidacyNoteInput",
    "note { text noteType isPrivate }",
);
const DELETE_NOTE: (&str, &str, &str) = ("deleteCandidacyNote", "IdInput", "deletedId");

async fn add_note(app: &TestApp, who: &Account, candidacy: &str, text: &str, private: bool) -> String {
    let added = done(
        app,
        who,
        ADD_NOTE.0,
        ADD_NOTE.1,
        json!({ "candidacyId": candidacy, "text": text, "noteType": "FOLLOW_UP", "isPrivate": private }),
        "note { id text noteType isPrivate author { role isViewer } candidacy { id } }",
    )
    .await;
    let note = &added["note"];
    assert_eq!(note["text"], text);
    assert_eq!(note["noteType"], "FOLLOW_UP");
    assert_eq!(note["isPrivate"], private);
    assert_eq!(note["author"]["isViewer"], true);
    assert_eq!(note["candidacy"]["id"], json!(candidacy));
    id(&note["id"])
}

/// How many notes of the candidacy each role reads (-1: the candidacy itself is hidden).
async fn notes_seen(app: &TestApp, stage: &Stage) -> Vec<i64> {
    let mut seen = Vec::new();
    for who in stage.everyone() {
        let response = app
            .gql(
                "query($id: ID!) { node(id: $id) { ... on Candidacy { notes { id } } } }",
                json!({ "id": stage.candidacy }),
                who.map(|a| a.access_token.as_str()),
            )
            .await;
        seen.push(
            response["data"]["node"]["notes"]
                .as_array()
                .map_or(-1, |notes| notes.len() as i64),
        );
    }
    seen
}

#[tokio::test(flavor = "multi_thread")]
async fn notes_are_for_the_hiring_team_and_private_ones_for_their_author() {
    let app = TestApp::new().await;
    let stage = Stage::new(&app, "notes").await;
    let cast = &stage.cast;
    let shared = add_note(
        &app,
        &cast.recruiter,
        &stage.candidacy,
        "Strong Rust answers.",
        false,
    )
    .await;
    let private = add_note(
        &app,
        &cast.recruiter,
        &stage.candidacy,
        "Salary may be an issue.",
        true,
    )
    .await;
    let by_admin = add_note(&app, &cast.admin, &stage.candidacy, "Call back on Monday.", false).await;

    assert_eq!(
        stage.reads(&app, &shared).await,
        expect([
            "ok",
            "ok",
            "NOT_FOUND",
            "NOT_FOUND",
            "NOT_FOUND",
            "NOT_FOUND",
            "NOT_FOUND",
            "UNAUTHENTICATED"
        ]),
        "reads of a shared note"
    );
    assert_eq!(
        stage.reads(&app, &private).await,
        expect([
            "NOT_FOUND",
            "ok",
            "NOT_FOUND",
            "NOT_FOUND",
            "NOT_FOUND",
            "NOT_FOUND",
            "NOT_FOUND",
            "UNAUTHENTICATED"
        ]),
        "reads of a private note"
    );
    assert_eq!(
        notes_seen(&app, &stage).await,
        [2, 3, -1, -1, 0, -1, -1, -1],
        "Candidacy.notes per role"
    );

    // Adding: the hiring team; the hiring manager reads the candidacy but may not write on it.
    let added = stage
        .tries(
            &app,
            ADD_NOTE,
            "admin",
            |role| json!({ "candidacyId": stage.candidacy, "text": format!("by {role}") }),
        )
        .await;
    assert_eq!(
        added,
        expect([
            "ok",
            "ok",
            "NOT_FOUND",
            "NOT_FOUND",
            "FORBIDDEN",
            "NOT_FOUND",
            "NOT_FOUND",
            "UNAUTHENTICATED"
        ])
    );
    assert_eq!(notes_seen(&app, &stage).await[1], 5);

    // Changing and deleting: the author alone; the other team members see it but may not.
    let updated = stage
        .tries(
            &app,
            UPDATE_NOTE,
            "recruiter",
            |role| json!({ "id": shared, "text": format!("edited by {role}"), "noteType": "RED_FLAG" }),
        )
        .await;
    assert_eq!(
        updated,
        expect([
            "FORBIDDEN",
            "ok",
            "NOT_FOUND",
            "NOT_FOUND",
            "NOT_FOUND",
            "NOT_FOUND",
            "NOT_FOUND",
            "UNAUTHENTICATED"
        ])
    );
    let private_by_admin = call(
        &app,
        Some(&cast.admin),
        UPDATE_NOTE.0,
        UPDATE_NOTE.1,
        json!({ "id": private, "isPrivate": false }),
        UPDATE_NOTE.2,
    )
    .await;
    assert_eq!(
        only_error(&private_by_admin).0,
        "NOT_FOUND",
        "a private note is hidden even from admins"
    );
    let now = app
        .ok(
            "query($id: ID!) { node(id: $id) { ... on CandidacyNote { text noteType isPrivate } } }",
            json!({ "id": shared }),
            Some(&cast.admin.access_token),
        )
        .await;
    assert_eq!(
        now["node"],
        json!({ "text": "edited by recruiter", "noteType": "RED_FLAG", "isPrivate": false })
    );
    let blank = call(
        &app,
        Some(&cast.recruiter),
        UPDATE_NOTE.0,
        UPDATE_NOTE.1,
        json!({ "id": shared, "text": "  " }),
        UPDATE_NOTE.2,
    )
    .await;
    assert_eq!(
        only_error(&blank),
        ("BAD_USER_INPUT".to_owned(), Some("text".to_owned()))
    );

    let deleted = stage
        .tries(&app, DELETE_NOTE, "admin", |_| json!({ "id": by_admin }))
        .await;
    assert_eq!(
        deleted,
        expect([
            "ok",
            "FORBIDDEN",
            "NOT_FOUND",
            "NOT_FOUND",
            "NOT_FOUND",
            "NOT_FOUND",
            "NOT_FOUND",
            "UNAUTHENTICATED"
        ])
    );
    assert_eq!(node_code(&app, Some(&cast.admin), &by_admin).await, "NOT_FOUND");
    assert_eq!(notes_seen(&app, &stage).await[..2], [3, 4]);
}

const SCHEDULE: (&str, &str, &str) = (
    "scheduleInterview",
    "ScheduleInterviewInput",
    "interview { id status }",
);
const UPDATE_INTERVIEW: (&str, &str, &str) = (
    "updateInterview",
    "UpdateInterviewInput",
    "interview { meetingRoom }",
);
const MOVE_INTERVIEW: (&str, &str, &str) = (
    "moveInterview",
    "MoveInterviewInput",
    "interview { status startedAt endedAt actualDurationMinutes }",
);
const CANCEL_INTERVIEW: (&str, &str, &str) = (
    "cancelInterview",
    "CancelInterviewInput",
    "interview { status cancellationReason }",
);

/// An interview of the stage's candidacy, `minutes` long from `at`, led by `lead` (a member id).
fn booking(stage: &Stage, at: &str, minutes: i32, lead: &str, others: &[&str]) -> Value {
    json!({
        "candidacyId": stage.candidacy,
        "interviewType": "TECHNICAL",
        "interviewMode": "VIDEO",
        "scheduledAt": at,
        "durationMinutes": minutes,
        "timeZone": "Europe/Berlin",
        "interviewerId": lead,
        "additionalInterviewerIds": others,
        "meetingLink": "https://meet.example.com/abc",
    })
}

async fn schedule(app: &TestApp, stage: &Stage, at: &str, lead: &str, others: &[&str]) -> String {
    let scheduled = done(
        app,
        &stage.cast.recruiter,
        SCHEDULE.0,
        SCHEDULE.1,
        booking(stage, at, 60, lead, others),
        "interview { id status scheduledAt durationMinutes timeZone interviewType interviewMode meetingLink
           interviewer { id } additionalInterviewers { id } candidate { id } requisition { id } candidacy { id } }",
    )
    .await;
    let interview = &scheduled["interview"];
    assert_eq!(interview["status"], "SCHEDULED");
    assert_eq!(interview["timeZone"], "Europe/Berlin");
    assert_eq!(interview["interviewer"]["id"], json!(lead));
    assert_eq!(
        interview["additionalInterviewers"],
        json!(others.iter().map(|id| json!({ "id": id })).collect::<Vec<_>>())
    );
    assert_eq!(interview["candidacy"]["id"], json!(stage.candidacy));
    id(&interview["id"])
}

/// The ids of the candidacy's interviews, earliest first, as the admin sees them.
async fn interviews_of_candidacy(app: &TestApp, stage: &Stage) -> Vec<String> {
    let data = app
        .ok(
            "query($id: ID!) { node(id: $id) { ... on Candidacy { interviews { id } } } }",
            json!({ "id": stage.candidacy }),
            Some(&stage.cast.admin.access_token),
        )
        .await;
    data["node"]["interviews"]
        .as_array()
        .map(|all| all.iter().map(|i| id(&i["id"])).collect())
        .unwrap_or_default()
}

/// How many interviews `viewer.interviews` lists for `who`.
async fn my_interviews(app: &TestApp, who: &Account) -> i64 {
    app.ok(
        "{ viewer { interviews { totalCount } } }",
        json!({}),
        Some(&who.access_token),
    )
    .await["viewer"]["interviews"]["totalCount"]
        .as_i64()
        .unwrap_or(-1)
}

#[tokio::test(flavor = "multi_thread")]
async fn interviews_are_for_the_team_the_manager_and_their_interviewers() {
    let app = TestApp::new().await;
    let stage = Stage::new(&app, "meet").await;
    let cast = &stage.cast;
    let interviewer = cast.member("interviewer");
    let first = schedule(&app, &stage, "2030-01-10T10:00:00Z", &interviewer, &[]).await;

    assert_eq!(
        stage.reads(&app, &first).await,
        expect([
            "ok",
            "ok",
            "ok",
            "NOT_FOUND",
            "ok",
            "NOT_FOUND",
            "NOT_FOUND",
            "UNAUTHENTICATED"
        ]),
        "reads of an interview"
    );
    let mut listed = Vec::new();
    for who in stage.everyone() {
        let response = app
            .gql(
                "query($id: ID!) { node(id: $id) { ... on Candidacy { interviews { id } } } }",
                json!({ "id": stage.candidacy }),
                who.map(|a| a.access_token.as_str()),
            )
            .await;
        listed.push(
            response["data"]["node"]["interviews"]
                .as_array()
                .map_or(-1, |all| all.len() as i64),
        );
    }
    assert_eq!(
        listed,
        [1, 1, -1, -1, 1, -1, -1, -1],
        "Candidacy.interviews per role"
    );
    assert_eq!(my_interviews(&app, &cast.interviewer).await, 1);
    assert_eq!(my_interviews(&app, &stage.bystander).await, 0);
    assert_eq!(my_interviews(&app, &cast.admin).await, 0);

    // The interviewer sees the candidate, the requisition and the shared record, not the
    // pipeline; the interviewer on nothing sees none of it.
    let seen = app
        .ok(
            "query($id: ID!) { node(id: $id) { ... on Interview {
               candidate { email profile { technicalReview { experiences { edges { node { companyName } } } } } }
               requisition { title } candidacy { id } interviewer { isViewer } organization { slug } } } }",
            json!({ "id": first }),
            Some(&cast.interviewer.access_token),
        )
        .await;
    assert_eq!(
        seen["node"],
        json!({ "candidate": { "email": "candidate-meet@example.com",
                               "profile": { "technicalReview": { "experiences": { "edges": [
                                   { "node": { "companyName": "Initech" } } ] } } } },
                "requisition": { "title": "Evaluated role" },
                "candidacy": null, "interviewer": { "isViewer": true }, "organization": { "slug": "acme-meet" } })
    );
    assert_eq!(
        node_code(&app, Some(&cast.interviewer), &stage.experience).await,
        "ok"
    );
    assert_eq!(
        node_code(&app, Some(&stage.bystander), &stage.experience).await,
        "NOT_FOUND"
    );

    // Scheduling: the hiring team; the hiring manager reads the candidacy but may not.
    let days = ["11", "12", "13", "14", "15", "16", "17", "18"];
    let scheduled = stage
        .tries(&app, SCHEDULE, "admin", |role| {
            let day = ROLES.iter().position(|r| *r == role).map_or("19", |i| days[i]);
            booking(&stage, &format!("2030-01-{day}T10:00:00Z"), 60, &interviewer, &[])
        })
        .await;
    assert_eq!(
        scheduled,
        expect([
            "ok",
            "ok",
            "NOT_FOUND",
            "NOT_FOUND",
            "FORBIDDEN",
            "NOT_FOUND",
            "NOT_FOUND",
            "UNAUTHENTICATED"
        ])
    );
    let all = interviews_of_candidacy(&app, &stage).await;
    assert_eq!(all.len(), 3);
    assert_eq!(my_interviews(&app, &cast.interviewer).await, 3);
    let (by_admin, by_recruiter) = (all[1].clone(), all[2].clone());
    let per_role = |role: &str| {
        if role == "recruiter" {
            by_recruiter.clone()
        } else {
            by_admin.clone()
        }
    };

    let updated = stage
        .tries(
            &app,
            UPDATE_INTERVIEW,
            "admin",
            |role| json!({ "id": first, "meetingRoom": format!("Room of the {role}") }),
        )
        .await;
    assert_eq!(
        updated,
        expect([
            "ok",
            "ok",
            "FORBIDDEN",
            "NOT_FOUND",
            "FORBIDDEN",
            "NOT_FOUND",
            "NOT_FOUND",
            "UNAUTHENTICATED"
        ])
    );
    let moved = stage
        .tries(
            &app,
            MOVE_INTERVIEW,
            "admin",
            |role| json!({ "id": per_role(role), "status": "IN_PROGRESS" }),
        )
        .await;
    assert_eq!(
        moved,
        expect([
            "ok",
            "ok",
            "FORBIDDEN",
            "NOT_FOUND",
            "FORBIDDEN",
            "NOT_FOUND",
            "NOT_FOUND",
            "UNAUTHENTICATED"
        ])
    );
    let cancelled = stage
        .tries(
            &app,
            CANCEL_INTERVIEW,
            "admin",
            |role| json!({ "id": per_role(role), "reason": "The role was filled." }),
        )
        .await;
    assert_eq!(
        cancelled,
        expect([
            "ok",
            "ok",
            "FORBIDDEN",
            "NOT_FOUND",
            "FORBIDDEN",
            "NOT_FOUND",
            "NOT_FOUND",
            "UNAUTHENTICATED"
        ])
    );
    let now = app
        .ok(
            "query($id: ID!) { node(id: $id) { ... on Interview { meetingRoom status } } }",
            json!({ "id": first }),
            Some(&cast.interviewer.access_token),
        )
        .await;
    assert_eq!(
        now["node"],
        json!({ "meetingRoom": "Room of the admin", "status": "SCHEDULED" })
    );

    // Cancelling the last live interview ends the interviewer's access to the record, not to
    // the interview itself.
    done(
        &app,
        &cast.recruiter,
        CANCEL_INTERVIEW.0,
        CANCEL_INTERVIEW.1,
        json!({ "id": first, "reason": "Candidate asked to postpone." }),
        CANCEL_INTERVIEW.2,
    )
    .await;
    assert_eq!(
        node_code(&app, Some(&cast.interviewer), &stage.experience).await,
        "NOT_FOUND"
    );
    assert_eq!(node_code(&app, Some(&cast.interviewer), &first).await, "ok");
}

/// Moves `interview` to `status` as the recruiter: the whole response.
async fn move_interview(app: &TestApp, stage: &Stage, interview: &str, status: &str) -> Value {
    call(
        app,
        Some(&stage.cast.recruiter),
        MOVE_INTERVIEW.0,
        MOVE_INTERVIEW.1,
        json!({ "id": interview, "status": status }),
        MOVE_INTERVIEW.2,
    )
    .await
}

#[tokio::test(flavor = "multi_thread")]
async fn interviews_move_only_along_the_legal_paths() {
    let app = TestApp::new().await;
    let stage = Stage::new(&app, "imoves").await;
    let interviewer = stage.cast.member("interviewer");
    let interview = schedule(&app, &stage, "2030-03-01T09:00:00Z", &interviewer, &[]).await;
    let moves = [
        ("COMPLETED", false),
        ("CANCELLED", false),
        ("IN_PROGRESS", true),
        ("SCHEDULED", false),
        ("NO_SHOW", false),
        ("COMPLETED", true),
        ("IN_PROGRESS", false),
    ];
    let mut status = "SCHEDULED";
    for (to, legal) in moves {
        let response = move_interview(&app, &stage, &interview, to).await;
        if legal {
            assert!(response.get("errors").is_none(), "{status} → {to}: {response}");
            status = to;
        } else {
            assert_eq!(
                only_error(&response),
                ("BAD_USER_INPUT".to_owned(), Some("status".to_owned())),
                "{status} → {to}"
            );
        }
    }
    let held = app
        .ok(
            "query($id: ID!) { node(id: $id) { ... on Interview { status startedAt endedAt actualDurationMinutes } } }",
            json!({ "id": interview }),
            Some(&stage.cast.recruiter.access_token),
        )
        .await;
    assert_eq!(held["node"]["status"], "COMPLETED");
    assert!(
        held["node"]["startedAt"].is_string() && held["node"]["endedAt"].is_string(),
        "{held}"
    );
    assert_eq!(held["node"]["actualDurationMinutes"], 0);
    let too_late = call(
        &app,
        Some(&stage.cast.recruiter),
        CANCEL_INTERVIEW.0,
        CANCEL_INTERVIEW.1,
        json!({ "id": interview, "reason": "Too late" }),
        CANCEL_INTERVIEW.2,
    )
    .await;
    assert_eq!(
        only_error(&too_late),
        ("BAD_USER_INPUT".to_owned(), Some("status".to_owned()))
    );
    let rescheduled = call(
        &app,
        Some(&stage.cast.recruiter),
        UPDATE_INTERVIEW.0,
        UPDATE_INTERVIEW.1,
        json!({ "id": interview, "scheduledAt": "2030-03-02T09:00:00Z" }),
        UPDATE_INTERVIEW.2,
    )
    .await;
    assert_eq!(
        only_error(&rescheduled),
        ("BAD_USER_INPUT".to_owned(), Some("scheduledAt".to_owned()))
    );

    let missed = schedule(&app, &stage, "2030-03-03T09:00:00Z", &interviewer, &[]).await;
    assert!(
        move_interview(&app, &stage, &missed, "NO_SHOW")
            .await
            .get("errors")
            .is_none()
    );
    assert_eq!(
        only_error(&move_interview(&app, &stage, &missed, "IN_PROGRESS").await).0,
        "BAD_USER_INPUT"
    );
    let blank = call(
        &app,
        Some(&stage.cast.recruiter),
        CANCEL_INTERVIEW.0,
        CANCEL_INTERVIEW.1,
        json!({ "id": missed, "reason": " " }),
        CANCEL_INTERVIEW.2,
    )
    .await;
    assert_eq!(
        only_error(&blank),
        ("BAD_USER_INPUT".to_owned(), Some("reason".to_owned()))
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn an_interviewer_is_never_booked_into_two_interviews_at_once() {
    let app = TestApp::new().await;
    let stage = Stage::new(&app, "overlap").await;
    let recruiter = &stage.cast.recruiter;
    let interviewer = stage.cast.member("interviewer");
    let bystander = stage.bystander_member.clone();
    let first = schedule(&app, &stage, "2030-04-01T10:00:00Z", &interviewer, &[]).await;
    let book = |at: &'static str, lead: String, others: Vec<String>| {
        let app = &app;
        let stage = &stage;
        async move {
            let others: Vec<&str> = others.iter().map(String::as_str).collect();
            call(
                app,
                Some(recruiter),
                SCHEDULE.0,
                SCHEDULE.1,
                booking(stage, at, 60, &lead, &others),
                SCHEDULE.2,
            )
            .await
        }
    };

    // Overlapping as the lead or as an additional interviewer: refused, nothing written.
    let as_lead = book("2030-04-01T10:30:00Z", interviewer.clone(), vec![]).await;
    assert_eq!(only_error(&as_lead).0, "CONFLICT");
    let on_a_panel = book(
        "2030-04-01T10:59:00Z",
        bystander.clone(),
        vec![interviewer.clone()],
    )
    .await;
    assert_eq!(only_error(&on_a_panel).0, "CONFLICT");
    assert_eq!(
        interviews_of_candidacy(&app, &stage).await,
        std::slice::from_ref(&first)
    );
    assert_eq!(my_interviews(&app, &stage.bystander).await, 0);

    // Back to back is fine; moving one onto the other is not.
    let next = book(
        "2030-04-01T11:00:00Z",
        interviewer.clone(),
        vec![bystander.clone()],
    )
    .await;
    assert!(next.get("errors").is_none(), "{next}");
    let next = id(&next["data"]["scheduleInterview"]["interview"]["id"]);
    let onto = call(
        &app,
        Some(recruiter),
        UPDATE_INTERVIEW.0,
        UPDATE_INTERVIEW.1,
        json!({ "id": next, "scheduledAt": "2030-04-01T10:45:00Z" }),
        "interview { scheduledAt }",
    )
    .await;
    assert_eq!(only_error(&onto).0, "CONFLICT");
    let kept = app
        .ok(
            "query($id: ID!) { node(id: $id) { ... on Interview { scheduledAt additionalInterviewers { id } } } }",
            json!({ "id": next }),
            Some(&recruiter.access_token),
        )
        .await;
    assert_eq!(kept["node"]["scheduledAt"], "2030-04-01T11:00:00+00:00");
    assert_eq!(
        kept["node"]["additionalInterviewers"],
        json!([{ "id": bystander }])
    );

    // A cancelled interview frees the time.
    done(
        &app,
        recruiter,
        CANCEL_INTERVIEW.0,
        CANCEL_INTERVIEW.1,
        json!({ "id": first, "reason": "Moved" }),
        CANCEL_INTERVIEW.2,
    )
    .await;
    let again = book("2030-04-01T10:30:00Z", bystander.clone(), vec![]).await;
    assert_eq!(
        only_error(&again).0,
        "CONFLICT",
        "the bystander is on the 11:00 one"
    );
    let freed = book("2030-04-01T10:00:00Z", interviewer.clone(), vec![]).await;
    assert!(freed.get("errors").is_none(), "{freed}");

    // Checked input: length, time zone, interviewers of the organisation only.
    let outsiders_member = app
        .ok(
            "{ viewer { organizations { edges { node { id } } } } }",
            json!({}),
            Some(&stage.cast.outsider.access_token),
        )
        .await["viewer"]["organizations"]["edges"][0]["node"]["id"]
        .clone();
    for (input, field) in [
        (json!({ "durationMinutes": 3 }), "durationMinutes"),
        (json!({ "timeZone": "Mars/Olympus_Mons" }), "timeZone"),
        (json!({ "interviewerId": outsiders_member }), "interviewerId"),
        (json!({ "meetingLink": "not a url" }), "meetingLink"),
    ] {
        let mut booking = booking(&stage, "2030-05-01T10:00:00Z", 60, &interviewer, &[]);
        for (key, value) in input.as_object().into_iter().flatten() {
            booking[key] = value.clone();
        }
        let refused = call(&app, Some(recruiter), SCHEDULE.0, SCHEDULE.1, booking, SCHEDULE.2).await;
        assert_eq!(
            only_error(&refused),
            ("BAD_USER_INPUT".to_owned(), Some(field.to_owned())),
            "{field}"
        );
    }
}

const SUBMIT: (&str, &str, &str) = (
    "submitInterviewFeedback",
    "SubmitInterviewFeedbackInput",
    "feedback { id isFinal submittedAt overallRating }",
);

/// `who`'s feedback on `interview`: the whole response.
async fn submit(app: &TestApp, who: &Account, interview: &str, input: Value) -> Value {
    let mut input = input;
    input["interviewId"] = json!(interview);
    call(app, Some(who), SUBMIT.0, SUBMIT.1, input, SUBMIT.2).await
}

/// The same, which must succeed: the feedback's id.
async fn submitted(app: &TestApp, who: &Account, interview: &str, input: Value) -> String {
    let response = submit(app, who, interview, input).await;
    assert!(response.get("errors").is_none(), "{response}");
    id(&response["data"]["submitInterviewFeedback"]["feedback"]["id"])
}

fn full_feedback(is_final: bool) -> Value {
    json!({
        "overallRating": 4,
        "recommendation": "HIRE",
        "technicalSkillsRating": 5,
        "communicationRating": 4,
        "problemSolvingRating": 4,
        "cultureFitRating": 3,
        "skillsEvaluated": [{ "skill": "Rust", "rating": 5 }, { "skill": "SQL", "rating": 3 }],
        "strengths": "Clear thinking.",
        "weaknesses": "Little frontend work.",
        "detailedNotes": "Solved the exercise with tests.",
        "questionsAsked": ["Ownership?", "Indexes?"],
        "requiresSecondRound": true,
        "followUpNotes": "Ask about on-call.",
        "isFinal": is_final,
    })
}

/// The ids of the feedback on `interview` that `who` reads through `Interview.feedback`.
async fn feedback_listed(app: &TestApp, who: &Account, interview: &str) -> Vec<String> {
    let data = app
        .ok(
            "query($id: ID!) { node(id: $id) { ... on Interview { feedback { id } } } }",
            json!({ "id": interview }),
            Some(&who.access_token),
        )
        .await;
    data["node"]["feedback"]
        .as_array()
        .map(|all| all.iter().map(|f| id(&f["id"])).collect())
        .unwrap_or_default()
}

#[tokio::test(flavor = "multi_thread")]
async fn feedback_is_independent_until_submitted_and_final_for_good() {
    let app = TestApp::new().await;
    let stage = Stage::new(&app, "fb").await;
    let cast = &stage.cast;
    // A second interviewer of the same candidacy, on another interview.
    let peer = app.sign_up("peer-fb@example.com").await;
    let token = invite(
        &app,
        &cast.admin,
        &cast.organization,
        "peer-fb@example.com",
        "INTERVIEWER",
    )
    .await;
    let peer_member = join(&app, &peer, &token).await;
    let technical = schedule(
        &app,
        &stage,
        "2030-06-01T10:00:00Z",
        &cast.member("interviewer"),
        &[],
    )
    .await;
    let cultural = schedule(&app, &stage, "2030-06-01T14:00:00Z", &peer_member, &[]).await;

    // Who may give feedback on the technical interview: its interviewer alone.
    let tried = stage
        .tries(
            &app,
            SUBMIT,
            "interviewer",
            |_| json!({ "interviewId": technical, "overallRating": 3 }),
        )
        .await;
    assert_eq!(
        tried,
        expect([
            "FORBIDDEN",
            "FORBIDDEN",
            "ok",
            "NOT_FOUND",
            "FORBIDDEN",
            "NOT_FOUND",
            "NOT_FOUND",
            "UNAUTHENTICATED"
        ])
    );
    let mine = submitted(&app, &cast.interviewer, &technical, full_feedback(false)).await;
    assert_eq!(
        stage.reads(&app, &mine).await,
        expect([
            "ok",
            "ok",
            "ok",
            "NOT_FOUND",
            "ok",
            "NOT_FOUND",
            "NOT_FOUND",
            "UNAUTHENTICATED"
        ]),
        "reads of a draft"
    );
    let saved = app
        .ok(
            "query($id: ID!) { node(id: $id) { ... on InterviewFeedback { overallRating recommendation
               technicalSkillsRating communicationRating problemSolvingRating cultureFitRating
               skillsEvaluated { skill rating } strengths weaknesses detailedNotes questionsAsked
               requiresSecondRound followUpNotes isFinal submittedAt interviewer { isViewer } interview { id } } } }",
            json!({ "id": mine }),
            Some(&cast.interviewer.access_token),
        )
        .await;
    assert_eq!(
        saved["node"],
        json!({
            "overallRating": 4, "recommendation": "HIRE", "technicalSkillsRating": 5, "communicationRating": 4,
            "problemSolvingRating": 4, "cultureFitRating": 3,
            "skillsEvaluated": [{ "skill": "Rust", "rating": 5 }, { "skill": "SQL", "rating": 3 }],
            "strengths": "Clear thinking.", "weaknesses": "Little frontend work.",
            "detailedNotes": "Solved the exercise with tests.", "questionsAsked": ["Ownership?", "Indexes?"],
            "requiresSecondRound": true, "followUpNotes": "Ask about on-call.", "isFinal": false,
            "submittedAt": null, "interviewer": { "isViewer": true }, "interview": { "id": technical },
        })
    );

    // Independent judgment: each interviewer sees only their own until both are final.
    let theirs = submitted(&app, &peer, &cultural, json!({ "overallRating": 2 })).await;
    assert_eq!(node_code(&app, Some(&peer), &mine).await, "NOT_FOUND");
    assert_eq!(
        node_code(&app, Some(&cast.interviewer), &theirs).await,
        "NOT_FOUND"
    );
    submitted(&app, &cast.interviewer, &technical, full_feedback(true)).await;
    assert_eq!(
        node_code(&app, Some(&peer), &mine).await,
        "NOT_FOUND",
        "the peer's own is a draft"
    );
    assert_eq!(
        node_code(&app, Some(&cast.interviewer), &theirs).await,
        "NOT_FOUND",
        "a colleague's draft stays hidden"
    );
    let final_theirs = json!({ "overallRating": 2, "recommendation": "NO_HIRE", "isFinal": true });
    submitted(&app, &peer, &cultural, final_theirs.clone()).await;
    assert_eq!(node_code(&app, Some(&peer), &mine).await, "ok");
    assert_eq!(node_code(&app, Some(&cast.interviewer), &theirs).await, "ok");
    let from_elsewhere = app
        .ok(
            "query($id: ID!) { node(id: $id) { ... on InterviewFeedback { recommendation interview { id } } } }",
            json!({ "id": theirs }),
            Some(&cast.interviewer.access_token),
        )
        .await;
    assert_eq!(
        from_elsewhere["node"],
        json!({ "recommendation": "NO_HIRE", "interview": null }),
        "the colleague's interview itself stays hidden"
    );
    assert_eq!(
        stage.reads(&app, &theirs).await,
        expect([
            "ok",
            "ok",
            "ok",
            "NOT_FOUND",
            "ok",
            "NOT_FOUND",
            "NOT_FOUND",
            "UNAUTHENTICATED"
        ]),
        "reads of final feedback"
    );
    assert_eq!(
        feedback_listed(&app, &cast.recruiter, &technical).await,
        std::slice::from_ref(&mine)
    );
    assert_eq!(
        feedback_listed(&app, &cast.manager, &cultural).await,
        std::slice::from_ref(&theirs)
    );

    // Final feedback never changes: not through the API, not in the database.
    let again = submit(&app, &cast.interviewer, &technical, json!({ "overallRating": 1 })).await;
    assert_eq!(only_error(&again).0, "CONFLICT");
    let kept = app
        .ok(
            "query($id: ID!) { node(id: $id) { ... on InterviewFeedback { overallRating isFinal submittedAt } } }",
            json!({ "id": mine }),
            Some(&cast.admin.access_token),
        )
        .await;
    assert_eq!(kept["node"]["overallRating"], 4);
    assert_eq!(kept["node"]["isFinal"], true);
    assert!(kept["node"]["submittedAt"].is_string());
    let mut conn = AsyncPgConnection::establish(&app.database_url)
        .await
        .expect("connect");
    let edited = diesel::sql_query("update interview_feedback set overall_rating = 1 where is_final")
        .execute(&mut conn)
        .await;
    assert!(edited.is_err(), "the trigger refuses: {edited:?}");

    // Checked input, on an interview of the peer's own.
    let fresh = schedule(&app, &stage, "2030-06-02T10:00:00Z", &peer_member, &[]).await;
    for (input, field) in [
        (
            json!({ "isFinal": true, "recommendation": "HIRE" }),
            "overallRating",
        ),
        (json!({ "isFinal": true, "overallRating": 3 }), "recommendation"),
        (json!({ "overallRating": 6 }), "overallRating"),
        (
            json!({ "skillsEvaluated": [{ "skill": "Go", "rating": 0 }] }),
            "skillsEvaluated",
        ),
    ] {
        let refused = submit(&app, &peer, &fresh, input).await;
        assert_eq!(
            only_error(&refused),
            ("BAD_USER_INPUT".to_owned(), Some(field.to_owned())),
            "{field}"
        );
    }
    assert!(
        feedback_listed(&app, &cast.admin, &fresh).await.is_empty(),
        "refusals leave nothing"
    );
    done(
        &app,
        &cast.recruiter,
        CANCEL_INTERVIEW.0,
        CANCEL_INTERVIEW.1,
        json!({ "id": fresh, "reason": "Rescheduled" }),
        CANCEL_INTERVIEW.2,
    )
    .await;
    let cancelled = submit(&app, &peer, &fresh, json!({ "overallRating": 3 })).await;
    assert_eq!(
        only_error(&cancelled),
        ("BAD_USER_INPUT".to_owned(), Some("interviewId".to_owned()))
    );
}

/// Everything the hiring team reads about a requisition's candidacies at once.
const REVIEW: &str = "query($id: ID!) { node(id: $id) { ... on Requisition { candidacies { edges { node {
    id notes { text author { role email } }
    interviews { status candidate { fullName } interviewer { role email } additionalInterviewers { role }
      feedback { overallRating interviewer { role } interview { id } } } } } } } } }";

#[tokio::test(flavor = "multi_thread")]
async fn the_review_of_a_pipeline_costs_the_same_for_one_candidacy_or_many() {
    let app = TestApp::new().await;
    let stage = Stage::new(&app, "review").await;
    let cast = &stage.cast;
    let interviewer = cast.member("interviewer");
    let review = |candidacy: String, hour: usize| {
        let app = &app;
        let stage = &stage;
        let interviewer = interviewer.clone();
        async move {
            add_note(app, &stage.cast.recruiter, &candidacy, "Looks promising.", false).await;
            let mut booking = booking(
                stage,
                &format!("2030-07-01T{hour:02}:00:00Z"),
                60,
                &interviewer,
                &[&stage.bystander_member],
            );
            booking["candidacyId"] = json!(candidacy);
            let interview = done(
                app,
                &stage.cast.recruiter,
                SCHEDULE.0,
                SCHEDULE.1,
                booking,
                SCHEDULE.2,
            )
            .await;
            let interview = id(&interview["interview"]["id"]);
            submitted(app, &stage.cast.interviewer, &interview, full_feedback(true)).await;
            submitted(app, &stage.bystander, &interview, json!({ "overallRating": 3 })).await;
        }
    };
    review(stage.candidacy.clone(), 8).await;
    let one = app
        .statements_for(
            REVIEW,
            json!({ "id": stage.requisition }),
            Some(&cast.recruiter.access_token),
        )
        .await;
    for n in 1..4 {
        let other = app.sign_up(&format!("applicant{n}-review@example.com")).await;
        apply(&app, &other, &stage.requisition).await;
        let candidacy = candidacy_of(&app, &cast.recruiter, &stage.requisition, n).await;
        review(candidacy, 8 + 2 * n).await;
    }
    let four = app
        .statements_for(
            REVIEW,
            json!({ "id": stage.requisition }),
            Some(&cast.recruiter.access_token),
        )
        .await;
    let seen = app
        .ok(
            REVIEW,
            json!({ "id": stage.requisition }),
            Some(&cast.recruiter.access_token),
        )
        .await;
    let candidacies = seen["node"]["candidacies"]["edges"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert_eq!(candidacies.len(), 4);
    for candidacy in &candidacies {
        let interviews = &candidacy["node"]["interviews"];
        assert_eq!(
            interviews[0]["feedback"].as_array().map(Vec::len),
            Some(2),
            "{candidacy}"
        );
        assert_eq!(candidacy["node"]["notes"].as_array().map(Vec::len), Some(1));
    }
    assert_eq!(one, four, "statements for 1 candidacy: {one}; for 4: {four}");
}
