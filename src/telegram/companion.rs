//! The emergency companion over Telegram: companion buttons become events,
//! `crate::companion` decides, and this file sends the screens, deletes the
//! check-in a new one replaces, and runs the timer task.
//!
//! Each chat's part of a plan is carried out by a task of its own, so one
//! chat's check-in never waits for another's send: 600 companions due in
//! the same second do not delay the 601st by 20 s; the pacer's per-chat
//! spacing and priorities decide, as for every other send. A chat Telegram
//! says is gone (the bot blocked) drops its companions.
//!
//! Logs and metrics name steps, never a chat or an answer.

use std::collections::BTreeMap;
use std::sync::{Arc, MutexGuard};

use chrono::Utc;
use teloxide::prelude::*;
use teloxide::types::{CallbackQueryId, MessageId};

use super::delivery::{Failure, Tg};
use super::pacing::Priority;
use super::state::BotState;
use crate::companion::CompanionEvent;
use crate::companion::{Action, Companions, Ctx, Event};
use crate::content::Content;
use crate::drive::Drive;

/// A tap on a companion button in `chat` (`data` after the prefix). The
/// plan is carried out by a task of its own: the tapping chat's lane never
/// waits for a send.
pub fn on_tap(bot: &Tg, state: &Arc<BotState>, query: &CallbackQueryId, chat: i64, data: &str) {
    let (data, id) = (data.to_owned(), query.clone());
    let (bot, state) = (bot.clone(), state.clone());
    tokio::spawn(async move {
        let event = Event::Tap { chat, data: &data };
        carry_out(&bot, &state, Some(&id), event, None).await;
    });
}

/// The companions, for one plan: locked only while planning, each guard a
/// temporary of its statement (never held across an await).
fn companions(state: &BotState) -> MutexGuard<'_, Companions> {
    state.companions.lock().unwrap_or_else(|p| p.into_inner())
}

/// The context of one event, at the time it happens.
fn ctx(content: &Content) -> Ctx<'_> {
    Ctx {
        content,
        now: Utc::now(),
    }
}

/// Plans `event` (then tells `planned`), answers the tap and counts, then
/// carries out each chat's sends and deletions side by side, so no chat
/// waits for another.
async fn carry_out(
    bot: &Tg,
    state: &Arc<BotState>,
    query: Option<&CallbackQueryId>,
    event: Event<'_>,
    planned: Option<tokio::sync::oneshot::Sender<()>>,
) {
    let content = state.content.load_full();
    let content = &*content;
    let mut drive = Drive::start(&mut *companions(state), &ctx(content), event);
    if let Some(planned) = planned {
        let _ = planned.send(());
    }
    let mut per_chat: BTreeMap<i64, Vec<Action<'_>>> = BTreeMap::new();
    while let Some(action) = drive.next() {
        match action {
            Action::Show { to, .. } => per_chat.entry(to).or_default().push(action),
            Action::Delete { chat, .. } => per_chat.entry(chat).or_default().push(action),
            Action::Toast(text) => {
                if let Some(id) = query {
                    state.delivery.answer_callback(bot, id.clone(), text.as_deref()).await;
                }
            }
            Action::Count(event) => count(state, event),
            Action::Lost(count) => {
                state.delivery.metrics.companion(CompanionEvent::Lost, count);
                tracing::warn!(count, "companion: stopping ends the running check-ins");
            }
        }
    }
    let chats = per_chat
        .into_iter()
        .map(|(chat, actions)| deliver(bot, state, content, chat, actions));
    futures::future::join_all(chats).await;
    state.companion_timers.notify_one();
}

/// One chat's sends and deletions, in order; each check-in's id reported
/// back (which may plan its deletion, when the check-ins stopped meanwhile).
async fn deliver<'c>(bot: &Tg, state: &BotState, content: &'c Content, chat: i64, actions: Vec<Action<'c>>) {
    let delivery = &state.delivery;
    let mut drive = Drive::<Companions>::of(actions);
    while let Some(action) = drive.next() {
        match action {
            Action::Show {
                to,
                screen,
                checkin,
                urgent,
            } => {
                // A first check-in and the pages answers open are about a
                // life now; a question asked again, or a note, waits its turn.
                let priority = if urgent { Priority::Emergency } else { Priority::Normal };
                match delivery.send(bot, ChatId(to), &screen, priority).await {
                    Ok(message) => {
                        if let Some(companion) = checkin {
                            let sent = Event::CheckInSent {
                                chat: to,
                                companion,
                                message: message.0,
                            };
                            drive.feed(&mut *companions(state), &ctx(content), sent);
                        }
                    }
                    Err(Failure::RecipientGone) => {
                        // Nobody to send the rest to; what the companion
                        // plans for a gone chat (counts only) still runs.
                        drive.drop_queued();
                        drive.feed(&mut *companions(state), &ctx(content), Event::ChatGone { chat });
                    }
                    // Counted by the delivery; the next tick asks again.
                    Err(Failure::Failed(_)) => {}
                }
            }
            Action::Delete { chat, message } => {
                // Gone already, or too old to delete: as good as deleted.
                let _ = delivery.delete(bot, ChatId(chat), &[MessageId(message)]).await;
            }
            Action::Count(event) => count(state, event),
            Action::Toast(_) | Action::Lost(_) => {}
        }
    }
}

fn count(state: &BotState, event: CompanionEvent) {
    state.delivery.metrics.companion(event, 1);
    tracing::info!(event = event.as_str(), "companion");
}

/// The check-ins' clock: sleeps until the next one is due (or a plan
/// changed them), then lets the companion act on what is due.
pub async fn run_timers(bot: Tg, state: Arc<BotState>) {
    loop {
        super::timers::until_due(&state.companion_timers, || companions(&state).next_due()).await;
        // Its own task: the clock keeps time while the check-ins go out,
        // once the tick is planned (so the same check-ins are not due again).
        let (planned, is_planned) = tokio::sync::oneshot::channel();
        let (bot, state) = (bot.clone(), state.clone());
        tokio::spawn(async move { carry_out(&bot, &state, None, Event::Tick, Some(planned)).await });
        let _ = is_planned.await;
    }
}

/// The process stops: the companion counts the check-ins that end with it
/// and tells each person.
pub async fn stop(bot: &Tg, state: &Arc<BotState>) {
    carry_out(bot, state, None, Event::Shutdown, None).await;
}
