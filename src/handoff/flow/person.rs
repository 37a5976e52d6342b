//! The person's side: prompts, questions, follow-ups, a photo or voice
//! message sent to the doctor, feedback; and, once a case card is sent
//! ([`super::card`]), the question under it or the next route.

use super::card::{Asked, Reason, Transit, deliver};
use super::cases;
use super::counts::HandoffEvent;
use super::{
    Ctx, Keyboard, Memory, Plan, Protect, Said, Sender, Step, Undelivered, failed_text, locale_bytes, start_link,
};
use crate::content::{Content, Locale};
use crate::engine::{self, Button, CallbackData};
use crate::handoff::seal::{CaseCode, PersonTicket, expiry_from};
use crate::handoff::{Route, case_card, copy_button, path_of, urgent_path};
use crate::i18n::Msg;
use crate::markup::escape_html;
use crate::payload::Prefix;

/// "Write your question": the prompt, whose reply is the question.
pub(super) fn ask<'c>(ctx: &Ctx<'c>, plan: &mut Plan<'c>, from: Sender<'_>, position: Option<CallbackData>) {
    let content = ctx.content;
    let locale = content.negotiate(from.language);
    if !tapped_in_private(ctx, plan, from, locale) {
        return;
    }
    // Only a well-formed position goes into the prompt's link.
    let Some(data) = position else {
        plan.count(HandoffEvent::AskInvalid);
        return;
    };
    let locale = position_locale(content, &data).unwrap_or(locale);
    let prompt = content.text(
        locale,
        Msg::HandoffPrompt,
        &[
            ("numbers", &content.ui(locale).numbers),
            ("line", ctx.desk.roster.line()),
        ],
    );
    let topic = content
        .node_by_key(data.target)
        .map_or("", |node| content.node(node).title(locale));
    let topic = content.text(locale, Msg::HandoffTopic, &[("topic", topic)]);
    let html = format!(
        "{}\n<a href=\"{}\">{}</a>",
        escape_html(&prompt),
        start_link(ctx.bot, &data.encode()),
        escape_html(&topic)
    );
    plan.send(from.chat, html, Keyboard::ForceReply, None, Some(Step::PromptSent));
}

/// "Write back" tapped, or its link opened: the follow-up prompt, whose
/// case code links to the ticket so the reply finds its way.
pub(super) fn write_back<'c>(ctx: &Ctx<'c>, plan: &mut Plan<'c>, from: Sender<'_>, ticket: &str, tapped: bool) {
    let content = ctx.content;
    let locale = content.negotiate(from.language);
    if tapped && !tapped_in_private(ctx, plan, from, locale) {
        return;
    }
    match ctx
        .desk
        .sealer
        .open_doctor(ticket, from.chat, ctx.desk.roster.line(), ctx.now)
    {
        Ok(doctor) => {
            let case = doctor.case.to_string();
            let text = escape_html(&content.text(
                locale,
                Msg::HandoffFollowupPrompt,
                &[("case", &case), ("line", ctx.desk.roster.line())],
            ));
            let link = format!(
                "<a href=\"{}\">{case}</a>",
                start_link(ctx.bot, &Prefix::WriteBack.with(ticket))
            );
            let html = text.replacen(&case, &link, 1);
            plan.send(from.chat, html, Keyboard::ForceReply, None, None);
        }
        Err(_) => say_expired(ctx, plan, from.chat, locale),
    }
}

/// The case can no longer be reached (its ticket expired or is not this
/// chat's): ask again, and the numbers.
fn say_expired<'c>(ctx: &Ctx<'c>, plan: &mut Plan<'c>, chat: i64, locale: Locale) {
    let numbers = &ctx.content.ui(locale).numbers;
    let text = ctx.content.text(
        locale,
        Msg::HandoffExpired,
        &[("numbers", numbers), ("line", ctx.desk.roster.line())],
    );
    plan.say(chat, &text, None);
}

