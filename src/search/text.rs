//! From text to search terms: words, stems, negation, and the other ways a
//! frightened person's message can be read (the wrong keyboard layout,
//! Russian written in Latin letters). Pure and allocation-light.

use rust_stemmers::Stemmer;

/// One meaningful word of a text, as search compares it.
#[derive(Clone, Debug, PartialEq)]
pub struct Term {
    /// The word as written, lower-cased, `ё` as `е`.
    pub surface: String,
    /// Its Snowball stem.
    pub stem: String,
    /// Said with a negation: "не дышит", "isn't breathing", "no pulse".
    pub negated: bool,
    /// Put in doubt: "дышит или нет", "breathing or not".
    pub doubtful: bool,
    /// A function word ("что", "how"): it counts, but little.
    pub minor: bool,
    /// Where in the text the word stood, counted in terms.
    pub position: usize,
}

impl Term {
    /// `¬дыш` for "не дышит": how `--explain` shows a term.
    pub fn display(&self) -> String {
        if self.negated {
            format!("¬{}", self.stem)
        } else {
            self.stem.clone()
        }
    }
}

/// Words that turn the next meaningful word into its negation. Russian
/// "перестал" ("stopped") and "еле" ("barely") are here too: "перестал
/// дышать" and "еле дышит" are what "не дышит" is about.
const NEGATORS: &[&str] = &[
    "не",
    "нет",
    "ни",
    "перестал",
    "перестала",
    "перестали",
    "прекратил",
    "прекратила",
    "еле",
    "едва",
    "not",
    "no",
    "never",
    "cannot",
    "cant",
    "dont",
    "doesnt",
    "didnt",
    "isnt",
    "arent",
    "wasnt",
    "werent",
    "wont",
    "wouldnt",
    "couldnt",
    "shouldnt",
    "aint",
    "hasnt",
    "havent",
    "stopped",
    "barely",
    "hardly",
    "scarcely",
];

/// Function words: they may complete a keyword phrase ("what is naloxone")
/// but weigh little, and a negation passes over them ("не может дышать",
/// "can't get him to wake").
const MINOR: &[&str] = &[
    // Russian
    "что",
    "как",
    "это",
    "так",
    "его",
    "она",
    "они",
    "оно",
    "если",
    "когда",
    "где",
    "там",
    "тут",
    "уже",
    "еще",
    "или",
    "для",
    "при",
    "мне",
    "меня",
    "нас",
    "вас",
    "был",
    "была",
    "было",
    "были",
    "быть",
    "есть",
    "надо",
    "нужно",
    "можно",
    "очень",
    "просто",
    "сейчас",
    "может",
    "могу",
    "можем",
    "могут",
    "мог",
    "могла",
    "совсем",
    "вообще",
    "особо",
    "вроде",
    "будто",
    "какой",
    "какая",
    "какие",
    "чем",
    "мой",
    "моя",
    "мои",
    "наш",
    "ваш",
    "этот",
    "эта",
    "тоже",
    "только",
    "весь",
    "вся",
    "все",
    "всё",
    "себя",
    "ему",
    "ей",
    "им",
    "них",
    "нее",
    "него",
    "чтобы",
    "потом",
    "теперь",
    "вот",
    "ещё",
    "лучше",
    "делать",
    "сделать",
    "без",
    "после",
    "перед",
    "через",
    "сам",
    "сама",
    "самой",
    "кто",
    "куда",
    "откуда",
    "почему",
    "зачем",
    "сколько",
    "который",
    "которая",
    "пожалуйста",
    "здравствуйте",
    "привет",
    "помогите",
    "подскажите",
    "скажите",
    "человек",
    "человека",
    "друг",
    "друга",
    "подруга",
    "подругу",
    // English
    "the",
    "and",
    "what",
    "how",
    "are",
    "was",
    "were",
    "his",
    "her",
    "him",
    "she",
    "they",
    "them",
    "does",
    "did",
    "for",
    "with",
    "you",
    "your",
    "its",
    "this",
    "that",
    "there",
    "can",
    "will",
    "would",
    "should",
    "could",
    "have",
    "has",
    "had",
    "now",
    "just",
    "when",
    "where",
    "who",
    "why",
    "been",
    "being",
    "some",
    "any",
    "from",
    "about",
    "too",
    "very",
    "really",
    "even",
    "properly",
    "seem",
    "seems",
    "able",
    "get",
    "got",
    "getting",
    "someone",
    "somebody",
    "person",
    "friend",
    "mate",
    "please",
    "help",
    "our",
    "their",
    "much",
    "many",
    "after",
    "before",
    "then",
    "than",
    "which",
    "into",
    "onto",
    "over",
    "all",
    "also",
    "still",
    "here",
    "yes",
    "going",
    "doing",
    "hes",
    "shes",
    "im",
    "ive",
    "theyre",
    "whats",
    "thats",
    "done",
    "happen",
    "happened",
    "happening",
];

