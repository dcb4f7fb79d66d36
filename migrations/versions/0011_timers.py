"""timers: each ticket's service-level targets and what is due for it

Revision ID: d5a2e9b7c1f8
Revises: b7e4d2a9c310
Create Date: 2026-12-02 11:50:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "d5a2e9b7c1f8"
down_revision: str | None = "b7e4d2a9c310"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UNFIRED = "fired_at IS NULL AND cancelled_at IS NULL"


def upgrade() -> None:
    op.create_table(
        "ticket_targets",
        sa.Column("ticket_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("length_seconds", sa.Float(), nullable=False),
        sa.Column("consumed_seconds", sa.Float(), nullable=False),
        sa.Column("running_since", sa.DateTime(), nullable=True),
        sa.Column("due_at", sa.DateTime(), nullable=True),
        sa.Column("met_at", sa.DateTime(), nullable=True),
        sa.Column("warned", sa.Boolean(), nullable=False),
        sa.Column("breached", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["ticket_id"],
            ["tickets.id"],
            name=op.f("fk_ticket_targets_ticket_id_tickets"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("ticket_id", "kind", name=op.f("pk_ticket_targets")),
    )
    op.create_table(
        "ticket_timers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ticket_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("due_at", sa.DateTime(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("fired_at", sa.DateTime(), nullable=True),
        sa.Column("cancelled_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["ticket_id"],
            ["tickets.id"],
            name=op.f("fk_ticket_timers_ticket_id_tickets"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ticket_timers")),
    )
    op.create_index(
        "ix_ticket_timers_due",
        "ticket_timers",
        ["due_at"],
        sqlite_where=sa.text(UNFIRED),
        postgresql_where=sa.text(UNFIRED),
    )
    op.create_index(
        "ix_ticket_timers_ticket_unfired",
        "ticket_timers",
        ["ticket_id"],
        sqlite_where=sa.text(UNFIRED),
        postgresql_where=sa.text(UNFIRED),
    )


def downgrade() -> None:
    op.drop_index("ix_ticket_timers_ticket_unfired", table_name="ticket_timers")
    op.drop_index("ix_ticket_timers_due", table_name="ticket_timers")
    op.drop_table("ticket_timers")
    op.drop_table("ticket_targets")
