"""The card's thread: what changed and who did it, and the people told of it."""

from __future__ import annotations

from flashticket_core.i18n import Language

WORDS: dict[str, dict[Language, str]] = {
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
    "bot.person.auto_assigned": {
        Language.EN: "*#{ticket_id}* “{title}” is yours now: {why}.",
        Language.DE: "*#{ticket_id}* „{title}“ ist Ihnen zugewiesen: {why}.",
    },
    "bot.person.auto_reassigned": {
        Language.EN: "Nobody answered *#{ticket_id}* “{title}” in time, so it went on to "
        "<@{new}>; you no longer hold it.",
        Language.DE: "Niemand hat rechtzeitig auf *#{ticket_id}* „{title}“ geantwortet, daher "
        "ging es an <@{new}>; Sie bearbeiten es nicht mehr.",
    },
    "bot.thread.auto_reassigned": {
        Language.EN: "Nobody answered *#{ticket_id}* in time: it went from <@{old}> to <@{new}>.",
        Language.DE: "Niemand hat rechtzeitig auf *#{ticket_id}* geantwortet: es ging von "
        "<@{old}> an <@{new}>.",
    },
    "bot.assignment.round_robin": {
        Language.EN: "it was your turn (round robin)",
        Language.DE: "Sie waren an der Reihe (reihum)",
    },
    "bot.assignment.least_open": {
        Language.EN: "you held the fewest open tickets of the team",
        Language.DE: "Sie hatten die wenigsten offenen Tickets im Team",
    },
    "bot.assignment.no_first_response": {
        Language.EN: "whoever had it before did not answer in time",
        Language.DE: "wer es vorher hatte, hat nicht rechtzeitig geantwortet",
    },
    "bot.assignment.other": {
        Language.EN: "the team's rule gave it to you",
        Language.DE: "die Regel des Teams hat es Ihnen gegeben",
    },
    "bot.notice.nobody_available": {
        Language.EN: "Everyone of {team} is away, so *#{ticket_id}* “{title}” waits unassigned. "
        "Take it when you can.",
        Language.DE: "Alle in {team} sind abwesend, daher wartet *#{ticket_id}* „{title}“ ohne "
        "Bearbeiter. Bitte übernehmen Sie es, sobald Sie können.",
    },
    "bot.history.assigned_by_rule": {
        Language.EN: "Assigned automatically",
        Language.DE: "Automatisch zugewiesen",
    },
    "bot.actor.system": {
        Language.EN: "FlashTicket (automatically)",
        Language.DE: "FlashTicket (automatisch)",
    },
}
