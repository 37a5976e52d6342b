//! Checks a `{ ru: ..., en: ... }` map against the manifest's locales.

use serde_saphyr::Spanned;

use crate::content::raw::Localized;
use crate::diagnostics::yaml::spanned;
use crate::diagnostics::{Code, Diagnostic, FileId, SourceMap, did_you_mean};

/// Reports missing, empty and unknown locales of `map`, described as `what`
/// ("title of node `cpr`"). Returns the texts in manifest locale order when
/// every locale is present and non-empty.
pub fn check<'a>(
    sources: &SourceMap,
    file: FileId,
    map: &'a Spanned<Localized>,
    what: &str,
    locales: &[String],
    push: &mut dyn FnMut(Diagnostic),
) -> Option<Vec<&'a Spanned<String>>> {
    let mut texts = Vec::with_capacity(locales.len());
    for (code, text) in &map.value {
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
    for code in locales {
        match map.value.get(code) {
            Some(text) if text.value.trim().is_empty() => push(
                Diagnostic::new(Code::MissingLocale, format!("{what} is empty in locale `{code}`"))
                    .at(spanned(sources, file, text))
                    .label("empty text")
                    .help("write the text, or copy the other locale's text and mark the page `status: draft`"),
            ),
            Some(text) => texts.push(text),
            None => push(
                Diagnostic::new(Code::MissingLocale, format!("{what} is missing locale `{code}`"))
                    .at(spanned(sources, file, map))
                    .label(format!("no `{code}` here"))
                    .help(format!("add `{code}: ...`: every text must exist in every locale")),
            ),
        }
    }
    (texts.len() == locales.len()).then_some(texts)
}
