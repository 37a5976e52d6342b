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
notice-photo = I can't look at photos or videos.
notice-untranslated = This page is not translated into English yet; here it is in { $language }.

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
    What the bot keeps, who sees what, and clearing this chat: /privacy
about-never-reviewed = not yet reviewed by a medical professional
privacy =
    What this bot keeps: nothing about you. No list of people, no history of chats, no names. Its logs count screens, never who or what was written. If you ask a doctor, a counter of your questions lives in memory for an hour, under a scrambled number, not your account.
    What Telegram sees: every message, like any chat in Telegram.
    What the doctors see: only what you send them (text, a photo, your voice), never your name, username or profile. What you send stays in their chat.
    To delete this chat: the 🧹 button below deletes its messages of the last 48 hours (Telegram lets a bot delete no older ones); to delete everything, open the chat menu in Telegram and choose "Delete chat" (on a shared phone, also check Archived chats).
command-privacy = What the bot keeps; clear this chat
button-clear-chat = 🧹 Clear this chat
clear-confirm =
    🧹 Clear this chat?
    The bot will delete this chat's messages from the last 48 hours, yours and its own, for you and for the bot. Telegram does not let a bot delete older ones. What you sent to the doctors stays in their chat.
    The emergency instructions go too: /start brings the menu back at any time.
button-clear-yes = 🧹 Yes, clear
button-clear-cancel = ✖️ Cancel
clear-working = 🧹 Clearing this chat…
clear-done = 🧹 Done: the bot has deleted this chat's messages from the last 48 hours.
clear-partial = 🧹 The bot deleted what it could, but some messages may be left: Telegram did not let it finish.
clear-rest =
    To delete the rest, in Telegram: open this chat's menu and choose "Clear history" or "Delete chat" (on a shared phone, also check Archived chats).
    To have messages vanish by themselves, look for "Auto-delete" in the same menu.
toast-clear-private-only = Clearing works only in your private chat with the bot. Nothing was deleted here.

language-prompt = Choose your language:
language-name = English

toast-menu-updated = This menu has changed
toast-invalid-button = This button no longer works

command-start = Main menu: what to do in an overdose
command-help = How this bot works
command-language = Change the language
command-about = Content version, review, disclaimer

inline-open-bot = Open in the bot

group-open-private = 🔒 Open in a private chat
group-off = The bot is off in this group: it will not answer here. An admin can turn it back on with /bot_on. In a private chat with the bot everything works as before.
group-on = The bot is on again in this group. Commands get a short answer here and a button to the whole page in a private chat.
group-admins-only = Only this group's admins can turn the bot off or on.
command-bot-off = Turn the bot off in this group (admins)
command-bot-on = Turn the bot back on in this group (admins)

console-no-button = There is no button { $number }. Type a button number, /start, or a few words.

## The lines ("Ask a doctor", "Ask an outreach worker"). Variables: locales/README.md.
## `$line` is the roster's line: `doctors`, or another (the outreach workers').

handoff-on-duty = { $line ->
        [doctors] 🩺 On duty now: { $doctors }. Your question reaches the doctor without your name, username or profile.
       *[other] 🤝 On duty now: { $doctors }. Your question reaches the outreach worker without your name, username or profile.
    }
handoff-off-hours = { $line ->
        [doctors] 🌙 No doctor is on shift right now; the next shift starts { $next }. You can leave your question now: the team sees it and the doctor answers as soon as they can.
       *[other] 🌙 No outreach worker is on shift right now; the next shift starts { $next }. You can leave your question now: the team sees it and answers as soon as someone can.
    }
handoff-no-shift = { $line ->
        [doctors] 🌙 No doctor is on shift right now. You can leave your question: the team sees it and answers as soon as someone can.
       *[other] 🌙 No outreach worker is on shift right now. You can leave your question: the team sees it and answers as soon as someone can.
    }
handoff-unavailable = { $line ->
        [doctors] The doctors' line is not open in this bot yet. { $organisation }: { $contact }. In an emergency call { $numbers }.
       *[other] This line is not open in this bot yet. { $organisation }: { $contact }. In an emergency call { $numbers }.
    }
