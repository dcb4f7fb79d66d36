"""Approvals: the request an approver gets by DM, its buttons and the form of a
rejection's reason, what the approvers and the reporter are told of the decision, and
the reminder."""

from __future__ import annotations

from flashticket_core.i18n import Language

WORDS: dict[str, dict[Language, str]] = {
    "bot.approval.request": {
        Language.EN: "<@{reporter}> asks for approval of *#{ticket_id}* ({kind}): {title}",
        Language.DE: "<@{reporter}> bittet um Freigabe von *#{ticket_id}* ({kind}): {title}",
    },
    "bot.approval.request_hint": {
        Language.EN: "The first decision of its approvers counts. Approved, it goes to {team}.",
        Language.DE: (
            "Die erste Entscheidung seiner Freigebenden gilt. Freigegeben, geht es an {team}."
        ),
    },
    "bot.approval.approve": {Language.EN: "Approve", Language.DE: "Freigeben"},
    "bot.approval.reject": {Language.EN: "Reject", Language.DE: "Ablehnen"},
    "bot.approval.reject_title": {
        Language.EN: "Reject #{ticket_id}",
        Language.DE: "#{ticket_id} ablehnen",
    },
    "bot.approval.reject_submit": {Language.EN: "Reject", Language.DE: "Ablehnen"},
    "bot.approval.reject_reason": {
        Language.EN: "Reason (the reporter is told it)",
        Language.DE: "Grund (der Anwender erfährt ihn)",
    },
    "bot.approval.cancel": {Language.EN: "Cancel", Language.DE: "Abbrechen"},
    "bot.approval.decided_approved": {
        Language.EN: "*#{ticket_id}* ({title}) was approved by <@{actor}>.",
        Language.DE: "*#{ticket_id}* ({title}) wurde von <@{actor}> freigegeben.",
    },
    "bot.approval.decided_rejected": {
        Language.EN: "*#{ticket_id}* ({title}) was rejected by <@{actor}>: {reason}",
        Language.DE: "*#{ticket_id}* ({title}) wurde von <@{actor}> abgelehnt: {reason}",
    },
    "bot.approval.you_decided": {
        Language.EN: "Your decision on *#{ticket_id}* is recorded.",
        Language.DE: "Ihre Entscheidung zu *#{ticket_id}* ist festgehalten.",
    },
    "bot.approval.reminder": {
        Language.EN: "Reminder: *#{ticket_id}* has been waiting for your approval since {since}.",
        Language.DE: "Erinnerung: *#{ticket_id}* wartet seit {since} auf Ihre Freigabe.",
    },
    "bot.dm.awaiting_approval": {
        Language.EN: "*#{ticket_id}* needs approval first: {approvers} asked. You hear here how they decide.",
        Language.DE: (
            "*#{ticket_id}* braucht zuerst eine Freigabe: {approvers} gefragt. Hier erfahren "
            "Sie, wie entschieden wird."
        ),
    },
    "bot.dm.awaiting_approval_nobody": {
        Language.EN: (
            "*#{ticket_id}* needs approval first; its approvers are not known yet, the "
            "help desk's administrators can see to it."
        ),
        Language.DE: (
            "*#{ticket_id}* braucht zuerst eine Freigabe; die Freigebenden sind noch nicht "
            "bekannt, die Administratoren kümmern sich darum."
        ),
    },
    "bot.dm.approved": {
        Language.EN: "*#{ticket_id}* was approved by <@{actor}>: it is New in the team's queue now.",
        Language.DE: (
            "*#{ticket_id}* wurde von <@{actor}> freigegeben: es ist jetzt Neu in der "
            "Warteschlange des Teams."
        ),
    },
    "bot.dm.rejected": {
        Language.EN: "*#{ticket_id}* was rejected by <@{actor}> and is closed. The reason:\n{reason}",
        Language.DE: (
            "*#{ticket_id}* wurde von <@{actor}> abgelehnt und ist geschlossen. Der Grund:\n{reason}"
        ),
    },
    "bot.thread.approved": {
        Language.EN: "<@{actor}> approved *#{ticket_id}*: it is in the queue now.",
        Language.DE: "<@{actor}> hat *#{ticket_id}* freigegeben: es ist jetzt in der Warteschlange.",
    },
}
