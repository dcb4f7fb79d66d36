"""Where a ticket stands in the support queue, as the database computes it."""

from __future__ import annotations

from flashticket_core.domain.enums import Priority, Status


def queue_rank_sql() -> str:
    """The open queue's order as SQL over a ticket row: unassigned before assigned, new
    before the rest, then by priority (the age comes from `created_at` after it).

    The migration that adds the column carries its own copy of this text, as
    migrations do; a test checks that both agree.
    """
    open_statuses = ", ".join(f"'{status.value}'" for status in Status if status.is_open)
    *ranked, lowest = sorted(Priority, key=lambda p: p.rank)
    priorities = " ".join(f"WHEN '{p.value}' THEN {p.rank}" for p in ranked)
    assigned_weight = 2 * len(Priority)
    return (
        f"CASE WHEN deleted_at IS NULL AND status IN ({open_statuses}) THEN "
        f"(CASE WHEN assignee_id IS NULL THEN 0 ELSE {assigned_weight} END)"
        f" + (CASE WHEN status = '{Status.NEW.value}' THEN 0 ELSE {len(Priority)} END)"
        f" + (CASE priority {priorities} ELSE {lowest.rank} END) END"
    )
