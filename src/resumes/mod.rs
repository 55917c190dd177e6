//! Resumes composed from the record (docs/domain.md §7): a resume is ordered sections whose
//! items reference the candidate's records (experiences and the bullets, projects and STAR
//! stories chosen under each, education, claimed skills, strengths) instead of copying them,
//! so editing a record once changes every resume that shows it. An item may be hidden or given
//! this resume's own wording (`override_text`, kept beside the record's text). Tailoring
//! (`tailor.rs`) makes a resume for a job posting from the match evidence; a snapshot freezes
//! what a resume said (the resolved document below) when it is sent, and two documents can be
//! compared ([`diff`]).
//!
//! This file holds what is neither SQL nor GraphQL: how a record reads on a resume, the
//! resolved document, its plain text, and the diff of two documents.

pub mod enums;
pub mod graphql;
pub mod import;
pub mod store;
pub mod tailor;

use std::collections::HashMap;

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::career::model::{Bullet, Education, Experience, Project, StarStory, Strength};
use crate::graphql::ids::NodeType;
use crate::graphql::scalars::Date;
use crate::skills::store::CandidateSkillRow;
use enums::{ResumeChangeKind, ResumeItemKind, ResumeSectionType};
use store::{ItemRow, Tree};

/// A record an item references, as read for the resume.
#[derive(Clone, Debug)]
pub enum Record {
    Experience(Experience),
    Bullet(Bullet),
    Project(Project),
    StarStory(StarStory),
    Education(Education),
    /// A claimed skill with the skill's name.
    CandidateSkill(CandidateSkillRow, String),
    Strength(Strength),
}

/// The records of a resume's items, by id (ids are UUIDs, unique across tables).
#[derive(Clone, Debug, Default)]
pub struct Records(pub HashMap<Uuid, Record>);

impl Records {
    pub fn get(&self, id: Uuid) -> Option<&Record> {
        self.0.get(&id)
    }
}

impl ResumeItemKind {
    /// The node type of the records of this kind.
    pub fn node_type(self) -> NodeType {
        match self {
            Self::Experience => NodeType::Experience,
            Self::Bullet => NodeType::Bullet,
            Self::Project => NodeType::Project,
            Self::StarStory => NodeType::StarStory,
            Self::Education => NodeType::Education,
            Self::CandidateSkill => NodeType::CandidateSkill,
            Self::Strength => NodeType::Strength,
        }
    }

    /// The kind of records of a node type, if items may reference them.
    pub fn of_node_type(node_type: NodeType) -> Option<Self> {
        Some(match node_type {
            NodeType::Experience => Self::Experience,
            NodeType::Bullet => Self::Bullet,
            NodeType::Project => Self::Project,
            NodeType::StarStory => Self::StarStory,
            NodeType::Education => Self::Education,
            NodeType::CandidateSkill => Self::CandidateSkill,
            NodeType::Strength => Self::Strength,
            _ => return None,
        })
    }
}

fn month(date: &Date) -> String {
    date.0.format("%b %Y").to_string()
}

fn span(start: Option<&Date>, end: Option<&Date>, current: bool) -> Option<String> {
    let end = if current {
        Some("Present".to_owned())
    } else {
        end.map(month)
    };
    match (start.map(month), end) {
        (Some(start), Some(end)) => Some(format!("{start} – {end}")),
        (Some(start), None) => Some(start),
        (None, Some(end)) if !current => Some(end),
        (None, _) => None,
    }
}

