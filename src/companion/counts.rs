//! What the companion counts: one [`CompanionEvent`] per step, carried out
//! by the executors as `Action::Count`. Beside the flow that emits them, so
//! the flow needs nothing of the metrics endpoint, which only names them.

/// A step of the emergency companion, as counted (no chat, no answer text).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CompanionEvent {
    /// Check-ins started ("I gave naloxone").
    Started,
    /// A check-in question was sent.
    CheckIn,
    /// A check-in was answered.
    Answered,
    /// The person stopped the check-ins.
    Stopped,
    /// An answer ended them ("the ambulance is here").
    Completed,
    /// They ran their time out.
    Expired,
    /// A stop of the bot ended them (one per chat).
    Lost,
    /// A check-in went unanswered too often (`companion::MAX_ASKS`).
    Unanswered,
    /// Dropped at the cap of running companions, the longest unanswered first.
    Evicted,
    /// Dropped because Telegram said the chat is gone (bot blocked).
    Dropped,
}

impl CompanionEvent {
    pub fn as_str(self) -> &'static str {
        match self {
            CompanionEvent::Started => "started",
            CompanionEvent::CheckIn => "check_in",
            CompanionEvent::Answered => "answered",
            CompanionEvent::Stopped => "stopped",
            CompanionEvent::Completed => "completed",
            CompanionEvent::Expired => "expired",
            CompanionEvent::Lost => "lost",
            CompanionEvent::Unanswered => "unanswered",
            CompanionEvent::Evicted => "evicted",
            CompanionEvent::Dropped => "dropped",
        }
    }
}
