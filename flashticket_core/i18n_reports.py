"""The catalog's words of the reports: the charts' titles and axes, and the CSV
export's column headers and how a target stands (`i18n.py` holds them with the rest)."""

from __future__ import annotations

from flashticket_core.language import Language

REPORT_TEXTS: dict[str, dict[Language, str]] = {
    # -- the charts -------------------------------------------------------------
    "chart.status_per_month": {
        Language.EN: "Tickets by status, per month opened",
        Language.DE: "Tickets nach Status, pro Eröffnungsmonat",
    },
    "chart.priorities": {
        Language.EN: "Open tickets by priority",
        Language.DE: "Offene Tickets nach Priorität",
    },
    "chart.none_open": {Language.EN: "No open tickets", Language.DE: "Keine offenen Tickets"},
    "chart.tickets": {Language.EN: "Tickets", Language.DE: "Tickets"},
    "chart.months": {
        Language.EN: "Month opened (time zone {zone})",
        Language.DE: "Eröffnungsmonat (Zeitzone {zone})",
    },
    # -- the CSV export: column headers, how a target stands ------------------------
    "export.column.id": {Language.EN: "ID", Language.DE: "Nr."},
    "export.column.title": {Language.EN: "Title", Language.DE: "Titel"},
    "export.column.description": {Language.EN: "Description", Language.DE: "Beschreibung"},
    "export.column.status": {Language.EN: "Status", Language.DE: "Status"},
    "export.column.priority": {Language.EN: "Priority", Language.DE: "Priorität"},
    "export.column.reporter_id": {Language.EN: "Reporter ID", Language.DE: "Anwender-ID"},
    "export.column.reporter_name": {Language.EN: "Reporter", Language.DE: "Anwender"},
    "export.column.assignee_id": {Language.EN: "Assignee ID", Language.DE: "Bearbeiter-ID"},
    "export.column.assignee_name": {Language.EN: "Assignee", Language.DE: "Bearbeiter"},
    "export.column.created_at": {
        Language.EN: "Created ({zone})",
        Language.DE: "Erstellt ({zone})",
    },
    "export.column.updated_at": {
        Language.EN: "Updated ({zone})",
        Language.DE: "Geändert ({zone})",
    },
    "export.column.first_response_at": {
        Language.EN: "First response ({zone})",
        Language.DE: "Erstreaktion ({zone})",
    },
    "export.column.resolved_at": {
        Language.EN: "Resolved ({zone})",
        Language.DE: "Gelöst ({zone})",
    },
    "export.column.closed_at": {
        Language.EN: "Closed ({zone})",
        Language.DE: "Geschlossen ({zone})",
    },
    "export.column.rating": {Language.EN: "Rating", Language.DE: "Bewertung"},
    "export.column.version": {Language.EN: "Version", Language.DE: "Version"},
    "export.column.first_response_due_at": {
        Language.EN: "First response due ({zone})",
        Language.DE: "Erstreaktion fällig ({zone})",
    },
    "export.column.first_response_target": {
        Language.EN: "First response target",
        Language.DE: "Ziel Erstreaktion",
    },
    "export.column.resolution_due_at": {
        Language.EN: "Resolution due ({zone})",
        Language.DE: "Lösung fällig ({zone})",
    },
    "export.column.resolution_target": {
        Language.EN: "Resolution target",
        Language.DE: "Ziel Lösung",
    },
    "export.target.met": {Language.EN: "met", Language.DE: "erreicht"},
    "export.target.missed": {Language.EN: "missed", Language.DE: "verfehlt"},
    "export.target.running": {Language.EN: "running", Language.DE: "läuft"},
    "export.target.paused": {Language.EN: "paused", Language.DE: "pausiert"},
}
