//! The lines (the doctors', the outreach workers') over Telegram: which
//! updates belong to them, read into the facts of a `handoff::flow::Event`.
//! The flow decides (and `Desks::lines_for` which line); `plans` carries
//! the plan out.
//!
//! - "Write your question" (callback [`Prefix::Ask`]) gets a prompt the
//!   person answers with a reply (ForceReply). Its topic link carries the
//!   position, so the reply alone says where the person came from.
//! - A reply to that prompt is a question; a reply to a case card or a
//!   copied question is a doctor's answer; a reply to an answer (or to its
//!   "write back" prompt) is a follow-up. Which it is, is read from the
//!   bot's message it replies to: its buttons or its link.

use teloxide::prelude::*;
use teloxide::types::{Me, MessageEntityKind};

use super::delivery::Tg;
use super::plans::carry_out;
use super::state::BotState;
use crate::content::Content;
use crate::engine::CallbackData;
use crate::handoff::flow::{Card, Command, Event, Said, Sender};
use crate::handoff::{Desks, parse_case_button, ticket_in};
use crate::payload::{DeepLink, Prefix};

/// A message that belongs to the doctors' line.
#[derive(Debug, PartialEq, Eq)]
pub enum Incoming {
    /// A reply to a question prompt; the position the person asked from.
    Question { position: String },
    /// A reply to an answer or to its "write back" prompt: a doctor's ticket.
    FollowUp { ticket: String },
    /// A reply to a case card or a copied question: a person's ticket.
    Answer { ticket: String },
}

/// Which handoff message `message` is, judged by the bot's message it replies to.
pub fn classify(message: &Message, me: &Me) -> Option<Incoming> {
    let replied = message.reply_to_message()?;
    if replied.from.as_ref().map(|u| u.id) != Some(me.id) {
        return None;
    }
    {
        let data = keyboard_data(replied);
        if let Some((_, ticket)) = ticket_in(data.iter().copied()) {
            return Some(Incoming::Answer {
                ticket: ticket.to_owned(),
            });
        }
        let write_back = data.iter().find_map(|d| match Prefix::of_callback(d) {
            Some((Prefix::WriteBack, ticket)) => Some(ticket),
            _ => None,
        });
        if let Some(ticket) = write_back {
            return Some(Incoming::FollowUp {
                ticket: ticket.to_owned(),
            });
        }
    }
    let entities = replied.entities().or(replied.caption_entities()).unwrap_or_default();
    entities.iter().find_map(|entity| {
        let MessageEntityKind::TextLink { url } = &entity.kind else {
            return None;
        };
        let payload = url.query_pairs().find(|(key, _)| key == "start")?.1.into_owned();
        // The bot's own prompts link to tokens, never to pages; a prompt sent
        // before the menu prefix changed carries the old one, which the
        // callback codec still reads.
        match DeepLink::parse(Some(&payload), |_| None::<()>) {
            DeepLink::WriteBack(ticket) => Some(Incoming::FollowUp {
                ticket: ticket.to_owned(),
            }),
            _ if CallbackData::decode(&payload).is_ok() => Some(Incoming::Question { position: payload }),
            _ => None,
        }
    })
}

/// The callback data of `message`'s inline buttons.
pub fn keyboard_data(message: &Message) -> Vec<&str> {
    message
        .reply_markup()
        .into_iter()
        .flat_map(|markup| markup.inline_keyboard.iter().flatten())
        .filter_map(|b| match &b.kind {
            teloxide::types::InlineKeyboardButtonKind::CallbackData(data) => Some(data.as_str()),
            _ => None,
        })
        .collect()
}

/// Whether one of `message`'s buttons is of kind `prefix`.
fn carries(message: &Message, prefix: Prefix) -> bool {
    keyboard_data(message)
        .iter()
        .any(|data| Prefix::of_callback(data).is_some_and(|(p, _)| p == prefix))
}

/// `/start W<ticket>`: the link in a follow-up prompt was tapped. A page's
/// id is never one, whatever letter it starts with.
pub fn follow_up_link<'a>(content: &Content, payload: &'a str) -> Option<&'a str> {
    match DeepLink::parse(Some(payload), |id| content.node_by_id(id)) {
        DeepLink::WriteBack(ticket) => Some(ticket),
        _ => None,
    }
}

