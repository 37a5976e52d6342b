//! The doctors' roster: who answers cases when, in the organisation's time
//! zone. Read from a YAML file that stays out of git (it holds Telegram ids);
//! `roster.example.yaml` documents the format.
//!
//! Shifts are weekly rules in local time; a shift belongs to the date it
//! starts on, so overrides (holidays, swaps, vacations) are about dates as a
//! coordinator thinks of them. Local times become instants only when asked,
//! through the zone's rules, so DST changes move nothing by an hour.

mod load;
pub mod raw;
mod table;

pub use load::{load, parse};
pub use table::{Segment, render_table, render_tables};

use std::collections::BTreeMap;

use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc, Weekday};
use chrono_tz::Tz;

/// Index of a doctor in [`Roster::doctors`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct DoctorIdx(usize);

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Doctor {
    pub id: String,
    /// The only thing about a doctor people asking are shown, with the languages.
    pub name: String,
    /// Telegram user id: the doctor's private chat with the bot.
    pub chat: i64,
    pub contact: Option<String>,
    pub languages: Vec<String>,
}

pub use crate::schedule::Hours;

#[derive(Clone, Debug, PartialEq, Eq)]
struct WeeklyShift {
    doctor: DoctorIdx,
    day: Weekday,
    hours: Hours,
}

#[derive(Clone, Debug, PartialEq, Eq)]
struct Swap {
    date: NaiveDate,
    doctor: DoctorIdx,
    with: DoctorIdx,
}

#[derive(Clone, Debug, PartialEq, Eq)]
struct Vacation {
    doctor: DoctorIdx,
    from: NaiveDate,
    to: NaiveDate,
}

/// One worked shift, as instants.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Shift {
    pub doctor: DoctorIdx,
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
}

/// The id of the line written at the top level of the roster file.
pub use crate::content::DOCTORS_LINE;

/// Every line of a roster file: the doctors' first, then the `lines:` in
/// the order written. Never empty.
#[derive(Clone, Debug)]
pub struct Rosters {
    lines: Vec<Roster>,
}

impl Rosters {
    /// The doctors' line (the top level of the file).
    pub fn doctors(&self) -> &Roster {
        &self.lines[0]
    }

    /// The line named `id`.
    pub fn line(&self, id: &str) -> Option<&Roster> {
        self.lines.iter().find(|line| line.line == id)
    }

    pub fn iter(&self) -> impl Iterator<Item = &Roster> {
        self.lines.iter()
    }

    pub fn into_lines(self) -> Vec<Roster> {
        self.lines
    }
}

/// A validated roster of one line: its people, shifts and duty chat, with
/// the file's zone, language and admins.
#[derive(Clone, Debug)]
pub struct Roster {
    line: String,
    zone: Tz,
    language: Option<String>,
    duty_chat: i64,
    admins: Vec<i64>,
    doctors: Vec<Doctor>,
    weekly: Vec<WeeklyShift>,
    holidays: BTreeMap<NaiveDate, Vec<(DoctorIdx, Hours)>>,
    swaps: Vec<Swap>,
    vacations: Vec<Vacation>,
    escalation: Escalation,
}

/// How long a case may wait at each stage before the line moves it on
/// (the roster's `escalation:`; on-call tools call it a policy).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Escalation {
    /// Not taken within this: the next doctor on shift, then the duty chat.
    pub take_within: Duration,
    /// The same for a case from the emergency path.
    pub urgent_take_within: Duration,
    /// Taken but not answered within this: a reminder to the doctor who
    /// took it; after as long again, back to the pool.
    pub answer_within: Duration,
}

impl Default for Escalation {
    fn default() -> Self {
        Escalation {
            take_within: Duration::minutes(5),
            urgent_take_within: Duration::minutes(2),
            answer_within: Duration::minutes(15),
        }
    }
}

/// How far ahead [`Roster::next_shift`] looks.
const LOOKAHEAD_DAYS: i64 = 14;

impl Roster {
    /// The line's id: [`DOCTORS_LINE`], or one of the file's `lines:`.
    pub fn line(&self) -> &str {
        &self.line
    }

