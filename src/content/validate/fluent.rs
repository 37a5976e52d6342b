//! Fluent checks: syntax, messages missing from a locale, messages unused,
//! and the links in messages (Telegram makes links of URLs in plain text).

use std::collections::BTreeMap;

use crate::diagnostics::{Code, Diagnostic, FileId, SourceMap};
use crate::i18n::{LocaleMessages, Msg, REQUIRED_MESSAGES, parse_locale};
use crate::links::{self, Verdict};

/// Parses every locale's files; `None` if a locale has no files at all.
pub fn check(
    sources: &SourceMap,
    locales: &[String],
    files: &BTreeMap<String, Vec<FileId>>,
    push: &mut dyn FnMut(Diagnostic),
) -> Option<Vec<LocaleMessages>> {
    let mut parsed = Vec::new();
    for code in locales {
        match files.get(code).filter(|f| !f.is_empty()) {
            Some(locale_files) => {
                let (messages, diagnostics) = parse_locale(sources, code, locale_files);
                diagnostics.into_iter().for_each(&mut *push);
                parsed.push((code, locale_files[0], messages));
            }
            None => push(
                Diagnostic::new(Code::Io, format!("no Fluent files for locale `{code}`")).help(format!(
                    "create `{code}/bot.ftl` in the locales directory with the interface strings"
                )),
            ),
        }
    }

    for file in files.values().flatten() {
        check_links(sources, *file, push);
    }

    for (code, first_file, messages) in &parsed {
        let runtime = Msg::ALL.iter().map(|message| message.id());
        for id in REQUIRED_MESSAGES.iter().copied().chain(runtime) {
            if messages.definitions.contains_key(id) {
                continue;
            }
            let mut diagnostic = Diagnostic::new(
                Code::FluentMissing,
                format!("message `{id}` is missing in locale `{code}`"),
            )
            .at(sources.span(*first_file, 0, 0))
            .label(format!("add `{id} = ...` to this locale"));
            if let Some((other, span)) = parsed
                .iter()
                .find_map(|(other, _, m)| m.definitions.get(id).map(|span| (other, *span)))
            {
                diagnostic = diagnostic.related(span, format!("defined in `{other}` here"));
            }
            push(diagnostic);
        }
        for (id, span) in &messages.definitions {
            let used = REQUIRED_MESSAGES.contains(&id.as_str()) || Msg::ALL.iter().any(|message| message.id() == id);
            if !used {
                push(
                    Diagnostic::new(Code::FluentExtra, format!("message `{id}` is not used by the bot"))
                        .at(*span)
                        .help("remove it, or check its spelling against the other locale"),
                );
            }
        }
    }
    (parsed.len() == locales.len()).then(|| parsed.into_iter().map(|(_, _, m)| m).collect())
}

/// Judges every URL in the messages of `file` (comments are never shown).
fn check_links(sources: &SourceMap, file: FileId, push: &mut dyn FnMut(Diagnostic)) {
    let mut offset = 0;
    for line in sources.text(file).split_inclusive('\n') {
        if !line.trim_start().starts_with('#') {
            for found in links::find(line) {
                let span = sources.span(file, offset + found.start, found.len());
                match links::judge_found(&line[found]) {
                    Verdict::Refused(why) => push(
                        Diagnostic::new(Code::RefusedLink, format!("an interface string has a link no message may carry: {why}"))
                            .at(span)
                            .label("refused link")
                            .help("link only to chats and channels (https://t.me/name or tg://resolve?domain=name) or to websites"),
                    ),
                    Verdict::Elsewhere(host) => push(
                        Diagnostic::new(Code::LinkElsewhere, format!("an interface string links to `{host}`, outside Telegram"))
                            .at(span)
                            .label("outside Telegram")
                            .help("opening it shows that site the person's IP address: link only to sites the organisation trusts"),
                    ),
                    Verdict::Telegram => {}
                }
            }
        }
        offset += line.len();
    }
}

/// Formats a message to check it; used for the strings the builder formats.
pub fn format_error(id: &str, code: &str, problem: &str, messages: &LocaleMessages) -> Diagnostic {
    let diagnostic = Diagnostic::new(
        Code::FluentInvalid,
        format!("message `{id}` in locale `{code}` cannot be formatted: {problem}"),
    )
    .help("check the variables it uses: the bot passes only those documented in locales/README.md");
    match messages.definitions.get(id) {
        Some(span) => diagnostic.at(*span),
        None => diagnostic,
    }
}
