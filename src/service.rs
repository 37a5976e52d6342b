//! `serve` with everything around the bot: the metrics endpoint, reloads
//! (file changes, SIGHUP, `/reload`), the handoff key's rotation, and a
//! graceful stop when the shutdown future given resolves (in `main`:
//! [`shutdown_signal`], SIGINT or SIGTERM). `main` only parses arguments and
//! builds a [`Service`].

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use arc_swap::ArcSwap;
use chrono::NaiveDate;

use crate::content::{Content, LoadOptions, ValidateOptions};
use crate::handoff::SharedDesk;
use crate::metrics::Metrics;
use crate::reload::{ReloadCause, ReloadOutcome, ReloadRequest, ReloadRequests, SharedContent, reload, reload_roster};
use crate::telegram::{Mode, ServeError, ServeOptions, serve};
use crate::watch::watch;

/// Where content and locales are read from, and how they are judged.
#[derive(Clone, Debug)]
pub struct Sources {
    pub content_dir: PathBuf,
    pub locales_dir: PathBuf,
    /// Review ages are computed from this date (default: today, re-read on
    /// every reload).
    pub today: Option<NaiveDate>,
    pub review_max_age_days: Option<u32>,
}

impl Sources {
    /// Load options as of now.
    pub fn options(&self) -> LoadOptions {
        LoadOptions {
            content_dir: self.content_dir.clone(),
            locales_dir: self.locales_dir.clone(),
            validate: ValidateOptions {
                today: self.today.unwrap_or_else(|| chrono::Local::now().date_naive()),
                review_max_age_days: self.review_max_age_days,
            },
        }
    }
}

/// The roster's lines as served (the doctors', the outreach workers'): the
/// desks, and the files they are reloaded and re-keyed from.
pub struct Line {
    pub desk: SharedDesk,
    pub roster: PathBuf,
    pub key_file: PathBuf,
}

/// Everything `serve` runs with.
pub struct Service {
    /// Already loaded and valid.
    pub content: Content,
    pub sources: Sources,
    pub mode: Mode,
    pub throttle: bool,
    pub metrics_address: Option<SocketAddr>,
    pub line: Option<Line>,
}

#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    #[error("cannot listen for metrics on {address}: {source}")]
    MetricsListen {
        address: SocketAddr,
        source: std::io::Error,
    },
    #[error(transparent)]
    Serve(#[from] ServeError),
}

/// How long file changes must settle before a reload: editors and `git
/// checkout` write several files, and half-written files must not be read.
const RELOAD_DEBOUNCE: Duration = Duration::from_millis(300);

/// How often the serving bot checks whether a key epoch has ended.
const KEY_ROTATION_CHECK: Duration = Duration::from_secs(15 * 60);

/// Serves until `shutdown` resolves, then finishes the updates in flight.
pub async fn run(service: Service, shutdown: impl Future<Output = ()> + Send + 'static) -> Result<(), ServiceError> {
    let Service {
        content,
        sources,
        mode,
        throttle,
        metrics_address,
        line,
    } = service;
    let shared: SharedContent = Arc::new(ArcSwap::from_pointee(content));
    let metrics = Arc::new(Metrics::new());
    if let Some(address) = metrics_address {
        let listener = tokio::net::TcpListener::bind(address)
            .await
            .map_err(|source| ServiceError::MetricsListen { address, source })?;
        let router = crate::metrics::router(metrics.clone());
        tokio::spawn(async move { axum::serve(listener, router).await });
    }
    let (reloads, reload_requests) = tokio::sync::mpsc::unbounded_channel();
    let (changes, mut changed) = tokio::sync::mpsc::unbounded_channel();
    // Held until serving ends: dropping the watcher stops it.
    let _watcher = match watch(&[&sources.content_dir, &sources.locales_dir], changes) {
        Ok(watcher) => Some(watcher),
        Err(error) => {
            tracing::warn!(%error, "cannot watch content files; reload with SIGHUP");
            None
        }
    };
    let file_changes = reloads.clone();
    tokio::spawn(async move {
        while changed.recv().await.is_some() && file_changes.send(request(ReloadCause::FileChange)).is_ok() {}
    });
    tokio::spawn(reload_on_sighup(reloads.clone()));
    let desk = line.as_ref().map(|line| line.desk.clone());
    let reloadable = Reloadable {
        content: shared.clone(),
        sources,
        roster: line.as_ref().map(|line| (line.desk.clone(), line.roster.clone())),
    };
    tokio::spawn(reload_worker(reloadable, metrics.clone(), reload_requests));
    if let Some(line) = line {
        let sealer = line.desk.load().sealer.clone();
        tokio::spawn(crate::keyfile::rotate(
            sealer,
            line.key_file,
            KEY_ROTATION_CHECK,
            metrics.clone(),
        ));
    }
    let options = ServeOptions {
        mode,
        throttle,
        metrics,
        desk,
        reload: Some(reloads),
    };
    serve(shared, options, shutdown).await?;
    Ok(())
}

