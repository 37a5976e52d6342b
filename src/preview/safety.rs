//! The hazard log as the preview's `safety.html`, for the organisation's
//! medical reviewer to read and sign: each hazard with whom it harms and
//! how, its source, the risk before and after its controls, and each
//! control linked to the page it keeps; then a sign-off block. Each page of
//! the preview lists the hazards it is a control of (`hazards_of`).

use std::fmt::Write;

use crate::content::{Content, NodeIdx};
use crate::markup::escape_html;
use crate::safety::{Control, Hazard};

/// `safety.html`.
pub fn page(content: &Content, hazards: &[Hazard]) -> String {
    let mut out = super::head("Hazard log", "en", "");
    out.push_str("<nav><a href=\"index.html\">All pages</a></nav>\n<main class=\"index safety\">\n");
    let _ = writeln!(
        out,
        "<h1>Hazard log</h1>\n<p>{} hazards, checked by <code>overdose-bot check</code> against content {}: \
         every control below held when this preview was made. SAFETY.md argues the residual risks.</p>",
        hazards.len(),
        escape_html(content.version())
    );
    out.push_str(
        "<table>\n<tr><th>id</th><th>hazard</th><th>source</th><th>before</th><th>after</th>\
         <th>controls</th><th>status</th></tr>\n",
    );
    for hazard in hazards {
        let controls: Vec<String> = hazard
            .controls
            .iter()
            .map(|control| format!("<li>{}</li>", control_html(content, control)))
            .collect();
        let mut about = format!("<b>{}</b><br>{}", escape_html(&hazard.title), escape_html(&hazard.harm));
        if !hazard.affects.is_empty() {
            let _ = write!(about, "<br><i>affects:</i> {}", escape_html(&hazard.affects.join(", ")));
        }
        for cause in &hazard.causes {
            let _ = write!(about, "<br><i>cause:</i> {}", escape_html(cause));
        }
        if let Some(note) = &hazard.note {
            let _ = write!(about, "<br><i>note:</i> {}", escape_html(note));
        }
        let _ = writeln!(
            out,
            "<tr id=\"{id}\"><td><code>{id}</code><br><small>{file}:{line}</small></td><td>{about}</td>\
             <td title=\"{citation}\">{source}</td><td class=\"risk r{b}\">{before}</td>\
             <td class=\"risk r{a}\">{after}</td><td><ul>{controls}</ul></td><td>{status}</td></tr>",
            id = escape_html(&hazard.id),
            file = escape_html(&hazard.file),
            line = hazard.line,
            citation = escape_html(&hazard.citation),
            source = escape_html(&hazard.source),
            b = hazard.before.rating(),
            before = hazard.before.rating_name(),
            a = hazard.after.rating(),
            after = hazard.after.rating_name(),
            controls = controls.join(""),
            status = hazard.status.name(),
        );
    }
    out.push_str("</table>\n");
    let _ = writeln!(
        out,
        "<section class=\"sign-off\">\n<h2>Sign-off</h2>\n<p>I have read the hazards above and the \
         residual risks argued in SAFETY.md for content {}.</p>\n<p>Name: ____________ Role: ____________ \
         Date: ____________ Signature: ____________</p>\n</section>",
        escape_html(content.version())
    );
    out.push_str("</main>\n</body>\n</html>\n");
    out
}

/// The hazards `node` is a control of, as links into `safety.html`.
pub fn hazards_of(content: &Content, hazards: &[Hazard], node: NodeIdx) -> String {
    let id = content.node(node).id();
    let links: Vec<String> = hazards
        .iter()
        .filter(|h| h.controls.iter().any(|c| c.node() == Some(id)))
        .map(|h| {
            format!(
                "<li><a href=\"../safety.html#{0}\"><code>{0}</code></a> {1}</li>",
                escape_html(&h.id),
                escape_html(&h.title)
            )
        })
        .collect();
    if links.is_empty() {
        return String::new();
    }
    format!(
        "<h2>Hazards this page controls</h2>\n<p>Changing what these say breaks <code>check</code>.</p>\n<ul class=\"hazards\">\n{}\n</ul>\n",
        links.join("\n")
    )
}

fn control_html(content: &Content, control: &Control) -> String {
    let text = escape_html(&control.describe());
    let Some(id) = control.node() else {
        return text;
    };
    match content.node_by_id(id) {
        Some(node) => format!(
            "{text} (<a href=\"{}\">open</a>)",
            super::page_path(content, content.default_locale(), node)
        ),
        None => text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixture::tree;
    use crate::safety::{Likelihood, Risk, Severity, Status};

    fn hazard() -> Hazard {
        let risk = |likelihood| Risk {
            severity: Severity::Catastrophic,
            likelihood,
        };
        Hazard {
            id: "HZ-TEST-1".to_owned(),
            title: "Nobody calls <112>".to_owned(),
            harm: "A friend waits.".to_owned(),
            affects: vec!["friend".to_owned()],
            causes: vec!["no page says it".to_owned()],
            source: "WHO-OD".to_owned(),
            citation: "WHO 2014".to_owned(),
            before: risk(Likelihood::High),
            after: risk(Likelihood::VeryLow),
            controls: vec![
                Control::Urgent {
                    page: "urgent".to_owned(),
                },
                Control::Test {
                    name: "tests/a.rs::b".to_owned(),
                },
            ],
            status: Status::Mitigated,
            note: None,
            file: "safety/hazards/a.yaml".to_owned(),
            line: 3,
        }
    }

    #[test]
    fn the_log_page_links_each_control_to_its_page_and_each_page_back() {
        let files = super::super::site(tree(), &[hazard()]);
        let text =
            |path: &str| String::from_utf8(files.iter().find(|f| f.path == path).unwrap().bytes.clone()).unwrap();
        let log = text("safety.html");
        assert!(log.contains("<tr id=\"HZ-TEST-1\">"), "{log}");
        assert!(log.contains("Nobody calls &lt;112&gt;"), "escaped: {log}");
        assert!(log.contains("<td class=\"risk r5\">5 very high</td>"), "{log}");
        assert!(log.contains("<td class=\"risk r3\">3 medium</td>"), "{log}");
        assert!(
            log.contains("`urgent` is marked urgent (<a href=\"en/urgent.html\">open</a>)"),
            "{log}"
        );
        assert!(log.contains("Sign-off"));
        assert!(text("index.html").contains("<a href=\"safety.html\">"));
        let page = text("ru/urgent.html");
        assert!(page.contains("<a href=\"../safety.html#HZ-TEST-1\">"), "{page}");
        assert!(
            !text("ru/chain-1.html").contains("safety.html#"),
            "only the pages a control names"
        );
    }
}
