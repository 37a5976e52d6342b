//! The interface strings the engine and adapters use, formatted once per locale.

use fluent_bundle::{FluentArgs, FluentValue};

use super::{LocaleMessages, Msg};
use crate::markup::escape_html;

/// Every message id the code formats. `check` reports any of them missing in
/// any locale; ids in the files but not here are reported as unused.
pub const REQUIRED_MESSAGES: &[&str] = &[
    "button-back",
    "button-home",
    "footer",
    "notice-menu-updated",
    "notice-invalid-button",
    "notice-unknown-link",
    "notice-unsupported",
    "notice-photo",
    "notice-untranslated",
    "search-found",
    "search-nothing",
    "help",
    "about",
    "about-never-reviewed",
    "privacy",
    "language-prompt",
    "language-name",
    "toast-menu-updated",
    "toast-invalid-button",
    "command-start",
    "command-help",
    "command-language",
    "command-about",
    "command-privacy",
    "inline-open-bot",
    "button-clear-chat",
    "clear-confirm",
    "button-clear-yes",
    "button-clear-cancel",
    "clear-working",
    "clear-done",
    "clear-partial",
    "clear-rest",
    "toast-clear-private-only",
    "group-open-private",
    "group-off",
    "group-on",
    "group-admins-only",
    "command-bot-off",
    "command-bot-on",
];

/// The most search results a screen lists.
pub const MAX_SEARCH_RESULTS: usize = 5;

/// Kinds of messages the bot cannot read, grouped by what it tells the person.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum MessageKind {
    /// Voice, audio, video notes: the person may think the bot listens.
    Voice,
    /// Photos and videos.
    Photo,
    /// Stickers, documents, locations, anything else.
    Other,
}

impl MessageKind {
    pub const ALL: [MessageKind; 3] = [MessageKind::Voice, MessageKind::Photo, MessageKind::Other];

    fn fluent_key(self) -> &'static str {
        match self {
            MessageKind::Voice => "voice",
            MessageKind::Photo => "photo",
            MessageKind::Other => "other",
        }
    }
}

/// Values the pre-formatted strings depend on.
pub struct UiContext<'a> {
    /// Emergency numbers joined for display, e.g. "112, 103".
    pub numbers: &'a str,
    pub version: &'a str,
    /// Date of the newest medical review, if any page has been reviewed.
    pub last_review: Option<&'a str>,
    pub disclaimer: &'a str,
    /// Who runs the bot and how to reach them.
    pub organisation: &'a str,
    pub contact: &'a str,
    /// The primary locale's name in its own language ("Русский"): pages
    /// not yet translated are shown in it.
    pub primary_language: &'a str,
}

/// One locale's interface strings, ready to use.
#[derive(Debug, Clone)]
pub struct UiStrings {
    pub back: String,
    pub home: String,
    pub footer: String,
    pub menu_updated: String,
    pub invalid_button: String,
    pub unknown_link: String,
    unsupported: [String; 3],
    /// Above the content's photo question, after a photo or video.
    pub photo_question: String,
    /// Above a page not yet translated into this locale, shown in the
    /// primary locale.
    pub untranslated: String,
    /// `search_found[n - 1]` introduces `n` results.
    search_found: Vec<String>,
    pub search_nothing: String,
    pub help: String,
    pub about: String,
    /// What the bot keeps and who sees what (`/privacy`).
    pub privacy: String,
    pub language_prompt: String,
    pub language_name: String,
    /// Short pop-ups (at most 200 characters) answering a button tap.
    pub toast_menu_updated: String,
    pub toast_invalid_button: String,
    /// Descriptions of the bot's commands in Telegram's command menu.
    pub command_start: String,
    pub command_help: String,
    pub command_language: String,
    pub command_about: String,
    pub command_privacy: String,
    /// The button under a page shared through inline mode.
    pub inline_open_bot: String,
    /// "Clear this chat" on the /privacy screen, its confirmation and report.
    pub clear: ClearStrings,
    /// Group chats: the short answer's button, turning the bot off and on.
    pub group: GroupStrings,
    /// The emergency numbers for display, and who runs the bot: arguments
    /// of the run-time messages.
    pub numbers: String,
    pub organisation: String,
    pub contact: String,
}

/// "Clear this chat": what a person reads before, during and after the bot
/// deletes the chat's messages.
#[derive(Debug, Clone)]
pub struct ClearStrings {
    /// The button on the /privacy screen.
    pub button: String,
    /// What will be deleted and what not, above "Yes" and "Cancel".
    pub confirm: String,
    pub yes: String,
    pub cancel: String,
    /// Shown while the bot deletes.
    pub working: String,
    /// The report's first line: everything Telegram allows is gone...
    pub done: String,
    /// ...or the bot had to stop early.
    pub partial: String,
    /// The report's rest: deleting older messages in the Telegram app.
    pub rest: String,
    /// Pop-up when the button is tapped in a group (at most 200 characters).
    pub private_only: String,
}

/// What group chats read: the button under every short answer, and what
/// a group's admins get when they turn the bot off or on.
#[derive(Debug, Clone)]
pub struct GroupStrings {
    /// The URL button that opens the page in a private chat.
    pub open: String,
    /// Confirms `/bot_off` and says how to turn it back on (HTML, escaped).
    pub off: String,
    /// Confirms `/bot_on` (HTML, escaped).
    pub on: String,
    /// Answers `/bot_off` or `/bot_on` from someone who is not an admin
    /// (HTML, escaped).
    pub admins_only: String,
    /// Descriptions of `/bot_off` and `/bot_on` in the command menu.
    pub command_off: String,
    pub command_on: String,
}

