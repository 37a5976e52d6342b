//! The screens of companions (`kind: companion`): the screen once started,
//! each check-in, and the closing note. The timers themselves are
//! `crate::companion`'s; this is pure rendering. Their buttons and the
//! buttons' codec are [`super::buttons`]'s (re-exported here).

use std::borrow::Cow;

use super::buttons::{Button, home, link, start_button, stop_button};
pub use super::buttons::{CompanionTap, MAX_CHECKINS, Op};
use super::screen::{Screen, Shows};
use crate::content::{Content, Locale, NodeIdx};
use crate::i18n::Msg;
use crate::markup::Rendered;

/// The companion's page once started: its text, Stop, its own buttons,
/// Home; and, when `others` still run in the chat, a line that says so
/// (Stop ends them all).
pub fn started<'c>(content: &'c Content, locale: Locale, companion: NodeIdx, others: &[NodeIdx]) -> Screen<'c> {
    let screen = content.node(companion).screen(locale);
    let text = if others.is_empty() {
        Cow::Borrowed(screen)
    } else {
        let names: Vec<&str> = others.iter().map(|&n| content.node(n).title(locale)).collect();
        let still =
            Rendered::from_plain(&content.text(locale, Msg::CompanionStillRunning, &[("names", &names.join(", "))]));
        // Above the footer, so the numbers stay last.
        let footer = content.footer(locale);
        let body = Rendered {
            html: strip_footer(&screen.html, &footer.html),
            plain: strip_footer(&screen.plain, &footer.plain),
            visible_len: 0,
        };
        Cow::Owned(Rendered::join([&body, &still, footer]))
    };
    let mut buttons = vec![vec![stop_button(content, locale, companion)]];
    buttons.extend(content.node(companion).buttons().iter().map(|&target| {
        vec![if content.node(target).kind() == crate::content::NodeKind::Companion {
            start_button(content, locale, target)
        } else {
            link(content, locale, target, Vec::new())
        }]
    }));
    // No Back: the page stays while the check-ins run; Home leaves it.
    buttons.push(vec![home(content, locale)]);
    Screen {
        shows: Shows::Node(companion),
        locale,
        notice: None,
        html: match &text {
            Cow::Borrowed(text) => Cow::Borrowed(text.html.as_str()),
            Cow::Owned(text) => Cow::Owned(text.html.clone()),
        },
        plain: match text {
            Cow::Borrowed(text) => Cow::Borrowed(text.plain.as_str()),
            Cow::Owned(text) => Cow::Owned(text.plain),
        },
        buttons,
        media: None,
        toast: None,
    }
}

/// `text` without the `footer` it ends with.
fn strip_footer(text: &str, footer: &str) -> String {
    text.trim_end()
        .strip_suffix(footer.trim_end())
        .unwrap_or(text)
        .trim_end()
        .to_owned()
}

/// Check-in `step` of `companion`: the question, its answers, Stop.
/// `None` if the companion has no such check-in (content changed).
pub fn checkin<'c>(content: &'c Content, locale: Locale, companion: NodeIdx, step: usize) -> Option<Screen<'c>> {
    let checkin = content.node(companion).companion()?.checkins.get(step)?;
    let text = &checkin.screens[locale.0];
    let mut buttons: Vec<Vec<Button<'c>>> = checkin
        .answers
        .iter()
        .enumerate()
        .map(|(answer, a)| {
            vec![Button {
                label: Cow::Borrowed(a.labels[locale.0].as_str()),
                data: CompanionTap::new(content, locale, companion, Op::Answer { step, answer }).encode(),
            }]
        })
        .collect();
    buttons.push(vec![stop_button(content, locale, companion)]);
    Some(Screen {
        shows: Shows::CheckIn(companion),
        locale,
        notice: None,
        html: Cow::Borrowed(&text.html),
        plain: Cow::Borrowed(&text.plain),
        buttons,
        media: None,
        toast: None,
    })
}

/// A short text with the footer (the emergency numbers) and Home: the
/// check-ins stopped or ended, and what to keep doing.
pub fn note<'c>(content: &'c Content, locale: Locale, text: &str) -> Screen<'c> {
    let text = Rendered::join([&Rendered::from_plain(text), content.footer(locale)]);
    Screen {
        shows: Shows::CompanionNote,
        locale,
        notice: None,
        html: Cow::Owned(text.html),
        plain: Cow::Owned(text.plain),
        buttons: vec![vec![home(content, locale)]],
        media: None,
        toast: None,
    }
}
