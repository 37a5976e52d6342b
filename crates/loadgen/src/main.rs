//! The load driver: starts the fake Bot API in-process on 127.0.0.1, starts
//! a bot binary pointed at it, and plays N simulated people, each walking
//! realistic sessions (/start, 3-6 taps, Back, a free-text question)
//! with a reading pause between steps (`--think-ms 0`: back to back, to find
//! capacity), for a bounded time. It measures throughput, latency
//! from an update being offered until the bot's answering request arrives,
//! the bot's peak RSS, start-up time and requests per update; then does the
//! same for a bare teloxide bot (the `baseline` binary) and prints both.
//! With `--flood N`, one more chat sends N messages at once during the run
//! (a forward of a long conversation); the figures are then everyone
//! else's, and the flooding chat's answers are only counted. With
//! `--burst N`, a crowd of N people arrives at once instead of the
//! sessions (`burst`), and the emergency page's latency is reported apart.
//!
//! `cargo build --release && cargo run --release -p loadgen -- --users 1000 --duration 20`

mod burst;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use clap::Parser;
use serde_json::{Value, json};
use telegram_fake::{FakeTelegram, TestChat, TestUser};
use tokio::sync::oneshot;

#[derive(Parser, Clone)]
#[command(about = "Load driver: simulated users against the fake Bot API, ours vs a bare teloxide bot")]
struct Args {
    /// Simulated people, each running sessions one step at a time.
    #[arg(long, default_value_t = 1000)]
    users: u32,
    /// How long each run lasts, in seconds (at most 120).
    #[arg(long, default_value_t = 20)]
    duration: u64,
    /// The overdose-bot binary (default: next to this one).
    #[arg(long)]
    bot: Option<PathBuf>,
    /// The baseline binary (default: next to this one).
    #[arg(long)]
    baseline: Option<PathBuf>,
    /// Serve a generated tree of this many nodes instead of --content.
    #[arg(long)]
    generate_nodes: Option<usize>,
    /// Content and locales directories for overdose-bot.
    #[arg(long, default_value = "content")]
    content: PathBuf,
    #[arg(long, default_value = "locales")]
    locales: PathBuf,
    /// How the bots get updates: long polling, or a webhook the fake POSTs to.
    #[arg(long, value_enum, default_value = "polling")]
    mode: Mode,
    /// Print one JSON document instead of the table.
    #[arg(long)]
    json: bool,
    /// Skip the baseline run.
    #[arg(long)]
    no_baseline: bool,
    /// Longest pause between a person's steps, in ms (each pause is drawn
    /// between half of it and all of it): people read a screen before they
    /// tap. 0 runs back to back, to find the bots' capacity.
    #[arg(long, default_value_t = 2000)]
    think_ms: u64,
    /// One more chat sends this many messages at once, `--flood-at` seconds
    /// into each run; its answers are counted but not measured.
    #[arg(long, default_value_t = 0)]
    flood: u32,
    /// When the flood comes, in seconds after the load starts.
    #[arg(long, default_value_t = 5)]
    flood_at: u64,
    /// Run overdose-bot with its pacing on (Telegram's rates: 1 message a
    /// second per chat, 30 overall), as in production.
    #[arg(long)]
    throttle: bool,
    /// Instead of the sessions, this many people arrive at once (a channel
    /// post) and each sends one message; the run ends when all are
    /// answered or after `--duration`. overdose-bot only: the baseline has
    /// no emergency page.
    #[arg(long, default_value_t = 0, conflicts_with = "flood")]
    burst: u32,
    /// The share of the `--burst` crowd that writes an emergency message
    /// (the rest send /start); their latency is reported apart.
    #[arg(long, default_value_t = 0.1, value_parser = share)]
    emergency_share: f64,
}

/// A share between 0 and 1.
fn share(value: &str) -> Result<f64, String> {
    match value.parse::<f64>() {
        Ok(share) if (0.0..=1.0).contains(&share) => Ok(share),
        _ => Err(format!("`{value}` is not a share between 0 and 1")),
    }
}

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum Mode {
    Polling,
    Webhook,
}

