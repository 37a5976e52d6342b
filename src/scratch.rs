//! A directory for one unit test that touches files, removed when the test
//! ends; its `root` is the directory under test, so a test can also place
//! files outside it (beside `root`) to try escaping.

use std::fs;
use std::path::{Path, PathBuf};

pub struct ScratchDir(PathBuf);

impl ScratchDir {
    /// `module` and `test` name the directory, so that tests running at once
    /// never share one.
    pub fn new(module: &str, test: &str) -> Self {
        let path = std::env::temp_dir().join(format!("overdose-{module}-{}-{test}", std::process::id()));
        let _ = fs::remove_dir_all(&path);
        fs::create_dir_all(path.join("root")).unwrap();
        ScratchDir(path)
    }

    /// The directory under test.
    pub fn root(&self) -> PathBuf {
        self.0.join("root")
    }

    /// The scratch directory itself: `root` and what lies outside it.
    pub fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for ScratchDir {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}
