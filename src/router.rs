//! The one door: every tap and every message, read by its adapter into
//! plain facts, is decided here, once, into its owner's event: the menu
//! engine's input, a line's event, a companion's event, a group's answer,
//! or a refusal. The Telegram adapter and the console both ask this, so
//! they cannot route differently, and no owner has to ask "is this mine?".
//!
//! Pure: no teloxide, no I/O, no clock. What a chat is (private, a line's
//! duty chat, another group) is a fact the adapter brings, because only it
//! knows the roster being served.

use crate::companion;
use crate::engine::{CallbackData, Input};
use crate::handoff::flow::{Card, Command, Event, Said, Sender};
use crate::payload::{DeepLink, Prefix, Tap};

/// What kind of chat a tap or a message came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Place {
    /// A private chat with the bot.
    Private,
    /// The duty chat of one of the lines being served.
    DutyChat,
    /// Any other group.
    Group,
}

/// A button tapped, as facts.
#[derive(Clone, Debug)]
pub struct TapFacts<'a> {
    pub data: &'a str,
    pub user: i64,
    /// The language of the tapping person's Telegram app.
    pub language: Option<&'a str>,
    /// Whether a roster is served (without one, no line owns any button).
    pub lines: bool,
    /// The message the button is under; `None` under a message sent
    /// through inline mode, which has no chat the bot can see.
    pub under: Option<Under<'a>>,
}

/// The message a button was tapped under.
#[derive(Clone, Debug)]
pub struct Under<'a> {
    pub chat: i64,
    pub place: Place,
    pub id: i32,
    pub date: chrono::DateTime<chrono::Utc>,
    /// Whether Telegram still shows the message to the bot (not too old).
    pub shown: bool,
    /// Its text as Telegram holds it, in HTML, under a case button only
    /// (the card a case tap edits); `None` otherwise, or when not shown.
    pub html: Option<&'a str>,
    /// The callback data of its buttons.
    pub buttons: Vec<&'a str>,
}

/// A message, as facts.
#[derive(Clone, Debug)]
pub struct MessageFacts<'a> {
    pub place: Place,
    pub lines: bool,
    pub from: Sender<'a>,
    pub said: Said<'a>,
    /// The bot's own message this one replies to (a reply to anyone else's
    /// is an ordinary message).
    pub replied: Option<Replied<'a>>,
    /// A command for this bot: its name in lowercase, and its argument.
    pub command: Option<(&'a str, &'a str)>,
    /// What the menu engine reads it as, in a private chat; `None` for a
    /// command addressed to another bot.
    pub input: Option<Input<'a>>,
}

/// The bot's message a reply answers: what tells a question from an answer
/// and a follow-up.
#[derive(Clone, Debug, Default)]
pub struct Replied<'a> {
    /// The callback data of its buttons.
    pub buttons: Vec<&'a str>,
    /// The `start` payloads of its links (a prompt's topic link, a
    /// follow-up prompt's link).
    pub start_links: Vec<&'a str>,
}

/// Whose a tap or a message is, with what it says decoded for its owner.
#[derive(Debug)]
pub enum Routed<'a> {
    /// The menu engine's (a page, a search, "Clear this chat"'s steps).
    Menu(Input<'a>),
    /// A line's (the doctors', the outreach workers'); `Desks::lines_for`
    /// decides which.
    Line(Event<'a>),
    /// The emergency companion's.
    Companion(companion::Event<'a>),
    /// A group's: a short public answer if it is for the bot, under the
    /// group's own switch.
    Group,
    /// Refused before any owner sees it.
    Refused(Refusal),
    /// Not for this bot (a command addressed to another bot).
    Ignored,
}

/// Why a tap is refused at the door.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Refusal {
    /// A tap no shared chat can hold: the bot puts only case buttons into
    /// shared chats (and only into duty chats), so any other data there is
    /// forged (Telegram lets a client send any data, DESIGN: "forged
    /// callback data"). A menu would turn a group's short answer into the
    /// main menu, a companion would start check-ins there, feedback would
    /// overwrite a card. Answered silently.
    ForgedOutsidePrivate,
    /// "Clear this chat" outside a private chat: a pop-up says it works in
    /// private chats only, and nothing is deleted.
    ClearOutsidePrivate,
}

/// The owner of a tap.
pub fn tap<'a>(facts: &TapFacts<'a>) -> Routed<'a> {
    let tap = Tap::parse(facts.data);
    let Some(under) = &facts.under else {
        // Under an inline-mode message nothing is edited or started: only
        // the engine answers, with a pop-up.
        return Routed::Menu(Input::Callback { data: facts.data });
    };
    let private = under.place == Place::Private;
    match (tap, under.place) {
        (Tap::ClearChat(_), Place::DutyChat | Place::Group) => return Routed::Refused(Refusal::ClearOutsidePrivate),
        (_, Place::Private) | (Tap::Case { .. }, Place::DutyChat) => {}
        // The line explains that questions are asked in private; without a
        // line the engine would answer with a menu, into a group.
        (Tap::Ask(_), _) if facts.lines => {}
        _ => return Routed::Refused(Refusal::ForgedOutsidePrivate),
    }
    let from = Sender {
        user: facts.user,
        chat: under.chat,
        private,
        language: facts.language,
    };
    let event = match tap {
        Tap::Companion(data) => {
            return Routed::Companion(companion::Event::Tap { chat: under.chat, data });
        }
        Tap::Menu(_) | Tap::ClearChat(_) | Tap::Unknown(_) => {
            return Routed::Menu(Input::Callback { data: facts.data });
        }
        // Without a roster no line owns these: the engine says the button
        // is out of date.
        _ if !facts.lines => return Routed::Menu(Input::Callback { data: facts.data }),
        Tap::Ask(position) => Event::Ask {
            from,
            position: CallbackData::decode(position).ok(),
        },
        Tap::WriteBack(ticket) => Event::WriteBack {
            from,
            ticket,
            tapped: true,
        },
        Tap::SendToDoctor(message) => Event::SendToDoctor { from, message },
        Tap::Feedback(answer) => Event::Feedback {
            from,
            answer,
            // Only the question that asked for it is edited: a forged tap
            // on a card or an answer must not overwrite it.
            message: (under.shown && carries(&under.buttons, Prefix::Feedback)).then_some(under.id),
        },
        Tap::Case { action, ticket } => Event::CaseTap {
            from,
            action,
            ticket,
            card: under.html.map(|html| Card {
                chat: under.chat,
                id: under.id,
                html,
                date: under.date,
                buttons: under.buttons.clone(),
            }),
        },
    };
    Routed::Line(event)
}

