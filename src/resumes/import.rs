//! `importJsonResume`: a JSON Resume document (the jsonresume.org schema) made into the
//! candidate's records and a resume over them. The whole document is checked before anything
//! is written; each error names the JSON path it is about (`document.work[2].startDate`).
//!
//! Where each part goes:
//! - `basics`: the profile (name, label as headline, email, phone, url as portfolio, summary,
//!   location as one line; the LinkedIn and GitHub `profiles` as their URLs);
//! - `work`: experiences (highlights as their bullets); `volunteer`: VOLUNTEER experiences;
//! - `education`: education (`studyType` the degree, `area` the field, a numeric `score` the
//!   GPA); `projects`: personal projects (`roles` joined as the role); `skills`: claimed
//!   skills (a catalog skill of that name, else a private one; `level` as a proficiency);
//! - `meta.careergraph` (what careergraph's own export writes): the resume's name, template
//!   and strengths.
//!
//! What has no home in the record (awards, certificates, publications, languages, interests,
//! references, a work entry's `url`, a skill's `keywords`, a date written as `2019-03`, ...)
//! is kept with the resume (`resumes.json_resume`), so that exporting it gives the document
//! back (the JSON Resume export in the `exports` area reads it).

use chrono::NaiveDate;
use diesel_async::AsyncPgConnection;
use serde_json::{Map, Value, json};
use uuid::Uuid;

use super::enums::{ResumeItemKind, ResumeSectionType};
use super::store::{self, NewItem, NewResume, PersonalInfo, ResumeRow, SectionRow};
use crate::access::Principal;
use crate::career::enums::EmploymentType;
use crate::career::store::{NewBullet, NewEducation, NewExperience, NewProject, NewStrength};
use crate::graphql::errors::{AppError, AppResult};
use crate::graphql::scalars::{Date, Url};
use crate::profile::store::ProfileChanges;
use crate::skills::enums::{Proficiency, SkillCategory};
use crate::skills::store::CandidateSkillValues;
use crate::validate;

/// At most this many entries in one of the document's lists (and highlights in one entry).
pub const MAX_ENTRIES: usize = 200;

/// The lists whose entries become records; the rest of the document is kept as it is.
pub const RECORD_LISTS: [&str; 5] = ["work", "volunteer", "education", "projects", "skills"];

/// Where careergraph's own fields go under `meta`.
pub const META_KEY: &str = "careergraph";

fn bad(path: &str, message: impl std::fmt::Display) -> AppError {
    AppError::bad_input(path, format!("{path} {message}"))
}

/// A JSON Resume date: `YYYY-MM-DD`, `YYYY-MM` or `YYYY` (the schema's `iso8601`); a partial
/// one is the first day of its month or year.
pub fn parse_date(text: &str) -> Option<NaiveDate> {
    let parts: Vec<&str> = text.trim().split('-').collect();
    let number = |part: &str, len: usize| -> Option<u32> {
        (part.len() == len && part.chars().all(|c| c.is_ascii_digit()))
            .then(|| part.parse().ok())
            .flatten()
    };
    let year = number(parts.first()?, 4)?;
    let month = parts.get(1).map_or(Some(1), |part| number(part, 2))?;
    let day = parts.get(2).map_or(Some(1), |part| number(part, 2))?;
    if parts.len() > 3 {
        return None;
    }
    NaiveDate::from_ymd_opt(i32::try_from(year).ok()?, month, day)
}

/// The proficiency a JSON Resume skill `level` (free text) stands for; None when it names
/// none (the claim is then INTERMEDIATE, and the level is kept as written).
pub fn proficiency_of(level: &str) -> Option<Proficiency> {
    match level.trim().to_lowercase().as_str() {
        "beginner" | "novice" | "basic" | "elementary" => Some(Proficiency::Beginner),
        "intermediate" | "competent" | "proficient" => Some(Proficiency::Intermediate),
        "advanced" => Some(Proficiency::Advanced),
        "expert" | "master" => Some(Proficiency::Expert),
        _ => None,
    }
}

/// A `basics.location` object as the profile's one line: its parts joined by ", ".
pub fn location_line(location: &Map<String, Value>) -> String {
    ["address", "city", "region", "postalCode", "countryCode"]
        .iter()
        .filter_map(|key| location.get(*key).and_then(Value::as_str))
        .map(str::trim)
        .filter(|part| !part.is_empty())
        .collect::<Vec<_>>()
        .join(", ")
}

/// One JSON object of the document and where it is.
struct Entry<'a> {
    object: &'a Map<String, Value>,
    path: String,
}

