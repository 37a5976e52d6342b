//! Free-text search over node titles and keywords, for people who type instead
//! of tapping, often in a hurry and afraid: "он не дышит", "nalokson",
//! "ne dyshit", or Russian typed on an English keyboard layout ("yt lsibn").
//!
//! - Words are lower-cased, `ё` folded to `е`, and stemmed with Snowball
//!   (Russian or English); near misses within a small edit distance match.
//! - A negation joins the word it denies: "не дышит" is the term `¬дыш`, which
//!   matches the keyword "не дышит" and never the keyword "дышит"; a page that
//!   says the opposite of a query word ranks lower for it.
//! - Keywords are phrases: a query word counts more when the rest of its
//!   keyword phrase is in the query too, and a fully matched phrase of several
//!   words earns a bonus. Words found in many pages and function words weigh
//!   less.
//! - A message is also read on the other keyboard layout and, if in Latin
//!   letters, as transliterated Russian. Such a reading meets the emergency
//!   rule only without typos: "user", read as «усер», is one letter from
//!   «умер», and every message with "user" opened the emergency page.
//! - **The emergency rule.** The keywords of the emergency page (the
//!   manifest's `emergency`) are emergency phrases. A message that contains one
//!   puts the emergency page first, whatever else it says, unless it also says
//!   the opposite of a negated emergency phrase whose positive form another
//!   page's title is about ("дышит, но не просыпается" says the person
//!   breathes: "Без сознания, но дышит"). Emergency phrases match whole,
//!   function words included, so "не приходит в себя" is not "не приходит".
//!   [`SearchIndex::is_emergency`] tells adapters so, for text that is not a
//!   search (a question to the doctors' line).
//!
//! The index is built once per content load; a query touches only the index.

mod lookup;
mod text;

use std::collections::HashMap;

use rust_stemmers::{Algorithm, Stemmer};

use lookup::Lookup;

pub use text::Reading;
use text::{Script, Term, readings, script, terms};

/// Queries longer than this many terms are cut: a long message to the
/// doctors, at most.
const MAX_QUERY_TERMS: usize = 80;
/// A node must score at least this much to be offered.
const MIN_SCORE: f32 = 0.5;
/// Weight of a function word ("что", "how") against a meaningful one.
const MINOR_WEIGHT: f32 = 0.25;
/// A word in `n` pages weighs `1 / (1 + IDF_SLOPE × (n − 1))`.
const IDF_SLOPE: f32 = 0.15;
/// A word of a keyword phrase counts this share of its weight when none of
/// the phrase's other words are in the query, and all of it when all are.
const PARTIAL: f32 = 0.4;
/// Added per extra word of the longest keyword phrase matched in full.
const PHRASE_BONUS: f32 = 0.25;
/// Taken off per query word a page contradicts (it has the word with the
/// opposite negation and not the word as asked), times the word's weight.
const CONTRADICTION: f32 = 0.5;
/// How alike two words must be for the emergency rule and for contradictions.
const FIRM: f32 = 0.7;
/// Matches in a locale other than the person's count this much.
const OTHER_LOCALE: f32 = 0.9;

/// The searchable text of a node in one locale.
pub struct Document<'a> {
    pub node: usize,
    pub locale: usize,
    pub title: &'a str,
    /// Phrases people type for this page.
    pub keywords: Vec<&'a str>,
    /// Added to the node's score when it matches at all: lets pages, which
    /// hold the answers, rank above menus that merely mention the same word.
    pub boost: f32,
}

/// Per-locale indexes of stemmed words and keyword phrases.
pub struct SearchIndex {
    locales: Vec<LocaleIndex>,
    /// The emergency page; its keywords are the emergency phrases.
    emergency: Option<usize>,
}

struct LocaleIndex {
    code: String,
    stemmer: Option<Stemmer>,
    words: Vec<Word>,
    /// Finds the words a query word may match without reading them all.
    lookup: Lookup,
    phrases: Vec<Phrase>,
    /// Per node, the largest boost of its documents in this locale.
    boosts: HashMap<usize, f32>,
    /// Phrases (indices into `phrases`) that make a message an emergency.
    emergency_phrases: Vec<usize>,
    /// Stems whose negation is part of an emergency phrase: "дыш" for "не
    /// дышит". A message asserting one is not read as an emergency.
    counters: Vec<String>,
    /// Phrases of other pages that read as an emergency, with the emergency
    /// phrase each contains: `check` warns about them (W0008). Found while
    /// building, from the terms already read, so `check` does not read every
    /// keyword a second time.
    read_as_emergency: Vec<(usize, usize)>,
}

/// One distinct term of the index.
struct Word {
    stem: String,
    stem_chars: Box<[char]>,
    surface_chars: Box<[char]>,
    /// `letters` of the stem and of the spelling.
    stem_letters: u64,
    surface_letters: u64,
    /// A function word: optional for a phrase to count as matched in full.
    minor: bool,
    negated: bool,
    script: Script,
    weight: f32,
    /// (phrase, position in the phrase) of every use.
    uses: Vec<(usize, usize)>,
    /// The uses in emergency phrases: all the emergency rule looks at, so
    /// that reading a message (or `check` reading every keyword) costs no
    /// more when a word is on a thousand pages.
    emergency_uses: Vec<(usize, usize)>,
}

