//! The content files as written: serde types that keep the source position of
//! every value an editor may get wrong. Nothing here is validated yet; see
//! `validate.rs` for the rules and `model.rs` for the checked result.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::Deserialize;
use serde_saphyr::Spanned;

/// A text per locale code: `{ ru: "...", en: "..." }`.
pub type Localized = BTreeMap<String, Spanned<String>>;

/// `content/bot.yaml`: what holds the tree together.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "Manifest")]
pub struct RawManifest {
    /// Content version, e.g. `2026.11.24-1`; shown in /about, tagged into buttons.
    #[schemars(with = "String")]
    pub version: Spanned<String>,
    #[schemars(with = "Vec<RawLocale>")]
    pub locales: Spanned<Vec<RawLocale>>,
    #[schemars(with = "String")]
    pub default_locale: Spanned<String>,
    /// The language the content is written in first (the organisation's
    /// working language): every other locale translates it, and a page not
    /// yet translated is shown in it. Default: the first of `locales`.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub primary_locale: Option<Spanned<String>>,
    /// The node /start opens.
    #[schemars(with = "String")]
    pub root: Spanned<String>,
    /// The "someone is not breathing" page: shown after voice messages and
    /// stickers, and checked to be within `max_emergency_taps` of the root.
    #[schemars(with = "String")]
    pub emergency: Spanned<String>,
    /// The menu shown when someone sends a photo or video, which the bot
    /// cannot look at: it asks whether someone is unresponsive (its first
    /// button, the emergency page) or what else it is about. Without it,
    /// photos get the emergency page like voice messages do.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub photo: Option<Spanned<String>>,
    #[serde(default)]
    #[schemars(with = "Option<u32>")]
    pub max_emergency_taps: Option<Spanned<u32>>,
    #[schemars(with = "Vec<RawEmergencyNumber>")]
    pub emergency_numbers: Spanned<Vec<RawEmergencyNumber>>,
    #[schemars(with = "BTreeMap<String, String>")]
    pub disclaimer: Spanned<Localized>,
    /// Who runs the bot and how to reach them: shown in /about.
    #[schemars(with = "RawOrganisation")]
    pub organisation: Spanned<RawOrganisation>,
    /// Pages reviewed longer ago than this many days get a warning.
    #[serde(default)]
    #[schemars(with = "Option<u32>")]
    pub review_max_age_days: Option<Spanned<u32>>,
    /// The medical professionals who may sign pages off; a page's
    /// `review.by` names one of them.
    #[serde(default)]
    #[schemars(with = "Vec<RawReviewer>")]
    pub reviewers: Vec<RawReviewer>,
    /// Group chats: each command the bot answers there (`bus`, `naloxone`)
    /// and the node whose short public answer it gives: the title, the
    /// node's `summary`, the emergency numbers and a button that opens the
    /// page in a private chat. `/start` and any other command give the
    /// root's; a message that describes an emergency, the emergency page's.
    #[serde(default)]
    #[schemars(with = "BTreeMap<String, String>")]
    pub group_commands: BTreeMap<String, Spanned<String>>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "Reviewer")]
pub struct RawReviewer {
    /// As written in `review.by`, e.g. "Dr N. Ivanova".
    #[schemars(with = "String")]
    pub name: Spanned<String>,
    /// What they are, e.g. "harm-reduction physician"; shown in the preview.
    #[schemars(with = "String")]
    pub role: Spanned<String>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "Organisation")]
pub struct RawOrganisation {
    /// The organisation's name, per locale.
    #[schemars(with = "BTreeMap<String, String>")]
    pub name: Spanned<Localized>,
    /// How people reach it (address, hours, phone, channel), per locale.
    #[schemars(with = "BTreeMap<String, String>")]
    pub contact: Spanned<Localized>,
    /// `true` while the texts are the shipped stand-ins: `check` warns
    /// (W0006) until the organisation writes its own and removes this.
    #[serde(default)]
    #[schemars(with = "Option<bool>")]
    pub fill_in: Option<Spanned<bool>>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "Locale")]
pub struct RawLocale {
    #[schemars(with = "String")]
    pub code: Spanned<String>,
    /// Telegram language codes also served in this locale (e.g. `uk` for `ru`).
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    pub also_for: Vec<Spanned<String>>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "EmergencyNumber")]
pub struct RawEmergencyNumber {
    /// Digits only, e.g. "112": shown at the bottom of every screen.
    #[schemars(with = "String")]
    pub number: Spanned<String>,
    /// What the number is for, per locale; shown in /help.
    #[schemars(with = "BTreeMap<String, String>")]
    pub label: Spanned<Localized>,
}

