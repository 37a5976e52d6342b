//! Free-text search over node titles and keywords, for people who type instead
//! of tapping: "он не дышит", "nalokson", or Russian typed on an English
//! keyboard layout ("yt lsibn" for "не дышит").
//!
//! Words are lower-cased, `ё` folded to `е`, and stemmed with Snowball
//! (Russian or English); near misses within a small edit distance still match.
//! The index is built once per content load; a query touches only the index.

use std::collections::HashMap;

use rust_stemmers::{Algorithm, Stemmer};

/// Queries longer than this are cut: a person's question, not a document.
const MAX_QUERY_WORDS: usize = 12;
/// Words shorter than this carry no meaning on their own ("он", "и", "at").
const MIN_WORD_CHARS: usize = 3;
/// A node must score at least this much to be offered.
const MIN_SCORE: f32 = 0.6;

/// One searchable text of a node in one locale.
pub struct Document<'a> {
    pub node: usize,
    pub locale: usize,
    /// The title and every keyword phrase.
    pub phrases: Vec<&'a str>,
    /// Added to the node's score when it matches at all: lets pages, which
    /// hold the answers, rank above menus that merely mention the same word.
    pub boost: f32,
}

/// Per-locale inverted indexes of stemmed words.
pub struct SearchIndex {
    locales: Vec<LocaleIndex>,
}

struct LocaleIndex {
    /// Per node, the largest boost of its documents in this locale.
    boosts: HashMap<usize, f32>,
    stemmer: Option<Stemmer>,
    /// Stemmed word -> nodes whose title or keywords contain it.
    postings: HashMap<String, Vec<usize>>,
}

impl SearchIndex {
    /// Builds the index; `locale_codes[i]` names the language of locale `i`.
    pub fn build<'a>(locale_codes: &[&str], documents: impl IntoIterator<Item = Document<'a>>) -> Self {
        let mut locales: Vec<LocaleIndex> = locale_codes
            .iter()
            .map(|code| LocaleIndex {
                stemmer: stemmer_for(code),
                boosts: HashMap::new(),
                postings: HashMap::new(),
            })
            .collect();
        for document in documents {
            let Some(index) = locales.get_mut(document.locale) else {
                continue;
            };
            for phrase in document.phrases {
                for word in words(phrase) {
                    let stem = index.stem(&word);
                    let nodes = index.postings.entry(stem).or_default();
                    if !nodes.contains(&document.node) {
                        nodes.push(document.node);
                    }
                }
            }
        }
        SearchIndex { locales }
    }

    /// The best matching nodes for `query`, best first, at most `limit`.
    /// All locales are searched, because people often type Russian into a
    /// Telegram set to English; the person's own locale wins ties.
    pub fn search(&self, preferred_locale: usize, query: &str, limit: usize) -> Vec<usize> {
        let mut scores: HashMap<usize, f32> = HashMap::new();
        let query_words: Vec<String> = words(query).take(MAX_QUERY_WORDS).collect();
        let relaid: Vec<String> = query_words.iter().filter_map(|w| from_latin_layout(w)).collect();
        for (locale_index, index) in self.locales.iter().enumerate() {
            let locale_weight = if locale_index == preferred_locale { 1.0 } else { 0.9 };
            for (variant, variant_weight) in [(&query_words, 1.0), (&relaid, 0.9)] {
                let mut variant_scores: HashMap<usize, f32> = HashMap::new();
                for word in variant {
                    for (node, similarity) in index.matches(word) {
                        *variant_scores.entry(node).or_default() += similarity;
                    }
                }
                for (node, score) in variant_scores {
                    let boost = index.boosts.get(&node).copied().unwrap_or_default();
                    let weighted = (score + boost) * locale_weight * variant_weight;
                    let best = scores.entry(node).or_default();
                    *best = best.max(weighted);
                }
            }
        }
        let mut ranked: Vec<(usize, f32)> = scores.into_iter().filter(|(_, s)| *s >= MIN_SCORE).collect();
        ranked.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        ranked.into_iter().take(limit).map(|(node, _)| node).collect()
    }
}

impl LocaleIndex {
    fn stem(&self, word: &str) -> String {
        match &self.stemmer {
            Some(stemmer) => stemmer.stem(word).into_owned(),
            None => word.to_owned(),
        }
    }

