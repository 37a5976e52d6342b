//! Which engine input a Telegram message is, if any. Pure: no I/O.

use teloxide::types::Message;

use crate::engine::{Input, MessageKind};

/// The engine input for `message`, or `None` when the bot should stay quiet:
/// in groups it answers only commands and messages that mention it; in a
/// private chat it answers everything.
pub fn from_message<'m>(message: &'m Message, bot_username: &str) -> Option<Input<'m>> {
    let private = message.chat.is_private();
    let text = message.text().map(str::trim);
    if let Some(text) = text {
        if text.starts_with('/') {
            return command_input(message, bot_username);
        }
        if private {
            return Some(Input::Text { text });
        }
        let mention = format!("@{bot_username}");
        return text.find(&mention).map(|at| Input::Text {
            text: text[at + mention.len()..].trim(),
        });
    }
    private.then(|| Input::Unsupported {
        kind: unreadable_kind(message),
        caption: message.caption(),
        message: Some(message.id.0),
    })
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
        assert_eq!(from_message(&group(text("hello all")), bot), None);
        assert_eq!(from_message(&group(text("/start@other_bot")), bot), None);
        assert_eq!(
            from_message(&group(text("/start@overdose_test_bot")), bot),
            Some(Input::Start { payload: None })
        );
        assert_eq!(from_message(&group(text("/help")), bot), Some(Input::Help));
        assert_eq!(
            from_message(&group(text("@overdose_test_bot налоксон")), bot),
            Some(Input::Text {
                text: "налоксон"
            })
        );
        let voice = serde_json::json!({ "voice": { "file_id": "v", "file_unique_id": "u", "duration": 3, "mime_type": "audio/ogg", "file_size": 100 } });
        assert_eq!(from_message(&group(voice), bot), None);
    }
}
