//! GraphQL for the audit log: the `AuditEntry` type and `User.auditLog` (shown on `User` by
//! the accounts area).

use async_graphql::{Context, ID, InputObject, Json, Object, SimpleObject};
use chrono::{DateTime, Utc};
use diesel::pg::Pg;
use diesel::query_builder::{BoxedSqlQuery, SqlQuery};
use diesel::sql_types::{Nullable, Text};
use uuid::Uuid;

use super::enums::{AuditAction, LogLevel};
use super::store::{AuditEntryById, AuditRow};
use crate::db::schema::audit_log;
use crate::graphql::connection::{Conn, Listing, PageArgs, PageKey};
use crate::graphql::context::viewer;
use crate::graphql::errors::AppResult;
use crate::graphql::ids::NodeType;

#[derive(Clone, Debug)]
pub struct AuditEntry(pub AuditRow);

/// One row written by one change (ETPS LogEntry, and the seeds' audit trails): who changed
/// what, when, in which request, and each changed field's old and new value. Personal fields
/// (names, emails, phone numbers, URLs of profiles, notes, secrets) show only that they
/// changed: their values read `"[masked]"`. Entries are never changed or removed. A person
/// reads the entries about their own data; an organisation's admins those about the
/// organisation's.
#[Object]
impl AuditEntry {
    /// Opaque global id.
    pub async fn id(&self) -> ID {
        NodeType::AuditEntry.id(self.0.id)
    }
    /// When the change was made (its transaction's time).
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
    /// The global id of the user who made the change; null when no one was signed in (a
    /// sign-up, a sign-in) or the server made it itself (erasing expired contacts).
    async fn actor_id(&self) -> Option<ID> {
        self.0.actor_id.map(|id| NodeType::User.id(id))
    }
    /// The kind of row that changed: the table's name (`contacts`, `experiences`, …).
    async fn entity_type(&self) -> &str {
        &self.0.entity_type
    }
    /// The changed row's id (a UUID); for a row linking two others (an experience's skill),
    /// the ids it links as `column=uuid` pairs. Null for a row with neither.
    async fn entity_id(&self) -> Option<&str> {
        self.0.entity_id.as_deref()
    }
    /// What the change did to the row.
    async fn action(&self) -> AuditAction {
        self.0.action
    }
    /// Each field whose value changed, by name (the table's column): for a created row every
    /// field it was given, for a deleted one every field it had.
    async fn changes(&self) -> Vec<AuditChange> {
        let Some(fields) = self.0.changes.as_object() else {
            return Vec::new();
        };
        fields
            .iter()
            .map(|(name, change)| AuditChange {
                field: name.clone(),
                old_value: Json(change.get("old").cloned().unwrap_or_default()),
                new_value: Json(change.get("new").cloned().unwrap_or_default()),
            })
            .collect()
    }
    /// The `x-request-id` of the HTTP request that made the change; null when it came another
    /// way (a WebSocket, the server itself).
    async fn request_id(&self) -> Option<&str> {
        self.0.request_id.as_deref()
    }
    /// How much it matters (ETPS level); every change to data is `INFO`.
    async fn level(&self) -> LogLevel {
        self.0.level
    }
    /// Its category (ETPS log_type): `data_change` for every change to data.
    async fn log_type(&self) -> &str {
        &self.0.log_type
    }
    /// A line saying what happened (`contacts created`).
    async fn message(&self) -> &str {
        &self.0.message
    }
    /// More about it (ETPS log_metadata), a JSON object: `fields` lists the changed fields.
    async fn metadata(&self) -> Json<serde_json::Value> {
        Json(self.0.metadata.clone())
    }
}

/// One field of a changed row, before and after.
#[derive(SimpleObject)]
pub struct AuditChange {
    /// The field's name (the table's column, in snake case).
    pub field: String,
    /// Its value before the change, as JSON; null for a created row or an empty field;
    /// `"[masked]"` for a personal field that had a value.
    pub old_value: Json<serde_json::Value>,
    /// Its value after the change, as JSON; null for a deleted row or an emptied field;
    /// `"[masked]"` for a personal field that has a value.
    pub new_value: Json<serde_json::Value>,
}

/// Which audit entries to list.
#[derive(InputObject, Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct AuditLogFilter {
    /// Only entries of this level.
    pub level: Option<LogLevel>,
    /// Only entries of this category (`data_change`).
    pub log_type: Option<String>,
    /// Only changes to rows of this kind (a table's name: `contacts`).
    pub entity_type: Option<String>,
    /// Only changes to this row (its id as `entityId` gives it).
    pub entity_id: Option<String>,
    /// Only changes of this kind.
    pub action: Option<AuditAction>,
}

/// The entries a principal may read, newest first, all under the principal as one parent.
pub struct AuditLogOfViewer;

impl Listing for AuditLogOfViewer {
    type Table = audit_log::table;
    type Row = AuditRow;
    type Filter = AuditLogFilter;
    const FROM: &'static str = "audit_log t";
    // Not a column: every entry the rule lets the principal read is theirs to list.
    const PARENT: &'static str = "$1::uuid";
    const WHERE: &'static str = "and ($7::text is null or t.level = $7) \
                                 and ($8::text is null or t.log_type = $8) \
                                 and ($9::text is null or t.entity_type = $9) \
                                 and ($10::text is null or t.entity_id = $10) \
                                 and ($11::text is null or t.action = $11)";

    fn order_by(_: &Self::Filter) -> &'static str {
        "t.seq desc"
    }

    fn bind<'a>(
        query: BoxedSqlQuery<'a, Pg, SqlQuery>,
        filter: &Self::Filter,
    ) -> BoxedSqlQuery<'a, Pg, SqlQuery> {
        query
            .bind::<Nullable<Text>, _>(filter.level.map(LogLevel::as_str))
            .bind::<Nullable<Text>, _>(filter.log_type.clone())
            .bind::<Nullable<Text>, _>(filter.entity_type.clone())
            .bind::<Nullable<Text>, _>(filter.entity_id.clone())
            .bind::<Nullable<Text>, _>(filter.action.map(AuditAction::as_str))
    }
}

/// `User.auditLog`: the entries the viewer may read (about their own data, and about the
/// data of the organisations they administer). Another user's `auditLog` is empty.
pub async fn audit_log_of(
    ctx: &Context<'_>,
    user_id: Uuid,
    filter: AuditLogFilter,
    args: PageArgs,
) -> AppResult<Conn<AuditEntry>> {
    let key = PageKey {
        parent: user_id,
        args,
        filter,
    };
    let page = viewer(ctx)?.loaders.page::<AuditLogOfViewer>(key).await?;
    Ok(page.into_connection(|row| row.id, AuditEntry))
}

/// `node(id:)` for an audit entry.
pub async fn audit_entry_by_id(ctx: &Context<'_>, id: Uuid) -> AppResult<Option<AuditEntry>> {
    Ok(viewer(ctx)?
        .loaders
        .one::<AuditEntryById>(id)
        .await?
        .map(AuditEntry))
}
