//! The `overdose-bot` command: parses arguments, calls the library, maps
//! outcomes to exit codes (0 ok, 1 invalid content, 2 usage or I/O error).

use std::io::{self, IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context as _;
use chrono::{DateTime, FixedOffset, NaiveDate, Utc};
use clap::{Args, Parser, Subcommand};

use arc_swap::ArcSwap;
use overdose_bot::check::{Verdict, report};
use overdose_bot::content::{Loaded, load};
use overdose_bot::diagnostics::Format;
use overdose_bot::graph::{GraphFormat, render as render_graph};
use overdose_bot::handoff::{Desks, EpochKey, Sealer, SharedDesk, epoch_of};
use overdose_bot::keyfile;
use overdose_bot::schema::{
    HAZARDS_SCHEMA_FILE, MANIFEST_SCHEMA_FILE, NODES_SCHEMA_FILE, SERVICES_SCHEMA_FILE, hazards_schema,
    manifest_schema, nodes_schema, services_schema,
};
use overdose_bot::service::{Line, Service, Sources};
use overdose_bot::telegram::Mode;
use overdose_bot::write::write_inside;
use zeroize::Zeroizing;

#[derive(Parser)]
#[command(
    version,
    about = "Emergency-information Telegram bot: overdose, CPR, naloxone, wound care"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Validate content and locales; print compiler-style diagnostics.
    Check {
        #[command(flatten)]
        sources: SourceArgs,
        #[arg(long, value_enum, default_value = "human", env = "OVERDOSE_BOT_FORMAT")]
        format: Format,
        /// Treat warnings (drafts, stale reviews, ...) as errors.
        #[arg(long, env = "OVERDOSE_BOT_DENY_WARNINGS")]
        deny_warnings: bool,
        /// Also validate this doctors' roster.
        #[arg(long, env = "OVERDOSE_BOT_ROSTER")]
        roster: Option<PathBuf>,
        /// The hazard log's directory (default: `safety` beside the content
        /// directory, when it exists).
        #[arg(long, env = "OVERDOSE_BOT_SAFETY")]
        safety: Option<PathBuf>,
    },
    /// Serve the bot on Telegram (token in TELOXIDE_TOKEN): long polling, or a
    /// webhook with --webhook-url and --listen.
    Serve {
        #[command(flatten)]
        sources: SourceArgs,
        /// Public HTTPS URL Telegram posts updates to (webhook mode).
        #[arg(long, env = "OVERDOSE_BOT_WEBHOOK_URL", requires = "listen")]
        webhook_url: Option<url::Url>,
        /// Local address the webhook server listens on, e.g. 127.0.0.1:8443.
        #[arg(long, env = "OVERDOSE_BOT_LISTEN", requires = "webhook_url")]
        listen: Option<std::net::SocketAddr>,
        /// File holding the secret Telegram sends with every webhook
        /// request; replicas must share it. Or set OVERDOSE_BOT_WEBHOOK_SECRET
        /// (default: generated at start). Never a flag: a command line is
        /// readable by every user in /proc.
        #[arg(long, env = "OVERDOSE_BOT_WEBHOOK_SECRET_FILE")]
        webhook_secret_file: Option<PathBuf>,
        /// Log format.
        #[arg(long, value_enum, default_value = "human", env = "OVERDOSE_BOT_LOG_FORMAT")]
        log_format: LogFormat,
        /// Do not pace sends to Telegram's rate limits. Only for load tests
        /// against a local Bot API server: Telegram itself would answer 429.
        #[arg(long, env = "OVERDOSE_BOT_NO_THROTTLE")]
        no_throttle: bool,
        /// Serve Prometheus metrics, /healthz and /readyz on this address,
        /// e.g. 127.0.0.1:9090.
        #[arg(long, env = "OVERDOSE_BOT_METRICS")]
        metrics: Option<std::net::SocketAddr>,
        /// The doctors' roster; opens the "Ask a doctor" line. Needs
        /// --handoff-key-file.
        #[arg(long, env = "OVERDOSE_BOT_ROSTER")]
        roster: Option<PathBuf>,
        /// The key file that seals the doctors' line's tickets (made by
        /// `handoff-key`); the bot rewrites it as keys rotate, so it must be
        /// writable. Replicas start from copies of one file.
        #[arg(long, env = "OVERDOSE_BOT_HANDOFF_KEY_FILE")]
        handoff_key_file: Option<PathBuf>,
    },
    /// Who is on duty now and in the coming days, gaps marked.
    Roster {
        #[arg(long, default_value = "roster.yaml", env = "OVERDOSE_BOT_ROSTER")]
        roster: PathBuf,
        /// Show the next 7 days (default: the next 24 hours).
        #[arg(long)]
        week: bool,
        /// The moment to show, RFC 3339 (default: now).
        #[arg(long)]
        now: Option<DateTime<FixedOffset>>,
    },
    /// Write a new key file for the doctors' line (OVERDOSE_BOT_HANDOFF_KEY_FILE).
    HandoffKey {
        /// Where to write it (mode 0600).
        #[arg(long)]
        out: PathBuf,
        /// Replace an existing file: every open case's buttons stop working
        /// (the response to a leaked key).
        #[arg(long)]
        force: bool,
    },
    /// Print the content tree as a diagram, the emergency path in red.
    Graph {
        #[command(flatten)]
        sources: SourceArgs,
        #[arg(long, value_enum, default_value = "mermaid", env = "OVERDOSE_BOT_GRAPH_FORMAT")]
        format: GraphFormat,
        /// Language of the node titles (default: the content's default locale).
        #[arg(long, env = "OVERDOSE_BOT_LANG")]
        lang: Option<String>,
    },
    /// Write the content as a static website: every screen in every locale,
    /// like a phone chat, with review state and sources.
    Preview {
        #[command(flatten)]
        sources: SourceArgs,
        /// Directory to write the site into (created; files in it replaced).
        #[arg(long, default_value = "preview", env = "OVERDOSE_BOT_PREVIEW_DIR")]
        out: PathBuf,
    },
    /// Write the JSON Schemas of content files and the manifest, for editor
    /// autocompletion (yaml-language-server).
    Schema {
        /// Directory to write the schemas of content files, the manifest,
        /// services and the hazard log into.
        #[arg(long, default_value = "content/schema", env = "OVERDOSE_BOT_SCHEMA_DIR")]
        out: PathBuf,
    },
    /// Show what the bot's search makes of a message: the pages in order with
    /// their scores; --explain says why, so editors can fix keywords.
    Search {
        #[command(flatten)]
        sources: SourceArgs,
        /// The message, as a person would type it.
        text: String,
        /// Interface language of the person typing (default: the content's default locale).
        #[arg(long, env = "OVERDOSE_BOT_LANG")]
        lang: Option<String>,
        /// Show how the message was read and which words matched which keywords.
        #[arg(long)]
        explain: bool,
    },
    /// Translators' to-do list: per language, the texts missing, out of
    /// date with the primary locale, or never stamped, with file:line:col.
    Translations {
        #[command(flatten)]
        sources: SourceArgs,
        /// Only this language.
        #[arg(long, env = "OVERDOSE_BOT_LANG")]
        lang: Option<String>,
        #[arg(long, value_enum, default_value = "human", env = "OVERDOSE_BOT_FORMAT")]
        format: Format,
        /// Record in translations.lock that the translations (of --lang, of
        /// each --node) now translate the current primary-language texts.
        #[arg(long)]
        stamp: bool,
        /// With --stamp: only this node's texts (`:manifest` for bot.yaml's); repeatable.
        #[arg(long, requires = "stamp")]
        node: Vec<String>,
    },
    /// Reviewers' queue: pages changed since their review, reviews due,
    /// drafts, with file:line:col; --sign records a review.
    Review {
        #[command(flatten)]
        sources: SourceArgs,
        #[arg(long, value_enum, default_value = "human", env = "OVERDOSE_BOT_FORMAT")]
        format: Format,
        /// Record that --by reviewed this page (its texts' hash goes into
        /// the review record).
        #[arg(long, value_name = "PAGE", requires = "by")]
        sign: Option<String>,
        /// The reviewer, as listed under `reviewers:` in bot.yaml.
        #[arg(long, requires = "sign")]
        by: Option<String>,
        /// The date of the review (default: today).
        #[arg(long, requires = "sign")]
        on: Option<NaiveDate>,
    },
    /// Languages of the content.
    Locale {
        #[command(subcommand)]
        action: LocaleAction,
    },
    /// Walk the bot in a terminal: numbers press buttons, other text is searched.
    Console {
        #[command(flatten)]
        sources: SourceArgs,
        /// Interface language, as a Telegram language code (ru, en, uk, ...).
        #[arg(long, env = "OVERDOSE_BOT_LANG")]
        lang: Option<String>,
        /// Simulate the doctors' line with this roster.
        #[arg(long, env = "OVERDOSE_BOT_ROSTER")]
        roster: Option<PathBuf>,
        /// Where the simulated clock starts, RFC 3339 (default: now);
        /// `/wait 5m` moves it on.
        #[arg(long)]
        now: Option<DateTime<FixedOffset>>,
    },
}