    /// Nodes matching one query word, each with its best similarity in 0..=1.
    fn matches(&self, word: &str) -> HashMap<usize, f32> {
        let stem = self.stem(word);
        let mut best: HashMap<usize, f32> = HashMap::new();
        for (term, nodes) in &self.postings {
            let similarity = similarity(&stem, term);
            if similarity == 0.0 {
                continue;
            }
            for &node in nodes {
                let entry = best.entry(node).or_default();
                *entry = entry.max(similarity);
            }
        }
        best
    }
}

/// How alike a query stem and an indexed stem are: 1 for equal, less for
/// prefixes and typos, 0 for unrelated words.
fn similarity(query: &str, term: &str) -> f32 {
    if query == term {
        return 1.0;
    }
    let (query_len, term_len) = (query.chars().count(), term.chars().count());
    if query_len.min(term_len) >= 4 && (term.starts_with(query) || query.starts_with(term)) {
        return 0.8;
    }
    if query_len.abs_diff(term_len) > 2 {
        return 0.0;
    }
    match strsim::damerau_levenshtein(query, term) {
        1 if query_len >= 4 => 0.7,
        2 if query_len >= 7 => 0.6,
        _ => 0.0,
    }
}

fn stemmer_for(locale_code: &str) -> Option<Stemmer> {
    match locale_code {
        "ru" => Some(Stemmer::create(Algorithm::Russian)),
        "en" => Some(Stemmer::create(Algorithm::English)),
        _ => None,
    }
}

/// Lower-cased words of at least [`MIN_WORD_CHARS`] characters, `ё` as `е`.
fn words(text: &str) -> impl Iterator<Item = String> + '_ {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| w.chars().count() >= MIN_WORD_CHARS)
        .map(|w| w.to_lowercase().replace('ё', "е"))
}

/// Re-reads a word typed with the Latin layout as the Russian ЙЦУКЕН keys it
/// was meant for; `None` when the word is not all Latin-layout keys.
fn from_latin_layout(word: &str) -> Option<String> {
    const LATIN: &str = "qwertyuiop[]asdfghjkl;'zxcvbnm,.`";
    const CYRILLIC: &str = "йцукенгшщзхъфывапролджэячсмитьбюе";
    word.chars()
        .map(|c| LATIN.chars().position(|l| l == c).and_then(|i| CYRILLIC.chars().nth(i)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn document(node: usize, locale: usize, phrases: &[&'static str]) -> Document<'static> {
        Document {
            node,
            locale,
            phrases: phrases.to_vec(),
            boost: 0.05,
        }
    }

    fn index() -> SearchIndex {
        let documents = vec![
            document(0, 0, &["Не дышит", "передозировка", "посинел"]),
            document(0, 1, &["Not breathing", "overdose", "blue lips"]),
            document(1, 0, &["Налоксон", "антидот"]),
            document(1, 1, &["Naloxone", "antidote"]),
            document(2, 0, &["Абсцесс", "нарыв", "гнойник"]),
            document(2, 1, &["Abscess", "pus"]),
            Document {
                node: 3,
                locale: 0,
                phrases: vec!["Раны и абсцессы"],
                boost: 0.0,
            },
        ];
        SearchIndex::build(&["ru", "en"], documents)
    }

    #[test]
    fn russian_word_forms_match_through_stemming() {
        assert_eq!(index().search(0, "он не дышал и посинели губы", 5), [0]);
        assert_eq!(index().search(0, "где взять налоксона", 5), [1]);
    }

    #[test]
    fn typos_and_case_are_tolerated() {
        assert_eq!(index().search(1, "NALOXONE", 5), [1]);
        assert_eq!(index().search(1, "naloxon", 5), [1]);
        assert_eq!(index().search(0, "абсцес", 5), [2, 3]);
        assert_eq!(index().search(0, "асбцесс", 5), [2, 3]);
    }

    #[test]
    fn russian_typed_on_latin_layout_is_understood() {
        // "налоксон" typed with the keyboard switched to English
        assert_eq!(index().search(0, "yfkjrcjy", 5), [1]);
    }

    #[test]
    fn other_locale_words_are_found_too() {
        assert_eq!(index().search(1, "налоксон", 5), [1]);
    }

    #[test]
    fn unrelated_or_short_text_matches_nothing() {
        assert!(index().search(0, "погода завтра", 5).is_empty());
        assert!(index().search(0, "а и в", 5).is_empty());
        assert!(index().search(0, "", 5).is_empty());
    }
}
