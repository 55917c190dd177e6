//! The approved outputs' enums (ETPS ApprovedOutput.output_type).

use crate::text_enum;

text_enum! {
    /// What kind of text an approved output is.
    pub enum OutputType {
        /// One resume bullet.
        ResumeBullet = "resume_bullet",
        /// One paragraph of a cover letter.
        CoverLetterParagraph = "cover_letter_paragraph",
        /// A professional summary.
        ProfessionalSummary = "professional_summary",
        /// A whole resume.
        FullResume = "full_resume",
        /// A whole cover letter.
        FullCoverLetter = "full_cover_letter",
    }
}
