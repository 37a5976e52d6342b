//! Short, stable tags that stand for node ids and content versions inside
//! Telegram's 64-byte callback data.
//!
//! A key is derived from the id alone (FNV-1a, a fixed and documented hash), so
//! a button sent under one content version still finds its node under the next
//! as long as the id exists. The validator rejects the rare pair of ids with
//! the same key.

use std::fmt;

/// The 64 characters Telegram allows in deep links; used for every tag.
const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// Stands for a node id in callback data: 6 characters, 36 bits of hash.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct NodeKey([u8; NodeKey::LEN]);

/// Stands for a content version in callback data: 4 characters, 24 bits.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct VersionTag([u8; VersionTag::LEN]);

impl NodeKey {
    pub const LEN: usize = 6;

    pub fn of(id: &str) -> Self {
        NodeKey(tag(id))
    }

    /// Reads a key from callback bytes; `None` if a byte is outside the alphabet.
    pub fn parse(bytes: &[u8]) -> Option<Self> {
        parse_tag(bytes).map(NodeKey)
    }

    pub fn as_str(&self) -> &str {
        as_str(&self.0)
    }
}

impl VersionTag {
    pub const LEN: usize = 4;

    pub fn of(version: &str) -> Self {
        VersionTag(tag(version))
    }

    pub fn parse(bytes: &[u8]) -> Option<Self> {
        parse_tag(bytes).map(VersionTag)
    }

    pub fn as_str(&self) -> &str {
        as_str(&self.0)
    }
}

impl fmt::Debug for NodeKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "NodeKey({})", self.as_str())
    }
}

impl fmt::Debug for VersionTag {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "VersionTag({})", self.as_str())
    }
}

fn tag<const N: usize>(text: &str) -> [u8; N] {
    use std::hash::Hasher;
    let mut hasher = fnv::FnvHasher::default();
    hasher.write(text.as_bytes());
    let mut hash = hasher.finish();
    let mut out = [0u8; N];
    for byte in &mut out {
        *byte = ALPHABET[(hash & 63) as usize];
        hash >>= 6;
    }
    out
}

fn parse_tag<const N: usize>(bytes: &[u8]) -> Option<[u8; N]> {
    let tag: [u8; N] = bytes.try_into().ok()?;
    tag.iter().all(|b| ALPHABET.contains(b)).then_some(tag)
}

fn as_str(bytes: &[u8]) -> &str {
    std::str::from_utf8(bytes).expect("tags hold only ASCII alphabet bytes")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_stable_across_builds() {
        // Changing the hash would break every button already sent: pin it.
        assert_eq!(
            NodeKey::of("not-breathing").as_str(),
            NodeKey::of("not-breathing").as_str()
        );
        assert_eq!(NodeKey::of("start").as_str(), "fUSrF1");
        assert_eq!(VersionTag::of("2026.11.24-1").as_str().len(), 4);
    }

    #[test]
    fn parse_accepts_only_the_alphabet() {
        let key = NodeKey::of("cpr-steps");
        assert_eq!(NodeKey::parse(key.as_str().as_bytes()), Some(key));
        assert_eq!(NodeKey::parse(b"abc!ef"), None);
        assert_eq!(NodeKey::parse(b"abcde"), None);
    }
}
