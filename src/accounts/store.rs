//! SQL for users, sessions and refresh tokens.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use uuid::Uuid;

use crate::access::{Guarded, Principal};
use crate::db::schema::{refresh_tokens, sessions, users};
use crate::graphql::loaders::Relation;
use crate::text_enum;

text_enum! {
    /// What an account is for (docs/domain.md §1).
    pub enum UserRole {
        /// Keeps a career record and applies for jobs.
        Candidate = "candidate",
        /// Hires: owns requisitions and reviews candidates.
        Recruiter = "recruiter",
        /// Interviews candidates and leaves feedback.
        Interviewer = "interviewer",
        /// Administers the service.
        Admin = "admin",
    }
}

#[derive(Clone, Debug, Queryable, Selectable)]
#[diesel(table_name = users)]
pub struct UserRow {
    pub id: Uuid,
    pub email: String,
    pub password_hash: String,
    pub role: UserRole,
    pub is_active: bool,
    pub is_verified: bool,
    pub login_count: i32,
    pub last_login_at: Option<DateTime<Utc>>,
    /// When it was created.
    pub created_at: DateTime<Utc>,
    /// When it last changed.
    pub updated_at: DateTime<Utc>,
    pub login_streak: i32,
    pub login_streak_max: i32,
    pub last_login_date: Option<chrono::NaiveDate>,
    pub quiz_streak: i32,
    pub quiz_streak_max: i32,
    pub last_quiz_date: Option<chrono::NaiveDate>,
    pub terms_accepted_at: Option<DateTime<Utc>>,
    pub terms_version: Option<String>,
    pub username: Option<String>,
}

/// Today's date in UTC, the day streaks count in.
const TODAY: &str = "(now() at time zone 'utc')::date";

/// The login streak after a sign-in today: the same day counts once, the day after the last
/// one adds a day, a gap starts again at 1.
fn login_streak_today() -> String {
    format!(
        "case when last_login_date >= {TODAY} then login_streak \
              when last_login_date = {TODAY} - 1 then login_streak + 1 else 1 end"
    )
}

#[derive(Clone, Debug, Queryable, Selectable)]
#[diesel(table_name = refresh_tokens)]
pub struct RefreshTokenRow {
    pub id: Uuid,
    pub user_id: Uuid,
    pub family_id: Uuid,
    pub expires_at: DateTime<Utc>,
    pub revoked_at: Option<DateTime<Utc>>,
    pub replaced_by: Option<Uuid>,
}

/// One sign-in: the refresh-token family that rotation grows from it.
#[derive(Clone, Debug, Queryable, Selectable)]
#[diesel(table_name = sessions)]
pub struct SessionRow {
    pub id: Uuid,
    pub user_id: Uuid,
    pub user_agent: Option<String>,
    pub created_at: DateTime<Utc>,
    pub last_used_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub revoked_at: Option<DateTime<Utc>>,
}

/// The users among `ids` whom `who` may see.
pub async fn users_by_ids(
    conn: &mut AsyncPgConnection,
    who: Principal,
    ids: &[Uuid],
) -> QueryResult<Vec<UserRow>> {
    users::table
        .filter(users::table::readable(who))
        .filter(users::id.eq_any(ids))
        .select(UserRow::as_select())
        .load(conn)
        .await
}

pub async fn user_by_email(conn: &mut AsyncPgConnection, email: &str) -> QueryResult<Option<UserRow>> {
    users::table
        .filter(users::email.eq(email))
        .select(UserRow::as_select())
        .first(conn)
        .await
        .optional()
}

/// Inserts the user; `None` when the email is taken.
pub async fn insert_user(
    conn: &mut AsyncPgConnection,
    email: &str,
    password_hash: &str,
) -> QueryResult<Option<UserRow>> {
    diesel::insert_into(users::table)
        .values((
            users::id.eq(Uuid::now_v7()),
            users::email.eq(email),
            users::password_hash.eq(password_hash),
        ))
        .on_conflict(users::email)
        .do_nothing()
        .returning(UserRow::as_returning())
        .get_result(conn)
        .await
        .optional()
}

