//! Every element of the schema a client sees — type, field, argument, input field, enum value —
//! carries a description of its own. An element added without one fails here by name.

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

/// A description of its own: not empty, and not the text a library gives its types (async-graphql
/// describes its `DateTime` as "Implement the DateTime<Utc> scalar…").
fn described(element: &Value) -> bool {
    element["description"]
        .as_str()
        .is_some_and(|text| !text.trim().is_empty() && !text.starts_with("Implement the "))
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
    assert!(
        missing.is_empty(),
        "describe these (a doc comment on each; see ARCHITECTURE.md, 'Adding an entity'): {missing:#?}"
    );
}
