//! The webhook's front door. Telegram sends the secret given at `setWebhook`
//! in a header with every update; a request without it is refused here, in
//! constant time and before its body is read. teloxide's own check compares
//! with `!=` after reading the whole body. The secret itself is read here
//! too ([`secret`]), and so is the name of teloxide's listener, whose logs
//! stay off.

use std::path::Path;
use std::sync::Arc;

use axum::extract::Request;
use axum::http::{HeaderMap, StatusCode};
use axum::middleware::{self, Next};
use axum::response::Response;
use subtle::ConstantTimeEq;

use crate::files::{self, FileKind, ReadError};

const SECRET_HEADER: &str = "x-telegram-bot-api-secret-token";

/// The environment variable that may hold the webhook's secret (the other
/// way is `--webhook-secret-file`).
pub const SECRET_VAR: &str = "OVERDOSE_BOT_WEBHOOK_SECRET";

/// Log targets silenced whatever RUST_LOG says. teloxide's webhook listener
/// prints a whole update when it cannot be parsed, which would put people's
/// messages in the log. (Its dispatcher did too; ours, `dispatch`, logs only
/// that an update was skipped.)
pub const SILENCED_LOG_TARGETS: &[&str] = &["teloxide::update_listeners::webhooks"];

/// Why the webhook's secret cannot be used. Never quotes it.
#[derive(Debug, thiserror::Error)]
pub enum SecretError {
    #[error("set the webhook secret once: --webhook-secret-file or {SECRET_VAR}, not both")]
    Twice,
    #[error(transparent)]
    Read(#[from] ReadError),
    #[error("the webhook secret must be 1 to 256 characters of A-Z, a-z, 0-9, _ and - (e.g. `openssl rand -hex 32`)")]
    Invalid,
}

/// The webhook's secret from `file` or [`SECRET_VAR`] (not both), as
/// Telegram allows it: 1 to 256 of `A-Z a-z 0-9 _ -`.
pub fn secret(file: Option<&Path>) -> Result<Option<String>, SecretError> {
    let from_env = std::env::var(SECRET_VAR).ok();
    let secret = match (file, from_env) {
        (Some(_), Some(_)) => return Err(SecretError::Twice),
        (Some(path), None) => {
            let text = files::read_text(path, None, FileKind::Key)?;
            text.trim().to_owned()
        }
        (None, Some(secret)) => secret,
        (None, None) => return Ok(None),
    };
    let allowed = |c: char| c.is_ascii_alphanumeric() || c == '_' || c == '-';
    if secret.is_empty() || secret.len() > 256 || !secret.chars().all(allowed) {
        return Err(SecretError::Invalid);
    }
    Ok(Some(secret))
}

/// `router` behind the secret check.
pub fn guarded(router: axum::Router, secret: &str) -> axum::Router {
    let secret: Arc<[u8]> = secret.as_bytes().into();
    router.layer(middleware::from_fn(move |request: Request, next: Next| {
        let secret = secret.clone();
        async move {
            if authentic(request.headers(), &secret) {
                Ok::<Response, StatusCode>(next.run(request).await)
            } else {
                Err(StatusCode::UNAUTHORIZED)
            }
        }
    }))
}

/// Whether the request carries `secret`, compared without early exit.
fn authentic(headers: &HeaderMap, secret: &[u8]) -> bool {
    headers
        .get(SECRET_HEADER)
        .is_some_and(|value| bool::from(value.as_bytes().ct_eq(secret)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(value: Option<&str>) -> HeaderMap {
        let mut headers = HeaderMap::new();
        if let Some(value) = value {
            headers.insert(SECRET_HEADER, value.parse().unwrap());
        }
        headers
    }

    #[test]
    fn only_the_exact_secret_passes() {
        let secret = b"s3cret-token_0123456789";
        assert!(authentic(&headers(Some("s3cret-token_0123456789")), secret));
        for wrong in [Some("s3cret-token_0123456788"), Some("s3cret"), Some(""), None] {
            assert!(!authentic(&headers(wrong), secret), "{wrong:?}");
        }
    }
}
