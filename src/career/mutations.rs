//! Mutations of the career record: create, update, delete and reorder. Every input is checked
//! before anything is written; on any error nothing changes.

use async_graphql::{Context, ID, InputObject, MaybeUndefined, Object, SimpleObject};
use diesel_async::{AsyncConnection, AsyncPgConnection};
use uuid::Uuid;

use super::enums::{BulletType, EmploymentType, Importance, ProjectType, StarTag, Visibility};
use super::model::{Bullet, Education, Engagement, Experience, Project, StarStory, Strength};
use super::store::{self, *};
use crate::access::{Guarded, Principal};
use crate::db::DbConn;
use crate::db::schema::{bullets, education, engagements, experiences, projects, star_stories, strengths};
use crate::graphql::context::{services, viewer};
use crate::graphql::errors::{AppError, AppResult};
use crate::graphql::ids::{NodeType, decode_as};
use crate::graphql::scalars::{Date, Url};
use crate::graphql::{DeletePayload, IdInput};
use crate::payload_edge;
use crate::skills::graphql::{RemoveSkillPayload, Skill, SkillRefInput, resolve_skill};
use crate::skills::store as skills_store;
use crate::validate::{self, field, labels_field, text, url};

/// The principal and a connection: what every mutation starts from.
async fn begin(ctx: &Context<'_>) -> AppResult<(Principal, DbConn)> {
    let who = viewer(ctx)?.principal();
    Ok((who, services(ctx).pool.get().await?))
}

/// Checks an optional text input of a create mutation.
fn optional(name: &'static str, value: Option<String>, max: usize) -> AppResult<Option<String>> {
    value.map(text(name, max)).transpose()
}

fn ordered_dates(start: Option<Date>, end: Option<Date>) -> AppResult<()> {
    match (start, end) {
        (Some(start), Some(end)) if end < start => Err(AppError::bad_input(
            "endDate",
            format!("endDate ({}) is before startDate ({})", end.0, start.0),
        )),
        _ => Ok(()),
    }
}

/// The value after an update: the new one if given, else the current one.
fn after_update<T: Copy>(change: Option<Option<T>>, current: Option<T>) -> Option<T> {
    change.unwrap_or(current)
}

/// A project belongs to an experience, to an education, or to neither; never to both.
fn one_parent(experience: Option<Uuid>, education: Option<Uuid>) -> AppResult<()> {
    if experience.is_some() && education.is_some() {
        return Err(AppError::bad_input(
            "educationId",
            "a project belongs to an experience or to an education, not both",
        ));
    }
    Ok(())
}

fn tags(name: &'static str, values: Vec<String>) -> AppResult<Vec<String>> {
    validate::labels(name, &values, 30, 100)
}

/// A score from 0 to 1 (a relevance).
fn ratio(name: &'static str) -> impl Fn(f64) -> AppResult<f64> {
    move |value| {
        if value.is_finite() && (0.0..=1.0).contains(&value) {
            Ok(value)
        } else {
            Err(AppError::bad_input(
                name,
                format!("{name} must be between 0 and 1, got {value}"),
            ))
        }
    }
}

/// How relevant a bullet is to one tag (ETPS `relevance_scores`).
#[derive(InputObject)]
pub struct RelevanceScoreInput {
    /// The tag, e.g. "ai_governance" (1 to 100 characters; unique in the list, ignoring case).
    pub tag: String,
    /// From 0 (not relevant) to 1 (as relevant as can be).
    pub score: f64,
}

/// A bullet's relevance scores as stored: a JSON object tag -> score. At most 30 tags, each
/// once (ignoring case), each score 0 to 1.
fn relevance_scores(values: Vec<RelevanceScoreInput>) -> AppResult<serde_json::Value> {
    const FIELD: &str = "relevanceScores";
    if values.len() > 30 {
        return Err(AppError::bad_input(
            FIELD,
            format!("{FIELD} has {} entries; at most 30 are allowed", values.len()),
        ));
    }
    let mut scores = serde_json::Map::with_capacity(values.len());
    for value in values {
        let tag = validate::text_of(FIELD, &value.tag, 100)?;
        if scores
            .keys()
            .any(|seen| seen.to_lowercase() == tag.to_lowercase())
        {
            return Err(AppError::bad_input(
                FIELD,
                format!("the tag `{tag}` is given twice in {FIELD}"),
            ));
        }
        let score = ratio(FIELD)(value.score)?;
        scores.insert(tag, serde_json::Value::from(score));
    }
    Ok(serde_json::Value::Object(scores))
}

/// A strategy label: how a bullet's text was written.
fn strategy(value: String) -> AppResult<String> {
    validate::text_of("strategy", &value, 50)
}

async fn experience(
    conn: &mut AsyncPgConnection,
    who: Principal,
    id: &ID,
    field: &str,
) -> AppResult<Experience> {
    let id = decode_as(id, NodeType::Experience, field)?;
    store::experience_of(conn, who, id)
        .await?
        .ok_or(AppError::NotFound("Experience"))
}

/// A bullet's engagement must belong to the bullet's experience.
async fn engagement_in(
    conn: &mut AsyncPgConnection,
    who: Principal,
    id: &ID,
    experience_id: Uuid,
) -> AppResult<Uuid> {
    let id = decode_as(id, NodeType::Engagement, "engagementId")?;
    match store::engagement_of(conn, who, id).await? {
        Some(engagement) if engagement.experience_id == experience_id => Ok(id),
        Some(_) => Err(AppError::bad_input(
            "engagementId",
            "the engagement belongs to another experience",
        )),
        None => Err(AppError::NotFound("Engagement")),
    }
}

/// The truthfulness rule (ETPS; docs/domain.md "Truthfulness"): once an application uses an
/// experience, what it states about the role (title, employer, location) stays as it was sent.
fn truthful(current: &Experience, changes: &ExperienceChanges) -> AppResult<()> {
    let changed = [
        (
            "jobTitle",
            changes
                .job_title
                .as_ref()
                .is_some_and(|v| *v != current.job_title),
        ),
        (
            "companyName",
            changes
                .company_name
                .as_ref()
                .is_some_and(|v| *v != current.company_name),
        ),
        (
            "location",
            changes.location.as_ref().is_some_and(|v| *v != current.location),
        ),
    ];
    match changed.iter().find(|(_, changed)| *changed) {
        Some((field, _)) => Err(AppError::bad_input(
            *field,
            format!(
                "truthfulness rule: {field} cannot change once an application uses the experience \
                 (a resume snapshot or an artifact); fix a typo with correctExperienceFacts"
            ),
        )),
        None => Ok(()),
    }
}

/// The edits that turn `a` into `b` (Levenshtein distance over characters).
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let above = row[j + 1];
            row[j + 1] = (above + 1).min(row[j] + 1).min(diagonal + usize::from(ca != *cb));
            diagonal = above;
        }
    }
    row[b.len()]
}

/// A correction may fix a typo, not state another fact: letter case aside, at most a quarter of
/// the current value's characters change (at least 1, at most 3). A location that was never
/// set has no typo to fix.
fn typo_fix(field: &str, current: Option<&str>, wanted: Option<&str>) -> AppResult<()> {
    let Some(wanted) = wanted else {
        return Ok(());
    };
    let Some(current) = current else {
        return Err(AppError::bad_input(
            field,
            format!("truthfulness rule: {field} is not set, so there is no typo to correct"),
        ));
    };
    let allowed = (current.chars().count() / 4).clamp(1, 3);
    if edit_distance(&current.to_lowercase(), &wanted.to_lowercase()) > allowed {
        return Err(AppError::bad_input(
            field,
            format!(
                "truthfulness rule: a correction fixes a typo, at most {allowed} characters of {field}; \
                 a different fact is a different experience"
            ),
        ));
    }
    Ok(())
}