struct Phrase {
    node: usize,
    text: String,
    title: bool,
    words: Vec<usize>,
    /// Sum of the words' weights.
    weight: f32,
}

/// How a query word matched an index word.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum How {
    Same,
    /// One is the beginning of the other ("нало" / "налоксон").
    Prefix,
    /// Within this many edits (Damerau–Levenshtein).
    Typo(usize),
}

/// What [`SearchIndex::explain`] reports about a query.
#[derive(Clone, Debug)]
pub struct Explanation {
    /// Every reading of the query and its terms, per locale.
    pub readings: Vec<ReadingTerms>,
    /// Why the emergency page is (or is not) forced first.
    pub emergency: Option<EmergencyFinding>,
    /// The ranked nodes, best first, as `search` returns them.
    pub results: Vec<Ranked>,
}

#[derive(Clone, Debug)]
pub struct ReadingTerms {
    pub locale: String,
    pub reading: Reading,
    /// Terms as search sees them: stems, `¬` for a negation, `?` for doubt.
    pub terms: Vec<String>,
}

#[derive(Clone, Debug)]
pub struct EmergencyFinding {
    pub locale: String,
    pub reading: Reading,
    /// The emergency keyword found in the message.
    pub phrase: String,
    /// The query word that says the opposite of an emergency phrase, if any:
    /// then the emergency page is not forced first.
    pub countered_by: Option<String>,
}

#[derive(Clone, Debug)]
pub struct Ranked {
    pub node: usize,
    pub score: f32,
    pub locale: String,
    pub reading: Reading,
    /// First because the message is an emergency.
    pub emergency_first: bool,
    pub matches: Vec<Match>,
    /// For the longest keyword phrase matched in full.
    pub phrase_bonus: f32,
    /// For being a page rather than a menu.
    pub boost: f32,
    /// Query words this page says the opposite of, and the points taken off.
    pub contradictions: Vec<(String, f32)>,
}

/// One query word counted for a page.
#[derive(Clone, Debug)]
pub struct Match {
    /// The word as typed (in the reading that matched).
    pub query_word: String,
    pub query_term: String,
    /// The title or keyword phrase it matched in.
    pub phrase: String,
    pub phrase_term: String,
    pub how: How,
    pub similarity: f32,
    /// Share of the phrase's weight the query matched.
    pub coverage: f32,
    /// What it added to the score.
    pub points: f32,
}

/// Which words a query word is compared with.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Scope {
    /// Every word it may match: to rank pages.
    Ranking,
    /// The words of emergency phrases, and the words it equals (a word of
    /// the vocabulary is itself, not a typo of an emergency word): all the
    /// emergency rule needs, so reading a message for it costs the same on
    /// any size of content.
    EmergencyRule,
}

/// A query word's matches in the vocabulary.
struct Hits {
    /// Same polarity: (word, similarity, how).
    same: Vec<(usize, f32, How)>,
    /// Opposite polarity, firmly similar.
    opposite: Vec<usize>,
}

/// The outcome of one reading in one locale.
struct Evaluation {
    locale: usize,
    reading: Reading,
    terms: Vec<Term>,
    scores: HashMap<usize, NodeScore>,
    emergency: Option<(usize, Option<usize>)>,
}

#[derive(Default)]
struct NodeScore {
    score: f32,
    /// The phrase bonus: the largest one earned.
    bonus: f32,
    boost: f32,
    matches: Vec<Match>,
    contradictions: Vec<(String, f32)>,
}

