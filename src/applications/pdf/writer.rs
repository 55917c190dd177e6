//! Laid-out pages to PDF bytes. Fonts are embedded as CID fonts holding only the glyphs used
//! (subsetter); each glyph maps back to its text through a ToUnicode CMap, and each line is
//! wrapped in an `ActualText` span carrying its text in logical order, so that extraction
//! gives what was written even where shaping reorders or joins glyphs (Indic scripts, Thai).
//! The document is tagged: a structure tree (headings, paragraphs, lists, links) over the
//! lines' marked content, which screen readers and applicant tracking systems read; page
//! numbers are marked as artifacts, outside it.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use chrono::{DateTime, Datelike, Timelike, Utc};
use pdf_writer::types::{
    ActionType, AnnotationType, CidFontType, FontFlags, StructRole, SystemInfo, TextRenderingMode,
    UnicodeCmap,
};
use pdf_writer::writers::StructTreeRoot;
use pdf_writer::{Date, Filter, Finish, Name, Pdf, Rect, Ref, Str, TextStr};
use subsetter::GlyphRemapper;
use unicode_bidi::{BidiClass, bidi_class};

use super::fonts::{FontLibrary, Style};
use super::layout::Glyph;
use crate::graphql::errors::{AppError, AppResult};

pub const PAGE_WIDTH: f32 = 595.276;
pub const PAGE_HEIGHT: f32 = 841.89;

#[derive(Debug, Clone)]
pub struct StyledGlyph {
    pub glyph: Glyph,
    /// The style meant; what the glyph's face lacks of it is synthesised.
    pub style: Style,
}

/// One drawn line: its glyphs from `x` on the baseline `y` (points from the page's lower left).
#[derive(Debug, Clone)]
pub struct TextLine {
    pub x: f32,
    pub y: f32,
    pub size: f32,
    pub glyphs: Vec<StyledGlyph>,
    /// The line's text in logical order; glyph text ranges index into it.
    pub text: String,
    /// The structure element (index into the elements) the line belongs to; none for page
    /// numbers, which are pagination artifacts.
    pub tag: Option<usize>,
}

/// A node of the structure tree. Elements come in reading order, each after its parent.
#[derive(Debug, Clone)]
pub struct Element {
    pub role: Role,
    /// None for the document's top level.
    pub parent: Option<usize>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    Heading(u8),
    Paragraph,
    List,
    Item,
    /// A list item's bullet or number.
    Label,
    /// A list item's text.
    Body,
    Link,
}

impl Role {
    /// The standard structure type, which also tags the element's marked content.
    fn name(self) -> Name<'static> {
        Name(match self {
            Role::Heading(1) => b"H1",
            Role::Heading(2) => b"H2",
            Role::Heading(3) => b"H3",
            Role::Heading(4) => b"H4",
            Role::Heading(5) => b"H5",
            Role::Heading(_) => b"H6",
            Role::Paragraph => b"P",
            Role::List => b"L",
            Role::Item => b"LI",
            Role::Label => b"Lbl",
            Role::Body => b"LBody",
            Role::Link => b"Link",
        })
    }
}

/// What a structure element holds besides its child elements.
enum Content {
    /// Marked content on a page: the page and the MCID.
    Marked(Ref, i32),
    /// A link annotation on a page: the page and the annotation.
    Annotation(Ref, Ref),
}

#[derive(Debug, Default)]
pub struct Page {
    pub lines: Vec<TextLine>,
    /// Clickable areas: `[x1, y1, x2, y2]`, the URL and the link's structure element.
    pub links: Vec<([f32; 4], String, usize)>,
    /// Headings, with the height of their top: the document outline (bookmarks).
    pub headings: Vec<(String, f32)>,
}

pub struct Metadata {
    pub title: String,
    pub author: Option<String>,
    pub language: &'static str,
    pub created: DateTime<Utc>,
}

struct EmbeddedFont {
    remapper: GlyphRemapper,
    /// What each new glyph id draws, as first seen.
    text: BTreeMap<u16, String>,
    resource: String,
}

