//! What the fake remembers: every request, the updates waiting to be
//! fetched, injected faults, and each chat as the person would see it.

use std::collections::{HashMap, VecDeque};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

/// A request the bot made, with what the fake found wrong with it.
#[derive(Clone, Debug)]
pub struct Recorded {
    /// Canonical method name, or the name as requested when unknown.
    pub method: String,
    pub params: Value,
    /// Names of uploaded files (multipart), e.g. `photo`.
    pub uploads: Vec<String>,
    pub violations: Vec<String>,
    /// The fault injected into this request's answer, if any.
    pub fault: Option<Fault>,
    pub at: Instant,
}

/// A failure the next matching request gets instead of success.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Fault {
    /// 429 with `parameters.retry_after`.
    RetryAfter(u32),
    NotModified,
    MessageToEditNotFound,
    MessageCantBeEdited,
    BotBlocked,
    ChatNotFound,
    /// 500; only when a test asks (teloxide backs off for seconds on 5xx).
    ServerError,
    /// Answers normally, after this long. Recorded without a fault: the
    /// request itself succeeds.
    Delay(Duration),
    /// Answers normally once the test calls `FakeTelegram::release_held`:
    /// a slow call whose length the test decides, with no race against a
    /// clock. Recorded without a fault.
    Held,
    /// Never answers: the connection is closed after the delay, as a dead
    /// network would (the client sees an error, not a response).
    DropConnection(Duration),
    /// Recorded for requests that arrived during an outage (see
    /// `FakeTelegram::outage_from_next`): the connection was closed at once.
    Unreachable,
}

impl Fault {
    /// HTTP status and description Telegram gives for this fault.
    pub fn error(&self) -> Option<(u16, String)> {
        Some(match self {
            Fault::RetryAfter(seconds) => (429, format!("Too Many Requests: retry after {seconds}")),
            Fault::NotModified => (400, "Bad Request: message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message".to_owned()),
            Fault::MessageToEditNotFound => (400, "Bad Request: message to edit not found".to_owned()),
            Fault::MessageCantBeEdited => (400, "Bad Request: message can't be edited".to_owned()),
            Fault::BotBlocked => (403, "Forbidden: bot was blocked by the user".to_owned()),
            Fault::ChatNotFound => (400, "Bad Request: chat not found".to_owned()),
            Fault::ServerError => (500, "Internal Server Error".to_owned()),
            Fault::Delay(_) | Fault::Held | Fault::DropConnection(_) | Fault::Unreachable => return None,
        })
    }
}

/// One inline button as the person sees it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ViewButton {
    pub label: String,
    pub callback_data: Option<String>,
    pub url: Option<String>,
}

/// One message in a chat, with edits applied.
#[derive(Clone, Debug, Default)]
pub struct ViewMessage {
    pub message_id: i64,
    pub from_bot: bool,
    /// Text or caption, as sent (HTML when the bot used parse_mode HTML).
    pub text: String,
    /// Whether `text` is HTML (sent with parse_mode HTML).
    pub html: bool,
    pub buttons: Vec<Vec<ViewButton>>,
    /// `photo`, `audio` or `voice` with its file_id.
    pub media: Option<(String, String)>,
    /// How many times the bot edited it.
    pub edits: u32,
    /// The message this one replies to.
    pub reply_to: Option<i64>,
    /// Sent with ForceReply: the person's client opens a reply to it.
    pub force_reply: bool,
    /// When it was sent, in Unix seconds (Telegram's `date`): the 48-hour
    /// rule of deletions reads it.
    pub date: i64,
}

impl ViewMessage {
    pub fn labels(&self) -> Vec<String> {
        self.buttons.iter().flatten().map(|b| b.label.clone()).collect()
    }

    pub fn button(&self, label: &str) -> Option<&ViewButton> {
        self.buttons.iter().flatten().find(|b| b.label == label)
    }
}

/// How long after sending a bot may still delete a message for everyone.
pub const DELETE_WINDOW_SECONDS: i64 = 48 * 60 * 60;

