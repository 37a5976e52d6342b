//! The console adapter: the whole bot in a terminal, scriptable through a pipe.
//!
//! Prints each screen as plain text followed by numbered buttons; a number
//! presses that button (by feeding its callback data back to the engine,
//! exactly as Telegram would), `/start [payload]` restarts, `/help`,
//! `/about`, `/language` work as in Telegram, `/voice`, `/photo` and
//! `/sticker` simulate those messages, anything else is free text. EOF ends
//! the session. Menu logic stays in the engine; this only reads and prints.
//!
//! With a roster, the doctors' line runs as in Telegram, through the same
//! flow (`line`): after "Write your question" the next line is the
//! question; then the doctors' side acts (`/take`, `/resolve`, `/wait 5m`
//! on a simulated clock, or a reply, which is the answer).

use std::io::{self, BufRead, Write};

use chrono::{DateTime, Utc};

use crate::content::{Content, Locale};
use crate::engine::{self, Duty, Input, MessageKind, Screen};
use crate::handoff::Desk;
use crate::i18n::Msg;
use crate::payload::Prefix;

mod line;

use line::{Line, Turn};

/// The doctors' line to simulate, starting at a moment.
pub struct Handoff<'d> {
    pub desk: &'d Desk,
    pub now: DateTime<Utc>,
}

/// Whose turn the next input line is.
enum Mode {
    /// The person, at a menu screen.
    Menu,
    /// The person, answering the question prompt asked from this position.
    Question(String),
    /// The doctors, after a case card went out.
    Doctors,
}

/// Runs a session until `input` ends. `prompt` prints `> ` before each read
/// (for people at a terminal, not for scripts).
pub fn run(
    content: &Content,
    locale: Locale,
    handoff: Option<Handoff<'_>>,
    input: impl BufRead,
    mut output: impl Write,
    prompt: bool,
) -> io::Result<()> {
    let mut line = handoff.map(|h| Line::new(h.desk, h.now));
    let duty = |line: &Option<Line<'_>>| line.as_ref().map_or(Duty::Unavailable, Line::duty);
    let mut screen = engine::handle_with(content, &duty(&line), locale, Input::Start { payload: None });
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
        if let Some(line) = &mut line {
            match std::mem::replace(&mut mode, Mode::Menu) {
                Mode::Question(position) => {
                    line.question(content, screen.locale, &position, text, &mut output)?;
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
                Mode::Menu if text.starts_with("/wait") => {
                    line.doctor(content, text, &mut output)?;
                    continue;
                }
                Mode::Menu => {}
            }
        }
        let pressed: Option<String>;
        let person_message = |line: &mut Option<Line<'_>>, what: &str| line.as_mut().map(|l| l.person_says(what));
        let input = match text.parse::<usize>() {
            Ok(number) => match screen.buttons.iter().flatten().nth(number.wrapping_sub(1)) {
                Some(button) if line_button(&button.data) => {
                    if let Some(line) = &mut line {
                        line.person_taps(content, screen.locale, &button.data, &mut output)?;
                        mode = match Prefix::of_callback(&button.data) {
                            Some((Prefix::Ask, position)) => Mode::Question(position.to_owned()),
                            _ => {
                                writeln!(output, "{DOCTORS_TURN}")?;
                                Mode::Doctors
                            }
                        };
                    }
                    continue;
                }
                Some(button) => {
                    pressed = Some(button.data.clone());
                    Input::Callback {
                        data: pressed.as_deref().unwrap_or_default(),
                    }
                }
                None => {
                    writeln!(output, "{}", no_such_button(content, screen.locale, number))?;
                    continue;
                }
            },
            Err(_) => match text {
                "/photo" => unsupported(MessageKind::Photo, person_message(&mut line, "[photo]")),
                "/voice" => unsupported(MessageKind::Voice, person_message(&mut line, "[voice message]")),
                _ => command(text),
            },
        };
        screen = engine::handle_with(content, &duty(&line), screen.locale, input);
        print_screen(&mut output, &screen)?;
    }
    writeln!(output)?;
    Ok(())
}

/// Printed when the doctors' side is to act.
const DOCTORS_TURN: &str =
    "══ the doctors: reply to the newest card, or /take, /resolve, /reopen, /wait 5m; /menu back to the person ══";

/// Buttons the line handles rather than the menu engine.
fn line_button(data: &str) -> bool {
    matches!(Prefix::of_callback(data), Some((Prefix::Ask | Prefix::SendToDoctor, _)))
}

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

pub(crate) fn print_screen(output: &mut impl Write, screen: &Screen<'_>) -> io::Result<()> {
    writeln!(output, "{}", "─".repeat(40))?;
    if let Some(media) = screen.media {
        writeln!(output, "[{:?}: {}]", media.kind, media.file)?;
    }
    writeln!(output, "{}", screen.plain)?;
    writeln!(output)?;
    let mut number = 0;
    for row in &screen.buttons {
        let labels: Vec<String> = row
            .iter()
            .map(|button| {
                number += 1;
                format!("[{number}] {}", button.label)
            })
            .collect();
        writeln!(output, "{}", labels.join("   "))?;
    }
    Ok(())
}

fn no_such_button(content: &Content, locale: Locale, number: usize) -> String {
    content.text(locale, Msg::ConsoleNoButton, &[("number", &number.to_string())])
}
