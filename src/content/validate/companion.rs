//! Companions' check-ins: their durations, their answers and the steps the
//! answers lead to. Only `kind: companion` nodes may have check-ins, and
//! each needs at least one.

use std::collections::HashMap;

use chrono::Duration;
use serde_saphyr::Spanned;

use super::localized;
use super::nodes::{CheckedNodes, Context, render_text};
use crate::content::model::{Answer, CheckIn, Companion};
use crate::content::raw::{NodeKind, RawCheckIn};
use crate::diagnostics::yaml::spanned;
use crate::diagnostics::{Code, Diagnostic, FileId, did_you_mean};
use crate::markup::utf16_len;

/// The shortest and longest wait before a check-in. A second is for drills
/// and tests; six hours covers naloxone wearing off after long opioids.
const MIN_AFTER: Duration = Duration::seconds(1);
const MAX_AFTER: Duration = Duration::hours(6);
/// How long check-ins run when `ends_after` is not written, and the most.
const DEFAULT_ENDS_AFTER: Duration = Duration::hours(2);
const MAX_ENDS_AFTER: Duration = Duration::hours(24);
/// Answer buttons per check-in (Stop is added below them).
const MAX_ANSWERS: usize = 3;
/// A check-in is read in a hurry: a few lines at most (UTF-16 units).
const MAX_ASK_LEN: usize = 500;

/// The companions among `nodes`, by their index in the list; their
/// check-in screens hold the question only (the footer is added when the
/// content is built).
pub fn check(
    context: &Context<'_>,
    nodes: &CheckedNodes<'_>,
    push: &mut dyn FnMut(Diagnostic),
) -> HashMap<usize, Companion> {
    let mut companions = HashMap::new();
    for (index, node) in nodes.list.iter().enumerate() {
        let raw = node.raw;
        let id = &raw.id.value;
        let error = |message: String, at: crate::diagnostics::Span, help: &str| {
            Diagnostic::new(Code::CompanionInvalid, message)
                .at(at)
                .help(help.to_owned())
        };
        let id_span = spanned(context.sources, node.file, &raw.id);
        if node.kind != NodeKind::Companion {
            if let Some(first) = raw.checkins.first() {
                push(error(
                    format!("`{id}` has check-ins but is not a companion"),
                    spanned(context.sources, node.file, &first.id),
                    "add `kind: companion`, or remove `checkins`",
                ));
            }
            if let Some(done) = &raw.done {
                push(error(
                    format!("`{id}` has `done` but is not a companion"),
                    spanned(context.sources, node.file, done),
                    "`done` is what a companion says when its check-ins end: remove it here",
                ));
            }
            continue;
        }
        if raw.checkins.is_empty() {
            push(error(
                format!("companion `{id}` has no check-ins"),
                id_span,
                "add `checkins:` with at least one timed question",
            ));
            continue;
        }
        let steps: HashMap<&str, usize> = raw
            .checkins
            .iter()
            .enumerate()
            .map(|(i, c)| (c.id.value.as_str(), i))
            .collect();
        let checker = Checker {
            context,
            nodes,
            file: node.file,
            node: id,
            steps: &steps,
        };
        let checkins: Vec<Option<CheckIn>> = raw.checkins.iter().map(|c| checker.checkin(c, push)).collect();
        for (i, checkin) in raw.checkins.iter().enumerate() {
            if steps[checkin.id.value.as_str()] != i {
                push(error(
                    format!("companion `{id}` has two check-ins `{}`", checkin.id.value),
                    spanned(context.sources, node.file, &checkin.id),
                    "give each check-in its own id",
                ));
            }
        }
        let ends_after = match &raw.ends_after {
            Some(ends) => checker.duration(ends, Duration::minutes(1), MAX_ENDS_AFTER, push),
            None => Some(DEFAULT_ENDS_AFTER),
        };
        let done = match &raw.done {
            Some(done) => checker.done(done, push).map(Some),
            None => Some(None),
        };
        if let (Some(checkins), Some(ends_after), Some(done)) = (checkins.into_iter().collect(), ends_after, done) {
            companions.insert(
                index,
                Companion {
                    checkins,
                    ends_after,
                    done,
                },
            );
        }
    }
    companions
}

struct Checker<'a, 'c> {
    context: &'a Context<'c>,
    nodes: &'a CheckedNodes<'c>,
    file: FileId,
    node: &'a str,
    steps: &'a HashMap<&'a str, usize>,
}

impl Checker<'_, '_> {
    fn checkin(&self, raw: &RawCheckIn, push: &mut dyn FnMut(Diagnostic)) -> Option<CheckIn> {
        let sources = self.context.sources;
        let what = format!("check-in `{}` of `{}`", raw.id.value, self.node);
        let after = self.duration(&raw.after, MIN_AFTER, MAX_AFTER, push);
        let asks = localized::check(sources, self.file, &raw.ask, &what, self.context.locales, push).map(|texts| {
            texts
                .into_iter()
                .map(|text| {
                    if utf16_len(&text.value) > MAX_ASK_LEN {
                        push(
                            Diagnostic::new(
                                Code::TextTooLong,
                                format!("the question of {what} is longer than {MAX_ASK_LEN} characters"),
                            )
                            .at(spanned(sources, self.file, text))
                            .help("a check-in is read in a hurry: one or two short sentences"),
                        );
                    }
                    render_text(sources, self.file, self.node, text, push)
                })
                .collect::<Vec<_>>()
        });
        let answers = &raw.answers.value;
        if answers.is_empty() || answers.len() > MAX_ANSWERS {
            push(
                Diagnostic::new(Code::CompanionInvalid, format!("{what} has {} answers", answers.len()))
                    .at(spanned(sources, self.file, &raw.answers))
                    .help(format!("give it 1 to {MAX_ANSWERS} answers; Stop is added by the bot")),
            );
        }
        let answers: Option<Vec<Answer>> = answers.iter().map(|answer| self.answer(answer, &what, push)).collect();
        Some(CheckIn {
            id: raw.id.value.clone(),
            after: after?,
            screens: asks?,
            answers: answers?,
        })
    }

