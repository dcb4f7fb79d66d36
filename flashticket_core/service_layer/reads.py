"""The read side's port: every question the service asks of stored tickets, roles and
messages (people: `PeopleReads`). The SQL answers live in `adapters/sql_reads.py` and
`adapters/sql_role_reads.py`; the unit tests answer from memory."""

from __future__ import annotations

import abc
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager
from datetime import datetime
from zoneinfo import ZoneInfo

from flashticket_core.domain.clock import TargetClock
from flashticket_core.domain.enums import Priority, Role, Status
from flashticket_core.domain.model import RoleAssignment, TeamMembership
from flashticket_core.domain.permissions import TeamScope
from flashticket_core.service_layer.assignment_book import AssignmentFigures
from flashticket_core.service_layer.dashboard import Statistics
from flashticket_core.service_layer.export import ExportedTicket
from flashticket_core.service_layer.queue_view import QueueSort, QueueView
from flashticket_core.service_layer.search_terms import FieldFilter, Term
from flashticket_core.service_layer.views import (
    Home,
    Page,
    RoleHistoryChange,
    TicketDetail,
    TicketSummary,
    Undelivered,
)


class PeopleReads(abc.ABC):
    """Who is support, administers or belongs to a team, as one read transaction sees it."""

    @abc.abstractmethod
    def role_of(self, user_id: str) -> Role: ...

    @abc.abstractmethod
    def teams_of(self, user_id: str) -> frozenset[str]:
        """The teams the person is a member of, for any reason."""

    @abc.abstractmethod
    def team_members(self) -> list[TeamMembership]:
        """Every team's members, by team, person and reason."""

    @abc.abstractmethod
    def role_assignments(self) -> list[RoleAssignment]: ...

    @abc.abstractmethod
    def role_changes(self, user_id: str | None) -> list[RoleHistoryChange]: ...


class Reads(abc.ABC):
    """One read transaction's answers: of its tickets and messages here, of its people
    through `people`."""

    people: PeopleReads

    @abc.abstractmethod
    def ticket(self, ticket_id: int) -> TicketSummary | None:
        """The live ticket, or None if it does not exist or was deleted."""

    @abc.abstractmethod
    def ticket_detail(self, ticket_id: int, *, include_internal: bool) -> TicketDetail: ...

    @abc.abstractmethod
    def tickets(
        self,
        *,
        reporter_id: str | None,
        assignee_id: str | None,
        statuses: frozenset[Status] | None,
        priority: Priority | None,
        team_id: str | None,
        teams: TeamScope,
        unassigned: bool,
        newest_first: bool,
        limit: int,
        offset: int,
        sort: QueueSort = QueueSort.PRIORITY,
        fields: Sequence[FieldFilter] = (),
    ) -> Page: ...

    @abc.abstractmethod
    def targets_of(self, ticket_ids: list[int]) -> dict[int, tuple[TargetClock, ...]]:
        """What is due of each ticket, by its id (its targets, first response first)."""

    @abc.abstractmethod
    def queue_view(self, user_id: str) -> QueueView | None:
        """The queue the person last chose on their App Home, if they chose one."""

    @abc.abstractmethod
    def search(
        self,
        terms: list[Term],
        *,
        reporter_id: str | None,
        teams: TeamScope,
        limit: int,
        fields: Sequence[FieldFilter] = (),
    ) -> list[TicketSummary]:
        """Tickets with every term (and every field value of `fields`): the reporter's
        own, or (None) those of `teams`."""

    @abc.abstractmethod
    def ticket_of_reporter_thread(self, channel: str, thread_ts: str) -> int | None: ...

    @abc.abstractmethod
    def ticket_of_support_post(self, channel: str, ts: str) -> int | None: ...

    @abc.abstractmethod
    def undelivered(self, *, limit: int) -> list[Undelivered]: ...

    @abc.abstractmethod
    def home(
        self,
        *,
        user_id: str,
        is_support: bool,
        teams: TeamScope,
        now: datetime,
        zone: ZoneInfo,
        limit: int,
    ) -> Home:
        """The person's App Home; with `is_support`, the queue of `teams` too."""

    @abc.abstractmethod
    def assignment_figures(self, *, since: datetime, teams: TeamScope) -> AssignmentFigures:
        """Open tickets per assignee, and reassignments since `since`, of `teams`."""

    @abc.abstractmethod
    def statistics(
        self, *, now: datetime, days: int, zone: ZoneInfo, teams: TeamScope
    ) -> Statistics:
        """The figures of the tickets of `teams`."""

    @abc.abstractmethod
    def export_rows(
        self, *, since: datetime | None, until: datetime | None, teams: TeamScope
    ) -> Iterator[ExportedTicket]:
        """The live tickets of `teams` created in [since, until), oldest first, read as
        they are written out."""

    @abc.abstractmethod
    def export_field_ids(
        self, *, since: datetime | None, until: datetime | None, teams: TeamScope
    ) -> list[str]:
        """The ids of the fields the live tickets of `teams` created in [since, until)
        have values of, in order."""


# Opens one read transaction: `with reads() as r: ...`.
ReadsFactory = Callable[[], AbstractContextManager[Reads]]
