//! GraphQL for resumes: the resume, its sections and items (each resolved to the live record),
//! snapshots, the diff of two resumes, tailoring, and their mutations.

use async_graphql::{Context, ID, InputObject, Json, MaybeUndefined, Object, SimpleObject, Union};
use chrono::{DateTime, Utc};
use diesel::pg::Pg;
use diesel::query_builder::{BoxedSqlQuery, SqlQuery};
use diesel::sql_types::{Bool, Nullable};
use diesel_async::AsyncConnection;
use uuid::Uuid;

use super::enums::{ResumeChangeKind, ResumeItemKind, ResumeSectionType};
use super::store::{
    self, ItemById, ItemRow, ItemsOfSection, NewItem, NewResume, PersonalInfo, ResumeById, ResumeChanges,
    ResumeRow, SectionById, SectionRow, SectionsOfResume, SnapshotById, SnapshotRow,
};
use super::tailor;
use super::{Document, Record, diff, plain_text, record_text, section_text, shown};
use crate::access::{Principal, may_change};
use crate::applications::graphql::Application;
use crate::applications::store::ApplicationById;
use crate::career::model::{Bullet, Education, Experience, Project, StarStory, Strength};
use crate::career::store::{
    BulletById, EducationById, ExperienceById, ProjectById, StarStoryById, StrengthById,
};
use crate::db::DbConn;
use crate::db::schema::{job_postings, resume_items, resume_sections, resumes};
use crate::graphql::connection::{Conn, Listing, PageArgs, PageKey};
use crate::graphql::context::{services, viewer};
use crate::graphql::errors::{AppError, AppResult};
use crate::graphql::ids::{NodeType, decode, decode_as};
use crate::graphql::scalars::{EmailAddress, Url};
use crate::graphql::{DeletePayload, IdInput};
use crate::jobs::graphql::JobPosting;
use crate::jobs::store::JobPostingById;
use crate::payload_edge;
use crate::profile::graphql::ProfileOfUser;
use crate::skills::graphql::{CandidateSkill, CandidateSkillById, SkillById};
use crate::validate::{self, field, text};

/// Filters for resumes.
#[derive(InputObject, Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct ResumeFilter {
    /// Only base resumes (true) or only the others (false).
    pub is_base: Option<bool>,
}

/// The viewer's resumes, most recently changed first.
pub struct Resumes;

impl Listing for Resumes {
    type Table = resumes::table;
    type Row = ResumeRow;
    type Filter = ResumeFilter;
    const FROM: &'static str = "resumes t";
    const PARENT: &'static str = "t.user_id";
    const WHERE: &'static str = "and ($7::bool is null or t.is_base = $7)";

    fn order_by(_: &ResumeFilter) -> &'static str {
        "t.updated_at desc"
    }

    fn bind<'a>(
        query: BoxedSqlQuery<'a, Pg, SqlQuery>,
        filter: &ResumeFilter,
    ) -> BoxedSqlQuery<'a, Pg, SqlQuery> {
        query.bind::<Nullable<Bool>, _>(filter.is_base)
    }
}

/// A resume's snapshots, newest first.
pub struct SnapshotsOfResume;

impl Listing for SnapshotsOfResume {
    type Table = crate::db::schema::resume_snapshots::table;
    type Row = SnapshotRow;
    type Filter = ();
    const FROM: &'static str = "resume_snapshots t";
    const PARENT: &'static str = "t.resume_id";

    fn order_by(_: &()) -> &'static str {
        "t.created_at desc"
    }
}

/// `User.resumes`.
pub async fn resumes_of(
    ctx: &Context<'_>,
    user_id: Uuid,
    filter: ResumeFilter,
    args: PageArgs,
) -> AppResult<Conn<Resume>> {
    let key = PageKey {
        parent: user_id,
        args,
        filter,
    };
    let page = viewer(ctx)?.loaders.page::<Resumes>(key).await?;
    Ok(page.into_connection(|row| row.id, Resume))
}

/// The viewer's resume with this id (for `node`).
pub async fn resume_by_id(ctx: &Context<'_>, id: Uuid) -> AppResult<Option<Resume>> {
    Ok(viewer(ctx)?.loaders.one::<ResumeById>(id).await?.map(Resume))
}

/// The viewer's resume section with this id (for `node`).
pub async fn section_by_id(ctx: &Context<'_>, id: Uuid) -> AppResult<Option<ResumeSection>> {
    Ok(viewer(ctx)?
        .loaders
        .one::<SectionById>(id)
        .await?
        .map(ResumeSection))
}

/// The viewer's resume item with this id (for `node`).
pub async fn item_by_id(ctx: &Context<'_>, id: Uuid) -> AppResult<Option<ResumeItem>> {
    Ok(viewer(ctx)?.loaders.one::<ItemById>(id).await?.map(ResumeItem))
}

/// The viewer's resume snapshot with this id (for `node`).
pub async fn snapshot_by_id(ctx: &Context<'_>, id: Uuid) -> AppResult<Option<ResumeSnapshot>> {
    Ok(viewer(ctx)?
        .loaders
        .one::<SnapshotById>(id)
        .await?
        .map(ResumeSnapshot))
}

/// Personal details on a resume. Each field is null when not set.
#[derive(SimpleObject, Clone, Debug, Default)]
pub struct ResumePersonalInfo {
    /// The name at the top of the resume.
    pub full_name: Option<String>,
    /// The contact email address.
    pub email: Option<EmailAddress>,
    /// The contact phone number.
    pub phone: Option<String>,
    /// Where the candidate is based.
    pub location: Option<String>,
    /// The line under the name.
    pub headline: Option<String>,
    /// A LinkedIn profile (on linkedin.com).
    pub linkedin_url: Option<Url>,
    /// A GitHub profile (on github.com).
    pub github_url: Option<Url>,
    /// A portfolio or personal site.
    pub portfolio_url: Option<Url>,
}

impl From<PersonalInfo> for ResumePersonalInfo {
    fn from(info: PersonalInfo) -> Self {
        Self {
            full_name: info.full_name,
            email: info.email,
            phone: info.phone,
            location: info.location,
            headline: info.headline,
            linkedin_url: info.linkedin_url,
            github_url: info.github_url,
            portfolio_url: info.portfolio_url,
        }
    }
}

/// A resume: ordered sections over the candidate's records.
#[derive(Clone, Debug)]
pub struct Resume(pub ResumeRow);

