//! Realistic updates, as Telegram would send them, for tests to inject.

use serde_json::{Value, json};

/// A person talking to the bot. Tests assert that none of these fields ever
/// reach the bot's logs.
#[derive(Clone, Debug)]
pub struct TestUser {
    pub id: i64,
    pub first_name: String,
    pub username: Option<String>,
    pub language_code: Option<String>,
}

impl TestUser {
    pub fn new(id: i64, first_name: &str, username: Option<&str>, language_code: Option<&str>) -> Self {
        TestUser {
            id,
            first_name: first_name.to_owned(),
            username: username.map(String::from),
            language_code: language_code.map(String::from),
        }
    }

    pub fn json(&self) -> Value {
        let mut user = json!({ "id": self.id, "is_bot": false, "first_name": self.first_name });
        if let Some(username) = &self.username {
            user["username"] = json!(username);
        }
        if let Some(code) = &self.language_code {
            user["language_code"] = json!(code);
        }
        user
    }
}

/// Where a message is sent: a private chat with the user, or a group.
#[derive(Clone, Debug)]
pub struct TestChat {
    pub id: i64,
    json: Value,
}

impl TestChat {
    pub fn private(user: &TestUser) -> Self {
        let mut chat = json!({ "id": user.id, "type": "private", "first_name": user.first_name });
        if let Some(username) = &user.username {
            chat["username"] = json!(username);
        }
        TestChat {
            id: user.id,
            json: chat,
        }
    }

    pub fn group(id: i64, title: &str) -> Self {
        TestChat {
            id,
            json: json!({ "id": id, "type": "supergroup", "title": title }),
        }
    }

    pub fn json(&self) -> &Value {
        &self.json
    }
}

pub fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}

/// A message from `user` in `chat` with `content` fields (text, voice, ...).
pub fn message(chat: &TestChat, user: &TestUser, message_id: i64, content: Value) -> Value {
    let mut message = json!({ "message_id": message_id, "date": now(), "chat": chat.json(), "from": user.json() });
    if let (Some(target), Some(source)) = (message.as_object_mut(), content.as_object()) {
        target.extend(source.clone());
    }
    message
}

/// The `entities` of a text that starts with a command.
pub fn command_entities(text: &str) -> Value {
    let command_len: usize = text
        .split_whitespace()
        .next()
        .unwrap_or_default()
        .chars()
        .map(char::len_utf16)
        .sum();
    json!([{ "type": "bot_command", "offset": 0, "length": command_len }])
}

pub fn voice() -> Value {
    json!({ "voice": { "file_id": "user-voice", "file_unique_id": "uv", "duration": 4, "mime_type": "audio/ogg", "file_size": 4000 } })
}

pub fn photo() -> Value {
    json!({ "photo": [{ "file_id": "user-photo", "file_unique_id": "up", "width": 90, "height": 90, "file_size": 900 }] })
}

pub fn document(file_name: &str) -> Value {
    json!({ "document": { "file_id": "user-document", "file_unique_id": "ud", "file_name": file_name,
        "mime_type": "application/octet-stream", "file_size": 1000 } })
}

pub fn sticker() -> Value {
    json!({ "sticker": { "file_id": "user-sticker", "file_unique_id": "us", "type": "regular", "width": 512,
        "height": 512, "is_animated": false, "is_video": false } })
}