impl SearchIndex {
    /// Builds the index; `locale_codes[i]` names the language of locale `i`;
    /// the keywords of `emergency` are the emergency phrases.
    pub fn build<'a>(
        locale_codes: &[&str],
        documents: impl IntoIterator<Item = Document<'a>>,
        emergency: Option<usize>,
    ) -> Self {
        let mut locales: Vec<LocaleIndex> = locale_codes
            .iter()
            .map(|code| LocaleIndex {
                code: (*code).to_owned(),
                stemmer: stemmer_for(code),
                words: Vec::new(),
                lookup: Lookup::default(),
                phrases: Vec::new(),
                boosts: HashMap::new(),
                emergency_phrases: Vec::new(),
                counters: Vec::new(),
                read_as_emergency: Vec::new(),
            })
            .collect();
        // The terms of other pages' phrases, until the emergency words are
        // known: (locale, phrase, terms).
        let mut others: Vec<(usize, usize, Vec<Term>)> = Vec::new();
        let mut ids: Vec<HashMap<(bool, String), usize>> = vec![HashMap::new(); locales.len()];
        for document in documents {
            let Some(index) = locales.get_mut(document.locale) else {
                continue;
            };
            let ids = &mut ids[document.locale];
            let boost = index.boosts.entry(document.node).or_default();
            *boost = boost.max(document.boost);
            let phrases = std::iter::once((document.title, false, true)).chain(
                document
                    .keywords
                    .iter()
                    .map(|k| (*k, Some(document.node) == emergency, false)),
            );
            for (text, is_emergency, title) in phrases {
                let terms = terms(text, index.stemmer.as_ref(), usize::MAX);
                if terms.is_empty() {
                    continue;
                }
                let phrase = index.phrases.len();
                let mut words = Vec::with_capacity(terms.len());
                for (position, term) in terms.iter().enumerate() {
                    let key = (term.negated, term.stem.clone());
                    let id = *ids.entry(key).or_insert_with(|| {
                        index.words.push(Word {
                            minor: term.minor,
                            script: script(&term.stem),
                            stem: term.stem.clone(),
                            stem_chars: term.stem.chars().collect(),
                            surface_chars: term.surface.chars().collect(),
                            stem_letters: letters(&term.stem.chars().collect::<Vec<_>>()),
                            surface_letters: letters(&term.surface.chars().collect::<Vec<_>>()),
                            negated: term.negated,
                            weight: 1.0,
                            uses: Vec::new(),
                            emergency_uses: Vec::new(),
                        });
                        index.words.len() - 1
                    });
                    index.words[id].uses.push((phrase, position));
                    if is_emergency {
                        index.words[id].emergency_uses.push((phrase, position));
                    }
                    words.push(id);
                }
                index.phrases.push(Phrase {
                    node: document.node,
                    text: text.trim().to_owned(),
                    title,
                    words,
                    weight: 0.0,
                });
                if is_emergency {
                    index.emergency_phrases.push(phrase);
                }
                if Some(document.node) != emergency {
                    others.push((document.locale, phrase, terms));
                }
            }
        }
        for index in &mut locales {
            for word in &mut index.words {
                let mut nodes: Vec<usize> = word.uses.iter().map(|&(p, _)| index.phrases[p].node).collect();
                nodes.sort_unstable();
                nodes.dedup();
                let base = if word.minor { MINOR_WEIGHT } else { 1.0 };
                word.weight = base / (1.0 + IDF_SLOPE * (nodes.len() as f32 - 1.0));
            }
            for phrase in &mut index.phrases {
                phrase.weight = phrase.words.iter().map(|&w| index.words[w].weight).sum();
            }
            index.counters = counters(index, emergency);
            index.lookup = Lookup::build(index.words.iter().map(|w| [&*w.stem_chars, &*w.surface_chars]));
            index.lookup.set_emergency_words(
                index
                    .words
                    .iter()
                    .enumerate()
                    .filter(|(_, w)| !w.emergency_uses.is_empty())
                    .map(|(id, _)| id),
            );
        }
        for (locale, phrase, terms) in others {
            let index = &mut locales[locale];
            let hits = index.hits(&terms, Scope::EmergencyRule);
            if let Some((found, None)) = index.evaluate_as(&terms, &hits, false, false).1 {
                index.read_as_emergency.push((phrase, found));
            }
        }
        SearchIndex { locales, emergency }
    }

    /// The best matching nodes for `query`, best first, at most `limit`.
    /// All locales are searched, because people often type Russian into a
    /// Telegram set to English; the person's own locale wins ties. An
    /// emergency message has the emergency page first.
    pub fn search(&self, preferred_locale: usize, query: &str, limit: usize) -> Vec<usize> {
        self.find(preferred_locale, query, limit).1
    }

    /// [`Self::search`] and [`Self::is_emergency`] in one pass.
    pub fn find(&self, preferred_locale: usize, query: &str, limit: usize) -> (bool, Vec<usize>) {
        let (ranked, evaluations) = self.rank(preferred_locale, query, false);
        let emergency = evaluations.iter().any(|e| matches!(e.emergency, Some((_, None))));
        (
            emergency,
            ranked.into_iter().take(limit).map(|(node, _, _)| node).collect(),
        )
    }

    /// Whether `text` describes someone unresponsive or not breathing, by the
    /// emergency rule (see the module documentation), in any locale.
    pub fn is_emergency(&self, text: &str) -> bool {
        let readings = readings(text);
        self.locales.iter().any(|index| {
            readings.iter().any(|(reading, text)| {
                let terms = terms(text, index.stemmer.as_ref(), MAX_QUERY_TERMS);
                let hits = index.hits(&terms, Scope::EmergencyRule);
                let (_, emergency) = index.evaluate_as(&terms, &hits, false, false);
                let emergency = index.confirm(*reading, &terms, &hits, emergency);
                matches!(emergency, Some((_, None)))
            })
        })
    }

    /// The titles and keywords of other pages that read as an emergency as
    /// typed, for `check`: (locale, node, the text, the emergency phrase it
    /// contains).
    pub fn read_as_emergency(&self) -> impl Iterator<Item = (usize, usize, &str, &str)> {
        self.locales.iter().enumerate().flat_map(|(locale, index)| {
            index.read_as_emergency.iter().map(move |&(phrase, found)| {
                let phrase_of = &index.phrases[phrase];
                (
                    locale,
                    phrase_of.node,
                    phrase_of.text.as_str(),
                    index.phrases[found].text.as_str(),
                )
            })
        })
    }

    /// The ranking of `search` (every node above the threshold), with why.
    pub fn explain(&self, preferred_locale: usize, query: &str) -> Explanation {
        let (ranked, evaluations) = self.rank(preferred_locale, query, true);
        let readings = evaluations
            .iter()
            .map(|e| ReadingTerms {
                locale: self.locales[e.locale].code.clone(),
                reading: e.reading,
                terms: e
                    .terms
                    .iter()
                    .map(|t| {
                        let mut shown = t.display();
                        if t.doubtful {
                            shown.push('?');
                        }
                        shown
                    })
                    .collect(),
            })
            .collect();
        let finding = |e: &Evaluation| {
            e.emergency.map(|(phrase, counter)| {
                let index = &self.locales[e.locale];
                EmergencyFinding {
                    locale: index.code.clone(),
                    reading: e.reading,
                    phrase: index.phrases[phrase].text.clone(),
                    countered_by: counter.map(|t| e.terms[t].surface.clone()),
                }
            })
        };
        let emergency = evaluations
            .iter()
            .filter_map(finding)
            .min_by_key(|f| f.countered_by.is_some());
        let forced = emergency.as_ref().is_some_and(|f| f.countered_by.is_none());
        let results = ranked
            .into_iter()
            .map(|(node, score, origin)| {
                let evaluation = &evaluations[origin];
                let scored = evaluation.scores.get(&node);
                let mut matches = scored.map(|s| s.matches.clone()).unwrap_or_default();
                matches.sort_by(|a, b| b.points.total_cmp(&a.points));
                Ranked {
                    node,
                    score,
                    locale: self.locales[evaluation.locale].code.clone(),
                    reading: evaluation.reading,
                    emergency_first: forced && Some(node) == self.emergency,
                    matches,
                    phrase_bonus: scored.map_or(0.0, |s| s.bonus),
                    boost: scored.map_or(0.0, |s| s.boost),
                    contradictions: scored.map(|s| s.contradictions.clone()).unwrap_or_default(),
                }
            })
            .collect();
        Explanation {
            readings,
            emergency,
            results,
        }
    }

    /// Nodes above the threshold with their scores and the evaluation each
    /// score came from, best first; and every evaluation.
    fn rank(&self, preferred_locale: usize, query: &str, details: bool) -> (Vec<(usize, f32, usize)>, Vec<Evaluation>) {
        let mut best: HashMap<usize, (f32, usize)> = HashMap::new();
        let mut emergency = false;
        let mut evaluations = Vec::new();
        for (reading, text) in readings(query) {
            for (locale, index) in self.locales.iter().enumerate() {
                let terms = terms(&text, index.stemmer.as_ref(), MAX_QUERY_TERMS);
                if terms.is_empty() {
                    continue;
                }
                let hits = index.hits(&terms, Scope::Ranking);
                let (scores, found) = index.evaluate(&terms, &hits, details);
                let found = index.confirm(reading, &terms, &hits, found);
                emergency |= matches!(found, Some((_, None)));
                let weight = reading.weight() * if locale == preferred_locale { 1.0 } else { OTHER_LOCALE };
                let origin = evaluations.len();
                for (&node, score) in &scores {
                    let weighted = score.score * weight;
                    let entry = best.entry(node).or_insert((f32::MIN, origin));
                    if weighted > entry.0 {
                        *entry = (weighted, origin);
                    }
                }
                if details || found.is_some() {
                    evaluations.push(Evaluation {
                        locale,
                        reading,
                        terms,
                        scores,
                        emergency: found,
                    });
                } else {
                    evaluations.push(Evaluation {
                        locale,
                        reading,
                        terms: Vec::new(),
                        scores: HashMap::new(),
                        emergency: None,
                    });
                }
            }
        }
        let mut ranked: Vec<(usize, f32, usize)> = best
            .into_iter()
            .filter(|(_, (score, _))| *score >= MIN_SCORE)
            .map(|(node, (score, origin))| (node, score, origin))
            .collect();
        ranked.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        if emergency && let Some(first) = self.emergency {
            match ranked.iter().position(|r| r.0 == first) {
                Some(at) => {
                    let entry = ranked.remove(at);
                    ranked.insert(0, entry);
                }
                None => {
                    let origin = evaluations
                        .iter()
                        .position(|e| matches!(e.emergency, Some((_, None))))
                        .unwrap_or_default();
                    ranked.insert(0, (first, 0.0, origin));
                }
            }
        }
        (ranked, evaluations)
    }
}

