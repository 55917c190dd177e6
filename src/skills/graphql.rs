//! GraphQL for skills: the catalog (shared skills, and the private ones each user adds until a
//! platform admin promotes them), the skills linked to experiences, projects and the
//! candidate, and the skill matrix.

use async_graphql::{ComplexObject, Context, Enum, ID, InputObject, MaybeUndefined, Object, SimpleObject};
use chrono::{DateTime, Utc};
use diesel::QueryResult;
use diesel::pg::Pg;
use diesel::query_builder::{BoxedSqlQuery, SqlQuery};
use diesel::sql_types::{Bool, Nullable, Text};
use diesel_async::{AsyncConnection, AsyncPgConnection};
use uuid::Uuid;

use super::enums::{ExtractionMethod, Proficiency, Prominence, SkillCategory};
use super::store::{
    self, CandidateSkillRow, CandidateSkillValues, ExperienceSkillRow, ExperienceSkillValues,
    SkillEvidenceRow, SkillRow,
};
use crate::access;
use crate::access::Principal;
use crate::db::schema::{candidate_skills, experience_skills, experiences};
use crate::graphql::connection::{Conn, Listing, Page, PageArgs, PageKey};
use crate::graphql::context::{reader, services, viewer};
use crate::graphql::errors::{AppError, AppResult};
use crate::graphql::ids::{NodeType, decode_as};
use crate::graphql::loaders::Relation;
use crate::graphql::present;
use crate::graphql::scalars::Date;
use crate::guarded_relation;
use crate::payload_edge;
use crate::validate;

#[derive(Clone, Debug)]
pub struct Skill(pub SkillRow);

/// A catalog skill: one of the shared catalog, or one the viewer added, which stays private to
/// them until a platform admin promotes it (`promoteSkill`).
#[Object]
impl Skill {
    /// Opaque global id.
    pub async fn id(&self) -> ID {
        NodeType::Skill.id(self.0.id)
    }
    /// Display name.
    async fn name(&self) -> &str {
        &self.0.name
    }
    /// What kind of skill it is.
    async fn category(&self) -> SkillCategory {
        self.0.category
    }
    /// Other names it goes by (normalised: lower case), e.g. `k8s` for Kubernetes.
    async fn aliases(&self) -> Vec<String> {
        present(&self.0.aliases)
    }
    /// True for skills users added (not part of the seeded catalog).
    async fn user_added(&self) -> bool {
        self.0.created_by.is_some()
    }
    /// True while the skill is private to the viewer, who added it: no one else sees it, and
    /// it is found only in the viewer's own job postings. False for the shared catalog, which
    /// everyone sees and every posting is read against.
    async fn is_private(&self) -> bool {
        self.0.owner_id.is_some()
    }
    /// What the skill is (up to 2,000 characters; Interview Assistant and Assist-Ten
    /// `skill.description`); null when not described.
    async fn description(&self) -> Option<&str> {
        self.0.description.as_deref()
    }
    /// False once a platform admin retired the skill (`retireSkill`): it is then no longer
    /// extracted from job postings or CVs nor offered by the `skills` search, while every
    /// record already linked to it keeps the link. True otherwise.
    async fn is_active(&self) -> bool {
        self.0.is_active
    }
}

/// Catalog skills by id: the shared ones and the viewer's private ones (another user's private
/// skill reads as missing).
pub struct SkillById;

impl Relation for SkillById {
    type Row = SkillRow;

    fn fetch(
        conn: &mut AsyncPgConnection,
        who: Principal,
        keys: &[Uuid],
    ) -> impl Future<Output = QueryResult<Vec<SkillRow>>> + Send {
        store::visible_skills(conn, who, keys)
    }

    fn key(row: &SkillRow) -> Uuid {
        row.id
    }
}

/// A catalog skill the reader may see, by id, through the request's loader (shared skills are
/// public: the job board shows them without a token).
pub async fn load_skill(ctx: &Context<'_>, id: Uuid) -> AppResult<Skill> {
    reader(ctx)?
        .loaders
        .one::<SkillById>(id)
        .await?
        .map(Skill)
        .ok_or(AppError::NotFound("Skill"))
}

