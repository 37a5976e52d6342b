//! The /privacy screen and its "Clear this chat": the button, the
//! confirmation, and the report afterwards, as screens and callback data.
//!
//! The engine never deletes anything: only an adapter can, and only the
//! Telegram adapter does, in a private chat. The engine tells it when, by
//! answering the confirmation's "Yes" with a [`Shows::Clearing`] screen,
//! and words the report once the adapter says how it went. One tap never
//! clears: "Clear this chat" asks first, and the confirmation puts Cancel
//! where "Clear this chat" was, so a double tap in a panic cancels instead
//! of wiping the emergency instructions.
//!
//! Callback data: [`Prefix::ClearChat`], a step letter, the locale code
//! (`Daen`: "Clear this chat", in English), 4 bytes.

use std::borrow::Cow;

use super::buttons::{Button, home};
use super::screen::{Screen, Shows};
use crate::content::{Content, Locale};
use crate::markup::Rendered;
use crate::payload::Prefix;

/// How the adapter's clearing went, for the report.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Cleared {
    /// Everything Telegram lets a bot delete is gone.
    Complete,
    /// The bot stopped early (its bound, or Telegram refused to go on):
    /// some deletable messages may be left.
    Partial,
}

/// What a "Clear this chat" button asks for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Step {
    /// "Clear this chat": show the confirmation.
    Ask,
    /// "Yes, clear".
    Confirm,
    /// "Cancel": back to /privacy.
    Cancel,
}

impl Step {
    const ALL: [Step; 3] = [Step::Ask, Step::Confirm, Step::Cancel];

    const fn letter(self) -> u8 {
        match self {
            Step::Ask => b'a',
            Step::Confirm => b'y',
            Step::Cancel => b'n',
        }
    }
}

/// /privacy: what the bot keeps, then "Clear this chat" and Home.
pub(super) fn privacy(content: &Content, locale: Locale) -> Screen<'_> {
    let mut screen = Screen::fixed(content, locale, Shows::Privacy, content.privacy(locale));
    let clear = button(content, locale, Step::Ask, &content.ui(locale).clear.button);
    screen.buttons.insert(0, vec![clear]);
    screen
}

/// The screen after a tap on a "Clear this chat" button whose data, after
/// the prefix, is `rest`; `None` when `rest` is malformed. The button's
/// locale wins over `locale` while the content still has it.
pub(super) fn step<'c>(content: &'c Content, locale: Locale, rest: &str) -> Option<Screen<'c>> {
    let &[letter, first, second] = rest.as_bytes() else {
        return None;
    };
    let step = Step::ALL.into_iter().find(|s| s.letter() == letter)?;
    let code = [first, second];
    let locale = std::str::from_utf8(&code)
        .ok()
        .and_then(|code| content.locale_by_code(code))
        .unwrap_or(locale);
    let ui = &content.ui(locale).clear;
    Some(match step {
        Step::Ask => {
            let buttons = vec![
                vec![button(content, locale, Step::Cancel, &ui.cancel)],
                vec![button(content, locale, Step::Confirm, &ui.yes)],
            ];
            screen(content, locale, Shows::ClearConfirm, &ui.confirm, buttons)
        }
        Step::Confirm => screen(content, locale, Shows::Clearing, &ui.working, Vec::new()),
        Step::Cancel => privacy(content, locale),
    })
}

/// The message that stays when a chat has been cleared: what was done, how
/// to delete the rest in the Telegram app, the emergency numbers, Home.
pub fn clear_report(content: &Content, locale: Locale, cleared: Cleared) -> Screen<'_> {
    let ui = &content.ui(locale).clear;
    let first = match cleared {
        Cleared::Complete => &ui.done,
        Cleared::Partial => &ui.partial,
    };
    let text = format!("{first}\n{}", ui.rest);
    screen(
        content,
        locale,
        Shows::Cleared,
        &text,
        vec![vec![home(content, locale)]],
    )
}

/// A "Clear this chat" button of `step`.
fn button<'c>(content: &Content, locale: Locale, step: Step, label: &'c str) -> Button<'c> {
    let mut data = String::from(Prefix::ClearChat.char());
    data.push(step.letter() as char);
    data.push_str(content.locale_code(locale));
    Button {
        label: Cow::Borrowed(label),
        data,
    }
}

/// `text` above the emergency numbers, with `buttons`.
fn screen<'c>(
    content: &'c Content,
    locale: Locale,
    shows: Shows,
    text: &str,
    buttons: Vec<Vec<Button<'c>>>,
) -> Screen<'c> {
    let text = Rendered::join([&Rendered::from_plain(text), content.footer(locale)]);
    Screen {
        shows,
        locale,
        notice: None,
        html: Cow::Owned(text.html),
        plain: Cow::Owned(text.plain),
        buttons,
        media: None,
        toast: None,
    }
}
