//! Job matching enums (docs/domain.md §4).

use crate::text_enum;

text_enum! {
    /// How much a posting needs a skill.
    pub enum SkillImportance {
        /// Required: the posting asks for it outright (weight 1.0 in scores).
        MustHave = "must_have",
        /// A plus: listed as preferred or nice to have (weight 0.5 in scores).
        NiceToHave = "nice_to_have",
    }
}

text_enum! {
    /// Where a posting's skill came from.
    pub enum SkillSource {
        /// Found in the posting's text; replaced when the text changes.
        Extracted = "extracted",
        /// Added or changed by the candidate; kept as it is.
        Manual = "manual",
    }
}

text_enum! {
    /// How relevant an experience is to a posting.
    pub enum Relevance {
        /// Closely relevant: a computed score of 0.5 or more.
        High = "high",
        /// Partly relevant: a computed score from 0.25 to below 0.5.
        Medium = "medium",
        /// Slightly relevant: a computed score below 0.25.
        Low = "low",
    }
}

text_enum! {
    /// Who decided a match.
    pub enum MatchSource {
        /// Computed from the skills the posting and the experience share; recomputed on every read.
        Computed = "computed",
        /// Set by the candidate with `setMatch`; no recompute changes it.
        Manual = "manual",
    }
}

text_enum! {
    /// The register a posting is written in (ETPS JobProfile `tone_style`): what a cover letter
    /// should match.
    pub enum ToneStyle {
        /// Regulated or institutional language: "applicants", "shall", "the successful candidate".
        Formal = "formal",
        /// Plain business language; what a posting is when no other register stands out.
        Professional = "professional",
        /// Conversational: "we're", "you'll", "folks".
        Casual = "casual",
        /// Exclamation marks and superlatives: "passionate", "fast-paced", "rockstar".
        Energetic = "energetic",
    }
}

text_enum! {
    /// A part of a job analysis the owner may change by hand; a new analysis keeps such a part.
    pub enum JobAnalysisField {
        /// `seniority`.
        Seniority = "seniority",
        /// `corePriorities`.
        CorePriorities = "core_priorities",
        /// `mustHaveCapabilities`.
        MustHaveCapabilities = "must_have_capabilities",
        /// `niceToHaveCapabilities`.
        NiceToHaveCapabilities = "nice_to_have_capabilities",
        /// `toneStyle`.
        ToneStyle = "tone_style",
        /// `jobTypeTags`.
        JobTypeTags = "job_type_tags",
    }
}
