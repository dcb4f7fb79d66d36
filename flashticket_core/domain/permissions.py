"""Who may do what: one table of role × action, the team rule that says which row of it
holds for a ticket, the own-ticket rule, and the few rules beyond the table (whose words,
whose role, how many tickets for others).

Every operation asks `authorize` before it changes or shows anything, with the actor's
role and teams looked up on the server by their chat user ID. The tests walk this table:
each action of each role, on the actor's own ticket and on someone else's, in a team the
actor is a member of, one they are not, and a private one, must be allowed or refused
exactly as it says here. Every refusal (`NotAllowed`) is made in this module.

The team rule (`Actor.role_in`): a ticket belongs to one team. An administrator is an
administrator in every team. A member of the ticket's team (the desk file's `members`,
its Slack user group, `/ticket-admin grant @x support <team>`) is support for it,
whatever their stored role. The stored support role is support in every team that is
not private. Anyone else is a plain user for that ticket: their own tickets alone. So a
private team's tickets show to its members and the administrators, and to their
reporters, and to nobody else, in any list, search or figure (`Actor.visible_teams`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from enum import Enum, StrEnum
from typing import Protocol

from flashticket_core.domain.enums import Role, Status
from flashticket_core.errors import IntakeLimited, NotAllowed, NotFound, PersonRef


class Action(StrEnum):
    """What a person asks to do. The value names its label, `action.<value>`."""

    OPEN_TICKET = "open_ticket"
    # Open a ticket whose reporter is the author of a message the actor can see.
    OPEN_FOR_AUTHOR = "open_for_author"
    # Open tickets from other people's messages beyond the per-person rate (the help
    # desk's own people triage channels; anyone else is held to the rate).
    OPEN_FOR_AUTHORS_UNLIMITED = "open_for_authors_unlimited"
    # Open a ticket in the name of another person ("On behalf of"), who becomes its reporter.
    OPEN_ON_BEHALF = "open_on_behalf"
    # The reporter takes back a ticket someone else opened in their name.
    WITHDRAW = "withdraw"
    VIEW_TICKET = "view_ticket"
    VIEW_INTERNAL = "view_internal"  # internal notes and the whole history
    FILTER_OTHERS = "filter_others"  # the queue, other people's tickets, search them
    CHANGE_STATUS = "change_status"
    REOPEN = "reopen"  # a resolved ticket back to in progress
    REOPEN_CLOSED = "reopen_closed"
    # A ticket the clock closed (no one replied after it was resolved) back to in progress.
    REOPEN_AUTO_CLOSED = "reopen_auto_closed"
    ASSIGN = "assign"  # take a ticket, assign it, be assigned one
    UNASSIGN = "unassign"  # take whoever holds a ticket off it
    SET_PRIORITY = "set_priority"
    SUPPORT_REPLY = "support_reply"
    INTERNAL_NOTE = "internal_note"
    COMMENT = "comment"  # the reporter's reply in their ticket's thread
    RATE = "rate"
    DELETE = "delete"
    VIEW_STATS = "view_stats"
    MANAGE_ROLES = "manage_roles"
    OUTBOX = "outbox"  # see and retry undelivered messages
    EXPORT = "export"
    VIEW_TEAMS = "view_teams"  # the desk's teams, their people and request types
    MOVE_TEAM = "move_team"  # give a ticket to another team of the desk
    CHANGE_TYPE = "change_type"  # another request type of the ticket's team
    SAVED_REPLIES = "saved_replies"  # a team's saved replies: add, list, remove
    # Approve or reject a ticket waiting for approval: its type's approvers alone.
    DECIDE_APPROVAL = "decide_approval"
    FOLLOW = "follow"  # be kept informed of a ticket in one's own DM thread
    UNFOLLOW = "unfollow"  # stop being kept informed of it


class Scope(Enum):
    NONE = "no ticket"
    OWN = "own tickets"  # tickets the actor reported
    # Tickets the actor reported or follows: a follower is kept informed, and may look,
    # but acts on nothing (every other row says OWN or wider).
    FOLLOWED = "own and followed tickets"
    ALL = "every ticket"
    # Tickets whose approval was asked of the actor (the desk file's `approvers` and
    # `approver_group` of its request type), whatever their role.
    APPROVER = "tickets they approve"


def _row(user: Scope, support: Scope, admin: Scope) -> dict[Role, Scope]:
    return {Role.USER: user, Role.SUPPORT: support, Role.ADMIN: admin}


NONE, OWN, FOLLOWED, ALL = Scope.NONE, Scope.OWN, Scope.FOLLOWED, Scope.ALL
APPROVER = Scope.APPROVER

PERMISSIONS: dict[Action, dict[Role, Scope]] = {
    #                   user  support  admin
    Action.OPEN_TICKET: _row(ALL, ALL, ALL),
    Action.OPEN_FOR_AUTHOR: _row(ALL, ALL, ALL),
    Action.OPEN_FOR_AUTHORS_UNLIMITED: _row(NONE, ALL, ALL),
    Action.OPEN_ON_BEHALF: _row(NONE, ALL, ALL),
    Action.WITHDRAW: _row(OWN, OWN, OWN),
    Action.VIEW_TICKET: _row(FOLLOWED, ALL, ALL),
    Action.VIEW_INTERNAL: _row(NONE, ALL, ALL),
    Action.FILTER_OTHERS: _row(NONE, ALL, ALL),
    Action.CHANGE_STATUS: _row(NONE, ALL, ALL),
    Action.REOPEN: _row(OWN, ALL, ALL),
    Action.REOPEN_CLOSED: _row(NONE, ALL, ALL),
    Action.REOPEN_AUTO_CLOSED: _row(OWN, ALL, ALL),
    Action.ASSIGN: _row(NONE, ALL, ALL),
    Action.UNASSIGN: _row(NONE, ALL, ALL),
    Action.SET_PRIORITY: _row(NONE, ALL, ALL),
    Action.SUPPORT_REPLY: _row(NONE, ALL, ALL),
    Action.INTERNAL_NOTE: _row(NONE, ALL, ALL),
    Action.COMMENT: _row(OWN, OWN, OWN),
    Action.RATE: _row(OWN, OWN, OWN),
    Action.DELETE: _row(NONE, NONE, ALL),
    Action.VIEW_STATS: _row(NONE, ALL, ALL),
    Action.MANAGE_ROLES: _row(NONE, NONE, ALL),
    Action.OUTBOX: _row(NONE, NONE, ALL),
    Action.EXPORT: _row(NONE, NONE, ALL),
    Action.VIEW_TEAMS: _row(NONE, NONE, ALL),
    Action.MOVE_TEAM: _row(NONE, ALL, ALL),
    Action.CHANGE_TYPE: _row(NONE, ALL, ALL),
    Action.SAVED_REPLIES: _row(NONE, ALL, ALL),
    Action.DECIDE_APPROVAL: _row(APPROVER, APPROVER, APPROVER),
    # Following from the card is the team's: a plain user is kept informed only of the
    # tickets whose reporters named them ("Keep informed"), never of others' by choice.
    Action.FOLLOW: _row(NONE, ALL, ALL),
    Action.UNFOLLOW: _row(FOLLOWED, ALL, ALL),
}


@dataclass(frozen=True)
class IntakeLimit:
    """How many tickets one person may open from other people's messages in a window:
    enough for someone who helps colleagues, too few to flood people with tickets in
    their name."""

    count: int
    window: timedelta

    @property
    def minutes(self) -> int:
        return max(1, round(self.window.total_seconds() / 60))


DEFAULT_INTAKE_LIMIT = IntakeLimit(5, timedelta(minutes=10))


class Reported(Protocol):
    """What the own-ticket rule and the team rule need to know of a ticket."""

    @property
    def id(self) -> int: ...

    @property
    def reporter_id(self) -> str: ...

    @property
    def team_id(self) -> str: ...

    @property
    def follower_ids(self) -> frozenset[str]:
        """Who follows the ticket; a read that did not load them says nobody, so a
        follower is refused rather than shown too much."""
        ...


class Written(Protocol):
    """What the own-words rule needs to know of a ticket's entry."""

    @property
    def ticket_id(self) -> int: ...

    @property
    def author_id(self) -> str: ...


