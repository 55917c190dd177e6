//! SQL for the career record. Every condition on whose rows a statement touches comes from
//! the access policy (`crate::access`); inserts take the principal as the new row's owner.

use crate::access::{Guarded, Principal};
use crate::db::updated_or_current;
use diesel::prelude::*;
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};
use uuid::Uuid;

use super::enums::{BulletType, EmploymentType, Importance, ProjectType, StarTag, Visibility};
use super::model::{Bullet, BulletVersion, Education, Engagement, Experience, Project, StarStory, Strength};
use crate::db::schema::{
    bullet_versions, bullets, education, engagements, experiences, projects, star_stories, strengths, users,
};
use crate::graphql::scalars::{Date, Url};
use crate::guarded_relation;

/// For each owned table: a by-id relation (for `node(id:)` and the loaders), a lookup of one
/// row, and a partial update that answers the row as it is when there is nothing to change.
macro_rules! owned_rows {
    ($($relation:ident, $lookup:ident, $update:ident: $table:ident => $row:ty, $changes:ty;)+) => {$(
        guarded_relation!($relation: $table.id => $row);

        pub async fn $lookup(conn: &mut AsyncPgConnection, who: Principal, id: Uuid) -> QueryResult<Option<$row>> {
            $table::table
                .filter($table::user_id.eq(who.user_id))
                .filter($table::id.eq(id))
                .select(<$row>::as_select())
                .first(conn)
                .await
                .optional()
        }

        /// None when the principal has no such row.
        pub async fn $update(
            conn: &mut AsyncPgConnection,
            who: Principal,
            id: Uuid,
            changes: &$changes,
        ) -> QueryResult<Option<$row>> {
            let updated = diesel::update($table::table.filter($table::user_id.eq(who.user_id)).filter($table::id.eq(id)))
                .set(changes)
                .returning(<$row>::as_returning())
                .get_result(conn)
                .await
                .optional();
            updated_or_current(updated, async || $lookup(conn, who, id).await).await
        }
    )+};
}

owned_rows! {
    ExperienceById, experience_of, update_experience: experiences => Experience, ExperienceChanges;
    EngagementById, engagement_of, update_engagement: engagements => Engagement, EngagementChanges;
    ProjectById, project_of, update_project: projects => Project, ProjectChanges;
    StarStoryById, star_story_of, update_star_story: star_stories => StarStory, StarStoryChanges;
    BulletById, bullet_of, update_bullet_fields: bullets => Bullet, BulletChanges;
    EducationById, education_of, update_education: education => Education, EducationChanges;
    StrengthById, strength_of, update_strength: strengths => Strength, StrengthChanges;
}

#[derive(Debug, Insertable)]
#[diesel(table_name = experiences)]
pub struct NewExperience {
    pub company_name: String,
    pub job_title: String,
    pub employment_type: EmploymentType,
    pub start_date: Date,
    pub end_date: Option<Date>,
    pub location: Option<String>,
    pub company_description: Option<String>,
    pub summary: Option<String>,
    /// None: the column's default (SHARED).
    pub visibility: Option<Visibility>,
    pub details: Option<String>,
}

#[derive(Debug, Default, AsChangeset)]
#[diesel(table_name = experiences)]
pub struct ExperienceChanges {
    pub company_name: Option<String>,
    pub job_title: Option<String>,
    pub employment_type: Option<EmploymentType>,
    pub start_date: Option<Date>,
    pub end_date: Option<Option<Date>>,
    pub location: Option<Option<String>>,
    pub company_description: Option<Option<String>>,
    pub summary: Option<Option<String>>,
    pub visibility: Option<Visibility>,
    pub details: Option<Option<String>>,
    pub ai_systems_built: Option<Vec<String>>,
    pub governance_frameworks_created: Option<Vec<String>>,
    pub domain_relevance: Option<Option<f64>>,
    pub role_summary: Option<Option<String>>,
    pub tools_and_technologies: Option<Vec<String>>,
}

/// The columns of a new experience that `NewExperience` (also built by the JSON Resume import)
/// leaves to their defaults.
#[derive(Debug, Default, Insertable)]
#[diesel(table_name = experiences)]
pub struct ExperienceExtras {
    pub ai_systems_built: Vec<String>,
    pub governance_frameworks_created: Vec<String>,
    pub domain_relevance: Option<f64>,
    pub role_summary: Option<String>,
    pub tools_and_technologies: Vec<String>,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = engagements)]
