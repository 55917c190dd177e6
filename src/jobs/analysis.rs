//! Job analysis (ETPS JobProfile; docs/domain.md §4 "Job analysis"): what a posting stresses,
//! worked out from its text and its skills by fixed rules, so that the same posting always
//! gives the same analysis and every part of it can be traced to a line of the posting.
//!
//! - **Capabilities** are the posting's own list items: must-haves from the requirements (the
//!   `requirements` field, or the items under a requirements-like heading of the description),
//!   nice-to-haves from the nice-to-have parts that skill extraction also uses.
//! - **Core priorities** are the three items (responsibilities first, then must-haves) with the
//!   most emphasis words ("lead", "own", "must", "proven", …), kept in the posting's order.
//! - **Tone** counts markers of each register; **job type tags** look for fixed keywords.
//! - **Capability clusters** group the posting's skills by what kind of skill they are.
//!
//! The result is stored with the hash of the text it came from (ETPS
//! `capability_cluster_cache_key`): the same text is not analysed twice, and a read can tell
//! whether the stored analysis still matches the posting.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use uuid::Uuid;

use super::enums::{SkillImportance, ToneStyle};
use super::extract::{PostingText, split_sections};
use crate::skills::enums::SkillCategory;

/// At most this many capabilities of each kind are kept; a posting listing more is still
/// described by its first ones.
const MAX_CAPABILITIES: usize = 12;
/// A capability longer than this is cut at a word boundary (with "…").
const MAX_CAPABILITY_CHARS: usize = 200;
const CORE_PRIORITIES: usize = 3;

/// Everything the text gives.
#[derive(Clone, Debug, PartialEq)]
pub struct Derived {
    pub seniority: Option<String>,
    pub core_priorities: Vec<String>,
    pub must_have_capabilities: Vec<String>,
    pub nice_to_have_capabilities: Vec<String>,
    pub tone_style: ToneStyle,
    pub job_type_tags: Vec<String>,
}

/// A skill of the posting as clustering sees it.
pub struct ClusterInput<'a> {
    pub skill_id: Uuid,
    pub name: &'a str,
    pub category: SkillCategory,
    pub importance: SkillImportance,
}

/// A capability cluster as stored (`job_analyses.capability_clusters`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Cluster {
    pub name: String,
    /// MUST_HAVE when any of its skills is one.
    pub importance: SkillImportance,
    /// Must-haves first, then by name.
    pub skill_ids: Vec<Uuid>,
}

/// The hash of everything the analysis reads: title and texts (SHA-256, hex).
pub fn cache_key(title: &str, text: &PostingText<'_>) -> String {
    let mut digest = Sha256::new();
    for part in [
        Some(title),
        Some(text.description),
        text.responsibilities,
        text.requirements,
        text.nice_to_haves,
    ] {
        // A separator that cannot occur in text (validation refuses control characters), so
        // moving words between fields changes the key.
        digest.update(part.unwrap_or("").as_bytes());
        digest.update([0u8]);
    }
    digest
        .finalize()
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect()
}

/// The analysis of a posting's text.
pub fn derive(title: &str, given_seniority: Option<&str>, text: &PostingText<'_>) -> Derived {
    let (description_must, description_nice) = split_sections(text.description);
    let must_have_capabilities = capped(match text.requirements {
        Some(requirements) => items(&split_sections(requirements).0),
        None => items_under_requirement_headings(&description_must),
    });
    let mut nice = items(&description_nice);
    if let Some(requirements) = text.requirements {
        nice.extend(items(&split_sections(requirements).1));
    }
    if let Some(nice_to_haves) = text.nice_to_haves {
        nice.extend(items(nice_to_haves));
    }
    let responsibilities = match text.responsibilities {
        Some(responsibilities) => items(responsibilities),
        None => items_under_responsibility_headings(&description_must),
    };
    let whole = [
        title,
        text.description,
        text.responsibilities.unwrap_or(""),
        text.requirements.unwrap_or(""),
        text.nice_to_haves.unwrap_or(""),
    ]
    .join("\n");
    Derived {
        seniority: given_seniority
            .map(str::to_owned)
            .or_else(|| seniority_of(title).map(str::to_owned)),
        core_priorities: core_priorities(&responsibilities, &must_have_capabilities),
        must_have_capabilities,
        nice_to_have_capabilities: capped(nice),
        tone_style: tone_of(&whole),
        job_type_tags: tags_of(title, &whole),
    }
}

