//! Which words of the vocabulary a query word may match, without comparing
//! it with every word: the search compared each query word with the whole
//! vocabulary, so `check`'s emergency-keyword warning (every keyword read
//! as a message) grew with the square of the content, and each message
//! with its size.
//!
//! A word matches another when they are equal, one begins with the other
//! (three letters at least), or they are within two edits (insert, delete,
//! substitute, swap neighbours; not for numbers). [`Lookup`] finds a superset of those
//! candidates from three structures built once per content load; the
//! search then scores each candidate exactly as before, so the results do
//! not change, only the work:
//!
//! - every spelling, sorted: the words a query word begins (a binary
//!   search), and an exact look-up of each beginning of the query word;
//! - a deletion index (SymSpell): each spelling with up to two letters
//!   left out, hashed. Two words within two insertions, deletions or
//!   substitutions share such a form; a swap of neighbours is tried on the
//!   query word first, so two swaps are found too.

use fnv::FnvHasher;
use std::hash::Hasher;

/// Longest spelling compared for typos (the search's own limit).
const MAX_TYPO_LEN: usize = 31;
/// Shortest spelling that can be a prefix or typo match.
const MIN_LEN: usize = 3;

/// Candidate words for query words.
#[derive(Default)]
pub(super) struct Lookup {
    /// Every spelling (stems and surfaces) with its word, sorted.
    spellings: Vec<(String, u32)>,
    /// Hashes of each spelling with up to two letters left out, with the
    /// word, sorted.
    deletions: Vec<(u64, u32)>,
    /// The words of emergency phrases, sorted: few, and all the emergency
    /// rule compares a message with.
    emergency: Vec<u32>,
}

impl Lookup {
    /// Indexes each word's spellings (`words[i]` are word `i`'s).
    pub(super) fn build<'a>(words: impl IntoIterator<Item = [&'a [char]; 2]>) -> Self {
        let mut lookup = Lookup::default();
        for (id, [stem, surface]) in words.into_iter().enumerate() {
            let id = id as u32;
            // A word spelt as its stem is indexed once.
            let spellings = if stem == surface {
                &[stem][..]
            } else {
                &[stem, surface][..]
            };
            for &spelling in spellings {
                lookup.spellings.push((spelling.iter().collect(), id));
                if typo_matched(spelling) {
                    deletions(spelling, |hash| lookup.deletions.push((hash, id)));
                }
            }
        }
        lookup.spellings.sort_unstable();
        lookup.spellings.dedup();
        lookup.deletions.sort_unstable();
        lookup.deletions.dedup();
        lookup
    }

    /// Words that may match a query word spelt `stem` or `surface`, sorted
    /// and without repeats: a superset of those the search's similarity
    /// scores above zero.
    pub(super) fn candidates(&self, stem: &[char], surface: &[char]) -> Vec<usize> {
        let mut found: Vec<u32> = Vec::new();
        for query in [stem, surface] {
            self.begun_by(query, &mut found);
            self.beginnings_of(query, &mut found);
            if query.len() > MIN_LEN && typo_matched(query) {
                self.typos_of(query, &mut found);
            }
        }
        found.sort_unstable();
        found.dedup();
        found.into_iter().map(|id| id as usize).collect()
    }

    /// Marks the words of emergency phrases.
    pub(super) fn set_emergency_words(&mut self, words: impl IntoIterator<Item = usize>) {
        self.emergency = words.into_iter().map(|id| id as u32).collect();
        self.emergency.sort_unstable();
        self.emergency.dedup();
    }

    /// The words of emergency phrases, and the words spelt exactly
    /// `stem` or `surface`, sorted and without repeats.
    pub(super) fn emergency_candidates(&self, stem: &[char], surface: &[char]) -> Vec<usize> {
        let mut found: Vec<usize> = self.emergency.iter().map(|&id| id as usize).collect();
        for query in [stem, surface] {
            let query: String = query.iter().collect();
            let start = self.spellings.partition_point(|(s, _)| s.as_str() < query.as_str());
            let exact = self.spellings[start..].iter().take_while(|(s, _)| *s == query);
            // Few or none: each put in its place, so the list stays sorted
            // without sorting every emergency word again per query word.
            for &(_, id) in exact {
                if let Err(at) = found.binary_search(&(id as usize)) {
                    found.insert(at, id as usize);
                }
            }
        }
        found
    }

    /// Words that begin with `query` (or are it).
    fn begun_by(&self, query: &[char], found: &mut Vec<u32>) {
        let query: String = query.iter().collect();
        let start = self.spellings.partition_point(|(s, _)| s.as_str() < query.as_str());
        let begun = self.spellings[start..]
            .iter()
            .take_while(|(s, _)| s.starts_with(query.as_str()));
        if query.chars().count() >= MIN_LEN {
            found.extend(begun.map(|&(_, id)| id));
        } else {
            // Too short to be a prefix match: only the word itself.
            found.extend(begun.filter(|(s, _)| *s == query).map(|&(_, id)| id));
        }
    }

    /// Words that are a beginning of `query` of three letters or more.
    fn beginnings_of(&self, query: &[char], found: &mut Vec<u32>) {
        let mut prefix = String::new();
        for (length, letter) in query.iter().enumerate() {
            prefix.push(*letter);
            if length + 1 < MIN_LEN || length + 1 == query.len() {
                continue;
            }
            let start = self.spellings.partition_point(|(s, _)| s.as_str() < prefix.as_str());
            found.extend(
                self.spellings[start..]
                    .iter()
                    .take_while(|(s, _)| *s == prefix)
                    .map(|&(_, id)| id),
            );
        }
    }

    /// Words within two edits of `query`.
    fn typos_of(&self, query: &[char], found: &mut Vec<u32>) {
        let mut look = |hash: u64| {
            let start = self.deletions.partition_point(|&(h, _)| h < hash);
            found.extend(
                self.deletions[start..]
                    .iter()
                    .take_while(|&&(h, _)| h == hash)
                    .map(|&(_, id)| id),
            );
        };
        deletions(query, &mut look);
        // A swap of neighbours is one edit for the search and two for the
        // deletion index: swap first, so two swaps (or a swap and another
        // edit) are within reach too.
        let mut swapped = query.to_vec();
        for at in 1..query.len() {
            if query[at] == query[at - 1] {
                continue;
            }
            swapped.swap(at - 1, at);
            deletions(&swapped, &mut look);
            swapped.swap(at - 1, at);
        }
    }
}