    fn answer(
        &self,
        raw: &crate::content::raw::RawAnswer,
        what: &str,
        push: &mut dyn FnMut(Diagnostic),
    ) -> Option<Answer> {
        let sources = self.context.sources;
        let labels = localized::check(
            sources,
            self.file,
            &raw.label,
            &format!("an answer of {what}"),
            self.context.locales,
            push,
        );
        // Both checked, so every mistake of the answer is reported at once.
        let show = raw.show.as_ref().map(|target| self.page(target, push));
        let then = match &raw.then {
            Some(step) => match self.steps.get(step.value.as_str()) {
                Some(&index) => Some(index),
                None => {
                    push(
                        Diagnostic::new(
                            Code::CompanionInvalid,
                            format!("`then: {}` names no check-in of `{}`", step.value, self.node),
                        )
                        .at(spanned(sources, self.file, step))
                        .help_opt(
                            did_you_mean(&step.value, self.steps.keys().copied())
                                .map(|s| format!("did you mean `{s}`?")),
                        ),
                    );
                    return None;
                }
            },
            None => None,
        };
        let show = match show {
            Some(found) => Some(crate::content::model::NodeIdx(found?)),
            None => None,
        };
        let restarts = raw.restarts.as_ref().is_some_and(|r| r.value);
        if let (true, None) = (restarts, then) {
            push(
                Diagnostic::new(
                    Code::CompanionInvalid,
                    format!("an answer of {what} restarts the watch but ends the check-ins"),
                )
                .at(spanned(sources, self.file, &raw.label))
                .help("give it `then:` the check-in the new watch starts with, or remove `restarts`"),
            );
            return None;
        }
        Some(Answer {
            labels: labels?.iter().map(|l| l.value.trim().to_owned()).collect(),
            show,
            then,
            restarts,
        })
    }

    /// What the companion says when an answer ends it: short, like a check-in.
    fn done(
        &self,
        done: &Spanned<crate::content::raw::Localized>,
        push: &mut dyn FnMut(Diagnostic),
    ) -> Option<Vec<crate::markup::Rendered>> {
        let sources = self.context.sources;
        let what = format!("`done` of `{}`", self.node);
        let texts = localized::check(sources, self.file, done, &what, self.context.locales, push)?;
        Some(
            texts
                .into_iter()
                .map(|text| {
                    if utf16_len(&text.value) > MAX_ASK_LEN {
                        push(
                            Diagnostic::new(
                                Code::TextTooLong,
                                format!("{what} is longer than {MAX_ASK_LEN} characters"),
                            )
                            .at(spanned(sources, self.file, text))
                            .help("it is read in a hurry: what to keep doing, in two or three short sentences"),
                        );
                    }
                    render_text(sources, self.file, self.node, text, push)
                })
                .collect(),
        )
    }

    /// A page or menu an answer shows: it exists and is not a companion.
    fn page(&self, target: &Spanned<String>, push: &mut dyn FnMut(Diagnostic)) -> Option<usize> {
        let sources = self.context.sources;
        let Some(&index) = self.nodes.by_id.get(target.value.as_str()) else {
            push(
                Diagnostic::new(Code::UnknownNode, format!("`show: {}` names no node", target.value))
                    .at(spanned(sources, self.file, target))
                    .help_opt(
                        did_you_mean(&target.value, self.nodes.by_id.keys().copied())
                            .map(|s| format!("did you mean `{s}`?")),
                    ),
            );
            return None;
        };
        if self.nodes.list[index].kind == NodeKind::Companion {
            push(
                Diagnostic::new(
                    Code::CompanionInvalid,
                    format!("`show: {}` is a companion, not a page", target.value),
                )
                .at(spanned(sources, self.file, target))
                .help("show a page (the next dose, CPR); companions start from buttons"),
            );
            return None;
        }
        Some(index)
    }

    fn duration(
        &self,
        raw: &Spanned<String>,
        min: Duration,
        max: Duration,
        push: &mut dyn FnMut(Diagnostic),
    ) -> Option<Duration> {
        let parsed = humantime::parse_duration(raw.value.trim())
            .ok()
            .and_then(|d| Duration::from_std(d).ok());
        match parsed {
            Some(duration) if duration >= min && duration <= max => Some(duration),
            _ => {
                push(
                    Diagnostic::new(
                        Code::CompanionInvalid,
                        format!(
                            "`{}` is not a duration from {} to {}",
                            raw.value,
                            human(min),
                            human(max)
                        ),
                    )
                    .at(spanned(self.context.sources, self.file, raw))
                    .help("write it like `2m30s`, `30m` or `1h 30m`"),
                );
                None
            }
        }
    }
}

fn human(duration: Duration) -> String {
    humantime::format_duration(duration.to_std().unwrap_or_default()).to_string()
}