/// The posting's skills grouped by kind: a cluster per kind that has any, must-have clusters
/// first, then in the fixed order of [`cluster_name`].
pub fn clusters(skills: &[ClusterInput<'_>]) -> Vec<Cluster> {
    let mut by_name: BTreeMap<(usize, &'static str), Vec<&ClusterInput<'_>>> = BTreeMap::new();
    for skill in skills {
        by_name
            .entry(cluster_name(skill.category))
            .or_default()
            .push(skill);
    }
    let mut clusters: Vec<Cluster> = by_name
        .into_iter()
        .map(|((_, name), mut members)| {
            members.sort_by(|a, b| {
                (a.importance != SkillImportance::MustHave)
                    .cmp(&(b.importance != SkillImportance::MustHave))
                    .then_with(|| a.name.to_lowercase().cmp(&b.name.to_lowercase()))
                    .then(a.skill_id.cmp(&b.skill_id))
            });
            let importance = if members.iter().any(|m| m.importance == SkillImportance::MustHave) {
                SkillImportance::MustHave
            } else {
                SkillImportance::NiceToHave
            };
            Cluster {
                name: name.to_owned(),
                importance,
                skill_ids: members.iter().map(|m| m.skill_id).collect(),
            }
        })
        .collect();
    // Stable: within the same importance the kinds keep their fixed order.
    clusters.sort_by_key(|c| c.importance != SkillImportance::MustHave);
    clusters
}

/// The cluster a kind of skill belongs to, with its place in the fixed order.
fn cluster_name(category: SkillCategory) -> (usize, &'static str) {
    match category {
        SkillCategory::Language => (0, "Programming languages"),
        SkillCategory::Framework | SkillCategory::Library => (1, "Frameworks and libraries"),
        SkillCategory::Database => (2, "Data storage"),
        SkillCategory::Cloud | SkillCategory::Platform => (3, "Cloud and platforms"),
        SkillCategory::Tool => (4, "Tooling and delivery"),
        SkillCategory::Domain => (5, "Domain knowledge"),
        SkillCategory::Soft => (6, "Leadership and collaboration"),
        SkillCategory::Other => (7, "Other skills"),
    }
}

/// The list items of a text (lines starting with `-`, `*`, `•` or `1.`), without their markers;
/// a text without any list gives its non-empty lines that are not headings.
fn items(text: &str) -> Vec<String> {
    let listed: Vec<String> = text.lines().filter_map(list_item).collect();
    if !listed.is_empty() {
        return listed;
    }
    text.lines()
        .map(str::trim)
        .filter(|line| !line.is_empty() && !is_heading(line))
        .map(tidy)
        .collect()
}

fn list_item(line: &str) -> Option<String> {
    let line = line.trim();
    let rest = ["- ", "* ", "• ", "– "]
        .iter()
        .find_map(|marker| line.strip_prefix(marker))
        .or_else(|| {
            let digits = line.bytes().take_while(u8::is_ascii_digit).count();
            (digits > 0 && digits <= 2)
                .then(|| {
                    line[digits..]
                        .strip_prefix(". ")
                        .or_else(|| line[digits..].strip_prefix(") "))
                })
                .flatten()
        })?;
    let rest = rest.trim();
    (!rest.is_empty()).then(|| tidy(rest))
}

fn is_heading(line: &str) -> bool {
    line.starts_with('#') || (line.ends_with(':') && line.split_whitespace().count() <= 6)
}

/// Emphasis markup dropped, long items cut at a word.
fn tidy(item: &str) -> String {
    let plain: String = item.replace("**", "").replace("__", "");
    let plain = plain.trim();
    if plain.chars().count() <= MAX_CAPABILITY_CHARS {
        return plain.to_owned();
    }
    let cut: String = plain.chars().take(MAX_CAPABILITY_CHARS).collect();
    let cut = cut.rsplit_once(' ').map_or(cut.as_str(), |(head, _)| head);
    format!("{cut}…")
}

fn capped(mut items: Vec<String>) -> Vec<String> {
    let mut seen = std::collections::HashSet::new();
    items.retain(|item| seen.insert(item.to_lowercase()));
    items.truncate(MAX_CAPABILITIES);
    items
}

const REQUIREMENT_HEADINGS: &[&str] = &[
    "requirement",
    "qualification",
    "must have",
    "must-have",
    "you have",
    "you bring",
    "about you",
    "what we're looking for",
    "what we are looking for",
    "skills",
    "experience",
];

const RESPONSIBILITY_HEADINGS: &[&str] = &[
    "responsibilit",
    "what you'll do",
    "what you will do",
    "the role",
    "your role",
    "duties",
    "you will",
];

fn items_under_requirement_headings(text: &str) -> Vec<String> {
    items_under(text, REQUIREMENT_HEADINGS)
}

fn items_under_responsibility_headings(text: &str) -> Vec<String> {
    items_under(text, RESPONSIBILITY_HEADINGS)
}

/// The list items of the sections whose heading contains one of `headings`.
fn items_under(text: &str, headings: &[&str]) -> Vec<String> {
    let mut inside = false;
    let mut found = Vec::new();
    for line in text.lines() {
        let trimmed = line.trim();
        if is_heading(trimmed) || (trimmed.starts_with("**") && trimmed.ends_with("**")) {
            let lowered = trimmed.to_lowercase();
            inside = headings.iter().any(|h| lowered.contains(h));
            continue;
        }
        if inside {
            found.extend(list_item(trimmed));
        }
    }
    found
}

/// Words that mark what a posting stresses.
const EMPHASIS: &[&str] = &[
    "lead",
    "own",
    "drive",
    "design",
    "architect",
    "build",
    "scale",
    "mentor",
    "must",
    "strong",
    "proven",
    "expert",
    "deep",
    "critical",
    "key",
    "ship",
    "deliver",
];

fn core_priorities(responsibilities: &[String], must_haves: &[String]) -> Vec<String> {
    let candidates: Vec<&String> = responsibilities.iter().chain(must_haves).collect();
    let mut ranked: Vec<(usize, usize)> = candidates
        .iter()
        .enumerate()
        .map(|(index, item)| (emphasis(item), index))
        .collect();
    // Most emphasis first; ties keep the posting's order.
    ranked.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    let mut chosen: Vec<usize> = ranked
        .into_iter()
        .take(CORE_PRIORITIES)
        .map(|(_, index)| index)
        .collect();
    chosen.sort_unstable();
    chosen
        .into_iter()
        .map(|index| candidates[index].clone())
        .collect()
}

fn emphasis(item: &str) -> usize {
    words(item)
        .filter(|word| EMPHASIS.iter().any(|e| word.starts_with(e)))
        .count()
}

fn words(text: &str) -> impl Iterator<Item = String> + '_ {
    text.split(|c: char| !c.is_alphanumeric() && c != '\'' && c != '-')
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
}

/// Seniority words of a title, most senior first (so "Senior Engineering Manager" is a manager).
const SENIORITY: &[(&str, &str)] = &[
    ("chief", "executive"),
    ("cto", "executive"),
    ("vp", "executive"),
    ("head", "director"),
    ("director", "director"),
    ("manager", "manager"),
    ("principal", "principal"),
    ("staff", "staff"),
    ("lead", "lead"),
    ("senior", "senior"),
    ("sr", "senior"),
    ("junior", "junior"),
    ("jr", "junior"),
    ("graduate", "entry"),
    ("intern", "intern"),
    ("internship", "intern"),
];

fn seniority_of(title: &str) -> Option<&'static str> {
    let title_words: Vec<String> = words(title).collect();
    SENIORITY
        .iter()
        .find(|(word, _)| title_words.iter().any(|w| w == word))
        .map(|(_, level)| *level)
}

