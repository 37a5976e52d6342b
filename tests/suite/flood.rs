//! Fairness through the fake Bot API: one person flooding the bot (a
//! forward of many messages at once, taps in quick succession, commands in
//! a group) must not hold up anyone else. The assertions are about order
//! and counts, never about how long something took: the other person is
//! answered while the flood is still unanswered, and every flooded update
//! is either answered or counted as coalesced.

use std::time::Duration;

use crate::support::{Tree, expected, finish, free_address, start_bot};
use overdose_bot::engine::Input;
use telegram_fake::{FakeTelegram, Recorded, STEP_TIMEOUT, TestChat, TestUser};

/// Updates the flooding person sends at once: more than teloxide's
/// per-chat queue (64) and more than one getUpdates answer (100).
const FLOOD: usize = 150;

/// Enough for a paced backlog of a few messages a second to drain.
const SETTLE: Duration = Duration::from_secs(60);

fn person(id: i64, name: &str) -> (TestUser, TestChat) {
    let user = TestUser::new(id, name, None, Some("en"));
    let chat = TestChat::private(&user);
    (user, chat)
}

/// Requests that put a screen into `chat`.
fn answers_in(requests: &[Recorded], chat: i64) -> Vec<&Recorded> {
    requests
        .iter()
        .filter(|r| r.method == "sendMessage" && r.params["chat_id"] == chat && r.fault.is_none())
        .collect()
}

/// The flooded texts: many searches, the last one for naloxone.
fn flood_text(n: usize) -> String {
    if n + 1 == FLOOD {
        "naloxone".to_owned()
    } else {
        format!("message {n} of a forwarded conversation")
    }
}

/// Waits until the other person's main menu arrives, then returns how many
/// of the flooding chat's updates were answered at that moment.
async fn answered_flood_when_other_is_answered(telegram: &FakeTelegram, flooder: i64, other: &TestChat) -> usize {
    telegram
        .wait_for("the other person's main menu", STEP_TIMEOUT, |requests| {
            !answers_in(requests, other.id).is_empty()
        })
        .await
        .unwrap_or_else(|e| {
            let flood = answers_in(&telegram.requests(), flooder).len();
            panic!("{e}: the flood held the other person up ({flood} of {FLOOD} flooded updates answered)")
        });
    answers_in(&telegram.requests(), flooder).len()
}

/// The value of the counter `line` (`name{labels}`) on `/metrics`.
async fn counter(address: &str, line: &str) -> u64 {
    get(address, "/metrics")
        .await
        .lines()
        .find_map(|l| l.strip_prefix(line).and_then(|v| v.trim().parse().ok()))
        .unwrap_or(0)
}

