//! The handoff key file's edge cases through the real binary: `serve`
//! refuses at start, with the reason and never the key, a key file that
//! would break a promise later (a symlink whose target would keep the old
//! key, a file others may read, a place the bot cannot write, an epoch
//! ahead of the clock or absurdly old), instead of starting silently.

use std::os::unix::fs::PermissionsExt;

use crate::support::{TempDir, Tree, write_roster};
use overdose_bot::handoff::{EpochKey, epoch_of};
use telegram_fake::FakeTelegram;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn serve_refuses_a_key_file_that_would_break_its_promises_later() {
    let telegram = FakeTelegram::start().await;
    let dir = TempDir::new();
    let roster = write_roster(dir.path(), true);
    let current = epoch_of(chrono::Utc::now());
    let write = |name: &str, epoch: i64, mode: u32| {
        let path = dir.path().join(name);
        let key = EpochKey::generate(epoch);
        overdose_bot::keyfile::store(&path, &key).unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(mode)).unwrap();
        (path, key)
    };
    let (target, target_key) = write("target.key", current - 3, 0o600);
    let link = dir.path().join("link.key");
    std::os::unix::fs::symlink(&target, &link).unwrap();
    let (readable, readable_key) = write("readable.key", current - 1, 0o644);
    let (future, future_key) = write("future.key", current + 1, 0o600);
    let (absurd, absurd_key) = write("absurd.key", i64::MIN, 0o600);
    let (blocked, blocked_key) = write("blocked.key", current - 1, 0o600);
    // Each key's base64, as its file's second line holds it.
    let secrets: Vec<String> = [&target_key, &readable_key, &future_key, &absurd_key, &blocked_key]
        .iter()
        .map(|key| key.to_file_text().lines().nth(1).unwrap()[4..].to_owned())
        .collect();
    std::fs::create_dir(blocked.with_extension("new")).unwrap();
    std::fs::write(blocked.with_extension("new").join("x"), "").unwrap();
    let cases = [
        (&link, "is a symlink"),
        (&readable, "may be read by others (mode 644)"),
        (&future, "ahead of the clock"),
        (&absurd, "older than ten years"),
        (&blocked, "cannot write the key file"),
    ];
    for (path, reason) in cases {
        let bot = crate::support::spawn(
            telegram.url(),
            telegram.token().to_owned(),
            Tree::Shipped,
            &["--roster", roster.to_str().unwrap()],
            &[("OVERDOSE_BOT_HANDOFF_KEY_FILE", path.to_str().unwrap())],
        );
        let (code, logs) = bot.finish().await;
        assert_eq!(code, 2, "{}: {logs}", path.display());
        assert!(logs.contains(reason), "{}: {logs}", path.display());
        for secret in &secrets {
            assert!(!logs.contains(secret.as_str()), "never a key: {logs}");
        }
    }
    assert!(telegram.requests_of("getUpdates").is_empty(), "refused before serving");
    let kept = overdose_bot::keyfile::load(&target).unwrap();
    assert_eq!(
        (kept.epoch, kept.bytes()),
        (current - 3, target_key.bytes()),
        "the link's target was not touched"
    );
    assert!(
        std::fs::symlink_metadata(&link).unwrap().file_type().is_symlink(),
        "the link is still a link"
    );
}
