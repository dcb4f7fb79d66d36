"""What approvals need of the schema: each approval ticket's request and its decision
(`ticket_approvals`), and the members of the Slack user groups named as approvers
(`usergroup_members`), read like a team's user group."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, Float, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from flashticket_core.domain.model import CHAT_ID_MAX, USER_ID_MAX, Base


class TicketApproval(Base):
    """The approval a ticket of a type with approvers waits for: whom it was asked of
    (space-separated user ids, as the desk file and the user group said at opening), and
    the first decision, written by a conditional UPDATE (`decided_at IS NULL`), so two
    approvers deciding at once make exactly one decision."""

    __tablename__ = "ticket_approvals"
    __table_args__ = (
        # `/ticket stats`: the decisions of a period.
        Index(None, "decided_at"),
    )

    ticket_id: Mapped[int] = mapped_column(
        ForeignKey("tickets.id", ondelete="CASCADE"), primary_key=True
    )
    approvers: Mapped[str] = mapped_column(Text)
    requested_at: Mapped[datetime]
    decided_at: Mapped[datetime | None]
    decided_by: Mapped[str | None] = mapped_column(String(USER_ID_MAX))
    approved: Mapped[bool | None] = mapped_column(Boolean)
    reason: Mapped[str | None] = mapped_column(Text)
    # The business time (the team's calendar) from the request to the decision.
    waited_seconds: Mapped[float | None] = mapped_column(Float)


class UserGroupMember(Base):
    """A member of a Slack user group a request type names as its approvers."""

    __tablename__ = "usergroup_members"

    usergroup: Mapped[str] = mapped_column(String(CHAT_ID_MAX), primary_key=True)
    user_id: Mapped[str] = mapped_column(String(USER_ID_MAX), primary_key=True)
