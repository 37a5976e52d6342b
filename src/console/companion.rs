//! The emergency companion in the console: the same flow as in Telegram
//! (`crate::companion`), driven by the same driver (`crate::drive`) and
//! carried out by printing, on the console's
//! simulated clock. The last screen it shows becomes the console's current
//! screen, so a check-in's answers are pressed by number like any button.

use std::io::{self, Write};

use chrono::{DateTime, Utc};

use crate::companion::{Action, Companions, Ctx, Event};
use crate::content::Content;
use crate::drive::Drive;
use crate::engine::Screen;

/// The console person's chat for the companion.
const CHAT: i64 = 0;

#[derive(Default)]
pub struct Companion {
    companions: Companions,
    /// Message ids as Telegram would count them, for the check-ins.
    next_id: i32,
}

impl Companion {
    pub fn next_due(&self) -> Option<DateTime<Utc>> {
        self.companions.next_due()
    }

    /// A companion button pressed; the last screen shown, if any.
    pub fn tap<'c>(
        &mut self,
        content: &'c Content,
        now: DateTime<Utc>,
        data: &str,
        out: &mut impl Write,
    ) -> io::Result<Option<Screen<'c>>> {
        self.run(content, now, Event::Tap { chat: CHAT, data }, out)
    }

    /// The check-ins due at `now`; the last screen shown, if any.
    pub fn tick<'c>(
        &mut self,
        content: &'c Content,
        now: DateTime<Utc>,
        out: &mut impl Write,
    ) -> io::Result<Option<Screen<'c>>> {
        self.run(content, now, Event::Tick, out)
    }

    fn run<'c>(
        &mut self,
        content: &'c Content,
        now: DateTime<Utc>,
        event: Event<'_>,
        out: &mut impl Write,
    ) -> io::Result<Option<Screen<'c>>> {
        let ctx = Ctx { content, now };
        let mut last = None;
        let mut drive = Drive::start(&mut self.companions, &ctx, event);
        while let Some(action) = drive.next() {
            match action {
                Action::Show { screen, checkin, .. } => {
                    if let Some(companion) = checkin {
                        self.next_id += 1;
                        let sent = Event::CheckInSent {
                            chat: CHAT,
                            companion,
                            message: self.next_id,
                        };
                        drive.feed(&mut self.companions, &ctx, sent);
                        writeln!(out, "══ check-in ══")?;
                    }
                    super::screen::print_screen(out, &screen)?;
                    last = Some(*screen);
                }
                Action::Delete { .. } => writeln!(out, "(the previous check-in is deleted)")?,
                Action::Toast(Some(text)) => writeln!(out, "(toast: {text})")?,
                Action::Toast(None) | Action::Count(_) | Action::Lost(_) => {}
            }
        }
        Ok(last)
    }
}
