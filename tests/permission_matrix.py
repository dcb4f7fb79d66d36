"""The permission table as cases to walk: every action of every role, on the actor's own
ticket and on someone else's, with what the table says should happen. The unit layer
walks them against the in-memory fakes, the integration layer on both databases; a new
action without a probe here fails `test_every_action_has_a_row_a_label_and_a_probe`."""

from __future__ import annotations

import io
import itertools
from collections.abc import Callable
from dataclasses import dataclass, replace

from flashticket_core.desk_file import DeskStructure, RequestType, parse_desk_text
from flashticket_core.domain.clock import SYSTEM_ACTOR
from flashticket_core.domain.enums import EntryKind, Priority, Role, Status
from flashticket_core.domain.model import MessageSource
from flashticket_core.domain.permissions import PERMISSIONS, Action, Scope, status_action
from flashticket_core.errors import IntakeLimited, InvalidInput, NotAllowed, NotFound
from flashticket_core.service_layer.desk import HelpDesk
from tests.conftest import ADMIN, ALICE, SUPPORT

CAROL = "UCAROL0001"  # a plain user who reports the tickets that are not the actor's
ACTOR_OF_ROLE = {Role.USER: ALICE, Role.SUPPORT: SUPPORT, Role.ADMIN: ADMIN}


@dataclass(frozen=True)
class Probe:
    """How to try an action: `prepare` brings the ticket into a state where the action
    makes sense (done by support), `attempt` is the actor trying it. An attempt that
    returns False was refused by leaving things out (internal notes hidden)."""

    attempt: Callable[[HelpDesk, str, int], object]
    on_ticket: bool = True
    leaves_out: bool = False
    prepare: Callable[[HelpDesk, int], object] = lambda desk, ticket: None
    # What the actor did before (e.g. used up a rate), done by the actor themselves.
    ready: Callable[[HelpDesk, str], object] = lambda desk, actor: None
    # The refusal's own kind of NotAllowed, where it says more than "not allowed".
    refused_with: type[NotAllowed] = NotAllowed


def _resolved(desk: HelpDesk, ticket: int) -> None:
    desk.tickets.change_status(SUPPORT, ticket, Status.RESOLVED)


def _closed(desk: HelpDesk, ticket: int) -> None:
    desk.tickets.change_status(SUPPORT, ticket, Status.CLOSED)


def _closed_by_clock(desk: HelpDesk, ticket: int) -> None:
    """Resolved by support, then closed by the clock as the sweep closes it."""
    desk.tickets.change_status(SUPPORT, ticket, Status.RESOLVED)
    with desk.env.units() as uow:
        found = uow.tickets.get(ticket)
        assert found is not None
        found.change_status(Status.CLOSED, actor_id=SYSTEM_ACTOR, now=found.updated_at)
        uow.commit()


_messages = itertools.count(1)


def _from_message(
    desk: HelpDesk, actor: str, reporter: str, followers: tuple[str, ...] = ()
) -> int:
    """A ticket the actor opens from one of the reporter's messages (a new one each time)."""
    ts = f"1700000000.{next(_messages):06d}"
    source = MessageSource("C0GENERAL1", ts, ts)
    return desk.tickets.open_ticket(
        actor, title="Wifi", reporter_id=reporter, source=source, followers=followers
    ).id


def _up_to_the_rate(desk: HelpDesk, actor: str) -> None:
    """As many tickets from other people's messages as the per-person rate allows."""
    limit = desk.env.intake_limit
    assert limit is not None
    for _ in range(limit.count):
        _from_message(desk, actor, CAROL)


def _opened_for_reporter(desk: HelpDesk, ticket: int) -> None:
    """Support (or an admin, for support) opens the next ticket (`ticket + 1`) for the ticket's reporter from one of
    their messages: the one the attempt withdraws."""
    shown = desk.queries.show(ADMIN, ticket).ticket
    reporter = shown.reporter_id
    opener = ADMIN if reporter == SUPPORT else SUPPORT
    assert _from_message(desk, opener, reporter, shown.followers) == ticket + 1