pub struct NewEngagement {
    pub experience_id: Uuid,
    pub client: Option<String>,
    pub project_name: Option<String>,
    pub project_type: Option<ProjectType>,
    pub date_range_label: Option<String>,
    pub domain_tags: Vec<String>,
    pub tech_tags: Vec<String>,
}

#[derive(Debug, Default, AsChangeset)]
#[diesel(table_name = engagements)]
pub struct EngagementChanges {
    pub client: Option<Option<String>>,
    pub project_name: Option<Option<String>>,
    pub project_type: Option<Option<ProjectType>>,
    pub date_range_label: Option<Option<String>>,
    pub domain_tags: Option<Vec<String>>,
    pub tech_tags: Option<Vec<String>>,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = projects)]
pub struct NewProject {
    pub experience_id: Option<Uuid>,
    pub name: String,
    pub description: Option<String>,
    pub role: Option<String>,
    pub category: Option<String>,
    pub impact_metric: Option<String>,
    pub github_url: Option<Url>,
    pub live_url: Option<Url>,
    pub start_date: Option<Date>,
    pub end_date: Option<Date>,
    pub visibility: Option<Visibility>,
    pub education_id: Option<Uuid>,
    pub details: Option<String>,
    pub experience_type: Option<String>,
    pub tags: Vec<String>,
}

#[derive(Debug, Default, AsChangeset)]
#[diesel(table_name = projects)]
pub struct ProjectChanges {
    pub experience_id: Option<Option<Uuid>>,
    pub name: Option<String>,
    pub description: Option<Option<String>>,
    pub role: Option<Option<String>>,
    pub category: Option<Option<String>>,
    pub impact_metric: Option<Option<String>>,
    pub github_url: Option<Option<Url>>,
    pub live_url: Option<Option<Url>>,
    pub start_date: Option<Option<Date>>,
    pub end_date: Option<Option<Date>>,
    /// Set with `experience_id`: a moved project goes last in its new experience.
    pub sort_order: Option<i32>,
    pub visibility: Option<Visibility>,
    pub education_id: Option<Option<Uuid>>,
    pub details: Option<Option<String>>,
    pub experience_type: Option<Option<String>>,
    pub tags: Option<Vec<String>>,
    pub domain_relevance: Option<Option<f64>>,
}

/// The columns of a new project that `NewProject` leaves to their defaults.
#[derive(Debug, Default, Insertable)]
#[diesel(table_name = projects)]
pub struct ProjectExtras {
    pub domain_relevance: Option<f64>,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = star_stories)]
pub struct NewStarStory {
    pub experience_id: Uuid,
    pub title: Option<String>,
    pub situation: String,
    pub task: String,
    pub action: String,
    pub result: String,
    pub tags: Vec<StarTag>,
    pub visibility: Option<Visibility>,
}

#[derive(Debug, Default, AsChangeset)]
#[diesel(table_name = star_stories)]
pub struct StarStoryChanges {
    pub title: Option<Option<String>>,
    pub situation: Option<String>,
    pub task: Option<String>,
    pub action: Option<String>,
    pub result: Option<String>,
    pub tags: Option<Vec<StarTag>>,
    pub visibility: Option<Visibility>,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = bullets)]
pub struct NewBullet {
    pub experience_id: Uuid,
    pub engagement_id: Option<Uuid>,
    pub text: String,
    pub tags: Vec<String>,
    pub bullet_type: Option<BulletType>,
    pub seniority_level: Option<String>,
    pub importance: Option<Importance>,
    pub star_notes: Option<String>,
    pub visibility: Option<Visibility>,
}

/// Everything about a bullet but its text, which changes through [`update_bullet`].
#[derive(Debug, Default, AsChangeset)]
#[diesel(table_name = bullets)]
pub struct BulletChanges {
    pub engagement_id: Option<Option<Uuid>>,
    pub tags: Option<Vec<String>>,
    pub bullet_type: Option<Option<BulletType>>,
    pub seniority_level: Option<Option<String>>,
    pub importance: Option<Option<Importance>>,
    pub star_notes: Option<Option<String>>,
    pub retired: Option<bool>,
    pub visibility: Option<Visibility>,
    pub relevance_scores: Option<serde_json::Value>,
    pub lead_with: Option<bool>,
    /// With a new text, None clears the strategy (the new text's is not known).
    pub strategy: Option<Option<String>>,
}

