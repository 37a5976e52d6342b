//! Prometheus metrics and the health endpoints, for operators.
//!
//! Every label value is chosen by the code or by the content (update kinds,
//! node ids, outcomes, the content version): never by a user. Served on
//! `--metrics ADDR` at `/metrics`, with `/healthz` (the process is up) and
//! `/readyz` (content loaded, Telegram reachable, and the handoff key file
//! rewritten after its last rotation).

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use prometheus_client::encoding::text::encode;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::Registry;

use crate::companion::CompanionEvent;
use crate::handoff::HandoffEvent;

/// How a "Clear this chat" ended, counted in `overdose_bot_chat_clears_total`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ClearOutcome {
    /// Everything back to the chat's first message went.
    ChatStart,
    /// Everything back to the messages older than 48 hours went; those stay.
    OlderKept,
    /// The sweep stopped at its bound.
    Bound,
    /// Telegram failed (after the retries), or the person blocked the bot.
    Failed,
    /// Tapped in a group: refused, nothing deleted.
    GroupRefused,
}

impl ClearOutcome {
    /// The label value.
    pub fn as_str(self) -> &'static str {
        match self {
            ClearOutcome::ChatStart => "chat_start",
            ClearOutcome::OlderKept => "older_kept",
            ClearOutcome::Bound => "bound",
            ClearOutcome::Failed => "failed",
            ClearOutcome::GroupRefused => "group_refused",
        }
    }
}