class Approvable(Reported, Protocol):
    """What the approver rule needs to know of a ticket: whom its approval was asked of."""

    @property
    def approvers(self) -> frozenset[str]: ...


@dataclass(frozen=True)
class TeamScope:
    """Which teams' tickets a read may show beyond the actor's own: `only` these teams
    (None: every team), and of them none in `excluded`. One value every read path asks
    for (`Actor.visible_teams`) and turns into its filter, so a private team's tickets
    are left out the same way in every list, search, figure and export."""

    only: frozenset[str] | None = None
    excluded: frozenset[str] = frozenset()

    @property
    def everything(self) -> bool:
        return self.only is None and not self.excluded

    @property
    def nothing(self) -> bool:
        return self.only is not None and not (self.only - self.excluded)

    def covers(self, team_id: str) -> bool:
        return (self.only is None or team_id in self.only) and team_id not in self.excluded


EVERY_TEAM = TeamScope()
NO_TEAM = TeamScope(only=frozenset())


@dataclass(frozen=True)
class Actor:
    """A person, by chat user ID, with the role the server looked up for them, the teams
    they are a member of, and the desk's private teams (whose tickets only their members
    see)."""

    user_id: str
    role: Role
    teams: frozenset[str] = frozenset()
    private_teams: frozenset[str] = frozenset()

    def role_in(self, team_id: str | None) -> Role:
        """The row of the table that holds for a ticket of `team_id` (the team rule);
        None: the widest the actor has in any team (what they may do on some ticket)."""
        if self.role is Role.ADMIN:
            return Role.ADMIN
        if team_id is None:
            return Role.SUPPORT if self.teams or self.role is Role.SUPPORT else Role.USER
        if team_id in self.teams:
            return Role.SUPPORT
        if self.role is Role.SUPPORT and team_id not in self.private_teams:
            return Role.SUPPORT
        return Role.USER

    def scope(self, action: Action, team_id: str | None = None) -> Scope:
        return PERMISSIONS[action][self.role_in(team_id)]

    def may(self, action: Action, ticket: Reported | None = None) -> bool:
        """Whether the actor may do `action` on `ticket` (on some ticket, without one)."""
        scope = self.scope(action, None if ticket is None else ticket.team_id)
        if scope is Scope.OWN and ticket is not None:
            return ticket.reporter_id == self.user_id
        if scope is Scope.APPROVER and ticket is not None:
            # Only a ticket that says whom its approval was asked of can name the actor.
            approvers: frozenset[str] = getattr(ticket, "approvers", frozenset())
            return self.user_id in approvers
        if scope is Scope.FOLLOWED and ticket is not None:
            return ticket.reporter_id == self.user_id or self.user_id in ticket.follower_ids
        return scope is not Scope.NONE

    def may_in_team(self, action: Action, team_id: str) -> bool:
        """Whether the actor may do `action` on every ticket of the team (its queue)."""
        return self.scope(action, team_id) is Scope.ALL

    def knows_team(self, team_id: str) -> bool:
        """A private team is named to its members and the administrators alone."""
        return self.role is Role.ADMIN or team_id not in self.private_teams or team_id in self.teams

    def visible_teams(self, action: Action = Action.VIEW_TICKET) -> TeamScope:
        """The teams of whose tickets (everyone's, not only the actor's own) the table
        gives the actor `action`: what every list, search, figure and export filters by."""
        if PERMISSIONS[action][self.role] is Scope.ALL:
            if self.role is Role.SUPPORT and PERMISSIONS[action][Role.USER] is not Scope.ALL:
                return TeamScope(excluded=self.private_teams - self.teams)
            return EVERY_TEAM
        if PERMISSIONS[action][Role.SUPPORT] is Scope.ALL:
            return TeamScope(only=self.teams)
        return NO_TEAM


