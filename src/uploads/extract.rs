//! The text of an uploaded document: a PDF's through `pdf-extract` (over `lopdf`), a Word
//! document's from its `word/document.xml` part (`zip` and `quick-xml`), plain text as it is.
//! Extraction never fails an upload: a file whose text cannot be read keeps no text.

use std::io::{Cursor, Read};

use super::enums::FileType;

/// Most characters of text kept from one document.
const MAX_TEXT_CHARS: usize = 1_000_000;
/// Characters in a document's preview.
const PREVIEW_CHARS: usize = 300;
/// Most bytes read out of a DOCX's document part (a ZIP bomb stops here).
const MAX_DOCX_XML_BYTES: u64 = 64 * 1024 * 1024;

/// The document's text, trimmed; None when it has none or it cannot be read. CPU-bound: call
/// it off the async runtime.
pub fn text_of(file_type: FileType, bytes: &[u8]) -> Option<String> {
    let text = match file_type {
        FileType::Text => {
            let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
            String::from_utf8_lossy(bytes).into_owned()
        }
        FileType::Pdf => pdf_text(bytes)?,
        FileType::Docx => docx_text(bytes)?,
        FileType::Jpeg | FileType::Png | FileType::Webp => return None,
    };
    let text = text.replace("\r\n", "\n").replace('\0', "");
    let text = text.trim();
    if text.is_empty() {
        return None;
    }
    Some(match text.char_indices().nth(MAX_TEXT_CHARS) {
        Some((end, _)) => text[..end].to_owned(),
        None => text.to_owned(),
    })
}

/// The first words of the text, its runs of white space made one space.
pub fn preview(text: &str) -> String {
    let mut preview = String::new();
    for (count, word) in text.split_whitespace().enumerate() {
        if count > 0 {
            preview.push(' ');
        }
        preview.push_str(word);
        if preview.chars().count() >= PREVIEW_CHARS {
            break;
        }
    }
    match preview.char_indices().nth(PREVIEW_CHARS) {
        Some((end, _)) => format!("{}…", &preview[..end]),
        None => preview,
    }
}

/// pdf-extract panics on some malformed files rather than returning an error: a panic is
/// caught and read as "no text".
fn pdf_text(bytes: &[u8]) -> Option<String> {
    std::panic::catch_unwind(|| pdf_extract::extract_text_from_mem(bytes))
        .ok()?
        .inspect_err(|error| tracing::debug!(%error, "no text from a PDF"))
        .ok()
}

/// The paragraphs of `word/document.xml`, one a line; tabs and breaks kept.
fn docx_text(bytes: &[u8]) -> Option<String> {
    use quick_xml::events::Event;

    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).ok()?;
    let mut xml = Vec::new();
    archive
        .by_name("word/document.xml")
        .ok()?
        .take(MAX_DOCX_XML_BYTES)
        .read_to_end(&mut xml)
        .ok()?;
    let mut reader = quick_xml::Reader::from_reader(xml.as_slice());
    let mut text = String::new();
    let mut in_text = false;
    loop {
        match reader.read_event().ok()? {
            Event::Start(element) if element.local_name().as_ref() == b"t" => in_text = true,
            Event::End(element) => match element.local_name().as_ref() {
                b"t" => in_text = false,
                b"p" => text.push('\n'),
                _ => {}
            },
            Event::Empty(element) => match element.local_name().as_ref() {
                b"tab" => text.push('\t'),
                b"br" | b"cr" => text.push('\n'),
                b"p" => text.push('\n'),
                _ => {}
            },
            Event::Text(content) if in_text => text.push_str(&content.decode().ok()?),
            Event::CData(content) if in_text => text.push_str(&content.decode().ok()?),
            Event::GeneralRef(reference) if in_text => {
                if let Ok(Some(c)) = reference.resolve_char_ref() {
                    text.push(c);
                } else {
                    text.push_str(match reference.decode().ok()?.as_ref() {
                        "amp" => "&",
                        "lt" => "<",
                        "gt" => ">",
                        "quot" => "\"",
                        "apos" => "'",
                        _ => "",
                    });
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    Some(text)
}
