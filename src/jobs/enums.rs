//! Job matching enums (docs/domain.md §4).

use crate::text_enum;

text_enum! {
    /// How much a posting needs a skill.
    pub enum SkillImportance {
        MustHave = "must_have",
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
        High = "high",
        Medium = "medium",
        Low = "low",
    }
}

text_enum! {
    /// Who decided a match.
    pub enum MatchSource {
        Computed = "computed",
        Manual = "manual",
    }
}
