//! `locale add <code>`: scaffolds a new language. Adding a language is
//! adding files: the locale's Fluent files (copies of the primary locale's,
//! each message marked to translate) and one line in the manifest. Content
//! texts are then translated page by page; until a page is, it is shown in
//! the primary locale, and until the emergency path is, the language menu
//! does not offer the locale. Pure: the command writes what `add` returns.

use std::path::{Path, PathBuf};

use crate::content::{Loaded, MANIFEST_FILE};

/// The comment `locale add` puts above each copied Fluent message; the
/// translator removes it with the message translated, and `translations`
/// lists the messages that still carry it.
pub const TO_TRANSLATE: &str = "# to translate from";

#[derive(Debug, thiserror::Error)]
pub enum AddError {
    #[error("`{0}` is not a two-letter ISO 639-1 code such as `uz` or `tg`")]
    InvalidCode(String),
    #[error("`{0}` is already a locale of this content, with its Fluent files")]
    Exists(String),
    #[error("the content has no readable manifest: fix `check`'s errors first")]
    NoManifest,
    #[error("the primary locale `{0}` has no Fluent files to copy")]
    NoFluent(String),
}

/// A file to write: a new one, or the manifest with the new line.
#[derive(Debug)]
pub struct NewFile {
    pub path: PathBuf,
    pub text: String,
}

/// The files that add locale `code` to `loaded`'s content.
pub fn add(loaded: &Loaded, content_dir: &Path, locales_dir: &Path, code: &str) -> Result<Vec<NewFile>, AddError> {
    if !(code.len() == 2 && code.bytes().all(|b| b.is_ascii_lowercase())) {
        return Err(AddError::InvalidCode(code.to_owned()));
    }
    let (manifest_file, manifest) = loaded.parsed.manifest.as_ref().ok_or(AddError::NoManifest)?;
    // Each part is added only if missing, so a half-added language (texts
    // and manifest line from a pull request, no Fluent files yet) completes.
    let listed = manifest.locales.value.iter().any(|l| l.code.value == code);
    let has_fluent = loaded.parsed.locale_files.get(code).is_some_and(|f| !f.is_empty());
    if listed && has_fluent {
        return Err(AddError::Exists(code.to_owned()));
    }
    let primary = &loaded.translations.primary;
    let sources = &loaded.sources;
    let fluent = loaded
        .parsed
        .locale_files
        .get(primary)
        .filter(|f| !f.is_empty())
        .ok_or_else(|| AddError::NoFluent(primary.clone()))?;
    let mut files = Vec::new();
    for &file in fluent.iter().filter(|_| !has_fluent) {
        let name = Path::new(sources.path(file)).file_name().unwrap_or_default();
        files.push(NewFile {
            path: locales_dir.join(code).join(name),
            text: mark(sources.text(file), primary),
        });
    }
    if !listed {
        let last = manifest.locales.value.last().ok_or(AddError::NoManifest)?;
        let text = sources.text(*manifest_file);
        let at = last.code.referenced.span().byte_offset().unwrap_or(0) as usize;
        files.push(NewFile {
            path: content_dir.join(MANIFEST_FILE),
            text: insert_locale(text, at, code),
        });
    }
    Ok(files)
}

/// `ftl` with the marker above every message (a line that starts with an
/// identifier and `=`).
fn mark(ftl: &str, primary: &str) -> String {
    let mut out = format!(
        "# Copied from `{primary}` by `overdose-bot locale add`: translate each message\n\
         # and remove the line above it. Keep `{{ $variables }}` as they are.\n\n"
    );
    for line in ftl.lines() {
        let is_message = line.split_once('=').is_some_and(|(id, _)| {
            !id.is_empty()
                && id.trim_end().chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
                && line.starts_with(|c: char| c.is_ascii_lowercase())
        });
        if is_message {
            out.push_str(&format!("{TO_TRANSLATE} {primary}\n"));
        }
        out.push_str(line);
        out.push('\n');
    }
    out
}

/// The manifest with `- code: <code>` after the entry of the locale whose
/// code is at byte `at`.
fn insert_locale(text: &str, at: usize, code: &str) -> String {
    let line_start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    let dash = text[line_start..at].find('-').unwrap_or(0);
    let mut end = text[at..].find('\n').map_or(text.len(), |i| at + i);
    // Lines indented deeper than the dash belong to that entry.
    while end < text.len() {
        let next = end + 1;
        let line_end = text[next..].find('\n').map_or(text.len(), |i| next + i);
        let line = &text[next..line_end];
        if line.len() - line.trim_start().len() <= dash || line.trim().is_empty() {
            break;
        }
        end = line_end;
    }
    format!("{}\n{}- code: {code}{}", &text[..end], " ".repeat(dash), &text[end..])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_new_locale_goes_after_the_last_entry_and_its_fields() {
        let manifest =
            "locales:\n  - code: ru\n    also_for: [uk]\n  - code: en\n    also_for: [de]\ndefault_locale: en\n";
        let at = manifest.find("en\n").unwrap();
        assert_eq!(
            insert_locale(manifest, at, "uz"),
            "locales:\n  - code: ru\n    also_for: [uk]\n  - code: en\n    also_for: [de]\n  - code: uz\ndefault_locale: en\n"
        );
    }

    #[test]
    fn every_message_is_marked_and_nothing_else() {
        let marked = mark(
            "# a comment\nbutton-back = Назад\n    .attr = x\nhelp =\n    Помощь\n",
            "ru",
        );
        assert_eq!(marked.matches(TO_TRANSLATE).count(), 2, "{marked}");
        assert!(marked.contains("# to translate from ru\nbutton-back = Назад\n"));
        assert!(marked.contains("# to translate from ru\nhelp =\n"));
    }
}
