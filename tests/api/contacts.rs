//! Contacts (#15 item 2): every ETPS Contact field, checked; a deleted contact disappears from
//! every list and lookup at once, comes back within 30 days, and is erased for good by the
//! server after that (or at once by `eraseContact`); nobody else ever finds one.

use careergraph::db::{self, StatementCounter};
use diesel::QueryableByName;
use diesel::sql_types::BigInt;
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl, SimpleAsyncConnection};
use serde_json::{Value, json};

use crate::support::{Account, TestApp, only_error};

const FIELDS: &str = "id fullName title email linkedinUrl notes relationshipType relationshipStrength \
                      isHiringManagerCandidate companyName createdAt updatedAt";

/// Runs `mutation { <name>(input: $input) { <selection> } }` (its input type named); the
/// whole response.
pub async fn call(
    app: &TestApp,
    who: &Account,
    name: &str,
    input_type: &str,
    input: Value,
    selection: &str,
) -> Value {
    let query = format!("mutation($input: {input_type}!) {{ {name}(input: $input) {{ {selection} }} }}");
    app.gql(&query, json!({ "input": input }), Some(&who.access_token))
        .await
}

/// The same, which must succeed: its payload.
pub async fn done(
    app: &TestApp,
    who: &Account,
    name: &str,
    input_type: &str,
    input: Value,
    selection: &str,
) -> Value {
    let response = call(app, who, name, input_type, input, selection).await;
    assert!(response.get("errors").is_none(), "{name}: {response}");
    response["data"][name].clone()
}

/// A new contact of `who` with this name; its id.
pub async fn contact(app: &TestApp, who: &Account, name: &str) -> String {
    let made = done(
        app,
        who,
        "createContact",
        "CreateContactInput",
        json!({ "fullName": name }),
        "contact { id }",
    )
    .await;
    made["contact"]["id"].as_str().unwrap_or_default().to_owned()
}

