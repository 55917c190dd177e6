//! The fallback chain of fonts: the embedded DejaVu Sans, always there, then the fonts found in
//! the configured directories. Each character is drawn with the first font of the chain that
//! has a glyph for it; one that none has is drawn as U+FFFD and reported (`missingGlyphs`).
//! Bold and italic text is drawn with the chosen font's own Bold / Italic / BoldItalic face
//! when there is one (DejaVu's are embedded too; a directory's `X-Bold.ttf` beside its
//! `X-Regular.ttf`), and synthesised from the nearest face only when there is none.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use rustybuzz::Face;

static EMBEDDED: &[u8] = include_bytes!("../fonts/DejaVuSans.ttf");
/// The Latin face's own styles, embedded like it (about 2 MB of binary) so that bold and italic
/// Latin text match the regular text whatever the font directories hold. Output embeds only
/// the glyphs used, as for every face.
static EMBEDDED_STYLES: [(&[u8], &str, Style); 3] = [
    (
        include_bytes!("../fonts/DejaVuSans-Bold.ttf"),
        "DejaVuSans-Bold",
        Style::BOLD,
    ),
    (
        include_bytes!("../fonts/DejaVuSans-Oblique.ttf"),
        "DejaVuSans-Oblique",
        Style::ITALIC,
    ),
    (
        include_bytes!("../fonts/DejaVuSans-BoldOblique.ttf"),
        "DejaVuSans-BoldOblique",
        Style::BOLD_ITALIC,
    ),
];

/// A directory font's styled faces are found by name: `X-Regular.ttf` beside `X-Bold.ttf`.
const STYLE_SUFFIXES: [(&str, Style); 3] = [
    ("-Bold", Style::BOLD),
    ("-Italic", Style::ITALIC),
    ("-BoldItalic", Style::BOLD_ITALIC),
];

/// How text is meant to look; a face that lacks the style is drawn slanted or stroked instead.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Style {
    pub bold: bool,
    pub italic: bool,
}

impl Style {
    pub const REGULAR: Self = Self {
        bold: false,
        italic: false,
    };
    pub const BOLD: Self = Self {
        bold: true,
        italic: false,
    };
    pub const ITALIC: Self = Self {
        bold: false,
        italic: true,
    };
    pub const BOLD_ITALIC: Self = Self {
        bold: true,
        italic: true,
    };

    fn slot(self) -> usize {
        usize::from(self.bold) + 2 * usize::from(self.italic)
    }

    /// The faces to try for this style, nearest first: bold italic falls back to bold (whose
    /// weight is harder to fake well) before italic.
    fn fallbacks(self) -> &'static [Style] {
        match (self.bold, self.italic) {
            (true, true) => &[Style::BOLD_ITALIC, Style::BOLD, Style::ITALIC],
            (true, false) => &[Style::BOLD],
            (false, true) => &[Style::ITALIC],
            (false, false) => &[],
        }
    }
}

/// Files read from a font directory, in this order, ahead of its other files. Debian's Noto
/// packages hold hundreds of files (every weight of every script), so of those only these are
/// read; files of other families in a directory are all read, after these, in name order.
const PREFERRED: &[&str] = &[
    "NotoSansArabic-Regular.ttf",
    "NotoSansHebrew-Regular.ttf",
    "NotoSansDevanagari-Regular.ttf",
    "NotoSansThai-Regular.ttf",
    "NotoSansCJK-Regular.ttc",
    "NotoSansCJKjp-Regular.otf",
    "NotoSans-Regular.ttf",
    "NotoSansSymbols-Regular.ttf",
    "NotoSansSymbols2-Regular.ttf",
    "Symbola_hint.ttf",
    "Symbola.ttf",
];

pub struct Font {
    /// The PostScript name, for the PDF's `BaseFont`.
    pub name: String,
    pub data: &'static [u8],
    pub face: Face<'static>,
    /// CFF outlines (embedded as OpenType/CFF) rather than TrueType ones.
    pub cff: bool,
    /// The style the face itself is drawn in (the rest is synthesised).
    pub style: Style,
    /// A regular face's styled faces, by `Style::slot` (indices into the library's fonts).
    variants: [Option<usize>; 4],
}

