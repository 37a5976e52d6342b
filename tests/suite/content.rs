//! Editorial promises of the shipped content that `check` cannot know: which
//! pages a frightened person reaches in how many taps, that every screen
//! carries the emergency numbers and the disclaimer, where "Ask a doctor" is
//! offered, that the words people actually type find the right page, and
//! the medical review's findings of 2026-12 (the first lines of first-aid
//! pages, the airway, naloxone repeated, no packets shown to the crew, the
//! organisation's claims left to it, a photo answered with a question).
//!
//! `cargo test --test suite content:: -- --nocapture` prints the tap table quoted in
//! the issue notes.

use std::collections::{HashMap, VecDeque};

use crate::support::Tree;
use overdose_bot::content::{Content, NodeIdx, NodeKind};
use overdose_bot::engine::{self, Input, MessageKind, Shows};

/// Taps from /start to every node, following buttons breadth-first; the
/// photo question, which a photo opens, counts as one step.
fn taps_from_start(content: &Content) -> HashMap<String, usize> {
    let mut taps = HashMap::new();
    let mut queue = VecDeque::from([(content.root(), 0)]);
    queue.extend(content.photo().map(|photo| (photo, 1)));
    while let Some((index, depth)) = queue.pop_front() {
        let node = content.node(index);
        if taps.contains_key(node.id()) {
            continue;
        }
        taps.insert(node.id().to_string(), depth);
        queue.extend(node.buttons().iter().map(|&next| (next, depth + 1)));
    }
    taps
}

fn ids(content: &Content, indices: &[NodeIdx]) -> Vec<String> {
    indices.iter().map(|&i| content.node(i).id().to_string()).collect()
}

fn buttons_of(content: &Content, id: &str) -> Vec<String> {
    let index = content.node_by_id(id).unwrap_or_else(|| panic!("node `{id}` exists"));
    ids(content, content.node(index).buttons())
}

#[test]
fn the_life_saving_pages_are_close_to_start() {
    let content = Tree::Shipped.content();
    let taps = taps_from_start(&content);
    assert_eq!(taps.len(), content.nodes().len(), "every node is reachable");

    let first = buttons_of(&content, "start")[0].clone();
    assert_eq!(
        first,
        content.node(content.emergency()).id(),
        "the emergency page is /start's first button"
    );
    let emergency = buttons_of(&content, &first);
    for next in ["cpr-steps", "naloxone", "recovery-position"] {
        assert!(
            emergency.contains(&next.to_string()),
            "`{next}` is one tap from the emergency page"
        );
    }

    let limits = [
        ("not-breathing", 1),
        ("cpr-steps", 1),
        ("naloxone", 1),
        ("recovery-position", 1),
        ("cpr-metronome", 2),
        ("overdose-signs", 2),
        ("after-naloxone", 2),
        ("abscess", 2),
        ("wound-danger-signs", 2),
        ("ask-doctor", 1),
        ("what-not-to-do", 2),
        ("overdose-prevention", 2),
        ("seizures", 2),
        ("testing", 2),
        ("prep-pep", 2),
        ("where-testing", 2),
    ];
    println!("taps from /start (numbers are in the footer of every screen: 0 taps)");
    for (id, limit) in limits {
        let actual = taps[id];
        println!("  {id:<20} {actual}");
        assert!(
            actual <= limit,
            "`{id}` is {actual} taps from /start, at most {limit} wanted"
        );
    }
    println!("nodes per locale: {}", content.nodes().len());
}

#[test]
fn every_screen_has_the_numbers_and_the_disclaimer() {
    let content = Tree::Shipped.content();
    let disclaimers = [
        ("ru", "не заменяет врача и скорую помощь"),
        ("en", "does not replace a doctor or an ambulance"),
    ];
    for (code, disclaimer) in disclaimers {
        let locale = content.locale_by_code(code).unwrap();
        for (_, node) in content.nodes() {
            let screen = &node.screen(locale).plain;
            for number in ["112", "103"] {
                assert!(screen.contains(number), "`{}` ({code}) lacks {number}", node.id());
            }
            assert!(
                screen.contains(disclaimer),
                "`{}` ({code}) lacks the disclaimer",
                node.id()
            );
        }
    }
}

