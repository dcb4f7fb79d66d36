"""app home viewers and outbox recipients

Revision ID: ec22f5d2efb8
Revises: 5433508a1f9f
Create Date: 2026-11-23 00:49:59.458379
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "ec22f5d2efb8"
down_revision: str | None = "5433508a1f9f"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "home_viewers",
        sa.Column("user_id", sa.String(length=32), nullable=False),
        sa.Column("opened_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_home_viewers")),
    )
    with op.batch_alter_table("outbox_messages", schema=None) as batch_op:
        batch_op.add_column(sa.Column("recipient", sa.String(length=32), nullable=True))
        batch_op.create_index(
            batch_op.f("ix_outbox_messages_recipient_kind_status"),
            ["recipient", "kind", "status"],
            unique=False,
        )


def downgrade() -> None:
    with op.batch_alter_table("outbox_messages", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_outbox_messages_recipient_kind_status"))
        batch_op.drop_column("recipient")

    op.drop_table("home_viewers")