/// The new order.
#[derive(SimpleObject)]
pub struct ReorderPayload {
    /// The ids, in their new order.
    pub ordered_ids: Vec<ID>,
}

/// Every child of a parent, in the order wanted.
#[derive(InputObject)]
pub struct ReorderInput {
    /// The parent (an experience); omitted when reordering experiences.
    pub parent_id: Option<ID>,
    /// Each child's id exactly once.
    pub ids: Vec<ID>,
}

async fn delete<T: Guarded>(ctx: &Context<'_>, node: NodeType, id: ID) -> AppResult<DeletePayload> {
    let (who, mut conn) = begin(ctx).await?;
    let uuid = decode_as(&id, node, "id")?;
    if !store::delete_row::<T>(&mut conn, who, uuid).await? {
        return Err(AppError::NotFound(node.name()));
    }
    Ok(DeletePayload { deleted_id: id })
}

/// Reorders the children of an experience (or, for experiences, of the viewer).
async fn reorder<T: Guarded>(
    ctx: &Context<'_>,
    node: NodeType,
    input: ReorderInput,
) -> AppResult<ReorderPayload> {
    let (who, mut conn) = begin(ctx).await?;
    let parent = match (&input.parent_id, node) {
        (None, NodeType::Experience) => Parent::User,
        (Some(_), NodeType::Experience) => {
            return Err(AppError::bad_input(
                "parentId",
                "experiences have no parent; omit parentId",
            ));
        }
        (Some(id), _) => Parent::Experience(decode_as(id, NodeType::Experience, "parentId")?),
        (None, _) => {
            return Err(AppError::bad_input(
                "parentId",
                "name the experience whose children to reorder",
            ));
        }
    };
    let ids = input
        .ids
        .iter()
        .map(|id| decode_as(id, node, "ids"))
        .collect::<AppResult<Vec<_>>>()?;
    let reordered = conn
        .transaction::<_, AppError, _>(async |conn| {
            // With the parent locked, no child is created between checking the ids against the
            // children and writing their positions.
            if !store::lock_parent(conn, who, parent).await? {
                return Err(AppError::NotFound("Experience"));
            }
            Ok(store::reorder_rows::<T>(conn, who, parent, &ids).await?)
        })
        .await?;
    if !reordered {
        return Err(AppError::bad_input(
            "ids",
            format!("ids must name every {} of the parent exactly once", node.name()),
        ));
    }
    Ok(ReorderPayload {
        ordered_ids: input.ids,
    })
}

/// The fields of a new experience.
#[derive(InputObject)]
pub struct CreateExperienceInput {
    /// 1 to 200 characters.
    pub company_name: String,
    /// 1 to 200 characters.
    pub job_title: String,
    /// The kind of work; choose `INDEPENDENT_CONSULTING` to record client engagements under it.
    pub employment_type: EmploymentType,
    /// The first day in the role.
    pub start_date: Date,
    /// Null or absent while current; not before startDate.
    pub end_date: Option<Date>,
    /// Up to 200 characters.
    pub location: Option<String>,
    /// Up to 2,000 characters.
    pub company_description: Option<String>,
    /// Up to 5,000 characters.
    pub summary: Option<String>,
    /// SHARED (the default) or PRIVATE: a private record is never shown to an organisation,
    /// never put in a shared snapshot, and left out of tailoring.
    pub visibility: Option<Visibility>,
    /// Anything else about the role, up to 5,000 characters.
    pub details: Option<String>,
    /// AI systems built in the role (ETPS `ai_systems_built`): up to 30 entries of up to 100
    /// characters; duplicates (ignoring case) are dropped.
    #[graphql(default)]
    pub ai_systems_built: Vec<String>,
    /// Governance frameworks created in the role (ETPS `governance_frameworks_created`): up to
    /// 30 entries of up to 100 characters; duplicates (ignoring case) are dropped.
    #[graphql(default)]
    pub governance_frameworks_created: Vec<String>,
    /// Relevance to the candidate's target domain, 0 to 1.
    pub domain_relevance: Option<f64>,
    /// A brief summary of the role, up to 2,000 characters.
    pub role_summary: Option<String>,
    /// Tools and technologies used, as free text: up to 50 entries of up to 100 characters;
    /// duplicates (ignoring case) are dropped.
    #[graphql(default)]
    pub tools_and_technologies: Vec<String>,
}

/// Leave a field out to keep it; send null to clear an optional one.
#[derive(InputObject)]
pub struct UpdateExperienceInput {
    /// The experience to change.
    pub id: ID,
    /// 1 to 200 characters. Left out: unchanged. Fixed once an application uses the experience
    /// (the truthfulness rule: `BAD_USER_INPUT`; a typo goes through `correctExperienceFacts`).
    pub company_name: Option<String>,
    /// 1 to 200 characters. Left out: unchanged. Fixed once an application uses the experience
    /// (the truthfulness rule: `BAD_USER_INPUT`; a typo goes through `correctExperienceFacts`).
    pub job_title: Option<String>,
    /// Cannot move away from INDEPENDENT_CONSULTING while the experience has engagements.
    pub employment_type: Option<EmploymentType>,
    /// The first day in the role. Left out: unchanged.
    pub start_date: Option<Date>,
    /// Null or absent while current; not before startDate. Left out: unchanged; `null` clears it.
    pub end_date: MaybeUndefined<Date>,
    /// Up to 200 characters. Left out: unchanged; `null` clears it. Fixed once an application
    /// uses the experience, like `jobTitle`.
    pub location: MaybeUndefined<String>,
    /// Up to 2,000 characters. Left out: unchanged; `null` clears it.
    pub company_description: MaybeUndefined<String>,
    /// Up to 5,000 characters. Left out: unchanged; `null` clears it.
    pub summary: MaybeUndefined<String>,
    /// SHARED or PRIVATE (a private record never leaves the candidate). Left out: unchanged.
    pub visibility: Option<Visibility>,
    /// Up to 5,000 characters. Left out: unchanged; `null` clears it.
    pub details: MaybeUndefined<String>,
    /// Up to 30 entries of up to 100 characters. Left out: unchanged; `null` clears the list.
    pub ai_systems_built: MaybeUndefined<Vec<String>>,
    /// Up to 30 entries of up to 100 characters. Left out: unchanged; `null` clears the list.
    pub governance_frameworks_created: MaybeUndefined<Vec<String>>,
    /// Relevance to the candidate's target domain, 0 to 1. Left out: unchanged; `null` clears it.
    pub domain_relevance: MaybeUndefined<f64>,
    /// Up to 2,000 characters. Left out: unchanged; `null` clears it.
    pub role_summary: MaybeUndefined<String>,
    /// Up to 50 entries of up to 100 characters. Left out: unchanged; `null` clears the list.
    pub tools_and_technologies: MaybeUndefined<Vec<String>>,
}

/// A typo fix in an experience's fixed facts (the truthfulness rule). Each field given may
/// differ from the current value by at most a few characters, letter case aside (a quarter of
/// its length, at least 1 and at most 3 edits); anything more is a different fact.
#[derive(InputObject)]
pub struct CorrectExperienceFactsInput {
    /// The experience to correct (one of the viewer's).
    pub id: ID,
    /// The corrected job title, 1 to 200 characters. Left out: unchanged.
    pub job_title: Option<String>,
    /// The corrected employer name, 1 to 200 characters. Left out: unchanged.
    pub company_name: Option<String>,
    /// The corrected location, 1 to 200 characters (a correction never clears it). Left out:
    /// unchanged.
    pub location: Option<String>,
}

