//! `overdose-bot search "<text>" [--explain]`: what the bot's search makes of
//! a message, for editors tuning keywords. Lists the pages in the bot's
//! order with their scores; with `--explain`, how the message was read
//! (stems, negations `¬`, doubt `?`, other keyboard layout, Latin letters
//! read as Russian), the emergency rule's verdict, and for every page which
//! query words matched which title or keyword, how (same stem, prefix, typo
//! with its edit distance) and for how many points.

use std::fmt::Write as _;

use crate::content::{Content, Locale};
use crate::i18n::MAX_SEARCH_RESULTS;
use crate::search::{How, Reading};

/// The report for `query` typed by a person whose locale is `locale`.
pub fn report(content: &Content, locale: Locale, query: &str, explain: bool) -> String {
    let explanation = content.explain_search(locale, query);
    let mut out = String::new();
    let code = content.locale_code(locale);
    let _ = writeln!(out, "search {query:?} (interface language {code})");
    if explain {
        let _ = writeln!(out, "\nread as:");
        for reading in &explanation.readings {
            if reading.terms.is_empty() {
                continue;
            }
            let _ = writeln!(
                out,
                "  {} {}: {}",
                reading.locale,
                reading.reading.name(),
                reading.terms.join(" ")
            );
        }
    }
    let emergency_id = content.node(content.emergency()).id();
    match &explanation.emergency {
        Some(found) if found.countered_by.is_none() => {
            let _ = writeln!(
                out,
                "\nemergency: contains {:?}, a keyword of `{emergency_id}` ({}, {}): the bot opens `{emergency_id}` at once",
                found.phrase,
                found.locale,
                found.reading.name()
            );
        }
        Some(found) => {
            let _ = writeln!(
                out,
                "\nnot an emergency: contains {:?}, a keyword of `{emergency_id}`, but also {:?}, the opposite of one of its negated keywords ({}, {})",
                found.phrase,
                found.countered_by.as_deref().unwrap_or_default(),
                found.locale,
                found.reading.name()
            );
        }
        None if explain => {
            let _ = writeln!(
                out,
                "\nnot an emergency: no keyword of `{emergency_id}` is in the message"
            );
        }
        None => {}
    }
    if explanation.results.is_empty() {
        let _ = writeln!(out, "\nnothing found: the bot shows the main menu with a hint");
        return out;
    }
    let _ = writeln!(out, "\n{:>2}  {:>6}  {:<24} title", "#", "score", "page");
    for (rank, result) in explanation.results.iter().enumerate() {
        let node = content.node(crate::content::NodeIdx(result.node));
        let shown = if rank < MAX_SEARCH_RESULTS {
            ""
        } else {
            " (not listed: the bot shows 5)"
        };
        let first = if result.emergency_first {
            " [emergency: first]"
        } else {
            ""
        };
        let _ = writeln!(
            out,
            "{:>2}  {:>6.2}  {:<24} {}{first}{shown}",
            rank + 1,
            result.score,
            node.id(),
            node.title(locale)
        );
        if !explain {
            continue;
        }
        let via = if result.reading == Reading::AsTyped {
            format!("{} keywords", result.locale)
        } else {
            format!("{} keywords, {}", result.locale, result.reading.name())
        };
        let _ = writeln!(out, "      via {via}:");
        for found in &result.matches {
            let how = match found.how {
                How::Same => "same stem".to_owned(),
                How::Prefix => "prefix".to_owned(),
                How::Typo(1) => "typo, 1 edit".to_owned(),
                How::Typo(n) => format!("typo, {n} edits"),
            };
            let _ = writeln!(
                out,
                "      {:?} {} -> {} in {:?} ({how}, {:.2}); phrase {:.0} % matched; +{:.2}",
                found.query_word,
                found.query_term,
                found.phrase_term,
                found.phrase,
                found.similarity,
                found.coverage * 100.0,
                found.points
            );
        }
        if result.phrase_bonus > 0.0 {
            let _ = writeln!(
                out,
                "      a keyword phrase of several words matched in full: +{:.2}",
                result.phrase_bonus
            );
        }
        if result.boost > 0.0 {
            let _ = writeln!(out, "      a page, not a menu: +{:.2}", result.boost);
        }
        for (word, points) in &result.contradictions {
            let _ = writeln!(out, "      has the opposite of {word:?} (negated or not): -{points:.2}");
        }
    }
    out
}
