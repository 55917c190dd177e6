//! SQL for the skill catalog (shared skills and users' private ones) and the links from
//! experiences, projects and the candidate.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel::sql_types::{Array, BigInt, Nullable, Text, Uuid as SqlUuid};
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use uuid::Uuid;

use super::enums::{ExtractionMethod, Proficiency, Prominence, SkillCategory};
use crate::access::{Guarded, Principal};
use crate::db::CacheStatement;
use crate::db::schema::{candidate_skills, experience_skills, project_skills, skills};
use crate::graphql::connection::PageArgs;

#[derive(Clone, Debug, Queryable, Selectable, QueryableByName)]
#[diesel(table_name = skills)]
pub struct SkillRow {
    pub id: Uuid,
    pub name: String,
    pub normalized_name: String,
    pub category: SkillCategory,
    pub aliases: Vec<Option<String>>,
    pub created_by: Option<Uuid>,
    /// Set while the skill is private to this user; null once it is in the shared catalog.
    pub owner_id: Option<Uuid>,
    /// When it was created.
    pub created_at: DateTime<Utc>,
    /// What the skill is; set by platform admins (`updateSkill`) or when added.
    pub description: Option<String>,
    /// False once a platform admin retired it (`retireSkill`).
    pub is_active: bool,
}

/// How skill names and aliases are compared: trimmed, runs of white space folded to one
/// space, lower case. The migration seeding the catalog normalises the same way.
pub fn normalize(name: &str) -> String {
    name.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// The skills among `ids` that `who` may see.
pub async fn visible_skills(
    conn: &mut AsyncPgConnection,
    who: Principal,
    ids: &[Uuid],
) -> QueryResult<Vec<SkillRow>> {
    skills::table
        .filter(skills::id.eq_any(ids))
        .filter(skills::table::readable(who))
        .select(SkillRow::as_select())
        .load(conn)
        .await
}

/// The skill visible to `who` whose name or one of whose aliases is `name` (normalised).
/// The shared catalog wins over the viewer's private skills, and names over aliases.
pub async fn skill_named(
    conn: &mut AsyncPgConnection,
    who: Principal,
    name: &str,
) -> QueryResult<Option<SkillRow>> {
    let normalized = normalize(name);
    skills::table
        .filter(skills::table::readable(who))
        .filter(
            skills::normalized_name
                .eq(&normalized)
                .or(skills::aliases.contains(vec![normalized.clone()])),
        )
        .order((
            skills::owner_id.is_null().desc(),
            skills::normalized_name.eq(&normalized).desc(),
        ))
        .select(SkillRow::as_select())
        .first(conn)
        .await
        .optional()
}

/// Makes writers of one skill name take turns until their transactions end: adding a private
/// skill must not miss a shared one of that name being promoted at the same moment, or the
/// private one would shadow it.
async fn lock_name(conn: &mut AsyncPgConnection, normalized: &str) -> QueryResult<()> {
    // The two-key form, whose key space is apart from the migrations' one-key lock.
    const SKILL_NAMES: i32 = 0x736b_696c; // "skil"
    diesel::sql_query("select pg_advisory_xact_lock($1, hashtext($2))")
        .bind::<diesel::sql_types::Integer, _>(SKILL_NAMES)
        .bind::<Text, _>(normalized)
        .execute(conn)
        .await
        .map(drop)
}

/// The skill `who` means by `name`: the visible one with that name or alias, or else a new
/// skill private to `who`; true when it is new. Call inside the transaction that uses it, so
/// that a skill added for a link that then fails goes with it.
pub async fn add_skill(
    conn: &mut AsyncPgConnection,
    who: Principal,
    name: &str,
    category: SkillCategory,
    aliases: &[String],
) -> QueryResult<(SkillRow, bool)> {
    add_described_skill(conn, who, name, category, aliases, None).await
}

/// [`add_skill`] with a description for the skill if it is new (an existing one keeps its own).
pub async fn add_described_skill(
    conn: &mut AsyncPgConnection,
    who: Principal,
    name: &str,
    category: SkillCategory,
    aliases: &[String],
    description: Option<&str>,
) -> QueryResult<(SkillRow, bool)> {
    if let Some(existing) = skill_named(conn, who, name).await? {
        return Ok((existing, false));
    }
    let normalized = normalize(name);
    lock_name(conn, &normalized).await?;
    // Again, now that no one else adds or promotes the name until this transaction ends.
    if let Some(existing) = skill_named(conn, who, name).await? {
        return Ok((existing, false));
    }
    diesel::insert_into(skills::table)
        .values((
            skills::id.eq(Uuid::now_v7()),
            skills::name.eq(name),
            skills::normalized_name.eq(normalized),
            skills::category.eq(category),
            skills::aliases.eq(aliases.iter().map(|a| normalize(a)).collect::<Vec<_>>()),
            skills::created_by.eq(who.user_id),
            skills::owner_id.eq(who.user_id),
            skills::description.eq(description),
        ))
        .returning(SkillRow::as_returning())
        .get_result(conn)
        .await
        .map(|row| (row, true))
}

/// Puts a private skill into the shared catalog and returns the shared skill; None when there
/// is no skill with that id. Every private skill of the same name (other users', or the one
/// promoted when a shared skill of its name already exists) is merged into the shared one:
/// its links move there and it is deleted, so no private skill shadows a shared one. Call
/// inside a transaction.
pub async fn promote(conn: &mut AsyncPgConnection, id: Uuid) -> QueryResult<Option<SkillRow>> {
    let Some(skill) = skills::table
        .find(id)
        .select(SkillRow::as_select())
        .first(conn)
        .await
        .optional()?
    else {
        return Ok(None);
    };
    if skill.owner_id.is_none() {
        return Ok(Some(skill));
    }
    lock_name(conn, &skill.normalized_name).await?;
    let shared = skills::table
        .filter(skills::owner_id.is_null())
        .filter(skills::normalized_name.eq(&skill.normalized_name))
        .select(SkillRow::as_select())
        .first(conn)
        .await
        .optional()?;
    let target = match shared {
        Some(shared) => shared,
        None => {
            let promoted = diesel::update(skills::table.find(id))
                .set(skills::owner_id.eq(None::<Uuid>))
                .returning(SkillRow::as_returning())
                .get_result(conn)
                .await
                .optional()?;
            // Gone meanwhile: its owner's account was deleted.
            let Some(promoted) = promoted else {
                return Ok(None);
            };
            promoted
        }
    };
    // Locked, so a link being written to one of them meanwhile (which takes a key-share lock
    // on the skill) commits first and is moved with the rest, not cascade-deleted after.
    let duplicates: Vec<Uuid> = skills::table
        .filter(skills::owner_id.is_not_null())
        .filter(skills::normalized_name.eq(&target.normalized_name))
        .select(skills::id)
        .for_update()
        .load(conn)
        .await?;
    if !duplicates.is_empty() {
        merge(conn, target.id, &duplicates).await?;
    }
    Ok(Some(target))
}

/// Moves every link to one of `duplicates` over to `target`, then deletes the duplicates. A
/// record that already links `target` keeps that link; its link to the duplicate goes with it.
async fn merge(conn: &mut AsyncPgConnection, target: Uuid, duplicates: &[Uuid]) -> QueryResult<()> {
    // Each link table, with the column that, with skill_id, makes a link unique.
    const LINKS: [(&str, &str); 4] = [
        ("experience_skills", "experience_id"),
        ("project_skills", "project_id"),
        ("candidate_skills", "user_id"),
        ("job_posting_skills", "job_posting_id"),
    ];
    for (table, record) in LINKS {
        diesel::sql_query(format!(
            "update {table} l set skill_id = $1
             where l.skill_id = any($2)
               and not exists (select 1 from {table} x where x.{record} = l.{record} and x.skill_id = $1)"
        ))
        .bind::<SqlUuid, _>(target)
        .bind::<Array<SqlUuid>, _>(duplicates)
        .execute(conn)
        .await?;
    }
    diesel::delete(skills::table.filter(skills::id.eq_any(duplicates)))
        .execute(conn)
        .await
        .map(drop)
}

#[derive(QueryableByName)]
pub struct SkillHit {
    #[diesel(embed)]
    pub skill: SkillRow,
    #[diesel(sql_type = BigInt)]
    pub total: i64,
}

/// The skills `who` may see whose name or an alias starts with `prefix`, by name, after the
/// `after` skill; at most `limit`, each carrying the number of matches before the cursor cut.
/// Retired skills only with `include_retired`.
pub async fn search(
    conn: &mut AsyncPgConnection,
    who: Principal,
    prefix: Option<&str>,
    category: Option<SkillCategory>,
    include_retired: bool,
    window: &PageArgs,
) -> QueryResult<Vec<SkillHit>> {
    let pattern = prefix.map(|p| {
        let escaped = normalize(p)
            .replace('\\', "\\\\")
            .replace('%', "\\%")
            .replace('_', "\\_");
        format!("{escaped}%")
    });
    // Paging backwards reads the window from its end, one row past `last` telling whether
    // there is more; the caller puts the rows back in name order.
    let (direction, limit) = match window.last {
        Some(last) if window.first.is_none() => ("desc", last + 1),
        _ => ("asc", window.first.unwrap_or(i64::MAX - 1) + 1),
    };
    // A name is unique among the skills one viewer sees, but the id breaks ties anyway, so
    // that the cursor never skips a skill.
    diesel::sql_query(format!(
        "select * from (
           select s.*, count(*) over () as total from skills s
           where {readable_s}
             and ($1::text is null or s.normalized_name like $1
                  or exists (select 1 from unnest(s.aliases) a where a like $1))
             and ($2::text is null or s.category = $2)
             and (s.is_active or $7)
         ) matches
         where ($3::uuid is null
                or (normalized_name, id) > (select c.normalized_name, c.id from skills c
                                               where c.id = $3 and {readable_c}))
           and ($4::uuid is null
                or (normalized_name, id) < (select c.normalized_name, c.id from skills c
                                               where c.id = $4 and {readable_c}))
         order by normalized_name {direction}, id {direction}
         limit $5",
        readable_s = skills::table::readable_sql("s", 6),
        readable_c = skills::table::readable_sql("c", 6),
    ))
    .bind::<Nullable<Text>, _>(pattern)
    .bind::<Nullable<Text>, _>(category.map(SkillCategory::as_str))
    .bind::<Nullable<SqlUuid>, _>(window.after)
    .bind::<Nullable<SqlUuid>, _>(window.before)
    .bind::<BigInt, _>(limit)
    .bind::<SqlUuid, _>(who.user_id)
    .bind::<diesel::sql_types::Bool, _>(include_retired)
    .cached()
    .load(conn)
    .await
}

