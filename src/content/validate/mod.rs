//! Validation: raw, position-carrying content in; a `Content` (only if there
//! are no errors) and every diagnostic out. Pure: the loader has already read
//! every file this needs, including media bytes.

mod build;
mod companion;
mod fluent;
mod graph;
mod groups;
mod localized;
mod manifest;
mod nodes;
mod search;
mod services;
mod translations;

use chrono::NaiveDate;

use super::model::Content;
use super::parsed::Parsed;
use super::translation::Status;
use crate::diagnostics::{Diagnostic, Diagnostics, SourceMap};

/// Default for `review_max_age_days`: medical guidance changes; a page nobody
/// has looked at for a year deserves a second look.
pub const DEFAULT_REVIEW_MAX_AGE_DAYS: u32 = 365;

/// Settings of a validation run that do not live in the content.
#[derive(Clone, Debug)]
pub struct Options {
    /// "Today" for review-age checks (a flag, so golden tests are stable).
    pub today: NaiveDate,
    /// Overrides the manifest's `review_max_age_days`.
    pub review_max_age_days: Option<u32>,
}

/// Checks everything and builds `Content` when there are no errors; works
/// out the translations' states either way.
pub fn validate(sources: &SourceMap, parsed: &Parsed, options: &Options) -> (Option<Content>, Status, Diagnostics) {
    let mut diagnostics = Diagnostics::default();
    let push = &mut |d: Diagnostic| diagnostics.push(d);

    let manifest = parsed
        .manifest
        .as_ref()
        .map(|(file, raw)| manifest::check(sources, *file, raw, push));
    let locales = manifest.as_ref().map(|m| m.locales.clone()).unwrap_or_default();
    let reviewers = manifest.as_ref().map(|m| m.reviewers.clone()).unwrap_or_default();
    let review_max_age_days = options
        .review_max_age_days
        .or(manifest.as_ref().and_then(|m| m.review_max_age_days))
        .unwrap_or(DEFAULT_REVIEW_MAX_AGE_DAYS);
    let context = nodes::Context {
        sources,
        locales: &locales,
        parsed,
        today: options.today,
        review_max_age_days,
        reviewers: &reviewers,
    };
    let nodes = nodes::check(&context, push);
    let companions = companion::check(&context, &nodes, push);
    let services = services::check(sources, parsed.services.as_ref(), &locales, &nodes, push);
    let messages = fluent::check(sources, &locales, &parsed.locale_files, push);
    let Some(manifest) = manifest else {
        diagnostics.sort(sources);
        return (None, Status::default(), diagnostics);
    };
    let translations = translations::check(sources, parsed, &manifest, push);
    graph::check(sources, parsed, &manifest, &nodes, push);
    let groups = groups::check(sources, parsed, &manifest, &nodes, push);
    let strings = messages.and_then(|messages| build::strings(&manifest, &nodes, messages, push));
    if let Some(strings) = &strings {
        let footer_lens: Vec<usize> = strings
            .iter()
            .map(|(_, ui)| crate::markup::utf16_len(&ui.footer))
            .collect();
        nodes::check_lengths(sources, &nodes, &locales, &footer_lens, push);
    }
    let content = match (strings, services) {
        (Some(strings), Some((timetable, units))) if !diagnostics.has_errors() => {
            let beside = build::Beside {
                companions,
                timetable,
                units,
                translations: &translations,
                groups,
            };
            build::content(sources, parsed, &manifest, nodes, beside, strings)
        }
        _ => None,
    };
    if let Some(content) = &content {
        search::check(sources, parsed, content, &mut |d: Diagnostic| diagnostics.push(d));
    }
    diagnostics.sort(sources);
    (content, translations, diagnostics)
}
