//! "Where is the bus?": the text a `kind: timetable` node starts with,
//! computed from `services.yaml` when asked. At a known moment: where the
//! unit is now, its stops still to come today and those tomorrow, each with
//! how long until it starts, cancellations marked; then the weekly stops.
//! Without a moment (the preview), only the weekly stops. Times are the
//! organisation's local time.

use chrono::{DateTime, Duration, Utc, Weekday};
use chrono_tz::Tz;

use crate::content::{Content, Locale};
use crate::i18n::Msg;
use crate::markup::escape_html;
use crate::services::{Stop, Unit, Visit};

/// Text as HTML and as plain text.
pub struct Lines {
    pub html: String,
    pub plain: String,
}

impl Lines {
    fn push(&mut self, html: String, plain: String) {
        for (out, line) in [(&mut self.html, html), (&mut self.plain, plain)] {
            if !out.is_empty() {
                out.push('\n');
            }
            out.push_str(&line);
        }
    }

    /// A line of plain text, the same in both.
    fn text(&mut self, text: String) {
        self.push(escape_html(&text), text);
    }
}

/// The lines for `unit` at `now` (or the week, without it).
pub fn lines(content: &Content, locale: Locale, unit: usize, now: Option<DateTime<Utc>>) -> Lines {
    let timetable = content.timetable();
    let unit = timetable.unit(unit);
    let zone = timetable.zone();
    let mut lines = Lines {
        html: String::new(),
        plain: String::new(),
    };
    if unit.fill_in || unit.stops.is_empty() {
        let ui = content.ui(locale);
        lines.text(content.text(
            locale,
            Msg::TimetableUnpublished,
            &[("organisation", &ui.organisation), ("contact", &ui.contact)],
        ));
        return lines;
    }
    if let Some(now) = now {
        live(content, locale, unit, zone, now, &mut lines);
        lines.push(String::new(), String::new());
    }
    weekly(content, locale, unit, &mut lines);
    lines.text(content.text(locale, Msg::TimetableZone, &[("zone", zone.name())]));
    lines
}

fn live(content: &Content, locale: Locale, unit: &Unit, zone: Tz, now: DateTime<Utc>, lines: &mut Lines) {
    let around = unit.around(zone, now);
    match around.now {
        Some(visit) => {
            let until = local(zone, visit.end);
            let args = |place: &str| {
                content.text(
                    locale,
                    Msg::TimetableNow,
                    &[
                        ("place", place),
                        ("address", &visit.stop.addresses[locale.0]),
                        ("until", &until),
                    ],
                )
            };
            let place = &visit.stop.places[locale.0];
            let text = args(place);
            let html = escape_html(&text).replacen(&escape_html(place), &place_html(visit.stop, locale), 1);
            lines.push(html, text);
        }
        None => lines.text(content.text(locale, Msg::TimetableNotNow, &[])),
    }
    if !around.today.is_empty() {
        lines.text(content.text(locale, Msg::TimetableLaterToday, &[]));
        for visit in &around.today {
            visit_line(content, locale, zone, visit, Some(now), lines);
        }
    }
    if !around.tomorrow.is_empty() {
        let date = around.tomorrow_date.format("%d.%m").to_string();
        lines.text(content.text(locale, Msg::TimetableTomorrow, &[("date", &date)]));
        for visit in &around.tomorrow {
            visit_line(content, locale, zone, visit, None, lines);
        }
    }
    if around.now.is_none() && around.today.is_empty() && around.tomorrow.is_empty() {
        lines.text(content.text(locale, Msg::TimetableNoneSoon, &[]));
    }
}

/// "• 18:00–20:00 Place, address (in 40 min)", or marked cancelled.
fn visit_line(
    content: &Content,
    locale: Locale,
    zone: Tz,
    visit: &Visit<'_>,
    now: Option<DateTime<Utc>>,
    lines: &mut Lines,
) {
    let stop = visit.stop;
    let head = format!("• {}–{} ", local(zone, visit.start), local(zone, visit.end));
    let address = &stop.addresses[locale.0];
    let tail = match (visit.cancelled, now) {
        (Some(cancelled), _) => {
            let note = cancelled.notes.as_ref().map(|notes| notes[locale.0].as_str());
            match note {
                Some(note) => content.text(locale, Msg::TimetableCancelledBecause, &[("note", note)]),
                None => content.text(locale, Msg::TimetableCancelled, &[]),
            }
        }
        (None, Some(now)) => until(content, locale, visit.start - now),
        (None, None) => String::new(),
    };
    let tail = if tail.is_empty() {
        String::new()
    } else {
        format!(" ({tail})")
    };
    let place = &stop.places[locale.0];
    lines.push(
        format!(
            "{}{}, {}{}",
            escape_html(&head),
            place_html(stop, locale),
            escape_html(address),
            escape_html(&tail)
        ),
        format!("{head}{place}, {address}{tail}"),
    );
}

/// "in 40 min", "in 2 h 5 min".
fn until(content: &Content, locale: Locale, wait: Duration) -> String {
    let minutes = wait.num_minutes().max(1);
    let (hours, minutes) = (minutes / 60, minutes % 60);
    if hours == 0 {
        content.text(locale, Msg::TimetableInMinutes, &[("minutes", &minutes.to_string())])
    } else {
        content.text(
            locale,
            Msg::TimetableInHours,
            &[("hours", &hours.to_string()), ("minutes", &minutes.to_string())],
        )
    }
}

