//! What a file is, from its bytes: the magic numbers of PDF, PNG, JPEG and WebP, a ZIP holding
//! a Word document's parts for DOCX, and valid UTF-8 without control characters for plain
//! text. The name and the client's media type are never asked: a PNG renamed `.pdf`, or a PDF
//! sent as `image/png`, is what its bytes say.

use std::io::Cursor;

use super::enums::FileType;

/// The file's type; None for anything else (and for an empty file).
pub fn detect(bytes: &[u8]) -> Option<FileType> {
    if bytes.starts_with(b"%PDF-") {
        Some(FileType::Pdf)
    } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some(FileType::Png)
    } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some(FileType::Jpeg)
    } else if bytes.len() >= 12 && bytes.starts_with(b"RIFF") && &bytes[8..12] == b"WEBP" {
        Some(FileType::Webp)
    } else if bytes.starts_with(b"PK\x03\x04") {
        is_docx(bytes).then_some(FileType::Docx)
    } else if is_text(bytes) {
        Some(FileType::Text)
    } else {
        None
    }
}

/// A ZIP whose directory lists a Word document's main part (only the directory is read).
fn is_docx(bytes: &[u8]) -> bool {
    zip::ZipArchive::new(Cursor::new(bytes)).is_ok_and(|archive| {
        let names: Vec<&str> = archive.file_names().collect();
        names.contains(&"[Content_Types].xml") && names.contains(&"word/document.xml")
    })
}

/// Not empty, UTF-8 (a byte-order mark allowed), and no control character but tab, line feed,
/// form feed and carriage return.
fn is_text(bytes: &[u8]) -> bool {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    !bytes.is_empty()
        && std::str::from_utf8(bytes).is_ok_and(|text| {
            text.chars()
                .all(|c| !c.is_control() || matches!(c, '\t' | '\n' | '\r' | '\u{c}'))
        })
}
