//! Reloading content: good files are swapped in whole, and each kind of
//! broken file keeps the last good content serving.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use arc_swap::ArcSwap;
use overdose_bot::content::{LoadOptions, ValidateOptions};
use overdose_bot::content_files::load;
use overdose_bot::reload::{ReloadOutcome, SharedContent, reload};

fn options(content: PathBuf) -> LoadOptions {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    LoadOptions {
        content_dir: content,
        locales_dir: root.join("locales"),
        validate: ValidateOptions {
            today: chrono::NaiveDate::from_ymd_opt(2026, 11, 24).unwrap(),
            review_max_age_days: None,
        },
    }
}

#[test]
fn good_content_is_swapped_in_and_broken_content_keeps_the_last_good() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = std::env::temp_dir().join(format!("overdose-bot-reload-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    crate::support::copy_dir(&root.join("tests/fixtures/tree/content"), &dir);
    let options = options(dir.clone());
    let shared: SharedContent = Arc::new(ArcSwap::from_pointee(load(&options).content.unwrap()));
    let manifest = dir.join("bot.yaml");
    let original = std::fs::read_to_string(&manifest).unwrap();

    std::fs::write(
        &manifest,
        original.replace("version: \"test-1\"", "version: \"test-2\""),
    )
    .unwrap();
    assert!(matches!(reload(&shared, &options), ReloadOutcome::Swapped { ref version, .. } if version == "test-2"));
    assert_eq!(shared.load().version(), "test-2");

    let cases = [
        ("syntax error", "tree.yaml", "- id: start\n  title: { ru: [\n"),
        (
            "dangling link",
            "extra.yaml",
            "- id: extra\n  kind: menu\n  title: { ru: Э, en: E }\n  buttons: [nowhere]\n",
        ),
        (
            "missing locale",
            "extra.yaml",
            "- id: extra\n  title: { ru: Э }\n  text: { ru: Т }\n",
        ),
        (
            "oversized text",
            "extra.yaml",
            &format!(
                "- id: extra\n  title: {{ ru: Э, en: E }}\n  text: {{ ru: \"{}\", en: T }}\n",
                "я".repeat(5000)
            ),
        ),
    ];
    for (what, file, text) in cases {
        let path = dir.join(file);
        let before = std::fs::read_to_string(&path).ok();
        std::fs::write(&path, text).unwrap();
        match reload(&shared, &options) {
            ReloadOutcome::Rejected {
                diagnostics, rendered, ..
            } => {
                assert!(diagnostics.has_errors(), "{what}");
                assert!(rendered.contains("error["), "{what}: {rendered}");
            }
            other => panic!("{what} was accepted: {other:?}"),
        }
        assert_eq!(
            shared.load().version(),
            "test-2",
            "{what}: the last good content is kept"
        );
        match before {
            Some(text) => std::fs::write(&path, text).unwrap(),
            None => std::fs::remove_file(&path).unwrap(),
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
}