#[derive(Default)]
pub struct State {
    pub requests: Vec<Recorded>,
    pub updates: Vec<Value>,
    pub next_update_id: i64,
    pub faults: HashMap<String, VecDeque<Fault>>,
    pub chats: HashMap<i64, Vec<ViewMessage>>,
    pub next_message_id: i64,
    pub next_file: u64,
    /// Set by setWebhook: updates are then POSTed there instead of queued.
    pub webhook: Option<Webhook>,
    pub outage: Option<Outage>,
    /// The bot's command lists, by scope and language code (setMyCommands).
    pub commands: HashMap<(String, String), Vec<Value>>,
    /// Each group's administrators (getChatMember), as a test made them.
    pub admins: HashMap<i64, std::collections::HashSet<i64>>,
}

/// The key a `BotCommandScope` is stored under: its type and the chat and
/// user it names (Telegram keeps one list per scope and language).
pub fn scope_key(scope: &Value) -> String {
    let id = |field: &str| match &scope[field] {
        Value::Null => String::new(),
        Value::String(text) => text.clone(),
        other => other.to_string(),
    };
    let kind = scope["type"].as_str().unwrap_or("default");
    format!("{kind}:{}:{}", id("chat_id"), id("user_id"))
}

/// Telegram unreachable: every request's connection is closed unanswered.
#[derive(Clone, Debug)]
pub struct Outage {
    /// Starts when a request of this method arrives (`None`: already started).
    pub trigger: Option<String>,
    pub length: Duration,
    pub until: Option<Instant>,
}

/// Where and how to deliver updates, as setWebhook asked.
#[derive(Clone, Debug)]
pub struct Webhook {
    pub url: String,
    pub secret: Option<String>,
}

impl State {
    /// The fault for the next request of `method` (to `chat`, when it
    /// names one), if one is queued: one queued for that chat first.
    pub fn take_fault(&mut self, method: &str, chat: Option<i64>) -> Option<Fault> {
        let for_chat = chat.map(|chat| fault_key(method, chat));
        for key in for_chat.iter().map(String::as_str).chain([method, "*"]) {
            if let Some(fault) = self.faults.get_mut(key).and_then(VecDeque::pop_front) {
                return Some(fault);
            }
        }
        None
    }

    /// Whether a request of `method` arriving now meets an outage (and
    /// starts a pending one it triggers).
    pub fn unreachable(&mut self, method: &str) -> bool {
        let now = Instant::now();
        let Some(outage) = &mut self.outage else {
            return false;
        };
        if outage.until.is_none() && outage.trigger.as_deref().is_none_or(|t| t == method) {
            outage.until = Some(now + outage.length);
        }
        match outage.until {
            Some(until) if now < until => true,
            Some(_) => {
                self.outage = None;
                false
            }
            None => false,
        }
    }

    pub fn push_update(&mut self, mut update: Value) -> i64 {
        self.next_update_id += 1;
        update["update_id"] = json!(self.next_update_id);
        self.updates.push(update);
        self.next_update_id
    }

    /// A message the person sends; returns its message_id.
    pub fn user_message(
        &mut self,
        chat: i64,
        text: &str,
        media: Option<(String, String)>,
        reply_to: Option<i64>,
    ) -> i64 {
        let id = self.new_message_id();
        self.chats.entry(chat).or_default().push(ViewMessage {
            message_id: id,
            text: text.to_owned(),
            media,
            reply_to,
            date: crate::updates::now(),
            ..ViewMessage::default()
        });
        id
    }

