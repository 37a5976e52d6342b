//! Ticket keys by epoch, so that old buttons become undecryptable.
//!
//! A ticket names the person's Telegram chat. If one long-lived key leaked,
//! every old case card in every doctor's chat would give away who asked. So
//! time is cut into epochs of [`EPOCH_DAYS`] (a ticket's lifetime), each with
//! its own key, and each epoch's key is derived from the one before by a
//! one-way step (HKDF-SHA256): from a key one can compute the later keys,
//! never the earlier ones. The bot holds only the previous and the current
//! epoch's keys and keeps only the previous one on disk, rewriting the file
//! when an epoch ends. A key that leaks today opens tickets from at most
//! one epoch back: a ticket is undecryptable once its lifetime plus one
//! rotation has passed. Replicas that start from the same key file derive
//! the same keys from the clock, with no coordination.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use chacha20poly1305::aead::OsRng;
use chacha20poly1305::aead::rand_core::RngCore;
use chrono::{DateTime, Utc};
use hkdf::Hkdf;
use sha2::Sha256;
use zeroize::Zeroizing;

/// How long a case stays answerable after its last message: each answer and
/// follow-up seals a fresh ticket, so a conversation slides forward (never
/// past `seal::MAX_CASE_DAYS`). Here, not in `seal`, because the epochs are
/// cut to it and sealing reads the epochs.
pub const TICKET_LIFETIME_DAYS: i64 = 7;

/// How long one key seals new tickets: a ticket's lifetime.
pub const EPOCH_DAYS: i64 = TICKET_LIFETIME_DAYS;

const RATCHET_INFO: &[u8] = b"overdose-bot ticket key ratchet v1";

/// The epoch `now` falls in (epoch 0 began on 1970-01-01).
pub fn epoch_of(now: DateTime<Utc>) -> i64 {
    now.timestamp().div_euclid(EPOCH_DAYS * 24 * 3600)
}

/// One epoch's key. Zeroed when dropped.
#[derive(Clone)]
pub struct EpochKey {
    pub epoch: i64,
    key: Zeroizing<[u8; 32]>,
}

/// A key file that cannot be read. Never quotes the key.
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum KeyFileError {
    #[error(
        "the key file is not two lines `epoch N` and `key BASE64`; make one with `overdose-bot handoff-key --out FILE`"
    )]
    Format,
    #[error("the key file's key is not base64 of 32 bytes; make one with `overdose-bot handoff-key --out FILE`")]
    Key,
    #[error(
        "the key file's epoch {epoch} is ahead of the clock (the current epoch is {current}): keys would not rotate until then; check the clock, or make a new file with `overdose-bot handoff-key --out FILE --force`"
    )]
    Future { epoch: i64, current: i64 },
    #[error(
        "the key file's epoch {epoch} is older than ten years (the current epoch is {current}); make a new file with `overdose-bot handoff-key --out FILE --force`"
    )]
    TooOld { epoch: i64, current: i64 },
}

/// The most epochs a key file may lag behind the clock and still be
/// stepped forward at start: ten years (a step costs microseconds; an
/// absurd epoch once made the start spin forever).
pub const MAX_EPOCHS_BEHIND: i64 = 10 * 366 / EPOCH_DAYS;

impl EpochKey {
    /// A fresh random key for `epoch`.
    pub fn generate(epoch: i64) -> Self {
        let mut key = Zeroizing::new([0u8; 32]);
        OsRng.fill_bytes(key.as_mut());
        EpochKey { epoch, key }
    }

    /// The key bytes, for the cipher.
    pub fn bytes(&self) -> &[u8; 32] {
        &self.key
    }

    /// The next epoch's key. One way: it does not reveal this one.
    pub fn next(&self) -> EpochKey {
        let mut key = Zeroizing::new([0u8; 32]);
        Hkdf::<Sha256>::new(None, self.key.as_ref())
            .expand(RATCHET_INFO, key.as_mut())
            .expect("32 bytes is a valid HKDF-SHA256 output length");
        EpochKey {
            epoch: self.epoch + 1,
            key,
        }
    }

    /// This key stepped forward to `epoch` (itself if it is there or past).
    pub fn advanced_to(&self, epoch: i64) -> EpochKey {
        let mut key = self.clone();
        while key.epoch < epoch {
            key = key.next();
        }
        key
    }

