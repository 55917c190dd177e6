//! SQL for job postings, their skills and manual matches. Every condition on whose rows a
//! statement touches comes from the access policy (`crate::access`).

use std::collections::HashMap;

use crate::access::{Guarded, Principal};
use crate::db::CacheStatement;
use crate::db::updated_or_current;
use async_graphql::SimpleObject;
use chrono::{DateTime, NaiveDate, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use uuid::Uuid;

use super::enums::{MatchSource, Relevance, SkillImportance, SkillSource, ToneStyle};
use super::extract::CatalogSkill;
use crate::career::enums::EmploymentType;
use crate::db::schema::{
    candidate_skills, experience_skills, experiences, job_analyses, job_experience_matches,
    job_posting_skills, job_postings, job_selected_skills, project_skills, skills, star_stories,
};
use crate::graphql::loaders::Relation;
use crate::graphql::scalars::Url;
use crate::guarded_relation;
use crate::skills::enums::{Prominence, SkillCategory};

/// A row of `job_postings`. Also the part of the `JobPosting` type that shows its columns
/// (see `jobs::graphql::JobPosting`).
#[derive(Clone, Debug, Queryable, Selectable, QueryableByName, SimpleObject)]
#[diesel(table_name = job_postings)]
#[graphql(complex)]
pub struct JobPostingRow {
    #[graphql(skip)]
    pub id: Uuid,
    #[graphql(skip)]
    pub user_id: Uuid,
    /// Where the posting was found.
    pub url: Option<Url>,
    /// The hiring company's name.
    pub company_name: String,
    /// The role's title as the posting gives it.
    pub job_title: String,
    /// Where the job is; null when not given.
    pub location: Option<String>,
    /// Remote work is possible.
    pub remote_ok: bool,
    /// The kind of employment offered; null when not given.
    pub employment_type: Option<EmploymentType>,
    /// e.g. "senior", "staff".
    pub seniority: Option<String>,
    /// The low end of the salary range, in `salaryCurrency` per year; null when not given.
    pub salary_min: Option<i32>,
    /// The high end of the salary range, in `salaryCurrency` per year; null when not given.
    pub salary_max: Option<i32>,
    /// ISO 4217 code, e.g. "EUR".
    pub salary_currency: Option<String>,
    /// The full posting text.
    pub description: String,
    /// The responsibilities section; null when the posting has none apart from `description`.
    pub responsibilities: Option<String>,
    /// The requirements section; skills found here are MUST_HAVE. Null when none.
    pub requirements: Option<String>,
    /// The preferred or nice-to-have section; skills found here are NICE_TO_HAVE. Null when none.
    pub nice_to_haves: Option<String>,
    /// When it was created.
    pub created_at: DateTime<Utc>,
    /// When it last changed.
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Insertable, AsChangeset)]
#[diesel(table_name = job_postings)]
pub struct NewJobPosting {
    pub url: Option<Url>,
    pub company_name: String,
    pub job_title: String,
    pub location: Option<String>,
    pub remote_ok: bool,
    pub employment_type: Option<EmploymentType>,
    pub seniority: Option<String>,
    pub salary_min: Option<i32>,
    pub salary_max: Option<i32>,
    pub salary_currency: Option<String>,
    pub description: String,
    pub responsibilities: Option<String>,
    pub requirements: Option<String>,
    pub nice_to_haves: Option<String>,
}

#[derive(Debug, Default, AsChangeset)]
#[diesel(table_name = job_postings)]
pub struct JobPostingChanges {
    pub url: Option<Option<Url>>,
    pub company_name: Option<String>,
    pub job_title: Option<String>,
    pub location: Option<Option<String>>,
    pub remote_ok: Option<bool>,
    pub employment_type: Option<Option<EmploymentType>>,
    pub seniority: Option<Option<String>>,
    pub salary_min: Option<Option<i32>>,
    pub salary_max: Option<Option<i32>>,
    pub salary_currency: Option<Option<String>>,
    pub description: Option<String>,
    pub responsibilities: Option<Option<String>>,
    pub requirements: Option<Option<String>>,
    pub nice_to_haves: Option<Option<String>>,
}

impl JobPostingChanges {
    /// Whether the texts skills are extracted from change.
    pub fn changes_text(&self) -> bool {
        self.description.is_some()
            || self.responsibilities.is_some()
            || self.requirements.is_some()
            || self.nice_to_haves.is_some()
    }
}

