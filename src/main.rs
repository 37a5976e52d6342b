//! The `overdose-bot` command: parses arguments, calls the library, maps
//! outcomes to exit codes (0 ok, 1 invalid content, 2 usage or I/O error).
//! One function per subcommand: the bot's here, the content editors' in
//! `editors`; the arguments are in `cli`.

mod cli;
mod editors;

use std::io::{self, IsTerminal, Write};
use std::path::Path;
use std::process::ExitCode;

use anyhow::Context as _;
use arc_swap::ArcSwap;
use chrono::Utc;
use clap::Parser;
use cli::{CheckArgs, Cli, Command, ConsoleArgs, HandoffKeyArgs, LocaleAction, LogFormat, RosterArgs, ServeArgs};
use overdose_bot::check::{Verdict, report};
use overdose_bot::content::{Content, Loaded, Locale};
use overdose_bot::diagnostics::Format;
use overdose_bot::handoff::{Desks, EpochKey, Sealer, SharedDesk, epoch_of};
use overdose_bot::roster::Rosters;
use overdose_bot::service::{Line, Service};
use overdose_bot::telegram::{self, Mode};
use overdose_bot::{keyfile, service};

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
        Command::Check(args) => check(args),
        Command::Serve(args) => serve(args),
        Command::Graph(args) => editors::graph(args),
        Command::Search(args) => editors::search(args),
        Command::Preview(args) => editors::preview(args),
        Command::Schema(args) => editors::schema(args),
        Command::Roster(args) => roster(args),
        Command::HandoffKey(args) => handoff_key(args),
        Command::Translations(args) => editors::translations(args),
        Command::Review(args) => editors::review(args),
        Command::Locale {
            action: LocaleAction::Add { sources, code },
        } => editors::locale_add(&sources, &code),
        Command::Console(args) => console(args),
    }
}

fn check(args: CheckArgs) -> anyhow::Result<ExitCode> {
    let mut loaded = args.sources.load();
    if let Some(path) = args.roster {
        load_roster(&path, &mut loaded);
    }
    if let Some(dir) = args.safety.or_else(|| args.sources.safety_dir()) {
        overdose_bot::safety::check(
            &dir,
            loaded.content.as_ref(),
            &mut loaded.sources,
            &mut loaded.diagnostics,
        );
        loaded.diagnostics.sort(&loaded.sources);
    }
    let (text, verdict) = report(&loaded, args.format, args.deny_warnings);
    print(&text, "report")?;
    Ok(ExitCode::from(verdict.exit_code()))
}

