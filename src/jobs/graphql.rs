//! GraphQL for job postings: the posting, its skills, its matches with experiences, the skill
//! gap, and their mutations.

use std::collections::{BTreeMap, HashMap, HashSet};

use async_graphql::{
    ComplexObject, Context, Enum, ID, InputObject, MaybeUndefined, MergedObject, Object, SimpleObject,
};
use chrono::{DateTime, Utc};
use diesel::pg::Pg;
use diesel::query_builder::{BoxedSqlQuery, SqlQuery};
use diesel::sql_types::{Bool, Nullable, Text};
use diesel_async::AsyncConnection;
use uuid::Uuid;

use super::analysis;
use super::enums::{JobAnalysisField, MatchSource, Relevance, SkillImportance, SkillSource, ToneStyle};
use super::extract::{PostingText, extract};
use super::score::{self, Wanted};
use super::store::{self, Evidence, JobPostingChanges, JobPostingRow, NewJobPosting, PostingSkillRow};
use crate::access::Principal;
use crate::career::enums::EmploymentType;
use crate::career::model::{Experience, Project, StarStory};
use crate::career::store::{ExperienceById, ProjectById, StarStoryById, experience_of};
use crate::companies::graphql::Company;
use crate::companies::store::CompanyOfJobPosting;
use crate::graphql::connection::{Conn, Listing, Page, PageArgs, PageKey};
use crate::graphql::context::{services, viewer};
use crate::graphql::errors::{AppError, AppResult};
use crate::graphql::ids::{NodeType, decode_as};
use crate::graphql::scalars::Url;
use crate::graphql::{DeletePayload, IdInput};
use crate::payload_edge;
use crate::skills::enums::Prominence;
use crate::skills::graphql::{
    RemoveSkillPayload, Skill, SkillRefInput, load_skill, load_skills, resolve_skill, visible_skill,
};
use crate::validate::{self, field, text, url};

/// Filters for job postings.
#[derive(InputObject, Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct JobPostingFilter {
    /// Full-text search over title, company and description (web-search syntax: words,
    /// "quoted phrases", -excluded). At most 500 characters (`BAD_USER_INPUT` beyond: a
    /// search of thousands of terms would only cost the database).
    #[graphql(validator(max_length = 500))]
    pub search: Option<String>,
    /// Only postings that do (true) or do not (false) allow remote work.
    pub remote: Option<bool>,
    /// Only postings of this employment type.
    pub employment_type: Option<EmploymentType>,
    /// Only postings the candidate has (true) or has not (false) started an application for.
    pub has_application: Option<bool>,
}

/// How to order job postings.
#[derive(Enum, Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum JobPostingOrder {
    /// Most recently saved first.
    #[default]
    NewestFirst,
    /// By company, then title.
    Company,
    /// By title.
    Title,
}

pub struct JobPostings;

impl Listing for JobPostings {
    type Table = crate::db::schema::job_postings::table;
    type Row = JobPostingRow;
    type Filter = (JobPostingFilter, JobPostingOrder);
    const FROM: &'static str = "job_postings t";
    const PARENT: &'static str = "t.user_id";
    const WHERE: &'static str = "and ($7::text is null or t.search @@ websearch_to_tsquery('english', $7))
        and ($8::bool is null or t.remote_ok = $8)
        and ($9::text is null or t.employment_type = $9)
        and ($10::bool is null or exists (select 1 from applications a where a.job_posting_id = t.id) = $10)";

    fn order_by((_, order): &Self::Filter) -> &'static str {
        match order {
            JobPostingOrder::NewestFirst => "t.created_at desc",
            JobPostingOrder::Company => "lower(t.company_name), lower(t.job_title)",
            JobPostingOrder::Title => "lower(t.job_title)",
        }
    }

    fn bind<'a>(
        query: BoxedSqlQuery<'a, Pg, SqlQuery>,
        (filter, _): &Self::Filter,
    ) -> BoxedSqlQuery<'a, Pg, SqlQuery> {
        query
            .bind::<Nullable<Text>, _>(filter.search.clone())
            .bind::<Nullable<Bool>, _>(filter.remote)
            .bind::<Nullable<Text>, _>(filter.employment_type.map(EmploymentType::as_str))
            .bind::<Nullable<Bool>, _>(filter.has_application)
    }
}

/// A posting's skills: must-haves first, then by name.
pub struct SkillsOfPosting;

impl Listing for SkillsOfPosting {
    type Table = crate::db::schema::job_posting_skills::table;
    type Row = PostingSkillRow;
    type Filter = ();
    const FROM: &'static str = "job_posting_skills t join skills s on s.id = t.skill_id";
    const SELECT: &'static str = "t.*";
    const PARENT: &'static str = "t.job_posting_id";
    const WHERE: &'static str = "and not t.excluded";

    fn order_by(_: &()) -> &'static str {
        "t.importance, s.normalized_name"
    }
}

/// `User.jobPostings`.
pub async fn job_postings_of(
    ctx: &Context<'_>,
    user_id: Uuid,
    args: PageArgs,
    filter: JobPostingFilter,
    order: JobPostingOrder,
) -> AppResult<Conn<JobPosting>> {
    let key = PageKey {
        parent: user_id,
        args,
        filter: (filter, order),
    };
    let page = viewer(ctx)?.loaders.page::<JobPostings>(key).await?;
    Ok(page.into_connection(|row| row.id, JobPosting::from))
}

pub struct JobPostingSkill(PostingSkillRow);

/// A skill a posting asks for.
#[Object]
impl JobPostingSkill {
    /// Opaque global id.
    pub async fn id(&self) -> ID {
        NodeType::JobPostingSkill.id(self.0.id)
    }
    /// The catalog skill.
    async fn skill(&self, ctx: &Context<'_>) -> AppResult<Skill> {
        load_skill(ctx, self.0.skill_id).await
    }
    /// Whether the posting requires it or would like it.
    async fn importance(&self) -> SkillImportance {
        self.0.importance
    }
    /// EXTRACTED skills follow the posting's text; MANUAL ones stay as the candidate set them.
    async fn source(&self) -> SkillSource {
        self.0.source
    }
}

#[derive(Clone, Debug)]
pub struct MatchedSkill(score::Contribution);

/// What one skill added to a match's score.
#[Object]
impl MatchedSkill {
    /// The skill both the posting and the experience have.
    async fn skill(&self, ctx: &Context<'_>) -> AppResult<Skill> {
        load_skill(ctx, self.0.skill_id).await
    }
    /// How much the posting needs it (weight 1.0 for MUST_HAVE, 0.5 for NICE_TO_HAVE).
    async fn importance(&self) -> SkillImportance {
        self.0.importance
    }
    /// How central it was to the experience (1.0 PRIMARY, 0.6 SECONDARY, 0.3 MENTIONED).
    async fn prominence(&self) -> Prominence {
        self.0.prominence
    }
    /// Its share of the score: recency × importance weight × prominence weight ÷ the sum of
    /// the importance weights of all the posting's skills.
    async fn weight(&self) -> f64 {
        self.0.weight
    }
}

#[derive(Clone, Debug)]
pub struct ExperienceMatch {
    posting_id: Uuid,
    experience_id: Uuid,
    scored: score::ExperienceScore,
    manual: Option<store::MatchRow>,
}

