"""Who is support and who administers: grants, revocations and their audit trail; and
who is a member of which team (support for its tickets), for which reason."""

from __future__ import annotations

from datetime import datetime

from flashticket_core.domain import events
from flashticket_core.domain.enums import MemberSource, Role
from flashticket_core.domain.model import RoleAssignment, RoleChange, TeamMembership
from flashticket_core.domain.permissions import Action, Actor, authorize, authorize_role_change
from flashticket_core.errors import InvalidInput
from flashticket_core.service_layer import views
from flashticket_core.service_layer.common import Area, validate_user_id
from flashticket_core.service_layer.unit_of_work import ConcurrentUpdate


class Roles(Area):
    def role_of(self, user_id: str) -> Role:
        return self._reader(user_id).role

    def actor_of(self, user_id: str) -> Actor:
        """The person's role and teams, as every operation looks them up."""
        return self._reader(user_id)

    def grant(self, actor_id: str, user_id: str, role: Role) -> events.RoleChanged | None:
        """Give `user_id` the role; None if they already had it."""
        user_id = validate_user_id(user_id)
        with self.env.units() as uow:
            authorize_role_change(
                self._actor(uow, actor_id),
                user_id,
                role,
                configured_admins=self.env.configured_admins,
            )
            current = uow.roles.get(user_id)
            old = uow.roles.role_of(user_id)
            if old is role:
                return None
            now = self._now()
            if role is Role.USER:
                assert current is not None
                uow.roles.remove(current)
            elif current is None:
                uow.roles.add(
                    RoleAssignment(user_id=user_id, role=role, granted_by=actor_id, granted_at=now)
                )
            else:
                current.role, current.granted_by, current.granted_at = role, actor_id, now
            change = RoleChange(
                user_id=user_id, old_role=old, new_role=role, actor_id=actor_id, at=now
            )
            uow.roles.record(change)
            self._commit(uow, None)
            return change.event()

    def revoke(self, actor_id: str, user_id: str) -> events.RoleChanged | None:
        return self.grant(actor_id, user_id, Role.USER)

    def list_roles(self, actor_id: str) -> list[tuple[str, Role, bool]]:
        """(user ID, role, configured) for every admin and support person."""
        with self.env.reads() as reads:
            authorize(self._reading(reads, actor_id), Action.MANAGE_ROLES)
            stored = [(a.user_id, a.role, False) for a in reads.people.role_assignments()]
        configured_admins = self.env.configured_admins
        configured = [(user_id, Role.ADMIN, True) for user_id in sorted(configured_admins)]
        return configured + [row for row in stored if row[0] not in configured_admins]

    def role_history(
        self, actor_id: str, user_id: str | None = None
    ) -> list[views.RoleHistoryChange]:
        with self.env.reads() as reads:
            authorize(self._reading(reads, actor_id), Action.MANAGE_ROLES)
            return reads.people.role_changes(user_id)

    def grant_team(self, actor_id: str, user_id: str, team_id: str) -> bool:
        """Make `user_id` support in one team (`/ticket-admin grant @x support <team>`);
        False if an administrator had granted it already."""
        user_id = validate_user_id(user_id)
        with self.env.units() as uow:
            authorize(self._actor(uow, actor_id), Action.MANAGE_ROLES)
            team_id = self._team(team_id)
            if uow.members.get(team_id, user_id, MemberSource.GRANT) is not None:
                return False
            now = self._now()
            uow.members.add(
                TeamMembership(
                    team_id=team_id,
                    user_id=user_id,
                    source=MemberSource.GRANT,
                    granted_by=actor_id,
                    granted_at=now,
                )
            )
            uow.roles.record(_team_change(actor_id, user_id, team_id, Role.SUPPORT, now))
            self._commit(uow, None)
            return True

    def revoke_team(self, actor_id: str, user_id: str, team_id: str) -> bool:
        """Take back the grant of support in one team; False if there was none. A
        membership from the desk file or the user group stays: it is changed there."""
        user_id = validate_user_id(user_id)
        with self.env.units() as uow:
            authorize(self._actor(uow, actor_id), Action.MANAGE_ROLES)
            team_id = self._team(team_id)
            granted = uow.members.get(team_id, user_id, MemberSource.GRANT)
            if granted is None:
                return False
            uow.members.remove(granted)
            uow.roles.record(_team_change(actor_id, user_id, team_id, Role.USER, self._now()))
            self._commit(uow, None)
            return True

    def team_members(self, actor_id: str) -> dict[str, dict[MemberSource, list[str]]]:
        """Each team's members by reason (the desk file, the user group, a grant)."""
        with self.env.reads() as reads:
            authorize(self._reading(reads, actor_id), Action.VIEW_TEAMS)
            members: dict[str, dict[MemberSource, list[str]]] = {}
            for row in reads.people.team_members():
                members.setdefault(row.team_id, {}).setdefault(row.source, []).append(row.user_id)
            return members

    def refresh_group_members(self, team_id: str, user_ids: frozenset[str]) -> bool:
        """The team's user group holds `user_ids` now (the chat said so); True if that
        changed who is a member. Not a person's act: the periodic refresh's."""
        with self.env.units() as uow:
            changed = uow.members.replace(
                team_id, MemberSource.USERGROUP, user_ids, now=self._now()
            )
            if not changed:
                return False
            try:
                uow.commit()
            except ConcurrentUpdate:
                return False  # another replica wrote the same members at the same time
            return True

    def _team(self, team_id: str) -> str:
        team_id = team_id.strip().lower()
        if team_id not in self.env.teams:
            raise InvalidInput(
                "error.unknown_team",
                field="team",
                value=team_id[:40],
                allowed=", ".join(self.env.teams),
            )
        return team_id


def _team_change(actor_id: str, user_id: str, team_id: str, new: Role, at: datetime) -> RoleChange:
    """Support in one team granted (`new` SUPPORT) or revoked (`new` USER), as the audit
    trail and the person's DM tell it."""
    old = Role.USER if new is Role.SUPPORT else Role.SUPPORT
    return RoleChange(
        user_id=user_id, old_role=old, new_role=new, actor_id=actor_id, at=at, team_id=team_id
    )
