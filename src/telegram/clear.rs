//! "Clear this chat" over Telegram. In a group it is refused with a pop-up
//! and nothing is deleted. In a private chat: send the engine's "Clearing…"
//! message, delete what Telegram lets the bot delete below it (`sweep`
//! decides which ids), then turn that message into the engine's report, so
//! it is the one message left.
//!
//! It keeps nothing: the newest id is the message it has just sent, and
//! the log and the metric say how the sweep ended and how many calls it
//! made, never which chat or which messages.

use teloxide::prelude::*;
use teloxide::types::{ChatId, MessageId};

use super::delivery::{Delivery, Failure, Tg, error_kind};
use super::pacing::Priority;
use super::state::BotState;
use super::sweep::{Ending, Step, Sweep};
use crate::content::Content;
use crate::engine::{self, Cleared, Screen};
use crate::metrics::ClearOutcome;

/// Answers a "Clear this chat" button tapped outside a private chat with a
/// pop-up, deleting nothing. The router refuses it before the engine sees
/// the tap, so a group never even gets the confirmation.
pub async fn refuse_outside_private(bot: &Tg, state: &BotState, content: &Content, query: &CallbackQuery) {
    let locale = content.negotiate(query.from.language_code.as_deref());
    let toast = &content.ui(locale).clear.private_only;
    state.delivery.answer_callback(bot, query.id.clone(), Some(toast)).await;
    state.delivery.metrics.chat_clear(ClearOutcome::GroupRefused);
    tracing::info!(update = "callback", "clear refused outside a private chat");
}

/// Clears the private chat `chat`: sends `working` ("Clearing…"), deletes
/// below it, and replaces it with the report.
pub async fn clear(
    bot: &Tg,
    state: &BotState,
    content: &Content,
    chat: ChatId,
    working: &Screen<'_>,
) -> Result<(), Failure> {
    let metrics = &state.delivery.metrics;
    let newest = match state.delivery.send(bot, chat, working, Priority::Normal).await {
        Ok(id) => id,
        Err(failure) => {
            metrics.chat_clear(ClearOutcome::Failed);
            return Err(failure);
        }
    };
    let (outcome, calls) = sweep(bot, &state.delivery, chat, newest).await;
    metrics.chat_clear(outcome);
    tracing::info!(outcome = outcome.as_str(), calls, "chat cleared");
    let cleared = match outcome {
        ClearOutcome::ChatStart | ClearOutcome::OlderKept => Cleared::Complete,
        ClearOutcome::Bound | ClearOutcome::Failed | ClearOutcome::GroupRefused => Cleared::Partial,
    };
    let report = engine::clear_report(content, working.locale, cleared);
    state.delivery.edit(bot, chat, newest, &report, Priority::Normal).await
}

/// Deletes what Telegram allows below `newest`; returns how it ended and
/// the calls made.
async fn sweep(bot: &Tg, delivery: &Delivery, chat: ChatId, newest: MessageId) -> (ClearOutcome, u32) {
    let mut sweep = Sweep::below(newest.0);
    loop {
        let ids: Vec<MessageId> = match sweep.step() {
            Step::Delete(range) => range.map(MessageId).collect(),
            Step::Finished(ending) => {
                let outcome = match ending {
                    Ending::ChatStart => ClearOutcome::ChatStart,
                    Ending::Older => ClearOutcome::OlderKept,
                    Ending::Bound => ClearOutcome::Bound,
                };
                return (outcome, sweep.calls());
            }
        };
        match delivery.delete(bot, chat, &ids).await {
            Ok(answer) => sweep.answer(answer),
            Err(failure) => {
                if let Failure::Failed(error) = &failure {
                    tracing::warn!(error = %error_kind(error), "clearing stopped");
                }
                return (ClearOutcome::Failed, sweep.calls() + 1);
            }
        }
    }
}
