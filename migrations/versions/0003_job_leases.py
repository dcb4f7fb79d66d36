"""job leases

Revision ID: 895fba662986
Revises: ba89c65afcc7
Create Date: 2026-11-23 00:09:59.975288
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "895fba662986"
down_revision: str | None = "ba89c65afcc7"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "job_leases",
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("holder", sa.String(length=64), nullable=False),
        sa.Column("until", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_job_leases")),
    )


def downgrade() -> None:
    op.drop_table("job_leases")
