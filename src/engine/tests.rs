//! Engine tests against the small fixture tree in `tests/fixtures/tree`.
//! Each test drives the engine the way an adapter does: input in, screen out,
//! the next input taken from the screen's buttons.

use proptest::prelude::*;

use super::*;
use crate::content::VersionTag;
use crate::fixture::tree;
use crate::payload::{MAX_CRUMBS, Prefix};

fn en() -> Locale {
    tree().locale_by_code("en").unwrap()
}

fn ru() -> Locale {
    tree().locale_by_code("ru").unwrap()
}

/// The id of the node a screen shows, or a description of what else it shows.
fn shown(screen: &Screen<'_>) -> String {
    match screen.shows {
        Shows::Node(node) => tree().node(node).id().to_owned(),
        other => format!("{other:?}"),
    }
}

fn labels(screen: &Screen<'_>) -> Vec<String> {
    screen.buttons.iter().flatten().map(|b| b.label.to_string()).collect()
}

/// Presses the button labelled `label` on `screen`.
fn press<'c>(screen: &Screen<'c>, label: &str) -> Screen<'c> {
    let button = screen
        .buttons
        .iter()
        .flatten()
        .find(|b| b.label == label)
        .unwrap_or_else(|| panic!("no button {label:?} on {}: {:?}", shown(screen), labels(screen)));
    handle(tree(), en(), Input::Callback { data: &button.data })
}

fn start() -> Screen<'static> {
    handle(tree(), en(), Input::Start { payload: None })
}

#[test]
fn start_shows_the_root_with_the_emergency_page_first_and_no_back() {
    let screen = start();
    assert_eq!(shown(&screen), "start");
    assert_eq!(
        labels(&screen),
        [
            "Urgent",
            "Step 1",
            "Loop 1",
            "Photo",
            "Ask a doctor",
            "Where is the bus?"
        ]
    );
    assert!(
        screen.plain.contains("112"),
        "emergency numbers on the root: {}",
        screen.plain
    );
    assert_eq!(screen.notice, None);
}

#[test]
fn every_other_screen_has_back_home_and_the_emergency_numbers() {
    for (index, node) in tree().nodes() {
        if index == tree().root() {
            continue;
        }
        let screen = handle(
            tree(),
            en(),
            Input::Start {
                payload: Some(node.id()),
            },
        );
        assert_eq!(shown(&screen), node.id());
        let last_row: Vec<_> = screen
            .buttons
            .last()
            .unwrap()
            .iter()
            .map(|b| b.label.to_string())
            .collect();
        assert_eq!(last_row, ["⬅️ Back", "🏠 Main menu"], "on {}", node.id());
        assert!(screen.plain.contains("112, 103"), "on {}", node.id());
        assert!(screen.html.contains("112, 103"), "on {}", node.id());
    }
}

#[test]
fn back_retraces_the_path_and_home_returns_to_the_root() {
    let urgent = press(&start(), "Urgent");
    let step1 = press(&urgent, "Step 1");
    let step2 = press(&step1, "Step 2");
    assert_eq!(shown(&step2), "chain-2");
    let back = press(&step2, "⬅️ Back");
    assert_eq!(shown(&back), "chain-1");
    let back = press(&back, "⬅️ Back");
    assert_eq!(shown(&back), "urgent");
    let back = press(&back, "⬅️ Back");
    assert_eq!(shown(&back), "start");
    assert_eq!(shown(&press(&step2, "🏠 Main menu")), "start");
}

#[test]
fn deep_paths_remember_the_last_steps_and_fit_in_callback_data() {
    let mut screen = press(&start(), "Step 1");
    for step in 2..=12 {
        screen = press(&screen, &format!("Step {step}"));
        assert!(screen.buttons.iter().flatten().all(|b| b.data.len() <= 64));
    }
    assert_eq!(shown(&screen), "chain-12");
    let mut trail = Vec::new();
    while shown(&screen) != "start" {
        screen = press(&screen, "⬅️ Back");
        trail.push(shown(&screen));
    }
    let expected: Vec<String> = (4..=11)
        .rev()
        .map(|i| format!("chain-{i}"))
        .chain(["start".to_owned()])
        .collect();
    assert_eq!(trail, expected, "Back remembers {MAX_CRUMBS} steps, then goes home");
}

