//! Text to positioned glyphs, in time linear in the text: each paragraph is split into runs by
//! bidi level and font, each run shaped once (rustybuzz), lines broken greedily at UAX #14
//! opportunities (unicode-linebreak: between CJK characters, at spaces elsewhere; between the
//! words of Thai, Lao, Khmer and Myanmar from icu_segmenter's dictionaries) using prefix sums
//! of the shaped advances, and each line's runs put in visual order (UAX #9, rule L2).

use std::ops::Range;
use std::sync::LazyLock;

use icu_segmenter::options::LineBreakOptions;
use icu_segmenter::{LineSegmenter, LineSegmenterBorrowed};

use rustybuzz::{Direction, UnicodeBuffer};
use unicode_bidi::{BidiInfo, Level};
use unicode_linebreak::{BreakOpportunity, linebreaks};

use super::fonts::{FontLibrary, LATIN, Style, is_drawn};

/// A glyph placed on a line. Lengths are in points.
#[derive(Debug, Clone)]
pub struct Glyph {
    pub font: usize,
    pub id: u16,
    /// From the line's left end to the glyph's origin (offsets applied).
    pub x: f32,
    pub y: f32,
    pub advance: f32,
    /// Byte range of the text this glyph draws (its cluster), in the laid-out text.
    pub text: Range<usize>,
}

#[derive(Debug, Clone)]
pub struct Line {
    /// In visual order.
    pub glyphs: Vec<Glyph>,
    pub width: f32,
    pub rtl: bool,
    /// What the line says, in logical order (the laid-out text's bytes).
    pub text: Range<usize>,
}

struct Run {
    range: Range<usize>,
    level: Level,
    /// In visual order within the run.
    glyphs: Vec<Glyph>,
}

/// Lays `text` out in lines at most `max` points wide; `\n` ends a line. `styles` gives each
/// byte's style (regular past its end): styled faces have their own widths.
pub fn lay_out(fonts: &FontLibrary, text: &str, styles: &[Style], size: f32, max: f32) -> Vec<Line> {
    if text.is_empty() {
        return vec![Line {
            glyphs: Vec::new(),
            width: 0.0,
            rtl: false,
            text: 0..0,
        }];
    }
    let bidi = BidiInfo::new(text, None);
    let mut lines = Vec::new();
    for paragraph in &bidi.paragraphs {
        let range = paragraph.range.start..trim_newline(text, paragraph.range.clone());
        let runs = shape(fonts, text, styles, range.clone(), &bidi.levels, size);
        let advances = advances(&runs, range.clone());
        for line in break_lines(text, range.clone(), &advances, max) {
            lines.push(place(text, &runs, line, paragraph.level.is_rtl()));
        }
    }
    lines
}

fn trim_newline(text: &str, range: Range<usize>) -> usize {
    let mut end = range.end;
    while end > range.start && matches!(text.as_bytes()[end - 1], b'\n' | b'\r') {
        end -= 1;
    }
    end
}

/// Splits `range` into runs of one bidi level and one face and shapes each.
fn shape(
    fonts: &FontLibrary,
    text: &str,
    styles: &[Style],
    range: Range<usize>,
    levels: &[Level],
    size: f32,
) -> Vec<Run> {
    let mut pieces: Vec<(Range<usize>, Level, Option<usize>)> = Vec::new();
    // The regular face in use: the fallback chain is followed in regular faces.
    let mut current = None;
    for (offset, c) in text[range.clone()].char_indices() {
        let at = range.start + offset;
        let regular = if is_drawn(c) {
            fonts.font_for(c, current)
        } else {
            current.or(Some(LATIN))
        };
        current = regular.or(current);
        let style = styles.get(at).copied().unwrap_or_default();
        let font = regular.map(|regular| fonts.styled(regular, style, c));
        let level = levels[at];
        match pieces.last_mut() {
            Some((piece, piece_level, piece_font)) if *piece_level == level && *piece_font == font => {
                piece.end = at + c.len_utf8();
            }
            _ => pieces.push((at..at + c.len_utf8(), level, font)),
        }
    }
    pieces
        .into_iter()
        .map(|(range, level, font)| shape_run(fonts, text, range, level, font, size))
        .collect()
}

