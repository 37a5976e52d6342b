//! How often someone who is not on the roster is told so in a shared chat
//! (the duty chat): at most once per [`REFUSE_EVERY`]. Each refusal there
//! is a group message, paced at one every three seconds; forty replies to
//! a card from a stranger once queued two minutes of refusals in front of
//! a doctor's answer. In memory only, keyed by a keyed hash of the person
//! and the chat (a random key per process), forgotten once the window has
//! passed. Pure: the time is an argument; never logs.

use std::collections::HashMap;
use std::collections::hash_map::RandomState;
use std::hash::BuildHasher;

use chrono::{DateTime, Duration, Utc};

/// The least time between two refusals to one person in one shared chat.
pub const REFUSE_EVERY: Duration = Duration::minutes(5);

/// People remembered at once; past it, and with none of them due to be
/// forgotten, nobody new is told (a refusal is never urgent).
pub const MAX_REMEMBERED: usize = 10_000;

#[derive(Default)]
pub struct Refusals {
    keys: RandomState,
    told: HashMap<u64, DateTime<Utc>>,
}

impl Refusals {
    /// Whether `user` may be told a refusal in `chat` at `now`; counts the
    /// telling when it may.
    pub fn allow(&mut self, user: i64, chat: i64, now: DateTime<Utc>) -> bool {
        let key = self.keys.hash_one((user, chat));
        let told = &mut self.told;
        let recent = |at: &DateTime<Utc>| now - *at < REFUSE_EVERY;
        if told.get(&key).is_some_and(recent) {
            return false;
        }
        if told.len() >= MAX_REMEMBERED && !told.contains_key(&key) {
            told.retain(|_, at| recent(at));
            if told.len() >= MAX_REMEMBERED {
                return false;
            }
        }
        told.insert(key, now);
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(minutes: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(1_800_000_000, 0).unwrap() + Duration::minutes(minutes)
    }

    #[test]
    fn once_per_window_per_person_and_chat() {
        let mut refusals = Refusals::default();
        assert!(refusals.allow(1, -100, at(0)));
        assert!(!refusals.allow(1, -100, at(4)));
        assert!(refusals.allow(2, -100, at(4)), "another person");
        assert!(refusals.allow(1, -200, at(4)), "another chat");
        assert!(refusals.allow(1, -100, at(5)));
    }

    #[test]
    fn memory_stays_bounded() {
        let mut refusals = Refusals::default();
        for user in 0..MAX_REMEMBERED as i64 {
            assert!(refusals.allow(user, -100, at(0)));
        }
        assert!(!refusals.allow(-1, -100, at(1)), "full of recent ones: quiet");
        assert!(refusals.allow(-1, -100, at(5)), "the old ones are forgotten");
        assert_eq!(refusals.told.len(), 1);
    }
}
