//! End-to-end: the doctors' line through the real binary and the fake Bot
//! API. A person's chat, a doctor's private chat and the duty group chat;
//! every request checked against the spec; the person's identity never in a
//! card, a doctor's chat or the logs.

use crate::support::{RunningBot, Tree, finish, shows, start_bot, start_bot_with_line};
use telegram_fake::{FakeTelegram, Fault, STEP_TIMEOUT, TestChat, TestUser, ViewMessage};

use crate::support::{DUTY_CHAT, TempDir, write_roster as roster};

fn person() -> TestUser {
    TestUser::new(5_550_001, "Alice", Some("alice_private"), Some("en"))
}

fn doctor() -> TestUser {
    TestUser::new(7_001, "Anna Ivanova", Some("anna_md"), Some("ru"))
}

fn coordinator() -> TestUser {
    TestUser::new(7_009, "Coordinator", None, Some("en"))
}

fn stranger() -> TestUser {
    TestUser::new(8_888, "Mallory", Some("mallory"), Some("en"))
}

async fn bot_with_roster(on_shift_now: bool) -> (FakeTelegram, RunningBot, TempDir) {
    bot_with_roster_and(on_shift_now, &[]).await
}

async fn bot_with_roster_and(on_shift_now: bool, args: &[&str]) -> (FakeTelegram, RunningBot, TempDir) {
    let telegram = FakeTelegram::start().await;
    let dir = TempDir::new();
    let roster = roster(dir.path(), on_shift_now);
    let bot = start_bot_with_line(&telegram, dir.path(), &roster, args).await;
    (telegram, bot, dir)
}

/// Opens "Ask a doctor" from the main menu and taps "Write your question";
/// returns the prompt.
async fn ask(telegram: &FakeTelegram, chat: &TestChat, user: &TestUser) -> ViewMessage {
    telegram.send_text(chat, user, "/start");
    shows(telegram, chat, "the main menu", |m| m.button("Ask a doctor").is_some()).await;
    telegram.press(chat, user, "Ask a doctor").unwrap();
    shows(telegram, chat, "the Ask a doctor screen", |m| {
        m.button("✍️ Write your question").is_some()
    })
    .await;
    telegram.press(chat, user, "✍️ Write your question").unwrap();
    shows(telegram, chat, "the question prompt", |m| m.force_reply).await
}

/// Messages in the doctor's chat that mention the feedback.
fn anna_sees_nothing_of_the_vote(telegram: &FakeTelegram, chat: &TestChat) -> usize {
    telegram
        .chat(chat)
        .iter()
        .filter(|m| m.text.contains("helped") || m.text.contains('👍'))
        .count()
}

/// Nothing of `secrets` (ids, names, usernames of the other side) in any
/// message of `chat`, its text or its buttons' data.
fn never_shown(telegram: &FakeTelegram, chat: &TestChat, secrets: &[&str]) {
    for message in telegram.chat(chat) {
        for secret in secrets {
            assert!(
                !message.text.contains(secret),
                "{secret} reached this chat: {}",
                message.text
            );
            for button in message.buttons.iter().flatten() {
                let data = button.callback_data.as_deref().unwrap_or_default();
                assert!(!data.contains(secret), "{secret} in a button's data: {data}");
            }
        }
    }
}

