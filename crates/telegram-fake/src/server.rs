//! The HTTP side: `/bot<token>/<method>` for every method, parameters from
//! JSON, form, query or multipart bodies, answers shaped like Telegram's.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::body::Bytes;
use axum::extract::{FromRequest, Multipart, Path, Request, State as AxumState};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value, json};
use tokio::sync::Notify;

use crate::limits;
use crate::spec::spec;
use crate::state::{Fault, Recorded, State, ViewMessage, buttons_of};

/// Longest a getUpdates call waits for new updates, whatever its timeout,
/// so tests and shutdowns never wait long.
const MAX_LONG_POLL: Duration = Duration::from_secs(1);

pub struct Inner {
    pub token: String,
    pub state: Mutex<State>,
    /// Woken on every request and every injected update.
    pub changed: Notify,
    /// Every request as it arrives, for load drivers that cannot afford to
    /// scan the whole record on each one.
    pub arrivals: tokio::sync::broadcast::Sender<Arrival>,
    /// Bounds simultaneous webhook deliveries.
    pub webhook_connections: Arc<tokio::sync::Semaphore>,
    /// Permits for requests held by `Fault::Held`, one per release.
    pub held: tokio::sync::Semaphore,
}

/// A request as it arrived: which method, for which chat, when.
#[derive(Clone, Debug)]
pub struct Arrival {
    pub method: String,
    pub chat_id: Option<i64>,
    /// `callback_query_id` / `inline_query_id`, for answers without a chat.
    pub query_id: Option<String>,
    pub at: Instant,
}

impl Inner {
    /// Locks the state. std Mutex: never held across `.await`.
    pub fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }
}

pub fn router(inner: Arc<Inner>) -> axum::Router {
    axum::Router::new()
        .route("/{token}/{method}", axum::routing::any(handle))
        .with_state(inner)
}

fn ok(result: Value) -> Response {
    axum::Json(json!({ "ok": true, "result": result })).into_response()
}

fn error(status: u16, description: &str, retry_after: Option<u32>) -> Response {
    let mut body = json!({ "ok": false, "error_code": status, "description": description });
    if let Some(seconds) = retry_after {
        body["parameters"] = json!({ "retry_after": seconds });
    }
    (
        StatusCode::from_u16(status).unwrap_or(StatusCode::BAD_REQUEST),
        axum::Json(body),
    )
        .into_response()
}