/// Counts a sign-in of an active account (and a day of its login streak); `None` if the account was deactivated (or deleted)
/// meanwhile. The row stays locked until the transaction ends, so a deactivation running at
/// the same time waits and then revokes the session this sign-in starts.
pub async fn record_sign_in(conn: &mut AsyncPgConnection, user_id: Uuid) -> QueryResult<Option<UserRow>> {
    use diesel::dsl::sql;
    use diesel::sql_types::{Date, Int4, Nullable};
    diesel::update(users::table.find(user_id).filter(users::is_active))
        .set((
            users::login_count.eq(users::login_count + 1),
            users::last_login_at.eq(diesel::dsl::now),
            users::login_streak.eq(sql::<Int4>(&login_streak_today())),
            users::login_streak_max.eq(sql::<Int4>(&format!(
                "greatest(login_streak_max, {})",
                login_streak_today()
            ))),
            users::last_login_date.eq(sql::<Nullable<Date>>(&format!(
                "greatest(last_login_date, {TODAY})"
            ))),
        ))
        .returning(UserRow::as_returning())
        .get_result(conn)
        .await
        .optional()
}

/// Any account by id, whatever the policy: for platform admins' account changes (checked
/// by the caller) and for the refresh path, where the refresh token speaks for its user.
pub async fn user_row(conn: &mut AsyncPgConnection, user_id: Uuid) -> QueryResult<Option<UserRow>> {
    users::table
        .find(user_id)
        .select(UserRow::as_select())
        .first(conn)
        .await
        .optional()
}

/// Sets whether the account may sign in; the account after the change, `None` if there is
/// none. The caller has checked that the principal is a platform admin.
pub async fn set_active(
    conn: &mut AsyncPgConnection,
    user_id: Uuid,
    active: bool,
) -> QueryResult<Option<UserRow>> {
    diesel::update(users::table.find(user_id))
        .set(users::is_active.eq(active))
        .returning(UserRow::as_returning())
        .get_result(conn)
        .await
        .optional()
}

/// Replaces the password hash of `who`'s own account.
pub async fn set_password_hash(
    conn: &mut AsyncPgConnection,
    who: Principal,
    hash: &str,
) -> QueryResult<usize> {
    diesel::update(users::table.filter(users::table::writable(who)))
        .set(users::password_hash.eq(hash))
        .execute(conn)
        .await
}

pub async fn insert_session(
    conn: &mut AsyncPgConnection,
    user_id: Uuid,
    user_agent: Option<&str>,
    expires_at: DateTime<Utc>,
) -> QueryResult<SessionRow> {
    diesel::insert_into(sessions::table)
        .values((
            sessions::id.eq(Uuid::now_v7()),
            sessions::user_id.eq(user_id),
            sessions::user_agent.eq(user_agent),
            sessions::expires_at.eq(expires_at),
        ))
        .returning(SessionRow::as_returning())
        .get_result(conn)
        .await
}

/// The session, locked until the transaction ends: a refresh and a revocation of one session
/// are decided one after the other.
pub async fn lock_session(conn: &mut AsyncPgConnection, id: Uuid) -> QueryResult<Option<SessionRow>> {
    sessions::table
        .find(id)
        .select(SessionRow::as_select())
        .for_update()
        .first(conn)
        .await
        .optional()
}

/// Notes a refresh: the session was used now and lives until its new token expires.
pub async fn touch_session(
    conn: &mut AsyncPgConnection,
    id: Uuid,
    expires_at: DateTime<Utc>,
) -> QueryResult<SessionRow> {
    diesel::update(sessions::table.find(id))
        .set((
            sessions::last_used_at.eq(diesel::dsl::now),
            sessions::expires_at.eq(expires_at),
        ))
        .returning(SessionRow::as_returning())
        .get_result(conn)
        .await
}

