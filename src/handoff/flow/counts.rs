//! What the doctors' line counts: one [`HandoffEvent`] per step, carried
//! out by the executors as `Action::Count`. Beside the flow that emits
//! them, so the flow needs nothing of the metrics endpoint, which only
//! names them.

/// A step of the doctors' line, counted in `overdose_bot_handoff_events_total`.
/// An enum, so a misspelt event cannot create a new time series.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum HandoffEvent {
    /// A doctor's answer could not be delivered.
    AnswerFailed,
    /// The person blocked the bot or deleted the chat.
    AnswerRecipientGone,
    /// A reply to a case from outside the roster.
    AnswerRefused,
    /// A doctor's answer reached the person.
    AnswerSent,
    /// A forged "Write your question" position.
    AskInvalid,
    /// A doctor reopened a case.
    CaseReopened,
    /// A doctor resolved a case.
    CaseResolved,
    /// A doctor took a case.
    CaseTaken,
    /// The person was told a doctor took their question.
    TakenTold,
    /// A question marked urgent on its card.
    QuestionUrgent,
    /// "Did this help?": yes.
    FeedbackHelped,
    /// "Did this help?": no.
    FeedbackNotHelped,
    /// A case nobody took went on to the next doctor or the duty chat.
    Escalated,
    /// A case moving on reached no chat (it tries again later).
    EscalationFailed,
    /// A doctor who took a case and has not answered was reminded.
    Reminded,
    /// A case taken and not answered after the reminder went back to the pool.
    ReturnedToPool,
    /// A case's timer lost because the process stopped (one per case).
    TimerLost,
    /// A roster command in a group that is not the duty chat, ignored.
    CommandOutsideRosterChats,
    /// A roster command from someone not allowed.
    CommandRefused,
    /// An edited question or answer, not relayed.
    EditIgnored,
    /// A question described an emergency: the emergency page was sent first.
    EmergencyShown,
    /// A follow-up could not be delivered.
    FollowUpFailed,
    /// A follow-up to a doctor who left the roster became a new case.
    FollowUpRerouted,
    /// A follow-up reached the doctor.
    FollowUpSent,
    /// A file or other message kind, not relayed.
    KindRefused,
    /// A question prompt could not be sent.
    PromptFailed,
    /// A question prompt was sent.
    PromptSent,
    /// No chat of the roster accepted a case.
    QuestionFailed,
    /// A person was over the hourly question limit.
    QuestionLimited,
    /// A question from a group, refused.
    QuestionNotPrivate,
    /// A doctor's chat refused a case; it went to the duty chat.
    QuestionRerouted,
    /// A question reached a doctor or the duty chat.
    QuestionSent,
    /// A case button tapped by someone outside the roster.
    TapRefused,
    /// A ticket past its window.
    TicketExpired,
    /// A ticket that does not verify (forged, another chat or deployment, retired key).
    TicketInvalid,
}

impl HandoffEvent {
    /// The label value.
    pub fn as_str(self) -> &'static str {
        match self {
            HandoffEvent::AnswerFailed => "answer_failed",
            HandoffEvent::AnswerRecipientGone => "answer_recipient_gone",
            HandoffEvent::AnswerRefused => "answer_refused",
            HandoffEvent::AnswerSent => "answer_sent",
            HandoffEvent::AskInvalid => "ask_invalid",
            HandoffEvent::CaseReopened => "case_reopened",
            HandoffEvent::CaseResolved => "case_resolved",
            HandoffEvent::CaseTaken => "case_taken",
            HandoffEvent::TakenTold => "taken_told",
            HandoffEvent::QuestionUrgent => "question_urgent",
            HandoffEvent::FeedbackHelped => "feedback_helped",
            HandoffEvent::FeedbackNotHelped => "feedback_not_helped",
            HandoffEvent::Escalated => "escalated",
            HandoffEvent::EscalationFailed => "escalation_failed",
            HandoffEvent::Reminded => "reminded",
            HandoffEvent::ReturnedToPool => "returned_to_pool",
            HandoffEvent::TimerLost => "timer_lost",
            HandoffEvent::CommandOutsideRosterChats => "command_outside_roster_chats",
            HandoffEvent::CommandRefused => "command_refused",
            HandoffEvent::EditIgnored => "edit_ignored",
            HandoffEvent::EmergencyShown => "emergency_shown",
            HandoffEvent::FollowUpFailed => "follow_up_failed",
            HandoffEvent::FollowUpRerouted => "follow_up_rerouted",
            HandoffEvent::FollowUpSent => "follow_up_sent",
            HandoffEvent::KindRefused => "kind_refused",
            HandoffEvent::PromptFailed => "prompt_failed",
            HandoffEvent::PromptSent => "prompt_sent",
            HandoffEvent::QuestionFailed => "question_failed",
            HandoffEvent::QuestionLimited => "question_limited",
            HandoffEvent::QuestionNotPrivate => "question_not_private",
            HandoffEvent::QuestionRerouted => "question_rerouted",
            HandoffEvent::QuestionSent => "question_sent",
            HandoffEvent::TapRefused => "tap_refused",
            HandoffEvent::TicketExpired => "ticket_expired",
            HandoffEvent::TicketInvalid => "ticket_invalid",
        }
    }
}
