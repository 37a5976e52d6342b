//! The menu engine: (content, locale, input) -> screen. Pure: no teloxide, no
//! tokio, no file or network access, no clock (the adapter's `now` is an input). Every adapter (Telegram,
//! console) turns its input into an [`Input`] and renders the [`Screen`].
//!
//! Navigation is stateless: the position (node, Back breadcrumb, locale) comes
//! in with each button's callback data and goes out in the next buttons.

mod buttons;
mod callback;
pub mod companion;
mod duty;
mod group;
mod privacy;
mod screen;
pub mod timetable;

pub use buttons::Button;
pub use callback::{CallbackData, DecodeError, MAX_LEN as MAX_CALLBACK_LEN};
pub use duty::{Duties, Duty};
pub use group::{GroupAnswer, GroupAsk, group_answer};
pub use privacy::{Cleared, clear_report};
pub use screen::{Notice, Screen, Shows};

use chrono::{DateTime, Utc};

use crate::content::{Content, Locale, NodeIdx};
use crate::i18n::MAX_SEARCH_RESULTS;
pub use crate::i18n::MessageKind;
use crate::i18n::Msg;
use crate::payload::{DeepLink, Prefix};
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
    /// A message the bot cannot read (voice, photo, sticker, ...), with
    /// the text written under it, if any.
    Unsupported {
        kind: MessageKind,
        caption: Option<&'a str>,
        /// The message's id in the person's own chat, so that a photo or a
        /// voice message can be sent on to the doctors without the bot
        /// keeping it.
        message: Option<i32>,
    },
    Help,
    About,
    Privacy,
    Language,
}

/// Answers `input` from a person whose interface language is `locale`, in
/// a deployment without the doctors' line.
pub fn handle<'c>(content: &'c Content, locale: Locale, input: Input<'_>) -> Screen<'c> {
    handle_with(content, &Duties::default(), locale, input)
}

/// Answers `input`; each "Ask" screen describes its line's duty in `duties`. Callback data
/// carries its own locale, which wins over `locale`. Without a clock:
/// timetables show their weekly stops only (see [`handle_at`]).
pub fn handle_with<'c>(content: &'c Content, duties: &Duties, locale: Locale, input: Input<'_>) -> Screen<'c> {
    handle_at(content, duties, None, locale, input)
}

/// Like [`handle_with`], at the moment `now` (the adapter's clock): a
/// timetable also says where its unit is now and stops next.
pub fn handle_at<'c>(
    content: &'c Content,
    duties: &Duties,
    now: Option<DateTime<Utc>>,
    locale: Locale,
    input: Input<'_>,
) -> Screen<'c> {
    let page = Pages { content, duties, now };
    match input {
        Input::Start { payload } => start(page, locale, payload),
        Input::Callback { data } => callback(page, locale, data),
        Input::Text { text } => search(page, locale, text),
        Input::Unsupported { kind, caption, message } => {
            unsupported(page, locale, kind, caption.unwrap_or_default(), message)
        }
        Input::Help => Screen::fixed(content, locale, Shows::Help, content.help(locale)),
        Input::About => Screen::fixed(content, locale, Shows::About, content.about(locale)),
        Input::Privacy => privacy::privacy(content, locale),
        Input::Language => Screen::language_choice(content, locale),
    }
}

/// The emergency page, when `text` (a question to the doctors' line, a
/// caption, any message that is not a search) describes someone
/// unresponsive or not breathing: adapters show it at once, whatever else
/// they do with the message.
pub fn emergency_screen<'c>(content: &'c Content, duties: &Duties, locale: Locale, text: &str) -> Option<Screen<'c>> {
    content.is_emergency(text).then(|| {
        Pages {
            content,
            duties,
            now: None,
        }
        .node(&Position::top(content.emergency(), locale))
    })
}

/// Content and duty together: what every node screen is made from.
#[derive(Clone, Copy)]
struct Pages<'c, 'd> {
    content: &'c Content,
    duties: &'d Duties,
    now: Option<DateTime<Utc>>,
}

impl<'c> Pages<'c, '_> {
    fn node(self, position: &Position) -> Screen<'c> {
        Screen::node(self.content, self.duties, self.now, position)
    }
}

