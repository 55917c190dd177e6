//! A resume as each export format: Markdown, plain text, DOCX, PDF (all from the resolved
//! document, so overrides and hidden items show as on the resume) and JSON Resume (from the
//! records themselves, see `json_resume`).

use docx_rs::{Docx, Paragraph, Run};

use crate::applications::enums::ArtifactKind;
use crate::applications::pdf::{PdfContent, render};
use crate::graphql::errors::{AppError, AppResult};
use crate::resumes::{Document, DocumentPersonalInfo};

fn contact_line(info: &DocumentPersonalInfo) -> Option<String> {
    let contact: Vec<&str> = [
        &info.email,
        &info.phone,
        &info.location,
        &info.linkedin_url,
        &info.github_url,
        &info.portfolio_url,
    ]
    .into_iter()
    .filter_map(|value| value.as_deref())
    .collect();
    (!contact.is_empty()).then(|| contact.join(" · "))
}

/// Text as Markdown shows it literally: the characters that would start emphasis, links or
/// code are escaped, and so is a leading `#`.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for (index, c) in text.chars().enumerate() {
        if matches!(c, '\\' | '*' | '_' | '[' | ']' | '`' | '<') || (index == 0 && c == '#') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// The document as Markdown: `# name` (left out with `with_name` false, for the PDF, whose
/// title block shows it), the headline and contact line, then `## section`, its text, and its
/// items as `-` list items (children nested).
pub fn markdown(document: &Document, with_name: bool) -> String {
    let info = &document.personal_info;
    let mut blocks: Vec<String> = Vec::new();
    if with_name {
        blocks.push(format!(
            "# {}",
            escape(info.full_name.as_deref().unwrap_or(&document.name))
        ));
    }
    let header: Vec<String> = info
        .headline
        .iter()
        .cloned()
        .chain(contact_line(info))
        .map(|line| escape(&line))
        .collect();
    if !header.is_empty() {
        blocks.push(header.join("\n"));
    }
    for section in &document.sections {
        blocks.push(format!("## {}", escape(&section.title)));
        if let Some(text) = &section.text {
            blocks.push(escape(text));
        }
        if !section.items.is_empty() {
            let mut lines = Vec::new();
            for item in &section.items {
                lines.push(format!("- {}", escape(&item.text)));
                lines.extend(
                    item.children
                        .iter()
                        .map(|child| format!("  - {}", escape(&child.text))),
                );
            }
            blocks.push(lines.join("\n"));
        }
    }
    let mut text = blocks.join("\n\n");
    text.push('\n');
    text
}

/// The document as plain text (the same as a snapshot's `plainText`).
pub fn plain_text(document: &Document) -> String {
    crate::resumes::plain_text(document)
}

/// Half-points, as Word counts font sizes.
const NAME_SIZE: usize = 36;
const HEADING_SIZE: usize = 26;
const BODY_SIZE: usize = 22;
/// Twentieths of a point, as Word counts indents.
const ITEM_INDENT: i32 = 360;

fn line(text: &str, size: usize) -> Paragraph {
    Paragraph::new().add_run(Run::new().add_text(text).size(size))
}

/// The document as a Word file: one column of plain paragraphs (no tables, text boxes or
/// columns, which applicant tracking systems misread), bold headings, items as `•` lines.
pub fn docx(document: &Document) -> AppResult<Vec<u8>> {
    let info = &document.personal_info;
    let mut docx = Docx::new().add_paragraph(
        Paragraph::new().add_run(
            Run::new()
                .add_text(info.full_name.as_deref().unwrap_or(&document.name))
                .size(NAME_SIZE)
                .bold(),
        ),
    );
    for header in info.headline.iter().cloned().chain(contact_line(info)) {
        docx = docx.add_paragraph(line(&header, BODY_SIZE));
    }
    for section in &document.sections {
        docx = docx.add_paragraph(
            Paragraph::new().add_run(Run::new().add_text(&section.title).size(HEADING_SIZE).bold()),
        );
        if let Some(text) = &section.text {
            for paragraph in text.lines() {
                docx = docx.add_paragraph(line(paragraph, BODY_SIZE));
            }
        }
        for item in &section.items {
            docx = docx.add_paragraph(line(&format!("• {}", item.text), BODY_SIZE).indent(
                Some(ITEM_INDENT),
                None,
                None,
                None,
            ));
            for child in &item.children {
                docx = docx.add_paragraph(line(&format!("– {}", child.text), BODY_SIZE).indent(
                    Some(2 * ITEM_INDENT),
                    None,
                    None,
                    None,
                ));
            }
        }
    }
    let mut out = std::io::Cursor::new(Vec::new());
    docx.pack(&mut out).map_err(AppError::internal)?;
    Ok(out.into_inner())
}

/// The document as a PDF, through the artifacts' renderer: its title block names the
/// candidate and `role at company` (the posting a tailored resume is for).
pub fn pdf(document: &Document, role: &str, company: &str) -> AppResult<Vec<u8>> {
    let content = markdown(document, false);
    render(&PdfContent {
        candidate: document.personal_info.full_name.as_deref(),
        role,
        company,
        kind: ArtifactKind::Cv,
        version: 1,
        content: &content,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_escapes_what_would_format() {
        assert_eq!(escape("#1 *fast* [x]"), "\\#1 \\*fast\\* \\[x\\]");
    }
}
