//! The doctors' line over Telegram. Decisions come from `crate::handoff`;
//! this file reads updates and sends.
//!
//! - "Write your question" (callback [`Prefix::Ask`]) sends a prompt the client answers
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
use teloxide::types::{
    ForceReply, InlineKeyboardButton, InlineKeyboardMarkup, Me, MessageEntityKind, MessageId, ReplyMarkup,
};

use super::delivery::{Failure, Protect, Tg};
use super::keyboard::rows;
use super::pacing::Priority;
use super::state::BotState;
use crate::content::{Content, Locale};
use crate::engine::CallbackData;
use crate::handoff::{
    CaseAction, Desk, DoctorTicket, OpenError, PersonTicket, Route, Status, card_buttons, case_card, copy_button,
    expiry_from, path_of, status_line, ticket_in, urgent_path, with_status, write_back_button,
};
use crate::handoff::{CaseCode, parse_case_button};
use crate::i18n::Msg;
use crate::markup::escape_html;
use crate::metrics::HandoffEvent;
use crate::payload::{DeepLink, Prefix};
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

/// `/start W<ticket>`: the link in a follow-up prompt was tapped. A page's
/// id is never one, whatever letter it starts with.
pub fn follow_up_link<'a>(content: &Content, payload: &'a str) -> Option<&'a str> {
    match DeepLink::parse(Some(payload), |id| content.node_by_id(id)) {
        DeepLink::WriteBack(ticket) => Some(ticket),
        _ => None,
    }
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

