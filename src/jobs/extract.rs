//! Finding catalog skills in a job posting's text.
//!
//! A skill is found where its name or an alias occurs as a whole term, ignoring case: the
//! characters around it must not continue it (so "Java" is not found in "JavaScript", "C" not
//! in "C++" or "C#", "Node" not in "Node.js"). Names that are also everyday words are matched
//! more strictly (see [`STRICT_TERMS`]). A skill is a must-have unless every occurrence is in a
//! nice-to-have part: the `niceToHaves` field, or a section headed "Nice to have", "Preferred",
//! "Bonus" and the like.

use std::collections::HashMap;

use uuid::Uuid;

use super::enums::SkillImportance;

/// A catalog skill as extraction sees it: its normalised name and aliases.
pub struct CatalogSkill {
    pub id: Uuid,
    pub terms: Vec<String>,
}

/// The texts of a posting.
pub struct PostingText<'a> {
    pub description: &'a str,
    pub responsibilities: Option<&'a str>,
    pub requirements: Option<&'a str>,
    pub nice_to_haves: Option<&'a str>,
}

/// Terms that are also ordinary words, matched with the casing given here. With `mid_sentence`,
/// a term at the start of a sentence is not taken ("Go beyond…" is a verb).
struct Strict {
    term: &'static str,
    mid_sentence: bool,
}

const STRICT_TERMS: &[Strict] = &[
    Strict {
        term: "Go",
        mid_sentence: true,
    },
    Strict {
        term: "R",
        mid_sentence: false,
    },
    Strict {
        term: "C",
        mid_sentence: false,
    },
    Strict {
        term: "Swift",
        mid_sentence: true,
    },
    Strict {
        term: "Rust",
        mid_sentence: false,
    },
    Strict {
        term: "Spring",
        mid_sentence: true,
    },
    Strict {
        term: "Dart",
        mid_sentence: false,
    },
    Strict {
        term: "Julia",
        mid_sentence: false,
    },
    Strict {
        term: "Ruby",
        mid_sentence: false,
    },
    Strict {
        term: "REST",
        mid_sentence: false,
    },
    Strict {
        term: "Node",
        mid_sentence: false,
    },
    Strict {
        term: "Spark",
        mid_sentence: false,
    },
    Strict {
        term: "Rails",
        mid_sentence: false,
    },
    Strict {
        term: "Beam",
        mid_sentence: false,
    },
    Strict {
        term: "Arrow",
        mid_sentence: false,
    },
    Strict {
        term: "Helm",
        mid_sentence: false,
    },
    Strict {
        term: "Lambda",
        mid_sentence: false,
    },
    Strict {
        term: "Hive",
        mid_sentence: false,
    },
    Strict {
        term: "Aurora",
        mid_sentence: false,
    },
    Strict {
        term: "Flutter",
        mid_sentence: false,
    },
    Strict {
        term: "Ember",
        mid_sentence: false,
    },
    Strict {
        term: "Shell",
        mid_sentence: false,
    },
    Strict {
        term: "Prolog",
        mid_sentence: false,
    },
];

/// Single letters ("C", "R") are taken only inside a list or at a clause end ("Python, R and
/// SQL", "written in C."), never as in "Series C funding".
fn single_letter_in_list(text: &[u8], start: usize, end: usize) -> bool {
    let next = text[end..].iter().find(|c| !c.is_ascii_whitespace());
    let previous = text[..start].iter().rev().find(|c| !c.is_ascii_whitespace());
    matches!(next, None | Some(b',' | b'/' | b')' | b';' | b'.' | b':'))
        || matches!(previous, Some(b',' | b'/' | b'('))
}

fn continues_word(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_'
}

