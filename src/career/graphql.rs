//! GraphQL for the career record: relations of each type, the connections, and reads from
//! the viewer. Mutations are in `mutations.rs`.

use async_graphql::{ComplexObject, Context, Enum, ID, InputObject, Object, SimpleObject};
use chrono::{DateTime, Utc};
use diesel::pg::Pg;
use diesel::query_builder::{BoxedSqlQuery, SqlQuery};
use diesel::sql_types::{Bool, Nullable, Text};
use uuid::Uuid;

use super::enums::{EmploymentType, Importance, StarTag};
use super::model::{Bullet, BulletVersion, Education, Engagement, Experience, Project, StarStory, Strength};
use super::store::{EducationById, ExperienceById, UsageOfBullet, VersionsOfBullet};
use crate::companies::graphql::Company;
use crate::companies::store::CompanyOfExperience;
use crate::graphql::connection::{Conn, Listing, PageArgs, PageKey};
use crate::graphql::context::viewer;
use crate::graphql::errors::AppResult;
use crate::graphql::ids::NodeType;
use crate::graphql::present;
use crate::skills::graphql::{
    ExperienceSkill, Skill, SkillEvidence, experience_skills, project_skills, skill_matrix,
};

/// Loads one page of listing `L` under `parent` and turns it into a connection.
async fn connection<L, N>(
    ctx: &Context<'_>,
    parent: Uuid,
    args: PageArgs,
    filter: L::Filter,
    id: impl Fn(&L::Row) -> Uuid,
    node: impl Fn(L::Row) -> N,
) -> AppResult<Conn<N>>
where
    L: Listing,
    N: async_graphql::OutputType,
{
    let page = viewer(ctx)?
        .loaders
        .page::<L>(PageKey { parent, args, filter })
        .await?;
    Ok(page.into_connection(id, node))
}

/// Filters for experiences.
#[derive(InputObject, Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct ExperienceFilter {
    /// Only current (true) or only past (false) experiences.
    pub current: Option<bool>,
    /// Only experiences of this employment type.
    pub employment_type: Option<EmploymentType>,
}

/// How to order experiences.
#[derive(Enum, Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum ExperienceOrder {
    /// The candidate's own order (`reorderExperiences`).
    #[default]
    SortOrder,
    /// Most recent start first.
    StartDateDesc,
    /// Earliest start first.
    StartDateAsc,
}

pub struct Experiences;

impl Listing for Experiences {
    type Table = crate::db::schema::experiences::table;
    type Row = Experience;
    type Filter = (ExperienceFilter, ExperienceOrder);
    const FROM: &'static str = "experiences t";
    const PARENT: &'static str = "t.user_id";
    const WHERE: &'static str = "and ($7::bool is null or (t.end_date is null) = $7)
        and ($8::text is null or t.employment_type = $8)";

    fn order_by((_, order): &Self::Filter) -> &'static str {
        match order {
            ExperienceOrder::SortOrder => "t.sort_order, t.start_date desc",
            ExperienceOrder::StartDateDesc => "t.start_date desc",
            ExperienceOrder::StartDateAsc => "t.start_date",
        }
    }

    fn bind<'a>(
        query: BoxedSqlQuery<'a, Pg, SqlQuery>,
        (filter, _): &Self::Filter,
    ) -> BoxedSqlQuery<'a, Pg, SqlQuery> {
        query
            .bind::<Nullable<Bool>, _>(filter.current)
            .bind::<Nullable<Text>, _>(filter.employment_type.map(EmploymentType::as_str))
    }
}

