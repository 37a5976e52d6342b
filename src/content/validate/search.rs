//! Keywords that make an emergency message ambiguous (W0008).
//!
//! The emergency page's keywords are emergency phrases: a message containing
//! one opens the emergency page at once (see `crate::search`). A keyword or
//! title of any other page that itself reads as such a message (it contains
//! an emergency phrase and does not say the opposite of one) is a mistake:
//! a person typing it gets the emergency page, never that page, and an editor
//! reading the keyword list believes otherwise. "дышит, но не просыпается"
//! on the page for someone unconscious but breathing is fine: it says the
//! person breathes.

use std::collections::HashMap;

use crate::content::model::{Content, Locale};
use crate::content::parsed::Parsed;
use crate::diagnostics::yaml::spanned;
use crate::diagnostics::{Code, Diagnostic, FileId, SourceMap, Span};

pub fn check(sources: &SourceMap, parsed: &Parsed, content: &Content, push: &mut dyn FnMut(Diagnostic)) {
    let emergency = content.node(content.emergency()).id();
    // What the search index found while reading the pages; reported here in
    // the files' order, at each text's place.
    let read: HashMap<(&str, Locale, &str), &str> = content
        .read_as_emergency()
        .map(|(locale, node, text, phrase)| ((content.node(node).id(), locale, text), phrase))
        .collect();
    let emergency_phrase_in = |id: &str, locale: Locale, text: &str| read.get(&(id, locale, text.trim())).copied();
    for (file, raw) in &parsed.nodes {
        let id = raw.id.value.as_str();
        // Companions are not searched: their titles are buttons, not answers.
        let searched = raw
            .kind
            .as_ref()
            .is_none_or(|k| k.value != crate::content::NodeKind::Companion);
        if id == emergency || !searched {
            continue;
        }
        for (code, title) in &raw.title.value {
            let Some(locale) = content.locale_by_code(code) else {
                continue;
            };
            if let Some(phrase) = emergency_phrase_in(id, locale, &title.value) {
                push(diagnostic(
                    id,
                    "title",
                    &title.value,
                    phrase,
                    emergency,
                    spanned(sources, *file, title),
                ));
            }
        }
        let Some(keywords) = &raw.keywords else {
            continue;
        };
        for (code, list) in &keywords.value {
            let Some(locale) = content.locale_by_code(code) else {
                continue;
            };
            let list_span = spanned(sources, *file, list);
            for keyword in &list.value {
                if let Some(phrase) = emergency_phrase_in(id, locale, keyword) {
                    let span = keyword_span(sources, *file, list_span, keyword);
                    push(diagnostic(id, "keyword", keyword, phrase, emergency, span));
                }
            }
        }
    }
}

fn diagnostic(id: &str, what: &str, text: &str, phrase: &str, emergency: &str, span: Span) -> Diagnostic {
    Diagnostic::new(
        Code::EmergencyKeyword,
        format!("{what} `{text}` of `{id}` reads as an emergency: it contains `{phrase}`, a keyword of `{emergency}`"),
    )
    .at(span)
    .label("emergency phrase")
    .help(format!(
        "a message with it opens `{emergency}` at once, never `{id}`: remove it, or say what sets this page apart (\"дышит, но не просыпается\" says the person breathes)"
    ))
}

/// The keyword's own place in the list, or the list's start.
fn keyword_span(sources: &SourceMap, file: FileId, list: Span, keyword: &str) -> Span {
    let text = sources.text(file);
    let mut end = text.len().min(list.start + 4000);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let window = &text[list.start..end];
    // A whole item: after `[`, `,` or `- ` (and maybe a quote), before `,`, `]` or the line's end.
    let whole = |at: usize| {
        let before = window[..at].trim_end_matches(['"', '\'']).trim_end();
        let after = window[at + keyword.len()..]
            .trim_start_matches(['"', '\''])
            .trim_start_matches(' ');
        before.ends_with(['[', ',', '-']) && (after.is_empty() || after.starts_with([',', ']', '\n', '#']))
    };
    match window.match_indices(keyword).map(|(at, _)| at).find(|&at| whole(at)) {
        Some(at) => sources.span(file, list.start + at, keyword.len()),
        None => list,
    }
}