/// The columns of a new bullet that `NewBullet` leaves to their defaults (None: the column's).
#[derive(Debug, Default, Insertable)]
#[diesel(table_name = bullets)]
pub struct BulletExtras {
    pub relevance_scores: Option<serde_json::Value>,
    pub lead_with: Option<bool>,
    pub strategy: Option<String>,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = education)]
pub struct NewEducation {
    pub institution_name: String,
    pub degree: Option<String>,
    pub field_of_study: Option<String>,
    pub minor: Option<String>,
    pub gpa: Option<f64>,
    pub location: Option<String>,
    pub start_date: Option<Date>,
    pub end_date: Option<Date>,
    pub is_current: bool,
    pub details: Option<String>,
}

#[derive(Debug, Default, AsChangeset)]
#[diesel(table_name = education)]
pub struct EducationChanges {
    pub institution_name: Option<String>,
    pub degree: Option<Option<String>>,
    pub field_of_study: Option<Option<String>>,
    pub minor: Option<Option<String>>,
    pub gpa: Option<Option<f64>>,
    pub location: Option<Option<String>>,
    pub start_date: Option<Option<Date>>,
    pub end_date: Option<Option<Date>>,
    pub is_current: Option<bool>,
    pub details: Option<Option<String>>,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = strengths)]
pub struct NewStrength {
    pub name: String,
    pub description: Option<String>,
}

#[derive(Debug, Default, AsChangeset)]
#[diesel(table_name = strengths)]
pub struct StrengthChanges {
    pub name: Option<String>,
    pub description: Option<Option<String>>,
}

/// What keeps children in order: the user (of their experiences) or an experience (of its
/// engagements, projects and bullets).
#[derive(Clone, Copy, Debug)]
pub enum Parent {
    User,
    Experience(Uuid),
}

impl Parent {
    /// The column of the children that names this parent, and its value.
    pub fn key(self, who: Principal) -> (&'static str, Uuid) {
        match self {
            Self::User => ("user_id", who.user_id),
            Self::Experience(id) => ("experience_id", id),
        }
    }
}

/// Locks the principal's `parent` row until the caller's transaction ends, so that writers of its
/// children's positions take turns; false when the principal has no such parent. FOR NO KEY
/// UPDATE: it does not hold up inserts that merely reference the row.
pub async fn lock_parent(conn: &mut AsyncPgConnection, who: Principal, parent: Parent) -> QueryResult<bool> {
    let locked = match parent {
        Parent::User => {
            users::table
                .filter(users::table::writable(who))
                .select(users::id)
                .for_no_key_update()
                .first::<Uuid>(conn)
                .await
        }
        Parent::Experience(id) => {
            experiences::table
                .filter(experiences::table::writable(who))
                .filter(experiences::id.eq(id))
                .select(experiences::id)
                .for_no_key_update()
                .first::<Uuid>(conn)
                .await
        }
    };
    Ok(locked.optional()?.is_some())
}

/// The position after the last of `parent`'s children in `table` (new items go last), with the
/// parent locked ([`lock_parent`]) until the caller's transaction ends; None when the principal
/// has no such parent. Concurrent creates under one parent so get distinct positions: each
/// reads the maximum only once the one before it committed its row. (The maximum is read by a
/// statement of its own, after the lock: one statement sees what was committed when it began.)
pub async fn next_position<T: Guarded>(
    conn: &mut AsyncPgConnection,
    who: Principal,
    parent: Parent,
) -> QueryResult<Option<i32>> {
    #[derive(QueryableByName)]
    struct Next {
        #[diesel(sql_type = diesel::sql_types::Integer)]
        next: i32,
    }
    if !lock_parent(conn, who, parent).await? {
        return Ok(None);
    }
    let (parent_column, parent_id) = parent.key(who);
    let row: Next = diesel::sql_query(format!(
        "select coalesce(max(sort_order) + 1, 0) as next from {table} t where {rule} and {parent_column} = $2",
        rule = T::writable_sql("t", 1),
        table = T::NAME,
    ))
    .bind::<diesel::sql_types::Uuid, _>(who.user_id)
    .bind::<diesel::sql_types::Uuid, _>(parent_id)
    .get_result(conn)
    .await?;
    Ok(Some(row.next))
}