impl LocaleIndex {
    /// Each query term's matches in the vocabulary.
    fn hits(&self, terms: &[Term], scope: Scope) -> Vec<Hits> {
        terms
            .iter()
            .map(|term| {
                let term_script = script(&term.stem);
                let stem: Vec<char> = term.stem.chars().collect();
                let surface: Vec<char> = term.surface.chars().collect();
                let (stem_letters, surface_letters) = (letters(&stem), letters(&surface));
                let mut hits = Hits {
                    same: Vec::new(),
                    opposite: Vec::new(),
                };
                let candidates = match scope {
                    Scope::Ranking => self.lookup.candidates(&stem, &surface),
                    Scope::EmergencyRule => self.lookup.emergency_candidates(&stem, &surface),
                };
                for id in candidates {
                    let word = &self.words[id];
                    if term_script != word.script && term_script != Script::Other && word.script != Script::Other {
                        continue;
                    }
                    if stem.len().abs_diff(word.stem_chars.len()) > 2
                        && surface.len().abs_diff(word.surface_chars.len()) > 2
                        && !word.stem_chars.starts_with(&stem)
                        && !stem.starts_with(&word.stem_chars)
                        && !word.surface_chars.starts_with(&surface)
                        && !surface.starts_with(&word.surface_chars)
                    {
                        continue;
                    }
                    if !may_be_similar(&stem, stem_letters, &word.stem_chars, word.stem_letters)
                        && !may_be_similar(&surface, surface_letters, &word.surface_chars, word.surface_letters)
                    {
                        continue;
                    }
                    let (similarity, how) = similarity_of(&stem, &surface, word);
                    if similarity == 0.0 {
                        continue;
                    }
                    // A word in doubt ("дышит или нет") is either.
                    if word.negated == term.negated || term.doubtful {
                        hits.same.push((id, similarity, how));
                    } else if similarity >= FIRM {
                        hits.opposite.push(id);
                    }
                }
                // A word of the vocabulary is itself, not a typo of another
                // ("храпит" is not "хрипит").
                if hits.same.iter().any(|&(_, _, how)| how == How::Same) {
                    hits.same.retain(|&(_, _, how)| !matches!(how, How::Typo(_)));
                }
                hits
            })
            .collect()
    }