async fn handle(
    AxumState(inner): AxumState<Arc<Inner>>,
    Path((token, method)): Path<(String, String)>,
    request: Request,
) -> Response {
    if token.strip_prefix("bot") != Some(inner.token.as_str()) {
        return error(401, "Unauthorized", None);
    }
    let Some(canonical) = spec().method(&method).map(str::to_owned) else {
        record(
            &inner,
            Recorded {
                method: method.clone(),
                params: Value::Null,
                uploads: Vec::new(),
                violations: vec![format!("unknown method `{method}`")],
                fault: None,
                at: Instant::now(),
            },
        );
        return error(404, "Not Found: method not found", None);
    };
    let arrived = Instant::now();
    let (params, uploads, mut violations) = parse_params(&canonical, request).await;
    let _ = inner.arrivals.send(Arrival {
        method: canonical.clone(),
        chat_id: params["chat_id"].as_i64(),
        query_id: params["callback_query_id"]
            .as_str()
            .or(params["inline_query_id"].as_str())
            .map(String::from),
        at: arrived,
    });
    violations.extend(spec().check_method(&canonical, &params, &uploads));
    violations.extend(limits::check(&canonical, &params));
    if inner.lock().unreachable(&canonical) {
        record(
            &inner,
            Recorded {
                method: canonical,
                params,
                uploads,
                violations,
                fault: Some(Fault::Unreachable),
                at: arrived,
            },
        );
        // A short pause, as a refused connection would take, then no answer.
        tokio::time::sleep(Duration::from_millis(20)).await;
        std::panic::resume_unwind(Box::new("telegram unreachable"))
    }
    let chat = params.get("chat_id").and_then(serde_json::Value::as_i64);
    let fault = inner.lock().take_fault(&canonical, chat);
    let recorded = Recorded {
        method: canonical.clone(),
        params: params.clone(),
        uploads: uploads.clone(),
        violations,
        fault: fault.clone(),
        at: arrived,
    };
    match fault {
        None if canonical == "getUpdates" => {
            record(&inner, recorded);
            get_updates(&inner, &params).await
        }
        None => {
            // Applied before it is recorded: a test that saw the request
            // also sees its effect on the chat.
            let response = answer(&inner, &canonical, &params, &uploads);
            record(&inner, recorded);
            response
        }
        Some(Fault::Held) => {
            record(
                &inner,
                Recorded {
                    fault: None,
                    ..recorded.clone()
                },
            );
            if let Ok(permit) = inner.held.acquire().await {
                permit.forget();
            }
            let response = answer(&inner, &canonical, &params, &uploads);
            inner.changed.notify_waiters();
            response
        }
        Some(Fault::Delay(delay)) => {
            record(
                &inner,
                Recorded {
                    fault: None,
                    ..recorded.clone()
                },
            );
            tokio::time::sleep(delay).await;
            let response = answer(&inner, &canonical, &params, &uploads);
            inner.changed.notify_waiters();
            response
        }
        Some(Fault::DropConnection(delay)) => {
            record(&inner, recorded);
            tokio::time::sleep(delay).await;
            // Unwinding drops hyper's connection task: the client sees the
            // connection closed without an answer. resume_unwind does not
            // run the panic hook, so nothing is printed.
            std::panic::resume_unwind(Box::new("dropped connection"))
        }
        Some(fault) => {
            record(&inner, recorded);
            let (status, description) = fault.error().unwrap_or((500, "fault".to_owned()));
            let retry_after = match fault {
                Fault::RetryAfter(seconds) => Some(seconds),
                _ => None,
            };
            error(status, &description, retry_after)
        }
    }
}

fn record(inner: &Inner, recorded: Recorded) {
    inner.lock().requests.push(recorded);
    inner.changed.notify_waiters();
}

/// Parameters as JSON, whatever the encoding; multipart text fields are
/// typed by the spec (`reply_markup` is JSON inside a text part).
async fn parse_params(method: &str, request: Request) -> (Value, Vec<String>, Vec<String>) {
    let content_type = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let query = request.uri().query().unwrap_or_default().to_owned();
    let mut params = Map::new();
    let mut uploads = Vec::new();
    let mut violations = Vec::new();
    for (key, value) in form_pairs(&query) {
        params.insert(key.clone(), typed(method, &key, value));
    }
    if content_type.starts_with("multipart/form-data") {
        match Multipart::from_request(request, &()).await {
            Ok(mut multipart) => loop {
                match multipart.next_field().await {
                    Ok(Some(field)) => {
                        let name = field.name().unwrap_or_default().to_owned();
                        if field.file_name().is_some() {
                            uploads.push(name);
                            let _ = field.bytes().await;
                        } else {
                            let text = field.text().await.unwrap_or_default();
                            params.insert(name.clone(), typed(method, &name, text));
                        }
                    }
                    Ok(None) => break,
                    Err(e) => {
                        violations.push(format!("malformed multipart body: {e}"));
                        break;
                    }
                }
            },
            Err(e) => violations.push(format!("malformed multipart body: {e}")),
        }
    } else {
        let body = Bytes::from_request(request, &()).await.unwrap_or_default();
        if content_type.starts_with("application/json") {
            match serde_json::from_slice::<Value>(&body) {
                Ok(Value::Object(object)) => params.extend(object),
                Ok(_) => violations.push("JSON body is not an object".to_owned()),
                Err(e) => violations.push(format!("malformed JSON body: {e}")),
            }
        } else if !body.is_empty() {
            for (key, value) in form_pairs(&String::from_utf8_lossy(&body)) {
                params.insert(key.clone(), typed(method, &key, value));
            }
        }
    }
    (Value::Object(params), uploads, violations)
}

fn form_pairs(text: &str) -> Vec<(String, String)> {
    text.split('&')
        .filter(|p| !p.is_empty())
        .map(|pair| {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            (decode(k), decode(v))
        })
        .collect()
}