/// An experience matched against a posting.
#[Object]
impl ExperienceMatch {
    /// Opaque global id, naming the posting and the experience (a match is computed on read and
    /// has no row of its own).
    pub async fn id(&self) -> ID {
        NodeType::ExperienceMatch.pair_id(self.posting_id, self.experience_id)
    }
    /// The candidate's experience.
    async fn experience(&self, ctx: &Context<'_>) -> AppResult<Experience> {
        viewer(ctx)?
            .loaders
            .one::<ExperienceById>(self.experience_id)
            .await?
            .ok_or(AppError::NotFound("Experience"))
    }
    /// 0 to 1: recency × Σ over the matched skills of (importance weight × prominence weight)
    /// ÷ Σ over all the posting's skills of importance weight. Importance weights: MUST_HAVE
    /// 1.0, NICE_TO_HAVE 0.5; prominence: PRIMARY 1.0, SECONDARY 0.6, MENTIONED 0.3; recency:
    /// 1 for a current experience, less 0.1 per year since it ended, at least 0.5.
    async fn score(&self) -> f64 {
        self.scored.score
    }
    /// The recency factor used in the score.
    async fn recency(&self) -> f64 {
        self.scored.recency
    }
    /// HIGH from a score of 0.5, MEDIUM from 0.25, LOW below; or as set by hand.
    async fn relevance(&self) -> Relevance {
        self.manual
            .as_ref()
            .map_or_else(|| score::relevance(self.scored.score), |m| m.relevance)
    }
    /// MANUAL when the candidate set this match (`setMatch`); then no recompute changes it.
    async fn creation_source(&self) -> MatchSource {
        self.manual
            .as_ref()
            .map_or(MatchSource::Computed, |m| m.creation_source)
    }
    /// The candidate's notes on a manual match.
    async fn relevance_notes(&self) -> Option<&str> {
        self.manual.as_ref().and_then(|m| m.relevance_notes.as_deref())
    }
    /// When the candidate set this match by hand; null for a computed match, which is worked
    /// out on each read and has no row.
    async fn created_at(&self) -> Option<DateTime<Utc>> {
        self.manual.as_ref().map(|m| m.created_at)
    }
    /// When the manual match last changed; null for a computed match.
    async fn updated_at(&self) -> Option<DateTime<Utc>> {
        self.manual.as_ref().map(|m| m.updated_at)
    }
    /// Why: each skill the posting asks for that the experience uses, largest share first.
    async fn matched_skills(&self) -> Vec<MatchedSkill> {
        self.scored
            .contributions
            .iter()
            .cloned()
            .map(MatchedSkill)
            .collect()
    }
}

async fn wanted(ctx: &Context<'_>, posting_id: Uuid) -> AppResult<Vec<Wanted>> {
    let rows = viewer(ctx)?
        .loaders
        .many::<store::WantedByPosting>(posting_id)
        .await?;
    Ok(rows
        .into_iter()
        .map(|row| Wanted {
            skill_id: row.skill_id,
            importance: row.importance,
        })
        .collect())
}

/// Every experience that uses a skill the posting asks for, or that the candidate matched by
/// hand: manual matches first, then by score, highest first.
async fn matches(ctx: &Context<'_>, posting: &JobPostingRow) -> AppResult<Vec<ExperienceMatch>> {
    let me = viewer(ctx)?;
    let wanted = wanted(ctx, posting.id).await?;
    let usage = me.loaders.many::<store::UsageByUser>(posting.user_id).await?;
    let manual = me
        .loaders
        .many::<store::ManualMatchesByPosting>(posting.id)
        .await?;
    let mut by_experience: BTreeMap<Uuid, (Option<chrono::NaiveDate>, HashMap<Uuid, Prominence>)> =
        BTreeMap::new();
    for use_ in usage {
        let entry = by_experience
            .entry(use_.experience_id)
            .or_insert_with(|| (use_.end_date, HashMap::new()));
        entry.1.insert(use_.skill_id, use_.prominence);
    }
    let today = Utc::now().date_naive();
    let mut manual_by_experience: HashMap<Uuid, store::MatchRow> =
        manual.into_iter().map(|m| (m.experience_id, m)).collect();
    let mut found: Vec<ExperienceMatch> = by_experience
        .into_iter()
        .map(|(experience_id, (end, used))| ExperienceMatch {
            posting_id: posting.id,
            experience_id,
            scored: score::score_experience(&wanted, &used, end, today),
            manual: manual_by_experience.remove(&experience_id),
        })
        .filter(|m| m.scored.score > 0.0 || m.manual.is_some())
        .collect();
    // Manual matches of experiences that use none of the posting's skills.
    found.extend(manual_by_experience.into_values().map(|manual| ExperienceMatch {
        posting_id: posting.id,
        experience_id: manual.experience_id,
        scored: score::score_experience(&wanted, &HashMap::new(), None, today),
        manual: Some(manual),
    }));
    found.sort_by(|a, b| {
        b.manual
            .is_some()
            .cmp(&a.manual.is_some())
            .then(b.scored.score.total_cmp(&a.scored.score))
            .then(a.experience_id.cmp(&b.experience_id))
    });
    Ok(found)
}

/// The posting skill with this id, if the viewer may read it.
pub async fn posting_skill_by_id(ctx: &Context<'_>, id: Uuid) -> AppResult<Option<JobPostingSkill>> {
    Ok(viewer(ctx)?
        .loaders
        .one::<store::PostingSkillById>(id)
        .await?
        .map(JobPostingSkill))
}

/// The match of an experience against a posting, if the viewer may read the posting and the
/// experience is among its matches.
pub async fn match_by_ids(
    ctx: &Context<'_>,
    posting_id: Uuid,
    experience_id: Uuid,
) -> AppResult<Option<ExperienceMatch>> {
    let Some(posting) = viewer(ctx)?
        .loaders
        .one::<store::JobPostingById>(posting_id)
        .await?
    else {
        return Ok(None);
    };
    Ok(matches(ctx, &posting)
        .await?
        .into_iter()
        .find(|found| found.experience_id == experience_id))
}

pub struct SkillStrength {
    skill_id: Uuid,
    importance: SkillImportance,
    strength: f64,
    experiences: Vec<Uuid>,
    projects: Vec<Uuid>,
    stories: Vec<Uuid>,
}

/// A skill the candidate has evidence for, and how strong it is.
#[Object]
impl SkillStrength {
    /// The skill the posting asks for.
    async fn skill(&self, ctx: &Context<'_>) -> AppResult<Skill> {
        load_skill(ctx, self.skill_id).await
    }
    /// How much the posting needs it.
    async fn importance(&self) -> SkillImportance {
        self.importance
    }
    /// 0 to 1, the best of its evidence: an experience using it (prominence weight ×
    /// recency), a claimed proficiency (EXPERT 1.0, ADVANCED 0.8, INTERMEDIATE 0.6,
    /// BEGINNER 0.3), or a project listing it (0.5).
    async fn strength(&self) -> f64 {
        self.strength
    }
    /// Experiences that use it.
    async fn experiences(&self, ctx: &Context<'_>) -> AppResult<Vec<Experience>> {
        viewer(ctx)?
            .loaders
            .each::<ExperienceById>(&self.experiences)
            .await
    }
    /// Projects that list it.
    async fn projects(&self, ctx: &Context<'_>) -> AppResult<Vec<Project>> {
        viewer(ctx)?.loaders.each::<ProjectById>(&self.projects).await
    }
    /// STAR stories of the experiences that use it.
    async fn star_stories(&self, ctx: &Context<'_>) -> AppResult<Vec<StarStory>> {
        viewer(ctx)?.loaders.each::<StarStoryById>(&self.stories).await
    }
}

/// A skill the posting asks for that the candidate shows no evidence of.
#[derive(SimpleObject)]
#[graphql(complex)]
pub struct MissingSkill {
    #[graphql(skip)]
    skill_id: Uuid,
    /// How much the posting needs it.
    pub importance: SkillImportance,
}

#[ComplexObject]
impl MissingSkill {
    /// The skill the posting asks for and the record shows no evidence of.
    async fn skill(&self, ctx: &Context<'_>) -> AppResult<Skill> {
        load_skill(ctx, self.skill_id).await
    }
}

