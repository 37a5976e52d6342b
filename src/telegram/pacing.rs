//! Pacing of outgoing messages within Telegram's limits (about 1 message a
//! second per chat, 20 a minute per group, 30 a second overall), so the bot
//! rarely meets a 429 in the first place.
//!
//! teloxide's Throttle adaptor does this too, but its worker releases queued
//! messages only every 250 ms, which added up to a quarter second to answers
//! even far below the limits (measured with `loadgen`, BENCHMARKS.md). This
//! pacer releases a message at once whenever the limits allow it.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;

use tokio::time::Instant;

/// Spacing between messages.
#[derive(Clone, Copy, Debug)]
pub struct PaceLimits {
    pub per_private_chat: Duration,
    pub per_group: Duration,
    pub overall: Duration,
}

impl PaceLimits {
    /// Telegram's published limits.
    pub const TELEGRAM: PaceLimits = PaceLimits {
        per_private_chat: Duration::from_secs(1),
        per_group: Duration::from_secs(3),
        overall: Duration::from_nanos(1_000_000_000 / 30),
    };
}

/// Hands out send slots; `None` limits: no pacing at all (local load tests).
pub struct Pacer {
    limits: Option<PaceLimits>,
    // std Mutex: held only to compute a slot, never across `.await`.
    state: Mutex<Slots>,
}

#[derive(Default)]
struct Slots {
    /// Earliest next send per chat.
    next_per_chat: HashMap<i64, Instant>,
    /// Earliest next send overall.
    next_overall: Option<Instant>,
}

/// Chats remembered before stale entries are dropped.
const PRUNE_AT: usize = 10_000;

impl Pacer {
    pub fn new(limits: Option<PaceLimits>) -> Self {
        Pacer {
            limits,
            state: Mutex::new(Slots::default()),
        }
    }

    /// Waits until a message to `chat` may be sent, and books that slot.
    pub async fn wait(&self, chat: i64) {
        let delay = self.reserve(chat, Instant::now());
        if !delay.is_zero() {
            tokio::time::sleep(delay).await;
        }
    }

    /// Books the next slot for `chat` at or after `now`; returns the wait.
    fn reserve(&self, chat: i64, now: Instant) -> Duration {
        let Some(limits) = self.limits else {
            return Duration::ZERO;
        };
        let mut slots = self.state.lock().unwrap_or_else(|e| e.into_inner());
        if slots.next_per_chat.len() > PRUNE_AT {
            slots.next_per_chat.retain(|_, next| *next > now);
        }
        let chat_ready = slots.next_per_chat.get(&chat).copied().unwrap_or(now).max(now);
        let slot = slots.next_overall.unwrap_or(now).max(chat_ready);
        slots.next_overall = Some(slot + limits.overall);
        let spacing = if chat < 0 {
            limits.per_group
        } else {
            limits.per_private_chat
        };
        slots.next_per_chat.insert(chat, slot + spacing);
        slot - now
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_lone_message_goes_at_once_and_the_next_in_that_chat_a_second_later() {
        let pacer = Pacer::new(Some(PaceLimits::TELEGRAM));
        let now = Instant::now();
        assert_eq!(pacer.reserve(1, now), Duration::ZERO);
        assert_eq!(pacer.reserve(1, now), Duration::from_secs(1));
        assert_eq!(pacer.reserve(1, now + Duration::from_secs(5)), Duration::ZERO);
    }

    #[test]
    fn groups_wait_three_seconds() {
        let pacer = Pacer::new(Some(PaceLimits::TELEGRAM));
        let now = Instant::now();
        assert_eq!(pacer.reserve(-100, now), Duration::ZERO);
        assert_eq!(pacer.reserve(-100, now), Duration::from_secs(3));
    }

    #[test]
    fn at_most_thirty_a_second_overall() {
        let pacer = Pacer::new(Some(PaceLimits::TELEGRAM));
        let now = Instant::now();
        let waits: Vec<Duration> = (0..31).map(|chat| pacer.reserve(chat, now)).collect();
        assert!(waits[29] < Duration::from_secs(1));
        assert!(waits[30] >= Duration::from_millis(999), "{:?}", waits[30]);
        assert!(waits.windows(2).all(|w| w[0] < w[1]));
    }

    #[test]
    fn unlimited_never_waits() {
        let pacer = Pacer::new(None);
        let now = Instant::now();
        assert!((0..100).all(|_| pacer.reserve(1, now).is_zero()));
    }

    #[tokio::test(start_paused = true)]
    async fn wait_sleeps_for_the_booked_slot() {
        let pacer = Pacer::new(Some(PaceLimits::TELEGRAM));
        let started = Instant::now();
        pacer.wait(7).await;
        pacer.wait(7).await;
        assert_eq!(started.elapsed(), Duration::from_secs(1));
    }
}
