//! End-to-end: "Clear this chat" from /privacy, through the real
//! `overdose-bot serve` and the fake Bot API, which deletes as Telegram
//! does for a bot (unknown ids skipped, a whole call refused when one
//! message in it is older than 48 hours, other chats never touched).

use std::time::{Duration, Instant};

use crate::support::{RunningBot, Tree, start_bot};
use telegram_fake::{FakeTelegram, Fault, Recorded, STEP_TIMEOUT, TestChat, TestUser, ViewMessage};

const CLEAR: &str = "🧹 Clear this chat";
const YES: &str = "🧹 Yes, clear";
const CANCEL: &str = "✖️ Cancel";
const HOME: &str = "🏠 Main menu";

/// A sweep is paced like messages to its chat, one call a second.
const SWEEP_TIMEOUT: Duration = Duration::from_secs(45);

fn alice() -> TestUser {
    TestUser::new(5550101, "Alice", Some("alice_clears"), Some("en"))
}

fn bob() -> TestUser {
    TestUser::new(5550202, "Bob", Some("bob_keeps"), Some("en"))
}

/// Stops the bot, checks it exited cleanly, that no request broke the spec,
/// and that the logs never name `people`'s chats; returns the logs.
async fn finish(telegram: &FakeTelegram, bot: RunningBot, people: &[&TestUser]) -> String {
    let logs = crate::support::finish(telegram, bot).await;
    for person in people {
        assert!(
            !crate::support::mentions(&logs, &person.id.to_string()),
            "the logs name a chat:\n{logs}"
        );
    }
    logs
}

/// Waits until `chat`'s messages satisfy `holds`.
async fn chat_holds(
    telegram: &FakeTelegram,
    chat: &TestChat,
    what: &str,
    timeout: Duration,
    holds: impl Fn(&[ViewMessage]) -> bool,
) {
    let result = telegram.wait_for(what, timeout, |_| holds(&telegram.chat(chat))).await;
    if let Err(error) = result {
        panic!("{error}; the chat: {:#?}", telegram.chat(chat));
    }
}

/// Waits until the bot's latest message in `chat` has exactly `labels`.
async fn buttons(telegram: &FakeTelegram, chat: &TestChat, labels: &[&str]) {
    chat_holds(
        telegram,
        chat,
        &format!("buttons {labels:?}"),
        STEP_TIMEOUT,
        |messages| last_from_bot(messages).is_some_and(|m| m.labels() == labels),
    )
    .await;
}

/// Waits until the bot's latest message in `chat` has a button `label`.
async fn offers(telegram: &FakeTelegram, chat: &TestChat, label: &str) {
    chat_holds(
        telegram,
        chat,
        &format!("a button {label:?}"),
        STEP_TIMEOUT,
        |messages| last_from_bot(messages).is_some_and(|m| m.button(label).is_some()),
    )
    .await;
}

fn last_from_bot(messages: &[ViewMessage]) -> Option<&ViewMessage> {
    messages.iter().rev().find(|m| m.from_bot)
}

fn deletions(telegram: &FakeTelegram) -> Vec<Recorded> {
    telegram.requests_of("deleteMessages")
}

/// (id, text) of every message, to compare a chat before and after.
fn snapshot(messages: &[ViewMessage]) -> Vec<(i64, String)> {
    messages.iter().map(|m| (m.message_id, m.text.clone())).collect()
}

/// The report: what was done, how to delete the rest, the emergency
/// numbers, the menu button.
fn assert_report(report: &ViewMessage, first_words: &str) {
    assert!(report.from_bot);
    assert!(report.text.starts_with(first_words), "{}", report.text);
    assert!(report.text.contains("Clear history"), "{}", report.text);
    assert!(report.text.contains("112, 103"), "emergency numbers: {}", report.text);
    assert_eq!(report.labels(), [HOME]);
}