#[test]
fn cycles_do_not_grow_the_breadcrumb() {
    let mut screen = press(&start(), "Loop 1");
    let mut lengths = Vec::new();
    for _ in 0..10 {
        screen = press(&screen, "Loop 2");
        screen = press(&screen, "Loop 1");
        lengths.push(screen.buttons[0][0].data.len());
    }
    assert!(lengths.windows(2).all(|w| w[0] == w[1]), "{lengths:?}");
    assert_eq!(shown(&press(&screen, "⬅️ Back")), "start");
}

#[test]
fn deep_links_open_their_node_and_unknown_ones_explain() {
    assert_eq!(
        shown(&handle(
            tree(),
            en(),
            Input::Start {
                payload: Some("chain-3")
            }
        )),
        "chain-3"
    );
    for payload in ["no-such-page", "../../etc", "Ω", &"x".repeat(500)] {
        let screen = handle(tree(), en(), Input::Start { payload: Some(payload) });
        assert_eq!(shown(&screen), "start");
        assert_eq!(screen.notice, Some(Notice::UnknownLink));
        assert!(screen.plain.starts_with("That link is outdated"), "{}", screen.plain);
    }
}

#[test]
fn garbage_and_forged_callbacks_show_the_root_with_an_explanation() {
    let good = start().buttons[0][0].data.clone();
    let forged_target = format!("{}AAAAAA", &good[..7]);
    let forged_crumb = format!("{good}AAAAAA");
    for data in ["", "garbage", &good[..good.len() - 2], &forged_target, &forged_crumb] {
        let screen = handle(tree(), en(), Input::Callback { data });
        assert_eq!(shown(&screen), "start", "for {data:?}");
        assert_eq!(screen.notice, Some(Notice::InvalidButton), "for {data:?}");
    }
}

#[test]
fn buttons_from_an_older_content_version_still_work_when_their_node_exists() {
    let old = VersionTag::of("older-version");
    let existing = CallbackData {
        version: old,
        locale: *b"ru",
        target: tree().node(tree().node_by_id("chain-2").unwrap()).key(),
        crumbs: vec![
            crate::content::NodeKey::of("removed-page"),
            tree().node(tree().node_by_id("chain-1").unwrap()).key(),
        ],
    };
    let screen = handle(
        tree(),
        en(),
        Input::Callback {
            data: &existing.encode(),
        },
    );
    assert_eq!(shown(&screen), "chain-2");
    assert_eq!(screen.locale, ru(), "the button's locale wins");
    assert_eq!(screen.notice, None);
    assert_eq!(tree_back(&screen), "chain-1", "unknown crumbs are dropped");

    let removed = CallbackData {
        target: crate::content::NodeKey::of("removed-page"),
        crumbs: vec![],
        ..existing
    };
    let screen = handle(
        tree(),
        en(),
        Input::Callback {
            data: &removed.encode(),
        },
    );
    assert_eq!(shown(&screen), "start");
    assert_eq!(screen.notice, Some(Notice::MenuUpdated));
    assert!(screen.plain.starts_with("Это меню изменилось"), "{}", screen.plain);
    assert_eq!(screen.toast, Some("Меню изменилось"));
}

fn tree_back(screen: &Screen<'_>) -> String {
    let back = &screen.buttons.last().unwrap()[0];
    shown(&handle(tree(), en(), Input::Callback { data: &back.data }))
}

