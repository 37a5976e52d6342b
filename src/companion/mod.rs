//! The emergency companion: the bot stays with a person until help comes.
//! "I gave naloxone", "I called 112", "We are doing CPR" start timed
//! check-ins written in the content (`kind: companion`): "Is the person
//! breathing normally now?", with answers that show the next page (the next
//! dose, CPR) and lead to the next check-in.
//!
//! Pure like the doctors' line: an event (a tap, a tick of the clock, the
//! process stopping) in, a plan out; the Telegram adapter and the console
//! carry plans out. The clock is [`Ctx::now`].
//!
//! The only memory is [`Running`]: per chat, which companion, which
//! check-in and when, kept only while the check-ins run and never written
//! anywhere. Everything a tap needs travels in its button, so an answer
//! still works after a restart lost the timer (it starts the next one).

use std::collections::HashMap;

use chrono::{DateTime, Utc};

use crate::content::{Content, Locale, NodeIdx, NodeKey, NodeKind};
use crate::engine::Screen;
use crate::engine::companion::{self as screens, CompanionTap, Op};
use crate::i18n::Msg;
use crate::metrics::CompanionEvent;

/// Most chats with check-ins at once: a flood of starts cannot grow memory
/// without bound (the oldest is dropped).
pub const MAX_RUNNING: usize = 10_000;
/// Most people told at a stop that their check-ins ended: a stop must not
/// take minutes.
pub const MAX_TOLD_AT_STOP: usize = 200;

/// What every decision may look at.
#[derive(Clone, Copy)]
pub struct Ctx<'a> {
    pub content: &'a Content,
    pub now: DateTime<Utc>,
}

/// Something that happened to a companion.
#[derive(Debug)]
pub enum Event<'a> {
    /// A companion button (start, stop, an answer), `data` after the prefix.
    Tap { chat: i64, data: &'a str },
    /// The time has come for the earliest of [`Companions::next_due`].
    Tick,
    /// The process stops.
    Shutdown,
    /// A check-in reached the chat as `message`: the next one replaces it.
    CheckInSent { chat: i64, message: i32 },
}

/// One thing to do.
#[derive(Clone, Debug)]
pub enum Action<'c> {
    /// A screen sent as a new message; for a check-in the executor reports
    /// its id back ([`Event::CheckInSent`]).
    Show {
        to: i64,
        screen: Box<Screen<'c>>,
        checkin: bool,
    },
    /// The previous check-in, replaced by the next.
    Delete {
        chat: i64,
        message: i32,
    },
    /// The answer to the tapped button.
    Toast(Option<String>),
    Count(CompanionEvent),
    /// Check-ins lost by a stop (counted and logged, never whose).
    Lost(u64),
}

/// One chat's check-ins while they run.
#[derive(Clone, Debug)]
struct Running {
    node: NodeKey,
    locale: [u8; 2],
    /// The check-in asked next.
    step: usize,
    due: DateTime<Utc>,
    /// The check-ins stop by themselves then.
    ends: DateTime<Utc>,
    /// The check-in message on the screen, replaced by the next.
    shown: Option<i32>,
}

/// Every chat's running check-ins.
#[derive(Debug, Default)]
pub struct Companions {
    running: HashMap<i64, Running>,
}

impl Companions {
    pub fn new() -> Self {
        Self::default()
    }

    /// When the next check-in (or end) is due.
    pub fn next_due(&self) -> Option<DateTime<Utc>> {
        self.running.values().map(|r| r.due.min(r.ends)).min()
    }

    pub fn running(&self) -> usize {
        self.running.len()
    }

    /// The plan for `event`.
    pub fn handle<'c>(&mut self, ctx: &Ctx<'c>, event: Event<'_>) -> Vec<Action<'c>> {
        let mut plan = Vec::new();
        match event {
            Event::Tap { chat, data } => self.tap(ctx, &mut plan, chat, data),
            Event::Tick => self.tick(ctx, &mut plan),
            Event::Shutdown => self.shutdown(ctx, &mut plan),
            Event::CheckInSent { chat, message } => match self.running.get_mut(&chat) {
                Some(running) => running.shown = Some(message),
                // Stopped or ended while the check-in was on its way: its
                // answers would start them again.
                None => plan.push(Action::Delete { chat, message }),
            },
        }
        plan
    }