impl<'a> Entry<'a> {
    fn new(value: &'a Value, path: String) -> AppResult<Self> {
        match value {
            Value::Object(object) => Ok(Self { object, path }),
            _ => Err(bad(&path, "must be an object")),
        }
    }

    fn at(&self, key: &str) -> String {
        format!("{}.{key}", self.path)
    }

    /// A string field: None when absent, null or blank (JSON Resume writes "" for "none").
    fn text(&self, key: &str, max: usize) -> AppResult<Option<String>> {
        match self.object.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(text)) if text.trim().is_empty() => Ok(None),
            Some(Value::String(text)) => validate::text_of(&self.at(key), text, max).map(Some),
            Some(_) => Err(bad(&self.at(key), "must be a string")),
        }
    }

    fn required(&self, key: &str, max: usize) -> AppResult<String> {
        self.text(key, max)?
            .ok_or_else(|| bad(&self.at(key), "is required"))
    }

    fn date(&self, key: &str) -> AppResult<Option<Date>> {
        match self.text(key, 10)? {
            None => Ok(None),
            Some(text) => parse_date(&text).map(|date| Some(Date(date))).ok_or_else(|| {
                bad(
                    &self.at(key),
                    format!("`{text}` is not a date (YYYY-MM-DD, YYYY-MM or YYYY)"),
                )
            }),
        }
    }

    fn url(&self, key: &str, hosts: &[&str]) -> AppResult<Option<Url>> {
        match self.text(key, 2048)? {
            None => Ok(None),
            Some(text) => validate::url_of(&self.at(key), &text, hosts).map(Some),
        }
    }

    /// A list field (absent or null: empty), each element with its path.
    fn list(&self, key: &str) -> AppResult<Vec<(&'a Value, String)>> {
        match self.object.get(key) {
            None | Some(Value::Null) => Ok(Vec::new()),
            Some(Value::Array(items)) if items.len() > MAX_ENTRIES => Err(bad(
                &self.at(key),
                format!("has {} entries; at most {MAX_ENTRIES} are allowed", items.len()),
            )),
            Some(Value::Array(items)) => Ok(items
                .iter()
                .enumerate()
                .map(|(index, item)| (item, format!("{}[{index}]", self.at(key))))
                .collect()),
            Some(_) => Err(bad(&self.at(key), "must be a list")),
        }
    }

    /// A list of strings, blank ones left out.
    fn strings(&self, key: &str, max: usize) -> AppResult<Vec<String>> {
        let mut out = Vec::new();
        for (item, path) in self.list(key)? {
            match item {
                Value::String(text) if text.trim().is_empty() => {}
                Value::String(text) => out.push(validate::text_of(&path, text, max)?),
                _ => return Err(bad(&path, "must be a string")),
            }
        }
        Ok(out)
    }
}

fn ordered(entry: &Entry, start: Option<&Date>, end: Option<&Date>) -> AppResult<()> {
    match (start, end) {
        (Some(start), Some(end)) if end.0 < start.0 => Err(bad(&entry.at("endDate"), "is before startDate")),
        _ => Ok(()),
    }
}

/// An experience to make from a `work` or `volunteer` entry, with its bullets.
pub struct Role {
    pub new: NewExperience,
    pub highlights: Vec<String>,
    pub source: Value,
}

pub struct Skill {
    pub name: String,
    pub proficiency: Proficiency,
    pub source: Value,
}

/// What a checked document makes.
pub struct Plan {
    pub name: String,
    pub template: Option<String>,
    pub profile: ProfileChanges,
    pub has_summary: bool,
    pub work: Vec<Role>,
    pub volunteer: Vec<Role>,
    pub education: Vec<(NewEducation, Value)>,
    pub projects: Vec<(NewProject, Value)>,
    pub skills: Vec<Skill>,
    pub strengths: Vec<NewStrength>,
    /// The document without its record lists, kept with the resume.
    pub rest: Value,
}

