//! `preview`: the content as a static website for editors and reviewers.
//! Every screen in every locale, drawn like a phone chat: the text as
//! Telegram shows it (the same HTML the bot sends), the buttons as links to
//! the screens they open, and beside it what a reviewer needs (draft or
//! reviewed, sources, keywords, the file to edit). An index lists every page.
//!
//! Screens come from the engine itself (`/start <id>`), so the preview
//! cannot drift from what the bot shows. With the hazard log, `safety.html`
//! shows it for the medical reviewer to sign, and each page lists the
//! hazards it is a control of. Pure: returns files, writes nothing.

mod safety;

use std::fmt::Write;

use crate::content::{Content, Locale, Node, NodeIdx, NodeKind, Review, Translation};
use crate::engine::{self, CallbackData, Input, Screen};
use crate::markup::escape_html;
use crate::safety::Hazard;

/// One file of the site, path relative to its root.
pub struct SiteFile {
    pub path: String,
    pub bytes: Vec<u8>,
}

const STYLE: &str = include_str!("preview.css");

/// The whole site for `content`, with the hazard log's page when
/// `hazards` is not empty.
pub fn site(content: &Content, hazards: &[Hazard]) -> Vec<SiteFile> {
    let mut files = vec![
        SiteFile {
            path: "index.html".to_owned(),
            bytes: index(content, !hazards.is_empty()).into_bytes(),
        },
        SiteFile {
            path: "style.css".to_owned(),
            bytes: STYLE.as_bytes().to_vec(),
        },
    ];
    for locale in content.locales() {
        for (node, _) in content.nodes() {
            files.push(SiteFile {
                path: page_path(content, locale, node),
                bytes: page(content, hazards, locale, node).into_bytes(),
            });
        }
    }
    if !hazards.is_empty() {
        files.push(SiteFile {
            path: "safety.html".to_owned(),
            bytes: safety::page(content, hazards).into_bytes(),
        });
    }
    let mut media: Vec<&crate::content::Media> = content.nodes().filter_map(|(_, n)| n.media()).collect();
    media.sort_by(|a, b| a.file.cmp(&b.file));
    media.dedup_by(|a, b| a.file == b.file);
    files.extend(media.into_iter().map(|m| SiteFile {
        path: m.file.clone(),
        bytes: m.bytes.to_vec(),
    }));
    files
}

fn page_path(content: &Content, locale: Locale, node: NodeIdx) -> String {
    format!("{}/{}.html", content.locale_code(locale), content.node(node).id())
}

fn head(title: &str, lang: &str, root: &str) -> String {
    format!(
        "<!doctype html>\n<html lang=\"{lang}\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{}</title>\n<link rel=\"stylesheet\" href=\"{root}style.css\">\n</head>\n<body>\n",
        escape_html(title)
    )
}

/// Shown beside pages marked `fill_in: true`, so nobody mistakes the
/// stand-in text for the organisation's real details.
const FILL_IN_BADGE: &str = "<span class=\"badge fill-in\">to fill in: the organisation's own details</span>";

/// The review state as badges: who reviewed the page and when, and
/// whether that review is due again or the page changed since.
fn badge(review: &Review) -> String {
    match review {
        Review::NotNeeded => "<span class=\"badge menu\">menu, no review needed</span>".to_owned(),
        Review::Draft => "<span class=\"badge draft\">draft: not yet medically reviewed</span>".to_owned(),
        Review::Reviewed {
            by,
            role,
            on,
            due,
            changed,
        } => {
            let mut out = format!(
                "<span class=\"badge reviewed\">reviewed by {} ({}) on {on}</span>",
                escape_html(by),
                escape_html(role)
            );
            if *due {
                out.push_str(" <span class=\"badge review-due\">review due</span>");
            }
            if *changed {
                out.push_str(" <span class=\"badge changed\">changed since review</span>");
            }
            out
        }
    }
}

/// How the screen in `locale` stands against the primary locale's text, as
/// a badge (none when it is the primary or up to date).
fn translation_badge(content: &Content, node: &Node, locale: Locale) -> String {
    match node.translation(locale) {
        Translation::Source | Translation::Current => String::new(),
        Translation::OutOfDate => "<span class=\"badge stale\">translation out of date</span>".to_owned(),
        Translation::Missing => format!(
            "<span class=\"badge untranslated\">not translated: shown in {}</span>",
            escape_html(&content.ui(content.primary_locale()).language_name)
        ),
    }
}