def hidden(ticket_id: int) -> NotFound:
    """What a person is told about a ticket they may not see: exactly what they would be
    told if it did not exist, so asking reveals nothing."""
    return NotFound(ticket_id=ticket_id)


def authorize(actor: Actor, action: Action, ticket: Reported | None = None) -> None:
    """Raise unless the actor may do `action` (on `ticket`, if there is one).

    An action the actor's role may do on no ticket is refused before the ticket is
    looked at; a ticket the actor may not see is reported as not found before anything
    else about it, so a refusal never tells whether someone else's ticket exists.
    """
    if actor.scope(action) is Scope.NONE:
        raise NotAllowed(action.value)
    if ticket is not None and not actor.may(Action.VIEW_TICKET, ticket):
        raise hidden(ticket.id)
    if not actor.may(action, ticket):
        raise NotAllowed(action.value)


def authorize_approval(actor: Actor, ticket: Approvable) -> None:
    """Raise unless the actor is one of the ticket's approvers (the table's `APPROVER`
    scope). The request was sent to them, so the ticket's existence is no secret to
    them; to anyone else a decision is refused the same way whether or not they could
    see the ticket otherwise."""
    if not actor.may(Action.DECIDE_APPROVAL, ticket):
        raise NotAllowed(Action.DECIDE_APPROVAL.value)


