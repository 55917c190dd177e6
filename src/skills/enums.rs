//! Skill enums (docs/domain.md §3).

use crate::text_enum;

text_enum! {
    /// The kind of skill.
    pub enum SkillCategory {
        Language = "language",
        Framework = "framework",
        Library = "library",
        Tool = "tool",
        Platform = "platform",
        Database = "database",
        Cloud = "cloud",
        Domain = "domain",
        Soft = "soft",
        Other = "other",
    }
}

text_enum! {
    /// How well a skill is mastered.
    pub enum Proficiency {
        Beginner = "beginner",
        Intermediate = "intermediate",
        Advanced = "advanced",
        Expert = "expert",
    }
}

text_enum! {
    /// How central a skill was to an experience.
    pub enum Prominence {
        Primary = "primary",
        Secondary = "secondary",
        Mentioned = "mentioned",
    }
}

text_enum! {
    /// How a skill link came to be.
    pub enum ExtractionMethod {
        Manual = "manual",
        Extracted = "extracted",
    }
}
