//! Tailoring: which experiences, bullets and skills a resume for a job posting shows, in which
//! order, and why. Deterministic: the same record, posting and day give the same choices.
//!
//! - **Experiences** are those `JobPosting.matches` lists, in its order: manual matches first,
//!   then by the match score (`jobs::score`), highest first, ties by id. Experiences that match
//!   none of the posting's skills are left out.
//! - **Bullets** (retired ones never) under each chosen experience are those that mention one
//!   of the posting's skills (by name or alias, as extraction finds skills in a posting, or as a
//!   tag) or that are rated HIGH importance; ordered by the importance weight of the skills they
//!   mention (must-have 1.0, nice-to-have 0.5), then their own importance (HIGH, MEDIUM, LOW,
//!   unrated), then their place in the experience. An experience none of whose bullets qualifies
//!   keeps its first bullet in that order, so that it is not bare. A bullet marked `leadWith`
//!   (ETPS `ai_first_choice`) is always chosen and goes before the experience's other bullets
//!   (several keep the order above among themselves); its reason says so.
//! - **Skills**: the claimed skills the posting asks for lead (must-haves first, then by
//!   proficiency, then name), then the others (featured first, then by proficiency, then name).
//! - **Private records** (`Visibility::PRIVATE`: an experience, with its bullets, or a bullet)
//!   are never chosen.

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::NaiveDate;
use uuid::Uuid;

use crate::career::enums::{Importance, Visibility};
use crate::career::model::Bullet;
use crate::jobs::enums::SkillImportance;
use crate::jobs::extract::{CatalogSkill, PostingText, extract};
use crate::jobs::score::{self, Wanted};
use crate::jobs::store::{MatchRow, Usage};
use crate::skills::enums::Prominence;
use crate::skills::store::{CandidateSkillRow, SkillRow, normalize};

/// What tailoring reads.
pub struct Inputs {
    /// The posting's skills (removed ones left out).
    pub wanted: Vec<Wanted>,
    /// The catalog rows of the posting's skills (names and aliases).
    pub skills: Vec<SkillRow>,
    /// Every skill use in the candidate's experiences.
    pub usage: Vec<Usage>,
    /// The posting's manual matches.
    pub manual: Vec<MatchRow>,
    /// The candidate's bullets that are not retired.
    pub bullets: Vec<Bullet>,
    /// The candidate's claimed skills with the skills' names.
    pub candidate_skills: Vec<(CandidateSkillRow, String)>,
    pub today: NaiveDate,
}

/// A chosen record and why.
#[derive(Clone, Debug, PartialEq)]
pub struct Choice {
    pub id: Uuid,
    pub reason: String,
}

/// A chosen experience with its chosen bullets.
#[derive(Clone, Debug, PartialEq)]
pub struct ExperienceChoice {
    pub id: Uuid,
    pub reason: String,
    pub bullets: Vec<Choice>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Plan {
    pub experiences: Vec<ExperienceChoice>,
    pub skills: Vec<Choice>,
}

fn importance_label(importance: SkillImportance) -> &'static str {
    match importance {
        SkillImportance::MustHave => "must-have",
        SkillImportance::NiceToHave => "nice-to-have",
    }
}

fn bullet_rank(importance: Option<Importance>) -> u8 {
    match importance {
        Some(Importance::High) => 0,
        Some(Importance::Medium) => 1,
        Some(Importance::Low) => 2,
        None => 3,
    }
}

fn prominence_label(prominence: Prominence) -> &'static str {
    match prominence {
        Prominence::Primary => "primary",
        Prominence::Secondary => "secondary",
        Prominence::Mentioned => "mentioned",
    }
}

/// The choices for a resume tailored to the posting. Records the candidate marked private
/// (experiences, with everything under them, and bullets) are never chosen: a resume shows
/// them only when the candidate adds them by hand.
pub fn plan(inputs: &Inputs) -> Plan {
    let private: HashSet<Uuid> = inputs
        .usage
        .iter()
        .filter(|u| u.visibility == Visibility::Private)
        .map(|u| u.experience_id)
        .collect();
    let shared = Inputs {
        wanted: inputs.wanted.clone(),
        skills: inputs.skills.clone(),
        usage: inputs
            .usage
            .iter()
            .filter(|u| !private.contains(&u.experience_id))
            .cloned()
            .collect(),
        manual: inputs
            .manual
            .iter()
            .filter(|m| !private.contains(&m.experience_id))
            .cloned()
            .collect(),
        bullets: inputs
            .bullets
            .iter()
            .filter(|b| b.visibility != Visibility::Private && !private.contains(&b.experience_id))
            .cloned()
            .collect(),
        candidate_skills: inputs.candidate_skills.clone(),
        today: inputs.today,
    };
    plan_shared(&shared)
}

