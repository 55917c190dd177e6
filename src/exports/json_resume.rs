//! JSON Resume (the jsonresume.org schema, v1.0.0): a resume's records as `basics`, `work`,
//! `volunteer` (VOLUNTEER experiences), `education`, `skills` and `projects`, and careergraph's
//! own fields (the resume's name and template, strengths) under `meta.careergraph`. Export
//! reads the records the resume shows (hidden items left out); the per-resume override of an
//! item's text is a careergraph notion and is not exported, the record's own text is.
//!
//! A resume made by `importJsonResume` also gives back what the record has no home for
//! (`resumes.json_resume`, see `crate::resumes::import`): the document's other sections
//! (awards, certificates, publications, languages, interests, references, meta) and each
//! entry's other fields, with a field the record holds written as the document wrote it while
//! the record still says the same (a date `2019-03`, a score `4.0`, a level `Master`). What
//! the record says now wins once it has been edited.

use serde_json::{Map, Value, json};
use uuid::Uuid;

use crate::career::enums::EmploymentType;
use crate::career::model::{Education, Experience, Project};
use crate::graphql::scalars::Date;
use crate::resumes::enums::ResumeSectionType;
use crate::resumes::import::{location_line, parse_date, proficiency_of};
use crate::resumes::store::{ItemRow, Tree};
use crate::resumes::{Document, Record, shown};
use crate::skills::enums::Proficiency;

/// Where careergraph's own fields go under `meta`.
pub use crate::resumes::import::META_KEY;

/// The schema the export follows, as its `$schema`.
pub const SCHEMA_URL: &str = "https://raw.githubusercontent.com/jsonresume/resume-schema/v1.0.0/schema.json";

fn date(date: &Date) -> String {
    date.0.format("%Y-%m-%d").to_string()
}

/// Inserts `key` only when there is a value: JSON Resume leaves unknown fields out.
fn put(object: &mut Map<String, Value>, key: &str, value: Option<impl Into<Value>>) {
    if let Some(value) = value {
        object.insert(key.to_owned(), value.into());
    }
}

/// Which kind of JSON Resume object a value is, for what its fields mean.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Basics,
    Work,
    Volunteer,
    Education,
    Project,
    Skill,
}

impl Kind {
    /// The fields careergraph's records hold (the export writes them from the record).
    fn mapped(self) -> &'static [&'static str] {
        match self {
            Self::Basics => &[
                "name", "label", "email", "phone", "url", "summary", "location", "profiles",
            ],
            Self::Work => &[
                "name",
                "position",
                "location",
                "description",
                "startDate",
                "endDate",
                "summary",
                "highlights",
            ],
            Self::Volunteer => &[
                "organization",
                "position",
                "startDate",
                "endDate",
                "summary",
                "highlights",
            ],
            Self::Education => &[
                "institution",
                "area",
                "studyType",
                "startDate",
                "endDate",
                "score",
            ],
            Self::Project => &["name", "description", "url", "roles", "startDate", "endDate"],
            Self::Skill => &["name", "level"],
        }
    }
}

