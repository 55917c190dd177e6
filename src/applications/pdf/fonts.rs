//! The fallback chain of fonts: the embedded DejaVu Sans, always there, then the fonts found in
//! the configured directories. Each character is drawn with the first font of the chain that
//! has a glyph for it; one that none has is drawn as U+FFFD and reported (`missingGlyphs`).

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use rustybuzz::Face;

static EMBEDDED: &[u8] = include_bytes!("../fonts/DejaVuSans.ttf");

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
}

impl Font {
    fn parse(data: &'static [u8], fallback_name: &str) -> Option<Self> {
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
    pub fonts: Vec<Font>,
}

/// The embedded face, first in every chain.
pub const LATIN: usize = 0;

impl FontLibrary {
    pub fn load(dirs: &[PathBuf]) -> Self {
        let mut fonts = Vec::new();
        if let Some(font) = Font::parse(EMBEDDED, "DejaVuSans") {
            fonts.push(font);
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
                match std::fs::read(&path) {
                    // Read once and kept for the life of the process, which every render borrows.
                    Ok(data) => match Font::parse(Vec::leak(data), &file_name) {
                        Some(font) => fonts.push(font),
                        None => tracing::warn!(path = %path.display(), "not a usable font; skipped"),
                    },
                    Err(error) => tracing::warn!(path = %path.display(), %error, "cannot read a font"),
                }
            }
        }
        Self { fonts }
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
        (1..self.fonts.len())
            .chain(std::iter::once(LATIN))
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
        assert_eq!(library.fonts.len(), 1);
        assert_eq!(library.missing("Café — ок 東京"), vec!['東', '京']);
        assert_eq!(library.font_for('é', None), Some(LATIN));
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