def authorize_team(actor: Actor, action: Action, team_id: str) -> None:
    """Raise unless the actor may do `action` on every ticket of the team (its queue,
    its figures). Ask only about a team the actor knows of (`Actor.knows_team`): one they
    do not is answered as a team that does not exist, where the team is named."""
    if not actor.may_in_team(action, team_id):
        raise NotAllowed(action.value)


def authorize_status_change(
    actor: Actor,
    ticket: Reported,
    current: Status,
    new: Status,
    *,
    closed_by_clock: bool = False,
) -> None:
    """Which move is asked depends on the ticket's state, so the ticket must be visible
    before the actor is told which move they may not make."""
    authorize(actor, Action.VIEW_TICKET, ticket)
    authorize(actor, status_action(current, new, closed_by_clock=closed_by_clock), ticket)


def status_action(current: Status, new: Status, *, closed_by_clock: bool = False) -> Action:
    """Which permission a move from `current` to `new` needs. `closed_by_clock`: the
    ticket's last close was the clock's, not a person's."""
    if current is Status.PENDING_APPROVAL:
        return Action.DECIDE_APPROVAL
    if new is Status.IN_PROGRESS and current is Status.RESOLVED:
        return Action.REOPEN
    if new is Status.IN_PROGRESS and current is Status.CLOSED:
        return Action.REOPEN_AUTO_CLOSED if closed_by_clock else Action.REOPEN_CLOSED
    return Action.CHANGE_STATUS


def authorize_entry_change(actor_id: str, ticket_id: int, entry: Written) -> None:
    """What someone wrote on a ticket is changed (edited, withdrawn) by its author alone,
    on that ticket, whatever their role: the record stays what each person wrote. It is
    refused as commenting, which changing one's words is part of."""
    if entry.ticket_id != ticket_id or entry.author_id != actor_id:
        raise NotAllowed(Action.COMMENT.value)


def authorize_role_change(
    actor: Actor, user_id: str, role: Role, *, configured_admins: frozenset[str]
) -> None:
    """Giving `user_id` the role: an admin's to do (the table), with two rules beyond it.
    An administrator named in the settings is changed there, not in chat; and nobody takes
    away their own administrator role (a slip that would leave the desk without one)."""
    authorize(actor, Action.MANAGE_ROLES)
    if user_id in configured_admins:
        raise NotAllowed(
            Action.MANAGE_ROLES, key="error.configured_admin", person=PersonRef(user_id)
        )
    if user_id == actor.user_id and role is not Role.ADMIN:
        raise NotAllowed(Action.MANAGE_ROLES, key="error.self_demotion")


def authorize_intake(
    actor: Actor, limit: IntakeLimit | None, within: Callable[[IntakeLimit], bool]
) -> None:
    """One more ticket from someone else's message: within the per-person rate (`within`
    asks the tally, and may count the ticket), unless there is no rate or the actor may
    open them unlimited, as the table says."""
    if limit is None or actor.may(Action.OPEN_FOR_AUTHORS_UNLIMITED):
        return
    if not within(limit):
        raise IntakeLimited(limit=limit.count, minutes=limit.minutes)
