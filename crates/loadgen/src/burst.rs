//! The crowd (`--burst N`): N people arrive at once, as after a channel
//! post, and each sends one message: a share of them an emergency message
//! ("не дышит", "not breathing", which opens the emergency page), the rest
//! `/start` (the main menu). Each waits for the bot's answer. The two
//! groups' latencies are kept apart, so that a run with `--throttle` shows
//! whether the emergency page goes before the menus when Telegram's
//! overall rate (30 a second) is the bottleneck.

use std::time::{Duration, Instant};

use telegram_fake::{FakeTelegram, TestChat, TestUser};
use tokio::sync::oneshot;

use crate::Waiters;

/// The crowd's first chat id, apart from the sessions' and the flood's.
const FIRST_ID: i64 = 8_000_000;

/// How long each person of the crowd waited for the bot's answer.
#[derive(Debug, Default)]
pub struct Crowd {
    /// Those who wrote an emergency message.
    pub emergency: Vec<Duration>,
    /// Those who sent /start.
    pub others: Vec<Duration>,
    /// Not answered by the deadline (counted in the latencies as the time
    /// until the deadline, a lower bound).
    pub unanswered: u64,
}

/// `people` arrive at once, `emergency_share` of them (spread evenly through
/// the crowd) writing an emergency message; waits for their answers until
/// `deadline`.
pub async fn arrive(
    telegram: &FakeTelegram,
    waiters: &Waiters,
    people: u32,
    emergency_share: f64,
    deadline: Instant,
) -> Crowd {
    let mut arrived = Vec::new();
    let mut emergencies = 0;
    for n in 0..people {
        let emergency = is_emergency(n, emergency_share);
        // Half of each group writes in Russian, half in English.
        let russian = if emergency { emergencies % 2 == 0 } else { n % 2 == 0 };
        emergencies += u32::from(emergency);
        let user = TestUser::new(
            FIRST_ID + i64::from(n),
            "Crowd",
            None,
            Some(if russian { "ru" } else { "en" }),
        );
        let chat = TestChat::private(&user);
        let text = match (emergency, russian) {
            (false, _) => "/start",
            (true, true) => "не дышит",
            (true, false) => "not breathing",
        };
        let (answered, answer) = oneshot::channel();
        waiters.lock().unwrap().insert(chat.id, answered);
        telegram.send_text(&chat, &user, text);
        arrived.push((emergency, Instant::now(), answer));
    }
    let mut crowd = Crowd::default();
    for (emergency, offered, answer) in arrived {
        let latency = match tokio::time::timeout_at(deadline.into(), answer).await {
            Ok(Ok(at)) => at.duration_since(offered),
            _ => {
                crowd.unanswered += 1;
                deadline.saturating_duration_since(offered)
            }
        };
        if emergency {
            crowd.emergency.push(latency);
        } else {
            crowd.others.push(latency);
        }
    }
    crowd
}

/// Whether the `n`th person writes an emergency message: `share` of the
/// crowd, every 1/share-th person.
fn is_emergency(n: u32, share: f64) -> bool {
    ((f64::from(n) + 1.0) * share).floor() > (f64::from(n) * share).floor()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_share_is_spread_through_the_crowd() {
        let emergencies: Vec<u32> = (0..300).filter(|&n| is_emergency(n, 0.1)).collect();
        assert_eq!(emergencies.len(), 30);
        assert_eq!(emergencies[..3], [9, 19, 29]);
        assert!((0..300).all(|n| !is_emergency(n, 0.0)));
        assert!((0..300).all(|n| is_emergency(n, 1.0)));
    }
}
