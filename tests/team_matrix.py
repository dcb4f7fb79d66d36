"""The team rule walked as cases: each role × where the ticket is (a team the actor is a
member of, a team they are not, a private team they are outside of, a private team they
are a member of) × every action, with what the permission table says for the row the
team rule picks. The unit layer walks them on the in-memory fakes, the integration
layer on both databases.

The desk: `it` and `fac` are open teams, `hr` is private. The actors: a plain user and
a person with the global support role, each a member of `it` (or of `hr`, for the
private team's members), and a configured administrator. Whoever prepares a ticket
(SUPPORT) is a member of every team.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum

from flashticket_core.desk_file import DeskStructure, parse_desk_text
from flashticket_core.domain.enums import Role
from flashticket_core.domain.permissions import PERMISSIONS, Action, Scope
from flashticket_core.errors import NotFound
from flashticket_core.service_layer.desk import HelpDesk
from tests.conftest import ADMIN, SUPPORT
from tests.permission_matrix import CAROL, PROBES, STATUS_MOVES

# The private team last, block style, so a test can add keys to it.
DESK = """\
teams:
  - {id: it, name: IT, channel: C0IT}
  - {id: fac, name: Facilities, channel: C0FAC}
  - id: hr
    name: HR
    channel: G0HR
    private: true
"""
TEAM_USER = "UTEAMUSER1"  # a plain user, member of a team
TEAM_SUPPORT = "UTEAMSUP01"  # the global support role, member of a team
ACTOR_OF_ROLE = {Role.USER: TEAM_USER, Role.SUPPORT: TEAM_SUPPORT, Role.ADMIN: ADMIN}


def structure() -> DeskStructure:
    return parse_desk_text(DESK, source="desk.yaml")


class Where(Enum):
    """Where the ticket is, as seen from the actor; (its team, the actor's team)."""

    MEMBER = ("it", "it")
    OTHER_TEAM = ("fac", "it")
    PRIVATE_OUTSIDE = ("hr", "it")
    PRIVATE_MEMBER = ("hr", "hr")

    @property
    def team(self) -> str:
        return self.value[0]

    @property
    def member_of(self) -> str:
        return self.value[1]


# The row of the table that holds, written out by hand (not computed by the rule).
ROW: dict[tuple[Role, Where], Role] = {
    (Role.USER, Where.MEMBER): Role.SUPPORT,
    (Role.USER, Where.OTHER_TEAM): Role.USER,
    (Role.USER, Where.PRIVATE_OUTSIDE): Role.USER,
    (Role.USER, Where.PRIVATE_MEMBER): Role.SUPPORT,
    (Role.SUPPORT, Where.MEMBER): Role.SUPPORT,
    (Role.SUPPORT, Where.OTHER_TEAM): Role.SUPPORT,
    (Role.SUPPORT, Where.PRIVATE_OUTSIDE): Role.USER,
    (Role.SUPPORT, Where.PRIVATE_MEMBER): Role.SUPPORT,
    **{(Role.ADMIN, where): Role.ADMIN for where in Where},
}
# Every actor here is a member of some team: support on some ticket at least.
WIDEST = {Role.USER: Role.SUPPORT, Role.SUPPORT: Role.SUPPORT, Role.ADMIN: Role.ADMIN}


@dataclass(frozen=True)
class TeamCase:
    action: Action
    role: Role
    where: Where
    own: bool = False

    @property
    def row(self) -> Role:
        return ROW[(self.role, self.where)]

    @property
    def allowed(self) -> bool:
        if not PROBES[self.action].on_ticket:
            return PERMISSIONS[self.action][WIDEST[self.role]] is not Scope.NONE
        scope = PERMISSIONS[self.action][self.row]
        return scope is Scope.ALL or (
            scope in (Scope.OWN, Scope.APPROVER, Scope.FOLLOWED) and self.own
        )

    @property
    def refusal(self) -> type[Exception] | None:
        """A ticket the actor may not see is not found, unless the action is one they
        may do on no ticket at all (refused before the ticket is looked at)."""
        probe = PROBES[self.action]
        if PERMISSIONS[self.action][self.row] is Scope.APPROVER:
            # The request was sent to them: no secret whether it exists.
            return probe.refused_with
        visible = self.own or PERMISSIONS[Action.VIEW_TICKET][self.row] is Scope.ALL
        if probe.on_ticket and not visible:
            never = PERMISSIONS[self.action][WIDEST[self.role]] is Scope.NONE
            if probe.leaves_out or self.action in STATUS_MOVES or not never:
                return NotFound
        return None if probe.leaves_out else probe.refused_with

    def __str__(self) -> str:
        whose = "own" if self.own else "other's"
        verdict = "allowed" if self.allowed else "refused"
        return f"{self.role.value}-{self.where.name.lower()}-{self.action.value}-{whose}-{verdict}"


TEAM_CASES = [
    TeamCase(action, role, where, own)
    for action in Action
    for role in Role
    for where in (Where if PROBES[action].on_ticket else (Where.MEMBER,))
    for own in ((False, True) if where is Where.PRIVATE_OUTSIDE else (False,))
]

# Puts the tickets from the first id on into a team (until routing does).
MoveTickets = Callable[[HelpDesk, int, str], None]


def prepare_people(desk: HelpDesk, where: Where) -> None:
    """The roles and memberships of the case's actors and of whoever prepares."""
    roles = desk.roles
    roles.grant(ADMIN, SUPPORT, Role.SUPPORT)
    roles.grant(ADMIN, TEAM_SUPPORT, Role.SUPPORT)
    for team in ("it", "fac", "hr"):
        roles.grant_team(ADMIN, SUPPORT, team)
    for actor in (TEAM_USER, TEAM_SUPPORT):
        roles.grant_team(ADMIN, actor, where.member_of)


def attempt(case: TeamCase, desk: HelpDesk, move: MoveTickets) -> Callable[[], object]:
    """Set up the people, open the case's ticket in its team and prepare it; returns the
    actor's attempt."""
    prepare_people(desk, case.where)
    actor = ACTOR_OF_ROLE[case.role]
    probe = PROBES[case.action]
    reporter = actor if case.own else CAROL
    ticket = desk.tickets.open_ticket(reporter, title="Keyboard").id
    move(desk, ticket, case.where.team)
    probe.prepare(desk, ticket)
    move(desk, ticket, case.where.team)  # what the preparation opened, too
    probe.ready(desk, actor)
    return lambda: probe.attempt(desk, actor, ticket)