/// Taps "Clear this chat" and "Yes, clear" on the /privacy screen; returns
/// when the report has replaced "Clearing…", and how long that took.
async fn clear(telegram: &FakeTelegram, chat: &TestChat, user: &TestUser) -> Duration {
    telegram.press(chat, user, CLEAR).unwrap();
    buttons(telegram, chat, &[CANCEL, YES]).await;
    let started = Instant::now();
    telegram.press(chat, user, YES).unwrap();
    chat_holds(telegram, chat, "the report", SWEEP_TIMEOUT, |messages| {
        last_from_bot(messages).is_some_and(|m| m.text.starts_with("🧹 ") && m.labels() == [HOME])
    })
    .await;
    started.elapsed()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn clearing_deletes_this_chat_and_nobody_elses_and_leaves_only_the_report() {
    let telegram = FakeTelegram::start().await;
    let address = crate::support::free_address();
    let bot = start_bot(&telegram, Tree::Shipped, &["--metrics", &address], &[]).await;
    let (alice, bob) = (alice(), bob());
    let (chat, bobs) = (TestChat::private(&alice), TestChat::private(&bob));

    // Both talk to the bot, their messages interleaved: screens, taps,
    // searches, a photo, and a burst of texts from Alice (more ids than one
    // deleteMessages call takes).
    telegram.send_text(&bobs, &bob, "/start");
    telegram.send_text(&chat, &alice, "/start");
    offers(&telegram, &chat, "Naloxone").await;
    telegram.press(&chat, &alice, "Naloxone").unwrap();
    offers(&telegram, &chat, "⬅️ Back").await;
    telegram.send_text(&bobs, &bob, "naloxone");
    for _ in 0..100 {
        telegram.send_text(&chat, &alice, "abscess");
    }
    telegram.send_photo(&chat, &alice);
    telegram.send_text(&chat, &alice, "/privacy");
    // /privacy is Alice's last message: its answer comes after all hers
    // (a chat's updates are handled in order). Bob's two answers are
    // waited for by name.
    offers(&telegram, &chat, CLEAR).await;
    chat_holds(&telegram, &bobs, "Bob's two answers", STEP_TIMEOUT, |messages| {
        messages.iter().filter(|m| m.from_bot).count() >= 2
    })
    .await;
    let before = telegram.chat(&chat);
    let span = before.last().unwrap().message_id - before[0].message_id;
    assert!(span > 100, "Alice's messages span {span} ids: more than one batch");
    let bobs_before = snapshot(&telegram.chat(&bobs));
    assert!(bobs_before.len() >= 4, "{bobs_before:?}");

    // "Clear this chat" asks first, in place of the /privacy screen.
    let privacy = last_from_bot(&before).unwrap().message_id;
    telegram.press(&chat, &alice, CLEAR).unwrap();
    buttons(&telegram, &chat, &[CANCEL, YES]).await;
    let confirm = last_from_bot(&telegram.chat(&chat)).unwrap().clone();
    assert_eq!(confirm.message_id, privacy, "the confirmation replaces /privacy");
    assert!(confirm.text.contains("last 48 hours"), "{}", confirm.text);
    assert!(deletions(&telegram).is_empty(), "nothing deleted before Yes");

    let started = Instant::now();
    telegram.press(&chat, &alice, YES).unwrap();
    chat_holds(&telegram, &chat, "only the report", SWEEP_TIMEOUT, |messages| {
        messages.len() == 1 && messages[0].labels() == [HOME]
    })
    .await;
    let took = started.elapsed();
    assert_report(&telegram.chat(&chat)[0], "🧹 Done");
    assert_eq!(snapshot(&telegram.chat(&bobs)), bobs_before, "Bob's chat is untouched");
    let calls = deletions(&telegram);
    assert!(calls.len() >= 2, "{} calls", calls.len());
    for call in &calls {
        assert_eq!(call.params["chat_id"], alice.id, "only Alice's chat");
        let ids = call.params["message_ids"].as_array().unwrap().len();
        assert!((1..=100).contains(&ids), "{ids} ids");
    }
    println!(
        "cleared {} messages spanning {span} ids in {} deleteMessages calls, {took:?} from Yes to the report",
        before.len(),
        calls.len()
    );

    // The report's menu button works like any other.
    telegram.press(&chat, &alice, HOME).unwrap();
    offers(&telegram, &chat, "Naloxone").await;
    assert_eq!(telegram.chat(&chat).len(), 1, "the report became the menu");

    let deadline = tokio::time::Instant::now() + STEP_TIMEOUT;
    let counted = "overdose_bot_chat_clears_total{outcome=\"chat_start\"} 1";
    let metrics = loop {
        let metrics = crate::support::http_get(&address, "/metrics").await;
        if metrics.contains(counted) || tokio::time::Instant::now() > deadline {
            break metrics;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    assert!(metrics.contains(counted), "{metrics}");
    assert!(!metrics.contains(&alice.id.to_string()), "{metrics}");
    let logs = finish(&telegram, bot, &[&alice, &bob]).await;
    assert!(logs.contains("chat cleared"), "{logs}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cancel_deletes_nothing_and_a_group_gets_a_refusal() {
    let telegram = FakeTelegram::start().await;
    let bot = start_bot(&telegram, Tree::Shipped, &[], &[]).await;
    let alice = alice();
    let chat = TestChat::private(&alice);
    telegram.send_text(&chat, &alice, "/start");
    telegram.send_text(&chat, &alice, "/privacy");
    offers(&telegram, &chat, CLEAR).await;
    let before = snapshot(&telegram.chat(&chat));
    telegram.press(&chat, &alice, CLEAR).unwrap();
    buttons(&telegram, &chat, &[CANCEL, YES]).await;
    telegram.press(&chat, &alice, CANCEL).unwrap();
    buttons(&telegram, &chat, &[CLEAR, HOME]).await;
    assert_eq!(
        snapshot(&telegram.chat(&chat)),
        before,
        "/privacy is back, nothing deleted"
    );

    // A group gets a short answer, no "Clear this chat"; the button forged
    // under it is refused with a pop-up, and so is a forged "Yes".
    let clear = last_from_bot(&telegram.chat(&chat))
        .and_then(|m| m.button(CLEAR))
        .and_then(|b| b.callback_data.clone())
        .expect("the private /privacy screen offers clearing");
    let group = TestChat::group(-100_555, "Friends");
    telegram.send_text(&group, &alice, "/privacy@overdose_test_bot");
    chat_holds(&telegram, &group, "the short answer", STEP_TIMEOUT, |messages| {
        last_from_bot(messages).is_some()
    })
    .await;
    let group_before = snapshot(&telegram.chat(&group));
    assert!(last_from_bot(&telegram.chat(&group)).unwrap().button(CLEAR).is_none());
    let content = Tree::Shipped.content();
    let toast = &content.ui(content.locale_by_code("en").unwrap()).clear.private_only;
    let screen = last_from_bot(&telegram.chat(&group)).unwrap().message_id;
    telegram.press_data(&group, &alice, screen, &clear);
    telegram.press_data(&group, &alice, screen, "Dyen");
    telegram
        .wait_for("two refusals", STEP_TIMEOUT, |requests| {
            requests
                .iter()
                .filter(|r| r.method == "answerCallbackQuery" && r.params["text"] == toast.as_str())
                .count()
                == 2
        })
        .await
        .unwrap();
    // A sentinel from Alice in the group: once it is answered, the taps
    // before it have done all they would do.
    telegram.send_text(&group, &alice, "/privacy@overdose_test_bot");
    chat_holds(&telegram, &group, "the sentinel's answer", STEP_TIMEOUT, |messages| {
        messages.iter().filter(|m| m.from_bot).count() >= 2
    })
    .await;
    let group_now = snapshot(&telegram.chat(&group));
    assert_eq!(group_now[..group_before.len()], group_before, "the group is untouched");
    assert_eq!(snapshot(&telegram.chat(&chat)), before);
    assert!(deletions(&telegram).is_empty(), "nothing was even tried");
    finish(&telegram, bot, &[&alice]).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn messages_older_than_48_hours_stay_and_the_sweep_stops_at_them() {
    let telegram = FakeTelegram::start().await;
    let bot = start_bot(&telegram, Tree::Shipped, &[], &[]).await;
    let alice = alice();
    let chat = TestChat::private(&alice);
    // Two days ago: the menu, a search, /help.
    for text in ["/start", "naloxone", "/help"] {
        let count = telegram.chat(&chat).len();
        telegram.send_text(&chat, &alice, text);
        chat_holds(&telegram, &chat, text, STEP_TIMEOUT, |m| m.len() == count + 2).await;
    }
    let old = telegram.chat(&chat);
    telegram.backdate(&chat, old.last().unwrap().message_id, Duration::from_secs(49 * 3600));
    // Today.
    telegram.send_text(&chat, &alice, "/start");
    offers(&telegram, &chat, "Naloxone").await;
    telegram.press(&chat, &alice, "Naloxone").unwrap();
    offers(&telegram, &chat, "⬅️ Back").await;
    telegram.send_text(&chat, &alice, "abscess");
    telegram.send_text(&chat, &alice, "/privacy");
    offers(&telegram, &chat, CLEAR).await;

    let took = clear(&telegram, &chat, &alice).await;
    let after = telegram.chat(&chat);
    assert_eq!(after.len(), old.len() + 1, "{after:#?}");
    assert_eq!(snapshot(&after[..old.len()]), snapshot(&old), "the old messages stay");
    assert_report(after.last().unwrap(), "🧹 Done");
    let calls = deletions(&telegram).len();
    assert!(
        calls <= 1 + 7 + 1,
        "one batch, its binary search, one check: {calls} calls"
    );
    println!("stopped at messages older than 48 hours after {calls} deleteMessages calls, {took:?}");
    let logs = finish(&telegram, bot, &[&alice]).await;
    assert!(logs.contains("older_kept"), "{logs}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_short_retry_after_is_waited_out_and_a_long_one_ends_in_a_partial_report() {
    let telegram = FakeTelegram::start().await;
    let bot = start_bot(&telegram, Tree::Shipped, &[], &[]).await;
    let alice = alice();
    let chat = TestChat::private(&alice);
    telegram.send_text(&chat, &alice, "naloxone");
    telegram.send_text(&chat, &alice, "/privacy");
    offers(&telegram, &chat, CLEAR).await;
    telegram.fail_next("deleteMessages", Fault::RetryAfter(1));
    telegram.fail_next("deleteMessages", Fault::RetryAfter(30));

    clear(&telegram, &chat, &alice).await;
    let calls = deletions(&telegram);
    let faults: Vec<_> = calls.iter().map(|r| r.fault.clone()).collect();
    assert_eq!(faults, [Some(Fault::RetryAfter(1)), Some(Fault::RetryAfter(30))]);
    assert!(
        calls[1].at - calls[0].at >= Duration::from_secs(1),
        "the first pause was waited out"
    );
    let after = telegram.chat(&chat);
    assert_eq!(after.len(), 5, "nothing deleted: {after:#?}");
    assert_report(after.last().unwrap(), "🧹 The bot deleted what it could");
    let logs = finish(&telegram, bot, &[&alice]).await;
    assert!(
        logs.contains("outcome=\"failed\"") || logs.contains("outcome=failed"),
        "{logs}"
    );
}