/// Russian words that address the reader as «ты»: every page and message
/// says «вы» (issue 21: `naloxone-facts` once said «не введёшь»).
/// Second-person singular verbs end in -ешь, -ёшь or -ишь; «лишь», «мышь»
/// and «тишь» only look like them.
fn addresses_as_ty(text: &str) -> Vec<String> {
    const PRONOUNS: [&str; 15] = [
        "ты",
        "тебя",
        "тебе",
        "тобой",
        "твой",
        "твоя",
        "твоё",
        "твое",
        "твои",
        "твоего",
        "твоей",
        "твоих",
        "твоим",
        "твоему",
        "твою",
    ];
    text.to_lowercase()
        .split(|c: char| !c.is_alphabetic())
        .filter(|word| {
            PRONOUNS.contains(word)
                || (["ешь", "ёшь", "ишь"].iter().any(|ending| word.ends_with(ending))
                    && !["лишь", "мышь", "тишь"].contains(word))
        })
        .map(str::to_owned)
        .collect()
}

#[test]
fn every_russian_screen_and_message_says_vy_not_ty() {
    assert_eq!(addresses_as_ty("Если не введёшь, позвони"), ["введёшь"]);
    assert!(addresses_as_ty("Вы можете лишь ждать").is_empty());
    let content = Tree::Shipped.content();
    let ru = content.locale_by_code("ru").unwrap();
    for (_, node) in content.nodes() {
        let screen = &node.screen(ru).plain;
        assert_eq!(addresses_as_ty(screen), Vec::<String>::new(), "`{}`", node.id());
    }
    // The UI's messages, and the companions' check-ins (no keywords there).
    let companions = crate::support::root().join("content/companion.yaml");
    let ui = std::fs::read_dir(crate::support::root().join("locales/ru")).unwrap();
    for path in ui.map(|file| file.unwrap().path()).chain([companions]) {
        let messages = std::fs::read_to_string(&path).unwrap();
        assert_eq!(addresses_as_ty(&messages), Vec::<String>::new(), "{}", path.display());
    }
}

#[test]
fn ask_a_doctor_is_offered_where_people_need_it() {
    let content = Tree::Shipped.content();
    for id in [
        "start",
        "overdose",
        "after-naloxone",
        "stimulants",
        "unknown-substance",
        "calling-ambulance",
        "wounds",
        "wound-danger-signs",
        "abscess",
        "ulcers",
        "veins",
        "swollen-limb",
        "artery-hit",
        "health",
        "overdose-prevention",
        "seizures",
        "testing",
        "prep-pep",
        "where-testing",
        "photo-question",
    ] {
        assert!(
            buttons_of(&content, id).contains(&"ask-doctor".to_string()),
            "`{id}` offers Ask a doctor"
        );
    }
}

