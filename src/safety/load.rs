//! Reads the hazard log's files: `sources.yaml`, every `hazards/*.yaml`,
//! and the test files its controls name (inside the repository, through
//! `crate::files`, so a planted symlink reads nothing outside). Parse
//! problems become diagnostics; `validate` does the rest.

use std::collections::HashMap;
use std::fs;
use std::path::{Path, PathBuf};

use super::Hazard;
use super::raw::{RawHazard, RawSources};
use super::validate::{self, Parsed};
use crate::content::{Content, refusal};
use crate::diagnostics::yaml::yaml_error;
use crate::diagnostics::{Code, Diagnostic, Diagnostics, FileId, SourceMap};
use crate::files::{self, FileKind};

/// The log's directory beside the content directory (`content/../safety`).
pub const DEFAULT_DIR: &str = "safety";
pub const SOURCES_FILE: &str = "sources.yaml";
pub const HAZARDS_DIR: &str = "hazards";

/// Reads the log in `dir` and checks it, with `content` when it loaded
/// (without, only the log's own shape is checked). The repository's root,
/// which `test:` controls are relative to, is `dir`'s parent.
pub fn check(dir: &Path, content: Option<&Content>, map: &mut SourceMap, diagnostics: &mut Diagnostics) -> Vec<Hazard> {
    let mut parsed = Parsed {
        sources: None,
        hazards: Vec::new(),
        tests: HashMap::new(),
    };
    if let Some(file) = read(map, diagnostics, &dir.join(SOURCES_FILE), dir) {
        match serde_saphyr::from_str::<RawSources>(map.text(file)) {
            Ok(sources) => parsed.sources = Some((file, sources)),
            Err(error) => diagnostics.push(yaml_error(map, file, &error)),
        }
    }
    match yaml_files(&dir.join(HAZARDS_DIR)) {
        Ok(paths) => {
            for path in paths {
                let Some(file) = read(map, diagnostics, &path, dir) else {
                    continue;
                };
                match serde_saphyr::from_str::<Option<Vec<RawHazard>>>(map.text(file)) {
                    Ok(list) => parsed.hazards.push((file, list.unwrap_or_default())),
                    Err(error) => diagnostics.push(yaml_error(map, file, &error)),
                }
            }
        }
        Err(error) => diagnostics.push(
            Diagnostic::new(
                Code::Io,
                format!("cannot read `{}`: {error}", dir.join(HAZARDS_DIR).display()),
            )
            .help("the hazard log keeps its hazards in `safety/hazards/*.yaml`"),
        ),
    }
    let root = dir
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    for path in validate::test_files(&parsed.hazards) {
        let text = files::read_text(&root.join(&path), Some(root), FileKind::Source).ok();
        parsed.tests.insert(path, text);
    }
    let mut found = Vec::new();
    let hazards = validate::validate(map, &parsed, content, &mut |d| found.push(d));
    diagnostics.extend(found);
    hazards
}

fn read(map: &mut SourceMap, diagnostics: &mut Diagnostics, path: &Path, root: &Path) -> Option<FileId> {
    match files::read_text(path, Some(root), FileKind::Content) {
        Ok(text) => Some(map.add(path.display().to_string(), text)),
        Err(error) => {
            diagnostics.push(refusal(&error));
            None
        }
    }
}

/// The `.yaml` files directly in `dir`, sorted.
fn yaml_files(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut found: Vec<PathBuf> = fs::read_dir(dir)?
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .filter(|path| path.extension().is_some_and(|e| e == "yaml" || e == "yml"))
        .collect();
    found.sort();
    Ok(found)
}