/// Adds an experience, last in the principal's order.
pub async fn insert_experience(
    conn: &mut AsyncPgConnection,
    who: Principal,
    new: &NewExperience,
) -> QueryResult<Option<Experience>> {
    insert_experience_with(conn, who, new, &ExperienceExtras::default()).await
}

/// [`insert_experience`] with the columns `NewExperience` leaves out.
pub async fn insert_experience_with(
    conn: &mut AsyncPgConnection,
    who: Principal,
    new: &NewExperience,
    extras: &ExperienceExtras,
) -> QueryResult<Option<Experience>> {
    conn.transaction(async |conn| {
        let Some(position) = next_position::<experiences::table>(conn, who, Parent::User).await? else {
            return Ok(None);
        };
        diesel::insert_into(experiences::table)
            .values((
                experiences::id.eq(Uuid::now_v7()),
                experiences::user_id.eq(who.user_id),
                experiences::sort_order.eq(position),
                new,
                extras,
            ))
            .returning(Experience::as_returning())
            .get_result(conn)
            .await
            .map(Some)
    })
    .await
}

/// Adds an engagement, last in its experience; None when the principal has no such experience.
/// The database refuses one under an experience that is not independent consulting.
pub async fn insert_engagement(
    conn: &mut AsyncPgConnection,
    who: Principal,
    new: &NewEngagement,
) -> QueryResult<Option<Engagement>> {
    conn.transaction(async |conn| {
        let parent = Parent::Experience(new.experience_id);
        let Some(position) = next_position::<engagements::table>(conn, who, parent).await? else {
            return Ok(None);
        };
        diesel::insert_into(engagements::table)
            .values((
                engagements::id.eq(Uuid::now_v7()),
                engagements::user_id.eq(who.user_id),
                engagements::sort_order.eq(position),
                new,
            ))
            .returning(Engagement::as_returning())
            .get_result(conn)
            .await
            .map(Some)
    })
    .await
}

/// Adds a project, last in its experience (personal projects have no order: 0); None when the
/// principal has no such experience.
pub async fn insert_project(
    conn: &mut AsyncPgConnection,
    who: Principal,
    new: &NewProject,
) -> QueryResult<Option<Project>> {
    insert_project_with(conn, who, new, &ProjectExtras::default()).await
}

/// [`insert_project`] with the columns `NewProject` leaves out.
pub async fn insert_project_with(
    conn: &mut AsyncPgConnection,
    who: Principal,
    new: &NewProject,
    extras: &ProjectExtras,
) -> QueryResult<Option<Project>> {
    conn.transaction(async |conn| {
        let position = match new.experience_id {
            Some(id) => match next_position::<projects::table>(conn, who, Parent::Experience(id)).await? {
                Some(position) => position,
                None => return Ok(None),
            },
            None => 0,
        };
        diesel::insert_into(projects::table)
            .values((
                projects::id.eq(Uuid::now_v7()),
                projects::user_id.eq(who.user_id),
                projects::sort_order.eq(position),
                new,
                extras,
            ))
            .returning(Project::as_returning())
            .get_result(conn)
            .await
            .map(Some)
    })
    .await
}

pub async fn insert_star_story(
    conn: &mut AsyncPgConnection,
    who: Principal,
    new: &NewStarStory,
) -> QueryResult<StarStory> {
    diesel::insert_into(star_stories::table)
        .values((
            star_stories::id.eq(Uuid::now_v7()),
            star_stories::user_id.eq(who.user_id),
            new,
        ))
        .returning(StarStory::as_returning())
        .get_result(conn)
        .await
}

/// Adds a bullet, last in its experience; None when the principal has no such experience.
pub async fn insert_bullet(
    conn: &mut AsyncPgConnection,
    who: Principal,
    new: &NewBullet,
) -> QueryResult<Option<Bullet>> {
    insert_bullet_with(conn, who, new, &BulletExtras::default()).await
}