/// The skills of `ids` in their order, in one batch; ids the viewer may not see are left out.
pub async fn load_skills(ctx: &Context<'_>, ids: &[Uuid]) -> AppResult<Vec<Skill>> {
    Ok(reader(ctx)?
        .loaders
        .each::<SkillById>(ids)
        .await?
        .into_iter()
        .map(Skill)
        .collect())
}

/// A skill as an experience uses it.
#[derive(Clone, Debug, SimpleObject)]
#[graphql(complex, name = "ExperienceSkill")]
pub struct ExperienceSkill {
    #[graphql(skip)]
    pub row: ExperienceSkillRow,
    /// How central the skill was to the experience.
    pub prominence: Prominence,
    /// The proficiency the experience shows.
    pub proficiency_demonstrated: Option<Proficiency>,
    /// How the skill was used.
    pub usage_notes: Option<String>,
    /// Whether a person or the server linked it.
    pub extraction_method: ExtractionMethod,
}

impl From<ExperienceSkillRow> for ExperienceSkill {
    fn from(row: ExperienceSkillRow) -> Self {
        Self {
            prominence: row.prominence,
            proficiency_demonstrated: row.proficiency_demonstrated,
            usage_notes: row.usage_notes.clone(),
            extraction_method: row.extraction_method,
            row,
        }
    }
}

#[ComplexObject]
impl ExperienceSkill {
    /// Opaque global id of the link.
    pub async fn id(&self) -> ID {
        NodeType::ExperienceSkill.id(self.row.id)
    }
    /// When the skill was linked to the experience.
    async fn created_at(&self) -> DateTime<Utc> {
        self.row.created_at
    }
    /// When the link last changed (prominence, proficiency, notes).
    async fn updated_at(&self) -> DateTime<Utc> {
        self.row.updated_at
    }
    /// The skill.
    async fn skill(&self, ctx: &Context<'_>) -> AppResult<Skill> {
        load_skill(ctx, self.row.skill_id).await
    }
}

/// A skill the candidate claims, with how well they know it.
#[derive(Clone, Debug, SimpleObject)]
#[graphql(complex, name = "CandidateSkill")]
pub struct CandidateSkill {
    #[graphql(skip)]
    pub row: CandidateSkillRow,
    /// Self-assessed proficiency.
    pub proficiency: Proficiency,
    /// Years of use, as the candidate states it.
    pub years_experience: Option<i32>,
    /// Shown first on the candidate's materials.
    pub is_featured: bool,
    /// The candidate's own notes on the skill: where and how they use it (up to 2,000
    /// characters; Interview Assistant `skill.details`); null when none.
    pub details: Option<String>,
}

impl From<CandidateSkillRow> for CandidateSkill {
    fn from(row: CandidateSkillRow) -> Self {
        Self {
            proficiency: row.proficiency,
            years_experience: row.years_experience,
            is_featured: row.is_featured,
            details: row.details.clone(),
            row,
        }
    }
}

#[ComplexObject]
impl CandidateSkill {
    /// Opaque global id.
    pub async fn id(&self) -> ID {
        NodeType::CandidateSkill.id(self.row.id)
    }
    /// When the candidate claimed the skill.
    async fn created_at(&self) -> DateTime<Utc> {
        self.row.created_at
    }
    /// When the claim last changed (proficiency, years, featured).
    async fn updated_at(&self) -> DateTime<Utc> {
        self.row.updated_at
    }
    /// The skill.
    async fn skill(&self, ctx: &Context<'_>) -> AppResult<Skill> {
        load_skill(ctx, self.row.skill_id).await
    }
}

guarded_relation!(CandidateSkillById: candidate_skills.id => CandidateSkillRow);

guarded_relation!(ExperienceSkillById: experience_skills.id => ExperienceSkillRow);

/// Prominence first (primary, secondary, mentioned), then name.
pub struct ExperienceSkills;

impl Listing for ExperienceSkills {
    type Table = crate::db::schema::experience_skills::table;
    type Row = ExperienceSkillRow;
    type Filter = ();
    const FROM: &'static str = "experience_skills t join skills s on s.id = t.skill_id";
    const PARENT: &'static str = "t.experience_id";

