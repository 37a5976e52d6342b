//! Sending and editing screens under Telegram's rules: honour RetryAfter
//! within each kind of message's patience, retry network errors with a
//! bounded backoff, treat "message is not modified" as success, send anew
//! when a message cannot be edited, and drop (counting) when the person
//! blocked the bot or the chat is gone.
//!
//! Each call runs inside one chat's worker: its waits hold up that chat
//! only, and a menu screen never waits long (see [`SCREEN`]). The doctors'
//! line waits longer, because its messages must not be lost.

use std::future::{Future, IntoFuture};
use std::time::Duration;

use teloxide::prelude::*;
use teloxide::types::{
    CallbackQueryId, ChatId, InlineKeyboardMarkup, InputFile, MessageId, ParseMode, ReplyMarkup, ReplyParameters,
};
use teloxide::{ApiError, RequestError};

use super::keyboard::markup;
use super::media::FileIdCache;
use super::pacing::{Pacer, Priority};
use crate::content::{Content, MediaKind};
use crate::engine::{Screen, Shows};
use crate::metrics::Metrics;

/// The bot as the handlers use it; sends are paced by [`Pacer`].
pub type Tg = Bot;

/// A send of one of the media kinds, boxed so the kinds share a type.
type SendFuture<'a> = std::pin::Pin<Box<dyn Future<Output = Result<Message, RequestError>> + Send + 'a>>;

/// How hard a call is retried after RetryAfter, network errors and 5xx.
#[derive(Clone, Copy, Debug)]
struct Patience {
    retries: u32,
    /// The network backoff doubles from [`NETWORK_BACKOFF`] up to this.
    max_backoff: Duration,
    /// RetryAfter pauses waited out in all, at most; a pause that would go
    /// past this ends the call with the RetryAfter error.
    retry_after: Duration,
}

/// A callback answer only stops a spinner, and Telegram forgets the query
/// within seconds: three quick retries, so the screen after it is not held up.
const CALLBACK: Patience = Patience {
    retries: 3,
    max_backoff: Duration::from_secs(2),
    retry_after: Duration::from_secs(5),
};

/// A menu screen: retried through about 45 s of outage (a person who wrote
/// /start while Telegram was unreachable still gets the menu when it is
/// back), but RetryAfter only for a few seconds in all. Telegram asks for a
/// longer pause when this chat is flooding it; waiting it out would park
/// the chat's worker while the chat's next updates pile up, and show a
/// stale screen after them. The screen is dropped instead (counted as
/// `deliveries{outcome="rate_limited"}`); the person's next tap or message
/// renders anew.
const SCREEN: Patience = Patience {
    retries: 12,
    max_backoff: Duration::from_secs(5),
    retry_after: Duration::from_secs(5),
};

/// The doctors' line (questions, cards, answers, their confirmations): worth
/// waiting out an outage or a RetryAfter of a couple of minutes rather than
/// losing a case.
const ESCALATION: Patience = Patience {
    retries: 30,
    max_backoff: Duration::from_secs(5),
    retry_after: Duration::from_secs(120),
};
/// First network backoff; doubles each time.
const NETWORK_BACKOFF: Duration = Duration::from_millis(300);

/// Why a screen did not reach the person.
#[derive(Debug)]
pub enum Failure {
    /// Blocked the bot, deleted the account, chat gone: normal life.
    RecipientGone,
    /// Anything else, after the retries.
    Failed(RequestError),
}

pub use crate::handoff::flow::Protect;
/// What Telegram did with a batch of deletions.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Deletion {
    /// Every message it found is gone (ids it did not find were skipped).
    Done,
    /// It refused the whole batch: nothing was deleted.
    Refused,
}

/// Shared by every handler: caches, pacing and metrics.
pub struct Delivery {
    pub files: FileIdCache,
    pub metrics: std::sync::Arc<Metrics>,
    pub pacer: Pacer,
}

/// How urgently `screen` must reach the person: the emergency page (asked
/// for, written about, or shown for a message the bot cannot read) goes
/// before every other screen waiting for Telegram's overall rate.
pub fn priority(content: &Content, screen: &Screen<'_>) -> Priority {
    if screen.shows == Shows::Node(content.emergency()) {
        Priority::Emergency
    } else {
        Priority::Normal
    }
}

