//! Screens: what the engine answers with, as data that adapters render.

use std::borrow::Cow;

use super::buttons::{Button, encode, home, link, start_button};
use super::duty::{Duties, Duty};
use crate::content::{Content, Locale, Media, NodeIdx, NodeKind};
use crate::i18n::MessageKind;
use crate::i18n::Msg;
use crate::markup::{Rendered, escape_html};
use crate::payload::{MAX_CRUMBS, Prefix};

/// What a screen shows, for adapters' logs and metrics (never user data).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shows {
    Node(NodeIdx),
    /// A companion's check-in question.
    CheckIn(NodeIdx),
    /// Check-ins stopped or ended.
    CompanionNote,
    SearchResults,
    Help,
    About,
    Privacy,
    /// "Clear this chat?": what will go, Cancel, "Yes, clear".
    ClearConfirm,
    /// "Clearing this chat…": the adapter sends it, deletes what Telegram
    /// lets it below it (private chats only), then replaces it with
    /// [`super::clear_report`].
    Clearing,
    /// What clearing did and how to delete the rest in the app.
    Cleared,
    LanguageChoice,
}

/// Why a screen starts with an explanation instead of what was asked for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Notice {
    /// A button from an older content version whose node is gone.
    MenuUpdated,
    /// Callback data that is malformed or names no node of this version.
    InvalidButton,
    /// A /start payload that names no node.
    UnknownLink,
    /// Free text that matched nothing.
    NothingFound,
    /// A voice message, photo, sticker, ...
    Unsupported(MessageKind),
}

/// One answer: text in both formats, button rows, an optional attachment.
#[derive(Clone, Debug)]
pub struct Screen<'c> {
    pub shows: Shows,
    pub locale: Locale,
    pub notice: Option<Notice>,
    /// Telegram HTML.
    pub html: Cow<'c, str>,
    /// Plain text for terminals.
    pub plain: Cow<'c, str>,
    pub buttons: Vec<Vec<Button<'c>>>,
    /// Sent with the text as its caption.
    pub media: Option<&'c Media>,
    /// A short pop-up for the tap that led here, when something needs saying.
    pub toast: Option<&'c str>,
}

/// Where a person is: the node, how they got there, their language.
pub(crate) struct Position {
    pub node: NodeIdx,
    /// Nodes before `node`, oldest first, root excluded.
    pub crumbs: Vec<NodeIdx>,
    pub locale: Locale,
}

impl Position {
    /// A node opened directly (deep link, search result): Back leads to the root.
    pub(crate) fn top(node: NodeIdx, locale: Locale) -> Self {
        Position {
            node,
            crumbs: Vec::new(),
            locale,
        }
    }
}

impl<'c> Screen<'c> {
    /// A node with its buttons, then Back and Home unless it is the root.
    /// An "Ask" node starts with the state of its line (`duties.of(line)`)
    /// and offers the button to write a question while the line exists.
    pub(super) fn node(
        content: &'c Content,
        duties: &Duties,
        now: Option<chrono::DateTime<chrono::Utc>>,
        position: &Position,
    ) -> Self {
        let node = content.node(position.node);
        let locale = position.locale;
        let screen = node.screen(locale);
        let mut html = Cow::Borrowed(screen.html.as_str());
        let mut plain = Cow::Borrowed(screen.plain.as_str());
        let mut buttons: Vec<Vec<Button<'c>>> = Vec::new();
        if let Some(unit) = node.unit() {
            // "Where is the bus?": under the title, computed now.
            let lines = super::timetable::lines(content, locale, unit, now);
            let (title_html, rest_html) = split_title(&html);
            let (title_plain, rest_plain) = split_title(&plain);
            html = Cow::Owned(format!("{title_html}\n\n{}\n\n{rest_html}", lines.html));
            plain = Cow::Owned(format!("{title_plain}\n\n{}\n\n{rest_plain}", lines.plain));
        }
        if node.kind() == NodeKind::Handoff {
            let duty = duties.of(node.line());
            let line = duty_line(content, locale, node.line(), duty);
            html = Cow::Owned(format!("{}\n\n{html}", escape_html(&line)));
            plain = Cow::Owned(format!("{line}\n\n{plain}"));
            if *duty != Duty::Unavailable {
                // The position travels with the question, so the case card
                // can show the path that led here.
                let data = Prefix::Ask.with(&encode(content, locale, position.node, &position.crumbs));
                buttons.push(vec![Button {
                    label: Cow::Owned(content.text(locale, Msg::ButtonAsk, &[])),
                    data,
                }]);
            }
        }
        if node.kind() == NodeKind::Companion {
            // Opened directly (search, a link): the button that starts it.
            buttons.push(vec![start_button(content, locale, position.node)]);
        }
        buttons.extend(node.buttons().iter().map(|&target| {
            vec![if content.node(target).kind() == NodeKind::Companion {
                start_button(content, locale, target)
            } else {
                link(content, locale, target, next_crumbs(content, position, target))
            }]
        }));
        if position.node != content.root() {
            let back = position.crumbs.last().copied().unwrap_or(content.root());
            let back_crumbs = position.crumbs[..position.crumbs.len().saturating_sub(1)].to_vec();
            let ui = content.ui(locale);
            buttons.push(vec![
                Button {
                    label: Cow::Borrowed(&ui.back),
                    data: encode(content, locale, back, &back_crumbs),
                },
                Button {
                    label: Cow::Borrowed(&ui.home),
                    data: encode(content, locale, content.root(), &[]),
                },
            ]);
        }
        Screen {
            shows: Shows::Node(position.node),
            locale,
            notice: None,
            html,
            plain,
            buttons,
            media: node.media(),
            toast: None,
        }
    }

