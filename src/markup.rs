//! The Markdown subset editors write, rendered for Telegram and for terminals.
//!
//! Parsed with pulldown-cmark; rendered to Telegram HTML (only `<b>`, `<i>`,
//! `<code>` and `<a href>`, everything else escaped) and to plain text for the
//! console. Anything Telegram cannot show (headings, images, tables, raw HTML,
//! code blocks, quotes, rules) is reported with its byte range in the source
//! text, so the validator can point at it, and so are lists nested past
//! [`MAX_LIST_DEPTH`] and texts that render past [`MAX_RENDERED`]: rendering
//! stops there, so no text costs more memory than a few screens. This module
//! does no I/O.

use std::ops::Range;

use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};

use crate::links::{self, Verdict};

/// Link schemes Telegram opens; `tel:` is not one of them (phone numbers go
/// in text). Which links of these may appear is `links::judge`'s to say.
const LINK_SCHEMES: &[&str] = &["https://", "http://", "tg://"];

/// A text rendered once at load time, in both output formats.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Rendered {
    /// Telegram HTML (`parse_mode = HTML`).
    pub html: String,
    /// Plain text for the console, links written out as `text (url)`.
    pub plain: String,
    /// Length as Telegram counts it: UTF-16 units of the text without tags.
    pub visible_len: usize,
}

impl Rendered {
    /// Plain text that needs no Markdown parsing (Fluent strings, titles).
    pub fn from_plain(text: &str) -> Self {
        Rendered {
            html: escape_html(text),
            plain: text.to_owned(),
            visible_len: utf16_len(text),
        }
    }

    /// Text in bold (screen titles).
    pub fn bold(text: &str) -> Self {
        Rendered {
            html: format!("<b>{}</b>", escape_html(text)),
            plain: text.to_owned(),
            visible_len: utf16_len(text),
        }
    }

    /// Appends `other` after a blank line; empty parts add no separator.
    pub fn push_block(&mut self, other: &Rendered) {
        if other.plain.is_empty() {
            return;
        }
        if !self.plain.is_empty() {
            self.html.push_str("\n\n");
            self.plain.push_str("\n\n");
            self.visible_len += 2;
        }
        self.html.push_str(&other.html);
        self.plain.push_str(&other.plain);
        self.visible_len += other.visible_len;
    }

    /// Joins blocks with blank lines.
    pub fn join<'a>(blocks: impl IntoIterator<Item = &'a Rendered>) -> Rendered {
        let mut out = Rendered::default();
        for block in blocks {
            out.push_block(block);
        }
        out
    }
}

/// Markup found in a text that Telegram messages cannot express, or that
/// goes past the bot's limits.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Unsupported {
    /// Byte range in the Markdown source.
    pub range: Range<usize>,
    /// What it is, e.g. "a heading".
    pub what: &'static str,
    /// How to write it instead.
    pub instead: &'static str,
    /// Which rule it breaks.
    pub problem: Problem,
}

/// The rule a finding breaks, so the validator can give each its code.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Problem {
    /// Telegram cannot show it.
    Unsupported,
    /// Nested or long past what the bot renders ([`MAX_LIST_DEPTH`],
    /// [`MAX_RENDERED`]).
    Limit,
    /// A link no page may carry (`links::judge`): a proxy, an app action.
    RefusedLink,
    /// A link to a site outside Telegram: allowed, worth a reviewer's look.
    Elsewhere,
}

/// How deep lists may nest. Telegram shows a nested list as indented
/// lines; past a few levels it is unreadable on a phone, and each level
/// indents every line below it (a list nested 10,000 deep on one line once
/// rendered to 150 million characters).
pub const MAX_LIST_DEPTH: usize = 4;

/// Where rendering stops, in UTF-16 units: sixteen times the longest
/// Telegram message, so a text this long fails the length check anyway.
pub const MAX_RENDERED: usize = 16 * 4096;

