"""Approvals (SPEC.md "Working the queue"): a ticket of a request type with `approvers`
or an `approver_group` waits for approval; one of its approvers approves it (New, into
its team's queue) or rejects it with a reason (Closed). The first decision counts: it is
recorded by a conditional UPDATE (`ApprovalBook.decide`) in the transaction that moves
the ticket, so two approvers clicking at once on two replicas make exactly one decision;
the other is told who decided (`AlreadyDecided`).

`enter_team_queue` is the one place a ticket enters its team's queue after approval."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flashticket_core.desk_file import DeskStructure
from flashticket_core.domain.enums import Status
from flashticket_core.domain.model import Ticket
from flashticket_core.domain.model.approval import (
    APPROVED,
    await_approval,
    checked_reason,
    decide_approval,
)
from flashticket_core.domain.permissions import authorize_approval
from flashticket_core.errors import AlreadyDecided, NotFound
from flashticket_core.service_layer import views
from flashticket_core.service_layer.assignment import assign_entering_queue
from flashticket_core.service_layer.common import Area, Environment, validate_user_id
from flashticket_core.service_layer.repositories import ApprovalState
from flashticket_core.service_layer.unit_of_work import AbstractUnitOfWork, ConcurrentUpdate


@dataclass(frozen=True)
class ApprovalTicket:
    """A ticket as the approver rule sees it (`permissions.Approvable`)."""

    id: int
    reporter_id: str
    team_id: str
    approvers: frozenset[str]
    # The approver rule asks nothing of followers: a follower decides nothing.
    follower_ids: frozenset[str] = frozenset()


def approvers_of_type(
    uow: AbstractUnitOfWork, structure: DeskStructure, type_id: str | None
) -> tuple[str, ...] | None:
    """Whom a new ticket of the type is to be approved by: the desk file's `approvers`,
    then the members of its `approver_group` as last read, each once; None: the type
    needs no approval. A type that needs one waits for it even while its group's members
    are not known yet (an approval is never skipped)."""
    kind = None if type_id is None else structure.request_type(type_id)
    if kind is None or not kind.needs_approval:
        return None
    people = list(kind.approvers)
    if kind.approver_group is not None:
        people += sorted(uow.approvals.group_members(kind.approver_group) - set(people))
    return tuple(people)


def ask_for_approval(
    uow: AbstractUnitOfWork, ticket: Ticket, approvers: tuple[str, ...], now: datetime
) -> None:
    """A ticket just opened (and flushed) waits for its approvers, who are asked by DM."""
    await_approval(ticket, approvers)
    uow.approvals.request(ticket.id, approvers, now=now)


def enter_team_queue(
    env: Environment, uow: AbstractUnitOfWork, ticket: Ticket, *, actor_id: str, now: datetime
) -> None:
    """The approved ticket becomes New in its team's queue: from here on it is the team's
    like any new ticket (its card is posted, its targets start now, the team's
    assignment rule gives it to someone). The one place a ticket enters the queue after
    approval."""
    ticket.change_status(Status.NEW, actor_id=actor_id, now=now, reason=APPROVED)
    assign_entering_queue(env, uow, ticket, now)


class Approvals(Area):
    def decide(
        self, actor_id: str, ticket_id: int, *, approved: bool, reason: str | None = None
    ) -> views.TicketSummary:
        """The approver's decision on the ticket. Only its approvers may (by user id, the
        permission table's `DECIDE_APPROVAL`); a rejection needs a reason. A decision
        made already, by anyone, raises `AlreadyDecided` naming who made it."""
        validate_user_id(actor_id)
        try:
            with self.env.units() as uow:
                actor = self._actor(uow, actor_id)
                ticket = uow.tickets.get(ticket_id)
                state = uow.approvals.get(ticket_id)
                if ticket is None or ticket.deleted_at is not None or state is None:
                    raise NotFound(ticket_id=ticket_id)
                authorize_approval(actor, _as_approvable(ticket, state))
                _refuse_if_decided(state)
                text = checked_reason(approved=approved, reason=reason)
                now = self._now()
                waited = self.env.calendar_of(ticket.team_id).elapsed(state.requested_at, now)
                # The gate: the first decision's UPDATE finds it undecided; a second one
                # (waiting for the first one's row lock on PostgreSQL) finds it made.
                first = uow.approvals.decide(
                    ticket_id,
                    by=actor_id,
                    approved=approved,
                    reason=text,
                    now=now,
                    waited=waited.total_seconds(),
                )
                if not first:
                    raise ConcurrentUpdate()
                decide_approval(
                    ticket,
                    approved=approved,
                    reason=text,
                    approvers=state.approvers,
                    actor_id=actor_id,
                    now=now,
                )
                if approved:
                    enter_team_queue(self.env, uow, ticket, actor_id=actor_id, now=now)
                uow.commit()
                return views.TicketSummary.of(ticket)
        except ConcurrentUpdate:
            raise self._decided_meanwhile(ticket_id) from None

    def check_can_decide(self, actor_id: str, ticket_id: int) -> views.TicketSummary:
        """The ticket, if the actor may still decide on it (before a form opens)."""
        validate_user_id(actor_id)
        with self.env.units() as uow:
            ticket = uow.tickets.get(ticket_id)
            state = uow.approvals.get(ticket_id)
            if ticket is None or ticket.deleted_at is not None or state is None:
                raise NotFound(ticket_id=ticket_id)
            authorize_approval(self._actor(uow, actor_id), _as_approvable(ticket, state))
            _refuse_if_decided(state)
            return views.TicketSummary.of(ticket)

    def refresh_approver_group(self, usergroup: str, user_ids: frozenset[str]) -> bool:
        """The approver group holds `user_ids` now (the chat said so); True if that changed
        anyone. Not a person's act: the periodic refresh's."""
        with self.env.units() as uow:
            if not uow.approvals.replace_group(usergroup, user_ids):
                return False
            try:
                uow.commit()
            except ConcurrentUpdate:
                return False  # another replica wrote the same members at the same time
            return True

    def _decided_meanwhile(self, ticket_id: int) -> Exception:
        """Another approver's decision was first (their transaction committed while this
        one waited): who made it, as it is stored now."""
        with self.env.units() as uow:
            state = uow.approvals.get(ticket_id)
        if state is None:
            return NotFound(ticket_id=ticket_id)
        try:
            _refuse_if_decided(state)
        except AlreadyDecided as decided:
            return decided
        return self._lost_race(ticket_id)


def _as_approvable(ticket: Ticket, state: ApprovalState) -> ApprovalTicket:
    return ApprovalTicket(ticket.id, ticket.reporter_id, ticket.team_id, state.approver_ids)


def _refuse_if_decided(state: ApprovalState) -> None:
    if state.decided_by is not None and state.approved is not None:
        raise AlreadyDecided(
            ticket_id=state.ticket_id, decided_by=state.decided_by, approved=state.approved
        )
