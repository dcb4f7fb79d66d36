"""team_members: who is a member of which team, and why

A team's members are support for its tickets: the desk file's `members` (written at each
start), the team's Slack user group (refreshed by a periodic job), and the people an
administrator granted support in the team (`/ticket-admin grant @x support <team>`). One
row per reason, so revoking a grant leaves the desk file's membership standing. The
index on `user_id` answers "which teams is this person in", asked on every operation.

Revision ID: 9d4b6e2a7c15
Revises: 4e8a2c6b9d10
Create Date: 2026-12-07 22:40:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "9d4b6e2a7c15"
down_revision: str | None = "4e8a2c6b9d10"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "team_members",
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("user_id", sa.String(length=32), nullable=False),
        sa.Column(
            "source",
            sa.Enum(
                "desk",
                "usergroup",
                "grant",
                name="source",
                native_enum=False,
                create_constraint=True,
                length=16,
            ),
            nullable=False,
        ),
        sa.Column("granted_by", sa.String(length=32), nullable=True),
        sa.Column("granted_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("team_id", "user_id", "source", name=op.f("pk_team_members")),
    )
    op.create_index("ix_team_members_user_id", "team_members", ["user_id", "team_id"])


def downgrade() -> None:
    op.drop_index("ix_team_members_user_id", table_name="team_members")
    op.drop_table("team_members")
