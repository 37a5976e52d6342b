//! Pacing of outgoing messages within Telegram's limits (about 1 message a
//! second per chat, 20 a minute per group, 30 a second overall), so the bot
//! rarely meets a 429 in the first place.
//!
//! teloxide's Throttle adaptor does this too, but its worker releases queued
//! messages only every 250 ms, which added up to a quarter second to answers
//! even far below the limits (measured with `loadgen`, BENCHMARKS.md). This
//! pacer releases a message at once whenever the limits allow it.
//!
//! One chat's spacing never delays another chat: a message first waits for
//! its own chat's slot, holding nothing, and books a slot of the overall
//! rate only once its chat's turn has come. (Booking both at once, as this
//! pacer first did, moved the overall slot to the busy chat's future turn
//! and made everyone queue behind it.)

use std::collections::HashMap;
use std::collections::hash_map::RandomState;
use std::hash::BuildHasher;
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

struct Slots {
    /// Earliest next send per chat, by a keyed hash of the chat id; only
    /// chats that sent in the last [`PRUNE_EVERY`] or so are remembered.
    next_per_chat: HashMap<u64, Instant>,
    /// Earliest next send overall.
    next_overall: Option<Instant>,
    keys: RandomState,
    pruned: Option<Instant>,
}

/// How often chats whose next slot has passed are forgotten.
const PRUNE_EVERY: Duration = Duration::from_secs(10);

impl Pacer {
    pub fn new(limits: Option<PaceLimits>) -> Self {
        Pacer {
            limits,
            state: Mutex::new(Slots {
                next_per_chat: HashMap::new(),
                next_overall: None,
                keys: RandomState::new(),
                pruned: None,
            }),
        }
    }

    /// Waits until a message to `chat` may be sent, and books that slot:
    /// first the chat's own slot, then, once it is due, the overall one.
    /// The overall wait is one spacing (1/30 s) per message due before
    /// this one, so a chat's next slot, counted from its own, may come that
    /// much early: Telegram's per-chat limit is an average, not a gap.
    pub async fn wait(&self, chat: i64) {
        let Some(limits) = self.limits else {
            return;
        };
        let own = self.reserve_chat(chat, limits, Instant::now());
        if !own.is_zero() {
            tokio::time::sleep(own).await;
        }
        let overall = self.reserve_overall(limits, Instant::now());
        if !overall.is_zero() {
            tokio::time::sleep(overall).await;
        }
    }

    /// Books `chat`'s next slot at or after `now`; returns the wait.
    fn reserve_chat(&self, chat: i64, limits: PaceLimits, now: Instant) -> Duration {
        let mut slots = self.state.lock().unwrap_or_else(|e| e.into_inner());
        if slots.pruned.is_none_or(|at| now.duration_since(at) >= PRUNE_EVERY) {
            slots.next_per_chat.retain(|_, next| *next > now);
            slots.pruned = Some(now);
        }
        let key = slots.keys.hash_one(chat);
        let slot = slots.next_per_chat.get(&key).copied().unwrap_or(now).max(now);
        let spacing = if chat < 0 {
            limits.per_group
        } else {
            limits.per_private_chat
        };
        slots.next_per_chat.insert(key, slot + spacing);
        slot - now
    }

    /// Books the next overall slot at or after `now`; returns the wait.
    fn reserve_overall(&self, limits: PaceLimits, now: Instant) -> Duration {
        let mut slots = self.state.lock().unwrap_or_else(|e| e.into_inner());
        let slot = slots.next_overall.unwrap_or(now).max(now);
        slots.next_overall = Some(slot + limits.overall);
        slot - now
    }

    /// Chats remembered now.
    #[cfg(test)]
    fn chats(&self) -> usize {
        self.state.lock().unwrap_or_else(|e| e.into_inner()).next_per_chat.len()
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;

    const LIMITS: PaceLimits = PaceLimits::TELEGRAM;

    /// Sends to each chat of `chats` in order, each send started at once
    /// on the paused clock; returns when each went, from the start.
    async fn sends(pacer: Arc<Pacer>, chats: &[i64]) -> Vec<Duration> {
        let started = Instant::now();
        let tasks: Vec<_> = chats
            .iter()
            .map(|&chat| {
                let pacer = pacer.clone();
                tokio::spawn(async move {
                    pacer.wait(chat).await;
                    started.elapsed()
                })
            })
            .collect();
        let mut went = Vec::new();
        for task in tasks {
            went.push(task.await.unwrap());
        }
        went
    }

    #[tokio::test(start_paused = true)]
    async fn a_lone_message_goes_at_once_and_the_next_in_that_chat_a_second_later() {
        let pacer = Pacer::new(Some(LIMITS));
        let started = Instant::now();
        pacer.wait(7).await;
        assert_eq!(started.elapsed(), Duration::ZERO);
        pacer.wait(7).await;
        assert_eq!(started.elapsed(), Duration::from_secs(1));
        tokio::time::sleep(Duration::from_secs(5)).await;
        let later = Instant::now();
        pacer.wait(7).await;
        assert_eq!(later.elapsed(), Duration::ZERO);
    }

    #[tokio::test(start_paused = true)]
    async fn groups_wait_three_seconds() {
        let went = sends(Arc::new(Pacer::new(Some(LIMITS))), &[-100, -100]).await;
        assert_eq!(went[1] - went[0], Duration::from_secs(3));
    }

    #[test]
    fn at_most_thirty_a_second_overall() {
        let pacer = Pacer::new(Some(LIMITS));
        let now = Instant::now();
        let waits: Vec<Duration> = (0..31).map(|_| pacer.reserve_overall(LIMITS, now)).collect();
        assert!(waits[29] < Duration::from_secs(1));
        assert!(waits[30] >= Duration::from_millis(999), "{:?}", waits[30]);
        assert!(waits.windows(2).all(|w| w[1] - w[0] == LIMITS.overall));
    }

    #[tokio::test(start_paused = true)]
    async fn a_chat_waiting_for_its_own_slot_never_delays_another_chat() {
        // A private chat with three messages due and a group with three:
        // their later messages wait seconds for their own slots...
        let went = sends(Arc::new(Pacer::new(Some(LIMITS))), &[1, 1, 1, -100, -100, -100, 2]).await;
        assert_eq!(went[2], Duration::from_secs(2));
        assert_eq!(went[5], Duration::from_secs(6));
        // ...while the other person's message waits only for the overall
        // slots of the two first messages, which were due before it (the
        // paused clock's timers round up to the millisecond).
        assert!(
            went[6] <= LIMITS.overall * 2 + Duration::from_millis(1),
            "{:?}",
            went[6]
        );
    }

    #[tokio::test(start_paused = true)]
    async fn idle_chats_are_forgotten() {
        let pacer = Pacer::new(Some(LIMITS));
        for chat in 1..=100 {
            pacer.wait(chat).await;
        }
        assert!(pacer.chats() >= 90);
        tokio::time::sleep(PRUNE_EVERY).await;
        pacer.wait(1_000).await;
        assert_eq!(pacer.chats(), 1, "only the chat that just sent");
    }

    #[tokio::test(start_paused = true)]
    async fn unlimited_never_waits() {
        let pacer = Pacer::new(None);
        let started = Instant::now();
        for _ in 0..100 {
            pacer.wait(1).await;
        }
        assert_eq!(started.elapsed(), Duration::ZERO);
    }
}
