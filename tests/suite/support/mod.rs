//! Shared by the end-to-end tests: runs the real `overdose-bot serve` binary
//! against a fake Bot API on 127.0.0.1, captures its logs, stops it with
//! SIGTERM, and computes what each screen should look like with the library.

#![allow(dead_code)] // each test file uses a different part

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use overdose_bot::content::{Content, LoadOptions, ValidateOptions};
use overdose_bot::content_files::load;
use overdose_bot::engine::{self, Input};
use telegram_fake::{FakeTelegram, STEP_TIMEOUT, TestChat, ViewMessage};
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).to_path_buf()
}

/// The shipped content, or the engine's fixture tree.
#[derive(Clone, Copy)]
pub enum Tree {
    Shipped,
    Fixture,
    /// Content with errors (a button to a missing node).
    Broken,
}

impl Tree {
    pub fn dir(self) -> PathBuf {
        match self {
            Tree::Shipped => root().join("content"),
            Tree::Fixture => root().join("tests/fixtures/tree/content"),
            Tree::Broken => root().join("tests/fixtures/check/unknown-button/content"),
        }
    }

    /// The content as the bot loads it, to compute expected screens.
    pub fn content(self) -> Content {
        load(&LoadOptions {
            content_dir: self.dir(),
            locales_dir: root().join("locales"),
            validate: ValidateOptions {
                today: chrono::Local::now().date_naive(),
                review_max_age_days: None,
            },
        })
        .content
        .expect("content loads")
    }
}

/// Waits until the bot has registered every command menu: a setMyCommands
/// call per scope (private, groups, group admins) and Telegram language,
/// and per scope once more without a language for the default locale.
/// The bot registers them beside serving, so a test that reads them waits.
pub async fn command_menus_registered(telegram: &FakeTelegram, content: &Content) {
    let calls: usize = content
        .locales()
        .map(|locale| 3 * (content.language_codes(locale).count() + usize::from(locale == content.default_locale())))
        .sum();
    telegram
        .wait_for("every command menu", STEP_TIMEOUT, |requests| {
            let menus = requests
                .iter()
                .filter(|r| r.method == "setMyCommands" && r.params["scope"]["type"] != "chat");
            menus.count() >= calls
        })
        .await
        .unwrap();
}

/// What the engine answers `input` with, in locale `code`: (HTML, labels).
pub fn expected(content: &Content, code: &str, input: Input<'_>) -> (String, Vec<String>) {
    let locale = content.locale_by_code(code).expect("locale exists");
    let screen = engine::handle(content, locale, input);
    (
        screen.html.into_owned(),
        screen.buttons.iter().flatten().map(|b| b.label.to_string()).collect(),
    )
}

pub struct RunningBot {
    child: Child,
    logs: Arc<Mutex<String>>,
    reader: tokio::task::JoinHandle<()>,
}

/// Starts `overdose-bot serve` on `tree` against `telegram`, with `args`
/// and `env` added, and in polling mode waits until it polls.
pub async fn start_bot(telegram: &FakeTelegram, tree: Tree, args: &[&str], env: &[(&str, &str)]) -> RunningBot {
    start_bot_in(telegram, &tree.dir(), args, env).await
}

/// Like [`start_bot`], on the content in `content_dir`.
pub async fn start_bot_in(
    telegram: &FakeTelegram,
    content_dir: &Path,
    args: &[&str],
    env: &[(&str, &str)],
) -> RunningBot {
    let bot = spawn_in(telegram.url(), telegram.token().to_owned(), content_dir, args, env);
    let polling = args.iter().all(|a| *a != "--webhook-url");
    if polling && let Err(error) = telegram.wait_for_calls("getUpdates", 1, STEP_TIMEOUT).await {
        let requests: Vec<_> = telegram
            .requests()
            .iter()
            .map(|r| (r.method.clone(), r.violations.clone()))
            .collect();
        panic!(
            "the bot did not start polling: {error}\nrequests: {requests:?}\nlogs:\n{}",
            bot.logs()
        );
    }
    bot
}

