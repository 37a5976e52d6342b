//! Per-node checks: ids, kinds, texts and their markup, buttons, media,
//! review records and sources.

use std::collections::HashMap;

use chrono::NaiveDate;
use serde_saphyr::Spanned;

use super::localized::{self, Locales};
use crate::content::keys::NodeKey;
use crate::content::model::Review;
use crate::content::parsed::Parsed;
use crate::content::raw::{NodeKind, RawNode, ReviewStatus};
use crate::diagnostics::yaml::{span_in_value, spanned};
use crate::diagnostics::{Code, Diagnostic, FileId, SourceMap, did_you_mean};
use crate::markup::{Problem, Rendered, render_markdown};

/// Telegram's limits on a message text and on a media caption (UTF-16 units).
pub const MAX_TEXT_LEN: usize = 4096;
pub const MAX_CAPTION_LEN: usize = 1024;
/// Telegram's limit on a deep-link payload.
pub const MAX_ID_LEN: usize = 64;

pub struct Context<'a> {
    pub sources: &'a SourceMap,
    pub locales: &'a Locales,
    pub parsed: &'a Parsed,
    pub today: NaiveDate,
    pub review_max_age_days: u32,
    /// The manifest's reviewers: name and role.
    pub reviewers: &'a [(String, String)],
}

/// A node that passed its own checks far enough to be built.
pub struct CheckedNode<'a> {
    pub file: FileId,
    pub raw: &'a RawNode,
    pub kind: NodeKind,
    /// Per locale; `None` if a locale is missing (already reported).
    pub titles: Option<Vec<String>>,
    /// Rendered text per locale; empty texts for nodes without text.
    pub bodies: Option<Vec<Rendered>>,
    /// Indices (into `CheckedNodes::list`) of button targets that exist.
    pub buttons: Vec<usize>,
    pub review: Review,
}

pub struct CheckedNodes<'a> {
    /// Every node with a unique id, in file order.
    pub list: Vec<CheckedNode<'a>>,
    pub by_id: HashMap<&'a str, usize>,
}

pub fn check<'a>(context: &Context<'a>, push: &mut dyn FnMut(Diagnostic)) -> CheckedNodes<'a> {
    let sources = context.sources;
    let mut list = Vec::new();
    let mut by_id: HashMap<&'a str, usize> = HashMap::new();
    let mut first_span = HashMap::new();
    let mut keys: HashMap<NodeKey, &str> = HashMap::new();

    for (file, raw) in &context.parsed.nodes {
        let id = raw.id.value.as_str();
        let id_span = spanned(sources, *file, &raw.id);
        check_id(id, id_span, push);
        if let Some(first) = first_span.get(id) {
            push(
                Diagnostic::new(Code::DuplicateId, format!("node id `{id}` is defined twice"))
                    .at(id_span)
                    .label("second definition")
                    .related(*first, "first defined here")
                    .help("ids are deep links and button targets: give this node another id"),
            );
            continue;
        }
        first_span.insert(id, id_span);
        let key = NodeKey::of(id);
        if let Some(other) = keys.insert(key, id) {
            push(
                Diagnostic::new(
                    Code::NodeKeyCollision,
                    format!("node ids `{other}` and `{id}` have the same button key"),
                )
                .at(id_span)
                .help("a one-in-billions hash collision: rename either node slightly"),
            );
        }
        by_id.insert(id, list.len());
        list.push(check_node(context, *file, raw, push));
    }

    let incomplete = context.parsed.incomplete;
    for node in &mut list {
        for button in &node.raw.buttons {
            let target = button.value.as_str();
            match by_id.get(target) {
                Some(&index) => node.buttons.push(index),
                None if incomplete || context.parsed.broken_ids.contains(target) => {}
                None => push(
                    Diagnostic::new(Code::UnknownNode, format!("button to unknown node `{target}`"))
                        .at(spanned(sources, node.file, button))
                        .label("no node has this id")
                        .help_opt(did_you_mean(target, by_id.keys().copied()).map(|s| format!("did you mean `{s}`?"))),
                ),
            }
        }
    }
    CheckedNodes { list, by_id }
}