/// [`insert_bullet`] with the columns `NewBullet` leaves out.
pub async fn insert_bullet_with(
    conn: &mut AsyncPgConnection,
    who: Principal,
    new: &NewBullet,
    extras: &BulletExtras,
) -> QueryResult<Option<Bullet>> {
    conn.transaction(async |conn| {
        let parent = Parent::Experience(new.experience_id);
        let Some(position) = next_position::<bullets::table>(conn, who, parent).await? else {
            return Ok(None);
        };
        diesel::insert_into(bullets::table)
            .values((
                bullets::id.eq(Uuid::now_v7()),
                bullets::user_id.eq(who.user_id),
                bullets::sort_order.eq(position),
                new,
                extras,
            ))
            .returning(Bullet::as_returning())
            .get_result(conn)
            .await
            .map(Some)
    })
    .await
}

pub async fn insert_education(
    conn: &mut AsyncPgConnection,
    who: Principal,
    new: &NewEducation,
) -> QueryResult<Education> {
    diesel::insert_into(education::table)
        .values((
            education::id.eq(Uuid::now_v7()),
            education::user_id.eq(who.user_id),
            new,
        ))
        .returning(Education::as_returning())
        .get_result(conn)
        .await
}

pub async fn insert_strength(
    conn: &mut AsyncPgConnection,
    who: Principal,
    new: &NewStrength,
) -> QueryResult<Strength> {
    diesel::insert_into(strengths::table)
        .values((
            strengths::id.eq(Uuid::now_v7()),
            strengths::user_id.eq(who.user_id),
            new,
        ))
        .returning(Strength::as_returning())
        .get_result(conn)
        .await
}

/// Changes a bullet; a new text keeps the old one as a version, with the strategy that wrote
/// it, and takes `changes.strategy` (null when not given). Call inside a transaction.
pub async fn update_bullet(
    conn: &mut AsyncPgConnection,
    who: Principal,
    id: Uuid,
    text: Option<&str>,
    changes: &BulletChanges,
) -> QueryResult<Option<Bullet>> {
    let Some(current) = bullets::table
        .filter(bullets::table::writable(who))
        .filter(bullets::id.eq(id))
        .select(Bullet::as_select())
        .for_update()
        .first(conn)
        .await
        .optional()?
    else {
        return Ok(None);
    };
    if let Some(text) = text.filter(|text| *text != current.text) {
        diesel::insert_into(bullet_versions::table)
            .values((
                bullet_versions::id.eq(Uuid::now_v7()),
                bullet_versions::user_id.eq(who.user_id),
                bullet_versions::bullet_id.eq(id),
                bullet_versions::text.eq(&current.text),
                bullet_versions::strategy.eq(&current.strategy),
            ))
            .execute(conn)
            .await?;
        let strategy = changes.strategy.clone().flatten();
        diesel::update(bullets::table.find(id).filter(bullets::table::writable(who)))
            .set((bullets::text.eq(text), bullets::strategy.eq(strategy)))
            .execute(conn)
            .await?;
    }
    update_bullet_fields(conn, who, id, changes).await
}

guarded_relation!(
    /// Earlier texts of the principal's bullets, newest first.
    VersionsOfBullet: bullet_versions.bullet_id => BulletVersion,
    order by (bullet_versions::created_at.desc(), bullet_versions::id.desc())
);

guarded_relation!(BulletVersionById: bullet_versions.id => BulletVersion);

/// Deletes the row of `T` with this id if `who` may; false when there is none they may delete.
pub async fn delete_row<T: Guarded>(
    conn: &mut AsyncPgConnection,
    who: Principal,
    id: Uuid,
) -> QueryResult<bool> {
    let deleted = diesel::sql_query(format!(
        "delete from {table} t where t.id = $2 and {rule}",
        table = T::NAME,
        rule = T::writable_sql("t", 1),
    ))
    .bind::<diesel::sql_types::Uuid, _>(who.user_id)
    .bind::<diesel::sql_types::Uuid, _>(id)
    .execute(conn)
    .await?;
    Ok(deleted == 1)
}

#[derive(QueryableByName)]
struct ChildId {
    #[diesel(sql_type = diesel::sql_types::Uuid)]
    id: Uuid,
}