fn shape_run(
    fonts: &FontLibrary,
    text: &str,
    range: Range<usize>,
    level: Level,
    font: Option<usize>,
    size: f32,
) -> Run {
    let face = &fonts.fonts[font.unwrap_or(LATIN)];
    let scale = size / face.units_per_em();
    let Some(font) = font else {
        // No font has these: each is drawn as U+FFFD so that the gap is visible.
        let replacement = &fonts.fonts[LATIN].face;
        let id = replacement.glyph_index('\u{FFFD}').map_or(0, |glyph| glyph.0);
        let advance = replacement
            .glyph_hor_advance(ttf_parser::GlyphId(id))
            .map_or(size / 2.0, |units| f32::from(units) * scale);
        let glyphs = text[range.clone()]
            .char_indices()
            .map(|(offset, c)| Glyph {
                font: LATIN,
                id,
                x: 0.0,
                y: 0.0,
                advance,
                text: range.start + offset..range.start + offset + c.len_utf8(),
            })
            .collect();
        return Run { range, level, glyphs };
    };
    let mut buffer = UnicodeBuffer::new();
    buffer.push_str(&text[range.clone()]);
    buffer.set_direction(if level.is_rtl() {
        Direction::RightToLeft
    } else {
        Direction::LeftToRight
    });
    buffer.guess_segment_properties();
    let shaped = rustybuzz::shape(&face.face, &[], buffer);
    let infos = shaped.glyph_infos();
    let positions = shaped.glyph_positions();
    // A cluster's text runs to the next cluster's start (in logical order).
    let mut starts: Vec<usize> = infos.iter().map(|info| info.cluster as usize).collect();
    starts.sort_unstable();
    starts.dedup();
    let cluster_end = |start: usize| {
        let next = starts.partition_point(|s| *s <= start);
        starts.get(next).map_or(range.len(), |end| *end)
    };
    let glyphs = infos
        .iter()
        .zip(positions)
        .map(|(info, position)| {
            let start = info.cluster as usize;
            Glyph {
                font,
                id: u16::try_from(info.glyph_id).unwrap_or(0),
                x: position.x_offset as f32 * scale,
                y: position.y_offset as f32 * scale,
                advance: position.x_advance as f32 * scale,
                text: range.start + start..range.start + cluster_end(start),
            }
        })
        .collect();
    Run { range, level, glyphs }
}

/// Each byte's share of the width: a cluster's advance sits on its first byte.
fn advances(runs: &[Run], range: Range<usize>) -> Vec<f32> {
    let mut advances = vec![0.0; range.len()];
    for glyph in runs.iter().flat_map(|run| &run.glyphs) {
        advances[glyph.text.start - range.start] += glyph.advance;
    }
    advances
}

/// Greedy breaking at UAX #14 opportunities; a piece wider than a line on its own is cut
/// between clusters. Linear: every opportunity and every cut is visited once.
fn break_lines(text: &str, range: Range<usize>, advances: &[f32], max: f32) -> Vec<Range<usize>> {
    let base = range.start;
    let paragraph = &text[range.clone()];
    let mut prefix = Vec::with_capacity(advances.len() + 1);
    prefix.push(0.0f32);
    for advance in advances {
        prefix.push(prefix[prefix.len() - 1] + advance);
    }
    // Trailing spaces hang past the margin: they do not count against the width.
    let visible_end = |start: usize, end: usize| start + paragraph[start..end].trim_end().len();
    let width = |start: usize, end: usize| prefix[visible_end(start, end)] - prefix[start];
    let is_cluster_start = |at: usize| paragraph.is_char_boundary(at) && (at == 0 || advances[at] > 0.0);
    let mut lines = Vec::new();
    let mut start = 0;
    let mut fits: Option<usize> = None;
    for (at, opportunity) in opportunities(paragraph) {
        if width(start, at) > max {
            if let Some(end) = fits.take() {
                lines.push(end_line(base, start, end, paragraph));
                start = end;
            }
            while width(start, at) > max {
                let mut cut = start;
                let mut next = start + 1;
                while next < at {
                    if is_cluster_start(next) {
                        if prefix[next] - prefix[start] > max {
                            break;
                        }
                        cut = next;
                    }
                    next += 1;
                }
                if cut == start {
                    // Not even one cluster fits: it gets a line of its own.
                    cut = (start + 1..=at)
                        .find(|i| *i == at || is_cluster_start(*i))
                        .unwrap_or(at);
                }
                lines.push(end_line(base, start, cut, paragraph));
                start = cut;
            }
        }
        if opportunity == BreakOpportunity::Mandatory || at == paragraph.len() {
            lines.push(end_line(base, start, at, paragraph));
            start = at;
            fits = None;
        } else {
            fits = Some(at);
        }
    }
    if lines.is_empty() {
        lines.push(base..base);
    }
    lines
}

