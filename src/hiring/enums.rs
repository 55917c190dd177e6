//! The hiring side's enums (docs/domain.md §6).

use crate::text_enum;

text_enum! {
    /// What a member may do in an organisation.
    pub enum MemberRole {
        /// Everything: members, invitations, requisitions, candidates, interviews, feedback.
        Admin = "admin",
        /// Requisitions, candidates, candidacies, notes, interviews and feedback.
        Recruiter = "recruiter",
        /// Only the interviews they are on, the candidate's shared record for those, and
        /// feedback (others' only once their own is submitted).
        Interviewer = "interviewer",
    }
}

text_enum! {
    /// Where a requisition stands. Legal moves: DRAFT → OPEN or CANCELLED; OPEN → PAUSED,
    /// CLOSED, FILLED or CANCELLED; PAUSED → OPEN, CLOSED or CANCELLED; CLOSED → OPEN
    /// (reopened); FILLED and CANCELLED are final.
    pub enum RequisitionStatus {
        /// Being written; not on the job board.
        Draft = "draft",
        /// Taking applications (on the job board once published).
        Open = "open",
        /// Not taking applications for now.
        Paused = "paused",
        /// No longer taking applications.
        Closed = "closed",
        /// Every position is filled.
        Filled = "filled",
        /// Will not be filled.
        Cancelled = "cancelled",
    }
}

impl RequisitionStatus {
    /// Whether a requisition may move from `self` to `to`.
    pub fn may_become(self, to: Self) -> bool {
        use RequisitionStatus::*;
        matches!(
            (self, to),
            (Draft, Open | Cancelled)
                | (Open, Paused | Closed | Filled | Cancelled)
                | (Paused, Open | Closed | Cancelled)
                | (Closed, Open)
        )
    }
}

text_enum! {
    /// How well a requisition needs a skill known.
    pub enum SkillLevel {
        /// Working knowledge, learning on the job.
        Beginner = "beginner",
        /// Independent, everyday use.
        Intermediate = "intermediate",
        /// Deep knowledge; teaches others.
        Expert = "expert",
    }
}
