//! Parses one locale's `.ftl` files into a thread-safe Fluent bundle, reporting
//! syntax errors and duplicate ids with their positions. Never hands Fluent's
//! recursive parser a file nested deeper than [`MAX_NESTING`], and never
//! parses on the caller's stack.

use std::collections::BTreeMap;

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentError, FluentResource};
use unic_langid::LanguageIdentifier;

use crate::diagnostics::{Code, Diagnostic, FileId, SourceMap, Span};

/// A locale's messages; the concurrent flavour so `Content` can be shared
/// between tokio worker threads.
pub type Bundle = FluentBundle<FluentResource>;

/// One locale's parsed messages and where each id is defined.
pub struct LocaleMessages {
    pub bundle: Bundle,
    /// Message id -> span of its definition, for cross-locale diagnostics.
    pub definitions: BTreeMap<String, Span>,
}

impl LocaleMessages {
    /// Formats message `id`; `Err` lists Fluent's complaints (unknown variable, ...).
    pub fn format(&self, id: &str, args: Option<&FluentArgs<'_>>) -> Result<String, String> {
        let message = self
            .bundle
            .get_message(id)
            .ok_or_else(|| format!("message `{id}` is missing"))?;
        let pattern = message.value().ok_or_else(|| format!("message `{id}` has no value"))?;
        let mut errors = Vec::new();
        let text = self.bundle.format_pattern(pattern, args, &mut errors);
        if errors.is_empty() {
            Ok(text.into_owned())
        } else {
            Err(errors.iter().map(ToString::to_string).collect::<Vec<_>>().join("; "))
        }
    }
}

/// Parses the `.ftl` files of locale `code` (already in `sources`).
pub fn parse_locale(sources: &SourceMap, code: &str, files: &[FileId]) -> (LocaleMessages, Vec<Diagnostic>) {
    let langid: LanguageIdentifier = code.parse().unwrap_or_default();
    let mut bundle = Bundle::new_concurrent(vec![langid]);
    // Unicode isolation marks around variables would show up as stray
    // characters in Telegram and break copy-pasting phone numbers.
    bundle.set_use_isolating(false);
    let mut diagnostics = Vec::new();
    let mut definitions = BTreeMap::new();
    for &file in files {
        let text = sources.text(file);
        if let Some(offset) = too_deep(text) {
            // Fluent's parser recurses per level: a deep file would overflow
            // the stack and kill the bot during a reload. Not parsed at all.
            diagnostics.push(
                Diagnostic::new(
                    Code::FluentTooDeep,
                    format!("placeables or call arguments nested more than {MAX_NESTING} deep"),
                )
                .at(sources.span(file, offset, 1))
                .label("one level too many")
                .help("interface strings need two or three levels at most; flatten this message"),
            );
            continue;
        }
        let Some(parsed) = parse_on_own_stack(text) else {
            diagnostics.push(
                Diagnostic::new(Code::FluentSyntax, "the Fluent parser gave up on this file")
                    .at(sources.span(file, 0, 0))
                    .help("simplify the file's messages; see https://projectfluent.org/fluent/guide/"),
            );
            continue;
        };
        let resource = match parsed {
            Ok(resource) => resource,
            Err((resource, errors)) => {
                for error in errors {
                    let span = sources.span(file, error.pos.start, error.pos.len().max(1));
                    diagnostics.push(
                        Diagnostic::new(Code::FluentSyntax, format!("Fluent syntax error: {}", error.kind))
                            .at(span)
                            .label("cannot parse this")
                            .help("see https://projectfluent.org/fluent/guide/ for the syntax"),
                    );
                }
                resource
            }
        };
        for (id, span) in message_definitions(sources, file) {
            if let Some(first) = definitions.get(&id) {
                diagnostics.push(
                    Diagnostic::new(Code::FluentSyntax, format!("message `{id}` is defined twice"))
                        .at(span)
                        .label("second definition")
                        .related(*first, "first defined here"),
                );
            } else {
                definitions.insert(id, span);
            }
        }
        if let Err(errors) = bundle.add_resource(resource) {
            // Overriding is reported above with both places; nothing else is returned here.
            debug_assert!(errors.iter().all(|e| matches!(e, FluentError::Overriding { .. })));
        }
    }
    (LocaleMessages { bundle, definitions }, diagnostics)
}

/// How deep placeables (`{ ... }`) and call arguments (`F( ... )`,
/// `-term( ... )`) may nest, counted together: Fluent's parser recurses
/// into both. Real messages use two or three levels (a selector whose
/// variants hold placeables).
pub const MAX_NESTING: usize = 16;

/// The stack Fluent's parser runs on: ample for [`MAX_NESTING`] levels
/// whatever thread loads content (a tokio worker has 2 MiB), so a miscount
/// in [`too_deep`] still has room before it could overflow.
const PARSE_STACK_BYTES: usize = 16 * 1024 * 1024;

/// Fluent's parse result, as `FluentResource::try_new` returns it.
type Parsed = Result<FluentResource, (FluentResource, Vec<fluent_syntax::parser::ParserError>)>;

