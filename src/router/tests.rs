use chrono::{DateTime, Utc};

use super::*;
use crate::payload::CaseAction;

const MENU: &str = "M2026ruabcdef";

fn at() -> DateTime<Utc> {
    DateTime::from_timestamp(1_700_000_000, 0).unwrap()
}

fn tap_in(data: &str, place: Place, lines: bool) -> TapFacts<'_> {
    TapFacts {
        data,
        user: 7,
        language: Some("ru"),
        lines,
        under: Some(Under {
            chat: if place == Place::Private { 7 } else { -100 },
            place,
            id: 3,
            date: at(),
            shown: true,
            html: Some("a card"),
            buttons: vec![data],
        }),
    }
}

/// What the router makes of `data` tapped in `place`, as a short name.
fn owner(facts: &TapFacts<'_>) -> String {
    match tap(facts) {
        Routed::Menu(_) => "menu".into(),
        Routed::Line(event) => format!("line {}", event_name(&event)),
        Routed::Companion(_) => "companion".into(),
        Routed::Refused(Refusal::ForgedOutsidePrivate) => "forged".into(),
        Routed::Refused(Refusal::ClearOutsidePrivate) => "clear refused".into(),
        Routed::Group => "group".into(),
        Routed::Ignored => "ignored".into(),
    }
}

fn event_name(event: &Event<'_>) -> &'static str {
    match event {
        Event::Question { .. } => "question",
        Event::FollowUp { .. } => "follow-up",
        Event::Answer { .. } => "answer",
        Event::Ask { .. } => "ask",
        Event::WriteBack { tapped: true, .. } => "write back (tapped)",
        Event::WriteBack { tapped: false, .. } => "write back (link)",
        Event::CaseTap { .. } => "case tap",
        Event::SendToDoctor { .. } => "send to doctor",
        Event::Feedback { .. } => "feedback",
        Event::Command { .. } => "command",
        _ => "other",
    }
}

#[test]
fn in_a_private_chat_every_tap_goes_to_its_owner() {
    let cases = [
        (MENU, "menu"),
        ("Kgo", "companion"),
        ("Dyen", "menu"),
        ("AM2026ruabcdef", "line ask"),
        ("WTICKET", "line write back (tapped)"),
        ("Fy", "line feedback"),
        ("S42", "line send to doctor"),
        ("TTICKET", "line case tap"),
        ("CTICKET", "line case tap"),
        ("zzz", "menu"),
    ];
    for (data, expected) in cases {
        assert_eq!(owner(&tap_in(data, Place::Private, true)), expected, "{data}");
    }
}

#[test]
fn without_a_roster_no_line_owns_a_tap_and_the_engine_says_it_is_out_of_date() {
    for data in ["AM2026ruabcdef", "WTICKET", "Fy", "S42", "TTICKET"] {
        assert_eq!(owner(&tap_in(data, Place::Private, false)), "menu", "{data}");
    }
}

#[test]
fn shared_chats_hold_only_case_buttons_in_duty_chats_and_the_rest_is_refused() {
    for place in [Place::Group, Place::DutyChat] {
        for data in [MENU, "Kgo", "WTICKET", "Fy", "S42", "zzz", "1old"] {
            assert_eq!(owner(&tap_in(data, place, true)), "forged", "{data} in {place:?}");
        }
        assert_eq!(owner(&tap_in("Dyen", place, true)), "clear refused", "{place:?}");
        assert_eq!(
            owner(&tap_in("AM2026ruabcdef", place, true)),
            "line ask",
            "the line explains that questions are asked in private"
        );
        assert_eq!(
            owner(&tap_in("AM2026ruabcdef", place, false)),
            "forged",
            "without a line nobody explains, and no menu goes into a group"
        );
    }
    assert_eq!(owner(&tap_in("TTICKET", Place::DutyChat, true)), "line case tap");
    assert_eq!(owner(&tap_in("TTICKET", Place::Group, true)), "forged");
}

#[test]
fn under_an_inline_message_only_the_engine_answers() {
    for data in [MENU, "Kgo", "TTICKET", "Dyen"] {
        let facts = TapFacts {
            under: None,
            ..tap_in(data, Place::Private, true)
        };
        assert_eq!(owner(&facts), "menu", "{data}");
    }
}

#[test]
fn a_case_tap_carries_its_card_and_feedback_edits_only_its_own_question() {
    let facts = tap_in("RTICKET", Place::DutyChat, true);
    let Routed::Line(Event::CaseTap {
        action, ticket, card, ..
    }) = tap(&facts)
    else {
        panic!("a case tap");
    };
    assert_eq!((action, ticket), (CaseAction::Resolve, "TICKET"));
    let card = card.expect("the card is shown to the bot");
    assert_eq!((card.chat, card.id, card.html), (-100, 3, "a card"));

    let feedback = |buttons: Vec<&'static str>| {
        let mut facts = tap_in("Fy", Place::Private, true);
        facts.under.as_mut().unwrap().buttons = buttons;
        match tap(&facts) {
            Routed::Line(Event::Feedback { message, .. }) => message,
            _ => panic!("feedback"),
        }
    };
    assert_eq!(feedback(vec!["Fy", "Fn"]), Some(3));
    assert_eq!(
        feedback(vec!["TTICKET"]),
        None,
        "a forged tap under a card edits nothing"
    );

    let mut too_old = tap_in("Fy", Place::Private, true);
    too_old.under.as_mut().unwrap().shown = false;
    let Routed::Line(Event::Feedback { message, .. }) = tap(&too_old) else {
        panic!("feedback");
    };
    assert_eq!(message, None, "a message Telegram no longer shows is not edited");
}

