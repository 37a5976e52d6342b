//! Keeps the editor documentation and the deployment files true to the code.

use overdose_bot::diagnostics::Code;
use overdose_bot::i18n::{Msg, REQUIRED_MESSAGES};

#[test]
fn content_readme_lists_every_diagnostic_code() {
    let readme = include_str!("../../content/README.md");
    for code in Code::ALL {
        let row = format!("| {} | {} |", code.as_str(), code.summary());
        assert!(readme.contains(&row), "content/README.md lacks the row `{row}`");
    }
}

#[test]
fn locales_readme_lists_every_message() {
    let readme = include_str!("../../locales/README.md");
    let runtime = Msg::ALL.iter().map(|message| message.id());
    for id in REQUIRED_MESSAGES.iter().copied().chain(runtime) {
        assert!(
            readme.contains(&format!("`{id}`")),
            "locales/README.md does not describe `{id}`"
        );
    }
    for message in Msg::ALL {
        let id = message.id();
        let row = readme.lines().find(|l| l.contains(&format!("`{id}`"))).unwrap();
        for variable in message.variables() {
            assert!(
                row.contains(&format!("`${variable}`")),
                "locales/README.md: `{id}` lacks `${variable}`"
            );
        }
    }
}

#[test]
fn committed_schemas_match_the_rust_types() {
    use overdose_bot::schema::{hazards_schema, manifest_schema, nodes_schema, services_schema};
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("content/schema");
    let read = |name: &str| std::fs::read_to_string(root.join(name)).unwrap_or_default();
    assert!(
        read("nodes.schema.json") == nodes_schema()
            && read("manifest.schema.json") == manifest_schema()
            && read("services.schema.json") == services_schema()
            && read("hazards.schema.json") == hazards_schema(),
        "content/schema is stale: run `cargo run -- schema` and commit the result"
    );
}

#[test]
fn every_content_file_points_editors_at_its_schema() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("content");
    for entry in std::fs::read_dir(&root).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "yaml") {
            let expected = if path.ends_with("bot.yaml") {
                "manifest"
            } else if path.ends_with("services.yaml") {
                "services"
            } else {
                "nodes"
            };
            let first = std::fs::read_to_string(&path)
                .unwrap()
                .lines()
                .next()
                .unwrap_or_default()
                .to_owned();
            assert_eq!(
                first,
                format!("# yaml-language-server: $schema=schema/{expected}.schema.json"),
                "{}",
                path.display()
            );
        }
    }
}

#[test]
fn the_systemd_unit_forbids_core_dumps_and_sandboxes_the_bot() {
    let unit = include_str!("../../deploy/overdose-bot.service");
    for setting in [
        "LimitCORE=0",
        "NoNewPrivileges=yes",
        "ProtectSystem=strict",
        "PrivateDevices=yes",
        "ProtectProc=invisible",
        "RestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX",
        "MemoryDenyWriteExecute=yes",
        "SystemCallFilter=@system-service",
        "CapabilityBoundingSet=\n",
    ] {
        assert!(unit.contains(setting), "the unit lacks {setting:?}");
    }
}

/// SAFETY.md's hazard table is the log as it stands: every hazard of
/// `safety/hazards/` has its row with the log's initial and residual risk
/// and status, and no row names a hazard the log does not have.
#[test]
fn safety_md_lists_every_hazard_as_the_log_rates_it() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut loaded = overdose_bot::content_files::load(&overdose_bot::content::LoadOptions {
        content_dir: root.join("content"),
        locales_dir: root.join("locales"),
        validate: overdose_bot::content::ValidateOptions {
            today: chrono::NaiveDate::from_ymd_opt(2026, 12, 7).unwrap(),
            review_max_age_days: None,
        },
    });
    let mut found = overdose_bot::diagnostics::Diagnostics::default();
    let hazards = overdose_bot::safety::check(
        &root.join("safety"),
        loaded.content.as_ref(),
        &mut loaded.sources,
        &mut found,
    );
    assert!(hazards.len() >= 40, "{} hazards", hazards.len());
    let safety = std::fs::read_to_string(root.join("SAFETY.md")).unwrap();
    let rows: Vec<&str> = safety.lines().filter(|l| l.starts_with("| HZ-")).collect();
    let mut missing = Vec::new();
    for hazard in &hazards {
        let expected = format!(
            "| {} | {} | {} |",
            hazard.before.describe(),
            hazard.after.describe(),
            hazard.status.name()
        );
        let row = rows.iter().find(|r| r.starts_with(&format!("| {} |", hazard.id)));
        if !row.is_some_and(|r| r.ends_with(&expected)) {
            missing.push(format!("{}: {expected}, found {row:?}", hazard.id));
        }
    }
    assert!(
        missing.is_empty(),
        "SAFETY.md's table differs from the log:\n{}",
        missing.join("\n")
    );
    for row in rows {
        let id = row.split('|').nth(1).unwrap().trim();
        assert!(
            hazards.iter().any(|h| h.id == id),
            "SAFETY.md names `{id}`, which the log lacks"
        );
    }
}
