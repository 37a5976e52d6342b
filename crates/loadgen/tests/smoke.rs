//! CI's check of the load driver: it runs for a few seconds against both
//! bots and produces a complete report. Figures are not asserted: they are
//! benchmarks (BENCHMARKS.md), not tests.

use std::path::Path;
use std::process::Command;

#[test]
fn the_driver_runs_both_bots_and_reports_in_polling_mode() {
    check_run("polling");
}

#[test]
fn the_driver_runs_both_bots_and_reports_in_webhook_mode() {
    check_run("webhook");
}

#[test]
fn the_driver_floods_one_chat_and_counts_its_answers() {
    let report = run(&[
        "--mode",
        "polling",
        "--no-baseline",
        "--throttle",
        "--flood",
        "20",
        "--flood-at",
        "0",
    ]);
    assert!(report["ours"]["updates"].as_u64().unwrap() > 0, "{report:#}");
    assert!(report["ours"]["flood_answered"].as_u64().unwrap() > 0, "{report:#}");
    assert_eq!(report["flood"], 20);
}

#[test]
fn the_driver_plays_a_crowd_and_reports_the_emergency_page_apart() {
    let report = run(&["--throttle", "--burst", "20", "--emergency-share", "0.25"]);
    let ours = &report["ours"];
    assert_eq!(ours["updates"], 20, "{report:#}");
    assert_eq!(ours["errors"], 0, "{report:#}");
    assert!(ours["latency_ms"]["p99"].as_f64().is_some(), "{report:#}");
    assert!(ours["emergency_latency_ms"]["p99"].as_f64().is_some(), "{report:#}");
    assert!(report["baseline"].is_null(), "no baseline for a crowd: {report:#}");
}

/// The benchmark's generated tree serves: a change that broke it (the
/// shipped manifest asking for what the tree lacks) fails here, not weeks
/// later in someone's benchmark run.
#[test]
fn the_driver_serves_a_generated_tree_of_a_thousand_nodes() {
    let report = run(&["--no-baseline", "--generate-nodes", "1000"]);
    let ours = &report["ours"];
    assert_eq!(report["nodes"], 1000, "{report:#}");
    assert!(ours["updates"].as_u64().unwrap() > 0, "{report:#}");
    assert_eq!(ours["errors"], 0, "{report:#}");
}

fn check_run(mode: &str) {
    let report = run(&["--mode", mode]);
    for run in ["ours", "baseline"] {
        let run = &report[run];
        assert!(run["updates"].as_u64().unwrap() > 0, "{report:#}");
        assert_eq!(run["errors"], 0, "{report:#}");
        assert!(run["peak_rss_mib"].as_f64().unwrap() > 0.0, "{report:#}");
        assert!(run["latency_ms"]["p99"].as_f64().is_some(), "{report:#}");
    }
    assert!(report["throughput_ratio"].as_f64().unwrap() > 0.0);
}

/// Runs the driver for 2 s with 10 people and `args`; returns its report.
fn run(args: &[&str]) -> serde_json::Value {
    let here = Path::new(env!("CARGO_BIN_EXE_loadgen")).parent().unwrap();
    let bot = here.join("overdose-bot");
    assert!(
        bot.exists(),
        "{} is missing: run the workspace's tests (cargo test --workspace)",
        bot.display()
    );
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let output = Command::new(env!("CARGO_BIN_EXE_loadgen"))
        .args(["--users", "10", "--duration", "2", "--think-ms", "200", "--json"])
        .args(args)
        .arg("--bot")
        .arg(&bot)
        .arg("--baseline")
        .arg(env!("CARGO_BIN_EXE_baseline"))
        .arg("--content")
        .arg(root.join("content"))
        .arg("--locales")
        .arg(root.join("locales"))
        .output()
        .expect("run loadgen");
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    serde_json::from_slice(&output.stdout).expect("a JSON report")
}
