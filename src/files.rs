//! Opening the files that editors and operators name: content YAML, Fluent
//! files, media and the roster.
//!
//! Editors are trusted with content, not with the server's secrets or its
//! memory. A content file that was a symlink to `/proc/self/environ` once
//! printed the bot's token in `check` output, the logs and a `/reload` reply;
//! looping symlinks hung `check`; `/dev/zero` and FIFOs exhausted memory or
//! blocked. So every read goes through [`read`]: the path, after following
//! symlinks, must stay inside its root and be a regular file no larger than
//! its kind's cap. Errors name the path and the rule, never the contents.

use std::fs::{self, File};
use std::io::Read;
use std::path::{Path, PathBuf};

/// What a file is, which sets how large it may be.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FileKind {
    /// A content or manifest YAML file. The largest shipped one is 20 KB.
    Content,
    /// A Fluent `.ftl` file.
    Fluent,
    /// An image or sound sent to people.
    Media,
    /// The doctors' roster.
    Roster,
    /// The handoff key file (two short lines).
    Key,
    /// A source file of the repository that the hazard log names (a test).
    Source,
}

impl FileKind {
    /// The most bytes a file of this kind may have.
    pub const fn max_bytes(self) -> u64 {
        match self {
            FileKind::Content | FileKind::Fluent | FileKind::Roster | FileKind::Source => 1024 * 1024,
            // Telegram's bots may upload 50 MB; a page's sound or picture is
            // far smaller, and all media sits in memory.
            FileKind::Media => 10 * 1024 * 1024,
            FileKind::Key => 4 * 1024,
        }
    }

    fn name(self) -> &'static str {
        match self {
            FileKind::Content => "content file",
            FileKind::Fluent => "Fluent file",
            FileKind::Media => "media file",
            FileKind::Roster => "roster",
            FileKind::Key => "key file",
            FileKind::Source => "source file",
        }
    }
}

/// Why a file was not read. The message names the path and the rule only.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    /// The cause is in the message and is not also a `source()`, so a
    /// report of the whole chain (`{:#}`) says it once.
    #[error("cannot read `{path}`: {cause}")]
    Io { path: PathBuf, cause: std::io::Error },
    #[error("`{path}` leads outside `{root}` (a symlink); only files inside it are read")]
    OutsideRoot { path: PathBuf, root: PathBuf },
    #[error("`{path}` is not a regular file (a directory, device, pipe or socket)")]
    NotRegular { path: PathBuf },
    #[error("`{path}` is larger than a {kind}'s limit of {max} bytes", kind = kind.name(), max = kind.max_bytes())]
    TooLarge { path: PathBuf, kind: FileKind },
    #[error("`{path}` is not UTF-8 text")]
    NotText { path: PathBuf },
}

impl ReadError {
    /// How an editor fixes it.
    pub fn help(&self) -> &'static str {
        match self {
            ReadError::Io { .. } => "check the path; `--content` and `--locales` choose the directories",
            ReadError::OutsideRoot { .. } => "copy the file into the directory instead of linking to it",
            ReadError::NotRegular { .. } => "replace it with an ordinary file",
            ReadError::TooLarge { .. } => "split the file, or shrink the media",
            ReadError::NotText { .. } => "save the file as UTF-8",
        }
    }
}

/// Reads `path` as bytes. `root` is the directory it must stay inside once
/// symlinks are followed (`None`: anywhere, for a file the operator names,
/// like the roster; it must still be a regular file within the cap).
pub fn read(path: &Path, root: Option<&Path>, kind: FileKind) -> Result<Vec<u8>, ReadError> {
    let io = |cause| ReadError::Io {
        path: path.to_path_buf(),
        cause,
    };
    // Resolving first also turns symlink loops into an error (ELOOP).
    let resolved = fs::canonicalize(path).map_err(io)?;
    if let Some(root) = root {
        let root = fs::canonicalize(root).map_err(io)?;
        if !resolved.starts_with(&root) {
            return Err(ReadError::OutsideRoot {
                path: path.to_path_buf(),
                root,
            });
        }
    }
    // Checked before opening: opening a FIFO would block.
    let metadata = fs::metadata(&resolved).map_err(io)?;
    if !metadata.is_file() {
        return Err(ReadError::NotRegular {
            path: path.to_path_buf(),
        });
    }
    let too_large = || ReadError::TooLarge {
        path: path.to_path_buf(),
        kind,
    };
    if metadata.len() > kind.max_bytes() {
        return Err(too_large());
    }
    let file = File::open(&resolved).map_err(io)?;
    // The file may have grown since: never read past the cap.
    let mut bytes = Vec::with_capacity(metadata.len() as usize);
    file.take(kind.max_bytes() + 1).read_to_end(&mut bytes).map_err(io)?;
    if bytes.len() as u64 > kind.max_bytes() {
        return Err(too_large());
    }
    Ok(bytes)
}

