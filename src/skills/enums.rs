//! Skill enums (docs/domain.md §3).

use crate::text_enum;

text_enum! {
    /// The kind of skill.
    pub enum SkillCategory {
        /// A programming language.
        Language = "language",
        /// An application framework.
        Framework = "framework",
        /// A library used within code.
        Library = "library",
        /// A development or operations tool.
        Tool = "tool",
        /// An operating system or runtime platform.
        Platform = "platform",
        /// A database or data store.
        Database = "database",
        /// A cloud provider or cloud service.
        Cloud = "cloud",
        /// Knowledge of a business domain.
        Domain = "domain",
        /// A soft skill.
        Soft = "soft",
        /// Anything else (names added on the fly get this).
        Other = "other",
    }
}

text_enum! {
    /// How well a skill is mastered.
    pub enum Proficiency {
        /// Has used it with help.
        Beginner = "beginner",
        /// Uses it independently.
        Intermediate = "intermediate",
        /// Uses it in depth and helps others.
        Advanced = "advanced",
        /// Shapes how others use it.
        Expert = "expert",
    }
}

text_enum! {
    /// How central a skill was to an experience.
    pub enum Prominence {
        /// Central to the experience.
        Primary = "primary",
        /// Used regularly, not central.
        Secondary = "secondary",
        /// Used in passing.
        Mentioned = "mentioned",
    }
}

text_enum! {
    /// How a skill link came to be.
    pub enum ExtractionMethod {
        /// Set by the candidate.
        Manual = "manual",
        /// Found in text by extraction.
        Extracted = "extracted",
    }
}
