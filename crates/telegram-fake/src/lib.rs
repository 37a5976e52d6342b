//! A fake Telegram Bot API server for overdose-bot's end-to-end tests and
//! load driver. It listens on 127.0.0.1 only, answers like Telegram, checks
//! every request against the Bot API spec and Telegram's limits (recording
//! violations instead of failing, so a test sees all of them), keeps each
//! chat as the person would see it (edits applied, deletions under
//! Telegram's 48-hour rule), and injects faults on request. It never
//! answers 5xx unless told to: teloxide backs off for seconds on 5xx.
//!
//! ```no_run
//! # async fn example() {
//! use telegram_fake::{FakeTelegram, TestChat, TestUser};
//! let telegram = FakeTelegram::start().await;
//! // point the bot at telegram.url() with TELOXIDE_API_URL, token telegram.token()
//! let user = TestUser::new(1001, "Alice", Some("alice"), Some("en"));
//! telegram.send_text(&TestChat::private(&user), &user, "/start");
//! # }
//! ```

mod html;
mod limits;
mod server;
mod spec;
mod state;
mod updates;
mod webhook;

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::{Value, json};
use tokio::sync::{Notify, oneshot};

pub use server::Arrival;
pub use state::{Fault, Recorded, ViewButton, ViewMessage};
pub use updates::{TestChat, TestUser};

use server::Inner;
use state::State;

/// The token tests give the bot; any other token is "Unauthorized".
pub const TEST_TOKEN: &str = "123456:TEST-token_for-the-fake";

/// A running fake; stops when dropped.
pub struct FakeTelegram {
    inner: Arc<Inner>,
    address: SocketAddr,
    stop: Option<oneshot::Sender<()>>,
}

impl FakeTelegram {
    /// Starts a fake accepting [`TEST_TOKEN`] on 127.0.0.1 and a free port.
    pub async fn start() -> Self {
        Self::start_with_token(TEST_TOKEN).await
    }

    pub async fn start_with_token(token: &str) -> Self {
        let (arrivals, _) = tokio::sync::broadcast::channel(65_536);
        let inner = Arc::new(Inner {
            token: token.to_owned(),
            state: Mutex::new(State::default()),
            changed: Notify::new(),
            arrivals,
            webhook_connections: Arc::new(tokio::sync::Semaphore::new(webhook::MAX_CONNECTIONS)),
            held: tokio::sync::Semaphore::new(0),
        });
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind 127.0.0.1:0");
        let address = listener.local_addr().expect("local address");
        let (stop, stopped) = oneshot::channel::<()>();
        let app = server::router(inner.clone());
        tokio::spawn(async move {
            let _ = axum::serve(listener, app)
                .with_graceful_shutdown(async move {
                    let _ = stopped.await;
                })
                .await;
        });
        FakeTelegram {
            inner,
            address,
            stop: Some(stop),
        }
    }

    /// The value for `TELOXIDE_API_URL`.
    pub fn url(&self) -> String {
        format!("http://{}", self.address)
    }

    pub fn token(&self) -> &str {
        &self.inner.token
    }

    /// The next request of `method` (`"*"`: of any method) gets `fault`.
    pub fn fail_next(&self, method: &str, fault: Fault) {
        self.inner
            .lock()
            .faults
            .entry(method.to_owned())
            .or_default()
            .push_back(fault);
    }

    /// The next request of `method` to `chat` gets `fault`; other chats'
    /// requests pass.
    pub fn fail_next_to(&self, method: &str, chat: i64, fault: Fault) {
        self.inner
            .lock()
            .faults
            .entry(state::fault_key(method, chat))
            .or_default()
            .push_back(fault);
    }

    /// A stream of requests as they arrive (from now on).
    pub fn arrivals(&self) -> tokio::sync::broadcast::Receiver<Arrival> {
        self.inner.arrivals.subscribe()
    }

    /// Every request so far, in order.
    pub fn requests(&self) -> Vec<Recorded> {
        self.inner.lock().requests.clone()
    }

    pub fn requests_of(&self, method: &str) -> Vec<Recorded> {
        self.inner
            .lock()
            .requests
            .iter()
            .filter(|r| r.method == method)
            .cloned()
            .collect()
    }

    /// Every spec or limit violation, prefixed with its method.
    pub fn violations(&self) -> Vec<String> {
        self.inner
            .lock()
            .requests
            .iter()
            .flat_map(|r| r.violations.iter().map(move |v| format!("{}: {v}", r.method)))
            .collect()
    }

    /// Telegram becomes unreachable for `length` from the next request of
    /// `method` on (that request included): every connection is closed
    /// unanswered, getUpdates too, as in a network outage.
    pub fn outage_from_next(&self, method: &str, length: Duration) {
        self.inner.lock().outage = Some(state::Outage {
            trigger: Some(method.to_owned()),
            length,
            until: None,
        });
    }

    /// How many requests got an injected fault (errors, drops, outage).
    pub fn faults_injected(&self) -> usize {
        self.inner.lock().requests.iter().filter(|r| r.fault.is_some()).count()
    }

