//! The editors' commands end to end, through the real binary on copies of
//! fixture trees: `translations` (the to-do list, `--stamp`), `review` (the
//! queue, `--sign`), `locale add`, and a third locale proven in the engine:
//! untranslated pages fall back to the primary language with a note, and
//! the language menu offers only locales whose emergency path is translated.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::support::{TempDir, root};
use overdose_bot::content::{Content, LoadOptions, Loaded, ValidateOptions};
use overdose_bot::content_files::load;
use overdose_bot::diagnostics::Code;
use overdose_bot::engine::{self, Input};

/// Runs `overdose-bot args...` in `dir`; (exit code, stdout).
fn run(dir: &Path, args: &[&str]) -> (i32, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_overdose-bot"))
        .args(args)
        .current_dir(dir)
        .env_remove("OVERDOSE_BOT_FORMAT")
        .env_remove("OVERDOSE_BOT_LANG")
        .env_remove("OVERDOSE_BOT_CONTENT")
        .env_remove("OVERDOSE_BOT_LOCALES")
        .output()
        .unwrap();
    assert!(
        output.status.success() || output.status.code() == Some(1),
        "{args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    (output.status.code().unwrap(), String::from_utf8(output.stdout).unwrap())
}

/// A copy of `fixture`'s content in a temporary directory, with `locales/`
/// copied from the fixture or the shipped ones.
fn copy_tree(fixture: &str) -> TempDir {
    let dir = TempDir::new();
    let from = root().join("tests/fixtures").join(fixture);
    copy_dir(&from.join("content"), &dir.path().join("content"));
    let locales = dir.path().join("locales");
    for code in ["ru", "en"] {
        copy_dir(&root().join("locales").join(code), &locales.join(code));
    }
    dir
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

fn load_in(dir: &Path) -> Loaded {
    load(&LoadOptions {
        content_dir: dir.join("content"),
        locales_dir: dir.join("locales"),
        validate: ValidateOptions {
            today: chrono::NaiveDate::from_ymd_opt(2026, 11, 24).unwrap(),
            review_max_age_days: None,
        },
    })
}

fn codes(loaded: &Loaded) -> Vec<Code> {
    loaded.diagnostics.iter().map(|d| d.code).collect()
}

fn edit(path: PathBuf, from: &str, to: &str) {
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains(from), "{} lacks {from:?}", path.display());
    std::fs::write(path, text.replacen(from, to, 1)).unwrap();
}

#[test]
fn translations_lists_stale_unstamped_and_missing_texts_and_stamping_clears_them() {
    let dir = copy_tree("check/translations");
    let (_, json) = run(dir.path(), &["translations", "--format", "json"]);
    let report: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(report["primary"], "ru");
    let en = &report["languages"][0];
    assert_eq!(en["code"], "en");
    assert_eq!(en["offered"], false, "the emergency page's text is not in English");
    let todo: Vec<(String, String, u64)> = en["todo"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            (
                i["state"].as_str().unwrap().to_owned(),
                i["key"].as_str().unwrap().to_owned(),
                i["line"].as_u64().unwrap(),
            )
        })
        .collect();
    let expected = [
        ("missing", "urgent.text", 9),
        ("out-of-date", "edited.text", 17),
        ("unstamped", "added.title", 30),
        ("unstamped", "added.text", 33),
    ];
    assert_eq!(todo, expected.map(|(s, k, l)| (s.to_owned(), k.to_owned(), l)).to_vec());

    // Stamping one node leaves the other's warnings alone.
    run(
        dir.path(),
        &["translations", "--stamp", "--lang", "en", "--node", "edited"],
    );
    let loaded = load_in(dir.path());
    let stale: Vec<String> = loaded
        .diagnostics
        .iter()
        .filter(|d| d.code == Code::TranslationStale)
        .map(|d| d.message.clone())
        .collect();
    assert_eq!(stale.len(), 2, "{stale:?}");
    assert!(stale.iter().all(|m| m.contains("`added.")), "{stale:?}");

    run(dir.path(), &["translations", "--stamp"]);
    assert!(!codes(&load_in(dir.path())).contains(&Code::TranslationStale));
    let (_, human) = run(dir.path(), &["translations", "--lang", "en"]);
    assert_eq!(
        human,
        "en: 12 of 13 texts translated, 12 up to date with `ru`; not offered in the language menu until its emergency path is translated\n  content/tree.yaml:9:5: missing `urgent.text` (`ru` text on line 9)\n"
    );
}