pub struct SkillGap {
    pub fit_score: i32,
    matched: Vec<SkillStrength>,
    missing: Vec<MissingSkill>,
}

/// How the candidate's record covers a posting's skills.
#[Object]
impl SkillGap {
    /// 0 to 100: 100 × Σ over the posting's skills of (importance weight × strength) ÷ Σ of
    /// importance weights (MUST_HAVE 1.0, NICE_TO_HAVE 0.5).
    async fn fit_score(&self) -> i32 {
        self.fit_score
    }
    /// The posting's skills the candidate has evidence for, strongest first.
    async fn matched(&self) -> &[SkillStrength] {
        &self.matched
    }
    /// The posting's skills without evidence, must-haves first.
    async fn missing(&self) -> &[MissingSkill] {
        &self.missing
    }
}

/// The skill gap of a posting for its owner.
pub async fn skill_gap(ctx: &Context<'_>, posting: &JobPostingRow) -> AppResult<SkillGap> {
    skill_gap_of(ctx, wanted(ctx, posting.id).await?, posting.user_id).await
}

/// How the record of `user_id` (as far as the viewer may read it) covers the `wanted` skills:
/// a posting's for its owner, a requisition's for a candidate who shares their record.
pub async fn skill_gap_of(ctx: &Context<'_>, wanted: Vec<Wanted>, user_id: Uuid) -> AppResult<SkillGap> {
    let me = viewer(ctx)?;
    let usage = me.loaders.many::<store::UsageByUser>(user_id).await?;
    let evidence = me.loaders.many::<store::EvidenceByUser>(user_id).await?;
    let today = Utc::now().date_naive();
    let wanted_ids: HashSet<Uuid> = wanted.iter().map(|w| w.skill_id).collect();
    let mut strength: HashMap<Uuid, f64> = HashMap::new();
    let mut experiences: HashMap<Uuid, Vec<Uuid>> = HashMap::new();
    let mut projects: HashMap<Uuid, Vec<Uuid>> = HashMap::new();
    let mut raise = |skill: Uuid, value: f64| {
        let best = strength.entry(skill).or_insert(0.0);
        *best = best.max(value);
    };
    for use_ in usage.iter().filter(|u| wanted_ids.contains(&u.skill_id)) {
        raise(
            use_.skill_id,
            score::prominence_weight(use_.prominence) * score::recency(use_.end_date, today),
        );
        experiences
            .entry(use_.skill_id)
            .or_default()
            .push(use_.experience_id);
    }
    let mut stories_of_experience: HashMap<Uuid, Vec<Uuid>> = HashMap::new();
    for item in evidence.iter().filter_map(store::EvidenceRow::evidence) {
        match item {
            Evidence::Project { project_id, skill_id } if wanted_ids.contains(&skill_id) => {
                raise(skill_id, 0.5);
                projects.entry(skill_id).or_default().push(project_id);
            }
            Evidence::Claim {
                skill_id,
                proficiency,
            } if wanted_ids.contains(&skill_id) => {
                raise(skill_id, score::proficiency_weight(proficiency));
            }
            Evidence::Story {
                story_id,
                experience_id,
            } => {
                stories_of_experience
                    .entry(experience_id)
                    .or_default()
                    .push(story_id);
            }
            _ => {}
        }
    }
    let fit_score = score::fit_score(&wanted, &strength);
    let mut matched: Vec<SkillStrength> = Vec::new();
    let mut missing: Vec<MissingSkill> = Vec::new();
    for w in &wanted {
        match strength.get(&w.skill_id) {
            Some(value) => {
                let experience_ids = experiences.remove(&w.skill_id).unwrap_or_default();
                let stories = experience_ids
                    .iter()
                    .flat_map(|e| stories_of_experience.get(e).cloned().unwrap_or_default())
                    .collect();
                matched.push(SkillStrength {
                    skill_id: w.skill_id,
                    importance: w.importance,
                    strength: *value,
                    experiences: experience_ids,
                    projects: projects.remove(&w.skill_id).unwrap_or_default(),
                    stories,
                });
            }
            None => missing.push(MissingSkill {
                skill_id: w.skill_id,
                importance: w.importance,
            }),
        }
    }
    matched.sort_by(|a, b| {
        b.strength
            .total_cmp(&a.strength)
            .then(a.skill_id.cmp(&b.skill_id))
    });
    missing.sort_by_key(|m| (m.importance != SkillImportance::MustHave, m.skill_id));
    Ok(SkillGap {
        fit_score,
        matched,
        missing,
    })
}

/// The part of `JobPosting` that shows the job analysis and the owner's choice of skills.
#[derive(Clone, Copy, Debug)]
pub struct PostingAnalysis {
    posting_id: Uuid,
    user_id: Uuid,
}

#[Object]
impl PostingAnalysis {
    /// What the posting stresses (ETPS JobProfile): capabilities, priorities, tone, tags and
    /// capability clusters, derived from its text when it is saved (the rules are in the
    /// README's "Job analysis"). Null only for a posting saved before analysis existed:
    /// `analyzeJobPosting` makes one.
    async fn analysis(&self, ctx: &Context<'_>) -> AppResult<Option<JobAnalysis>> {
        let row = viewer(ctx)?
            .loaders
            .one::<store::AnalysisByPosting>(self.posting_id)
            .await?;
        Ok(row.map(|row| JobAnalysis {
            row,
            user_id: self.user_id,
        }))
    }

    /// The owner's ordered choice of the posting's skills (ETPS `selected_skills`), each with
    /// how well the record covers it. Until the owner chooses (`selectJobPostingSkills`): every
    /// skill of the posting, strongest match first, all included.
    async fn selected_skills(&self, ctx: &Context<'_>) -> AppResult<Vec<SelectedSkill>> {
        selected_skills(ctx, self.posting_id, self.user_id).await
    }

    /// The 3–4 skills a cover letter for this posting should stress (ETPS `key_skills`): the
    /// owner's choice, or else the first (at most four) included skills the record covers,
    /// must-haves first.
    async fn key_skills(&self, ctx: &Context<'_>) -> AppResult<Vec<Skill>> {
        let selected = selected_skills(ctx, self.posting_id, self.user_id).await?;
        let chosen: Vec<&SelectedSkill> = selected.iter().filter(|s| s.is_key).collect();
        let keys: Vec<Uuid> = if chosen.is_empty() {
            let mut covered: Vec<&SelectedSkill> = selected
                .iter()
                .filter(|s| s.included && s.match_percentage > 0)
                .collect();
            covered.sort_by_key(|s| s.importance != SkillImportance::MustHave);
            covered.iter().take(4).map(|s| s.skill_id).collect()
        } else {
            chosen.iter().map(|s| s.skill_id).collect()
        };
        load_skills(ctx, &keys).await
    }
}

