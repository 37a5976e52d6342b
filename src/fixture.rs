//! The small fixture tree of `tests/fixtures/tree`, loaded once from disk
//! for the library's unit tests. Beside the crate's other test helpers,
//! not in `content/`, which never reads the disk.

use std::sync::OnceLock;

use crate::content::{Content, LoadOptions, ValidateOptions};
use crate::content_files::load;

pub fn tree() -> &'static Content {
    static TREE: OnceLock<Content> = OnceLock::new();
    TREE.get_or_init(|| {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let loaded = load(&LoadOptions {
            content_dir: root.join("tests/fixtures/tree/content"),
            locales_dir: root.join("locales"),
            validate: ValidateOptions {
                today: chrono::NaiveDate::from_ymd_opt(2026, 11, 24).unwrap(),
                review_max_age_days: None,
            },
        });
        assert!(!loaded.diagnostics.has_errors(), "{:?}", loaded.diagnostics);
        loaded.content.expect("fixture tree loads")
    })
}
