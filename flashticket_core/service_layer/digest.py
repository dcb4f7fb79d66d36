"""The morning digest: on each business day at the configured local time, one message per
team in that team's channel with the counts of its open, unassigned and waiting tickets,
its oldest waiting ones and the top of its open queue. A desk of one team (no desk file:
Support in the support channel) has one digest of every ticket.

Once per business day and team, across replicas and restarts: the day and the team are
recorded in the database in the same transaction as the outbox message (they are the
table's primary key), so a second replica, or a second round, finds them taken. A
replica that starts after the digest time still sends the day's digests not sent yet.

The timers engine adds what only it knows (targets breached, due today) through
`DigestAddition`s: each one fills the digest's optional counts before it is queued.
"""

from __future__ import annotations

import abc
import json
import logging
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from flashticket_core.domain.business_time import BusinessCalendar
from flashticket_core.domain.enums import Priority, Status
from flashticket_core.domain.model import DEFAULT_TEAM_ID
from flashticket_core.service_layer.jobs import Leases
from flashticket_core.service_layer.outbox import MessageKind, NewMessage

log = logging.getLogger(__name__)

# How many tickets each list of the digest names.
DIGEST_TOP = 5
DIGEST_LEASE = timedelta(minutes=2)


@dataclass(frozen=True)
class DigestTicket:
    id: int
    title: str
    priority: Priority
    status: Status
    assignee_id: str | None
    created_at: datetime


@dataclass(frozen=True)
class Digest:
    """The digest's read model. `breached` and `due_today` stay None until a
    `DigestAddition` (the timers engine's) fills them; the message shows them only then.
    `team` is the team whose channel it goes to; `of_team` whether it counts that team's
    tickets alone (a desk of several teams) or every ticket (a desk of one)."""

    day: date
    open: int
    unassigned: int
    waiting: int
    oldest_waiting: Sequence[DigestTicket] = ()
    top_open: Sequence[DigestTicket] = ()
    breached: int | None = None
    due_today: int | None = None
    breached_tickets: Sequence[DigestTicket] = field(default=())
    due_today_tickets: Sequence[DigestTicket] = field(default=())
    team: str = DEFAULT_TEAM_ID
    of_team: bool = False

    @property
    def team_filter(self) -> str | None:
        """The team whose tickets it counts; None: every ticket."""
        return self.team if self.of_team else None

    def payload(self) -> dict[str, Any]:
        """As the outbox stores it: JSON-ready, read back by `Digest.from_payload`."""
        data = asdict(self)
        data["day"] = self.day.isoformat()
        for name in _TICKET_LISTS:
            for ticket in data[name]:
                ticket["created_at"] = ticket["created_at"].isoformat()
                ticket["priority"] = ticket["priority"].value
                ticket["status"] = ticket["status"].value
        return data

    @classmethod
    def from_payload(cls, data: dict[str, Any]) -> Digest:
        lists = {
            name: tuple(
                DigestTicket(
                    id=int(item["id"]),
                    title=str(item["title"]),
                    priority=Priority(item["priority"]),
                    status=Status(item["status"]),
                    assignee_id=item.get("assignee_id"),
                    created_at=datetime.fromisoformat(item["created_at"]),
                )
                for item in data.get(name, ())
            )
            for name in _TICKET_LISTS
        }
        return cls(
            day=date.fromisoformat(data["day"]),
            open=int(data["open"]),
            unassigned=int(data["unassigned"]),
            waiting=int(data["waiting"]),
            breached=data.get("breached"),
            due_today=data.get("due_today"),
            team=str(data.get("team") or DEFAULT_TEAM_ID),
            of_team=bool(data.get("of_team", False)),
            **lists,
        )


_TICKET_LISTS = ("oldest_waiting", "top_open", "breached_tickets", "due_today_tickets")

# Fills in what another part of the help desk knows (the timers engine: breached, due
# today), given the digest and the instant it is made at.
DigestAddition = Callable[[Digest, datetime], Digest]


class DigestStore(abc.ABC):
    """What the digest job reads and writes; each call is one transaction."""

    @abc.abstractmethod
    def sent_on(self, day: date, team: str = DEFAULT_TEAM_ID) -> bool:
        """Whether the digest of `day` for `team` is recorded already."""

    @abc.abstractmethod
    def read(
        self, day: date, *, top: int, team: str = DEFAULT_TEAM_ID, of_team: bool = False
    ) -> Digest:
        """The counts and the `top` tickets of each list, as they are now: of `team`'s
        tickets with `of_team`, else of every ticket."""

    @abc.abstractmethod
    def record(self, day: date, message: NewMessage, team: str = DEFAULT_TEAM_ID) -> bool:
        """Record `day` for `team` and queue `message` in one transaction; False if it is
        recorded already (another replica was first)."""


def digest_day(calendar: BusinessCalendar, digest_time: time | None, now: datetime) -> date | None:
    """The local day whose digest is due at `now`: a business day whose digest time has
    passed. None when the digest is off, too early, or today is not a business day."""
    if digest_time is None:
        return None
    local = now.astimezone(calendar.zone)
    if local.time().replace(tzinfo=None) < digest_time:
        return None
    if not calendar.is_business_day(local.date()):
        return None
    return local.date()


def digest_message(digest: Digest, now: datetime) -> NewMessage:
    return NewMessage(
        kind=MessageKind.SUPPORT_DIGEST,
        ticket_id=None,
        payload=json.dumps(digest.payload(), ensure_ascii=False),
        next_attempt_at=now,
        created_at=now,
    )


def send_digest_if_due(
    store: DigestStore,
    calendar: BusinessCalendar,
    digest_time: time | None,
    now: datetime,
    additions: Sequence[DigestAddition] = (),
    teams: Sequence[str] = (DEFAULT_TEAM_ID,),
) -> bool:
    """Queue today's digest of each of `teams` that is due and not sent; True if this
    call queued any. One team's digest counts every ticket; of several teams, each
    counts its own."""
    day = digest_day(calendar, digest_time, now)
    if day is None:
        return False
    queued = False
    for team in teams:
        if store.sent_on(day, team):
            continue
        digest = store.read(day, top=DIGEST_TOP, team=team, of_team=len(teams) > 1)
        for addition in additions:
            digest = addition(digest, now)
        if store.record(day, digest_message(digest, now), team):
            log.info("digest: queued the digest of %s for %s", day.isoformat(), team)
            queued = True
    return queued


@dataclass
class DigestJob:
    """The periodic job: each minute, one replica at a time (a lease) checks the digest."""

    store: DigestStore
    leases: Leases
    calendar: BusinessCalendar
    digest_time: time | None
    clock: Callable[[], datetime]
    additions: list[DigestAddition] = field(default_factory=list)
    # Called after a digest was queued (wakes the delivery worker).
    on_queued: Callable[[], None] = lambda: None
    # The desk's teams, each with its digest (without a desk file: Support alone).
    teams: Sequence[str] = (DEFAULT_TEAM_ID,)

    def __call__(self) -> bool:
        if self.digest_time is None or not self.leases.acquire("digest", DIGEST_LEASE):
            return False
        queued = send_digest_if_due(
            self.store, self.calendar, self.digest_time, self.clock(), self.additions, self.teams
        )
        if queued:
            self.on_queued()
        return queued
