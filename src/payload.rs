//! The one owner of the bot's payload namespace: the data of inline buttons
//! (`callback_data`) and the argument of `/start` deep links.
//!
//! Both carry node ids as well as the bot's own tokens (a menu position, a
//! case button's ticket, a "write back" ticket), so a token must never be
//! mistaken for a node id. Every token starts with a [`Prefix`] character
//! taken from outside the node-id alphabet (node ids are lowercase
//! `[a-z0-9-]`, see `content::validate`; prefixes are uppercase letters), and
//! a deep link is a node id first. A new kind of button or link gets its
//! prefix here or nowhere; the tests prove the prefixes disjoint.
//!
//! Before 2026-12 the prefixes were `1` and lowercase letters, and `w` (write
//! back) swallowed every deep link to a node whose id starts with `w`. Those
//! old characters are still read in callback data, where no node id ever
//! appears, so buttons already in people's chats keep working; deep links
//! accept only the current prefixes.

/// What a payload's first character says it is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Prefix {
    /// A menu position (`engine::CallbackData`).
    Menu,
    /// "Write your question", then the position asked from.
    Ask,
    /// A doctor takes a case, then the person's ticket.
    Take,
    /// A doctor resolves a case, then the person's ticket.
    Resolve,
    /// A doctor reopens a case, then the person's ticket.
    Reopen,
    /// The button on a copied question, only there to carry the person's ticket.
    Case,
    /// The person writes back to the doctor, then the doctor's ticket; also
    /// the payload of the follow-up prompt's link.
    WriteBack,
    /// "Did this help?" after a resolved case, then `y` or `n`.
    Feedback,
    /// "Send this to the doctor on duty" under a photo or voice message,
    /// then that message's id in the person's own chat.
    SendToDoctor,
    /// A companion's start, stop or check-in answer (`engine::companion`).
    Companion,
    /// "Clear this chat" on the /privacy screen and its confirmation, then
    /// the step and the locale (`engine::privacy`). Never a deep link: a
    /// link must not be able to start deleting a chat.
    ClearChat,
}

impl Prefix {
    pub const ALL: [Prefix; 11] = [
        Prefix::Menu,
        Prefix::Ask,
        Prefix::Take,
        Prefix::Resolve,
        Prefix::Reopen,
        Prefix::Case,
        Prefix::WriteBack,
        Prefix::Feedback,
        Prefix::SendToDoctor,
        Prefix::Companion,
        Prefix::ClearChat,
    ];

    /// The character written in front of this kind of payload.
    pub const fn char(self) -> char {
        match self {
            Prefix::Menu => 'M',
            Prefix::Ask => 'A',
            Prefix::Take => 'T',
            Prefix::Resolve => 'R',
            Prefix::Reopen => 'O',
            Prefix::Case => 'C',
            Prefix::WriteBack => 'W',
            Prefix::Feedback => 'F',
            Prefix::SendToDoctor => 'S',
            Prefix::Companion => 'K',
            Prefix::ClearChat => 'D',
        }
    }

    /// The character buttons sent before 2026-12 used, for the kinds that
    /// existed then.
    const fn legacy_char(self) -> Option<char> {
        match self {
            Prefix::Menu => Some('1'),
            Prefix::Ask => Some('a'),
            Prefix::Take => Some('t'),
            Prefix::Resolve => Some('r'),
            Prefix::Reopen => Some('o'),
            Prefix::Case => Some('c'),
            Prefix::WriteBack => Some('w'),
            Prefix::Feedback | Prefix::SendToDoctor | Prefix::Companion | Prefix::ClearChat => None,
        }
    }

    /// `rest` with this kind's prefix in front.
    pub fn with(self, rest: &str) -> String {
        let mut out = String::with_capacity(1 + rest.len());
        out.push(self.char());
        out.push_str(rest);
        out
    }

    /// The kind of a button's callback data and what follows the prefix.
    /// Old buttons' prefixes are read too: callback data never holds a
    /// node id, so they cannot be confused with one.
    pub fn of_callback(data: &str) -> Option<(Prefix, &str)> {
        let first = data.chars().next()?;
        let rest = &data[first.len_utf8()..];
        Prefix::ALL
            .into_iter()
            .find(|p| p.char() == first || p.legacy_char() == Some(first))
            .map(|p| (p, rest))
    }

    /// The kind of a `/start` argument that is not a node id, and what
    /// follows the prefix. Only current prefixes: a deep link may be a node
    /// id, and old prefixes are node-id characters.
    pub fn of_deep_link(payload: &str) -> Option<(Prefix, &str)> {
        let first = payload.chars().next()?;
        let rest = &payload[first.len_utf8()..];
        Prefix::ALL.into_iter().find(|p| p.char() == first).map(|p| (p, rest))
    }
}

