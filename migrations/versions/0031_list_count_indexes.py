"""indexes a list's total is counted from alone

A list's total counts its tickets. A team member's `/ticket list priority:high` and
anyone's `/ticket list unassigned` counted every open ticket of the team (or every
unassigned one) by looking each up in the table; these partial indexes over the open
queue hold what the count needs, so it reads the index alone:
- `ix_tickets_team_queue_priority`: (team_id, priority) of the open queue,
- `ix_tickets_team_queue_unassigned`: (team_id) of its unassigned tickets;
each also lists the columns of its condition (assignee_id, queue_rank): SQLite reads an
index alone only when it holds every column the query names.

Revision ID: ff539f92157f
Revises: 738524222537
Create Date: 2026-12-08 03:05:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "ff539f92157f"
down_revision: str | None = "738524222537"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OPEN = "queue_rank IS NOT NULL"
UNASSIGNED = "queue_rank IS NOT NULL AND assignee_id IS NULL"
INDEXES = (
    ("ix_tickets_team_queue_priority", ["team_id", "priority", "queue_rank"], OPEN),
    ("ix_tickets_team_queue_unassigned", ["team_id", "assignee_id", "queue_rank"], UNASSIGNED),
)


def upgrade() -> None:
    for name, columns, where in INDEXES:
        condition = sa.text(where)
        op.create_index(
            name, "tickets", columns, sqlite_where=condition, postgresql_where=condition
        )


def downgrade() -> None:
    for name, _columns, _where in reversed(INDEXES):
        op.drop_index(name, table_name="tickets")