pub fn spawn(url: String, token: String, tree: Tree, args: &[&str], env: &[(&str, &str)]) -> RunningBot {
    spawn_in(url, token, &tree.dir(), args, env)
}

pub fn spawn_in(url: String, token: String, content_dir: &Path, args: &[&str], env: &[(&str, &str)]) -> RunningBot {
    let mut command = Command::new(env!("CARGO_BIN_EXE_overdose-bot"));
    command
        .arg("serve")
        .arg("--content")
        .arg(content_dir)
        .arg("--locales")
        .arg(root().join("locales"))
        .args(args)
        .env("TELOXIDE_TOKEN", token)
        .env("TELOXIDE_API_URL", url)
        .env("RUST_LOG", "debug")
        .env_remove("OVERDOSE_BOT_WEBHOOK_URL")
        .env_remove("OVERDOSE_BOT_LISTEN")
        .env_remove("OVERDOSE_BOT_WEBHOOK_SECRET")
        .env_remove("OVERDOSE_BOT_LOG_FORMAT")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .kill_on_drop(true);
    for (key, value) in env {
        command.env(key, value);
    }
    let mut child = command.spawn().expect("start overdose-bot serve");
    let logs = Arc::new(Mutex::new(String::new()));
    let stderr = child.stderr.take().expect("stderr is piped");
    let sink = logs.clone();
    let reader = tokio::spawn(async move {
        let mut lines = BufReader::new(stderr).lines();
        while let Ok(Some(line)) = lines.next_line().await {
            let mut logs = sink.lock().unwrap();
            logs.push_str(&line);
            logs.push('\n');
        }
    });
    RunningBot { child, logs, reader }
}

impl RunningBot {
    pub fn logs(&self) -> String {
        self.logs.lock().unwrap().clone()
    }

    /// Sends a signal (`HUP`, `TERM`, ...) to the bot.
    pub fn signal(&self, name: &str) {
        let pid = self.child.id().expect("the bot is running");
        std::process::Command::new("kill")
            .args([format!("-{name}"), pid.to_string()])
            .status()
            .expect("kill");
    }

