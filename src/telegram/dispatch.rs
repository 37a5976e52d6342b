//! The dispatching loop: reads updates from the listener (long polling or
//! the webhook) and hands each to its chat's lane, a task that runs the
//! chat's updates one after another. The loop itself never waits for a
//! handler, so updates keep being fetched during any burst.
//!
//! This replaces teloxide's `Dispatcher`, whose loop waits for handlers: to
//! retire idle workers it awaits the worker tasks it judged idle
//! (`remove_inactive_workers`), and a worker that has just taken an update
//! is not idle yet. Under a paced burst the awaited handler sits in the
//! pacer for seconds, and no `getUpdates` is sent meanwhile: the emergency
//! page of someone who wrote during a crowd waited 4-8 s before the bot
//! even read it (BENCHMARKS.md). Here a lane ends by itself when its queue
//! is empty, and the loop only pushes to queues.
//!
//! A lane's queue needs no bound of its own: admission (in front of this
//! loop) lets no chat have more than a few updates in flight. A lane is
//! known by the keyed hash admission uses, so no chat id is kept here
//! either; updates without a chat (inline queries) each run at once.

use std::collections::{HashMap, VecDeque};
use std::convert::Infallible;
use std::future::Future;
use std::ops::ControlFlow;
use std::panic::AssertUnwindSafe;
use std::sync::{Arc, Mutex};

use futures::{FutureExt, StreamExt};
use teloxide::dispatching::UpdateHandler;
use teloxide::dptree::di::DependencyMap;
use teloxide::types::{Update, UpdateKind};
use teloxide::update_listeners::UpdateListener;

use super::admission;

/// Runs `handler` for every update of `listener` until the listener ends,
/// then waits for the updates in flight. `shutdown` resolving stops the
/// listener (which then ends its stream); `on_error` hears listener errors.
pub async fn dispatch<L>(
    mut listener: L,
    handler: UpdateHandler<Infallible>,
    dependencies: DependencyMap,
    on_error: impl Fn(L::Err),
    shutdown: impl Future<Output = ()>,
) where
    L: UpdateListener,
{
    // What teloxide's dispatcher checked when it was built: every value a
    // handler asks for is provided (the update itself comes with each one).
    // A missing one panics here, at start-up, not on the first update of
    // that kind, where the lane would only log a panicking handler.
    teloxide::dptree::type_check(handler.sig(), &dependencies, &[teloxide::dptree::Type::of::<Update>()]);
    let stop = listener.stop_token();
    let lanes = Lanes::new(handler, dependencies);
    let (running, mut all_done) = tokio::sync::mpsc::channel::<()>(1);
    let mut shutdown = std::pin::pin!(shutdown.fuse());
    let mut stopping = false;
    let stream = listener.as_stream();
    let mut stream = std::pin::pin!(stream);
    loop {
        let next = tokio::select! {
            next = stream.next() => next,
            () = &mut shutdown, if !stopping => {
                stopping = true;
                stop.stop();
                continue;
            }
        };
        match next {
            Some(Ok(update)) => lanes.push(update, running.clone()),
            Some(Err(error)) => on_error(error),
            None => break,
        }
    }
    // Every task holds a clone of `running`: the channel closes when the
    // last one ends.
    drop(running);
    let _ = all_done.recv().await;
}

/// The chats with updates queued or being handled.
struct Lanes {
    inner: Arc<Shared>,
}

struct Shared {
    handler: UpdateHandler<Infallible>,
    dependencies: DependencyMap,
    // std Mutex: held only to push or pop, never across `.await`.
    queues: Mutex<HashMap<u64, VecDeque<Update>>>,
}

impl Lanes {
    fn new(handler: UpdateHandler<Infallible>, dependencies: DependencyMap) -> Self {
        Lanes {
            inner: Arc::new(Shared {
                handler,
                dependencies,
                queues: Mutex::new(HashMap::new()),
            }),
        }
    }

    /// Queues `update` in its chat's lane, starting the lane if the chat has
    /// none running; never waits. `running` is held until the work ends.
    fn push(&self, update: Update, running: tokio::sync::mpsc::Sender<()>) {
        if let UpdateKind::Error(_) = update.kind {
            // Its text is not logged: it would carry a person's message.
            tracing::warn!("an update teloxide cannot read was skipped");
            return;
        }
        let Some(key) = admission::lane(&update) else {
            let shared = self.inner.clone();
            tokio::spawn(async move {
                shared.handle(update).await;
                drop(running);
            });
            return;
        };
        {
            let mut queues = self.inner.lock();
            if let Some(queue) = queues.get_mut(&key) {
                queue.push_back(update);
                return;
            }
            queues.insert(key, VecDeque::new());
        }
        let shared = self.inner.clone();
        tokio::spawn(async move {
            let mut next = Some(update);
            while let Some(update) = next {
                shared.handle(update).await;
                next = shared.next_of(key);
            }
            drop(running);
        });
    }
}

