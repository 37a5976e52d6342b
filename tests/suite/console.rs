//! End-to-end tests of `overdose-bot console`: a script is piped into the real
//! binary, which runs on the fixture tree (or the shipped content), and the
//! transcript is checked screen by screen.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

/// Runs the console with `args`, feeds it `script`, returns (stdout, exit code).
fn console(args: &[&str], script: &str) -> (String, i32) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut child = Command::new(env!("CARGO_BIN_EXE_overdose-bot"))
        .arg("console")
        .args(args)
        .current_dir(root)
        .env_remove("OVERDOSE_BOT_LANG")
        .env_remove("OVERDOSE_BOT_CONTENT")
        .env_remove("OVERDOSE_BOT_LOCALES")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start overdose-bot console");
    child.stdin.take().unwrap().write_all(script.as_bytes()).unwrap();
    let output = child.wait_with_output().unwrap();
    (String::from_utf8(output.stdout).unwrap(), output.status.code().unwrap())
}

/// The screens of a transcript, split on the separator line.
fn screens(transcript: &str) -> Vec<&str> {
    transcript
        .split("─".repeat(40).as_str())
        .skip(1)
        .map(str::trim)
        .collect()
}

const TREE: [&str; 4] = ["--content", "tests/fixtures/tree/content", "--locales", "locales"];

#[test]
fn walks_the_emergency_path_back_and_home() {
    // start -> Urgent -> Step 1 -> Back -> Home, then EOF
    let (out, code) = console(&TREE, "1\n1\n2\n5\n");
    assert_eq!(code, 0);
    let screens = screens(&out);
    assert_eq!(screens.len(), 5, "{out}");
    assert!(screens[0].starts_with("Start\n"), "{}", screens[0]);
    assert!(
        screens[0].contains("[1] Urgent\n[2] Step 1\n[3] Loop 1\n[4] Photo"),
        "{}",
        screens[0]
    );
    assert!(screens[1].starts_with("Urgent\n\nText of Urgent"), "{}", screens[1]);
    assert!(
        screens[1].contains("[1] Step 1\n[2] I gave naloxone\n[3] We are doing CPR\n[4] ⬅️ Back   [5] 🏠 Main menu"),
        "{}",
        screens[1]
    );
    assert!(screens[2].starts_with("Step 1\n"), "{}", screens[2]);
    assert!(
        screens[3].starts_with("Urgent\n"),
        "Back returns to Urgent: {}",
        screens[3]
    );
    assert!(
        screens[4].starts_with("Start\n"),
        "Home returns to Start: {}",
        screens[4]
    );
    for screen in &screens {
        assert!(
            screen.contains("🆘 Emergency: 112, 103."),
            "numbers on every screen: {screen}"
        );
    }
}

#[test]
fn deep_links_commands_search_and_unknown_numbers() {
    let script = "/start chain-3\n/start nope\n/voice\nне дышит\n42\n/about\n";
    let (out, code) = console(&["--lang", "ru-RU", TREE[0], TREE[1], TREE[2], TREE[3]], script);
    assert_eq!(code, 0);
    let screens = screens(&out);
    assert!(screens[1].starts_with("Шаг 3\n"), "{}", screens[1]);
    assert!(
        screens[2].starts_with("Ссылка устарела или неверна. Вот главное меню.\n\nНачало"),
        "{}",
        screens[2]
    );
    assert!(
        screens[3].starts_with("Я не могу прослушать голосовое"),
        "{}",
        screens[3]
    );
    assert!(
        screens[3].contains("\nСрочно\n"),
        "voice leads to the emergency page: {}",
        screens[3]
    );
    assert!(
        screens[4].starts_with("Срочно\n"),
        "an emergency message opens the emergency page at once: {}",
        screens[4]
    );
    assert!(screens[4].contains("Кнопки 42 нет."), "{}", screens[4]);
    assert!(screens[5].contains("версия материалов test-1"), "{}", screens[5]);
}

#[test]
fn language_switch_carries_into_the_next_taps() {
    let (out, _) = console(&TREE, "/language\n1\n1\n");
    let screens = screens(&out);
    assert!(
        screens[1].starts_with("Выберите язык:\nChoose your language:"),
        "{}",
        screens[1]
    );
    assert!(screens[2].starts_with("Начало\n"), "{}", screens[2]);
    assert!(screens[3].starts_with("Срочно\n\nТекст Срочно"), "{}", screens[3]);
}

