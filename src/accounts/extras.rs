//! Account extras (docs/domain.md §1, issue #21 item 4): the terms a user accepted, an optional
//! username, and per-user settings (Assist-Ten AdminSettings) as a typed object: their checks,
//! rows and SQL, and the `UserSettings` type `User.settings` shows. Their mutations are in
//! `extras_graphql.rs`, which may show `User` (this file may not: `graphql.rs` imports it).

use async_graphql::{Context, SimpleObject};
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel::result::{DatabaseErrorKind, Error as DieselError};
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use uuid::Uuid;

use super::store::UserRow;
use crate::access::{Guarded, Principal};
use crate::db::schema::{user_settings, users};
use crate::db::updated_or_current;
use crate::graphql::context::viewer;
use crate::graphql::errors::{AppError, AppResult};
use crate::guarded_relation;
use crate::validate;

/// The version of the terms of service this server asks people to accept; a client shows it
/// (`termsVersion`) and sign-up records it unless the client names the version it showed.
pub const TERMS_VERSION: &str = "2026-12-06";

/// What sign-up records beside the credentials, checked before anything is written.
pub struct SignUpExtras {
    pub terms_version: String,
    pub username: Option<String>,
}

impl SignUpExtras {
    /// Sign-up requires accepting the terms (`BAD_USER_INPUT` naming `acceptTerms`).
    pub fn check(
        accept_terms: bool,
        terms_version: Option<String>,
        username: Option<String>,
    ) -> AppResult<Self> {
        if !accept_terms {
            return Err(AppError::bad_input(
                "acceptTerms",
                format!(
                    "signing up requires accepting the terms of service (version {TERMS_VERSION}): send acceptTerms: true"
                ),
            ));
        }
        Ok(Self {
            terms_version: match terms_version {
                Some(version) => terms_version_of(&version)?,
                None => TERMS_VERSION.to_owned(),
            },
            username: username.as_deref().map(checked_username).transpose()?,
        })
    }
}

pub fn terms_version_of(value: &str) -> AppResult<String> {
    validate::text_of("termsVersion", value, 50)
}

/// A username: 3 to 30 of letters, digits, `.`, `_` and `-`, starting with a letter or digit
/// (trimmed; kept in the letter case given, unique in any).
pub fn checked_username(value: &str) -> AppResult<String> {
    let name = value.trim();
    let length = name.chars().count();
    let allowed = name
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'));
    let starts_well = name.chars().next().is_some_and(|c| c.is_ascii_alphanumeric());
    if !(3..=30).contains(&length) || !allowed || !starts_well {
        return Err(AppError::bad_input(
            "username",
            format!(
                "`{name}` is not a valid username: 3 to 30 letters, digits, `.`, `_` or `-`, \
                 starting with a letter or digit"
            ),
        ));
    }
    Ok(name.to_owned())
}

/// A username another account holds (in any letter case) is `CONFLICT`.
fn taken(username: Option<&str>) -> impl FnOnce(DieselError) -> AppError + '_ {
    move |error| match &error {
        DieselError::DatabaseError(DatabaseErrorKind::UniqueViolation, info)
            if info.constraint_name() == Some("users_username_key") =>
        {
            AppError::Conflict(format!("the username {} is taken", username.unwrap_or_default()))
        }
        _ => error.into(),
    }
}

/// Records the accepted terms and the username of a new account, inside sign-up's transaction.
pub async fn record_sign_up(
    conn: &mut AsyncPgConnection,
    user_id: Uuid,
    extras: &SignUpExtras,
) -> AppResult<()> {
    diesel::update(users::table.find(user_id))
        .set((
            users::terms_accepted_at.eq(diesel::dsl::now),
            users::terms_version.eq(&extras.terms_version),
            users::username.eq(&extras.username),
        ))
        .execute(conn)
        .await
        .map_err(taken(extras.username.as_deref()))?;
    Ok(())
}

/// The principal's own account row after `changes`; `UNAUTHENTICATED` when it is gone.
fn own_row(row: Option<UserRow>) -> AppResult<UserRow> {
    row.ok_or(AppError::Unauthenticated(
        "the account no longer exists or is deactivated",
    ))
}

