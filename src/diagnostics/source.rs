//! The texts diagnostics point into, and byte-offset to line/column conversion.

use std::ops::Range;

/// Index of a file in a [`SourceMap`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct FileId(usize);

/// A byte range in one source file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Span {
    pub file: FileId,
    pub start: usize,
    pub end: usize,
}

impl Span {
    pub fn range(&self) -> Range<usize> {
        self.start..self.end
    }
}

struct SourceFile {
    /// The path as the user should see it, relative to where they ran the command.
    path: String,
    text: String,
    line_starts: Vec<usize>,
}

/// Every source file read for one load, so diagnostics can show excerpts.
#[derive(Default)]
pub struct SourceMap {
    files: Vec<SourceFile>,
}

impl SourceMap {
    pub fn new() -> Self {
        SourceMap::default()
    }

    pub fn add(&mut self, path: impl Into<String>, text: impl Into<String>) -> FileId {
        let text = text.into();
        let line_starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        self.files.push(SourceFile {
            path: path.into(),
            text,
            line_starts,
        });
        FileId(self.files.len() - 1)
    }

    pub fn path(&self, file: FileId) -> &str {
        &self.files[file.0].path
    }

    pub fn text(&self, file: FileId) -> &str {
        &self.files[file.0].text
    }

    /// A span of `len` bytes at `offset`, clamped to the file and to
    /// character boundaries, so a slightly wrong guess can never panic.
    pub fn span(&self, file: FileId, offset: usize, len: usize) -> Span {
        let text = self.text(file);
        let start = text.floor_char_boundary(offset);
        let end = text.ceil_char_boundary(start.saturating_add(len)).max(start);
        Span { file, start, end }
    }

    /// The span of the 1-based `line` and `column` (in characters).
    pub fn span_at_line_col(&self, file: FileId, line: usize, column: usize, len: usize) -> Span {
        let source = &self.files[file.0];
        let line_index = line.saturating_sub(1).min(source.line_starts.len() - 1);
        let line_start = source.line_starts[line_index];
        let offset = source.text[line_start..]
            .char_indices()
            .nth(column.saturating_sub(1))
            .map_or(source.text.len(), |(i, _)| line_start + i);
        self.span(file, offset, len)
    }

    /// 1-based line and column (in characters) of a byte offset.
    pub fn line_col(&self, file: FileId, offset: usize) -> (usize, usize) {
        let source = &self.files[file.0];
        let offset = offset.min(source.text.len());
        let line_index = source.line_starts.partition_point(|&s| s <= offset) - 1;
        let line_start = source.line_starts[line_index];
        let column = source.text.get(line_start..offset).map_or(0, |s| s.chars().count());
        (line_index + 1, column + 1)
    }

    pub(super) fn line_starts(&self, file: FileId) -> &[usize] {
        &self.files[file.0].line_starts
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_counts_characters_not_bytes() {
        let mut map = SourceMap::new();
        let file = map.add("a.yaml", "id: x\ntitle: Не дышит\n");
        let offset = map.text(file).find("дышит").unwrap();
        assert_eq!(map.line_col(file, offset), (2, 11));
        assert_eq!(map.line_col(file, 0), (1, 1));
        let span = map.span_at_line_col(file, 2, 11, 10);
        assert_eq!(&map.text(file)[span.range()], "дышит");
    }
}
