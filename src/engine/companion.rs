//! The screens and buttons of companions (`kind: companion`): the start
//! button on pages that link to one, the screen once started, and each
//! check-in. The timers themselves are `crate::companion`'s; this is pure
//! rendering and the button codec.
//!
//! Callback data, after [`Prefix::Companion`]: the locale (2), the
//! companion's node key (6), then `s` (start), `x` (stop) or `a` with the
//! check-in's index (one base-36 digit) and the answer's (one digit). At
//! most 12 bytes; everything a tap needs travels in it, so an answer still
//! works after a restart lost the timer.

use std::borrow::Cow;

use super::screen::{Button, Screen, Shows};
use crate::content::{Content, Locale, NodeIdx, NodeKey};
use crate::i18n::Msg;
use crate::markup::Rendered;
use crate::payload::Prefix;

/// What a companion button asks for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Op {
    Start,
    Stop,
    /// Answer `answer` of check-in `step`.
    Answer {
        step: usize,
        answer: usize,
    },
}

/// A companion button's data, decoded.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CompanionTap {
    pub locale: [u8; 2],
    pub node: NodeKey,
    pub op: Op,
}

/// Check-ins per companion the one-digit codec can name.
pub const MAX_CHECKINS: usize = 36;

impl CompanionTap {
    fn new(content: &Content, locale: Locale, node: NodeIdx, op: Op) -> Self {
        let code = content.locale_code(locale).as_bytes();
        CompanionTap {
            locale: [code[0], code[1]],
            node: content.node(node).key(),
            op,
        }
    }

    /// The callback data, prefix included.
    pub fn encode(&self) -> String {
        let mut data = Prefix::Companion.with(std::str::from_utf8(&self.locale).unwrap_or("xx"));
        data.push_str(self.node.as_str());
        match self.op {
            Op::Start => data.push('s'),
            Op::Stop => data.push('x'),
            Op::Answer { step, answer } => {
                data.push('a');
                data.push(char::from_digit(step as u32, 36).unwrap_or('0'));
                data.push(char::from_digit(answer as u32, 10).unwrap_or('0'));
            }
        }
        data
    }

    /// Reads what follows the prefix; `None` for anything malformed.
    pub fn decode(rest: &str) -> Option<Self> {
        let bytes = rest.as_bytes();
        let locale = [*bytes.first()?, *bytes.get(1)?];
        let node = NodeKey::parse(bytes.get(2..2 + NodeKey::LEN)?)?;
        let op = match &rest.get(2 + NodeKey::LEN..)? {
            &"s" => Op::Start,
            &"x" => Op::Stop,
            other => {
                let mut chars = other.strip_prefix('a')?.chars();
                let step = chars.next()?.to_digit(36)? as usize;
                let answer = chars.next()?.to_digit(10)? as usize;
                if chars.next().is_some() {
                    return None;
                }
                Op::Answer { step, answer }
            }
        };
        Some(CompanionTap { locale, node, op })
    }
}

/// The button that starts `companion`, labelled with its title.
pub fn start_button<'c>(content: &'c Content, locale: Locale, companion: NodeIdx) -> Button<'c> {
    Button {
        label: Cow::Borrowed(content.node(companion).title(locale)),
        data: CompanionTap::new(content, locale, companion, Op::Start).encode(),
    }
}

fn stop_button<'c>(content: &'c Content, locale: Locale, companion: NodeIdx) -> Button<'c> {
    Button {
        label: Cow::Owned(content.text(locale, Msg::ButtonCompanionStop, &[])),
        data: CompanionTap::new(content, locale, companion, Op::Stop).encode(),
    }
}

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
            super::screen::link(content, locale, target, Vec::new())
        }]
    }));
    // No Back: the page stays while the check-ins run; Home leaves it.
    buttons.push(vec![super::screen::home(content, locale)]);
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
        buttons: vec![vec![super::screen::home(content, locale)]],
        media: None,
        toast: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_tap_round_trips_within_twelve_bytes() {
        let node = NodeKey::of("naloxone-given");
        for op in [
            Op::Start,
            Op::Stop,
            Op::Answer { step: 0, answer: 0 },
            Op::Answer { step: 35, answer: 2 },
        ] {
            let tap = CompanionTap {
                locale: *b"ru",
                node,
                op,
            };
            let data = tap.encode();
            assert!(data.len() <= 12, "{data}");
            let (prefix, rest) = Prefix::of_callback(&data).unwrap();
            assert_eq!(prefix, Prefix::Companion);
            assert_eq!(CompanionTap::decode(rest), Some(tap));
        }
        for bad in [
            "",
            "ru",
            "ruAAAAAA",
            "ruAAAAAAq",
            "ruAAAAAAa",
            "ruAAAAAAa0",
            "ruAAAAAAa0x",
            "ruAAAAAAa00x",
        ] {
            assert_eq!(CompanionTap::decode(bad), None, "{bad}");
        }
    }
}
