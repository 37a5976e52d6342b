//! Which engine input a Telegram message is, if any. Pure: no I/O.

use teloxide::types::Message;

use crate::content::{TURN_OFF, TURN_ON};
use crate::engine::{GroupAsk, Input, MessageKind};

/// The engine input for a message in a private chat: every message is
/// one, except a command addressed to another bot.
pub fn from_message<'m>(message: &'m Message, bot_username: &str) -> Option<Input<'m>> {
    match message.text().map(str::trim) {
        Some(text) if text.starts_with('/') => command_input(message, bot_username),
        Some(text) => Some(Input::Text { text }),
        None => Some(Input::Unsupported {
            kind: unreadable_kind(message),
            caption: message.caption(),
            message: Some(message.id.0),
        }),
    }
}

/// What a group message says to the bot.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GroupInput<'m> {
    /// A command or a mention: answered with a short public answer.
    Ask(GroupAsk<'m>),
    /// `/bot_off` or `/bot_on`: for the group's admins.
    TurnOff,
    TurnOn,
}

/// What a group message asks of the bot, or `None` when it is not for the
/// bot: only commands (its own or unaddressed) and messages that mention
/// it are; edits never are (an edited command must not answer twice).
pub fn from_group_message<'m>(message: &'m Message, bot_username: &str) -> Option<GroupInput<'m>> {
    if message.edit_date().is_some() {
        return None;
    }
    let text = message.text()?.trim();
    if text.starts_with('/') {
        let (name, argument) = command(message, bot_username)?;
        return Some(match name.as_str() {
            TURN_OFF => GroupInput::TurnOff,
            TURN_ON => GroupInput::TurnOn,
            _ => GroupInput::Ask(GroupAsk::Command {
                name: command_name(text),
                argument,
            }),
        });
    }
    let mention = format!("@{bot_username}");
    let at = text.find(&mention)?;
    Some(GroupInput::Ask(GroupAsk::Mention {
        text: text[at + mention.len()..].trim(),
    }))
}

/// The name of the command `text` starts with, as written (without `/` and
/// `@bot`); the engine compares it in lowercase.
fn command_name(text: &str) -> &str {
    let command = &text[1..];
    let end = command
        .find(|c: char| c.is_whitespace() || c == '@')
        .unwrap_or(command.len());
    &command[..end]
}

/// The command `message` gives this bot, lowercased, with its argument:
/// `/oncall@this_bot` -> ("oncall", ""). Commands for other bots are not ours.
pub fn command<'m>(message: &'m Message, bot_username: &str) -> Option<(String, &'m str)> {
    let command = message.text()?.trim().strip_prefix('/')?;
    let (name, argument) = command.split_once(char::is_whitespace).unwrap_or((command, ""));
    let (name, addressee) = name.split_once('@').map_or((name, None), |(n, a)| (n, Some(a)));
    if !addressee.is_none_or(|a| a.eq_ignore_ascii_case(bot_username)) {
        return None;
    }
    Some((name.to_ascii_lowercase(), argument.trim()))
}

/// `/start payload`, `/help@this_bot`, ...; unknown commands get the help screen.
fn command_input<'m>(message: &'m Message, bot_username: &str) -> Option<Input<'m>> {
    let (name, argument) = command(message, bot_username)?;
    Some(match name.as_str() {
        "start" => Input::Start {
            payload: Some(argument).filter(|a| !a.is_empty()),
        },
        "about" => Input::About,
        "privacy" => Input::Privacy,
        "language" => Input::Language,
        _ => Input::Help,
    })
}