fn check_id(id: &str, span: crate::diagnostics::Span, push: &mut dyn FnMut(Diagnostic)) {
    let valid_chars =
        !id.is_empty() && id.chars().all(crate::payload::is_node_id_char) && !id.starts_with('-') && !id.ends_with('-');
    if !valid_chars || id.len() > MAX_ID_LEN {
        let suggestion: String = id
            .to_lowercase()
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
            .collect::<String>()
            .split('-')
            .filter(|p| !p.is_empty())
            .collect::<Vec<_>>()
            .join("-");
        let suggestion: String = suggestion.chars().take(MAX_ID_LEN).collect();
        let help = if suggestion.is_empty() {
            "use lowercase latin letters, digits and `-`, at most 64 characters".to_owned()
        } else {
            format!("use lowercase latin letters, digits and `-`, at most 64 characters, e.g. `{suggestion}`")
        };
        push(
            Diagnostic::new(Code::InvalidId, format!("node id `{id}` cannot be a deep link"))
                .at(span)
                .label("Telegram's /start payload allows 1-64 of [A-Za-z0-9_-]")
                .help(help),
        );
    }
}

/// `line:` names a roster line (content cannot know the roster: an unknown
/// line shows as not open at serve time), only on a handoff node.
fn check_line(sources: &SourceMap, file: FileId, raw: &RawNode, kind: NodeKind, push: &mut dyn FnMut(Diagnostic)) {
    let Some(line) = &raw.line else { return };
    let span = spanned(sources, file, line);
    if kind != NodeKind::Handoff {
        push(
            Diagnostic::new(
                Code::LineInvalid,
                format!("`{}` has a line but is not a handoff", raw.id.value),
            )
            .at(span)
            .help("add `kind: handoff`, or remove `line`"),
        );
    } else if !crate::content::is_line_id(&line.value) {
        push(
            Diagnostic::new(Code::LineInvalid, format!("`{}` is not a line id", line.value))
                .at(span)
                .help("write the id of a line in the roster: lowercase letters, digits and dashes, such as `outreach`"),
        );
    }
}

fn check_node<'a>(
    context: &Context<'a>,
    file: FileId,
    raw: &'a RawNode,
    push: &mut dyn FnMut(Diagnostic),
) -> CheckedNode<'a> {
    let sources = context.sources;
    let id = &raw.id.value;
    let kind = raw.kind.as_ref().map_or(NodeKind::Page, |k| k.value);
    let id_span = spanned(sources, file, &raw.id);

    let titles = localized::check(
        sources,
        file,
        &raw.title,
        &format!("title of node `{id}`"),
        context.locales,
        push,
    )
    .map(|t| t.iter().map(|s| s.value.trim().to_owned()).collect());

    let bodies = match &raw.text {
        Some(text) => localized::check(
            sources,
            file,
            text,
            &format!("text of node `{id}`"),
            context.locales,
            push,
        )
        .map(|texts| {
            texts
                .into_iter()
                .map(|t| render_text(sources, file, id, t, push))
                .collect()
        }),
        None => {
            if kind == NodeKind::Page {
                push(
                    Diagnostic::new(Code::EmptyNode, format!("page `{id}` has no text"))
                        .at(id_span)
                        .help("add `text:` with the instructions, or make it `kind: menu`"),
                );
            }
            if kind == NodeKind::Handoff {
                push(
                    Diagnostic::new(Code::EmptyNode, format!("handoff `{id}` has no text"))
                        .at(id_span)
                        .help("add `text:` saying who answers and that the person stays anonymous"),
                );
            }
            if kind == NodeKind::Companion {
                push(
                    Diagnostic::new(Code::EmptyNode, format!("companion `{id}` has no text"))
                        .at(id_span)
                        .help("add `text:` saying what to do now and when the bot will ask"),
                );
            }
            Some(vec![Rendered::default(); context.locales.len()])
        }
    };
    if kind == NodeKind::Menu && raw.buttons.is_empty() {
        push(
            Diagnostic::new(Code::EmptyNode, format!("menu `{id}` has no buttons"))
                .at(id_span)
                .help("add `buttons: [...]`, or make it `kind: page`"),
        );
    }

    if let Some(keywords) = &raw.keywords {
        for (code, words) in &keywords.value {
            if !context.locales.is_empty() && !context.locales.contains(code) {
                push(
                    Diagnostic::new(
                        Code::UnknownLocale,
                        format!("keywords of node `{id}` are for unknown locale `{code}`"),
                    )
                    .at(spanned(sources, file, words))
                    .help_opt(
                        did_you_mean(code, context.locales.iter().map(String::as_str))
                            .map(|s| format!("did you mean `{s}`?")),
                    ),
                );
            }
        }
    }

    if let Some(media) = &raw.media
        && !context.parsed.media.contains_key(&media.value.file.value)
    {
        let path = &media.value.file.value;
        let diagnostic = match context.parsed.media_refused.get(path) {
            Some(reason) => Diagnostic::new(Code::FileRefused, format!("media file `{path}` is refused: {reason}"))
                .help("media must be an ordinary file inside the content directory, at most 10 MB"),
            None => Diagnostic::new(Code::MediaMissing, format!("media file `{path}` does not exist"))
                .help("paths are relative to the content directory"),
        };
        push(diagnostic.at(spanned(sources, file, &media.value.file)));
    }

    check_line(sources, file, raw, kind, push);
    let review = check_review(context, file, raw, kind, push);
    let fill_in = raw.fill_in.as_ref().filter(|f| f.value);
    if let Some(fill_in) = fill_in {
        push(
            Diagnostic::new(
                Code::OrganisationUnfilled,
                format!("page `{id}` is the organisation's to write and still has stand-in text"),
            )
            .at(spanned(sources, file, fill_in))
            .help("write the organisation's own details, then remove `fill_in: true`"),
        );
    }
    if kind.gives_advice() && raw.sources.is_empty() && fill_in.is_none() {
        push(
            Diagnostic::new(Code::NoSources, format!("page `{id}` names no sources"))
                .at(id_span)
                .help("add `sources: [\"...\"]` naming the guideline the text follows"),
        );
    }

    CheckedNode {
        file,
        raw,
        kind,
        titles,
        bodies,
        buttons: Vec::new(),
        review,
    }
}

