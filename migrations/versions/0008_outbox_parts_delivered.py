"""outbox: how many parts of a message in several parts are out

A long text (a pasted log in a reporter's reply) is relayed as several chat messages;
`parts_delivered` lets a retry go on with the next part instead of repeating the first.

Revision ID: 5d0c8e4b9a17
Revises: c3f9a1d27b64
Create Date: 2026-12-02 10:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "5d0c8e4b9a17"
down_revision: str | None = "c3f9a1d27b64"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("outbox_messages", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("parts_delivered", sa.Integer(), server_default="0", nullable=False)
        )


def downgrade() -> None:
    with op.batch_alter_table("outbox_messages", schema=None) as batch_op:
        batch_op.drop_column("parts_delivered")
