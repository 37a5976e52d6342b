# Interface strings of overdose-bot, English.
# Variables each message receives are listed in locales/README.md.

button-back = ⬅️ Back
button-home = 🏠 Main menu

footer = 🆘 Emergency: { $numbers }. This bot does not replace a doctor or an ambulance.

notice-menu-updated = This menu has changed since that message was sent. Here is the current main menu.
notice-invalid-button = That button does not work. Here is the main menu.
notice-unknown-link = That link is outdated or wrong. Here is the main menu.
notice-unsupported = { $kind ->
        [voice] I can't listen to voice or video messages.
        [photo] I can't look at photos or videos.
       *[other] I only understand buttons and short text messages.
    } If someone is unresponsive or not breathing, call { $numbers } now. The first steps:

search-found = { $count ->
        [one] One page matches your words:
       *[other] { $count } pages match your words:
    }
search-nothing = I found nothing for those words. Choose from the menu, or try other words, for example: not breathing, naloxone, abscess.

help =
    This bot tells you what to do in an overdose and in other emergencies around drug use: CPR, naloxone, the recovery position, wounds.
    Tap the buttons, or write a few words about what is happening. Nothing you write is stored.
    If someone is unresponsive or not breathing, call { $numbers } first.

about =
    overdose-bot, content version { $version }.
    Last medical review: { $reviewed }.
    { $organisation }: { $contact }
    { $disclaimer }
about-never-reviewed = not yet reviewed by a medical professional

language-prompt = Choose your language:
language-name = English

toast-menu-updated = This menu has changed
toast-invalid-button = This button no longer works

command-start = Main menu: what to do in an overdose
command-help = How this bot works
command-language = Change the language
command-about = Content version, review, disclaimer

inline-open-bot = Open in the bot

console-no-button = There is no button { $number }. Type a button number, /start, or a few words.