def _sees_note(desk: HelpDesk, actor: str, ticket: int) -> bool:
    conversation = desk.queries.show(actor, ticket).conversation
    return any(entry.kind is EntryKind.INTERNAL_NOTE for entry in conversation)


# The desk of the matrix with a second team, for a ticket to move to.
TWO_TEAMS = parse_desk_text(
    """\
teams:
  - {id: support, name: Support, channel: C0SUPPORT1}
  - {id: hr, name: HR, channel: C0HR000001}
""",
    source="two-teams.yaml",
)


def _moved_elsewhere(desk: HelpDesk, actor: str, ticket: int) -> object:
    """Move the ticket to a team it is not in: of the desk's own teams where it has
    several (the team rule's cases), else of two."""
    env = desk.env if len(desk.env.teams) > 1 else replace(desk.env, structure=TWO_TEAMS)
    with env.units() as uow:
        found = uow.tickets.get(ticket)
        current = found.team_id if found is not None else None
    elsewhere = next(team for team in env.teams if team != current)
    return HelpDesk.over(env).routing.move_to_team(actor, ticket, elsewhere)


def with_two_types(structure: DeskStructure) -> DeskStructure:
    """The desk with two request types for each of its teams (`<team>-a`, `<team>-b`)."""
    kinds = tuple(
        RequestType(id=f"{team.id}-{side}", name=f"{team.name} {side.upper()}", team=team.id)
        for team in structure.teams
        for side in ("a", "b")
    )
    return DeskStructure(teams=structure.teams, request_types=kinds)


def _retyped(desk: HelpDesk, actor: str, ticket: int) -> object:
    """Give the ticket the other of its team's two request types."""
    env = replace(desk.env, structure=with_two_types(desk.env.structure))
    with env.units() as uow:
        found = uow.tickets.get(ticket)
        team = found.team_id if found is not None else env.structure.default_team.id
        current = found.request_type if found is not None else None
    other = f"{team}-b" if current == f"{team}-a" else f"{team}-a"
    return HelpDesk.over(env).routing.change_type(actor, ticket, other)


_saved_titles = itertools.count(1)


def _saved_as_reply(desk: HelpDesk, actor: str, ticket: int) -> object:
    """Save a reply for the ticket's team ("Save as reply"), under a title of its own."""
    return desk.replies.save_from_ticket(actor, ticket, f"Reply {next(_saved_titles)}", "Hi")


DAVE = "UDAVE00001"  # who reports the ticket waiting for approval


def with_approval(structure: DeskStructure, approver: str) -> DeskStructure:
    """The desk with a request type `access` of its first team, approved by `approver`."""
    access = RequestType(
        id="access",
        name="Access request",
        team=structure.default_team.id,
        approvers=(approver,),
    )
    return DeskStructure(teams=structure.teams, request_types=(*structure.request_types, access))


def _approval_desk(desk: HelpDesk, ticket: int) -> HelpDesk:
    """The desk whose `access` requests the ticket's reporter approves: the actor of the
    case on their own ticket, someone else on another's."""
    reporter = desk.queries.show(ADMIN, ticket).ticket.reporter_id
    return HelpDesk.over(replace(desk.env, structure=with_approval(desk.env.structure, reporter)))


def _awaiting_approval(desk: HelpDesk, ticket: int) -> None:
    """The next ticket (`ticket + 1`): an access request waiting for approval."""
    opened = _approval_desk(desk, ticket).tickets.open_ticket(
        DAVE, title="Access to the finance share", request_type="access"
    )
    assert opened.id == ticket + 1
    assert opened.status is Status.PENDING_APPROVAL