    fn order_by(_: &()) -> &'static str {
        "array_position(array['primary', 'secondary', 'mentioned'], t.prominence), s.normalized_name"
    }
}

/// A project's tech stack, by name.
pub struct ProjectSkills;

impl Listing for ProjectSkills {
    type Table = crate::db::schema::project_skills::table;
    type Row = SkillRow;
    type Filter = ();
    const FROM: &'static str = "project_skills t join skills s on s.id = t.skill_id";
    const SELECT: &'static str = "s.*";
    const PARENT: &'static str = "t.project_id";
    const ID: &'static str = "s.id";

    fn order_by(_: &()) -> &'static str {
        "s.normalized_name"
    }
}

/// How to filter the candidate's skills.
#[derive(InputObject, Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct CandidateSkillFilter {
    /// Only skills of this category.
    pub category: Option<SkillCategory>,
    /// Only skills at this proficiency.
    pub proficiency: Option<Proficiency>,
    /// Only featured (true) or unfeatured (false) skills.
    pub is_featured: Option<bool>,
}

/// How to order the candidate's skills.
#[derive(Enum, Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum CandidateSkillOrder {
    /// Strongest first (expert to beginner), then by name.
    #[default]
    Proficiency,
    /// Alphabetically.
    Name,
}

pub struct CandidateSkills;

impl Listing for CandidateSkills {
    type Table = crate::db::schema::candidate_skills::table;
    type Row = CandidateSkillRow;
    type Filter = (CandidateSkillFilter, CandidateSkillOrder);
    const FROM: &'static str = "candidate_skills t join skills s on s.id = t.skill_id";
    const SELECT: &'static str = "t.*";
    const PARENT: &'static str = "t.user_id";
    const WHERE: &'static str = "and ($7::text is null or s.category = $7)
        and ($8::text is null or t.proficiency = $8)
        and ($9::bool is null or t.is_featured = $9)";

    fn order_by((_, order): &Self::Filter) -> &'static str {
        match order {
            CandidateSkillOrder::Proficiency => {
                "array_position(array['expert', 'advanced', 'intermediate', 'beginner'], t.proficiency), s.normalized_name"
            }
            CandidateSkillOrder::Name => "s.normalized_name",
        }
    }

    fn bind<'a>(
        query: BoxedSqlQuery<'a, Pg, SqlQuery>,
        (filter, _): &Self::Filter,
    ) -> BoxedSqlQuery<'a, Pg, SqlQuery> {
        query
            .bind::<Nullable<Text>, _>(filter.category.map(SkillCategory::as_str))
            .bind::<Nullable<Text>, _>(filter.proficiency.map(Proficiency::as_str))
            .bind::<Nullable<Bool>, _>(filter.is_featured)
    }
}

/// The candidate's skills (a connection) for `User.skills`.
pub async fn candidate_skills(
    ctx: &Context<'_>,
    user_id: Uuid,
    args: PageArgs,
    filter: CandidateSkillFilter,
    order: CandidateSkillOrder,
) -> AppResult<Conn<CandidateSkill>> {
    let key = PageKey {
        parent: user_id,
        args,
        filter: (filter, order),
    };
    let page = viewer(ctx)?.loaders.page::<CandidateSkills>(key).await?;
    Ok(page.into_connection(|row| row.id, CandidateSkill::from))
}

pub async fn experience_skills(
    ctx: &Context<'_>,
    experience_id: Uuid,
    args: PageArgs,
) -> AppResult<Conn<ExperienceSkill>> {
    let key = PageKey {
        parent: experience_id,
        args,
        filter: (),
    };
    let page = viewer(ctx)?.loaders.page::<ExperienceSkills>(key).await?;
    Ok(page.into_connection(|row| row.id, ExperienceSkill::from))
}

pub async fn project_skills(ctx: &Context<'_>, project_id: Uuid, args: PageArgs) -> AppResult<Conn<Skill>> {
    let key = PageKey {
        parent: project_id,
        args,
        filter: (),
    };
    let page: Page<SkillRow> = viewer(ctx)?.loaders.page::<ProjectSkills>(key).await?;
    Ok(page.into_connection(|row| row.id, Skill))
}

#[derive(Clone, Debug)]
pub struct SkillEvidence(pub SkillEvidenceRow);