/// The review badge, and the fill-in badge where the organisation still
/// has to write the page: in the index and beside each screen.
fn review_cell(node: &Node) -> String {
    if node.needs_filling_in() {
        format!("{} {FILL_IN_BADGE}", badge(node.review()))
    } else {
        badge(node.review())
    }
}

fn index(content: &Content, with_hazards: bool) -> String {
    let default = content.default_locale();
    let mut out = head(
        &format!("overdose-bot preview, content {}", content.version()),
        "en",
        "",
    );
    let _ = writeln!(
        out,
        "<main class=\"index\">\n<h1>overdose-bot: content {}</h1>",
        escape_html(content.version())
    );
    out.push_str("<p class=\"start\">Open the bot as a person would:</p>\n<ul class=\"locales\">\n");
    for locale in content.locales() {
        let _ = writeln!(
            out,
            "<li><a class=\"open\" href=\"{}\">{}</a></li>",
            page_path(content, locale, content.root()),
            escape_html(&content.ui(locale).language_name)
        );
    }
    out.push_str("</ul>\n");
    if with_hazards {
        out.push_str(
            "<p><a href=\"safety.html\">The hazard log</a>: what could harm whom, and what keeps each page safe.</p>\n",
        );
    }
    out.push_str(
        "<table>\n<tr><th>id</th><th>title</th><th>kind</th><th>review</th><th>sources</th><th>screens</th></tr>\n",
    );
    for (index, node) in content.nodes() {
        let kind = match node.kind() {
            NodeKind::Page => "page",
            NodeKind::Menu => "menu",
            NodeKind::Handoff => "ask a doctor",
            NodeKind::Companion => "companion",
            NodeKind::Timetable => "timetable",
        };
        let screens: Vec<String> = content
            .locales()
            .map(|l| {
                let badge = translation_badge(content, node, l);
                format!(
                    "<a href=\"{}\">{}</a>{}{badge}",
                    page_path(content, l, index),
                    content.locale_code(l),
                    if badge.is_empty() { "" } else { " " },
                )
            })
            .collect();
        let _ = writeln!(
            out,
            "<tr><td><code>{}</code></td><td>{}</td><td>{kind}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            escape_html(node.id()),
            escape_html(node.title(default)),
            review_cell(node),
            node.sources().len(),
            screens.join(" ")
        );
    }
    out.push_str("</table>\n</main>\n</body>\n</html>\n");
    out
}

fn page(content: &Content, hazards: &[Hazard], locale: Locale, node_index: NodeIdx) -> String {
    let node = content.node(node_index);
    let code = content.locale_code(locale);
    let screen = engine::handle(
        content,
        locale,
        Input::Start {
            payload: Some(node.id()),
        },
    );
    let mut out = head(node.title(locale), code, "../");
    out.push_str("<nav><a href=\"../index.html\">All pages</a>");
    for other in content.locales() {
        let _ = write!(
            out,
            " · <a href=\"../{}\" hreflang=\"{}\">{}</a>",
            page_path(content, other, node_index),
            content.locale_code(other),
            escape_html(&content.ui(other).language_name)
        );
    }
    out.push_str(
        "</nav>\n<div class=\"layout\">\n<main class=\"phone\">\n<div class=\"chat\">\n<div class=\"bubble\">",
    );
    if let Some(media) = screen.media {
        let path = format!("../{}", escape_html(&media.file));
        match media.kind {
            crate::content::MediaKind::Photo => {
                let _ = write!(out, "<img class=\"media\" src=\"{path}\" alt=\"\">");
            }
            _ => {
                let _ = write!(out, "<audio class=\"media\" controls src=\"{path}\"></audio>");
            }
        }
    }
    out.push_str(&screen.html);
    out.push_str("</div>\n");
    out.push_str(&keyboard(content, &screen));
    out.push_str(&checkins(content, locale, node_index));
    out.push_str("</div>\n</main>\n");
    out.push_str(&details(content, hazards, locale, node_index));
    out.push_str("</div>\n</body>\n</html>\n");
    out
}

