//! Sealed tickets: how a case finds its way back without the bot storing
//! anything. The person's chat id travels inside the doctor's case buttons,
//! the doctor's chat inside the person's "Write back" button, each encrypted
//! and authenticated with ChaCha20-Poly1305 under a key only the bot holds.
//! Neither side can read, change or forge the other's ticket; a ticket
//! expires after [`TICKET_LIFETIME_DAYS`].
//!
//! Wire format (URL-safe base64, no padding, fits Telegram's 64-byte
//! callback data with a one-letter prefix):
//!
//! ```text
//! nonce (12) | ciphertext of the ticket fields | Poly1305 tag (16)
//! ```
//!
//! The associated data (authenticated, never sent) binds a ticket to its
//! kind, to the deployment that sealed it and to the one chat allowed to
//! use it: a person's ticket only in the doctor's or duty chat its card was
//! sent to, a doctor's ticket only in the person's own chat. A ticket is a
//! bearer token otherwise: another account holding a person's write-back
//! link once joined the case and received the doctor's answer. Staging and
//! production bots never accept each other's tickets.

use std::fmt;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chacha20poly1305::aead::{Aead, AeadCore, KeyInit, OsRng, Payload};
use chacha20poly1305::{ChaCha20Poly1305, Key, Nonce};
use std::sync::RwLock;

use chrono::{DateTime, Duration, Utc};

use super::epoch::{EpochKey, TICKET_LIFETIME_DAYS, epoch_of};

/// A case's tickets slide forward by [`TICKET_LIFETIME_DAYS`] with each
/// message, but never past this many days after the question that opened it.
pub const MAX_CASE_DAYS: i64 = 28;

const NONCE_LEN: usize = 12;
const TAG_LEN: usize = 16;

/// A short code people and doctors can quote: five characters from an
/// alphabet without look-alikes (no I, L, O, U).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct CaseCode([u8; 3]);

impl CaseCode {
    const ALPHABET: &'static [u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";

    pub fn random() -> Self {
        let nonce = ChaCha20Poly1305::generate_nonce(&mut OsRng);
        CaseCode([nonce[0], nonce[1], nonce[2]])
    }
}

impl fmt::Display for CaseCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let bits = u32::from_be_bytes([0, self.0[0], self.0[1], self.0[2]]);
        // 24 bits as five 5-bit digits (the first has 4 bits).
        (0..5).rev().try_for_each(|i| {
            let digit = (bits >> (i * 5)) & 31;
            write!(f, "{}", Self::ALPHABET[digit as usize] as char)
        })
    }
}

/// Sealed into the doctor's case buttons: where the answer goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PersonTicket {
    pub chat: i64,
    /// The person's locale code, for the answer's header.
    pub locale: [u8; 2],
    pub case: CaseCode,
    pub expires: DateTime<Utc>,
    /// When the case's first question came (to the day).
    pub opened: DateTime<Utc>,
}

/// Sealed into the person's "Write back" button: where a follow-up goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DoctorTicket {
    /// The chat the answer came from: a doctor's private chat or the duty chat.
    pub chat: i64,
    /// The message to thread the follow-up under.
    pub message: i32,
    pub case: CaseCode,
    pub expires: DateTime<Utc>,
    /// When the case's first question came (to the day).
    pub opened: DateTime<Utc>,
}

/// Why a ticket was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum OpenError {
    #[error("not a sealed ticket")]
    Malformed,
    /// Changed, forged, another bot's, or sealed under a retired key.
    #[error("the ticket does not verify")]
    Tampered,
    #[error("the ticket has expired")]
    Expired,
}

trait Ticket: Sized {
    /// Part of the associated data: which kind of ticket this is.
    const KIND: &'static [u8];
    fn expires(&self) -> DateTime<Utc>;
    fn opened(&self) -> DateTime<Utc>;
    fn to_bytes(&self) -> Vec<u8>;
    fn from_bytes(bytes: &[u8]) -> Option<Self>;
}

/// Seals with the key of the epoch the clock is in; opens with the
/// previous, the current or the next epoch's ([`super::epoch`]), so tickets
/// stay valid across an epoch's end, replicas whose clocks or rotation
/// checks differ a little open each other's tickets, and a ticket becomes
/// undecryptable one epoch after it expires. Every seal and open first
/// steps the keys forward to the clock's epoch.
pub struct Sealer {
    ring: RwLock<Ring>,
    /// Which deployment seals and opens: the bot's id, so tickets of a
    /// staging bot are refused by production and the other way round.
    deployment: String,
}

