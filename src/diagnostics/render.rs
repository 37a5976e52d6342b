//! Renders diagnostics as rustc-style text (via codespan-reporting) or JSON.

use std::ops::Range;

use codespan_reporting::diagnostic::{Diagnostic as Report, Label, Severity as ReportSeverity};
use codespan_reporting::files::{Error as FilesError, Files};
use codespan_reporting::term::{self, Config, DisplayStyle};
use serde::Serialize;

use super::{Diagnostic, Diagnostics, FileId, Severity, SourceMap};

/// Output format of `check`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Compiler-style text with source excerpts.
    Human,
    /// One JSON document, for CI bots and editor integrations.
    Json,
}

/// Renders every diagnostic (the caller adds a summary to human output).
pub fn render(diagnostics: &Diagnostics, sources: &SourceMap, format: Format) -> String {
    match format {
        Format::Human => render_human(diagnostics, sources),
        Format::Json => render_json(diagnostics, sources),
    }
}

/// One line per diagnostic (`file:line:col: error[E0004]: message`) and no
/// source excerpts: for answers in Telegram chats, which must never carry a
/// file's contents.
pub fn render_brief(diagnostics: &Diagnostics, sources: &SourceMap) -> String {
    render_styled(diagnostics, sources, DisplayStyle::Short)
}

/// One line per diagnostic with its place, code and the code's summary
/// (`roster.yaml:33:11: error[E0002]: YAML syntax error ...`), quoting
/// nothing of the file, not even in the message: for logs of a file that
/// holds people's Telegram ids and names (the roster).
pub fn render_places(diagnostics: &Diagnostics, sources: &SourceMap) -> String {
    let mut out = String::new();
    for diagnostic in diagnostics.iter() {
        if let Some(span) = diagnostic.span {
            let (line, column) = sources.line_col(span.file, span.range().start);
            out.push_str(&format!("{}:{line}:{column}: ", sources.path(span.file)));
        }
        out.push_str(&format!(
            "{}[{}]: {}\n",
            diagnostic.severity(),
            diagnostic.code,
            diagnostic.code.summary()
        ));
    }
    out
}

fn render_human(diagnostics: &Diagnostics, sources: &SourceMap) -> String {
    render_styled(diagnostics, sources, DisplayStyle::Rich)
}

fn render_styled(diagnostics: &Diagnostics, sources: &SourceMap, display_style: DisplayStyle) -> String {
    let config = Config {
        display_style,
        chars: term::Chars::ascii(),
        ..Config::default()
    };
    let short = Config {
        display_style: DisplayStyle::Short,
        ..config.clone()
    };
    let mut out = String::new();
    for diagnostic in diagnostics.iter() {
        let report = to_report(diagnostic);
        // An excerpt of a huge line would repeat the file in the report.
        let config = if has_long_line(diagnostic, sources) {
            &short
        } else {
            &config
        };
        if term::emit_to_string(&mut out, config, sources, &report).is_err() {
            // A span outside its file is a bug of ours; still say what we know.
            out.push_str(&format!(
                "{}[{}]: {}\n\n",
                diagnostic.severity(),
                diagnostic.code,
                diagnostic.message
            ));
        }
    }
    out
}

/// Lines longer than this are not quoted in reports.
const MAX_EXCERPT_LINE: usize = 400;
/// Messages are cut here: they may quote a value from the file.
const MAX_MESSAGE_CHARS: usize = 300;

fn has_long_line(diagnostic: &Diagnostic, sources: &SourceMap) -> bool {
    let spans = diagnostic
        .span
        .iter()
        .chain(diagnostic.related.iter().map(|(span, _)| span));
    spans.into_iter().any(|span| {
        let starts = sources.line_starts(span.file);
        let text = sources.text(span.file);
        let line = starts
            .partition_point(|&start| start <= span.range().start)
            .saturating_sub(1);
        let end = starts.get(line + 1).copied().unwrap_or(text.len());
        end - starts.get(line).copied().unwrap_or(0) > MAX_EXCERPT_LINE || span.range().len() > MAX_EXCERPT_LINE
    })
}

