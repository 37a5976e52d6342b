//! Who is on duty when, as a plain-text table for coordinators (`roster`
//! command, `/roster` in Telegram): the coming days cut into stretches with
//! the same people on shift, gaps marked.

use std::fmt::Write;

use chrono::{DateTime, Duration, Utc};

use super::{DOCTORS_LINE, DoctorIdx, Roster, Rosters};

/// A stretch of time with the same doctors on shift (none: a gap).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Segment {
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    pub doctors: Vec<DoctorIdx>,
}

impl Roster {
    /// `[from, to)` cut at every shift start and end.
    pub fn timeline(&self, from: DateTime<Utc>, to: DateTime<Utc>) -> Vec<Segment> {
        let shifts = self.shifts_between(from, to);
        let mut cuts: Vec<DateTime<Utc>> = shifts
            .iter()
            .flat_map(|s| [s.start, s.end])
            .filter(|t| *t > from && *t < to)
            .chain([from, to])
            .collect();
        cuts.sort_unstable();
        cuts.dedup();
        let mut segments: Vec<Segment> = Vec::new();
        for pair in cuts.windows(2) {
            let (start, end) = (pair[0], pair[1]);
            let mut doctors: Vec<DoctorIdx> = shifts
                .iter()
                .filter(|s| s.start <= start && s.end > start)
                .map(|s| s.doctor)
                .collect();
            doctors.sort_unstable();
            doctors.dedup();
            match segments.last_mut() {
                Some(last) if last.doctors == doctors => last.end = end,
                _ => segments.push(Segment { start, end, doctors }),
            }
        }
        segments
    }

    /// "Dr Anna (ru, en), Dr Boris (ru)".
    pub fn names(&self, doctors: &[DoctorIdx]) -> String {
        doctors
            .iter()
            .map(|&d| {
                let doctor = self.doctor(d);
                format!("{} ({})", doctor.name, doctor.languages.join(", "))
            })
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// Each line's table for the `roster` command, the doctors' first; the
/// others under their id.
pub fn render_tables(rosters: &Rosters, now: DateTime<Utc>, days: i64) -> String {
    let tables: Vec<String> = rosters
        .iter()
        .map(|roster| {
            let table = render_table(roster, now, days);
            if roster.line() == DOCTORS_LINE {
                table
            } else {
                format!("[{}]\n{table}", roster.line())
            }
        })
        .collect();
    tables.join("\n")
}

/// The table for the `days` days from `now`.
pub fn render_table(roster: &Roster, now: DateTime<Utc>, days: i64) -> String {
    let zone = roster.zone();
    let local = |t: DateTime<Utc>| t.with_timezone(&zone).format("%a %d %b %H:%M").to_string();
    let mut out = String::new();
    let now_local = now.with_timezone(&zone);
    let _ = writeln!(
        out,
        "Time zone {zone} (UTC{}). Now: {}.",
        now_local.format("%:z"),
        now_local.format("%a %d %b %Y %H:%M")
    );
    let on_duty = roster.on_duty(now);
    if on_duty.is_empty() {
        let next = roster
            .next_shift(now)
            .map_or("none in the next two weeks".to_owned(), |s| {
                format!("{} at {}", roster.doctor(s.doctor).name, local(s.start))
            });
        let _ = writeln!(
            out,
            "On duty now: nobody (cases go to the duty chat). Next shift: {next}."
        );
    } else {
        for shift in &on_duty {
            let _ = writeln!(
                out,
                "On duty now: {} until {}.",
                roster.names(&[shift.doctor]),
                local(shift.end)
            );
        }
    }
    let _ = writeln!(out, "\n{:<18} {:<18} On duty", "From", "To");
    for segment in roster.timeline(now, now + Duration::days(days)) {
        let who = if segment.doctors.is_empty() {
            "-- nobody: cases go to the duty chat --".to_owned()
        } else {
            roster.names(&segment.doctors)
        };
        let _ = writeln!(out, "{:<18} {:<18} {who}", local(segment.start), local(segment.end));
    }
    out
}
