//! Artifact PDFs as a recipient (or an applicant tracking system) reads them: the text that
//! `pdftotext` (poppler-utils) extracts, line by line, in every script; glyph coverage; file
//! sizes; Markdown structure; metadata; and the layout's time on long texts.

use std::io::Write;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use pdf_extract::{Document, Object};
use serde_json::{Value, json};

use crate::applications::application;
use crate::career::mutate;
use crate::support::{Account, TestApp};

async fn named(app: &TestApp, email: &str, name: Option<&str>) -> Account {
    let me = app.sign_up(email).await;
    if let Some(name) = name {
        mutate(
            app,
            &me,
            "updateProfile",
            json!({ "fullName": name }),
            "profile { id }",
        )
        .await;
    }
    me
}

/// Creates an artifact with `content` and fetches its PDF: (the artifact's fields, the bytes).
async fn rendered(app: &TestApp, me: &Account, application_id: &str, content: &str) -> (Value, Vec<u8>) {
    let artifact = created(app, me, application_id, content).await;
    let pdf = fetched(app, me, artifact["pdfUrl"].as_str().unwrap_or_default()).await;
    (artifact, pdf)
}

async fn created(app: &TestApp, me: &Account, application_id: &str, content: &str) -> Value {
    mutate(
        app,
        me,
        "createArtifact",
        json!({ "applicationId": application_id, "kind": "CV", "content": content }),
        "artifact { pdfUrl missingGlyphs }",
    )
    .await["artifact"]
        .clone()
}

async fn fetched(app: &TestApp, me: &Account, url: &str) -> Vec<u8> {
    let request = axum::http::Request::get(url)
        .header("authorization", format!("Bearer {}", me.access_token))
        .body(axum::body::Body::empty())
        .unwrap_or_default();
    let (status, bytes) = app.send(request).await;
    assert_eq!(status, axum::http::StatusCode::OK);
    assert!(bytes.starts_with(b"%PDF"));
    bytes
}