/// Declares listings without filters:
/// `Name: Row, from table "table t" by "parent column" order "…";`.
macro_rules! plain_listings {
    ($($(#[$doc:meta])* $name:ident: $row:ty, from $table:ident $from:literal by $parent:literal order $order:literal;)+) => {$(
        $(#[$doc])*
        pub struct $name;

        impl Listing for $name {
            type Table = crate::db::schema::$table::table;
            type Row = $row;
            type Filter = ();
            const FROM: &'static str = $from;
            const PARENT: &'static str = $parent;

            fn order_by(_: &()) -> &'static str {
                $order
            }
        }
    )+};
}

plain_listings! {
    /// An experience's engagements, in the candidate's order.
    EngagementsOfExperience: Engagement, from engagements "engagements t" by "t.experience_id" order "t.sort_order";
    /// An experience's projects, in the candidate's order.
    ProjectsOfExperience: Project, from projects "projects t" by "t.experience_id" order "t.sort_order";
    /// An education's projects (theses, course projects), oldest first.
    ProjectsOfEducation: Project, from projects "projects t" by "t.education_id" order "t.created_at, t.id";
    /// Current studies first, then by most recent end.
    EducationOfUser: Education, from education "education t" by "t.user_id"
        order "t.is_current desc, t.end_date desc nulls first, t.start_date desc nulls last";
    /// Strengths, oldest first.
    StrengthsOfUser: Strength, from strengths "strengths t" by "t.user_id" order "t.created_at";
}

/// Every project of the candidate; with `personalOnly`, those outside any experience.
pub struct ProjectsOfUser;

impl Listing for ProjectsOfUser {
    type Table = crate::db::schema::projects::table;
    type Row = Project;
    type Filter = bool;
    const FROM: &'static str = "projects t";
    const PARENT: &'static str = "t.user_id";
    const WHERE: &'static str = "and (not $7 or t.experience_id is null)";

    fn order_by(_: &bool) -> &'static str {
        "t.start_date desc nulls last, t.created_at desc"
    }

    fn bind<'a>(
        query: BoxedSqlQuery<'a, Pg, SqlQuery>,
        personal_only: &bool,
    ) -> BoxedSqlQuery<'a, Pg, SqlQuery> {
        query.bind::<Bool, _>(*personal_only)
    }
}

pub struct StarStoriesOfExperience;

impl Listing for StarStoriesOfExperience {
    type Table = crate::db::schema::star_stories::table;
    type Row = StarStory;
    type Filter = Option<StarTag>;
    const FROM: &'static str = "star_stories t";
    const PARENT: &'static str = "t.experience_id";
    const WHERE: &'static str = "and ($7::text is null or $7 = any(t.tags))";

    fn order_by(_: &Option<StarTag>) -> &'static str {
        "t.created_at"
    }

    fn bind<'a>(
        query: BoxedSqlQuery<'a, Pg, SqlQuery>,
        tag: &Option<StarTag>,
    ) -> BoxedSqlQuery<'a, Pg, SqlQuery> {
        query.bind::<Nullable<Text>, _>(tag.map(StarTag::as_str))
    }
}

/// Filters for bullets.
#[derive(InputObject, Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct BulletFilter {
    /// Include retired bullets (hidden by default).
    #[graphql(default)]
    pub include_retired: bool,
    /// Only bullets of this importance.
    pub importance: Option<Importance>,
}

/// How to order bullets.
#[derive(Enum, Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum BulletOrder {
    /// The candidate's own order (`reorderBullets`).
    #[default]
    SortOrder,
    /// High importance first, then the candidate's order.
    Importance,
}

pub struct BulletsOfExperience;

impl Listing for BulletsOfExperience {
    type Table = crate::db::schema::bullets::table;
    type Row = Bullet;
    type Filter = (BulletFilter, BulletOrder);
    const FROM: &'static str = "bullets t";
    const PARENT: &'static str = "t.experience_id";
    const WHERE: &'static str = "and ($7 or not t.retired) and ($8::text is null or t.importance = $8)";

    fn order_by((_, order): &Self::Filter) -> &'static str {
        match order {
            BulletOrder::SortOrder => "t.sort_order",
            BulletOrder::Importance => {
                "coalesce(array_position(array['high', 'medium', 'low'], t.importance), 4), t.sort_order"
            }
        }
    }

    fn bind<'a>(
        query: BoxedSqlQuery<'a, Pg, SqlQuery>,
        (filter, _): &Self::Filter,
    ) -> BoxedSqlQuery<'a, Pg, SqlQuery> {
        query
            .bind::<Bool, _>(filter.include_retired)
            .bind::<Nullable<Text>, _>(filter.importance.map(Importance::as_str))
    }
}

/// An engagement's bullets: the same filters and order as an experience's.
pub struct BulletsOfEngagement;

impl Listing for BulletsOfEngagement {
    type Table = crate::db::schema::bullets::table;
    type Row = Bullet;
    type Filter = (BulletFilter, BulletOrder);
    const FROM: &'static str = BulletsOfExperience::FROM;
    const PARENT: &'static str = "t.engagement_id";
    const WHERE: &'static str = BulletsOfExperience::WHERE;

