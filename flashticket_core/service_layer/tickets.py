"""Changing tickets: open, move, take, assign, prioritise, rate, delete.

Each change ends in `uow.commit()`, which runs the commit's steps on the events the
ticket raised, in one transaction: `commit_steps` in unit_of_work.py (the timers, then
the outbox)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import timedelta

from flashticket_core.domain.clock import SYSTEM_ACTOR
from flashticket_core.domain.enums import FileDirection, Priority, Status
from flashticket_core.domain.model import FieldValue, MessageSource, Ticket
from flashticket_core.domain.permissions import (
    Action,
    authorize,
    authorize_status_change,
)
from flashticket_core.errors import (
    HeldBySomeoneElse,
    InvalidInput,
    NotFound,
    PersonRef,
    Translatable,
)
from flashticket_core.service_layer import views
from flashticket_core.service_layer.approvals import approvers_of_type, ask_for_approval
from flashticket_core.service_layer.assignment import assign_entering_queue
from flashticket_core.service_layer.common import (
    Area,
    check_version,
    conflict,
    validate_user_id,
)
from flashticket_core.service_layer.conversation import AttachedFile
from flashticket_core.service_layer.fields import checked_fields
from flashticket_core.service_layer.following import checked_followers, on_behalf_for
from flashticket_core.service_layer.intake import take_allowance
from flashticket_core.service_layer.outbox import MessageKind, NewMessage
from flashticket_core.service_layer.routing import route_new_ticket
from flashticket_core.service_layer.unit_of_work import AbstractUnitOfWork, ConcurrentUpdate

RATING_RANGE = range(1, 6)


class Tickets(Area):
    def open_ticket(
        self,
        actor_id: str,
        *,
        title: str,
        description: str = "",
        priority: Priority | None = None,
        request_key: str | None = None,
        reporter_id: str | None = None,
        source: MessageSource | None = None,
        files: Sequence[AttachedFile] = (),
        request_type: str | None = None,
        fields: Sequence[FieldValue] = (),
        followers: Sequence[str] = (),
        on_behalf_of: str | None = None,
    ) -> views.TicketSummary:
        """Open a ticket. A repeated `request_key` (a double submission) opens nothing new.

        Made from a chat message (`source`), the reporter is the message's author and the
        actor is recorded as who opened it; a message makes one ticket, so a second try
        returns the first one.

        It goes to its `request_type`'s team, or made from a message to the team of the
        message's intake channel, else to the first team; without a `priority` chosen it
        gets the type's (service_layer/routing.py). Of a `request_type`, its `fields` are
        checked (all wrong ones told at once) and kept with the ticket; made from a message,
        it is of its team's first type, its fields left empty.

        `on_behalf_of` (support and admins): that person is the reporter, and the history
        records who opened it for them. `followers`: the people kept informed of it
        (following.py), the reporter left out of them."""
        validate_user_id(actor_id)
        on_behalf = on_behalf_for(actor_id, on_behalf_of, reporter_id)
        reporter = on_behalf or reporter_id or actor_id
        validate_user_id(reporter)
        kept_informed = checked_followers(followers, reporter)
        route = route_new_ticket(
            self.env.structure,
            request_type=request_type,
            channel=source.channel if source else None,
            priority=priority,
        )
        values = self._checked_fields(request_type, fields)
        with self.env.units() as uow:
            actor = self._actor(uow, actor_id)
            authorize(actor, Action.OPEN_TICKET)
            if on_behalf is not None:
                authorize(actor, Action.OPEN_ON_BEHALF)
            elif reporter != actor_id:
                authorize(actor, Action.OPEN_FOR_AUTHOR)
            done = self._already_made(uow, request_key, source)
            if done is not None:
                return done
            now = self._now()
            if reporter != actor_id:
                take_allowance(self.env, uow, actor, now)
            approvers = approvers_of_type(uow, self.env.structure, route.request_type)
            ticket = Ticket.open(
                title=title,
                description=description,
                priority=route.priority,
                reporter_id=reporter,
                now=now,
                team_id=route.team_id,
                opened_by=actor_id if reporter != actor_id else None,
                source=source,
                status=Status.NEW if approvers is None else Status.PENDING_APPROVAL,
            )
            ticket.request_type = route.request_type
            uow.tickets.add(ticket)
            uow.flush()
            if approvers is not None:
                ask_for_approval(uow, ticket, approvers, now)
            if values:
                uow.tickets.add_fields(ticket.id, values)
            for person in kept_informed:
                ticket.follow(person, actor_id=actor_id, now=now)
            for file in files:
                # The files of the message it was made from: the reporter's, for support.
                ticket.attach_file(
                    None,
                    author_id=reporter,
                    direction=FileDirection.TO_SUPPORT,
                    chat_file_id=file.chat_file_id,
                    name=file.name,
                    mimetype=file.mimetype,
                    size=file.size,
                    now=now,
                )
            if request_key is not None:
                uow.requests.record(request_key, ticket_id=ticket.id, at=now)
            if approvers is None:
                assign_entering_queue(self.env, uow, ticket, now)
            try:
                uow.commit()
            except ConcurrentUpdate:
                # The same request or message raced itself (PostgreSQL); the other copy won.
                uow.rollback()
                with self.env.units() as again:
                    done = self._already_made(again, request_key, source)
                if done is None:
                    raise
                return done
            return views.TicketSummary.of(ticket)

    def _checked_fields(
        self, type_id: str | None, given: Sequence[FieldValue]
    ) -> tuple[FieldValue, ...]:
        """The field values of a ticket of the request type `type_id`, checked against its
        form (routing refused a type the desk does not have); a ticket of no chosen type
        has none."""
        kind = None if type_id is None else self.env.structure.request_type(type_id)
        return () if kind is None else checked_fields(kind, given)

    def withdraw(self, actor_id: str, ticket_id: int) -> views.TicketSummary:
        """The reporter takes back a ticket someone else opened in their name: closed as
        withdrawn, the team's thread told, the history keeping who and when."""
        with self.env.units() as uow:
            ticket = self._ticket(uow, ticket_id)
            authorize(self._actor(uow, actor_id), Action.WITHDRAW, ticket)
            if uow.tickets.opened_for_by(ticket) is None:
                raise InvalidInput("error.withdraw_not_opened_for_you", ticket_id=ticket_id)
            ticket.withdraw(actor_id=actor_id, now=self._now())
            self._commit(uow, ticket_id)
            return views.TicketSummary.of(ticket)

    def open_from_message_later(
        self, actor_id: str, details: dict[str, str], *, after: timedelta
    ) -> None:
        """The actor asked for a ticket from a chat message the chat would not let us
        read just now (its rate limit, an outage). The outbox tries again after `after`
        and then goes on as the request would have, so the request is never dropped;
        `details` are what the chat adapter needs to do it."""
        validate_user_id(actor_id)
        with self.env.units() as uow:
            now = self._now()
            uow.messages.add(
                [
                    NewMessage(
                        kind=MessageKind.FROM_MESSAGE_LATER,
                        ticket_id=None,
                        payload=json.dumps({**details, "user": actor_id}),
                        next_attempt_at=now + after,
                        created_at=now,
                    )
                ]
            )
            uow.commit()

    def ticket_of_message(self, source: MessageSource) -> int | None:
        """The ticket already made from this chat message, if there is one."""
        with self.env.units() as uow:
            return uow.tickets.made_from(source.channel, source.ts)

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
        with self.env.units() as uow:
            actor = self._actor(uow, actor_id)
            if support_only:
                authorize(actor, Action.CHANGE_STATUS)
            ticket = self._ticket(uow, ticket_id)
            # Who may is settled before the version is compared: a stale click on a
            # ticket the actor may not change tells nothing about its state.
            closed_by_clock = (
                ticket.status is Status.CLOSED and uow.tickets.closed_by(ticket) == SYSTEM_ACTOR
            )
            authorize_status_change(
                actor, ticket, ticket.status, new, closed_by_clock=closed_by_clock
            )
            check_version(ticket, expected_version)
            ticket.change_status(new, actor_id=actor_id, now=self._now())
            self._commit(uow, ticket_id)
            return views.TicketSummary.of(ticket)

    def reopen(self, actor_id: str, ticket_id: int) -> views.TicketSummary:
        """The reporter's (or support's) reopen of a finished ticket. A reopen of one that
        is open again already (an old button) is told how it stands, not refused."""
        with self.env.units() as uow:
            actor = self._actor(uow, actor_id)
            ticket = self._ticket(uow, ticket_id)
            authorize(actor, Action.VIEW_TICKET, ticket)
            if ticket.is_open:
                raise conflict(views.TicketSummary.of(ticket))
        return self.change_status(actor_id, ticket_id, Status.IN_PROGRESS)

    def take(
        self, actor_id: str, ticket_id: int, *, take_over_from: str | None = None
    ) -> views.TicketSummary:
        """Assign the ticket to the actor; a new ticket moves to in progress, any other
        keeps its status (taking a waiting ticket does not end the wait).

        A ticket someone else holds is taken over only from the holder the actor was
        asked about (`take_over_from`): otherwise nothing is written and
        `HeldBySomeoneElse` asks them. Taking one's own ticket changes nothing."""
        with self.env.units() as uow:
            actor = self._actor(uow, actor_id)
            authorize(actor, Action.ASSIGN)
            ticket = self._ticket(uow, ticket_id)
            authorize(actor, Action.ASSIGN, ticket)
            holder = ticket.assignee_id
            if holder == actor_id:
                return views.TicketSummary.of(ticket)
            if holder is not None and holder != take_over_from:
                raise HeldBySomeoneElse(
                    views.TicketSummary.of(ticket), ticket_id=ticket.id, holder=holder
                )
            now = self._now()
            ticket.assign(actor_id, actor_id=actor_id, now=now)
            if ticket.status is Status.NEW:
                ticket.change_status(Status.IN_PROGRESS, actor_id=actor_id, now=now)
            self._commit(uow, ticket_id)
            return views.TicketSummary.of(ticket)

    def unassign(self, actor_id: str, ticket_id: int, *, holder: str) -> views.TicketSummary:
        """Take `holder` (whom the actor saw holding it) off the ticket. If someone else
        holds it by now, or nobody, the actor is told how it stands instead."""
        with self.env.units() as uow:
            actor = self._actor(uow, actor_id)
            authorize(actor, Action.UNASSIGN)
            ticket = self._ticket(uow, ticket_id)
            authorize(actor, Action.UNASSIGN, ticket)
            if ticket.assignee_id is None:
                raise InvalidInput("error.not_assigned", ticket_id=ticket_id)
            if ticket.assignee_id != holder:
                raise conflict(views.TicketSummary.of(ticket))
            ticket.assign(None, actor_id=actor_id, now=self._now())
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
        with self.env.units() as uow:
            actor = self._actor(uow, actor_id)
            authorize(actor, Action.ASSIGN)
            ticket = self._ticket(uow, ticket_id)
            authorize(actor, Action.ASSIGN, ticket)
            if assignee_id is not None:
                validate_user_id(assignee_id)
                # The assignee must be support for this ticket's team.
                if not self._actor(uow, assignee_id).may_in_team(Action.ASSIGN, ticket.team_id):
                    raise InvalidInput(
                        "error.not_assignable", field="assignee", person=PersonRef(assignee_id)
                    )
            check_version(ticket, expected_version)
            ticket.assign(assignee_id, actor_id=actor_id, now=self._now())
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
        with self.env.units() as uow:
            actor = self._actor(uow, actor_id)
            authorize(actor, Action.SET_PRIORITY)
            ticket = self._ticket(uow, ticket_id)
            authorize(actor, Action.SET_PRIORITY, ticket)
            check_version(ticket, expected_version)
            ticket.set_priority(priority, actor_id=actor_id, now=self._now())
            self._commit(uow, ticket_id)
            return views.TicketSummary.of(ticket)

    def rate(self, actor_id: str, ticket_id: int, rating: int) -> views.TicketSummary:
        if rating not in RATING_RANGE:
            raise InvalidInput("error.invalid_rating", field="rating")
        with self.env.units() as uow:
            ticket = self._ticket(uow, ticket_id)
            authorize(self._actor(uow, actor_id), Action.RATE, ticket)
            if ticket.is_open:
                raise InvalidInput(
                    "error.rating_not_finished",
                    field="rating",
                    ticket_id=ticket_id,
                    status=Translatable(ticket.status.label_key),
                )
            ticket.rate(rating, actor_id=actor_id, now=self._now())
            self._commit(uow, ticket_id)
            return views.TicketSummary.of(ticket)

    def check_can_delete(self, actor_id: str, ticket_id: int) -> views.TicketSummary:
        """The ticket an admin is asked to confirm the deletion of; raises unless they may."""
        return self._allowed_ticket(actor_id, ticket_id, Action.DELETE)

    def delete(self, actor_id: str, ticket_id: int, *, expected_version: int | None = None) -> None:
        with self.env.units() as uow:
            actor = self._actor(uow, actor_id)
            authorize(actor, Action.DELETE)
            ticket = self._ticket(uow, ticket_id)
            authorize(actor, Action.DELETE, ticket)
            check_version(ticket, expected_version)
            ticket.delete(actor_id=actor_id, now=self._now())
            self._commit(uow, ticket_id)

    def check_can_work(self, actor_id: str, ticket_id: int) -> None:
        """Raise unless the actor may reply on this ticket (before a reply form opens)."""
        with self.env.reads() as reads:
            actor = self._reading(reads, actor_id)
            authorize(actor, Action.SUPPORT_REPLY)
            ticket = reads.ticket(ticket_id)
            if ticket is None:
                raise NotFound(ticket_id=ticket_id)
            authorize(actor, Action.SUPPORT_REPLY, ticket)

    @classmethod
    def _already_made(
        cls, uow: AbstractUnitOfWork, request_key: str | None, source: MessageSource | None
    ) -> views.TicketSummary | None:
        """The ticket this request, or an earlier one from the same message, made."""
        done = cls._already_done(uow, request_key)
        if done is not None or source is None:
            return done
        made = uow.tickets.made_from(source.channel, source.ts)
        if made is None:
            return None
        ticket = uow.tickets.get(made)
        if ticket is None:
            raise NotFound(ticket_id=made)
        return views.TicketSummary.of(ticket)

    @staticmethod
    def _already_done(
        uow: AbstractUnitOfWork, request_key: str | None
    ) -> views.TicketSummary | None:
        if request_key is None:
            return None
        ticket_id = uow.requests.ticket_of(request_key)
        if ticket_id is None:
            return None
        ticket = uow.tickets.get(ticket_id)
        if ticket is None:
            raise NotFound(ticket_id=ticket_id)
        return views.TicketSummary.of(ticket)
