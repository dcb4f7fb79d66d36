"""Who is support and who administers, as the read side shows it: the roles, the
teams' members and the audit trail of role changes."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from flashticket_core.adapters.repository import teams_of
from flashticket_core.domain.enums import Role
from flashticket_core.domain.model import RoleAssignment, RoleChange, TeamMembership
from flashticket_core.service_layer.reads import PeopleReads
from flashticket_core.service_layer.views import RoleHistoryChange


class SqlPeopleReads(PeopleReads):
    def __init__(self, session: Session) -> None:
        self.session = session

    def role_of(self, user_id: str) -> Role:
        assignment = self.session.get(RoleAssignment, user_id)
        return Role.USER if assignment is None else assignment.role

    def teams_of(self, user_id: str) -> frozenset[str]:
        return teams_of(self.session, user_id)

    def team_members(self) -> list[TeamMembership]:
        return team_members(self.session)

    def role_assignments(self) -> list[RoleAssignment]:
        return role_assignments(self.session)

    def role_changes(self, user_id: str | None) -> list[RoleHistoryChange]:
        return role_changes(self.session, user_id)


def team_members(session: Session) -> list[TeamMembership]:
    query = select(TeamMembership).order_by(
        TeamMembership.team_id, TeamMembership.source, TeamMembership.user_id
    )
    return list(session.scalars(query))


def role_assignments(session: Session) -> list[RoleAssignment]:
    return list(session.scalars(select(RoleAssignment).order_by(RoleAssignment.user_id)))


def role_changes(session: Session, user_id: str | None) -> list[RoleHistoryChange]:
    """The role audit trail, oldest first; `field` is the user whose role changed,
    `team` the team of a change of support in one team."""
    query = select(RoleChange).order_by(RoleChange.id)
    if user_id is not None:
        query = query.where(RoleChange.user_id == user_id)
    return [
        RoleHistoryChange(
            actor_id=c.actor_id,
            field=c.user_id,
            old=c.old_role,
            new=c.new_role,
            at=c.at,
            team=c.team_id,
        )
        for c in session.scalars(query)
    ]
