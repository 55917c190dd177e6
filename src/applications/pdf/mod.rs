//! Artifacts rendered to PDF on demand: an A4 document with a title block naming the candidate,
//! the role and the company, then the content (a small Markdown subset, see `markdown`) laid out
//! in every script the configured fonts cover, paginated, with page numbers. Fonts are
//! embedded as subsets, so the output does not depend on the reader's fonts.

mod fonts;
mod layout;
mod markdown;
mod writer;

use chrono::Utc;

pub use fonts::use_font_dirs;
use fonts::{FontLibrary, Style};
use markdown::{Block, BlockKind};
use writer::{Element, Metadata, PAGE_HEIGHT, PAGE_WIDTH, Page, Role, StyledGlyph, TextLine};

use super::enums::ArtifactKind;
use crate::graphql::errors::AppResult;

const MM: f32 = 72.0 / 25.4;
const MARGIN: f32 = 20.0 * MM;
const BODY_SIZE: f32 = 11.0;
const BODY_LEADING: f32 = 15.0;
const INDENT: f32 = 14.0;

/// What the PDF shows.
pub struct PdfContent<'a> {
    /// The candidate's name; without one the title block names the document instead.
    pub candidate: Option<&'a str>,
    pub role: &'a str,
    pub company: &'a str,
    pub kind: ArtifactKind,
    pub version: i32,
    pub content: &'a str,
}

/// Characters of `content` that no configured font can draw (shown as U+FFFD in the PDF).
pub fn missing_glyphs(content: &str) -> Vec<char> {
    fonts::library().missing(content)
}

pub fn render(input: &PdfContent<'_>) -> AppResult<Vec<u8>> {
    let fonts = fonts::library();
    let kind = match input.kind {
        ArtifactKind::Cv => "Curriculum vitae",
        ArtifactKind::CoverLetter => "Cover letter",
    };
    let candidate = input.candidate.map(str::trim).filter(|name| !name.is_empty());
    let role = format!("{} at {}", input.role, input.company);
    let title = match candidate {
        Some(name) => format!("{kind} — {name}"),
        None => format!("{kind} — {role}"),
    };

    let mut flow = Flow::new(fonts);
    let top = PAGE_HEIGHT - MARGIN;
    flow.single(candidate.unwrap_or(kind), 18.0, Role::Heading(1), top - 6.0 * MM);
    flow.single(
        &format!("{kind} — {role}"),
        12.0,
        Role::Paragraph,
        top - 14.0 * MM,
    );
    flow.single(
        &format!("Version {}", input.version),
        9.0,
        Role::Paragraph,
        top - 20.0 * MM,
    );
    flow.y = top - 30.0 * MM;
    for (index, block) in markdown::parse(input.content).iter().enumerate() {
        flow.block(block, index == 0);
    }
    let count = flow.pages.len();
    for (index, page) in flow.pages.iter_mut().enumerate() {
        let footer = format!("Page {} of {count}", index + 1);
        let lines = layout::lay_out(fonts, &footer, &[], 9.0, f32::INFINITY);
        page.lines.extend(
            lines
                .into_iter()
                .map(|line| draw(&footer, line, 9.0, MARGIN, MARGIN / 2.0, &[], None)),
        );
    }
    writer::write(
        fonts,
        &flow.pages,
        &flow.elements,
        &Metadata {
            title,
            author: candidate.map(str::to_owned),
            language: language(input.content),
            created: Utc::now(),
        },
    )
}

/// Lines poured down the pages.
struct Flow<'f> {
    fonts: &'f FontLibrary,
    pages: Vec<Page>,
    /// The next baseline.
    y: f32,
    /// The structure tree, in reading order.
    elements: Vec<Element>,
    /// The open lists, outermost first: each list's element and its last item's.
    lists: Vec<(usize, Option<usize>)>,
}

