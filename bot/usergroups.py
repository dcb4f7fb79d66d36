"""Each team's Slack user group, read into its members: `usergroups.users.list` (scope
`usergroups:read`) for every team of the desk file that names a `usergroup`, at start
and then every few minutes (bot/periodic.py); likewise each request type's
`approver_group`, read into the approvers of its new tickets.

Slack can fail to answer (a user group removed or disabled, `no_such_subteam`; a token
without the scope, `missing_scope`; a plan without user groups; its rate limit; an
outage): the team keeps the members last read, and the failure is logged once, not at
every round, until the group answers again.
"""

from __future__ import annotations

import logging

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError

from flashticket_core.desk_file import DeskStructure
from flashticket_core.service_layer.desk import HelpDesk

log = logging.getLogger("flashticket")


class UserGroupRefresh:
    """One round reads every team's user group and writes who changed."""

    def __init__(self, client: WebClient, desk: HelpDesk, structure: DeskStructure) -> None:
        self.client = client
        self.desk = desk
        self.groups = {team.id: team.usergroup for team in structure.teams if team.usergroup}
        self.approver_groups = sorted(
            {kind.approver_group for kind in structure.request_types if kind.approver_group}
        )
        # The failure last logged per team (or approver group), so each is logged once.
        self._failing: dict[str, str] = {}

    @property
    def needed(self) -> bool:
        return bool(self.groups or self.approver_groups)

    def __call__(self) -> int:
        """Refresh each team's members and each approver group; returns how many of
        them changed."""
        changed = 0
        for team_id, usergroup in self.groups.items():
            users = self._members(team_id, usergroup)
            if users is not None and self.desk.roles.refresh_group_members(team_id, users):
                changed += 1
        for usergroup in self.approver_groups:
            users = self._members(f"approvers {usergroup}", usergroup)
            if users is not None and self.desk.approvals.refresh_approver_group(usergroup, users):
                changed += 1
        return changed

    def _members(self, team_id: str, usergroup: str) -> frozenset[str] | None:
        # `team_id`: whose group it is in the log (a team, or an approver group).
        """The group's members, or None (logged once) if Slack did not tell them."""
        try:
            answer = self.client.usergroups_users_list(usergroup=usergroup, include_disabled=False)
            users = answer.get("users")
            if not isinstance(users, list) or not all(isinstance(u, str) for u in users):
                raise ValueError("usergroups.users.list answered without a list of users")
        except SlackApiError as error:
            self._failed(team_id, usergroup, str(error.response.get("error") or "error"))
            return None
        except (SlackClientError, OSError, ValueError) as error:
            self._failed(team_id, usergroup, type(error).__name__)
            return None
        if self._failing.pop(team_id, None) is not None:
            log.info("the user group %s of the team %s answers again", usergroup, team_id)
        return frozenset(users)

    def _failed(self, team_id: str, usergroup: str, reason: str) -> None:
        if self._failing.get(team_id) == reason:
            return
        self._failing[team_id] = reason
        log.warning(
            "could not read the user group %s of the team %s (%s): its members stay as last read",
            usergroup,
            team_id,
            reason,
        )
