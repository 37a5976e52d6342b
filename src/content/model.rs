//! The checked, pre-rendered content the bot serves. A `Content` exists only
//! when validation found no errors; it is immutable and shared through `Arc`.

use std::collections::HashMap;
use std::sync::Arc;

use chrono::NaiveDate;

use super::keys::{NodeKey, VersionTag};
use super::raw::{MediaKind, NodeKind};
use crate::i18n::{LocaleMessages, Msg, UiStrings};
use crate::markup::Rendered;
use crate::search::SearchIndex;

/// A locale of the content, as an index into the manifest's `locales`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Locale(pub(crate) usize);

/// A node, as an index into `Content::nodes`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct NodeIdx(pub(crate) usize);

/// Everything the engine needs, checked and rendered once.
pub struct Content {
    pub(crate) version: String,
    pub(crate) version_tag: VersionTag,
    pub(crate) locales: Vec<LocaleData>,
    pub(crate) default_locale: Locale,
    pub(crate) primary_locale: Locale,
    pub(crate) root: NodeIdx,
    pub(crate) emergency: NodeIdx,
    pub(crate) photo: Option<NodeIdx>,
    pub(crate) nodes: Vec<Node>,
    pub(crate) by_id: HashMap<String, NodeIdx>,
    pub(crate) by_key: HashMap<NodeKey, NodeIdx>,
    pub(crate) emergency_numbers: Vec<EmergencyNumber>,
    /// Group chats' commands and the node each answers with, in name order.
    pub(crate) group_commands: Vec<(String, NodeIdx)>,
    pub(crate) last_review: Option<NaiveDate>,
    pub(crate) search: SearchIndex,
    /// The mobile units of `services.yaml` (none without it).
    pub(crate) timetable: crate::services::Timetable,
}

/// Per-locale strings and pre-rendered fixed screens.
pub struct LocaleData {
    pub(crate) code: String,
    /// Telegram language codes also served in this locale.
    pub(crate) also_for: Vec<String>,
    /// The emergency path is translated: the language menu offers it and
    /// Telegram languages negotiate to it.
    pub(crate) offered: bool,
    pub(crate) messages: LocaleMessages,
    pub(crate) ui: UiStrings,
    pub(crate) footer: Rendered,
    pub(crate) help: Rendered,
    pub(crate) about: Rendered,
    pub(crate) privacy: Rendered,
}

/// The line of the roster a handoff node goes to when it names none: the
/// doctors', written at the roster file's top level.
pub const DOCTORS_LINE: &str = "doctors";

/// Whether `id` can name a roster line: 1-32 lowercase letters, digits and dashes.
pub fn is_line_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 32
        && id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// The command a group's admin turns the bot off with; the group's command
/// menu then shows only [`TURN_ON`]. Reserved: content may not use it.
pub const TURN_OFF: &str = "bot_off";
/// The command that turns the bot back on in a group.
pub const TURN_ON: &str = "bot_on";

/// One screen of the tree.
pub struct Node {
    pub(crate) id: String,
    pub(crate) kind: NodeKind,
    pub(crate) key: NodeKey,
    /// Per locale, indexed by `Locale`.
    pub(crate) titles: Vec<String>,
    /// Per locale: title, text and footer, ready to send.
    pub(crate) screens: Vec<Rendered>,
    pub(crate) buttons: Vec<NodeIdx>,
    pub(crate) media: Option<Media>,
    pub(crate) review: Review,
    pub(crate) sources: Vec<String>,
    /// Holds stand-ins for the organisation's own details (`fill_in: true`).
    pub(crate) fill_in: bool,
    /// About a life-threatening situation (`urgent: true`).
    pub(crate) urgent: bool,
    /// The file the node is defined in, as given to the loader.
    pub(crate) file: String,
    /// `kind: timetable`: the unit of the timetable it shows.
    pub(crate) unit: Option<usize>,
    /// `kind: handoff`: the roster's line its questions go to.
    pub(crate) line: Option<String>,
    /// Per locale, indexed by `Locale`.
    pub(crate) translations: Vec<Translation>,
    /// Per locale: the line under the title in a group's short answer.
    pub(crate) summaries: Option<Vec<String>>,
    /// `kind: companion`: its check-ins.
    pub(crate) companion: Option<Companion>,
}

