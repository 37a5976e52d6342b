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
//! its own chat's slot, holding nothing, and asks for a slot of the overall
//! rate only once its chat's turn has come. (Booking both at once, as this
//! pacer first did, moved the overall slot to the busy chat's future turn
//! and made everyone queue behind it.) When the overall rate is the
//! bottleneck, emergency messages get its slots first ([`Priority`],
//! `overall`).

mod overall;

use std::collections::HashMap;
use std::collections::hash_map::RandomState;
use std::hash::BuildHasher;
use std::sync::Mutex;
use std::time::Duration;

use tokio::time::Instant;

use overall::Overall;
pub use overall::Priority;

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

/// Hands out send slots; without limits (local load tests) it never waits.
pub struct Pacer(Option<Paced>);

struct Paced {
    limits: PaceLimits,
    // std Mutex: held only to compute a slot, never across `.await`.
    chats: Mutex<Chats>,
    overall: Overall,
}

struct Chats {
    /// Earliest next send per chat, by a keyed hash of the chat id; only
    /// chats that sent in the last [`PRUNE_EVERY`] or so are remembered.
    next: HashMap<u64, Instant>,
    keys: RandomState,
    pruned: Option<Instant>,
}

/// How often chats whose next slot has passed are forgotten.
const PRUNE_EVERY: Duration = Duration::from_secs(10);

impl Pacer {
    pub fn new(limits: Option<PaceLimits>) -> Self {
        Pacer(limits.map(|limits| Paced {
            limits,
            chats: Mutex::new(Chats {
                next: HashMap::new(),
                keys: RandomState::new(),
                pruned: None,
            }),
            overall: Overall::new(limits.overall),
        }))
    }

    /// Waits until a message to `chat` may be sent, and takes that slot:
    /// first the chat's own, then, once it is due, an overall one, where
    /// `priority` decides who goes first. The overall wait is one spacing
    /// (1/30 s) per message ahead in that queue, so a chat's next slot,
    /// counted from its own, may come that much early: Telegram's per-chat
    /// limit is an average, not a gap.
    pub async fn wait(&self, chat: i64, priority: Priority) {
        let Some(paced) = &self.0 else {
            return;
        };
        let own = paced.reserve_chat(chat, Instant::now());
        if !own.is_zero() {
            tokio::time::sleep(own).await;
        }
        paced.overall.slot(priority).await;
    }

    /// Chats remembered now.
    #[cfg(test)]
    fn chats(&self) -> usize {
        self.0.as_ref().map_or(0, |paced| lock(&paced.chats).next.len())
    }
}

impl Paced {
    /// Books `chat`'s next slot at or after `now`; returns the wait.
    fn reserve_chat(&self, chat: i64, now: Instant) -> Duration {
        let mut chats = lock(&self.chats);
        if chats.pruned.is_none_or(|at| now.duration_since(at) >= PRUNE_EVERY) {
            chats.next.retain(|_, next| *next > now);
            chats.pruned = Some(now);
        }
        let key = chats.keys.hash_one(chat);
        let slot = chats.next.get(&key).copied().unwrap_or(now).max(now);
        let spacing = if chat < 0 {
            self.limits.per_group
        } else {
            self.limits.per_private_chat
        };
        chats.next.insert(key, slot + spacing);
        slot - now
    }
}

