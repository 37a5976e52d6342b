use chrono::{DateTime, Utc};

use super::*;
use crate::diagnostics::{Diagnostics, SourceMap};
use crate::engine::{self, Duties, Input};
use crate::fixture::tree;

/// Anna (en, ru) and Boris on shift in Moscow evenings, Boris through the
/// night, Vera never; the duty chat -100500; coordinator 900.
pub(crate) const ROSTER: &str = r#"
timezone: Europe/Moscow
language: en
duty_chat: -100500
admins: [900]
doctors:
  - { id: anna, name: Dr Anna, chat: 101, languages: [ru, en] }
  - { id: boris, name: Dr Boris, chat: 102, languages: [ru], contact: "+7 900 000-00-02" }
  - { id: vera, name: Dr Vera, chat: 103, languages: [ru], contact: "vera@example.org" }
shifts:
  - { doctor: boris, days: [daily], from: "20:00", to: "08:00" }
  - { doctor: anna, days: [daily], from: "20:00", to: "23:00" }
"#;

fn desk() -> Desk {
    let mut sources = SourceMap::new();
    let file = sources.add("roster.yaml", ROSTER);
    let mut diagnostics = Diagnostics::default();
    Desk::new(
        crate::roster::parse(&sources, file, &mut diagnostics)
            .expect("valid roster")
            .doctors()
            .clone(),
        Sealer::ephemeral(at("2026-11-24T12:00:00+03:00")),
    )
}

fn at(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text).unwrap().with_timezone(&Utc)
}

#[test]
fn cases_go_to_a_doctor_who_speaks_the_language_else_anyone_on_shift_else_the_duty_chat() {
    let desk = desk();
    let evening = at("2026-11-24T21:00:00+03:00");
    let anna = desk.roster.doctor_by_user(101).unwrap();
    let boris = desk.roster.doctor_by_user(102).unwrap();
    assert_eq!(desk.route(evening, "en"), Route::Doctor(anna));
    assert_eq!(
        desk.route(evening, "ru"),
        Route::Doctor(anna),
        "the first on shift (roster order) who speaks it"
    );
    assert_eq!(
        desk.route(evening, "de"),
        Route::Doctor(anna),
        "nobody speaks it: the first on shift"
    );
    assert_eq!(desk.route(at("2026-11-25T01:00:00+03:00"), "en"), Route::Doctor(boris));
    let noon = at("2026-11-25T12:00:00+03:00");
    assert_eq!(desk.route(noon, "ru"), Route::DutyChat);
    assert_eq!(desk.chat_of(Route::DutyChat), -100500);
    assert_eq!(desk.chat_of(Route::Doctor(anna)), 101);
}

#[test]
fn people_see_names_and_languages_or_the_next_shift_never_chat_ids() {
    let desk = desk();
    assert_eq!(
        desk.duty(at("2026-11-24T21:00:00+03:00")),
        Duty::OnShift(vec!["Dr Anna (ru, en)".to_owned(), "Dr Boris (ru)".to_owned()])
    );
    assert_eq!(
        desk.duty(at("2026-11-25T12:00:00+03:00")),
        Duty::OffHours {
            next: Some("25.11 20:00 (Europe/Moscow)".to_owned())
        }
    );
    let screen = engine::handle_with(
        tree(),
        &Duties::doctors(desk.duty(at("2026-11-24T21:00:00+03:00"))),
        tree().default_locale(),
        Input::Start {
            payload: Some("ask-doctor"),
        },
    );
    assert!(!screen.plain.contains("101") && !screen.plain.contains("102"));
}