fn unreadable_kind(message: &Message) -> MessageKind {
    if message.voice().is_some() || message.audio().is_some() || message.video_note().is_some() {
        MessageKind::Voice
    } else if message.photo().is_some() || message.video().is_some() || message.animation().is_some() {
        MessageKind::Photo
    } else {
        MessageKind::Other
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn message(chat: serde_json::Value, content: serde_json::Value) -> Message {
        let mut json = serde_json::json!({
            "message_id": 7,
            "date": 1_700_000_000,
            "chat": chat,
            "from": { "id": 42, "is_bot": false, "first_name": "Anon", "language_code": "ru" },
        });
        json.as_object_mut()
            .unwrap()
            .extend(content.as_object().unwrap().clone());
        serde_json::from_value(json).expect("a valid message")
    }

    fn private(content: serde_json::Value) -> Message {
        message(
            serde_json::json!({ "id": 42, "type": "private", "first_name": "Anon" }),
            content,
        )
    }

    fn group(content: serde_json::Value) -> Message {
        message(
            serde_json::json!({ "id": -100123, "type": "supergroup", "title": "Friends" }),
            content,
        )
    }

    fn text(text: &str) -> serde_json::Value {
        serde_json::json!({ "text": text })
    }

    #[test]
    fn private_commands_text_and_media() {
        let bot = "overdose_test_bot";
        assert_eq!(
            from_message(&private(text("/start")), bot),
            Some(Input::Start { payload: None })
        );
        assert_eq!(
            from_message(&private(text("/start naloxone")), bot),
            Some(Input::Start {
                payload: Some("naloxone")
            })
        );
        assert_eq!(from_message(&private(text("/language")), bot), Some(Input::Language));
        assert_eq!(
            from_message(&private(text("/about@overdose_test_bot")), bot),
            Some(Input::About)
        );
        assert_eq!(from_message(&private(text("/whatever")), bot), Some(Input::Help));
        assert_eq!(
            from_message(&private(text(" не дышит ")), bot),
            Some(Input::Text {
                text: "не дышит"
            })
        );
        let voice = serde_json::json!({ "voice": { "file_id": "v", "file_unique_id": "u", "duration": 3, "mime_type": "audio/ogg", "file_size": 100 } });
        assert_eq!(
            from_message(&private(voice), bot),
            Some(Input::Unsupported {
                kind: MessageKind::Voice,
                caption: None,
                message: Some(7),
            })
        );
        let sticker = serde_json::json!({ "sticker": { "file_id": "s", "file_unique_id": "u", "type": "regular",
            "width": 512, "height": 512, "is_animated": false, "is_video": false } });
        assert_eq!(
            from_message(&private(sticker), bot),
            Some(Input::Unsupported {
                kind: MessageKind::Other,
                caption: None,
                message: Some(7),
            })
        );
    }

    #[test]
    fn groups_get_answers_only_to_commands_and_mentions() {
        let bot = "overdose_test_bot";
        let said = |text: &str| group(serde_json::json!({ "text": text }));
        let ask = |message: &Message| from_group_message(message, bot).map(|input| format!("{input:?}"));
        let ask = |text: &str| ask(&said(text));
        let expect = |input: GroupInput<'_>| Some(format!("{input:?}"));
        assert_eq!(ask("hello all"), None);
        assert_eq!(ask("/start@other_bot"), None);
        assert_eq!(
            ask("/start@overdose_test_bot naloxone"),
            expect(GroupInput::Ask(GroupAsk::Command {
                name: "start",
                argument: "naloxone"
            }))
        );
        assert_eq!(
            ask("/Bus"),
            expect(GroupInput::Ask(GroupAsk::Command {
                name: "Bus",
                argument: ""
            }))
        );
        assert_eq!(
            ask("@overdose_test_bot налоксон"),
            expect(GroupInput::Ask(GroupAsk::Mention {
                text: "налоксон"
            }))
        );
        assert_eq!(ask("/bot_off@overdose_test_bot"), expect(GroupInput::TurnOff));
        assert_eq!(ask("/BOT_ON"), expect(GroupInput::TurnOn));
        let voice = serde_json::json!({ "voice": { "file_id": "v", "file_unique_id": "u", "duration": 3, "mime_type": "audio/ogg", "file_size": 100 } });
        assert_eq!(from_group_message(&group(voice), bot), None);
        let edited = serde_json::json!({ "text": "/bus", "edit_date": 1_700_000_100 });
        assert_eq!(
            from_group_message(&group(edited), bot),
            None,
            "an edit never answers twice"
        );
    }
}
