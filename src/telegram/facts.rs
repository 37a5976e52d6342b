//! Reads a Telegram update into the plain facts `crate::router` decides on:
//! who, in what kind of chat, under or in reply to which of the bot's
//! messages. Decides nothing itself.

use teloxide::types::{CallbackQuery, InlineKeyboardButtonKind, Me, Message, MessageEntityKind};

use super::input;
use crate::handoff::Desks;
use crate::handoff::flow::{Said, Sender};
use crate::payload::Tap;
use crate::router::{MessageFacts, Place, Replied, TapFacts, Under};

/// The facts of a tap. `html` is the card tapped under, as [`card_html`]
/// rendered it.
pub fn tap<'a>(query: &'a CallbackQuery, desks: Option<&Desks>, html: Option<&'a str>) -> TapFacts<'a> {
    TapFacts {
        data: query.data.as_deref().unwrap_or_default(),
        user: query.from.id.0 as i64,
        language: query.from.language_code.as_deref(),
        lines: desks.is_some(),
        under: query.message.as_ref().map(|message| Under {
            chat: message.chat().id.0,
            place: place(message.chat(), desks),
            id: message.id().0,
            date: message.regular_message().map_or_else(Default::default, |m| m.date),
            shown: message.regular_message().is_some(),
            html,
            buttons: query.regular_message().map(keyboard_data).unwrap_or_default(),
        }),
    }
}

/// The HTML text of the card a case button was tapped under, while
/// Telegram still shows it to the bot. Only a case tap edits the message
/// it was tapped under by its text, so no other tap pays for rendering it.
pub fn card_html(query: &CallbackQuery) -> Option<String> {
    use teloxide::utils::render::RenderMessageTextHelper;
    let data = query.data.as_deref().unwrap_or_default();
    if !matches!(Tap::parse(data), Tap::Case { .. }) {
        return None;
    }
    query.regular_message().map(|m| m.html_text().unwrap_or_default())
}

/// The `start` payloads of the links in the bot's message a reply answers.
pub fn start_links(message: &Message) -> Vec<String> {
    let Some(replied) = message.reply_to_message() else {
        return Vec::new();
    };
    let entities = replied.entities().or(replied.caption_entities()).unwrap_or_default();
    entities
        .iter()
        .filter_map(|entity| match &entity.kind {
            MessageEntityKind::TextLink { url } => {
                Some(url.query_pairs().find(|(key, _)| key == "start")?.1.into_owned())
            }
            _ => None,
        })
        .collect()
}

/// The facts of a message. `links` are its reply's [`start_links`];
/// `command` is [`input::command`]'s reading of it.
pub fn message<'a>(
    message: &'a Message,
    me: &Me,
    desks: Option<&Desks>,
    links: &'a [String],
    command: Option<&'a (String, &'a str)>,
) -> MessageFacts<'a> {
    let private = message.chat.is_private();
    let replied = message
        .reply_to_message()
        .filter(|replied| replied.from.as_ref().map(|u| u.id) == Some(me.id))
        .map(|replied| Replied {
            buttons: keyboard_data(replied),
            start_links: links.iter().map(String::as_str).collect(),
        });
    MessageFacts {
        place: place(&message.chat, desks),
        lines: desks.is_some(),
        from: sender(message),
        said: said(message),
        replied,
        command: command.map(|(name, argument)| (name.as_str(), *argument)),
        input: if private {
            input::from_message(message, me.username())
        } else {
            None
        },
    }
}

fn place(chat: &teloxide::types::Chat, desks: Option<&Desks>) -> Place {
    if chat.is_private() {
        Place::Private
    } else if desks.is_some_and(|desks| desks.iter().any(|desk| desk.roster.duty_chat() == chat.id.0)) {
        Place::DutyChat
    } else {
        Place::Group
    }
}

/// The callback data of `message`'s inline buttons.
pub fn keyboard_data(message: &Message) -> Vec<&str> {
    message
        .reply_markup()
        .into_iter()
        .flat_map(|markup| markup.inline_keyboard.iter().flatten())
        .filter_map(|b| match &b.kind {
            InlineKeyboardButtonKind::CallbackData(data) => Some(data.as_str()),
            _ => None,
        })
        .collect()
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
