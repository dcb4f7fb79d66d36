"""The answers to `/ticket`: lists, a ticket shown with its history, the help,
the usage and what a person is told when a command goes wrong."""

from __future__ import annotations

from flashticket_core.i18n import Language

WORDS: dict[str, dict[Language, str]] = {
    "bot.list.mine.title": {
        Language.EN: "Your open tickets ({total})",
        Language.DE: "Ihre offenen Tickets ({total})",
    },
    "bot.list.queue.title": {
        Language.EN: "Open queue ({total})",
        Language.DE: "Offene Tickets ({total})",
    },
    "bot.list.empty": {Language.EN: "Nothing open. :tada:", Language.DE: "Nichts offen. :tada:"},
    "bot.list.more": {
        Language.EN: "…and {count} more.",
        Language.DE: "…und {count} weitere.",
    },
    # A list longer than a page: where the person is and how to go on.
    "bot.list.page": {
        Language.EN: "Page {page} of {pages}.",
        Language.DE: "Seite {page} von {pages}.",
    },
    "bot.list.next": {
        Language.EN: "…and {count} more: `{command}`",
        Language.DE: "…und {count} weitere: `{command}`",
    },
    "bot.list.next.all": {
        Language.EN: "/ticket list page {page}",
        Language.DE: "/ticket liste seite {page}",
    },
    "bot.list.next.mine": {
        Language.EN: "/ticket list mine page {page}",
        Language.DE: "/ticket liste meine seite {page}",
    },
    # A list narrowed by filters (`/ticket list team:it status:new`): its title names them.
    "bot.list.filtered.title": {
        Language.EN: "Tickets {filters} ({total})",
        Language.DE: "Tickets {filters} ({total})",
    },
    "bot.list.next.filtered": {
        Language.EN: "/ticket list {filters} page {page}",
        Language.DE: "/ticket liste {filters} seite {page}",
    },
    # What the list takes, under a word it does not.
    "bot.list.filters": {
        Language.EN: (
            "Filters, any of them together: `team:&lt;id&gt;` ({teams}), "
            "`status:new|in-progress|waiting|resolved|closed`, `priority:high|medium|low`, "
            "`mine`, `unassigned`, `field:&lt;id&gt;=&lt;value&gt;` (a value with spaces in "
            "quotes); e.g. `/ticket list status:new page 2`."
        ),
        Language.DE: (
            "Eingrenzen, auch kombiniert, mit: `team:&lt;Kürzel&gt;` ({teams}), "
            "`status:neu|in-bearbeitung|wartet|gelöst|geschlossen`, "
            "`priorität:hoch|mittel|niedrig`, `meine`, `unzugewiesen`, "
            "`field:&lt;Kürzel&gt;=&lt;Wert&gt;` (ein Wert mit Leerzeichen in Anführungszeichen); "
            "z. B. `/ticket liste status:neu seite 2`."
        ),
    },
    "bot.list.field": {
        Language.EN: "`{word}`: a field filter is written `field:&lt;id&gt;=&lt;value&gt;`, "
        "at most {most} in a list.",
        Language.DE: "`{word}`: ein Feld grenzt man mit `field:&lt;Kürzel&gt;=&lt;Wert&gt;` ein, "
        "höchstens {most} pro Liste.",
    },
    "bot.list.twice": {
        Language.EN: "`{word}`: each filter goes into a list once.",
        Language.DE: "`{word}`: jede Angabe nur einmal pro Liste.",
    },
    "bot.list.unknown.team": {
        Language.EN: "There is no team `{value}`.{suggestion} The teams: {accepted}.",
        Language.DE: "Ein Team `{value}` gibt es nicht.{suggestion} Die Teams: {accepted}.",
    },
    "bot.list.unknown.status": {
        Language.EN: "There is no status `{value}`.{suggestion} The statuses: {accepted}.",
        Language.DE: "Einen Status `{value}` gibt es nicht.{suggestion} Die Status: {accepted}.",
    },
    "bot.list.unknown.priority": {
        Language.EN: "There is no priority `{value}`.{suggestion} The priorities: {accepted}.",
        Language.DE: (
            "Eine Priorität `{value}` gibt es nicht.{suggestion} Die Prioritäten: {accepted}."
        ),
    },
    "bot.list.no_page": {
        Language.EN: "There is no page {page}: the list has {pages}.",
        Language.DE: "Eine Seite {page} gibt es nicht: die Liste hat {pages}.",
    },
    "bot.list.line": {
        Language.EN: "*#{ticket_id}* {title} · {status} · {priority}{assignee}",
        Language.DE: "*#{ticket_id}* {title} · {status} · {priority}{assignee}",
    },
    "bot.search.title": {
        Language.EN: "Search “{query}”: {count} found",
        Language.DE: "Suche „{query}“: {count} gefunden",
    },
    "bot.show.description": {Language.EN: "Description", Language.DE: "Beschreibung"},
    "bot.show.conversation": {Language.EN: "Conversation", Language.DE: "Verlauf"},
    "bot.show.history": {Language.EN: "History", Language.DE: "Änderungen"},
    "bot.show.none": {Language.EN: "(none)", Language.DE: "(keine)"},
    "bot.show.change": {
        Language.EN: "{at} {actor} {field}: {old} → {new}",
        Language.DE: "{at} {actor} {field}: {old} → {new}",
    },
    "bot.history.created": {Language.EN: "Opened", Language.DE: "Eröffnet"},
    "bot.history.reporter": {Language.EN: "Reporter", Language.DE: "Anwender"},
    "bot.history.status": {Language.EN: "Status", Language.DE: "Status"},
    "bot.history.priority": {Language.EN: "Priority", Language.DE: "Priorität"},
    "bot.history.assignee": {Language.EN: "Assignee", Language.DE: "Bearbeiter"},
    "bot.history.deleted": {Language.EN: "Deleted", Language.DE: "Gelöscht"},
    "bot.history.entry_edited": {
        Language.EN: "Message edited",
        Language.DE: "Nachricht bearbeitet",
    },
    "bot.history.entry_withdrawn": {
        Language.EN: "Message withdrawn",
        Language.DE: "Nachricht zurückgezogen",
    },
    "bot.history.rating": {Language.EN: "Rating", Language.DE: "Bewertung"},
    "bot.history.withdrawn": {
        Language.EN: "Withdrawn by its reporter",
        Language.DE: "Vom Anwender zurückgezogen",
    },
    "bot.history.approved": {Language.EN: "Approved", Language.DE: "Freigegeben"},
    "bot.history.rejected": {Language.EN: "Rejected", Language.DE: "Abgelehnt"},
    "bot.history.other": {Language.EN: "Changed", Language.DE: "Geändert"},
    "bot.show.files": {Language.EN: "Files", Language.DE: "Dateien"},
    "bot.show.file.to_support": {
        Language.EN: "{at} <@{author}> to support: {name} ({size})",
        Language.DE: "{at} <@{author}> an den Support: {name} ({size})",
    },
    "bot.show.file.to_reporter": {
        Language.EN: "{at} <@{author}> to the reporter: {name} ({size})",
        Language.DE: "{at} <@{author}> an den Anwender: {name} ({size})",
    },
    "bot.show.entry": {
        Language.EN: "{at} {kind} <@{author}>: {text}",
        Language.DE: "{at} {kind} <@{author}>: {text}",
    },
    "bot.show.withdrawn": {
        Language.EN: " _(withdrawn by its author)_",
        Language.DE: " _(vom Verfasser zurückgezogen)_",
    },
    "bot.show.more": {
        Language.EN: "…{count} earlier lines not shown.",
        Language.DE: "…{count} frühere Zeilen nicht angezeigt.",
    },
    "bot.help": {
        Language.EN: (
            "*FlashTicket help*\n"
            "`/ticket` open a new ticket (`/ticket &lt;title&gt;` fills in the title)\n"
            "`/ticket list` your open tickets (support: the open queue; `list mine`: yours), "
            "`list page 2` the next 20; filters, together as you like: `team:&lt;id&gt;`, "
            "`status:new` (`in-progress`, `waiting`, `resolved`, `closed`), "
            "`priority:high` (`medium`, `low`), `unassigned`\n"
            "`/ticket show &lt;id&gt;` one ticket with its conversation and history\n"
            "`/ticket search &lt;words&gt;` find tickets (`word*` for words that begin so; "
            "`field:&lt;id&gt;=&lt;value&gt;` for a field's value)\n"
            "`/ticket stats [team] [days]` statistics, of one team or all (support)\n"
            "`/ticket help` this help\n"
            "Reply in the thread of your ticket's DM to add information."
        ),
        Language.DE: (
            "*FlashTicket-Hilfe*\n"
            "`/ticket` neues Ticket eröffnen (`/ticket &lt;Titel&gt;` füllt den Titel aus)\n"
            "`/ticket liste` Ihre offenen Tickets (Support: alle offenen; `liste meine`: Ihre), "
            "`liste seite 2` die nächsten 20; eingrenzen, auch kombiniert: `team:&lt;Kürzel&gt;`, "
            "`status:neu` (`in-bearbeitung`, `wartet`, `gelöst`, `geschlossen`), "
            "`priorität:hoch` (`mittel`, `niedrig`), `unzugewiesen`\n"
            "`/ticket zeige &lt;Nr&gt;` ein Ticket mit Verlauf und Änderungen\n"
            "`/ticket suche &lt;Wörter&gt;` Tickets suchen (`wort*` für Wortanfänge; "
            "`field:&lt;Kürzel&gt;=&lt;Wert&gt;` für den Wert eines Feldes)\n"
            "`/ticket statistik [Team] [Tage]` Statistik, eines Teams oder aller (Support)\n"
            "`/ticket hilfe` diese Hilfe\n"
            "Die englischen Wörter (`list`, `show`, `search`, `stats`, `help`, `mine`, `page`, "
            "`priority:high`, `status:new`, `unassigned`) gehen auch.\n"
            "Antworten Sie im Thread der DM zu Ihrem Ticket, um etwas zu ergänzen."
        ),
    },
    "bot.admin.help": {
        Language.EN: (
            "*FlashTicket administration*\n"
            "`/ticket-admin grant @person user|support|admin`\n"
            "`/ticket-admin revoke @person`\n"
            "`/ticket-admin grant @person support &lt;team&gt;` support in one team\n"
            "`/ticket-admin revoke @person &lt;team&gt;` takes that back\n"
            "`/ticket-admin roles` who is support or admin\n"
            "`/ticket-admin outbox [retry]` undelivered messages, and retrying them\n"
            "`/ticket-admin delete &lt;id&gt;` delete a ticket\n"
            "`/ticket-admin export [from] [to]` every ticket as CSV (dates YYYY-MM-DD)\n"
            "`/ticket-admin teams` the teams, their members and request types\n"
            "`/ticket-admin replies add &lt;team&gt; &lt;title&gt; | &lt;text&gt;`, "
            "`replies list [team]`, `replies remove &lt;id&gt;` saved replies"
        ),
        Language.DE: (
            "*FlashTicket-Verwaltung*\n"
            "`/ticket-admin vergeben @Person anwender|support|admin` eine Rolle vergeben\n"
            "`/ticket-admin entziehen @Person` zurück zu Anwender\n"
            "`/ticket-admin vergeben @Person support &lt;Team&gt;` Support in einem Team\n"
            "`/ticket-admin entziehen @Person &lt;Team&gt;` nimmt das zurück\n"
            "`/ticket-admin rollen` wer Support oder Administrator ist\n"
            "`/ticket-admin postausgang [wiederholen]` nicht zugestellte Nachrichten, "
            "und neu versuchen\n"
            "`/ticket-admin löschen &lt;Nr&gt;` ein Ticket löschen\n"
            "`/ticket-admin export [von] [bis]` alle Tickets als CSV (Daten JJJJ-MM-TT)\n"
            "`/ticket-admin teams` die Teams, ihre Mitglieder und Anfragearten\n"
            "`/ticket-admin textbausteine hinzufügen &lt;Team&gt; &lt;Titel&gt; | &lt;Text&gt;`, "
            "`textbausteine liste [Team]`, `textbausteine entfernen &lt;Nr&gt;` Textbausteine\n"
            "Die englischen Wörter (`grant`, `revoke`, `roles`, `outbox`, `delete`, `replies`) "
            "gehen auch."
        ),
    },
    # Added to the help: how a message becomes a ticket (the reaction only when it is on).
    "bot.help.shortcut": {
        Language.EN: "On any message: ⋮ → *Create ticket* opens the new-ticket form filled in from it.",
        Language.DE: "An jeder Nachricht: ⋮ → *Create ticket* öffnet das Formular für ein neues Ticket, mit ihrem Text ausgefüllt.",
    },
    "bot.help.reaction": {
        Language.EN: "React with :{emoji}: to a message to make it a ticket at once.",
        Language.DE: "Reagieren Sie mit :{emoji}: auf eine Nachricht, um sofort ein Ticket daraus zu machen.",
    },
    "bot.unknown_subcommand": {
        Language.EN: "I do not know `{word}`.{suggestion}",
        Language.DE: "`{word}` kenne ich nicht.{suggestion}",
    },
    "bot.did_you_mean": {
        Language.EN: " Did you mean `{suggestion}`?",
        Language.DE: " Meinten Sie `{suggestion}`?",
    },
    "bot.admin.pick_person": {
        Language.EN: (
            "Slack sent “{name}” as plain text, so it is not clear who is meant. Type `@` and "
            "pick the person from Slack's list (their name turns blue), then send the command."
        ),
        Language.DE: (
            "Slack hat „{name}“ als bloßen Text geschickt, daher ist nicht klar, wer gemeint ist. "
            "Tippen Sie `@` und wählen Sie die Person aus Slacks Liste (der Name wird blau), "
            "dann senden Sie den Befehl."
        ),
    },
    "bot.usage": {
        Language.EN: "Usage: `{usage}`",
        Language.DE: "Verwendung: `{usage}`",
    },
    # Plain text: `bot.usage` escapes them.
    "bot.usage.show": {Language.EN: "/ticket show <id>", Language.DE: "/ticket zeige <Nr>"},
    "bot.usage.list": {
        Language.EN: "/ticket list [mine] [page <n>]",
        Language.DE: "/ticket liste [meine] [seite <n>]",
    },
    "bot.usage.stats": {
        Language.EN: "/ticket stats [team] [days]",
        Language.DE: "/ticket statistik [Team] [Tage]",
    },
    "bot.usage.grant": {
        Language.EN: "/ticket-admin grant @person user|support|admin, or grant @person support <team>",
        Language.DE: (
            "/ticket-admin vergeben @Person anwender|support|admin, "
            "oder vergeben @Person support <Team>"
        ),
    },
    "bot.usage.revoke": {
        Language.EN: "/ticket-admin revoke @person [<team>]",
        Language.DE: "/ticket-admin entziehen @Person [<Team>]",
    },
    "bot.usage.delete": {
        Language.EN: "/ticket-admin delete <id>",
        Language.DE: "/ticket-admin löschen <Nr>",
    },
    "bot.deleted": {
        Language.EN: "Ticket *#{ticket_id}* is deleted.",
        Language.DE: "Ticket *#{ticket_id}* ist gelöscht.",
    },
    "bot.oops": {
        Language.EN: "Sorry, something went wrong on our side. Please try again; if it keeps failing, tell an admin the error id `{error_id}`.",
        Language.DE: "Entschuldigung, bei uns ist etwas schiefgegangen. Bitte versuchen Sie es erneut; falls es wieder nicht klappt, nennen Sie einem Administrator die Fehler-ID `{error_id}`.",
    },
    "bot.stale_payload": {
        Language.EN: "This button belongs to an old message and no longer works. Use `/ticket show &lt;id&gt;`.",
        Language.DE: "Dieser Knopf gehört zu einer alten Nachricht und funktioniert nicht mehr. Nutzen Sie `/ticket show &lt;Nr&gt;`.",
    },
    "bot.list.more.one": {
        Language.EN: "…and 1 more.",
        Language.DE: "…und 1 weiteres.",
    },
    "bot.show.more.one": {
        Language.EN: "…1 earlier line not shown.",
        Language.DE: "…1 frühere Zeile nicht angezeigt.",
    },
}
