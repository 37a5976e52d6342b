//! The companion case by case on a simulated clock, over the fixture tree's
//! "I gave naloxone": "Breathing?" after 2 min (Yes: Step 1, then "Still
//! breathing?" after 10 min; No: the urgent page, and the same question
//! again), ending after 30 min.

use chrono::{DateTime, Duration, Utc};

use super::*;
use crate::drive::Drive;
use crate::engine::{self, Input, Shows};
use crate::fixture::tree;
use crate::payload::Prefix;

const CHAT: i64 = 42;

fn t0() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-11-24T03:00:00+03:00")
        .unwrap()
        .with_timezone(&Utc)
}

struct Clock {
    companions: Companions,
    now: DateTime<Utc>,
    next_id: i32,
}

impl Clock {
    fn new() -> Self {
        Clock {
            companions: Companions::new(),
            now: t0(),
            next_id: 100,
        }
    }

    /// The plan for `event` and what follows, with check-ins reported sent
    /// through the executors' driver.
    fn run(&mut self, event: Event<'_>) -> Vec<Action<'static>> {
        let ctx = Ctx {
            content: tree(),
            now: self.now,
        };
        let mut done = Vec::new();
        let mut drive = Drive::start(&mut self.companions, &ctx, event);
        while let Some(action) = drive.next() {
            if let Action::Show {
                to,
                checkin: Some(companion),
                ..
            } = action
            {
                self.next_id += 1;
                let sent = Event::CheckInSent {
                    chat: to,
                    companion,
                    message: self.next_id,
                };
                drive.feed(&mut self.companions, &ctx, sent);
            }
            done.push(action);
        }
        done
    }

    fn tap(&mut self, data: &str) -> Vec<Action<'static>> {
        let (prefix, rest) = Prefix::of_callback(data).unwrap();
        assert_eq!(prefix, Prefix::Companion);
        let rest = rest.to_owned();
        self.run(Event::Tap {
            chat: CHAT,
            data: &rest,
        })
    }

    fn wait(&mut self, duration: Duration) -> Vec<Action<'static>> {
        self.now += duration;
        self.run(Event::Tick)
    }
}

/// The start button on the urgent page, as a person sees it.
fn start_button() -> String {
    let urgent = engine::handle(
        tree(),
        tree().default_locale(),
        Input::Start {
            payload: Some("urgent"),
        },
    );
    urgent
        .buttons
        .iter()
        .flatten()
        .find(|b| b.label == "I gave naloxone")
        .expect("the urgent page links the companion")
        .data
        .clone()
}

fn shown<'a>(actions: &'a [Action<'static>]) -> Vec<&'a Screen<'static>> {
    actions
        .iter()
        .filter_map(|a| match a {
            Action::Show { screen, .. } => Some(&**screen),
            _ => None,
        })
        .collect()
}

