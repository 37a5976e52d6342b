//! Diagnostics: what `check` (and `serve` at start-up) says about content.
//!
//! A [`Diagnostic`] is data, not an error: broken content produces a list of them,
//! sorted by file and line, each with a stable [`Code`], a message and an optional
//! hint. This module only describes and renders them; it never reads files.

mod render;
mod source;
pub mod yaml;

pub use render::{Format, render, render_brief, render_places};
pub use source::{FileId, SourceMap, Span};

use std::fmt;

/// How bad a finding is. Errors stop the bot from starting; warnings do not
/// (unless `--deny-warnings`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    Error,
    Warning,
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        })
    }
}

macro_rules! codes {
    ($($variant:ident = $code:literal, $severity:ident, $summary:literal;)*) => {
        /// Stable diagnostic codes. Editors and CI bots match on these strings,
        /// so a code is never renumbered or reused; `content/README.md` lists them.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Code { $($variant,)* }

        impl Code {
            /// Every code, in numeric order (for the editor documentation).
            pub const ALL: &'static [Code] = &[$(Code::$variant,)*];

            /// The stable identifier, e.g. `E0003`.
            pub fn as_str(self) -> &'static str {
                match self { $(Code::$variant => $code,)* }
            }

            /// The severity every diagnostic with this code has.
            pub fn severity(self) -> Severity {
                match self { $(Code::$variant => Severity::$severity,)* }
            }

            /// One line on what the code means.
            pub fn summary(self) -> &'static str {
                match self { $(Code::$variant => $summary,)* }
            }
        }
    };
}

codes! {
    Io = "E0001", Error, "a content file or directory cannot be read";
    YamlSyntax = "E0002", Error, "YAML syntax error or a value of the wrong shape (including unknown fields)";
    DuplicateId = "E0003", Error, "two nodes share one id";
    UnknownNode = "E0004", Error, "a reference to a node id that does not exist";
    Unreachable = "E0005", Error, "a node cannot be reached from the root";
    MissingLocale = "E0006", Error, "a text lacks the primary or the default locale";
    UnknownLocale = "E0007", Error, "a text is given for a locale the manifest does not list";
    FluentSyntax = "E0008", Error, "Fluent (.ftl) syntax error";
    FluentMissing = "E0009", Error, "a Fluent message is missing in one locale";
    InvalidId = "E0010", Error, "a node id is not a valid deep-link payload";
    TextTooLong = "E0011", Error, "rendered text exceeds Telegram's limit";
    UnsupportedMarkup = "E0012", Error, "markup that Telegram messages cannot show";
    NoEmergencyNumbers = "E0013", Error, "the manifest lists no emergency numbers";
    EmptyNode = "E0014", Error, "a node without the text or buttons its kind needs";
    NodeKeyCollision = "E0015", Error, "two node ids hash to the same callback key";
    MediaMissing = "E0016", Error, "a media file referenced by a node does not exist";
    InvalidManifest = "E0017", Error, "the manifest is inconsistent";
    EmergencyTooDeep = "E0018", Error, "the emergency page is more taps from /start than allowed";
    InvalidReview = "E0019", Error, "a review record is incomplete or dated in the future";
    FluentInvalid = "E0020", Error, "a Fluent message cannot be formatted";
    RosterZone = "E0021", Error, "the roster names a time zone that does not exist";
    RosterUnknownDoctor = "E0022", Error, "a roster shift or override names a doctor who is not listed";
    RosterOverlap = "E0023", Error, "two shifts of one doctor overlap";
    RosterInvalid = "E0024", Error, "a roster value is malformed (time, day, date, language, duplicate doctor)";
    FileRefused = "E0025", Error, "a file leads outside its directory, is not a regular file, is too large, or is past the total size or file count of one load";
    FluentTooDeep = "E0026", Error, "Fluent placeables or call arguments nested deeper than the bot allows";
    CompanionInvalid = "E0027", Error, "a companion's check-ins are inconsistent (durations, answers, steps)";
    ServicesInvalid = "E0028", Error, "services.yaml is inconsistent (zone, stops, days, times, dates, cancellations) or a timetable names no unit";
    UnknownReviewer = "E0029", Error, "a review names someone the manifest does not list as a reviewer";
    GroupInvalid = "E0030", Error, "a group command is not a valid Telegram command or is reserved, or a summary is over 200 characters or on several lines";
    LineInvalid = "E0031", Error, "a node's `line` is not a line id, or is on a node that is not a handoff";
    HazardInvalid = "E0032", Error, "the hazard log is malformed (an id, a source, a control's shape, a locale)";
    ControlBroken = "E0033", Error, "a hazard's control no longer holds (a page, phrase, search result, companion time or test is missing)";
    MarkupLimit = "E0034", Error, "Markdown lists nested deeper, or a text rendered longer, than the bot allows";
    RefusedLink = "E0035", Error, "a link that acts on the person's app (a proxy, a language, a log-in) or a Telegram link not written as https://t.me/… or tg://resolve";
    NeverReviewed = "W0001", Warning, "a page has not been reviewed by a medical professional";
    StaleReview = "W0002", Warning, "a page's last review is older than the allowed age";
    FluentExtra = "W0003", Warning, "a Fluent message is never used by the bot";
    DeepNode = "W0004", Warning, "a node is deeper than the Back breadcrumb can remember";
    NoSources = "W0005", Warning, "a page names no sources";
    OrganisationUnfilled = "W0006", Warning, "the organisation's details are still the shipped stand-ins";
    RosterGap = "W0007", Warning, "hours of the week when no doctor is on shift (cases go to the duty chat)";
    EmergencyKeyword = "W0008", Warning, "a keyword or title of another page reads as an emergency message, so search opens the emergency page for it";
    ShortEscalation = "W0009", Warning, "an escalation time of the roster is under a minute";
    TranslationStale = "W0010", Warning, "a translation was made from an older primary-language text, or was never stamped";
    ChangedAfterReview = "W0011", Warning, "a reviewed page changed after its review, or its review records no hash";
    TranslationCoverage = "W0012", Warning, "a locale lacks translations: those pages are shown in the primary locale";
    LocaleNotOffered = "W0013", Warning, "a locale's emergency path is not translated, so the language menu does not offer it";
    HazardUncontrolled = "W0014", Warning, "a hazard of the log has no control";
    HazardHighRisk = "W0015", Warning, "a hazard's residual risk is rated 4 or 5 (unacceptable in DCB0129's matrix)";
    LinkElsewhere = "W0016", Warning, "a link to a site outside Telegram: opening it shows that site the person's IP address";
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One finding, pointing at the place in a source file where it can be fixed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    pub code: Code,
    pub message: String,
    /// Where to look; `None` for findings about a missing file or directory.
    pub span: Option<Span>,
    /// Text under the primary caret, e.g. "unknown node".
    pub label: Option<String>,
    /// Other places that matter, e.g. the first definition of a duplicate id.
    pub related: Vec<(Span, String)>,
    /// How to fix it: "did you mean `cpr-steps`?".
    pub help: Option<String>,
}

