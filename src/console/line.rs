//! The roster's lines in the console: the very flow the Telegram adapter
//! runs (`handoff::flow`), on the line `Desks::lines_for` picks, driven by
//! the same driver (`crate::drive`) and carried out by printing. Each
//! message is drawn as a block labelled with its chat; message ids count
//! up as Telegram's would; the clock is the console's simulated one (`--now`, then `/wait
//! 5m`), so an escalation, or the question limit's hour, can be watched
//! end to end without waiting.

use std::collections::HashMap;
use std::io::{self, Write};

use chrono::{DateTime, Utc};

use crate::content::{Content, Locale};
use crate::drive::Drive;
use crate::engine::{Button, CallbackData};
use crate::handoff::flow::{self, Action, Card, Ctx, Event, Keyboard, Said, Sender};
use crate::handoff::{Desks, LineState, parse_case_button};
use crate::payload::CaseAction;

/// The console person's chat and user id: never a Telegram id, so it
/// cannot meet a roster's.
pub(super) const PERSON: i64 = 0;

/// A message in one of the simulated chats.
struct Sent {
    chat: i64,
    /// Plain text: what a copy of it shows.
    text: String,
    /// As Telegram would hold it (what a tap on its buttons edits).
    html: String,
    buttons: Vec<String>,
    date: DateTime<Utc>,
}

/// The simulated chats of one console session and their clock.
pub struct Line<'d> {
    desks: &'d Desks,
    /// What the lines remember: cases, timers, the question limit.
    state: LineState,
    now: DateTime<Utc>,
    messages: HashMap<i32, Sent>,
    next_id: i32,
    /// The newest case card: where the doctors' commands act.
    last_card: Option<i32>,
}

/// What the doctor's line of input did.
pub enum Turn {
    /// The doctor answered: back to the person's menu.
    Answered,
    /// Something else (a tap, the clock moved): still the doctor's turn.
    Continues,
}

impl<'d> Line<'d> {
    pub fn new(desks: &'d Desks, now: DateTime<Utc>) -> Self {
        Line {
            desks,
            state: LineState::new(),
            now,
            messages: HashMap::new(),
            next_id: 1,
            last_card: None,
        }
    }

    /// What each line's "Ask" screen says at the simulated time.
    pub fn duties(&self) -> crate::engine::Duties {
        self.desks.duties(self.now)
    }

    /// A button of the line pressed by the person ("Write your question",
    /// "Send this to the doctor"), as the router read it.
    pub fn person_taps(&mut self, content: &Content, event: Event<'_>, out: &mut impl Write) -> io::Result<()> {
        self.run(content, event, out)
    }

    /// The person's message `text`, given the id it has in their chat.
    pub fn person_says(&mut self, text: &str) -> i32 {
        self.record(PERSON, text.to_owned(), text.to_owned(), Vec::new())
    }

    /// The person's reply to the question prompt asked from `position`.
    pub fn question(
        &mut self,
        content: &Content,
        locale: Locale,
        position: CallbackData,
        text: &str,
        out: &mut impl Write,
    ) -> io::Result<()> {
        let id = self.person_says(text);
        let event = Event::Question {
            from: person(content, locale),
            said: self.said(id, text, None),
            position,
        };
        self.run(content, event, out)
    }