fn serve(args: ServeArgs) -> anyhow::Result<ExitCode> {
    init_logging(args.log_format);
    let mut loaded = args.sources.load();
    let desk = match &args.roster {
        Some(path) => match load_roster(path, &mut loaded) {
            Some(rosters) => {
                let sealer = keyfile::sealer(args.handoff_key_file.as_deref(), &telegram::bot_id(), Utc::now())?;
                Some(SharedDesk::new(ArcSwap::from_pointee(Desks::new(rosters, sealer))))
            }
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
    let mode = match (args.webhook_url, args.listen) {
        (Some(url), Some(listen)) => Mode::Webhook {
            url,
            listen,
            secret: telegram::webhook_secret(args.webhook_secret_file.as_deref())?,
        },
        _ => Mode::Polling,
    };
    let service = Service {
        content,
        sources: args.sources.sources(),
        mode,
        throttle: !args.no_throttle,
        metrics_address: args.metrics,
        line: desk
            .zip(args.roster)
            .zip(args.handoff_key_file)
            .map(|((desk, roster), key_file)| Line { desk, roster, key_file }),
    };
    let runtime = tokio::runtime::Runtime::new().context("cannot start the async runtime")?;
    runtime.block_on(service::run(service, service::shutdown_signal()))?;
    Ok(ExitCode::SUCCESS)
}

fn roster(args: RosterArgs) -> anyhow::Result<ExitCode> {
    let mut sources = overdose_bot::diagnostics::SourceMap::new();
    let mut diagnostics = overdose_bot::diagnostics::Diagnostics::default();
    let Some(rosters) = overdose_bot::roster::load(&args.roster, &mut sources, &mut diagnostics) else {
        eprint!(
            "{}",
            overdose_bot::diagnostics::render(&diagnostics, &sources, Format::Human)
        );
        return Ok(ExitCode::from(1));
    };
    let now = args.now.map_or_else(Utc::now, |t| t.with_timezone(&Utc));
    let tables = overdose_bot::roster::render_tables(&rosters, now, if args.week { 7 } else { 1 });
    print(&tables, "table")?;
    Ok(ExitCode::SUCCESS)
}

fn handoff_key(args: HandoffKeyArgs) -> anyhow::Result<ExitCode> {
    if args.out.exists() && !args.force {
        anyhow::bail!(
            "{} exists; --force replaces it, and every open case's buttons stop working",
            args.out.display()
        );
    }
    let key = EpochKey::generate(epoch_of(Utc::now()) - 1);
    keyfile::store(&args.out, &key)?;
    println!(
        "wrote a new handoff key to {}; set OVERDOSE_BOT_HANDOFF_KEY_FILE to it (the bot rewrites it as keys rotate)",
        args.out.display()
    );
    Ok(ExitCode::SUCCESS)
}

fn console(args: ConsoleArgs) -> anyhow::Result<ExitCode> {
    let mut loaded = args.sources.load();
    let desk = match args.roster {
        Some(path) => match load_roster(&path, &mut loaded) {
            Some(rosters) => Some(Desks::new(rosters, Sealer::ephemeral(Utc::now()))),
            None => return Ok(refuse(&loaded)),
        },
        None => None,
    };
    let Some(content) = loaded.content.as_ref() else {
        return Ok(refuse(&loaded));
    };
    let locale = locale_for(content, args.lang.as_deref());
    let stdin = io::stdin();
    let interactive = stdin.is_terminal();
    let now = args.now.map_or_else(Utc::now, |t| t.with_timezone(&Utc));
    let (input, output) = (stdin.lock(), io::stdout().lock());
    overdose_bot::console::run(content, locale, desk.as_ref(), now, input, output, interactive)
        .context("console input/output failed")?;
    Ok(ExitCode::SUCCESS)
}

/// Writes a command's whole output to stdout; `what` names it in the error.
fn print(text: &str, what: &str) -> anyhow::Result<()> {
    io::stdout()
        .write_all(text.as_bytes())
        .with_context(|| format!("cannot write the {what}"))
}

/// The locale `--lang` asks for, else the content's default.
fn locale_for(content: &Content, lang: Option<&str>) -> Locale {
    lang.map_or(content.default_locale(), |l| content.negotiate(Some(l)))
}

/// Reads the roster into `loaded`'s diagnostics; `None` if it has errors.
fn load_roster(path: &Path, loaded: &mut Loaded) -> Option<Rosters> {
    overdose_bot::roster::load(path, &mut loaded.sources, &mut loaded.diagnostics)
}

/// Prints why content cannot be used; exit 1 (or 2 if unreadable).
fn refuse(loaded: &Loaded) -> ExitCode {
    let (text, verdict) = report(loaded, Format::Human, false);
    eprint!("{text}");
    eprintln!("error: the content has errors; fix them first (see above)");
    ExitCode::from(verdict.exit_code().max(Verdict::Invalid.exit_code()))
}

/// Logs go to stderr, human-readable or JSON; the level comes from RUST_LOG
/// (default: info for the bot, warnings for its libraries), except
/// [`telegram::SILENCED_LOG_TARGETS`], which are off whatever it says.
fn init_logging(format: LogFormat) {
    let mut filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn,overdose_bot=info"));
    for target in telegram::SILENCED_LOG_TARGETS {
        filter = filter.add_directive(format!("{target}=off").parse().expect("a valid directive"));
    }
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
