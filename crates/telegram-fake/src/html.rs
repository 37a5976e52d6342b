//! Telegram's HTML parse mode, checked as strictly as Telegram does: only its
//! tags, properly nested, entities known; and the visible length of a text
//! (what Telegram's 4096/1024 limits count, in UTF-16 units).

const ALLOWED_TAGS: &[&str] = &[
    "b",
    "strong",
    "i",
    "em",
    "u",
    "ins",
    "s",
    "strike",
    "del",
    "span",
    "tg-spoiler",
    "a",
    "code",
    "pre",
    "blockquote",
    "tg-emoji",
];

/// The text without tags, entities decoded, or what is wrong with the markup.
pub fn parse(html: &str) -> Result<String, String> {
    parse_with_links(html).map(|(visible, _)| visible)
}

/// The visible text and its `text_link` entities, as Telegram stores a
/// message sent with parse_mode HTML (other formatting is not kept).
pub fn parse_with_links(html: &str) -> Result<(String, Vec<serde_json::Value>), String> {
    let mut visible = String::new();
    let mut links = Vec::new();
    // Open tags, with the href and start offset (UTF-16) of links.
    let mut open: Vec<(String, Option<(String, usize)>)> = Vec::new();
    let mut rest = html;
    while let Some(c) = rest.chars().next() {
        match c {
            '<' => {
                let end = rest
                    .find('>')
                    .ok_or_else(|| format!("unclosed tag at `{}`", prefix(rest)))?;
                let tag = &rest[1..end];
                if let Some(name) = tag.strip_prefix('/') {
                    let name = name.trim();
                    match open.pop() {
                        Some((expected, link)) if expected == name => {
                            if let Some((url, start)) = link {
                                let length = utf16_len(&visible) - start;
                                links.push(serde_json::json!({ "type": "text_link", "offset": start, "length": length, "url": url }));
                            }
                        }
                        Some((expected, _)) => return Err(format!("`</{name}>` closes `<{expected}>`")),
                        None => return Err(format!("`</{name}>` closes nothing")),
                    }
                } else {
                    let name = tag.split_whitespace().next().unwrap_or_default();
                    if !ALLOWED_TAGS.contains(&name) {
                        return Err(format!("unsupported tag `<{name}>`"));
                    }
                    let link = if name == "a" {
                        let href = tag
                            .split_once("href=\"")
                            .and_then(|(_, rest)| rest.split_once('"'))
                            .map(|(url, _)| url.replace("&amp;", "&"))
                            .ok_or("`<a>` without href")?;
                        Some((href, utf16_len(&visible)))
                    } else {
                        None
                    };
                    open.push((name.to_owned(), link));
                }
                rest = &rest[end + 1..];
            }
            '>' => return Err(format!("bare `>` at `{}`", prefix(rest))),
            '&' => {
                let end = rest
                    .find(';')
                    .filter(|&e| e <= 10)
                    .ok_or_else(|| format!("bare `&` at `{}`", prefix(rest)))?;
                let decoded = match &rest[1..end] {
                    "lt" => '<',
                    "gt" => '>',
                    "amp" => '&',
                    "quot" => '"',
                    numeric if numeric.starts_with('#') => {
                        let number = numeric
                            .strip_prefix("#x")
                            .map_or_else(|| numeric[1..].parse().ok(), |hex| u32::from_str_radix(hex, 16).ok());
                        number
                            .and_then(char::from_u32)
                            .ok_or_else(|| format!("bad entity `&{numeric};`"))?
                    }
                    other => return Err(format!("unknown entity `&{other};`")),
                };
                visible.push(decoded);
                rest = &rest[end + 1..];
            }
            _ => {
                visible.push(c);
                rest = &rest[c.len_utf8()..];
            }
        }
    }
    match open.pop() {
        Some((tag, _)) => Err(format!("`<{tag}>` is never closed")),
        None => Ok((visible, links)),
    }
}

/// Length in UTF-16 code units, as Telegram counts.
pub fn utf16_len(text: &str) -> usize {
    text.chars().map(char::len_utf16).sum()
}

fn prefix(text: &str) -> String {
    text.chars().take(20).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_telegram_html_and_counts_visible_text() {
        assert_eq!(
            parse("<b>Call</b> 1 &lt; 2 &amp; <a href=\"https://x.org/?a&amp;b\">go</a>").unwrap(),
            "Call 1 < 2 & go"
        );
        assert_eq!(utf16_len(&parse("🚑 &#33;").unwrap()), 4);
        let (text, links) = parse_with_links("🚑 <a href=\"https://t.me/b?start=x&amp;y\">go</a>").unwrap();
        assert_eq!(text, "🚑 go");
        assert_eq!(
            links,
            [serde_json::json!({ "type": "text_link", "offset": 3, "length": 2, "url": "https://t.me/b?start=x&y" })]
        );
    }

    #[test]
    fn rejects_what_telegram_rejects() {
        for bad in [
            "<b>x",
            "a < b",
            "x > y",
            "<h1>x</h1>",
            "<b><i>x</b></i>",
            "Tom & Jerry",
            "&nbsp;",
            "</b>",
            "<a>x</a>",
        ] {
            assert!(parse(bad).is_err(), "{bad} should be rejected");
        }
    }
}
