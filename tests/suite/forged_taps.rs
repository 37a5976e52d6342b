//! Taps and links outside private chats, through the fake Bot API. The bot
//! puts only case buttons into shared chats (and only into duty chats), so
//! any other tap there is forged: it gets its spinner stopped and nothing
//! else. An empty keyboard is not a menu, feedback edits only the question
//! that asked for it, and `/start` payloads are read in private chats only.
//! Negative checks wait for a sentinel: the refused tap's own answer, or a
//! later update's reply.

use crate::support::{TempDir, Tree, finish, from_bot, nth_answer, start_bot, start_bot_with_line, write_roster};
use overdose_bot::engine::{self, CallbackData, Duties, Input};
use telegram_fake::{FakeTelegram, Recorded, STEP_TIMEOUT, TestChat, TestUser};

/// Waits until the tap on the update `update` is answered; returns the
/// answer's pop-up text, if any.
async fn tap_answered(telegram: &FakeTelegram, update: i64) -> Option<String> {
    let id = format!("cb-{update}");
    let answered = |requests: &[Recorded]| {
        requests
            .iter()
            .find(|r| r.method == "answerCallbackQuery" && r.params["callback_query_id"] == id.as_str())
            .map(|r| r.params["text"].as_str().map(str::to_owned))
    };
    telegram
        .wait_for("the tap's answer", STEP_TIMEOUT, |requests| {
            answered(requests).is_some()
        })
        .await
        .unwrap();
    answered(&telegram.requests()).flatten()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn in_a_switched_off_group_forged_taps_and_start_links_change_and_post_nothing() {
    let telegram = FakeTelegram::start().await;
    let bot = start_bot(&telegram, Tree::Shipped, &[], &[]).await;
    let group = TestChat::group(-100_640_001, "Friends");
    let member = TestUser::new(6_400_001, "Member", None, Some("en"));
    let admin = TestUser::new(6_400_002, "Admin", None, Some("en"));
    telegram.make_admin(&group, &admin);
    telegram.send_text(&group, &member, "/bus");
    let short = nth_answer(&telegram, &group, 1).await;
    telegram.send_text(&group, &admin, "/bot_off");
    let off = nth_answer(&telegram, &group, 2).await;
    assert!(off.text.starts_with("The bot is off in this group"), "{}", off.text);

    let content = Tree::Shipped.content();
    let en = content.locale_by_code("en").unwrap();
    let main_menu = CallbackData {
        version: content.version_tag(),
        locale: *b"en",
        target: content.node(content.root()).key(),
        crumbs: Vec::new(),
    }
    .encode();
    let emergency = engine::handle_with(&content, &Duties::default(), en, Input::Text { text: "not breathing" });
    let gave_naloxone = emergency
        .buttons
        .iter()
        .flatten()
        .find(|b| b.label.contains("I gave naloxone"))
        .expect("the emergency page offers the companion")
        .data
        .clone();
    // "Write your question" without a roster: no line explains, so nothing
    // may answer it in the group.
    let ask = format!("A{main_menu}");
    let mut toasts = Vec::new();
    for data in [&main_menu, &gave_naloxone, &ask, "Fy", "Wsomething"] {
        let update = telegram.press_data(&group, &member, short.message_id, data);
        toasts.push((data, tap_answered(&telegram, update).await));
    }
    // `/start` with a follow-up payload: read in private chats only.
    telegram.send_text(&group, &member, "/start WAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
    // The sentinel: the member's updates are handled before it.
    telegram.send_text(&group, &admin, "/bot_on");
    telegram
        .wait_for("the bot turned on", STEP_TIMEOUT, |_| {
            from_bot(&telegram, &group)
                .iter()
                .any(|m| m.text.starts_with("The bot is on again"))
        })
        .await
        .unwrap();
    let short_now = telegram
        .chat(&group)
        .into_iter()
        .find(|m| m.message_id == short.message_id)
        .unwrap();
    assert_eq!(
        short_now.text, short.text,
        "the short answer was not turned into a menu"
    );
    assert_eq!(short_now.buttons, short.buttons);
    assert!(
        telegram.requests_of("editMessageText").is_empty(),
        "nothing in the group was edited"
    );
    let answers: Vec<String> = from_bot(&telegram, &group).into_iter().map(|m| m.text).collect();
    assert_eq!(
        answers.len(),
        3,
        "the short answer, off and on, nothing else: {answers:#?}"
    );
    for (data, toast) in toasts {
        assert_eq!(toast, None, "{data}: a bare answer");
    }
    finish(&telegram, bot).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_forged_feedback_tap_on_a_case_card_leaves_the_card_and_its_buttons() {
    let telegram = FakeTelegram::start().await;
    let dir = TempDir::new();
    let roster = write_roster(dir.path(), true);
    let bot = start_bot_with_line(&telegram, dir.path(), &roster, &[]).await;
    let person = TestUser::new(6_400_101, "Alice", None, Some("en"));
    let person_chat = TestChat::private(&person);
    let doctor = TestUser::new(7_001, "Anna Ivanova", None, Some("en"));
    let doctor_chat = TestChat::private(&doctor);
    telegram.send_text(&person_chat, &person, "/start ask-doctor");
    nth_answer(&telegram, &person_chat, 1).await;
    telegram.press(&person_chat, &person, "✍️ Write your question").unwrap();
    let prompt = nth_answer(&telegram, &person_chat, 2).await;
    assert!(prompt.force_reply);
    telegram.reply_text(&person_chat, &person, prompt.message_id, "Is it safe to sleep?");
    let card = nth_answer(&telegram, &doctor_chat, 1).await;
    assert_eq!(card.labels(), ["🙋 Take", "✅ Resolve"]);

    telegram.press_data(&doctor_chat, &doctor, card.message_id, "Fy");
    // The sentinel: the doctor's next update is handled after the tap.
    telegram.send_text(&doctor_chat, &doctor, "/oncall");
    telegram
        .wait_for("the duty table", STEP_TIMEOUT, |_| {
            from_bot(&telegram, &doctor_chat)
                .iter()
                .any(|m| m.text.contains("On duty now"))
        })
        .await
        .unwrap_or_else(|e| panic!("{e}: {:#?}", telegram.chat(&doctor_chat)));
    let card_now = telegram
        .chat(&doctor_chat)
        .into_iter()
        .find(|m| m.message_id == card.message_id)
        .unwrap();
    assert_eq!(card_now.text, card.text, "the card is not overwritten");
    assert_eq!(card_now.labels(), ["🙋 Take", "✅ Resolve"], "Take and Resolve stay");
    finish(&telegram, bot).await;
}