    /// Deletes the messages `ids` of `chat` as Telegram does for a bot at
    /// Unix time `now`: ids not in that chat are skipped (another chat's
    /// messages are never touched), and if any message found may not be
    /// deleted (sent more than 48 hours ago, or in a group someone else's,
    /// the fake bot being no admin) the whole call is refused and nothing
    /// is deleted. Returns the refusal's description.
    pub fn delete_messages(&mut self, chat: i64, ids: &[i64], now: i64) -> Result<(), &'static str> {
        let Some(messages) = self.chats.get_mut(&chat) else {
            return Ok(());
        };
        let forbidden = messages
            .iter()
            .filter(|m| ids.contains(&m.message_id))
            .any(|m| now - m.date > DELETE_WINDOW_SECONDS || (chat < 0 && !m.from_bot));
        if forbidden {
            return Err("Bad Request: message can't be deleted for everyone");
        }
        messages.retain(|m| !ids.contains(&m.message_id));
        Ok(())
    }

    pub fn new_message_id(&mut self) -> i64 {
        self.next_message_id += 1;
        self.next_message_id
    }

    pub fn new_file_id(&mut self, kind: &str) -> String {
        self.next_file += 1;
        format!("fake-{kind}-{}", self.next_file)
    }

    pub fn message(&self, chat: i64, message_id: i64) -> Option<&ViewMessage> {
        self.chats.get(&chat)?.iter().find(|m| m.message_id == message_id)
    }

    pub fn message_mut(&mut self, chat: i64, message_id: i64) -> Option<&mut ViewMessage> {
        self.chats
            .get_mut(&chat)?
            .iter_mut()
            .find(|m| m.message_id == message_id)
    }
}

/// Buttons of a `reply_markup` parameter.
pub fn buttons_of(markup: &Value) -> Vec<Vec<ViewButton>> {
    markup["inline_keyboard"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|row| {
            row.as_array()
                .into_iter()
                .flatten()
                .map(|b| ViewButton {
                    label: b["text"].as_str().unwrap_or_default().to_owned(),
                    callback_data: b["callback_data"].as_str().map(String::from),
                    url: b["url"].as_str().map(String::from),
                })
                .collect()
        })
        .collect()
}

/// The key of faults queued for one chat's requests of `method`.
pub fn fault_key(method: &str, chat: i64) -> String {
    format!("{method}@{chat}")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Messages `ids` in `chat`, sent `age` seconds before `NOW`, by the bot or not.
    fn state_with(chats: &[(i64, &[i64], i64, bool)]) -> State {
        let mut state = State::default();
        for &(chat, ids, age, from_bot) in chats {
            for &id in ids {
                state.chats.entry(chat).or_default().push(ViewMessage {
                    message_id: id,
                    from_bot,
                    date: NOW - age,
                    ..ViewMessage::default()
                });
            }
        }
        state
    }

    const NOW: i64 = 1_800_000_000;
    const ALICE: i64 = 1;
    const BOB: i64 = 2;
    const GROUP: i64 = -100;

    fn ids(state: &State, chat: i64) -> Vec<i64> {
        state.chats[&chat].iter().map(|m| m.message_id).collect()
    }

    #[test]
    fn deletes_only_that_chats_messages_and_skips_unknown_ids() {
        let mut state = state_with(&[(ALICE, &[1, 3, 5], 60, false), (BOB, &[2, 4], 60, true)]);
        assert_eq!(state.delete_messages(ALICE, &[1, 2, 3, 4, 99], NOW), Ok(()));
        assert_eq!(ids(&state, ALICE), [5]);
        assert_eq!(ids(&state, BOB), [2, 4], "ids of another chat are untouched");
    }

    #[test]
    fn one_message_older_than_48_hours_refuses_the_whole_call() {
        let mut state = state_with(&[
            (ALICE, &[1, 2], DELETE_WINDOW_SECONDS + 1, true),
            (ALICE, &[3, 4], 60, true),
        ]);
        assert!(state.delete_messages(ALICE, &[2, 3, 4], NOW).is_err());
        assert_eq!(ids(&state, ALICE), [1, 2, 3, 4], "nothing deleted");
        assert_eq!(state.delete_messages(ALICE, &[3, 4], NOW), Ok(()));
        assert_eq!(ids(&state, ALICE), [1, 2]);
    }

    #[test]
    fn in_a_group_only_the_bots_own_messages_may_go() {
        let mut state = state_with(&[(GROUP, &[1], 60, true), (GROUP, &[2], 60, false)]);
        assert!(state.delete_messages(GROUP, &[1, 2], NOW).is_err());
        assert_eq!(state.delete_messages(GROUP, &[1], NOW), Ok(()));
        assert_eq!(ids(&state, GROUP), [2]);
    }
}
