//! Resume enums (docs/domain.md §7).

use crate::text_enum;

text_enum! {
    /// What a resume section holds.
    pub enum ResumeSectionType {
        /// A short introduction: the section's own text, or the profile's summary.
        Summary = "summary",
        /// Roles held, each with the bullets, projects and STAR stories chosen for it.
        Experience = "experience",
        /// Degrees and courses.
        Education = "education",
        /// Projects.
        Project = "project",
        /// Claimed skills.
        Skill = "skill",
        /// Strengths that are not hard skills.
        Strength = "strength",
        /// Anything else: free text and items of any kind.
        Custom = "custom",
    }
}

text_enum! {
    /// Which kind of record a resume item references.
    pub enum ResumeItemKind {
        /// An experience (a role held).
        Experience = "experience",
        /// A bullet of an experience.
        Bullet = "bullet",
        /// A project.
        Project = "project",
        /// A STAR story.
        StarStory = "star_story",
        /// An education entry.
        Education = "education",
        /// A skill the candidate claims.
        CandidateSkill = "candidate_skill",
        /// A strength.
        Strength = "strength",
    }
}

impl ResumeSectionType {
    /// Whether an item of `kind` may stand at the top level of a section of this type. Under
    /// an experience item go bullets, projects and STAR stories (see [`ResumeItemKind::under_experience`]).
    pub fn takes(self, kind: ResumeItemKind) -> bool {
        use ResumeItemKind as K;
        match self {
            Self::Summary => false,
            Self::Experience => kind == K::Experience,
            Self::Education => kind == K::Education,
            Self::Project => kind == K::Project,
            Self::Skill => kind == K::CandidateSkill,
            Self::Strength => kind == K::Strength,
            Self::Custom => true,
        }
    }

    /// The GraphQL spelling, for messages.
    pub fn screaming(self) -> &'static str {
        match self {
            Self::Summary => "SUMMARY",
            Self::Experience => "EXPERIENCE",
            Self::Education => "EDUCATION",
            Self::Project => "PROJECT",
            Self::Skill => "SKILL",
            Self::Strength => "STRENGTH",
            Self::Custom => "CUSTOM",
        }
    }
}

impl ResumeItemKind {
    /// Whether an item of this kind may hang under an experience item.
    pub fn under_experience(self) -> bool {
        matches!(self, Self::Bullet | Self::Project | Self::StarStory)
    }
}

/// How an item differs between the two resumes `resumeDiff` compares.
#[derive(async_graphql::Enum, Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub enum ResumeChangeKind {
    /// Only the second shows it.
    Added,
    /// Only the first shows it.
    Removed,
    /// Both show it, with different text.
    Changed,
    /// Both show it, at another place among its siblings (the resume's sections, a section's
    /// items, or the items under one item): `beforeIndex` and `afterIndex` say where. Only
    /// what left the order of the others is listed (a longest common order stays put).
    Moved,
}
