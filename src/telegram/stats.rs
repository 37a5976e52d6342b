//! Counters of what happened to deliveries, for the operator's log. Counts
//! only: never who, never what.

use std::sync::atomic::{AtomicU64, Ordering};

#[derive(Default, Debug)]
pub struct Stats {
    pub updates: AtomicU64,
    pub screens_sent: AtomicU64,
    pub screens_edited: AtomicU64,
    /// The person blocked the bot or the chat is gone: normal life, not retried.
    pub recipients_gone: AtomicU64,
    /// Failed after retries (network, Telegram errors we cannot fix).
    pub deliveries_failed: AtomicU64,
    pub retries: AtomicU64,
}

impl Stats {
    pub fn bump(counter: &AtomicU64) {
        counter.fetch_add(1, Ordering::Relaxed);
    }

    /// One line for the log at shutdown.
    pub fn summary(&self) -> String {
        let get = |c: &AtomicU64| c.load(Ordering::Relaxed);
        format!(
            "updates={} sent={} edited={} recipients_gone={} failed={} retries={}",
            get(&self.updates),
            get(&self.screens_sent),
            get(&self.screens_edited),
            get(&self.recipients_gone),
            get(&self.deliveries_failed),
            get(&self.retries),
        )
    }
}
