"""What the help desk remembers of people beside their tickets: the names they were seen
with (for exports) and whose App Home to keep current."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import replace

from flashticket_core.domain.model import NAME_MAX
from flashticket_core.domain.permissions import Action, authorize
from flashticket_core.errors import InvalidInput
from flashticket_core.service_layer.common import Area, Environment, is_person_id
from flashticket_core.service_layer.queue_view import MAX_QUEUE_PAGE, QueueView
from flashticket_core.service_layer.unit_of_work import ConcurrentUpdate

log = logging.getLogger("flashticket.service")


def _clean_name(name: str) -> str:
    return " ".join(name.split())[:NAME_MAX]


class People(Area):
    def __init__(self, env: Environment) -> None:
        super().__init__(env)
        # The names this process has stored, so an unchanged name costs no write.
        self._names: dict[str, str] = {}

    def knows_name(self, user_id: str, name: str) -> bool:
        """Whether `name` is what this process last stored for the user (no database)."""
        return self._names.get(user_id) == _clean_name(name)

    def remember_names(self, names: Mapping[str, str]) -> None:
        """Store the names people were seen with; best effort, never an error for the
        person: a name is a convenience, not a record."""
        changed = {
            user_id: _clean_name(name)
            for user_id, name in names.items()
            if is_person_id(user_id) and _clean_name(name)
        }
        changed = {u: n for u, n in changed.items() if self._names.get(u) != n}
        if not changed:
            return
        try:
            with self.env.units() as uow:
                for user_id, name in changed.items():
                    uow.people.remember_name(user_id, name, at=self._now())
                uow.commit()
        except ConcurrentUpdate:
            # Another replica stored the same person at the same moment.
            log.info("names of %s stored elsewhere meanwhile", sorted(changed))
            return
        self._names.update(changed)

    def home_opened(self, actor_id: str) -> None:
        """Remember that the actor looks at their App Home, so changes keep it current."""
        with self.env.units() as uow:
            uow.people.home_opened(actor_id, at=self._now())
            uow.commit()

    def choose_queue_view(self, actor_id: str, view: QueueView) -> None:
        """Remember the queue support chose on their App Home (its filters, sort and
        page), for the next time it is shown. A team the desk does not have is refused."""
        if view.team is not None and view.team not in self.env.teams:
            allowed = ", ".join(self.env.teams)
            raise InvalidInput(
                "error.unknown_team", field="team", value=view.team[:40], allowed=allowed
            )
        view = replace(view, page=max(1, min(view.page, MAX_QUEUE_PAGE)))
        with self.env.units() as uow:
            authorize(self._actor(uow, actor_id), Action.FILTER_OTHERS)
            uow.people.save_queue_view(actor_id, view, at=self._now())
            uow.commit()
