//! The bot's id, read from the Bot API token (`TELOXIDE_TOKEN`): the part
//! before `:`, which is public; the rest is secret and is not kept.

use zeroize::Zeroizing;

/// The bot's id, the part of the token before `:` (public, not secret).
/// Tickets are sealed for it, so a staging bot and the production bot never
/// accept each other's buttons even if they share a key; replicas of one
/// bot share it.
pub fn bot_id() -> String {
    let token = Zeroizing::new(std::env::var("TELOXIDE_TOKEN").unwrap_or_default());
    token.split_once(':').map_or("", |(id, _)| id).to_owned()
}