impl Font {
    fn parse(data: &'static [u8], fallback_name: &str, style: Style) -> Option<Self> {
        let face = Face::from_slice(data, 0)?;
        let tables = face.tables();
        let cff = tables.cff.is_some();
        // Bitmap-only faces (Noto Color Emoji) have no outlines a PDF can embed.
        if !cff && tables.glyf.is_none() {
            return None;
        }
        let name = face
            .names()
            .into_iter()
            .filter(|name| name.name_id == ttf_parser::name_id::POST_SCRIPT_NAME)
            .find_map(|name| name.to_string())
            .unwrap_or_else(|| fallback_name.to_owned());
        Some(Self {
            name,
            data,
            face,
            cff,
            style,
            variants: [None; 4],
        })
    }

    pub fn has(&self, c: char) -> bool {
        self.face.glyph_index(c).is_some()
    }

    pub fn units_per_em(&self) -> f32 {
        self.face.units_per_em() as f32
    }
}

pub struct FontLibrary {
    /// Every face, regular and styled: what glyphs' font indices point into.
    pub fonts: Vec<Font>,
    /// The regular faces in fallback order (the Latin face first).
    chain: Vec<usize>,
}

/// The embedded face, first in every chain.
pub const LATIN: usize = 0;

impl FontLibrary {
    pub fn load(dirs: &[PathBuf]) -> Self {
        let mut library = Self {
            fonts: Vec::new(),
            chain: Vec::new(),
        };
        if let Some(latin) = library.add(Font::parse(EMBEDDED, "DejaVuSans", Style::REGULAR), None) {
            for (data, name, style) in &EMBEDDED_STYLES {
                library.add(Font::parse(data, name, *style), Some(latin));
            }
        }
        let mut seen = std::collections::HashSet::new();
        for dir in dirs {
            for path in font_files(dir) {
                let Some(file_name) = path.file_name().map(|name| name.to_string_lossy().into_owned()) else {
                    continue;
                };
                if !seen.insert(file_name.clone()) {
                    continue;
                }
                let Some(regular) = library.add(read(&path, &file_name, Style::REGULAR), None) else {
                    continue;
                };
                for (styled_path, style) in styled_files(&path) {
                    let styled_name = styled_path
                        .file_name()
                        .map(|name| name.to_string_lossy().into_owned())
                        .unwrap_or_default();
                    if seen.insert(styled_name.clone()) {
                        library.add(read(&styled_path, &styled_name, style), Some(regular));
                    }
                }
            }
        }
        library
    }

    /// Adds a face: to the chain if regular, else as a styled face of `regular`.
    fn add(&mut self, font: Option<Font>, regular: Option<usize>) -> Option<usize> {
        let font = font?;
        let index = self.fonts.len();
        let slot = font.style.slot();
        self.fonts.push(font);
        match regular {
            Some(regular) => self.fonts[regular].variants[slot] = Some(index),
            None => self.chain.push(index),
        }
        Some(index)
    }

    /// The face that draws `c` from the regular face `font` in `style`: the nearest styled
    /// face of `font` that has `c`, else `font` itself (and the writer synthesises the style).
    pub fn styled(&self, font: usize, style: Style, c: char) -> usize {
        style
            .fallbacks()
            .iter()
            .filter_map(|wanted| self.fonts[font].variants[wanted.slot()])
            .find(|variant| self.fonts[*variant].has(c))
            .unwrap_or(font)
    }