fn said() -> Said<'static> {
    Said {
        id: 9,
        text: "help",
        relayable: true,
        edited: false,
        date: at(),
        replied: None,
    }
}

fn message_in<'a>(place: Place, replied: Option<Replied<'a>>, command: Option<(&'a str, &'a str)>) -> MessageFacts<'a> {
    MessageFacts {
        place,
        lines: true,
        from: Sender {
            user: 7,
            chat: 7,
            private: place == Place::Private,
            language: Some("ru"),
        },
        said: said(),
        replied,
        command,
        input: (place == Place::Private).then_some(Input::Text { text: "help" }),
    }
}

fn message_owner(facts: &MessageFacts<'_>) -> String {
    match message(facts) {
        Routed::Menu(_) => "menu".into(),
        Routed::Line(event) => format!("line {}", event_name(&event)),
        Routed::Group => "group".into(),
        Routed::Ignored => "ignored".into(),
        other => format!("{other:?}"),
    }
}

fn replied_with(buttons: Vec<&'static str>, start_links: Vec<&'static str>) -> Option<Replied<'static>> {
    Some(Replied { buttons, start_links })
}

#[test]
fn a_reply_to_the_bot_is_told_apart_by_what_it_replies_to() {
    let cases = [
        (replied_with(vec!["TTICKET", "RTICKET"], vec![]), "line answer"),
        (replied_with(vec!["CTICKET"], vec![]), "line answer"),
        (replied_with(vec!["WTICKET"], vec![]), "line follow-up"),
        (replied_with(vec![], vec!["WTICKET"]), "line follow-up"),
        (replied_with(vec![], vec![MENU]), "line question"),
        (replied_with(vec![], vec!["naloxone"]), "menu"),
        (replied_with(vec![MENU], vec![]), "menu"),
        (None, "menu"),
    ];
    for (replied, expected) in cases {
        let facts = message_in(Place::Private, replied.clone(), None);
        assert_eq!(message_owner(&facts), expected, "{replied:?}");
    }
    let answer = message_in(Place::DutyChat, replied_with(vec!["TTICKET"], vec![]), None);
    assert_eq!(message_owner(&answer), "line answer", "doctors answer in the duty chat");
    let elsewhere = message_in(Place::Group, replied_with(vec!["TTICKET"], vec![]), None);
    assert_eq!(message_owner(&elsewhere), "group", "the line never reads another group");
}

#[test]
fn roster_commands_go_to_the_line_anywhere_and_the_follow_up_link_in_private_only() {
    for place in [Place::Private, Place::DutyChat, Place::Group] {
        for command in ["oncall", "roster", "reload"] {
            let facts = message_in(place, None, Some((command, "")));
            assert_eq!(message_owner(&facts), "line command", "/{command} in {place:?}");
        }
    }
    let link = message_in(Place::Private, None, Some(("start", "WTICKET")));
    assert_eq!(message_owner(&link), "line write back (link)");
    let page = message_in(Place::Private, None, Some(("start", "wounds")));
    assert_eq!(message_owner(&page), "menu", "a page whose id starts with w is a page");
    let in_group = message_in(Place::Group, None, Some(("start", "WTICKET")));
    assert_eq!(message_owner(&in_group), "group");

    let mut without_roster = message_in(Place::Private, None, Some(("oncall", "")));
    without_roster.lines = false;
    assert_eq!(message_owner(&without_roster), "menu");
    let mut other_bot = message_in(Place::Private, None, None);
    other_bot.input = None;
    assert_eq!(message_owner(&other_bot), "ignored");
}

#[test]
fn a_menu_is_a_message_whose_buttons_are_all_a_pages_own() {
    assert!(is_menu(&[MENU, "AM2026ruabcdef", "Dyen", "Kgo"]));
    assert!(!is_menu(&[]), "a short answer without buttons");
    assert!(!is_menu(&[MENU, "TTICKET"]), "a card");
    assert!(!is_menu(&["Fy", "Fn"]), "an answer's feedback");
}
