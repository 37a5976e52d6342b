//! Interface strings (Back, Home, hints, errors) from Fluent files, one bundle
//! per locale, checked and pre-formatted at load time so that serving a screen
//! never formats Fluent. Parsing only: the loader hands in file texts.

mod bundle;
mod messages;
mod strings;

pub use bundle::{Bundle, LocaleMessages, parse_locale};
pub use messages::Msg;
pub use strings::{ClearStrings, MAX_SEARCH_RESULTS, MessageKind, REQUIRED_MESSAGES, UiContext, UiStrings};
