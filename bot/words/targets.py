"""The targets (first response, resolution): when they are due, when they are
missed, and lengths of time ("2 days 4 h", "2 Tage 4 Std.")."""

from __future__ import annotations

from flashticket_core.i18n import Language

WORDS: dict[str, dict[Language, str]] = {
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
    # Lengths of time ("2 days 4 h", "2 Tage 4 Std.").
    "bot.unit.days": {Language.EN: "{count} days", Language.DE: "{count} Tage"},
    "bot.unit.days.one": {Language.EN: "{count} day", Language.DE: "{count} Tag"},
    "bot.unit.hours": {Language.EN: "{count} h", Language.DE: "{count} Std."},
    "bot.unit.minutes": {Language.EN: "{count} min", Language.DE: "{count} Min."},
    "bot.unit.seconds": {Language.EN: "{count} s", Language.DE: "{count} Sek."},
}