    /// One line on the doctors' side: `/take`, `/resolve`, `/reopen` on the
    /// newest card, or else a reply to it (the answer).
    pub fn doctor(&mut self, content: &Content, line: &str, out: &mut impl Write) -> io::Result<Turn> {
        let action = match line {
            "/take" => Some(CaseAction::Take),
            "/resolve" => Some(CaseAction::Resolve),
            "/reopen" => Some(CaseAction::Reopen),
            _ => None,
        };
        let Some(card_id) = self.last_card else {
            writeln!(out, "(no case card yet)")?;
            return Ok(Turn::Continues);
        };
        let card = &self.messages[&card_id];
        let Some((_, ticket)) = card.buttons.iter().find_map(|d| parse_case_button(d)) else {
            return Ok(Turn::Continues);
        };
        let ticket = ticket.to_owned();
        let (chat, date) = (card.chat, card.date);
        let from = self.doctor_in(chat);
        match action {
            Some(action) => {
                let (html, buttons) = (card.html.clone(), card.buttons.clone());
                let event = Event::CaseTap {
                    from,
                    action,
                    ticket: &ticket,
                    card: Some(Card {
                        chat,
                        id: card_id,
                        html: &html,
                        date,
                        buttons: buttons.iter().map(String::as_str).collect(),
                    }),
                };
                self.run(content, event, out)?;
                Ok(Turn::Continues)
            }
            None => {
                let id = self.record(chat, line.to_owned(), line.to_owned(), Vec::new());
                let event = Event::Answer {
                    from,
                    said: self.said(id, line, Some((card_id, date))),
                    ticket: &ticket,
                };
                self.run(content, event, out)?;
                Ok(Turn::Answered)
            }
        }
    }

    /// The console's clock moved to `now`.
    pub fn set_now(&mut self, now: DateTime<Utc>) {
        self.now = now;
    }

    /// `now` as the roster's people read it.
    pub fn local_time(&self, now: DateTime<Utc>) -> String {
        self.desks.doctors().local_time(now)
    }

    /// When a case's timer, of any line, is next due.
    pub fn next_due(&self) -> Option<DateTime<Utc>> {
        self.state.next_due()
    }

    /// The cases' timers due now.
    pub fn tick(&mut self, content: &Content, out: &mut impl Write) -> io::Result<()> {
        self.run(content, Event::Tick, out)
    }

    /// Plans `event` and carries the plan out by printing, feeding results
    /// back as the Telegram adapter does (in the console every message
    /// arrives).
    fn run(&mut self, content: &Content, event: Event<'_>, out: &mut impl Write) -> io::Result<()> {
        let desks = self.desks;
        for desk in desks.lines_for(content, &event, self.now) {
            self.run_on(content, desk, event.clone(), out)?;
        }
        Ok(())
    }

    /// One line's plan for `event`, and what follows from its results.
    fn run_on(
        &mut self,
        content: &Content,
        desk: &crate::handoff::Desk,
        event: Event<'_>,
        out: &mut impl Write,
    ) -> io::Result<()> {
        let ctx = Ctx {
            content,
            desk,
            now: self.now,
            bot: "console",
        };
        let mut drive = Drive::start(&mut self.state, &ctx, event);
        while let Some(action) = drive.next() {
            if let Some((step, id)) = self.execute(action, out)? {
                drive.feed(&mut self.state, &ctx, Event::Outcome { step, result: Ok(id) });
            }
        }
        Ok(())
    }

    fn execute(&mut self, action: Action<'_>, out: &mut impl Write) -> io::Result<Option<(flow::Step, i32)>> {
        let (chat, html, buttons, then, header) = match action {
            Action::Send {
                to,
                html,
                keyboard,
                then,
                ..
            } => {
                let buttons = match keyboard {
                    Keyboard::Buttons(rows) => rows,
                    Keyboard::None | Keyboard::ForceReply => Vec::new(),
                };
                (to, html, buttons, then, "to")
            }
            Action::Copy {
                to,
                message,
                buttons,
                then,
                ..
            } => {
                let text = self.messages.get(&message).map_or_else(String::new, |m| m.text.clone());
                (to, crate::markup::escape_html(&text), buttons, then, "copied to")
            }
            Action::Edit {
                chat,
                message,
                html,
                buttons,
                then,
            } => {
                writeln!(out, "══ edited in {} ══", self.label(chat))?;
                let text = plain(&html);
                writeln!(out, "{text}{}", labels(&buttons))?;
                if let Some(sent) = self.messages.get_mut(&message) {
                    sent.html = html;
                    sent.text = text;
                    sent.buttons = buttons.iter().flatten().map(|b| b.data.clone()).collect();
                }
                return Ok(then.map(|step| (step, message)));
            }
            Action::Screen { screen, .. } => {
                writeln!(out, "══ the person sees at once ══")?;
                super::screen::print_screen(out, &screen)?;
                return Ok(None);
            }
            Action::Toast(Some(text)) => {
                writeln!(out, "(toast: {text})")?;
                return Ok(None);
            }
            Action::Reload { .. } => {
                writeln!(out, "(/reload works in Telegram only)")?;
                return Ok(None);
            }
            Action::Toast(None)
            | Action::Count(_)
            | Action::TimersLost(_)
            | Action::TimeToTake(_)
            | Action::TimeToAnswer(_) => return Ok(None),
        };
        let text = plain(&html);
        writeln!(out, "══ {header} {} ══", self.label(chat))?;
        writeln!(out, "{text}{}", labels(&buttons))?;
        let data: Vec<String> = buttons.iter().flatten().map(|b| b.data.clone()).collect();
        let card = data
            .iter()
            .any(|d| parse_case_button(d).is_some_and(|(action, _)| action != CaseAction::Show));
        let id = self.record(chat, text, html, data);
        if card {
            self.last_card = Some(id);
        }
        Ok(then.map(|step| (step, id)))
    }

