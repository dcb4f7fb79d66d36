"""covering indexes for statistics and own lists

Revision ID: aed235a7a74a
Revises: ec22f5d2efb8
Create Date: 2026-11-23 01:34:12.601140
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "aed235a7a74a"
down_revision: str | None = "ec22f5d2efb8"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


LIVE = {
    "sqlite_where": sa.text("deleted_at IS NULL"),
    "postgresql_where": sa.text("deleted_at IS NULL"),
}


def upgrade() -> None:
    with op.batch_alter_table("tickets", schema=None) as batch_op:
        batch_op.drop_index("ix_tickets_live_created_at")
        batch_op.drop_index("ix_tickets_live_resolved_at")
        batch_op.drop_index("ix_tickets_live_status_priority")
        batch_op.create_index(
            "ix_tickets_live_status_priority", ["status", "priority", "deleted_at"], **LIVE
        )
        batch_op.create_index(
            "ix_tickets_live_status_created_at", ["status", "created_at", "deleted_at"], **LIVE
        )
        batch_op.create_index(
            "ix_tickets_live_resolved_at", ["resolved_at", "created_at", "deleted_at"], **LIVE
        )
        batch_op.create_index("ix_tickets_reporter_id_created_at", ["reporter_id", "created_at"])


def downgrade() -> None:
    with op.batch_alter_table("tickets", schema=None) as batch_op:
        batch_op.drop_index("ix_tickets_reporter_id_created_at")
        batch_op.drop_index("ix_tickets_live_resolved_at")
        batch_op.drop_index("ix_tickets_live_status_created_at")
        batch_op.drop_index("ix_tickets_live_status_priority")
        batch_op.create_index("ix_tickets_live_status_priority", ["status", "priority"], **LIVE)
        batch_op.create_index("ix_tickets_live_resolved_at", ["resolved_at"], **LIVE)
        batch_op.create_index("ix_tickets_live_created_at", ["created_at"], **LIVE)