/// What a button's callback data asks for: its kind and what it carries,
/// read once at the door (`crate::router`) and handed to its owner. A new
/// kind of button is one variant here, and the compiler then shows every
/// place that must learn it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tap<'a> {
    /// A menu button: the whole data, the engine's position codec
    /// (`engine::CallbackData`).
    Menu(&'a str),
    /// "Write your question": the position (menu data) it was asked from.
    Ask(&'a str),
    /// A case button on a card, or the one under a copied question.
    Case { action: CaseAction, ticket: &'a str },
    /// "Write back": the doctor's ticket.
    WriteBack(&'a str),
    /// "Did this help?": the answer.
    Feedback(&'a str),
    /// "Send this to the doctor on duty": the message's id in the person's chat.
    SendToDoctor(&'a str),
    /// A companion's start, stop or check-in answer (`engine::companion`'s codec).
    Companion(&'a str),
    /// "Clear this chat" or its confirmation (`engine::privacy`'s codec).
    ClearChat(&'a str),
    /// No prefix of this bot: a forged or foreign button.
    Unknown(&'a str),
}

impl<'a> Tap<'a> {
    pub fn parse(data: &'a str) -> Self {
        let Some((prefix, rest)) = Prefix::of_callback(data) else {
            return Tap::Unknown(data);
        };
        let case = |action| Tap::Case { action, ticket: rest };
        match prefix {
            Prefix::Menu => Tap::Menu(data),
            Prefix::Ask => Tap::Ask(rest),
            Prefix::Take => case(CaseAction::Take),
            Prefix::Resolve => case(CaseAction::Resolve),
            Prefix::Reopen => case(CaseAction::Reopen),
            Prefix::Case => case(CaseAction::Show),
            Prefix::WriteBack => Tap::WriteBack(rest),
            Prefix::Feedback => Tap::Feedback(rest),
            Prefix::SendToDoctor => Tap::SendToDoctor(rest),
            Prefix::Companion => Tap::Companion(rest),
            Prefix::ClearChat => Tap::ClearChat(rest),
        }
    }

    /// Whether this button belongs on a menu (a page's own buttons), so a
    /// message whose buttons are all such is a menu the next tap may edit.
    pub fn is_menu(self) -> bool {
        matches!(self, Tap::Menu(_) | Tap::Ask(_) | Tap::ClearChat(_) | Tap::Companion(_))
    }
}

/// What a case button asks for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CaseAction {
    Take,
    Resolve,
    Reopen,
    /// The copy of a question: tapping it only explains how to answer.
    Show,
}

/// Whether `c` may appear in a node id. Shared with the content validator,
/// so the two can never drift apart.
pub const fn is_node_id_char(c: char) -> bool {
    c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'
}

/// How many steps Back remembers in a menu position; deeper paths forget
/// their oldest steps. Here, not in the engine's codec, so that the content
/// validator can warn about deeper pages without importing the engine.
pub const MAX_CRUMBS: usize = 8;

/// What a `/start` argument asks for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DeepLink<'a, N> {
    /// No argument: the main menu.
    Home,
    /// A page, by its id (`/start naloxone`, the inline "Open the bot" button).
    Node(N),
    /// A menu position (the topic link of a question prompt): the whole
    /// payload, prefix included, as callback data.
    Position(&'a str),
    /// The follow-up prompt's link: the doctor's ticket.
    WriteBack(&'a str),
    /// Anything else: a link from an old or foreign source.
    Unknown(&'a str),
}

impl<'a, N> DeepLink<'a, N> {
    /// Reads a `/start` argument; `find_node` looks an id up. Node ids are
    /// tried first, and no prefix is a node-id character, so a page is never
    /// taken for a token.
    pub fn parse(payload: Option<&'a str>, find_node: impl Fn(&str) -> Option<N>) -> Self {
        let Some(payload) = payload.map(str::trim).filter(|p| !p.is_empty()) else {
            return DeepLink::Home;
        };
        if let Some(node) = find_node(payload) {
            return DeepLink::Node(node);
        }
        match Prefix::of_deep_link(payload) {
            Some((Prefix::Menu, _)) => DeepLink::Position(payload),
            Some((Prefix::WriteBack, ticket)) => DeepLink::WriteBack(ticket),
            _ => DeepLink::Unknown(payload),
        }
    }
}

/// The `/start` argument that opens `node_id`'s page.
pub fn node_link(node_id: &str) -> &str {
    node_id
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Telegram's alphabet for deep-link payloads.
    fn is_deep_link_char(c: char) -> bool {
        c.is_ascii_alphanumeric() || c == '_' || c == '-'
    }

    #[test]
    fn prefixes_are_distinct_outside_node_ids_and_fit_deep_links() {
        for (i, a) in Prefix::ALL.iter().enumerate() {
            assert!(!is_node_id_char(a.char()), "{a:?} is a node-id character");
            assert!(is_deep_link_char(a.char()), "{a:?} cannot travel in a deep link");
            for b in &Prefix::ALL[i + 1..] {
                assert_ne!(a.char(), b.char(), "{a:?} and {b:?} share a prefix");
                if a.legacy_char().is_some() {
                    assert_ne!(
                        a.legacy_char(),
                        b.legacy_char(),
                        "{a:?} and {b:?} share a legacy prefix"
                    );
                }
            }
            for b in Prefix::ALL {
                assert_ne!(Some(a.char()), b.legacy_char(), "{a:?} reuses {b:?}'s old prefix");
            }
        }
    }

    #[test]
    fn every_prefix_round_trips_through_callback_data() {
        for prefix in Prefix::ALL {
            assert_eq!(Prefix::of_callback(&prefix.with("xyz")), Some((prefix, "xyz")));
            assert_eq!(Prefix::of_deep_link(&prefix.with("xyz")), Some((prefix, "xyz")));
        }
    }

    #[test]
    fn old_buttons_are_read_in_callback_data_only() {
        assert_eq!(Prefix::of_callback("tTICKET"), Some((Prefix::Take, "TICKET")));
        assert_eq!(Prefix::of_callback("1abcd"), Some((Prefix::Menu, "abcd")));
        assert_eq!(Prefix::of_deep_link("wounds"), None);
        assert_eq!(Prefix::of_callback(""), None);
        assert_eq!(Prefix::of_callback("ж"), None);
    }

    #[test]
    fn node_ids_win_over_tokens_and_no_id_looks_like_one() {
        let ids = [
            "wounds",
            "wound-danger-signs",
            "where-naloxone",
            "ask-doctor",
            "1st-aid",
            "cpr",
        ];
        let find = |id: &str| ids.iter().position(|known| *known == id);
        for (index, id) in ids.into_iter().enumerate() {
            assert_eq!(DeepLink::parse(Some(node_link(id)), find), DeepLink::Node(index));
            // Even a node that is gone is never read as a token.
            assert_eq!(DeepLink::parse(Some(id), |_| None::<usize>), DeepLink::Unknown(id));
        }
        assert_eq!(DeepLink::parse(Some("WTICKET"), find), DeepLink::WriteBack("TICKET"));
        assert_eq!(DeepLink::parse(Some("Mabcd"), find), DeepLink::Position("Mabcd"));
        assert_eq!(
            DeepLink::parse(Some("Dyen"), find),
            DeepLink::Unknown("Dyen"),
            "no link clears a chat"
        );
        assert_eq!(DeepLink::parse(Some("  "), find), DeepLink::Home);
        assert_eq!(DeepLink::parse(None, find), DeepLink::Home);
    }

    #[test]
    fn every_kind_of_tap_is_read_with_what_it_carries() {
        assert_eq!(Tap::parse("Mabcd"), Tap::Menu("Mabcd"));
        assert_eq!(Tap::parse("1abcd"), Tap::Menu("1abcd"), "an old menu button");
        assert_eq!(Tap::parse("AMabcd"), Tap::Ask("Mabcd"));
        assert_eq!(
            Tap::parse("tTICKET"),
            Tap::Case {
                action: CaseAction::Take,
                ticket: "TICKET"
            }
        );
        assert_eq!(
            Tap::parse("CTICKET"),
            Tap::Case {
                action: CaseAction::Show,
                ticket: "TICKET"
            }
        );
        assert_eq!(Tap::parse("WTICKET"), Tap::WriteBack("TICKET"));
        assert_eq!(Tap::parse("Fy"), Tap::Feedback("y"));
        assert_eq!(Tap::parse("S42"), Tap::SendToDoctor("42"));
        assert_eq!(Tap::parse("Kgo"), Tap::Companion("go"));
        assert_eq!(Tap::parse("Dyen"), Tap::ClearChat("yen"));
        assert_eq!(
            Tap::parse("naloxone"),
            Tap::Unknown("naloxone"),
            "a node id is no button"
        );
        assert_eq!(Tap::parse(""), Tap::Unknown(""));
        for prefix in Prefix::ALL {
            let data = prefix.with("x");
            assert!(!matches!(Tap::parse(&data), Tap::Unknown(_)), "{prefix:?} has no tap");
        }
    }

    proptest! {
        /// Any id the validator accepts opens its node, and an id that names
        /// no node (a page removed since) is never taken for a token.
        #[test]
        fn any_valid_node_id_is_a_node_never_a_token(id in "[a-z0-9]([a-z0-9-]{0,62}[a-z0-9])?") {
            prop_assert!(id.chars().all(is_node_id_char));
            prop_assert_eq!(DeepLink::parse(Some(&id), |_| Some(())), DeepLink::Node(()));
            prop_assert_eq!(DeepLink::parse(Some(&id), |_| None::<()>), DeepLink::Unknown(id.as_str()));
        }
    }
}
