"""What the delivery worker needs of the world: a `Transport` that turns a message into a
real one and says how it failed, and the stored outbox (`OutboxStore`)."""

from __future__ import annotations

import abc
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from flashticket_core.metrics import OutboxHealth
from flashticket_core.service_layer.delivery.outgoing import Outgoing
from flashticket_core.service_layer.outbox import ThreadSide

# Admins hear of the same reason (the support channel archived, say) once in this long,
# not once per message that fails for it.
ADMIN_NOTICE_QUIET = timedelta(hours=12)


class TemporaryFailure(Exception):
    """Try again later; `retry_after` is the server's own wish, in seconds, and
    `rate_limited` says the server refused for the rate of calls.

    `log_fields` are the transport's own words for the failure (its error code), put on
    the log line about it as fields of their own; never a message's text. `maybe_sent`:
    the attempt may have reached the receiver (a timeout, a reset, a 5xx after sending),
    so the next try looks before it sends again."""

    def __init__(
        self,
        reason: str,
        retry_after: float | None = None,
        *,
        rate_limited: bool = False,
        log_fields: Mapping[str, str] | None = None,
        maybe_sent: bool = False,
    ) -> None:
        super().__init__(reason)
        self.reason = reason
        self.retry_after = retry_after
        self.rate_limited = rate_limited
        self.log_fields: Mapping[str, str] = log_fields or {}
        self.maybe_sent = maybe_sent


class LeaseLost(Exception):
    """This worker no longer holds the message's lease: another worker may be sending
    it, so this one must neither send it nor record anything about it."""


class PermanentFailure(Exception):
    """Retrying will not help (unknown channel, revoked token); an admin must look.

    `tell`: a person would miss what the message said, so the failure is told once
    (`FailureNotice`). `card_unreachable`: the refusal came from the ticket's card or
    the support channel itself (archived, the bot removed), so the card's thread is no
    place to tell it."""

    def __init__(
        self,
        reason: str,
        *,
        log_fields: Mapping[str, str] | None = None,
        tell: bool = False,
        card_unreachable: bool = False,
    ) -> None:
        super().__init__(reason)
        self.reason = reason
        self.log_fields: Mapping[str, str] = log_fields or {}
        self.tell = tell
        self.card_unreachable = card_unreachable


@dataclass(frozen=True)
class FailureNotice:
    """A message failed for good and people must hear of it, once: in its ticket's
    card's thread, or (`to_admins`) by DM to each admin when there is no card to tell
    it under. Written with the failure, in the same transaction."""

    failed_id: int
    failed_kind: str
    ticket_id: int | None
    error: str
    to_admins: bool
    at: datetime


@dataclass(frozen=True)
class Delivered:
    channel: str | None = None
    ts: str | None = None
    # How many posts it took (the parts of a long text): each counts against the pace.
    posts: int = 1


class Transport(abc.ABC):
    """Turns an outgoing message into a real one (Slack, a console, a test double)."""

    @abc.abstractmethod
    def deliver(self, message: Outgoing) -> Delivered:
        """Send it, or raise TemporaryFailure / PermanentFailure."""

    def channel_of(self, message: Outgoing) -> str | None:
        """The conversation the message is posted to, when the receiver limits the pace
        of posts per conversation; None for what is not paced (edits, App Homes)."""
        return None


@dataclass(frozen=True)
class Sent:
    """A message Slack took, and where it landed, not yet recorded."""

    message: Outgoing
    delivered: Delivered
    at: datetime
    begins: ThreadSide | None


class OutboxStore(abc.ABC):
    """The outbox as a delivery worker sees it. Each call is one committed transaction,
    so what a worker recorded survives its crash."""

    @abc.abstractmethod
    def claim(
        self,
        *,
        now: datetime,
        lease: timedelta,
        worker_id: str,
        batch_size: int,
        ready: Callable[[Outgoing, bool], bool] | None = None,
    ) -> tuple[list[Outgoing], int]:
        """Lease up to `batch_size` due messages to `worker_id` until `now + lease`,
        oldest first: pending, due, not leased to a worker now, and none of a ticket
        while an earlier message of that ticket is pending. A card update is pointless
        when a later one for the same card is waiting: it is marked superseded instead.
        With `ready`, each due message is shown to it with whether it must wait behind
        an earlier one of its ticket that is due now (then it is not leased, but its
        conversation waits behind it); one `ready` refuses (its conversation's pace) is
        passed over, not leased, and later ones are looked at in its place. A message whose last holder may have
        delivered it (it left it leased, or its attempt's answer was lost) comes back
        with `maybe_sent`. Returns the leased messages, with their ticket and threads as
        they are now, and how many were superseded."""

    @abc.abstractmethod
    def renew(self, message_ids: Collection[int], *, worker_id: str, until: datetime) -> set[int]:
        """Extend the worker's leases of these messages to `until`; returns those it
        still holds (pending, and no other worker claimed them since)."""

    @abc.abstractmethod
    def record_part(
        self, message_id: int, parts_delivered: int, ts: str | None, *, holder: str | None = None
    ) -> None:
        """How many parts of the message are out, and where the last of them landed
        (with `holder`: only while that worker holds the message)."""

    @abc.abstractmethod
    def record_sent(self, sent: Sequence[Sent], *, holder: str | None = None) -> set[int]:
        """These messages are sent, in one transaction: for each, count the attempt,
        end the lease, keep where it landed, and, if it `begins` one of its ticket's
        threads, where that thread is. A message gone meanwhile is passed over, and so,
        with `holder`, is one that worker no longer holds. Returns the ids recorded."""

    @abc.abstractmethod
    def retry_later(
        self,
        message_id: int,
        *,
        error: str,
        next_attempt: Callable[[int], datetime | None],
        maybe_sent: bool = False,
        holder: str | None = None,
        notice: FailureNotice | None = None,
    ) -> None:
        """Count the failed attempt, keep its error and end the lease. `next_attempt`
        is given the attempts made so far and says when to try again, or None to mark
        the message failed (then the `notice` is written with it, as by `mark_failed`).
        `maybe_sent`: the attempt may have been delivered, so the next claim says so.
        Nothing happens to a message that is gone, nor, with `holder`, to one that
        worker no longer holds."""

    @abc.abstractmethod
    def mark_failed(
        self,
        message_id: int,
        *,
        error: str,
        notice: FailureNotice | None = None,
        holder: str | None = None,
    ) -> None:
        """Count the attempt and mark the message failed for good, with the reason; in
        the same transaction, write the `notice` that tells people of it (to admins: one
        DM each, unless one about the same reason went to them within `ADMIN_NOTICE_QUIET`).
        With `holder`: only while that worker holds the message."""

    @abc.abstractmethod
    def release(self, message_id: int, worker_id: str, *, maybe_sent: bool = False) -> None:
        """End the worker's lease of a message it did not try: it is due again at once
        (`maybe_sent`: as it came, an earlier attempt may have been delivered)."""

    @abc.abstractmethod
    def health(self, *, now: datetime) -> OutboxHealth:
        """How many messages wait (and since when), and how many failed for good."""


@dataclass(frozen=True)
class FailedMessage:
    """A message that failed for good, as `flashticket doctor` lists it."""

    id: int
    kind: str
    ticket_id: int | None
    error: str | None
    attempts: int
