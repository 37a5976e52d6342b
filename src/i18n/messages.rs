//! The Fluent messages formatted while serving (the doctors' line: who is
//! on duty, case cards, answers), as a type: a call site names a `Msg`, not
//! a string that must match the locale files by spelling. `check` formats
//! every one in every locale with sample values of its variables, so a
//! missing message or a misspelt variable is caught before anyone sees it.

macro_rules! messages {
    ($($variant:ident = $id:literal [$($variable:literal),*];)*) => {
        /// A run-time message of the locale files.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum Msg { $($variant,)* }

        impl Msg {
            /// Every run-time message.
            pub const ALL: &'static [Msg] = &[$(Msg::$variant,)*];

            /// Its id in the `.ftl` files.
            pub fn id(self) -> &'static str {
                match self { $(Msg::$variant => $id,)* }
            }

            /// The variables it is formatted with.
            pub fn variables(self) -> &'static [&'static str] {
                match self { $(Msg::$variant => &[$($variable),*],)* }
            }
        }
    };
}

messages! {
    HandoffOnDuty = "handoff-on-duty" ["doctors", "line"];
    HandoffOffHours = "handoff-off-hours" ["next", "line"];
    HandoffNoShift = "handoff-no-shift" ["line"];
    HandoffUnavailable = "handoff-unavailable" ["organisation", "contact", "numbers", "line"];
    ButtonAsk = "button-ask" [];
    HandoffPrompt = "handoff-prompt" ["numbers", "line"];
    HandoffTopic = "handoff-topic" ["topic"];
    HandoffTaken = "handoff-taken" ["case", "numbers", "line"];
    FeedbackAsk = "feedback-ask" ["case", "line"];
    ButtonSendToDoctor = "button-send-to-doctor" [];
    CasePathMedia = "case-path-media" [];
    FeedbackThanks = "feedback-thanks" [];
    ButtonHelped = "button-helped" [];
    ButtonNotHelped = "button-not-helped" [];
    HandoffSent = "handoff-sent" ["case", "to", "numbers", "next"];
    HandoffFailed = "handoff-failed" ["organisation", "contact", "numbers"];
    HandoffLimited = "handoff-limited" ["numbers"];
    HandoffAnswer = "handoff-answer" ["case", "line"];
    ButtonWriteBack = "button-write-back" ["line"];
    HandoffFollowupPrompt = "handoff-followup-prompt" ["case", "line"];
    HandoffFollowupSent = "handoff-followup-sent" ["case", "line"];
    HandoffExpired = "handoff-expired" ["numbers", "line"];
    CaseUrgent = "case-urgent" [];
    CaseCard = "case-card" ["case", "language", "time", "path", "line"];
    CaseStatusNew = "case-status-new" [];
    CaseStatusTaken = "case-status-taken" ["doctor", "time"];
    CaseStatusResolved = "case-status-resolved" ["doctor", "time"];
    CaseCoordinator = "case-coordinator" [];
    CaseFollowup = "case-followup" ["case"];
    ButtonTake = "button-take" [];
    ButtonResolve = "button-resolve" [];
    ButtonReopen = "button-reopen" [];
    CaseDelivered = "case-delivered" ["case"];
    CaseUndeliveredGone = "case-undelivered-gone" ["case"];
    CaseUndeliveredError = "case-undelivered-error" ["case"];
    CaseExpired = "case-expired" [];
    CaseInvalid = "case-invalid" [];
    CaseNotMember = "case-not-member" [];
    ToastCaseReply = "toast-case-reply" [];
    ToastCaseTaken = "toast-case-taken" [];
    ToastCaseResolved = "toast-case-resolved" [];
    ToastCaseReopened = "toast-case-reopened" [];
    CommandNotMember = "command-not-member" [];
    CommandAdminsOnly = "command-admins-only" [];
    HandoffPrivateOnly = "handoff-private-only" ["numbers", "line"];
    HandoffKindRefused = "handoff-kind-refused" ["numbers", "line"];
    HandoffEditIgnored = "handoff-edit-ignored" ["line"];
    CaseKindRefused = "case-kind-refused" [];
    CaseEditIgnored = "case-edit-ignored" [];
    CasePathFollowup = "case-path-followup" ["case"];
    CaseEscalated = "case-escalated" ["minutes"];
    CaseReturned = "case-returned" ["minutes"];
    CaseReminder = "case-reminder" ["case", "minutes"];
    CaseTimersLost = "case-timers-lost" ["count"];
    ConsoleNoButton = "console-no-button" ["number"];
    ButtonCompanionStop = "button-companion-stop" [];
    CompanionStopped = "companion-stopped" ["names"];
    CompanionNoneRunning = "companion-none-running" [];
    CompanionStillRunning = "companion-still-running" ["names"];
    CompanionEnded = "companion-ended" ["name"];
    CompanionUnanswered = "companion-unanswered" ["name"];
    CompanionEvicted = "companion-evicted" ["name"];
    CompanionLost = "companion-lost" [];
    TimetableUnpublished = "timetable-unpublished" ["organisation", "contact"];
    TimetableNow = "timetable-now" ["place", "address", "until"];
    TimetableNotNow = "timetable-not-now" [];
    TimetableLaterToday = "timetable-later-today" [];
    TimetableTomorrow = "timetable-tomorrow" ["date"];
    TimetableNoneSoon = "timetable-none-soon" [];
    TimetableCancelled = "timetable-cancelled" [];
    TimetableCancelledBecause = "timetable-cancelled-because" ["note"];
    TimetableInMinutes = "timetable-in-minutes" ["minutes"];
    TimetableInHours = "timetable-in-hours" ["hours", "minutes"];
    TimetableWeekly = "timetable-weekly" [];
    TimetableZone = "timetable-zone" ["zone"];
    DayMon = "day-mon" [];
    DayTue = "day-tue" [];
    DayWed = "day-wed" [];
    DayThu = "day-thu" [];
    DayFri = "day-fri" [];
    DaySat = "day-sat" [];
    DaySun = "day-sun" [];
}
