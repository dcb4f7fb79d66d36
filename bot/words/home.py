"""The App Home tab."""

from __future__ import annotations

from flashticket_core.i18n import Language

WORDS: dict[str, dict[Language, str]] = {
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
        Language.EN: "Queue ({total})",
        Language.DE: "Warteschlange ({total})",
    },
    "bot.home.queue.page": {
        Language.EN: "page {page} of {pages}",
        Language.DE: "Seite {page} von {pages}",
    },
    "bot.home.queue.empty": {
        Language.EN: "No ticket matches these filters.",
        Language.DE: "Kein Ticket passt zu diesen Filtern.",
    },
    "bot.home.queue.row": {
        Language.EN: "{status} · {priority} · {assignee} · opened {opened}",
        Language.DE: "{status} · {priority} · {assignee} · eröffnet {opened}",
    },
    "bot.home.queue.change": {Language.EN: "Change…", Language.DE: "Ändern…"},
    "bot.home.queue.previous": {Language.EN: "Previous", Language.DE: "Zurück"},
    "bot.home.queue.next": {Language.EN: "Next", Language.DE: "Weiter"},
    "bot.home.queue.all_teams": {Language.EN: "All teams", Language.DE: "Alle Teams"},
    "bot.home.queue.open": {Language.EN: "All open", Language.DE: "Alle offenen"},
    "bot.home.queue.any_priority": {
        Language.EN: "Any priority",
        Language.DE: "Jede Priorität",
    },
    "bot.home.queue.assignee.anyone": {
        Language.EN: "Any assignee",
        Language.DE: "Jeder Bearbeiter",
    },
    "bot.home.queue.assignee.me": {
        Language.EN: "Assigned to me",
        Language.DE: "Mir zugewiesen",
    },
    "bot.home.queue.assignee.unassigned": {
        Language.EN: "Unassigned",
        Language.DE: "Nicht zugewiesen",
    },
    "bot.home.queue.sort.priority": {
        Language.EN: "By priority",
        Language.DE: "Nach Priorität",
    },
    "bot.home.queue.sort.oldest": {
        Language.EN: "Oldest first",
        Language.DE: "Älteste zuerst",
    },
    "bot.home.queue.sort.due": {
        Language.EN: "Due first",
        Language.DE: "Zuerst fällig",
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
    "bot.home.kpis.one": {
        Language.EN: "Key figures (last day)",
        Language.DE: "Kennzahlen (letzter Tag)",
    },
}
