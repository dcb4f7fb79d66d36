"""User groups (`@it-support`): their list and their members, as Slack answers
usergroups.list and usergroups.users.list to a token with usergroups:read."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from bot.console.refusals import SlackError, missing
from bot.console.workspace.state import WorkspaceState

NEEDED = "usergroups:read"
# When the workspace's user groups were made and last changed (Unix seconds).
MADE_AT = 1700000000


@dataclass
class UserGroup:
    id: str
    handle: str
    name: str
    users: list[str] = field(default_factory=list)
    disabled: bool = False


class UserGroupsApi(WorkspaceState):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._usergroups: dict[str, UserGroup] = {}

    def set_usergroup(
        self,
        usergroup: str,
        *,
        handle: str,
        name: str | None = None,
        users: list[str] | None = None,
        disabled: bool = False,
    ) -> None:
        """A user group of the workspace (`@handle`) with these members; disabled ones
        are listed only to who asks for them."""
        with self._lock:
            self._usergroups[usergroup] = UserGroup(
                usergroup, handle, name or handle, list(users or []), disabled
            )

    def usergroup_handle(self, usergroup: str) -> str | None:
        """The handle of the user group with this ID (`it-team`), None if there is none."""
        with self._lock:
            group = self._usergroups.get(usergroup)
        return group.handle if group is not None else None

    def _api_usergroups_list(self, args: dict[str, Any]) -> dict[str, Any]:
        self._may_read_groups()
        with self._lock:
            groups = list(self._usergroups.values())
        shown = [group for group in groups if _flag(args, "include_disabled") or not group.disabled]
        return {
            "ok": True,
            "usergroups": [
                self._usergroup(
                    group,
                    count=_flag(args, "include_count"),
                    users=_flag(args, "include_users"),
                )
                for group in shown
            ],
        }

    def _api_usergroups_users_list(self, args: dict[str, Any]) -> dict[str, Any]:
        self._may_read_groups()
        usergroup = str(args.get("usergroup") or "")
        if not usergroup:
            raise missing("usergroup")
        with self._lock:
            group = self._usergroups.get(usergroup)
        if group is None or (group.disabled and not _flag(args, "include_disabled")):
            raise SlackError("no_such_subteam")
        return {"ok": True, "users": list(group.users)}

    def _may_read_groups(self) -> None:
        if NEEDED not in self.scopes:
            raise SlackError("missing_scope", needed=NEEDED, provided=",".join(self.scopes))

    def _usergroup(self, group: UserGroup, *, count: bool, users: bool) -> dict[str, Any]:
        """A user group object as Slack writes it."""
        answer: dict[str, Any] = {
            "id": group.id,
            "team_id": self.team.id,
            "is_usergroup": True,
            "name": group.name,
            "description": "",
            "handle": group.handle,
            "is_external": False,
            "date_create": MADE_AT,
            "date_update": MADE_AT,
            "date_delete": MADE_AT + 1 if group.disabled else 0,
            "auto_type": None,
            "created_by": "USLACKBOT",
            "updated_by": "USLACKBOT",
            "deleted_by": "USLACKBOT" if group.disabled else None,
            "prefs": {"channels": [], "groups": []},
        }
        if count:
            answer["user_count"] = len(group.users)
        if users:
            answer["users"] = list(group.users)
        return answer


def _flag(args: dict[str, Any], name: str) -> bool:
    """A boolean argument as slack_sdk sends it (`true`, `1`) or JSON does."""
    value = args.get(name)
    return value is True or str(value).lower() in ("true", "1")
