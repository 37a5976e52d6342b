//! The framework floor: a minimal teloxide bot that answers every message
//! with one sendMessage and every button with answerCallbackQuery plus one
//! editMessageText, texts and keyboards the size of overdose-bot's screens.
//! No content, no engine, no throttling: what teloxide alone costs.

use teloxide::error_handlers::LoggingErrorHandler;
use teloxide::prelude::*;
use teloxide::types::{InlineKeyboardButton, InlineKeyboardMarkup, ParseMode};
use teloxide::update_listeners::webhooks;

use std::sync::atomic::{AtomicU64, Ordering};

/// Makes every text differ, so no edit is "not modified".
static SCREENS: AtomicU64 = AtomicU64::new(0);

fn screen(seed: &str) -> (String, InlineKeyboardMarkup) {
    let serial = SCREENS.fetch_add(1, Ordering::Relaxed);
    let body = "1. Call 112 and check breathing, then start CPR. ".repeat(18);
    let text = format!("<b>Screen {seed} #{serial}</b>\n\n{body}");
    let rows = (1..=6).map(|i| {
        vec![InlineKeyboardButton::callback(
            format!("Option {i}"),
            format!("1AAAAen{i:0>6}"),
        )]
    });
    (text, InlineKeyboardMarkup::new(rows))
}

#[tokio::main]
async fn main() {
    let bot = Bot::from_env();
    let handler = dptree::entry()
        .branch(
            Update::filter_message().endpoint(|bot: Bot, message: Message| async move {
                let (text, keyboard) = screen("start");
                bot.send_message(message.chat.id, text)
                    .parse_mode(ParseMode::Html)
                    .reply_markup(keyboard)
                    .await?;
                Ok::<(), teloxide::RequestError>(())
            }),
        )
        .branch(
            Update::filter_callback_query().endpoint(|bot: Bot, query: CallbackQuery| async move {
                bot.answer_callback_query(query.id.clone()).await?;
                if let Some(message) = &query.message {
                    let (text, keyboard) = screen(query.data.as_deref().unwrap_or_default());
                    bot.edit_message_text(message.chat().id, message.id(), text)
                        .parse_mode(ParseMode::Html)
                        .reply_markup(keyboard)
                        .await?;
                }
                Ok(())
            }),
        );
    let mut dispatcher = Dispatcher::builder(bot.clone(), handler)
        .default_handler(|_| async {})
        .build();
    // Webhook mode when the load driver asks for it, as overdose-bot's flags do.
    match (std::env::var("BASELINE_WEBHOOK_URL"), std::env::var("BASELINE_LISTEN")) {
        (Ok(url), Ok(listen)) => {
            let address = listen.parse().expect("BASELINE_LISTEN is an address");
            let mut options = webhooks::Options::new(address, url.parse().expect("BASELINE_WEBHOOK_URL is a URL"));
            if let Ok(secret) = std::env::var("BASELINE_WEBHOOK_SECRET") {
                options = options.secret_token(secret);
            }
            let listener = webhooks::axum(bot, options).await.expect("set the webhook");
            dispatcher
                .dispatch_with_listener(listener, LoggingErrorHandler::new())
                .await;
        }
        _ => dispatcher.dispatch().await,
    }
}
