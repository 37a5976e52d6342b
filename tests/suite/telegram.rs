//! End-to-end: the real `overdose-bot serve` binary against the fake Bot API
//! (`crates/telegram-fake`) on 127.0.0.1. Every request the bot makes is
//! checked against the Bot API spec and Telegram's limits; every test asserts
//! what the person finally sees, and that the bot exits 0 on SIGTERM.

use std::time::Duration;

use crate::support::{RunningBot, Tree, expected, finish, start_bot};
use overdose_bot::content::{NodeKey, VersionTag};
use overdose_bot::engine::{CallbackData, Input, MessageKind};
use telegram_fake::{FakeTelegram, Fault, STEP_TIMEOUT, TestChat, TestUser};

fn alice() -> TestUser {
    TestUser::new(5550001, "Alice", Some("alice_private"), Some("en"))
}

/// A fake Telegram and the bot polling it with the shipped content.
async fn shipped_bot() -> (FakeTelegram, RunningBot) {
    let telegram = FakeTelegram::start().await;
    let bot = start_bot(&telegram, Tree::Shipped, &[], &[]).await;
    (telegram, bot)
}

/// Waits until `condition` holds for the recorded requests (what the bot has done).
async fn answered(telegram: &FakeTelegram, what: &str, condition: impl Fn(&[telegram_fake::Recorded]) -> bool) {
    telegram.wait_for(what, STEP_TIMEOUT, condition).await.unwrap();
}