/// What a field's value means to the record, so that two spellings of one value compare
/// equal: blanks and empty lists are absence, dates are full dates, a skill's level is its
/// proficiency, roles are joined, a location object is its one line.
fn meaning(kind: Kind, key: &str, value: Option<&Value>) -> Value {
    if kind == Kind::Skill && key == "level" {
        let level = value
            .and_then(Value::as_str)
            .and_then(proficiency_of)
            .unwrap_or(Proficiency::Intermediate);
        return level.as_str().into();
    }
    let Some(value) = value else {
        return Value::Null;
    };
    match value {
        Value::String(text) => {
            let text = text.trim();
            if text.is_empty() {
                return Value::Null;
            }
            match key {
                "startDate" | "endDate" => {
                    parse_date(text).map_or_else(|| text.into(), |d| d.to_string().into())
                }
                "email" => text.to_lowercase().into(),
                "score" => text
                    .parse::<f64>()
                    .ok()
                    .filter(|gpa| (0.0..=10.0).contains(gpa))
                    .map_or(Value::Null, |gpa| gpa.to_string().into()),
                "name" if kind == Kind::Skill => crate::skills::store::normalize(text).into(),
                _ => text.into(),
            }
        }
        Value::Array(items) if key == "roles" => {
            let joined = items
                .iter()
                .filter_map(Value::as_str)
                .map(str::trim)
                .filter(|role| !role.is_empty())
                .collect::<Vec<_>>()
                .join(", ");
            if joined.is_empty() {
                Value::Null
            } else {
                joined.into()
            }
        }
        Value::Array(items) => {
            let items: Vec<Value> = items
                .iter()
                .map(|item| meaning(kind, "", Some(item)))
                .filter(|item| !item.is_null())
                .collect();
            if items.is_empty() {
                Value::Null
            } else {
                items.into()
            }
        }
        Value::Object(object) if key == "location" => {
            let line = location_line(object);
            if line.is_empty() { Value::Null } else { line.into() }
        }
        other => other.clone(),
    }
}

/// The object as exported: the imported entry's fields (`source`) where the record has no
/// home for them or still means the same, else what the record says now.
fn restore(kind: Kind, computed: Map<String, Value>, source: Option<&Value>) -> Value {
    let Some(Value::Object(original)) = source else {
        return Value::Object(computed);
    };
    let mapped = kind.mapped();
    let mut out = Map::new();
    for (key, value) in original {
        if !mapped.contains(&key.as_str()) {
            out.insert(key.clone(), value.clone());
            continue;
        }
        let now = computed.get(key);
        if meaning(kind, key, now) == meaning(kind, key, Some(value)) {
            out.insert(key.clone(), value.clone());
        } else if let Some(now) = now {
            out.insert(key.clone(), now.clone());
        }
    }
    for (key, value) in computed {
        if !original.contains_key(&key) && meaning(kind, &key, Some(&value)) != meaning(kind, &key, None) {
            out.insert(key, value);
        }
    }
    Value::Object(out)
}

/// The imported `basics.profiles` with the LinkedIn and GitHub URLs the profile has now: an
/// entry of another network is kept, one of those two follows the profile (left out once its
/// URL is cleared), and a URL the document did not list is added.
fn restore_profiles(computed: Vec<Value>, original: Option<&Value>) -> Vec<Value> {
    let network = |entry: &Value| {
        entry
            .get("network")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .trim()
            .to_lowercase()
    };
    let url = |entry: &Value| {
        entry
            .get("url")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .trim()
            .to_owned()
    };
    let mut unused = computed;
    let mut out = Vec::new();
    for entry in original.and_then(Value::as_array).into_iter().flatten() {
        let name = network(entry);
        if (name != "linkedin" && name != "github") || url(entry).is_empty() {
            out.push(entry.clone());
            continue;
        }
        if let Some(at) = unused.iter().position(|now| network(now) == name) {
            let now = unused.remove(at);
            let mut kept = entry.clone();
            if url(&now) != url(entry)
                && let Some(object) = kept.as_object_mut()
            {
                object.insert("url".into(), url(&now).into());
            }
            out.push(kept);
        }
    }
    out.extend(unused);
    out
}

fn work(experience: &Experience, highlights: Vec<String>) -> Map<String, Value> {
    let mut object = Map::new();
    object.insert("name".into(), experience.company_name.clone().into());
    object.insert("position".into(), experience.job_title.clone().into());
    put(&mut object, "location", experience.location.clone());
    put(&mut object, "description", experience.company_description.clone());
    object.insert("startDate".into(), date(&experience.start_date).into());
    put(&mut object, "endDate", experience.end_date.as_ref().map(date));
    put(&mut object, "summary", experience.summary.clone());
    if !highlights.is_empty() {
        object.insert("highlights".into(), highlights.into());
    }
    object
}