/// One node of the tree, as one item of the list in a content file.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "Node")]
pub struct RawNode {
    /// Unique id: lowercase letters, digits and `-`, at most 64. Also the
    /// deep link `t.me/<bot>?start=<id>`; do not rename published ids.
    #[schemars(with = "String")]
    pub id: Spanned<String>,
    /// `page` (default) or `menu`.
    #[serde(default)]
    #[schemars(with = "Option<NodeKind>")]
    pub kind: Option<Spanned<NodeKind>>,
    /// Per locale: the screen's heading and the label of buttons leading here.
    #[schemars(with = "BTreeMap<String, String>")]
    pub title: Spanned<Localized>,
    /// Per locale, Markdown subset: paragraphs, lists, **bold**, *italic*,
    /// links. Required for pages.
    #[serde(default)]
    #[schemars(with = "Option<BTreeMap<String, String>>")]
    pub text: Option<Spanned<Localized>>,
    /// Per locale: one plain line (at most 200 characters) under the title
    /// in a group chat's short public answer. Without it, a group gets the
    /// title, the emergency numbers and the button.
    #[serde(default)]
    #[schemars(with = "Option<BTreeMap<String, String>>")]
    pub summary: Option<Spanned<Localized>>,
    /// Ids of the nodes this screen links to, in order. Back, Main menu
    /// and the emergency numbers are added by the bot.
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    pub buttons: Vec<Spanned<String>>,
    /// Per locale: words people type when they need this page.
    #[serde(default)]
    #[schemars(with = "Option<BTreeMap<String, Vec<String>>>")]
    pub keywords: Option<Spanned<BTreeMap<String, Spanned<Vec<String>>>>>,
    /// A picture or sound sent with the page; the text becomes its caption
    /// (at most 1024 characters).
    #[serde(default)]
    #[schemars(with = "Option<RawMedia>")]
    pub media: Option<Spanned<RawMedia>>,
    /// Medical review record; `{ status: draft }` until a medical
    /// professional has checked the page.
    #[serde(default)]
    #[schemars(with = "Option<RawReview>")]
    pub review: Option<Spanned<RawReview>>,
    /// Guidelines and documents the text follows.
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    pub sources: Vec<Spanned<String>>,
    /// `true` on a page only the organisation can write (its addresses,
    /// hours, where to get naloxone): the shipped text is a stand-in and
    /// `check` warns (W0006) until the organisation replaces it and removes
    /// this line. Such pages need no `sources`.
    #[serde(default)]
    #[schemars(with = "Option<bool>")]
    pub fill_in: Option<Spanned<bool>>,
    /// `true` on pages about a life-threatening situation (not breathing,
    /// an overdose, an artery hit, wounds that need 112): a question to the
    /// doctors asked from here, or from a page under it, is marked urgent
    /// on the case card.
    #[serde(default)]
    #[schemars(with = "Option<bool>")]
    pub urgent: Option<Spanned<bool>>,
    /// `kind: companion` only: the check-ins, the first one started by the
    /// button, each answer naming the one that follows.
    #[serde(default)]
    #[schemars(with = "Vec<RawCheckIn>")]
    pub checkins: Vec<RawCheckIn>,
    /// `kind: timetable` only: the id of the unit in `services.yaml` whose
    /// stops the screen computes ("Where is the bus?").
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub unit: Option<Spanned<String>>,
    /// `kind: handoff` only: the roster's line the questions go to
    /// (`outreach`); default `doctors`. A line the roster does not have
    /// shows as not open.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub line: Option<Spanned<String>>,
    /// `kind: companion` only: the check-ins stop by themselves this long
    /// after the start, or after the last answer that `restarts` them
    /// (default `2h`): `30m`, `1h 30m`.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub ends_after: Option<Spanned<String>>,
    /// `kind: companion` only: per locale, what the bot says when an answer
    /// ends the check-ins (what to keep doing now); without it, a general
    /// "check-ins ended".
    #[serde(default)]
    #[schemars(with = "Option<BTreeMap<String, String>>")]
    pub done: Option<Spanned<Localized>>,
}

/// One timed question of a companion.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "CheckIn")]
pub struct RawCheckIn {
    /// Unique within the companion; answers name it in `then`.
    #[schemars(with = "String")]
    pub id: Spanned<String>,
    /// How long after the start (or the answer that led here) it is asked,
    /// and asked again while unanswered: `2m30s`, `30m`.
    #[schemars(with = "String")]
    pub after: Spanned<String>,
    /// Per locale, Markdown subset: the question, short.
    #[schemars(with = "BTreeMap<String, String>")]
    pub ask: Spanned<Localized>,
    /// One to three answers, each a button.
    #[schemars(with = "Vec<RawAnswer>")]
    pub answers: Spanned<Vec<RawAnswer>>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "Answer")]
pub struct RawAnswer {
    /// Per locale: the button.
    #[schemars(with = "BTreeMap<String, String>")]
    pub label: Spanned<Localized>,
    /// A page sent at once when this answer is tapped (the next dose, CPR).
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub show: Option<Spanned<String>>,
    /// The check-in that follows; none: the check-ins end.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub then: Option<Spanned<String>>,
    /// The answer starts the watch again from now, as a new dose does:
    /// `ends_after` and the minimum watch count from this answer.
    #[serde(default)]
    #[schemars(with = "Option<bool>")]
    pub restarts: Option<Spanned<bool>>,
}

