//! Whole-tree checks: the root, emergency page and photo question exist,
//! every node can be reached, the emergency page is close to /start and is
//! the photo question's first answer, Back can remember the way.

use std::collections::VecDeque;

use serde_saphyr::Spanned;

use super::manifest::Manifest;
use super::nodes::CheckedNodes;
use crate::content::parsed::Parsed;
use crate::diagnostics::yaml::spanned;
use crate::diagnostics::{Code, Diagnostic, SourceMap, did_you_mean};
use crate::payload::MAX_CRUMBS;

pub fn check(
    sources: &SourceMap,
    parsed: &Parsed,
    manifest: &Manifest<'_>,
    nodes: &CheckedNodes<'_>,
    push: &mut dyn FnMut(Diagnostic),
) {
    let root = lookup(sources, parsed, manifest, nodes, &manifest.raw.root, "root", push);
    let emergency = lookup(
        sources,
        parsed,
        manifest,
        nodes,
        &manifest.raw.emergency,
        "emergency page",
        push,
    );
    let photo = manifest
        .raw
        .photo
        .as_ref()
        .and_then(|field| lookup(sources, parsed, manifest, nodes, field, "photo question", push));
    if let (Some(photo), Some(emergency), Some(field)) = (photo, emergency, &manifest.raw.photo)
        && nodes.list[photo].buttons.first() != Some(&emergency)
    {
        push(
            Diagnostic::new(
                Code::InvalidManifest,
                format!(
                    "the photo question `{}` does not offer the emergency page first",
                    field.value
                ),
            )
            .at(manifest.span(sources, field))
            .help(format!(
                "make `{}` the first button of `{}`: a photo may show someone dying",
                manifest.raw.emergency.value, field.value
            )),
        );
    }
    let Some(root) = root else { return };
    let depth = distances(nodes, root, photo);

    if let Some(emergency) = emergency {
        let max_taps = manifest.max_emergency_taps;
        match depth[emergency] {
            Some(taps) if taps <= max_taps as usize => {}
            taps => {
                let taps = taps.map_or_else(|| "never reachable".to_owned(), |t| format!("{t} taps away"));
                push(
                    Diagnostic::new(
                        Code::EmergencyTooDeep,
                        format!("the emergency page is {taps} from /start; at most {max_taps} allowed"),
                    )
                    .at(manifest.span(sources, &manifest.raw.emergency))
                    .help("put a button to it on the root menu: seconds count"),
                );
            }
        }
    }

    if parsed.incomplete {
        // Nodes of unparsed files may be the missing links; do not guess.
        return;
    }
    for (index, node) in nodes.list.iter().enumerate() {
        let id_span = spanned(sources, node.file, &node.raw.id);
        match depth[index] {
            None => push(
                Diagnostic::new(
                    Code::Unreachable,
                    format!("node `{}` cannot be reached from the root", node.raw.id.value),
                )
                .at(id_span)
                .label("no button leads here")
                .help("add a button to it from a menu, or delete it"),
            ),
            Some(d) if d > MAX_CRUMBS + 1 => push(
                Diagnostic::new(
                    Code::DeepNode,
                    format!("node `{}` is {d} taps from /start", node.raw.id.value),
                )
                .at(id_span)
                .help(format!(
                    "Back remembers {MAX_CRUMBS} steps; deeper, it skips towards the main menu"
                )),
            ),
            Some(_) => {}
        }
    }
}

fn lookup(
    sources: &SourceMap,
    parsed: &Parsed,
    manifest: &Manifest<'_>,
    nodes: &CheckedNodes<'_>,
    field: &Spanned<String>,
    role: &str,
    push: &mut dyn FnMut(Diagnostic),
) -> Option<usize> {
    let found = nodes.by_id.get(field.value.as_str()).copied();
    if found.is_none() && !parsed.incomplete && !parsed.broken_ids.contains(&field.value) {
        push(
            Diagnostic::new(Code::UnknownNode, format!("{role} `{}` is not a node", field.value))
                .at(manifest.span(sources, field))
                .label("no node has this id")
                .help_opt(
                    did_you_mean(&field.value, nodes.by_id.keys().copied()).map(|s| format!("did you mean `{s}`?")),
                ),
        );
    }
    found
}

/// Taps from the root to each node (breadth-first), `None` if unreachable.
/// The photo question opens without a tap from the root, as an answer to a
/// message, so it counts as one step away and what it leads to is reachable.
fn distances(nodes: &CheckedNodes<'_>, root: usize, photo: Option<usize>) -> Vec<Option<usize>> {
    let mut depth = vec![None; nodes.list.len()];
    depth[root] = Some(0);
    let mut queue = VecDeque::from([root]);
    if let Some(photo) = photo.filter(|&p| p != root) {
        depth[photo] = Some(1);
        queue.push_back(photo);
    }
    while let Some(current) = queue.pop_front() {
        let next = depth[current].map(|d| d + 1);
        for &target in &nodes.list[current].buttons {
            if depth[target].is_none() {
                depth[target] = next;
                queue.push_back(target);
            }
        }
    }
    depth
}
