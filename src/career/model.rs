//! The career record's rows, which are also its GraphQL types: plain fields are exposed as
//! they are; ids, owners and relations are resolved in `graphql.rs`.

use async_graphql::SimpleObject;
use chrono::{DateTime, Utc};
use diesel::{Queryable, QueryableByName, Selectable};
use uuid::Uuid;

use super::enums::{BulletType, EmploymentType, Importance, ProjectType, StarTag, Visibility};
use crate::db::schema::{
    bullet_versions, bullets, education, engagements, experiences, projects, star_stories, strengths,
};
use crate::graphql::scalars::{Date, Url};

/// A role the candidate held: the spine of the career record.
#[derive(Clone, Debug, Queryable, Selectable, QueryableByName, SimpleObject)]
#[diesel(table_name = experiences)]
#[graphql(complex)]
pub struct Experience {
    #[graphql(skip)]
    pub id: Uuid,
    #[graphql(skip)]
    pub user_id: Uuid,
    /// Employer name.
    pub company_name: String,
    /// Role title.
    pub job_title: String,
    /// The kind of work; only `INDEPENDENT_CONSULTING` experiences hold engagements.
    pub employment_type: EmploymentType,
    /// First day (or month) in the role.
    pub start_date: Date,
    /// Last day in the role; null while current.
    pub end_date: Option<Date>,
    /// Office location.
    pub location: Option<String>,
    /// Context about the company.
    pub company_description: Option<String>,
    /// Narrative summary of the role.
    pub summary: Option<String>,
    /// Position among the candidate's experiences (0 first).
    pub sort_order: i32,
    /// When it was created.
    pub created_at: DateTime<Utc>,
    /// When it last changed.
    pub updated_at: DateTime<Utc>,
    /// SHARED (the default) or PRIVATE: a private record never leaves the candidate.
    pub visibility: Visibility,
    /// Anything else about the role, free-form (Interview Assistant `employment.details`), up to
    /// 5,000 characters; null when none.
    pub details: Option<String>,
    #[graphql(skip)]
    pub ai_systems_built: Vec<Option<String>>,
    #[graphql(skip)]
    pub governance_frameworks_created: Vec<Option<String>>,
    /// How relevant the role is to the candidate's target domain, from 0 (not at all) to 1
    /// (squarely in it) (ETPS `fs_domain_relevance`, generalised beyond financial services);
    /// null when not rated.
    pub domain_relevance: Option<f64>,
    /// A brief summary of the role (ETPS `role_summary`; up to 2,000 characters), shorter than
    /// `summary`; null when none.
    pub role_summary: Option<String>,
    #[graphql(skip)]
    pub tools_and_technologies: Vec<Option<String>>,
}

/// A client engagement inside an independent-consulting experience.
#[derive(Clone, Debug, Queryable, Selectable, QueryableByName, SimpleObject)]
#[diesel(table_name = engagements)]
#[graphql(complex)]
pub struct Engagement {
    #[graphql(skip)]
    pub id: Uuid,
    #[graphql(skip)]
    pub user_id: Uuid,
    #[graphql(skip)]
    pub experience_id: Uuid,
    /// Client name; null for internal work.
    pub client: Option<String>,
    /// What the engagement was called; null when not named.
    pub project_name: Option<String>,
    /// Advisory, product build or implementation; null when not given.
    pub project_type: Option<ProjectType>,
    /// How the dates are shown, e.g. "2023" or "Q1 2024".
    pub date_range_label: Option<String>,
    #[graphql(skip)]
    pub domain_tags: Vec<Option<String>>,
    #[graphql(skip)]
    pub tech_tags: Vec<Option<String>>,
    /// Position within the experience (0 first).
    pub sort_order: i32,
    /// When it was created.
    pub created_at: DateTime<Utc>,
    /// When it last changed.
    pub updated_at: DateTime<Utc>,
}

