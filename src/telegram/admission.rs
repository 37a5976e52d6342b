//! Bounded admission per chat, in front of the dispatching loop, so that
//! no chat can hold up another or fill the bot's memory.
//!
//! Each chat's updates are handled one after another in its lane
//! (`dispatch`); a forward of 100 messages would queue 100 answers there,
//! paced at one a second, and the chat's next real question would wait
//! behind them. [`Admitted`] wraps the update listener (polling and
//! webhook alike) and lets at most a small budget of each chat's updates be
//! in flight, admitted and not yet handled. Past the budget it holds back
//! only the chat's newest update, which goes in when the chat's next update
//! is done, and drops the ones it replaces: counted by kind in
//! `overdose_bot_updates_coalesced_total`, and a dropped button tap still
//! gets its callback answered so that its spinner stops.
//!
//! A shared chat (a group, the duty chat) is not one person: its updates
//! wait in [`SharedLane`], a lane per sender, so one member's burst never
//! displaces another's update; an emergency goes first and a roster
//! member's update is never dropped (the caller's [`Classify`] says which
//! an update is, asked only of updates that have to wait).
//!
//! Chats are known here by a keyed hash of their id (the key is random per
//! process), and only while they have updates in flight: an idle chat
//! leaves nothing behind. The dispatching loop's lanes are keyed by the same
//! hash ([`worker`]), so they hold no chat id either. Never logs.

use std::collections::HashMap;
use std::collections::hash_map::RandomState;
use std::hash::BuildHasher;
use std::sync::{Arc, LazyLock, Mutex};

use futures::channel::mpsc as unbounded;
use futures::stream::{self, BoxStream, StreamExt};
use teloxide::prelude::*;
use teloxide::stop::StopToken;
use teloxide::types::{AllowedUpdate, CallbackQueryId, Update, UpdateKind};
use teloxide::update_listeners::{AsUpdateStream, UpdateListener};

use super::delivery::Tg;
use super::shared_lane::{Class, SharedLane};
use crate::metrics::Metrics;

/// Updates of one chat in flight at once. A person tapping through the
/// menus never has more than one; a burst beyond this (a forward of many
/// messages, taps in quick succession, an album) is answered in part and
/// for its newest update.
pub const BUDGET: usize = 4;

/// Replies in flight at once in one chat. Questions to the doctors and
/// their answers are replies; a doctor answering several cases in a row,
/// or a question sent as an album, must not lose a message.
pub const REPLY_BUDGET: usize = 32;

/// Callback answers for dropped taps waiting to be sent; beyond this a
/// spinner is left to Telegram, which stops it after a few seconds.
const SPINNER_QUEUE: usize = 256;
/// Callback answers for dropped taps sent at once.
const SPINNER_ANSWERS_AT_ONCE: usize = 8;

/// Keys chat and user ids into the hashes chats are known by.
static KEYS: LazyLock<RandomState> = LazyLock::new(RandomState::new);

/// The dispatching loop's lane of an update: one per chat, known by the
/// keyed hash of the chat id. Updates without a chat (inline queries) have
/// none and are handled at once.
pub fn lane(update: &Update) -> Option<u64> {
    update.chat().map(|chat| KEYS.hash_one(chat.id.0))
}

/// Says how an update that has to wait in a shared chat waits: an
/// emergency, a roster member's, or other.
pub type Classify = Box<dyn Fn(&Update) -> Class + Send + Sync>;

/// The admission state shared by the listener adaptor and the handlers.
pub struct Admission {
    // std Mutex: held only to count, never across `.await`.
    lanes: Mutex<HashMap<u64, Lane>>,
    classify: Classify,
    /// Held-back updates let in once their chat has room.
    released: unbounded::UnboundedSender<Update>,
    /// Callback queries dropped here, to be answered.
    spinners: tokio::sync::mpsc::Sender<CallbackQueryId>,
    metrics: Arc<Metrics>,
}

