//! What every handler shares. Its own module so that `handlers`, `plans`
//! and `companion` all use it without importing each other.

use std::sync::{Arc, Mutex, MutexGuard};

use super::delivery::Delivery;
use crate::handoff::{Desks, LineState, SharedDesk};
use crate::reload::{ReloadRequests, SharedContent};

pub struct BotState {
    /// Swapped whole on reload; each update uses the version it started with.
    pub content: SharedContent,
    pub delivery: Delivery,
    /// The roster's lines (the doctors', the outreach workers'), when a
    /// roster and a key are configured; swapped whole when the roster is
    /// reloaded.
    pub desk: Option<SharedDesk>,
    /// What the lines remember (cases and their timers, the question
    /// limit); kept across roster reloads. std Mutex: locked only while a
    /// plan is made, never across an `.await`.
    pub line: Mutex<LineState>,
    /// The reload worker, for `/reload` from a coordinator.
    pub reload: Option<ReloadRequests>,
    /// Wakes the lines' timer task when a plan changed its timers.
    pub timers: tokio::sync::Notify,
    /// The emergency companion's running check-ins, in memory only.
    pub companions: std::sync::Mutex<crate::companion::Companions>,
    /// Wakes the companion's timer task when a plan changed its timers.
    pub companion_timers: tokio::sync::Notify,
    /// Whether the bot is off in a group, read from Telegram (cached briefly).
    pub group_switch: super::group_switch::GroupSwitch,
}

impl BotState {
    /// The desks as of now, kept for the whole update.
    pub fn desks(&self) -> Option<Arc<Desks>> {
        self.desk.as_ref().map(|desk| desk.load_full())
    }

    /// The lines' memory, for one plan (a poisoned lock is taken over: the
    /// memory is still consistent between two plans).
    pub fn line(&self) -> MutexGuard<'_, LineState> {
        self.line.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}
