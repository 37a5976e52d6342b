//! A case card on its way to a chat: what travels with it ([`Transit`]),
//! why it is sent ([`Reason`]), and sending it to the route it tries first.
//! Shared by the person's side (a new case) and the cases' timers (a case
//! moving on), so that neither imports the other for it.

use chrono::Duration;

use super::{Ctx, Keyboard, Plan, Step};
use crate::content::{Content, Locale};
use crate::handoff::seal::PersonTicket;
use crate::handoff::{Route, Status, card_buttons, status_line};
use crate::i18n::Msg;
use crate::markup::escape_html;

/// The person's message a case is about, by reference: it is copied from
/// the person's own chat, and nothing of it is kept.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Asked {
    pub chat: i64,
    pub message: i32,
}

/// A case card on its way to a chat, with what to do next.
#[derive(Clone, Debug)]
pub struct Transit {
    pub(super) person: PersonTicket,
    pub(super) asked: Asked,
    pub(super) urgent: bool,
    /// The card's text without a status or a mark: every card of the case
    /// starts with it.
    pub(super) card: String,
    pub(super) reason: Reason,
    /// Where it goes: the first is being tried, the others if that fails.
    pub(super) routes: Vec<Route>,
    /// The person's ticket sealed for the first route's chat.
    pub(super) ticket: String,
}

impl Transit {
    /// The route being tried.
    pub(super) fn route(&self) -> Route {
        self.routes[0]
    }

    /// The card as sent: the mark of an escalation first, then the card.
    pub(super) fn text(&self, content: &Content, locale: Locale) -> String {
        match self.reason.mark(content, locale) {
            Some(mark) => format!("{mark}\n{}", self.card),
            None => self.card.clone(),
        }
    }
}

/// Why a card is sent, which its first line says for a case moving on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reason {
    New,
    /// Nobody took it for this long.
    NotTaken(Duration),
    /// Taken but not answered for this long: back in the pool.
    NotAnswered(Duration),
}

impl Reason {
    pub(super) fn mark(self, content: &Content, locale: Locale) -> Option<String> {
        let (message, waited) = match self {
            Reason::New => return None,
            Reason::NotTaken(waited) => (Msg::CaseEscalated, waited),
            Reason::NotAnswered(waited) => (Msg::CaseReturned, waited),
        };
        Some(content.text(locale, message, &[("minutes", &minutes(waited))]))
    }
}

/// Sends `transit`'s card to its first route, with buttons holding the
/// person's ticket sealed for that chat alone.
pub(super) fn deliver<'c>(ctx: &Ctx<'c>, plan: &mut Plan<'c>, mut transit: Transit) {
    let content = ctx.content;
    let chat = ctx.desk.chat_of(transit.route());
    transit.ticket = ctx.desk.sealer.seal_person(&transit.person, chat, ctx.now);
    let locale = ctx.desk.card_locale(content);
    let status = status_line(content, locale, &Status::New);
    let html = escape_html(&format!("{}\n{status}", transit.text(content, locale)));
    let buttons = card_buttons(content, locale, &Status::New, &transit.ticket);
    plan.actions.push(super::Action::Send {
        to: chat,
        html,
        keyboard: Keyboard::Buttons(buttons),
        reply_to: None,
        urgent: transit.urgent,
        then: Some(Step::CardSent(Box::new(transit))),
    });
}

/// Whole minutes, as cards and reminders say them.
pub(super) fn minutes(duration: Duration) -> String {
    duration.num_minutes().max(1).to_string()
}
