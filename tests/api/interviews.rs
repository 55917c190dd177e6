//! The hiring team's evaluation: notes on candidacies, interviews and feedback, with the access
//! policy as a matrix of roles × objects × operations.

use serde_json::{Value, json};

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
        join(app, &bystander, &token).await;
        let requisition = create_requisition(app, &cast, "Evaluated role").await;
        open_and_publish(app, &cast.recruiter, &requisition).await;
        apply(app, &cast.candidate, &requisition).await;
        let candidacy = candidacy_of(app, &cast.recruiter, &requisition, 0).await;
        Self {
            cast,
            bystander,
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

async fn apply(app: &TestApp, who: &Account, requisition: &str) {
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
async fn candidacy_of(app: &TestApp, who: &Account, requisition: &str, index: usize) -> String {
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
