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

text_enum! {
    /// What a test's proctoring noticed (Assist-Ten ProctoringEvent's event types).
    pub enum ProctoringEventType {
        /// More than one face in front of the camera.
        MultipleFaces = "multiple_faces",
        /// No face in front of the camera.
        NoFace = "no_face",
        /// The taker switched to another tab.
        TabSwitch = "tab_switch",
        /// The test's window lost the focus.
        WindowBlur = "window_blur",
        /// Text was copied or pasted.
        CopyPaste = "copy_paste",
        /// Anything else the client watches for; `metadata` says what.
        Other = "other",
    }
}

text_enum! {
    /// How serious a proctoring event is. HIGH and CRITICAL ones notify the assessment's
    /// creator.
    pub enum ProctoringSeverity {
        /// Worth a glance.
        Low = "low",
        /// Worth reviewing.
        Medium = "medium",
        /// Likely misconduct.
        High = "high",
        /// Misconduct beyond doubt.
        Critical = "critical",
    }
}

impl ProctoringSeverity {
    /// Whether an event of this severity tells the assessment's creator at once.
    pub fn notifies(self) -> bool {
        matches!(self, Self::High | Self::Critical)
    }
}