/// Renders `markdown`; also returns every unsupported construct found.
pub fn render_markdown(markdown: &str) -> (Rendered, Vec<Unsupported>) {
    let mut renderer = Renderer::default();
    for (event, range) in Parser::new_ext(markdown, Options::empty()).into_offset_iter() {
        renderer.event(event, range);
    }
    let mut unsupported = renderer.unsupported;
    for problem in &mut unsupported {
        // Point at the construct, not at the line break after it.
        let trimmed = markdown[problem.range.clone()].trim_end().len();
        problem.range.end = problem.range.start + trimmed.max(1).min(problem.range.len());
    }
    let mut rendered = Rendered {
        html: renderer.html.trim_end().to_owned(),
        plain: renderer.plain.trim_end().to_owned(),
        visible_len: 0,
    };
    rendered.visible_len = renderer.visible_len - (renderer.html.len() - rendered.html.len());
    (rendered, unsupported)
}

/// Escapes the three characters Telegram's HTML parser needs escaped.
pub fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            _ => out.push(c),
        }
    }
    out
}

/// Length in UTF-16 code units, the unit of Telegram's message limits.
pub fn utf16_len(text: &str) -> usize {
    text.chars().map(char::len_utf16).sum()
}

#[derive(Default)]
struct Renderer {
    html: String,
    plain: String,
    visible_len: usize,
    /// Open lists: `Some(next number)` for ordered ones.
    lists: Vec<Option<u64>>,
    /// Destination of each open link, written after its text in plain output.
    links: Vec<String>,
    /// Nesting depth of unsupported containers whose content is dropped.
    skipping: usize,
    /// Set once the output passed [`MAX_RENDERED`]: nothing more is rendered.
    overflowed: bool,
    unsupported: Vec<Unsupported>,
}

impl Renderer {
    fn event(&mut self, event: Event<'_>, range: Range<usize>) {
        if self.overflowed {
            return;
        }
        if self.visible_len > MAX_RENDERED {
            self.overflowed = true;
            self.unsupported.push(Unsupported {
                range,
                what: "a text longer than the bot renders",
                instead: "shorten the text or split it into two pages linked by a button",
                problem: Problem::Limit,
            });
            return;
        }
        if self.skipping > 0 {
            match event {
                Event::Start(_) => self.skipping += 1,
                Event::End(_) => self.skipping -= 1,
                _ => {}
            }
            return;
        }
        match event {
            Event::Start(tag) => self.start(tag, range),
            Event::End(tag) => self.end(tag),
            Event::Text(text) => self.text(&text),
            Event::Code(code) => {
                self.html.push_str("<code>");
                self.text(&code);
                self.html.push_str("</code>");
            }
            Event::SoftBreak => self.text(" "),
            Event::HardBreak => self.newline(),
            Event::Html(_) | Event::InlineHtml(_) => {
                self.reject(range, "HTML", "write plain text; use **bold** or *italic* for emphasis")
            }
            Event::Rule => self.reject(range, "a horizontal rule", "separate parts with a blank line"),
            Event::FootnoteReference(_) | Event::TaskListMarker(_) | Event::InlineMath(_) | Event::DisplayMath(_) => {
                self.reject(range, "this markup", "write plain text")
            }
        }
    }

    fn start(&mut self, tag: Tag<'_>, range: Range<usize>) {
        match tag {
            Tag::Paragraph => self.block_gap(),
            Tag::List(_) if self.lists.len() == MAX_LIST_DEPTH => {
                self.unsupported.push(Unsupported {
                    range,
                    what: "a list nested deeper than the bot allows",
                    instead: "flatten the list: a phone screen shows two or three levels well",
                    problem: Problem::Limit,
                });
                self.skipping = 1;
            }
            Tag::List(first) => {
                if self.lists.is_empty() {
                    self.block_gap();
                }
                self.lists.push(first);
            }
            Tag::Item => {
                self.newline_if_needed();
                let depth = self.lists.len().saturating_sub(1);
                self.text(&"   ".repeat(depth));
                let marker = match self.lists.last_mut() {
                    Some(Some(n)) => {
                        *n += 1;
                        format!("{}. ", *n - 1)
                    }
                    _ => "• ".to_owned(),
                };
                self.text(&marker);
            }
            Tag::Strong => self.html.push_str("<b>"),
            Tag::Emphasis => self.html.push_str("<i>"),
            Tag::Link { dest_url, .. } => match links::judge(&dest_url) {
                _ if !LINK_SCHEMES.iter().any(|s| dest_url.starts_with(s)) => {
                    self.reject(
                        range,
                        "a link Telegram cannot open",
                        "links must start with https://, http:// or tg://resolve; write phone numbers as plain text",
                    );
                    self.skipping = 1;
                }
                Verdict::Refused(why) => {
                    self.refuse_link(range, why);
                    self.skipping = 1;
                }
                verdict => {
                    if let Verdict::Elsewhere(_) = verdict {
                        self.elsewhere(range);
                    }
                    self.html.push_str(&format!("<a href=\"{}\">", escape_html(&dest_url)));
                    self.links.push(dest_url.to_string());
                }
            },
            Tag::Heading { .. } => self.reject_container(range, "a heading", "use a **bold** line instead"),
            Tag::BlockQuote(_) => self.reject_container(range, "a block quote", "write it as a normal paragraph"),
            Tag::CodeBlock(_) => self.reject_container(range, "a code block", "write it as a normal paragraph"),
            Tag::Image { .. } => {
                self.reject_container(range, "an image", "attach pictures with the node's `media` field")
            }
            Tag::HtmlBlock => self.reject_container(range, "HTML", "write plain text; use **bold** or *italic*"),
            _ => self.reject_container(
                range,
                "this markup",
                "use paragraphs, lists, **bold**, *italic* and links",
            ),
        }
    }

