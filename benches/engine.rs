//! Criterion benchmarks of the pure core: serving a screen from a button's
//! callback data, search, deep links, and loading + validating content (the
//! shipped tree and a generated 10,000-node tree).
//!
//! `cargo bench --bench engine`; figures are reported in BENCHMARKS.md and
//! the issues' closing notes, never asserted in tests.

use std::fmt::Write as _;
use std::hint::black_box;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use criterion::{Criterion, criterion_group, criterion_main};
use overdose_bot::content::{LoadOptions, Loaded, ValidateOptions, load};
use overdose_bot::diagnostics::{Format, render};
use overdose_bot::engine::{self, Input};

fn options(content_dir: PathBuf) -> LoadOptions {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    LoadOptions {
        content_dir,
        locales_dir: root.join("locales"),
        validate: ValidateOptions {
            today: NaiveDate::from_ymd_opt(2026, 11, 24).unwrap(),
            review_max_age_days: None,
        },
    }
}

fn shipped() -> LoadOptions {
    options(Path::new(env!("CARGO_MANIFEST_DIR")).join("content"))
}

fn must_load(options: &LoadOptions) -> Loaded {
    let loaded = load(options);
    assert!(
        loaded.content.is_some(),
        "benchmark content does not load:\n{}",
        render(&loaded.diagnostics, &loaded.sources, Format::Human)
    );
    loaded
}

fn engine_benches(c: &mut Criterion) {
    let loaded = must_load(&shipped());
    let content = loaded.content.as_ref().unwrap();
    let locale = content.default_locale();
    // A real button two taps deep, so its data carries a breadcrumb.
    let start = engine::handle(content, locale, Input::Start { payload: None });
    let first = engine::handle(
        content,
        locale,
        Input::Callback {
            data: &start.buttons[0][0].data,
        },
    );
    let data = first.buttons[0][0].data.clone();

    let mut group = c.benchmark_group("engine");
    group.bench_function("render_from_callback", |b| {
        b.iter(|| engine::handle(black_box(content), locale, Input::Callback { data: black_box(&data) }))
    });
    group.bench_function("deep_link", |b| {
        b.iter(|| {
            engine::handle(
                black_box(content),
                locale,
                Input::Start {
                    payload: Some(black_box("naloxone")),
                },
            )
        })
    });
    group.bench_function("free_text_search", |b| {
        b.iter(|| {
            engine::handle(
                black_box(content),
                locale,
                Input::Text {
                    text: black_box("он не дышит посинел"),
                },
            )
        })
    });
    group.finish();
}

fn load_benches(c: &mut Criterion) {
    let shipped = shipped();
    must_load(&shipped);
    let mut group = c.benchmark_group("load");
    group.bench_function("shipped_content", |b| b.iter(|| load(black_box(&shipped))));

    let generated = GeneratedTree::new(10_000);
    let options = options(generated.dir.clone());
    must_load(&options);
    group.sample_size(10);
    group.bench_function("generated_10k_nodes", |b| b.iter(|| load(black_box(&options))));
    group.finish();
}

/// A valid tree of `nodes` nodes in a temporary directory: menus of ten
/// buttons, every node reachable, the emergency page one tap from the root.
struct GeneratedTree {
    dir: PathBuf,
}

impl GeneratedTree {
    fn new(nodes: usize) -> Self {
        let dir = std::env::temp_dir().join(format!("overdose-bot-bench-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let manifest = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("content/bot.yaml"))
            .unwrap()
            .replace("emergency: not-breathing", "emergency: node-1");
        std::fs::write(dir.join("bot.yaml"), manifest).unwrap();
        // Node 0 is `start`; node i's children are 10i+1 ..= 10i+10.
        let id = |i: usize| {
            if i == 0 {
                "start".to_owned()
            } else {
                format!("node-{i}")
            }
        };
        let per_file = 100;
        for file in 0..nodes.div_ceil(per_file) {
            let mut yaml = String::new();
            for i in file * per_file..((file + 1) * per_file).min(nodes) {
                let children: Vec<String> = (10 * i + 1..=10 * i + 10).filter(|c| *c < nodes).map(id).collect();
                let _ = writeln!(yaml, "- id: {}", id(i));
                if children.is_empty() {
                    let _ = writeln!(yaml, "  title: {{ ru: \"Страница {i}\", en: \"Page {i}\" }}");
                    let _ = writeln!(
                        yaml,
                        "  text:\n    ru: |\n      1. **Позвоните 112** и проверьте дыхание, шаг {i}.\n      2. Оставайтесь рядом.\n    en: |\n      1. **Call 112** and check breathing, step {i}.\n      2. Stay with them."
                    );
                    let _ = writeln!(
                        yaml,
                        "  keywords: {{ ru: [шаг {i}, дыхание], en: [step {i}, breathing] }}"
                    );
                    let _ = writeln!(
                        yaml,
                        "  review: {{ status: reviewed, by: Bench reviewer, on: 2026-11-01 }}"
                    );
                    let _ = writeln!(yaml, "  sources: [bench]");
                } else {
                    let _ = writeln!(yaml, "  kind: menu");
                    let _ = writeln!(yaml, "  title: {{ ru: \"Меню {i}\", en: \"Menu {i}\" }}");
                    let _ = writeln!(yaml, "  buttons: [{}]", children.join(", "));
                }
            }
            std::fs::write(dir.join(format!("part-{file:03}.yaml")), yaml).unwrap();
        }
        GeneratedTree { dir }
    }
}

impl Drop for GeneratedTree {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

criterion_group!(benches, engine_benches, load_benches);
criterion_main!(benches);