/// The secret the fake sends with webhook deliveries.
const WEBHOOK_SECRET: &str = "loadgen-webhook-secret";

/// Hard caps, whatever the arguments say.
const MAX_DURATION: Duration = Duration::from_secs(120);
const MAX_USERS: u32 = 10_000;
/// At most this many updates per simulated person, whatever the duration.
const MAX_STEPS_PER_USER: usize = 100_000;
/// A step not answered within this is counted as an error, and in the
/// latency percentiles as this long (a lower bound of its latency).
const STEP_TIMEOUT: Duration = Duration::from_secs(5);
/// At most this many flooded messages, whatever the arguments say.
const MAX_FLOOD: u32 = 10_000;
/// The flooding person's chat, outside the simulated people's ids.
const FLOOD_CHAT: i64 = 6_999_999;

/// Free-text questions people send.
const QUESTIONS: &[&str] = &[
    "не дышит",
    "naloxone",
    "абсцесс на руке",
    "what to do overdose",
    "налоксон доза",
];

#[derive(Debug, Default)]
struct Report {
    updates: u64,
    errors: u64,
    /// Every step's, except the emergency messages of a `--burst` crowd.
    latencies: Vec<Duration>,
    /// The emergency messages' of a `--burst` crowd.
    emergency_latencies: Vec<Duration>,
    elapsed: Duration,
    startup: Duration,
    peak_rss_kib: u64,
    requests: u64,
    /// Answers the flooding chat got during the run.
    flood_answered: u64,
}

impl Report {
    fn throughput(&self) -> f64 {
        self.updates as f64 / self.elapsed.as_secs_f64()
    }

    fn json(&self) -> Value {
        let ms = |d: Duration| (d.as_secs_f64() * 1e5).round() / 100.0;
        json!({
            "updates": self.updates,
            "updates_per_second": (self.throughput() * 10.0).round() / 10.0,
            "latency_ms": latency_json(&self.latencies),
            "emergency_latency_ms": (!self.emergency_latencies.is_empty()).then(|| latency_json(&self.emergency_latencies)),
            "peak_rss_mib": (self.peak_rss_kib as f64 / 1024.0 * 10.0).round() / 10.0,
            "startup_ms": ms(self.startup),
            "requests_per_update": if self.updates == 0 { 0.0 } else { ((self.requests as f64 / self.updates as f64) * 100.0).round() / 100.0 },
            "errors": self.errors,
            "flood_answered": self.flood_answered,
            "seconds": (self.elapsed.as_secs_f64() * 10.0).round() / 10.0,
        })
    }
}

/// p50, p95, p99 and max of `latencies`, in ms.
fn latency_json(latencies: &[Duration]) -> Value {
    let mut sorted = latencies.to_vec();
    sorted.sort();
    let ms = |p: f64| {
        let index = ((sorted.len() as f64 * p).ceil() as usize).clamp(1, sorted.len().max(1)) - 1;
        let latency = sorted.get(index).copied().unwrap_or_default();
        (latency.as_secs_f64() * 1e5).round() / 100.0
    };
    json!({ "p50": ms(0.50), "p95": ms(0.95), "p99": ms(0.99), "max": ms(1.0) })
}

#[tokio::main]
async fn main() {
    let mut args = Args::parse();
    // The baseline answers anything with the same message: no emergency page to measure.
    args.no_baseline |= args.burst > 0;
    let here = std::env::current_exe()
        .ok()
        .and_then(|p| p.parent().map(Path::to_path_buf))
        .unwrap_or_default();
    let bot = args.bot.clone().unwrap_or_else(|| here.join("overdose-bot"));
    let baseline = args.baseline.clone().unwrap_or_else(|| here.join("baseline"));
    for binary in [&bot].into_iter().chain((!args.no_baseline).then_some(&baseline)) {
        if !binary.exists() {
            eprintln!(
                "error: {} not found: run `cargo build --release --workspace` first",
                binary.display()
            );
            std::process::exit(2);
        }
    }
    let generated = args.generate_nodes.map(loadgen::GeneratedTree::new);
    if let Some(tree) = &generated {
        args.content = tree.dir.clone();
    }
    let ours = run(&args, &bot, Kind::Ours).await;
    let base = if args.no_baseline {
        None
    } else {
        Some(run(&args, &baseline, Kind::Baseline).await)
    };
    print(&args, &ours, base.as_ref());
}

