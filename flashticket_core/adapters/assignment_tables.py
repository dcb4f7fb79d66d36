"""What assignment by rule needs of the schema: each team's turn of its round robin
(`assignment_turns`, one row a team, advanced by an atomic update, so replicas share
one rotation and a restart keeps it), and each assignment the rule made
(`ticket_assignments`: who had the ticket, and when it moves on if nobody answers)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Index, Integer, String, text
from sqlalchemy.orm import Mapped, mapped_column

from flashticket_core.domain.model import DESK_ID_MAX, USER_ID_MAX, Base

# The reassignment job's path: the rule's assignments still waiting to move on.
WAITING = "reassign_at IS NOT NULL AND passed_at IS NULL"


class AssignmentTurn(Base):
    """How many turns a team's round robin has given; the next goes to member
    `turns % len(members)` in the members' stable order."""

    __tablename__ = "assignment_turns"

    team_id: Mapped[str] = mapped_column(String(DESK_ID_MAX), primary_key=True)
    turns: Mapped[int] = mapped_column(BigInteger, default=0)


class TicketAssignment(Base):
    """A ticket given to a person by its team's rule: why (`reason`), when it moves to
    the next person without a first response (`reassign_at`), and when it did or
    stopped waiting (`passed_at`)."""

    __tablename__ = "ticket_assignments"
    __table_args__ = (
        Index(
            "ix_ticket_assignments_waiting",
            "reassign_at",
            sqlite_where=text(WAITING),
            postgresql_where=text(WAITING),
        ),
        Index("ix_ticket_assignments_ticket_id", "ticket_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id", ondelete="CASCADE"))
    user_id: Mapped[str] = mapped_column(String(USER_ID_MAX))
    reason: Mapped[str] = mapped_column(String(32))
    assigned_at: Mapped[datetime]
    reassign_at: Mapped[datetime | None]
    passed_at: Mapped[datetime | None]
