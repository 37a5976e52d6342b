//! The content files as written: serde types that keep the source position of
//! every value an editor may get wrong. Nothing here is validated yet; see
//! `validate.rs` for the rules and `model.rs` for the checked result.

use std::collections::BTreeMap;

use serde::Deserialize;
use serde_saphyr::Spanned;

/// A text per locale code: `{ ru: "...", en: "..." }`.
pub type Localized = BTreeMap<String, Spanned<String>>;

/// `content/bot.yaml`: what holds the tree together.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawManifest {
    /// Content version, e.g. `2026.11.24-1`; shown in /about, tagged into buttons.
    pub version: Spanned<String>,
    pub locales: Spanned<Vec<RawLocale>>,
    pub default_locale: Spanned<String>,
    /// The node /start opens.
    pub root: Spanned<String>,
    /// The "someone is not breathing" page: shown after voice messages and
    /// stickers, and checked to be within `max_emergency_taps` of the root.
    pub emergency: Spanned<String>,
    #[serde(default)]
    pub max_emergency_taps: Option<Spanned<u32>>,
    pub emergency_numbers: Spanned<Vec<RawEmergencyNumber>>,
    pub disclaimer: Spanned<Localized>,
    /// Pages reviewed longer ago than this many days get a warning.
    #[serde(default)]
    pub review_max_age_days: Option<Spanned<u32>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawLocale {
    pub code: Spanned<String>,
    /// Telegram language codes also served in this locale (e.g. `uk` for `ru`).
    #[serde(default)]
    pub also_for: Vec<Spanned<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawEmergencyNumber {
    pub number: Spanned<String>,
    pub label: Spanned<Localized>,
}

/// One node of the tree, as one item of the list in a content file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawNode {
    pub id: Spanned<String>,
    #[serde(default)]
    pub kind: Option<Spanned<NodeKind>>,
    pub title: Spanned<Localized>,
    #[serde(default)]
    pub text: Option<Spanned<Localized>>,
    #[serde(default)]
    pub buttons: Vec<Spanned<String>>,
    #[serde(default)]
    pub keywords: Option<Spanned<BTreeMap<String, Spanned<Vec<String>>>>>,
    #[serde(default)]
    pub media: Option<Spanned<RawMedia>>,
    #[serde(default)]
    pub review: Option<Spanned<RawReview>>,
    #[serde(default)]
    pub sources: Vec<Spanned<String>>,
}

/// What a node is for; decides which fields it needs.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum NodeKind {
    /// Instructions: needs text, a review record and sources.
    #[default]
    Page,
    /// A list of choices: needs buttons; its text is an optional one-line prompt.
    Menu,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawMedia {
    #[serde(rename = "type")]
    pub kind: MediaKind,
    /// Path relative to the content directory.
    pub file: Spanned<String>,
}

/// How Telegram should send a media attachment.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum MediaKind {
    Photo,
    Audio,
    Voice,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawReview {
    pub status: Spanned<ReviewStatus>,
    #[serde(default)]
    pub by: Option<Spanned<String>>,
    /// An ISO date, `2026-11-20`; parsed by the validator for a clear message.
    #[serde(default)]
    pub on: Option<Spanned<String>>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ReviewStatus {
    Draft,
    Reviewed,
}
