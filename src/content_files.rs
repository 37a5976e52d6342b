//! The content loader's disk: lists the content and locales directories and
//! reads their files for [`content::load_from`], under [`files::read`]'s
//! rules (inside the root, regular, size-capped). The only code that reads
//! content files; which files and in what order is the loader's to decide,
//! never this module's.

use std::fs;
use std::io;
use std::path::Path;

use crate::content::{self, Entry, Files, LoadOptions, Loaded};
use crate::files::{self, FileKind, ReadError};

/// The file system, as the content loader sees it.
pub struct Disk;

impl Files for Disk {
    fn list<'a>(&'a self, dir: &Path) -> io::Result<Box<dyn Iterator<Item = io::Result<Entry>> + 'a>> {
        let entries = fs::read_dir(dir)?.map(|entry| {
            let entry = entry?;
            Ok(Entry {
                is_dir: entry.file_type()?.is_dir(),
                path: entry.path(),
            })
        });
        Ok(Box::new(entries))
    }

    fn len(&self, path: &Path) -> Option<u64> {
        fs::metadata(path).ok().map(|m| m.len())
    }

    fn exists(&self, path: &Path) -> bool {
        path.exists()
    }

    fn read(&self, path: &Path, root: &Path, kind: FileKind) -> Result<Vec<u8>, ReadError> {
        files::read(path, Some(root), kind)
    }
}

/// Reads, parses and validates the content on disk. Never fails: problems
/// are diagnostics.
pub fn load(options: &LoadOptions) -> Loaded {
    content::load_from(&Disk, options)
}