type Labels = Vec<(&'static str, String)>;

/// Every metric of the process.
pub struct Metrics {
    registry: Registry,
    updates: Family<Labels, Counter>,
    coalesced: Family<Labels, Counter>,
    screens: Family<Labels, Counter>,
    deliveries: Family<Labels, Counter>,
    api_errors: Family<Labels, Counter>,
    reloads: Family<Labels, Counter>,
    handoff: Family<Labels, Counter>,
    companion: Family<Labels, Counter>,
    clears: Family<Labels, Counter>,
    content: Family<Labels, Gauge>,
    latency: Histogram,
    /// Doctors' line: from a card reaching the doctors to a doctor's Take.
    time_to_take: Histogram,
    /// Doctors' line: from a person's message reaching the doctors to the
    /// doctor's reply to it.
    time_to_answer: Histogram,
    /// The content version labelled 1 in `content_version`.
    version: Mutex<Option<String>>,
    telegram_reachable: AtomicBool,
    /// The handoff key rotated in memory but its file still holds an older
    /// key (`keyfile::rotate`): the promise that old keys exist nowhere is
    /// broken until a write succeeds.
    key_file_behind: AtomicBool,
}

impl Default for Metrics {
    fn default() -> Self {
        Self::new()
    }
}

impl Metrics {
    pub fn new() -> Self {
        let mut registry = Registry::with_prefix("overdose_bot");
        let updates = Family::<Labels, Counter>::default();
        let coalesced = Family::<Labels, Counter>::default();
        let screens = Family::<Labels, Counter>::default();
        let deliveries = Family::<Labels, Counter>::default();
        let api_errors = Family::<Labels, Counter>::default();
        let reloads = Family::<Labels, Counter>::default();
        let handoff = Family::<Labels, Counter>::default();
        let companion = Family::<Labels, Counter>::default();
        let clears = Family::<Labels, Counter>::default();
        let content = Family::<Labels, Gauge>::default();
        let latency = Histogram::new(exponential_buckets(0.0001, 2.0, 16));
        // 30 s to about 17 hours: how long a person waits for a doctor.
        let time_to_take = Histogram::new(exponential_buckets(30.0, 2.0, 12));
        let time_to_answer = Histogram::new(exponential_buckets(30.0, 2.0, 12));
        registry.register("updates", "Updates received, by kind", updates.clone());
        registry.register(
            "updates_coalesced",
            "Updates dropped past their chat's admission budget for a newer one, by kind",
            coalesced.clone(),
        );
        registry.register(
            "screens",
            "Screens served, by node id (or screen kind)",
            screens.clone(),
        );
        registry.register("deliveries", "Screens delivered, by outcome", deliveries.clone());
        registry.register("bot_api_errors", "Bot API errors, by kind", api_errors.clone());
        registry.register("reloads", "Content reloads, by outcome", reloads.clone());
        registry.register(
            "handoff_events",
            "Doctors' line: questions, answers, follow-ups and card taps, by event",
            handoff.clone(),
        );
        registry.register(
            "companion_events",
            "Emergency companion: check-ins started, asked, answered, stopped, ended, by event",
            companion.clone(),
        );
        registry.register(
            "chat_clears",
            "\"Clear this chat\" taps confirmed (or refused in a group), by how they ended",
            clears.clone(),
        );
        registry.register(
            "content_version",
            "The content version being served (1)",
            content.clone(),
        );
        registry.register(
            "handler_latency_seconds",
            "Time to handle an update, delivery included",
            latency.clone(),
        );
        registry.register(
            "handoff_time_to_take_seconds",
            "Doctors' line: from a case card reaching the doctors to a doctor taking it",
            time_to_take.clone(),
        );
        registry.register(
            "handoff_time_to_answer_seconds",
            "Doctors' line: from a person's message reaching the doctors to the doctor's reply to it",
            time_to_answer.clone(),
        );
        Metrics {
            registry,
            updates,
            coalesced,
            screens,
            deliveries,
            api_errors,
            reloads,
            handoff,
            companion,
            clears,
            content,
            latency,
            time_to_take,
            time_to_answer,
            version: Mutex::new(None),
            telegram_reachable: AtomicBool::new(false),
            key_file_behind: AtomicBool::new(false),
        }
    }

    pub fn update(&self, kind: &'static str) {
        self.updates.get_or_create(&vec![("kind", kind.to_owned())]).inc();
    }

    /// An update of `kind` dropped because its chat had too many in flight.
    pub fn coalesced(&self, kind: &'static str) {
        self.coalesced.get_or_create(&vec![("kind", kind.to_owned())]).inc();
    }

    /// `shown` is a node id from the content or a fixed screen name.
    pub fn screen(&self, shown: &str) {
        self.screens.get_or_create(&vec![("node", shown.to_owned())]).inc();
    }

    pub fn delivery(&self, outcome: &'static str) {
        self.deliveries
            .get_or_create(&vec![("outcome", outcome.to_owned())])
            .inc();
    }

    pub fn api_error(&self, kind: &'static str) {
        self.api_errors.get_or_create(&vec![("kind", kind.to_owned())]).inc();
    }

    pub fn reload(&self, outcome: &'static str) {
        self.reloads.get_or_create(&vec![("outcome", outcome.to_owned())]).inc();
    }

    /// A step of the doctors' line.
    pub fn handoff(&self, event: HandoffEvent) {
        self.handoff_times(event, 1);
    }

    /// `times` steps of the doctors' line at once.
    pub fn handoff_times(&self, event: HandoffEvent, times: u64) {
        self.handoff
            .get_or_create(&vec![("event", event.as_str().to_owned())])
            .inc_by(times);
    }

    /// `times` steps of the emergency companion.
    pub fn companion(&self, event: CompanionEvent, times: u64) {
        self.companion
            .get_or_create(&vec![("event", event.as_str().to_owned())])
            .inc_by(times);
    }

    /// A person's "Clear this chat", once it ended.
    pub fn chat_clear(&self, outcome: ClearOutcome) {
        self.clears
            .get_or_create(&vec![("outcome", outcome.as_str().to_owned())])
            .inc();
    }

    pub fn handled(&self, latency: Duration) {
        self.latency.observe(latency.as_secs_f64());
    }

    /// A case was taken `waited` after its card was sent.
    pub fn time_to_take(&self, waited: Duration) {
        self.time_to_take.observe(waited.as_secs_f64());
    }

    /// A doctor replied `waited` after the message they answered arrived.
    pub fn time_to_answer(&self, waited: Duration) {
        self.time_to_answer.observe(waited.as_secs_f64());
    }

    /// Marks `version` as the content being served.
    pub fn content_version(&self, version: &str) {
        let mut current = self.version.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(previous) = current.take() {
            self.content.get_or_create(&vec![("version", previous)]).set(0);
        }
        self.content
            .get_or_create(&vec![("version", version.to_owned())])
            .set(1);
        *current = Some(version.to_owned());
    }

    pub fn set_telegram_reachable(&self, reachable: bool) {
        self.telegram_reachable.store(reachable, Ordering::Relaxed);
    }

    pub fn telegram_reachable(&self) -> bool {
        self.telegram_reachable.load(Ordering::Relaxed)
    }

    pub fn set_key_file_behind(&self, behind: bool) {
        self.key_file_behind.store(behind, Ordering::Relaxed);
    }

    pub fn key_file_behind(&self) -> bool {
        self.key_file_behind.load(Ordering::Relaxed)
    }

    /// The Prometheus text exposition.
    pub fn render(&self) -> String {
        let mut text = String::new();
        encode(&mut text, &self.registry).expect("writing to a String cannot fail");
        text
    }

    /// One line for the log at shutdown: deliveries by outcome.
    pub fn summary(&self) -> String {
        ["sent", "edited", "recipient_gone", "failed"]
            .iter()
            .map(|outcome| {
                format!(
                    "{outcome}={}",
                    self.deliveries
                        .get_or_create(&vec![("outcome", (*outcome).to_owned())])
                        .get()
                )
            })
            .collect::<Vec<_>>()
            .join(" ")
    }
}

/// `/metrics`, `/healthz` and `/readyz`.
pub fn router(metrics: Arc<Metrics>) -> axum::Router {
    let ready = metrics.clone();
    axum::Router::new()
        .route(
            "/metrics",
            axum::routing::get(move || async move {
                (
                    [(
                        header::CONTENT_TYPE,
                        "application/openmetrics-text; version=1.0.0; charset=utf-8",
                    )],
                    metrics.render(),
                )
            }),
        )
        .route("/healthz", axum::routing::get(|| async { "ok\n" }))
        .route(
            "/readyz",
            axum::routing::get(move || async move {
                // Content is always loaded once serving starts; Telegram may not be reachable.
                if ready.key_file_behind() {
                    (StatusCode::SERVICE_UNAVAILABLE, "handoff key file not rewritten\n").into_response()
                } else if ready.telegram_reachable() {
                    (StatusCode::OK, "ready\n").into_response()
                } else {
                    (StatusCode::SERVICE_UNAVAILABLE, "telegram unreachable\n").into_response()
                }
            }),
        )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_counters_histogram_and_one_current_version() {
        let metrics = Metrics::new();
        metrics.update("callback_query");
        metrics.coalesced("message");
        metrics.screen("not-breathing");
        metrics.delivery("edited");
        metrics.api_error("retry_after");
        metrics.reload("rejected");
        metrics.handled(Duration::from_micros(300));
        metrics.chat_clear(ClearOutcome::OlderKept);
        metrics.time_to_take(Duration::from_secs(90));
        metrics.time_to_answer(Duration::from_secs(400));
        metrics.content_version("2026.11.24-1");
        metrics.content_version("2026.11.25-1");
        let text = metrics.render();
        for line in [
            "overdose_bot_updates_total{kind=\"callback_query\"} 1",
            "overdose_bot_updates_coalesced_total{kind=\"message\"} 1",
            "overdose_bot_screens_total{node=\"not-breathing\"} 1",
            "overdose_bot_deliveries_total{outcome=\"edited\"} 1",
            "overdose_bot_bot_api_errors_total{kind=\"retry_after\"} 1",
            "overdose_bot_reloads_total{outcome=\"rejected\"} 1",
            "overdose_bot_chat_clears_total{outcome=\"older_kept\"} 1",
            "overdose_bot_content_version{version=\"2026.11.24-1\"} 0",
            "overdose_bot_content_version{version=\"2026.11.25-1\"} 1",
            "overdose_bot_handler_latency_seconds_count 1",
            "overdose_bot_handoff_time_to_take_seconds_bucket{le=\"120.0\"} 1",
            "overdose_bot_handoff_time_to_answer_seconds_sum 400.0",
        ] {
            assert!(text.contains(line), "missing `{line}` in:\n{text}");
        }
        assert_eq!(metrics.summary(), "sent=0 edited=1 recipient_gone=0 failed=0");
    }
}
