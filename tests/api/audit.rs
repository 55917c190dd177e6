//! The audit log (#15 item 4, #23 item 11): every table of user data has the trigger; each
//! mutation writes entries in its own transaction with its actor and request id; personal
//! fields are masked; a user reads their own history and an organisation's admins their
//! organisation's; the database refuses to change or remove an entry.

use axum::body::Body;
use axum::http::Request;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use diesel_async::{AsyncConnection, AsyncPgConnection, SimpleAsyncConnection};
use serde_json::{Value, json};

use crate::contacts::{count, done, execute};
use crate::hiring::create_organization;
use crate::support::{Account, PASSWORD, TestApp};

/// The ids a scenario's earlier steps made, by name.
type Made = std::collections::HashMap<&'static str, String>;

/// One mutation of a scenario: its name, input type, input (from what earlier steps made),
/// selection, and which id of its payload to keep (as, under the field).
type Step = (
    &'static str,
    &'static str,
    Box<dyn Fn(&Made) -> Value>,
    &'static str,
    Option<(&'static str, &'static str)>,
);

/// Tables that are not user data (docs/domain.md §8).
const NOT_AUDITED: &[&str] = &[
    "audit_log",
    "__diesel_schema_migrations",
    "event_outbox",
    "persisted_queries",
];

/// The row id behind a global id.
fn uuid_of(id: &str) -> String {
    let bytes = URL_SAFE_NO_PAD.decode(id).expect("a global id");
    let text = String::from_utf8(bytes).expect("utf-8");
    text.split_once(':')
        .map(|(_, uuid)| uuid.to_owned())
        .expect("type:uuid")
}

/// Runs an operation with this `x-request-id`; the whole response.
async fn with_request_id(
    app: &TestApp,
    request_id: &str,
    query: &str,
    variables: Value,
    token: Option<&str>,
) -> Value {
    let mut request = Request::post("/graphql")
        .header("content-type", "application/json")
        .header("x-request-id", request_id);
    if let Some(token) = token {
        request = request.header("authorization", format!("Bearer {token}"));
    }
    let body = serde_json::to_vec(&json!({ "query": query, "variables": variables })).expect("json");
    let (_, body) = app.send(request.body(Body::from(body)).expect("request")).await;
    let response: Value = serde_json::from_slice(&body).expect("json");
    assert!(response.get("errors").is_none(), "{query}: {response}");
    response["data"].clone()
}

/// The entries `who` reads with `filter`, newest first.
async fn audit_log(app: &TestApp, who: &Account, filter: Value) -> Vec<Value> {
    let data = app
        .ok(
            "query($filter: AuditLogFilter) { viewer { auditLog(filter: $filter, first: 100) { totalCount edges { node {
                id createdAt actorId entityType entityId action requestId level logType message metadata
                changes { field oldValue newValue } } } } } }",
            json!({ "filter": filter }),
            Some(&who.access_token),
        )
        .await;
    let list = &data["viewer"]["auditLog"];
    let nodes: Vec<Value> = list["edges"]
        .as_array()
        .map(|edges| edges.iter().map(|edge| edge["node"].clone()).collect())
        .unwrap_or_default();
    assert_eq!(list["totalCount"], json!(nodes.len()));
    nodes
}

/// The change of `field` in an entry: (old, new).
fn change(entry: &Value, field: &str) -> Option<(Value, Value)> {
    entry["changes"]
        .as_array()?
        .iter()
        .find(|c| c["field"] == field)
        .map(|c| (c["oldValue"].clone(), c["newValue"].clone()))
}

#[tokio::test(flavor = "multi_thread")]
async fn every_table_of_user_data_has_the_audit_trigger() {
    let app = TestApp::new().await;
    let tables = count(
        &app,
        "select count(*) as n from pg_class c join pg_namespace n on n.oid = c.relnamespace
         where n.nspname = 'public' and c.relkind in ('r', 'p')",
    )
    .await;
    assert!(tables > 40, "the schema has its tables: {tables}");
    let excluded = NOT_AUDITED
        .iter()
        .map(|t| format!("'{t}'"))
        .collect::<Vec<_>>()
        .join(", ");
    let mut conn = AsyncPgConnection::establish(&app.database_url)
        .await
        .expect("a connection");
    conn.batch_execute(&format!(
        "do $$ declare missing text; begin
           select string_agg(c.relname, ', ' order by c.relname) into missing
           from pg_class c join pg_namespace n on n.oid = c.relnamespace
           where n.nspname = 'public' and c.relkind in ('r', 'p') and c.relname not in ({excluded})
             and not exists (select 1 from pg_trigger t where t.tgrelid = c.oid and t.tgname = 'audit_change');
           if missing is not null then
             raise exception 'tables without the audit trigger (call audit_table in their migration): %', missing;
           end if;
         end $$"
    ))
    .await
    .unwrap_or_else(|error| panic!("{error}"));
}

