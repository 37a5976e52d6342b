//! The architecture's invariants, checked by reading `src/` at test time.
//!
//! Rules:
//!
//! 1. **Pure folders stay pure.** No file under `src/engine`, `src/content`,
//!    `src/handoff`, `src/companion` or `src/search`, nor `src/router.rs`,
//!    `src/drive.rs` or `src/payload.rs`, names `tokio`, `teloxide`,
//!    `std::fs`, a real clock (`Utc::now`, `Local::now`, `SystemTime::now`,
//!    `Instant::now`) or `governor` (a rate limiter on the real clock). Comments
//!    and string literals do not count; code, `use` items, attributes and
//!    macro arguments do. Tests inside the pure folders are held to this
//!    too: a test passes its clock in as a fixed or simulated value, and
//!    needs no runtime.
//! 2. **No import cycles between files.** One node per file of `src/` (the
//!    library's tree from `lib.rs` and the binary's from `main.rs`); one edge
//!    per path to another file: every `use` leaf and every `crate::`,
//!    `super::`, `self::` or `overdose_bot::` path in code. A path is resolved
//!    through the modules it names and through the `use` items of the module
//!    it lands in, to the file that defines the item, so a folder's `mod.rs`
//!    that re-exports a child is not a hop on the way. A re-export
//!    (`pub use`) is no edge of its own, nor is test code (`#[cfg(test)]`
//!    modules and items, `#[test]` functions): a test may import its
//!    folder's facade.
//! 3. **No arrows back up.** No file of a pure folder imports an adapter or an
//!    edge module: `telegram`, `console`, `service`, `metrics`, `cli`, `main`,
//!    `editors`, `preview`.
//! 4. **Only `src/telegram` names teloxide** (in code).
//!
//! Each failure names `file:line` and the offending item.

mod reader;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use reader::{Token, Tree, grouped, is_path_sep, lex, use_tree};

/// The folders that decide and never do I/O.
const PURE: &[&str] = &["engine", "content", "handoff", "companion", "search"];

/// Files outside those folders held to the same rules: the door every
/// update passes (`router`), the driver of the flows' plans (`drive`) and
/// the payload namespace (`payload`).
const PURE_FILES: &[&str] = &["src/router.rs", "src/drive.rs", "src/payload.rs"];

/// The adapters and the edge: no pure folder may import them.
const EDGE: &[&str] = &[
    "telegram", "console", "service", "metrics", "cli", "main", "editors", "preview",
];

#[test]
fn pure_folders_name_no_runtime_io_or_real_clock() {
    let tree = Tree::read();
    let violations = impurities(&tree);
    println!("{} violation(s) in the pure folders", violations.len());
    assert!(
        violations.is_empty(),
        "{} violation(s) of rule 1 (pure folders stay pure):\n{}",
        violations.len(),
        violations.join("\n")
    );
}

#[test]
fn files_import_each_other_without_cycles() {
    let tree = Tree::read();
    let graph = tree.graph();
    assert!(
        graph.edges().count() > 100,
        "the reader found too few imports to be working"
    );
    let cycles: Vec<BTreeSet<String>> = graph.cycles();
    println!(
        "{} files, {} edges, {} cycle(s)",
        tree.files.len(),
        graph.edges().count(),
        cycles.len()
    );
    let shown: Vec<String> = cycles
        .iter()
        .map(|files| {
            let lines: Vec<String> = graph
                .edges()
                .filter(|(from, to, _)| files.contains(*from) && files.contains(*to))
                .map(|(_, to, site)| format!("  {site} -> {to}"))
                .collect();
            format!(
                "{}:\n{}",
                files.iter().cloned().collect::<Vec<_>>().join(" <-> "),
                lines.join("\n")
            )
        })
        .collect();
    assert!(
        cycles.is_empty(),
        "{} import cycle(s):\n{}",
        cycles.len(),
        shown.join("\n")
    );
}