#[test]
fn the_words_people_type_find_the_right_page() {
    let content = Tree::Shipped.content();
    let cases = [
        ("ru", "не дышит", "not-breathing"),
        ("ru", "передоз", "overdose"),
        ("ru", "как колоть налоксон", "naloxone"),
        ("ru", "ломка после налоксона", "after-naloxone"),
        ("ru", "нарыв с гноем", "abscess"),
        ("ru", "язва на ноге", "ulcers"),
        ("ru", "вены ушли", "veins"),
        ("ru", "попал в артерию", "artery-hit"),
        ("ru", "соли", "stimulants"),
        ("ru", "боюсь полиции", "police"),
        ("ru", "метроном", "cpr-metronome"),
        ("ru", "дефибриллятор", "aed"),
        ("ru", "где взять налоксон", "where-naloxone"),
        ("en", "not breathing", "not-breathing"),
        ("en", "narcan dose", "naloxone"),
        ("en", "abscess", "abscess"),
        ("en", "swollen leg", "swollen-limb"),
        ("en", "mephedrone", "stimulants"),
        ("en", "afraid of police", "police"),
        ("ru", "припадок", "seizures"),
        ("ru", "его трясёт судороги", "seizures"),
        ("ru", "холодная вода", "what-not-to-do"),
        ("ru", "пусть проспится", "what-not-to-do"),
        ("ru", "после тюрьмы", "overdose-prevention"),
        ("ru", "феназепам", "mixing-depressants"),
        ("ru", "тест на вич", "testing"),
        ("ru", "гепатит с", "testing"),
        ("ru", "порвался презерватив", "prep-pep"),
        ("ru", "пкп", "prep-pep"),
        ("ru", "где провериться", "where-testing"),
        ("en", "seizure", "seizures"),
        ("en", "sleep it off", "what-not-to-do"),
        ("en", "inject salt water", "what-not-to-do"),
        ("en", "tolerance after prison", "overdose-prevention"),
        ("en", "hep c test", "testing"),
        ("en", "pep", "prep-pep"),
        ("en", "hands only metronome", "cpr-metronome-hands-only"),
    ];
    let mut misses = Vec::new();
    for (code, query, want) in cases {
        let locale = content.locale_by_code(code).unwrap();
        let found = ids(&content, &content.search(locale, query, 3));
        if !found.iter().any(|id| id == want) {
            misses.push(format!("{code} {query:?}: wanted `{want}` in the top 3, got {found:?}"));
        }
    }
    assert!(misses.is_empty(), "{}", misses.join("\n"));
}

/// In St Petersburg people whose Telegram speaks a language of a former
/// Soviet republic, or Romanian, read Russian far more often than English
/// (issue 21): they get Russian, everyone else the default.
#[test]
fn neighbouring_languages_are_served_in_russian() {
    let content = Tree::Shipped.content();
    for code in ["uk", "be", "kk", "uz", "tg", "ky", "az", "hy", "ka", "ro", "uz-UZ"] {
        let served = content.locale_code(content.negotiate(Some(code)));
        assert_eq!(served, "ru", "Telegram set to {code:?}");
    }
    assert_eq!(content.locale_code(content.negotiate(Some("de"))), "en");
}

#[test]
fn the_readme_counts_the_screens_right() {
    let content = Tree::Shipped.content();
    let readme = std::fs::read_to_string(crate::support::root().join("README.md")).unwrap();
    let claim = format!("{} screens in\neach language", content.nodes().len());
    assert!(readme.contains(&claim), "README.md should say \"{claim}\"");
}

/// The text of `id`'s screen in `code` below its title: body and footer.
fn body(content: &Content, code: &str, id: &str) -> String {
    let locale = content.locale_by_code(code).unwrap();
    let index = content.node_by_id(id).unwrap_or_else(|| panic!("node `{id}` exists"));
    let plain = &content.node(index).screen(locale).plain;
    plain
        .split_once("\n\n")
        .map_or(plain.as_str(), |(_, rest)| rest)
        .to_owned()
}

/// Whether `text` has `word` as a whole word (`metro`, not `metronome`).
fn has_word(text: &str, word: &str) -> bool {
    text.to_lowercase()
        .split(|c: char| !c.is_alphanumeric())
        .any(|w| w == word)
}

#[test]
fn first_aid_pages_one_tap_from_start_say_112_in_their_first_lines() {
    let content = Tree::Shipped.content();
    let taps = taps_from_start(&content);
    let mut checked = Vec::new();
    for (_, node) in content.nodes() {
        let first_aid = node.kind() == NodeKind::Page && !node.needs_filling_in();
        if !first_aid || taps[node.id()] != 1 {
            continue;
        }
        for code in ["ru", "en"] {
            let opening: String = body(&content, code, node.id()).lines().take(2).collect();
            assert!(
                opening.contains("112"),
                "`{}` ({code}) does not say 112 in its first lines: {opening}",
                node.id()
            );
        }
        checked.push(node.id().to_owned());
    }
    checked.sort();
    assert_eq!(checked, ["cpr-steps", "naloxone", "not-breathing", "recovery-position"]);
}

