//! Cases with a running timer, in memory: a case nobody has taken moves on
//! to the next doctor on shift, then the duty chat; a taken case nobody has
//! answered reminds its doctor, then goes back to the pool. An entry lives
//! only while its case waits for a doctor (at most [`FORGET_AFTER`]) and
//! holds the person's chat only that long; nothing is written anywhere. A
//! restart loses the timers: [`shutdown`] counts them and tells the duty chat.

use std::collections::HashMap;

use chrono::{DateTime, Duration, Utc};

use super::card::{Asked, Reason, Transit, deliver, minutes};
use super::counts::HandoffEvent;
use super::{Action, Ctx, Plan};
use crate::content::Content;
use crate::handoff::seal::{CaseCode, PersonTicket};
use crate::handoff::{Route, Status, card_buttons, status_line};
use crate::i18n::Msg;
use crate::markup::escape_html;

/// A case no doctor has answered is forgotten after this (its cards stay
/// in the chats, with their buttons).
pub const FORGET_AFTER: Duration = Duration::hours(24);
/// Most cases kept at once: a flood of questions cannot grow memory
/// without bound (the question limit already slows one person).
pub const MAX_CASES: usize = 1000;

/// The cases whose timers run.
#[derive(Debug, Default)]
pub struct Cases {
    open: HashMap<CaseCode, Pending>,
}

impl Cases {
    pub fn new() -> Self {
        Self::default()
    }

    /// When the flow next needs a [`super::Event::Tick`].
    pub fn next_due(&self) -> Option<DateTime<Utc>> {
        self.open
            .values()
            .map(|p| p.due.unwrap_or(p.forget).min(p.forget))
            .min()
    }

    /// Cases with a timer running (or a card on its way).
    pub fn running(&self) -> usize {
        self.open
            .values()
            .filter(|p| p.due.is_some() || p.stage == Stage::InTransit)
            .count()
    }
}

#[derive(Debug)]
struct Pending {
    person: PersonTicket,
    asked: Asked,
    urgent: bool,
    /// The card's text without mark or status.
    card: String,
    /// When the first card arrived.
    opened: DateTime<Utc>,
    cards: Vec<CardRef>,
    /// Routes that have had the case.
    tried: Vec<Route>,
    stage: Stage,
    due: Option<DateTime<Utc>>,
    forget: DateTime<Utc>,
}

/// One card of the case in one chat: what it takes to edit it.
#[derive(Debug)]
struct CardRef {
    chat: i64,
    message: i32,
    ticket: String,
    /// Its text without the status line.
    text: String,
}

#[derive(Debug, PartialEq, Eq)]
enum Stage {
    Waiting,
    /// A card is on its way to the next chat.
    InTransit,
    Taken {
        /// The chat and card it was taken on: where reminders go.
        chat: i64,
        card: i32,
        user: i64,
        reminded: bool,
    },
}

impl Pending {
    fn take_within(&self, ctx: &Ctx<'_>) -> Duration {
        let policy = ctx.desk.roster.escalation();
        if self.urgent {
            policy.urgent_take_within
        } else {
            policy.take_within
        }
    }

    /// Where the case has not been yet: doctors on shift (those speaking
    /// the person's language first), then the duty chat.
    fn untried(&self, ctx: &Ctx<'_>, content: &Content) -> Vec<Route> {
        let language = content.locale_code(super::ticket_locale(content, self.person.locale));
        let roster = &ctx.desk.roster;
        let mut doctors: Vec<_> = roster.on_duty(ctx.now).iter().map(|shift| shift.doctor).collect();
        doctors.sort_by_key(|doctor| !roster.doctor(*doctor).languages.iter().any(|l| l == language));
        doctors
            .into_iter()
            .map(Route::Doctor)
            .chain([Route::DutyChat])
            .filter(|route| !self.tried.contains(route))
            .collect()
    }

    fn transit(&self, reason: Reason, routes: Vec<Route>) -> Transit {
        Transit {
            person: self.person,
            asked: self.asked,
            urgent: self.urgent,
            card: self.card.clone(),
            reason,
            routes,
            ticket: String::new(),
        }
    }
}

