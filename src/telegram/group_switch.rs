//! Whether the bot is off in a group, kept in Telegram itself rather than
//! by the bot: a group whose admin sent `/bot_off` gets a command list of
//! its own (scope: that chat, all languages) holding only `/bot_on`, so
//! the group's menu shows how to turn it back on, and `/bot_on` deletes the
//! list. Restarts and replicas read the same flag; the bot keeps no chat.
//!
//! Reads are cached for [`CACHE_FOR`] per keyed hash of the chat id (at
//! most [`MAX_CACHED`] groups), so a busy group costs one getMyCommands a
//! minute; another replica may answer for up to that long after a switch.
//! A failed read counts as "on": a silent bot is worse in an emergency
//! than one answer too many. Never logs a chat id.

use std::collections::HashMap;
use std::collections::hash_map::RandomState;
use std::hash::BuildHasher;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use teloxide::RequestError;
use teloxide::prelude::*;
use teloxide::types::{BotCommand, BotCommandScope, Recipient};

use super::delivery::{Tg, error_kind};
use crate::content::TURN_ON;

/// How long a group's flag is trusted before it is read again.
pub const CACHE_FOR: Duration = Duration::from_secs(60);
/// The most groups remembered at once.
pub const MAX_CACHED: usize = 10_000;

/// The flag of each group, read from and written to Telegram.
#[derive(Default)]
pub struct GroupSwitch {
    keys: RandomState,
    // std Mutex: never held across `.await`.
    cache: Mutex<FlagCache>,
}

impl GroupSwitch {
    /// Whether an admin turned the bot off in `chat`.
    pub async fn is_off(&self, bot: &Tg, chat: ChatId) -> bool {
        let key = self.keys.hash_one(chat.0);
        if let Some(off) = self.lock().get(key, Instant::now()) {
            return off;
        }
        match bot.get_my_commands().scope(scope(chat)).await {
            Ok(commands) => {
                let off = commands.iter().any(|c| c.command == TURN_ON);
                self.lock().put(key, off, Instant::now());
                off
            }
            Err(error) => {
                tracing::warn!(error = %error_kind(&error), "cannot read a group's switch; answering");
                false
            }
        }
    }

    /// Turns the bot off in `chat`: the group's menu becomes `/bot_on`,
    /// described in the admin's language.
    pub async fn turn_off(&self, bot: &Tg, chat: ChatId, description: &str) -> Result<(), RequestError> {
        bot.set_my_commands([BotCommand::new(TURN_ON, description)])
            .scope(scope(chat))
            .await?;
        self.lock().put(self.keys.hash_one(chat.0), true, Instant::now());
        Ok(())
    }

    /// Turns the bot back on in `chat`: the group gets the menu of all groups.
    pub async fn turn_on(&self, bot: &Tg, chat: ChatId) -> Result<(), RequestError> {
        bot.delete_my_commands().scope(scope(chat)).await?;
        self.lock().put(self.keys.hash_one(chat.0), false, Instant::now());
        Ok(())
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, FlagCache> {
        self.cache.lock().unwrap_or_else(|e| e.into_inner())
    }
}

fn scope(chat: ChatId) -> BotCommandScope {
    BotCommandScope::Chat {
        chat_id: Recipient::Id(chat),
    }
}

/// Flags by keyed chat hash, each with when it was read.
#[derive(Default)]
struct FlagCache {
    flags: HashMap<u64, (bool, Instant)>,
}

impl FlagCache {
    fn get(&self, key: u64, now: Instant) -> Option<bool> {
        self.flags
            .get(&key)
            .filter(|(_, read)| now.duration_since(*read) < CACHE_FOR)
            .map(|&(off, _)| off)
    }

    /// Remembers a flag; when full, forgets the stale ones first, and
    /// everything if none is stale (each group is read again, no more).
    fn put(&mut self, key: u64, off: bool, now: Instant) {
        if self.flags.len() >= MAX_CACHED && !self.flags.contains_key(&key) {
            self.flags.retain(|_, (_, read)| now.duration_since(*read) < CACHE_FOR);
            if self.flags.len() >= MAX_CACHED {
                self.flags.clear();
            }
        }
        self.flags.insert(key, (off, now));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_flag_is_trusted_for_a_minute_then_read_again() {
        let mut cache = FlagCache::default();
        let start = Instant::now();
        assert_eq!(cache.get(1, start), None);
        cache.put(1, true, start);
        assert_eq!(cache.get(1, start + Duration::from_secs(59)), Some(true));
        assert_eq!(cache.get(1, start + CACHE_FOR), None);
        cache.put(1, false, start + CACHE_FOR);
        assert_eq!(cache.get(1, start + CACHE_FOR), Some(false));
    }

    #[test]
    fn the_cache_stays_bounded() {
        let mut cache = FlagCache::default();
        let start = Instant::now();
        for key in 0..MAX_CACHED as u64 {
            cache.put(key, true, start);
        }
        // Full of fresh flags: all forgotten, the new one kept.
        cache.put(u64::MAX, false, start);
        assert_eq!(cache.flags.len(), 1);
        assert_eq!(cache.get(u64::MAX, start), Some(false));
        // Stale flags go first.
        let later = start + CACHE_FOR;
        for key in 0..(MAX_CACHED - 1) as u64 {
            cache.put(key, true, later);
        }
        cache.put(u64::MAX - 1, true, later);
        assert_eq!(cache.flags.len(), MAX_CACHED, "only the stale flag was dropped");
        assert_eq!(cache.get(u64::MAX, later), None);
    }
}