fn case_code(text: &str) -> String {
    let at = text.find("Case ").or_else(|| text.find("case ")).expect("a case code");
    text[at + 5..at + 10].to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn question_card_take_answer_and_follow_up_without_identities() {
    let metrics = crate::support::free_address();
    let (telegram, bot, _dir) = bot_with_roster_and(true, &["--metrics", &metrics]).await;
    let (alice, alice_chat) = (person(), TestChat::private(&person()));
    let (anna, anna_chat) = (doctor(), TestChat::private(&doctor()));

    telegram.send_text(&alice_chat, &alice, "/start");
    shows(&telegram, &alice_chat, "the main menu", |m| {
        m.button("Ask a doctor").is_some()
    })
    .await;
    telegram.press(&alice_chat, &alice, "Ask a doctor").unwrap();
    let screen = shows(&telegram, &alice_chat, "the Ask a doctor screen", |m| {
        m.text.starts_with("🩺 On duty now: Dr Anna (ru, en).")
    })
    .await;
    assert!(screen.text.contains("112"), "emergency numbers on the screen");
    assert!(!screen.text.contains("7001"), "a doctor's chat id is never shown");
    let prompt = ask(&telegram, &alice_chat, &alice).await;
    assert!(
        prompt
            .text
            .contains("Write your question to the doctor as a reply to this message")
    );
    assert!(
        prompt.text.contains("<a href=\"https://t.me/overdose_test_bot?start=M"),
        "{}",
        prompt.text
    );

    let question = "My friend took pills and is very sleepy but breathing. What should I watch?";
    telegram.reply_text(&alice_chat, &alice, prompt.message_id, question);
    let card = shows(&telegram, &anna_chat, "the case card", |m| {
        m.text.contains("Status: new")
    })
    .await;
    let code = case_code(&card.text);
    // Very sleepy after pills: search answers it with an urgent page, so
    // the case is urgent although it was asked from a calm menu.
    assert!(card.text.starts_with("🔴 URGENT"), "{}", card.text);
    assert!(
        card.text.contains(&format!("\n🆕 Case {code} · language: en · ")),
        "{}",
        card.text
    );
    assert!(
        card.text.contains("Path: Overdose help › Ask a doctor"),
        "{}",
        card.text
    );
    assert_eq!(card.labels(), ["🙋 Take", "✅ Resolve"]);
    let copy = shows(&telegram, &anna_chat, "the copied question", |m| m.text == question).await;
    assert_eq!(
        copy.reply_to,
        Some(card.message_id),
        "the question hangs under its card"
    );
    assert_eq!(
        telegram.requests_of("copyMessage")[0].params["protect_content"],
        true,
        "a person's question cannot be forwarded on from the doctor's chat"
    );
    never_shown(&telegram, &anna_chat, &["5550001", "Alice", "alice_private"]);
    shows(&telegram, &alice_chat, "the confirmation", |m| {
        m.text
            .starts_with(&format!("✅ Your question is with the doctor on duty. Case {code}."))
    })
    .await;

    telegram.press(&anna_chat, &anna, "🙋 Take").unwrap();
    let taken = shows(&telegram, &anna_chat, "the taken card", |m| {
        m.text.contains("Status: taken by Dr Anna at")
    })
    .await;
    assert_eq!(taken.message_id, card.message_id, "the card is edited in place");
    assert_eq!(taken.labels(), ["✅ Resolve"]);
    let told = shows(&telegram, &alice_chat, "the person hears the question was taken", |m| {
        m.text.starts_with("🩺 A doctor on duty has taken your question")
    })
    .await;
    assert!(told.text.contains(&code), "{}", told.text);
    assert!(!told.text.contains("Anna"), "the doctor stays unnamed: {}", told.text);

    let answer = "Keep her on her side and stay with her. Call 112 if her breathing slows.";
    telegram.reply_text(&anna_chat, &anna, copy.message_id, answer);
    shows(&telegram, &alice_chat, "the answer's header", |m| {
        m.text == format!("🩺 Answer from the doctor on duty (case {code}):")
    })
    .await;
    let delivered = shows(&telegram, &alice_chat, "the answer", |m| m.text == answer).await;
    assert_eq!(delivered.labels(), ["✍️ Write back"]);
    shows(&telegram, &anna_chat, "the delivery report", |m| {
        m.text == format!("✓ Delivered to the person (case {code}).")
    })
    .await;
    never_shown(&telegram, &alice_chat, &["7001", "Anna Ivanova", "anna_md"]);

    // A follow-up through "Write back" and its prompt, threaded under the copy the doctor answered.
    telegram.press(&alice_chat, &alice, "✍️ Write back").unwrap();
    let follow_prompt = shows(&telegram, &alice_chat, "the follow-up prompt", |m| {
        m.force_reply && m.text.contains(&code)
    })
    .await;
    telegram.reply_text(
        &alice_chat,
        &alice,
        follow_prompt.message_id,
        "She is awake now, thank you",
    );
    let follow = shows(&telegram, &anna_chat, "the follow-up", |m| {
        m.text == "She is awake now, thank you"
    })
    .await;
    assert_eq!(follow.reply_to, Some(copy.message_id));
    assert_eq!(follow.labels(), [format!("↪️ Case {code}: reply to answer")]);
    shows(&telegram, &alice_chat, "the follow-up confirmation", |m| {
        m.text == format!("✅ Sent to the doctor (case {code}).")
    })
    .await;

    // A voice follow-up, replying straight to the doctor's answer.
    telegram.reply_voice(&alice_chat, &alice, delivered.message_id);
    shows(&telegram, &anna_chat, "the voice follow-up", |m| {
        m.media.as_ref().is_some_and(|(kind, _)| kind == "voice")
    })
    .await;

    // The doctor answers the follow-up; it reaches the person again.
    telegram.reply_text(&anna_chat, &anna, follow.message_id, "Good. Let her rest, not alone.");
    shows(&telegram, &alice_chat, "the second answer", |m| {
        m.text == "Good. Let her rest, not alone."
    })
    .await;

    telegram.press(&anna_chat, &anna, "✅ Resolve").unwrap();
    let resolved = shows(&telegram, &anna_chat, "the resolved card", |m| {
        m.text.contains("Status: resolved by Dr Anna")
    })
    .await;
    assert_eq!(resolved.labels(), ["↩️ Reopen"]);

    // One anonymous "did this help?"; the tap is thanked and the buttons go.
    let asked = shows(&telegram, &alice_chat, "the feedback question", |m| {
        m.text.starts_with("The doctor has closed your question")
    })
    .await;
    assert_eq!(asked.labels(), ["👍 Yes, it helped", "👎 No"]);
    telegram.press(&alice_chat, &alice, "👍 Yes, it helped").unwrap();
    let thanked = shows(&telegram, &alice_chat, "the thanks", |m| {
        m.text.starts_with("Thank you. It is only counted")
    })
    .await;
    assert_eq!(thanked.message_id, asked.message_id, "the question becomes the thanks");
    assert!(thanked.buttons.is_empty(), "no second vote from the same message");
    assert_eq!(
        anna_sees_nothing_of_the_vote(&telegram, &anna_chat),
        0,
        "the doctor never learns the answer"
    );
    // How long the person waited, and the vote: counts, no identity.
    let scraped = crate::support::http_get(&metrics, "/metrics").await;
    for line in [
        "overdose_bot_handoff_time_to_take_seconds_count 1",
        "overdose_bot_handoff_time_to_answer_seconds_count 2",
        "overdose_bot_handoff_events_total{event=\"feedback_helped\"} 1",
    ] {
        assert!(scraped.contains(line), "missing `{line}` in:\n{scraped}");
    }
    assert!(!crate::support::mentions(&scraped, "5550001") && !crate::support::mentions(&scraped, "7001"));

    let logs = finish(&telegram, bot).await;
    for secret in [
        "5550001",
        "Alice",
        "alice_private",
        "7001",
        "Anna Ivanova",
        "anna_md",
        question,
        answer,
        "She is awake",
    ] {
        assert!(
            !crate::support::mentions(&logs, secret),
            "{secret:?} is in the logs:\n{logs}"
        );
    }
    assert!(logs.contains("question_sent") && logs.contains("answer_sent"), "{logs}");
}

/// Tickets are bound to the chat that may use them: another account holding
/// the person's "Write back" button or link reaches nobody (it once joined
/// the case and received the doctor's answer).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_write_back_button_or_link_in_another_account_reaches_nobody() {
    let (telegram, bot, _dir) = bot_with_roster(true).await;
    let (alice, alice_chat) = (person(), TestChat::private(&person()));
    let (anna, anna_chat) = (doctor(), TestChat::private(&doctor()));
    let (mallory, mallory_chat) = (stranger(), TestChat::private(&stranger()));

    let prompt = ask(&telegram, &alice_chat, &alice).await;
    telegram.reply_text(&alice_chat, &alice, prompt.message_id, "Is it safe to mix?");
    let copy = shows(&telegram, &anna_chat, "the copied question", |m| {
        m.text == "Is it safe to mix?"
    })
    .await;
    telegram.reply_text(&anna_chat, &anna, copy.message_id, "No. Never use alone.");
    let answer = shows(&telegram, &alice_chat, "the answer", |m| {
        m.text == "No. Never use alone."
    })
    .await;
    let write_back = answer.buttons[0][0].callback_data.clone().unwrap();
    telegram.press(&alice_chat, &alice, "✍️ Write back").unwrap();
    let follow_prompt = shows(&telegram, &alice_chat, "the follow-up prompt", |m| {
        m.force_reply && m.text.contains("start=W")
    })
    .await;
    let link = follow_prompt
        .text
        .split("start=")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_owned();
    let before = telegram.chat(&anna_chat).len();

    // Mallory got hold of both: she taps the button and opens the link.
    telegram.send_text(&mallory_chat, &mallory, "/start");
    let menu = shows(&telegram, &mallory_chat, "Mallory's menu", |m| m.from_bot).await;
    telegram.press_data(&mallory_chat, &mallory, menu.message_id, &write_back);
    telegram.send_text(&mallory_chat, &mallory, &format!("/start {link}"));
    telegram
        .wait_for("both refusals", STEP_TIMEOUT, |_| {
            telegram
                .chat(&mallory_chat)
                .iter()
                .filter(|m| m.text.starts_with("This conversation is more than 7 days old"))
                .count()
                == 2
        })
        .await
        .unwrap();
    assert!(
        telegram.chat(&mallory_chat).iter().all(|m| !m.force_reply),
        "no prompt to write to the doctor"
    );
    assert_eq!(telegram.chat(&anna_chat).len(), before, "nothing reached the doctor");
    finish(&telegram, bot).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn after_hours_cases_go_to_the_duty_chat_and_strangers_are_refused() {
    let (telegram, bot, _dir) = bot_with_roster(false).await;
    let (alice, alice_chat) = (person(), TestChat::private(&person()));
    let duty = TestChat::group(DUTY_CHAT, "Duty team");

    telegram.send_text(&alice_chat, &alice, "/start ask-doctor");
    let screen = shows(&telegram, &alice_chat, "the after-hours screen", |m| {
        m.text
            .starts_with("🌙 No doctor is on shift right now; the next shift starts ")
    })
    .await;
    assert!(screen.text.contains("(UTC)"), "{}", screen.text);
    assert!(
        screen.button("✍️ Write your question").is_some(),
        "questions can be left after hours"
    );
    telegram.press(&alice_chat, &alice, "✍️ Write your question").unwrap();
    let prompt = shows(&telegram, &alice_chat, "the prompt", |m| m.force_reply).await;
    telegram.reply_voice(&alice_chat, &alice, prompt.message_id);
    let card = shows(&telegram, &duty, "the card in the duty chat", |m| {
        m.text.contains("Status: new")
    })
    .await;
    let copy = shows(&telegram, &duty, "the copied voice message", |m| m.media.is_some()).await;
    assert_eq!(copy.reply_to, Some(card.message_id));
    shows(&telegram, &alice_chat, "the confirmation", |m| {
        m.text
            .starts_with("✅ Nobody is on shift right now: your question waits for the next shift, which starts ")
    })
    .await;

    // Someone in the group who is not on the roster: their taps and replies do nothing.
    let mallory = stranger();
    telegram.press(&duty, &mallory, "🙋 Take").unwrap();
    telegram
        .wait_for("the refusal toast", STEP_TIMEOUT, |requests| {
            requests.iter().any(|r| {
                r.method == "answerCallbackQuery"
                    && r.params["text"] == "Only the organisation's doctors on the roster can answer cases."
            })
        })
        .await
        .unwrap();
    let replies_before = telegram.chat(&alice_chat).len();
    telegram.reply_text(&duty, &mallory, card.message_id, "I am not a doctor");
    shows(&telegram, &duty, "the refusal", |m| {
        m.text == "Only the organisation's doctors on the roster can answer cases."
    })
    .await;
    // Told once: the next refusals within minutes are counted, not posted
    // (the duty chat's messages are paced; refusals must not queue up).
    telegram.send_text(&duty, &mallory, "/oncall");
    bot.wait_for_log("event=\"command_refused\"").await;

    // The coordinator can see the roster; the doctor answers from the group.
    telegram.send_text(&duty, &coordinator(), "/roster");
    let table = shows(&telegram, &duty, "the roster table", |m| {
        m.text.starts_with("<pre>Time zone UTC")
    })
    .await;
    assert!(
        telegram
            .chat(&duty)
            .iter()
            .all(|m| m.text != "This command is for the organisation's doctors and coordinators."),
        "the stranger was already told"
    );
    assert!(table.text.contains("On duty now: nobody"), "{}", table.text);
    telegram.press(&duty, &doctor(), "🙋 Take").unwrap();
    shows(&telegram, &duty, "the taken card", |m| {
        m.text.contains("Status: taken by Dr Anna")
    })
    .await;
    telegram.reply_text(
        &duty,
        &doctor(),
        card.message_id,
        "Please tell me more: what was taken?",
    );
    shows(&telegram, &alice_chat, "the answer", |m| {
        m.text == "Please tell me more: what was taken?"
    })
    .await;
    assert_eq!(
        telegram.chat(&alice_chat).len(),
        replies_before + 3,
        "the stranger's reply never reached the person; the doctor's did (taken, header, answer)"
    );
    assert!(
        telegram
            .chat(&alice_chat)
            .iter()
            .all(|m| !m.text.contains("not a doctor"))
    );

    // A forged case button is refused with a message, not followed.
    telegram.press_data(
        &duty,
        &doctor(),
        card.message_id,
        "tAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
    );
    telegram
        .wait_for("the invalid-card toast", STEP_TIMEOUT, |requests| {
            requests.iter().any(|r| {
                r.method == "answerCallbackQuery"
                    && r.params["text"] == "This is not a valid case card (it was changed or comes from another bot)."
            })
        })
        .await
        .unwrap();
    finish(&telegram, bot).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failed_delivery_falls_back_to_the_duty_chat_then_tells_the_person() {
    let (telegram, bot, _dir) = bot_with_roster(true).await;
    let (alice, alice_chat) = (person(), TestChat::private(&person()));
    let duty = TestChat::group(DUTY_CHAT, "Duty team");
    let prompt = ask(&telegram, &alice_chat, &alice).await;

    // The doctor blocked the bot: the case goes to the duty chat instead.
    telegram.fail_next("sendMessage", Fault::BotBlocked);
    telegram.reply_text(&alice_chat, &alice, prompt.message_id, "first question");
    shows(&telegram, &duty, "the rerouted card", |m| {
        m.text.contains("Status: new")
    })
    .await;
    shows(&telegram, &alice_chat, "the confirmation", |m| {
        m.text.starts_with("✅ Your question is with the duty team")
    })
    .await;

    // Neither the doctor nor the duty chat can be reached: the person is told at once.
    telegram.fail_next("sendMessage", Fault::ChatNotFound);
    telegram.fail_next("sendMessage", Fault::ChatNotFound);
    telegram.reply_text(&alice_chat, &alice, prompt.message_id, "second question");
    let failed = shows(&telegram, &alice_chat, "the failure message", |m| {
        m.text.starts_with("❌")
    })
    .await;
    assert!(
        failed
            .text
            .contains("Contact Harm-reduction programme, St Petersburg: "),
        "{}",
        failed.text
    );
    assert!(failed.text.contains("call 112, 103 now"), "{}", failed.text);
    assert!(
        failed.text.ends_with("\nDr Anna: +7 900 000-00-01"),
        "the doctors' public contacts: {}",
        failed.text
    );
    finish(&telegram, bot).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_question_that_says_someone_is_not_breathing_also_opens_the_emergency_page() {
    // Unpaced: this chat gets many messages in a row.
    let (telegram, bot, _dir) = bot_with_roster_and(true, &["--no-throttle"]).await;
    let (alice, alice_chat) = (person(), TestChat::private(&person()));
    let anna_chat = TestChat::private(&doctor());
    let count =
        |what: &dyn Fn(&ViewMessage) -> bool, chat: &TestChat| telegram.chat(chat).iter().filter(|m| what(m)).count();
    let confirmation = |m: &ViewMessage| m.text.starts_with("✅ Your question is with the doctor on duty.");
    let emergency_page = |m: &ViewMessage| m.text.starts_with("<b>🆘 Unresponsive / not breathing</b>");

    let prompt = ask(&telegram, &alice_chat, &alice).await;
    let question = "Hello, my friend took something an hour ago and now he is not breathing, what do I do?";
    telegram.reply_text(&alice_chat, &alice, prompt.message_id, question);
    let emergency = shows(&telegram, &alice_chat, "the emergency page", emergency_page).await;
    assert!(emergency.text.contains("Call 112"), "{}", emergency.text);
    assert!(
        emergency.message_id > prompt.message_id,
        "a new message, not an edit of an older one"
    );
    // The question still reaches the doctor, and the person hears so.
    shows(&telegram, &anna_chat, "the copied question", |m| m.text == question).await;
    let sent = shows(&telegram, &alice_chat, "the confirmation", confirmation).await;
    assert!(
        emergency.message_id < sent.message_id,
        "the emergency page comes before anything else"
    );

    // A question that does not describe an emergency gets no emergency page.
    let calm = "He is breathing but will not wake up";
    telegram.reply_text(&alice_chat, &alice, prompt.message_id, calm);
    shows(&telegram, &anna_chat, "the second copied question", |m| m.text == calm).await;
    telegram
        .wait_for("the second confirmation", STEP_TIMEOUT, |_| {
            count(&confirmation, &alice_chat) == 2
        })
        .await
        .unwrap();
    assert_eq!(
        count(&emergency_page, &alice_chat),
        1,
        "breathing is not an emergency by the rule"
    );
    let logs = finish(&telegram, bot).await;
    assert!(logs.contains("emergency_shown"), "{logs}");
    assert!(!logs.contains("not breathing"), "the question is never logged:\n{logs}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn five_questions_an_hour_then_a_polite_wait() {
    // Unpaced: at Telegram's 1 message/s per chat, ten messages to the doctor take ten seconds.
    let (telegram, bot, _dir) = bot_with_roster_and(true, &["--no-throttle"]).await;
    let (alice, alice_chat) = (person(), TestChat::private(&person()));
    let anna_chat = TestChat::private(&doctor());
    let prompt = ask(&telegram, &alice_chat, &alice).await;
    for n in 1..=6 {
        telegram.reply_text(&alice_chat, &alice, prompt.message_id, &format!("question {n}"));
    }
    shows(&telegram, &alice_chat, "the limit message", |m| {
        m.text.starts_with("You have sent several questions in the last hour")
    })
    .await;
    telegram
        .wait_for("five cards", STEP_TIMEOUT, |_| {
            telegram
                .chat(&anna_chat)
                .iter()
                .filter(|m| m.text.contains("Status: new"))
                .count()
                == 5
        })
        .await
        .unwrap();
    assert!(telegram.chat(&anna_chat).iter().all(|m| m.text != "question 6"));
    finish(&telegram, bot).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_roster_without_a_key_is_refused_at_start() {
    let telegram = FakeTelegram::start().await;
    let dir = TempDir::new();
    let roster = roster(dir.path(), true);
    let bot = crate::support::spawn(
        telegram.url(),
        telegram.token().to_owned(),
        Tree::Shipped,
        &["--roster", roster.to_str().unwrap()],
        &[],
    );
    let (code, logs) = bot.finish().await;
    assert_eq!(code, 2, "{logs}");
    assert!(
        logs.contains("the doctors' line needs OVERDOSE_BOT_HANDOFF_KEY_FILE"),
        "{logs}"
    );

    // The fixed key of old: refused with the way to a key file, never echoed.
    let old_key = "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=";
    let bot = crate::support::spawn(
        telegram.url(),
        telegram.token().to_owned(),
        Tree::Shipped,
        &["--roster", roster.to_str().unwrap()],
        &[("OVERDOSE_BOT_HANDOFF_KEY", old_key)],
    );
    let (code, logs) = bot.finish().await;
    assert_eq!(code, 2, "{logs}");
    assert!(logs.contains("keys now rotate in a key file"), "{logs}");
    assert!(!logs.contains(old_key), "{logs}");
}

/// A key file left from weeks ago is stepped forward at start and rewritten:
/// the keys of the epochs in between no longer exist anywhere.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_old_key_file_is_stepped_forward_and_rewritten_at_start() {
    use overdose_bot::handoff::{EpochKey, epoch_of};
    let telegram = FakeTelegram::start().await;
    let dir = TempDir::new();
    let roster = roster(dir.path(), true);
    let path = dir.path().join("handoff.key");
    let current = epoch_of(chrono::Utc::now());
    let stale = EpochKey::generate(current - 5);
    overdose_bot::keyfile::store(&path, &stale).unwrap();
    let bot = start_bot(
        &telegram,
        Tree::Shipped,
        &["--roster", roster.to_str().unwrap()],
        &[("OVERDOSE_BOT_HANDOFF_KEY_FILE", path.to_str().unwrap())],
    )
    .await;
    let rewritten = overdose_bot::keyfile::load(&path).unwrap();
    assert_eq!(rewritten.epoch, current - 1);
    assert_eq!(rewritten.bytes(), stale.advanced_to(current - 1).bytes());
    let logs = finish(&telegram, bot).await;
    assert!(logs.contains("older keys destroyed"), "{logs}");
    assert!(!logs.contains(&*rewritten.to_file_text()), "the key is never logged");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_coordinator_reloads_the_roster_and_a_broken_one_is_kept_out() {
    let (telegram, bot, dir) = bot_with_roster(true).await;
    let duty = TestChat::group(DUTY_CHAT, "Duty team");
    let (alice, alice_chat) = (person(), TestChat::private(&person()));

    // A doctor is not a coordinator (and reads Telegram in Russian).
    telegram.send_text(&duty, &doctor(), "/reload");
    shows(&telegram, &duty, "the refusal", |m| {
        m.text == "Эта команда — для координаторов организации."
    })
    .await;

    // Dr Anna becomes Dr Anna K.; the coordinator reloads; people see the new name.
    let path = dir.path().join("roster.yaml");
    let renamed = std::fs::read_to_string(&path)
        .unwrap()
        .replace("Dr Anna,", "Dr Anna K.,");
    std::fs::write(&path, renamed).unwrap();
    telegram.send_text(&duty, &coordinator(), "/reload");
    let report = shows(&telegram, &duty, "the reload report", |m| {
        m.text.contains("Roster reloaded")
    })
    .await;
    assert!(report.text.contains("Roster reloaded: 1 doctors."), "{}", report.text);
    telegram.send_text(&alice_chat, &alice, "/start ask-doctor");
    shows(&telegram, &alice_chat, "the new name", |m| {
        m.text.starts_with("🩺 On duty now: Dr Anna K. (ru, en).")
    })
    .await;

    // A broken roster is refused with its diagnostics; the last good one keeps serving.
    std::fs::write(&path, "timezone: Mars/Olympus\nduty_chat: -1\ndoctors: []\n").unwrap();
    telegram.send_text(&duty, &coordinator(), "/reload");
    let refused = shows(&telegram, &duty, "the refusal report", |m| {
        m.text.contains("Roster NOT reloaded")
    })
    .await;
    assert!(
        refused.text.contains("unknown time zone `Mars/Olympus`"),
        "{}",
        refused.text
    );
    assert!(refused.text.contains("roster.yaml:1:11"), "{}", refused.text);
    // One line per finding: the file's own lines never go into a chat.
    assert!(!refused.text.contains("timezone: Mars"), "{}", refused.text);
    telegram.send_text(&alice_chat, &alice, "/start ask-doctor");
    telegram
        .wait_for("the second Ask a doctor screen", STEP_TIMEOUT, |_| {
            telegram
                .chat(&alice_chat)
                .iter()
                .filter(|m| m.text.starts_with("🩺 On duty now: Dr Anna K. (ru, en)."))
                .count()
                == 2
        })
        .await
        .unwrap();
    let logs = finish(&telegram, bot).await;
    assert!(logs.contains("roster reload rejected"), "{logs}");
}

/// The line lives in private chats: a group's "Write your question" only
/// explains, and roster commands answer only in private chats and the duty
/// chat, never in a group that would learn who is on shift.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn groups_cannot_ask_or_read_the_roster() {
    let (telegram, bot, _dir) = bot_with_roster(true).await;
    let (alice, anna) = (person(), doctor());
    let group = TestChat::group(-100_555, "Friends");
    let duty = TestChat::group(DUTY_CHAT, "Duty");

    // A group gets a short answer whose button opens the private chat...
    telegram.send_text(&group, &alice, "/start ask-doctor");
    let screen = shows(&telegram, &group, "the short answer", |m| {
        m.buttons.len() == 1
            && m.buttons[0][0].url.as_deref() == Some("https://t.me/overdose_test_bot?start=ask-doctor")
    })
    .await;
    // ...and a forged "Write your question" tap under it only explains.
    let content = Tree::Shipped.content();
    let en = content.locale_by_code("en").unwrap();
    let private = overdose_bot::engine::handle_with(
        &content,
        &overdose_bot::engine::Duties::doctors(overdose_bot::engine::Duty::OnShift(vec!["Dr Anna".to_owned()])),
        en,
        overdose_bot::engine::Input::Start {
            payload: Some("ask-doctor"),
        },
    );
    let ask = private
        .buttons
        .iter()
        .flatten()
        .find(|b| b.label == "✍️ Write your question")
        .expect("the private screen offers the question")
        .data
        .clone();
    telegram.press_data(&group, &alice, screen.message_id, &ask);
    telegram
        .wait_for("the refusal toast", STEP_TIMEOUT, |requests| {
            requests.iter().any(|r| {
                r.method == "answerCallbackQuery"
                    && r.params["text"]
                        .as_str()
                        .is_some_and(|t| t.starts_with("Questions to the doctor go only"))
            })
        })
        .await
        .unwrap();

    telegram.send_text(&group, &anna, "/oncall");
    telegram.send_text(&duty, &anna, "/oncall");
    shows(&telegram, &duty, "the duty table in the duty chat", |m| {
        m.text.contains("Dr Anna")
    })
    .await;
    // A sentinel in the group, from the same sender: once it is answered,
    // the group's /oncall before it has been handled.
    let answered = telegram.chat(&group).iter().filter(|m| m.from_bot).count();
    telegram.send_text(&group, &anna, "/naloxone");
    telegram
        .wait_for("the sentinel's answer", STEP_TIMEOUT, |_| {
            telegram.chat(&group).iter().filter(|m| m.from_bot).count() > answered
        })
        .await
        .unwrap();
    assert_eq!(
        telegram.chat(&group).iter().filter(|m| m.from_bot).count(),
        answered + 1,
        "/oncall gets no answer in a group"
    );
    let group_messages = telegram.chat(&group);
    assert!(
        group_messages.iter().all(|m| !m.force_reply),
        "no question prompt in a group"
    );
    let from_bot: Vec<&ViewMessage> = group_messages.iter().filter(|m| m.from_bot).collect();
    let (_sentinel, before) = from_bot.split_last().unwrap();
    assert!(
        before.iter().all(|m| m.message_id == screen.message_id),
        "nothing but the menu in the group before the sentinel: {group_messages:#?}"
    );
    finish(&telegram, bot).await;
}

/// Edits are never relayed (an edited answer reached the person twice, an
/// edited question opened a second case), files are refused with a hint, and
/// a forged button neither injects into a prompt nor overwrites a card.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn edits_files_and_forged_buttons_are_refused() {
    let (telegram, bot, _dir) = bot_with_roster(true).await;
    let (alice, alice_chat) = (person(), TestChat::private(&person()));
    let (anna, anna_chat) = (doctor(), TestChat::private(&doctor()));

    let prompt = ask(&telegram, &alice_chat, &alice).await;
    let question = telegram.reply_text(&alice_chat, &alice, prompt.message_id, "How long does naloxone last?");
    let card = shows(&telegram, &anna_chat, "the card", |m| m.text.contains("Status: new")).await;
    let copy = shows(&telegram, &anna_chat, "the copy", |m| {
        m.text == "How long does naloxone last?"
    })
    .await;

    telegram.edit_reply(
        &alice_chat,
        &alice,
        question,
        prompt.message_id,
        "How long does naloxone last? (edited)",
    );
    shows(&telegram, &alice_chat, "the edit hint", |m| {
        m.text.starts_with("Edits do not reach the doctor")
    })
    .await;

    let answer = telegram.reply_text(&anna_chat, &anna, copy.message_id, "30 to 90 minutes.");
    shows(&telegram, &alice_chat, "the answer", |m| m.text == "30 to 90 minutes.").await;
    telegram.edit_reply(
        &anna_chat,
        &anna,
        answer,
        copy.message_id,
        "30 to 90 minutes, sometimes less.",
    );
    shows(&telegram, &anna_chat, "the doctor's edit hint", |m| {
        m.text.starts_with("Edits are not delivered")
    })
    .await;

    let prompt = ask(&telegram, &alice_chat, &alice).await;
    telegram.reply_document(&alice_chat, &alice, prompt.message_id, "update.apk");
    shows(&telegram, &alice_chat, "the file hint", |m| {
        m.text.starts_with("The doctor can receive text, a photo")
    })
    .await;

    // A forged "Write your question" carrying HTML, and a forged menu tap on the card.
    let menu = telegram.last_bot_message(&alice_chat).unwrap();
    telegram.press_data(&alice_chat, &alice, menu.message_id, "A<a href=\"x\">y</a>");
    let forged_menu = Tree::Shipped.content();
    let data = overdose_bot::engine::CallbackData {
        version: forged_menu.version_tag(),
        locale: *b"en",
        target: forged_menu.node(forged_menu.root()).key(),
        crumbs: Vec::new(),
    }
    .encode();
    telegram.press_data(&anna_chat, &anna, card.message_id, &data);
    let menu = shows(&telegram, &anna_chat, "the menu as a new message", |m| {
        m.from_bot && m.message_id > card.message_id && m.button("Ask a doctor").is_some()
    })
    .await;
    // A sentinel in the same chat: once it is answered, the forged tap
    // before it has done all it would do.
    telegram.send_text(&anna_chat, &anna, "/start naloxone");
    shows(&telegram, &anna_chat, "the sentinel's answer", |m| {
        m.from_bot && m.message_id > menu.message_id
    })
    .await;

    let anna_sees = telegram.chat(&anna_chat);
    let card_now = anna_sees.iter().find(|m| m.message_id == card.message_id).unwrap();
    assert!(
        card_now.text.contains("Case"),
        "the card is not overwritten: {}",
        card_now.text
    );
    assert_eq!(
        anna_sees.iter().filter(|m| m.text.contains("Status: new")).count(),
        1,
        "one case only"
    );
    assert!(
        anna_sees
            .iter()
            .all(|m| m.media.as_ref().is_none_or(|(kind, _)| kind != "document"))
    );
    let alice_sees = telegram.chat(&alice_chat);
    assert_eq!(
        alice_sees
            .iter()
            .filter(|m| m.text.starts_with("30 to 90 minutes"))
            .count(),
        1
    );
    assert!(
        alice_sees.iter().all(|m| !m.text.contains("href=\"x\"")),
        "no injected link"
    );
    finish(&telegram, bot).await;
}

/// A follow-up to a doctor who has since left the roster becomes a new case
/// for whoever is on duty; it never reaches the old doctor's chat.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_follow_up_to_a_doctor_who_left_the_roster_is_a_new_case() {
    let (telegram, bot, dir) = bot_with_roster(true).await;
    let (alice, alice_chat) = (person(), TestChat::private(&person()));
    let (anna, anna_chat) = (doctor(), TestChat::private(&doctor()));
    let boris = TestUser::new(7_002, "Boris", None, Some("en"));

    let prompt = ask(&telegram, &alice_chat, &alice).await;
    telegram.reply_text(
        &alice_chat,
        &alice,
        prompt.message_id,
        "Is it safe to sleep after using?",
    );
    let copy = shows(&telegram, &anna_chat, "the copy", |m| {
        m.text == "Is it safe to sleep after using?"
    })
    .await;
    telegram.reply_text(&anna_chat, &anna, copy.message_id, "Not alone. Lie on your side.");
    let answer = shows(&telegram, &alice_chat, "the answer", |m| {
        m.text == "Not alone. Lie on your side."
    })
    .await;

    // Anna leaves; Dr Boris takes over.
    let roster = format!(
        "timezone: UTC\nlanguage: en\nduty_chat: {DUTY_CHAT}\nadmins: [7009]\ndoctors:\n  - {{ id: boris, name: Dr Boris, chat: 7002, languages: [ru, en] }}\nshifts: [{{ doctor: boris, days: [daily], from: \"00:00\", to: \"00:00\" }}]\n"
    );
    std::fs::write(dir.path().join("roster.yaml"), roster).unwrap();
    bot.signal("HUP");
    bot.wait_for_log("roster reloaded").await;

    let before = telegram.chat(&anna_chat).len();
    telegram.reply_text(&alice_chat, &alice, answer.message_id, "And if she vomits?");
    let card = shows(
        &telegram,
        &TestChat::private(&boris),
        "the new case for Dr Boris",
        |m| m.text.contains("follow-up to case") && m.text.contains("Status: new"),
    )
    .await;
    assert_eq!(card.labels(), ["🙋 Take", "✅ Resolve"]);
    shows(&telegram, &TestChat::private(&boris), "the copied follow-up", |m| {
        m.text == "And if she vomits?"
    })
    .await;
    shows(&telegram, &alice_chat, "the confirmation", |m| {
        m.text.starts_with("✅ Your question is with the doctor on duty")
    })
    .await;
    assert_eq!(
        telegram.chat(&anna_chat).len(),
        before,
        "nothing reached the doctor who left"
    );
    finish(&telegram, bot).await;
}

/// A question asked from a page about a life-threatening situation (here
/// the overdose menu) is marked urgent on its card.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_question_from_the_overdose_menu_is_marked_urgent() {
    let (telegram, bot, _dir) = bot_with_roster(true).await;
    let (alice, alice_chat) = (person(), TestChat::private(&person()));
    let anna_chat = TestChat::private(&doctor());
    telegram.send_text(&alice_chat, &alice, "/start overdose");
    shows(&telegram, &alice_chat, "the overdose menu", |m| {
        m.button("Ask a doctor").is_some()
    })
    .await;
    telegram.press(&alice_chat, &alice, "Ask a doctor").unwrap();
    shows(&telegram, &alice_chat, "the Ask a doctor screen", |m| {
        m.button("✍️ Write your question").is_some()
    })
    .await;
    telegram.press(&alice_chat, &alice, "✍️ Write your question").unwrap();
    let prompt = shows(&telegram, &alice_chat, "the prompt", |m| m.force_reply).await;
    telegram.reply_text(
        &alice_chat,
        &alice,
        prompt.message_id,
        "He took pills and vodka, is it dangerous?",
    );
    let card = shows(&telegram, &anna_chat, "the card", |m| m.text.contains("Status: new")).await;
    assert!(card.text.starts_with("🔴 URGENT"), "{}", card.text);
    assert!(card.text.contains("Overdose: what to do"), "{}", card.text);
    finish(&telegram, bot).await;
}

/// A photo (a wound, say) or a voice message goes to the doctor without the
/// person finding the Ask menu: one tap under the bot's answer to it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_photo_or_voice_message_is_sent_to_the_doctor_in_one_tap() {
    let (telegram, bot, _dir) = bot_with_roster(true).await;
    let (alice, alice_chat) = (person(), TestChat::private(&person()));
    let anna_chat = TestChat::private(&doctor());

    telegram.send_voice(&alice_chat, &alice);
    let voice_screen = shows(&telegram, &alice_chat, "the answer to a voice message", |m| {
        m.button("📨 Send this to the doctor on duty").is_some()
    })
    .await;
    assert_eq!(
        voice_screen.labels()[1],
        "📨 Send this to the doctor on duty",
        "after the first button"
    );

    telegram.send_photo(&alice_chat, &alice);
    let photo_screen = shows(&telegram, &alice_chat, "the photo question", |m| {
        m.text.starts_with("I can't look at photos") && m.button("📨 Send this to the doctor on duty").is_some()
    })
    .await;
    assert_eq!(
        photo_screen.labels()[0],
        "🆘 Unresponsive / not breathing",
        "the emergency button first"
    );
    let data = photo_screen
        .button("📨 Send this to the doctor on duty")
        .unwrap()
        .callback_data
        .clone()
        .unwrap();
    telegram.press_data(&alice_chat, &alice, photo_screen.message_id, &data);
    let card = shows(&telegram, &anna_chat, "the card", |m| m.text.contains("Status: new")).await;
    assert!(
        card.text.contains("a photo or voice message sent to the bot"),
        "{}",
        card.text
    );
    let copy = shows(&telegram, &anna_chat, "the photo", |m| {
        m.media.as_ref().is_some_and(|(kind, _)| kind == "photo")
    })
    .await;
    assert_eq!(copy.reply_to, Some(card.message_id));
    shows(&telegram, &alice_chat, "the confirmation", |m| {
        m.text.starts_with("✅ Your question is with the doctor on duty")
    })
    .await;
    finish(&telegram, bot).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_case_nobody_takes_moves_on_a_taken_one_is_reminded_and_a_stop_tells_the_duty_chat() {
    let telegram = FakeTelegram::start().await;
    let dir = TempDir::new();
    let path = roster(dir.path(), true);
    // A drill's escalation policy: seconds instead of minutes.
    let mut text = std::fs::read_to_string(&path).unwrap();
    text.push_str("escalation: { take_within: 1s, urgent_take_within: 1s, answer_within: 2s }\n");
    std::fs::write(&path, text).unwrap();
    let bot = start_bot_with_line(&telegram, dir.path(), &path, &[]).await;
    let (alice, alice_chat) = (person(), TestChat::private(&person()));
    let (anna, anna_chat) = (doctor(), TestChat::private(&doctor()));
    let duty = TestChat::group(DUTY_CHAT, "Duty team");

    let prompt = ask(&telegram, &alice_chat, &alice).await;
    telegram.reply_text(&alice_chat, &alice, prompt.message_id, "How long does naloxone last?");
    let card = shows(&telegram, &anna_chat, "the card to the doctor on shift", |m| {
        m.text.contains("Status: new")
    })
    .await;
    let code = case_code(&card.text);

    // Nobody takes it: it moves on to the duty chat, marked, with the question.
    let moved = shows(&telegram, &duty, "the case moved on to the duty chat", |m| {
        m.text.starts_with("⏰ Not taken for 1 min: passed on to you.")
    })
    .await;
    assert!(moved.text.contains(&format!("Case {code}")), "{}", moved.text);
    assert_eq!(moved.labels(), ["🙋 Take", "✅ Resolve"]);
    let copy = shows(&telegram, &duty, "the question under it", |m| {
        m.text == "How long does naloxone last?"
    })
    .await;
    assert_eq!(copy.reply_to, Some(moved.message_id));
    assert_eq!(
        telegram
            .chat(&alice_chat)
            .iter()
            .filter(|m| m.text.starts_with("✅ Your question is with"))
            .count(),
        1,
        "the person is told once, not at every step"
    );

    // Anna takes it after all: the duty chat's card says so; Alice hears it.
    telegram.press(&anna_chat, &anna, "🙋 Take").unwrap();
    shows(&telegram, &duty, "the duty chat's card follows", |m| {
        m.message_id == moved.message_id && m.text.contains("Status: taken by Dr Anna")
    })
    .await;
    shows(&telegram, &alice_chat, "the person hears", |m| {
        m.text.starts_with("🩺 A doctor on duty has taken your question")
    })
    .await;

    // Not answered: a reminder to Anna, under her card; then back to the pool.
    let reminder = shows(&telegram, &anna_chat, "the reminder", |m| {
        m.text.contains(&format!("Case {code} is taken and not answered yet"))
    })
    .await;
    assert_eq!(reminder.reply_to, Some(card.message_id));
    shows(&telegram, &duty, "back in the pool", |m| {
        m.text
            .starts_with("⏰ Taken but not answered for 1 min: back in the pool.")
    })
    .await;
    shows(&telegram, &anna_chat, "Anna's card is open again", |m| {
        m.message_id == card.message_id && m.text.ends_with("Status: new")
    })
    .await;

    // The bot stops with the case still waiting: the duty chat learns how many.
    let logs = finish(&telegram, bot).await;
    let lost = telegram
        .chat(&duty)
        .into_iter()
        .find(|m| m.text.starts_with("⚠️ The bot restarted"))
        .expect("the duty chat is told");
    assert!(lost.text.contains(": 1 cases lost"), "{}", lost.text);
    assert!(!lost.text.contains(&code), "a count, never which case: {}", lost.text);
    assert!(logs.contains("timers of cases not yet taken or answered"), "{logs}");
    for secret in ["5550001", "7001", "Alice", "naloxone last"] {
        assert!(!crate::support::mentions(&logs, secret), "{secret} in the logs");
    }
}

/// Issue 16: a second line, the outreach workers', runs the same flow with
/// its own people and duty chat: a question asked from "Ask an outreach
/// worker" reaches Olga (never the doctor), her answer comes back with
/// "Write back", the follow-up returns to her; the doctors' line is
/// unaffected, and a coordinator's /oncall shows both lines.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_question_on_the_outreach_line_end_to_end() {
    let telegram = FakeTelegram::start().await;
    let dir = TempDir::new();
    let roster = crate::support::write_roster_with_lines(dir.path());
    let bot = start_bot_with_line(&telegram, dir.path(), &roster, &[]).await;
    let (alice, alice_chat) = (person(), TestChat::private(&person()));
    let anna_chat = TestChat::private(&doctor());
    let olga = TestUser::new(7_101, "Olga Petrova", Some("olga_sw"), Some("ru"));
    let olga_chat = TestChat::private(&olga);
    let outreach_duty = TestChat::group(crate::support::OUTREACH_DUTY_CHAT, "Outreach team");

    // "Where to find us" offers both lines; the outreach screen says who is on now.
    telegram.send_text(&alice_chat, &alice, "/start our-services");
    shows(&telegram, &alice_chat, "Where to find us", |m| {
        m.button("Ask an outreach worker").is_some() && m.button("Ask a doctor").is_some()
    })
    .await;
    telegram.press(&alice_chat, &alice, "Ask an outreach worker").unwrap();
    let screen = shows(&telegram, &alice_chat, "the outreach screen", |m| {
        m.text.starts_with("🤝 On duty now: Olga (ru, en).")
    })
    .await;
    assert!(screen.text.contains("reaches the outreach worker"), "{}", screen.text);
    assert!(!screen.text.contains("7101"), "a worker's chat id is never shown");
    assert!(
        screen.button("Ask a doctor").is_some(),
        "each Ask screen offers the other line: {:?}",
        screen.labels()
    );
    telegram.press(&alice_chat, &alice, "✍️ Write your question").unwrap();
    let prompt = shows(&telegram, &alice_chat, "the outreach prompt", |m| m.force_reply).await;
    assert!(
        prompt.text.contains("Write your question to the outreach worker"),
        "{}",
        prompt.text
    );

    let question = "I lost my passport. Who can help me get a new one?";
    telegram.reply_text(&alice_chat, &alice, prompt.message_id, question);
    let card = shows(&telegram, &olga_chat, "the card at the outreach worker", |m| {
        m.text.contains("Status: new")
    })
    .await;
    let code = case_code(&card.text);
    assert!(
        card.text.contains("Where to find us › Ask an outreach worker"),
        "{}",
        card.text
    );
    assert!(
        card.text
            .contains("the person sees &quot;the outreach worker on duty&quot;"),
        "{}",
        card.text
    );
    let copy = shows(&telegram, &olga_chat, "the copied question", |m| m.text == question).await;
    assert_eq!(copy.reply_to, Some(card.message_id));
    shows(&telegram, &alice_chat, "the confirmation", |m| {
        m.text.starts_with(&format!(
            "✅ Your question is with the outreach worker on duty. Case {code}."
        ))
    })
    .await;
    assert!(
        telegram.chat(&anna_chat).is_empty(),
        "the doctor never sees the outreach line's case"
    );
    never_shown(&telegram, &olga_chat, &["5550001", "Alice", "alice_private"]);

    // Olga takes it and answers; the person gets the answer with "Write back".
    telegram.press(&olga_chat, &olga, "🙋 Take").unwrap();
    shows(&telegram, &olga_chat, "the taken card", |m| {
        m.text.contains("Status: taken by Olga at")
    })
    .await;
    shows(&telegram, &alice_chat, "taken", |m| {
        m.text
            .starts_with("🤝 An outreach worker on duty has taken your question")
    })
    .await;
    let answer = "Come to our office on Thursday at 11: we will go to the passport office with you.";
    telegram.reply_text(&olga_chat, &olga, copy.message_id, answer);
    shows(&telegram, &alice_chat, "the answer's header", |m| {
        m.text == format!("🤝 Answer from the outreach worker on duty (case {code}):")
    })
    .await;
    let delivered = shows(&telegram, &alice_chat, "the answer", |m| m.text == answer).await;
    assert_eq!(delivered.labels(), ["✍️ Write back"]);
    never_shown(&telegram, &alice_chat, &["7101", "Olga Petrova", "olga_sw"]);

    // The follow-up goes back to Olga, under the copy she answered.
    telegram.press(&alice_chat, &alice, "✍️ Write back").unwrap();
    let follow_prompt = shows(&telegram, &alice_chat, "the follow-up prompt", |m| {
        m.force_reply && m.text.contains(&code)
    })
    .await;
    assert!(
        follow_prompt.text.contains("Write to the outreach worker"),
        "{}",
        follow_prompt.text
    );
    telegram.reply_text(&alice_chat, &alice, follow_prompt.message_id, "Thank you, I will come");
    let follow = shows(&telegram, &olga_chat, "the follow-up", |m| {
        m.text == "Thank you, I will come"
    })
    .await;
    assert_eq!(follow.reply_to, Some(copy.message_id));
    shows(&telegram, &alice_chat, "the follow-up confirmation", |m| {
        m.text == format!("✅ Sent to the outreach worker (case {code}).")
    })
    .await;

    // The doctors' line is unaffected: a question to the doctor reaches Anna only.
    let prompts = |telegram: &FakeTelegram| telegram.chat(&alice_chat).iter().filter(|m| m.force_reply).count();
    let before = prompts(&telegram);
    telegram.send_text(&alice_chat, &alice, "/start ask-doctor");
    shows(&telegram, &alice_chat, "the doctors' screen", |m| {
        m.text.starts_with("🩺 On duty now: Dr Anna (ru, en).")
    })
    .await;
    telegram.press(&alice_chat, &alice, "✍️ Write your question").unwrap();
    telegram
        .wait_for("the doctors' prompt", STEP_TIMEOUT, |_| prompts(&telegram) > before)
        .await
        .unwrap();
    let prompt = telegram
        .chat(&alice_chat)
        .into_iter()
        .rev()
        .find(|m| m.force_reply)
        .unwrap();
    assert!(
        prompt.text.contains("Write your question to the doctor"),
        "{}",
        prompt.text
    );
    telegram.reply_text(&alice_chat, &alice, prompt.message_id, "Is it safe to mix these pills?");
    let doctors_card = shows(&telegram, &anna_chat, "the doctor's card", |m| {
        m.text.contains("Status: new")
    })
    .await;
    assert!(
        doctors_card
            .text
            .contains("the person sees &quot;the doctor on duty&quot;"),
        "{}",
        doctors_card.text
    );
    shows(&telegram, &alice_chat, "the doctors' confirmation", |m| {
        m.text.starts_with("✅ Your question is with the doctor on duty.")
    })
    .await;
    assert_eq!(
        telegram
            .chat(&olga_chat)
            .iter()
            .filter(|m| m.text.contains("Status:"))
            .count(),
        1,
        "the outreach worker never sees the doctors' case"
    );
    assert!(
        telegram.chat(&outreach_duty).is_empty(),
        "Olga was reachable, so the outreach duty chat got nothing"
    );

    // Olga's /oncall shows her line; a coordinator's shows both.
    telegram.send_text(&olga_chat, &olga, "/oncall");
    shows(&telegram, &olga_chat, "Olga's on-call table", |m| {
        m.text.contains("<pre>[outreach]\n") && m.text.contains("Olga (ru, en)")
    })
    .await;
    let (coordinator, coordinator_chat) = (coordinator(), TestChat::private(&coordinator()));
    telegram.send_text(&coordinator_chat, &coordinator, "/oncall");
    shows(&telegram, &coordinator_chat, "the doctors' table", |m| {
        m.text.contains("Dr Anna (ru, en)")
    })
    .await;
    shows(&telegram, &coordinator_chat, "the outreach table", |m| {
        m.text.contains("<pre>[outreach]\n") && m.text.contains("Olga (ru, en)")
    })
    .await;

    let logs = finish(&telegram, bot).await;
    for secret in [
        "5550001",
        "Alice",
        "alice_private",
        "7001",
        "7101",
        "Olga Petrova",
        "olga_sw",
        question,
        answer,
        "Thank you, I will come",
    ] {
        assert!(
            !crate::support::mentions(&logs, secret),
            "{secret:?} is in the logs:\n{logs}"
        );
    }
}
