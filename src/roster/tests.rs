use chrono::{DateTime, Utc};

use super::*;
use crate::diagnostics::{Code, Diagnostics, SourceMap};

const ROSTER: &str = r#"
timezone: Europe/Berlin
duty_chat: -100500
admins: [900]
doctors:
  - { id: anna, name: Dr Anna, chat: 101, languages: [ru, en] }
  - { id: boris, name: Dr Boris, chat: 102, languages: [ru] }
shifts:
  - { doctor: anna, days: [mon, wed, fri], from: "20:00", to: "08:00" }
  - { doctor: boris, days: [sat, sun], from: "10:00", to: "22:00" }
overrides:
  holidays:
    - date: 2026-12-31
      shifts: [{ doctor: boris, from: "18:00", to: "02:00" }]
  swaps:
    - { date: 2026-12-02, doctor: anna, with: boris }
  vacations:
    - { doctor: anna, from: 2026-12-07, to: 2026-12-13 }
"#;

fn parse_text(text: &str) -> (Option<Roster>, Diagnostics) {
    let mut sources = SourceMap::new();
    let file = sources.add("roster.yaml", text);
    let mut diagnostics = Diagnostics::default();
    let roster = parse(&sources, file, &mut diagnostics).map(|rosters| rosters.doctors().clone());
    (roster, diagnostics)
}

fn roster() -> Roster {
    let (roster, diagnostics) = parse_text(ROSTER);
    assert!(!diagnostics.has_errors(), "{diagnostics:?}");
    roster.expect("the sample roster is valid")
}

fn at(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text).unwrap().with_timezone(&Utc)
}

fn on_duty(roster: &Roster, time: &str) -> Vec<String> {
    roster
        .on_duty(at(time))
        .iter()
        .map(|s| roster.doctor(s.doctor).id.clone())
        .collect()
}

#[test]
fn a_night_shift_runs_past_midnight_into_the_next_day() {
    let roster = roster();
    // Monday 2026-11-23, 23:30 and Tuesday 07:59 Berlin time: Anna's Monday night.
    assert_eq!(on_duty(&roster, "2026-11-23T23:30:00+01:00"), ["anna"]);
    assert_eq!(on_duty(&roster, "2026-11-24T07:59:00+01:00"), ["anna"]);
    assert!(on_duty(&roster, "2026-11-24T08:00:00+01:00").is_empty());
    assert!(
        on_duty(&roster, "2026-11-24T21:00:00+01:00").is_empty(),
        "no Tuesday shift"
    );
    let next = roster.next_shift(at("2026-11-24T09:00:00+01:00")).unwrap();
    assert_eq!(next.start, at("2026-11-25T20:00:00+01:00"));
    assert_eq!(next.end, at("2026-11-26T08:00:00+01:00"));
}

#[test]
fn shifts_keep_local_hours_across_daylight_saving_changes() {
    let roster = roster();
    // Spring forward in Berlin: Sunday 2026-03-29 02:00 -> 03:00. Friday's night shift is before it;
    // Boris's Sunday shift starts 10:00 CEST (+02:00), not 10:00 CET.
    let sunday = roster.shifts_between(at("2026-03-29T00:00:00+01:00"), at("2026-03-30T00:00:00+02:00"));
    let boris = sunday.iter().find(|s| roster.doctor(s.doctor).id == "boris").unwrap();
    assert_eq!(boris.start, at("2026-03-29T10:00:00+02:00"));
    // The Monday night shift after it: 20:00 to 08:00 CEST, twelve hours.
    let monday = roster.next_shift(at("2026-03-30T12:00:00+02:00")).unwrap();
    assert_eq!(monday.start, at("2026-03-30T20:00:00+02:00"));
    assert_eq!(monday.end - monday.start, chrono::Duration::hours(12));
    // Fall back: Sunday 2026-10-25 03:00 CEST -> 02:00 CET. Friday 23rd 20:00 CEST to Saturday 08:00 CEST.
    let friday = roster.next_shift(at("2026-10-23T12:00:00+02:00")).unwrap();
    assert_eq!(friday.end, at("2026-10-24T08:00:00+02:00"));
    // On the change day itself Boris's 10:00 is after the change: 10:00 CET.
    let sunday = roster.on_duty(at("2026-10-25T10:30:00+01:00"));
    assert_eq!(sunday.len(), 1);
    assert_eq!(sunday[0].start, at("2026-10-25T10:00:00+01:00"));
}

