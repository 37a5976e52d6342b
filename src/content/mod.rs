//! Content: the YAML tree and Fluent strings, read, validated and pre-rendered.
//!
//! `load` decides which files make up a tree and parses them, reading
//! through [`Files`] (the disk's is `content_files::Disk`: this folder never
//! touches the file system); `validate` turns raw parsed values into
//! diagnostics and, when there are no errors, an immutable [`Content`];
//! `check` and `serve` both go through [`load_from`].

mod budget;
mod keys;
mod load;
mod model;
mod parsed;
pub mod raw;
pub mod stamps;
pub mod texts;
pub mod translation;
mod validate;

pub use keys::{NodeKey, VersionTag};
pub(crate) use load::refusal;
pub use load::{Entry, Files, LoadOptions, Loaded, MANIFEST_FILE, load_from};
pub use model::{
    Content, DOCTORS_LINE, EmergencyNumber, Locale, Media, Node, NodeIdx, Review, TURN_OFF, TURN_ON, Translation,
    is_line_id,
};
pub use parsed::Parsed;
pub use raw::{MediaKind, NodeKind};
pub use validate::{DEFAULT_REVIEW_MAX_AGE_DAYS, Options as ValidateOptions};