    /// The chat as the person sees it.
    pub fn chat(&self, chat: &TestChat) -> Vec<ViewMessage> {
        self.inner.lock().chats.get(&chat.id).cloned().unwrap_or_default()
    }

    /// Moves the messages of `chat` up to `message_id` back in time by
    /// `age`, as if the person had talked to the bot that long ago (the bot
    /// may delete a message only within 48 hours of its sending).
    pub fn backdate(&self, chat: &TestChat, message_id: i64, age: Duration) {
        let mut state = self.inner.lock();
        for message in state.chats.entry(chat.id).or_default() {
            if message.message_id <= message_id {
                message.date -= age.as_secs() as i64;
            }
        }
    }

    /// Makes `user` an administrator of the group `chat` (getChatMember
    /// answers `administrator`; everyone else is a `member`).
    pub fn make_admin(&self, chat: &TestChat, user: &TestUser) {
        self.inner.lock().admins.entry(chat.id).or_default().insert(user.id);
    }

    /// The names of the bot's commands for `scope` (a `BotCommandScope`
    /// as JSON) in `language_code` ("" for all languages), as last set.
    pub fn commands(&self, scope: &Value, language_code: &str) -> Vec<String> {
        let key = (state::scope_key(scope), language_code.to_owned());
        self.inner
            .lock()
            .commands
            .get(&key)
            .into_iter()
            .flatten()
            .filter_map(|c| c["command"].as_str().map(String::from))
            .collect()
    }

    /// The bot's latest message in `chat`.
    pub fn last_bot_message(&self, chat: &TestChat) -> Option<ViewMessage> {
        self.chat(chat).into_iter().rev().find(|m| m.from_bot)
    }

    /// The person writes `text` (a `/command` gets its bot_command entity).
    pub fn send_text(&self, chat: &TestChat, user: &TestUser, text: &str) -> i64 {
        let mut state = self.inner.lock();
        let message_id = state.user_message(chat.id, text, None, None);
        let mut content = json!({ "text": text });
        if text.starts_with('/') {
            content["entities"] = updates::command_entities(text);
        }
        let update = json!({ "message": updates::message(chat, user, message_id, content) });
        self.push(state, update)
    }

    /// The person edits an earlier message to `text`.
    pub fn edit_text(&self, chat: &TestChat, user: &TestUser, message_id: i64, text: &str) -> i64 {
        let mut message = updates::message(chat, user, message_id, json!({ "text": text }));
        message["edit_date"] = json!(updates::now());
        let state = self.inner.lock();
        self.push(state, json!({ "edited_message": message }))
    }

    /// The person edits `message_id`, a reply to `reply_to`, to `text`:
    /// Telegram repeats the replied-to message in the edit.
    pub fn edit_reply(&self, chat: &TestChat, user: &TestUser, message_id: i64, reply_to: i64, text: &str) -> i64 {
        let state = self.inner.lock();
        let mut message = updates::message(chat, user, message_id, json!({ "text": text }));
        message["edit_date"] = json!(updates::now());
        if let Some(replied) = server::current_message_json(&state, chat.id, reply_to) {
            message["reply_to_message"] = replied;
        }
        self.push(state, json!({ "edited_message": message }))
    }

    pub fn send_voice(&self, chat: &TestChat, user: &TestUser) -> i64 {
        self.send_content(chat, user, "(voice)", updates::voice())
    }

    pub fn send_photo(&self, chat: &TestChat, user: &TestUser) -> i64 {
        self.send_content(chat, user, "(photo)", updates::photo())
    }

    pub fn send_sticker(&self, chat: &TestChat, user: &TestUser) -> i64 {
        self.send_content(chat, user, "(sticker)", updates::sticker())
    }

    /// The person taps the button labelled `label` on the bot's latest
    /// message that has it. Errors if no message has such a button.
    pub fn press(&self, chat: &TestChat, user: &TestUser, label: &str) -> Result<i64, String> {
        let state = self.inner.lock();
        let messages = state.chats.get(&chat.id).cloned().unwrap_or_default();
        let (message_id, data) = messages
            .iter()
            .rev()
            .filter(|m| m.from_bot)
            .find_map(|m| {
                m.button(label)
                    .and_then(|b| b.callback_data.clone())
                    .map(|d| (m.message_id, d))
            })
            .ok_or_else(|| format!("no button {label:?} in the chat"))?;
        drop(state);
        Ok(self.press_data(chat, user, message_id, &data))
    }

    /// The person taps a button with `data` under message `message_id`
    /// (any data: tests forge and replay old buttons with this).
    pub fn press_data(&self, chat: &TestChat, user: &TestUser, message_id: i64, data: &str) -> i64 {
        let state = self.inner.lock();
        let message = server::current_message_json(&state, chat.id, message_id).unwrap_or_else(
            || json!({ "message_id": message_id, "date": updates::now(), "chat": chat.json(), "text": "(gone)" }),
        );
        let id = format!("cb-{}", state.next_update_id + 1);
        let update = json!({ "callback_query": {
            "id": id, "from": user.json(), "message": message, "chat_instance": "ci-1", "data": data } });
        self.push(state, update)
    }

