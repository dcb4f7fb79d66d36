"""The ticket's conversation, as the aggregate (`Ticket`) keeps it: what the reporter and
support write (entries), the files that come with it, and an author's edits and
withdrawals of their own words. An entry is not a state change: it never bumps the
ticket's version, so a reply does not make the buttons on a message stale."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy.orm import WriteOnlyCollection

from flashticket_core.domain import events
from flashticket_core.domain.enums import EntryKind, FileDirection, Status
from flashticket_core.domain.model.base import RaisesEvents
from flashticket_core.domain.model.records import ConversationEntry, HistoryEntry, TicketFile
from flashticket_core.domain.model.values import (
    CHAT_ID_MAX,
    FILE_NAME_MAX,
    FILE_TYPE_MAX,
    ChatMessage,
    validate_text,
)
from flashticket_core.domain.permissions import authorize_entry_change
from flashticket_core.errors import InvalidInput


class Conversed(RaisesEvents):
    """The entries and files of a ticket, and the rules of writing them."""

    if TYPE_CHECKING:
        id: int
        status: Status
        assignee_id: str | None
        updated_at: datetime
        first_response_at: datetime | None
        entries: WriteOnlyCollection[ConversationEntry]
        files: WriteOnlyCollection[TicketFile]
        history: WriteOnlyCollection[HistoryEntry]

        @property
        def is_open(self) -> bool: ...

    def add_entry(
        self,
        kind: EntryKind,
        *,
        author_id: str,
        text: str,
        now: datetime,
        source: ChatMessage | None = None,
    ) -> ConversationEntry:
        entry = ConversationEntry(kind=kind, author_id=author_id, text=validate_text(text), at=now)
        if source is not None:
            entry.source_channel, entry.source_ts = source
        self.entries.add(entry)
        if kind is EntryKind.SUPPORT_REPLY and self.first_response_at is None:
            self.first_response_at = now
        # A conversation entry is not a state change: it does not bump the
        # version, so a reply never makes the buttons on a message stale.
        self.updated_at = now
        self._raise(
            lambda ticket_id: events.EntryAdded(
                actor_id=author_id,
                ticket_id=ticket_id,
                kind=kind,
                entry_id=entry.id,
                text=entry.text,
            )
        )
        return entry

    def answered_when_finished(self, *, actor_id: str, may_reopen: bool) -> None:
        """The reporter wrote on a resolved or closed ticket: say so to both sides
        (nothing to say for an open one)."""
        if self.is_open:
            return
        status, assignee_id = self.status, self.assignee_id
        self._raise(
            lambda ticket_id: events.AnsweredWhenFinished(
                actor_id=actor_id,
                ticket_id=ticket_id,
                status=status,
                assignee_id=assignee_id,
                may_reopen=may_reopen,
            )
        )

    def attach_file(
        self,
        entry: ConversationEntry | None,
        *,
        author_id: str,
        direction: FileDirection,
        chat_file_id: str,
        name: str,
        mimetype: str,
        size: int | None,
        now: datetime,
    ) -> TicketFile:
        """A file came with an entry (or the message the ticket was made from): it is
        recorded, and its copy on the other side is an outbox message of its own."""
        file = TicketFile(
            author_id=author_id,
            direction=direction,
            chat_file_id=chat_file_id[:CHAT_ID_MAX],
            name=" ".join(name.split())[:FILE_NAME_MAX] or chat_file_id[:CHAT_ID_MAX],
            mimetype=mimetype[:FILE_TYPE_MAX],
            size=size,
            at=now,
            entry=entry,
        )
        self.files.add(file)
        self._raise(
            lambda ticket_id: events.FileAttached(
                actor_id=author_id,
                ticket_id=ticket_id,
                file_row=file.id,
                chat_file_id=file.chat_file_id,
                name=file.name,
                direction=direction.value,
                entry_id=entry.id if entry is not None else None,
            )
        )
        return file

    def edit_entry(
        self, entry: ConversationEntry, text: str, *, actor_id: str, now: datetime
    ) -> bool:
        """The author says it differently; the history keeps what it said before.

        Only the author may, and not once it is withdrawn; an edit to the same text
        (Slack also sends one when a link preview appears) changes nothing. A closed
        ticket's entry follows the edit too: the record stays what the person wrote.
        """
        self._own_live_entry(entry, actor_id)
        new = validate_text(text)
        change = entry.edit(new, actor_id=actor_id, now=now)
        if change is None:
            return False
        self.updated_at = now
        self.history.add(change)
        kind, entry_id = entry.kind, entry.id
        self._raise(
            lambda ticket_id: events.EntryEdited(
                actor_id=actor_id, ticket_id=ticket_id, kind=kind, entry_id=entry_id, text=new
            )
        )
        return True

    def withdraw_entry(self, entry: ConversationEntry, *, actor_id: str, now: datetime) -> bool:
        """The author takes it back. The entry stays, marked withdrawn, and the history
        keeps what it said; a second withdrawal changes nothing."""
        if entry.withdrawn_at is not None:
            return False
        self._own_live_entry(entry, actor_id)
        self.history.add(entry.withdraw(actor_id=actor_id, now=now))
        self.updated_at = now
        kind, entry_id = entry.kind, entry.id
        self._raise(
            lambda ticket_id: events.EntryWithdrawn(
                actor_id=actor_id, ticket_id=ticket_id, kind=kind, entry_id=entry_id
            )
        )
        return True

    def _own_live_entry(self, entry: ConversationEntry, actor_id: str) -> None:
        # Every change of an entry passes here, whoever asks (a chat edit, the console):
        # the ticket asks the permission rule itself rather than trust each caller to.
        authorize_entry_change(actor_id, self.id, entry)
        if entry.withdrawn_at is not None:
            raise InvalidInput("error.entry_withdrawn", field="text")