#[test]
fn a_card_shows_case_path_language_and_time_and_its_status_line_is_replaced_by_taps() {
    let desk = desk();
    let content = tree();
    let locale = desk.card_locale(content);
    assert_eq!(content.locale_code(locale), "en");
    let start = engine::handle(content, locale, Input::Start { payload: None });
    let ask = start
        .buttons
        .iter()
        .flatten()
        .find(|b| b.label == "Ask a doctor")
        .unwrap();
    let path = path_of(content, locale, &CallbackData::decode(&ask.data).unwrap());
    assert_eq!(path, "Start › Ask a doctor");
    let case = CaseCode::random();
    let time = desk.local_time(at("2026-11-24T21:00:00+03:00"));
    let body = case_card(content, locale, "doctors", case, "ru", &time, &path, false);
    let card = format!("{body}\n{}", status_line(content, locale, &Status::New));
    assert!(
        card.starts_with(&format!(
            "🆕 Case {case} · language: ru · 24.11 21:00 (Europe/Moscow)\nPath: Start › Ask a doctor\n"
        )),
        "{card}"
    );
    assert!(!body.contains("Status"), "the status is the sender's to add: {body}");
    assert!(card.ends_with("\nStatus: new"), "{card}");
    let taken = with_status(
        &card,
        &status_line(
            content,
            locale,
            &Status::Taken {
                by: "Dr <Anna>",
                at: "21:05",
            },
        ),
    );
    assert!(
        taken.ends_with("\nStatus: taken by Dr &lt;Anna&gt; at 21:05"),
        "{taken}"
    );
    assert_eq!(taken.lines().count(), card.lines().count());
    let ticket = "TICKET";
    let new = card_buttons(content, locale, &Status::New, ticket);
    let data: Vec<&str> = new.iter().flatten().map(|b| b.data.as_str()).collect();
    assert_eq!(data, ["TTICKET", "RTICKET"]);
    assert_eq!(ticket_in(data.iter().copied()), Some((CaseAction::Take, "TICKET")));
    let resolved = card_buttons(content, locale, &Status::Resolved { by: "x", at: "y" }, ticket);
    assert_eq!(resolved[0][0].data, "OTICKET");
    assert_eq!(ticket_in(["Mabc", "CT"]), Some((CaseAction::Show, "T")));
    // Cards sent before the prefixes moved out of the node-id alphabet.
    assert_eq!(ticket_in(["1abc", "cT"]), Some((CaseAction::Show, "T")));
    assert_eq!(
        ticket_in(["Mabc", "WT"]),
        None,
        "a person's button is not a case button"
    );
}

#[test]
fn actions_are_signed_with_the_doctors_display_name() {
    let desk = desk();
    assert_eq!(desk.signature(tree(), 101), "Dr Anna");
    assert_eq!(desk.signature(tree(), 900), "the coordinator");
    assert!(desk.roster.is_member(900) && desk.roster.is_member(102) && !desk.roster.is_member(5));
}

#[test]
fn public_contacts_list_doctors_on_shift_first() {
    let desk = desk();
    assert_eq!(
        desk.public_contacts(at("2026-11-25T01:00:00+03:00")),
        ["Dr Boris: +7 900 000-00-02", "Dr Vera: vera@example.org"]
    );
    assert_eq!(desk.public_contacts(at("2026-11-25T12:00:00+03:00")).len(), 2);
}

/// [`ROSTER`] with an outreach line: Olga (chat 301), duty chat -100600.
fn desks() -> Desks {
    let text = format!(
        "{ROSTER}lines:\n  - id: outreach\n    duty_chat: -100600\n    people: [{{ id: olga, name: Olga, chat: 301, languages: [ru] }}]\n    shifts: [{{ person: olga, days: [daily], from: \"10:00\", to: \"18:00\" }}]\n"
    );
    let mut sources = SourceMap::new();
    let file = sources.add("roster.yaml", text);
    let mut diagnostics = Diagnostics::default();
    let rosters = crate::roster::parse(&sources, file, &mut diagnostics).expect("valid roster");
    Desks::new(rosters, Sealer::ephemeral(at("2026-11-24T12:00:00+03:00")))
}