/// A resume composed from the candidate's record: ordered sections whose items reference
/// experiences, bullets, projects, STAR stories, education, claimed skills and strengths, so an
/// edit of a record shows on every resume that uses it.
#[Object]
impl Resume {
    /// Opaque global id.
    pub async fn id(&self) -> ID {
        NodeType::Resume.id(self.0.id)
    }
    /// The resume's name, for the candidate (1 to 200 characters).
    async fn name(&self) -> &str {
        &self.0.name
    }
    /// A base resume is a general one that tailored resumes start from.
    async fn is_base(&self) -> bool {
        self.0.is_base
    }
    /// The template's name (up to 100 characters); null: the default.
    async fn template(&self) -> Option<&str> {
        self.0.template.as_deref()
    }
    /// The job posting it is for; null when none (or the posting was deleted).
    async fn job_posting(&self, ctx: &Context<'_>) -> AppResult<Option<JobPosting>> {
        let Some(id) = self.0.job_posting_id else {
            return Ok(None);
        };
        Ok(viewer(ctx)?
            .loaders
            .one::<JobPostingById>(id)
            .await?
            .map(JobPosting::from))
    }
    /// The application it was sent with; null when none (or the application was deleted).
    /// Attaching it to an application froze a snapshot (`snapshots`).
    async fn application(&self, ctx: &Context<'_>) -> AppResult<Option<Application>> {
        let Some(id) = self.0.application_id else {
            return Ok(None);
        };
        Ok(viewer(ctx)?
            .loaders
            .one::<ApplicationById>(id)
            .await?
            .map(Application))
    }
    /// The personal details the resume shows: each of its own overrides, else the profile's.
    async fn personal_info(&self, ctx: &Context<'_>) -> AppResult<ResumePersonalInfo> {
        let profile = viewer(ctx)?.loaders.one::<ProfileOfUser>(self.0.user_id).await?;
        let own = self.0.personal_info();
        let Some(p) = profile else {
            return Ok(own.into());
        };
        Ok(ResumePersonalInfo {
            full_name: own.full_name.or(p.full_name),
            email: own.email.or(p.email),
            phone: own.phone.or(p.phone),
            location: own.location.or(p.location),
            headline: own.headline.or(p.headline),
            linkedin_url: own.linkedin_url.or(p.linkedin_url),
            github_url: own.github_url.or(p.github_url),
            portfolio_url: own.portfolio_url.or(p.portfolio_url),
        })
    }
    /// Only the personal details this resume sets itself (null fields show the profile's).
    async fn personal_info_overrides(&self) -> ResumePersonalInfo {
        self.0.personal_info().into()
    }
    /// The sections, in their order.
    async fn sections(&self, ctx: &Context<'_>) -> AppResult<Vec<ResumeSection>> {
        let rows = viewer(ctx)?.loaders.many::<SectionsOfResume>(self.0.id).await?;
        Ok(rows.into_iter().map(ResumeSection).collect())
    }
    /// The frozen copies of this resume, newest first.
    async fn snapshots(
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
    ) -> AppResult<Conn<ResumeSnapshot>> {
        let key = PageKey {
            parent: self.0.id,
            args: PageArgs::new(first, after, last, before)?,
            filter: (),
        };
        let page = viewer(ctx)?.loaders.page::<SnapshotsOfResume>(key).await?;
        Ok(page.into_connection(|row| row.id, ResumeSnapshot))
    }
    /// When it was created.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
    /// When it (not its sections or items) last changed.
    async fn updated_at(&self) -> DateTime<Utc> {
        self.0.updated_at
    }
}

/// A section of a resume.
#[derive(Clone, Debug)]
pub struct ResumeSection(pub SectionRow);

/// One section of a resume: a type, a title, optional text of its own, and ordered items.
#[Object]
impl ResumeSection {
    /// Opaque global id.
    pub async fn id(&self) -> ID {
        NodeType::ResumeSection.id(self.0.id)
    }
    /// What the section holds; it decides which items it takes.
    #[graphql(name = "type")]
    async fn section_type(&self) -> ResumeSectionType {
        self.0.section_type
    }
    /// The heading shown (1 to 200 characters).
    async fn title(&self) -> &str {
        &self.0.title
    }
    /// The section's own text as stored (up to 5,000 characters); null when none.
    async fn content(&self) -> Option<&str> {
        self.0.content.as_deref()
    }
    /// The text the section shows: `content`, or for a SUMMARY without one the profile's
    /// summary; null when neither.
    async fn text(&self, ctx: &Context<'_>) -> AppResult<Option<String>> {
        let summary = match (self.0.content.is_none(), self.0.section_type) {
            (true, ResumeSectionType::Summary) => viewer(ctx)?
                .loaders
                .one::<ProfileOfUser>(self.0.user_id)
                .await?
                .and_then(|p| p.summary),
            _ => None,
        };
        Ok(section_text(
            self.0.section_type,
            self.0.content.as_deref(),
            summary.as_deref(),
        ))
    }
    /// Position among the resume's sections (0 first).
    async fn index(&self) -> i32 {
        self.0.position
    }
    /// The section's top-level items in their order, hidden ones included; the items under an
    /// experience are its `children`.
    async fn items(&self, ctx: &Context<'_>) -> AppResult<Vec<ResumeItem>> {
        let rows = viewer(ctx)?.loaders.many::<ItemsOfSection>(self.0.id).await?;
        Ok(rows
            .into_iter()
            .filter(|item| item.parent_item_id.is_none())
            .map(ResumeItem)
            .collect())
    }
    /// The resume it belongs to.
    async fn resume(&self, ctx: &Context<'_>) -> AppResult<Resume> {
        viewer(ctx)?
            .loaders
            .one::<ResumeById>(self.0.resume_id)
            .await?
            .map(Resume)
            .ok_or(AppError::NotFound("Resume"))
    }
}

/// The record a resume item shows.
#[derive(Union)]
pub enum ResumeRecord {
    Experience(Experience),
    Bullet(Bullet),
    Project(Project),
    StarStory(StarStory),
    Education(Education),
    CandidateSkill(CandidateSkill),
    Strength(Strength),
}

/// The live record an item references, through the request's loaders (one statement per kind
/// and level, whatever the number of items).
async fn record_of(ctx: &Context<'_>, item: &ItemRow) -> AppResult<Option<Record>> {
    let loaders = &viewer(ctx)?.loaders;
    let id = item.record_id();
    Ok(match item.kind {
        ResumeItemKind::Experience => loaders.one::<ExperienceById>(id).await?.map(Record::Experience),
        ResumeItemKind::Bullet => loaders.one::<BulletById>(id).await?.map(Record::Bullet),
        ResumeItemKind::Project => loaders.one::<ProjectById>(id).await?.map(Record::Project),
        ResumeItemKind::StarStory => loaders.one::<StarStoryById>(id).await?.map(Record::StarStory),
        ResumeItemKind::Education => loaders.one::<EducationById>(id).await?.map(Record::Education),
        ResumeItemKind::Strength => loaders.one::<StrengthById>(id).await?.map(Record::Strength),
        ResumeItemKind::CandidateSkill => match loaders.one::<CandidateSkillById>(id).await? {
            Some(row) => {
                let name = loaders.one::<SkillById>(row.skill_id).await?.map(|s| s.name);
                name.map(|name| Record::CandidateSkill(row, name))
            }
            None => None,
        },
    })
}

/// An item of a resume section.
#[derive(Clone, Debug)]
pub struct ResumeItem(pub ItemRow);

