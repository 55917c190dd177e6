//! The client contract (#24): stock clients accept `schema.graphql` and the operations a
//! single-page app sends (tests/clients/contract): relay-compiler compiles them, graphql-codegen's
//! types pass `tsc --strict`, Apollo Client's InMemoryCache normalises their responses (mocked
//! from the schema, and as the real server answers them on seeded data), and graphql-js finds
//! `Node` wherever there is an `id`. `.ci/run` installs the kit (npm ci); without Node.js the
//! tests are skipped, except in CI (`CI` set), where a missing kit fails them.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::Mutex;

use careergraph::db::{self, StatementCounter};
use serde_json::{Value, json};

use crate::support::{TestApp, fresh_database};

/// `check.mjs` rewrites the kit's `__generated__`: one run at a time.
static GENERATED: Mutex<()> = Mutex::new(());

/// The installed kit, or None when Node.js is absent outside CI.
fn kit() -> Option<PathBuf> {
    crate::support::node_kit(
        "contract",
        &[
            "relay-compiler",
            "@graphql-codegen/cli",
            "@apollo/client",
            "typescript",
        ],
    )
}

/// `node <script> <args>` in the kit, with `stdin`, and its output as text.
fn node(dir: &Path, args: &[&str], env: &[(&str, &Path)], stdin: Option<&str>) -> (Output, String) {
    use std::io::Write;
    let mut command = Command::new("node");
    command
        .args(args)
        .current_dir(dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (key, value) in env {
        command.env(key, value);
    }
    let mut child = command.spawn().expect("node starts");
    let mut input = child.stdin.take().expect("stdin");
    input
        .write_all(stdin.unwrap_or_default().as_bytes())
        .expect("stdin written");
    drop(input);
    let output = child.wait_with_output().expect("node finishes");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    (output, text)
}

/// `check.mjs` against `schema` (None: the repository's schema.graphql).
fn check(dir: &Path, schema: Option<&Path>) -> (bool, String) {
    let _one_at_a_time = GENERATED.lock().unwrap_or_else(|e| e.into_inner());
    let env: Vec<(&str, &Path)> = schema.map(|s| ("CONTRACT_SCHEMA", s)).into_iter().collect();
    let started = std::time::Instant::now();
    let (output, text) = node(dir, &["check.mjs"], &env, None);
    eprintln!("{text}({:.1} s)", started.elapsed().as_secs_f64());
    (output.status.success(), text)
}

#[tokio::test(flavor = "multi_thread")]
async fn stock_clients_accept_the_schema_and_the_spa_operations() {
    let Some(dir) = kit() else { return };
    let schema = Path::new(env!("CARGO_MANIFEST_DIR")).join("schema.graphql");
    let (ok, output) = check(&dir, None);
    assert!(ok, "the client contract failed:\n{output}");
    assert!(
        output.contains(&format!("against {}", schema.display())),
        "{output}"
    );
    for name in [
        "graphql-js",
        "relay-compiler",
        "graphql-codegen",
        "tsc --strict",
        "Apollo InMemoryCache",
    ] {
        assert!(
            output.lines().any(|l| l.starts_with("ok") && l.contains(name)),
            "no passing {name} check:\n{output}"
        );
    }
}

/// `schema.graphql` with the first `from` inside `type <type_name>` replaced by `to`, in a file
/// of its own.
fn edited_schema(type_name: &str, from: &str, to: &str) -> PathBuf {
    let schema = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("schema.graphql"))
        .expect("schema.graphql");
    let start = schema
        .find(&format!("type {type_name} "))
        .unwrap_or_else(|| panic!("no type {type_name}"));
    let end = start + schema[start..].find("\n}\n").expect("end of type");
    let body = &schema[start..end];
    assert!(body.contains(from), "{type_name} has no {from}");
    let path = std::env::temp_dir().join(format!(
        "careergraph-contract-{}-{type_name}.graphql",
        std::process::id()
    ));
    let edited = format!(
        "{}{}{}",
        &schema[..start],
        body.replacen(from, to, 1),
        &schema[end..]
    );
    std::fs::write(&path, edited).expect("edited schema written");
    path
}

#[tokio::test(flavor = "multi_thread")]
async fn schema_changes_that_break_clients_fail_the_contract() {
    let Some(dir) = kit() else { return };

    // Nullability only: the documents still compile, the typed client code does not.
    let nullable = edited_schema(
        "Experience",
        "employmentType: EmploymentType!",
        "employmentType: EmploymentType",
    );
    let (ok, output) = check(&dir, Some(&nullable));
    assert!(!ok, "{output}");
    assert!(
        output
            .lines()
            .any(|l| l.starts_with("ok") && l.contains("relay-compiler")),
        "{output}"
    );
    assert!(output.contains("FAILED tsc --strict"), "{output}");
    assert!(
        output.contains("'EmploymentType | null' is not assignable"),
        "{output}"
    );

    // A renamed field: every client's documents stop compiling.
    let renamed = edited_schema("Bullet", "\ttext: String!", "\tcontent: String!");
    let (ok, output) = check(&dir, Some(&renamed));
    assert!(!ok, "{output}");
    for name in ["relay-compiler", "graphql-codegen", "Apollo InMemoryCache"] {
        assert!(
            output.contains(&format!("FAILED {name}")),
            "{name} passed:\n{output}"
        );
    }
    assert!(output.contains("Bullet.text"), "{output}");

    // An object with an id that Relay cannot refetch.
    let not_node = edited_schema("Strength", "implements Node ", "");
    let (ok, output) = check(&dir, Some(&not_node));
    assert!(!ok, "{output}");
    assert!(
        output.contains("Strength has `id: ID!` but does not implement Node"),
        "{output}"
    );

    for path in [nullable, renamed, not_node] {
        let _ = std::fs::remove_file(path);
    }
}

