//! SQL for candidate profiles and MBTI profiles. Every condition on whose rows a statement
//! touches comes from the access policy (`crate::access`).

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use uuid::Uuid;

use crate::access::{Guarded, Principal};
use crate::db::schema::{candidate_profiles, mbti_profiles};
use crate::db::updated_or_current;
use crate::graphql::scalars::{EmailAddress, Url};
use crate::profile::mbti::MbtiType;

#[derive(Clone, Debug, Queryable, Selectable)]
#[diesel(table_name = candidate_profiles)]
pub struct ProfileRow {
    pub id: Uuid,
    pub user_id: Uuid,
    pub full_name: Option<String>,
    pub email: Option<EmailAddress>,
    pub phone: Option<String>,
    pub location: Option<String>,
    pub headline: Option<String>,
    pub summary: Option<String>,
    pub years_experience: Option<i32>,
    pub linkedin_url: Option<Url>,
    pub github_url: Option<Url>,
    pub portfolio_url: Option<Url>,
    pub nationality: Option<String>,
    pub target_roles: Vec<Option<String>>,
    pub specializations: Vec<Option<String>>,
    /// When it was created.
    pub created_at: DateTime<Utc>,
    /// When it last changed.
    pub updated_at: DateTime<Utc>,
    pub ai_systems_builder: bool,
    pub primary_identity: Option<String>,
    pub linkedin_about: Option<String>,
    pub linkedin_top_skills: Vec<Option<String>>,
    pub open_to_work_titles: Vec<Option<String>>,
}

/// A partial update: `None` leaves a column alone, `Some(None)` clears it.
#[derive(Debug, Default, AsChangeset)]
#[diesel(table_name = candidate_profiles)]
pub struct ProfileChanges {
    pub full_name: Option<Option<String>>,
    pub email: Option<Option<EmailAddress>>,
    pub phone: Option<Option<String>>,
    pub location: Option<Option<String>>,
    pub headline: Option<Option<String>>,
    pub summary: Option<Option<String>>,
    pub years_experience: Option<Option<i32>>,
    pub linkedin_url: Option<Option<Url>>,
    pub github_url: Option<Option<Url>>,
    pub portfolio_url: Option<Option<Url>>,
    pub nationality: Option<Option<String>>,
    pub target_roles: Option<Vec<String>>,
    pub specializations: Option<Vec<String>>,
    pub ai_systems_builder: Option<bool>,
    pub primary_identity: Option<Option<String>>,
    pub linkedin_about: Option<Option<String>>,
    pub linkedin_top_skills: Option<Vec<String>>,
    pub open_to_work_titles: Option<Vec<String>>,
}

#[derive(Clone, Debug, Queryable, Selectable)]
#[diesel(table_name = mbti_profiles)]
pub struct MbtiRow {
    pub id: Uuid,
    pub profile_id: Uuid,
    pub mbti_type: MbtiType,
    pub ie_score: Option<i16>,
    pub ns_score: Option<i16>,
    pub tf_score: Option<i16>,
    pub jp_score: Option<i16>,
    pub manually_overridden: bool,
    /// When it was created.
    pub created_at: DateTime<Utc>,
    /// When it last changed.
    pub updated_at: DateTime<Utc>,
}

/// The MBTI columns as written; the row is created or replaced whole.
#[derive(Debug, Insertable, AsChangeset)]
#[diesel(table_name = mbti_profiles, treat_none_as_null = true)]
pub struct MbtiValues {
    pub mbti_type: MbtiType,
    pub ie_score: Option<i16>,
    pub ns_score: Option<i16>,
    pub tf_score: Option<i16>,
    pub jp_score: Option<i16>,
    pub manually_overridden: bool,
}

pub async fn insert_profile(conn: &mut AsyncPgConnection, user_id: Uuid, email: &str) -> QueryResult<()> {
    diesel::insert_into(candidate_profiles::table)
        .values((
            candidate_profiles::id.eq(Uuid::now_v7()),
            candidate_profiles::user_id.eq(user_id),
            candidate_profiles::email.eq(email),
        ))
        .execute(conn)
        .await
        .map(drop)
}

pub async fn update_profile(
    conn: &mut AsyncPgConnection,
    who: Principal,
    changes: &ProfileChanges,
) -> QueryResult<ProfileRow> {
    let updated = diesel::update(candidate_profiles::table.filter(candidate_profiles::table::readable(who)))
        .set(changes)
        .returning(ProfileRow::as_returning())
        .get_result(conn)
        .await;
    updated_or_current(updated, async || profile_of(conn, who).await).await
}

pub async fn profile_of(conn: &mut AsyncPgConnection, who: Principal) -> QueryResult<ProfileRow> {
    candidate_profiles::table
        .filter(candidate_profiles::table::readable(who))
        .select(ProfileRow::as_select())
        .first(conn)
        .await
}

/// The principal's MBTI row, locked for the rest of the transaction (None if there is none yet).
pub async fn lock_mbti(conn: &mut AsyncPgConnection, who: Principal) -> QueryResult<Option<MbtiRow>> {
    mbti_profiles::table
        .filter(mbti_profiles::table::readable(who))
        .select(MbtiRow::as_select())
        .for_update()
        .first(conn)
        .await
        .optional()
}

pub async fn save_mbti(
    conn: &mut AsyncPgConnection,
    who: Principal,
    profile_id: Uuid,
    values: &MbtiValues,
) -> QueryResult<MbtiRow> {
    diesel::insert_into(mbti_profiles::table)
        .values((
            mbti_profiles::id.eq(Uuid::now_v7()),
            mbti_profiles::user_id.eq(who.user_id),
            mbti_profiles::profile_id.eq(profile_id),
            values,
        ))
        .on_conflict(mbti_profiles::profile_id)
        .do_update()
        .set(values)
        .returning(MbtiRow::as_returning())
        .get_result(conn)
        .await
}

/// A person's profile photo as the profile links to it: which upload it is (the uploads area,
/// above this one, keeps the rest of the row and serves the file).
#[derive(Clone, Debug, Queryable, Selectable)]
#[diesel(table_name = crate::db::schema::uploaded_documents)]
pub struct PhotoRow {
    pub id: Uuid,
    pub user_id: Uuid,
}

/// The profile photo of each user (at most one: a unique index), if the principal may read it.
pub struct PhotoOfUser;

impl crate::graphql::loaders::Relation for PhotoOfUser {
    type Row = PhotoRow;

    async fn fetch(
        conn: &mut AsyncPgConnection,
        who: Principal,
        keys: &[Uuid],
    ) -> QueryResult<Vec<PhotoRow>> {
        use crate::db::schema::uploaded_documents as photos;
        photos::table
            .filter(photos::table::readable(who))
            .filter(photos::user_id.eq_any(keys))
            // The stored text of `DocumentCategory::Photo` (uploads sit above this module).
            .filter(photos::category.eq("photo"))
            .filter(photos::organization_id.is_null())
            .select(PhotoRow::as_select())
            .load(conn)
            .await
    }

    fn key(row: &PhotoRow) -> Uuid {
        row.user_id
    }
}
