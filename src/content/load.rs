//! Loads the content directory and the locales directory through [`Files`]:
//! which files make up a tree, in what order, within what budget, and what
//! their parse problems are. It never touches the file system itself: the
//! disk's [`Files`] is `content_files::Disk`, outside the pure folders.
//! Validation and building happen in `validate`. Every file is counted
//! against one [`Budget`] first; past it the load stops reading and
//! validates nothing.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::io;
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;

use serde::Deserialize;
use serde::de::IgnoredAny;
use serde_saphyr::Spanned;

use super::budget::{Budget, MAX_FILES};
use super::model::Content;
use super::parsed::Parsed;
use super::raw::{RawManifest, RawNode, RawServices};
use super::stamps::{RawStamps, STAMPS_FILE};
use super::translation;
use super::validate;
use crate::diagnostics::yaml::yaml_error;
use crate::diagnostics::{Code, Diagnostic, Diagnostics, FileId, SourceMap};
use crate::files::{FileKind, ReadError};

/// The manifest's file name inside the content directory.
pub const MANIFEST_FILE: &str = "bot.yaml";
/// The organisation's services (mobile units' timetables), beside it.
pub const SERVICES_FILE: &str = "services.yaml";

/// Where to read from and how to judge.
#[derive(Clone, Debug)]
pub struct LoadOptions {
    pub content_dir: PathBuf,
    pub locales_dir: PathBuf,
    pub validate: validate::Options,
}

/// The result of one load: content if there were no errors, every diagnostic,
/// the sources they point into, and what the editors' commands need even
/// when there are errors (the files as parsed, the translations' states).
pub struct Loaded {
    pub content: Option<Content>,
    pub diagnostics: Diagnostics,
    pub sources: SourceMap,
    pub parsed: Parsed,
    pub translations: translation::Status,
}

/// What the loader asks of a file system. Kept this small so that the
/// loader's rules (which files, which order, the budget, symlinked folders
/// not entered) stay here, and the disk's side holds no policy but
/// `files::read`'s.
pub trait Files {
    /// The entries of `dir`, in no particular order; the listing may be
    /// left unfinished.
    fn list<'a>(&'a self, dir: &Path) -> io::Result<Box<dyn Iterator<Item = io::Result<Entry>> + 'a>>;
    /// The length of `path` in bytes, before reading it (`None`: it cannot
    /// be looked at, and reading it will say why).
    fn len(&self, path: &Path) -> Option<u64>;
    /// Whether anything is at `path`.
    fn exists(&self, path: &Path) -> bool;
    /// The bytes of `path`, a regular file inside `root` within `kind`'s cap.
    fn read(&self, path: &Path, root: &Path, kind: FileKind) -> Result<Vec<u8>, ReadError>;
}

/// One entry of a listed directory.
#[derive(Clone, Debug)]
pub struct Entry {
    pub path: PathBuf,
    /// A directory itself, not a symlink to one (a loop would never end).
    pub is_dir: bool,
}

/// Reads, parses and validates everything through `files`. Never fails:
/// problems are diagnostics.
pub fn load_from(files: &dyn Files, options: &LoadOptions) -> Loaded {
    let mut sources = SourceMap::new();
    let mut diagnostics = Diagnostics::default();
    let mut parsed = Parsed::default();
    let mut budget = Spending::default();

    let content_root = options.content_dir.as_path();
    let manifest_path = options.content_dir.join(MANIFEST_FILE);
    if let Some(file) = read(
        files,
        &mut sources,
        &mut diagnostics,
        &mut budget,
        &manifest_path,
        content_root,
        FileKind::Content,
    ) {
        match serde_saphyr::from_str::<RawManifest>(sources.text(file)) {
            Ok(manifest) => parsed.manifest = Some((file, manifest)),
            Err(error) => diagnostics.push(yaml_error(&sources, file, &error)),
        }
    }

    let services_path = options.content_dir.join(SERVICES_FILE);
    match yaml_files(files, &options.content_dir) {
        Ok(paths) => {
            for path in paths.iter().filter(|p| **p != manifest_path) {
                let Some(file) = read(
                    files,
                    &mut sources,
                    &mut diagnostics,
                    &mut budget,
                    path,
                    content_root,
                    FileKind::Content,
                ) else {
                    continue;
                };
                if *path == services_path {
                    match serde_saphyr::from_str::<RawServices>(sources.text(file)) {
                        Ok(services) => parsed.services = Some((file, services)),
                        Err(error) => diagnostics.push(yaml_error(&sources, file, &error)),
                    }
                } else {
                    parse_nodes(&sources, file, &mut parsed, &mut diagnostics);
                }
            }
        }
        Err(error) => diagnostics.push(io_error(&options.content_dir, &error)),
    }

    match locale_files(files, &options.locales_dir) {
        Ok(locales) => {
            for (code, paths) in locales {
                let read_files = paths
                    .iter()
                    .filter_map(|p| {
                        read(
                            files,
                            &mut sources,
                            &mut diagnostics,
                            &mut budget,
                            p,
                            &options.locales_dir,
                            FileKind::Fluent,
                        )
                    })
                    .collect();
                parsed.locale_files.insert(code, read_files);
            }
        }
        Err(error) => diagnostics.push(io_error(&options.locales_dir, &error)),
    }

    let stamps_path = options.content_dir.join(STAMPS_FILE);
    if files.exists(&stamps_path)
        && let Some(file) = read(
            files,
            &mut sources,
            &mut diagnostics,
            &mut budget,
            &stamps_path,
            content_root,
            FileKind::Content,
        )
    {
        match serde_saphyr::from_str::<Option<RawStamps>>(sources.text(file)) {
            Ok(stamps) => parsed.stamps = Some((file, stamps.unwrap_or_default())),
            Err(error) => diagnostics.push(yaml_error(&sources, file, &error)),
        }
    }

    read_media(files, &options.content_dir, &mut parsed, &mut budget, &mut diagnostics);

    if budget.stopped {
        // Half a tree would only add errors about what was not read.
        diagnostics.sort(&sources);
        return Loaded {
            content: None,
            diagnostics,
            sources,
            parsed,
            translations: translation::Status::default(),
        };
    }
    let (content, translations, found) = validate::validate(&sources, &parsed, &options.validate);
    diagnostics.extend(found);
    diagnostics.sort(&sources);
    Loaded {
        content: content.filter(|_| !diagnostics.has_errors()),
        diagnostics,
        sources,
        parsed,
        translations,
    }
}