/// What the mutation answers: the experience as it now is.
#[derive(SimpleObject)]
#[graphql(complex)]
pub struct ExperiencePayload {
    /// The experience as it now is.
    pub experience: Experience,
}

payload_edge!(ExperiencePayload.experience_edge: Experience = experience, id experience.id);

/// The fields of a new engagement.
#[derive(InputObject)]
pub struct CreateEngagementInput {
    /// An INDEPENDENT_CONSULTING experience.
    pub experience_id: ID,
    /// Up to 200 characters.
    pub client: Option<String>,
    /// Up to 500 characters.
    pub project_name: Option<String>,
    /// Advisory, product build or implementation.
    pub project_type: Option<ProjectType>,
    /// Up to 100 characters, e.g. "Q1 2024".
    pub date_range_label: Option<String>,
    /// Up to 30 tags of up to 100 characters.
    #[graphql(default)]
    pub domain_tags: Vec<String>,
    /// Up to 30 tags of up to 100 characters.
    #[graphql(default)]
    pub tech_tags: Vec<String>,
}

/// Changes to a engagement: a field left out stays as it is, and `null` clears an optional one.
#[derive(InputObject)]
pub struct UpdateEngagementInput {
    /// The engagement to change.
    pub id: ID,
    /// Up to 200 characters. Left out: unchanged; `null` clears it.
    pub client: MaybeUndefined<String>,
    /// Up to 500 characters. Left out: unchanged; `null` clears it.
    pub project_name: MaybeUndefined<String>,
    /// Advisory, product build or implementation. Left out: unchanged; `null` clears it.
    pub project_type: MaybeUndefined<ProjectType>,
    /// Up to 100 characters, e.g. "Q1 2024". Left out: unchanged; `null` clears it.
    pub date_range_label: MaybeUndefined<String>,
    /// Up to 30 tags of up to 100 characters. Left out: unchanged; `null` clears it.
    pub domain_tags: MaybeUndefined<Vec<String>>,
    /// Up to 30 tags of up to 100 characters. Left out: unchanged; `null` clears it.
    pub tech_tags: MaybeUndefined<Vec<String>>,
}

/// What the mutation answers: the engagement as it now is.
#[derive(SimpleObject)]
#[graphql(complex)]
pub struct EngagementPayload {
    /// The engagement as it now is.
    pub engagement: Engagement,
}

payload_edge!(EngagementPayload.engagement_edge: Engagement = engagement, id engagement.id);

/// The fields of a new project.
#[derive(InputObject)]
pub struct CreateProjectInput {
    /// The experience it belongs to; omit for a personal project.
    pub experience_id: Option<ID>,
    /// 1 to 200 characters.
    pub name: String,
    /// Up to 5,000 characters.
    pub description: Option<String>,
    /// Up to 200 characters.
    pub role: Option<String>,
    /// Up to 100 characters.
    pub category: Option<String>,
    /// Up to 500 characters.
    pub impact_metric: Option<String>,
    /// A github.com URL.
    pub github_url: Option<Url>,
    /// Any http(s) URL.
    pub live_url: Option<Url>,
    /// When work on it began.
    pub start_date: Option<Date>,
    /// Not before startDate.
    pub end_date: Option<Date>,
    /// SHARED (the default) or PRIVATE: a private record is never shown to an organisation,
    /// never put in a shared snapshot, and left out of tailoring.
    pub visibility: Option<Visibility>,
    /// The education it belongs to (a thesis, a course project); not together with
    /// `experienceId`: a project belongs to one of them or to neither.
    pub education_id: Option<ID>,
    /// Up to 5,000 characters.
    pub details: Option<String>,
    /// A label of up to 100 characters, e.g. "thesis".
    pub experience_type: Option<String>,
    /// Up to 30 tags of up to 100 characters.
    #[graphql(default)]
    pub tags: Vec<String>,
    /// Relevance to the candidate's target domain, 0 to 1.
    pub domain_relevance: Option<f64>,
}

/// Changes to a project: a field left out stays as it is, and `null` clears an optional one.
#[derive(InputObject)]
pub struct UpdateProjectInput {
    /// The project to change.
    pub id: ID,
    /// Moves the project to another of the viewer's experiences; null makes it personal.
    pub experience_id: MaybeUndefined<ID>,
    /// 1 to 200 characters. Left out: unchanged.
    pub name: Option<String>,
    /// Up to 5,000 characters. Left out: unchanged; `null` clears it.
    pub description: MaybeUndefined<String>,
    /// Up to 200 characters. Left out: unchanged; `null` clears it.
    pub role: MaybeUndefined<String>,
    /// Up to 100 characters. Left out: unchanged; `null` clears it.
    pub category: MaybeUndefined<String>,
    /// Up to 500 characters. Left out: unchanged; `null` clears it.
    pub impact_metric: MaybeUndefined<String>,
    /// A github.com URL. Left out: unchanged; `null` clears it.
    pub github_url: MaybeUndefined<Url>,
    /// Any http(s) URL. Left out: unchanged; `null` clears it.
    pub live_url: MaybeUndefined<Url>,
    /// When work on it began. Left out: unchanged; `null` clears it.
    pub start_date: MaybeUndefined<Date>,
    /// Not before startDate. Left out: unchanged; `null` clears it.
    pub end_date: MaybeUndefined<Date>,
    /// SHARED or PRIVATE (a private record never leaves the candidate). Left out: unchanged.
    pub visibility: Option<Visibility>,
    /// Moves the project under one of the viewer's education entries; null detaches it. A
    /// project cannot end up under both an experience and an education (`BAD_USER_INPUT`): send
    /// `experienceId: null` to move it from an experience. Left out: unchanged.
    pub education_id: MaybeUndefined<ID>,
    /// Up to 5,000 characters. Left out: unchanged; `null` clears it.
    pub details: MaybeUndefined<String>,
    /// A label of up to 100 characters. Left out: unchanged; `null` clears it.
    pub experience_type: MaybeUndefined<String>,
    /// Up to 30 tags of up to 100 characters. Left out: unchanged; `null` clears them.
    pub tags: MaybeUndefined<Vec<String>>,
    /// Relevance to the candidate's target domain, 0 to 1. Left out: unchanged; `null` clears it.
    pub domain_relevance: MaybeUndefined<f64>,
}

/// What the mutation answers: the project as it now is.
#[derive(SimpleObject)]
#[graphql(complex)]
pub struct ProjectPayload {
    /// The project as it now is.
    pub project: Project,
}

payload_edge!(ProjectPayload.project_edge: Project = project, id project.id);

/// The fields of a new star story.
#[derive(InputObject)]
pub struct CreateStarStoryInput {
    /// The experience the story comes from (one of the viewer's).
    pub experience_id: ID,
    /// Up to 200 characters.
    pub title: Option<String>,
    /// 1 to 5,000 characters.
    pub situation: String,
    /// 1 to 5,000 characters.
    pub task: String,
    /// 1 to 5,000 characters.
    pub action: String,
    /// 1 to 5,000 characters.
    pub result: String,
    /// From the fixed set; duplicates are dropped.
    #[graphql(default)]
    pub tags: Vec<StarTag>,
    /// SHARED (the default) or PRIVATE: a private record is never shown to an organisation,
    /// never put in a shared snapshot, and left out of tailoring.
    pub visibility: Option<Visibility>,
}

