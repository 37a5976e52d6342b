//! Group chats through the fake Bot API: every command or mention gets a
//! short public answer with a button to the private chat, an emergency at
//! once; no question starts and nothing anyone wrote is posted or logged;
//! admins turn the bot off and on, the flag kept in Telegram (it survives
//! a restart); private chats are unaffected.

use crate::support::{RunningBot, Tree, from_bot, mentions, nth_answer, start_bot};
use overdose_bot::engine::{self, GroupAsk};
use serde_json::json;
use telegram_fake::{FakeTelegram, STEP_TIMEOUT, TestChat, TestUser, ViewMessage};

const BOT: &str = "overdose_test_bot";
const GROUP: i64 = -100_444_001;

fn member() -> TestUser {
    TestUser::new(5_440_001, "Member", None, Some("en"))
}

fn admin() -> TestUser {
    TestUser::new(5_440_002, "Admin", None, Some("ru"))
}

fn group() -> TestChat {
    TestChat::group(GROUP, "Clients")
}

/// A sentinel from `user` in a group where the bot is off, and so answers
/// nothing: `/bot_on`, which the bot checks against the group's admins
/// (getChatMember) before it stays silent. A group's updates are handled
/// one at a time, and one sender's in the order sent (an emergency goes
/// first), so once the sentinel's check is asked for, every update `user`
/// sent before it has done all it would do. `checks_before`: the group's
/// admin checks asked for by all that came before the sentinel (counted
/// before those updates were sent, with [`admin_checks`]).
async fn silent_sentinel(telegram: &FakeTelegram, group: &TestChat, user: &TestUser, checks_before: usize) {
    telegram.send_text(group, user, "/bot_on");
    telegram
        .wait_for("the sentinel's admin check", STEP_TIMEOUT, |_| {
            admin_checks(telegram, group) > checks_before
        })
        .await
        .unwrap();
}

/// The getChatMember calls the bot made for `group`.
fn admin_checks(telegram: &FakeTelegram, group: &TestChat) -> usize {
    telegram
        .requests_of("getChatMember")
        .iter()
        .filter(|r| r.params["chat_id"] == group.id)
        .count()
}

/// Stops the bot; checks the exit, the spec, and that the logs name
/// neither the group nor the people nor what they wrote.
async fn finish(telegram: &FakeTelegram, bot: RunningBot, secrets: &[&str]) {
    let logs = crate::support::finish(telegram, bot).await;
    for secret in [&GROUP.to_string(), &GROUP.abs().to_string(), "5440001", "5440002"]
        .into_iter()
        .chain(secrets.iter().copied())
    {
        assert!(!mentions(&logs, secret), "the logs mention {secret:?}:\n{logs}");
    }
}