    fn end(&mut self, tag: TagEnd) {
        match tag {
            TagEnd::List(_) => {
                self.lists.pop();
            }
            TagEnd::Strong => self.html.push_str("</b>"),
            TagEnd::Emphasis => self.html.push_str("</i>"),
            TagEnd::Link => {
                self.html.push_str("</a>");
                if let Some(url) = self.links.pop() {
                    self.plain.push_str(&format!(" ({url})"));
                }
            }
            _ => {}
        }
    }

    fn text(&mut self, text: &str) {
        self.html.push_str(&escape_html(text));
        self.plain.push_str(text);
        self.visible_len += utf16_len(text);
    }

    fn newline(&mut self) {
        self.text("\n");
    }

    fn newline_if_needed(&mut self) {
        if !self.plain.is_empty() && !self.plain.ends_with('\n') {
            self.newline();
        }
    }

    /// Separates top-level blocks with one blank line.
    fn block_gap(&mut self) {
        if self.lists.is_empty() && !self.plain.is_empty() {
            self.newline_if_needed();
            self.newline();
        }
    }

    fn reject(&mut self, range: Range<usize>, what: &'static str, instead: &'static str) {
        self.unsupported.push(Unsupported {
            range,
            what,
            instead,
            problem: Problem::Unsupported,
        });
    }

    fn refuse_link(&mut self, range: Range<usize>, why: &'static str) {
        self.unsupported.push(Unsupported {
            range,
            what: why,
            instead: "link only to chats and channels (https://t.me/name or tg://resolve?domain=name) or to websites",
            problem: Problem::RefusedLink,
        });
    }

    fn elsewhere(&mut self, range: Range<usize>) {
        self.unsupported.push(Unsupported {
            range,
            what: "a link to a site outside Telegram",
            instead: "opening it shows that site the person's IP address: link only to sites the organisation trusts",
            problem: Problem::Elsewhere,
        });
    }

