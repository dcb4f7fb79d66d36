"""the App Home's queue table: the queue each person last chose, and its sorts' indexes

`queue_views` remembers, per person, the filters, sort and page of the queue their App
Home shows. `tickets.next_due_at` is the soonest due time of a ticket's running targets
(kept with the targets), so "due first" reads the open queue from an index; "oldest
first" reads it, a team's and a status's tickets from indexes of their own.

Revision ID: 9e4b7c1d2a58
Revises: 9d4b6e2a7c15
Create Date: 2026-12-07 23:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "9e4b7c1d2a58"
down_revision: str | None = "9d4b6e2a7c15"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OPEN = "queue_rank IS NOT NULL"
DUE = "queue_rank IS NOT NULL AND next_due_at IS NOT NULL"
LIVE = "deleted_at IS NULL"
# A target has a due time only while it runs (met or paused: none).
BACKFILL = (
    "UPDATE tickets SET next_due_at = ("
    "SELECT MIN(due_at) FROM ticket_targets"
    " WHERE ticket_targets.ticket_id = tickets.id AND met_at IS NULL)"
    " WHERE id IN (SELECT ticket_id FROM ticket_targets"
    " WHERE due_at IS NOT NULL AND met_at IS NULL)"
)
INDEXES = (
    ("ix_tickets_queue_oldest", ["created_at", "id"], OPEN),
    ("ix_tickets_team_queue_oldest", ["team_id", "created_at", "id"], OPEN),
    ("ix_tickets_status_oldest", ["status", "created_at", "id"], LIVE),
    ("ix_tickets_queue_due", ["next_due_at", "id"], DUE),
    ("ix_tickets_team_queue_due", ["team_id", "next_due_at", "id"], DUE),
)


def upgrade() -> None:
    op.create_table(
        "queue_views",
        sa.Column("user_id", sa.String(length=32), nullable=False),
        sa.Column("team_id", sa.String(length=32), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=True),
        sa.Column("priority", sa.String(length=16), nullable=True),
        sa.Column("assignee", sa.String(length=16), nullable=False),
        sa.Column("sort", sa.String(length=16), nullable=False),
        sa.Column("page", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_queue_views")),
    )
    # In place on both databases: a nullable column without a default.
    op.add_column("tickets", sa.Column("next_due_at", sa.DateTime(), nullable=True))
    op.execute(BACKFILL)
    for name, columns, where in INDEXES:
        condition = sa.text(where)
        op.create_index(
            name, "tickets", columns, sqlite_where=condition, postgresql_where=condition
        )


def downgrade() -> None:
    for name, _columns, _where in reversed(INDEXES):
        op.drop_index(name, table_name="tickets")
    if op.get_bind().dialect.name == "sqlite":
        op.execute("ALTER TABLE tickets DROP COLUMN next_due_at")
    else:
        op.drop_column("tickets", "next_due_at")
    op.drop_table("queue_views")