    fn record(&mut self, chat: i64, text: String, html: String, buttons: Vec<String>) -> i32 {
        let id = self.next_id;
        self.next_id += 1;
        self.messages.insert(
            id,
            Sent {
                chat,
                text,
                html,
                buttons,
                date: self.now,
            },
        );
        id
    }

    fn said<'t>(&self, id: i32, text: &'t str, replied: Option<(i32, DateTime<Utc>)>) -> Said<'t> {
        Said {
            id,
            text,
            relayable: true,
            edited: false,
            date: self.now,
            replied,
        }
    }

    /// Who acts in `chat`: its doctor (or outreach worker), or in a duty
    /// chat the first coordinator (else the line's first person).
    fn doctor_in(&self, chat: i64) -> Sender<'static> {
        let roster = &self.desks.holding_chat(chat).unwrap_or(self.desks.doctors()).roster;
        let user = roster
            .doctors()
            .find(|(_, d)| d.chat == chat)
            .map(|(_, d)| d.chat)
            .or_else(|| roster.admins().first().copied())
            .or_else(|| roster.doctors().next().map(|(_, d)| d.chat))
            .unwrap_or_default();
        Sender {
            user,
            chat,
            private: chat > 0,
            language: None,
        }
    }

    fn label(&self, chat: i64) -> String {
        let roster = &self.desks.holding_chat(chat).unwrap_or(self.desks.doctors()).roster;
        if chat == PERSON {
            "the person".to_owned()
        } else if chat == roster.duty_chat() && roster.line() == crate::roster::DOCTORS_LINE {
            "the duty chat".to_owned()
        } else if chat == roster.duty_chat() {
            format!("the {} duty chat", roster.line())
        } else {
            roster
                .doctors()
                .find(|(_, d)| d.chat == chat)
                .map_or_else(|| format!("chat {chat}"), |(_, d)| d.name.clone())
        }
    }
}

fn person<'c>(content: &'c Content, locale: Locale) -> Sender<'c> {
    Sender {
        user: PERSON,
        chat: PERSON,
        private: true,
        language: Some(content.locale_code(locale)),
    }
}

/// "\n[🙋 Take]   [✅ Resolve]" for a message's buttons (not numbered: the
/// doctors' side is driven by commands).
fn labels(buttons: &[Vec<Button<'_>>]) -> String {
    let labels: Vec<&str> = buttons.iter().flatten().map(|b| b.label.as_ref()).collect();
    if labels.is_empty() {
        String::new()
    } else {
        format!("\n[{}]", labels.join("]   ["))
    }
}

/// The text of the line's own HTML: its tags dropped, `escape_html` undone.
fn plain(html: &str) -> String {
    let mut text = String::with_capacity(html.len());
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => in_tag = false,
            _ if !in_tag => text.push(c),
            _ => {}
        }
    }
    text.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&amp;", "&")
}
