//! The command line: every subcommand, flag and environment variable, as
//! clap reads them. Definitions only; `main` runs them.

use std::path::PathBuf;

use chrono::{DateTime, FixedOffset, NaiveDate};
use clap::{Args, Parser, Subcommand};
use overdose_bot::content::Loaded;
use overdose_bot::content_files::load;
use overdose_bot::diagnostics::Format;
use overdose_bot::graph::GraphFormat;
use overdose_bot::service::Sources;

#[derive(Parser)]
#[command(
    version,
    about = "Emergency-information Telegram bot: overdose, CPR, naloxone, wound care"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand)]
pub enum Command {
    /// Validate content and locales; print compiler-style diagnostics.
    Check(CheckArgs),
    /// Serve the bot on Telegram (token in TELOXIDE_TOKEN): long polling, or a
    /// webhook with --webhook-url and --listen.
    Serve(ServeArgs),
    /// Who is on duty now and in the coming days, gaps marked.
    Roster(RosterArgs),
    /// Write a new key file for the doctors' line (OVERDOSE_BOT_HANDOFF_KEY_FILE).
    HandoffKey(HandoffKeyArgs),
    /// Print the content tree as a diagram, the emergency path in red.
    Graph(GraphArgs),
    /// Write the content as a static website: every screen in every locale,
    /// like a phone chat, with review state and sources.
    Preview(PreviewArgs),
    /// Write the JSON Schemas of content files and the manifest, for editor
    /// autocompletion (yaml-language-server).
    Schema(SchemaArgs),
    /// Show what the bot's search makes of a message: the pages in order with
    /// their scores; --explain says why, so editors can fix keywords.
    Search(SearchArgs),
    /// Translators' to-do list: per language, the texts missing, out of
    /// date with the primary locale, or never stamped, with file:line:col.
    Translations(TranslationsArgs),
    /// Reviewers' queue: pages changed since their review, reviews due,
    /// drafts, with file:line:col; --sign records a review.
    Review(ReviewArgs),
    /// Languages of the content.
    Locale {
        #[command(subcommand)]
        action: LocaleAction,
    },
    /// Walk the bot in a terminal: numbers press buttons, other text is searched.
    Console(ConsoleArgs),
}

// Each subcommand's arguments. Their help is the variant's doc comment
// above: a `///` on a struct here would be clap's help text too.

#[derive(Args)]
pub struct CheckArgs {
    #[command(flatten)]
    pub sources: SourceArgs,
    #[arg(long, value_enum, default_value = "human", env = "OVERDOSE_BOT_FORMAT")]
    pub format: Format,
    /// Treat warnings (drafts, stale reviews, ...) as errors.
    #[arg(long, env = "OVERDOSE_BOT_DENY_WARNINGS")]
    pub deny_warnings: bool,
    /// Also validate this doctors' roster.
    #[arg(long, env = "OVERDOSE_BOT_ROSTER")]
    pub roster: Option<PathBuf>,
    /// The hazard log's directory (default: `safety` beside the content
    /// directory, when it exists).
    #[arg(long, env = "OVERDOSE_BOT_SAFETY")]
    pub safety: Option<PathBuf>,
}

