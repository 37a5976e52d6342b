//! The doctors' line (and every other line of the roster, each run on its
//! own [`Desk`]) as one pure flow: an event in (a question, a tap on a
//! case button, a doctor's reply, a follow-up, a timer), a plan of actions
//! out (send, copy, edit, count, tell the person). The Telegram adapter and
//! the console only carry plans out, so nothing about the line is decided
//! twice.
//!
//! An action whose result matters names the [`Step`] it belongs to; the
//! executor hands the step back with the result as [`Event::Outcome`], and
//! the flow plans what follows (copy the question under the card that just
//! arrived; try the duty chat when a doctor's chat refused). No I/O and no
//! clock: the time is [`Ctx::now`], so the flow (its timers and the
//! question limit alike) runs as well on a simulated clock as on the real
//! one.
//!
//! Configuration and memory are apart: [`Ctx`] holds what is read only and
//! swapped whole on reload (content, the line's [`Desk`]: roster and key);
//! [`LineState`] holds what the line remembers between events (each line's
//! [`Cases`], the timers of cases not yet taken or answered; the question
//! limit; the refusals told in shared chats), in RAM only, and is driven
//! through `&mut self` like the companion, by the one driver
//! ([`crate::drive`]). No locks in here: the adapter holding a
//! `LineState` decides how it is shared.

mod card;
mod cases;
mod counts;
mod doctor;
mod person;
mod state;

pub use cases::Cases;
pub use counts::HandoffEvent;
pub use state::LineState;

use chrono::{DateTime, Duration, Utc};

use super::Desk;
use super::seal::{CaseCode, OpenError};
use super::{QuestionLimit, Refusals};
use crate::content::{Content, Locale};
use crate::engine::{Button, CallbackData, Screen};
use crate::i18n::Msg;
use crate::markup::escape_html;
use crate::payload::CaseAction;

/// What every decision may look at.
#[derive(Clone, Copy)]
pub struct Ctx<'a> {
    pub content: &'a Content,
    pub desk: &'a Desk,
    /// The time of the event: the real clock in Telegram, a simulated one
    /// in the console and the tests.
    pub now: DateTime<Utc>,
    /// The bot's username, for the links in prompts.
    pub bot: &'a str,
}

/// Who an update came from and where.
#[derive(Clone, Copy, Debug)]
pub struct Sender<'a> {
    pub user: i64,
    pub chat: i64,
    /// A private chat with the bot, not a group.
    pub private: bool,
    /// The language of the sender's Telegram app.
    pub language: Option<&'a str>,
}

/// A message of the line, as the facts the flow needs.
#[derive(Clone, Copy, Debug)]
pub struct Said<'a> {
    pub id: i32,
    /// Its text or caption ("" for none): read only to see whether it
    /// describes an emergency, never logged or kept.
    pub text: &'a str,
    /// Text, photo, voice, video note or audio: what people can open safely.
    pub relayable: bool,
    pub edited: bool,
    pub date: DateTime<Utc>,
    /// The bot's message it replies to: its id and when it was sent.
    pub replied: Option<(i32, DateTime<Utc>)>,
}

/// The message a case button was tapped under.
#[derive(Clone, Debug)]
pub struct Card<'a> {
    pub chat: i64,
    pub id: i32,
    /// As Telegram holds it, in HTML.
    pub html: &'a str,
    pub date: DateTime<Utc>,
    /// The callback data of its buttons.
    pub buttons: Vec<&'a str>,
}

/// The doctors' and coordinators' commands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Command {
    /// Who is on shift now.
    OnCall,
    /// The next seven days.
    Roster,
    /// Reload content, locales and roster.
    Reload,
}

