//! `serve`: connects to the Bot API, registers commands, and dispatches
//! updates from long polling or a webhook until the shutdown future resolves.

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use teloxide::prelude::*;
use teloxide::types::{AllowedUpdate, Me};
use teloxide::update_listeners::{Polling, webhooks};
use teloxide::{ApiError, RequestError};
use url::Url;

use super::admission::{Admission, Admitted};
use super::commands;
use super::companion;
use super::delivery::{Delivery, Tg, error_kind};
use super::dispatch::dispatch;
use super::group;
use super::handlers::schema;
use super::media::FileIdCache;
use super::pacing::{PaceLimits, Pacer};
use super::plans;
use super::state::BotState;
use super::webhook;
use crate::handoff::SharedDesk;
use crate::metrics::Metrics;
use crate::reload::ReloadRequests;
use crate::reload::SharedContent;

/// Where updates come from.
#[derive(Clone, Debug)]
pub enum Mode {
    /// getUpdates long polling: works anywhere, one replica only.
    Polling,
    /// Telegram POSTs updates to `url`, which a reverse proxy forwards to `listen`.
    Webhook {
        url: Url,
        listen: SocketAddr,
        /// Sent by Telegram in `X-Telegram-Bot-Api-Secret-Token`; requests
        /// without it are refused. Replicas must share it.
        secret: Option<String>,
    },
}

#[derive(Clone)]
pub struct ServeOptions {
    pub mode: Mode,
    /// Pace sends to Telegram's rates (1 message/s per chat, 20/min per group,
    /// 30/s overall). Off only for load tests against a local Bot API.
    pub throttle: bool,
    /// Shared with the metrics endpoint and the reloader.
    pub metrics: Arc<Metrics>,
    /// The doctors' line (roster, key, limit); `None` leaves it closed.
    pub desk: Option<SharedDesk>,
    /// Where `/reload` from a coordinator sends its request.
    pub reload: Option<ReloadRequests>,
}

#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    #[error("TELOXIDE_TOKEN is not set: create a bot with @BotFather and export its token")]
    MissingToken,
    #[error("TELOXIDE_API_URL `{0}` is not a valid URL")]
    InvalidApiUrl(String),
    #[error("Telegram rejected the bot token (check TELOXIDE_TOKEN)")]
    TokenRejected,
    #[error("cannot listen on {address}: {source}")]
    Listen {
        address: SocketAddr,
        source: std::io::Error,
    },
    #[error("cannot register the webhook with Telegram: {0}")]
    Webhook(String),
}

/// Wait before the next getUpdates after `errors` failures in a row: 0.5 s
/// doubling to 5 s. teloxide's default grows to 64 s, which after an outage
/// would leave people unanswered for up to a minute once Telegram is back.
fn polling_backoff(errors: u32) -> Duration {
    (Duration::from_millis(500) * 2u32.pow(errors.min(4))).min(MAX_POLLING_BACKOFF)
}

const MAX_POLLING_BACKOFF: Duration = Duration::from_secs(5);

/// The updates `handlers::schema` reads; Telegram sends no others (chat
/// member changes, polls, ...), so nothing unread crosses the network.
const ALLOWED_UPDATES: [AllowedUpdate; 4] = [
    AllowedUpdate::Message,
    AllowedUpdate::EditedMessage,
    AllowedUpdate::CallbackQuery,
    AllowedUpdate::InlineQuery,
];

/// Backoff while Telegram cannot be reached at start-up.
const STARTUP_BACKOFF: Duration = Duration::from_secs(1);
const MAX_STARTUP_BACKOFF: Duration = Duration::from_secs(30);