#[test]
fn the_emergency_page_opens_the_airway_before_checking_breathing_and_sends_for_an_aed() {
    let content = Tree::Shipped.content();
    let emergency = content.node(content.emergency()).id().to_owned();
    for (code, tilt, breathing, aed, noisy) in [
        (
            "ru",
            "запрокиньте голову",
            "смотрите, слушайте",
            "дефибриллятор",
            "храпит или булькает",
        ),
        (
            "en",
            "tilt the head back",
            "look, listen",
            "defibrillator",
            "snoring or gurgling",
        ),
    ] {
        let text = body(&content, code, &emergency).to_lowercase();
        let tilt_at = text
            .find(tilt)
            .unwrap_or_else(|| panic!("{code}: no head tilt in {text}"));
        let breathing_at = text
            .find(breathing)
            .unwrap_or_else(|| panic!("{code}: no breathing check"));
        assert!(
            tilt_at < breathing_at,
            "{code}: the head tilt comes before the breathing check"
        );
        assert!(text.contains(aed), "{code}: someone is sent for an AED");
        assert!(
            text.contains(noisy),
            "{code}: noisy breathing is named as a blocked airway"
        );
    }
}

#[test]
fn naloxone_is_repeated_until_breathing_returns_and_the_ambulance_stays() {
    let content = Tree::Shipped.content();
    for (code, repeat, several, cancel, methadone) in [
        (
            "ru",
            "повторяйте каждые 2–3 минуты, пока человек не задышит",
            "несколько доз",
            "не отменяйте скорую",
            "метадон действует сутки",
        ),
        (
            "en",
            "repeat every 2–3 minutes until they breathe",
            "several doses",
            "do not cancel the ambulance",
            "methadone lasts a day",
        ),
    ] {
        let naloxone = body(&content, code, "naloxone").to_lowercase();
        assert!(naloxone.contains(repeat), "{code}: {naloxone}");
        assert!(
            naloxone.contains(several),
            "{code}: fentanyl and nitazenes may need several doses"
        );
        let after = body(&content, code, "after-naloxone").to_lowercase();
        assert!(after.contains(cancel), "{code}: {after}");
        assert!(after.contains(methadone), "{code}: {after}");
    }
}

#[test]
fn no_page_tells_people_to_hand_over_packets_or_leftovers() {
    let content = Tree::Shipped.content();
    for (_, node) in content.nodes() {
        for (code, words) in [("ru", ["упаковк", "остатк"]), ("en", ["packet", "leftover"])] {
            let text = body(&content, code, node.id()).to_lowercase();
            for word in words {
                assert!(!text.contains(word), "`{}` ({code}) mentions `{word}`", node.id());
            }
        }
    }
}

#[test]
fn the_organisations_claims_stay_on_its_fill_in_pages() {
    let content = Tree::Shipped.content();
    for (_, node) in content.nodes() {
        for (code, metro, free, syringe) in [("ru", "метро", "бесплатн", "шприц"), ("en", "metro", "free", "syringe")]
        {
            let text = body(&content, code, node.id()).to_lowercase();
            let claims = has_word(&text, metro) || (text.contains(free) && text.contains(syringe));
            assert!(
                !claims || node.needs_filling_in(),
                "`{}` ({code}) makes a claim only the organisation can confirm, without `fill_in`",
                node.id()
            );
        }
    }
}

#[test]
fn the_two_metronomes_say_which_is_which() {
    let content = Tree::Shipped.content();
    let media = |id: &str| {
        let index = content.node_by_id(id).unwrap();
        content.node(index).media().expect("an audio track").file.clone()
    };
    assert_eq!(media("cpr-metronome"), "media/cpr-metronome-30-2.mp3");
    assert_eq!(media("cpr-metronome-hands-only"), "media/cpr-metronome-110.mp3");
    let cpr = buttons_of(&content, "cpr-steps");
    assert!(cpr.contains(&"cpr-metronome".to_owned()) && cpr.contains(&"cpr-metronome-hands-only".to_owned()));
    for (code, breaths, none) in [
        ("ru", "2 вдоха", "не делает вдохи"),
        ("en", "give 2 breaths", "do not give breaths"),
    ] {
        assert!(
            body(&content, code, "cpr-metronome").to_lowercase().contains(breaths),
            "{code}"
        );
        assert!(
            body(&content, code, "cpr-metronome-hands-only")
                .to_lowercase()
                .contains(none),
            "{code}"
        );
    }
}