/// A companion's check-ins, each as the chat will show it after its wait:
/// the question, then its answers (linked to the page each shows).
fn checkins(content: &Content, locale: Locale, node_index: NodeIdx) -> String {
    let mut out = String::new();
    let Some(companion) = content.node(node_index).companion() else {
        return out;
    };
    for (step, checkin) in companion.checkins.iter().enumerate() {
        let wait = humantime::format_duration(checkin.after.to_std().unwrap_or_default());
        let _ = writeln!(
            out,
            "<p class=\"timer\">⏱ check-in <code>{}</code>, {wait} after the start or the answer leading to it; asked again as often until answered, {} times at most</p>",
            escape_html(&checkin.id),
            crate::companion::MAX_ASKS
        );
        if let Some(screen) = crate::engine::companion::checkin(content, locale, node_index, step) {
            let _ = writeln!(out, "<div class=\"bubble\">{}</div>", screen.html);
            out.push_str(&keyboard(content, &screen));
        }
        out.push_str("<ul class=\"answers\">\n");
        for answer in &checkin.answers {
            let then = match (answer.then, answer.restarts) {
                (Some(next), true) => format!(
                    "the watch starts again from now (a new dose), then <code>{}</code>",
                    escape_html(&companion.checkins[next].id)
                ),
                (Some(next), false) => format!("then <code>{}</code>", escape_html(&companion.checkins[next].id)),
                (None, _) => "the check-ins end".to_owned(),
            };
            let _ = writeln!(
                out,
                "<li>{} → {}{then}</li>",
                escape_html(&answer.labels[locale.0]),
                answer.show.map_or_else(String::new, |page| format!(
                    "<a href=\"../{}\">{}</a>, ",
                    page_path(content, locale, page),
                    escape_html(content.node(page).title(locale))
                ))
            );
        }
        out.push_str("</ul>\n");
    }
    if let Some(done) = &companion.done {
        let _ = writeln!(
            out,
            "<p class=\"timer\">when an answer ends them:</p>\n<div class=\"bubble\">{}</div>",
            done[locale.0].html
        );
    }
    let ends = humantime::format_duration(companion.ends_after.to_std().unwrap_or_default());
    let shortest = humantime::format_duration(companion.shortest_watch().to_std().unwrap_or_default());
    let _ = writeln!(
        out,
        "<p class=\"timer\">⏱ the check-ins stop by themselves {ends} after the start or the last answer that restarts them; no answer ends them sooner than {shortest} after a (re)start</p>"
    );
    out
}

/// The buttons, as links to the screens they open.
fn keyboard(content: &Content, screen: &Screen<'_>) -> String {
    let mut out = String::from("<div class=\"keyboard\">\n");
    for row in &screen.buttons {
        out.push_str("<div class=\"row\">");
        for button in row {
            let target = match crate::payload::Prefix::of_callback(&button.data) {
                // A companion's start button: its page.
                Some((crate::payload::Prefix::Companion, rest)) => crate::engine::companion::CompanionTap::decode(rest)
                    .filter(|tap| tap.op == crate::engine::companion::Op::Start)
                    .and_then(|tap| content.node_by_key(tap.node).map(|node| (tap.locale, node))),
                _ => CallbackData::decode(&button.data)
                    .ok()
                    .and_then(|data| content.node_by_key(data.target).map(|node| (data.locale, node))),
            };
            match target {
                Some((code, node)) => {
                    let locale = std::str::from_utf8(&code)
                        .ok()
                        .and_then(|c| content.locale_by_code(c))
                        .unwrap_or(screen.locale);
                    let _ = write!(
                        out,
                        "<a class=\"button\" href=\"../{}\">{}</a>",
                        page_path(content, locale, node),
                        escape_html(&button.label)
                    );
                }
                None => {
                    let _ = write!(out, "<span class=\"button\">{}</span>", escape_html(&button.label));
                }
            }
        }
        out.push_str("</div>\n");
    }
    out.push_str("</div>\n");
    out
}

