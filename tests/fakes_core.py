"""In-memory fakes of the core's own interfaces (cosmicpython's FakeUnitOfWork), the
read side's port included: the help desk's rules run without a database."""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Iterator, Sequence
from dataclasses import replace
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import inspect

from flashticket_core.domain import events
from flashticket_core.domain.clock import TargetClock, TargetKind
from flashticket_core.domain.enums import EntryKind, MemberSource, Priority, Role, Status
from flashticket_core.domain.model import (
    ChatMessage,
    ConversationEntry,
    FieldValue,
    RoleAssignment,
    RoleChange,
    SavedReply,
    TeamMembership,
    Ticket,
)
from flashticket_core.domain.permissions import EVERY_TEAM, IntakeLimit, TeamScope
from flashticket_core.service_layer import dashboard, views
from flashticket_core.service_layer.assignment_book import AssignmentFigures
from flashticket_core.service_layer.common import Environment
from flashticket_core.service_layer.dashboard import Statistics, Tallies
from flashticket_core.service_layer.desk import HelpDesk
from flashticket_core.service_layer.export import ExportedTicket
from flashticket_core.service_layer.outbox import MessageKind, MessageQueue, NewMessage
from flashticket_core.service_layer.queue_view import QueueSort, QueueView
from flashticket_core.service_layer.reads import PeopleReads, Reads
from flashticket_core.service_layer.repositories import (
    ApprovalBook,
    ApprovalState,
    IntakeAllowances,
    PeopleRepository,
    RequestLog,
    RoleRepository,
    SavedReplies,
    TeamMembers,
    TicketRepository,
)
from flashticket_core.service_layer.search_terms import FieldFilter, Term
from flashticket_core.service_layer.unit_of_work import AbstractUnitOfWork


class FakeTicketRepository(TicketRepository):
    def __init__(self) -> None:
        super().__init__()
        self.tickets: dict[int, Ticket] = {}
        self.pending: list[Ticket] = []
        self.fields: dict[int, tuple[FieldValue, ...]] = {}

    def made_from(self, channel: str, ts: str) -> int | None:
        for ticket in [*self.tickets.values(), *self.pending]:
            if (ticket.source_channel, ticket.source_ts) == (channel, ts):
                return ticket.id
        return None

    def opened_for_by(self, ticket: Ticket) -> str | None:
        openers = [
            entry.actor_id
            for entry in inspect(ticket).attrs.history.history.added
            if entry.field == "reporter" and entry.actor_id != ticket.reporter_id
        ]
        return openers[0] if openers else None

    def closed_by(self, ticket: Ticket) -> str | None:
        # Without a session a ticket's write-only history is the entries added to it.
        closings = [
            entry
            for entry in inspect(ticket).attrs.history.history.added
            if entry.field == "status" and entry.new_value == Status.CLOSED.value
        ]
        return closings[-1].actor_id if closings else None

    def _add(self, ticket: Ticket) -> None:
        self.pending.append(ticket)

    def add_fields(self, ticket_id: int, values: Sequence[FieldValue]) -> None:
        self.fields[ticket_id] = tuple(values)

    def _get(self, ticket_id: int) -> Ticket | None:
        ticket = self.tickets.get(ticket_id)
        return None if ticket is None or ticket.deleted_at is not None else ticket

    def _entry_from(self, source: ChatMessage) -> ConversationEntry | None:
        # Without a session a ticket's write-only entries are the ones added to it.
        for ticket in self.tickets.values():
            for entry in inspect(ticket).attrs.entries.history.added:
                if (entry.source_channel, entry.source_ts) == source:
                    return entry  # type: ignore[no-any-return]
        return None


class FakeRoleRepository(RoleRepository):
    def __init__(self) -> None:
        super().__init__()
        self.assignments: dict[str, RoleAssignment] = {}
        self.changes: list[RoleChange] = []

    def get(self, user_id: str) -> RoleAssignment | None:
        return self.assignments.get(user_id)

    def add(self, assignment: RoleAssignment) -> None:
        self.assignments[assignment.user_id] = assignment

    def remove(self, assignment: RoleAssignment) -> None:
        del self.assignments[assignment.user_id]

    def _record(self, change: RoleChange) -> None:
        self.changes.append(change)