#[test]
fn each_event_goes_to_the_line_holding_its_chat_or_asked_from() {
    use crate::handoff::flow::{Command, Event, Sender};
    let desks = desks();
    let content = tree();
    let now = at("2026-11-24T12:00:00+03:00");
    let from = |user: i64, chat: i64| Sender {
        user,
        chat,
        private: chat > 0,
        language: None,
    };
    let lines = |event: Event<'_>| -> Vec<String> {
        desks
            .lines_for(content, &event, now)
            .iter()
            .map(|desk| desk.roster.line().to_owned())
            .collect()
    };
    let command = |user, chat| Event::Command {
        from: from(user, chat),
        command: Command::OnCall,
        message: 1,
    };
    assert_eq!(lines(command(301, 301)), ["outreach"]);
    assert_eq!(lines(command(900, -100600)), ["outreach"]);
    assert_eq!(lines(command(101, -100500)), ["doctors"]);
    assert_eq!(
        lines(command(900, 900)),
        ["doctors", "outreach"],
        "a coordinator sees every line"
    );
    assert_eq!(
        lines(command(8888, 8888)),
        ["doctors"],
        "the doctors' line refuses strangers once"
    );
    let reload = Event::Command {
        from: from(900, 900),
        command: Command::Reload,
        message: 1,
    };
    assert_eq!(lines(reload), ["doctors"], "one reload");
    assert_eq!(lines(Event::Tick), ["doctors", "outreach"]);
    assert_eq!(lines(Event::Shutdown), ["doctors", "outreach"]);
    // A follow-up goes where the answer came from, read from its ticket.
    let ticket = desks.sealer.seal_doctor(
        &DoctorTicket {
            chat: 301,
            message: 7,
            case: CaseCode::random(),
            expires: expiry_from(now),
            opened: now,
        },
        5550001,
        "outreach",
        now,
    );
    let write_back = Event::WriteBack {
        from: from(5550001, 5550001),
        ticket: &ticket,
        tapped: true,
    };
    assert_eq!(lines(write_back), ["outreach"]);
    // Asked from a handoff page that names no line: the doctors'.
    let duties = desks.duties(at("2026-11-24T21:00:00+03:00"));
    let screen = engine::handle_with(
        content,
        &duties,
        content.default_locale(),
        Input::Start {
            payload: Some("ask-doctor"),
        },
    );
    let write = &screen.buttons[0][0];
    let (prefix, position) = crate::payload::Prefix::of_callback(&write.data).unwrap();
    assert_eq!(prefix, crate::payload::Prefix::Ask);
    let position = CallbackData::decode(position).expect("a menu position");
    assert_eq!(line_at(content, &position), crate::roster::DOCTORS_LINE);
    let ask = Event::Ask {
        from: from(5550001, 5550001),
        position: Some(position),
    };
    assert_eq!(lines(ask), ["doctors"]);
    let duties = desks.duties(at("2026-11-24T12:00:00+03:00"));
    assert_eq!(*duties.of("outreach"), Duty::OnShift(vec!["Olga (ru)".to_owned()]));
    assert_eq!(*duties.of("legal"), Duty::Unavailable);
}

/// Carries out `event` on the lines it goes to, as an executor would
/// (every message arrives): the actions done, in order.
fn carry_out<'d>(
    state: &mut LineState,
    desks: &'d Desks,
    now: DateTime<Utc>,
    event: flow::Event<'_>,
) -> Vec<flow::Action<'d>> {
    use crate::drive::Drive;
    use flow::{Action, Ctx, Event};
    let content = tree();
    let mut done = Vec::new();
    let mut next_id = 1000;
    for desk in desks.lines_for(content, &event, now) {
        let ctx = Ctx {
            content,
            desk,
            now,
            bot: "test_bot",
        };
        let mut drive = Drive::start(state, &ctx, event.clone());
        while let Some(action) = drive.next() {
            if let Action::Send { then: Some(step), .. } | Action::Copy { then: Some(step), .. } = &action {
                next_id += 1;
                let outcome = Event::Outcome {
                    step: step.clone(),
                    result: Ok(next_id),
                };
                drive.feed(state, &ctx, outcome);
            }
            done.push(action);
        }
    }
    done
}

