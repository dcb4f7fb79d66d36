"""digest and statistics per team

- `digests` records the morning digest per day and team (`team_id`, part of the key), so
  each team's digest goes out once a day, whichever replica is first; the days recorded
  before are the one team Support's.
- A team's statistics (`/ticket stats <team>`) count its tickets from indexes that start
  with the team: opened in a period (by day of `created_at`), first replied to and
  resolved in a period (by the day of that event), instead of reading every ticket.

Revision ID: 4d8a1f6b2c95
Revises: 9e4b7c1d2a58
Create Date: 2026-12-07 23:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "4d8a1f6b2c95"
down_revision: str | None = "9e4b7c1d2a58"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

DEFAULT_TEAM_ID = "support"
LIVE = "deleted_at IS NULL"


def _partial_index(name: str, columns: list[str], where: str) -> None:
    condition = sa.text(where)
    op.create_index(name, "tickets", columns, sqlite_where=condition, postgresql_where=condition)


def upgrade() -> None:
    # SQLite copies the table to change its key; PostgreSQL alters it in place.
    with op.batch_alter_table("digests") as batch:
        batch.add_column(
            sa.Column(
                "team_id", sa.String(length=32), server_default=DEFAULT_TEAM_ID, nullable=False
            )
        )
        batch.drop_constraint("pk_digests", type_="primary")
        batch.create_primary_key("pk_digests", ["day", "team_id"])
    _partial_index("ix_tickets_team_created_at", ["team_id", "created_at", "status"], LIVE)
    _partial_index(
        "ix_tickets_team_first_response_at",
        ["team_id", "first_response_at", "created_at"],
        f"{LIVE} AND first_response_at IS NOT NULL",
    )
    _partial_index(
        "ix_tickets_team_resolved_at",
        ["team_id", "resolved_at", "created_at"],
        f"{LIVE} AND resolved_at IS NOT NULL",
    )


def downgrade() -> None:
    op.drop_index("ix_tickets_team_resolved_at", table_name="tickets")
    op.drop_index("ix_tickets_team_first_response_at", table_name="tickets")
    op.drop_index("ix_tickets_team_created_at", table_name="tickets")
    # One record per day again: the day counts as sent if any team's digest went out.
    op.execute(
        "DELETE FROM digests WHERE team_id <> "
        "(SELECT min(other.team_id) FROM digests other WHERE other.day = digests.day)"
    )
    with op.batch_alter_table("digests") as batch:
        batch.drop_constraint("pk_digests", type_="primary")
        batch.create_primary_key("pk_digests", ["day"])
        batch.drop_column("team_id")