/// Timed check-ins that stay with a person in an emergency.
#[derive(Clone, Debug)]
pub struct Companion {
    /// The first is asked after the start.
    pub checkins: Vec<CheckIn>,
    /// The check-ins stop by themselves this long after the start or the
    /// last answer that restarts them.
    pub ends_after: chrono::Duration,
    /// Per locale: what the bot says when an answer ends the check-ins.
    pub done: Option<Vec<crate::markup::Rendered>>,
}

impl Companion {
    /// The shortest time from a (re)start to an answer that ends the
    /// check-ins, never more than `ends_after`: how long the companion is
    /// sure to keep watching. Answers that restart the clock (a new dose)
    /// start the count again; the hazard log holds the naloxone watch to 2
    /// hours with this.
    pub fn shortest_watch(&self) -> chrono::Duration {
        let count = self.checkins.len();
        let mut shortest: Vec<Option<chrono::Duration>> = vec![None; count];
        // Where the clock (re)starts: the first check-in, and wherever a
        // restarting answer leads.
        let restarts = self
            .checkins
            .iter()
            .flat_map(|c| &c.answers)
            .filter(|a| a.restarts)
            .filter_map(|a| a.then);
        for start in std::iter::once(0).chain(restarts) {
            if let Some(checkin) = self.checkins.get(start) {
                shortest[start] = Some(checkin.after);
            }
        }
        // Few check-ins (at most 36): relax until nothing shortens.
        let mut changed = true;
        while changed {
            changed = false;
            for (from, checkin) in self.checkins.iter().enumerate() {
                let Some(reached) = shortest[from] else { continue };
                for answer in checkin.answers.iter().filter(|a| !a.restarts) {
                    let Some(next) = answer.then.filter(|&n| n < count) else {
                        continue;
                    };
                    let through = reached + self.checkins[next].after;
                    if shortest[next].is_none_or(|known| through < known) {
                        shortest[next] = Some(through);
                        changed = true;
                    }
                }
            }
        }
        let ending = self.checkins.iter().enumerate().filter_map(|(index, checkin)| {
            let ends_here = checkin.answers.iter().any(|a| a.then.is_none());
            shortest[index].filter(|_| ends_here)
        });
        ending.min().unwrap_or(self.ends_after).min(self.ends_after)
    }
}

/// One timed question; asked again after `after` while unanswered.
#[derive(Clone, Debug)]
pub struct CheckIn {
    pub id: String,
    pub after: chrono::Duration,
    /// Per locale: the question and the footer, ready to send.
    pub screens: Vec<Rendered>,
    pub answers: Vec<Answer>,
}

#[derive(Clone, Debug)]
pub struct Answer {
    /// Per locale.
    pub labels: Vec<String>,
    /// A page sent at once.
    pub show: Option<NodeIdx>,
    /// The index of the check-in that follows; none: the end.
    pub then: Option<usize>,
    /// Starts the watch again from now (a new dose).
    pub restarts: bool,
}

/// A picture or sound sent with a node; its text becomes the caption.
#[derive(Clone, Debug)]
pub struct Media {
    pub kind: MediaKind,
    /// Path relative to the content directory, as written in the YAML.
    pub file: String,
    /// The file's bytes, read at load so adapters never touch content files.
    pub bytes: Arc<[u8]>,
    /// FNV-1a hash of `bytes`: lets an adapter cache what it uploaded
    /// (Telegram's file_id) and notice when a reload changed the file.
    pub digest: u64,
}

/// The medical review state of a node.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Review {
    /// Menus hold no medical advice and need no review.
    NotNeeded,
    Draft,
    Reviewed {
        by: String,
        /// The reviewer's role, from the manifest.
        role: String,
        on: NaiveDate,
        /// Older than `review_max_age_days`: due again.
        due: bool,
        /// The texts changed after the review (or it records no hash).
        changed: bool,
    },
}

/// How a node's texts in one locale stand against the primary locale's.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Translation {
    /// The primary locale itself.
    Source,
    /// Every text translated from the current primary text.
    Current,
    /// A text was translated from an older primary text (W0010).
    OutOfDate,
    /// A text is not translated: the page is shown in the primary locale,
    /// with a note.
    Missing,
}

/// A number shown on every screen.
#[derive(Clone, Debug)]
pub struct EmergencyNumber {
    pub number: String,
    /// Per locale.
    pub labels: Vec<String>,
}