/// The posting's skills in the owner's order (or the default one), with their coverage.
async fn selected_skills(
    ctx: &Context<'_>,
    posting_id: Uuid,
    user_id: Uuid,
) -> AppResult<Vec<SelectedSkill>> {
    let wanted = wanted(ctx, posting_id).await?;
    let importance: HashMap<Uuid, SkillImportance> =
        wanted.iter().map(|w| (w.skill_id, w.importance)).collect();
    let gap = skill_gap_of(ctx, wanted.clone(), user_id).await?;
    let strength: HashMap<Uuid, f64> = gap.matched.iter().map(|m| (m.skill_id, m.strength)).collect();
    let percentage = |skill_id: &Uuid| {
        strength
            .get(skill_id)
            .map_or(0, |s| (s * 100.0).round().clamp(0.0, 100.0) as i32)
    };
    let chosen = viewer(ctx)?
        .loaders
        .many::<store::SelectedSkillsByPosting>(posting_id)
        .await?;
    let mut out: Vec<SelectedSkill> = chosen
        .iter()
        // A skill removed from the posting since the choice was made is no longer shown.
        .filter_map(|row| {
            importance.get(&row.skill_id).map(|importance| SelectedSkill {
                skill_id: row.skill_id,
                importance: *importance,
                match_percentage: percentage(&row.skill_id),
                included: row.included,
                is_key: row.is_key,
            })
        })
        .collect();
    // Skills the posting gained after the choice (or all of them, before any choice) follow,
    // strongest match first.
    let mut rest: Vec<&Wanted> = wanted
        .iter()
        .filter(|w| !chosen.iter().any(|row| row.skill_id == w.skill_id))
        .collect();
    rest.sort_by(|a, b| {
        percentage(&b.skill_id)
            .cmp(&percentage(&a.skill_id))
            .then(
                (a.importance != SkillImportance::MustHave).cmp(&(b.importance != SkillImportance::MustHave)),
            )
            .then(a.skill_id.cmp(&b.skill_id))
    });
    out.extend(rest.into_iter().map(|w| SelectedSkill {
        skill_id: w.skill_id,
        importance: w.importance,
        match_percentage: percentage(&w.skill_id),
        included: true,
        is_key: false,
    }));
    Ok(out)
}

/// One skill of the owner's choice for a posting.
pub struct SelectedSkill {
    skill_id: Uuid,
    importance: SkillImportance,
    match_percentage: i32,
    included: bool,
    is_key: bool,
}

/// A skill of a posting in the owner's choice (ETPS `selected_skills[]`).
#[Object]
impl SelectedSkill {
    /// The catalog skill.
    async fn skill(&self, ctx: &Context<'_>) -> AppResult<Skill> {
        load_skill(ctx, self.skill_id).await
    }
    /// How much the posting needs it.
    async fn importance(&self) -> SkillImportance {
        self.importance
    }
    /// 0 to 100: the strength of the record's best evidence for it (as in `SkillGap.matched`),
    /// worked out on each read, so it follows the record.
    async fn match_percentage(&self) -> i32 {
        self.match_percentage
    }
    /// Whether tailoring and cover letters use it.
    async fn included(&self) -> bool {
        self.included
    }
    /// Whether it is one of the key skills a cover letter stresses.
    async fn is_key(&self) -> bool {
        self.is_key
    }
}

pub struct JobAnalysis {
    row: store::AnalysisRow,
    user_id: Uuid,
}

/// What a posting stresses (ETPS JobProfile), derived from its text by fixed rules and
/// editable by its owner.
#[Object]
impl JobAnalysis {
    /// The level the posting hires at, e.g. "senior", "staff", "manager": the posting's own
    /// `seniority`, or the level its title names.
    async fn seniority(&self) -> Option<&str> {
        self.row.seniority.as_deref()
    }
    /// The three items (responsibilities first, then requirements) that stress the most:
    /// "lead", "own", "design", "must", "proven" and the like, in the posting's order.
    async fn core_priorities(&self) -> &[String] {
        &self.row.core_priorities
    }
    /// The posting's required items: the list items of its requirements (at most 12).
    async fn must_have_capabilities(&self) -> &[String] {
        &self.row.must_have_capabilities
    }
    /// The posting's preferred items: the list items of its nice-to-have parts (at most 12).
    async fn nice_to_have_capabilities(&self) -> &[String] {
        &self.row.nice_to_have_capabilities
    }
    /// The register it is written in, which a cover letter should match.
    async fn tone_style(&self) -> ToneStyle {
        self.row.tone_style
    }
    /// The kinds of job it is, e.g. "backend", "data", "management" (fixed keywords in the
    /// title and text).
    async fn job_type_tags(&self) -> &[String] {
        &self.row.job_type_tags
    }
    /// The posting's skills grouped by kind, must-have clusters first, each with the evidence
    /// of the owner's record.
    async fn capability_clusters(&self) -> AppResult<Vec<CapabilityCluster>> {
        let clusters: Vec<analysis::Cluster> =
            serde_json::from_value(self.row.capability_clusters.clone()).map_err(AppError::internal)?;
        Ok(clusters
            .into_iter()
            .map(|cluster| CapabilityCluster {
                cluster,
                posting_id: self.row.job_posting_id,
                user_id: self.user_id,
            })
            .collect())
    }
    /// The SHA-256 (hex) of the title and texts the analysis was derived from (ETPS
    /// `capability_cluster_cache_key`): saving the same text again does not analyse it again.
    async fn cache_key(&self) -> &str {
        &self.row.text_sha256
    }
    /// When the text was last analysed (ETPS `capability_analysis_timestamp`).
    async fn analyzed_at(&self) -> DateTime<Utc> {
        self.row.analyzed_at
    }
    /// The parts the owner changed by hand (`updateJobAnalysis`), which a new analysis keeps.
    async fn edited_fields(&self) -> Vec<JobAnalysisField> {
        self.row
            .edited_fields
            .iter()
            .filter_map(|field| JobAnalysisField::parse(field))
            .collect()
    }
    /// When it was created.
    async fn created_at(&self) -> DateTime<Utc> {
        self.row.created_at
    }
    /// When it last changed.
    async fn updated_at(&self) -> DateTime<Utc> {
        self.row.updated_at
    }
}

pub struct CapabilityCluster {
    cluster: analysis::Cluster,
    posting_id: Uuid,
    user_id: Uuid,
}

/// A group of the posting's skills of one kind (ETPS `capability_clusters[]`).
#[Object]
impl CapabilityCluster {
    /// What the skills have in common, e.g. "Data storage", "Leadership and collaboration".
    async fn name(&self) -> &str {
        &self.cluster.name
    }
    /// MUST_HAVE when the posting requires any of its skills.
    async fn importance(&self) -> SkillImportance {
        self.cluster.importance
    }
    /// Its skills, must-haves first, then by name.
    async fn skills(&self, ctx: &Context<'_>) -> AppResult<Vec<Skill>> {
        load_skills(ctx, &self.cluster.skill_ids).await
    }
    /// 0 to 1: the share of its skills the owner's record has evidence for (as in
    /// `SkillGap.matched`), worked out on each read.
    async fn coverage(&self, ctx: &Context<'_>) -> AppResult<f64> {
        if self.cluster.skill_ids.is_empty() {
            return Ok(0.0);
        }
        let gap = skill_gap_of(ctx, wanted(ctx, self.posting_id).await?, self.user_id).await?;
        let covered = self
            .cluster
            .skill_ids
            .iter()
            .filter(|id| gap.matched.iter().any(|m| m.skill_id == **id))
            .count();
        Ok(covered as f64 / self.cluster.skill_ids.len() as f64)
    }
    /// The evidence: the owner's experiences that use its skills, those using the most of
    /// them first.
    async fn experiences(&self, ctx: &Context<'_>) -> AppResult<Vec<Experience>> {
        let me = viewer(ctx)?;
        let usage = me.loaders.many::<store::UsageByUser>(self.user_id).await?;
        // Experience ids in the record's order, with how many of the cluster's skills each uses.
        let mut uses: Vec<(Uuid, usize)> = Vec::new();
        for use_ in usage
            .iter()
            .filter(|u| self.cluster.skill_ids.contains(&u.skill_id))
        {
            match uses.iter_mut().find(|(id, _)| *id == use_.experience_id) {
                Some((_, n)) => *n += 1,
                None => uses.push((use_.experience_id, 1)),
            }
        }
        uses.sort_by_key(|(_, n)| std::cmp::Reverse(*n));
        let ids: Vec<Uuid> = uses.into_iter().map(|(id, _)| id).collect();
        me.loaders.each::<ExperienceById>(&ids).await
    }
}

