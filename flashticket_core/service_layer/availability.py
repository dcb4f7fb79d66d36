"""Who is away: the port assignment by rule asks before it gives someone a ticket.

The chat adapter answers (bot/availability.py reads Slack's presence and status
emoji); the core never asks the chat itself. A person the adapter cannot tell about
counts as available: a ticket given to someone who is away after all moves on after
the team's `reassign_after`, whereas counting the unknown as away would leave every
ticket unassigned whenever the chat cannot be asked."""

from __future__ import annotations

import abc
from collections.abc import Collection


class Availability(abc.ABC):
    @abc.abstractmethod
    def away(self, user_ids: Collection[str]) -> frozenset[str]:
        """Those of `user_ids` who are away now."""


class EveryoneAvailable(Availability):
    """Nobody is away (a desk without a chat adapter that can tell)."""

    def away(self, user_ids: Collection[str]) -> frozenset[str]:
        return frozenset()


class AvailabilityRelay(Availability):
    """The availability the chat adapter plugs in once it has its client (the core is
    built before it); everyone is available until then."""

    def __init__(self) -> None:
        self.source: Availability = EveryoneAvailable()

    def use(self, source: Availability) -> None:
        self.source = source

    def away(self, user_ids: Collection[str]) -> frozenset[str]:
        return self.source.away(user_ids)