/// Short words that say nothing on their own; dropped.
const DROPPED: &[&str] = &[
    "он", "мы", "вы", "я", "на", "до", "по", "за", "из", "от", "к", "с", "в", "и", "а", "но", "же", "ли", "бы", "то",
    "ну", "да", "уж", "об", "со", "во", "ко", "у", "о", "he", "is", "my", "me", "up", "to", "do", "of", "in", "on",
    "at", "it", "be", "we", "us", "an", "or", "so", "if", "am", "as", "by", "a", "i", "s", "t", "d", "ll", "re", "ve",
    "m", "go", "hi", "ok",
];

/// Words that say a neighbouring word goes badly: "дышит редко", "slow
/// breathing", "breathing very slowly", "his breathing is weird" mean "not
/// breathing normally", and are read as its negation.
const IMPAIRING: &[&str] = &[
    "редко",
    "слабо",
    "тяжело",
    "хрипло",
    "прерывисто",
    "поверхностно",
    "slowly",
    "slow",
    "shallow",
    "shallowly",
    "weakly",
    "irregular",
    "irregularly",
    "странно",
    "ненормально",
    "необычно",
    "weird",
    "weirdly",
    "strange",
    "strangely",
    "odd",
    "oddly",
];

/// Negations that may also follow their word at the end of a clause:
/// "пульса нет", "his breathing stopped".
const POSTFIX: &[&str] = &["нет", "stopped"];

/// "или нет", "or not": the word before is in doubt, not denied.
const ALTERNATIVE: &[&str] = &["или", "либо", "or"];

/// How many function words a negation may pass over to reach its word.
const NEGATION_REACH: usize = 3;

/// Lower-cases and folds `ё`; curly apostrophes become straight.
fn fold(text: &str) -> String {
    text.chars()
        .flat_map(char::to_lowercase)
        .map(|c| match c {
            'ё' => 'е',
            '’' | 'ʼ' => '\'',
            other => other,
        })
        .collect()
}

/// The words of `text` (letters, digits, inner apostrophes), each with
/// whether a clause ends after it (punctuation or a line break).
fn raw_words(text: &str) -> Vec<(String, bool)> {
    let mut words: Vec<(String, bool)> = Vec::new();
    let mut current = String::new();
    for c in fold(text).chars() {
        if c.is_alphanumeric() {
            current.push(c);
            continue;
        }
        if matches!(c, '\'' | '`') && !current.is_empty() {
            current.push('\'');
            continue;
        }
        if !current.is_empty() {
            words.push((std::mem::take(&mut current), false));
        }
        if matches!(c, '.' | ',' | '!' | '?' | ';' | ':' | '\n' | '—' | '–' | '(' | ')')
            && let Some(last) = words.last_mut()
        {
            last.1 = true;
        }
    }
    if !current.is_empty() {
        words.push((current, false));
    }
    if let Some(last) = words.last_mut() {
        last.1 = true;
    }
    words
}

/// English contractions: "isn't" is a negation, "od'd" is "od", "he's" is "he".
fn contraction(word: &str) -> (String, bool) {
    let word = word.trim_matches('\'');
    if word.ends_with("n't") {
        return (String::new(), true);
    }
    let base = match word.rsplit_once('\'') {
        Some((base, "s" | "d" | "ll" | "re" | "ve" | "m")) => base,
        _ => word,
    };
    (base.replace('\'', ""), false)
}

