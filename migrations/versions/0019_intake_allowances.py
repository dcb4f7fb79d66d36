"""intake_allowances: tickets a person opened from other people's messages, per window

Revision ID: 5b9e2d7a4c13
Revises: f1a7c3e9b2d4
Create Date: 2026-12-07 17:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "5b9e2d7a4c13"
down_revision: str | None = "f1a7c3e9b2d4"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "intake_allowances",
        sa.Column("user_id", sa.String(length=32), nullable=False),
        sa.Column("window_started_at", sa.DateTime(), nullable=False),
        sa.Column("opened", sa.Integer(), nullable=False),
        sa.Column("told_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_intake_allowances")),
    )


def downgrade() -> None:
    op.drop_table("intake_allowances")
