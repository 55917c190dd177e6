//! Export enums (docs/domain.md §7, exports).

use crate::text_enum;

text_enum! {
    /// The file an export makes.
    pub enum ExportFormat {
        /// A PDF (A4, one column, selectable text), from the same renderer as artifacts.
        Pdf = "pdf",
        /// A Word document (Office Open XML).
        Docx = "docx",
        /// A JSON Resume document (jsonresume.org schema), with careergraph's own fields under
        /// `meta.careergraph`.
        JsonResume = "json_resume",
        /// Markdown: `#` the name, `##` each section, `-` items.
        Markdown = "markdown",
        /// Plain UTF-8 text.
        PlainText = "plain_text",
        /// A zip archive: a data export's (`requestDataExport`), never a resume's.
        Zip = "zip",
    }
}

text_enum! {
    /// What an export job makes.
    pub enum ExportKind {
        /// A file of one resume (`requestExport`).
        Resume = "resume",
        /// Everything the viewer owns, as one archive (`requestDataExport`).
        Data = "data",
    }
}

text_enum! {
    /// Where an export job stands.
    pub enum ExportStatus {
        /// Waiting for a server to take it.
        Queued = "queued",
        /// A server is making the file.
        Running = "running",
        /// The file is ready to download until `expiresAt`.
        Done = "done",
        /// It could not be made; `error` says why.
        Failed = "failed",
    }
}

impl ExportFormat {
    /// The file's media type.
    pub fn content_type(self) -> &'static str {
        match self {
            Self::Pdf => "application/pdf",
            Self::Docx => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            Self::JsonResume => "application/json",
            Self::Markdown => "text/markdown; charset=utf-8",
            Self::PlainText => "text/plain; charset=utf-8",
            Self::Zip => "application/zip",
        }
    }

    /// The file name's extension.
    pub fn extension(self) -> &'static str {
        match self {
            Self::Pdf => "pdf",
            Self::Docx => "docx",
            Self::JsonResume => "json",
            Self::Markdown => "md",
            Self::PlainText => "txt",
            Self::Zip => "zip",
        }
    }
}