/// The terms of `text`, stemmed with `stemmer`, at most `max_terms`.
pub fn terms(text: &str, stemmer: Option<&Stemmer>, max_terms: usize) -> Vec<Term> {
    let words = raw_words(text);
    let mut terms: Vec<Term> = Vec::new();
    // Function words a pending negation may still pass over.
    let mut negation: Option<usize> = None;
    // The raw index of the word behind the last meaningful term.
    let mut last_meaningful: Option<usize> = None;
    for (index, (raw, clause_end)) in words.iter().enumerate() {
        if terms.len() >= max_terms {
            break;
        }
        let (word, contracted_negation) = contraction(raw);
        let previous_ends_clause = index > 0 && words[index - 1].1;
        // The meaningful term at most `reach` words before this one, in the same clause.
        let near = |reach: usize| {
            last_meaningful.is_some_and(|at| index - at <= reach && !words[at..index].iter().any(|w| w.1))
        };
        let neighbour = |terms: &[Term], reach: usize| -> Option<usize> {
            near(reach).then(|| terms.iter().rposition(|t| !t.minor)).flatten()
        };
        if IMPAIRING.contains(&word.as_str()) {
            match neighbour(&terms, 2) {
                Some(at) => terms[at].negated = true,
                None => negation = Some(0),
            }
            continue;
        }
        if contracted_negation || NEGATORS.contains(&word.as_str()) {
            let after_alternative = index > 0 && ALTERNATIVE.contains(&words[index - 1].0.as_str());
            if after_alternative {
                // "дышит или нет": doubt about the word before "или".
                if let Some(last) = terms.last_mut() {
                    last.doubtful = true;
                }
                negation = None;
            } else if POSTFIX.contains(&word.as_str()) && *clause_end && !previous_ends_clause {
                // "пульса нет", "breathing stopped": the word before is denied.
                if let Some(at) = neighbour(&terms, 1) {
                    terms[at].negated = true;
                }
                negation = None;
            } else {
                negation = Some(NEGATION_REACH);
            }
            continue;
        }
        if word.is_empty() || DROPPED.contains(&word.as_str()) || ALTERNATIVE.contains(&word.as_str()) {
            negation = negation.and_then(|n| n.checked_sub(1)).filter(|_| !clause_end);
            continue;
        }
        let minor = MINOR.contains(&word.as_str());
        let stem = match stemmer {
            Some(stemmer) => stemmer.stem(&word).into_owned(),
            None => word.clone(),
        };
        let negated = !minor && negation.is_some();
        terms.push(Term {
            surface: word,
            stem,
            negated,
            doubtful: false,
            minor,
            position: terms.len(),
        });
        if minor {
            negation = negation.and_then(|n| n.checked_sub(1));
        } else {
            negation = None;
            last_meaningful = Some(index);
        }
        if *clause_end {
            negation = None;
        }
    }
    terms
}

/// Which alphabet a word is written in, to skip comparing across them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Script {
    Latin,
    Cyrillic,
    Other,
}

pub fn script(word: &str) -> Script {
    match word.chars().find(|c| c.is_alphabetic()) {
        Some(c) if c.is_ascii_alphabetic() => Script::Latin,
        Some(c) if is_cyrillic(c) => Script::Cyrillic,
        _ => Script::Other,
    }
}

fn is_cyrillic(c: char) -> bool {
    matches!(c, 'а'..='я' | 'ё' | 'і' | 'ї' | 'є' | 'ў' | 'ґ')
}

/// Another reading of a whole message.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reading {
    /// As typed.
    AsTyped,
    /// Russian typed with the keyboard set to English: "yt lsibn" -> "не дышит".
    RussianLayout,
    /// English typed with the keyboard set to Russian: "тще" -> "not".
    EnglishLayout,
    /// Russian written in Latin letters: "ne dyshit" -> "не дышит".
    Transliterated,
}

impl Reading {
    /// How much a match through this reading counts against one as typed.
    pub fn weight(self) -> f32 {
        match self {
            Reading::AsTyped => 1.0,
            _ => 0.9,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Reading::AsTyped => "as typed",
            Reading::RussianLayout => "Russian keyboard layout",
            Reading::EnglishLayout => "English keyboard layout",
            Reading::Transliterated => "Latin letters read as Russian",
        }
    }
}

/// The message as typed, and as the other readings that apply to it.
pub fn readings(text: &str) -> Vec<(Reading, String)> {
    let folded = fold(text);
    let mut readings = vec![(Reading::AsTyped, folded.clone())];
    if folded.chars().any(|c| c.is_ascii_alphabetic()) {
        readings.push((Reading::RussianLayout, relay(&folded, LATIN_KEYS, CYRILLIC_KEYS)));
        readings.push((Reading::Transliterated, transliterate(&folded)));
    }
    if folded.chars().any(is_cyrillic) {
        readings.push((Reading::EnglishLayout, relay(&folded, CYRILLIC_KEYS, LATIN_KEYS)));
    }
    readings
}

const LATIN_KEYS: &str = "qwertyuiop[]asdfghjkl;'zxcvbnm,.`";
const CYRILLIC_KEYS: &str = "йцукенгшщзхъфывапролджэячсмитьбюе";

/// Re-reads every key of `from` as the key in the same place of `to`.
fn relay(text: &str, from: &str, to: &str) -> String {
    text.chars()
        .map(|c| {
            from.chars()
                .position(|k| k == c)
                .and_then(|i| to.chars().nth(i))
                .unwrap_or(c)
        })
        .collect()
}

