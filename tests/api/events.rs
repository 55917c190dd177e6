//! Event delivery under concurrency: many users on two copies, transactions that commit in the
//! other order than they wrote, rolled-back changes, subscribers that fall behind, and sockets
//! whose access token expires.

use std::sync::Arc;
use std::time::Duration;

use careergraph::access::Principal;
use careergraph::applications::enums::ApplicationStatus;
use careergraph::applications::events::{self, EventHub, FeedEnd, Position};
use careergraph::applications::store::{lock_application, move_application};
use careergraph::db::{self, StatementCounter};
use diesel::sql_types::BigInt;
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl, SimpleAsyncConnection};
use futures_util::StreamExt;
use serde_json::{Value, json};
use tokio_tungstenite::tungstenite::Message;
use uuid::Uuid;

use crate::applications::{application, events_within, next_event, subscribe, transition, uuid_of};
use crate::career::mutate;
use crate::subscriptions::{Socket, connect, receive, send, serve};
use crate::support::{Account, TestApp};

const STEPS: [&str; 5] = ["GENERATED", "SUBMITTED", "SCREENING", "INTERVIEWING", "OFFER"];

/// The cursor of an application's latest history entry: subscribing after it yields only
/// what happens from now on, with no race against the subscription's start.
async fn latest_cursor(app: &TestApp, who: &Account, id: &str) -> String {
    let data = app
        .ok(
            "query($id: ID!) { node(id: $id) { ... on Application { history { cursor } } } }",
            json!({ "id": id }),
            Some(&who.access_token),
        )
        .await;
    let history = data["node"]["history"].as_array().cloned().unwrap_or_default();
    history
        .last()
        .and_then(|event| event["cursor"].as_str())
        .expect("a history entry")
        .to_owned()
}

/// `count` events, each within `wait`; fewer if they stop coming.
async fn events(socket: &mut Socket, count: usize, wait: Duration) -> Vec<Value> {
    let mut events = Vec::new();
    while events.len() < count {
        match next_event(socket, wait).await {
            Some(event) => events.push(event),
            None => break,
        }
    }
    events
}

fn statuses(events: &[Value]) -> Vec<String> {
    events
        .iter()
        .map(|event| event["toStatus"].as_str().unwrap_or_default().to_owned())
        .collect()
}

fn uuid(global_id: &str) -> Uuid {
    Uuid::parse_str(&uuid_of(global_id)).expect("a uuid inside the global id")
}

async fn connection(url: &str) -> AsyncPgConnection {
    AsyncPgConnection::establish(url)
        .await
        .unwrap_or_else(|e| panic!("{e}"))
}

#[tokio::test(flavor = "multi_thread")]
async fn concurrent_transitions_of_many_users_reach_every_subscriber_on_both_copies() {
    let a = Arc::new(TestApp::new().await);
    let b = Arc::new(TestApp::on(&a.database_url, &[]));
    let addresses = [serve(&a).await, serve(&b).await];
    let mut users = Vec::new();
    for i in 0..12 {
        let who = a.sign_up(&format!("many-{i}@example.com")).await;
        let id = application(&a, &who).await;
        users.push(Arc::new((who, id)));
    }
    let mut sockets = Vec::new();
    for user in &users {
        let (who, id) = user.as_ref();
        let after = latest_cursor(&a, who, id).await;
        for address in &addresses {
            sockets.push((user.clone(), subscribe(address, who, Some(&after)).await));
        }
    }

    // Every user moves at once, half of them through each copy.
    let moves: Vec<_> = users
        .iter()
        .enumerate()
        .map(|(i, user)| {
            let (app, user) = (if i % 2 == 0 { a.clone() } else { b.clone() }, user.clone());
            tokio::spawn(async move {
                let (who, id) = user.as_ref();
                for step in STEPS {
                    let response = transition(&app, who, id, step).await;
                    assert!(response.get("errors").is_none(), "{response}");
                }
            })
        })
        .collect();
    for handle in moves {
        handle.await.expect("the moves of one user");
    }

    let mut delivered = 0;
    for (user, socket) in &mut sockets {
        let (who, id) = user.as_ref();
        let got = events(socket, STEPS.len(), Duration::from_secs(15)).await;
        assert_eq!(statuses(&got), STEPS, "{} got {got:?}", who.user_id);
        assert!(
            got.iter().all(|event| event["applicationId"] == json!(id)),
            "{got:?}"
        );
        delivered += got.len();
        assert_eq!(
            next_event(socket, Duration::from_millis(300)).await,
            None,
            "an extra event"
        );
    }
    assert_eq!(delivered, 12 * STEPS.len() * 2);
}