def _unfollowed(desk: HelpDesk, actor: str, ticket: int) -> object:
    """Stop following the ticket; one the actor does not follow (they may, but have
    nothing to stop) is told so, which is not a refusal."""
    try:
        return desk.following.unfollow(actor, ticket)
    except InvalidInput as nothing_to_stop:
        if nothing_to_stop.key != "error.not_following":
            raise
        return True


def _followed(desk: HelpDesk, actor: str, ticket: int) -> object:
    """Follow the ticket; its reporter is told they hear of it anyway (not a refusal)."""
    try:
        return desk.following.follow(actor, ticket)
    except InvalidInput as reporter:
        if reporter.key != "error.follow_reporter":
            raise
        return True


PROBES: dict[Action, Probe] = {
    Action.OPEN_TICKET: Probe(
        lambda d, a, t: d.tickets.open_ticket(a, title="Printer"), on_ticket=False
    ),
    Action.OPEN_FOR_AUTHOR: Probe(
        lambda d, a, t: d.tickets.open_ticket(
            a,
            title="Printer",
            reporter_id=CAROL,
            source=MessageSource("C0GENERAL1", "1700000000.000100", "1700000000.000100"),
        ),
        on_ticket=False,
    ),
    Action.OPEN_ON_BEHALF: Probe(
        lambda d, a, t: d.tickets.open_ticket(a, title="Printer", on_behalf_of=CAROL),
        on_ticket=False,
    ),
    Action.OPEN_FOR_AUTHORS_UNLIMITED: Probe(
        lambda d, a, t: _from_message(d, a, CAROL),
        on_ticket=False,
        ready=_up_to_the_rate,
        refused_with=IntakeLimited,
    ),
    Action.WITHDRAW: Probe(
        lambda d, a, t: d.tickets.withdraw(a, t + 1), prepare=_opened_for_reporter
    ),
    Action.VIEW_TICKET: Probe(lambda d, a, t: d.queries.show(a, t)),
    Action.VIEW_INTERNAL: Probe(
        _sees_note,
        leaves_out=True,
        prepare=lambda d, t: d.conversation.add_internal_note(SUPPORT, t, "note"),
    ),
    Action.FILTER_OTHERS: Probe(
        lambda d, a, t: d.queries.list_tickets(a, queue=True), on_ticket=False
    ),
    Action.CHANGE_STATUS: Probe(lambda d, a, t: d.tickets.change_status(a, t, Status.WAITING)),
    Action.REOPEN: Probe(lambda d, a, t: d.tickets.reopen(a, t), prepare=_resolved),
    Action.REOPEN_CLOSED: Probe(lambda d, a, t: d.tickets.reopen(a, t), prepare=_closed),
    Action.REOPEN_AUTO_CLOSED: Probe(
        lambda d, a, t: d.tickets.reopen(a, t), prepare=_closed_by_clock
    ),
    Action.ASSIGN: Probe(lambda d, a, t: d.tickets.take(a, t)),
    Action.UNASSIGN: Probe(
        lambda d, a, t: d.tickets.unassign(a, t, holder=SUPPORT),
        prepare=lambda d, t: d.tickets.take(SUPPORT, t),
    ),
    Action.SET_PRIORITY: Probe(lambda d, a, t: d.tickets.set_priority(a, t, Priority.HIGH)),
    Action.SUPPORT_REPLY: Probe(lambda d, a, t: d.conversation.add_support_reply(a, t, "Hi")),
    Action.INTERNAL_NOTE: Probe(lambda d, a, t: d.conversation.add_internal_note(a, t, "Hm")),
    Action.COMMENT: Probe(lambda d, a, t: d.conversation.add_reporter_reply(a, t, "Thanks")),
    Action.RATE: Probe(lambda d, a, t: d.tickets.rate(a, t, 4), prepare=_resolved),
    Action.DELETE: Probe(lambda d, a, t: d.tickets.delete(a, t)),
    Action.VIEW_STATS: Probe(lambda d, a, t: d.queries.statistics(a), on_ticket=False),
    Action.MANAGE_ROLES: Probe(
        lambda d, a, t: d.roles.grant(a, "UDAVE00001", Role.SUPPORT), on_ticket=False
    ),
    Action.OUTBOX: Probe(lambda d, a, t: d.admin.undelivered_messages(a), on_ticket=False),
    Action.EXPORT: Probe(lambda d, a, t: d.admin.export_csv(a, io.StringIO()), on_ticket=False),
    Action.VIEW_TEAMS: Probe(lambda d, a, t: d.admin.teams(a), on_ticket=False),
    Action.MOVE_TEAM: Probe(_moved_elsewhere),
    Action.CHANGE_TYPE: Probe(_retyped),
    Action.SAVED_REPLIES: Probe(_saved_as_reply),
    # `own`: the actor is the approver the request was asked of.
    Action.DECIDE_APPROVAL: Probe(
        lambda d, a, t: _approval_desk(d, t).approvals.decide(a, t + 1, approved=True),
        prepare=_awaiting_approval,
    ),
    Action.FOLLOW: Probe(_followed),
    Action.UNFOLLOW: Probe(_unfollowed),
}