impl Delivery {
    /// Sends `screen` as a new message (with its media, if any); returns
    /// the message's id.
    pub async fn send(
        &self,
        bot: &Tg,
        chat: ChatId,
        screen: &Screen<'_>,
        priority: Priority,
    ) -> Result<MessageId, Failure> {
        self.pacer.wait(chat.0, priority).await;
        let result = match screen.media {
            Some(media) => self.send_media(bot, chat, screen, media).await,
            None => {
                let html = screen.html.as_ref();
                retrying(&self.metrics, SCREEN, || {
                    bot.send_message(chat, html)
                        .parse_mode(ParseMode::Html)
                        .reply_markup(markup(screen))
                        .into_future()
                })
                .await
                .map(|message| message.id)
            }
        };
        self.settle(result, "sent")
    }

    /// Replaces the text message `message` with `screen`; sends anew, at
    /// `priority`, when Telegram cannot edit it (too old, deleted, not
    /// text). Edits themselves are not paced.
    pub async fn edit(
        &self,
        bot: &Tg,
        chat: ChatId,
        message: MessageId,
        screen: &Screen<'_>,
        priority: Priority,
    ) -> Result<(), Failure> {
        let html = screen.html.as_ref();
        let result = retrying(&self.metrics, SCREEN, || {
            bot.edit_message_text(chat, message, html)
                .parse_mode(ParseMode::Html)
                .reply_markup(markup(screen))
                .into_future()
        })
        .await;
        match result {
            Ok(_) => self.settle(Ok(()), "edited"),
            Err(RequestError::Api(ApiError::MessageNotModified)) => {
                self.metrics.api_error("not_modified");
                self.settle(Ok(()), "edited")
            }
            Err(RequestError::Api(
                ApiError::MessageToEditNotFound
                | ApiError::MessageCantBeEdited
                | ApiError::MessageIdInvalid
                | ApiError::MessageTextIsEmpty,
            )) => {
                self.metrics.api_error("cannot_edit");
                self.send(bot, chat, screen, priority).await.map(drop)
            }
            Err(error) => self.settle(Err(error), "edited"),
        }
    }

    /// Stops the button's spinner, with a short pop-up if there is one.
    /// Failures are logged and otherwise ignored: the screen matters more.
    pub async fn answer_callback(&self, bot: &Tg, id: CallbackQueryId, toast: Option<&str>) {
        let result = retrying(&self.metrics, CALLBACK, || {
            let answer = bot.answer_callback_query(id.clone());
            match toast {
                Some(text) => answer.text(text).into_future(),
                None => answer.into_future(),
            }
        })
        .await;
        if let Err(error) = result {
            tracing::debug!(error = %error_kind(&error), "callback answer failed");
        }
    }

