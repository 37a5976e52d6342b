//! The Telegram adapter: turns updates into engine inputs and screens into
//! Bot API calls, with teloxide. The only module that imports teloxide.
//!
//! It decides nothing about menus: every answer comes from `engine::handle`.
//! What it does decide is Telegram mechanics: edit or send anew, retry or
//! drop, cache uploaded files, which ids a cleared chat deletes, keep the
//! person's identity out of the logs.

mod admission;
mod clear;
mod commands;
mod companion;
mod delivery;
mod dispatch;
mod facts;
mod group;
mod group_switch;
mod handlers;
mod inline;
mod input;
mod keyboard;
mod media;
mod pacing;
mod plans;
mod run;
mod shared_lane;
mod state;
mod sweep;
mod timers;
mod token;
mod webhook;

pub use run::{Mode, ServeError, ServeOptions, serve};
pub use token::bot_id;
pub use webhook::{SILENCED_LOG_TARGETS, SecretError, secret as webhook_secret};
