//! Shared chats through the fake Bot API: in a group or the duty chat each
//! sender waits in a lane of their own, so one member's burst never
//! displaces another member's update. An emergency said to the bot goes
//! before commands that arrived earlier; a doctor's answer is never lost
//! among a stranger's replies, and the stranger is told off once.

use crate::support::{DUTY_CHAT, TempDir, Tree, finish, from_bot, start_bot, start_bot_with_line, write_roster};
use overdose_bot::engine::{self, GroupAsk};
use telegram_fake::{FakeTelegram, STEP_TIMEOUT, TestChat, TestUser};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_emergency_in_a_group_goes_before_another_members_burst_of_commands() {
    let telegram = FakeTelegram::start().await;
    let bot = start_bot(&telegram, Tree::Shipped, &[], &[]).await;
    let group = TestChat::group(-100_630_001, "Friends");
    let joker = TestUser::new(6_300_101, "Joker", None, Some("en"));
    let friend = TestUser::new(6_300_102, "Friend", None, Some("ru"));
    let said = "он не дышит, что делать";
    for n in 0..12 {
        if n == 6 {
            telegram.send_text(&group, &friend, &format!("@overdose_test_bot {said}"));
        }
        telegram.send_text(&group, &joker, "/bus");
    }
    let content = Tree::Shipped.content();
    let ru = content.locale_by_code("ru").unwrap();
    let emergency = engine::group_answer(&content, ru, GroupAsk::Mention { text: said });
    assert_eq!(emergency.node, content.emergency());
    telegram
        .wait_for("the emergency answer in the group", STEP_TIMEOUT, |_| {
            from_bot(&telegram, &group)
                .iter()
                .any(|m| m.text == emergency.text.html)
        })
        .await
        .unwrap_or_else(|e| {
            panic!(
                "{e}: {} answers, none of them the emergency",
                from_bot(&telegram, &group).len()
            )
        });
    let answers = from_bot(&telegram, &group);
    let at = answers.iter().position(|m| m.text == emergency.text.html).unwrap();
    assert!(at <= 1, "the emergency waited for {at} answers to /bus");
    finish(&telegram, bot).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_doctors_answer_is_never_lost_among_a_strangers_replies_who_is_told_once() {
    let telegram = FakeTelegram::start().await;
    let dir = TempDir::new();
    let roster = write_roster(dir.path(), false);
    let bot = start_bot_with_line(&telegram, dir.path(), &roster, &[]).await;
    let person = TestUser::new(5_550_001, "Alice", None, Some("en"));
    let person_chat = TestChat::private(&person);
    let duty = TestChat::group(DUTY_CHAT, "Duty team");
    let doctor = TestUser::new(7_001, "Anna Ivanova", None, Some("en"));
    let stranger = TestUser::new(8_888, "Mallory", None, Some("en"));

    // After hours: the question waits in the duty chat.
    telegram.send_text(&person_chat, &person, "/start ask-doctor");
    telegram
        .wait_for("the ask screen", STEP_TIMEOUT, |_| {
            telegram
                .chat(&person_chat)
                .iter()
                .any(|m| m.button("✍️ Write your question").is_some())
        })
        .await
        .unwrap();
    telegram.press(&person_chat, &person, "✍️ Write your question").unwrap();
    telegram
        .wait_for("the prompt", STEP_TIMEOUT, |_| {
            telegram.chat(&person_chat).iter().any(|m| m.force_reply)
        })
        .await
        .unwrap();
    let prompt = telegram
        .chat(&person_chat)
        .into_iter()
        .rev()
        .find(|m| m.force_reply)
        .unwrap();
    telegram.reply_text(&person_chat, &person, prompt.message_id, "How long does naloxone last?");
    telegram
        .wait_for("the card in the duty chat", STEP_TIMEOUT, |_| {
            telegram.chat(&duty).iter().any(|m| m.text.contains("Status: new"))
        })
        .await
        .unwrap();
    let card = telegram
        .chat(&duty)
        .into_iter()
        .find(|m| m.text.contains("Status: new"))
        .unwrap();

    // A stranger replies to the card forty times around the doctor's answer.
    for n in 0..45 {
        if n == 40 {
            telegram.reply_text(&duty, &doctor, card.message_id, "30 to 90 minutes; stay with them.");
        }
        telegram.reply_text(&duty, &stranger, card.message_id, &format!("spam {n}"));
    }
    telegram
        .wait_for("the doctor's answer with the person", STEP_TIMEOUT, |_| {
            telegram
                .chat(&person_chat)
                .iter()
                .any(|m| m.text == "30 to 90 minutes; stay with them.")
        })
        .await
        .unwrap_or_else(|e| {
            panic!(
                "{e}: the answer vanished; person's chat: {:#?}",
                telegram.chat(&person_chat)
            )
        });
    telegram
        .wait_for("the doctor told it was delivered", STEP_TIMEOUT, |_| {
            telegram
                .chat(&duty)
                .iter()
                .any(|m| m.text.starts_with("✓ Delivered to the person"))
        })
        .await
        .unwrap();
    finish(&telegram, bot).await;
    let refusals = telegram
        .chat(&duty)
        .iter()
        .filter(|m| m.text == "Only the organisation's doctors on the roster can answer cases.")
        .count();
    assert_eq!(refusals, 1, "the stranger is told once, not forty times");
    assert!(
        telegram.chat(&person_chat).iter().all(|m| !m.text.starts_with("spam")),
        "nothing of the stranger reached the person"
    );
}