fn start<'c>(page: Pages<'c, '_>, locale: Locale, payload: Option<&str>) -> Screen<'c> {
    let content = page.content;
    match DeepLink::parse(payload, |id| content.node_by_id(id)) {
        DeepLink::Home => page.node(&Position::top(content.root(), locale)),
        DeepLink::Node(node) => page.node(&Position::top(node, locale)),
        // The topic link of a question prompt carries a button's data.
        DeepLink::Position(data) if CallbackData::decode(data).is_ok() => callback(page, locale, data),
        // A follow-up link without the doctors' line, or from elsewhere.
        DeepLink::Position(_) | DeepLink::WriteBack(_) | DeepLink::Unknown(_) => {
            root_with(page, locale, Notice::UnknownLink)
        }
    }
}

fn callback<'c>(page: Pages<'c, '_>, locale: Locale, data: &str) -> Screen<'c> {
    let content = page.content;
    if let Some((Prefix::ClearChat, rest)) = Prefix::of_callback(data) {
        return privacy::step(content, locale, rest).unwrap_or_else(|| root_with(page, locale, Notice::InvalidButton));
    }
    let Ok(data) = CallbackData::decode(data) else {
        return root_with(page, locale, Notice::InvalidButton);
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
        return root_with(page, locale, notice);
    };
    let crumbs: Vec<NodeIdx> = data.crumbs.iter().filter_map(|key| content.node_by_key(*key)).collect();
    if current_version && crumbs.len() != data.crumbs.len() {
        return root_with(page, locale, Notice::InvalidButton);
    }
    page.node(&Position { node, crumbs, locale })
}

/// A message the bot cannot read gets the emergency page, in case someone
/// is dying; a photo or video first gets the question of what it shows
/// (someone unresponsive, or a wound), when the content asks one, unless
/// its caption already says someone is not breathing.
///
/// While the doctors' line is open, a photo or voice message also gets
/// "Send this to the doctor on duty" in the second row, after the first
/// (emergency) button.
fn unsupported<'c>(
    page: Pages<'c, '_>,
    locale: Locale,
    kind: MessageKind,
    caption: &str,
    message: Option<i32>,
) -> Screen<'c> {
    let content = page.content;
    let ui = content.ui(locale);
    let (node, text) = match (kind, content.photo()) {
        (MessageKind::Photo, Some(question)) if !content.is_emergency(caption) => {
            (question, ui.photo_question.as_str())
        }
        _ => (content.emergency(), ui.unsupported(kind)),
    };
    let mut screen = page
        .node(&Position::top(node, locale))
        .with_notice(Notice::Unsupported(kind), text);
    let sendable = matches!(kind, MessageKind::Photo | MessageKind::Voice)
        && *page.duties.of(crate::content::DOCTORS_LINE) != Duty::Unavailable;
    if let (Some(id), true) = (message, sendable) {
        let send = Button {
            label: std::borrow::Cow::Owned(content.text(locale, Msg::ButtonSendToDoctor, &[])),
            data: Prefix::SendToDoctor.with(&id.to_string()),
        };
        let at = screen.buttons.len().min(1);
        screen.buttons.insert(at, vec![send]);
    }
    screen
}

fn search<'c>(page: Pages<'c, '_>, locale: Locale, text: &str) -> Screen<'c> {
    let content = page.content;
    if text.trim().is_empty() {
        return page.node(&Position::top(content.root(), locale));
    }
    let (emergency, found) = content.find(locale, text, MAX_SEARCH_RESULTS);
    if emergency {
        // Someone unresponsive or not breathing: no list to choose from.
        return page.node(&Position::top(content.emergency(), locale));
    }
    if found.is_empty() {
        return root_with(page, locale, Notice::NothingFound);
    }
    Screen::search_results(content, locale, &found)
}

fn root_with<'c>(page: Pages<'c, '_>, locale: Locale, notice: Notice) -> Screen<'c> {
    let content = page.content;
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
        ..page
            .node(&Position::top(content.root(), locale))
            .with_notice(notice, text)
    }
}

#[cfg(test)]
mod tests;
