//! Checks what group chats get: the manifest's `group_commands` (valid
//! Telegram command names, not the bot's own switch, naming nodes that
//! exist) and the nodes' `summary` lines (every locale, one short line:
//! a group is public and its answer stays short).

use std::collections::HashMap;

use super::localized;
use super::manifest::Manifest;
use super::nodes::CheckedNodes;
use crate::content::parsed::Parsed;
use crate::content::{TURN_OFF, TURN_ON};
use crate::diagnostics::yaml::spanned;
use crate::diagnostics::{Code, Diagnostic, SourceMap, did_you_mean};

/// The longest summary, in characters: one line on a phone.
pub const MAX_SUMMARY_CHARS: usize = 200;

/// What the builder needs: each command with its node (indices into
/// `CheckedNodes::list`), and the summaries per node, in locale order.
#[derive(Default)]
pub struct Groups {
    pub commands: Vec<(String, usize)>,
    pub summaries: HashMap<usize, Vec<String>>,
}

pub fn check(
    sources: &SourceMap,
    parsed: &Parsed,
    manifest: &Manifest<'_>,
    nodes: &CheckedNodes<'_>,
    push: &mut dyn FnMut(Diagnostic),
) -> Groups {
    let mut groups = Groups::default();
    for (name, target) in &manifest.raw.group_commands {
        let span = manifest.span(sources, target);
        if !is_command_name(name) {
            push(
                Diagnostic::new(Code::GroupInvalid, format!("`{name}` is not a Telegram command name"))
                    .at(span)
                    .help("use 1 to 32 lowercase letters, digits and `_`, e.g. `bus`"),
            );
        } else if [TURN_OFF, TURN_ON].contains(&name.as_str()) {
            push(
                Diagnostic::new(Code::GroupInvalid, format!("`/{name}` is the bot's own command"))
                    .at(span)
                    .help("group admins turn the bot off and on with it: choose another name"),
            );
        }
        match nodes.by_id.get(target.value.as_str()) {
            Some(&node) => groups.commands.push((name.clone(), node)),
            None if parsed.incomplete || parsed.broken_ids.contains(&target.value) => {}
            None => push(
                Diagnostic::new(
                    Code::UnknownNode,
                    format!("group command `/{name}` opens `{}`, which is not a node", target.value),
                )
                .at(span)
                .label("no node has this id")
                .help_opt(
                    did_you_mean(&target.value, nodes.by_id.keys().copied()).map(|s| format!("did you mean `{s}`?")),
                ),
            ),
        }
    }
    for (index, node) in nodes.list.iter().enumerate() {
        let Some(summary) = &node.raw.summary else {
            continue;
        };
        let what = format!("summary of node `{}`", node.raw.id.value);
        let Some(lines) = localized::check(sources, node.file, summary, &what, &manifest.locales, push) else {
            continue;
        };
        let mut valid = true;
        for line in &lines {
            let text = line.value.trim();
            let problem = if text.contains('\n') {
                Some("is on several lines".to_owned())
            } else {
                let chars = text.chars().count();
                (chars > MAX_SUMMARY_CHARS).then(|| format!("has {chars} characters"))
            };
            if let Some(problem) = problem {
                valid = false;
                push(
                    Diagnostic::new(Code::GroupInvalid, format!("the {what} {problem}"))
                        .at(spanned(sources, node.file, line))
                        .help(format!(
                            "write one line of at most {MAX_SUMMARY_CHARS} characters: the page itself is one tap away"
                        )),
                );
            }
        }
        if valid {
            groups
                .summaries
                .insert(index, lines.iter().map(|l| l.value.trim().to_owned()).collect());
        }
    }
    groups
}

/// Telegram's rule for command names.
fn is_command_name(name: &str) -> bool {
    (1..=32).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
}