/// The load's [`Budget`], and whether a file was already refused by it.
#[derive(Default)]
struct Spending {
    budget: Budget,
    stopped: bool,
}

impl Spending {
    /// Whether `path` may still be read. The first file past a cap is
    /// reported; after it nothing more is read, and nothing more reported.
    fn admit(&mut self, files: &dyn Files, diagnostics: &mut Diagnostics, path: &Path, kind: FileKind) -> bool {
        if self.stopped {
            return false;
        }
        // The length on disk, before reading; a file that cannot be looked
        // at costs nothing here and is refused by `Files::read`.
        let len = files.len(path).unwrap_or(0);
        match self.budget.admit(path, kind, len) {
            Ok(()) => true,
            Err(over) => {
                diagnostics.push(Diagnostic::new(Code::FileRefused, over.to_string()).help(over.help()));
                self.stopped = true;
                false
            }
        }
    }
}

/// Reads one text file inside `root` into `sources`; a refusal is a diagnostic.
fn read(
    files: &dyn Files,
    sources: &mut SourceMap,
    diagnostics: &mut Diagnostics,
    budget: &mut Spending,
    path: &Path,
    root: &Path,
    kind: FileKind,
) -> Option<FileId> {
    if !budget.admit(files, diagnostics, path, kind) {
        return None;
    }
    let text = files.read(path, root, kind).and_then(|bytes| {
        String::from_utf8(bytes).map_err(|_| ReadError::NotText {
            path: path.to_path_buf(),
        })
    });
    match text {
        Ok(text) => Some(sources.add(path.display().to_string(), text)),
        Err(error) => {
            diagnostics.push(refusal(&error));
            None
        }
    }
}

/// A file that could not or may not be read, as a diagnostic naming the
/// path and the rule (never the file's contents).
pub(crate) fn refusal(error: &ReadError) -> Diagnostic {
    let code = match error {
        ReadError::Io { .. } => Code::Io,
        _ => Code::FileRefused,
    };
    Diagnostic::new(code, error.to_string()).help(error.help())
}

fn io_error(path: &Path, error: &std::io::Error) -> Diagnostic {
    Diagnostic::new(Code::Io, format!("cannot read `{}`: {error}", path.display()))
        .help("check the path; `--content` and `--locales` choose the directories")
}

/// Every `.yaml`/`.yml` file under `dir`, recursively, in a stable order.
/// Symlinked directories are not entered (a loop would never end); a
/// symlinked file is listed, and `read` decides whether it may be read.
/// The listing stops one file past [`MAX_FILES`], which the budget refuses.
fn yaml_files(files: &dyn Files, dir: &Path) -> io::Result<Vec<PathBuf>> {
    let mut found = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(current) = pending.pop() {
        for entry in files.list(&current)? {
            let entry = entry?;
            let path = entry.path;
            let hidden = path.file_name().is_some_and(|n| n.to_string_lossy().starts_with('.'));
            if hidden {
                continue;
            }
            if entry.is_dir {
                pending.push(path);
            } else if path.extension().is_some_and(|e| e == "yaml" || e == "yml") {
                found.push(path);
                if found.len() > MAX_FILES {
                    found.sort();
                    return Ok(found);
                }
            }
        }
    }
    found.sort();
    Ok(found)
}

