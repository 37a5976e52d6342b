//! Engine buttons as Telegram inline keyboards.

use teloxide::types::{InlineKeyboardButton, InlineKeyboardMarkup};

use crate::engine::{Button, Screen};

pub fn markup(screen: &Screen<'_>) -> InlineKeyboardMarkup {
    rows(&screen.buttons)
}

pub fn rows(buttons: &[Vec<Button<'_>>]) -> InlineKeyboardMarkup {
    InlineKeyboardMarkup::new(buttons.iter().map(|row| {
        row.iter()
            .map(|button| InlineKeyboardButton::callback(button.label.as_ref(), button.data.as_str()))
            .collect::<Vec<_>>()
    }))
}