/// Changes to a star story: a field left out stays as it is, and `null` clears an optional one.
#[derive(InputObject)]
pub struct UpdateStarStoryInput {
    /// The star story to change.
    pub id: ID,
    /// Up to 200 characters. Left out: unchanged; `null` clears it.
    pub title: MaybeUndefined<String>,
    /// 1 to 5,000 characters. Left out: unchanged.
    pub situation: Option<String>,
    /// 1 to 5,000 characters. Left out: unchanged.
    pub task: Option<String>,
    /// 1 to 5,000 characters. Left out: unchanged.
    pub action: Option<String>,
    /// 1 to 5,000 characters. Left out: unchanged.
    pub result: Option<String>,
    /// From the fixed set; duplicates are dropped. Left out: unchanged.
    pub tags: Option<Vec<StarTag>>,
    /// SHARED or PRIVATE (a private record never leaves the candidate). Left out: unchanged.
    pub visibility: Option<Visibility>,
}

/// What the mutation answers: the star story as it now is.
#[derive(SimpleObject)]
#[graphql(complex)]
pub struct StarStoryPayload {
    /// The star story as it now is.
    pub star_story: StarStory,
}

payload_edge!(StarStoryPayload.star_story_edge: StarStory = star_story, id star_story.id);

/// The fields of a new bullet.
#[derive(InputObject)]
pub struct CreateBulletInput {
    /// The experience the bullet is about (one of the viewer's).
    pub experience_id: ID,
    /// One of the experience's engagements.
    pub engagement_id: Option<ID>,
    /// 1 to 1,000 characters.
    pub text: String,
    /// Up to 30 tags of up to 100 characters.
    #[graphql(default)]
    pub tags: Vec<String>,
    /// Achievement, responsibility or metric impact.
    pub bullet_type: Option<BulletType>,
    /// Up to 50 characters, e.g. "director".
    pub seniority_level: Option<String>,
    /// How much the bullet matters when a CV is tailored.
    pub importance: Option<Importance>,
    /// Up to 5,000 characters.
    pub star_notes: Option<String>,
    /// SHARED (the default) or PRIVATE: a private record is never shown to an organisation,
    /// never put in a shared snapshot, and left out of tailoring.
    pub visibility: Option<Visibility>,
    /// How relevant the bullet is to each tag: up to 30 tags, each once (ignoring case), each
    /// scored 0 to 1.
    #[graphql(default)]
    pub relevance_scores: Vec<RelevanceScoreInput>,
    /// Prefer it when tailoring (chosen, and put first among its experience's bullets); false
    /// when omitted.
    #[graphql(default)]
    pub lead_with: bool,
    /// How the text was written, e.g. "manual" or "keywords" (1 to 50 characters).
    pub strategy: Option<String>,
}

/// A new `text` keeps the previous one in `versions`.
#[derive(InputObject)]
pub struct UpdateBulletInput {
    /// The bullet to change.
    pub id: ID,
    /// 1 to 1,000 characters. Left out: unchanged.
    pub text: Option<String>,
    /// One of the experience's engagements. Left out: unchanged; `null` clears it.
    pub engagement_id: MaybeUndefined<ID>,
    /// Up to 30 tags of up to 100 characters. Left out: unchanged; `null` clears it.
    pub tags: MaybeUndefined<Vec<String>>,
    /// Achievement, responsibility or metric impact. Left out: unchanged; `null` clears it.
    pub bullet_type: MaybeUndefined<BulletType>,
    /// Up to 50 characters, e.g. "director". Left out: unchanged; `null` clears it.
    pub seniority_level: MaybeUndefined<String>,
    /// How much the bullet matters when a CV is tailored. Left out: unchanged; `null` clears it.
    pub importance: MaybeUndefined<Importance>,
    /// Up to 5,000 characters. Left out: unchanged; `null` clears it.
    pub star_notes: MaybeUndefined<String>,
    /// SHARED or PRIVATE (a private record never leaves the candidate). Left out: unchanged.
    pub visibility: Option<Visibility>,
    /// Replaces every relevance score: up to 30 tags, each once (ignoring case), each scored
    /// 0 to 1. Left out: unchanged; `null` clears them.
    pub relevance_scores: MaybeUndefined<Vec<RelevanceScoreInput>>,
    /// Prefer it when tailoring (chosen, and put first among its experience's bullets). Left
    /// out: unchanged.
    pub lead_with: Option<bool>,
    /// How the text was written (1 to 50 characters). With a new `text` it labels that text
    /// (left out: not known, null); without one it relabels the current text. `null` clears it.
    pub strategy: MaybeUndefined<String>,
}

/// What the mutation answers: the bullet as it now is.
#[derive(SimpleObject)]
#[graphql(complex)]
pub struct BulletPayload {
    /// The bullet as it now is.
    pub bullet: Bullet,
}

payload_edge!(BulletPayload.bullet_edge: Bullet = bullet, id bullet.id);

/// The fields of a new education.
#[derive(InputObject)]
pub struct CreateEducationInput {
    /// 1 to 200 characters.
    pub institution_name: String,
    /// Up to 200 characters.
    pub degree: Option<String>,
    /// Up to 200 characters.
    pub field_of_study: Option<String>,
    /// Up to 200 characters.
    pub minor: Option<String>,
    /// 0 to 10.
    pub gpa: Option<f64>,
    /// Up to 200 characters.
    pub location: Option<String>,
    /// When it began.
    pub start_date: Option<Date>,
    /// Not before startDate.
    pub end_date: Option<Date>,
    /// Still studying there; false when omitted.
    #[graphql(default)]
    pub is_current: bool,
    /// Up to 5,000 characters.
    pub details: Option<String>,
}

/// Changes to a education: a field left out stays as it is, and `null` clears an optional one.
#[derive(InputObject)]
pub struct UpdateEducationInput {
    /// The education to change.
    pub id: ID,
    /// 1 to 200 characters. Left out: unchanged.
    pub institution_name: Option<String>,
    /// Up to 200 characters. Left out: unchanged; `null` clears it.
    pub degree: MaybeUndefined<String>,
    /// Up to 200 characters. Left out: unchanged; `null` clears it.
    pub field_of_study: MaybeUndefined<String>,
    /// Up to 200 characters. Left out: unchanged; `null` clears it.
    pub minor: MaybeUndefined<String>,
    /// 0 to 10. Left out: unchanged; `null` clears it.
    pub gpa: MaybeUndefined<f64>,
    /// Up to 200 characters. Left out: unchanged; `null` clears it.
    pub location: MaybeUndefined<String>,
    /// When it began. Left out: unchanged; `null` clears it.
    pub start_date: MaybeUndefined<Date>,
    /// Not before startDate. Left out: unchanged; `null` clears it.
    pub end_date: MaybeUndefined<Date>,
    /// Still studying there. Left out: unchanged.
    pub is_current: Option<bool>,
    /// Up to 5,000 characters. Left out: unchanged; `null` clears it.
    pub details: MaybeUndefined<String>,
}

/// What the mutation answers: the education as it now is.
#[derive(SimpleObject)]
#[graphql(complex)]
pub struct EducationPayload {
    /// The education as it now is.
    pub education: Education,
}

payload_edge!(EducationPayload.education_edge: Education = education, id education.id);

/// The fields of a new strength.
#[derive(InputObject)]
pub struct CreateStrengthInput {
    /// 1 to 100 characters.
    pub name: String,
    /// Up to 2,000 characters.
    pub description: Option<String>,
}

/// Changes to a strength: a field left out stays as it is, and `null` clears an optional one.
#[derive(InputObject)]
pub struct UpdateStrengthInput {
    /// The strength to change.
    pub id: ID,
    /// 1 to 100 characters. Left out: unchanged.
    pub name: Option<String>,
    /// Up to 2,000 characters. Left out: unchanged; `null` clears it.
    pub description: MaybeUndefined<String>,
}