#[test]
fn language_choice_switches_every_following_screen() {
    let choice = handle(tree(), en(), Input::Language);
    assert_eq!(choice.shows, Shows::LanguageChoice);
    assert_eq!(labels(&choice), ["Русский", "English"]);
    let russian = press(&choice, "Русский");
    assert_eq!(shown(&russian), "start");
    assert_eq!(labels(&russian)[0], "Срочно");
    let next = handle(
        tree(),
        en(),
        Input::Callback {
            data: &russian.buttons[0][0].data,
        },
    );
    assert_eq!(next.locale, ru());
    assert!(next.plain.contains("Текст Срочно"));
    assert!(labels(&next).contains(&"⬅️ Назад".to_owned()));
}

/// The fixture tree names no photo question, so photos too get the
/// emergency page (the shipped content's question: `tests/suite/content.rs`).
#[test]
fn voice_and_other_unreadable_messages_get_the_emergency_page() {
    for (kind, opening) in [
        (MessageKind::Voice, "I can't listen"),
        (MessageKind::Photo, "I can't look"),
        (MessageKind::Other, "I only understand"),
    ] {
        let screen = handle(
            tree(),
            en(),
            Input::Unsupported {
                kind,
                caption: None,
                message: None,
            },
        );
        assert_eq!(shown(&screen), "urgent");
        assert_eq!(screen.notice, Some(Notice::Unsupported(kind)));
        assert!(screen.plain.starts_with(opening), "{}", screen.plain);
        assert!(screen.plain.contains("call 112, 103 now"));
    }
}

#[test]
fn a_message_with_an_emergency_phrase_opens_the_emergency_page_at_once() {
    for (locale, text) in [
        (ru(), "он посинел и не дышит"),
        (
            ru(),
            "Здравствуйте! Друг после метадона уснул, сейчас не дышит, что делать?",
        ),
        (en(), "my friend is not breathing"),
        (en(), "yt lsibn"),
    ] {
        let screen = handle(tree(), locale, Input::Text { text });
        assert_eq!(shown(&screen), "urgent", "{text}");
        assert_eq!(screen.notice, None);
        assert!(tree().is_emergency(text), "{text}");
    }
    // "Breathing" is not "not breathing".
    assert!(!tree().is_emergency("дышит"));
    assert_ne!(
        shown(&handle(tree(), en(), Input::Text { text: "breathing" })),
        "urgent"
    );
}

#[test]
fn free_text_offers_matching_pages_or_the_root_with_a_hint() {
    let screen = handle(
        tree(),
        ru(),
        Input::Text {
            text: "где картинка"
        },
    );
    assert_eq!(screen.shows, Shows::SearchResults);
    assert_eq!(labels(&screen), ["Фото", "🏠 Главное меню"]);
    assert!(
        screen.plain.starts_with("По вашим словам нашлась 1 страница"),
        "{}",
        screen.plain
    );
    assert_eq!(shown(&press(&screen, "Фото")), "photo-page");

    let nothing = handle(
        tree(),
        en(),
        Input::Text {
            text: "what is the weather",
        },
    );
    assert_eq!(shown(&nothing), "start");
    assert_eq!(nothing.notice, Some(Notice::NothingFound));
}

#[test]
fn media_pages_carry_their_attachment() {
    let screen = handle(
        tree(),
        en(),
        Input::Start {
            payload: Some("photo-page"),
        },
    );
    let media = screen.media.expect("photo page has media");
    assert_eq!(media.file, "media/dot.png");
    assert!(media.bytes.starts_with(b"\x89PNG"));
}

#[test]
fn html_and_plain_text_agree() {
    let screen = handle(
        tree(),
        en(),
        Input::Start {
            payload: Some("urgent"),
        },
    );
    assert!(
        screen.html.starts_with("<b>Urgent</b>\n\nText of Urgent"),
        "{}",
        screen.html
    );
    assert!(screen.plain.starts_with("Urgent\n\nText of Urgent"), "{}", screen.plain);
}

