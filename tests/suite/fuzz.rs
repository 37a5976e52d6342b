//! Long-running fuzz targets (proptest, stable Rust): random and mutated
//! inputs never panic and never serve a wrong node. Ignored by default;
//! run them with
//!
//! ```sh
//! cargo test --release --test suite fuzz:: -- --ignored --nocapture
//! ```
//!
//! `FUZZ_CASES` sets the cases per target (default 100,000).

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use crate::support::Tree;
use overdose_bot::content::{Content, LoadOptions, ValidateOptions};
use overdose_bot::content_files::load;
use overdose_bot::engine::{CallbackData, Input, Shows, handle};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};

fn cases() -> u32 {
    std::env::var("FUZZ_CASES")
        .ok()
        .and_then(|c| c.parse().ok())
        .unwrap_or(100_000)
}

fn runner() -> TestRunner {
    TestRunner::new(Config {
        cases: cases(),
        failure_persistence: None,
        ..Config::default()
    })
}

fn content() -> &'static Content {
    static CONTENT: OnceLock<Content> = OnceLock::new();
    CONTENT.get_or_init(|| Tree::Shipped.content())
}

fn report(target: &str) {
    println!("fuzz target {target}: {} cases, no panic, no wrong node", cases());
}

#[test]
#[ignore = "long: run with --ignored"]
fn callback_data() {
    let content = content();
    let valid: Vec<String> = handle(content, content.default_locale(), Input::Start { payload: None })
        .buttons
        .iter()
        .flatten()
        .map(|b| b.data.clone())
        .collect();
    let strategy = prop_oneof![
        "\\PC{0,80}",
        (0..valid.len(), any::<usize>(), any::<u8>()).prop_map(move |(which, at, byte)| {
            let mut bytes = valid[which].clone().into_bytes();
            let len = bytes.len();
            bytes[at % len] = byte;
            String::from_utf8_lossy(&bytes).into_owned()
        }),
    ];
    runner()
        .run(&strategy, |data| {
            let screen = handle(content, content.default_locale(), Input::Callback { data: &data });
            if let (Ok(decoded), Shows::Node(node)) = (CallbackData::decode(&data), screen.shows)
                && screen.notice.is_none()
            {
                prop_assert_eq!(
                    Some(node),
                    content.node_by_key(decoded.target),
                    "served a node the button does not name"
                );
            }
            prop_assert!(
                screen
                    .buttons
                    .iter()
                    .flatten()
                    .all(|b| !b.data.is_empty() && b.data.len() <= 64)
            );
            Ok(())
        })
        .unwrap();
    report("callback data");
}

#[test]
#[ignore = "long: run with --ignored"]
fn deep_links() {
    let content = content();
    let ids: Vec<String> = content.nodes().map(|(_, n)| n.id().to_owned()).collect();
    let strategy = prop_oneof!["[A-Za-z0-9_-]{0,64}", "\\PC{0,100}", proptest::sample::select(ids)];
    runner()
        .run(&strategy, |payload| {
            let screen = handle(
                content,
                content.default_locale(),
                Input::Start {
                    payload: Some(&payload),
                },
            );
            match content.node_by_id(payload.trim()) {
                Some(node) => prop_assert_eq!(screen.shows, Shows::Node(node)),
                None if payload.trim().is_empty() => prop_assert_eq!(screen.shows, Shows::Node(content.root())),
                None => prop_assert!(screen.notice.is_some()),
            }
            Ok(())
        })
        .unwrap();
    report("deep links");
}

#[test]
#[ignore = "long: run with --ignored"]
fn free_text() {
    let content = content();
    runner()
        .run(&"\\PC{0,400}", |text| {
            let screen = handle(content, content.default_locale(), Input::Text { text: &text });
            prop_assert!(screen.buttons.iter().flatten().count() <= 100);
            Ok(())
        })
        .unwrap();
    report("free text");
}

/// A scratch copy of the shipped content and locales that targets mutate.
fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("overdose-bot-fuzz-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    crate::support::copy_dir(&Tree::Shipped.dir(), &dir.join("content"));
    crate::support::copy_dir(&crate::support::root().join("locales"), &dir.join("locales"));
    dir
}

fn load_dir(dir: &Path) -> overdose_bot::content::Loaded {
    load(&LoadOptions {
        content_dir: dir.join("content"),
        locales_dir: dir.join("locales"),
        validate: ValidateOptions {
            today: chrono::NaiveDate::from_ymd_opt(2026, 11, 24).unwrap(),
            review_max_age_days: None,
        },
    })
}

/// One to three byte changes, deletions or insertions: (where, which kind,
/// byte, length).
fn mutations() -> impl Strategy<Value = Vec<(usize, u8, u8, usize)>> {
    proptest::collection::vec((any::<usize>(), 0u8..3, any::<u8>(), 1usize..40), 1..4)
}

/// `original` with `mutations` applied.
fn mutated(original: &[u8], mutations: &[(usize, u8, u8, usize)]) -> Vec<u8> {
    let mut bytes = original.to_vec();
    for &(at, kind, byte, len) in mutations {
        let at = at % bytes.len().max(1);
        match kind {
            0 => bytes[at] = byte,
            1 => drop(bytes.drain(at..(at + len).min(bytes.len()))),
            _ => bytes.splice(at..at, std::iter::repeat_n(byte, len)).for_each(drop),
        }
    }
    bytes
}

