//! Inline mode: `@bot naloxone` in any chat offers matching pages as
//! articles, so a person can send verified instructions to a friend.

use teloxide::RequestError;
use teloxide::prelude::*;
use teloxide::types::{
    InlineKeyboardButton, InlineKeyboardMarkup, InlineQuery, InlineQueryResult, InlineQueryResultArticle,
    InputMessageContent, InputMessageContentText, Me, ParseMode,
};

use super::delivery::Tg;
use crate::content::{Content, Locale, NodeIdx};
use crate::i18n::MAX_SEARCH_RESULTS;
use crate::payload::node_link;

/// How long Telegram may cache answers: content changes rarely.
const CACHE_SECONDS: u32 = 300;
/// Characters of the page shown under its title in the results list.
const DESCRIPTION_CHARS: usize = 90;

pub async fn answer(bot: &Tg, content: &Content, me: &Me, query: &InlineQuery) -> Result<(), RequestError> {
    let locale = content.negotiate(query.from.language_code.as_deref());
    let nodes = if query.query.trim().is_empty() {
        // Nothing typed yet: the emergency page and the main menu's topics.
        let root = content.node(content.root());
        std::iter::once(content.emergency())
            .chain(root.buttons().iter().copied())
            .fold(Vec::new(), |mut unique, n| {
                if !unique.contains(&n) {
                    unique.push(n);
                }
                unique
            })
    } else {
        content.search(locale, &query.query, MAX_SEARCH_RESULTS)
    };
    let results: Vec<InlineQueryResult> = nodes
        .into_iter()
        .map(|node| article(content, locale, node, me.username()).into())
        .collect();
    bot.answer_inline_query(query.id.clone(), results)
        .cache_time(CACHE_SECONDS)
        .await?;
    Ok(())
}

fn article(content: &Content, locale: Locale, index: NodeIdx, bot_username: &str) -> InlineQueryResultArticle {
    let node = content.node(index);
    let screen = node.screen(locale);
    let text = InputMessageContentText::new(screen.html.as_str()).parse_mode(ParseMode::Html);
    let body = screen
        .plain
        .split_once("\n\n")
        .map_or(screen.plain.as_str(), |(_, rest)| rest);
    let description: String = body.chars().take(DESCRIPTION_CHARS).collect();
    let mut article = InlineQueryResultArticle::new(node.id(), node.title(locale), InputMessageContent::Text(text))
        .description(description);
    let link = format!("https://t.me/{bot_username}?start={}", node_link(node.id()));
    if let Ok(url) = url::Url::parse(&link) {
        let open = InlineKeyboardButton::url(content.ui(locale).inline_open_bot.as_str(), url);
        article = article.reply_markup(InlineKeyboardMarkup::new([[open]]));
    }
    article
}