#[derive(Clone, Debug, Queryable, Selectable, QueryableByName)]
#[diesel(table_name = job_posting_skills)]
pub struct PostingSkillRow {
    pub id: Uuid,
    pub job_posting_id: Uuid,
    pub skill_id: Uuid,
    pub importance: SkillImportance,
    pub source: SkillSource,
    pub excluded: bool,
}

#[derive(Clone, Debug, Queryable, Selectable)]
#[diesel(table_name = job_experience_matches)]
pub struct MatchRow {
    pub id: Uuid,
    pub job_posting_id: Uuid,
    pub experience_id: Uuid,
    pub relevance: Relevance,
    pub relevance_notes: Option<String>,
    pub creation_source: MatchSource,
    /// When it was set by hand.
    pub created_at: DateTime<Utc>,
    /// When it last changed.
    pub updated_at: DateTime<Utc>,
}

guarded_relation!(JobPostingById: job_postings.id => JobPostingRow);

guarded_relation!(PostingSkillById: job_posting_skills.id => PostingSkillRow);

pub async fn posting_of(
    conn: &mut AsyncPgConnection,
    who: Principal,
    id: Uuid,
) -> QueryResult<Option<JobPostingRow>> {
    job_postings::table
        .filter(job_postings::table::readable(who))
        .filter(job_postings::id.eq(id))
        .select(JobPostingRow::as_select())
        .first(conn)
        .await
        .optional()
}

pub async fn insert_posting(
    conn: &mut AsyncPgConnection,
    who: Principal,
    new: &NewJobPosting,
) -> QueryResult<JobPostingRow> {
    diesel::insert_into(job_postings::table)
        .values((
            job_postings::id.eq(Uuid::now_v7()),
            job_postings::user_id.eq(who.user_id),
            new,
        ))
        .returning(JobPostingRow::as_returning())
        .get_result(conn)
        .await
}

pub async fn update_posting(
    conn: &mut AsyncPgConnection,
    who: Principal,
    id: Uuid,
    changes: &JobPostingChanges,
) -> QueryResult<Option<JobPostingRow>> {
    let updated = diesel::update(
        job_postings::table
            .filter(job_postings::table::readable(who))
            .filter(job_postings::id.eq(id)),
    )
    .set(changes)
    .returning(JobPostingRow::as_returning())
    .get_result(conn)
    .await
    .optional();
    updated_or_current(updated, async || posting_of(conn, who, id).await).await
}

pub async fn delete_posting(conn: &mut AsyncPgConnection, who: Principal, id: Uuid) -> QueryResult<bool> {
    diesel::delete(
        job_postings::table
            .filter(job_postings::table::readable(who))
            .filter(job_postings::id.eq(id)),
    )
    .execute(conn)
    .await
    .map(|n| n == 1)
}

/// The catalog terms extraction looks for: the name and aliases of every extractable skill
/// `who` may see (the shared catalog and their private skills); without `who`, of the shared
/// catalog alone. Retired skills (`retireSkill`) are never extracted.
pub async fn extraction_catalog(
    conn: &mut AsyncPgConnection,
    who: Option<Principal>,
) -> QueryResult<Vec<CatalogSkill>> {
    let extractable = skills::table
        .filter(skills::auto_extract)
        .filter(skills::is_active)
        .select((skills::id, skills::normalized_name, skills::aliases))
        .into_boxed();
    let visible = match who {
        Some(who) => extractable.filter(skills::table::readable(who)),
        None => extractable.filter(skills::owner_id.is_null()),
    };
    let rows: Vec<(Uuid, String, Vec<Option<String>>)> = visible.load(conn).await?;
    Ok(rows
        .into_iter()
        .map(|(id, name, aliases)| CatalogSkill {
            id,
            terms: std::iter::once(name)
                .chain(aliases.into_iter().flatten())
                .collect(),
        })
        .collect())
}

/// Replaces the posting's extracted skills with `found`, leaving manual rows (including
/// removed ones) as they are.
pub async fn replace_extracted(
    conn: &mut AsyncPgConnection,
    who: Principal,
    posting_id: Uuid,
    found: &HashMap<Uuid, SkillImportance>,
) -> QueryResult<()> {
    diesel::delete(
        job_posting_skills::table
            .filter(job_posting_skills::table::readable(who))
            .filter(job_posting_skills::job_posting_id.eq(posting_id))
            .filter(job_posting_skills::source.eq(SkillSource::Extracted)),
    )
    .execute(conn)
    .await?;
    let rows: Vec<_> = found
        .iter()
        .map(|(skill_id, importance)| {
            (
                job_posting_skills::id.eq(Uuid::now_v7()),
                job_posting_skills::user_id.eq(who.user_id),
                job_posting_skills::job_posting_id.eq(posting_id),
                job_posting_skills::skill_id.eq(*skill_id),
                job_posting_skills::importance.eq(*importance),
                job_posting_skills::source.eq(SkillSource::Extracted),
            )
        })
        .collect();
    if !rows.is_empty() {
        diesel::insert_into(job_posting_skills::table)
            .values(rows)
            .on_conflict((job_posting_skills::job_posting_id, job_posting_skills::skill_id))
            .do_nothing()
            .execute(conn)
            .await?;
    }
    Ok(())
}

