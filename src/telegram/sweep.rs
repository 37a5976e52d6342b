//! Which message ids to delete when a person clears their chat, in what
//! order, and when to stop. Pure: `clear` makes the calls and reports each
//! answer back, so the whole walk is tested here without Telegram.
//!
//! The bot keeps no history, so it cannot know which ids the chat holds.
//! What it knows: message ids in a private chat count up one by one, the
//! message it has just sent is the newest, and `deleteMessages` takes up
//! to 100 ids, skips those it cannot find in this chat, and refuses the
//! whole call, deleting nothing, when one message it finds may not be
//! deleted: older than 48 hours (or one of the few kinds Telegram never
//! lets a bot delete, such as a dice thrown in the last day; see
//! `MessagesManager::delete_messages` in TDLib). Ids grow with time, so
//! refusals begin at one id and go on below it.
//!
//! So the sweep walks down from the newest id in batches of [`BATCH`].
//! When a batch is refused, a binary search (7 calls for 100 ids) deletes
//! everything above the newest refused id and finds it; then that id's
//! neighbour below, alone, tells the 48-hour boundary from a lone
//! exception: refused too, everything older is out of reach and the sweep
//! stops; deleted (or not there), the walk goes on. Two exceptions next to
//! each other stop it early: the report then still tells the person how to
//! delete the rest in the app.
//!
//! Nothing says where a long chat's last 48 hours begin, so the sweep is
//! bounded twice: [`MAX_IDS`] ids below the newest, [`MAX_CALLS`] calls.

use std::ops::RangeInclusive;

use super::delivery::Deletion;

/// Ids per `deleteMessages` call, Telegram's maximum.
pub const BATCH: i32 = 100;

/// The most ids below the newest message a sweep tries: a thousand
/// exchanges in 48 hours, where a tap edits the menu in place rather than
/// adding a message. More than any person sends; the bound is for a chat
/// that floods the bot, whose report then says some messages may be left.
pub const MAX_IDS: i32 = 2_000;

/// The most calls a sweep makes: every batch of [`MAX_IDS`], one binary
/// search and its check. Paced like messages to the chat (one a second),
/// so a sweep holds its own chat for half a minute at most; other chats
/// never wait for it.
pub const MAX_CALLS: u32 = 30;

/// Why a sweep stopped.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ending {
    /// It reached the chat's first message.
    ChatStart,
    /// It reached messages older than 48 hours, which stay.
    Older,
    /// It stopped at [`MAX_IDS`] or [`MAX_CALLS`]; deletable messages may be left.
    Bound,
}

/// What to do next.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Step {
    /// Call `deleteMessages` with these ids, then [`Sweep::answer`].
    Delete(RangeInclusive<i32>),
    Finished(Ending),
}

/// One chat's sweep, from the message that stays downwards.
#[derive(Clone, Debug)]
pub struct Sweep {
    /// The lowest id tried.
    floor: i32,
    calls: u32,
    phase: Phase,
}

#[derive(Clone, Copy, Debug)]
enum Phase {
    /// Batches from `next` down.
    Walk { next: i32 },
    /// A batch was refused: the newest refused id is in `low..=high`, and
    /// ids above `high` in that batch are gone.
    Bisect { low: i32, high: i32 },
    /// `refused` is the newest refused id of its batch; is the one below it
    /// refused too?
    Check { refused: i32 },
    /// Both were: the rest is older than 48 hours.
    Older,
}

impl Sweep {
    /// A sweep of the ids below `newest`, the message that stays.
    pub fn below(newest: i32) -> Self {
        Sweep {
            floor: (newest - MAX_IDS).max(1),
            calls: 0,
            phase: Phase::Walk { next: newest - 1 },
        }
    }

    /// Calls made so far.
    pub fn calls(&self) -> u32 {
        self.calls
    }

    pub fn step(&self) -> Step {
        let range = match self.phase {
            Phase::Older => return Step::Finished(Ending::Older),
            _ if self.calls >= MAX_CALLS => return Step::Finished(Ending::Bound),
            Phase::Walk { next } if next < self.floor => return Step::Finished(self.past_floor()),
            Phase::Walk { next } => (next - BATCH + 1).max(self.floor)..=next,
            Phase::Bisect { low, high } => low + (high - low + 1) / 2..=high,
            Phase::Check { refused } if refused - 1 < self.floor => return Step::Finished(self.past_floor()),
            Phase::Check { refused } => refused - 1..=refused - 1,
        };
        Step::Delete(range)
    }

