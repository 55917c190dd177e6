//! The audit log (docs/domain.md "Audit log"; ETPS LogEntry, #15 item 4, #23 item 11): one
//! entry per row any change writes, kept by the database itself. A trigger on every table of
//! user data writes the entry in the change's own transaction (migration
//! `2026-12-04-000022_audit_log`), so no mutation, present or future, can forget it; the
//! database refuses to change or remove an entry. What the trigger cannot know, who made the
//! change and in which request, reaches it through the connection's settings: [`Audited`]
//! runs every mutation inside `db::audit::acting`, and the pool sets them when the mutation
//! checks out a connection. A person reads the entries about their own data, an organisation's
//! admins those about the organisation's (`viewer.auditLog`).

pub mod enums;
pub mod graphql;
pub mod store;

use std::collections::HashSet;
use std::sync::{Arc, Mutex};

use async_graphql::extensions::{Extension, ExtensionContext, ExtensionFactory, NextExecute, NextParseQuery};
use async_graphql::parser::types::{DocumentOperations, ExecutableDocument, OperationType};
use async_graphql::{Response, ServerResult, Variables};

use crate::db::audit::acting;
use crate::graphql::context::RequestAuth;

/// The schema extension that makes every mutation the actor's (register it once on the
/// schema). It looks at the operation once per request, not at each field.
pub struct Audited;

impl ExtensionFactory for Audited {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(AuditedRequest::default())
    }
}

/// One request's view: which of its document's operations are mutations.
#[derive(Default)]
struct AuditedRequest {
    mutations: Mutex<Mutations>,
}

#[derive(Default)]
struct Mutations {
    /// The document has one operation, without a name, and it is a mutation.
    anonymous: bool,
    named: HashSet<String>,
}

#[async_trait::async_trait]
impl Extension for AuditedRequest {
    async fn parse_query(
        &self,
        ctx: &ExtensionContext<'_>,
        query: &str,
        variables: &Variables,
        next: NextParseQuery<'_>,
    ) -> ServerResult<ExecutableDocument> {
        let document = next.run(ctx, query, variables).await?;
        if let Ok(mut mutations) = self.mutations.lock() {
            match &document.operations {
                DocumentOperations::Single(operation) => {
                    mutations.anonymous = operation.node.ty == OperationType::Mutation;
                }
                DocumentOperations::Multiple(operations) => {
                    mutations.named = operations
                        .iter()
                        .filter(|(_, operation)| operation.node.ty == OperationType::Mutation)
                        .map(|(name, _)| name.to_string())
                        .collect();
                }
            }
        }
        Ok(document)
    }

    async fn execute(
        &self,
        ctx: &ExtensionContext<'_>,
        operation_name: Option<&str>,
        next: NextExecute<'_>,
    ) -> Response {
        let is_mutation = self.mutations.lock().is_ok_and(|mutations| match operation_name {
            Some(name) => mutations.named.contains(name) || mutations.anonymous,
            None => mutations.anonymous,
        });
        if !is_mutation {
            return next.run(ctx, operation_name).await;
        }
        let actor = ctx
            .data_opt::<RequestAuth>()
            .map(RequestAuth::audit_actor)
            .unwrap_or_default();
        acting(actor, next.run(ctx, operation_name)).await
    }
}