fn volunteer(experience: &Experience, highlights: Vec<String>) -> Map<String, Value> {
    let mut object = Map::new();
    object.insert("organization".into(), experience.company_name.clone().into());
    object.insert("position".into(), experience.job_title.clone().into());
    object.insert("startDate".into(), date(&experience.start_date).into());
    put(&mut object, "endDate", experience.end_date.as_ref().map(date));
    put(&mut object, "summary", experience.summary.clone());
    if !highlights.is_empty() {
        object.insert("highlights".into(), highlights.into());
    }
    object
}

fn education(education: &Education) -> Map<String, Value> {
    let mut object = Map::new();
    object.insert("institution".into(), education.institution_name.clone().into());
    put(&mut object, "area", education.field_of_study.clone());
    put(&mut object, "studyType", education.degree.clone());
    put(&mut object, "startDate", education.start_date.as_ref().map(date));
    put(&mut object, "endDate", education.end_date.as_ref().map(date));
    put(&mut object, "score", education.gpa.map(|gpa| gpa.to_string()));
    object
}

fn project(project: &Project) -> Map<String, Value> {
    let mut object = Map::new();
    object.insert("name".into(), project.name.clone().into());
    put(&mut object, "description", project.description.clone());
    put(
        &mut object,
        "url",
        project
            .live_url
            .as_ref()
            .or(project.github_url.as_ref())
            .map(|url| url.0.clone()),
    );
    put(&mut object, "roles", project.role.clone().map(|role| vec![role]));
    put(&mut object, "startDate", project.start_date.as_ref().map(date));
    put(&mut object, "endDate", project.end_date.as_ref().map(date));
    object
}

/// A proficiency as a JSON Resume level: "Beginner", "Intermediate", "Advanced", "Expert".
fn level(proficiency: Proficiency) -> String {
    let name = proficiency.as_str();
    name[..1].to_uppercase() + &name[1..]
}

