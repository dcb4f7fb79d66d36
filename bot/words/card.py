"""The ticket card in the support channel, its buttons and menus, and the forms
they open (a new ticket, a reply, a note)."""

from __future__ import annotations

from flashticket_core.i18n import Language

WORDS: dict[str, dict[Language, str]] = {
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
    # The request types' forms (blocks/forms.py).
    "bot.field.request_type": {Language.EN: "Request type", Language.DE: "Art der Anfrage"},
    "bot.field.request_type.hint": {
        Language.EN: "What is it about?",
        Language.DE: "Worum geht es?",
    },
    "bot.card.fields": {
        Language.EN: "Request type: {name}",
        Language.DE: "Art der Anfrage: {name}",
    },
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
    "bot.card.request_type": {Language.EN: "Request type", Language.DE: "Art der Anfrage"},
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
    # Taking over a ticket someone else holds, and taking them off it.
    "bot.button.take_over": {Language.EN: "Take over", Language.DE: "Selbst übernehmen"},
    "bot.button.unassign": {Language.EN: "Unassign", Language.DE: "Zuweisung aufheben"},
    "bot.select.assign_to": {Language.EN: "Assign to…", Language.DE: "Zuweisen an…"},
    "bot.button.assign_anyway": {Language.EN: "Assign anyway", Language.DE: "Trotzdem zuweisen"},
    "bot.assign_to.ask": {
        Language.EN: "<@{holder}> holds #{ticket_id} — give it to <@{new}>?",
        Language.DE: "<@{holder}> bearbeitet #{ticket_id} — an <@{new}> übergeben?",
    },
    "bot.assigned_to": {
        Language.EN: "<@{new}> holds *#{ticket_id}* now and has been told.",
        Language.DE: "<@{new}> bearbeitet jetzt *#{ticket_id}* und wurde benachrichtigt.",
    },
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
    "bot.modal.source_exists": {
        Language.EN: "This message is already ticket #{ticket_id}.",
        Language.DE: "Zu dieser Nachricht gibt es schon Ticket #{ticket_id}.",
    },
    # Moving a ticket to another team: the button, its form, the old card, the threads.
    "bot.button.move_team": {Language.EN: "Move to team", Language.DE: "Anderem Team zuweisen"},
    "bot.modal.move.title": {Language.EN: "Move to team", Language.DE: "Anderem Team zuweisen"},
    "bot.modal.move.submit": {Language.EN: "Move", Language.DE: "Zuweisen"},
    "bot.field.team": {
        Language.EN: "Team to take over #{ticket_id}",
        Language.DE: "Team, das #{ticket_id} übernimmt",
    },
    "bot.card.moved": {
        Language.EN: "Moved to *{team}* by <@{actor}>. Its card is in that team's channel now.",
        Language.DE: "Verschoben zu *{team}* von <@{actor}>. Die Karte ist jetzt im Kanal dieses Teams.",
    },
    "bot.card.moved.fallback": {
        Language.EN: "Ticket #{ticket_id}: moved to {team}",
        Language.DE: "Ticket #{ticket_id}: verschoben zu {team}",
    },
    "bot.thread.moved": {
        Language.EN: "<@{actor}> moved #{ticket_id} to *{new}*.",
        Language.DE: "<@{actor}> hat #{ticket_id} zu *{new}* verschoben.",
    },
    "bot.thread.moved_here": {
        Language.EN: "<@{actor}> moved #{ticket_id} here from *{old}*.",
        Language.DE: "<@{actor}> hat #{ticket_id} von *{old}* hierher verschoben.",
    },
    "bot.dm.moved": {
        Language.EN: "*#{ticket_id}* is with *{new}* now: they take care of it from here.",
        Language.DE: "*#{ticket_id}* liegt jetzt bei *{new}*: Das Team kümmert sich ab hier darum.",
    },
    "bot.history.team": {Language.EN: "Team", Language.DE: "Team"},
    "bot.history.private_team": {
        Language.EN: "a private team",
        Language.DE: "ein privates Team",
    },
    # Another request type of the ticket's team: the button, its form, the card's thread.
    "bot.button.change_type": {Language.EN: "Change type", Language.DE: "Art ändern"},
    "bot.modal.change_type.title": {Language.EN: "Change type", Language.DE: "Art ändern"},
    "bot.modal.change_type.submit": {Language.EN: "Change", Language.DE: "Ändern"},
    "bot.field.new_type": {
        Language.EN: "New request type of #{ticket_id}",
        Language.DE: "Neue Art der Anfrage für #{ticket_id}",
    },
    "bot.field.new_type.hint": {
        Language.EN: "The ticket keeps its field values and its priority; the new type's fields are not asked.",
        Language.DE: "Das Ticket behält seine Angaben und seine Priorität; die Felder der neuen Art werden nicht abgefragt.",
    },
    "bot.thread.type_changed": {
        Language.EN: "<@{actor}> changed the request type of #{ticket_id} from *{old}* to *{new}*.",
        Language.DE: "<@{actor}> hat die Art der Anfrage von #{ticket_id} von *{old}* zu *{new}* geändert.",
    },
    "bot.history.request_type": {Language.EN: "Request type", Language.DE: "Art der Anfrage"},
}
