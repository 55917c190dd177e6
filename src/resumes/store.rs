//! SQL for resumes, their sections and items, and their snapshots. Every condition on whose
//! rows a statement touches comes from the access policy (`crate::access`); inserts take the
//! principal as the new row's owner.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel::sql_types::{Array, Uuid as SqlUuid};
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use uuid::Uuid;

use super::enums::{ResumeItemKind, ResumeSectionType};
use super::tailor::Inputs;
use super::{Record, Records};
use crate::access::{Guarded, Principal};
use crate::career::model::{Bullet, Education, Experience, Project, StarStory, Strength};
use crate::db::schema::{
    bullets, candidate_profiles, candidate_skills, education, experiences, projects, resume_items,
    resume_sections, resume_snapshots, resumes, skills, star_stories, strengths,
};
use crate::db::updated_or_current;
use crate::graphql::scalars::{EmailAddress, Url};
use crate::guarded_relation;
use crate::profile::store::ProfileRow;
use crate::skills::store::CandidateSkillRow;

#[derive(Clone, Debug, Queryable, Selectable, QueryableByName)]
#[diesel(table_name = resumes)]
pub struct ResumeRow {
    pub id: Uuid,
    pub user_id: Uuid,
    pub name: String,
    pub is_base: bool,
    pub job_posting_id: Option<Uuid>,
    pub application_id: Option<Uuid>,
    pub template: Option<String>,
    pub full_name: Option<String>,
    pub email: Option<EmailAddress>,
    pub phone: Option<String>,
    pub location: Option<String>,
    pub headline: Option<String>,
    pub linkedin_url: Option<Url>,
    pub github_url: Option<Url>,
    pub portfolio_url: Option<Url>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// What an imported JSON Resume held beyond the records (see `import.rs`); None when the
    /// resume was not imported.
    pub json_resume: Option<serde_json::Value>,
}

/// A resume's own personal details (each null: the profile's).
#[derive(Clone, Debug, Default, AsChangeset, Insertable)]
#[diesel(table_name = resumes, treat_none_as_null = true)]
pub struct PersonalInfo {
    pub full_name: Option<String>,
    pub email: Option<EmailAddress>,
    pub phone: Option<String>,
    pub location: Option<String>,
    pub headline: Option<String>,
    pub linkedin_url: Option<Url>,
    pub github_url: Option<Url>,
    pub portfolio_url: Option<Url>,
}

impl ResumeRow {
    pub fn personal_info(&self) -> PersonalInfo {
        PersonalInfo {
            full_name: self.full_name.clone(),
            email: self.email.clone(),
            phone: self.phone.clone(),
            location: self.location.clone(),
            headline: self.headline.clone(),
            linkedin_url: self.linkedin_url.clone(),
            github_url: self.github_url.clone(),
            portfolio_url: self.portfolio_url.clone(),
        }
    }
}

/// A partial update of a resume: `None` leaves a column alone, `Some(None)` clears it.
#[derive(Debug, Default, AsChangeset)]
#[diesel(table_name = resumes)]
pub struct ResumeChanges {
    pub name: Option<String>,
    pub is_base: Option<bool>,
    pub job_posting_id: Option<Option<Uuid>>,
    pub application_id: Option<Option<Uuid>>,
    pub template: Option<Option<String>>,
    pub full_name: Option<Option<String>>,
    pub email: Option<Option<EmailAddress>>,
    pub phone: Option<Option<String>>,
    pub location: Option<Option<String>>,
    pub headline: Option<Option<String>>,
    pub linkedin_url: Option<Option<Url>>,
    pub github_url: Option<Option<Url>>,
    pub portfolio_url: Option<Option<Url>>,
}

/// The columns of a new resume besides its personal details.
#[derive(Debug)]
pub struct NewResume {
    pub name: String,
    pub is_base: bool,
    pub job_posting_id: Option<Uuid>,
    pub application_id: Option<Uuid>,
    pub template: Option<String>,
}

