"""The saved replies teams keep in the database, in SQL."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from flashticket_core.domain.model import SavedReply
from flashticket_core.service_layer.repositories import SavedReplies


class SqlSavedReplies(SavedReplies):
    def __init__(self, session: Session) -> None:
        self.session = session

    def of_teams(self, team_ids: Sequence[str]) -> list[SavedReply]:
        if not team_ids:
            return []
        query = select(SavedReply).where(SavedReply.team_id.in_(team_ids)).order_by(SavedReply.id)
        return list(self.session.scalars(query))

    def get(self, reply_id: int) -> SavedReply | None:
        return self.session.get(SavedReply, reply_id)

    def add(self, reply: SavedReply) -> None:
        self.session.add(reply)

    def remove(self, reply: SavedReply) -> None:
        self.session.delete(reply)
