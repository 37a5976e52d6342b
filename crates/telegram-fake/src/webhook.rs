//! Delivers updates to a bot's webhook as Telegram does: an HTTP POST of the
//! update's JSON with the secret in `X-Telegram-Bot-Api-Secret-Token`, up to
//! 40 at a time (Telegram's default `max_connections`).

use std::sync::Arc;

use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::sync::Semaphore;

use crate::state::Webhook;

/// Telegram's default number of simultaneous webhook connections.
pub const MAX_CONNECTIONS: usize = 40;

/// POSTs `update` to `webhook` in the background; failures are dropped, as
/// a test sees them by the bot not answering.
pub fn deliver(webhook: Webhook, update: Value, connections: Arc<Semaphore>) {
    tokio::spawn(async move {
        let Ok(_permit) = connections.acquire_owned().await else {
            return;
        };
        let _ = post(&webhook, &update.to_string()).await;
    });
}

async fn post(webhook: &Webhook, body: &str) -> std::io::Result<String> {
    let rest = webhook
        .url
        .strip_prefix("http://")
        .ok_or_else(|| std::io::Error::other("only http:// webhooks"))?;
    let (host, path) = rest
        .split_once('/')
        .map_or((rest, "/".to_owned()), |(h, p)| (h, format!("/{p}")));
    let mut stream = tokio::net::TcpStream::connect(host).await?;
    let secret = webhook
        .secret
        .as_ref()
        .map(|s| format!("X-Telegram-Bot-Api-Secret-Token: {s}\r\n"))
        .unwrap_or_default();
    let request = format!(
        "POST {path} HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\n{secret}Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(request.as_bytes()).await?;
    let mut response = String::new();
    stream.read_to_string(&mut response).await?;
    Ok(response)
}
