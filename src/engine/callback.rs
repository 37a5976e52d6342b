//! The callback-data codec: everything the next tap needs, in at most 64 bytes.
//!
//! Layout (all characters from the deep-link alphabet `[A-Za-z0-9_-]`; the
//! first is [`Prefix::Menu`], owned by `crate::payload`):
//!
//! ```text
//! M VVVV LL TTTTTT [CCCCCC]*
//! | |    |  |       breadcrumb for Back, oldest first, at most MAX_CRUMBS
//! | |    |  target node key
//! | |    locale code
//! | content version tag
//! format (the menu prefix)
//! ```
//!
//! Decoding never panics: anything malformed is a [`DecodeError`].

use crate::content::{NodeKey, VersionTag};
use crate::payload::{MAX_CRUMBS, Prefix};

const HEADER_LEN: usize = 1 + VersionTag::LEN + 2;

/// The longest callback data the codec can produce.
pub const MAX_LEN: usize = HEADER_LEN + NodeKey::LEN * (1 + MAX_CRUMBS);
const _: () = assert!(MAX_LEN <= 64, "Telegram limits callback_data to 64 bytes");

/// A decoded button.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CallbackData {
    pub version: VersionTag,
    /// Two lowercase ASCII letters.
    pub locale: [u8; 2],
    pub target: NodeKey,
    /// The screens before `target`, oldest first, root excluded.
    pub crumbs: Vec<NodeKey>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum DecodeError {
    #[error("callback data is not from this bot's format")]
    Format,
    #[error("callback data has a wrong length")]
    Length,
    #[error("callback data has a malformed field")]
    Field,
}

impl CallbackData {
    pub fn encode(&self) -> String {
        let mut out = String::with_capacity(MAX_LEN);
        out.push(Prefix::Menu.char());
        out.push_str(self.version.as_str());
        out.push(self.locale[0] as char);
        out.push(self.locale[1] as char);
        out.push_str(self.target.as_str());
        let skip = self.crumbs.len().saturating_sub(MAX_CRUMBS);
        for crumb in &self.crumbs[skip..] {
            out.push_str(crumb.as_str());
        }
        out
    }

    pub fn decode(data: &str) -> Result<Self, DecodeError> {
        if !matches!(Prefix::of_callback(data), Some((Prefix::Menu, _))) {
            return Err(DecodeError::Format);
        }
        let bytes = data.as_bytes();
        let keys_len = bytes.len().checked_sub(HEADER_LEN).ok_or(DecodeError::Length)?;
        if keys_len == 0 || keys_len % NodeKey::LEN != 0 || bytes.len() > MAX_LEN {
            return Err(DecodeError::Length);
        }
        let version = VersionTag::parse(&bytes[1..1 + VersionTag::LEN]).ok_or(DecodeError::Field)?;
        let locale = [bytes[HEADER_LEN - 2], bytes[HEADER_LEN - 1]];
        if !locale.iter().all(u8::is_ascii_lowercase) {
            return Err(DecodeError::Field);
        }
        let mut keys = bytes[HEADER_LEN..]
            .chunks(NodeKey::LEN)
            .map(|chunk| NodeKey::parse(chunk).ok_or(DecodeError::Field));
        let target = keys.next().ok_or(DecodeError::Length)??;
        let crumbs = keys.collect::<Result<Vec<_>, _>>()?;
        Ok(CallbackData {
            version,
            locale,
            target,
            crumbs,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn sample(crumbs: usize) -> CallbackData {
        CallbackData {
            version: VersionTag::of("2026.11.24-1"),
            locale: *b"ru",
            target: NodeKey::of("cpr-steps"),
            crumbs: (0..crumbs).map(|i| NodeKey::of(&format!("node-{i}"))).collect(),
        }
    }

    #[test]
    fn round_trips_and_fits_telegram() {
        for crumbs in 0..=MAX_CRUMBS {
            let data = sample(crumbs);
            let encoded = data.encode();
            assert!(encoded.len() <= 64);
            assert_eq!(CallbackData::decode(&encoded), Ok(data));
        }
    }

    #[test]
    fn buttons_from_before_the_menu_prefix_still_decode() {
        let data = sample(2);
        let old = data.encode().replacen('M', "1", 1);
        assert_eq!(CallbackData::decode(&old), Ok(data));
    }

    #[test]
    fn too_many_crumbs_keep_the_most_recent() {
        let data = sample(MAX_CRUMBS + 3);
        let decoded = CallbackData::decode(&data.encode()).unwrap();
        assert_eq!(decoded.crumbs, data.crumbs[3..]);
    }

    #[test]
    fn rejects_malformed_data() {
        let good = sample(1).encode();
        assert_eq!(CallbackData::decode(""), Err(DecodeError::Format));
        assert_eq!(CallbackData::decode("2abc"), Err(DecodeError::Format));
        assert_eq!(CallbackData::decode(&good[..good.len() - 1]), Err(DecodeError::Length));
        assert_eq!(CallbackData::decode(&good[..7]), Err(DecodeError::Length));
        assert_eq!(CallbackData::decode(&good.replace("ru", "RU")), Err(DecodeError::Field));
        let mut broken = good.clone();
        broken.replace_range(9..10, "!");
        assert_eq!(CallbackData::decode(&broken), Err(DecodeError::Field));
        assert_eq!(CallbackData::decode("Mééé"), Err(DecodeError::Length));
    }

    fn key() -> impl Strategy<Value = NodeKey> {
        "[a-z0-9-]{1,20}".prop_map(|id| NodeKey::of(&id))
    }

    proptest! {
        #[test]
        fn any_path_round_trips(locale in "[a-z]{2}", version in "[0-9.]{1,12}", target in key(), crumbs in prop::collection::vec(key(), 0..=MAX_CRUMBS)) {
            let data = CallbackData {
                version: VersionTag::of(&version),
                locale: locale.as_bytes().try_into().unwrap(),
                target,
                crumbs,
            };
            let encoded = data.encode();
            prop_assert!(encoded.len() <= 64);
            prop_assert_eq!(CallbackData::decode(&encoded), Ok(data));
        }

        #[test]
        fn garbage_never_panics(data in "\\PC{0,80}") {
            let _ = CallbackData::decode(&data);
        }

        #[test]
        fn mutated_data_never_panics(index in 0usize..64, byte in any::<u8>()) {
            let mut bytes = sample(4).encode().into_bytes();
            let len = bytes.len();
            bytes[index % len] = byte;
            if let Ok(text) = String::from_utf8(bytes) {
                let _ = CallbackData::decode(&text);
            }
        }
    }
}