fn count(requests: &[telegram_fake::Recorded], method: &str) -> usize {
    requests
        .iter()
        .filter(|r| r.method == method && r.fault.is_none())
        .count()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn emergency_path_cpr_back_and_home_edit_one_message() {
    let (telegram, bot) = shipped_bot().await;
    let content = Tree::Shipped.content();
    let (user, chat) = (alice(), TestChat::private(&alice()));

    telegram.send_text(&chat, &user, "/start");
    answered(&telegram, "the main menu", |r| count(r, "sendMessage") == 1).await;
    let menu = telegram.last_bot_message(&chat).unwrap();
    assert_eq!(
        (menu.text.clone(), menu.labels()),
        expected(&content, "en", Input::Start { payload: None })
    );
    assert_eq!(
        menu.labels()[0],
        "🆘 Unresponsive / not breathing",
        "the emergency page is one tap away"
    );

    let steps = [
        ("🆘 Unresponsive / not breathing", "not-breathing"),
        ("CPR step by step", "cpr-steps"),
        ("⬅️ Back", "not-breathing"),
        ("🏠 Main menu", "start"),
    ];
    for (edits, (label, node)) in steps.iter().enumerate() {
        telegram.press(&chat, &user, label).unwrap();
        answered(&telegram, label, |r| {
            count(r, "editMessageText") == edits + 1 && count(r, "answerCallbackQuery") == edits + 1
        })
        .await;
        let shown = telegram.last_bot_message(&chat).unwrap();
        let (html, labels) = expected(&content, "en", Input::Start { payload: Some(node) });
        if *node == "start" {
            assert_eq!(
                (shown.text.clone(), shown.labels()),
                expected(&content, "en", Input::Start { payload: None })
            );
        } else {
            assert_eq!(shown.text, html, "after pressing {label}");
            assert_eq!(
                shown.labels()[..labels.len() - 2],
                labels[..labels.len() - 2],
                "after pressing {label}"
            );
        }
        assert!(shown.text.contains("112, 103"), "emergency numbers on every screen");
    }
    let bot_messages = telegram.chat(&chat).into_iter().filter(|m| m.from_bot).count();
    assert_eq!(bot_messages, 1, "taps edit the menu in place");

    crate::support::command_menus_registered(&telegram, &Tree::Shipped.content()).await;
    let commands = telegram.requests_of("setMyCommands");
    let languages: Vec<_> = commands
        .iter()
        .filter(|r| r.params["scope"]["type"] == "default")
        .map(|r| r.params["language_code"].as_str().unwrap_or("(default)").to_owned())
        .collect();
    assert_eq!(
        languages,
        [
            "ru",
            "uk",
            "be",
            "kk",
            "uz",
            "tg",
            "ky",
            "az",
            "hy",
            "ka",
            "ro",
            "en",
            "(default)"
        ]
    );
    let logs = finish(&telegram, bot).await;
    assert!(logs.contains("overdose-bot serving"), "{logs}");
    assert!(
        logs.contains(content.version()),
        "start-up line names the content version: {logs}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn deep_links_commands_and_free_text() {
    let (telegram, bot) = shipped_bot().await;
    let content = Tree::Shipped.content();
    let user = TestUser::new(5550002, "Boris", None, Some("ru-RU"));
    let chat = TestChat::private(&user);

    for (sent, (text, input)) in [
        (
            "/start naloxone",
            Input::Start {
                payload: Some("naloxone"),
            },
        ),
        (
            "/start no-such-page",
            Input::Start {
                payload: Some("no-such-page"),
            },
        ),
        ("/about", Input::About),
        ("/help", Input::Help),
        (
            "он не дышит, губы синие",
            Input::Text {
                text: "он не дышит, губы синие",
            },
        ),
    ]
    .iter()
    .enumerate()
    .map(|(i, (t, input))| (i + 1, (*t, *input)))
    {
        telegram.send_text(&chat, &user, text);
        answered(&telegram, text, |r| count(r, "sendMessage") == sent).await;
        let shown = telegram.last_bot_message(&chat).unwrap();
        assert_eq!(
            (shown.text.clone(), shown.labels()),
            expected(&content, "ru", input),
            "for {text}"
        );
    }
    finish(&telegram, bot).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn old_version_and_forged_buttons() {
    let (telegram, bot) = shipped_bot().await;
    let content = Tree::Shipped.content();
    let (user, chat) = (alice(), TestChat::private(&alice()));
    telegram.send_text(&chat, &user, "/start");
    answered(&telegram, "the main menu", |r| count(r, "sendMessage") == 1).await;
    let menu = telegram.last_bot_message(&chat).unwrap().message_id;

    let old = |target: &str| {
        CallbackData {
            version: VersionTag::of("2020.01.01-1"),
            locale: *b"en",
            target: NodeKey::of(target),
            crumbs: vec![],
        }
        .encode()
    };
    // A button from an older release whose page still exists works.
    telegram.press_data(&chat, &user, menu, &old("cpr-steps"));
    answered(&telegram, "the CPR page", |r| count(r, "editMessageText") == 1).await;
    let shown = telegram.last_bot_message(&chat).unwrap();
    assert_eq!(
        shown.text,
        expected(
            &content,
            "en",
            Input::Start {
                payload: Some("cpr-steps")
            }
        )
        .0
    );

    // One whose page was removed explains and shows the main menu.
    telegram.press_data(&chat, &user, menu, &old("removed-page"));
    answered(&telegram, "the updated menu", |r| count(r, "editMessageText") == 2).await;
    let shown = telegram.last_bot_message(&chat).unwrap();
    assert!(
        shown
            .text
            .starts_with("This menu has changed since that message was sent."),
        "{}",
        shown.text
    );
    let toasts: Vec<_> = telegram
        .requests_of("answerCallbackQuery")
        .iter()
        .map(|r| r.params["text"].clone())
        .collect();
    assert_eq!(toasts[1], "This menu has changed");

    // Forged data: a key no node of this version has, and plain garbage.
    let forged = CallbackData {
        version: content.version_tag(),
        locale: *b"en",
        target: NodeKey::of("forged"),
        crumbs: vec![],
    };
    telegram.press_data(&chat, &user, menu, &forged.encode());
    telegram.press_data(&chat, &user, menu, "garbage");
    answered(&telegram, "the invalid-button answers", |r| {
        count(r, "answerCallbackQuery") == 4
    })
    .await;
    let toasts: Vec<_> = telegram
        .requests_of("answerCallbackQuery")
        .iter()
        .map(|r| r.params["text"].clone())
        .collect();
    assert_eq!(
        toasts[2..],
        ["This button no longer works", "This button no longer works"]
    );
    // Both forged taps lead to the same screen: one edit, one "not modified".
    answered(&telegram, "both edits", |r| {
        r.iter().filter(|x| x.method == "editMessageText").count() == 4
    })
    .await;
    assert!(
        telegram
            .last_bot_message(&chat)
            .unwrap()
            .text
            .starts_with("That button does not work.")
    );
    finish(&telegram, bot).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn voice_and_stickers_get_the_emergency_page_and_a_photo_a_question() {
    let (telegram, bot) = shipped_bot().await;
    let content = Tree::Shipped.content();
    let (user, chat) = (alice(), TestChat::private(&alice()));
    telegram.send_voice(&chat, &user);
    telegram.send_photo(&chat, &user);
    telegram.send_sticker(&chat, &user);
    answered(&telegram, "three answers", |r| count(r, "sendMessage") == 3).await;
    let answers: Vec<String> = telegram
        .chat(&chat)
        .into_iter()
        .filter(|m| m.from_bot)
        .map(|m| m.text)
        .collect();
    let kinds = [MessageKind::Voice, MessageKind::Photo, MessageKind::Other];
    let wanted: Vec<String> = kinds
        .iter()
        .map(|k| {
            expected(
                &content,
                "en",
                Input::Unsupported {
                    kind: *k,
                    caption: None,
                    message: None,
                },
            )
            .0
        })
        .collect();
    assert_eq!(answers, wanted);
    assert!(answers[0].starts_with("I can't listen to voice"));
    assert!(answers[1].starts_with("I can't look at photos"), "{}", answers[1]);
    assert!(answers[1].contains("Is it a wound?"), "{}", answers[1]);
    let photo = &telegram
        .chat(&chat)
        .into_iter()
        .filter(|m| m.from_bot)
        .collect::<Vec<_>>()[1];
    assert_eq!(
        photo.labels()[..3],
        [
            "🆘 Unresponsive / not breathing",
            "Danger signs: 112 or a doctor today",
            "Wounds and abscesses"
        ]
    );
    finish(&telegram, bot).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn language_switch_travels_in_the_buttons() {
    let (telegram, bot) = shipped_bot().await;
    let (user, chat) = (alice(), TestChat::private(&alice()));
    telegram.send_text(&chat, &user, "/language");
    answered(&telegram, "the language choice", |r| count(r, "sendMessage") == 1).await;
    assert_eq!(
        telegram.last_bot_message(&chat).unwrap().labels(),
        ["Русский", "English"]
    );
    telegram.press(&chat, &user, "Русский").unwrap();
    answered(&telegram, "the Russian menu", |r| count(r, "editMessageText") == 1).await;
    telegram.press(&chat, &user, "🆘 Не отвечает / не дышит").unwrap();
    answered(&telegram, "the Russian emergency page", |r| {
        count(r, "editMessageText") == 2
    })
    .await;
    let shown = telegram.last_bot_message(&chat).unwrap();
    assert!(shown.text.contains("<b>Звоните 112</b>"), "{}", shown.text);
    assert!(shown.labels().contains(&"⬅️ Назад".to_owned()));
    finish(&telegram, bot).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn inline_mode_offers_pages_to_share() {
    let (telegram, bot) = shipped_bot().await;
    // Inline queries have no chat, so their answers may come in any order.
    let with_words = format!("iq-{}", telegram.inline_query(&alice(), "naloxone"));
    let empty = format!("iq-{}", telegram.inline_query(&alice(), ""));
    telegram
        .wait_for_calls("answerInlineQuery", 2, STEP_TIMEOUT)
        .await
        .unwrap();
    let answers = telegram.requests_of("answerInlineQuery");
    let answer_to = |id: &str| {
        answers
            .iter()
            .find(|a| a.params["inline_query_id"] == id)
            .unwrap()
            .params
            .clone()
    };
    let results = answer_to(&with_words)["results"].as_array().unwrap().clone();
    assert_eq!(results[0]["id"], "naloxone");
    assert_eq!(results[0]["title"], "Naloxone");
    assert_eq!(
        results[0]["reply_markup"]["inline_keyboard"][0][0]["url"],
        "https://t.me/overdose_test_bot?start=naloxone"
    );
    let first_without_query = &answer_to(&empty)["results"][0];
    assert_eq!(
        first_without_query["id"], "not-breathing",
        "an empty query offers the emergency page first"
    );
    finish(&telegram, bot).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn groups_hear_only_commands_and_mentions() {
    let (telegram, bot) = shipped_bot().await;
    let user = alice();
    let group = TestChat::group(-100777, "Friends");
    telegram.send_text(&group, &user, "hi everyone");
    telegram.send_voice(&group, &user);
    telegram.send_text(&group, &user, "/start@other_bot");
    telegram.send_text(&group, &user, "/help@overdose_test_bot");
    telegram.send_text(&group, &user, "@overdose_test_bot naloxone");
    // A sentinel from the same member: the group's updates are handled in
    // order, so once it is answered every message before it has been read.
    telegram.send_text(&group, &user, "/help@overdose_test_bot");
    answered(&telegram, "three answers in the group", |r| {
        count(r, "sendMessage") == 3
    })
    .await;
    assert_eq!(
        count(&telegram.requests(), "sendMessage"),
        3,
        "only the commands and the mention are answered"
    );
    finish(&telegram, bot).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_cpr_metronome_is_sent_as_audio_with_its_page_as_caption() {
    let telegram = FakeTelegram::start().await;
    let bot = start_bot(&telegram, Tree::Shipped, &[], &[]).await;
    let (user, chat) = (alice(), TestChat::private(&alice()));
    telegram.send_text(&chat, &user, "/start cpr-metronome");
    answered(&telegram, "the metronome", |r| count(r, "sendAudio") == 1).await;
    let send = &telegram.requests_of("sendAudio")[0];
    assert_eq!(send.uploads.len(), 1, "the committed mp3 is uploaded");
    assert!(send.violations.is_empty(), "{:?}", send.violations);
    let (html, labels) = expected(
        &Tree::Shipped.content(),
        "en",
        Input::Start {
            payload: Some("cpr-metronome"),
        },
    );
    let shown = telegram.last_bot_message(&chat).unwrap();
    assert_eq!(shown.media.as_ref().map(|(kind, _)| kind.as_str()), Some("audio"));
    assert_eq!(shown.text, html, "the page is the caption, numbers included");
    assert!(shown.text.contains("112"));
    assert_eq!(shown.labels(), labels);
    finish(&telegram, bot).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn media_is_uploaded_once_then_sent_by_file_id() {
    let telegram = FakeTelegram::start().await;
    let bot = start_bot(&telegram, Tree::Fixture, &[], &[]).await;
    let (user, chat) = (alice(), TestChat::private(&alice()));
    telegram.send_text(&chat, &user, "/start photo-page");
    answered(&telegram, "the first photo", |r| count(r, "sendPhoto") == 1).await;
    telegram.send_text(&chat, &user, "/start photo-page");
    answered(&telegram, "the second photo", |r| count(r, "sendPhoto") == 2).await;
    let sends = telegram.requests_of("sendPhoto");
    assert_eq!(sends[0].uploads.len(), 1, "the first send uploads the file");
    assert!(sends[0].params["photo"].as_str().unwrap().starts_with("attach://"));
    assert!(sends[1].uploads.is_empty(), "the second reuses Telegram's file_id");
    assert_eq!(sends[1].params["photo"], "fake-photo-1");
    let shown = telegram.last_bot_message(&chat).unwrap();
    assert_eq!(shown.media, Some(("photo".to_owned(), "fake-photo-1".to_owned())));
    assert!(
        shown.text.starts_with("<b>Photo</b>"),
        "the page text is the caption: {}",
        shown.text
    );
    finish(&telegram, bot).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rate_limits_and_edit_failures_are_handled() {
    let (telegram, bot) = shipped_bot().await;
    let (user, chat) = (alice(), TestChat::private(&alice()));
    telegram.send_text(&chat, &user, "/start");
    answered(&telegram, "the main menu", |r| count(r, "sendMessage") == 1).await;

    // 429 on the edit and on the callback answer: both retried after the wait.
    telegram.fail_next("editMessageText", Fault::RetryAfter(1));
    telegram.fail_next("answerCallbackQuery", Fault::RetryAfter(1));
    telegram.press(&chat, &user, "Naloxone").unwrap();
    answered(&telegram, "the edit after 429", |r| count(r, "editMessageText") == 1).await;
    let edits = telegram.requests_of("editMessageText");
    assert_eq!(edits.len(), 2);
    assert!(
        edits[1].at.duration_since(edits[0].at) >= Duration::from_millis(950),
        "waited retry_after"
    );
    assert_eq!(count(&telegram.requests(), "answerCallbackQuery"), 1);
    assert!(
        telegram
            .last_bot_message(&chat)
            .unwrap()
            .text
            .starts_with("<b>Naloxone</b>")
    );

    // "message is not modified" is success: nothing else is sent.
    telegram.fail_next("editMessageText", Fault::NotModified);
    telegram.press(&chat, &user, "CPR step by step").unwrap();
    answered(&telegram, "the not-modified edit", |r| {
        r.iter().filter(|x| x.method == "editMessageText").count() == 3
    })
    .await;

    // A message that cannot be edited any more: the screen is sent anew.
    // (Its answer is also the sentinel of the step above: the chat's taps
    // are handled in order, so a message the not-modified edit had sent
    // would have come first.)
    telegram.fail_next("editMessageText", Fault::MessageToEditNotFound);
    telegram.press(&chat, &user, "CPR step by step").unwrap();
    answered(&telegram, "a new message", |r| count(r, "sendMessage") >= 2).await;
    assert_eq!(
        count(&telegram.requests(), "sendMessage"),
        2,
        "the not-modified edit sent nothing; the lost message was sent anew once"
    );
    assert!(
        telegram
            .last_bot_message(&chat)
            .unwrap()
            .text
            .starts_with("<b>CPR step by step</b>")
    );
    finish(&telegram, bot).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_blocked_or_slow_chat_never_stalls_another() {
    let (telegram, bot) = shipped_bot().await;
    let blocked = TestUser::new(5550010, "Blocked", None, Some("en"));
    let slow = TestUser::new(5550011, "Slow", None, Some("en"));
    let other = TestUser::new(5550012, "Other", None, Some("en"));

    telegram.fail_next("sendMessage", Fault::BotBlocked);
    telegram.send_text(&TestChat::private(&blocked), &blocked, "/start");
    telegram.wait_for_calls("sendMessage", 1, STEP_TIMEOUT).await.unwrap();

    // The slow chat's answer is held until the other person is answered.
    telegram.fail_next("sendMessage", Fault::Held);
    telegram.send_text(&TestChat::private(&slow), &slow, "/start");
    telegram.wait_for_calls("sendMessage", 2, STEP_TIMEOUT).await.unwrap();
    telegram.send_text(&TestChat::private(&other), &other, "/start");
    answered(&telegram, "the other person's answer", |r| {
        r.iter()
            .any(|x| x.method == "sendMessage" && x.params["chat_id"] == other.id)
    })
    .await;
    assert!(
        telegram.last_bot_message(&TestChat::private(&slow)).is_none(),
        "the other chat was answered first"
    );
    telegram.release_held();
    answered(&telegram, "the slow answer", |_| {
        telegram.last_bot_message(&TestChat::private(&slow)).is_some()
    })
    .await;

    let to_blocked = telegram
        .requests_of("sendMessage")
        .iter()
        .filter(|r| r.params["chat_id"] == blocked.id)
        .count();
    assert_eq!(to_blocked, 1, "a blocked chat is not retried");
    let logs = finish(&telegram, bot).await;
    assert!(logs.contains("recipient gone"), "{logs}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dropped_connections_are_retried() {
    let (telegram, bot) = shipped_bot().await;
    let (user, chat) = (alice(), TestChat::private(&alice()));
    telegram.fail_next("sendMessage", Fault::DropConnection(Duration::from_millis(10)));
    telegram.send_text(&chat, &user, "/start");
    answered(&telegram, "the answer after a dropped connection", |r| {
        count(r, "sendMessage") == 1
    })
    .await;
    assert_eq!(telegram.requests_of("sendMessage").len(), 2, "one dropped, one retried");
    assert!(telegram.last_bot_message(&chat).is_some());
    finish(&telegram, bot).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn logs_never_name_the_person_or_what_they_wrote() {
    let (telegram, bot) = shipped_bot().await;
    let user = TestUser::new(9081726354, "Zinaida", Some("zina_secret_handle"), Some("ru"));
    let chat = TestChat::private(&user);
    let secret = "мой друг Пётр посинел";
    telegram.send_text(&chat, &user, "/start");
    telegram.send_text(&chat, &user, secret);
    telegram.send_voice(&chat, &user);
    telegram.inline_query(&user, "налоксон срочно");
    answered(&telegram, "three answers", |r| count(r, "sendMessage") == 3).await;
    telegram.press(&chat, &user, "Налоксон").unwrap();
    answered(&telegram, "the edit", |r| {
        count(r, "editMessageText") >= 1 && count(r, "answerInlineQuery") == 1
    })
    .await;
    let logs = finish(&telegram, bot).await;
    assert!(logs.contains("answered"), "the session was logged at all: {logs}");
    for private in [
        "9081726354",
        "Zinaida",
        "zina_secret_handle",
        "Пётр",
        "посинел",
        "налоксон срочно",
    ] {
        assert!(
            !crate::support::mentions(&logs, private),
            "the logs contain {private:?}:\n{logs}"
        );
    }
    assert!(
        !logs.contains('\x1b'),
        "no colour codes when the log is not a terminal:\n{logs}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn missing_or_rejected_tokens_are_one_line_errors() {
    let telegram = FakeTelegram::start().await;
    let bot = crate::support::spawn(telegram.url(), String::new(), Tree::Shipped, &[], &[]);
    let (code, logs) = bot.finish().await;
    assert_eq!(code, 2);
    assert!(
        logs.ends_with("error: TELOXIDE_TOKEN is not set: create a bot with @BotFather and export its token\n"),
        "{logs}"
    );

    let bot = crate::support::spawn(telegram.url(), "999:WRONG".to_owned(), Tree::Shipped, &[], &[]);
    let (code, logs) = bot.finish().await;
    assert_eq!(code, 2);
    assert!(
        logs.ends_with("error: Telegram rejected the bot token (check TELOXIDE_TOKEN)\n"),
        "{logs}"
    );
}

/// `/proc/<pid>/cmdline` is readable by every user on the machine.
#[test]
fn the_webhook_secret_is_never_a_command_line_flag() {
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_overdose-bot"))
        .args(["serve", "--webhook-secret", "s3cret"])
        .env_remove("OVERDOSE_BOT_WEBHOOK_SECRET")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("unexpected argument '--webhook-secret'"), "{stderr}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn webhook_mode_refuses_requests_without_the_secret() {
    let telegram = FakeTelegram::start().await;
    let listen = crate::support::free_address();
    let url = format!("http://{listen}/telegram");
    let secret = "s3cret-token_value";
    // From a file: a flag would show the secret to every user in /proc.
    let secret_dir = crate::support::TempDir::new();
    let secret_file = secret_dir.path().join("webhook.secret");
    std::fs::write(&secret_file, format!("{secret}\n")).unwrap();
    let bot = start_bot(
        &telegram,
        Tree::Shipped,
        &[
            "--webhook-url",
            &url,
            "--listen",
            &listen,
            "--webhook-secret-file",
            secret_file.to_str().unwrap(),
        ],
        &[],
    )
    .await;
    telegram.wait_for_calls("setWebhook", 1, STEP_TIMEOUT).await.unwrap();
    let registered = &telegram.requests_of("setWebhook")[0].params;
    assert_eq!(registered["url"], url);
    assert_eq!(registered["secret_token"], secret);
    assert_eq!(
        registered["allowed_updates"],
        serde_json::json!(["message", "edited_message", "callback_query", "inline_query"]),
        "only the updates the bot reads"
    );

    let user = alice();
    let update = serde_json::json!({ "update_id": 1, "message": {
        "message_id": 1, "date": 1_700_000_000, "chat": { "id": user.id, "type": "private", "first_name": "Alice" },
        "from": user.json(), "text": "/start", "entities": [{ "type": "bot_command", "offset": 0, "length": 6 }] } });
    let without = post(&listen, "/telegram", None, &update.to_string()).await;
    assert!(without.starts_with("HTTP/1.1 401"), "{without}");
    let wrong = post(&listen, "/telegram", Some("guess"), &update.to_string()).await;
    assert!(wrong.starts_with("HTTP/1.1 401"), "{wrong}");
    // The accepted update is the sentinel: the same chat's updates are
    // handled in order, so had a refused one been handled, its answer would
    // have come first.
    let with = post(&listen, "/telegram", Some(secret), &update.to_string()).await;
    assert!(with.starts_with("HTTP/1.1 200"), "{with}");
    telegram.wait_for_calls("sendMessage", 1, STEP_TIMEOUT).await.unwrap();
    assert_eq!(
        count(&telegram.requests(), "sendMessage"),
        1,
        "refused updates are not handled"
    );
    assert!(
        telegram
            .last_bot_message(&TestChat::private(&user))
            .unwrap()
            .text
            .starts_with("<b>Overdose help</b>")
    );
    finish(&telegram, bot).await;
    assert!(
        telegram.requests_of("deleteWebhook").is_empty(),
        "stopping one replica leaves the webhook to the others"
    );
}

/// A bare HTTP/1.1 POST, to play Telegram delivering a webhook.
async fn post(address: &str, path: &str, secret: Option<&str>, body: &str) -> String {
    let secret = secret
        .map(|s| format!("X-Telegram-Bot-Api-Secret-Token: {s}\r\n"))
        .unwrap_or_default();
    let request = format!(
        "POST {path} HTTP/1.1\r\nHost: {address}\r\nContent-Type: application/json\r\n{secret}Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    crate::support::http_exchange(address, &request).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refuses_to_serve_content_with_errors() {
    let telegram = FakeTelegram::start().await;
    let bot = crate::support::spawn(telegram.url(), telegram.token().to_owned(), Tree::Broken, &[], &[]);
    let (code, logs) = bot.finish().await;
    assert_eq!(code, 1);
    assert!(
        logs.contains("error[E0004]: button to unknown node `cpr-step`"),
        "{logs}"
    );
    assert!(telegram.requests().is_empty(), "nothing reaches Telegram");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shutdown_finishes_the_updates_in_flight() {
    let (telegram, bot) = shipped_bot().await;
    let (user, chat) = (alice(), TestChat::private(&alice()));
    telegram.fail_next("sendMessage", Fault::Delay(Duration::from_secs(2)));
    telegram.send_text(&chat, &user, "/start");
    telegram.wait_for_calls("sendMessage", 1, STEP_TIMEOUT).await.unwrap();
    // SIGTERM while the answer is still on its way: it must arrive, then the bot exits 0.
    finish(&telegram, bot).await;
    assert!(
        telegram.last_bot_message(&chat).is_some(),
        "the answer in flight was delivered"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn edited_messages_are_answered_like_new_ones() {
    let (telegram, bot) = shipped_bot().await;
    let content = Tree::Shipped.content();
    let (user, chat) = (alice(), TestChat::private(&alice()));
    telegram.send_text(&chat, &user, "weather");
    answered(&telegram, "the first answer", |r| count(r, "sendMessage") == 1).await;
    let written = telegram.chat(&chat)[0].message_id;
    telegram.edit_text(&chat, &user, written, "naloxone");
    answered(&telegram, "the answer to the edit", |r| count(r, "sendMessage") == 2).await;
    let shown = telegram.last_bot_message(&chat).unwrap();
    assert_eq!(
        (shown.text.clone(), shown.labels()),
        expected(&content, "en", Input::Text { text: "naloxone" })
    );
    finish(&telegram, bot).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sighup_reloads_content_and_a_broken_reload_keeps_the_last_good() {
    let scratch = crate::support::shipped_copy();
    let dir = scratch.path();
    let telegram = FakeTelegram::start().await;
    let bot = crate::support::start_bot_in(&telegram, dir, &[], &[]).await;
    let (user, chat) = (alice(), TestChat::private(&alice()));
    let start = dir.join("start.yaml");
    let original = std::fs::read_to_string(&start).unwrap();

    std::fs::write(&start, original.replace("en: Overdose help", "en: Overdose help now")).unwrap();
    bot.signal("HUP");
    bot.wait_for_log("content reloaded").await;
    telegram.send_text(&chat, &user, "/start");
    answered(&telegram, "the reloaded menu", |r| count(r, "sendMessage") == 1).await;
    assert!(
        telegram
            .last_bot_message(&chat)
            .unwrap()
            .text
            .starts_with("<b>Overdose help now</b>")
    );

    std::fs::write(dir.join("broken.yaml"), "- id: broken\n  title: { en: [\n").unwrap();
    bot.signal("HUP");
    bot.wait_for_log("content reload rejected").await;
    telegram.send_text(&chat, &user, "/start");
    answered(&telegram, "the menu after a broken reload", |r| {
        count(r, "sendMessage") == 2
    })
    .await;
    assert!(
        telegram
            .last_bot_message(&chat)
            .unwrap()
            .text
            .starts_with("<b>Overdose help now</b>")
    );
    let logs = finish(&telegram, bot).await;
    assert!(logs.contains("error[E0002]"), "the rejected reload says why: {logs}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn metrics_and_health_endpoints_name_no_user() {
    let telegram = FakeTelegram::start().await;
    let address = crate::support::free_address();
    let bot = start_bot(&telegram, Tree::Shipped, &["--metrics", &address], &[]).await;
    let user = TestUser::new(4242424242, "Metrika", Some("metrics_person"), Some("en"));
    let chat = TestChat::private(&user);
    telegram.send_text(&chat, &user, "/start");
    answered(&telegram, "the menu", |r| count(r, "sendMessage") == 1).await;
    telegram.press(&chat, &user, "Naloxone").unwrap();
    answered(&telegram, "the edit", |r| count(r, "editMessageText") == 1).await;

    assert!(
        crate::support::http_get(&address, "/healthz")
            .await
            .starts_with("HTTP/1.1 200")
    );
    assert!(
        crate::support::http_get(&address, "/readyz")
            .await
            .starts_with("HTTP/1.1 200")
    );
    let content = Tree::Shipped.content();
    let expected = [
        "overdose_bot_updates_total{kind=\"message\"} 1".to_owned(),
        "overdose_bot_updates_total{kind=\"callback_query\"} 1".to_owned(),
        "overdose_bot_screens_total{node=\"start\"} 1".to_owned(),
        "overdose_bot_screens_total{node=\"naloxone\"} 1".to_owned(),
        "overdose_bot_deliveries_total{outcome=\"sent\"} 1".to_owned(),
        "overdose_bot_deliveries_total{outcome=\"edited\"} 1".to_owned(),
        format!("overdose_bot_content_version{{version=\"{}\"}} 1", content.version()),
        "overdose_bot_handler_latency_seconds_count 2".to_owned(),
    ];
    // The bot counts an update once Telegram has answered its last request,
    // a moment after the fake has seen that request.
    let deadline = tokio::time::Instant::now() + STEP_TIMEOUT;
    let metrics = loop {
        let metrics = crate::support::http_get(&address, "/metrics").await;
        if expected.iter().all(|line| metrics.contains(line)) || tokio::time::Instant::now() > deadline {
            break metrics;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    for line in &expected {
        assert!(metrics.contains(line), "missing `{line}` in:\n{metrics}");
    }
    for private in ["4242424242", "Metrika", "metrics_person"] {
        assert!(!metrics.contains(private), "metrics contain {private}");
    }
    finish(&telegram, bot).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn edited_content_files_are_reloaded_without_a_signal() {
    let scratch = crate::support::shipped_copy();
    let dir = scratch.path();
    let telegram = FakeTelegram::start().await;
    let bot = crate::support::start_bot_in(&telegram, dir, &[], &[]).await;
    let (user, chat) = (alice(), TestChat::private(&alice()));
    let start = dir.join("start.yaml");
    let original = std::fs::read_to_string(&start).unwrap();
    std::fs::write(
        &start,
        original.replace("en: Overdose help", "en: Overdose help, edited"),
    )
    .unwrap();
    bot.wait_for_log("content reloaded").await;
    assert!(bot.logs().contains("FileChange"), "{}", bot.logs());
    telegram.send_text(&chat, &user, "/start");
    answered(&telegram, "the edited menu", |r| count(r, "sendMessage") == 1).await;
    assert!(
        telegram
            .last_bot_message(&chat)
            .unwrap()
            .text
            .starts_with("<b>Overdose help, edited</b>")
    );
    finish(&telegram, bot).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn user_text_and_names_are_never_rendered_into_answers() {
    let (telegram, bot) = shipped_bot().await;
    let user = TestUser::new(5550099, "<b>Eve</b>", Some("eve_attacker"), Some("en"));
    let chat = TestChat::private(&user);
    let attack = "<a href=\"tg://x\">naloxone</a> & <script>";
    telegram.send_text(&chat, &user, attack);
    telegram.send_text(&chat, &user, "/start <b>bold</b>");
    answered(&telegram, "two answers", |r| count(r, "sendMessage") == 2).await;
    for answer in telegram.chat(&chat).into_iter().filter(|m| m.from_bot) {
        for leaked in ["<script>", "tg://x", "Eve", "eve_attacker", "<b>bold</b>"] {
            assert!(
                !answer.text.contains(leaked),
                "the answer contains {leaked:?}: {}",
                answer.text
            );
        }
    }
    finish(&telegram, bot).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn server_errors_from_telegram_are_retried() {
    let (telegram, bot) = shipped_bot().await;
    let (user, chat) = (alice(), TestChat::private(&alice()));
    // teloxide itself waits 10 s after any 5xx before reporting it; then we retry.
    telegram.fail_next("sendMessage", Fault::ServerError);
    telegram.send_text(&chat, &user, "/start");
    telegram
        .wait_for("the answer after a 500", Duration::from_secs(25), |r| {
            count(r, "sendMessage") == 1
        })
        .await
        .unwrap();
    assert_eq!(
        telegram.requests_of("sendMessage").len(),
        2,
        "one 500 survived, then delivered"
    );
    assert!(
        telegram
            .last_bot_message(&chat)
            .unwrap()
            .text
            .starts_with("<b>Overdose help</b>")
    );
    finish(&telegram, bot).await;
}

/// An update teloxide cannot read (here a message without its chat) is
/// skipped: the bot goes on with the next one and logs only that it
/// skipped one, never the update, which would carry a person's words.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unreadable_update_is_skipped_without_its_words_in_the_logs() {
    let (telegram, bot) = shipped_bot().await;
    let alice = alice();
    let chat = TestChat::private(&alice);
    telegram.push_update(serde_json::json!({
        "message": { "message_id": 77, "date": 1_700_000_000, "text": "my dealer Sergei on Sadovaya" }
    }));
    telegram.send_text(&chat, &alice, "/start");
    answered(&telegram, "the menu after the unreadable update", |requests| {
        requests
            .iter()
            .any(|r| r.method == "sendMessage" && r.params["chat_id"] == chat.id)
    })
    .await;
    let logs = finish(&telegram, bot).await;
    assert!(logs.contains("an update teloxide cannot read was skipped"), "{logs}");
    assert!(!logs.contains("Sadovaya") && !logs.contains("Sergei"), "{logs}");
}