/// Handles a message [`classify`] recognised. The line works in private
/// chats only (and, for doctors, the duty chat); edits are never relayed (an
/// edited answer was delivered twice, an edited question opened a second
/// case); only the kinds of message people can safely open are copied.
pub async fn on_incoming(bot: &Tg, state: &BotState, desk: &Desk, message: &Message, incoming: Incoming) {
    let content = &*state.content.load_full();
    let from_person = !matches!(incoming, Incoming::Answer { .. });
    let locale = if from_person {
        content.negotiate(message.from.as_ref().and_then(|u| u.language_code.as_deref()))
    } else {
        desk.card_locale(content)
    };
    let numbers = &content.ui(locale).numbers;
    if from_person {
        // Whatever happens to the message next (refused, limited, sent).
        emergency_first(bot, state, desk, content, locale, message).await;
    }
    let refusal = if from_person && !message.chat.is_private() {
        Some((HandoffEvent::QuestionNotPrivate, Msg::HandoffPrivateOnly))
    } else if message.edit_date().is_some() {
        Some((
            HandoffEvent::EditIgnored,
            if from_person {
                Msg::HandoffEditIgnored
            } else {
                Msg::CaseEditIgnored
            },
        ))
    } else if !relayable(message) {
        Some((
            HandoffEvent::KindRefused,
            if from_person {
                Msg::HandoffKindRefused
            } else {
                Msg::CaseKindRefused
            },
        ))
    } else {
        None
    };
    if let Some((event, text)) = refusal {
        state.delivery.metrics.handoff(event);
        let html = escape_html(&content.text(locale, text, &[("numbers", numbers)]));
        let _ = state
            .delivery
            .send_html(bot, message.chat.id, &html, None, Some(message.id), Priority::Normal)
            .await;
        return;
    }
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
    let Some((prefix, rest)) = Prefix::of_callback(data) else {
        return false;
    };
    if prefix == Prefix::Feedback {
        feedback(bot, state, content, query, rest).await;
        return true;
    }
    if prefix == Prefix::SendToDoctor {
        send_to_doctor(bot, state, desk, content, query, chat, rest).await;
        return true;
    }
    if matches!(prefix, Prefix::Ask | Prefix::WriteBack) {
        let locale = content.negotiate(query.from.language_code.as_deref());
        if !message.chat().is_private() {
            state.delivery.metrics.handoff(HandoffEvent::QuestionNotPrivate);
            let toast = content.text(
                locale,
                Msg::HandoffPrivateOnly,
                &[("numbers", &content.ui(locale).numbers)],
            );
            state
                .delivery
                .answer_callback(bot, query.id.clone(), Some(&toast))
                .await;
            return true;
        }
        state.delivery.answer_callback(bot, query.id.clone(), None).await;
        if prefix == Prefix::WriteBack {
            send_follow_up_prompt(bot, state, desk, content, me, chat, locale, rest).await;
        } else if CallbackData::decode(rest).is_ok() {
            // Only a well-formed position goes into the prompt's link.
            let locale = position_locale(content, rest).unwrap_or(locale);
            send_question_prompt(bot, state, content, me, chat, locale, rest).await;
        } else {
            state.delivery.metrics.handoff(HandoffEvent::AskInvalid);
        }
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

/// Whether a roster command may be answered where `message` was sent: the
/// private chats and the duty chat only, never another group (which would
/// learn who is on shift). Elsewhere it is ignored and counted.
fn roster_place(state: &BotState, desk: &Desk, message: &Message) -> bool {
    let allowed = message.chat.is_private() || message.chat.id.0 == desk.roster.duty_chat();
    if !allowed {
        state.delivery.metrics.handoff(HandoffEvent::CommandOutsideRosterChats);
    }
    allowed
}

/// `/oncall` and `/roster` for doctors and coordinators; a refusal for others.
pub async fn command(bot: &Tg, state: &BotState, desk: &Desk, message: &Message, name: &str) {
    if !roster_place(state, desk, message) {
        return;
    }
    let content = &*state.content.load_full();
    let member = message
        .from
        .as_ref()
        .is_some_and(|u| desk.roster.is_member(u.id.0 as i64));
    let html = if !member {
        state.delivery.metrics.handoff(HandoffEvent::CommandRefused);
        let locale = content.negotiate(message.from.as_ref().and_then(|u| u.language_code.as_deref()));
        escape_html(&content.text(locale, Msg::CommandNotMember, &[]))
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
    let _ = state
        .delivery
        .send_html(bot, message.chat.id, &html, None, None, Priority::Normal)
        .await;
}

/// `/reload` from a coordinator: content, locales and roster are reloaded
/// (or kept, with the reasons), and the summary is the answer.
pub async fn reload_command(bot: &Tg, state: &BotState, desk: &Desk, message: &Message) {
    if !roster_place(state, desk, message) {
        return;
    }
    let content = &*state.content.load_full();
    let admin = message
        .from
        .as_ref()
        .is_some_and(|u| desk.roster.is_admin(u.id.0 as i64));
    let (Some(requests), true) = (&state.reload, admin) else {
        state.delivery.metrics.handoff(HandoffEvent::CommandRefused);
        let locale = content.negotiate(message.from.as_ref().and_then(|u| u.language_code.as_deref()));
        let html = escape_html(&content.text(locale, Msg::CommandAdminsOnly, &[]));
        let _ = state
            .delivery
            .send_html(bot, message.chat.id, &html, None, None, Priority::Normal)
            .await;
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
        .send_html(bot, message.chat.id, &html, None, Some(message.id), Priority::Normal)
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
    let prompt = content.text(locale, Msg::HandoffPrompt, &[("numbers", &ui.numbers)]);
    let topic = CallbackData::decode(position)
        .ok()
        .and_then(|data| content.node_by_key(data.target))
        .map_or_else(String::new, |node| content.node(node).title(locale).to_owned());
    let topic = content.text(locale, Msg::HandoffTopic, &[("topic", &topic)]);
    let html = format!(
        "{}\n<a href=\"{}\">{}</a>",
        escape_html(&prompt),
        start_link(me, position),
        escape_html(&topic)
    );
    let placeholder = ForceReply::new();
    let sent = state
        .delivery
        .send_html(
            bot,
            chat,
            &html,
            Some(ReplyMarkup::ForceReply(placeholder)),
            None,
            Priority::Normal,
        )
        .await;
    state.delivery.metrics.handoff(if sent.is_ok() {
        HandoffEvent::PromptSent
    } else {
        HandoffEvent::PromptFailed
    });
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
    let html = match desk.sealer.open_doctor(ticket, chat.0, Utc::now()) {
        Ok(doctor) => {
            let case = doctor.case.to_string();
            let text = escape_html(&content.text(locale, Msg::HandoffFollowupPrompt, &[("case", &case)]));
            // The case code links to the ticket: the reply finds its way through it.
            let link = format!(
                "<a href=\"{}\">{case}</a>",
                start_link(me, &Prefix::WriteBack.with(ticket))
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
                    &escape_html(&content.text(locale, Msg::HandoffExpired, &[("numbers", &ui.numbers)])),
                    None,
                    None,
                    Priority::Normal,
                )
                .await;
            return;
        }
    };
    let _ = state
        .delivery
        .send_html(
            bot,
            chat,
            &html,
            Some(ReplyMarkup::ForceReply(ForceReply::new())),
            None,
            Priority::Normal,
        )
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
    if !desk.limit.allow(asker(message)) {
        metrics.handoff(HandoffEvent::QuestionLimited);
        let text = content.text(locale, Msg::HandoffLimited, &[("numbers", &ui.numbers)]);
        let _ = state
            .delivery
            .send_html(bot, person, &escape_html(&text), None, None, Priority::Normal)
            .await;
        return;
    }
    let card_locale = desk.card_locale(content);
    let origin = Origin {
        path: path_of(content, card_locale, position),
        urgent_page: urgent_path(content, position),
    };
    open_case(bot, state, desk, content, &Asked::from(message), locale, &origin).await;
}

/// The person's message a case is about, by reference: the bot copies it
/// from the person's own chat and keeps nothing.
struct Asked<'m> {
    chat: ChatId,
    message: MessageId,
    /// Its text or caption, to tell whether it describes an emergency.
    text: &'m str,
}

impl<'m> Asked<'m> {
    fn from(message: &'m Message) -> Self {
        Asked {
            chat: message.chat.id,
            message: message.id,
            text: message.text().or(message.caption()).unwrap_or_default(),
        }
    }
}

/// Where a new case comes from, as its card says.
struct Origin {
    /// The screens that led to the question.
    path: String,
    /// Asked from a page about a life-threatening situation.
    urgent_page: bool,
}

/// A new case from `message`: card and copy to the doctor on duty (the duty
/// chat if that fails or nobody is on shift), then the confirmation or the
/// fallback to the person. The card is marked urgent when `origin` is, or
/// when the message itself describes an emergency.
async fn open_case(
    bot: &Tg,
    state: &BotState,
    desk: &Desk,
    content: &Content,
    asked: &Asked<'_>,
    locale: Locale,
    origin: &Origin,
) {
    let metrics = &state.delivery.metrics;
    let person = asked.chat;
    let now = Utc::now();
    let code = content.locale_code(locale);
    let case = CaseCode::random();
    let ticket = PersonTicket {
        chat: person.0,
        locale: locale_bytes(code),
        case,
        expires: expiry_from(now),
        opened: now,
    };
    let card_locale = desk.card_locale(content);
    let urgent = origin.urgent_page || content.is_emergency(asked.text);
    if urgent {
        metrics.handoff(HandoffEvent::QuestionUrgent);
    }
    let card = escape_html(&case_card(
        content,
        card_locale,
        case,
        code,
        &desk.local_time(now),
        &origin.path,
        urgent,
    ));
    let card = Card {
        html: &card,
        priority: case_priority(urgent),
    };
    let route = desk.route(now, code);
    let mut delivered = deliver_case(bot, state, desk, content, route, &card, asked, case, &ticket).await;
    if delivered.is_none() && route != Route::DutyChat {
        metrics.handoff(HandoffEvent::QuestionRerouted);
        delivered = deliver_case(bot, state, desk, content, Route::DutyChat, &card, asked, case, &ticket).await;
    }
    let reply = match delivered {
        Some(route) => {
            metrics.handoff(HandoffEvent::QuestionSent);
            tracing::info!(event = "question_sent", to = route_name(route), "handoff");
            desk.confirmation(content, locale, route, case, now)
        }
        None => {
            metrics.handoff(HandoffEvent::QuestionFailed);
            tracing::warn!(
                event = "question_failed",
                "handoff: no chat of the roster accepted the case"
            );
            failed_text(content, desk, locale)
        }
    };
    let _ = state
        .delivery
        .send_html(
            bot,
            person,
            &escape_html(&reply),
            None,
            Some(asked.message),
            Priority::Normal,
        )
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
        state.delivery.metrics.handoff(HandoffEvent::EmergencyShown);
        tracing::info!(event = "emergency_shown", "handoff: the message describes an emergency");
        let _ = state
            .delivery
            .send(bot, message.chat.id, &screen, Priority::Emergency)
            .await;
    }
}

/// A case card as it goes to the doctors.
struct Card<'a> {
    html: &'a str,
    /// How urgently the card and the question copied under it go: [`case_priority`].
    priority: Priority,
}

/// An urgent case (asked from an urgent page, or describing an emergency)
/// reaches the doctors before anything waiting for Telegram's overall rate.
fn case_priority(urgent: bool) -> Priority {
    if urgent { Priority::Emergency } else { Priority::Normal }
}

/// The card, then the question copied under it; the route if both arrived.
#[allow(clippy::too_many_arguments)]
async fn deliver_case(
    bot: &Tg,
    state: &BotState,
    desk: &Desk,
    content: &Content,
    route: Route,
    card: &Card<'_>,
    asked: &Asked<'_>,
    case: CaseCode,
    ticket: &PersonTicket,
) -> Option<Route> {
    let chat = ChatId(desk.chat_of(route));
    // Sealed for this chat: only taps and replies here can open it.
    let ticket = &desk.sealer.seal_person(ticket, chat.0);
    let locale = desk.card_locale(content);
    let buttons = rows(&card_buttons(content, locale, &Status::New, ticket));
    let card_id = state
        .delivery
        .send_html(bot, chat, card.html, Some(buttons.into()), None, card.priority)
        .await
        .map_err(|failure| log_failure("card", &failure))
        .ok()?;
    let copy_buttons = rows(&copy_button(content, locale, case, ticket));
    state
        .delivery
        .copy(
            bot,
            chat,
            asked.chat,
            asked.message,
            copy_buttons,
            Some(card_id),
            Protect::NoForwarding,
            card.priority,
        )
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
    let now = Utc::now();
    let doctor = match desk.sealer.open_doctor(ticket, person.0, now) {
        Ok(doctor) => doctor,
        Err(error) => {
            metrics.handoff(refusal_event(error));
            let text = content.text(locale, Msg::HandoffExpired, &[("numbers", &ui.numbers)]);
            let _ = state
                .delivery
                .send_html(bot, person, &escape_html(&text), None, None, Priority::Normal)
                .await;
            return;
        }
    };
    if !desk.limit.allow(asker(message)) {
        metrics.handoff(HandoffEvent::QuestionLimited);
        let text = content.text(locale, Msg::HandoffLimited, &[("numbers", &ui.numbers)]);
        let _ = state
            .delivery
            .send_html(bot, person, &escape_html(&text), None, None, Priority::Normal)
            .await;
        return;
    }
    if !desk.roster.holds_chat(doctor.chat) {
        // The doctor left the roster or the duty chat was replaced since the
        // answer: the follow-up becomes a new case for whoever is on duty.
        metrics.handoff(HandoffEvent::FollowUpRerouted);
        let card_locale = desk.card_locale(content);
        let origin = Origin {
            path: content.text(
                card_locale,
                Msg::CasePathFollowup,
                &[("case", &doctor.case.to_string())],
            ),
            urgent_page: false,
        };
        open_case(bot, state, desk, content, &Asked::from(message), locale, &origin).await;
        return;
    }
    let person_ticket = desk.sealer.seal_person(
        &PersonTicket {
            chat: person.0,
            locale: locale_bytes(content.locale_code(locale)),
            case: doctor.case,
            expires: expiry_from(now),
            opened: doctor.opened,
        },
        doctor.chat,
    );
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
            Protect::NoForwarding,
            case_priority(content.is_emergency(Asked::from(message).text)),
        )
        .await;
    let case = doctor.case.to_string();
    let text = match copied {
        Ok(_) => {
            metrics.handoff(HandoffEvent::FollowUpSent);
            content.text(locale, Msg::HandoffFollowupSent, &[("case", &case)])
        }
        Err(failure) => {
            log_failure("follow-up", &failure);
            metrics.handoff(HandoffEvent::FollowUpFailed);
            failed_text(content, desk, locale)
        }
    };
    let _ = state
        .delivery
        .send_html(
            bot,
            person,
            &escape_html(&text),
            None,
            Some(message.id),
            Priority::Normal,
        )
        .await;
}