/// Whether the search compares `spelling` for typos: three to 31 letters,
/// no digits (numbers match only exactly or by their beginning).
fn typo_matched(spelling: &[char]) -> bool {
    (MIN_LEN..=MAX_TYPO_LEN).contains(&spelling.len()) && !spelling.iter().any(char::is_ascii_digit)
}

/// Calls `each` with the hash of `word` and of every form of it with one
/// or two letters left out.
fn deletions(word: &[char], mut each: impl FnMut(u64)) {
    let hash_without = |skip: [usize; 2]| {
        let mut hasher = FnvHasher::default();
        for (at, letter) in word.iter().enumerate() {
            if at != skip[0] && at != skip[1] {
                hasher.write_u32(*letter as u32);
            }
        }
        hasher.finish()
    };
    let none = usize::MAX;
    each(hash_without([none, none]));
    for first in 0..word.len() {
        each(hash_without([first, none]));
        for second in first + 1..word.len() {
            each(hash_without([first, second]));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chars(text: &str) -> Vec<char> {
        text.chars().collect()
    }

    fn lookup(words: &[&str]) -> Lookup {
        let spelt: Vec<Vec<char>> = words.iter().map(|w| chars(w)).collect();
        Lookup::build(spelt.iter().map(|w| [w.as_slice(), w.as_slice()]))
    }

    fn found(lookup: &Lookup, query: &str) -> Vec<usize> {
        lookup.candidates(&chars(query), &chars(query))
    }

    #[test]
    fn equal_prefixes_and_typos_up_to_two_edits_are_found() {
        let words = lookup(&["налоксон", "дыш", "сознан", "abcdefgh", "совсем-другое"]);
        assert_eq!(found(&words, "налоксон"), [0], "equal");
        assert_eq!(found(&words, "нало"), [0], "the query begins the word");
        assert_eq!(found(&words, "дышать"), [1], "the word begins the query");
        assert_eq!(found(&words, "налксон"), [0], "one deletion");
        assert_eq!(found(&words, "наллоксонн"), [0], "two insertions");
        assert_eq!(found(&words, "нолаксон"), [0], "two substitutions");
        assert_eq!(found(&words, "badcefgh"), [3], "two swaps of neighbours");
        assert_eq!(found(&words, "bacdefhg"), [3], "two swaps apart");
        assert!(found(&words, "xyz").is_empty());
    }

    proptest::proptest! {
        /// Every word the search would score above zero is a candidate
        /// (words of a small alphabet, so that near misses are common).
        #[test]
        fn candidates_hold_every_word_the_search_would_match(
            words in proptest::collection::vec("[абвгд1]{1,9}", 1..40),
            query in "[абвгд1]{1,10}",
        ) {
            let lookup = lookup(&words.iter().map(String::as_str).collect::<Vec<_>>());
            let query = chars(&query);
            let candidates = lookup.candidates(&query, &query);
            for (id, word) in words.iter().enumerate() {
                let (similarity, _) = super::super::similarity_chars(&query, &chars(word));
                if similarity > 0.0 {
                    proptest::prop_assert!(candidates.contains(&id), "{word} for {query:?}");
                }
            }
        }
    }
}