/// The owner of a message.
///
/// With a roster, the lines come first: a reply to one of their prompts,
/// cards or answers (in a private chat or a duty chat), a roster command
/// (which the line answers in duty chats only), the follow-up link. Then a
/// group's message goes to the group; a private one to the engine.
pub fn message<'a>(facts: &MessageFacts<'a>) -> Routed<'a> {
    if facts.lines
        && let Some(event) = line_message(facts)
    {
        return Routed::Line(event);
    }
    if facts.place != Place::Private {
        return Routed::Group;
    }
    facts.input.map_or(Routed::Ignored, Routed::Menu)
}

fn line_message<'a>(facts: &MessageFacts<'a>) -> Option<Event<'a>> {
    let (from, said) = (facts.from, facts.said);
    if facts.place != Place::Group
        && let Some(replied) = &facts.replied
        && let Some(event) = reply(replied, from, said)
    {
        return Some(event);
    }
    let (name, argument) = facts.command?;
    let command = match name {
        "oncall" => Command::OnCall,
        "roster" => Command::Roster,
        "reload" => Command::Reload,
        // A `/start` payload is read in private chats only. Node ids never
        // start with a prefix, so no page is taken for a ticket.
        "start" if facts.place == Place::Private => {
            return match Prefix::of_deep_link(argument) {
                Some((Prefix::WriteBack, ticket)) => Some(Event::WriteBack {
                    from,
                    ticket,
                    tapped: false,
                }),
                _ => None,
            };
        }
        _ => return None,
    };
    Some(Event::Command {
        from,
        command,
        message: said.id,
    })
}

/// Which of the line's messages a reply to the bot's `replied` is: to a
/// case card or a copied question, a doctor's answer; to an answer or its
/// "write back" prompt, a follow-up; to a question prompt (its topic link
/// carries the position asked from), a question.
fn reply<'a>(replied: &Replied<'a>, from: Sender<'a>, said: Said<'a>) -> Option<Event<'a>> {
    let taps = || replied.buttons.iter().map(|data| Tap::parse(data));
    if let Some(ticket) = taps().find_map(|tap| match tap {
        Tap::Case { ticket, .. } => Some(ticket),
        _ => None,
    }) {
        return Some(Event::Answer { from, said, ticket });
    }
    if let Some(ticket) = taps().find_map(|tap| match tap {
        Tap::WriteBack(ticket) => Some(ticket),
        _ => None,
    }) {
        return Some(Event::FollowUp { from, said, ticket });
    }
    replied.start_links.iter().find_map(|payload| {
        // The bot's own prompts link to tokens, never to pages; a prompt
        // sent before the menu prefix changed carries the old one, which
        // the callback codec still reads.
        match DeepLink::parse(Some(payload), |_| None::<()>) {
            DeepLink::WriteBack(ticket) => Some(Event::FollowUp { from, said, ticket }),
            _ => CallbackData::decode(payload)
                .ok()
                .map(|position| Event::Question { from, said, position }),
        }
    })
}

/// Whether a message whose buttons are `buttons` is a menu: it has
/// buttons, and every one is a page's own (see [`Tap::is_menu`]). A
/// message with none (a group's short answer, an answer) is not, so a
/// forged menu tap under it sends a new message instead of overwriting it.
pub fn is_menu(buttons: &[&str]) -> bool {
    !buttons.is_empty() && buttons.iter().all(|data| Tap::parse(data).is_menu())
}

fn carries(buttons: &[&str], prefix: Prefix) -> bool {
    buttons
        .iter()
        .any(|data| Prefix::of_callback(data).is_some_and(|(p, _)| p == prefix))
}

#[cfg(test)]
mod tests;
