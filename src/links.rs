//! Which links editors may put in front of people: the one rule shared by
//! page texts, interface strings and map links.
//!
//! A link is one tap from acting for the person. `tg://proxy?…` (or
//! `t.me/proxy?…`) routes their Telegram traffic through someone's server
//! and shows it their IP address; `t.me/setlanguage/…` swaps the app's
//! words for someone else's. So among Telegram links only `tg://resolve?…`
//! (open a chat) and `https://t.me/…` (not those actions) pass; any other
//! site passes with a warning, since opening it shows that site the
//! person's IP address. Telegram turns URLs in plain text into links too,
//! so [`find`] looks for them in any text. Pure: no I/O.

use std::ops::Range;

/// What [`judge`] makes of a link.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// A Telegram link that only opens a chat, channel or post.
    Telegram,
    /// A link no page may carry, and why.
    Refused(&'static str),
    /// A link to another site, named by its host.
    Elsewhere(String),
}

/// Hosts Telegram answers on; only `t.me` is written in content.
const TELEGRAM_HOSTS: &[&str] = &["t.me", "telegram.me", "telegram.dog", "www.t.me", "www.telegram.me"];

/// `t.me/<first segment>` links that act on the app instead of opening a
/// chat: proxies, language packs, themes, log-in and phone confirmation.
const TELEGRAM_ACTIONS: &[&str] = &[
    "proxy",
    "socks",
    "setlanguage",
    "addtheme",
    "login",
    "confirmphone",
    "addlist",
];

/// Judges one link as a person's Telegram app would open it.
pub fn judge(link: &str) -> Verdict {
    let Ok(url) = url::Url::parse(link.trim()) else {
        return Verdict::Refused("not a link Telegram can open");
    };
    match url.scheme() {
        "tg" => match url.host_str() {
            Some(host) if host.eq_ignore_ascii_case("resolve") => Verdict::Telegram,
            _ => Verdict::Refused("a tg:// link other than tg://resolve acts on the person's app (a proxy, a setting)"),
        },
        "http" | "https" => {
            let host = url.host_str().unwrap_or_default().to_ascii_lowercase();
            if !TELEGRAM_HOSTS.contains(&host.as_str()) {
                return Verdict::Elsewhere(host);
            }
            let first = url
                .path_segments()
                .and_then(|mut segments| segments.next())
                .unwrap_or_default()
                .to_ascii_lowercase();
            if TELEGRAM_ACTIONS.contains(&first.as_str()) {
                Verdict::Refused("this t.me link acts on the person's app (a proxy, a language, a log-in)")
            } else if url.scheme() != "https" || host != "t.me" {
                Verdict::Refused("write Telegram links as https://t.me/…")
            } else {
                Verdict::Telegram
            }
        }
        _ => Verdict::Refused("links must start with https://, http:// or tg://resolve"),
    }
}

/// Byte ranges of what Telegram would show as a link in plain `text`: URLs
/// with a scheme (`https://`, `http://`, `tg://`) and Telegram's bare
/// hosts (`t.me/…`). Trailing punctuation is not part of a link.
pub fn find(text: &str) -> Vec<Range<usize>> {
    const STARTS: &[&str] = &["https://", "http://", "tg://", "t.me/", "telegram.me/", "telegram.dog/"];
    let lower = text.to_ascii_lowercase();
    let mut found = Vec::new();
    let mut at = 0;
    while at < lower.len() {
        let next = STARTS
            .iter()
            .filter_map(|start| lower[at..].find(start).map(|i| at + i))
            .min();
        let Some(start) = next else { break };
        let end = text[start..]
            .find(|c: char| c.is_whitespace() || "\"'<>()[]{}`".contains(c))
            .map_or(text.len(), |i| start + i);
        let end = start + text[start..end].trim_end_matches(|c: char| ".,;:!?".contains(c)).len();
        found.push(start..end);
        at = end.max(start + 1);
    }
    found
}

/// [`judge`] for a link found by [`find`], which may lack its scheme.
pub fn judge_found(link: &str) -> Verdict {
    if link.contains("://") {
        judge(link)
    } else {
        judge(&format!("https://{link}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_plain_telegram_links_pass() {
        assert_eq!(judge("tg://resolve?domain=overdose_help_bot"), Verdict::Telegram);
        assert_eq!(
            judge("https://t.me/overdose_help_bot?start=naloxone"),
            Verdict::Telegram
        );
        for refused in [
            "tg://proxy?server=1.2.3.4&port=443&secret=ab",
            "tg://socks?server=1.2.3.4&port=1080",
            "tg://setlanguage?lang=x",
            "https://t.me/proxy?server=1.2.3.4&port=443&secret=ab",
            "https://T.ME/Socks?server=1.2.3.4",
            "https://t.me/setlanguage/pirate",
            "http://t.me/someone",
            "https://telegram.me/someone",
            "tel:112",
        ] {
            assert!(matches!(judge(refused), Verdict::Refused(_)), "{refused}");
        }
        assert_eq!(
            judge("https://example.org/help"),
            Verdict::Elsewhere("example.org".into())
        );
    }

    #[test]
    fn finds_what_telegram_would_link_in_plain_text() {
        let text = "Call 112. Proxy: tg://proxy?server=x, or t.me/proxy?server=y. See https://t.me/bot.";
        let found: Vec<&str> = find(text).into_iter().map(|r| &text[r]).collect();
        assert_eq!(
            found,
            ["tg://proxy?server=x", "t.me/proxy?server=y", "https://t.me/bot"]
        );
        assert!(matches!(judge_found(found[1]), Verdict::Refused(_)));
        assert_eq!(judge_found(found[2]), Verdict::Telegram);
        assert!(find("Позвоните 112 или 103").is_empty());
    }
}