/// UAX #14 leaves these scripts' words to a dictionary (line break class SA), and
/// unicode-linebreak breaks them at spaces only, which they do not write between words.
static DICTIONARY: LazyLock<LineSegmenterBorrowed<'static>> =
    LazyLock::new(|| LineSegmenter::new_dictionary(LineBreakOptions::default()));

/// Thai, Lao, Myanmar and Khmer (with their extensions).
fn needs_dictionary(c: char) -> bool {
    matches!(c, '\u{0E00}'..='\u{0EFF}' | '\u{1000}'..='\u{109F}' | '\u{1780}'..='\u{17FF}' | '\u{19E0}'..='\u{19FF}' | '\u{A9E0}'..='\u{A9FF}' | '\u{AA60}'..='\u{AA7F}')
}

/// The paragraph's break opportunities in order: UAX #14's, plus the word boundaries the
/// dictionary finds inside each run of the scripts above (only those runs are segmented, each
/// once, so this stays linear).
fn opportunities(paragraph: &str) -> Vec<(usize, BreakOpportunity)> {
    let mut words = Vec::new();
    let mut run: Option<usize> = None;
    let ends = paragraph
        .char_indices()
        .chain(std::iter::once((paragraph.len(), ' ')));
    for (at, c) in ends {
        match (needs_dictionary(c), run) {
            (true, None) => run = Some(at),
            (false, Some(start)) => {
                let inside = DICTIONARY
                    .segment_str(&paragraph[start..at])
                    .filter(|boundary| *boundary > 0 && *boundary < at - start);
                words.extend(inside.map(|boundary| (start + boundary, BreakOpportunity::Allowed)));
                run = None;
            }
            _ => {}
        }
    }
    let mut merged = Vec::with_capacity(words.len());
    let mut words = words.into_iter().peekable();
    for (at, opportunity) in linebreaks(paragraph) {
        while let Some(word) = words.next_if(|(word, _)| *word < at) {
            merged.push(word);
        }
        words.next_if(|(word, _)| *word == at);
        merged.push((at, opportunity));
    }
    merged.extend(words);
    merged
}

fn end_line(base: usize, start: usize, end: usize, paragraph: &str) -> Range<usize> {
    base + start..base + start + paragraph[start..end].trim_end().len()
}

/// The glyphs of `line` in visual order, placed from its left end.
fn place(text: &str, runs: &[Run], line: Range<usize>, rtl: bool) -> Line {
    let first = runs.partition_point(|run| run.range.end <= line.start);
    let mut pieces: Vec<(Level, Vec<Glyph>)> = Vec::new();
    for run in runs[first..].iter().take_while(|run| run.range.start < line.end) {
        let from = run.range.start.max(line.start);
        let to = run.range.end.min(line.end);
        // Clusters run up through the glyphs of an LTR run and down through an RTL one.
        let glyphs = &run.glyphs;
        let slice = if run.level.is_rtl() {
            let a = glyphs.partition_point(|glyph| glyph.text.start >= to);
            let b = glyphs.partition_point(|glyph| glyph.text.start >= from);
            &glyphs[a..b]
        } else {
            let a = glyphs.partition_point(|glyph| glyph.text.start < from);
            let b = glyphs.partition_point(|glyph| glyph.text.start < to);
            &glyphs[a..b]
        };
        pieces.push((run.level, slice.to_vec()));
    }
    reorder(&mut pieces);
    let mut x = 0.0;
    let mut glyphs = Vec::new();
    for (_, piece) in pieces {
        for mut glyph in piece {
            let advance = glyph.advance;
            glyph.x += x;
            x += advance;
            glyphs.push(glyph);
        }
    }
    debug_assert!(text.is_char_boundary(line.start));
    Line {
        glyphs,
        width: x,
        rtl,
        text: line,
    }
}

