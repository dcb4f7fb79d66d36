"""The team rule in SQL: the one filter every read of tickets adds, so a list, a search,
a figure and an export leave out the same tickets (`Actor.visible_teams`)."""

from __future__ import annotations

from sqlalchemy import ColumnElement, false, true

from flashticket_core.domain.model import Ticket
from flashticket_core.domain.permissions import TeamScope


def in_teams(scope: TeamScope) -> ColumnElement[bool]:
    """Tickets of the teams `scope` covers. Every team but a few (support beside a
    private team) is a NOT IN, so the indexes that lead with the queue's order still
    read from the top; a member's few teams are an IN."""
    if scope.nothing:
        return false()
    condition: ColumnElement[bool] = true()
    if scope.only is not None:
        condition = Ticket.team_id.in_(sorted(scope.only - scope.excluded))
    elif scope.excluded:
        condition = Ticket.team_id.not_in(sorted(scope.excluded))
    return condition
