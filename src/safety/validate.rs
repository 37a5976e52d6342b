//! Checks the hazard log against itself and against the content: every
//! control is something the content must keep true, so a change that
//! breaks one fails `check` at the control's `file:line:col` (E0033).
//! Pure: the files were read by `load`, the test files too.

use std::collections::{BTreeMap, HashMap, HashSet, VecDeque};

use serde_saphyr::Spanned;

use super::raw::{Localized, RawControl, RawHazard, RawSources};
use super::risk::HIGH_RATING;
use super::{Control, Hazard};
use crate::content::{Content, Locale, NodeIdx, Translation};
use crate::diagnostics::yaml::spanned;
use crate::diagnostics::{Code, Diagnostic, FileId, SourceMap, Span, did_you_mean};
use crate::i18n::MAX_SEARCH_RESULTS;

/// The log as parsed, with where each part came from.
pub struct Parsed {
    pub sources: Option<(FileId, RawSources)>,
    pub hazards: Vec<(FileId, Vec<RawHazard>)>,
    /// Each file named by a `test:` control, by its path from the
    /// repository's root: its text, or `None` when it cannot be read.
    pub tests: HashMap<String, Option<String>>,
}

/// Checks `parsed`; with `content`, every control too. Returns the hazards
/// (for the preview) and the diagnostics.
pub fn validate(
    map: &SourceMap,
    parsed: &Parsed,
    content: Option<&Content>,
    push: &mut dyn FnMut(Diagnostic),
) -> Vec<Hazard> {
    let citations: BTreeMap<&str, &str> = parsed
        .sources
        .iter()
        .flat_map(|(_, sources)| sources.iter().map(|(key, text)| (key.as_str(), text.value.as_str())))
        .collect();
    let mut seen: HashMap<&str, Span> = HashMap::new();
    let mut hazards = Vec::new();
    for (file, list) in &parsed.hazards {
        for raw in list {
            let at = |value: &Spanned<String>| spanned(map, *file, value);
            let id = raw.id.value.as_str();
            if !is_hazard_id(id) {
                push(
                    Diagnostic::new(Code::HazardInvalid, format!("`{id}` is not a hazard id"))
                        .at(at(&raw.id))
                        .help("write `HZ-` then capitals, digits and dashes, e.g. `HZ-CHILD-1`"),
                );
            }
            if let Some(first) = seen.insert(id, at(&raw.id)) {
                push(
                    Diagnostic::new(Code::HazardInvalid, format!("two hazards are called `{id}`"))
                        .at(at(&raw.id))
                        .related(first, "first here")
                        .help("give each hazard its own id; SAFETY.md and reviews refer to them"),
                );
            }
            let citation = citations.get(raw.source.value.as_str());
            if citation.is_none() {
                push(
                    Diagnostic::new(
                        Code::HazardInvalid,
                        format!("`{}` is not a source of safety/sources.yaml", raw.source.value),
                    )
                    .at(at(&raw.source))
                    .help_opt(
                        did_you_mean(&raw.source.value, citations.keys().copied())
                            .map(|key| format!("did you mean `{key}`?")),
                    ),
                );
            }
            if raw.controls.is_empty() {
                push(
                    Diagnostic::new(Code::HazardUncontrolled, format!("hazard `{id}` has no control"))
                        .at(at(&raw.id))
                        .help("add a control `check` can keep: a phrase a page must say, a search, a test"),
                );
            }
            let residual = raw.after.value;
            if residual.rating() >= HIGH_RATING {
                push(
                    Diagnostic::new(
                        Code::HazardHighRisk,
                        format!("hazard `{id}` keeps a residual risk of {}", residual.rating_name()),
                    )
                    .at(spanned(map, *file, &raw.after))
                    .help("add controls until the residual rating is 3 or less, or argue it in SAFETY.md"),
                );
            }
            let checker = Checker {
                map,
                file: *file,
                content,
                tests: &parsed.tests,
            };
            let controls = raw
                .controls
                .iter()
                .filter_map(|c| checker.control(c, &raw.id, push))
                .collect();
            hazards.push(Hazard {
                id: id.to_owned(),
                title: raw.title.value.clone(),
                harm: raw.harm.value.clone(),
                affects: raw.affects.clone(),
                causes: raw.causes.clone(),
                source: raw.source.value.clone(),
                citation: citation.map(|c| (*c).to_owned()).unwrap_or_default(),
                before: raw.before.value,
                after: residual,
                controls,
                status: raw.status.value,
                note: raw.note.clone(),
                file: map.path(*file).to_owned(),
                line: map.line_col(*file, at(&raw.id).range().start).0,
            });
        }
    }
    hazards.sort_by_cached_key(|h| natural_key(&h.id));
    hazards
}