#[test]
fn a_changed_russian_text_makes_its_translation_stale_and_its_review_outdated() {
    let dir = copy_tree("tree");
    run(dir.path(), &["translations", "--stamp"]);
    assert!(!codes(&load_in(dir.path())).contains(&Code::TranslationStale));
    let (code, out) = run(
        dir.path(),
        &[
            "review",
            "--sign",
            "chain-1",
            "--by",
            "Test reviewer",
            "--on",
            "2026-11-20",
        ],
    );
    assert_eq!(code, 0, "{out}");
    let tree = dir.path().join("content/tree.yaml");
    assert!(
        std::fs::read_to_string(&tree)
            .unwrap()
            .contains("by: \"Test reviewer\", on: 2026-11-20, hash: \"")
    );
    let (_, queue) = run(dir.path(), &["review", "--today", "2026-11-24"]);
    assert!(!queue.contains("chain-1"), "{queue}");

    edit(tree, "ru: \"Текст Шаг 1\"", "ru: \"Текст Шаг 1, исправленный\"");
    let (code, report) = run(dir.path(), &["check", "--today", "2026-11-24"]);
    assert_eq!(code, 0, "warnings only: {report}");
    assert!(
        report.contains("warning[W0010]: the `en` translation of `chain-1.text` is out of date"),
        "{report}"
    );
    assert!(
        report.contains("warning[W0011]: page `chain-1` changed after Test reviewer reviewed it on 2026-11-20"),
        "{report}"
    );
    let (_, queue) = run(dir.path(), &["review", "--today", "2026-11-24", "--format", "json"]);
    let queue: serde_json::Value = serde_json::from_str(&queue).unwrap();
    let first = &queue["items"][0];
    assert_eq!(first["section"], "changed");
    assert_eq!(first["file"], "content/tree.yaml");
    assert!(first["message"].as_str().unwrap().contains("chain-1"));
}

#[test]
fn signing_needs_a_listed_reviewer_and_a_page() {
    let dir = copy_tree("tree");
    let sign = |page: &str, by: &str| {
        Command::new(env!("CARGO_BIN_EXE_overdose-bot"))
            .args(["review", "--sign", page, "--by", by])
            .current_dir(dir.path())
            .output()
            .unwrap()
    };
    let stranger = sign("chain-1", "Dr Nobody");
    assert_eq!(stranger.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&stranger.stderr).contains("not one of the manifest's reviewers (Test reviewer)"));
    let menu = sign("start", "Test reviewer");
    assert!(String::from_utf8_lossy(&menu.stderr).contains("only pages and companions"));
}

#[test]
fn the_review_queue_of_the_shipped_content_is_every_page_as_a_draft() {
    let (_, queue) = run(&root(), &["review"]);
    let content = crate::support::Tree::Shipped.content();
    let advice = content.nodes().filter(|(_, n)| n.kind().gives_advice()).count();
    assert!(
        queue.starts_with(&format!("{advice} drafts, never reviewed:\n")),
        "{queue}"
    );
    assert!(queue.contains("content/overdose.yaml:"), "{queue}");
    assert!(!queue.contains("changed since"), "{queue}");
}

#[test]
fn the_shipped_translations_are_stamped_and_current() {
    let (_, report) = run(&root(), &["translations"]);
    assert!(report.starts_with("en: "), "{report}");
    assert_eq!(report.lines().count(), 1, "nothing to do: {report}");
}

/// The three-locale fixture: `uz` texts for the emergency path, one page
/// left untranslated; `locale add uz` scaffolds its Fluent files.
fn three_locales() -> (TempDir, Content) {
    let dir = copy_tree("three-locales");
    let (code, out) = run(dir.path(), &["locale", "add", "uz"]);
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains("locales/uz/bot.ftl"),
        "only the missing part is added: {out}"
    );
    let ftl = dir.path().join("locales/uz/bot.ftl");
    // A translator's first message: the note on untranslated pages.
    let text = std::fs::read_to_string(&ftl).unwrap();
    let note = text
        .lines()
        .find(|l| l.starts_with("notice-untranslated ="))
        .unwrap()
        .to_owned();
    std::fs::write(
        &ftl,
        text.replace(
            &note,
            "notice-untranslated = UZ not translated yet, here in { $language }.",
        ),
    )
    .unwrap();
    let loaded = load_in(dir.path());
    assert!(!loaded.diagnostics.has_errors(), "{:?}", loaded.diagnostics);
    assert!(codes(&loaded).contains(&Code::TranslationCoverage));
    (dir, loaded.content.unwrap())
}

#[test]
fn a_third_locale_is_offered_once_its_emergency_path_is_translated() {
    let (_dir, content) = three_locales();
    let uz = content.locale_by_code("uz").unwrap();
    assert_eq!(content.negotiate(Some("uz")), uz);
    let menu = engine::handle(&content, uz, Input::Language);
    let labels: Vec<&str> = menu.buttons.iter().flatten().map(|b| b.label.as_ref()).collect();
    assert_eq!(labels.len(), 3, "{labels:?}");

    let root = engine::handle(&content, uz, Input::Start { payload: None });
    assert!(root.plain.starts_with("UZ Start"), "{}", root.plain);
    let urgent = engine::handle(
        &content,
        uz,
        Input::Start {
            payload: Some("urgent"),
        },
    );
    assert!(urgent.plain.contains("UZ text of Urgent"), "{}", urgent.plain);
    assert!(!urgent.plain.contains("UZ not translated"), "{}", urgent.plain);
    assert_eq!(urgent.buttons[0][0].label, "UZ Steps");
}