fn counts(actions: &[Action<'_>]) -> Vec<CompanionEvent> {
    actions
        .iter()
        .filter_map(|a| match a {
            Action::Count(event) => Some(*event),
            _ => None,
        })
        .collect()
}

fn labels(screen: &Screen<'_>) -> Vec<String> {
    screen.buttons.iter().flatten().map(|b| b.label.to_string()).collect()
}

fn answer(screen: &Screen<'_>, label: &str) -> String {
    screen
        .buttons
        .iter()
        .flatten()
        .find(|b| b.label == label)
        .unwrap()
        .data
        .clone()
}

#[test]
fn starting_shows_the_page_with_stop_and_asks_after_the_companions_time() {
    let mut clock = Clock::new();
    let started = clock.tap(&start_button());
    assert!(matches!(started[0], Action::Toast(None)));
    assert_eq!(counts(&started), [CompanionEvent::Started]);
    let screen = shown(&started)[0];
    assert!(
        screen.plain.starts_with("I gave naloxone\n\nText of check-ins"),
        "{}",
        screen.plain
    );
    assert!(screen.plain.contains("112"), "the numbers on every screen");
    assert_eq!(labels(screen), ["⏹ Stop check-ins", "🏠 Main menu"]);
    assert_eq!(clock.companions.next_due(), Some(t0() + Duration::minutes(2)));

    assert!(clock.wait(Duration::seconds(119)).is_empty(), "not yet");
    let asked = clock.wait(Duration::seconds(1));
    assert_eq!(counts(&asked), [CompanionEvent::CheckIn]);
    let checkin = shown(&asked)[0];
    assert_eq!(
        checkin.shows,
        Shows::CheckIn(tree().node_by_id("gave-naloxone").unwrap())
    );
    assert!(checkin.plain.starts_with("Breathing?"), "{}", checkin.plain);
    assert!(checkin.plain.contains("112"), "the numbers on every screen");
    assert_eq!(labels(checkin), ["Yes", "No", "⏹ Stop check-ins"]);
}

#[test]
fn an_unanswered_check_in_is_asked_again_replacing_the_old_one() {
    let mut clock = Clock::new();
    clock.tap(&start_button());
    clock.wait(Duration::minutes(2));
    let again = clock.wait(Duration::minutes(2));
    assert!(
        matches!(
            again[0],
            Action::Delete {
                chat: CHAT,
                message: 101
            }
        ),
        "the first check-in goes: {again:?}"
    );
    assert!(shown(&again)[0].plain.starts_with("Breathing?"));
}

#[test]
fn no_shows_the_urgent_page_and_asks_again_yes_moves_to_the_next_check_in() {
    let mut clock = Clock::new();
    clock.tap(&start_button());
    let asked = clock.wait(Duration::minutes(2));
    let checkin = shown(&asked)[0].clone();
    let no = clock.tap(&answer(&checkin, "No"));
    assert_eq!(counts(&no), [CompanionEvent::Answered]);
    assert!(shown(&no)[0].plain.starts_with("Urgent\n\nText of Urgent"));
    assert_eq!(clock.companions.next_due(), Some(clock.now + Duration::minutes(2)));
    let asked = clock.wait(Duration::minutes(2));
    assert!(matches!(asked[0], Action::Delete { message: 101, .. }), "{asked:?}");
    let yes = clock.tap(&answer(shown(&asked)[0], "Yes"));
    assert!(shown(&yes)[0].plain.starts_with("Step 1"));
    assert_eq!(clock.companions.next_due(), Some(clock.now + Duration::minutes(10)));
    let later = clock.wait(Duration::minutes(10));
    let checkin = shown(&later)[0];
    assert!(checkin.plain.starts_with("Still breathing?"));
    // The last answer ends the check-ins, with the numbers.
    let done = clock.tap(&answer(checkin, "Help is here"));
    assert_eq!(counts(&done), [CompanionEvent::Answered, CompanionEvent::Completed]);
    assert!(
        shown(&done)[0]
            .plain
            .starts_with("The check-ins of “I gave naloxone” have ended."),
        "{}",
        shown(&done)[0].plain
    );
    assert_eq!(clock.companions.running(), 0);
    assert_eq!(clock.companions.next_due(), None);
}

#[test]
fn stop_ends_them_at_once() {
    let mut clock = Clock::new();
    let started = clock.tap(&start_button());
    let stop = answer(shown(&started)[0], "⏹ Stop check-ins");
    clock.wait(Duration::minutes(2));
    let stopped = clock.tap(&stop);
    assert_eq!(counts(&stopped), [CompanionEvent::Stopped]);
    assert!(
        stopped.iter().any(|a| matches!(a, Action::Delete { message: 101, .. })),
        "the check-in on screen goes, or its answers would start them again: {stopped:?}"
    );
    assert!(
        shown(&stopped)[0]
            .plain
            .starts_with("Check-ins stopped: I gave naloxone."),
        "{}",
        shown(&stopped)[0].plain
    );
    assert!(clock.wait(Duration::minutes(5)).is_empty(), "nothing more");
    assert_eq!(clock.companions.running(), 0);
}

#[test]
fn the_time_limit_ends_them_by_itself() {
    let mut clock = Clock::new();
    clock.tap(&start_button());
    let checkin = shown(&clock.wait(Duration::minutes(2)))[0].clone();
    clock.tap(&answer(&checkin, "Yes"));
    assert_eq!(counts(&clock.wait(Duration::minutes(10))), [CompanionEvent::CheckIn]);
    assert_eq!(counts(&clock.wait(Duration::minutes(10))), [CompanionEvent::CheckIn]);
    // 30 min after the start, before the third "Still breathing?" at 32.
    assert_eq!(clock.companions.next_due(), Some(t0() + Duration::minutes(30)));
    let ended = clock.wait(Duration::minutes(8));
    assert_eq!(counts(&ended), [CompanionEvent::Expired]);
    assert!(
        shown(&ended)[0]
            .plain
            .starts_with("The check-ins of “I gave naloxone” have ended.")
    );
    assert_eq!(clock.companions.running(), 0);
}

/// Each `Show` of a plan: whether it is a check-in and whether it is urgent.
fn shows_urgency(actions: &[Action<'_>]) -> Vec<(bool, bool)> {
    actions
        .iter()
        .filter_map(|a| match a {
            Action::Show { checkin, urgent, .. } => Some((checkin.is_some(), *urgent)),
            _ => None,
        })
        .collect()
}

#[test]
fn an_unanswered_check_in_is_asked_three_times_first_urgently_then_they_stop() {
    let mut clock = Clock::new();
    clock.tap(&start_button());
    assert_eq!(shows_urgency(&clock.wait(Duration::minutes(2))), [(true, true)]);
    assert_eq!(shows_urgency(&clock.wait(Duration::minutes(2))), [(true, false)]);
    assert_eq!(shows_urgency(&clock.wait(Duration::minutes(2))), [(true, false)]);
    let gave_up = clock.wait(Duration::minutes(2));
    assert_eq!(counts(&gave_up), [CompanionEvent::Unanswered]);
    assert!(
        gave_up.iter().any(|a| matches!(a, Action::Delete { message: 103, .. })),
        "the last check-in goes: {gave_up:?}"
    );
    let note = shown(&gave_up)[0];
    assert!(
        note.plain.starts_with("No answer to “I gave naloxone” three times"),
        "{}",
        note.plain
    );
    assert!(note.plain.contains("112"), "the numbers on every screen");
    assert_eq!(clock.companions.running(), 0);
    assert!(clock.wait(Duration::hours(1)).is_empty(), "nothing more");
}

#[test]
fn an_answer_resets_the_count_of_unanswered_asks() {
    let mut clock = Clock::new();
    clock.tap(&start_button());
    clock.wait(Duration::minutes(2));
    let second = shown(&clock.wait(Duration::minutes(2)))[0].clone();
    clock.tap(&answer(&second, "No"));
    for _ in 0..3 {
        assert_eq!(counts(&clock.wait(Duration::minutes(2))), [CompanionEvent::CheckIn]);
    }
    assert_eq!(counts(&clock.wait(Duration::minutes(2))), [CompanionEvent::Unanswered]);
}

#[test]
fn a_new_dose_restarts_the_clock_and_the_time_limit() {
    let mut clock = Clock::new();
    clock.tap(&start_button());
    let checkin = shown(&clock.wait(Duration::minutes(2)))[0].clone();
    clock.tap(&answer(&checkin, "Yes"));
    let later = shown(&clock.wait(Duration::minutes(10)))[0].clone();
    assert!(later.plain.starts_with("Still breathing?"));
    // 20 min after the start, before "Still breathing?" is asked again:
    // a new dose ("No" leads back with `restarts`).
    clock.now = t0() + Duration::minutes(20);
    clock.tap(&answer(&checkin, "No"));
    // Without the restart the limit would end it at 30 min; now at 20 + 30.
    let asked = clock.wait(Duration::minutes(2));
    assert_eq!(counts(&asked), [CompanionEvent::CheckIn]);
    let yes = clock.tap(&answer(shown(&asked)[0], "Yes"));
    assert_eq!(counts(&yes), [CompanionEvent::Answered]);
    assert_eq!(clock.companions.next_due(), Some(clock.now + Duration::minutes(10)));
    assert!(clock.now + Duration::minutes(10) > t0() + Duration::minutes(30));
    assert_eq!(counts(&clock.wait(Duration::minutes(10))), [CompanionEvent::CheckIn]);
}

/// The start button of `label` on the urgent page.
fn start_of(label: &str) -> String {
    let urgent = engine::handle(
        tree(),
        tree().default_locale(),
        Input::Start {
            payload: Some("urgent"),
        },
    );
    answer(&urgent, label)
}

#[test]
fn companions_compose_cpr_does_not_cancel_the_naloxone_watch_and_one_stop_ends_both() {
    let mut clock = Clock::new();
    clock.tap(&start_button());
    let naloxone = shown(&clock.wait(Duration::minutes(2)))[0].clone();
    clock.tap(&answer(&naloxone, "Yes"));
    // Naloxone watched; now CPR: both run, and the person is told.
    let cpr = clock.tap(&start_of("We are doing CPR"));
    assert_eq!(counts(&cpr), [CompanionEvent::Started]);
    assert!(
        !cpr.iter().any(|a| matches!(a, Action::Delete { .. })),
        "nothing of the naloxone watch goes: {cpr:?}"
    );
    let page = shown(&cpr)[0];
    assert!(
        page.plain
            .contains("Still running: I gave naloxone. ⏹ Stop ends all of them."),
        "{}",
        page.plain
    );
    assert!(
        page.plain
            .trim_end()
            .ends_with(tree().footer(tree().default_locale()).plain.trim_end())
    );
    assert_eq!(clock.companions.running(), 2);
    // Both clocks tick: CPR at +2, naloxone's "Still breathing?" at +10.
    let swap = clock.wait(Duration::minutes(2));
    assert!(shown(&swap)[0].plain.starts_with("Swap"));
    let breathing = clock.tap(&answer(shown(&swap)[0], "Breathing normally"));
    assert_eq!(
        counts(&breathing),
        [CompanionEvent::Answered, CompanionEvent::Completed]
    );
    let done = shown(&breathing)[0];
    assert!(
        done.plain
            .starts_with("On their side; keep checking their breathing.\n\nStill running: I gave naloxone."),
        "the CPR end note, and the naloxone watch goes on: {}",
        done.plain
    );
    assert_eq!(clock.companions.running(), 1);
    let later = clock.wait(Duration::minutes(8));
    assert!(shown(&later)[0].plain.starts_with("Still breathing?"), "{later:?}");
    // CPR again, then one Stop ends both and names them.
    let cpr = clock.tap(&start_of("We are doing CPR"));
    let stop = answer(shown(&cpr)[0], "⏹ Stop check-ins");
    let stopped = clock.tap(&stop);
    assert_eq!(counts(&stopped), [CompanionEvent::Stopped, CompanionEvent::Stopped]);
    let note = shown(&stopped)[0];
    assert!(note.plain.starts_with("Check-ins stopped: "), "{}", note.plain);
    assert!(note.plain.contains("I gave naloxone") && note.plain.contains("We are doing CPR"));
    assert!(
        stopped.iter().any(|a| matches!(a, Action::Delete { .. })),
        "the naloxone check-in on screen goes: {stopped:?}"
    );
    assert_eq!(clock.companions.running(), 0);
    assert!(clock.wait(Duration::hours(2)).is_empty());
}

#[test]
fn starting_the_same_companion_again_restarts_it_alone() {
    let mut clock = Clock::new();
    clock.tap(&start_button());
    clock.tap(&start_of("We are doing CPR"));
    let first = clock.wait(Duration::minutes(2));
    assert_eq!(counts(&first), [CompanionEvent::CheckIn, CompanionEvent::CheckIn]);
    let again = clock.tap(&start_button());
    assert_eq!(counts(&again), [CompanionEvent::Started]);
    let deleted: Vec<_> = again.iter().filter(|a| matches!(a, Action::Delete { .. })).collect();
    assert_eq!(deleted.len(), 1, "only the naloxone check-in goes: {again:?}");
    assert!(shown(&again)[0].plain.contains("Still running: We are doing CPR."));
    assert_eq!(clock.companions.running(), 2);
    assert_eq!(clock.companions.next_due(), Some(clock.now + Duration::minutes(2)));
}

#[test]
fn a_chat_gone_drops_its_companions() {
    let mut clock = Clock::new();
    clock.tap(&start_button());
    clock.tap(&start_of("We are doing CPR"));
    let gone = clock.run(Event::ChatGone { chat: CHAT });
    assert_eq!(counts(&gone), [CompanionEvent::Dropped, CompanionEvent::Dropped]);
    assert_eq!(clock.companions.running(), 0);
    assert!(clock.wait(Duration::minutes(5)).is_empty());
}

#[test]
fn at_the_cap_the_longest_unanswered_goes_and_is_told() {
    let mut clock = Clock::new();
    let ctx = |now| Ctx { content: tree(), now };
    let start = CompanionTap::decode(&start_button()[1..]).unwrap().encode();
    // The quiet chat started first and never answered.
    clock.companions.handle(
        &ctx(clock.now),
        Event::Tap {
            chat: 1,
            data: &start[1..],
        },
    );
    for chat in 2..=MAX_RUNNING as i64 {
        clock.now += Duration::milliseconds(1);
        clock.companions.handle(
            &ctx(clock.now),
            Event::Tap {
                chat,
                data: &start[1..],
            },
        );
    }
    assert_eq!(clock.companions.running(), MAX_RUNNING);
    clock.now += Duration::milliseconds(1);
    let over = clock.companions.handle(
        &ctx(clock.now),
        Event::Tap {
            chat: MAX_RUNNING as i64 + 1,
            data: &start[1..],
        },
    );
    assert_eq!(counts(&over), [CompanionEvent::Started, CompanionEvent::Evicted]);
    let told: Vec<_> = over
        .iter()
        .filter_map(|a| match a {
            Action::Show { to: 1, screen, .. } => Some(screen.plain.to_string()),
            _ => None,
        })
        .collect();
    assert_eq!(told.len(), 1, "{over:?}");
    assert!(told[0].starts_with("⚠️ The bot is overloaded"), "{}", told[0]);
    assert_eq!(clock.companions.running(), MAX_RUNNING);
}

#[test]
fn an_answer_after_a_restart_still_shows_its_page_and_starts_the_next_check_in() {
    let mut clock = Clock::new();
    clock.tap(&start_button());
    let checkin = shown(&clock.wait(Duration::minutes(2)))[0].clone();
    let stop = clock.run(Event::Shutdown);
    assert!(matches!(stop[0], Action::Lost(1)));
    assert!(shown(&stop)[0].plain.starts_with("⚠️ The bot restarted"));
    // A new process: no timers, but the button carries everything.
    let mut after = Clock::new();
    after.now = clock.now;
    let no = after.tap(&answer(&checkin, "No"));
    assert!(shown(&no)[0].plain.starts_with("Urgent"));
    assert_eq!(after.companions.next_due(), Some(after.now + Duration::minutes(2)));
}

#[test]
fn a_check_in_that_arrives_after_stop_is_deleted() {
    let mut clock = Clock::new();
    clock.tap(&start_button());
    let ctx = Ctx {
        content: tree(),
        now: clock.now,
    };
    let start = CompanionTap::decode(&start_button()[1..]).unwrap();
    let stop = CompanionTap { op: Op::Stop, ..start }.encode();
    clock.companions.handle(
        &ctx,
        Event::Tap {
            chat: CHAT,
            data: &stop[1..],
        },
    );
    let late = clock.companions.handle(
        &ctx,
        Event::CheckInSent {
            chat: CHAT,
            companion: start.node,
            message: 7,
        },
    );
    assert!(
        matches!(late[..], [Action::Delete { chat: CHAT, message: 7 }]),
        "{late:?}"
    );
}

#[test]
fn a_button_of_a_companion_the_content_lost_is_refused_politely() {
    let mut clock = Clock::new();
    let forged = Prefix::Companion.with("enZZZZZZs");
    let actions = clock.tap(&forged);
    assert!(matches!(&actions[..], [Action::Toast(Some(_))]), "{actions:?}");
    assert_eq!(clock.companions.running(), 0);
}
