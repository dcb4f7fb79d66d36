"""`/ticket stats`' approvals in SQL: the decisions of the period and the tickets waiting
for one, of the teams the reader may see."""

from __future__ import annotations

from datetime import datetime, timedelta
from statistics import median

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from flashticket_core.adapters.approval_tables import TicketApproval
from flashticket_core.adapters.sql_team_scope import in_teams
from flashticket_core.domain.enums import Status
from flashticket_core.domain.model import Ticket
from flashticket_core.domain.permissions import TeamScope
from flashticket_core.service_layer.dashboard import ApprovalFigures


def approval_figures(
    session: Session, *, now: datetime, days: int, teams: TeamScope
) -> ApprovalFigures:
    live = [Ticket.deleted_at.is_(None), in_teams(teams)]
    decided = session.execute(
        select(TicketApproval.approved, TicketApproval.waited_seconds)
        .join(Ticket, Ticket.id == TicketApproval.ticket_id)
        .where(*live, TicketApproval.decided_at >= now - timedelta(days=days))
    ).all()
    waiting = session.scalar(
        select(func.count())
        .select_from(Ticket)
        .where(*live, Ticket.status == Status.PENDING_APPROVAL)
    )
    waited = [row.waited_seconds for row in decided if row.waited_seconds is not None]
    return ApprovalFigures(
        decided=len(decided),
        rejected=sum(1 for row in decided if row.approved is False),
        median_business_seconds=median(waited) if waited else None,
        waiting=int(waiting or 0),
    )