#[test]
fn the_new_pages_exist_in_both_locales_and_seizures_are_reached_from_stimulants() {
    let content = Tree::Shipped.content();
    let taps = taps_from_start(&content);
    for id in [
        "overdose-prevention",
        "what-not-to-do",
        "seizures",
        "testing",
        "prep-pep",
        "where-testing",
    ] {
        assert!(taps.contains_key(id), "`{id}` is reachable from /start");
        for code in ["ru", "en"] {
            assert!(body(&content, code, id).len() > 200, "`{id}` has a text in {code}");
        }
    }
    assert!(buttons_of(&content, "stimulants").contains(&"seizures".to_owned()));
    assert!(
        content
            .node(content.node_by_id("where-testing").unwrap())
            .needs_filling_in()
    );
    assert!(
        buttons_of(&content, "start").len() <= 9,
        "the main menu stays short: new topics go in submenus"
    );
}

#[test]
fn a_photo_asks_whether_someone_is_unresponsive_or_it_is_a_wound() {
    let content = Tree::Shipped.content();
    for (code, opening) in [("ru", "Я не могу посмотреть фото"), ("en", "I can't look at photos")]
    {
        let locale = content.locale_by_code(code).unwrap();
        let screen = engine::handle(
            &content,
            locale,
            Input::Unsupported {
                kind: MessageKind::Photo,
                caption: None,
                message: None,
            },
        );
        assert_eq!(screen.shows, Shows::Node(content.photo().expect("a photo question")));
        assert!(screen.plain.starts_with(opening), "{}", screen.plain);
        assert!(screen.plain.contains("112"), "{}", screen.plain);
        let Shows::Node(question) = screen.shows else {
            unreachable!()
        };
        assert_eq!(
            ids(&content, content.node(question).buttons()),
            ["not-breathing", "wound-danger-signs", "wounds", "ask-doctor"]
        );
    }
}

#[test]
fn a_photo_captioned_with_an_emergency_opens_the_emergency_page_at_once() {
    let content = Tree::Shipped.content();
    let photo = |code: &str, caption: &'static str| {
        let locale = content.locale_by_code(code).unwrap();
        let input = Input::Unsupported {
            kind: MessageKind::Photo,
            caption: Some(caption),
            message: None,
        };
        engine::handle(&content, locale, input).shows
    };
    let emergency = Shows::Node(content.emergency());
    assert_eq!(photo("ru", "он не дышит что делать"), emergency);
    assert_eq!(photo("en", "my friend is not breathing"), emergency);
    let question = Shows::Node(content.photo().unwrap());
    assert_eq!(
        photo("ru", "что это на руке"),
        question,
        "other captions still get the question"
    );
}

#[test]
fn privacy_says_what_is_kept_and_who_sees_what_in_both_languages() {
    let content = Tree::Shipped.content();
    for (code, words) in [
        ("ru", ["ничего о вас", "Telegram", "врачи", "Удалить чат"]),
        ("en", ["nothing about you", "Telegram", "doctors", "Delete chat"]),
    ] {
        let locale = content.locale_by_code(code).unwrap();
        let screen = engine::handle(&content, locale, Input::Privacy);
        assert_eq!(screen.shows, Shows::Privacy);
        for word in words {
            assert!(
                screen.plain.contains(word),
                "{code}: {word:?} missing in {}",
                screen.plain
            );
        }
        assert!(
            screen.plain.contains("112"),
            "the emergency numbers, as on every screen"
        );
        let about = engine::handle(&content, locale, Input::About);
        assert!(about.plain.contains("/privacy"), "{code}: /about points to /privacy");
    }
}

