//! Builds the immutable `Content` from checked parts and pre-renders every
//! screen in every locale. Runs only when validation found no errors.

use std::collections::HashMap;

use super::fluent::format_error;
use super::groups::Groups;
use super::manifest::Manifest;
use super::nodes::CheckedNodes;
use crate::content::keys::{NodeKey, VersionTag};
use crate::content::model::{
    Companion, Content, EmergencyNumber, Locale, LocaleData, Media, Node, NodeIdx, Review, Translation,
};
use crate::content::parsed::Parsed;
use crate::content::raw::NodeKind;
use crate::content::translation::{State, Status};
use crate::diagnostics::{Diagnostic, SourceMap};
use crate::i18n::{LocaleMessages, UiContext, UiStrings};
use crate::markup::Rendered;
use crate::search::{Document, SearchIndex};
use crate::services::Timetable;

/// Search ranks a page slightly above a menu matching the same words.
const PAGE_SEARCH_BOOST: f32 = 0.05;

/// Formats each locale's interface strings; reports messages that fail.
pub fn strings(
    manifest: &Manifest<'_>,
    nodes: &CheckedNodes<'_>,
    messages: Vec<LocaleMessages>,
    push: &mut dyn FnMut(Diagnostic),
) -> Option<Vec<(LocaleMessages, UiStrings)>> {
    let disclaimer = manifest.disclaimer.as_ref()?;
    let organisation = manifest.organisation.as_ref()?;
    let last_review = last_review(nodes).map(|d| d.to_string());
    let numbers = numbers_line(manifest);
    let primary_language = messages
        .get(manifest.locales.primary)
        .and_then(|m| m.format("language-name", None).ok())
        .unwrap_or_default();
    let mut built = Vec::new();
    for (index, messages) in messages.into_iter().enumerate() {
        let code = &manifest.locales[index];
        let context = UiContext {
            numbers: &numbers,
            version: &manifest.raw.version.value,
            last_review: last_review.as_deref(),
            disclaimer: disclaimer[index].value.trim(),
            organisation: &organisation[index].0,
            contact: &organisation[index].1,
            primary_language: &primary_language,
        };
        match UiStrings::build(&messages, &context) {
            Ok(ui) => built.push((messages, ui)),
            Err(errors) => {
                // A message absent from the bundle is already reported as
                // missing (E0009) or as a syntax error (E0008).
                let present = errors.into_iter().filter(|(id, _)| messages.bundle.has_message(id));
                for (id, problem) in present {
                    push(format_error(id, code, &problem, &messages));
                }
            }
        }
    }
    (built.len() == manifest.locales.len()).then_some(built)
}

/// What the checks beside the nodes' own found, for the build: the
/// companions' check-ins, the timetable and which unit each timetable node
/// shows, the state of the translations, and what groups are answered.
pub struct Beside<'s> {
    pub companions: HashMap<usize, Companion>,
    pub timetable: Timetable,
    pub units: HashMap<usize, usize>,
    pub translations: &'s Status,
    /// The group commands and the nodes' summaries.
    pub groups: Groups,
}

