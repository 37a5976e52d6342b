//! The handoff key file: the oldest ticket key the bot still holds
//! ([`crate::handoff::epoch`]), rewritten when an epoch ends so that the
//! key before it no longer exists anywhere.
//!
//! Because the bot rewrites it, [`open`] refuses at start what would break
//! that promise later: a symlink (the rename would replace the link and
//! leave the old key in its target), a file others may read, a directory
//! the bot cannot write (a read-only mount fails on the day of the first
//! rotation otherwise), and an epoch ahead of the clock (keys would stop
//! rotating) or absurdly old. Errors name the path, never the key.

use std::io::Write;
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use chrono::{DateTime, Utc};

use crate::files::{self, FileKind, ReadError};
use crate::handoff::{EpochKey, KeyFileError, Sealer};
use crate::metrics::Metrics;

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
    #[error(
        "`{path}` is a symlink: the bot rewrites its key file, which would replace the link and leave the old key in its target; point OVERDOSE_BOT_HANDOFF_KEY_FILE at the file itself"
    )]
    Symlink { path: PathBuf },
    #[error("`{path}` may be read by others (mode {mode:o}); run `chmod 600` on it")]
    Readable { path: PathBuf, mode: u32 },
    #[error(
        "{var} is no longer read: keys now rotate in a key file. Run `overdose-bot handoff-key --out /var/lib/overdose-bot/handoff.key`, set OVERDOSE_BOT_HANDOFF_KEY_FILE to it and remove {var} (open cases start afresh)",
        var = RETIRED_KEY_VAR
    )]
    Retired,
    #[error(
        "the doctors' line needs OVERDOSE_BOT_HANDOFF_KEY_FILE: make one with `overdose-bot handoff-key --out FILE` and keep it secret"
    )]
    Missing,
}

/// The environment variable that held a fixed key before keys rotated:
/// refused while set, so nobody believes a key is in use that is not.
pub const RETIRED_KEY_VAR: &str = "OVERDOSE_BOT_HANDOFF_KEY";

/// How often a failed rewrite of the key file is tried again.
pub const RETRY_WRITE: std::time::Duration = std::time::Duration::from_secs(60);

/// Opens the key file at `path` for serving at `now`: a regular file (not
/// a symlink) that only its owner may read, in a directory the bot can
/// write, holding an epoch the clock can reach.
pub fn open(path: &Path, now: DateTime<Utc>) -> Result<EpochKey, KeyFileProblem> {
    let link = std::fs::symlink_metadata(path).map_err(|cause| ReadError::Io {
        path: path.to_path_buf(),
        cause,
    })?;
    if link.file_type().is_symlink() {
        return Err(KeyFileProblem::Symlink {
            path: path.to_path_buf(),
        });
    }
    let mode = link.permissions().mode() & 0o777;
    if mode & 0o077 != 0 {
        return Err(KeyFileProblem::Readable {
            path: path.to_path_buf(),
            mode,
        });
    }
    let key = load(path)?;
    key.check_epoch(now).map_err(|cause| KeyFileProblem::Parse {
        path: path.to_path_buf(),
        cause,
    })?;
    probe_writable(path)?;
    Ok(key)
}

/// The lines' sealer for `deployment` (the bot's id), from the key file at
/// `path`. A key file older than the previous epoch is stepped forward and
/// rewritten at once, so the keys it held no longer exist.
pub fn sealer(path: Option<&Path>, deployment: &str, now: DateTime<Utc>) -> Result<Sealer, KeyFileProblem> {
    if std::env::var_os(RETIRED_KEY_VAR).is_some() {
        return Err(KeyFileProblem::Retired);
    }
    let path = path.ok_or(KeyFileProblem::Missing)?;
    let key = open(path, now)?;
    let sealer = Sealer::new(key.clone(), now).for_deployment(deployment);
    let oldest = sealer.oldest_key();
    if oldest.epoch != key.epoch {
        store(path, &oldest)?;
        tracing::info!(
            epoch = oldest.epoch,
            "handoff key stepped forward; older keys destroyed"
        );
    }
    Ok(sealer)
}

/// Reads the key file at `path`.
pub fn load(path: &Path) -> Result<EpochKey, KeyFileProblem> {
    let text = zeroize::Zeroizing::new(files::read_text(path, None, FileKind::Key)?);
    EpochKey::from_file_text(&text).map_err(|cause| KeyFileProblem::Parse {
        path: path.to_path_buf(),
        cause,
    })
}

