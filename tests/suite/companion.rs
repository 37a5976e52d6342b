//! End-to-end: the emergency companion through the real binary and the fake
//! Bot API. The fixture tree's "I gave naloxone", its waits shortened to
//! seconds (a drill's timings; the flow itself is tested on a simulated
//! clock in `src/companion/tests.rs`): "Breathing?" (Yes: Step 1, then
//! "Still breathing?"; No: the urgent page and the question again); and
//! the shipped companions: the naloxone watch to 2 hours after the last
//! dose, CPR and the ambulance beside it.

use std::time::Duration;

use crate::support::{RunningBot, TempDir, copy_dir, mentions, root, start_bot_in};
use telegram_fake::{FakeTelegram, STEP_TIMEOUT, TestChat, TestUser, ViewMessage};

fn person() -> TestUser {
    TestUser::new(5_580_001, "Dina", Some("dina_private"), Some("en"))
}

/// Who starts the drill in a chat of their own as a sentinel for timers.
fn sentinel() -> TestUser {
    TestUser::new(5_580_002, "Eva", None, Some("en"))
}

/// The fixture tree with its check-ins two and three seconds apart (three
/// unanswered asks end them: 6 s to answer).
async fn drill_bot(telegram: &FakeTelegram) -> (RunningBot, TempDir) {
    let dir = TempDir::new();
    let content = dir.path().join("content");
    copy_dir(&root().join("tests/fixtures/tree/content"), &content);
    let tree = content.join("tree.yaml");
    let text = std::fs::read_to_string(&tree)
        .unwrap()
        .replace("after: 2m", "after: 2s")
        .replace("after: 10m", "after: 3s");
    std::fs::write(&tree, text).unwrap();
    let bot = start_bot_in(telegram, &content, &[], &[]).await;
    (bot, dir)
}

/// Waits until `chat` shows a bot message for which `found` holds.
async fn shows(
    telegram: &FakeTelegram,
    chat: &TestChat,
    what: &str,
    found: impl Fn(&ViewMessage) -> bool,
) -> ViewMessage {
    crate::support::shows(telegram, chat, what, |m| m.from_bot && found(m)).await
}

/// A barrier on the bot's own clock, for a check that no check-in comes:
/// a second person starts the drill in their own chat, and this waits for
/// their check-in asked again, due 4 s after their start (the drill asks
/// every 2 s). Everything the first chat still had due when its check-ins
/// ended was due sooner (its longest wait is 3 s), and the bot's one timer
/// loop acts on what is due in the order it is due; so by then a check-in
/// that survived the end has been planned and sent, and one that was on
/// its way has been deleted. The sentinel's check-ins are then stopped.
async fn timers_due_by_now(telegram: &FakeTelegram) {
    let (eva, chat) = (sentinel(), TestChat::private(&sentinel()));
    start(telegram, &chat, &eva).await;
    let first = shows(telegram, &chat, "the sentinel's check-in", |m| {
        m.text.starts_with("Breathing?")
    })
    .await;
    shows(telegram, &chat, "the sentinel's check-in asked again", |m| {
        m.text.starts_with("Breathing?") && m.message_id != first.message_id
    })
    .await;
    telegram.press(&chat, &eva, "⏹ Stop check-ins").unwrap();
    shows(telegram, &chat, "the sentinel's check-ins stopped", |m| {
        m.text.starts_with("Check-ins stopped: I gave naloxone.")
    })
    .await;
}

fn check_ins(telegram: &FakeTelegram, chat: &TestChat, question: &str) -> usize {
    telegram
        .chat(chat)
        .iter()
        .filter(|m| m.text.starts_with(question))
        .count()
}