/// One item of a resume section: a reference to one of the candidate's records, shown with
/// the record's current text unless this resume overrides it.
#[Object]
impl ResumeItem {
    /// Opaque global id.
    pub async fn id(&self) -> ID {
        NodeType::ResumeItem.id(self.0.id)
    }
    /// Which kind of record it references.
    async fn kind(&self) -> ResumeItemKind {
        self.0.kind
    }
    /// The record it shows, as it is now.
    async fn record(&self, ctx: &Context<'_>) -> AppResult<Option<ResumeRecord>> {
        Ok(record_of(ctx, &self.0).await?.map(|record| match record {
            Record::Experience(r) => ResumeRecord::Experience(r),
            Record::Bullet(r) => ResumeRecord::Bullet(r),
            Record::Project(r) => ResumeRecord::Project(r),
            Record::StarStory(r) => ResumeRecord::StarStory(r),
            Record::Education(r) => ResumeRecord::Education(r),
            Record::CandidateSkill(r, _) => ResumeRecord::CandidateSkill(r.into()),
            Record::Strength(r) => ResumeRecord::Strength(r),
        }))
    }
    /// Hidden items stay on the resume but are not shown (nor are the items under them).
    async fn hidden(&self) -> bool {
        self.0.hidden
    }
    /// Whether the resume shows it: not hidden, not under a hidden item, and its record shown
    /// (a retired bullet is not).
    async fn visible(&self, ctx: &Context<'_>) -> AppResult<bool> {
        if self.0.hidden {
            return Ok(false);
        }
        if let Some(parent) = self.0.parent_item_id {
            let siblings = viewer(ctx)?
                .loaders
                .many::<ItemsOfSection>(self.0.section_id)
                .await?;
            if siblings.iter().any(|item| item.id == parent && item.hidden) {
                return Ok(false);
            }
        }
        Ok(record_of(ctx, &self.0)
            .await?
            .is_some_and(|record| shown(&record)))
    }
    /// Position among its siblings (0 first).
    async fn index(&self) -> i32 {
        self.0.position
    }
    /// This resume's own wording (1 to 5,000 characters), shown instead of the record's text
    /// on this resume only; null when the record's text is shown.
    async fn override_text(&self) -> Option<&str> {
        self.0.override_text.as_deref()
    }
    /// The record's current text as a resume shows it (see the README's "Resumes").
    async fn canonical_text(&self, ctx: &Context<'_>) -> AppResult<String> {
        Ok(record_of(ctx, &self.0)
            .await?
            .map(|record| record_text(&record))
            .unwrap_or_default())
    }
    /// What the resume shows: `overrideText` if set, else `canonicalText`.
    async fn text(&self, ctx: &Context<'_>) -> AppResult<String> {
        if let Some(text) = &self.0.override_text {
            return Ok(text.clone());
        }
        Ok(record_of(ctx, &self.0)
            .await?
            .map(|record| record_text(&record))
            .unwrap_or_default())
    }
    /// Why `tailorResume` chose the item and placed it here; null for items added by hand.
    async fn reason(&self) -> Option<&str> {
        self.0.reason.as_deref()
    }
    /// The items under this one (the bullets, projects and STAR stories chosen for an
    /// experience), in their order, hidden ones included.
    async fn children(&self, ctx: &Context<'_>) -> AppResult<Vec<ResumeItem>> {
        let rows = viewer(ctx)?
            .loaders
            .many::<ItemsOfSection>(self.0.section_id)
            .await?;
        Ok(rows
            .into_iter()
            .filter(|item| item.parent_item_id == Some(self.0.id))
            .map(ResumeItem)
            .collect())
    }
    /// The experience item this one is under; null for a top-level item.
    async fn parent(&self, ctx: &Context<'_>) -> AppResult<Option<ResumeItem>> {
        let Some(parent) = self.0.parent_item_id else {
            return Ok(None);
        };
        Ok(viewer(ctx)?
            .loaders
            .one::<ItemById>(parent)
            .await?
            .map(ResumeItem))
    }
    /// The section it belongs to.
    async fn section(&self, ctx: &Context<'_>) -> AppResult<ResumeSection> {
        viewer(ctx)?
            .loaders
            .one::<SectionById>(self.0.section_id)
            .await?
            .map(ResumeSection)
            .ok_or(AppError::NotFound("ResumeSection"))
    }
}

/// A frozen resume.
#[derive(Clone, Debug)]
pub struct ResumeSnapshot(pub SnapshotRow);

/// What a resume said at one moment: its resolved sections and items, frozen. Later edits of
/// the resume or of the record never change it; the database refuses any update.
#[Object]
impl ResumeSnapshot {
    /// Opaque global id.
    pub async fn id(&self) -> ID {
        NodeType::ResumeSnapshot.id(self.0.id)
    }
    /// The resume's name when the snapshot was taken.
    async fn name(&self) -> &str {
        &self.0.name
    }
    /// The resume it froze; null once that resume is deleted.
    async fn resume(&self, ctx: &Context<'_>) -> AppResult<Option<Resume>> {
        let Some(id) = self.0.resume_id else {
            return Ok(None);
        };
        Ok(viewer(ctx)?.loaders.one::<ResumeById>(id).await?.map(Resume))
    }
    /// The application it was sent with; null when none (or the application was deleted).
    async fn application(&self, ctx: &Context<'_>) -> AppResult<Option<Application>> {
        let Some(id) = self.0.application_id else {
            return Ok(None);
        };
        Ok(viewer(ctx)?
            .loaders
            .one::<ApplicationById>(id)
            .await?
            .map(Application))
    }
    /// The frozen document: `{ resumeId, name, template, personalInfo { fullName, email, phone,
    /// location, headline, linkedinUrl, githubUrl, portfolioUrl }, sections: [{ id, type, title,
    /// text, items: [{ id, kind, recordId, text, overridden, children: [...] }] }] }`, with
    /// only what was shown (hidden items left out) and types and kinds in lower case.
    async fn document(&self) -> Json<serde_json::Value> {
        Json(self.0.document.clone())
    }
    /// The document as plain text: name and contact lines, then each section's title in
    /// capitals, its text, and its items as `- ` lines (items under an experience indented).
    async fn plain_text(&self) -> AppResult<String> {
        Ok(plain_text(&parse(&self.0)?))
    }
    /// When it was taken.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
}

fn parse(snapshot: &SnapshotRow) -> AppResult<Document> {
    serde_json::from_value(snapshot.document.clone()).map_err(AppError::internal)
}

/// One difference between two resumes.
#[derive(SimpleObject)]
pub struct ResumeChange {
    /// Added, removed, or shown with different text.
    pub kind: ResumeChangeKind,
    /// The type of the section it is in (in the second resume, for a removal the first).
    pub section_type: ResumeSectionType,
    /// The title of that section.
    pub section_title: String,
    /// The kind of record the item shows; null for a change of a section's own text.
    pub item_kind: Option<ResumeItemKind>,
    /// The global id of the record the item shows (items of two resumes are the same item
    /// when they show the same record); null for a section's own text.
    pub record_id: Option<ID>,
    /// The text in the first resume; null when added.
    pub before: Option<String>,
    /// The text in the second resume; null when removed.
    pub after: Option<String>,
    /// For MOVED: its position among its siblings in the first resume (0 first); null for
    /// the other kinds.
    pub before_index: Option<i32>,
    /// For MOVED: its position among its siblings in the second resume (0 first); null for
    /// the other kinds.
    pub after_index: Option<i32>,
}

/// A personal detail the two resumes show differently (each resume's own, else the profile's).
#[derive(SimpleObject)]
pub struct ResumePersonalInfoChange {
    /// The field's name in `ResumePersonalInfo`: `fullName`, `email`, `phone`, `location`,
    /// `headline`, `linkedinUrl`, `githubUrl` or `portfolioUrl`.
    pub field: String,
    /// What the first resume shows; null when none.
    pub before: Option<String>,
    /// What the second resume shows; null when none.
    pub after: Option<String>,
}

/// What changed from one resume (or snapshot) to another.
#[derive(SimpleObject)]
pub struct ResumeDiff {
    /// Every difference of sections and items: additions and changes in the second resume's
    /// order, then removals in the first's, then moves (sections first, then items, in the
    /// second resume's order). Empty when both show the same text in the same order.
    pub changes: Vec<ResumeChange>,
    /// The personal details that differ, in `ResumePersonalInfo`'s order; empty when none.
    pub personal_info: Vec<ResumePersonalInfoChange>,
}

async fn begin(ctx: &Context<'_>) -> AppResult<(Principal, DbConn)> {
    let who = viewer(ctx)?.principal();
    let conn = services(ctx).pool.get().await?;
    Ok((who, conn))
}

/// The document a resume or snapshot id names (the live resume resolved now).
async fn document_of(conn: &mut DbConn, who: Principal, id: &ID, field: &str) -> AppResult<Document> {
    match decode(id, field)? {
        (NodeType::Resume, uuid) => {
            let tree = store::load_tree(conn, who, uuid)
                .await?
                .ok_or(AppError::NotFound("Resume"))?;
            Ok(super::document(&tree))
        }
        (NodeType::ResumeSnapshot, uuid) => {
            let snapshot = store::snapshot_of(conn, who, uuid)
                .await?
                .ok_or(AppError::NotFound("ResumeSnapshot"))?;
            parse(&snapshot)
        }
        _ => Err(AppError::bad_input(
            field,
            format!("{field} must name a Resume or a ResumeSnapshot"),
        )),
    }
}