    fn tap<'c>(&mut self, ctx: &Ctx<'c>, plan: &mut Vec<Action<'c>>, chat: i64, data: &str) {
        let content = ctx.content;
        let tap = CompanionTap::decode(data);
        let found = tap.and_then(|tap| {
            let node = content.node_by_key(tap.node)?;
            let locale = std::str::from_utf8(&tap.locale)
                .ok()
                .and_then(|code| content.locale_by_code(code))?;
            (content.node(node).kind() == NodeKind::Companion).then_some((tap, node, locale))
        });
        let Some((tap, node, locale)) = found else {
            // A button of a companion the content no longer has.
            plan.push(Action::Toast(Some(
                content.ui(content.default_locale()).toast_invalid_button.clone(),
            )));
            return;
        };
        plan.push(Action::Toast(None));
        match tap.op {
            Op::Start => {
                plan.push(Action::Count(CompanionEvent::Started));
                let replaced = self.start(ctx, chat, tap, node, 0);
                if let Some(message) = replaced {
                    plan.push(Action::Delete { chat, message });
                }
                show(plan, chat, screens::started(content, locale, node), false);
            }
            Op::Stop => {
                plan.push(Action::Count(CompanionEvent::Stopped));
                // The check-in on screen goes too: its answers would start them again.
                if let Some(message) = self.running.remove(&chat).and_then(|r| r.shown) {
                    plan.push(Action::Delete { chat, message });
                }
                show(plan, chat, screens::note(content, locale, Msg::CompanionStopped), false);
            }
            Op::Answer { step, answer } => {
                let chosen = content
                    .node(node)
                    .companion()
                    .and_then(|c| c.checkins.get(step))
                    .and_then(|checkin| checkin.answers.get(answer));
                let Some(chosen) = chosen else {
                    return;
                };
                plan.push(Action::Count(CompanionEvent::Answered));
                if let Some(page) = chosen.show {
                    show(plan, chat, page_screen(content, locale, page), false);
                }
                match chosen.then {
                    Some(next) => {
                        self.start(ctx, chat, tap, node, next);
                    }
                    None => {
                        plan.push(Action::Count(CompanionEvent::Completed));
                        self.running.remove(&chat);
                        show(plan, chat, screens::note(content, locale, Msg::CompanionEnded), false);
                    }
                }
            }
        }
    }

    /// Check-in `step` of `node` becomes the next one asked in `chat`.
    /// Keeps the end time of check-ins already running there (an answer),
    /// starts it afresh otherwise (a start, or an answer after a restart).
    /// Returns the check-in on screen when a new start replaces it.
    fn start(&mut self, ctx: &Ctx<'_>, chat: i64, tap: CompanionTap, node: NodeIdx, step: usize) -> Option<i32> {
        let companion = ctx.content.node(node).companion()?;
        let mut running = Running {
            node: tap.node,
            locale: tap.locale,
            step,
            due: ctx.now + companion.checkins.get(step)?.after,
            ends: ctx.now + companion.ends_after,
            shown: None,
        };
        let mut replaced = None;
        if let Some(previous) = self.running.remove(&chat) {
            if tap.op == Op::Start {
                replaced = previous.shown;
            } else if previous.node == tap.node {
                running.ends = previous.ends;
                running.shown = previous.shown;
            }
        }
        self.running.insert(chat, running);
        if self.running.len() > MAX_RUNNING {
            forget_oldest(&mut self.running);
        }
        replaced
    }

    /// Each due check-in is asked (replacing the previous one) and asked
    /// again after its time while unanswered; check-ins past their end stop.
    fn tick<'c>(&mut self, ctx: &Ctx<'c>, plan: &mut Vec<Action<'c>>) {
        let content = ctx.content;
        let mut due: Vec<i64> = self
            .running
            .iter()
            .filter(|(_, r)| r.due.min(r.ends) <= ctx.now)
            .map(|(chat, _)| *chat)
            .collect();
        due.sort_unstable();
        for chat in due {
            let Some(running) = self.running.get_mut(&chat) else {
                continue;
            };
            let node = content.node_by_key(running.node);
            let locale = std::str::from_utf8(&running.locale)
                .ok()
                .and_then(|code| content.locale_by_code(code));
            let (Some(node), Some(locale)) = (node, locale) else {
                // The content changed under a running companion.
                self.running.remove(&chat);
                continue;
            };
            if running.ends <= ctx.now {
                plan.push(Action::Count(CompanionEvent::Expired));
                self.running.remove(&chat);
                show(plan, chat, screens::note(content, locale, Msg::CompanionEnded), false);
                continue;
            }
            let Some(screen) = screens::checkin(content, locale, node, running.step) else {
                self.running.remove(&chat);
                continue;
            };
            if let Some(message) = running.shown.take() {
                plan.push(Action::Delete { chat, message });
            }
            let after = content
                .node(node)
                .companion()
                .map_or(chrono::Duration::minutes(3), |c| c.checkins[running.step].after);
            running.due = ctx.now + after;
            plan.push(Action::Count(CompanionEvent::CheckIn));
            show(plan, chat, screen, true);
        }
    }

    /// The process stops: its check-ins are lost. Counted and logged, and
    /// each person told (up to [`MAX_TOLD_AT_STOP`]) to start them again.
    fn shutdown<'c>(&mut self, ctx: &Ctx<'c>, plan: &mut Vec<Action<'c>>) {
        if self.running.is_empty() {
            return;
        }
        plan.push(Action::Lost(self.running.len() as u64));
        let content = ctx.content;
        for (chat, running) in self.running.drain().take(MAX_TOLD_AT_STOP) {
            let locale = std::str::from_utf8(&running.locale)
                .ok()
                .and_then(|code| content.locale_by_code(code))
                .unwrap_or(content.default_locale());
            show(plan, chat, screens::note(content, locale, Msg::CompanionLost), false);
        }
    }
}

fn show<'c>(plan: &mut Vec<Action<'c>>, to: i64, screen: Screen<'c>, checkin: bool) {
    plan.push(Action::Show {
        to,
        screen: Box::new(screen),
        checkin,
    });
}

/// A page an answer shows, opened as from a link.
fn page_screen(content: &Content, locale: Locale, page: NodeIdx) -> Screen<'_> {
    crate::engine::handle_with(
        content,
        &crate::engine::Duties::default(),
        locale,
        crate::engine::Input::Start {
            payload: Some(content.node(page).id()),
        },
    )
}

fn forget_oldest(running: &mut HashMap<i64, Running>) {
    if let Some(oldest) = running.iter().min_by_key(|(_, r)| r.ends).map(|(chat, _)| *chat) {
        running.remove(&oldest);
    }
}

#[cfg(test)]
mod tests;