/// One chat's updates in flight and those waiting.
enum Lane {
    /// A person's own chat: a count and the newest update held back
    /// (boxed: an update is large, and most chats hold none).
    Private {
        in_flight: usize,
        held: Option<Box<Update>>,
    },
    /// A group or channel: a lane per sender.
    Shared(SharedLane<Update>),
}

/// The held-back updates, read by [`Admitted`].
pub struct Released(unbounded::UnboundedReceiver<Update>);

impl Admission {
    /// Also starts the task that answers dropped taps; it ends with the
    /// last [`Admission`].
    pub fn new(bot: Tg, metrics: Arc<Metrics>, classify: Classify) -> (Arc<Admission>, Released) {
        let (released, receiver) = unbounded::unbounded();
        let (spinners, mut taps) = tokio::sync::mpsc::channel::<CallbackQueryId>(SPINNER_QUEUE);
        tokio::spawn(stream::poll_fn(move |cx| taps.poll_recv(cx)).for_each_concurrent(
            SPINNER_ANSWERS_AT_ONCE,
            move |id| {
                let bot = bot.clone();
                async move {
                    // A spinner that cannot be stopped stops by itself.
                    let _ = bot.answer_callback_query(id).await;
                }
            },
        ));
        let admission = Admission {
            lanes: Mutex::new(HashMap::new()),
            classify,
            released,
            spinners,
            metrics,
        };
        (Arc::new(admission), Released(receiver))
    }

    /// The updates to hand to the dispatcher now for `update`: none (held
    /// back), the update itself, or an older held-back one and then it.
    fn admit(&self, update: Update) -> Vec<Update> {
        let Some(key) = lane_key(&update) else {
            return vec![update];
        };
        let mut lanes = self.lanes.lock().unwrap_or_else(|e| e.into_inner());
        let lane = lanes.entry(key).or_insert_with(|| {
            if is_shared(&update) {
                Lane::Shared(SharedLane::default())
            } else {
                Lane::Private {
                    in_flight: 0,
                    held: None,
                }
            }
        });
        match lane {
            Lane::Private { in_flight, held } => self.admit_private(in_flight, held, update),
            Lane::Shared(lane) => {
                let arrival = lane.arrive(sender_key(&update), update, |update| (self.classify)(update));
                if let Some(dropped) = arrival.dropped {
                    self.coalesced(dropped);
                }
                arrival.admitted.into_iter().collect()
            }
        }
    }

    /// A private chat: up to the budget at once, then only the newest held.
    fn admit_private(&self, in_flight: &mut usize, held: &mut Option<Box<Update>>, update: Update) -> Vec<Update> {
        let budget = budget(&update);
        if *in_flight >= budget {
            if let Some(replaced) = held.replace(Box::new(update)) {
                self.coalesced(*replaced);
            }
            return Vec::new();
        }
        let mut admitted = Vec::with_capacity(2);
        // Something held back has a smaller budget and is older: it goes
        // first if there is room for both.
        if let Some(held) = held.take() {
            if *in_flight + 1 < budget {
                *in_flight += 1;
                admitted.push(*held);
            } else {
                self.coalesced(*held);
            }
        }
        *in_flight += 1;
        admitted.push(update);
        admitted
    }

    /// One update of the chat with `key` is done: lets its held-back
    /// update in if there is room now, and forgets an idle chat.
    fn release(&self, key: u64) {
        let mut lanes = self.lanes.lock().unwrap_or_else(|e| e.into_inner());
        let Some(lane) = lanes.get_mut(&key) else {
            return;
        };
        let (next, idle) = match lane {
            Lane::Private { in_flight, held } => {
                *in_flight = in_flight.saturating_sub(1);
                let room = *in_flight;
                let next = held.take_if(|held| room < budget(held)).map(|held| *held);
                if next.is_some() {
                    *in_flight += 1;
                }
                (next, *in_flight == 0 && held.is_none())
            }
            Lane::Shared(lane) => (lane.done(), lane.is_idle()),
        };
        if let Some(next) = next {
            // The receiver lives as long as the listener; after it, nothing is dispatched anyway.
            let _ = self.released.unbounded_send(next);
        }
        if idle {
            lanes.remove(&key);
        }
    }

