"""Read models: what the read side answers, as the bot renders it (the read side needs
no aggregate). The queries that fill them are `adapters/sql_reads.py`; the outbox fills
the same `TicketSummary` for the messages it hands out (`adapters/sql_outgoing.py`).

`TicketSummary` is the one ticket every surface renders: the card, the thread texts,
the lists, `/ticket show`, the App Home. What stays apart is truly something else: a
`TicketDetail` adds the ticket's conversation, history and files (read for one ticket,
never for a list); a `HomeTicket` pairs a ticket with its newest support reply; the
digest's `DigestTicket` is the morning's snapshot stored in its message, not the ticket
as it is when the message goes out; and an `ExportedTicket` is a row of the export file,
with names and the targets' standing flattened into columns."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime

from flashticket_core.domain.clock import TargetClock
from flashticket_core.domain.enums import EntryKind, FileDirection, Priority, Status
from flashticket_core.domain.model import DEFAULT_TEAM_ID, FieldValue, Ticket
from flashticket_core.service_layer.dashboard import Kpis
from flashticket_core.service_layer.queue_view import QueueView


@dataclass(frozen=True)
class TicketSummary:
    """The ticket as it is now. A deleted one is `deleted` (only a message about it, such
    as its card's last update, still sees it)."""

    id: int
    title: str
    status: Status
    priority: Priority
    reporter_id: str
    assignee_id: str | None
    created_at: datetime
    updated_at: datetime
    version: int
    description: str = ""
    # The team it belongs to: the team rule of the permissions reads it, and its card
    # is in that team's channel.
    team_id: str = DEFAULT_TEAM_ID
    deleted: bool = False
    deleted_by: str | None = None
    # Its service-level targets, first response before resolution, where the read asked
    # for them (one ticket, the card, the App Home's queue).
    targets: tuple[TargetClock, ...] = ()
    # The request type it was opened as and its field values, where the read asked for
    # them (one ticket, the card).
    request_type: str | None = None
    fields: tuple[FieldValue, ...] = ()
    # Who follows it, in the order they began, where the read asked for them (one
    # ticket, the card); elsewhere nobody, so the permission table lets no follower see
    # more than a read that knows them.
    followers: tuple[str, ...] = ()

    @property
    def follower_ids(self) -> frozenset[str]:
        return frozenset(self.followers)

    @classmethod
    def of(
        cls,
        ticket: Ticket,
        targets: tuple[TargetClock, ...] = (),
        fields: tuple[FieldValue, ...] = (),
        followers: tuple[str, ...] = (),
    ) -> TicketSummary:
        return cls(
            id=ticket.id,
            title=ticket.title,
            status=ticket.status,
            priority=ticket.priority,
            reporter_id=ticket.reporter_id,
            assignee_id=ticket.assignee_id,
            created_at=ticket.created_at,
            updated_at=ticket.updated_at,
            version=ticket.version,
            description=ticket.description,
            team_id=ticket.team_id,
            deleted=ticket.deleted_at is not None,
            deleted_by=ticket.deleted_by,
            targets=targets,
            request_type=ticket.request_type,
            fields=fields,
            followers=followers,
        )


@dataclass(frozen=True)
class Entry:
    id: int
    kind: EntryKind
    author_id: str
    text: str
    at: datetime
    # Taken back by its author: still shown to support as what was said, marked so.
    withdrawn: bool = False


@dataclass(frozen=True)
class Change:
    actor_id: str
    field: str
    old: str | None
    new: str | None
    at: datetime


@dataclass(frozen=True)
class RoleHistoryChange(Change):
    """A line of the role audit trail (`field` is the person whose role changed); `team`:
    the team a change of support was in, None for the global role."""

    team: str | None = None


@dataclass(frozen=True)
class TicketDetail:
    ticket: TicketSummary
    resolved_at: datetime | None
    closed_at: datetime | None
    first_response_at: datetime | None
    rating: int | None
    conversation: list[Entry]
    history: list[Change]
    files: list[FileRecord] = field(default_factory=list)
    # The private teams the reader is outside of: the history does not name them.
    hidden_teams: frozenset[str] = frozenset()


@dataclass(frozen=True)
class FileRecord:
    """A file that travelled with a ticket, as its detail shows it."""

    name: str
    mimetype: str
    size: int | None
    author_id: str
    at: datetime
    direction: FileDirection
    chat_file_id: str


@dataclass(frozen=True)
class Page:
    items: list[TicketSummary]
    total: int

    def with_targets(self, due: dict[int, tuple[TargetClock, ...]]) -> Page:
        """The same page, each ticket with what is due of it."""
        items = [replace(t, targets=due.get(t.id, ())) for t in self.items]
        return Page(items=items, total=self.total)


@dataclass(frozen=True)
class Undelivered:
    id: int
    kind: str
    ticket_id: int | None
    status: str
    attempts: int
    last_error: str | None
    created_at: datetime
    next_attempt_at: datetime


@dataclass(frozen=True)
class HomeTicket:
    ticket: TicketSummary
    latest_support_reply: str | None


@dataclass(frozen=True)
class Home:
    """Everything a person's App Home shows; the support parts are empty for users. The
    tickets of the queue and of those assigned to the person carry their targets."""

    is_support: bool
    my_open: Page
    my_recently_finished: list[HomeTicket]
    my_open_with_replies: list[HomeTicket]
    queue: Page | None = None
    assigned_to_me: Page | None = None
    kpis: Kpis | None = None
    # The queue's filters, sort and page as shown (the page within the pages there are),
    # and the desk's teams to filter by, (id, name) in the desk file's order.
    queue_view: QueueView | None = None
    teams: tuple[tuple[str, str], ...] = ()
