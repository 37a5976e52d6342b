//! `review`: the reviewers' queue (drafts, reviews due again, pages changed
//! since their review, each with `file:line:col`), read from the same
//! diagnostics `check` gives; and `review --sign`, which writes a page's
//! review record with the reviewer, the date and the hash of the texts they
//! read. Pure: the command writes the file `sign` returns.

use std::fmt::Write;

use chrono::NaiveDate;
use serde::Serialize;

use crate::content::raw::RawNode;
use crate::content::{Loaded, texts};
use crate::diagnostics::{Code, did_you_mean};

/// Why a page cannot be signed.
#[derive(Debug, thiserror::Error)]
pub enum SignError {
    #[error("no node `{0}`{1}")]
    UnknownNode(String, String),
    #[error("`{0}` is a menu or the doctors' line: only pages and companions give advice to review")]
    NotAdvice(String),
    #[error("`{0}` is not one of the manifest's reviewers ({1}); add them to `reviewers:` in bot.yaml first")]
    UnknownReviewer(String, String),
    #[error("`{0}` lacks a text in the primary locale `{1}`: fix `check`'s errors first")]
    Incomplete(String, String),
    #[error("cannot find `{0}`'s review record in its file to replace it")]
    Unplaceable(String),
}

/// The queue, in file order, section by section.
#[derive(Debug, Serialize)]
pub struct Queue {
    pub items: Vec<Item>,
}

#[derive(Debug, Serialize)]
pub struct Item {
    /// `draft`, `due`, `changed` or `invalid`.
    pub section: &'static str,
    pub code: &'static str,
    pub file: String,
    pub line: usize,
    pub column: usize,
    pub message: String,
}

/// Sections in the order the queue shows them, with their headings.
const SECTIONS: &[(&str, &str)] = &[
    ("changed", "changed since their review (review the change)"),
    ("due", "reviews due again"),
    ("draft", "drafts, never reviewed"),
    ("invalid", "review records to fix"),
];

/// The queue of `loaded`'s content.
pub fn queue(loaded: &Loaded) -> Queue {
    let mut items: Vec<Item> = loaded
        .diagnostics
        .iter()
        .filter_map(|d| {
            let section = match d.code {
                Code::ChangedAfterReview => "changed",
                Code::StaleReview => "due",
                Code::NeverReviewed => "draft",
                Code::InvalidReview | Code::UnknownReviewer => "invalid",
                _ => return None,
            };
            let span = d.span?;
            let (line, column) = loaded.sources.line_col(span.file, span.start);
            Some(Item {
                section,
                code: d.code.as_str(),
                file: loaded.sources.path(span.file).to_owned(),
                line,
                column,
                message: d.message.clone(),
            })
        })
        .collect();
    items.sort_by_key(|i| SECTIONS.iter().position(|(s, _)| *s == i.section));
    Queue { items }
}

impl Queue {
    pub fn human(&self) -> String {
        let mut out = String::new();
        for (section, heading) in SECTIONS {
            let items: Vec<&Item> = self.items.iter().filter(|i| i.section == *section).collect();
            if items.is_empty() {
                continue;
            }
            let _ = writeln!(out, "{} {heading}:", items.len());
            for item in items {
                let _ = writeln!(out, "  {}:{}:{}: {}", item.file, item.line, item.column, item.message);
            }
        }
        if out.is_empty() {
            out.push_str("nothing to review: every page's review is current\n");
        }
        out
    }

    pub fn json(&self) -> String {
        let mut text = serde_json::to_string_pretty(self).expect("a queue always serializes");
        text.push('\n');
        text
    }
}

/// A content file with a page's new review record in it.
#[derive(Debug)]
pub struct Signed {
    pub path: String,
    pub text: String,
    pub hash: String,
}