#[test]
fn a_shift_inside_the_spring_gap_starts_when_the_clocks_jump() {
    let (roster, diagnostics) = parse_text(
        r#"
timezone: Europe/Berlin
duty_chat: -1
doctors: [{ id: anna, name: Dr Anna, chat: 1, languages: [ru] }]
shifts: [{ doctor: anna, days: [sun], from: "02:30", to: "06:00" }]
"#,
    );
    assert!(!diagnostics.has_errors());
    let shift = roster.unwrap().next_shift(at("2026-03-29T00:00:00+01:00")).unwrap();
    assert_eq!(shift.start, at("2026-03-29T03:00:00+02:00"));
    assert_eq!(shift.end, at("2026-03-29T06:00:00+02:00"));
}

#[test]
fn overrides_replace_swap_and_cancel_shifts() {
    let roster = roster();
    // Thursday 2026-12-31 is a holiday: Boris 18:00-02:00 instead of nobody.
    assert_eq!(on_duty(&roster, "2027-01-01T01:00:00+01:00"), ["boris"]);
    // Wednesday 2026-12-02: Anna's night is Boris's.
    assert_eq!(on_duty(&roster, "2026-12-02T23:00:00+01:00"), ["boris"]);
    assert_eq!(on_duty(&roster, "2026-12-04T23:00:00+01:00"), ["anna"]);
    // Anna's vacation 7-13 December: her Monday 7th and Friday 11th nights are gaps.
    assert!(on_duty(&roster, "2026-12-07T23:00:00+01:00").is_empty());
    assert!(on_duty(&roster, "2026-12-11T23:00:00+01:00").is_empty());
    assert_eq!(on_duty(&roster, "2026-12-14T23:00:00+01:00"), ["anna"]);
}

#[test]
fn the_table_marks_gaps_and_who_is_on_now() {
    let roster = roster();
    let table = render_table(&roster, at("2026-11-23T23:30:00+01:00"), 7);
    assert!(table.contains("Time zone Europe/Berlin (UTC+01:00)"), "{table}");
    assert!(
        table.contains("On duty now: Dr Anna (ru, en) until Tue 24 Nov 08:00."),
        "{table}"
    );
    assert!(
        table.contains("Mon 23 Nov 23:30   Tue 24 Nov 08:00   Dr Anna (ru, en)"),
        "{table}"
    );
    assert!(
        table.contains("Tue 24 Nov 08:00   Wed 25 Nov 20:00   -- nobody"),
        "{table}"
    );
    assert!(
        table.contains("Sat 28 Nov 10:00   Sat 28 Nov 22:00   Dr Boris (ru)"),
        "{table}"
    );
    let quiet = render_table(&roster, at("2026-11-24T12:00:00+01:00"), 1);
    assert!(
        quiet.contains("On duty now: nobody (cases go to the duty chat). Next shift: Dr Anna at Wed 25 Nov 20:00."),
        "{quiet}"
    );
}

fn codes(text: &str) -> Vec<(Code, String)> {
    let (_, diagnostics) = parse_text(text);
    diagnostics.iter().map(|d| (d.code, d.message.clone())).collect()
}

#[test]
fn validation_reports_zone_overlap_unknown_doctor_and_gaps() {
    let found = codes(
        r#"
timezone: Europe/Moskow
duty_chat: -1
doctors:
  - { id: anna, name: Dr Anna, chat: 1, languages: [ru] }
shifts:
  - { doctor: anna, days: [mon], from: "20:00", to: "08:00" }
  - { doctor: anna, days: [tue], from: "07:00", to: "09:00" }
  - { doctor: ana, days: [wed], from: "25:00", to: "08:00" }
overrides:
  vacations:
    - { doctor: boris, from: 2026-12-01, to: 2026-12-02 }
"#,
    );
    let has = |code: Code, part: &str| found.iter().any(|(c, m)| *c == code && m.contains(part));
    assert!(has(Code::RosterZone, "unknown time zone `Europe/Moskow`"), "{found:?}");
    assert!(has(Code::RosterOverlap, "overlaps another shift"), "{found:?}");
    assert!(has(Code::RosterUnknownDoctor, "no doctor `ana`"), "{found:?}");
    assert!(has(Code::RosterUnknownDoctor, "no doctor `boris`"), "{found:?}");
    assert!(has(Code::RosterInvalid, "`25:00` is not a time"), "{found:?}");
    assert!(
        has(Code::RosterGap, "nobody is on shift Tue 09:00–Mon 20:00"),
        "{found:?}"
    );
}

