//! The hazard log as written (`safety/hazards/*.yaml`, `safety/sources.yaml`):
//! serde types that keep each value's position, so every problem points at
//! `file:line:col`. Nothing here is checked yet; see `validate.rs`.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::Deserialize;
use serde_saphyr::Spanned;

use super::risk::Risk;

/// A phrase or a message per locale code: `{ ru: "...", en: "..." }`.
pub type Localized = BTreeMap<String, Spanned<String>>;

/// `safety/sources.yaml`: each source key with its full citation.
pub type RawSources = BTreeMap<String, Spanned<String>>;

/// One hazard: what could harm whom and how, why, how likely and how bad
/// before and after its controls, and the controls themselves.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "Hazard")]
pub struct RawHazard {
    /// `HZ-` and capitals, digits and dashes, unique across the log.
    #[schemars(with = "String")]
    pub id: Spanned<String>,
    /// One line, as SAFETY.md's table shows it.
    #[schemars(with = "String")]
    pub title: Spanned<String>,
    /// What could harm whom and how, as a story of one person.
    #[schemars(with = "String")]
    pub harm: Spanned<String>,
    /// Who is harmed or misled: a parent, a pregnant woman, the helper...
    #[serde(default)]
    pub affects: Vec<String>,
    /// What in the bot, its content or its use could lead to the harm.
    #[serde(default)]
    pub causes: Vec<String>,
    /// Where it was found: a key of `safety/sources.yaml`.
    #[schemars(with = "String")]
    pub source: Spanned<String>,
    /// The risk without the controls.
    #[schemars(with = "Risk")]
    pub before: Spanned<Risk>,
    /// The residual risk, with the controls in place.
    #[schemars(with = "Risk")]
    pub after: Spanned<Risk>,
    /// What keeps the risk down; each one is checked by `check`.
    #[serde(default)]
    pub controls: Vec<RawControl>,
    #[schemars(with = "Status")]
    pub status: Spanned<Status>,
    /// Anything the medical reviewer should know (what remains to review).
    #[serde(default)]
    pub note: Option<String>,
}

/// Where a hazard stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    /// Found, controls not yet in place or not yet enough.
    Open,
    /// Controls in place; the residual risk is argued in SAFETY.md.
    Mitigated,
    /// No longer applies (the feature is gone).
    Closed,
    /// Handed to someone outside the bot (the organisation, its lawyer).
    Transferred,
}

/// One control: exactly one of `page` (with `says`), `search` (with
/// `opens`), `urgent`, `summary` (with `says`), `reachable` (with `taps`),
/// `companion` (with `watches_at_least`) or `test`.
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "Control")]
pub struct RawControl {
    /// A page (or companion) whose text must contain `says` in every locale
    /// it is translated into.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub page: Option<Spanned<String>>,
    /// Per locale, a phrase (any case, spaces normalised).
    #[serde(default)]
    #[schemars(with = "Option<BTreeMap<String, String>>")]
    pub says: Option<Spanned<Localized>>,
    /// Per locale, a message as a person types it: it must open `opens`
    /// (the emergency page opened at once, or the first search result).
    #[serde(default)]
    #[schemars(with = "Option<BTreeMap<String, String>>")]
    pub search: Option<Spanned<Localized>>,
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub opens: Option<Spanned<String>>,
    /// A page that must be marked `urgent: true`.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub urgent: Option<Spanned<String>>,
    /// A page whose group-chat `summary` must contain `says`.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub summary: Option<Spanned<String>>,
    /// A page that must be at most `taps` taps from /start.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub reachable: Option<Spanned<String>>,
    #[serde(default)]
    #[schemars(with = "Option<u32>")]
    pub taps: Option<Spanned<u32>>,
    /// A companion that must not end on an answer before
    /// `watches_at_least` has passed since it (re)started.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub companion: Option<Spanned<String>>,
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub watches_at_least: Option<Spanned<String>>,
    /// A test that must exist: `tests/suite/companion.rs::name`, a path from the
    /// repository's root and the name of a function in that file.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub test: Option<Spanned<String>>,
}