    async fn send_media(
        &self,
        bot: &Tg,
        chat: ChatId,
        screen: &Screen<'_>,
        media: &crate::content::Media,
    ) -> Result<MessageId, RequestError> {
        let cached = self.files.get(media.digest);
        let upload = || match &cached {
            Some(id) => InputFile::file_id(id.clone()),
            None => InputFile::memory(media.bytes.to_vec()).file_name(file_name(&media.file)),
        };
        let html = screen.html.as_ref();
        let sent = retrying(&self.metrics, SCREEN, || {
            let keyboard = markup(screen);
            let caption = html.to_owned();
            let request: SendFuture<'_> = match media.kind {
                MediaKind::Photo => Box::pin(
                    bot.send_photo(chat, upload())
                        .caption(caption)
                        .parse_mode(ParseMode::Html)
                        .reply_markup(keyboard)
                        .into_future(),
                ),
                MediaKind::Audio => Box::pin(
                    bot.send_audio(chat, upload())
                        .caption(caption)
                        .parse_mode(ParseMode::Html)
                        .reply_markup(keyboard)
                        .into_future(),
                ),
                MediaKind::Voice => Box::pin(
                    bot.send_voice(chat, upload())
                        .caption(caption)
                        .parse_mode(ParseMode::Html)
                        .reply_markup(keyboard)
                        .into_future(),
                ),
            };
            request
        })
        .await;
        match sent {
            Ok(message) => {
                let id = message
                    .photo()
                    .and_then(|sizes| sizes.last().map(|p| p.file.id.clone()))
                    .or_else(|| message.audio().map(|a| a.file.id.clone()))
                    .or_else(|| message.voice().map(|v| v.file.id.clone()));
                if let Some(id) = id {
                    self.files.insert(media.digest, id);
                }
                Ok(message.id)
            }
            Err(RequestError::Api(ApiError::Unknown(_) | ApiError::WrongFileIdOrUrl | ApiError::WrongFileId))
                if cached.is_some() =>
            {
                // Telegram forgot the file (or it belongs to another bot): upload again.
                self.files.forget(media.digest);
                Box::pin(self.send_media(bot, chat, screen, media)).await
            }
            Err(error) => Err(error),
        }
    }

    /// Sends an HTML text with an optional keyboard, with a menu screen's
    /// patience (a group's short answer, a group's confirmation).
    pub async fn send_short(
        &self,
        bot: &Tg,
        chat: ChatId,
        html: &str,
        keyboard: Option<InlineKeyboardMarkup>,
        priority: Priority,
    ) -> Result<MessageId, Failure> {
        self.pacer.wait(chat.0, priority).await;
        let result = retrying(&self.metrics, SCREEN, || {
            let mut request = bot.send_message(chat, html).parse_mode(ParseMode::Html);
            if let Some(keyboard) = &keyboard {
                request = request.reply_markup(keyboard.clone());
            }
            request.into_future()
        })
        .await;
        self.settle(result.map(|m| m.id), "sent")
    }

    /// Sends an HTML text (a prompt, a case card, a confirmation), as a
    /// reply to `reply_to` when given; returns the new message's id. Retried
    /// with the doctors' line's patience: through an outage of minutes.
    pub async fn send_html(
        &self,
        bot: &Tg,
        chat: ChatId,
        html: &str,
        markup: Option<ReplyMarkup>,
        reply_to: Option<MessageId>,
        priority: Priority,
    ) -> Result<MessageId, Failure> {
        self.pacer.wait(chat.0, priority).await;
        let result = retrying(&self.metrics, ESCALATION, || {
            let mut request = bot.send_message(chat, html).parse_mode(ParseMode::Html);
            if let Some(markup) = &markup {
                request = request.reply_markup(markup.clone());
            }
            if let Some(message) = reply_to {
                request = request.reply_parameters(ReplyParameters::new(message).allow_sending_without_reply());
            }
            request.into_future()
        })
        .await;
        self.settle(result.map(|m| m.id), "sent")
    }

    /// Copies `message` from chat `from` into `chat`, without "forwarded
    /// from": how questions and answers cross between person and doctor.
    #[allow(clippy::too_many_arguments)]
    pub async fn copy(
        &self,
        bot: &Tg,
        chat: ChatId,
        from: ChatId,
        message: MessageId,
        markup: InlineKeyboardMarkup,
        reply_to: Option<MessageId>,
        protect: Protect,
        priority: Priority,
    ) -> Result<MessageId, Failure> {
        self.pacer.wait(chat.0, priority).await;
        let result = retrying(&self.metrics, ESCALATION, || {
            let mut request = bot
                .copy_message(chat, from, message)
                .reply_markup(markup.clone())
                .protect_content(protect == Protect::NoForwarding);
            if let Some(target) = reply_to {
                request = request.reply_parameters(ReplyParameters::new(target).allow_sending_without_reply());
            }
            request.into_future()
        })
        .await;
        self.settle(result, "copied")
    }

    /// Replaces an HTML text and its buttons (a case card after a tap).
    pub async fn edit_html(
        &self,
        bot: &Tg,
        chat: ChatId,
        message: MessageId,
        html: &str,
        markup: InlineKeyboardMarkup,
    ) -> Result<(), Failure> {
        let result = retrying(&self.metrics, ESCALATION, || {
            bot.edit_message_text(chat, message, html)
                .parse_mode(ParseMode::Html)
                .reply_markup(markup.clone())
                .into_future()
        })
        .await;
        match result {
            Err(RequestError::Api(ApiError::MessageNotModified)) => self.settle(Ok(()), "edited"),
            other => self.settle(other.map(drop), "edited"),
        }
    }

    /// Deletes the messages `ids` (at most 100) of `chat`, paced like a
    /// message to that chat and retried like a menu screen. Telegram skips
    /// ids it cannot find, but refuses the whole call when one message it
    /// finds may not be deleted (older than 48 hours, in the main):
    /// [`Deletion::Refused`], nothing deleted.
    pub async fn delete(&self, bot: &Tg, chat: ChatId, ids: &[MessageId]) -> Result<Deletion, Failure> {
        self.pacer.wait(chat.0, Priority::Normal).await;
        let result = retrying(&self.metrics, SCREEN, || {
            bot.delete_messages(chat, ids.iter().copied()).into_future()
        })
        .await;
        match result {
            Ok(_) => Ok(Deletion::Done),
            Err(RequestError::Api(ApiError::MessageCantBeDeleted)) => Ok(Deletion::Refused),
            // "message can't be deleted for everyone": teloxide has no variant.
            Err(RequestError::Api(ApiError::Unknown(description))) if description.contains("can't be deleted") => {
                Ok(Deletion::Refused)
            }
            Err(error) if recipient_gone(&error) => Err(Failure::RecipientGone),
            Err(error) => {
                self.metrics.api_error(api_error_kind(&error));
                Err(Failure::Failed(error))
            }
        }
    }

    fn settle<T>(&self, result: Result<T, RequestError>, success: &'static str) -> Result<T, Failure> {
        match result {
            Ok(value) => {
                self.metrics.set_telegram_reachable(true);
                self.metrics.delivery(success);
                Ok(value)
            }
            Err(error) if recipient_gone(&error) => {
                self.metrics.delivery("recipient_gone");
                Err(Failure::RecipientGone)
            }
            Err(error @ RequestError::RetryAfter(_)) => {
                self.metrics.delivery("rate_limited");
                self.metrics.api_error("retry_after");
                Err(Failure::Failed(error))
            }
            Err(error) => {
                self.metrics.delivery("failed");
                self.metrics.api_error(api_error_kind(&error));
                Err(Failure::Failed(error))
            }
        }
    }
}