/// Revokes `who`'s session `id` (and its refresh tokens); the session, `None` if it is not
/// theirs. Revoking a revoked session changes nothing.
pub async fn revoke_session(
    conn: &mut AsyncPgConnection,
    who: Principal,
    id: Uuid,
) -> QueryResult<Option<SessionRow>> {
    let Some(session) = sessions::table
        .filter(sessions::table::writable(who))
        .filter(sessions::id.eq(id))
        .select(SessionRow::as_select())
        .for_update()
        .first(conn)
        .await
        .optional()?
    else {
        return Ok(None);
    };
    if session.revoked_at.is_some() {
        return Ok(Some(session));
    }
    revoke_family(conn, id).await?;
    diesel::update(sessions::table.find(id))
        .set(sessions::revoked_at.eq(diesel::dsl::now))
        .returning(SessionRow::as_returning())
        .get_result(conn)
        .await
        .map(Some)
}

/// Revokes every live session of `user_id` but `keep` (and their refresh tokens); how many.
pub async fn revoke_sessions_of(
    conn: &mut AsyncPgConnection,
    user_id: Uuid,
    keep: Option<Uuid>,
) -> QueryResult<usize> {
    let revoked: Vec<Uuid> = diesel::update(
        sessions::table
            .filter(sessions::user_id.eq(user_id))
            .filter(sessions::revoked_at.is_null())
            .filter(sessions::id.ne(keep.unwrap_or(Uuid::nil()))),
    )
    .set(sessions::revoked_at.eq(diesel::dsl::now))
    .returning(sessions::id)
    .get_results(conn)
    .await?;
    if !revoked.is_empty() {
        diesel::update(
            refresh_tokens::table
                .filter(refresh_tokens::family_id.eq_any(&revoked))
                .filter(refresh_tokens::revoked_at.is_null()),
        )
        .set(refresh_tokens::revoked_at.eq(diesel::dsl::now))
        .execute(conn)
        .await?;
    }
    Ok(revoked.len())
}

pub async fn insert_refresh_token(
    conn: &mut AsyncPgConnection,
    user_id: Uuid,
    family_id: Uuid,
    token_hash: &[u8],
    expires_at: DateTime<Utc>,
) -> QueryResult<Uuid> {
    diesel::insert_into(refresh_tokens::table)
        .values((
            refresh_tokens::id.eq(Uuid::now_v7()),
            refresh_tokens::user_id.eq(user_id),
            refresh_tokens::family_id.eq(family_id),
            refresh_tokens::token_hash.eq(token_hash),
            refresh_tokens::expires_at.eq(expires_at),
        ))
        .returning(refresh_tokens::id)
        .get_result(conn)
        .await
}

/// The token with this hash, locked until the transaction ends so that two refreshes with the
/// same token are decided one after the other.
pub async fn lock_refresh_token(
    conn: &mut AsyncPgConnection,
    token_hash: &[u8],
) -> QueryResult<Option<RefreshTokenRow>> {
    refresh_tokens::table
        .filter(refresh_tokens::token_hash.eq(token_hash))
        .select(RefreshTokenRow::as_select())
        .for_update()
        .first(conn)
        .await
        .optional()
}

pub async fn mark_rotated(conn: &mut AsyncPgConnection, id: Uuid, replaced_by: Uuid) -> QueryResult<()> {
    diesel::update(refresh_tokens::table.find(id))
        .set((
            refresh_tokens::revoked_at.eq(diesel::dsl::now),
            refresh_tokens::replaced_by.eq(replaced_by),
        ))
        .execute(conn)
        .await
        .map(drop)
}

/// Revokes the refresh tokens of a session (the session row is the caller's to mark).
pub async fn revoke_family(conn: &mut AsyncPgConnection, family_id: Uuid) -> QueryResult<usize> {
    diesel::update(
        refresh_tokens::table
            .filter(refresh_tokens::family_id.eq(family_id))
            .filter(refresh_tokens::revoked_at.is_null()),
    )
    .set(refresh_tokens::revoked_at.eq(diesel::dsl::now))
    .execute(conn)
    .await
}