#[derive(Clone, Debug, Queryable, Selectable)]
#[diesel(table_name = resume_sections)]
pub struct SectionRow {
    pub id: Uuid,
    pub user_id: Uuid,
    pub resume_id: Uuid,
    pub section_type: ResumeSectionType,
    pub title: String,
    pub content: Option<String>,
    pub position: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Clone, Debug, Queryable, Selectable)]
#[diesel(table_name = resume_items)]
pub struct ItemRow {
    pub id: Uuid,
    pub user_id: Uuid,
    pub section_id: Uuid,
    pub parent_item_id: Option<Uuid>,
    pub kind: ResumeItemKind,
    pub experience_id: Option<Uuid>,
    pub bullet_id: Option<Uuid>,
    pub project_id: Option<Uuid>,
    pub star_story_id: Option<Uuid>,
    pub education_id: Option<Uuid>,
    pub candidate_skill_id: Option<Uuid>,
    pub strength_id: Option<Uuid>,
    pub hidden: bool,
    pub position: i32,
    pub override_text: Option<String>,
    pub reason: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl ItemRow {
    /// The id of the record the item references (the check constraint keeps exactly one).
    pub fn record_id(&self) -> Uuid {
        [
            self.experience_id,
            self.bullet_id,
            self.project_id,
            self.star_story_id,
            self.education_id,
            self.candidate_skill_id,
            self.strength_id,
        ]
        .into_iter()
        .flatten()
        .next()
        .unwrap_or_default()
    }
}

#[derive(Clone, Debug, Queryable, Selectable, QueryableByName)]
#[diesel(table_name = resume_snapshots)]
pub struct SnapshotRow {
    pub id: Uuid,
    pub user_id: Uuid,
    pub resume_id: Option<Uuid>,
    pub application_id: Option<Uuid>,
    pub name: String,
    pub document: serde_json::Value,
    pub created_at: DateTime<Utc>,
}

guarded_relation!(ResumeById: resumes.id => ResumeRow);

guarded_relation!(
    /// Each resume's sections, in their order.
    SectionsOfResume: resume_sections.resume_id => SectionRow,
    order by (resume_sections::position, resume_sections::id)
);

guarded_relation!(SectionById: resume_sections.id => SectionRow);

guarded_relation!(
    /// Every item of each section (those under an experience item too), in their order.
    ItemsOfSection: resume_items.section_id => ItemRow,
    order by (resume_items::position, resume_items::id)
);

guarded_relation!(ItemById: resume_items.id => ItemRow);

guarded_relation!(SnapshotById: resume_snapshots.id => SnapshotRow);

/// A new item: which record it references and how it shows.
#[derive(Clone, Debug)]
pub struct NewItem {
    pub parent_item_id: Option<Uuid>,
    pub kind: ResumeItemKind,
    pub record_id: Uuid,
    pub hidden: bool,
    pub override_text: Option<String>,
    pub reason: Option<String>,
}

pub async fn resume_of(
    conn: &mut AsyncPgConnection,
    who: Principal,
    id: Uuid,
) -> QueryResult<Option<ResumeRow>> {
    resumes::table
        .filter(resumes::table::readable(who))
        .filter(resumes::id.eq(id))
        .select(ResumeRow::as_select())
        .first(conn)
        .await
        .optional()
}

/// The principal's resume, locked until the caller's transaction ends, so that writers of its
/// sections' positions take turns. FOR NO KEY UPDATE: inserts that reference it go on.
pub async fn lock_resume(
    conn: &mut AsyncPgConnection,
    who: Principal,
    id: Uuid,
) -> QueryResult<Option<ResumeRow>> {
    resumes::table
        .filter(resumes::table::writable(who))
        .filter(resumes::id.eq(id))
        .select(ResumeRow::as_select())
        .for_no_key_update()
        .first(conn)
        .await
        .optional()
}

/// The principal's section, locked as [`lock_resume`] locks a resume (its items' positions).
pub async fn lock_section(
    conn: &mut AsyncPgConnection,
    who: Principal,
    id: Uuid,
) -> QueryResult<Option<SectionRow>> {
    resume_sections::table
        .filter(resume_sections::table::writable(who))
        .filter(resume_sections::id.eq(id))
        .select(SectionRow::as_select())
        .for_no_key_update()
        .first(conn)
        .await
        .optional()
}

pub async fn item_of(conn: &mut AsyncPgConnection, who: Principal, id: Uuid) -> QueryResult<Option<ItemRow>> {
    resume_items::table
        .filter(resume_items::table::writable(who))
        .filter(resume_items::id.eq(id))
        .select(ItemRow::as_select())
        .first(conn)
        .await
        .optional()
}

pub async fn insert_resume(
    conn: &mut AsyncPgConnection,
    who: Principal,
    new: &NewResume,
    personal: &PersonalInfo,
) -> QueryResult<ResumeRow> {
    diesel::insert_into(resumes::table)
        .values((
            resumes::id.eq(Uuid::now_v7()),
            resumes::user_id.eq(who.user_id),
            resumes::name.eq(&new.name),
            resumes::is_base.eq(new.is_base),
            resumes::job_posting_id.eq(new.job_posting_id),
            resumes::application_id.eq(new.application_id),
            resumes::template.eq(&new.template),
            personal,
        ))
        .returning(ResumeRow::as_returning())
        .get_result(conn)
        .await
}

/// Keeps what an imported JSON Resume held beyond the records with the resume it made.
pub async fn set_json_resume(
    conn: &mut AsyncPgConnection,
    who: Principal,
    id: Uuid,
    value: &serde_json::Value,
) -> QueryResult<()> {
    diesel::update(
        resumes::table
            .filter(resumes::table::writable(who))
            .filter(resumes::id.eq(id)),
    )
    .set(resumes::json_resume.eq(value))
    .execute(conn)
    .await
    .map(drop)
}

/// None when the principal has no such resume.
pub async fn update_resume(
    conn: &mut AsyncPgConnection,
    who: Principal,
    id: Uuid,
    changes: &ResumeChanges,
) -> QueryResult<Option<ResumeRow>> {
    let updated = diesel::update(
        resumes::table
            .filter(resumes::table::writable(who))
            .filter(resumes::id.eq(id)),
    )
    .set(changes)
    .returning(ResumeRow::as_returning())
    .get_result(conn)
    .await
    .optional();
    updated_or_current(updated, async || resume_of(conn, who, id).await).await
}

/// Deletes a row of a resume table the principal may change; false when there is none.
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
    .bind::<SqlUuid, _>(who.user_id)
    .bind::<SqlUuid, _>(id)
    .execute(conn)
    .await?;
    Ok(deleted == 1)
}