    /// The font that draws `c`: the one in use if it has it and `c` belongs to no script of its
    /// own (spaces, punctuation, digits, combining marks), so that a run is not split for them;
    /// otherwise the first of the chain that has it. Scripts beyond the European ones are tried
    /// in the other fonts before the Latin face, whose Arabic and Hebrew glyphs are a fallback
    /// only.
    pub fn font_for(&self, c: char, current: Option<usize>) -> Option<usize> {
        if let Some(current) = current
            && is_neutral(c)
            && self.fonts[current].has(c)
        {
            return Some(current);
        }
        if is_european(c) && self.fonts[LATIN].has(c) {
            return Some(LATIN);
        }
        self.chain
            .iter()
            .skip(1)
            .chain(std::iter::once(&LATIN))
            .copied()
            .find(|index| self.fonts.get(*index).is_some_and(|font| font.has(c)))
    }

    /// Characters of `text` that no font has, each once, in order of first appearance.
    pub fn missing(&self, text: &str) -> Vec<char> {
        let mut missing = Vec::new();
        let mut seen = std::collections::HashSet::new();
        for c in text.chars() {
            if !is_drawn(c) || !seen.insert(c) {
                continue;
            }
            if self.font_for(c, None).is_none() {
                missing.push(c);
            }
        }
        missing
    }
}

/// Characters that produce no glyph of their own: controls and format characters such as the
/// joiners and bidi marks, which shaping consumes.
pub fn is_drawn(c: char) -> bool {
    !(c.is_control()
        || matches!(c, '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{2069}' | '\u{FE00}'..='\u{FE0F}' | '\u{FEFF}'))
}

fn is_neutral(c: char) -> bool {
    c.is_whitespace()
        || c.is_ascii_punctuation()
        || c.is_ascii_digit()
        || matches!(c, '\u{0300}'..='\u{036F}' | '\u{2000}'..='\u{206F}' | '\u{FE00}'..='\u{FE0F}')
}

/// Latin, Greek, Cyrillic and their punctuation and symbols: the Latin face's own ground.
fn is_european(c: char) -> bool {
    matches!(c, '\u{0000}'..='\u{058F}' | '\u{1D00}'..='\u{1FFF}' | '\u{2000}'..='\u{2BFF}' | '\u{FB00}'..='\u{FB06}')
}

fn read(path: &Path, file_name: &str, style: Style) -> Option<Font> {
    match std::fs::read(path) {
        // Read once and kept for the life of the process, which every render borrows.
        Ok(data) => {
            let font = Font::parse(Vec::leak(data), file_name, style);
            if font.is_none() {
                tracing::warn!(path = %path.display(), "not a usable font; skipped");
            }
            font
        }
        Err(error) => {
            tracing::warn!(path = %path.display(), %error, "cannot read a font");
            None
        }
    }
}

/// The styled faces beside a `-Regular` file that exist.
fn styled_files(regular: &Path) -> Vec<(PathBuf, Style)> {
    let Some(name) = regular
        .file_name()
        .map(|name| name.to_string_lossy().into_owned())
    else {
        return Vec::new();
    };
    let Some(at) = name.rfind("-Regular.") else {
        return Vec::new();
    };
    STYLE_SUFFIXES
        .iter()
        .map(|(suffix, style)| {
            let styled = format!("{}{suffix}{}", &name[..at], &name[at + "-Regular".len()..]);
            (regular.with_file_name(styled), *style)
        })
        .filter(|(path, _)| path.is_file())
        .collect()
}

fn font_files(dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut others: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .filter(|path| {
            let name = path
                .file_name()
                .map(|name| name.to_string_lossy().into_owned())
                .unwrap_or_default();
            let lower = name.to_ascii_lowercase();
            (lower.ends_with(".ttf") || lower.ends_with(".otf") || lower.ends_with(".ttc"))
                && !name.starts_with("Noto")
                && !PREFERRED.contains(&name.as_str())
        })
        .collect();
    // Styled faces come in with their regular one, not as fonts of the chain.
    let styled: std::collections::HashSet<PathBuf> = others
        .iter()
        .flat_map(|path| styled_files(path))
        .map(|(path, _)| path)
        .collect();
    others.retain(|path| !styled.contains(path));
    others.sort();
    PREFERRED
        .iter()
        .map(|name| dir.join(name))
        .filter(|path| path.is_file())
        .chain(others)
        .collect()
}

