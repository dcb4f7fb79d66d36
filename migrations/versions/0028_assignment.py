"""assignment rules: each team's round-robin turn, and the assignments the rule made

- `assignment_turns`: one row a team, the number of turns its round robin gave; an
  atomic `UPDATE … SET turns = turns + 1` hands each turn out once, across replicas.
- `ticket_assignments`: each ticket a team's rule gave someone, why, and when it moves
  to the next person without a first response (`reassign_at`, until `passed_at`).

Revision ID: 116aaa941c47
Revises: 6770792cfa79
Create Date: 2026-12-08 01:50:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "116aaa941c47"
down_revision: str | None = "6770792cfa79"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

WAITING = "reassign_at IS NOT NULL AND passed_at IS NULL"


def upgrade() -> None:
    op.create_table(
        "assignment_turns",
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("turns", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("team_id", name=op.f("pk_assignment_turns")),
    )
    op.create_table(
        "ticket_assignments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ticket_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.String(length=32), nullable=False),
        sa.Column("reason", sa.String(length=32), nullable=False),
        sa.Column("assigned_at", sa.DateTime(), nullable=False),
        sa.Column("reassign_at", sa.DateTime(), nullable=True),
        sa.Column("passed_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["ticket_id"],
            ["tickets.id"],
            name=op.f("fk_ticket_assignments_ticket_id_tickets"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ticket_assignments")),
    )
    op.create_index(
        "ix_ticket_assignments_waiting",
        "ticket_assignments",
        ["reassign_at"],
        sqlite_where=sa.text(WAITING),
        postgresql_where=sa.text(WAITING),
    )
    op.create_index("ix_ticket_assignments_ticket_id", "ticket_assignments", ["ticket_id"])


def downgrade() -> None:
    op.drop_index("ix_ticket_assignments_ticket_id", table_name="ticket_assignments")
    op.drop_index("ix_ticket_assignments_waiting", table_name="ticket_assignments")
    op.drop_table("ticket_assignments")
    op.drop_table("assignment_turns")