/// The position after the last section of a resume the caller locked.
async fn next_section_position(
    conn: &mut AsyncPgConnection,
    who: Principal,
    resume_id: Uuid,
) -> QueryResult<i32> {
    let last: Option<i32> = resume_sections::table
        .filter(resume_sections::table::writable(who))
        .filter(resume_sections::resume_id.eq(resume_id))
        .select(diesel::dsl::max(resume_sections::position))
        .first(conn)
        .await?;
    Ok(last.map_or(0, |last| last + 1))
}

/// Adds a section last in a resume the caller locked ([`lock_resume`]).
pub async fn insert_section(
    conn: &mut AsyncPgConnection,
    resume: &ResumeRow,
    who: Principal,
    section_type: ResumeSectionType,
    title: &str,
    content: Option<&str>,
) -> QueryResult<SectionRow> {
    let position = next_section_position(conn, who, resume.id).await?;
    diesel::insert_into(resume_sections::table)
        .values((
            resume_sections::id.eq(Uuid::now_v7()),
            resume_sections::user_id.eq(resume.user_id),
            resume_sections::resume_id.eq(resume.id),
            resume_sections::section_type.eq(section_type),
            resume_sections::title.eq(title),
            resume_sections::content.eq(content),
            resume_sections::position.eq(position),
        ))
        .returning(SectionRow::as_returning())
        .get_result(conn)
        .await
}