/// A person's question: the emergency page first if it describes one, then
/// a case, unless it is refused or over the limit.
pub(super) fn question<'c>(
    ctx: &Ctx<'c>,
    mem: &mut Memory<'_>,
    plan: &mut Plan<'c>,
    from: Sender<'_>,
    said: Said<'_>,
    position: CallbackData,
) {
    let content = ctx.content;
    let locale = position_locale(content, &position).unwrap_or(content.negotiate(from.language));
    emergency_first(ctx, plan, from.chat, locale, said.text);
    if refused(ctx, plan, from, &said, locale) || limited(ctx, mem, plan, from, locale) {
        return;
    }
    let card_locale = ctx.desk.card_locale(content);
    let origin = Origin {
        path: path_of(content, card_locale, &position),
        urgent: urgent_path(content, &position),
    };
    let asked = Asked {
        chat: from.chat,
        message: said.id,
    };
    open_case(ctx, plan, asked, said.text, locale, origin);
}

/// A person's follow-up, threaded under the message the doctor answered;
/// a new case when that doctor has left the roster.
pub(super) fn follow_up<'c>(
    ctx: &Ctx<'c>,
    mem: &mut Memory<'_>,
    plan: &mut Plan<'c>,
    from: Sender<'_>,
    said: Said<'_>,
    ticket: &str,
) {
    let content = ctx.content;
    let locale = content.negotiate(from.language);
    emergency_first(ctx, plan, from.chat, locale, said.text);
    if refused(ctx, plan, from, &said, locale) {
        return;
    }
    let doctor = match ctx
        .desk
        .sealer
        .open_doctor(ticket, from.chat, ctx.desk.roster.line(), ctx.now)
    {
        Ok(doctor) => doctor,
        Err(error) => {
            plan.count(super::refusal_event(error));
            return say_expired(ctx, plan, from.chat, locale);
        }
    };
    if limited(ctx, mem, plan, from, locale) {
        return;
    }
    let asked = Asked {
        chat: from.chat,
        message: said.id,
    };
    if !ctx.desk.roster.holds_chat(doctor.chat) {
        // The doctor left the roster or the duty chat was replaced since the
        // answer: the follow-up becomes a new case for whoever is on duty on
        // the same line (the line is sealed into the ticket).
        plan.count(HandoffEvent::FollowUpRerouted);
        let card_locale = ctx.desk.card_locale(content);
        let case = doctor.case.to_string();
        let origin = Origin {
            path: content.text(card_locale, Msg::CasePathFollowup, &[("case", &case)]),
            urgent: false,
        };
        open_case(ctx, plan, asked, said.text, locale, origin);
        return;
    }
    let code = locale_bytes(content.locale_code(locale));
    let ticket = ctx.desk.sealer.seal_person(
        &PersonTicket {
            chat: from.chat,
            locale: code,
            case: doctor.case,
            expires: expiry_from(ctx.now),
            opened: doctor.opened,
        },
        doctor.chat,
        ctx.now,
    );
    plan.actions.push(super::Action::Copy {
        to: doctor.chat,
        from: from.chat,
        message: said.id,
        buttons: copy_button(content, ctx.desk.card_locale(content), doctor.case, &ticket),
        reply_to: Some(doctor.message),
        protect: Protect::NoForwarding,
        urgent: content.is_emergency(said.text),
        then: Some(Step::FollowUpCopied {
            person: from.chat,
            message: said.id,
            locale: code,
            case: doctor.case,
        }),
    });
}

pub(super) fn follow_up_copied<'c>(
    ctx: &Ctx<'c>,
    plan: &mut Plan<'c>,
    person: i64,
    message: i32,
    code: [u8; 2],
    case: CaseCode,
    result: Result<i32, Undelivered>,
) {
    let locale = super::ticket_locale(ctx.content, code);
    let text = match result {
        Ok(_) => {
            plan.count(HandoffEvent::FollowUpSent);
            ctx.content.text(
                locale,
                Msg::HandoffFollowupSent,
                &[("case", &case.to_string()), ("line", ctx.desk.roster.line())],
            )
        }
        Err(_) => {
            plan.count(HandoffEvent::FollowUpFailed);
            failed_text(ctx, locale)
        }
    };
    plan.say(person, &text, Some(message));
}

