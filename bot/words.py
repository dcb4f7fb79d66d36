"""What the Slack bot says, in English and German: modals, the ticket card, thread and
DM messages, command answers and App Home.

The bot's words carry Slack mrkdwn (`*bold*`, `<@…>` mentions, backticks), so they live
in the adapter; the core's catalog stays plain text. `translate` looks here first and
falls back to the core's catalog for the words the bot reuses (status, priority and role
labels, chart titles, the core's error messages).
"""

from __future__ import annotations

from typing import Any

from flashticket_core import i18n
from flashticket_core.i18n import Language

CATALOG: dict[str, dict[Language, str]] = {
    "bot.modal.new.title": {Language.EN: "New ticket", Language.DE: "Neues Ticket"},
    "bot.modal.submit": {Language.EN: "Submit", Language.DE: "Absenden"},
    "bot.modal.cancel": {Language.EN: "Cancel", Language.DE: "Abbrechen"},
    "bot.field.title": {Language.EN: "Title", Language.DE: "Titel"},
    "bot.field.title.hint": {
        Language.EN: "What is wrong, in a few words",
        Language.DE: "Was ist das Problem, in wenigen Worten",
    },
    "bot.field.description": {Language.EN: "Description", Language.DE: "Beschreibung"},
    "bot.field.description.hint": {
        Language.EN: "What happened, since when, what you tried",
        Language.DE: "Was ist passiert, seit wann, was haben Sie versucht",
    },
    "bot.field.priority": {Language.EN: "Priority", Language.DE: "Priorität"},
    "bot.modal.reply.title": {Language.EN: "Reply to reporter", Language.DE: "Antwort an Anwender"},
    "bot.modal.note.title": {Language.EN: "Internal note", Language.DE: "Interne Notiz"},
    "bot.modal.send": {Language.EN: "Send", Language.DE: "Senden"},
    "bot.field.files": {
        Language.EN: "Files for the reporter",
        Language.DE: "Dateien für den Anwender",
    },
    "bot.field.reply": {
        Language.EN: "Reply for #{ticket_id} (the reporter sees it)",
        Language.DE: "Antwort zu #{ticket_id} (der Anwender sieht sie)",
    },
    "bot.field.note": {
        Language.EN: "Note for #{ticket_id} (support only)",
        Language.DE: "Notiz zu #{ticket_id} (nur Support)",
    },
    "bot.card.status": {Language.EN: "Status", Language.DE: "Status"},
    "bot.card.priority": {Language.EN: "Priority", Language.DE: "Priorität"},
    "bot.card.reporter": {Language.EN: "Reporter", Language.DE: "Anwender"},
    "bot.card.assignee": {Language.EN: "Assignee", Language.DE: "Bearbeiter"},
    "bot.card.nobody": {Language.EN: "nobody yet", Language.DE: "noch niemand"},
    "bot.card.deleted": {
        Language.EN: "Ticket #{ticket_id} was deleted by <@{actor}>.",
        Language.DE: "Ticket #{ticket_id} wurde von <@{actor}> gelöscht.",
    },
    "bot.card.fallback": {
        Language.EN: "Ticket #{ticket_id}: {title} ({status})",
        Language.DE: "Ticket #{ticket_id}: {title} ({status})",
    },
    "bot.button.take": {Language.EN: "Take it", Language.DE: "Übernehmen"},
    "bot.button.reply": {Language.EN: "Reply to reporter", Language.DE: "Antworten"},
    "bot.button.note": {Language.EN: "Internal note", Language.DE: "Interne Notiz"},
    "bot.select.status": {Language.EN: "Change status", Language.DE: "Status ändern"},
    "bot.select.priority": {Language.EN: "Change priority", Language.DE: "Priorität ändern"},
    "bot.dm.root": {
        Language.EN: (
            "Thanks! Your ticket *#{ticket_id}* “{title}” has been received. "
            "Every update arrives in this thread; reply here to add information."
        ),
        Language.DE: (
            "Danke! Ihr Ticket *#{ticket_id}* „{title}“ ist eingegangen. "
            "Alle Neuigkeiten kommen in diesen Thread; antworten Sie hier, um etwas zu ergänzen."
        ),
    },
    "bot.dm.opened_for": {
        Language.EN: (
            "<@{actor}> opened ticket *#{ticket_id}* for you from {message}{where}. "
            "Every update arrives in this thread; reply here to add information. "
            "If you do not want this ticket, withdraw it."
        ),
        Language.DE: (
            "<@{actor}> hat Ticket *#{ticket_id}* für Sie aus {message}{where} eröffnet. "
            "Alle Neuigkeiten kommen in diesen Thread; antworten Sie hier, um etwas zu "
            "ergänzen. Wollen Sie dieses Ticket nicht, ziehen Sie es zurück."
        ),
    },
    "bot.dm.opened_for.your_message_link": {
        Language.EN: "<{link}|your message>",
        Language.DE: "<{link}|Ihrer Nachricht>",
    },
    "bot.dm.opened_for.your_message": {
        Language.EN: "your message",
        Language.DE: "Ihrer Nachricht",
    },
    "bot.dm.opened_for.in_channel": {
        Language.EN: " in <#{channel}>",
        Language.DE: " in <#{channel}>",
    },
    "bot.dm.opened_for.in_dm": {
        Language.EN: " in a direct message",
        Language.DE: " in einer Direktnachricht",
    },
    "bot.reporter.withdraw": {Language.EN: "Withdraw", Language.DE: "Zurückziehen"},
    "bot.reporter.withdraw.confirm_title": {
        Language.EN: "Withdraw #{ticket_id}?",
        Language.DE: "#{ticket_id} zurückziehen?",
    },
    "bot.reporter.withdraw.confirm_text": {
        Language.EN: "The ticket is closed and support is told that you withdrew it.",
        Language.DE: "Das Ticket wird geschlossen, und der Support erfährt, dass Sie es zurückgezogen haben.",
    },
    "bot.reporter.withdraw.deny": {Language.EN: "Keep it", Language.DE: "Behalten"},
    "bot.dm.status_withdrawn": {
        Language.EN: "You withdrew *#{ticket_id}*: it is closed, and support has been told.",
        Language.DE: "Sie haben *#{ticket_id}* zurückgezogen: Es ist geschlossen, und der Support weiß Bescheid.",
    },
    "bot.thread.ticket_withdrawn": {
        Language.EN: (
            "<@{actor}> withdrew *#{ticket_id}*: someone else had opened it in their name. "
            "It is closed."
        ),
        Language.DE: (
            "<@{actor}> hat *#{ticket_id}* zurückgezogen (jemand anderes hatte es für "
            "<@{actor}> eröffnet). Es ist geschlossen."
        ),
    },
    "bot.dm.status": {
        Language.EN: "<@{actor}> changed the status of *#{ticket_id}*: {old} → *{new}*",
        Language.DE: "<@{actor}> hat den Status von *#{ticket_id}* geändert: {old} → *{new}*",
    },
    "bot.dm.status_waiting_resolve": {
        Language.EN: "*#{ticket_id}* was resolved by itself: it waited for your answer, "
        "and none came. If you still need help, reopen it or reply here.",
        Language.DE: "*#{ticket_id}* wurde automatisch gelöst, weil keine Antwort von Ihnen "
        "kam. Falls Sie noch Hilfe brauchen, öffnen Sie es wieder oder antworten Sie hier.",
    },
    "bot.dm.status_auto_close": {
        Language.EN: "*#{ticket_id}* was closed by itself, a while after it was resolved. "
        "If you still need help, reopen it.",
        Language.DE: "*#{ticket_id}* wurde automatisch geschlossen, da es seit einiger Zeit "
        "gelöst ist. Falls Sie noch Hilfe brauchen, öffnen Sie es wieder.",
    },
    "bot.dm.waiting_nudge": {
        Language.EN: "*#{ticket_id}* is waiting for your answer: reply in this thread so "
        "support can go on.",
        Language.DE: "*#{ticket_id}* wartet auf Ihre Antwort: Bitte antworten Sie in diesem "
        "Thread, damit der Support weiterarbeiten kann.",
    },
    "bot.dm.waiting_nudge_resolve": {
        Language.EN: " Without an answer it is resolved in {after}.",
        Language.DE: " Kommt keine Antwort, wird es automatisch gelöst (Frist: {after}).",
    },
    "bot.sla.first_response": {Language.EN: "first response", Language.DE: "Erstreaktion"},
    "bot.sla.resolution": {Language.EN: "resolution", Language.DE: "Lösung"},
    "bot.sla.warning": {
        Language.EN: ":hourglass_flowing_sand: *#{ticket_id}* {title}: the {target} "
        "target ({length}) is due {due}.",
        Language.DE: ":hourglass_flowing_sand: *#{ticket_id}* {title}: {target} fällig bis "
        "{due} (Ziel: {length}).",
    },
    "bot.sla.breach": {
        Language.EN: ":rotating_light: *#{ticket_id}* {title} missed its {target} target "
        "({length}, due {due}) by {late}.",
        Language.DE: ":rotating_light: *#{ticket_id}* {title} hat das Ziel für die {target} "
        "({length}, fällig {due}) um {late} verfehlt.",
    },
    "bot.sla.breaches": {
        Language.EN: ":rotating_light: {count} targets missed:",
        Language.DE: ":rotating_light: {count} Ziele verfehlt:",
    },
    "bot.sla.breach_line": {
        Language.EN: "• *#{ticket_id}* {title}: {target} ({length}, due {due}) missed by {late}.",
        Language.DE: "• *#{ticket_id}* {title}: {target} ({length}, fällig {due}) um {late} "
        "verfehlt.",
    },
    "bot.sla.warnings": {
        Language.EN: ":hourglass_flowing_sand: {count} targets due soon:",
        Language.DE: ":hourglass_flowing_sand: {count} Ziele bald fällig:",
    },
    "bot.sla.warning_line": {
        Language.EN: "• *#{ticket_id}* {title}: {target} ({length}) due {due}.",
        Language.DE: "• *#{ticket_id}* {title}: {target} fällig bis {due} (Ziel: {length}).",
    },
    "bot.due.running": {Language.EN: "{target} due {due}", Language.DE: "{target} bis {due}"},
    "bot.due.missed": {
        Language.EN: ":rotating_light: {target} missed (due {due})",
        Language.DE: ":rotating_light: {target} verfehlt (fällig {due})",
    },
    "bot.due.missed_plain": {
        Language.EN: ":rotating_light: {target} missed",
        Language.DE: ":rotating_light: {target} verfehlt",
    },
    "bot.due.missed_by": {
        Language.EN: ":rotating_light: {target} missed by {late}",
        Language.DE: ":rotating_light: {target} um {late} verfehlt",
    },
    "bot.due.paused": {
        Language.EN: "{target} paused while waiting",
        Language.DE: "{target} pausiert, solange es wartet",
    },
    "bot.sla.card_link": {
        Language.EN: " <{url}|Open the card>",
        Language.DE: " <{url}|Zur Karte>",
    },
    "bot.dm.support_reply": {
        Language.EN: "*Support reply* from <@{actor}>{part}:\n{text}",
        Language.DE: "*Support-Rückmeldung* von <@{actor}>{part}:\n{text}",
    },
    "bot.thread.reporter_reply": {
        Language.EN: "<@{actor}> (reporter) wrote{part}:\n{text}",
        Language.DE: "<@{actor}> (Anwender) schreibt{part}:\n{text}",
    },
    "bot.thread.support_reply": {
        Language.EN: "<@{actor}> replied to the reporter{part}:\n{text}",
        Language.DE: "<@{actor}> hat dem Anwender geantwortet{part}:\n{text}",
    },
    "bot.thread.internal_note": {
        Language.EN: ":lock: Internal note by <@{actor}>{part}:\n{text}",
        Language.DE: ":lock: Interne Notiz von <@{actor}>{part}:\n{text}",
    },
    "bot.thread.rated": {
        Language.EN: "<@{actor}> rated the support {rating}/5.",
        Language.DE: "<@{actor}> hat den Support mit {rating}/5 bewertet.",
    },
    "bot.thread.withdrawn": {
        Language.EN: "_<@{actor}> withdrew this reply. What it said is kept in the ticket's history._",
        Language.DE: "_<@{actor}> hat diese Antwort zurückgezogen. Der ursprüngliche Text bleibt in den Änderungen des Tickets erhalten._",
    },
    "bot.thread.deleted": {
        Language.EN: "<@{actor}> deleted this ticket.",
        Language.DE: "<@{actor}> hat dieses Ticket gelöscht.",
    },
    # Changes support did not make, told in the card's thread (an edit of the card alone
    # notifies nobody), and to the ticket's assignee by DM.
    "bot.thread.reopened": {
        Language.EN: "<@{actor}> (reporter) reopened *#{ticket_id}*: {old} → *{new}*",
        Language.DE: "<@{actor}> (Anwender) hat *#{ticket_id}* wieder geöffnet: {old} → *{new}*",
    },
    "bot.thread.status_waiting_resolve": {
        Language.EN: "*#{ticket_id}* was resolved by itself: the reporter did not answer "
        "while it waited.",
        Language.DE: "*#{ticket_id}* wurde von selbst gelöst: Der Anwender hat während der "
        "Wartezeit nicht geantwortet.",
    },
    "bot.thread.status_auto_close": {
        Language.EN: "*#{ticket_id}* was closed by itself, a while after it was resolved.",
        Language.DE: "*#{ticket_id}* wurde von selbst geschlossen, eine Weile nachdem es "
        "gelöst wurde.",
    },
    "bot.thread.late_answer": {
        Language.EN: "<@{actor}> (reporter) wrote on *#{ticket_id}* (status: *{status}*). "
        "Reopen it if they still need help.",
        Language.DE: "<@{actor}> (Anwender) hat zu *#{ticket_id}* geschrieben (Status: "
        "*{status}*). Öffnen Sie es wieder, wenn noch Hilfe nötig ist.",
    },
    "bot.thread.took_over": {
        Language.EN: "<@{actor}> took *#{ticket_id}* over from <@{old}>.",
        Language.DE: "<@{actor}> hat *#{ticket_id}* von <@{old}> übernommen.",
    },
    "bot.thread.unassigned": {
        Language.EN: "<@{actor}> took <@{old}> off *#{ticket_id}*; nobody holds it now.",
        Language.DE: "<@{actor}> hat <@{old}> von *#{ticket_id}* abgezogen; niemand "
        "bearbeitet es jetzt.",
    },
    "bot.thread.reassigned": {
        Language.EN: "<@{actor}> gave *#{ticket_id}* from <@{old}> to <@{new}>.",
        Language.DE: "<@{actor}> hat *#{ticket_id}* von <@{old}> an <@{new}> übergeben.",
    },
    "bot.person.about": {
        Language.EN: "*#{ticket_id}* “{title}”, which you hold: {text}",
        Language.DE: "*#{ticket_id}* „{title}“, das Sie bearbeiten: {text}",
    },
    "bot.person.took_over": {
        Language.EN: "<@{actor}> took over *#{ticket_id}* “{title}” from you.",
        Language.DE: "<@{actor}> hat *#{ticket_id}* „{title}“ von Ihnen übernommen.",
    },
    "bot.person.unassigned": {
        Language.EN: "<@{actor}> took you off *#{ticket_id}* “{title}”.",
        Language.DE: "<@{actor}> hat Sie von *#{ticket_id}* „{title}“ abgezogen.",
    },
    "bot.person.reassigned": {
        Language.EN: "<@{actor}> gave *#{ticket_id}* “{title}” to <@{new}>; you no longer hold it.",
        Language.DE: "<@{actor}> hat *#{ticket_id}* „{title}“ an <@{new}> übergeben; Sie "
        "bearbeiten es nicht mehr.",
    },
    "bot.person.assigned": {
        Language.EN: "<@{actor}> assigned *#{ticket_id}* “{title}” to you.",
        Language.DE: "<@{actor}> hat Ihnen *#{ticket_id}* „{title}“ zugewiesen.",
    },
    # The reporter wrote on a finished ticket: told so in their DM thread.
    "bot.dm.late_answer.resolved": {
        Language.EN: "*#{ticket_id}* is resolved; support has your message. If the problem "
        "is not solved, say so here and support can reopen it.",
        Language.DE: "*#{ticket_id}* ist gelöst; der Support hat Ihre Nachricht. Ist das "
        "Problem nicht gelöst, schreiben Sie es hier, dann kann der Support es wieder öffnen.",
    },
    "bot.dm.late_answer.resolved_reopen": {
        Language.EN: "*#{ticket_id}* is resolved; support has your message. If the problem "
        "is not solved, reopen it.",
        Language.DE: "*#{ticket_id}* ist gelöst; der Support hat Ihre Nachricht. Ist das "
        "Problem nicht gelöst, öffnen Sie es wieder.",
    },
    "bot.dm.late_answer.closed": {
        Language.EN: "*#{ticket_id}* is closed; support has your message, but a closed "
        "ticket is not worked on. If you still need help, open a new ticket with `/ticket`.",
        Language.DE: "*#{ticket_id}* ist geschlossen; der Support hat Ihre Nachricht, aber "
        "an einem geschlossenen Ticket wird nicht mehr gearbeitet. Brauchen Sie noch Hilfe, "
        "eröffnen Sie mit `/ticket` ein neues Ticket.",
    },
    "bot.dm.late_answer.closed_reopen": {
        Language.EN: "*#{ticket_id}* is closed; support has your message. If you still need "
        "help, reopen it.",
        Language.DE: "*#{ticket_id}* ist geschlossen; der Support hat Ihre Nachricht. "
        "Brauchen Sie noch Hilfe, öffnen Sie es wieder.",
    },
    "bot.dm.deleted": {
        Language.EN: "*#{ticket_id}* was deleted by the help desk (<@{actor}>). If you still "
        "need help, open a new ticket with `/ticket`.",
        Language.DE: "*#{ticket_id}* wurde vom Helpdesk gelöscht (<@{actor}>). Brauchen Sie "
        "noch Hilfe, eröffnen Sie mit `/ticket` ein neues Ticket.",
    },
    # Taking over a ticket someone else holds, and taking them off it.
    "bot.button.take_over": {Language.EN: "Take over", Language.DE: "Selbst übernehmen"},
    "bot.button.unassign": {Language.EN: "Unassign", Language.DE: "Zuweisung aufheben"},
    "bot.took_over": {
        Language.EN: "You hold *#{ticket_id}* now; <@{old}> has been told.",
        Language.DE: "Sie bearbeiten jetzt *#{ticket_id}*; <@{old}> wurde benachrichtigt.",
    },
    # `/ticket-admin delete` asks first.
    "bot.delete.ask": {
        Language.EN: "Delete *#{ticket_id}* “{title}”? The reporter is told, and it cannot "
        "be undone from Slack.",
        Language.DE: "*#{ticket_id}* „{title}“ löschen? Der Anwender wird benachrichtigt, "
        "und in Slack lässt es sich nicht rückgängig machen.",
    },
    "bot.button.delete": {Language.EN: "Delete", Language.DE: "Löschen"},
    "bot.delete.cancelled": {
        Language.EN: "Nothing was deleted.",
        Language.DE: "Es wurde nichts gelöscht.",
    },
    "bot.dm.role": {
        Language.EN: "<@{actor}> gave you the role *{role}* in the help desk.",
        Language.DE: "<@{actor}> hat Ihnen im Helpdesk die Rolle *{role}* gegeben.",
    },
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
    "bot.history.other": {Language.EN: "Changed", Language.DE: "Geändert"},
    "bot.actor.system": {
        Language.EN: "FlashTicket (automatically)",
        Language.DE: "FlashTicket (automatisch)",
    },
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
    "bot.stats.title": {
        Language.EN: "Help desk statistics (last {days} days)",
        Language.DE: "Helpdesk-Statistik (letzte {days} Tage)",
    },
    "bot.stats.body": {
        Language.EN: (
            "*Open:* {open_total} ({by_status})\n*By priority:* {by_priority}\n"
            "*Opened today:* {opened_today}\n"
            "*First replies:* {replied}\n*Median time to first reply:* {first_reply}\n"
            "*Resolved:* {resolved}\n*Median time to resolve:* {median}"
        ),
        Language.DE: (
            "*Offen:* {open_total} ({by_status})\n*Nach Priorität:* {by_priority}\n"
            "*Heute eröffnet:* {opened_today}\n"
            "*Erste Antworten:* {replied}\n*Median bis zur ersten Antwort:* {first_reply}\n"
            "*Gelöst:* {resolved}\n*Median bis zur Lösung:* {median}"
        ),
    },
    "bot.stats.targets": {
        Language.EN: "*Targets met in time:* {shares}",
        Language.DE: "*Ziele rechtzeitig erreicht:* {shares}",
    },
    "bot.stats.target_share": {
        Language.EN: "{priority} {target} {share} % ({met} of {total})",
        Language.DE: "{priority} {target} {share} % ({met} von {total})",
    },
    "bot.stats.charts": {
        Language.EN: "Charts of the help desk (statistics over the last {days} days).",
        Language.DE: "Diagramme des Helpdesks (Statistik der letzten {days} Tage).",
    },
    "bot.stats.none": {Language.EN: "n/a", Language.DE: "k. A."},
    "bot.roles.title": {Language.EN: "Roles", Language.DE: "Rollen"},
    "bot.roles.line": {
        Language.EN: "<@{user}>: {role}{configured}",
        Language.DE: "<@{user}>: {role}{configured}",
    },
    "bot.roles.configured": {
        Language.EN: " (FLASHTICKET_ADMINS, cannot be changed here)",
        Language.DE: " (FLASHTICKET_ADMINS, hier nicht änderbar)",
    },
    "bot.roles.granted": {
        Language.EN: "<@{user}> is now {role}.",
        Language.DE: "<@{user}> ist jetzt {role}.",
    },
    "bot.roles.unchanged": {
        Language.EN: "<@{user}> already is {role}; nothing changed.",
        Language.DE: "<@{user}> ist bereits {role}; es wurde nichts geändert.",
    },
    "bot.outbox.title": {
        Language.EN: "Undelivered messages ({count})",
        Language.DE: "Nicht zugestellte Nachrichten ({count})",
    },
    "bot.outbox.line": {
        Language.EN: "{id} · {kind} · ticket {ticket} · {status} after {attempts} attempts: {error}",
        Language.DE: "{id} · {kind} · Ticket {ticket} · {status} nach {attempts} Versuchen: {error}",
    },
    "bot.outbox.empty": {
        Language.EN: "Every message was delivered.",
        Language.DE: "Alle Nachrichten wurden zugestellt.",
    },
    "bot.outbox.retried": {
        Language.EN: "{count} failed messages are queued again.",
        Language.DE: "{count} fehlgeschlagene Nachrichten werden erneut gesendet.",
    },
    "bot.help": {
        Language.EN: (
            "*FlashTicket help*\n"
            "`/ticket` open a new ticket (`/ticket &lt;title&gt;` fills in the title)\n"
            "`/ticket list` your open tickets (support: the open queue; `list mine`: yours), "
            "`list page 2` the next 20\n"
            "`/ticket show &lt;id&gt;` one ticket with its conversation and history\n"
            "`/ticket search &lt;words&gt;` find tickets (`word*` for words that begin so)\n"
            "`/ticket stats [days]` statistics (support)\n"
            "`/ticket help` this help\n"
            "Reply in the thread of your ticket's DM to add information."
        ),
        Language.DE: (
            "*FlashTicket-Hilfe*\n"
            "`/ticket` neues Ticket eröffnen (`/ticket &lt;Titel&gt;` füllt den Titel aus)\n"
            "`/ticket liste` Ihre offenen Tickets (Support: alle offenen; `liste meine`: Ihre), "
            "`liste seite 2` die nächsten 20\n"
            "`/ticket zeige &lt;Nr&gt;` ein Ticket mit Verlauf und Änderungen\n"
            "`/ticket suche &lt;Wörter&gt;` Tickets suchen (`wort*` für Wortanfänge)\n"
            "`/ticket statistik [Tage]` Statistik (Support)\n"
            "`/ticket hilfe` diese Hilfe\n"
            "Die englischen Wörter (`list`, `show`, `search`, `stats`, `help`, `mine`, `page`) "
            "gehen auch.\n"
            "Antworten Sie im Thread der DM zu Ihrem Ticket, um etwas zu ergänzen."
        ),
    },
    "bot.admin.help": {
        Language.EN: (
            "*FlashTicket administration*\n"
            "`/ticket-admin grant @person user|support|admin`\n"
            "`/ticket-admin revoke @person`\n"
            "`/ticket-admin roles` who is support or admin\n"
            "`/ticket-admin outbox [retry]` undelivered messages, and retrying them\n"
            "`/ticket-admin delete &lt;id&gt;` delete a ticket\n"
            "`/ticket-admin export [from] [to]` every ticket as CSV (dates YYYY-MM-DD)"
        ),
        Language.DE: (
            "*FlashTicket-Verwaltung*\n"
            "`/ticket-admin vergeben @Person anwender|support|admin` eine Rolle vergeben\n"
            "`/ticket-admin entziehen @Person` zurück zu Anwender\n"
            "`/ticket-admin rollen` wer Support oder Administrator ist\n"
            "`/ticket-admin postausgang [wiederholen]` nicht zugestellte Nachrichten, "
            "und neu versuchen\n"
            "`/ticket-admin löschen &lt;Nr&gt;` ein Ticket löschen\n"
            "`/ticket-admin export [von] [bis]` alle Tickets als CSV (Daten JJJJ-MM-TT)\n"
            "Die englischen Wörter (`grant`, `revoke`, `roles`, `outbox`, `delete`) gehen auch."
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
        Language.EN: "/ticket stats [days]",
        Language.DE: "/ticket statistik [Tage]",
    },
    "bot.usage.grant": {
        Language.EN: "/ticket-admin grant @person user|support|admin",
        Language.DE: "/ticket-admin vergeben @Person anwender|support|admin",
    },
    "bot.usage.revoke": {
        Language.EN: "/ticket-admin revoke @person",
        Language.DE: "/ticket-admin entziehen @Person",
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
    "bot.home.title": {Language.EN: "FlashTicket", Language.DE: "FlashTicket"},
    "bot.home.new_ticket": {Language.EN: "New ticket", Language.DE: "Neues Ticket"},
    "bot.home.my_open": {
        Language.EN: "Your open tickets ({total})",
        Language.DE: "Ihre offenen Tickets ({total})",
    },
    "bot.home.recently_finished": {
        Language.EN: "Recently resolved",
        Language.DE: "Kürzlich gelöst",
    },
    "bot.home.latest_reply": {
        Language.EN: "latest support reply: {text}",
        Language.DE: "letzte Support-Rückmeldung: {text}",
    },
    "bot.home.queue": {
        Language.EN: "Queue: open tickets ({total})",
        Language.DE: "Warteschlange: offene Tickets ({total})",
    },
    "bot.home.assigned": {
        Language.EN: "Assigned to you ({total})",
        Language.DE: "Ihnen zugewiesen ({total})",
    },
    "bot.home.kpis": {
        Language.EN: "Key figures (last {days} days)",
        Language.DE: "Kennzahlen (letzte {days} Tage)",
    },
    "bot.home.kpi.open": {Language.EN: "Open", Language.DE: "Offen"},
    "bot.home.kpi.today": {Language.EN: "Opened today", Language.DE: "Heute eröffnet"},
    "bot.home.kpi.first_reply": {
        Language.EN: "Median time to first reply",
        Language.DE: "Median bis zur ersten Antwort",
    },
    "bot.home.kpi.resolve": {
        Language.EN: "Median time to resolve",
        Language.DE: "Median bis zur Lösung",
    },
    "bot.home.kpi.by_priority": {
        Language.EN: "Open by priority",
        Language.DE: "Offen nach Priorität",
    },
    "bot.export.started": {
        Language.EN: "Preparing the export; the CSV file arrives in your DM with me.",
        Language.DE: "Der Export wird erstellt; Sie erhalten die CSV-Datei gleich als Direktnachricht von mir.",
    },
    "bot.export.done": {
        Language.EN: "Export of {count} tickets ({period}).",
        Language.DE: "Export von {count} Tickets ({period}).",
    },
    "bot.export.all_time": {Language.EN: "all time", Language.DE: "gesamter Zeitraum"},
    "bot.export.bad_date": {
        Language.EN: "Dates are written YYYY-MM-DD, e.g. `/ticket-admin export 2026-01-01 2026-07-01`.",
        Language.DE: "Bitte geben Sie Daten im Format JJJJ-MM-TT an, z. B. `/ticket-admin export 2026-01-01 2026-07-01`.",
    },
    "bot.reporter.reopen": {Language.EN: "Reopen", Language.DE: "Wieder öffnen"},
    "bot.reporter.rate": {Language.EN: "Rate the support", Language.DE: "Support bewerten"},
    "bot.reporter.resolved_hint": {
        Language.EN: "Not solved after all? Reopen it. Solved? Tell us how we did.",
        Language.DE: "Doch nicht gelöst? Dann öffnen Sie das Ticket wieder. Gelöst? Dann bewerten Sie gern unseren Support.",
    },
    "bot.reporter.thanks": {
        Language.EN: "Thank you for rating #{ticket_id} with {rating}/5.",
        Language.DE: "Danke für Ihre Bewertung von #{ticket_id} mit {rating}/5.",
    },
    "bot.dm.offer": {
        Language.EN: (
            "I only read answers in a ticket's thread. Shall I open a ticket from this "
            "message? To add to a ticket, reply in the thread under its DM."
        ),
        Language.DE: (
            "Ich lese nur Antworten im Thread eines Tickets. Soll ich aus dieser Nachricht "
            "ein Ticket eröffnen? Um etwas zu ergänzen, antworten Sie im Thread unter dessen DM."
        ),
    },
    "bot.dm.offer.button": {Language.EN: "Open a ticket", Language.DE: "Ticket eröffnen"},
    "bot.source.opened": {
        Language.EN: "Ticket *#{ticket_id}* is open for this message; {reporter} follows it in a DM.",
        Language.DE: "Ticket *#{ticket_id}* ist zu dieser Nachricht eröffnet; {reporter} verfolgt es per DM.",
    },
    "bot.modal.source_exists": {
        Language.EN: "This message is already ticket #{ticket_id}.",
        Language.DE: "Zu dieser Nachricht gibt es schon Ticket #{ticket_id}.",
    },
    "bot.source.untitled": {
        Language.EN: "Ticket from a message",
        Language.DE: "Ticket aus einer Nachricht",
    },
    "bot.source.exists": {
        Language.EN: "This message is already ticket *#{ticket_id}*.",
        Language.DE: "Zu dieser Nachricht gibt es schon Ticket *#{ticket_id}*.",
    },
    "bot.external.internal_only": {
        Language.EN: (
            "Sorry, this help desk is internal: it opens tickets only for people of its "
            "own organisation. Your contact here is glad to open one for you."
        ),
        Language.DE: (
            "Entschuldigung, dieser Helpdesk ist intern: Er eröffnet Tickets nur für "
            "Personen der eigenen Organisation. Ihre Ansprechperson hier eröffnet gern "
            "eines für Sie."
        ),
    },
    "bot.source.exists_for_you": {
        Language.EN: "This message is already ticket *#{ticket_id}*; nothing new was opened.",
        Language.DE: "Zu dieser Nachricht gibt es schon Ticket *#{ticket_id}*; es wurde kein neues eröffnet.",
    },
    "bot.source.busy": {
        Language.EN: (
            "Slack asked me to slow down, so I could not read that message yet. "
            "I will try again by myself and open the ticket as soon as Slack lets me."
        ),
        Language.DE: (
            "Slack hat mich gebeten, langsamer zu machen; ich konnte die Nachricht noch nicht "
            "lesen. Ich versuche es selbst noch einmal und eröffne das Ticket, sobald Slack "
            "es zulässt."
        ),
    },
    "bot.source.unreadable": {
        Language.EN: "I cannot read that message: invite me to its channel first.",
        Language.DE: "Ich kann diese Nachricht nicht lesen: laden Sie mich zuerst in den Kanal ein.",
    },
    "bot.dm.not_a_ticket_thread": {
        Language.EN: (
            "This thread does not belong to a ticket, so what you wrote here was not added "
            "to one. To add to a ticket, answer under its DM; to open a new one, type `/ticket`."
        ),
        Language.DE: (
            "Dieser Thread gehört zu keinem Ticket; was Sie hier schreiben, wurde keinem Ticket "
            "hinzugefügt. Antworten Sie unter der DM des Tickets oder tippen Sie `/ticket` "
            "für ein neues."
        ),
    },
    "bot.dm.not_taken": {
        Language.EN: "I could not add this to *#{ticket_id}*: {reason}",
        Language.DE: "Das konnte ich *#{ticket_id}* nicht hinzufügen: {reason}",
    },
    "bot.dm.files.one": {
        Language.EN: "(1 file attached: {names})",
        Language.DE: "(1 Datei angehängt: {names})",
    },
    "bot.dm.files.many": {
        Language.EN: "({count} files attached: {names})",
        Language.DE: "({count} Dateien angehängt: {names})",
    },
    "bot.file.too_big": {
        Language.EN: "The file _{name}_ ({size}) is larger than the {limit} a file may be: it was not passed on.",
        Language.DE: "Die Datei _{name}_ ({size}) ist größer als die erlaubten {limit}: sie wurde nicht weitergegeben.",
    },
    "bot.file.sign_in_page": {
        Language.EN: "The file _{name}_ could not be fetched from Slack (Slack answered with a sign-in page): it was not passed on.",
        Language.DE: "Die Datei _{name}_ konnte nicht von Slack geholt werden (Slack antwortete mit einer Anmeldeseite): sie wurde nicht weitergegeben.",
    },
    "bot.file.foreign_host": {
        Language.EN: "The file _{name}_ is not on Slack's file host: it was not fetched.",
        Language.DE: "Die Datei _{name}_ liegt nicht auf Slacks Dateiserver: sie wurde nicht geholt.",
    },
    "bot.file.unreadable": {
        Language.EN: "The file _{name}_ could not be read from Slack: it was not passed on.",
        Language.DE: "Die Datei _{name}_ konnte nicht von Slack gelesen werden: sie wurde nicht weitergegeben.",
    },
    "bot.file.not_allowed": {
        Language.EN: "The file _{name}_ could not be shared here: this workspace does not allow it (Slack answered `{error}`). It was not passed on.",
        Language.DE: "Die Datei _{name}_ konnte hier nicht geteilt werden: dieser Workspace erlaubt es nicht (Slack antwortete `{error}`). Sie wurde nicht weitergegeben.",
    },
    "bot.delivery.what.reporter": {
        Language.EN: "A message to the reporter",
        Language.DE: "Eine Nachricht an den Anwender",
    },
    "bot.delivery.what.support": {
        Language.EN: "A message in the support channel",
        Language.DE: "Eine Nachricht im Support-Kanal",
    },
    "bot.delivery.what.source": {
        Language.EN: "The note under the original message",
        Language.DE: "Der Hinweis unter der Ursprungsnachricht",
    },
    "bot.delivery.what.person": {
        Language.EN: "A direct message",
        Language.DE: "Eine Direktnachricht",
    },
    "bot.delivery.what.file": {
        Language.EN: "A file",
        Language.DE: "Eine Datei",
    },
    "bot.delivery.what.other": {
        Language.EN: "A message",
        Language.DE: "Eine Nachricht",
    },
    "bot.delivery.failed_in_thread": {
        Language.EN: ":warning: {what} of #{ticket_id} could not be delivered: Slack answered `{error}`, and trying again will not help. Admins find it under `/ticket-admin outbox`.",
        Language.DE: ":warning: {what} zu #{ticket_id} konnte nicht zugestellt werden: Slack antwortete `{error}`, ein neuer Versuch hilft nicht. Admins sehen das unter `/ticket-admin outbox`.",
    },
    "bot.delivery.failed_to_admin": {
        Language.EN: ":warning: {what}{ticket} could not be delivered: Slack answered `{error}`, and trying again will not help. The ticket's card cannot say so either. `/ticket-admin outbox` lists what failed; once the cause is fixed (an archived support channel unarchived, the bot invited with `/invite @FlashTicket`), `/ticket-admin outbox retry` sends it again.",
        Language.DE: ":warning: {what}{ticket} konnte nicht zugestellt werden: Slack antwortete `{error}`, ein neuer Versuch hilft nicht. Auch die Karte des Tickets kann es nicht melden. `/ticket-admin outbox` listet, was fehlschlug; ist die Ursache behoben (ein archivierter Support-Kanal wiederhergestellt, der Bot mit `/invite @FlashTicket` eingeladen), stellt `/ticket-admin outbox retry` es erneut zu.",
    },
    "bot.delivery.of_ticket": {
        Language.EN: " of #{ticket_id}",
        Language.DE: " zu #{ticket_id}",
    },
    "bot.source.not_in_channel": {
        Language.EN: "Ticket *#{ticket_id}* is open for that message; {reporter} follows it in a DM. I am not in <#{channel}>, so I could not say so in the message's thread. To have replies there, add me with `/invite @FlashTicket` in that channel.",
        Language.DE: "Ticket *#{ticket_id}* ist zu dieser Nachricht eröffnet; {reporter} verfolgt es per DM. Ich bin nicht in <#{channel}> und konnte es deshalb nicht im Thread der Nachricht sagen. Für Antworten dort laden Sie mich in dem Kanal mit `/invite @FlashTicket` ein.",
    },
    "bot.stale_payload": {
        Language.EN: "This button belongs to an old message and no longer works. Use `/ticket show &lt;id&gt;`.",
        Language.DE: "Dieser Knopf gehört zu einer alten Nachricht und funktioniert nicht mehr. Nutzen Sie `/ticket show &lt;Nr&gt;`.",
    },
    "bot.digest.title": {
        Language.EN: "Morning digest, {day}",
        Language.DE: "Morgenübersicht vom {day}",
    },
    "bot.digest.open": {Language.EN: "Open: *{count}*", Language.DE: "Offen: *{count}*"},
    "bot.digest.unassigned": {
        Language.EN: "Unassigned: *{count}*",
        Language.DE: "Nicht zugewiesen: *{count}*",
    },
    "bot.digest.waiting": {
        Language.EN: "Waiting: *{count}*",
        Language.DE: "Wartet: *{count}*",
    },
    "bot.digest.breached": {
        Language.EN: "Missed: *{count}*",
        Language.DE: "Verfehlt: *{count}*",
    },
    "bot.digest.due_today": {
        Language.EN: "Due today: *{count}*",
        Language.DE: "Heute fällig: *{count}*",
    },
    "bot.digest.breached_list": {
        Language.EN: "Targets missed",
        Language.DE: "Verfehlte Ziele",
    },
    "bot.digest.due_today_list": {Language.EN: "Due today", Language.DE: "Heute fällig"},
    "bot.digest.oldest_waiting": {
        Language.EN: "Waiting longest",
        Language.DE: "Warten am längsten",
    },
    "bot.digest.top_open": {
        Language.EN: "Top of the queue",
        Language.DE: "Als Nächstes in der Warteschlange",
    },
    "bot.digest.nothing_open": {
        Language.EN: "No open tickets. :tada:",
        Language.DE: "Keine offenen Tickets. :tada:",
    },
    # Lengths of time ("2 days 4 h", "2 Tage 4 Std."), and the singular of counted texts.
    "bot.unit.days": {Language.EN: "{count} days", Language.DE: "{count} Tage"},
    "bot.unit.days.one": {Language.EN: "{count} day", Language.DE: "{count} Tag"},
    "bot.unit.hours": {Language.EN: "{count} h", Language.DE: "{count} Std."},
    "bot.unit.minutes": {Language.EN: "{count} min", Language.DE: "{count} Min."},
    "bot.unit.seconds": {Language.EN: "{count} s", Language.DE: "{count} Sek."},
    "bot.stats.title.one": {
        Language.EN: "Help desk statistics (last day)",
        Language.DE: "Helpdesk-Statistik (letzter Tag)",
    },
    "bot.stats.charts.one": {
        Language.EN: "Charts of the help desk (statistics of the last day).",
        Language.DE: "Diagramme des Helpdesks (Statistik des letzten Tages).",
    },
    "bot.home.kpis.one": {
        Language.EN: "Key figures (last day)",
        Language.DE: "Kennzahlen (letzter Tag)",
    },
    "bot.export.done.one": {
        Language.EN: "Export of 1 ticket ({period}).",
        Language.DE: "Export von 1 Ticket ({period}).",
    },
    "bot.list.more.one": {
        Language.EN: "…and 1 more.",
        Language.DE: "…und 1 weiteres.",
    },
    "bot.show.more.one": {
        Language.EN: "…1 earlier line not shown.",
        Language.DE: "…1 frühere Zeile nicht angezeigt.",
    },
    "bot.outbox.line.one": {
        Language.EN: "{id} · {kind} · ticket {ticket} · {status} after 1 attempt: {error}",
        Language.DE: "{id} · {kind} · Ticket {ticket} · {status} nach 1 Versuch: {error}",
    },
    "bot.outbox.retried.one": {
        Language.EN: "1 failed message is queued again.",
        Language.DE: "1 fehlgeschlagene Nachricht wird erneut gesendet.",
    },
    "bot.stats.bad_days": {
        Language.EN: "The number of days is a whole number from 1 to {limit}, e.g. `/ticket stats 30`.",
        Language.DE: "Die Zahl der Tage ist eine ganze Zahl von 1 bis {limit}, z. B. `/ticket statistik 30`.",
    },
    "bot.export.period": {
        Language.EN: "{first} to {last}, times in {zone}",
        Language.DE: "{first} bis {last}, Zeiten in {zone}",
    },
    "bot.export.period.all": {
        Language.EN: "all time, times in {zone}",
        Language.DE: "gesamter Zeitraum, Zeiten in {zone}",
    },
}


# The number a text counts, by the name of its placeholder: a key with a `.one` twin
# uses the twin when that number is 1 ("1 ticket", "letzter Tag").
COUNTED = ("count", "days", "attempts")


def translate(key: str, language: Language | str = Language.EN, **params: Any) -> str:
    """The text for `key` in `language`, the bot's own words first, then the core's.

    An unknown key is a programming error and raises KeyError, so tests catch it.
    """
    counted = next((params[name] for name in COUNTED if name in params), None)
    if counted == 1 and f"{key}.one" in CATALOG:
        key = f"{key}.one"
    texts = CATALOG.get(key)
    if texts is None:
        return i18n.translate(key, language, **params)
    return texts[Language(language)].format(**params)