/// "Every week:" and each stop with its days and hours.
fn weekly(content: &Content, locale: Locale, unit: &Unit, lines: &mut Lines) {
    lines.text(content.text(locale, Msg::TimetableWeekly, &[]));
    for stop in &unit.stops {
        let days: Vec<String> = stop.days.iter().map(|d| content.text(locale, day(*d), &[])).collect();
        let head = format!(
            "• {} {}–{} ",
            days.join(", "),
            stop.hours.from.format("%H:%M"),
            stop.hours.to.format("%H:%M")
        );
        let (place, address) = (&stop.places[locale.0], &stop.addresses[locale.0]);
        lines.push(
            format!(
                "{}{}, {}",
                escape_html(&head),
                place_html(stop, locale),
                escape_html(address)
            ),
            format!("{head}{place}, {address}"),
        );
    }
}

/// The place, linked to its map when it has one.
fn place_html(stop: &Stop, locale: Locale) -> String {
    let place = escape_html(&stop.places[locale.0]);
    match &stop.map {
        Some(map) => format!("<a href=\"{}\">{place}</a>", escape_html(map)),
        None => place,
    }
}

fn local(zone: Tz, at: DateTime<Utc>) -> String {
    at.with_timezone(&zone).format("%H:%M").to_string()
}

fn day(day: Weekday) -> Msg {
    match day {
        Weekday::Mon => Msg::DayMon,
        Weekday::Tue => Msg::DayTue,
        Weekday::Wed => Msg::DayWed,
        Weekday::Thu => Msg::DayThu,
        Weekday::Fri => Msg::DayFri,
        Weekday::Sat => Msg::DaySat,
        Weekday::Sun => Msg::DaySun,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{Duties, Input, handle_at, handle_with};
    use crate::fixture::tree;

    fn at(text: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(text).unwrap().with_timezone(&Utc)
    }

    /// "Where is the bus?" as a person sees it at `now` (Moscow time).
    fn bus(now: &str) -> String {
        let en = tree().locale_by_code("en").unwrap();
        let screen = handle_at(
            tree(),
            &Duties::default(),
            Some(at(now)),
            en,
            Input::Start { payload: Some("bus") },
        );
        screen.plain.into_owned()
    }

    #[test]
    fn before_a_stop_it_says_when_and_marks_the_cancelled_one() {
        let text = bus("2026-12-03T13:20:00+03:00");
        assert!(
            text.contains(
                "🚐 Not out right now.\nLater today:\n• 14:00–16:00 The market, 1 Market St (in 40 min)\n• 18:00–20:00 The station, 2 Station Sq (❌ cancelled: repairs)\n\nEvery week:"
            ),
            "{text}"
        );
        assert!(text.contains("Local time (Europe/Moscow)."), "{text}");
        assert!(text.contains("112"), "the numbers on every screen");
    }

    #[test]
    fn during_a_stop_it_says_where_until_when_and_what_comes_tomorrow() {
        let text = bus("2026-12-02T15:10:00+03:00");
        assert!(
            text.contains("🚐 Now: The market, 1 Market St, until 16:00.\nTomorrow, 03.12:\n• 14:00–16:00 The market"),
            "{text}"
        );
        assert!(
            text.contains("• 18:00–20:00 The station, 2 Station Sq (❌ cancelled: repairs)"),
            "{text}"
        );
        let html = {
            let en = tree().locale_by_code("en").unwrap();
            let now = Some(at("2026-12-02T15:10:00+03:00"));
            handle_at(
                tree(),
                &Duties::default(),
                now,
                en,
                Input::Start { payload: Some("bus") },
            )
            .html
            .into_owned()
        };
        assert!(
            html.contains("<a href=\"https://maps.example.org/market\">The market</a>"),
            "the place links to its map: {html}"
        );
    }

    #[test]
    fn after_the_last_stop_and_on_a_day_called_off() {
        let friday = bus("2026-12-04T21:00:00+03:00");
        assert!(
            friday.contains("🚐 Not out right now.\nTomorrow, 05.12:\n• 23:00–01:00 The park"),
            "{friday}"
        );
        // Thursday 10 December is called off whole: both stops marked, none "now".
        let off = bus("2026-12-10T15:00:00+03:00");
        assert!(off.contains("🚐 Not out right now."), "{off}");
        assert!(
            off.contains("• 18:00–20:00 The station, 2 Station Sq (❌ cancelled)"),
            "{off}"
        );
        // Monday: nothing today or tomorrow.
        assert!(bus("2026-12-07T10:00:00+03:00").contains("No stops today or tomorrow."));
        // Late on Saturday night, the park stop runs past midnight.
        assert!(bus("2026-12-06T00:40:00+03:00").contains("🚐 Now: The park, 3 Park Lane, until 01:00."));
    }

    #[test]
    fn without_a_clock_only_the_weekly_stops_and_in_russian_too() {
        let ru = tree().locale_by_code("ru").unwrap();
        let screen = handle_with(tree(), &Duties::default(), ru, Input::Start { payload: Some("bus") });
        assert!(
            screen
                .plain
                .starts_with("Где автобус?\n\nКаждую неделю:\n• ср, чт 14:00–16:00 Рынок, Рыночная, 1"),
            "{}",
            screen.plain
        );
        assert!(!screen.plain.contains("Сейчас"), "no 'now' without a clock");
    }
}