pub async fn update_section(
    conn: &mut AsyncPgConnection,
    who: Principal,
    id: Uuid,
    title: Option<String>,
    content: Option<Option<String>>,
) -> QueryResult<Option<SectionRow>> {
    #[derive(AsChangeset)]
    #[diesel(table_name = resume_sections)]
    struct Changes {
        title: Option<String>,
        content: Option<Option<String>>,
    }
    let updated = diesel::update(
        resume_sections::table
            .filter(resume_sections::table::writable(who))
            .filter(resume_sections::id.eq(id)),
    )
    .set(&Changes { title, content })
    .returning(SectionRow::as_returning())
    .get_result(conn)
    .await
    .optional();
    updated_or_current(updated, async || {
        resume_sections::table
            .filter(resume_sections::table::writable(who))
            .filter(resume_sections::id.eq(id))
            .select(SectionRow::as_select())
            .first(conn)
            .await
            .optional()
    })
    .await
}

/// Adds an item last among its siblings (the section's top-level items, or the items under its
/// parent) in a section the caller locked ([`lock_section`]).
pub async fn insert_item(
    conn: &mut AsyncPgConnection,
    section: &SectionRow,
    new: &NewItem,
) -> QueryResult<ItemRow> {
    let siblings = resume_items::table
        .filter(resume_items::section_id.eq(section.id))
        .filter(resume_items::user_id.eq(section.user_id))
        .into_boxed();
    let siblings = match new.parent_item_id {
        Some(parent) => siblings.filter(resume_items::parent_item_id.eq(parent)),
        None => siblings.filter(resume_items::parent_item_id.is_null()),
    };
    let last: Option<i32> = siblings
        .select(diesel::dsl::max(resume_items::position))
        .first(conn)
        .await?;
    let id = |kind: ResumeItemKind| (new.kind == kind).then_some(new.record_id);
    diesel::insert_into(resume_items::table)
        .values((
            resume_items::id.eq(Uuid::now_v7()),
            resume_items::user_id.eq(section.user_id),
            resume_items::section_id.eq(section.id),
            resume_items::parent_item_id.eq(new.parent_item_id),
            resume_items::kind.eq(new.kind),
            resume_items::experience_id.eq(id(ResumeItemKind::Experience)),
            resume_items::bullet_id.eq(id(ResumeItemKind::Bullet)),
            resume_items::project_id.eq(id(ResumeItemKind::Project)),
            resume_items::star_story_id.eq(id(ResumeItemKind::StarStory)),
            resume_items::education_id.eq(id(ResumeItemKind::Education)),
            resume_items::candidate_skill_id.eq(id(ResumeItemKind::CandidateSkill)),
            resume_items::strength_id.eq(id(ResumeItemKind::Strength)),
            resume_items::hidden.eq(new.hidden),
            resume_items::position.eq(last.map_or(0, |last| last + 1)),
            resume_items::override_text.eq(&new.override_text),
            resume_items::reason.eq(&new.reason),
        ))
        .returning(ItemRow::as_returning())
        .get_result(conn)
        .await
}

pub async fn update_item(
    conn: &mut AsyncPgConnection,
    who: Principal,
    id: Uuid,
    hidden: Option<bool>,
    override_text: Option<Option<String>>,
) -> QueryResult<Option<ItemRow>> {
    #[derive(AsChangeset)]
    #[diesel(table_name = resume_items)]
    struct Changes {
        hidden: Option<bool>,
        override_text: Option<Option<String>>,
    }
    let updated = diesel::update(
        resume_items::table
            .filter(resume_items::table::writable(who))
            .filter(resume_items::id.eq(id)),
    )
    .set(&Changes {
        hidden,
        override_text,
    })
    .returning(ItemRow::as_returning())
    .get_result(conn)
    .await
    .optional();
    updated_or_current(updated, async || item_of(conn, who, id).await).await
}