/// Something the candidate built or achieved: inside an experience, inside an education (a
/// thesis, a course project), or on their own. Interview Assistant's item-level experiences
/// are projects.
#[derive(Clone, Debug, Queryable, Selectable, QueryableByName, SimpleObject)]
#[diesel(table_name = projects)]
#[graphql(complex)]
pub struct Project {
    #[graphql(skip)]
    pub id: Uuid,
    #[graphql(skip)]
    pub user_id: Uuid,
    #[graphql(skip)]
    pub experience_id: Option<Uuid>,
    /// The project's name (1 to 200 characters).
    pub name: String,
    /// What was built or done.
    pub description: Option<String>,
    /// The candidate's role in it.
    pub role: Option<String>,
    /// A free-form category such as "platform" or "data" (up to 100 characters); null when none.
    pub category: Option<String>,
    /// The quantified result.
    pub impact_metric: Option<String>,
    /// Its repository on github.com; null when none.
    pub github_url: Option<Url>,
    /// Where it can be seen running (any http(s) URL); null when none.
    pub live_url: Option<Url>,
    /// When work on it began; null when unknown.
    pub start_date: Option<Date>,
    /// When it ended; null while ongoing or unknown.
    pub end_date: Option<Date>,
    /// Position within its experience (0 first).
    pub sort_order: i32,
    /// When it was created.
    pub created_at: DateTime<Utc>,
    /// When it last changed.
    pub updated_at: DateTime<Utc>,
    /// SHARED (the default) or PRIVATE: a private record never leaves the candidate.
    pub visibility: Visibility,
    #[graphql(skip)]
    pub education_id: Option<Uuid>,
    /// Anything else about it, free-form (up to 5,000 characters); null when none.
    pub details: Option<String>,
    /// What kind of item it is, as the candidate labels it (e.g. "thesis", "course project",
    /// "side project"; up to 100 characters; Interview Assistant `experience_type`); null when
    /// not labelled.
    pub experience_type: Option<String>,
    #[graphql(skip)]
    pub tags: Vec<Option<String>>,
    /// How relevant the project is to the candidate's target domain, from 0 (not at all) to 1
    /// (squarely in it) (ETPS `ai_portfolio[].fs_relevance`); null when not rated. Its impact
    /// (ETPS `ai_portfolio[].impact`) is `impactMetric`.
    pub domain_relevance: Option<f64>,
}

/// A Situation–Task–Action–Result story from an experience, for interviews.
#[derive(Clone, Debug, Queryable, Selectable, QueryableByName, SimpleObject)]
#[diesel(table_name = star_stories)]
#[graphql(complex)]
pub struct StarStory {
    #[graphql(skip)]
    pub id: Uuid,
    #[graphql(skip)]
    pub user_id: Uuid,
    #[graphql(skip)]
    pub experience_id: Uuid,
    /// A short name for the story.
    pub title: Option<String>,
    /// S: the context and the challenge.
    pub situation: String,
    /// T: what the candidate had to achieve.
    pub task: String,
    /// A: what the candidate did.
    pub action: String,
    /// R: what came of it, with numbers where there are any.
    pub result: String,
    #[graphql(skip)]
    pub tags: Vec<Option<StarTag>>,
    /// When it was created.
    pub created_at: DateTime<Utc>,
    /// When it last changed.
    pub updated_at: DateTime<Utc>,
    /// SHARED (the default) or PRIVATE: a private record never leaves the candidate.
    pub visibility: Visibility,
}