    fn order_by(filter: &Self::Filter) -> &'static str {
        BulletsOfExperience::order_by(filter)
    }

    fn bind<'a>(
        query: BoxedSqlQuery<'a, Pg, SqlQuery>,
        filter: &Self::Filter,
    ) -> BoxedSqlQuery<'a, Pg, SqlQuery> {
        BulletsOfExperience::bind(query, filter)
    }
}

/// How relevant a bullet is to one tag (ETPS `relevance_scores`).
#[derive(SimpleObject, Clone, Debug, PartialEq)]
pub struct RelevanceScore {
    /// The tag, e.g. "ai_governance".
    pub tag: String,
    /// From 0 (not relevant) to 1 (as relevant as can be).
    pub score: f64,
}

/// The scores of a stored tag -> score object, highest first, then by tag. Anything that is not
/// a number (never written by the API) is left out.
fn scores_of(stored: &serde_json::Value) -> Vec<RelevanceScore> {
    let mut scores: Vec<RelevanceScore> = stored
        .as_object()
        .map(|object| {
            object
                .iter()
                .filter_map(|(tag, score)| {
                    score.as_f64().map(|score| RelevanceScore {
                        tag: tag.clone(),
                        score,
                    })
                })
                .collect()
        })
        .unwrap_or_default();
    scores.sort_by(|a, b| b.score.total_cmp(&a.score).then_with(|| a.tag.cmp(&b.tag)));
    scores
}

#[ComplexObject]
impl Experience {
    /// Opaque global id.
    pub async fn id(&self) -> ID {
        NodeType::Experience.id(self.id)
    }
    /// AI systems built in the role (ETPS `ai_systems_built`), in the candidate's order; empty
    /// when none.
    async fn ai_systems_built(&self) -> Vec<String> {
        present(&self.ai_systems_built)
    }
    /// Governance frameworks created in the role (ETPS `governance_frameworks_created`), in the
    /// candidate's order; empty when none.
    async fn governance_frameworks_created(&self) -> Vec<String> {
        present(&self.governance_frameworks_created)
    }
    /// The tools and technologies used in the role as the candidate lists them (ETPS
    /// `tools_and_technologies`), free text in their order; the catalog skills linked to the
    /// role are `skills`. Empty when none.
    async fn tools_and_technologies(&self) -> Vec<String> {
        present(&self.tools_and_technologies)
    }
    /// The employer in the company catalog, found (or added) by `companyName` in any letter
    /// case and spacing; null only for a name the catalog could not take.
    async fn company(&self, ctx: &Context<'_>) -> AppResult<Option<Company>> {
        let found = viewer(ctx)?.loaders.one::<CompanyOfExperience>(self.id).await?;
        Ok(found.map(|f| Company(f.company)))
    }
    /// The id of `company`; null when it is.
    async fn company_id(&self, ctx: &Context<'_>) -> AppResult<Option<ID>> {
        let found = viewer(ctx)?.loaders.one::<CompanyOfExperience>(self.id).await?;
        Ok(found.map(|f| NodeType::Company.id(f.company.id)))
    }
    /// Client engagements (independent consulting only), in the candidate's order.
    async fn engagements(
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
    ) -> AppResult<Conn<Engagement>> {
        let args = PageArgs::new(first, after, last, before)?;
        connection::<EngagementsOfExperience, _>(ctx, self.id, args, (), |r| r.id, |r| r).await
    }
    /// Projects done in this role, in the candidate's order.
    async fn projects(
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
    ) -> AppResult<Conn<Project>> {
        let args = PageArgs::new(first, after, last, before)?;
        connection::<ProjectsOfExperience, _>(ctx, self.id, args, (), |r| r.id, |r| r).await
    }
    /// STAR stories from this role, oldest first; `tag` keeps those with the tag.
    async fn star_stories(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only the stories with this tag; omitted, all of them.")] tag: Option<StarTag>,
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
    ) -> AppResult<Conn<StarStory>> {
        let args = PageArgs::new(first, after, last, before)?;
        connection::<StarStoriesOfExperience, _>(ctx, self.id, args, tag, |r| r.id, |r| r).await
    }
    /// Bullets of this role (engagement bullets included); retired ones only when asked for.
    #[allow(clippy::too_many_arguments)]
    async fn bullets(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Which items to keep; omitted keeps all.")] filter: Option<BulletFilter>,
        #[graphql(
            desc = "The order of the list; omitted uses the default named in the field's description."
        )]
        order_by: Option<BulletOrder>,
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
    ) -> AppResult<Conn<Bullet>> {
        let args = PageArgs::new(first, after, last, before)?;
        connection::<BulletsOfExperience, _>(
            ctx,
            self.id,
            args,
            (filter.unwrap_or_default(), order_by.unwrap_or_default()),
            |r| r.id,
            |r| r,
        )
        .await
    }
    /// Skills the role used, primary ones first.
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
    ) -> AppResult<Conn<ExperienceSkill>> {
        experience_skills(ctx, self.id, PageArgs::new(first, after, last, before)?).await
    }
}