fn basics(entry: &Entry, profile: &mut ProfileChanges) -> AppResult<bool> {
    profile.full_name = entry.text("name", 200)?.map(Some);
    profile.headline = entry.text("label", 200)?.map(Some);
    profile.email = match entry.text("email", 254)? {
        Some(email) => Some(Some(validate::email(&entry.at("email"), &email)?)),
        None => None,
    };
    profile.phone = match entry.text("phone", 40)? {
        Some(phone) => Some(Some(validate::phone(&entry.at("phone"), &phone)?)),
        None => None,
    };
    profile.portfolio_url = entry.url("url", &[])?.map(Some);
    let summary = entry.text("summary", 5000)?;
    let has_summary = summary.is_some();
    profile.summary = summary.map(Some);
    profile.location = match entry.object.get("location") {
        None | Some(Value::Null) => None,
        Some(value) => {
            let location = Entry::new(value, entry.at("location"))?;
            for key in ["address", "city", "region", "postalCode", "countryCode"] {
                location.text(key, 200)?;
            }
            let line = location_line(location.object);
            if line.chars().count() > 200 {
                return Err(bad(&location.path, "is longer than 200 characters in all"));
            }
            (!line.is_empty()).then_some(Some(line))
        }
    };
    for (value, path) in entry.list("profiles")? {
        let network = Entry::new(value, path)?;
        let name = network.text("network", 100)?.unwrap_or_default().to_lowercase();
        let (slot, host) = match name.as_str() {
            "linkedin" => (&mut profile.linkedin_url, "linkedin.com"),
            "github" => (&mut profile.github_url, "github.com"),
            _ => {
                network.text("username", 200)?;
                continue;
            }
        };
        if let Some(url) = network.url("url", &[host])?
            && slot.is_none()
        {
            *slot = Some(Some(url));
        }
    }
    Ok(has_summary)
}

fn role(value: &Value, path: String, volunteer: bool) -> AppResult<Role> {
    let entry = Entry::new(value, path)?;
    let (company_key, employment_type) = if volunteer {
        ("organization", EmploymentType::Volunteer)
    } else {
        ("name", EmploymentType::FullTime)
    };
    let start_date = entry
        .date("startDate")?
        .ok_or_else(|| bad(&entry.at("startDate"), "is required"))?;
    let end_date = entry.date("endDate")?;
    ordered(&entry, Some(&start_date), end_date.as_ref())?;
    let new = NewExperience {
        company_name: entry.required(company_key, 200)?,
        job_title: entry.required("position", 200)?,
        employment_type,
        start_date,
        end_date,
        location: if volunteer {
            None
        } else {
            entry.text("location", 200)?
        },
        company_description: if volunteer {
            None
        } else {
            entry.text("description", 2000)?
        },
        summary: entry.text("summary", 5000)?,
        visibility: None,
        details: None,
    };
    Ok(Role {
        new,
        highlights: entry.strings("highlights", 1000)?,
        source: value.clone(),
    })
}

fn school(value: &Value, path: String) -> AppResult<(NewEducation, Value)> {
    let entry = Entry::new(value, path)?;
    let start_date = entry.date("startDate")?;
    let end_date = entry.date("endDate")?;
    ordered(&entry, start_date.as_ref(), end_date.as_ref())?;
    // A score that is not a number from 0 to 10 ("A+", "First class") has no home in the GPA.
    let gpa = entry
        .text("score", 50)?
        .and_then(|score| score.parse::<f64>().ok())
        .filter(|gpa| (0.0..=10.0).contains(gpa));
    let new = NewEducation {
        institution_name: entry.required("institution", 200)?,
        degree: entry.text("studyType", 200)?,
        field_of_study: entry.text("area", 200)?,
        minor: None,
        gpa,
        location: None,
        start_date,
        end_date,
        is_current: false,
        details: None,
    };
    Ok((new, value.clone()))
}

fn project(value: &Value, path: String) -> AppResult<(NewProject, Value)> {
    let entry = Entry::new(value, path)?;
    let start_date = entry.date("startDate")?;
    let end_date = entry.date("endDate")?;
    ordered(&entry, start_date.as_ref(), end_date.as_ref())?;
    let url = entry.url("url", &[])?;
    let on_github = url.as_ref().is_some_and(|url| {
        url::Url::parse(&url.0)
            .ok()
            .and_then(|parsed| parsed.host_str().map(str::to_lowercase))
            .is_some_and(|host| host == "github.com" || host.ends_with(".github.com"))
    });
    let (github_url, live_url) = if on_github { (url, None) } else { (None, url) };
    let roles = entry.strings("roles", 200)?;
    let role = (!roles.is_empty()).then(|| roles.join(", "));
    if role.as_ref().is_some_and(|role| role.chars().count() > 200) {
        return Err(bad(&entry.at("roles"), "is longer than 200 characters in all"));
    }
    let new = NewProject {
        experience_id: None,
        name: entry.required("name", 200)?,
        description: entry.text("description", 5000)?,
        role,
        category: None,
        impact_metric: None,
        github_url,
        live_url,
        start_date,
        end_date,
        visibility: None,
        education_id: None,
        details: None,
        experience_type: None,
        tags: Vec::new(),
    };
    Ok((new, value.clone()))
}

