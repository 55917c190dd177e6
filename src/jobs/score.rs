//! The matching formula: deterministic, explainable, and the same in README and the schema.
//!
//! For a posting whose skills have weights w (must-have 1.0, nice-to-have 0.5) and an
//! experience that uses some of them with prominence p (primary 1.0, secondary 0.6,
//! mentioned 0.3), finished r years ago (recency f = 1 − 0.1·r, at least 0.5; current: 1):
//!
//! ```text
//! score = f · Σ_matched (w · p) / Σ_all w          (0 to 1)
//! ```
//!
//! Each matched skill contributes `f · w · p / Σ_all w`. Relevance: HIGH from 0.5, MEDIUM from
//! 0.25, LOW below. Adding a skill to an experience never lowers its score; a must-have counts
//! twice what a nice-to-have does.

use std::collections::HashMap;

use chrono::NaiveDate;
use uuid::Uuid;

use super::enums::{Relevance, SkillImportance};
use crate::skills::enums::{Proficiency, Prominence};

pub fn importance_weight(importance: SkillImportance) -> f64 {
    match importance {
        SkillImportance::MustHave => 1.0,
        SkillImportance::NiceToHave => 0.5,
    }
}

pub fn prominence_weight(prominence: Prominence) -> f64 {
    match prominence {
        Prominence::Primary => 1.0,
        Prominence::Secondary => 0.6,
        Prominence::Mentioned => 0.3,
    }
}

pub fn proficiency_weight(proficiency: Proficiency) -> f64 {
    match proficiency {
        Proficiency::Expert => 1.0,
        Proficiency::Advanced => 0.8,
        Proficiency::Intermediate => 0.6,
        Proficiency::Beginner => 0.3,
    }
}

/// 1 for a current experience, less 0.1 per year since it ended, never below 0.5.
pub fn recency(end: Option<NaiveDate>, today: NaiveDate) -> f64 {
    match end {
        None => 1.0,
        Some(end) => {
            let years = (today - end).num_days().max(0) as f64 / 365.25;
            (1.0 - 0.1 * years).max(0.5)
        }
    }
}

pub fn relevance(score: f64) -> Relevance {
    if score >= 0.5 {
        Relevance::High
    } else if score >= 0.25 {
        Relevance::Medium
    } else {
        Relevance::Low
    }
}

/// A skill the posting asks for.
#[derive(Clone, Copy, Debug)]
pub struct Wanted {
    pub skill_id: Uuid,
    pub importance: SkillImportance,
}

/// What one matched skill adds to a score.
#[derive(Clone, Debug, PartialEq)]
pub struct Contribution {
    pub skill_id: Uuid,
    pub importance: SkillImportance,
    pub prominence: Prominence,
    pub weight: f64,
}

#[derive(Clone, Debug, PartialEq)]
pub struct ExperienceScore {
    pub score: f64,
    pub recency: f64,
    pub contributions: Vec<Contribution>,
}

/// Scores one experience, given the skills it uses (skill → prominence).
pub fn score_experience(
    wanted: &[Wanted],
    used: &HashMap<Uuid, Prominence>,
    end: Option<NaiveDate>,
    today: NaiveDate,
) -> ExperienceScore {
    let total: f64 = wanted.iter().map(|w| importance_weight(w.importance)).sum();
    let recency = recency(end, today);
    if total == 0.0 {
        return ExperienceScore {
            score: 0.0,
            recency,
            contributions: Vec::new(),
        };
    }
    let mut contributions: Vec<Contribution> = wanted
        .iter()
        .filter_map(|w| {
            used.get(&w.skill_id).map(|prominence| Contribution {
                skill_id: w.skill_id,
                importance: w.importance,
                prominence: *prominence,
                weight: recency * importance_weight(w.importance) * prominence_weight(*prominence) / total,
            })
        })
        .collect();
    // Largest contribution first; ties by skill id so the order never varies.
    contributions.sort_by(|a, b| b.weight.total_cmp(&a.weight).then(a.skill_id.cmp(&b.skill_id)));
    let score = contributions
        .iter()
        .map(|c| c.weight)
        .sum::<f64>()
        .clamp(0.0, 1.0);
    ExperienceScore {
        score,
        recency,
        contributions,
    }
}

/// The overall fit (0–100): Σ w · strength over the matched skills / Σ w over all, where a
/// skill's strength is its best evidence (see `SkillGap`).
pub fn fit_score(wanted: &[Wanted], strength: &HashMap<Uuid, f64>) -> i32 {
    let total: f64 = wanted.iter().map(|w| importance_weight(w.importance)).sum();
    if total == 0.0 {
        return 0;
    }
    let matched: f64 = wanted
        .iter()
        .map(|w| importance_weight(w.importance) * strength.get(&w.skill_id).copied().unwrap_or(0.0))
        .sum();
    (100.0 * matched / total).round().clamp(0.0, 100.0) as i32
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap_or_default()
    }

    #[test]
    fn scores_are_monotone_weighted_bounded_and_deterministic() {
        let (a, b, c) = (Uuid::from_u128(1), Uuid::from_u128(2), Uuid::from_u128(3));
        let wanted = [
            Wanted {
                skill_id: a,
                importance: SkillImportance::MustHave,
            },
            Wanted {
                skill_id: b,
                importance: SkillImportance::NiceToHave,
            },
            Wanted {
                skill_id: c,
                importance: SkillImportance::MustHave,
            },
        ];
        let today = day("2026-01-01");
        let mut used = HashMap::from([(b, Prominence::Primary)]);
        let before = score_experience(&wanted, &used, None, today);
        used.insert(a, Prominence::Mentioned);
        let after = score_experience(&wanted, &used, None, today);
        assert!(after.score >= before.score);
        // A must-have counts more than a nice-to-have at the same prominence.
        let must_only = score_experience(&wanted, &HashMap::from([(a, Prominence::Primary)]), None, today);
        let nice_only = score_experience(&wanted, &HashMap::from([(b, Prominence::Primary)]), None, today);
        assert!(must_only.score > nice_only.score);
        // Everything matched, primary, current: exactly 1.
        let all = HashMap::from([
            (a, Prominence::Primary),
            (b, Prominence::Primary),
            (c, Prominence::Primary),
        ]);
        assert_eq!(score_experience(&wanted, &all, None, today).score, 1.0);
        // Older experiences count less, but never below half.
        let old = score_experience(&wanted, &all, Some(day("1990-01-01")), today);
        assert_eq!(old.recency, 0.5);
        assert_eq!(
            score_experience(&wanted, &all, Some(day("1990-01-01")), today),
            old
        );
        let total: f64 = old.contributions.iter().map(|c| c.weight).sum();
        assert!((total - old.score).abs() < 1e-12);
        assert_eq!(fit_score(&wanted, &HashMap::from([(a, 1.0), (c, 1.0)])), 80);
        assert_eq!(fit_score(&[], &HashMap::new()), 0);
    }
}
