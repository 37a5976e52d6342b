//! The clinical safety case's hazard log (`safety/`): what could harm whom
//! and how, and the controls that keep each risk down, in the style of the
//! NHS standard DCB0129. `check` reads the log with the content and fails
//! when a control no longer holds: a page that stopped saying what a hazard
//! needs said, a message that no longer opens the page it must, a companion
//! that ends too early, a test that was renamed away. SAFETY.md argues the
//! residual risks; `preview` shows the log beside the pages.
//!
//! `load` reads the files (through `crate::files`, inside the log's
//! directory and the repository); `validate` is pure.

mod load;
pub mod raw;
pub mod risk;
mod validate;

pub use load::{DEFAULT_DIR, HAZARDS_DIR, SOURCES_FILE, check};
pub use raw::Status;

impl Status {
    /// As written in the log.
    pub fn name(self) -> &'static str {
        match self {
            Status::Open => "open",
            Status::Mitigated => "mitigated",
            Status::Closed => "closed",
            Status::Transferred => "transferred",
        }
    }
}
pub use risk::{Likelihood, Risk, Severity};

/// One hazard of the log, checked.
#[derive(Clone, Debug)]
pub struct Hazard {
    pub id: String,
    pub title: String,
    pub harm: String,
    pub affects: Vec<String>,
    pub causes: Vec<String>,
    /// The source's key and its citation.
    pub source: String,
    pub citation: String,
    pub before: Risk,
    pub after: Risk,
    pub controls: Vec<Control>,
    pub status: Status,
    pub note: Option<String>,
    /// Where it is written, for the reviewer.
    pub file: String,
    pub line: usize,
}

/// What keeps a hazard's risk down, as `check` verifies it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Control {
    /// The page says each phrase in its locale.
    Says {
        page: String,
        phrases: Vec<(String, String)>,
    },
    /// The page's group-chat summary says each phrase.
    Summary {
        page: String,
        phrases: Vec<(String, String)>,
    },
    /// Each message, typed in its locale, opens the page first.
    Search {
        messages: Vec<(String, String)>,
        opens: String,
    },
    /// The page is marked urgent.
    Urgent { page: String },
    /// The page is at most this many taps from /start.
    Reachable { page: String, taps: u32 },
    /// The companion does not end on an answer before this long.
    Watches { companion: String, at_least: String },
    /// A test of the repository (`path::name`).
    Test { name: String },
}

impl Control {
    /// The page or companion the control keeps, if it names one.
    pub fn node(&self) -> Option<&str> {
        match self {
            Control::Says { page, .. }
            | Control::Summary { page, .. }
            | Control::Urgent { page }
            | Control::Reachable { page, .. } => Some(page),
            Control::Search { opens, .. } => Some(opens),
            Control::Watches { companion, .. } => Some(companion),
            Control::Test { .. } => None,
        }
    }

    /// One line for the preview and the reviewer.
    pub fn describe(&self) -> String {
        let pairs = |list: &[(String, String)]| {
            list.iter()
                .map(|(code, text)| format!("{code}: \u{ab}{text}\u{bb}"))
                .collect::<Vec<_>>()
                .join("; ")
        };
        match self {
            Control::Says { page, phrases } => format!("page `{page}` says {}", pairs(phrases)),
            Control::Summary { page, phrases } => format!("group answer of `{page}` says {}", pairs(phrases)),
            Control::Search { messages, opens } => format!("{} opens `{opens}` first", pairs(messages)),
            Control::Urgent { page } => format!("`{page}` is marked urgent"),
            Control::Reachable { page, taps } => format!("`{page}` is at most {taps} taps from /start"),
            Control::Watches { companion, at_least } => {
                format!("companion `{companion}` keeps watching at least {at_least}")
            }
            Control::Test { name } => format!("test `{name}` passes in CI"),
        }
    }
}
