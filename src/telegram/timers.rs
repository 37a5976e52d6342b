//! Waiting for a pure flow's next due timer. The doctors' line and the
//! companion keep their timers in memory and say when the next one is due;
//! their task sleeps until then, or wakes early when a plan changed the
//! timers (`changed` is notified after every plan).

use chrono::{DateTime, Utc};
use tokio::sync::Notify;

/// Returns once the earliest time `next_due` names has come. `next_due` is
/// asked again whenever `changed` is notified, since a plan may have
/// started an earlier timer or stopped the last one.
pub async fn until_due(changed: &Notify, next_due: impl Fn() -> Option<DateTime<Utc>>) {
    loop {
        // Registered before reading, so a notification in between is kept.
        let notified = changed.notified();
        match next_due() {
            None => notified.await,
            Some(at) => {
                let wait = (at - Utc::now()).to_std().unwrap_or_default();
                tokio::select! {
                    () = tokio::time::sleep(wait) => return,
                    () = notified => {}
                }
            }
        }
    }
}