/// A card and its question arrived: a new case starts its timer; a case
/// moving on gains a card and waits again.
pub(super) fn arrived(ctx: &Ctx<'_>, cases: &mut Cases, transit: Transit, card: i32) {
    let route = transit.routes[0];
    let card_ref = CardRef {
        chat: ctx.desk.chat_of(route),
        message: card,
        text: transit.text(ctx.content, ctx.desk.card_locale(ctx.content)),
        ticket: transit.ticket,
    };
    let pending = cases.open.entry(transit.person.case).or_insert_with(|| Pending {
        person: transit.person,
        asked: transit.asked,
        urgent: transit.urgent,
        card: transit.card,
        opened: ctx.now,
        cards: Vec::new(),
        tried: Vec::new(),
        stage: Stage::Waiting,
        due: None,
        forget: ctx.now + FORGET_AFTER,
    });
    pending.cards.push(card_ref);
    pending.tried.push(route);
    if matches!(pending.stage, Stage::Waiting | Stage::InTransit) {
        pending.stage = Stage::Waiting;
        pending.due = Some(ctx.now + pending.take_within(ctx));
    }
    if cases.open.len() > MAX_CASES {
        forget_oldest(cases);
    }
}

/// A case moving on reached no chat: it waits and tries again later.
pub(super) fn undelivered(ctx: &Ctx<'_>, cases: &mut Cases, plan: &mut Plan<'_>, case: CaseCode) {
    plan.count(HandoffEvent::EscalationFailed);
    if let Some(pending) = cases.open.get_mut(&case) {
        pending.stage = Stage::Waiting;
        pending.due = Some(ctx.now + pending.take_within(ctx));
    }
}

/// A doctor took the case on one card: the others say so, and the answer
/// timer starts.
pub(super) fn taken<'c>(
    ctx: &Ctx<'c>,
    cases: &mut Cases,
    plan: &mut Plan<'c>,
    case: CaseCode,
    on: (i64, i32),
    user: i64,
    status: &Status<'_>,
) {
    let Some(pending) = cases.open.get_mut(&case) else {
        return;
    };
    edit_cards(ctx, plan, pending, Some(on), status);
    pending.stage = Stage::Taken {
        chat: on.0,
        card: on.1,
        user,
        reminded: false,
    };
    pending.due = Some(ctx.now + ctx.desk.roster.escalation().answer_within);
}

/// Resolved on one card: the others say so, and the case is forgotten.
pub(super) fn resolved<'c>(
    ctx: &Ctx<'c>,
    cases: &mut Cases,
    plan: &mut Plan<'c>,
    case: CaseCode,
    on: (i64, i32),
    status: &Status<'_>,
) {
    if let Some(pending) = cases.open.remove(&case) {
        edit_cards(ctx, plan, &pending, Some(on), status);
    }
}

/// Reopened: the other cards are open again, and the take timer runs.
pub(super) fn reopened<'c>(ctx: &Ctx<'c>, cases: &mut Cases, plan: &mut Plan<'c>, case: CaseCode, on: (i64, i32)) {
    let Some(pending) = cases.open.get_mut(&case) else {
        return;
    };
    edit_cards(ctx, plan, pending, Some(on), &Status::New);
    pending.stage = Stage::Waiting;
    pending.due = Some(ctx.now + pending.take_within(ctx));
}

/// The person has an answer: no more timers for the case.
pub(super) fn answered(cases: &mut Cases, case: CaseCode) {
    cases.open.remove(&case);
}

