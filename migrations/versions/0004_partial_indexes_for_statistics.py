"""partial indexes for statistics

Revision ID: 5433508a1f9f
Revises: 895fba662986
Create Date: 2026-11-23 00:23:07.704070
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "5433508a1f9f"
down_revision: str | None = "895fba662986"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("tickets", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_tickets_created_at"))
        batch_op.drop_index(batch_op.f("ix_tickets_resolved_at"))
        batch_op.drop_index(batch_op.f("ix_tickets_status_priority"))
        batch_op.create_index(
            "ix_tickets_live_created_at",
            ["created_at"],
            unique=False,
            sqlite_where=sa.text("deleted_at IS NULL"),
            postgresql_where=sa.text("deleted_at IS NULL"),
        )
        batch_op.create_index(
            "ix_tickets_live_resolved_at",
            ["resolved_at"],
            unique=False,
            sqlite_where=sa.text("deleted_at IS NULL"),
            postgresql_where=sa.text("deleted_at IS NULL"),
        )
        batch_op.create_index(
            "ix_tickets_live_status_priority",
            ["status", "priority"],
            unique=False,
            sqlite_where=sa.text("deleted_at IS NULL"),
            postgresql_where=sa.text("deleted_at IS NULL"),
        )


def downgrade() -> None:
    with op.batch_alter_table("tickets", schema=None) as batch_op:
        batch_op.drop_index(
            "ix_tickets_live_status_priority",
            sqlite_where=sa.text("deleted_at IS NULL"),
            postgresql_where=sa.text("deleted_at IS NULL"),
        )
        batch_op.drop_index(
            "ix_tickets_live_resolved_at",
            sqlite_where=sa.text("deleted_at IS NULL"),
            postgresql_where=sa.text("deleted_at IS NULL"),
        )
        batch_op.drop_index(
            "ix_tickets_live_created_at",
            sqlite_where=sa.text("deleted_at IS NULL"),
            postgresql_where=sa.text("deleted_at IS NULL"),
        )
        batch_op.create_index(
            batch_op.f("ix_tickets_status_priority"), ["status", "priority"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_tickets_resolved_at"), ["resolved_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_tickets_created_at"), ["created_at"], unique=False)