#[derive(Args)]
pub struct ServeArgs {
    #[command(flatten)]
    pub sources: SourceArgs,
    /// Public HTTPS URL Telegram posts updates to (webhook mode).
    #[arg(long, env = "OVERDOSE_BOT_WEBHOOK_URL", requires = "listen")]
    pub webhook_url: Option<url::Url>,
    /// Local address the webhook server listens on, e.g. 127.0.0.1:8443.
    #[arg(long, env = "OVERDOSE_BOT_LISTEN", requires = "webhook_url")]
    pub listen: Option<std::net::SocketAddr>,
    /// File holding the secret Telegram sends with every webhook
    /// request; replicas must share it. Or set OVERDOSE_BOT_WEBHOOK_SECRET
    /// (default: generated at start). Never a flag: a command line is
    /// readable by every user in /proc.
    #[arg(long, env = "OVERDOSE_BOT_WEBHOOK_SECRET_FILE")]
    pub webhook_secret_file: Option<PathBuf>,
    /// Log format.
    #[arg(long, value_enum, default_value = "human", env = "OVERDOSE_BOT_LOG_FORMAT")]
    pub log_format: LogFormat,
    /// Do not pace sends to Telegram's rate limits. Only for load tests
    /// against a local Bot API server: Telegram itself would answer 429.
    #[arg(long, env = "OVERDOSE_BOT_NO_THROTTLE")]
    pub no_throttle: bool,
    /// Serve Prometheus metrics, /healthz and /readyz on this address,
    /// e.g. 127.0.0.1:9090.
    #[arg(long, env = "OVERDOSE_BOT_METRICS")]
    pub metrics: Option<std::net::SocketAddr>,
    /// The doctors' roster; opens the "Ask a doctor" line. Needs
    /// --handoff-key-file.
    #[arg(long, env = "OVERDOSE_BOT_ROSTER")]
    pub roster: Option<PathBuf>,
    /// The key file that seals the doctors' line's tickets (made by
    /// `handoff-key`); the bot rewrites it as keys rotate, so it must be
    /// writable. Replicas start from copies of one file.
    #[arg(long, env = "OVERDOSE_BOT_HANDOFF_KEY_FILE")]
    pub handoff_key_file: Option<PathBuf>,
}

#[derive(Args)]
pub struct RosterArgs {
    #[arg(long, default_value = "roster.yaml", env = "OVERDOSE_BOT_ROSTER")]
    pub roster: PathBuf,
    /// Show the next 7 days (default: the next 24 hours).
    #[arg(long)]
    pub week: bool,
    /// The moment to show, RFC 3339 (default: now).
    #[arg(long)]
    pub now: Option<DateTime<FixedOffset>>,
}

#[derive(Args)]
pub struct HandoffKeyArgs {
    /// Where to write it (mode 0600).
    #[arg(long)]
    pub out: PathBuf,
    /// Replace an existing file: every open case's buttons stop working
    /// (the response to a leaked key).
    #[arg(long)]
    pub force: bool,
}

#[derive(Args)]
pub struct GraphArgs {
    #[command(flatten)]
    pub sources: SourceArgs,
    #[arg(long, value_enum, default_value = "mermaid", env = "OVERDOSE_BOT_GRAPH_FORMAT")]
    pub format: GraphFormat,
    /// Language of the node titles (default: the content's default locale).
    #[arg(long, env = "OVERDOSE_BOT_LANG")]
    pub lang: Option<String>,
}

#[derive(Args)]
pub struct PreviewArgs {
    #[command(flatten)]
    pub sources: SourceArgs,
    /// Directory to write the site into (created; files in it replaced).
    #[arg(long, default_value = "preview", env = "OVERDOSE_BOT_PREVIEW_DIR")]
    pub out: PathBuf,
}

#[derive(Args)]
pub struct SchemaArgs {
    /// Directory to write the schemas of content files, the manifest,
    /// services and the hazard log into.
    #[arg(long, default_value = "content/schema", env = "OVERDOSE_BOT_SCHEMA_DIR")]
    pub out: PathBuf,
}

#[derive(Args)]
pub struct SearchArgs {
    #[command(flatten)]
    pub sources: SourceArgs,
    /// The message, as a person would type it.
    pub text: String,
    /// Interface language of the person typing (default: the content's default locale).
    #[arg(long, env = "OVERDOSE_BOT_LANG")]
    pub lang: Option<String>,
    /// Show how the message was read and which words matched which keywords.
    #[arg(long)]
    pub explain: bool,
}

