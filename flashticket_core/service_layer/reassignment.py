"""Assigning by hand and by the clock: "Assign to…" a member of the ticket's team, and
the periodic round that moves a ticket nobody answered within its team's
`reassign_after` to the next person by the team's rule (`assignment.py`).

The round works as the timers' sweep does (`sweep.py`): one replica holds its lease,
each round claims the due rows (held by its transaction, skipped by another), and the
change, its history and its messages are one transaction. A ticket goes to each member
at most once: when everyone available had it, it stays with the last."""

from __future__ import annotations

import logging
from datetime import timedelta

from flashticket_core.domain.enums import AssignmentRule
from flashticket_core.domain.permissions import Action, authorize
from flashticket_core.errors import HeldBySomeoneElse, InvalidInput, PersonRef
from flashticket_core.service_layer import views
from flashticket_core.service_layer.assignment import NO_FIRST_RESPONSE, give_by_rule
from flashticket_core.service_layer.assignment_book import WaitingAssignment
from flashticket_core.service_layer.common import Area, check_version, validate_user_id
from flashticket_core.service_layer.jobs import Leases
from flashticket_core.service_layer.unit_of_work import AbstractUnitOfWork

log = logging.getLogger(__name__)

REASSIGN_LEASE_NAME = "reassignment"
REASSIGN_LEASE = timedelta(seconds=60)
REASSIGN_BATCH = 100


class Assignment(Area):
    @property
    def reassigns(self) -> bool:
        """Whether any team moves untouched tickets on (the periodic job is needed)."""
        return any(
            team.reassign_after is not None and team.assignment is not AssignmentRule.NONE
            for team in self.env.structure.teams
        )

    @property
    def assigns(self) -> bool:
        """Whether any team gives its tickets out by a rule."""
        return any(team.assignment is not AssignmentRule.NONE for team in self.env.structure.teams)

    def people_to_watch(self) -> frozenset[str]:
        """The members of the teams that give tickets out by a rule: whose availability
        the chat adapter reads ahead of time."""
        ruled = {
            team.id
            for team in self.env.structure.teams
            if team.assignment is not AssignmentRule.NONE
        }
        with self.env.reads() as reads:
            return frozenset(
                row.user_id for row in reads.people.team_members() if row.team_id in ruled
            )

    def reassign_due(self, leases: Leases, *, batch: int = REASSIGN_BATCH) -> int:
        """One round of the reassignment job: every ticket whose assignee by rule did not
        answer within the team's `reassign_after` goes to the next person; returns how
        many assignments it looked at. Only the lease's holder works."""
        if not leases.acquire(REASSIGN_LEASE_NAME, REASSIGN_LEASE):
            return 0
        done = 0
        while True:
            with self.env.units() as uow:
                now = self._now()
                due = uow.assignments.claim_due(now, batch)
                for waiting in due:
                    self._move_on(uow, waiting)
                    uow.assignments.passed(waiting.id, now)
                if due:
                    uow.commit()
            done += len(due)
            if len(due) < batch:
                break
        if done:
            log.info("reassignment: %s looked at", done)
        return done

    def _move_on(self, uow: AbstractUnitOfWork, waiting: WaitingAssignment) -> None:
        ticket = uow.tickets.get(waiting.ticket_id)
        if (
            ticket is None
            or ticket.deleted_at is not None
            or not ticket.status.is_open
            or ticket.first_response_at is not None
            or ticket.assignee_id != waiting.user_id
        ):
            return  # answered, finished, or someone took it meanwhile: it stays
        team = self.env.structure.team(ticket.team_id)
        if team is None or team.assignment is AssignmentRule.NONE:
            return
        had = uow.assignments.had(ticket.id) | {waiting.user_id}
        give_by_rule(
            self.env, uow, ticket, team, self._now(), reason=NO_FIRST_RESPONSE, passed_over=had
        )

    def team_members(self, actor_id: str, ticket_id: int) -> tuple[str, ...]:
        """The members of the ticket's team, whom the actor may give it to ("Assign
        to…"); raises unless they may assign it."""
        ticket = self._allowed_ticket(actor_id, ticket_id, Action.ASSIGN)
        with self.env.reads() as reads:
            rows = reads.people.team_members()
        return tuple(sorted({row.user_id for row in rows if row.team_id == ticket.team_id}))

    def assign_to(
        self,
        actor_id: str,
        ticket_id: int,
        assignee_id: str,
        *,
        take_over_from: str | None = None,
        expected_version: int | None = None,
    ) -> views.TicketSummary:
        """Give the ticket to `assignee_id`, a member of its team; someone outside it is
        refused and nothing changes. A ticket someone else holds is given away only from
        the holder the actor was asked about (`take_over_from`), as "Take it" asks."""
        validate_user_id(assignee_id)
        with self.env.units() as uow:
            actor = self._actor(uow, actor_id)
            authorize(actor, Action.ASSIGN)
            ticket = self._ticket(uow, ticket_id)
            authorize(actor, Action.ASSIGN, ticket)
            if assignee_id not in uow.assignments.members(ticket.team_id):
                team = self.env.structure.team(ticket.team_id)
                raise InvalidInput(
                    "error.not_in_team",
                    field="assignee",
                    person=PersonRef(assignee_id),
                    team=team.name if team is not None else ticket.team_id,
                )
            check_version(ticket, expected_version)
            holder = ticket.assignee_id
            if holder == assignee_id:
                return views.TicketSummary.of(ticket)
            if holder is not None and holder != actor_id and holder != take_over_from:
                raise HeldBySomeoneElse(
                    views.TicketSummary.of(ticket), ticket_id=ticket.id, holder=holder
                )
            ticket.assign(assignee_id, actor_id=actor_id, now=self._now())
            self._commit(uow, ticket_id)
            return views.TicketSummary.of(ticket)