#[tokio::test(flavor = "multi_thread")]
async fn each_mutation_writes_entries_with_its_actor_and_request_id() {
    let app = TestApp::new().await;
    let schema_mutations = app
        .ok(
            "{ __schema { mutationType { fields { name } } } }",
            json!({}),
            None,
        )
        .await;
    let in_schema: Vec<String> = schema_mutations["__schema"]["mutationType"]["fields"]
        .as_array()
        .map(|fields| {
            fields
                .iter()
                .filter_map(|f| f["name"].as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default();

    // Sign-up has no actor yet: its entries are the new user's, without one.
    let signed_up = with_request_id(
        &app,
        "req-signUp",
        "mutation($input: SignUpInput!) { signUp(input: $input) { accessToken user { id } } }",
        json!({ "input": { "email": "audited@example.com", "password": PASSWORD, "acceptTerms": true } }),
        None,
    )
    .await;
    let token = signed_up["signUp"]["accessToken"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let me = uuid_of(signed_up["signUp"]["user"]["id"].as_str().unwrap_or_default());
    assert!(
        count(&app, &format!("select count(*) as n from audit_log where request_id = 'req-signUp' and actor_id is null and owner_id = '{me}' and entity_type = 'users' and action = 'insert'")).await == 1,
        "signUp wrote the user's row"
    );

    // Then each mutation, one request each: (name, input type, input, selection, what it returns as an id).
    let mut ids: Made = Made::new();
    let steps: Vec<Step> = vec![
        (
            "updateProfile",
            "UpdateProfileInput",
            Box::new(|_| json!({ "headline": "Engineer" })),
            "profile { id }",
            None,
        ),
        (
            "createExperience",
            "CreateExperienceInput",
            Box::new(
                |_| json!({ "companyName": "Acme", "jobTitle": "Engineer", "employmentType": "FULL_TIME", "startDate": "2020-01-01" }),
            ),
            "experience { id }",
            Some(("experience", "experience")),
        ),
        (
            "updateExperience",
            "UpdateExperienceInput",
            Box::new(|ids| json!({ "id": ids["experience"], "jobTitle": "Staff Engineer" })),
            "experience { id }",
            None,
        ),
        (
            "createStrength",
            "CreateStrengthInput",
            Box::new(|_| json!({ "name": "Calm" })),
            "strength { id }",
            None,
        ),
        (
            "createJobPosting",
            "CreateJobPostingInput",
            Box::new(
                |_| json!({ "companyName": "Globex", "jobTitle": "Engineer", "description": "Rust and PostgreSQL" }),
            ),
            "jobPosting { id }",
            Some(("posting", "jobPosting")),
        ),
        (
            "createApplication",
            "CreateApplicationInput",
            Box::new(|ids| json!({ "jobPostingId": ids["posting"] })),
            "application { id }",
            Some(("application", "application")),
        ),
        (
            "createContact",
            "CreateContactInput",
            Box::new(|_| json!({ "fullName": "Ada", "email": "ada@example.com" })),
            "contact { id }",
            Some(("contact", "contact")),
        ),
        (
            "updateContact",
            "UpdateContactInput",
            Box::new(|ids| json!({ "id": ids["contact"], "relationshipStrength": 0.5 })),
            "contact { id }",
            None,
        ),
        (
            "deleteContact",
            "IdInput",
            Box::new(|ids| json!({ "id": ids["contact"] })),
            "deletedId",
            None,
        ),
        (
            "restoreContact",
            "IdInput",
            Box::new(|ids| json!({ "id": ids["contact"] })),
            "contact { id }",
            None,
        ),
        (
            "eraseContact",
            "IdInput",
            Box::new(|ids| json!({ "id": ids["contact"] })),
            "deletedId",
            None,
        ),
        (
            "createApprovedOutput",
            "CreateApprovedOutputInput",
            Box::new(
                |ids| json!({ "outputType": "RESUME_BULLET", "text": "Did it", "applicationId": ids["application"] }),
            ),
            "approvedOutput { id }",
            Some(("output", "approvedOutput")),
        ),
        (
            "deleteApprovedOutput",
            "IdInput",
            Box::new(|ids| json!({ "id": ids["output"] })),
            "deletedId",
            None,
        ),
        (
            "recordCriticLog",
            "RecordCriticLogInput",
            Box::new(
                |_| json!({ "sessionId": "0194b3c0-0000-7000-8000-000000000001", "iteration": 1, "qualityScore": 0.5, "passed": true }),
            ),
            "criticLog { id }",
            None,
        ),
        (
            "createOrganization",
            "CreateOrganizationInput",
            Box::new(|_| json!({ "name": "Audited Org", "slug": "audited-org" })),
            "organization { id }",
            None,
        ),
        (
            "deleteApplication",
            "IdInput",
            Box::new(|ids| json!({ "id": ids["application"] })),
            "deletedId",
            None,
        ),
        (
            "deleteJobPosting",
            "IdInput",
            Box::new(|ids| json!({ "id": ids["posting"] })),
            "deletedId",
            None,
        ),
        (
            "deleteExperience",
            "IdInput",
            Box::new(|ids| json!({ "id": ids["experience"] })),
            "deletedId",
            None,
        ),
    ];
    for (name, input_type, input, selection, keep) in &steps {
        assert!(
            in_schema.iter().any(|m| m == name),
            "{name} is a mutation of the schema"
        );
        let request_id = format!("req-{name}");
        let query = format!("mutation($input: {input_type}!) {{ {name}(input: $input) {{ {selection} }} }}");
        let data = with_request_id(
            &app,
            &request_id,
            &query,
            json!({ "input": input(&ids) }),
            Some(&token),
        )
        .await;
        if let Some((key, field)) = keep {
            ids.insert(
                key,
                data[*name][*field]["id"].as_str().unwrap_or_default().to_owned(),
            );
        }
        let written = count(
            &app,
            &format!("select count(*) as n from audit_log where request_id = '{request_id}'"),
        )
        .await;
        let mine = count(
            &app,
            &format!(
                "select count(*) as n from audit_log where request_id = '{request_id}' and actor_id = '{me}'"
            ),
        )
        .await;
        assert!(written >= 1, "{name} wrote an audit entry");
        assert_eq!(mine, written, "{name}: every entry names its actor");
    }
    // A query writes nothing, and carries no actor into a later write on its connection.
    let before = count(&app, "select count(*) as n from audit_log").await;
    with_request_id(
        &app,
        "req-query",
        "{ viewer { id contacts { totalCount } } }",
        json!({}),
        Some(&token),
    )
    .await;
    assert_eq!(count(&app, "select count(*) as n from audit_log").await, before);
    // A background job's writes have no actor, whichever connection it draws.
    execute(&app, "insert into contacts (id, user_id, full_name, deleted_at) select gen_random_uuid(), id, 'Old', now() - interval '40 days' from users").await;
    let pool = careergraph::db::pool(&app.database_url, 1, careergraph::db::StatementCounter::default())
        .expect("pool");
    careergraph::contacts::purge_expired(&pool).await.expect("purge");
    assert_eq!(
        count(&app, "select count(*) as n from audit_log where entity_type = 'contacts' and action = 'delete' and actor_id is null").await,
        1
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn entries_show_old_and_new_values_and_mask_personal_fields() {
    let app = TestApp::new().await;
    let me = app.sign_up("history@example.com").await;
    let other = app.sign_up("other@example.com").await;
    let made = done(
        &app,
        &me,
        "createContact",
        "CreateContactInput",
        json!({ "fullName": "Ada Lovelace", "email": "ada@example.com", "linkedinUrl": "https://linkedin.com/in/ada", "relationshipStrength": 0.2 }),
        "contact { id }",
    )
    .await;
    let id = made["contact"]["id"].as_str().unwrap_or_default().to_owned();
    done(
        &app,
        &me,
        "updateContact",
        "UpdateContactInput",
        json!({ "id": id, "relationshipStrength": 0.5, "email": "lovelace@example.com", "title": "Countess" }),
        "contact { id }",
    )
    .await;
    // An update that changes nothing writes nothing.
    done(
        &app,
        &me,
        "updateContact",
        "UpdateContactInput",
        json!({ "id": id, "relationshipStrength": 0.5 }),
        "contact { id }",
    )
    .await;

    let entries = audit_log(&app, &me, json!({ "entityType": "contacts" })).await;
    assert_eq!(entries.len(), 2, "{entries:?}");
    let (updated, created) = (&entries[0], &entries[1]);
    assert_eq!(created["action"], "INSERT");
    assert_eq!(updated["action"], "UPDATE");
    assert_eq!(updated["entityId"], uuid_of(&id));
    assert_eq!(updated["actorId"], me.user_id.as_str());
    assert_eq!(updated["level"], "INFO");
    assert_eq!(updated["logType"], "data_change");
    assert_eq!(updated["message"], "contacts changed");
    assert_eq!(
        change(updated, "relationship_strength"),
        Some((json!(0.2), json!(0.5)))
    );
    assert_eq!(
        change(updated, "email"),
        Some((json!("[masked]"), json!("[masked]")))
    );
    assert_eq!(change(updated, "title"), Some((Value::Null, json!("[masked]"))));
    assert_eq!(
        change(updated, "full_name"),
        None,
        "unchanged fields are not listed"
    );
    assert_eq!(
        updated["metadata"]["fields"],
        json!(["email", "relationship_strength", "title"])
    );
    assert_eq!(
        change(created, "full_name"),
        Some((Value::Null, json!("[masked]")))
    );
    assert_eq!(
        change(created, "linkedin_url"),
        Some((Value::Null, json!("[masked]")))
    );
    // No personal value anywhere in the log.
    assert_eq!(
        count(&app, "select count(*) as n from audit_log where changes::text ~* '(ada|lovelace|countess|history@|other@)'").await,
        0
    );

    // Filters: by action, level, log type.
    assert_eq!(
        audit_log(&app, &me, json!({ "entityType": "contacts", "action": "INSERT" }))
            .await
            .len(),
        1
    );
    assert_eq!(audit_log(&app, &me, json!({ "level": "ERROR" })).await.len(), 0);
    assert!(
        audit_log(&app, &me, json!({ "logType": "data_change", "level": "INFO" }))
            .await
            .len()
            >= 2
    );
    assert_eq!(
        audit_log(&app, &me, json!({ "entityId": uuid_of(&id) }))
            .await
            .len(),
        2
    );
    // Another user reads none of it, not even through node.
    assert!(
        audit_log(&app, &other, json!({ "entityType": "contacts" }))
            .await
            .is_empty()
    );
    let theirs = app
        .gql(
            "query($id: ID!) { node(id: $id) { id } }",
            json!({ "id": updated["id"] }),
            Some(&other.access_token),
        )
        .await;
    assert_eq!(crate::support::only_error(&theirs).0, "NOT_FOUND");
    let mine = app
        .ok(
            "query($id: ID!) { node(id: $id) { ... on AuditEntry { action } } }",
            json!({ "id": updated["id"] }),
            Some(&me.access_token),
        )
        .await;
    assert_eq!(mine["node"]["action"], "UPDATE");

    // Paging: the list is a connection, newest first.
    let page = app
        .ok(
            "{ viewer { auditLog(first: 1) { pageInfo { hasNextPage } edges { node { action } } } } }",
            json!({}),
            Some(&me.access_token),
        )
        .await;
    assert_eq!(page["viewer"]["auditLog"]["pageInfo"]["hasNextPage"], true);
}

#[tokio::test(flavor = "multi_thread")]
async fn organisation_admins_read_their_organisations_entries() {
    let app = TestApp::new().await;
    let admin = app.sign_up("admin@example.com").await;
    let outsider = app.sign_up("outsider@example.com").await;
    create_organization(&app, &admin, "acme").await;
    let seen = audit_log(&app, &admin, json!({ "entityType": "organizations" })).await;
    assert_eq!(seen.len(), 1, "{seen:?}");
    assert_eq!(seen[0]["action"], "INSERT");
    assert_eq!(seen[0]["actorId"], admin.user_id.as_str());
    assert!(
        audit_log(&app, &outsider, json!({ "entityType": "organizations" }))
            .await
            .is_empty()
    );
    assert!(
        audit_log(&app, &outsider, json!({ "entityType": "organization_members" }))
            .await
            .is_empty()
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn the_database_refuses_to_change_or_remove_an_entry() {
    let app = TestApp::new().await;
    app.sign_up("kept@example.com").await;
    let entries = count(&app, "select count(*) as n from audit_log").await;
    assert!(entries > 0);
    let mut conn = AsyncPgConnection::establish(&app.database_url)
        .await
        .expect("a connection");
    for statement in [
        "update audit_log set message = 'nothing happened'",
        "delete from audit_log",
        "truncate audit_log",
        // The pseudonymisation path changes the actor and owner only.
        "begin; set local careergraph.pseudonymise = 'on'; update audit_log set message = 'x'; commit",
    ] {
        let refused = conn.batch_execute(statement).await;
        assert!(
            refused
                .as_ref()
                .is_err_and(|error| error.to_string().contains("append-only")),
            "{statement}: {refused:?}"
        );
        conn.batch_execute("rollback").await.ok();
    }
    assert_eq!(count(&app, "select count(*) as n from audit_log").await, entries);
    conn.batch_execute(
        "begin; set local careergraph.pseudonymise = 'on';
         update audit_log set owner_id = '00000000-0000-0000-0000-000000000001', actor_id = null; commit",
    )
    .await
    .expect("pseudonymising is allowed");
    assert_eq!(
        count(
            &app,
            "select count(*) as n from audit_log where owner_id = '00000000-0000-0000-0000-000000000001'"
        )
        .await,
        entries
    );
}
