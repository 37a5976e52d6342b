//! Registers the command menu (/start, /help, /language, /about) in every
//! locale, and for the Telegram languages each locale also serves.

use teloxide::RequestError;
use teloxide::prelude::*;
use teloxide::types::BotCommand;

use super::delivery::Tg;
use crate::content::Content;

pub async fn register(bot: &Tg, content: &Content) -> Result<(), RequestError> {
    for locale in content.locales() {
        let ui = content.ui(locale);
        let commands = vec![
            BotCommand::new("start", &ui.command_start),
            BotCommand::new("help", &ui.command_help),
            BotCommand::new("language", &ui.command_language),
            BotCommand::new("about", &ui.command_about),
            BotCommand::new("privacy", &ui.command_privacy),
        ];
        for code in content.language_codes(locale) {
            bot.set_my_commands(commands.clone()).language_code(code).await?;
        }
        if locale == content.default_locale() {
            bot.set_my_commands(commands).await?;
        }
    }
    Ok(())
}