/// Whether the match at `start..end` stands as a whole term.
fn whole_term(text: &[u8], start: usize, end: usize) -> bool {
    let before_ok = start == 0 || {
        let b = text[start - 1];
        let dotted_word = b == b'.' && start >= 2 && text[start - 2].is_ascii_alphanumeric();
        let glued_dot = text[start] == b'.' && b.is_ascii_alphanumeric();
        !(continues_word(b) || glued_dot || dotted_word)
    };
    let after_ok = end == text.len() || {
        let a = text[end];
        let dotted_word = a == b'.' && text.get(end + 1).is_some_and(|c| c.is_ascii_alphanumeric());
        !continues_word(a) && !matches!(a, b'+' | b'#' | b'&') && !dotted_word
    };
    before_ok && after_ok
}

/// Whether `start` begins a sentence (or a line or list item).
fn sentence_start(text: &[u8], start: usize) -> bool {
    let before = text[..start]
        .iter()
        .rev()
        .find(|c| !c.is_ascii_whitespace() && !matches!(c, b'-' | b'*' | 0xE2 | 0x80 | 0xA2));
    matches!(before, None | Some(b'.' | b'!' | b'?' | b'\n' | b':'))
        || text[..start]
            .iter()
            .rev()
            .take_while(|c| **c != b'\n')
            .all(|c| c.is_ascii_whitespace() || matches!(c, b'-' | b'*' | 0xE2 | 0x80 | 0xA2))
}

fn occurs(text: &str, lower: &str, term: &str) -> bool {
    let strict = STRICT_TERMS.iter().find(|s| s.term.eq_ignore_ascii_case(term));
    let (haystack, needle) = match strict {
        Some(strict) => (text, strict.term),
        None => (lower, term),
    };
    if needle.is_empty() {
        return false;
    }
    let bytes = haystack.as_bytes();
    haystack.match_indices(needle).any(|(start, _)| {
        let end = start + needle.len();
        whole_term(bytes, start, end)
            && (needle.len() > 1 || single_letter_in_list(bytes, start, end))
            && !strict.is_some_and(|s| s.mid_sentence && sentence_start(bytes, start))
    })
}

/// Headings that open a nice-to-have section, after stripping markup and a trailing colon.
const NICE_HEADINGS: &[&str] = &[
    "nice to have",
    "nice-to-have",
    "nice to haves",
    "nice-to-haves",
    "preferred",
    "preferred qualifications",
    "preferred skills",
    "bonus",
    "bonus points",
    "pluses",
    "a plus",
    "good to have",
    "desirable",
];

enum Line<'a> {
    /// Opens a nice-to-have section; may carry content after a colon.
    NiceHeading(&'a str),
    /// Opens any other section.
    OtherHeading,
    Text(&'a str),
}

fn classify(line: &str) -> Line<'_> {
    let stripped = line
        .trim()
        .trim_start_matches(['#', '*', '-', ' '])
        .trim_end_matches(['*', ' ']);
    let (head, rest) = match stripped.split_once(':') {
        Some((head, rest)) => (head.trim().trim_end_matches('*'), Some(rest)),
        None => (stripped, None),
    };
    let lowered = head.to_ascii_lowercase();
    if NICE_HEADINGS.contains(&lowered.as_str()) {
        return Line::NiceHeading(rest.unwrap_or(""));
    }
    let looks_like_heading = (line.trim_start().starts_with('#')
        || (rest.is_some_and(|r| r.trim().is_empty())))
        && head.split_whitespace().count() <= 6;
    if looks_like_heading {
        Line::OtherHeading
    } else {
        Line::Text(line)
    }
}

/// Splits a text into its must-have part and its nice-to-have part.
pub(super) fn split_sections(text: &str) -> (String, String) {
    let (mut must, mut nice) = (String::new(), String::new());
    let mut in_nice = false;
    for line in text.lines() {
        let (target, content) = match classify(line) {
            Line::NiceHeading(rest) => {
                in_nice = true;
                (&mut nice, rest)
            }
            Line::OtherHeading => {
                in_nice = false;
                (&mut must, line)
            }
            Line::Text(line) => (if in_nice { &mut nice } else { &mut must }, line),
        };
        target.push_str(content);
        target.push('\n');
    }
    (must, nice)
}