#[derive(Default)]
pub struct ResumesQuery;

#[Object]
impl ResumesQuery {
    /// What changed from `a` to `b`, each a resume (as it reads now) or a snapshot of one:
    /// items added, removed, shown with different text (an override, an edited record) or
    /// moved, sections moved, and personal details changed.
    /// `NOT_FOUND` when either is not the viewer's; `BAD_USER_INPUT` when an id names
    /// something else.
    async fn resume_diff(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The earlier resume or snapshot (a `Resume` or `ResumeSnapshot` id).")] a: ID,
        #[graphql(desc = "The later resume or snapshot (a `Resume` or `ResumeSnapshot` id).")] b: ID,
    ) -> AppResult<ResumeDiff> {
        let (who, mut conn) = begin(ctx).await?;
        let before = document_of(&mut conn, who, &a, "a").await?;
        let after = document_of(&mut conn, who, &b, "b").await?;
        let changes = diff(&before, &after)
            .into_iter()
            .map(|change| ResumeChange {
                kind: change.kind,
                section_type: change.section_type,
                section_title: change.section_title,
                item_kind: change.item_kind,
                record_id: change.record_id.map(ID),
                before: change.before,
                after: change.after,
                before_index: change.before_index,
                after_index: change.after_index,
            })
            .collect();
        let personal_info = super::personal_diff(&before.personal_info, &after.personal_info)
            .into_iter()
            .map(|change| ResumePersonalInfoChange {
                field: change.field.to_owned(),
                before: change.before,
                after: change.after,
            })
            .collect();
        Ok(ResumeDiff {
            changes,
            personal_info,
        })
    }
}

/// Personal details a resume shows instead of the profile's. Leave a field out to keep it,
/// send null to clear it (then the profile's shows).
#[derive(InputObject, Default)]
pub struct ResumePersonalInfoInput {
    /// Up to 200 characters.
    pub full_name: MaybeUndefined<String>,
    /// A valid email address.
    pub email: MaybeUndefined<EmailAddress>,
    /// Digits with optional +, spaces, dots, dashes, parentheses; 5 to 20 digits.
    pub phone: MaybeUndefined<String>,
    /// Up to 200 characters.
    pub location: MaybeUndefined<String>,
    /// Up to 200 characters.
    pub headline: MaybeUndefined<String>,
    /// An http(s) URL on linkedin.com.
    pub linkedin_url: MaybeUndefined<Url>,
    /// An http(s) URL on github.com.
    pub github_url: MaybeUndefined<Url>,
    /// Any http(s) URL.
    pub portfolio_url: MaybeUndefined<Url>,
}

/// Checked personal details: `None` leaves a field alone, `Some(None)` clears it.
struct PersonalChanges {
    full_name: Option<Option<String>>,
    email: Option<Option<EmailAddress>>,
    phone: Option<Option<String>>,
    location: Option<Option<String>>,
    headline: Option<Option<String>>,
    linkedin_url: Option<Option<Url>>,
    github_url: Option<Option<Url>>,
    portfolio_url: Option<Option<Url>>,
}

impl ResumePersonalInfoInput {
    fn check(self) -> AppResult<PersonalChanges> {
        Ok(PersonalChanges {
            full_name: field(self.full_name, text("personalInfo.fullName", 200))?,
            email: field(self.email, |v| validate::email("personalInfo.email", &v))?,
            phone: field(self.phone, |v| validate::phone("personalInfo.phone", &v))?,
            location: field(self.location, text("personalInfo.location", 200))?,
            headline: field(self.headline, text("personalInfo.headline", 200))?,
            linkedin_url: field(
                self.linkedin_url,
                validate::url("personalInfo.linkedinUrl", &["linkedin.com"]),
            )?,
            github_url: field(
                self.github_url,
                validate::url("personalInfo.githubUrl", &["github.com"]),
            )?,
            portfolio_url: field(
                self.portfolio_url,
                validate::url("personalInfo.portfolioUrl", &[]),
            )?,
        })
    }
}

impl PersonalChanges {
    fn into_new(self) -> PersonalInfo {
        PersonalInfo {
            full_name: self.full_name.flatten(),
            email: self.email.flatten(),
            phone: self.phone.flatten(),
            location: self.location.flatten(),
            headline: self.headline.flatten(),
            linkedin_url: self.linkedin_url.flatten(),
            github_url: self.github_url.flatten(),
            portfolio_url: self.portfolio_url.flatten(),
        }
    }

    fn apply(self, changes: &mut ResumeChanges) {
        changes.full_name = self.full_name;
        changes.email = self.email;
        changes.phone = self.phone;
        changes.location = self.location;
        changes.headline = self.headline;
        changes.linkedin_url = self.linkedin_url;
        changes.github_url = self.github_url;
        changes.portfolio_url = self.portfolio_url;
    }
}

/// The fields of a new resume.
#[derive(InputObject)]
pub struct CreateResumeInput {
    /// 1 to 200 characters.
    pub name: String,
    /// Whether it is a base resume. Default false.
    #[graphql(default)]
    pub is_base: bool,
    /// One of the viewer's job postings it is for.
    pub job_posting_id: Option<ID>,
    /// One of the viewer's applications it is sent with: the resume is frozen as a snapshot
    /// at once. Its posting becomes the resume's when `jobPostingId` is left out.
    pub application_id: Option<ID>,
    /// A template's name, up to 100 characters; omitted, the default.
    pub template: Option<String>,
    /// Personal details to show instead of the profile's.
    pub personal_info: Option<ResumePersonalInfoInput>,
}

/// Changes to a resume: a field left out stays as it is, and `null` clears an optional one.
#[derive(InputObject)]
pub struct UpdateResumeInput {
    /// The resume to change.
    pub id: ID,
    /// 1 to 200 characters.
    pub name: Option<String>,
    /// Whether it is a base resume.
    pub is_base: Option<bool>,
    /// One of the viewer's job postings; `null` detaches it.
    pub job_posting_id: MaybeUndefined<ID>,
    /// One of the viewer's applications; attaching the resume to another application than
    /// before freezes a snapshot (in the payload's `snapshot`). `null` detaches it.
    pub application_id: MaybeUndefined<ID>,
    /// A template's name, up to 100 characters; `null` for the default.
    pub template: MaybeUndefined<String>,
    /// Personal details to show instead of the profile's.
    pub personal_info: Option<ResumePersonalInfoInput>,
}

/// What a resume mutation answers.
#[derive(SimpleObject)]
#[graphql(complex)]
pub struct ResumePayload {
    /// The resume after the change.
    pub resume: Resume,
    /// The snapshot frozen because the resume was attached to an application; null otherwise.
    pub snapshot: Option<ResumeSnapshot>,
}

payload_edge!(ResumePayload.resume_edge: Resume = resume, id resume.0.id);

/// A new section, last in its resume.
#[derive(InputObject)]
pub struct AddResumeSectionInput {
    /// One of the viewer's resumes.
    pub resume_id: ID,
    /// What the section holds.
    #[graphql(name = "type")]
    pub section_type: ResumeSectionType,
    /// The heading, 1 to 200 characters; omitted, the type's name ("Experience", …).
    pub title: Option<String>,
    /// The section's own text, up to 5,000 characters (a SUMMARY's text; without it the
    /// profile's summary shows).
    pub content: Option<String>,
}

/// Changes to a section: a field left out stays as it is.
#[derive(InputObject)]
pub struct UpdateResumeSectionInput {
    /// The section to change.
    pub id: ID,
    /// The heading, 1 to 200 characters.
    pub title: Option<String>,
    /// The section's own text, up to 5,000 characters; `null` clears it.
    pub content: MaybeUndefined<String>,
}