impl UiStrings {
    /// Formats every string; `Err` holds `(message id, problem)` pairs.
    pub fn build(messages: &LocaleMessages, context: &UiContext<'_>) -> Result<Self, Vec<(&'static str, String)>> {
        let mut errors = Vec::new();
        let mut format = |id: &'static str, args: &[(&'static str, FluentValue<'_>)]| {
            let args: FluentArgs<'_> = args.iter().cloned().collect();
            messages.format(id, Some(&args)).unwrap_or_else(|error| {
                errors.push((id, error));
                String::new()
            })
        };
        let numbers = || FluentValue::from(context.numbers.to_owned());
        let never = format("about-never-reviewed", &[]);
        let reviewed = context.last_review.map_or(never, str::to_owned);
        let strings = UiStrings {
            back: format("button-back", &[]),
            home: format("button-home", &[]),
            footer: format("footer", &[("numbers", numbers())]),
            menu_updated: format("notice-menu-updated", &[]),
            invalid_button: format("notice-invalid-button", &[]),
            unknown_link: format("notice-unknown-link", &[]),
            unsupported: MessageKind::ALL.map(|kind| {
                format(
                    "notice-unsupported",
                    &[("kind", kind.fluent_key().into()), ("numbers", numbers())],
                )
            }),
            photo_question: format("notice-photo", &[]),
            untranslated: format(
                "notice-untranslated",
                &[("language", context.primary_language.to_owned().into())],
            ),
            search_found: (1..=MAX_SEARCH_RESULTS)
                .map(|count| format("search-found", &[("count", count.into())]))
                .collect(),
            search_nothing: format("search-nothing", &[]),
            help: format("help", &[("numbers", numbers())]),
            about: format(
                "about",
                &[
                    ("version", context.version.to_owned().into()),
                    ("reviewed", reviewed.into()),
                    ("disclaimer", context.disclaimer.to_owned().into()),
                    ("organisation", context.organisation.to_owned().into()),
                    ("contact", context.contact.to_owned().into()),
                ],
            ),
            privacy: format("privacy", &[]),
            language_prompt: format("language-prompt", &[]),
            language_name: format("language-name", &[]),
            toast_menu_updated: format("toast-menu-updated", &[]),
            toast_invalid_button: format("toast-invalid-button", &[]),
            command_start: format("command-start", &[]),
            command_help: format("command-help", &[]),
            command_language: format("command-language", &[]),
            command_about: format("command-about", &[]),
            command_privacy: format("command-privacy", &[]),
            inline_open_bot: format("inline-open-bot", &[]),
            clear: ClearStrings {
                button: format("button-clear-chat", &[]),
                confirm: format("clear-confirm", &[]),
                yes: format("button-clear-yes", &[]),
                cancel: format("button-clear-cancel", &[]),
                working: format("clear-working", &[]),
                done: format("clear-done", &[]),
                partial: format("clear-partial", &[]),
                rest: format("clear-rest", &[]),
                private_only: format("toast-clear-private-only", &[]),
            },
            group: GroupStrings {
                open: format("group-open-private", &[]),
                // Sent as HTML: escaped, so a translation's `<a href=…>` is
                // text, and a stray `<` cannot make Telegram refuse it.
                off: escape_html(&format("group-off", &[])),
                on: escape_html(&format("group-on", &[])),
                admins_only: escape_html(&format("group-admins-only", &[])),
                command_off: format("command-bot-off", &[]),
                command_on: format("command-bot-on", &[]),
            },
            numbers: context.numbers.to_owned(),
            organisation: context.organisation.to_owned(),
            contact: context.contact.to_owned(),
        };
        for message in Msg::ALL {
            let samples: Vec<(&'static str, FluentValue<'_>)> = message
                .variables()
                .iter()
                .map(|&name| (name, FluentValue::from("sample")))
                .collect();
            format(message.id(), &samples);
        }
        if errors.is_empty() { Ok(strings) } else { Err(errors) }
    }

    /// What to say about a message the bot cannot read.
    pub fn unsupported(&self, kind: MessageKind) -> &str {
        let index = MessageKind::ALL.iter().position(|k| *k == kind).unwrap_or(2);
        &self.unsupported[index]
    }

    /// The line introducing `count` search results (`count` >= 1).
    pub fn search_found(&self, count: usize) -> &str {
        let index = count.clamp(1, self.search_found.len()) - 1;
        &self.search_found[index]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostics::SourceMap;
    use crate::i18n::parse_locale;

    #[test]
    fn the_group_switch_answers_are_escaped_html() {
        let shipped = include_str!("../../locales/en/bot.ftl");
        let planted = shipped
            .lines()
            .map(|line| match line.split_once(" = ") {
                Some(("group-off", _)) => "group-off = Off. <a href=\"tg://proxy?server=1.2.3.4&port=443\">Faster</a>",
                Some(("group-admins-only", _)) => "group-admins-only = Admins only: 1 < 2",
                _ => line,
            })
            .collect::<Vec<_>>()
            .join("\n");
        let mut sources = SourceMap::new();
        let file = sources.add("bot.ftl", planted);
        let (messages, diagnostics) = parse_locale(&sources, "en", &[file]);
        assert!(diagnostics.is_empty(), "{diagnostics:?}");
        let context = UiContext {
            numbers: "112",
            version: "v1",
            last_review: None,
            disclaimer: "d",
            organisation: "o",
            contact: "c",
            primary_language: "English",
        };
        let ui = UiStrings::build(&messages, &context).unwrap();
        assert_eq!(
            ui.group.off,
            "Off. &lt;a href=&quot;tg://proxy?server=1.2.3.4&amp;port=443&quot;&gt;Faster&lt;/a&gt;"
        );
        assert_eq!(ui.group.admins_only, "Admins only: 1 &lt; 2");
    }
}