static DIRS: OnceLock<Vec<PathBuf>> = OnceLock::new();
static LIBRARY: OnceLock<FontLibrary> = OnceLock::new();

/// Sets the font directories (`--font-dir`) and reads the fonts, so that the first request does
/// not wait for them. Call once at start-up: the fonts are read once per process, and this
/// returns false when they had already been read from other directories.
pub fn use_font_dirs(dirs: Vec<PathBuf>) -> bool {
    let set = DIRS.set(dirs).is_ok();
    library();
    set
}

/// The process's fonts, read on first use from the configured directories (Debian's Noto
/// directories unless set otherwise).
pub fn library() -> &'static FontLibrary {
    LIBRARY.get_or_init(|| {
        let dirs = DIRS.get_or_init(|| {
            crate::config::DEFAULT_FONT_DIRS
                .iter()
                .map(PathBuf::from)
                .collect()
        });
        let library = FontLibrary::load(dirs);
        tracing::info!(
            fonts = ?library.fonts.iter().map(|font| font.name.as_str()).collect::<Vec<_>>(),
            "PDF fonts loaded"
        );
        library
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn without_font_directories_only_the_embedded_face_draws() {
        let library = FontLibrary::load(&[]);
        assert_eq!(library.chain, vec![LATIN]);
        assert_eq!(library.missing("Café — ок 東京"), vec!['東', '京']);
        assert_eq!(library.font_for('é', None), Some(LATIN));
    }

    #[test]
    fn styled_text_takes_the_faces_own_styles_and_falls_back_to_the_nearest() {
        let dirs: Vec<PathBuf> = crate::config::DEFAULT_FONT_DIRS
            .iter()
            .map(PathBuf::from)
            .collect();
        let library = FontLibrary::load(&dirs);
        let face = |c: char, style: Style| {
            let regular = library.font_for(c, None).unwrap_or(LATIN);
            library.fonts[library.styled(regular, style, c)].name.as_str()
        };
        assert_eq!(face('a', Style::REGULAR), "DejaVuSans");
        assert_eq!(face('a', Style::BOLD), "DejaVuSans-Bold");
        assert_eq!(face('a', Style::ITALIC), "DejaVuSans-Oblique");
        assert_eq!(face('a', Style::BOLD_ITALIC), "DejaVuSans-BoldOblique");
        // fonts-noto-core has Thai in bold but not in italic: bold italic Thai is the bold face.
        assert_eq!(face('ก', Style::BOLD), "NotoSansThai-Bold");
        assert_eq!(face('ก', Style::ITALIC), "NotoSansThai-Regular");
        assert_eq!(face('ก', Style::BOLD_ITALIC), "NotoSansThai-Bold");
        // A styled face is never a fallback for regular text.
        assert!(
            library
                .chain
                .iter()
                .all(|index| library.fonts[*index].style == Style::REGULAR)
        );
    }

    #[test]
    fn a_font_directory_extends_the_chain_in_its_order() {
        let dirs: Vec<PathBuf> = crate::config::DEFAULT_FONT_DIRS
            .iter()
            .map(PathBuf::from)
            .collect();
        let library = FontLibrary::load(&dirs);
        let names: Vec<&str> = library.fonts.iter().map(|font| font.name.as_str()).collect();
        // .ci/run installs Debian's fonts-noto-core, fonts-noto-cjk and fonts-symbola.
        assert_eq!(names.first(), Some(&"DejaVuSans"));
        assert!(names.contains(&"NotoSansCJKjp-Regular"), "{names:?}");
        assert!(library.missing("東京 مرحبا שלום नमस्ते สวัสดี 😀").is_empty());
        // Arabic goes to Noto Sans Arabic even though DejaVu has Arabic letters too.
        let arabic = library
            .font_for('م', None)
            .map(|index| library.fonts[index].name.as_str());
        assert_eq!(arabic, Some("NotoSansArabic-Regular"));
        // A space inside an Arabic run stays with the Arabic font.
        assert_eq!(
            library.font_for(' ', library.font_for('م', None)),
            library.font_for('م', None)
        );
    }
}