/// What a node is for; decides which fields it needs.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum NodeKind {
    /// Instructions: needs text, a review record and sources.
    #[default]
    Page,
    /// A list of choices: needs buttons; its text is an optional one-line prompt.
    Menu,
    /// "Ask a doctor": its text introduces a line of the roster (`line`,
    /// default the doctors'); the bot adds who is on duty and a button to
    /// write the question. Needs text.
    Handoff,
    /// Timed check-ins ("I gave naloxone"): a button to it starts them in
    /// the person's chat; its text is what the person is told at the start.
    /// Needs text, `checkins`, a review record and sources.
    Companion,
    /// "Where is the bus?": where a mobile unit of `services.yaml` is now
    /// and stops next, computed when asked. Needs `unit`.
    Timetable,
}

impl NodeKind {
    /// Pages and companions hold medical advice: they need a review record
    /// and sources.
    pub fn gives_advice(self) -> bool {
        matches!(self, NodeKind::Page | NodeKind::Companion)
    }
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "Media")]
pub struct RawMedia {
    #[serde(rename = "type")]
    pub kind: MediaKind,
    /// Path relative to the content directory.
    #[schemars(with = "String")]
    pub file: Spanned<String>,
}

/// How Telegram should send a media attachment.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum MediaKind {
    Photo,
    Audio,
    Voice,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "Review")]
pub struct RawReview {
    /// `draft` or `reviewed`.
    #[schemars(with = "ReviewStatus")]
    pub status: Spanned<ReviewStatus>,
    /// Name of the reviewer, one of the manifest's `reviewers` (required
    /// when reviewed).
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub by: Option<Spanned<String>>,
    /// An ISO date, `2026-11-20`; parsed by the validator for a clear message.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub on: Option<Spanned<String>>,
    /// Hash of the primary-language texts the reviewer read, written by
    /// `overdose-bot review --sign`, never by hand: `check` warns when the
    /// page has changed since.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub hash: Option<Spanned<String>>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum ReviewStatus {
    Draft,
    Reviewed,
}

/// `content/services.yaml`: the organisation's mobile units and their
/// weekly stops, in local time.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "Services")]
pub struct RawServices {
    /// IANA time zone the stops are written in, e.g. `Europe/Moscow`.
    #[schemars(with = "String")]
    pub timezone: Spanned<String>,
    #[serde(default)]
    #[schemars(with = "Vec<RawUnit>")]
    pub units: Vec<RawUnit>,
}

/// A mobile unit (the bus): where it stops, week by week.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "Unit")]
pub struct RawUnit {
    /// Named by a `kind: timetable` node's `unit`.
    #[schemars(with = "String")]
    pub id: Spanned<String>,
    /// Per locale, e.g. "The harm-reduction bus".
    #[schemars(with = "BTreeMap<String, String>")]
    pub name: Spanned<Localized>,
    #[serde(default)]
    #[schemars(with = "Vec<RawStop>")]
    pub stops: Vec<RawStop>,
    /// Dates a stop (or, without `stop`, the whole day) does not happen.
    #[serde(default)]
    #[schemars(with = "Vec<RawCancellation>")]
    pub cancelled: Vec<RawCancellation>,
    /// `true` while the timetable is a stand-in the organisation has not
    /// written: `check` warns (W0006) and people are told it is not published.
    #[serde(default)]
    #[schemars(with = "Option<bool>")]
    pub fill_in: Option<Spanned<bool>>,
}

/// A weekly stop.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "Stop")]
pub struct RawStop {
    /// Unique within the unit; cancellations name it.
    #[schemars(with = "String")]
    pub id: Spanned<String>,
    /// Per locale: what people recognise, e.g. "Ligovsky Avenue metro".
    #[schemars(with = "BTreeMap<String, String>")]
    pub place: Spanned<Localized>,
    /// Per locale: the address.
    #[schemars(with = "BTreeMap<String, String>")]
    pub address: Spanned<Localized>,
    /// A map link (https), shown as a link.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub map: Option<Spanned<String>>,
    /// `mon` ... `sun`, or `daily`.
    #[schemars(with = "Vec<String>")]
    pub days: Spanned<Vec<Spanned<String>>>,
    /// `"18:00"`.
    #[schemars(with = "String")]
    pub from: Spanned<String>,
    /// Earlier than or equal to `from` means the next day.
    #[schemars(with = "String")]
    pub to: Spanned<String>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "Cancellation")]
pub struct RawCancellation {
    /// `2026-12-31`.
    #[schemars(with = "String")]
    pub date: Spanned<String>,
    /// The stop that does not happen; none: the whole day.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub stop: Option<Spanned<String>>,
    /// Per locale, e.g. "the bus is being repaired".
    #[serde(default)]
    #[schemars(with = "Option<BTreeMap<String, String>>")]
    pub note: Option<Spanned<Localized>>,
}
