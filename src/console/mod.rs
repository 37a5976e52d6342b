//! The console adapter: the whole bot in a terminal, scriptable through a pipe.
//!
//! Prints each screen as plain text followed by numbered buttons; a number
//! presses that button (by feeding its callback data back to the engine,
//! exactly as Telegram would), `/start [payload]` restarts, `/help`,
//! `/about`, `/privacy`, `/language` work as in Telegram ("Clear this
//! chat" shows its confirmation and report; a terminal has nothing to
//! delete), `/voice`, `/photo` and `/sticker` simulate those messages,
//! anything else is free text. EOF ends the session. Menu logic stays in
//! the engine; this only reads and prints.
//!
//! The clock is simulated: `--now` sets it, `/wait 5m` moves it on and
//! fires each timer at its moment. The emergency companion's check-ins
//! ("I gave naloxone") run on it (`companion`), their answers pressed by
//! number. With a roster, its lines (the doctors', the outreach workers')
//! run as in Telegram, through the same flow (`line`): after "Write your question" the next line is
//! the question; then the doctors' side acts (`/take`, `/resolve`, or a
//! reply, which is the answer).

use std::io::{self, BufRead, Write};

use chrono::{DateTime, Utc};

use crate::content::{Content, Locale};
use crate::engine::{self, CallbackData, Cleared, Duties, Input, MessageKind, Shows};
use crate::handoff::Desks;
use crate::handoff::flow::Event;
use crate::i18n::Msg;
use crate::router::{self, Place, Routed, TapFacts, Under};

mod companion;
mod line;
mod screen;

use companion::Companion;
use line::{Line, Turn};
use screen::print_screen;

/// Whose turn the next input line is.
enum Mode {
    /// The person, at a menu screen.
    Menu,
    /// The person, answering the question prompt asked from this position.
    Question(CallbackData),
    /// The doctors, after a case card went out.
    Doctors,
}