/// Whether `error` says the person blocked the bot, left, or the chat is gone.
fn recipient_gone(error: &RequestError) -> bool {
    matches!(
        error,
        RequestError::Api(
            ApiError::BotBlocked
                | ApiError::ChatNotFound
                | ApiError::UserDeactivated
                | ApiError::BotKicked
                | ApiError::BotKickedFromSupergroup
                | ApiError::CantInitiateConversation
                | ApiError::CantTalkWithBots,
        )
    )
}

/// Runs `call` until it succeeds, waiting as Telegram says after RetryAfter
/// (while the pauses stay within `patience.retry_after` in all) and backing
/// off after network errors and 5xx, at most `patience.retries` times.
async fn retrying<T, F, Fut>(metrics: &Metrics, patience: Patience, mut call: F) -> Result<T, RequestError>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, RequestError>>,
{
    let mut attempt = 0;
    let mut paused = Duration::ZERO;
    loop {
        let retry = attempt < patience.retries;
        let backoff = (NETWORK_BACKOFF * 2u32.pow(attempt.min(8))).min(patience.max_backoff);
        let wait = match call().await {
            Err(RequestError::RetryAfter(after)) if retry && paused + after.duration() <= patience.retry_after => {
                metrics.api_error("retry_after");
                paused += after.duration();
                after.duration()
            }
            Err(RequestError::Network(_)) if retry => {
                metrics.api_error("network");
                metrics.set_telegram_reachable(false);
                backoff
            }
            Err(RequestError::Api(ApiError::Unknown(description))) if retry && is_server_error(&description) => {
                metrics.api_error("server_error");
                backoff
            }
            other => return other,
        };
        tokio::time::sleep(wait).await;
        attempt += 1;
    }
}