async fn start(telegram: &FakeTelegram, chat: &TestChat, user: &TestUser) {
    telegram.send_text(chat, user, "/start urgent");
    shows(telegram, chat, "the urgent page", |m| {
        m.button("I gave naloxone").is_some()
    })
    .await;
    telegram.press(chat, user, "I gave naloxone").unwrap();
    let started = shows(telegram, chat, "the started page", |m| {
        m.text.starts_with("<b>I gave naloxone</b>")
    })
    .await;
    assert_eq!(started.labels(), ["⏹ Stop check-ins", "🏠 Main menu"]);
    assert!(started.text.contains("112"), "the numbers on every screen");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn naloxone_check_ins_follow_the_answers_and_replace_each_other() {
    let telegram = FakeTelegram::start().await;
    let (bot, _dir) = drill_bot(&telegram).await;
    let (dina, chat) = (person(), TestChat::private(&person()));
    start(&telegram, &chat, &dina).await;

    let first = shows(&telegram, &chat, "the first check-in", |m| {
        m.text.starts_with("Breathing?")
    })
    .await;
    assert_eq!(first.labels(), ["Yes", "No", "⏹ Stop check-ins"]);
    assert!(first.text.contains("112"), "the numbers on every check-in");
    // Unanswered, it is asked again, and the new one replaces the old.
    shows(&telegram, &chat, "the check-in asked again", |m| {
        m.text.starts_with("Breathing?") && m.message_id != first.message_id
    })
    .await;
    telegram
        .wait_for("the old check-in deleted", STEP_TIMEOUT, |_| {
            !telegram.chat(&chat).iter().any(|m| m.message_id == first.message_id)
        })
        .await
        .unwrap();
    assert_eq!(check_ins(&telegram, &chat, "Breathing?"), 1, "they do not pile up");

    // No: the urgent page (the next dose, CPR), then the question again.
    telegram.press(&chat, &dina, "No").unwrap();
    shows(&telegram, &chat, "the page for No", |m| {
        m.text.starts_with("<b>Urgent</b>")
    })
    .await;
    // Yes: Step 1 now, "Still breathing?" three seconds later.
    let asked = telegram.chat(&chat).len();
    telegram
        .wait_for("the next question", STEP_TIMEOUT, |_| {
            telegram.chat(&chat).len() > asked
                && telegram
                    .last_bot_message(&chat)
                    .is_some_and(|m| m.text.starts_with("Breathing?"))
        })
        .await
        .unwrap();
    telegram.press(&chat, &dina, "Yes").unwrap();
    shows(&telegram, &chat, "the page for Yes", |m| {
        m.text.starts_with("<b>Step 1</b>")
    })
    .await;
    let later = shows(&telegram, &chat, "the next check-in", |m| {
        m.text.starts_with("Still breathing?")
    })
    .await;
    assert_eq!(later.labels(), ["Help is here", "⏹ Stop check-ins"]);
    assert_eq!(
        check_ins(&telegram, &chat, "Breathing?"),
        0,
        "replaced by the next check-in"
    );
    telegram.press(&chat, &dina, "Help is here").unwrap();
    let end = shows(&telegram, &chat, "the end", |m| {
        m.text.starts_with("The check-ins of “I gave naloxone” have ended.")
    })
    .await;
    // Nothing more comes (a check-in already on its way is deleted).
    timers_due_by_now(&telegram).await;
    assert!(check_ins(&telegram, &chat, "Still breathing?") <= 1);
    assert!(
        telegram.chat(&chat).iter().all(|m| m.message_id <= end.message_id),
        "nothing after the end: {:#?}",
        telegram.chat(&chat)
    );

    let (code, logs) = bot.stop().await;
    assert_eq!(code, 0, "{logs}");
    assert_eq!(telegram.violations(), Vec::<String>::new());
    for event in ["started", "check_in", "answered", "completed"] {
        assert!(
            logs.contains(&format!("event=\"{event}\"")) || logs.contains(&format!("event={event}")),
            "{event}: {logs}"
        );
    }
    for secret in ["5580001", "Dina", "dina_private"] {
        assert!(!mentions(&logs, secret), "{secret} in the logs");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stop_ends_the_check_ins_and_a_restart_tells_the_person_they_stopped() {
    let telegram = FakeTelegram::start().await;
    let (bot, _dir) = drill_bot(&telegram).await;
    let (dina, chat) = (person(), TestChat::private(&person()));
    start(&telegram, &chat, &dina).await;
    telegram.press(&chat, &dina, "⏹ Stop check-ins").unwrap();
    let stopped = shows(&telegram, &chat, "stopped", |m| {
        m.text.starts_with("Check-ins stopped: I gave naloxone.")
    })
    .await;
    timers_due_by_now(&telegram).await;
    // A check-in sent before the Stop arrived is deleted with it; none comes after.
    assert_eq!(
        check_ins(&telegram, &chat, "Breathing?"),
        0,
        "no check-in left after Stop"
    );
    assert!(
        telegram.chat(&chat).iter().all(|m| m.message_id <= stopped.message_id),
        "nothing after Stop: {:#?}",
        telegram.chat(&chat)
    );

    // Started again, then the bot stops: the person hears the check-ins ended.
    start(&telegram, &chat, &dina).await;
    shows(&telegram, &chat, "a check-in", |m| m.text.starts_with("Breathing?")).await;
    let (code, logs) = bot.stop().await;
    assert_eq!(code, 0, "{logs}");
    shows(&telegram, &chat, "told at the stop", |m| {
        m.text.starts_with("⚠️ The bot restarted and your check-ins stopped.")
    })
    .await;
    assert!(
        logs.contains("companion: stopping ends the running check-ins"),
        "{logs}"
    );
    assert!(!mentions(&logs, "5580001"), "no chat id in the logs");
    assert_eq!(telegram.violations(), Vec::<String>::new());
}

/// The shipped companions, their waits shortened to two seconds.
async fn shipped_drill_bot(telegram: &FakeTelegram) -> (RunningBot, TempDir) {
    let dir = TempDir::new();
    let content = dir.path().join("content");
    copy_dir(&root().join("content"), &content);
    let file = content.join("companion.yaml");
    let text = std::fs::read_to_string(&file)
        .unwrap()
        .replace("      after: 2m30s", "      after: 2s")
        .replace("      after: 2m", "      after: 2s")
        .replace("      after: 30m", "      after: 2s");
    std::fs::write(&file, text).unwrap();
    let bot = start_bot_in(telegram, &content, &[], &[]).await;
    (bot, dir)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_shipped_ambulance_and_cpr_companions_end_when_help_arrives() {
    let telegram = FakeTelegram::start().await;
    let (bot, _dir) = shipped_drill_bot(&telegram).await;
    let (dina, chat) = (person(), TestChat::private(&person()));

    // "I called the ambulance": No brings CPR, then the ambulance arrives.
    telegram.send_text(&chat, &dina, "/start not-breathing");
    shows(&telegram, &chat, "the emergency page", |m| {
        m.button("📞 I called the ambulance").is_some()
    })
    .await;
    telegram.press(&chat, &dina, "📞 I called the ambulance").unwrap();
    let asked = shows(&telegram, &chat, "the first check-in", |m| {
        m.text.contains("Is the person still breathing normally?")
    })
    .await;
    assert_eq!(
        asked.labels(),
        [
            "✅ Yes",
            "❌ No, or not sure",
            "🚑 The ambulance is here",
            "⏹ Stop check-ins"
        ]
    );
    telegram.press(&chat, &dina, "❌ No, or not sure").unwrap();
    shows(&telegram, &chat, "CPR for No", |m| {
        m.text.starts_with("<b>CPR step by step</b>")
    })
    .await;
    let again = shows(&telegram, &chat, "asked again", |m| {
        m.text.contains("Is the person still breathing normally?") && m.message_id > asked.message_id
    })
    .await;
    assert!(again.labels().contains(&"🚑 The ambulance is here".to_owned()));
    telegram.press(&chat, &dina, "🚑 The ambulance is here").unwrap();
    shows(&telegram, &chat, "the end", |m| {
        m.text
            .starts_with("Tell the crew what the person took, when, and whether naloxone was given.")
    })
    .await;

    // "We are doing CPR": the swap reminder; breathing returns: the recovery position.
    telegram.send_text(&chat, &dina, "/start cpr-steps");
    shows(&telegram, &chat, "the CPR page", |m| {
        m.button("🫀 We are doing CPR").is_some()
    })
    .await;
    telegram.press(&chat, &dina, "🫀 We are doing CPR").unwrap();
    shows(&telegram, &chat, "the swap reminder", |m| {
        m.text.contains("Swap the person doing compressions if someone can.")
    })
    .await;
    telegram.press(&chat, &dina, "✅ Breathing normally").unwrap();
    shows(&telegram, &chat, "the recovery position", |m| {
        m.text.starts_with("<b>Recovery position</b>")
    })
    .await;
    shows(&telegram, &chat, "the end", |m| {
        m.text.starts_with("If they breathe normally: on their side") && m.message_id > again.message_id
    })
    .await;

    let (code, logs) = bot.stop().await;
    assert_eq!(code, 0, "{logs}");
    assert_eq!(telegram.violations(), Vec::<String>::new());
}

/// Presses `label` on the newest bot message that has it.
fn answer(telegram: &FakeTelegram, chat: &TestChat, user: &TestUser, label: &str) {
    telegram.press(chat, user, label).unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_naloxone_watch_runs_two_hours_beside_cpr_and_ends_with_the_night_watch() {
    let telegram = FakeTelegram::start().await;
    let (bot, _dir) = shipped_drill_bot(&telegram).await;
    let (dina, chat) = (person(), TestChat::private(&person()));
    telegram.send_text(&chat, &dina, "/start not-breathing");
    shows(&telegram, &chat, "the emergency page", |m| {
        m.button("💉 I gave naloxone").is_some()
    })
    .await;
    answer(&telegram, &chat, &dina, "💉 I gave naloxone");
    let breathing = shows(&telegram, &chat, "is the person breathing", |m| {
        m.text.contains("Is the person breathing normally?")
    })
    .await;
    answer(&telegram, &chat, &dina, "✅ Yes, breathing");

    // CPR started beside it (the emergency page offers both): the naloxone
    // watch goes on, and the person is told.
    telegram.send_text(&chat, &dina, "/start cpr-steps");
    shows(&telegram, &chat, "the CPR page", |m| {
        m.button("🫀 We are doing CPR").is_some()
    })
    .await;
    answer(&telegram, &chat, &dina, "🫀 We are doing CPR");
    let cpr = shows(&telegram, &chat, "CPR started", |m| {
        m.text.starts_with("<b>🫀 We are doing CPR</b>")
    })
    .await;
    assert!(cpr.text.contains("30 pushes, 2 breaths if you can"), "{}", cpr.text);
    assert!(cpr.text.contains("Give it again every 2–3 minutes"), "{}", cpr.text);
    assert!(
        cpr.text.contains("Still running: 💉 I gave naloxone."),
        "the naloxone watch is named: {}",
        cpr.text
    );
    shows(&telegram, &chat, "the swap reminder", |m| {
        m.text.contains("Swap the person doing compressions")
    })
    .await;
    answer(&telegram, &chat, &dina, "✅ Breathing normally");
    shows(&telegram, &chat, "CPR's end, the naloxone watch going on", |m| {
        m.text.starts_with("If they breathe normally: on their side")
            && m.text.contains("Still running: 💉 I gave naloxone.")
    })
    .await;

    // The wear-off watch: half an hour, an hour, an hour and a half, two
    // hours after the dose; only then can "Yes" end it.
    for (question, after) in [
        ("Half an hour has passed.", breathing.message_id),
        ("An hour has passed.", 0),
        ("An hour and a half has passed", 0),
        ("2 hours have passed since the last dose.", 0),
    ] {
        let asked = shows(&telegram, &chat, question, |m| {
            m.text.starts_with(question) && m.message_id > after
        })
        .await;
        assert!(
            !asked.labels().iter().any(|l| l.contains("Breathing normally")),
            "{question}: {:?}",
            asked.labels()
        );
        answer(&telegram, &chat, &dina, "✅ Yes");
    }
    let done = shows(&telegram, &chat, "the end of the watch", |m| {
        m.text
            .starts_with("2 hours have passed since the last dose of naloxone.")
    })
    .await;
    assert!(done.text.contains("keep watching through the night"), "{}", done.text);
    assert!(!done.text.contains("Still running"), "nothing else runs: {}", done.text);

    let (code, logs) = bot.stop().await;
    assert_eq!(code, 0, "{logs}");
    assert_eq!(telegram.violations(), Vec::<String>::new());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_chats_slow_or_blocked_check_in_never_holds_back_anothers() {
    let telegram = FakeTelegram::start().await;
    let (bot, _dir) = drill_bot(&telegram).await;
    let slow = TestUser::new(5_580_002, "Slow", None, Some("en"));
    let (dina, chat) = (person(), TestChat::private(&person()));
    let slow_chat = TestChat::private(&slow);
    start(&telegram, &slow_chat, &slow).await;
    // The slow chat's check-in is due first; Telegram holds it for 20 s.
    let hold = telegram_fake::Fault::Delay(Duration::from_secs(20));
    telegram.fail_next_to("sendMessage", slow.id, hold);
    start(&telegram, &chat, &dina).await;
    shows(&telegram, &chat, "the other chat's check-in", |m| {
        m.text.starts_with("Breathing?")
    })
    .await;
    assert_eq!(
        check_ins(&telegram, &slow_chat, "Breathing?"),
        0,
        "the slow chat's check-in is still held: this one did not wait for it"
    );
    telegram.press(&chat, &dina, "⏹ Stop check-ins").unwrap();
    shows(&telegram, &chat, "stopped", |m| {
        m.text.starts_with("Check-ins stopped: I gave naloxone.")
    })
    .await;

    // A chat that blocked the bot: its companion is dropped at the first
    // refusal, not asked again. The sentinel: another chat's second ask.
    let blocked = TestUser::new(5_580_003, "Blocked", None, Some("en"));
    let blocked_chat = TestChat::private(&blocked);
    start(&telegram, &blocked_chat, &blocked).await;
    telegram.fail_next_to("sendMessage", blocked.id, telegram_fake::Fault::BotBlocked);
    start(&telegram, &chat, &dina).await;
    let first = shows(&telegram, &chat, "a check-in", |m| m.text.starts_with("Breathing?")).await;
    shows(&telegram, &chat, "asked again", |m| {
        m.text.starts_with("Breathing?") && m.message_id > first.message_id
    })
    .await;
    let to_blocked = telegram
        .requests_of("sendMessage")
        .iter()
        .filter(|r| {
            r.params["chat_id"] == blocked.id && r.params["text"].as_str().is_some_and(|t| t.starts_with("Breathing?"))
        })
        .count();
    assert_eq!(to_blocked, 1, "a blocked chat is not asked again");

    let (code, logs) = bot.stop().await;
    assert_eq!(code, 0, "{logs}");
    assert!(
        logs.contains("event=\"dropped\"") || logs.contains("event=dropped"),
        "{logs}"
    );
    for secret in ["5580002", "5580003", "Slow", "Blocked"] {
        assert!(!mentions(&logs, secret), "{secret} in the logs");
    }
}