pub(super) fn render_text(
    sources: &SourceMap,
    file: FileId,
    id: &str,
    text: &Spanned<String>,
    push: &mut dyn FnMut(Diagnostic),
) -> Rendered {
    let (rendered, unsupported) = render_markdown(&text.value);
    for found in unsupported {
        let (code, message, label) = match found.problem {
            Problem::Unsupported => (
                Code::UnsupportedMarkup,
                format!("text of node `{id}` uses {}, which Telegram cannot show", found.what),
                "not supported",
            ),
            Problem::Limit => (
                Code::MarkupLimit,
                format!("text of node `{id}` has {}", found.what),
                "past the limit",
            ),
            Problem::RefusedLink => (
                Code::RefusedLink,
                format!("text of node `{id}` has a link no page may carry: {}", found.what),
                "refused link",
            ),
            Problem::Elsewhere => (
                Code::LinkElsewhere,
                format!("text of node `{id}` has {}", found.what),
                "outside Telegram",
            ),
        };
        push(
            Diagnostic::new(code, message)
                .at(span_in_value(sources, file, text, found.range))
                .label(label)
                .help(found.instead),
        );
    }
    rendered
}

fn check_review(
    context: &Context<'_>,
    file: FileId,
    raw: &RawNode,
    kind: NodeKind,
    push: &mut dyn FnMut(Diagnostic),
) -> Review {
    let sources = context.sources;
    let id = &raw.id.value;
    let Some(review) = &raw.review else {
        if kind.gives_advice() {
            push(
                Diagnostic::new(Code::NeverReviewed, format!("page `{id}` has no review record"))
                    .at(spanned(sources, file, &raw.id))
                    .help("add `review: { status: draft }` until a medical professional reviews it"),
            );
            return Review::Draft;
        }
        return Review::NotNeeded;
    };
    let review_span = spanned(sources, file, review);
    if review.value.status.value == ReviewStatus::Draft {
        push(
            Diagnostic::new(
                Code::NeverReviewed,
                format!("page `{id}` is a draft, not yet medically reviewed"),
            )
            .at(spanned(sources, file, &review.value.status))
            .help(format!(
                "once a reviewer listed in bot.yaml has checked it, they sign it: `overdose-bot review --sign {id} --by \"<name>\"`"
            )),
        );
        return Review::Draft;
    }
    let by = review
        .value
        .by
        .as_ref()
        .map(|b| b.value.trim())
        .filter(|b| !b.is_empty());
    let Some(by) = by else {
        push(
            Diagnostic::new(
                Code::InvalidReview,
                format!("review of `{id}` does not say who reviewed it"),
            )
            .at(review_span)
            .help("add `by:` with the name of one of the manifest's `reviewers`"),
        );
        return Review::Draft;
    };
    let by_span = review.value.by.as_ref().map(|b| spanned(sources, file, b));
    let Some((_, role)) = context.reviewers.iter().find(|(name, _)| name == by) else {
        let names = context.reviewers.iter().map(|(n, _)| n.as_str());
        let help = match did_you_mean(by, names) {
            Some(name) => format!("did you mean `{name}`?"),
            None if context.reviewers.is_empty() => {
                "list the reviewer in bot.yaml under `reviewers:` (name and role)".to_owned()
            }
            None => format!(
                "the manifest's reviewers are: {}; add a new one to `reviewers:` in bot.yaml",
                context
                    .reviewers
                    .iter()
                    .map(|(n, _)| n.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        };
        push(
            Diagnostic::new(
                Code::UnknownReviewer,
                format!("`{by}` is not one of the manifest's reviewers"),
            )
            .at_opt(by_span)
            .label("unknown reviewer")
            .help(help),
        );
        return Review::Draft;
    };
    let Some(on) = &review.value.on else {
        push(
            Diagnostic::new(Code::InvalidReview, format!("review of `{id}` has no date"))
                .at(review_span)
                .help("add `on: YYYY-MM-DD`"),
        );
        return Review::Draft;
    };
    let Ok(date) = NaiveDate::parse_from_str(&on.value, "%Y-%m-%d") else {
        push(
            Diagnostic::new(Code::InvalidReview, format!("review date `{}` is not a date", on.value))
                .at(spanned(sources, file, on))
                .help("write it as YYYY-MM-DD, e.g. 2026-11-20"),
        );
        return Review::Draft;
    };
    if date > context.today {
        push(
            Diagnostic::new(Code::InvalidReview, format!("review date {date} is in the future"))
                .at(spanned(sources, file, on))
                .help("write the date the review happened"),
        );
    }
    let age = (context.today - date).num_days();
    let due = age > i64::from(context.review_max_age_days);
    if due {
        push(
            Diagnostic::new(
                Code::StaleReview,
                format!("page `{id}` was last reviewed {age} days ago"),
            )
            .at(spanned(sources, file, on))
            .help(format!(
                "reviews older than {} days should be renewed",
                context.review_max_age_days
            )),
        );
    }
    let changed = check_review_hash(context, file, raw, by, date, push);
    Review::Reviewed {
        by: by.to_owned(),
        role: role.clone(),
        on: date,
        due,
        changed,
    }
}

/// Warns (W0011) when the page's primary-language texts are no longer what
/// the reviewer signed; returns whether they changed.
fn check_review_hash(
    context: &Context<'_>,
    file: FileId,
    raw: &RawNode,
    by: &str,
    on: NaiveDate,
    push: &mut dyn FnMut(Diagnostic),
) -> bool {
    let sources = context.sources;
    let id = &raw.id.value;
    let Some(review) = &raw.review else { return false };
    let current = crate::content::texts::node_hash(raw, context.locales.primary_code());
    let sign = format!("overdose-bot review --sign {id} --by \"{by}\"");
    match &review.value.hash {
        None => {
            push(
                Diagnostic::new(
                    Code::ChangedAfterReview,
                    format!("the review of `{id}` records no hash of the texts it approved"),
                )
                .at(spanned(sources, file, review))
                .help(format!("after reviewing the page, {by} signs it with `{sign}`")),
            );
            true
        }
        Some(hash) if Some(&hash.value) != current.as_ref() => {
            push(
                Diagnostic::new(
                    Code::ChangedAfterReview,
                    format!("page `{id}` changed after {by} reviewed it on {on}"),
                )
                .at(spanned(sources, file, hash))
                .label("the reviewed texts had this hash")
                .help(format!(
                    "ask {by} (or another reviewer) to review the change, then `{sign}`; `git log -p` shows what changed"
                )),
            );
            true
        }
        Some(_) => false,
    }
}

/// Reports screens longer than Telegram allows, once footers are known.
pub fn check_lengths(
    sources: &SourceMap,
    nodes: &CheckedNodes<'_>,
    locales: &[String],
    footer_lens: &[usize],
    push: &mut dyn FnMut(Diagnostic),
) {
    for node in &nodes.list {
        let (Some(titles), Some(bodies)) = (&node.titles, &node.bodies) else {
            continue;
        };
        let limit = if node.raw.media.is_some() {
            MAX_CAPTION_LEN
        } else {
            MAX_TEXT_LEN
        };
        for (index, code) in locales.iter().enumerate() {
            let len = crate::markup::utf16_len(&titles[index]) + 2 + bodies[index].visible_len + 2 + footer_lens[index];
            if len > limit {
                let what = if node.raw.media.is_some() { "caption" } else { "message" };
                let span = node.raw.text.as_ref().and_then(|t| t.value.get(code)).map_or_else(
                    || spanned(sources, node.file, &node.raw.id),
                    |t| spanned(sources, node.file, t),
                );
                push(
                    Diagnostic::new(
                        Code::TextTooLong,
                        format!(
                            "node `{}` in `{code}` renders to {len} characters; a Telegram {what} holds {limit}",
                            node.raw.id.value
                        ),
                    )
                    .at(span)
                    .help("shorten the text or split it into two pages linked by a button"),
                );
            }
        }
    }
}
