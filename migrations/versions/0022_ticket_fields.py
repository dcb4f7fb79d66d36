"""ticket fields: the values a request type's form added to a ticket

One row per value (a multi-select's values each on their own row), with the field's
label and type when the ticket was opened, so a value stays readable when the desk file
later drops its field. `/ticket search field:<id>=<value>` reads the index on
(field_id, value), which leaves out long texts (too long for an index entry).

Revision ID: 4e8a2c6b9d10
Revises: 7c2d9e4f1a36
Create Date: 2026-12-07 22:40:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "4e8a2c6b9d10"
down_revision: str | None = "7c2d9e4f1a36"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

NOT_LONG_TEXT = "type <> 'long_text'"


def upgrade() -> None:
    op.create_table(
        "ticket_fields",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ticket_id", sa.Integer(), nullable=False),
        sa.Column("field_id", sa.String(length=32), nullable=False),
        sa.Column("label", sa.String(length=100), nullable=False),
        sa.Column("type", sa.String(length=16), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["ticket_id"],
            ["tickets.id"],
            name=op.f("fk_ticket_fields_ticket_id_tickets"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ticket_fields")),
    )
    op.create_index(op.f("ix_ticket_fields_ticket_id"), "ticket_fields", ["ticket_id"])
    condition = sa.text(NOT_LONG_TEXT)
    op.create_index(
        "ix_ticket_fields_field_value",
        "ticket_fields",
        ["field_id", "value", "ticket_id"],
        sqlite_where=condition,
        postgresql_where=condition,
    )


def downgrade() -> None:
    op.drop_index("ix_ticket_fields_field_value", table_name="ticket_fields")
    op.drop_index(op.f("ix_ticket_fields_ticket_id"), table_name="ticket_fields")
    op.drop_table("ticket_fields")