const FORMAL: &[&str] = &[
    "shall",
    "pursuant",
    "hereby",
    "applicants",
    "the successful candidate",
    "candidates must",
    "in accordance",
    "compliance",
    "regulatory",
    "equal opportunity",
];
const ENERGETIC: &[&str] = &[
    "rockstar",
    "ninja",
    "passionate",
    "fast-paced",
    "exciting",
    "hustle",
    "crush",
    "love to",
    "thrive",
];
const CASUAL: &[&str] = &[
    "you'll", "we're", "awesome", "fun", "folks", "hey", "cool", "chill", "no suits",
];

/// The register the posting is written in: the one with the most markers (exclamation marks
/// count as energetic), PROFESSIONAL when none stands out.
fn tone_of(text: &str) -> ToneStyle {
    let lowered = text.to_lowercase();
    let count = |markers: &[&str]| markers.iter().map(|m| occurrences(&lowered, m)).sum::<usize>();
    let scores = [
        (ToneStyle::Formal, count(FORMAL)),
        (ToneStyle::Energetic, count(ENERGETIC) + text.matches('!').count()),
        (ToneStyle::Casual, count(CASUAL)),
    ];
    let best = scores.iter().max_by_key(|(_, n)| *n).copied();
    match best {
        // Two markers at least: one word alone says little about a whole posting.
        Some((tone, n)) if n >= 2 && scores.iter().filter(|(_, m)| *m == n).count() == 1 => tone,
        _ => ToneStyle::Professional,
    }
}