/// The file of page `id` with its review record replaced by one that says
/// `by` reviewed it on `on`, with the hash of its primary-language texts.
pub fn sign(loaded: &Loaded, id: &str, by: &str, on: NaiveDate) -> Result<Signed, SignError> {
    let parsed = &loaded.parsed;
    let Some((file, node)) = parsed.nodes.iter().find(|(_, n)| n.id.value == id) else {
        let hint = did_you_mean(id, parsed.nodes.iter().map(|(_, n)| n.id.value.as_str()))
            .map(|s| format!(": did you mean `{s}`?"))
            .unwrap_or_default();
        return Err(SignError::UnknownNode(id.to_owned(), hint));
    };
    if !node.kind.as_ref().map(|k| k.value).unwrap_or_default().gives_advice() {
        return Err(SignError::NotAdvice(id.to_owned()));
    }
    let reviewers: Vec<&str> = parsed
        .manifest
        .iter()
        .flat_map(|(_, m)| m.reviewers.iter().map(|r| r.name.value.trim()))
        .collect();
    if !reviewers.contains(&by) {
        let listed = if reviewers.is_empty() {
            "it lists none".to_owned()
        } else {
            reviewers.join(", ")
        };
        return Err(SignError::UnknownReviewer(by.to_owned(), listed));
    }
    let primary = &loaded.translations.primary;
    let hash = texts::node_hash(node, primary).ok_or_else(|| SignError::Incomplete(id.to_owned(), primary.clone()))?;
    let record = format!(
        "{{ status: reviewed, by: {}, on: {on}, hash: \"{hash}\" }}",
        serde_json::to_string(by).expect("a string serializes")
    );
    let text = loaded.sources.text(*file);
    let text = replace_review(text, node, &record).ok_or_else(|| SignError::Unplaceable(id.to_owned()))?;
    Ok(Signed {
        path: loaded.sources.path(*file).to_owned(),
        text,
        hash,
    })
}

/// `text` with `node`'s review record replaced by `record` (a flow
/// mapping), or added after its `id:` line if it has none.
fn replace_review(text: &str, node: &RawNode, record: &str) -> Option<String> {
    let Some(review) = &node.review else {
        let at = node.id.referenced.span().byte_offset()? as usize;
        let line_start = text[..at].rfind('\n').map_or(0, |i| i + 1);
        let line_end = text[at..].find('\n').map_or(text.len(), |i| at + i);
        let indent = text[line_start..at].find("id:")?;
        return Some(format!(
            "{}\n{}review: {record}{}",
            &text[..line_end],
            " ".repeat(indent),
            &text[line_end..]
        ));
    };
    let start = review.referenced.span().byte_offset()? as usize;
    // The `review:` key: on the value's line (flow) or the line above (block).
    let key = text[..start].rfind("review:")?;
    let key_line = text[..key].rfind('\n').map_or(0, |i| i + 1);
    let key_indent = key - key_line;
    let value_start = key + "review:".len();
    let end = if text[start..].starts_with('{') {
        start + flow_end(&text[start..])?
    } else {
        // A block mapping: every following line indented deeper than the key.
        let mut end = text[value_start..].find('\n').map_or(text.len(), |i| value_start + i);
        while end < text.len() {
            let next = end + 1;
            let line_end = text[next..].find('\n').map_or(text.len(), |i| next + i);
            let line = &text[next..line_end];
            let indent = line.len() - line.trim_start().len();
            if line.trim().is_empty() || indent <= key_indent {
                break;
            }
            end = line_end;
        }
        end
    };
    Some(format!("{} {record}{}", &text[..value_start], &text[end..]))
}

/// The length of the flow mapping at the start of `text`, to its `}`.
fn flow_end(text: &str) -> Option<usize> {
    let mut depth = 0;
    let mut quote: Option<char> = None;
    for (i, c) in text.char_indices() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '"' | '\'') => quote = Some(c),
            (None, '{') => depth += 1,
            (None, '}') => {
                depth -= 1;
                if depth == 0 {
                    return Some(i + 1);
                }
            }
            _ => {}
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn node(yaml: &str) -> RawNode {
        serde_saphyr::from_str::<Vec<RawNode>>(yaml).unwrap().remove(0)
    }

    #[test]
    fn a_flow_record_is_replaced_in_place() {
        let yaml = "- id: a\n  title: { ru: А }\n  review: { status: draft }\n  sources: [x]\n";
        let out = replace_review(yaml, &node(yaml), "{ status: reviewed }").unwrap();
        assert_eq!(
            out,
            "- id: a\n  title: { ru: А }\n  review: { status: reviewed }\n  sources: [x]\n"
        );
    }

    #[test]
    fn a_block_record_is_replaced_whole() {
        let yaml = "- id: a\n  title: { ru: А }\n  review:\n    status: reviewed\n    by: \"X {y}\"\n  sources: [x]\n";
        let out = replace_review(yaml, &node(yaml), "{ status: reviewed }").unwrap();
        assert_eq!(
            out,
            "- id: a\n  title: { ru: А }\n  review: { status: reviewed }\n  sources: [x]\n"
        );
    }

    #[test]
    fn a_missing_record_is_added_under_the_id() {
        let yaml = "- id: a\n  title: { ru: А }\n";
        let out = replace_review(yaml, &node(yaml), "{ status: reviewed }").unwrap();
        assert_eq!(out, "- id: a\n  review: { status: reviewed }\n  title: { ru: А }\n");
        assert!(serde_saphyr::from_str::<Vec<RawNode>>(&out).is_ok());
    }
}
