//! At most a few questions per person per hour, so one person (or a script)
//! cannot flood the doctors. In memory only: the counts vanish with the
//! process, and chat ids are never written anywhere.

use std::num::NonZeroU32;

use governor::clock::{Clock, DefaultClock};
use governor::middleware::NoOpMiddleware;
use governor::state::keyed::HashMapStateStore;
use governor::{Quota, RateLimiter};

/// Questions (and follow-ups) one person may send per hour.
pub const QUESTIONS_PER_HOUR: u32 = 5;

/// Above this many tracked people, idle entries are dropped.
const PRUNE_ABOVE: usize = 10_000;

pub struct QuestionLimit<C: Clock = DefaultClock> {
    limiter: RateLimiter<i64, HashMapStateStore<i64>, C, NoOpMiddleware<C::Instant>>,
}

impl QuestionLimit {
    pub fn new() -> Self {
        Self::with_clock(DefaultClock::default())
    }

    /// Counts one question from `chat`; `false` when over the limit.
    pub fn allow(&self, chat: i64) -> bool {
        if self.limiter.len() > PRUNE_ABOVE {
            self.limiter.retain_recent();
        }
        self.check(chat)
    }
}

impl Default for QuestionLimit {
    fn default() -> Self {
        Self::new()
    }
}

impl<C: Clock> QuestionLimit<C> {
    pub fn with_clock(clock: C) -> Self {
        let per_hour = NonZeroU32::new(QUESTIONS_PER_HOUR).expect("the limit is positive");
        QuestionLimit {
            limiter: RateLimiter::hashmap_with_clock(Quota::per_hour(per_hour), clock),
        }
    }

    fn check(&self, chat: i64) -> bool {
        self.limiter.check_key(&chat).is_ok()
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use governor::clock::FakeRelativeClock;

    use super::*;

    #[test]
    fn five_an_hour_per_person_then_one_more_every_twelve_minutes() {
        let clock = FakeRelativeClock::default();
        let limit = QuestionLimit::with_clock(clock.clone());
        for _ in 0..QUESTIONS_PER_HOUR {
            assert!(limit.check(1));
        }
        assert!(!limit.check(1), "the sixth question within the hour waits");
        assert!(limit.check(2), "other people are not affected");
        clock.advance(Duration::from_secs(11 * 60));
        assert!(!limit.check(1));
        clock.advance(Duration::from_secs(60));
        assert!(limit.check(1), "one question is back after 12 minutes");
        assert!(!limit.check(1));
        clock.advance(Duration::from_secs(3600));
        for _ in 0..QUESTIONS_PER_HOUR {
            assert!(limit.check(1), "a full hour restores the whole allowance");
        }
    }
}
