//! Notifications: each cause reaches exactly its recipients, in the transaction of the change;
//! the recipient alone reads, marks and archives them; they arrive live on every server copy;
//! and the list costs the same number of statements however long it is.

use std::time::Duration;

use serde_json::{Value, json};

use crate::hiring::{Cast, call, cast, create_requisition, done, id, invite, node_code, open_and_publish};
use crate::interviews::{apply, candidacy_of};
use crate::subscriptions::{Socket, connect, receive, send, serve};
use crate::support::{Account, TestApp, codes, only_error};

const INBOX: &str = "query($filter: NotificationFilter, $first: Int, $after: String) {
  viewer {
    unreadNotificationCount
    notifications(filter: $filter, first: $first, after: $after) {
      totalCount
      pageInfo { hasNextPage endCursor }
      edges { node { id notificationType priority title message relatedEntityType relatedEntityId
                     actionUrl isRead readAt isArchived createdAt } }
    }
  }
}";

/// `who`'s notifications with `filter`: (unread count, the nodes newest first).
async fn inbox_with(app: &TestApp, who: &Account, filter: Value) -> (i64, Vec<Value>) {
    let data = app
        .ok(INBOX, json!({ "filter": filter }), Some(&who.access_token))
        .await;
    let viewer = &data["viewer"];
    let nodes: Vec<Value> = viewer["notifications"]["edges"]
        .as_array()
        .map(|edges| edges.iter().map(|edge| edge["node"].clone()).collect())
        .unwrap_or_default();
    assert_eq!(viewer["notifications"]["totalCount"], json!(nodes.len()));
    (viewer["unreadNotificationCount"].as_i64().unwrap_or(-1), nodes)
}

/// `who`'s notifications that are not archived, newest first.
pub async fn inbox(app: &TestApp, who: &Account) -> Vec<Value> {
    inbox_with(app, who, Value::Null).await.1
}

