//! The dispatcher schema and one small handler per update kind: decode the
//! update, ask the engine, deliver the screen, log what was shown (node ids
//! and notices only: never who asked or what they wrote).

use std::convert::Infallible;
use std::sync::Arc;
use std::time::Instant;

use teloxide::dispatching::UpdateHandler;
use teloxide::prelude::*;
use teloxide::types::{InlineQuery, Me};

use super::admission::Admission;
use super::delivery::{Failure, Tg, error_kind, priority};
use super::state::BotState;
use super::{clear, companion, group, handoff, inline, input};
use crate::content::Content;
use crate::engine::{self, Duties, Input, Screen, Shows};
use crate::handoff::Desks;
use crate::handoff::flow::Command;
use crate::metrics::Metrics;
use crate::payload::Prefix;

fn duties(desks: Option<&Desks>) -> Duties {
    desks.map_or_else(Duties::default, |desks| desks.duties(chrono::Utc::now()))
}

type HandlerResult = Result<(), Infallible>;

/// Routes each update kind to its handler. Every update first takes an
/// admission ticket, held until its handler returns, so that its chat's
/// slot stays taken meanwhile (see `admission`).
pub fn schema() -> UpdateHandler<Infallible> {
    dptree::entry()
        .map(|update: Update, admission: Arc<Admission>| admission.ticket(&update))
        .branch(Update::filter_message().endpoint(on_message))
        .branch(Update::filter_edited_message().endpoint(on_message))
        .branch(Update::filter_callback_query().endpoint(on_callback))
        .branch(Update::filter_inline_query().endpoint(on_inline_query))
}

async fn on_message(bot: Tg, state: Arc<BotState>, me: Me, message: Message) -> HandlerResult {
    let started = Instant::now();
    let metrics = &state.delivery.metrics;
    metrics.update(if message.edit_date().is_some() {
        "edited_message"
    } else {
        "message"
    });
    let desks = state.desks();
    if let Some(desks) = &desks
        && handoff_message(&bot, &state, desks, &me, &message).await
    {
        return Ok(());
    }
    if !message.chat.is_private() {
        // Its replies consult the group's switch.
        group::on_message(&bot, &state, &me, &message).await;
        return Ok(());
    }
    let Some(input) = input::from_message(&message, me.username()) else {
        return Ok(());
    };
    let content = &*state.content.load_full();
    let locale = content.negotiate(message.from.as_ref().and_then(|u| u.language_code.as_deref()));
    let screen = engine::handle_at(
        content,
        &duties(desks.as_deref()),
        Some(chrono::Utc::now()),
        locale,
        input,
    );
    let outcome = state
        .delivery
        .send(&bot, message.chat.id, &screen, priority(content, &screen))
        .await
        .map(drop);
    log_update(kind_of(&input), content, &screen, &outcome, started, metrics);
    Ok(())
}

/// Messages of the lines: replies to their prompts, cards and answers,
/// their commands, the follow-up link. True when handled.
/// Outside private chats only the duty chats' replies and the roster
/// commands (which the flow answers in the duty chats only): the line never
/// speaks in another group, whose replies consult its switch (`group`).
async fn handoff_message(bot: &Tg, state: &BotState, desks: &Desks, me: &Me, message: &Message) -> bool {
    let private = message.chat.is_private();
    if (private || is_duty_chat(desks, message.chat.id))
        && let Some(incoming) = handoff::classify(message, me)
    {
        handoff::on_incoming(bot, state, desks, me, message, incoming).await;
        return true;
    }
    let Some((name, argument)) = input::command(message, me.username()) else {
        return false;
    };
    let command = match name.as_str() {
        "oncall" => Command::OnCall,
        "roster" => Command::Roster,
        "reload" => Command::Reload,
        // A `/start` payload is read in private chats only.
        "start" if private => {
            return match handoff::follow_up_link(&state.content.load_full(), argument) {
                Some(ticket) => {
                    handoff::on_follow_up_link(bot, state, desks, me, message, ticket).await;
                    true
                }
                None => false,
            };
        }
        _ => return false,
    };
    handoff::on_command(bot, state, desks, me, message, command).await;
    true
}

