//! Your data, your rights (#15 item 7): `requestDataExport` makes one archive holding every
//! table the user owns (read from the catalog, so a table added later is checked too), and
//! `deleteAccount` leaves no row of the user in any table (every table listed from the
//! catalog), revokes their sessions, closes their sockets and leaves the audit log's entries
//! pseudonymised.

use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::time::Duration;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use diesel::QueryableByName;
use diesel::sql_types::{BigInt, Text};
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl, SimpleAsyncConnection};
use futures_util::StreamExt;
use serde_json::{Value, json};
use tokio_tungstenite::tungstenite::Message;

use crate::subscriptions::{connect, receive, send, serve};
use crate::support::{Account, PASSWORD, TestApp, codes, only_error};

const EXPORT_JOB: &str = "query($id: ID!) { node(id: $id) { ... on ExportJob {
    kind format status progress error downloadUrl fileName expiresAt resume { id } } } }";

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

#[derive(QueryableByName)]
struct Owned {
    #[diesel(sql_type = Text)]
    name: String,
    #[diesel(sql_type = Text)]
    columns: String,
}

#[derive(QueryableByName)]
struct Named {
    #[diesel(sql_type = Text)]
    name: String,
}

async fn db(app: &TestApp) -> AsyncPgConnection {
    AsyncPgConnection::establish(&app.database_url)
        .await
        .expect("a connection")
}

async fn count(conn: &mut AsyncPgConnection, sql: &str) -> i64 {
    diesel::sql_query(sql)
        .get_result::<Count>(conn)
        .await
        .unwrap_or_else(|error| panic!("{sql}: {error}"))
        .n
}

fn data_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("careergraph-rights-{}-{name}", std::process::id()));
    std::fs::remove_dir_all(&dir).ok();
    dir
}

async fn app_in(dir: &Path, extra: &[&str]) -> TestApp {
    let dir = dir.to_str().expect("utf-8 path").to_owned();
    let mut args = vec!["--data-dir", dir.as_str()];
    args.extend_from_slice(extra);
    TestApp::with_args(&args).await
}

async fn run(
    app: &TestApp,
    who: &Account,
    name: &str,
    input_type: &str,
    input: Value,
    selection: &str,
) -> Value {
    let query = format!("mutation($input: {input_type}!) {{ {name}(input: $input) {{ {selection} }} }}");
    app.ok(&query, json!({ "input": input }), Some(&who.access_token))
        .await[name]
        .clone()
}

fn uuid_of(global: &str) -> String {
    use base64::Engine;
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(global)
        .expect("a global id");
    let text = String::from_utf8(bytes).expect("utf-8");
    text.split_once(':')
        .map(|(_, id)| id.to_owned())
        .expect("type:uuid")
}