/// Telegram's descriptions of its own 5xx failures. teloxide keeps only the
/// description of an unknown error, not its status code.
fn is_server_error(description: &str) -> bool {
    [
        "Internal Server Error",
        "Bad Gateway",
        "Service Unavailable",
        "Gateway Timeout",
    ]
    .iter()
    .any(|known| description.contains(known))
}

/// A metric label for an error that ended a delivery.
fn api_error_kind(error: &RequestError) -> &'static str {
    match error {
        RequestError::Api(_) => "api",
        RequestError::RetryAfter(_) => "retry_after",
        RequestError::Network(_) => "network",
        RequestError::MigrateToChatId(_) => "chat_migrated",
        RequestError::InvalidJson { .. } => "invalid_json",
        RequestError::Io(_) => "io",
    }
}

/// A log-safe name for an error: its kind, never the request's content.
pub fn error_kind(error: &RequestError) -> String {
    match error {
        RequestError::Api(api) => format!("api: {api}"),
        RequestError::RetryAfter(after) => format!("retry after {}s", after.duration().as_secs()),
        RequestError::Network(_) => "network".to_owned(),
        RequestError::MigrateToChatId(_) => "chat migrated".to_owned(),
        RequestError::InvalidJson { .. } => "invalid json from the Bot API".to_owned(),
        RequestError::Io(_) => "i/o".to_owned(),
    }
}

fn file_name(path: &str) -> String {
    path.rsplit('/').next().unwrap_or(path).to_owned()
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicU32, Ordering};

    use teloxide::types::Seconds;

    use super::*;

    /// Telegram asks for a 3 s pause twice, then accepts: returns the
    /// result and how many calls were made.
    async fn twice_throttled(patience: Patience) -> (Result<(), RequestError>, u32) {
        let calls = AtomicU32::new(0);
        let result = retrying(&Metrics::new(), patience, || {
            let call = calls.fetch_add(1, Ordering::Relaxed);
            async move {
                match call {
                    0 | 1 => Err(RequestError::RetryAfter(Seconds::from_seconds(3))),
                    _ => Ok(()),
                }
            }
        })
        .await;
        (result, calls.load(Ordering::Relaxed))
    }

    #[test]
    fn the_emergency_page_goes_first_whatever_led_to_it() {
        use crate::engine::{Input, handle};
        use crate::fixture::tree;
        use crate::i18n::MessageKind;
        let content = tree();
        let locale = content.default_locale();
        let priority_of = |input| priority(content, &handle(content, locale, input));
        for input in [
            Input::Text {
                text: "не дышит"
            },
            Input::Start {
                payload: Some("urgent"),
            },
            Input::Unsupported {
                kind: MessageKind::Voice,
                caption: None,
                message: None,
            },
        ] {
            assert_eq!(priority_of(input), Priority::Emergency, "{input:?}");
        }
        for input in [
            Input::Start { payload: None },
            Input::Text { text: "naloxone" },
            Input::Help,
        ] {
            assert_eq!(priority_of(input), Priority::Normal, "{input:?}");
        }
    }

    #[tokio::test(start_paused = true)]
    async fn a_menu_screen_gives_up_past_five_seconds_of_retry_after() {
        let started = tokio::time::Instant::now();
        let (result, calls) = twice_throttled(SCREEN).await;
        assert!(matches!(result, Err(RequestError::RetryAfter(_))), "{result:?}");
        assert_eq!(calls, 2, "waited out the first pause only");
        assert_eq!(started.elapsed(), Duration::from_secs(3));
    }

    #[tokio::test(start_paused = true)]
    async fn the_doctors_line_waits_retry_after_out() {
        let started = tokio::time::Instant::now();
        let (result, calls) = twice_throttled(ESCALATION).await;
        assert!(result.is_ok(), "{result:?}");
        assert_eq!(calls, 3);
        assert_eq!(started.elapsed(), Duration::from_secs(6));
    }
}