    /// The emergency rule's `found` for a query read as `reading`, kept only
    /// if a reading in another alphabet (a keyboard layout, Latin letters
    /// as Russian) meets it without typos: a typo on top of a
    /// transliteration turns ordinary words into emergency phrases.
    #[allow(clippy::type_complexity)]
    fn confirm(
        &self,
        reading: Reading,
        terms: &[Term],
        hits: &[Hits],
        found: Option<(usize, Option<usize>)>,
    ) -> Option<(usize, Option<usize>)> {
        if reading == Reading::AsTyped || !matches!(found, Some((_, None))) {
            return found;
        }
        let exact: Vec<Hits> = hits
            .iter()
            .map(|h| Hits {
                same: h
                    .same
                    .iter()
                    .copied()
                    .filter(|&(_, _, how)| !matches!(how, How::Typo(_)))
                    .collect(),
                opposite: h.opposite.clone(),
            })
            .collect();
        self.evaluate_as(terms, &exact, false, false).1
    }

    /// Scores every node the query touches and applies the emergency rule:
    /// `Some((phrase, None))` when an emergency phrase is in the query,
    /// `Some((phrase, Some(term)))` when a query term counters it.
    #[allow(clippy::type_complexity)]
    fn evaluate(
        &self,
        terms: &[Term],
        hits: &[Hits],
        details: bool,
    ) -> (HashMap<usize, NodeScore>, Option<(usize, Option<usize>)>) {
        self.evaluate_as(terms, hits, details, true)
    }

    /// [`Self::evaluate`], without scoring the nodes when `score` is false.
    #[allow(clippy::type_complexity)]
    fn evaluate_as(
        &self,
        terms: &[Term],
        hits: &[Hits],
        details: bool,
        score: bool,
    ) -> (HashMap<usize, NodeScore>, Option<(usize, Option<usize>)>) {
        // Per phrase and position: the best similarity and which query term gave it.
        let mut phrase_best: HashMap<usize, Vec<(f32, usize)>> = HashMap::new();
        for (t, term_hits) in hits.iter().enumerate() {
            for &(word, similarity, _) in &term_hits.same {
                let word = &self.words[word];
                // Without scores, only the emergency rule needs the phrases.
                let uses = if score { &word.uses } else { &word.emergency_uses };
                for &(phrase, position) in uses {
                    let slots = phrase_best
                        .entry(phrase)
                        .or_insert_with(|| vec![(0.0, usize::MAX); self.phrases[phrase].words.len()]);
                    if similarity > slots[position].0 {
                        slots[position] = (similarity, t);
                    }
                }
            }
        }

        let mut scores: HashMap<usize, NodeScore> = HashMap::new();
        if score {
            self.score(terms, hits, details, &phrase_best, &mut scores);
        }

        // The emergency rule.
        let mut found: Option<usize> = None;
        let mut covered: Vec<usize> = Vec::new();
        for &phrase in &self.emergency_phrases {
            // Every word, function words too: "не приходит в себя" is not "не приходит".
            let whole = phrase_best
                .get(&phrase)
                .is_some_and(|slots| slots.iter().all(|&(s, _)| s >= FIRM));
            if whole {
                found.get_or_insert(phrase);
                covered.extend(
                    phrase_best[&phrase]
                        .iter()
                        .map(|&(_, t)| t)
                        .filter(|&t| t != usize::MAX),
                );
            }
        }
        let emergency = found.map(|phrase| {
            let counter = terms.iter().enumerate().position(|(t, term)| {
                !term.negated
                    && !term.doubtful
                    && !term.minor
                    && !covered.contains(&t)
                    && self.counters.iter().any(|stem| {
                        let (similarity, _) = similarity(&term.stem, stem);
                        similarity >= FIRM
                    })
            });
            (phrase, counter)
        });
        (scores, emergency)
    }