    /// A fixed text (help, about) with a Home button.
    pub(super) fn fixed(content: &'c Content, locale: Locale, shows: Shows, text: &'c Rendered) -> Self {
        Screen {
            shows,
            locale,
            notice: None,
            html: Cow::Borrowed(&text.html),
            plain: Cow::Borrowed(&text.plain),
            buttons: vec![vec![home(content, locale)]],
            media: None,
            toast: None,
        }
    }

    /// The language prompt in every offered locale, one button per locale:
    /// a locale whose emergency path is not translated yet is not offered.
    pub(super) fn language_choice(content: &'c Content, locale: Locale) -> Self {
        let prompt: Vec<&str> = content
            .offered_locales()
            .map(|l| content.ui(l).language_prompt.as_str())
            .collect();
        let prompt = Rendered::join(&[Rendered::from_plain(&prompt.join("\n")), content.footer(locale).clone()]);
        let buttons = content
            .offered_locales()
            .map(|l| {
                vec![Button {
                    label: Cow::Borrowed(content.ui(l).language_name.as_str()),
                    data: encode(content, l, content.root(), &[]),
                }]
            })
            .collect();
        Screen {
            shows: Shows::LanguageChoice,
            locale,
            notice: None,
            html: Cow::Owned(prompt.html),
            plain: Cow::Owned(prompt.plain),
            buttons,
            media: None,
            toast: None,
        }
    }

    /// Search matches as buttons, then Home.
    pub(super) fn search_results(content: &'c Content, locale: Locale, found: &[NodeIdx]) -> Self {
        let intro = Rendered::from_plain(content.ui(locale).search_found(found.len()));
        let text = Rendered::join([&intro, content.footer(locale)]);
        let mut buttons: Vec<Vec<Button<'c>>> = found
            .iter()
            .map(|&node| vec![link(content, locale, node, Vec::new())])
            .collect();
        buttons.push(vec![home(content, locale)]);
        Screen {
            shows: Shows::SearchResults,
            locale,
            notice: None,
            html: Cow::Owned(text.html),
            plain: Cow::Owned(text.plain),
            buttons,
            media: None,
            toast: None,
        }
    }

    /// Puts an explanation above the screen's text.
    pub(super) fn with_notice(mut self, notice: Notice, text: &str) -> Self {
        self.html = Cow::Owned(format!("{}\n\n{}", escape_html(text), self.html));
        self.plain = Cow::Owned(format!("{text}\n\n{}", self.plain));
        self.notice = Some(notice);
        self
    }
}

/// A rendered screen's first paragraph (the title) and the rest.
fn split_title(text: &str) -> (&str, &str) {
    text.split_once("\n\n").unwrap_or((text, ""))
}

/// Who is on duty, or when the next shift starts, or that there is no line.
fn duty_line(content: &Content, locale: Locale, line: &str, duty: &Duty) -> String {
    let ui = content.ui(locale);
    match duty {
        Duty::Unavailable => content.text(
            locale,
            Msg::HandoffUnavailable,
            &[
                ("organisation", &ui.organisation),
                ("contact", &ui.contact),
                ("numbers", &ui.numbers),
                ("line", line),
            ],
        ),
        Duty::OnShift(doctors) => content.text(
            locale,
            Msg::HandoffOnDuty,
            &[("doctors", &doctors.join(", ")), ("line", line)],
        ),
        Duty::OffHours { next: Some(next) } => {
            content.text(locale, Msg::HandoffOffHours, &[("next", next), ("line", line)])
        }
        Duty::OffHours { next: None } => content.text(locale, Msg::HandoffNoShift, &[("line", line)]),
    }
}

/// The breadcrumb for a tap from `from` to `target`: the path so far plus the
/// current node, cut back if the target is already on it (cycles never grow
/// it) and trimmed to the most recent [`MAX_CRUMBS`] steps.
fn next_crumbs(content: &Content, from: &Position, target: NodeIdx) -> Vec<NodeIdx> {
    if target == content.root() {
        return Vec::new();
    }
    let mut crumbs = from.crumbs.clone();
    if from.node != content.root() {
        crumbs.push(from.node);
    }
    if let Some(index) = crumbs.iter().position(|&c| c == target) {
        crumbs.truncate(index);
    }
    let excess = crumbs.len().saturating_sub(MAX_CRUMBS);
    crumbs.drain(..excess);
    crumbs
}
