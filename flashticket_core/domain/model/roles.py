"""Who is support and who administers, who is a member of which team, and the audit
trail of role changes."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, String
from sqlalchemy.orm import Mapped, mapped_column

from flashticket_core.domain import events
from flashticket_core.domain.enums import MemberSource, Role
from flashticket_core.domain.model.base import Base, enum_column
from flashticket_core.domain.model.values import DESK_ID_MAX, USER_ID_MAX


class RoleAssignment(Base):
    """A Slack user's role; a user without a row is a plain user."""

    __tablename__ = "role_assignments"

    user_id: Mapped[str] = mapped_column(String(USER_ID_MAX), primary_key=True)
    role: Mapped[Role] = mapped_column(enum_column(Role, "role"))
    granted_by: Mapped[str] = mapped_column(String(USER_ID_MAX))
    granted_at: Mapped[datetime]


class RoleChange(Base):
    """The audit trail of role changes: of the global role, or (`team_id`) of support in
    one team, recorded as from user to support and back."""

    __tablename__ = "role_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[str] = mapped_column(String(USER_ID_MAX))
    old_role: Mapped[Role] = mapped_column(enum_column(Role, "old_role"))
    new_role: Mapped[Role] = mapped_column(enum_column(Role, "new_role"))
    actor_id: Mapped[str] = mapped_column(String(USER_ID_MAX))
    at: Mapped[datetime]
    team_id: Mapped[str | None] = mapped_column(String(DESK_ID_MAX), default=None)

    def event(self) -> events.RoleChanged:
        return events.RoleChanged(
            actor_id=self.actor_id,
            user_id=self.user_id,
            old=self.old_role,
            new=self.new_role,
            team_id=self.team_id,
        )


class TeamMembership(Base):
    """A person is a member of a team (support for its tickets) for a reason: the desk
    file names them, the team's user group holds them, or an administrator granted it.
    One row per reason, so a revoked grant leaves the desk file's membership standing."""

    __tablename__ = "team_members"
    # An actor's teams, read on every operation.
    __table_args__ = (Index("ix_team_members_user_id", "user_id", "team_id"),)

    team_id: Mapped[str] = mapped_column(String(DESK_ID_MAX), primary_key=True)
    user_id: Mapped[str] = mapped_column(String(USER_ID_MAX), primary_key=True)
    source: Mapped[MemberSource] = mapped_column(
        enum_column(MemberSource, "source"), primary_key=True
    )
    # Who granted it and when (a grant); the job or start that wrote it otherwise.
    granted_by: Mapped[str | None] = mapped_column(String(USER_ID_MAX))
    granted_at: Mapped[datetime]
