//! The doctors' line over Telegram. Decisions come from `crate::handoff`;
//! this file reads updates and sends.
//!
//! - "Write your question" (callback `a…`) sends a prompt the client answers
//!   with a reply (ForceReply). Its topic link carries the position, so the
//!   reply alone says where the person came from: no state.
//! - A reply to that prompt is a question: a case card plus a copy of the
//!   message go to the doctor on duty or the duty chat, both with buttons
//!   holding the person's sealed ticket.
//! - A doctor's reply to a card or copy is an answer: copied to the person
//!   with a "Write back" button holding the doctor's sealed ticket; a reply
//!   to that (or to its prompt) is a follow-up, threaded under the case.
//!
//! Logs and metrics name steps and outcomes, never a chat, a name or a text.

use chrono::Utc;
use teloxide::prelude::*;
use teloxide::types::{ForceReply, Me, MessageEntityKind, MessageId, ReplyMarkup};

use super::delivery::{Failure, Tg};
use super::handlers::BotState;
use super::keyboard::rows;
use crate::content::{Content, Locale};
use crate::engine::{ASK_PREFIX, CallbackData};
use crate::handoff::{
    CaseAction, Desk, DoctorTicket, OpenError, PersonTicket, Route, Status, card_buttons, case_card, copy_button,
    expiry_from, path_of, prefix, status_line, ticket_in, with_status, write_back_button,
};
use crate::handoff::{CaseCode, parse_case_button};
use crate::markup::escape_html;
use crate::reload::{ReloadCause, ReloadRequest};
use crate::roster::render_table;

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
    if let Some(markup) = replied.reply_markup() {
        let data: Vec<&str> = markup
            .inline_keyboard
            .iter()
            .flatten()
            .filter_map(|b| match &b.kind {
                teloxide::types::InlineKeyboardButtonKind::CallbackData(data) => Some(data.as_str()),
                _ => None,
            })
            .collect();
        if let Some((_, ticket)) = ticket_in(data.iter().copied()) {
            return Some(Incoming::Answer {
                ticket: ticket.to_owned(),
            });
        }
        if let Some(ticket) = data.iter().find_map(|d| d.strip_prefix(prefix::WRITE_BACK)) {
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
        if let Some(ticket) = payload.strip_prefix(prefix::WRITE_BACK) {
            Some(Incoming::FollowUp {
                ticket: ticket.to_owned(),
            })
        } else {
            CallbackData::decode(&payload)
                .is_ok()
                .then_some(Incoming::Question { position: payload })
        }
    })
}

/// `/start w<ticket>`: the link in a follow-up prompt was tapped.
pub fn follow_up_link(payload: &str) -> Option<&str> {
    payload.strip_prefix(prefix::WRITE_BACK)
}

/// The follow-up link was tapped: the prompt again, ready for a reply.
pub async fn follow_up_prompt_from_link(
    bot: &Tg,
    state: &BotState,
    desk: &Desk,
    me: &Me,
    message: &Message,
    ticket: &str,
) {
    let content = &*state.content.load_full();
    let locale = content.negotiate(message.from.as_ref().and_then(|u| u.language_code.as_deref()));
    send_follow_up_prompt(bot, state, desk, content, me, message.chat.id, locale, ticket).await;
}

/// Handles a message [`classify`] recognised.
pub async fn on_incoming(bot: &Tg, state: &BotState, desk: &Desk, message: &Message, incoming: Incoming) {
    let content = &*state.content.load_full();
    match incoming {
        Incoming::Question { position } => question(bot, state, desk, content, message, &position).await,
        Incoming::FollowUp { ticket } => follow_up(bot, state, desk, content, message, &ticket).await,
        Incoming::Answer { ticket } => answer(bot, state, desk, content, message, &ticket).await,
    }
}