fn the_link(message: &ViewMessage) -> String {
    assert_eq!(message.buttons.len(), 1, "one button: {message:?}");
    let button = &message.buttons[0][0];
    assert_eq!(button.callback_data, None, "no menu in a group");
    button.url.clone().expect("a URL button")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_group_command_gets_a_short_answer_and_a_button_to_the_private_chat() {
    let telegram = FakeTelegram::start().await;
    let bot = start_bot(&telegram, Tree::Shipped, &[], &[]).await;
    let content = Tree::Shipped.content();
    let en = content.locale_by_code("en").unwrap();
    let (member, group) = (member(), group());
    let cases = [
        ("/bus", "bus", "bus", "🚐 Where is the bus?"),
        (
            "/naloxone@overdose_test_bot my friend Vasya on Ligovsky",
            "naloxone",
            "naloxone",
            "Naloxone",
        ),
        ("/overdose", "overdose", "overdose", "Overdose: what to do"),
        ("/help", "help", "start", "Overdose help"),
        ("/start", "start", "start", "Overdose help"),
    ];
    for (index, (sent, name, node, title)) in cases.into_iter().enumerate() {
        telegram.send_text(&group, &member, sent);
        let answer = nth_answer(&telegram, &group, index + 1).await;
        let expected = engine::group_answer(&content, en, GroupAsk::Command { name, argument: "" });
        assert_eq!(answer.text, expected.text.html, "{sent}");
        assert!(
            answer.text.starts_with(&format!("<b>{title}</b>")),
            "{sent}: {}",
            answer.text
        );
        assert!(answer.text.contains("112, 103"), "{sent}: the numbers");
        assert!(answer.text.len() < 400, "{sent}: short: {}", answer.text);
        assert_eq!(the_link(&answer), format!("https://t.me/{BOT}?start={node}"), "{sent}");
        assert_eq!(answer.labels(), ["🔒 Open in a private chat"]);
    }
    telegram.send_text(&group, &member, "hello everyone, Vasya is here");
    // A sentinel from the same member: once it is answered, the plain talk
    // before it has been read.
    telegram.send_text(&group, &member, "/naloxone");
    nth_answer(&telegram, &group, 6).await;
    let answers = from_bot(&telegram, &group);
    assert_eq!(answers.len(), 6, "plain talk gets no answer");
    assert!(answers.iter().all(|m| !m.text.contains("Vasya") && !m.force_reply));

    // The groups' command menu, in both languages; admins also see /bot_off.
    crate::support::command_menus_registered(&telegram, &Tree::Shipped.content()).await;
    for code in ["en", "ru", ""] {
        let groups = telegram.commands(&json!({ "type": "all_group_chats" }), code);
        assert_eq!(groups, ["bus", "help", "naloxone", "overdose"], "language {code:?}");
        let admins = telegram.commands(&json!({ "type": "all_chat_administrators" }), code);
        assert_eq!(admins, ["bus", "help", "naloxone", "overdose", "bot_off"]);
    }
    let described = telegram
        .requests_of("setMyCommands")
        .into_iter()
        .find(|r| r.params["scope"]["type"] == "all_group_chats" && r.params["language_code"] == "ru")
        .unwrap();
    assert_eq!(described.params["commands"][0]["description"], "🚐 Где автобус?");
    finish(&telegram, bot, &["Vasya", "Ligovsky"]).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_emergency_in_a_group_gets_the_emergency_answer_and_no_question_starts() {
    let telegram = FakeTelegram::start().await;
    let bot = start_bot(&telegram, Tree::Shipped, &[], &[]).await;
    let (member, group) = (member(), group());
    telegram.send_text(&group, &member, "@overdose_test_bot Petya is not breathing");
    let answer = nth_answer(&telegram, &group, 1).await;
    assert!(
        answer
            .text
            .starts_with("<b>🆘 Unresponsive / not breathing</b>\n\nCall 112"),
        "{}",
        answer.text
    );
    assert_eq!(the_link(&answer), format!("https://t.me/{BOT}?start=not-breathing"));
    // Whatever the command, words that describe an emergency win.
    telegram.send_text(&group, &member, "/bus он не дышит");
    let answer = nth_answer(&telegram, &group, 2).await;
    assert_eq!(the_link(&answer), format!("https://t.me/{BOT}?start=not-breathing"));
    // A mention is searched; a question to the doctors only opens the page
    // in the private chat, where the line is.
    telegram.send_text(&group, &member, "@overdose_test_bot naloxone");
    let answer = nth_answer(&telegram, &group, 3).await;
    assert_eq!(the_link(&answer), format!("https://t.me/{BOT}?start=naloxone"));
    telegram.send_text(&group, &member, "/start ask-doctor");
    let answer = nth_answer(&telegram, &group, 4).await;
    assert_eq!(the_link(&answer), format!("https://t.me/{BOT}?start=ask-doctor"));
    // A sentinel: whatever "/start ask-doctor" led to has come by its answer.
    telegram.send_text(&group, &member, "/naloxone");
    nth_answer(&telegram, &group, 5).await;
    assert!(
        telegram.chat(&group).iter().all(|m| !m.force_reply),
        "no question prompt"
    );
    assert_eq!(
        from_bot(&telegram, &group).len(),
        5,
        "one answer each, the sentinel's included"
    );
    let sends = telegram.requests_of("sendMessage");
    assert!(
        sends.iter().all(|r| r.params["chat_id"] == GROUP),
        "nothing went anywhere else"
    );
    finish(&telegram, bot, &["Petya", "дышит"]).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn admins_turn_the_bot_off_and_on_and_the_choice_survives_a_restart() {
    let telegram = FakeTelegram::start().await;
    let bot = start_bot(&telegram, Tree::Shipped, &[], &[]).await;
    let (member, admin, group) = (member(), admin(), group());
    let private = TestChat::private(&member);
    let chat_scope = json!({ "type": "chat", "chat_id": GROUP });
    telegram.make_admin(&group, &admin);

    telegram.send_text(&group, &member, "/bot_off");
    let refusal = nth_answer(&telegram, &group, 1).await;
    assert_eq!(refusal.text, "Only this group's admins can turn the bot off or on.");
    assert!(telegram.commands(&chat_scope, "").is_empty(), "still on");

    telegram.send_text(&group, &admin, "/bot_off@overdose_test_bot");
    let off = nth_answer(&telegram, &group, 2).await;
    assert!(
        off.text.starts_with("Бот выключен в этой группе"),
        "in the admin's language: {}",
        off.text
    );
    assert_eq!(
        telegram.commands(&chat_scope, ""),
        ["bot_on"],
        "the group's menu says how to turn it on"
    );
    let checks = admin_checks(&telegram, &group);
    telegram.send_text(&group, &member, "/bus");
    telegram.send_text(&group, &member, "@overdose_test_bot not breathing");
    telegram.send_text(&group, &member, "/bot_on");
    telegram.send_text(&private, &member, "/start");
    nth_answer(&telegram, &private, 1).await;
    // The member's /bot_on asks for one admin check, the sentinel for one more.
    silent_sentinel(&telegram, &group, &member, checks + 1).await;
    assert_eq!(
        from_bot(&telegram, &group).len(),
        2,
        "silent while off, refusals included"
    );

    // A new process asks Telegram and stays silent.
    let (code, _) = bot.stop().await;
    assert_eq!(code, 0);
    let polls = telegram.requests_of("getUpdates").len();
    let asked = telegram.requests_of("getMyCommands").len();
    let bot = start_bot(&telegram, Tree::Shipped, &[], &[]).await;
    telegram
        .wait_for_calls("getUpdates", polls + 1, STEP_TIMEOUT)
        .await
        .unwrap();
    let checks = admin_checks(&telegram, &group);
    telegram.send_text(&group, &member, "/naloxone");
    telegram
        .wait_for("the flag read from Telegram", STEP_TIMEOUT, |r| {
            r.iter().filter(|r| r.method == "getMyCommands").count() > asked
        })
        .await
        .unwrap();
    silent_sentinel(&telegram, &group, &member, checks).await;
    assert_eq!(from_bot(&telegram, &group).len(), 2, "still off after the restart");

    telegram.send_text(&group, &admin, "/bot_on");
    let on = nth_answer(&telegram, &group, 3).await;
    assert!(on.text.starts_with("Бот снова включён"), "{}", on.text);
    assert!(
        telegram.commands(&chat_scope, "").is_empty(),
        "the group's own menu is gone"
    );
    telegram.send_text(&group, &member, "/bus");
    let answer = nth_answer(&telegram, &group, 4).await;
    assert_eq!(the_link(&answer), format!("https://t.me/{BOT}?start=bus"));
    finish(&telegram, bot, &[]).await;
}