/// Something that happened to the line.
#[derive(Clone, Debug)]
pub enum Event<'a> {
    /// A reply to a question prompt asked from `position` (the menu
    /// position in the prompt's link, decoded at the door).
    Question {
        from: Sender<'a>,
        said: Said<'a>,
        position: CallbackData,
    },
    /// A person's reply to an answer or to its "write back" prompt.
    FollowUp {
        from: Sender<'a>,
        said: Said<'a>,
        ticket: &'a str,
    },
    /// A reply to a case card or a copied question.
    Answer {
        from: Sender<'a>,
        said: Said<'a>,
        ticket: &'a str,
    },
    /// "Write your question" tapped, from `position` (decoded at the
    /// door; `None` when the button's data does not decode).
    Ask {
        from: Sender<'a>,
        position: Option<CallbackData>,
    },
    /// "Write back" tapped (`tapped`) or its link opened.
    WriteBack {
        from: Sender<'a>,
        ticket: &'a str,
        tapped: bool,
    },
    /// Take, Resolve, Reopen on a card, or the button under a copy.
    CaseTap {
        from: Sender<'a>,
        action: CaseAction,
        ticket: &'a str,
        /// None for a button under an inline message.
        card: Option<Card<'a>>,
    },
    /// "Send this to the doctor on duty" under a photo or voice message.
    SendToDoctor { from: Sender<'a>, message: &'a str },
    /// "Did this help?" answered; `message` is the question's.
    Feedback {
        from: Sender<'a>,
        answer: &'a str,
        message: Option<i32>,
    },
    /// A roster command, in message `message`.
    Command {
        from: Sender<'a>,
        command: Command,
        message: i32,
    },
    /// The time has come for the earliest of [`LineState::next_due`].
    Tick,
    /// The process stops: the running timers are lost.
    Shutdown,
    /// The result of an action that named a step.
    Outcome {
        step: Step,
        result: Result<i32, Undelivered>,
    },
}

/// Why a message did not arrive.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Undelivered {
    /// The recipient blocked the bot or deleted the chat.
    Gone,
    Failed,
}

/// Whether a copy may be forwarded or saved from the chat it lands in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Protect {
    /// A person's question or follow-up to a doctor: it stays in that chat.
    NoForwarding,
    /// A doctor's answer to a person, who may need to pass the advice on to
    /// whoever is with the one in trouble.
    Shareable,
}

/// The markup under a sent message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Keyboard<'c> {
    None,
    Buttons(Vec<Vec<Button<'c>>>),
    /// Opens a reply to this message: how a stateless bot knows what a
    /// message answers.
    ForceReply,
}

/// One thing to do. Chats and messages are Telegram ids.
#[derive(Clone, Debug)]
pub enum Action<'c> {
    /// HTML text.
    Send {
        to: i64,
        html: String,
        keyboard: Keyboard<'c>,
        reply_to: Option<i32>,
        /// About a life in danger: it goes before menus when Telegram's
        /// overall rate is the limit.
        urgent: bool,
        then: Option<Step>,
    },
    /// A message copied without "forwarded from".
    Copy {
        to: i64,
        from: i64,
        message: i32,
        buttons: Vec<Vec<Button<'c>>>,
        reply_to: Option<i32>,
        protect: Protect,
        urgent: bool,
        then: Option<Step>,
    },
    /// Replaces a message's HTML text and buttons (none: removed).
    Edit {
        chat: i64,
        message: i32,
        html: String,
        buttons: Vec<Vec<Button<'c>>>,
        then: Option<Step>,
    },
    /// A page of the content (the emergency page).
    Screen {
        to: i64,
        screen: Box<Screen<'c>>,
    },
    /// The answer to the tapped button (the spinner stops either way).
    Toast(Option<String>),
    Count(HandoffEvent),
    /// Timers lost by a stop, counted and logged (never which cases).
    TimersLost(u64),
    /// From a case card reaching the doctors to a doctor taking it.
    TimeToTake(Duration),
    /// From the answered message reaching the doctors to the answer.
    TimeToAnswer(Duration),
    /// Reload content, locales and roster; the summary answers `reply_to`.
    Reload {
        to: i64,
        reply_to: i32,
    },
}

/// Where a result continues the flow. Owned: it outlives the event that
/// planned it, only until its action is done.
#[derive(Clone, Debug)]
pub enum Step {
    PromptSent,
    /// A case card arrived (or not): next, the question under it.
    CardSent(Box<card::Transit>),
    QuestionCopied {
        transit: Box<card::Transit>,
        card: i32,
    },
    /// The header above an answer arrived: next, the answer.
    AnswerHeader(Box<doctor::Answering>),
    AnswerCopied(Box<doctor::Answering>),
    FollowUpCopied {
        person: i64,
        message: i32,
        locale: [u8; 2],
        case: CaseCode,
    },
    /// A card shows its new status: tell the person, move the timers.
    CardMarked(Box<doctor::Marked>),
}

/// What one event on one line may change: that line's cases, and the
/// limit and refusals every line shares. Borrowed from [`LineState`] for
/// the event only.
struct Memory<'s> {
    cases: &'s mut Cases,
    limit: &'s mut QuestionLimit,
    refusals: &'s mut Refusals,
}

