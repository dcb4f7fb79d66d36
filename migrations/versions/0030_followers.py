"""followers of tickets

- `ticket_followers`: the people kept informed of a ticket (support who followed it on
  the card, people its reporter named in the form), one row per ticket and person, with
  who added them and when, and where their DM thread about it is once it has begun.

A ticket opened on behalf of someone needs no column: its history records the opener as
the actor of `created` and the person it was opened for as its `reporter`.

Revision ID: 738524222537
Revises: 87ed3cf3fe94
Create Date: 2026-12-08 01:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "738524222537"
down_revision: str | None = "87ed3cf3fe94"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "ticket_followers",
        sa.Column("ticket_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.String(length=32), nullable=False),
        sa.Column("added_by", sa.String(length=32), nullable=False),
        sa.Column("added_at", sa.DateTime(), nullable=False),
        sa.Column("dm_channel", sa.String(length=64), nullable=True),
        sa.Column("dm_ts", sa.String(length=64), nullable=True),
        sa.ForeignKeyConstraint(
            ["ticket_id"],
            ["tickets.id"],
            name="fk_ticket_followers_ticket_id_tickets",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("ticket_id", "user_id", name="pk_ticket_followers"),
    )
    op.create_index("ix_ticket_followers_user_id", "ticket_followers", ["user_id"])


def downgrade() -> None:
    op.drop_index("ix_ticket_followers_user_id", table_name="ticket_followers")
    op.drop_table("ticket_followers")
