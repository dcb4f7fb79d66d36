"""Who is support and who administers, and the audit trail of its changes."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from flashticket_core.domain import events
from flashticket_core.domain.enums import Role
from flashticket_core.domain.model.base import Base, enum_column
from flashticket_core.domain.model.values import USER_ID_MAX


class RoleAssignment(Base):
    """A Slack user's role; a user without a row is a plain user."""

    __tablename__ = "role_assignments"

    user_id: Mapped[str] = mapped_column(String(USER_ID_MAX), primary_key=True)
    role: Mapped[Role] = mapped_column(enum_column(Role, "role"))
    granted_by: Mapped[str] = mapped_column(String(USER_ID_MAX))
    granted_at: Mapped[datetime]


class RoleChange(Base):
    """The audit trail of role changes."""

    __tablename__ = "role_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[str] = mapped_column(String(USER_ID_MAX))
    old_role: Mapped[Role] = mapped_column(enum_column(Role, "old_role"))
    new_role: Mapped[Role] = mapped_column(enum_column(Role, "new_role"))
    actor_id: Mapped[str] = mapped_column(String(USER_ID_MAX))
    at: Mapped[datetime]

    def event(self) -> events.RoleChanged:
        return events.RoleChanged(
            actor_id=self.actor_id, user_id=self.user_id, old=self.old_role, new=self.new_role
        )