/// Creates and removes the file [`store`] writes beside `path`.
fn probe_writable(path: &Path) -> Result<(), KeyFileProblem> {
    let temporary = path.with_extension("new");
    let _ = std::fs::remove_file(&temporary);
    std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(&temporary)
        .and_then(|_| std::fs::remove_file(&temporary))
        .map_err(|cause| KeyFileProblem::Write {
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
/// `period`, and every [`RETRY_WRITE`] while a rewrite fails, during which
/// `/readyz` fails. Logs epochs, never keys.
/// `sealer` is the lines' (kept across roster reloads).
pub async fn rotate(sealer: Arc<Sealer>, path: PathBuf, period: std::time::Duration, metrics: Arc<Metrics>) {
    loop {
        let (sealer, path) = (sealer.clone(), path.clone());
        let written = tokio::task::spawn_blocking(move || rotate_once(&sealer, &path, Utc::now())).await;
        let behind = match written {
            Ok(Ok(Some(epoch))) => {
                tracing::info!(epoch, "handoff key rotated; the previous one is destroyed");
                false
            }
            Ok(Ok(None)) => false,
            Ok(Err(error)) => {
                tracing::error!(%error, "handoff key rotated in memory but the key file was not rewritten");
                true
            }
            Err(error) => {
                tracing::error!(%error, "handoff key file write did not finish");
                true
            }
        };
        metrics.set_key_file_behind(behind);
        tokio::time::sleep(if behind { RETRY_WRITE } else { period }).await;
    }
}

/// Steps the keys to `now` and rewrites the key file if it holds an older
/// key than the oldest one held (never a newer one: another replica may
/// have rotated it already); the epoch written, if any.
pub fn rotate_once(sealer: &Sealer, path: &Path, now: DateTime<Utc>) -> Result<Option<i64>, KeyFileProblem> {
    sealer.advance(now);
    let oldest = sealer.oldest_key();
    let on_disk = load(path).map(|key| key.epoch).ok();
    if on_disk.is_some_and(|epoch| epoch >= oldest.epoch) {
        return Ok(None);
    }
    store(path, &oldest)?;
    Ok(Some(oldest.epoch))
}

#[cfg(test)]
mod tests {
    use crate::handoff::epoch::EPOCH_DAYS;
    use crate::handoff::epoch_of;

    use super::*;

    /// A fresh directory for one test.
    fn dir(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("overdose-keyfile-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    fn now() -> DateTime<Utc> {
        DateTime::parse_from_rfc3339("2026-12-07T06:00:00Z")
            .unwrap()
            .with_timezone(&Utc)
    }

    /// A key file for `epoch` at `path`, with `mode`.
    fn key_file(path: &Path, epoch: i64, mode: u32) -> EpochKey {
        let key = EpochKey::generate(epoch);
        store(path, &key).unwrap();
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
        key
    }

    /// Why `open` refused `path` (a key has no Debug: it is never printed).
    fn refused(path: &Path) -> KeyFileProblem {
        match open(path, now()) {
            Ok(_) => panic!("{} opened", path.display()),
            Err(problem) => problem,
        }
    }

    #[test]
    fn open_refuses_what_would_break_the_promises_later_and_takes_the_next_epoch() {
        let dir = dir("open");
        let path = dir.join("handoff.key");
        let current = epoch_of(now());
        key_file(&path, current - 1, 0o600);
        assert_eq!(open(&path, now()).unwrap().epoch, current - 1);
        key_file(&path, current, 0o400);
        assert_eq!(
            open(&path, now()).unwrap().epoch,
            current,
            "the next epoch, read-only file"
        );

        key_file(&path, current - 1, 0o644);
        let error = refused(&path);
        assert!(matches!(error, KeyFileProblem::Readable { mode: 0o644, .. }), "{error}");

        key_file(&path, current + 1, 0o600);
        let error = refused(&path).to_string();
        assert!(error.contains("ahead of the clock"), "{error}");
        for absurd in [i64::MIN, current - 10_000] {
            key_file(&path, absurd, 0o600);
            let error = refused(&path).to_string();
            assert!(error.contains("older than ten years"), "{error}");
        }

        let target = dir.join("real.key");
        let key = key_file(&target, current - 1, 0o600);
        let link = dir.join("link.key");
        std::os::unix::fs::symlink(&target, &link).unwrap();
        let error = refused(&link);
        assert!(matches!(error, KeyFileProblem::Symlink { .. }), "{error}");
        assert_eq!(load(&target).unwrap().bytes(), key.bytes());

        // The directory cannot take the file written beside the key (as on a
        // read-only mount): refused at start, not at the first rotation.
        key_file(&path, current - 1, 0o600);
        std::fs::create_dir(path.with_extension("new")).unwrap();
        std::fs::write(path.with_extension("new").join("x"), "").unwrap();
        let error = refused(&path);
        assert!(matches!(error, KeyFileProblem::Write { .. }), "{error}");
        assert!(!error.to_string().contains(&format!("{:?}", key.bytes())));
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[tokio::test(start_paused = true)]
    async fn readyz_fails_while_the_key_file_cannot_be_rewritten_and_recovers() {
        let dir = dir("rotate");
        let path = dir.join("handoff.key");
        let current = epoch_of(Utc::now());
        // The file is an epoch behind the keys held: it must be rewritten.
        let stale = key_file(&path, current - 2, 0o600);
        let sealer = Arc::new(Sealer::new(stale, Utc::now()));
        let blocker = path.with_extension("new");
        std::fs::create_dir(&blocker).unwrap();
        std::fs::write(blocker.join("x"), "").unwrap();
        let metrics = Arc::new(Metrics::new());
        let period = std::time::Duration::from_secs(EPOCH_DAYS as u64 * 24 * 3600);
        let task = tokio::spawn(rotate(sealer.clone(), path.clone(), period, metrics.clone()));
        while !metrics.key_file_behind() {
            tokio::task::yield_now().await;
        }
        assert_eq!(load(&path).unwrap().epoch, current - 2, "not rewritten");
        std::fs::remove_dir_all(&blocker).unwrap();
        while metrics.key_file_behind() {
            tokio::time::sleep(std::time::Duration::from_secs(1)).await;
        }
        assert_eq!(load(&path).unwrap().epoch, current - 1, "rewritten on a retry");
        task.abort();
        std::fs::remove_dir_all(&dir).unwrap();
    }

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