/// The keys held: the previous epoch's, the current one's and the next
/// one's (derived from the current one anyway, so holding it reveals
/// nothing more). Ciphers zero their keys on drop (`chacha20poly1305`), as
/// `EpochKey` does.
struct Ring {
    previous: EpochKey,
    ciphers: [ChaCha20Poly1305; 3],
}

impl Ring {
    fn starting_at(previous: EpochKey) -> Self {
        let current = previous.next();
        let next = current.next();
        let ciphers = [&previous, &current, &next].map(|key| ChaCha20Poly1305::new(Key::from_slice(key.bytes())));
        Ring { previous, ciphers }
    }

    /// The cipher of `now`'s epoch: the current one's, or the previous
    /// one's while a key file from a replica a little ahead is newer than
    /// the clock.
    fn sealing(&self, now: DateTime<Utc>) -> &ChaCha20Poly1305 {
        let offset = (epoch_of(now) - self.previous.epoch).clamp(0, 1);
        &self.ciphers[offset as usize]
    }
}

impl Sealer {
    /// A sealer whose oldest key is `key`, stepped forward to the epoch
    /// before `now`'s if it is older (older keys are not kept).
    pub fn new(key: EpochKey, now: DateTime<Utc>) -> Self {
        let previous = key.advanced_to(epoch_of(now) - 1);
        Sealer {
            ring: RwLock::new(Ring::starting_at(previous)),
            deployment: String::new(),
        }
    }

    /// The same keys, sealing for `deployment` (the bot's id) only.
    pub fn for_deployment(self, deployment: &str) -> Self {
        Sealer {
            deployment: deployment.to_owned(),
            ..self
        }
    }

    /// A sealer with a random key that lives as long as the process (the
    /// console's simulation).
    pub fn ephemeral(now: DateTime<Utc>) -> Self {
        Sealer::new(EpochKey::generate(epoch_of(now) - 1), now).for_deployment("console")
    }

    /// The oldest key held: what the key file must contain.
    pub fn oldest_key(&self) -> EpochKey {
        self.ring().previous.clone()
    }

    /// Moves to `now`'s epoch when one has ended, dropping the key that is
    /// no longer needed; returns the new oldest key, or `None` when nothing
    /// changed. Sealing and opening call it too, so the key file is
    /// rewritten by comparing epochs (`keyfile::rotate`), not by this.
    pub fn advance(&self, now: DateTime<Utc>) -> Option<EpochKey> {
        let wanted = epoch_of(now) - 1;
        let mut ring = self.ring.write().unwrap_or_else(|poisoned| poisoned.into_inner());
        if ring.previous.epoch >= wanted {
            return None;
        }
        *ring = Ring::starting_at(ring.previous.advanced_to(wanted));
        Some(ring.previous.clone())
    }

    fn ring(&self) -> std::sync::RwLockReadGuard<'_, Ring> {
        self.ring.read().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Seals a person's ticket for the case buttons sent to `holder`, the
    /// doctor's or duty chat: only taps and replies there can open it.
    pub fn seal_person(&self, ticket: &PersonTicket, holder: i64, now: DateTime<Utc>) -> String {
        self.seal(ticket, holder, "", now)
    }

    /// Opens a person's ticket used in chat `holder`.
    pub fn open_person(&self, sealed: &str, holder: i64, now: DateTime<Utc>) -> Result<PersonTicket, OpenError> {
        self.open(sealed, holder, "", now)
    }

    /// Seals a doctor's ticket for the "Write back" button sent to the
    /// person's chat `holder`, from the line `line`: a follow-up stays on
    /// that line even when the one who answered has left it.
    pub fn seal_doctor(&self, ticket: &DoctorTicket, holder: i64, line: &str, now: DateTime<Utc>) -> String {
        self.seal(ticket, holder, line, now)
    }

    /// Opens a doctor's ticket used in chat `holder`, if it was sealed on `line`.
    pub fn open_doctor(
        &self,
        sealed: &str,
        holder: i64,
        line: &str,
        now: DateTime<Utc>,
    ) -> Result<DoctorTicket, OpenError> {
        self.open(sealed, holder, line, now)
    }

