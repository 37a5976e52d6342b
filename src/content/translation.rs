//! Where each translation stands against the primary-language text it
//! translates, worked out by validation (even when the content has errors)
//! for `check`, `translations` and the preview.

use super::stamps::Stamps;
use crate::diagnostics::{FileId, Span};

/// One translation of one text.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum State {
    /// Stamped with the current primary text's hash.
    Current,
    /// Stamped, but the primary text has changed since.
    Stale,
    /// There, but never stamped (or no `translations.lock` at all).
    Unstamped,
    /// Not written yet: the primary text stands in.
    Missing,
}

/// A text of the content in every locale but the primary.
#[derive(Clone, Debug)]
pub struct Entry {
    /// `not-breathing.text`, as in `translations.lock`.
    pub key: String,
    /// The node it belongs to; `None` for the manifest's texts.
    pub node: Option<String>,
    pub file: FileId,
    /// The primary-language text.
    pub source: Span,
    /// Its hash, what a stamp records.
    pub source_hash: String,
    /// Per non-primary locale, in manifest order: its state and where to
    /// fix it (the translation, or the map that lacks it).
    pub locales: Vec<(State, Span)>,
}

/// Every translatable text's state, and which locales are offered.
#[derive(Clone, Debug, Default)]
pub struct Status {
    pub primary: String,
    /// The non-primary locales, in manifest order.
    pub locales: Vec<String>,
    /// Whether `translations.lock` exists; without it nothing is tracked yet.
    pub tracked: bool,
    /// The stamps as read.
    pub stamps: Stamps,
    pub entries: Vec<Entry>,
    /// Each node's entries (indices into `entries`): a node's state is
    /// looked up, not searched for among every text of the content.
    pub by_node: std::collections::HashMap<String, Vec<usize>>,
    /// Per non-primary locale: whether its emergency path is complete, so
    /// the language menu may offer it.
    pub offered: Vec<bool>,
}

impl Status {
    /// The state of node `id` in non-primary locale number `locale`: its
    /// worst text.
    pub fn of_node(&self, id: &str, locale: usize) -> State {
        self.by_node
            .get(id)
            .into_iter()
            .flatten()
            .map(|&index| self.entries[index].locales[locale].0)
            .max()
            .unwrap_or(State::Current)
    }
}
