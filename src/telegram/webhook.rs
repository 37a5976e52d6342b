//! The webhook's front door. Telegram sends the secret given at `setWebhook`
//! in a header with every update; a request without it is refused here, in
//! constant time and before its body is read. teloxide's own check compares
//! with `!=` after reading the whole body.

use std::sync::Arc;

use axum::extract::Request;
use axum::http::{HeaderMap, StatusCode};
use axum::middleware::{self, Next};
use axum::response::Response;
use subtle::ConstantTimeEq;

const SECRET_HEADER: &str = "x-telegram-bot-api-secret-token";

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