#[derive(QueryableByName)]
struct ChildId {
    #[diesel(sql_type = SqlUuid)]
    id: Uuid,
}

/// Gives the children of one parent the order of `ids`, which must name each of them once;
/// false (changing nothing) when they do not. `table` and `condition` come from code, never
/// from input; the condition may use `$2` (the parent) and is over the alias `t`.
async fn reorder<T: Guarded>(
    conn: &mut AsyncPgConnection,
    who: Principal,
    condition: &str,
    parent: Uuid,
    ids: &[Uuid],
) -> QueryResult<bool> {
    let (table, rule) = (T::NAME, T::writable_sql("t", 1));
    let current: Vec<ChildId> =
        diesel::sql_query(format!("select t.id from {table} t where {rule} and {condition}"))
            .bind::<SqlUuid, _>(who.user_id)
            .bind::<SqlUuid, _>(parent)
            .load(conn)
            .await?;
    let current: std::collections::HashSet<Uuid> = current.into_iter().map(|row| row.id).collect();
    let wanted: std::collections::HashSet<Uuid> = ids.iter().copied().collect();
    if wanted.len() != ids.len() || wanted != current {
        return Ok(false);
    }
    diesel::sql_query(format!(
        "update {table} t set position = w.position - 1
         from unnest($3) with ordinality as w(id, position)
         where t.id = w.id and {rule} and {condition}"
    ))
    .bind::<SqlUuid, _>(who.user_id)
    .bind::<SqlUuid, _>(parent)
    .bind::<Array<SqlUuid>, _>(ids.to_vec())
    .execute(conn)
    .await?;
    Ok(true)
}

/// Orders the sections of a resume the caller locked.
pub async fn reorder_sections(
    conn: &mut AsyncPgConnection,
    who: Principal,
    resume_id: Uuid,
    ids: &[Uuid],
) -> QueryResult<bool> {
    reorder::<resume_sections::table>(conn, who, "t.resume_id = $2", resume_id, ids).await
}

/// Orders the top-level items of a section the caller locked.
pub async fn reorder_top_items(
    conn: &mut AsyncPgConnection,
    who: Principal,
    section_id: Uuid,
    ids: &[Uuid],
) -> QueryResult<bool> {
    reorder::<resume_items::table>(
        conn,
        who,
        "t.section_id = $2 and t.parent_item_id is null",
        section_id,
        ids,
    )
    .await
}

/// Orders the items under one item, in a section the caller locked.
pub async fn reorder_child_items(
    conn: &mut AsyncPgConnection,
    who: Principal,
    parent_item_id: Uuid,
    ids: &[Uuid],
) -> QueryResult<bool> {
    reorder::<resume_items::table>(conn, who, "t.parent_item_id = $2", parent_item_id, ids).await
}

pub async fn insert_snapshot(
    conn: &mut AsyncPgConnection,
    resume: &ResumeRow,
    application_id: Option<Uuid>,
    document: &serde_json::Value,
) -> QueryResult<SnapshotRow> {
    diesel::insert_into(resume_snapshots::table)
        .values((
            resume_snapshots::id.eq(Uuid::now_v7()),
            resume_snapshots::user_id.eq(resume.user_id),
            resume_snapshots::resume_id.eq(resume.id),
            resume_snapshots::application_id.eq(application_id),
            resume_snapshots::name.eq(&resume.name),
            resume_snapshots::document.eq(document),
        ))
        .returning(SnapshotRow::as_returning())
        .get_result(conn)
        .await
}

