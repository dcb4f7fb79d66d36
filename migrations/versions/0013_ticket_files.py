"""the files that travelled with a ticket

Each file a reporter or supporter attached: its name, type and size, who sent it which
way and when, and its chat file ID. Relaying it is an outbox message of its own.

Revision ID: c3f8a1d2e4b6
Revises: e8b4c6d2a3f1
Create Date: 2026-12-02 12:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "c3f8a1d2e4b6"
down_revision: str | None = "e8b4c6d2a3f1"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "ticket_files",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ticket_id", sa.Integer(), nullable=False),
        sa.Column("entry_id", sa.Integer(), nullable=True),
        sa.Column("author_id", sa.String(length=32), nullable=False),
        sa.Column(
            "direction",
            sa.Enum(
                "to_support",
                "to_reporter",
                name="file_direction",
                native_enum=False,
                create_constraint=True,
                length=16,
            ),
            nullable=False,
        ),
        sa.Column("chat_file_id", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("mimetype", sa.String(length=128), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=True),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["ticket_id"],
            ["tickets.id"],
            name=op.f("fk_ticket_files_ticket_id_tickets"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["entry_id"],
            ["ticket_entries.id"],
            name=op.f("fk_ticket_files_entry_id_ticket_entries"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ticket_files")),
    )
    with op.batch_alter_table("ticket_files", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_ticket_files_ticket_id"), ["ticket_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("ticket_files", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_ticket_files_ticket_id"))
    op.drop_table("ticket_files")
