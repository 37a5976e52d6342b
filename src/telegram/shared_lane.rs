//! One shared chat's waiting room at admission (a group, the duty chat):
//! each sender waits in a lane of their own, so one member's burst never
//! displaces another member's update.
//!
//! teloxide handles one chat's updates one at a time, so a shared chat has
//! at most [`IN_FLIGHT`] update handed to its worker; the rest wait here,
//! where their order can still change. What goes next: an emergency (the
//! oldest first), then a roster member's update (never dropped, in the
//! order sent), then the other senders in turn, one update each. A sender
//! who is neither has at most [`SENDER_WAITING`] updates waiting; past it
//! their newest replaces their previous newest, as a private chat's burst
//! is coalesced. What is not for the bot never waits. Pure: it never sees an update's content, only the class
//! its caller gave it, and never logs.

use std::collections::VecDeque;

/// How an update waits in a shared chat.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Class {
    /// Words that describe an emergency, said to the bot.
    Emergency,
    /// From a member of the roster (a doctor's answer, a tap on a card).
    Member,
    /// Anything else for the bot.
    Other,
    /// Not for the bot (talk among members, another bot's command): there
    /// is nothing to answer, so it never waits; it is let through only
    /// when nothing else is in the chat's way.
    Unaddressed,
}

/// Updates of one shared chat handed to its lane at once: the lane
/// handles them one by one anyway, and what waits here can still be
/// reordered.
pub const IN_FLIGHT: usize = 1;

/// A sender's ordinary updates waiting at once; a burst beyond it is
/// answered for its first few and its newest.
pub const SENDER_WAITING: usize = 3;

/// Emergencies waiting in one chat. One per sender (a repeat replaces the
/// previous: the answer is the same page); past this many senders the
/// oldest goes (each would get the same emergency answer).
pub const EMERGENCIES_WAITING: usize = 32;

/// A roster member's updates waiting in one chat: far beyond any doctor's
/// burst, a bound only against a stolen account.
pub const MEMBER_WAITING: usize = 1_000;

/// Ordinary updates waiting in one chat, across all its senders; past it
/// the turn's oldest sender loses their oldest update.
pub const OTHERS_WAITING: usize = 64;

/// One shared chat: what is in flight and who waits for what.
#[derive(Debug)]
pub struct SharedLane<T> {
    in_flight: usize,
    emergencies: VecDeque<(u64, T)>,
    members: VecDeque<T>,
    /// Senders in turn, each with their waiting updates (never empty).
    others: VecDeque<(u64, VecDeque<T>)>,
    others_waiting: usize,
}

impl<T> Default for SharedLane<T> {
    fn default() -> Self {
        SharedLane {
            in_flight: 0,
            emergencies: VecDeque::new(),
            members: VecDeque::new(),
            others: VecDeque::new(),
            others_waiting: 0,
        }
    }
}

/// What became of an arriving update.
#[derive(Debug, PartialEq, Eq)]
pub struct Arrival<T> {
    /// To hand to the worker now.
    pub admitted: Option<T>,
    /// Replaced or pushed out: never handled (counted by the caller).
    pub dropped: Option<T>,
}

impl<T> SharedLane<T> {
    /// `item` from `sender` arrives; `class` is asked only when it has to wait.
    pub fn arrive(&mut self, sender: u64, item: T, class: impl FnOnce(&T) -> Class) -> Arrival<T> {
        if self.in_flight < IN_FLIGHT && self.is_empty() {
            self.in_flight += 1;
            return Arrival {
                admitted: Some(item),
                dropped: None,
            };
        }
        let dropped = match class(&item) {
            Class::Emergency => self.wait_emergency(sender, item),
            Class::Member if self.members.len() >= MEMBER_WAITING => Some(item),
            Class::Member => {
                self.members.push_back(item);
                None
            }
            Class::Other => self.wait_other(sender, item),
            Class::Unaddressed => None,
        };
        Arrival {
            admitted: None,
            dropped,
        }
    }

    /// One update is done: the next to hand to the worker, if any waits.
    pub fn done(&mut self) -> Option<T> {
        self.in_flight = self.in_flight.saturating_sub(1);
        let next = self.next()?;
        self.in_flight += 1;
        Some(next)
    }

    /// Nothing in flight and nothing waiting: the chat can be forgotten.
    pub fn is_idle(&self) -> bool {
        self.in_flight == 0 && self.is_empty()
    }

    fn is_empty(&self) -> bool {
        self.emergencies.is_empty() && self.members.is_empty() && self.others.is_empty()
    }

    fn next(&mut self) -> Option<T> {
        if let Some((_, item)) = self.emergencies.pop_front() {
            return Some(item);
        }
        if let Some(item) = self.members.pop_front() {
            return Some(item);
        }
        let (sender, mut waiting) = self.others.pop_front()?;
        let item = waiting.pop_front();
        self.others_waiting -= 1;
        if !waiting.is_empty() {
            // Their next update waits for everyone else's turn.
            self.others.push_back((sender, waiting));
        }
        item
    }

    fn wait_emergency(&mut self, sender: u64, item: T) -> Option<T> {
        if let Some((_, previous)) = self.emergencies.iter_mut().find(|(s, _)| *s == sender) {
            return Some(std::mem::replace(previous, item));
        }
        self.emergencies.push_back((sender, item));
        if self.emergencies.len() > EMERGENCIES_WAITING {
            return self.emergencies.pop_front().map(|(_, oldest)| oldest);
        }
        None
    }

