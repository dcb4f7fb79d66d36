"""What the console itself says, in English and German (the bot's own words are in
`bot.words`): the console speaks the language it was started in."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flashticket_core.i18n import Language

Say = Callable[..., str]

HELP_EN = """\
Commands (you are one person at a time; everything the bot says is printed):
  as @name                 act as that person (admins: {admins})
  /ticket ...              the slash command, e.g. /ticket Printer on fire, /ticket list
  /ticket-admin ...        e.g. /ticket-admin grant @sam support
  click #3 take            press a button: its handle is shown in [brackets] beside it,
                           e.g. [#3 take] on ticket #3's card; always its newest drawing
  click #3 status 2        in a list [#3 status K], choose option (2) (or its name)
  reply N text             answer in the DM thread of ticket #N (as its reporter);
                           reply N --file PATH text attaches a local file ("quote" a
                           path with spaces)
  edit N text              change your last answer in that thread;  unsend N  delete it
  dm text                  write to the bot in your DM, outside any ticket's thread
  post text                write a message in #general; it gets a number <N>
                           (post #help-it text: in that channel)
  react N                  put the ticket reaction on message <N>: a ticket at once
  shortcut N               "Create ticket" on message <N>: the new-ticket form, filled
  channel [name]           show a channel, each card with its thread: the support
                           channel (the first team's), or #it, #help-it, C…
  dm                       show your direct messages with the bot, threads grouped
  home                     open your App Home (support: queue and key figures)
  clock +2h                move the console's clock on (+30m, +1d, +90s), then run the
                           periodic jobs that are due (reminders, escalations, nudges,
                           auto-close, the morning digest); clock: show it
  away @kim [emoji]        Slack shows @kim away (or with that status emoji, e.g.
                           palm_tree): a team's assignment rule passes them over;
                           back @kim  available again
  help                     this help;  quit  leave (or Ctrl-D; Ctrl-C twice)
In a form, type each field's value when asked (Enter keeps the [default], - empties
an optional field, a number or its name picks an option); `cancel` or Ctrl-C closes
the form. Arrow keys edit the line and go through what you typed before.
Files the bot shares (charts, exports) are saved to {files}.
The workspace (messages, people, the clock) is kept in {state} and comes back with the
next start; `flashticket shell --fresh` starts from nothing."""

HELP_DE = """\
Befehle (Sie sind jeweils eine Person; alles, was der Bot sagt, wird angezeigt):
  as @name                 als diese Person handeln (Administratoren: {admins})
  /ticket ...              der Slash-Befehl, z. B. /ticket Drucker brennt, /ticket liste
  /ticket-admin ...        z. B. /ticket-admin vergeben @sam support
  click #3 take            eine Schaltfläche drücken: ihr Kürzel steht in [Klammern]
                           daneben, z. B. [#3 take] an der Karte von Ticket #3; es gilt
                           immer die zuletzt gezeigte
  click #3 status 2        in einer Liste [#3 status K] Eintrag (2) wählen (oder seinen
                           Namen)
  reply N Text             im DM-Verlauf von Ticket #N antworten (als Melder);
                           reply N --file PFAD Text hängt eine lokale Datei an (einen
                           Pfad mit Leerzeichen in "Anführungszeichen")
  edit N Text              Ihre letzte Antwort dort ändern;  unsend N  sie löschen
  dm Text                  dem Bot in Ihrer DM schreiben, außerhalb eines Ticket-Verlaufs
  post Text                eine Nachricht in #general schreiben; sie bekommt eine Nummer <N>
                           (post #help-it Text: in diesem Kanal)
  react N                  die Ticket-Reaktion an Nachricht <N> setzen: sofort ein Ticket
  shortcut N               „Ticket erstellen“ an Nachricht <N>: das Formular, ausgefüllt
  channel [Name]           einen Kanal zeigen, jede Karte mit ihrem Verlauf: den
                           Support-Kanal (den des ersten Teams) oder #it, #help-it, C…
  dm                       Ihre Direktnachrichten mit dem Bot zeigen, Verläufe gruppiert
  home                     Ihre App-Startseite öffnen (Support: Warteschlange, Kennzahlen)
  clock +2h                die Uhr der Konsole vorstellen (+30m, +1d, +90s) und fällige
                           Aufgaben ausführen (Erinnerungen, Eskalationen, Nachfragen,
                           automatisches Schließen, die Morgenübersicht); clock: anzeigen
  away @kim [Emoji]        Slack zeigt @kim abwesend (oder mit diesem Status-Emoji,
                           z. B. palm_tree): die Zuweisungsregel eines Teams übergeht
                           sie;  back @kim  wieder verfügbar
  help                     diese Hilfe;  quit  beenden (oder Strg-D; zweimal Strg-C)
Im Formular tippen Sie jeden Wert, wenn danach gefragt wird (Enter übernimmt den
[Vorschlag], - leert ein optionales Feld, eine Nummer oder ein Name wählt aus);
`cancel` oder Strg-C schließt das Formular. Mit den Pfeiltasten bearbeiten Sie die
Zeile und holen frühere Eingaben zurück.
Dateien, die der Bot teilt (Diagramme, Exporte), landen in {files}.
Der Arbeitsbereich (Nachrichten, Personen, die Uhr) liegt in {state} und ist beim
nächsten Start wieder da; `flashticket shell --fresh` beginnt von vorn."""

WORDS: dict[str, dict[Language, str]] = {
    "help": {Language.EN: HELP_EN, Language.DE: HELP_DE},
    "welcome": {
        Language.EN: "FlashTicket shell. You are @{name}. Type `help`.",
        Language.DE: "FlashTicket-Konsole. Sie sind @{name}. Tippen Sie `help`.",
    },
    "welcome_back": {
        Language.EN: "(the workspace of your last session is back: {messages} messages; "
        "`flashticket shell --fresh` starts from nothing)",
        Language.DE: "(der Arbeitsbereich Ihrer letzten Sitzung ist wieder da: {messages} "
        "Nachrichten; `flashticket shell --fresh` beginnt von vorn)",
    },
    "pick_person": {
        Language.EN: "[{handle} @name] picks a person: `click {handle} @kim`.",
        Language.DE: "[{handle} @name] wählt eine Person: `click {handle} @kim`.",
    },
    "away_now": {
        Language.EN: "@{name} is away now.",
        Language.DE: "@{name} ist jetzt abwesend.",
    },
    "back_now": {
        Language.EN: "@{name} is back.",
        Language.DE: "@{name} ist wieder da.",
    },
    "away_usage": {
        Language.EN: "Whom? `away @kim`, `away @kim palm_tree` or `back @kim`.",
        Language.DE: "Wen? `away @kim`, `away @kim palm_tree` oder `back @kim`.",
    },
    "now_you_are": {
        Language.EN: "You are now @{name}.",
        Language.DE: "Sie sind jetzt @{name}.",
    },
    "unknown": {
        Language.EN: "Unknown console command `{word}`; type `help`.",
        Language.DE: "Unbekannter Konsolenbefehl `{word}`; tippen Sie `help`.",
    },
    "which_one": {
        Language.EN: "Which one? Use a handle shown in [brackets], e.g. `click #3 take`.",
        Language.DE: "Welche? Nehmen Sie ein Kürzel aus den [Klammern], z. B. `click #3 take`.",
    },
    "pick_option": {
        Language.EN: "[{handle} K] is a list: `click {handle} K` with K from its options.",
        Language.DE: "[{handle} K] ist eine Liste: `click {handle} K`, K aus ihren Einträgen.",
    },
    "no_such_command": {
        Language.EN: "There is no {command} here; try /ticket or /ticket-admin.",
        Language.DE: "{command} gibt es hier nicht; versuchen Sie /ticket oder /ticket-admin.",
    },
    "refused": {
        Language.EN: "(Slack's request was refused by the bot: HTTP {status} {body})",
        Language.DE: "(der Bot hat die Anfrage abgelehnt: HTTP {status} {body})",
    },
    "reply_usage": {
        Language.EN: "Usage: `reply N [--file PATH] text`, as the reporter of ticket #N.",
        Language.DE: "So geht es: `reply N [--file PFAD] Text`, als Melder von Ticket #N.",
    },
    "you_replied": {
        Language.EN: "(you wrote in the thread of #{ticket}) {text}",
        Language.DE: "(Sie haben im Verlauf von #{ticket} geschrieben) {text}",
    },
    "edit_usage": {
        Language.EN: "Usage: `edit N text`, after a `reply N …` of yours.",
        Language.DE: "So geht es: `edit N Text`, nach einem `reply N …` von Ihnen.",
    },
    "you_edited": {
        Language.EN: "(you edited your answer in the thread of #{ticket}) {text}",
        Language.DE: "(Sie haben Ihre Antwort im Verlauf von #{ticket} geändert) {text}",
    },
    "unsend_usage": {
        Language.EN: "Usage: `unsend N`, after a `reply N …` of yours.",
        Language.DE: "So geht es: `unsend N`, nach einem `reply N …` von Ihnen.",
    },
    "you_unsent": {
        Language.EN: "(you deleted your answer in the thread of #{ticket})",
        Language.DE: "(Sie haben Ihre Antwort im Verlauf von #{ticket} gelöscht)",
    },
    "post_usage": {
        Language.EN: "Usage: `post text`, a message in #general (`post #channel text`: there).",
        Language.DE: "So geht es: `post Text`, eine Nachricht in #general "
        "(`post #Kanal Text`: dort).",
    },
    "you_posted": {
        Language.EN: "<{number}> (you wrote in #{channel}) {text}",
        Language.DE: "<{number}> (Sie haben in #{channel} geschrieben) {text}",
    },
    "unknown_channel": {
        Language.EN: "There is no channel `{name}` here; there are {known}.",
        Language.DE: "Einen Kanal `{name}` gibt es hier nicht; es gibt {known}.",
    },
    "you_wrote_dm": {
        Language.EN: "(you wrote to the bot) {text}",
        Language.DE: "(Sie haben dem Bot geschrieben) {text}",
    },
    "posted_usage": {
        Language.EN: "Usage: `{usage} N`, N the number `post` gave a message.",
        Language.DE: "So geht es: `{usage} N`, N die Nummer, die `post` einer Nachricht gab.",
    },
    "reactions_off": {
        Language.EN: "Reactions are off (FLASHTICKET_TICKET_EMOJI is empty).",
        Language.DE: "Reaktionen sind aus (FLASHTICKET_TICKET_EMOJI ist leer).",
    },
    "you_reacted": {
        Language.EN: "(you reacted :{emoji}: to <{number}>)",
        Language.DE: "(Sie haben mit :{emoji}: auf <{number}> reagiert)",
    },
    "cannot_read": {
        Language.EN: "(cannot read {path}: {reason})",
        Language.DE: "({path} lässt sich nicht lesen: {reason})",
    },
    "clock_real": {
        Language.EN: "This console's clock is the real one; it cannot move.",
        Language.DE: "Diese Konsole geht nach der echten Uhr; sie lässt sich nicht vorstellen.",
    },
    "clock_usage": {
        Language.EN: "Usage: clock +2h (or +30m, +1d, +90s).",
        Language.DE: "So geht es: clock +2h (oder +30m, +1d, +90s).",
    },
    "clock_format": {
        Language.EN: "{now:%a %Y-%m-%d %H:%M}",
        Language.DE: "{now:%d.%m.%Y %H:%M}",
    },
    "clock_now": {
        Language.EN: "It is now {now} ({zone}).",
        Language.DE: "Es ist jetzt {now} ({zone}).",
    },
    "cancelled": {
        Language.EN: "(cancelled; Ctrl-C again or `quit` leaves)",
        Language.DE: "(abgebrochen; noch einmal Strg-C oder `quit` beendet)",
    },
    "goodbye": {Language.EN: "Bye.", Language.DE: "Auf Wiedersehen."},
    # Where things are shown.
    "only_you": {Language.EN: "(only you see this)", Language.DE: "(nur Sie sehen das)"},
    "edited": {Language.EN: "✎ message edited", Language.DE: "✎ Nachricht geändert"},
    "deleted": {Language.EN: "a message was deleted", Language.DE: "eine Nachricht wurde gelöscht"},
    "nothing_yet": {Language.EN: "nothing yet", Language.DE: "noch nichts"},
    "app_home": {Language.EN: "[App Home]", Language.DE: "[App-Startseite]"},
    "saved": {Language.EN: "saved {name} → {path}", Language.DE: "gespeichert {name} → {path}"},
    "not_saved": {
        Language.EN: "📎 {name} (not saved: {reason})",
        Language.DE: "📎 {name} (nicht gespeichert: {reason})",
    },
    # Slack's own form, as Slack words it in each language.
    "form": {Language.EN: "┌ form: {title}", Language.DE: "┌ Formular: {title}"},
    "form_closed": {Language.EN: "└ form closed", Language.DE: "└ Formular geschlossen"},
    "optional": {Language.EN: " (optional)", Language.DE: " (optional)"},
    "required": {
        Language.EN: "│ ! This field is required.",
        Language.DE: "│ ! Dieses Feld ist erforderlich.",
    },
    "too_long": {
        Language.EN: "│ ! At most {most} characters here (you typed {typed}).",
        Language.DE: "│ ! Hier höchstens {most} Zeichen (Sie haben {typed} getippt).",
    },
    "too_short": {
        Language.EN: "│ ! At least {least} characters here.",
        Language.DE: "│ ! Hier mindestens {least} Zeichen.",
    },
    "files_prompt": {
        Language.EN: "│ {label} (paths, at most {most}; optional) []: ",
        Language.DE: "│ {label} (Pfade, höchstens {most}; optional) []: ",
    },
    "too_many_files": {
        Language.EN: "│ ! At most {most} files here.",
        Language.DE: "│ ! Hier höchstens {most} Dateien.",
    },
    "file_unreadable": {
        Language.EN: "│ ! A file could not be read; name files that exist.",
        Language.DE: "│ ! Eine Datei ließ sich nicht lesen; nennen Sie vorhandene Dateien.",
    },
    "people_prompt": {
        Language.EN: "│ {label}{optional} (names: @ana @ben) []: ",
        Language.DE: "│ {label}{optional} (Namen: @ana @ben) []: ",
    },
    "too_many_people": {
        Language.EN: "│ ! At most {most} people here.",
        Language.DE: "│ ! Hier höchstens {most} Personen.",
    },
    "pick_one": {
        Language.EN: "│ ! Pick one of {choices} (a number or its name), or cancel.",
        Language.DE: "│ ! Wählen Sie eines von {choices} (Nummer oder Name) oder cancel.",
    },
}


def words_for(lang: Language) -> Say:
    """The console's words in `lang`, filled in with the keyword arguments given."""

    def say(key: str, **values: Any) -> str:
        return WORDS[key][lang].format(**values)

    return say