/// Analyses a posting's text and stores the result, keeping the parts its owner edited. The
/// same text is not analysed again unless `force` (the posting's skills changed, so its
/// clusters did) or `discard_edits`.
pub async fn analyse_posting(
    conn: &mut diesel_async::AsyncPgConnection,
    who: Principal,
    posting: &JobPostingRow,
    force: bool,
    discard_edits: bool,
) -> AppResult<store::AnalysisRow> {
    let text = PostingText {
        description: &posting.description,
        responsibilities: posting.responsibilities.as_deref(),
        requirements: posting.requirements.as_deref(),
        nice_to_haves: posting.nice_to_haves.as_deref(),
    };
    let key = analysis::cache_key(&posting.job_title, &text);
    let current = store::analysis_of(conn, who, posting.id).await?;
    if let Some(current) = &current
        && current.text_sha256 == key
        && !force
        && !discard_edits
    {
        return Ok(current.clone());
    }
    let derived = analysis::derive(&posting.job_title, posting.seniority.as_deref(), &text);
    let kinds = store::posting_skill_kinds(conn, who, posting.id).await?;
    let clusters = analysis::clusters(
        &kinds
            .iter()
            .map(|k| analysis::ClusterInput {
                skill_id: k.skill_id,
                name: &k.name,
                category: k.category,
                importance: k.importance,
            })
            .collect::<Vec<_>>(),
    );
    let now = Utc::now();
    let mut row = store::AnalysisRow {
        job_posting_id: posting.id,
        user_id: posting.user_id,
        text_sha256: key,
        analyzed_at: now,
        seniority: derived.seniority,
        core_priorities: derived.core_priorities,
        must_have_capabilities: derived.must_have_capabilities,
        nice_to_have_capabilities: derived.nice_to_have_capabilities,
        tone_style: derived.tone_style,
        job_type_tags: derived.job_type_tags,
        capability_clusters: serde_json::to_value(&clusters).map_err(AppError::internal)?,
        edited_fields: Vec::new(),
        created_at: now,
        updated_at: now,
    };
    if let Some(current) = current.filter(|_| !discard_edits) {
        for field in current
            .edited_fields
            .iter()
            .filter_map(|f| JobAnalysisField::parse(f))
        {
            match field {
                JobAnalysisField::Seniority => row.seniority = current.seniority.clone(),
                JobAnalysisField::CorePriorities => row.core_priorities = current.core_priorities.clone(),
                JobAnalysisField::MustHaveCapabilities => {
                    row.must_have_capabilities = current.must_have_capabilities.clone()
                }
                JobAnalysisField::NiceToHaveCapabilities => {
                    row.nice_to_have_capabilities = current.nice_to_have_capabilities.clone()
                }
                JobAnalysisField::ToneStyle => row.tone_style = current.tone_style,
                JobAnalysisField::JobTypeTags => row.job_type_tags = current.job_type_tags.clone(),
            }
        }
        row.edited_fields = current.edited_fields;
    }
    Ok(store::save_analysis(conn, &row).await?)
}

/// A job the candidate saved.
#[derive(MergedObject, Clone)]
pub struct JobPosting(pub JobPostingRow, pub PostingApplication, pub PostingAnalysis);

impl JobPosting {
    /// Opaque global id, as the `Node` interface reads it.
    pub async fn id(&self, _ctx: &Context<'_>) -> async_graphql::Result<ID> {
        Ok(NodeType::JobPosting.id(self.0.id))
    }
}

impl From<JobPostingRow> for JobPosting {
    fn from(row: JobPostingRow) -> Self {
        let posting_id = row.id;
        let user_id = row.user_id;
        Self(
            row,
            PostingApplication { posting_id },
            PostingAnalysis { posting_id, user_id },
        )
    }
}

/// The part of `JobPosting` that shows its application. The field's type belongs to the
/// applications area, which sits above this one, so that area implements the part (see
/// "A field from a higher area" in ARCHITECTURE.md).
#[derive(Clone, Copy, Debug)]
pub struct PostingApplication {
    pub posting_id: Uuid,
}

#[ComplexObject]
impl JobPostingRow {
    /// Opaque global id.
    pub async fn id(&self) -> ID {
        NodeType::JobPosting.id(self.id)
    }
    /// The hiring company in the company catalog, found (or added) by `companyName` in any
    /// letter case and spacing.
    async fn company(&self, ctx: &Context<'_>) -> AppResult<Option<Company>> {
        let found = viewer(ctx)?.loaders.one::<CompanyOfJobPosting>(self.id).await?;
        Ok(found.map(|f| Company(f.company)))
    }
    /// The id of `company`; null when it is.
    async fn company_id(&self, ctx: &Context<'_>) -> AppResult<Option<ID>> {
        let found = viewer(ctx)?.loaders.one::<CompanyOfJobPosting>(self.id).await?;
        Ok(found.map(|f| NodeType::Company.id(f.company.id)))
    }
    /// The skills the posting asks for: found in its text, or set by hand.
    async fn skills(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "Return the first N items (0 to 100), after `after` if given. Without `first` and `last`, the first 50."
        )]
        first: Option<i32>,
        #[graphql(
            desc = "A cursor (an edge's `cursor` or `pageInfo.endCursor`): return the items after it. The cursor of an item that is gone starts from the beginning."
        )]
        after: Option<String>,
        #[graphql(desc = "Return the last N items (0 to 100), before `before` if given.")] last: Option<i32>,
        #[graphql(
            desc = "A cursor (an edge's `cursor` or `pageInfo.startCursor`): return the items before it."
        )]
        before: Option<String>,
    ) -> AppResult<Conn<JobPostingSkill>> {
        let key = PageKey {
            parent: self.id,
            args: PageArgs::new(first, after, last, before)?,
            filter: (),
        };
        let page = viewer(ctx)?.loaders.page::<SkillsOfPosting>(key).await?;
        Ok(page.into_connection(|row| row.id, JobPostingSkill))
    }
    /// The candidate's experiences matched against this posting, computed when read (so never
    /// stale); see `ExperienceMatch.score` for the formula.
    async fn matches(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "Return the first N items (0 to 100), after `after` if given. Without `first` and `last`, the first 50."
        )]
        first: Option<i32>,
        #[graphql(
            desc = "A cursor (an edge's `cursor` or `pageInfo.endCursor`): return the items after it. The cursor of an item that is gone starts from the beginning."
        )]
        after: Option<String>,
        #[graphql(desc = "Return the last N items (0 to 100), before `before` if given.")] last: Option<i32>,
        #[graphql(
            desc = "A cursor (an edge's `cursor` or `pageInfo.startCursor`): return the items before it."
        )]
        before: Option<String>,
    ) -> AppResult<Conn<ExperienceMatch>> {
        let args = PageArgs::new(first, after, last, before)?;
        let page = Page::of(matches(ctx, self).await?, &args, |m| m.experience_id);
        Ok(page.into_connection(|m| m.experience_id, |m| m))
    }
    /// Which of the posting's skills the candidate has evidence for, which are missing, and the
    /// overall fit score.
    async fn skill_gap(&self, ctx: &Context<'_>) -> AppResult<SkillGap> {
        skill_gap(ctx, self).await
    }
}

/// The fields of a new job posting.
#[derive(InputObject)]
pub struct CreateJobPostingInput {
    /// An http(s) URL.
    pub url: Option<Url>,
    /// 1 to 200 characters.
    pub company_name: String,
    /// 1 to 200 characters.
    pub job_title: String,
    /// Up to 200 characters.
    pub location: Option<String>,
    /// Whether remote work is allowed; false when omitted.
    #[graphql(default)]
    pub remote_ok: bool,
    /// The kind of employment offered.
    pub employment_type: Option<EmploymentType>,
    /// Up to 50 characters.
    pub seniority: Option<String>,
    /// 0 or more.
    pub salary_min: Option<i32>,
    /// Not below salaryMin.
    pub salary_max: Option<i32>,
    /// ISO 4217, three capital letters.
    pub salary_currency: Option<String>,
    /// The full text, up to 50,000 characters.
    pub description: String,
    /// Up to 20,000 characters each.
    pub responsibilities: Option<String>,
    /// The requirements section; skills found here are MUST_HAVE. Up to 20,000 characters.
    pub requirements: Option<String>,
    /// The preferred or nice-to-have section; skills found here are NICE_TO_HAVE. Up to 20,000 characters.
    pub nice_to_haves: Option<String>,
}