/// A tap on "Write your question": the prompt. Returns false for data that
/// is not the handoff's.
pub async fn on_callback(bot: &Tg, state: &BotState, desk: &Desk, me: &Me, query: &CallbackQuery) -> bool {
    let data = query.data.as_deref().unwrap_or_default();
    let content = &*state.content.load_full();
    let Some(message) = &query.message else {
        return false;
    };
    let chat = message.chat().id;
    if let Some(position) = data.strip_prefix(ASK_PREFIX) {
        state.delivery.answer_callback(bot, query.id.clone(), None).await;
        let locale =
            position_locale(content, position).unwrap_or(content.negotiate(query.from.language_code.as_deref()));
        send_question_prompt(bot, state, content, me, chat, locale, position).await;
        return true;
    }
    if let Some(ticket) = data.strip_prefix(prefix::WRITE_BACK) {
        state.delivery.answer_callback(bot, query.id.clone(), None).await;
        let locale = content.negotiate(query.from.language_code.as_deref());
        send_follow_up_prompt(bot, state, desk, content, me, chat, locale, ticket).await;
        return true;
    }
    if let Some((action, ticket)) = parse_case_button(data) {
        let toast = case_tap(bot, state, desk, content, query, action, ticket).await;
        state
            .delivery
            .answer_callback(bot, query.id.clone(), Some(&toast))
            .await;
        return true;
    }
    false
}

/// `/oncall` and `/roster` for doctors and coordinators; a refusal for others.
pub async fn command(bot: &Tg, state: &BotState, desk: &Desk, message: &Message, name: &str) {
    let content = &*state.content.load_full();
    let member = message
        .from
        .as_ref()
        .is_some_and(|u| desk.roster.is_member(u.id.0 as i64));
    let html = if !member {
        state.delivery.metrics.handoff("command_refused");
        let locale = content.negotiate(message.from.as_ref().and_then(|u| u.language_code.as_deref()));
        escape_html(&content.text(locale, "command-not-member", &[]))
    } else {
        let days = if name == "roster" { 7 } else { 0 };
        let table = render_table(&desk.roster, Utc::now(), days);
        let table = if days == 0 {
            table
                .lines()
                .take_while(|l| !l.is_empty())
                .collect::<Vec<_>>()
                .join("\n")
        } else {
            table
        };
        format!("<pre>{}</pre>", escape_html(&table))
    };
    let _ = state.delivery.send_html(bot, message.chat.id, &html, None, None).await;
}

/// `/reload` from a coordinator: content, locales and roster are reloaded
/// (or kept, with the reasons), and the summary is the answer.
pub async fn reload_command(bot: &Tg, state: &BotState, desk: &Desk, message: &Message) {
    let content = &*state.content.load_full();
    let admin = message
        .from
        .as_ref()
        .is_some_and(|u| desk.roster.is_admin(u.id.0 as i64));
    let (Some(requests), true) = (&state.reload, admin) else {
        state.delivery.metrics.handoff("command_refused");
        let locale = content.negotiate(message.from.as_ref().and_then(|u| u.language_code.as_deref()));
        let html = escape_html(&content.text(locale, "command-admins-only", &[]));
        let _ = state.delivery.send_html(bot, message.chat.id, &html, None, None).await;
        return;
    };
    let (reply, summary) = tokio::sync::oneshot::channel();
    let request = ReloadRequest {
        cause: ReloadCause::Command,
        reply: Some(reply),
    };
    let summary = match requests.send(request) {
        Ok(()) => tokio::time::timeout(RELOAD_ANSWER_WAIT, summary)
            .await
            .ok()
            .and_then(Result::ok)
            .unwrap_or_else(|| "The reload takes long; see the logs.".to_owned()),
        Err(_) => "The reloader is not running.".to_owned(),
    };
    let summary: String = summary.chars().take(MAX_SUMMARY_CHARS).collect();
    let html = format!("<pre>{}</pre>", escape_html(&summary));
    let _ = state
        .delivery
        .send_html(bot, message.chat.id, &html, None, Some(message.id))
        .await;
}

/// How long `/reload` waits for the worker before answering anyway.
const RELOAD_ANSWER_WAIT: std::time::Duration = std::time::Duration::from_secs(30);
/// Keeps the answer under Telegram's 4096 characters after escaping.
const MAX_SUMMARY_CHARS: usize = 3000;