#[test]
fn pure_folders_import_no_adapter() {
    let tree = Tree::read();
    let arrows: Vec<String> = tree
        .graph()
        .edges()
        .filter(|(from, to, _)| is_pure(from) && is_edge(to))
        .map(|(_, to, site)| format!("{site} -> {to}"))
        .collect();
    println!("{} arrow(s) back up", arrows.len());
    assert!(
        arrows.is_empty(),
        "{} arrow(s) back up:\n{}",
        arrows.len(),
        arrows.join("\n")
    );
}

/// Teloxide stays in its adapter: the core and the console never see a
/// Telegram type, so a Telegram change touches one folder.
#[test]
fn only_the_telegram_adapter_names_teloxide() {
    let tree = Tree::read();
    let outside: Vec<String> = tree
        .files
        .iter()
        .filter(|(file, _)| !file.starts_with("src/telegram/"))
        .flat_map(|(file, tokens)| {
            tokens
                .iter()
                .filter(|token| token.ident() == Some("teloxide"))
                .map(move |token| format!("{file}:{}: teloxide", token.line))
        })
        .collect();
    assert!(
        outside.is_empty(),
        "teloxide outside src/telegram:\n{}",
        outside.join("\n")
    );
}

/// The reader itself, on small inputs: a test of a test, so that a rule
/// that passes is not passing because the reader sees nothing.
#[test]
fn the_reader_sees_through_comments_groups_and_strings() {
    let tokens =
        lex("use a::{b::{self, C as D}, e::*};\n// tokio\n/* teloxide */ \"std::fs\" r#\"Utc::now\"# 'x' x::<'a>");
    let mut i = 1;
    let mut leaves = Vec::new();
    use_tree(&tokens, &mut i, Vec::new(), &mut leaves);
    let leaves: Vec<String> = leaves
        .iter()
        .map(|l| format!("{} as {}", l.path.join("::"), l.name))
        .collect();
    assert_eq!(leaves, ["a::b as b", "a::b::C as D", "a::e as *"]);
    let words: Vec<&str> = tokens.iter().filter_map(Token::ident).collect();
    assert!(
        !words.iter().any(|w| ["tokio", "teloxide", "fs", "now"].contains(w)),
        "{words:?}"
    );
    assert!(words.contains(&"x"), "{words:?}");
}

/// The other side of rule 1: the content loader needs nothing but a
/// `Files`. A tree held in memory loads exactly as it does from disk, with
/// the same diagnostics at the same places (a tree with an error) and the
/// same content (the fixture tree, media included).
#[test]
fn the_content_loader_reads_only_through_the_files_it_is_given() {
    use overdose_bot::content::{LoadOptions, ValidateOptions, load_from};
    use overdose_bot::diagnostics::{Format, render};

    let root = crate::support::root();
    for dir in [
        "tests/fixtures/check/unknown-button/content",
        "tests/fixtures/tree/content",
    ] {
        let options = LoadOptions {
            content_dir: root.join(dir),
            locales_dir: root.join("locales"),
            validate: ValidateOptions {
                today: chrono::NaiveDate::from_ymd_opt(2026, 12, 7).unwrap(),
                review_max_age_days: None,
            },
        };
        let mut memory = Memory::default();
        memory.copy(&options.content_dir);
        memory.copy(&options.locales_dir);
        let (on_disk, in_memory) = (
            overdose_bot::content_files::load(&options),
            load_from(&memory, &options),
        );
        let broken = dir.contains("unknown-button");
        assert_eq!(
            on_disk.diagnostics.has_errors(),
            broken,
            "{dir}: the fixture as expected"
        );
        assert_eq!(on_disk.content.is_some(), !broken, "{dir}: the fixture as expected");
        assert_eq!(
            render(&in_memory.diagnostics, &in_memory.sources, Format::Human),
            render(&on_disk.diagnostics, &on_disk.sources, Format::Human),
            "{dir}"
        );
        assert_eq!(
            in_memory.content.map(|c| (c.version().to_string(), c.nodes().len())),
            on_disk.content.map(|c| (c.version().to_string(), c.nodes().len())),
            "{dir}"
        );
    }
}