/// `HZ-CHAN-2` before `HZ-CHAN-10`: the id's parts, numbers compared as
/// numbers.
fn natural_key(id: &str) -> Vec<(String, u64)> {
    id.split('-')
        .map(|part| match part.parse::<u64>() {
            Ok(number) => (String::new(), number),
            Err(_) => (part.to_owned(), 0),
        })
        .collect()
}

/// `HZ-` and at least one capital, digit or dash.
fn is_hazard_id(id: &str) -> bool {
    id.strip_prefix("HZ-").is_some_and(|rest| {
        !rest.is_empty()
            && rest
                .chars()
                .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '-')
    })
}

struct Checker<'a> {
    map: &'a SourceMap,
    file: FileId,
    content: Option<&'a Content>,
    tests: &'a HashMap<String, Option<String>>,
}

impl Checker<'_> {
    fn at<T>(&self, value: &Spanned<T>) -> Span {
        spanned(self.map, self.file, value)
    }

    /// The control as a [`Control`], after checking its shape and (with
    /// content) that it holds.
    fn control(&self, raw: &RawControl, hazard: &Spanned<String>, push: &mut dyn FnMut(Diagnostic)) -> Option<Control> {
        let kinds = [
            raw.page.as_ref(),
            raw.search.as_ref().map(|_| hazard),
            raw.urgent.as_ref(),
            raw.summary.as_ref(),
            raw.reachable.as_ref(),
            raw.companion.as_ref(),
            raw.test.as_ref(),
        ];
        if kinds.iter().flatten().count() != 1 {
            push(
                Diagnostic::new(
                    Code::HazardInvalid,
                    format!("a control of `{}` must be exactly one kind", hazard.value),
                )
                .at(self.at(hazard))
                .help("write one of `page` + `says`, `search` + `opens`, `urgent`, `summary` + `says`, `reachable` + `taps`, `companion` + `watches_at_least`, `test`, as its own list item"),
            );
            return None;
        }
        let missing = |what: &str, with: &str, at: Span| {
            Diagnostic::new(Code::HazardInvalid, format!("a `{with}` control needs `{what}`"))
                .at(at)
                .help(format!("add `{what}:` to the same list item"))
        };
        if let Some(page) = &raw.page {
            let Some(says) = &raw.says else {
                push(missing("says", "page", self.at(page)));
                return None;
            };
            self.check_says(page, says, Where::Page, push);
            return Some(Control::Says {
                page: page.value.clone(),
                phrases: phrases(says),
            });
        }
        if let Some(page) = &raw.summary {
            let Some(says) = &raw.says else {
                push(missing("says", "summary", self.at(page)));
                return None;
            };
            self.check_says(page, says, Where::Summary, push);
            return Some(Control::Summary {
                page: page.value.clone(),
                phrases: phrases(says),
            });
        }
        if let Some(search) = &raw.search {
            let Some(opens) = &raw.opens else {
                push(missing("opens", "search", self.at(search)));
                return None;
            };
            self.check_search(search, opens, push);
            return Some(Control::Search {
                messages: phrases(search),
                opens: opens.value.clone(),
            });
        }
        if let Some(page) = &raw.urgent {
            if let Some((content, node)) = self.node(page, push)
                && !content.node(node).is_urgent()
            {
                push(
                    Diagnostic::new(Code::ControlBroken, format!("`{}` is not marked urgent", page.value))
                        .at(self.at(page))
                        .help("add `urgent: true` to the page: questions asked from it reach a doctor first"),
                );
            }
            return Some(Control::Urgent {
                page: page.value.clone(),
            });
        }
        if let Some(page) = &raw.reachable {
            let Some(taps) = &raw.taps else {
                push(missing("taps", "reachable", self.at(page)));
                return None;
            };
            if let Some((content, node)) = self.node(page, push) {
                match taps_from_root(content, node) {
                    Some(found) if found <= taps.value as usize => {}
                    found => push(
                        Diagnostic::new(
                            Code::ControlBroken,
                            format!(
                                "`{}` is {} from /start, not at most {}",
                                page.value,
                                found.map_or("not reachable".to_owned(), |n| format!("{n} taps")),
                                taps.value
                            ),
                        )
                        .at(self.at(page))
                        .help("link the page from a menu nearer the main menu"),
                    ),
                }
            }
            return Some(Control::Reachable {
                page: page.value.clone(),
                taps: taps.value,
            });
        }
        if let Some(companion) = &raw.companion {
            let Some(at_least) = &raw.watches_at_least else {
                push(missing("watches_at_least", "companion", self.at(companion)));
                return None;
            };
            let Some(duration) = humantime::parse_duration(at_least.value.trim())
                .ok()
                .and_then(|d| chrono::Duration::from_std(d).ok())
            else {
                push(
                    Diagnostic::new(Code::HazardInvalid, format!("`{}` is not a duration", at_least.value))
                        .at(self.at(at_least))
                        .help("write it like `2h` or `1h 30m`"),
                );
                return None;
            };
            self.check_watch(companion, at_least, duration, push);
            return Some(Control::Watches {
                companion: companion.value.clone(),
                at_least: at_least.value.clone(),
            });
        }
        let test = raw.test.as_ref()?;
        self.check_test(test, push);
        Some(Control::Test {
            name: test.value.clone(),
        })
    }

    /// The node `id` names, when there is content; an error when it has none.
    fn node<'c>(&self, id: &Spanned<String>, push: &mut dyn FnMut(Diagnostic)) -> Option<(&'c Content, NodeIdx)>
    where
        Self: 'c,
    {
        let content = self.content?;
        let found = content.node_by_id(&id.value);
        if found.is_none() {
            let ids = content.nodes().map(|(_, node)| node.id());
            push(
                Diagnostic::new(Code::ControlBroken, format!("no page is called `{}`", id.value))
                    .at(self.at(id))
                    .help_opt(did_you_mean(&id.value, ids).map(|near| format!("did you mean `{near}`?"))),
            );
        }
        found.map(|node| (content, node))
    }

    fn locale(&self, code: &str, at: Span, push: &mut dyn FnMut(Diagnostic)) -> Option<Locale> {
        let locale = self.content?.locale_by_code(code);
        if locale.is_none() {
            push(
                Diagnostic::new(Code::HazardInvalid, format!("the content has no locale `{code}`"))
                    .at(at)
                    .help("use the locale codes of content/bot.yaml"),
            );
        }
        locale
    }

    fn check_says(
        &self,
        page: &Spanned<String>,
        says: &Spanned<Localized>,
        place: Where,
        push: &mut dyn FnMut(Diagnostic),
    ) {
        let Some((content, node)) = self.node(page, push) else {
            return;
        };
        for (code, phrase) in &says.value {
            let Some(locale) = self.locale(code, self.at(phrase), push) else {
                continue;
            };
            let text = match place {
                Where::Page => page_text(content, node, locale),
                Where::Summary => content.node(node).summary(locale).unwrap_or_default().to_owned(),
            };
            if !normalise(&text).contains(&normalise(&phrase.value)) {
                let what = match place {
                    Where::Page => "text",
                    Where::Summary => "group summary",
                };
                push(
                    Diagnostic::new(
                        Code::ControlBroken,
                        format!(
                            "the {what} of `{}` ({code}) no longer says \"{}\"",
                            page.value, phrase.value
                        ),
                    )
                    .at(self.at(phrase))
                    .help("the hazard needs this said: put it back, or change the control with the hazard's reviewer"),
                );
            }
        }
        for locale in content.locales() {
            let code = content.locale_code(locale);
            let translated = content.node(node).translation(locale) != Translation::Missing;
            if translated && !says.value.contains_key(code) {
                push(
                    Diagnostic::new(
                        Code::ControlBroken,
                        format!(
                            "`{}` is translated into `{code}` but the control gives no phrase for it",
                            page.value
                        ),
                    )
                    .at(self.at(says))
                    .help(format!("add `{code}: \"...\"`: every language must say it")),
                );
            }
        }
    }

    fn check_search(&self, search: &Spanned<Localized>, opens: &Spanned<String>, push: &mut dyn FnMut(Diagnostic)) {
        let Some((content, target)) = self.node(opens, push) else {
            return;
        };
        for (code, message) in &search.value {
            let Some(locale) = self.locale(code, self.at(message), push) else {
                continue;
            };
            let (emergency, found) = content.find(locale, &message.value, MAX_SEARCH_RESULTS);
            let first = if emergency {
                Some(content.emergency())
            } else {
                found.first().copied()
            };
            if first != Some(target) {
                let shown: Vec<&str> = if emergency {
                    vec![content.node(content.emergency()).id()]
                } else {
                    found.iter().map(|&n| content.node(n).id()).collect()
                };
                push(
                    Diagnostic::new(
                        Code::ControlBroken,
                        format!(
                            "\"{}\" ({code}) no longer opens `{}` first: {}",
                            message.value,
                            opens.value,
                            if shown.is_empty() {
                                "nothing is found".to_owned()
                            } else {
                                format!("it shows {}", shown.join(", "))
                            }
                        ),
                    )
                    .at(self.at(message))
                    .help(format!(
                        "add the words people use to `{}`'s keywords; `overdose-bot search --explain` shows why",
                        opens.value
                    )),
                );
            }
        }
    }

    fn check_watch(
        &self,
        companion: &Spanned<String>,
        at_least: &Spanned<String>,
        duration: chrono::Duration,
        push: &mut dyn FnMut(Diagnostic),
    ) {
        let Some((content, node)) = self.node(companion, push) else {
            return;
        };
        let Some(watch) = content.node(node).companion() else {
            push(
                Diagnostic::new(Code::ControlBroken, format!("`{}` is not a companion", companion.value))
                    .at(self.at(companion))
                    .help("name a `kind: companion` node"),
            );
            return;
        };
        let shortest = watch.shortest_watch();
        if shortest < duration {
            push(
                Diagnostic::new(
                    Code::ControlBroken,
                    format!(
                        "companion `{}` can end {} after it started, before {}",
                        companion.value,
                        humantime::format_duration(shortest.to_std().unwrap_or_default()),
                        at_least.value
                    ),
                )
                .at(self.at(at_least))
                .help("add check-ins before the answer that ends it, or let that answer lead to another check-in"),
            );
        }
    }

    fn check_test(&self, test: &Spanned<String>, push: &mut dyn FnMut(Diagnostic)) {
        let Some((path, name)) = test.value.split_once("::") else {
            push(
                Diagnostic::new(Code::HazardInvalid, format!("`{}` does not name a test", test.value))
                    .at(self.at(test))
                    .help("write the file and the function: `tests/suite/companion.rs::naloxone_watch_outlives_cpr`"),
            );
            return;
        };
        let defined = self
            .tests
            .get(path)
            .and_then(Option::as_deref)
            .is_some_and(|text| defines_fn(text, name));
        if !defined {
            push(
                Diagnostic::new(Code::ControlBroken, format!("the test `{name}` is not in `{path}`"))
                    .at(self.at(test))
                    .help("a renamed or deleted test no longer keeps this hazard down: name the test that does"),
            );
        }
    }
}

