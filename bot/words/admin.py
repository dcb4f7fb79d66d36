"""What administrators and support read: statistics, roles, the outbox, the export,
messages that could not be delivered and the morning digest."""

from __future__ import annotations

from flashticket_core.i18n import Language

WORDS: dict[str, dict[Language, str]] = {
    "bot.stats.per_assignee": {
        Language.EN: "*Open tickets per assignee:* {people}",
        Language.DE: "*Offene Tickets je Bearbeiter:* {people}",
    },
    "bot.stats.assignee_count": {
        Language.EN: "<@{person}> {count}",
        Language.DE: "<@{person}> {count}",
    },
    "bot.stats.assignees_more": {Language.EN: "{count} more", Language.DE: "{count} weitere"},
    "bot.stats.nobody_assigned": {Language.EN: "none assigned", Language.DE: "keine zugewiesen"},
    "bot.stats.reassigned": {
        Language.EN: "*Moved on without a first response:* {count} in {days} days",
        Language.DE: "*Ohne erste Antwort weitergegeben:* {count} in {days} Tagen",
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
    "bot.stats.approvals": {
        Language.EN: (
            "*Approvals:* {decided} decided, {rejected} of them rejected; median time to a "
            "decision {median} (business time); {waiting} waiting for approval"
        ),
        Language.DE: (
            "*Freigaben:* {decided} entschieden, davon {rejected} abgelehnt; Median bis zur "
            "Entscheidung {median} (Geschäftszeit); {waiting} warten auf Freigabe"
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
    "bot.stats.title.team": {
        Language.EN: "Statistics of {team} (last {days} days)",
        Language.DE: "Statistik von {team} (letzte {days} Tage)",
    },
    "bot.stats.title.team.one": {
        Language.EN: "Statistics of {team} (last day)",
        Language.DE: "Statistik von {team} (letzter Tag)",
    },
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
    "bot.roles.team_granted": {
        Language.EN: "<@{user}> is now support in the team {team}.",
        Language.DE: "<@{user}> ist jetzt Support im Team {team}.",
    },
    "bot.roles.team_already": {
        Language.EN: "<@{user}> already is support in the team {team}; nothing changed.",
        Language.DE: "<@{user}> ist bereits Support im Team {team}; es wurde nichts geändert.",
    },
    "bot.roles.team_revoked": {
        Language.EN: "<@{user}> is no longer granted support in the team {team}.",
        Language.DE: "<@{user}> hat keinen vergebenen Support im Team {team} mehr.",
    },
    "bot.roles.team_not_granted": {
        Language.EN: (
            "<@{user}> had no grant of support in the team {team}; nothing changed. "
            "Members from the desk file or the user group are changed there."
        ),
        Language.DE: (
            "<@{user}> hatte keinen vergebenen Support im Team {team}; es wurde nichts "
            "geändert. Mitglieder aus der Desk-Datei oder der Benutzergruppe ändert man dort."
        ),
    },
    "bot.roles.team_support_only": {
        Language.EN: "In a team one grants support alone: `/ticket-admin grant @person support {team}`.",
        Language.DE: (
            "In einem Team wird nur Support vergeben: "
            "`/ticket-admin vergeben @Person support {team}`."
        ),
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
    "bot.digest.title": {
        Language.EN: "Morning digest, {day}",
        Language.DE: "Morgenübersicht vom {day}",
    },
    "bot.digest.title.team": {
        Language.EN: "Morning digest of {team}, {day}",
        Language.DE: "Morgenübersicht von {team} vom {day}",
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
    "bot.stats.title.one": {
        Language.EN: "Help desk statistics (last day)",
        Language.DE: "Helpdesk-Statistik (letzter Tag)",
    },
    "bot.stats.charts.one": {
        Language.EN: "Charts of the help desk (statistics of the last day).",
        Language.DE: "Diagramme des Helpdesks (Statistik des letzten Tages).",
    },
    "bot.export.done.one": {
        Language.EN: "Export of 1 ticket ({period}).",
        Language.DE: "Export von 1 Ticket ({period}).",
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
    "bot.teams.title": {
        Language.EN: "Teams of the help desk ({count})",
        Language.DE: "Teams des Helpdesks ({count})",
    },
    "bot.teams.team": {
        Language.EN: "*{name}* (`{id}`) · channel {channel}",
        Language.DE: "*{name}* (`{id}`) · Kanal {channel}",
    },
    "bot.teams.private": {Language.EN: " · private", Language.DE: " · privat"},
    "bot.teams.user_group": {
        Language.EN: "user group {group}",
        Language.DE: "Benutzergruppe {group}",
    },
    "bot.teams.from_desk": {
        Language.EN: "Members (desk file): {members}",
        Language.DE: "Mitglieder (Desk-Datei): {members}",
    },
    "bot.teams.from_group": {
        Language.EN: "Members ({group}): {members}",
        Language.DE: "Mitglieder ({group}): {members}",
    },
    "bot.teams.from_group_unread": {
        Language.EN: "Members ({group}): not read from Slack yet",
        Language.DE: "Mitglieder ({group}): noch nicht aus Slack gelesen",
    },
    "bot.teams.from_grant": {
        Language.EN: "Members (granted): {members}",
        Language.DE: "Mitglieder (vergeben): {members}",
    },
    "bot.teams.no_members": {
        Language.EN: "Members: none named; everyone with the support role",
        Language.DE: "Mitglieder: keine benannt; alle mit der Rolle Support",
    },
    "bot.teams.no_members_private": {
        Language.EN: "Members: none named; administrators only",
        Language.DE: "Mitglieder: keine benannt; nur Administratoren",
    },
    "bot.teams.types": {Language.EN: "Request types:", Language.DE: "Anfragearten:"},
    "bot.teams.type": {
        Language.EN: "• {name} (`{id}`): {fields}",
        Language.DE: "• {name} (`{id}`): {fields}",
    },
    "bot.teams.no_fields": {
        Language.EN: "no fields of its own",
        Language.DE: "keine eigenen Felder",
    },
    "bot.teams.no_types": {
        Language.EN: "Request types: none",
        Language.DE: "Anfragearten: keine",
    },
    "bot.teams.more": {
        Language.EN: "… and {count} more teams (`flashticket desk check` lists them all).",
        Language.DE: "… und {count} weitere Teams (`flashticket desk check` listet alle).",
    },
}
