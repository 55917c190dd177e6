//! Upload enums (docs/domain.md, uploads).

use crate::text_enum;

text_enum! {
    /// What an uploaded file is for.
    pub enum DocumentCategory {
        /// A curriculum vitae or resume: its text is searched for skills to suggest.
        Cv = "cv",
        /// A job description: `createJobPostingFromDocument` makes a posting of it.
        JobDescription = "job_description",
        /// Work samples.
        Portfolio = "portfolio",
        /// A profile photo (only through `uploadProfilePhoto`).
        Photo = "photo",
        /// Anything else.
        Other = "other",
    }
}

text_enum! {
    /// The kind of file, decided from its first bytes (magic numbers), never from its name or
    /// the media type the client declared.
    pub enum FileType {
        /// A PDF document.
        Pdf = "pdf",
        /// A Word document (Office Open XML).
        Docx = "docx",
        /// Plain UTF-8 text.
        Text = "text",
        /// A JPEG image.
        Jpeg = "jpeg",
        /// A PNG image.
        Png = "png",
        /// A WebP image.
        Webp = "webp",
    }
}

impl FileType {
    /// The media type the file is served with.
    pub fn mime_type(self) -> &'static str {
        match self {
            Self::Pdf => "application/pdf",
            Self::Docx => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            Self::Text => "text/plain; charset=utf-8",
            Self::Jpeg => "image/jpeg",
            Self::Png => "image/png",
            Self::Webp => "image/webp",
        }
    }

    /// Whether it is an image (a photo may be one of these only).
    pub fn is_image(self) -> bool {
        matches!(self, Self::Jpeg | Self::Png | Self::Webp)
    }
}