/// White space folded to single spaces except line breaks, which sentence starts use.
fn fold(text: &str) -> String {
    text.lines()
        .map(|line| line.split_whitespace().collect::<Vec<_>>().join(" "))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The catalog skills a posting asks for, each with its importance.
pub fn extract(catalog: &[CatalogSkill], posting: &PostingText<'_>) -> HashMap<Uuid, SkillImportance> {
    let mut must = String::new();
    let mut nice = String::new();
    for text in [
        Some(posting.description),
        posting.responsibilities,
        posting.requirements,
    ]
    .into_iter()
    .flatten()
    {
        let (m, n) = split_sections(text);
        must.push_str(&m);
        nice.push_str(&n);
    }
    nice.push_str(posting.nice_to_haves.unwrap_or(""));
    let (must, nice) = (fold(&must), fold(&nice));
    let (must_lower, nice_lower) = (must.to_ascii_lowercase(), nice.to_ascii_lowercase());

    let mut found = HashMap::new();
    for skill in catalog {
        let in_text = |text: &str, lower: &str| skill.terms.iter().any(|term| occurs(text, lower, term));
        if in_text(&must, &must_lower) {
            found.insert(skill.id, SkillImportance::MustHave);
        } else if in_text(&nice, &nice_lower) {
            found.insert(skill.id, SkillImportance::NiceToHave);
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(text: &str, term: &str) -> bool {
        let folded = fold(text);
        occurs(&folded, &folded.to_ascii_lowercase(), term)
    }

    #[test]
    fn whole_terms_only() {
        assert!(found("We use Java and Kotlin.", "java"));
        assert!(!found("We use JavaScript.", "java"));
        assert!(found("Modern C++ (17/20).", "c++"));
        assert!(!found("Modern C++ (17/20).", "c"));
        assert!(!found("We write C# daily", "c"));
        assert!(found("We write C# daily", "c#"));
        assert!(found("Services on .NET 8", ".net"));
        assert!(!found("Services on ASP.NET", ".net"));
        assert!(found("Backend in Node.js", "node.js"));
        assert!(!found("Backend in Node.js", "node"));
        assert!(!found("Pages in Next.js", "js"));
        assert!(found("Plain JS, no framework", "js"));
        assert!(found("Pipelines with CI/CD", "ci/cd"));
        assert!(found("Applied machine  learning at scale", "machine learning"));
        assert!(!found("Our R&D team", "r"));
        assert!(!found("Strong background required", "r"));
        assert!(found("Python, R, or SQL", "r"));
        assert!(!found("We raised our Series C funding", "c"));
    }

    #[test]
    fn strict_terms_keep_their_casing_and_place() {
        assert!(found("Services written in Go and Python.", "go"));
        assert!(!found("Go beyond what is expected.", "go"));
        assert!(!found("Ready to go the extra mile", "go"));
        assert!(!found("- Go deep on customer problems", "go"));
        assert!(found("Our stack: Rust, Postgres", "rust"));
        assert!(!found("Remove rust from old pipes", "rust"));
        assert!(!found("for the rest of the team", "rest"));
        assert!(found("Design REST APIs", "rest"));
    }

    #[test]
    fn nice_to_have_sections() {
        let (must, nice) = split_sections(
            "We need Rust.\n\nNice to have:\n- Kubernetes\n- Terraform\n\nRequirements:\n- PostgreSQL\nBonus: Kafka experience",
        );
        assert!(must.contains("Rust") && must.contains("PostgreSQL"));
        assert!(nice.contains("Kubernetes") && nice.contains("Terraform") && nice.contains("Kafka"));
        assert!(!must.contains("Kubernetes") && !nice.contains("PostgreSQL"));
    }
}
