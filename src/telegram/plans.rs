//! Carries out the doctors' line's plans over Telegram, and runs its timers.
//! Every decision is `handoff::flow`'s; this file sends, copies and edits,
//! hands results back to the flow, and wakes it when a timer is due.
//!
//! Logs and metrics name steps and outcomes, never a chat, a name or a text.

use std::sync::Arc;

use chrono::Utc;
use teloxide::prelude::*;
use teloxide::types::{CallbackQueryId, ForceReply, MessageId, ReplyMarkup};

use super::delivery::{Failure, Tg};
use super::keyboard::rows;
use super::pacing::Priority;
use super::state::BotState;
use crate::drive::Drive;
use crate::handoff::flow::{Action, Ctx, Event, Keyboard, Step, Undelivered};
use crate::handoff::{Desk, Desks};
use crate::markup::escape_html;
use crate::reload::{ReloadCause, ReloadRequest};

/// Plans `event` on the line(s) it belongs to (`Desks::lines_for`) and
/// carries each plan out through [`Drive`] (its order, results fed back),
/// until nothing is left to do. `query` is the tapped button's, for the
/// toast.
pub async fn carry_out(
    bot: &Tg,
    state: &BotState,
    desks: &Desks,
    username: &str,
    query: Option<&CallbackQueryId>,
    event: Event<'_>,
) {
    // One content version for the whole plan, as for any update.
    let content = &*state.content.load_full();
    for desk in desks.lines_for(content, &event, Utc::now()) {
        carry_out_on(bot, state, content, desk, username, query, event.clone()).await;
    }
    // A case may have started, or stopped, a timer (and a reload may have
    // taken a line out: the timer task forgets its cases).
    state.timers.notify_one();
}

/// One line's plan for `event`, and what follows from its results.
async fn carry_out_on(
    bot: &Tg,
    state: &BotState,
    content: &crate::content::Content,
    desk: &Desk,
    username: &str,
    query: Option<&CallbackQueryId>,
    event: Event<'_>,
) {
    // Each event (the first, then each result) at the time it happens.
    let ctx = || Ctx {
        content,
        desk,
        now: Utc::now(),
        bot: username,
    };
    // The lines' lock is held only while planning: each guard is a
    // temporary of its statement, never alive across an `.await`.
    let mut drive = Drive::start(&mut *state.line(), &ctx(), event);
    while let Some(action) = drive.next() {
        if let Some((step, result)) = execute(bot, state, query, action).await {
            drive.feed(&mut *state.line(), &ctx(), Event::Outcome { step, result });
        }
    }
}

/// One action; the step and its result when the flow asked for it.
async fn execute(
    bot: &Tg,
    state: &BotState,
    query: Option<&CallbackQueryId>,
    action: Action<'_>,
) -> Option<(Step, Result<i32, Undelivered>)> {
    let delivery = &state.delivery;
    let metrics = &delivery.metrics;
    match action {
        Action::Send {
            to,
            html,
            keyboard,
            reply_to,
            urgent,
            then,
        } => {
            let markup = match keyboard {
                Keyboard::None => None,
                Keyboard::Buttons(buttons) => Some(rows(&buttons).into()),
                Keyboard::ForceReply => Some(ReplyMarkup::ForceReply(ForceReply::new())),
            };
            let sent = delivery
                .send_html(
                    bot,
                    ChatId(to),
                    &html,
                    markup,
                    reply_to.map(MessageId),
                    priority(urgent),
                )
                .await;
            settle(then, sent.map(|id| id.0))
        }
        Action::Copy {
            to,
            from,
            message,
            buttons,
            reply_to,
            protect,
            urgent,
            then,
        } => {
            let copied = delivery
                .copy(
                    bot,
                    ChatId(to),
                    ChatId(from),
                    MessageId(message),
                    rows(&buttons),
                    reply_to.map(MessageId),
                    protect,
                    priority(urgent),
                )
                .await;
            settle(then, copied.map(|id| id.0))
        }
        Action::Edit {
            chat,
            message,
            html,
            buttons,
            then,
        } => {
            let edited = delivery
                .edit_html(bot, ChatId(chat), MessageId(message), &html, rows(&buttons))
                .await;
            settle(then, edited.map(|()| message))
        }
        Action::Screen { to, screen } => {
            // The emergency page, for a question that describes one.
            let _ = delivery.send(bot, ChatId(to), &screen, Priority::Emergency).await;
            None
        }
        Action::Toast(text) => {
            if let Some(id) = query {
                delivery.answer_callback(bot, id.clone(), text.as_deref()).await;
            }
            None
        }
        Action::Count(event) => {
            metrics.handoff(event);
            tracing::info!(event = event.as_str(), "handoff");
            None
        }
        Action::TimersLost(count) => {
            metrics.handoff_times(crate::handoff::HandoffEvent::TimerLost, count);
            tracing::warn!(
                count,
                "handoff: stopping loses the timers of cases not yet taken or answered"
            );
            None
        }
        Action::TimeToTake(waited) => {
            metrics.time_to_take(waited.to_std().unwrap_or_default());
            None
        }
        Action::TimeToAnswer(waited) => {
            metrics.time_to_answer(waited.to_std().unwrap_or_default());
            None
        }
        Action::Reload { to, reply_to } => {
            reload(bot, state, ChatId(to), MessageId(reply_to)).await;
            None
        }
    }
}

