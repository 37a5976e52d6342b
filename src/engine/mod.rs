//! The menu engine: (content, locale, input) -> screen. Pure: no teloxide, no
//! tokio, no file or network access, no clock. Every adapter (Telegram,
//! console) turns its input into an [`Input`] and renders the [`Screen`].
//!
//! Navigation is stateless: the position (node, Back breadcrumb, locale) comes
//! in with each button's callback data and goes out in the next buttons.

mod callback;
mod screen;

pub use callback::{CallbackData, DecodeError, MAX_CRUMBS, MAX_LEN as MAX_CALLBACK_LEN};
pub use screen::{Button, Notice, Screen, Shows};

use crate::content::{Content, Locale, NodeIdx};
use crate::i18n::MAX_SEARCH_RESULTS;
pub use crate::i18n::MessageKind;
use screen::Position;

/// What a person did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Input<'a> {
    /// `/start`, possibly with a deep-link payload (`/start naloxone`).
    Start {
        payload: Option<&'a str>,
    },
    /// A tap on an inline button.
    Callback {
        data: &'a str,
    },
    /// Free text to search for.
    Text {
        text: &'a str,
    },
    /// A message the bot cannot read (voice, photo, sticker, ...).
    Unsupported {
        kind: MessageKind,
    },
    Help,
    About,
    Language,
}

/// Answers `input` from a person whose interface language is `locale`.
/// Callback data carries its own locale, which wins over `locale`.
pub fn handle<'c>(content: &'c Content, locale: Locale, input: Input<'_>) -> Screen<'c> {
    match input {
        Input::Start { payload } => start(content, locale, payload),
        Input::Callback { data } => callback(content, locale, data),
        Input::Text { text } => search(content, locale, text),
        Input::Unsupported { kind } => {
            let position = Position::top(content.emergency(), locale);
            Screen::node(content, &position)
                .with_notice(Notice::Unsupported(kind), content.ui(locale).unsupported(kind))
        }
        Input::Help => Screen::fixed(content, locale, Shows::Help, content.help(locale)),
        Input::About => Screen::fixed(content, locale, Shows::About, content.about(locale)),
        Input::Language => Screen::language_choice(content, locale),
    }
}

fn start<'c>(content: &'c Content, locale: Locale, payload: Option<&str>) -> Screen<'c> {
    let payload = payload.map(str::trim).filter(|p| !p.is_empty());
    match payload {
        None => Screen::node(content, &Position::top(content.root(), locale)),
        Some(id) => match content.node_by_id(id) {
            Some(node) => Screen::node(content, &Position::top(node, locale)),
            None => root_with(content, locale, Notice::UnknownLink),
        },
    }
}

fn callback<'c>(content: &'c Content, locale: Locale, data: &str) -> Screen<'c> {
    let Ok(data) = CallbackData::decode(data) else {
        return root_with(content, locale, Notice::InvalidButton);
    };
    let locale = std::str::from_utf8(&data.locale)
        .ok()
        .and_then(|code| content.locale_by_code(code))
        .unwrap_or(locale);
    let current_version = data.version == content.version_tag();
    let Some(node) = content.node_by_key(data.target) else {
        let notice = if current_version {
            Notice::InvalidButton
        } else {
            Notice::MenuUpdated
        };
        return root_with(content, locale, notice);
    };
    let crumbs: Vec<NodeIdx> = data.crumbs.iter().filter_map(|key| content.node_by_key(*key)).collect();
    if current_version && crumbs.len() != data.crumbs.len() {
        return root_with(content, locale, Notice::InvalidButton);
    }
    Screen::node(content, &Position { node, crumbs, locale })
}

fn search<'c>(content: &'c Content, locale: Locale, text: &str) -> Screen<'c> {
    if text.trim().is_empty() {
        return Screen::node(content, &Position::top(content.root(), locale));
    }
    let found = content.search(locale, text, MAX_SEARCH_RESULTS);
    if found.is_empty() {
        return root_with(content, locale, Notice::NothingFound);
    }
    Screen::search_results(content, locale, &found)
}

fn root_with(content: &Content, locale: Locale, notice: Notice) -> Screen<'_> {
    let ui = content.ui(locale);
    let text = match notice {
        Notice::MenuUpdated => &ui.menu_updated,
        Notice::InvalidButton => &ui.invalid_button,
        Notice::UnknownLink => &ui.unknown_link,
        Notice::NothingFound => &ui.search_nothing,
        Notice::Unsupported(kind) => ui.unsupported(kind),
    };
    let toast = match notice {
        Notice::MenuUpdated => Some(ui.toast_menu_updated.as_str()),
        Notice::InvalidButton => Some(ui.toast_invalid_button.as_str()),
        _ => None,
    };
    Screen {
        toast,
        ..Screen::node(content, &Position::top(content.root(), locale)).with_notice(notice, text)
    }
}

#[cfg(test)]
mod tests;
