"""Who follows a ticket: people kept informed of its status changes and support replies
in their own DM thread, without being its reporter. Support follows from the card; the
reporter names people in the new-ticket form ("Keep informed").

A follower acts on nothing (the permission table: every action but looking and
unfollowing is the reporter's or support's), and the reporter is never their own
follower: they hear of everything anyway."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, WriteOnlyCollection, mapped_column

from flashticket_core.domain import events
from flashticket_core.domain.model.base import Base, RaisesEvents
from flashticket_core.domain.model.records import HistoryEntry
from flashticket_core.domain.model.values import CHAT_ID_MAX, USER_ID_MAX
from flashticket_core.errors import InvalidInput, PersonRef

# How many people one ticket keeps informed: a team's worth, not a channel's.
FOLLOWERS_MAX = 10


class TicketFollower(Base):
    """One person following one ticket: who added them and when, and where their DM
    thread about it is once its first message is out (the outbox writes it)."""

    __tablename__ = "ticket_followers"
    __table_args__ = (
        # The tickets a person follows.
        Index(None, "user_id"),
    )

    ticket_id: Mapped[int] = mapped_column(
        ForeignKey("tickets.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[str] = mapped_column(String(USER_ID_MAX), primary_key=True)
    added_by: Mapped[str] = mapped_column(String(USER_ID_MAX))
    added_at: Mapped[datetime]
    dm_channel: Mapped[str | None] = mapped_column(String(CHAT_ID_MAX))
    dm_ts: Mapped[str | None] = mapped_column(String(CHAT_ID_MAX))


class Followed(RaisesEvents):
    """The ticket's followers, as the aggregate (`Ticket`) keeps them."""

    if TYPE_CHECKING:
        id: int
        reporter_id: str
        followers: list[TicketFollower]
        history: WriteOnlyCollection[HistoryEntry]

    @property
    def follower_ids(self) -> frozenset[str]:
        return frozenset(follower.user_id for follower in self.followers)

    def follow(self, user_id: str, *, actor_id: str, now: datetime) -> bool:
        """`user_id` follows the ticket from now on; False if they did already."""
        if user_id == self.reporter_id:
            raise InvalidInput(
                "error.follow_reporter",
                field="followers",
                person=PersonRef(user_id),
                ticket_id=self.id,
            )
        if user_id in self.follower_ids:
            return False
        if len(self.followers) >= FOLLOWERS_MAX:
            raise InvalidInput("error.too_many_followers", field="followers", limit=FOLLOWERS_MAX)
        self.followers.append(TicketFollower(user_id=user_id, added_by=actor_id, added_at=now))
        self.history.add(
            HistoryEntry(actor_id=actor_id, field="follower", new_value=user_id, at=now)
        )
        reporter = self.reporter_id
        self._raise(
            lambda ticket_id: events.FollowerAdded(
                actor_id=actor_id, ticket_id=ticket_id, user_id=user_id, reporter_id=reporter
            )
        )
        return True

    def unfollow(self, user_id: str, *, actor_id: str, now: datetime) -> None:
        following = next((f for f in self.followers if f.user_id == user_id), None)
        if following is None:
            raise InvalidInput("error.not_following", ticket_id=self.id)
        self.followers.remove(following)
        self.history.add(
            HistoryEntry(actor_id=actor_id, field="follower", old_value=user_id, at=now)
        )
        self._raise(
            lambda ticket_id: events.FollowerRemoved(
                actor_id=actor_id, ticket_id=ticket_id, user_id=user_id
            )
        )