    fn wait_other(&mut self, sender: u64, item: T) -> Option<T> {
        if let Some((_, waiting)) = self.others.iter_mut().find(|(s, _)| *s == sender) {
            if waiting.len() >= SENDER_WAITING {
                let newest = waiting.back_mut().expect("a waiting sender has updates");
                return Some(std::mem::replace(newest, item));
            }
            waiting.push_back(item);
        } else {
            self.others.push_back((sender, VecDeque::from([item])));
        }
        self.others_waiting += 1;
        if self.others_waiting <= OTHERS_WAITING {
            return None;
        }
        let (sender, mut waiting) = self.others.pop_front().expect("updates are waiting");
        let oldest = waiting.pop_front();
        self.others_waiting -= 1;
        if !waiting.is_empty() {
            self.others.push_front((sender, waiting));
        }
        oldest
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Arrivals of `(sender, item, class)`; returns what was admitted at once and dropped.
    fn arrive_all(lane: &mut SharedLane<u32>, arrivals: &[(u64, u32, Class)]) -> (Vec<u32>, Vec<u32>) {
        let (mut admitted, mut dropped) = (Vec::new(), Vec::new());
        for &(sender, item, class) in arrivals {
            let arrival = lane.arrive(sender, item, |_| class);
            admitted.extend(arrival.admitted);
            dropped.extend(arrival.dropped);
        }
        (admitted, dropped)
    }

    fn drain(lane: &mut SharedLane<u32>) -> Vec<u32> {
        std::iter::from_fn(|| lane.done()).collect()
    }

    #[test]
    fn an_emergency_goes_before_a_burst_of_commands_it_arrived_among() {
        let mut lane = SharedLane::default();
        let (a, b) = (1, 2);
        let mut arrivals: Vec<_> = (1..=12).map(|n| (a, n, Class::Other)).collect();
        arrivals.insert(6, (b, 100, Class::Emergency));
        let (admitted, dropped) = arrive_all(&mut lane, &arrivals);
        assert_eq!(admitted, [1]);
        assert_eq!(
            drain(&mut lane),
            [100, 2, 3, 12],
            "the emergency next, then a's first and newest"
        );
        assert_eq!(dropped, [4, 5, 6, 7, 8, 9, 10, 11]);
        assert!(lane.is_idle());
    }

    #[test]
    fn senders_take_turns_and_a_members_updates_are_never_dropped() {
        let mut lane = SharedLane::default();
        let (stranger, doctor, other) = (1, 2, 3);
        let mut arrivals: Vec<_> = (1..=40).map(|n| (stranger, n, Class::Other)).collect();
        arrivals.insert(20, (doctor, 500, Class::Member));
        arrivals.insert(30, (doctor, 501, Class::Member));
        arrivals.push((other, 900, Class::Other));
        let (admitted, dropped) = arrive_all(&mut lane, &arrivals);
        assert_eq!(admitted, [1]);
        assert_eq!(dropped.len(), 40 - 1 - SENDER_WAITING);
        assert_eq!(drain(&mut lane), [500, 501, 2, 900, 3, 40]);
    }

    #[test]
    fn the_waiting_room_stays_bounded() {
        let mut lane = SharedLane::default();
        lane.arrive(0, 0, |_| Class::Other);
        let mut dropped = 0;
        for sender in 1..=1_000u64 {
            dropped += usize::from(lane.arrive(sender, sender as u32, |_| Class::Other).dropped.is_some());
            dropped += usize::from(lane.arrive(sender, 0, |_| Class::Emergency).dropped.is_some());
            dropped += usize::from(lane.arrive(sender, 1, |_| Class::Emergency).dropped.is_some());
        }
        assert_eq!(lane.others_waiting, OTHERS_WAITING);
        assert_eq!(lane.emergencies.len(), EMERGENCIES_WAITING);
        assert_eq!(dropped, 3_000 - OTHERS_WAITING - EMERGENCIES_WAITING);
        let order = drain(&mut lane);
        assert_eq!(order.len(), OTHERS_WAITING + EMERGENCIES_WAITING);
        assert!(
            order[..EMERGENCIES_WAITING].iter().all(|&item| item == 1),
            "each sender's newest emergency"
        );
        assert_eq!(
            order[EMERGENCIES_WAITING],
            1_000 - OTHERS_WAITING as u32 + 1,
            "the oldest left"
        );
    }

    #[test]
    fn talk_that_is_not_for_the_bot_never_takes_a_members_place() {
        let mut lane = SharedLane::default();
        let arrivals = [
            (1, 1, Class::Unaddressed),
            (1, 2, Class::Unaddressed),
            (1, 3, Class::Other),
            (1, 4, Class::Unaddressed),
            (1, 5, Class::Other),
        ];
        let (admitted, dropped) = arrive_all(&mut lane, &arrivals);
        assert_eq!(admitted, [1], "let through when nothing is in the way");
        assert!(dropped.is_empty(), "nothing to count: nothing was lost");
        assert_eq!(drain(&mut lane), [3, 5]);
    }

    #[test]
    fn the_class_is_asked_only_of_what_waits() {
        let mut lane = SharedLane::default();
        let first = lane.arrive(1, 1, |_| unreachable!("admitted at once"));
        assert_eq!(first.admitted, Some(1));
        assert_eq!(lane.done(), None);
        assert!(lane.is_idle());
    }
}