/// What a section mutation answers.
#[derive(SimpleObject)]
pub struct ResumeSectionPayload {
    /// The section after the change.
    pub section: ResumeSection,
}

/// A new order for a resume's sections.
#[derive(InputObject)]
pub struct ReorderResumeSectionsInput {
    /// One of the viewer's resumes.
    pub resume_id: ID,
    /// Each of its sections' ids exactly once, in the order wanted.
    pub ids: Vec<ID>,
}

/// What `reorderResumeSections` answers.
#[derive(SimpleObject)]
pub struct ReorderResumeSectionsPayload {
    /// The resume with its sections in the new order.
    pub resume: Resume,
}

/// A new item, last among its siblings.
#[derive(InputObject)]
pub struct AddResumeItemInput {
    /// One of the viewer's resume sections.
    pub section_id: ID,
    /// The global id of one of the viewer's records: an `Experience`, `Bullet`, `Project`,
    /// `StarStory`, `Education`, `CandidateSkill` or `Strength`. At the top level of a section
    /// the type must suit the section (EXPERIENCE: experiences; EDUCATION: education; PROJECT:
    /// projects; SKILL: claimed skills; STRENGTH: strengths; CUSTOM: any; SUMMARY: none).
    pub record_id: ID,
    /// An experience item of the same section to put the item under: then the record must be
    /// a bullet, project or STAR story of that experience.
    pub parent_item_id: Option<ID>,
    /// Whether the item starts hidden. Default false.
    #[graphql(default)]
    pub hidden: bool,
    /// This resume's own wording, 1 to 5,000 characters.
    pub override_text: Option<String>,
}

/// Changes to an item: a field left out stays as it is.
#[derive(InputObject)]
pub struct UpdateResumeItemInput {
    /// The item to change.
    pub id: ID,
    /// Hide or show it.
    pub hidden: Option<bool>,
    /// This resume's own wording, 1 to 5,000 characters; `null` shows the record's text again.
    pub override_text: MaybeUndefined<String>,
}

/// What an item mutation answers.
#[derive(SimpleObject)]
pub struct ResumeItemPayload {
    /// The item after the change.
    pub item: ResumeItem,
}

/// A new order for the items of a section (its top-level items, or those under one item).
#[derive(InputObject)]
pub struct ReorderResumeItemsInput {
    /// One of the viewer's resume sections.
    pub section_id: ID,
    /// The item whose children to reorder; omitted, the section's top-level items.
    pub parent_item_id: Option<ID>,
    /// Each of those items' ids exactly once, in the order wanted.
    pub ids: Vec<ID>,
}

/// What `reorderResumeItems` answers.
#[derive(SimpleObject)]
pub struct ReorderResumeItemsPayload {
    /// The section with its items in the new order.
    pub section: ResumeSection,
}

/// Freezes a resume.
#[derive(InputObject)]
pub struct SnapshotResumeInput {
    /// One of the viewer's resumes.
    pub resume_id: ID,
    /// One of the viewer's applications the snapshot is sent with; omitted, none.
    pub application_id: Option<ID>,
}

/// What `snapshotResume` answers.
#[derive(SimpleObject)]
#[graphql(complex)]
pub struct ResumeSnapshotPayload {
    /// The new snapshot.
    pub snapshot: ResumeSnapshot,
}

payload_edge!(ResumeSnapshotPayload.snapshot_edge: ResumeSnapshot = snapshot, id snapshot.0.id);

/// Makes a resume for a job posting from a base resume.
#[derive(InputObject)]
pub struct TailorResumeInput {
    /// One of the viewer's resumes to start from: its other sections are copied, its
    /// EXPERIENCE and SKILL sections chosen anew.
    pub base_resume_id: ID,
    /// One of the viewer's job postings.
    pub job_posting_id: ID,
    /// 1 to 200 characters; omitted, "<base name> — <job title>, <company>".
    pub name: Option<String>,
}

/// A JSON Resume document to make records and a resume from.
#[derive(InputObject)]
pub struct ImportJsonResumeInput {
    /// The document as JSON text, following the jsonresume.org schema (v1.0.0): `basics`,
    /// `work`, `volunteer`, `education`, `awards`, `certificates`, `publications`, `skills`,
    /// `languages`, `interests`, `references`, `projects`, `meta`. Up to 200 entries a list.
    pub document: String,
    /// The new resume's name, 1 to 200 characters; omitted, the document's
    /// `meta.careergraph.resumeName`, else "Imported resume".
    pub name: Option<String>,
}

fn default_title(section_type: ResumeSectionType) -> &'static str {
    match section_type {
        ResumeSectionType::Summary => "Summary",
        ResumeSectionType::Experience => "Experience",
        ResumeSectionType::Education => "Education",
        ResumeSectionType::Project => "Projects",
        ResumeSectionType::Skill => "Skills",
        ResumeSectionType::Strength => "Strengths",
        ResumeSectionType::Custom => "Other",
    }
}

fn ids_of(ids: &[ID], node: NodeType, field: &str) -> AppResult<Vec<Uuid>> {
    ids.iter().map(|id| decode_as(id, node, field)).collect()
}

/// The posting `id`, if the principal may change it.
async fn own_posting(
    conn: &mut diesel_async::AsyncPgConnection,
    who: Principal,
    id: &ID,
    field: &str,
) -> AppResult<Uuid> {
    let uuid = decode_as(id, NodeType::JobPosting, field)?;
    if !may_change::<job_postings::table>(conn, who, uuid).await? {
        return Err(AppError::NotFound("JobPosting"));
    }
    Ok(uuid)
}

/// The application `id` with its posting, if the principal may change it.
async fn own_application(
    conn: &mut diesel_async::AsyncPgConnection,
    who: Principal,
    id: &ID,
    field: &str,
) -> AppResult<(Uuid, Uuid)> {
    let uuid = decode_as(id, NodeType::Application, field)?;
    let row = crate::applications::store::lock_application(conn, who, uuid)
        .await?
        .ok_or(AppError::NotFound("Application"))?;
    Ok((row.id, row.job_posting_id))
}

/// Freezes the resume as it reads inside the caller's transaction.
async fn freeze(
    conn: &mut diesel_async::AsyncPgConnection,
    who: Principal,
    resume: &ResumeRow,
    application_id: Option<Uuid>,
) -> AppResult<SnapshotRow> {
    let tree = store::load_tree(conn, who, resume.id)
        .await?
        .ok_or(AppError::NotFound("Resume"))?;
    let document = serde_json::to_value(super::document(&tree)).map_err(AppError::internal)?;
    Ok(store::insert_snapshot(conn, &tree.resume, application_id, &document).await?)
}

fn optional_text(field: &'static str, value: Option<String>, max: usize) -> AppResult<Option<String>> {
    value.map(|v| validate::text_of(field, &v, max)).transpose()
}

#[derive(Default)]
pub struct ResumesMutation;