/// One skill the candidate has evidence for, as the skill matrix reports it.
#[Object]
impl SkillEvidence {
    /// The skill.
    async fn skill(&self) -> Skill {
        Skill(self.0.skill.clone())
    }
    /// Months covered by the experiences that use the skill; overlapping experiences are not
    /// counted twice, and a current experience counts up to today.
    async fn months_used(&self) -> i32 {
        self.0.months_used
    }
    /// The latest date the skill was in use (today when an experience using it is current).
    async fn last_used(&self) -> Option<Date> {
        self.0.last_used
    }
    /// Whether an experience that uses the skill is current.
    async fn currently_used(&self) -> bool {
        self.0.currently_used
    }
    /// How many experiences use the skill.
    async fn experience_count(&self) -> i64 {
        self.0.experience_count
    }
    /// How many projects list it in their tech stack.
    async fn project_count(&self) -> i64 {
        self.0.project_count
    }
    /// How many STAR stories belong to experiences that use it.
    async fn star_story_count(&self) -> i64 {
        self.0.star_story_count
    }
}

pub struct SkillMatrixOfUser;

impl Relation for SkillMatrixOfUser {
    type Row = SkillEvidenceRow;

    fn fetch(
        conn: &mut AsyncPgConnection,
        who: Principal,
        keys: &[Uuid],
    ) -> impl Future<Output = QueryResult<Vec<SkillEvidenceRow>>> + Send {
        store::skill_matrix(conn, who, keys)
    }

    fn key(row: &SkillEvidenceRow) -> Uuid {
        row.user_id
    }
}

pub async fn skill_matrix(ctx: &Context<'_>, user_id: Uuid) -> AppResult<Vec<SkillEvidence>> {
    let rows = viewer(ctx)?.loaders.many::<SkillMatrixOfUser>(user_id).await?;
    Ok(rows.into_iter().map(SkillEvidence).collect())
}

#[derive(Default)]
pub struct SkillsQuery;

#[Object]
impl SkillsQuery {
    /// The skill catalog, by name: the shared skills and the viewer's private ones (never
    /// another user's); retired skills only with `includeRetired`. `search` matches the start of a name or of an alias, ignoring case
    /// ("post" finds PostgreSQL, "k8" finds Kubernetes).
    #[allow(clippy::too_many_arguments)]
    async fn skills(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "The start of a skill name or alias, any case (\"post\" finds PostgreSQL); omitted, every skill."
        )]
        search: Option<String>,
        #[graphql(desc = "Only skills of this category; omitted, all.")] category: Option<SkillCategory>,
        #[graphql(
            desc = "Also list retired skills (`isActive` false); omitted or false, only active ones.",
            default
        )]
        include_retired: bool,
        #[graphql(
            desc = "Return the first N items (0 to 100), after `after` if given. Without `first` and `last`, the first 50."
        )]
        first: Option<i32>,
        #[graphql(
            desc = "A cursor (an edge's `cursor` or `pageInfo.endCursor`): return the items after it. The cursor of an item that is gone starts from the beginning."
        )]
        after: Option<String>,
        #[graphql(desc = "Return the last N items (0 to 100), before `before` if given. Not with `first`.")]
        last: Option<i32>,
        #[graphql(
            desc = "A cursor (an edge's `cursor` or `pageInfo.startCursor`): return the items before it."
        )]
        before: Option<String>,
    ) -> AppResult<Conn<Skill>> {
        let who = viewer(ctx)?.principal();
        if first.is_some() && last.is_some() {
            return Err(AppError::bad_input("last", "send `first` or `last`, not both"));
        }
        let args = PageArgs::new(first, after, last, before)?;
        let mut conn = services(ctx).pool.get().await?;
        let mut hits = store::search(
            &mut conn,
            who,
            search.as_deref(),
            category,
            include_retired,
            &args,
        )
        .await?;
        let total = hits.first().map_or(0, |hit| hit.total);
        let (has_previous, has_next) = match args.last {
            Some(last) => {
                let more = hits.len() as i64 > last;
                hits.truncate(last as usize);
                hits.reverse();
                (more, args.before.is_some())
            }
            None => {
                let first = args.first.unwrap_or_default();
                let more = hits.len() as i64 > first;
                hits.truncate(first as usize);
                (args.after.is_some(), more)
            }
        };
        let page = Page {
            total: total.into(),
            has_previous,
            has_next,
            rows: hits.into_iter().map(|hit| hit.skill).collect(),
        };
        Ok(page.into_connection(|row| row.id, Skill))
    }
}

