"""What every area of the service shares: how it reads, how it writes, who the actor is,
and what a person is told when someone else changed the ticket first."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cached_property
from zoneinfo import ZoneInfo

from flashticket_core.desk_file import DeskStructure, single_team
from flashticket_core.domain.business_time import BusinessCalendar
from flashticket_core.domain.enums import Priority, Role, Status
from flashticket_core.domain.model import DEFAULT_TEAM_ID, USER_ID_MAX, Ticket
from flashticket_core.domain.permissions import (
    DEFAULT_INTAKE_LIMIT,
    Action,
    Actor,
    IntakeLimit,
    authorize,
)
from flashticket_core.errors import Conflict, InvalidInput, NotFound, PersonRef, Translatable
from flashticket_core.i18n import Language
from flashticket_core.service_layer import views
from flashticket_core.service_layer.availability import AvailabilityRelay
from flashticket_core.service_layer.dashboard import UTC_ZONE
from flashticket_core.service_layer.reads import Reads, ReadsFactory
from flashticket_core.service_layer.unit_of_work import (
    AbstractUnitOfWork,
    ConcurrentUpdate,
    UnitOfWorkFactory,
)

MAX_PAGE = 200


def utcnow() -> datetime:
    return datetime.now(UTC)


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


def is_person_id(value: str) -> bool:
    """A person's id as the chat names them: opaque to the core (the chat adapter knows
    its syntax), but present, of one printable word, and not absurdly long."""
    return (
        0 < len(value) <= USER_ID_MAX
        and value.isprintable()
        and not any(c.isspace() for c in value)
    )


def validate_user_id(value: str) -> str:
    if not is_person_id(value):
        raise InvalidInput("error.invalid_user_id", field="user", value=value[:40])
    return value


@dataclass(frozen=True)
class Environment:
    """The one way every area writes (a unit of work) and reads (a read transaction)."""

    units: UnitOfWorkFactory
    reads: ReadsFactory
    configured_admins: frozenset[str] = frozenset()
    clock: Callable[[], datetime] = utcnow
    language: Language = Language.EN
    # Months and "today" of the statistics are the help desk's calendar.
    zone: ZoneInfo = UTC_ZONE
    # Tickets one person may open from other people's messages per window; None: no limit.
    intake_limit: IntakeLimit | None = DEFAULT_INTAKE_LIMIT
    # The team a new ticket belongs to (the desk file's first, else the one team Support).
    default_team: str = DEFAULT_TEAM_ID
    # The desk's teams and request types (the desk file's, else the one team Support).
    structure: DeskStructure = field(default_factory=lambda: single_team(None))
    # Private teams the desk file no longer names (their tickets stay private).
    stored_private_teams: frozenset[str] = frozenset()
    # Who is away (the chat adapter plugs its answer in), for assignment by rule.
    availability: AvailabilityRelay = field(default_factory=AvailabilityRelay)
    # Each team's business calendar (the help desk's for a team without its own).
    calendars: Mapping[str, BusinessCalendar] = field(default_factory=dict)

    def calendar_of(self, team_id: str) -> BusinessCalendar:
        return self.calendars.get(team_id) or BusinessCalendar.always(self.zone)

    @property
    def teams(self) -> tuple[str, ...]:
        """The desk's teams by id, in the desk file's order (without one, Support alone)."""
        return tuple(team.id for team in self.structure.teams)

    @cached_property
    def private_teams(self) -> frozenset[str]:
        """The teams whose tickets only their members (and administrators) see."""
        named = frozenset(team.id for team in self.structure.teams if team.private)
        return named | self.stored_private_teams

    def actor(
        self,
        user_id: str,
        stored_role: Callable[[str], Role],
        teams_of: Callable[[str], frozenset[str]],
    ) -> Actor:
        """The actor with their role (admins named in the settings, else what is stored)
        and the teams they are a member of, for the team rule."""
        if user_id in self.configured_admins:
            return Actor(user_id, Role.ADMIN, private_teams=self.private_teams)
        return Actor(user_id, stored_role(user_id), teams_of(user_id), self.private_teams)

    def teams_known_to(self, actor: Actor) -> tuple[str, ...]:
        """The desk's teams the actor may name (a private one only to its members)."""
        return tuple(team for team in self.teams if actor.knows_team(team))


class Area:
    """One area of the help desk's operations."""

    def __init__(self, env: Environment) -> None:
        self.env = env

    def _now(self) -> datetime:
        return self.env.clock()

    def _actor(self, uow: AbstractUnitOfWork, user_id: str) -> Actor:
        return self.env.actor(user_id, uow.roles.role_of, uow.members.teams_of)

    def _reader(self, user_id: str) -> Actor:
        with self.env.reads() as reads:
            return self._reading(reads, user_id)

    def _reading(self, reads: Reads, user_id: str) -> Actor:
        """The actor as one read transaction sees them."""
        return self.env.actor(user_id, reads.people.role_of, reads.people.teams_of)

    def _allowed_ticket(self, actor_id: str, ticket_id: int, action: Action) -> views.TicketSummary:
        """The ticket the actor is about to act on (before a form or a question opens);
        raises unless they may do `action` on it, a ticket they may not see as not found."""
        with self.env.reads() as reads:
            actor = self._reading(reads, actor_id)
            authorize(actor, action)
            ticket = reads.ticket(ticket_id)
        if ticket is None:
            raise NotFound(ticket_id=ticket_id)
        authorize(actor, action, ticket)
        return ticket

    def _ticket(self, uow: AbstractUnitOfWork, ticket_id: int) -> Ticket:
        ticket = uow.tickets.get(ticket_id)
        if ticket is None:
            raise NotFound(ticket_id=ticket_id)
        return ticket

    def _commit(self, uow: AbstractUnitOfWork, ticket_id: int | None) -> None:
        """Commit; if another transaction changed the ticket first, tell how it is now."""
        try:
            uow.commit()
        except ConcurrentUpdate:
            uow.rollback()
            raise self._lost_race(ticket_id) from None

    def _lost_race(self, ticket_id: int | None) -> Exception:
        with self.env.reads() as reads:
            current = reads.ticket(ticket_id) if ticket_id is not None else None
        if current is None:
            return NotFound(ticket_id=ticket_id)
        return conflict(current)


def conflict(current: views.TicketSummary) -> Conflict[views.TicketSummary]:
    """What a person is told when their click came from an older view of the ticket:
    what is true now (its status and who holds it), never an internal version."""
    status = Translatable(current.status.label_key)
    if current.assignee_id is None:
        return Conflict(current, "error.conflict_unassigned", ticket_id=current.id, status=status)
    return Conflict(
        current, ticket_id=current.id, status=status, holder=PersonRef(current.assignee_id)
    )


def check_version(ticket: Ticket, expected_version: int | None) -> None:
    """Refuse a change made on an older view of the ticket. Call only once the actor's
    right to change it is settled: the conflict tells its current status."""
    if expected_version is not None and ticket.version != expected_version:
        raise conflict(views.TicketSummary.of(ticket))
