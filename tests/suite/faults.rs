//! Fault injection through the fake Bot API: storms of 429s and 5xx, dropped
//! connections, and Telegram unreachable for 30 s. The bot must recover by
//! itself, lose no answer and no escalation, and never let one person's
//! trouble stall another. Each test prints how many faults it survived
//! (`cargo test --test suite faults:: -- --nocapture`).

use std::time::Duration;

use crate::support::{RunningBot, TempDir, Tree, start_bot, start_bot_with_line, write_roster};
use telegram_fake::{FakeTelegram, Fault, STEP_TIMEOUT, TestChat, TestUser};

fn people(count: i64) -> Vec<(TestUser, TestChat)> {
    (0..count)
        .map(|n| {
            let user = TestUser::new(6_000_000 + n, &format!("Person {n}"), None, Some("en"));
            let chat = TestChat::private(&user);
            (user, chat)
        })
        .collect()
}

async fn with_roster(telegram: &FakeTelegram, dir: &TempDir) -> RunningBot {
    start_bot_with_line(telegram, dir.path(), &write_roster(dir.path(), true), &[]).await
}

/// Stops the bot cleanly, checks the spec, reports the faults survived.
async fn finish(telegram: &FakeTelegram, bot: RunningBot, test: &str) -> String {
    let logs = crate::support::finish(telegram, bot).await;
    println!(
        "{test}: survived {} injected faults in {} Bot API requests",
        telegram.faults_injected(),
        telegram.requests().len()
    );
    logs
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn storms_of_429_5xx_and_drops_delay_answers_but_lose_none() {
    let telegram = FakeTelegram::start().await;
    let bot = start_bot(&telegram, Tree::Shipped, &[], &[]).await;
    // Each call survives three faults in a row, so at most three are queued per method.
    for (method, faults) in [
        (
            "sendMessage",
            [
                Fault::RetryAfter(1),
                Fault::DropConnection(Duration::from_millis(10)),
                Fault::RetryAfter(2),
            ],
        ),
        (
            "editMessageText",
            [Fault::RetryAfter(2), Fault::ServerError, Fault::RetryAfter(1)],
        ),
        (
            "answerCallbackQuery",
            [
                Fault::RetryAfter(1),
                Fault::RetryAfter(1),
                Fault::DropConnection(Duration::from_millis(10)),
            ],
        ),
    ] {
        for fault in faults {
            telegram.fail_next(method, fault);
        }
    }
    let people = people(6);
    for (user, chat) in &people {
        telegram.send_text(chat, user, "/start");
    }
    for (user, chat) in &people {
        crate::support::shows_within(&telegram, chat, "the main menu", Duration::from_secs(40), |m| {
            m.button("Naloxone").is_some()
        })
        .await;
        telegram.press(chat, user, "Naloxone").unwrap();
    }
    for (_, chat) in &people {
        crate::support::shows_within(&telegram, chat, "the naloxone page", Duration::from_secs(40), |m| {
            m.text.starts_with("<b>Naloxone</b>") || m.text.contains("<b>Naloxone")
        })
        .await;
    }
    assert_eq!(telegram.faults_injected(), 9, "every queued fault was met");
    finish(&telegram, bot, "429/5xx/drop storm").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_escalation_survives_a_storm_of_faults() {
    let telegram = FakeTelegram::start().await;
    let dir = TempDir::new();
    let bot = with_roster(&telegram, &dir).await;
    let (alice, alice_chat) = (
        TestUser::new(6_100_001, "Alice", None, Some("en")),
        TestChat::private(&TestUser::new(6_100_001, "Alice", None, Some("en"))),
    );
    let anna = TestChat::private(&TestUser::new(7_001, "Anna", None, Some("en")));
    telegram.send_text(&alice_chat, &alice, "/start ask-doctor");
    crate::support::shows_within(&telegram, &alice_chat, "the Ask a doctor screen", STEP_TIMEOUT, |m| {
        m.button("✍️ Write your question").is_some()
    })
    .await;
    telegram.press(&alice_chat, &alice, "✍️ Write your question").unwrap();
    let prompt =
        crate::support::shows_within(&telegram, &alice_chat, "the prompt", STEP_TIMEOUT, |m| m.force_reply).await;

    // More faults in a row than a menu screen would wait for: a case waits them out.
    for _ in 0..5 {
        telegram.fail_next("sendMessage", Fault::RetryAfter(1));
    }
    for _ in 0..3 {
        telegram.fail_next("copyMessage", Fault::DropConnection(Duration::from_millis(10)));
    }
    telegram.reply_text(&alice_chat, &alice, prompt.message_id, "urgent question");
    let card = crate::support::shows_within(&telegram, &anna, "the card", Duration::from_secs(40), |m| {
        m.text.contains("Status: new")
    })
    .await;
    let copy = crate::support::shows_within(&telegram, &anna, "the question", Duration::from_secs(40), |m| {
        m.text == "urgent question"
    })
    .await;
    assert_eq!(copy.reply_to, Some(card.message_id));
    crate::support::shows_within(
        &telegram,
        &alice_chat,
        "the confirmation",
        Duration::from_secs(40),
        |m| m.text.starts_with("✅ Your question is with the doctor on duty."),
    )
    .await;
    assert_eq!(telegram.faults_injected(), 8);
    finish(&telegram, bot, "escalation under a storm").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn telegram_unreachable_for_30_s_then_back_loses_no_escalation() {
    let telegram = FakeTelegram::start().await;
    let dir = TempDir::new();
    let bot = with_roster(&telegram, &dir).await;
    let mut people = people(2);
    let (bob, bob_chat) = people.pop().unwrap();
    let (alice, alice_chat) = people.pop().unwrap();
    let anna = TestChat::private(&TestUser::new(7_001, "Anna", None, Some("en")));
    telegram.send_text(&alice_chat, &alice, "/start ask-doctor");
    crate::support::shows_within(&telegram, &alice_chat, "the Ask a doctor screen", STEP_TIMEOUT, |m| {
        m.button("✍️ Write your question").is_some()
    })
    .await;
    telegram.press(&alice_chat, &alice, "✍️ Write your question").unwrap();
    let prompt =
        crate::support::shows_within(&telegram, &alice_chat, "the prompt", STEP_TIMEOUT, |m| m.force_reply).await;

    // The network goes down just as the case card is being sent...
    telegram.outage_from_next("sendMessage", Duration::from_secs(30));
    telegram.reply_text(&alice_chat, &alice, prompt.message_id, "he is not waking up properly");
    telegram
        .wait_for("the outage to begin", STEP_TIMEOUT, |requests| {
            requests.iter().any(|r| r.fault == Some(Fault::Unreachable))
        })
        .await
        .unwrap();
    // ...and someone else opens the bot while it is down.
    telegram.send_text(&bob_chat, &bob, "/start");

    let back = Duration::from_secs(60);
    let card = crate::support::shows_within(&telegram, &anna, "the card after the outage", back, |m| {
        m.text.contains("Status: new")
    })
    .await;
    crate::support::shows_within(&telegram, &anna, "the question after the outage", back, |m| {
        m.text == "he is not waking up properly"
    })
    .await;
    assert!(!card.text.contains("6000000"));
    crate::support::shows_within(&telegram, &alice_chat, "the confirmation", back, |m| {
        m.text.starts_with("✅ Your question is with the doctor on duty.")
    })
    .await;
    crate::support::shows_within(&telegram, &bob_chat, "Bob's main menu", back, |m| {
        m.button("Naloxone").is_some()
    })
    .await;
    let dropped = telegram.faults_injected();
    assert!(
        dropped >= 5,
        "the bot kept trying through the outage: {dropped} requests dropped"
    );
    let logs = finish(&telegram, bot, "30 s outage").await;
    assert!(logs.contains("question_sent"), "{logs}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_long_retry_after_drops_a_stale_menu_but_a_question_waits_it_out() {
    let telegram = FakeTelegram::start().await;
    let dir = TempDir::new();
    let bot = with_roster(&telegram, &dir).await;
    let (alice, alice_chat) = people(1).pop().unwrap();
    let anna = TestChat::private(&TestUser::new(7_001, "Anna", None, Some("en")));

    // Telegram asks for a 40 s pause on the menu: the worker does not wait
    // that long; the person's next message is answered instead.
    telegram.fail_next("sendMessage", Fault::RetryAfter(40));
    telegram.send_text(&alice_chat, &alice, "/start");
    telegram
        .wait_for("the throttled menu", STEP_TIMEOUT, |requests| {
            requests.iter().any(|r| r.fault == Some(Fault::RetryAfter(40)))
        })
        .await
        .unwrap();
    telegram.send_text(&alice_chat, &alice, "/start ask-doctor");
    crate::support::shows_within(&telegram, &alice_chat, "the next screen", STEP_TIMEOUT, |m| {
        m.button("✍️ Write your question").is_some()
    })
    .await;
    let menus = telegram
        .requests_of("sendMessage")
        .iter()
        .filter(|r| r.params["chat_id"] == alice_chat.id)
        .count();
    assert_eq!(menus, 2, "the stale menu was dropped, not sent again");

    // A question to the doctors waits out a pause longer than a menu would.
    telegram.press(&alice_chat, &alice, "✍️ Write your question").unwrap();
    let prompt =
        crate::support::shows_within(&telegram, &alice_chat, "the prompt", STEP_TIMEOUT, |m| m.force_reply).await;
    telegram.fail_next("copyMessage", Fault::RetryAfter(8));
    telegram.reply_text(&alice_chat, &alice, prompt.message_id, "is this an abscess");
    crate::support::shows_within(
        &telegram,
        &anna,
        "the question after the pause",
        Duration::from_secs(40),
        |m| m.text == "is this an abscess",
    )
    .await;
    assert_eq!(telegram.faults_injected(), 2);
    let logs = finish(&telegram, bot, "long RetryAfter").await;
    assert!(logs.contains("retry after 40s"), "the dropped menu is logged: {logs}");
    assert!(logs.contains("question_sent"), "{logs}");
}