class FakeTeamMembers(TeamMembers):
    def __init__(self) -> None:
        self.rows: dict[tuple[str, str, MemberSource], TeamMembership] = {}

    def teams_of(self, user_id: str) -> frozenset[str]:
        return frozenset(team for team, user, _source in self.rows if user == user_id)

    def get(self, team_id: str, user_id: str, source: MemberSource) -> TeamMembership | None:
        return self.rows.get((team_id, user_id, source))

    def add(self, membership: TeamMembership) -> None:
        self.rows[(membership.team_id, membership.user_id, membership.source)] = membership

    def remove(self, membership: TeamMembership) -> None:
        del self.rows[(membership.team_id, membership.user_id, membership.source)]

    def replace(
        self, team_id: str, source: MemberSource, user_ids: frozenset[str], *, now: datetime
    ) -> bool:
        stored = {user for team, user, kind in self.rows if (team, kind) == (team_id, source)}
        for user in stored - user_ids:
            del self.rows[(team_id, user, source)]
        for user in user_ids - stored:
            self.add(TeamMembership(team_id=team_id, user_id=user, source=source, granted_at=now))
        return stored != user_ids


class FakeSavedReplies(SavedReplies):
    def __init__(self) -> None:
        self.rows: dict[int, SavedReply] = {}
        self.made = 0

    def of_teams(self, team_ids: Sequence[str]) -> list[SavedReply]:
        return [self.rows[key] for key in sorted(self.rows) if self.rows[key].team_id in team_ids]

    def get(self, reply_id: int) -> SavedReply | None:
        return self.rows.get(reply_id)

    def add(self, reply: SavedReply) -> None:
        self.made += 1
        reply.id = self.made
        self.rows[reply.id] = reply

    def remove(self, reply: SavedReply) -> None:
        del self.rows[reply.id]


class FakeRequestLog(RequestLog):
    def __init__(self) -> None:
        # key -> the ticket the request made or changed (None: it made none)
        self.requests: dict[str, int | None] = {}

    def seen(self, key: str) -> bool:
        return key in self.requests

    def ticket_of(self, key: str) -> int | None:
        return self.requests.get(key)

    def record(self, key: str, *, ticket_id: int | None, at: datetime) -> None:
        self.requests[key] = ticket_id


class FakePeople(PeopleRepository):
    def __init__(self) -> None:
        self.names: dict[str, str] = {}
        self.viewers: dict[str, datetime] = {}
        self.queue_views: dict[str, QueueView] = {}

    def remember_name(self, user_id: str, name: str, *, at: datetime) -> None:
        self.names[user_id] = name

    def home_opened(self, user_id: str, *, at: datetime) -> None:
        self.viewers[user_id] = at

    def save_queue_view(self, user_id: str, view: QueueView, *, at: datetime) -> None:
        self.queue_views[user_id] = view


class FakeMessageQueue(MessageQueue):
    """The outbox of one transaction, with the people the App Home refreshes ask about."""

    def __init__(self) -> None:
        self.failed = 0
        self.added: list[NewMessage] = []
        self.cancelled: set[int] = set()
        self.homes_opened: dict[str, datetime] = {}
        self.support: set[str] = set()
        self.followers: dict[int, list[str]] = {}
        self.people: dict[int, set[str]] = {}

    def add(self, messages: list[NewMessage]) -> None:
        self.added.extend(messages)

    def cancel_unsent(self, ticket_ids: Collection[int], now: datetime) -> None:
        self.cancelled.update(ticket_ids)

    def requeue_failed(self, now: datetime) -> int:
        count, self.failed = self.failed, 0
        return count

    def home_viewers(self, *, since: datetime) -> set[str]:
        return {user for user, opened in self.homes_opened.items() if opened >= since}

    def people_with(self, roles: Collection[Role]) -> set[str]:
        return set(self.support) if Role.SUPPORT in roles else set()

    def people_on(self, ticket_ids: Collection[int]) -> set[str]:
        return {person for tid in ticket_ids for person in self.people.get(tid, set())}

    def home_refreshes_waiting(self, users: Collection[str]) -> set[str]:
        return {
            m.recipient for m in self.added if m.kind is MessageKind.HOME and m.recipient in users
        }

    def followers_of(self, ticket_ids: Collection[int]) -> dict[int, list[str]]:
        return {tid: list(self.followers[tid]) for tid in ticket_ids if self.followers.get(tid)}