#[Object]
impl ResumesMutation {
    /// Creates a resume (with no sections yet). With `applicationId` it is frozen as a snapshot
    /// at once (in the payload). `NOT_FOUND` when the posting or application is not the viewer's.
    async fn create_resume(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "The mutation's arguments: see `CreateResumeInput`. Every field is checked before anything is written."
        )]
        input: CreateResumeInput,
    ) -> AppResult<ResumePayload> {
        let name = validate::text_of("name", &input.name, 200)?;
        let template = optional_text("template", input.template, 100)?;
        let personal = input
            .personal_info
            .map(ResumePersonalInfoInput::check)
            .transpose()?
            .map(PersonalChanges::into_new)
            .unwrap_or_default();
        let (who, mut conn) = begin(ctx).await?;
        let (resume, snapshot) = conn
            .transaction::<_, AppError, _>(async |conn| {
                let mut posting = match &input.job_posting_id {
                    Some(id) => Some(own_posting(conn, who, id, "jobPostingId").await?),
                    None => None,
                };
                let application = match &input.application_id {
                    Some(id) => {
                        let (application, its_posting) =
                            own_application(conn, who, id, "applicationId").await?;
                        posting = posting.or(Some(its_posting));
                        Some(application)
                    }
                    None => None,
                };
                let new = NewResume {
                    name,
                    is_base: input.is_base,
                    job_posting_id: posting,
                    application_id: application,
                    template,
                };
                let resume = store::insert_resume(conn, who, &new, &personal).await?;
                let snapshot = match application {
                    Some(application) => Some(freeze(conn, who, &resume, Some(application)).await?),
                    None => None,
                };
                Ok((resume, snapshot))
            })
            .await?;
        Ok(ResumePayload {
            resume: Resume(resume),
            snapshot: snapshot.map(ResumeSnapshot),
        })
    }

    /// Changes a resume's name, base flag, posting, application, template or personal details.
    /// Attaching it to another application than before freezes a snapshot.
    async fn update_resume(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "The mutation's arguments: see `UpdateResumeInput`. Every field is checked before anything is written."
        )]
        input: UpdateResumeInput,
    ) -> AppResult<ResumePayload> {
        let mut changes = ResumeChanges {
            name: input
                .name
                .map(|n| validate::text_of("name", &n, 200))
                .transpose()?,
            is_base: input.is_base,
            template: field(input.template, text("template", 100))?,
            ..ResumeChanges::default()
        };
        if let Some(personal) = input.personal_info {
            personal.check()?.apply(&mut changes);
        }
        let (who, mut conn) = begin(ctx).await?;
        let id = decode_as(&input.id, NodeType::Resume, "id")?;
        let (resume, snapshot) = conn
            .transaction::<_, AppError, _>(async |conn| {
                let current = store::lock_resume(conn, who, id)
                    .await?
                    .ok_or(AppError::NotFound("Resume"))?;
                changes.job_posting_id = match &input.job_posting_id {
                    MaybeUndefined::Undefined => None,
                    MaybeUndefined::Null => Some(None),
                    MaybeUndefined::Value(posting) => {
                        Some(Some(own_posting(conn, who, posting, "jobPostingId").await?))
                    }
                };
                changes.application_id = match &input.application_id {
                    MaybeUndefined::Undefined => None,
                    MaybeUndefined::Null => Some(None),
                    MaybeUndefined::Value(application) => Some(Some(
                        own_application(conn, who, application, "applicationId").await?.0,
                    )),
                };
                let updated = store::update_resume(conn, who, id, &changes)
                    .await?
                    .ok_or(AppError::NotFound("Resume"))?;
                let snapshot = match changes.application_id {
                    Some(Some(application)) if current.application_id != Some(application) => {
                        Some(freeze(conn, who, &updated, Some(application)).await?)
                    }
                    _ => None,
                };
                Ok((updated, snapshot))
            })
            .await?;
        Ok(ResumePayload {
            resume: Resume(resume),
            snapshot: snapshot.map(ResumeSnapshot),
        })
    }

    /// Imports a JSON Resume document: `basics` fills the profile's fields it gives; `work`
    /// and `volunteer` entries become experiences (VOLUNTEER for the latter) with their
    /// highlights as bullets, `education` entries education, `projects` personal projects,
    /// `skills` claimed skills (a catalog skill of that name, else a new private one; `level`
    /// Beginner/Intermediate/Advanced/Expert or Master, else INTERMEDIATE), and
    /// `meta.careergraph.strengths` strengths. A new base resume shows them all in the
    /// document's order; what has no home in the record (awards, publications, languages,
    /// references, a work entry's url, ...) is kept with that resume, so that its JSON_RESUME
    /// export gives the document back. The whole document is checked first:
    /// `BAD_USER_INPUT` with `extensions.field` naming the JSON path
    /// (`document.work[2].startDate`) of the first problem, and then nothing is written.
    async fn import_json_resume(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "The mutation's arguments: see `ImportJsonResumeInput`. Every field is checked before anything is written."
        )]
        input: ImportJsonResumeInput,
    ) -> AppResult<ResumePayload> {
        let plan = super::import::parse(&input.document, input.name)?;
        let (who, mut conn) = begin(ctx).await?;
        let imported = conn
            .transaction::<_, AppError, _>(async move |conn| super::import::write(conn, who, plan).await)
            .await?;
        Ok(ResumePayload {
            resume: Resume(imported.resume),
            snapshot: None,
        })
    }

    /// Deletes a resume with its sections and items. Its snapshots stay (with `resume` null).
    async fn delete_resume(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "The mutation's arguments: see `IdInput`. Every field is checked before anything is written."
        )]
        input: IdInput,
    ) -> AppResult<DeletePayload> {
        let (who, mut conn) = begin(ctx).await?;
        let id = decode_as(&input.id, NodeType::Resume, "id")?;
        if !store::delete_row::<resumes::table>(&mut conn, who, id).await? {
            return Err(AppError::NotFound("Resume"));
        }
        Ok(DeletePayload { deleted_id: input.id })
    }

    /// Adds a section, last in its resume.
    async fn add_resume_section(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "The mutation's arguments: see `AddResumeSectionInput`. Every field is checked before anything is written."
        )]
        input: AddResumeSectionInput,
    ) -> AppResult<ResumeSectionPayload> {
        let title = match input.title {
            Some(title) => validate::text_of("title", &title, 200)?,
            None => default_title(input.section_type).to_owned(),
        };
        let content = optional_text("content", input.content, 5000)?;
        let (who, mut conn) = begin(ctx).await?;
        let resume_id = decode_as(&input.resume_id, NodeType::Resume, "resumeId")?;
        let section = conn
            .transaction::<_, AppError, _>(async |conn| {
                let resume = store::lock_resume(conn, who, resume_id)
                    .await?
                    .ok_or(AppError::NotFound("Resume"))?;
                Ok(
                    store::insert_section(conn, &resume, who, input.section_type, &title, content.as_deref())
                        .await?,
                )
            })
            .await?;
        Ok(ResumeSectionPayload {
            section: ResumeSection(section),
        })
    }

    /// Changes a section's title or text.
    async fn update_resume_section(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "The mutation's arguments: see `UpdateResumeSectionInput`. Every field is checked before anything is written."
        )]
        input: UpdateResumeSectionInput,
    ) -> AppResult<ResumeSectionPayload> {
        let title = input
            .title
            .map(|t| validate::text_of("title", &t, 200))
            .transpose()?;
        let content = field(input.content, text("content", 5000))?;
        let (who, mut conn) = begin(ctx).await?;
        let id = decode_as(&input.id, NodeType::ResumeSection, "id")?;
        let section = store::update_section(&mut conn, who, id, title, content)
            .await?
            .ok_or(AppError::NotFound("ResumeSection"))?;
        Ok(ResumeSectionPayload {
            section: ResumeSection(section),
        })
    }

    /// Deletes a section with its items.
    async fn delete_resume_section(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "The mutation's arguments: see `IdInput`. Every field is checked before anything is written."
        )]
        input: IdInput,
    ) -> AppResult<DeletePayload> {
        let (who, mut conn) = begin(ctx).await?;
        let id = decode_as(&input.id, NodeType::ResumeSection, "id")?;
        if !store::delete_row::<resume_sections::table>(&mut conn, who, id).await? {
            return Err(AppError::NotFound("ResumeSection"));
        }
        Ok(DeletePayload { deleted_id: input.id })
    }

    /// Puts a resume's sections in a new order. `ids` must name every section of the resume
    /// once (`BAD_USER_INPUT` otherwise).
    async fn reorder_resume_sections(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "The mutation's arguments: see `ReorderResumeSectionsInput`. Every field is checked before anything is written."
        )]
        input: ReorderResumeSectionsInput,
    ) -> AppResult<ReorderResumeSectionsPayload> {
        let resume_id = decode_as(&input.resume_id, NodeType::Resume, "resumeId")?;
        let ids = ids_of(&input.ids, NodeType::ResumeSection, "ids")?;
        let (who, mut conn) = begin(ctx).await?;
        let resume = conn
            .transaction::<_, AppError, _>(async |conn| {
                let resume = store::lock_resume(conn, who, resume_id)
                    .await?
                    .ok_or(AppError::NotFound("Resume"))?;
                if !store::reorder_sections(conn, who, resume_id, &ids).await? {
                    return Err(AppError::bad_input(
                        "ids",
                        "ids must name every section of the resume exactly once",
                    ));
                }
                Ok(resume)
            })
            .await?;
        Ok(ReorderResumeSectionsPayload {
            resume: Resume(resume),
        })
    }

    /// Adds an item referencing one of the viewer's records, last among its siblings.
    /// `NOT_FOUND` when the section, the record or the parent item is not the viewer's;
    /// `BAD_USER_INPUT` when the record does not suit the section or the parent.
    async fn add_resume_item(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "The mutation's arguments: see `AddResumeItemInput`. Every field is checked before anything is written."
        )]
        input: AddResumeItemInput,
    ) -> AppResult<ResumeItemPayload> {
        let override_text = optional_text("overrideText", input.override_text, 5000)?;
        let section_id = decode_as(&input.section_id, NodeType::ResumeSection, "sectionId")?;
        let (node_type, record_id) = decode(&input.record_id, "recordId")?;
        let kind = ResumeItemKind::of_node_type(node_type).ok_or_else(|| {
            AppError::bad_input(
                "recordId",
                "recordId must name an Experience, Bullet, Project, StarStory, Education, CandidateSkill or Strength",
            )
        })?;
        let parent_id = input
            .parent_item_id
            .as_ref()
            .map(|id| decode_as(id, NodeType::ResumeItem, "parentItemId"))
            .transpose()?;
        let (who, mut conn) = begin(ctx).await?;
        let item = conn
            .transaction::<_, AppError, _>(async |conn| {
                let section = store::lock_section(conn, who, section_id)
                    .await?
                    .ok_or(AppError::NotFound("ResumeSection"))?;
                if !store::owns_record(conn, who, kind, record_id).await? {
                    return Err(AppError::NotFound(node_type.name()));
                }
                match parent_id {
                    Some(parent_id) => {
                        let parent = store::item_of(conn, who, parent_id)
                            .await?
                            .filter(|parent| parent.section_id == section.id)
                            .ok_or(AppError::NotFound("ResumeItem"))?;
                        if parent.kind != ResumeItemKind::Experience || parent.parent_item_id.is_some() {
                            return Err(AppError::bad_input(
                                "parentItemId",
                                "items go only under an experience item",
                            ));
                        }
                        if !kind.under_experience()
                            || store::experience_of_record(conn, who, kind, record_id).await? != parent.experience_id
                        {
                            return Err(AppError::bad_input(
                                "recordId",
                                "under an experience item go only that experience's bullets, projects and STAR stories",
                            ));
                        }
                    }
                    None if !section.section_type.takes(kind) => {
                        return Err(AppError::bad_input(
                            "recordId",
                            format!(
                                "a {} section does not take a {}",
                                section.section_type.screaming(),
                                node_type.name()
                            ),
                        ));
                    }
                    None => {}
                }
                let new = NewItem {
                    parent_item_id: parent_id,
                    kind,
                    record_id,
                    hidden: input.hidden,
                    override_text,
                    reason: None,
                };
                Ok(store::insert_item(conn, &section, &new).await?)
            })
            .await?;
        Ok(ResumeItemPayload {
            item: ResumeItem(item),
        })
    }

    /// Hides or shows an item, or sets or clears this resume's wording for it (the record's
    /// own text never changes).
    async fn update_resume_item(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "The mutation's arguments: see `UpdateResumeItemInput`. Every field is checked before anything is written."
        )]
        input: UpdateResumeItemInput,
    ) -> AppResult<ResumeItemPayload> {
        let override_text = field(input.override_text, text("overrideText", 5000))?;
        let (who, mut conn) = begin(ctx).await?;
        let id = decode_as(&input.id, NodeType::ResumeItem, "id")?;
        let item = store::update_item(&mut conn, who, id, input.hidden, override_text)
            .await?
            .ok_or(AppError::NotFound("ResumeItem"))?;
        Ok(ResumeItemPayload {
            item: ResumeItem(item),
        })
    }

    /// Removes an item (and the items under it) from its resume; the record stays.
    async fn delete_resume_item(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "The mutation's arguments: see `IdInput`. Every field is checked before anything is written."
        )]
        input: IdInput,
    ) -> AppResult<DeletePayload> {
        let (who, mut conn) = begin(ctx).await?;
        let id = decode_as(&input.id, NodeType::ResumeItem, "id")?;
        if !store::delete_row::<resume_items::table>(&mut conn, who, id).await? {
            return Err(AppError::NotFound("ResumeItem"));
        }
        Ok(DeletePayload { deleted_id: input.id })
    }

    /// Puts a section's top-level items (or the items under one item) in a new order. `ids`
    /// must name every one of them once (`BAD_USER_INPUT` otherwise).
    async fn reorder_resume_items(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "The mutation's arguments: see `ReorderResumeItemsInput`. Every field is checked before anything is written."
        )]
        input: ReorderResumeItemsInput,
    ) -> AppResult<ReorderResumeItemsPayload> {
        let section_id = decode_as(&input.section_id, NodeType::ResumeSection, "sectionId")?;
        let parent_id = input
            .parent_item_id
            .as_ref()
            .map(|id| decode_as(id, NodeType::ResumeItem, "parentItemId"))
            .transpose()?;
        let ids = ids_of(&input.ids, NodeType::ResumeItem, "ids")?;
        let (who, mut conn) = begin(ctx).await?;
        let section = conn
            .transaction::<_, AppError, _>(async |conn| {
                let section = store::lock_section(conn, who, section_id)
                    .await?
                    .ok_or(AppError::NotFound("ResumeSection"))?;
                let reordered = match parent_id {
                    Some(parent_id) => {
                        store::item_of(conn, who, parent_id)
                            .await?
                            .filter(|parent| parent.section_id == section.id)
                            .ok_or(AppError::NotFound("ResumeItem"))?;
                        store::reorder_child_items(conn, who, parent_id, &ids).await?
                    }
                    None => store::reorder_top_items(conn, who, section_id, &ids).await?,
                };
                if !reordered {
                    return Err(AppError::bad_input(
                        "ids",
                        "ids must name every item of the parent exactly once",
                    ));
                }
                Ok(section)
            })
            .await?;
        Ok(ReorderResumeItemsPayload {
            section: ResumeSection(section),
        })
    }

    /// Freezes what a resume says now (its resolved sections and items) as a snapshot, sent
    /// with an application if one is named. `NOT_FOUND` when the resume or application is not
    /// the viewer's.
    async fn snapshot_resume(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "The mutation's arguments: see `SnapshotResumeInput`. Every field is checked before anything is written."
        )]
        input: SnapshotResumeInput,
    ) -> AppResult<ResumeSnapshotPayload> {
        let resume_id = decode_as(&input.resume_id, NodeType::Resume, "resumeId")?;
        let (who, mut conn) = begin(ctx).await?;
        let snapshot = conn
            .transaction::<_, AppError, _>(async |conn| {
                let resume = store::lock_resume(conn, who, resume_id)
                    .await?
                    .ok_or(AppError::NotFound("Resume"))?;
                let application = match &input.application_id {
                    Some(id) => Some(own_application(conn, who, id, "applicationId").await?.0),
                    None => None,
                };
                freeze(conn, who, &resume, application).await
            })
            .await?;
        Ok(ResumeSnapshotPayload {
            snapshot: ResumeSnapshot(snapshot),
        })
    }

    /// Makes a new resume for a job posting from a base resume: the base's sections in their
    /// order, with its EXPERIENCE section holding the experiences that match the posting
    /// (ordered as `JobPosting.matches`) and under each the bullets that mention the posting's
    /// skills, and its SKILL section led by the claimed skills the posting asks for (each
    /// added when the base has none); other sections are copied. Every chosen item says why in
    /// `reason`; overrides of the base's items carry over. Deterministic. `NOT_FOUND` when the
    /// base or the posting is not the viewer's.
    async fn tailor_resume(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "The mutation's arguments: see `TailorResumeInput`. Every field is checked before anything is written."
        )]
        input: TailorResumeInput,
    ) -> AppResult<ResumePayload> {
        let name = optional_text("name", input.name, 200)?;
        let base_id = decode_as(&input.base_resume_id, NodeType::Resume, "baseResumeId")?;
        let posting_id = decode_as(&input.job_posting_id, NodeType::JobPosting, "jobPostingId")?;
        let (who, mut conn) = begin(ctx).await?;
        let today = Utc::now().date_naive();
        let resume = conn
            .transaction::<_, AppError, _>(async |conn| {
                store::lock_resume(conn, who, base_id)
                    .await?
                    .ok_or(AppError::NotFound("Resume"))?;
                let posting = crate::jobs::store::posting_of(conn, who, posting_id)
                    .await?
                    .ok_or(AppError::NotFound("JobPosting"))?;
                let base = store::load_tree(conn, who, base_id)
                    .await?
                    .ok_or(AppError::NotFound("Resume"))?;
                let plan = tailor::plan(
                    &store::tailoring_inputs(conn, who, posting.id, posting.user_id, today).await?,
                );
                let name = name.unwrap_or_else(|| {
                    let full = format!(
                        "{} — {}, {}",
                        base.resume.name, posting.job_title, posting.company_name
                    );
                    full.chars().take(200).collect()
                });
                let new = NewResume {
                    name,
                    is_base: false,
                    job_posting_id: Some(posting.id),
                    application_id: None,
                    template: base.resume.template.clone(),
                };
                let resume = store::insert_resume(conn, who, &new, &base.resume.personal_info()).await?;
                write_tailored(conn, who, &resume, &base, &plan).await?;
                Ok(resume)
            })
            .await?;
        Ok(ResumePayload {
            resume: Resume(resume),
            snapshot: None,
        })
    }
}