fn plan_shared(inputs: &Inputs) -> Plan {
    let name_of: HashMap<Uuid, &str> = inputs.skills.iter().map(|s| (s.id, s.name.as_str())).collect();
    let name = |id: &Uuid| name_of.get(id).copied().unwrap_or("a skill").to_owned();
    let importance_of: HashMap<Uuid, SkillImportance> =
        inputs.wanted.iter().map(|w| (w.skill_id, w.importance)).collect();

    // Experiences, as `JobPosting.matches` orders them.
    let mut by_experience: BTreeMap<Uuid, (Option<NaiveDate>, HashMap<Uuid, Prominence>)> = BTreeMap::new();
    for use_ in &inputs.usage {
        by_experience
            .entry(use_.experience_id)
            .or_insert_with(|| (use_.end_date, HashMap::new()))
            .1
            .insert(use_.skill_id, use_.prominence);
    }
    let manual: HashMap<Uuid, &MatchRow> = inputs.manual.iter().map(|m| (m.experience_id, m)).collect();
    let mut scored: Vec<(Uuid, score::ExperienceScore, Option<&MatchRow>)> = by_experience
        .iter()
        .map(|(id, (end, used))| {
            (
                *id,
                score::score_experience(&inputs.wanted, used, *end, inputs.today),
                manual.get(id).copied(),
            )
        })
        .filter(|(_, scored, manual)| scored.score > 0.0 || manual.is_some())
        .collect();
    for (id, row) in &manual {
        if !by_experience.contains_key(id) {
            let empty = score::score_experience(&inputs.wanted, &HashMap::new(), None, inputs.today);
            scored.push((*id, empty, Some(*row)));
        }
    }
    scored.sort_by(|a, b| {
        b.2.is_some()
            .cmp(&a.2.is_some())
            .then(b.1.score.total_cmp(&a.1.score))
            .then(a.0.cmp(&b.0))
    });

    // Which of the posting's skills each bullet mentions.
    let catalog: Vec<CatalogSkill> = inputs
        .skills
        .iter()
        .filter(|s| importance_of.contains_key(&s.id))
        .map(|s| CatalogSkill {
            id: s.id,
            terms: std::iter::once(s.normalized_name.clone())
                .chain(s.aliases.iter().flatten().cloned())
                .collect(),
        })
        .collect();
    let mentions = |bullet: &Bullet| -> Vec<Uuid> {
        let text = PostingText {
            description: &bullet.text,
            responsibilities: None,
            requirements: None,
            nice_to_haves: None,
        };
        let mut found: HashSet<Uuid> = extract(&catalog, &text).into_keys().collect();
        for tag in bullet.tags.iter().flatten() {
            let tag = normalize(tag);
            for skill in &catalog {
                if skill.terms.contains(&tag) {
                    found.insert(skill.id);
                }
            }
        }
        let mut found: Vec<Uuid> = found.into_iter().collect();
        found.sort_by(|a, b| {
            let weight = |id: &Uuid| {
                importance_of
                    .get(id)
                    .map_or(0.0, |i| score::importance_weight(*i))
            };
            weight(b)
                .total_cmp(&weight(a))
                .then(name(a).to_lowercase().cmp(&name(b).to_lowercase()))
                .then(a.cmp(b))
        });
        found
    };

    let experiences = scored
        .into_iter()
        .map(|(experience_id, scored, manual)| {
            let reason = match manual {
                Some(manual) => format!(
                    "Matched by hand with {} relevance{}; score {:.2}.",
                    manual.relevance.as_str().to_uppercase(),
                    manual
                        .relevance_notes
                        .as_deref()
                        .map(|notes| format!(" ({notes})"))
                        .unwrap_or_default(),
                    // A sum of nothing is -0.0, which would print as "-0.00".
                    scored.score.abs()
                ),
                None => format!(
                    "Uses {} of the posting's {} skills ({}); match score {:.2}, relevance {}.",
                    scored.contributions.len(),
                    inputs.wanted.len(),
                    scored
                        .contributions
                        .iter()
                        .map(|c| format!(
                            "{} {}, {}",
                            name(&c.skill_id),
                            importance_label(c.importance),
                            prominence_label(c.prominence)
                        ))
                        .collect::<Vec<_>>()
                        .join("; "),
                    scored.score.abs(),
                    score::relevance(scored.score).as_str().to_uppercase(),
                ),
            };
            let mut candidates: Vec<(&Bullet, Vec<Uuid>, f64)> = inputs
                .bullets
                .iter()
                .filter(|b| b.experience_id == experience_id && !b.retired)
                .map(|b| {
                    let found = mentions(b);
                    let weight = found
                        .iter()
                        .map(|id| importance_of.get(id).map_or(0.0, |i| score::importance_weight(*i)))
                        .sum::<f64>();
                    (b, found, weight)
                })
                .collect();
            candidates.sort_by(|a, b| {
                b.0.lead_with
                    .cmp(&a.0.lead_with)
                    .then(b.2.total_cmp(&a.2))
                    .then(bullet_rank(a.0.importance).cmp(&bullet_rank(b.0.importance)))
                    .then(a.0.sort_order.cmp(&b.0.sort_order))
                    .then(a.0.id.cmp(&b.0.id))
            });
            let mut bullets: Vec<Choice> = candidates
                .iter()
                .filter(|(b, found, _)| {
                    b.lead_with || !found.is_empty() || b.importance == Some(Importance::High)
                })
                .map(|(b, found, weight)| {
                    let reason = if found.is_empty() && b.lead_with {
                        "Marked lead-with: chosen and put first among the experience's bullets, though it mentions none of the posting's skills.".to_owned()
                    } else if found.is_empty() {
                        "Mentions none of the posting's skills; kept because it is rated HIGH importance.".to_owned()
                    } else {
                        let listed = found
                            .iter()
                            .map(|id| {
                                let label = importance_of.get(id).map_or("", |i| importance_label(*i));
                                format!("{} ({label})", name(id))
                            })
                            .collect::<Vec<_>>()
                            .join(", ");
                        let high = if b.importance == Some(Importance::High) {
                            " Rated HIGH importance."
                        } else {
                            ""
                        };
                        let lead = if b.lead_with {
                            "Marked lead-with: chosen and put first among the experience's bullets. "
                        } else {
                            ""
                        };
                        format!("{lead}Mentions {listed}: weight {weight:.1}.{high}")
                    };
                    Choice { id: b.id, reason }
                })
                .collect();
            if bullets.is_empty()
                && let Some((first, _, _)) = candidates.first()
            {
                bullets.push(Choice {
                    id: first.id,
                    reason: "Mentions none of the posting's skills; kept as the experience's first bullet so that the role is not bare.".to_owned(),
                });
            }
            ExperienceChoice {
                id: experience_id,
                reason,
                bullets,
            }
        })
        .collect();

    // Skills: the posting's first.
    let mut matched: Vec<&(CandidateSkillRow, String)> = Vec::new();
    let mut others: Vec<&(CandidateSkillRow, String)> = Vec::new();
    for claim in &inputs.candidate_skills {
        if importance_of.contains_key(&claim.0.skill_id) {
            matched.push(claim);
        } else {
            others.push(claim);
        }
    }
    let proficiency = |claim: &(CandidateSkillRow, String)| score::proficiency_weight(claim.0.proficiency);
    matched.sort_by(|a, b| {
        let weight = |c: &(CandidateSkillRow, String)| {
            importance_of
                .get(&c.0.skill_id)
                .map_or(0.0, |i| score::importance_weight(*i))
        };
        weight(b)
            .total_cmp(&weight(a))
            .then(proficiency(b).total_cmp(&proficiency(a)))
            .then(a.1.to_lowercase().cmp(&b.1.to_lowercase()))
            .then(a.0.id.cmp(&b.0.id))
    });
    others.sort_by(|a, b| {
        b.0.is_featured
            .cmp(&a.0.is_featured)
            .then(proficiency(b).total_cmp(&proficiency(a)))
            .then(a.1.to_lowercase().cmp(&b.1.to_lowercase()))
            .then(a.0.id.cmp(&b.0.id))
    });
    let skills = matched
        .into_iter()
        .map(|claim| Choice {
            id: claim.0.id,
            reason: format!(
                "The posting asks for it ({}).",
                importance_of
                    .get(&claim.0.skill_id)
                    .map_or("", |i| importance_label(*i))
            ),
        })
        .chain(others.into_iter().map(|claim| Choice {
            id: claim.0.id,
            reason: "Not asked for by the posting; listed after the skills it asks for.".to_owned(),
        }))
        .collect();

    Plan { experiences, skills }
}
