"""outbox, ticket threads, processed requests

Revision ID: ba89c65afcc7
Revises: b82bedfae43c
Create Date: 2026-11-22 23:55:59.715841
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "ba89c65afcc7"
down_revision: str | None = "b82bedfae43c"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "outbox_messages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ticket_id", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(), nullable=False),
        sa.Column("claimed_until", sa.DateTime(), nullable=True),
        sa.Column("claimed_by", sa.String(length=64), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("sent_at", sa.DateTime(), nullable=True),
        sa.Column("last_error", sa.String(length=500), nullable=True),
        sa.Column("result_channel", sa.String(length=64), nullable=True),
        sa.Column("result_ts", sa.String(length=64), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbox_messages")),
    )
    with op.batch_alter_table("outbox_messages", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_outbox_messages_status_next_attempt_at"),
            ["status", "next_attempt_at"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_outbox_messages_ticket_id_status"), ["ticket_id", "status"], unique=False
        )

    op.create_table(
        "processed_requests",
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("ticket_id", sa.Integer(), nullable=True),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_processed_requests")),
    )
    op.create_table(
        "ticket_threads",
        sa.Column("ticket_id", sa.Integer(), nullable=False),
        sa.Column("reporter_channel", sa.String(length=64), nullable=True),
        sa.Column("reporter_ts", sa.String(length=64), nullable=True),
        sa.Column("support_channel", sa.String(length=64), nullable=True),
        sa.Column("support_ts", sa.String(length=64), nullable=True),
        sa.ForeignKeyConstraint(
            ["ticket_id"],
            ["tickets.id"],
            name=op.f("fk_ticket_threads_ticket_id_tickets"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("ticket_id", name=op.f("pk_ticket_threads")),
    )
    with op.batch_alter_table("ticket_threads", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_ticket_threads_reporter_channel_reporter_ts"),
            ["reporter_channel", "reporter_ts"],
            unique=True,
        )
        batch_op.create_index(
            batch_op.f("ix_ticket_threads_support_channel_support_ts"),
            ["support_channel", "support_ts"],
            unique=True,
        )


def downgrade() -> None:
    with op.batch_alter_table("ticket_threads", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_ticket_threads_support_channel_support_ts"))
        batch_op.drop_index(batch_op.f("ix_ticket_threads_reporter_channel_reporter_ts"))

    op.drop_table("ticket_threads")
    op.drop_table("processed_requests")
    with op.batch_alter_table("outbox_messages", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_outbox_messages_ticket_id_status"))
        batch_op.drop_index(batch_op.f("ix_outbox_messages_status_next_attempt_at"))

    op.drop_table("outbox_messages")