/// How often `phrase` occurs in `text` as whole words ("fun" not in "funding", "api" not in
/// "capital").
fn occurrences(text: &str, phrase: &str) -> usize {
    let continues = |c: Option<char>| c.is_some_and(char::is_alphanumeric);
    text.match_indices(phrase)
        .filter(|(at, _)| {
            !continues(text[..*at].chars().next_back())
                && !continues(text[at + phrase.len()..].chars().next())
        })
        .count()
}

/// Job type tags and the words that give them (in the title or the text).
const TAGS: &[(&str, &[&str])] = &[
    (
        "backend",
        &[
            "backend",
            "back-end",
            "back end",
            "api",
            "microservices",
            "server-side",
        ],
    ),
    (
        "frontend",
        &[
            "frontend",
            "front-end",
            "front end",
            "react",
            "vue",
            "angular",
            "css",
        ],
    ),
    ("full-stack", &["full-stack", "full stack", "fullstack"]),
    ("mobile", &["mobile", "ios", "android", "react native", "flutter"]),
    (
        "data",
        &[
            "data engineer",
            "data pipeline",
            "etl",
            "analytics",
            "data warehouse",
            "data platform",
        ],
    ),
    (
        "machine-learning",
        &["machine learning", "ml", "deep learning", "llm", "ai", "nlp"],
    ),
    (
        "devops",
        &[
            "devops",
            "sre",
            "site reliability",
            "infrastructure as code",
            "platform engineering",
            "kubernetes",
            "ci/cd",
        ],
    ),
    ("security", &["security", "appsec", "penetration", "threat"]),
    (
        "management",
        &[
            "manager",
            "management",
            "head of",
            "director",
            "people leadership",
        ],
    ),
    ("design", &["designer", "ux", "ui design", "user experience"]),
    ("product", &["product manager", "product owner", "roadmap"]),
    ("quality", &["qa", "quality assurance", "test automation", "sdet"]),
    ("embedded", &["embedded", "firmware", "rtos", "microcontroller"]),
];