#[test]
fn help_and_about_say_what_the_bot_is() {
    let help = handle(tree(), en(), Input::Help);
    assert!(
        help.plain.contains("☎️ 112 — single emergency number"),
        "{}",
        help.plain
    );
    let about = handle(tree(), ru(), Input::About);
    assert!(about.plain.contains("версия материалов test-1"), "{}", about.plain);
    assert!(about.plain.contains("2026-11-01"), "{}", about.plain);
    assert!(about.plain.contains("Бот не заменяет врача."), "{}", about.plain);
    assert!(
        about.plain.contains("Организация: Лиговский пр., 1"),
        "where to reach the organisation: {}",
        about.plain
    );
    assert_eq!(labels(&about), ["🏠 Главное меню"]);
}

#[test]
fn privacy_offers_clear_this_chat_which_asks_first_with_cancel_where_clear_was() {
    let privacy = handle(tree(), en(), Input::Privacy);
    assert_eq!(privacy.shows, Shows::Privacy);
    assert_eq!(labels(&privacy), ["🧹 Clear this chat", "🏠 Main menu"]);
    let confirm = press(&privacy, "🧹 Clear this chat");
    assert_eq!(confirm.shows, Shows::ClearConfirm);
    assert_eq!(
        labels(&confirm),
        ["✖️ Cancel", "🧹 Yes, clear"],
        "a double tap on Clear lands on Cancel"
    );
    assert_eq!(confirm.buttons[0].len(), 1, "Cancel alone in the first row");
    assert!(confirm.plain.contains("last 48 hours"), "{}", confirm.plain);
    assert!(
        confirm.plain.contains("/start brings the menu back"),
        "{}",
        confirm.plain
    );

    let cancelled = press(&confirm, "✖️ Cancel");
    assert_eq!(cancelled.shows, Shows::Privacy);
    assert_eq!(cancelled.html, privacy.html);
    assert_eq!(labels(&cancelled), labels(&privacy));

    let clearing = press(&confirm, "🧹 Yes, clear");
    assert_eq!(clearing.shows, Shows::Clearing);
    assert!(clearing.buttons.is_empty(), "nothing to tap while deleting");
    for screen in [&privacy, &confirm, &clearing] {
        assert!(screen.plain.contains("112"), "emergency numbers: {}", screen.plain);
        assert_eq!(screen.notice, None);
    }
}

#[test]
fn clear_buttons_carry_their_locale_and_stay_out_of_the_node_namespace() {
    let privacy = handle(tree(), ru(), Input::Privacy);
    let clear = &privacy.buttons[0][0];
    assert_eq!(clear.label, "🧹 Очистить этот чат");
    assert_eq!(clear.data, "Daru");
    assert_eq!(Prefix::of_callback(&clear.data), Some((Prefix::ClearChat, "aru")));
    // Tapped by someone whose Telegram is in English: the chat's language wins.
    let confirm = handle(tree(), en(), Input::Callback { data: &clear.data });
    assert_eq!(confirm.locale, ru());
    assert_eq!(labels(&confirm), ["✖️ Отмена", "🧹 Да, очистить"]);
    // A locale the content no longer has: the person's own.
    let unknown = handle(tree(), en(), Input::Callback { data: "Dazz" });
    assert_eq!((unknown.shows, unknown.locale), (Shows::ClearConfirm, en()));
}

#[test]
fn malformed_clear_buttons_show_the_root_with_an_explanation() {
    for data in ["D", "Da", "Dxen", "Dyenn", "Dy", "Dyжж", "D\u{0}en"] {
        let screen = handle(tree(), en(), Input::Callback { data });
        assert_eq!(shown(&screen), "start", "for {data:?}");
        assert_eq!(screen.notice, Some(Notice::InvalidButton), "for {data:?}");
    }
}

