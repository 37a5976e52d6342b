//! What an "Ask" screen says about its line (the doctors', the outreach
//! workers'). The adapter works it out from the roster and the clock; the
//! engine only words it, so it stays pure.

/// One line at the moment of a tap.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum Duty {
    /// No roster in this deployment, or the roster has no such line: no
    /// question can be sent.
    #[default]
    Unavailable,
    /// People on shift now, as people asking are allowed to see them:
    /// "Dr Anna (ru, en)".
    OnShift(Vec<String>),
    /// Nobody on shift; questions go to the duty chat. `next` is when the
    /// next shift starts, already written in the roster's local time.
    OffHours { next: Option<String> },
}

/// Every line's [`Duty`], by line id: a handoff node shows its own line's.
/// Empty (the default) in a deployment without a roster.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Duties {
    lines: Vec<(String, Duty)>,
}

static UNAVAILABLE: Duty = Duty::Unavailable;

impl Duties {
    pub fn new(lines: Vec<(String, Duty)>) -> Self {
        Duties { lines }
    }

    /// Only the doctors' line, as `duty` (tests, a roster of one line).
    pub fn doctors(duty: Duty) -> Self {
        Duties::new(vec![(crate::content::DOCTORS_LINE.to_owned(), duty)])
    }

    /// The line `line`'s duty; [`Duty::Unavailable`] for a line there is none of.
    pub fn of(&self, line: &str) -> &Duty {
        self.lines
            .iter()
            .find(|(id, _)| id == line)
            .map_or(&UNAVAILABLE, |(_, duty)| duty)
    }
}
