"""tickets: the chat message a ticket was made from

A ticket opened from a message (the message shortcut, the ticket reaction, a DM) keeps
the message's channel and ts; one message makes one ticket, however often it is
reacted to or Slack redelivers the reaction, so the pair is unique.

Revision ID: a9d1c0f3e215
Revises: 5d0c8e4b9a17
Create Date: 2026-12-02 12:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "a9d1c0f3e215"
down_revision: str | None = "5d0c8e4b9a17"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


# Plain ALTER TABLE, no batch copy: SQLite cannot copy a table with a generated column
# (queue_rank), and a unique index does what a unique constraint would.
def upgrade() -> None:
    op.add_column("tickets", sa.Column("source_channel", sa.String(length=64), nullable=True))
    op.add_column("tickets", sa.Column("source_ts", sa.String(length=32), nullable=True))
    op.create_index(
        "ix_tickets_source_channel_source_ts",
        "tickets",
        ["source_channel", "source_ts"],
        unique=True,
    )


def downgrade() -> None:
    op.drop_index("ix_tickets_source_channel_source_ts", table_name="tickets")
    op.drop_column("tickets", "source_ts")
    op.drop_column("tickets", "source_channel")