/// Everyone of the cast, by name.
fn everyone(cast: &Cast) -> [(&'static str, &Account); 6] {
    [
        ("admin", &cast.admin),
        ("recruiter", &cast.recruiter),
        ("interviewer", &cast.interviewer),
        ("manager", &cast.manager),
        ("outsider", &cast.outsider),
        ("candidate", &cast.candidate),
    ]
}

/// How many notifications each of the cast has, by name.
async fn tally(app: &TestApp, cast: &Cast) -> Vec<(&'static str, usize)> {
    let mut counts = Vec::new();
    for (name, who) in everyone(cast) {
        counts.push((name, inbox(app, who).await.len()));
    }
    counts
}

/// Who got how many notifications since `before`, leaving out those who got none.
async fn received_since(
    app: &TestApp,
    cast: &Cast,
    before: &[(&'static str, usize)],
) -> Vec<(&'static str, usize)> {
    tally(app, cast)
        .await
        .into_iter()
        .zip(before)
        .map(|((name, now), (_, then))| (name, now - then))
        .filter(|(_, got)| *got > 0)
        .collect()
}

/// Nobody got anything.
const NO_ONE: [(&str, usize); 0] = [];

/// `who`'s newest notification.
async fn newest(app: &TestApp, who: &Account) -> Value {
    inbox(app, who).await.first().cloned().expect("a notification")
}

async fn move_to(app: &TestApp, who: &Account, candidacy: &str, stage: &str) {
    done(
        app,
        who,
        "moveCandidacy",
        "MoveCandidacyInput",
        json!({ "candidacyId": candidacy, "stage": stage }),
        "candidacy { stage }",
    )
    .await;
}

/// The candidate's one application (made by applying).
async fn application_of(app: &TestApp, who: &Account) -> String {
    let data = app
        .ok(
            "{ viewer { applications { edges { node { id } } } } }",
            json!({}),
            Some(&who.access_token),
        )
        .await;
    id(&data["viewer"]["applications"]["edges"][0]["node"]["id"])
}

/// A cast whose candidate applied to a published requisition the manager manages.
async fn applied(app: &TestApp, tag: &str) -> (Cast, String, String) {
    let cast = cast(app, tag).await;
    let requisition = create_requisition(app, &cast, "Notified role").await;
    open_and_publish(app, &cast.recruiter, &requisition).await;
    apply(app, &cast.candidate, &requisition).await;
    let candidacy = candidacy_of(app, &cast.recruiter, &requisition, 0).await;
    (cast, requisition, candidacy)
}

#[tokio::test(flavor = "multi_thread")]
async fn each_cause_notifies_its_recipients_and_no_one_else() {
    let app = TestApp::new().await;
    let cast = cast(&app, "notify").await;

    // The cast's three invitees had accounts when invited: one invitation each.
    assert_eq!(
        tally(&app, &cast).await,
        [
            ("admin", 0),
            ("recruiter", 1),
            ("interviewer", 1),
            ("manager", 1),
            ("outsider", 0),
            ("candidate", 0)
        ]
    );
    let invitation = newest(&app, &cast.recruiter).await;
    assert_eq!(invitation["notificationType"], "SYSTEM");
    assert_eq!(invitation["title"], "Invitation to join Org acme-notify");
    assert_eq!(invitation["relatedEntityType"], "OrganizationInvitation");
    assert_eq!(invitation["isRead"], false);
    assert!(
        invitation["message"]
            .as_str()
            .is_some_and(|m| m.contains("RECRUITER")),
        "{invitation}"
    );

    // An invitation to an email nobody signs in with notifies no one.
    let before = tally(&app, &cast).await;
    invite(
        &app,
        &cast.admin,
        &cast.organization,
        "nobody-yet@example.com",
        "RECRUITER",
    )
    .await;
    assert_eq!(received_since(&app, &cast, &before).await, NO_ONE);

    // Applying notifies no one; a stage move, the candidate alone, about their application.
    let requisition = create_requisition(&app, &cast, "Notified role").await;
    open_and_publish(&app, &cast.recruiter, &requisition).await;
    apply(&app, &cast.candidate, &requisition).await;
    assert_eq!(received_since(&app, &cast, &before).await, NO_ONE);
    let candidacy = candidacy_of(&app, &cast.recruiter, &requisition, 0).await;
    let application = application_of(&app, &cast.candidate).await;
    move_to(&app, &cast.recruiter, &candidacy, "SCREENING").await;
    assert_eq!(received_since(&app, &cast, &before).await, [("candidate", 1)]);
    let moved = newest(&app, &cast.candidate).await;
    assert_eq!(moved["notificationType"], "APPLICATION");
    assert_eq!(moved["title"], "Your application is at SCREENING: Notified role");
    assert_eq!(
        (
            moved["relatedEntityType"].clone(),
            moved["relatedEntityId"].clone()
        ),
        (json!("Application"), json!(application))
    );
    // What it names, the candidate reads.
    let moved_to = moved["relatedEntityId"].as_str().unwrap_or_default();
    assert_eq!(node_code(&app, Some(&cast.candidate), moved_to).await, "ok");

    // Booking an interview: its interviewers (lead and additional) and the candidate.
    let before = tally(&app, &cast).await;
    let booked = done(
        &app,
        &cast.recruiter,
        "scheduleInterview",
        "ScheduleInterviewInput",
        json!({
            "candidacyId": candidacy,
            "interviewType": "TECHNICAL",
            "interviewMode": "VIDEO",
            "scheduledAt": "2031-03-04T09:00:00Z",
            "durationMinutes": 45,
            "timeZone": "Europe/Berlin",
            "interviewerId": cast.member("interviewer"),
            "additionalInterviewerIds": [cast.member("manager")],
        }),
        "interview { id }",
    )
    .await;
    let interview = id(&booked["interview"]["id"]);
    assert_eq!(
        received_since(&app, &cast, &before).await,
        [("interviewer", 1), ("manager", 1), ("candidate", 1)]
    );
    for who in [&cast.interviewer, &cast.manager] {
        let told = newest(&app, who).await;
        assert_eq!(told["notificationType"], "INTERVIEW");
        assert_eq!(told["title"], "Interview scheduled: Notified role");
        assert_eq!(told["relatedEntityId"], json!(interview));
        assert!(
            told["message"]
                .as_str()
                .is_some_and(|m| m.contains("2031-03-04 09:00 UTC")),
            "{told}"
        );
    }
    let told = newest(&app, &cast.candidate).await;
    assert_eq!(told["relatedEntityId"], json!(application));
    assert_eq!(
        node_code(&app, Some(&cast.candidate), &interview).await,
        "NOT_FOUND"
    );

    // A draft tells no one; final feedback tells the hiring manager, about the feedback.
    let before = tally(&app, &cast).await;
    let feedback = |is_final: bool| json!({ "interviewId": interview, "overallRating": 4, "recommendation": "STRONG_HIRE", "isFinal": is_final });
    done(
        &app,
        &cast.interviewer,
        "submitInterviewFeedback",
        "SubmitInterviewFeedbackInput",
        feedback(false),
        "feedback { id }",
    )
    .await;
    assert_eq!(received_since(&app, &cast, &before).await, NO_ONE);
    let submitted = done(
        &app,
        &cast.interviewer,
        "submitInterviewFeedback",
        "SubmitInterviewFeedbackInput",
        feedback(true),
        "feedback { id }",
    )
    .await;
    assert_eq!(received_since(&app, &cast, &before).await, [("manager", 1)]);
    let told = newest(&app, &cast.manager).await;
    assert_eq!(
        (told["relatedEntityType"].clone(), told["relatedEntityId"].clone()),
        (json!("InterviewFeedback"), submitted["feedback"]["id"].clone())
    );
    assert!(
        told["message"]
            .as_str()
            .is_some_and(|m| m.contains("4 of 5, strong hire")),
        "{told}"
    );
    // The hiring manager's own final feedback tells no one.
    let before = tally(&app, &cast).await;
    done(
        &app,
        &cast.manager,
        "submitInterviewFeedback",
        "SubmitInterviewFeedbackInput",
        feedback(true),
        "feedback { id }",
    )
    .await;
    assert_eq!(received_since(&app, &cast, &before).await, NO_ONE);

    // Calling it off: the same people as booking it, at HIGH priority; the reason goes to the
    // team only.
    done(
        &app,
        &cast.recruiter,
        "cancelInterview",
        "CancelInterviewInput",
        json!({ "id": interview, "reason": "the panel is ill" }),
        "interview { status }",
    )
    .await;
    assert_eq!(
        received_since(&app, &cast, &before).await,
        [("interviewer", 1), ("manager", 1), ("candidate", 1)]
    );
    let told = newest(&app, &cast.interviewer).await;
    assert_eq!(told["title"], "Interview cancelled: Notified role");
    assert_eq!(told["priority"], "HIGH");
    assert!(
        told["message"]
            .as_str()
            .is_some_and(|m| m.contains("the panel is ill"))
    );
    let told = newest(&app, &cast.candidate).await;
    assert_eq!(told["priority"], "HIGH");
    assert!(
        !told["message"].as_str().is_some_and(|m| m.contains("ill")),
        "{told}"
    );

    // A candidate a recruiter added by hand is no user: their moves notify no one.
    let before = tally(&app, &cast).await;
    let added = done(
        &app,
        &cast.recruiter,
        "addCandidate",
        "AddCandidateInput",
        json!({ "organizationId": cast.organization, "fullName": "Hand Added", "email": "hand-added@example.com" }),
        "candidate { id }",
    )
    .await;
    let by_hand = done(
        &app,
        &cast.recruiter,
        "addCandidacy",
        "AddCandidacyInput",
        json!({ "candidateId": added["candidate"]["id"], "requisitionId": requisition }),
        "candidacy { id }",
    )
    .await;
    move_to(
        &app,
        &cast.recruiter,
        &id(&by_hand["candidacy"]["id"]),
        "REJECTED",
    )
    .await;
    assert_eq!(received_since(&app, &cast, &before).await, NO_ONE);

    // A refused move notifies no one.
    let refused = call(
        &app,
        Some(&cast.recruiter),
        "moveCandidacy",
        "MoveCandidacyInput",
        json!({ "candidacyId": candidacy, "stage": "APPLIED" }),
        "candidacy { stage }",
    )
    .await;
    assert_eq!(codes(&refused), ["BAD_USER_INPUT"]);
    assert_eq!(received_since(&app, &cast, &before).await, NO_ONE);
}

/// Books an interview of `candidacy` with `lead` and `others` at `at`: its id.
async fn book(app: &TestApp, cast: &Cast, candidacy: &str, at: &str, lead: &str, others: &[&str]) -> String {
    let others: Vec<String> = others.iter().map(|name| cast.member(name)).collect();
    let booked = done(
        app,
        &cast.recruiter,
        "scheduleInterview",
        "ScheduleInterviewInput",
        json!({
            "candidacyId": candidacy,
            "interviewType": "TECHNICAL",
            "interviewMode": "VIDEO",
            "scheduledAt": at,
            "durationMinutes": 45,
            "timeZone": "Europe/Berlin",
            "interviewerId": cast.member(lead),
            "additionalInterviewerIds": others,
        }),
        "interview { id }",
    )
    .await;
    id(&booked["interview"]["id"])
}

async fn update_interview(app: &TestApp, cast: &Cast, input: Value) {
    done(
        app,
        &cast.recruiter,
        "updateInterview",
        "UpdateInterviewInput",
        input,
        "interview { id }",
    )
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn moving_an_interview_or_its_panel_tells_whom_it_concerns() {
    let app = TestApp::new().await;
    let (cast, _, candidacy) = applied(&app, "moved").await;
    let application = application_of(&app, &cast.candidate).await;
    let interview = book(
        &app,
        &cast,
        &candidacy,
        "2031-05-06T09:00:00Z",
        "interviewer",
        &[],
    )
    .await;

    // Notes and a room change nothing anyone must act on: no one hears of them.
    let before = tally(&app, &cast).await;
    update_interview(
        &app,
        &cast,
        json!({ "id": interview, "meetingRoom": "Room 4", "preparationNotes": "Read the CV" }),
    )
    .await;
    assert_eq!(received_since(&app, &cast, &before).await, NO_ONE);

    // A move in time: its interviewer and its candidate, at HIGH priority, with both times.
    update_interview(
        &app,
        &cast,
        json!({ "id": interview, "scheduledAt": "2031-05-07T14:30:00Z" }),
    )
    .await;
    assert_eq!(
        received_since(&app, &cast, &before).await,
        [("interviewer", 1), ("candidate", 1)]
    );
    for (who, about) in [(&cast.interviewer, &interview), (&cast.candidate, &application)] {
        let told = newest(&app, who).await;
        assert_eq!(told["title"], "Interview moved: Notified role");
        assert_eq!(told["priority"], "HIGH");
        assert_eq!(told["relatedEntityId"], json!(about));
        let message = told["message"].as_str().unwrap_or_default();
        assert!(
            message.contains("2031-05-06 09:00 UTC") && message.contains("2031-05-07 14:30 UTC"),
            "{told}"
        );
    }

    // A new panel: the one taken off and the one added hear so, the candidate nothing.
    let before = tally(&app, &cast).await;
    update_interview(
        &app,
        &cast,
        json!({ "id": interview, "interviewerId": cast.member("manager") }),
    )
    .await;
    assert_eq!(
        received_since(&app, &cast, &before).await,
        [("interviewer", 1), ("manager", 1)]
    );
    assert_eq!(
        newest(&app, &cast.interviewer).await["title"],
        "Interview reassigned: Notified role"
    );
    assert_eq!(
        newest(&app, &cast.manager).await["title"],
        "Interview scheduled: Notified role"
    );

    // Both at once: the one added hears of it once, at its new time; the one who stays and
    // the candidate hear of the move.
    let before = tally(&app, &cast).await;
    update_interview(
        &app,
        &cast,
        json!({ "id": interview, "durationMinutes": 90,
                "additionalInterviewerIds": [cast.member("recruiter")] }),
    )
    .await;
    assert_eq!(
        received_since(&app, &cast, &before).await,
        [("recruiter", 1), ("manager", 1), ("candidate", 1)]
    );
    assert_eq!(
        newest(&app, &cast.recruiter).await["title"],
        "Interview scheduled: Notified role"
    );
    assert_eq!(
        newest(&app, &cast.manager).await["title"],
        "Interview moved: Notified role"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_notification_says_where_a_client_shows_what_it_is_about() {
    let app = TestApp::new().await;
    let (cast, _, candidacy) = applied(&app, "linked").await;
    let application = application_of(&app, &cast.candidate).await;
    let interview = book(
        &app,
        &cast,
        &candidacy,
        "2031-06-01T09:00:00Z",
        "interviewer",
        &[],
    )
    .await;
    assert_eq!(
        newest(&app, &cast.interviewer).await["actionUrl"],
        json!(format!("/interview/{interview}"))
    );
    assert_eq!(
        newest(&app, &cast.candidate).await["actionUrl"],
        json!(format!("/application/{application}"))
    );
    // The invitation the cast's recruiter had, in kebab case.
    let invitations = inbox_with(&app, &cast.recruiter, json!({ "type": "SYSTEM" }))
        .await
        .1;
    let invitation = invitations.last().expect("an invitation");
    assert_eq!(
        invitation["actionUrl"],
        json!(format!(
            "/organization-invitation/{}",
            invitation["relatedEntityId"].as_str().unwrap_or_default()
        ))
    );
}

const MARK: (&str, &str, &str) = (
    "markNotificationsRead",
    "NotificationSelectionInput",
    "notifications { id isRead readAt } unreadCount",
);
const ARCHIVE: (&str, &str, &str) = (
    "archiveNotifications",
    "NotificationSelectionInput",
    "notifications { id isArchived isRead } unreadCount",
);

fn ids_of(nodes: &[Value]) -> Vec<String> {
    nodes.iter().map(|node| id(&node["id"])).collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn the_recipient_alone_reads_marks_and_archives() {
    let app = TestApp::new().await;
    let (cast, _, candidacy) = applied(&app, "inbox").await;
    for stage in ["SCREENING", "ASSESSMENT", "INTERVIEWING", "OFFER"] {
        move_to(&app, &cast.recruiter, &candidacy, stage).await;
    }
    let me = &cast.candidate;
    let (unread, all) = inbox_with(&app, me, Value::Null).await;
    assert_eq!(unread, 4);
    let titles: Vec<_> = all
        .iter()
        .map(|n| n["title"].as_str().unwrap_or_default())
        .collect();
    assert_eq!(
        titles,
        [
            "Your application is at OFFER: Notified role",
            "Your application is at INTERVIEWING: Notified role",
            "Your application is at ASSESSMENT: Notified role",
            "Your application is at SCREENING: Notified role",
        ]
    );
    assert_eq!(all[0]["priority"], "HIGH");
    assert_eq!(all[1]["priority"], "NORMAL");
    assert!(all.iter().all(|n| {
        n["readAt"].is_null()
            && n["actionUrl"]
                .as_str()
                .is_some_and(|url| url.starts_with("/application/"))
    }));

    // Paging, newest first.
    let page = app.ok(INBOX, json!({ "first": 3 }), Some(&me.access_token)).await;
    let connection = &page["viewer"]["notifications"];
    assert_eq!(connection["edges"].as_array().map(Vec::len), Some(3));
    assert_eq!(connection["totalCount"], 4);
    assert_eq!(connection["pageInfo"]["hasNextPage"], true);
    let rest = app
        .ok(
            INBOX,
            json!({ "first": 3, "after": connection["pageInfo"]["endCursor"] }),
            Some(&me.access_token),
        )
        .await;
    assert_eq!(
        rest["viewer"]["notifications"]["edges"][0]["node"]["id"],
        all[3]["id"]
    );

    // Marking one read: it alone changes, once.
    let first = id(&all[0]["id"]);
    let marked = done(&app, me, MARK.0, MARK.1, json!({ "ids": [first] }), MARK.2).await;
    assert_eq!(marked["unreadCount"], 3);
    assert_eq!(marked["notifications"][0]["id"], json!(first));
    assert_eq!(marked["notifications"][0]["isRead"], true);
    let read_at = marked["notifications"][0]["readAt"].clone();
    assert!(read_at.is_string());
    let again = done(&app, me, MARK.0, MARK.1, json!({ "ids": [first] }), MARK.2).await;
    assert_eq!(again["notifications"], json!([]));
    assert_eq!(again["unreadCount"], 3);
    let (_, read) = inbox_with(&app, me, json!({ "unread": false })).await;
    assert_eq!(ids_of(&read), std::slice::from_ref(&first));
    assert_eq!(read[0]["readAt"], read_at);
    let (_, unread) = inbox_with(&app, me, json!({ "unread": true })).await;
    assert_eq!(ids_of(&unread), ids_of(&all[1..]));
    let (_, of_type) = inbox_with(&app, me, json!({ "type": "INTERVIEW" })).await;
    assert_eq!(of_type, Vec::<Value>::new());
    let (_, of_type) = inbox_with(&app, me, json!({ "type": "APPLICATION", "unread": true })).await;
    assert_eq!(of_type.len(), 3);

    // Bad selections change nothing.
    for (input, field) in [
        (json!({}), "ids"),
        (json!({ "ids": [first], "all": true }), "all"),
        (json!({ "ids": [] }), "ids"),
        (json!({ "ids": ["not-an-id"] }), "ids"),
    ] {
        let refused = call(&app, Some(me), MARK.0, MARK.1, input.clone(), MARK.2).await;
        assert_eq!(
            only_error(&refused),
            ("BAD_USER_INPUT".to_owned(), Some(field.to_owned())),
            "{input}"
        );
    }

    // Someone else's notification is invisible: to node, and to every change, which then
    // changes nothing at all (not even the caller's own notifications named with it).
    let (outsider, recruiter) = (&cast.outsider, &cast.recruiter);
    let someone_elses = id(&inbox(&app, recruiter).await[0]["id"]);
    assert_eq!(node_code(&app, Some(me), &someone_elses).await, "NOT_FOUND");
    assert_eq!(node_code(&app, Some(outsider), &first).await, "NOT_FOUND");
    assert_ne!(node_code(&app, None, &first).await, "ok");
    assert_eq!(node_code(&app, Some(me), &first).await, "ok");
    let second = id(&all[1]["id"]);
    for (name, input_type, selection) in [MARK, ARCHIVE] {
        let refused = call(
            &app,
            Some(me),
            name,
            input_type,
            json!({ "ids": [second, someone_elses] }),
            selection,
        )
        .await;
        assert_eq!(codes(&refused), ["NOT_FOUND"], "{name}");
        let anonymous = call(&app, None, name, input_type, json!({ "all": true }), selection).await;
        assert_eq!(codes(&anonymous), ["UNAUTHENTICATED"], "{name}");
    }
    assert_eq!(inbox_with(&app, me, Value::Null).await.0, 3);
    let theirs = inbox(&app, recruiter).await;
    assert_eq!(theirs[0]["isRead"], false);
    // `all` means the caller's own: the recruiter's stay unread.
    let everything = done(&app, me, MARK.0, MARK.1, json!({ "all": true }), MARK.2).await;
    assert_eq!(everything["unreadCount"], 0);
    assert_eq!(everything["notifications"].as_array().map(Vec::len), Some(3));
    assert_eq!(inbox(&app, recruiter).await[0]["isRead"], false);

    // Archiving leaves the default list for the archive.
    let archived = done(
        &app,
        me,
        ARCHIVE.0,
        ARCHIVE.1,
        json!({ "ids": [second] }),
        ARCHIVE.2,
    )
    .await;
    assert_eq!(
        archived["notifications"],
        json!([{ "id": second, "isArchived": true, "isRead": true }])
    );
    let (_, listed) = inbox_with(&app, me, Value::Null).await;
    assert_eq!(listed.len(), 3);
    assert!(!ids_of(&listed).contains(&second));
    let (_, archive) = inbox_with(&app, me, json!({ "archived": true })).await;
    assert_eq!(ids_of(&archive), std::slice::from_ref(&second));
    done(&app, me, ARCHIVE.0, ARCHIVE.1, json!({ "all": true }), ARCHIVE.2).await;
    let (unread, listed) = inbox_with(&app, me, Value::Null).await;
    assert_eq!((unread, listed.len()), (0, 0));
    assert_eq!(inbox_with(&app, me, json!({ "archived": true })).await.1.len(), 4);
    // The recruiter's notification stayed where it was.
    assert_eq!(inbox(&app, recruiter).await.len(), 1);
}

const RECEIVED: &str =
    "subscription { notificationReceived { id title notificationType relatedEntityType } }";

async fn subscribe(address: &str, who: &Account) -> Socket {
    let mut socket = connect(address, "graphql-transport-ws").await;
    send(&mut socket, json!({ "type": "connection_init", "payload": { "Authorization": format!("Bearer {}", who.access_token) } })).await;
    assert_eq!(
        receive(&mut socket).await.map(|m| m["type"].clone()),
        Some(json!("connection_ack"))
    );
    send(
        &mut socket,
        json!({ "id": "n", "type": "subscribe", "payload": { "query": RECEIVED } }),
    )
    .await;
    socket
}

/// The next notification delivered, or None within `wait`.
async fn next_notification(socket: &mut Socket, wait: Duration) -> Option<Value> {
    match tokio::time::timeout(wait, receive(socket)).await {
        Ok(Some(message)) => {
            assert_eq!(message["type"], "next", "{message}");
            Some(message["payload"]["data"]["notificationReceived"].clone())
        }
        _ => None,
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn notifications_reach_their_recipient_on_another_server_copy() {
    let a = TestApp::new().await;
    let b = TestApp::on(&a.database_url, &[]);
    let (a_address, b_address) = (serve(&a).await, serve(&b).await);
    let (cast, _, candidacy) = applied(&a, "live").await;
    let mut on_b = subscribe(&b_address, &cast.candidate).await;
    let mut on_a = subscribe(&a_address, &cast.candidate).await;
    let mut outsider = subscribe(&b_address, &cast.outsider).await;
    let mut recruiter = subscribe(&b_address, &cast.recruiter).await;
    // Give the subscriptions a moment to register before the change.
    tokio::time::sleep(Duration::from_millis(300)).await;

    // The move runs on copy A; both copies deliver it to the candidate, and only to them.
    move_to(&a, &cast.recruiter, &candidacy, "SCREENING").await;
    let stored = newest(&a, &cast.candidate).await;
    for socket in [&mut on_b, &mut on_a] {
        let delivered = next_notification(socket, Duration::from_secs(10))
            .await
            .expect("the notification");
        assert_eq!(
            delivered,
            json!({
                "id": stored["id"],
                "title": "Your application is at SCREENING: Notified role",
                "notificationType": "APPLICATION",
                "relatedEntityType": "Application",
            })
        );
    }
    // A change through copy B reaches the subscriber on copy B too, in order.
    move_to(&b, &cast.recruiter, &candidacy, "INTERVIEWING").await;
    let delivered = next_notification(&mut on_b, Duration::from_secs(10))
        .await
        .expect("the second notification");
    assert_eq!(
        delivered["title"],
        "Your application is at INTERVIEWING: Notified role"
    );
    // Neither sees the candidate's notifications. (The recruiter may still be handed one of
    // their own from setting up, committed just before they subscribed: the hub delivers
    // what had not been delivered yet, so only the candidate's titles are checked.)
    for socket in [&mut outsider, &mut recruiter] {
        while let Some(seen) = next_notification(socket, Duration::from_millis(500)).await {
            let title = seen["title"].as_str().unwrap_or_default();
            assert!(!title.starts_with("Your application is at"), "{seen}");
        }
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn the_list_costs_the_same_for_one_notification_or_many() {
    let app = TestApp::new().await;
    let (cast, _, candidacy) = applied(&app, "nplus-notify").await;
    move_to(&app, &cast.recruiter, &candidacy, "SCREENING").await;
    let me = &cast.candidate;
    let one = app.statements_for(INBOX, json!({}), Some(&me.access_token)).await;
    for stage in ["ASSESSMENT", "INTERVIEWING", "OFFER", "HIRED"] {
        move_to(&app, &cast.recruiter, &candidacy, stage).await;
    }
    let five = app.statements_for(INBOX, json!({}), Some(&me.access_token)).await;
    assert_eq!(inbox(&app, me).await.len(), 5);
    assert_eq!(one, five, "statements for 1 notification: {one}; for 5: {five}");
}