/// Checks a document and says what it makes; nothing is written.
pub fn parse(document: &str, name: Option<String>) -> AppResult<Plan> {
    let root: Value =
        serde_json::from_str(document).map_err(|error| bad("document", format!("is not JSON: {error}")))?;
    let top = Entry::new(&root, "document".to_owned())?;
    let mut profile = ProfileChanges::default();
    let has_summary = match top.object.get("basics") {
        None | Some(Value::Null) => false,
        Some(value) => basics(&Entry::new(value, top.at("basics"))?, &mut profile)?,
    };
    let work = top
        .list("work")?
        .into_iter()
        .map(|(value, path)| role(value, path, false))
        .collect::<AppResult<Vec<_>>>()?;
    let volunteer = top
        .list("volunteer")?
        .into_iter()
        .map(|(value, path)| role(value, path, true))
        .collect::<AppResult<Vec<_>>>()?;
    let education = top
        .list("education")?
        .into_iter()
        .map(|(value, path)| school(value, path))
        .collect::<AppResult<Vec<_>>>()?;
    let projects = top
        .list("projects")?
        .into_iter()
        .map(|(value, path)| project(value, path))
        .collect::<AppResult<Vec<_>>>()?;
    let mut skills: Vec<Skill> = Vec::new();
    for (value, path) in top.list("skills")? {
        let entry = Entry::new(value, path)?;
        let skill_name = entry.required("name", 100)?;
        if skills
            .iter()
            .any(|s| crate::skills::store::normalize(&s.name) == crate::skills::store::normalize(&skill_name))
        {
            return Err(bad(&entry.at("name"), format!("`{skill_name}` is listed twice")));
        }
        let proficiency = entry
            .text("level", 100)?
            .and_then(|level| proficiency_of(&level))
            .unwrap_or(Proficiency::Intermediate);
        entry.strings("keywords", 200)?;
        skills.push(Skill {
            name: skill_name,
            proficiency,
            source: value.clone(),
        });
    }
    for key in [
        "awards",
        "certificates",
        "publications",
        "languages",
        "interests",
        "references",
    ] {
        for (value, path) in top.list(key)? {
            Entry::new(value, path)?;
        }
    }

    let (mut resume_name, mut template, mut strengths) = (None, None, Vec::new());
    if let Some(meta) = top.object.get("meta").filter(|meta| !meta.is_null()) {
        let meta = Entry::new(meta, top.at("meta"))?;
        if let Some(own) = meta.object.get(META_KEY).filter(|own| !own.is_null()) {
            let own = Entry::new(own, meta.at(META_KEY))?;
            resume_name = own.text("resumeName", 200)?;
            template = own.text("template", 100)?;
            for (value, path) in own.list("strengths")? {
                let strength = Entry::new(value, path)?;
                strengths.push(NewStrength {
                    name: strength.required("name", 100)?,
                    description: strength.text("description", 2000)?,
                });
            }
        }
    }
    let name = match name {
        Some(name) => validate::text_of("name", &name, 200)?,
        None => resume_name.unwrap_or_else(|| "Imported resume".to_owned()),
    };
    let mut rest = top.object.clone();
    for key in RECORD_LISTS {
        rest.remove(key);
    }
    Ok(Plan {
        name,
        template,
        profile,
        has_summary,
        work,
        volunteer,
        education,
        projects,
        skills,
        strengths,
        rest: Value::Object(rest),
    })
}

fn gone() -> AppError {
    AppError::Unauthenticated("the account no longer exists or is deactivated")
}

/// What [`write`] made.
pub struct Imported {
    pub resume: ResumeRow,
}

struct Writer<'a> {
    conn: &'a mut AsyncPgConnection,
    who: Principal,
    resume: ResumeRow,
    sources: Map<String, Value>,
}

