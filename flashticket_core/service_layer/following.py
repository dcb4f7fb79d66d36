"""Followers: people kept informed of a ticket in their own DM thread (the outbox's
`follower_news.py` says what they are told). Support follows and unfollows from the
card; a follower unfollows from their DM thread; the reporter names people to keep
informed when opening a ticket (`checked_followers`), and support may open a ticket on
behalf of someone else (`on_behalf_for`), who then is its reporter."""

from __future__ import annotations

from collections.abc import Sequence

from flashticket_core.domain.model import FOLLOWERS_MAX
from flashticket_core.domain.permissions import Action, authorize
from flashticket_core.errors import InvalidInput
from flashticket_core.service_layer import views
from flashticket_core.service_layer.common import Area, validate_user_id


def checked_followers(people: Sequence[str], reporter: str) -> tuple[str, ...]:
    """The people named to keep informed, each once, in the order named; the reporter,
    who hears of everything anyway, is left out rather than refused."""
    kept: list[str] = []
    for person in people:
        validate_user_id(person)
        if person != reporter and person not in kept:
            kept.append(person)
    if len(kept) > FOLLOWERS_MAX:
        raise InvalidInput("error.too_many_followers", field="followers", limit=FOLLOWERS_MAX)
    return tuple(kept)


def on_behalf_for(actor_id: str, person: str | None, reporter_id: str | None) -> str | None:
    """Whom a ticket is opened for, if not the actor: naming oneself is opening one's own
    ticket. A ticket made from a message is its author's already: not both at once."""
    if person is None or person == actor_id:
        return None
    validate_user_id(person)
    if reporter_id is not None and reporter_id != person:
        raise InvalidInput("error.on_behalf_and_message", field="on_behalf")
    return person


class Following(Area):
    def follow(self, actor_id: str, ticket_id: int) -> tuple[views.TicketSummary, bool]:
        """The actor follows the ticket; False with it if they did already."""
        with self.env.units() as uow:
            actor = self._actor(uow, actor_id)
            authorize(actor, Action.FOLLOW)
            ticket = self._ticket(uow, ticket_id)
            authorize(actor, Action.FOLLOW, ticket)
            added = ticket.follow(actor_id, actor_id=actor_id, now=self._now())
            if added:
                self._commit(uow, ticket_id)
            return views.TicketSummary.of(ticket), added

    def unfollow(self, actor_id: str, ticket_id: int) -> views.TicketSummary:
        with self.env.units() as uow:
            actor = self._actor(uow, actor_id)
            ticket = self._ticket(uow, ticket_id)
            authorize(actor, Action.UNFOLLOW, ticket)
            ticket.unfollow(actor_id, actor_id=actor_id, now=self._now())
            self._commit(uow, ticket_id)
            return views.TicketSummary.of(ticket)