/// The timers that are due: each case moves on, reminds, or returns.
pub(super) fn tick<'c>(ctx: &Ctx<'c>, cases: &mut Cases, plan: &mut Plan<'c>) {
    let now = ctx.now;
    cases.open.retain(|_, pending| pending.forget > now);
    let mut due: Vec<(DateTime<Utc>, CaseCode)> = cases
        .open
        .iter()
        .filter_map(|(case, pending)| pending.due.filter(|due| *due <= now).map(|due| (due, *case)))
        .collect();
    due.sort_by_key(|(due, _)| *due);
    for (_, case) in due {
        let Some(pending) = cases.open.get_mut(&case) else {
            continue;
        };
        match pending.stage {
            Stage::Waiting => move_on(ctx, plan, pending),
            Stage::Taken {
                chat,
                card,
                reminded: false,
                ..
            } => {
                plan.count(HandoffEvent::Reminded);
                let answer_within = ctx.desk.roster.escalation().answer_within;
                let text = ctx.content.text(
                    ctx.desk.card_locale(ctx.content),
                    Msg::CaseReminder,
                    &[("case", &case.to_string()), ("minutes", &minutes(answer_within))],
                );
                plan.say(chat, &text, Some(card));
                if let Stage::Taken { reminded, .. } = &mut pending.stage {
                    *reminded = true;
                }
                pending.due = Some(now + answer_within);
            }
            Stage::Taken { chat, user, .. } => return_to_pool(ctx, plan, pending, chat, user),
            Stage::InTransit => pending.due = None,
        }
    }
}

/// Not taken in time: the card goes to the next doctor on shift, or the
/// duty chat. When every chat has it already, it waits for a doctor to
/// come on shift and is looked at again after the same time.
fn move_on<'c>(ctx: &Ctx<'c>, plan: &mut Plan<'c>, pending: &mut Pending) {
    let routes = pending.untried(ctx, ctx.content);
    if routes.is_empty() {
        pending.due = Some(ctx.now + pending.take_within(ctx));
        return;
    }
    pending.stage = Stage::InTransit;
    pending.due = None;
    let transit = pending.transit(Reason::NotTaken(ctx.now - pending.opened), routes);
    deliver(ctx, plan, transit);
}

/// Taken and not answered even after the reminder: the cards are open
/// again and a new card goes to someone else (the duty chat at the latest).
fn return_to_pool<'c>(ctx: &Ctx<'c>, plan: &mut Plan<'c>, pending: &mut Pending, chat: i64, user: i64) {
    plan.count(HandoffEvent::ReturnedToPool);
    edit_cards(ctx, plan, pending, None, &Status::New);
    let roster = &ctx.desk.roster;
    let taker = match roster.doctor_by_user(user) {
        Some(doctor) if roster.doctor(doctor).chat == chat => Route::Doctor(doctor),
        _ => Route::DutyChat,
    };
    pending.tried = vec![taker];
    let mut routes = pending.untried(ctx, ctx.content);
    if routes.is_empty() {
        routes.push(Route::DutyChat);
    }
    pending.stage = Stage::InTransit;
    pending.due = None;
    let waited = ctx.desk.roster.escalation().answer_within * 2;
    let transit = pending.transit(Reason::NotAnswered(waited), routes);
    deliver(ctx, plan, transit);
}

/// Every card of the case but `except` shows `status` (with its buttons).
fn edit_cards<'c>(
    ctx: &Ctx<'c>,
    plan: &mut Plan<'c>,
    pending: &Pending,
    except: Option<(i64, i32)>,
    status: &Status<'_>,
) {
    let content = ctx.content;
    let locale = ctx.desk.card_locale(content);
    let line = status_line(content, locale, status);
    for card in &pending.cards {
        if except == Some((card.chat, card.message)) {
            continue;
        }
        plan.actions.push(Action::Edit {
            chat: card.chat,
            message: card.message,
            html: escape_html(&format!("{}\n{line}", card.text)),
            buttons: card_buttons(content, locale, status, &card.ticket),
            then: None,
        });
    }
}

fn forget_oldest(cases: &mut Cases) {
    if let Some(oldest) = cases.open.iter().min_by_key(|(_, p)| p.opened).map(|(case, _)| *case) {
        cases.open.remove(&oldest);
    }
}

/// The process stops: its timers are lost. Counted and logged, and the
/// duty chat told how many (never which) so someone looks at the cards.
pub(super) fn shutdown<'c>(ctx: &Ctx<'c>, cases: &Cases, plan: &mut Plan<'c>) {
    let running = cases.running();
    if running == 0 {
        return;
    }
    plan.actions.push(Action::TimersLost(running as u64));
    let text = ctx.content.text(
        ctx.desk.card_locale(ctx.content),
        Msg::CaseTimersLost,
        &[("count", &running.to_string())],
    );
    plan.say(ctx.desk.roster.duty_chat(), &text, None);
}
