//! Remembers Telegram's file_id for media already uploaded, so each file is
//! sent once per process and reused afterwards (Telegram's own advice).

use std::collections::HashMap;
use std::sync::Mutex;

use teloxide::types::FileId;

/// file_ids by content digest of the uploaded bytes.
#[derive(Default)]
pub struct FileIdCache {
    // std Mutex: held only for a lookup or insert, never across `.await`.
    ids: Mutex<HashMap<u64, FileId>>,
}

impl FileIdCache {
    pub fn get(&self, digest: u64) -> Option<FileId> {
        self.ids.lock().unwrap_or_else(|e| e.into_inner()).get(&digest).cloned()
    }

    pub fn insert(&self, digest: u64, id: FileId) {
        self.ids.lock().unwrap_or_else(|e| e.into_inner()).insert(digest, id);
    }

    /// Forgets an id Telegram no longer accepts, so the next send uploads again.
    pub fn forget(&self, digest: u64) {
        self.ids.lock().unwrap_or_else(|e| e.into_inner()).remove(&digest);
    }
}
