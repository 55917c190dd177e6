//! Artifacts rendered to PDF on demand: an A4 document with a title block naming the candidate,
//! the role and the company, then the content wrapped to the page width and paginated, with
//! page numbers. The font (DejaVu Sans, free licence beside it) is embedded, so the output
//! does not depend on the fonts of the machine.

use printpdf::{
    Mm, Op, ParsedFont, PdfDocument, PdfFontHandle, PdfPage, PdfSaveOptions, Point, Pt, TextItem,
};

use super::enums::ArtifactKind;
use crate::graphql::errors::{AppError, AppResult};

static FONT: &[u8] = include_bytes!("fonts/DejaVuSans.ttf");

const PAGE_WIDTH: f32 = 210.0;
const PAGE_HEIGHT: f32 = 297.0;
const MARGIN: f32 = 20.0;
const BODY_SIZE: f32 = 11.0;
const BODY_LEADING: f32 = 15.0;
const POINTS_PER_MM: f32 = 72.0 / 25.4;

/// What the PDF shows.
pub struct PdfContent<'a> {
    pub candidate: &'a str,
    pub role: &'a str,
    pub company: &'a str,
    pub kind: ArtifactKind,
    pub version: i32,
    pub content: &'a str,
}

/// Measures text in the embedded font.
struct Metrics<'a> {
    face: ttf_parser::Face<'a>,
}

impl Metrics<'_> {
    fn width(&self, text: &str, size: f32) -> f32 {
        let units: f32 = text
            .chars()
            .map(|c| {
                self.face
                    .glyph_index(c)
                    .and_then(|glyph| self.face.glyph_hor_advance(glyph))
                    .map_or(f32::from(self.face.units_per_em()) / 2.0, f32::from)
            })
            .sum();
        units * size / f32::from(self.face.units_per_em())
    }

    /// Greedy word wrap to `max` points; a word longer than a line is cut.
    fn wrap(&self, text: &str, size: f32, max: f32) -> Vec<String> {
        let mut lines = Vec::new();
        for paragraph in text.lines() {
            let mut line = String::new();
            for word in paragraph.split_whitespace() {
                let candidate = if line.is_empty() {
                    word.to_owned()
                } else {
                    format!("{line} {word}")
                };
                if self.width(&candidate, size) <= max {
                    line = candidate;
                    continue;
                }
                if !line.is_empty() {
                    lines.push(std::mem::take(&mut line));
                }
                let mut rest = word;
                while self.width(rest, size) > max {
                    let cut = (1..=rest.len())
                        .filter(|i| rest.is_char_boundary(*i))
                        .take_while(|i| self.width(&rest[..*i], size) <= max)
                        .last()
                        .unwrap_or(rest.len());
                    lines.push(rest[..cut].to_owned());
                    rest = &rest[cut..];
                }
                line = rest.to_owned();
            }
            lines.push(line);
        }
        lines
    }
}

fn text_at(font: &PdfFontHandle, size: f32, x_mm: f32, y_mm: f32, text: &str) -> Vec<Op> {
    vec![
        Op::StartTextSection,
        Op::SetFont {
            font: font.clone(),
            size: Pt(size),
        },
        Op::SetTextCursor {
            pos: Point::new(Mm(x_mm), Mm(y_mm)),
        },
        Op::ShowText {
            items: vec![TextItem::Text(text.to_owned())],
        },
        Op::EndTextSection,
    ]
}

pub fn render(input: &PdfContent<'_>) -> AppResult<Vec<u8>> {
    let face =
        ttf_parser::Face::parse(FONT, 0).map_err(|error| AppError::internal(anyhow::anyhow!("{error}")))?;
    let metrics = Metrics { face };
    let parsed = ParsedFont::from_bytes(FONT, 0, &mut Vec::new())
        .ok_or_else(|| AppError::internal(anyhow::anyhow!("the embedded font does not parse")))?;
    let kind = match input.kind {
        ArtifactKind::Cv => "CV",
        ArtifactKind::CoverLetter => "Cover letter",
    };
    let title = format!("{kind} for {}", input.candidate);
    let mut document = PdfDocument::new(&title);
    let font = PdfFontHandle::External(document.add_font(&parsed));

    let text_width = (PAGE_WIDTH - 2.0 * MARGIN) * POINTS_PER_MM;
    let lines = metrics.wrap(input.content, BODY_SIZE, text_width);
    let leading_mm = BODY_LEADING / POINTS_PER_MM;
    let title_block_mm = 30.0;
    let body_top = PAGE_HEIGHT - MARGIN;
    let per_page = |first: bool| {
        let height = PAGE_HEIGHT - 2.0 * MARGIN - 10.0 - if first { title_block_mm } else { 0.0 };
        (height / leading_mm).floor().max(1.0) as usize
    };
    let mut chunks: Vec<&[String]> = Vec::new();
    let mut rest = lines.as_slice();
    while !rest.is_empty() || chunks.is_empty() {
        let take = per_page(chunks.is_empty()).min(rest.len());
        chunks.push(&rest[..take]);
        rest = &rest[take..];
    }
    let page_count = chunks.len();
    let pages = chunks
        .into_iter()
        .enumerate()
        .map(|(index, chunk)| {
            let mut ops = Vec::new();
            let mut top = body_top;
            if index == 0 {
                ops.extend(text_at(&font, 18.0, MARGIN, top - 6.0, input.candidate));
                let role = format!("{kind} — {} at {}", input.role, input.company);
                ops.extend(text_at(&font, 12.0, MARGIN, top - 14.0, &role));
                ops.extend(text_at(
                    &font,
                    9.0,
                    MARGIN,
                    top - 20.0,
                    &format!("Version {}", input.version),
                ));
                top -= title_block_mm;
            }
            ops.push(Op::StartTextSection);
            ops.push(Op::SetFont {
                font: font.clone(),
                size: Pt(BODY_SIZE),
            });
            ops.push(Op::SetLineHeight { lh: Pt(BODY_LEADING) });
            ops.push(Op::SetTextCursor {
                pos: Point::new(Mm(MARGIN), Mm(top)),
            });
            for line in chunk {
                ops.push(Op::ShowText {
                    items: vec![TextItem::Text(line.clone())],
                });
                ops.push(Op::AddLineBreak);
            }
            ops.push(Op::EndTextSection);
            let footer = format!("Page {} of {page_count}", index + 1);
            ops.extend(text_at(&font, 9.0, MARGIN, MARGIN / 2.0, &footer));
            PdfPage::new(Mm(PAGE_WIDTH), Mm(PAGE_HEIGHT), ops)
        })
        .collect();
    Ok(document
        .with_pages(pages)
        .save(&PdfSaveOptions::default(), &mut Vec::new()))
}
