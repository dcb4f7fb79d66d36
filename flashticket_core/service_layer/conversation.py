"""The conversation on a ticket: support replies, internal notes, the reporter's answers,
and where in chat a ticket's threads are."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from flashticket_core.domain.clock import SYSTEM_ACTOR
from flashticket_core.domain.enums import EntryKind, FileDirection, Status
from flashticket_core.domain.model import ChatMessage, ConversationEntry, Ticket
from flashticket_core.domain.permissions import Action, authorize, status_action
from flashticket_core.service_layer import views
from flashticket_core.service_layer.common import Area
from flashticket_core.service_layer.unit_of_work import ConcurrentUpdate

# Who writes which kind of entry.
ACTION_OF_ENTRY = {
    EntryKind.SUPPORT_REPLY: Action.SUPPORT_REPLY,
    EntryKind.INTERNAL_NOTE: Action.INTERNAL_NOTE,
    EntryKind.REPORTER_REPLY: Action.COMMENT,
}


@dataclass(frozen=True)
class AttachedFile:
    """A file that came with what someone wrote, as chat names it; its bytes stay in
    chat until the relay fetches them."""

    chat_file_id: str
    name: str
    mimetype: str = ""
    size: int | None = None


class Conversation(Area):
    def add_support_reply(
        self,
        actor_id: str,
        ticket_id: int,
        text: str,
        *,
        request_key: str | None = None,
        files: Sequence[AttachedFile] = (),
    ) -> views.Entry | None:
        """A "Support-Rückmeldung": support writes to the reporter (files go along)."""
        return self._add_entry(
            actor_id,
            ticket_id,
            EntryKind.SUPPORT_REPLY,
            text,
            request_key=request_key,
            files=files,
        )

    def add_internal_note(
        self, actor_id: str, ticket_id: int, text: str, *, request_key: str | None = None
    ) -> views.Entry | None:
        return self._add_entry(
            actor_id, ticket_id, EntryKind.INTERNAL_NOTE, text, request_key=request_key
        )

    def add_reporter_reply(
        self,
        actor_id: str,
        ticket_id: int,
        text: str,
        *,
        request_key: str | None = None,
        source: ChatMessage | None = None,
        files: Sequence[AttachedFile] = (),
    ) -> views.Entry | None:
        """The reporter answers; a ticket waiting for that answer is worked on again.

        With a `request_key` (a chat event's ID) a redelivered event is stored once;
        the repeat returns None. `source` is the chat message it was written as, so
        that an edit or a deletion of it reaches the entry.
        """
        return self._add_entry(
            actor_id,
            ticket_id,
            EntryKind.REPORTER_REPLY,
            text,
            request_key=request_key,
            source=source,
            files=files,
        )

    def edit_from_chat(
        self, actor_id: str, source: ChatMessage, text: str, *, request_key: str | None = None
    ) -> int | None:
        """The author edited a chat message that is a ticket's entry: the entry says what
        it says now, its copy follows, the history keeps the words before.

        Returns the ticket's ID when something changed; None for a message that is no
        entry, someone else's, withdrawn, unchanged, or a redelivered event. A closed
        ticket's entry follows too (the record stays what was written) and stays closed.
        """
        return self._change_from_chat(
            actor_id,
            source,
            request_key,
            lambda ticket, entry, now: ticket.edit_entry(entry, text, actor_id=actor_id, now=now),
        )

    def withdraw_from_chat(
        self, actor_id: str, source: ChatMessage, *, request_key: str | None = None
    ) -> int | None:
        """The author deleted a chat message that is a ticket's entry: the entry is
        withdrawn, its copy says so, the history keeps what it said. Returns as
        `edit_from_chat` does."""
        return self._change_from_chat(
            actor_id,
            source,
            request_key,
            lambda ticket, entry, now: ticket.withdraw_entry(entry, actor_id=actor_id, now=now),
        )

    def _change_from_chat(
        self,
        actor_id: str,
        source: ChatMessage,
        request_key: str | None,
        change: Callable[[Ticket, ConversationEntry, datetime], bool],
    ) -> int | None:
        with self.env.units() as uow:
            if request_key is not None and uow.requests.seen(request_key):
                return None
            found = uow.tickets.entry_from(source)
            if found is None:
                return None
            ticket, entry = found
            if entry.author_id != actor_id or entry.withdrawn_at is not None:
                return None  # not theirs to change, or gone already: nothing to do
            # Changing what you said is part of commenting on your ticket.
            authorize(self._actor(uow, actor_id), Action.COMMENT, ticket)
            now = self._now()
            if not change(ticket, entry, now):
                return None
            if request_key is not None:
                uow.requests.record(request_key, ticket_id=ticket.id, at=now)
            self._commit(uow, ticket.id)
            return ticket.id

    def first_time(self, request_key: str) -> bool:
        """Record a request key; False if it was seen before (a redelivered event)."""
        with self.env.units() as uow:
            if uow.requests.seen(request_key):
                return False
            uow.requests.record(request_key, ticket_id=None, at=self._now())
            try:
                uow.commit()
            except ConcurrentUpdate:
                return False
            return True

    def ticket_of_reporter_thread(self, channel: str, thread_ts: str) -> int | None:
        """The ticket whose reporter thread this is, if any."""
        with self.env.reads() as reads:
            return reads.ticket_of_reporter_thread(channel, thread_ts)

    def ticket_of_support_post(self, channel: str, ts: str) -> int | None:
        with self.env.reads() as reads:
            return reads.ticket_of_support_post(channel, ts)

    def _add_entry(
        self,
        actor_id: str,
        ticket_id: int,
        kind: EntryKind,
        text: str,
        *,
        request_key: str | None = None,
        source: ChatMessage | None = None,
        files: Sequence[AttachedFile] = (),
    ) -> views.Entry | None:
        with self.env.units() as uow:
            if request_key is not None and uow.requests.seen(request_key):
                return None
            actor = self._actor(uow, actor_id)
            ticket = self._ticket(uow, ticket_id)
            authorize(actor, ACTION_OF_ENTRY[kind], ticket)
            now = self._now()
            entry = ticket.add_entry(kind, author_id=actor_id, text=text, now=now, source=source)
            direction = (
                FileDirection.TO_REPORTER
                if kind is EntryKind.SUPPORT_REPLY
                else FileDirection.TO_SUPPORT
            )
            for file in files if kind is not EntryKind.INTERNAL_NOTE else ():
                ticket.attach_file(
                    entry,
                    author_id=actor_id,
                    direction=direction,
                    chat_file_id=file.chat_file_id,
                    name=file.name,
                    mimetype=file.mimetype,
                    size=file.size,
                    now=now,
                )
            if request_key is not None:
                uow.requests.record(request_key, ticket_id=ticket_id, at=now)
            if kind is EntryKind.REPORTER_REPLY and ticket.status is Status.WAITING:
                ticket.change_status(Status.IN_PROGRESS, actor_id=actor_id, now=now)
            elif kind is EntryKind.REPORTER_REPLY and not ticket.is_open:
                closed_by_clock = (
                    ticket.status is Status.CLOSED and uow.tickets.closed_by(ticket) == SYSTEM_ACTOR
                )
                reopen = status_action(
                    ticket.status, Status.IN_PROGRESS, closed_by_clock=closed_by_clock
                )
                ticket.answered_when_finished(
                    actor_id=actor_id, may_reopen=actor.may(reopen, ticket)
                )
            self._commit(uow, ticket_id)
            return views.Entry(
                id=entry.id,
                kind=entry.kind,
                author_id=entry.author_id,
                text=entry.text,
                at=entry.at,
            )
