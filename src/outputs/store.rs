//! Rows and SQL of approved outputs and critic logs, each through the owner rule.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use uuid::Uuid;

use super::enums::OutputType;
use crate::access::{Guarded, Principal};
use crate::db::schema::{approved_outputs, critic_logs};
use crate::guarded_relation;

#[derive(Clone, Debug, Queryable, Selectable, QueryableByName)]
#[diesel(table_name = approved_outputs)]
pub struct ApprovedOutputRow {
    pub id: Uuid,
    pub user_id: Uuid,
    pub application_id: Option<Uuid>,
    pub job_posting_id: Option<Uuid>,
    pub output_type: OutputType,
    pub original_text: String,
    pub context_metadata: Option<serde_json::Value>,
    pub quality_score: Option<f64>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

guarded_relation!(ApprovedOutputById: approved_outputs.id => ApprovedOutputRow);

/// A new approved output, checked (its application and posting the owner's).
#[derive(Clone, Debug, Insertable)]
#[diesel(table_name = approved_outputs)]
pub struct NewApprovedOutput {
    pub application_id: Option<Uuid>,
    pub job_posting_id: Option<Uuid>,
    pub output_type: OutputType,
    pub original_text: String,
    pub context_metadata: Option<serde_json::Value>,
    pub quality_score: Option<f64>,
}

pub async fn insert_output(
    conn: &mut AsyncPgConnection,
    who: Principal,
    new: &NewApprovedOutput,
) -> QueryResult<ApprovedOutputRow> {
    diesel::insert_into(approved_outputs::table)
        .values((
            approved_outputs::id.eq(Uuid::now_v7()),
            approved_outputs::user_id.eq(who.user_id),
            new,
        ))
        .returning(ApprovedOutputRow::as_returning())
        .get_result(conn)
        .await
}

/// Deletes an approved output of `who`; whether there was one.
pub async fn delete_output(conn: &mut AsyncPgConnection, who: Principal, id: Uuid) -> QueryResult<bool> {
    let deleted = diesel::delete(approved_outputs::table)
        .filter(approved_outputs::table::writable(who))
        .filter(approved_outputs::id.eq(id))
        .execute(conn)
        .await?;
    Ok(deleted > 0)
}

#[derive(Clone, Debug, Queryable, Selectable, QueryableByName)]
#[diesel(table_name = critic_logs)]
pub struct CriticLogRow {
    pub id: Uuid,
    pub user_id: Uuid,
    pub session_id: Uuid,
    pub iteration: i32,
    pub quality_score: f64,
    pub passed: bool,
    pub issues: Vec<Option<String>>,
    pub created_at: DateTime<Utc>,
}

guarded_relation!(CriticLogById: critic_logs.id => CriticLogRow);

/// A critic's verdict on one iteration, checked.
#[derive(Clone, Debug, Insertable)]
#[diesel(table_name = critic_logs)]
pub struct NewCriticLog {
    pub session_id: Uuid,
    pub iteration: i32,
    pub quality_score: f64,
    pub passed: bool,
    pub issues: Vec<String>,
}

/// Records a verdict; a second one for the same session and iteration is a unique violation
/// (`CONFLICT`).
pub async fn insert_critic_log(
    conn: &mut AsyncPgConnection,
    who: Principal,
    new: &NewCriticLog,
) -> QueryResult<CriticLogRow> {
    diesel::insert_into(critic_logs::table)
        .values((
            critic_logs::id.eq(Uuid::now_v7()),
            critic_logs::user_id.eq(who.user_id),
            new,
        ))
        .returning(CriticLogRow::as_returning())
        .get_result(conn)
        .await
}