/// Latin spellings of Russian sounds, longest first.
const TRANSLIT: &[(&str, &str)] = &[
    ("shch", "щ"),
    ("tsya", "тся"),
    ("tsa", "тса"),
    ("sch", "щ"),
    ("zh", "ж"),
    ("kh", "х"),
    ("ts", "ц"),
    ("ch", "ч"),
    ("sh", "ш"),
    ("ya", "я"),
    ("yu", "ю"),
    ("yo", "е"),
    ("ye", "е"),
    ("ja", "я"),
    ("ju", "ю"),
    ("jo", "е"),
    ("a", "а"),
    ("b", "б"),
    ("c", "ц"),
    ("d", "д"),
    ("e", "е"),
    ("f", "ф"),
    ("g", "г"),
    ("h", "х"),
    ("i", "и"),
    ("j", "й"),
    ("k", "к"),
    ("l", "л"),
    ("m", "м"),
    ("n", "н"),
    ("o", "о"),
    ("p", "п"),
    ("q", "к"),
    ("r", "р"),
    ("s", "с"),
    ("t", "т"),
    ("u", "у"),
    ("v", "в"),
    ("w", "в"),
    ("x", "кс"),
    ("y", "ы"),
    ("z", "з"),
    ("'", "ь"),
];

/// Russian written in Latin letters, back in Cyrillic: "ne dyshit" -> "не дышит".
fn transliterate(text: &str) -> String {
    let mut out = String::with_capacity(text.len() * 2);
    let mut rest = text;
    'outer: while let Some(c) = rest.chars().next() {
        for (latin, cyrillic) in TRANSLIT {
            if rest.starts_with(latin) {
                out.push_str(cyrillic);
                rest = &rest[latin.len()..];
                continue 'outer;
            }
        }
        out.push(c);
        rest = &rest[c.len_utf8()..];
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_stemmers::Algorithm;

    fn shown(text: &str, algorithm: Algorithm) -> Vec<String> {
        let stemmer = Stemmer::create(algorithm);
        terms(text, Some(&stemmer), 50)
            .iter()
            .map(|t| {
                let mut s = t.display();
                if t.doubtful {
                    s.push('?');
                }
                s
            })
            .collect()
    }

    #[test]
    fn negation_joins_the_word_it_denies() {
        assert_eq!(shown("он не дышит", Algorithm::Russian), ["¬дыш"]);
        assert_eq!(
            shown("дышит, но не просыпается", Algorithm::Russian),
            ["дыш", "¬просыпа"]
        );
        assert_eq!(shown("не могу найти вену", Algorithm::Russian), ["мог", "¬найт", "вен"]);
        assert_eq!(shown("перестал дышать", Algorithm::Russian), ["¬дыша"]);
        assert_eq!(
            shown("пульса нет, губы синие", Algorithm::Russian),
            ["¬пульс", "губ", "син"]
        );
        assert_eq!(shown("дышит или нет не знаю", Algorithm::Russian), ["дыш?", "¬зна"]);
        assert_eq!(shown("he isn't breathing", Algorithm::English), ["¬breath"]);
        assert_eq!(
            shown("can't get him to wake up", Algorithm::English),
            ["get", "him", "¬wake"]
        );
        assert_eq!(shown("she's not breathing", Algorithm::English), ["she", "¬breath"]);
        assert_eq!(shown("no pulse", Algorithm::English), ["¬puls"]);
        assert_eq!(shown("od'd", Algorithm::English), ["od"]);
        assert_eq!(shown("дышит редко", Algorithm::Russian), ["¬дыш"]);
        assert_eq!(shown("breathing very slowly", Algorithm::English), ["¬breath", "veri"]);
        assert_eq!(shown("slow breathing", Algorithm::English), ["¬breath"]);
        assert_eq!(
            shown("his breathing stopped. help", Algorithm::English),
            ["his", "¬breath", "help"]
        );
        assert_eq!(
            shown("ему плохо после соли", Algorithm::Russian),
            ["ем", "плох", "посл", "сол"]
        );
    }

    #[test]
    fn other_readings_of_a_message() {
        let readings = readings("yt lsibn");
        assert!(readings.contains(&(Reading::RussianLayout, "не дышит".to_owned())));
        let readings = readings_of("ne dyshit");
        assert!(readings.contains(&(Reading::Transliterated, "не дышит".to_owned())));
        assert_eq!(
            transliterate("peredoz nalokson shcheka skoraya"),
            "передоз налоксон щека скорая"
        );
        assert_eq!(transliterate("ne prosypaetsya"), "не просыпается");
        let readings = readings_of("тще икуферштп");
        assert!(readings.contains(&(Reading::EnglishLayout, "not breathing".to_owned())));
    }

    fn readings_of(text: &str) -> Vec<(Reading, String)> {
        readings(text)
    }
}