#[ComplexObject]
impl Engagement {
    /// Opaque global id.
    pub async fn id(&self) -> ID {
        NodeType::Engagement.id(self.id)
    }
    /// Domain categories, e.g. "banking".
    async fn domain_tags(&self) -> Vec<String> {
        present(&self.domain_tags)
    }
    /// Technologies used.
    async fn tech_tags(&self) -> Vec<String> {
        present(&self.tech_tags)
    }
    /// The consulting experience it belongs to.
    async fn experience(&self, ctx: &Context<'_>) -> AppResult<Option<Experience>> {
        viewer(ctx)?
            .loaders
            .one::<ExperienceById>(self.experience_id)
            .await
    }
    /// Bullets about this engagement.
    #[allow(clippy::too_many_arguments)]
    async fn bullets(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Which items to keep; omitted keeps all.")] filter: Option<BulletFilter>,
        #[graphql(
            desc = "The order of the list; omitted uses the default named in the field's description."
        )]
        order_by: Option<BulletOrder>,
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
    ) -> AppResult<Conn<Bullet>> {
        let args = PageArgs::new(first, after, last, before)?;
        connection::<BulletsOfEngagement, _>(
            ctx,
            self.id,
            args,
            (filter.unwrap_or_default(), order_by.unwrap_or_default()),
            |r| r.id,
            |r| r,
        )
        .await
    }
}

#[ComplexObject]
impl Project {
    /// Opaque global id.
    pub async fn id(&self) -> ID {
        NodeType::Project.id(self.id)
    }
    /// The experience it belongs to; null for a personal project or one under an education.
    async fn experience(&self, ctx: &Context<'_>) -> AppResult<Option<Experience>> {
        match self.experience_id {
            Some(id) => viewer(ctx)?.loaders.one::<ExperienceById>(id).await,
            None => Ok(None),
        }
    }
    /// The education it belongs to (a thesis, a course project); null otherwise.
    async fn education(&self, ctx: &Context<'_>) -> AppResult<Option<Education>> {
        match self.education_id {
            Some(id) => viewer(ctx)?.loaders.one::<EducationById>(id).await,
            None => Ok(None),
        }
    }
    /// Free tags that categorise it (Interview Assistant `experience.tags`).
    async fn tags(&self) -> Vec<String> {
        present(&self.tags)
    }
    /// The tech stack, by name.
    async fn tech_stack(
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
    ) -> AppResult<Conn<Skill>> {
        project_skills(ctx, self.id, PageArgs::new(first, after, last, before)?).await
    }
}

#[ComplexObject]
impl StarStory {
    /// Opaque global id.
    pub async fn id(&self) -> ID {
        NodeType::StarStory.id(self.id)
    }
    /// Categories from the fixed set.
    async fn tags(&self) -> Vec<StarTag> {
        present(&self.tags)
    }
    /// The experience it comes from.
    async fn experience(&self, ctx: &Context<'_>) -> AppResult<Option<Experience>> {
        viewer(ctx)?
            .loaders
            .one::<ExperienceById>(self.experience_id)
            .await
    }
}