    /// Kind, deployment, the holder's chat and the line (a doctor's
    /// ticket's; empty for a person's): authenticated, never sent.
    fn associated_data<T: Ticket>(&self, holder: i64, line: &str) -> Vec<u8> {
        let mut aad = T::KIND.to_vec();
        aad.push(0);
        aad.extend(self.deployment.as_bytes());
        aad.push(0);
        aad.extend(holder.to_be_bytes());
        aad.extend(line.as_bytes());
        aad
    }

    fn seal<T: Ticket>(&self, ticket: &T, holder: i64, line: &str, now: DateTime<Utc>) -> String {
        self.advance(now);
        let nonce = ChaCha20Poly1305::generate_nonce(&mut OsRng);
        let plaintext = ticket.to_bytes();
        let sealed = self
            .ring()
            .sealing(now)
            .encrypt(
                &nonce,
                Payload {
                    msg: &plaintext,
                    aad: &self.associated_data::<T>(holder, line),
                },
            )
            .expect("ChaCha20-Poly1305 encrypts any message shorter than 256 GiB");
        let mut bytes = nonce.to_vec();
        bytes.extend(sealed);
        URL_SAFE_NO_PAD.encode(bytes)
    }

    fn open<T: Ticket>(&self, sealed: &str, holder: i64, line: &str, now: DateTime<Utc>) -> Result<T, OpenError> {
        let bytes = URL_SAFE_NO_PAD.decode(sealed).map_err(|_| OpenError::Malformed)?;
        if bytes.len() < NONCE_LEN + TAG_LEN {
            return Err(OpenError::Malformed);
        }
        let (nonce, ciphertext) = bytes.split_at(NONCE_LEN);
        self.advance(now);
        let aad = self.associated_data::<T>(holder, line);
        let payload = || Payload {
            msg: ciphertext,
            aad: &aad,
        };
        let plaintext = self
            .ring()
            .ciphers
            .iter()
            .find_map(|key| key.decrypt(Nonce::from_slice(nonce), payload()).ok())
            .ok_or(OpenError::Tampered)?;
        let ticket = T::from_bytes(&plaintext).ok_or(OpenError::Tampered)?;
        if ticket.expires() <= now || now - ticket.opened() > Duration::days(MAX_CASE_DAYS) {
            return Err(OpenError::Expired);
        }
        Ok(ticket)
    }
}

/// When a ticket sealed at `now` stops working.
pub fn expiry_from(now: DateTime<Utc>) -> DateTime<Utc> {
    now + Duration::days(TICKET_LIFETIME_DAYS)
}

/// Expiry to the hour, in three bytes (hours since 1970 fit until year 3884).
fn hours_bytes(time: DateTime<Utc>) -> [u8; 3] {
    let hours = time.timestamp().div_euclid(3600).clamp(0, 0xFF_FFFF) as u32;
    let [_, a, b, c] = (hours + 1).min(0xFF_FFFF).to_be_bytes();
    [a, b, c]
}

/// The case's age in days when the ticket was sealed, in one byte, rounded
/// up: the case may end up to a day early, never late.
fn age_byte(opened: DateTime<Utc>, expires: DateTime<Utc>) -> u8 {
    // Measured from the expiry as the opener will read it (to the hour).
    let expires = hours_time(hours_bytes(expires)).unwrap_or(expires);
    let sealed = expires - Duration::days(TICKET_LIFETIME_DAYS);
    let minutes = (sealed - opened).num_minutes();
    (minutes + 24 * 60 - 1).div_euclid(24 * 60).clamp(0, 255) as u8
}

fn opened_from(age: u8, expires: DateTime<Utc>) -> DateTime<Utc> {
    expires - Duration::days(TICKET_LIFETIME_DAYS) - Duration::days(i64::from(age))
}

fn hours_time(bytes: [u8; 3]) -> Option<DateTime<Utc>> {
    let hours = u32::from_be_bytes([0, bytes[0], bytes[1], bytes[2]]);
    DateTime::from_timestamp(i64::from(hours) * 3600, 0)
}

impl Ticket for PersonTicket {
    const KIND: &'static [u8] = b"person";

    fn expires(&self) -> DateTime<Utc> {
        self.expires
    }

    fn opened(&self) -> DateTime<Utc> {
        self.opened
    }

