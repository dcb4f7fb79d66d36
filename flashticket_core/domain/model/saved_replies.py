"""A team's saved replies kept in the database (added in chat); those of the desk file
are config and never stored."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from flashticket_core.domain.model.base import Base
from flashticket_core.domain.model.values import DESK_ID_MAX, USER_ID_MAX

# A saved reply's title is an option of a select (at most 75 characters in Slack, as in
# other chats' menus), its text fills the reply's input (3,000 at most).
REPLY_TITLE_MAX = 75
REPLY_TEXT_MAX = 3000
# The replies one team keeps: as many as one select offers.
REPLIES_PER_TEAM_MAX = 100


class SavedReply(Base):
    """A reply support of a team saved to insert into later replies."""

    __tablename__ = "saved_replies"
    __table_args__ = (Index("ix_saved_replies_team_id", "team_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(String(DESK_ID_MAX))
    title: Mapped[str] = mapped_column(String(REPLY_TITLE_MAX))
    text: Mapped[str] = mapped_column(Text)
    created_by: Mapped[str] = mapped_column(String(USER_ID_MAX))
    created_at: Mapped[datetime]