/// What the mutation answers: the strength as it now is.
#[derive(SimpleObject)]
#[graphql(complex)]
pub struct StrengthPayload {
    /// The strength as it now is.
    pub strength: Strength,
}

payload_edge!(StrengthPayload.strength_edge: Strength = strength, id strength.id);

fn gpa(value: f64) -> AppResult<f64> {
    if (0.0..=10.0).contains(&value) {
        Ok(value)
    } else {
        Err(AppError::bad_input(
            "gpa",
            format!("gpa must be between 0 and 10, got {value}"),
        ))
    }
}

fn star_tags(values: Vec<StarTag>) -> Vec<StarTag> {
    let mut unique = Vec::with_capacity(values.len());
    for tag in values {
        if !unique.contains(&tag) {
            unique.push(tag);
        }
    }
    unique
}

/// Adds a skill to a project's tech stack.
#[derive(InputObject)]
pub struct ProjectSkillInput {
    /// The project (one of the viewer's).
    pub project_id: ID,
    #[graphql(flatten)]
    pub skill: SkillRefInput,
}

/// Removes a skill from a project's tech stack.
#[derive(InputObject)]
pub struct RemoveProjectSkillInput {
    /// The project (one of the viewer's).
    pub project_id: ID,
    /// The skill to take out of its tech stack.
    pub skill_id: ID,
}

/// What `addProjectSkill` answers: the project and the skill now in its tech stack.
#[derive(SimpleObject)]
pub struct ProjectSkillPayload {
    /// The project.
    pub project: Project,
    /// The skill added.
    pub skill: Skill,
}

#[derive(Default)]
pub struct CareerMutation;

