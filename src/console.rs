//! The console adapter: the whole bot in a terminal, scriptable through a pipe.
//!
//! Prints each screen as plain text followed by numbered buttons; a number
//! presses that button (by feeding its callback data back to the engine,
//! exactly as Telegram would), `/start [payload]` restarts, `/help`,
//! `/about`, `/privacy`, `/language` work as in Telegram ("Clear this
//! chat" shows its confirmation and report; a terminal has nothing to
//! delete), `/voice`, `/photo` and `/sticker` simulate those messages,
//! anything else is free text. EOF ends the session. Menu logic stays in the engine; this only reads and prints.
//!
//! With a roster, "Write your question" simulates the doctors' line: the
//! next line is the question, the case card the doctor would receive is
//! printed, the line after that is the doctor's reply, delivered back
//! through the same sealed ticket the Telegram adapter uses.

use std::io::{self, BufRead, Write};

use chrono::{DateTime, Utc};
use fluent_bundle::FluentArgs;

use crate::content::{Content, Locale};
use crate::engine::{self, Cleared, Duty, Input, MessageKind, Screen, Shows};
use crate::handoff::{
    CaseCode, Desk, PersonTicket, Route, Status, card_buttons, case_card, expiry_from, path_of, ticket_in, urgent_path,
};
use crate::i18n::Msg;
use crate::payload::Prefix;

/// The doctors' line to simulate, at a fixed moment.
pub struct Handoff<'d> {
    pub desk: &'d Desk,
    pub now: DateTime<Utc>,
}

/// The console person's stand-in chat id inside sealed tickets.
const CONSOLE_CHAT: i64 = 1;

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
    let duty = handoff.as_ref().map_or(Duty::Unavailable, |h| h.desk.duty(h.now));
    let mut screen = engine::handle_with(content, &duty, locale, Input::Start { payload: None });
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
                Some(button) if Prefix::of_callback(&button.data).is_some_and(|(p, _)| p == Prefix::Ask) => {
                    if let Some(handoff) = &handoff {
                        let position = &button.data[Prefix::Ask.char().len_utf8()..];
                        simulate_case(content, screen.locale, handoff, position, &mut lines, &mut output)?;
                        print_screen(&mut output, &screen)?;
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
            Err(_) => command(line),
        };
        screen = engine::handle_with(content, &duty, screen.locale, input);
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

/// One case end to end: question line, the card as the doctor sees it, the
/// doctor's reply line, the answer as the person sees it.
fn simulate_case(
    content: &Content,
    locale: Locale,
    handoff: &Handoff<'_>,
    position: &str,
    lines: &mut impl Iterator<Item = io::Result<String>>,
    output: &mut impl Write,
) -> io::Result<()> {
    let desk = handoff.desk;
    let ui = content.ui(locale);
    writeln!(output, "{}", "─".repeat(40))?;
    writeln!(
        output,
        "{}",
        content.text(locale, Msg::HandoffPrompt, &[("numbers", &ui.numbers)])
    )?;
    let Some(question) = lines.next().transpose()? else {
        return Ok(());
    };
    let duty = desk.duty(handoff.now);
    if let Some(screen) = engine::emergency_screen(content, &duty, locale, &question) {
        writeln!(output, "══ the person sees at once ══")?;
        print_screen(output, &screen)?;
    }
    let code = content.locale_code(locale);
    let case = CaseCode::random();
    let card_locale = desk.card_locale(content);
    let route = desk.route(handoff.now, code);
    let ticket = desk.sealer.seal_person(
        &PersonTicket {
            chat: CONSOLE_CHAT,
            locale: [code.as_bytes()[0], code.as_bytes()[1]],
            case,
            expires: expiry_from(handoff.now),
            opened: handoff.now,
        },
        desk.chat_of(route),
    );
    let recipient = match route {
        Route::Doctor(doctor) => format!("the doctor on shift, {}", desk.roster.doctor(doctor).name),
        Route::DutyChat => "the duty chat (nobody is on shift)".to_owned(),
    };
    let card = case_card(
        content,
        card_locale,
        case,
        code,
        &desk.local_time(handoff.now),
        &path_of(content, card_locale, position),
        urgent_path(content, position) || content.is_emergency(&question),
    );
    let buttons = card_buttons(content, card_locale, &Status::New, &ticket);
    let labels: Vec<&str> = buttons.iter().flatten().map(|b| b.label.as_ref()).collect();
    writeln!(output, "══ case card sent to {recipient} ══")?;
    writeln!(output, "{card}\n[{}]", labels.join("]   ["))?;
    writeln!(output, "── copied question ──\n{}", question.trim())?;
    let sent = desk.confirmation(content, locale, route, case, handoff.now);
    writeln!(output, "══ the person sees ══\n{sent}")?;
    writeln!(output, "══ type the doctor's reply ══")?;
    let Some(reply) = lines.next().transpose()? else {
        return Ok(());
    };
    // The reply finds the person the way it does in Telegram: through the
    // ticket in the card's buttons.
    let data = buttons.iter().flatten().map(|b| b.data.as_str());
    let opened = ticket_in(data).map(|(_, sealed)| desk.sealer.open_person(sealed, desk.chat_of(route), handoff.now));
    match opened {
        Some(Ok(person)) if person.chat == CONSOLE_CHAT => {
            let header = content.text(locale, Msg::HandoffAnswer, &[("case", &person.case.to_string())]);
            let write_back = content.text(locale, Msg::ButtonWriteBack, &[]);
            writeln!(
                output,
                "══ the person sees ══\n{header}\n{}\n[{write_back}]",
                reply.trim()
            )?;
            let delivered = content.text(card_locale, Msg::CaseDelivered, &[("case", &case.to_string())]);
            writeln!(output, "══ the doctor sees ══\n{delivered}")?;
        }
        _ => writeln!(output, "{}", content.text(card_locale, Msg::CaseInvalid, &[]))?,
    }
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
        "/privacy" => Input::Privacy,
        "/language" => Input::Language,
        "/voice" => Input::Unsupported {
            kind: MessageKind::Voice,
            caption: None,
            message: None,
        },
        "/photo" => Input::Unsupported {
            kind: MessageKind::Photo,
            caption: None,
            message: None,
        },
        "/sticker" => Input::Unsupported {
            kind: MessageKind::Other,
            caption: None,
            message: None,
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