    /// Marks `update` as being handled until the ticket is dropped; the
    /// dispatcher schema takes one for every update.
    pub fn ticket(self: &Arc<Self>, update: &Update) -> Ticket {
        Ticket {
            admission: self.clone(),
            key: lane_key(update),
        }
    }

    fn coalesced(&self, update: Update) {
        self.metrics.coalesced(kind(&update));
        if let UpdateKind::CallbackQuery(query) = update.kind {
            // Full: the spinner stops by itself a little later.
            let _ = self.spinners.try_send(query.id);
        }
    }

    /// Chats with updates in flight or held back.
    #[cfg(test)]
    fn chats(&self) -> usize {
        self.lanes.lock().unwrap_or_else(|e| e.into_inner()).len()
    }
}

/// Held by the handler of one update; dropping it frees the chat's slot.
pub struct Ticket {
    admission: Arc<Admission>,
    key: Option<u64>,
}

impl Drop for Ticket {
    fn drop(&mut self) {
        if let Some(key) = self.key {
            self.admission.release(key);
        }
    }
}

/// Updates are counted per chat, as the lanes take them ([`lane`]), or per person for those without a chat (inline queries; a
/// person's private chat has the person's id).
fn lane_key(update: &Update) -> Option<u64> {
    lane(update).or_else(|| update.from().map(|user| KEYS.hash_one(user.id.0 as i64)))
}

/// Whether `update` comes from a chat shared by several people: a group,
/// a supergroup or a channel.
fn is_shared(update: &Update) -> bool {
    update.chat().is_some_and(|chat| !chat.is_private())
}

/// Who sent `update` within its chat (an anonymous admin or a channel
/// writes as a chat), by keyed hash.
fn sender_key(update: &Update) -> u64 {
    let sender_chat = match &update.kind {
        UpdateKind::Message(message) | UpdateKind::EditedMessage(message) => message.sender_chat.as_ref(),
        _ => None,
    };
    match (update.from(), sender_chat) {
        (_, Some(chat)) => KEYS.hash_one(chat.id.0),
        (Some(user), None) => KEYS.hash_one(user.id.0 as i64),
        (None, None) => 0,
    }
}

/// A reply to a message: perhaps a question to the doctors or an answer.
fn budget(update: &Update) -> usize {
    match &update.kind {
        UpdateKind::Message(message) if message.reply_to_message().is_some() => REPLY_BUDGET,
        _ => BUDGET,
    }
}

/// A metric label for an update's kind.
fn kind(update: &Update) -> &'static str {
    match update.kind {
        UpdateKind::Message(_) => "message",
        UpdateKind::EditedMessage(_) => "edited_message",
        UpdateKind::CallbackQuery(_) => "callback_query",
        UpdateKind::InlineQuery(_) => "inline_query",
        _ => "other",
    }
}

/// An update listener whose updates went through [`Admission`].
pub struct Admitted<L> {
    inner: L,
    admission: Arc<Admission>,
    released: Released,
}

impl<L> Admitted<L> {
    pub fn new(inner: L, admission: Arc<Admission>, released: Released) -> Self {
        Admitted {
            inner,
            admission,
            released,
        }
    }
}

impl<L> UpdateListener for Admitted<L>
where
    L: UpdateListener,
    L::Err: Send + 'static,
{
    type Err = L::Err;

    fn stop_token(&mut self) -> StopToken {
        self.inner.stop_token()
    }

    fn hint_allowed_updates(&mut self, hint: &mut dyn Iterator<Item = AllowedUpdate>) {
        self.inner.hint_allowed_updates(hint);
    }
}