fn lock(chats: &Mutex<Chats>) -> std::sync::MutexGuard<'_, Chats> {
    chats.lock().unwrap_or_else(|e| e.into_inner())
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use tokio::task::JoinHandle;

    use super::*;

    const LIMITS: PaceLimits = PaceLimits::TELEGRAM;

    /// Starts a send to `chat` now, on the paused clock; its result is
    /// when it went, counted from `started`.
    fn send(pacer: &Arc<Pacer>, started: Instant, chat: i64, priority: Priority) -> JoinHandle<Duration> {
        let pacer = pacer.clone();
        tokio::spawn(async move {
            pacer.wait(chat, priority).await;
            started.elapsed()
        })
    }

    async fn went(sends: Vec<JoinHandle<Duration>>) -> Vec<Duration> {
        let mut went = Vec::new();
        for send in sends {
            went.push(send.await.unwrap());
        }
        went
    }

    /// Normal sends to each chat of `chats` in order, all started at once;
    /// returns when each went.
    async fn sends(pacer: Arc<Pacer>, chats: &[i64]) -> Vec<Duration> {
        let started = Instant::now();
        went(
            chats
                .iter()
                .map(|&chat| send(&pacer, started, chat, Priority::Normal))
                .collect(),
        )
        .await
    }

    /// Whether `went` is the `n`th overall slot from the start (the paused
    /// clock's timers round up to the millisecond).
    fn is_slot(went: Duration, n: u32) -> bool {
        let slot = LIMITS.overall * n;
        slot <= went && went <= slot + Duration::from_millis(1)
    }

    #[tokio::test(start_paused = true)]
    async fn a_lone_message_goes_at_once_and_the_next_in_that_chat_a_second_later() {
        let pacer = Pacer::new(Some(LIMITS));
        let started = Instant::now();
        pacer.wait(7, Priority::Normal).await;
        assert_eq!(started.elapsed(), Duration::ZERO);
        pacer.wait(7, Priority::Normal).await;
        assert_eq!(started.elapsed(), Duration::from_secs(1));
        tokio::time::sleep(Duration::from_secs(5)).await;
        let later = Instant::now();
        pacer.wait(7, Priority::Normal).await;
        assert_eq!(later.elapsed(), Duration::ZERO);
    }

    #[tokio::test(start_paused = true)]
    async fn groups_wait_three_seconds() {
        let went = sends(Arc::new(Pacer::new(Some(LIMITS))), &[-100, -100]).await;
        assert_eq!(went[1] - went[0], Duration::from_secs(3));
    }

    #[tokio::test(start_paused = true)]
    async fn at_most_thirty_a_second_overall() {
        let chats: Vec<i64> = (1..=31).collect();
        let went = sends(Arc::new(Pacer::new(Some(LIMITS))), &chats).await;
        assert!(went[29] < Duration::from_secs(1), "{:?}", went[29]);
        assert!(went[30] >= Duration::from_millis(999), "{:?}", went[30]);
        assert!((0..31).all(|n| is_slot(went[n as usize], n)), "{went:?}");
    }

    #[tokio::test(start_paused = true)]
    async fn a_chat_waiting_for_its_own_slot_never_delays_another_chat() {
        // A private chat with three messages due and a group with three:
        // their later messages wait seconds for their own slots...
        let went = sends(Arc::new(Pacer::new(Some(LIMITS))), &[1, 1, 1, -100, -100, -100, 2]).await;
        assert_eq!(went[2], Duration::from_secs(2));
        assert_eq!(went[5], Duration::from_secs(6));
        // ...while the other person's message waits only for the overall
        // slots of the two first messages, which were due before it.
        assert!(is_slot(went[6], 2), "{:?}", went[6]);
    }

    #[tokio::test(start_paused = true)]
    async fn an_emergency_goes_before_the_normal_sends_already_waiting() {
        let pacer = Arc::new(Pacer::new(Some(LIMITS)));
        let started = Instant::now();
        // Ten people's menus at once: the first takes the due slot, nine
        // queue for the next ones...
        let menus = (1..=10)
            .map(|chat| send(&pacer, started, chat, Priority::Normal))
            .collect();
        tokio::time::sleep(Duration::from_millis(1)).await;
        // ...and a moment later someone writes "не дышит".
        let emergency = send(&pacer, started, 99, Priority::Emergency).await.unwrap();
        let menus = went(menus).await;
        assert_eq!(menus[0], Duration::ZERO);
        assert!(is_slot(emergency, 1), "the next slot after it arrived: {emergency:?}");
        assert!(menus[1..].iter().all(|&menu| menu > emergency), "{menus:?}");
        assert!(
            (1..10).all(|n| is_slot(menus[n], n as u32 + 1)),
            "the menus in their order, one slot later each: {menus:?}"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn an_emergency_still_waits_for_its_own_chat_and_holds_no_one_else_meanwhile() {
        let pacer = Arc::new(Pacer::new(Some(LIMITS)));
        let started = Instant::now();
        pacer.wait(5, Priority::Normal).await;
        // The same chat's emergency, right after its menu, then other people's menus.
        let emergency = send(&pacer, started, 5, Priority::Emergency);
        let menus = (6..=8)
            .map(|chat| send(&pacer, started, chat, Priority::Normal))
            .collect();
        let menus = went(menus).await;
        let emergency = emergency.await.unwrap();
        assert!(
            Duration::from_secs(1) <= emergency && emergency <= Duration::from_secs(1) + Duration::from_millis(1),
            "a second after the chat's last message: {emergency:?}"
        );
        assert!(
            (0..3).all(|n| is_slot(menus[n], n as u32 + 1)),
            "the others went meanwhile, in their slots: {menus:?}"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn normal_sends_get_every_tenth_slot_under_emergency_load() {
        let pacer = Arc::new(Pacer::new(Some(LIMITS)));
        let started = Instant::now();
        pacer.wait(100, Priority::Normal).await;
        let menu = send(&pacer, started, 200, Priority::Normal);
        let emergencies = (1..=30)
            .map(|chat| send(&pacer, started, chat, Priority::Emergency))
            .collect();
        let emergencies = went(emergencies).await;
        let menu = menu.await.unwrap();
        let run = overall::EMERGENCY_RUN;
        assert!(is_slot(menu, run + 1), "{menu:?}");
        assert_eq!(emergencies.iter().filter(|&&e| e < menu).count(), run as usize);
    }

    #[tokio::test(start_paused = true)]
    async fn a_cancelled_send_passes_its_turn_on() {
        let pacer = Arc::new(Pacer::new(Some(LIMITS)));
        let started = Instant::now();
        pacer.wait(1, Priority::Normal).await;
        let cancelled = send(&pacer, started, 2, Priority::Emergency);
        let next = send(&pacer, started, 3, Priority::Normal);
        tokio::time::sleep(Duration::from_millis(1)).await;
        cancelled.abort();
        let next = next.await.unwrap();
        assert!(is_slot(next, 1), "{next:?}");
    }

    #[tokio::test(start_paused = true)]
    async fn idle_chats_are_forgotten() {
        let pacer = Pacer::new(Some(LIMITS));
        for chat in 1..=100 {
            pacer.wait(chat, Priority::Normal).await;
        }
        assert!(pacer.chats() >= 90);
        tokio::time::sleep(PRUNE_EVERY).await;
        pacer.wait(1_000, Priority::Normal).await;
        assert_eq!(pacer.chats(), 1, "only the chat that just sent");
    }

    #[tokio::test(start_paused = true)]
    async fn unlimited_never_waits() {
        let pacer = Pacer::new(None);
        let started = Instant::now();
        for priority in [Priority::Normal, Priority::Emergency].repeat(50) {
            pacer.wait(1, priority).await;
        }
        assert_eq!(started.elapsed(), Duration::ZERO);
    }
}
