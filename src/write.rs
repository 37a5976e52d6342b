//! Writing the files that editors' commands change (`translations.lock`, a
//! signed page, a new locale's files, the schemas, the preview site).
//!
//! A content tree comes from a pull request, so any file or directory in
//! it may be a planted symlink: `translations --stamp` once overwrote a
//! file outside the repository through a symlinked `translations.lock`, and
//! `locale add` wrote `bot.ftl` outside through a symlinked `locales/uz`.
//! So [`write_inside`] never follows a symlink, never leaves its root, and
//! replaces a file by renaming a finished temporary file over it, so a
//! crash leaves the old or the new text, never half of one. It never
//! reads a file.

use std::fs::{self, OpenOptions};
use std::io::Write;
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::path::{Component, Path, PathBuf};

/// Why a file was not written. Messages name paths, never contents.
#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    #[error("cannot write `{path}`: {cause}", path = path.display())]
    Io { path: PathBuf, cause: std::io::Error },
    #[error("`{path}` is not inside `{root}`; only files inside it are written", path = path.display(), root = root.display())]
    Outside { path: PathBuf, root: PathBuf },
    #[error("`{path}` is a symlink; it is not written through (replace it with the file or directory itself)", path = path.display())]
    Symlink { path: PathBuf },
    #[error("`{path}` is not a regular file or directory where one is needed", path = path.display())]
    NotRegular { path: PathBuf },
}

/// Writes `text` to `path`, which must lie inside `root`: every directory
/// between them is created if missing and must not be a symlink, nor may
/// the file itself be one; the file's parent must resolve inside `root`.
/// An existing file keeps its permissions.
pub fn write_inside(root: &Path, path: &Path, text: &[u8]) -> Result<(), WriteError> {
    let io = |at: &Path| {
        let at = at.to_path_buf();
        move |cause| WriteError::Io { path: at, cause }
    };
    let outside = || WriteError::Outside {
        path: path.to_path_buf(),
        root: root.to_path_buf(),
    };
    let relative = path.strip_prefix(root).map_err(|_| outside())?;
    if relative.as_os_str().is_empty() || !relative.components().all(|c| matches!(c, Component::Normal(_))) {
        return Err(outside());
    }
    let canonical_root = fs::canonicalize(root).map_err(io(root))?;
    let mut directory = root.to_path_buf();
    for component in relative.parent().into_iter().flat_map(Path::components) {
        directory.push(component);
        match fs::symlink_metadata(&directory) {
            Ok(metadata) if metadata.file_type().is_symlink() => {
                return Err(WriteError::Symlink { path: directory });
            }
            Ok(metadata) if metadata.is_dir() => {}
            Ok(_) => return Err(WriteError::NotRegular { path: directory }),
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
                fs::create_dir(&directory).map_err(io(&directory))?;
            }
            Err(error) => return Err(io(&directory)(error)),
        }
    }
    // Directories swapped for links between the checks and now still
    // cannot take the file outside.
    let canonical_parent = fs::canonicalize(&directory).map_err(io(&directory))?;
    if !canonical_parent.starts_with(&canonical_root) {
        return Err(outside());
    }
    let mode = match fs::symlink_metadata(path) {
        Ok(metadata) if metadata.file_type().is_symlink() => {
            return Err(WriteError::Symlink {
                path: path.to_path_buf(),
            });
        }
        Ok(metadata) if metadata.is_file() => metadata.permissions().mode() & 0o7777,
        Ok(_) => {
            return Err(WriteError::NotRegular {
                path: path.to_path_buf(),
            });
        }
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => 0o666,
        Err(error) => return Err(io(path)(error)),
    };
    let name = path.file_name().ok_or_else(outside)?.to_string_lossy();
    let temporary = canonical_parent.join(format!(".{name}.{}.tmp", std::process::id()));
    let written = OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(mode)
        .open(&temporary)
        .and_then(|mut file| {
            file.write_all(text)?;
            file.sync_all()
        })
        .and_then(|()| fs::rename(&temporary, canonical_parent.join(path.file_name().unwrap_or_default())));
    if let Err(error) = written {
        let _ = fs::remove_file(&temporary);
        return Err(io(path)(error));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::os::unix::fs::symlink;

    use super::*;

    use crate::scratch::ScratchDir;

    #[test]
    fn writes_files_and_missing_directories_inside_the_root_keeping_permissions() {
        let dir = ScratchDir::new("write", "inside");
        let file = dir.root().join("uz/bot.ftl");
        write_inside(&dir.root(), &file, b"one").unwrap();
        fs::set_permissions(&file, fs::Permissions::from_mode(0o640)).unwrap();
        write_inside(&dir.root(), &file, b"two").unwrap();
        assert_eq!(fs::read_to_string(&file).unwrap(), "two");
        assert_eq!(fs::metadata(&file).unwrap().permissions().mode() & 0o777, 0o640);
        assert_eq!(
            fs::read_dir(dir.root().join("uz")).unwrap().count(),
            1,
            "no temporary file left"
        );
    }

    #[test]
    fn never_writes_through_a_symlinked_file_or_directory() {
        let dir = ScratchDir::new("write", "links");
        let victim = dir.path().join("victim.txt");
        fs::write(&victim, "untouched").unwrap();
        symlink(&victim, dir.root().join("translations.lock")).unwrap();
        let error = write_inside(&dir.root(), &dir.root().join("translations.lock"), b"x").unwrap_err();
        assert!(matches!(error, WriteError::Symlink { .. }), "{error}");

        fs::create_dir(dir.path().join("elsewhere")).unwrap();
        symlink(dir.path().join("elsewhere"), dir.root().join("uz")).unwrap();
        let error = write_inside(&dir.root(), &dir.root().join("uz/bot.ftl"), b"x").unwrap_err();
        assert!(matches!(error, WriteError::Symlink { .. }), "{error}");

        assert_eq!(fs::read_to_string(&victim).unwrap(), "untouched");
        assert_eq!(fs::read_dir(dir.path().join("elsewhere")).unwrap().count(), 0);
    }

    #[test]
    fn refuses_paths_outside_the_root() {
        let dir = ScratchDir::new("write", "outside");
        for path in [dir.path().join("x.yaml"), dir.root().join("../x.yaml"), dir.root()] {
            let error = write_inside(&dir.root(), &path, b"x").unwrap_err();
            assert!(matches!(error, WriteError::Outside { .. }), "{error}");
        }
        assert!(!dir.path().join("x.yaml").exists());
    }
}
