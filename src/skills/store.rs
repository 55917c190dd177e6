//! SQL for the skill catalog and the links from experiences, projects and the candidate.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Nullable, Text, Uuid as SqlUuid};
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use uuid::Uuid;

use super::enums::{ExtractionMethod, Proficiency, Prominence, SkillCategory};
use crate::db::CacheStatement;
use crate::db::schema::{candidate_skills, experience_skills, project_skills, skills};

#[derive(Clone, Debug, Queryable, Selectable, QueryableByName)]
#[diesel(table_name = skills)]
pub struct SkillRow {
    pub id: Uuid,
    pub name: String,
    pub normalized_name: String,
    pub category: SkillCategory,
    pub aliases: Vec<Option<String>>,
    pub created_by: Option<Uuid>,
    pub created_at: DateTime<Utc>,
}

/// How skill names and aliases are compared: trimmed, runs of white space folded to one
/// space, lower case. The migration seeding the catalog normalises the same way.
pub fn normalize(name: &str) -> String {
    name.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

pub async fn skills_by_ids(conn: &mut AsyncPgConnection, ids: &[Uuid]) -> QueryResult<Vec<SkillRow>> {
    skills::table
        .filter(skills::id.eq_any(ids))
        .select(SkillRow::as_select())
        .load(conn)
        .await
}

/// The skill whose name or one of whose aliases is `name` (normalised); names win.
pub async fn skill_named(conn: &mut AsyncPgConnection, name: &str) -> QueryResult<Option<SkillRow>> {
    let normalized = normalize(name);
    skills::table
        .filter(
            skills::normalized_name
                .eq(&normalized)
                .or(skills::aliases.contains(vec![normalized.clone()])),
        )
        .order(skills::normalized_name.eq(&normalized).desc())
        .select(SkillRow::as_select())
        .first(conn)
        .await
        .optional()
}

/// Adds a skill to the catalog; returns the existing one when the name is taken.
pub async fn add_skill(
    conn: &mut AsyncPgConnection,
    name: &str,
    category: SkillCategory,
    aliases: &[String],
    created_by: Uuid,
) -> QueryResult<(SkillRow, bool)> {
    let inserted = diesel::insert_into(skills::table)
        .values((
            skills::id.eq(Uuid::now_v7()),
            skills::name.eq(name),
            skills::normalized_name.eq(normalize(name)),
            skills::category.eq(category),
            skills::aliases.eq(aliases.iter().map(|a| normalize(a)).collect::<Vec<_>>()),
            skills::created_by.eq(created_by),
        ))
        .on_conflict(skills::normalized_name)
        .do_nothing()
        .returning(SkillRow::as_returning())
        .get_result(conn)
        .await
        .optional()?;
    match inserted {
        Some(row) => Ok((row, true)),
        None => skills::table
            .filter(skills::normalized_name.eq(normalize(name)))
            .select(SkillRow::as_select())
            .first(conn)
            .await
            .map(|row| (row, false)),
    }
}

#[derive(QueryableByName)]
pub struct SkillHit {
    #[diesel(embed)]
    pub skill: SkillRow,
    #[diesel(sql_type = BigInt)]
    pub total: i64,
}

/// Catalog skills whose name or an alias starts with `prefix`, by name, after the `after`
/// skill; at most `limit`, each carrying the number of matches before the cursor cut.
pub async fn search(
    conn: &mut AsyncPgConnection,
    prefix: Option<&str>,
    category: Option<SkillCategory>,
    after: Option<Uuid>,
    limit: i64,
) -> QueryResult<Vec<SkillHit>> {
    let pattern = prefix.map(|p| {
        let escaped = normalize(p)
            .replace('\\', "\\\\")
            .replace('%', "\\%")
            .replace('_', "\\_");
        format!("{escaped}%")
    });
    diesel::sql_query(
        "select * from (
           select s.*, count(*) over () as total from skills s
           where ($1::text is null or s.normalized_name like $1
                  or exists (select 1 from unnest(s.aliases) a where a like $1))
             and ($2::text is null or s.category = $2)
         ) matches
         where $3::uuid is null or normalized_name > (select normalized_name from skills where id = $3)
         order by normalized_name
         limit $4",
    )
    .bind::<Nullable<Text>, _>(pattern)
    .bind::<Nullable<Text>, _>(category.map(SkillCategory::as_str))
    .bind::<Nullable<SqlUuid>, _>(after)
    .bind::<BigInt, _>(limit)
    .cached()
    .load(conn)
    .await
}