#[test]
fn clear_this_chat_asks_first_cancels_and_reports() {
    // /privacy -> Clear -> Cancel -> Clear -> Yes, clear
    let (out, code) = console(&TREE, "/privacy\n1\n1\n1\n2\n");
    assert_eq!(code, 0);
    let screens = screens(&out);
    assert_eq!(screens.len(), 7, "{out}");
    assert!(
        screens[1].ends_with("[1] 🧹 Clear this chat\n[2] 🏠 Main menu"),
        "{}",
        screens[1]
    );
    assert!(screens[2].starts_with("🧹 Clear this chat?"), "{}", screens[2]);
    assert!(
        screens[2].ends_with("[1] ✖️ Cancel\n[2] 🧹 Yes, clear"),
        "{}",
        screens[2]
    );
    assert_eq!(screens[3], screens[1], "Cancel goes back to /privacy");
    assert!(screens[5].starts_with("🧹 Clearing this chat…"), "{}", screens[5]);
    assert!(screens[6].starts_with("🧹 Done"), "{}", screens[6]);
    assert!(screens[6].ends_with("[1] 🏠 Main menu"), "{}", screens[6]);
}

#[test]
fn media_pages_name_their_attachment() {
    let (out, _) = console(&TREE, "/start photo-page\n");
    assert!(screens(&out)[1].starts_with("[Photo: media/dot.png]\nPhoto\n"), "{out}");
}

#[test]
fn shipped_content_puts_the_emergency_page_one_tap_from_start() {
    let (out, code) = console(&["--lang", "en"], "1\n");
    assert_eq!(code, 0);
    let screens = screens(&out);
    assert!(
        screens[0].contains("[1] 🆘 Unresponsive / not breathing"),
        "{}",
        screens[0]
    );
    assert!(screens[1].contains("Call 112"), "{}", screens[1]);
}

#[test]
fn a_photo_asks_whether_someone_is_unresponsive_or_it_is_a_wound() {
    let (out, code) = console(&["--lang", "en"], "/photo\n1\n");
    assert_eq!(code, 0);
    let screens = screens(&out);
    assert!(
        screens[1].starts_with("I can't look at photos or videos."),
        "{}",
        screens[1]
    );
    assert!(
        screens[1].contains("[1] 🆘 Unresponsive / not breathing\n[2] Danger signs: 112 or a doctor today\n[3] Wounds and abscesses\n[4] Ask a doctor"),
        "{}",
        screens[1]
    );
    assert!(screens[2].contains("Call 112"), "{}", screens[2]);
}

#[test]
fn invalid_content_is_refused_with_diagnostics() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let output = Command::new(env!("CARGO_BIN_EXE_overdose-bot"))
        .args(["console", "--content", "content", "--locales", "../../../../locales"])
        .current_dir(root.join("tests/fixtures/check/unknown-button"))
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert!(output.stdout.is_empty());
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(
        stderr.contains("error[E0004]: button to unknown node `cpr-step`"),
        "{stderr}"
    );
}

/// The shipped content with the example roster: "Ask an outreach worker"
/// runs on the outreach line (Olga Mon-Wed, Pavel Thu-Fri, 10:00-18:00),
/// the same flow as the doctors' line, its cards in its own chats.
#[test]
fn the_outreach_line_runs_from_the_example_roster() {
    let args = ["--lang", "en", "--roster", "roster.example.yaml"];
    // Ask an outreach worker -> Write your question (1) -> question -> the worker's reply.
    let script = "/start ask-outreach\n1\nI lost my passport.\nCome on Thursday at 11.\n";
    let (day, code) = console(&[&args[..], &["--now", "2026-12-02T12:00:00+03:00"]].concat(), script);
    assert_eq!(code, 0, "{day}");
    assert!(day.contains("🤝 On duty now: Ольга, соцработник (ru, en)."), "{day}");
    assert!(day.contains("══ to Ольга, соцработник ══\n🆕 Обращение "), "{day}");
    assert!(day.contains("человек увидит «дежурный социальный работник»"), "{day}");
    assert!(
        day.contains("✅ Your question is with the outreach worker on duty."),
        "{day}"
    );
    assert!(
        day.contains("🤝 Answer from the outreach worker on duty (case "),
        "{day}"
    );
    assert!(!day.contains("врач ══"), "no doctor gets the case: {day}");

    let (night, _) = console(&[&args[..], &["--now", "2026-12-02T22:00:00+03:00"]].concat(), script);
    assert!(
        night.contains("No outreach worker is on shift right now; the next shift starts 03.12 10:00 (Europe/Moscow)"),
        "{night}"
    );
    assert!(
        night.contains("══ to the outreach duty chat ══\n🆕 Обращение "),
        "{night}"
    );
}