impl Content {
    pub fn version(&self) -> &str {
        &self.version
    }

    pub fn version_tag(&self) -> VersionTag {
        self.version_tag
    }

    /// The organisation's mobile units and their stops.
    pub fn timetable(&self) -> &crate::services::Timetable {
        &self.timetable
    }

    pub fn root(&self) -> NodeIdx {
        self.root
    }

    /// The first-aid page for someone unresponsive or not breathing.
    pub fn emergency(&self) -> NodeIdx {
        self.emergency
    }

    /// The question asked after a photo or video, if the manifest names one.
    pub fn photo(&self) -> Option<NodeIdx> {
        self.photo
    }

    pub fn node(&self, index: NodeIdx) -> &Node {
        &self.nodes[index.0]
    }

    pub fn nodes(&self) -> impl ExactSizeIterator<Item = (NodeIdx, &Node)> {
        self.nodes.iter().enumerate().map(|(i, n)| (NodeIdx(i), n))
    }

    pub fn node_by_id(&self, id: &str) -> Option<NodeIdx> {
        self.by_id.get(id).copied()
    }

    pub fn node_by_key(&self, key: NodeKey) -> Option<NodeIdx> {
        self.by_key.get(&key).copied()
    }

    /// The commands group chats get short answers to, each with its node.
    pub fn group_commands(&self) -> &[(String, NodeIdx)] {
        &self.group_commands
    }

    pub fn emergency_numbers(&self) -> &[EmergencyNumber] {
        &self.emergency_numbers
    }

    /// Date of the most recent medical review of any page.
    pub fn last_review(&self) -> Option<NaiveDate> {
        self.last_review
    }

    pub fn default_locale(&self) -> Locale {
        self.default_locale
    }

    pub fn locales(&self) -> impl ExactSizeIterator<Item = Locale> {
        (0..self.locales.len()).map(Locale)
    }

    /// The locale every other translates; untranslated pages are shown in it.
    pub fn primary_locale(&self) -> Locale {
        self.primary_locale
    }

    /// The locales a person may choose: those whose emergency path is
    /// translated (the primary and default always are).
    pub fn offered_locales(&self) -> impl Iterator<Item = Locale> + '_ {
        self.locales().filter(|&l| self.locale(l).offered)
    }

    pub fn locale_code(&self, locale: Locale) -> &str {
        &self.locale(locale).code
    }

    /// The locale with exactly this code (`ru`), as carried in callback data.
    pub fn locale_by_code(&self, code: &str) -> Option<Locale> {
        self.locales.iter().position(|l| l.code == code).map(Locale)
    }

    /// The locale for a Telegram `language_code` such as `ru`, `ru-RU`, `uk` or
    /// `pt-br`: its primary language if served, a locale that is configured to
    /// serve it (`also_for`), or else the default.
    pub fn negotiate(&self, language_code: Option<&str>) -> Locale {
        let Some(code) = language_code else {
            return self.default_locale;
        };
        let primary = code.split(['-', '_']).next().unwrap_or_default().to_ascii_lowercase();
        self.locale_by_code(&primary)
            .or_else(|| {
                self.locales
                    .iter()
                    .position(|l| l.also_for.contains(&primary))
                    .map(Locale)
            })
            .filter(|&l| self.locale(l).offered)
            .unwrap_or(self.default_locale)
    }

    /// Telegram language codes served in `locale`: its own and its `also_for`.
    pub fn language_codes(&self, locale: Locale) -> impl Iterator<Item = &str> {
        let data = self.locale(locale);
        std::iter::once(data.code.as_str()).chain(data.also_for.iter().map(String::as_str))
    }

    pub fn ui(&self, locale: Locale) -> &UiStrings {
        &self.locale(locale).ui
    }

    /// Fluent messages of `locale`, for strings that need run-time arguments.
    pub fn messages(&self, locale: Locale) -> &LocaleMessages {
        &self.locale(locale).messages
    }

    /// Formats run-time message `message` (all checked at load) with `args`;
    /// its id if that ever fails.
    pub fn text(&self, locale: Locale, message: Msg, args: &[(&str, &str)]) -> String {
        let id = message.id();
        let args: fluent_bundle::FluentArgs<'_> = args
            .iter()
            .map(|&(name, value)| (name, fluent_bundle::FluentValue::from(value)))
            .collect();
        self.messages(locale)
            .format(id, Some(&args))
            .unwrap_or_else(|_| id.to_owned())
    }

    pub fn footer(&self, locale: Locale) -> &Rendered {
        &self.locale(locale).footer
    }

    pub fn help(&self, locale: Locale) -> &Rendered {
        &self.locale(locale).help
    }

    pub fn about(&self, locale: Locale) -> &Rendered {
        &self.locale(locale).about
    }

    /// What the bot keeps, what Telegram and the doctors see, how to delete the chat.
    pub fn privacy(&self, locale: Locale) -> &Rendered {
        &self.locale(locale).privacy
    }

    /// Nodes matching free text, best first.
    pub fn search(&self, locale: Locale, query: &str, limit: usize) -> Vec<NodeIdx> {
        self.search
            .search(locale.0, query, limit)
            .into_iter()
            .map(NodeIdx)
            .collect()
    }

    /// [`Self::search`], and whether the message is an emergency
    /// ([`Self::is_emergency`]), in one pass.
    pub fn find(&self, locale: Locale, text: &str, limit: usize) -> (bool, Vec<NodeIdx>) {
        let (emergency, found) = self.search.find(locale.0, text, limit);
        (emergency, found.into_iter().map(NodeIdx).collect())
    }

    /// Whether `text` describes someone unresponsive or not breathing: it
    /// contains a keyword of the emergency page and does not say the opposite
    /// (see `search`). Adapters put the emergency page in front of whoever
    /// sent it, whatever else happens with the message.
    pub fn is_emergency(&self, text: &str) -> bool {
        self.search.is_emergency(text)
    }

    /// The ranking of `search` for `query`, with why each page matched.
    pub fn explain_search(&self, locale: Locale, query: &str) -> crate::search::Explanation {
        self.search.explain(locale.0, query)
    }

    /// Titles and keywords of other pages that read as an emergency as
    /// typed: (locale, page, the text, the emergency phrase it contains).
    pub fn read_as_emergency(&self) -> impl Iterator<Item = (Locale, NodeIdx, &str, &str)> {
        self.search
            .read_as_emergency()
            .map(|(locale, node, text, phrase)| (Locale(locale), NodeIdx(node), text, phrase))
    }

    fn locale(&self, locale: Locale) -> &LocaleData {
        &self.locales[locale.0]
    }
}