/// Test paths the log names, for `load` to read.
pub fn test_files(hazards: &[(FileId, Vec<RawHazard>)]) -> HashSet<String> {
    hazards
        .iter()
        .flat_map(|(_, list)| list)
        .flat_map(|hazard| &hazard.controls)
        .filter_map(|control| control.test.as_ref())
        .filter_map(|test| test.value.split_once("::").map(|(path, _)| path.to_owned()))
        .collect()
}

#[derive(Clone, Copy)]
enum Where {
    Page,
    Summary,
}

fn phrases(localized: &Spanned<Localized>) -> Vec<(String, String)> {
    localized
        .value
        .iter()
        .map(|(code, text)| (code.clone(), text.value.clone()))
        .collect()
}

/// A page's own words in `locale`: title and body without the emergency
/// footer every screen shares (or "112" would be found everywhere); for a
/// companion, its check-ins' questions and answers too.
fn page_text(content: &Content, node: NodeIdx, locale: Locale) -> String {
    let page = content.node(node);
    let screen = page.screen(locale).plain.as_str();
    let footer = content.footer(locale).plain.trim_end();
    let mut text = screen.trim_end().strip_suffix(footer).unwrap_or(screen).to_owned();
    if let Some(companion) = page.companion() {
        for checkin in &companion.checkins {
            text.push('\n');
            let ask = checkin.screens[locale.0].plain.trim_end();
            text.push_str(ask.strip_suffix(footer).unwrap_or(ask));
            for answer in &checkin.answers {
                text.push('\n');
                text.push_str(&answer.labels[locale.0]);
            }
        }
        if let Some(done) = &companion.done {
            text.push('\n');
            text.push_str(&done[locale.0].plain);
        }
    }
    text
}

