//! YAML positions for diagnostics, shared by the content and roster
//! loaders: serde-saphyr locations as spans (including positions inside
//! multi-line text values, for markup errors in a `|` block), and YAML
//! errors as diagnostics.

use serde_saphyr::{Location, Spanned};

use super::{Code, Diagnostic, FileId, SourceMap, Span, did_you_mean};

/// The span of the value at `location`, kept to one line so the caret stays readable.
pub fn span_of(sources: &SourceMap, file: FileId, location: &Location) -> Span {
    let start = match location.span().byte_offset() {
        Some(offset) => offset as usize,
        None => {
            sources
                .span_at_line_col(file, location.line() as usize, location.column() as usize, 0)
                .start
        }
    };
    let text = sources.text(file);
    let line_end = text[start.min(text.len())..]
        .find('\n')
        .map_or(text.len(), |i| start + i);
    let len = location.span().byte_len().map_or(1, |l| l as usize).max(1);
    sources.span(file, start, len.min(line_end.saturating_sub(start)).max(1))
}

pub fn spanned<T>(sources: &SourceMap, file: FileId, value: &Spanned<T>) -> Span {
    span_of(sources, file, &value.referenced)
}

/// The span of `range` (byte offsets into the parsed string) inside the YAML
/// scalar `value`. Exact for plain, single-line quoted and `|` block scalars;
/// for other styles it falls back to the start of the scalar.
pub fn span_in_value(
    sources: &SourceMap,
    file: FileId,
    value: &Spanned<String>,
    range: std::ops::Range<usize>,
) -> Span {
    let scalar = spanned(sources, file, value);
    let text = sources.text(file);
    let quoted = text[scalar.start..].starts_with(['"', '\'']);
    let before = &value.value[..range.start.min(value.value.len())];
    let line_in_value = before.matches('\n').count();
    let column_in_line = before.len() - before.rfind('\n').map_or(0, |i| i + 1);
    let offset = if line_in_value == 0 {
        scalar.start + usize::from(quoted) + column_in_line
    } else if quoted {
        scalar.start
    } else {
        // Each line of a block scalar is indented like its first line.
        let (line, column) = sources.line_col(file, scalar.start);
        let indent =
            sources.span_at_line_col(file, line, column, 0).start - sources.span_at_line_col(file, line, 1, 0).start;
        sources.span_at_line_col(file, line + line_in_value, 1, 0).start + indent + column_in_line
    };
    let len = range.len().max(1);
    let line_end = text[offset.min(text.len())..]
        .find('\n')
        .map_or(text.len(), |i| offset + i);
    sources.span(file, offset, len.min(line_end.saturating_sub(offset)).max(1))
}

/// A YAML error as a diagnostic at its position, with the position suffix
/// removed from the message and a did-you-mean for misspelt field names.
pub fn yaml_error(sources: &SourceMap, file: FileId, error: &serde_saphyr::Error) -> Diagnostic {
    let message = error.without_snippet().to_string();
    let message = match message.rfind(" at line ") {
        Some(index) => message[..index].to_owned(),
        None => message,
    };
    let help = unknown_field_hint(&message);
    let span = error.location().map(|location| span_of(sources, file, &location));
    Diagnostic::new(Code::YamlSyntax, message)
        .at_opt(span.or_else(|| Some(sources.span(file, 0, 0))))
        .help_opt(help)
}

/// "unknown field `tilte`, expected one of id, title" -> "did you mean `title`?"
fn unknown_field_hint(message: &str) -> Option<String> {
    let rest = message.strip_prefix("unknown field `")?;
    let (field, rest) = rest.split_once('`')?;
    let expected = rest
        .split_once("expected one of ")
        .map(|(_, e)| e)
        .or_else(|| rest.split_once("expected ").map(|(_, e)| e))?;
    let candidates: Vec<&str> = expected.split(", ").map(|c| c.trim_matches('`')).collect();
    Some(match did_you_mean(field, candidates.iter().copied()) {
        Some(best) => format!("did you mean `{best}`?"),
        None => format!("the fields allowed here are: {}", candidates.join(", ")),
    })
}
