"""team grants in the role audit trail

- `role_changes.team_id`: the team a change of support was in (`/ticket-admin grant @x
  support <team>`, `revoke @x <team>`); empty for a change of the global role, as every
  change recorded before was.

Revision ID: 41a1c9409fe0
Revises: 4d8a1f6b2c95
Create Date: 2026-12-08 01:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "41a1c9409fe0"
down_revision: str | None = "4d8a1f6b2c95"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("role_changes") as batch:
        batch.add_column(sa.Column("team_id", sa.String(length=32), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("role_changes") as batch:
        batch.drop_column("team_id")
