//! Short public answers for group chats. A group is public: it gets the
//! page's title, its one-line `summary`, the emergency numbers and a button
//! that opens the whole page in a private chat, never a menu, and nothing
//! of what anyone wrote. Which page each command opens is content (the
//! manifest's `group_commands`); nothing here names a node.

use crate::content::{Content, Locale, NodeIdx};
use crate::markup::Rendered;
use crate::payload::node_link;

/// What was said to the bot in a group.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GroupAsk<'a> {
    /// `/bus`, `/start naloxone`, `/help@this_bot not breathing`: the
    /// command's name (lowercase, without the bot's name) and argument.
    Command { name: &'a str, argument: &'a str },
    /// A message that mentions the bot, without the mention.
    Mention { text: &'a str },
}

/// A group's short answer: one message with one URL button.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GroupAnswer<'c> {
    /// The page the button opens (logs and metrics name it).
    pub node: NodeIdx,
    /// Title, summary and the emergency footer, in Telegram HTML and plain.
    pub text: Rendered,
    /// The button's label.
    pub open: &'c str,
    /// The `/start` payload that opens `node` in a private chat.
    pub link: &'c str,
}

/// Answers `ask` in a group. Words that describe an emergency get the
/// emergency page, whatever the command: life-saving steps stay one tap
/// away. Otherwise a command listed in `group_commands` gets its page,
/// `/start <node id>` that node, a mention the best search hit, and
/// anything else the root.
pub fn group_answer<'c>(content: &'c Content, locale: Locale, ask: GroupAsk<'_>) -> GroupAnswer<'c> {
    let words = match ask {
        GroupAsk::Command { argument, .. } => argument,
        GroupAsk::Mention { text } => text,
    };
    let node = if content.is_emergency(words) {
        content.emergency()
    } else {
        match ask {
            GroupAsk::Command { name, argument } => content
                .group_commands()
                .iter()
                .find(|(command, _)| command.eq_ignore_ascii_case(name))
                .map(|&(_, node)| node)
                .or_else(|| {
                    name.eq_ignore_ascii_case("start")
                        .then(|| content.node_by_id(argument))
                        .flatten()
                }),
            GroupAsk::Mention { text } => content.search(locale, text, 1).first().copied(),
        }
        .unwrap_or(content.root())
    };
    let page = content.node(node);
    let ui = content.ui(locale);
    let summary = page.summary(locale).map(Rendered::from_plain).unwrap_or_default();
    GroupAnswer {
        node,
        text: Rendered::join([
            &Rendered::bold(page.title(locale)),
            &summary,
            &Rendered::from_plain(&ui.footer),
        ]),
        open: &ui.group.open,
        link: node_link(page.id()),
    }
}