class FakeIntakeAllowances(IntakeAllowances):
    """Per person: when their window started, how many they opened in it, when told."""

    def __init__(self) -> None:
        self.windows: dict[str, tuple[datetime, int, datetime | None]] = {}

    def _current(
        self, user_id: str, now: datetime, limit: IntakeLimit
    ) -> tuple[datetime, int, datetime | None]:
        started, opened, told = self.windows.get(user_id, (now, 0, None))
        if started <= now - limit.window:
            return now, 0, None
        return started, opened, told

    def take(self, user_id: str, *, now: datetime, limit: IntakeLimit) -> bool:
        started, opened, told = self._current(user_id, now, limit)
        if opened >= limit.count:
            return False
        self.windows[user_id] = (started, opened + 1, told)
        return True

    def left(self, user_id: str, *, now: datetime, limit: IntakeLimit) -> int:
        return max(0, limit.count - self._current(user_id, now, limit)[1])

    def first_refusal(self, user_id: str, *, now: datetime, limit: IntakeLimit) -> bool:
        started, opened, told = self._current(user_id, now, limit)
        self.windows[user_id] = (started, opened, now)
        return told is None


class FakeApprovalBook(ApprovalBook):
    def __init__(self) -> None:
        self.approvals: dict[int, ApprovalState] = {}
        self.groups: dict[str, frozenset[str]] = {}

    def request(self, ticket_id: int, approvers: Sequence[str], *, now: datetime) -> None:
        self.approvals[ticket_id] = ApprovalState(ticket_id, tuple(approvers), now)

    def get(self, ticket_id: int) -> ApprovalState | None:
        return self.approvals.get(ticket_id)

    def decide(
        self,
        ticket_id: int,
        *,
        by: str,
        approved: bool,
        reason: str | None,
        now: datetime,
        waited: float,
    ) -> bool:
        state = self.approvals.get(ticket_id)
        if state is None or state.decided_at is not None:
            return False
        self.approvals[ticket_id] = replace(
            state, decided_by=by, approved=approved, decided_at=now, reason=reason
        )
        return True

    def group_members(self, usergroup: str) -> frozenset[str]:
        return self.groups.get(usergroup, frozenset())

    def replace_group(self, usergroup: str, user_ids: frozenset[str]) -> bool:
        changed = self.groups.get(usergroup, frozenset()) != user_ids
        self.groups[usergroup] = user_ids
        return changed


class FakeUnitOfWork(AbstractUnitOfWork):
    """Shared by every unit the help desk opens, like one database."""

    def __init__(self) -> None:
        super().__init__()
        self.tickets: FakeTicketRepository = FakeTicketRepository()
        self.roles: FakeRoleRepository = FakeRoleRepository()
        self.members: FakeTeamMembers = FakeTeamMembers()
        self.replies: FakeSavedReplies = FakeSavedReplies()
        self.requests: FakeRequestLog = FakeRequestLog()
        self.people: FakePeople = FakePeople()
        self.messages: FakeMessageQueue = FakeMessageQueue()
        self.allowances: FakeIntakeAllowances = FakeIntakeAllowances()
        self.approvals: FakeApprovalBook = FakeApprovalBook()
        self.commits = 0
        self.entries_made = 0
        self.published: list[object] = []

    def __call__(self) -> FakeUnitOfWork:
        return self

    def flush(self) -> None:
        for ticket in self.tickets.pending:
            ticket.id = len(self.tickets.tickets) + 1
            self.tickets.tickets[ticket.id] = ticket
        self.tickets.pending.clear()
        # What the database gives a new conversation entry: its id and its ticket's.
        for ticket in self.tickets.tickets.values():
            for entry in inspect(ticket).attrs.entries.history.added:
                if entry.id is None:
                    self.entries_made += 1
                    entry.id, entry.ticket_id = self.entries_made, ticket.id

    def commit(self) -> None:
        self.flush()
        self.events = self.collect_events()
        self.published.extend(self.events)
        self.commits += 1

    def rollback(self) -> None:
        self.tickets.pending.clear()


class FakePeopleReads(PeopleReads):
    """Who is support, administers or belongs to a team, from the fake unit of work."""

    def __init__(self, uow: FakeUnitOfWork) -> None:
        self.uow = uow

    def role_of(self, user_id: str) -> Role:
        return self.uow.roles.role_of(user_id)

    def teams_of(self, user_id: str) -> frozenset[str]:
        return self.uow.members.teams_of(user_id)

    def team_members(self) -> list[TeamMembership]:
        return [self.uow.members.rows[key] for key in sorted(self.uow.members.rows)]

    def role_assignments(self) -> list[RoleAssignment]:
        return sorted(self.uow.roles.assignments.values(), key=lambda a: a.user_id)

    def role_changes(self, user_id: str | None) -> list[views.RoleHistoryChange]:
        return [
            views.RoleHistoryChange(
                actor_id=c.actor_id,
                field=c.user_id,
                old=c.old_role,
                new=c.new_role,
                at=c.at,
                team=c.team_id,
            )
            for c in self.uow.roles.changes
            if user_id in (None, c.user_id)
        ]