/// Sets a skill on a posting by hand: added, re-ranked, or (with `excluded`) removed.
pub async fn set_manual_skill(
    conn: &mut AsyncPgConnection,
    who: Principal,
    posting_id: Uuid,
    skill_id: Uuid,
    importance: SkillImportance,
    excluded: bool,
) -> QueryResult<PostingSkillRow> {
    diesel::insert_into(job_posting_skills::table)
        .values((
            job_posting_skills::id.eq(Uuid::now_v7()),
            job_posting_skills::user_id.eq(who.user_id),
            job_posting_skills::job_posting_id.eq(posting_id),
            job_posting_skills::skill_id.eq(skill_id),
            job_posting_skills::importance.eq(importance),
            job_posting_skills::source.eq(SkillSource::Manual),
            job_posting_skills::excluded.eq(excluded),
        ))
        .on_conflict((job_posting_skills::job_posting_id, job_posting_skills::skill_id))
        .do_update()
        .set((
            job_posting_skills::importance.eq(importance),
            job_posting_skills::source.eq(SkillSource::Manual),
            job_posting_skills::excluded.eq(excluded),
        ))
        .returning(PostingSkillRow::as_returning())
        .get_result(conn)
        .await
}

/// The skills each posting asks for (removed ones left out), for scoring.
pub struct WantedByPosting;

impl Relation for WantedByPosting {
    type Row = PostingSkillRow;

    async fn fetch(
        conn: &mut AsyncPgConnection,
        who: Principal,
        keys: &[Uuid],
    ) -> QueryResult<Vec<PostingSkillRow>> {
        job_posting_skills::table
            .filter(job_posting_skills::table::readable(who))
            .filter(job_posting_skills::job_posting_id.eq_any(keys))
            .filter(job_posting_skills::excluded.eq(false))
            .select(PostingSkillRow::as_select())
            .load(conn)
            .await
    }

    fn key(row: &PostingSkillRow) -> Uuid {
        row.job_posting_id
    }
}

/// One skill one experience uses, with what scoring needs of the experience.
#[derive(Clone, Debug, Queryable)]
pub struct Usage {
    pub user_id: Uuid,
    pub experience_id: Uuid,
    pub skill_id: Uuid,
    pub prominence: Prominence,
    pub end_date: Option<NaiveDate>,
    /// The experience's visibility: tailoring leaves private experiences out.
    pub visibility: crate::career::enums::Visibility,
}

/// Every skill use in each user's experiences.
pub struct UsageByUser;

impl Relation for UsageByUser {
    type Row = Usage;

    async fn fetch(conn: &mut AsyncPgConnection, who: Principal, keys: &[Uuid]) -> QueryResult<Vec<Usage>> {
        experience_skills::table
            .inner_join(experiences::table.on(experiences::id.eq(experience_skills::experience_id)))
            .filter(experience_skills::table::readable(who))
            .filter(experience_skills::user_id.eq_any(keys))
            .order((experiences::sort_order, experiences::id))
            .select((
                experience_skills::user_id,
                experience_skills::experience_id,
                experience_skills::skill_id,
                experience_skills::prominence,
                experiences::end_date,
                experiences::visibility,
            ))
            .load(conn)
            .await
    }

    fn key(row: &Usage) -> Uuid {
        row.user_id
    }
}

guarded_relation!(
    /// The manual matches of each posting.
    ManualMatchesByPosting: job_experience_matches.job_posting_id => MatchRow
);

