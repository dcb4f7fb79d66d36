"""What admins do beside roles: the outbox of undelivered messages, and the export."""

from __future__ import annotations

from datetime import datetime
from typing import IO

from flashticket_core.desk_file import DeskStructure
from flashticket_core.domain.permissions import Action, authorize
from flashticket_core.service_layer import export, views
from flashticket_core.service_layer.common import Area


class Admin(Area):
    def undelivered_messages(self, actor_id: str, *, limit: int = 20) -> list[views.Undelivered]:
        """Messages that failed for good or are still retrying."""
        with self.env.reads() as reads:
            authorize(self._reading(reads, actor_id), Action.OUTBOX)
            return reads.undelivered(limit=limit)

    def retry_failed_messages(self, actor_id: str) -> int:
        """Put every failed message back in the queue; returns how many."""
        with self.env.units() as uow:
            authorize(self._actor(uow, actor_id), Action.OUTBOX)
            count = uow.messages.requeue_failed(self._now())
            uow.commit()
            return count

    def teams(self, actor_id: str) -> DeskStructure:
        """The desk's teams and request types, as the desk file says (without one, the
        one team Support)."""
        authorize(self._reader(actor_id), Action.VIEW_TEAMS)
        return self.env.structure

    def check_can_export(self, actor_id: str) -> None:
        """Raise unless the actor may export (before a long export is started)."""
        authorize(self._reader(actor_id), Action.EXPORT)

    def export_csv(
        self,
        actor_id: str,
        out: IO[str],
        *,
        since: datetime | None = None,
        until: datetime | None = None,
    ) -> int:
        """Write every live ticket created in [since, until) as CSV; returns the count."""
        with self.env.reads() as reads:
            actor = self._reading(reads, actor_id)
            authorize(actor, Action.EXPORT)
            teams = actor.visible_teams(Action.EXPORT)
            field_ids = reads.export_field_ids(since=since, until=until, teams=teams)
            tickets = reads.export_rows(since=since, until=until, teams=teams)
            return export.write_csv(tickets, out, self.env.language, self.env.zone, field_ids)
