//! The doctors' side: answers, taps on case cards, the roster commands.
//! Only the roster's doctors and coordinators handle cases, in their
//! private chats or the duty chat.

use chrono::Duration;

use super::cases;
use super::counts::HandoffEvent;
use super::person::{ask_feedback, tell_taken};
use super::{
    Action, Card, Command, Ctx, Keyboard, Memory, Plan, Protect, Said, Sender, Step, Undelivered, case_refusal,
    refusal_event,
};
use crate::handoff::seal::{DoctorTicket, PersonTicket, expiry_from};
use crate::handoff::{Status, card_buttons, status_line, ticket_in, with_status, write_back_button};
use crate::i18n::Msg;
use crate::markup::escape_html;
use crate::payload::CaseAction;
use crate::roster::render_table;

/// An answer on its way to the person.
#[derive(Clone, Debug)]
pub struct Answering {
    person: PersonTicket,
    doctor_chat: i64,
    /// The doctor's reply.
    answer: i32,
    /// The "Write back" ticket, sealed for the person's chat.
    write_back: String,
    /// From the answered message reaching the doctors to the answer.
    waited: Option<Duration>,
}

/// A card whose status is being changed.
#[derive(Clone, Debug)]
pub struct Marked {
    action: CaseAction,
    person: PersonTicket,
    chat: i64,
    card: i32,
    user: i64,
    /// From the card reaching the doctors to the tap.
    waited: Duration,
    by: String,
    at: String,
}

/// Whether `from` may handle cases here: a member of the roster, in a
/// private chat or the duty chat.
fn handles_cases(ctx: &Ctx<'_>, from: Sender<'_>) -> bool {
    ctx.desk.roster.is_member(from.user) && (from.private || from.chat == ctx.desk.roster.duty_chat())
}

/// Whether `from` may be told a refusal now: always in a private chat and
/// to a roster member; someone else in a shared chat at most once per
/// `refusals::REFUSE_EVERY`, so refusals never queue up in front of a
/// doctor's answer.
fn may_refuse(ctx: &Ctx<'_>, mem: &mut Memory<'_>, from: Sender<'_>) -> bool {
    from.private || ctx.desk.roster.is_member(from.user) || mem.refusals.allow(from.user, from.chat, ctx.now)
}

/// A doctor's reply to a card or a copy: a header and the answer to the
/// person, then the outcome to the doctor.
pub(super) fn answer<'c>(
    ctx: &Ctx<'c>,
    mem: &mut Memory<'_>,
    plan: &mut Plan<'c>,
    from: Sender<'_>,
    said: Said<'_>,
    ticket: &str,
) {
    let content = ctx.content;
    let locale = ctx.desk.card_locale(content);
    let refusal = if said.edited {
        Some((HandoffEvent::EditIgnored, Msg::CaseEditIgnored))
    } else if !said.relayable {
        Some((HandoffEvent::KindRefused, Msg::CaseKindRefused))
    } else if !handles_cases(ctx, from) {
        Some((HandoffEvent::AnswerRefused, Msg::CaseNotMember))
    } else {
        None
    };
    if let Some((event, text)) = refusal {
        plan.count(event);
        if may_refuse(ctx, mem, from) {
            plan.say(from.chat, &content.text(locale, text, &[]), Some(said.id));
        }
        return;
    }
    let person = match ctx.desk.sealer.open_person(ticket, from.chat, ctx.now) {
        Ok(person) => person,
        Err(error) => {
            plan.count(refusal_event(error));
            plan.say(
                from.chat,
                &content.text(locale, case_refusal(error), &[]),
                Some(said.id),
            );
            return;
        }
    };
    let (thread, answered_at) = said.replied.unwrap_or((said.id, said.date));
    let write_back = ctx.desk.sealer.seal_doctor(
        &DoctorTicket {
            chat: from.chat,
            message: thread,
            case: person.case,
            expires: expiry_from(ctx.now),
            opened: person.opened,
        },
        person.chat,
        ctx.desk.roster.line(),
        ctx.now,
    );
    let person_locale = super::ticket_locale(content, person.locale);
    let header = content.text(
        person_locale,
        Msg::HandoffAnswer,
        &[("case", &person.case.to_string()), ("line", ctx.desk.roster.line())],
    );
    let answering = Answering {
        person,
        doctor_chat: from.chat,
        answer: said.id,
        write_back,
        waited: said.replied.map(|_| said.date - answered_at),
    };
    plan.send(
        person.chat,
        escape_html(&header),
        Keyboard::None,
        None,
        Some(Step::AnswerHeader(Box::new(answering))),
    );
}

