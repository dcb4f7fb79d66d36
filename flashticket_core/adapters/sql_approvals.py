"""The tickets' approvals in SQL. The decision is one conditional UPDATE (`decided_at IS
NULL`): on PostgreSQL a second approver's UPDATE waits for the first one's row lock and
then finds the decision made; on SQLite writers take turns (`BEGIN IMMEDIATE`). Either
way exactly one decision is recorded, whichever replica each click reached."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import CursorResult, delete, select, update
from sqlalchemy.orm import Session

from flashticket_core.adapters.approval_tables import TicketApproval, UserGroupMember
from flashticket_core.service_layer.repositories import ApprovalBook, ApprovalState


class SqlApprovalBook(ApprovalBook):
    def __init__(self, session: Session) -> None:
        self.session = session

    def request(self, ticket_id: int, approvers: Sequence[str], *, now: datetime) -> None:
        self.session.add(
            TicketApproval(ticket_id=ticket_id, approvers=" ".join(approvers), requested_at=now)
        )

    def get(self, ticket_id: int) -> ApprovalState | None:
        row = self.session.get(TicketApproval, ticket_id)
        if row is None:
            return None
        return ApprovalState(
            ticket_id=row.ticket_id,
            approvers=tuple(row.approvers.split()),
            requested_at=row.requested_at,
            decided_by=row.decided_by,
            approved=row.approved,
            decided_at=row.decided_at,
            reason=row.reason,
        )

    def decide(
        self,
        ticket_id: int,
        *,
        by: str,
        approved: bool,
        reason: str | None,
        now: datetime,
        waited: float,
    ) -> bool:
        result = self.session.execute(
            update(TicketApproval)
            .where(TicketApproval.ticket_id == ticket_id, TicketApproval.decided_at.is_(None))
            .values(
                decided_at=now,
                decided_by=by,
                approved=approved,
                reason=reason,
                waited_seconds=waited,
            )
            .execution_options(synchronize_session=False)
        )
        assert isinstance(result, CursorResult)
        return result.rowcount == 1

    def group_members(self, usergroup: str) -> frozenset[str]:
        return frozenset(
            self.session.scalars(
                select(UserGroupMember.user_id).where(UserGroupMember.usergroup == usergroup)
            )
        )

    def replace_group(self, usergroup: str, user_ids: frozenset[str]) -> bool:
        stored = self.group_members(usergroup)
        gone, came = stored - user_ids, user_ids - stored
        if gone:
            self.session.execute(
                delete(UserGroupMember).where(
                    UserGroupMember.usergroup == usergroup,
                    UserGroupMember.user_id.in_(sorted(gone)),
                )
            )
        for user_id in sorted(came):
            self.session.add(UserGroupMember(usergroup=usergroup, user_id=user_id))
        return bool(gone or came)
