"""digests: the days whose morning digest is queued

Revision ID: e8b4c6d2a3f1
Revises: d5a2e9b7c1f8
Create Date: 2026-12-02 12:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "e8b4c6d2a3f1"
down_revision: str | None = "d5a2e9b7c1f8"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "digests",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("sent_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("day", name=op.f("pk_digests")),
    )


def downgrade() -> None:
    op.drop_table("digests")