    fn to_bytes(&self) -> Vec<u8> {
        let mut bytes = self.chat.to_be_bytes().to_vec();
        bytes.extend(self.locale);
        bytes.extend(self.case.0);
        bytes.extend(hours_bytes(self.expires));
        bytes.push(age_byte(self.opened, self.expires));
        bytes
    }

    fn from_bytes(bytes: &[u8]) -> Option<Self> {
        let bytes: &[u8; 17] = bytes.try_into().ok()?;
        let expires = hours_time([bytes[13], bytes[14], bytes[15]])?;
        Some(PersonTicket {
            chat: i64::from_be_bytes(bytes[0..8].try_into().ok()?),
            locale: [bytes[8], bytes[9]],
            case: CaseCode([bytes[10], bytes[11], bytes[12]]),
            expires,
            opened: opened_from(bytes[16], expires),
        })
    }
}

impl Ticket for DoctorTicket {
    const KIND: &'static [u8] = b"doctor";

    fn expires(&self) -> DateTime<Utc> {
        self.expires
    }

    fn opened(&self) -> DateTime<Utc> {
        self.opened
    }

    fn to_bytes(&self) -> Vec<u8> {
        let mut bytes = self.chat.to_be_bytes().to_vec();
        bytes.extend(self.message.to_be_bytes());
        bytes.extend(self.case.0);
        bytes.extend(hours_bytes(self.expires));
        bytes.push(age_byte(self.opened, self.expires));
        bytes
    }

