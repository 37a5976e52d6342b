//! What the "Ask a doctor" screen says about the doctors' line. The adapter
//! works it out from the roster and the clock; the engine only words it, so
//! it stays pure.

/// The doctors' line at the moment of a tap.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum Duty {
    /// No roster in this deployment: no question can be sent.
    #[default]
    Unavailable,
    /// Doctors on shift now, as people are allowed to see them:
    /// "Dr Anna (ru, en)".
    OnShift(Vec<String>),
    /// Nobody on shift; questions go to the duty chat. `next` is when the
    /// next shift starts, already written in the roster's local time.
    OffHours { next: Option<String> },
}