#[derive(Subcommand)]
enum LocaleAction {
    /// Add a language: its Fluent files (the primary locale's, marked to
    /// translate) and its line in bot.yaml.
    Add {
        #[command(flatten)]
        sources: SourceArgs,
        /// ISO 639-1 code, e.g. `uz`.
        code: String,
    },
}

/// The environment variable that may hold the webhook's secret (the other
/// way is `--webhook-secret-file`).
const WEBHOOK_SECRET_VAR: &str = "OVERDOSE_BOT_WEBHOOK_SECRET";

/// The environment variable that held a fixed key before keys rotated.
const RETIRED_KEY_VAR: &str = "OVERDOSE_BOT_HANDOFF_KEY";

#[derive(Clone, Copy, clap::ValueEnum)]
enum LogFormat {
    Human,
    Json,
}

#[derive(Args)]
struct SourceArgs {
    /// Directory with bot.yaml and the content tree.
    #[arg(long, default_value = "content", env = "OVERDOSE_BOT_CONTENT")]
    content: PathBuf,
    /// Directory with one folder of .ftl files per locale.
    #[arg(long, default_value = "locales", env = "OVERDOSE_BOT_LOCALES")]
    locales: PathBuf,
    /// The date review ages are computed from (default: today).
    #[arg(long, env = "OVERDOSE_BOT_TODAY")]
    today: Option<NaiveDate>,
    /// Warn about pages reviewed longer ago than this (default: the manifest's, else 365).
    #[arg(long, env = "OVERDOSE_BOT_REVIEW_MAX_AGE_DAYS")]
    review_max_age_days: Option<u32>,
}

