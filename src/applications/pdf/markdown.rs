//! The Markdown subset an artifact's content may use: `#` headings (levels 1 to 3 drawn
//! larger, deeper ones as bold body text), `-`/`*`/`+` and `1.` lists (nested by indenting),
//! `**bold**`, `*italic*`, and links `[text](https://…)` or `<https://…>`, which become
//! clickable. Every line break is kept as written, so plain text lays out as it reads; anything
//! else (code, quotes, HTML) is shown as its text.

use std::ops::Range;

use pulldown_cmark::{Event, HeadingLevel, Parser, Tag, TagEnd};

#[derive(Debug, Clone, PartialEq)]
pub enum BlockKind {
    Heading(u8),
    Paragraph,
    /// A list item: its nesting depth (1 = top level) and its marker (`•` or `3.`).
    Item(usize, String),
}

#[derive(Debug, Clone)]
pub struct Block {
    pub kind: BlockKind,
    /// List depth of a paragraph inside a list item (its indent), 0 outside lists.
    pub depth: usize,
    pub text: String,
    pub bold: Vec<Range<usize>>,
    pub italic: Vec<Range<usize>>,
    pub links: Vec<(Range<usize>, String)>,
}

impl Block {
    fn new(kind: BlockKind, depth: usize) -> Self {
        Self {
            kind,
            depth,
            text: String::new(),
            bold: Vec::new(),
            italic: Vec::new(),
            links: Vec::new(),
        }
    }
}

pub fn parse(content: &str) -> Vec<Block> {
    let mut blocks: Vec<Block> = Vec::new();
    // One entry per open list: the next number of an ordered one.
    let mut lists: Vec<Option<u64>> = Vec::new();
    let mut bold_from = Vec::new();
    let mut italic_from = Vec::new();
    let mut link_from = Vec::new();
    // An item's first paragraph continues the item's block rather than starting one.
    let mut item_open = false;
    let current = |blocks: &mut Vec<Block>, depth: usize| -> usize {
        if blocks.is_empty() {
            blocks.push(Block::new(BlockKind::Paragraph, depth));
        }
        blocks.len() - 1
    };
    for event in Parser::new(content) {
        match event {
            Event::Start(Tag::Heading { level, .. }) => {
                let level = match level {
                    HeadingLevel::H1 => 1,
                    HeadingLevel::H2 => 2,
                    HeadingLevel::H3 => 3,
                    _ => 4,
                };
                blocks.push(Block::new(BlockKind::Heading(level), lists.len()));
                item_open = false;
            }
            Event::Start(Tag::Paragraph | Tag::CodeBlock(_)) => {
                let continues_item = std::mem::take(&mut item_open);
                if !continues_item {
                    blocks.push(Block::new(BlockKind::Paragraph, lists.len()));
                }
            }
            Event::Start(Tag::List(start)) => lists.push(start),
            Event::End(TagEnd::List(_)) => {
                lists.pop();
            }
            Event::Start(Tag::Item) => {
                let depth = lists.len();
                let marker = match lists.last_mut() {
                    Some(Some(number)) => {
                        *number += 1;
                        format!("{}.", *number - 1)
                    }
                    _ => "•".to_owned(),
                };
                blocks.push(Block::new(BlockKind::Item(depth, marker), depth));
                item_open = true;
            }
            Event::End(TagEnd::Item) => item_open = false,
            Event::Start(Tag::Strong) => bold_from.push(text_len(&mut blocks, &current)),
            Event::End(TagEnd::Strong) => {
                if let Some(from) = bold_from.pop() {
                    let index = current(&mut blocks, lists.len());
                    let block = &mut blocks[index];
                    block.bold.push(from..block.text.len());
                }
            }
            Event::Start(Tag::Emphasis) => italic_from.push(text_len(&mut blocks, &current)),
            Event::End(TagEnd::Emphasis) => {
                if let Some(from) = italic_from.pop() {
                    let index = current(&mut blocks, lists.len());
                    let block = &mut blocks[index];
                    block.italic.push(from..block.text.len());
                }
            }
            Event::Start(Tag::Link { dest_url, .. }) => {
                link_from.push((text_len(&mut blocks, &current), dest_url.into_string()));
            }
            Event::End(TagEnd::Link) => {
                if let Some((from, url)) = link_from.pop() {
                    let index = current(&mut blocks, lists.len());
                    let block = &mut blocks[index];
                    if from < block.text.len() {
                        block.links.push((from..block.text.len(), url));
                    }
                }
            }
            Event::Text(text) | Event::Code(text) | Event::Html(text) | Event::InlineHtml(text) => {
                let index = current(&mut blocks, lists.len());
                push_text(&mut blocks[index].text, &text);
            }
            Event::SoftBreak | Event::HardBreak => {
                let index = current(&mut blocks, lists.len());
                blocks[index].text.push('\n');
            }
            _ => {}
        }
    }
    for block in &mut blocks {
        // Code blocks and HTML end with their own line break.
        let kept = block.text.trim_end_matches('\n').len();
        block.text.truncate(kept);
    }
    blocks
}

fn text_len(blocks: &mut Vec<Block>, current: &impl Fn(&mut Vec<Block>, usize) -> usize) -> usize {
    let index = current(blocks, 0);
    blocks[index].text.len()
}

/// Tabs and other controls would draw as `.notdef`; a tab is a space here.
fn push_text(into: &mut String, text: &str) {
    into.extend(text.chars().map(|c| match c {
        '\n' => '\n',
        c if c.is_control() => ' ',
        c => c,
    }));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headings_lists_emphasis_and_links_become_blocks() {
        let blocks = parse(
            "# Ada\nLine one\nline two\n\n- **Led** the [team](https://example.com)\n  - nested\n1. first\n2. *second*\n\nAfter",
        );
        let kinds: Vec<_> = blocks
            .iter()
            .map(|block| (block.kind.clone(), block.text.as_str()))
            .collect();
        assert_eq!(
            kinds,
            vec![
                (BlockKind::Heading(1), "Ada"),
                (BlockKind::Paragraph, "Line one\nline two"),
                (BlockKind::Item(1, "•".into()), "Led the team"),
                (BlockKind::Item(2, "•".into()), "nested"),
                (BlockKind::Item(1, "1.".into()), "first"),
                (BlockKind::Item(1, "2.".into()), "second"),
                (BlockKind::Paragraph, "After"),
            ]
        );
        assert_eq!(blocks[2].bold, vec![0..3]);
        assert_eq!(blocks[2].links, vec![(8..12, "https://example.com".to_owned())]);
        assert_eq!(blocks[5].italic, vec![0..6]);
    }
}
