//! Checks a `{ ru: ..., en: ... }` map against the manifest's locales.
//! The primary and the default locale must be complete; any other may lag
//! behind, its missing texts taken from the primary locale. Every text's
//! URLs are judged by `links` too: Telegram links them in any text it shows.

use std::ops::Deref;

use serde_saphyr::Spanned;

use crate::content::raw::Localized;
use crate::diagnostics::yaml::{span_in_value, spanned};
use crate::diagnostics::{Code, Diagnostic, FileId, SourceMap, did_you_mean};
use crate::links::{self, Verdict};

/// The manifest's valid locale codes, in manifest order, and which two must
/// be complete: the primary (what the others translate) and the default
/// (what everyone else is served).
#[derive(Clone, Debug, Default)]
pub struct Locales {
    pub codes: Vec<String>,
    pub primary: usize,
    pub default: usize,
}

impl Locales {
    /// Whether a text missing in locale `index` is an error rather than a
    /// gap filled from the primary locale.
    pub fn is_strict(&self, index: usize) -> bool {
        index == self.primary || index == self.default
    }

    pub fn primary_code(&self) -> &str {
        self.codes.get(self.primary).map_or("", String::as_str)
    }
}

impl Deref for Locales {
    type Target = [String];
    fn deref(&self) -> &[String] {
        &self.codes
    }
}

/// Judges the URLs in `text` ([`links::find`]) as Telegram would show them:
/// refused ones are errors, other sites warnings. A Markdown link's
/// destination (`](…)`, `<…>`) is left to the renderer, which judges it
/// decoded.
fn check_links(
    sources: &SourceMap,
    file: FileId,
    text: &Spanned<String>,
    what: &str,
    push: &mut dyn FnMut(Diagnostic),
) {
    for found in links::find(&text.value) {
        let before = &text.value[..found.start];
        if before.ends_with("](") || before.ends_with('<') {
            continue;
        }
        let span = span_in_value(sources, file, text, found.clone());
        match links::judge_found(&text.value[found]) {
            Verdict::Refused(why) => push(
                Diagnostic::new(Code::RefusedLink, format!("{what} has a link no text may carry: {why}"))
                    .at(span)
                    .label("refused link")
                    .help("link only to chats and channels (https://t.me/name or tg://resolve?domain=name) or to websites"),
            ),
            Verdict::Elsewhere(host) => push(
                Diagnostic::new(Code::LinkElsewhere, format!("{what} links to `{host}`, outside Telegram"))
                    .at(span)
                    .label("outside Telegram")
                    .help("opening it shows that site the person's IP address: link only to sites the organisation trusts"),
            ),
            Verdict::Telegram => {}
        }
    }
}

/// The text of `map` in `code`, unless missing or blank.
pub fn text_in<'a>(map: &'a Localized, code: &str) -> Option<&'a Spanned<String>> {
    map.get(code).filter(|t| !t.value.trim().is_empty())
}

/// Reports unknown locales of `map`, and missing or empty texts in the
/// primary and default locales, described as `what` ("title of node
/// `cpr`"). Returns a text per manifest locale, in manifest order, the
/// primary's standing in for untranslated ones, when the strict locales
/// are complete.
pub fn check<'a>(
    sources: &SourceMap,
    file: FileId,
    map: &'a Spanned<Localized>,
    what: &str,
    locales: &Locales,
    push: &mut dyn FnMut(Diagnostic),
) -> Option<Vec<&'a Spanned<String>>> {
    for (code, text) in &map.value {
        check_links(sources, file, text, what, push);
        if !locales.is_empty() && !locales.contains(code) {
            let hint = did_you_mean(code, locales.iter().map(String::as_str))
                .map(|s| format!("did you mean `{s}`?"))
                .unwrap_or_else(|| format!("the manifest's locales are: {}", locales.join(", ")));
            push(
                Diagnostic::new(
                    Code::UnknownLocale,
                    format!("{what} has text for unknown locale `{code}`"),
                )
                .at(spanned(sources, file, text))
                .label("not a locale of this bot")
                .help(hint),
            );
        }
    }
    let mut complete = true;
    for (index, code) in locales.iter().enumerate().filter(|(i, _)| locales.is_strict(*i)) {
        match map.value.get(code) {
            Some(text) if text.value.trim().is_empty() => {
                complete = false;
                push(
                    Diagnostic::new(Code::MissingLocale, format!("{what} is empty in locale `{code}`"))
                        .at(spanned(sources, file, text))
                        .label("empty text")
                        .help(format!("write the text: {}", strict_help(locales, index))),
                );
            }
            Some(_) => {}
            None => {
                complete = false;
                push(
                    Diagnostic::new(Code::MissingLocale, format!("{what} is missing locale `{code}`"))
                        .at(spanned(sources, file, map))
                        .label(format!("no `{code}` here"))
                        .help(format!("add `{code}: ...`; {}", strict_help(locales, index))),
                );
            }
        }
    }
    if !complete || locales.is_empty() {
        return (complete && locales.is_empty()).then(Vec::new);
    }
    let primary = text_in(&map.value, locales.primary_code())?;
    Some(
        locales
            .iter()
            .map(|code| text_in(&map.value, code).unwrap_or(primary))
            .collect(),
    )
}

fn strict_help(locales: &Locales, index: usize) -> &'static str {
    if index == locales.primary {
        "the primary locale is what every translation translates: it must be complete"
    } else {
        "the default locale serves everyone whose language the bot lacks: it must be complete"
    }
}
