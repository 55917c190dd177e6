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

text_enum! {
    /// What an interview assesses.
    pub enum InterviewType {
        /// Technical skills.
        Technical = "technical",
        /// Past behaviour and how the candidate works.
        Behavioral = "behavioral",
        /// Fit with the team's culture.
        Cultural = "cultural",
        /// Several interviewers at once.
        Panel = "panel",
    }
}

text_enum! {
    /// How an interview is held.
    pub enum InterviewMode {
        /// A video call (see `meetingLink`).
        Video = "video",
        /// A phone call.
        Phone = "phone",
        /// On site (see `meetingRoom`).
        InPerson = "in_person",
        /// With an AI interviewer.
        Ai = "ai",
    }
}

text_enum! {
    /// Where an interview stands. Legal moves: SCHEDULED → IN_PROGRESS, NO_SHOW or CANCELLED;
    /// IN_PROGRESS → COMPLETED or CANCELLED; COMPLETED, CANCELLED and NO_SHOW are final.
    /// Cancelling goes through `cancelInterview`, which records why.
    pub enum InterviewStatus {
        /// Booked; its interviewers' time is taken.
        Scheduled = "scheduled",
        /// Under way (`startedAt` is set).
        InProgress = "in_progress",
        /// Held (`endedAt` and `actualDurationMinutes` are set).
        Completed = "completed",
        /// Called off (`cancellationReason` says why); its interviewers' time is free again.
        Cancelled = "cancelled",
        /// The candidate did not come.
        NoShow = "no_show",
    }
}

impl InterviewStatus {
    /// Whether an interview may move from `self` to `to`.
    pub fn may_become(self, to: Self) -> bool {
        use InterviewStatus::*;
        matches!(
            (self, to),
            (Scheduled, InProgress | NoShow | Cancelled) | (InProgress, Completed | Cancelled)
        )
    }
}

text_enum! {
    /// An interviewer's advice on hiring the candidate.
    pub enum HiringRecommendation {
        /// Hire; an outstanding candidate.
        StrongHire = "strong_hire",
        /// Hire.
        Hire = "hire",
        /// Undecided; another round or more evidence needed.
        Maybe = "maybe",
        /// Do not hire.
        NoHire = "no_hire",
    }
}
