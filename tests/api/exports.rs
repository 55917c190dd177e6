//! Exports: every format made in the background and read back, downloads for the owner only
//! until expiry (then 410), jobs that survive a killed server, and a list whose statement
//! count does not grow with it.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use diesel_async::{AsyncConnection, AsyncPgConnection, SimpleAsyncConnection};
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::career::mutate;
use crate::serve::free_address;
use crate::support::{Account, JWT_SECRET, PASSWORD, TestApp, fresh_database, only_error};

pub async fn run(
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

pub fn text(value: &Value) -> String {
    value.as_str().unwrap_or_default().to_owned()
}

pub fn data_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("careergraph-exports-{}-{name}", std::process::id()));
    std::fs::remove_dir_all(&dir).ok();
    dir
}

/// An app whose files go to a directory of its own.
pub async fn app_in(dir: &Path, extra: &[&str]) -> TestApp {
    let dir = dir.to_str().expect("utf-8 path").to_owned();
    let mut args = vec!["--data-dir", dir.as_str()];
    args.extend_from_slice(extra);
    TestApp::with_args(&args).await
}

/// A resume with a summary, an experience with a bullet and a project under it, an
/// education entry and a strength: its id.
pub async fn sample_resume(app: &TestApp, who: &Account) -> String {
    let made = run(
        app,
        who,
        "createResume",
        "CreateResumeInput",
        json!({ "name": "Backend", "personalInfo": {
            "fullName": "Ann Lee", "headline": "Rust engineer", "email": "ann@example.com",
            "location": "Lisbon" } }),
        "resume { id }",
    )
    .await;
    let resume = text(&made["resume"]["id"]);
    let experience = text(
        &mutate(
            app,
            who,
            "createExperience",
            json!({ "companyName": "Acme", "jobTitle": "Staff engineer", "employmentType": "FULL_TIME",
                    "startDate": "2020-01-01", "summary": "Led the platform team." }),
            "experience { id }",
        )
        .await["experience"]["id"],
    );
    let bullet = text(
        &mutate(
            app,
            who,
            "createBullet",
            json!({ "experienceId": experience, "text": "Cut p99 latency by 40%" }),
            "bullet { id }",
        )
        .await["bullet"]["id"],
    );
    let project = text(
        &mutate(
            app,
            who,
            "createProject",
            json!({ "experienceId": experience, "name": "Ledger", "description": "An event-sourced ledger" }),
            "project { id }",
        )
        .await["project"]["id"],
    );
    let school = text(
        &mutate(
            app,
            who,
            "createEducation",
            json!({ "institutionName": "Lisbon University", "degree": "BSc", "fieldOfStudy": "Computer Science",
                    "startDate": "2012-09-01", "endDate": "2015-06-30" }),
            "education { id }",
        )
        .await["education"]["id"],
    );
    let section = |kind: &'static str, content: Option<&'static str>| {
        let resume = resume.clone();
        async move {
            text(
                &run(
                    app,
                    who,
                    "addResumeSection",
                    "AddResumeSectionInput",
                    json!({ "resumeId": resume, "type": kind, "content": content }),
                    "section { id }",
                )
                .await["section"]["id"],
            )
        }
    };
    section("SUMMARY", Some("Ten years of backend work.")).await;
    let work = section("EXPERIENCE", None).await;
    let schools = section("EDUCATION", None).await;
    let item = |section: String, record: String, parent: Option<String>| async move {
        text(
            &run(
                app,
                who,
                "addResumeItem",
                "AddResumeItemInput",
                json!({ "sectionId": section, "recordId": record, "parentItemId": parent }),
                "item { id }",
            )
            .await["item"]["id"],
        )
    };
    let role = item(work.clone(), experience, None).await;
    item(work.clone(), bullet, Some(role.clone())).await;
    item(work, project, Some(role)).await;
    item(schools, school, None).await;
    resume
}

const JOB: &str = "query($id: ID!) { node(id: $id) { ... on ExportJob {
    id format status progress error downloadUrl fileName sizeBytes expiresAt downloadedAt finishedAt
    resume { name } } } }";

