//! The emergency companion: the bot stays with a person until help comes.
//! "I gave naloxone", "I called 112", "We are doing CPR" start timed
//! check-ins written in the content (`kind: companion`): "Is the person
//! breathing normally now?", with answers that show the next page (the next
//! dose, CPR) and lead to the next check-in.
//!
//! Companions compose: one chat may run several at once (naloxone given,
//! then CPR started, then the ambulance called), each with its own clock
//! and its own check-in on screen, because each watches for something else
//! (naloxone wearing off, tired hands, the crew's arrival). Starting one
//! never ends another; the person is told what else is still running, and
//! one Stop ends all of them and says which.
//!
//! Pure like the doctors' line: an event (a tap, a tick of the clock, a
//! check-in delivered, a chat gone, the process stopping) in, a plan out;
//! the Telegram adapter and the console carry plans out, through the one
//! driver ([`crate::drive`]). The clock is [`Ctx::now`].
//!
//! The only memory is [`Watch`]: per chat and companion, which check-in
//! and when, kept only while the check-ins run and never written anywhere.
//! Everything a tap needs travels in its button, so an answer still works
//! after a restart lost the timer (it starts the next one).

mod counts;

pub use counts::CompanionEvent;

use std::collections::HashMap;

use chrono::{DateTime, Utc};

use crate::content::{Content, Locale, NodeIdx, NodeKey, NodeKind};
use crate::engine::Screen;
use crate::engine::companion::{self as screens, CompanionTap, Op};
use crate::i18n::Msg;

/// Most companions running at once in all chats: a flood of starts cannot
/// grow memory without bound. Past it, the one unanswered longest goes
/// (counted, and its person told).
pub const MAX_RUNNING: usize = 10_000;
/// Most people told at a stop that their check-ins ended: a stop must not
/// take minutes.
pub const MAX_TOLD_AT_STOP: usize = 200;
/// How often one check-in is asked without an answer before the companion
/// gives up: a phone left in a pocket, or a chat nobody reads, is not
/// asked every few minutes for hours.
pub const MAX_ASKS: u8 = 3;

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
    /// A check-in of `companion` reached the chat as `message`: the next
    /// one replaces it.
    CheckInSent {
        chat: i64,
        companion: NodeKey,
        message: i32,
    },
    /// Telegram says the chat is gone (the bot was blocked, the account
    /// deleted): nobody is there to read a check-in.
    ChatGone { chat: i64 },
}