pub async fn snapshot_of(
    conn: &mut AsyncPgConnection,
    who: Principal,
    id: Uuid,
) -> QueryResult<Option<SnapshotRow>> {
    resume_snapshots::table
        .filter(resume_snapshots::table::readable(who))
        .filter(resume_snapshots::id.eq(id))
        .select(SnapshotRow::as_select())
        .first(conn)
        .await
        .optional()
}

/// A resume with everything it shows: its sections, their items, the records the items
/// reference and the profile, read in a fixed number of statements whatever its size.
pub struct Tree {
    pub resume: ResumeRow,
    pub sections: Vec<SectionRow>,
    pub items: Vec<ItemRow>,
    pub records: Records,
    pub profile: Option<ProfileRow>,
}

/// Reads the principal's resume as a [`Tree`]; None when they have no such resume.
pub async fn load_tree(conn: &mut AsyncPgConnection, who: Principal, id: Uuid) -> QueryResult<Option<Tree>> {
    let Some(resume) = resume_of(conn, who, id).await? else {
        return Ok(None);
    };
    let sections: Vec<SectionRow> = resume_sections::table
        .filter(resume_sections::table::readable(who))
        .filter(resume_sections::resume_id.eq(id))
        .order((resume_sections::position, resume_sections::id))
        .select(SectionRow::as_select())
        .load(conn)
        .await?;
    let section_ids: Vec<Uuid> = sections.iter().map(|s| s.id).collect();
    let items: Vec<ItemRow> = resume_items::table
        .filter(resume_items::table::readable(who))
        .filter(resume_items::section_id.eq_any(&section_ids))
        .order((resume_items::position, resume_items::id))
        .select(ItemRow::as_select())
        .load(conn)
        .await?;
    let records = load_records(conn, who, &items).await?;
    let profile = candidate_profiles::table
        .filter(candidate_profiles::table::readable(who))
        .filter(candidate_profiles::user_id.eq(resume.user_id))
        .select(ProfileRow::as_select())
        .first(conn)
        .await
        .optional()?;
    Ok(Some(Tree {
        resume,
        sections,
        items,
        records,
        profile,
    }))
}

/// The records `items` reference, one statement per kind that occurs.
pub async fn load_records(
    conn: &mut AsyncPgConnection,
    who: Principal,
    items: &[ItemRow],
) -> QueryResult<Records> {
    let ids = |kind: ResumeItemKind| -> Vec<Uuid> {
        items
            .iter()
            .filter(|item| item.kind == kind)
            .map(ItemRow::record_id)
            .collect()
    };
    let mut records: HashMap<Uuid, Record> = HashMap::new();
    macro_rules! fetch {
        ($kind:ident, $table:ident, $row:ty) => {{
            let wanted = ids(ResumeItemKind::$kind);
            if !wanted.is_empty() {
                let rows: Vec<$row> = $table::table
                    .filter($table::table::readable(who))
                    .filter($table::id.eq_any(&wanted))
                    .select(<$row>::as_select())
                    .load(conn)
                    .await?;
                records.extend(rows.into_iter().map(|row| (row.id, Record::$kind(row))));
            }
        }};
    }
    fetch!(Experience, experiences, Experience);
    fetch!(Bullet, bullets, Bullet);
    fetch!(Project, projects, Project);
    fetch!(StarStory, star_stories, StarStory);
    fetch!(Education, education, Education);
    fetch!(Strength, strengths, Strength);
    let wanted = ids(ResumeItemKind::CandidateSkill);
    if !wanted.is_empty() {
        let rows: Vec<(CandidateSkillRow, String)> = candidate_skills::table
            .inner_join(skills::table.on(skills::id.eq(candidate_skills::skill_id)))
            .filter(candidate_skills::table::readable(who))
            .filter(candidate_skills::id.eq_any(&wanted))
            .select((CandidateSkillRow::as_select(), skills::name))
            .load(conn)
            .await?;
        records.extend(
            rows.into_iter()
                .map(|(row, name)| (row.id, Record::CandidateSkill(row, name))),
        );
    }
    Ok(Records(records))
}