    /// Waits until the logs contain `text`.
    pub async fn wait_for_log(&self, text: &str) {
        let deadline = tokio::time::Instant::now() + STEP_TIMEOUT;
        while !self.logs().contains(text) {
            assert!(
                tokio::time::Instant::now() < deadline,
                "no log line with {text:?}:\n{}",
                self.logs()
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// Sends SIGTERM and waits for the exit; returns (exit code, all logs).
    pub async fn stop(self) -> (i32, String) {
        let pid = self.child.id().expect("the bot is running");
        std::process::Command::new("kill")
            .args(["-TERM", &pid.to_string()])
            .status()
            .expect("kill -TERM");
        self.finish().await
    }

    /// Waits for the bot to exit by itself; returns (exit code, all logs).
    pub async fn finish(mut self) -> (i32, String) {
        let status = tokio::time::timeout(Duration::from_secs(20), self.child.wait())
            .await
            .expect("the bot exits within 20 s")
            .expect("wait for the bot");
        let _ = tokio::time::timeout(Duration::from_secs(5), self.reader).await;
        let logs = self.logs.lock().unwrap().clone();
        (status.code().unwrap_or(-1), logs)
    }
}

/// Copies the directory `from` into `to`, recursively.
pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let path = entry.unwrap().path();
        let target = to.join(path.file_name().unwrap());
        if path.is_dir() {
            copy_dir(&path, &target);
        } else {
            std::fs::copy(&path, &target).unwrap();
        }
    }
}

/// Writes a fresh handoff key file into `dir`; returns its path for
/// OVERDOSE_BOT_HANDOFF_KEY_FILE.
pub fn write_key_file(dir: &Path) -> String {
    use overdose_bot::handoff::{EpochKey, epoch_of};
    let path = dir.join("handoff.key");
    overdose_bot::keyfile::store(&path, &EpochKey::generate(epoch_of(chrono::Utc::now()) - 1)).unwrap();
    path.to_str().unwrap().to_owned()
}
/// The duty group chat of [`write_roster`].
pub const DUTY_CHAT: i64 = -100_777;

/// Writes `roster.yaml` into `dir`: Dr Anna (user 7001) on shift round the
/// clock, or nobody on shift now but a shift starting in six hours; admin 7009.
pub fn write_roster(dir: &Path, on_shift_now: bool) -> PathBuf {
    let shifts = if on_shift_now {
        r#"[{ doctor: anna, days: [daily], from: "00:00", to: "00:00" }]"#.to_owned()
    } else {
        let hour = |ahead: i64| (chrono::Utc::now() + chrono::Duration::hours(ahead)).format("%H:00");
        format!(
            r#"[{{ doctor: anna, days: [daily], from: "{}", to: "{}" }}]"#,
            hour(6),
            hour(7)
        )
    };
    let text = format!(
        "timezone: UTC\nlanguage: en\nduty_chat: {DUTY_CHAT}\nadmins: [7009]\ndoctors:\n  - {{ id: anna, name: Dr Anna, chat: 7001, languages: [ru, en], contact: \"+7 900 000-00-01\" }}\nshifts: {shifts}\n"
    );
    let path = dir.join("roster.yaml");
    std::fs::write(&path, text).unwrap();
    path
}

/// The outreach line's duty group chat of [`write_roster_with_lines`].
pub const OUTREACH_DUTY_CHAT: i64 = -100_778;

/// Writes `roster.yaml` into `dir` with two lines, everyone on shift round
/// the clock: the doctors' (Dr Anna, user 7001; duty chat [`DUTY_CHAT`])
/// and `outreach` (Olga, user 7101; duty chat [`OUTREACH_DUTY_CHAT`]);
/// admin 7009 for both.
pub fn write_roster_with_lines(dir: &Path) -> PathBuf {
    let text = format!(
        r#"timezone: UTC
language: en
duty_chat: {DUTY_CHAT}
admins: [7009]
doctors:
  - {{ id: anna, name: Dr Anna, chat: 7001, languages: [ru, en] }}
shifts: [{{ doctor: anna, days: [daily], from: "00:00", to: "00:00" }}]
lines:
  - id: outreach
    duty_chat: {OUTREACH_DUTY_CHAT}
    people:
      - {{ id: olga, name: Olga, chat: 7101, languages: [ru, en] }}
    shifts: [{{ person: olga, days: [daily], from: "00:00", to: "00:00" }}]
"#
    );
    let path = dir.join("roster.yaml");
    std::fs::write(&path, text).unwrap();
    path
}

/// A temporary directory, removed on drop.
pub struct TempDir(PathBuf);

impl TempDir {
    pub fn new() -> Self {
        use std::sync::atomic::{AtomicU32, Ordering};
        static NEXT: AtomicU32 = AtomicU32::new(0);
        let name = format!(
            "overdose-test-{}-{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        );
        let path = std::env::temp_dir().join(name);
        std::fs::create_dir_all(&path).unwrap();
        TempDir(path)
    }

    pub fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Starts the bot with the lines of `roster` and a fresh key file in `dir`
/// (the line needs one), and `args` besides.
pub async fn start_bot_with_line(telegram: &FakeTelegram, dir: &Path, roster: &Path, args: &[&str]) -> RunningBot {
    let key = write_key_file(dir);
    let mut args = args.to_vec();
    args.extend(["--roster", roster.to_str().unwrap()]);
    start_bot(
        telegram,
        Tree::Shipped,
        &args,
        &[("OVERDOSE_BOT_HANDOFF_KEY_FILE", &key)],
    )
    .await
}

/// Stops the bot with SIGTERM, checks that it exited 0 and that no request
/// broke the Bot API spec; returns its logs for the caller's own checks.
pub async fn finish(telegram: &FakeTelegram, bot: RunningBot) -> String {
    let (code, logs) = bot.stop().await;
    assert_eq!(code, 0, "exit code after SIGTERM; logs:\n{logs}");
    assert_eq!(
        telegram.violations(),
        Vec::<String>::new(),
        "requests that break the Bot API spec"
    );
    // Summed for the closing notes: `cargo test --test suite -- --nocapture`.
    println!(
        "validated {} Bot API requests against the spec",
        telegram.requests().len()
    );
    logs
}

/// Waits until a message in `chat` satisfies `found`, then returns the
/// newest that does; fails with the chat's messages after `STEP_TIMEOUT`.
pub async fn shows(
    telegram: &FakeTelegram,
    chat: &TestChat,
    what: &str,
    found: impl Fn(&ViewMessage) -> bool,
) -> ViewMessage {
    shows_within(telegram, chat, what, STEP_TIMEOUT, found).await
}

/// [`shows`] with its own timeout (for waits through injected faults).
pub async fn shows_within(
    telegram: &FakeTelegram,
    chat: &TestChat,
    what: &str,
    timeout: Duration,
    found: impl Fn(&ViewMessage) -> bool,
) -> ViewMessage {
    telegram
        .wait_for(what, timeout, |_| telegram.chat(chat).iter().any(&found))
        .await
        .unwrap_or_else(|e| panic!("{e}; chat: {:#?}", telegram.chat(chat)));
    telegram.chat(chat).into_iter().rev().find(|m| found(m)).unwrap()
}

/// Whether `logs` mention `secret` as a word of its own. The bot logs at
/// debug level in the tests, with microsecond timestamps, and a chat id
/// inside a timestamp's digits ("06:49:13.070012Z" holds "7001") is no leak;
/// nor is a measured duration that happens to equal an id ("micros=7101"
/// once failed a run).
pub fn mentions(logs: &str, secret: &str) -> bool {
    const DURATIONS: [&str; 2] = ["micros=", "retry_in_ms="];
    logs.match_indices(secret).any(|(at, _)| {
        let before = logs[..at].chars().next_back();
        let after = logs[at + secret.len()..].chars().next();
        let a_duration = DURATIONS.iter().any(|field| logs[..at].ends_with(field));
        !before.is_some_and(char::is_alphanumeric) && !after.is_some_and(char::is_alphanumeric) && !a_duration
    })
}

/// The whole HTTP response to `GET path` on `address` (the bot's metrics).
pub async fn http_get(address: &str, path: &str) -> String {
    http_exchange(
        address,
        &format!("GET {path} HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\n\r\n"),
    )
    .await
}

/// Sends a raw HTTP/1.1 `request` to `address` and reads the whole response.
pub async fn http_exchange(address: &str, request: &str) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut stream = tokio::net::TcpStream::connect(address).await.unwrap();
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut response = String::new();
    tokio::time::timeout(STEP_TIMEOUT, stream.read_to_string(&mut response))
        .await
        .unwrap()
        .unwrap();
    response
}

/// An address on 127.0.0.1 nobody listens on (for `--metrics` or a
/// webhook's listener).
pub fn free_address() -> String {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    format!("127.0.0.1:{port}")
}

/// A copy of the shipped content tree in a fresh directory, removed on
/// drop (even when the test fails): for tests that edit content files.
pub fn shipped_copy() -> TempDir {
    let dir = TempDir::new();
    copy_dir(&Tree::Shipped.dir(), dir.path());
    dir
}

/// The bot's messages in `chat`.
pub fn from_bot(telegram: &FakeTelegram, chat: &TestChat) -> Vec<ViewMessage> {
    telegram.chat(chat).into_iter().filter(|m| m.from_bot).collect()
}

/// Waits for the bot's `count`th message in `chat` and returns it.
pub async fn nth_answer(telegram: &FakeTelegram, chat: &TestChat, count: usize) -> ViewMessage {
    telegram
        .wait_for(&format!("answer {count} in the chat"), STEP_TIMEOUT, |_| {
            from_bot(telegram, chat).len() >= count
        })
        .await
        .unwrap_or_else(|e| panic!("{e}: {:#?}", telegram.chat(chat)));
    from_bot(telegram, chat).remove(count - 1)
}