/// How a record reads on a resume (its canonical text, which an item's override replaces on
/// that resume only):
/// - experience: "Job title, Company (Jan 2020 – Present)", with ", location" when known;
/// - bullet: its text;
/// - project: "Name: description" (or the name);
/// - STAR story: its action and result;
/// - education: "Degree, field of study, Institution (Sep 2010 – Jun 2014)";
/// - claimed skill: the skill's name;
/// - strength: "Name: description" (or the name).
pub fn record_text(record: &Record) -> String {
    let joined = |name: &str, detail: Option<&str>| match detail.map(str::trim).filter(|d| !d.is_empty()) {
        Some(detail) => format!("{name}: {detail}"),
        None => name.to_owned(),
    };
    match record {
        Record::Experience(e) => {
            let mut text = format!("{}, {}", e.job_title, e.company_name);
            if let Some(span) = span(Some(&e.start_date), e.end_date.as_ref(), e.end_date.is_none()) {
                text.push_str(&format!(" ({span})"));
            }
            if let Some(location) = e.location.as_deref().filter(|l| !l.trim().is_empty()) {
                text.push_str(&format!(", {location}"));
            }
            text
        }
        Record::Bullet(b) => b.text.clone(),
        Record::Project(p) => joined(&p.name, p.description.as_deref()),
        Record::StarStory(s) => format!("{} {}", s.action.trim(), s.result.trim()),
        Record::Education(e) => {
            let mut parts: Vec<&str> = Vec::new();
            parts.extend(e.degree.as_deref());
            parts.extend(e.field_of_study.as_deref());
            parts.push(&e.institution_name);
            let mut text = parts.join(", ");
            if let Some(span) = span(e.start_date.as_ref(), e.end_date.as_ref(), e.is_current) {
                text.push_str(&format!(" ({span})"));
            }
            text
        }
        Record::CandidateSkill(_, name) => name.clone(),
        Record::Strength(s) => joined(&s.name, s.description.as_deref()),
    }
}

/// Whether a record shows on resumes: retired bullets are kept in the record but shown nowhere.
pub fn shown(record: &Record) -> bool {
    !matches!(record, Record::Bullet(b) if b.retired)
}

/// What a resume says: its personal details and its visible sections and items with their
/// resolved text. A snapshot stores it as JSON; `resumeDiff` compares two of them.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Document {
    /// The resume's global id.
    pub resume_id: String,
    pub name: String,
    pub template: Option<String>,
    pub personal_info: DocumentPersonalInfo,
    pub sections: Vec<DocumentSection>,
}