/// One thing to do.
#[derive(Clone, Debug)]
pub enum Action<'c> {
    /// A screen sent as a new message. `urgent` ones go before everything
    /// else Telegram's rate allows (a first check-in, a page an answer
    /// opens); a repeated question or a note waits its turn. For a
    /// check-in the executor reports its id back ([`Event::CheckInSent`]).
    Show {
        to: i64,
        screen: Box<Screen<'c>>,
        checkin: Option<NodeKey>,
        urgent: bool,
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

/// One companion running in one chat.
#[derive(Clone, Debug)]
struct Watch {
    node: NodeKey,
    locale: [u8; 2],
    /// The check-in asked next.
    step: usize,
    due: DateTime<Utc>,
    /// The check-ins stop by themselves then: `ends_after` from the start
    /// or the last answer that restarted the watch (a new dose).
    ends: DateTime<Utc>,
    /// How often the current check-in was asked without an answer.
    asked: u8,
    /// The start or the last answer: at the cap, the watch heard from
    /// least recently goes first.
    heard: DateTime<Utc>,
    /// The check-in message on the screen, replaced by the next.
    shown: Option<i32>,
}

impl Watch {
    fn next_time(&self) -> DateTime<Utc> {
        self.due.min(self.ends)
    }
}

/// Every chat's running companions.
#[derive(Debug, Default)]
pub struct Companions {
    chats: HashMap<i64, Vec<Watch>>,
    running: usize,
}

impl Companions {
    pub fn new() -> Self {
        Self::default()
    }

    /// When the next check-in (or end) is due.
    pub fn next_due(&self) -> Option<DateTime<Utc>> {
        self.chats.values().flatten().map(Watch::next_time).min()
    }

    /// Companions running, in all chats.
    pub fn running(&self) -> usize {
        self.running
    }

    /// The plan for `event`.
    pub fn handle<'c>(&mut self, ctx: &Ctx<'c>, event: Event<'_>) -> Vec<Action<'c>> {
        let mut plan = Vec::new();
        match event {
            Event::Tap { chat, data } => self.tap(ctx, &mut plan, chat, data),
            Event::Tick => self.tick(ctx, &mut plan),
            Event::Shutdown => self.shutdown(ctx, &mut plan),
            Event::CheckInSent {
                chat,
                companion,
                message,
            } => match self.watch_mut(chat, companion) {
                Some(watch) => watch.shown = Some(message),
                // Stopped or ended while the check-in was on its way: its
                // answers would start them again.
                None => plan.push(Action::Delete { chat, message }),
            },
            Event::ChatGone { chat } => {
                for _ in self.remove_chat(chat) {
                    plan.push(Action::Count(CompanionEvent::Dropped));
                }
            }
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
                // Tapped again while it runs: a new dose, a new call; its
                // clock starts again and its old check-in goes.
                if let Some(message) = self.remove(chat, tap.node).and_then(|w| w.shown) {
                    plan.push(Action::Delete { chat, message });
                }
                self.start(ctx, plan, chat, tap, node, 0, true);
                let others = self.others(content, chat, tap.node);
                show(plan, chat, screens::started(content, locale, node, &others), true);
            }
            Op::Stop => {
                let stopped = self.remove_chat(chat);
                let names = titles(content, locale, stopped.iter().map(|w| w.node));
                for watch in &stopped {
                    plan.push(Action::Count(CompanionEvent::Stopped));
                    // The check-in on screen goes too: its answers would start them again.
                    if let Some(message) = watch.shown {
                        plan.push(Action::Delete { chat, message });
                    }
                }
                let text = if names.is_empty() {
                    content.text(locale, Msg::CompanionNoneRunning, &[])
                } else {
                    content.text(locale, Msg::CompanionStopped, &[("names", &names)])
                };
                show(plan, chat, screens::note(content, locale, &text), false);
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
                    show(plan, chat, page_screen(content, locale, page), true);
                }
                match chosen.then {
                    Some(next) => self.start(ctx, plan, chat, tap, node, next, chosen.restarts),
                    None => {
                        plan.push(Action::Count(CompanionEvent::Completed));
                        self.remove(chat, tap.node);
                        let done = content.node(node).companion().and_then(|c| c.done.as_ref());
                        let text = match done {
                            Some(done) => done[locale.0].plain.clone(),
                            None => {
                                let title = content.node(node).title(locale);
                                content.text(locale, Msg::CompanionEnded, &[("name", title)])
                            }
                        };
                        let text = self.with_others(content, locale, chat, text);
                        show(plan, chat, screens::note(content, locale, &text), false);
                    }
                }
            }
        }
    }

    /// Check-in `step` of `node` becomes the next one asked in `chat`.
    /// Keeps the end time of the watch already running there, unless
    /// `restart` (a start, a new dose) or nothing runs (an answer after a
    /// restart of the bot).
    #[allow(clippy::too_many_arguments)]
    fn start<'c>(
        &mut self,
        ctx: &Ctx<'c>,
        plan: &mut Vec<Action<'c>>,
        chat: i64,
        tap: CompanionTap,
        node: NodeIdx,
        step: usize,
        restart: bool,
    ) {
        let Some(companion) = ctx.content.node(node).companion() else {
            return;
        };
        let Some(checkin) = companion.checkins.get(step) else {
            return;
        };
        let fresh = Watch {
            node: tap.node,
            locale: tap.locale,
            step,
            due: ctx.now + checkin.after,
            ends: ctx.now + companion.ends_after,
            asked: 0,
            heard: ctx.now,
            shown: None,
        };
        if let Some(watch) = self.watch_mut(chat, tap.node) {
            *watch = Watch {
                ends: if restart { fresh.ends } else { watch.ends },
                shown: watch.shown,
                ..fresh
            };
            return;
        }
        self.chats.entry(chat).or_default().push(fresh);
        self.running += 1;
        if self.running > MAX_RUNNING {
            self.evict(ctx, plan);
        }
    }

    /// Each due check-in is asked (replacing the previous one of its
    /// companion) and asked again after its time while unanswered, up to
    /// [`MAX_ASKS`]; companions past their end, or never answered, stop.
    fn tick<'c>(&mut self, ctx: &Ctx<'c>, plan: &mut Vec<Action<'c>>) {
        let content = ctx.content;
        let mut due: Vec<(i64, NodeKey)> = self
            .chats
            .iter()
            .flat_map(|(chat, watches)| watches.iter().map(move |w| (*chat, w)))
            .filter(|(_, w)| w.next_time() <= ctx.now)
            .map(|(chat, w)| (chat, w.node))
            .collect();
        due.sort_unstable();
        for (chat, key) in due {
            let Some(watch) = self.watch_mut(chat, key) else {
                continue;
            };
            let node = content.node_by_key(watch.node);
            let locale = std::str::from_utf8(&watch.locale)
                .ok()
                .and_then(|code| content.locale_by_code(code));
            let (Some(node), Some(locale)) = (node, locale) else {
                // The content changed under a running companion.
                self.remove(chat, key);
                continue;
            };
            let ending = if watch.ends <= ctx.now {
                Some((CompanionEvent::Expired, Msg::CompanionEnded))
            } else if watch.asked >= MAX_ASKS {
                Some((CompanionEvent::Unanswered, Msg::CompanionUnanswered))
            } else {
                None
            };
            if let Some((event, message)) = ending {
                let shown = self.remove(chat, key).and_then(|w| w.shown);
                plan.push(Action::Count(event));
                if let Some(message) = shown {
                    plan.push(Action::Delete { chat, message });
                }
                let title = content.node(node).title(locale);
                let text = content.text(locale, message, &[("name", title)]);
                let text = self.with_others(content, locale, chat, text);
                show(plan, chat, screens::note(content, locale, &text), false);
                continue;
            }
            let Some(screen) = screens::checkin(content, locale, node, watch.step) else {
                self.remove(chat, key);
                continue;
            };
            if let Some(message) = watch.shown.take() {
                plan.push(Action::Delete { chat, message });
            }
            let after = content
                .node(node)
                .companion()
                .map_or(chrono::Duration::minutes(3), |c| c.checkins[watch.step].after);
            watch.due = ctx.now + after;
            // The first time a check-in is asked it is about a life now;
            // asked again, the person has not answered and it waits its turn.
            let urgent = watch.asked == 0;
            watch.asked += 1;
            plan.push(Action::Count(CompanionEvent::CheckIn));
            plan.push(Action::Show {
                to: chat,
                screen: Box::new(screen),
                checkin: Some(key),
                urgent,
            });
        }
    }

    /// The process stops: its check-ins are lost. Counted and logged, and
    /// each person told (up to [`MAX_TOLD_AT_STOP`]) to start them again.
    fn shutdown<'c>(&mut self, ctx: &Ctx<'c>, plan: &mut Vec<Action<'c>>) {
        if self.running == 0 {
            return;
        }
        plan.push(Action::Lost(self.running as u64));
        self.running = 0;
        let content = ctx.content;
        for (chat, watches) in self.chats.drain().take(MAX_TOLD_AT_STOP) {
            let Some(first) = watches.first() else { continue };
            let locale = locale_of(content, first);
            let text = content.text(locale, Msg::CompanionLost, &[]);
            show(plan, chat, screens::note(content, locale, &text), false);
        }
    }

    /// Past [`MAX_RUNNING`]: the watch heard from least recently goes, and
    /// its person is told (their check-ins would otherwise just stop).
    fn evict<'c>(&mut self, ctx: &Ctx<'c>, plan: &mut Vec<Action<'c>>) {
        let oldest = self
            .chats
            .iter()
            .flat_map(|(chat, watches)| watches.iter().map(move |w| (*chat, w)))
            .min_by_key(|(_, w)| w.heard)
            .map(|(chat, w)| (chat, w.node));
        let Some((chat, key)) = oldest else { return };
        let Some(watch) = self.remove(chat, key) else { return };
        plan.push(Action::Count(CompanionEvent::Evicted));
        if let Some(message) = watch.shown {
            plan.push(Action::Delete { chat, message });
        }
        let content = ctx.content;
        let locale = locale_of(content, &watch);
        let title = content
            .node_by_key(key)
            .map(|n| content.node(n).title(locale))
            .unwrap_or_default();
        let text = content.text(locale, Msg::CompanionEvicted, &[("name", title)]);
        show(plan, chat, screens::note(content, locale, &text), false);
    }

    fn watch_mut(&mut self, chat: i64, node: NodeKey) -> Option<&mut Watch> {
        self.chats.get_mut(&chat)?.iter_mut().find(|w| w.node == node)
    }

    fn remove(&mut self, chat: i64, node: NodeKey) -> Option<Watch> {
        let watches = self.chats.get_mut(&chat)?;
        let index = watches.iter().position(|w| w.node == node)?;
        let watch = watches.swap_remove(index);
        if watches.is_empty() {
            self.chats.remove(&chat);
        }
        self.running -= 1;
        Some(watch)
    }

    fn remove_chat(&mut self, chat: i64) -> Vec<Watch> {
        let watches = self.chats.remove(&chat).unwrap_or_default();
        self.running -= watches.len();
        watches
    }

    /// The other companions still running in `chat`.
    fn others(&self, content: &Content, chat: i64, but: NodeKey) -> Vec<NodeIdx> {
        let running = self.chats.get(&chat).map(Vec::as_slice).unwrap_or_default();
        running
            .iter()
            .filter(|w| w.node != but)
            .filter_map(|w| content.node_by_key(w.node))
            .collect()
    }

    /// `text`, and what keeps running in `chat` after one companion ended
    /// (the naloxone watch goes on when CPR is over).
    fn with_others(&self, content: &Content, locale: Locale, chat: i64, text: String) -> String {
        let running = self.chats.get(&chat).map(Vec::as_slice).unwrap_or_default();
        if running.is_empty() {
            return text;
        }
        let names = titles(content, locale, running.iter().map(|w| w.node));
        let still = content.text(locale, Msg::CompanionStillRunning, &[("names", &names)]);
        format!("{text}\n\n{still}")
    }
}

impl crate::drive::Machine for Companions {
    type Ctx<'c> = Ctx<'c>;
    type Event<'e> = Event<'e>;
    type Action<'c> = Action<'c>;

    fn handle<'c>(&mut self, ctx: &Self::Ctx<'c>, event: Self::Event<'_>) -> Vec<Self::Action<'c>> {
        Companions::handle(self, ctx, event)
    }
}

/// The companions' titles, in the order given, for a sentence.
fn titles(content: &Content, locale: Locale, nodes: impl Iterator<Item = NodeKey>) -> String {
    nodes
        .filter_map(|key| content.node_by_key(key))
        .map(|node| content.node(node).title(locale))
        .collect::<Vec<_>>()
        .join(", ")
}

fn locale_of(content: &Content, watch: &Watch) -> Locale {
    std::str::from_utf8(&watch.locale)
        .ok()
        .and_then(|code| content.locale_by_code(code))
        .unwrap_or(content.default_locale())
}

fn show<'c>(plan: &mut Vec<Action<'c>>, to: i64, screen: Screen<'c>, urgent: bool) {
    plan.push(Action::Show {
        to,
        screen: Box::new(screen),
        checkin: None,
        urgent,
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

#[cfg(test)]
mod tests;