pub async fn set_match(
    conn: &mut AsyncPgConnection,
    who: Principal,
    posting_id: Uuid,
    experience_id: Uuid,
    relevance: Relevance,
    notes: Option<&str>,
) -> QueryResult<MatchRow> {
    diesel::insert_into(job_experience_matches::table)
        .values((
            job_experience_matches::id.eq(Uuid::now_v7()),
            job_experience_matches::user_id.eq(who.user_id),
            job_experience_matches::job_posting_id.eq(posting_id),
            job_experience_matches::experience_id.eq(experience_id),
            job_experience_matches::relevance.eq(relevance),
            job_experience_matches::relevance_notes.eq(notes),
            job_experience_matches::creation_source.eq(MatchSource::Manual),
        ))
        .on_conflict((
            job_experience_matches::job_posting_id,
            job_experience_matches::experience_id,
        ))
        .do_update()
        .set((
            job_experience_matches::relevance.eq(relevance),
            job_experience_matches::relevance_notes.eq(notes),
        ))
        .returning(MatchRow::as_returning())
        .get_result(conn)
        .await
}

pub async fn remove_match(
    conn: &mut AsyncPgConnection,
    who: Principal,
    posting_id: Uuid,
    experience_id: Uuid,
) -> QueryResult<bool> {
    diesel::delete(
        job_experience_matches::table
            .filter(job_experience_matches::table::readable(who))
            .filter(job_experience_matches::job_posting_id.eq(posting_id))
            .filter(job_experience_matches::experience_id.eq(experience_id)),
    )
    .execute(conn)
    .await
    .map(|n| n == 1)
}

/// A row of `job_analyses`: a posting's analysis (see `jobs::analysis`).
#[derive(Clone, Debug, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = job_analyses)]
pub struct AnalysisRow {
    pub job_posting_id: Uuid,
    pub user_id: Uuid,
    pub text_sha256: String,
    pub analyzed_at: DateTime<Utc>,
    pub seniority: Option<String>,
    pub core_priorities: Vec<String>,
    pub must_have_capabilities: Vec<String>,
    pub nice_to_have_capabilities: Vec<String>,
    pub tone_style: ToneStyle,
    pub job_type_tags: Vec<String>,
    pub capability_clusters: serde_json::Value,
    pub edited_fields: Vec<String>,
    #[diesel(skip_insertion)]
    pub created_at: DateTime<Utc>,
    #[diesel(skip_insertion)]
    pub updated_at: DateTime<Utc>,
}

guarded_relation!(
    /// The analysis of each posting.
    AnalysisByPosting: job_analyses.job_posting_id => AnalysisRow
);

/// The analysis of a posting, if the principal may read it.
pub async fn analysis_of(
    conn: &mut AsyncPgConnection,
    who: Principal,
    posting_id: Uuid,
) -> QueryResult<Option<AnalysisRow>> {
    job_analyses::table
        .filter(job_analyses::table::readable(who))
        .filter(job_analyses::job_posting_id.eq(posting_id))
        .select(AnalysisRow::as_select())
        .first(conn)
        .await
        .optional()
}

/// Writes a posting's analysis, replacing the one before.
pub async fn save_analysis(conn: &mut AsyncPgConnection, row: &AnalysisRow) -> QueryResult<AnalysisRow> {
    diesel::insert_into(job_analyses::table)
        .values(row)
        .on_conflict(job_analyses::job_posting_id)
        .do_update()
        .set(row)
        .returning(AnalysisRow::as_returning())
        .get_result(conn)
        .await
}

/// A posting's skill as clustering needs it: name, kind and importance.
#[derive(Clone, Debug, Queryable)]
pub struct PostingSkillKind {
    pub skill_id: Uuid,
    pub name: String,
    pub category: SkillCategory,
    pub importance: SkillImportance,
}

/// The skills a posting asks for (removed ones left out), with their names and kinds.
pub async fn posting_skill_kinds(
    conn: &mut AsyncPgConnection,
    who: Principal,
    posting_id: Uuid,
) -> QueryResult<Vec<PostingSkillKind>> {
    job_posting_skills::table
        .inner_join(skills::table.on(skills::id.eq(job_posting_skills::skill_id)))
        .filter(job_posting_skills::table::readable(who))
        .filter(job_posting_skills::job_posting_id.eq(posting_id))
        .filter(job_posting_skills::excluded.eq(false))
        .select((
            job_posting_skills::skill_id,
            skills::name,
            skills::category,
            job_posting_skills::importance,
        ))
        .load(conn)
        .await
}

