//! The caps on one whole load: how many files, and how many bytes of text
//! and of media, a content and locales tree may hold together.
//!
//! Each file is capped by `files::FileKind`, but 300 files just under that
//! cap pushed a reload to 330 MB (git compresses them to nothing), past the
//! service's 256 MB. The loader asks [`Budget::admit`] before it reads each
//! file and stops reading at the first one past a cap. This module only
//! counts: it never opens a file, and its refusal names the path, never the
//! contents.

use std::path::{Path, PathBuf};

use crate::files::FileKind;

/// Files a load may read, text and media together. The shipped tree has
/// about 25; a generated tree of 10,000 pages has 100.
pub const MAX_FILES: usize = 1_000;

/// Bytes of YAML and Fluent text a load may read. The shipped text is
/// 0.2 MB; a generated tree of 10,000 pages is about 5 MB and serves in
/// 97 MB (BENCHMARKS.md).
pub const MAX_TEXT_BYTES: u64 = 8 * 1024 * 1024;

/// Bytes of media a load may read (all of it stays in memory). The
/// shipped metronomes are 0.5 MB.
pub const MAX_MEDIA_BYTES: u64 = 32 * 1024 * 1024;

/// What a load has read so far.
#[derive(Debug, Default)]
pub struct Budget {
    files: usize,
    text_bytes: u64,
    media_bytes: u64,
}

/// The first file past one of the caps.
#[derive(Debug, thiserror::Error)]
pub enum OverBudget {
    #[error("`{path}` is past the limit of {MAX_FILES} files in one load", path = path.display())]
    Files { path: PathBuf },
    #[error("`{path}` brings the text read in one load past {MAX_TEXT_BYTES} bytes", path = path.display())]
    Text { path: PathBuf },
    #[error("`{path}` brings the media read in one load past {MAX_MEDIA_BYTES} bytes", path = path.display())]
    Media { path: PathBuf },
}

impl OverBudget {
    /// How an editor fixes it.
    pub fn help(&self) -> &'static str {
        match self {
            OverBudget::Files { .. } => "merge small files, or remove files the content does not use",
            OverBudget::Text { .. } => "remove files the content does not use; pages are short texts",
            OverBudget::Media { .. } => "shrink the media, or remove files no page uses",
        }
    }
}

impl Budget {
    /// Counts `path` (of `len` bytes, as its metadata says) against the
    /// caps; `Err` for the first file past one of them. A refused file is
    /// not counted, but the load stops there anyway.
    pub fn admit(&mut self, path: &Path, kind: FileKind, len: u64) -> Result<(), OverBudget> {
        let path = || path.to_path_buf();
        if self.files >= MAX_FILES {
            return Err(OverBudget::Files { path: path() });
        }
        // A file larger than its own cap is refused by `files::read`, and
        // is never read past that cap.
        let len = len.min(kind.max_bytes());
        if kind == FileKind::Media {
            if self.media_bytes + len > MAX_MEDIA_BYTES {
                return Err(OverBudget::Media { path: path() });
            }
            self.media_bytes += len;
        } else {
            if self.text_bytes + len > MAX_TEXT_BYTES {
                return Err(OverBudget::Text { path: path() });
            }
            self.text_bytes += len;
        }
        self.files += 1;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_file_past_each_cap_is_named() {
        let mut budget = Budget::default();
        let mib = 1024 * 1024;
        for i in 0..8 {
            budget
                .admit(Path::new(&format!("{i}.yaml")), FileKind::Content, mib)
                .unwrap();
        }
        let error = budget.admit(Path::new("8.yaml"), FileKind::Fluent, 1).unwrap_err();
        assert_eq!(
            error.to_string(),
            format!("`8.yaml` brings the text read in one load past {MAX_TEXT_BYTES} bytes")
        );

        let mut budget = Budget::default();
        for i in 0..3 {
            budget
                .admit(Path::new(&format!("{i}.mp3")), FileKind::Media, 10 * mib)
                .unwrap();
        }
        let error = budget.admit(Path::new("3.mp3"), FileKind::Media, 10 * mib).unwrap_err();
        assert!(matches!(error, OverBudget::Media { .. }), "{error}");

        let mut budget = Budget::default();
        for i in 0..MAX_FILES {
            budget
                .admit(Path::new(&format!("{i}.yaml")), FileKind::Content, 10)
                .unwrap();
        }
        let error = budget.admit(Path::new("last.yaml"), FileKind::Content, 10).unwrap_err();
        assert!(matches!(error, OverBudget::Files { .. }), "{error}");
    }

    #[test]
    fn a_file_over_its_own_cap_counts_only_up_to_that_cap() {
        let mut budget = Budget::default();
        budget
            .admit(Path::new("huge.yaml"), FileKind::Content, u64::MAX)
            .unwrap();
        budget.admit(Path::new("next.yaml"), FileKind::Content, 1024).unwrap();
    }
}
