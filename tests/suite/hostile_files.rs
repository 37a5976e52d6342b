//! Content, locale and roster files as an attacker with commit rights would
//! write them. Editors are trusted with content, not with the server's
//! secrets or its life: `check` (the same loader `serve` and every reload
//! use) must refuse each file with a diagnostic, never print a secret, never
//! hang and never die. Each case runs the real binary, so a stack overflow
//! or a hang fails the test instead of the test runner.

use std::os::unix::fs::symlink;
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};
use std::time::Duration;

use crate::support::{TempDir, copy_dir, root};

const SECRET: &str = "123456:SECRET-TOKEN-never-printed";

/// A writable copy of the shipped content and locales.
struct Tree {
    dir: TempDir,
}

impl Tree {
    fn new() -> Self {
        let dir = TempDir::new();
        copy_dir(&root().join("content"), &dir.path().join("content"));
        copy_dir(&root().join("locales"), &dir.path().join("locales"));
        Tree { dir }
    }

    fn content(&self) -> PathBuf {
        self.dir.path().join("content")
    }

    fn locales(&self) -> PathBuf {
        self.dir.path().join("locales")
    }

    /// A file outside the content root holding a secret.
    fn secret_file(&self) -> PathBuf {
        let path = self.dir.path().join("secrets.env");
        std::fs::write(&path, format!("TELOXIDE_TOKEN={SECRET}\n")).unwrap();
        path
    }

    /// `check` on this tree with the secret in its environment, as `serve`
    /// has it; killed after 60 s so a hang fails instead of blocking CI.
    fn check(&self, extra: &[&str]) -> (i32, String) {
        let child = Command::new(env!("CARGO_BIN_EXE_overdose-bot"))
            .arg("check")
            .arg("--content")
            .arg(self.content())
            .arg("--locales")
            .arg(self.locales())
            .args(extra)
            .env("TELOXIDE_TOKEN", SECRET)
            .env_remove("OVERDOSE_BOT_FORMAT")
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let pid = child.id().to_string();
        let (done, finished) = std::sync::mpsc::channel();
        std::thread::spawn(move || done.send(child.wait_with_output()));
        let Ok(result) = finished.recv_timeout(Duration::from_secs(60)) else {
            let _ = Command::new("kill").args(["-9", &pid]).status();
            panic!("check hung");
        };
        let Output { status, stdout, stderr } = result.unwrap();
        let output = format!(
            "{}{}",
            String::from_utf8_lossy(&stdout),
            String::from_utf8_lossy(&stderr)
        );
        let code = status
            .code()
            .unwrap_or_else(|| panic!("check was killed by a signal ({status}):\n{output}"));
        assert!(!output.contains(SECRET), "the secret was printed:\n{output}");
        (code, output)
    }
}

fn assert_refused(code: i32, output: &str, diagnostic: &str) {
    assert_eq!(code, 1, "{output}");
    assert!(output.contains(diagnostic), "expected {diagnostic}:\n{output}");
}

/// A report at most a couple of kilobytes longer than the shipped content's
/// own (its warnings for draft pages).
fn assert_short(output: &str) {
    let (_, baseline) = Tree::new().check(&[]);
    assert!(
        output.len() < baseline.len() + 2_000,
        "{} bytes of report against {} for the shipped content",
        output.len(),
        baseline.len()
    );
}

#[test]
fn the_shipped_copy_passes_so_each_case_below_tests_one_thing() {
    let (code, output) = Tree::new().check(&[]);
    assert_eq!(code, 0, "{output}");
}

#[test]
fn a_content_file_linked_to_a_secret_or_the_environment_is_refused() {
    let tree = Tree::new();
    symlink(tree.secret_file(), tree.content().join("extra.yaml")).unwrap();
    let (code, output) = tree.check(&[]);
    assert_refused(code, &output, "error[E0025]");
    assert!(output.contains("leads outside"), "{output}");

    let tree = Tree::new();
    symlink("/proc/self/environ", tree.content().join("environ.yaml")).unwrap();
    let (code, output) = tree.check(&[]);
    assert_refused(code, &output, "error[E0025]");

    let tree = Tree::new();
    symlink(tree.secret_file(), tree.locales().join("en/extra.ftl")).unwrap();
    let (code, output) = tree.check(&[]);
    assert_refused(code, &output, "error[E0025]");
}

