//! The evaluation's enums (docs/domain.md §6).

use crate::text_enum;

text_enum! {
    /// What a note on a candidacy is about.
    pub enum CandidacyNoteType {
        /// Anything worth sharing with the hiring team.
        General = "general",
        /// Something to follow up on.
        FollowUp = "follow_up",
        /// A concern about the candidate.
        RedFlag = "red_flag",
    }
}