fn tags_of(title: &str, text: &str) -> Vec<String> {
    let lowered = format!("{}\n{}", title.to_lowercase(), text.to_lowercase());
    TAGS.iter()
        .filter(|(_, words)| words.iter().any(|word| occurrences(&lowered, word) > 0))
        .map(|(tag, _)| (*tag).to_owned())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text<'a>(
        description: &'a str,
        responsibilities: Option<&'a str>,
        requirements: Option<&'a str>,
        nice: Option<&'a str>,
    ) -> PostingText<'a> {
        PostingText {
            description,
            responsibilities,
            requirements,
            nice_to_haves: nice,
        }
    }

    #[test]
    fn capabilities_are_the_postings_own_items() {
        let description = "We build payments.\n\n## What you'll do\n- Lead the design of our ledger\n- Review code\n\n## Requirements\n- 5+ years of Rust\n- **Strong** PostgreSQL skills\n\n## Nice to have\n- Kafka\n";
        let derived = derive(
            "Senior Backend Engineer",
            None,
            &text(description, None, None, None),
        );
        assert_eq!(
            derived.must_have_capabilities,
            ["5+ years of Rust", "Strong PostgreSQL skills"]
        );
        assert_eq!(derived.nice_to_have_capabilities, ["Kafka"]);
        assert_eq!(derived.seniority.as_deref(), Some("senior"));
        assert_eq!(
            derived.core_priorities,
            [
                "Lead the design of our ledger",
                "Review code",
                "Strong PostgreSQL skills"
            ]
        );
        assert!(
            derived.job_type_tags.contains(&"backend".to_owned()),
            "{:?}",
            derived.job_type_tags
        );
        assert_eq!(derived.tone_style, ToneStyle::Professional);
    }

    #[test]
    fn fields_win_over_the_description() {
        let derived = derive(
            "Engineer",
            Some("staff"),
            &text(
                "About us.",
                Some("1. Own the API\n2. Mentor engineers"),
                Some("- Go\n- gRPC\nPreferred:\n- Terraform"),
                Some("- On-call experience"),
            ),
        );
        assert_eq!(derived.must_have_capabilities, ["Go", "gRPC"]);
        assert_eq!(
            derived.nice_to_have_capabilities,
            ["Terraform", "On-call experience"]
        );
        assert_eq!(derived.seniority.as_deref(), Some("staff"));
        assert_eq!(derived.core_priorities, ["Own the API", "Mentor engineers", "Go"]);
    }

    #[test]
    fn tone_needs_a_clear_register() {
        let energetic = "Join our passionate rockstar team! We move fast!";
        assert_eq!(tone_of(energetic), ToneStyle::Energetic);
        let formal = "Applicants must hold a licence. The successful candidate shall report to the board.";
        assert_eq!(tone_of(formal), ToneStyle::Formal);
        assert_eq!(tone_of("We're a fun bunch of folks."), ToneStyle::Casual);
        assert_eq!(tone_of("We build software."), ToneStyle::Professional);
    }

    #[test]
    fn tags_need_whole_words() {
        assert_eq!(tags_of("Mobile developer", "Flutter apps."), ["mobile"]);
        // "api" inside "capital" is not an API.
        assert!(tags_of("Analyst", "Venture capital firm.").is_empty());
    }

    #[test]
    fn clusters_group_by_kind_must_haves_first() {
        let ids: Vec<Uuid> = (0..4).map(|_| Uuid::now_v7()).collect();
        let skills = [
            ClusterInput {
                skill_id: ids[0],
                name: "Rust",
                category: SkillCategory::Language,
                importance: SkillImportance::NiceToHave,
            },
            ClusterInput {
                skill_id: ids[1],
                name: "PostgreSQL",
                category: SkillCategory::Database,
                importance: SkillImportance::MustHave,
            },
            ClusterInput {
                skill_id: ids[2],
                name: "Go",
                category: SkillCategory::Language,
                importance: SkillImportance::NiceToHave,
            },
            ClusterInput {
                skill_id: ids[3],
                name: "Redis",
                category: SkillCategory::Database,
                importance: SkillImportance::NiceToHave,
            },
        ];
        let got = clusters(&skills);
        assert_eq!(got.len(), 2);
        assert_eq!(got[0].name, "Data storage");
        assert_eq!(got[0].importance, SkillImportance::MustHave);
        assert_eq!(got[0].skill_ids, [ids[1], ids[3]]);
        assert_eq!(got[1].name, "Programming languages");
        assert_eq!(got[1].skill_ids, [ids[2], ids[0]]);
    }

    #[test]
    fn the_key_changes_with_any_field() {
        let a = cache_key("T", &text("x", Some("y"), None, None));
        let b = cache_key("T", &text("xy", None, None, None));
        assert_ne!(a, b);
        assert_eq!(a.len(), 64);
        assert_eq!(a, cache_key("T", &text("x", Some("y"), None, None)));
    }
}