/// Names a catalog skill by id, or by name or alias (any case; added as a private skill of the
/// viewer if missing).
#[derive(InputObject, Clone, Debug, Default)]
pub struct SkillRefInput {
    /// The id of a shared skill or of one of the viewer's private skills (another user's
    /// private skill is `NOT_FOUND`).
    pub skill_id: Option<ID>,
    /// A skill name or alias. A shared skill of that name wins over a private one; a name
    /// neither has is added as a private skill of the viewer (category `OTHER`).
    pub skill_name: Option<String>,
}

/// A skill the viewer may see, by id.
pub async fn visible_skill(conn: &mut AsyncPgConnection, who: Principal, id: Uuid) -> AppResult<SkillRow> {
    store::visible_skills(conn, who, &[id])
        .await?
        .into_iter()
        .next()
        .ok_or(AppError::NotFound("Skill"))
}

/// The catalog skill an input names. Call inside the transaction that links it: a skill it
/// adds must not outlive a link that fails.
pub async fn resolve_skill(
    conn: &mut AsyncPgConnection,
    who: Principal,
    skill: &SkillRefInput,
) -> AppResult<SkillRow> {
    match (&skill.skill_id, &skill.skill_name) {
        (Some(id), None) => visible_skill(conn, who, decode_as(id, NodeType::Skill, "skillId")?).await,
        (None, Some(name)) => {
            let name = validate::text_of("skillName", name, 100)?;
            Ok(store::add_skill(conn, who, &name, SkillCategory::Other, &[])
                .await?
                .0)
        }
        _ => Err(AppError::bad_input(
            "skillId",
            "give exactly one of skillId and skillName",
        )),
    }
}

/// A skill to add to the viewer's catalog (private to them until promoted).
#[derive(InputObject)]
pub struct AddSkillInput {
    /// Up to 100 characters.
    pub name: String,
    /// Which part of the catalog it belongs to.
    pub category: SkillCategory,
    /// Other names for it; at most 10.
    #[graphql(default)]
    pub aliases: Vec<String>,
    /// What the skill is, up to 2,000 characters; kept only when the skill is new.
    pub description: Option<String>,
}

/// What `addSkill` answers: the skill, new or the existing one of that name.
#[derive(SimpleObject)]
#[graphql(complex)]
pub struct AddSkillPayload {
    /// The skill: new and private to the viewer, or the existing one with that name or alias
    /// (a shared one first, else the viewer's own).
    pub skill: Skill,
    /// False when a skill of that name (in any case and spacing) already existed.
    pub created: bool,
}

payload_edge!(AddSkillPayload.skill_edge: Skill = skill, id skill.0.id);

/// A skill to move into the shared catalog.
#[derive(InputObject)]
pub struct PromoteSkillInput {
    /// The skill, private to whichever user added it.
    pub skill_id: ID,
}

/// What `promoteSkill` changed.
#[derive(SimpleObject)]
pub struct PromoteSkillPayload {
    /// The skill, now shared. When the shared catalog already had a skill of that name, it is
    /// that one, and the promoted skill was merged into it.
    pub skill: Skill,
}

/// A catalog skill, by id.
#[derive(InputObject)]
pub struct CatalogSkillInput {
    /// The skill (shared, or private to whichever user added it).
    pub skill_id: ID,
}

/// Changes to a catalog skill.
#[derive(InputObject)]
pub struct UpdateSkillInput {
    /// The skill (shared, or private to whichever user added it).
    pub skill_id: ID,
    /// What the skill is, up to 2,000 characters. Left out: unchanged; `null` clears it.
    pub description: MaybeUndefined<String>,
}

/// What a change to a catalog skill answers.
#[derive(SimpleObject)]
pub struct SkillPayload {
    /// The skill as it now is.
    pub skill: Skill,
}

