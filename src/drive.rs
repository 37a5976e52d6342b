//! How a plan is carried out: the one queue every executor of a pure flow
//! uses (the doctors' line and the companion; the Telegram adapter, the
//! console and the flows' tests), so the order of a plan and of what its
//! results lead to is decided here once, not in each loop.
//!
//! A flow is a [`Machine`]: it owns its memory and is driven through
//! `&mut self`, an event and a context (configuration and `now`) in, a
//! plan of actions out. [`Drive`] holds one event's plan and hands it out
//! action by action (pull, not callbacks: an async executor awaits between
//! [`Drive::next`] calls, a sync one does not, and neither holds the
//! machine meanwhile, so the Telegram adapter locks it only while planning).
//!
//! Invariants:
//! - **Order.** Actions are carried out in the order they were planned; an
//!   event fed back ([`Drive::feed`], a result the flow asked for) plans
//!   actions that go after every action already queued, never before.
//! - **Outcomes go back to the same machine**, as events of its own kind,
//!   with a context built for that event; the executor decides only what a
//!   result was, never what follows from it.
//! - **`now` is fixed per event**: the context of one `handle` call has one
//!   time; the machine reads no clock. Telegram gives each event the real
//!   time, the console and the tests their simulated one.
//! - An executor may drop what is still queued when the recipient is gone
//!   ([`Drive::drop_queued`]); it never reorders.
//!
//! No I/O, no clock, no locks: a queue and a contract.

use std::collections::VecDeque;

/// A sans-I/O flow: its memory behind `&mut self`, its configuration and
/// time in `Ctx`.
pub trait Machine {
    /// What every decision may read: configuration and the event's time.
    type Ctx<'c>;
    type Event<'e>;
    /// One thing to do; may borrow the configuration (`'c`), never the machine.
    type Action<'c>;

    /// The plan for `event`.
    fn handle<'c>(&mut self, ctx: &Self::Ctx<'c>, event: Self::Event<'_>) -> Vec<Self::Action<'c>>;
}

/// One event's plan and the plans its results lead to, in order.
pub struct Drive<'c, M: Machine> {
    queue: VecDeque<M::Action<'c>>,
}

impl<'c, M: Machine> Drive<'c, M> {
    /// Plans `event`.
    pub fn start(machine: &mut M, ctx: &M::Ctx<'c>, event: M::Event<'_>) -> Self {
        Self::of(machine.handle(ctx, event))
    }

    /// Carries out a plan already made (a part of one, split by the executor).
    pub fn of(plan: Vec<M::Action<'c>>) -> Self {
        Drive { queue: plan.into() }
    }

    /// The next action to carry out.
    #[allow(clippy::should_implement_trait)] // an iterator could not be fed while iterated
    pub fn next(&mut self) -> Option<M::Action<'c>> {
        self.queue.pop_front()
    }

    /// A result the flow asked for, as `event`: its plan goes after every
    /// action already queued.
    pub fn feed(&mut self, machine: &mut M, ctx: &M::Ctx<'c>, event: M::Event<'_>) {
        self.queue.extend(machine.handle(ctx, event));
    }

    /// Forgets what is still queued (its recipient is gone).
    pub fn drop_queued(&mut self) {
        self.queue.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Plans two actions per event; a "fed" event plans its follow-ups.
    #[derive(Default)]
    struct Echo {
        events: Vec<String>,
    }

    impl Machine for Echo {
        type Ctx<'c> = u32;
        type Event<'e> = &'e str;
        type Action<'c> = String;

        fn handle<'c>(&mut self, now: &Self::Ctx<'c>, event: Self::Event<'_>) -> Vec<Self::Action<'c>> {
            self.events.push(format!("{event}@{now}"));
            vec![format!("{event}.1"), format!("{event}.2")]
        }
    }

    #[test]
    fn follow_ups_go_after_everything_already_planned() {
        let mut machine = Echo::default();
        let mut drive = Drive::start(&mut machine, &0, "a");
        let mut done = Vec::new();
        let mut now = 0;
        while let Some(action) = drive.next() {
            now += 1;
            if action == "a.1" {
                drive.feed(&mut machine, &now, "b");
            }
            if action == "b.1" {
                drive.feed(&mut machine, &now, "c");
            }
            done.push(action);
        }
        assert_eq!(done, ["a.1", "a.2", "b.1", "b.2", "c.1", "c.2"]);
        assert_eq!(machine.events, ["a@0", "b@1", "c@3"], "each event with its own time");
    }

    #[test]
    fn a_gone_recipient_drops_the_rest_but_not_what_follows() {
        let mut machine = Echo::default();
        let mut drive = Drive::start(&mut machine, &0, "a");
        assert_eq!(drive.next().as_deref(), Some("a.1"));
        drive.drop_queued();
        drive.feed(&mut machine, &1, "gone");
        let rest: Vec<String> = std::iter::from_fn(|| drive.next()).collect();
        assert_eq!(rest, ["gone.1", "gone.2"]);
    }
}