async fn send_question_prompt(
    bot: &Tg,
    state: &BotState,
    content: &Content,
    me: &Me,
    chat: ChatId,
    locale: Locale,
    position: &str,
) {
    let ui = content.ui(locale);
    let prompt = content.text(locale, "handoff-prompt", &[("numbers", &ui.numbers)]);
    let topic = CallbackData::decode(position)
        .ok()
        .and_then(|data| content.node_by_key(data.target))
        .map_or_else(String::new, |node| content.node(node).title(locale).to_owned());
    let topic = content.text(locale, "handoff-topic", &[("topic", &topic)]);
    let html = format!(
        "{}\n<a href=\"{}\">{}</a>",
        escape_html(&prompt),
        start_link(me, position),
        escape_html(&topic)
    );
    let placeholder = ForceReply::new();
    let sent = state
        .delivery
        .send_html(bot, chat, &html, Some(ReplyMarkup::ForceReply(placeholder)), None)
        .await;
    state
        .delivery
        .metrics
        .handoff(if sent.is_ok() { "prompt_sent" } else { "prompt_failed" });
}

#[allow(clippy::too_many_arguments)]
async fn send_follow_up_prompt(
    bot: &Tg,
    state: &BotState,
    desk: &Desk,
    content: &Content,
    me: &Me,
    chat: ChatId,
    locale: Locale,
    ticket: &str,
) {
    let html = match desk.sealer.open_doctor(ticket, Utc::now()) {
        Ok(doctor) => {
            let case = doctor.case.to_string();
            let text = escape_html(&content.text(locale, "handoff-followup-prompt", &[("case", &case)]));
            // The case code links to the ticket: the reply finds its way through it.
            let link = format!(
                "<a href=\"{}\">{case}</a>",
                start_link(me, &format!("{}{ticket}", prefix::WRITE_BACK))
            );
            text.replacen(&case, &link, 1)
        }
        Err(_) => {
            let ui = content.ui(locale);
            let _ = state
                .delivery
                .send_html(
                    bot,
                    chat,
                    &escape_html(&content.text(locale, "handoff-expired", &[("numbers", &ui.numbers)])),
                    None,
                    None,
                )
                .await;
            return;
        }
    };
    let _ = state
        .delivery
        .send_html(bot, chat, &html, Some(ReplyMarkup::ForceReply(ForceReply::new())), None)
        .await;
}

/// A person's question: card and copy to the doctor on duty (the duty chat
/// if that fails or nobody is on shift), then a confirmation or the fallback.
async fn question(bot: &Tg, state: &BotState, desk: &Desk, content: &Content, message: &Message, position: &str) {
    let metrics = &state.delivery.metrics;
    let person = message.chat.id;
    let locale = position_locale(content, position)
        .unwrap_or(content.negotiate(message.from.as_ref().and_then(|u| u.language_code.as_deref())));
    let ui = content.ui(locale);
    emergency_first(bot, state, desk, content, locale, message).await;
    if !desk.limit.allow(person.0) {
        metrics.handoff("question_limited");
        let text = content.text(locale, "handoff-limited", &[("numbers", &ui.numbers)]);
        let _ = state
            .delivery
            .send_html(bot, person, &escape_html(&text), None, None)
            .await;
        return;
    }
    let now = Utc::now();
    let code = content.locale_code(locale);
    let case = CaseCode::random();
    let ticket = desk.sealer.seal_person(&PersonTicket {
        chat: person.0,
        locale: locale_bytes(code),
        case,
        expires: expiry_from(now),
    });
    let card_locale = desk.card_locale(content);
    let card = escape_html(&case_card(
        content,
        card_locale,
        case,
        code,
        &desk.local_time(now),
        &path_of(content, card_locale, position),
    ));
    let route = desk.route(now, code);
    let mut delivered = deliver_case(bot, state, desk, content, route, &card, message, case, &ticket).await;
    if delivered.is_none() && route != Route::DutyChat {
        metrics.handoff("question_rerouted");
        delivered = deliver_case(
            bot,
            state,
            desk,
            content,
            Route::DutyChat,
            &card,
            message,
            case,
            &ticket,
        )
        .await;
    }
    let reply = match delivered {
        Some(route) => {
            metrics.handoff("question_sent");
            tracing::info!(event = "question_sent", to = route_name(route), "handoff");
            let to = if matches!(route, Route::Doctor(_)) {
                "doctor"
            } else {
                "team"
            };
            content.text(
                locale,
                "handoff-sent",
                &[("case", &case.to_string()), ("to", to), ("numbers", &ui.numbers)],
            )
        }
        None => {
            metrics.handoff("question_failed");
            tracing::warn!(
                event = "question_failed",
                "handoff: no chat of the roster accepted the case"
            );
            failed_text(content, desk, locale)
        }
    };
    let _ = state
        .delivery
        .send_html(bot, person, &escape_html(&reply), None, Some(message.id))
        .await;
}