pub fn write(
    fonts: &FontLibrary,
    pages: &[Page],
    elements: &[Element],
    metadata: &Metadata,
) -> AppResult<Vec<u8>> {
    let mut used: BTreeMap<usize, BTreeSet<u16>> = BTreeMap::new();
    for glyph in pages
        .iter()
        .flat_map(|page| &page.lines)
        .flat_map(|line| &line.glyphs)
    {
        used.entry(glyph.glyph.font).or_default().insert(glyph.glyph.id);
    }
    let mut embedded: HashMap<usize, EmbeddedFont> = used
        .iter()
        .map(|(font, glyphs)| {
            let glyphs: Vec<u16> = glyphs.iter().copied().collect();
            (
                *font,
                EmbeddedFont {
                    remapper: GlyphRemapper::new_from_glyphs_sorted(&glyphs),
                    text: BTreeMap::new(),
                    resource: format!("F{font}"),
                },
            )
        })
        .collect();
    for line in pages.iter().flat_map(|page| &page.lines) {
        for glyph in &line.glyphs {
            if let Some(font) = embedded.get_mut(&glyph.glyph.font)
                && let Some(id) = font.remapper.get(glyph.glyph.id)
                && let Some(text) = line.text.get(glyph.glyph.text.clone())
                && !text.is_empty()
            {
                font.text.entry(id).or_insert_with(|| {
                    // Right-to-left glyphs stand in visual order and extractors reverse their
                    // text to read it; a ligature's own text must be reversed to survive that.
                    if text.chars().any(is_rtl) {
                        text.chars().rev().collect()
                    } else {
                        text.to_owned()
                    }
                });
            }
        }
    }

    let mut next = Ref::new(1);
    let mut alloc = || next.bump();
    let catalog = alloc();
    let tree = alloc();
    let info = alloc();
    let structure = alloc();
    let document = alloc();
    let element_refs: Vec<Ref> = elements.iter().map(|_| alloc()).collect();
    let mut contents: Vec<Vec<Content>> = elements.iter().map(|_| Vec::new()).collect();
    // The parent tree: per page (keyed by its index) the element of each MCID, then per link
    // annotation (keyed from the page count on) its element.
    let mut marked_parents: Vec<Vec<Ref>> = Vec::new();
    let mut annotation_parents: Vec<Ref> = Vec::new();
    let mut pdf = Pdf::new();

    let mut font_refs = Vec::new();
    for (index, font) in &embedded {
        let type0 = alloc();
        write_font(&mut pdf, &mut alloc, fonts, *index, font, type0)?;
        font_refs.push((font.resource.clone(), type0));
    }

    let page_count = i32::try_from(pages.len()).unwrap_or(i32::MAX);
    let mut page_refs = Vec::new();
    for (page_index, page) in pages.iter().enumerate() {
        let page_ref = alloc();
        let content_ref = alloc();
        let mut parents = Vec::new();
        let marks: Vec<Option<(Name<'static>, i32)>> = page
            .lines
            .iter()
            .map(|line| {
                let tag = line.tag.filter(|tag| *tag < elements.len())?;
                let mcid = i32::try_from(parents.len()).unwrap_or(i32::MAX);
                parents.push(element_refs[tag]);
                contents[tag].push(Content::Marked(page_ref, mcid));
                Some((elements[tag].role.name(), mcid))
            })
            .collect();
        marked_parents.push(parents);
        let content = page_content(page, &marks, &embedded, fonts);
        pdf.stream(content_ref, &deflate(&content))
            .filter(Filter::FlateDecode);
        let mut annotation_refs = Vec::new();
        for (rect, url, link) in &page.links {
            let annotation = alloc();
            let mut writer = pdf.annotation(annotation);
            if let Some(element) = element_refs.get(*link) {
                let key = pages.len() + annotation_parents.len();
                writer.struct_parent(i32::try_from(key).unwrap_or(i32::MAX));
                annotation_parents.push(*element);
                contents[*link].push(Content::Annotation(page_ref, annotation));
            }
            writer
                .subtype(AnnotationType::Link)
                .rect(Rect::new(rect[0], rect[1], rect[2], rect[3]))
                .border(0.0, 0.0, 0.0, None);
            writer
                .action()
                .action_type(ActionType::Uri)
                .uri(Str(url.as_bytes()));
            writer.finish();
            annotation_refs.push(annotation);
        }
        let mut writer = pdf.page(page_ref);
        writer
            .parent(tree)
            .media_box(Rect::new(0.0, 0.0, PAGE_WIDTH, PAGE_HEIGHT))
            .contents(content_ref)
            .struct_parents(i32::try_from(page_index).unwrap_or(i32::MAX));
        if !annotation_refs.is_empty() {
            writer.annotations(annotation_refs);
        }
        let mut resources = writer.resources();
        let mut font_dict = resources.fonts();
        for (name, id) in &font_refs {
            font_dict.pair(Name(name.as_bytes()), *id);
        }
        font_dict.finish();
        resources.finish();
        writer.finish();
        page_refs.push(page_ref);
    }
    let headings: Vec<(Ref, &str, Ref, f32)> = pages
        .iter()
        .zip(&page_refs)
        .flat_map(|(page, page_ref)| {
            page.headings
                .iter()
                .map(move |(title, top)| (title, *page_ref, *top))
        })
        .map(|(title, page_ref, top)| (alloc(), title.as_str(), page_ref, top))
        .collect();
    let outline = (!headings.is_empty()).then(&mut alloc);
    if let Some(outline) = outline {
        for (index, (item, title, page_ref, top)) in headings.iter().enumerate() {
            let mut writer = pdf.outline_item(*item);
            writer.title(TextStr(title)).parent(outline);
            if let Some(previous) = index.checked_sub(1).and_then(|previous| headings.get(previous)) {
                writer.prev(previous.0);
            }
            if let Some(next) = headings.get(index + 1) {
                writer.next(next.0);
            }
            writer.dest().page(*page_ref).xyz(0.0, *top, None);
        }
        let mut writer = pdf.outline(outline);
        if let (Some(first), Some(last)) = (headings.first(), headings.last()) {
            writer.first(first.0).last(last.0);
        }
        writer.count(i32::try_from(headings.len()).unwrap_or(i32::MAX));
    }
    pdf.pages(tree).kids(page_refs).count(page_count);
    write_structure(
        &mut pdf,
        structure,
        document,
        elements,
        &element_refs,
        &contents,
        &marked_parents,
        &annotation_parents,
    );
    let mut catalog_writer = pdf.catalog(catalog);
    catalog_writer
        .pages(tree)
        .lang(TextStr(metadata.language))
        .pair(Name(b"StructTreeRoot"), structure);
    catalog_writer.mark_info().marked(true);
    if let Some(outline) = outline {
        catalog_writer.outlines(outline);
    }
    catalog_writer.finish();
    let created = metadata.created;
    let mut document_info = pdf.document_info(info);
    document_info
        .title(TextStr(&metadata.title))
        .creator(TextStr("careergraph"))
        .creation_date(
            Date::new(u16::try_from(created.year()).unwrap_or(2000))
                .month(created.month() as u8)
                .day(created.day() as u8)
                .hour(created.hour() as u8)
                .minute(created.minute() as u8)
                .second(created.second() as u8)
                .utc_offset_hour(0)
                .utc_offset_minute(0),
        );
    if let Some(author) = &metadata.author {
        document_info.author(TextStr(author));
    }
    document_info.finish();
    Ok(pdf.finish())
}

/// The structure tree: a `Document` element holding the top-level elements; each element
/// holds its marked content and annotations, then its child elements, in reading order.
#[allow(clippy::too_many_arguments)]
fn write_structure(
    pdf: &mut Pdf,
    structure: Ref,
    document: Ref,
    elements: &[Element],
    element_refs: &[Ref],
    contents: &[Vec<Content>],
    marked_parents: &[Vec<Ref>],
    annotation_parents: &[Ref],
) {
    let mut children: Vec<Vec<Ref>> = elements.iter().map(|_| Vec::new()).collect();
    let mut top = Vec::new();
    for (element, own) in elements.iter().zip(element_refs) {
        match element.parent.and_then(|parent| children.get_mut(parent)) {
            Some(siblings) => siblings.push(*own),
            None => top.push(*own),
        }
    }
    for (index, element) in elements.iter().enumerate() {
        let mut writer = pdf.struct_element(element_refs[index]);
        writer.custom_kind(element.role.name()).parent(
            element
                .parent
                .and_then(|parent| element_refs.get(parent).copied())
                .unwrap_or(document),
        );
        let mut kids = writer.children();
        for content in &contents[index] {
            match content {
                Content::Marked(page, mcid) => {
                    kids.marked_content_ref().marked_content_id(*mcid).page(*page);
                }
                Content::Annotation(page, annotation) => {
                    kids.object_ref().page(*page).object(*annotation);
                }
            }
        }
        for child in &children[index] {
            kids.struct_element(*child);
        }
    }
    let mut writer = pdf.struct_element(document);
    writer.kind(StructRole::Document).parent(structure);
    let mut kids = writer.children();
    for element in top {
        kids.struct_element(element);
    }
    drop(kids);
    writer.finish();
    let mut root = pdf.indirect(structure).start::<StructTreeRoot>();
    root.child(document);
    let next_key = marked_parents.len() + annotation_parents.len();
    root.parent_tree_next_key(i32::try_from(next_key).unwrap_or(i32::MAX));
    let mut tree = root.insert(Name(b"ParentTree")).dict();
    let mut nums = tree.insert(Name(b"Nums")).array();
    for (key, parents) in marked_parents.iter().enumerate() {
        nums.item(i32::try_from(key).unwrap_or(i32::MAX));
        nums.push().array().items(parents.iter().copied());
    }
    for (offset, parent) in annotation_parents.iter().enumerate() {
        let key = marked_parents.len() + offset;
        nums.item(i32::try_from(key).unwrap_or(i32::MAX));
        nums.item(*parent);
    }
}

fn is_rtl(c: char) -> bool {
    matches!(bidi_class(c), BidiClass::R | BidiClass::AL)
}

fn deflate(data: &[u8]) -> Vec<u8> {
    miniz_oxide::deflate::compress_to_vec_zlib(data, 6)
}

fn write_font(
    pdf: &mut Pdf,
    alloc: &mut impl FnMut() -> Ref,
    fonts: &FontLibrary,
    index: usize,
    font: &EmbeddedFont,
    type0: Ref,
) -> AppResult<()> {
    let source = &fonts.fonts[index];
    let subset = subsetter::subset(source.data, 0, &font.remapper)
        .map_err(|error| AppError::internal(anyhow::anyhow!("cannot subset {}: {error}", source.name)))?;
    let (cid, descriptor, file, cmap) = (alloc(), alloc(), alloc(), alloc());
    // A subset's name carries a tag of six capitals; the font index makes it unique here.
    let tag: String = (0..6)
        .map(|place| char::from(b'A' + ((index / 26usize.pow(place)) % 26) as u8))
        .collect();
    let base_name = format!("{tag}+{}", source.name);
    let system_info = SystemInfo {
        registry: Str(b"Adobe"),
        ordering: Str(b"Identity"),
        supplement: 0,
    };
    pdf.type0_font(type0)
        .base_font(Name(base_name.as_bytes()))
        .encoding_predefined(Name(b"Identity-H"))
        .descendant_font(cid)
        .to_unicode(cmap);

    let per_mille = 1000.0 / source.units_per_em();
    let widths: Vec<f32> = font
        .remapper
        .remapped_gids()
        .map(|old| {
            source
                .face
                .glyph_hor_advance(ttf_parser::GlyphId(old))
                .map_or(0.0, |advance| f32::from(advance) * per_mille)
        })
        .collect();
    let mut cid_font = pdf.cid_font(cid);
    cid_font
        .subtype(if source.cff {
            CidFontType::Type0
        } else {
            CidFontType::Type2
        })
        .base_font(Name(base_name.as_bytes()))
        .system_info(system_info)
        .font_descriptor(descriptor)
        .default_width(0.0);
    if !source.cff {
        cid_font.cid_to_gid_map_predefined(Name(b"Identity"));
    }
    cid_font.widths().consecutive(0, widths);
    cid_font.finish();

    let face = &source.face;
    let bbox = face.global_bounding_box();
    let mut descriptor_writer = pdf.font_descriptor(descriptor);
    descriptor_writer
        .name(Name(base_name.as_bytes()))
        .flags(if source.style.italic {
            FontFlags::SYMBOLIC | FontFlags::ITALIC
        } else {
            FontFlags::SYMBOLIC
        })
        .bbox(Rect::new(
            f32::from(bbox.x_min) * per_mille,
            f32::from(bbox.y_min) * per_mille,
            f32::from(bbox.x_max) * per_mille,
            f32::from(bbox.y_max) * per_mille,
        ))
        .italic_angle(face.italic_angle())
        .ascent(f32::from(face.ascender()) * per_mille)
        .descent(f32::from(face.descender()) * per_mille)
        .cap_height(f32::from(face.capital_height().unwrap_or(face.ascender())) * per_mille)
        // A guess from the weight, as the font's own stems are not recorded in it.
        .stem_v(if source.style.bold { 140.0 } else { 80.0 });
    if source.cff {
        descriptor_writer.font_file3(file);
    } else {
        descriptor_writer.font_file2(file);
    }
    descriptor_writer.finish();
    let compressed = deflate(&subset);
    let mut stream = pdf.stream(file, &compressed);
    stream.filter(Filter::FlateDecode);
    if source.cff {
        stream.pair(Name(b"Subtype"), Name(b"OpenType"));
    }
    stream.finish();

    let mut unicode = UnicodeCmap::new(Name(b"Custom"), system_info);
    for (id, text) in &font.text {
        unicode.pair_with_multiple(*id, text.chars());
    }
    pdf.stream(cmap, &unicode.finish());
    Ok(())
}

/// One `BT … ET` piece: glyphs of one font and style on one baseline, shown with `TJ` from
/// where the first one sits.
struct Piece {
    font: usize,
    bold: bool,
    italic: bool,
    x: f32,
    y: f32,
    codes: Vec<ShowItem>,
}

enum ShowItem {
    Codes(Vec<u8>),
    Adjust(f32),
}

/// A page's content stream; `marks` gives each line's structure role and MCID (none for an
/// artifact).
fn page_content(
    page: &Page,
    marks: &[Option<(Name<'static>, i32)>],
    embedded: &HashMap<usize, EmbeddedFont>,
    fonts: &FontLibrary,
) -> Vec<u8> {
    let mut content = pdf_writer::Content::new();
    for (index, line) in page.lines.iter().enumerate() {
        // Extractors put right-to-left text in logical order themselves, from where its glyphs
        // stand, and would reverse an ActualText as well; such lines rely on ToUnicode alone.
        let spanned = !line.text.chars().any(is_rtl);
        match marks.get(index).copied().flatten() {
            Some((role, mcid)) => {
                content
                    .begin_marked_content_with_properties(role)
                    .properties()
                    .identify(mcid);
            }
            None => {
                content.begin_marked_content(Name(b"Artifact"));
            }
        }
        // Poppler reads ActualText from a `Span` only, hence a span inside the tagged content.
        if spanned {
            content
                .begin_marked_content_with_properties(Name(b"Span"))
                .properties()
                .actual_text(TextStr(&line.text));
        }
        content.begin_text();
        for piece in pieces(line, embedded, fonts) {
            let Some(font) = embedded.get(&piece.font) else {
                continue;
            };
            content.set_font(Name(font.resource.as_bytes()), line.size);
            if piece.bold {
                // Synthetic bold, for faces without a bold of their own: the outline stroked
                // as well as filled.
                content
                    .set_text_rendering_mode(TextRenderingMode::FillStroke)
                    .set_line_width(line.size * 0.03);
            } else {
                content.set_text_rendering_mode(TextRenderingMode::Fill);
            }
            // Synthetic italic, for faces without an italic: a skew of about 11 degrees.
            let skew = if piece.italic { 0.2 } else { 0.0 };
            content.set_text_matrix([1.0, 0.0, skew, 1.0, piece.x, piece.y]);
            let mut show = content.show_positioned();
            let mut items = show.items();
            for item in &piece.codes {
                match item {
                    ShowItem::Codes(codes) => {
                        items.show(Str(codes));
                    }
                    ShowItem::Adjust(amount) => {
                        items.adjust(*amount);
                    }
                }
            }
        }
        content.end_text();
        if spanned {
            content.end_marked_content();
        }
        content.end_marked_content();
    }
    content.finish().into_vec()
}

fn pieces(line: &TextLine, embedded: &HashMap<usize, EmbeddedFont>, fonts: &FontLibrary) -> Vec<Piece> {
    let mut pieces: Vec<Piece> = Vec::new();
    // Where the PDF viewer's pen stands after the last glyph, from its own widths.
    let mut pen = 0.0;
    for styled in &line.glyphs {
        let glyph = &styled.glyph;
        let Some(id) = embedded
            .get(&glyph.font)
            .and_then(|font| font.remapper.get(glyph.id))
        else {
            continue;
        };
        let x = line.x + glyph.x;
        let y = line.y + glyph.y;
        let source = &fonts.fonts[glyph.font];
        let bold = styled.style.bold && !source.style.bold;
        let italic = styled.style.italic && !source.style.italic;
        let width = source
            .face
            .glyph_hor_advance(ttf_parser::GlyphId(glyph.id))
            .map_or(0.0, |advance| {
                f32::from(advance) * line.size / source.units_per_em()
            });
        let same = pieces.last().is_some_and(|piece| {
            piece.font == glyph.font
                && piece.bold == bold
                && piece.italic == italic
                && (piece.y - y).abs() < 0.001
        });
        if !same {
            pieces.push(Piece {
                font: glyph.font,
                bold,
                italic,
                x,
                y,
                codes: Vec::new(),
            });
            pen = x;
        }
        let Some(piece) = pieces.last_mut() else {
            continue;
        };
        // TJ numbers are thousandths of the font size, and a positive one moves left.
        let adjust = (pen - x) * 1000.0 / line.size;
        if adjust.abs() > 0.01 {
            piece.codes.push(ShowItem::Adjust(adjust));
        }
        match piece.codes.last_mut() {
            Some(ShowItem::Codes(codes)) => codes.extend(id.to_be_bytes()),
            _ => piece.codes.push(ShowItem::Codes(id.to_be_bytes().to_vec())),
        }
        pen = x + width;
    }
    pieces
}
