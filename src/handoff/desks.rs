//! Every line of the roster (the doctors', the outreach workers', ...) as one
//! [`Desk`] each, and the one place that decides which line an event
//! belongs to ([`Desks::lines_for`]); both the Telegram adapter and the
//! console ask it, so they cannot route differently.
//!
//! The lines share the key (a ticket opens whichever line sealed it).
//! Configuration only: the cases, their timers and the question limit are
//! in [`super::LineState`], which outlives every `Desks` (a line keeps its
//! timers across a reload while its id stays). Pure: no I/O, the time is
//! an argument.

use std::sync::Arc;

use arc_swap::ArcSwap;
use chrono::{DateTime, Utc};

use super::flow::{Command, Event};
use super::{Desk, Sealer};
use crate::content::{Content, DOCTORS_LINE, NodeKind};
use crate::engine::{CallbackData, Duties};
use crate::roster::Rosters;

/// All lines being served. Replaced whole when the roster is reloaded
/// (keeping the key); each update uses the desks it started with.
pub struct Desks {
    /// The doctors' line first, then the roster's `lines:` in order.
    lines: Vec<Desk>,
    pub sealer: Arc<Sealer>,
}

/// The desks being served.
pub type SharedDesk = Arc<ArcSwap<Desks>>;

impl Desks {
    pub fn new(rosters: Rosters, sealer: Sealer) -> Self {
        Self::sealed(rosters, Arc::new(sealer))
    }

    /// The same key with another roster. The lines' memory is not here:
    /// [`super::LineState::keep_lines`] keeps a line's timers when its id
    /// stays and forgets a line the roster dropped.
    pub fn with_rosters(&self, rosters: Rosters) -> Self {
        Self::sealed(rosters, self.sealer.clone())
    }

    fn sealed(rosters: Rosters, sealer: Arc<Sealer>) -> Self {
        let lines = rosters
            .into_lines()
            .into_iter()
            .map(|roster| Desk {
                roster,
                sealer: sealer.clone(),
            })
            .collect();
        Desks { lines, sealer }
    }

    /// The doctors' line: the roster file's top level.
    pub fn doctors(&self) -> &Desk {
        &self.lines[0]
    }

    /// The line `id`, if the roster has it.
    pub fn line(&self, id: &str) -> Option<&Desk> {
        self.lines.iter().find(|desk| desk.roster.line() == id)
    }

    pub fn iter(&self) -> impl Iterator<Item = &Desk> {
        self.lines.iter()
    }

    /// The line whose duty chat or person's private chat `chat` is (the
    /// roster gives each chat to one line only).
    pub fn holding_chat(&self, chat: i64) -> Option<&Desk> {
        self.lines.iter().find(|desk| desk.roster.holds_chat(chat))
    }

    /// What each line's "Ask" screen says at `now`.
    pub fn duties(&self, now: DateTime<Utc>) -> Duties {
        Duties::new(
            self.lines
                .iter()
                .map(|desk| (desk.roster.line().to_owned(), desk.duty(now)))
                .collect(),
        )
    }

    /// The lines `event` goes to, decided here only:
    /// - a question or a tap on "Write your question": the line of the
    ///   handoff page it was asked from (its `line:`);
    /// - a follow-up or "Write back": the line that answered (sealed into
    ///   the doctor's ticket), even if the one who answered has left it;
    /// - an answer, a case tap or a command: the line holding the chat it
    ///   came from; a coordinator's command from elsewhere (their private
    ///   chat) goes to every line, so `/oncall` shows them all;
    /// - a timer tick and the stop: every line;
    /// - "Send this to the doctor", feedback, and whatever no line holds:
    ///   the doctors' line, which refuses what is not its own.
    ///
    /// A page naming a line the roster does not have shows it as not open,
    /// so only an old prompt can ask there: the doctors' line takes it.
    pub fn lines_for(&self, content: &Content, event: &Event<'_>, now: DateTime<Utc>) -> Vec<&Desk> {
        let by_chat = |chat: i64| self.holding_chat(chat).unwrap_or(self.doctors());
        let one = match event {
            Event::Question { position, .. }
            | Event::Ask {
                position: Some(position),
                ..
            } => self.line(line_at(content, position)).unwrap_or(self.doctors()),
            // The line that answered is sealed into the ticket: the one
            // whose id opens it, even when the chat that answered has left
            // the roster. None opens it (expired, forged, or its line taken
            // out of the roster): the doctors' line, which cannot open it
            // either and tells the person to ask again.
            Event::FollowUp { from, ticket, .. } | Event::WriteBack { from, ticket, .. } => self
                .lines
                .iter()
                .find(|desk| {
                    self.sealer
                        .open_doctor(ticket, from.chat, desk.roster.line(), now)
                        .is_ok()
                })
                .unwrap_or(self.doctors()),
            Event::Command { from, command, .. } => match self.holding_chat(from.chat) {
                Some(desk) => desk,
                None if *command != Command::Reload && self.doctors().roster.is_admin(from.user) => {
                    return self.lines.iter().collect();
                }
                None => self.doctors(),
            },
            Event::Answer { from, .. } | Event::CaseTap { from, .. } => by_chat(from.chat),
            Event::Tick | Event::Shutdown => return self.lines.iter().collect(),
            Event::Ask { position: None, .. }
            | Event::SendToDoctor { .. }
            | Event::Feedback { .. }
            | Event::Outcome { .. } => self.doctors(),
        };
        vec![one]
    }
}

/// The line of the handoff page at `position` (callback data), the
/// doctors' when it names none or is no handoff page.
pub fn line_at<'c>(content: &'c Content, position: &CallbackData) -> &'c str {
    content
        .node_by_key(position.target)
        .map(|node| content.node(node))
        .filter(|node| node.kind() == NodeKind::Handoff)
        .map_or(DOCTORS_LINE, |node| node.line())
}
