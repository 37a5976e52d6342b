//! Group chats: every command or mention for the bot gets a short public
//! answer (`engine::group_answer`) with a URL button that opens the whole
//! page in a private chat; `/bot_off` and `/bot_on` from the group's
//! admins switch it off and on (`group_switch`). Nothing a person wrote is
//! posted or logged, nor who wrote it; no question starts here (the
//! doctors' line is private).

use std::time::Instant;

use teloxide::prelude::*;
use teloxide::types::{ChatMemberKind, InlineKeyboardButton, InlineKeyboardMarkup, Me, UpdateKind};

use super::delivery::{Failure, Tg, error_kind};
use super::input::{self, GroupInput};
use super::pacing::Priority;
use super::shared_lane::Class;
use super::state::BotState;
use crate::content::Content;
use crate::engine::{self, GroupAnswer, GroupAsk};

/// Answers `message`, sent in a group, if it is for the bot.
pub async fn on_message(bot: &Tg, state: &BotState, me: &Me, message: &Message) {
    let Some(said) = input::from_group_message(message, me.username()) else {
        return;
    };
    let started = Instant::now();
    let content = state.content.load_full();
    let locale = content.negotiate(message.from.as_ref().and_then(|u| u.language_code.as_deref()));
    let ui = content.ui(locale);
    let chat = message.chat.id;
    let switch = &state.group_switch;
    let (shown, outcome) = match said {
        GroupInput::Ask(ask) => {
            if switch.is_off(bot, chat).await {
                tracing::debug!(update = "group", "the bot is off in this group");
                return;
            }
            let answer = engine::group_answer(&content, locale, ask);
            let shown = content.node(answer.node).id();
            (shown, send_answer(bot, state, &content, me, chat, &answer).await)
        }
        GroupInput::TurnOff | GroupInput::TurnOn => {
            let turn_off = said == GroupInput::TurnOff;
            if !is_admin(bot, message).await {
                // A group that asked for silence gets none of it broken.
                if switch.is_off(bot, chat).await {
                    return;
                }
                let refusal = state
                    .delivery
                    .send_short(bot, chat, &ui.group.admins_only, None, Priority::Normal)
                    .await;
                ("(group switch refused)", refusal.map(drop))
            } else {
                let switched = if turn_off {
                    switch.turn_off(bot, chat, &ui.group.command_on).await
                } else {
                    switch.turn_on(bot, chat).await
                };
                if let Err(error) = switched {
                    tracing::warn!(update = "group", error = %error_kind(&error), "cannot switch the bot in a group");
                    return;
                }
                let text = if turn_off { &ui.group.off } else { &ui.group.on };
                let sent = state.delivery.send_short(bot, chat, text, None, Priority::Normal).await;
                (if turn_off { "(group off)" } else { "(group on)" }, sent.map(drop))
            }
        }
    };
    let metrics = &state.delivery.metrics;
    metrics.screen(shown);
    metrics.handled(started.elapsed());
    let micros = started.elapsed().as_micros() as u64;
    match outcome {
        Ok(()) => tracing::info!(update = "group", shown, micros, "answered"),
        Err(Failure::RecipientGone) => tracing::info!(update = "group", shown, micros, "the bot left the group"),
        Err(Failure::Failed(error)) => {
            tracing::warn!(update = "group", shown, error = %error_kind(&error), micros, "delivery failed")
        }
    }
}

/// How `update`, from a group or the duty chat, waits while the chat is
/// busy (`admission`): words for the bot that describe an emergency go
/// first, then what a roster member sends (never dropped), then the rest;
/// a message neither for the bot nor a reply to it does not wait at all.
pub fn waiting_class(state: &BotState, bot_username: &str, update: &Update) -> Class {
    if let UpdateKind::Message(message) | UpdateKind::EditedMessage(message) = &update.kind {
        let reply_to_bot = message
            .reply_to_message()
            .and_then(|replied| replied.from.as_ref())
            .is_some_and(|author| author.username.as_deref() == Some(bot_username));
        let words = match input::from_group_message(message, bot_username) {
            Some(GroupInput::Ask(GroupAsk::Command { argument, .. })) => Some(argument),
            Some(GroupInput::Ask(GroupAsk::Mention { text })) => Some(text),
            Some(GroupInput::TurnOff | GroupInput::TurnOn) => None,
            None if !reply_to_bot => return Class::Unaddressed,
            None => None,
        };
        if words.is_some_and(|words| state.content.load().is_emergency(words)) {
            return Class::Emergency;
        }
    }
    let member = update
        .from()
        .zip(state.desks())
        .is_some_and(|(user, desks)| desks.iter().any(|desk| desk.roster.is_member(user.id.0 as i64)));
    if member { Class::Member } else { Class::Other }
}

/// The short answer with its button to `t.me/<bot>?start=<page>`.
async fn send_answer(
    bot: &Tg,
    state: &BotState,
    content: &Content,
    me: &Me,
    chat: ChatId,
    answer: &GroupAnswer<'_>,
) -> Result<(), Failure> {
    let link = format!("https://t.me/{}?start={}", me.username(), answer.link);
    let keyboard = url::Url::parse(&link)
        .ok()
        .map(|url| InlineKeyboardMarkup::new([[InlineKeyboardButton::url(answer.open, url)]]));
    let priority = if answer.node == content.emergency() {
        Priority::Emergency
    } else {
        Priority::Normal
    };
    state
        .delivery
        .send_short(bot, chat, &answer.text.html, keyboard, priority)
        .await
        .map(drop)
}

/// Whether the sender may switch the bot in this group: its creator or an
/// administrator (asked of Telegram each time: rare, and never stale), or
/// an anonymous admin writing as the group itself.
async fn is_admin(bot: &Tg, message: &Message) -> bool {
    if message.sender_chat.as_ref().is_some_and(|c| c.id == message.chat.id) {
        return true;
    }
    let Some(user) = &message.from else {
        return false;
    };
    match bot.get_chat_member(message.chat.id, user.id).await {
        Ok(member) => matches!(member.kind, ChatMemberKind::Owner(_) | ChatMemberKind::Administrator(_)),
        Err(error) => {
            tracing::warn!(update = "group", error = %error_kind(&error), "cannot check a group admin");
            false
        }
    }
}
