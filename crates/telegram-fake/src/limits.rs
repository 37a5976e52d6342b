//! Telegram's limits that the spec states only in prose: text and caption
//! length after entity parsing, callback data size, keyboard size, toast
//! length, command names, how many messages one deleteMessages names.

use serde_json::Value;

use crate::html;

/// Every limit `params` of `method` break.
pub fn check(method: &str, params: &Value) -> Vec<String> {
    let mut problems = Vec::new();
    let html_mode = params["parse_mode"].as_str() == Some("HTML");
    if let Some(text) = params["text"].as_str() {
        match method {
            "sendMessage" | "editMessageText" => check_text(method, "text", text, html_mode, 4096, &mut problems),
            "answerCallbackQuery" if html::utf16_len(text) > 200 => problems.push(format!(
                "{method}: text is {} characters, at most 200",
                html::utf16_len(text)
            )),
            _ => {}
        }
    }
    if let Some(caption) = params["caption"].as_str() {
        check_text(method, "caption", caption, html_mode, 1024, &mut problems);
    }
    check_keyboard(method, &params["reply_markup"], &mut problems);
    if method == "answerInlineQuery" {
        for (index, result) in params["results"].as_array().into_iter().flatten().enumerate() {
            let content = &result["input_message_content"];
            if let Some(text) = content["message_text"].as_str() {
                let path = format!("results[{index}].input_message_content.message_text");
                check_text(
                    method,
                    &path,
                    text,
                    content["parse_mode"].as_str() == Some("HTML"),
                    4096,
                    &mut problems,
                );
            }
            if result["id"].as_str().is_some_and(|id| id.is_empty() || id.len() > 64) {
                problems.push(format!("{method}: results[{index}].id must be 1-64 bytes"));
            }
            check_keyboard(method, &result["reply_markup"], &mut problems);
        }
        if params["results"].as_array().is_some_and(|r| r.len() > 50) {
            problems.push(format!("{method}: at most 50 results"));
        }
    }
    if method == "deleteMessages" {
        let count = params["message_ids"].as_array().map_or(0, Vec::len);
        if !(1..=100).contains(&count) {
            problems.push(format!("{method}: {count} message_ids, must be 1-100"));
        }
    }
    if method == "setMyCommands" {
        for command in params["commands"].as_array().into_iter().flatten() {
            let name = command["command"].as_str().unwrap_or_default();
            if name.is_empty()
                || name.len() > 32
                || !name
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
            {
                problems.push(format!("{method}: command `{name}` must be 1-32 of [a-z0-9_]"));
            }
            let description = command["description"].as_str().unwrap_or_default();
            if description.is_empty() || html::utf16_len(description) > 256 {
                problems.push(format!("{method}: description of `{name}` must be 1-256 characters"));
            }
        }
    }
    problems
}

fn check_text(method: &str, field: &str, text: &str, html_mode: bool, limit: usize, problems: &mut Vec<String>) {
    let visible = if html_mode {
        match html::parse(text) {
            Ok(visible) => visible,
            Err(error) => {
                problems.push(format!("{method}: {field} is not valid Telegram HTML: {error}"));
                return;
            }
        }
    } else {
        text.to_owned()
    };
    let len = html::utf16_len(&visible);
    if visible.trim().is_empty() && field != "caption" {
        problems.push(format!("{method}: {field} is empty after entity parsing"));
    }
    if len > limit {
        problems.push(format!(
            "{method}: {field} is {len} characters after entity parsing, at most {limit}"
        ));
    }
}

fn check_keyboard(method: &str, markup: &Value, problems: &mut Vec<String>) {
    let Some(rows) = markup["inline_keyboard"].as_array() else {
        return;
    };
    let buttons: Vec<&Value> = rows.iter().filter_map(Value::as_array).flatten().collect();
    if buttons.len() > 100 {
        problems.push(format!("{method}: {} inline buttons, at most 100", buttons.len()));
    }
    for button in buttons {
        if let Some(data) = button["callback_data"].as_str()
            && (data.is_empty() || data.len() > 64)
        {
            problems.push(format!("{method}: callback_data is {} bytes, must be 1-64", data.len()));
        }
        if let Some(url) = button["url"].as_str()
            && !(url.starts_with("https://") || url.starts_with("http://") || url.starts_with("tg://"))
        {
            problems.push(format!("{method}: button url `{url}` must be http(s):// or tg://"));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn catches_each_limit() {
        let long = "x".repeat(4097);
        assert!(check("sendMessage", &json!({ "text": long }))[0].contains("4097 characters"));
        let html = format!("<b>{}</b>", "x".repeat(4096));
        assert!(check("sendMessage", &json!({ "text": html, "parse_mode": "HTML" })).is_empty());
        let data = "d".repeat(65);
        let markup = json!({ "inline_keyboard": [[{ "text": "x", "callback_data": data }]] });
        assert!(check("editMessageText", &json!({ "text": "x", "reply_markup": markup }))[0].contains("65 bytes"));
        assert!(check("answerCallbackQuery", &json!({ "text": "t".repeat(201) }))[0].contains("at most 200"));
        assert!(check("sendMessage", &json!({ "text": "<b>x", "parse_mode": "HTML" }))[0].contains("never closed"));
        assert!(check("sendPhoto", &json!({ "caption": "c".repeat(1025) }))[0].contains("at most 1024"));
        let ids: Vec<i64> = (1..=101).collect();
        assert!(check("deleteMessages", &json!({ "message_ids": ids }))[0].contains("101 message_ids"));
        assert!(check("deleteMessages", &json!({ "message_ids": [] }))[0].contains("0 message_ids"));
        assert!(check("deleteMessages", &json!({ "message_ids": [1, 2] })).is_empty());
    }
}