/// Waits until each of the `sent` updates of `kind` from `chat` was either
/// answered (as `answered` counts them) or coalesced; returns both counts.
async fn accounted_for(
    telegram: &FakeTelegram,
    metrics: &str,
    kind: &str,
    sent: u64,
    answered: impl Fn(&[Recorded]) -> u64,
) -> (u64, u64) {
    let line = format!("overdose_bot_updates_coalesced_total{{kind=\"{kind}\"}}");
    let deadline = tokio::time::Instant::now() + SETTLE;
    loop {
        let answered = answered(&telegram.requests());
        let coalesced = counter(metrics, &line).await;
        if answered + coalesced >= sent || tokio::time::Instant::now() > deadline {
            return (answered, coalesced);
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

async fn get(address: &str, path: &str) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut stream = tokio::net::TcpStream::connect(address).await.unwrap();
    let request = format!("GET {path} HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\n\r\n");
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).await.unwrap();
    response
}

/// Floods from one chat, then checks that another person was answered
/// first and that each flooded update was answered or counted.
async fn flood_then_other(telegram: &FakeTelegram, metrics: &str) {
    let (flooder, flood_chat) = person(6_200_001, "Flooder");
    let (other, other_chat) = person(6_200_002, "Other");
    for n in 0..FLOOD {
        telegram.send_text(&flood_chat, &flooder, &flood_text(n));
    }
    telegram.send_text(&other_chat, &other, "/start");

    let flood_answered = answered_flood_when_other_is_answered(telegram, flood_chat.id, &other_chat).await;
    assert!(
        flood_answered < FLOOD,
        "the other person was answered only after the whole flood"
    );

    let (answered, coalesced) = accounted_for(telegram, metrics, "message", FLOOD as u64, |requests| {
        answers_in(requests, flood_chat.id).len() as u64
    })
    .await;
    assert!(coalesced > 0, "a flood is coalesced, not queued whole");
    assert_eq!(
        answered + coalesced,
        FLOOD as u64,
        "every flooded update is answered or counted as coalesced"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_flood_from_one_chat_does_not_hold_up_another_person() {
    let telegram = FakeTelegram::start().await;
    let metrics = free_address();
    let bot = start_bot(&telegram, Tree::Shipped, &["--metrics", &metrics], &[]).await;
    flood_then_other(&telegram, &metrics).await;

    // The flood's latest message is the one answered last.
    let content = Tree::Shipped.content();
    let (latest, _) = expected(&content, "en", Input::Text { text: "naloxone" });
    let flood_chat = person(6_200_001, "Flooder").1;
    assert_eq!(telegram.last_bot_message(&flood_chat).unwrap().text, latest);
    finish(&telegram, bot).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_flood_through_the_webhook_does_not_hold_up_another_person() {
    let telegram = FakeTelegram::start().await;
    let metrics = free_address();
    let listen = free_address();
    let url = format!("http://{listen}/telegram");
    let bot = start_bot(
        &telegram,
        Tree::Shipped,
        &["--webhook-url", &url, "--listen", &listen, "--metrics", &metrics],
        &[("OVERDOSE_BOT_WEBHOOK_SECRET", "flood-secret")],
    )
    .await;
    telegram.wait_for_calls("setWebhook", 1, STEP_TIMEOUT).await.unwrap();
    // Webhook deliveries run 40 at a time, in no fixed order: no "latest" here.
    flood_then_other(&telegram, &metrics).await;
    finish(&telegram, bot).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rapid_taps_are_coalesced_and_every_spinner_stops() {
    let telegram = FakeTelegram::start().await;
    let metrics = free_address();
    let bot = start_bot(&telegram, Tree::Shipped, &["--metrics", &metrics], &[]).await;
    let (tapper, chat) = person(6_200_003, "Tapper");
    let (other, other_chat) = person(6_200_004, "Other");
    telegram.send_text(&chat, &tapper, "/start");
    telegram
        .wait_for("the main menu", STEP_TIMEOUT, |r| !answers_in(r, chat.id).is_empty())
        .await
        .unwrap();
    let menu = telegram.last_bot_message(&chat).unwrap();
    let data = menu.button("Naloxone").unwrap().callback_data.clone().unwrap();
    for _ in 0..FLOOD {
        telegram.press_data(&chat, &tapper, menu.message_id, &data);
    }
    telegram.send_text(&other_chat, &other, "/start");
    telegram
        .wait_for("the other person's main menu", STEP_TIMEOUT, |r| {
            !answers_in(r, other_chat.id).is_empty()
        })
        .await
        .unwrap();

    // Every tap's spinner is stopped: by its handler, or for a coalesced tap
    // by an answer of its own.
    let (answered, coalesced) = accounted_for(&telegram, &metrics, "callback_query", FLOOD as u64, |requests| {
        let handled = requests
            .iter()
            .filter(|r| r.method == "editMessageText" && r.params["chat_id"] == chat.id)
            .count();
        handled as u64
    })
    .await;
    assert!(coalesced > 0, "rapid taps are coalesced");
    assert_eq!(answered + coalesced, FLOOD as u64);
    telegram
        .wait_for("every spinner stopped", SETTLE, |requests| {
            let stopped: std::collections::HashSet<&str> = requests
                .iter()
                .filter(|r| r.method == "answerCallbackQuery" && r.fault.is_none())
                .filter_map(|r| r.params["callback_query_id"].as_str())
                .collect();
            stopped.len() == FLOOD
        })
        .await
        .unwrap();
    assert!(
        telegram
            .last_bot_message(&chat)
            .unwrap()
            .text
            .starts_with("<b>Naloxone</b>")
    );
    finish(&telegram, bot).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn commands_in_a_group_do_not_hold_up_another_person() {
    let telegram = FakeTelegram::start().await;
    let bot = start_bot(&telegram, Tree::Shipped, &[], &[]).await;
    let member = TestUser::new(6_200_005, "Member", None, Some("en"));
    let group = TestChat::group(-100_620_000, "Friends");
    let (other, other_chat) = person(6_200_006, "Other");
    for _ in 0..3 {
        telegram.send_text(&group, &member, "/help@overdose_test_bot");
    }
    telegram
        .wait_for("the group's first answer", STEP_TIMEOUT, |r| {
            !answers_in(r, group.id).is_empty()
        })
        .await
        .unwrap();
    // Groups get a message every 3 s at most: the group's next answers are
    // now waiting for their slots.
    telegram.send_text(&other_chat, &other, "/start");
    telegram
        .wait_for("the other person's main menu", STEP_TIMEOUT, |r| {
            !answers_in(r, other_chat.id).is_empty()
        })
        .await
        .unwrap();
    let requests = telegram.requests();
    assert_eq!(
        answers_in(&requests, group.id).len(),
        1,
        "the other person was answered before the group's next slot"
    );
    telegram
        .wait_for("the group's three answers", SETTLE, |r| {
            answers_in(r, group.id).len() == 3
        })
        .await
        .unwrap();
    finish(&telegram, bot).await;
}

/// People arriving at once, as after a channel post: two seconds of
/// Telegram's overall rate.
const CROWD: i64 = 60;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn in_a_crowd_the_emergency_page_goes_before_the_waiting_menus() {
    let telegram = FakeTelegram::start().await;
    let bot = start_bot(&telegram, Tree::Shipped, &[], &[]).await;
    let crowd: Vec<(TestUser, TestChat)> = (0..CROWD).map(|n| person(6_300_000 + n, "Reader")).collect();
    for (user, chat) in &crowd {
        telegram.send_text(chat, user, "/start");
    }
    // The last to arrive describes an emergency.
    let (witness, witness_chat) = person(6_300_999, "Witness");
    telegram.send_text(&witness_chat, &witness, "not breathing");

    let (emergency_page, _) = expected(&Tree::Shipped.content(), "en", Input::Text { text: "not breathing" });
    telegram
        .wait_for("the emergency page", STEP_TIMEOUT, |requests| {
            !answers_in(requests, witness_chat.id).is_empty()
        })
        .await
        .unwrap();
    let requests = telegram.requests();
    let page = &answers_in(&requests, witness_chat.id)[0];
    assert_eq!(page.params["text"], emergency_page);
    let menus_before = requests
        .iter()
        .take_while(|r| !std::ptr::eq(*r, *page))
        .filter(|r| r.method == "sendMessage")
        .count();
    assert!(
        menus_before < CROWD as usize / 2,
        "the emergency page waited for {menus_before} of the {CROWD} menus that arrived before it"
    );
    telegram
        .wait_for("every menu of the crowd", SETTLE, |requests| {
            crowd.iter().all(|(_, chat)| !answers_in(requests, chat.id).is_empty())
        })
        .await
        .unwrap();
    finish(&telegram, bot).await;
}

/// A crowd whose answers take three seconds of Telegram's overall rate,
/// so that they are still being sent when the witness writes.
const BURST: i64 = 150;

/// The crowd writes; once its first menu is sent, the witness describes an
/// emergency. Returns how many of the crowd's menus were sent between the
/// witness's message and the emergency page, and the witness's update id.
async fn witness_during_a_burst(telegram: &FakeTelegram, first_id: i64) -> (usize, i64) {
    let crowd: Vec<(TestUser, TestChat)> = (0..BURST).map(|n| person(first_id + n, "Reader")).collect();
    let in_crowd = |chat: &serde_json::Value| crowd.iter().any(|(_, c)| *chat == c.id);
    for (user, chat) in &crowd {
        telegram.send_text(chat, user, "/start");
    }
    telegram
        .wait_for("the burst's first menu", STEP_TIMEOUT, |requests| {
            requests
                .iter()
                .any(|r| r.method == "sendMessage" && in_crowd(&r.params["chat_id"]))
        })
        .await
        .unwrap();
    let (witness, witness_chat) = person(first_id + 999, "Witness");
    let sent_before = telegram.requests().len();
    let witness_update = telegram.send_text(&witness_chat, &witness, "not breathing");

    telegram
        .wait_for("the emergency page", STEP_TIMEOUT, |requests| {
            !answers_in(requests, witness_chat.id).is_empty()
        })
        .await
        .unwrap();
    let requests = telegram.requests();
    let page = answers_in(&requests, witness_chat.id)[0];
    let (emergency_page, _) = expected(&Tree::Shipped.content(), "en", Input::Text { text: "not breathing" });
    assert_eq!(page.params["text"], emergency_page);
    let menus_between = requests[sent_before..]
        .iter()
        .take_while(|r| !std::ptr::eq(*r, page))
        .filter(|r| r.method == "sendMessage" && in_crowd(&r.params["chat_id"]))
        .count();
    telegram
        .wait_for("every menu of the crowd", SETTLE, |requests| {
            crowd.iter().all(|(_, chat)| !answers_in(requests, chat.id).is_empty())
        })
        .await
        .unwrap();
    (menus_between, witness_update)
}

/// The stall this guards against: teloxide's dispatcher awaited a handler
/// waiting for its pacer slot, and no getUpdates went out for seconds while
/// a crowd's answers were paced, so an emergency written meanwhile was not
/// even read (the previous test failed with "waited for 35 of the 60").
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn updates_keep_being_fetched_while_a_paced_burst_is_sent() {
    let telegram = FakeTelegram::start().await;
    let bot = start_bot(&telegram, Tree::Shipped, &[], &[]).await;
    let (menus_between, witness_update) = witness_during_a_burst(&telegram, 6_400_000).await;
    assert!(
        menus_between < BURST as usize / 5,
        "the emergency page waited for {menus_between} of the crowd's menus"
    );
    // The bot asked for the updates after the witness's while the crowd's
    // menus were still going out.
    let requests = telegram.requests();
    let last_menu = requests.iter().rposition(|r| r.method == "sendMessage").unwrap();
    assert!(
        requests[..last_menu]
            .iter()
            .any(|r| r.method == "getUpdates" && r.params["offset"].as_i64() > Some(witness_update)),
        "no getUpdates after the witness's update before the burst was sent"
    );
    finish(&telegram, bot).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn through_the_webhook_an_emergency_during_a_paced_burst_is_not_held_up() {
    let telegram = FakeTelegram::start().await;
    let listen = free_address();
    let url = format!("http://{listen}/telegram");
    let bot = start_bot(
        &telegram,
        Tree::Shipped,
        &["--webhook-url", &url, "--listen", &listen],
        &[("OVERDOSE_BOT_WEBHOOK_SECRET", "burst-secret")],
    )
    .await;
    telegram.wait_for_calls("setWebhook", 1, STEP_TIMEOUT).await.unwrap();
    let (menus_between, _) = witness_during_a_burst(&telegram, 6_500_000).await;
    assert!(
        menus_between < BURST as usize / 5,
        "the emergency page waited for {menus_between} of the crowd's menus"
    );
    finish(&telegram, bot).await;
}
