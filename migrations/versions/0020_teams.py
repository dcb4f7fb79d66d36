"""teams: the desk's teams, and each ticket's team and request type

A help desk serves one or more teams (FLASHTICKET_DESK_FILE); without a desk file it is
one team, Support. `teams` keeps each team the desk was started with; every ticket
belongs to one (`tickets.team_id`, the tickets from before all to Support) and may have
been opened as a request type (`tickets.request_type`).

`tickets.team_id` names its team without a foreign key: SQLite adds a column with a
reference only when its default is NULL, and cannot copy the tickets table (its
generated column) to add one otherwise.

Revision ID: 1305ce9686a1
Revises: 5b9e2d7a4c13
Create Date: 2026-12-07 20:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "1305ce9686a1"
down_revision: str | None = "5b9e2d7a4c13"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

DEFAULT_TEAM_ID = "support"


def upgrade() -> None:
    teams = op.create_table(
        "teams",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("channel", sa.String(length=64), nullable=True),
        sa.Column("private", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_teams")),
    )
    op.bulk_insert(teams, [{"id": DEFAULT_TEAM_ID, "name": "Support", "private": False}])
    # In place on both databases: the default puts every existing ticket into Support.
    op.add_column(
        "tickets",
        sa.Column("team_id", sa.String(length=32), server_default=DEFAULT_TEAM_ID, nullable=False),
    )
    op.add_column("tickets", sa.Column("request_type", sa.String(length=32), nullable=True))


def downgrade() -> None:
    op.drop_column("tickets", "request_type")
    op.drop_column("tickets", "team_id")
    op.drop_table("teams")
