//! Keeps the editor documentation true to the code.

use overdose_bot::diagnostics::Code;
use overdose_bot::i18n::REQUIRED_MESSAGES;

#[test]
fn content_readme_lists_every_diagnostic_code() {
    let readme = include_str!("../content/README.md");
    for code in Code::ALL {
        let row = format!("| {} | {} |", code.as_str(), code.summary());
        assert!(readme.contains(&row), "content/README.md lacks the row `{row}`");
    }
}

#[test]
fn locales_readme_lists_every_message() {
    let readme = include_str!("../locales/README.md");
    for id in REQUIRED_MESSAGES {
        assert!(
            readme.contains(&format!("`{id}`")),
            "locales/README.md does not describe `{id}`"
        );
    }
}
