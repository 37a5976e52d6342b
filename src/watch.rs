//! Watches the content and locales directories and says when files changed,
//! so edits are published without a signal. Reacts to creations,
//! modifications and removals only (reads are not changes).

use std::path::Path;

use notify::{EventKind, RecommendedWatcher, RecursiveMode, Watcher};
use tokio::sync::mpsc::UnboundedSender;

/// Starts watching `paths` recursively; every change sends `()` on `changes`.
/// Keep the returned watcher alive for as long as watching should go on.
pub fn watch(paths: &[&Path], changes: UnboundedSender<()>) -> notify::Result<RecommendedWatcher> {
    let mut watcher = notify::recommended_watcher(move |event: notify::Result<notify::Event>| {
        if let Ok(event) = event
            && matches!(
                event.kind,
                EventKind::Create(_) | EventKind::Modify(_) | EventKind::Remove(_)
            )
        {
            let _ = changes.send(());
        }
    })?;
    for path in paths {
        watcher.watch(path, RecursiveMode::Recursive)?;
    }
    Ok(watcher)
}
