"""The outbound read model: a message as a transport is handed it, with its ticket as it
is now (the card always shows the latest) and where the ticket's threads are in chat.
The ticket is the read model every rendering shares (`views.TicketSummary`)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from flashticket_core.service_layer.outbox import MessageKind
from flashticket_core.service_layer.views import TicketSummary


@dataclass(frozen=True)
class Thread:
    reporter_channel: str | None = None
    reporter_ts: str | None = None
    support_channel: str | None = None
    support_ts: str | None = None
    # A message to a follower: their own DM thread about the ticket, once begun.
    follower_channel: str | None = None
    follower_ts: str | None = None


def _nowhere(parts_delivered: int, ts: str | None) -> None:
    """Where a message handed to a transport outside a worker records its parts."""


def _held_anyway() -> None:
    """A message handed to a transport outside a worker has no lease to lose."""


@dataclass(frozen=True)
class RelayedCopy:
    """Where a conversation entry's copy is in chat: one message per part, in order."""

    channel: str
    parts: tuple[str, ...]


@dataclass(frozen=True)
class Outgoing:
    id: int
    kind: MessageKind
    ticket_id: int | None
    payload: dict[str, Any]
    ticket: TicketSummary | None
    thread: Thread
    # A transport that sends a message in several parts starts at this one and calls
    # `part_delivered(n, ts)` once part n is out (at ts), so a retry never repeats a part.
    parts_delivered: int = 0
    part_delivered: Callable[[int, str | None], None] = field(default=_nowhere, compare=False)
    # For an edit or a withdrawal: the entry's copy as last delivered; None if it never
    # went out.
    copy: RelayedCopy | None = None
    # An earlier attempt may have been delivered without its outcome being recorded
    # (its answer was lost, or its worker died holding the lease).
    maybe_sent: bool = False
    # When the message was written: no attempt of it is older (where to look back from).
    created_at: datetime | None = None
    # For a message about several tickets (a sweep's reminders or escalations): each
    # listed ticket as it is now and its threads; a ticket gone since is left out.
    listed: Mapping[int, tuple[TicketSummary, Thread]] = field(default_factory=dict)
    # Raises LeaseLost if the worker no longer holds the message: a transport calls it
    # right before a step that cannot be undone (sharing an uploaded file).
    ensure_held: Callable[[], None] = field(default=_held_anyway, compare=False)
    # A file relay: the files earlier attempts uploaded (recorded before each was
    # shared), the latest last; one of them may be shared already.
    uploads: tuple[str, ...] = ()