impl Node {
    pub fn id(&self) -> &str {
        &self.id
    }

    pub fn kind(&self) -> NodeKind {
        self.kind
    }

    pub fn key(&self) -> NodeKey {
        self.key
    }

    pub fn title(&self, locale: Locale) -> &str {
        &self.titles[locale.0]
    }

    /// The full screen text: title, body and the emergency footer.
    pub fn screen(&self, locale: Locale) -> &Rendered {
        &self.screens[locale.0]
    }

    /// The one line a group chat's short answer shows under the title.
    pub fn summary(&self, locale: Locale) -> Option<&str> {
        self.summaries.as_ref().map(|s| s[locale.0].as_str())
    }

    pub fn buttons(&self) -> &[NodeIdx] {
        &self.buttons
    }

    pub fn media(&self) -> Option<&Media> {
        self.media.as_ref()
    }

    pub fn review(&self) -> &Review {
        &self.review
    }

    pub fn sources(&self) -> &[String] {
        &self.sources
    }

    pub fn file(&self) -> &str {
        &self.file
    }

    /// How the node's texts in `locale` stand against the primary locale.
    pub fn translation(&self, locale: Locale) -> Translation {
        self.translations[locale.0]
    }

    /// Whether the organisation still has to write this page's details.
    pub fn needs_filling_in(&self) -> bool {
        self.fill_in
    }

    /// Whether questions asked from here are urgent.
    /// The unit (in [`Content::timetable`]) a `kind: timetable` node shows.
    pub fn unit(&self) -> Option<usize> {
        self.unit
    }

    /// The roster line a `kind: handoff` node's questions go to
    /// ([`DOCTORS_LINE`] unless it names another).
    pub fn line(&self) -> &str {
        self.line.as_deref().unwrap_or(DOCTORS_LINE)
    }

    /// The check-ins of a `kind: companion` node.
    pub fn companion(&self) -> Option<&Companion> {
        self.companion.as_ref()
    }

    pub fn is_urgent(&self) -> bool {
        self.urgent
    }
}
