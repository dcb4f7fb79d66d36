"""What the reporter reads in their DM thread, and how a chat message becomes a
ticket (its source, its files, who opened it for them)."""

from __future__ import annotations

from flashticket_core.i18n import Language

WORDS: dict[str, dict[Language, str]] = {
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
    "bot.dm.support_reply": {
        Language.EN: "*Support reply* from <@{actor}>{part}:\n{text}",
        Language.DE: "*Support-Rückmeldung* von <@{actor}>{part}:\n{text}",
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
    "bot.dm.role": {
        Language.EN: "<@{actor}> gave you the role *{role}* in the help desk.",
        Language.DE: "<@{actor}> hat Ihnen im Helpdesk die Rolle *{role}* gegeben.",
    },
    "bot.dm.team_granted": {
        Language.EN: "<@{actor}> made you support in the team *{team}* of the help desk: "
        "its tickets are yours to work.",
        Language.DE: "<@{actor}> hat Sie im Helpdesk zum Support des Teams *{team}* gemacht: "
        "Sie bearbeiten jetzt seine Tickets.",
    },
    "bot.dm.team_revoked": {
        Language.EN: "<@{actor}> took back your support in the team *{team}* of the help desk.",
        Language.DE: "<@{actor}> hat Ihnen im Helpdesk den Support im Team *{team}* entzogen.",
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
    "bot.source.not_in_channel": {
        Language.EN: "Ticket *#{ticket_id}* is open for that message; {reporter} follows it in a DM. I am not in <#{channel}>, so I could not say so in the message's thread. To have replies there, add me with `/invite @FlashTicket` in that channel.",
        Language.DE: "Ticket *#{ticket_id}* ist zu dieser Nachricht eröffnet; {reporter} verfolgt es per DM. Ich bin nicht in <#{channel}> und konnte es deshalb nicht im Thread der Nachricht sagen. Für Antworten dort laden Sie mich in dem Kanal mit `/invite @FlashTicket` ein.",
    },
}