/// "Send this to the doctor on duty" under a photo or voice message: that
/// message (by its id in the person's own chat) goes out as a case.
pub(super) fn send_to_doctor<'c>(
    ctx: &Ctx<'c>,
    mem: &mut Memory<'_>,
    plan: &mut Plan<'c>,
    from: Sender<'_>,
    message: &str,
) {
    let content = ctx.content;
    let locale = content.negotiate(from.language);
    let numbers = &content.ui(locale).numbers;
    let Ok(message) = message.parse::<i32>() else {
        plan.count(HandoffEvent::AskInvalid);
        plan.toast(None);
        return;
    };
    let refusal = if !from.private {
        Some((HandoffEvent::QuestionNotPrivate, Msg::HandoffPrivateOnly))
    } else if !mem.limit.allow(from.user, ctx.now) {
        Some((HandoffEvent::QuestionLimited, Msg::HandoffLimited))
    } else {
        None
    };
    if let Some((event, text)) = refusal {
        plan.count(event);
        plan.toast(Some(content.text(
            locale,
            text,
            &[("numbers", numbers), ("line", ctx.desk.roster.line())],
        )));
        return;
    }
    plan.toast(None);
    let origin = Origin {
        path: content.text(ctx.desk.card_locale(content), Msg::CasePathMedia, &[]),
        urgent: false,
    };
    let asked = Asked {
        chat: from.chat,
        message,
    };
    open_case(ctx, plan, asked, "", locale, origin);
}

/// A tap on "Did this help?": counted, thanked, the buttons removed. A
/// forged or repeated tap can only move a count.
pub(super) fn feedback<'c>(ctx: &Ctx<'c>, plan: &mut Plan<'c>, from: Sender<'_>, answer: &str, message: Option<i32>) {
    let event = match answer {
        "y" => HandoffEvent::FeedbackHelped,
        "n" => HandoffEvent::FeedbackNotHelped,
        _ => return plan.toast(None),
    };
    plan.count(event);
    let thanks = ctx
        .content
        .text(ctx.content.negotiate(from.language), Msg::FeedbackThanks, &[]);
    plan.toast(Some(thanks.clone()));
    if let Some(message) = message {
        plan.actions.push(super::Action::Edit {
            chat: from.chat,
            message,
            html: escape_html(&thanks),
            buttons: Vec::new(),
            then: None,
        });
    }
}

/// After a case is resolved, one anonymous question to the person: did it
/// help? The answer is only counted.
pub(super) fn ask_feedback<'c>(ctx: &Ctx<'c>, plan: &mut Plan<'c>, person: &PersonTicket) {
    let content = ctx.content;
    let locale = super::ticket_locale(content, person.locale);
    let text = content.text(
        locale,
        Msg::FeedbackAsk,
        &[("case", &person.case.to_string()), ("line", ctx.desk.roster.line())],
    );
    let button = |label: Msg, answer: &str| Button {
        label: content.text(locale, label, &[]).into(),
        data: Prefix::Feedback.with(answer),
    };
    let buttons = vec![vec![button(Msg::ButtonHelped, "y"), button(Msg::ButtonNotHelped, "n")]];
    plan.send(person.chat, escape_html(&text), Keyboard::Buttons(buttons), None, None);
}

/// The person hears that a doctor has their question, so they know to wait
/// for the answer (and still to call if it is an emergency).
pub(super) fn tell_taken<'c>(ctx: &Ctx<'c>, plan: &mut Plan<'c>, person: &PersonTicket) {
    let content = ctx.content;
    let locale = super::ticket_locale(content, person.locale);
    let text = content.text(
        locale,
        Msg::HandoffTaken,
        &[
            ("case", &person.case.to_string()),
            ("numbers", &content.ui(locale).numbers),
            ("line", ctx.desk.roster.line()),
        ],
    );
    plan.count(HandoffEvent::TakenTold);
    plan.say(person.chat, &text, None);
}

