//! The pipeline's enums (docs/domain.md §6).

use crate::applications::enums::ApplicationStatus;
use crate::text_enum;

text_enum! {
    /// Where a candidacy is. It moves forward (skipping stages is allowed: not every role
    /// has an assessment), or to REJECTED or WITHDRAWN from any open stage; HIRED, REJECTED
    /// and WITHDRAWN are final.
    pub enum CandidacyStage {
        /// Applied or added; not looked at yet.
        Applied = "applied",
        /// Being screened.
        Screening = "screening",
        /// Taking an assessment.
        Assessment = "assessment",
        /// In interviews.
        Interviewing = "interviewing",
        /// Made an offer.
        Offer = "offer",
        /// Hired (fills one of the requisition's positions).
        Hired = "hired",
        /// Turned down by the organisation.
        Rejected = "rejected",
        /// Withdrawn by the candidate.
        Withdrawn = "withdrawn",
    }
}

impl CandidacyStage {
    const PIPELINE: [Self; 6] = [
        Self::Applied,
        Self::Screening,
        Self::Assessment,
        Self::Interviewing,
        Self::Offer,
        Self::Hired,
    ];

    pub fn is_final(self) -> bool {
        matches!(self, Self::Hired | Self::Rejected | Self::Withdrawn)
    }

    /// Whether a candidacy may move from `self` to `to`.
    pub fn may_become(self, to: Self) -> bool {
        if self.is_final() || self == to {
            return false;
        }
        let place = |stage| Self::PIPELINE.iter().position(|s| *s == stage);
        match (place(self), place(to)) {
            (Some(from), Some(to)) => to > from,
            _ => matches!(to, Self::Rejected | Self::Withdrawn),
        }
    }

    /// The status the candidate's own application shows for this stage: the organisation's
    /// pipeline seen from the candidate's side (ASSESSMENT is still screening to them).
    pub fn application_status(self) -> ApplicationStatus {
        match self {
            Self::Applied => ApplicationStatus::Submitted,
            Self::Screening | Self::Assessment => ApplicationStatus::Screening,
            Self::Interviewing => ApplicationStatus::Interviewing,
            Self::Offer => ApplicationStatus::Offer,
            Self::Hired => ApplicationStatus::Accepted,
            Self::Rejected => ApplicationStatus::Rejected,
            Self::Withdrawn => ApplicationStatus::Withdrawn,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::CandidacyStage::{self, *};

    #[test]
    fn stages_move_forward_or_out_and_never_back() {
        assert!(Applied.may_become(Screening));
        assert!(Applied.may_become(Interviewing));
        assert!(Offer.may_become(Hired));
        assert!(Screening.may_become(Rejected));
        assert!(Interviewing.may_become(Withdrawn));
        assert!(!Interviewing.may_become(Screening));
        assert!(!Applied.may_become(Applied));
        for final_stage in [Hired, Rejected, Withdrawn] {
            assert!(CandidacyStage::ALL.iter().all(|to| !final_stage.may_become(*to)));
        }
    }
}