/// Gives the children of `parent` in `T` the order of `ids`, which must name each of them
/// once. Returns false (changing nothing) when it does not. Table and column names come from
/// code, never from input.
pub async fn reorder_rows<T: Guarded>(
    conn: &mut AsyncPgConnection,
    who: Principal,
    parent: Parent,
    ids: &[Uuid],
) -> QueryResult<bool> {
    let (parent_column, parent_id) = parent.key(who);
    let (table, rule) = (T::NAME, T::writable_sql("t", 1));
    let current: Vec<ChildId> = diesel::sql_query(format!(
        "select t.id from {table} t where {rule} and t.{parent_column} = $2"
    ))
    .bind::<diesel::sql_types::Uuid, _>(who.user_id)
    .bind::<diesel::sql_types::Uuid, _>(parent_id)
    .load(conn)
    .await?;
    let current: std::collections::HashSet<Uuid> = current.into_iter().map(|row| row.id).collect();
    let wanted: std::collections::HashSet<Uuid> = ids.iter().copied().collect();
    if wanted.len() != ids.len() || wanted != current {
        return Ok(false);
    }
    diesel::sql_query(format!(
        "update {table} t set sort_order = w.position - 1
         from unnest($3) with ordinality as w(id, position)
         where t.id = w.id and {rule} and t.{parent_column} = $2"
    ))
    .bind::<diesel::sql_types::Uuid, _>(who.user_id)
    .bind::<diesel::sql_types::Uuid, _>(parent_id)
    .bind::<diesel::sql_types::Array<diesel::sql_types::Uuid>, _>(ids.to_vec())
    .execute(conn)
    .await?;
    Ok(true)
}

/// The global id (`graphql::ids`) of the row of GraphQL type `type_name` whose id is
/// `column`, as SQL text: how a resume snapshot's document names the records it shows
/// (`recordId`). Both names come from code, never from input.
pub fn global_id_sql(type_name: &str, column: &str) -> String {
    // base64url without padding; `encode` breaks lines every 76 characters, which ids of
    // these lengths never reach, but the newline is removed anyway.
    format!(
        "translate(rtrim(replace(encode(convert_to('{type_name}:' || {column}::text, 'UTF8'), 'base64'), \
         E'\\n', ''), '='), '+/', '-_')"
    )
}

/// Whether an application already uses the experience (ETPS's truthfulness rule, docs/domain.md
/// "Truthfulness"): a resume snapshot shows it or one of its bullets, projects or STAR
/// stories, or an artifact states it (names both its job title and its employer) or quotes one
/// of its bullets. Locks the experience for the rest of the transaction, so that the answer
/// holds for the change that asked. None when the principal has no such experience.
pub async fn lock_experience_in_use(
    conn: &mut AsyncPgConnection,
    who: Principal,
    id: Uuid,
) -> QueryResult<Option<(Experience, bool)>> {
    use crate::db::schema::{artifacts, resume_snapshots};
    use diesel::sql_types::{Bool, Uuid as SqlUuid};

    let Some(experience) = experiences::table
        .filter(experiences::table::writable(who))
        .filter(experiences::id.eq(id))
        .select(Experience::as_select())
        .for_update()
        .first(conn)
        .await
        .optional()?
    else {
        return Ok(None);
    };
    #[derive(QueryableByName)]
    struct InUse {
        #[diesel(sql_type = Bool)]
        in_use: bool,
    }
    let found: InUse = diesel::sql_query(format!(
        "with ids as (
           select jsonb_agg(gid) as list from (
             select {experience} as gid
             union all select {bullet} from bullets b where b.experience_id = $2
             union all select {project} from projects p where p.experience_id = $2
             union all select {story} from star_stories st where st.experience_id = $2
           ) g
         ), e as (select * from experiences e where e.id = $2 and {own})
         select exists (
           select 1 from resume_snapshots s, ids
           where {snapshots}
             and jsonb_path_exists(s.document, '$.**.recordId ? (@ == $ids[*])',
                                   jsonb_build_object('ids', ids.list))
         ) or exists (
           select 1 from artifacts a, e
           where {artifacts}
             and ((strpos(lower(a.content), lower(e.job_title)) > 0
                   and strpos(lower(a.content), lower(e.company_name)) > 0)
                  or exists (select 1 from bullets b where b.experience_id = e.id
                             and strpos(lower(a.content), lower(b.text)) > 0))
         ) as in_use",
        experience = global_id_sql("Experience", "$2"),
        bullet = global_id_sql("Bullet", "b.id"),
        project = global_id_sql("Project", "p.id"),
        story = global_id_sql("StarStory", "st.id"),
        own = experiences::table::writable_sql("e", 1),
        snapshots = resume_snapshots::table::writable_sql("s", 1),
        artifacts = artifacts::table::writable_sql("a", 1),
    ))
    .bind::<SqlUuid, _>(who.user_id)
    .bind::<SqlUuid, _>(id)
    .get_result(conn)
    .await?;
    Ok(Some((experience, found.in_use)))
}