/// Whether `who` may put the record `id` of `kind` on a resume: it is theirs.
pub async fn owns_record(
    conn: &mut AsyncPgConnection,
    who: Principal,
    kind: ResumeItemKind,
    id: Uuid,
) -> QueryResult<bool> {
    use crate::access::may_change;
    match kind {
        ResumeItemKind::Experience => may_change::<experiences::table>(conn, who, id).await,
        ResumeItemKind::Bullet => may_change::<bullets::table>(conn, who, id).await,
        ResumeItemKind::Project => may_change::<projects::table>(conn, who, id).await,
        ResumeItemKind::StarStory => may_change::<star_stories::table>(conn, who, id).await,
        ResumeItemKind::Education => may_change::<education::table>(conn, who, id).await,
        ResumeItemKind::CandidateSkill => may_change::<candidate_skills::table>(conn, who, id).await,
        ResumeItemKind::Strength => may_change::<strengths::table>(conn, who, id).await,
    }
}

/// The experience a bullet, project or STAR story belongs to (None for a personal project, or
/// a record the principal cannot change).
pub async fn experience_of_record(
    conn: &mut AsyncPgConnection,
    who: Principal,
    kind: ResumeItemKind,
    id: Uuid,
) -> QueryResult<Option<Uuid>> {
    let found: Option<Option<Uuid>> = match kind {
        ResumeItemKind::Bullet => bullets::table
            .filter(bullets::table::writable(who))
            .filter(bullets::id.eq(id))
            .select(bullets::experience_id.nullable())
            .first(conn)
            .await
            .optional()?,
        ResumeItemKind::Project => projects::table
            .filter(projects::table::writable(who))
            .filter(projects::id.eq(id))
            .select(projects::experience_id)
            .first(conn)
            .await
            .optional()?,
        ResumeItemKind::StarStory => star_stories::table
            .filter(star_stories::table::writable(who))
            .filter(star_stories::id.eq(id))
            .select(star_stories::experience_id.nullable())
            .first(conn)
            .await
            .optional()?,
        _ => None,
    };
    Ok(found.flatten())
}

/// What [`super::tailor::plan`] reads, inside the caller's transaction.
pub async fn tailoring_inputs(
    conn: &mut AsyncPgConnection,
    who: Principal,
    posting_id: Uuid,
    owner: Uuid,
    today: chrono::NaiveDate,
) -> QueryResult<Inputs> {
    use crate::graphql::loaders::Relation;
    use crate::jobs::store::{ManualMatchesByPosting, UsageByUser, WantedByPosting};
    use crate::skills::graphql::SkillById;
    let wanted = WantedByPosting::fetch(conn, who, &[posting_id]).await?;
    let skill_ids: Vec<Uuid> = wanted.iter().map(|w| w.skill_id).collect();
    let skills = SkillById::fetch(conn, who, &skill_ids).await?;
    let usage = UsageByUser::fetch(conn, who, &[owner]).await?;
    let manual = ManualMatchesByPosting::fetch(conn, who, &[posting_id]).await?;
    let bullet_rows: Vec<Bullet> = bullets::table
        .filter(bullets::table::writable(who))
        .filter(bullets::retired.eq(false))
        .select(Bullet::as_select())
        .load(conn)
        .await?;
    let candidate_skills = candidate_skills::table
        .inner_join(skills::table.on(skills::id.eq(candidate_skills::skill_id)))
        .filter(candidate_skills::table::writable(who))
        .select((CandidateSkillRow::as_select(), skills::name))
        .load(conn)
        .await?;
    Ok(Inputs {
        wanted: wanted
            .into_iter()
            .map(|row| crate::jobs::score::Wanted {
                skill_id: row.skill_id,
                importance: row.importance,
            })
            .collect(),
        skills,
        usage,
        manual,
        bullets: bullet_rows,
        candidate_skills,
        today,
    })
}
