"""The catalog's words of followers and of tickets opened on behalf of someone (`i18n.py`
holds them with the rest)."""

from __future__ import annotations

from flashticket_core.language import Language

FOLLOWING_TEXTS: dict[str, dict[Language, str]] = {
    "action.open_on_behalf": {
        Language.EN: "open a ticket on behalf of someone else (support and administrators only)",
        Language.DE: "ein Ticket im Namen einer anderen Person eröffnen (nur Support und Administratoren)",
    },
    "action.follow": {
        Language.EN: "follow this ticket (its team's support only)",
        Language.DE: "diesem Ticket folgen (nur der Support seines Teams)",
    },
    "action.unfollow": {
        Language.EN: "stop following this ticket",
        Language.DE: "diesem Ticket nicht mehr folgen",
    },
    "error.follow_reporter": {
        Language.EN: "{person} reported #{ticket_id} and hears of it anyway; they cannot follow it too.",
        Language.DE: "{person} hat #{ticket_id} gemeldet und erfährt ohnehin alles; folgen ist nicht nötig.",
    },
    "error.on_behalf_and_message": {
        Language.EN: "A ticket made from a message is for its author; it cannot be opened on behalf of someone else too.",
        Language.DE: "Ein Ticket aus einer Nachricht gehört ihrem Verfasser; es kann nicht zugleich im Namen einer anderen Person eröffnet werden.",
    },
    "error.not_following": {
        Language.EN: "You do not follow #{ticket_id}.",
        Language.DE: "Sie folgen #{ticket_id} nicht.",
    },
    "error.too_many_followers": {
        Language.EN: "At most {limit} people can be kept informed of one ticket.",
        Language.DE: "Höchstens {limit} Personen können über ein Ticket informiert werden.",
    },
}
