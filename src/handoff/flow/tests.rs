//! The line case by case, on a simulated clock: every event's plan, with
//! the results of its actions fed back through the executors' driver.

use std::cell::{Cell, RefCell};

use chrono::{DateTime, Duration, Utc};

use super::*;
use crate::diagnostics::{Diagnostics, SourceMap};
use crate::drive::Drive;
use crate::engine::{self, CallbackData, Duties, Duty, Input};
use crate::fixture::tree;
use crate::handoff::Sealer;
use crate::payload::Prefix;

use crate::handoff::tests::ROSTER;

const PERSON: i64 = 7;
const ANNA: i64 = 101;
const BORIS: i64 = 102;
const DUTY: i64 = -100500;

fn at(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text).unwrap().with_timezone(&Utc)
}

fn evening() -> DateTime<Utc> {
    at("2026-11-24T21:00:00+03:00")
}

/// A desk, the line's memory and a clock; message ids count up as an
/// executor's would.
struct Line {
    desk: Desk,
    state: RefCell<LineState>,
    now: Cell<DateTime<Utc>>,
    next_id: Cell<i32>,
}

impl Line {
    fn new(now: DateTime<Utc>) -> Self {
        let mut sources = SourceMap::new();
        let file = sources.add("roster.yaml", ROSTER);
        let mut diagnostics = Diagnostics::default();
        let roster = crate::roster::parse(&sources, file, &mut diagnostics)
            .expect("valid roster")
            .doctors()
            .clone();
        Line {
            desk: Desk::new(roster, Sealer::ephemeral(now)),
            state: RefCell::new(LineState::new()),
            now: Cell::new(now),
            next_id: Cell::new(1000),
        }
    }

    fn wait(&self, duration: Duration) {
        self.now.set(self.now.get() + duration);
    }

    /// Every action of `event`'s plan and of the plans its results lead
    /// to; deliveries succeed unless `refuse` says otherwise.
    fn run_with(&self, event: Event<'_>, refuse: impl Fn(&Action<'_>) -> Option<Undelivered>) -> Vec<Action<'_>> {
        let ctx = Ctx {
            content: tree(),
            desk: &self.desk,
            now: self.now.get(),
            bot: "test_bot",
        };
        let mut done = Vec::new();
        let mut drive = Drive::start(&mut *self.state.borrow_mut(), &ctx, event);
        while let Some(action) = drive.next() {
            let then = match &action {
                Action::Send { then, .. } | Action::Copy { then, .. } | Action::Edit { then, .. } => then.clone(),
                _ => None,
            };
            let result = match refuse(&action) {
                Some(undelivered) => Err(undelivered),
                None => {
                    self.next_id.set(self.next_id.get() + 1);
                    Ok(match &action {
                        Action::Edit { message, .. } => *message,
                        _ => self.next_id.get(),
                    })
                }
            };
            done.push(action);
            if let Some(step) = then {
                drive.feed(&mut *self.state.borrow_mut(), &ctx, Event::Outcome { step, result });
            }
        }
        done
    }

    fn run(&self, event: Event<'_>) -> Vec<Action<'_>> {
        self.run_with(event, |_| None)
    }

    fn next_due(&self) -> Option<DateTime<Utc>> {
        self.state.borrow().next_due()
    }
}

fn person(private: bool) -> Sender<'static> {
    Sender {
        user: PERSON,
        chat: if private { PERSON } else { -42 },
        private,
        language: Some("en"),
    }
}

fn doctor(user: i64, chat: i64) -> Sender<'static> {
    Sender {
        user,
        chat,
        private: chat > 0,
        language: Some("en"),
    }
}