pub async fn request(app: &TestApp, who: &Account, resume: &str, format: &str) -> String {
    let made = run(
        app,
        who,
        "requestExport",
        "RequestExportInput",
        json!({ "resumeId": resume, "format": format }),
        "exportJob { id status }",
    )
    .await;
    text(&made["exportJob"]["id"])
}

async fn job(app: &TestApp, who: &Account, id: &str) -> Value {
    app.ok(JOB, json!({ "id": id }), Some(&who.access_token)).await["node"].clone()
}

/// The job once DONE or FAILED (within 60 s).
pub async fn finished(app: &TestApp, who: &Account, id: &str) -> Value {
    for _ in 0..600 {
        let job = job(app, who, id).await;
        if job["status"] == "DONE" || job["status"] == "FAILED" {
            return job;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("export {id} did not finish within 60 s");
}

pub async fn download(app: &TestApp, token: &str, url: &str) -> (StatusCode, Vec<u8>) {
    app.send(
        Request::get(url)
            .header("authorization", format!("Bearer {token}"))
            .body(Body::empty())
            .expect("request"),
    )
    .await
}

/// The text of a DOCX's body: its paragraphs, one a line.
fn docx_paragraphs(bytes: &[u8]) -> Vec<String> {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("a DOCX is a zip");
    let mut xml = String::new();
    archive
        .by_name("word/document.xml")
        .expect("word/document.xml")
        .read_to_string(&mut xml)
        .expect("utf-8 XML");
    xml.split("</w:p>")
        .map(|paragraph| {
            let mut out = String::new();
            let mut rest = paragraph;
            while let Some(start) = rest.find("<w:t") {
                let after = &rest[start..];
                let Some(open_end) = after.find('>') else { break };
                if after[..open_end].ends_with('/') || !after[4..].starts_with([' ', '>']) {
                    rest = &after[open_end + 1..];
                    continue;
                }
                let body = &after[open_end + 1..];
                let close = body.find("</w:t>").unwrap_or(body.len());
                out.push_str(&body[..close]);
                rest = &body[close..];
            }
            out.replace("&amp;", "&")
                .replace("&lt;", "<")
                .replace("&gt;", ">")
        })
        .filter(|line| !line.is_empty())
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn every_format_is_made_in_the_background_and_reads_back() {
    let dir = data_dir("formats");
    let app = app_in(&dir, &[]).await;
    let me = app.sign_up("ann@example.com").await;
    let resume = sample_resume(&app, &me).await;
    let formats = ["PDF", "DOCX", "JSON_RESUME", "MARKDOWN", "PLAIN_TEXT"];
    let mut jobs = Vec::new();
    for format in formats {
        jobs.push(request(&app, &me, &resume, format).await);
    }
    let mut files = std::collections::HashMap::new();
    for (format, id) in formats.iter().zip(&jobs) {
        let done = finished(&app, &me, id).await;
        assert_eq!(done["status"], "DONE", "{done}");
        assert_eq!(done["progress"], 100);
        assert_eq!(done["format"], *format);
        assert_eq!(done["resume"]["name"], "Backend");
        assert!(
            done["expiresAt"].is_string() && done["downloadedAt"].is_null(),
            "{done}"
        );
        let url = text(&done["downloadUrl"]);
        let (status, bytes) = download(&app, &me.access_token, &url).await;
        assert_eq!(status, StatusCode::OK, "{format}");
        assert_eq!(done["sizeBytes"].as_f64(), Some(bytes.len() as f64));
        assert!(job(&app, &me, id).await["downloadedAt"].is_string());
        files.insert(*format, bytes);
    }

    let markdown = String::from_utf8(files["MARKDOWN"].clone()).expect("utf-8");
    assert_eq!(
        markdown,
        "# Ann Lee\n\nRust engineer\nann@example.com · Lisbon\n\n## Summary\n\nTen years of backend work.\n\n\
         ## Experience\n\n- Staff engineer, Acme (Jan 2020 – Present)\n  - Cut p99 latency by 40%\n  - Ledger: An event-sourced ledger\n\n\
         ## Education\n\n- BSc, Computer Science, Lisbon University (Sep 2012 – Jun 2015)\n"
    );
    let plain = String::from_utf8(files["PLAIN_TEXT"].clone()).expect("utf-8");
    assert!(
        plain.starts_with("Ann Lee\nRust engineer\nann@example.com · Lisbon\n\nSUMMARY\n"),
        "{plain}"
    );
    assert!(
        plain.contains(
            "EXPERIENCE\n- Staff engineer, Acme (Jan 2020 – Present)\n  - Cut p99 latency by 40%\n"
        )
    );

    let docx = docx_paragraphs(&files["DOCX"]);
    assert_eq!(
        docx,
        [
            "Ann Lee",
            "Rust engineer",
            "ann@example.com · Lisbon",
            "Summary",
            "Ten years of backend work.",
            "Experience",
            "• Staff engineer, Acme (Jan 2020 – Present)",
            "– Cut p99 latency by 40%",
            "– Ledger: An event-sourced ledger",
            "Education",
            "• BSc, Computer Science, Lisbon University (Sep 2012 – Jun 2015)",
        ]
    );

    let lines = crate::pdf::extracted_lines(&files["PDF"]);
    for expected in [
        "Ann Lee",
        "Rust engineer",
        "Summary",
        "Ten years of backend work.",
        "Staff engineer, Acme (Jan 2020 – Present)",
        "Cut p99 latency by 40%",
        "BSc, Computer Science, Lisbon University (Sep 2012 – Jun 2015)",
    ] {
        assert!(
            lines.iter().any(|line| line.contains(expected)),
            "{expected:?} not in {lines:?}"
        );
    }

    let resume_json: Value = serde_json::from_slice(&files["JSON_RESUME"]).expect("JSON");
    assert_eq!(resume_json["basics"]["name"], "Ann Lee");
    assert_eq!(resume_json["basics"]["label"], "Rust engineer");
    assert_eq!(resume_json["basics"]["summary"], "Ten years of backend work.");
    assert_eq!(resume_json["basics"]["location"]["address"], "Lisbon");
    assert_eq!(
        resume_json["work"],
        json!([{ "name": "Acme", "position": "Staff engineer", "startDate": "2020-01-01",
                 "summary": "Led the platform team.", "highlights": ["Cut p99 latency by 40%"] }])
    );
    assert_eq!(
        resume_json["projects"],
        json!([{ "name": "Ledger", "description": "An event-sourced ledger" }])
    );
    assert_eq!(
        resume_json["education"],
        json!([{ "institution": "Lisbon University", "area": "Computer Science", "studyType": "BSc",
                 "startDate": "2012-09-01", "endDate": "2015-06-30" }])
    );
    assert_eq!(resume_json["meta"]["careergraph"]["resumeName"], "Backend");
    std::fs::remove_dir_all(&dir).ok();
}

#[tokio::test(flavor = "multi_thread")]
async fn an_expired_export_answers_410_and_its_file_is_deleted() {
    let dir = data_dir("expiry");
    let app = app_in(&dir, &["--export-ttl", "2"]).await;
    let me = app.sign_up("ann@example.com").await;
    let resume = sample_resume(&app, &me).await;
    let id = request(&app, &me, &resume, "MARKDOWN").await;
    let done = finished(&app, &me, &id).await;
    let url = text(&done["downloadUrl"]);
    assert_eq!(download(&app, &me.access_token, &url).await.0, StatusCode::OK);
    let files = dir.join("files/exports");
    let count = || walk(&files);
    assert_eq!(count(), 1);
    let mut gone = false;
    for _ in 0..100 {
        if count() == 0 {
            gone = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(gone, "the expired file is still on disk");
    let (status, _) = download(&app, &me.access_token, &url).await;
    assert_eq!(status, StatusCode::GONE);
    let after = job(&app, &me, &id).await;
    assert!(after["downloadUrl"].is_null(), "{after}");
    assert_eq!(after["status"], "DONE");
    std::fs::remove_dir_all(&dir).ok();
}

fn walk(dir: &Path) -> usize {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return 0;
    };
    entries
        .flatten()
        .map(|entry| {
            let path = entry.path();
            if path.is_dir() { walk(&path) } else { 1 }
        })
        .sum()
}

#[tokio::test(flavor = "multi_thread")]
async fn another_users_exports_and_downloads_are_not_found() {
    let dir = data_dir("access");
    let app = app_in(&dir, &[]).await;
    let me = app.sign_up("ann@example.com").await;
    let other = app.sign_up("bob@example.com").await;
    let resume = sample_resume(&app, &me).await;
    let id = request(&app, &me, &resume, "PLAIN_TEXT").await;
    let url = text(&finished(&app, &me, &id).await["downloadUrl"]);

    assert_eq!(
        download(&app, &other.access_token, &url).await.0,
        StatusCode::NOT_FOUND
    );
    let (status, _) = app
        .send(Request::get(&url).body(Body::empty()).expect("request"))
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(
        download(&app, &other.access_token, "/exports/not-an-id/download")
            .await
            .0,
        StatusCode::NOT_FOUND
    );
    let seen = app
        .gql(
            "query($id: ID!) { node(id: $id) { id } }",
            json!({ "id": id }),
            Some(&other.access_token),
        )
        .await;
    assert_eq!(only_error(&seen).0, "NOT_FOUND", "{seen}");
    let asked = app
        .gql(
            "mutation($input: RequestExportInput!) { requestExport(input: $input) { exportJob { id } } }",
            json!({ "input": { "resumeId": resume, "format": "PDF" } }),
            Some(&other.access_token),
        )
        .await;
    assert_eq!(only_error(&asked).0, "NOT_FOUND");
    let listed = app
        .ok(
            "{ exportJobs { totalCount } }",
            json!({}),
            Some(&other.access_token),
        )
        .await;
    assert_eq!(listed["exportJobs"]["totalCount"], 0);
    // The owner still downloads it.
    assert_eq!(download(&app, &me.access_token, &url).await.0, StatusCode::OK);
    std::fs::remove_dir_all(&dir).ok();
}

#[tokio::test(flavor = "multi_thread")]
async fn listing_export_jobs_costs_the_same_statements_however_many() {
    let dir = data_dir("statements");
    // No runner: the jobs stay queued, so nothing else touches the database meanwhile.
    let app = app_in(&dir, &["--export-workers", "0"]).await;
    let me = app.sign_up("ann@example.com").await;
    let resume = sample_resume(&app, &me).await;
    let list = "query($resume: ID) { exportJobs(resumeId: $resume, first: 50) { totalCount edges { node {
        id status format resume { id name sections { title } } } } } }";
    request(&app, &me, &resume, "PDF").await;
    let one = app
        .statements_for(list, json!({ "resume": resume }), Some(&me.access_token))
        .await;
    for format in ["DOCX", "MARKDOWN", "PLAIN_TEXT", "JSON_RESUME", "PDF", "DOCX"] {
        request(&app, &me, &resume, format).await;
    }
    let seven = app
        .statements_for(list, json!({ "resume": resume }), Some(&me.access_token))
        .await;
    assert_eq!(one, seven);
    let data = app
        .ok(list, json!({ "resume": resume }), Some(&me.access_token))
        .await;
    assert_eq!(data["exportJobs"]["totalCount"], 7);
    assert!(
        data["exportJobs"]["edges"]
            .as_array()
            .expect("edges")
            .iter()
            .all(|edge| edge["node"]["status"] == "QUEUED" && edge["node"]["resume"]["name"] == "Backend")
    );
    std::fs::remove_dir_all(&dir).ok();
}