/// The plan for `event` on `ctx.desk`'s line.
fn plan<'c>(ctx: &Ctx<'c>, mem: &mut Memory<'_>, event: Event<'_>) -> Vec<Action<'c>> {
    let mut plan = Plan::default();
    match event {
        Event::Question { from, said, position } => person::question(ctx, mem, &mut plan, from, said, position),
        Event::FollowUp { from, said, ticket } => person::follow_up(ctx, mem, &mut plan, from, said, ticket),
        Event::Ask { from, position } => person::ask(ctx, &mut plan, from, position),
        Event::WriteBack { from, ticket, tapped } => person::write_back(ctx, &mut plan, from, ticket, tapped),
        Event::SendToDoctor { from, message } => person::send_to_doctor(ctx, mem, &mut plan, from, message),
        Event::Feedback { from, answer, message } => person::feedback(ctx, &mut plan, from, answer, message),
        Event::Answer { from, said, ticket } => doctor::answer(ctx, mem, &mut plan, from, said, ticket),
        Event::CaseTap {
            from,
            action,
            ticket,
            card,
        } => doctor::case_tap(ctx, &mut plan, from, action, ticket, card),
        Event::Command { from, command, message } => doctor::command(ctx, mem, &mut plan, from, command, message),
        Event::Tick => cases::tick(ctx, mem.cases, &mut plan),
        Event::Shutdown => cases::shutdown(ctx, mem.cases, &mut plan),
        Event::Outcome { step, result } => outcome(ctx, mem, &mut plan, step, result),
    }
    plan.actions
}

fn outcome<'c>(ctx: &Ctx<'c>, mem: &mut Memory<'_>, plan: &mut Plan<'c>, step: Step, result: Result<i32, Undelivered>) {
    match step {
        Step::PromptSent => plan.count(if result.is_ok() {
            HandoffEvent::PromptSent
        } else {
            HandoffEvent::PromptFailed
        }),
        Step::CardSent(transit) => person::card_sent(ctx, mem, plan, *transit, result),
        Step::QuestionCopied { transit, card } => person::question_copied(ctx, mem, plan, *transit, card, result),
        Step::FollowUpCopied {
            person,
            message,
            locale,
            case,
        } => person::follow_up_copied(ctx, plan, person, message, locale, case, result),
        Step::AnswerHeader(answering) => doctor::header_sent(ctx, mem, plan, *answering, result),
        Step::AnswerCopied(answering) => doctor::answer_copied(ctx, mem, plan, *answering, result),
        Step::CardMarked(marked) => doctor::card_marked(ctx, mem, plan, *marked, result),
    }
}

/// The actions planned so far, with the phrases every part uses.
#[derive(Default)]
struct Plan<'c> {
    actions: Vec<Action<'c>>,
}

impl<'c> Plan<'c> {
    fn count(&mut self, event: HandoffEvent) {
        self.actions.push(Action::Count(event));
    }

    /// Plain text, escaped into HTML.
    fn say(&mut self, to: i64, text: &str, reply_to: Option<i32>) {
        self.send(to, escape_html(text), Keyboard::None, reply_to, None);
    }

    fn send(&mut self, to: i64, html: String, keyboard: Keyboard<'c>, reply_to: Option<i32>, then: Option<Step>) {
        self.actions.push(Action::Send {
            to,
            html,
            keyboard,
            reply_to,
            urgent: false,
            then,
        });
    }

    fn toast(&mut self, text: Option<String>) {
        self.actions.push(Action::Toast(text));
    }
}

/// The person's language, as sealed in their ticket.
fn ticket_locale(content: &Content, code: [u8; 2]) -> Locale {
    std::str::from_utf8(&code)
        .ok()
        .and_then(|code| content.locale_by_code(code))
        .unwrap_or(content.default_locale())
}

fn locale_bytes(code: &str) -> [u8; 2] {
    let bytes = code.as_bytes();
    [
        bytes.first().copied().unwrap_or(b'x'),
        bytes.get(1).copied().unwrap_or(b'x'),
    ]
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

/// Nothing could be delivered: the organisation's contact, the doctors'
/// public contacts, the emergency numbers.
fn failed_text(ctx: &Ctx<'_>, locale: Locale) -> String {
    let ui = ctx.content.ui(locale);
    let mut text = ctx.content.text(
        locale,
        Msg::HandoffFailed,
        &[
            ("organisation", &ui.organisation),
            ("contact", &ui.contact),
            ("numbers", &ui.numbers),
        ],
    );
    for contact in ctx.desk.public_contacts(ctx.now) {
        text.push('\n');
        text.push_str(&contact);
    }
    text
}

fn start_link(bot: &str, payload: &str) -> String {
    format!("https://t.me/{bot}?start={payload}")
}

#[cfg(test)]
mod tests;
