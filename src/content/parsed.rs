//! What the loader read and parsed, before validation: raw values with the
//! files they came from. Its own file, beside the loader that fills it, so
//! that validation and the translators' texts both read it without
//! importing each other.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::Arc;

use super::raw::{RawManifest, RawNode, RawServices};
use super::stamps::RawStamps;
use crate::diagnostics::FileId;

/// What the loader read and parsed.
#[derive(Default)]
pub struct Parsed {
    pub manifest: Option<(FileId, RawManifest)>,
    /// `services.yaml`, if the content has one.
    pub services: Option<(FileId, RawServices)>,
    /// Nodes in file order, each with the file it came from.
    pub nodes: Vec<(FileId, RawNode)>,
    /// Ids of nodes whose YAML did not parse: references to them are not errors.
    pub broken_ids: HashSet<String>,
    /// True if a whole file could not be parsed, so ids may be missing.
    pub incomplete: bool,
    /// `.ftl` files per locale code found in the locales directory.
    pub locale_files: BTreeMap<String, Vec<FileId>>,
    /// Media files that exist, by path relative to the content directory.
    pub media: HashMap<String, Arc<[u8]>>,
    /// Media files that exist but were refused, with the reason.
    pub media_refused: HashMap<String, String>,
    /// `translations.lock`, if the content directory has one.
    pub stamps: Option<(FileId, RawStamps)>,
}
