//! Criterion benchmarks of the pure core: serving a screen from a button's
//! callback data, search, deep links, and loading + validating content (the
//! shipped tree and a generated 10,000-node tree).
//!
//! `cargo bench --bench engine`; figures are reported in BENCHMARKS.md and
//! the issues' closing notes, never asserted in tests. `cargo test` runs
//! each benchmark once (criterion's test mode, `test = true` in
//! Cargo.toml), so a benchmark whose setup breaks fails the tests.

use std::hint::black_box;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use criterion::measurement::WallTime;
use criterion::{BenchmarkGroup, Criterion, criterion_group, criterion_main};
use loadgen::GeneratedTree;
use overdose_bot::content::{Content, LoadOptions, Loaded, ValidateOptions};
use overdose_bot::content_files::load;
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
    search_benches(&mut group, content);
    group.finish();
}

/// The same messages searched on any tree, so that the shipped content and
/// a generated 10,000-node tree can be compared message by message.
fn search_benches(group: &mut BenchmarkGroup<'_, WallTime>, content: &Content) {
    let locale = content.default_locale();
    for (name, message) in [
        ("free_text_search", "он не дышит посинел"),
        ("free_text_search_not_emergency", "сколько колоть налоксон"),
        ("free_text_search_long_message", LONG_MESSAGE),
    ] {
        group.bench_function(name, |b| {
            b.iter(|| {
                engine::handle(
                    black_box(content),
                    locale,
                    Input::Text {
                        text: black_box(message),
                    },
                )
            })
        });
    }
}

/// A long message as people write to the doctors' line (48 words).
const LONG_MESSAGE: &str = "Здравствуйте, у меня такая ситуация: мы с другом были у него дома, он вмазался, \
    как обычно, а через десять минут упал, губы синие, я его трясу, а он не просыпается и не отвечает, \
    налоксона у нас нет, скорую я вызвал, что мне делать пока они едут, пожалуйста помогите";

fn load_benches(c: &mut Criterion) {
    let shipped = shipped();
    must_load(&shipped);
    let mut group = c.benchmark_group("load");
    group.bench_function("shipped_content", |b| b.iter(|| load(black_box(&shipped))));

    let generated = GeneratedTree::new(10_000);
    let options = options(generated.dir.clone());
    let loaded = must_load(&options);
    group.sample_size(10);
    group.bench_function("generated_10k_nodes", |b| b.iter(|| load(black_box(&options))));
    group.finish();

    // Search must not grow with the tree: each message on 10,000 nodes
    // against the same message on the shipped content (`engine/...`).
    let mut group = c.benchmark_group("engine_10k_nodes");
    search_benches(&mut group, loaded.content.as_ref().unwrap());
    group.finish();
}

criterion_group!(benches, engine_benches, load_benches);
criterion_main!(benches);