    /// The person types `@bot query` in any chat.
    pub fn inline_query(&self, user: &TestUser, query: &str) -> i64 {
        let state = self.inner.lock();
        let id = format!("iq-{}", state.next_update_id + 1);
        self.push(
            state,
            json!({ "inline_query": { "id": id, "from": user.json(), "query": query, "offset": "" } }),
        )
    }

    /// Lets one request held by `Fault::Held` be answered (the oldest
    /// waiting, or the next to arrive).
    pub fn release_held(&self) {
        self.inner.held.add_permits(1);
    }

    /// Injects a raw update; returns its update_id.
    pub fn push_update(&self, update: Value) -> i64 {
        let state = self.inner.lock();
        self.push(state, update)
    }

    /// Waits until `condition` holds for the recorded requests, or fails
    /// after `timeout` saying `what` did not happen. There is no wait for
    /// quiet: a check that something does not happen sends a sentinel and
    /// waits for its answer (a quiet window passes falsely under load).
    pub async fn wait_for(
        &self,
        what: &str,
        timeout: Duration,
        condition: impl Fn(&[Recorded]) -> bool,
    ) -> Result<(), String> {
        let deadline = tokio::time::Instant::now() + timeout;
        loop {
            let notified = self.inner.changed.notified();
            tokio::pin!(notified);
            notified.as_mut().enable();
            // A snapshot, so the condition may call back into the fake.
            let requests = self.inner.lock().requests.clone();
            if condition(&requests) {
                return Ok(());
            }
            if tokio::time::timeout_at(deadline, notified).await.is_err() {
                return Err(format!("timed out after {timeout:?} waiting for {what}"));
            }
        }
    }

    /// Waits until `count` requests of `method` were made in total.
    pub async fn wait_for_calls(&self, method: &str, count: usize, timeout: Duration) -> Result<(), String> {
        self.wait_for(&format!("{count} × {method}"), timeout, |requests| {
            requests.iter().filter(|r| r.method == method).count() >= count
        })
        .await
    }

    fn send_content(&self, chat: &TestChat, user: &TestUser, shown: &str, content: Value) -> i64 {
        self.send_in_reply(chat, user, None, shown, content)
    }

    /// The person replies to message `reply_to` of `chat` (swiping on it, or
    /// because the bot asked with ForceReply) with `text`.
    pub fn reply_text(&self, chat: &TestChat, user: &TestUser, reply_to: i64, text: &str) -> i64 {
        self.send_in_reply(chat, user, Some(reply_to), text, json!({ "text": text }))
    }

    /// The person replies to message `reply_to` with a voice message.
    pub fn reply_voice(&self, chat: &TestChat, user: &TestUser, reply_to: i64) -> i64 {
        self.send_in_reply(chat, user, Some(reply_to), "(voice)", updates::voice())
    }

    /// The person replies to message `reply_to` with a file named `file_name`.
    pub fn reply_document(&self, chat: &TestChat, user: &TestUser, reply_to: i64, file_name: &str) -> i64 {
        self.send_in_reply(chat, user, Some(reply_to), "(document)", updates::document(file_name))
    }

    /// The bot's latest message in `chat` that asked for a reply (ForceReply).
    pub fn last_prompt(&self, chat: &TestChat) -> Option<ViewMessage> {
        self.chat(chat).into_iter().rev().find(|m| m.from_bot && m.force_reply)
    }

    fn send_in_reply(
        &self,
        chat: &TestChat,
        user: &TestUser,
        reply_to: Option<i64>,
        shown: &str,
        content: Value,
    ) -> i64 {
        let mut state = self.inner.lock();
        let media = ["voice", "photo"].iter().find_map(|kind| {
            let file = &content[*kind];
            let id = file["file_id"].as_str().or_else(|| file[0]["file_id"].as_str())?;
            Some(((*kind).to_owned(), id.to_owned()))
        });
        let message_id = state.user_message(chat.id, shown, media, reply_to);
        let mut message = updates::message(chat, user, message_id, content);
        if let Some(replied) = reply_to.and_then(|id| server::current_message_json(&state, chat.id, id)) {
            message["reply_to_message"] = replied;
        }
        self.push(state, json!({ "message": message }))
    }

    /// Queues `update` for getUpdates, or POSTs it to the webhook if one is set.
    fn push(&self, mut state: std::sync::MutexGuard<'_, State>, update: Value) -> i64 {
        let id = state.push_update(update);
        if let Some(webhook) = state.webhook.clone() {
            let update = state.updates.pop().expect("just pushed");
            webhook::deliver(webhook, update, self.inner.webhook_connections.clone());
        }
        drop(state);
        self.inner.changed.notify_waiters();
        id
    }
}

impl Drop for FakeTelegram {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

/// Waits this long at most for the bot in most test steps.
pub const STEP_TIMEOUT: Duration = Duration::from_secs(10);
