//! Rows and SQL of notifications. Who reads and changes one is the access policy's (the
//! recipient alone); writing one for someone else is the business of the change that causes
//! it ([`super::notify`]).

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel::sql_types::{Array, BigInt, Nullable, Timestamptz, Uuid as SqlUuid};
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use uuid::Uuid;

use super::Notice;
use super::enums::{NotificationPriority, NotificationType};
use crate::access::{Guarded, Principal};
use crate::db::schema::notifications;
use crate::graphql::loaders::Relation;
use crate::guarded_relation;

#[derive(Clone, Debug, Queryable, Selectable, QueryableByName)]
#[diesel(table_name = notifications)]
pub struct NotificationRow {
    pub id: Uuid,
    pub user_id: Uuid,
    pub notification_type: NotificationType,
    pub priority: NotificationPriority,
    pub title: String,
    pub message: String,
    pub related_entity_type: Option<String>,
    pub related_entity_id: Option<Uuid>,
    pub action_url: Option<String>,
    pub is_read: bool,
    pub read_at: Option<DateTime<Utc>>,
    pub is_archived: bool,
    pub created_at: DateTime<Utc>,
}

guarded_relation!(NotificationById: notifications.id => NotificationRow);

/// Writes the notices in one statement; the id and recipient of each row written.
pub async fn insert_notifications(
    conn: &mut AsyncPgConnection,
    notices: &[Notice],
) -> QueryResult<Vec<(Uuid, Uuid)>> {
    let rows: Vec<_> = notices
        .iter()
        .map(|notice| {
            (
                notifications::id.eq(Uuid::now_v7()),
                notifications::user_id.eq(notice.user_id),
                notifications::notification_type.eq(notice.notification_type),
                notifications::priority.eq(notice.priority),
                notifications::title.eq(&notice.title),
                notifications::message.eq(&notice.message),
                notifications::related_entity_type.eq(notice.related.map(|(t, _)| t.name())),
                notifications::related_entity_id.eq(notice.related.map(|(_, id)| id)),
                notifications::action_url.eq(notice.action_url.as_deref()),
            )
        })
        .collect();
    diesel::insert_into(notifications::table)
        .values(rows)
        .returning((notifications::id, notifications::user_id))
        .get_results(conn)
        .await
}

/// The notification, if `who` may read it.
pub async fn notification_of(
    conn: &mut AsyncPgConnection,
    who: Principal,
    id: Uuid,
) -> QueryResult<Option<NotificationRow>> {
    notifications::table
        .filter(notifications::table::readable(who))
        .filter(notifications::id.eq(id))
        .select(NotificationRow::as_select())
        .first(conn)
        .await
        .optional()
}

/// Which notifications a change applies to: these (by id), or all of the principal's.
#[derive(Clone, Debug)]
pub enum Selection {
    Ids(Vec<Uuid>),
    All,
}

/// How many of `ids` the principal may change (each counted once).
pub async fn count_writable(conn: &mut AsyncPgConnection, who: Principal, ids: &[Uuid]) -> QueryResult<i64> {
    notifications::table
        .filter(notifications::table::writable(who))
        .filter(notifications::id.eq_any(ids))
        .count()
        .get_result(conn)
        .await
}

/// Marks the selected notifications read (keeping the time of those read already); the rows
/// that changed.
pub async fn mark_read(
    conn: &mut AsyncPgConnection,
    who: Principal,
    selection: &Selection,
) -> QueryResult<Vec<NotificationRow>> {
    let changed = diesel::update(notifications::table)
        .filter(notifications::table::writable(who))
        .filter(notifications::is_read.eq(false))
        .set((
            notifications::is_read.eq(true),
            notifications::read_at.eq(diesel::dsl::sql::<Nullable<Timestamptz>>("now()")),
        ));
    match selection {
        Selection::Ids(ids) => {
            changed
                .filter(notifications::id.eq_any(ids))
                .returning(NotificationRow::as_returning())
                .get_results(conn)
                .await
        }
        Selection::All => {
            changed
                .returning(NotificationRow::as_returning())
                .get_results(conn)
                .await
        }
    }
}

/// Archives the selected notifications (archiving reads them too); the rows that changed.
pub async fn archive(
    conn: &mut AsyncPgConnection,
    who: Principal,
    selection: &Selection,
) -> QueryResult<Vec<NotificationRow>> {
    let changed = diesel::update(notifications::table)
        .filter(notifications::table::writable(who))
        .filter(notifications::is_archived.eq(false))
        .set((
            notifications::is_archived.eq(true),
            notifications::is_read.eq(true),
            notifications::read_at.eq(diesel::dsl::sql::<Nullable<Timestamptz>>(
                "coalesce(read_at, now())",
            )),
        ));
    match selection {
        Selection::Ids(ids) => {
            changed
                .filter(notifications::id.eq_any(ids))
                .returning(NotificationRow::as_returning())
                .get_results(conn)
                .await
        }
        Selection::All => {
            changed
                .returning(NotificationRow::as_returning())
                .get_results(conn)
                .await
        }
    }
}

/// A user's count of unread notifications that are not archived.
#[derive(Clone, Debug, QueryableByName)]
pub struct UnreadCount {
    #[diesel(sql_type = SqlUuid)]
    pub user_id: Uuid,
    #[diesel(sql_type = BigInt)]
    pub unread: i64,
}

/// Each user's [`UnreadCount`] (users with none have no row).
pub struct UnreadCountOfUser;

impl Relation for UnreadCountOfUser {
    type Row = UnreadCount;

    async fn fetch(
        conn: &mut AsyncPgConnection,
        who: Principal,
        keys: &[Uuid],
    ) -> QueryResult<Vec<UnreadCount>> {
        diesel::sql_query(format!(
            "select t.user_id, count(*) as unread from notifications t
             where t.user_id = any($2) and not t.is_read and not t.is_archived and {rule}
             group by t.user_id",
            rule = notifications::table::readable_sql("t", 1),
        ))
        .bind::<SqlUuid, _>(who.user_id)
        .bind::<Array<SqlUuid>, _>(keys)
        .load(conn)
        .await
    }

    fn key(row: &UnreadCount) -> Uuid {
        row.user_id
    }
}

/// The principal's unread count, read in the transaction of a change to it.
pub async fn unread_count(conn: &mut AsyncPgConnection, who: Principal) -> QueryResult<i64> {
    notifications::table
        .filter(notifications::table::readable(who))
        .filter(notifications::is_read.eq(false))
        .filter(notifications::is_archived.eq(false))
        .count()
        .get_result(conn)
        .await
}