/// A roster file named after `test`: Dr Anna on shift every night,
/// 20:00 to 08:00 Moscow time; the caller removes it.
fn night_roster(test: &str) -> std::path::PathBuf {
    let roster = std::env::temp_dir().join(format!("overdose-console-{test}-{}.yaml", std::process::id()));
    std::fs::write(
        &roster,
        "timezone: Europe/Moscow\nlanguage: en\nduty_chat: -100\ndoctors:\n  - { id: anna, name: Dr Anna, chat: 1, languages: [ru, en] }\nshifts:\n  - { doctor: anna, days: [daily], from: \"20:00\", to: \"08:00\" }\n",
    )
    .unwrap();
    roster
}

#[test]
fn simulates_a_case_with_a_roster_at_a_given_time() {
    let roster = night_roster("roster");
    let mut args = TREE.to_vec();
    args.extend(["--lang", "en", "--roster", roster.to_str().unwrap()]);
    // Start -> Ask a doctor (5) -> Write your question (1) -> question -> the doctor's reply.
    let script = "5\n1\nHe took pills, sleepy but breathing.\nKeep him on his side; call 112 if breathing slows.\n";
    let (night, code) = console(&[&args[..], &["--now", "2026-11-24T23:30:00+03:00"]].concat(), script);
    assert_eq!(code, 0, "{night}");
    assert!(night.contains("🩺 On duty now: Dr Anna (ru, en)."), "{night}");
    assert!(night.contains("══ to Dr Anna ══\n🆕 Case "), "{night}");
    assert!(
        night.contains(" · language: en · 24.11 23:30 (Europe/Moscow)\nPath: Start › Ask a doctor\n"),
        "{night}"
    );
    assert!(
        night.contains(
            "Status: new\n[🙋 Take]   [✅ Resolve]\n══ copied to Dr Anna ══\nHe took pills, sleepy but breathing."
        ),
        "{night}"
    );
    assert!(night.contains("🩺 Answer from the doctor on duty (case "), "{night}");
    assert!(
        night.contains("Keep him on his side; call 112 if breathing slows.\n[✍️ Write back]"),
        "{night}"
    );
    assert!(night.contains("✓ Delivered to the person (case "), "{night}");

    let (day, _) = console(&[&args[..], &["--now", "2026-11-25T12:00:00+03:00"]].concat(), script);
    assert!(
        day.contains("the next shift starts 25.11 20:00 (Europe/Moscow)"),
        "{day}"
    );
    assert!(day.contains("══ to the duty chat ══\n🆕 Case "), "{day}");
    assert!(
        day.contains(
            "✅ Nobody is on shift right now: your question waits for the next shift, which starts 25.11 20:00"
        ),
        "{day}"
    );
    std::fs::remove_file(roster).unwrap();
}

#[test]
fn a_question_describing_an_emergency_shows_the_emergency_page_first() {
    let roster = night_roster("emergency");
    let mut args = TREE.to_vec();
    args.extend(["--lang", "en", "--roster", roster.to_str().unwrap()]);
    let script = "5\n1\nMy friend used an hour ago and now he is not breathing\nCall 112 and start CPR.\n";
    let (out, code) = console(&[&args[..], &["--now", "2026-11-24T23:30:00+03:00"]].concat(), script);
    assert_eq!(code, 0, "{out}");
    let at_once = out.find("══ the person sees at once ══").expect("the emergency page");
    let card = out.find("══ to Dr Anna ══").expect("the case still goes to the doctor");
    assert!(at_once < card, "the emergency page comes first: {out}");
    assert!(out[at_once..card].contains("Urgent\n\nText of Urgent"), "{out}");
    std::fs::remove_file(roster).unwrap();
}

#[test]
fn an_escalated_case_end_to_end_on_the_simulated_clock() {
    let roster = night_roster("escalation");
    let mut args = TREE.to_vec();
    args.extend(["--lang", "en", "--roster", roster.to_str().unwrap()]);
    // The question; nobody takes it for 5 min; the duty chat takes it and
    // is reminded after 15 min; the answer.
    let script = "5\n1\nHe took pills, sleepy but breathing.\n/wait 6m\n/take\n/wait 16m\nKeep him on his side.\n";
    let (out, code) = console(&[&args[..], &["--now", "2026-11-24T23:30:00+03:00"]].concat(), script);
    assert_eq!(code, 0, "{out}");
    let steps = [
        "══ to Dr Anna ══\n🆕 Case ",
        "── 24.11 23:35 (Europe/Moscow) ──\n══ to the duty chat ══\n⏰ Not taken for 5 min: passed on to you.\n🆕 Case ",
        "══ edited in the duty chat ══",
        "Status: taken by Dr Anna at 24.11 23:36 (Europe/Moscow)\n[✅ Resolve]\n(toast: ",
        "══ to the person ══\n🩺 A doctor on duty has taken your question",
        "══ edited in Dr Anna ══",
        "── 24.11 23:51 (Europe/Moscow) ──\n══ to the duty chat ══\n⏰ Case ",
        "is taken and not answered yet.",
        "══ copied to the person ══\nKeep him on his side.\n[✍️ Write back]",
        "✓ Delivered to the person (case ",
    ];
    let mut from = 0;
    for step in steps {
        let found = out[from..]
            .find(step)
            .unwrap_or_else(|| panic!("`{step}` after byte {from} in:\n{out}"));
        from += found + step.len();
    }
    std::fs::remove_file(roster).unwrap();
}