/// Files held in memory: every file under the directories copied in.
#[derive(Default)]
struct Memory {
    files: BTreeMap<PathBuf, Vec<u8>>,
    dirs: BTreeSet<PathBuf>,
}

impl Memory {
    fn copy(&mut self, dir: &Path) {
        self.dirs.insert(dir.to_path_buf());
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                self.copy(&path);
            } else {
                self.files.insert(path.clone(), std::fs::read(&path).unwrap());
            }
        }
    }
}

impl overdose_bot::content::Files for Memory {
    fn list<'a>(
        &'a self,
        dir: &Path,
    ) -> std::io::Result<Box<dyn Iterator<Item = std::io::Result<overdose_bot::content::Entry>> + 'a>> {
        if !self.dirs.contains(dir) {
            return Err(std::io::ErrorKind::NotFound.into());
        }
        let dir = dir.to_path_buf();
        let files = self.files.keys().map(|path| (path, false));
        let dirs = self.dirs.iter().map(|path| (path, true));
        Ok(Box::new(
            files
                .chain(dirs)
                .filter(move |(path, _)| path.parent() == Some(&dir))
                .map(|(path, is_dir)| {
                    Ok(overdose_bot::content::Entry {
                        path: path.clone(),
                        is_dir,
                    })
                }),
        ))
    }

    fn len(&self, path: &Path) -> Option<u64> {
        self.files.get(path).map(|bytes| bytes.len() as u64)
    }

    fn exists(&self, path: &Path) -> bool {
        self.files.contains_key(path) || self.dirs.contains(path)
    }

    fn read(
        &self,
        path: &Path,
        _root: &Path,
        _kind: overdose_bot::files::FileKind,
    ) -> Result<Vec<u8>, overdose_bot::files::ReadError> {
        self.files
            .get(path)
            .cloned()
            .ok_or_else(|| overdose_bot::files::ReadError::Io {
                path: path.to_path_buf(),
                cause: std::io::ErrorKind::NotFound.into(),
            })
    }
}

fn is_pure(file: &str) -> bool {
    PURE.iter().any(|folder| file.starts_with(&format!("src/{folder}/"))) || PURE_FILES.contains(&file)
}

fn is_edge(file: &str) -> bool {
    EDGE.iter()
        .any(|name| file == format!("src/{name}.rs") || file.starts_with(&format!("src/{name}/")))
}

/// Rule 1's violations, as `file:line: item`.
fn impurities(tree: &Tree) -> Vec<String> {
    let mut found = Vec::new();
    for (file, tokens) in &tree.files {
        if !is_pure(file) {
            continue;
        }
        for (i, token) in tokens.iter().enumerate() {
            let word = token.ident().unwrap_or_default();
            let next = |k: usize| tokens.get(i + k).and_then(Token::ident).unwrap_or_default();
            let item = match word {
                "tokio" | "teloxide" | "governor" => word.to_string(),
                "std" if is_path_sep(tokens, i + 1) && next(3) == "fs" => "std::fs".into(),
                // `std::{fs, ...}`
                "std" if is_path_sep(tokens, i + 1) && tokens.get(i + 3).is_some_and(|t| t.is('{')) => {
                    match grouped(tokens, i + 3, "fs") {
                        true => "std::fs".into(),
                        false => continue,
                    }
                }
                "Utc" | "Local" | "SystemTime" | "Instant" if is_path_sep(tokens, i + 1) && next(3) == "now" => {
                    format!("{word}::now")
                }
                _ => continue,
            };
            found.push(format!("{file}:{}: {item}", token.line));
        }
    }
    found
}