impl SourceArgs {
    fn sources(&self) -> Sources {
        Sources {
            content_dir: self.content.clone(),
            locales_dir: self.locales.clone(),
            today: self.today,
            review_max_age_days: self.review_max_age_days,
        }
    }

    fn load(&self) -> Loaded {
        load(&self.sources().options())
    }

    /// The hazard log beside the content directory, if there is one.
    fn safety_dir(&self) -> Option<PathBuf> {
        let parent = self.content.parent().unwrap_or(std::path::Path::new(""));
        let dir = parent.join(overdose_bot::safety::DEFAULT_DIR);
        dir.is_dir().then_some(dir)
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli.command) {
        Ok(code) => code,
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::from(2)
        }
    }
}

fn run(command: Command) -> anyhow::Result<ExitCode> {
    match command {
        Command::Check {
            sources,
            format,
            deny_warnings,
            roster,
            safety,
        } => {
            let mut loaded = sources.load();
            if let Some(path) = roster {
                overdose_bot::roster::load(&path, &mut loaded.sources, &mut loaded.diagnostics);
            }
            if let Some(dir) = safety.or_else(|| sources.safety_dir()) {
                overdose_bot::safety::check(
                    &dir,
                    loaded.content.as_ref(),
                    &mut loaded.sources,
                    &mut loaded.diagnostics,
                );
                loaded.diagnostics.sort(&loaded.sources);
            }
            let (text, verdict) = report(&loaded, format, deny_warnings);
            io::stdout()
                .write_all(text.as_bytes())
                .context("cannot write the report")?;
            Ok(ExitCode::from(verdict.exit_code()))
        }
        Command::Serve {
            sources,
            webhook_url,
            listen,
            webhook_secret_file,
            log_format,
            no_throttle,
            metrics: metrics_address,
            roster,
            handoff_key_file,
        } => {
            init_logging(log_format);
            let mut loaded = sources.load();
            let roster_path = roster.clone();
            let desk = match roster {
                Some(path) => match load_roster(&path, &mut loaded) {
                    Some(rosters) => Some(SharedDesk::new(ArcSwap::from_pointee(desks(
                        rosters,
                        handoff_key_file.as_deref(),
                    )?))),
                    None => return Ok(refuse(&loaded)),
                },
                None => None,
            };
            let Some(content) = loaded.content else {
                return Ok(refuse(&loaded));
            };
            let warnings = loaded.diagnostics.warning_count();
            if warnings > 0 {
                tracing::warn!(
                    warnings,
                    "content has warnings (drafts, stale reviews...): run `overdose-bot check`"
                );
            }
            let mode = match (webhook_url, listen) {
                (Some(url), Some(listen)) => Mode::Webhook {
                    url,
                    listen,
                    secret: webhook_secret(webhook_secret_file.as_deref())?,
                },
                _ => Mode::Polling,
            };
            let service = Service {
                content,
                sources: sources.sources(),
                mode,
                throttle: !no_throttle,
                metrics_address,
                line: desk
                    .zip(roster_path)
                    .zip(handoff_key_file)
                    .map(|((desk, roster), key_file)| Line { desk, roster, key_file }),
            };
            let runtime = tokio::runtime::Runtime::new().context("cannot start the async runtime")?;
            runtime.block_on(overdose_bot::service::run(service))?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Graph { sources, format, lang } => {
            let loaded = sources.load();
            let Some(content) = loaded.content.as_ref() else {
                return Ok(refuse(&loaded));
            };
            let locale = locale_for(content, lang.as_deref());
            io::stdout()
                .write_all(render_graph(content, locale, format).as_bytes())
                .context("cannot write the graph")?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Search {
            sources,
            text,
            lang,
            explain,
        } => {
            let loaded = sources.load();
            let Some(content) = loaded.content.as_ref() else {
                return Ok(refuse(&loaded));
            };
            let locale = locale_for(content, lang.as_deref());
            io::stdout()
                .write_all(overdose_bot::search_report::report(content, locale, &text, explain).as_bytes())
                .context("cannot write the report")?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Preview { sources, out } => {
            let loaded = sources.load();
            let Some(content) = loaded.content.as_ref() else {
                return Ok(refuse(&loaded));
            };
            let hazards = match sources.safety_dir() {
                Some(dir) => {
                    let (mut map, mut found) = (Default::default(), Default::default());
                    let hazards = overdose_bot::safety::check(&dir, Some(content), &mut map, &mut found);
                    if found.has_errors() {
                        eprintln!("the hazard log has errors: run `overdose-bot check`; the preview shows it as it is");
                    }
                    hazards
                }
                None => Vec::new(),
            };
            let files = overdose_bot::preview::site(content, &hazards);
            std::fs::create_dir_all(&out).with_context(|| format!("cannot create {}", out.display()))?;
            for file in &files {
                write_inside(&out, &out.join(&file.path), &file.bytes)?;
            }
            println!(
                "wrote {} files to {}; open {}",
                files.len(),
                out.display(),
                out.join("index.html").display()
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::Schema { out } => {
            std::fs::create_dir_all(&out).with_context(|| format!("cannot create {}", out.display()))?;
            for (name, schema) in [
                (NODES_SCHEMA_FILE, nodes_schema()),
                (MANIFEST_SCHEMA_FILE, manifest_schema()),
                (SERVICES_SCHEMA_FILE, services_schema()),
                (HAZARDS_SCHEMA_FILE, hazards_schema()),
            ] {
                let path = out.join(name);
                write_inside(&out, &path, schema.as_bytes())?;
                println!("wrote {}", path.display());
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Roster { roster, week, now } => {
            let mut sources = overdose_bot::diagnostics::SourceMap::new();
            let mut diagnostics = overdose_bot::diagnostics::Diagnostics::default();
            let Some(rosters) = overdose_bot::roster::load(&roster, &mut sources, &mut diagnostics) else {
                eprint!(
                    "{}",
                    overdose_bot::diagnostics::render(&diagnostics, &sources, Format::Human)
                );
                return Ok(ExitCode::from(1));
            };
            let now = now.map_or_else(Utc::now, |t| t.with_timezone(&Utc));
            // Each line's table, the doctors' first; the others under their id.
            let table: Vec<String> = rosters
                .iter()
                .map(|roster| {
                    let table = overdose_bot::roster::render_table(roster, now, if week { 7 } else { 1 });
                    if roster.line() == overdose_bot::roster::DOCTORS_LINE {
                        table
                    } else {
                        format!("[{}]\n{table}", roster.line())
                    }
                })
                .collect();
            let table = table.join("\n");
            io::stdout()
                .write_all(table.as_bytes())
                .context("cannot write the table")?;
            Ok(ExitCode::SUCCESS)
        }
        Command::HandoffKey { out, force } => {
            if out.exists() && !force {
                anyhow::bail!(
                    "{} exists; --force replaces it, and every open case's buttons stop working",
                    out.display()
                );
            }
            let key = EpochKey::generate(epoch_of(Utc::now()) - 1);
            keyfile::store(&out, &key)?;
            println!(
                "wrote a new handoff key to {}; set OVERDOSE_BOT_HANDOFF_KEY_FILE to it (the bot rewrites it as keys rotate)",
                out.display()
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::Translations {
            sources,
            lang,
            format,
            stamp,
            node,
        } => {
            let loaded = sources.load();
            if stamp {
                let langs: Vec<String> = lang.into_iter().collect();
                let (stamps, changed) = overdose_bot::translations::stamp(&loaded, &langs, &node)?;
                let path = sources.content.join(overdose_bot::content::stamps::STAMPS_FILE);
                write_inside(
                    &sources.content,
                    &path,
                    overdose_bot::content::stamps::render(&stamps).as_bytes(),
                )?;
                println!("stamped {changed} translations in {}", path.display());
                return Ok(ExitCode::SUCCESS);
            }
            let report = overdose_bot::translations::report(&loaded, lang.as_deref())?;
            let text = match format {
                Format::Human => report.human(),
                Format::Json => report.json(),
            };
            io::stdout()
                .write_all(text.as_bytes())
                .context("cannot write the report")?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Review {
            sources,
            format,
            sign,
            by,
            on,
        } => {
            let loaded = sources.load();
            if let Some((page, by)) = sign.zip(by) {
                let on = on.unwrap_or_else(|| chrono::Local::now().date_naive());
                let signed = overdose_bot::review::sign(&loaded, &page, &by, on)?;
                write_inside(
                    &sources.content,
                    std::path::Path::new(&signed.path),
                    signed.text.as_bytes(),
                )?;
                println!(
                    "{page}: reviewed by {by} on {on}, texts {} ({})",
                    signed.hash, signed.path
                );
                return Ok(ExitCode::SUCCESS);
            }
            let queue = overdose_bot::review::queue(&loaded);
            let text = match format {
                Format::Human => queue.human(),
                Format::Json => queue.json(),
            };
            io::stdout()
                .write_all(text.as_bytes())
                .context("cannot write the queue")?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Locale {
            action: LocaleAction::Add { sources, code },
        } => {
            let loaded = sources.load();
            let files = overdose_bot::locale::add(&loaded, &sources.content, &sources.locales, &code)?;
            for file in &files {
                let root = if file.path.starts_with(&sources.content) {
                    &sources.content
                } else {
                    &sources.locales
                };
                write_inside(root, &file.path, file.text.as_bytes())?;
                println!("wrote {}", file.path.display());
            }
            println!(
                "translate the files above and the content's texts; `overdose-bot translations --lang {code}` lists them"
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::Console {
            sources,
            lang,
            roster,
            now,
        } => {
            let mut loaded = sources.load();
            let desk = match roster {
                Some(path) => match load_roster(&path, &mut loaded) {
                    Some(rosters) => Some(Desks::new(rosters, Sealer::ephemeral(Utc::now()))),
                    None => return Ok(refuse(&loaded)),
                },
                None => None,
            };
            let Some(content) = loaded.content.as_ref() else {
                return Ok(refuse(&loaded));
            };
            let locale = match &lang {
                Some(code) => content.negotiate(Some(code)),
                None => content.default_locale(),
            };
            let stdin = io::stdin();
            let interactive = stdin.is_terminal();
            let now = now.map_or_else(Utc::now, |t| t.with_timezone(&Utc));
            overdose_bot::console::run(
                content,
                locale,
                desk.as_ref(),
                now,
                stdin.lock(),
                io::stdout().lock(),
                interactive,
            )
            .context("console input/output failed")?;
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// The webhook's secret from `file` or [`WEBHOOK_SECRET_VAR`] (not both),
/// as Telegram allows it: 1 to 256 of `A-Z a-z 0-9 _ -`. Errors never
/// quote it.
fn webhook_secret(file: Option<&std::path::Path>) -> anyhow::Result<Option<String>> {
    let from_env = std::env::var(WEBHOOK_SECRET_VAR).ok();
    let secret = match (file, from_env) {
        (Some(_), Some(_)) => {
            anyhow::bail!("set the webhook secret once: --webhook-secret-file or {WEBHOOK_SECRET_VAR}, not both")
        }
        (Some(path), None) => {
            let text = overdose_bot::files::read_text(path, None, overdose_bot::files::FileKind::Key)?;
            text.trim().to_owned()
        }
        (None, Some(secret)) => secret,
        (None, None) => return Ok(None),
    };
    let allowed = |c: char| c.is_ascii_alphanumeric() || c == '_' || c == '-';
    if secret.is_empty() || secret.len() > 256 || !secret.chars().all(allowed) {
        anyhow::bail!(
            "the webhook secret must be 1 to 256 characters of A-Z, a-z, 0-9, _ and - (e.g. `openssl rand -hex 32`)"
        );
    }
    Ok(Some(secret))
}

/// The locale `--lang` asks for, else the content's default.
fn locale_for(content: &overdose_bot::content::Content, lang: Option<&str>) -> overdose_bot::content::Locale {
    lang.map_or(content.default_locale(), |l| content.negotiate(Some(l)))
}

/// Reads the roster into `loaded`'s diagnostics; `None` if it has errors.
fn load_roster(path: &std::path::Path, loaded: &mut Loaded) -> Option<overdose_bot::roster::Rosters> {
    overdose_bot::roster::load(path, &mut loaded.sources, &mut loaded.diagnostics)
}

/// The roster's lines, with the keys from `key_file`. A key file older
/// than the previous epoch is stepped forward and rewritten at once, so the
/// keys it held no longer exist.
fn desks(rosters: overdose_bot::roster::Rosters, key_file: Option<&std::path::Path>) -> anyhow::Result<Desks> {
    if std::env::var_os(RETIRED_KEY_VAR).is_some() {
        anyhow::bail!(
            "{RETIRED_KEY_VAR} is no longer read: keys now rotate in a key file. Run `overdose-bot handoff-key --out /var/lib/overdose-bot/handoff.key`, set OVERDOSE_BOT_HANDOFF_KEY_FILE to it and remove {RETIRED_KEY_VAR} (open cases start afresh)"
        );
    }
    let key_file = key_file.ok_or_else(|| {
        anyhow::anyhow!(
            "the doctors' line needs OVERDOSE_BOT_HANDOFF_KEY_FILE: make one with `overdose-bot handoff-key --out FILE` and keep it secret"
        )
    })?;
    let key = keyfile::open(key_file, Utc::now())?;
    let sealer = Sealer::new(key.clone(), Utc::now()).for_deployment(&bot_id());
    let oldest = sealer.oldest_key();
    if oldest.epoch != key.epoch {
        keyfile::store(key_file, &oldest)?;
        tracing::info!(
            epoch = oldest.epoch,
            "handoff key stepped forward; older keys destroyed"
        );
    }
    Ok(Desks::new(rosters, sealer))
}

/// The bot's id, the part of the token before `:` (public, not secret).
/// Tickets are sealed for it, so a staging bot and the production bot never
/// accept each other's buttons even if they share a key; replicas of one
/// bot share it.
fn bot_id() -> String {
    let token = Zeroizing::new(std::env::var("TELOXIDE_TOKEN").unwrap_or_default());
    token.split_once(':').map_or("", |(id, _)| id).to_owned()
}

/// Prints why content cannot be used; exit 1 (or 2 if unreadable).
fn refuse(loaded: &Loaded) -> ExitCode {
    let (text, verdict) = report(loaded, Format::Human, false);
    eprint!("{text}");
    eprintln!("error: the content has errors; fix them first (see above)");
    ExitCode::from(verdict.exit_code().max(Verdict::Invalid.exit_code()))
}

/// Logs go to stderr, human-readable or JSON; the level comes from RUST_LOG
/// (default: info for the bot, warnings for its libraries).
///
/// teloxide's webhook listener prints a whole update when it cannot be
/// parsed, which would put people's messages in the log; it is silenced
/// whatever RUST_LOG says. (Its dispatcher did too; ours, `dispatch`, logs
/// only that an update was skipped.)
fn init_logging(format: LogFormat) {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn,overdose_bot=info"))
        .add_directive(
            "teloxide::update_listeners::webhooks=off"
                .parse()
                .expect("a valid directive"),
        );
    // Colours only on a terminal: in a file or the journal they are noise.
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(io::stderr().is_terminal())
        .with_writer(io::stderr);
    match format {
        LogFormat::Human => builder.init(),
        LogFormat::Json => builder.json().init(),
    }
}