fn priority(urgent: bool) -> Priority {
    if urgent { Priority::Emergency } else { Priority::Normal }
}

/// The result for the flow, when it asked for one; a failure is logged by kind.
fn settle(then: Option<Step>, result: Result<i32, Failure>) -> Option<(Step, Result<i32, Undelivered>)> {
    let result = result.map_err(|failure| match failure {
        Failure::RecipientGone => {
            tracing::info!("handoff: recipient gone");
            Undelivered::Gone
        }
        Failure::Failed(error) => {
            tracing::warn!(error = %super::delivery::error_kind(&error), "handoff: delivery failed");
            Undelivered::Failed
        }
    });
    then.map(|step| (step, result))
}

/// `/reload` from a coordinator: the worker reloads content, locales and
/// roster (or keeps them, with the reasons), and its summary is the answer.
async fn reload(bot: &Tg, state: &BotState, chat: ChatId, reply_to: MessageId) {
    let summary = match &state.reload {
        None => "The reloader is not running.".to_owned(),
        Some(requests) => {
            let (reply, summary) = tokio::sync::oneshot::channel();
            let request = ReloadRequest {
                cause: ReloadCause::Command,
                reply: Some(reply),
            };
            match requests.send(request) {
                Ok(()) => tokio::time::timeout(RELOAD_ANSWER_WAIT, summary)
                    .await
                    .ok()
                    .and_then(Result::ok)
                    .unwrap_or_else(|| "The reload takes long; see the logs.".to_owned()),
                Err(_) => "The reloader is not running.".to_owned(),
            }
        }
    };
    let summary: String = summary.chars().take(MAX_SUMMARY_CHARS).collect();
    let html = format!("<pre>{}</pre>", escape_html(&summary));
    let _ = state
        .delivery
        .send_html(bot, chat, &html, None, Some(reply_to), Priority::Normal)
        .await;
}

/// How long `/reload` waits for the worker before answering anyway.
const RELOAD_ANSWER_WAIT: std::time::Duration = std::time::Duration::from_secs(30);
/// Keeps the answer under Telegram's 4096 characters after escaping.
const MAX_SUMMARY_CHARS: usize = 3000;

/// The lines' timers: sleeps until the earliest case of any line is due
/// (or a plan changed the timers), then lets the flow act on what is due,
/// line by line. Runs until the process stops.
pub async fn run_timers(bot: Tg, state: Arc<BotState>, username: String) {
    if state.desks().is_none() {
        return;
    }
    loop {
        super::timers::until_due(&state.timers, || {
            // The desks as of now, not an update's older ones: a line a
            // reload took out loses its cases (their timers would fire on
            // no line), one it added keeps them.
            let desks = state.desks()?;
            let mut line = state.line();
            line.keep_lines(&desks);
            line.next_due()
        })
        .await;
        let Some(desks) = state.desks() else { return };
        carry_out(&bot, &state, &desks, &username, None, Event::Tick).await;
    }
}

/// The process stops: the flow counts the timers that die with it and
/// tells each line's duty chat.
pub async fn lose_timers(bot: &Tg, state: &BotState, username: &str) {
    if let Some(desks) = state.desks() {
        carry_out(bot, state, &desks, username, None, Event::Shutdown).await;
    }
}
