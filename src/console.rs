//! The console adapter: the whole bot in a terminal, scriptable through a pipe.
//!
//! Prints each screen as plain text followed by numbered buttons; a number
//! presses that button (by feeding its callback data back to the engine,
//! exactly as Telegram would), `/start [payload]` restarts, `/help`,
//! `/about`, `/language` work as in Telegram, `/voice`, `/photo` and
//! `/sticker` simulate those messages, anything else is free text. EOF ends
//! the session. Menu logic stays in the engine; this only reads and prints.

use std::io::{self, BufRead, Write};

use fluent_bundle::FluentArgs;

use crate::content::{Content, Locale};
use crate::engine::{self, Input, MessageKind, Screen};

/// Runs a session until `input` ends. `prompt` prints `> ` before each read
/// (for people at a terminal, not for scripts).
pub fn run(
    content: &Content,
    locale: Locale,
    input: impl BufRead,
    mut output: impl Write,
    prompt: bool,
) -> io::Result<()> {
    let mut screen = engine::handle(content, locale, Input::Start { payload: None });
    print_screen(&mut output, &screen)?;
    let mut lines = input.lines();
    loop {
        if prompt {
            write!(output, "> ")?;
            output.flush()?;
        }
        let Some(line) = lines.next() else { break };
        let line = line?;
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        let pressed: Option<String>;
        let input = match line.parse::<usize>() {
            Ok(number) => match screen.buttons.iter().flatten().nth(number.wrapping_sub(1)) {
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
            Err(_) => command(line),
        };
        screen = engine::handle(content, screen.locale, input);
        print_screen(&mut output, &screen)?;
    }
    writeln!(output)?;
    Ok(())
}

fn command(line: &str) -> Input<'_> {
    let (name, argument) = line.split_once(char::is_whitespace).unwrap_or((line, ""));
    match name {
        "/start" => Input::Start {
            payload: Some(argument.trim()).filter(|p| !p.is_empty()),
        },
        "/help" => Input::Help,
        "/about" => Input::About,
        "/language" => Input::Language,
        "/voice" => Input::Unsupported {
            kind: MessageKind::Voice,
        },
        "/photo" => Input::Unsupported {
            kind: MessageKind::Photo,
        },
        "/sticker" => Input::Unsupported {
            kind: MessageKind::Other,
        },
        _ => Input::Text { text: line },
    }
}

fn print_screen(output: &mut impl Write, screen: &Screen<'_>) -> io::Result<()> {
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
    let mut args = FluentArgs::new();
    args.set("number", number);
    content
        .messages(locale)
        .format("console-no-button", Some(&args))
        .unwrap_or_else(|_| format!("[{number}]?"))
}