#[test]
fn a_link_inside_the_content_directory_is_read() {
    let tree = Tree::new();
    let content = tree.content();
    std::fs::rename(content.join("wounds.yaml"), tree.dir.path().join("wounds.yaml")).unwrap();
    std::fs::create_dir(content.join("shared")).unwrap();
    std::fs::rename(
        tree.dir.path().join("wounds.yaml"),
        content.join("shared/wounds.yml.txt"),
    )
    .unwrap();
    symlink(content.join("shared/wounds.yml.txt"), content.join("wounds.yaml")).unwrap();
    let (code, output) = tree.check(&[]);
    assert_eq!(code, 0, "{output}");
}

#[test]
fn devices_pipes_and_symlink_loops_neither_hang_nor_exhaust_memory() {
    let tree = Tree::new();
    symlink("/dev/zero", tree.content().join("zero.yaml")).unwrap();
    let (code, output) = tree.check(&[]);
    assert_refused(code, &output, "error[E0025]");

    let tree = Tree::new();
    let fifo = tree.content().join("pipe.yaml");
    assert!(Command::new("mkfifo").arg(&fifo).status().unwrap().success());
    let (code, output) = tree.check(&[]);
    assert_refused(code, &output, "is not a regular file");

    let tree = Tree::new();
    symlink(tree.content(), tree.content().join("again")).unwrap();
    symlink(tree.content().join("loop-b.yaml"), tree.content().join("loop-a.yaml")).unwrap();
    symlink(tree.content().join("loop-a.yaml"), tree.content().join("loop-b.yaml")).unwrap();
    let (code, output) = tree.check(&[]);
    assert_ne!(code, 0, "{output}");
    assert!(
        output.contains("loop-a.yaml`: Too many levels of symbolic links"),
        "{output}"
    );
}

#[test]
fn oversized_files_are_refused_before_they_are_parsed() {
    let tree = Tree::new();
    let huge = format!(
        "- id: huge\n  title: {{ ru: \"{0}\", en: \"{0}\" }}\n",
        "x".repeat(2 << 20)
    );
    std::fs::write(tree.content().join("huge.yaml"), huge).unwrap();
    let (code, output) = tree.check(&[]);
    assert_refused(code, &output, "larger than a content file's limit");
    assert_short(&output);
}

#[test]
fn a_huge_line_is_not_quoted_back() {
    let tree = Tree::new();
    let id = "x".repeat(500_000);
    let page = format!("- id: long\n  title: {{ ru: L, en: L }}\n  text: {{ ru: L, en: L }}\n  buttons: [{id}]\n");
    std::fs::write(tree.content().join("long.yaml"), page).unwrap();
    let (code, output) = tree.check(&[]);
    assert_refused(code, &output, "error[E0004]");
    assert_short(&output);
}

#[test]
fn media_outside_the_content_directory_is_never_sent() {
    let tree = Tree::new();
    let media = tree.content().join("media/cpr-metronome-110.mp3");
    std::fs::remove_file(&media).unwrap();
    symlink(tree.secret_file(), &media).unwrap();
    let (code, output) = tree.check(&[]);
    assert_refused(code, &output, "error[E0025]");
    assert!(output.contains("cpr.yaml:"), "points at the node: {output}");
}

#[test]
fn deeply_nested_fluent_yaml_and_markdown_do_not_crash() {
    let tree = Tree::new();
    let ftl = tree.locales().join("en/bot.ftl");
    let deep = format!("deep = {}x{}\n", "{ ".repeat(100_000), " }".repeat(100_000));
    std::fs::write(&ftl, std::fs::read_to_string(&ftl).unwrap() + &deep).unwrap();
    let (code, output) = tree.check(&[]);
    assert_refused(code, &output, "error[E0026]");
    assert!(output.contains("bot.ftl:"), "{output}");

    let tree = Tree::new();
    let ftl = tree.locales().join("en/bot.ftl");
    let chain: String = (0..20_000)
        .map(|i| format!("chain-{i} = {{ chain-{} }}\n", i + 1))
        .collect();
    std::fs::write(
        &ftl,
        std::fs::read_to_string(&ftl).unwrap() + &chain + "chain-20000 = end\n",
    )
    .unwrap();
    let (code, output) = tree.check(&[]);
    assert!(code == 0 || code == 1, "{output}");

    let tree = Tree::new();
    let nested = format!(
        "- id: nested\n  title: {}x{}\n",
        "[".repeat(100_000),
        "]".repeat(100_000)
    );
    std::fs::write(tree.content().join("nested.yaml"), nested).unwrap();
    let (code, output) = tree.check(&[]);
    assert_refused(code, &output, "error[E0002]");

    let tree = Tree::new();
    let quotes = "> ".repeat(50_000);
    let page =
        format!("- id: quoted\n  title: {{ ru: Q, en: Q }}\n  text: {{ ru: \"{quotes}x\", en: \"{quotes}x\" }}\n");
    std::fs::write(tree.content().join("quoted.yaml"), page).unwrap();
    let (code, output) = tree.check(&[]);
    assert!(code == 0 || code == 1, "{output}");
}