/// Every (typename, id) in a response, in order of appearance.
fn identities(value: &Value, found: &mut Vec<(String, String)>) {
    match value {
        Value::Array(items) => items.iter().for_each(|v| identities(v, found)),
        Value::Object(object) => {
            if let (Some(Value::String(typename)), Some(Value::String(id))) =
                (object.get("__typename"), object.get("id"))
            {
                found.push((typename.clone(), id.clone()));
            }
            object.values().for_each(|v| identities(v, found));
        }
        _ => {}
    }
}

/// The server's answers so far, and every (typename, id) in them.
#[derive(Default)]
struct Answers {
    responses: Vec<Value>,
    ids: Vec<(String, String)>,
}

impl Answers {
    /// Runs one of the kit's operations; it must succeed. Its `data`.
    async fn run(&mut self, app: &TestApp, token: &str, operation: &Value, variables: Value) -> Value {
        let name = operation["name"].as_str().unwrap_or_default();
        let query = operation["query"].as_str().unwrap_or_default();
        let response = app.gql(query, variables.clone(), Some(token)).await;
        assert!(response.get("errors").is_none(), "{name} {variables}: {response}");
        identities(&response["data"], &mut self.ids);
        self.responses
            .push(json!({ "name": name, "variables": variables, "data": response["data"] }));
        response["data"].clone()
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn the_spa_queries_run_on_seeded_data_and_their_answers_normalise() {
    let Some(dir) = kit() else { return };
    let database = fresh_database().await;
    let pool = db::pool(&database, 2, StatementCounter::default()).unwrap_or_else(|e| panic!("{e}"));
    careergraph::seed::seed(&pool, 1, 24, |_| {})
        .await
        .unwrap_or_else(|e| panic!("{e:#}"));
    let app = TestApp::on(&database, &[]);
    let signed_in = app
        .ok(
            "mutation($input: CredentialsInput!) { signIn(input: $input) { accessToken } }",
            json!({ "input": { "email": careergraph::seed::email(24, 0), "password": careergraph::seed::PASSWORD } }),
            None,
        )
        .await;
    let token = signed_in["signIn"]["accessToken"]
        .as_str()
        .unwrap_or_default()
        .to_owned();

    let (output, text) = node(&dir, &["server.mjs", "operations"], &[], None);
    assert!(output.status.success(), "{text}");
    let operations: Vec<Value> = serde_json::from_slice(&output.stdout).expect("operations JSON");
    let queries: Vec<&Value> = operations.iter().filter(|o| o["operation"] == "query").collect();
    assert!(queries.len() >= 6, "{queries:?}");

    let mut answers = Answers::default();
    for operation in queries.iter().filter(|o| o["idVariables"] == json!([])) {
        answers
            .run(&app, &token, operation, operation["variables"].clone())
            .await;
    }
    // By id: each kind of node the other queries returned.
    let mut kinds: Vec<(String, String)> = Vec::new();
    for (typename, id) in answers.ids.clone() {
        if !kinds.iter().any(|(t, _)| *t == typename) {
            kinds.push((typename, id));
        }
    }
    assert!(kinds.len() >= 10, "{kinds:?}");
    for operation in queries.iter().filter(|o| o["idVariables"] != json!([])) {
        let variable = operation["idVariables"][0]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        if variable == "ids" {
            let all: Vec<&String> = kinds.iter().map(|(_, id)| id).collect();
            let data = answers.run(&app, &token, operation, json!({ "ids": all })).await;
            assert!(
                data["nodes"]
                    .as_array()
                    .is_some_and(|n| n.len() == all.len() && n.iter().all(|n| !n.is_null())),
                "{data}"
            );
        } else {
            for (typename, id) in &kinds {
                let data = answers
                    .run(&app, &token, operation, json!({ variable.as_str(): id }))
                    .await;
                assert_eq!(data["node"]["__typename"], typename.as_str(), "{data}");
            }
        }
    }

    let responses = serde_json::to_string(&answers.responses).expect("JSON");
    let (output, text) = node(&dir, &["server.mjs", "apollo"], &[], Some(&responses));
    eprintln!("{text}");
    assert!(
        output.status.success(),
        "Apollo's cache and the server's answers:\n{text}"
    );
}
