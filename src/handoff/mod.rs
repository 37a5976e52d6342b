//! The doctors' line: a person's question goes to the doctor on duty (or the
//! duty chat), the doctor's reply comes back, and neither learns who the
//! other is. Nothing is stored: each side's address travels sealed inside
//! the other side's buttons ([`seal`]). The roster's other lines (the
//! outreach workers') work the same way, each a [`Desk`] of its own; which
//! line an event goes to is decided by [`Desks::lines_for`] only.
//!
//! This module decides (who gets a case, what a card says, which buttons it
//! carries); `crate::router` says which events are the line's, and
//! `telegram::plans` and `console::line` carry its plans out. No I/O and no clock (the
//! time is an argument); randomness only for nonces and case codes.
//!
//! What is configured ([`Desks`]: the rosters and the key) is read only and
//! swapped whole on reload; what the lines remember (cases and their
//! timers, the question limit, refusals) is one [`LineState`], owned by the
//! adapter and driven through `&mut self` (see [`flow`]).

mod desks;
pub mod epoch;
pub mod flow;
pub mod limit;
pub mod refusals;
pub mod seal;

use std::borrow::Cow;
use std::sync::Arc;

use chrono::{DateTime, Utc};

pub use desks::{Desks, SharedDesk, line_at};
pub use epoch::{EpochKey, KeyFileError, TICKET_LIFETIME_DAYS, epoch_of};
pub use flow::{HandoffEvent, LineState};
pub use limit::QuestionLimit;
pub use refusals::Refusals;
pub use seal::{CaseCode, DoctorTicket, OpenError, PersonTicket, Sealer, expiry_from};

use crate::content::{Content, Locale};
use crate::engine::{Button, CallbackData, Duty};
use crate::i18n::Msg;
use crate::markup::escape_html;
use crate::payload::{CaseAction, Prefix, Tap};
use crate::roster::{DoctorIdx, Roster};

/// A case button's action and its sealed person's ticket.
pub fn parse_case_button(data: &str) -> Option<(CaseAction, &str)> {
    match Tap::parse(data) {
        Tap::Case { action, ticket } => Some((action, ticket)),
        _ => None,
    }
}

/// Where a case card is sent.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Route {
    /// The doctor on shift (their private chat).
    Doctor(DoctorIdx),
    /// Nobody on shift: the duty group chat.
    DutyChat,
}

/// How a card describes the case's progress.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Status<'a> {
    New,
    Taken { by: &'a str, at: &'a str },
    Resolved { by: &'a str, at: &'a str },
}

/// One line (the doctors', the outreach workers'): its roster and the key
/// (shared by all lines, see [`Desks`]): the configuration the flow reads.
/// What the line remembers is in [`LineState`], not here.
pub struct Desk {
    pub roster: Roster,
    pub sealer: Arc<Sealer>,
}

impl Desk {
    pub fn new(roster: Roster, sealer: Sealer) -> Self {
        Desk {
            roster,
            sealer: Arc::new(sealer),
        }
    }
}

impl Desk {
    /// What the "Ask a doctor" screen says at `now`: display names and
    /// languages only.
    pub fn duty(&self, now: DateTime<Utc>) -> Duty {
        let on_duty = self.roster.on_duty(now);
        if on_duty.is_empty() {
            return Duty::OffHours {
                next: self.roster.next_shift(now).map(|shift| self.local_time(shift.start)),
            };
        }
        Duty::OnShift(on_duty.iter().map(|s| self.roster.names(&[s.doctor])).collect())
    }

    /// Who gets a new case from a person writing in `language`: a doctor on
    /// shift who speaks it (else any doctor on shift), else the duty chat.
    pub fn route(&self, now: DateTime<Utc>, language: &str) -> Route {
        let on_duty = self.roster.on_duty(now);
        let speaks =
            |shift: &&crate::roster::Shift| self.roster.doctor(shift.doctor).languages.iter().any(|l| l == language);
        on_duty
            .iter()
            .find(speaks)
            .or(on_duty.first())
            .map_or(Route::DutyChat, |shift| Route::Doctor(shift.doctor))
    }

    pub fn chat_of(&self, route: Route) -> i64 {
        match route {
            Route::Doctor(doctor) => self.roster.doctor(doctor).chat,
            Route::DutyChat => self.roster.duty_chat(),
        }
    }

    /// The locale doctors read cards in: the roster's language if the
    /// content has it, else the content's default.
    pub fn card_locale(&self, content: &Content) -> Locale {
        self.roster
            .language()
            .and_then(|code| content.locale_by_code(code))
            .unwrap_or(content.default_locale())
    }

    /// "25.11 20:00 (Europe/Moscow)": numeric, so it reads the same in every language.
    pub fn local_time(&self, at: DateTime<Utc>) -> String {
        let zone = self.roster.zone();
        format!("{} ({zone})", at.with_timezone(&zone).format("%d.%m %H:%M"))
    }

    /// "Dr Anna: +7 900 …" for the doctors who gave a public contact (at
    /// most three, those on shift first): offered when a question could not
    /// be delivered.
    pub fn public_contacts(&self, now: DateTime<Utc>) -> Vec<String> {
        let on_duty: Vec<DoctorIdx> = self.roster.on_duty(now).iter().map(|s| s.doctor).collect();
        let mut doctors: Vec<(DoctorIdx, &crate::roster::Doctor)> = self.roster.doctors().collect();
        doctors.sort_by_key(|(index, _)| !on_duty.contains(index));
        doctors
            .into_iter()
            .filter_map(|(_, d)| d.contact.as_ref().map(|c| format!("{}: {c}", d.name)))
            .take(3)
            .collect()
    }

