//! `overdose-bot preview` on the shipped content: a page per screen and
//! locale whose links all resolve, then a real headless Chromium (Debian's,
//! driven by playwright-core from `tests/browser`) follows the emergency path
//! by clicking and takes a screenshot.
//!
//! The browser part needs `/usr/bin/chromium` and `npm ci` in
//! `tests/browser`; `.ci/run` installs both and sets
//! `OVERDOSE_BOT_BROWSER_TESTS=required`, so CI never skips it. Elsewhere it
//! is skipped, saying so, when they are missing.

use std::path::Path;
use std::process::Command;

use crate::support::{TempDir, Tree, root};

#[test]
fn the_preview_site_has_every_screen_and_chromium_can_walk_the_emergency_path() {
    let dir = TempDir::new();
    let site = dir.path().join("site");
    let output = Command::new(env!("CARGO_BIN_EXE_overdose-bot"))
        .args(["preview", "--out"])
        .arg(&site)
        .current_dir(root())
        .env_remove("OVERDOSE_BOT_CONTENT")
        .env_remove("OVERDOSE_BOT_LOCALES")
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let content = Tree::Shipped.content();
    for locale in content.locales() {
        for (_, node) in content.nodes() {
            let page = site
                .join(content.locale_code(locale))
                .join(format!("{}.html", node.id()));
            assert!(page.is_file(), "{} is missing", page.display());
        }
    }
    let index = std::fs::read_to_string(site.join("index.html")).unwrap();
    assert_eq!(index.matches("<tr><td><code>").count(), content.nodes().len());
    assert!(index.contains("draft: not yet medically reviewed"));
    let fill_in = "to fill in: the organisation's own details";
    let unfilled = content.nodes().filter(|(_, n)| n.needs_filling_in()).count();
    assert!(unfilled > 0, "the shipped content still has stand-in pages");
    assert_eq!(
        index.matches(fill_in).count(),
        unfilled,
        "each stand-in page is flagged in the index"
    );
    let where_naloxone = std::fs::read_to_string(site.join("en/where-naloxone.html")).unwrap();
    assert!(where_naloxone.contains(fill_in), "and on its own page");
    let naloxone = std::fs::read_to_string(site.join("en/naloxone.html")).unwrap();
    assert!(!naloxone.contains(fill_in), "written pages are not flagged");

    let Some(node) = browser_available() else {
        return;
    };
    let screenshot = dir.path().join("emergency.png");
    let output = Command::new(node)
        .arg(root().join("tests/browser/preview.mjs"))
        .arg(&site)
        .arg(&screenshot)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "the browser walk failed:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).expect("one JSON line");
    let visited = report["visited"].as_array().unwrap();
    let pages: Vec<&str> = visited.iter().map(|v| v["page"].as_str().unwrap()).collect();
    assert_eq!(
        pages,
        ["start.html", "not-breathing.html", "cpr-steps.html", "cpr-steps.html"]
    );
    assert_eq!(visited[0]["buttons"][0], "🆘 Не отвечает / не дышит", "emergency first");
    let emergency = visited[1]["bubble"].as_str().unwrap();
    assert!(emergency.contains("Звоните 112"), "{emergency}");
    assert!(visited[3]["lang"] == "en" && visited[3]["bubble"].as_str().unwrap().contains("CPR"));
    let png = std::fs::read(&screenshot).expect("a screenshot");
    assert!(
        png.starts_with(b"\x89PNG\r\n\x1a\n") && png.len() > 10_000,
        "a real picture"
    );
    if let Ok(keep) = std::env::var("OVERDOSE_BOT_KEEP_SCREENSHOT") {
        std::fs::copy(&screenshot, keep).unwrap();
    }
}

/// A tree where a reviewed page changed after its review and a stamped
/// translation fell behind: the preview marks both, and Chromium shows the
/// badges where a reviewer looks.
#[test]
fn the_preview_marks_outdated_translations_and_pages_changed_since_review() {
    let dir = TempDir::new();
    let tree = dir.path().join("content");
    copy_dir(&root().join("tests/fixtures/tree/content"), &tree);
    let bot = |args: &[&str]| {
        let output = Command::new(env!("CARGO_BIN_EXE_overdose-bot"))
            .args(args)
            .arg("--content")
            .arg(&tree)
            .arg("--locales")
            .arg(root().join("locales"))
            .output()
            .unwrap();
        assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    };
    bot(&["translations", "--stamp"]);
    bot(&[
        "review",
        "--sign",
        "chain-1",
        "--by",
        "Test reviewer",
        "--on",
        "2026-11-20",
    ]);
    let file = tree.join("tree.yaml");
    let text = std::fs::read_to_string(&file).unwrap();
    std::fs::write(
        &file,
        text.replacen("ru: \"Текст Шаг 1\"", "ru: \"Текст Шаг 1, новый\"", 1),
    )
    .unwrap();
    let site = dir.path().join("site");
    bot(&["preview", "--out", site.to_str().unwrap()]);

    let read = |page: &str| std::fs::read_to_string(site.join(page)).unwrap();
    let en = read("en/chain-1.html");
    assert!(en.contains("translation out of date"), "{en}");
    assert!(
        en.contains("reviewed by Test reviewer (test physician) on 2026-11-20"),
        "{en}"
    );
    assert!(en.contains("changed since review"), "{en}");
    let ru = read("ru/chain-1.html");
    assert!(
        !ru.contains("translation out of date"),
        "the primary locale is the source"
    );
    assert!(!read("en/chain-2.html").contains("changed since review"));
    assert_eq!(read("index.html").matches("translation out of date").count(), 1);

    let Some(node) = browser_available() else {
        return;
    };
    let output = Command::new(node)
        .arg(root().join("tests/browser/badges.mjs"))
        .arg(&site)
        .args(["en/chain-1.html", "ru/chain-1.html"])
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).expect("one JSON line");
    let badges = |page: &str| -> Vec<String> {
        report["badges"][page]
            .as_array()
            .unwrap()
            .iter()
            .map(|b| b.as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(
        badges("en/chain-1.html"),
        [
            "reviewed by Test reviewer (test physician) on 2026-11-20",
            "changed since review",
            "translation out of date"
        ]
    );
    assert_eq!(
        badges("ru/chain-1.html"),
        [
            "reviewed by Test reviewer (test physician) on 2026-11-20",
            "changed since review"
        ]
    );
    assert!(badges("index.html").iter().any(|b| b == "translation out of date"));
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

/// `node`, when Chromium and playwright-core are installed; otherwise a
/// skip (or a failure where `OVERDOSE_BOT_BROWSER_TESTS=required`).
fn browser_available() -> Option<&'static str> {
    let chromium = std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".to_owned());
    let playwright = root().join("tests/browser/node_modules/playwright-core");
    let node = Command::new("node")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    let missing: Vec<&str> = [
        (!Path::new(&chromium).exists()).then_some("chromium (apt-get install chromium)"),
        (!playwright.is_dir()).then_some("playwright-core (npm ci in tests/browser)"),
        (!node).then_some("node"),
    ]
    .into_iter()
    .flatten()
    .collect();
    if missing.is_empty() {
        return Some("node");
    }
    let required = std::env::var("OVERDOSE_BOT_BROWSER_TESTS").is_ok_and(|v| v == "required");
    assert!(
        !required,
        "browser tests are required but missing: {}",
        missing.join(", ")
    );
    eprintln!("skipped the browser walk: missing {}", missing.join(", "));
    None
}
