//! overdose-bot: an emergency-information Telegram bot for people who use drugs.
//!
//! Layout (see ARCHITECTURE.md for the invariants):
//!
//! - [`content`]: loads and validates the YAML tree and Fluent strings into an
//!   immutable, pre-rendered [`content::Content`], through a [`content::Files`]
//!   it is given; [`content_files`]: the disk's, the only module that reads
//!   content files.
//! - [`files`]: opens editors' and operators' files: regular files inside
//!   their directory, size-capped; [`write`]: writes editors' files inside
//!   their directory, never through a symlink.
//! - [`engine`]: the pure menu engine, `(Content, Locale, Input) -> Screen`,
//!   with the stateless callback codec.
//! - [`markup`], [`search`], [`i18n`]: rendering, free-text search and
//!   interface strings used by the two above.
//! - [`diagnostics`], [`check`], [`graph`], [`preview`], [`search_report`]:
//!   compiler-style reports, a diagram of the tree, a static preview site and
//!   what search makes of a message, for editors and CI.
//! - [`safety`]: the hazard log of the clinical safety case, checked
//!   against the content.
//! - [`roster`], [`handoff`]: the doctors' roster and the doctors' line
//!   (configuration in `Desks`, memory in `LineState`);
//!   [`keyfile`]: the key file whose ticket keys rotate by epoch.
//! - [`payload`]: the one owner of callback-data and deep-link prefixes, and
//!   `Tap`, a button's kind read once; [`router`]: the one door, which turns
//!   every tap and message (as facts) into its owner's event.
//! - [`drive`]: the one queue that carries out the pure flows' plans
//!   (the doctors' line and the companion), in order, results fed back.
//! - [`links`]: which links editors may place (no proxies, no app actions).
//! - [`metrics`]: Prometheus metrics and health endpoints.
//! - [`watch`]: notices edits to content files, to trigger reloads.
//! - [`reload`]: swapping content while serving, keeping the last good one.
//! - [`schema`]: JSON Schemas of the content format for editors.
//! - [`translations`], [`review`], [`locale`]: translators' and reviewers'
//!   to-do lists, stamping translations, signing reviews, adding a language.
//! - [`companion`]: the emergency companion's check-ins, a pure flow.
//! - [`console`]: the terminal adapter; [`telegram`]: the Telegram adapter
//!   (the only module that imports teloxide).

pub mod check;
pub mod companion;
pub mod console;
pub mod content;
pub mod content_files;
pub mod diagnostics;
pub mod drive;
pub mod engine;
pub mod files;
#[cfg(test)]
mod fixture;
pub mod graph;
pub mod handoff;
pub mod i18n;
pub mod keyfile;
pub mod links;
pub mod locale;
pub mod markup;
pub mod metrics;
pub mod payload;
pub mod preview;
pub mod reload;
pub mod review;
pub mod roster;
pub mod router;
pub mod safety;
pub mod schedule;
pub mod schema;
#[cfg(test)]
mod scratch;
pub mod search;
pub mod search_report;
pub mod service;
pub mod services;
pub mod telegram;
pub mod translations;
pub mod watch;
pub mod write;
