//! The assessments' enums (docs/domain.md §7).

use crate::text_enum;

text_enum! {
    /// Where a candidate's assessment application stands.
    pub enum AssessmentApplicationStatus {
        /// Invited and opened, test not yet begun.
        Pending = "pending",
        /// The test session is running.
        InProgress = "in_progress",
        /// The test session ended (completed or timed out) and was scored.
        Completed = "completed",
        /// The hiring team keeps the candidate for the next step.
        Shortlisted = "shortlisted",
        /// The hiring team does not go on with the candidate.
        Rejected = "rejected",
    }
}

text_enum! {
    /// How hard a question is.
    pub enum QuestionDifficulty {
        /// Basic recall.
        Easy = "easy",
        /// Everyday application.
        Medium = "medium",
        /// Deep understanding.
        Hard = "hard",
    }
}