/// A question or follow-up that describes an emergency ("не дышит"): the
/// emergency page goes to the person at once, before anything else happens
/// with the message.
async fn emergency_first(
    bot: &Tg,
    state: &BotState,
    desk: &Desk,
    content: &Content,
    locale: Locale,
    message: &Message,
) {
    let text = message.text().or(message.caption()).unwrap_or_default();
    let duty = desk.duty(Utc::now());
    if let Some(screen) = crate::engine::emergency_screen(content, &duty, locale, text) {
        state.delivery.metrics.handoff("emergency_shown");
        tracing::info!(event = "emergency_shown", "handoff: the message describes an emergency");
        let _ = state.delivery.send(bot, message.chat.id, &screen).await;
    }
}

/// The card, then the question copied under it; the route if both arrived.
#[allow(clippy::too_many_arguments)]
async fn deliver_case(
    bot: &Tg,
    state: &BotState,
    desk: &Desk,
    content: &Content,
    route: Route,
    card: &str,
    message: &Message,
    case: CaseCode,
    ticket: &str,
) -> Option<Route> {
    let chat = ChatId(desk.chat_of(route));
    let locale = desk.card_locale(content);
    let buttons = rows(&card_buttons(content, locale, &Status::New, ticket));
    let card_id = state
        .delivery
        .send_html(bot, chat, card, Some(buttons.into()), None)
        .await
        .map_err(|failure| log_failure("card", &failure))
        .ok()?;
    let copy_buttons = rows(&copy_button(content, locale, case, ticket));
    state
        .delivery
        .copy(bot, chat, message.chat.id, message.id, copy_buttons, Some(card_id))
        .await
        .map_err(|failure| log_failure("question copy", &failure))
        .ok()?;
    Some(route)
}

/// A person's follow-up, threaded under the message the doctor answered.
async fn follow_up(bot: &Tg, state: &BotState, desk: &Desk, content: &Content, message: &Message, ticket: &str) {
    let metrics = &state.delivery.metrics;
    let person = message.chat.id;
    let locale = content.negotiate(message.from.as_ref().and_then(|u| u.language_code.as_deref()));
    let ui = content.ui(locale);
    emergency_first(bot, state, desk, content, locale, message).await;
    let now = Utc::now();
    let doctor = match desk.sealer.open_doctor(ticket, now) {
        Ok(doctor) => doctor,
        Err(error) => {
            metrics.handoff(refusal_event(error));
            let text = content.text(locale, "handoff-expired", &[("numbers", &ui.numbers)]);
            let _ = state
                .delivery
                .send_html(bot, person, &escape_html(&text), None, None)
                .await;
            return;
        }
    };
    if !desk.limit.allow(person.0) {
        metrics.handoff("question_limited");
        let text = content.text(locale, "handoff-limited", &[("numbers", &ui.numbers)]);
        let _ = state
            .delivery
            .send_html(bot, person, &escape_html(&text), None, None)
            .await;
        return;
    }
    let person_ticket = desk.sealer.seal_person(&PersonTicket {
        chat: person.0,
        locale: locale_bytes(content.locale_code(locale)),
        case: doctor.case,
        expires: expiry_from(now),
    });
    let buttons = rows(&copy_button(
        content,
        desk.card_locale(content),
        doctor.case,
        &person_ticket,
    ));
    let copied = state
        .delivery
        .copy(
            bot,
            ChatId(doctor.chat),
            person,
            message.id,
            buttons,
            Some(MessageId(doctor.message)),
        )
        .await;
    let case = doctor.case.to_string();
    let text = match copied {
        Ok(_) => {
            metrics.handoff("follow_up_sent");
            content.text(locale, "handoff-followup-sent", &[("case", &case)])
        }
        Err(failure) => {
            log_failure("follow-up", &failure);
            metrics.handoff("follow_up_failed");
            failed_text(content, desk, locale)
        }
    };
    let _ = state
        .delivery
        .send_html(bot, person, &escape_html(&text), None, Some(message.id))
        .await;
}

