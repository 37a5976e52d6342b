//! Weekly schedules in local time, shared by the doctors' roster and the
//! mobile units' timetable: days and hours as people write them ("mon",
//! "20:00", "2026-12-31"), and the instants they name, through the zone's
//! rules, so a change to or from daylight-saving time moves nothing by an
//! hour.

use chrono::{DateTime, Duration, LocalResult, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Utc, Weekday};
use chrono_tz::Tz;

/// Local start and end of a shift or a stop; an end not after the start is
/// the next day.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Hours {
    pub from: NaiveTime,
    pub to: NaiveTime,
}

impl Hours {
    /// Length in local wall-clock minutes (24 h when `to == from`).
    pub fn minutes(self) -> i64 {
        let length = (self.to - self.from).num_minutes();
        if length <= 0 { length + 24 * 60 } else { length }
    }

    /// The instants these hours span when they start on local `date`.
    pub fn on(self, zone: Tz, date: NaiveDate) -> (DateTime<Utc>, DateTime<Utc>) {
        let start = date.and_time(self.from);
        (
            to_instant(zone, start),
            to_instant(zone, start + Duration::minutes(self.minutes())),
        )
    }
}

/// The instant a local wall-clock time names. In an autumn overlap the
/// earlier one; in a spring gap the moment the clocks jump (the first valid
/// local time after it).
pub fn to_instant(zone: Tz, local: NaiveDateTime) -> DateTime<Utc> {
    let mut probe = local;
    for _ in 0..16 {
        match zone.from_local_datetime(&probe) {
            LocalResult::Single(time) | LocalResult::Ambiguous(time, _) => return time.with_timezone(&Utc),
            LocalResult::None => probe += Duration::minutes(15),
        }
    }
    Utc.from_utc_datetime(&local)
}

/// Why a value is not what a schedule needs, and how to write it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    pub message: String,
    pub help: &'static str,
}

/// `"20:00"`: 24-hour `HH:MM`.
pub fn parse_time(text: &str) -> Result<NaiveTime, Problem> {
    NaiveTime::parse_from_str(text.trim(), "%H:%M").map_err(|_| Problem {
        message: format!("`{text}` is not a time"),
        help: "write 24-hour `HH:MM` in quotes, e.g. \"20:00\"",
    })
}

/// `2026-12-31`.
pub fn parse_date(text: &str) -> Result<NaiveDate, Problem> {
    text.trim().parse::<NaiveDate>().map_err(|_| Problem {
        message: format!("`{text}` is not a date"),
        help: "write `YYYY-MM-DD`, e.g. 2026-12-31",
    })
}

/// `mon` ... `sun` as one day, `daily` as all seven.
pub fn parse_days(text: &str) -> Result<Vec<Weekday>, Problem> {
    match text.trim().to_ascii_lowercase().as_str() {
        "daily" => Ok((0..7)
            .map(|n| Weekday::try_from(n).expect("0..7 are weekdays"))
            .collect()),
        name => name.parse::<Weekday>().map(|day| vec![day]).map_err(|_| Problem {
            message: format!("`{text}` is not a day of the week"),
            help: "write mon, tue, wed, thu, fri, sat, sun or daily",
        }),
    }
}
