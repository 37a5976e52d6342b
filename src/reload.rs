//! Reloading content while serving: load and validate in full, then swap the
//! whole `Content` atomically; with any error, keep serving the last good
//! version and say why. Updates already being handled keep the version they
//! started with, so a reload never drops or splits one.

use std::sync::Arc;

use arc_swap::ArcSwap;

use crate::content::{Content, LoadOptions, load};
use crate::diagnostics::Diagnostics;

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
    Rejected { diagnostics: Diagnostics, rendered: String },
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
            let rendered =
                crate::diagnostics::render(&loaded.diagnostics, &loaded.sources, crate::diagnostics::Format::Human);
            ReloadOutcome::Rejected {
                diagnostics: loaded.diagnostics,
                rendered,
            }
        }
    }
}