class FakeReads(Reads):
    """The read side answered from the fake unit of work's memory."""

    def __init__(self, uow: FakeUnitOfWork) -> None:
        self.uow = uow
        self.people = FakePeopleReads(uow)

    def __call__(self) -> FakeReads:
        return self

    def __enter__(self) -> FakeReads:
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def _live(self) -> list[Ticket]:
        return [t for t in self.uow.tickets.tickets.values() if t.deleted_at is None]

    def ticket(self, ticket_id: int) -> views.TicketSummary | None:
        ticket = self.uow.tickets._get(ticket_id)
        if ticket is None:
            return None
        return views.TicketSummary.of(ticket, followers=tuple(f.user_id for f in ticket.followers))

    def ticket_detail(self, ticket_id: int, *, include_internal: bool) -> views.TicketDetail:
        ticket = self.uow.tickets.tickets[ticket_id]
        conversation = [
            views.Entry(id=n, kind=e.kind, author_id=e.actor_id, text=e.text, at=ticket.updated_at)
            for n, e in enumerate(self.uow.published, start=1)
            if isinstance(e, events.EntryAdded)
            and e.ticket_id == ticket_id
            and (include_internal or e.kind is not EntryKind.INTERNAL_NOTE)
        ]
        return views.TicketDetail(
            ticket=views.TicketSummary.of(
                ticket, followers=tuple(f.user_id for f in ticket.followers)
            ),
            resolved_at=ticket.resolved_at,
            closed_at=ticket.closed_at,
            first_response_at=ticket.first_response_at,
            rating=ticket.rating,
            conversation=conversation,
            history=[],
        )

    def tickets(
        self,
        *,
        reporter_id: str | None,
        assignee_id: str | None,
        statuses: frozenset[Status] | None,
        priority: Priority | None,
        team_id: str | None,
        teams: TeamScope = EVERY_TEAM,
        unassigned: bool,
        newest_first: bool,
        limit: int,
        offset: int,
        sort: QueueSort = QueueSort.PRIORITY,
        fields: Sequence[FieldFilter] = (),
    ) -> views.Page:
        found = [
            views.TicketSummary.of(t)
            for t in self._live()
            if reporter_id in (None, t.reporter_id)
            and teams.covers(t.team_id)
            and (t.assignee_id is None if unassigned else assignee_id in (None, t.assignee_id))
            and team_id in (None, t.team_id)
            and (statuses is None or t.status in statuses)
            and priority in (None, t.priority)
            and all(self._has(t.id, wanted) for wanted in fields)
        ]
        found.sort(key=lambda t: t.id, reverse=newest_first)
        return views.Page(items=found[offset : offset + limit], total=len(found))

    def targets_of(self, ticket_ids: list[int]) -> dict[int, tuple[TargetClock, ...]]:
        return {}

    def queue_view(self, user_id: str) -> QueueView | None:
        return self.uow.people.queue_views.get(user_id)

    def search(
        self,
        terms: list[Term],
        *,
        reporter_id: str | None,
        teams: TeamScope,
        limit: int,
        fields: Sequence[FieldFilter] = (),
    ) -> list[views.TicketSummary]:
        words = [term.word.lower() for term in terms]
        return [
            views.TicketSummary.of(t)
            for t in self._live()
            if (t.reporter_id == reporter_id if reporter_id else teams.covers(t.team_id))
            and all(w in t.title.lower() for w in words)
            and all(self._has(t.id, wanted) for wanted in fields)
        ][:limit]

    def _has(self, ticket_id: int, wanted: FieldFilter) -> bool:
        values = self.uow.tickets.fields.get(ticket_id, ())
        return any(v.field_id == wanted.field_id and wanted.value in v.values for v in values)

    def ticket_of_reporter_thread(self, channel: str, thread_ts: str) -> int | None:
        return None

    def ticket_of_support_post(self, channel: str, ts: str) -> int | None:
        return None

    def undelivered(self, *, limit: int) -> list[views.Undelivered]:
        return []

    def home(
        self,
        *,
        user_id: str,
        is_support: bool,
        teams: TeamScope = EVERY_TEAM,
        now: datetime,
        zone: object,
        limit: int,
    ) -> views.Home:
        mine = self.tickets(
            reporter_id=user_id,
            assignee_id=None,
            statuses=None,
            priority=None,
            team_id=None,
            unassigned=False,
            newest_first=True,
            limit=limit,
            offset=0,
        )
        return views.Home(
            is_support=is_support,
            my_open=mine,
            my_recently_finished=[],
            my_open_with_replies=[],
        )

    def assignment_figures(self, *, since: datetime, teams: TeamScope) -> AssignmentFigures:
        held = Counter(
            t.assignee_id
            for t in self._live()
            if t.assignee_id is not None and t.status.is_open and teams.covers(t.team_id)
        )
        ranked = sorted(held.items(), key=lambda item: (-item[1], item[0]))
        return AssignmentFigures(per_assignee=tuple(ranked), reassignments=0)

    def statistics(
        self, *, now: datetime, days: int, zone: ZoneInfo, teams: TeamScope = EVERY_TEAM
    ) -> Statistics:
        live = [t for t in self._live() if teams.covers(t.team_id)]
        return dashboard.statistics(
            FakeTallies(live),
            now=now,
            days=days,
            zone=zone,
            teams=None if teams.only is None else tuple(sorted(teams.only - teams.excluded)),
        )

    def export_field_ids(
        self, *, since: datetime | None, until: datetime | None, teams: TeamScope = EVERY_TEAM
    ) -> list[str]:
        ids = {
            v.field_id
            for t in self._live()
            if teams.covers(t.team_id)
            for v in self.uow.tickets.fields.get(t.id, ())
        }
        return sorted(ids)

    def export_rows(
        self, *, since: datetime | None, until: datetime | None, teams: TeamScope = EVERY_TEAM
    ) -> Iterator[ExportedTicket]:
        return iter(
            ExportedTicket(
                id=t.id,
                title=t.title,
                description=t.description,
                status=t.status,
                priority=t.priority,
                reporter_id=t.reporter_id,
                reporter_name=None,
                assignee_id=t.assignee_id,
                assignee_name=None,
                created_at=t.created_at,
                updated_at=t.updated_at,
                first_response_at=t.first_response_at,
                resolved_at=t.resolved_at,
                closed_at=t.closed_at,
                rating=t.rating,
                version=t.version,
                fields=self.uow.tickets.fields.get(t.id, ()),
            )
            for t in self._live()
            if teams.covers(t.team_id)
        )