/// Mutates one file of `dir` per case (byte changes, deletions, insertions)
/// and loads everything: it must never panic, and every diagnostic must
/// point inside its file.
fn mutate_and_load(name: &str, file: &str) {
    let dir = scratch(name);
    let path = dir.join(file);
    let original = std::fs::read(&path).unwrap();
    runner()
        .run(&mutations(), |mutations| {
            let bytes = mutated(&original, &mutations);
            std::fs::write(&path, &bytes).unwrap();
            let loaded = load_dir(&dir);
            for diagnostic in loaded.diagnostics.iter() {
                if let Some(span) = diagnostic.span {
                    prop_assert!(span.end <= loaded.sources.text(span.file).len());
                }
            }
            prop_assert!(loaded.content.is_some() || loaded.diagnostics.has_errors());
            Ok(())
        })
        .unwrap();
    let _ = std::fs::remove_dir_all(&dir);
    report(name);
}

#[test]
#[ignore = "long: run with --ignored"]
fn yaml_loader() {
    mutate_and_load("yaml", "content/overdose.yaml");
}

#[test]
#[ignore = "long: run with --ignored"]
fn fluent_loader() {
    mutate_and_load("fluent", "locales/ru/bot.ftl");
}

/// The roster loader: the example roster mutated byte by byte never panics,
/// and every diagnostic points inside the file.
#[test]
#[ignore = "long: run with --ignored"]
fn roster_loader() {
    use overdose_bot::diagnostics::{Diagnostics, SourceMap};
    let original = std::fs::read(crate::support::root().join("roster.example.yaml")).unwrap();
    runner()
        .run(&mutations(), |mutations| {
            let bytes = mutated(&original, &mutations);
            let mut sources = SourceMap::new();
            let file = sources.add("roster.yaml", String::from_utf8_lossy(&bytes).into_owned());
            let mut diagnostics = Diagnostics::default();
            let roster = overdose_bot::roster::parse(&sources, file, &mut diagnostics);
            for diagnostic in diagnostics.iter() {
                if let Some(span) = diagnostic.span {
                    prop_assert!(span.end <= sources.text(span.file).len());
                }
            }
            prop_assert!(roster.is_some() || diagnostics.has_errors());
            Ok(())
        })
        .unwrap();
    report("roster loader");
}

/// Fluent files nested to any depth through placeables, function calls
/// and term arguments, braces, parentheses and quotes mixed: loading never
/// overflows the stack (each once killed the bot).
#[test]
#[ignore = "long: run with --ignored"]
fn nested_fluent() {
    let dir = scratch("nested-fluent");
    let path = dir.join("locales/en/bot.ftl");
    let original = std::fs::read_to_string(&path).unwrap();
    let piece = prop_oneof![
        Just("{ "),
        Just(" }"),
        Just("\"{"),
        Just("\""),
        Just("$x"),
        Just("-> "),
        Just("[a] "),
        Just("A("),
        Just("-t("),
        Just(")"),
        Just("(")
    ];
    let opener = prop_oneof![
        Just(("{ ", " }")),
        Just(("A(", ")")),
        Just(("-t(", ")")),
        Just(("{ A(", ") }"))
    ];
    let nesting = (1usize..50_000, opener, proptest::collection::vec(piece, 0..20));
    runner()
        .run(&nesting, |(depth, (open, close), noise)| {
            let message = format!(
                "deep = {{ {}{}x{} }}\n",
                open.repeat(depth),
                noise.concat(),
                close.repeat(depth)
            );
            std::fs::write(&path, format!("{original}{message}")).unwrap();
            let loaded = load_dir(&dir);
            prop_assert!(loaded.content.is_some() || loaded.diagnostics.has_errors());
            Ok(())
        })
        .unwrap();
    let _ = std::fs::remove_dir_all(&dir);
    report("nested fluent");
}

/// Sealed tickets: random strings and every single-byte change of a real
/// ticket are refused (never opened to a wrong chat), and never panic.
#[test]
#[ignore = "long: run with --ignored"]
fn sealed_tickets() {
    use overdose_bot::handoff::{CaseCode, PersonTicket, Sealer, expiry_from};
    let now = chrono::Utc::now();
    let sealer = Sealer::ephemeral(now);
    let holder = -100_777;
    let genuine = sealer.seal_person(
        &PersonTicket {
            chat: 123_456_789,
            locale: *b"ru",
            case: CaseCode::random(),
            expires: expiry_from(now),
            opened: now,
        },
        holder,
        now,
    );
    let mutated = (0..genuine.len(), any::<u8>()).prop_map({
        let genuine = genuine.clone();
        move |(at, byte)| {
            let mut bytes = genuine.clone().into_bytes();
            bytes[at] = byte;
            String::from_utf8_lossy(&bytes).into_owned()
        }
    });
    let strategy = prop_oneof!["[A-Za-z0-9_-]{0,100}", "\\PC{0,100}", mutated];
    runner()
        .run(&strategy, |text| {
            let opened = sealer.open_person(&text, holder, now);
            if text != genuine {
                prop_assert!(opened.is_err(), "a changed ticket opened: {text}");
            }
            prop_assert!(
                sealer.open_person(&text, holder + 1, now).is_err(),
                "opened in another chat"
            );
            prop_assert!(sealer.open_doctor(&text, holder, "doctors", now).is_err());
            Ok(())
        })
        .unwrap();
    report("sealed tickets");
}