#[tokio::test(flavor = "multi_thread")]
async fn an_event_that_commits_after_a_later_one_is_delivered_and_replayed_in_order() {
    let app = TestApp::new().await;
    let address = serve(&app).await;
    let me = app.sign_up("inversion@example.com").await;
    let first = application(&app, &me).await;
    let second = application(&app, &me).await;
    let after = latest_cursor(&app, &me, &second).await;
    let mut socket = subscribe(&address, &me, Some(&after)).await;
    let owner = Principal::user(uuid(&me.user_id));

    // The early transaction writes its event first and commits last.
    let mut early = connection(&app.database_url).await;
    early.batch_execute("begin").await.expect("begin");
    let row = lock_application(&mut early, owner, uuid(&first))
        .await
        .expect("lock")
        .expect("the first application");
    let (_, early_event) = move_application(&mut early, owner, &row, ApplicationStatus::Generated, None)
        .await
        .expect("the early move");
    let mut late = connection(&app.database_url).await;
    late.batch_execute("begin").await.expect("begin");
    let row = lock_application(&mut late, owner, uuid(&second))
        .await
        .expect("lock")
        .expect("the second application");
    let (_, late_event) = move_application(&mut late, owner, &row, ApplicationStatus::Withdrawn, None)
        .await
        .expect("the late move");
    assert!(
        early_event.seq < late_event.seq,
        "the early event took the lower number"
    );
    late.batch_execute("commit").await.expect("the late commit");
    tokio::time::sleep(Duration::from_millis(300)).await;
    early.batch_execute("commit").await.expect("the early commit");

    let got = events(&mut socket, 2, Duration::from_secs(10)).await;
    assert_eq!(statuses(&got), ["GENERATED", "WITHDRAWN"], "{got:?}");
    assert_eq!(next_event(&mut socket, Duration::from_millis(300)).await, None);

    // A client that saw the first event and reconnects gets exactly the second.
    let cursor = got[0]["cursor"].as_str().expect("a cursor");
    let mut again = subscribe(&address, &me, Some(cursor)).await;
    let replayed = events(&mut again, 2, Duration::from_secs(3)).await;
    assert_eq!(statuses(&replayed), ["WITHDRAWN"], "{replayed:?}");
    let cursor = got[1]["cursor"].as_str().expect("a cursor");
    let mut caught_up = subscribe(&address, &me, Some(cursor)).await;
    assert_eq!(next_event(&mut caught_up, Duration::from_millis(500)).await, None);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_rolled_back_move_publishes_nothing_and_the_next_committed_one_arrives() {
    let a = TestApp::new().await;
    let b = TestApp::on(&a.database_url, &[]);
    let address = serve(&b).await;
    let me = a.sign_up("rollback@example.com").await;
    let id = application(&a, &me).await;
    let after = latest_cursor(&a, &me, &id).await;
    let mut socket = subscribe(&address, &me, Some(&after)).await;

    // Through the server's own publish path, in a transaction that rolls back.
    let mut conn = connection(&a.database_url).await;
    conn.batch_execute("begin").await.expect("begin");
    let who = Principal::user(uuid(&me.user_id));
    let row = lock_application(&mut conn, who, uuid(&id))
        .await
        .expect("lock")
        .expect("the application");
    move_application(&mut conn, who, &row, ApplicationStatus::Withdrawn, None)
        .await
        .expect("the move");
    conn.batch_execute("rollback").await.expect("rollback");

    transition(&a, &me, &id, "GENERATED").await;
    let got = events(&mut socket, 1, Duration::from_secs(10)).await;
    assert_eq!(statuses(&got), ["GENERATED"], "the committed move arrives, first");
    assert_eq!(next_event(&mut socket, Duration::from_millis(500)).await, None);
}

#[tokio::test(flavor = "multi_thread")]
async fn another_users_events_never_reach_a_subscriber_whose_own_do() {
    let a = TestApp::new().await;
    let b = TestApp::on(&a.database_url, &[]);
    let address = serve(&b).await;
    let x = a.sign_up("sees-own-x@example.com").await;
    let y = a.sign_up("sees-own-y@example.com").await;
    let x_app = application(&a, &x).await;
    let y_app = application(&a, &y).await;
    let x_after = latest_cursor(&a, &x, &x_app).await;
    let y_after = latest_cursor(&a, &y, &y_app).await;
    let mut x_socket = subscribe(&address, &x, Some(&x_after)).await;
    let mut y_socket = subscribe(&address, &y, Some(&y_after)).await;

    transition(&a, &x, &x_app, "GENERATED").await;
    // X's event is delivered: there is something Y could have been sent.
    let x_got = events(&mut x_socket, 1, Duration::from_secs(10)).await;
    assert_eq!(statuses(&x_got), ["GENERATED"]);
    // Y's own later event arrives, and it is the first thing Y gets: delivery is in one
    // order, so X's earlier event would have come before it.
    transition(&a, &y, &y_app, "WITHDRAWN").await;
    let y_got = events(&mut y_socket, 1, Duration::from_secs(10)).await;
    assert_eq!(statuses(&y_got), ["WITHDRAWN"], "{y_got:?}");
    assert_eq!(y_got[0]["applicationId"], json!(y_app));
    assert!(
        events_within(&mut y_socket, Duration::from_millis(300))
            .await
            .is_empty()
    );
}

/// The settled position of the newest status event in the database.
async fn newest_position(url: &str) -> Position {
    #[derive(diesel::QueryableByName)]
    struct Row {
        #[diesel(sql_type = BigInt)]
        txid: i64,
        #[diesel(sql_type = BigInt)]
        seq: i64,
    }
    let row: Row = diesel::sql_query(
        "select txid, seq from application_status_events order by txid desc, seq desc limit 1",
    )
    .get_result(&mut connection(url).await)
    .await
    .expect("a status event");
    Position {
        txid: row.txid,
        seq: row.seq,
    }
}

/// A hub with room for two events, once it listens.
async fn tiny_hub(url: &str) -> EventHub {
    let hub = EventHub::start(url, 2);
    for _ in 0..100 {
        if hub.last_status_position().is_some() {
            return hub;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("the hub did not start listening");
}

async fn broadcast_reached(hub: &EventHub, position: Position) {
    for _ in 0..200 {
        if hub.last_status_position() >= Some(position) {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("the hub did not broadcast up to {position:?}");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_status_subscriber_that_falls_behind_reads_back_what_it_missed() {
    let app = TestApp::new().await;
    let me = app.sign_up("laggard@example.com").await;
    let first = application(&app, &me).await;
    let second = application(&app, &me).await;
    let hub = tiny_hub(&app.database_url).await;
    let pool = db::pool(&app.database_url, 2, StatementCounter::default()).expect("pool");
    // Subscribed now, and not read from until ten events later.
    let feed = events::status_feed(&hub, pool, Principal::user(uuid(&me.user_id)), None).await;
    for id in [&first, &second] {
        for step in STEPS {
            transition(&app, &me, id, step).await;
        }
    }
    broadcast_reached(&hub, newest_position(&app.database_url).await).await;

    let got: Vec<_> = tokio::time::timeout(Duration::from_secs(10), feed.take(10).collect::<Vec<_>>())
        .await
        .expect("ten events");
    let got: Vec<_> = got
        .into_iter()
        .map(|item| item.map_err(|end| format!("{end:?}")))
        .collect::<Result<_, _>>()
        .expect("no error");
    let moves: Vec<_> = got
        .iter()
        .map(|event| (event.application_id, event.to_status))
        .collect();
    let mut expected = Vec::new();
    for id in [&first, &second] {
        for status in [
            ApplicationStatus::Generated,
            ApplicationStatus::Submitted,
            ApplicationStatus::Screening,
            ApplicationStatus::Interviewing,
            ApplicationStatus::Offer,
        ] {
            expected.push((uuid(id), status));
        }
    }
    assert_eq!(moves, expected);
}

#[tokio::test(flavor = "multi_thread")]
async fn an_artifact_subscriber_that_falls_behind_is_told_so() {
    let app = TestApp::new().await;
    let me = app.sign_up("artifact-laggard@example.com").await;
    let id = application(&app, &me).await;
    let hub = tiny_hub(&app.database_url).await;
    let mut feed = Box::pin(events::live_events(&hub, Principal::user(uuid(&me.user_id))));
    for n in 0..4 {
        mutate(
            &app,
            &me,
            "createArtifact",
            json!({ "applicationId": id, "kind": "CV", "content": format!("version {n}") }),
            "artifact { version }",
        )
        .await;
    }
    broadcast_reached(&hub, newest_position(&app.database_url).await).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let first = tokio::time::timeout(Duration::from_secs(5), feed.next())
        .await
        .expect("an answer");
    assert!(matches!(first, Some(Err(FeedEnd::Lagged))), "{first:?}");
    assert!(
        feed.next().await.is_none(),
        "the feed ends after saying it lagged"
    );
    // Four events into a buffer of two: at least two never reached the subscriber.
    assert!(hub.missed_events() >= 2, "{}", hub.missed_events());
}

#[tokio::test(flavor = "multi_thread")]
async fn a_socket_closes_when_its_access_token_expires() {
    let app = TestApp::with_args(&["--access-token-ttl", "2"]).await;
    let address = serve(&app).await;
    let me = app.sign_up("expiring@example.com").await;
    let mut socket = connect(&address, "graphql-transport-ws").await;
    send(&mut socket, json!({ "type": "connection_init", "payload": { "Authorization": format!("Bearer {}", me.access_token) } })).await;
    assert_eq!(
        receive(&mut socket).await.map(|m| m["type"].clone()),
        Some(json!("connection_ack"))
    );
    let query = "subscription { applicationStatusChanged { toStatus } }";
    send(
        &mut socket,
        json!({ "id": "s", "type": "subscribe", "payload": { "query": query } }),
    )
    .await;

    let closed = tokio::time::timeout(Duration::from_secs(10), async {
        while let Some(message) = socket.next().await {
            if let Ok(Message::Close(frame)) = message {
                return frame.map(|frame| u16::from(frame.code));
            }
        }
        None
    })
    .await
    .expect("the socket closes within 10 s");
    assert_eq!(closed, Some(careergraph::app::TOKEN_EXPIRED_CLOSE_CODE));

    // An anonymous socket has nothing to expire.
    let mut anonymous = connect(&address, "graphql-transport-ws").await;
    send(
        &mut anonymous,
        json!({ "type": "connection_init", "payload": {} }),
    )
    .await;
    assert_eq!(
        receive(&mut anonymous).await.map(|m| m["type"].clone()),
        Some(json!("connection_ack"))
    );
    send(&mut anonymous, json!({ "id": "h", "type": "subscribe", "payload": { "query": "subscription { heartbeat(intervalSeconds: 1) }" } })).await;
    for _ in 0..4 {
        let message = receive(&mut anonymous).await.expect("a heartbeat, not a close");
        assert_eq!(message["type"], "next", "{message}");
    }
}