    /// The name a doctor's card actions are signed with.
    pub fn signature(&self, content: &Content, user: i64) -> String {
        match self.roster.doctor_by_user(user) {
            Some(doctor) => self.roster.doctor(doctor).name.clone(),
            None => content.text(self.card_locale(content), Msg::CaseCoordinator, &[]),
        }
    }
}

/// "Overdose help › Naloxone › Ask a doctor": the screens before the
/// question, from the "Write your question" button's data.
pub fn path_of(content: &Content, locale: Locale, data: &CallbackData) -> String {
    std::iter::once(content.root())
        .chain(
            data.crumbs
                .iter()
                .chain([&data.target])
                .filter_map(|key| content.node_by_key(*key)),
        )
        .map(|node| content.node(node).title(locale))
        .collect::<Vec<_>>()
        .join(" › ")
}

impl Desk {
    /// What the person is told once their question reached `route`: the
    /// doctor has it; or nobody is on shift and it waits for the next shift
    /// (saying when that starts); or the duty team has it.
    pub fn confirmation(
        &self,
        content: &Content,
        locale: Locale,
        route: Route,
        case: CaseCode,
        now: DateTime<Utc>,
    ) -> String {
        let next = match (route, self.duty(now)) {
            (Route::DutyChat, Duty::OffHours { next: Some(next) }) => Some(next),
            _ => None,
        };
        let doctors = self.roster.line() == crate::roster::DOCTORS_LINE;
        let to = match (route, &next) {
            (Route::Doctor(_), _) if doctors => "doctor",
            (Route::Doctor(_), _) => "worker",
            (Route::DutyChat, Some(_)) => "waiting",
            (Route::DutyChat, None) if doctors => "team",
            (Route::DutyChat, None) => "worker-team",
        };
        content.text(
            locale,
            Msg::HandoffSent,
            &[
                ("case", &case.to_string()),
                ("to", to),
                ("numbers", &content.ui(locale).numbers),
                ("next", next.as_deref().unwrap_or_default()),
            ],
        )
    }
}

/// Whether a question asked from `position` is urgent: the page it was
/// asked from, or one before it, is about a life-threatening situation.
pub fn urgent_path(content: &Content, data: &CallbackData) -> bool {
    data.crumbs
        .iter()
        .chain([&data.target])
        .filter_map(|key| content.node_by_key(*key))
        .any(|node| content.node(node).is_urgent())
}

/// A new case card without its status line, plain text (escape it for
/// HTML). An urgent case says so in its first line.
#[allow(clippy::too_many_arguments)] // one argument per part of the card
pub fn case_card(
    content: &Content,
    locale: Locale,
    line: &str,
    case: CaseCode,
    language: &str,
    time: &str,
    path: &str,
    urgent: bool,
) -> String {
    let card = content.text(
        locale,
        Msg::CaseCard,
        &[
            ("case", &case.to_string()),
            ("language", language),
            ("time", time),
            ("path", path),
            ("line", line),
        ],
    );
    if urgent {
        format!("{}\n{card}", content.text(locale, Msg::CaseUrgent, &[]))
    } else {
        card
    }
}

pub fn status_line(content: &Content, locale: Locale, status: &Status<'_>) -> String {
    match status {
        Status::New => content.text(locale, Msg::CaseStatusNew, &[]),
        Status::Taken { by, at } => content.text(locale, Msg::CaseStatusTaken, &[("doctor", by), ("time", at)]),
        Status::Resolved { by, at } => content.text(locale, Msg::CaseStatusResolved, &[("doctor", by), ("time", at)]),
    }
}

/// `card` (HTML) with its last line, the status, replaced.
pub fn with_status(card: &str, status: &str) -> String {
    let body = card.rsplit_once('\n').map_or(card, |(body, _)| body);
    format!("{body}\n{}", escape_html(status))
}

/// The buttons under a card: what can be done next, each carrying the ticket.
pub fn card_buttons<'c>(
    content: &'c Content,
    locale: Locale,
    status: &Status<'_>,
    ticket: &str,
) -> Vec<Vec<Button<'c>>> {
    let button = |id: Msg, prefix: Prefix| Button {
        label: Cow::Owned(content.text(locale, id, &[])),
        data: prefix.with(ticket),
    };
    vec![match status {
        Status::New => vec![
            button(Msg::ButtonTake, Prefix::Take),
            button(Msg::ButtonResolve, Prefix::Resolve),
        ],
        Status::Taken { .. } => vec![button(Msg::ButtonResolve, Prefix::Resolve)],
        Status::Resolved { .. } => vec![button(Msg::ButtonReopen, Prefix::Reopen)],
    }]
}

/// The one button under a copied question or follow-up: it carries the
/// ticket so a reply to the copy finds the person.
pub fn copy_button<'c>(content: &'c Content, locale: Locale, case: CaseCode, ticket: &str) -> Vec<Vec<Button<'c>>> {
    vec![vec![Button {
        label: Cow::Owned(content.text(locale, Msg::CaseFollowup, &[("case", &case.to_string())])),
        data: Prefix::Case.with(ticket),
    }]]
}

/// The "Write back" button under an answer, carrying the doctor's ticket.
pub fn write_back_button<'c>(content: &'c Content, locale: Locale, line: &str, ticket: &str) -> Vec<Vec<Button<'c>>> {
    vec![vec![Button {
        label: Cow::Owned(content.text(locale, Msg::ButtonWriteBack, &[("line", line)])),
        data: Prefix::WriteBack.with(ticket),
    }]]
}

/// Finds a sealed ticket among `buttons`' data, with the action it is under.
pub fn ticket_in<'a>(data: impl IntoIterator<Item = &'a str>) -> Option<(CaseAction, &'a str)> {
    data.into_iter().find_map(parse_case_button)
}

#[cfg(test)]
pub(crate) mod tests;