impl Shared {
    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<u64, VecDeque<Update>>> {
        self.queues.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The lane's next update, or none: then the lane is gone, in the same
    /// step, so an update pushed meanwhile starts a new one.
    fn next_of(&self, key: u64) -> Option<Update> {
        let mut queues = self.lock();
        let next = queues.get_mut(&key).and_then(VecDeque::pop_front);
        if next.is_none() {
            queues.remove(&key);
        }
        next
    }

    /// Runs the handler for one update. A panic is caught and logged (the
    /// update's admission ticket is released as it unwinds), so that one
    /// bad update never silences its chat's lane.
    async fn handle(&self, update: Update) {
        let mut dependencies = self.dependencies.clone();
        dependencies.insert(update);
        let handled = AssertUnwindSafe(self.handler.dispatch(dependencies))
            .catch_unwind()
            .await;
        match handled {
            Ok(ControlFlow::Break(Ok(()))) => {}
            // Kinds no branch handles (chat member changes, polls, ...) are
            // dropped silently.
            Ok(ControlFlow::Continue(_)) => {}
            Err(_) => tracing::error!("a handler panicked; its chat goes on with its next update"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::time::Duration;

    use futures::stream;
    use teloxide::stop::{StopToken, mk_stop_token};
    use teloxide::types::AllowedUpdate;
    use teloxide::update_listeners::AsUpdateStream;
    use tokio::sync::Notify;

    fn message(id: i32, chat: i64) -> Update {
        let json = serde_json::json!({
            "update_id": id,
            "message": {
                "message_id": id, "date": 1_700_000_000, "text": format!("m{id}"),
                "chat": { "id": chat, "type": "private", "first_name": "P" },
                "from": { "id": chat, "is_bot": false, "first_name": "P" },
            }
        });
        serde_json::from_str(&json.to_string()).expect("a valid update")
    }

    /// A listener over a channel: the test decides when each update comes.
    struct Channel {
        updates: futures::channel::mpsc::UnboundedReceiver<Update>,
        stop: Option<StopToken>,
    }

    impl UpdateListener for Channel {
        type Err = Infallible;
        fn stop_token(&mut self) -> StopToken {
            self.stop.take().unwrap_or_else(|| mk_stop_token().0)
        }
        fn hint_allowed_updates(&mut self, _: &mut dyn Iterator<Item = AllowedUpdate>) {}
    }

    impl<'a> AsUpdateStream<'a> for Channel {
        type StreamErr = Infallible;
        type Stream = stream::BoxStream<'a, Result<Update, Infallible>>;
        fn as_stream(&'a mut self) -> Self::Stream {
            (&mut self.updates).map(Ok).boxed()
        }
    }

    /// The chat ids handled, in order; chat 1's handler waits for `gate`,
    /// and update 4 panics.
    #[derive(Default)]
    struct Seen {
        chats: Mutex<Vec<i64>>,
        gate: Notify,
        handled: AtomicUsize,
    }

    fn handler() -> UpdateHandler<Infallible> {
        teloxide::dptree::entry().endpoint(|update: Update, seen: Arc<Seen>| async move {
            let chat = update.chat().map(|chat| chat.id.0).unwrap_or_default();
            if chat == 1 {
                seen.gate.notified().await;
            }
            assert_ne!(update.id.0, 4, "a bad update");
            seen.chats.lock().unwrap().push(chat);
            seen.handled.fetch_add(1, Ordering::SeqCst);
            Ok(())
        })
    }

    #[tokio::test]
    #[should_panic(expected = "missing")]
    async fn a_handler_asking_for_a_value_nobody_provides_is_refused_at_start() {
        let (_sender, updates) = futures::channel::mpsc::unbounded();
        let listener = Channel { updates, stop: None };
        // `handler()` asks for an `Arc<Seen>`; none is given.
        dispatch(
            listener,
            handler(),
            DependencyMap::new(),
            |_| {},
            std::future::pending(),
        )
        .await;
    }

    async fn handled(seen: &Seen, count: usize) -> Vec<i64> {
        while seen.handled.load(Ordering::SeqCst) < count {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        seen.chats.lock().unwrap().clone()
    }

    #[tokio::test]
    async fn a_waiting_handler_holds_up_only_its_own_chat_and_a_panic_only_its_update() {
        let (sender, updates) = futures::channel::mpsc::unbounded();
        let seen = Arc::new(Seen::default());
        let listener = Channel { updates, stop: None };
        let run = tokio::spawn(dispatch(
            listener,
            handler(),
            teloxide::dptree::deps![seen.clone()],
            |_| {},
            std::future::pending(),
        ));
        for (id, chat) in [(1, 1), (2, 1), (3, 2), (4, 3), (5, 3), (6, 2)] {
            sender.unbounded_send(message(id, chat)).unwrap();
        }
        // Chat 1 waits; chats 2 and 3, written after it, are answered
        // meanwhile, chat 3's second update after its first panicked.
        let mut others = handled(&seen, 3).await;
        others.sort();
        assert_eq!(others, [2, 2, 3]);
        seen.gate.notify_one();
        handled(&seen, 4).await;
        seen.gate.notify_one();
        // The listener ends: dispatch returns once chat 1's second update
        // is handled, not before.
        drop(sender);
        run.await.unwrap();
        assert_eq!(
            seen.chats.lock().unwrap()[3..],
            [1, 1],
            "chat 1 in order, after its gate"
        );
    }
}