fn print(args: &Args, ours: &Report, baseline: Option<&Report>) {
    let ratio = baseline.map(|b| {
        if b.throughput() > 0.0 {
            ours.throughput() / b.throughput()
        } else {
            0.0
        }
    });
    if args.json {
        let document = json!({
            "users": args.users,
            "duration_seconds": args.duration,
            "think_ms": args.think_ms,
            "flood": args.flood,
            "burst": args.burst,
            "emergency_share": args.emergency_share,
            "throttle": args.throttle,
            "nodes": args.generate_nodes,
            "mode": if args.mode == Mode::Webhook { "webhook" } else { "polling" },
            "ours": ours.json(),
            "baseline": baseline.map(Report::json),
            "throughput_ratio": ratio.map(|r| (r * 100.0).round() / 100.0),
        });
        println!("{}", serde_json::to_string_pretty(&document).unwrap_or_default());
        return;
    }
    let (o, b) = (ours.json(), baseline.map(Report::json).unwrap_or(Value::Null));
    if args.burst > 0 {
        println!(
            "{} people at once, {} % of them writing an emergency message; latency: the others, then the emergency page",
            args.burst.min(MAX_USERS),
            args.emergency_share * 100.0
        );
    } else {
        println!(
            "{} users, {} s per run, pauses up to {} ms",
            args.users, args.duration, args.think_ms
        );
    }
    if args.flood > 0 {
        println!(
            "one more chat sends {} messages at once {} s into the run (not measured)",
            args.flood.min(MAX_FLOOD),
            args.flood_at
        );
    }
    println!("{:<24} {:>14} {:>14}", "", "overdose-bot", "baseline");
    let rows: [(&str, &[&str]); 14] = [
        ("updates/s", &["updates_per_second"]),
        ("latency p50 (ms)", &["latency_ms", "p50"]),
        ("latency p95 (ms)", &["latency_ms", "p95"]),
        ("latency p99 (ms)", &["latency_ms", "p99"]),
        ("latency max (ms)", &["latency_ms", "max"]),
        ("emergency p50 (ms)", &["emergency_latency_ms", "p50"]),
        ("emergency p95 (ms)", &["emergency_latency_ms", "p95"]),
        ("emergency p99 (ms)", &["emergency_latency_ms", "p99"]),
        ("emergency max (ms)", &["emergency_latency_ms", "max"]),
        ("peak RSS (MiB)", &["peak_rss_mib"]),
        ("start-up (ms)", &["startup_ms"]),
        ("requests/update", &["requests_per_update"]),
        ("errors", &["errors"]),
        ("flood answered", &["flood_answered"]),
    ];
    for (label, path) in rows {
        let get = |v: &Value| path.iter().fold(v.clone(), |v, key| v[*key].clone());
        if get(&o).is_null() && get(&b).is_null() {
            continue;
        }
        println!("{label:<24} {:>14} {:>14}", get(&o).to_string(), get(&b).to_string());
    }
    if let Some(ratio) = ratio {
        println!("throughput ratio (ours / baseline): {ratio:.2}");
    }
}

/// Waiters for the bot's next answer in each chat.
type Waiters = Arc<Mutex<HashMap<i64, oneshot::Sender<Instant>>>>;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Ours,
    Baseline,
}