    /// What Telegram answered to the last [`Step::Delete`].
    pub fn answer(&mut self, answer: Deletion) {
        let Step::Delete(range) = self.step() else {
            return;
        };
        self.calls += 1;
        let (low, high) = (*range.start(), *range.end());
        self.phase = match (self.phase, answer) {
            (Phase::Walk { .. }, Deletion::Done) => Phase::Walk { next: low - 1 },
            (Phase::Walk { .. }, Deletion::Refused) => narrowed(low, high),
            // The upper half went: the newest refused id is below it.
            (Phase::Bisect { low: bottom, .. }, Deletion::Done) => narrowed(bottom, low - 1),
            (Phase::Bisect { .. }, Deletion::Refused) => narrowed(low, high),
            (Phase::Check { refused }, Deletion::Done) => Phase::Walk { next: refused - 2 },
            (Phase::Check { .. }, Deletion::Refused) | (Phase::Older, _) => Phase::Older,
        };
    }

    /// Why the sweep ends when the next id is below the floor.
    fn past_floor(&self) -> Ending {
        if self.floor == 1 {
            Ending::ChatStart
        } else {
            Ending::Bound
        }
    }
}

/// The newest refused id is in `low..=high`: search on, or check it once found.
fn narrowed(low: i32, high: i32) -> Phase {
    if low == high {
        Phase::Check { refused: low }
    } else {
        Phase::Bisect { low, high }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use proptest::prelude::*;

    use super::*;

    /// A chat as Telegram keeps it: each present id, and whether a bot may
    /// still delete it.
    #[derive(Clone, Debug, Default)]
    struct Chat(BTreeMap<i32, bool>);

    impl Chat {
        /// `deleteMessages`: unknown ids skipped, all or nothing.
        fn delete(&mut self, ids: RangeInclusive<i32>) -> Deletion {
            if self.0.range(ids.clone()).any(|(_, deletable)| !deletable) {
                return Deletion::Refused;
            }
            self.0.retain(|id, _| !ids.contains(id));
            Deletion::Done
        }

        fn deletable_left(&self, below: i32) -> Vec<i32> {
            self.0.range(..below).filter(|(_, d)| **d).map(|(id, _)| *id).collect()
        }

        /// Ids `range` present, deletable or not.
        fn with(mut self, range: RangeInclusive<i32>, deletable: bool) -> Self {
            self.0.extend(range.map(|id| (id, deletable)));
            self
        }
    }

    /// Sweeps `chat` below `newest`, checking every call; returns why it
    /// stopped and how many calls it made.
    fn sweep(chat: &mut Chat, newest: i32) -> (Ending, u32) {
        let mut sweep = Sweep::below(newest);
        loop {
            match sweep.step() {
                Step::Delete(ids) => {
                    assert!(ids.end() - ids.start() < BATCH, "at most 100 ids: {ids:?}");
                    assert!(*ids.start() >= 1 && *ids.end() < newest, "{ids:?} below {newest}");
                    assert!(newest - ids.start() <= MAX_IDS, "{ids:?} past the bound");
                    let answer = chat.delete(ids);
                    sweep.answer(answer);
                }
                Step::Finished(ending) => {
                    assert!(sweep.calls() <= MAX_CALLS);
                    return (ending, sweep.calls());
                }
            }
        }
    }

    #[test]
    fn a_new_chat_goes_in_one_call() {
        let mut chat = Chat::default().with(1..=30, true);
        assert_eq!(sweep(&mut chat, 31), (Ending::ChatStart, 1));
        assert!(chat.0.is_empty());
    }

    #[test]
    fn a_longer_chat_goes_in_batches_of_a_hundred() {
        let mut chat = Chat::default().with(1..=250, true);
        assert_eq!(sweep(&mut chat, 251), (Ending::ChatStart, 3));
        assert!(chat.0.is_empty());
    }

    #[test]
    fn older_messages_stay_and_the_sweep_stops_at_them() {
        // Two days ago: 1-500; today: 501-560.
        let mut chat = Chat::default().with(1..=500, false).with(501..=560, true);
        let (ending, calls) = sweep(&mut chat, 561);
        assert_eq!(ending, Ending::Older);
        assert_eq!(chat.deletable_left(561), Vec::<i32>::new());
        assert_eq!(chat.0.len(), 500, "every old message is still there");
        assert_eq!(
            calls,
            1 + 7 + 1,
            "the refused batch, its binary search, the check below"
        );
    }

    #[test]
    fn a_boundary_on_a_batch_edge_costs_one_more_batch() {
        let mut chat = Chat::default().with(1..=460, false).with(461..=560, true);
        assert_eq!(sweep(&mut chat, 561), (Ending::Older, 1 + 1 + 7 + 1));
        assert_eq!(chat.deletable_left(561), Vec::<i32>::new());
    }

    #[test]
    fn a_lone_message_telegram_keeps_does_not_stop_the_sweep() {
        // A dice thrown an hour ago, in the middle of today's messages.
        let mut chat = Chat::default().with(1..=560, true).with(520..=520, false);
        assert_eq!(sweep(&mut chat, 561).0, Ending::ChatStart);
        assert_eq!(chat.0.keys().copied().collect::<Vec<_>>(), [520]);
    }

    #[test]
    fn two_kept_messages_side_by_side_stop_it_early() {
        // The known limit: they look like the 48-hour boundary.
        let mut chat = Chat::default().with(1..=560, true).with(520..=521, false);
        assert_eq!(sweep(&mut chat, 561).0, Ending::Older);
        assert_eq!(chat.0.range(522..).count(), 0, "everything above them went");
    }

    #[test]
    fn a_chat_flooded_past_the_bound_keeps_its_oldest_ids() {
        let mut chat = Chat::default().with(1..=5_000, true);
        assert_eq!(sweep(&mut chat, 5_001), (Ending::Bound, 20));
        assert_eq!(chat.0.len(), 5_000 - MAX_IDS as usize);
        assert_eq!(chat.0.keys().next_back(), Some(&(5_000 - MAX_IDS)));
    }

    #[test]
    fn many_exceptions_end_at_the_call_bound() {
        let mut chat = Chat::default().with(1..=1_900, true);
        for id in (50..=1_900).step_by(100) {
            chat.0.insert(id, false);
        }
        assert_eq!(sweep(&mut chat, 1_901), (Ending::Bound, MAX_CALLS));
    }

    #[test]
    fn gaps_are_skipped() {
        // Only even ids exist (the rest deleted by hand before).
        let mut chat = Chat::default();
        chat.0.extend((2..=300).step_by(2).map(|id| (id, true)));
        assert_eq!(sweep(&mut chat, 301), (Ending::ChatStart, 3));
        assert!(chat.0.is_empty());
    }

    proptest! {
        /// Any chat: old messages below a boundary, recent ones above with
        /// gaps and lone exceptions. Every deletable message in reach goes
        /// unless a bound stopped the sweep, and the bounds always hold.
        #[test]
        fn every_deletable_message_in_reach_goes(
            newest in 2..3_000i32,
            boundary in 0..3_000i32,
            present in proptest::collection::vec(any::<bool>(), 3_000),
            kept in proptest::collection::btree_set(1..3_000i32, 0..6),
        ) {
            let mut chat = Chat::default();
            for id in 1..newest {
                if present[id as usize] || id == boundary - 1 {
                    chat.0.insert(id, id >= boundary);
                }
            }
            for &id in &kept {
                // Lone exceptions, never two side by side.
                if id < newest && !kept.contains(&(id - 1)) && !kept.contains(&(id + 1)) {
                    chat.0.insert(id, false);
                }
            }
            let (ending, calls) = sweep(&mut chat, newest);
            prop_assert!(calls <= MAX_CALLS);
            if ending != Ending::Bound {
                prop_assert_eq!(chat.deletable_left(newest), Vec::<i32>::new());
            }
        }
    }
}
