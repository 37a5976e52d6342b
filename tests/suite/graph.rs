//! `overdose-bot graph` on the fixture tree: every button is an edge and the
//! emergency path is highlighted.

use std::path::Path;
use std::process::Command;

fn graph(format: &str) -> String {
    let output = Command::new(env!("CARGO_BIN_EXE_overdose-bot"))
        .args([
            "graph",
            "--content",
            "tests/fixtures/tree/content",
            "--locales",
            "locales",
            "--format",
            format,
        ])
        .current_dir(Path::new(env!("CARGO_MANIFEST_DIR")))
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    String::from_utf8(output.stdout).unwrap()
}

#[test]
fn dot_has_every_button_and_a_red_emergency_path() {
    let dot = graph("dot");
    assert!(dot.starts_with("digraph content {"));
    assert!(
        dot.contains("\"start\" -> \"urgent\" [color=\"#cc0000\", penwidth=3];"),
        "{dot}"
    );
    assert!(
        dot.contains("\"urgent\" -> \"chain-1\" [color=\"#cc0000\", penwidth=3];"),
        "{dot}"
    );
    assert!(dot.contains("\"start\" -> \"loop-1\";"), "{dot}");
    assert!(dot.contains("\"loop-2\" -> \"loop-1\";"), "{dot}");
    let edges = dot.lines().filter(|l| l.contains(" -> ")).count();
    assert_eq!(
        edges,
        6 + 3 + 11 + 1 + 2 + 2,
        "every button is one edge, and each page a check-in shows"
    );
    assert!(
        dot.contains("\"gave-naloxone\" -> \"urgent\" [style=dotted, label=\"check-in\"];"),
        "{dot}"
    );
    assert!(dot.contains("shape=hexagon"), "companions are hexagons: {dot}");
    assert!(
        dot.contains("\"ask-doctor\" [label=") && dot.contains("shape=octagon"),
        "{dot}"
    );
}

#[test]
fn mermaid_marks_menus_and_the_emergency_links() {
    let mermaid = graph("mermaid");
    assert!(mermaid.starts_with("flowchart TD\n"));
    assert!(mermaid.contains("[[\"Start<br/><small>start</small>\"]]"), "{mermaid}");
    assert!(mermaid.contains("linkStyle 0,6,7,8 stroke:#c00"), "{mermaid}");
    assert!(
        mermaid.contains("[/\"Where is the bus?<br/><small>bus</small>\"/]"),
        "{mermaid}"
    );
    assert!(
        mermaid.contains("{{\"I gave naloxone<br/><small>gave-naloxone</small>\"}}"),
        "{mermaid}"
    );
    assert!(mermaid.contains(" -. check-in .-> "), "{mermaid}");
    assert!(
        mermaid.contains("([\"Ask a doctor<br/><small>ask-doctor</small>\"])"),
        "{mermaid}"
    );
}