/// Runs a session until `input` ends. `prompt` prints `> ` before each read
/// (for people at a terminal, not for scripts).
pub fn run(
    content: &Content,
    locale: Locale,
    desks: Option<&Desks>,
    mut now: DateTime<Utc>,
    input: impl BufRead,
    mut output: impl Write,
    prompt: bool,
) -> io::Result<()> {
    let mut line = desks.map(|desks| Line::new(desks, now));
    let mut companion = Companion::default();
    let duties = |line: &Option<Line<'_>>| line.as_ref().map_or_else(Duties::default, Line::duties);
    let mut screen = engine::handle_at(
        content,
        &duties(&line),
        Some(now),
        locale,
        Input::Start { payload: None },
    );
    print_screen(&mut output, &screen)?;
    let mut mode = Mode::Menu;
    let mut lines = input.lines();
    loop {
        if prompt {
            write!(output, "> ")?;
            output.flush()?;
        }
        let Some(text) = lines.next() else { break };
        let text = text?;
        let text = text.trim();
        if text.is_empty() {
            continue;
        }
        if let Some(wait) = text.strip_prefix("/wait") {
            match humantime::parse_duration(wait.trim())
                .ok()
                .and_then(|d| chrono::Duration::from_std(d).ok())
            {
                Some(duration) => {
                    let until = now + duration;
                    // Each timer fires at its own moment, in order.
                    loop {
                        let due = [line.as_ref().and_then(Line::next_due), companion.next_due()]
                            .into_iter()
                            .flatten()
                            .min()
                            .filter(|due| *due <= until);
                        let Some(due) = due else { break };
                        now = due.max(now);
                        writeln!(output, "── {} ──", clock(&line, now))?;
                        if let Some(line) = &mut line {
                            line.set_now(now);
                            line.tick(content, &mut output)?;
                        }
                        if let Some(shown) = companion.tick(content, now, &mut output)? {
                            screen = shown;
                        }
                    }
                    now = until;
                    if let Some(line) = &mut line {
                        line.set_now(now);
                    }
                    writeln!(output, "── {} ──", clock(&line, now))?;
                }
                None => writeln!(output, "/wait needs a duration, e.g. /wait 5m")?,
            }
            continue;
        }
        if let Some(line) = &mut line {
            match std::mem::replace(&mut mode, Mode::Menu) {
                Mode::Question(position) => {
                    line.question(content, screen.locale, position, text, &mut output)?;
                    writeln!(output, "{DOCTORS_TURN}")?;
                    mode = Mode::Doctors;
                    continue;
                }
                Mode::Doctors if text == "/menu" => {
                    print_screen(&mut output, &screen)?;
                    continue;
                }
                Mode::Doctors => {
                    mode = match line.doctor(content, text, &mut output)? {
                        Turn::Answered => {
                            print_screen(&mut output, &screen)?;
                            Mode::Menu
                        }
                        Turn::Continues => Mode::Doctors,
                    };
                    continue;
                }
                Mode::Menu => {}
            }
        }
        let pressed: Option<String>;
        let person_message = |line: &mut Option<Line<'_>>, what: &str| line.as_mut().map(|l| l.person_says(what));
        let input = match text.parse::<usize>() {
            Ok(number) => {
                let Some(button) = screen.buttons.iter().flatten().nth(number.wrapping_sub(1)) else {
                    writeln!(output, "{}", no_such_button(content, screen.locale, number))?;
                    continue;
                };
                pressed = Some(button.data.clone());
                let facts = TapFacts {
                    data: pressed.as_deref().unwrap_or_default(),
                    user: line::PERSON,
                    language: Some(content.locale_code(screen.locale)),
                    lines: line.is_some(),
                    under: Some(Under {
                        chat: line::PERSON,
                        place: Place::Private,
                        id: 0,
                        date: now,
                        shown: true,
                        html: None,
                        buttons: Vec::new(),
                    }),
                };
                match router::tap(&facts) {
                    Routed::Menu(input) => input,
                    Routed::Companion(crate::companion::Event::Tap { data, .. }) => {
                        if let Some(shown) = companion.tap(content, now, data, &mut output)? {
                            screen = shown;
                        }
                        continue;
                    }
                    Routed::Line(event) => {
                        let asked = match &event {
                            Event::Ask { position, .. } => Some(position.clone()),
                            _ => None,
                        };
                        if let Some(line) = &mut line {
                            line.person_taps(content, event, &mut output)?;
                        }
                        mode = match asked {
                            Some(Some(position)) => Mode::Question(position),
                            // A button that does not decode: no prompt went out.
                            Some(None) => Mode::Menu,
                            None => {
                                writeln!(output, "{DOCTORS_TURN}")?;
                                Mode::Doctors
                            }
                        };
                        continue;
                    }
                    // Nothing else comes from a private chat.
                    _ => continue,
                }
            }
            Err(_) => match text {
                "/photo" => unsupported(MessageKind::Photo, person_message(&mut line, "[photo]")),
                "/voice" => unsupported(MessageKind::Voice, person_message(&mut line, "[voice message]")),
                _ => command(text),
            },
        };
        screen = engine::handle_at(content, &duties(&line), Some(now), screen.locale, input);
        print_screen(&mut output, &screen)?;
        if screen.shows == Shows::Clearing {
            // A terminal keeps its own scrollback: say what Telegram would do.
            writeln!(output, "══ in Telegram the bot now deletes this chat's messages ══")?;
            screen = engine::clear_report(content, screen.locale, Cleared::Complete);
            print_screen(&mut output, &screen)?;
        }
    }
    writeln!(output)?;
    Ok(())
}

/// The simulated time: in the roster's zone when there is one.
fn clock(line: &Option<Line<'_>>, now: DateTime<Utc>) -> String {
    match line {
        Some(line) => line.local_time(now),
        None => now.format("%d.%m %H:%M:%S UTC").to_string(),
    }
}

/// Printed when the doctors' side is to act.
const DOCTORS_TURN: &str = "══ the doctors: reply to the newest card, or /take, /resolve, /reopen; /wait 5m moves the clock; /menu back to the person ══";

fn unsupported(kind: MessageKind, message: Option<i32>) -> Input<'static> {
    Input::Unsupported {
        kind,
        caption: None,
        message,
    }
}

fn command(line: &str) -> Input<'_> {
    let (name, argument) = line.split_once(char::is_whitespace).unwrap_or((line, ""));
    match name {
        "/start" => Input::Start {
            payload: Some(argument.trim()).filter(|p| !p.is_empty()),
        },
        "/help" => Input::Help,
        "/about" => Input::About,
        "/privacy" => Input::Privacy,
        "/language" => Input::Language,
        "/voice" => unsupported(MessageKind::Voice, None),
        "/photo" => unsupported(MessageKind::Photo, None),
        "/sticker" => unsupported(MessageKind::Other, None),
        _ => Input::Text { text: line },
    }
}

fn no_such_button(content: &Content, locale: Locale, number: usize) -> String {
    content.text(locale, Msg::ConsoleNoButton, &[("number", &number.to_string())])
}