/// Writes the tailored resume's sections and items: the base's sections in order, its first
/// EXPERIENCE and SKILL sections replaced by the plan's (later ones of those types dropped),
/// the plan's added at the end when the base has none.
async fn write_tailored(
    conn: &mut diesel_async::AsyncPgConnection,
    who: Principal,
    resume: &ResumeRow,
    base: &store::Tree,
    plan: &tailor::Plan,
) -> AppResult<()> {
    // The base's wording of a record carries over.
    let overrides: std::collections::HashMap<Uuid, String> = base
        .items
        .iter()
        .filter_map(|item| item.override_text.clone().map(|text| (item.record_id(), text)))
        .collect();
    let mut wrote_experience = false;
    let mut wrote_skills = false;
    for section in &base.sections {
        match section.section_type {
            ResumeSectionType::Experience if wrote_experience => continue,
            ResumeSectionType::Skill if wrote_skills => continue,
            ResumeSectionType::Experience => {
                wrote_experience = true;
                write_experience(
                    conn,
                    who,
                    resume,
                    &section.title,
                    section.content.as_deref(),
                    plan,
                    &overrides,
                )
                .await?;
            }
            ResumeSectionType::Skill => {
                wrote_skills = true;
                write_skills(
                    conn,
                    who,
                    resume,
                    &section.title,
                    section.content.as_deref(),
                    plan,
                    &overrides,
                )
                .await?;
            }
            _ => {
                let copy = store::insert_section(
                    conn,
                    resume,
                    who,
                    section.section_type,
                    &section.title,
                    section.content.as_deref(),
                )
                .await?;
                let mut copied: std::collections::HashMap<Uuid, Uuid> = std::collections::HashMap::new();
                let items = base.items.iter().filter(|item| item.section_id == section.id);
                // Parents come before their children: top-level items first.
                let (top, under): (Vec<&ItemRow>, Vec<&ItemRow>) =
                    items.partition(|item| item.parent_item_id.is_none());
                for item in top.into_iter().chain(under) {
                    let parent_item_id = match item.parent_item_id {
                        Some(parent) => match copied.get(&parent) {
                            Some(copy) => Some(*copy),
                            None => continue,
                        },
                        None => None,
                    };
                    let new = NewItem {
                        parent_item_id,
                        kind: item.kind,
                        record_id: item.record_id(),
                        hidden: item.hidden,
                        override_text: item.override_text.clone(),
                        reason: Some("Copied from the base resume.".to_owned()),
                    };
                    let written = store::insert_item(conn, &copy, &new).await?;
                    copied.insert(item.id, written.id);
                }
            }
        }
    }
    if !wrote_experience {
        write_experience(conn, who, resume, "Experience", None, plan, &overrides).await?;
    }
    if !wrote_skills {
        write_skills(conn, who, resume, "Skills", None, plan, &overrides).await?;
    }
    Ok(())
}