async fn on_callback(bot: Tg, state: Arc<BotState>, me: Me, query: CallbackQuery) -> HandlerResult {
    let started = Instant::now();
    state.delivery.metrics.update("callback_query");
    let desks = state.desks();
    if refused_outside_private(&query, desks.as_deref()) {
        state.delivery.answer_callback(&bot, query.id.clone(), None).await;
        tracing::info!(update = "callback", "a tap refused outside a private chat");
        return Ok(());
    }
    if companion::on_callback(&bot, &state, &query).await {
        return Ok(());
    }
    if let Some(desks) = &desks
        && handoff::on_callback(&bot, &state, desks, &me, &query).await
    {
        return Ok(());
    }
    let content = &*state.content.load_full();
    if clear::refused_outside_private(&bot, &state, content, &query).await {
        return Ok(());
    }
    let locale = content.negotiate(query.from.language_code.as_deref());
    let screen = engine::handle_at(
        content,
        &duties(desks.as_deref()),
        Some(chrono::Utc::now()),
        locale,
        Input::Callback {
            data: query.data.as_deref().unwrap_or_default(),
        },
    );
    state
        .delivery
        .answer_callback(&bot, query.id.clone(), screen.toast)
        .await;
    let Some(message) = &query.message else {
        // A button under a message sent through inline mode: nothing to edit here.
        return Ok(());
    };
    let chat = message.chat().id;
    // Only a menu becomes another menu: a forged button under a case card or
    // an answer must not overwrite it.
    let editable = screen.media.is_none()
        && message
            .regular_message()
            .is_some_and(|m| m.text().is_some() && is_menu(m));
    // Never in a group: refused above before the engine saw the tap, and
    // checked again where it matters.
    let priority = priority(content, &screen);
    let outcome = if screen.shows == Shows::Clearing && message.chat().is_private() {
        clear::clear(&bot, &state, content, chat, &screen).await
    } else if editable {
        state.delivery.edit(&bot, chat, message.id(), &screen, priority).await
    } else {
        state.delivery.send(&bot, chat, &screen, priority).await.map(drop)
    };
    log_update("callback", content, &screen, &outcome, started, &state.delivery.metrics);
    Ok(())
}

async fn on_inline_query(bot: Tg, state: Arc<BotState>, me: Me, query: InlineQuery) -> HandlerResult {
    state.delivery.metrics.update("inline_query");
    if let Err(error) = inline::answer(&bot, &state.content.load_full(), &me, &query).await {
        tracing::warn!(update = "inline", error = %error_kind(&error), "inline answer failed");
    }
    Ok(())
}

/// Whether `query`, tapped outside a private chat, is refused before
/// anyone sees it. The bot puts only case buttons into shared chats (and
/// only into duty chats), so every other tap there is forged (Telegram
/// lets a client send any data, DESIGN: "forged callback data"): a menu
/// would turn a group's short answer into the main menu, a companion
/// would start check-ins, feedback would overwrite a card. "Clear this
/// chat" and "Write your question" pass to their owners, which refuse them
/// with an explanation.
fn refused_outside_private(query: &CallbackQuery, desks: Option<&Desks>) -> bool {
    let Some(message) = &query.message else {
        // An inline-mode message: nothing there is edited or started.
        return false;
    };
    let chat = message.chat();
    if chat.is_private() {
        return false;
    }
    match Prefix::of_callback(query.data.as_deref().unwrap_or_default()) {
        Some((Prefix::ClearChat | Prefix::Ask, _)) => false,
        Some((Prefix::Take | Prefix::Resolve | Prefix::Reopen | Prefix::Case, _)) => {
            !desks.is_some_and(|desks| is_duty_chat(desks, chat.id))
        }
        _ => true,
    }
}

/// Whether `chat` is the duty chat of one of the lines.
fn is_duty_chat(desks: &Desks, chat: ChatId) -> bool {
    desks.iter().any(|desk| desk.roster.duty_chat() == chat.0)
}

/// Whether `message` is a menu: it has buttons, and every one is a menu
/// button (or "Write your question", or "Clear this chat" and its
/// confirmation). A message with no buttons (a group's short answer, an
/// answer) is not.
fn is_menu(message: &Message) -> bool {
    let data = handoff::keyboard_data(message);
    !data.is_empty()
        && data.iter().all(|data| {
            matches!(
                Prefix::of_callback(data),
                Some((Prefix::Menu | Prefix::Ask | Prefix::ClearChat | Prefix::Companion, _))
            )
        })
}

fn kind_of(input: &Input<'_>) -> &'static str {
    match input {
        Input::Start { .. } => "start",
        Input::Callback { .. } => "callback",
        Input::Text { .. } => "text",
        Input::Unsupported { .. } => "unsupported",
        Input::Help => "help",
        Input::About => "about",
        Input::Privacy => "privacy",
        Input::Language => "language",
    }
}

/// One line per update: what kind, what was shown, how it went, how long.
fn log_update(
    kind: &str,
    content: &Content,
    screen: &Screen<'_>,
    outcome: &Result<(), Failure>,
    started: Instant,
    metrics: &Metrics,
) {
    let shown = match screen.shows {
        Shows::Node(node) => content.node(node).id(),
        Shows::CheckIn(_) => "(check-in)",
        Shows::CompanionNote => "(check-ins over)",
        Shows::SearchResults => "(search results)",
        Shows::Help => "(help)",
        Shows::About => "(about)",
        Shows::Privacy => "(privacy)",
        Shows::ClearConfirm => "(clear confirm)",
        Shows::Clearing => "(clearing)",
        Shows::Cleared => "(cleared)",
        Shows::LanguageChoice => "(language choice)",
    };
    metrics.screen(shown);
    metrics.handled(started.elapsed());
    let micros = started.elapsed().as_micros() as u64;
    match outcome {
        Ok(()) => tracing::info!(update = kind, shown, notice = ?screen.notice, micros, "answered"),
        Err(Failure::RecipientGone) => {
            tracing::info!(update = kind, shown, micros, "recipient gone (blocked or deleted)")
        }
        Err(Failure::Failed(error)) => {
            tracing::warn!(update = kind, shown, error = %error_kind(error), micros, "delivery failed")
        }
    }
}
