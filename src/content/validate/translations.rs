//! Translations against their source: stale and never-stamped translations
//! (W0010), each locale's coverage (W0012) and whether its emergency path is
//! complete enough to offer it in the language menu (W0013).

use std::collections::HashSet;

use super::localized::text_in;
use super::manifest::Manifest;
use crate::content::parsed::Parsed;
use crate::content::stamps::Stamps;
use crate::content::texts::{self, hash};
use crate::content::translation::{Entry, State, Status};
use crate::diagnostics::yaml::spanned;
use crate::diagnostics::{Code, Diagnostic, SourceMap};

/// How many missing keys a W0013 names before "and N more".
const LISTED: usize = 5;

pub fn check(
    sources: &SourceMap,
    parsed: &Parsed,
    manifest: &Manifest<'_>,
    push: &mut dyn FnMut(Diagnostic),
) -> Status {
    let locales = &manifest.locales;
    let primary = locales.primary_code();
    let others: Vec<(usize, &String)> = locales
        .iter()
        .enumerate()
        .filter(|(i, _)| *i != locales.primary)
        .collect();
    let raw_stamps = parsed.stamps.as_ref();
    let stamps: Stamps = raw_stamps
        .map(|(_, raw)| {
            raw.iter()
                .map(|(locale, texts)| {
                    let texts = texts.iter().map(|(k, v)| (k.clone(), v.value.clone())).collect();
                    (locale.clone(), texts)
                })
                .collect()
        })
        .unwrap_or_default();

    let mut entries = Vec::new();
    for text in texts::all(parsed) {
        let Some(source) = text_in(&text.map.value, primary) else {
            continue; // reported as E0006
        };
        let source_hash = hash(&source.value);
        let mut states = Vec::with_capacity(others.len());
        for &(_, code) in &others {
            let Some(translation) = text_in(&text.map.value, code) else {
                states.push((State::Missing, spanned(sources, text.file, text.map)));
                continue;
            };
            let span = spanned(sources, text.file, translation);
            let stamp = raw_stamps.and_then(|(file, raw)| {
                raw.get(code.as_str())
                    .and_then(|t| t.get(&text.key))
                    .map(|h| (*file, h))
            });
            let state = match stamp {
                Some((_, stamped)) if stamped.value == source_hash => State::Current,
                Some((lock, stamped)) => {
                    push(
                        Diagnostic::new(
                            Code::TranslationStale,
                            format!(
                                "the `{code}` translation of `{}` is out of date: the `{primary}` text changed after it was stamped",
                                text.key
                            ),
                        )
                        .at(span)
                        .label("translates an older text")
                        .related(spanned(sources, lock, stamped), "stamped here")
                        .help(stamp_help(code, primary, text.node)),
                    );
                    State::Stale
                }
                None => {
                    if raw_stamps.is_some() {
                        push(
                            Diagnostic::new(
                                Code::TranslationStale,
                                format!("the `{code}` translation of `{}` was never stamped", text.key),
                            )
                            .at(span)
                            .label("which version of the text does it translate?")
                            .help(stamp_help(code, primary, text.node)),
                        );
                    }
                    State::Unstamped
                }
            };
            states.push((state, span));
        }
        entries.push(Entry {
            key: text.key,
            node: text.node.map(str::to_owned),
            file: text.file,
            source: spanned(sources, text.file, source),
            source_hash,
            locales: states,
        });
    }

    let emergency_path = EmergencyPath::of(parsed, manifest);
    let mut offered = Vec::with_capacity(others.len());
    for (column, &(index, code)) in others.iter().enumerate() {
        let span = manifest.span(sources, &manifest.raw.locales.value[position(manifest, code)].code);
        let missing: Vec<&Entry> = entries
            .iter()
            .filter(|e| e.locales[column].0 == State::Missing)
            .collect();
        // Gaps in the primary and default locales are errors (E0006) already.
        if !missing.is_empty() && !locales.is_strict(index) {
            let pages: HashSet<&str> = missing.iter().filter_map(|e| e.node.as_deref()).collect();
            push(
                Diagnostic::new(
                    Code::TranslationCoverage,
                    format!(
                        "locale `{code}` has {} of {} texts; {} page{} shown in `{primary}` until translated",
                        entries.len() - missing.len(),
                        entries.len(),
                        pages.len(),
                        if pages.len() == 1 { " is" } else { "s are" },
                    ),
                )
                .at(span)
                .help(format!("`overdose-bot translations --lang {code}` lists them")),
            );
        }
        let gaps: Vec<&str> = missing
            .iter()
            .filter(|e| emergency_path.contains(e))
            .map(|e| e.key.as_str())
            .collect();
        let complete = locales.is_strict(index) || gaps.is_empty();
        if !complete {
            let mut listed = gaps
                .iter()
                .take(LISTED)
                .map(|k| format!("`{k}`"))
                .collect::<Vec<_>>()
                .join(", ");
            if gaps.len() > LISTED {
                listed.push_str(&format!(" and {} more", gaps.len() - LISTED));
            }
            push(
                Diagnostic::new(
                    Code::LocaleNotOffered,
                    format!("locale `{code}` is not offered yet: its emergency path lacks {listed}"),
                )
                .at(span)
                .label("not in the language menu")
                .help("translate the main menu, the emergency page and the titles of the emergency page's buttons"),
            );
        }
        offered.push(complete);
    }

    let mut by_node: std::collections::HashMap<String, Vec<usize>> = std::collections::HashMap::new();
    for (index, entry) in entries.iter().enumerate() {
        if let Some(node) = &entry.node {
            by_node.entry(node.clone()).or_default().push(index);
        }
    }
    Status {
        primary: primary.to_owned(),
        locales: others.iter().map(|(_, c)| (*c).clone()).collect(),
        tracked: raw_stamps.is_some(),
        stamps,
        entries,
        by_node,
        offered,
    }
}

/// What a person meets on the way to the emergency page and on it: every
/// text of the main menu and of the emergency page, and the titles of the
/// nodes the emergency page's buttons lead to (their labels).
struct EmergencyPath<'a> {
    whole: [&'a str; 2],
    titles: HashSet<&'a str>,
}

impl EmergencyPath<'_> {
    fn of<'a>(parsed: &'a Parsed, manifest: &Manifest<'a>) -> EmergencyPath<'a> {
        let emergency = manifest.raw.emergency.value.as_str();
        let titles = parsed
            .nodes
            .iter()
            .find(|(_, n)| n.id.value == emergency)
            .map(|(_, n)| n.buttons.iter().map(|b| b.value.as_str()).collect())
            .unwrap_or_default();
        EmergencyPath {
            whole: [manifest.raw.root.value.as_str(), emergency],
            titles,
        }
    }

    fn contains(&self, entry: &Entry) -> bool {
        let Some(node) = entry.node.as_deref() else {
            return false;
        };
        self.whole.contains(&node) || (self.titles.contains(node) && entry.key == format!("{node}.title"))
    }
}

fn stamp_help(code: &str, primary: &str, node: Option<&str>) -> String {
    format!(
        "make the `{code}` text say what the `{primary}` one says, then run `overdose-bot translations --stamp --lang {code} --node {}`",
        node.unwrap_or(":manifest")
    )
}

fn position(manifest: &Manifest<'_>, code: &str) -> usize {
    manifest
        .raw
        .locales
        .value
        .iter()
        .position(|l| l.code.value == code)
        .unwrap_or(0)
}
