//! Rows and SQL of contacts. Reads go through the access rule, which keeps only live contacts;
//! writes through its writable form, which also reaches deleted ones (restore, erase), so
//! each write that must not touch a deleted contact says `deleted_at is null` itself.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel::sql_types::{Nullable, Timestamptz};
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use uuid::Uuid;

use super::RESTORE_DAYS;
use crate::access::{Guarded, Principal};
use crate::db::schema::contacts;
use crate::graphql::scalars::{EmailAddress, Url};
use crate::guarded_relation;

#[derive(Clone, Debug, Queryable, Selectable, QueryableByName)]
#[diesel(table_name = contacts)]
pub struct ContactRow {
    pub id: Uuid,
    pub user_id: Uuid,
    pub full_name: String,
    pub title: Option<String>,
    pub email: Option<String>,
    pub linkedin_url: Option<String>,
    pub notes: Option<String>,
    pub relationship_type: Option<String>,
    pub relationship_strength: Option<f64>,
    pub is_hiring_manager_candidate: bool,
    pub company_name: Option<String>,
    pub deleted_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

guarded_relation!(ContactById: contacts.id => ContactRow);

/// A new contact, checked.
#[derive(Clone, Debug, Insertable)]
#[diesel(table_name = contacts)]
pub struct NewContact {
    pub full_name: String,
    pub title: Option<String>,
    pub email: Option<EmailAddress>,
    pub linkedin_url: Option<Url>,
    pub notes: Option<String>,
    pub relationship_type: Option<String>,
    pub relationship_strength: Option<f64>,
    pub is_hiring_manager_candidate: bool,
    pub company_name: Option<String>,
}

/// The fields an update sets: absent stays, `Some(None)` clears.
#[derive(Clone, Debug, Default, AsChangeset)]
#[diesel(table_name = contacts)]
pub struct ContactChanges {
    pub full_name: Option<String>,
    pub title: Option<Option<String>>,
    pub email: Option<Option<EmailAddress>>,
    pub linkedin_url: Option<Option<Url>>,
    pub notes: Option<Option<String>>,
    pub relationship_type: Option<Option<String>>,
    pub relationship_strength: Option<Option<f64>>,
    pub is_hiring_manager_candidate: Option<bool>,
    pub company_name: Option<Option<String>>,
}

pub async fn insert_contact(
    conn: &mut AsyncPgConnection,
    who: Principal,
    new: &NewContact,
) -> QueryResult<ContactRow> {
    diesel::insert_into(contacts::table)
        .values((
            contacts::id.eq(Uuid::now_v7()),
            contacts::user_id.eq(who.user_id),
            new,
        ))
        .returning(ContactRow::as_returning())
        .get_result(conn)
        .await
}

/// The live contact, if `who` may read it.
pub async fn contact_of(
    conn: &mut AsyncPgConnection,
    who: Principal,
    id: Uuid,
) -> QueryResult<Option<ContactRow>> {
    contacts::table
        .filter(contacts::table::readable(who))
        .filter(contacts::id.eq(id))
        .select(ContactRow::as_select())
        .first(conn)
        .await
        .optional()
}

/// Changes a live contact of `who`; None when there is none.
pub async fn update_contact(
    conn: &mut AsyncPgConnection,
    who: Principal,
    id: Uuid,
    changes: &ContactChanges,
) -> QueryResult<Option<ContactRow>> {
    let updated = diesel::update(contacts::table)
        .filter(contacts::table::writable(who))
        .filter(contacts::deleted_at.is_null())
        .filter(contacts::id.eq(id))
        .set(changes)
        .returning(ContactRow::as_returning())
        .get_result(conn)
        .await
        .optional();
    crate::db::updated_or_current(updated, async || contact_of(conn, who, id).await).await
}

/// Soft-deletes a live contact of `who`; when it was deleted, None when there is none.
pub async fn soft_delete(
    conn: &mut AsyncPgConnection,
    who: Principal,
    id: Uuid,
) -> QueryResult<Option<DateTime<Utc>>> {
    diesel::update(contacts::table)
        .filter(contacts::table::writable(who))
        .filter(contacts::deleted_at.is_null())
        .filter(contacts::id.eq(id))
        .set(contacts::deleted_at.eq(diesel::dsl::sql::<Nullable<Timestamptz>>("now()")))
        .returning(contacts::deleted_at)
        .get_result::<Option<DateTime<Utc>>>(conn)
        .await
        .optional()
        .map(Option::flatten)
}

/// Brings back a contact of `who` deleted less than [`RESTORE_DAYS`] days ago; None when
/// there is none (never deleted, past the window, erased, or someone else's).
pub async fn restore(
    conn: &mut AsyncPgConnection,
    who: Principal,
    id: Uuid,
) -> QueryResult<Option<ContactRow>> {
    diesel::update(contacts::table)
        .filter(contacts::table::writable(who))
        .filter(contacts::id.eq(id))
        .filter(diesel::dsl::sql::<diesel::sql_types::Bool>(&format!(
            "deleted_at > now() - interval '{RESTORE_DAYS} days'"
        )))
        .set(contacts::deleted_at.eq(None::<DateTime<Utc>>))
        .returning(ContactRow::as_returning())
        .get_result(conn)
        .await
        .optional()
}

/// Erases a contact of `who` for good, live or deleted; whether there was one.
pub async fn erase(conn: &mut AsyncPgConnection, who: Principal, id: Uuid) -> QueryResult<bool> {
    let erased = diesel::delete(contacts::table)
        .filter(contacts::table::writable(who))
        .filter(contacts::id.eq(id))
        .execute(conn)
        .await?;
    Ok(erased > 0)
}

/// Erases every contact, of any user, deleted [`RESTORE_DAYS`] days ago or longer.
pub async fn purge_expired(conn: &mut AsyncPgConnection) -> QueryResult<usize> {
    diesel::delete(contacts::table)
        .filter(diesel::dsl::sql::<diesel::sql_types::Bool>(&format!(
            "deleted_at <= now() - interval '{RESTORE_DAYS} days'"
        )))
        .execute(conn)
        .await
}
