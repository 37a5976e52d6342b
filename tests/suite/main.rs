//! The integration tests, one binary with a module per topic: each test
//! file linked on its own took most of the suite's time (the crate,
//! teloxide and the fake linked 23 times). End-to-end tests drive the real
//! binary against the fake Bot API (`support`); the others read the
//! shipped content, the docs or the CLI.

mod support;

mod architecture;
mod check_golden;
mod companion;
mod console;
mod content;
mod deep_links;
mod docs;
mod editors;
mod faults;
mod flood;
mod forged_taps;
mod fuzz;
mod graph;
mod groups;
mod handoff;
mod hostile_files;
mod key_file;
mod metronome;
mod preview;
mod privacy;
mod reload;
mod search_quality;
mod shared_chats;
mod telegram;