impl<'f> Flow<'f> {
    fn new(fonts: &'f FontLibrary) -> Self {
        Self {
            fonts,
            pages: vec![Page::default()],
            y: PAGE_HEIGHT - MARGIN,
            elements: Vec::new(),
            lists: Vec::new(),
        }
    }

    fn element(&mut self, role: Role, parent: Option<usize>) -> usize {
        self.elements.push(Element { role, parent });
        self.elements.len() - 1
    }

    /// The element a block's lines belong to. A list item is an `LI` holding its marker
    /// (`Lbl`) and its text (`LBody`); a nested list, or a further paragraph of an item, goes
    /// inside the item it follows.
    fn block_element(&mut self, block: &Block) -> (usize, Option<usize>) {
        match &block.kind {
            BlockKind::Heading(level) => {
                self.lists.clear();
                (self.element(Role::Heading(*level), None), None)
            }
            BlockKind::Paragraph => {
                self.lists.truncate(block.depth);
                let parent = self.lists.last().and_then(|(_, item)| *item);
                (self.element(Role::Paragraph, parent), None)
            }
            BlockKind::Item(depth, _) => {
                self.lists.truncate(*depth);
                while self.lists.len() < *depth {
                    let parent = self.lists.last().and_then(|(_, item)| *item);
                    let list = self.element(Role::List, parent);
                    self.lists.push((list, None));
                }
                let list = self.lists.last().map(|(list, _)| *list);
                let item = self.element(Role::Item, list);
                let label = self.element(Role::Label, Some(item));
                let body = self.element(Role::Body, Some(item));
                if let Some(open) = self.lists.last_mut() {
                    open.1 = Some(item);
                }
                (body, Some(label))
            }
        }
    }

    fn page(&mut self) -> &mut Page {
        if self.pages.is_empty() {
            self.pages.push(Page::default());
        }
        let last = self.pages.len() - 1;
        &mut self.pages[last]
    }

    /// A line of the title block, at a fixed baseline.
    fn single(&mut self, text: &str, size: f32, role: Role, y: f32) {
        let bold = matches!(role, Role::Heading(_));
        let tag = self.element(role, None);
        let styles = vec![Style { bold, italic: false }; text.len()];
        for line in layout::lay_out(self.fonts, text, &styles, size, PAGE_WIDTH - 2.0 * MARGIN) {
            let x = if line.rtl {
                PAGE_WIDTH - MARGIN - line.width
            } else {
                MARGIN
            };
            let drawn = draw(text, line, size, x, y, &styles, Some(tag));
            self.page().lines.push(drawn);
        }
    }