/// Links a skill to one of the viewer's experiences (or updates the link).
#[derive(InputObject)]
pub struct SetExperienceSkillInput {
    /// The experience (one of the viewer's).
    pub experience_id: ID,
    #[graphql(flatten)]
    pub skill: SkillRefInput,
    /// Defaults to SECONDARY.
    pub prominence: Option<Prominence>,
    /// The level the experience shows; null when not judged.
    pub proficiency_demonstrated: Option<Proficiency>,
    /// Up to 1,000 characters.
    pub usage_notes: Option<String>,
}

/// What `setExperienceSkill` answers: the link as it now is.
#[derive(SimpleObject)]
#[graphql(complex)]
pub struct SetExperienceSkillPayload {
    /// The experience's link to the skill as it now is.
    pub experience_skill: ExperienceSkill,
}

payload_edge!(SetExperienceSkillPayload.experience_skill_edge: ExperienceSkill = experience_skill, id experience_skill.row.id);

/// Unlinks a skill from an experience.
#[derive(InputObject)]
pub struct RemoveExperienceSkillInput {
    /// The experience (one of the viewer's).
    pub experience_id: ID,
    /// The skill to unlink.
    pub skill_id: ID,
}

/// Says which skill was unlinked.
#[derive(SimpleObject)]
pub struct RemoveSkillPayload {
    /// The id of the skill that is no longer linked.
    pub removed_skill_id: ID,
}

/// Claims a skill for the candidate (or updates the claim).
#[derive(InputObject)]
pub struct SetCandidateSkillInput {
    #[graphql(flatten)]
    pub skill: SkillRefInput,
    /// Defaults to INTERMEDIATE.
    pub proficiency: Option<Proficiency>,
    /// 0 to 80.
    pub years_experience: Option<i32>,
    /// Show it among the candidate's headline skills; false when omitted.
    #[graphql(default)]
    pub is_featured: bool,
    /// The candidate's notes on the skill, up to 2,000 characters; omitted or null: none
    /// (claiming again replaces them, like the other fields).
    pub details: Option<String>,
}

/// What `setCandidateSkill` answers: the claim as it now is.
#[derive(SimpleObject)]
#[graphql(complex)]
pub struct SetCandidateSkillPayload {
    /// The candidate skill as it now is.
    pub candidate_skill: CandidateSkill,
}

payload_edge!(SetCandidateSkillPayload.candidate_skill_edge: CandidateSkill = candidate_skill, id candidate_skill.row.id);

/// Withdraws the candidate's claim to a skill (their experiences' links stay).
#[derive(InputObject)]
pub struct RemoveCandidateSkillInput {
    /// The skill to withdraw.
    pub skill_id: ID,
}

#[derive(Default)]
pub struct SkillsMutation;