/// Rule L2: from the highest level down to the lowest odd one, reverse every maximal sequence
/// of pieces at that level or above.
fn reorder(pieces: &mut [(Level, Vec<Glyph>)]) {
    let Some(highest) = pieces.iter().map(|(level, _)| level.number()).max() else {
        return;
    };
    let lowest_odd = pieces
        .iter()
        .map(|(level, _)| level.number())
        .filter(|level| level % 2 == 1)
        .min()
        .unwrap_or(highest + 1);
    let mut level = highest;
    while level >= lowest_odd && level > 0 {
        let mut at = 0;
        while at < pieces.len() {
            if pieces[at].0.number() >= level {
                let end = (at..pieces.len())
                    .find(|i| pieces[*i].0.number() < level)
                    .unwrap_or(pieces.len());
                pieces[at..end].reverse();
                at = end;
            } else {
                at += 1;
            }
        }
        level -= 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fonts() -> &'static FontLibrary {
        super::super::fonts::library()
    }

    #[test]
    fn wraps_words_within_the_width_and_keeps_every_character() {
        let text = "alpha beta gamma delta epsilon zeta eta theta";
        let lines = lay_out(fonts(), text, &[], 11.0, 80.0);
        assert!(lines.len() > 2);
        for line in &lines {
            assert!(
                line.width <= 80.0 + 0.01,
                "{} is {} wide",
                &text[line.text.clone()],
                line.width
            );
        }
        let joined: Vec<&str> = lines.iter().map(|line| &text[line.text.clone()]).collect();
        assert_eq!(joined.join(" "), text);
    }

    #[test]
    fn an_unbroken_run_is_cut_between_characters() {
        let text = "x".repeat(500);
        let lines = lay_out(fonts(), &text, &[], 11.0, 100.0);
        assert!(lines.len() > 5);
        assert_eq!(lines.iter().map(|line| line.text.len()).sum::<usize>(), 500);
        assert!(
            lines
                .iter()
                .all(|line| line.width <= 100.01 && !line.glyphs.is_empty())
        );
    }

    #[test]
    fn thai_words_are_break_opportunities_and_latin_keeps_uax_14() {
        // "Thai language" and "is a language": three words without spaces, then Latin.
        let text = "ภาษาไทยเป็นภาษา ok go";
        let at: Vec<usize> = opportunities(text).iter().map(|(at, _)| *at).collect();
        let words: Vec<&str> = at
            .iter()
            .scan(0, |start, end| {
                let word = &text[*start..*end];
                *start = *end;
                Some(word.trim_end())
            })
            .collect();
        assert_eq!(words, ["ภาษา", "ไทย", "เป็น", "ภาษา", "ok", "go"]);
    }

    #[test]
    fn right_to_left_runs_come_out_in_visual_order() {
        // Hebrew letters, then a Latin word inside an RTL paragraph: the Latin word is drawn
        // leftmost, the first Hebrew letter rightmost.
        let text = "שלום abc";
        let lines = lay_out(fonts(), text, &[], 11.0, 500.0);
        assert_eq!(lines.len(), 1);
        assert!(lines[0].rtl);
        let first = lines[0].glyphs.first().map(|glyph| glyph.text.start);
        let last = lines[0].glyphs.last().map(|glyph| glyph.text.start);
        assert_eq!(first, Some(text.find('a').unwrap_or(0)));
        assert_eq!(last, Some(0));
    }
}