#[ComplexObject]
impl Bullet {
    /// Opaque global id.
    pub async fn id(&self) -> ID {
        NodeType::Bullet.id(self.id)
    }
    /// Skill and topic tags.
    async fn tags(&self) -> Vec<String> {
        present(&self.tags)
    }
    /// How relevant the bullet is to each tag, from 0 to 1 (ETPS `relevance_scores`), highest
    /// first; empty when not scored.
    async fn relevance_scores(&self) -> Vec<RelevanceScore> {
        scores_of(&self.relevance_scores)
    }
    /// The engagement it is about, if any.
    async fn engagement_id(&self) -> Option<ID> {
        self.engagement_id.map(|id| NodeType::Engagement.id(id))
    }
    /// Earlier texts, newest first (one per edit of `text`).
    async fn versions(&self, ctx: &Context<'_>) -> AppResult<Vec<BulletVersion>> {
        viewer(ctx)?.loaders.many::<VersionsOfBullet>(self.id).await
    }
    /// How many of the candidate's applications used it (ETPS `usage_count`): those with a
    /// resume snapshot that shows it or an artifact that quotes its text (current or earlier,
    /// any letter case); each application once. 0 when none has.
    async fn usage_count(&self, ctx: &Context<'_>) -> AppResult<i32> {
        let usage = viewer(ctx)?.loaders.one::<UsageOfBullet>(self.id).await?;
        Ok(usage.map_or(0, |u| u.usage_count))
    }
    /// When an application last used it: the newest snapshot or artifact counted in
    /// `usageCount`; null if none has.
    async fn last_used_at(&self, ctx: &Context<'_>) -> AppResult<Option<DateTime<Utc>>> {
        let usage = viewer(ctx)?.loaders.one::<UsageOfBullet>(self.id).await?;
        Ok(usage.and_then(|u| u.last_used_at))
    }
}

#[ComplexObject]
impl BulletVersion {
    /// Opaque global id.
    pub async fn id(&self) -> ID {
        NodeType::BulletVersion.id(self.id)
    }
}

#[ComplexObject]
impl Education {
    /// Opaque global id.
    pub async fn id(&self) -> ID {
        NodeType::Education.id(self.id)
    }
    /// Projects done in these studies (a thesis, a course project), oldest first.
    async fn projects(
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
    ) -> AppResult<Conn<Project>> {
        let args = PageArgs::new(first, after, last, before)?;
        connection::<ProjectsOfEducation, _>(ctx, self.id, args, (), |r| r.id, |r| r).await
    }
}

#[ComplexObject]
impl Strength {
    /// Opaque global id.
    pub async fn id(&self) -> ID {
        NodeType::Strength.id(self.id)
    }
}

pub struct TechnicalReview {
    pub user_id: Uuid,
}

/// The candidate's technical record: their experiences and what they show.
#[Object]
impl TechnicalReview {
    /// The candidate's experiences.
    #[allow(clippy::too_many_arguments)]
    async fn experiences(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Which items to keep; omitted keeps all.")] filter: Option<ExperienceFilter>,
        #[graphql(
            desc = "The order of the list; omitted uses the default named in the field's description."
        )]
        order_by: Option<ExperienceOrder>,
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
    ) -> AppResult<Conn<Experience>> {
        let args = PageArgs::new(first, after, last, before)?;
        connection::<Experiences, _>(
            ctx,
            self.user_id,
            args,
            (filter.unwrap_or_default(), order_by.unwrap_or_default()),
            |r| r.id,
            |r| r,
        )
        .await
    }

    /// Per skill with evidence (experiences using it, projects listing it): months of use,
    /// last use and how much evidence there is. Longest used first.
    async fn skill_matrix(&self, ctx: &Context<'_>) -> AppResult<Vec<SkillEvidence>> {
        skill_matrix(ctx, self.user_id).await
    }
}

/// `User.education`.
pub async fn education_of(ctx: &Context<'_>, user_id: Uuid, args: PageArgs) -> AppResult<Conn<Education>> {
    connection::<EducationOfUser, _>(ctx, user_id, args, (), |r| r.id, |r| r).await
}

/// `User.strengths`.
pub async fn strengths_of(ctx: &Context<'_>, user_id: Uuid, args: PageArgs) -> AppResult<Conn<Strength>> {
    connection::<StrengthsOfUser, _>(ctx, user_id, args, (), |r| r.id, |r| r).await
}

/// `User.projects`.
pub async fn projects_of(
    ctx: &Context<'_>,
    user_id: Uuid,
    personal_only: bool,
    args: PageArgs,
) -> AppResult<Conn<Project>> {
    connection::<ProjectsOfUser, _>(ctx, user_id, args, personal_only, |r| r.id, |r| r).await
}