/// Marks the audit entries the rest of the transaction writes as corrections of facts
/// (migration `2026-12-05-000020_fact_corrections`): `correctExperienceFacts`' typo fixes.
pub async fn mark_as_correction(conn: &mut AsyncPgConnection) -> QueryResult<()> {
    diesel::sql_query(
        "select set_config('careergraph.log_type', 'fact_correction', true), \
         set_config('careergraph.log_message', 'experiences facts corrected (truthfulness rule)', true)",
    )
    .execute(conn)
    .await
    .map(drop)
}

/// How many of the candidate's applications use a bullet, and when one last did (ETPS
/// `usage_count` and `last_used_at`, docs/domain.md "Bullet usage").
#[derive(Clone, Debug, QueryableByName)]
pub struct BulletUsage {
    #[diesel(sql_type = diesel::sql_types::Uuid)]
    pub bullet_id: Uuid,
    #[diesel(sql_type = diesel::sql_types::Integer)]
    pub usage_count: i32,
    #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::Timestamptz>)]
    pub last_used_at: Option<chrono::DateTime<chrono::Utc>>,
}

/// The usage of bullets: an application uses a bullet when a resume snapshot sent with it
/// shows the bullet, or one of its artifacts quotes the bullet's text (now or an earlier
/// version, in any letter case). One application counts once however many of its snapshots
/// and artifacts use the bullet; the last use is the newest such snapshot or artifact. A
/// bullet no application uses has no row (0 and null). Computed on read, so deleting an
/// application or editing an artifact is reflected at once.
pub struct UsageOfBullet;

impl crate::graphql::loaders::Relation for UsageOfBullet {
    type Row = BulletUsage;

    async fn fetch(
        conn: &mut AsyncPgConnection,
        who: Principal,
        keys: &[Uuid],
    ) -> QueryResult<Vec<BulletUsage>> {
        use crate::db::schema::{artifacts, resume_snapshots};
        use diesel::sql_types::{Array, Uuid as SqlUuid};
        diesel::sql_query(format!(
            "select b.id as bullet_id, count(distinct u.application_id)::int4 as usage_count,
                    max(u.used_at) as last_used_at
             from bullets b
             cross join lateral (
               select s.application_id, s.created_at as used_at from resume_snapshots s
               where s.user_id = b.user_id and s.application_id is not null and {snapshots}
                 and jsonb_path_exists(s.document, '$.**.recordId ? (@ == $id)',
                                       jsonb_build_object('id', {bullet}))
               union all
               select a.application_id, a.created_at from artifacts a
               where a.user_id = b.user_id and {artifacts}
                 and (strpos(lower(a.content), lower(b.text)) > 0
                      or exists (select 1 from bullet_versions v where v.bullet_id = b.id
                                 and strpos(lower(a.content), lower(v.text)) > 0))
             ) u
             where b.id = any($2) and {bullets}
             group by b.id",
            bullet = global_id_sql("Bullet", "b.id"),
            snapshots = resume_snapshots::table::readable_sql("s", 1),
            artifacts = artifacts::table::readable_sql("a", 1),
            bullets = bullets::table::readable_sql("b", 1),
        ))
        .bind::<SqlUuid, _>(who.user_id)
        .bind::<Array<SqlUuid>, _>(keys)
        .load(conn)
        .await
    }

    fn key(row: &BulletUsage) -> Uuid {
        row.bullet_id
    }
}