pub async fn set_username_of(
    conn: &mut AsyncPgConnection,
    who: Principal,
    username: Option<&str>,
) -> AppResult<UserRow> {
    let row = diesel::update(users::table.filter(users::table::writable(who)))
        .set(users::username.eq(username))
        .returning(UserRow::as_returning())
        .get_result(conn)
        .await
        .optional()
        .map_err(taken(username))?;
    own_row(row)
}

pub async fn accept_terms_of(
    conn: &mut AsyncPgConnection,
    who: Principal,
    version: &str,
) -> AppResult<UserRow> {
    let row = diesel::update(users::table.filter(users::table::writable(who)))
        .set((
            users::terms_accepted_at.eq(diesel::dsl::now),
            users::terms_version.eq(version),
        ))
        .returning(UserRow::as_returning())
        .get_result(conn)
        .await
        .optional()?;
    own_row(row)
}

#[derive(Clone, Debug, Queryable, Selectable)]
#[diesel(table_name = user_settings)]
pub struct SettingsRow {
    pub id: Uuid,
    pub user_id: Uuid,
    pub default_assessment_minutes: i32,
    pub questionnaire_enabled: bool,
    pub interview_enabled: bool,
    pub email_notifications: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

guarded_relation!(
    /// Each user's settings row (at most one; none until the first change).
    SettingsOfUser: user_settings.user_id => SettingsRow
);

/// A change to the settings: `None` leaves a column alone.
#[derive(Debug, Default, AsChangeset)]
#[diesel(table_name = user_settings)]
pub struct SettingsChanges {
    pub default_assessment_minutes: Option<i32>,
    pub questionnaire_enabled: Option<bool>,
    pub interview_enabled: Option<bool>,
    pub email_notifications: Option<bool>,
}

/// Writes the principal's settings: the row is made with the defaults first if there is none,
/// then only the given fields change (two concurrent changes of different fields both stay).
pub async fn save_settings(
    conn: &mut AsyncPgConnection,
    who: Principal,
    changes: &SettingsChanges,
) -> QueryResult<SettingsRow> {
    diesel::insert_into(user_settings::table)
        .values((
            user_settings::id.eq(Uuid::now_v7()),
            user_settings::user_id.eq(who.user_id),
        ))
        .on_conflict(user_settings::user_id)
        .do_nothing()
        .execute(conn)
        .await?;
    let updated = diesel::update(user_settings::table.filter(user_settings::table::writable(who)))
        .set(changes)
        .returning(SettingsRow::as_returning())
        .get_result(conn)
        .await;
    updated_or_current(updated, async || {
        user_settings::table
            .filter(user_settings::table::writable(who))
            .select(SettingsRow::as_select())
            .first(conn)
            .await
    })
    .await
}

/// A user's settings (Assist-Ten AdminSettings): defaults a client pre-fills and switches that
/// shape what the user is sent. Every user has them; until changed they are the defaults.
#[derive(SimpleObject)]
pub struct UserSettings {
    /// The duration a new assessment form starts with, in minutes (5 to 480; default 60).
    pub default_assessment_duration_minutes: i32,
    /// Whether a new assessment form starts with the questionnaire on (default true).
    pub questionnaire_enabled_by_default: bool,
    /// Whether a new assessment form starts with the interview on (default false).
    pub interview_enabled_by_default: bool,
    /// Whether the user wants notifications by email as well as in the app (default true).
    pub email_notifications: bool,
    /// When the user last changed them; null while they are the defaults.
    pub updated_at: Option<DateTime<Utc>>,
}

impl From<Option<SettingsRow>> for UserSettings {
    fn from(row: Option<SettingsRow>) -> Self {
        match row {
            Some(row) => Self {
                default_assessment_duration_minutes: row.default_assessment_minutes,
                questionnaire_enabled_by_default: row.questionnaire_enabled,
                interview_enabled_by_default: row.interview_enabled,
                email_notifications: row.email_notifications,
                updated_at: Some(row.updated_at),
            },
            None => Self {
                default_assessment_duration_minutes: 60,
                questionnaire_enabled_by_default: true,
                interview_enabled_by_default: false,
                email_notifications: true,
                updated_at: None,
            },
        }
    }
}

/// `User.settings`.
pub async fn settings_of(ctx: &Context<'_>, user_id: Uuid) -> AppResult<UserSettings> {
    let row = viewer(ctx)?.loaders.one::<SettingsOfUser>(user_id).await?;
    Ok(row.into())
}