/// A doctor's answer: header and copy to the person, then the outcome to the doctor.
async fn answer(bot: &Tg, state: &BotState, desk: &Desk, content: &Content, message: &Message, ticket: &str) {
    let metrics = &state.delivery.metrics;
    let doctor_chat = message.chat.id;
    let card_locale = desk.card_locale(content);
    let reply_to_doctor = |id: &str, case: Option<&str>| {
        let args: Vec<(&str, &str)> = case.map(|c| ("case", c)).into_iter().collect();
        escape_html(&content.text(card_locale, id, &args))
    };
    let member = message
        .from
        .as_ref()
        .is_some_and(|u| desk.roster.is_member(u.id.0 as i64));
    let roster_chat = message.chat.is_private() || doctor_chat.0 == desk.roster.duty_chat();
    if !member || !roster_chat {
        metrics.handoff("answer_refused");
        tracing::info!(
            event = "answer_refused",
            "handoff: a reply to a case from outside the roster"
        );
        let html = reply_to_doctor("case-not-member", None);
        let _ = state
            .delivery
            .send_html(bot, doctor_chat, &html, None, Some(message.id))
            .await;
        return;
    }
    let now = Utc::now();
    let person = match desk.sealer.open_person(ticket, now) {
        Ok(person) => person,
        Err(error) => {
            metrics.handoff(refusal_event(error));
            let id = if error == OpenError::Expired {
                "case-expired"
            } else {
                "case-invalid"
            };
            let _ = state
                .delivery
                .send_html(bot, doctor_chat, &reply_to_doctor(id, None), None, Some(message.id))
                .await;
            return;
        }
    };
    let case = person.case.to_string();
    let locale = std::str::from_utf8(&person.locale)
        .ok()
        .and_then(|code| content.locale_by_code(code))
        .unwrap_or(content.default_locale());
    let thread = message.reply_to_message().map_or(message.id, |m| m.id);
    let doctor_ticket = desk.sealer.seal_doctor(&DoctorTicket {
        chat: doctor_chat.0,
        message: thread.0,
        case: person.case,
        expires: expiry_from(now),
    });
    let header = escape_html(&content.text(locale, "handoff-answer", &[("case", &case)]));
    let person_chat = ChatId(person.chat);
    let delivered = match state.delivery.send_html(bot, person_chat, &header, None, None).await {
        Ok(_) => {
            let buttons = rows(&write_back_button(content, locale, &doctor_ticket));
            state
                .delivery
                .copy(bot, person_chat, doctor_chat, message.id, buttons, None)
                .await
                .map(drop)
        }
        Err(failure) => Err(failure),
    };
    let outcome = match delivered {
        Ok(()) => {
            metrics.handoff("answer_sent");
            tracing::info!(event = "answer_sent", "handoff");
            "case-delivered"
        }
        Err(Failure::RecipientGone) => {
            metrics.handoff("answer_recipient_gone");
            "case-undelivered-gone"
        }
        Err(failure) => {
            log_failure("answer", &failure);
            metrics.handoff("answer_failed");
            "case-undelivered-error"
        }
    };
    let _ = state
        .delivery
        .send_html(
            bot,
            doctor_chat,
            &reply_to_doctor(outcome, Some(&case)),
            None,
            Some(message.id),
        )
        .await;
}

