//! The organisation's mobile units (the bus) and where they stop, from
//! `content/services.yaml`: weekly stops in local time and cancellations by
//! date, read with the roster's schedule rules (`crate::schedule`). Pure:
//! "now" is always an argument.

use std::collections::BTreeMap;

use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc, Weekday};
use chrono_tz::Tz;

use crate::schedule::Hours;

/// Every unit, in the organisation's zone.
#[derive(Clone, Debug)]
pub struct Timetable {
    pub(crate) zone: Tz,
    pub(crate) units: Vec<Unit>,
}

#[derive(Clone, Debug)]
pub struct Unit {
    pub id: String,
    /// Per locale.
    pub names: Vec<String>,
    pub stops: Vec<Stop>,
    /// By local date.
    pub cancelled: BTreeMap<NaiveDate, Vec<Cancellation>>,
    /// A stand-in the organisation has not written: people are told the
    /// timetable is not published, never shown invented stops.
    pub fill_in: bool,
}

#[derive(Clone, Debug)]
pub struct Stop {
    pub id: String,
    /// Per locale.
    pub places: Vec<String>,
    /// Per locale.
    pub addresses: Vec<String>,
    pub map: Option<String>,
    pub days: Vec<Weekday>,
    pub hours: Hours,
}

/// A stop that does not happen on a date (all of them when `stop` is none).
#[derive(Clone, Debug)]
pub struct Cancellation {
    /// An index into the unit's `stops`.
    pub stop: Option<usize>,
    /// Per locale, why.
    pub notes: Option<Vec<String>>,
}

/// One stop on one date, as instants.
#[derive(Clone, Copy, Debug)]
pub struct Visit<'u> {
    pub stop: &'u Stop,
    /// The local date it starts on.
    pub date: NaiveDate,
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    pub cancelled: Option<&'u Cancellation>,
}

impl Timetable {
    pub fn zone(&self) -> Tz {
        self.zone
    }

    pub fn units(&self) -> &[Unit] {
        &self.units
    }

    pub fn unit(&self, index: usize) -> &Unit {
        &self.units[index]
    }

    pub fn unit_by_id(&self, id: &str) -> Option<usize> {
        self.units.iter().position(|u| u.id == id)
    }
}

impl Unit {
    /// Every visit starting on a local date from `first` to `last`, in
    /// order of start, cancelled ones included and marked.
    pub fn visits(&self, zone: Tz, first: NaiveDate, last: NaiveDate) -> Vec<Visit<'_>> {
        let mut visits: Vec<Visit<'_>> = first
            .iter_days()
            .take_while(|date| *date <= last)
            .flat_map(|date| {
                self.stops
                    .iter()
                    .enumerate()
                    .filter(move |(_, stop)| stop.days.contains(&date.weekday()))
                    .map(move |(index, stop)| {
                        let (start, end) = stop.hours.on(zone, date);
                        let cancelled = self
                            .cancelled
                            .get(&date)
                            .and_then(|list| list.iter().find(|c| c.stop.is_none_or(|s| s == index)));
                        Visit {
                            stop,
                            date,
                            start,
                            end,
                            cancelled,
                        }
                    })
            })
            .collect();
        visits.sort_by_key(|v| v.start);
        visits
    }

    /// The visits that matter at `now`: one running now (it may have
    /// started yesterday), and those still to start today and tomorrow
    /// (local dates).
    pub fn around(&self, zone: Tz, now: DateTime<Utc>) -> Around<'_> {
        let today = now.with_timezone(&zone).date_naive();
        let tomorrow = today + Duration::days(1);
        let visits = self.visits(zone, today - Duration::days(1), tomorrow);
        Around {
            now: visits
                .iter()
                .find(|v| v.start <= now && now < v.end && v.cancelled.is_none())
                .copied(),
            today: visits
                .iter()
                .filter(|v| v.date == today && v.start > now)
                .copied()
                .collect(),
            tomorrow: visits.iter().filter(|v| v.date == tomorrow).copied().collect(),
            tomorrow_date: tomorrow,
        }
    }
}

