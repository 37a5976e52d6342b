//! Screen buttons as Telegram inline keyboards.

use teloxide::types::{InlineKeyboardButton, InlineKeyboardMarkup};

use crate::engine::Screen;

pub fn markup(screen: &Screen<'_>) -> InlineKeyboardMarkup {
    InlineKeyboardMarkup::new(screen.buttons.iter().map(|row| {
        row.iter()
            .map(|button| InlineKeyboardButton::callback(button.label.as_ref(), button.data.as_str()))
            .collect::<Vec<_>>()
    }))
}
