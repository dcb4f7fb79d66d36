"""conversation entries know the chat message they came from; edits and withdrawals

A reporter's reply remembers its chat message (channel and ts), when it was edited and
when it was withdrawn; the history keeps the words before and after; the outbox knows
which entry a message carries and where each part of it landed, so an edit updates the
relayed copy in place.

Revision ID: b7e4d2a9c310
Revises: a9d1c0f3e215
Create Date: 2026-12-02 12:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "b7e4d2a9c310"
down_revision: str | None = "a9d1c0f3e215"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Plain ADD COLUMN (no table rebuild on SQLite): the search triggers of 0007 stay.
    op.add_column("ticket_entries", sa.Column("source_channel", sa.String(64), nullable=True))
    op.add_column("ticket_entries", sa.Column("source_ts", sa.String(64), nullable=True))
    op.add_column("ticket_entries", sa.Column("edited_at", sa.DateTime(), nullable=True))
    op.add_column("ticket_entries", sa.Column("withdrawn_at", sa.DateTime(), nullable=True))
    op.create_index(
        "ix_ticket_entries_source_channel_source_ts",
        "ticket_entries",
        ["source_channel", "source_ts"],
    )
    op.add_column("ticket_history", sa.Column("old_text", sa.Text(), nullable=True))
    op.add_column("ticket_history", sa.Column("new_text", sa.Text(), nullable=True))
    op.add_column("outbox_messages", sa.Column("entry_id", sa.Integer(), nullable=True))
    op.add_column("outbox_messages", sa.Column("part_ts", sa.Text(), nullable=True))
    op.create_index("ix_outbox_messages_entry_id_status", "outbox_messages", ["entry_id", "status"])


def downgrade() -> None:
    # Plain DROP COLUMN (SQLite 3.35+), for the same reason: a rebuilt table loses its
    # triggers.
    op.drop_index("ix_outbox_messages_entry_id_status", table_name="outbox_messages")
    op.drop_index("ix_ticket_entries_source_channel_source_ts", table_name="ticket_entries")
    for table, column in (
        ("outbox_messages", "part_ts"),
        ("outbox_messages", "entry_id"),
        ("ticket_history", "new_text"),
        ("ticket_history", "old_text"),
        ("ticket_entries", "withdrawn_at"),
        ("ticket_entries", "edited_at"),
        ("ticket_entries", "source_ts"),
        ("ticket_entries", "source_channel"),
    ):
        op.drop_column(table, column)
