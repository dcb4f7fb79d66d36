"""The core's message catalog: its labels, error messages and chart titles, in English
and German.

Plain text only, no markup of any adapter: each adapter keeps its own words (the Slack
bot's are in `bot/words/`) and renders what the core's messages name (a quoted word,
a person) its own way.

A typed dictionary rather than gettext: two languages, no translators' tooling, and
a test that checks every key exists in both with the same placeholders.
"""

from __future__ import annotations

import string
from typing import Any

from flashticket_core.i18n_following import FOLLOWING_TEXTS
from flashticket_core.i18n_replies import REPLY_TEXTS
from flashticket_core.i18n_reports import REPORT_TEXTS
from flashticket_core.language import Language

__all__ = ["CATALOG", "Language", "placeholders", "translate"]


CATALOG: dict[str, dict[Language, str]] = {
    # Statuses and priorities, as SPEC.md labels them.
    "status.new": {Language.EN: "New", Language.DE: "Neu"},
    "status.in_progress": {Language.EN: "In progress", Language.DE: "In Bearbeitung"},
    "status.waiting": {Language.EN: "Waiting for reply", Language.DE: "Wartet auf Rückmeldung"},
    "status.resolved": {Language.EN: "Resolved", Language.DE: "Gelöst"},
    "status.closed": {Language.EN: "Closed", Language.DE: "Geschlossen"},
    "status.pending_approval": {
        Language.EN: "Waiting for approval",
        Language.DE: "Wartet auf Freigabe",
    },
    "priority.high": {Language.EN: "High", Language.DE: "Hoch"},
    "priority.medium": {Language.EN: "Medium", Language.DE: "Mittel"},
    "priority.low": {Language.EN: "Low", Language.DE: "Niedrig"},
    "role.user": {Language.EN: "User", Language.DE: "Anwender"},
    "role.support": {Language.EN: "Support", Language.DE: "Support"},
    "role.admin": {Language.EN: "Administrator", Language.DE: "Administrator"},
    "entry.support_reply": {Language.EN: "Support reply", Language.DE: "Support-Rückmeldung"},
    "entry.reporter_reply": {Language.EN: "Reporter reply", Language.DE: "Antwort des Anwenders"},
    "entry.internal_note": {Language.EN: "Internal note", Language.DE: "Interne Notiz"},
    # Expected failures raised by the core.
    "error.ticket_not_found": {
        Language.EN: "Ticket #{ticket_id} does not exist (or was deleted).",
        Language.DE: "Ticket #{ticket_id} existiert nicht (oder wurde gelöscht).",
    },
    "error.not_allowed": {
        Language.EN: "You are not allowed to {action}.",
        Language.DE: "Dafür fehlt Ihnen die Berechtigung: {action}.",
    },
    "error.invalid_transition": {
        Language.EN: "Ticket #{ticket_id} cannot move from “{old}” to “{new}”.",
        Language.DE: "Ticket #{ticket_id} kann nicht von „{old}“ auf „{new}“ gesetzt werden.",
    },
    "error.conflict": {
        Language.EN: "#{ticket_id} is already {status}, held by {holder}; nothing was changed.",
        Language.DE: (
            "#{ticket_id} ist bereits „{status}“, bearbeitet von {holder}; "
            "es wurde nichts geändert."
        ),
    },
    "error.conflict_unassigned": {
        Language.EN: "#{ticket_id} is already {status}, and nobody holds it; nothing was changed.",
        Language.DE: (
            "#{ticket_id} ist bereits „{status}“, noch ohne Bearbeiter; es wurde nichts geändert."
        ),
    },
    "error.held_by_someone_else": {
        Language.EN: "{holder} holds #{ticket_id} — take it over?",
        Language.DE: "{holder} bearbeitet #{ticket_id} — übernehmen?",
    },
    "error.not_assigned": {
        Language.EN: "Nobody holds #{ticket_id}; there is nobody to take off it.",
        Language.DE: "#{ticket_id} hat keinen Bearbeiter; es gibt niemanden zu entfernen.",
    },
    "error.title_empty": {
        Language.EN: "The title must not be empty.",
        Language.DE: "Der Titel darf nicht leer sein.",
    },
    "error.title_too_long": {
        Language.EN: "The title may have at most {limit} characters (it has {length}).",
        Language.DE: "Der Titel darf höchstens {limit} Zeichen haben (er hat {length}).",
    },
    "error.description_too_long": {
        Language.EN: "The description may have at most {limit} characters (it has {length}).",
        Language.DE: "Die Beschreibung darf höchstens {limit} Zeichen haben (sie hat {length}).",
    },
    "error.text_empty": {
        Language.EN: "The message must not be empty.",
        Language.DE: "Die Nachricht darf nicht leer sein.",
    },
    "error.entry_withdrawn": {
        Language.EN: "That message was withdrawn and can no longer be changed.",
        Language.DE: "Diese Nachricht wurde zurückgezogen und kann nicht mehr geändert werden.",
    },
    "error.rejection_reason": {
        Language.EN: "Please give the reason for the rejection: the reporter is told it.",
        Language.DE: "Bitte gib den Grund der Ablehnung an: der Anwender erfährt ihn.",
    },
    "error.not_pending_approval": {
        Language.EN: "#{ticket_id} is not waiting for approval.",
        Language.DE: "#{ticket_id} wartet nicht auf Freigabe.",
    },
    "error.approval_decided": {
        Language.EN: "#{ticket_id} was already {decision} by {person}.",
        Language.DE: "#{ticket_id} wurde bereits von {person} {decision}.",
    },
    "approval.approved": {Language.EN: "approved", Language.DE: "freigegeben"},
    "approval.rejected": {Language.EN: "rejected", Language.DE: "abgelehnt"},
    "error.text_too_long": {
        Language.EN: "The message may have at most {limit} characters (it has {length}).",
        Language.DE: "Die Nachricht darf höchstens {limit} Zeichen haben (sie hat {length}).",
    },
    "error.unknown_priority": {
        Language.EN: "Unknown priority “{value}”; use high, medium or low.",
        Language.DE: "Unbekannte Priorität „{value}“; erlaubt sind high, medium oder low.",
    },
    "error.unknown_status": {
        Language.EN: "Unknown status “{value}”; use {allowed}.",
        Language.DE: "Unbekannter Status „{value}“; erlaubt sind {allowed}.",
    },
    # A request type's fields on a new ticket (service_layer/fields.py).
    "error.field_required": {
        Language.EN: "“{label}” must be filled in.",
        Language.DE: "„{label}“ muss ausgefüllt sein.",
    },
    "error.field_number": {
        Language.EN: "“{label}” must be a number.",
        Language.DE: "„{label}“ muss eine Zahl sein.",
    },
    "error.field_date": {
        Language.EN: "“{label}” must be a date.",
        Language.DE: "„{label}“ muss ein Datum sein.",
    },
    "error.field_url": {
        Language.EN: "“{label}” must be a web address (http or https), like {example}.",
        Language.DE: "„{label}“ muss eine Webadresse sein, etwa {example}.",
    },
    "error.field_email": {
        Language.EN: "“{label}” must be an email address.",
        Language.DE: "„{label}“ muss eine E-Mail-Adresse sein.",
    },
    "error.field_option": {
        Language.EN: "Choose “{label}” from its list.",
        Language.DE: "Wähle „{label}“ aus der Liste.",
    },
    "error.field_too_long": {
        Language.EN: "“{label}” may have at most {limit} characters (it has {length}).",
        Language.DE: "„{label}“ darf höchstens {limit} Zeichen haben (hat {length}).",
    },
    "field.checked": {Language.EN: "yes", Language.DE: "ja"},
    "error.unknown_team": {
        Language.EN: "Unknown team “{value}”; use {allowed}.",
        Language.DE: "Unbekanntes Team „{value}“; erlaubt sind {allowed}.",
    },
    "error.unknown_request_type": {
        Language.EN: "Unknown request type “{value}”; use {allowed}.",
        Language.DE: "Unbekannte Art der Anfrage „{value}“; erlaubt sind {allowed}.",
    },
    "error.same_team": {
        Language.EN: "Ticket #{ticket_id} is {team}'s already; nothing was changed.",
        Language.DE: "Ticket #{ticket_id} gehört bereits zu {team}; es wurde nichts geändert.",
    },
    "error.one_team": {
        Language.EN: "The help desk has one team only: there is no other team to move a ticket to.",
        Language.DE: "Der Helpdesk hat nur ein Team: Es gibt kein anderes, dem ein Ticket zugewiesen werden kann.",
    },
    "error.same_type": {
        Language.EN: "Ticket #{ticket_id} is of the type {type} already; nothing was changed.",
        Language.DE: "Ticket #{ticket_id} hat bereits die Art {type}; es wurde nichts geändert.",
    },
    "error.one_type": {
        Language.EN: "This ticket's team has one request type only: there is no other to change to.",
        Language.DE: "Das Team dieses Tickets hat nur eine Art der Anfrage: Es gibt keine andere.",
    },
    "error.unknown_role": {
        Language.EN: "Unknown role “{value}”; use user, support or admin.",
        Language.DE: "Unbekannte Rolle „{value}“; erlaubt sind user, support oder admin.",
    },
    "error.invalid_user_id": {
        Language.EN: "“{value}” is not a Slack user.",
        Language.DE: "„{value}“ ist kein Slack-Benutzer.",
    },
    "error.configured_admin": {
        Language.EN: (
            "{person} is an administrator by configuration (FLASHTICKET_ADMINS) "
            "and cannot be changed from Slack."
        ),
        Language.DE: (
            "{person} ist per Konfiguration Administrator (FLASHTICKET_ADMINS) "
            "und kann nicht in Slack geändert werden."
        ),
    },
    "error.self_demotion": {
        Language.EN: "You cannot take away your own administrator role.",
        Language.DE: "Sie können sich die eigene Administratorrolle nicht entziehen.",
    },
    "error.invalid_rating": {
        Language.EN: "A rating is a whole number from 1 to 5.",
        Language.DE: "Eine Bewertung ist eine ganze Zahl von 1 bis 5.",
    },
    "error.rating_not_finished": {
        Language.EN: (
            "Ticket #{ticket_id} is {status} now; it can be rated once it is resolved or closed."
        ),
        Language.DE: (
            "Ticket #{ticket_id} ist jetzt „{status}“; es kann bewertet werden, sobald es "
            "gelöst oder geschlossen ist."
        ),
    },
    "error.search_empty": {
        Language.EN: "Tell me what to search for.",
        Language.DE: "Bitte geben Sie einen Suchbegriff an.",
    },
    "error.not_assignable": {
        Language.EN: "{person} is not on the support team, so tickets cannot be assigned to them.",
        Language.DE: "{person} gehört nicht zum Support; ihm oder ihr können keine Tickets zugewiesen werden.",
    },
    "error.not_in_team": {
        Language.EN: "{person} is not a member of the team {team}: a ticket goes only to a member of its team. Nothing was changed.",
        Language.DE: "{person} gehört nicht zum Team {team}: ein Ticket geht nur an ein Mitglied seines Teams. Es wurde nichts geändert.",
    },
    "error.intake_limit": {
        Language.EN: (
            "You have opened {limit} tickets from other people's messages in the last "
            "{minutes} minutes, which is as many as anyone may. Please wait a little before "
            "opening more, or ask the people to open their own."
        ),
        Language.DE: (
            "Sie haben in den letzten {minutes} Minuten {limit} Tickets aus Nachrichten "
            "anderer eröffnet, mehr geht gerade nicht. Bitte warten Sie etwas, bevor Sie "
            "weitere eröffnen, oder bitten Sie die Personen, selbst eines zu eröffnen."
        ),
    },
    "error.withdraw_not_opened_for_you": {
        Language.EN: (
            "Ticket #{ticket_id} was opened by you, not for you by someone else; "
            "ask support to close it if you no longer need it."
        ),
        Language.DE: (
            "Ticket #{ticket_id} haben Sie selbst eröffnet, nicht jemand anderes für Sie; "
            "bitten Sie den Support, es zu schließen, wenn Sie es nicht mehr brauchen."
        ),
    },
    "error.withdraw_closed": {
        Language.EN: "Ticket #{ticket_id} is closed already.",
        Language.DE: "Ticket #{ticket_id} ist bereits geschlossen.",
    },
    # What an action is called in "You are not allowed to …".
    "action.view_ticket": {
        Language.EN: "see this ticket",
        Language.DE: "dieses Ticket ansehen",
    },
    "action.change_status": {
        Language.EN: "change the status of this ticket",
        Language.DE: "den Status dieses Tickets ändern",
    },
    "action.reopen_closed": {
        Language.EN: "reopen a closed ticket (support can)",
        Language.DE: "ein geschlossenes Ticket wieder öffnen (das darf der Support)",
    },
    "action.reopen_auto_closed": {
        Language.EN: "reopen this ticket",
        Language.DE: "dieses Ticket wieder öffnen",
    },
    "action.assign": {
        Language.EN: "assign tickets",
        Language.DE: "Tickets zuweisen",
    },
    "action.set_priority": {
        Language.EN: "change the priority",
        Language.DE: "die Priorität ändern",
    },
    "action.support_reply": {
        Language.EN: "reply as support",
        Language.DE: "als Support antworten",
    },
    "action.internal_note": {
        Language.EN: "write internal notes",
        Language.DE: "interne Notizen schreiben",
    },
    "action.comment": {
        Language.EN: "comment on this ticket",
        Language.DE: "dieses Ticket kommentieren",
    },
    "action.rate": {
        Language.EN: "rate this ticket (only its reporter can)",
        Language.DE: "dieses Ticket bewerten (das darf nur der Anwender, der es eröffnet hat)",
    },
    "action.delete": {
        Language.EN: "delete tickets (administrators only)",
        Language.DE: "Tickets löschen (nur Administratoren)",
    },
    "action.manage_roles": {
        Language.EN: "manage roles (administrators only)",
        Language.DE: "Rollen verwalten (nur Administratoren)",
    },
    "action.outbox": {
        Language.EN: "see or retry undelivered messages (administrators only)",
        Language.DE: "nicht zugestellte Nachrichten sehen oder neu senden (nur Administratoren)",
    },
    "action.export": {
        Language.EN: "export tickets (administrators only)",
        Language.DE: "Tickets exportieren (nur Administratoren)",
    },
    "action.move_team": {
        Language.EN: "move tickets to another team",
        Language.DE: "Tickets einem anderen Team zuweisen",
    },
    "action.change_type": {
        Language.EN: "change the request type of tickets",
        Language.DE: "die Art der Anfrage von Tickets ändern",
    },
    "action.decide_approval": {
        Language.EN: "approve or reject this request (only its approvers may)",
        Language.DE: "diese Anfrage freigeben oder ablehnen (nur ihre Freigebenden dürfen das)",
    },
    "action.view_teams": {
        Language.EN: "see the teams of the help desk (administrators only)",
        Language.DE: "die Teams des Helpdesks sehen (nur Administratoren)",
    },
    "action.view_stats": {
        Language.EN: "see the statistics (support and administrators only)",
        Language.DE: "die Statistik sehen (nur Support und Administratoren)",
    },
    "action.filter_others": {
        Language.EN: "list other people's tickets",
        Language.DE: "Tickets anderer Personen auflisten",
    },
    "action.open_ticket": {
        Language.EN: "open tickets",
        Language.DE: "Tickets eröffnen",
    },
    "action.open_for_author": {
        Language.EN: "open a ticket for the author of a message",
        Language.DE: "ein Ticket für den Verfasser einer Nachricht eröffnen",
    },
    "action.open_for_authors_unlimited": {
        Language.EN: "open more tickets from other people's messages just now",
        Language.DE: "gerade noch mehr Tickets aus Nachrichten anderer eröffnen",
    },
    "action.withdraw": {
        Language.EN: "withdraw this ticket (only its reporter can)",
        Language.DE: "dieses Ticket zurückziehen (nur der Anwender darf das)",
    },
    "action.view_internal": {
        Language.EN: "read internal notes (support only)",
        Language.DE: "interne Notizen lesen (nur Support)",
    },
    "action.unassign": {
        Language.EN: "take someone off a ticket",
        Language.DE: "jemanden von einem Ticket nehmen",
    },
    "action.reopen": {
        Language.EN: "reopen this ticket",
        Language.DE: "dieses Ticket wieder öffnen",
    },
    **REPORT_TEXTS,
    **REPLY_TEXTS,
    **FOLLOWING_TEXTS,
}


def placeholders(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def translate(key: str, language: Language | str = Language.EN, **params: Any) -> str:
    """The text for `key` in `language`, with `params` filled in.

    An unknown key is a programming error and raises KeyError, so tests catch it.
    """
    texts = CATALOG[key]
    return texts[Language(language)].format(**params)
