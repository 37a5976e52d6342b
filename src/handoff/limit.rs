//! At most a few questions per person per hour, so one person (or a script)
//! cannot flood the doctors. In memory only: the counts vanish with the
//! process, and nothing is ever written anywhere.
//!
//! The counters are keyed by a keyed hash of the person's Telegram id (a
//! random key per process), not the id itself, and entries idle for an hour
//! are dropped every few minutes: a memory dump holds no list of who asked.
//!
//! Pure: the time is an argument (the flow's `Ctx::now`), so the flow tests
//! and the console's `/wait` see the hour pass. A generic cell rate
//! algorithm: each person has a "theoretical arrival time" that each
//! question pushes on by `EMISSION`; a question is allowed while that
//! time stays within an hour of now.

use std::collections::HashMap;
use std::collections::hash_map::RandomState;
use std::hash::BuildHasher;

use chrono::{DateTime, Duration, Utc};

/// Questions (and follow-ups) one person may send per hour.
pub const QUESTIONS_PER_HOUR: u32 = 5;

/// The window the allowance is counted over.
const WINDOW: Duration = Duration::hours(1);
/// One question's share of the window: one more is back after this.
const EMISSION: Duration = Duration::minutes(60 / QUESTIONS_PER_HOUR as i64);
/// How often entries whose hour has passed are dropped.
const PRUNE_EVERY: Duration = Duration::minutes(5);

pub struct QuestionLimit {
    /// Per person (hashed): when their whole allowance is back.
    full_at: HashMap<u64, DateTime<Utc>>,
    /// Keys the hash of a person's id; random per process.
    hasher: RandomState,
    last_prune: Option<DateTime<Utc>>,
}

impl QuestionLimit {
    pub fn new() -> Self {
        QuestionLimit {
            full_at: HashMap::new(),
            hasher: RandomState::new(),
            last_prune: None,
        }
    }

    /// Counts one question from `person` (a Telegram user id) at `now`;
    /// `false` when over the limit (and then nothing is counted).
    pub fn allow(&mut self, person: i64, now: DateTime<Utc>) -> bool {
        self.prune_when_due(now);
        let key = self.hasher.hash_one(person);
        let full_at = self.full_at.get(&key).map_or(now, |at| (*at).max(now)) + EMISSION;
        if full_at - now > WINDOW {
            return false;
        }
        self.full_at.insert(key, full_at);
        true
    }

    /// People currently tracked (an hour of silence forgets a person).
    pub fn tracked(&self) -> usize {
        self.full_at.len()
    }

    /// Drops the people whose whole allowance is back: they are as good as
    /// never seen.
    fn prune_when_due(&mut self, now: DateTime<Utc>) {
        let due = self.last_prune.is_none_or(|at| now - at >= PRUNE_EVERY || now < at);
        if due {
            self.full_at.retain(|_, full_at| *full_at > now);
            self.last_prune = Some(now);
        }
    }
}

impl Default for QuestionLimit {
    fn default() -> Self {
        Self::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t0() -> DateTime<Utc> {
        DateTime::parse_from_rfc3339("2026-11-24T21:00:00Z")
            .unwrap()
            .with_timezone(&Utc)
    }

    #[test]
    fn five_an_hour_per_person_then_one_more_every_twelve_minutes() {
        let mut limit = QuestionLimit::new();
        let mut now = t0();
        for _ in 0..QUESTIONS_PER_HOUR {
            assert!(limit.allow(1, now));
        }
        assert!(!limit.allow(1, now), "the sixth question within the hour waits");
        assert!(limit.allow(2, now), "other people are not affected");
        now += Duration::minutes(11);
        assert!(!limit.allow(1, now));
        now += Duration::minutes(1);
        assert!(limit.allow(1, now), "one question is back after 12 minutes");
        assert!(!limit.allow(1, now));
        now += Duration::hours(1);
        for _ in 0..QUESTIONS_PER_HOUR {
            assert!(limit.allow(1, now), "a full hour restores the whole allowance");
        }
        assert!(!limit.allow(1, now));
    }

    #[test]
    fn people_are_forgotten_after_an_hour_of_silence() {
        let mut limit = QuestionLimit::new();
        for person in 1..=100 {
            assert!(limit.allow(person, t0()));
        }
        assert_eq!(limit.tracked(), 100);
        assert!(limit.allow(1_000, t0() + WINDOW + PRUNE_EVERY));
        assert_eq!(limit.tracked(), 1, "only the person who just asked");
    }

    #[test]
    fn a_person_who_used_the_whole_hour_is_forgotten_once_it_is_back() {
        let mut limit = QuestionLimit::new();
        for _ in 0..QUESTIONS_PER_HOUR {
            assert!(limit.allow(1, t0()));
        }
        assert!(limit.allow(2, t0() + WINDOW - Duration::minutes(1)));
        assert_eq!(limit.tracked(), 2, "person 1's hour is not over yet");
        assert!(limit.allow(2, t0() + WINDOW + PRUNE_EVERY));
        assert_eq!(limit.tracked(), 1, "person 1's hour is over: forgotten");
    }

    #[test]
    fn a_clock_that_steps_back_never_grants_more() {
        let mut limit = QuestionLimit::new();
        for _ in 0..QUESTIONS_PER_HOUR {
            assert!(limit.allow(1, t0()));
        }
        assert!(!limit.allow(1, t0() - Duration::minutes(30)));
    }
}