    /// Whether a key file holding this key can serve at `now`: its epoch is
    /// at most the current one (a file holds the previous epoch's key; one
    /// more allows a replica whose clock is a little behind the one that
    /// rotated it) and at most [`MAX_EPOCHS_BEHIND`] old. Ahead of the
    /// clock, keys would silently stop rotating until the clock caught up.
    pub fn check_epoch(&self, now: DateTime<Utc>) -> Result<(), KeyFileError> {
        let current = epoch_of(now);
        if self.epoch > current {
            return Err(KeyFileError::Future {
                epoch: self.epoch,
                current,
            });
        }
        if self.epoch < current - MAX_EPOCHS_BEHIND {
            return Err(KeyFileError::TooOld {
                epoch: self.epoch,
                current,
            });
        }
        Ok(())
    }

    /// The key file's text: `epoch N` and `key BASE64`.
    pub fn to_file_text(&self) -> Zeroizing<String> {
        Zeroizing::new(format!(
            "epoch {}\nkey {}\n",
            self.epoch,
            STANDARD.encode(self.key.as_ref())
        ))
    }

    pub fn from_file_text(text: &str) -> Result<Self, KeyFileError> {
        let mut lines = text.lines().map(str::trim).filter(|l| !l.is_empty());
        let epoch = lines
            .next()
            .and_then(|l| l.strip_prefix("epoch "))
            .and_then(|n| n.trim().parse().ok())
            .ok_or(KeyFileError::Format)?;
        let encoded = lines
            .next()
            .and_then(|l| l.strip_prefix("key "))
            .ok_or(KeyFileError::Format)?;
        if lines.next().is_some() {
            return Err(KeyFileError::Format);
        }
        let bytes = Zeroizing::new(STANDARD.decode(encoded.trim()).map_err(|_| KeyFileError::Key)?);
        let mut key = Zeroizing::new([0u8; 32]);
        if bytes.len() != key.len() {
            return Err(KeyFileError::Key);
        }
        key.copy_from_slice(&bytes);
        Ok(EpochKey { epoch, key })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_ratchet_is_deterministic_and_moves_forward_only() {
        let start = EpochKey::generate(100);
        let a = start.advanced_to(103);
        let b = start.next().next().next();
        assert_eq!((a.epoch, a.bytes()), (103, b.bytes()));
        assert_eq!(start.advanced_to(90).epoch, 100, "never backwards");
        assert_ne!(start.next().bytes(), start.bytes());
    }

    #[test]
    fn the_file_round_trips_and_bad_files_say_why_without_the_key() {
        let key = EpochKey::generate(2_900);
        let parsed = EpochKey::from_file_text(&key.to_file_text()).unwrap();
        assert_eq!((parsed.epoch, parsed.bytes()), (key.epoch, key.bytes()));
        assert_eq!(EpochKey::from_file_text("").err(), Some(KeyFileError::Format));
        assert_eq!(
            EpochKey::from_file_text("epoch x\nkey AAAA").err(),
            Some(KeyFileError::Format)
        );
        let short = format!("epoch 1\nkey {}\n", STANDARD.encode([7u8; 16]));
        assert_eq!(EpochKey::from_file_text(&short).err(), Some(KeyFileError::Key));
        let error = EpochKey::from_file_text("epoch 1\nkey %%secret%%").err().unwrap();
        assert!(!error.to_string().contains("secret"));
    }

    #[test]
    fn epochs_are_a_ticket_lifetime_long() {
        let monday = DateTime::parse_from_rfc3339("2026-11-30T12:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        let week_later = monday + chrono::Duration::days(EPOCH_DAYS);
        assert_eq!(epoch_of(week_later), epoch_of(monday) + 1);
    }

    #[test]
    fn an_epoch_ahead_of_the_clock_or_absurdly_old_is_refused_the_next_one_accepted() {
        let now = DateTime::parse_from_rfc3339("2026-12-07T06:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        let current = epoch_of(now);
        let check = |epoch: i64| EpochKey::generate(epoch).check_epoch(now);
        assert_eq!(check(current - 1), Ok(()), "the usual file: the previous epoch");
        assert_eq!(check(current), Ok(()), "rotated by a replica whose clock is ahead");
        assert_eq!(check(current - MAX_EPOCHS_BEHIND), Ok(()), "a bot down for years");
        assert_eq!(
            check(current + 1),
            Err(KeyFileError::Future {
                epoch: current + 1,
                current
            })
        );
        for absurd in [i64::MIN, -1, current - MAX_EPOCHS_BEHIND - 1] {
            assert!(matches!(check(absurd), Err(KeyFileError::TooOld { .. })), "{absurd}");
        }
        assert!(matches!(check(i64::MAX), Err(KeyFileError::Future { .. })));
    }
}