impl Diagnostic {
    /// A diagnostic with `code` and `message` and nothing else yet.
    pub fn new(code: Code, message: impl Into<String>) -> Self {
        Diagnostic {
            code,
            message: message.into(),
            span: None,
            label: None,
            related: Vec::new(),
            help: None,
        }
    }

    pub fn at(mut self, span: Span) -> Self {
        self.span = Some(span);
        self
    }

    pub fn at_opt(mut self, span: Option<Span>) -> Self {
        self.span = span;
        self
    }

    pub fn label(mut self, label: impl Into<String>) -> Self {
        self.label = Some(label.into());
        self
    }

    pub fn related(mut self, span: Span, note: impl Into<String>) -> Self {
        self.related.push((span, note.into()));
        self
    }

    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    pub fn help_opt(mut self, help: Option<String>) -> Self {
        self.help = help;
        self
    }

    pub fn severity(&self) -> Severity {
        self.code.severity()
    }
}

/// Every diagnostic of one run, kept sorted by file, line and column.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Diagnostics(Vec<Diagnostic>);

impl Diagnostics {
    pub fn push(&mut self, diagnostic: Diagnostic) {
        self.0.push(diagnostic);
    }

    pub fn extend(&mut self, other: impl IntoIterator<Item = Diagnostic>) {
        self.0.extend(other);
    }

    pub fn error_count(&self) -> usize {
        self.count(Severity::Error)
    }

    pub fn warning_count(&self) -> usize {
        self.count(Severity::Warning)
    }

    pub fn has_errors(&self) -> bool {
        self.error_count() > 0
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn iter(&self) -> impl Iterator<Item = &Diagnostic> {
        self.0.iter()
    }

    /// Sorts into reading order: by file, then position, then code. Findings
    /// without a place come first, because they are usually the cause of the rest.
    pub fn sort(&mut self, sources: &SourceMap) {
        self.0.sort_by(|a, b| {
            let key = |d: &Diagnostic| {
                d.span
                    .map(|s| (Some(sources.path(s.file).to_owned()), s.start))
                    .unwrap_or((None, 0))
            };
            key(a)
                .cmp(&key(b))
                .then(a.code.cmp(&b.code))
                .then(a.message.cmp(&b.message))
        });
        self.0.dedup();
    }

    fn count(&self, severity: Severity) -> usize {
        self.0.iter().filter(|d| d.severity() == severity).count()
    }
}

impl IntoIterator for Diagnostics {
    type Item = Diagnostic;
    type IntoIter = std::vec::IntoIter<Diagnostic>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}

/// The closest candidate to `wrong` among `candidates`, for "did you mean" hints.
/// Returns `None` when nothing is similar enough to be a plausible typo.
pub fn did_you_mean<'a>(wrong: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    candidates
        .into_iter()
        .map(|c| (strsim::normalized_damerau_levenshtein(wrong, c), c))
        .filter(|(score, _)| *score >= 0.6)
        .max_by(|a, b| a.0.total_cmp(&b.0).then(b.1.cmp(a.1)))
        .map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_and_well_formed() {
        let mut seen = std::collections::HashSet::new();
        for code in Code::ALL {
            let s = code.as_str();
            assert!(seen.insert(s), "duplicate code {s}");
            let prefix = match code.severity() {
                Severity::Error => 'E',
                Severity::Warning => 'W',
            };
            assert!(s.starts_with(prefix) && s.len() == 5, "{s}");
        }
    }

    #[test]
    fn did_you_mean_finds_typos_only() {
        let ids = ["cpr-steps", "naloxone", "not-breathing"];
        assert_eq!(did_you_mean("cpr-step", ids), Some("cpr-steps"));
        assert_eq!(did_you_mean("nalokson", ids), Some("naloxone"));
        assert_eq!(did_you_mean("wounds", ids), None);
    }
}