#[derive(Args)]
pub struct TranslationsArgs {
    #[command(flatten)]
    pub sources: SourceArgs,
    /// Only this language.
    #[arg(long, env = "OVERDOSE_BOT_LANG")]
    pub lang: Option<String>,
    #[arg(long, value_enum, default_value = "human", env = "OVERDOSE_BOT_FORMAT")]
    pub format: Format,
    /// Record in translations.lock that the translations (of --lang, of
    /// each --node) now translate the current primary-language texts.
    #[arg(long)]
    pub stamp: bool,
    /// With --stamp: only this node's texts (`:manifest` for bot.yaml's); repeatable.
    #[arg(long, requires = "stamp")]
    pub node: Vec<String>,
}

#[derive(Args)]
pub struct ReviewArgs {
    #[command(flatten)]
    pub sources: SourceArgs,
    #[arg(long, value_enum, default_value = "human", env = "OVERDOSE_BOT_FORMAT")]
    pub format: Format,
    /// Record that --by reviewed this page (its texts' hash goes into
    /// the review record).
    #[arg(long, value_name = "PAGE", requires = "by")]
    pub sign: Option<String>,
    /// The reviewer, as listed under `reviewers:` in bot.yaml.
    #[arg(long, requires = "sign")]
    pub by: Option<String>,
    /// The date of the review (default: today).
    #[arg(long, requires = "sign")]
    pub on: Option<NaiveDate>,
}

#[derive(Args)]
pub struct ConsoleArgs {
    #[command(flatten)]
    pub sources: SourceArgs,
    /// Interface language, as a Telegram language code (ru, en, uk, ...).
    #[arg(long, env = "OVERDOSE_BOT_LANG")]
    pub lang: Option<String>,
    /// Simulate the doctors' line with this roster.
    #[arg(long, env = "OVERDOSE_BOT_ROSTER")]
    pub roster: Option<PathBuf>,
    /// Where the simulated clock starts, RFC 3339 (default: now);
    /// `/wait 5m` moves it on.
    #[arg(long)]
    pub now: Option<DateTime<FixedOffset>>,
}

#[derive(Subcommand)]
pub enum LocaleAction {
    /// Add a language: its Fluent files (the primary locale's, marked to
    /// translate) and its line in bot.yaml.
    Add {
        #[command(flatten)]
        sources: SourceArgs,
        /// ISO 639-1 code, e.g. `uz`.
        code: String,
    },
}

#[derive(Clone, Copy, clap::ValueEnum)]
pub enum LogFormat {
    Human,
    Json,
}

#[derive(Args)]
pub struct SourceArgs {
    /// Directory with bot.yaml and the content tree.
    #[arg(long, default_value = "content", env = "OVERDOSE_BOT_CONTENT")]
    pub content: PathBuf,
    /// Directory with one folder of .ftl files per locale.
    #[arg(long, default_value = "locales", env = "OVERDOSE_BOT_LOCALES")]
    pub locales: PathBuf,
    /// The date review ages are computed from (default: today).
    #[arg(long, env = "OVERDOSE_BOT_TODAY")]
    pub today: Option<NaiveDate>,
    /// Warn about pages reviewed longer ago than this (default: the manifest's, else 365).
    #[arg(long, env = "OVERDOSE_BOT_REVIEW_MAX_AGE_DAYS")]
    pub review_max_age_days: Option<u32>,
}

impl SourceArgs {
    pub fn sources(&self) -> Sources {
        Sources {
            content_dir: self.content.clone(),
            locales_dir: self.locales.clone(),
            today: self.today,
            review_max_age_days: self.review_max_age_days,
        }
    }

    pub fn load(&self) -> Loaded {
        load(&self.sources().options())
    }

    /// The hazard log beside the content directory, if there is one.
    pub fn safety_dir(&self) -> Option<PathBuf> {
        let parent = self.content.parent().unwrap_or(std::path::Path::new(""));
        let dir = parent.join(overdose_bot::safety::DEFAULT_DIR);
        dir.is_dir().then_some(dir)
    }
}