#[Object]
impl SkillsMutation {
    /// Adds a skill to the viewer's catalog. It is private to the viewer: only they see it, link
    /// it and have it found in their job postings, until a platform admin promotes it to the
    /// shared catalog (`promoteSkill`). A name or alias that exists (in any case or spacing) in
    /// the shared catalog, or among the viewer's own skills, returns that skill instead.
    async fn add_skill(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "The mutation's arguments: see `AddSkillInput`. Every field is checked before anything is written."
        )]
        input: AddSkillInput,
    ) -> AppResult<AddSkillPayload> {
        let who = viewer(ctx)?.principal();
        let name = validate::text_of("name", &input.name, 100)?;
        let aliases = validate::labels("aliases", &input.aliases, 10, 100)?;
        let description = input
            .description
            .map(|d| validate::text_of("description", &d, 2000))
            .transpose()?;
        let mut conn = services(ctx).pool.get().await?;
        let (row, created) = conn
            .transaction::<_, AppError, _>(async |conn| {
                Ok(store::add_described_skill(
                    conn,
                    who,
                    &name,
                    input.category,
                    &aliases,
                    description.as_deref(),
                )
                .await?)
            })
            .await?;
        Ok(AddSkillPayload {
            skill: Skill(row),
            created,
        })
    }

    /// Moves a user's private skill into the shared catalog: from then on every user sees it
    /// and it is found in everyone's new or re-extracted job postings. Other users' private
    /// skills of the same name are merged into it (their links move to it). Promoting a shared
    /// skill returns it unchanged. Platform admins only: `FORBIDDEN` for anyone else (whatever
    /// the id); `NOT_FOUND` when no skill has the id.
    async fn promote_skill(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "The mutation's arguments: see `PromoteSkillInput`. Every field is checked before anything is written."
        )]
        input: PromoteSkillInput,
    ) -> AppResult<PromoteSkillPayload> {
        let who = viewer(ctx)?.principal();
        let mut conn = services(ctx).pool.get().await?;
        if !access::is_platform_admin(&mut conn, who).await? {
            return Err(AppError::Forbidden("only platform admins promote skills"));
        }
        let id = decode_as(&input.skill_id, NodeType::Skill, "skillId")?;
        let row = conn
            .transaction::<_, AppError, _>(async |conn| Ok(store::promote(conn, id).await?))
            .await?
            .ok_or(AppError::NotFound("Skill"))?;
        Ok(PromoteSkillPayload { skill: Skill(row) })
    }

    /// Retires a catalog skill: from then on it is neither extracted from job postings or CVs
    /// nor offered by the `skills` search; records already linked to it keep the link, and it
    /// still resolves by id. Retiring a retired skill changes nothing. Platform admins only:
    /// `FORBIDDEN` for anyone else (whatever the id); `NOT_FOUND` when no skill has the id.
    async fn retire_skill(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "The mutation's arguments: see `CatalogSkillInput`. Every field is checked before anything is written."
        )]
        input: CatalogSkillInput,
    ) -> AppResult<SkillPayload> {
        set_active(ctx, &input.skill_id, false).await
    }

    /// Brings a retired skill back: extracted and offered again. Platform admins only:
    /// `FORBIDDEN` for anyone else (whatever the id); `NOT_FOUND` when no skill has the id.
    async fn reactivate_skill(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "The mutation's arguments: see `CatalogSkillInput`. Every field is checked before anything is written."
        )]
        input: CatalogSkillInput,
    ) -> AppResult<SkillPayload> {
        set_active(ctx, &input.skill_id, true).await
    }

    /// Describes a catalog skill. Platform admins only: `FORBIDDEN` for anyone else (whatever
    /// the id); `NOT_FOUND` when no skill has the id; `BAD_USER_INPUT` for a description that is
    /// blank or longer than 2,000 characters.
    async fn update_skill(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "The mutation's arguments: see `UpdateSkillInput`. Every field is checked before anything is written."
        )]
        input: UpdateSkillInput,
    ) -> AppResult<SkillPayload> {
        let who = viewer(ctx)?.principal();
        let mut conn = services(ctx).pool.get().await?;
        if !access::is_platform_admin(&mut conn, who).await? {
            return Err(AppError::Forbidden("only platform admins change catalog skills"));
        }
        let id = decode_as(&input.skill_id, NodeType::Skill, "skillId")?;
        let description = validate::field(input.description, validate::text("description", 2000))?;
        let row = match description {
            None => store::visible_skills(&mut conn, who, &[id])
                .await?
                .into_iter()
                .next(),
            Some(description) => store::describe_skill(&mut conn, id, description.as_deref()).await?,
        };
        Ok(SkillPayload {
            skill: Skill(row.ok_or(AppError::NotFound("Skill"))?),
        })
    }

    /// Links a skill to an experience with its prominence; linking it again updates the link.
    async fn set_experience_skill(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "The mutation's arguments: see `SetExperienceSkillInput`. Every field is checked before anything is written."
        )]
        input: SetExperienceSkillInput,
    ) -> AppResult<SetExperienceSkillPayload> {
        let who = viewer(ctx)?.principal();
        let experience_id = decode_as(&input.experience_id, NodeType::Experience, "experienceId")?;
        let usage_notes = input
            .usage_notes
            .map(|notes| validate::text_of("usageNotes", &notes, 1000))
            .transpose()?;
        let mut conn = services(ctx).pool.get().await?;
        if !access::may_change::<experiences::table>(&mut conn, who, experience_id).await? {
            return Err(AppError::NotFound("Experience"));
        }
        let values = ExperienceSkillValues {
            proficiency_demonstrated: input.proficiency_demonstrated,
            prominence: input.prominence.unwrap_or(Prominence::Secondary),
            usage_notes,
            extraction_method: ExtractionMethod::Manual,
        };
        let row = conn
            .transaction::<_, AppError, _>(async |conn| {
                let skill = resolve_skill(conn, who, &input.skill).await?;
                Ok(store::upsert_experience_skill(conn, who, experience_id, skill.id, &values).await?)
            })
            .await?;
        Ok(SetExperienceSkillPayload {
            experience_skill: row.into(),
        })
    }

    /// Unlinks a skill from an experience. `NOT_FOUND` if it was not linked.
    async fn remove_experience_skill(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "The mutation's arguments: see `RemoveExperienceSkillInput`. Every field is checked before anything is written."
        )]
        input: RemoveExperienceSkillInput,
    ) -> AppResult<RemoveSkillPayload> {
        let who = viewer(ctx)?.principal();
        let experience_id = decode_as(&input.experience_id, NodeType::Experience, "experienceId")?;
        let skill_id = decode_as(&input.skill_id, NodeType::Skill, "skillId")?;
        let mut conn = services(ctx).pool.get().await?;
        if !store::remove_experience_skill(&mut conn, who, experience_id, skill_id).await? {
            return Err(AppError::NotFound("ExperienceSkill"));
        }
        Ok(RemoveSkillPayload {
            removed_skill_id: input.skill_id,
        })
    }

    /// Claims a skill for the candidate with a proficiency; claiming it again updates it.
    async fn set_candidate_skill(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "The mutation's arguments: see `SetCandidateSkillInput`. Every field is checked before anything is written."
        )]
        input: SetCandidateSkillInput,
    ) -> AppResult<SetCandidateSkillPayload> {
        let who = viewer(ctx)?.principal();
        let years_experience = input
            .years_experience
            .map(|years| validate::int_in("yearsExperience", years, 0..=80))
            .transpose()?;
        let details = input
            .details
            .map(|d| validate::text_of("details", &d, 2000))
            .transpose()?;
        let mut conn = services(ctx).pool.get().await?;
        let values = CandidateSkillValues {
            proficiency: input.proficiency.unwrap_or(Proficiency::Intermediate),
            years_experience,
            is_featured: input.is_featured,
        };
        let row = conn
            .transaction::<_, AppError, _>(async |conn| {
                let skill = resolve_skill(conn, who, &input.skill).await?;
                Ok(store::upsert_candidate_skill_with_details(
                    conn,
                    who,
                    skill.id,
                    &values,
                    details.as_deref(),
                )
                .await?)
            })
            .await?;
        Ok(SetCandidateSkillPayload {
            candidate_skill: row.into(),
        })
    }

    /// Withdraws a skill claim. `NOT_FOUND` if the candidate had not claimed it.
    async fn remove_candidate_skill(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "The mutation's arguments: see `RemoveCandidateSkillInput`. Every field is checked before anything is written."
        )]
        input: RemoveCandidateSkillInput,
    ) -> AppResult<RemoveSkillPayload> {
        let who = viewer(ctx)?.principal();
        let skill_id = decode_as(&input.skill_id, NodeType::Skill, "skillId")?;
        let mut conn = services(ctx).pool.get().await?;
        if !store::remove_candidate_skill(&mut conn, who, skill_id).await? {
            return Err(AppError::NotFound("CandidateSkill"));
        }
        Ok(RemoveSkillPayload {
            removed_skill_id: input.skill_id,
        })
    }
}

/// Retires or reactivates a skill for `retireSkill` / `reactivateSkill`.
async fn set_active(ctx: &Context<'_>, id: &ID, active: bool) -> AppResult<SkillPayload> {
    let who = viewer(ctx)?.principal();
    let mut conn = services(ctx).pool.get().await?;
    if !access::is_platform_admin(&mut conn, who).await? {
        return Err(AppError::Forbidden(
            "only platform admins retire and reactivate skills",
        ));
    }
    let id = decode_as(id, NodeType::Skill, "skillId")?;
    let row = store::set_skill_active(&mut conn, id, active)
        .await?
        .ok_or(AppError::NotFound("Skill"))?;
    Ok(SkillPayload { skill: Skill(row) })
}
