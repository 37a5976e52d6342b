//! Reads and validates a roster file; every problem becomes a diagnostic
//! pointing at its line and column, like content problems do.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use chrono::{Duration, NaiveDate, NaiveTime, Weekday};
use chrono_tz::Tz;
use serde_saphyr::Spanned;

use super::raw::{RawDatedShift, RawDoctor, RawEscalation, RawOverrides, RawRoster, RawShift};
use super::{DOCTORS_LINE, Doctor, DoctorIdx, Escalation, Hours, Roster, Rosters, Swap, Vacation, WeeklyShift};
use crate::diagnostics::yaml::spanned;
use crate::diagnostics::{Code, Diagnostic, Diagnostics, FileId, SourceMap, did_you_mean};
use crate::files::{self, FileKind, ReadError};
use crate::schedule;

const WEEK_MINUTES: i64 = 7 * 24 * 60;

/// Reads the roster at `path` into `sources`; returns its lines when it has no errors.
pub fn load(path: &Path, sources: &mut SourceMap, diagnostics: &mut Diagnostics) -> Option<Rosters> {
    // The operator names the roster, so it may live anywhere; it must still
    // be a regular file within the cap.
    let text = match files::read_text(path, None, FileKind::Roster) {
        Ok(text) => text,
        Err(ReadError::Io { cause, .. }) => {
            diagnostics.push(
                Diagnostic::new(
                    Code::Io,
                    format!("cannot read the roster `{}`: {cause}", path.display()),
                )
                .help("`--roster` (or OVERDOSE_BOT_ROSTER) names the file; roster.example.yaml shows the format"),
            );
            return None;
        }
        Err(refused) => {
            diagnostics.push(crate::content::refusal(&refused));
            return None;
        }
    };
    let file = sources.add(path.display().to_string(), text);
    parse(sources, file, diagnostics)
}

/// Parses and validates the roster already in `sources` as `file`: the
/// doctors' line first, then the further `lines:`.
pub fn parse(sources: &SourceMap, file: FileId, diagnostics: &mut Diagnostics) -> Option<Rosters> {
    let raw: RawRoster = match serde_saphyr::from_str(sources.text(file)) {
        Ok(raw) => raw,
        Err(error) => {
            diagnostics.push(crate::diagnostics::yaml::yaml_error(sources, file, &error));
            return None;
        }
    };
    let before = diagnostics.error_count();
    let rosters = Validator {
        sources,
        file,
        diagnostics,
        list: "doctors",
    }
    .rosters(&raw);
    (diagnostics.error_count() == before).then_some(rosters).flatten()
}

struct Validator<'a> {
    sources: &'a SourceMap,
    file: FileId,
    diagnostics: &'a mut Diagnostics,
    /// The list the line's people are in (`doctors`, `people`), for messages.
    list: &'static str,
}

/// One line's part of the file: the top level's own fields for the doctors'
/// line, a `lines:` entry for the others.
struct Part<'r> {
    duty_chat: &'r Spanned<i64>,
    doctors: &'r [RawDoctor],
    shifts: &'r [RawShift],
    overrides: &'r RawOverrides,
    escalation: &'r RawEscalation,
}

/// What every line shares: the top level's zone, language and admins.
struct Shared<'r> {
    zone: Option<Tz>,
    language: Option<String>,
    admins: Vec<i64>,
    /// Where a problem of the whole line points when nothing else fits.
    timezone: &'r Spanned<String>,
}