#[derive(Clone, Debug, Queryable, Selectable, QueryableByName)]
#[diesel(table_name = experience_skills)]
pub struct ExperienceSkillRow {
    pub id: Uuid,
    pub experience_id: Uuid,
    pub skill_id: Uuid,
    pub proficiency_demonstrated: Option<Proficiency>,
    pub prominence: Prominence,
    pub usage_notes: Option<String>,
    pub extraction_method: ExtractionMethod,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Insertable, AsChangeset)]
#[diesel(table_name = experience_skills, treat_none_as_null = true)]
pub struct ExperienceSkillValues {
    pub proficiency_demonstrated: Option<Proficiency>,
    pub prominence: Prominence,
    pub usage_notes: Option<String>,
    pub extraction_method: ExtractionMethod,
}

pub async fn upsert_experience_skill(
    conn: &mut AsyncPgConnection,
    owner: Uuid,
    experience_id: Uuid,
    skill_id: Uuid,
    values: &ExperienceSkillValues,
) -> QueryResult<ExperienceSkillRow> {
    diesel::insert_into(experience_skills::table)
        .values((
            experience_skills::id.eq(Uuid::now_v7()),
            experience_skills::user_id.eq(owner),
            experience_skills::experience_id.eq(experience_id),
            experience_skills::skill_id.eq(skill_id),
            values,
        ))
        .on_conflict((experience_skills::experience_id, experience_skills::skill_id))
        .do_update()
        .set(values)
        .returning(ExperienceSkillRow::as_returning())
        .get_result(conn)
        .await
}

pub async fn remove_experience_skill(
    conn: &mut AsyncPgConnection,
    owner: Uuid,
    experience_id: Uuid,
    skill_id: Uuid,
) -> QueryResult<bool> {
    diesel::delete(
        experience_skills::table
            .filter(experience_skills::user_id.eq(owner))
            .filter(experience_skills::experience_id.eq(experience_id))
            .filter(experience_skills::skill_id.eq(skill_id)),
    )
    .execute(conn)
    .await
    .map(|n| n == 1)
}

pub async fn add_project_skill(
    conn: &mut AsyncPgConnection,
    owner: Uuid,
    project_id: Uuid,
    skill_id: Uuid,
) -> QueryResult<()> {
    diesel::insert_into(project_skills::table)
        .values((
            project_skills::project_id.eq(project_id),
            project_skills::skill_id.eq(skill_id),
            project_skills::user_id.eq(owner),
        ))
        .on_conflict_do_nothing()
        .execute(conn)
        .await
        .map(drop)
}

pub async fn remove_project_skill(
    conn: &mut AsyncPgConnection,
    owner: Uuid,
    project_id: Uuid,
    skill_id: Uuid,
) -> QueryResult<bool> {
    diesel::delete(
        project_skills::table
            .filter(project_skills::user_id.eq(owner))
            .filter(project_skills::project_id.eq(project_id))
            .filter(project_skills::skill_id.eq(skill_id)),
    )
    .execute(conn)
    .await
    .map(|n| n == 1)
}

#[derive(Clone, Debug, Queryable, Selectable, QueryableByName)]
#[diesel(table_name = candidate_skills)]
pub struct CandidateSkillRow {
    pub id: Uuid,
    pub user_id: Uuid,
    pub skill_id: Uuid,
    pub proficiency: Proficiency,
    pub years_experience: Option<i32>,
    pub is_featured: bool,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Insertable, AsChangeset)]
#[diesel(table_name = candidate_skills, treat_none_as_null = true)]
pub struct CandidateSkillValues {
    pub proficiency: Proficiency,
    pub years_experience: Option<i32>,
    pub is_featured: bool,
}

