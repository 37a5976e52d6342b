//! What the lines remember between events, owned in one place: each
//! line's [`Cases`] (keyed by the line's id, so a roster reload that keeps
//! a line keeps its timers), the question limit and the refusals (shared
//! by every line: a person is counted across lines). The configuration
//! (roster, key) is not here: it lives in [`Desks`], swapped whole on
//! reload. In RAM only, never written; no lock and no clock (the adapter
//! decides how a `LineState` is shared; the time is `Ctx::now`).

use std::collections::HashMap;

use chrono::{DateTime, Utc};

use super::{Action, Cases, Ctx, Event, Memory};
use crate::drive::Machine;
use crate::handoff::{Desks, QuestionLimit, Refusals};

/// The memory of every line of the roster.
#[derive(Default)]
pub struct LineState {
    cases: HashMap<String, Cases>,
    limit: QuestionLimit,
    refusals: Refusals,
}

impl LineState {
    pub fn new() -> Self {
        Self::default()
    }

    /// The plan for `event` on the line of `ctx.desk` (the adapter asks
    /// [`Desks::lines_for`] which lines an event goes to).
    pub fn handle<'c>(&mut self, ctx: &Ctx<'c>, event: Event<'_>) -> Vec<Action<'c>> {
        let line = ctx.desk.roster.line();
        if !self.cases.contains_key(line) {
            self.cases.insert(line.to_owned(), Cases::new());
        }
        let mut memory = Memory {
            cases: self.cases.get_mut(line).expect("inserted above"),
            limit: &mut self.limit,
            refusals: &mut self.refusals,
        };
        super::plan(ctx, &mut memory, event)
    }

    /// When the flow next needs an [`Event::Tick`], on any line.
    pub fn next_due(&self) -> Option<DateTime<Utc>> {
        self.cases.values().filter_map(Cases::next_due).min()
    }

    /// Cases with a timer running (or a card on its way), on every line.
    pub fn running(&self) -> usize {
        self.cases.values().map(Cases::running).sum()
    }

    /// After a roster reload: a line the roster no longer has loses its
    /// cases (their timers would fire on no line); the others keep theirs.
    pub fn keep_lines(&mut self, desks: &Desks) {
        self.cases.retain(|line, _| desks.line(line).is_some());
    }
}

impl Machine for LineState {
    type Ctx<'c> = Ctx<'c>;
    type Event<'e> = Event<'e>;
    type Action<'c> = Action<'c>;

    fn handle<'c>(&mut self, ctx: &Self::Ctx<'c>, event: Self::Event<'_>) -> Vec<Self::Action<'c>> {
        LineState::handle(self, ctx, event)
    }
}