#[Object]
impl CareerMutation {
    /// Adds an experience, last in the candidate's order.
    async fn create_experience(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "The mutation's arguments: see `CreateExperienceInput`. Every field is checked before anything is written."
        )]
        input: CreateExperienceInput,
    ) -> AppResult<ExperiencePayload> {
        let new = NewExperience {
            company_name: validate::text_of("companyName", &input.company_name, 200)?,
            job_title: validate::text_of("jobTitle", &input.job_title, 200)?,
            employment_type: input.employment_type,
            start_date: input.start_date,
            end_date: input.end_date,
            location: optional("location", input.location, 200)?,
            company_description: optional("companyDescription", input.company_description, 2000)?,
            summary: optional("summary", input.summary, 5000)?,
            visibility: input.visibility,
            details: optional("details", input.details, 5000)?,
        };
        let extras = ExperienceExtras {
            ai_systems_built: tags("aiSystemsBuilt", input.ai_systems_built)?,
            governance_frameworks_created: tags(
                "governanceFrameworksCreated",
                input.governance_frameworks_created,
            )?,
            domain_relevance: input.domain_relevance.map(ratio("domainRelevance")).transpose()?,
            role_summary: optional("roleSummary", input.role_summary, 2000)?,
            tools_and_technologies: validate::labels(
                "toolsAndTechnologies",
                &input.tools_and_technologies,
                50,
                100,
            )?,
        };
        ordered_dates(Some(new.start_date), new.end_date)?;
        let (who, mut conn) = begin(ctx).await?;
        let experience = store::insert_experience_with(&mut conn, who, &new, &extras)
            .await?
            .ok_or(AppError::Unauthenticated(
                "the account no longer exists or is deactivated",
            ))?;
        Ok(ExperiencePayload { experience })
    }

    /// Changes an experience.
    async fn update_experience(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "The mutation's arguments: see `UpdateExperienceInput`. Every field is checked before anything is written."
        )]
        input: UpdateExperienceInput,
    ) -> AppResult<ExperiencePayload> {
        let changes = ExperienceChanges {
            company_name: input.company_name.map(text("companyName", 200)).transpose()?,
            job_title: input.job_title.map(text("jobTitle", 200)).transpose()?,
            employment_type: input.employment_type,
            start_date: input.start_date,
            end_date: field(input.end_date, Ok)?,
            location: field(input.location, text("location", 200))?,
            company_description: field(input.company_description, text("companyDescription", 2000))?,
            summary: field(input.summary, text("summary", 5000))?,
            visibility: input.visibility,
            details: field(input.details, text("details", 5000))?,
            ai_systems_built: labels_field(input.ai_systems_built, "aiSystemsBuilt", 30)?,
            governance_frameworks_created: labels_field(
                input.governance_frameworks_created,
                "governanceFrameworksCreated",
                30,
            )?,
            domain_relevance: field(input.domain_relevance, ratio("domainRelevance"))?,
            role_summary: field(input.role_summary, text("roleSummary", 2000))?,
            tools_and_technologies: labels_field(input.tools_and_technologies, "toolsAndTechnologies", 50)?,
        };
        let (who, mut conn) = begin(ctx).await?;
        let id = decode_as(&input.id, NodeType::Experience, "id")?;
        let experience = conn
            .transaction::<_, AppError, _>(async |conn| {
                let (current, in_use) = store::lock_experience_in_use(conn, who, id)
                    .await?
                    .ok_or(AppError::NotFound("Experience"))?;
                ordered_dates(
                    Some(changes.start_date.unwrap_or(current.start_date)),
                    after_update(changes.end_date, current.end_date),
                )?;
                if in_use {
                    truthful(&current, &changes)?;
                }
                // The database refuses to take a consulting experience with engagements away
                // from consulting, also when an engagement is being created at the same moment.
                store::update_experience(conn, who, current.id, &changes)
                    .await?
                    .ok_or(AppError::NotFound("Experience"))
            })
            .await?;
        Ok(ExperiencePayload { experience })
    }

    /// Fixes a typo in an experience's job title, employer or location, which the truthfulness
    /// rule otherwise keeps fixed once an application uses the experience. Each value may differ
    /// from the current one by a few characters only (`BAD_USER_INPUT` otherwise, naming the
    /// field); the audit log records the change as a `fact_correction`. `NOT_FOUND` if the
    /// experience is not the viewer's.
    async fn correct_experience_facts(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "The mutation's arguments: see `CorrectExperienceFactsInput`. Every field is checked before anything is written."
        )]
        input: CorrectExperienceFactsInput,
    ) -> AppResult<ExperiencePayload> {
        let job_title = input.job_title.map(text("jobTitle", 200)).transpose()?;
        let company_name = input.company_name.map(text("companyName", 200)).transpose()?;
        let location = input.location.map(text("location", 200)).transpose()?;
        if job_title.is_none() && company_name.is_none() && location.is_none() {
            return Err(AppError::bad_input(
                "id",
                "name at least one of jobTitle, companyName and location to correct",
            ));
        }
        let (who, mut conn) = begin(ctx).await?;
        let id = decode_as(&input.id, NodeType::Experience, "id")?;
        let experience = conn
            .transaction::<_, AppError, _>(async |conn| {
                let (current, _) = store::lock_experience_in_use(conn, who, id)
                    .await?
                    .ok_or(AppError::NotFound("Experience"))?;
                typo_fix("jobTitle", Some(&current.job_title), job_title.as_deref())?;
                typo_fix(
                    "companyName",
                    Some(&current.company_name),
                    company_name.as_deref(),
                )?;
                typo_fix("location", current.location.as_deref(), location.as_deref())?;
                store::mark_as_correction(conn).await?;
                let changes = ExperienceChanges {
                    job_title,
                    company_name,
                    location: location.map(Some),
                    ..ExperienceChanges::default()
                };
                store::update_experience(conn, who, current.id, &changes)
                    .await?
                    .ok_or(AppError::NotFound("Experience"))
            })
            .await?;
        Ok(ExperiencePayload { experience })
    }

    /// Deletes an experience with everything under it (engagements, projects, STAR stories,
    /// bullets, skill links).
    async fn delete_experience(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "The mutation's arguments: see `IdInput`. Every field is checked before anything is written."
        )]
        input: IdInput,
    ) -> AppResult<DeletePayload> {
        delete::<experiences::table>(ctx, NodeType::Experience, input.id).await
    }

    /// Puts the candidate's experiences in the given order (every experience, once).
    async fn reorder_experiences(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "The mutation's arguments: see `ReorderInput`. Every field is checked before anything is written."
        )]
        input: ReorderInput,
    ) -> AppResult<ReorderPayload> {
        reorder::<experiences::table>(ctx, NodeType::Experience, input).await
    }

    /// Adds a client engagement to an independent-consulting experience.
    async fn create_engagement(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "The mutation's arguments: see `CreateEngagementInput`. Every field is checked before anything is written."
        )]
        input: CreateEngagementInput,
    ) -> AppResult<EngagementPayload> {
        let client = optional("client", input.client, 200)?;
        let project_name = optional("projectName", input.project_name, 500)?;
        let date_range_label = optional("dateRangeLabel", input.date_range_label, 100)?;
        let domain_tags = tags("domainTags", input.domain_tags)?;
        let tech_tags = tags("techTags", input.tech_tags)?;
        let experience_id = decode_as(&input.experience_id, NodeType::Experience, "experienceId")?;
        let (who, mut conn) = begin(ctx).await?;
        // The database refuses an engagement under an experience that is not (or, at the same
        // moment, stops being) independent consulting.
        let new = NewEngagement {
            experience_id,
            client,
            project_name,
            project_type: input.project_type,
            date_range_label,
            domain_tags,
            tech_tags,
        };
        let engagement = store::insert_engagement(&mut conn, who, &new)
            .await?
            .ok_or(AppError::NotFound("Experience"))?;
        Ok(EngagementPayload { engagement })
    }

    /// Changes an engagement.
    async fn update_engagement(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "The mutation's arguments: see `UpdateEngagementInput`. Every field is checked before anything is written."
        )]
        input: UpdateEngagementInput,
    ) -> AppResult<EngagementPayload> {
        let changes = EngagementChanges {
            client: field(input.client, text("client", 200))?,
            project_name: field(input.project_name, text("projectName", 500))?,
            project_type: field(input.project_type, Ok)?,
            date_range_label: field(input.date_range_label, text("dateRangeLabel", 100))?,
            domain_tags: labels_field(input.domain_tags, "domainTags", 30)?,
            tech_tags: labels_field(input.tech_tags, "techTags", 30)?,
        };
        let id = decode_as(&input.id, NodeType::Engagement, "id")?;
        let (who, mut conn) = begin(ctx).await?;
        let engagement = store::update_engagement(&mut conn, who, id, &changes)
            .await?
            .ok_or(AppError::NotFound("Engagement"))?;
        Ok(EngagementPayload { engagement })
    }

    /// Deletes an engagement and its bullets.
    async fn delete_engagement(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "The mutation's arguments: see `IdInput`. Every field is checked before anything is written."
        )]
        input: IdInput,
    ) -> AppResult<DeletePayload> {
        delete::<engagements::table>(ctx, NodeType::Engagement, input.id).await
    }

    /// Puts an experience's engagements in the given order.
    async fn reorder_engagements(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "The mutation's arguments: see `ReorderInput`. Every field is checked before anything is written."
        )]
        input: ReorderInput,
    ) -> AppResult<ReorderPayload> {
        reorder::<engagements::table>(ctx, NodeType::Engagement, input).await
    }

    /// Adds a project, to an experience or as a personal project.
    async fn create_project(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "The mutation's arguments: see `CreateProjectInput`. Every field is checked before anything is written."
        )]
        input: CreateProjectInput,
    ) -> AppResult<ProjectPayload> {
        let new = NewProject {
            experience_id: input
                .experience_id
                .map(|id| decode_as(&id, NodeType::Experience, "experienceId"))
                .transpose()?,
            name: validate::text_of("name", &input.name, 200)?,
            description: optional("description", input.description, 5000)?,
            role: optional("role", input.role, 200)?,
            category: optional("category", input.category, 100)?,
            impact_metric: optional("impactMetric", input.impact_metric, 500)?,
            github_url: input
                .github_url
                .map(url("githubUrl", &["github.com"]))
                .transpose()?,
            live_url: input.live_url.map(url("liveUrl", &[])).transpose()?,
            start_date: input.start_date,
            end_date: input.end_date,
            visibility: input.visibility,
            education_id: input
                .education_id
                .map(|id| decode_as(&id, NodeType::Education, "educationId"))
                .transpose()?,
            details: optional("details", input.details, 5000)?,
            experience_type: optional("experienceType", input.experience_type, 100)?,
            tags: tags("tags", input.tags)?,
        };
        let extras = ProjectExtras {
            domain_relevance: input.domain_relevance.map(ratio("domainRelevance")).transpose()?,
        };
        ordered_dates(new.start_date, new.end_date)?;
        one_parent(new.experience_id, new.education_id)?;
        let (who, mut conn) = begin(ctx).await?;
        if let Some(education) = new.education_id {
            store::education_of(&mut conn, who, education)
                .await?
                .ok_or(AppError::NotFound("Education"))?;
        }
        let project = store::insert_project_with(&mut conn, who, &new, &extras)
            .await?
            .ok_or(AppError::NotFound("Experience"))?;
        Ok(ProjectPayload { project })
    }

    /// Changes a project, or moves it to another experience.
    async fn update_project(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "The mutation's arguments: see `UpdateProjectInput`. Every field is checked before anything is written."
        )]
        input: UpdateProjectInput,
    ) -> AppResult<ProjectPayload> {
        let mut changes = ProjectChanges {
            experience_id: None,
            name: input.name.map(text("name", 200)).transpose()?,
            description: field(input.description, text("description", 5000))?,
            role: field(input.role, text("role", 200))?,
            category: field(input.category, text("category", 100))?,
            impact_metric: field(input.impact_metric, text("impactMetric", 500))?,
            github_url: field(input.github_url, url("githubUrl", &["github.com"]))?,
            live_url: field(input.live_url, url("liveUrl", &[]))?,
            start_date: field(input.start_date, Ok)?,
            end_date: field(input.end_date, Ok)?,
            sort_order: None,
            visibility: input.visibility,
            education_id: None,
            details: field(input.details, text("details", 5000))?,
            experience_type: field(input.experience_type, text("experienceType", 100))?,
            tags: labels_field(input.tags, "tags", 30)?,
            domain_relevance: field(input.domain_relevance, ratio("domainRelevance"))?,
        };
        let id = decode_as(&input.id, NodeType::Project, "id")?;
        let (who, mut conn) = begin(ctx).await?;
        let current = store::project_of(&mut conn, who, id)
            .await?
            .ok_or(AppError::NotFound("Project"))?;
        ordered_dates(
            after_update(changes.start_date, current.start_date),
            after_update(changes.end_date, current.end_date),
        )?;
        changes.experience_id = match input.experience_id {
            MaybeUndefined::Undefined => None,
            MaybeUndefined::Null => Some(None),
            MaybeUndefined::Value(id) => Some(Some(decode_as(&id, NodeType::Experience, "experienceId")?)),
        };
        changes.education_id = match input.education_id {
            MaybeUndefined::Undefined => None,
            MaybeUndefined::Null => Some(None),
            MaybeUndefined::Value(id) => {
                let education = decode_as(&id, NodeType::Education, "educationId")?;
                store::education_of(&mut conn, who, education)
                    .await?
                    .ok_or(AppError::NotFound("Education"))?;
                Some(Some(education))
            }
        };
        one_parent(
            after_update(changes.experience_id, current.experience_id),
            after_update(changes.education_id, current.education_id),
        )?;
        let project = conn
            .transaction::<_, AppError, _>(async |conn| {
                // A project that changes experience goes last in the new one.
                changes.sort_order = match changes.experience_id {
                    Some(moved) if moved == current.experience_id => None,
                    Some(Some(experience_id)) => Some(
                        store::next_position::<projects::table>(conn, who, Parent::Experience(experience_id))
                            .await?
                            .ok_or(AppError::NotFound("Experience"))?,
                    ),
                    Some(None) => Some(0),
                    None => None,
                };
                store::update_project(conn, who, id, &changes)
                    .await?
                    .ok_or(AppError::NotFound("Project"))
            })
            .await?;
        Ok(ProjectPayload { project })
    }

    /// Deletes a project.
    async fn delete_project(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "The mutation's arguments: see `IdInput`. Every field is checked before anything is written."
        )]
        input: IdInput,
    ) -> AppResult<DeletePayload> {
        delete::<projects::table>(ctx, NodeType::Project, input.id).await
    }

    /// Puts an experience's projects in the given order.
    async fn reorder_projects(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "The mutation's arguments: see `ReorderInput`. Every field is checked before anything is written."
        )]
        input: ReorderInput,
    ) -> AppResult<ReorderPayload> {
        reorder::<projects::table>(ctx, NodeType::Project, input).await
    }

    /// Adds a STAR story to an experience.
    async fn create_star_story(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "The mutation's arguments: see `CreateStarStoryInput`. Every field is checked before anything is written."
        )]
        input: CreateStarStoryInput,
    ) -> AppResult<StarStoryPayload> {
        let (who, mut conn) = begin(ctx).await?;
        let new = NewStarStory {
            experience_id: experience(&mut conn, who, &input.experience_id, "experienceId")
                .await?
                .id,
            title: optional("title", input.title, 200)?,
            situation: validate::text_of("situation", &input.situation, 5000)?,
            task: validate::text_of("task", &input.task, 5000)?,
            action: validate::text_of("action", &input.action, 5000)?,
            result: validate::text_of("result", &input.result, 5000)?,
            tags: star_tags(input.tags),
            visibility: input.visibility,
        };
        let star_story = store::insert_star_story(&mut conn, who, &new).await?;
        Ok(StarStoryPayload { star_story })
    }

    /// Changes a STAR story.
    async fn update_star_story(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "The mutation's arguments: see `UpdateStarStoryInput`. Every field is checked before anything is written."
        )]
        input: UpdateStarStoryInput,
    ) -> AppResult<StarStoryPayload> {
        let changes = StarStoryChanges {
            title: field(input.title, text("title", 200))?,
            situation: input.situation.map(text("situation", 5000)).transpose()?,
            task: input.task.map(text("task", 5000)).transpose()?,
            action: input.action.map(text("action", 5000)).transpose()?,
            result: input.result.map(text("result", 5000)).transpose()?,
            tags: input.tags.map(star_tags),
            visibility: input.visibility,
        };
        let id = decode_as(&input.id, NodeType::StarStory, "id")?;
        let (who, mut conn) = begin(ctx).await?;
        let star_story = store::update_star_story(&mut conn, who, id, &changes)
            .await?
            .ok_or(AppError::NotFound("StarStory"))?;
        Ok(StarStoryPayload { star_story })
    }

    /// Deletes a STAR story.
    async fn delete_star_story(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "The mutation's arguments: see `IdInput`. Every field is checked before anything is written."
        )]
        input: IdInput,
    ) -> AppResult<DeletePayload> {
        delete::<star_stories::table>(ctx, NodeType::StarStory, input.id).await
    }

    /// Adds a bullet to an experience (optionally about one of its engagements), last in order.
    async fn create_bullet(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "The mutation's arguments: see `CreateBulletInput`. Every field is checked before anything is written."
        )]
        input: CreateBulletInput,
    ) -> AppResult<BulletPayload> {
        let text_value = validate::text_of("text", &input.text, 1000)?;
        let tag_values = tags("tags", input.tags)?;
        let seniority_level = optional("seniorityLevel", input.seniority_level, 50)?;
        let star_notes = optional("starNotes", input.star_notes, 5000)?;
        let extras = BulletExtras {
            relevance_scores: Some(relevance_scores(input.relevance_scores)?),
            lead_with: Some(input.lead_with),
            strategy: input.strategy.map(strategy).transpose()?,
        };
        let (who, mut conn) = begin(ctx).await?;
        let parent = experience(&mut conn, who, &input.experience_id, "experienceId").await?;
        let engagement_id = match &input.engagement_id {
            Some(id) => Some(engagement_in(&mut conn, who, id, parent.id).await?),
            None => None,
        };
        let new = NewBullet {
            experience_id: parent.id,
            engagement_id,
            text: text_value,
            tags: tag_values,
            bullet_type: input.bullet_type,
            seniority_level,
            importance: input.importance,
            star_notes,
            visibility: input.visibility,
        };
        let bullet = store::insert_bullet_with(&mut conn, who, &new, &extras)
            .await?
            .ok_or(AppError::NotFound("Experience"))?;
        Ok(BulletPayload { bullet })
    }

    /// Changes a bullet. A new text keeps the previous one in `versions`.
    async fn update_bullet(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "The mutation's arguments: see `UpdateBulletInput`. Every field is checked before anything is written."
        )]
        input: UpdateBulletInput,
    ) -> AppResult<BulletPayload> {
        let new_text = input.text.map(text("text", 1000)).transpose()?;
        let mut changes = BulletChanges {
            engagement_id: None,
            tags: labels_field(input.tags, "tags", 30)?,
            bullet_type: field(input.bullet_type, Ok)?,
            seniority_level: field(input.seniority_level, text("seniorityLevel", 50))?,
            importance: field(input.importance, Ok)?,
            star_notes: field(input.star_notes, text("starNotes", 5000))?,
            retired: None,
            visibility: input.visibility,
            relevance_scores: field(input.relevance_scores, relevance_scores)?
                .map(|scores| scores.unwrap_or_else(|| serde_json::Value::Object(Default::default()))),
            lead_with: input.lead_with,
            strategy: field(input.strategy, strategy)?,
        };
        let id = decode_as(&input.id, NodeType::Bullet, "id")?;
        let (who, mut conn) = begin(ctx).await?;
        let current = store::bullet_of(&mut conn, who, id)
            .await?
            .ok_or(AppError::NotFound("Bullet"))?;
        changes.engagement_id = match &input.engagement_id {
            MaybeUndefined::Undefined => None,
            MaybeUndefined::Null => Some(None),
            MaybeUndefined::Value(engagement) => Some(Some(
                engagement_in(&mut conn, who, engagement, current.experience_id).await?,
            )),
        };
        let bullet = conn
            .transaction::<_, AppError, _>(async |conn| {
                Ok(store::update_bullet(conn, who, id, new_text.as_deref(), &changes).await?)
            })
            .await?
            .ok_or(AppError::NotFound("Bullet"))?;
        Ok(BulletPayload { bullet })
    }

    /// Retires a bullet: kept, with its history, but hidden unless asked for.
    async fn retire_bullet(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "The mutation's arguments: see `IdInput`. Every field is checked before anything is written."
        )]
        input: IdInput,
    ) -> AppResult<BulletPayload> {
        set_retired(ctx, &input.id, true).await
    }

    /// Brings a retired bullet back.
    async fn restore_bullet(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "The mutation's arguments: see `IdInput`. Every field is checked before anything is written."
        )]
        input: IdInput,
    ) -> AppResult<BulletPayload> {
        set_retired(ctx, &input.id, false).await
    }

    /// Deletes a bullet and its versions for good (see `retireBullet` to hide it instead).
    async fn delete_bullet(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "The mutation's arguments: see `IdInput`. Every field is checked before anything is written."
        )]
        input: IdInput,
    ) -> AppResult<DeletePayload> {
        delete::<bullets::table>(ctx, NodeType::Bullet, input.id).await
    }

    /// Puts an experience's bullets (retired ones included) in the given order.
    async fn reorder_bullets(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "The mutation's arguments: see `ReorderInput`. Every field is checked before anything is written."
        )]
        input: ReorderInput,
    ) -> AppResult<ReorderPayload> {
        reorder::<bullets::table>(ctx, NodeType::Bullet, input).await
    }

    /// Adds an education entry.
    async fn create_education(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "The mutation's arguments: see `CreateEducationInput`. Every field is checked before anything is written."
        )]
        input: CreateEducationInput,
    ) -> AppResult<EducationPayload> {
        let new = NewEducation {
            institution_name: validate::text_of("institutionName", &input.institution_name, 200)?,
            degree: optional("degree", input.degree, 200)?,
            field_of_study: optional("fieldOfStudy", input.field_of_study, 200)?,
            minor: optional("minor", input.minor, 200)?,
            gpa: input.gpa.map(gpa).transpose()?,
            location: optional("location", input.location, 200)?,
            start_date: input.start_date,
            end_date: input.end_date,
            is_current: input.is_current,
            details: optional("details", input.details, 5000)?,
        };
        ordered_dates(new.start_date, new.end_date)?;
        let (who, mut conn) = begin(ctx).await?;
        let education = store::insert_education(&mut conn, who, &new).await?;
        Ok(EducationPayload { education })
    }

    /// Changes an education entry.
    async fn update_education(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "The mutation's arguments: see `UpdateEducationInput`. Every field is checked before anything is written."
        )]
        input: UpdateEducationInput,
    ) -> AppResult<EducationPayload> {
        let changes = EducationChanges {
            institution_name: input
                .institution_name
                .map(text("institutionName", 200))
                .transpose()?,
            degree: field(input.degree, text("degree", 200))?,
            field_of_study: field(input.field_of_study, text("fieldOfStudy", 200))?,
            minor: field(input.minor, text("minor", 200))?,
            gpa: field(input.gpa, gpa)?,
            location: field(input.location, text("location", 200))?,
            start_date: field(input.start_date, Ok)?,
            end_date: field(input.end_date, Ok)?,
            is_current: input.is_current,
            details: field(input.details, text("details", 5000))?,
        };
        let id = decode_as(&input.id, NodeType::Education, "id")?;
        let (who, mut conn) = begin(ctx).await?;
        let current = store::education_of(&mut conn, who, id)
            .await?
            .ok_or(AppError::NotFound("Education"))?;
        ordered_dates(
            after_update(changes.start_date, current.start_date),
            after_update(changes.end_date, current.end_date),
        )?;
        let education = store::update_education(&mut conn, who, id, &changes)
            .await?
            .ok_or(AppError::NotFound("Education"))?;
        Ok(EducationPayload { education })
    }

    /// Deletes an education entry.
    async fn delete_education(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "The mutation's arguments: see `IdInput`. Every field is checked before anything is written."
        )]
        input: IdInput,
    ) -> AppResult<DeletePayload> {
        delete::<education::table>(ctx, NodeType::Education, input.id).await
    }

    /// Adds a strength.
    async fn create_strength(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "The mutation's arguments: see `CreateStrengthInput`. Every field is checked before anything is written."
        )]
        input: CreateStrengthInput,
    ) -> AppResult<StrengthPayload> {
        let new = NewStrength {
            name: validate::text_of("name", &input.name, 100)?,
            description: optional("description", input.description, 2000)?,
        };
        let (who, mut conn) = begin(ctx).await?;
        let strength = store::insert_strength(&mut conn, who, &new).await?;
        Ok(StrengthPayload { strength })
    }

    /// Changes a strength.
    async fn update_strength(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "The mutation's arguments: see `UpdateStrengthInput`. Every field is checked before anything is written."
        )]
        input: UpdateStrengthInput,
    ) -> AppResult<StrengthPayload> {
        let changes = StrengthChanges {
            name: input.name.map(text("name", 100)).transpose()?,
            description: field(input.description, text("description", 2000))?,
        };
        let id = decode_as(&input.id, NodeType::Strength, "id")?;
        let (who, mut conn) = begin(ctx).await?;
        let strength = store::update_strength(&mut conn, who, id, &changes)
            .await?
            .ok_or(AppError::NotFound("Strength"))?;
        Ok(StrengthPayload { strength })
    }

    /// Deletes a strength.
    async fn delete_strength(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "The mutation's arguments: see `IdInput`. Every field is checked before anything is written."
        )]
        input: IdInput,
    ) -> AppResult<DeletePayload> {
        delete::<strengths::table>(ctx, NodeType::Strength, input.id).await
    }

    /// Adds a skill to a project's tech stack (adding it twice changes nothing).
    async fn add_project_skill(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "The mutation's arguments: see `ProjectSkillInput`. Every field is checked before anything is written."
        )]
        input: ProjectSkillInput,
    ) -> AppResult<ProjectSkillPayload> {
        let who = viewer(ctx)?.principal();
        let project_id = decode_as(&input.project_id, NodeType::Project, "projectId")?;
        let mut conn = services(ctx).pool.get().await?;
        let project = store::project_of(&mut conn, who, project_id)
            .await?
            .ok_or(AppError::NotFound("Project"))?;
        let skill = conn
            .transaction::<_, AppError, _>(async |conn| {
                let skill = resolve_skill(conn, who, &input.skill).await?;
                skills_store::add_project_skill(conn, who, project_id, skill.id).await?;
                Ok(skill)
            })
            .await?;
        Ok(ProjectSkillPayload {
            project,
            skill: Skill(skill),
        })
    }

    /// Removes a skill from a project's tech stack. `NOT_FOUND` if it was not there.
    async fn remove_project_skill(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "The mutation's arguments: see `RemoveProjectSkillInput`. Every field is checked before anything is written."
        )]
        input: RemoveProjectSkillInput,
    ) -> AppResult<RemoveSkillPayload> {
        let who = viewer(ctx)?.principal();
        let project_id = decode_as(&input.project_id, NodeType::Project, "projectId")?;
        let skill_id = decode_as(&input.skill_id, NodeType::Skill, "skillId")?;
        let mut conn = services(ctx).pool.get().await?;
        if !skills_store::remove_project_skill(&mut conn, who, project_id, skill_id).await? {
            return Err(AppError::NotFound("ProjectSkill"));
        }
        Ok(RemoveSkillPayload {
            removed_skill_id: input.skill_id,
        })
    }
}

async fn set_retired(ctx: &Context<'_>, id: &ID, retired: bool) -> AppResult<BulletPayload> {
    let id = decode_as(id, NodeType::Bullet, "id")?;
    let (who, mut conn) = begin(ctx).await?;
    let changes = BulletChanges {
        retired: Some(retired),
        ..BulletChanges::default()
    };
    let bullet = store::update_bullet_fields(&mut conn, who, id, &changes)
        .await?
        .ok_or(AppError::NotFound("Bullet"))?;
    Ok(BulletPayload { bullet })
}
