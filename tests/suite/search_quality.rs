//! Search quality on the labelled query set `tests/data/search-queries.tsv`:
//! messages as frightened people type them, each with the pages that answer
//! it. Runs every query through the bot's own search over the shipped
//! content and computes, per language:
//!
//! - hit@1: the first result is one of the query's pages;
//! - hit@3: one of them is among the first three;
//! - best@1: the first result is the page listed first (reported only).
//!
//! Fails below the floors, on any emergency query (someone unresponsive or
//! not breathing) whose first result is not the emergency page, or whose
//! message does not open the emergency page at once in the engine, and on
//! any other query that the emergency rule would take for one.
//!
//! `cargo test --test suite search_quality:: -- --nocapture` prints the figures and
//! every miss (BENCHMARKS.md quotes them).

use crate::support::Tree;
use overdose_bot::content::Content;
use overdose_bot::engine::{self, Input, Shows};
use overdose_bot::i18n::MAX_SEARCH_RESULTS;

/// Floors per language, from what the search reaches (BENCHMARKS.md).
const HIT_AT_1_FLOOR: f64 = 0.97;
const HIT_AT_3_FLOOR: f64 = 0.99;

struct Query {
    file: &'static str,
    line: usize,
    lang: String,
    emergency: bool,
    pages: Vec<String>,
    text: String,
}

/// The tuning set, then the fresh set (see each file's header).
const FILES: [&str; 2] = ["search-queries.tsv", "search-queries-fresh.tsv"];

fn queries() -> Vec<Query> {
    FILES.iter().flat_map(|file| queries_in(file)).collect()
}

fn queries_in(file: &'static str) -> Vec<Query> {
    let path = crate::support::root().join("tests/data").join(file);
    let text = std::fs::read_to_string(&path).unwrap();
    text.lines()
        .enumerate()
        .filter(|(_, line)| !line.trim().is_empty() && !line.starts_with('#'))
        .map(|(index, line)| {
            let fields: Vec<&str> = line.splitn(4, '\t').collect();
            assert_eq!(
                fields.len(),
                4,
                "{file}:{}: four tab-separated fields: {line:?}",
                index + 1
            );
            assert!(
                matches!(fields[1], "E" | "-"),
                "{file}:{}: the emergency column is E or -",
                index + 1
            );
            Query {
                file,
                line: index + 1,
                lang: fields[0].to_owned(),
                emergency: fields[1] == "E",
                pages: fields[2].split(',').map(|p| p.trim().to_owned()).collect(),
                text: fields[3].to_owned(),
            }
        })
        .collect()
}

#[derive(Default)]
struct Tally {
    queries: usize,
    hit1: usize,
    hit3: usize,
    best1: usize,
    emergency: usize,
    emergency_first: usize,
    misses: Vec<String>,
}

fn figures(tally: &Tally) -> String {
    format!(
        "{} queries; hit@1 {}, hit@3 {}, best@1 {}; emergency first {}",
        tally.queries,
        percent(tally.hit1, tally.queries),
        percent(tally.hit3, tally.queries),
        percent(tally.best1, tally.queries),
        percent(tally.emergency_first, tally.emergency),
    )
}

fn ratio(part: usize, whole: usize) -> f64 {
    if whole == 0 { 1.0 } else { part as f64 / whole as f64 }
}

fn percent(part: usize, whole: usize) -> String {
    format!("{:.1} % ({part}/{whole})", 100.0 * ratio(part, whole))
}

