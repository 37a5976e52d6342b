//! The overall rate (30 messages a second for the whole bot) as a queue with
//! two priorities. A send takes a slot at once when one is due and nobody
//! is waiting; otherwise it queues, and one releaser task hands the slots
//! out as they fall due: waiting emergency sends first, then the others in
//! the order they came.
//!
//! Slots are given when they fall due, not promised on arrival as the pacer
//! first did: a promised slot cannot be taken back, so an emergency that
//! arrived behind a queue of menus would have waited for all of them.
//!
//! It knows nothing of chats and must never wait for one: a send comes here
//! only once its own chat's turn has come (`super`).

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use tokio::sync::oneshot;
use tokio::time::Instant;

/// Which sends take the overall rate first when it is the bottleneck: a
/// channel post can bring hundreds of people in a few seconds, and at 30
/// messages a second the last of them waits ten.
///
/// Two classes, not a number: the bot has one kind of message that must
/// not wait behind the others, and a caller naming it says why.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Priority {
    /// Someone may be dying: the emergency page, an urgent case on its way
    /// to the doctors. Goes before every normal send still waiting.
    Emergency,
    /// Menus, search results, prompts, confirmations: everything else.
    Normal,
}

/// At most this many emergency sends in a row while a normal one waits:
/// every tenth contended slot goes to a normal send, so menus keep moving
/// (3 a second at least) even if emergencies alone could fill the rate.
/// Emergency sends are few (the emergency page and urgent cases, each chat
/// held to its own spacing), so in practice they never reach this; it only
/// rules out starving everyone else.
pub(super) const EMERGENCY_RUN: u32 = 9;

/// The overall slots, one `spacing` apart.
pub(super) struct Overall {
    spacing: Duration,
    // std Mutex: held only to pick or book a slot, never across `.await`.
    queue: Arc<Mutex<Queue>>,
}

#[derive(Default)]
struct Queue {
    /// When the next slot is due; `None` before the first send.
    next: Option<Instant>,
    /// Sends waiting for a slot: emergencies first, then by arrival.
    waiting: BTreeMap<(Priority, u64), oneshot::Sender<()>>,
    arrivals: u64,
    /// Emergency sends released in a row while a normal one waited.
    emergency_run: u32,
    /// Whether the releaser task is running (one at most).
    releasing: bool,
}

impl Overall {
    pub fn new(spacing: Duration) -> Self {
        Overall {
            spacing,
            queue: Arc::default(),
        }
    }

    /// Waits for an overall slot: at once when one is due and nobody else
    /// waits, otherwise in the queue at `priority`.
    pub async fn slot(&self, priority: Priority) {
        let released = {
            let mut queue = lock(&self.queue);
            let now = Instant::now();
            if queue.waiting.is_empty() && queue.is_due(now) {
                queue.book(now, self.spacing);
                return;
            }
            let (release, released) = oneshot::channel();
            let arrival = queue.arrivals;
            queue.arrivals += 1;
            queue.waiting.insert((priority, arrival), release);
            if !queue.releasing {
                queue.releasing = true;
                tokio::spawn(release_while_waiting(self.queue.clone(), self.spacing));
            }
            released
        };
        // An error only means the runtime dropped the releaser: shutting down.
        let _ = released.await;
    }
}

/// The releaser: hands out each slot as it falls due, and ends when nobody
/// waits (the next queued send starts another).
async fn release_while_waiting(queue: Arc<Mutex<Queue>>, spacing: Duration) {
    loop {
        let due = {
            let mut queue = lock(&queue);
            let now = Instant::now();
            match queue.next.filter(|next| *next > now) {
                Some(next) => next,
                None if queue.release_next(now, spacing) => continue,
                None => {
                    queue.releasing = false;
                    return;
                }
            }
        };
        tokio::time::sleep_until(due).await;
    }
}

impl Queue {
    fn is_due(&self, now: Instant) -> bool {
        self.next.is_none_or(|next| next <= now)
    }

    /// Gives the slot due at `now` to the next waiting send that is still
    /// there (a cancelled one passes its turn on); false when nobody waits.
    fn release_next(&mut self, now: Instant, spacing: Duration) -> bool {
        while let Some((priority, release)) = self.take_next() {
            if release.send(()).is_ok() {
                self.emergency_run = match priority {
                    Priority::Emergency if self.first_normal().is_some() => self.emergency_run + 1,
                    _ => 0,
                };
                self.book(now, spacing);
                return true;
            }
        }
        false
    }

    /// Takes who gets the next slot out of the queue: the first emergency,
    /// unless [`EMERGENCY_RUN`] of them went in a row while a normal send
    /// waited; then the first normal send.
    fn take_next(&mut self) -> Option<(Priority, oneshot::Sender<()>)> {
        let first = *self.waiting.keys().next()?;
        let key = match first.0 {
            Priority::Emergency if self.emergency_run >= EMERGENCY_RUN => self.first_normal().unwrap_or(first),
            _ => first,
        };
        self.waiting
            .remove_entry(&key)
            .map(|((priority, _), release)| (priority, release))
    }

    fn first_normal(&self) -> Option<(Priority, u64)> {
        self.waiting.range((Priority::Normal, 0)..).next().map(|(key, _)| *key)
    }

    /// Takes the slot due at `now`; the next falls one spacing after it. A
    /// slot due less than a spacing ago counts from when it was due, not
    /// from now: timers wake a little late (tokio's to the millisecond),
    /// and counting from the wake-up would lose that lag at every slot of
    /// a queue (29 a second instead of 30). Due longer ago, the rate was
    /// idle, and counting from now keeps a late wake from releasing a burst.
    fn book(&mut self, now: Instant, spacing: Duration) {
        let slot = match self.next {
            Some(next) if now.saturating_duration_since(next) < spacing => next,
            _ => now,
        };
        self.next = Some(slot + spacing);
    }
}

fn lock(queue: &Mutex<Queue>) -> MutexGuard<'_, Queue> {
    queue.lock().unwrap_or_else(|e| e.into_inner())
}