button-ask = ✍️ Write your question
handoff-prompt = { $line ->
        [doctors] ✍️ Write your question to the doctor as a reply to this message: text, a photo or a voice message.
            Say what happened, what was taken and how the person is now. The doctor will not see your name or profile.
       *[other] ✍️ Write your question to the outreach worker as a reply to this message: text, a photo or a voice message.
            The outreach worker will not see your name or profile.
    }
    If someone is not breathing or cannot be woken, call { $numbers } now; do not wait for the answer.
handoff-topic = Topic: { $topic }
handoff-taken = { $line ->
        [doctors] 🩺 A doctor on duty has taken your question (case { $case }) and is writing the answer. If someone is not breathing or cannot be woken, call { $numbers } now.
       *[other] 🤝 An outreach worker on duty has taken your question (case { $case }) and is writing the answer. If someone is not breathing or cannot be woken, call { $numbers } now.
    }
feedback-ask = { $line ->
        [doctors] The doctor has closed your question (case { $case }). Did the answer help? Your reply is only counted: nobody sees who answered.
       *[other] The outreach worker has closed your question (case { $case }). Did the answer help? Your reply is only counted: nobody sees who answered.
    }
feedback-thanks = Thank you. It is only counted, anonymously.
button-helped = 👍 Yes, it helped
button-not-helped = 👎 No
button-send-to-doctor = 📨 Send this to the doctor on duty
case-path-media = a photo or voice message sent to the bot, then "Send this to the doctor"
handoff-sent = { $to ->
        [doctor] ✅ Your question is with the doctor on duty.
        [worker] ✅ Your question is with the outreach worker on duty.
        [worker-team] ✅ Your question is with the duty team; an outreach worker will answer as soon as they can.
        [waiting] ✅ Nobody is on shift right now: your question waits for the next shift, which starts { $next }; the duty team may answer sooner.
       *[team] ✅ Your question is with the duty team; a doctor will answer as soon as they can.
    } Case { $case }. The answer will come in this chat. If it gets worse, call { $numbers } now.
handoff-failed = ❌ Your question could not be delivered right now. Contact { $organisation }: { $contact }. If someone is in danger, call { $numbers } now.
handoff-limited = You have sent several questions in the last hour; please wait a few minutes before the next one. In an emergency call { $numbers } now.
handoff-answer = { $line ->
        [doctors] 🩺 Answer from the doctor on duty (case { $case }):
       *[other] 🤝 Answer from the outreach worker on duty (case { $case }):
    }
button-write-back = ✍️ Write back
handoff-followup-prompt = { $line ->
        [doctors] ✍️ Write to the doctor as a reply to this message (case { $case }).
       *[other] ✍️ Write to the outreach worker as a reply to this message (case { $case }).
    }
handoff-followup-sent = { $line ->
        [doctors] ✅ Sent to the doctor (case { $case }).
       *[other] ✅ Sent to the outreach worker (case { $case }).
    }
handoff-expired = { $line ->
        [doctors] This conversation is more than 7 days old and can no longer reach the doctor. Ask a new question from the menu. In an emergency call { $numbers }.
       *[other] This conversation is more than 7 days old and can no longer reach the outreach worker. Ask a new question from the menu. In an emergency call { $numbers }.
    }

## For doctors: case cards and replies (in the roster's language).

case-urgent = 🔴 URGENT: asked from a page about a life-threatening situation, or the message says so. Answer first.
case-card =
    🆕 Case { $case } · language: { $language } · { $time }
    Path: { $path }
    The question follows. Reply to it (or to this card) to answer: the person sees "{ $line ->
        [doctors] the doctor on duty
       *[other] the outreach worker on duty
    }", never your name.
