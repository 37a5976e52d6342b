//! `content/translations.lock`: for each locale and text, the hash of the
//! primary-language text its translation was made from. Written by
//! `overdose-bot translations --stamp`, never by hand; one line per text,
//! sorted, so a pull request shows exactly which translations were confirmed.

use std::collections::BTreeMap;
use std::fmt::Write;

use serde_saphyr::Spanned;

/// The file's name inside the content directory (not `.yaml`: it is no
/// list of nodes).
pub const STAMPS_FILE: &str = "translations.lock";

/// As read: locale, then text key, then hash, positions kept for diagnostics.
pub type RawStamps = BTreeMap<String, BTreeMap<String, Spanned<String>>>;

/// As written: locale, then text key, then hash.
pub type Stamps = BTreeMap<String, BTreeMap<String, String>>;

/// The file's text for `stamps`.
pub fn render(stamps: &Stamps) -> String {
    let mut out = String::from(
        "# Written by `overdose-bot translations --stamp`; do not edit by hand.\n\
         # For each locale and text: the hash of the primary-language text the\n\
         # translation was made from. `check` warns (W0010) when it changes.\n",
    );
    for (locale, texts) in stamps.iter().filter(|(_, t)| !t.is_empty()) {
        let _ = writeln!(out, "{locale}:");
        for (key, hash) in texts {
            let _ = writeln!(out, "  \"{key}\": \"{hash}\"");
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rendered_stamps_read_back_the_same() {
        let mut stamps = Stamps::new();
        stamps
            .entry("en".into())
            .or_default()
            .insert(":manifest.disclaimer".into(), "0123abcd".into());
        stamps
            .entry("en".into())
            .or_default()
            .insert("cpr.title".into(), "12345678".into());
        let text = render(&stamps);
        let read: RawStamps = serde_saphyr::from_str(&text).unwrap();
        let read: Stamps = read
            .into_iter()
            .map(|(l, t)| (l, t.into_iter().map(|(k, v)| (k, v.value)).collect()))
            .collect();
        assert_eq!(read, stamps);
    }
}