/// One HTTP/1.1 request to a running server, with a bearer token; (status, body bytes).
async fn call(
    address: &str,
    method: &str,
    path: &str,
    token: Option<&str>,
    body: Option<&Value>,
) -> (u16, Vec<u8>) {
    let mut stream = tokio::net::TcpStream::connect(address).await.expect("connect");
    let body = body.map(Value::to_string).unwrap_or_default();
    let auth = token
        .map(|t| format!("authorization: Bearer {t}\r\n"))
        .unwrap_or_default();
    let request = format!(
        "{method} {path} HTTP/1.1\r\nhost: {address}\r\ncontent-type: application/json\r\n{auth}content-length: {}\r\nconnection: close\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(request.as_bytes()).await.expect("write");
    let mut response = Vec::new();
    stream.read_to_end(&mut response).await.expect("read");
    let split = response
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("a header");
    let head = String::from_utf8_lossy(&response[..split]).to_string();
    let status = head
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .expect("a status");
    (status, response[split + 4..].to_vec())
}

async fn gql(address: &str, token: Option<&str>, query: &str, variables: Value) -> Value {
    let (status, body) = call(
        address,
        "POST",
        "/graphql",
        token,
        Some(&json!({ "query": query, "variables": variables })),
    )
    .await;
    assert_eq!(status, 200, "{}", String::from_utf8_lossy(&body));
    let value: Value = serde_json::from_slice(&body).expect("JSON");
    assert!(value.get("errors").is_none(), "{value}");
    value["data"].clone()
}

fn start(database_url: &str, dir: &Path, address: &str, workers: &str) -> tokio::process::Child {
    tokio::process::Command::new(env!("CARGO_BIN_EXE_careergraph"))
        .env("DATABASE_URL", database_url)
        .env(
            "CAREERGRAPH_JWT_SECRET",
            String::from_utf8_lossy(JWT_SECRET).to_string(),
        )
        .env("CAREERGRAPH_DATA_DIR", dir)
        .env("CAREERGRAPH_BIND", address)
        .env("CAREERGRAPH_EXPORT_WORKERS", workers)
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .kill_on_drop(true)
        .spawn()
        .expect("the server binary starts")
}

#[tokio::test(flavor = "multi_thread")]
async fn export_jobs_survive_a_killed_server() {
    let dir = data_dir("restart");
    let database_url = fresh_database().await;
    // A copy that takes no jobs: they stay queued when it is killed.
    let address = free_address();
    let mut server = start(&database_url, &dir, &address, "0");
    crate::serve::wait_ready(&address, &mut server).await;
    let app = TestApp::on(&database_url, &["--export-workers", "0"]);
    let me = app.sign_up("ann@example.com").await;
    let resume = sample_resume(&app, &me).await;
    let mut jobs = Vec::new();
    for format in ["MARKDOWN", "PLAIN_TEXT", "JSON_RESUME"] {
        let made = gql(
            &address,
            Some(&me.access_token),
            "mutation($input: RequestExportInput!) { requestExport(input: $input) { exportJob { id status } } }",
            json!({ "input": { "resumeId": resume, "format": format } }),
        )
        .await;
        assert_eq!(made["requestExport"]["exportJob"]["status"], "QUEUED");
        jobs.push(text(&made["requestExport"]["exportJob"]["id"]));
    }
    server.start_kill().expect("SIGKILL");
    server.wait().await.expect("killed");
    // A job its server was making when it was killed: RUNNING, its lease run out.
    let mut conn = AsyncPgConnection::establish(&database_url)
        .await
        .expect("connect");
    conn.batch_execute(
        "update export_jobs set status = 'running', progress = 30, attempts = 1,
                started_at = now() - interval '2 minutes', lease_until = now() - interval '1 minute'
         where id = (select id from export_jobs where format = 'plain_text')",
    )
    .await
    .expect("marked running");

    let mut server = start(&database_url, &dir, &address, "1");
    crate::serve::wait_ready(&address, &mut server).await;
    let query = "query($id: ID!) { node(id: $id) { ... on ExportJob { status progress downloadUrl } } }";
    for id in &jobs {
        let mut done = Value::Null;
        for _ in 0..300 {
            done = gql(&address, Some(&me.access_token), query, json!({ "id": id })).await["node"].clone();
            if done["status"] == "DONE" || done["status"] == "FAILED" {
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        assert_eq!(done["status"], "DONE", "{done}");
        assert_eq!(done["progress"], 100);
        let (status, body) = call(
            &address,
            "GET",
            &text(&done["downloadUrl"]),
            Some(&me.access_token),
            None,
        )
        .await;
        assert_eq!(status, 200);
        assert!(String::from_utf8_lossy(&body).contains("Ann Lee"));
    }
    server.start_kill().ok();
    std::fs::remove_dir_all(&dir).ok();
    let _ = PASSWORD;
}