#[test]
fn fluent_nested_through_call_arguments_is_refused() {
    // One pair of braces, 10,000 calls: a 30 KB file once aborted `check`
    // (rc 134) and a 9 KB one a live bot on reload.
    for call in ["A(", "-t("] {
        let tree = Tree::new();
        let ftl = tree.locales().join("en/bot.ftl");
        let deep = format!("deep = {{ {}1{} }}\n", call.repeat(10_000), ")".repeat(10_000));
        std::fs::write(&ftl, std::fs::read_to_string(&ftl).unwrap() + &deep).unwrap();
        let (code, output) = tree.check(&[]);
        assert_refused(code, &output, "error[E0026]");
        assert!(output.contains("bot.ftl:"), "{output}");
    }
}

#[test]
fn a_list_nested_ten_thousand_deep_is_refused_without_rendering_it() {
    // `- - - … x` once rendered to ~1.5·n² characters: 20 KB of text took
    // 599 MB and a reload died under the unit's memory limit.
    let tree = Tree::new();
    let list = format!("{}x", "- ".repeat(10_000));
    let page = format!("- id: listy\n  title: {{ ru: L, en: L }}\n  text: {{ ru: \"{list}\", en: \"{list}\" }}\n");
    std::fs::write(tree.content().join("listy.yaml"), page).unwrap();
    let (code, output) = tree.check(&[]);
    assert_refused(code, &output, "error[E0034]");
    assert!(output.contains("a list nested deeper than the bot allows"), "{output}");
    assert!(
        !output.contains("error[E0011]"),
        "rendered it to its full length:\n{output}"
    );
}

#[test]
fn many_files_each_under_the_cap_are_refused_together() {
    // 300 files just under 1 MiB once pushed a reload to 330 MB.
    let tree = Tree::new();
    let filler = format!("# {}\n", "x".repeat(1024 * 1024 - 100));
    for i in 0..300 {
        std::fs::write(tree.content().join(format!("filler-{i:03}.yaml")), &filler).unwrap();
    }
    let (code, output) = tree.check(&[]);
    assert_refused(code, &output, "error[E0025]");
    assert!(
        output.contains("filler-007.yaml` brings the text read in one load past"),
        "names the first file past the cap:\n{output}"
    );
    assert_short(&output);

    let tree = Tree::new();
    for i in 0..1_001 {
        std::fs::write(tree.content().join(format!("empty-{i:04}.yaml")), "").unwrap();
    }
    let (code, output) = tree.check(&[]);
    assert_refused(code, &output, "past the limit of 1000 files in one load");
}

#[test]
fn a_proxy_link_in_an_interface_string_is_refused() {
    // `group-off` was sent as raw HTML: this passed `check` and went live.
    let tree = Tree::new();
    let ftl = tree.locales().join("en/bot.ftl");
    let text = std::fs::read_to_string(&ftl).unwrap();
    let planted: String = text
        .lines()
        .map(|line| {
            if line.starts_with("group-off = ") {
                "group-off = Off. <a href=\"tg://proxy?server=1.2.3.4&port=443&secret=ab\">Faster Telegram</a>\n"
                    .to_owned()
            } else {
                format!("{line}\n")
            }
        })
        .collect();
    std::fs::write(&ftl, planted).unwrap();
    let (code, output) = tree.check(&[]);
    assert_refused(code, &output, "error[E0035]");
    assert!(output.contains("en/bot.ftl:"), "{output}");
}

#[test]
fn a_roster_that_is_a_device_or_huge_is_refused() {
    let tree = Tree::new();
    let (code, output) = tree.check(&["--roster", "/dev/zero"]);
    assert_refused(code, &output, "error[E0025]");

    let roster = tree.dir.path().join("roster.yaml");
    std::fs::write(&roster, "#".repeat(2 << 20)).unwrap();
    let (code, output) = tree.check(&["--roster", roster.to_str().unwrap()]);
    assert_refused(code, &output, "larger than a roster's limit");
}
