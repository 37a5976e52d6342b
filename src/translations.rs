//! `translations`: a translator's to-do list, per language, of the texts
//! that are missing, out of date (their primary-language text changed
//! since the translation was stamped) or never stamped, each with its
//! `file:line:col`; and `--stamp`, which records in `translations.lock`
//! that translations are up to date with the current primary text. Pure:
//! the command writes what `stamp` returns.

use std::fmt::Write;

use serde::Serialize;

use crate::content::Loaded;
use crate::content::stamps::Stamps;
use crate::content::translation::{Entry, State};
use crate::diagnostics::{SourceMap, Span};
use crate::locale::TO_TRANSLATE;

/// A language that is not one the manifest translates into.
#[derive(Debug, thiserror::Error)]
pub enum TranslationsError {
    #[error("`{0}` is not a translated locale of this content (translated: {1})")]
    UnknownLocale(String, String),
    #[error("`{0}` is the primary locale: the others are stamped against it")]
    Primary(String),
    #[error("no node `{0}` has translatable texts")]
    UnknownNode(String),
}

/// The to-do list of every language (or one).
#[derive(Debug, Serialize)]
pub struct Report {
    pub primary: String,
    /// Whether `translations.lock` exists.
    pub tracked: bool,
    pub languages: Vec<Language>,
}

#[derive(Debug, Serialize)]
pub struct Language {
    pub code: String,
    /// The language menu offers it (its emergency path is translated).
    pub offered: bool,
    pub texts: usize,
    pub translated: usize,
    pub up_to_date: usize,
    /// What needs doing, in file order.
    pub todo: Vec<Item>,
}

#[derive(Debug, Serialize)]
pub struct Item {
    /// `missing`, `out-of-date`, `unstamped`, or `fluent`: an interface
    /// message still marked to translate.
    pub state: &'static str,
    pub key: String,
    /// The translation, or the map that lacks it.
    pub file: String,
    pub line: usize,
    pub column: usize,
    /// Where the primary-language text is (0 for Fluent messages).
    pub source_line: usize,
}

/// The to-do list of `lang`, or of every translated locale.
pub fn report(loaded: &Loaded, lang: Option<&str>) -> Result<Report, TranslationsError> {
    let status = &loaded.translations;
    let columns = columns(loaded, lang.into_iter().map(str::to_owned).collect())?;
    let languages = columns
        .into_iter()
        .map(|column| {
            let of = |state| status.entries.iter().filter(|e| e.locales[column].0 == state).count();
            let code = &status.locales[column];
            let mut todo: Vec<Item> = status
                .entries
                .iter()
                .filter_map(|entry| item(&loaded.sources, entry, entry.locales[column]))
                .collect();
            todo.extend(marked_messages(loaded, code));
            Language {
                code: status.locales[column].clone(),
                offered: status.offered[column],
                texts: status.entries.len(),
                translated: status.entries.len() - of(State::Missing),
                up_to_date: of(State::Current),
                todo,
            }
        })
        .collect();
    Ok(Report {
        primary: status.primary.clone(),
        tracked: status.tracked,
        languages,
    })
}

fn item(sources: &SourceMap, entry: &Entry, (state, span): (State, Span)) -> Option<Item> {
    let state = match state {
        State::Current => return None,
        State::Stale => "out-of-date",
        State::Unstamped => "unstamped",
        State::Missing => "missing",
    };
    let (line, column) = sources.line_col(span.file, span.start);
    Some(Item {
        state,
        key: entry.key.clone(),
        file: sources.path(span.file).to_owned(),
        line,
        column,
        source_line: sources.line_col(entry.source.file, entry.source.start).0,
    })
}