case-status-new = Status: new
case-status-taken = Status: taken by { $doctor } at { $time }
case-status-resolved = Status: resolved by { $doctor } at { $time }
case-coordinator = the coordinator
case-followup = ↪️ Case { $case }: reply to answer
button-take = 🙋 Take
button-resolve = ✅ Resolve
button-reopen = ↩️ Reopen
case-delivered = ✓ Delivered to the person (case { $case }).
case-undelivered-gone = ✗ Not delivered (case { $case }): the person has blocked the bot or deleted the chat.
case-undelivered-error = ✗ Not delivered (case { $case }): Telegram did not accept it. Try again in a minute.
case-expired = This case is more than 7 days old; the bot can no longer reach the person.
case-invalid = This is not a valid case card (it was changed or comes from another bot).
case-not-member = Only the organisation's doctors on the roster can answer cases.
toast-case-reply = Reply to this message to answer the person.
toast-case-taken = Taken
toast-case-resolved = Resolved
toast-case-reopened = Reopened
command-not-member = This command is for the organisation's doctors and coordinators.
command-admins-only = This command is for the organisation's coordinators.
handoff-private-only = { $line ->
        [doctors] Questions to the doctor go only through your private chat with the bot, so nobody else in a group sees them. Open the bot and tap "Ask a doctor" there. In an emergency call { $numbers } now.
       *[other] Questions to the outreach workers go only through your private chat with the bot, so nobody else in a group sees them. Open the bot and ask there. In an emergency call { $numbers } now.
    }
handoff-kind-refused = { $line ->
        [doctors] The doctor can receive text, a photo, a voice or video message, or audio. Other files are not passed on. In an emergency call { $numbers } now.
       *[other] The outreach worker can receive text, a photo, a voice or video message, or audio. Other files are not passed on. In an emergency call { $numbers } now.
    }
handoff-edit-ignored = { $line ->
        [doctors] Edits do not reach the doctor: they have the first version. Send the correction as a new reply.
       *[other] Edits do not reach the outreach worker: they have the first version. Send the correction as a new reply.
    }
case-kind-refused = Only text, photos, voice and video messages and audio are passed on to the person. Send the answer as one of those.
case-path-followup = follow-up to case { $case }, whose doctor is no longer on the roster
case-escalated = ⏰ Not taken for { $minutes } min: passed on to you.
case-returned = ⏰ Taken but not answered for { $minutes } min: back in the pool.
case-reminder = ⏰ Case { $case } is taken and not answered yet. Reply to the question to answer, or tap Resolve. Not answered in { $minutes } min, it goes back to the pool.
case-timers-lost = ⚠️ The bot restarted: { $count } cases lost their escalation or reminder timer. Look through the cards that are still new or taken.
button-companion-stop = ⏹ Stop check-ins
companion-stopped = Check-ins stopped: { $names }. If anything changes, call the emergency numbers below.
companion-none-running = No check-ins are running. If anything changes, call the emergency numbers below.
companion-still-running = Still running: { $names }. ⏹ Stop ends all of them.
companion-ended = The check-ins of “{ $name }” have ended. Stay with the person until help arrives; if breathing gets worse, call again.
companion-unanswered = No answer to “{ $name }” three times, so these check-ins stopped. If the person is still unwell, call the emergency numbers below and stay with them; tap the button again to restart the check-ins.
companion-evicted = ⚠️ The bot is overloaded and had to stop the check-ins of “{ $name }”. If you still need them, tap the button again.
companion-lost = ⚠️ The bot restarted and your check-ins stopped. If you still need them, tap the button again.
timetable-unpublished = The organisation has not published this timetable in the bot yet. Ask { $organisation }: { $contact }.
timetable-now = 🚐 Now: { $place }, { $address }, until { $until }.
timetable-not-now = 🚐 Not out right now.
timetable-later-today = Later today:
timetable-tomorrow = Tomorrow, { $date }:
timetable-none-soon = No stops today or tomorrow.
timetable-cancelled = ❌ cancelled
timetable-cancelled-because = ❌ cancelled: { $note }
timetable-in-minutes = in { $minutes } min
timetable-in-hours = in { $hours } h { $minutes } min
timetable-weekly = Every week:
timetable-zone = Local time ({ $zone }).
day-mon = Mon
day-tue = Tue
day-wed = Wed
day-thu = Thu
day-fri = Fri
day-sat = Sat
day-sun = Sun
case-edit-ignored = Edits are not delivered: the person already has the first version. Send the correction as a new reply to the question.