/// What a reviewer needs beside the screen.
fn details(content: &Content, hazards: &[Hazard], locale: Locale, node_index: NodeIdx) -> String {
    let node = content.node(node_index);
    let mut out = String::from("<aside class=\"details\">\n");
    let _ = writeln!(
        out,
        "<p><code>{}</code> in <code>{}</code></p>\n<p>{}</p>",
        escape_html(node.id()),
        escape_html(node.file()),
        review_cell(node)
    );
    let translation = translation_badge(content, node, locale);
    if !translation.is_empty() {
        let _ = writeln!(out, "<p>{translation}</p>");
    }
    if !node.sources().is_empty() {
        out.push_str("<h2>Sources</h2>\n<ul class=\"sources\">\n");
        for source in node.sources() {
            let _ = writeln!(out, "<li>{}</li>", escape_html(source));
        }
        out.push_str("</ul>\n");
    }
    let _ = writeln!(
        out,
        "<p class=\"deep-link\">Deep link: <code>t.me/&lt;bot&gt;?start={}</code></p>",
        escape_html(node.id())
    );
    out.push_str(&safety::hazards_of(content, hazards, node_index));
    out.push_str("</aside>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixture::tree;

    #[test]
    fn every_screen_in_every_locale_with_working_links() {
        let files = site(tree(), &[]);
        let paths: Vec<&str> = files.iter().map(|f| f.path.as_str()).collect();
        let screens = tree().nodes().len() * tree().locales().len();
        assert_eq!(paths.iter().filter(|p| p.ends_with(".html")).count(), screens + 1);
        assert!(paths.contains(&"media/recovery.png") || paths.iter().any(|p| p.starts_with("media/")));
        for file in files.iter().filter(|f| f.path.ends_with(".html")) {
            let html = String::from_utf8(file.bytes.clone()).unwrap();
            let base = file.path.rsplit_once('/').map_or("", |(dir, _)| dir);
            for link in html.split("href=\"").skip(1).filter_map(|rest| rest.split('"').next()) {
                if link.starts_with("http") || link.starts_with("tg:") {
                    continue;
                }
                let mut parts: Vec<&str> = base.split('/').filter(|p| !p.is_empty()).collect();
                for part in link.split('/') {
                    match part {
                        ".." => {
                            parts.pop();
                        }
                        other => parts.push(other),
                    }
                }
                let target = parts.join("/");
                assert!(
                    paths.contains(&target.as_str()),
                    "{} links to missing {target}",
                    file.path
                );
            }
        }
        let start = files.iter().find(|f| f.path == "en/start.html").unwrap();
        let start = String::from_utf8(start.bytes.clone()).unwrap();
        assert!(
            start.contains("<a class=\"button\" href=\"../en/urgent.html\">Urgent</a>"),
            "{start}"
        );
        assert!(
            start.contains("href=\"../ru/start.html\""),
            "the other language is one click away"
        );
        let urgent = files.iter().find(|f| f.path == "ru/urgent.html").unwrap();
        let urgent = String::from_utf8(urgent.bytes.clone()).unwrap();
        assert!(urgent.contains("Текст Срочно"));
        assert!(
            urgent.contains("reviewed by Test reviewer (test physician) on 2026-11-01"),
            "{urgent}"
        );
        assert!(urgent.contains("<li>test</li>"), "sources are listed");
        assert!(
            urgent.contains("<a class=\"button\" href=\"../ru/gave-naloxone.html\">Я ввёл(а) налоксон</a>"),
            "a companion's start button opens its page: {urgent}"
        );
        let companion = files.iter().find(|f| f.path == "en/gave-naloxone.html").unwrap();
        let companion = String::from_utf8(companion.bytes.clone()).unwrap();
        assert!(
            companion.contains("⏱ check-in <code>breathing</code>, 2m after the start"),
            "{companion}"
        );
        assert!(companion.contains("Breathing?"), "{companion}");
        assert!(
            companion.contains(
                "No → <a href=\"../en/urgent.html\">Urgent</a>, the watch starts again from now (a new dose), then <code>breathing</code>"
            ),
            "{companion}"
        );
        assert!(companion.contains("Help is here → the check-ins end"), "{companion}");
        assert!(
            companion.contains("no answer ends them sooner than 12m after a (re)start"),
            "{companion}"
        );
    }
}
