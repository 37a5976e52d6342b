//! JSON Schemas of the content format, generated from the same Rust types the
//! loader parses, so editors' autocompletion (yaml-language-server) can never
//! drift from what `check` accepts.

use schemars::schema_for;

use crate::content::raw::{RawManifest, RawNode, RawServices};

/// File names of the schemas inside the schema directory.
pub const NODES_SCHEMA_FILE: &str = "nodes.schema.json";
pub const MANIFEST_SCHEMA_FILE: &str = "manifest.schema.json";
pub const SERVICES_SCHEMA_FILE: &str = "services.schema.json";
pub const HAZARDS_SCHEMA_FILE: &str = "hazards.schema.json";

/// The schema of a content file: a list of nodes.
pub fn nodes_schema() -> String {
    let mut schema = schema_for!(Vec<RawNode>);
    schema.insert("title".into(), "overdose-bot content file: a list of nodes".into());
    pretty(&schema)
}

/// The schema of `bot.yaml`.
pub fn manifest_schema() -> String {
    let mut schema = schema_for!(RawManifest);
    schema.insert("title".into(), "overdose-bot manifest (bot.yaml)".into());
    pretty(&schema)
}

/// The schema of `services.yaml`.
pub fn services_schema() -> String {
    let mut schema = schema_for!(RawServices);
    schema.insert("title".into(), "overdose-bot services (services.yaml)".into());
    pretty(&schema)
}

/// The schema of a hazard log file (`safety/hazards/*.yaml`).
pub fn hazards_schema() -> String {
    let mut schema = schema_for!(Vec<crate::safety::raw::RawHazard>);
    schema.insert("title".into(), "overdose-bot hazard log: a list of hazards".into());
    pretty(&schema)
}

fn pretty(schema: &schemars::Schema) -> String {
    let mut text = serde_json::to_string_pretty(schema).expect("schemas always serialize");
    text.push('\n');
    text
}