/// Changes to a job posting: a field left out stays as it is, and `null` clears an optional one.
#[derive(InputObject)]
pub struct UpdateJobPostingInput {
    /// The job posting to change.
    pub id: ID,
    /// An http(s) URL. Left out: unchanged; `null` clears it.
    pub url: MaybeUndefined<Url>,
    /// 1 to 200 characters. Left out: unchanged.
    pub company_name: Option<String>,
    /// 1 to 200 characters. Left out: unchanged.
    pub job_title: Option<String>,
    /// Up to 200 characters. Left out: unchanged; `null` clears it.
    pub location: MaybeUndefined<String>,
    /// Whether remote work is allowed; false when omitted. Left out: unchanged.
    pub remote_ok: Option<bool>,
    /// The kind of employment offered. Left out: unchanged; `null` clears it.
    pub employment_type: MaybeUndefined<EmploymentType>,
    /// Up to 50 characters. Left out: unchanged; `null` clears it.
    pub seniority: MaybeUndefined<String>,
    /// 0 or more. Left out: unchanged; `null` clears it.
    pub salary_min: MaybeUndefined<i32>,
    /// Not below salaryMin. Left out: unchanged; `null` clears it.
    pub salary_max: MaybeUndefined<i32>,
    /// ISO 4217, three capital letters. Left out: unchanged; `null` clears it.
    pub salary_currency: MaybeUndefined<String>,
    /// Changing any of the texts extracts the skills again (manual ones stay).
    pub description: Option<String>,
    /// Up to 20,000 characters each. Left out: unchanged; `null` clears it.
    pub responsibilities: MaybeUndefined<String>,
    /// The requirements section; skills found here are MUST_HAVE. Up to 20,000 characters. Left out: unchanged; `null` clears it.
    pub requirements: MaybeUndefined<String>,
    /// The preferred or nice-to-have section; skills found here are NICE_TO_HAVE. Up to 20,000 characters. Left out: unchanged; `null` clears it.
    pub nice_to_haves: MaybeUndefined<String>,
}

/// What the mutation answers: the job posting as it now is.
#[derive(SimpleObject)]
#[graphql(complex)]
pub struct JobPostingPayload {
    /// The job posting as it now is.
    pub job_posting: JobPosting,
}

payload_edge!(JobPostingPayload.job_posting_edge: JobPosting = job_posting, id job_posting.0.id);

/// Adds a skill to a posting by hand, or changes its importance (re-ranks it).
#[derive(InputObject)]
pub struct SetJobPostingSkillInput {
    /// The posting (one of the viewer's).
    pub job_posting_id: ID,
    #[graphql(flatten)]
    pub skill: SkillRefInput,
    /// Whether the posting requires it or would like it.
    pub importance: SkillImportance,
}

/// What `setJobPostingSkill` answers: the posting with its skills as they now are.
#[derive(SimpleObject)]
pub struct SetJobPostingSkillPayload {
    /// The posting with its skills as they now are.
    pub job_posting: JobPosting,
}

/// Removes a skill from a posting; extraction will not add it back.
#[derive(InputObject)]
pub struct RemoveJobPostingSkillInput {
    /// The posting (one of the viewer's).
    pub job_posting_id: ID,
    /// The skill to take off it.
    pub skill_id: ID,
}

/// Marks an experience as relevant to a posting by hand.
#[derive(InputObject)]
pub struct SetMatchInput {
    /// The posting (one of the viewer's).
    pub job_posting_id: ID,
    /// The experience (one of the viewer's).
    pub experience_id: ID,
    /// How relevant the candidate judges it.
    pub relevance: Relevance,
    /// Up to 2,000 characters.
    pub relevance_notes: Option<String>,
}

/// Removes a manual match (the computed one, if any, shows again).
#[derive(InputObject)]
pub struct RemoveMatchInput {
    /// The posting of the manual match.
    pub job_posting_id: ID,
    /// The experience of the manual match.
    pub experience_id: ID,
}

/// Extracts the posting's skills from its current text and stores them (the shared catalog's
/// and the principal's private skills, never another user's), then analyses the posting.
pub async fn extract_skills(
    conn: &mut diesel_async::AsyncPgConnection,
    who: Principal,
    posting: &JobPostingRow,
) -> AppResult<()> {
    let catalog = store::extraction_catalog(conn, Some(who)).await?;
    let found = extract(
        &catalog,
        &PostingText {
            description: &posting.description,
            responsibilities: posting.responsibilities.as_deref(),
            requirements: posting.requirements.as_deref(),
            nice_to_haves: posting.nice_to_haves.as_deref(),
        },
    );
    store::replace_extracted(conn, who, posting.id, &found).await?;
    analyse_posting(conn, who, posting, false, false).await?;
    Ok(())
}

async fn owned_posting(
    conn: &mut diesel_async::AsyncPgConnection,
    who: Principal,
    id: &ID,
) -> AppResult<JobPostingRow> {
    let id = decode_as(id, NodeType::JobPosting, "jobPostingId")?;
    store::posting_of(conn, who, id)
        .await?
        .ok_or(AppError::NotFound("JobPosting"))
}

#[derive(Default)]
pub struct JobsMutation;

