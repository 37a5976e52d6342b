//! The emergency companion over Telegram: companion buttons become events,
//! `crate::companion` decides, and this file sends the screens, deletes the
//! check-in a new one replaces, and runs the timer task.
//!
//! Logs and metrics name steps, never a chat or an answer.

use std::sync::Arc;

use chrono::Utc;
use teloxide::prelude::*;
use teloxide::types::{CallbackQueryId, MessageId};

use super::delivery::Tg;
use super::pacing::Priority;
use super::state::BotState;
use crate::companion::{Action, Ctx, Event};
use crate::metrics::CompanionEvent;
use crate::payload::Prefix;

/// A tap on a companion button; false for other data.
pub async fn on_callback(bot: &Tg, state: &BotState, query: &CallbackQuery) -> bool {
    let data = query.data.as_deref().unwrap_or_default();
    let (Some(message), Some((Prefix::Companion, rest))) = (&query.message, Prefix::of_callback(data)) else {
        return false;
    };
    let event = Event::Tap {
        chat: message.chat().id.0,
        data: rest,
    };
    carry_out(bot, state, Some(&query.id), event).await;
    true
}

/// Plans `event` and carries the plan out, reporting each check-in's id
/// back (which may plan its deletion, when the check-ins stopped meanwhile).
async fn carry_out(bot: &Tg, state: &BotState, query: Option<&CallbackQueryId>, event: Event<'_>) {
    let content = &*state.content.load_full();
    let plan = |event: Event<'_>| {
        let ctx = Ctx {
            content,
            now: Utc::now(),
        };
        state
            .companions
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .handle(&ctx, event)
    };
    let delivery = &state.delivery;
    let mut queue = std::collections::VecDeque::from(plan(event));
    while let Some(action) = queue.pop_front() {
        match action {
            Action::Show { to, screen, checkin } => {
                // Check-ins and their pages are about a life in danger.
                let sent = delivery.send(bot, ChatId(to), &screen, Priority::Emergency).await;
                if let (true, Ok(message)) = (checkin, sent) {
                    queue.extend(plan(Event::CheckInSent {
                        chat: to,
                        message: message.0,
                    }));
                }
            }
            Action::Delete { chat, message } => {
                // Gone already, or too old to delete: as good as deleted.
                let _ = delivery.delete(bot, ChatId(chat), &[MessageId(message)]).await;
            }
            Action::Toast(text) => {
                if let Some(id) = query {
                    delivery.answer_callback(bot, id.clone(), text.as_deref()).await;
                }
            }
            Action::Count(event) => {
                delivery.metrics.companion(event, 1);
                tracing::info!(event = event.as_str(), "companion");
            }
            Action::Lost(count) => {
                delivery.metrics.companion(CompanionEvent::Lost, count);
                tracing::warn!(count, "companion: stopping ends the running check-ins");
            }
        }
    }
    state.companion_timers.notify_one();
}

/// The check-ins' clock: sleeps until the next one is due (or a plan
/// changed them), then lets the companion act on what is due.
pub async fn run_timers(bot: Tg, state: Arc<BotState>) {
    loop {
        super::timers::until_due(&state.companion_timers, || {
            state.companions.lock().unwrap_or_else(|p| p.into_inner()).next_due()
        })
        .await;
        carry_out(&bot, &state, None, Event::Tick).await;
    }
}

/// The process stops: the companion counts the check-ins that end with it
/// and tells each person.
pub async fn stop(bot: &Tg, state: &BotState) {
    carry_out(bot, state, None, Event::Shutdown).await;
}