/// Where a new case comes from, as its card says.
struct Origin {
    /// The screens that led to the question.
    path: String,
    /// Asked from a page about a life-threatening situation.
    urgent: bool,
}

/// Whether search answers the question with an urgent page first ("chest
/// pain after coke" finds the stimulants page): such a question is urgent
/// wherever it was asked from, as it would be asked from that page. The
/// emergency page does not count here: whether a message describes an
/// emergency is the emergency rule's to say (its keywords, whole), and a
/// loose match ("I lost my passport" near "lost consciousness") must not
/// cry wolf on every card.
fn about_an_urgent_page(content: &crate::content::Content, locale: Locale, text: &str) -> bool {
    content
        .search(locale, text, 1)
        .first()
        .is_some_and(|&node| node != content.emergency() && content.node(node).is_urgent())
}

/// A new case: its card goes to the doctor on duty, or the duty chat if
/// that fails or nobody is on shift. Urgent when asked from the emergency
/// path, when the message itself describes an emergency, or when its words
/// lead to an urgent page.
fn open_case<'c>(ctx: &Ctx<'c>, plan: &mut Plan<'c>, asked: Asked, text: &str, locale: Locale, origin: Origin) {
    let content = ctx.content;
    let code = content.locale_code(locale);
    let case = CaseCode::random();
    let urgent = origin.urgent || content.is_emergency(text) || about_an_urgent_page(content, locale, text);
    if urgent {
        plan.count(HandoffEvent::QuestionUrgent);
    }
    let card_locale = ctx.desk.card_locale(content);
    let card = case_card(
        content,
        card_locale,
        ctx.desk.roster.line(),
        case,
        code,
        &ctx.desk.local_time(ctx.now),
        &origin.path,
        urgent,
    );
    let first = ctx.desk.route(ctx.now, code);
    let mut routes = vec![first];
    if first != Route::DutyChat {
        routes.push(Route::DutyChat);
    }
    let transit = Transit {
        person: PersonTicket {
            chat: asked.chat,
            locale: locale_bytes(code),
            case,
            expires: expiry_from(ctx.now),
            opened: ctx.now,
        },
        asked,
        urgent,
        card,
        reason: Reason::New,
        routes,
        ticket: String::new(),
    };
    deliver(ctx, plan, transit);
}

/// The card arrived: the question goes under it. It did not: the next route.
pub(super) fn card_sent<'c>(
    ctx: &Ctx<'c>,
    mem: &mut Memory<'_>,
    plan: &mut Plan<'c>,
    transit: Transit,
    result: Result<i32, Undelivered>,
) {
    let Ok(card) = result else {
        return next_route(ctx, mem, plan, transit);
    };
    let content = ctx.content;
    let buttons = copy_button(
        content,
        ctx.desk.card_locale(content),
        transit.person.case,
        &transit.ticket,
    );
    plan.actions.push(super::Action::Copy {
        to: ctx.desk.chat_of(transit.route()),
        from: transit.asked.chat,
        message: transit.asked.message,
        buttons,
        reply_to: Some(card),
        protect: Protect::NoForwarding,
        urgent: transit.urgent,
        then: Some(Step::QuestionCopied {
            transit: Box::new(transit),
            card,
        }),
    });
}

/// Card and question are there: the person is told (for a new case) and
/// the case's timer starts.
pub(super) fn question_copied<'c>(
    ctx: &Ctx<'c>,
    mem: &mut Memory<'_>,
    plan: &mut Plan<'c>,
    transit: Transit,
    card: i32,
    result: Result<i32, Undelivered>,
) {
    if result.is_err() {
        return next_route(ctx, mem, plan, transit);
    }
    if transit.reason == Reason::New {
        plan.count(HandoffEvent::QuestionSent);
        let locale = super::ticket_locale(ctx.content, transit.person.locale);
        let text = ctx
            .desk
            .confirmation(ctx.content, locale, transit.route(), transit.person.case, ctx.now);
        plan.say(transit.asked.chat, &text, Some(transit.asked.message));
    } else {
        plan.count(HandoffEvent::Escalated);
    }
    cases::arrived(ctx, mem.cases, transit, card);
}