/// What "Where is the bus?" answers from.
#[derive(Clone, Debug)]
pub struct Around<'u> {
    pub now: Option<Visit<'u>>,
    pub today: Vec<Visit<'u>>,
    pub tomorrow: Vec<Visit<'u>>,
    pub tomorrow_date: NaiveDate,
}

#[cfg(test)]
mod tests {
    use chrono::NaiveTime;

    use super::*;

    fn at(text: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(text).unwrap().with_timezone(&Utc)
    }

    fn stop(id: &str, days: &[Weekday], from: &str, to: &str) -> Stop {
        let time = |t: &str| NaiveTime::parse_from_str(t, "%H:%M").unwrap();
        Stop {
            id: id.to_owned(),
            places: vec![id.to_owned()],
            addresses: vec![String::new()],
            map: None,
            days: days.to_vec(),
            hours: Hours {
                from: time(from),
                to: time(to),
            },
        }
    }

    fn bus() -> Unit {
        let mut cancelled = BTreeMap::new();
        cancelled.insert(
            NaiveDate::from_ymd_opt(2026, 12, 3).unwrap(),
            vec![Cancellation {
                stop: Some(1),
                notes: None,
            }],
        );
        Unit {
            id: "bus".into(),
            names: vec!["Bus".into()],
            stops: vec![
                stop("market", &[Weekday::Wed, Weekday::Thu], "14:00", "16:00"),
                stop("station", &[Weekday::Thu], "18:00", "20:00"),
                stop("night", &[Weekday::Sat], "23:00", "01:00"),
            ],
            cancelled,
            fill_in: false,
        }
    }

    const MOSCOW: Tz = chrono_tz::Europe::Moscow;

    #[test]
    fn before_during_and_after_a_stop() {
        let bus = bus();
        // Thursday 2026-12-03, 13:20 Moscow: nothing now, the market at 14:00;
        // the station is cancelled that day.
        let before = bus.around(MOSCOW, at("2026-12-03T13:20:00+03:00"));
        assert!(before.now.is_none());
        let today: Vec<(&str, bool)> = before
            .today
            .iter()
            .map(|v| (v.stop.id.as_str(), v.cancelled.is_some()))
            .collect();
        assert_eq!(today, [("market", false), ("station", true)]);
        assert!(before.tomorrow.is_empty(), "nothing on Friday");
        let during = bus.around(MOSCOW, at("2026-12-03T15:00:00+03:00"));
        assert_eq!(during.now.map(|v| v.stop.id.as_str()), Some("market"));
        assert_eq!(during.now.unwrap().end, at("2026-12-03T16:00:00+03:00"));
        let cancelled = bus.around(MOSCOW, at("2026-12-03T19:00:00+03:00"));
        assert!(cancelled.now.is_none(), "a cancelled stop is not where the bus is");
        // Saturday 23:00 to Sunday 01:00: still "now" after midnight.
        let night = bus.around(MOSCOW, at("2026-12-06T00:30:00+03:00"));
        assert_eq!(night.now.map(|v| v.stop.id.as_str()), Some("night"));
    }

    #[test]
    fn local_hours_stay_local_across_a_dst_change() {
        let mut bus = bus();
        bus.cancelled.clear();
        let berlin = chrono_tz::Europe::Berlin;
        // Thursday 2026-10-22 (summer time) and 2026-10-29 (winter time): 14:00 local both.
        let summer = bus.around(berlin, at("2026-10-22T08:00:00+02:00"));
        let winter = bus.around(berlin, at("2026-10-29T08:00:00+01:00"));
        assert_eq!(summer.today[0].start, at("2026-10-22T14:00:00+02:00"));
        assert_eq!(winter.today[0].start, at("2026-10-29T14:00:00+01:00"));
    }
}
