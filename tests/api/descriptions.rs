//! Every element of the schema a client sees — type, field, argument, input field, enum value —
//! carries a description. The elements still without one are listed in `undescribed.txt`: the
//! list may only shrink. An element added without a description fails here by name, and so
//! does a listed one that has gained a description (take it off the list).

use std::collections::BTreeSet;

use serde_json::{Value, json};

use crate::support::TestApp;

const INTROSPECTION: &str = "{ __schema { types {
    name kind description
    fields(includeDeprecated: true) { name description args { name description } }
    inputFields { name description }
    enumValues(includeDeprecated: true) { name description }
} } }";

/// The built-in scalars, described by the GraphQL specification itself.
const SPEC_SCALARS: [&str; 5] = ["String", "Int", "Float", "Boolean", "ID"];

fn described(element: &Value) -> bool {
    element["description"]
        .as_str()
        .is_some_and(|text| !text.trim().is_empty())
}

fn list<'a>(value: &'a Value, key: &str) -> &'a [Value] {
    value[key].as_array().map(Vec::as_slice).unwrap_or_default()
}

/// `Type`, `Type.field`, `Type.field(argument)`, `Input.field` and `Enum.VALUE` for every
/// element without a description.
fn undescribed(schema: &Value) -> BTreeSet<String> {
    let mut missing = BTreeSet::new();
    for ty in list(&schema["__schema"], "types") {
        let name = ty["name"].as_str().unwrap_or_default();
        if name.starts_with("__") || SPEC_SCALARS.contains(&name) {
            continue;
        }
        if !described(ty) {
            missing.insert(name.to_owned());
        }
        for field in list(ty, "fields").iter().chain(list(ty, "inputFields")) {
            let field_name = field["name"].as_str().unwrap_or_default();
            if !described(field) {
                missing.insert(format!("{name}.{field_name}"));
            }
            for argument in list(field, "args") {
                if !described(argument) {
                    let argument_name = argument["name"].as_str().unwrap_or_default();
                    missing.insert(format!("{name}.{field_name}({argument_name})"));
                }
            }
        }
        for value in list(ty, "enumValues") {
            if !described(value) {
                missing.insert(format!("{name}.{}", value["name"].as_str().unwrap_or_default()));
            }
        }
    }
    missing
}

#[tokio::test(flavor = "multi_thread")]
async fn no_new_element_goes_undescribed() {
    let app = TestApp::new().await;
    let schema = app.ok(INTROSPECTION, json!({}), None).await;
    let missing = undescribed(&schema);
    assert!(
        list(&schema["__schema"], "types").len() > 50,
        "the introspection answered: {schema}"
    );
    let listed: BTreeSet<String> = include_str!("undescribed.txt")
        .lines()
        .map(str::trim)
        .filter(|line| !line.is_empty() && !line.starts_with('#'))
        .map(str::to_owned)
        .collect();
    let new: Vec<&String> = missing.difference(&listed).collect();
    let fixed: Vec<&String> = listed.difference(&missing).collect();
    assert!(
        new.is_empty(),
        "describe these (a doc comment on each; see ARCHITECTURE.md, 'Adding an entity'): {new:#?}"
    );
    assert!(
        fixed.is_empty(),
        "these have a description now: take them off tests/api/undescribed.txt: {fixed:#?}"
    );
}
