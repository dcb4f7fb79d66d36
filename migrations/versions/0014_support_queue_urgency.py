"""the support queue's order stored with each ticket

`tickets.target_urgency`: 0 for a ticket with a missed target not met since, 1 for one
whose reminder went out, 2 for the rest; written with the targets from now on, filled in
here from them. The support queue's indexes (everyone's, an assignee's) lead with it, so
its first page is read from an index instead of from every open ticket's targets. The
queue's own index stays for the lists in its plain order (a reporter's, the digest's).

Revision ID: f1a7c3e9b2d4
Revises: c3f8a1d2e4b6
Create Date: 2026-12-02 15:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "f1a7c3e9b2d4"
down_revision: str | None = "c3f8a1d2e4b6"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

QUEUE_WHERE = "queue_rank IS NOT NULL"
QUEUE_ORDER = ["queue_rank", "created_at", "id"]
FLAGGED = "met_at IS NULL AND (breached OR warned)"
BACKFILL = (
    "UPDATE tickets SET target_urgency = ("
    "SELECT MIN(CASE WHEN breached THEN 0 ELSE 1 END) FROM ticket_targets"
    f" WHERE ticket_targets.ticket_id = tickets.id AND {FLAGGED})"
    f" WHERE id IN (SELECT ticket_id FROM ticket_targets WHERE {FLAGGED})"
)


def _partial_index(name: str, columns: list[str]) -> None:
    where = sa.text(QUEUE_WHERE)
    op.create_index(name, "tickets", columns, sqlite_where=where, postgresql_where=where)


def upgrade() -> None:
    # In place on both databases: SQLite adds a NOT NULL column with a default without
    # rebuilding the table.
    op.add_column(
        "tickets",
        sa.Column("target_urgency", sa.SmallInteger(), server_default="2", nullable=False),
    )
    op.execute(BACKFILL)
    op.drop_index("ix_tickets_assignee_queue", table_name="tickets")
    _partial_index("ix_tickets_support_queue", ["target_urgency", *QUEUE_ORDER])
    _partial_index(
        "ix_tickets_assignee_support_queue", ["assignee_id", "target_urgency", *QUEUE_ORDER]
    )


def downgrade() -> None:
    op.drop_index("ix_tickets_assignee_support_queue", table_name="tickets")
    op.drop_index("ix_tickets_support_queue", table_name="tickets")
    _partial_index("ix_tickets_assignee_queue", ["assignee_id", *QUEUE_ORDER])
    if op.get_bind().dialect.name == "sqlite":
        op.execute("ALTER TABLE tickets DROP COLUMN target_urgency")
    else:
        op.drop_column("tickets", "target_urgency")