/// Sends a reload request on every SIGHUP (`systemctl reload`).
async fn reload_on_sighup(requests: ReloadRequests) {
    let Ok(mut hangups) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::hangup()) else {
        tracing::warn!("cannot listen for SIGHUP: content reload by signal is off");
        return;
    };
    while hangups.recv().await.is_some() && requests.send(request(ReloadCause::Signal)).is_ok() {}
}

fn request(cause: ReloadCause) -> ReloadRequest {
    ReloadRequest { cause, reply: None }
}

/// What the reload worker reloads: content and locales always, the roster
/// when the doctors' line is open.
struct Reloadable {
    content: SharedContent,
    sources: Sources,
    roster: Option<(SharedDesk, PathBuf)>,
}

/// Reloads on each request, in the background, one at a time; requests
/// arriving meanwhile are merged. Errors keep what is being served and are
/// logged; a `/reload` gets the same summary as its answer.
async fn reload_worker(
    reloadable: Reloadable,
    metrics: Arc<Metrics>,
    mut requests: tokio::sync::mpsc::UnboundedReceiver<ReloadRequest>,
) {
    let reloadable = Arc::new(reloadable);
    while let Some(first) = requests.recv().await {
        tokio::time::sleep(RELOAD_DEBOUNCE).await;
        let cause = first.cause;
        let mut replies: Vec<_> = first.reply.into_iter().collect();
        while let Ok(more) = requests.try_recv() {
            replies.extend(more.reply);
        }
        let job = reloadable.clone();
        let metrics_job = metrics.clone();
        let summary = tokio::task::spawn_blocking(move || reload_all(&job, &metrics_job, cause)).await;
        let summary = summary.unwrap_or_else(|error| format!("reload failed: {error}"));
        for reply in replies {
            let _ = reply.send(summary.clone());
        }
    }
}

/// One reload of everything; returns a summary for people (one line per
/// problem, no excerpts: it may go to a Telegram chat).
fn reload_all(reloadable: &Reloadable, metrics: &Metrics, cause: ReloadCause) -> String {
    let mut summary = match reload(&reloadable.content, &reloadable.sources.options()) {
        ReloadOutcome::Swapped {
            version,
            nodes,
            warnings,
        } => {
            metrics.reload("swapped");
            metrics.content_version(&version);
            tracing::info!(?cause, content_version = %version, nodes, warnings, "content reloaded");
            format!("Content {version} reloaded: {nodes} screens, {warnings} warnings.")
        }
        ReloadOutcome::Rejected {
            diagnostics,
            rendered,
            brief,
        } => {
            metrics.reload("rejected");
            tracing::error!(
                ?cause,
                errors = diagnostics.error_count(),
                "content reload rejected; still serving the previous version:\n{rendered}"
            );
            let version = reloadable.content.load().version().to_owned();
            format!(
                "Content NOT reloaded, still serving {version}: {} errors.\n{brief}",
                diagnostics.error_count()
            )
        }
    };
    if let Some((desk, path)) = &reloadable.roster {
        summary.push('\n');
        match reload_roster(desk, path) {
            Ok(doctors) => {
                metrics.reload("roster_swapped");
                tracing::info!(?cause, doctors, "roster reloaded");
                summary.push_str(&format!("Roster reloaded: {doctors} doctors."));
            }
            Err((rendered, brief)) => {
                metrics.reload("roster_rejected");
                tracing::error!(
                    ?cause,
                    "roster reload rejected; keeping the previous roster:\n{rendered}"
                );
                summary.push_str(&format!("Roster NOT reloaded, keeping the previous one:\n{brief}"));
            }
        }
    }
    summary
}

/// Resolves on SIGINT (Ctrl-C) or SIGTERM (systemd, docker stop).
pub async fn shutdown_signal() {
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending().await,
        }
    };
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {}
        () = terminate => {}
    }
}
