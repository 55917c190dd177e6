//! Descriptions of types that async-graphql generates and gives no way to describe: its
//! `…Connection` types carry none, and its `DateTime` scalar carries the library's own text
//! ("Implement the DateTime<Utc> scalar…"). The schema builder offers one hook into its type
//! registry after every type is known, `register_output_type`; [`Descriptions`] uses it to
//! write these descriptions in. It names no type of its own and is never resolved.

use std::borrow::Cow;

use async_graphql::parser::types::Field;
use async_graphql::registry::{MetaType, Registry};
use async_graphql::{ContextSelectionSet, OutputType, Positioned, ServerResult, Value};

const DATE_TIME: &str = "An instant in time: an RFC 3339 timestamp in UTC, e.g. \
                         `2026-12-02T09:30:00Z` (input may carry any offset; output is always UTC).";

pub struct Descriptions;

impl OutputType for Descriptions {
    fn type_name() -> Cow<'static, str> {
        // A name that exists anyway, so registering this adds nothing to the schema.
        Cow::Borrowed("String")
    }

    fn create_type_info(registry: &mut Registry) -> String {
        for meta in registry.types.values_mut() {
            match meta {
                MetaType::Object {
                    name, description, ..
                } if description.is_none() => {
                    if let Some(node) = name.strip_suffix("Connection") {
                        *description = Some(connection(node));
                    }
                }
                MetaType::Scalar {
                    name, description, ..
                } if name == "DateTime" => {
                    *description = Some(DATE_TIME.to_owned());
                }
                _ => {}
            }
        }
        Self::type_name().into_owned()
    }

    async fn resolve(&self, _: &ContextSelectionSet<'_>, _: &Positioned<Field>) -> ServerResult<Value> {
        Ok(Value::Null)
    }
}

fn connection(node: &str) -> String {
    format!(
        "One page of a list of `{node}` objects (a Relay connection). `edges` holds the page, \
         each edge with its `node` and the `cursor` to page from; `pageInfo` tells whether there \
         are more pages and gives the cursors for `after`/`before`; `totalCount` counts the whole \
         list, with its filter applied, across all pages."
    )
}