/// `message` cut to [`MAX_MESSAGE_CHARS`], marked with `…` when cut.
fn clipped(message: &str) -> String {
    match message.char_indices().nth(MAX_MESSAGE_CHARS) {
        Some((cut, _)) => format!("{}…", &message[..cut]),
        None => message.to_owned(),
    }
}

fn to_report(diagnostic: &Diagnostic) -> Report<FileId> {
    let severity = match diagnostic.severity() {
        Severity::Error => ReportSeverity::Error,
        Severity::Warning => ReportSeverity::Warning,
    };
    let mut labels = Vec::new();
    if let Some(span) = diagnostic.span {
        labels.push(Label::primary(span.file, span.range()).with_message(diagnostic.label.clone().unwrap_or_default()));
    }
    for (span, note) in &diagnostic.related {
        labels.push(Label::secondary(span.file, span.range()).with_message(note.clone()));
    }
    let notes = diagnostic.help.iter().map(|h| format!("help: {h}")).collect();
    Report::new(severity)
        .with_code(diagnostic.code.as_str())
        .with_message(clipped(&diagnostic.message))
        .with_labels(labels)
        .with_notes(notes)
}

#[derive(Serialize)]
struct JsonReport<'a> {
    errors: usize,
    warnings: usize,
    diagnostics: Vec<JsonDiagnostic<'a>>,
}

#[derive(Serialize)]
struct JsonDiagnostic<'a> {
    severity: &'static str,
    code: &'static str,
    message: &'a str,
    #[serde(flatten)]
    location: Option<JsonLocation<'a>>,
    label: Option<&'a str>,
    help: Option<&'a str>,
    related: Vec<JsonRelated<'a>>,
}

#[derive(Serialize)]
struct JsonLocation<'a> {
    file: &'a str,
    line: usize,
    column: usize,
}

#[derive(Serialize)]
struct JsonRelated<'a> {
    #[serde(flatten)]
    location: JsonLocation<'a>,
    message: &'a str,
}

fn render_json(diagnostics: &Diagnostics, sources: &SourceMap) -> String {
    let location = |span: super::Span| {
        let (line, column) = sources.line_col(span.file, span.start);
        JsonLocation {
            file: sources.path(span.file),
            line,
            column,
        }
    };
    let report = JsonReport {
        errors: diagnostics.error_count(),
        warnings: diagnostics.warning_count(),
        diagnostics: diagnostics
            .iter()
            .map(|d| JsonDiagnostic {
                severity: match d.severity() {
                    Severity::Error => "error",
                    Severity::Warning => "warning",
                },
                code: d.code.as_str(),
                message: &d.message,
                location: d.span.map(location),
                label: d.label.as_deref(),
                help: d.help.as_deref(),
                related: d
                    .related
                    .iter()
                    .map(|(span, message)| JsonRelated {
                        location: location(*span),
                        message,
                    })
                    .collect(),
            })
            .collect(),
    };
    let mut json = serde_json::to_string_pretty(&report).expect("diagnostics always serialize");
    json.push('\n');
    json
}

impl<'a> Files<'a> for SourceMap {
    type FileId = FileId;
    type Name = &'a str;
    type Source = &'a str;

    fn name(&'a self, id: FileId) -> Result<&'a str, FilesError> {
        Ok(self.path(id))
    }

    fn source(&'a self, id: FileId) -> Result<&'a str, FilesError> {
        Ok(self.text(id))
    }

    fn line_index(&'a self, id: FileId, byte_index: usize) -> Result<usize, FilesError> {
        Ok(self.line_starts(id).partition_point(|&s| s <= byte_index) - 1)
    }

    fn line_range(&'a self, id: FileId, line_index: usize) -> Result<Range<usize>, FilesError> {
        let starts = self.line_starts(id);
        let len = self.text(id).len();
        let start = *starts.get(line_index).ok_or(FilesError::LineTooLarge {
            given: line_index,
            max: starts.len() - 1,
        })?;
        let end = starts.get(line_index + 1).copied().unwrap_or(len);
        Ok(start..end)
    }
}
