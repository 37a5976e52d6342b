//! Every translatable text of the content, each under a stable key
//! (`not-breathing.text`, `gave-naloxone.checkins.breathing.answers.0.label`,
//! `:manifest.disclaimer`), and the short hashes that say which version of
//! a text a translation or a review is about. Keywords are not here: each
//! locale has its own, they do not translate each other.

use serde_saphyr::Spanned;
use sha2::{Digest, Sha256};

use super::parsed::Parsed;
use super::raw::{Localized, RawManifest, RawNode};
use crate::diagnostics::FileId;

/// How many hex digits of SHA-256 a stamp keeps: short enough to read in a
/// diff, long enough that an edit never keeps its hash by chance.
const HASH_LEN: usize = 8;

/// Manifest texts are keyed under this prefix: `:` is never in a node id.
const MANIFEST_PREFIX: &str = ":manifest";

/// One text in all its locales.
pub struct Text<'a> {
    /// Stable across edits of the text; the key of its stamps.
    pub key: String,
    /// The node it belongs to; `None` for the manifest's texts.
    pub node: Option<&'a str>,
    pub file: FileId,
    pub map: &'a Spanned<Localized>,
}

/// Every text of the manifest and the nodes, in file order.
pub fn all(parsed: &Parsed) -> Vec<Text<'_>> {
    let mut texts = Vec::new();
    if let Some((file, manifest)) = &parsed.manifest {
        for (key, map) in of_manifest(manifest) {
            texts.push(Text {
                key,
                node: None,
                file: *file,
                map,
            });
        }
    }
    for (file, node) in &parsed.nodes {
        for (key, map) in of_node(node) {
            texts.push(Text {
                key,
                node: Some(node.id.value.as_str()),
                file: *file,
                map,
            });
        }
    }
    texts
}

/// A node's texts: title, text, its group-chat summary, and each
/// check-in's question and answers.
pub fn of_node(node: &RawNode) -> Vec<(String, &Spanned<Localized>)> {
    let id = &node.id.value;
    let mut texts = vec![(format!("{id}.title"), &node.title)];
    if let Some(text) = &node.text {
        texts.push((format!("{id}.text"), text));
    }
    if let Some(summary) = &node.summary {
        texts.push((format!("{id}.summary"), summary));
    }
    for checkin in &node.checkins {
        let step = format!("{id}.checkins.{}", checkin.id.value);
        texts.push((format!("{step}.ask"), &checkin.ask));
        for (index, answer) in checkin.answers.value.iter().enumerate() {
            texts.push((format!("{step}.answers.{index}.label"), &answer.label));
        }
    }
    if let Some(done) = &node.done {
        texts.push((format!("{id}.done"), done));
    }
    texts
}

fn of_manifest(manifest: &RawManifest) -> Vec<(String, &Spanned<Localized>)> {
    let mut texts = vec![
        (format!("{MANIFEST_PREFIX}.disclaimer"), &manifest.disclaimer),
        (
            format!("{MANIFEST_PREFIX}.organisation.name"),
            &manifest.organisation.value.name,
        ),
        (
            format!("{MANIFEST_PREFIX}.organisation.contact"),
            &manifest.organisation.value.contact,
        ),
    ];
    for number in &manifest.emergency_numbers.value {
        texts.push((
            format!("{MANIFEST_PREFIX}.emergency_numbers.{}.label", number.number.value),
            &number.label,
        ));
    }
    texts
}

/// The hash of one text as stamps record it: leading and trailing blanks
/// do not count (YAML block scalars add a final newline).
pub fn hash(text: &str) -> String {
    digest(&[text.trim()])
}

/// The hash of a node's texts in `locale` taken together: what a review
/// record keeps, so any change to what the reviewer read shows. `None`
/// when one of them is missing in that locale.
pub fn node_hash(node: &RawNode, locale: &str) -> Option<String> {
    let mut parts = Vec::new();
    for (key, map) in of_node(node) {
        let text = map.value.get(locale)?;
        parts.push(key);
        parts.push(text.value.trim().to_owned());
    }
    let parts: Vec<&str> = parts.iter().map(String::as_str).collect();
    Some(digest(&parts))
}

fn digest(parts: &[&str]) -> String {
    let mut hasher = Sha256::new();
    for part in parts {
        hasher.update(part.as_bytes());
        // A separator no text contains, so ("ab", "c") and ("a", "bc") differ.
        hasher.update([0]);
    }
    let digest = hasher.finalize();
    let mut out = String::with_capacity(HASH_LEN);
    for byte in digest.iter().take(HASH_LEN / 2) {
        out.push_str(&format!("{byte:02x}"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hash_is_short_stable_and_ignores_surrounding_blanks() {
        assert_eq!(hash("Звоните 112").len(), HASH_LEN);
        assert_eq!(hash("Звоните 112"), hash("  Звоните 112\n"));
        assert_ne!(hash("Звоните 112"), hash("Звоните 103"));
        assert_ne!(digest(&["ab", "c"]), digest(&["a", "bc"]));
    }
}
