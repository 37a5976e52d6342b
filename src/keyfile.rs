//! The handoff key file: the oldest ticket key the bot still holds
//! ([`crate::handoff::epoch`]), rewritten when an epoch ends so that the
//! key before it no longer exists anywhere.

use std::io::Write;
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};

use crate::files::{self, FileKind, ReadError};
use crate::handoff::{EpochKey, KeyFileError, SharedDesk};

/// Why the key file could not be used. Each message holds its cause, which
/// is not also a `source()`: `main` prints the whole chain (`{:#}`), and
/// the cause once printed it twice.
#[derive(Debug, thiserror::Error)]
pub enum KeyFileProblem {
    #[error(transparent)]
    Read(#[from] ReadError),
    #[error("`{path}`: {cause}")]
    Parse { path: PathBuf, cause: KeyFileError },
    #[error("cannot write the key file `{path}`: {cause}")]
    Write { path: PathBuf, cause: std::io::Error },
}

/// Reads the key file at `path`.
pub fn load(path: &Path) -> Result<EpochKey, KeyFileProblem> {
    let text = zeroize::Zeroizing::new(files::read_text(path, None, FileKind::Key)?);
    EpochKey::from_file_text(&text).map_err(|cause| KeyFileProblem::Parse {
        path: path.to_path_buf(),
        cause,
    })
}

/// Replaces the key file at `path` with `key`, readable by its owner only.
/// Written beside it and renamed over it, so a crash leaves the old or the
/// new file, never half of one.
pub fn store(path: &Path, key: &EpochKey) -> Result<(), KeyFileProblem> {
    let write_error = |cause| KeyFileProblem::Write {
        path: path.to_path_buf(),
        cause,
    };
    let temporary = path.with_extension("new");
    let _ = std::fs::remove_file(&temporary);
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(&temporary)
        .map_err(write_error)?;
    file.write_all(key.to_file_text().as_bytes()).map_err(write_error)?;
    file.sync_all().map_err(write_error)?;
    std::fs::rename(&temporary, path).map_err(write_error)?;
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::File::open(dir)
            .and_then(|d| d.sync_all())
            .map_err(write_error)?;
    }
    Ok(())
}

/// Steps the ticket keys forward when an epoch ends and rewrites the key
/// file at `path`, destroying the key no longer needed; checks every
/// `period`. Logs epochs, never keys.
pub async fn rotate(desk: SharedDesk, path: PathBuf, period: std::time::Duration) {
    let mut ticks = tokio::time::interval(period);
    loop {
        ticks.tick().await;
        let Some(oldest) = desk.load().sealer.advance(chrono::Utc::now()) else {
            continue;
        };
        let epoch = oldest.epoch;
        let path = path.clone();
        match tokio::task::spawn_blocking(move || store(&path, &oldest)).await {
            Ok(Ok(())) => tracing::info!(epoch, "handoff key rotated; the previous one is destroyed"),
            Ok(Err(error)) => {
                tracing::error!(%error, "handoff key rotated in memory but the key file was not rewritten")
            }
            Err(error) => tracing::error!(%error, "handoff key file write did not finish"),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::os::unix::fs::PermissionsExt;

    use super::*;

    #[test]
    fn a_stored_key_loads_back_and_only_its_owner_can_read_it() {
        let dir = std::env::temp_dir().join(format!("overdose-keyfile-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("handoff.key");
        let key = EpochKey::generate(2_911);
        store(&path, &key).unwrap();
        store(&path, &key.next()).unwrap();
        let loaded = load(&path).unwrap();
        assert_eq!((loaded.epoch, loaded.bytes()), (2_912, key.next().bytes()));
        let mode = std::fs::metadata(&path).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
        assert!(!path.with_extension("new").exists());
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn each_error_states_its_cause_once() {
        let dir = std::env::temp_dir().join(format!("overdose-keyfile-causes-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let garbled = dir.join("garbled.key");
        std::fs::write(&garbled, "x\n").unwrap();
        let errors = [
            load(&dir.join("missing.key")).err(),
            load(&garbled).err(),
            store(&dir.join("no-such-dir/handoff.key"), &EpochKey::generate(1)).err(),
        ];
        for (error, cause) in errors
            .into_iter()
            .zip(["No such file", "not two lines", "No such file"])
        {
            // `main` prints errors as anyhow's whole chain.
            let printed = format!("{:#}", anyhow::Error::from(error.expect("an error")));
            assert_eq!(printed.matches(cause).count(), 1, "{printed}");
        }
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
