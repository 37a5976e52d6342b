//! Editorial promises of the shipped content that `check` cannot know: which
//! pages a frightened person reaches in how many taps, that every screen
//! carries the emergency numbers and the disclaimer, where "Ask a doctor" is
//! offered, and that the words people actually type find the right page.
//!
//! `cargo test --test content -- --nocapture` prints the tap table quoted in
//! the issue notes.

mod support;

use std::collections::{HashMap, VecDeque};

use overdose_bot::content::{Content, NodeIdx};
use support::Tree;

/// Taps from /start to every node, following buttons breadth-first.
fn taps_from_start(content: &Content) -> HashMap<String, usize> {
    let mut taps = HashMap::new();
    let mut queue = VecDeque::from([(content.root(), 0)]);
    while let Some((index, depth)) = queue.pop_front() {
        let node = content.node(index);
        if taps.contains_key(node.id()) {
            continue;
        }
        taps.insert(node.id().to_string(), depth);
        queue.extend(node.buttons().iter().map(|&next| (next, depth + 1)));
    }
    taps
}

fn ids(content: &Content, indices: &[NodeIdx]) -> Vec<String> {
    indices.iter().map(|&i| content.node(i).id().to_string()).collect()
}

fn buttons_of(content: &Content, id: &str) -> Vec<String> {
    let index = content.node_by_id(id).unwrap_or_else(|| panic!("node `{id}` exists"));
    ids(content, content.node(index).buttons())
}

#[test]
fn the_life_saving_pages_are_close_to_start() {
    let content = Tree::Shipped.content();
    let taps = taps_from_start(&content);
    assert_eq!(taps.len(), content.nodes().len(), "every node is reachable");

    let first = buttons_of(&content, "start")[0].clone();
    assert_eq!(
        first,
        content.node(content.emergency()).id(),
        "the emergency page is /start's first button"
    );
    let emergency = buttons_of(&content, &first);
    for next in ["cpr-steps", "naloxone", "recovery-position"] {
        assert!(
            emergency.contains(&next.to_string()),
            "`{next}` is one tap from the emergency page"
        );
    }

    let limits = [
        ("not-breathing", 1),
        ("cpr-steps", 1),
        ("naloxone", 1),
        ("recovery-position", 1),
        ("cpr-metronome", 2),
        ("overdose-signs", 2),
        ("after-naloxone", 2),
        ("abscess", 2),
        ("wound-danger-signs", 2),
        ("ask-doctor", 1),
    ];
    println!("taps from /start (numbers are in the footer of every screen: 0 taps)");
    for (id, limit) in limits {
        let actual = taps[id];
        println!("  {id:<20} {actual}");
        assert!(
            actual <= limit,
            "`{id}` is {actual} taps from /start, at most {limit} wanted"
        );
    }
    println!("nodes per locale: {}", content.nodes().len());
}

#[test]
fn every_screen_has_the_numbers_and_the_disclaimer() {
    let content = Tree::Shipped.content();
    let disclaimers = [
        ("ru", "не заменяет врача и скорую помощь"),
        ("en", "does not replace a doctor or an ambulance"),
    ];
    for (code, disclaimer) in disclaimers {
        let locale = content.locale_by_code(code).unwrap();
        for (_, node) in content.nodes() {
            let screen = &node.screen(locale).plain;
            for number in ["112", "103"] {
                assert!(screen.contains(number), "`{}` ({code}) lacks {number}", node.id());
            }
            assert!(
                screen.contains(disclaimer),
                "`{}` ({code}) lacks the disclaimer",
                node.id()
            );
        }
    }
}

#[test]
fn ask_a_doctor_is_offered_where_people_need_it() {
    let content = Tree::Shipped.content();
    for id in [
        "start",
        "overdose",
        "after-naloxone",
        "stimulants",
        "unknown-substance",
        "calling-ambulance",
        "wounds",
        "wound-danger-signs",
        "abscess",
        "ulcers",
        "veins",
        "swollen-limb",
    ] {
        assert!(
            buttons_of(&content, id).contains(&"ask-doctor".to_string()),
            "`{id}` offers Ask a doctor"
        );
    }
}

#[test]
fn the_words_people_type_find_the_right_page() {
    let content = Tree::Shipped.content();
    let cases = [
        ("ru", "не дышит", "not-breathing"),
        ("ru", "передоз", "overdose"),
        ("ru", "как колоть налоксон", "naloxone"),
        ("ru", "ломка после налоксона", "after-naloxone"),
        ("ru", "нарыв с гноем", "abscess"),
        ("ru", "язва на ноге", "ulcers"),
        ("ru", "вены ушли", "veins"),
        ("ru", "попал в артерию", "artery-hit"),
        ("ru", "соли", "stimulants"),
        ("ru", "боюсь полиции", "calling-ambulance"),
        ("ru", "метроном", "cpr-metronome"),
        ("ru", "дефибриллятор", "aed"),
        ("ru", "где взять налоксон", "where-naloxone"),
        ("en", "not breathing", "not-breathing"),
        ("en", "narcan dose", "naloxone"),
        ("en", "abscess", "abscess"),
        ("en", "swollen leg", "swollen-limb"),
        ("en", "mephedrone", "stimulants"),
        ("en", "afraid of police", "calling-ambulance"),
    ];
    let mut misses = Vec::new();
    for (code, query, want) in cases {
        let locale = content.locale_by_code(code).unwrap();
        let found = ids(&content, &content.search(locale, query, 3));
        if !found.iter().any(|id| id == want) {
            misses.push(format!("{code} {query:?}: wanted `{want}` in the top 3, got {found:?}"));
        }
    }
    assert!(misses.is_empty(), "{}", misses.join("\n"));
}

#[test]
fn the_readme_counts_the_screens_right() {
    let content = Tree::Shipped.content();
    let readme = std::fs::read_to_string(support::root().join("README.md")).unwrap();
    let claim = format!("{} screens in\neach language", content.nodes().len());
    assert!(readme.contains(&claim), "README.md should say \"{claim}\"");
}