pub(super) fn header_sent<'c>(
    ctx: &Ctx<'c>,
    mem: &mut Memory<'_>,
    plan: &mut Plan<'c>,
    answering: Answering,
    result: Result<i32, Undelivered>,
) {
    if let Err(undelivered) = result {
        return answer_copied(ctx, mem, plan, answering, Err(undelivered));
    }
    let locale = super::ticket_locale(ctx.content, answering.person.locale);
    plan.actions.push(Action::Copy {
        to: answering.person.chat,
        from: answering.doctor_chat,
        message: answering.answer,
        buttons: write_back_button(ctx.content, locale, ctx.desk.roster.line(), &answering.write_back),
        reply_to: None,
        protect: Protect::Shareable,
        urgent: false,
        then: Some(Step::AnswerCopied(Box::new(answering))),
    });
}

/// The answer arrived or not: the doctor is told which, by case code.
pub(super) fn answer_copied<'c>(
    ctx: &Ctx<'c>,
    mem: &mut Memory<'_>,
    plan: &mut Plan<'c>,
    answering: Answering,
    result: Result<i32, Undelivered>,
) {
    let outcome = match result {
        Ok(_) => {
            plan.count(HandoffEvent::AnswerSent);
            if let Some(waited) = answering.waited {
                plan.actions.push(Action::TimeToAnswer(waited));
            }
            cases::answered(mem.cases, answering.person.case);
            Msg::CaseDelivered
        }
        Err(Undelivered::Gone) => {
            plan.count(HandoffEvent::AnswerRecipientGone);
            Msg::CaseUndeliveredGone
        }
        Err(Undelivered::Failed) => {
            plan.count(HandoffEvent::AnswerFailed);
            Msg::CaseUndeliveredError
        }
    };
    let text = ctx.content.text(
        ctx.desk.card_locale(ctx.content),
        outcome,
        &[("case", &answering.person.case.to_string())],
    );
    plan.say(answering.doctor_chat, &text, Some(answering.answer));
}

/// Take, Resolve, Reopen on a card (or the explanation under a copy): the
/// card is edited, then the person told and the timers moved.
pub(super) fn case_tap<'c>(
    ctx: &Ctx<'c>,
    plan: &mut Plan<'c>,
    from: Sender<'_>,
    action: CaseAction,
    ticket: &str,
    card: Option<Card<'_>>,
) {
    let content = ctx.content;
    let locale = ctx.desk.card_locale(content);
    let toast = |plan: &mut Plan<'c>, text: Msg| plan.toast(Some(content.text(locale, text, &[])));
    if !ctx.desk.roster.is_member(from.user) {
        plan.count(HandoffEvent::TapRefused);
        return toast(plan, Msg::CaseNotMember);
    }
    if action == CaseAction::Show {
        return toast(plan, Msg::ToastCaseReply);
    }
    let Some(card) = card else {
        return toast(plan, Msg::CaseInvalid);
    };
    let person = match ctx.desk.sealer.open_person(ticket, card.chat, ctx.now) {
        Ok(person) => person,
        Err(error) => {
            plan.count(refusal_event(error));
            return toast(plan, case_refusal(error));
        }
    };
    // Only a card is edited into a card: a forged case button under any
    // other message must not overwrite it.
    if ticket_in(card.buttons.iter().copied()).is_none_or(|(_, own)| own != ticket) {
        return toast(plan, Msg::CaseInvalid);
    }
    let by = ctx.desk.signature(content, from.user);
    let at = ctx.desk.local_time(ctx.now);
    let (status, reply) = match action {
        CaseAction::Take => (Status::Taken { by: &by, at: &at }, Msg::ToastCaseTaken),
        CaseAction::Resolve => (Status::Resolved { by: &by, at: &at }, Msg::ToastCaseResolved),
        CaseAction::Reopen | CaseAction::Show => (Status::New, Msg::ToastCaseReopened),
    };
    let marked = Marked {
        action,
        person,
        chat: card.chat,
        card: card.id,
        user: from.user,
        waited: ctx.now - card.date,
        by: by.clone(),
        at: at.clone(),
    };
    plan.actions.push(Action::Edit {
        chat: card.chat,
        message: card.id,
        html: with_status(card.html, &status_line(content, locale, &status)),
        buttons: card_buttons(content, locale, &status, ticket),
        then: Some(Step::CardMarked(Box::new(marked))),
    });
    toast(plan, reply);
}