/// The names of `who`'s contacts as the list shows them, and its total count.
async fn names(app: &TestApp, who: &Account, filter: Value) -> (Vec<String>, i64) {
    let data = app
        .ok(
            "query($filter: ContactFilter) { viewer { contacts(filter: $filter) { totalCount edges { node { fullName } } } } }",
            json!({ "filter": filter }),
            Some(&who.access_token),
        )
        .await;
    let contacts = &data["viewer"]["contacts"];
    let names = contacts["edges"]
        .as_array()
        .map(|edges| {
            edges
                .iter()
                .filter_map(|edge| edge["node"]["fullName"].as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default();
    (names, contacts["totalCount"].as_i64().unwrap_or(-1))
}

async fn node(app: &TestApp, who: &Account, id: &str) -> Value {
    app.gql(
        "query($id: ID!) { node(id: $id) { __typename id } }",
        json!({ "id": id }),
        Some(&who.access_token),
    )
    .await
}

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

/// A count straight from the database.
pub async fn count(app: &TestApp, sql: &str) -> i64 {
    let mut conn = AsyncPgConnection::establish(&app.database_url)
        .await
        .expect("a connection");
    let found: Count = diesel::sql_query(sql)
        .get_result(&mut conn)
        .await
        .unwrap_or_else(|error| panic!("{sql}: {error}"));
    found.n
}

/// Runs statements straight on the database (as the owner of the tables).
pub async fn execute(app: &TestApp, sql: &str) {
    let mut conn = AsyncPgConnection::establish(&app.database_url)
        .await
        .expect("a connection");
    conn.batch_execute(sql)
        .await
        .unwrap_or_else(|error| panic!("{sql}: {error}"));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_contact_keeps_every_field_checked() {
    let app = TestApp::new().await;
    let me = app.sign_up("networker@example.com").await;
    let input = json!({
        "fullName": "  Ada Lovelace ",
        "title": "VP Engineering",
        "email": "Ada@Example.COM",
        "linkedinUrl": "https://www.linkedin.com/in/ada",
        "notes": "Met at RustConf",
        "relationshipType": "former colleague",
        "relationshipStrength": 0.8,
        "isHiringManagerCandidate": true,
        "companyName": "Analytical Engines",
    });
    let made = done(
        &app,
        &me,
        "createContact",
        "CreateContactInput",
        input,
        &format!("contact {{ {FIELDS} }} contactEdge {{ cursor node {{ id }} }}"),
    )
    .await;
    let created = &made["contact"];
    assert_eq!(created["fullName"], "Ada Lovelace");
    assert_eq!(created["title"], "VP Engineering");
    assert_eq!(created["email"], "ada@example.com");
    assert_eq!(created["linkedinUrl"], "https://www.linkedin.com/in/ada");
    assert_eq!(created["notes"], "Met at RustConf");
    assert_eq!(created["relationshipType"], "former colleague");
    assert_eq!(created["relationshipStrength"], 0.8);
    assert_eq!(created["isHiringManagerCandidate"], true);
    assert_eq!(created["companyName"], "Analytical Engines");
    assert_eq!(made["contactEdge"]["node"]["id"], created["id"]);
    let id = created["id"].as_str().unwrap_or_default().to_owned();

    // The node is the same contact.
    let found = app
        .ok(
            &format!("query($id: ID!) {{ node(id: $id) {{ ... on Contact {{ {FIELDS} }} }} }}"),
            json!({ "id": id }),
            Some(&me.access_token),
        )
        .await;
    assert_eq!(found["node"], *created);

    // An update changes what it names, clears what it nulls, and keeps the rest.
    let changed = done(
        &app,
        &me,
        "updateContact",
        "UpdateContactInput",
        json!({ "id": id, "title": "CTO", "email": null, "relationshipStrength": 1, "isHiringManagerCandidate": false }),
        &format!("contact {{ {FIELDS} }}"),
    )
    .await;
    assert_eq!(changed["contact"]["title"], "CTO");
    assert_eq!(changed["contact"]["email"], Value::Null);
    assert_eq!(changed["contact"]["relationshipStrength"], 1.0);
    assert_eq!(changed["contact"]["isHiringManagerCandidate"], false);
    assert_eq!(changed["contact"]["notes"], "Met at RustConf");
    assert_eq!(changed["contact"]["fullName"], "Ada Lovelace");

    // Filters: by possible hiring manager and by company (any case).
    contact(&app, &me, "Grace Hopper").await;
    assert_eq!(
        names(&app, &me, Value::Null).await,
        (vec!["Ada Lovelace".to_owned(), "Grace Hopper".to_owned()], 2)
    );
    assert_eq!(
        names(&app, &me, json!({ "companyName": "analytical engines" })).await,
        (vec!["Ada Lovelace".to_owned()], 1)
    );
    assert_eq!(
        names(&app, &me, json!({ "isHiringManagerCandidate": true })).await,
        (vec![], 0)
    );

    // Each field is checked, and the error names it.
    for (bad, field) in [
        (json!({ "fullName": "   " }), "fullName"),
        (json!({ "fullName": "x".repeat(256) }), "fullName"),
        (json!({ "fullName": "A", "email": "not-an-email" }), "email"),
        (
            json!({ "fullName": "A", "linkedinUrl": "https://example.com/in/a" }),
            "linkedinUrl",
        ),
        (
            json!({ "fullName": "A", "linkedinUrl": "ftp://linkedin.com/in/a" }),
            "linkedinUrl",
        ),
        (
            json!({ "fullName": "A", "relationshipStrength": 1.5 }),
            "relationshipStrength",
        ),
        (
            json!({ "fullName": "A", "relationshipStrength": -0.1 }),
            "relationshipStrength",
        ),
        (
            json!({ "fullName": "A", "relationshipType": "x".repeat(51) }),
            "relationshipType",
        ),
        (json!({ "fullName": "A", "notes": "x".repeat(10_001) }), "notes"),
    ] {
        let response = call(
            &app,
            &me,
            "createContact",
            "CreateContactInput",
            bad.clone(),
            "contact { id }",
        )
        .await;
        assert_eq!(
            only_error(&response),
            ("BAD_USER_INPUT".to_owned(), Some(field.to_owned())),
            "{bad}"
        );
    }
    let response = call(
        &app,
        &me,
        "updateContact",
        "UpdateContactInput",
        json!({ "id": id, "fullName": null }),
        "contact { id }",
    )
    .await;
    assert_eq!(
        only_error(&response).0,
        "BAD_USER_INPUT",
        "a name cannot be cleared: {response}"
    );
    assert_eq!(
        count(&app, "select count(*) as n from contacts").await,
        2,
        "nothing refused was written"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_deleted_contact_disappears_at_once_comes_back_within_30_days_then_is_erased() {
    let app = TestApp::new().await;
    let me = app.sign_up("forgetful@example.com").await;
    let ada = contact(&app, &me, "Ada").await;
    let bob = contact(&app, &me, "Bob").await;

    let deleted = done(
        &app,
        &me,
        "deleteContact",
        "IdInput",
        json!({ "id": ada }),
        "deletedId restorableUntil",
    )
    .await;
    assert_eq!(deleted["deletedId"], ada.as_str());
    let until = deleted["restorableUntil"].as_str().unwrap_or_default();
    let until = chrono::DateTime::parse_from_rfc3339(until).expect("a time");
    let days = (until.with_timezone(&chrono::Utc) - chrono::Utc::now()).num_hours();
    assert!(
        (29 * 24..=30 * 24).contains(&days),
        "restorable for 30 days: {days} hours"
    );

    // Gone from the list, the node, nodes, and every write but restore and erase.
    assert_eq!(names(&app, &me, Value::Null).await, (vec!["Bob".to_owned()], 1));
    assert_eq!(only_error(&node(&app, &me, &ada).await).0, "NOT_FOUND");
    let nodes = app
        .ok(
            "query($ids: [ID!]!) { nodes(ids: $ids) { id } }",
            json!({ "ids": [ada, bob] }),
            Some(&me.access_token),
        )
        .await;
    assert_eq!(nodes["nodes"], json!([null, { "id": bob }]));
    for (name, input_type, input) in [
        (
            "updateContact",
            "UpdateContactInput",
            json!({ "id": ada, "title": "CTO" }),
        ),
        ("deleteContact", "IdInput", json!({ "id": ada })),
    ] {
        let selection = if name == "deleteContact" {
            "deletedId"
        } else {
            "contact { id }"
        };
        let response = call(&app, &me, name, input_type, input, selection).await;
        assert_eq!(only_error(&response).0, "NOT_FOUND", "{name}: {response}");
    }
    // A live contact cannot be "restored".
    let response = call(
        &app,
        &me,
        "restoreContact",
        "IdInput",
        json!({ "id": bob }),
        "contact { id }",
    )
    .await;
    assert_eq!(only_error(&response).0, "NOT_FOUND");

    // Restored within the window: back everywhere, as it was.
    let restored = done(
        &app,
        &me,
        "restoreContact",
        "IdInput",
        json!({ "id": ada }),
        "contact { id fullName }",
    )
    .await;
    assert_eq!(restored["contact"], json!({ "id": ada, "fullName": "Ada" }));
    assert_eq!(names(&app, &me, Value::Null).await.1, 2);
    assert_eq!(node(&app, &me, &ada).await["data"]["node"]["id"], ada.as_str());

    // Deleted 31 days ago: no longer restorable, and the server's purge erases the row.
    done(
        &app,
        &me,
        "deleteContact",
        "IdInput",
        json!({ "id": ada }),
        "deletedId",
    )
    .await;
    execute(
        &app,
        "update contacts set deleted_at = now() - interval '31 days' where full_name = 'Ada'",
    )
    .await;
    let response = call(
        &app,
        &me,
        "restoreContact",
        "IdInput",
        json!({ "id": ada }),
        "contact { id }",
    )
    .await;
    assert_eq!(only_error(&response).0, "NOT_FOUND");
    // One deleted yesterday stays until its own window ends.
    let cyd = contact(&app, &me, "Cyd").await;
    done(
        &app,
        &me,
        "deleteContact",
        "IdInput",
        json!({ "id": cyd }),
        "deletedId",
    )
    .await;
    execute(
        &app,
        "update contacts set deleted_at = now() - interval '1 day' where full_name = 'Cyd'",
    )
    .await;
    let pool = db::pool(&app.database_url, 1, StatementCounter::default()).expect("pool");
    assert_eq!(
        careergraph::contacts::purge_expired(&pool).await.expect("purge"),
        1
    );
    assert_eq!(
        count(&app, "select count(*) as n from contacts where full_name = 'Ada'").await,
        0
    );
    assert_eq!(
        count(&app, "select count(*) as n from contacts where full_name = 'Cyd'").await,
        1
    );
    done(
        &app,
        &me,
        "restoreContact",
        "IdInput",
        json!({ "id": cyd }),
        "contact { id }",
    )
    .await;

    // eraseContact erases at once, live or deleted; a second time finds nothing.
    done(
        &app,
        &me,
        "eraseContact",
        "IdInput",
        json!({ "id": bob }),
        "deletedId",
    )
    .await;
    done(
        &app,
        &me,
        "deleteContact",
        "IdInput",
        json!({ "id": cyd }),
        "deletedId",
    )
    .await;
    done(
        &app,
        &me,
        "eraseContact",
        "IdInput",
        json!({ "id": cyd }),
        "deletedId",
    )
    .await;
    assert_eq!(count(&app, "select count(*) as n from contacts").await, 0);
    let response = call(
        &app,
        &me,
        "eraseContact",
        "IdInput",
        json!({ "id": bob }),
        "deletedId",
    )
    .await;
    assert_eq!(only_error(&response).0, "NOT_FOUND");
    // Nothing of their names stays in the audit log either.
    assert_eq!(
        count(
            &app,
            "select count(*) as n from audit_log where changes::text ~ '(Ada|Bob|Cyd)'"
        )
        .await,
        0
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn nobody_else_finds_or_changes_a_contact() {
    let app = TestApp::new().await;
    let owner = app.sign_up("owner@example.com").await;
    let other = app.sign_up("other@example.com").await;
    let ada = contact(&app, &owner, "Ada").await;

    assert_eq!(only_error(&node(&app, &other, &ada).await).0, "NOT_FOUND");
    assert_eq!(names(&app, &other, Value::Null).await, (vec![], 0));
    for (name, input_type, input, selection) in [
        (
            "updateContact",
            "UpdateContactInput",
            json!({ "id": ada, "title": "CTO" }),
            "contact { id }",
        ),
        ("deleteContact", "IdInput", json!({ "id": ada }), "deletedId"),
        (
            "restoreContact",
            "IdInput",
            json!({ "id": ada }),
            "contact { id }",
        ),
        ("eraseContact", "IdInput", json!({ "id": ada }), "deletedId"),
    ] {
        let response = call(&app, &other, name, input_type, input, selection).await;
        assert_eq!(only_error(&response).0, "NOT_FOUND", "{name}: {response}");
    }
    // The owner's contact is untouched; and the other user's deletion of it is not possible
    // even once the owner deleted it.
    done(
        &app,
        &owner,
        "deleteContact",
        "IdInput",
        json!({ "id": ada }),
        "deletedId",
    )
    .await;
    let response = call(
        &app,
        &other,
        "restoreContact",
        "IdInput",
        json!({ "id": ada }),
        "contact { id }",
    )
    .await;
    assert_eq!(only_error(&response).0, "NOT_FOUND");
    let response = call(
        &app,
        &other,
        "eraseContact",
        "IdInput",
        json!({ "id": ada }),
        "deletedId",
    )
    .await;
    assert_eq!(only_error(&response).0, "NOT_FOUND");
    assert_eq!(
        count(&app, "select count(*) as n from contacts where title is null").await,
        1
    );
    // Anonymous: not even asked.
    let response = app
        .gql(
            "query($id: ID!) { node(id: $id) { id } }",
            json!({ "id": ada }),
            None,
        )
        .await;
    assert_eq!(only_error(&response).0, "UNAUTHENTICATED");
}
