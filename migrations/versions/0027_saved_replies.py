"""saved_replies: the replies a team's support saved in chat

`/ticket-admin replies add` and "Save as reply" store a team's saved replies here; the
desk file's `saved_replies` are config, read at each start, and never stored. The index
on `team_id` answers "this team's replies", asked whenever a reply modal opens.

Revision ID: 6770792cfa79
Revises: 41a1c9409fe0
Create Date: 2026-12-08 01:45:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "6770792cfa79"
down_revision: str | None = "41a1c9409fe0"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "saved_replies",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("title", sa.String(length=75), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("created_by", sa.String(length=32), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_saved_replies")),
    )
    op.create_index("ix_saved_replies_team_id", "saved_replies", ["team_id", "id"])


def downgrade() -> None:
    op.drop_index("ix_saved_replies_team_id", table_name="saved_replies")
    op.drop_table("saved_replies")