impl<'a, L> AsUpdateStream<'a> for Admitted<L>
where
    L: UpdateListener,
    L::Err: Send + 'static,
{
    type StreamErr = L::Err;
    type Stream = BoxStream<'a, Result<Update, L::Err>>;

    /// The listener's updates as admitted, mixed with held-back ones as
    /// they are let in; ends when the listener ends (at shutdown).
    fn as_stream(&'a mut self) -> Self::Stream {
        let admission = self.admission.clone();
        let incoming = self
            .inner
            .as_stream()
            .flat_map(move |item| {
                let admitted: Vec<_> = match item {
                    Ok(update) => admission.admit(update).into_iter().map(Ok).collect(),
                    Err(error) => vec![Err(error)],
                };
                stream::iter(admitted)
            })
            .map(Some)
            .chain(stream::once(async { None }));
        let released = (&mut self.released.0).map(|update| Some(Ok(update)));
        stream::select(incoming, released)
            .take_while(|item| std::future::ready(item.is_some()))
            .filter_map(std::future::ready)
            .boxed()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn update(id: i32, json: serde_json::Value) -> Update {
        let mut json = json;
        json["update_id"] = id.into();
        // From text, as teloxide reads updates: its keys are borrowed.
        let update: Update = serde_json::from_str(&json.to_string()).expect("a valid update");
        assert!(!matches!(update.kind, UpdateKind::Error(_)), "{:?}", update.kind);
        update
    }

    fn message(id: i32, chat: i64, reply: bool) -> Update {
        let mut message = serde_json::json!({
            "message_id": id, "date": 1_700_000_000, "text": format!("m{id}"),
            "chat": { "id": chat, "type": "private", "first_name": "P" },
            "from": { "id": chat, "is_bot": false, "first_name": "P" },
        });
        if reply {
            message["reply_to_message"] = serde_json::json!({
                "message_id": 1, "date": 1_700_000_000, "text": "prompt",
                "chat": { "id": chat, "type": "private", "first_name": "P" },
            });
        }
        update(id, serde_json::json!({ "message": message }))
    }

    fn in_group(id: i32, from: i64, text: &str) -> Update {
        let message = serde_json::json!({
            "message_id": id, "date": 1_700_000_000, "text": text,
            "chat": { "id": -100_200, "type": "supergroup", "title": "G" },
            "from": { "id": from, "is_bot": false, "first_name": "P" },
        });
        update(id, serde_json::json!({ "message": message }))
    }

    fn tap(id: i32, chat: i64) -> Update {
        update(
            id,
            serde_json::json!({ "callback_query": {
                "id": format!("cb{id}"), "chat_instance": "ci", "data": "x",
                "from": { "id": chat, "is_bot": false, "first_name": "P" },
                "message": { "message_id": 1, "date": 1_700_000_000, "text": "menu",
                             "chat": { "id": chat, "type": "private", "first_name": "P" } } } }),
        )
    }

    fn ids(updates: &[Update]) -> Vec<i32> {
        updates.iter().map(|u| u.id.0 as i32).collect()
    }

    fn admission() -> (Arc<Admission>, Released, Arc<Metrics>) {
        let metrics = Arc::new(Metrics::new());
        let bot = Bot::new("1:test").set_api_url("http://127.0.0.1:9".parse().unwrap());
        // Group messages that say "help!" are emergencies, those of user 77 a member's.
        let classify: Classify = Box::new(|update: &Update| match &update.kind {
            UpdateKind::Message(m) if m.text() == Some("help!") => Class::Emergency,
            _ if update.from().is_some_and(|u| u.id.0 == 77) => Class::Member,
            _ => Class::Other,
        });
        let (admission, released) = Admission::new(bot, metrics.clone(), classify);
        (admission, released, metrics)
    }

    fn coalesced(metrics: &Metrics, kind: &str) -> u64 {
        let line = format!("overdose_bot_updates_coalesced_total{{kind=\"{kind}\"}} ");
        metrics
            .render()
            .lines()
            .find_map(|l| l.strip_prefix(&line).and_then(|v| v.parse().ok()))
            .unwrap_or(0)
    }

    #[tokio::test]
    async fn a_burst_is_admitted_up_to_the_budget_and_then_only_its_newest_update() {
        let (admission, mut released, metrics) = admission();
        let admitted: Vec<Update> = (1..=10).flat_map(|id| admission.admit(message(id, 5, false))).collect();
        assert_eq!(ids(&admitted), [1, 2, 3, 4]);
        assert_eq!(coalesced(&metrics, "message"), 5, "5 to 9 were replaced by 10");

        // Another chat is not affected by the first one's burst.
        assert_eq!(ids(&admission.admit(message(11, 6, false))), [11]);

        // The first chat's next update done: its newest goes in.
        let mut tickets: Vec<Ticket> = admitted.iter().map(|u| admission.ticket(u)).collect();
        drop(tickets.remove(0));
        let next = released.0.next().await.unwrap();
        assert_eq!(next.id.0, 10);
    }

    #[tokio::test]
    async fn an_idle_chat_leaves_nothing_behind() {
        let (admission, _released, _) = admission();
        let admitted: Vec<Update> = (1..=3).flat_map(|id| admission.admit(message(id, 5, false))).collect();
        assert_eq!(admission.chats(), 1);
        for update in &admitted {
            drop(admission.ticket(update));
        }
        assert_eq!(admission.chats(), 0);
    }

    #[tokio::test]
    async fn replies_have_a_larger_budget_and_go_after_what_was_held_back() {
        let (admission, _released, metrics) = admission();
        let menus: Vec<Update> = (1..=5).flat_map(|id| admission.admit(message(id, 5, false))).collect();
        assert_eq!(ids(&menus), [1, 2, 3, 4], "5 is held back");
        let replies: Vec<Update> = (6..=40).flat_map(|id| admission.admit(message(id, 5, true))).collect();
        assert_eq!(ids(&replies[..2]), [5, 6], "the held-back update keeps its place");
        assert_eq!(menus.len() + replies.len(), REPLY_BUDGET);
        assert_eq!(coalesced(&metrics, "message"), 40 - REPLY_BUDGET as u64 - 1);
    }

    #[tokio::test]
    async fn replaced_taps_are_counted_and_their_spinners_queued() {
        let (admission, _released, metrics) = admission();
        let admitted: Vec<Update> = (1..=BUDGET as i32 + 3)
            .flat_map(|id| admission.admit(tap(id, 5)))
            .collect();
        assert_eq!(admitted.len(), BUDGET);
        assert_eq!(coalesced(&metrics, "callback_query"), 2);
    }

    #[tokio::test]
    async fn in_a_group_each_sender_waits_in_their_own_lane_and_an_emergency_goes_first() {
        let (admission, mut released, metrics) = admission();
        let mut arrivals: Vec<Update> = (1..=12).map(|id| in_group(id, 5, "/bus")).collect();
        arrivals.insert(6, in_group(50, 6, "help!"));
        arrivals.insert(9, in_group(60, 77, "a doctor's answer"));
        let admitted: Vec<Update> = arrivals.into_iter().flat_map(|u| admission.admit(u)).collect();
        assert_eq!(ids(&admitted), [1], "one at a time: the rest can still be reordered");
        let mut order = ids(&admitted);
        let mut ticket = admission.ticket(&admitted[0]);
        for _ in 0..5 {
            drop(ticket);
            let next = released.0.next().await.unwrap();
            order.push(next.id.0 as i32);
            ticket = admission.ticket(&next);
        }
        drop(ticket);
        assert_eq!(
            order,
            [1, 50, 60, 2, 3, 12],
            "the emergency, the member, then the burst's first and newest"
        );
        assert_eq!(coalesced(&metrics, "message"), 8);
        assert_eq!(admission.chats(), 0);
    }
}
