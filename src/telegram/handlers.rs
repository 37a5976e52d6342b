//! The dispatcher schema and one small handler per update kind: read the
//! update into facts, let `crate::router` say whose it is, hand it to that
//! owner (the engine's screens are delivered here), log what was shown
//! (node ids and notices only: never who asked or what they wrote).

use std::convert::Infallible;
use std::sync::Arc;
use std::time::Instant;

use teloxide::dispatching::UpdateHandler;
use teloxide::prelude::*;
use teloxide::types::{InlineQuery, Me};

use super::admission::Admission;
use super::delivery::{Failure, Tg, error_kind, priority};
use super::state::BotState;
use super::{clear, companion, facts, group, inline, input, plans};
use crate::content::Content;
use crate::engine::{self, Duties, Input, Screen, Shows};
use crate::handoff::Desks;
use crate::metrics::Metrics;
use crate::router::{self, Refusal, Routed};

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
    let links = facts::start_links(&message);
    let command = input::command(&message, me.username());
    let facts = facts::message(&message, &me, desks.as_deref(), &links, command.as_ref());
    let input = match (router::message(&facts), &desks) {
        (Routed::Line(event), Some(desks)) => {
            plans::carry_out(&bot, &state, desks, me.username(), None, event).await;
            return Ok(());
        }
        // Its replies consult the group's switch.
        (Routed::Group, _) => {
            group::on_message(&bot, &state, &me, &message).await;
            return Ok(());
        }
        (Routed::Menu(input), _) => input,
        _ => return Ok(()),
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

async fn on_callback(bot: Tg, state: Arc<BotState>, me: Me, query: CallbackQuery) -> HandlerResult {
    let started = Instant::now();
    state.delivery.metrics.update("callback_query");
    let desks = state.desks();
    let html = facts::card_html(&query);
    let facts = facts::tap(&query, desks.as_deref(), html.as_deref());
    let data = match (router::tap(&facts), &desks) {
        (Routed::Menu(Input::Callback { data }), _) => data,
        (Routed::Companion(crate::companion::Event::Tap { chat, data }), _) => {
            companion::on_tap(&bot, &state, &query.id, chat, data);
            return Ok(());
        }
        (Routed::Line(event), Some(desks)) => {
            plans::carry_out(&bot, &state, desks, me.username(), Some(&query.id), event).await;
            return Ok(());
        }
        (Routed::Refused(Refusal::ClearOutsidePrivate), _) => {
            clear::refuse_outside_private(&bot, &state, &state.content.load_full(), &query).await;
            return Ok(());
        }
        (Routed::Refused(Refusal::ForgedOutsidePrivate), _) => {
            state.delivery.answer_callback(&bot, query.id.clone(), None).await;
            tracing::info!(update = "callback", "a tap refused outside a private chat");
            return Ok(());
        }
        // Nothing else comes of a tap; its spinner is stopped all the same.
        _ => {
            state.delivery.answer_callback(&bot, query.id.clone(), None).await;
            return Ok(());
        }
    };
    let content = &*state.content.load_full();
    let locale = content.negotiate(query.from.language_code.as_deref());
    let screen = engine::handle_at(
        content,
        &duties(desks.as_deref()),
        Some(chrono::Utc::now()),
        locale,
        Input::Callback { data },
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
            .is_some_and(|m| m.text().is_some() && router::is_menu(&facts::keyboard_data(m)));
    // Never in a group: refused at the door before the engine saw the tap,
    // and checked again where it matters.
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