#[test]
fn a_reload_keeps_the_key_the_limit_and_the_timers_of_the_lines_it_keeps() {
    use flow::HandoffEvent;
    let desks = desks();
    let now = at("2026-11-24T12:00:00+03:00");
    let person = 5550001;
    // A follow-up to someone no longer on the line opens a new case there.
    let ticket = |line: &str, chat: i64| {
        desks.sealer.seal_doctor(
            &DoctorTicket {
                chat,
                message: 7,
                case: CaseCode::random(),
                expires: expiry_from(now),
                opened: now,
            },
            person,
            line,
            now,
        )
    };
    let (doctors, outreach) = (ticket("doctors", 999), ticket("outreach", 399));
    let follow_up = |ticket| follow_up_from(person, now, ticket);
    let counts = |actions: Vec<flow::Action<'_>>| -> Vec<HandoffEvent> {
        actions
            .into_iter()
            .filter_map(|a| match a {
                flow::Action::Count(event) => Some(event),
                _ => None,
            })
            .collect()
    };
    let mut state = LineState::new();
    for ticket in [&doctors, &outreach] {
        let done = counts(carry_out(&mut state, &desks, now, follow_up(ticket)));
        assert!(done.contains(&HandoffEvent::QuestionSent), "{done:?}");
    }
    assert_eq!(state.running(), 2, "a case waits on each line");

    let mut sources = SourceMap::new();
    let file = sources.add("roster.yaml", ROSTER);
    let mut diagnostics = Diagnostics::default();
    let doctors_only = crate::roster::parse(&sources, file, &mut diagnostics).unwrap();
    let reloaded = desks.with_rosters(doctors_only);
    assert!(Arc::ptr_eq(&reloaded.sealer, &desks.sealer));
    assert!(
        reloaded.line("outreach").is_none(),
        "a line taken out of the roster is gone"
    );
    state.keep_lines(&reloaded);
    assert_eq!(
        state.running(),
        1,
        "the doctors' case keeps its timer, outreach's is gone"
    );
    assert!(state.next_due().is_some());

    // Two questions counted before the reload (on two lines), three after.
    for _ in 0..3 {
        let done = counts(carry_out(&mut state, &reloaded, now, follow_up(&doctors)));
        assert!(done.contains(&HandoffEvent::QuestionSent), "{done:?}");
    }
    let done = counts(carry_out(&mut state, &reloaded, now, follow_up(&doctors)));
    assert_eq!(done, [HandoffEvent::QuestionLimited], "the limit outlives the reload");
}

#[test]
fn a_follow_up_stays_on_its_line_when_the_one_who_answered_left_and_asks_again_when_the_line_is_gone() {
    use crate::handoff::flow::{Action, Ctx};
    let desks = desks();
    let content = tree();
    let now = at("2026-11-24T12:00:00+03:00");
    let person = 5550001;
    let ticket = desks.sealer.seal_doctor(
        &DoctorTicket {
            chat: 301,
            message: 7,
            case: CaseCode::random(),
            expires: expiry_from(now),
            opened: now,
        },
        person,
        "outreach",
        now,
    );
    let roster = |lines: &str| {
        let mut sources = SourceMap::new();
        let file = sources.add("roster.yaml", format!("{ROSTER}{lines}"));
        let mut diagnostics = Diagnostics::default();
        crate::roster::parse(&sources, file, &mut diagnostics).expect("valid roster")
    };
    // The line it went to, and the chats its plan sends to.
    let follow_up = |desks: &Desks| -> (String, Vec<i64>) {
        let event = || follow_up_from(person, now, &ticket);
        let desk = desks.lines_for(content, &event(), now)[0];
        let ctx = Ctx {
            content,
            desk,
            now,
            bot: "test_bot",
        };
        let chats = LineState::new()
            .handle(&ctx, event())
            .iter()
            .filter_map(|a| match a {
                Action::Send { to, .. } | Action::Copy { to, .. } => Some(*to),
                _ => None,
            })
            .collect();
        (desk.roster.line().to_owned(), chats)
    };

    // Olga left; Pavel works the outreach line now.
    let olga_left = desks.with_rosters(roster(
        "lines:\n  - id: outreach\n    duty_chat: -100600\n    people: [{ id: pavel, name: Pavel, chat: 302, languages: [ru] }]\n    shifts: [{ person: pavel, days: [daily], from: \"10:00\", to: \"18:00\" }]\n",
    ));
    let (line, chats) = follow_up(&olga_left);
    assert_eq!(line, "outreach");
    assert!(
        chats.contains(&302),
        "a new case for the outreach line's worker on shift: {chats:?}"
    );
    assert!(
        chats.iter().all(|chat| [302, -100600, person].contains(chat)),
        "nothing reached the doctors' line: {chats:?}"
    );

    // The outreach line is gone: the person is told to ask again, nobody else.
    let (line, chats) = follow_up(&desks.with_rosters(roster("")));
    assert_eq!(line, "doctors");
    assert_eq!(chats, [person], "only the person hears: ask again");
}

/// `person`'s follow-up "and now?" at `now`, a reply to the answer that
/// carried `ticket`.
fn follow_up_from(person: i64, now: DateTime<Utc>, ticket: &str) -> flow::Event<'_> {
    flow::Event::FollowUp {
        from: flow::Sender {
            user: person,
            chat: person,
            private: true,
            language: Some("en"),
        },
        said: flow::Said {
            id: 40,
            text: "and now?",
            relayable: true,
            edited: false,
            date: now,
            replied: Some((39, now)),
        },
        ticket,
    }
}