#[test]
fn diagnostics_point_at_the_line_and_column() {
    let text = "timezone: Europe/Berlin\nduty_chat: -1\ndoctors:\n  - { id: anna, name: A, chat: 1, languages: [ru] }\nshifts:\n  - { doctor: anna, days: [mon], from: \"8\", to: \"09:00\" }\n";
    let mut sources = SourceMap::new();
    let file = sources.add("roster.yaml", text);
    let mut diagnostics = Diagnostics::default();
    assert!(parse(&sources, file, &mut diagnostics).is_none());
    let bad = diagnostics.iter().find(|d| d.code == Code::RosterInvalid).unwrap();
    let (line, column) = sources.line_col(file, bad.span.unwrap().start);
    assert_eq!((line, column), (6, 40), "at the quoted \"8\"");
}

#[test]
fn a_night_over_the_autumn_change_lasts_an_hour_longer() {
    let (roster, _) = parse_text(
        r#"
timezone: Europe/Berlin
duty_chat: -1
doctors: [{ id: anna, name: Dr Anna, chat: 1, languages: [ru] }]
shifts: [{ doctor: anna, days: [daily], from: "20:00", to: "08:00" }]
"#,
    );
    let roster = roster.unwrap();
    let night = roster.on_duty(at("2026-10-25T02:30:00+01:00"));
    assert_eq!(night.len(), 1);
    assert_eq!(night[0].start, at("2026-10-24T20:00:00+02:00"));
    assert_eq!(night[0].end, at("2026-10-25T08:00:00+01:00"));
    assert_eq!(night[0].end - night[0].start, chrono::Duration::hours(13));
}

#[test]
fn the_escalation_policy_defaults_to_five_two_and_fifteen_minutes_and_reads_durations() {
    assert_eq!(roster().escalation(), Escalation::default());
    assert_eq!(
        Escalation::default(),
        Escalation {
            take_within: Duration::minutes(5),
            urgent_take_within: Duration::minutes(2),
            answer_within: Duration::minutes(15),
        }
    );
    let (roster, diagnostics) = parse_text(&format!(
        "{ROSTER}escalation: {{ take_within: 3m, answer_within: 1h 30m }}\n"
    ));
    assert!(!diagnostics.has_errors(), "{diagnostics:?}");
    let policy = roster.unwrap().escalation();
    assert_eq!(policy.take_within, Duration::minutes(3));
    assert_eq!(
        policy.urgent_take_within,
        Duration::minutes(2),
        "unwritten: the default"
    );
    assert_eq!(policy.answer_within, Duration::minutes(90));
}

#[test]
fn a_bad_escalation_time_is_an_error_at_its_place_and_seconds_only_a_warning() {
    let text = format!("{ROSTER}escalation:\n  take_within: soon\n  answer_within: 0s\n  urgent_take_within: 30s\n");
    let mut sources = SourceMap::new();
    let file = sources.add("roster.yaml", text.as_str());
    let mut diagnostics = Diagnostics::default();
    assert!(parse(&sources, file, &mut diagnostics).is_none());
    let at = |code: Code, what: &str| {
        let found = diagnostics
            .iter()
            .find(|d| d.code == code && d.message.contains(what))
            .unwrap_or_else(|| panic!("{what}: {diagnostics:?}"));
        sources.line_col(file, found.span.unwrap().start)
    };
    let last = text.lines().count();
    assert_eq!(at(Code::RosterInvalid, "`soon` is not a duration"), (last - 2, 16));
    assert_eq!(at(Code::RosterInvalid, "more than nothing"), (last - 1, 18));
    assert_eq!(at(Code::ShortEscalation, "under a minute"), (last, 23));
}

