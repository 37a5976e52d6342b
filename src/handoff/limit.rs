//! At most a few questions per person per hour, so one person (or a script)
//! cannot flood the doctors. In memory only: the counts vanish with the
//! process, and nothing is ever written anywhere.
//!
//! The counters are keyed by a keyed hash of the person's Telegram id (a
//! random key per process), not the id itself, and entries idle for an hour
//! are dropped every few minutes: a memory dump holds no list of who asked.

use std::hash::BuildHasher;
use std::num::NonZeroU32;
use std::sync::Mutex;
use std::time::Duration;

use governor::clock::{Clock, DefaultClock, Reference};
use governor::middleware::NoOpMiddleware;
use governor::state::keyed::HashMapStateStore;
use governor::{Quota, RateLimiter};

/// Questions (and follow-ups) one person may send per hour.
pub const QUESTIONS_PER_HOUR: u32 = 5;

/// How often entries whose hour has passed are dropped.
const PRUNE_EVERY: Duration = Duration::from_secs(5 * 60);

pub struct QuestionLimit<C: Clock = DefaultClock> {
    limiter: RateLimiter<u64, HashMapStateStore<u64>, C, NoOpMiddleware<C::Instant>>,
    clock: C,
    /// Keys the hash of a person's id; random per process.
    hasher: std::collections::hash_map::RandomState,
    last_prune: Mutex<Option<C::Instant>>,
}

impl QuestionLimit {
    pub fn new() -> Self {
        Self::with_clock(DefaultClock::default())
    }
}

impl Default for QuestionLimit {
    fn default() -> Self {
        Self::new()
    }
}

impl<C: Clock + Clone> QuestionLimit<C> {
    pub fn with_clock(clock: C) -> Self {
        let per_hour = NonZeroU32::new(QUESTIONS_PER_HOUR).expect("the limit is positive");
        QuestionLimit {
            limiter: RateLimiter::hashmap_with_clock(Quota::per_hour(per_hour), clock.clone()),
            clock,
            hasher: std::collections::hash_map::RandomState::new(),
            last_prune: Mutex::new(None),
        }
    }

    /// Counts one question from `person` (a Telegram user id); `false` when
    /// over the limit.
    pub fn allow(&self, person: i64) -> bool {
        self.prune_when_due();
        self.limiter.check_key(&self.hasher.hash_one(person)).is_ok()
    }

    /// People currently tracked (an hour of silence forgets a person).
    pub fn tracked(&self) -> usize {
        self.limiter.len()
    }

    fn prune_when_due(&self) {
        let now = self.clock.now();
        let mut last = self.last_prune.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let due = last.is_none_or(|at| Duration::from(now.duration_since(at)) >= PRUNE_EVERY);
        if due {
            self.limiter.retain_recent();
            *last = Some(now);
        }
    }
}

#[cfg(test)]
mod tests {
    use governor::clock::FakeRelativeClock;

    use super::*;

    #[test]
    fn five_an_hour_per_person_then_one_more_every_twelve_minutes() {
        let clock = FakeRelativeClock::default();
        let limit = QuestionLimit::with_clock(clock.clone());
        for _ in 0..QUESTIONS_PER_HOUR {
            assert!(limit.allow(1));
        }
        assert!(!limit.allow(1), "the sixth question within the hour waits");
        assert!(limit.allow(2), "other people are not affected");
        clock.advance(Duration::from_secs(11 * 60));
        assert!(!limit.allow(1));
        clock.advance(Duration::from_secs(60));
        assert!(limit.allow(1), "one question is back after 12 minutes");
        assert!(!limit.allow(1));
        clock.advance(Duration::from_secs(3600));
        for _ in 0..QUESTIONS_PER_HOUR {
            assert!(limit.allow(1), "a full hour restores the whole allowance");
        }
    }

    #[test]
    fn people_are_forgotten_after_an_hour_of_silence() {
        let clock = FakeRelativeClock::default();
        let limit = QuestionLimit::with_clock(clock.clone());
        for person in 1..=100 {
            assert!(limit.allow(person));
        }
        assert_eq!(limit.tracked(), 100);
        clock.advance(Duration::from_secs(3600) + PRUNE_EVERY);
        assert!(limit.allow(1_000));
        assert_eq!(limit.tracked(), 1, "only the person who just asked");
    }
}