fn next_route<'c>(ctx: &Ctx<'c>, mem: &mut Memory<'_>, plan: &mut Plan<'c>, mut transit: Transit) {
    transit.routes.remove(0);
    if !transit.routes.is_empty() {
        plan.count(HandoffEvent::QuestionRerouted);
        return deliver(ctx, plan, transit);
    }
    if transit.reason == Reason::New {
        plan.count(HandoffEvent::QuestionFailed);
        let locale = super::ticket_locale(ctx.content, transit.person.locale);
        plan.say(
            transit.asked.chat,
            &failed_text(ctx, locale),
            Some(transit.asked.message),
        );
    } else {
        cases::undelivered(ctx, mem.cases, plan, transit.person.case);
    }
}

/// The line's buttons work in private chats only: in a group the tap gets
/// a toast saying so. True (and the spinner stopped) in a private chat.
fn tapped_in_private<'c>(ctx: &Ctx<'c>, plan: &mut Plan<'c>, from: Sender<'_>, locale: Locale) -> bool {
    if from.private {
        plan.toast(None);
        return true;
    }
    plan.count(HandoffEvent::QuestionNotPrivate);
    let numbers = &ctx.content.ui(locale).numbers;
    plan.toast(Some(ctx.content.text(
        locale,
        Msg::HandoffPrivateOnly,
        &[("numbers", numbers), ("line", ctx.desk.roster.line())],
    )));
    false
}

/// A question or follow-up that describes an emergency ("не дышит"): the
/// emergency page goes to the person at once, whatever happens next.
fn emergency_first<'c>(ctx: &Ctx<'c>, plan: &mut Plan<'c>, chat: i64, locale: Locale, text: &str) {
    let duties = engine::Duties::new(vec![(ctx.desk.roster.line().to_owned(), ctx.desk.duty(ctx.now))]);
    if let Some(screen) = engine::emergency_screen(ctx.content, &duties, locale, text) {
        plan.count(HandoffEvent::EmergencyShown);
        plan.actions.push(super::Action::Screen {
            to: chat,
            screen: Box::new(screen),
        });
    }
}

/// The line works in private chats only; edits are never relayed (an
/// edited question opened a second case); only the kinds of message people
/// can safely open are copied. True when refused (and told).
fn refused<'c>(ctx: &Ctx<'c>, plan: &mut Plan<'c>, from: Sender<'_>, said: &Said<'_>, locale: Locale) -> bool {
    let refusal = if !from.private {
        (HandoffEvent::QuestionNotPrivate, Msg::HandoffPrivateOnly)
    } else if said.edited {
        (HandoffEvent::EditIgnored, Msg::HandoffEditIgnored)
    } else if !said.relayable {
        (HandoffEvent::KindRefused, Msg::HandoffKindRefused)
    } else {
        return false;
    };
    plan.count(refusal.0);
    let numbers = &ctx.content.ui(locale).numbers;
    plan.say(
        from.chat,
        &ctx.content.text(
            locale,
            refusal.1,
            &[("numbers", numbers), ("line", ctx.desk.roster.line())],
        ),
        Some(said.id),
    );
    true
}

/// Counts one question; true (and the person told) when over the limit.
/// The limit counts the person, not the chat.
fn limited<'c>(ctx: &Ctx<'c>, mem: &mut Memory<'_>, plan: &mut Plan<'c>, from: Sender<'_>, locale: Locale) -> bool {
    if mem.limit.allow(from.user, ctx.now) {
        return false;
    }
    plan.count(HandoffEvent::QuestionLimited);
    let numbers = &ctx.content.ui(locale).numbers;
    plan.say(
        from.chat,
        &ctx.content.text(locale, Msg::HandoffLimited, &[("numbers", numbers)]),
        None,
    );
    true
}

/// The locale a question was asked in, from its position.
fn position_locale(content: &Content, data: &CallbackData) -> Option<Locale> {
    content.locale_by_code(std::str::from_utf8(&data.locale).ok()?)
}
