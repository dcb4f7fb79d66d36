"""approvals

- `tickets.status` takes `pending_approval` ("Waiting for approval"): its CHECK
  constraint is widened. PostgreSQL drops and adds it. SQLite cannot alter a constraint;
  copying the table (batch mode) would drop the triggers that keep the tallies and the
  full-text search, so the constraint's text is widened in the schema itself, SQLite's
  documented way for a change that makes no stored row invalid (lang_altertable.html,
  "Making Other Kinds Of Table Schema Changes").
- `ticket_approvals`: whom a ticket's approval was asked of, and the first decision.
- `usergroup_members`: the members of the user groups named as approvers.

Revision ID: 87ed3cf3fe94
Revises: 116aaa941c47
Create Date: 2026-12-08 01:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "87ed3cf3fe94"
down_revision: str | None = "116aaa941c47"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BEFORE = ("new", "in_progress", "waiting", "resolved", "closed")
AFTER = (*BEFORE, "pending_approval")
CONSTRAINT = "ck_tickets_status"


def _check(statuses: Sequence[str]) -> str:
    return "status IN (" + ", ".join(f"'{status}'" for status in statuses) + ")"


def _sqlite_rewrite(old: str, new: str) -> None:
    connection = op.get_bind()
    current = connection.exec_driver_sql(
        "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'tickets'"
    ).scalar_one()
    wanted = f"CONSTRAINT {CONSTRAINT} CHECK ({old})"
    if wanted not in current:
        raise RuntimeError(f"tickets: {CONSTRAINT} is not {old!r}; not changed")
    version = connection.exec_driver_sql("PRAGMA schema_version").scalar_one()
    connection.exec_driver_sql("PRAGMA writable_schema = ON")
    connection.execute(
        sa.text("UPDATE sqlite_master SET sql = :sql WHERE type = 'table' AND name = 'tickets'"),
        {"sql": current.replace(wanted, f"CONSTRAINT {CONSTRAINT} CHECK ({new})")},
    )
    # A new schema version makes every connection read the changed schema.
    connection.exec_driver_sql(f"PRAGMA schema_version = {int(version) + 1}")
    connection.exec_driver_sql("PRAGMA writable_schema = OFF")


def _status_check(old: Sequence[str], new: Sequence[str]) -> None:
    if op.get_bind().dialect.name == "sqlite":
        _sqlite_rewrite(_check(old), _check(new))
        return
    op.drop_constraint(op.f(CONSTRAINT), "tickets", type_="check")
    op.create_check_constraint(op.f(CONSTRAINT), "tickets", _check(new))


def upgrade() -> None:
    _status_check(BEFORE, AFTER)
    op.create_table(
        "ticket_approvals",
        sa.Column("ticket_id", sa.Integer(), nullable=False),
        sa.Column("approvers", sa.Text(), nullable=False),
        sa.Column("requested_at", sa.DateTime(), nullable=False),
        sa.Column("decided_at", sa.DateTime(), nullable=True),
        sa.Column("decided_by", sa.String(length=32), nullable=True),
        sa.Column("approved", sa.Boolean(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("waited_seconds", sa.Float(), nullable=True),
        sa.ForeignKeyConstraint(
            ["ticket_id"],
            ["tickets.id"],
            name=op.f("fk_ticket_approvals_ticket_id_tickets"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("ticket_id", name=op.f("pk_ticket_approvals")),
    )
    op.create_index(
        op.f("ix_ticket_approvals_decided_at"), "ticket_approvals", ["decided_at"], unique=False
    )
    op.create_table(
        "usergroup_members",
        sa.Column("usergroup", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.String(length=32), nullable=False),
        sa.PrimaryKeyConstraint("usergroup", "user_id", name=op.f("pk_usergroup_members")),
    )


def downgrade() -> None:
    op.drop_table("usergroup_members")
    op.drop_index(op.f("ix_ticket_approvals_decided_at"), table_name="ticket_approvals")
    op.drop_table("ticket_approvals")
    # A ticket still waiting for approval is closed: the older schema has no such status.
    op.execute(
        "UPDATE tickets SET status = 'closed', closed_at = updated_at, "
        "resolved_at = coalesce(resolved_at, updated_at) WHERE status = 'pending_approval'"
    )
    _status_check(AFTER, BEFORE)
