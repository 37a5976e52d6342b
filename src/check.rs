//! The `check` command's verdict: the report text and the exit status.

use crate::content::Loaded;
use crate::diagnostics::{Code, Diagnostics, Format, render};

/// How `check` ends, mapped to the process exit code by `main`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// No errors (and no warnings, if they are denied): exit 0.
    Clean,
    /// Content errors, or warnings with `--deny-warnings`: exit 1.
    Invalid,
    /// A file or directory could not be read: exit 2.
    Unreadable,
}

impl Verdict {
    pub fn exit_code(self) -> u8 {
        match self {
            Verdict::Clean => 0,
            Verdict::Invalid => 1,
            Verdict::Unreadable => 2,
        }
    }
}

/// Renders every diagnostic of `loaded` and decides the verdict.
pub fn report(loaded: &Loaded, format: Format, deny_warnings: bool) -> (String, Verdict) {
    let mut text = render(&loaded.diagnostics, &loaded.sources, format);
    let diagnostics = &loaded.diagnostics;
    if format == Format::Human {
        text.push_str(&summary(diagnostics, deny_warnings));
        text.push('\n');
    }
    let verdict = if diagnostics.iter().any(|d| d.code == Code::Io) {
        Verdict::Unreadable
    } else if diagnostics.has_errors() || (deny_warnings && diagnostics.warning_count() > 0) {
        Verdict::Invalid
    } else {
        Verdict::Clean
    };
    (text, verdict)
}

/// The last line of a human report, like cargo's.
fn summary(diagnostics: &Diagnostics, deny_warnings: bool) -> String {
    let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
    let (errors, warnings) = (diagnostics.error_count(), diagnostics.warning_count());
    let counts = format!("{}, {}", plural(errors, "error"), plural(warnings, "warning"));
    match (errors, warnings) {
        (0, 0) => "ok: no problems found".to_owned(),
        (0, _) if deny_warnings => format!("error: content has {counts} (warnings are denied)"),
        (0, w) => format!("ok: {}", plural(w, "warning")),
        _ => format!("error: content has {counts}"),
    }
}