#[test]
fn labelled_queries_find_the_pages_that_answer_them() {
    let content: Content = Tree::Shipped.content();
    let queries = queries();
    assert!(queries.len() >= 200, "at least 200 labelled queries");
    let emergency = content.node(content.emergency()).id().to_owned();
    let mut tallies: Vec<(String, Tally)> = Vec::new();
    let mut failures = Vec::new();
    for query in &queries {
        for page in &query.pages {
            assert!(
                content.node_by_id(page).is_some(),
                "{}:{}: no page `{page}` in the shipped content",
                query.file,
                query.line
            );
        }
        if query.emergency {
            assert_eq!(
                query.pages[0], emergency,
                "{}:{}: an emergency query lists the emergency page first",
                query.file, query.line
            );
        }
        let locale = content
            .locale_by_code(&query.lang)
            .unwrap_or_else(|| panic!("{}:{}: no locale {}", query.file, query.line, query.lang));
        let found: Vec<String> = content
            .search(locale, &query.text, MAX_SEARCH_RESULTS)
            .into_iter()
            .map(|n| content.node(n).id().to_owned())
            .collect();
        let key = format!("{} {}", query.lang, query.file);
        let tally = match tallies.iter().position(|(k, _)| *k == key) {
            Some(at) => &mut tallies[at].1,
            None => {
                tallies.push((key, Tally::default()));
                &mut tallies.last_mut().unwrap().1
            }
        };
        tally.queries += 1;
        let hit1 = found.first().is_some_and(|f| query.pages.contains(f));
        let hit3 = found.iter().take(3).any(|f| query.pages.contains(f));
        tally.hit1 += usize::from(hit1);
        tally.hit3 += usize::from(hit3);
        tally.best1 += usize::from(found.first() == Some(&query.pages[0]));
        if hit1 && found.first() != Some(&query.pages[0]) {
            tally.misses.push(format!(
                "  (best@1 only) {}:{} {:?}: listed first {:?}, got {:?}",
                query.file, query.line, query.text, query.pages[0], found
            ));
        }
        if !hit1 {
            tally.misses.push(format!(
                "  {}:{} {:?}: wanted {:?}, got {:?}",
                query.file, query.line, query.text, query.pages, found
            ));
        }
        if !query.emergency && content.is_emergency(&query.text) {
            failures.push(format!(
                "{}:{} {:?} is not an emergency message, but the bot would open the emergency page at once",
                query.file, query.line, query.text
            ));
        }
        if query.emergency {
            tally.emergency += 1;
            let first = found.first() == Some(&emergency);
            let screen = engine::handle(&content, locale, Input::Text { text: &query.text });
            let opened = screen.shows == Shows::Node(content.emergency());
            tally.emergency_first += usize::from(first && opened);
            if !first || !opened {
                failures.push(format!(
                    "emergency query {}:{} {:?}: first {:?}, the engine shows {:?}",
                    query.file, query.line, query.text, found, screen.shows
                ));
            }
        }
    }
    println!("search quality on {} labelled queries:", queries.len());
    for (key, tally) in &tallies {
        println!("{key}: {}", figures(tally));
        for miss in &tally.misses {
            println!("{miss}");
        }
    }
    let mut languages: Vec<&str> = Vec::new();
    for query in &queries {
        if !languages.contains(&query.lang.as_str()) {
            languages.push(&query.lang);
        }
    }
    for lang in languages {
        let mut all = Tally::default();
        for (_, tally) in tallies.iter().filter(|(k, _)| k.split(' ').next() == Some(lang)) {
            all.queries += tally.queries;
            all.hit1 += tally.hit1;
            all.hit3 += tally.hit3;
            all.best1 += tally.best1;
            all.emergency += tally.emergency;
            all.emergency_first += tally.emergency_first;
        }
        println!("{lang}, both files: {}", figures(&all));
        let hit1 = ratio(all.hit1, all.queries);
        let hit3 = ratio(all.hit3, all.queries);
        if hit1 < HIT_AT_1_FLOOR {
            failures.push(format!("{lang}: hit@1 {hit1:.3} is below the floor {HIT_AT_1_FLOOR}"));
        }
        if hit3 < HIT_AT_3_FLOOR {
            failures.push(format!("{lang}: hit@3 {hit3:.3} is below the floor {HIT_AT_3_FLOOR}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn the_search_command_explains_a_ranking() {
    let run = |args: &[&str]| {
        let output = std::process::Command::new(env!("CARGO_BIN_EXE_overdose-bot"))
            .args(args)
            .current_dir(crate::support::root())
            .env_remove("OVERDOSE_BOT_LANG")
            .output()
            .unwrap();
        assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
        String::from_utf8(output.stdout).unwrap()
    };
    let out = run(&["search", "друг не дышыт", "--lang", "ru", "--explain"]);
    assert!(out.contains("ru as typed: друг ¬дыш"), "{out}");
    assert!(
        out.contains("emergency: contains \"не дышит\", a keyword of `not-breathing`"),
        "{out}"
    );
    assert!(out.contains(" 1  "), "{out}");
    assert!(
        out.contains("not-breathing") && out.contains("[emergency: first]"),
        "{out}"
    );
    let out = run(&["search", "nalaxone", "--lang", "en", "--explain"]);
    assert!(
        out.contains("\"nalaxone\" nalaxon -> naloxon in \"Naloxone\" (typo, 1 edit, 0.85)"),
        "{out}"
    );

    let out = run(&["search", "дышит но не просыпается", "--lang", "ru", "--explain"]);
    assert!(out.contains("not an emergency: contains \"не просыпается\""), "{out}");
    let first = out.lines().find(|l| l.starts_with(" 1 ")).unwrap();
    assert!(first.contains("breathing-unconscious"), "{out}");
    assert!(out.contains("has the opposite of \"дышит\""), "{out}");

    let out = run(&["search", "сколько колоть налоксон", "--lang", "ru"]);
    let first = out.lines().find(|l| l.starts_with(" 1 ")).unwrap();
    assert!(first.contains("naloxone"), "{out}");
    assert!(!out.contains("via "), "no explanation without --explain: {out}");
}
