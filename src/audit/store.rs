//! Rows of the audit log. Only the trigger writes them; the server reads them through the
//! access rule.

use chrono::{DateTime, Utc};
use diesel::prelude::{Queryable, QueryableByName, Selectable};
use uuid::Uuid;

use super::enums::{AuditAction, LogLevel};
use crate::db::schema::audit_log;
use crate::guarded_relation;

#[derive(Clone, Debug, Queryable, Selectable, QueryableByName)]
#[diesel(table_name = audit_log)]
pub struct AuditRow {
    pub id: Uuid,
    pub seq: i64,
    pub created_at: DateTime<Utc>,
    pub actor_id: Option<Uuid>,
    pub owner_id: Option<Uuid>,
    pub organization_id: Option<Uuid>,
    pub entity_type: String,
    pub entity_id: Option<String>,
    pub action: AuditAction,
    pub changes: serde_json::Value,
    pub request_id: Option<String>,
    pub level: LogLevel,
    pub log_type: String,
    pub message: String,
    pub metadata: serde_json::Value,
}

guarded_relation!(AuditEntryById: audit_log.id => AuditRow);