    /// Each query term counts once per node, through its best phrase; then
    /// phrase bonuses, contradictions and page boosts.
    fn score(
        &self,
        terms: &[Term],
        hits: &[Hits],
        details: bool,
        phrase_best: &HashMap<usize, Vec<(f32, usize)>>,
        scores: &mut HashMap<usize, NodeScore>,
    ) {
        let covers: HashMap<usize, f32> = phrase_best
            .keys()
            .map(|&phrase| (phrase, self.coverage(phrase_best, phrase)))
            .collect();
        let coverage = |phrase: usize| covers.get(&phrase).copied().unwrap_or_default();
        let complete = |phrase: usize, at_least: f32| self.complete(phrase_best, phrase, at_least);

        let mut contributions: HashMap<(usize, usize), (f32, Option<Match>)> = HashMap::new();
        for (t, term_hits) in hits.iter().enumerate() {
            for &(word, similarity, how) in &term_hits.same {
                let w = &self.words[word];
                for &(phrase, _) in &w.uses {
                    let p = &self.phrases[phrase];
                    let cover = coverage(phrase);
                    let points = w.weight * similarity * (PARTIAL + (1.0 - PARTIAL) * cover);
                    let entry = contributions.entry((p.node, t)).or_insert((0.0, None));
                    if points > entry.0 {
                        let detail = details.then(|| Match {
                            query_word: terms[t].surface.clone(),
                            query_term: terms[t].display(),
                            phrase: p.text.clone(),
                            phrase_term: if w.negated {
                                format!("¬{}", w.stem)
                            } else {
                                w.stem.clone()
                            },
                            how,
                            similarity,
                            coverage: cover,
                            points,
                        });
                        *entry = (points, detail);
                    }
                }
            }
        }
        for ((node, _), (points, detail)) in contributions.iter_mut() {
            let score = scores.entry(*node).or_default();
            score.score += *points;
            if let Some(detail) = detail.take() {
                score.matches.push(detail);
            }
        }
        // The longest phrase matched in full earns a bonus per extra word.
        // Function words are optional for that but earn nothing.
        for (&phrase, slots) in phrase_best.iter() {
            let p = &self.phrases[phrase];
            let meaningful = p
                .words
                .iter()
                .zip(slots)
                .filter(|&(&w, &(s, _))| !self.words[w].minor && s >= 0.5)
                .count();
            if meaningful < 2 || !complete(phrase, 0.5) {
                continue;
            }
            if let Some(score) = scores.get_mut(&p.node) {
                score.bonus = score.bonus.max(PHRASE_BONUS * (meaningful - 1) as f32);
            }
        }
        // Contradictions: the page has the word with the opposite negation.
        for (t, term_hits) in hits.iter().enumerate() {
            if term_hits.opposite.is_empty() || terms[t].doubtful {
                continue;
            }
            let mut penalised: Vec<usize> = Vec::new();
            for &word in &term_hits.opposite {
                let w = &self.words[word];
                for &(phrase, _) in &w.uses {
                    let node = self.phrases[phrase].node;
                    if penalised.contains(&node) || contributions.contains_key(&(node, t)) {
                        continue;
                    }
                    penalised.push(node);
                    if let Some(score) = scores.get_mut(&node) {
                        score.score -= CONTRADICTION * w.weight;
                        if details {
                            score
                                .contradictions
                                .push((terms[t].surface.clone(), CONTRADICTION * w.weight));
                        }
                    }
                }
            }
        }
        for (node, score) in scores.iter_mut() {
            score.boost = self.boosts.get(node).copied().unwrap_or_default();
            score.score += score.bonus + score.boost;
        }
    }

    /// Share of the phrase's weight whose words the query matched.
    fn coverage(&self, phrase_best: &HashMap<usize, Vec<(f32, usize)>>, phrase: usize) -> f32 {
        let Some(slots) = phrase_best.get(&phrase) else {
            return 0.0;
        };
        let p = &self.phrases[phrase];
        let covered: f32 = p
            .words
            .iter()
            .zip(slots)
            .filter(|&(_, &(s, _))| s > 0.0)
            .map(|(&w, _)| self.words[w].weight)
            .sum();
        if p.weight > 0.0 { covered / p.weight } else { 0.0 }
    }

    /// Every meaningful word of the phrase matched at least `at_least`.
    fn complete(&self, phrase_best: &HashMap<usize, Vec<(f32, usize)>>, phrase: usize, at_least: f32) -> bool {
        phrase_best.get(&phrase).is_some_and(|slots| {
            self.phrases[phrase]
                .words
                .iter()
                .zip(slots)
                .all(|(&w, &(s, _))| s >= at_least || self.words[w].minor)
        })
    }
}