/// A bit of everything a person keeps: profile, career record, a posting and an application
/// with an artifact whose PDF is stored, a contact, an approved output, a critic log, a resume,
/// with `founder`, an organisation they founded. `marker` goes into free text everywhere.
async fn everything(app: &TestApp, who: &Account, marker: &str, founder: bool) {
    run(
        app,
        who,
        "updateProfile",
        "UpdateProfileInput",
        json!({ "fullName": format!("Person {marker}"), "phone": "+44 20 7946 0000", "summary": marker }),
        "profile { id }",
    )
    .await;
    run(
        app,
        who,
        "createExperience",
        "CreateExperienceInput",
        json!({ "companyName": "Acme", "jobTitle": "Engineer", "employmentType": "FULL_TIME",
                "startDate": "2020-01-01", "summary": marker }),
        "experience { id }",
    )
    .await;
    run(
        app,
        who,
        "createStrength",
        "CreateStrengthInput",
        json!({ "name": "Calm" }),
        "strength { id }",
    )
    .await;
    let posting = run(
        app,
        who,
        "createJobPosting",
        "CreateJobPostingInput",
        json!({ "companyName": "Globex", "jobTitle": "Engineer", "description": marker }),
        "jobPosting { id }",
    )
    .await["jobPosting"]["id"]
        .clone();
    let application = run(
        app,
        who,
        "createApplication",
        "CreateApplicationInput",
        json!({ "jobPostingId": posting }),
        "application { id }",
    )
    .await["application"]["id"]
        .clone();
    let artifact = run(
        app,
        who,
        "createArtifact",
        "CreateArtifactInput",
        json!({ "applicationId": application, "kind": "CV", "content": format!("CV of {marker}") }),
        "artifact { pdfUrl }",
    )
    .await;
    let (status, pdf) = app
        .send(
            Request::get(artifact["artifact"]["pdfUrl"].as_str().unwrap_or_default())
                .header("authorization", format!("Bearer {}", who.access_token))
                .body(Body::empty())
                .expect("request"),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(pdf.starts_with(b"%PDF"));
    run(
        app,
        who,
        "createContact",
        "CreateContactInput",
        json!({ "fullName": "Ada Contact", "email": "ada.contact@example.com", "notes": marker }),
        "contact { id }",
    )
    .await;
    run(
        app,
        who,
        "createApprovedOutput",
        "CreateApprovedOutputInput",
        json!({ "outputType": "RESUME_BULLET", "text": marker, "applicationId": application }),
        "approvedOutput { id }",
    )
    .await;
    run(
        app,
        who,
        "recordCriticLog",
        "RecordCriticLogInput",
        json!({ "sessionId": "0194b3c0-0000-7000-8000-000000000001", "iteration": 1, "qualityScore": 0.5, "passed": true }),
        "criticLog { id }",
    )
    .await;
    run(
        app,
        who,
        "createResume",
        "CreateResumeInput",
        json!({ "name": "Backend", "personalInfo": { "fullName": format!("Person {marker}"), "headline": marker } }),
        "resume { id }",
    )
    .await;
    if !founder {
        return;
    }
    let slug = format!("org-{}", &uuid_of(&who.user_id)[24..]);
    run(
        app,
        who,
        "createOrganization",
        "CreateOrganizationInput",
        json!({ "name": format!("Founded by {slug}"), "slug": slug }),
        "organization { id }",
    )
    .await;
}

/// Queues a data export and waits for it to finish: the job as `node` shows it.
async fn data_export(app: &TestApp, who: &Account) -> Value {
    let queued = app
        .ok(
            "mutation { requestDataExport { exportJob { id kind format status resume { id } } } }",
            json!({}),
            Some(&who.access_token),
        )
        .await["requestDataExport"]["exportJob"]
        .clone();
    assert_eq!(queued["kind"], "DATA", "{queued}");
    assert_eq!(queued["format"], "ZIP");
    assert_eq!(queued["resume"], Value::Null);
    let id = queued["id"].as_str().expect("an id").to_owned();
    for _ in 0..600 {
        let job = app
            .ok(EXPORT_JOB, json!({ "id": id }), Some(&who.access_token))
            .await["node"]
            .clone();
        if job["status"] == "DONE" || job["status"] == "FAILED" {
            return job;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("the data export did not finish within 60 s");
}

/// The tables a user owns rows of, from the catalog: every base table with a `user_id` or
/// `owner_id` column whose foreign key (if any) is not `on delete set null` (those are an
/// organisation's rows that merely mention the user), and `users`. Each with its condition.
async fn owned_tables(conn: &mut AsyncPgConnection) -> BTreeMap<String, Vec<String>> {
    let rows: Vec<Owned> = diesel::sql_query(
        "select c.table_name::text as name, string_agg(c.column_name::text, ',' order by c.column_name) as columns
         from information_schema.columns c
         join information_schema.tables t
           on t.table_schema = c.table_schema and t.table_name = c.table_name and t.table_type = 'BASE TABLE'
         where c.table_schema = 'public' and c.column_name in ('user_id', 'owner_id')
           and not exists (
             select 1 from information_schema.key_column_usage k
             join information_schema.referential_constraints r
               on r.constraint_schema = k.constraint_schema and r.constraint_name = k.constraint_name
             where k.table_schema = 'public' and k.table_name = c.table_name
               and k.column_name = c.column_name and r.delete_rule = 'SET NULL')
         group by c.table_name",
    )
    .load(conn)
    .await
    .expect("the catalog");
    let mut owned: BTreeMap<String, Vec<String>> = rows
        .into_iter()
        .map(|row| (row.name, row.columns.split(',').map(str::to_owned).collect()))
        .collect();
    owned.insert("users".to_owned(), vec!["id".to_owned()]);
    owned
}

/// Counts the user's rows of a table.
fn mine(table: &str, columns: &[String], user_id: &str) -> String {
    let condition = columns
        .iter()
        .map(|column| format!("{column} = '{user_id}'"))
        .collect::<Vec<_>>()
        .join(" or ");
    format!("select count(*) as n from {table} where {condition}")
}

fn archive_entries(bytes: &[u8]) -> BTreeMap<String, Vec<u8>> {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("a zip archive");
    let mut entries = BTreeMap::new();
    for i in 0..archive.len() {
        let mut file = archive.by_index(i).expect("an entry");
        let mut content = Vec::new();
        file.read_to_end(&mut content).expect("readable");
        entries.insert(file.name().to_owned(), content);
    }
    entries
}

#[tokio::test(flavor = "multi_thread")]
async fn the_data_export_holds_every_table_the_user_owns() {
    let dir = data_dir("export");
    let app = app_in(&dir, &[]).await;
    let me = app.sign_up("exported@example.com").await;
    let other = app.sign_up("someone-else@example.com").await;
    everything(&app, &me, "MINE-7731", true).await;
    everything(&app, &other, "THEIRS-4410", true).await;
    let mut conn = db(&app).await;
    let owned = owned_tables(&mut conn).await;
    let my_id = uuid_of(&me.user_id);
    let mut counts_before = BTreeMap::new();
    for (table, columns) in &owned {
        counts_before.insert(
            table.clone(),
            count(&mut conn, &mine(table, columns, &my_id)).await,
        );
    }

    let job = data_export(&app, &me).await;
    assert_eq!(job["status"], "DONE", "{job}");
    assert_eq!(job["progress"], 100);
    assert!(
        job["fileName"]
            .as_str()
            .is_some_and(|name| name.ends_with(".zip")),
        "{job}"
    );
    let url = job["downloadUrl"].as_str().expect("a download URL").to_owned();
    // Another user's token finds nothing there.
    let (status, _) = app
        .send(
            Request::get(&url)
                .header("authorization", format!("Bearer {}", other.access_token))
                .body(Body::empty())
                .expect("request"),
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, bytes) = app
        .send(
            Request::get(&url)
                .header("authorization", format!("Bearer {}", me.access_token))
                .body(Body::empty())
                .expect("request"),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let entries = archive_entries(&bytes);
    let manifest: Value = serde_json::from_slice(&entries["manifest.json"]).expect("a JSON manifest");
    assert_eq!(manifest["format"], "careergraph-data-export");
    let other_id = uuid_of(&other.user_id);
    assert_eq!(manifest["userId"], my_id.as_str());
    for expected in [
        "users",
        "candidate_profiles",
        "experiences",
        "strengths",
        "job_postings",
        "applications",
        "artifacts",
        "artifact_pdfs",
        "contacts",
        "approved_outputs",
        "critic_logs",
        "resumes",
        "organization_members",
        "sessions",
        "refresh_tokens",
        "audit_log",
    ] {
        assert!(
            owned.contains_key(expected),
            "{expected} is among the owned tables: {owned:?}"
        );
    }
    let mut nonempty = 0;
    for (table, columns) in &owned {
        let path = format!("tables/{table}.json");
        let rows: Value = serde_json::from_slice(
            entries
                .get(&path)
                .unwrap_or_else(|| panic!("{path} is in the archive")),
        )
        .expect("JSON rows");
        let rows = rows.as_array().expect("an array of rows");
        // The export itself writes rows while it runs (its job, the job's audit entries).
        let after = count(&mut conn, &mine(table, columns, &my_id)).await;
        let found = rows.len() as i64;
        assert!(
            counts_before[table] <= found && found <= after,
            "{table}: every row of mine: {found} in the archive, {} before, {after} after",
            counts_before[table]
        );
        assert_eq!(
            manifest["tables"][table]["rows"], found,
            "{table} in the manifest"
        );
        nonempty += usize::from(found > 0);
        let text = serde_json::to_string(rows).unwrap_or_default();
        assert!(!text.contains(&other_id), "{table} holds the other user's rows");
        assert!(
            !text.contains("THEIRS-4410"),
            "{table} holds the other user's data"
        );
    }
    assert!(nonempty >= 14, "the fixture fills the owned tables: {nonempty}");
    let whole = String::from_utf8_lossy(&bytes).into_owned();
    let users: Value = serde_json::from_slice(&entries["tables/users.json"]).expect("users");
    assert_eq!(users[0]["email"], "exported@example.com");
    assert!(users[0].get("password_hash").is_none(), "no password hash");
    let tokens: Value = serde_json::from_slice(&entries["tables/refresh_tokens.json"]).expect("tokens");
    assert!(tokens[0].get("token_hash").is_none(), "no token hash");
    assert!(!whole.contains("$argon2"));
    let profile: Value = serde_json::from_slice(&entries["tables/candidate_profiles.json"]).expect("profile");
    assert_eq!(profile[0]["summary"], "MINE-7731");
    // The stored PDF is a file of its own, named in its row.
    let pdfs: Value = serde_json::from_slice(&entries["tables/artifact_pdfs.json"]).expect("pdfs");
    let pdf_path = pdfs[0]["pdf"].as_str().expect("the PDF's path").to_owned();
    assert!(pdf_path.starts_with("files/artifact_pdfs/"), "{pdf_path}");
    assert!(entries[&pdf_path].starts_with(b"%PDF"), "the PDF itself");

    // A resume's export cannot ask for the archive's format.
    let resume = app
        .ok(
            "{ viewer { resumes(first: 1) { edges { node { id } } } } }",
            json!({}),
            Some(&me.access_token),
        )
        .await["viewer"]["resumes"]["edges"][0]["node"]["id"]
        .clone();
    let refused = app
        .gql(
            "mutation($input: RequestExportInput!) { requestExport(input: $input) { exportJob { id } } }",
            json!({ "input": { "resumeId": resume, "format": "ZIP" } }),
            Some(&me.access_token),
        )
        .await;
    assert_eq!(
        only_error(&refused),
        ("BAD_USER_INPUT".to_owned(), Some("format".to_owned()))
    );
    let anonymous = app
        .gql(
            "mutation { requestDataExport { exportJob { id } } }",
            json!({}),
            None,
        )
        .await;
    assert_eq!(codes(&anonymous), vec!["UNAUTHENTICATED"]);
    std::fs::remove_dir_all(&dir).ok();
}

/// The rows of every table that mention `needle` (as text, in any column): table → count.
async fn tables_mentioning(conn: &mut AsyncPgConnection, needle: &str) -> BTreeMap<String, i64> {
    let tables: Vec<Named> = diesel::sql_query(
        "select table_name::text as name from information_schema.tables
         where table_schema = 'public' and table_type = 'BASE TABLE' order by 1",
    )
    .load(conn)
    .await
    .expect("the tables");
    assert!(tables.len() > 40, "every table: {}", tables.len());
    let mut found = BTreeMap::new();
    for table in tables {
        let n = count(
            conn,
            &format!(
                "select count(*) as n from \"{}\" t where strpos(lower(t::text), lower('{needle}')) > 0",
                table.name
            ),
        )
        .await;
        if n > 0 {
            found.insert(table.name, n);
        }
    }
    found
}

const DELETE: &str = "mutation($input: DeleteAccountInput!) { deleteAccount(input: $input) { deletedId } }";

#[tokio::test(flavor = "multi_thread")]
async fn deleting_the_account_leaves_no_row_of_it_in_any_table() {
    let dir = data_dir("delete");
    // Files live a minute: the sweep that erases a deleted account's files runs every 30 s.
    let app = app_in(&dir, &["--export-ttl", "60"]).await;
    let me = app.sign_up("erased-person@example.com").await;
    let other = app.sign_up("stays@example.com").await;
    let marker = "ERASE-ME-9182";
    // The last admin of an organisation cannot delete their account (the organisation keeps
    // one admin): this one founded none.
    everything(&app, &me, marker, false).await;
    everything(&app, &other, "STAYS-5521", true).await;
    let my_id = uuid_of(&me.user_id);
    let other_id = uuid_of(&other.user_id);
    // A data export made before: its file is on disk.
    let export = data_export(&app, &me).await;
    assert_eq!(export["status"], "DONE", "{export}");
    let my_files = dir.join("files").join("exports").join(&my_id);
    assert!(
        my_files.exists(),
        "the export's file is kept under {}",
        my_files.display()
    );

    let mut conn = db(&app).await;
    let before = tables_mentioning(&mut conn, &my_id).await;
    for table in [
        "users",
        "experiences",
        "contacts",
        "artifact_pdfs",
        "export_jobs",
        "audit_log",
        "sessions",
    ] {
        assert!(
            before.contains_key(table),
            "{table} holds my rows before: {before:?}"
        );
    }
    let theirs_before = tables_mentioning(&mut conn, &other_id).await;
    let my_entries = count(
        &mut conn,
        &format!("select count(*) as n from audit_log where owner_id = '{my_id}'"),
    )
    .await;
    assert!(my_entries > 10, "{my_entries}");
    let entry_ids: Vec<Named> = diesel::sql_query(format!(
        "select id::text as name from audit_log where owner_id = '{my_id}' or actor_id = '{my_id}'"
    ))
    .load(&mut conn)
    .await
    .expect("my entries");

    let address = serve(&app).await;
    let mut socket = connect(&address, "graphql-transport-ws").await;
    send(
        &mut socket,
        json!({ "type": "connection_init", "payload": { "Authorization": format!("Bearer {}", me.access_token) } }),
    )
    .await;
    assert_eq!(
        receive(&mut socket).await.map(|m| m["type"].clone()),
        Some(json!("connection_ack"))
    );
    send(
        &mut socket,
        json!({ "id": "1", "type": "subscribe", "payload": { "query": "subscription { notificationReceived { id } }" } }),
    )
    .await;

    // A wrong password deletes nothing.
    let wrong = app
        .gql(
            DELETE,
            json!({ "input": { "password": "not my password" } }),
            Some(&me.access_token),
        )
        .await;
    assert_eq!(
        only_error(&wrong),
        ("BAD_USER_INPUT".to_owned(), Some("password".to_owned()))
    );
    assert_eq!(tables_mentioning(&mut conn, &my_id).await, before);
    let anonymous = app
        .gql(DELETE, json!({ "input": { "password": PASSWORD } }), None)
        .await;
    assert_eq!(codes(&anonymous), vec!["UNAUTHENTICATED"]);

    let deleted = app
        .ok(
            DELETE,
            json!({ "input": { "password": PASSWORD } }),
            Some(&me.access_token),
        )
        .await;
    assert_eq!(deleted["deleteAccount"]["deletedId"], me.user_id.as_str());

    // The open socket closes; the tokens and the password no longer work.
    let closed = tokio::time::timeout(Duration::from_secs(5), async {
        loop {
            match socket.next().await {
                Some(Ok(Message::Close(frame))) => return frame.map(|frame| u16::from(frame.code)),
                Some(Ok(_)) => {}
                _ => return None,
            }
        }
    })
    .await
    .ok()
    .flatten();
    assert_eq!(closed, Some(4403));
    let viewer = app
        .gql("{ viewer { id } }", json!({}), Some(&me.access_token))
        .await;
    assert_eq!(codes(&viewer), vec!["UNAUTHENTICATED"]);
    let refreshed = app
        .gql(
            "mutation($input: RefreshTokenInput!) { refreshSession(input: $input) { accessToken } }",
            json!({ "input": { "refreshToken": me.refresh_token } }),
            None,
        )
        .await;
    assert_eq!(codes(&refreshed), vec!["UNAUTHENTICATED"]);
    let signed_in = app
        .gql(
            "mutation($input: CredentialsInput!) { signIn(input: $input) { accessToken } }",
            json!({ "input": { "email": "erased-person@example.com", "password": PASSWORD } }),
            None,
        )
        .await;
    assert_eq!(codes(&signed_in), vec!["UNAUTHENTICATED"]);

    // No table holds a row with my id, my email or my free text, but the outbox's revocation,
    // which every server copy needs to refuse my tokens until they expire (pruned with the
    // outbox).
    let mut left = tables_mentioning(&mut conn, &my_id).await;
    let revocations = count(
        &mut conn,
        &format!(
            "select count(*) as n from event_outbox
             where payload ->> 'type' = 'revocation' and payload ->> 'userId' = '{my_id}'"
        ),
    )
    .await;
    assert!(revocations >= 1, "the deletion's revocation event");
    if left.get("event_outbox") == Some(&revocations) {
        left.remove("event_outbox");
    }
    assert!(left.is_empty(), "rows of the deleted user remain: {left:?}");
    for needle in ["erased-person@example.com", marker] {
        let left = tables_mentioning(&mut conn, needle).await;
        assert!(left.is_empty(), "{needle} remains in {left:?}");
    }
    // The other user lost nothing.
    assert_eq!(tables_mentioning(&mut conn, &other_id).await, theirs_before);

    // My audit entries are all still there, under one pseudonym that is nobody's.
    let kept = entry_ids
        .iter()
        .map(|entry| format!("'{}'", entry.name))
        .collect::<Vec<_>>()
        .join(", ");
    assert_eq!(
        count(
            &mut conn,
            &format!("select count(*) as n from audit_log where id in ({kept})")
        )
        .await,
        entry_ids.len() as i64
    );
    let pseudonyms: Vec<Named> = diesel::sql_query(format!(
        "select distinct owner_id::text as name from audit_log where id in ({kept}) and owner_id is not null"
    ))
    .load(&mut conn)
    .await
    .expect("owners");
    assert_eq!(pseudonyms.len(), 1, "one pseudonym");
    let pseudonym = pseudonyms[0].name.clone();
    assert_ne!(pseudonym, my_id);
    assert_eq!(
        count(
            &mut conn,
            &format!("select count(*) as n from users where id = '{pseudonym}'")
        )
        .await,
        0
    );
    assert!(
        count(
            &mut conn,
            &format!("select count(*) as n from audit_log where owner_id = '{pseudonym}'")
        )
        .await
            >= my_entries,
        "the deletion's own entries join them"
    );
    assert!(
        count(
            &mut conn,
            &format!("select count(*) as n from audit_log where actor_id = '{pseudonym}'")
        )
        .await
            > 0
    );
    assert!(
        count(
            &mut conn,
            &format!(
                "select count(*) as n from audit_log where owner_id = '{pseudonym}'
                 and changes::text like '%[erased]%'"
            )
        )
        .await
            > 0,
        "the values of my data's changes are erased"
    );

    // The exception cannot rewrite a living person's entries, nor anything else of mine.
    let living = format!(
        "begin;
         select set_config('careergraph.pseudonymise_person', '{other_id}', true),
                set_config('careergraph.pseudonym', gen_random_uuid()::text, true);
         update audit_log a set owner_id = (audit_pseudonymised(to_jsonb(a), '{other_id}',
                current_setting('careergraph.pseudonym')::uuid) ->> 'owner_id')::uuid,
                changes = audit_pseudonymised(to_jsonb(a), '{other_id}',
                current_setting('careergraph.pseudonym')::uuid) -> 'changes',
                entity_id = audit_pseudonymised(to_jsonb(a), '{other_id}',
                current_setting('careergraph.pseudonym')::uuid) ->> 'entity_id'
         where owner_id = '{other_id}';
         commit"
    );
    let refused = conn.batch_execute(&living).await;
    assert!(
        refused
            .as_ref()
            .is_err_and(|error| error.to_string().contains("append-only")),
        "{refused:?}"
    );
    conn.batch_execute("rollback").await.ok();
    let rewrite = format!(
        "begin;
         select set_config('careergraph.pseudonymise_person', '{my_id}', true),
                set_config('careergraph.pseudonym', gen_random_uuid()::text, true);
         update audit_log set message = 'rewritten' where owner_id = '{pseudonym}';
         commit"
    );
    let refused = conn.batch_execute(&rewrite).await;
    assert!(
        refused
            .as_ref()
            .is_err_and(|error| error.to_string().contains("append-only")),
        "{refused:?}"
    );
    conn.batch_execute("rollback").await.ok();

    // The export runner's sweep deletes my files (before they would have expired anyway).
    let expires_at = export["expiresAt"].as_str().unwrap_or_default().to_owned();
    let mut gone = false;
    for _ in 0..400 {
        if !my_files.exists() {
            gone = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(gone, "{} is still there", my_files.display());
    let expires_at = chrono::DateTime::parse_from_rfc3339(&expires_at).expect("a time");
    assert!(chrono::Utc::now() < expires_at, "erased before it expired");
    std::fs::remove_dir_all(&dir).ok();
}