/// Arguments and environment for `kind` in `mode`.
fn command(args: &Args, binary: &Path, kind: Kind) -> tokio::process::Command {
    let mut command = tokio::process::Command::new(binary);
    if kind == Kind::Ours {
        command.arg("serve");
        if !args.throttle {
            command.arg("--no-throttle");
        }
        command
            .arg("--content")
            .arg(&args.content)
            .arg("--locales")
            .arg(&args.locales);
    }
    if args.mode == Mode::Webhook {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .map(|a| a.port())
            .unwrap_or(0);
        let listen = format!("127.0.0.1:{port}");
        let url = format!("http://{listen}/telegram");
        match kind {
            Kind::Ours => {
                command
                    .args(["--webhook-url", &url, "--listen", &listen])
                    .env("OVERDOSE_BOT_WEBHOOK_SECRET", WEBHOOK_SECRET);
            }
            Kind::Baseline => {
                command
                    .env("BASELINE_WEBHOOK_URL", &url)
                    .env("BASELINE_LISTEN", &listen)
                    .env("BASELINE_WEBHOOK_SECRET", WEBHOOK_SECRET);
            }
        }
    }
    command
}

async fn run(args: &Args, binary: &Path, kind: Kind) -> Report {
    let telegram = Arc::new(FakeTelegram::start().await);
    let mut arrivals = telegram.arrivals();
    let started = Instant::now();
    let ready_method = if args.mode == Mode::Webhook {
        "setWebhook"
    } else {
        "getUpdates"
    };
    let mut child = command(args, binary, kind)
        .env("TELOXIDE_TOKEN", telegram.token())
        .env("TELOXIDE_API_URL", telegram.url())
        .env("RUST_LOG", "error")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {}: {e}", binary.display()));
    let mut report = Report::default();
    // Start-up: until the first getUpdates (or the webhook is registered).
    loop {
        match tokio::time::timeout(Duration::from_secs(30), arrivals.recv()).await {
            Ok(Ok(arrival)) if arrival.method == ready_method => {
                report.startup = arrival.at.duration_since(started);
                break;
            }
            Ok(Ok(_)) => continue,
            _ => panic!("{} did not start", binary.display()),
        }
    }
    if args.mode == Mode::Webhook {
        // teloxide registers the webhook before its server accepts connections.
        tokio::time::sleep(Duration::from_millis(300)).await;
    }

    let waiters: Waiters = Arc::default();
    let answers = waiters.clone();
    let requests = Arc::new(Mutex::new(0u64));
    let counted = requests.clone();
    let flood_answers = Arc::new(Mutex::new(0u64));
    let flood_counted = flood_answers.clone();
    let router = tokio::spawn(async move {
        while let Ok(arrival) = arrivals.recv().await {
            if matches!(
                arrival.method.as_str(),
                "getUpdates" | "getMe" | "setMyCommands" | "deleteWebhook" | "getWebhookInfo"
            ) {
                continue;
            }
            *counted.lock().unwrap() += 1;
            let answers_screen = matches!(
                arrival.method.as_str(),
                "sendMessage" | "editMessageText" | "sendPhoto" | "sendAudio" | "sendVoice"
            );
            if answers_screen && arrival.chat_id == Some(FLOOD_CHAT) {
                *flood_counted.lock().unwrap() += 1;
            }
            if let (true, Some(chat)) = (answers_screen, arrival.chat_id)
                && let Some(waiter) = answers.lock().unwrap().remove(&chat)
            {
                let _ = waiter.send(arrival.at);
            }
        }
    });

    let duration = Duration::from_secs(args.duration).min(MAX_DURATION);
    let deadline = Instant::now() + duration;
    let load_started = Instant::now();
    let users = if args.burst > 0 { 0 } else { args.users.min(MAX_USERS) };
    let tasks: Vec<_> = (0..users)
        .map(|n| {
            let think = Duration::from_millis(args.think_ms);
            tokio::spawn(simulate(
                telegram.clone(),
                waiters.clone(),
                7_000_000 + i64::from(n),
                deadline,
                think,
            ))
        })
        .collect();
    let flooding = (args.flood > 0).then(|| {
        tokio::spawn(flood(
            telegram.clone(),
            args.flood.min(MAX_FLOOD),
            Duration::from_secs(args.flood_at).min(duration),
        ))
    });
    if args.burst > 0 {
        let people = args.burst.min(MAX_USERS);
        let crowd = burst::arrive(&telegram, &waiters, people, args.emergency_share, deadline).await;
        report.updates += u64::from(people);
        report.errors += crowd.unanswered;
        report.latencies = crowd.others;
        report.emergency_latencies = crowd.emergency;
    }
    for task in tasks {
        let (latencies, errors) = task.await.expect("a simulated person's task failed");
        report.updates += latencies.len() as u64;
        report.errors += errors;
        report.latencies.extend(latencies);
    }
    report.elapsed = load_started.elapsed();
    if let Some(flooding) = flooding {
        let _ = flooding.await;
    }
    report.requests = *requests.lock().unwrap();
    report.flood_answered = *flood_answers.lock().unwrap();
    report.peak_rss_kib = child.id().map(peak_rss_kib).unwrap_or_default();
    let _ = child.start_kill();
    let _ = child.wait().await;
    router.abort();
    report
}

