//! The notifications' enums (docs/domain.md §6; Assist-Ten NotificationType).

use crate::text_enum;

text_enum! {
    /// What part of the product a notification comes from.
    pub enum NotificationType {
        /// The platform itself: invitations to organisations, announcements.
        System = "system",
        /// Assessments and tests: invitations to take one.
        Assessment = "assessment",
        /// Interviews: booked, called off, feedback submitted.
        Interview = "interview",
        /// Applications and candidacies: stage moves, withdrawals.
        Application = "application",
        /// Proctoring of tests: a HIGH or CRITICAL event in a test session.
        Proctoring = "proctoring",
    }
}

text_enum! {
    /// How urgently a notification wants attention.
    pub enum NotificationPriority {
        /// Worth knowing, no action needed.
        Low = "low",
        /// The usual.
        Normal = "normal",
        /// Worth acting on soon: an offer, a cancelled interview.
        High = "high",
        /// Needs action now.
        Urgent = "urgent",
    }
}