/// The benchmarks' generated tree (benches/engine.rs, `loadgen
/// --generate-nodes`) loads without errors: a change of the content format
/// or the shipped manifest that broke it would otherwise go unnoticed until
/// someone ran a benchmark.
#[test]
fn the_benchmarks_generated_tree_loads_without_errors() {
    let generated = loadgen::GeneratedTree::new(1_000);
    let loaded = overdose_bot::content_files::load(&overdose_bot::content::LoadOptions {
        content_dir: generated.dir.clone(),
        locales_dir: crate::support::root().join("locales"),
        validate: overdose_bot::content::ValidateOptions {
            today: chrono::NaiveDate::from_ymd_opt(2026, 12, 7).unwrap(),
            review_max_age_days: None,
        },
    });
    let errors: Vec<String> = loaded
        .diagnostics
        .iter()
        .filter(|d| d.severity() == overdose_bot::diagnostics::Severity::Error)
        .map(|d| d.message.clone())
        .take(5)
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
    let content = loaded.content.expect("the generated tree loads");
    assert_eq!(content.nodes().len(), 1_000);
}

/// Loads the content of `dir` (the shipped locales) as `check` does.
fn load_from(dir: &std::path::Path) -> overdose_bot::content::Loaded {
    overdose_bot::content_files::load(&overdose_bot::content::LoadOptions {
        content_dir: dir.to_path_buf(),
        locales_dir: crate::support::root().join("locales"),
        validate: overdose_bot::content::ValidateOptions {
            today: chrono::NaiveDate::from_ymd_opt(2026, 12, 7).unwrap(),
            review_max_age_days: None,
        },
    })
}

/// The errors of the shipped hazard log checked against `content`.
fn log_errors(loaded: &mut overdose_bot::content::Loaded) -> Vec<String> {
    let safety = crate::support::root().join("safety");
    let content = loaded.content.as_ref().expect("the content loads");
    let mut found = overdose_bot::diagnostics::Diagnostics::default();
    overdose_bot::safety::check(&safety, Some(content), &mut loaded.sources, &mut found);
    found
        .iter()
        .filter(|d| d.severity() == overdose_bot::diagnostics::Severity::Error)
        .map(|d| {
            let at = d
                .span
                .map(|s| {
                    let (line, _) = loaded.sources.line_col(s.file, s.start);
                    format!("{}:{line}", loaded.sources.path(s.file))
                })
                .unwrap_or_default();
            format!("{at}: {} {}", d.code.as_str(), d.message)
        })
        .collect()
}

/// The hazard log's controls hold on the shipped content, and rewording a
/// safety message away breaks exactly the control that keeps it.
#[test]
fn rewording_a_safety_message_away_breaks_its_control() {
    let mut shipped = load_from(&crate::support::root().join("content"));
    assert_eq!(log_errors(&mut shipped), Vec::<String>::new());

    let dir = crate::support::TempDir::new();
    let content = dir.path().join("content");
    crate::support::copy_dir(&crate::support::root().join("content"), &content);
    let file = std::fs::read_dir(&content)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .find(|p| std::fs::read_to_string(p).is_ok_and(|t| t.contains("even if the child seems fine")))
        .expect("a page says it");
    let text = std::fs::read_to_string(&file).unwrap();
    std::fs::write(
        &file,
        text.replace("even if the child seems fine", "if the child seems unwell"),
    )
    .unwrap();
    let mut reworded = load_from(&content);
    let errors = log_errors(&mut reworded);
    assert_eq!(errors.len(), 1, "{errors:#?}");
    assert!(errors[0].contains("safety/hazards/topics.yaml:"), "{errors:#?}");
    assert!(
        errors[0].contains("E0033 the text of `children` (en) no longer says \"even if the child seems fine\""),
        "{errors:#?}"
    );
}

/// A parent whose baby is not breathing reaches the emergency page by the
/// emergency rule; the child's CPR (5 breaths first) is one tap from it.
#[test]
fn the_emergency_page_leads_to_the_childrens_page() {
    let content = Tree::Shipped.content();
    for (code, message) in [("ru", "младенец не дышит"), ("en", "baby not breathing")] {
        let locale = content.locale_by_code(code).unwrap();
        let screen = engine::handle(&content, locale, Input::Text { text: message });
        assert_eq!(screen.shows, Shows::Node(content.emergency()), "{message}");
    }
    assert!(
        buttons_of(&content, "not-breathing").contains(&"children".to_owned()),
        "the emergency page links the children's page"
    );
}