/// The resume as a JSON Resume document.
pub fn export(tree: &Tree, document: &Document) -> Value {
    let kept = tree.resume.json_resume.as_ref();
    let sources = kept
        .and_then(|kept| kept.get("records"))
        .and_then(Value::as_object);
    let source = |id: Uuid| sources.and_then(|sources| sources.get(&id.to_string()));
    let original = kept
        .and_then(|kept| kept.get("document"))
        .and_then(Value::as_object);

    let visible =
        |item: &&ItemRow| -> bool { !item.hidden && tree.records.get(item.record_id()).is_some_and(shown) };
    let info = &document.personal_info;
    let mut basics = Map::new();
    put(&mut basics, "name", info.full_name.clone());
    put(&mut basics, "label", info.headline.clone());
    put(&mut basics, "email", info.email.clone());
    put(&mut basics, "phone", info.phone.clone());
    put(&mut basics, "url", info.portfolio_url.clone());
    put(
        &mut basics,
        "summary",
        document
            .sections
            .iter()
            .find(|s| s.section_type == ResumeSectionType::Summary)
            .and_then(|s| s.text.clone()),
    );
    put(
        &mut basics,
        "location",
        info.location.clone().map(|address| json!({ "address": address })),
    );
    let profiles: Vec<Value> = [("LinkedIn", &info.linkedin_url), ("GitHub", &info.github_url)]
        .into_iter()
        .filter_map(|(network, url)| Some(json!({ "network": network, "url": url.clone()? })))
        .collect();
    let original_basics = original.and_then(|original| original.get("basics"));
    let profiles = match original_basics {
        Some(basics) => restore_profiles(profiles, basics.get("profiles")),
        None => profiles,
    };
    let mut basics = restore(Kind::Basics, basics, original_basics);
    if let Some(basics) = basics.as_object_mut() {
        basics.remove("profiles");
        if !profiles.is_empty() {
            basics.insert("profiles".into(), profiles.into());
        }
    }

    let (mut works, mut volunteers, mut schools, mut skills, mut projects, mut strengths) = (
        Vec::new(),
        Vec::new(),
        Vec::new(),
        Vec::new(),
        Vec::new(),
        Vec::new(),
    );
    for section in &tree.sections {
        let top = tree
            .items
            .iter()
            .filter(|item| item.section_id == section.id && item.parent_item_id.is_none())
            .filter(visible);
        for item in top {
            let children: Vec<&Record> = tree
                .items
                .iter()
                .filter(|child| child.parent_item_id == Some(item.id))
                .filter(visible)
                .filter_map(|child| tree.records.get(child.record_id()))
                .collect();
            match tree.records.get(item.record_id()) {
                Some(Record::Experience(e)) => {
                    let highlights = children
                        .iter()
                        .filter_map(|record| match record {
                            Record::Bullet(b) => Some(b.text.clone()),
                            _ => None,
                        })
                        .collect();
                    if e.employment_type == EmploymentType::Volunteer {
                        volunteers.push(restore(Kind::Volunteer, volunteer(e, highlights), source(e.id)));
                    } else {
                        works.push(restore(Kind::Work, work(e, highlights), source(e.id)));
                    }
                    projects.extend(children.iter().filter_map(|record| match record {
                        Record::Project(p) => Some(restore(Kind::Project, project(p), source(p.id))),
                        _ => None,
                    }));
                }
                Some(Record::Education(e)) => {
                    schools.push(restore(Kind::Education, education(e), source(e.id)))
                }
                Some(Record::CandidateSkill(claim, name)) => {
                    let mut object = Map::new();
                    object.insert("name".into(), name.clone().into());
                    object.insert("level".into(), level(claim.proficiency).into());
                    skills.push(restore(Kind::Skill, object, source(claim.id)));
                }
                Some(Record::Project(p)) => projects.push(restore(Kind::Project, project(p), source(p.id))),
                Some(Record::Strength(s)) => {
                    let mut object = Map::new();
                    object.insert("name".into(), s.name.clone().into());
                    put(&mut object, "description", s.description.clone());
                    strengths.push(Value::Object(object));
                }
                Some(Record::Bullet(_) | Record::StarStory(_)) | None => {}
            }
        }
    }
    let mut own = Map::new();
    own.insert("resumeName".into(), document.name.clone().into());
    put(&mut own, "template", document.template.clone());
    if !strengths.is_empty() {
        own.insert("strengths".into(), strengths.into());
    }

    // The imported document's other sections and fields first, then what the records say.
    let mut out = original.cloned().unwrap_or_default();
    out.entry("$schema").or_insert_with(|| SCHEMA_URL.into());
    out.insert("basics".into(), basics);
    for (key, list) in [
        ("work", works),
        ("volunteer", volunteers),
        ("education", schools),
        ("skills", skills),
        ("projects", projects),
    ] {
        if !list.is_empty() {
            out.insert(key.into(), list.into());
        }
    }
    let mut meta = match out.remove("meta") {
        Some(Value::Object(meta)) => meta,
        _ => Map::new(),
    };
    meta.insert(META_KEY.into(), Value::Object(own));
    out.insert("meta".into(), Value::Object(meta));
    Value::Object(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_field_written_another_way_is_given_back_as_written() {
        let computed = json!({ "institution": "MIT", "startDate": "2019-03-01", "score": "4" });
        let source =
            json!({ "institution": "MIT", "startDate": "2019-03", "score": "4.0", "url": "https://mit.edu" });
        let Value::Object(computed) = computed else {
            unreachable!()
        };
        assert_eq!(restore(Kind::Education, computed.clone(), Some(&source)), source);
        // Edited since: the record wins; a field it cleared goes.
        let mut edited = computed;
        edited.insert("startDate".into(), "2019-04-01".into());
        edited.remove("score");
        assert_eq!(
            restore(Kind::Education, edited, Some(&source)),
            json!({ "institution": "MIT", "startDate": "2019-04-01", "url": "https://mit.edu" })
        );
    }
}
