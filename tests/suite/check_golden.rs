//! Golden tests of `overdose-bot check`: each directory under
//! `tests/fixtures/check/` is a content tree broken in known ways, and its
//! `expected.txt` holds the exact report and exit code. The real binary runs
//! with the fixture as its working directory, so paths read as an editor
//! would see them.
//!
//! After an intended change of the output, regenerate with
//! `UPDATE_GOLDEN=1 cargo test --test suite check_golden::` and review the diff.

use std::path::{Path, PathBuf};
use std::process::Command;

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/check")
}

fn run_case(name: &str) {
    let dir = fixtures().join(name);
    let mut args: Vec<String> = ["check", "--today", "2026-11-24"].map(String::from).to_vec();
    let extra = std::fs::read_to_string(dir.join("args")).unwrap_or_default();
    let extra: Vec<String> = extra.split_whitespace().map(String::from).collect();
    if !extra.iter().any(|a| a == "--content") {
        args.extend(["--content".into(), "content".into()]);
    }
    if !extra.iter().any(|a| a == "--locales") {
        let locales = if dir.join("locales").is_dir() {
            "locales"
        } else {
            "../../../../locales"
        };
        args.extend(["--locales".into(), locales.into()]);
    }
    args.extend(extra);
    let output = Command::new(env!("CARGO_BIN_EXE_overdose-bot"))
        .args(&args)
        .current_dir(&dir)
        .env_remove("OVERDOSE_BOT_FORMAT")
        .env_remove("OVERDOSE_BOT_DENY_WARNINGS")
        .env_remove("OVERDOSE_BOT_REVIEW_MAX_AGE_DAYS")
        .output()
        .expect("run overdose-bot");
    assert!(
        output.stderr.is_empty(),
        "stderr: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let actual = format!(
        "{}\nexit code: {}\n",
        String::from_utf8(output.stdout).expect("utf-8 report"),
        output.status.code().expect("exit code")
    );
    let expected_path = dir.join("expected.txt");
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::write(&expected_path, &actual).unwrap();
        return;
    }
    let expected = std::fs::read_to_string(&expected_path)
        .unwrap_or_else(|_| panic!("{} is missing; run with UPDATE_GOLDEN=1", expected_path.display()));
    if actual != expected {
        panic!("report of `{name}` differs from expected.txt\n--- expected\n{expected}\n--- actual\n{actual}");
    }
}

macro_rules! golden {
    ($($name:ident),* $(,)?) => {
        $(
            #[test]
            fn $name() {
                run_case(&stringify!($name).replace('_', "-"));
            }
        )*

        #[test]
        fn every_fixture_has_a_test() {
            let listed: Vec<String> = vec![$(stringify!($name).replace('_', "-")),*];
            for entry in std::fs::read_dir(fixtures()).unwrap() {
                let name = entry.unwrap().file_name().into_string().unwrap();
                assert!(listed.contains(&name), "fixture `{name}` has no golden! entry");
            }
        }
    };
}

golden!(
    bad_ids,
    clean,
    companions_services_groups,
    deny_warnings,
    duplicate_id,
    emergency_deep,
    emergency_keyword,
    fluent,
    hazards,
    json,
    manifest,
    markup,
    missing_dirs,
    missing_locale,
    photo_question,
    reviews,
    roster,
    lines,
    too_long,
    translations,
    unknown_button,
    unknown_field,
    yaml_syntax,
);