/// A row of `job_selected_skills`: one skill of the owner's ordered choice for a posting.
#[derive(Clone, Debug, Queryable, Selectable)]
#[diesel(table_name = job_selected_skills)]
pub struct SelectedSkillRow {
    pub id: Uuid,
    pub job_posting_id: Uuid,
    pub skill_id: Uuid,
    pub position: i32,
    pub included: bool,
    pub is_key: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

guarded_relation!(
    /// The owner's chosen skills of each posting, in their order.
    SelectedSkillsByPosting: job_selected_skills.job_posting_id => SelectedSkillRow,
    order by job_selected_skills::position
);

/// One skill of a new choice, in order.
pub struct ChosenSkill {
    pub skill_id: Uuid,
    pub included: bool,
    pub is_key: bool,
}

/// Replaces the owner's choice of skills for a posting; an empty choice goes back to the
/// default order.
pub async fn replace_selected_skills(
    conn: &mut AsyncPgConnection,
    who: Principal,
    posting_id: Uuid,
    chosen: &[ChosenSkill],
) -> QueryResult<()> {
    diesel::delete(
        job_selected_skills::table
            .filter(job_selected_skills::table::writable(who))
            .filter(job_selected_skills::job_posting_id.eq(posting_id)),
    )
    .execute(conn)
    .await?;
    if chosen.is_empty() {
        return Ok(());
    }
    let rows: Vec<_> = chosen
        .iter()
        .zip(0i32..)
        .map(|(skill, position)| {
            (
                job_selected_skills::id.eq(Uuid::now_v7()),
                job_selected_skills::user_id.eq(who.user_id),
                job_selected_skills::job_posting_id.eq(posting_id),
                job_selected_skills::skill_id.eq(skill.skill_id),
                job_selected_skills::position.eq(position),
                job_selected_skills::included.eq(skill.included),
                job_selected_skills::is_key.eq(skill.is_key),
            )
        })
        .collect();
    diesel::insert_into(job_selected_skills::table)
        .values(rows)
        .execute(conn)
        .await
        .map(drop)
}

/// Evidence besides experiences, per user, for the skill gap.
#[derive(Clone, Debug)]
pub enum Evidence {
    /// A project lists the skill in its tech stack.
    Project { project_id: Uuid, skill_id: Uuid },
    /// The candidate claims the skill.
    Claim {
        skill_id: Uuid,
        proficiency: crate::skills::enums::Proficiency,
    },
    /// A STAR story of an experience.
    Story { story_id: Uuid, experience_id: Uuid },
}

#[derive(Clone, Debug, QueryableByName)]
pub struct EvidenceRow {
    #[diesel(sql_type = diesel::sql_types::Uuid)]
    user_id: Uuid,
    #[diesel(sql_type = diesel::sql_types::Text)]
    kind: String,
    #[diesel(sql_type = diesel::sql_types::Uuid)]
    a: Uuid,
    #[diesel(sql_type = diesel::sql_types::Uuid)]
    b: Uuid,
    #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::Text>)]
    proficiency: Option<String>,
}

impl EvidenceRow {
    pub fn evidence(&self) -> Option<Evidence> {
        match self.kind.as_str() {
            "project" => Some(Evidence::Project {
                project_id: self.a,
                skill_id: self.b,
            }),
            "claim" => self
                .proficiency
                .as_deref()
                .and_then(crate::skills::enums::Proficiency::parse)
                .map(|proficiency| Evidence::Claim {
                    skill_id: self.a,
                    proficiency,
                }),
            "story" => Some(Evidence::Story {
                story_id: self.a,
                experience_id: self.b,
            }),
            _ => None,
        }
    }
}

/// Projects' tech stacks, claimed skills and STAR stories of each user, in one statement.
pub struct EvidenceByUser;

impl Relation for EvidenceByUser {
    type Row = EvidenceRow;

    async fn fetch(
        conn: &mut AsyncPgConnection,
        who: Principal,
        keys: &[Uuid],
    ) -> QueryResult<Vec<EvidenceRow>> {
        diesel::sql_query(format!(
            "select user_id, 'project' as kind, project_id as a, skill_id as b, null as proficiency
               from project_skills ps where {readable_ps} and user_id = any($2)
             union all
             select user_id, 'claim', skill_id, skill_id, proficiency
               from candidate_skills cs where {readable_cs} and user_id = any($2)
             union all
             select user_id, 'story', id, experience_id, null
               from star_stories st where {readable_st} and user_id = any($2)
             order by 2, 3",
            readable_ps = project_skills::table::readable_sql("ps", 1),
            readable_cs = candidate_skills::table::readable_sql("cs", 1),
            readable_st = star_stories::table::readable_sql("st", 1),
        ))
        .bind::<diesel::sql_types::Uuid, _>(who.user_id)
        .bind::<diesel::sql_types::Array<diesel::sql_types::Uuid>, _>(keys.to_vec())
        .cached()
        .load(conn)
        .await
    }

    fn key(row: &EvidenceRow) -> Uuid {
        row.user_id
    }
}