/// One person: sessions until the deadline. Returns latencies (a step not
/// answered in time counts as [`STEP_TIMEOUT`]) and how many were not.
async fn simulate(
    telegram: Arc<FakeTelegram>,
    waiters: Waiters,
    id: i64,
    deadline: Instant,
    think: Duration,
) -> (Vec<Duration>, u64) {
    let user = TestUser::new(id, "Load", None, Some(if id % 2 == 0 { "ru" } else { "en" }));
    let chat = TestChat::private(&user);
    let mut random = (id as u64)
        .wrapping_mul(6364136223846793005)
        .wrapping_add(1442695040888963407);
    let mut next = move |n: usize| {
        random ^= random << 13;
        random ^= random >> 7;
        random ^= random << 17;
        (random % n.max(1) as u64) as usize
    };
    let (mut latencies, mut errors) = (Vec::new(), 0);
    while Instant::now() < deadline && latencies.len() < MAX_STEPS_PER_USER {
        let taps = 3 + next(4);
        let mut steps: Vec<Step> = vec![Step::Text("/start")];
        steps.extend((0..taps).map(|_| Step::Tap));
        steps.push(Step::Back);
        steps.push(Step::Text(QUESTIONS[next(QUESTIONS.len())]));
        for step in steps {
            if !think.is_zero() {
                let half = think.as_millis() as usize / 2;
                tokio::time::sleep(Duration::from_millis((half + next(half + 1)) as u64)).await;
            }
            if Instant::now() >= deadline {
                break;
            }
            let (sender, receiver) = oneshot::channel();
            waiters.lock().unwrap().insert(chat.id, sender);
            let offered = Instant::now();
            let pushed = match step {
                Step::Text(text) => {
                    telegram.send_text(&chat, &user, text);
                    true
                }
                Step::Tap | Step::Back => {
                    let labels = telegram.last_bot_message(&chat).map(|m| m.labels()).unwrap_or_default();
                    let label = match step {
                        Step::Back => labels.iter().find(|l| l.contains("⬅️")).cloned(),
                        _ => labels.get(next(labels.len())).cloned(),
                    };
                    label.is_some_and(|label| telegram.press(&chat, &user, &label).is_ok())
                }
            };
            if !pushed {
                waiters.lock().unwrap().remove(&chat.id);
                continue;
            }
            match tokio::time::timeout(STEP_TIMEOUT, receiver).await {
                Ok(Ok(answered)) => latencies.push(answered.duration_since(offered)),
                _ => {
                    errors += 1;
                    latencies.push(STEP_TIMEOUT);
                }
            }
        }
    }
    (latencies, errors)
}

/// One person forwards `count` messages at once, `after` into the run.
async fn flood(telegram: Arc<FakeTelegram>, count: u32, after: Duration) {
    tokio::time::sleep(after).await;
    let user = TestUser::new(FLOOD_CHAT, "Flood", None, Some("en"));
    let chat = TestChat::private(&user);
    for n in 0..count {
        telegram.send_text(&chat, &user, &format!("forwarded message {n}"));
    }
}

#[derive(Clone, Copy)]
enum Step {
    Text(&'static str),
    Tap,
    Back,
}

/// Peak resident set size of a process (VmHWM), in KiB.
fn peak_rss_kib(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|status| {
            status.lines().find_map(|line| {
                line.strip_prefix("VmHWM:")
                    .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
            })
        })
        .unwrap_or(0)
}
