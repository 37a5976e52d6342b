//! The roster file as written, with positions for diagnostics. Values whose
//! format serde cannot check (zones, times, days, dates) stay strings here
//! and are parsed in `load`, where a mistake gets its own message.

use serde::Deserialize;
use serde_saphyr::Spanned;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawRoster {
    /// IANA time zone the shifts are written in, e.g. `Europe/Moscow`.
    pub timezone: Spanned<String>,
    /// Content locale of the cards and doctor-facing messages; defaults to
    /// the content's default locale.
    #[serde(default)]
    pub language: Option<Spanned<String>>,
    /// Group chat that receives cases when nobody is on shift.
    pub duty_chat: Spanned<i64>,
    /// Telegram user ids of the coordinators.
    #[serde(default)]
    pub admins: Vec<Spanned<i64>>,
    pub doctors: Vec<RawDoctor>,
    #[serde(default)]
    pub shifts: Vec<RawShift>,
    #[serde(default)]
    pub overrides: RawOverrides,
    /// How long a case may wait before it goes on, like an on-call tool's
    /// escalation policy.
    #[serde(default)]
    pub escalation: RawEscalation,
    /// Further lines beside the doctors' (outreach workers, say), each with
    /// its own people, shifts and duty chat; zone, language and admins are
    /// the top level's.
    #[serde(default)]
    pub lines: Vec<RawLine>,
}

/// A further line: the same fields as the doctors' line at the top level.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawLine {
    /// What content's handoff nodes name it by (`line: outreach`).
    pub id: Spanned<String>,
    pub duty_chat: Spanned<i64>,
    /// The line's people, written like `doctors`.
    pub people: Vec<RawDoctor>,
    #[serde(default)]
    pub shifts: Vec<RawShift>,
    #[serde(default)]
    pub overrides: RawOverrides,
    #[serde(default)]
    pub escalation: RawEscalation,
}

/// Durations as people write them: `5m`, `90s`, `1h 30m`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawEscalation {
    /// A case nobody takes within this goes to the next doctor on shift,
    /// then to the duty chat (default 5m).
    #[serde(default)]
    pub take_within: Option<Spanned<String>>,
    /// The same for a case asked from the emergency path (default 2m).
    #[serde(default)]
    pub urgent_take_within: Option<Spanned<String>>,
    /// A taken case not answered within this reminds the doctor who took
    /// it; after as long again it returns to the pool (default 15m).
    #[serde(default)]
    pub answer_within: Option<Spanned<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawDoctor {
    pub id: Spanned<String>,
    /// Shown to people asking, e.g. "Dr Anna".
    pub name: Spanned<String>,
    /// The doctor's Telegram user id (their private chat with the bot).
    pub chat: Spanned<i64>,
    /// A public contact people may be given when the bot cannot deliver.
    #[serde(default)]
    pub contact: Option<Spanned<String>>,
    pub languages: Spanned<Vec<Spanned<String>>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawShift {
    #[serde(alias = "person")]
    pub doctor: Spanned<String>,
    /// `mon` ... `sun`, or `daily`.
    pub days: Spanned<Vec<Spanned<String>>>,
    pub from: Spanned<String>,
    /// Earlier than or equal to `from` means the next day.
    pub to: Spanned<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawOverrides {
    #[serde(default)]
    pub holidays: Vec<RawHoliday>,
    #[serde(default)]
    pub swaps: Vec<RawSwap>,
    #[serde(default)]
    pub vacations: Vec<RawVacation>,
}

/// A date whose weekly shifts are replaced by the ones listed (none: nobody).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawHoliday {
    pub date: Spanned<String>,
    #[serde(default)]
    pub shifts: Vec<RawDatedShift>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawDatedShift {
    #[serde(alias = "person")]
    pub doctor: Spanned<String>,
    pub from: Spanned<String>,
    pub to: Spanned<String>,
}

/// On `date`, the shifts `doctor` would start are worked by `with`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawSwap {
    pub date: Spanned<String>,
    #[serde(alias = "person")]
    pub doctor: Spanned<String>,
    pub with: Spanned<String>,
}

/// From `from` to `to` (inclusive), `doctor` starts no shifts.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawVacation {
    #[serde(alias = "person")]
    pub doctor: Spanned<String>,
    pub from: Spanned<String>,
    pub to: Spanned<String>,
}