/// Take, Resolve, Reopen on a card (or the explanation on a copy); returns the toast.
async fn case_tap(
    bot: &Tg,
    state: &BotState,
    desk: &Desk,
    content: &Content,
    query: &CallbackQuery,
    action: CaseAction,
    ticket: &str,
) -> String {
    let metrics = &state.delivery.metrics;
    let locale = desk.card_locale(content);
    let presser = query.from.id.0 as i64;
    if !desk.roster.is_member(presser) {
        metrics.handoff("tap_refused");
        return content.text(locale, "case-not-member", &[]);
    }
    if action == CaseAction::Show {
        return content.text(locale, "toast-case-reply", &[]);
    }
    if let Err(error) = desk.sealer.open_person(ticket, Utc::now()) {
        metrics.handoff(refusal_event(error));
        let id = if error == OpenError::Expired {
            "case-expired"
        } else {
            "case-invalid"
        };
        return content.text(locale, id, &[]);
    }
    let Some(message) = query.regular_message() else {
        return content.text(locale, "case-invalid", &[]);
    };
    use teloxide::utils::render::RenderMessageTextHelper;
    let card = message.html_text().unwrap_or_default();
    let by = desk.signature(content, presser);
    let at = desk.local_time(Utc::now());
    let (status, toast, event) = match action {
        CaseAction::Take => (Status::Taken { by: &by, at: &at }, "toast-case-taken", "case_taken"),
        CaseAction::Resolve => (
            Status::Resolved { by: &by, at: &at },
            "toast-case-resolved",
            "case_resolved",
        ),
        _ => (Status::New, "toast-case-reopened", "case_reopened"),
    };
    let html = with_status(&card, &status_line(content, locale, &status));
    let buttons = rows(&card_buttons(content, locale, &status, ticket));
    if state
        .delivery
        .edit_html(bot, message.chat.id, message.id, &html, buttons)
        .await
        .is_ok()
    {
        metrics.handoff(event);
    }
    content.text(locale, toast, &[])
}

/// Nothing could be delivered: the organisation's contact, the doctors'
/// public contacts, the emergency numbers.
fn failed_text(content: &Content, desk: &Desk, locale: Locale) -> String {
    let ui = content.ui(locale);
    let mut text = content.text(
        locale,
        "handoff-failed",
        &[
            ("organisation", &ui.organisation),
            ("contact", &ui.contact),
            ("numbers", &ui.numbers),
        ],
    );
    for contact in desk.public_contacts(Utc::now()) {
        text.push('\n');
        text.push_str(&contact);
    }
    text
}

fn start_link(me: &Me, payload: &str) -> String {
    format!("https://t.me/{}?start={payload}", me.username())
}

fn position_locale(content: &Content, position: &str) -> Option<Locale> {
    let data = CallbackData::decode(position).ok()?;
    content.locale_by_code(std::str::from_utf8(&data.locale).ok()?)
}

fn locale_bytes(code: &str) -> [u8; 2] {
    let bytes = code.as_bytes();
    [
        bytes.first().copied().unwrap_or(b'x'),
        bytes.get(1).copied().unwrap_or(b'x'),
    ]
}

fn route_name(route: Route) -> &'static str {
    match route {
        Route::Doctor(_) => "doctor",
        Route::DutyChat => "duty_chat",
    }
}

fn refusal_event(error: OpenError) -> &'static str {
    match error {
        OpenError::Expired => "ticket_expired",
        OpenError::Tampered | OpenError::Malformed => "ticket_invalid",
    }
}

fn log_failure(what: &'static str, failure: &Failure) {
    match failure {
        Failure::RecipientGone => tracing::info!(step = what, "handoff: recipient gone"),
        Failure::Failed(error) => {
            tracing::warn!(step = what, error = %super::delivery::error_kind(error), "handoff: delivery failed")
        }
    }
}