#[Object]
impl JobsMutation {
    /// Saves a job posting and finds the catalog skills its text asks for: those of the shared
    /// catalog and the viewer's own private skills (never another user's).
    async fn create_job_posting(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "The mutation's arguments: see `CreateJobPostingInput`. Every field is checked before anything is written."
        )]
        input: CreateJobPostingInput,
    ) -> AppResult<JobPostingPayload> {
        let new = NewJobPosting {
            url: input.url.map(url("url", &[])).transpose()?,
            company_name: validate::text_of("companyName", &input.company_name, 200)?,
            job_title: validate::text_of("jobTitle", &input.job_title, 200)?,
            location: input.location.map(text("location", 200)).transpose()?,
            remote_ok: input.remote_ok,
            employment_type: input.employment_type,
            seniority: input.seniority.map(text("seniority", 50)).transpose()?,
            salary_min: input.salary_min.map(validate::salary("salaryMin")).transpose()?,
            salary_max: input.salary_max.map(validate::salary("salaryMax")).transpose()?,
            salary_currency: input
                .salary_currency
                .map(validate::currency("salaryCurrency"))
                .transpose()?,
            description: validate::text_of("description", &input.description, 50_000)?,
            responsibilities: input
                .responsibilities
                .map(text("responsibilities", 20_000))
                .transpose()?,
            requirements: input.requirements.map(text("requirements", 20_000)).transpose()?,
            nice_to_haves: input.nice_to_haves.map(text("niceToHaves", 20_000)).transpose()?,
        };
        validate::ordered("salaryMin", "salaryMax", new.salary_min, new.salary_max)?;
        let who = viewer(ctx)?.principal();
        let mut conn = services(ctx).pool.get().await?;
        let job_posting = conn
            .transaction::<_, AppError, _>(async |conn| {
                let posting = store::insert_posting(conn, who, &new).await?;
                extract_skills(conn, who, &posting).await?;
                Ok(posting)
            })
            .await?;
        Ok(JobPostingPayload {
            job_posting: job_posting.into(),
        })
    }

    /// Changes a posting. New text extracts the skills again; manual skills stay.
    async fn update_job_posting(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "The mutation's arguments: see `UpdateJobPostingInput`. Every field is checked before anything is written."
        )]
        input: UpdateJobPostingInput,
    ) -> AppResult<JobPostingPayload> {
        let changes = JobPostingChanges {
            url: field(input.url, url("url", &[]))?,
            company_name: input.company_name.map(text("companyName", 200)).transpose()?,
            job_title: input.job_title.map(text("jobTitle", 200)).transpose()?,
            location: field(input.location, text("location", 200))?,
            remote_ok: input.remote_ok,
            employment_type: field(input.employment_type, Ok)?,
            seniority: field(input.seniority, text("seniority", 50))?,
            salary_min: field(input.salary_min, validate::salary("salaryMin"))?,
            salary_max: field(input.salary_max, validate::salary("salaryMax"))?,
            salary_currency: field(input.salary_currency, validate::currency("salaryCurrency"))?,
            description: input.description.map(text("description", 50_000)).transpose()?,
            responsibilities: field(input.responsibilities, text("responsibilities", 20_000))?,
            requirements: field(input.requirements, text("requirements", 20_000))?,
            nice_to_haves: field(input.nice_to_haves, text("niceToHaves", 20_000))?,
        };
        let who = viewer(ctx)?.principal();
        let mut conn = services(ctx).pool.get().await?;
        let job_posting = conn
            .transaction::<_, AppError, _>(async |conn| {
                let current = owned_posting(conn, who, &input.id).await?;
                validate::ordered(
                    "salaryMin",
                    "salaryMax",
                    changes.salary_min.unwrap_or(current.salary_min),
                    changes.salary_max.unwrap_or(current.salary_max),
                )?;
                let posting = store::update_posting(conn, who, current.id, &changes)
                    .await?
                    .ok_or(AppError::NotFound("JobPosting"))?;
                if changes.changes_text() {
                    extract_skills(conn, who, &posting).await?;
                }
                Ok(posting)
            })
            .await?;
        Ok(JobPostingPayload {
            job_posting: job_posting.into(),
        })
    }

    /// Deletes a posting with its skills and matches.
    async fn delete_job_posting(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "The mutation's arguments: see `IdInput`. Every field is checked before anything is written."
        )]
        input: IdInput,
    ) -> AppResult<DeletePayload> {
        let who = viewer(ctx)?.principal();
        let id = decode_as(&input.id, NodeType::JobPosting, "id")?;
        let mut conn = services(ctx).pool.get().await?;
        if !store::delete_posting(&mut conn, who, id).await? {
            return Err(AppError::NotFound("JobPosting"));
        }
        Ok(DeletePayload { deleted_id: input.id })
    }

    /// Adds a skill to a posting by hand or changes its importance. Manual skills survive
    /// re-extraction.
    async fn set_job_posting_skill(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "The mutation's arguments: see `SetJobPostingSkillInput`. Every field is checked before anything is written."
        )]
        input: SetJobPostingSkillInput,
    ) -> AppResult<SetJobPostingSkillPayload> {
        let who = viewer(ctx)?.principal();
        let mut conn = services(ctx).pool.get().await?;
        let job_posting = owned_posting(&mut conn, who, &input.job_posting_id).await?;
        conn.transaction::<_, AppError, _>(async |conn| {
            let skill = resolve_skill(conn, who, &input.skill).await?;
            store::set_manual_skill(conn, who, job_posting.id, skill.id, input.importance, false).await?;
            // The clusters group the posting's skills, which just changed.
            analyse_posting(conn, who, &job_posting, true, false).await?;
            Ok(())
        })
        .await?;
        Ok(SetJobPostingSkillPayload {
            job_posting: job_posting.into(),
        })
    }

    /// Removes a skill from a posting; later extraction will not bring it back.
    async fn remove_job_posting_skill(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "The mutation's arguments: see `RemoveJobPostingSkillInput`. Every field is checked before anything is written."
        )]
        input: RemoveJobPostingSkillInput,
    ) -> AppResult<RemoveSkillPayload> {
        let who = viewer(ctx)?.principal();
        let skill_id = decode_as(&input.skill_id, NodeType::Skill, "skillId")?;
        let mut conn = services(ctx).pool.get().await?;
        let posting = owned_posting(&mut conn, who, &input.job_posting_id).await?;
        // Another user's private skill is as unknown here as anywhere.
        visible_skill(&mut conn, who, skill_id).await?;
        conn.transaction::<_, AppError, _>(async |conn| {
            store::set_manual_skill(conn, who, posting.id, skill_id, SkillImportance::NiceToHave, true)
                .await?;
            analyse_posting(conn, who, &posting, true, false).await?;
            Ok(())
        })
        .await?;
        Ok(RemoveSkillPayload {
            removed_skill_id: input.skill_id,
        })
    }

    /// Marks an experience relevant to a posting by hand. A manual match is never changed by
    /// recomputing.
    async fn set_match(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "The mutation's arguments: see `SetMatchInput`. Every field is checked before anything is written."
        )]
        input: SetMatchInput,
    ) -> AppResult<JobPostingPayload> {
        let notes = input
            .relevance_notes
            .map(|notes| validate::text_of("relevanceNotes", &notes, 2000))
            .transpose()?;
        let who = viewer(ctx)?.principal();
        let experience_id = decode_as(&input.experience_id, NodeType::Experience, "experienceId")?;
        let mut conn = services(ctx).pool.get().await?;
        let job_posting = owned_posting(&mut conn, who, &input.job_posting_id).await?;
        experience_of(&mut conn, who, experience_id)
            .await?
            .ok_or(AppError::NotFound("Experience"))?;
        store::set_match(
            &mut conn,
            who,
            job_posting.id,
            experience_id,
            input.relevance,
            notes.as_deref(),
        )
        .await?;
        Ok(JobPostingPayload {
            job_posting: job_posting.into(),
        })
    }

    /// Removes a manual match.
    async fn remove_match(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "The mutation's arguments: see `RemoveMatchInput`. Every field is checked before anything is written."
        )]
        input: RemoveMatchInput,
    ) -> AppResult<JobPostingPayload> {
        let who = viewer(ctx)?.principal();
        let experience_id = decode_as(&input.experience_id, NodeType::Experience, "experienceId")?;
        let mut conn = services(ctx).pool.get().await?;
        let job_posting = owned_posting(&mut conn, who, &input.job_posting_id).await?;
        if !store::remove_match(&mut conn, who, job_posting.id, experience_id).await? {
            return Err(AppError::NotFound("ExperienceMatch"));
        }
        Ok(JobPostingPayload {
            job_posting: job_posting.into(),
        })
    }

    /// Analyses a posting's text again (the job analysis: capabilities, priorities, tone,
    /// tags, capability clusters). Saving a posting already does this; call it for a posting
    /// saved before analysis existed, or to start over. Parts the owner edited stay unless
    /// `discardEdits`.
    async fn analyze_job_posting(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "The mutation's arguments: see `AnalyzeJobPostingInput`. Every field is checked before anything is written."
        )]
        input: AnalyzeJobPostingInput,
    ) -> AppResult<JobPostingPayload> {
        let who = viewer(ctx)?.principal();
        let mut conn = services(ctx).pool.get().await?;
        let job_posting = conn
            .transaction::<_, AppError, _>(async |conn| {
                let posting = owned_posting(conn, who, &input.id).await?;
                analyse_posting(conn, who, &posting, true, input.discard_edits).await?;
                Ok(posting)
            })
            .await?;
        Ok(JobPostingPayload {
            job_posting: job_posting.into(),
        })
    }

    /// Changes parts of a posting's analysis by hand. Each part given is marked edited
    /// (`editedFields`), so a later analysis of new text keeps it.
    async fn update_job_analysis(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "The mutation's arguments: see `UpdateJobAnalysisInput`. Every field is checked before anything is written."
        )]
        input: UpdateJobAnalysisInput,
    ) -> AppResult<JobPostingPayload> {
        let items = |name: &str, values: Option<Vec<String>>| {
            values
                .map(|values| validate::labels(name, &values, 20, 300))
                .transpose()
        };
        let seniority = field(input.seniority, text("seniority", 50))?;
        let core_priorities = items("corePriorities", input.core_priorities)?;
        let must_haves = items("mustHaveCapabilities", input.must_have_capabilities)?;
        let nice_to_haves = items("niceToHaveCapabilities", input.nice_to_have_capabilities)?;
        let job_type_tags = items("jobTypeTags", input.job_type_tags)?
            .map(|tags| tags.into_iter().map(|tag| tag.to_lowercase()).collect::<Vec<_>>());
        if let Some(tags) = &job_type_tags
            && tags.iter().any(|tag| tag.chars().count() > 50)
        {
            return Err(AppError::bad_input(
                "jobTypeTags",
                "a job type tag has at most 50 characters",
            ));
        }
        let who = viewer(ctx)?.principal();
        let mut conn = services(ctx).pool.get().await?;
        let job_posting = conn
            .transaction::<_, AppError, _>(async |conn| {
                let posting = owned_posting(conn, who, &input.job_posting_id).await?;
                let mut row = analyse_posting(conn, who, &posting, false, false).await?;
                let mut edited = |field: JobAnalysisField| {
                    if !row.edited_fields.iter().any(|f| f == field.as_str()) {
                        row.edited_fields.push(field.as_str().to_owned());
                    }
                };
                if seniority.is_some() {
                    edited(JobAnalysisField::Seniority);
                }
                if core_priorities.is_some() {
                    edited(JobAnalysisField::CorePriorities);
                }
                if must_haves.is_some() {
                    edited(JobAnalysisField::MustHaveCapabilities);
                }
                if nice_to_haves.is_some() {
                    edited(JobAnalysisField::NiceToHaveCapabilities);
                }
                if input.tone_style.is_some() {
                    edited(JobAnalysisField::ToneStyle);
                }
                if job_type_tags.is_some() {
                    edited(JobAnalysisField::JobTypeTags);
                }
                if let Some(seniority) = seniority {
                    row.seniority = seniority;
                }
                row.core_priorities = core_priorities.unwrap_or(row.core_priorities);
                row.must_have_capabilities = must_haves.unwrap_or(row.must_have_capabilities);
                row.nice_to_have_capabilities = nice_to_haves.unwrap_or(row.nice_to_have_capabilities);
                row.tone_style = input.tone_style.unwrap_or(row.tone_style);
                row.job_type_tags = job_type_tags.unwrap_or(row.job_type_tags);
                store::save_analysis(conn, &row).await?;
                Ok(posting)
            })
            .await?;
        Ok(JobPostingPayload {
            job_posting: job_posting.into(),
        })
    }

    /// Sets the owner's ordered choice of a posting's skills and the key skills a cover letter
    /// stresses. An empty `skills` list goes back to the default (strongest match first).
    async fn select_job_posting_skills(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "The mutation's arguments: see `SelectJobPostingSkillsInput`. Every field is checked before anything is written."
        )]
        input: SelectJobPostingSkillsInput,
    ) -> AppResult<JobPostingPayload> {
        let mut chosen: Vec<store::ChosenSkill> = Vec::with_capacity(input.skills.len());
        for (index, skill) in input.skills.iter().enumerate() {
            let skill_id = decode_as(
                &skill.skill_id,
                NodeType::Skill,
                &format!("skills[{index}].skillId"),
            )?;
            if chosen.iter().any(|c| c.skill_id == skill_id) {
                return Err(AppError::bad_input(
                    format!("skills[{index}].skillId"),
                    "a skill is chosen once",
                ));
            }
            chosen.push(store::ChosenSkill {
                skill_id,
                included: skill.included,
                is_key: false,
            });
        }
        let mut keys: Vec<Uuid> = Vec::with_capacity(input.key_skill_ids.len());
        for (index, id) in input.key_skill_ids.iter().enumerate() {
            let name = format!("keySkillIds[{index}]");
            let skill_id = decode_as(id, NodeType::Skill, &name)?;
            let Some(entry) = chosen.iter_mut().find(|c| c.skill_id == skill_id && c.included) else {
                return Err(AppError::bad_input(
                    name,
                    "a key skill must be one of the included `skills`",
                ));
            };
            if entry.is_key {
                return Err(AppError::bad_input(name, "a key skill is named once"));
            }
            entry.is_key = true;
            keys.push(skill_id);
        }
        let included = chosen.iter().filter(|c| c.included).count();
        if !keys.is_empty() && (keys.len() > 4 || keys.len() < included.min(3)) {
            return Err(AppError::bad_input(
                "keySkillIds",
                "name 3 or 4 key skills (all the included skills when fewer than 3 are included)",
            ));
        }
        let who = viewer(ctx)?.principal();
        let mut conn = services(ctx).pool.get().await?;
        let job_posting = conn
            .transaction::<_, AppError, _>(async |conn| {
                let posting = owned_posting(conn, who, &input.job_posting_id).await?;
                let offered: HashSet<Uuid> = store::posting_skill_kinds(conn, who, posting.id)
                    .await?
                    .into_iter()
                    .map(|kind| kind.skill_id)
                    .collect();
                if let Some(index) = chosen.iter().position(|c| !offered.contains(&c.skill_id)) {
                    return Err(AppError::bad_input(
                        format!("skills[{index}].skillId"),
                        "not a skill of this posting",
                    ));
                }
                store::replace_selected_skills(conn, who, posting.id, &chosen).await?;
                Ok(posting)
            })
            .await?;
        Ok(JobPostingPayload {
            job_posting: job_posting.into(),
        })
    }
}

