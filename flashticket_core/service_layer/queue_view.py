"""The queue as support's App Home shows it: the filters (team, status, priority, who
holds it), the sort and the page a person last chose, remembered per person. The
filters are those of `/ticket list`, read by the same query."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from flashticket_core.domain.enums import Priority, Status

# Rows of the Home's queue a page: with the rest of the Home well under Slack's 100
# blocks a view (each row is one block).
HOME_QUEUE_PAGE = 20
# The highest page number remembered (a page past the last shows the last).
MAX_QUEUE_PAGE = 100_000


class QueueSort(StrEnum):
    """The queue's orders: the support queue's own (missed targets first, then those
    nobody holds and new ones, then by priority, oldest first), by age, and by what is
    due soonest (tickets with nothing running follow, in the queue's order)."""

    PRIORITY = "priority"
    OLDEST = "oldest"
    DUE = "due"


class AssigneeFilter(StrEnum):
    ANYONE = "anyone"
    ME = "me"
    UNASSIGNED = "unassigned"


@dataclass(frozen=True)
class QueueView:
    """What a person's queue shows: each filter given narrows it (no status: the open
    tickets), in `sort`'s order, page `page` of HOME_QUEUE_PAGE rows."""

    team: str | None = None
    status: Status | None = None
    priority: Priority | None = None
    assignee: AssigneeFilter = AssigneeFilter.ANYONE
    sort: QueueSort = QueueSort.PRIORITY
    page: int = 1

    @property
    def offset(self) -> int:
        return (self.page - 1) * HOME_QUEUE_PAGE


def pages(total: int) -> int:
    """How many pages `total` tickets fill (one, however few)."""
    return max(1, -(-total // HOME_QUEUE_PAGE))
