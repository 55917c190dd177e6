//! JSON Resume (the jsonresume.org schema, v1.0.0): a resume's records as `basics`, `work`,
//! `education`, `skills` and `projects`, and careergraph's own fields (the resume's name,
//! strengths) under `meta.careergraph`. Export reads the records the resume shows (hidden
//! items left out); the per-resume override of an item's text is a careergraph notion and
//! is not exported, the record's own text is.

use serde_json::{Map, Value, json};

use crate::career::model::{Education, Experience, Project};
use crate::graphql::scalars::Date;
use crate::resumes::enums::ResumeSectionType;
use crate::resumes::store::{ItemRow, Tree};
use crate::resumes::{Document, Record, shown};

/// Where careergraph's own fields go under `meta`.
pub const META_KEY: &str = "careergraph";

fn date(date: &Date) -> String {
    date.0.format("%Y-%m-%d").to_string()
}

/// Inserts `key` only when there is a value: JSON Resume leaves unknown fields out.
fn put(object: &mut Map<String, Value>, key: &str, value: Option<impl Into<Value>>) {
    if let Some(value) = value {
        object.insert(key.to_owned(), value.into());
    }
}

fn work(experience: &Experience, highlights: Vec<String>) -> Value {
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
    Value::Object(object)
}

fn education(education: &Education) -> Value {
    let mut object = Map::new();
    object.insert("institution".into(), education.institution_name.clone().into());
    put(&mut object, "area", education.field_of_study.clone());
    put(&mut object, "studyType", education.degree.clone());
    put(&mut object, "startDate", education.start_date.as_ref().map(date));
    put(&mut object, "endDate", education.end_date.as_ref().map(date));
    put(&mut object, "score", education.gpa.map(|gpa| gpa.to_string()));
    Value::Object(object)
}

fn project(project: &Project) -> Value {
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
    Value::Object(object)
}

/// The resume as a JSON Resume document.
pub fn export(tree: &Tree, document: &Document) -> Value {
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
    if !profiles.is_empty() {
        basics.insert("profiles".into(), profiles.into());
    }

    let (mut works, mut schools, mut skills, mut projects, mut strengths) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new());
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
                    works.push(work(e, highlights));
                    projects.extend(children.iter().filter_map(|record| match record {
                        Record::Project(p) => Some(project(p)),
                        _ => None,
                    }));
                }
                Some(Record::Education(e)) => schools.push(education(e)),
                Some(Record::CandidateSkill(_, name)) => skills.push(json!({ "name": name })),
                Some(Record::Project(p)) => projects.push(project(p)),
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
    let mut out = Map::new();
    out.insert(
        "$schema".into(),
        "https://raw.githubusercontent.com/jsonresume/resume-schema/v1.0.0/schema.json".into(),
    );
    out.insert("basics".into(), Value::Object(basics));
    for (key, list) in [
        ("work", works),
        ("education", schools),
        ("skills", skills),
        ("projects", projects),
    ] {
        if !list.is_empty() {
            out.insert(key.into(), list.into());
        }
    }
    out.insert("meta".into(), json!({ META_KEY: own }));
    Value::Object(out)
}
