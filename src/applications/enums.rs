//! Application enums and the status pipeline (docs/domain.md §5).

use crate::text_enum;

text_enum! {
    /// Where an application is in its pipeline.
    pub enum ApplicationStatus {
        /// Started; nothing generated or sent yet.
        Draft = "draft",
        /// A CV (or cover letter) has been generated for it.
        Generated = "generated",
        /// Sent to the employer (sets `appliedAt`).
        Submitted = "submitted",
        /// The employer is screening it.
        Screening = "screening",
        /// Interviews are under way.
        Interviewing = "interviewing",
        /// An offer was made.
        Offer = "offer",
        /// The candidate accepted the offer (final).
        Accepted = "accepted",
        /// The employer declined (final).
        Rejected = "rejected",
        /// The candidate withdrew (final).
        Withdrawn = "withdrawn",
    }
}

impl ApplicationStatus {
    /// The statuses this one may move to: the next step of the pipeline, or REJECTED or
    /// WITHDRAWN from any open status. Nothing leaves ACCEPTED, REJECTED or WITHDRAWN.
    pub fn allowed_moves(self) -> &'static [Self] {
        use ApplicationStatus::*;
        match self {
            Draft => &[Generated, Rejected, Withdrawn],
            Generated => &[Submitted, Rejected, Withdrawn],
            Submitted => &[Screening, Rejected, Withdrawn],
            Screening => &[Interviewing, Rejected, Withdrawn],
            Interviewing => &[Offer, Rejected, Withdrawn],
            Offer => &[Accepted, Rejected, Withdrawn],
            Accepted | Rejected | Withdrawn => &[],
        }
    }
}

text_enum! {
    /// The kind of a generated document.
    pub enum ArtifactKind {
        /// A CV (curriculum vitae).
        Cv = "cv",
        /// A cover letter.
        CoverLetter = "cover_letter",
    }
}

#[cfg(test)]
mod tests {
    use super::ApplicationStatus::{self, *};

    #[test]
    fn closed_statuses_lead_nowhere_and_open_ones_can_always_end() {
        for status in ApplicationStatus::ALL {
            let moves = status.allowed_moves();
            if matches!(status, Accepted | Rejected | Withdrawn) {
                assert!(moves.is_empty());
            } else {
                assert!(
                    moves.contains(&Rejected) && moves.contains(&Withdrawn),
                    "{status:?}"
                );
                assert_eq!(moves.len(), 3);
            }
        }
    }
}
