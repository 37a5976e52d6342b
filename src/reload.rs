//! Reloading content while serving: load and validate in full, then swap the
//! whole `Content` atomically; with any error, keep serving the last good
//! version and say why. Updates already being handled keep the version they
//! started with, so a reload never drops or splits one.

use std::path::Path;
use std::sync::Arc;

use arc_swap::ArcSwap;

use crate::content::{Content, LoadOptions};
use crate::content_files::load;
use crate::diagnostics::{Diagnostics, Format, SourceMap, render, render_brief, render_places};
use crate::handoff::SharedDesk;

/// Why a reload happens.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReloadCause {
    /// SIGHUP (`systemctl reload`).
    Signal,
    /// Content or locale files changed.
    FileChange,
    /// `/reload` from a coordinator in Telegram.
    Command,
}

/// A request to the reload worker; `reply` gets a summary of what happened.
#[derive(Debug)]
pub struct ReloadRequest {
    pub cause: ReloadCause,
    pub reply: Option<tokio::sync::oneshot::Sender<String>>,
}

pub type ReloadRequests = tokio::sync::mpsc::UnboundedSender<ReloadRequest>;

/// The content being served, replaced whole on reload.
pub type SharedContent = Arc<ArcSwap<Content>>;

/// What a reload did.
#[derive(Debug)]
pub enum ReloadOutcome {
    /// The new content is being served.
    Swapped {
        version: String,
        nodes: usize,
        warnings: usize,
    },
    /// The files have errors; the previous content is still served.
    /// `rendered` (with source excerpts) is for the server's logs, `brief`
    /// (one line each, no excerpts) for answers in Telegram.
    Rejected {
        diagnostics: Diagnostics,
        rendered: String,
        brief: String,
    },
}

/// Loads `options` and swaps it into `shared` if it has no errors. Blocking
/// (reads files): call it from a blocking thread.
pub fn reload(shared: &SharedContent, options: &LoadOptions) -> ReloadOutcome {
    let loaded = load(options);
    match loaded.content {
        Some(content) => {
            let outcome = ReloadOutcome::Swapped {
                version: content.version().to_owned(),
                nodes: content.nodes().len(),
                warnings: loaded.diagnostics.warning_count(),
            };
            shared.store(Arc::new(content));
            outcome
        }
        None => {
            let rendered = render(&loaded.diagnostics, &loaded.sources, Format::Human);
            let brief = render_brief(&loaded.diagnostics, &loaded.sources);
            ReloadOutcome::Rejected {
                diagnostics: loaded.diagnostics,
                rendered,
                brief,
            }
        }
    }
}

/// Loads the roster at `path` and swaps it into `desk`, keeping the key and
/// the question counts. Blocking (reads a file). `Err` holds the
/// diagnostics for the logs (places and codes only: the roster's lines hold
/// doctors' Telegram ids, and its messages may quote them) and brief for
/// Telegram; the previous roster stays in use.
pub fn reload_roster(desk: &SharedDesk, path: &Path) -> Result<usize, (String, String)> {
    let mut sources = SourceMap::new();
    let mut diagnostics = Diagnostics::default();
    match crate::roster::load(path, &mut sources, &mut diagnostics) {
        Some(rosters) => {
            let people = rosters.iter().map(|roster| roster.doctors().count()).sum();
            let current = desk.load();
            desk.store(Arc::new(current.with_rosters(rosters)));
            Ok(people)
        }
        None => Err((
            render_places(&diagnostics, &sources),
            render_brief(&diagnostics, &sources),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::handoff::{Desks, Sealer};

    #[test]
    fn a_rejected_roster_is_logged_without_its_lines() {
        let dir = std::env::temp_dir().join(format!("overdose-reload-roster-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("roster.yaml");
        let example = include_str!("../roster.example.yaml");
        std::fs::write(&path, example).unwrap();
        let mut sources = SourceMap::new();
        let mut diagnostics = Diagnostics::default();
        let rosters = crate::roster::load(&path, &mut sources, &mut diagnostics).unwrap();
        let desk = SharedDesk::new(ArcSwap::from_pointee(Desks::new(
            rosters,
            Sealer::ephemeral(chrono::Utc::now()),
        )));

        let broken = example.replacen("chat: 200000001", "chat: \"200000001 Анна\"", 1);
        std::fs::write(&path, broken).unwrap();
        let (logged, _) = reload_roster(&desk, &path).unwrap_err();
        assert!(logged.contains("error[E0002]"), "{logged}");
        assert!(logged.contains("roster.yaml:"), "{logged}");
        assert!(!logged.contains("200000001") && !logged.contains("Анна"), "{logged}");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