impl Validator<'_> {
    fn error<T>(&mut self, code: Code, at: &Spanned<T>, message: String, help: Option<String>) {
        let span = spanned(self.sources, self.file, at);
        self.diagnostics
            .push(Diagnostic::new(code, message).at(span).help_opt(help));
    }

    fn rosters(&mut self, raw: &RawRoster) -> Option<Rosters> {
        let shared = Shared {
            zone: self.zone(&raw.timezone),
            language: raw.language.as_ref().and_then(|l| self.language(l)),
            admins: raw.admins.iter().map(|a| a.value).collect(),
            timezone: &raw.timezone,
        };
        let doctors = Part {
            duty_chat: &raw.duty_chat,
            doctors: &raw.doctors,
            shifts: &raw.shifts,
            overrides: &raw.overrides,
            escalation: &raw.escalation,
        };
        let mut lines = vec![self.line(DOCTORS_LINE, &doctors, &shared)];
        let mut ids: HashMap<&str, &Spanned<String>> = HashMap::new();
        self.list = "people";
        for line in &raw.lines {
            self.line_id(&line.id, &mut ids);
            let part = Part {
                duty_chat: &line.duty_chat,
                doctors: &line.people,
                shifts: &line.shifts,
                overrides: &line.overrides,
                escalation: &line.escalation,
            };
            lines.push(self.line(&line.id.value, &part, &shared));
        }
        self.list = "doctors";
        self.check_chats_across_lines(raw);
        lines
            .into_iter()
            .collect::<Option<Vec<Roster>>>()
            .map(|lines| Rosters { lines })
    }

    /// A line's id: short lowercase letters, digits and dashes, unique, not `doctors`.
    fn line_id<'r>(&mut self, id: &'r Spanned<String>, seen: &mut HashMap<&'r str, &'r Spanned<String>>) {
        let value = id.value.as_str();
        if !crate::content::is_line_id(value) {
            let message = format!("`{value}` is not a line id");
            let help = Some("write lowercase letters, digits and dashes, such as `outreach`".to_owned());
            self.error(Code::RosterInvalid, id, message, help);
        } else if value == DOCTORS_LINE {
            let message = format!("`{DOCTORS_LINE}` is the top level's line");
            let help =
                Some("the doctors' line is written at the top of the file; give this line another id".to_owned());
            self.error(Code::RosterInvalid, id, message, help);
        } else if let Some(first) = seen.insert(value, id) {
            let span = spanned(self.sources, self.file, id);
            let earlier = spanned(self.sources, self.file, first);
            self.diagnostics.push(
                Diagnostic::new(Code::RosterInvalid, format!("the line `{value}` is listed twice"))
                    .at(span)
                    .related(earlier, "first listed here"),
            );
        }
    }

    /// A chat (a person's private chat or a duty chat) belongs to one line
    /// only, so an answer or a tap in it has one line to go to.
    fn check_chats_across_lines(&mut self, raw: &RawRoster) {
        let top = std::iter::once(&raw.duty_chat).chain(raw.doctors.iter().map(|d| &d.chat));
        let mut owner: HashMap<i64, (usize, &Spanned<i64>)> = top.map(|chat| (chat.value, (0, chat))).collect();
        for (index, line) in raw.lines.iter().enumerate() {
            let mut own: Vec<&Spanned<i64>> = vec![&line.duty_chat];
            own.extend(line.people.iter().map(|p| &p.chat));
            for chat in &own {
                if let Some(&(other, first)) = owner.get(&chat.value)
                    && other != index + 1
                {
                    let name = if other == 0 {
                        DOCTORS_LINE
                    } else {
                        raw.lines[other - 1].id.value.as_str()
                    };
                    let span = spanned(self.sources, self.file, *chat);
                    let earlier = spanned(self.sources, self.file, first);
                    self.diagnostics.push(
                        Diagnostic::new(Code::RosterInvalid, format!("this chat is already the `{name}` line's"))
                            .at(span)
                            .related(earlier, "first used here")
                            .help("a chat belongs to one line only: give each line its own duty group and people"),
                    );
                }
            }
            for chat in own {
                owner.entry(chat.value).or_insert((index + 1, chat));
            }
        }
    }

    fn line(&mut self, id: &str, raw: &Part<'_>, shared: &Shared<'_>) -> Option<Roster> {
        let doctors = self.doctors(raw.doctors);
        let ids: HashMap<&str, DoctorIdx> = doctors
            .iter()
            .enumerate()
            .map(|(i, d)| (d.id.as_str(), DoctorIdx(i)))
            .collect();
        let mut numbered: Vec<(usize, WeeklyShift)> = Vec::new();
        for (index, shift) in raw.shifts.iter().enumerate() {
            numbered.extend(self.weekly_shift(shift, &ids).into_iter().map(|s| (index, s)));
        }
        self.check_weekly_overlaps(raw.shifts, &numbered);
        let weekly: Vec<WeeklyShift> = numbered.into_iter().map(|(_, shift)| shift).collect();
        let mut holidays = BTreeMap::new();
        for holiday in &raw.overrides.holidays {
            let Some(date) = self.date(&holiday.date) else { continue };
            let shifts: Vec<(DoctorIdx, Hours)> = holiday
                .shifts
                .iter()
                .filter_map(|s| self.dated_shift(s, &ids))
                .collect();
            self.check_day_overlaps(&holiday.shifts, &shifts);
            if holidays.insert(date, shifts).is_some() {
                let message = format!("the holiday {date} is listed twice");
                self.error(Code::RosterInvalid, &holiday.date, message, None);
            }
        }
        let mut swaps = Vec::new();
        for swap in &raw.overrides.swaps {
            let date = self.date(&swap.date);
            let doctor = self.doctor_ref(&swap.doctor, &ids);
            let with = self.doctor_ref(&swap.with, &ids);
            if let (Some(date), Some(doctor), Some(with)) = (date, doctor, with) {
                if doctor == with {
                    let message = format!("`{}` is swapped with themselves", swap.with.value);
                    self.error(Code::RosterInvalid, &swap.with, message, None);
                }
                swaps.push(Swap { date, doctor, with });
            }
        }
        let mut vacations = Vec::new();
        for vacation in &raw.overrides.vacations {
            let doctor = self.doctor_ref(&vacation.doctor, &ids);
            let (from, to) = (self.date(&vacation.from), self.date(&vacation.to));
            if let (Some(doctor), Some(from), Some(to)) = (doctor, from, to) {
                if to < from {
                    let message = format!("the vacation ends ({to}) before it starts ({from})");
                    self.error(Code::RosterInvalid, &vacation.to, message, None);
                }
                vacations.push(Vacation { doctor, from, to });
            }
        }
        if raw.duty_chat.value >= 0 {
            let message = "the duty chat must be a group (Telegram group ids are negative)".to_owned();
            let help = "add the bot to the duty team's group and use that group's id, e.g. -1001234567890".to_owned();
            self.error(Code::RosterInvalid, raw.duty_chat, message, Some(help));
        }
        self.warn_gaps(raw.shifts, shared.timezone, &weekly, &doctors);
        let escalation = self.escalation(raw.escalation);
        Some(Roster {
            line: id.to_owned(),
            zone: shared.zone?,
            language: shared.language.clone(),
            duty_chat: raw.duty_chat.value,
            admins: shared.admins.clone(),
            doctors,
            weekly,
            holidays,
            swaps,
            vacations,
            escalation,
        })
    }

    /// The escalation policy, each duration defaulted when not written.
    fn escalation(&mut self, raw: &RawEscalation) -> Escalation {
        let default = Escalation::default();
        let mut duration = |raw: &Option<Spanned<String>>, default: Duration| {
            raw.as_ref().and_then(|r| self.duration(r)).unwrap_or(default)
        };
        Escalation {
            take_within: duration(&raw.take_within, default.take_within),
            urgent_take_within: duration(&raw.urgent_take_within, default.urgent_take_within),
            answer_within: duration(&raw.answer_within, default.answer_within),
        }
    }

    /// `5m`, `90s`, `1h 30m`: more than nothing, at most a day. Under a
    /// minute is allowed (tests, drills) with a warning: real doctors need
    /// longer to reach their phone.
    fn duration(&mut self, raw: &Spanned<String>) -> Option<Duration> {
        let help = Some("write a duration such as `5m`, `90s` or `1h 30m`".to_owned());
        let parsed = humantime::parse_duration(raw.value.trim())
            .ok()
            .and_then(|d| Duration::from_std(d).ok());
        match parsed {
            Some(duration) if duration > Duration::zero() && duration <= Duration::days(1) => {
                if duration < Duration::minutes(1) {
                    let span = spanned(self.sources, self.file, raw);
                    self.diagnostics.push(
                        Diagnostic::new(
                            Code::ShortEscalation,
                            format!(
                                "`{}` is under a minute: cases will move on before a doctor can look",
                                raw.value
                            ),
                        )
                        .at(span)
                        .help("fine for a drill; for a real line use minutes"),
                    );
                }
                Some(duration)
            }
            Some(_) => {
                let message = format!("`{}` must be more than nothing and at most a day", raw.value);
                self.error(Code::RosterInvalid, raw, message, help);
                None
            }
            None => {
                let message = format!("`{}` is not a duration", raw.value);
                self.error(Code::RosterInvalid, raw, message, help);
                None
            }
        }
    }

    fn zone(&mut self, raw: &Spanned<String>) -> Option<Tz> {
        match raw.value.parse::<Tz>() {
            Ok(zone) => Some(zone),
            Err(_) => {
                let names = chrono_tz::TZ_VARIANTS.iter().map(|z| z.name());
                let help = did_you_mean(&raw.value, names)
                    .map(|name| format!("did you mean `{name}`?"))
                    .or_else(|| Some("use an IANA zone name such as `Europe/Moscow`".to_owned()));
                let message = format!("unknown time zone `{}`", raw.value);
                self.error(Code::RosterZone, raw, message, help);
                None
            }
        }
    }

    fn language(&mut self, raw: &Spanned<String>) -> Option<String> {
        let valid = (2..=3).contains(&raw.value.len()) && raw.value.bytes().all(|b| b.is_ascii_lowercase());
        if !valid {
            let message = format!("`{}` is not a language code", raw.value);
            let help = Some("write a lowercase code such as `ru` or `en`".to_owned());
            self.error(Code::RosterInvalid, raw, message, help);
        }
        valid.then(|| raw.value.clone())
    }

    fn doctors(&mut self, raw: &[RawDoctor]) -> Vec<Doctor> {
        let mut doctors: Vec<Doctor> = Vec::new();
        let mut first_seen: HashMap<&str, &Spanned<String>> = HashMap::new();
        let mut chats: HashMap<i64, &Spanned<i64>> = HashMap::new();
        for doctor in raw {
            if doctor.chat.value <= 0 {
                let message = format!(
                    "doctor `{}`'s chat must be their private chat with the bot",
                    doctor.id.value
                );
                let help = "a private chat's id is the person's positive user id; groups go in `duty_chat`".to_owned();
                self.error(Code::RosterInvalid, &doctor.chat, message, Some(help));
            }
            if let Some(first) = chats.insert(doctor.chat.value, &doctor.chat) {
                let span = spanned(self.sources, self.file, &doctor.chat);
                let earlier = spanned(self.sources, self.file, first);
                self.diagnostics.push(
                    Diagnostic::new(Code::RosterInvalid, "two doctors share one chat")
                        .at(span)
                        .related(earlier, "first used here")
                        .help("each doctor's cases go to their own private chat"),
                );
            }
            if let Some(first) = first_seen.insert(&doctor.id.value, &doctor.id) {
                let span = spanned(self.sources, self.file, &doctor.id);
                let earlier = spanned(self.sources, self.file, first);
                self.diagnostics.push(
                    Diagnostic::new(
                        Code::RosterInvalid,
                        format!("doctor `{}` is listed twice", doctor.id.value),
                    )
                    .at(span)
                    .related(earlier, "first listed here"),
                );
            }
            if doctor.name.value.trim().is_empty() {
                let message = "a doctor needs a display name people are shown".to_owned();
                self.error(Code::RosterInvalid, &doctor.name, message, None);
            }
            if doctor.languages.value.is_empty() {
                let message = format!("doctor `{}` lists no languages", doctor.id.value);
                self.error(Code::RosterInvalid, &doctor.languages, message, None);
            }
            let languages = doctor.languages.value.iter().filter_map(|l| self.language(l)).collect();
            doctors.push(Doctor {
                id: doctor.id.value.clone(),
                name: doctor.name.value.trim().to_owned(),
                chat: doctor.chat.value,
                contact: doctor.contact.as_ref().map(|c| c.value.clone()),
                languages,
            });
        }
        doctors
    }

    fn doctor_ref(&mut self, raw: &Spanned<String>, ids: &HashMap<&str, DoctorIdx>) -> Option<DoctorIdx> {
        if let Some(&index) = ids.get(raw.value.as_str()) {
            return Some(index);
        }
        let help = did_you_mean(&raw.value, ids.keys().copied()).map(|id| format!("did you mean `{id}`?"));
        let who = if self.list == "doctors" { "doctor" } else { "person" };
        let message = format!("no {who} `{}` in `{}`", raw.value, self.list);
        self.error(Code::RosterUnknownDoctor, raw, message, help);
        None
    }

    fn time(&mut self, raw: &Spanned<String>) -> Option<NaiveTime> {
        self.parsed(raw, schedule::parse_time(&raw.value))
    }

    fn date(&mut self, raw: &Spanned<String>) -> Option<NaiveDate> {
        self.parsed(raw, schedule::parse_date(&raw.value))
    }

    /// The value, or the problem reported at `raw`.
    fn parsed<T>(&mut self, raw: &Spanned<String>, parsed: Result<T, schedule::Problem>) -> Option<T> {
        parsed
            .map_err(|problem| self.error(Code::RosterInvalid, raw, problem.message, Some(problem.help.to_owned())))
            .ok()
    }

    fn hours(&mut self, from: &Spanned<String>, to: &Spanned<String>) -> Option<Hours> {
        let (from, to) = (self.time(from), self.time(to));
        Some(Hours { from: from?, to: to? })
    }

    fn weekly_shift(&mut self, raw: &RawShift, ids: &HashMap<&str, DoctorIdx>) -> Vec<WeeklyShift> {
        let doctor = self.doctor_ref(&raw.doctor, ids);
        let hours = self.hours(&raw.from, &raw.to);
        if raw.days.value.is_empty() {
            let message = "a shift needs at least one day".to_owned();
            self.error(Code::RosterInvalid, &raw.days, message, None);
        }
        let mut days = Vec::new();
        for day in &raw.days.value {
            if let Some(parsed) = self.parsed(day, schedule::parse_days(&day.value)) {
                days.extend(parsed);
            }
        }
        let (Some(doctor), Some(hours)) = (doctor, hours) else {
            return Vec::new();
        };
        days.into_iter().map(|day| WeeklyShift { doctor, day, hours }).collect()
    }

    fn dated_shift(&mut self, raw: &RawDatedShift, ids: &HashMap<&str, DoctorIdx>) -> Option<(DoctorIdx, Hours)> {
        let doctor = self.doctor_ref(&raw.doctor, ids);
        let hours = self.hours(&raw.from, &raw.to);
        Some((doctor?, hours?))
    }

    /// Two weekly shifts of one doctor that share any minute of the week,
    /// reported once per pair of `shifts:` entries.
    fn check_weekly_overlaps(&mut self, raw: &[RawShift], weekly: &[(usize, WeeklyShift)]) {
        let mut intervals = Vec::with_capacity(weekly.len());
        for (item, (_, shift)) in weekly.iter().enumerate() {
            let (start, end) = week_interval(shift);
            intervals.push((shift.doctor, start, end, item));
            if end > WEEK_MINUTES {
                // Sunday night into Monday morning: also meets Monday's shifts.
                intervals.push((shift.doctor, start - WEEK_MINUTES, end - WEEK_MINUTES, item));
            }
        }
        let mut reported = std::collections::HashSet::new();
        for (x, y) in overlapping(intervals) {
            let ((i, a), (j, b)) = (&weekly[x], &weekly[y]);
            let ((first, a), (second, b)) = if i <= j { ((i, a), (j, b)) } else { ((j, b), (i, a)) };
            {
                if !reported.insert((*first, *second)) {
                    continue;
                }
                let message = format!(
                    "this shift ({} {}) overlaps another shift of the same doctor ({} {})",
                    b.day,
                    describe(b.hours),
                    a.day,
                    describe(a.hours)
                );
                let span = spanned(self.sources, self.file, &raw[*second].from);
                let related = spanned(self.sources, self.file, &raw[*first].from);
                self.diagnostics.push(
                    Diagnostic::new(Code::RosterOverlap, message)
                        .at(span)
                        .related(related, "the other shift")
                        .help("one person cannot work two shifts at once: shorten or remove one"),
                );
            }
        }
    }

    fn check_day_overlaps(&mut self, raw: &[RawDatedShift], shifts: &[(DoctorIdx, Hours)]) {
        if raw.len() != shifts.len() {
            return; // some shifts were already reported as broken
        }
        let intervals = shifts
            .iter()
            .enumerate()
            .map(|(item, (doctor, hours))| {
                let (start, end) = day_interval(*hours);
                (*doctor, start, end, item)
            })
            .collect();
        for (i, j) in overlapping(intervals) {
            let message = "two shifts of the same doctor overlap on this date".to_owned();
            let span = spanned(self.sources, self.file, &raw[j].from);
            let related = spanned(self.sources, self.file, &raw[i].from);
            self.diagnostics.push(
                Diagnostic::new(Code::RosterOverlap, message)
                    .at(span)
                    .related(related, "the other shift"),
            );
        }
    }

    /// Hours of the week nobody covers: allowed (the duty chat gets those
    /// cases) but worth knowing.
    fn warn_gaps(&mut self, raw: &[RawShift], timezone: &Spanned<String>, weekly: &[WeeklyShift], doctors: &[Doctor]) {
        if doctors.is_empty() {
            return;
        }
        let gaps = uncovered(weekly);
        if gaps.is_empty() {
            return;
        }
        let listed: Vec<String> = gaps.iter().take(6).map(|&(a, b)| week_range(a, b)).collect();
        let more = if gaps.len() > 6 {
            format!(" and {} more", gaps.len() - 6)
        } else {
            String::new()
        };
        let message = format!("nobody is on shift {}{more}", listed.join(", "));
        let span = match raw.first() {
            Some(shift) => spanned(self.sources, self.file, &shift.doctor),
            None => spanned(self.sources, self.file, timezone),
        };
        self.diagnostics.push(
            Diagnostic::new(Code::RosterGap, message)
                .at(span)
                .help("cases in these hours go to the duty chat; add shifts if someone should be on call"),
        );
    }
}