    fn from_bytes(bytes: &[u8]) -> Option<Self> {
        let bytes: &[u8; 19] = bytes.try_into().ok()?;
        let expires = hours_time([bytes[15], bytes[16], bytes[17]])?;
        Some(DoctorTicket {
            chat: i64::from_be_bytes(bytes[0..8].try_into().ok()?),
            message: i32::from_be_bytes(bytes[8..12].try_into().ok()?),
            case: CaseCode([bytes[12], bytes[13], bytes[14]]),
            expires,
            opened: opened_from(bytes[18], expires),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::handoff::epoch::EPOCH_DAYS;
    use proptest::prelude::*;

    /// The chats the tickets are shown in.
    const DOCTOR: i64 = 7001;
    const PERSON: i64 = 5_550_001;

    fn now() -> DateTime<Utc> {
        DateTime::parse_from_rfc3339("2026-11-24T23:00:00Z")
            .unwrap()
            .with_timezone(&Utc)
    }

    fn person(chat: i64) -> PersonTicket {
        PersonTicket {
            chat,
            locale: *b"ru",
            case: CaseCode([1, 2, 3]),
            expires: expiry_from(now()),
            opened: now(),
        }
    }

    fn sealer() -> Sealer {
        Sealer::new(EpochKey::generate(epoch_of(now()) - 1), now())
    }

    #[test]
    fn tickets_round_trip_and_fit_callback_data() {
        let sealer = sealer();
        let sealed = sealer.seal_person(&person(123_456_789), DOCTOR, now());
        assert!(format!("t{sealed}").len() <= 64, "{} bytes", sealed.len());
        let opened = sealer.open_person(&sealed, DOCTOR, now()).unwrap();
        assert_eq!(opened.chat, 123_456_789);
        assert_eq!(opened.case, CaseCode([1, 2, 3]));
        assert!(opened.expires >= expiry_from(now()), "expiry rounds up, never down");
        let doctor = DoctorTicket {
            chat: -1_001_234_567_890,
            message: i32::MAX,
            case: CaseCode([9, 9, 9]),
            expires: expiry_from(now()),
            opened: now(),
        };
        let sealed = sealer.seal_doctor(&doctor, PERSON, "doctors", now());
        assert!(format!("t{sealed}").len() <= 64, "{} bytes", sealed.len());
        assert_eq!(
            sealer.open_doctor(&sealed, PERSON, "doctors", now()).unwrap().chat,
            doctor.chat
        );
        assert!(!sealed.contains("1001234567890"));
    }

    #[test]
    fn the_same_ticket_seals_differently_each_time() {
        let sealer = sealer();
        assert_ne!(
            sealer.seal_person(&person(1), DOCTOR, now()),
            sealer.seal_person(&person(1), DOCTOR, now())
        );
    }

    #[test]
    fn tampered_expired_wrong_key_and_wrong_kind_are_refused() {
        let sealer = sealer();
        let sealed = sealer.seal_person(&person(42), DOCTOR, now());
        let mut flipped = sealed.clone().into_bytes();
        let middle = flipped.len() / 2;
        flipped[middle] = if flipped[middle] == b'A' { b'B' } else { b'A' };
        let flipped = String::from_utf8(flipped).unwrap();
        assert_eq!(sealer.open_person(&flipped, DOCTOR, now()), Err(OpenError::Tampered));
        let later = now() + Duration::days(TICKET_LIFETIME_DAYS) + Duration::hours(2);
        assert_eq!(sealer.open_person(&sealed, DOCTOR, later), Err(OpenError::Expired));
        let other_key = Sealer::new(EpochKey::generate(epoch_of(now()) - 1), now());
        assert_eq!(other_key.open_person(&sealed, DOCTOR, now()), Err(OpenError::Tampered));
        assert_eq!(
            sealer.open_doctor(&sealed, DOCTOR, "doctors", now()).map(|t| t.chat),
            Err(OpenError::Tampered),
            "a person's ticket is not a doctor's"
        );
        assert_eq!(
            sealer.open_person("not base64!", DOCTOR, now()),
            Err(OpenError::Malformed)
        );
        assert_eq!(sealer.open_person("AAAA", DOCTOR, now()), Err(OpenError::Malformed));
    }

    #[test]
    fn a_ticket_opens_only_in_its_chat_and_its_deployment() {
        let key = EpochKey::generate(epoch_of(now()) - 1);
        let production = Sealer::new(key.clone(), now()).for_deployment("111");
        let sealed = production.seal_doctor(
            &DoctorTicket {
                chat: DOCTOR,
                message: 5,
                case: CaseCode([1, 1, 1]),
                expires: expiry_from(now()),
                opened: now(),
            },
            PERSON,
            "doctors",
            now(),
        );
        assert!(production.open_doctor(&sealed, PERSON, "doctors", now()).is_ok());
        assert_eq!(
            production
                .open_doctor(&sealed, PERSON, "outreach", now())
                .map(|t| t.chat),
            Err(OpenError::Tampered),
            "another line"
        );
        assert_eq!(
            production.open_doctor(&sealed, 8_888, "doctors", now()).map(|t| t.chat),
            Err(OpenError::Tampered),
            "another account holding the person's link"
        );
        let staging = Sealer::new(key, now()).for_deployment("222");
        assert_eq!(
            staging.open_doctor(&sealed, PERSON, "doctors", now()).map(|t| t.chat),
            Err(OpenError::Tampered),
            "the same key in another deployment"
        );
    }

    #[test]
    fn a_conversation_slides_forward_but_ends_four_weeks_after_its_question() {
        let sealer = sealer();
        let later = now() + Duration::days(MAX_CASE_DAYS - 3);
        let ongoing = PersonTicket {
            expires: expiry_from(later - Duration::days(1)),
            ..person(7)
        };
        // Within the window, the key still held at `later`:
        let sealer_later = Sealer::new(sealer.oldest_key(), later - Duration::days(1));
        let sealed = sealer_later.seal_person(&ongoing, DOCTOR, later - Duration::days(1));
        let opened = sealer_later.open_person(&sealed, DOCTOR, later).unwrap();
        let early = now() - opened.opened;
        assert!(
            early >= Duration::zero() && early < Duration::days(1),
            "the age travels in the ticket: {early}"
        );
        let past_the_maximum = now() + Duration::days(MAX_CASE_DAYS) + Duration::hours(2);
        assert_eq!(
            sealer_later.open_person(&sealed, DOCTOR, past_the_maximum),
            Err(OpenError::Expired),
            "its own expiry is days away, but the case is over"
        );
    }

    #[test]
    fn tickets_survive_one_epoch_end_and_die_with_the_next() {
        let sealer = sealer();
        let sealed = sealer.seal_person(&person(7), DOCTOR, now());
        let next_epoch = now() + Duration::days(EPOCH_DAYS);
        assert!(sealer.advance(next_epoch).is_some(), "the oldest key moves on");
        assert!(sealer.advance(next_epoch).is_none(), "once per epoch");
        // Still within its lifetime: a ticket sealed just before the epoch ended opens.
        assert_eq!(sealer.open_person(&sealed, DOCTOR, now()).unwrap().chat, 7);
        let later = now() + Duration::days(2 * EPOCH_DAYS);
        sealer.advance(later);
        assert_eq!(
            sealer.open_person(&sealed, DOCTOR, now()),
            Err(OpenError::Tampered),
            "its key is gone, whatever the clock says"
        );
    }

    #[test]
    fn a_leaked_key_opens_nothing_older_than_one_epoch() {
        let first = EpochKey::generate(epoch_of(now()) - 1);
        let sealer = Sealer::new(first, now());
        let old = sealer.seal_person(&person(7), DOCTOR, now());
        let two_epochs_on = now() + Duration::days(2 * EPOCH_DAYS);
        sealer.advance(two_epochs_on);
        // Everything the bot holds now, as a thief would.
        let leaked = Sealer::new(sealer.oldest_key(), two_epochs_on);
        assert_eq!(leaked.open_person(&old, DOCTOR, now()), Err(OpenError::Tampered));
    }

    #[test]
    fn replicas_with_one_key_file_agree_across_epochs() {
        let file = EpochKey::generate(epoch_of(now()) - 5);
        let a = Sealer::new(file.clone(), now());
        let b = Sealer::new(file, now());
        let sealed = a.seal_person(&person(9), DOCTOR, now());
        assert_eq!(b.open_person(&sealed, DOCTOR, now()).unwrap().chat, 9);
        assert_eq!(a.oldest_key().epoch, epoch_of(now()) - 1, "stepped forward at start");
    }

    #[test]
    fn case_codes_are_five_readable_characters() {
        assert_eq!(CaseCode([0, 0, 0]).to_string(), "00000");
        assert_eq!(CaseCode([0xFF, 0xFF, 0xFF]).to_string(), "FZZZZ");
        let code = CaseCode::random().to_string();
        assert_eq!(code.len(), 5);
        assert!(code.chars().all(|c| c.is_ascii_alphanumeric() && !"ILOU".contains(c)));
    }

    #[test]
    fn replicas_open_each_others_tickets_right_after_an_epoch_ends_and_with_clocks_apart() {
        let key = EpochKey::generate(epoch_of(now()) - 1);
        let (a, b, c) = (
            Sealer::new(key.clone(), now()),
            Sealer::new(key.clone(), now()),
            Sealer::new(key, now()),
        );
        let boundary = DateTime::from_timestamp((epoch_of(now()) + 1) * EPOCH_DAYS * 24 * 3600, 0).unwrap();
        let (after, behind) = (boundary + Duration::seconds(1), boundary - Duration::seconds(5));
        // A's rotation check ran at once, B's has not (it runs every 15 minutes).
        assert!(a.advance(after).is_some());
        let from_a = a.seal_person(&person(1), DOCTOR, after);
        assert_eq!(b.open_person(&from_a, DOCTOR, after).map(|t| t.chat), Ok(1));
        // C's clock is five seconds behind: A's ticket is of C's next epoch.
        assert_eq!(c.open_person(&from_a, DOCTOR, behind).map(|t| t.chat), Ok(1));
        let from_c = c.seal_person(&person(2), DOCTOR, behind);
        assert_eq!(a.open_person(&from_c, DOCTOR, after).map(|t| t.chat), Ok(2));
    }

    #[test]
    fn the_sealing_key_is_the_clocks_epochs_even_before_a_rotation_check() {
        let sealer = sealer();
        let two_epochs_on = now() + Duration::days(2 * EPOCH_DAYS);
        let ticket = PersonTicket {
            expires: expiry_from(two_epochs_on),
            opened: two_epochs_on,
            ..person(3)
        };
        let sealed = sealer.seal_person(&ticket, DOCTOR, two_epochs_on);
        assert_eq!(
            sealer.oldest_key().epoch,
            epoch_of(two_epochs_on) - 1,
            "stepped forward"
        );
        let restarted = Sealer::new(sealer.oldest_key(), two_epochs_on);
        assert_eq!(
            restarted.open_person(&sealed, DOCTOR, two_epochs_on).map(|t| t.chat),
            Ok(3)
        );
    }

    proptest! {
        #[test]
        fn garbage_never_opens_or_panics(text in "[A-Za-z0-9_-]{0,90}") {
            prop_assert!(sealer().open_person(&text, DOCTOR, now()).is_err());
            prop_assert!(sealer().open_doctor(&text, PERSON, "doctors", now()).is_err());
        }
    }
}