#[test]
fn the_question_limit_counts_on_the_simulated_clock() {
    let roster = night_roster("limit");
    let mut args = TREE.to_vec();
    args.extend(["--lang", "en", "--roster", roster.to_str().unwrap()]);
    // Six questions (Ask a doctor (5), Write your question (1), the
    // question; /menu back to the Ask screen), then 12 minutes, then one more.
    let ask = |n: usize| format!("/menu\n1\nQuestion {n}\n");
    let mut script = "5\n1\nQuestion 1\n".to_owned();
    (2..=6).for_each(|n| script.push_str(&ask(n)));
    script.push_str("/wait 11m\n");
    script.push_str(&ask(7));
    script.push_str("/wait 1m\n");
    script.push_str(&ask(8));
    let (out, code) = console(&[&args[..], &["--now", "2026-11-24T23:30:00+03:00"]].concat(), &script);
    assert_eq!(code, 0, "{out}");
    let limited = "You have sent several questions in the last hour";
    let sent = |n: usize| out.contains(&format!("══ copied to Dr Anna ══\nQuestion {n}\n"));
    assert!((1..=5).all(sent), "five questions an hour go through: {out}");
    assert!(!sent(6) && !sent(7), "the sixth, and one 11 minutes later, wait: {out}");
    assert_eq!(out.matches(limited).count(), 2, "{out}");
    assert!(sent(8), "12 minutes on the simulated clock give one back: {out}");
    std::fs::remove_file(roster).unwrap();
}

#[test]
fn the_roster_command_prints_the_week_with_gaps() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let output = Command::new(env!("CARGO_BIN_EXE_overdose-bot"))
        .args([
            "roster",
            "--roster",
            "roster.example.yaml",
            "--week",
            "--now",
            "2026-12-03T22:00:00+03:00",
        ])
        .current_dir(root)
        .output()
        .unwrap();
    let table = String::from_utf8(output.stdout).unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    assert!(
        table.starts_with("Time zone Europe/Moscow (UTC+03:00). Now: Thu 03 Dec 2026 22:00.\n"),
        "{table}"
    );
    assert!(
        table.contains("On duty now: Борис, врач (ru) until Fri 04 Dec 08:00."),
        "{table}"
    );
    // Anna's Friday night was swapped to Boris.
    assert!(
        table.contains("Fri 04 Dec 20:00   Sat 05 Dec 08:00   Борис, врач (ru)"),
        "{table}"
    );
    assert!(
        table.contains("Fri 04 Dec 08:00   Fri 04 Dec 20:00   -- nobody: cases go to the duty chat --"),
        "{table}"
    );
    let broken = Command::new(env!("CARGO_BIN_EXE_overdose-bot"))
        .args(["roster", "--roster", "tests/fixtures/check/roster/roster.yaml"])
        .current_dir(root)
        .output()
        .unwrap();
    assert_eq!(broken.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&broken.stderr).contains("roster.yaml:2:11"));
}

#[test]
fn where_is_the_bus_at_three_times() {
    let bus = |now: &str| {
        let mut args = TREE.to_vec();
        args.extend(["--lang", "en", "--now", now]);
        let (out, code) = console(&args, "/start bus\n");
        assert_eq!(code, 0, "{out}");
        screens(&out)[1].to_owned()
    };
    // Thursday 3 December: before the market, during it, after the (cancelled) station.
    let before = bus("2026-12-03T13:20:00+03:00");
    assert!(
        before.contains("Later today:\n• 14:00–16:00 The market, 1 Market St (in 40 min)"),
        "{before}"
    );
    let during = bus("2026-12-03T15:00:00+03:00");
    assert!(
        during.contains("🚐 Now: The market, 1 Market St, until 16:00."),
        "{during}"
    );
    let evening = bus("2026-12-03T19:00:00+03:00");
    assert!(
        evening.starts_with("Where is the bus?\n\n🚐 Not out right now.\n"),
        "{evening}"
    );
    assert!(
        !evening.contains("Later today"),
        "the cancelled station has started: {evening}"
    );
}