/// A doctor's answer: header and copy to the person, then the outcome to the doctor.
async fn answer(bot: &Tg, state: &BotState, desk: &Desk, content: &Content, message: &Message, ticket: &str) {
    let metrics = &state.delivery.metrics;
    let doctor_chat = message.chat.id;
    let card_locale = desk.card_locale(content);
    let reply_to_doctor = |id: Msg, case: Option<&str>| {
        let args: Vec<(&str, &str)> = case.map(|c| ("case", c)).into_iter().collect();
        escape_html(&content.text(card_locale, id, &args))
    };
    let member = message
        .from
        .as_ref()
        .is_some_and(|u| desk.roster.is_member(u.id.0 as i64));
    let roster_chat = message.chat.is_private() || doctor_chat.0 == desk.roster.duty_chat();
    if !member || !roster_chat {
        metrics.handoff(HandoffEvent::AnswerRefused);
        tracing::info!(
            event = "answer_refused",
            "handoff: a reply to a case from outside the roster"
        );
        let html = reply_to_doctor(Msg::CaseNotMember, None);
        let _ = state
            .delivery
            .send_html(bot, doctor_chat, &html, None, Some(message.id), Priority::Normal)
            .await;
        return;
    }
    let now = Utc::now();
    let person = match desk.sealer.open_person(ticket, doctor_chat.0, now) {
        Ok(person) => person,
        Err(error) => {
            metrics.handoff(refusal_event(error));
            let id = case_refusal(error);
            let _ = state
                .delivery
                .send_html(
                    bot,
                    doctor_chat,
                    &reply_to_doctor(id, None),
                    None,
                    Some(message.id),
                    Priority::Normal,
                )
                .await;
            return;
        }
    };
    let case = person.case.to_string();
    let locale = ticket_locale(content, &person);
    let thread = message.reply_to_message().map_or(message.id, |m| m.id);
    let doctor_ticket = desk.sealer.seal_doctor(
        &DoctorTicket {
            chat: doctor_chat.0,
            message: thread.0,
            case: person.case,
            expires: expiry_from(now),
            opened: person.opened,
        },
        person.chat,
    );
    let header = escape_html(&content.text(locale, Msg::HandoffAnswer, &[("case", &case)]));
    let person_chat = ChatId(person.chat);
    let delivered = match state
        .delivery
        .send_html(bot, person_chat, &header, None, None, Priority::Normal)
        .await
    {
        Ok(_) => {
            let buttons = rows(&write_back_button(content, locale, &doctor_ticket));
            state
                .delivery
                .copy(
                    bot,
                    person_chat,
                    doctor_chat,
                    message.id,
                    buttons,
                    None,
                    Protect::Shareable,
                    Priority::Normal,
                )
                .await
                .map(drop)
        }
        Err(failure) => Err(failure),
    };
    let outcome = match delivered {
        Ok(()) => {
            metrics.handoff(HandoffEvent::AnswerSent);
            tracing::info!(event = "answer_sent", "handoff");
            // From the answered message reaching the doctors (its date) to now.
            if let Some(answered) = message.reply_to_message() {
                metrics.time_to_answer((message.date - answered.date).to_std().unwrap_or_default());
            }
            Msg::CaseDelivered
        }
        Err(Failure::RecipientGone) => {
            metrics.handoff(HandoffEvent::AnswerRecipientGone);
            Msg::CaseUndeliveredGone
        }
        Err(failure) => {
            log_failure("answer", &failure);
            metrics.handoff(HandoffEvent::AnswerFailed);
            Msg::CaseUndeliveredError
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
            Priority::Normal,
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
        metrics.handoff(HandoffEvent::TapRefused);
        return content.text(locale, Msg::CaseNotMember, &[]);
    }
    if action == CaseAction::Show {
        return content.text(locale, Msg::ToastCaseReply, &[]);
    }
    let Some(card_chat) = query.message.as_ref().map(|m| m.chat().id) else {
        return content.text(locale, Msg::CaseInvalid, &[]);
    };
    let person = match desk.sealer.open_person(ticket, card_chat.0, Utc::now()) {
        Ok(person) => person,
        Err(error) => {
            metrics.handoff(refusal_event(error));
            let id = case_refusal(error);
            return content.text(locale, id, &[]);
        }
    };
    // Only a card is edited into a card: a forged case button under any
    // other message must not overwrite it.
    let Some(message) = query
        .regular_message()
        .filter(|m| ticket_in(keyboard_data(m)).is_some_and(|(_, own)| own == ticket))
    else {
        return content.text(locale, Msg::CaseInvalid, &[]);
    };
    use teloxide::utils::render::RenderMessageTextHelper;
    let card = message.html_text().unwrap_or_default();
    let by = desk.signature(content, presser);
    let at = desk.local_time(Utc::now());
    let (status, toast, event) = match action {
        CaseAction::Take => (
            Status::Taken { by: &by, at: &at },
            Msg::ToastCaseTaken,
            HandoffEvent::CaseTaken,
        ),
        CaseAction::Resolve => (
            Status::Resolved { by: &by, at: &at },
            Msg::ToastCaseResolved,
            HandoffEvent::CaseResolved,
        ),
        _ => (Status::New, Msg::ToastCaseReopened, HandoffEvent::CaseReopened),
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
        match action {
            CaseAction::Take => {
                // The card's date is when it reached the doctors: no clock of ours to keep.
                let waited = Utc::now() - message.date;
                metrics.time_to_take(waited.to_std().unwrap_or_default());
                tell_taken(bot, state, content, &person).await;
            }
            CaseAction::Resolve => ask_feedback(bot, state, content, &person).await,
            CaseAction::Reopen | CaseAction::Show => {}
        }
    }
    content.text(locale, toast, &[])
}

/// "Send this to the doctor on duty" under a photo or voice message: the
/// message (by its id in the person's own chat, nothing kept) goes to the
/// doctor on duty, or the duty chat after hours, under a case card.
async fn send_to_doctor(
    bot: &Tg,
    state: &BotState,
    desk: &Desk,
    content: &Content,
    query: &CallbackQuery,
    chat: ChatId,
    message_id: &str,
) {
    let metrics = &state.delivery.metrics;
    let locale = content.negotiate(query.from.language_code.as_deref());
    let numbers = &content.ui(locale).numbers;
    let refusal = if !chat.is_user() {
        Some((HandoffEvent::QuestionNotPrivate, Msg::HandoffPrivateOnly))
    } else if !desk.limit.allow(query.from.id.0 as i64) {
        Some((HandoffEvent::QuestionLimited, Msg::HandoffLimited))
    } else {
        None
    };
    let Ok(message_id) = message_id.parse::<i32>() else {
        metrics.handoff(HandoffEvent::AskInvalid);
        state.delivery.answer_callback(bot, query.id.clone(), None).await;
        return;
    };
    if let Some((event, text)) = refusal {
        metrics.handoff(event);
        let toast = content.text(locale, text, &[("numbers", numbers)]);
        state
            .delivery
            .answer_callback(bot, query.id.clone(), Some(&toast))
            .await;
        return;
    }
    state.delivery.answer_callback(bot, query.id.clone(), None).await;
    let asked = Asked {
        chat,
        message: MessageId(message_id),
        text: "",
    };
    let origin = Origin {
        path: content.text(desk.card_locale(content), Msg::CasePathMedia, &[]),
        urgent_page: false,
    };
    open_case(bot, state, desk, content, &asked, locale, &origin).await;
}

/// After a case is resolved, one anonymous question to the person: did it
/// help? The answer is only counted (metrics), never stored or forwarded.
async fn ask_feedback(bot: &Tg, state: &BotState, content: &Content, person: &PersonTicket) {
    let locale = ticket_locale(content, person);
    let text = content.text(locale, Msg::FeedbackAsk, &[("case", &person.case.to_string())]);
    let buttons = InlineKeyboardMarkup::new([[
        InlineKeyboardButton::callback(content.text(locale, Msg::ButtonHelped, &[]), Prefix::Feedback.with("y")),
        InlineKeyboardButton::callback(
            content.text(locale, Msg::ButtonNotHelped, &[]),
            Prefix::Feedback.with("n"),
        ),
    ]]);
    let _ = state
        .delivery
        .send_html(
            bot,
            ChatId(person.chat),
            &escape_html(&text),
            Some(buttons.into()),
            None,
            Priority::Normal,
        )
        .await;
}

/// A tap on "Did this help?": counted, thanked, the buttons removed. A
/// forged or repeated tap can only move a count.
async fn feedback(bot: &Tg, state: &BotState, content: &Content, query: &CallbackQuery, answer: &str) {
    let event = match answer {
        "y" => HandoffEvent::FeedbackHelped,
        "n" => HandoffEvent::FeedbackNotHelped,
        _ => {
            state.delivery.answer_callback(bot, query.id.clone(), None).await;
            return;
        }
    };
    state.delivery.metrics.handoff(event);
    let locale = content.negotiate(query.from.language_code.as_deref());
    let thanks = content.text(locale, Msg::FeedbackThanks, &[]);
    state
        .delivery
        .answer_callback(bot, query.id.clone(), Some(&thanks))
        .await;
    if let Some(message) = query.regular_message() {
        let _ = state
            .delivery
            .edit_html(
                bot,
                message.chat.id,
                message.id,
                &escape_html(&thanks),
                InlineKeyboardMarkup::default(),
            )
            .await;
    }
}

/// The person's language, as sealed in their ticket.
fn ticket_locale(content: &Content, person: &PersonTicket) -> Locale {
    std::str::from_utf8(&person.locale)
        .ok()
        .and_then(|code| content.locale_by_code(code))
        .unwrap_or(content.default_locale())
}

/// The person hears that a doctor has their question, so they know to wait
/// for the answer (and still to call if it is an emergency).
async fn tell_taken(bot: &Tg, state: &BotState, content: &Content, person: &PersonTicket) {
    let locale = ticket_locale(content, person);
    let text = content.text(
        locale,
        Msg::HandoffTaken,
        &[
            ("case", &person.case.to_string()),
            ("numbers", &content.ui(locale).numbers),
        ],
    );
    if state
        .delivery
        .send_html(
            bot,
            ChatId(person.chat),
            &escape_html(&text),
            None,
            None,
            Priority::Normal,
        )
        .await
        .is_ok()
    {
        state.delivery.metrics.handoff(HandoffEvent::TakenTold);
    }
}

/// Nothing could be delivered: the organisation's contact, the doctors'
/// public contacts, the emergency numbers.
fn failed_text(content: &Content, desk: &Desk, locale: Locale) -> String {
    let ui = content.ui(locale);
    let mut text = content.text(
        locale,
        Msg::HandoffFailed,
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

/// Who the question limit counts: the person, not the chat (one account
/// once sent six more questions through three groups).
fn asker(message: &Message) -> i64 {
    message.from.as_ref().map_or(message.chat.id.0, |user| user.id.0 as i64)
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

/// What a doctor is told about a ticket that does not open.
fn case_refusal(error: OpenError) -> Msg {
    if error == OpenError::Expired {
        Msg::CaseExpired
    } else {
        Msg::CaseInvalid
    }
}

fn refusal_event(error: OpenError) -> HandoffEvent {
    match error {
        OpenError::Expired => HandoffEvent::TicketExpired,
        OpenError::Tampered | OpenError::Malformed => HandoffEvent::TicketInvalid,
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