async fn write_experience(
    conn: &mut diesel_async::AsyncPgConnection,
    who: Principal,
    resume: &ResumeRow,
    title: &str,
    content: Option<&str>,
    plan: &tailor::Plan,
    overrides: &std::collections::HashMap<Uuid, String>,
) -> AppResult<()> {
    let section =
        store::insert_section(conn, resume, who, ResumeSectionType::Experience, title, content).await?;
    for experience in &plan.experiences {
        let item = NewItem {
            parent_item_id: None,
            kind: ResumeItemKind::Experience,
            record_id: experience.id,
            hidden: false,
            override_text: overrides.get(&experience.id).cloned(),
            reason: Some(experience.reason.clone()),
        };
        let parent = store::insert_item(conn, &section, &item).await?;
        for bullet in &experience.bullets {
            let item = NewItem {
                parent_item_id: Some(parent.id),
                kind: ResumeItemKind::Bullet,
                record_id: bullet.id,
                hidden: false,
                override_text: overrides.get(&bullet.id).cloned(),
                reason: Some(bullet.reason.clone()),
            };
            store::insert_item(conn, &section, &item).await?;
        }
    }
    Ok(())
}

async fn write_skills(
    conn: &mut diesel_async::AsyncPgConnection,
    who: Principal,
    resume: &ResumeRow,
    title: &str,
    content: Option<&str>,
    plan: &tailor::Plan,
    overrides: &std::collections::HashMap<Uuid, String>,
) -> AppResult<()> {
    let section = store::insert_section(conn, resume, who, ResumeSectionType::Skill, title, content).await?;
    for skill in &plan.skills {
        let item = NewItem {
            parent_item_id: None,
            kind: ResumeItemKind::CandidateSkill,
            record_id: skill.id,
            hidden: false,
            override_text: overrides.get(&skill.id).cloned(),
            reason: Some(skill.reason.clone()),
        };
        store::insert_item(conn, &section, &item).await?;
    }
    Ok(())
}