/// Minutes of the week `[start, end)`; `end` may pass the week's end.
fn week_interval(shift: &WeeklyShift) -> (i64, i64) {
    let start = i64::from(shift.day.num_days_from_monday()) * 24 * 60 + minute_of_day(shift.hours.from);
    (start, start + shift.hours.minutes())
}

fn day_interval(hours: Hours) -> (i64, i64) {
    let start = minute_of_day(hours.from);
    (start, start + hours.minutes())
}

fn minute_of_day(time: NaiveTime) -> i64 {
    (time - NaiveTime::MIN).num_minutes()
}

/// Pairs `(earlier, later)` of items whose intervals `[start, end)` overlap,
/// among the items of one owner. Sorted by start, each interval is compared
/// with the one reaching furthest so far: O(n log n), where comparing every
/// pair was quadratic in a large roster. Each overlapping item is reported
/// with one partner, which is what an editor needs to fix it.
fn overlapping<K: Ord + Copy>(mut intervals: Vec<(K, i64, i64, usize)>) -> Vec<(usize, usize)> {
    intervals.sort_unstable_by_key(|&(owner, start, end, item)| (owner, start, end, item));
    let mut pairs = Vec::new();
    let mut reach: Option<(K, i64, usize)> = None;
    for (owner, start, end, item) in intervals {
        match reach {
            Some((reach_owner, reach_end, reach_item)) if reach_owner == owner && start < reach_end => {
                if reach_item != item {
                    pairs.push((reach_item.min(item), reach_item.max(item)));
                }
                if end > reach_end {
                    reach = Some((owner, end, item));
                }
            }
            _ => reach = Some((owner, end, item)),
        }
    }
    pairs.sort_unstable();
    pairs.dedup();
    pairs
}

