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
    "bot.home.kpis.one": {
        Language.EN: "Key figures (last day)",
        Language.DE: "Kennzahlen (letzter Tag)",
    },
}