/// The follow-up link was tapped: the prompt again, ready for a reply.
pub async fn on_follow_up_link(bot: &Tg, state: &BotState, desks: &Desks, me: &Me, message: &Message, ticket: &str) {
    let event = Event::WriteBack {
        from: sender(message),
        ticket,
        tapped: false,
    };
    carry_out(bot, state, desks, me.username(), None, event).await;
}

/// A message [`classify`] recognised.
pub async fn on_incoming(bot: &Tg, state: &BotState, desks: &Desks, me: &Me, message: &Message, incoming: Incoming) {
    let (from, said) = (sender(message), said(message));
    let event = match &incoming {
        Incoming::Question { position } => Event::Question { from, said, position },
        Incoming::FollowUp { ticket } => Event::FollowUp { from, said, ticket },
        Incoming::Answer { ticket } => Event::Answer { from, said, ticket },
    };
    carry_out(bot, state, desks, me.username(), None, event).await;
}

/// `/oncall`, `/roster`, `/reload`.
pub async fn on_command(bot: &Tg, state: &BotState, desks: &Desks, me: &Me, message: &Message, command: Command) {
    let event = Event::Command {
        from: sender(message),
        command,
        message: message.id.0,
    };
    carry_out(bot, state, desks, me.username(), None, event).await;
}

/// A tap on a button of the line. False for data that is not the line's.
pub async fn on_callback(bot: &Tg, state: &BotState, desks: &Desks, me: &Me, query: &CallbackQuery) -> bool {
    let data = query.data.as_deref().unwrap_or_default();
    let (Some(message), Some((prefix, rest))) = (&query.message, Prefix::of_callback(data)) else {
        return false;
    };
    let from = Sender {
        user: query.from.id.0 as i64,
        chat: message.chat().id.0,
        private: message.chat().is_private(),
        language: query.from.language_code.as_deref(),
    };
    let html = query.regular_message().map(|m| {
        use teloxide::utils::render::RenderMessageTextHelper;
        m.html_text().unwrap_or_default()
    });
    let event = match prefix {
        Prefix::Feedback => Event::Feedback {
            from,
            answer: rest,
            // Only the question that asked for it is edited: a forged tap
            // on a card or an answer must not overwrite it.
            message: query
                .regular_message()
                .filter(|m| carries(m, Prefix::Feedback))
                .map(|m| m.id.0),
        },
        Prefix::SendToDoctor => Event::SendToDoctor { from, message: rest },
        Prefix::Ask => Event::Ask { from, position: rest },
        Prefix::WriteBack => Event::WriteBack {
            from,
            ticket: rest,
            tapped: true,
        },
        _ => match parse_case_button(data) {
            Some((action, ticket)) => Event::CaseTap {
                from,
                action,
                ticket,
                card: query.regular_message().zip(html.as_deref()).map(|(m, html)| Card {
                    chat: m.chat.id.0,
                    id: m.id.0,
                    html,
                    date: m.date,
                    buttons: keyboard_data(m),
                }),
            },
            None => return false,
        },
    };
    carry_out(bot, state, desks, me.username(), Some(&query.id), event).await;
    true
}

/// Who sent `message`, where.
fn sender(message: &Message) -> Sender<'_> {
    let user = message.from.as_ref();
    Sender {
        // The question limit counts the person, not the chat.
        user: user.map_or(message.chat.id.0, |u| u.id.0 as i64),
        chat: message.chat.id.0,
        private: message.chat.is_private(),
        language: user.and_then(|u| u.language_code.as_deref()),
    }
}

fn said(message: &Message) -> Said<'_> {
    Said {
        id: message.id.0,
        text: message.text().or(message.caption()).unwrap_or_default(),
        relayable: relayable(message),
        edited: message.edit_date().is_some(),
        date: message.date,
        replied: message.reply_to_message().map(|m| (m.id.0, m.date)),
    }
}

/// The kinds of message the line copies: what a person or doctor can open
/// safely. Files (an `.apk` once got through), stickers, contacts and
/// locations are refused with a hint.
fn relayable(message: &Message) -> bool {
    message.text().is_some()
        || message.photo().is_some()
        || message.voice().is_some()
        || message.video_note().is_some()
        || message.audio().is_some()
}