/// The minutes of the week no shift covers, as `[start, end)` ranges.
fn uncovered(weekly: &[WeeklyShift]) -> Vec<(i64, i64)> {
    let mut covered: Vec<(i64, i64)> = Vec::new();
    for shift in weekly {
        let (start, end) = week_interval(shift);
        covered.push((start, end.min(WEEK_MINUTES)));
        if end > WEEK_MINUTES {
            covered.push((0, end - WEEK_MINUTES));
        }
    }
    covered.sort_unstable();
    let mut gaps = Vec::new();
    let mut reached = 0;
    for (start, end) in covered {
        if start > reached {
            gaps.push((reached, start));
        }
        reached = reached.max(end);
    }
    if reached < WEEK_MINUTES {
        gaps.push((reached, WEEK_MINUTES));
    }
    // A gap over Sunday midnight is one gap, not two.
    if gaps.len() > 1 && gaps[0].0 == 0 && gaps[gaps.len() - 1].1 == WEEK_MINUTES {
        let first = gaps.remove(0);
        if let Some(last) = gaps.last_mut() {
            last.1 = WEEK_MINUTES + first.1;
        }
    }
    gaps
}

fn describe(hours: Hours) -> String {
    format!("{}–{}", hours.from.format("%H:%M"), hours.to.format("%H:%M"))
}