impl Writer<'_> {
    async fn section(&mut self, section_type: ResumeSectionType, title: &str) -> AppResult<SectionRow> {
        Ok(store::insert_section(self.conn, &self.resume, self.who, section_type, title, None).await?)
    }

    async fn item(
        &mut self,
        section: &SectionRow,
        kind: ResumeItemKind,
        record_id: Uuid,
        parent_item_id: Option<Uuid>,
    ) -> AppResult<Uuid> {
        let new = NewItem {
            parent_item_id,
            kind,
            record_id,
            hidden: false,
            override_text: None,
            reason: None,
        };
        Ok(store::insert_item(self.conn, section, &new).await?.id)
    }

    async fn roles(&mut self, roles: Vec<Role>, title: &str) -> AppResult<()> {
        if roles.is_empty() {
            return Ok(());
        }
        let section = self.section(ResumeSectionType::Experience, title).await?;
        for role in roles {
            let experience = crate::career::store::insert_experience(self.conn, self.who, &role.new)
                .await?
                .ok_or_else(gone)?;
            self.sources.insert(experience.id.to_string(), role.source);
            let parent = self
                .item(&section, ResumeItemKind::Experience, experience.id, None)
                .await?;
            for text in role.highlights {
                let bullet = NewBullet {
                    experience_id: experience.id,
                    engagement_id: None,
                    text,
                    tags: Vec::new(),
                    bullet_type: None,
                    seniority_level: None,
                    importance: None,
                    star_notes: None,
                    visibility: None,
                };
                let bullet = crate::career::store::insert_bullet(self.conn, self.who, &bullet)
                    .await?
                    .ok_or_else(gone)?;
                self.item(&section, ResumeItemKind::Bullet, bullet.id, Some(parent))
                    .await?;
            }
        }
        Ok(())
    }
}

/// Writes what [`parse`] checked, inside the caller's transaction: the profile's fields the
/// document gives, the records, and a base resume showing them in the document's order
/// (summary, work, volunteering, education, projects, skills, strengths).
pub async fn write(conn: &mut AsyncPgConnection, who: Principal, plan: Plan) -> AppResult<Imported> {
    let Plan {
        name,
        template,
        profile,
        has_summary,
        work,
        volunteer,
        education,
        projects,
        skills,
        strengths,
        rest,
    } = plan;
    crate::profile::store::update_profile(conn, who, &profile).await?;
    let new = NewResume {
        name,
        is_base: true,
        job_posting_id: None,
        application_id: None,
        template,
    };
    let resume = store::insert_resume(conn, who, &new, &PersonalInfo::default()).await?;
    let mut writer = Writer {
        conn,
        who,
        resume,
        sources: Map::new(),
    };
    if has_summary {
        writer.section(ResumeSectionType::Summary, "Summary").await?;
    }
    writer.roles(work, "Experience").await?;
    writer.roles(volunteer, "Volunteering").await?;
    if !education.is_empty() {
        let section = writer.section(ResumeSectionType::Education, "Education").await?;
        for (new, source) in education {
            let row = crate::career::store::insert_education(writer.conn, who, &new).await?;
            writer.sources.insert(row.id.to_string(), source);
            writer
                .item(&section, ResumeItemKind::Education, row.id, None)
                .await?;
        }
    }
    if !projects.is_empty() {
        let section = writer.section(ResumeSectionType::Project, "Projects").await?;
        for (new, source) in projects {
            let row = crate::career::store::insert_project(writer.conn, who, &new)
                .await?
                .ok_or_else(gone)?;
            writer.sources.insert(row.id.to_string(), source);
            writer
                .item(&section, ResumeItemKind::Project, row.id, None)
                .await?;
        }
    }
    if !skills.is_empty() {
        let section = writer.section(ResumeSectionType::Skill, "Skills").await?;
        for skill in skills {
            let (catalog, _) =
                crate::skills::store::add_skill(writer.conn, who, &skill.name, SkillCategory::Other, &[])
                    .await?;
            let values = CandidateSkillValues {
                proficiency: skill.proficiency,
                years_experience: None,
                is_featured: false,
            };
            let claim =
                crate::skills::store::upsert_candidate_skill(writer.conn, who, catalog.id, &values).await?;
            writer.sources.insert(claim.id.to_string(), skill.source);
            writer
                .item(&section, ResumeItemKind::CandidateSkill, claim.id, None)
                .await?;
        }
    }
    if !strengths.is_empty() {
        let section = writer.section(ResumeSectionType::Strength, "Strengths").await?;
        for new in strengths {
            let row = crate::career::store::insert_strength(writer.conn, who, &new).await?;
            writer
                .item(&section, ResumeItemKind::Strength, row.id, None)
                .await?;
        }
    }
    let Writer {
        conn,
        resume,
        sources,
        ..
    } = writer;
    let kept = json!({ "document": rest, "records": sources });
    store::set_json_resume(conn, who, resume.id, &kept).await?;
    let resume = store::resume_of(conn, who, resume.id)
        .await?
        .ok_or(AppError::NotFound("Resume"))?;
    Ok(Imported { resume })
}