#[test]
fn an_untranslated_page_falls_back_to_the_primary_language_with_a_note() {
    let (_dir, content) = three_locales();
    let uz = content.locale_by_code("uz").unwrap();
    let later = engine::handle(&content, uz, Input::Start { payload: Some("later") });
    assert!(
        later
            .plain
            .starts_with("UZ not translated yet, here in Русский.\n\nПотом\n\nТекст Потом"),
        "{}",
        later.plain
    );
    let steps = engine::handle(&content, uz, Input::Start { payload: Some("steps") });
    assert!(
        steps.plain.contains("UZ Steps") && steps.plain.contains("Текст Шаги"),
        "{}",
        steps.plain
    );
    let en = content.locale_by_code("en").unwrap();
    let later_en = engine::handle(&content, en, Input::Start { payload: Some("later") });
    assert!(later_en.plain.starts_with("Later"), "a translated page has no note");
}

#[test]
fn a_locale_whose_emergency_page_is_untranslated_is_not_offered() {
    let dir = copy_tree("three-locales");
    edit(
        dir.path().join("content/tree.yaml"),
        "    uz: \"UZ text of Urgent\"\n",
        "",
    );
    run(dir.path(), &["locale", "add", "uz"]);
    let (code, report) = run(dir.path(), &["check"]);
    assert_eq!(code, 0, "{report}");
    assert!(
        report.contains("warning[W0013]: locale `uz` is not offered yet: its emergency path lacks `urgent.text`"),
        "{report}"
    );
    let content = load_in(dir.path()).content.unwrap();
    let uz = content.locale_by_code("uz").unwrap();
    assert_eq!(
        content.negotiate(Some("uz")),
        content.default_locale(),
        "served in the default"
    );
    let menu = engine::handle(&content, uz, Input::Language);
    assert_eq!(menu.buttons.len(), 2, "ru and en only");
}

#[test]
fn locale_add_scaffolds_the_fluent_files_and_the_manifest_line() {
    let dir = copy_tree("tree");
    let (code, _) = run(dir.path(), &["locale", "add", "tg"]);
    assert_eq!(code, 0);
    let manifest = std::fs::read_to_string(dir.path().join("content/bot.yaml")).unwrap();
    assert!(manifest.contains("  - code: en\n  - code: tg\n"), "{manifest}");
    let ftl = std::fs::read_to_string(dir.path().join("locales/tg/bot.ftl")).unwrap();
    assert!(ftl.contains("# to translate from ru\nbutton-back ="), "{ftl}");
    let (code, report) = run(dir.path(), &["check"]);
    assert_eq!(code, 0, "a new locale is no error: {report}");
    assert!(
        report.contains("warning[W0013]: locale `tg` is not offered yet"),
        "{report}"
    );
    let (_, todo) = run(dir.path(), &["translations", "--lang", "tg"]);
    assert!(todo.contains("fluent `button-back`"), "{todo}");
    let again = Command::new(env!("CARGO_BIN_EXE_overdose-bot"))
        .args(["locale", "add", "tg"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert_eq!(again.status.code(), Some(2), "added once");
}

/// Runs `overdose-bot args...` in `dir` expecting a refusal; its stderr.
fn refused(dir: &Path, args: &[&str]) -> String {
    let output = Command::new(env!("CARGO_BIN_EXE_overdose-bot"))
        .args(args)
        .current_dir(dir)
        .env_remove("OVERDOSE_BOT_CONTENT")
        .env_remove("OVERDOSE_BOT_LOCALES")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert_eq!(output.status.code(), Some(2), "{args:?}: {stderr}");
    stderr
}

#[test]
fn editors_commands_never_write_through_planted_symlinks() {
    let dir = copy_tree("check/translations");
    let victim = dir.path().join("outside.txt");
    std::fs::write(&victim, "untouched").unwrap();
    let lock = dir.path().join("content/translations.lock");
    let _ = std::fs::remove_file(&lock);
    std::os::unix::fs::symlink(&victim, &lock).unwrap();
    let stderr = refused(dir.path(), &["translations", "--stamp"]);
    assert!(stderr.contains("translations.lock` is a symlink"), "{stderr}");
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "untouched");

    let dir = copy_tree("tree");
    let elsewhere = dir.path().join("elsewhere");
    std::fs::create_dir(&elsewhere).unwrap();
    std::os::unix::fs::symlink(&elsewhere, dir.path().join("locales/uz")).unwrap();
    let stderr = refused(dir.path(), &["locale", "add", "uz"]);
    assert!(stderr.contains("locales/uz` is a symlink"), "{stderr}");
    assert_eq!(
        std::fs::read_dir(&elsewhere).unwrap().count(),
        0,
        "nothing written outside"
    );
}