class FakeTallies(Tallies):
    """The counters the triggers keep, counted from the tickets in memory."""

    def __init__(self, tickets: list[Ticket]) -> None:
        self.live = tickets

    def targets_decided(self, since: datetime) -> list[tuple[Priority, TargetKind, int, int]]:
        return []  # the in-memory help desk keeps no targets

    def open_tickets(self) -> list[tuple[Status, Priority, int]]:
        counts: dict[tuple[Status, Priority], int] = {}
        for t in self.live:
            if t.status.is_open:
                counts[(t.status, t.priority)] = counts.get((t.status, t.priority), 0) + 1
        return [(status, priority, n) for (status, priority), n in counts.items()]

    def opened_per_month(self, first: date, last: date) -> dict[tuple[date, Status], int]:
        counts: dict[tuple[date, Status], int] = {}
        for t in self.live:
            month = t.created_at.date().replace(day=1)
            if first <= month <= last:
                counts[(month, t.status)] = counts.get((month, t.status), 0) + 1
        return counts

    def opened_per_day(self, days: list[date]) -> dict[tuple[date, Status], int]:
        counts: dict[tuple[date, Status], int] = {}
        for t in self.live:
            if t.created_at.date() in days:
                key = (t.created_at.date(), t.status)
                counts[key] = counts.get(key, 0) + 1
        return counts

    def opened_in(self, ranges: list[tuple[datetime, datetime]]) -> list[dict[Status, int]]:
        found: list[dict[Status, int]] = []
        for start, end in ranges:
            counts: dict[Status, int] = {}
            for t in self.live:
                if start <= t.created_at < end:
                    counts[t.status] = counts.get(t.status, 0) + 1
            found.append(counts)
        return found

    def durations(self, measure: str, since: date) -> list[tuple[int, int]]:
        return []

    def duration_details(
        self, measure: str, buckets: list[int], since: date
    ) -> list[tuple[int, int, float]]:
        return []


def fake_desk(uow: FakeUnitOfWork, *, admin: str, support: str, now: datetime) -> HelpDesk:
    """The help desk on the fakes, at a standing clock, with `admin` configured and
    `support` granted the support role."""
    env = Environment(
        units=uow, reads=FakeReads(uow), configured_admins=frozenset({admin}), clock=lambda: now
    )
    desk = HelpDesk.over(env)
    desk.roles.grant(admin, support, Role.SUPPORT)
    return desk
