//! Every page opens by its deep link (`/start <id>`) and by the "Open the
//! bot" button of an inline share, with and without the doctors' line.
//! With a roster, the write-back link's old prefix `w` once swallowed every
//! id starting with `w` (`wounds`, `where-naloxone`, ...): 23 of 26 links
//! worked. `crate::payload` now owns every prefix; this proves it end to end.

use crate::support::{DUTY_CHAT, RunningBot, TempDir, Tree, start_bot, start_bot_with_line, write_roster};
use overdose_bot::engine::{self, Duties, Duty, Input};
use telegram_fake::{FakeTelegram, STEP_TIMEOUT, TestChat, TestUser};

/// Bot usernames in the fake's getMe.
const BOT_LINK: &str = "https://t.me/overdose_test_bot?start=";

async fn bot(with_roster: bool) -> (FakeTelegram, RunningBot, TempDir) {
    let telegram = FakeTelegram::start().await;
    let dir = TempDir::new();
    let bot = if with_roster {
        start_bot_with_line(&telegram, dir.path(), &write_roster(dir.path(), true), &[]).await
    } else {
        start_bot(&telegram, Tree::Shipped, &[], &[]).await
    };
    (telegram, bot, dir)
}

/// The ids whose inline share links are offered for `query`, with the link's payload.
async fn shared_links(telegram: &FakeTelegram, user: &TestUser, query: &str) -> Vec<(String, String)> {
    let id = format!("iq-{}", telegram.inline_query(user, query));
    telegram
        .wait_for(&format!("the inline answer to {query:?}"), STEP_TIMEOUT, |requests| {
            requests
                .iter()
                .any(|r| r.method == "answerInlineQuery" && r.params["inline_query_id"] == id.as_str())
        })
        .await
        .unwrap();
    let answer = telegram
        .requests_of("answerInlineQuery")
        .into_iter()
        .find(|r| r.params["inline_query_id"] == id.as_str())
        .unwrap();
    answer.params["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|result| {
            let url = result["reply_markup"]["inline_keyboard"][0][0]["url"].as_str().unwrap();
            let payload = url
                .strip_prefix(BOT_LINK)
                .unwrap_or_else(|| panic!("foreign link {url}"));
            (result["id"].as_str().unwrap().to_owned(), payload.to_owned())
        })
        .collect()
}

async fn every_page_opens_by_link(with_roster: bool) {
    let (telegram, bot, _dir) = bot(with_roster).await;
    let content = Tree::Shipped.content();
    // Companions start from buttons and are not offered by search or inline.
    let ids: Vec<String> = content
        .nodes()
        .filter(|(_, node)| node.kind() != overdose_bot::content::NodeKind::Companion)
        .map(|(_, node)| node.id().to_owned())
        .collect();
    let sharer = TestUser::new(5_560_000, "Sharer", None, Some("en"));
    let en = content.locale_by_code("en").unwrap();

    // Each page's share link, found by searching for its English title.
    let mut links = Vec::new();
    for id in &ids {
        let node = content.node(content.node_by_id(id).unwrap());
        let title = node.title(en);
        let offered = shared_links(&telegram, &sharer, title).await;
        let (_, payload) = offered
            .into_iter()
            .find(|(shared, _)| shared == id)
            .unwrap_or_else(|| panic!("searching {title:?} does not offer {id} to share"));
        links.push((id.clone(), payload));
    }

    // One private chat per link, so per-chat pacing does not serialise them.
    for (n, (id, payload)) in links.iter().enumerate() {
        for (via, text) in [
            ("deep link", format!("/start {id}")),
            ("share", format!("/start {payload}")),
        ] {
            let user = TestUser::new(
                5_570_000 + 2 * n as i64 + i64::from(via == "share"),
                "P",
                None,
                Some("en"),
            );
            let chat = TestChat::private(&user);
            telegram.send_text(&chat, &user, &text);
            let what = format!("{id} by {via}");
            telegram
                .wait_for(&what, STEP_TIMEOUT, |_| telegram.last_bot_message(&chat).is_some())
                .await
                .unwrap();
            let shown = telegram.last_bot_message(&chat).unwrap();
            // With the roster, Dr Anna is on shift round the clock.
            let duty = if with_roster {
                Duty::OnShift(vec!["Dr Anna (ru, en)".to_owned()])
            } else {
                Duty::Unavailable
            };
            let screen = engine::handle_with(&content, &Duties::doctors(duty), en, Input::Start { payload: Some(id) });
            let labels: Vec<String> = screen.buttons.iter().flatten().map(|b| b.label.to_string()).collect();
            assert_eq!(
                (shown.text.as_str(), shown.labels()),
                (screen.html.as_ref(), labels),
                "{what} (roster: {with_roster})"
            );
        }
    }
    let (code, logs) = bot.stop().await;
    assert_eq!(code, 0, "{logs}");
    assert_eq!(telegram.violations(), Vec::<String>::new());
    assert!(
        telegram.chat(&TestChat::group(DUTY_CHAT, "Duty")).is_empty(),
        "nothing reaches the duty chat"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_page_opens_by_deep_link_and_share_without_a_roster() {
    every_page_opens_by_link(false).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_page_opens_by_deep_link_and_share_with_a_roster() {
    every_page_opens_by_link(true).await;
}