/// The stems whose negation is in an emergency phrase and which, positive,
/// are in the title of another page: "дыш" for "не дышит" and "Без
/// сознания, но дышит". A message asserting one is not forced to the
/// emergency page.
fn counters(index: &LocaleIndex, emergency: Option<usize>) -> Vec<String> {
    let mut counters: Vec<String> = Vec::new();
    for &phrase in &index.emergency_phrases {
        for &word in &index.phrases[phrase].words {
            let word = &index.words[word];
            if !word.negated || counters.contains(&word.stem) {
                continue;
            }
            let in_other_title = index.phrases.iter().any(|p| {
                p.title
                    && Some(p.node) != emergency
                    && p.words
                        .iter()
                        .any(|&w| !index.words[w].negated && index.words[w].stem == word.stem)
            });
            if in_other_title {
                counters.push(word.stem.clone());
            }
        }
    }
    counters
}

/// How alike a query term and an index word are: their stems, or failing
/// that their spellings.
fn similarity_of(term: &[char], surface: &[char], word: &Word) -> (f32, How) {
    let by_stem = similarity_chars(term, &word.stem_chars);
    if by_stem.0 >= 1.0 {
        return by_stem;
    }
    let by_spelling = similarity_chars(surface, &word.surface_chars);
    if by_spelling.0 > by_stem.0 {
        by_spelling
    } else {
        by_stem
    }
}

/// The letters of a word as a set of 64 buckets. One edit changes at most
/// two buckets (a substitution takes a letter out and puts one in; a swap of
/// neighbours none), so words whose sets differ in more than four buckets
/// are more than two edits apart.
fn letters(word: &[char]) -> u64 {
    word.iter().fold(0, |set, &letter| set | 1 << (u32::from(letter) % 64))
}

/// False only when `similarity_chars` would give the pair nothing: neither
/// begins the other and they are more than two edits apart. Asked first,
/// it spares the edit distance for most pairs (`check` asks it for every
/// keyword against every emergency word).
fn may_be_similar(query: &[char], query_letters: u64, term: &[char], term_letters: u64) -> bool {
    if (query_letters ^ term_letters).count_ones() <= 4 {
        return true;
    }
    // A word's beginning has no letter the word lacks.
    (term_letters & !query_letters == 0 && query.starts_with(term))
        || (query_letters & !term_letters == 0 && term.starts_with(query))
}

/// 1 for equal, less for prefixes and typos, 0 for unrelated words.
fn similarity(query: &str, term: &str) -> (f32, How) {
    let query: Vec<char> = query.chars().collect();
    let term: Vec<char> = term.chars().collect();
    similarity_chars(&query, &term)
}

fn similarity_chars(query: &[char], term: &[char]) -> (f32, How) {
    if query == term {
        return (1.0, How::Same);
    }
    let (query_len, term_len) = (query.len(), term.len());
    let shorter = query_len.min(term_len);
    let prefix = term.starts_with(query) || query.starts_with(term);
    if prefix && (shorter >= 4 || (shorter == 3 && query_len.abs_diff(term_len) <= 1)) {
        return (0.8, How::Prefix);
    }
    // Numbers are not typo-matched: 112 is not 113, and a time or an
    // address in a message would otherwise match every number of the content.
    let numeric = |word: &[char]| word.iter().any(char::is_ascii_digit);
    if query_len.abs_diff(term_len) > 2 || shorter < 3 || query_len < 4 || numeric(query) || numeric(term) {
        return (0.0, How::Same);
    }
    let distance = edit_distance(query, term);
    let similarity = match distance {
        1 if query_len >= 6 => 0.85,
        1 if query_len >= 4 => 0.75,
        2 if query_len >= 7 => 0.6,
        _ => 0.0,
    };
    (similarity, How::Typo(distance))
}

/// Longest word compared for typos; longer ones match only exactly or by prefix.
const MAX_TYPO_WORD: usize = 31;