/// The doctors' line at the top level and an outreach line under `lines:`.
const TWO_LINES: &str = r#"timezone: Europe/Berlin
language: ru
duty_chat: -100500
admins: [900]
doctors:
  - { id: anna, name: Dr Anna, chat: 101, languages: [ru, en] }
shifts:
  - { doctor: anna, days: [daily], from: "20:00", to: "08:00" }
lines:
  - id: outreach
    duty_chat: -100600
    people:
      - { id: olga, name: Olga, chat: 301, languages: [ru] }
    shifts:
      - { person: olga, days: [mon, tue, wed, thu, fri], from: "10:00", to: "18:00" }
    overrides:
      vacations:
        - { person: olga, from: 2026-12-07, to: 2026-12-13 }
    escalation: { take_within: 30m }
"#;

#[test]
fn further_lines_have_their_own_people_shifts_and_duty_chat_and_share_the_rest() {
    let mut sources = SourceMap::new();
    let file = sources.add("roster.yaml", TWO_LINES);
    let mut diagnostics = Diagnostics::default();
    let rosters = parse(&sources, file, &mut diagnostics).expect("valid");
    assert!(!diagnostics.has_errors(), "{diagnostics:?}");
    let lines: Vec<&str> = rosters.iter().map(Roster::line).collect();
    assert_eq!(lines, [DOCTORS_LINE, "outreach"]);
    let outreach = rosters.line("outreach").unwrap();
    assert_eq!(outreach.duty_chat(), -100600);
    assert_eq!(outreach.zone(), chrono_tz::Europe::Berlin);
    assert_eq!(outreach.language(), Some("ru"));
    assert!(outreach.is_admin(900), "the admins are every line's");
    assert_eq!(outreach.escalation().take_within, Duration::minutes(30));
    assert_eq!(outreach.escalation().answer_within, Duration::minutes(15));
    assert!(outreach.holds_chat(301) && !outreach.holds_chat(101));
    assert!(!rosters.doctors().holds_chat(301));
    // Wednesday noon: Olga, not Anna; on vacation the week after.
    assert_eq!(on_duty(outreach, "2026-11-25T12:00:00+01:00"), ["olga"]);
    assert!(on_duty(rosters.doctors(), "2026-11-25T12:00:00+01:00").is_empty());
    assert!(on_duty(outreach, "2026-12-09T12:00:00+01:00").is_empty());
    assert!(rosters.line("nobody").is_none());
}

#[test]
fn a_chat_belongs_to_one_line_and_line_ids_are_unique() {
    let text = TWO_LINES
        .replace("chat: 301", "chat: 101")
        .replace("duty_chat: -100600", "duty_chat: -100500")
        + "  - id: outreach\n    duty_chat: -100700\n    people: []\n  - id: doctors\n    duty_chat: -100800\n    people: []\n  - id: Bad_Id\n    duty_chat: -100900\n    people: []\n";
    let mut sources = SourceMap::new();
    let file = sources.add("roster.yaml", text);
    let mut diagnostics = Diagnostics::default();
    assert!(parse(&sources, file, &mut diagnostics).is_none());
    let at = |part: &str| {
        let found = diagnostics
            .iter()
            .find(|d| d.message.contains(part))
            .unwrap_or_else(|| panic!("no `{part}` in {diagnostics:?}"));
        assert_eq!(found.code, Code::RosterInvalid);
        sources.line_col(file, found.span.unwrap().start)
    };
    assert_eq!(
        diagnostics
            .iter()
            .filter(|d| d.message.contains("already the `doctors` line's"))
            .count(),
        2,
        "{diagnostics:?}"
    );
    // The outreach duty chat (line 11) and Olga's chat, each pointing at the first use.
    let shared = diagnostics
        .iter()
        .find(|d| d.message.contains("already the `doctors` line's"))
        .unwrap();
    assert_eq!(sources.line_col(file, shared.span.unwrap().start), (11, 16));
    assert_eq!(sources.line_col(file, shared.related[0].0.start), (3, 12));
    assert_eq!(at("the line `outreach` is listed twice"), (20, 9));
    assert_eq!(at("`doctors` is the top level's line"), (23, 9));
    assert_eq!(at("`Bad_Id` is not a line id"), (26, 9));
}