/// Retires (`active` false) or reactivates a catalog skill; None when no skill has the id.
/// Links to it are left as they are. Platform admins only: the caller checks.
pub async fn set_skill_active(
    conn: &mut AsyncPgConnection,
    id: Uuid,
    active: bool,
) -> QueryResult<Option<SkillRow>> {
    diesel::update(skills::table.find(id))
        .set(skills::is_active.eq(active))
        .returning(SkillRow::as_returning())
        .get_result(conn)
        .await
        .optional()
}

/// Sets (or, with None, clears) a skill's description; None when no skill has the id.
/// Platform admins only: the caller checks.
pub async fn describe_skill(
    conn: &mut AsyncPgConnection,
    id: Uuid,
    description: Option<&str>,
) -> QueryResult<Option<SkillRow>> {
    diesel::update(skills::table.find(id))
        .set(skills::description.eq(description))
        .returning(SkillRow::as_returning())
        .get_result(conn)
        .await
        .optional()
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
    /// When it was created.
    pub created_at: DateTime<Utc>,
    /// When it last changed.
    pub updated_at: DateTime<Utc>,
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
    who: Principal,
    experience_id: Uuid,
    skill_id: Uuid,
    values: &ExperienceSkillValues,
) -> QueryResult<ExperienceSkillRow> {
    diesel::insert_into(experience_skills::table)
        .values((
            experience_skills::id.eq(Uuid::now_v7()),
            experience_skills::user_id.eq(who.user_id),
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
    who: Principal,
    experience_id: Uuid,
    skill_id: Uuid,
) -> QueryResult<bool> {
    diesel::delete(
        experience_skills::table
            .filter(experience_skills::table::writable(who))
            .filter(experience_skills::experience_id.eq(experience_id))
            .filter(experience_skills::skill_id.eq(skill_id)),
    )
    .execute(conn)
    .await
    .map(|n| n == 1)
}

pub async fn add_project_skill(
    conn: &mut AsyncPgConnection,
    who: Principal,
    project_id: Uuid,
    skill_id: Uuid,
) -> QueryResult<()> {
    diesel::insert_into(project_skills::table)
        .values((
            project_skills::project_id.eq(project_id),
            project_skills::skill_id.eq(skill_id),
            project_skills::user_id.eq(who.user_id),
        ))
        .on_conflict_do_nothing()
        .execute(conn)
        .await
        .map(drop)
}

pub async fn remove_project_skill(
    conn: &mut AsyncPgConnection,
    who: Principal,
    project_id: Uuid,
    skill_id: Uuid,
) -> QueryResult<bool> {
    diesel::delete(
        project_skills::table
            .filter(project_skills::table::writable(who))
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
    /// When it was created.
    pub created_at: DateTime<Utc>,
    /// When it last changed.
    pub updated_at: DateTime<Utc>,
    /// The candidate's own notes on the skill (Interview Assistant `skill.details`).
    pub details: Option<String>,
}

#[derive(Debug, Insertable, AsChangeset)]
#[diesel(table_name = candidate_skills, treat_none_as_null = true)]
pub struct CandidateSkillValues {
    pub proficiency: Proficiency,
    pub years_experience: Option<i32>,
    pub is_featured: bool,
}

/// Claims a skill, or updates the claim; its details stay as they are.
pub async fn upsert_candidate_skill(
    conn: &mut AsyncPgConnection,
    who: Principal,
    skill_id: Uuid,
    values: &CandidateSkillValues,
) -> QueryResult<CandidateSkillRow> {
    diesel::insert_into(candidate_skills::table)
        .values((
            candidate_skills::id.eq(Uuid::now_v7()),
            candidate_skills::user_id.eq(who.user_id),
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

/// [`upsert_candidate_skill`] that also sets the claim's details (None clears them).
pub async fn upsert_candidate_skill_with_details(
    conn: &mut AsyncPgConnection,
    who: Principal,
    skill_id: Uuid,
    values: &CandidateSkillValues,
    details: Option<&str>,
) -> QueryResult<CandidateSkillRow> {
    diesel::insert_into(candidate_skills::table)
        .values((
            candidate_skills::id.eq(Uuid::now_v7()),
            candidate_skills::user_id.eq(who.user_id),
            candidate_skills::skill_id.eq(skill_id),
            values,
            candidate_skills::details.eq(details),
        ))
        .on_conflict((candidate_skills::user_id, candidate_skills::skill_id))
        .do_update()
        .set((values, candidate_skills::details.eq(details)))
        .returning(CandidateSkillRow::as_returning())
        .get_result(conn)
        .await
}

pub async fn remove_candidate_skill(
    conn: &mut AsyncPgConnection,
    who: Principal,
    skill_id: Uuid,
) -> QueryResult<bool> {
    diesel::delete(
        candidate_skills::table
            .filter(candidate_skills::table::writable(who))
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

/// The skill matrix of each of `users` (those whose records `who` may read), in one statement. Months of use are
/// the length (days / 30.4375, rounded) of the union of the date ranges of the experiences that use the skill (a current
/// experience runs to today), so overlapping experiences are not counted twice. STAR stories
/// evidence the skills of the experience they belong to.
pub async fn skill_matrix(
    conn: &mut AsyncPgConnection,
    who: Principal,
    users: &[Uuid],
) -> QueryResult<Vec<SkillEvidenceRow>> {
    diesel::sql_query(format!(
        "with evidence as (
           select es.user_id, es.skill_id, e.id as experience_id, null::uuid as project_id,
                  daterange(e.start_date, coalesce(e.end_date, current_date), '[]') as span,
                  coalesce(e.end_date, current_date) as last_used, e.end_date is null as current
           from experience_skills es join experiences e on e.id = es.experience_id
           where {readable_es} and es.user_id = any($2)
           union all
           select ps.user_id, ps.skill_id, p.experience_id, p.id, null,
                  coalesce(p.end_date, p.start_date), false
           from project_skills ps join projects p on p.id = ps.project_id
           where {readable_ps} and ps.user_id = any($2)
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
           and {readable_st}
         group by ev.user_id, s.id
         order by ev.user_id, months_used desc, s.normalized_name",
        readable_es = experience_skills::table::readable_sql("es", 1),
        readable_ps = project_skills::table::readable_sql("ps", 1),
        readable_st = crate::db::schema::star_stories::table::readable_sql("st", 1),
    ))
    .bind::<SqlUuid, _>(who.user_id)
    .bind::<diesel::sql_types::Array<SqlUuid>, _>(users.to_vec())
    .cached()
    .load(conn)
    .await
}