/// Which posting to analyse again.
#[derive(InputObject)]
pub struct AnalyzeJobPostingInput {
    /// The posting.
    pub id: ID,
    /// Also replace the parts the owner edited by hand.
    #[graphql(default)]
    pub discard_edits: bool,
}

/// Parts of a job analysis to set by hand; an absent part stays as it is.
#[derive(InputObject)]
pub struct UpdateJobAnalysisInput {
    /// The posting whose analysis changes.
    pub job_posting_id: ID,
    /// The level it hires at (at most 50 characters); null clears it.
    #[graphql(default)]
    pub seniority: MaybeUndefined<String>,
    /// The posting's core priorities (at most 20, each at most 300 characters).
    pub core_priorities: Option<Vec<String>>,
    /// Its required capabilities (at most 20, each at most 300 characters).
    pub must_have_capabilities: Option<Vec<String>>,
    /// Its preferred capabilities (at most 20, each at most 300 characters).
    pub nice_to_have_capabilities: Option<Vec<String>>,
    /// The register it is written in.
    pub tone_style: Option<ToneStyle>,
    /// The kinds of job it is (at most 20, each at most 50 characters; stored in lower case).
    pub job_type_tags: Option<Vec<String>>,
}

/// One skill of a choice, in order.
#[derive(InputObject)]
pub struct SelectedSkillInput {
    /// A skill of the posting.
    pub skill_id: ID,
    /// Whether tailoring and cover letters use it.
    #[graphql(default = true)]
    pub included: bool,
}

/// The owner's choice of a posting's skills.
#[derive(InputObject)]
pub struct SelectJobPostingSkillsInput {
    /// The posting.
    pub job_posting_id: ID,
    /// The posting's skills in the order wanted (each at most once); skills left out follow
    /// in the default order. Empty: back to the default.
    pub skills: Vec<SelectedSkillInput>,
    /// 3 or 4 of the included `skills` for a cover letter to stress (all of them when fewer
    /// than 3 are included); empty: chosen by default.
    #[graphql(default)]
    pub key_skill_ids: Vec<ID>,
}
