"""Tickets opened from other people's messages: how many one person may open for others
in a window (`domain/permissions.py` decides, the tally counts), and the notice of it."""

from __future__ import annotations

from datetime import datetime

from flashticket_core.domain.permissions import Actor, authorize_intake
from flashticket_core.service_layer.common import Area, Environment
from flashticket_core.service_layer.unit_of_work import AbstractUnitOfWork, ConcurrentUpdate


class Intake(Area):
    def check_allowance(self, actor_id: str) -> None:
        """Raise `IntakeLimited` if the actor may open no more tickets from other people's
        messages just now (before a form opens, or a message is read)."""
        with self.env.units() as uow:
            authorize_intake(
                self._actor(uow, actor_id),
                self.env.intake_limit,
                lambda limit: uow.allowances.left(actor_id, now=self._now(), limit=limit) > 0,
            )

    def first_notice_of_limit(self, actor_id: str) -> bool:
        """Record that the actor was refused for the rate; True only the first time in
        their current window, so someone who goes on trying is told once, not per try."""
        limit = self.env.intake_limit
        if limit is None:
            return True
        with self.env.units() as uow:
            first = uow.allowances.first_refusal(actor_id, now=self._now(), limit=limit)
            try:
                uow.commit()
            except ConcurrentUpdate:
                return False
            return first


def take_allowance(env: Environment, uow: AbstractUnitOfWork, actor: Actor, now: datetime) -> None:
    """Count one more ticket the actor opens for someone else, in `uow`'s transaction;
    raise `IntakeLimited` instead when their rate is used up."""
    authorize_intake(
        actor,
        env.intake_limit,
        lambda limit: uow.allowances.take(actor.user_id, now=now, limit=limit),
    )
