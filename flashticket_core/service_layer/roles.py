"""Who is support and who administers: grants, revocations and their audit trail."""

from __future__ import annotations

from flashticket_core.domain import events
from flashticket_core.domain.enums import Role
from flashticket_core.domain.model import RoleAssignment, RoleChange
from flashticket_core.domain.permissions import Action, authorize, authorize_role_change
from flashticket_core.service_layer import views
from flashticket_core.service_layer.common import Area, validate_user_id


class Roles(Area):
    def role_of(self, user_id: str) -> Role:
        return self._reader(user_id).role

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
            authorize(self.env.actor(actor_id, reads.role_of), Action.MANAGE_ROLES)
            stored = [(a.user_id, a.role, False) for a in reads.role_assignments()]
        configured_admins = self.env.configured_admins
        configured = [(user_id, Role.ADMIN, True) for user_id in sorted(configured_admins)]
        return configured + [row for row in stored if row[0] not in configured_admins]

    def role_history(self, actor_id: str, user_id: str | None = None) -> list[views.Change]:
        with self.env.reads() as reads:
            authorize(self.env.actor(actor_id, reads.role_of), Action.MANAGE_ROLES)
            return reads.role_changes(user_id)