pub async fn upsert_candidate_skill(
    conn: &mut AsyncPgConnection,
    owner: Uuid,
    skill_id: Uuid,
    values: &CandidateSkillValues,
) -> QueryResult<CandidateSkillRow> {
    diesel::insert_into(candidate_skills::table)
        .values((
            candidate_skills::id.eq(Uuid::now_v7()),
            candidate_skills::user_id.eq(owner),
            candidate_skills::skill_id.eq(skill_id),
            values,
        ))
        .on_conflict((candidate_skills::user_id, candidate_skills::skill_id))
        .do_update()
        .set(values)
        .returning(CandidateSkillRow::as_returning())
        .get_result(conn)
        .await
}

pub async fn remove_candidate_skill(
    conn: &mut AsyncPgConnection,
    owner: Uuid,
    skill_id: Uuid,
) -> QueryResult<bool> {
    diesel::delete(
        candidate_skills::table
            .filter(candidate_skills::user_id.eq(owner))
            .filter(candidate_skills::skill_id.eq(skill_id)),
    )
    .execute(conn)
    .await
    .map(|n| n == 1)
}

/// One skill's evidence in a candidate's record.
#[derive(Clone, Debug, QueryableByName)]
pub struct SkillEvidenceRow {
    #[diesel(sql_type = SqlUuid)]
    pub user_id: Uuid,
    #[diesel(embed)]
    pub skill: SkillRow,
    #[diesel(sql_type = diesel::sql_types::Integer)]
    pub months_used: i32,
    #[diesel(sql_type = Nullable<diesel::sql_types::Date>)]
    pub last_used: Option<crate::graphql::scalars::Date>,
    #[diesel(sql_type = diesel::sql_types::Bool)]
    pub currently_used: bool,
    #[diesel(sql_type = BigInt)]
    pub experience_count: i64,
    #[diesel(sql_type = BigInt)]
    pub project_count: i64,
    #[diesel(sql_type = BigInt)]
    pub star_story_count: i64,
}

/// The skill matrix of each of `users` (only the owner's), in one statement. Months of use are
/// the length (days / 30.4375, rounded) of the union of the date ranges of the experiences that use the skill (a current
/// experience runs to today), so overlapping experiences are not counted twice. STAR stories
/// evidence the skills of the experience they belong to.
pub async fn skill_matrix(
    conn: &mut AsyncPgConnection,
    owner: Uuid,
    users: &[Uuid],
) -> QueryResult<Vec<SkillEvidenceRow>> {
    diesel::sql_query(
        "with evidence as (
           select es.user_id, es.skill_id, e.id as experience_id, null::uuid as project_id,
                  daterange(e.start_date, coalesce(e.end_date, current_date), '[]') as span,
                  coalesce(e.end_date, current_date) as last_used, e.end_date is null as current
           from experience_skills es join experiences e on e.id = es.experience_id
           where es.user_id = $1 and es.user_id = any($2)
           union all
           select ps.user_id, ps.skill_id, p.experience_id, p.id, null,
                  coalesce(p.end_date, p.start_date), false
           from project_skills ps join projects p on p.id = ps.project_id
           where ps.user_id = $1 and ps.user_id = any($2)
         )
         select ev.user_id, s.*,
                round(coalesce((select sum(upper(r) - lower(r)) from unnest(range_agg(ev.span)) r), 0)
                      / 30.4375)::int4 as months_used,
                max(ev.last_used) as last_used,
                bool_or(ev.current) as currently_used,
                count(distinct ev.experience_id) filter (where ev.span is not null) as experience_count,
                count(distinct ev.project_id) as project_count,
                count(distinct st.id) as star_story_count
         from evidence ev
         join skills s on s.id = ev.skill_id
         left join star_stories st on st.experience_id = ev.experience_id and ev.span is not null
         group by ev.user_id, s.id
         order by ev.user_id, months_used desc, s.normalized_name",
    )
    .bind::<SqlUuid, _>(owner)
    .bind::<diesel::sql_types::Array<SqlUuid>, _>(users.to_vec())
    .cached()
    .load(conn)
    .await
}