/// The card shows its new status: count, tell the person, keep the other
/// cards of the case and its timers in step.
pub(super) fn card_marked<'c>(
    ctx: &Ctx<'c>,
    mem: &mut Memory<'_>,
    plan: &mut Plan<'c>,
    marked: Marked,
    result: Result<i32, Undelivered>,
) {
    if result.is_err() {
        return;
    }
    let on = (marked.chat, marked.card);
    let status = match marked.action {
        CaseAction::Take => Status::Taken {
            by: &marked.by,
            at: &marked.at,
        },
        CaseAction::Resolve => Status::Resolved {
            by: &marked.by,
            at: &marked.at,
        },
        CaseAction::Reopen | CaseAction::Show => Status::New,
    };
    match marked.action {
        CaseAction::Take => {
            plan.count(HandoffEvent::CaseTaken);
            // The card's date is when it reached the doctors: no clock of ours to keep.
            plan.actions.push(Action::TimeToTake(marked.waited));
            tell_taken(ctx, plan, &marked.person);
            cases::taken(ctx, mem.cases, plan, marked.person.case, on, marked.user, &status);
        }
        CaseAction::Resolve => {
            plan.count(HandoffEvent::CaseResolved);
            ask_feedback(ctx, plan, &marked.person);
            cases::resolved(ctx, mem.cases, plan, marked.person.case, on, &status);
        }
        CaseAction::Reopen | CaseAction::Show => {
            plan.count(HandoffEvent::CaseReopened);
            cases::reopened(ctx, mem.cases, plan, marked.person.case, on);
        }
    }
}

/// `/oncall`, `/roster`, `/reload`: answered in private chats and the duty
/// chat only (another group would learn who is on shift), to members (and
/// for `/reload`, coordinators) only.
pub(super) fn command<'c>(
    ctx: &Ctx<'c>,
    mem: &mut Memory<'_>,
    plan: &mut Plan<'c>,
    from: Sender<'_>,
    command: Command,
    message: i32,
) {
    let roster = &ctx.desk.roster;
    if !(from.private || from.chat == roster.duty_chat()) {
        return plan.count(HandoffEvent::CommandOutsideRosterChats);
    }
    let content = ctx.content;
    let locale = content.negotiate(from.language);
    let allowed = match command {
        Command::Reload => roster.is_admin(from.user),
        Command::OnCall | Command::Roster => roster.is_member(from.user),
    };
    if !allowed {
        plan.count(HandoffEvent::CommandRefused);
        if !may_refuse(ctx, mem, from) {
            return;
        }
        let text = match command {
            Command::Reload => Msg::CommandAdminsOnly,
            Command::OnCall | Command::Roster => Msg::CommandNotMember,
        };
        return plan.say(from.chat, &content.text(locale, text, &[]), None);
    }
    let days = match command {
        Command::Reload => {
            return plan.actions.push(Action::Reload {
                to: from.chat,
                reply_to: message,
            });
        }
        Command::OnCall => 0,
        Command::Roster => 7,
    };
    let table = render_table(roster, ctx.now, days);
    let table = if days == 0 {
        table
            .lines()
            .take_while(|l| !l.is_empty())
            .collect::<Vec<_>>()
            .join("\n")
    } else {
        table
    };
    // A coordinator sees every line's: each but the doctors' under its id.
    let table = if roster.line() == crate::roster::DOCTORS_LINE {
        table
    } else {
        format!("[{}]\n{table}", roster.line())
    };
    plan.send(
        from.chat,
        format!("<pre>{}</pre>", escape_html(&table)),
        Keyboard::None,
        None,
        None,
    );
}