@dataclass(frozen=True)
class Case:
    action: Action
    role: Role
    own: bool
    # Someone else's ticket whose reporter named the actor to keep informed.
    follows: bool = False

    @property
    def allowed(self) -> bool:
        scope = PERMISSIONS[self.action][self.role]
        if scope is Scope.FOLLOWED:
            return self.own or self.follows
        return scope is Scope.ALL or (scope in (Scope.OWN, Scope.APPROVER) and self.own)

    @property
    def refusal(self) -> type[Exception] | None:
        """What a refused actor is told (None: they are shown less).

        An action the role may do on no ticket is refused before the ticket is looked at,
        except a status move, which depends on the ticket's state: then, like every
        action on someone else's ticket the actor may not see, the ticket is not found.
        """
        probe = PROBES[self.action]
        if PERMISSIONS[self.action][self.role] is Scope.APPROVER:
            # The request was sent to them: no secret whether it exists.
            return probe.refused_with
        viewing = PERMISSIONS[Action.VIEW_TICKET][self.role]
        visible = self.own or viewing is Scope.ALL or (self.follows and viewing is Scope.FOLLOWED)
        if probe.on_ticket and not visible:
            never = PERMISSIONS[self.action][self.role] is Scope.NONE
            if probe.leaves_out or self.action in STATUS_MOVES or not never:
                return NotFound
        return None if probe.leaves_out else probe.refused_with

    def __str__(self) -> str:
        whose = ("own" if self.own else "other's") if PROBES[self.action].on_ticket else "-"
        whose += "-followed" if self.follows else ""
        verdict = "allowed" if self.allowed else "refused"
        return f"{self.role.value}-{self.action.value}-{whose}-{verdict}"


STATUS_MOVES = {
    status_action(current, new, closed_by_clock=by_clock)
    for current in Status
    for new in Status
    for by_clock in (False, True)
}

# On a ticket: the actor's own, someone else's, and someone else's they follow.
WHOSE = ((True, False), (False, False), (False, True))

CASES = [
    Case(action, role, own, follows)
    for action in Action
    for role in Role
    for own, follows in (WHOSE if PROBES[action].on_ticket else ((True, False),))
]


def attempt(case: Case, desk: HelpDesk) -> Callable[[], object]:
    """Open the case's ticket and prepare it; returns the actor's attempt."""
    actor = ACTOR_OF_ROLE[case.role]
    probe = PROBES[case.action]
    reporter = actor if case.own else CAROL
    followers = (actor,) if case.follows else ()
    ticket = desk.tickets.open_ticket(reporter, title="Keyboard", followers=followers).id
    probe.prepare(desk, ticket)
    probe.ready(desk, actor)
    return lambda: probe.attempt(desk, actor, ticket)
