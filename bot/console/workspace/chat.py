"""Channels and messages: chat.*, conversations.* and reactions.add, and the response
URLs of interactions (5 posts within 30 minutes, like Slack's)."""

from __future__ import annotations

import uuid
from typing import Any

from bot.console.refusals import SlackError, check_message, missing
from bot.console.workspace.objects import ChannelSetup, FeedItem, ResponseUrl, dm_channel
from bot.console.workspace.state import WorkspaceState, json_field

RESPONSE_URL_POSTS = 5
RESPONSE_URL_TTL = 30 * 60


class ChatApi(WorkspaceState):
    def issue_response_url(self, user: str | None = None, channel: str = "") -> str:
        """A response_url: 5 posts within 30 minutes, like Slack's; what is posted to
        it reaches `user` in `channel`."""
        key = uuid.uuid4().hex
        with self._lock:
            self._response_urls[key] = ResponseUrl(self.clock(), user, channel)
        return f"{self._origin()}/response/{key}"

    def response_url_post(self, key: str, body: dict[str, Any]) -> tuple[int, bytes]:
        """Slack accepts 5 posts to a response_url within 30 minutes, then 404."""
        now = self.clock()
        with self._lock:
            entry = self._response_urls.get(key)
            if entry is None:
                return 404, b"no_such_url"
            if now - entry.issued > RESPONSE_URL_TTL:
                return 404, b"expired_url"
            if len(entry.posts) >= RESPONSE_URL_POSTS:
                return 404, b"used_url"
            entry.posts.append(now)
        if body.get("delete_original"):
            return 200, b"ok"
        try:
            check_message(body)
        except SlackError as refusal:
            return 400, refusal.error.encode()
        message = self._bot_message(entry.channel, body)
        if body.get("response_type") == "in_channel" and entry.channel:
            self._post(message)
        else:
            self._show(FeedItem("ephemeral", entry.channel, entry.user, message))
        return 200, b"ok"

    def _api_chat_postMessage(self, args: dict[str, Any]) -> dict[str, Any]:
        check_message(args)
        message = self._bot_message(self._postable(str(args.get("channel") or "")), args)
        self._post(message)
        return {
            "ok": True,
            "channel": message.channel,
            "ts": message.ts,
            "message": message.as_slack(),
        }

    def _api_chat_update(self, args: dict[str, Any]) -> dict[str, Any]:
        check_message(args)
        key = (str(args.get("channel")), str(args.get("ts")))
        with self._lock:
            message = self._messages.get(key)
            if message is None:
                raise SlackError("message_not_found")
            if message.bot_id != self.team.bot_id:
                raise SlackError("cant_update_message")  # a bot edits only its own
            # Slack keeps what the update leaves out: the text, or the blocks.
            if "text" in args:
                message.text = str(args.get("text") or "")
            if "blocks" in args:
                blocks = json_field(args.get("blocks"))
                message.blocks = blocks if isinstance(blocks, list) else []
            self._feed.append(FeedItem("update", message.channel, None, message))
        return {"ok": True, "channel": key[0], "ts": key[1], "text": message.text}

    def _api_chat_delete(self, args: dict[str, Any]) -> dict[str, Any]:
        key = (str(args.get("channel") or ""), str(args.get("ts") or ""))
        if not all(key):
            raise missing("channel" if not key[0] else "ts")
        with self._lock:
            message = self._messages.get(key)
            if message is None:
                raise SlackError("message_not_found")
            if message.bot_id != self.team.bot_id:
                raise SlackError("cant_delete_message")  # a bot token deletes only its own
            del self._messages[key]
            self._feed.append(FeedItem("delete", message.channel, None, message))
        return {"ok": True, "channel": key[0], "ts": key[1]}

    def _api_chat_postEphemeral(self, args: dict[str, Any]) -> dict[str, Any]:
        check_message(args)
        user = str(args.get("user") or "")
        if not user or not args.get("channel"):
            raise SlackError("user_not_in_channel")
        message = self._bot_message(self._postable(str(args["channel"])), args)
        self._show(FeedItem("ephemeral", message.channel, user, message))
        return {"ok": True, "message_ts": message.ts}

    def _api_chat_getPermalink(self, args: dict[str, Any]) -> dict[str, Any]:
        channel = args.get("channel")
        message_ts = str(args.get("message_ts")).replace(".", "")
        return {
            "ok": True,
            "channel": channel,
            "permalink": f"{self.team.url}archives/{channel}/p{message_ts}",
        }

    def _api_conversations_open(self, args: dict[str, Any]) -> dict[str, Any]:
        users = str(args.get("users") or "")
        if not users:
            raise SlackError("users_list_not_supplied")
        return {"ok": True, "channel": {"id": dm_channel(users.split(",")[0])}}

    def _api_conversations_info(self, args: dict[str, Any]) -> dict[str, Any]:
        channel = str(args.get("channel") or "")
        if not channel:
            raise missing("channel")
        if channel.startswith("D"):
            return {
                "ok": True,
                "channel": {"id": channel, "is_im": True, "user": "U" + channel[1:]},
            }
        with self._lock:
            setup = self._channels.get(channel, ChannelSetup())
        # A private channel the bot is not in is invisible to it, as in Slack.
        if not setup.exists or (setup.is_private and not setup.is_member):
            raise SlackError("channel_not_found")
        return {
            "ok": True,
            "channel": {
                "id": channel,
                "name": setup.name or channel.lower(),
                "is_channel": True,
                "is_group": False,
                "is_im": False,
                "is_mpim": False,
                "is_private": setup.is_private,
                "is_member": setup.is_member,
                "is_archived": setup.is_archived,
                "is_general": False,
            },
        }

    def _api_reactions_add(self, args: dict[str, Any]) -> dict[str, Any]:
        return {"ok": True}