fn decode(text: &str) -> String {
    let bytes = text.replace('+', " ").into_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && let Some(byte) = bytes
                .get(i + 1..i + 3)
                .and_then(|h| u8::from_str_radix(std::str::from_utf8(h).ok()?, 16).ok())
        {
            out.push(byte);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// A text parameter as the JSON value its declared type expects.
fn typed(method: &str, field: &str, text: String) -> Value {
    let types = spec().field_types(method, field);
    let wants = |t: &str| types.iter().any(|ty| ty == t);
    if wants("Integer")
        && let Ok(n) = text.parse::<i64>()
    {
        return json!(n);
    }
    if (wants("Boolean") || wants("True")) && (text == "true" || text == "false") {
        return json!(text == "true");
    }
    if wants("Float")
        && let Ok(f) = text.parse::<f64>()
    {
        return json!(f);
    }
    let structured = types.iter().any(|t| {
        !matches!(
            t.as_str(),
            "String" | "Integer" | "Boolean" | "Float" | "True" | "InputFile"
        )
    });
    if structured
        && let Ok(value) = serde_json::from_str::<Value>(&text)
        && (value.is_object() || value.is_array())
    {
        return value;
    }
    Value::String(text)
}

async fn get_updates(inner: &Inner, params: &Value) -> Response {
    let offset = params["offset"].as_i64().unwrap_or(0);
    // Telegram returns at most `limit` (1-100, default 100) updates per call.
    let limit = params["limit"].as_u64().unwrap_or(100).clamp(1, 100) as usize;
    let timeout = Duration::from_secs(params["timeout"].as_u64().unwrap_or(0)).min(MAX_LONG_POLL);
    let deadline = tokio::time::Instant::now() + timeout;
    loop {
        let notified = inner.changed.notified();
        tokio::pin!(notified);
        notified.as_mut().enable();
        let pending: Vec<Value> = {
            let mut state = inner.lock();
            state.updates.retain(|u| u["update_id"].as_i64().unwrap_or(0) >= offset);
            state.updates.iter().take(limit).cloned().collect()
        };
        if !pending.is_empty() || tokio::time::Instant::now() >= deadline {
            return ok(Value::Array(pending));
        }
        let _ = tokio::time::timeout_at(deadline, notified).await;
    }
}

/// The bot as a message's `from`.
fn bot_user() -> Value {
    json!({ "id": 777000111, "is_bot": true, "first_name": "Overdose Help", "username": "overdose_test_bot" })
}

/// The bot as getMe describes it.
fn me() -> Value {
    let mut me = bot_user();
    for (field, value) in [
        ("can_join_groups", true),
        ("can_read_all_group_messages", false),
        ("supports_inline_queries", true),
        ("can_connect_to_business", false),
        ("has_main_web_app", false),
    ] {
        me[field] = json!(value);
    }
    me
}

fn chat_json(chat: i64) -> Value {
    if chat < 0 {
        json!({ "id": chat, "type": "supergroup", "title": "Group" })
    } else {
        json!({ "id": chat, "type": "private", "first_name": "User" })
    }
}

fn message_json(chat: i64, message: &ViewMessage) -> Value {
    let from = if message.from_bot {
        bot_user()
    } else {
        json!({ "id": chat.abs(), "is_bot": false, "first_name": "User" })
    };
    let mut json =
        json!({ "message_id": message.message_id, "date": message.date, "chat": chat_json(chat), "from": from });
    match &message.media {
        Some((kind, file_id)) => {
            let (caption, links) = match message.html {
                true => {
                    crate::html::parse_with_links(&message.text).unwrap_or_else(|_| (message.text.clone(), Vec::new()))
                }
                false => (message.text.clone(), Vec::new()),
            };
            json["caption"] = json!(caption);
            if !links.is_empty() {
                json["caption_entities"] = json!(links);
            }
            json[kind.as_str()] = match kind.as_str() {
                "photo" => {
                    json!([{ "file_id": file_id, "file_unique_id": format!("u{file_id}"), "width": 640, "height": 480, "file_size": 1000 }])
                }
                _ => {
                    json!({ "file_id": file_id, "file_unique_id": format!("u{file_id}"), "duration": 30, "mime_type": "audio/ogg", "file_size": 1000 })
                }
            };
        }
        None => {
            let (text, links) = match message.html {
                true => {
                    crate::html::parse_with_links(&message.text).unwrap_or_else(|_| (message.text.clone(), Vec::new()))
                }
                false => (message.text.clone(), Vec::new()),
            };
            json["text"] = json!(text);
            if !links.is_empty() {
                json["entities"] = json!(links);
            }
        }
    }
    if !message.buttons.is_empty() {
        let rows: Vec<Value> = message
            .buttons
            .iter()
            .map(|row| {
                Value::Array(
                    row.iter()
                        .map(|b| match (&b.callback_data, &b.url) {
                            (Some(data), _) => json!({ "text": b.label, "callback_data": data }),
                            (None, Some(url)) => json!({ "text": b.label, "url": url }),
                            _ => json!({ "text": b.label }),
                        })
                        .collect(),
                )
            })
            .collect();
        json["reply_markup"] = json!({ "inline_keyboard": rows });
    }
    json
}

/// The JSON of message `message_id` in `chat` as it is now (for callback updates).
pub fn current_message_json(state: &State, chat: i64, message_id: i64) -> Option<Value> {
    state.message(chat, message_id).map(|m| message_json(chat, m))
}

fn answer(inner: &Inner, method: &str, params: &Value, uploads: &[String]) -> Response {
    let chat = params["chat_id"].as_i64().unwrap_or(0);
    let mut state = inner.lock();
    match method {
        "getMe" => ok(me()),
        "sendMessage" => {
            let message = ViewMessage {
                message_id: state.new_message_id(),
                from_bot: true,
                text: params["text"].as_str().unwrap_or_default().to_owned(),
                html: params["parse_mode"] == "HTML",
                buttons: buttons_of(&params["reply_markup"]),
                reply_to: params["reply_parameters"]["message_id"].as_i64(),
                force_reply: params["reply_markup"]["force_reply"] == true,
                date: crate::updates::now(),
                ..ViewMessage::default()
            };
            let json = message_json(chat, &message);
            state.chats.entry(chat).or_default().push(message);
            ok(json)
        }
        "sendPhoto" | "sendAudio" | "sendVoice" | "sendDocument" => {
            let kind = method.trim_start_matches("send").to_lowercase();
            // An upload arrives as a file part referenced by `attach://<part>`.
            let given = params[kind.as_str()].as_str().unwrap_or_default();
            let file_id = if given.starts_with("attach://") || uploads.contains(&kind) {
                state.new_file_id(&kind)
            } else {
                given.to_owned()
            };
            let message = ViewMessage {
                message_id: state.new_message_id(),
                from_bot: true,
                text: params["caption"].as_str().unwrap_or_default().to_owned(),
                html: params["parse_mode"] == "HTML",
                buttons: buttons_of(&params["reply_markup"]),
                media: Some((kind, file_id)),
                date: crate::updates::now(),
                ..ViewMessage::default()
            };
            let json = message_json(chat, &message);
            state.chats.entry(chat).or_default().push(message);
            ok(json)
        }
        "editMessageText" | "editMessageCaption" | "editMessageReplyMarkup" => {
            if params.get("inline_message_id").is_some() {
                return ok(json!(true));
            }
            let message_id = params["message_id"].as_i64().unwrap_or(0);
            let Some(message) = state.message_mut(chat, message_id).filter(|m| m.from_bot) else {
                return error(400, "Bad Request: message to edit not found", None);
            };
            let text = match method {
                "editMessageText" => params["text"].as_str().map(String::from),
                "editMessageCaption" => params["caption"].as_str().map(String::from),
                _ => None,
            };
            if method == "editMessageText" && message.media.is_some() {
                return error(400, "Bad Request: there is no text in the message to edit", None);
            }
            let buttons = buttons_of(&params["reply_markup"]);
            if text.as_ref().is_none_or(|t| *t == message.text) && buttons == message.buttons {
                return error(
                    400,
                    "Bad Request: message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message",
                    None,
                );
            }
            if let Some(text) = text {
                message.text = text;
            }
            message.buttons = buttons;
            message.edits += 1;
            let message = message.clone();
            ok(message_json(chat, &message))
        }
        "copyMessage" => {
            let from = params["from_chat_id"].as_i64().unwrap_or(0);
            let source_id = params["message_id"].as_i64().unwrap_or(0);
            let Some(source) = state.message(from, source_id).cloned() else {
                return error(400, "Bad Request: message to copy not found", None);
            };
            let message = ViewMessage {
                message_id: state.new_message_id(),
                from_bot: true,
                buttons: buttons_of(&params["reply_markup"]),
                reply_to: params["reply_parameters"]["message_id"].as_i64(),
                date: crate::updates::now(),
                ..source
            };
            let id = message.message_id;
            state.chats.entry(chat).or_default().push(message);
            ok(json!({ "message_id": id }))
        }
        "setWebhook" => {
            state.webhook = params["url"]
                .as_str()
                .filter(|u| !u.is_empty())
                .map(|url| crate::state::Webhook {
                    url: url.to_owned(),
                    secret: params["secret_token"].as_str().map(String::from),
                });
            ok(json!(true))
        }
        "deleteWebhook" => {
            state.webhook = None;
            ok(json!(true))
        }
        "getWebhookInfo" => {
            let url = state.webhook.as_ref().map_or("", |w| w.url.as_str());
            ok(json!({ "url": url, "has_custom_certificate": false, "pending_update_count": 0 }))
        }
        "deleteMessage" => {
            let message_id = params["message_id"].as_i64().unwrap_or(0);
            if state.message(chat, message_id).is_none() {
                return error(400, "Bad Request: message to delete not found", None);
            }
            match state.delete_messages(chat, &[message_id], crate::updates::now()) {
                Ok(()) => ok(json!(true)),
                Err(refusal) => error(400, refusal, None),
            }
        }
        "deleteMessages" => {
            let ids: Vec<i64> = params["message_ids"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(Value::as_i64)
                .collect();
            if ids.is_empty() {
                return error(400, "Bad Request: message identifiers are not specified", None);
            }
            match state.delete_messages(chat, &ids, crate::updates::now()) {
                Ok(()) => ok(json!(true)),
                Err(refusal) => error(400, refusal, None),
            }
        }
        "setMyCommands" | "deleteMyCommands" | "getMyCommands" => {
            let key = (
                crate::state::scope_key(&params["scope"]),
                params["language_code"].as_str().unwrap_or_default().to_owned(),
            );
            match method {
                "setMyCommands" => {
                    let commands = params["commands"].as_array().cloned().unwrap_or_default();
                    // An empty list is how Telegram deletes one, too.
                    if commands.is_empty() {
                        state.commands.remove(&key);
                    } else {
                        state.commands.insert(key, commands);
                    }
                    ok(json!(true))
                }
                "deleteMyCommands" => {
                    state.commands.remove(&key);
                    ok(json!(true))
                }
                _ => ok(json!(state.commands.get(&key).cloned().unwrap_or_default())),
            }
        }
        "getChatMember" => {
            let user = params["user_id"].as_i64().unwrap_or(0);
            let user_json = json!({ "id": user, "is_bot": false, "first_name": "User" });
            if chat > 0 && chat != user {
                return error(400, "Bad Request: user not found", None);
            }
            let admin = state.admins.get(&chat).is_some_and(|admins| admins.contains(&user));
            ok(if admin {
                json!({
                    "status": "administrator", "user": user_json, "can_be_edited": false,
                    "is_anonymous": false, "can_manage_chat": true, "can_delete_messages": true,
                    "can_manage_video_chats": true, "can_restrict_members": true,
                    "can_promote_members": false, "can_change_info": true, "can_invite_users": true,
                    "can_post_stories": false, "can_edit_stories": false, "can_delete_stories": false,
                })
            } else {
                json!({ "status": "member", "user": user_json })
            })
        }
        _ => ok(json!(true)),
    }
}