/// Reads `path` as UTF-8 text, under the same rules as [`read`].
pub fn read_text(path: &Path, root: Option<&Path>, kind: FileKind) -> Result<String, ReadError> {
    String::from_utf8(read(path, root, kind)?).map_err(|_| ReadError::NotText {
        path: path.to_path_buf(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::symlink;

    use crate::scratch::ScratchDir;

    #[test]
    fn regular_files_and_symlinks_inside_the_root_are_read() {
        let dir = ScratchDir::new("files", "inside");
        fs::write(dir.root().join("a.yaml"), "- id: a\n").unwrap();
        symlink(dir.root().join("a.yaml"), dir.root().join("b.yaml")).unwrap();
        for name in ["a.yaml", "b.yaml"] {
            let text = read_text(&dir.root().join(name), Some(&dir.root()), FileKind::Content).unwrap();
            assert_eq!(text, "- id: a\n");
        }
    }

    #[test]
    fn symlinks_out_of_the_root_are_refused_without_reading() {
        let dir = ScratchDir::new("files", "outside");
        fs::write(dir.path().join("secret"), "TELOXIDE_TOKEN=123:abc").unwrap();
        symlink(dir.path().join("secret"), dir.root().join("a.yaml")).unwrap();
        symlink("/proc/self/environ", dir.root().join("env.yaml")).unwrap();
        for name in ["a.yaml", "env.yaml"] {
            let error = read(&dir.root().join(name), Some(&dir.root()), FileKind::Content).unwrap_err();
            assert!(matches!(error, ReadError::OutsideRoot { .. }), "{error}");
            assert!(!error.to_string().contains("TELOXIDE"), "{error}");
        }
    }

    #[test]
    fn loops_devices_pipes_and_directories_are_refused() {
        let dir = ScratchDir::new("files", "special");
        symlink(dir.root().join("loop-b"), dir.root().join("loop-a")).unwrap();
        symlink(dir.root().join("loop-a"), dir.root().join("loop-b")).unwrap();
        let looped = read(&dir.root().join("loop-a"), Some(&dir.root()), FileKind::Content).unwrap_err();
        assert!(matches!(looped, ReadError::Io { .. }), "{looped}");
        let fifo = dir.root().join("pipe.yaml");
        assert!(
            std::process::Command::new("mkfifo")
                .arg(&fifo)
                .status()
                .unwrap()
                .success()
        );
        let piped = read(&fifo, Some(&dir.root()), FileKind::Content).unwrap_err();
        assert!(matches!(piped, ReadError::NotRegular { .. }), "{piped}");
        fs::create_dir(dir.root().join("folder.yaml")).unwrap();
        let folder = read(&dir.root().join("folder.yaml"), Some(&dir.root()), FileKind::Content).unwrap_err();
        assert!(matches!(folder, ReadError::NotRegular { .. }), "{folder}");
        // An operator's file may live anywhere, but not be a device.
        let zero = read(Path::new("/dev/zero"), None, FileKind::Roster).unwrap_err();
        assert!(matches!(zero, ReadError::NotRegular { .. }), "{zero}");
    }

    #[test]
    fn files_over_their_cap_are_refused() {
        let dir = ScratchDir::new("files", "large");
        let path = dir.root().join("big.yaml");
        fs::write(&path, vec![b'#'; FileKind::Content.max_bytes() as usize + 1]).unwrap();
        let error = read(&path, Some(&dir.root()), FileKind::Content).unwrap_err();
        assert!(matches!(error, ReadError::TooLarge { .. }), "{error}");
        fs::write(&path, vec![b'#'; FileKind::Content.max_bytes() as usize]).unwrap();
        assert!(read(&path, Some(&dir.root()), FileKind::Content).is_ok());
    }
}