/// Edits (insert, delete, substitute, swap two neighbours) between two
/// words: the optimal string alignment distance, on the stack.
fn edit_distance(a: &[char], b: &[char]) -> usize {
    if a.len() > MAX_TYPO_WORD || b.len() > MAX_TYPO_WORD {
        return usize::MAX;
    }
    let width = b.len() + 1;
    // Rows i, i − 1 and i − 2 of the table, at i % 3.
    let mut rows = [[0usize; MAX_TYPO_WORD + 1]; 3];
    for (j, cell) in rows[0].iter_mut().enumerate().take(width) {
        *cell = j;
    }
    for i in 1..=a.len() {
        let (current, previous, before) = (i % 3, (i + 2) % 3, (i + 1) % 3);
        rows[current][0] = i;
        for j in 1..width {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut value = (rows[previous][j] + 1)
                .min(rows[current][j - 1] + 1)
                .min(rows[previous][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                value = value.min(rows[before][j - 2] + 1);
            }
            rows[current][j] = value;
        }
    }
    rows[a.len() % 3][b.len()]
}

fn stemmer_for(locale_code: &str) -> Option<Stemmer> {
    match locale_code {
        "ru" => Some(Stemmer::create(Algorithm::Russian)),
        "en" => Some(Stemmer::create(Algorithm::English)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn document(node: usize, locale: usize, title: &'static str, keywords: &[&'static str]) -> Document<'static> {
        Document {
            node,
            locale,
            title,
            keywords: keywords.to_vec(),
            boost: 0.05,
        }
    }

    fn index() -> SearchIndex {
        let documents = vec![
            document(0, 0, "Не дышит", &["не дышит", "посинел", "не просыпается"]),
            document(0, 1, "Not breathing", &["not breathing", "blue lips", "will not wake"]),
            document(1, 0, "Налоксон", &["антидот", "наркан"]),
            document(1, 1, "Naloxone", &["antidote", "narcan"]),
            document(2, 0, "Абсцесс", &["нарыв", "гнойник"]),
            document(2, 1, "Abscess", &["pus"]),
            document(4, 0, "Без сознания, но дышит", &["дышит", "спит"]),
            document(4, 1, "Unconscious but breathing", &["breathing", "asleep"]),
            Document {
                node: 3,
                locale: 0,
                title: "Раны и абсцессы",
                keywords: Vec::new(),
                boost: 0.0,
            },
        ];
        SearchIndex::build(&["ru", "en"], documents, Some(0))
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
        assert_eq!(index().search(0, "абсцес", 5)[0], 2);
        assert_eq!(index().search(0, "асбцесс", 5)[0], 2);
    }

    #[test]
    fn russian_typed_on_latin_layout_or_in_latin_letters_is_understood() {
        // "налоксон" typed with the keyboard switched to English
        assert_eq!(index().search(0, "yfkjrcjy", 5), [1]);
        assert_eq!(index().search(1, "yt lsibn", 5)[0], 0);
        assert_eq!(index().search(1, "ne dyshit", 5)[0], 0);
        assert_eq!(index().search(1, "narkan", 5), [1]);
    }

    #[test]
    fn negation_changes_the_meaning() {
        assert_eq!(index().search(0, "не дышит", 5), [0]);
        assert_eq!(index().search(0, "дышит", 5), [4]);
        assert_eq!(index().search(1, "he isn't breathing", 5), [0]);
        assert_eq!(index().search(1, "breathing", 5), [4]);
    }

    #[test]
    fn an_emergency_phrase_puts_the_emergency_page_first_unless_countered() {
        let index = index();
        assert!(index.is_emergency("Здравствуйте, мой брат после метадона уснул и не дышит, что делать?"));
        assert!(index.is_emergency("he will not wake up"));
        assert!(!index.is_emergency("дышит, но не просыпается"));
        assert!(!index.is_emergency("breathing but will not wake"));
        assert!(index.is_emergency("не просыпается, дышит или нет не понимаю"));
        // Not knowing whether someone breathes is the emergency page's question.
        assert!(index.is_emergency("не знаю, дышит или нет"));
        assert_eq!(index.search(0, "спит и не просыпается", 5)[0], 0);
        assert_eq!(index.search(0, "дышит но не просыпается", 5)[0], 4);
        assert!(!index.is_emergency("налоксон"));
    }

    #[test]
    fn a_typo_on_a_transliteration_is_no_emergency() {
        let documents = vec![
            document(0, 0, "Не дышит", &["умер", "не дышит"]),
            document(0, 1, "Not breathing", &["dead"]),
            document(1, 1, "Naloxone", &["narcan"]),
        ];
        let index = SearchIndex::build(&["ru", "en"], documents, Some(0));
        // «усер» is one letter from «умер»; typed in Cyrillic it is a typo.
        assert!(!index.is_emergency("user"));
        assert!(!index.is_emergency("how to help a user"));
        assert!(index.is_emergency("umer"));
        assert!(index.is_emergency("усер"));
    }

    #[test]
    fn edit_distance_counts_swaps_as_one() {
        let chars = |s: &str| s.chars().collect::<Vec<_>>();
        assert_eq!(edit_distance(&chars("абсцесс"), &chars("асбцесс")), 1);
        assert_eq!(edit_distance(&chars("naloxone"), &chars("nalaxone")), 1);
        assert_eq!(edit_distance(&chars("kitten"), &chars("sitting")), 3);
        assert_eq!(edit_distance(&chars(""), &chars("abc")), 3);
        for (a, b) in [("дышит", "дышыт"), ("breathing", "braething"), ("abcess", "abscess")] {
            assert_eq!(
                edit_distance(&chars(a), &chars(b)),
                strsim::osa_distance(a, b),
                "{a} {b}"
            );
        }
    }

    proptest::proptest! {
        /// The letter sets never rule out a pair the search would match
        /// (a small alphabet and lengths 1-9, so that near misses abound).
        #[test]
        fn the_letter_sets_never_rule_out_a_match(a in "[абвгд1ж]{1,9}", b in "[абвгд1ж]{1,9}") {
            let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
            if similarity_chars(&a, &b).0 > 0.0 {
                proptest::prop_assert!(may_be_similar(&a, letters(&a), &b, letters(&b)));
            }
        }

        #[test]
        fn any_text_is_searched_explained_and_judged_without_panic(text in "\\PC{0,200}") {
            let index = index();
            let found = index.search(0, &text, 5);
            let explained = index.explain(0, &text);
            let ids: Vec<usize> = explained.results.iter().take(5).map(|r| r.node).collect();
            proptest::prop_assert_eq!(found, ids);
            let emergency = index.is_emergency(&text);
            proptest::prop_assert_eq!(index.find(0, &text, 5).0, emergency);
        }
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
