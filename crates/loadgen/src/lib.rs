//! Test content for benchmarks and load runs: generated trees of any size,
//! valid under `overdose-bot check`.

use std::fmt::Write as _;
use std::path::PathBuf;

/// The generated tree's manifest: the shipped locales and numbers, no
/// optional features.
const MANIFEST: &str = r#"version: "generated-1"
locales:
  - code: ru
  - code: en
default_locale: en
primary_locale: ru
root: start
emergency: node-1
max_emergency_taps: 1
reviewers:
  - { name: "Bench reviewer", role: "benchmark" }
emergency_numbers:
  - number: "112"
    label: { ru: единый номер экстренных служб, en: single emergency number }
  - number: "103"
    label: { ru: скорая помощь, en: ambulance }
disclaimer:
  ru: Бот не заменяет врача и скорую помощь.
  en: The bot does not replace a doctor or an ambulance.
organisation:
  name: { ru: Генератор, en: Generator }
  contact: { ru: нет, en: none }
"#;

/// A valid tree of `nodes` nodes in a temporary directory: menus of ten
/// buttons, every node reachable, the emergency page one tap from the root.
pub struct GeneratedTree {
    pub dir: PathBuf,
}

impl GeneratedTree {
    /// Writes the tree with a manifest of its own, which the tree satisfies
    /// whatever the shipped manifest asks for (group commands, a photo
    /// question, reviewers): a benchmark must not break when the shipped
    /// content grows a feature.
    pub fn new(nodes: usize) -> Self {
        let dir = std::env::temp_dir().join(format!("overdose-bot-tree-{}-{nodes}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("bot.yaml"), MANIFEST).unwrap();
        // Node 0 is `start`; node i's children are 10i+1 ..= 10i+10.
        let id = |i: usize| {
            if i == 0 {
                "start".to_owned()
            } else {
                format!("node-{i}")
            }
        };
        let per_file = 100;
        for file in 0..nodes.div_ceil(per_file) {
            let mut yaml = String::new();
            for i in file * per_file..((file + 1) * per_file).min(nodes) {
                let children: Vec<String> = (10 * i + 1..=10 * i + 10).filter(|c| *c < nodes).map(id).collect();
                let _ = writeln!(yaml, "- id: {}", id(i));
                if children.is_empty() {
                    let _ = writeln!(yaml, "  title: {{ ru: \"Страница {i}\", en: \"Page {i}\" }}");
                    let _ = writeln!(
                        yaml,
                        "  text:\n    ru: |\n      1. **Позвоните 112** и проверьте дыхание, шаг {i}.\n      2. Оставайтесь рядом.\n    en: |\n      1. **Call 112** and check breathing, step {i}.\n      2. Stay with them."
                    );
                    let _ = writeln!(
                        yaml,
                        "  keywords: {{ ru: [шаг {i}, дыхание], en: [step {i}, breathing] }}"
                    );
                    let _ = writeln!(
                        yaml,
                        "  review: {{ status: reviewed, by: Bench reviewer, on: 2026-11-01 }}"
                    );
                    let _ = writeln!(yaml, "  sources: [bench]");
                } else {
                    let _ = writeln!(yaml, "  kind: menu");
                    let _ = writeln!(yaml, "  title: {{ ru: \"Меню {i}\", en: \"Menu {i}\" }}");
                    let _ = writeln!(yaml, "  buttons: [{}]", children.join(", "));
                }
            }
            std::fs::write(dir.join(format!("part-{file:03}.yaml")), yaml).unwrap();
        }
        GeneratedTree { dir }
    }
}

impl Drop for GeneratedTree {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}