/// Serves `content` until `shutdown` resolves; then finishes the updates in
/// flight and returns.
pub async fn serve(
    content: SharedContent,
    options: ServeOptions,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), ServeError> {
    let bot = bot_from_env()?;
    let mut shutdown = Box::pin(shutdown);
    let me = tokio::select! {
        me = connect(&bot) => me?,
        () = &mut shutdown => return Ok(()),
    };
    // The command menus (a call per scope and Telegram language, some 50)
    // are registered beside serving, not before it: on Telegram that is
    // seconds in which nobody would be answered after a restart.
    let registration = {
        let (bot, content) = (bot.clone(), content.load_full());
        tokio::spawn(async move {
            if let Err(error) = commands::register(&bot, &content).await {
                tracing::warn!(error = %error_kind(&error), "cannot register the command menu; continuing");
            }
        })
    };
    let mode_name = match &options.mode {
        Mode::Polling => "polling",
        Mode::Webhook { .. } => "webhook",
    };
    options.metrics.set_telegram_reachable(true);
    let current = content.load_full();
    options.metrics.content_version(current.version());
    tracing::info!(
        version = env!("CARGO_PKG_VERSION"),
        content_version = current.version(),
        nodes = current.nodes().len(),
        mode = mode_name,
        bot = me.username(),
        "overdose-bot serving"
    );

    let state = Arc::new(BotState {
        content,
        delivery: Delivery {
            files: FileIdCache::default(),
            metrics: options.metrics.clone(),
            pacer: Pacer::new(options.throttle.then_some(PaceLimits::TELEGRAM)),
        },
        desk: options.desk.clone(),
        reload: options.reload.clone(),
        timers: tokio::sync::Notify::new(),
        line: std::sync::Mutex::new(crate::handoff::LineState::new()),
        companions: std::sync::Mutex::new(crate::companion::Companions::new()),
        companion_timers: tokio::sync::Notify::new(),
        group_switch: Default::default(),
    });
    let timers = tokio::spawn(plans::run_timers(bot.clone(), state.clone(), me.username().to_owned()));
    let companion_timers = tokio::spawn(companion::run_timers(bot.clone(), state.clone()));
    let classify = {
        let (state, username) = (state.clone(), me.username().to_owned());
        Box::new(move |update: &Update| group::waiting_class(&state, &username, update))
    };
    let (admission, released) = Admission::new(bot.clone(), options.metrics.clone(), classify);
    let dependencies = dptree::deps![bot.clone(), me.clone(), state.clone(), admission.clone()];
    let bot_for_stop = bot.clone();
    let shutdown = async move {
        shutdown.await;
        tracing::info!("shutting down: finishing updates in flight");
    };

    match options.mode {
        Mode::Polling => {
            let listener = Polling::builder(bot)
                .allowed_updates(ALLOWED_UPDATES.to_vec())
                .timeout(Duration::from_secs(10))
                .backoff_strategy(polling_backoff)
                .delete_webhook()
                .await
                .build();
            let listener = Admitted::new(listener, admission, released);
            // Not teloxide's LoggingErrorHandler: its Debug output of an
            // unparsable getUpdates response would carry people's messages.
            let metrics = options.metrics.clone();
            let on_error = move |error: RequestError| {
                metrics.set_telegram_reachable(false);
                tracing::warn!(error = %error_kind(&error), "polling failed; retrying");
            };
            dispatch(listener, schema(), dependencies, on_error, shutdown).await;
        }
        Mode::Webhook { url, listen, secret } => {
            let tcp = tokio::net::TcpListener::bind(listen)
                .await
                .map_err(|source| ServeError::Listen {
                    address: listen,
                    source,
                })?;
            let mut webhook = webhooks::Options::new(listen, url.clone());
            if let Some(secret) = secret {
                webhook = webhook.secret_token(secret);
            }
            let secret = webhook.get_or_gen_secret_token().to_owned();
            // Registered here rather than by teloxide's `axum_to_router`, which
            // deletes the webhook when the process stops: with replicas behind
            // a load balancer, one stopping would cut off all the others.
            bot.set_webhook(url)
                .secret_token(secret.clone())
                .allowed_updates(ALLOWED_UPDATES)
                .await
                .map_err(|e| ServeError::Webhook(error_kind(&e)))?;
            let (listener, stop, router) = webhooks::axum_no_setup(webhook);
            let router = webhook::guarded(router, &secret);
            let listener = Admitted::new(listener, admission, released);
            tokio::spawn(async move {
                if let Err(error) = axum::serve(tcp, router).with_graceful_shutdown(stop).await {
                    tracing::error!(%error, "webhook server failed");
                }
            });
            dispatch(listener, schema(), dependencies, |never| match never {}, shutdown).await;
        }
    }
    registration.abort();
    timers.abort();
    companion_timers.abort();
    plans::lose_timers(&bot_for_stop, &state, me.username()).await;
    companion::stop(&bot_for_stop, &state).await;
    tracing::info!(deliveries = %state.delivery.metrics.summary(), "stopped");
    Ok(())
}

/// The bot from `TELOXIDE_TOKEN` and `TELOXIDE_API_URL`, as teloxide's own
/// `Bot::from_env` reads them, but checked first: `from_env` panics.
fn bot_from_env() -> Result<Bot, ServeError> {
    let token = std::env::var("TELOXIDE_TOKEN").unwrap_or_default();
    if token.trim().is_empty() {
        return Err(ServeError::MissingToken);
    }
    if let Ok(api_url) = std::env::var("TELOXIDE_API_URL")
        && Url::parse(api_url.trim_end_matches('/')).is_err()
    {
        return Err(ServeError::InvalidApiUrl(api_url));
    }
    Ok(Bot::from_env())
}

/// getMe, retried with backoff while Telegram is unreachable; a rejected
/// token is final.
async fn connect(bot: &Tg) -> Result<Me, ServeError> {
    let mut backoff = STARTUP_BACKOFF;
    loop {
        match bot.get_me().await {
            Ok(me) => return Ok(me),
            Err(RequestError::Api(ApiError::InvalidToken)) => return Err(ServeError::TokenRejected),
            Err(error) => {
                tracing::warn!(error = %error_kind(&error), retry_in_ms = backoff.as_millis() as u64, "cannot reach Telegram");
                tokio::time::sleep(backoff).await;
                backoff = (backoff * 2).min(MAX_STARTUP_BACKOFF);
            }
        }
    }
}