/// Assembles `Content` from every check's result; only called without errors.
#[allow(clippy::too_many_arguments)] // one argument per check that feeds it
pub fn content(
    sources: &SourceMap,
    parsed: &Parsed,
    manifest: &Manifest<'_>,
    nodes: CheckedNodes<'_>,
    beside: Beside<'_>,
    strings: Vec<(LocaleMessages, UiStrings)>,
) -> Option<Content> {
    let Beside {
        mut companions,
        timetable,
        units,
        translations,
        mut groups,
    } = beside;
    let raw = manifest.raw;
    let primary = manifest.locales.primary;
    // The status lists the locales other than the primary, in order.
    let column = |locale: usize| (locale != primary).then(|| locale - usize::from(locale > primary));
    let locales: Vec<LocaleData> = strings
        .into_iter()
        .zip(&raw.locales.value)
        .enumerate()
        .map(|(index, ((messages, ui), raw_locale))| {
            let footer = Rendered::from_plain(&ui.footer);
            let help = Rendered::join([
                &Rendered::from_plain(&ui.help),
                &numbers_block(manifest, &raw_locale.code.value),
                &footer,
            ]);
            let about = Rendered::join([&Rendered::from_plain(&ui.about), &footer]);
            let privacy = Rendered::join([&Rendered::from_plain(&ui.privacy), &footer]);
            LocaleData {
                code: raw_locale.code.value.clone(),
                also_for: raw_locale.also_for.iter().map(|a| a.value.clone()).collect(),
                offered: column(index).is_none_or(|c| translations.offered.get(c).copied().unwrap_or(true)),
                messages,
                ui,
                footer,
                help,
                about,
                privacy,
            }
        })
        .collect();

    let mut built = Vec::with_capacity(nodes.list.len());
    let mut documents = Vec::new();
    for (index, node) in nodes.list.iter().enumerate() {
        let titles = node.titles.as_ref()?;
        let bodies = node.bodies.as_ref()?;
        let id = node.raw.id.value.as_str();
        let states: Vec<Translation> = (0..locales.len())
            .map(|locale| match column(locale) {
                None => Translation::Source,
                Some(c) => match translations.of_node(id, c) {
                    State::Current => Translation::Current,
                    State::Unstamped if !translations.tracked => Translation::Current,
                    State::Stale | State::Unstamped => Translation::OutOfDate,
                    State::Missing => Translation::Missing,
                },
            })
            .collect();
        let screens = titles
            .iter()
            .zip(bodies)
            .zip(&locales)
            .zip(&states)
            .map(|(((title, body), locale), state)| {
                let screen = Rendered::join([&Rendered::bold(title), body, &locale.footer]);
                if *state == Translation::Missing {
                    Rendered::join([&Rendered::from_plain(&locale.ui.untranslated), &screen])
                } else {
                    screen
                }
            })
            .collect();
        // Companions start from buttons; search answers with pages (a
        // companion's title would outrank the page a question needs).
        let searchable = node.kind != NodeKind::Companion;
        for (locale_index, locale) in locales.iter().enumerate().filter(|_| searchable) {
            let keywords = node
                .raw
                .keywords
                .as_ref()
                .and_then(|k| k.value.get(&locale.code))
                .map(|k| k.value.iter().map(String::as_str).collect())
                .unwrap_or_default();
            let boost = if node.kind == NodeKind::Page {
                PAGE_SEARCH_BOOST
            } else {
                0.0
            };
            documents.push(Document {
                node: index,
                locale: locale_index,
                title: titles[locale_index].as_str(),
                keywords,
                boost,
            });
        }
        let media = match &node.raw.media {
            Some(media) => {
                let bytes = parsed.media.get(&media.value.file.value)?.clone();
                Some(Media {
                    kind: media.value.kind,
                    file: media.value.file.value.clone(),
                    digest: digest(&bytes),
                    bytes,
                })
            }
            None => None,
        };
        built.push(Node {
            id: node.raw.id.value.clone(),
            kind: node.kind,
            key: NodeKey::of(&node.raw.id.value),
            titles: titles.clone(),
            screens,
            buttons: node.buttons.iter().map(|&b| NodeIdx(b)).collect(),
            media,
            review: node.review.clone(),
            sources: node.raw.sources.iter().map(|s| s.value.clone()).collect(),
            fill_in: node.raw.fill_in.as_ref().is_some_and(|f| f.value),
            urgent: node.raw.urgent.as_ref().is_some_and(|f| f.value),
            file: sources.path(node.file).to_owned(),
            unit: units.get(&index).copied(),
            line: node.raw.line.as_ref().map(|line| line.value.clone()),
            translations: states,
            summaries: groups.summaries.remove(&index),
            companion: companions.remove(&index).map(|mut companion| {
                for checkin in &mut companion.checkins {
                    for (screen, locale) in checkin.screens.iter_mut().zip(&locales) {
                        *screen = Rendered::join([&*screen, &locale.footer]);
                    }
                }
                companion
            }),
        });
    }
    let codes: Vec<&str> = locales.iter().map(|l| l.code.as_str()).collect();
    let emergency_index = nodes.by_id.get(raw.emergency.value.as_str()).copied();
    let search = SearchIndex::build(&codes, documents, emergency_index);
    let by_id: HashMap<String, NodeIdx> = built
        .iter()
        .enumerate()
        .map(|(i, n)| (n.id.clone(), NodeIdx(i)))
        .collect();
    let by_key = built.iter().enumerate().map(|(i, n)| (n.key, NodeIdx(i))).collect();
    let emergency_numbers = manifest
        .numbers
        .iter()
        .map(|(number, labels)| EmergencyNumber {
            number: number.clone(),
            labels: labels.clone(),
        })
        .collect();
    Some(Content {
        version: raw.version.value.clone(),
        version_tag: VersionTag::of(&raw.version.value),
        default_locale: Locale(manifest.default_locale?),
        primary_locale: Locale(primary),
        root: *by_id.get(&raw.root.value)?,
        emergency: *by_id.get(&raw.emergency.value)?,
        photo: match &raw.photo {
            Some(photo) => Some(*by_id.get(&photo.value)?),
            None => None,
        },
        last_review: last_review(&nodes),
        locales,
        nodes: built,
        by_id,
        by_key,
        emergency_numbers,
        group_commands: groups
            .commands
            .into_iter()
            .map(|(name, node)| (name, NodeIdx(node)))
            .collect(),
        search,
        timetable,
    })
}

fn last_review(nodes: &CheckedNodes<'_>) -> Option<chrono::NaiveDate> {
    nodes
        .list
        .iter()
        .filter_map(|n| match &n.review {
            Review::Reviewed { on, .. } => Some(*on),
            _ => None,
        })
        .max()
}

/// "112, 103": the numbers as the footer shows them.
fn numbers_line(manifest: &Manifest<'_>) -> String {
    manifest
        .numbers
        .iter()
        .map(|(n, _)| n.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

/// One line per emergency number with its label, for /help.
fn numbers_block(manifest: &Manifest<'_>, code: &str) -> Rendered {
    let index = manifest.locales.iter().position(|c| c == code).unwrap_or(0);
    let lines: Vec<String> = manifest
        .numbers
        .iter()
        .map(|(number, labels)| format!("☎️ {number} — {}", labels[index].trim()))
        .collect();
    Rendered::from_plain(&lines.join("\n"))
}

fn digest(bytes: &[u8]) -> u64 {
    use std::hash::Hasher;
    let mut hasher = fnv::FnvHasher::default();
    hasher.write(bytes);
    hasher.finish()
}