/// The PDF's text as poppler's `pdftotext` reads it, as trimmed non-empty lines. Poppler marks
/// the direction of right-to-left runs with embedding controls (U+202A–U+202E); those are
/// its annotations, not the document's text, and are dropped.
pub fn extracted_lines(pdf: &[u8]) -> Vec<String> {
    let mut child = Command::new("pdftotext")
        .args(["-enc", "UTF-8", "-", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap_or_else(|error| panic!("pdftotext (poppler-utils) must be installed: {error}"));
    if let Some(mut stdin) = child.stdin.take() {
        stdin
            .write_all(pdf)
            .unwrap_or_else(|error| panic!("cannot feed pdftotext: {error}"));
    }
    let output = child
        .wait_with_output()
        .unwrap_or_else(|error| panic!("pdftotext failed: {error}"));
    assert!(output.status.success(), "pdftotext cannot read the PDF");
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .map(|line| {
            line.chars()
                .filter(|c| !matches!(c, '\u{202A}'..='\u{202E}' | '\u{200E}' | '\u{200F}' | '\u{000C}'))
                .collect::<String>()
                .trim()
                .to_owned()
        })
        .filter(|line| !line.is_empty())
        .collect()
}

/// Asserts that `expected` are extracted as consecutive lines, each exactly.
fn assert_lines_in_order(pdf: &[u8], expected: &[&str]) {
    let got = extracted_lines(pdf);
    let start = got.iter().position(|line| line == expected[0]);
    let Some(start) = start else {
        panic!("{:?} not extracted; got {got:#?}", expected[0]);
    };
    assert_eq!(
        &got[start..(start + expected.len()).min(got.len())],
        expected,
        "in {got:#?}"
    );
}

fn load(pdf: &[u8]) -> Document {
    Document::load_mem(pdf).unwrap_or_else(|error| panic!("the PDF does not parse: {error}"))
}

/// Every glyph code shown on every page (CIDs: two bytes each, the fonts being Identity-H).
fn shown_glyphs(document: &Document) -> Vec<u16> {
    let mut glyphs = Vec::new();
    for page in document.get_pages().values() {
        let content = document
            .get_and_decode_page_content(*page)
            .unwrap_or_else(|error| panic!("content: {error}"));
        for operation in content.operations {
            let strings: Vec<&Object> = match operation.operator.as_str() {
                "Tj" => operation.operands.iter().collect(),
                "TJ" => operation
                    .operands
                    .iter()
                    .filter_map(|operand| operand.as_array().ok())
                    .flatten()
                    .collect(),
                _ => continue,
            };
            for string in strings {
                if let Object::String(bytes, _) = string {
                    glyphs.extend(
                        bytes
                            .chunks(2)
                            .map(|pair| u16::from_be_bytes([pair[0], *pair.get(1).unwrap_or(&0)])),
                    );
                }
            }
        }
    }
    glyphs
}

fn info_string(document: &Document, key: &[u8]) -> Option<String> {
    let info = document.trailer.get(b"Info").ok()?.as_reference().ok()?;
    let value = document.get_object(info).ok()?.as_dict().ok()?.get(key).ok()?;
    let Object::String(bytes, _) = value else {
        return None;
    };
    Some(decode_text_string(bytes))
}

fn decode_text_string(bytes: &[u8]) -> String {
    match bytes.strip_prefix(&[0xFE, 0xFF]) {
        Some(utf16) => String::from_utf16_lossy(
            &utf16
                .chunks(2)
                .map(|pair| u16::from_be_bytes([pair[0], *pair.get(1).unwrap_or(&0)]))
                .collect::<Vec<_>>(),
        ),
        None => bytes.iter().map(|byte| char::from(*byte)).collect(),
    }
}

fn catalog_lang(document: &Document) -> Option<String> {
    let root = document.trailer.get(b"Root").ok()?.as_reference().ok()?;
    let Object::String(bytes, _) = document
        .get_object(root)
        .ok()?
        .as_dict()
        .ok()?
        .get(b"Lang")
        .ok()?
    else {
        return None;
    };
    Some(decode_text_string(bytes))
}

/// The titles of the document outline (bookmarks), first to last.
fn outline_titles(document: &Document) -> Vec<String> {
    let item_of = |object: Option<&Object>| object.and_then(|object| object.as_reference().ok());
    let root = document
        .trailer
        .get(b"Root")
        .ok()
        .and_then(|root| root.as_reference().ok());
    let outlines = root
        .and_then(|root| document.get_dictionary(root).ok())
        .and_then(|catalog| item_of(catalog.get(b"Outlines").ok()))
        .and_then(|outlines| document.get_dictionary(outlines).ok());
    let mut next = outlines.and_then(|outlines| item_of(outlines.get(b"First").ok()));
    let mut titles = Vec::new();
    while let Some(item) = next.and_then(|id| document.get_dictionary(id).ok()) {
        if let Ok(Object::String(bytes, _)) = item.get(b"Title") {
            titles.push(decode_text_string(bytes));
        }
        next = item_of(item.get(b"Next").ok());
        assert!(titles.len() < 100, "the outline loops");
    }
    titles
}

/// The embedded fonts' names without their subset tags (`ABCDEF+DejaVuSans-Bold` gives
/// `DejaVuSans-Bold`), sorted.
fn font_names(document: &Document) -> Vec<String> {
    let mut names: Vec<String> = document
        .objects
        .values()
        .filter_map(|object| object.as_dict().ok())
        .filter(|dict| dict.get(b"Type").and_then(Object::as_name).ok() == Some(&b"Font"[..]))
        .filter(|dict| dict.get(b"Subtype").and_then(Object::as_name).ok() == Some(&b"Type0"[..]))
        .filter_map(|dict| dict.get(b"BaseFont").and_then(Object::as_name).ok())
        .map(|name| {
            let name = String::from_utf8_lossy(name);
            name.split_once('+')
                .map_or(name.to_string(), |(_, base)| base.to_owned())
        })
        .collect();
    names.sort();
    names
}

/// Link annotations' URIs, page by page.
fn link_uris(document: &Document) -> Vec<String> {
    let mut uris = Vec::new();
    for page in document.get_pages().values() {
        let Ok(page) = document.get_dictionary(*page) else {
            continue;
        };
        let Ok(annotations) = page.get(b"Annots").and_then(Object::as_array) else {
            continue;
        };
        for annotation in annotations {
            let Ok(annotation) = annotation
                .as_reference()
                .and_then(|id| document.get_dictionary(id))
            else {
                continue;
            };
            assert_eq!(
                annotation.get(b"Subtype").and_then(Object::as_name).ok(),
                Some(&b"Link"[..])
            );
            let uri = annotation
                .get(b"A")
                .and_then(Object::as_dict)
                .and_then(|action| action.get(b"URI"))
                .ok()
                .and_then(|uri| match uri {
                    Object::String(bytes, _) => Some(String::from_utf8_lossy(bytes).into_owned()),
                    _ => None,
                });
            uris.extend(uri);
        }
    }
    uris
}

struct Sample {
    script: &'static str,
    language: &'static str,
    name: &'static str,
    lines: &'static [&'static str],
}

const SAMPLES: &[Sample] = &[
    Sample {
        script: "Latin",
        language: "en",
        name: "Zoë Ångström",
        lines: &[
            "Designed the billing platform for Globex — invoices in €, £ and ¥.",
            "Café-grade “quotes”, naïve façades and the ﬁ ligature all survive.",
            "Mentored four engineers; cut errors by 40%.",
        ],
    },
    Sample {
        script: "Japanese",
        language: "ja",
        name: "山田 花子",
        lines: &[
            "東京でバックエンドエンジニアとして五年間働きました。",
            "決済システムの設計と開発を担当しました。",
        ],
    },
    Sample {
        script: "Chinese",
        language: "zh",
        name: "王小明",
        lines: &["我在北京担任软件工程师五年。", "负责支付系统的设计与开发。"],
    },
    Sample {
        script: "Korean",
        language: "ko",
        name: "김민준",
        lines: &[
            "서울에서 소프트웨어 엔지니어로 5년간 일했습니다.",
            "결제 시스템을 설계하고 개발했습니다.",
        ],
    },
    Sample {
        script: "Arabic",
        language: "ar",
        name: "ليلى حسن",
        lines: &[
            "عملت مهندسة برمجيات في دبي لمدة خمس سنوات",
            "قمت بتصميم نظام الدفع الإلكتروني للشركة",
            "قدت فريقا من أربعة مهندسين في مشاريع كبيرة",
            "أتحدث العربية والإنجليزية والفرنسية بطلاقة",
        ],
    },
    Sample {
        script: "Hebrew",
        language: "he",
        name: "נועה כהן",
        lines: &[
            "עבדתי כמהנדסת תוכנה בתל אביב במשך חמש שנים",
            "תכננתי את מערכת התשלומים של החברה כולה",
            "הובלתי צוות של ארבעה מהנדסים בפרויקטים גדולים",
            "אני דוברת עברית אנגלית וצרפתית ברמה גבוהה",
        ],
    },
    Sample {
        script: "Hindi",
        language: "hi",
        name: "प्रिया शर्मा",
        lines: &[
            "मैंने पाँच साल तक दिल्ली में सॉफ़्टवेयर इंजीनियर के रूप में काम किया।",
            "भुगतान प्रणाली की रूपरेखा बनाई और चार इंजीनियरों का मार्गदर्शन किया।",
        ],
    },
    Sample {
        script: "Thai",
        language: "th",
        name: "สมชาย ใจดี",
        lines: &[
            "ผมทำงานเป็นวิศวกรซอฟต์แวร์ที่กรุงเทพฯ เป็นเวลาห้าปี",
            "ออกแบบระบบชำระเงินและดูแลทีมวิศวกรสี่คน",
        ],
    },
];

#[tokio::test(flavor = "multi_thread")]
async fn every_script_extracts_line_by_line_in_reading_order() {
    let app = TestApp::new().await;
    for (index, sample) in SAMPLES.iter().enumerate() {
        let me = named(&app, &format!("script{index}@example.com"), Some(sample.name)).await;
        let id = application(&app, &me).await;
        let (artifact, pdf) = rendered(&app, &me, &id, &sample.lines.join("\n")).await;
        assert_eq!(artifact["missingGlyphs"], json!([]), "{}", sample.script);
        let got = extracted_lines(&pdf);
        assert_eq!(
            got.first().map(String::as_str),
            Some(sample.name),
            "{}: {got:#?}",
            sample.script
        );
        assert_lines_in_order(&pdf, sample.lines);
        assert_eq!(
            got.last().map(String::as_str),
            Some("Page 1 of 1"),
            "{}",
            sample.script
        );

        let document = load(&pdf);
        assert!(
            !shown_glyphs(&document).contains(&0),
            "{}: a covered character was drawn as .notdef",
            sample.script
        );
        assert_eq!(
            catalog_lang(&document).as_deref(),
            Some(sample.language),
            "{}",
            sample.script
        );
        assert_eq!(info_string(&document, b"Author").as_deref(), Some(sample.name));
        assert_eq!(
            info_string(&document, b"Title"),
            Some(format!("Curriculum vitae — {}", sample.name))
        );
        assert!(info_string(&document, b"CreationDate").is_some_and(|date| date.starts_with("D:20")));
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn left_to_right_words_inside_right_to_left_lines_keep_their_place() {
    let app = TestApp::new().await;
    let me = named(&app, "mixed@example.com", Some("ليلى حسن")).await;
    let id = application(&app, &me).await;
    let lines = [
        "عملت في شركة Google لمدة 5 سنوات",
        "قمت بتصميم نظام الدفع الإلكتروني للشركة",
        // (Not "ב-Microsoft": poppler takes a hyphen touching a Latin word for part of it.)
        "עבדתי אצל Microsoft בתל אביב שנתיים",
    ];
    let (_, pdf) = rendered(&app, &me, &id, &lines.join("\n")).await;
    // Poppler moves the spaces beside an embedded left-to-right run (it joins "Google" to
    // the next word); the characters themselves must come out in reading order.
    let squeeze = |line: &str| line.split_whitespace().collect::<String>();
    let got: Vec<String> = extracted_lines(&pdf).iter().map(|line| squeeze(line)).collect();
    let expected: Vec<String> = lines.iter().map(|line| squeeze(line)).collect();
    let start = got.iter().position(|line| *line == expected[0]);
    assert_eq!(
        start.map(|start| &got[start..start + expected.len()]),
        Some(&expected[..]),
        "{got:#?}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_character_no_font_has_is_listed_and_shown_as_a_replacement() {
    let app = TestApp::new().await;
    let me = named(&app, "missing@example.com", Some("Ada Lovelace")).await;
    let id = application(&app, &me).await;
    // A private-use character of plane 16: no font assigns it a glyph. Each appears once.
    let (artifact, pdf) = rendered(&app, &me, &id, "Mark \u{10FFFD} here \u{10FFFD} and \u{10FFFC}").await;
    assert_eq!(artifact["missingGlyphs"], json!(["\u{10FFFD}", "\u{10FFFC}"]));
    // Drawn (as U+FFFD, not as .notdef) and still extracted as what was written.
    assert!(!shown_glyphs(&load(&pdf)).contains(&0));
    assert_lines_in_order(&pdf, &["Mark \u{10FFFD} here \u{10FFFD} and \u{10FFFC}"]);
}

#[tokio::test(flavor = "multi_thread")]
async fn emoji_are_drawn_from_the_symbols_face_not_dropped() {
    let app = TestApp::new().await;
    let me = named(&app, "emoji@example.com", Some("Ada Lovelace")).await;
    let id = application(&app, &me).await;
    let line = "Shipped the launch 🚀 on time ✅ and kept the team happy 😀";
    let (artifact, pdf) = rendered(&app, &me, &id, line).await;
    assert_eq!(artifact["missingGlyphs"], json!([]));
    assert_lines_in_order(&pdf, &[line]);
    let document = load(&pdf);
    assert!(
        !shown_glyphs(&document).contains(&0),
        "an emoji was drawn as .notdef"
    );
    let fonts = font_names(&document);
    assert!(fonts.iter().any(|name| name.contains("Symbola")), "{fonts:?}");
}

#[tokio::test(flavor = "multi_thread")]
async fn the_title_block_never_shows_the_email_address() {
    let app = TestApp::new().await;
    let me = named(&app, "nameless@example.com", None).await;
    let id = application(&app, &me).await;
    let (_, pdf) = rendered(&app, &me, &id, "Hello").await;
    let got = extracted_lines(&pdf);
    assert_eq!(got.first().map(String::as_str), Some("Curriculum vitae"));
    assert!(got.iter().all(|line| !line.contains("nameless")), "{got:#?}");
    let document = load(&pdf);
    assert_eq!(info_string(&document, b"Author"), None);
    assert!(info_string(&document, b"Title").is_some_and(|title| !title.contains('@')));
}

/// A realistic one-page CV in Markdown.
fn latin_cv() -> String {
    let mut cv = String::from(
        "# Summary\nStaff engineer with twelve years of backend and platform work, *mostly in Rust and Go*.\n\n## Experience\n",
    );
    for (company, years) in [
        ("Globex", "2019–2025"),
        ("Initech", "2015–2019"),
        ("Hooli", "2012–2015"),
    ] {
        cv.push_str(&format!("### {company}, {years}\n"));
        for line in [
            "Designed and shipped the **billing platform**, cutting invoice errors by forty percent.",
            "Led four engineers through a zero-downtime migration to PostgreSQL 16.",
            "Built the on-call tooling that halved the time to resolve incidents.",
        ] {
            cv.push_str(&format!("- {line}\n"));
        }
        cv.push('\n');
    }
    cv.push_str(
        "## Links\n- Code: [github.com/ada](https://github.com/ada)\n- Site: <https://ada.example.com>\n",
    );
    cv
}

#[tokio::test(flavor = "multi_thread")]
async fn one_page_cvs_stay_small() {
    let app = TestApp::new().await;
    let me = named(&app, "sizes@example.com", Some("Ada Lovelace")).await;
    let id = application(&app, &me).await;

    let (_, latin) = rendered(&app, &me, &id, &latin_cv()).await;
    assert_eq!(load(&latin).get_pages().len(), 1);
    assert!(
        latin.len() < 60_000,
        "a one-page Latin CV is {} bytes",
        latin.len()
    );

    // 1,600 different ideographs (a page's worth, none repeated) with kana: the worst case for
    // a subset.
    let ideographs: Vec<char> = (0..1600u32)
        .filter_map(|i| char::from_u32(0x4E00 + i * 7))
        .collect();
    let cjk = ideographs
        .chunks(40)
        .map(|line| format!("{}です", line.iter().collect::<String>()))
        .collect::<Vec<_>>()
        .join("\n");
    let (_, cjk) = rendered(&app, &me, &id, &cjk).await;
    assert_eq!(load(&cjk).get_pages().len(), 1);
    assert!(cjk.len() < 500_000, "a one-page CJK CV is {} bytes", cjk.len());
    eprintln!(
        "one-page CV: Latin {} bytes, CJK {} bytes",
        latin.len(),
        cjk.len()
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn markdown_becomes_headings_bullets_and_links() {
    let app = TestApp::new().await;
    let me = named(&app, "markdown@example.com", Some("Ada Lovelace")).await;
    let id = application(&app, &me).await;
    let (_, pdf) = rendered(&app, &me, &id, &latin_cv()).await;
    assert_lines_in_order(
        &pdf,
        &[
            "Summary",
            "Staff engineer with twelve years of backend and platform work, mostly in Rust and Go.",
            "Experience",
            "Globex, 2019–2025",
            "• Designed and shipped the billing platform, cutting invoice errors by forty percent.",
        ],
    );
    assert_lines_in_order(
        &pdf,
        &[
            "Links",
            "• Code: github.com/ada",
            "• Site: https://ada.example.com",
        ],
    );
    let got = extracted_lines(&pdf);
    assert!(
        got.iter().all(|line| !line.contains('#') && !line.contains("**")),
        "{got:#?}"
    );
    assert_eq!(
        outline_titles(&load(&pdf)),
        [
            "Summary",
            "Experience",
            "Globex, 2019–2025",
            "Initech, 2015–2019",
            "Hooli, 2012–2015",
            "Links"
        ]
    );
    assert_eq!(
        link_uris(&load(&pdf)),
        vec![
            "https://github.com/ada".to_owned(),
            "https://ada.example.com".to_owned()
        ]
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_hundred_thousand_characters_of_any_script_render_quickly() {
    let app = TestApp::new().await;
    let me = named(&app, "long@example.com", Some("Ada Lovelace")).await;
    let id = application(&app, &me).await;
    let unbroken_cjk = "東".repeat(100_000);
    let mut texts: Vec<(&str, String)> = vec![("unbroken CJK", unbroken_cjk)];
    for sample in SAMPLES {
        let line = sample.lines.join(" ");
        let text: String = line.chars().cycle().take(100_000).collect();
        texts.push((sample.script, text.trim().to_owned()));
    }
    for (script, text) in texts {
        let artifact = created(&app, &me, &id, &text).await;
        let started = Instant::now();
        let pdf = fetched(&app, &me, artifact["pdfUrl"].as_str().unwrap_or_default()).await;
        let took = started.elapsed();
        eprintln!("100,000 characters of {script}: {took:?}, {} bytes", pdf.len());
        // Loose: a debug build on a shared machine; bench/pdf measures the real figure.
        assert!(took < Duration::from_secs(10), "{script} took {took:?}");
        assert!(load(&pdf).get_pages().len() > 10, "{script}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn bold_and_italic_are_drawn_with_real_bold_and_italic_faces() {
    let app = TestApp::new().await;
    let me = named(&app, "styles@example.com", Some("Ada Lovelace")).await;
    let id = application(&app, &me).await;
    let content = "Plain, **bold**, *italic* and ***both*** words.\n\n**ตัวหนา** และ *เอียง*";
    let (_, pdf) = rendered(&app, &me, &id, content).await;
    assert_lines_in_order(&pdf, &["Plain, bold, italic and both words.", "ตัวหนา และ เอียง"]);
    let names = font_names(&load(&pdf));
    // The title block's name is bold as well; Thai has a bold face but no italic in
    // fonts-noto-core, so its italic stays the regular face, slanted.
    for expected in [
        "DejaVuSans",
        "DejaVuSans-Bold",
        "DejaVuSans-Oblique",
        "DejaVuSans-BoldOblique",
        "NotoSansThai-Regular",
        "NotoSansThai-Bold",
    ] {
        assert!(
            names.iter().any(|name| name == expected),
            "{expected} not in {names:?}"
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn thai_without_spaces_wraps_between_words() {
    let app = TestApp::new().await;
    let me = named(&app, "thai-words@example.com", Some("Ada Lovelace")).await;
    let id = application(&app, &me).await;
    // Thai writes no spaces between words; a paragraph of it is one unbroken run to UAX #14.
    let sentences = [
        "ข้าพเจ้ามีประสบการณ์ในการพัฒนาซอฟต์แวร์มากกว่าสิบปี",
        "ทำงานร่วมกับทีมงานจากหลายประเทศเพื่อออกแบบระบบที่มีความน่าเชื่อถือสูง",
        "และมีความสนใจในการเรียนรู้เทคโนโลยีใหม่อยู่เสมอ",
    ];
    let text = sentences.concat().repeat(3);
    let (_, pdf) = rendered(&app, &me, &id, &text).await;
    let got = extracted_lines(&pdf);
    let start = got
        .iter()
        .position(|line| text.starts_with(line.as_str()))
        .unwrap_or_else(|| panic!("the paragraph is not extracted: {got:#?}"));
    let mut joined = String::new();
    let mut breaks = Vec::new();
    for line in &got[start..] {
        if joined.len() >= text.len() {
            break;
        }
        if !joined.is_empty() {
            breaks.push(joined.len());
        }
        joined.push_str(line);
    }
    assert_eq!(joined, text, "in {got:#?}");
    assert!(breaks.len() >= 3, "{} lines: {got:#?}", breaks.len() + 1);
    let words: Vec<usize> = icu_segmenter::WordSegmenter::new_dictionary(Default::default())
        .segment_str(&text)
        .collect();
    for at in breaks {
        assert!(
            words.binary_search(&at).is_ok(),
            "a line ends inside a word: …{}|{}…",
            &text[text.floor_char_boundary(at.saturating_sub(30))..at],
            &text[at..text.ceil_char_boundary(at + 30)]
        );
    }
}

/// The structure tree's element types, depth first from the root, with `OBJR` for an
/// annotation an element holds (marked-content references are left out).
fn structure_types(document: &Document) -> Vec<String> {
    fn walk(document: &Document, object: &Object, into: &mut Vec<String>) {
        let dict = match object.as_reference() {
            Ok(id) => document.get_dictionary(id).ok(),
            Err(_) => object.as_dict().ok(),
        };
        let Some(dict) = dict else {
            return;
        };
        if dict.get(b"Type").and_then(Object::as_name).ok() == Some(&b"OBJR"[..]) {
            into.push("OBJR".to_owned());
            return;
        }
        if let Ok(kind) = dict.get(b"S").and_then(Object::as_name) {
            into.push(String::from_utf8_lossy(kind).into_owned());
        }
        match dict.get(b"K") {
            Ok(Object::Array(kids)) => kids.iter().for_each(|kid| walk(document, kid, into)),
            Ok(kid) => walk(document, kid, into),
            Err(_) => {}
        }
        assert!(into.len() < 10_000, "the structure tree loops");
    }
    let mut types = Vec::new();
    if let Some(root) = catalog(document).and_then(|catalog| catalog.get(b"StructTreeRoot").ok()) {
        walk(document, root, &mut types);
    }
    types
}

fn catalog(document: &Document) -> Option<&pdf_extract::Dictionary> {
    let root = document.trailer.get(b"Root").ok()?.as_reference().ok()?;
    document.get_dictionary(root).ok()
}

#[tokio::test(flavor = "multi_thread")]
async fn the_pdf_is_tagged_with_headings_paragraphs_lists_and_links() {
    let app = TestApp::new().await;
    let me = named(&app, "tagged@example.com", Some("Ada Lovelace")).await;
    let id = application(&app, &me).await;
    let (_, pdf) = rendered(&app, &me, &id, &latin_cv()).await;
    let document = load(&pdf);
    let marked = catalog(&document)
        .and_then(|catalog| catalog.get(b"MarkInfo").ok())
        .and_then(|info| info.as_dict().ok())
        .and_then(|info| info.get(b"Marked").ok())
        .and_then(|marked| marked.as_bool().ok());
    assert_eq!(marked, Some(true));
    for page in document.get_pages().values() {
        let page = document
            .get_dictionary(*page)
            .unwrap_or_else(|error| panic!("page: {error}"));
        assert!(page.get(b"StructParents").is_ok());
    }
    let types = structure_types(&document);
    // The title block (the name as H1, then the role and version), then the content.
    assert_eq!(types[..4], ["Document", "H1", "P", "P"], "{types:?}");
    for expected in ["H1", "H2", "H3", "P", "L", "LI", "Lbl", "LBody", "Link", "OBJR"] {
        assert!(
            types.iter().any(|kind| kind == expected),
            "no {expected} in {types:?}"
        );
    }
    let item = ["L", "LI", "Lbl", "LBody"];
    assert!(types.windows(4).any(|four| four == item), "{types:?}");
    let link = types.iter().position(|kind| kind == "Link");
    assert_eq!(
        link.and_then(|at| types.get(at + 1)).map(String::as_str),
        Some("OBJR")
    );
    // Tagging leaves the extracted text as it was.
    assert_lines_in_order(
        &pdf,
        &["• Code: github.com/ada", "• Site: https://ada.example.com"],
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_version_is_rendered_once_and_stays_what_was_sent() {
    let app = TestApp::new().await;
    let me = named(&app, "kept@example.com", Some("Ada Before")).await;
    let id = application(&app, &me).await;
    let artifact = created(&app, &me, &id, "Kept text").await;
    let url = artifact["pdfUrl"].as_str().unwrap_or_default().to_owned();

    // Concurrent first downloads all get the one PDF.
    let downloads = (0..6).map(|_| {
        let (app, me, url) = (&app, &me, url.clone());
        async move { fetched(app, me, &url).await }
    });
    let first = futures_util::future::join_all(downloads).await;
    assert!(first.windows(2).all(|pair| pair[0] == pair[1]));
    assert!(extracted_lines(&first[0]).contains(&"Ada Before".to_owned()));

    // A later change of name leaves the sent version as it was; a new version shows it.
    mutate(
        &app,
        &me,
        "updateProfile",
        json!({ "fullName": "Ada After" }),
        "profile { id }",
    )
    .await;
    assert_eq!(fetched(&app, &me, &url).await, first[0]);
    let (_, newer) = rendered(&app, &me, &id, "Kept text").await;
    assert!(extracted_lines(&newer).contains(&"Ada After".to_owned()));

    // Clients may keep a version for good.
    let request = axum::http::Request::get(&url)
        .header("authorization", format!("Bearer {}", me.access_token))
        .body(axum::body::Body::empty())
        .unwrap_or_default();
    let response = tower::ServiceExt::oneshot(app.router.clone(), request)
        .await
        .expect("a response");
    assert_eq!(
        response.headers()["cache-control"],
        "private, max-age=31536000, immutable"
    );
}