/// Lower case, one space between words, `ё` read as `е`: editors reflow
/// and retype texts without changing what they say.
fn normalise(text: &str) -> String {
    text.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
        .replace('ё', "е")
}

/// Taps from /start to `target` through buttons (the main menu is 0).
fn taps_from_root(content: &Content, target: NodeIdx) -> Option<usize> {
    let mut distance = HashMap::from([(content.root(), 0usize)]);
    let mut queue = VecDeque::from([content.root()]);
    while let Some(node) = queue.pop_front() {
        let taps = distance[&node];
        if node == target {
            return Some(taps);
        }
        for &next in content.node(node).buttons() {
            distance.entry(next).or_insert_with(|| {
                queue.push_back(next);
                taps + 1
            });
        }
    }
    None
}

/// Whether `text` defines a function `name` (`fn name(` or `fn name<`).
fn defines_fn(text: &str, name: &str) -> bool {
    text.match_indices("fn ").any(|(at, _)| {
        text[at + 3..]
            .strip_prefix(name)
            .is_some_and(|rest| rest.starts_with('(') || rest.starts_with('<'))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hazard_ids_and_test_names() {
        assert!(is_hazard_id("HZ-CHILD-1"));
        assert!(!is_hazard_id("HZ-"));
        assert!(!is_hazard_id("hz-1"));
        assert!(!is_hazard_id("HZ-child"));
        let text = "#[test]\nfn naloxone_watch() {}\nfn other_watch_two<T>() {}";
        assert!(defines_fn(text, "naloxone_watch"));
        assert!(defines_fn(text, "other_watch_two"));
        assert!(!defines_fn(text, "naloxone"));
        assert!(!defines_fn(text, "watch"));
    }

    #[test]
    fn hazards_are_listed_in_natural_order() {
        let mut ids = ["HZ-CHAN-10", "HZ-CHAN-2", "HZ-COMP-WEAROFF", "HZ-CHAN-1"];
        ids.sort_by_cached_key(|id| natural_key(id));
        assert_eq!(ids, ["HZ-CHAN-1", "HZ-CHAN-2", "HZ-CHAN-10", "HZ-COMP-WEAROFF"]);
    }

    #[test]
    fn phrases_match_across_line_breaks_case_and_yo() {
        assert!(normalise("Даже если ребёнок\n  выглядит   ХОРОШО").contains(&normalise("ребенок выглядит хорошо")));
    }
}