#[test]
fn the_clear_report_says_what_was_done_and_how_to_delete_the_rest() {
    let complete = clear_report(tree(), en(), Cleared::Complete);
    let partial = clear_report(tree(), en(), Cleared::Partial);
    assert!(complete.plain.starts_with("🧹 Done"), "{}", complete.plain);
    assert!(partial.plain.contains("some messages may be left"), "{}", partial.plain);
    for report in [&complete, &partial] {
        assert_eq!(report.shows, Shows::Cleared);
        for words in ["Clear history", "Delete chat", "Auto-delete", "112"] {
            assert!(report.plain.contains(words), "{words:?} in {}", report.plain);
        }
        assert_eq!(labels(report), ["🏠 Main menu"]);
    }
    let ru = clear_report(tree(), ru(), Cleared::Complete);
    assert!(ru.plain.contains("«Очистить историю»"), "{}", ru.plain);
}

#[test]
fn telegram_language_codes_are_negotiated() {
    let content = tree();
    for (code, expected) in [
        (Some("ru"), "ru"),
        (Some("ru-RU"), "ru"),
        (Some("uk"), "ru"),
        (Some("kk"), "ru"),
        (Some("en-GB"), "en"),
        (Some("de"), "en"),
        (Some(""), "en"),
        (None, "en"),
    ] {
        assert_eq!(content.locale_code(content.negotiate(code)), expected, "for {code:?}");
    }
}

/// Every button on `screen` is valid Telegram callback data.
fn assert_buttons_valid(screen: &Screen<'_>) -> Result<(), TestCaseError> {
    prop_assert!(screen.buttons.iter().flatten().count() <= 100);
    for button in screen.buttons.iter().flatten() {
        prop_assert!(!button.data.is_empty() && button.data.len() <= 64);
    }
    Ok(())
}

proptest! {
    #[test]
    fn any_callback_data_gets_a_valid_screen(data in "\\PC{0,80}") {
        let screen = handle(tree(), en(), Input::Callback { data: &data });
        assert_buttons_valid(&screen)?;
    }

    #[test]
    fn any_deep_link_gets_a_valid_screen(payload in "[A-Za-z0-9_-]{0,64}|\\PC{0,100}") {
        let screen = handle(tree(), en(), Input::Start { payload: Some(&payload) });
        assert_buttons_valid(&screen)?;
        // Deep links read only the current menu prefix, never the old `1`.
        let button_data = payload.trim().starts_with(Prefix::Menu.char()) && CallbackData::decode(payload.trim()).is_ok();
        if tree().node_by_id(&payload).is_none() && !payload.trim().is_empty() && !button_data {
            prop_assert_eq!(screen.notice, Some(Notice::UnknownLink));
        }
        if button_data {
            // A prompt's topic link: opened like the button it copies.
            prop_assert!(matches!(screen.notice, None | Some(Notice::MenuUpdated | Notice::InvalidButton)));
        }
    }

    #[test]
    fn any_free_text_gets_a_valid_screen(text in "\\PC{0,300}") {
        let screen = handle(tree(), ru(), Input::Text { text: &text });
        assert_buttons_valid(&screen)?;
    }

    /// A random walk over buttons always lands on the node the button names.
    #[test]
    fn random_walks_serve_the_node_each_button_names(choices in prop::collection::vec(0usize..16, 1..40)) {
        let mut screen = start();
        for choice in choices {
            // Menu buttons: a companion's start button is the adapters' to carry out.
            let buttons: Vec<_> = screen
                .buttons
                .iter()
                .flatten()
                .filter(|b| crate::payload::Prefix::of_callback(&b.data).is_some_and(|(p, _)| p == crate::payload::Prefix::Menu))
                .cloned()
                .collect();
            let button = &buttons[choice % buttons.len()];
            let next = handle(tree(), en(), Input::Callback { data: &button.data });
            let decoded = CallbackData::decode(&button.data).unwrap();
            prop_assert_eq!(next.shows, Shows::Node(tree().node_by_key(decoded.target).unwrap()));
            prop_assert_eq!(next.notice, None);
            assert_buttons_valid(&next)?;
            screen = next;
        }
    }
}