/// One line of evidence about an experience (or one of its engagements).
#[derive(Clone, Debug, Queryable, Selectable, QueryableByName, SimpleObject)]
#[diesel(table_name = bullets)]
#[graphql(complex)]
pub struct Bullet {
    #[graphql(skip)]
    pub id: Uuid,
    #[graphql(skip)]
    pub user_id: Uuid,
    #[graphql(skip)]
    pub experience_id: Uuid,
    #[graphql(skip)]
    pub engagement_id: Option<Uuid>,
    /// The current text; earlier texts are in `versions`.
    pub text: String,
    #[graphql(skip)]
    pub tags: Vec<Option<String>>,
    /// Achievement, responsibility or metric impact; null when not classified.
    pub bullet_type: Option<BulletType>,
    /// Seniority the bullet speaks to, e.g. "director" or "senior_ic".
    pub seniority_level: Option<String>,
    /// How much the bullet matters when a CV is tailored; null when not rated.
    pub importance: Option<Importance>,
    /// Notes in STAR form behind the bullet.
    pub star_notes: Option<String>,
    /// Never written: `usageCount` and `lastUsedAt` are computed (`store::UsageOfBullet`).
    #[graphql(skip)]
    pub usage_count: i32,
    #[graphql(skip)]
    pub last_used_at: Option<DateTime<Utc>>,
    /// Retired bullets are kept but hidden unless asked for.
    pub retired: bool,
    /// Position within its experience (0 first).
    pub sort_order: i32,
    /// When it was created.
    pub created_at: DateTime<Utc>,
    /// When it last changed.
    pub updated_at: DateTime<Utc>,
    /// SHARED (the default) or PRIVATE: a private record never leaves the candidate.
    pub visibility: Visibility,
    #[graphql(skip)]
    pub relevance_scores: serde_json::Value,
    /// Prefer this bullet when tailoring (ETPS `ai_first_choice`, generalised beyond AI roles):
    /// `tailorResume` always chooses it for its experience and puts it before the
    /// experience's other bullets.
    pub lead_with: bool,
    /// How the current text was written, e.g. "manual" or "keywords" (ETPS
    /// `version_history[].strategy`; 1 to 50 characters); null when not said. When the text
    /// changes, the version keeping the old text keeps this too.
    pub strategy: Option<String>,
}

/// An earlier text of a bullet.
#[derive(Clone, Debug, Queryable, Selectable, SimpleObject)]
#[diesel(table_name = bullet_versions)]
#[graphql(complex)]
pub struct BulletVersion {
    #[graphql(skip)]
    pub id: Uuid,
    #[graphql(skip)]
    pub bullet_id: Uuid,
    /// The text as it was.
    pub text: String,
    /// When it was replaced.
    pub created_at: DateTime<Utc>,
    /// How that text had been written (the bullet's `strategy` while it was current, e.g.
    /// "keywords"); null when not said.
    pub strategy: Option<String>,
}

/// A degree, diploma or course of study.
#[derive(Clone, Debug, Queryable, Selectable, QueryableByName, SimpleObject)]
#[diesel(table_name = education)]
#[graphql(complex)]
pub struct Education {
    #[graphql(skip)]
    pub id: Uuid,
    #[graphql(skip)]
    pub user_id: Uuid,
    /// The school, university or provider.
    pub institution_name: String,
    /// The degree or qualification, e.g. "BSc"; null when none.
    pub degree: Option<String>,
    /// The main subject; null when not given.
    pub field_of_study: Option<String>,
    /// A secondary subject; null when none.
    pub minor: Option<String>,
    /// Grade point average, 0 to 10 (scales differ by country).
    pub gpa: Option<f64>,
    /// Where it was studied; null when not given.
    pub location: Option<String>,
    /// When it began; null when unknown.
    pub start_date: Option<Date>,
    /// When it ended (or is expected to); null when unknown.
    pub end_date: Option<Date>,
    /// Still studying there.
    pub is_current: bool,
    /// Anything else: honours, thesis, courses (up to 5,000 characters); null when none.
    pub details: Option<String>,
    /// When it was created.
    pub created_at: DateTime<Utc>,
    /// When it last changed.
    pub updated_at: DateTime<Utc>,
}

/// A strength that is not a hard skill.
#[derive(Clone, Debug, Queryable, Selectable, QueryableByName, SimpleObject)]
#[diesel(table_name = strengths)]
#[graphql(complex)]
pub struct Strength {
    #[graphql(skip)]
    pub id: Uuid,
    #[graphql(skip)]
    pub user_id: Uuid,
    /// A short name, e.g. "Calm under pressure" (1 to 100 characters).
    pub name: String,
    /// What it looks like in practice (up to 2,000 characters); null when none.
    pub description: Option<String>,
    /// When it was created.
    pub created_at: DateTime<Utc>,
    /// When it last changed.
    pub updated_at: DateTime<Utc>,
}