/// The personal details a resume shows: its own, else the profile's.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DocumentPersonalInfo {
    pub full_name: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub location: Option<String>,
    pub headline: Option<String>,
    pub linkedin_url: Option<String>,
    pub github_url: Option<String>,
    pub portfolio_url: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DocumentSection {
    /// The section's global id.
    pub id: String,
    #[serde(rename = "type")]
    pub section_type: ResumeSectionType,
    pub title: String,
    /// The section's own text (a SUMMARY's falls back to the profile's summary).
    pub text: Option<String>,
    pub items: Vec<DocumentItem>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DocumentItem {
    /// The item's global id.
    pub id: String,
    pub kind: ResumeItemKind,
    /// The referenced record's global id.
    pub record_id: String,
    /// The override if the item has one, else the record's text.
    pub text: String,
    /// Whether `text` is this resume's override.
    pub overridden: bool,
    pub children: Vec<DocumentItem>,
}

/// Resolves a resume: hidden items, items whose record is gone or not shown, and the children
/// of hidden items are left out.
pub fn document(tree: &Tree) -> Document {
    let resume = &tree.resume;
    let profile = tree.profile.as_ref();
    let pick = |own: Option<String>, theirs: Option<String>| own.or(theirs);
    let personal_info = DocumentPersonalInfo {
        full_name: pick(
            resume.full_name.clone(),
            profile.and_then(|p| p.full_name.clone()),
        ),
        email: pick(
            resume.email.as_ref().map(|e| e.0.clone()),
            profile.and_then(|p| p.email.as_ref().map(|e| e.0.clone())),
        ),
        phone: pick(resume.phone.clone(), profile.and_then(|p| p.phone.clone())),
        location: pick(resume.location.clone(), profile.and_then(|p| p.location.clone())),
        headline: pick(resume.headline.clone(), profile.and_then(|p| p.headline.clone())),
        linkedin_url: pick(
            resume.linkedin_url.as_ref().map(|u| u.0.clone()),
            profile.and_then(|p| p.linkedin_url.as_ref().map(|u| u.0.clone())),
        ),
        github_url: pick(
            resume.github_url.as_ref().map(|u| u.0.clone()),
            profile.and_then(|p| p.github_url.as_ref().map(|u| u.0.clone())),
        ),
        portfolio_url: pick(
            resume.portfolio_url.as_ref().map(|u| u.0.clone()),
            profile.and_then(|p| p.portfolio_url.as_ref().map(|u| u.0.clone())),
        ),
    };
    let resolve = |item: &ItemRow| -> Option<DocumentItem> {
        if item.hidden {
            return None;
        }
        let record = tree.records.get(item.record_id()).filter(|r| shown(r))?;
        Some(DocumentItem {
            id: NodeType::ResumeItem.id(item.id).to_string(),
            kind: item.kind,
            record_id: item.kind.node_type().id(item.record_id()).to_string(),
            text: item.override_text.clone().unwrap_or_else(|| record_text(record)),
            overridden: item.override_text.is_some(),
            children: Vec::new(),
        })
    };
    let sections = tree
        .sections
        .iter()
        .map(|section| {
            let items = tree
                .items
                .iter()
                .filter(|item| item.section_id == section.id && item.parent_item_id.is_none())
                .filter_map(|item| {
                    let mut resolved = resolve(item)?;
                    resolved.children = tree
                        .items
                        .iter()
                        .filter(|child| child.parent_item_id == Some(item.id))
                        .filter_map(resolve)
                        .collect();
                    Some(resolved)
                })
                .collect();
            DocumentSection {
                id: NodeType::ResumeSection.id(section.id).to_string(),
                section_type: section.section_type,
                title: section.title.clone(),
                text: section_text(
                    section.section_type,
                    section.content.as_deref(),
                    profile.and_then(|p| p.summary.as_deref()),
                ),
                items,
            }
        })
        .collect();
    Document {
        resume_id: NodeType::Resume.id(resume.id).to_string(),
        name: resume.name.clone(),
        template: resume.template.clone(),
        personal_info,
        sections,
    }
}

/// A section's text: its own, or for a SUMMARY without one the profile's summary.
pub fn section_text(
    section_type: ResumeSectionType,
    content: Option<&str>,
    profile_summary: Option<&str>,
) -> Option<String> {
    match (content, section_type) {
        (Some(content), _) => Some(content.to_owned()),
        (None, ResumeSectionType::Summary) => profile_summary.map(str::to_owned),
        (None, _) => None,
    }
}

/// The document as plain text: the name and contact lines, then each section's title in
/// capitals, its text, and its items as `- ` lines (children indented two spaces).
pub fn plain_text(document: &Document) -> String {
    let info = &document.personal_info;
    let mut lines: Vec<String> = Vec::new();
    lines.extend(info.full_name.clone());
    lines.extend(info.headline.clone());
    let contact: Vec<&str> = [
        &info.email,
        &info.phone,
        &info.location,
        &info.linkedin_url,
        &info.github_url,
        &info.portfolio_url,
    ]
    .into_iter()
    .filter_map(|value| value.as_deref())
    .collect();
    if !contact.is_empty() {
        lines.push(contact.join(" · "));
    }
    for section in &document.sections {
        lines.push(String::new());
        lines.push(section.title.to_uppercase());
        lines.extend(section.text.clone());
        for item in &section.items {
            lines.push(format!("- {}", item.text));
            lines.extend(item.children.iter().map(|child| format!("  - {}", child.text)));
        }
    }
    let mut text = lines.join("\n");
    text.push('\n');
    text
}

/// One difference between two documents.
#[derive(Clone, Debug, PartialEq)]
pub struct Change {
    pub kind: ResumeChangeKind,
    pub section_type: ResumeSectionType,
    pub section_title: String,
    /// None for a section's own text.
    pub item_kind: Option<ResumeItemKind>,
    /// The record's global id (None for a section's own text).
    pub record_id: Option<String>,
    pub before: Option<String>,
    pub after: Option<String>,
    /// For a move: its position among its siblings in `before` and in `after` (0 first).
    pub before_index: Option<i32>,
    pub after_index: Option<i32>,
}

/// A personal detail two documents show differently.
#[derive(Clone, Debug, PartialEq)]
pub struct PersonalChange {
    /// The field's GraphQL name (`fullName`, `email`, ...).
    pub field: &'static str,
    pub before: Option<String>,
    pub after: Option<String>,
}

/// The personal details that differ, in `ResumePersonalInfo`'s order.
pub fn personal_diff(before: &DocumentPersonalInfo, after: &DocumentPersonalInfo) -> Vec<PersonalChange> {
    let fields = |info: &DocumentPersonalInfo| {
        [
            ("fullName", info.full_name.clone()),
            ("email", info.email.clone()),
            ("phone", info.phone.clone()),
            ("location", info.location.clone()),
            ("headline", info.headline.clone()),
            ("linkedinUrl", info.linkedin_url.clone()),
            ("githubUrl", info.github_url.clone()),
            ("portfolioUrl", info.portfolio_url.clone()),
        ]
    };
    fields(before)
        .into_iter()
        .zip(fields(after))
        .filter(|((_, old), (_, new))| old != new)
        .map(|((field, old), (_, new))| PersonalChange {
            field,
            before: old,
            after: new,
        })
        .collect()
}

/// The positions (in `after`) of the elements that left the order: of the keys both lists
/// have (each once), those off one longest common subsequence of the two orders.
fn moved<K: Eq + std::hash::Hash>(before: &[K], after: &[K]) -> Vec<(usize, usize)> {
    fn index_of<K: Eq + std::hash::Hash>(list: &[K]) -> HashMap<&K, usize> {
        let mut map = HashMap::new();
        for (index, key) in list.iter().enumerate() {
            map.entry(key).or_insert(index);
        }
        map
    }
    let (old, new) = (index_of(before), index_of(after));
    // The common keys in `after`'s order, with their positions in both.
    let mut common: Vec<(usize, usize)> = new
        .iter()
        .filter_map(|(key, &at)| old.get(key).map(|&was| (was, at)))
        .collect();
    common.sort_by_key(|&(_, at)| at);
    // A longest increasing run of the old positions is what stayed in order (O(n²): a
    // resume's lists are short).
    let n = common.len();
    let mut length = vec![1usize; n];
    let mut previous = vec![usize::MAX; n];
    for i in 0..n {
        for j in 0..i {
            if common[j].0 < common[i].0 && length[j] + 1 > length[i] {
                length[i] = length[j] + 1;
                previous[i] = j;
            }
        }
    }
    let mut kept = vec![false; n];
    if let Some(mut at) = (0..n).max_by_key(|&i| (length[i], std::cmp::Reverse(i))) {
        loop {
            kept[at] = true;
            if previous[at] == usize::MAX {
                break;
            }
            at = previous[at];
        }
    }
    common
        .into_iter()
        .zip(kept)
        .filter(|(_, kept)| !kept)
        .map(|(pair, _)| pair)
        .collect()
}

fn index(value: usize) -> Option<i32> {
    i32::try_from(value).ok()
}

/// What moved from `before` to `after`: sections (by type and title), then each common
/// section's items and each common item's children (by the record they show), in `after`'s
/// order.
fn moves(before: &Document, after: &Document) -> Vec<Change> {
    let section_key = |s: &DocumentSection| (s.section_type, s.title.clone());
    let mut out = Vec::new();
    let old_keys: Vec<_> = before.sections.iter().map(section_key).collect();
    let new_keys: Vec<_> = after.sections.iter().map(section_key).collect();
    for (was, at) in moved(&old_keys, &new_keys) {
        let section = &after.sections[at];
        out.push(Change {
            kind: ResumeChangeKind::Moved,
            section_type: section.section_type,
            section_title: section.title.clone(),
            item_kind: None,
            record_id: None,
            before: None,
            after: None,
            before_index: index(was),
            after_index: index(at),
        });
    }
    let item_moves =
        |section: &DocumentSection, old: &[DocumentItem], new: &[DocumentItem], out: &mut Vec<Change>| {
            let old_keys: Vec<&str> = old.iter().map(|i| i.record_id.as_str()).collect();
            let new_keys: Vec<&str> = new.iter().map(|i| i.record_id.as_str()).collect();
            for (was, at) in moved(&old_keys, &new_keys) {
                let item = &new[at];
                out.push(Change {
                    kind: ResumeChangeKind::Moved,
                    section_type: section.section_type,
                    section_title: section.title.clone(),
                    item_kind: Some(item.kind),
                    record_id: Some(item.record_id.clone()),
                    before: Some(old[was].text.clone()),
                    after: Some(item.text.clone()),
                    before_index: index(was),
                    after_index: index(at),
                });
            }
        };
    for section in &after.sections {
        let Some(old) = before
            .sections
            .iter()
            .find(|s| section_key(s) == section_key(section))
        else {
            continue;
        };
        item_moves(section, &old.items, &section.items, &mut out);
        for item in &section.items {
            if let Some(old_item) = old.items.iter().find(|i| i.record_id == item.record_id) {
                item_moves(section, &old_item.children, &item.children, &mut out);
            }
        }
    }
    out
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
enum Key {
    /// A section's own text, by type and title.
    Section(ResumeSectionType, String),
    /// An item, by the record it shows (so a tailored resume compares with its base).
    Item(String),
}

struct Entry {
    section_type: ResumeSectionType,
    section_title: String,
    item_kind: Option<ResumeItemKind>,
    record_id: Option<String>,
    text: String,
}

fn entries(document: &Document) -> Vec<(Key, Entry)> {
    let mut out = Vec::new();
    for section in &document.sections {
        if let Some(text) = &section.text {
            out.push((
                Key::Section(section.section_type, section.title.clone()),
                Entry {
                    section_type: section.section_type,
                    section_title: section.title.clone(),
                    item_kind: None,
                    record_id: None,
                    text: text.clone(),
                },
            ));
        }
        let items = section
            .items
            .iter()
            .flat_map(|item| std::iter::once(item).chain(item.children.iter()));
        for item in items {
            out.push((
                Key::Item(item.record_id.clone()),
                Entry {
                    section_type: section.section_type,
                    section_title: section.title.clone(),
                    item_kind: Some(item.kind),
                    record_id: Some(item.record_id.clone()),
                    text: item.text.clone(),
                },
            ));
        }
    }
    out
}

/// What changed from `before` to `after`, item by item: items are matched by the record they
/// show (a section's own text by the section's type and title). ADDED and CHANGED come in
/// `after`'s order, then REMOVED in `before`'s, then MOVED ([`moves`]).
pub fn diff(before: &Document, after: &Document) -> Vec<Change> {
    let old = entries(before);
    let new = entries(after);
    let mut old_by_key: HashMap<&Key, &Entry> = HashMap::new();
    for (key, entry) in &old {
        old_by_key.entry(key).or_insert(entry);
    }
    let mut new_keys: std::collections::HashSet<&Key> = std::collections::HashSet::new();
    let mut changes = Vec::new();
    for (key, entry) in &new {
        if !new_keys.insert(key) {
            continue;
        }
        let change = |kind, before: Option<&Entry>| Change {
            kind,
            section_type: entry.section_type,
            section_title: entry.section_title.clone(),
            item_kind: entry.item_kind,
            record_id: entry.record_id.clone(),
            before: before.map(|b| b.text.clone()),
            after: Some(entry.text.clone()),
            before_index: None,
            after_index: None,
        };
        match old_by_key.get(key) {
            None => changes.push(change(ResumeChangeKind::Added, None)),
            Some(old) if old.text != entry.text => changes.push(change(ResumeChangeKind::Changed, Some(old))),
            Some(_) => {}
        }
    }
    let mut removed_seen: std::collections::HashSet<&Key> = std::collections::HashSet::new();
    for (key, entry) in &old {
        if new_keys.contains(key) || !removed_seen.insert(key) {
            continue;
        }
        changes.push(Change {
            kind: ResumeChangeKind::Removed,
            section_type: entry.section_type,
            section_title: entry.section_title.clone(),
            item_kind: entry.item_kind,
            record_id: entry.record_id.clone(),
            before: Some(entry.text.clone()),
            after: None,
            before_index: None,
            after_index: None,
        });
    }
    changes.extend(moves(before, after));
    changes
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(record: &str, text: &str) -> DocumentItem {
        DocumentItem {
            id: format!("item-{record}"),
            kind: ResumeItemKind::Bullet,
            record_id: record.to_owned(),
            text: text.to_owned(),
            overridden: false,
            children: Vec::new(),
        }
    }

    fn doc(items: Vec<DocumentItem>) -> Document {
        Document {
            resume_id: "r".into(),
            name: "n".into(),
            template: None,
            personal_info: DocumentPersonalInfo::default(),
            sections: vec![DocumentSection {
                id: "s".into(),
                section_type: ResumeSectionType::Custom,
                title: "Highlights".into(),
                text: None,
                items,
            }],
        }
    }

    #[test]
    fn diff_lists_added_changed_and_removed_items() {
        let before = doc(vec![item("a", "one"), item("b", "two"), item("c", "three")]);
        let after = doc(vec![item("c", "three"), item("b", "TWO"), item("d", "four")]);
        let changes = diff(&before, &after);
        let summary: Vec<(ResumeChangeKind, Option<&str>, Option<&str>)> = changes
            .iter()
            .map(|c| (c.kind, c.before.as_deref(), c.after.as_deref()))
            .collect();
        assert_eq!(
            summary,
            vec![
                (ResumeChangeKind::Changed, Some("two"), Some("TWO")),
                (ResumeChangeKind::Added, None, Some("four")),
                (ResumeChangeKind::Removed, Some("one"), None),
                (ResumeChangeKind::Moved, Some("two"), Some("TWO")),
            ]
        );
        assert!(diff(&after, &after).is_empty());
    }

    #[test]
    fn diff_lists_what_left_the_order() {
        let before = doc(vec![
            item("a", "one"),
            item("b", "two"),
            item("c", "three"),
            item("d", "four"),
        ]);
        let after = doc(vec![
            item("b", "two"),
            item("c", "three"),
            item("a", "one"),
            item("d", "four"),
        ]);
        let changes = diff(&before, &after);
        let summary: Vec<String> = changes
            .iter()
            .map(|c| {
                format!(
                    "{:?} {:?} {:?} {:?}",
                    c.kind, c.record_id, c.before_index, c.after_index
                )
            })
            .collect();
        assert_eq!(summary, ["Moved Some(\"a\") Some(0) Some(2)"]);
        let info = DocumentPersonalInfo {
            full_name: Some("Ann".into()),
            ..DocumentPersonalInfo::default()
        };
        let changed = personal_diff(&DocumentPersonalInfo::default(), &info);
        assert_eq!(
            changed,
            vec![PersonalChange {
                field: "fullName",
                before: None,
                after: Some("Ann".into())
            }]
        );
    }

    #[test]
    fn plain_text_lists_sections_and_items() {
        let mut document = doc(vec![item("a", "Led the team")]);
        document.personal_info.full_name = Some("Ann Lee".into());
        document.sections[0].items[0]
            .children
            .push(item("b", "Cut costs"));
        assert_eq!(
            plain_text(&document),
            "Ann Lee\n\nHIGHLIGHTS\n- Led the team\n  - Cut costs\n"
        );
    }
}
