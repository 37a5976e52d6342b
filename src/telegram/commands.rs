//! Registers the command menus in every locale, and for the Telegram
//! languages each locale also serves: private chats get /start, /help,
//! /language, /about, /privacy; group chats the content's
//! `group_commands`, each described by its page's title; group admins
//! also `/bot_off`. A group an admin turned off has its own menu
//! (`group_switch`), which this never touches.

use teloxide::RequestError;
use teloxide::prelude::*;
use teloxide::types::{BotCommand, BotCommandScope};

use super::delivery::Tg;
use crate::content::{Content, Locale, TURN_OFF};

pub async fn register(bot: &Tg, content: &Content) -> Result<(), RequestError> {
    for locale in content.locales() {
        let ui = content.ui(locale);
        let private = vec![
            BotCommand::new("start", &ui.command_start),
            BotCommand::new("help", &ui.command_help),
            BotCommand::new("language", &ui.command_language),
            BotCommand::new("about", &ui.command_about),
            BotCommand::new("privacy", &ui.command_privacy),
        ];
        let groups = group_commands(content, locale);
        let mut admins = groups.clone();
        admins.push(BotCommand::new(TURN_OFF, &ui.group.command_off));
        let menus = [
            (BotCommandScope::Default, private),
            (BotCommandScope::AllGroupChats, groups),
            (BotCommandScope::AllChatAdministrators, admins),
        ];
        for (scope, commands) in menus {
            for code in content.language_codes(locale) {
                bot.set_my_commands(commands.clone())
                    .scope(scope.clone())
                    .language_code(code)
                    .await?;
            }
            if locale == content.default_locale() {
                bot.set_my_commands(commands).scope(scope).await?;
            }
        }
    }
    Ok(())
}

/// The content's group commands, described by their pages' titles.
fn group_commands(content: &Content, locale: Locale) -> Vec<BotCommand> {
    content
        .group_commands()
        .iter()
        .map(|(name, node)| BotCommand::new(name, content.node(*node).title(locale)))
        .collect()
}
