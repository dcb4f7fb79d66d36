"""A Slack workspace that answers the Web API as Slack does, and refuses what Slack refuses.

One program with two users: `flashticket shell` runs the bot against it, and so do the
tests (tests/fakes/slack_api.py only adds waiting and fault injection), so what the
console shows and what the tests check cannot drift apart. It is served over real HTTP
on 127.0.0.1 (`bot.console.loopback`): the real slack_sdk `WebClient`, Bolt's posts to
response URLs and `files_upload_v2`'s uploads run as they do against slack.com.

Strict where Slack is strict: a trigger_id is valid for 3 s and once, a response_url
takes 5 posts in 30 minutes, an unknown token is `invalid_auth`, Block Kit limits are
`invalid_blocks` (`bot.console.refusals`), a channel the bot may not post in refuses.
It keeps channels and threads, ephemeral messages, open modals, App Homes and shared
files (written to a folder when it has one), records every call, and keeps a feed of
what people would see, for the console to print.

`Workspace` is one state (`state.py`, of the things in `objects.py`) and the Web API
methods by family, each over that state: who is who (`people.py`), channels and
messages (`chat.py`), modals and App Homes (`views.py`), shared files (`files.py`),
user groups (`groups.py`).
A method `x.y` is answered by the `_api_x_y` of its family.
"""

from __future__ import annotations

from typing import Any

from bot.console.refusals import SlackError
from bot.console.workspace.chat import ChatApi
from bot.console.workspace.files import FilesApi
from bot.console.workspace.groups import UserGroupsApi
from bot.console.workspace.objects import (
    Call,
    ChannelSetup,
    FeedItem,
    Message,
    SharedFile,
    Team,
    dm_channel,
    user_id_for,
)
from bot.console.workspace.people import PeopleApi
from bot.console.workspace.views import ViewsApi

__all__ = [
    "Call",
    "ChannelSetup",
    "FeedItem",
    "Message",
    "SharedFile",
    "Team",
    "Workspace",
    "dm_channel",
    "user_id_for",
]


class Workspace(PeopleApi, ChatApi, ViewsApi, FilesApi, UserGroupsApi):
    """Slack's Web API for one workspace and one bot token, state included."""

    @classmethod
    def methods(cls) -> list[str]:
        """Every Web API method this workspace answers."""
        return sorted(
            name[len("_api_") :].replace("_", ".") for name in dir(cls) if name.startswith("_api_")
        )

    def message_shortcut(self, user: str, message: Message, callback_id: str) -> dict[str, Any]:
        """The message_action payload Slack sends when `user` uses a message shortcut."""
        return {
            "type": "message_action",
            "token": "deprecated",
            "action_ts": self._next_ts(),
            "team": {"id": self.team.id, "domain": self.team.domain},
            "user": {"id": user, "name": self.name_of_user(user), "team_id": self.team.id},
            "channel": {"id": message.channel, "name": message.channel.lower()},
            "is_enterprise_install": False,
            "enterprise": None,
            "callback_id": callback_id,
            "trigger_id": self.issue_trigger_id(user),
            "response_url": self.issue_response_url(user, message.channel),
            "message_ts": message.ts,
            "message": message.as_slack(),
        }

    def handle(self, method: str, args: dict[str, Any], headers: dict[str, str]) -> dict[str, Any]:
        """Answer one Web API call the way Slack would, refusals included."""
        try:
            self._authenticate(method, _token(args, headers))
            handler = getattr(self, "_api_" + method.replace(".", "_"), None)
            if handler is None:
                raise SlackError("unknown_method")
            result: dict[str, Any] = handler(args)
        except SlackError as refusal:
            return refusal.answer()
        return result


def _token(args: dict[str, Any], headers: dict[str, str]) -> str | None:
    authorization = headers.get("authorization", "")
    if authorization.lower().startswith("bearer "):
        return authorization[7:].strip() or None
    token = args.get("token")
    return str(token) if token else None