/// Ends a session: its row and its refresh tokens.
pub async fn end_session(conn: &mut AsyncPgConnection, id: Uuid) -> QueryResult<()> {
    revoke_family(conn, id).await?;
    diesel::update(sessions::table.find(id).filter(sessions::revoked_at.is_null()))
        .set(sessions::revoked_at.eq(diesel::dsl::now))
        .execute(conn)
        .await
        .map(drop)
}

/// The sessions of each user among the keys that can still be refreshed or were revoked
/// before they would have expired, most recently used first.
pub struct SessionsOfUser;

impl Relation for SessionsOfUser {
    type Row = SessionRow;

    async fn fetch(
        conn: &mut AsyncPgConnection,
        who: Principal,
        keys: &[Uuid],
    ) -> QueryResult<Vec<SessionRow>> {
        sessions::table
            .filter(sessions::table::readable(who))
            .filter(sessions::user_id.eq_any(keys))
            .filter(sessions::expires_at.gt(diesel::dsl::now))
            .order((sessions::last_used_at.desc(), sessions::id.desc()))
            .select(SessionRow::as_select())
            .load(conn)
            .await
    }

    fn key(row: &SessionRow) -> Uuid {
        row.user_id
    }
}

crate::guarded_relation!(SessionById: sessions.id => SessionRow);

/// Erases `who`'s own account and everything that goes with it (the foreign keys' cascades),
/// and pseudonymises what the audit log says of them (migration
/// `2026-12-05-000030_privacy_rights`); false if there was no such account. Call it inside a
/// transaction: the pseudonymisation's settings are local to it, and nothing is erased unless
/// everything is.
pub async fn erase_account(conn: &mut AsyncPgConnection, who: Principal) -> QueryResult<bool> {
    use diesel::sql_types::{Text, Uuid as SqlUuid};
    let person = who.user_id;
    // Deleting the row writes the revocation event every server copy reads (its trigger).
    let deleted = diesel::delete(users::table.filter(users::table::writable(who)))
        .execute(conn)
        .await?;
    if deleted == 0 {
        return Ok(false);
    }
    let pseudonym = Uuid::new_v4();
    diesel::sql_query(
        "select set_config('careergraph.pseudonymise_person', $1, true), \
                set_config('careergraph.pseudonym', $2, true)",
    )
    .bind::<Text, _>(person.to_string())
    .bind::<Text, _>(pseudonym.to_string())
    .execute(conn)
    .await?;
    // Every entry that names the person (as actor, owner, entity or in a changed value),
    // the ones the cascade just wrote included; the only rewrite the log allows.
    diesel::sql_query(
        "update audit_log a
         set actor_id = (p.e ->> 'actor_id')::uuid, owner_id = (p.e ->> 'owner_id')::uuid,
             organization_id = (p.e ->> 'organization_id')::uuid,
             entity_type = p.e ->> 'entity_type', entity_id = p.e ->> 'entity_id',
             changes = p.e -> 'changes', request_id = p.e ->> 'request_id',
             log_type = p.e ->> 'log_type', message = p.e ->> 'message', metadata = p.e -> 'metadata'
         from (select x.id, audit_pseudonymised(to_jsonb(x), $1, $2) as e from audit_log x
               where strpos(to_jsonb(x)::text, $1::text) > 0) p
         where a.id = p.id",
    )
    .bind::<SqlUuid, _>(person)
    .bind::<SqlUuid, _>(pseudonym)
    .execute(conn)
    .await?;
    // Undelivered events about the person have nobody left to deliver them to; the revocation
    // stays (copies must refuse the person's tokens until they expire) and goes with the
    // outbox's daily pruning.
    diesel::sql_query(
        "delete from event_outbox
         where strpos(payload::text, $1::text) > 0 and payload ->> 'type' is distinct from 'revocation'",
    )
    .bind::<SqlUuid, _>(person)
    .execute(conn)
    .await?;
    Ok(true)
}