#[test]
fn the_ask_a_doctor_screen_says_who_is_on_duty_and_offers_the_question_button() {
    let ask = tree().node_by_id("ask-doctor").unwrap();
    let start = handle(tree(), en(), Input::Start { payload: None });
    let data = start
        .buttons
        .iter()
        .flatten()
        .find(|b| b.label == "Ask a doctor")
        .unwrap()
        .data
        .clone();

    let on_shift = Duty::OnShift(vec!["Dr Anna (ru, en)".to_owned()]);
    let screen = handle_with(
        tree(),
        &Duties::doctors(on_shift),
        en(),
        Input::Callback { data: &data },
    );
    assert_eq!(screen.shows, Shows::Node(ask));
    assert!(
        screen.plain.starts_with("🩺 On duty now: Dr Anna (ru, en)."),
        "{}",
        screen.plain
    );
    assert!(screen.plain.contains("Text of Ask a doctor"));
    assert!(screen.plain.contains("112"), "emergency numbers stay on the screen");
    let ask_button = &screen.buttons[0][0];
    assert_eq!(ask_button.label, "✍️ Write your question");
    assert!(ask_button.data.starts_with(Prefix::Ask.char()));
    assert!(ask_button.data.len() <= 64);
    assert_eq!(
        CallbackData::decode(&ask_button.data[1..]).unwrap().target,
        tree().node(ask).key(),
        "the button carries the position, for the case card's path"
    );

    let off = Duty::OffHours {
        next: Some("25.11 20:00 (Europe/Moscow)".to_owned()),
    };
    let screen = handle_with(
        tree(),
        &Duties::doctors(off),
        ru(),
        Input::Start {
            payload: Some("ask-doctor"),
        },
    );
    assert!(
        screen
            .plain
            .contains("следующая смена начнётся 25.11 20:00 (Europe/Moscow)"),
        "{}",
        screen.plain
    );
    assert_eq!(screen.buttons[0][0].label, "✍️ Написать вопрос");

    let screen = handle(
        tree(),
        en(),
        Input::Start {
            payload: Some("ask-doctor"),
        },
    );
    assert!(
        screen
            .plain
            .starts_with("The doctors' line is not open in this bot yet. Organisation: 1 Ligovsky Ave."),
        "{}",
        screen.plain
    );
    assert!(
        screen
            .buttons
            .iter()
            .flatten()
            .all(|b| !b.data.starts_with(Prefix::Ask.char())),
        "no question without a roster"
    );
}

#[test]
fn a_prompt_topic_link_opens_the_screen_it_names() {
    let start = handle(tree(), en(), Input::Start { payload: None });
    let data = start
        .buttons
        .iter()
        .flatten()
        .find(|b| b.label == "Step 1")
        .unwrap()
        .data
        .clone();
    let screen = handle(tree(), en(), Input::Start { payload: Some(&data) });
    assert_eq!(shown(&screen), "chain-1");
    assert_eq!(screen.notice, None);
}

#[test]
fn a_group_gets_a_short_answer_with_a_deep_link_and_never_the_words() {
    let content = tree();
    let ask = |ask| group_answer(content, en(), ask);
    let unknown = ask(GroupAsk::Command {
        name: "whatever",
        argument: "",
    });
    assert_eq!(
        (unknown.node, unknown.link),
        (content.root(), "start"),
        "unlisted: the root"
    );
    assert!(
        unknown.text.html.contains(content.ui(en()).footer.as_str()),
        "the numbers"
    );
    let linked = ask(GroupAsk::Command {
        name: "START",
        argument: "chain-2",
    });
    assert_eq!(linked.link, "chain-2", "/start <node id> opens that node");
    assert!(linked.text.html.starts_with("<b>"));
    let witness = "my friend Kolya is not breathing";
    assert!(content.is_emergency(witness));
    for said in [
        GroupAsk::Mention { text: witness },
        GroupAsk::Command {
            name: "start",
            argument: witness,
        },
    ] {
        let answer = ask(said);
        assert_eq!(answer.node, content.emergency(), "{said:?}");
        assert!(!answer.text.plain.contains("Kolya"), "nothing of the words is repeated");
    }
}