/// `.ftl` files per locale directory (`locales/ru/*.ftl`), sorted.
fn locale_files(files: &dyn Files, dir: &Path) -> io::Result<BTreeMap<String, Vec<PathBuf>>> {
    let mut locales = BTreeMap::new();
    for entry in files.list(dir)? {
        let entry = entry?;
        // A real directory only: see `yaml_files`.
        if !entry.is_dir {
            continue;
        }
        let path = entry.path;
        let code = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let mut ftl: Vec<PathBuf> = files
            .list(&path)?
            .filter_map(|e| e.ok().map(|e| e.path))
            .filter(|p| p.extension().is_some_and(|e| e == "ftl"))
            .collect();
        ftl.sort();
        locales.insert(code, ftl);
    }
    Ok(locales)
}

/// Parses one content file. When the file as a whole does not fit the format,
/// each list item is parsed on its own so that every broken node is reported
/// and the good ones still take part in the other checks.
fn parse_nodes(sources: &SourceMap, file: FileId, parsed: &mut Parsed, diagnostics: &mut Diagnostics) {
    let text = sources.text(file);
    let error = match serde_saphyr::from_str::<Option<Vec<RawNode>>>(text) {
        Ok(nodes) => {
            parsed
                .nodes
                .extend(nodes.unwrap_or_default().into_iter().map(|n| (file, n)));
            return;
        }
        Err(error) => error,
    };
    let Some(items) = item_ranges(text) else {
        diagnostics.push(yaml_error(sources, file, &error));
        parsed.incomplete = true;
        return;
    };
    for range in items {
        // Blank out everything but this item, keeping every byte offset and
        // line number, so positions in errors stay true to the file.
        let isolated = isolate(text, &range);
        match serde_saphyr::from_str::<Vec<RawNode>>(&isolated) {
            Ok(nodes) => parsed.nodes.extend(nodes.into_iter().map(|n| (file, n))),
            Err(error) => {
                diagnostics.push(yaml_error(sources, file, &error));
                if let Ok(ids) = serde_saphyr::from_str::<Vec<IdOnly>>(&isolated) {
                    parsed.broken_ids.extend(ids.into_iter().filter_map(|i| i.id));
                }
            }
        }
    }
}

/// Blanks every byte outside `range` (except newlines) with a space, so the
/// result has exactly the byte offsets of `text`.
fn isolate(text: &str, range: &std::ops::Range<usize>) -> String {
    let mut out = String::with_capacity(text.len());
    for (i, c) in text.char_indices() {
        if range.contains(&i) || c == '\n' {
            out.push(c);
        } else {
            out.extend(std::iter::repeat_n(' ', c.len_utf8()));
        }
    }
    out
}

/// Byte ranges of the top-level list items, each from the start of its first
/// line to the start of the next item's line; `None` if the file is not a
/// block list with one item per line start (then no recovery is attempted).
fn item_ranges(text: &str) -> Option<Vec<std::ops::Range<usize>>> {
    let items = serde_saphyr::from_str::<Vec<Spanned<IgnoredAny>>>(text).ok()?;
    let mut starts: Vec<usize> = Vec::new();
    for item in &items {
        let offset = item.referenced.span().byte_offset()? as usize;
        let line_start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
        if starts.last() == Some(&line_start) {
            return None;
        }
        starts.push(line_start);
    }
    let ends = starts.iter().skip(1).copied().chain(std::iter::once(text.len()));
    Some(starts.iter().copied().zip(ends).map(|(s, e)| s..e).collect())
}

/// Just enough of a node to know which id failed to parse.
#[derive(Deserialize)]
struct IdOnly {
    #[serde(default)]
    id: Option<String>,
}

/// Reads every media file the nodes reference that lies inside `content_dir`;
/// files that exist but may not be sent are remembered with the reason.
fn read_media(
    files: &dyn Files,
    content_dir: &Path,
    parsed: &mut Parsed,
    budget: &mut Spending,
    diagnostics: &mut Diagnostics,
) {
    let mut media: HashMap<String, Arc<[u8]>> = HashMap::new();
    let mut refused = HashMap::new();
    let mut tried = HashSet::new();
    for (_, node) in &parsed.nodes {
        let Some(file) = &node.media else { continue };
        let name = &file.value.file.value;
        let relative = Path::new(name);
        // Each file is read and counted once, however many pages use it.
        if !relative.components().all(|c| matches!(c, Component::Normal(_))) || !tried.insert(name.as_str()) {
            continue;
        }
        let path = content_dir.join(relative);
        if !budget.admit(files, diagnostics, &path, FileKind::Media) {
            break;
        }
        match files.read(&path, content_dir, FileKind::Media) {
            Ok(bytes) => {
                media.insert(name.clone(), bytes.into());
            }
            Err(ReadError::Io { .. }) => {}
            Err(reason) => {
                refused.insert(name.clone(), reason.to_string());
            }
        }
    }
    parsed.media = media;
    parsed.media_refused = refused;
}
