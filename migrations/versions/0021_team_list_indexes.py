"""the list's filters read from an index

`/ticket list team:<id>`, alone and with a status, among many teams, and `status:<s>`
alone: the team's open queue in the support queue's order, the team's live tickets of
one status and everyone's of one status in the queue's own order, each read from the
top of an index instead of filtering the whole queue or sorting a status's tickets
(all the closed ones, say).

Revision ID: 7c2d9e4f1a36
Revises: 1305ce9686a1
Create Date: 2026-12-07 21:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "7c2d9e4f1a36"
down_revision: str | None = "1305ce9686a1"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

QUEUE_ORDER = ["queue_rank", "created_at", "id"]


def _partial_index(name: str, columns: list[str], where: str) -> None:
    condition = sa.text(where)
    op.create_index(name, "tickets", columns, sqlite_where=condition, postgresql_where=condition)


def upgrade() -> None:
    _partial_index(
        "ix_tickets_team_support_queue",
        ["team_id", "target_urgency", *QUEUE_ORDER],
        "queue_rank IS NOT NULL",
    )
    _partial_index(
        "ix_tickets_team_status_queue",
        ["team_id", "status", *QUEUE_ORDER],
        "deleted_at IS NULL",
    )
    _partial_index("ix_tickets_status_queue", ["status", *QUEUE_ORDER], "deleted_at IS NULL")


def downgrade() -> None:
    op.drop_index("ix_tickets_status_queue", table_name="tickets")
    op.drop_index("ix_tickets_team_status_queue", table_name="tickets")
    op.drop_index("ix_tickets_team_support_queue", table_name="tickets")