/// Parses `text` on a thread of its own with [`PARSE_STACK_BYTES`] of
/// stack: the second line of defence behind [`too_deep`]. `None` if the
/// thread could not start or the parser panicked.
fn parse_on_own_stack(text: &str) -> Option<Parsed> {
    let text = text.to_owned();
    std::thread::Builder::new()
        .name("fluent-parse".into())
        .stack_size(PARSE_STACK_BYTES)
        .spawn(move || FluentResource::try_new(text))
        .ok()?
        .join()
        .ok()
}

/// The byte offset of the first `{` or `(` past [`MAX_NESTING`] levels, if
/// any. Parentheses count inside placeables only (outside they are text);
/// a `}` closes its placeable with any parenthesis left open inside it, so
/// a stray `(` in a variant's text is forgotten at the placeable's end.
/// Braces and parentheses inside string literals (`{ "{(" }`) do not count.
fn too_deep(text: &str) -> Option<usize> {
    let mut open: Vec<char> = Vec::new();
    let mut in_string = false;
    let mut escaped = false;
    for (offset, c) in text.char_indices() {
        if in_string {
            match c {
                _ if escaped => escaped = false,
                '\\' => escaped = true,
                '"' | '\n' => in_string = false,
                _ => {}
            }
            continue;
        }
        match c {
            '{' | '(' if c == '{' || !open.is_empty() => {
                open.push(c);
                if open.len() > MAX_NESTING {
                    return Some(offset);
                }
            }
            '}' => {
                while let Some(closed) = open.pop() {
                    if closed == '{' {
                        break;
                    }
                }
            }
            ')' if open.last() == Some(&'(') => {
                open.pop();
            }
            '"' if !open.is_empty() => in_string = true,
            _ => {}
        }
    }
    None
}

/// Finds `id = ...` lines: message definitions start at column 1.
fn message_definitions(sources: &SourceMap, file: FileId) -> Vec<(String, Span)> {
    let text = sources.text(file);
    let mut offset = 0;
    let mut found = Vec::new();
    for line in text.split_inclusive('\n') {
        let id_len = line
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == '_'))
            .unwrap_or(line.len());
        let starts_with_letter = line.starts_with(|c: char| c.is_ascii_alphabetic());
        if starts_with_letter && line[id_len..].trim_start().starts_with('=') {
            found.push((line[..id_len].to_owned(), sources.span(file, offset, id_len)));
        }
        offset += line.len();
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nesting_is_counted_outside_string_literals_only() {
        let ordinary = "count = { $n ->\n    [one] { $n } item\n   *[other] { $n } items\n}\n";
        assert_eq!(too_deep(ordinary), None);
        let braces_in_strings = format!("x = {}\n", "{ \"{{{{\" }".repeat(40));
        assert_eq!(too_deep(&braces_in_strings), None);
        let at_limit = format!("x = {}1{}\n", "{ ".repeat(MAX_NESTING), " }".repeat(MAX_NESTING));
        assert_eq!(too_deep(&at_limit), None);
        let past_limit = format!("x = {}1{}\n", "{".repeat(MAX_NESTING + 1), "}".repeat(MAX_NESTING + 1));
        assert_eq!(too_deep(&past_limit), Some(4 + MAX_NESTING));
    }

    #[test]
    fn call_arguments_count_as_nesting() {
        let calls = |depth: usize, call: &str| format!("x = {{ {}1{} }}\n", call.repeat(depth), ")".repeat(depth));
        assert_eq!(too_deep(&calls(MAX_NESTING - 1, "NUMBER(")), None);
        assert_eq!(
            too_deep(&calls(MAX_NESTING, "NUMBER(")),
            Some(6 + 7 * (MAX_NESTING - 1) + 6)
        );
        assert!(too_deep(&calls(10_000, "-t(")).is_some());
        // Parentheses in text, and unclosed ones in a variant, are not nesting.
        let text = format!("x = {}\n", "(".repeat(100));
        assert_eq!(too_deep(&text), None);
        let variants = "x = { $n ->\n   *[other] (((( { $n }\n}\n".repeat(5);
        assert_eq!(too_deep(&variants), None);
    }

    #[test]
    fn ten_thousand_nested_calls_are_refused_not_parsed() {
        let mut sources = SourceMap::new();
        let deep = format!("deep = {{ {}1{} }}\n", "A(".repeat(10_000), ")".repeat(10_000));
        let file = sources.add("bot.ftl", deep);
        let (_, diagnostics) = parse_locale(&sources, "en", &[file]);
        assert_eq!(
            diagnostics.iter().map(|d| d.code).collect::<Vec<_>>(),
            [Code::FluentTooDeep]
        );
    }

    #[test]
    fn parsing_runs_on_its_own_stack() {
        // Deeper than the counter allows, as if it had missed a construct:
        // the parser's own thread still has room where a 256 KiB one had not.
        let text = format!("deep = {}1{}\n", "{ ".repeat(500), " }".repeat(500));
        let small = std::thread::Builder::new().stack_size(256 * 1024);
        let parsed = small
            .spawn(move || parse_on_own_stack(&text).map(|r| r.is_ok()))
            .unwrap();
        assert_eq!(parsed.join().unwrap(), Some(true));
    }
}