    fn block(&mut self, block: &Block, first: bool) {
        let (size, leading, bold, space) = match block.kind {
            BlockKind::Heading(1) => (16.0, 21.0, true, 10.0),
            BlockKind::Heading(2) => (13.5, 18.0, true, 8.0),
            BlockKind::Heading(3) => (12.0, 16.0, true, 6.0),
            BlockKind::Heading(_) => (BODY_SIZE, BODY_LEADING, true, 6.0),
            BlockKind::Item(..) => (BODY_SIZE, BODY_LEADING, false, 1.0),
            BlockKind::Paragraph => (BODY_SIZE, BODY_LEADING, false, 5.0),
        };
        if !first {
            self.y -= space;
        }
        let indent = block.depth as f32 * INDENT;
        let (tag, label) = self.block_element(block);
        let links: Vec<usize> = block
            .links
            .iter()
            .map(|_| self.element(Role::Link, Some(tag)))
            .collect();
        let mut styles = vec![Style { bold, italic: false }; block.text.len()];
        for range in &block.bold {
            styles[range.clone()]
                .iter_mut()
                .for_each(|style| style.bold = true);
        }
        for range in &block.italic {
            styles[range.clone()]
                .iter_mut()
                .for_each(|style| style.italic = true);
        }
        let width = PAGE_WIDTH - 2.0 * MARGIN - indent;
        let bottom = MARGIN + 10.0 * MM;
        for (index, line) in layout::lay_out(self.fonts, &block.text, &styles, size, width)
            .into_iter()
            .enumerate()
        {
            if self.y - leading < bottom - 0.01 {
                self.pages.push(Page::default());
                self.y = PAGE_HEIGHT - MARGIN;
            }
            let y = self.y;
            if index == 0
                && let BlockKind::Item(_, marker) = &block.kind
            {
                for mark in layout::lay_out(self.fonts, marker, &[], size, f32::INFINITY) {
                    let x = MARGIN + indent - mark.width - 4.0;
                    let drawn = draw(marker, mark, size, x, y, &[], label);
                    self.page().lines.push(drawn);
                }
            }
            if index == 0 && matches!(block.kind, BlockKind::Heading(_)) {
                let title = block.text.replace('\n', " ");
                self.page().headings.push((title, y + size));
            }
            let x = MARGIN + indent + if line.rtl { width - line.width } else { 0.0 };
            for ((range, url), link) in block.links.iter().zip(&links) {
                let covered = line
                    .glyphs
                    .iter()
                    .filter(|glyph| glyph.text.start >= range.start && glyph.text.start < range.end);
                let (left, right) = covered
                    .fold((f32::INFINITY, f32::NEG_INFINITY), |(left, right), glyph| {
                        (left.min(glyph.x), right.max(glyph.x + glyph.advance))
                    });
                if left < right {
                    let area = [x + left, y - 0.25 * size, x + right, y + 0.9 * size];
                    self.page().links.push((area, url.clone(), *link));
                }
            }
            let drawn = draw(&block.text, line, size, x, y, &styles, Some(tag));
            self.page().lines.push(drawn);
            self.y -= leading;
        }
    }
}

/// A laid-out line of `text` as drawn at `x`, `y`, part of the structure element `tag`: glyph
/// text ranges become the line's own.
fn draw(
    text: &str,
    line: layout::Line,
    size: f32,
    x: f32,
    y: f32,
    styles: &[Style],
    tag: Option<usize>,
) -> TextLine {
    let start = line.text.start;
    let own = &text[line.text.clone()];
    let glyphs = line
        .glyphs
        .into_iter()
        .map(|mut glyph| {
            let style = styles.get(glyph.text.start).copied().unwrap_or_default();
            let end = glyph.text.end.min(line.text.end);
            glyph.text = glyph.text.start.saturating_sub(start)..end.saturating_sub(start);
            StyledGlyph { glyph, style }
        })
        .collect();
    TextLine {
        x,
        y,
        size,
        glyphs,
        text: own.to_owned(),
        tag,
    }
}

/// The document's language (BCP 47) from the script most of its letters are in; Latin text
/// is taken as English, the language of the labels the title block adds.
fn language(text: &str) -> &'static str {
    let mut counts = [0usize; 8];
    for c in text.chars().filter(|c| c.is_alphabetic()) {
        let slot = match c {
            '\u{3040}'..='\u{30FF}' => 1,
            '\u{AC00}'..='\u{D7AF}' | '\u{1100}'..='\u{11FF}' | '\u{3130}'..='\u{318F}' => 2,
            '\u{4E00}'..='\u{9FFF}' | '\u{3400}'..='\u{4DBF}' => 3,
            '\u{0600}'..='\u{06FF}' | '\u{0750}'..='\u{077F}' => 4,
            '\u{0590}'..='\u{05FF}' => 5,
            '\u{0900}'..='\u{097F}' => 6,
            '\u{0E00}'..='\u{0E7F}' => 7,
            _ => 0,
        };
        counts[slot] += 1;
    }
    // Japanese mixes kana with kanji: any kana beside the Han makes it Japanese.
    if counts[1] > 0 && counts[1] + counts[3] >= counts.iter().max().copied().unwrap_or(0) {
        return "ja";
    }
    let best = (0..counts.len())
        .max_by_key(|slot| (counts[*slot], usize::MAX - slot))
        .unwrap_or(0);
    ["en", "ja", "ko", "zh", "ar", "he", "hi", "th"][best]
}
