//! `graph`: the content tree as a Mermaid or Graphviz diagram for editors,
//! with the emergency path (main menu -> emergency page -> its next steps)
//! drawn in red, pages awaiting medical review dashed, and the pages a
//! companion's check-ins show dotted. Pure: returns text.

use std::collections::VecDeque;
use std::fmt::Write;

use crate::content::{Content, Locale, NodeIdx, NodeKind, Review};

/// Diagram language.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum GraphFormat {
    /// Mermaid flowchart: renders in GitHub and GitLab Markdown.
    Mermaid,
    /// Graphviz: `dot -Tsvg`.
    Dot,
}

/// Renders every node and button of `content`, titles in `locale`.
pub fn render(content: &Content, locale: Locale, format: GraphFormat) -> String {
    let emergency = emergency_edges(content);
    match format {
        GraphFormat::Mermaid => mermaid(content, locale, &emergency),
        GraphFormat::Dot => dot(content, locale, &emergency),
    }
}

/// Edges on the shortest way from the root to the emergency page, plus the
/// emergency page's own buttons: what a person in an emergency taps.
fn emergency_edges(content: &Content) -> Vec<(NodeIdx, NodeIdx)> {
    let mut parent: Vec<Option<NodeIdx>> = vec![None; content.nodes().len()];
    let mut queue = VecDeque::from([content.root()]);
    let mut seen = vec![false; content.nodes().len()];
    seen[content.root().0] = true;
    while let Some(current) = queue.pop_front() {
        for &next in content.node(current).buttons() {
            if !seen[next.0] {
                seen[next.0] = true;
                parent[next.0] = Some(current);
                queue.push_back(next);
            }
        }
    }
    let mut edges = Vec::new();
    let mut node = content.emergency();
    while let Some(previous) = parent[node.0] {
        edges.push((previous, node));
        node = previous;
    }
    edges.reverse();
    edges.extend(
        content
            .node(content.emergency())
            .buttons()
            .iter()
            .map(|&b| (content.emergency(), b)),
    );
    edges
}

fn is_draft(content: &Content, node: NodeIdx) -> bool {
    matches!(content.node(node).review(), Review::Draft)
}

fn mermaid(content: &Content, locale: Locale, emergency: &[(NodeIdx, NodeIdx)]) -> String {
    let mut out = String::from("flowchart TD\n");
    for (index, node) in content.nodes() {
        let title = node.title(locale).replace('"', "#quot;");
        let (open, close) = match node.kind() {
            NodeKind::Menu => ("[[", "]]"),
            NodeKind::Handoff => ("([", "])"),
            NodeKind::Companion => ("{{", "}}"),
            NodeKind::Timetable => ("[/", "/]"),
            NodeKind::Page => ("[", "]"),
        };
        let _ = writeln!(
            out,
            "    n{}{open}\"{title}<br/><small>{}</small>\"{close}",
            index.0,
            node.id()
        );
    }
    let mut emergency_links = Vec::new();
    let mut link = 0;
    for (index, node) in content.nodes() {
        for &target in node.buttons() {
            let _ = writeln!(out, "    n{} --> n{}", index.0, target.0);
            if emergency.contains(&(index, target)) {
                emergency_links.push(link.to_string());
            }
            link += 1;
        }
    }
    for (index, target) in shown_by_checkins(content) {
        let _ = writeln!(out, "    n{} -. check-in .-> n{}", index.0, target.0);
    }
    out.push_str("    classDef emergency fill:#ffe5e5,stroke:#c00,stroke-width:3px\n");
    out.push_str("    classDef draft stroke-dasharray:5 5\n");
    let on_path = emergency_nodes(content, emergency);
    if !on_path.is_empty() {
        let _ = writeln!(
            out,
            "    class {} emergency",
            on_path
                .iter()
                .map(|n| format!("n{}", n.0))
                .collect::<Vec<_>>()
                .join(",")
        );
    }
    let drafts: Vec<String> = content
        .nodes()
        .filter(|(i, _)| is_draft(content, *i))
        .map(|(i, _)| format!("n{}", i.0))
        .collect();
    if !drafts.is_empty() {
        let _ = writeln!(out, "    class {} draft", drafts.join(","));
    }
    if !emergency_links.is_empty() {
        let _ = writeln!(
            out,
            "    linkStyle {} stroke:#c00,stroke-width:3px",
            emergency_links.join(",")
        );
    }
    out
}

fn dot(content: &Content, locale: Locale, emergency: &[(NodeIdx, NodeIdx)]) -> String {
    let on_path = emergency_nodes(content, emergency);
    let mut out = String::from("digraph content {\n    rankdir=LR;\n    node [fontname=\"sans-serif\"];\n");
    for (index, node) in content.nodes() {
        let title = node.title(locale).replace('\\', "\\\\").replace('"', "\\\"");
        let mut style = vec![match node.kind() {
            NodeKind::Menu => "shape=box3d",
            NodeKind::Handoff => "shape=octagon",
            NodeKind::Companion => "shape=hexagon",
            NodeKind::Timetable => "shape=parallelogram",
            NodeKind::Page => "shape=box",
        }];
        if on_path.contains(&index) {
            style.push("color=\"#cc0000\", penwidth=3, style=filled, fillcolor=\"#ffe5e5\"");
        }
        if is_draft(content, index) {
            style.push(if on_path.contains(&index) {
                "peripheries=2"
            } else {
                "style=dashed"
            });
        }
        let _ = writeln!(
            out,
            "    \"{}\" [label=\"{title}\\n({})\", {}];",
            node.id(),
            node.id(),
            style.join(", ")
        );
    }
    for (index, node) in content.nodes() {
        for &target in node.buttons() {
            let attributes = if emergency.contains(&(index, target)) {
                " [color=\"#cc0000\", penwidth=3]"
            } else {
                ""
            };
            let _ = writeln!(
                out,
                "    \"{}\" -> \"{}\"{attributes};",
                node.id(),
                content.node(target).id()
            );
        }
    }
    for (index, target) in shown_by_checkins(content) {
        let _ = writeln!(
            out,
            "    \"{}\" -> \"{}\" [style=dotted, label=\"check-in\"];",
            content.node(index).id(),
            content.node(target).id()
        );
    }
    out.push_str("}\n");
    out
}

/// The pages a companion's check-in answers show, once per pair.
fn shown_by_checkins(content: &Content) -> Vec<(NodeIdx, NodeIdx)> {
    let mut edges = Vec::new();
    for (index, node) in content.nodes() {
        let shown = node
            .companion()
            .into_iter()
            .flat_map(|c| &c.checkins)
            .flat_map(|checkin| checkin.answers.iter().filter_map(|a| a.show));
        for target in shown {
            if !edges.contains(&(index, target)) {
                edges.push((index, target));
            }
        }
    }
    edges
}

fn emergency_nodes(content: &Content, emergency: &[(NodeIdx, NodeIdx)]) -> Vec<NodeIdx> {
    let mut nodes = vec![content.root(), content.emergency()];
    for &(from, to) in emergency {
        for node in [from, to] {
            if !nodes.contains(&node) {
                nodes.push(node);
            }
        }
    }
    nodes
}