    fn reject_container(&mut self, range: Range<usize>, what: &'static str, instead: &'static str) {
        self.reject(range, what, instead);
        self.skipping = 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn html(markdown: &str) -> String {
        let (rendered, unsupported) = render_markdown(markdown);
        let errors: Vec<_> = unsupported.iter().filter(|u| u.problem != Problem::Elsewhere).collect();
        assert!(errors.is_empty(), "{errors:?}");
        rendered.html
    }

    #[test]
    fn renders_emphasis_links_and_escapes() {
        assert_eq!(
            html("**Call 112** & *stay* 1 < 2 [info](https://example.org/?a=1&b=2)"),
            "<b>Call 112</b> &amp; <i>stay</i> 1 &lt; 2 <a href=\"https://example.org/?a=1&amp;b=2\">info</a>"
        );
    }

    #[test]
    fn renders_numbered_and_nested_lists() {
        let (rendered, _) = render_markdown("Do this:\n\n1. Call\n2. Check\n   - look\n   - listen\n\nThen wait.");
        assert_eq!(
            rendered.plain,
            "Do this:\n\n1. Call\n2. Check\n   • look\n   • listen\n\nThen wait."
        );
        assert_eq!(rendered.visible_len, utf16_len(&rendered.plain));
    }

    #[test]
    fn plain_output_spells_out_links() {
        let (rendered, _) = render_markdown("See [the guide](https://example.org).");
        assert_eq!(rendered.plain, "See the guide (https://example.org).");
        assert_eq!(rendered.visible_len, utf16_len("See the guide."));
    }

    #[test]
    fn rejects_what_telegram_cannot_show_with_its_position() {
        let source = "Intro\n\n# Heading\n\n![x](a.png) <b>raw</b>\n\n[call](tel:112)";
        let (rendered, unsupported) = render_markdown(source);
        let found: Vec<_> = unsupported.iter().map(|u| (u.what, &source[u.range.clone()])).collect();
        assert_eq!(
            found,
            [
                ("a heading", "# Heading"),
                ("an image", "![x](a.png)"),
                ("HTML", "<b>"),
                ("HTML", "</b>"),
                ("a link Telegram cannot open", "[call](tel:112)"),
            ]
        );
        assert!(!rendered.html.contains("Heading"));
    }

    #[test]
    fn lists_nested_past_the_limit_are_refused_and_not_rendered() {
        let at_limit = (0..MAX_LIST_DEPTH)
            .map(|d| format!("{}- level {d}\n", "  ".repeat(d)))
            .collect::<String>();
        assert!(html(&at_limit).contains("level 3"));
        let deeper = format!("{at_limit}{}- too deep\n", "  ".repeat(MAX_LIST_DEPTH));
        let (rendered, found) = render_markdown(&deeper);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(
            (found[0].problem, &deeper[found[0].range.clone()]),
            (Problem::Limit, "- too deep")
        );
        assert!(!rendered.plain.contains("too deep"));
    }

    #[test]
    fn a_list_nested_ten_thousand_deep_costs_no_more_than_its_size() {
        // `- - - … x`: once rendered to ~1.5·n² characters (599 MB for 20 KB).
        let source = format!("{}x", "- ".repeat(10_000));
        let (rendered, found) = render_markdown(&source);
        assert_eq!(found.iter().map(|f| f.problem).collect::<Vec<_>>(), [Problem::Limit]);
        assert!(rendered.html.len() < source.len(), "{} bytes", rendered.html.len());
    }

    #[test]
    fn rendering_stops_past_the_cap() {
        let source = "word ".repeat(MAX_RENDERED);
        let (rendered, found) = render_markdown(&format!("{source}\n\n{source}\n\n{source}"));
        assert_eq!(found.iter().map(|f| f.problem).collect::<Vec<_>>(), [Problem::Limit]);
        assert!(rendered.visible_len <= 2 * source.len(), "{}", rendered.visible_len);
    }

    #[test]
    fn proxy_links_are_refused_as_links_and_as_plain_text() {
        // Plain URLs are judged with every text (`links::find`); a link's
        // destination here, decoded.
        let source = "[fast](tg://proxy?server=1.2.3.4&port=443&secret=ab) \
            [chat](https://t.me/help_bot) [site](https://example.org) \
            [x](tg&#58;//socks?server=1)";
        let (rendered, found) = render_markdown(source);
        let found: Vec<_> = found.iter().map(|f| (f.problem, &source[f.range.clone()])).collect();
        assert_eq!(
            found,
            [
                (
                    Problem::RefusedLink,
                    "[fast](tg://proxy?server=1.2.3.4&port=443&secret=ab)"
                ),
                (Problem::Elsewhere, "[site](https://example.org)"),
                (Problem::RefusedLink, "[x](tg&#58;//socks?server=1)"),
            ]
        );
        assert!(!rendered.html.contains("proxy?server=1.2.3.4"), "{}", rendered.html);
        assert!(rendered.html.contains("<a href=\"https://t.me/help_bot\">chat</a>"));
    }

    #[test]
    fn visible_length_counts_utf16_units() {
        let (rendered, _) = render_markdown("**Не дышит** 🚑");
        assert_eq!(rendered.visible_len, 8 + 1 + 2);
    }
}