fn said(id: i32, text: &'static str) -> Said<'static> {
    Said {
        id,
        text,
        relayable: true,
        edited: false,
        date: evening(),
        replied: None,
    }
}

/// The position of "Write your question" on the fixture's ask page.
fn position() -> CallbackData {
    let screen = engine::handle_with(
        tree(),
        &Duties::doctors(Duty::OnShift(vec!["Dr Anna (ru, en)".into()])),
        tree().default_locale(),
        Input::Start {
            payload: Some("ask-doctor"),
        },
    );
    let ask = screen
        .buttons
        .iter()
        .flatten()
        .find(|b| b.data.starts_with(Prefix::Ask.char()));
    CallbackData::decode(&ask.expect("the ask page has the button").data[1..]).expect("a menu position")
}

fn question<'l>(line: &'l Line, id: i32, text: &'static str) -> Vec<Action<'l>> {
    let position = position();
    line.run(Event::Question {
        from: person(true),
        said: said(id, text),
        position: position.clone(),
    })
}

/// Sends as (chat, plain text).
fn sends(actions: &[Action<'_>]) -> Vec<(i64, String)> {
    actions
        .iter()
        .filter_map(|a| match a {
            Action::Send { to, html, .. } => Some((*to, html.clone())),
            _ => None,
        })
        .collect()
}

fn counts(actions: &[Action<'_>]) -> Vec<HandoffEvent> {
    actions
        .iter()
        .filter_map(|a| match a {
            Action::Count(event) => Some(*event),
            _ => None,
        })
        .collect()
}

/// The first action that reaches a chat.
fn first_message<'a, 'c>(actions: &'a [Action<'c>]) -> Option<&'a Action<'c>> {
    actions
        .iter()
        .find(|a| matches!(a, Action::Send { .. } | Action::Copy { .. } | Action::Screen { .. }))
}

/// The card sent to `chat` and its message id (the id the executor gave it).
fn card_in(actions: &[Action<'_>], chat: i64) -> Option<(String, Vec<String>)> {
    actions.iter().find_map(|a| match a {
        Action::Send {
            to,
            html,
            keyboard: Keyboard::Buttons(rows),
            ..
        } if *to == chat && html.contains("Case") => {
            Some((html.clone(), rows.iter().flatten().map(|b| b.data.clone()).collect()))
        }
        _ => None,
    })
}

/// The id the executor gave the card sent to `chat` (the copy replies to it).
fn card_id(actions: &[Action<'_>], chat: i64) -> i32 {
    actions
        .iter()
        .find_map(|a| match a {
            Action::Copy {
                to,
                reply_to: Some(card),
                ..
            } if *to == chat => Some(*card),
            _ => None,
        })
        .expect("a question copied under a card")
}

fn tap<'l>(
    line: &'l Line,
    who: Sender<'_>,
    action: CaseAction,
    card: &(String, Vec<String>),
    id: i32,
) -> Vec<Action<'l>> {
    let ticket = card
        .1
        .iter()
        .find_map(|d| crate::handoff::parse_case_button(d))
        .unwrap()
        .1;
    let buttons: Vec<&str> = card.1.iter().map(String::as_str).collect();
    line.run(Event::CaseTap {
        from: who,
        action,
        ticket,
        card: Some(Card {
            chat: who.chat,
            id,
            html: &card.0,
            date: evening(),
            buttons,
        }),
    })
}

#[test]
fn a_question_reaches_the_doctor_on_shift_with_a_copy_under_its_card_and_the_person_is_told() {
    let line = Line::new(evening());
    let actions = question(&line, 5, "how much naloxone?");
    let (card, buttons) = card_in(&actions, ANNA).expect("the card goes to Anna, who speaks en");
    assert!(card.contains("Status: new"), "{card}");
    assert!(!card.contains("URGENT"));
    assert!(buttons[0].starts_with(Prefix::Take.char()) && buttons[1].starts_with(Prefix::Resolve.char()));
    let copy = actions.iter().find_map(|a| match a {
        Action::Copy {
            to,
            from,
            message,
            protect,
            ..
        } => Some((*to, *from, *message, *protect)),
        _ => None,
    });
    assert_eq!(copy, Some((ANNA, PERSON, 5, Protect::NoForwarding)));
    let told = sends(&actions)
        .into_iter()
        .find(|(to, _)| *to == PERSON)
        .expect("the person is told");
    assert!(told.1.contains("doctor"), "{}", told.1);
    assert_eq!(counts(&actions), [HandoffEvent::QuestionSent]);
    assert_eq!(line.next_due(), Some(evening() + Duration::minutes(5)));
}

#[test]
fn a_doctor_chat_that_refuses_the_card_passes_the_case_to_the_duty_chat_and_none_to_the_fallback() {
    let line = Line::new(evening());
    let position = position();
    let event = |id| Event::Question {
        from: person(true),
        said: said(id, "hello"),
        position: position.clone(),
    };
    let refuse_anna = |a: &Action<'_>| matches!(a, Action::Send { to: ANNA, .. }).then_some(Undelivered::Gone);
    let actions = line.run_with(event(5), refuse_anna);
    assert!(card_in(&actions, DUTY).is_some());
    assert_eq!(
        counts(&actions),
        [HandoffEvent::QuestionRerouted, HandoffEvent::QuestionSent]
    );
    let refuse_all =
        |a: &Action<'_>| matches!(a, Action::Send { to, .. } if *to != PERSON).then_some(Undelivered::Failed);
    let actions = line.run_with(event(6), refuse_all);
    assert_eq!(
        counts(&actions),
        [HandoffEvent::QuestionRerouted, HandoffEvent::QuestionFailed]
    );
    let fallback = sends(&actions).pop().unwrap();
    assert_eq!(fallback.0, PERSON);
    assert!(
        fallback.1.contains("1 Ligovsky Ave") && fallback.1.contains("112"),
        "{}",
        fallback.1
    );
}

#[test]
fn a_case_nobody_takes_goes_to_the_next_doctor_then_the_duty_chat_marked_with_the_wait() {
    let line = Line::new(evening());
    question(&line, 5, "hello");
    line.wait(Duration::minutes(4));
    assert!(line.run(Event::Tick).is_empty(), "not due yet");
    line.wait(Duration::minutes(1));
    let second = line.run(Event::Tick);
    let (card, _) = card_in(&second, BORIS).expect("Boris, the other doctor on shift");
    assert!(card.starts_with("⏰ Not taken for 5 min"), "{card}");
    assert!(
        sends(&second).iter().all(|(to, _)| *to != PERSON),
        "the person is not told again"
    );
    assert_eq!(counts(&second), [HandoffEvent::Escalated]);
    line.wait(Duration::minutes(5));
    let third = line.run(Event::Tick);
    let (card, _) = card_in(&third, DUTY).expect("then the duty chat");
    assert!(card.starts_with("⏰ Not taken for 10 min"), "{card}");
    line.wait(Duration::minutes(5));
    assert!(line.run(Event::Tick).is_empty(), "everyone has it: it waits");
    assert!(line.next_due().is_some(), "and is looked at again");
}

#[test]
fn an_urgent_question_shows_the_emergency_page_first_is_marked_and_moves_on_after_two_minutes() {
    let line = Line::new(evening());
    let actions = question(&line, 5, "he is not breathing");
    assert!(
        matches!(first_message(&actions), Some(Action::Screen { to: PERSON, .. })),
        "the emergency page before anything else"
    );
    let (card, _) = card_in(&actions, ANNA).unwrap();
    assert!(card.starts_with("🔴 URGENT"), "{card}");
    assert_eq!(
        counts(&actions),
        [
            HandoffEvent::EmergencyShown,
            HandoffEvent::QuestionUrgent,
            HandoffEvent::QuestionSent
        ]
    );
    assert_eq!(line.next_due(), Some(evening() + Duration::minutes(2)));
    line.wait(Duration::minutes(2));
    let (card, _) = card_in(&line.run(Event::Tick), BORIS).unwrap();
    assert!(card.contains("🔴 URGENT"), "still marked urgent: {card}");
}

#[test]
fn a_question_whose_words_lead_to_an_urgent_page_is_urgent_from_anywhere() {
    let line = Line::new(evening());
    // Not an emergency message, but search answers it with an urgent page.
    let actions = question(&line, 5, "what about step 11");
    let (card, _) = card_in(&actions, ANNA).unwrap();
    assert!(card.starts_with("🔴 URGENT"), "{card}");
    assert_eq!(
        counts(&actions),
        [HandoffEvent::QuestionUrgent, HandoffEvent::QuestionSent]
    );
    let calm = question(&line, 6, "hello");
    let (card, _) = card_in(&calm, ANNA).unwrap();
    assert!(!card.starts_with("🔴 URGENT"), "{card}");
}

#[test]
fn taking_tells_the_person_updates_the_other_cards_reminds_then_returns_the_case_to_the_pool() {
    let line = Line::new(evening());
    let first = question(&line, 5, "hello");
    line.wait(Duration::minutes(5));
    let second = line.run(Event::Tick);
    let boris_card = card_in(&second, BORIS).unwrap();
    let boris_card_id = card_id(&second, BORIS);
    let anna_card_id = card_id(&first, ANNA);
    let taken = tap(
        &line,
        doctor(BORIS, BORIS),
        CaseAction::Take,
        &boris_card,
        boris_card_id,
    );
    let edits: Vec<(i64, i32, String)> = taken
        .iter()
        .filter_map(|a| match a {
            Action::Edit {
                chat, message, html, ..
            } => Some((*chat, *message, html.clone())),
            _ => None,
        })
        .collect();
    assert_eq!(edits.len(), 2, "the tapped card and Anna's");
    assert_eq!((edits[0].0, edits[0].1), (BORIS, boris_card_id));
    assert_eq!((edits[1].0, edits[1].1), (ANNA, anna_card_id));
    assert!(edits[1].2.contains("taken by Dr Boris"), "{}", edits[1].2);
    assert!(
        matches!(taken.iter().find(|a| matches!(a, Action::TimeToTake(_))), Some(Action::TimeToTake(w)) if *w == Duration::minutes(5))
    );
    let told = sends(&taken)
        .into_iter()
        .find(|(to, _)| *to == PERSON)
        .expect("the person hears");
    assert!(told.1.contains("took") || told.1.contains("taken"), "{}", told.1);
    assert!(counts(&taken).contains(&HandoffEvent::CaseTaken));

    line.wait(Duration::minutes(15));
    let reminder = line.run(Event::Tick);
    assert_eq!(counts(&reminder), [HandoffEvent::Reminded]);
    let (to, text) = &sends(&reminder)[0];
    assert_eq!(*to, BORIS);
    assert!(text.contains("not answered yet"), "{text}");
    assert!(matches!(&reminder[1], Action::Send { reply_to: Some(id), .. } if *id == boris_card_id));

    line.wait(Duration::minutes(15));
    let returned = line.run(Event::Tick);
    assert_eq!(counts(&returned)[0], HandoffEvent::ReturnedToPool);
    let reopened = returned
        .iter()
        .filter(|a| matches!(a, Action::Edit { html, .. } if html.contains("Status: new")))
        .count();
    assert_eq!(reopened, 2, "both cards are open again");
    let (card, _) = card_in(&returned, ANNA).expect("someone other than Boris");
    assert!(card.starts_with("⏰ Taken but not answered for 30 min"), "{card}");
}

#[test]
fn an_answer_goes_to_the_person_with_write_back_and_stops_the_timers() {
    let line = Line::new(evening());
    let first = question(&line, 5, "hello");
    let card = card_in(&first, ANNA).unwrap();
    let ticket = card.1[0][1..].to_owned();
    line.wait(Duration::minutes(3));
    let answer = Said {
        id: 77,
        text: "two doses",
        relayable: true,
        edited: false,
        date: line.now.get(),
        replied: Some((card_id(&first, ANNA), evening())),
    };
    let actions = line.run(Event::Answer {
        from: doctor(ANNA, ANNA),
        said: answer,
        ticket: &ticket,
    });
    let header = &sends(&actions)[0];
    assert_eq!(header.0, PERSON);
    let copy = actions.iter().find_map(|a| match a {
        Action::Copy {
            to,
            from,
            buttons,
            protect,
            ..
        } => Some((*to, *from, buttons[0][0].data.clone(), *protect)),
        _ => None,
    });
    let (to, from, write_back, protect) = copy.expect("the answer is copied");
    assert_eq!((to, from, protect), (PERSON, ANNA, Protect::Shareable));
    assert!(write_back.starts_with(Prefix::WriteBack.char()));
    assert!(
        matches!(actions.iter().find(|a| matches!(a, Action::TimeToAnswer(_))), Some(Action::TimeToAnswer(w)) if *w == Duration::minutes(3))
    );
    let delivered = sends(&actions).pop().unwrap();
    assert_eq!(delivered.0, ANNA);
    assert!(delivered.1.contains("Delivered"), "{}", delivered.1);
    assert_eq!(line.next_due(), None, "answered: nothing more to do");
}

#[test]
fn resolving_asks_the_person_whether_it_helped() {
    let line = Line::new(evening());
    let first = question(&line, 5, "hello");
    let card = card_in(&first, ANNA).unwrap();
    let actions = tap(
        &line,
        doctor(ANNA, ANNA),
        CaseAction::Resolve,
        &card,
        card_id(&first, ANNA),
    );
    let feedback = actions.iter().find_map(|a| match a {
        Action::Send {
            to: PERSON,
            keyboard: Keyboard::Buttons(rows),
            ..
        } => Some(rows[0].iter().map(|b| b.data.clone()).collect::<Vec<_>>()),
        _ => None,
    });
    assert_eq!(
        feedback,
        Some(vec![Prefix::Feedback.with("y"), Prefix::Feedback.with("n")])
    );
    assert_eq!(line.next_due(), None);
}

#[test]
fn only_the_roster_handles_cases_and_only_on_their_own_card() {
    let line = Line::new(evening());
    let first = question(&line, 5, "hello");
    let card = card_in(&first, ANNA).unwrap();
    let stranger = tap(&line, doctor(555, ANNA), CaseAction::Take, &card, 1);
    assert_eq!(counts(&stranger), [HandoffEvent::TapRefused]);
    assert!(!stranger.iter().any(|a| matches!(a, Action::Edit { .. })));
    // A case button copied under another message: refused, nothing edited.
    let forged = (card.0.clone(), vec![Prefix::Take.with("AAAA")]);
    let ticket = card.1[0][1..].to_owned();
    let buttons: Vec<&str> = forged.1.iter().map(String::as_str).collect();
    let actions = line.run(Event::CaseTap {
        from: doctor(ANNA, ANNA),
        action: CaseAction::Take,
        ticket: &ticket,
        card: Some(Card {
            chat: ANNA,
            id: 1,
            html: &forged.0,
            date: evening(),
            buttons,
        }),
    });
    assert!(!actions.iter().any(|a| matches!(a, Action::Edit { .. })));
    // The ticket opens only in the chat its card went to.
    let elsewhere = tap(&line, doctor(BORIS, BORIS), CaseAction::Take, &card, 1);
    assert_eq!(counts(&elsewhere), [HandoffEvent::TicketInvalid]);
    // A reply from outside the roster is refused, not relayed.
    let answer = line.run(Event::Answer {
        from: doctor(555, 555),
        said: said(9, "hi"),
        ticket: &ticket,
    });
    assert_eq!(counts(&answer), [HandoffEvent::AnswerRefused]);
    assert!(!answer.iter().any(|a| matches!(a, Action::Copy { .. })));
}

#[test]
fn questions_from_groups_edits_files_and_past_the_limit_are_refused_with_a_reason() {
    let line = Line::new(evening());
    let position = position();
    let group = line.run(Event::Question {
        from: person(false),
        said: said(1, "hi"),
        position: position.clone(),
    });
    assert_eq!(counts(&group), [HandoffEvent::QuestionNotPrivate]);
    let edited = line.run(Event::Question {
        from: person(true),
        said: Said {
            edited: true,
            ..said(2, "hi")
        },
        position: position.clone(),
    });
    assert_eq!(counts(&edited), [HandoffEvent::EditIgnored]);
    let file = line.run(Event::Question {
        from: person(true),
        said: Said {
            relayable: false,
            ..said(3, "")
        },
        position: position.clone(),
    });
    assert_eq!(counts(&file), [HandoffEvent::KindRefused]);
    for id in 0..crate::handoff::limit::QUESTIONS_PER_HOUR as i32 {
        question(&line, 10 + id, "hi");
    }
    assert_eq!(counts(&question(&line, 20, "hi")), [HandoffEvent::QuestionLimited]);
    // An emergency is shown even when the question is refused.
    let refused = question(&line, 21, "not breathing");
    assert!(matches!(first_message(&refused), Some(Action::Screen { .. })));
}

#[test]
fn the_question_limit_counts_on_the_simulated_clock() {
    let line = Line::new(evening());
    let limit = crate::handoff::limit::QUESTIONS_PER_HOUR as i32;
    let sent = |actions: &[Action<'_>]| counts(actions).contains(&HandoffEvent::QuestionSent);
    for id in 0..limit {
        assert!(sent(&question(&line, 10 + id, "hi")));
    }
    assert_eq!(counts(&question(&line, 20, "hi")), [HandoffEvent::QuestionLimited]);
    line.wait(Duration::minutes(11));
    assert_eq!(counts(&question(&line, 21, "hi")), [HandoffEvent::QuestionLimited]);
    line.wait(Duration::minutes(1));
    assert!(sent(&question(&line, 22, "hi")), "one question back after 12 minutes");
    assert_eq!(counts(&question(&line, 23, "hi")), [HandoffEvent::QuestionLimited]);
    line.wait(Duration::hours(1));
    for id in 0..limit {
        assert!(sent(&question(&line, 30 + id, "hi")), "the whole hour back");
    }
}

#[test]
fn after_hours_the_case_waits_in_the_duty_chat_and_reaches_the_doctor_whose_shift_starts() {
    let line = Line::new(at("2026-11-24T19:50:00+03:00"));
    let first = question(&line, 5, "hello");
    assert!(card_in(&first, DUTY).is_some());
    let told = sends(&first).into_iter().find(|(to, _)| *to == PERSON).unwrap();
    assert!(told.1.contains("20:00"), "the next shift's start: {}", told.1);
    line.wait(Duration::minutes(5));
    assert!(line.run(Event::Tick).is_empty(), "nobody on shift yet");
    line.wait(Duration::minutes(5));
    let (card, _) = card_in(&line.run(Event::Tick), ANNA).expect("Anna's shift has started");
    assert!(card.starts_with("⏰ Not taken for 10 min"), "{card}");
}

#[test]
fn a_stop_counts_the_running_timers_and_tells_the_duty_chat_how_many() {
    let line = Line::new(evening());
    assert!(line.run(Event::Shutdown).is_empty(), "nothing running, nothing said");
    question(&line, 5, "one");
    question(&line, 6, "two");
    let actions = line.run(Event::Shutdown);
    assert!(matches!(actions[0], Action::TimersLost(2)));
    let (to, text) = &sends(&actions)[0];
    assert_eq!(*to, DUTY);
    assert!(text.contains('2') && !text.contains("Case"), "a count, no case: {text}");
}

#[test]
fn roster_commands_are_answered_in_roster_chats_to_members_and_reload_to_coordinators() {
    let line = Line::new(evening());
    let command = |from, command| {
        line.run(Event::Command {
            from,
            command,
            message: 1,
        })
    };
    let in_group = command(doctor(ANNA, -777), Command::OnCall);
    assert_eq!(counts(&in_group), [HandoffEvent::CommandOutsideRosterChats]);
    assert!(sends(&in_group).is_empty(), "another group learns nothing");
    let stranger = command(doctor(555, 555), Command::OnCall);
    assert_eq!(counts(&stranger), [HandoffEvent::CommandRefused]);
    let oncall = command(doctor(ANNA, ANNA), Command::OnCall);
    assert!(sends(&oncall)[0].1.contains("Dr Boris"), "{:?}", sends(&oncall));
    assert_eq!(
        counts(&command(doctor(ANNA, ANNA), Command::Reload)),
        [HandoffEvent::CommandRefused]
    );
    assert!(matches!(
        command(doctor(900, DUTY), Command::Reload)[..],
        [Action::Reload { to: DUTY, reply_to: 1 }]
    ));
}

#[test]
fn a_photo_sent_to_the_doctor_is_copied_from_the_persons_own_chat_under_a_card() {
    let line = Line::new(evening());
    let actions = line.run(Event::SendToDoctor {
        from: person(true),
        message: "321",
    });
    assert!(matches!(actions[0], Action::Toast(None)));
    let (card, _) = card_in(&actions, ANNA).unwrap();
    assert!(card.contains("photo") || card.contains("voice"), "{card}");
    assert!(actions.iter().any(|a| matches!(
        a,
        Action::Copy {
            to: ANNA,
            from: PERSON,
            message: 321,
            ..
        }
    )));
    let group = line.run(Event::SendToDoctor {
        from: person(false),
        message: "321",
    });
    assert_eq!(counts(&group), [HandoffEvent::QuestionNotPrivate]);
    assert!(matches!(group[1], Action::Toast(Some(_))));
}

#[test]
fn someone_off_the_roster_is_told_once_per_five_minutes_in_the_duty_chat_a_member_every_time() {
    let line = Line::new(evening());
    let reply = |from, said| {
        line.run(Event::Answer {
            from,
            said,
            ticket: "x",
        })
    };
    let stranger = doctor(555, DUTY);
    let told: usize = (0..40).map(|_| sends(&reply(stranger, said(9, "hi"))).len()).sum();
    assert_eq!(told, 1, "forty replies, one refusal");
    assert_eq!(
        counts(&reply(stranger, said(9, "hi"))),
        [HandoffEvent::AnswerRefused],
        "still counted"
    );
    let oncall = line.run(Event::Command {
        from: stranger,
        command: Command::OnCall,
        message: 1,
    });
    assert_eq!(counts(&oncall), [HandoffEvent::CommandRefused]);
    assert!(sends(&oncall).is_empty(), "the same window");
    line.wait(crate::handoff::refusals::REFUSE_EVERY);
    assert_eq!(sends(&reply(stranger, said(9, "hi"))).len(), 1);

    let in_private: usize = (0..3)
        .map(|_| sends(&reply(doctor(555, 555), said(9, "hi"))).len())
        .sum();
    assert_eq!(in_private, 3, "a private chat is their own");
    let edited = || Said {
        edited: true,
        ..said(10, "edited")
    };
    let member: usize = (0..3).map(|_| sends(&reply(doctor(ANNA, DUTY), edited())).len()).sum();
    assert_eq!(member, 3, "a doctor is always told");
}
