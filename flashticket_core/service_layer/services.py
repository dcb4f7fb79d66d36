"""Every operation a person can do, in one place, each checking the actor's role.

The actor is always a Slack user ID taken from the request; the role is looked
up here, on the server, for every call.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import IO
from zoneinfo import ZoneInfo

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from flashticket_core.adapters import search
from flashticket_core.adapters.db import WRITE_TRANSACTION
from flashticket_core.adapters.repository import role_of
from flashticket_core.domain import events
from flashticket_core.domain.enums import OPEN_STATUSES, EntryKind, Priority, Role, Status
from flashticket_core.domain.model import (
    NAME_MAX,
    HomeViewer,
    Person,
    ProcessedRequest,
    RoleAssignment,
    RoleChange,
    Ticket,
)
from flashticket_core.errors import (
    Conflict,
    InvalidInput,
    NotAllowed,
    NotFound,
    PersonRef,
    Translatable,
)
from flashticket_core.i18n import Language
from flashticket_core.service_layer import dashboard, export, views
from flashticket_core.service_layer.unit_of_work import (
    AbstractUnitOfWork,
    ConcurrentUpdate,
    UnitOfWorkFactory,
)

log = logging.getLogger("flashticket.service")

SLACK_USER_ID = re.compile(r"^[UW][A-Z0-9]{2,31}$")
RATING_RANGE = range(1, 6)
MAX_PAGE = 200


def utcnow() -> datetime:
    return datetime.now(UTC)


def _clean_name(name: str) -> str:
    return " ".join(name.split())[:NAME_MAX]


def parse_priority(value: str) -> Priority:
    try:
        return Priority(value.strip().lower())
    except ValueError:
        raise InvalidInput("error.unknown_priority", field="priority", value=value) from None


def parse_status(value: str) -> Status:
    try:
        return Status(value.strip().lower())
    except ValueError:
        allowed = ", ".join(s.value for s in Status)
        raise InvalidInput(
            "error.unknown_status", field="status", value=value, allowed=allowed
        ) from None


def parse_role(value: str) -> Role:
    try:
        return Role(value.strip().lower())
    except ValueError:
        raise InvalidInput("error.unknown_role", field="role", value=value) from None


def hidden(ticket_id: int) -> NotFound:
    """What a person is told about a ticket they may not see: exactly what they would be
    told if it did not exist, so asking reveals nothing."""
    return NotFound(ticket_id=ticket_id)


def validate_user_id(value: str) -> str:
    if not SLACK_USER_ID.match(value):
        raise InvalidInput("error.invalid_user_id", field="user", value=value[:40])
    return value


class TicketService:
    """The help desk's operations. Writes go through a unit of work; reads through views."""

    def __init__(
        self,
        uow_factory: UnitOfWorkFactory,
        read_sessions: sessionmaker[Session],
        *,
        configured_admins: frozenset[str] = frozenset(),
        clock: Callable[[], datetime] = utcnow,
        language: Language = Language.EN,
        zone: ZoneInfo = dashboard.UTC_ZONE,
    ) -> None:
        self.language = language
        # Months and "today" of the statistics are the help desk's calendar.
        self.zone = zone
        # The names this process has stored, so an unchanged name costs no write.
        self._names: dict[str, str] = {}
        self._uow_factory = uow_factory
        self._read_sessions = read_sessions
        self.configured_admins = configured_admins
        self._clock = clock

    # -- roles -------------------------------------------------------------

    def role_of(self, user_id: str) -> Role:
        if user_id in self.configured_admins:
            return Role.ADMIN
        with self._read() as session:
            return role_of(session.get(RoleAssignment, user_id))

    def grant(self, actor_id: str, user_id: str, role: Role) -> events.RoleChanged | None:
        """Give `user_id` the role; None if they already had it."""
        user_id = validate_user_id(user_id)
        with self._uow() as uow:
            self._require_admin(uow, actor_id)
            self._refuse_configured_admin(user_id)
            if user_id == actor_id and role is not Role.ADMIN:
                raise NotAllowed("manage_roles", key="error.self_demotion")
            current = uow.roles.get(user_id)
            old = role_of(current)
            if old is role:
                return None
            now = self._clock()
            if role is Role.USER:
                assert current is not None
                uow.roles.remove(current)
            elif current is None:
                uow.roles.add(
                    RoleAssignment(user_id=user_id, role=role, granted_by=actor_id, granted_at=now)
                )
            else:
                current.role, current.granted_by, current.granted_at = role, actor_id, now
            uow.roles.record(
                RoleChange(user_id=user_id, old_role=old, new_role=role, actor_id=actor_id, at=now)
            )
            event = events.RoleChanged(actor_id=actor_id, user_id=user_id, old=old, new=role)
            uow.publish(event)
            self._commit(uow, None)
            return event

    def revoke(self, actor_id: str, user_id: str) -> events.RoleChanged | None:
        return self.grant(actor_id, user_id, Role.USER)

    def list_roles(self, actor_id: str) -> list[tuple[str, Role, bool]]:
        """(user ID, role, configured) for every admin and support person."""
        with self._uow(write=False) as uow:
            self._require_admin(uow, actor_id)
            stored = [(a.user_id, a.role, False) for a in uow.roles.all()]
        configured = [(user_id, Role.ADMIN, True) for user_id in sorted(self.configured_admins)]
        return configured + [row for row in stored if row[0] not in self.configured_admins]

    def role_history(self, actor_id: str, user_id: str | None = None) -> list[views.Change]:
        with self._read() as session:
            self._require_admin_role(self._read_role(session, actor_id))
            return views.role_changes(session, user_id)

    # -- writing tickets ---------------------------------------------------

    def open_ticket(
        self,
        actor_id: str,
        *,
        title: str,
        description: str = "",
        priority: Priority = Priority.MEDIUM,
        request_key: str | None = None,
    ) -> views.TicketSummary:
        """Open a ticket. A repeated `request_key` (a double submission) opens nothing new."""
        validate_user_id(actor_id)
        with self._uow() as uow:
            done = self._already_done(uow, request_key)
            if done is not None:
                return done
            now = self._clock()
            ticket = Ticket.open(
                title=title,
                description=description,
                priority=priority,
                reporter_id=actor_id,
                now=now,
            )
            uow.tickets.add(ticket)
            uow.flush()
            if request_key is not None:
                uow.requests.add(ProcessedRequest(key=request_key, ticket_id=ticket.id, at=now))
            uow.publish(events.TicketOpened(actor_id=actor_id, ticket_id=ticket.id))
            try:
                uow.commit()
            except ConcurrentUpdate:
                # The same request raced itself (PostgreSQL); the other copy won.
                uow.rollback()
                with self._uow() as again:
                    done = self._already_done(again, request_key)
                if done is None:
                    raise
                return done
            return views.TicketSummary.of(ticket)

    def change_status(
        self,
        actor_id: str,
        ticket_id: int,
        new: Status,
        *,
        expected_version: int | None = None,
        support_only: bool = False,
    ) -> views.TicketSummary:
        """Move the ticket to `new`. `support_only` is for the support card: a plain user
        is told they may not, before anything about the ticket is looked at."""
        with self._uow() as uow:
            role = self._role(uow, actor_id)
            if support_only and not role.is_support:
                raise NotAllowed("change_status")
            ticket = self._ticket_for_change(uow, ticket_id, None)
            # Who may is settled before the version is compared: a stale click on a
            # ticket the actor may not change tells nothing about its state.
            self._check_status_change(role, actor_id, ticket, new)
            self._check_version(ticket, expected_version)
            old = ticket.change_status(new, actor_id=actor_id, now=self._clock())
            uow.publish(
                events.StatusChanged(actor_id=actor_id, ticket_id=ticket_id, old=old, new=new)
            )
            self._commit(uow, ticket_id)
            return views.TicketSummary.of(ticket)

    def reopen(
        self, actor_id: str, ticket_id: int, *, expected_version: int | None = None
    ) -> views.TicketSummary:
        return self.change_status(
            actor_id, ticket_id, Status.IN_PROGRESS, expected_version=expected_version
        )

    def take(
        self, actor_id: str, ticket_id: int, *, expected_version: int | None = None
    ) -> views.TicketSummary:
        """Assign the ticket to the actor and move it to in progress."""
        with self._uow() as uow:
            role = self._role(uow, actor_id)
            if not role.is_support:
                raise NotAllowed("assign")
            ticket = self._ticket_for_change(uow, ticket_id, expected_version)
            now = self._clock()
            old_assignee = ticket.assignee_id
            if ticket.assign(actor_id, actor_id=actor_id, now=now):
                uow.publish(
                    events.AssigneeChanged(
                        actor_id=actor_id, ticket_id=ticket_id, old=old_assignee, new=actor_id
                    )
                )
            if ticket.status is not Status.IN_PROGRESS:
                old = ticket.change_status(Status.IN_PROGRESS, actor_id=actor_id, now=now)
                uow.publish(
                    events.StatusChanged(
                        actor_id=actor_id, ticket_id=ticket_id, old=old, new=Status.IN_PROGRESS
                    )
                )
            self._commit(uow, ticket_id)
            return views.TicketSummary.of(ticket)

    def assign(
        self,
        actor_id: str,
        ticket_id: int,
        assignee_id: str | None,
        *,
        expected_version: int | None = None,
    ) -> views.TicketSummary:
        with self._uow() as uow:
            if not self._role(uow, actor_id).is_support:
                raise NotAllowed("assign")
            if assignee_id is not None:
                validate_user_id(assignee_id)
                if not self._role(uow, assignee_id).is_support:
                    raise InvalidInput(
                        "error.not_assignable", field="assignee", person=PersonRef(assignee_id)
                    )
            ticket = self._ticket_for_change(uow, ticket_id, expected_version)
            old = ticket.assignee_id
            if ticket.assign(assignee_id, actor_id=actor_id, now=self._clock()):
                uow.publish(
                    events.AssigneeChanged(
                        actor_id=actor_id, ticket_id=ticket_id, old=old, new=assignee_id
                    )
                )
            self._commit(uow, ticket_id)
            return views.TicketSummary.of(ticket)

    def set_priority(
        self,
        actor_id: str,
        ticket_id: int,
        priority: Priority,
        *,
        expected_version: int | None = None,
    ) -> views.TicketSummary:
        with self._uow() as uow:
            if not self._role(uow, actor_id).is_support:
                raise NotAllowed("set_priority")
            ticket = self._ticket_for_change(uow, ticket_id, expected_version)
            old = ticket.set_priority(priority, actor_id=actor_id, now=self._clock())
            if old is not None:
                uow.publish(
                    events.PriorityChanged(
                        actor_id=actor_id, ticket_id=ticket_id, old=old, new=priority
                    )
                )
            self._commit(uow, ticket_id)
            return views.TicketSummary.of(ticket)

    def add_support_reply(
        self, actor_id: str, ticket_id: int, text: str, *, request_key: str | None = None
    ) -> views.Entry | None:
        """A "Support-Rückmeldung": support writes to the reporter."""
        return self._add_entry(
            actor_id, ticket_id, EntryKind.SUPPORT_REPLY, text, request_key=request_key
        )

    def add_internal_note(
        self, actor_id: str, ticket_id: int, text: str, *, request_key: str | None = None
    ) -> views.Entry | None:
        return self._add_entry(
            actor_id, ticket_id, EntryKind.INTERNAL_NOTE, text, request_key=request_key
        )

    def add_reporter_reply(
        self, actor_id: str, ticket_id: int, text: str, *, request_key: str | None = None
    ) -> views.Entry | None:
        """The reporter answers; a ticket waiting for that answer is worked on again.

        With a `request_key` (a chat event's ID) a redelivered event is stored once;
        the repeat returns None.
        """
        return self._add_entry(
            actor_id, ticket_id, EntryKind.REPORTER_REPLY, text, request_key=request_key
        )

    def first_time(self, request_key: str) -> bool:
        """Record a request key; False if it was seen before (a redelivered event)."""
        with self._uow() as uow:
            if uow.requests.get(request_key) is not None:
                return False
            uow.requests.add(ProcessedRequest(key=request_key, ticket_id=None, at=self._clock()))
            try:
                uow.commit()
            except ConcurrentUpdate:
                return False
            return True

    def ticket_of_reporter_thread(self, channel: str, thread_ts: str) -> int | None:
        """The ticket whose reporter thread this is, if any."""
        with self._read() as session:
            return views.ticket_of_reporter_thread(session, channel, thread_ts)

    def ticket_of_support_post(self, channel: str, ts: str) -> int | None:
        with self._read() as session:
            return views.ticket_of_support_post(session, channel, ts)

    def undelivered_messages(self, actor_id: str, *, limit: int = 20) -> list[views.Undelivered]:
        """Messages that failed for good or are still retrying (admins)."""
        with self._read() as session:
            self._require_admin_role(self._read_role(session, actor_id), "outbox")
            return views.undelivered(session, limit=limit)

    def retry_failed_messages(self, actor_id: str) -> int:
        """Put every failed message back in the queue; returns how many."""
        with self._write() as session:
            self._require_admin_role(self._read_role(session, actor_id), "outbox")
            return views.requeue_failed(session, self._clock())

    def rate(self, actor_id: str, ticket_id: int, rating: int) -> views.TicketSummary:
        if rating not in RATING_RANGE:
            raise InvalidInput("error.invalid_rating", field="rating")
        with self._uow() as uow:
            ticket = self._ticket_for_change(uow, ticket_id, None)
            if ticket.reporter_id != actor_id:
                raise hidden(ticket_id)
            if ticket.is_open:
                raise InvalidInput("error.rating_not_finished", field="rating", ticket_id=ticket_id)
            ticket.rate(rating, actor_id=actor_id, now=self._clock())
            uow.publish(events.TicketRated(actor_id=actor_id, ticket_id=ticket_id, rating=rating))
            self._commit(uow, ticket_id)
            return views.TicketSummary.of(ticket)

    def delete(self, actor_id: str, ticket_id: int, *, expected_version: int | None = None) -> None:
        with self._uow() as uow:
            self._require_admin(uow, actor_id)
            ticket = self._ticket_for_change(uow, ticket_id, expected_version)
            ticket.delete(actor_id=actor_id, now=self._clock())
            uow.publish(events.TicketDeleted(actor_id=actor_id, ticket_id=ticket_id))
            self._commit(uow, ticket_id)

    def check_can_work(self, actor_id: str, ticket_id: int) -> None:
        """Raise unless the actor may work this ticket (before a reply form opens)."""
        with self._read() as session:
            if not self._read_role(session, actor_id).is_support:
                raise NotAllowed("support_reply")
            ticket = session.get(Ticket, ticket_id)
            if ticket is None or ticket.deleted_at is not None:
                raise NotFound(ticket_id=ticket_id)

    # -- reading tickets ---------------------------------------------------

    def show(self, actor_id: str, ticket_id: int) -> views.TicketDetail:
        with self._read() as session:
            role = self._read_role(session, actor_id)
            ticket = self._visible_ticket(session, role, actor_id, ticket_id)
            return views.ticket_detail(session, ticket, include_internal=role.is_support)

    def list_tickets(
        self,
        actor_id: str,
        *,
        queue: bool = False,
        status: Status | None = None,
        priority: Priority | None = None,
        assignee_id: str | None = None,
        reporter_id: str | None = None,
        include_closed: bool = False,
        limit: int = 50,
        offset: int = 0,
    ) -> views.Page:
        """Own tickets for a user; with `queue`, every open ticket (support only)."""
        limit = max(1, min(limit, MAX_PAGE))
        with self._read() as session:
            role = self._read_role(session, actor_id)
            if not role.is_support and (queue or reporter_id not in (None, actor_id)):
                raise NotAllowed("filter_others")
            if not role.is_support or (not queue and reporter_id is None):
                reporter_id = actor_id
            statuses: frozenset[Status] | None
            if status is not None:
                statuses = frozenset({status})
            else:
                statuses = None if include_closed else OPEN_STATUSES
            return views.list_tickets(
                session,
                reporter_id=reporter_id,
                assignee_id=assignee_id,
                statuses=statuses,
                priority=priority,
                newest_first=not queue,
                limit=limit,
                offset=max(0, offset),
            )

    def search(self, actor_id: str, text: str, *, limit: int = 20) -> list[views.TicketSummary]:
        terms = search.terms_of(text)
        if not terms:
            raise InvalidInput("error.search_empty", field="text")
        with self._read() as session:
            role = self._read_role(session, actor_id)
            return views.search_tickets(
                session,
                terms,
                reporter_id=None if role.is_support else actor_id,
                limit=max(1, min(limit, MAX_PAGE)),
            )

    def check_can_export(self, actor_id: str) -> None:
        """Raise unless the actor may export (before a long export is started)."""
        with self._read() as session:
            self._require_admin_role(self._read_role(session, actor_id), "export")

    def export_csv(
        self,
        actor_id: str,
        out: IO[str],
        *,
        since: datetime | None = None,
        until: datetime | None = None,
    ) -> int:
        """Write every live ticket created in [since, until) as CSV (admins); returns the count."""
        self.check_can_export(actor_id)
        with self._read() as session:
            rows = export.ticket_rows(session, since=since, until=until)
            return export.write_csv(rows, out, self.language)

    def home(self, actor_id: str, *, limit: int = 20) -> views.Home:
        """What the actor's App Home shows: their tickets; for support also queue and KPIs."""
        with self._read() as session:
            role = self._read_role(session, actor_id)
            return views.home(
                session,
                user_id=actor_id,
                is_support=role.is_support,
                now=self._clock(),
                zone=self.zone,
                limit=limit,
            )

    def knows_name(self, user_id: str, name: str) -> bool:
        """Whether `name` is what this process last stored for the user (no database)."""
        return self._names.get(user_id) == _clean_name(name)

    def remember_names(self, names: Mapping[str, str]) -> None:
        """Store the names people were seen with (for exports); best effort, never an error
        for the person: a name is a convenience, not a record."""
        changed = {
            user_id: _clean_name(name)
            for user_id, name in names.items()
            if SLACK_USER_ID.match(user_id) and _clean_name(name)
        }
        changed = {u: n for u, n in changed.items() if self._names.get(u) != n}
        if not changed:
            return
        try:
            with self._write() as session:
                for user_id, name in changed.items():
                    person = session.get(Person, user_id)
                    if person is None:
                        session.add(Person(user_id=user_id, name=name, seen_at=self._clock()))
                    else:
                        person.name, person.seen_at = name, self._clock()
        except IntegrityError:
            # Another replica stored the same person at the same moment.
            log.info("names of %s stored elsewhere meanwhile", sorted(changed))
            return
        self._names.update(changed)

    def home_opened(self, actor_id: str) -> None:
        """Remember that the actor looks at their App Home, so changes keep it current."""
        with self._write() as session:
            viewer = session.get(HomeViewer, actor_id)
            if viewer is None:
                session.add(HomeViewer(user_id=actor_id, opened_at=self._clock()))
            else:
                viewer.opened_at = self._clock()

    def operator_statistics(self, *, days: int = 30) -> dashboard.Statistics:
        """Statistics for whoever runs the server itself (`flashticket stats`), not Slack."""
        with self._read() as session:
            return self._statistics(session, days)

    def statistics(self, actor_id: str, *, days: int = 30) -> dashboard.Statistics:
        with self._read() as session:
            if not self._read_role(session, actor_id).is_support:
                raise NotAllowed("view_stats")
            return self._statistics(session, days)

    def _statistics(self, session: Session, days: int) -> dashboard.Statistics:
        return dashboard.statistics(
            session, now=self._clock(), days=max(1, min(days, 3650)), zone=self.zone
        )

    # -- internals ---------------------------------------------------------

    def _uow(self, write: bool = True) -> AbstractUnitOfWork:
        return self._uow_factory(write)

    @contextmanager
    def _read(self) -> Iterator[Session]:
        with self._read_sessions() as session, session.begin():
            yield session

    @contextmanager
    def _write(self) -> Iterator[Session]:
        """A plain write transaction, for bookkeeping outside the ticket aggregate."""
        with self._read_sessions() as session:
            session.connection(execution_options={WRITE_TRANSACTION: True})
            yield session
            session.commit()

    def _already_done(
        self, uow: AbstractUnitOfWork, request_key: str | None
    ) -> views.TicketSummary | None:
        if request_key is None:
            return None
        done = uow.requests.get(request_key)
        if done is None or done.ticket_id is None:
            return None
        ticket = uow.tickets.get(done.ticket_id)
        if ticket is None:
            raise NotFound(ticket_id=done.ticket_id)
        return views.TicketSummary.of(ticket)

    def _role(self, uow: AbstractUnitOfWork, user_id: str) -> Role:
        if user_id in self.configured_admins:
            return Role.ADMIN
        return role_of(uow.roles.get(user_id))

    def _read_role(self, session: Session, user_id: str) -> Role:
        if user_id in self.configured_admins:
            return Role.ADMIN
        return role_of(session.get(RoleAssignment, user_id))

    def _require_admin(self, uow: AbstractUnitOfWork, actor_id: str) -> None:
        self._require_admin_role(self._role(uow, actor_id))

    @staticmethod
    def _require_admin_role(role: Role, action: str = "manage_roles") -> None:
        if role is not Role.ADMIN:
            raise NotAllowed(action)

    def _refuse_configured_admin(self, user_id: str) -> None:
        if user_id in self.configured_admins:
            raise NotAllowed(
                "manage_roles", key="error.configured_admin", person=PersonRef(user_id)
            )

    def _ticket_for_change(
        self, uow: AbstractUnitOfWork, ticket_id: int, expected_version: int | None
    ) -> Ticket:
        """The ticket, at the version the actor saw. Call only once the actor's right to
        change it is settled: the conflict tells its current status."""
        ticket = uow.tickets.get(ticket_id)
        if ticket is None:
            raise NotFound(ticket_id=ticket_id)
        self._check_version(ticket, expected_version)
        return ticket

    def _check_version(self, ticket: Ticket, expected_version: int | None) -> None:
        if expected_version is not None and ticket.version != expected_version:
            raise self._conflict(ticket)

    @staticmethod
    def _conflict(ticket: Ticket) -> Conflict[views.TicketSummary]:
        return Conflict(
            views.TicketSummary.of(ticket),
            ticket_id=ticket.id,
            status=Translatable(ticket.status.label_key),
            version=ticket.version,
        )

    def _visible_ticket(
        self, session: Session, role: Role, actor_id: str, ticket_id: int
    ) -> Ticket:
        ticket = session.get(Ticket, ticket_id)
        if ticket is None or ticket.deleted_at is not None:
            raise NotFound(ticket_id=ticket_id)
        if not role.is_support and ticket.reporter_id != actor_id:
            raise hidden(ticket_id)
        return ticket

    def _check_status_change(self, role: Role, actor_id: str, ticket: Ticket, new: Status) -> None:
        if role.is_support:
            return
        if ticket.reporter_id != actor_id:
            raise hidden(ticket.id)
        # A reporter may only reopen their own ticket, and only a resolved one.
        if new is not Status.IN_PROGRESS or ticket.status not in (Status.RESOLVED, Status.CLOSED):
            raise NotAllowed("change_status")
        if ticket.status is Status.CLOSED:
            raise NotAllowed("reopen_closed")

    def _add_entry(
        self,
        actor_id: str,
        ticket_id: int,
        kind: EntryKind,
        text: str,
        *,
        request_key: str | None = None,
    ) -> views.Entry | None:
        with self._uow() as uow:
            if request_key is not None and uow.requests.get(request_key) is not None:
                return None
            role = self._role(uow, actor_id)
            ticket = self._ticket_for_change(uow, ticket_id, None)
            if kind is EntryKind.REPORTER_REPLY:
                if ticket.reporter_id != actor_id:
                    raise NotAllowed("comment")
            elif not role.is_support:
                raise NotAllowed(
                    "support_reply" if kind is EntryKind.SUPPORT_REPLY else "internal_note"
                )
            now = self._clock()
            entry = ticket.add_entry(kind, author_id=actor_id, text=text, now=now)
            if request_key is not None:
                uow.requests.add(ProcessedRequest(key=request_key, ticket_id=ticket_id, at=now))
            self._flush(uow, ticket_id)
            uow.publish(
                events.EntryAdded(
                    actor_id=actor_id,
                    ticket_id=ticket_id,
                    kind=kind,
                    entry_id=entry.id,
                    text=entry.text,
                )
            )
            if kind is EntryKind.REPORTER_REPLY and ticket.status is Status.WAITING:
                old = ticket.change_status(Status.IN_PROGRESS, actor_id=actor_id, now=now)
                uow.publish(
                    events.StatusChanged(
                        actor_id=actor_id, ticket_id=ticket_id, old=old, new=Status.IN_PROGRESS
                    )
                )
            self._commit(uow, ticket_id)
            return views.Entry(
                id=entry.id,
                kind=entry.kind,
                author_id=entry.author_id,
                text=entry.text,
                at=entry.at,
            )

    def _commit(self, uow: AbstractUnitOfWork, ticket_id: int | None) -> None:
        try:
            uow.commit()
        except ConcurrentUpdate:
            raise self._lost_race(uow, ticket_id) from None

    def _flush(self, uow: AbstractUnitOfWork, ticket_id: int | None) -> None:
        try:
            uow.flush()
        except ConcurrentUpdate:
            raise self._lost_race(uow, ticket_id) from None

    def _lost_race(self, uow: AbstractUnitOfWork, ticket_id: int | None) -> Exception:
        """Another transaction changed the ticket first: tell the actor how it is now."""
        uow.rollback()
        current = self._current(ticket_id) if ticket_id is not None else None
        if current is None or current.deleted_at is not None:
            return NotFound(ticket_id=ticket_id)
        return self._conflict(current)

    def _current(self, ticket_id: int) -> Ticket | None:
        with self._read() as session:
            ticket = session.get(Ticket, ticket_id)
            if ticket is not None:
                session.expunge(ticket)
            return ticket
