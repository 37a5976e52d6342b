//! Every button the engine makes, as a label and its callback data: menu
//! links (Home, Back, a page) and a companion's start, stop and check-in
//! answers, with the companion's codec. Its own file so that the menu's
//! screens and the companions' screens link to each other through it,
//! never through one another.
//!
//! Companion callback data, after [`Prefix::Companion`]: the locale (2), the
//! companion's node key (6), then `s` (start), `x` (stop) or `a` with the
//! check-in's index (one base-36 digit) and the answer's (one digit). At
//! most 12 bytes; everything a tap needs travels in it, so an answer still
//! works after a restart lost the timer.

use std::borrow::Cow;

use super::callback::CallbackData;
use crate::content::{Content, Locale, NodeIdx, NodeKey};
use crate::i18n::Msg;
use crate::payload::Prefix;

/// An inline button; `data` is callback data of at most 64 bytes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Button<'c> {
    pub label: Cow<'c, str>,
    pub data: String,
}

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
    pub(super) fn new(content: &Content, locale: Locale, node: NodeIdx, op: Op) -> Self {
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
pub(super) fn start_button<'c>(content: &'c Content, locale: Locale, companion: NodeIdx) -> Button<'c> {
    Button {
        label: Cow::Borrowed(content.node(companion).title(locale)),
        data: CompanionTap::new(content, locale, companion, Op::Start).encode(),
    }
}

/// The button that stops `companion`'s check-ins.
pub(super) fn stop_button<'c>(content: &'c Content, locale: Locale, companion: NodeIdx) -> Button<'c> {
    Button {
        label: Cow::Owned(content.text(locale, Msg::ButtonCompanionStop, &[])),
        data: CompanionTap::new(content, locale, companion, Op::Stop).encode(),
    }
}

/// A page's button: its title, and the position it opens.
pub(super) fn link<'c>(content: &'c Content, locale: Locale, target: NodeIdx, crumbs: Vec<NodeIdx>) -> Button<'c> {
    Button {
        label: Cow::Borrowed(content.node(target).title(locale)),
        data: encode(content, locale, target, &crumbs),
    }
}

/// Home: the main menu, in `locale`.
pub(super) fn home<'c>(content: &'c Content, locale: Locale) -> Button<'c> {
    Button {
        label: Cow::Borrowed(content.ui(locale).home.as_str()),
        data: encode(content, locale, content.root(), &[]),
    }
}

/// A menu position's callback data: `target`, reached through `crumbs`.
pub(super) fn encode(content: &Content, locale: Locale, target: NodeIdx, crumbs: &[NodeIdx]) -> String {
    let code = content.locale_code(locale).as_bytes();
    CallbackData {
        version: content.version_tag(),
        locale: [code[0], code[1]],
        target: content.node(target).key(),
        crumbs: crumbs.iter().map(|&c| content.node(c).key()).collect(),
    }
    .encode()
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