/// "Mon 08:00–Mon 20:00" for minutes of the week.
fn week_range(start: i64, end: i64) -> String {
    let at = |minute: i64| {
        let day = Weekday::try_from((minute / (24 * 60)).rem_euclid(7) as u8).expect("0..7 are weekdays");
        let minute = minute % (24 * 60);
        format!("{day} {:02}:{:02}", minute / 60, minute % 60)
    };
    let end_text = if end % (24 * 60) == 0 {
        let day = Weekday::try_from(((end / (24 * 60)) - 1).rem_euclid(7) as u8).expect("0..7 are weekdays");
        format!("{day} 24:00")
    } else {
        at(end)
    };
    format!("{}–{end_text}", at(start))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gaps_wrap_around_the_week() {
        let shift = |day, from: &str, to: &str| WeeklyShift {
            doctor: DoctorIdx(0),
            day,
            hours: Hours {
                from: NaiveTime::parse_from_str(from, "%H:%M").unwrap(),
                to: NaiveTime::parse_from_str(to, "%H:%M").unwrap(),
            },
        };
        let all_nights: Vec<WeeklyShift> = (0..7)
            .map(|d| shift(Weekday::try_from(d).unwrap(), "20:00", "08:00"))
            .collect();
        let gaps = uncovered(&all_nights);
        assert_eq!(gaps.len(), 7, "{gaps:?}");
        assert_eq!(week_range(gaps[0].0, gaps[0].1), "Mon 08:00–Mon 20:00");
        let weekend = [
            shift(Weekday::Sat, "10:00", "22:00"),
            shift(Weekday::Mon, "20:00", "08:00"),
        ];
        let gaps: Vec<String> = uncovered(&weekend).iter().map(|&(a, b)| week_range(a, b)).collect();
        assert_eq!(gaps, ["Tue 08:00–Sat 10:00", "Sat 22:00–Mon 20:00"]);
        let round_the_clock: Vec<WeeklyShift> = (0..7)
            .map(|d| shift(Weekday::try_from(d).unwrap(), "09:00", "09:00"))
            .collect();
        assert!(uncovered(&round_the_clock).is_empty());
    }

    #[test]
    fn overlaps_are_found_per_owner_in_one_sort() {
        // (owner, start, end, item): 0 and 1 overlap, 1 and 2 touch, 3 is another owner's.
        let found = overlapping(vec![(0, 100, 200, 2), (0, 0, 60, 0), (0, 50, 100, 1), (1, 0, 500, 3)]);
        assert_eq!(found, [(0, 1)]);
        // One long shift under many short ones: each short one is reported once.
        let mut many = vec![(0, 0, 10_000, 0)];
        many.extend((1..=1000).map(|i| (0, i * 5, i * 5 + 1, i as usize)));
        assert_eq!(overlapping(many).len(), 1000);
        assert!(overlapping(Vec::<(u8, i64, i64, usize)>::new()).is_empty());
    }
}