impl Report {
    /// For a terminal: per language, a summary line and the to-do items.
    pub fn human(&self) -> String {
        let mut out = String::new();
        if !self.tracked {
            let _ = writeln!(
                out,
                "no translations.lock yet: nothing is stamped; `overdose-bot translations --stamp` starts tracking"
            );
        }
        for language in &self.languages {
            let _ = writeln!(
                out,
                "{}: {} of {} texts translated, {} up to date with `{}`{}",
                language.code,
                language.translated,
                language.texts,
                language.up_to_date,
                self.primary,
                if language.offered {
                    ""
                } else {
                    "; not offered in the language menu until its emergency path is translated"
                }
            );
            for item in &language.todo {
                let _ = write!(
                    out,
                    "  {}:{}:{}: {} `{}`",
                    item.file, item.line, item.column, item.state, item.key
                );
                if item.source_line > 0 {
                    let _ = write!(out, " (`{}` text on line {})", self.primary, item.source_line);
                }
                out.push('\n');
            }
        }
        out
    }

    pub fn json(&self) -> String {
        let mut text = serde_json::to_string_pretty(self).expect("a report always serializes");
        text.push('\n');
        text
    }
}

/// Fluent messages of locale `code` still carrying `locale add`'s marker.
fn marked_messages(loaded: &Loaded, code: &str) -> Vec<Item> {
    let sources = &loaded.sources;
    let files = loaded
        .parsed
        .locale_files
        .get(code)
        .map(Vec::as_slice)
        .unwrap_or_default();
    let mut items = Vec::new();
    for &file in files {
        let lines: Vec<&str> = sources.text(file).lines().collect();
        for (index, line) in lines.iter().enumerate() {
            if !line.starts_with(TO_TRANSLATE) {
                continue;
            }
            let id = lines
                .get(index + 1)
                .and_then(|l| l.split_once('='))
                .map_or("", |(id, _)| id.trim());
            items.push(Item {
                state: "fluent",
                key: id.to_owned(),
                file: sources.path(file).to_owned(),
                line: index + 2,
                column: 1,
                source_line: 0,
            });
        }
    }
    items
}

/// The stamps after marking the translations of `langs` (every translated
/// locale if empty) of `nodes` (every text if empty; `:manifest` for the
/// manifest's) as made from the current primary text; stamps of texts that
/// no longer exist are dropped. Returns them and how many changed.
pub fn stamp(loaded: &Loaded, langs: &[String], nodes: &[String]) -> Result<(Stamps, usize), TranslationsError> {
    let status = &loaded.translations;
    let columns = columns(loaded, langs.to_vec())?;
    for node in nodes {
        let known = status
            .entries
            .iter()
            .any(|e| e.node.as_deref().unwrap_or(":manifest") == node);
        if !known {
            return Err(TranslationsError::UnknownNode(node.clone()));
        }
    }
    let mut stamps = Stamps::new();
    let mut changed = 0;
    for entry in &status.entries {
        let selected_node =
            nodes.is_empty() || nodes.iter().any(|n| *n == entry.node.as_deref().unwrap_or(":manifest"));
        for (column, code) in status.locales.iter().enumerate() {
            if entry.locales[column].0 == State::Missing {
                continue;
            }
            let old = status.stamps.get(code).and_then(|t| t.get(&entry.key));
            let hash = if selected_node && columns.contains(&column) {
                if old != Some(&entry.source_hash) {
                    changed += 1;
                }
                &entry.source_hash
            } else if let Some(old) = old {
                old
            } else {
                continue;
            };
            stamps
                .entry(code.clone())
                .or_default()
                .insert(entry.key.clone(), hash.clone());
        }
    }
    Ok((stamps, changed))
}

/// The status columns of `langs`, or all of them.
fn columns(loaded: &Loaded, langs: Vec<String>) -> Result<Vec<usize>, TranslationsError> {
    let status = &loaded.translations;
    if langs.is_empty() {
        return Ok((0..status.locales.len()).collect());
    }
    langs
        .into_iter()
        .map(|lang| {
            if lang == status.primary {
                return Err(TranslationsError::Primary(lang));
            }
            status
                .locales
                .iter()
                .position(|c| *c == lang)
                .ok_or_else(|| TranslationsError::UnknownLocale(lang, status.locales.join(", ")))
        })
        .collect()
}
