"""The rows a ticket keeps of itself: what was written on it, the files that travelled
with it and the history of its changes. Only the ticket (`model/ticket.py`) adds them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from flashticket_core.domain.enums import EntryKind, FileDirection
from flashticket_core.domain.model.base import Base, enum_column
from flashticket_core.domain.model.values import (
    CHAT_ID_MAX,
    FILE_NAME_MAX,
    FILE_TYPE_MAX,
    USER_ID_MAX,
)


class ConversationEntry(Base):
    """A support reply, a reporter reply or an internal note."""

    __tablename__ = "ticket_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id", ondelete="CASCADE"))
    kind: Mapped[EntryKind] = mapped_column(enum_column(EntryKind, "entry_kind"))
    author_id: Mapped[str] = mapped_column(String(USER_ID_MAX))
    text: Mapped[str] = mapped_column(Text)
    at: Mapped[datetime]
    # The chat message a reply came from, so an edit or deletion there finds it.
    source_channel: Mapped[str | None] = mapped_column(String(CHAT_ID_MAX))
    source_ts: Mapped[str | None] = mapped_column(String(CHAT_ID_MAX))
    edited_at: Mapped[datetime | None]
    withdrawn_at: Mapped[datetime | None]

    def edit(self, text: str, *, actor_id: str, now: datetime) -> HistoryEntry | None:
        """The entry says `text` now (checked by the ticket): the history row that keeps
        what it said before, or None when it said that already."""
        old = self.text
        if text == old:
            return None
        self.text, self.edited_at = text, now
        return HistoryEntry(
            actor_id=actor_id,
            field="entry_edited",
            old_value=str(self.id),
            new_value=str(self.id),
            old_text=old,
            new_text=text,
            at=now,
        )

    def withdraw(self, *, actor_id: str, now: datetime) -> HistoryEntry:
        """The entry is taken back: the history row that keeps what it said."""
        self.withdrawn_at = now
        return HistoryEntry(
            actor_id=actor_id,
            field="entry_withdrawn",
            old_value=str(self.id),
            old_text=self.text,
            at=now,
        )


class TicketFile(Base):
    """A file that travelled with a ticket: who sent it which way, when, and what it was."""

    __tablename__ = "ticket_files"

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id", ondelete="CASCADE"), index=True)
    entry_id: Mapped[int | None] = mapped_column(
        ForeignKey("ticket_entries.id", ondelete="SET NULL")
    )
    author_id: Mapped[str] = mapped_column(String(USER_ID_MAX))
    direction: Mapped[FileDirection] = mapped_column(enum_column(FileDirection, "file_direction"))
    chat_file_id: Mapped[str] = mapped_column(String(CHAT_ID_MAX))
    name: Mapped[str] = mapped_column(String(FILE_NAME_MAX))
    mimetype: Mapped[str] = mapped_column(String(FILE_TYPE_MAX))
    size: Mapped[int | None] = mapped_column(BigInteger)
    at: Mapped[datetime]

    entry: Mapped[ConversationEntry | None] = relationship()


class HistoryEntry(Base):
    """One change of a ticket: who changed what from what to what, and when."""

    __tablename__ = "ticket_history"

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id", ondelete="CASCADE"))
    actor_id: Mapped[str] = mapped_column(String(USER_ID_MAX))
    field: Mapped[str] = mapped_column(String(32))
    old_value: Mapped[str | None] = mapped_column(String(USER_ID_MAX))
    new_value: Mapped[str | None] = mapped_column(String(USER_ID_MAX))
    # An entry's words before and after an edit or a withdrawal (too long for a value).
    old_text: Mapped[str | None] = mapped_column(Text)
    new_text: Mapped[str | None] = mapped_column(Text)
    at: Mapped[datetime]