    pub fn zone(&self) -> Tz {
        self.zone
    }

    /// The content locale cards are written in, if the roster chose one.
    pub fn language(&self) -> Option<&str> {
        self.language.as_deref()
    }

    pub fn escalation(&self) -> Escalation {
        self.escalation
    }

    /// Receives cases when nobody is on shift.
    pub fn duty_chat(&self) -> i64 {
        self.duty_chat
    }

    pub fn doctor(&self, index: DoctorIdx) -> &Doctor {
        &self.doctors[index.0]
    }

    pub fn doctors(&self) -> impl Iterator<Item = (DoctorIdx, &Doctor)> {
        self.doctors.iter().enumerate().map(|(i, d)| (DoctorIdx(i), d))
    }

    /// The doctor whose Telegram user id is `user`.
    pub fn doctor_by_user(&self, user: i64) -> Option<DoctorIdx> {
        self.doctors.iter().position(|d| d.chat == user).map(DoctorIdx)
    }

    /// Whether `chat` is one the line may send cases to: the duty chat or a
    /// listed doctor's private chat.
    pub fn holds_chat(&self, chat: i64) -> bool {
        chat == self.duty_chat || self.doctors.iter().any(|doctor| doctor.chat == chat)
    }

    /// The coordinators' Telegram user ids.
    pub fn admins(&self) -> &[i64] {
        &self.admins
    }

    pub fn is_admin(&self, user: i64) -> bool {
        self.admins.contains(&user)
    }

    /// Doctors and coordinators: the people who may handle cases and use
    /// the roster commands.
    pub fn is_member(&self, user: i64) -> bool {
        self.is_admin(user) || self.doctor_by_user(user).is_some()
    }

    /// The shifts starting on local `date`, after holidays, swaps and vacations.
    fn planned(&self, date: NaiveDate) -> Vec<(DoctorIdx, Hours)> {
        let mut planned: Vec<(DoctorIdx, Hours)> = match self.holidays.get(&date) {
            Some(shifts) => shifts.clone(),
            None => self
                .weekly
                .iter()
                .filter(|s| s.day == date.weekday())
                .map(|s| (s.doctor, s.hours))
                .collect(),
        };
        for swap in self.swaps.iter().filter(|s| s.date == date) {
            for (doctor, _) in &mut planned {
                if *doctor == swap.doctor {
                    *doctor = swap.with;
                }
            }
        }
        planned.retain(|(doctor, _)| {
            !self
                .vacations
                .iter()
                .any(|v| v.doctor == *doctor && v.from <= date && date <= v.to)
        });
        planned
    }

    /// Every shift that overlaps `[from, to)`, ordered by start.
    pub fn shifts_between(&self, from: DateTime<Utc>, to: DateTime<Utc>) -> Vec<Shift> {
        // A shift lasts at most 24 h, so one that started the day before may still run.
        let first = from.with_timezone(&self.zone).date_naive() - Duration::days(1);
        let last = to.with_timezone(&self.zone).date_naive();
        let mut shifts: Vec<Shift> = first
            .iter_days()
            .take_while(|date| *date <= last)
            .flat_map(|date| {
                self.planned(date).into_iter().map(move |(doctor, hours)| {
                    let (start, end) = hours.on(self.zone, date);
                    Shift { doctor, start, end }
                })
            })
            .filter(|shift| shift.start < to && shift.end > from)
            .collect();
        shifts.sort_by_key(|s| (s.start, s.doctor));
        shifts
    }

    /// The shifts running at `at`.
    pub fn on_duty(&self, at: DateTime<Utc>) -> Vec<Shift> {
        self.shifts_between(at, at + Duration::seconds(1))
            .into_iter()
            .filter(|s| s.start <= at)
            .collect()
    }

    /// The first shift starting after `at`, within two weeks.
    pub fn next_shift(&self, at: DateTime<Utc>) -> Option<Shift> {
        self.shifts_between(at, at + Duration::days(LOOKAHEAD_DAYS))
            .into_iter()
            .find(|s| s.start > at)
    }
}

#[cfg(test)]
mod tests;
