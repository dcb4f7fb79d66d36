"""Channels and messages: chat.*, conversations.* and reactions.add, and the response
URLs of interactions (5 posts within 30 minutes, like Slack's)."""

from __future__ import annotations

import uuid
from typing import Any

from bot.console.refusals import SlackError, check_message, missing
from bot.console.workspace.objects import (
    ChannelSetup,
    FeedItem,
    Message,
    ResponseUrl,
    SharedFile,
    dm_channel,
)
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
        channel = self._postable(str(args.get("channel") or ""))
        self._refused_reply(channel, str(args.get("thread_ts") or "") or None)
        message = self._bot_message(channel, args)
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
        if self.channel_setup(key[0]).is_archived:
            raise SlackError("is_archived")  # an archived channel's messages stay as they are
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

    # -- people's messages, and what the bot may read of them -------------------------

    def person_posts(
        self,
        user: str,
        channel: str,
        text: str,
        *,
        thread_ts: str | None = None,
        files: list[SharedFile] | None = None,
    ) -> Message:
        """A person writes in a channel (or a thread of it); the bot sees it if it may read there."""
        message = Message(
            channel=channel,
            ts=self._next_ts(),
            user=user,
            text=text,
            thread_ts=thread_ts,
            files=list(files or []),
        )
        self._post(message)
        return message

    def message_at(self, channel: str, ts: str) -> Message | None:
        with self._lock:
            return self._messages.get((channel, ts))

    def reaction_added(self, user: str, message: Message, reaction: str) -> dict[str, Any]:
        """The reaction_added event Slack sends when `user` reacts to `message`."""
        return {
            "type": "reaction_added",
            "user": user,
            "reaction": reaction,
            "item_user": message.user,
            "item": {"type": "message", "channel": message.channel, "ts": message.ts},
            "event_ts": self._next_ts(),
        }

    def name_of_user(self, user: str) -> str:
        with self._lock:
            return self._users.get(user, user.lower())

    def _readable(self, channel: str) -> None:
        """Refuse to show a conversation as Slack does: scope first, then membership."""
        if not channel:
            raise SlackError("channel_not_found")
        setup = self.channel_setup(channel)
        if channel.startswith("D"):
            needed = "im:history"
        elif setup.is_private:
            needed = "groups:history"
        else:
            needed = "channels:history"
        if needed not in self.scopes:
            raise SlackError("missing_scope", needed=needed, provided=",".join(self.scopes))
        if channel.startswith("D"):
            return
        if not setup.exists or (setup.is_private and not setup.is_member):
            raise SlackError("channel_not_found")
        if not setup.is_member:
            raise SlackError("not_in_channel")

    def _api_conversations_history(self, args: dict[str, Any]) -> dict[str, Any]:
        channel = str(args.get("channel") or "")
        self._readable(channel)
        limit = _limit(args)
        with self._lock:
            top_level = [
                m
                for (c, _), m in self._messages.items()
                if c == channel and m.thread_ts in (None, m.ts)
            ]
        shown = _between(top_level, args)
        shown.sort(key=lambda m: float(m.ts), reverse=True)
        return {
            "ok": True,
            "messages": [m.as_slack(with_metadata=_with_metadata(args)) for m in shown[:limit]],
            "has_more": len(shown) > limit,
        }

    def _api_conversations_replies(self, args: dict[str, Any]) -> dict[str, Any]:
        channel = str(args.get("channel") or "")
        self._readable(channel)
        if not args.get("ts"):
            raise missing("ts")
        limit = _limit(args)
        asked = self.message_at(channel, str(args["ts"]))
        if asked is None:
            raise SlackError("thread_not_found")
        parent_ts = asked.thread_ts or asked.ts
        parent = self.message_at(channel, parent_ts) or asked
        with self._lock:
            replies = [
                m
                for (c, _), m in self._messages.items()
                if c == channel and m.thread_ts == parent_ts and m.ts != parent_ts
            ]
        # The thread's parent always comes first, then its replies, oldest first.
        shown = [parent, *sorted(_between(replies, args), key=lambda m: float(m.ts))]
        return {
            "ok": True,
            "messages": [m.as_slack(with_metadata=_with_metadata(args)) for m in shown[:limit]],
            "has_more": len(shown) > limit,
        }


def _with_metadata(args: dict[str, Any]) -> bool:
    """Slack leaves message metadata out of history and replies unless asked."""
    return str(args.get("include_all_metadata")).lower() in ("1", "true")


def _limit(args: dict[str, Any]) -> int:
    try:
        return max(1, min(int(args.get("limit") or 100), 1000))
    except ValueError:
        raise SlackError("invalid_limit") from None


def _between(messages: list[Message], args: dict[str, Any]) -> list[Message]:
    """The messages within `oldest` and `latest`, those ends included only if `inclusive`."""
    inclusive = str(args.get("inclusive")).lower() in ("1", "true")
    try:
        latest = float(args["latest"]) if args.get("latest") else None
        oldest = float(args["oldest"]) if args.get("oldest") else None
    except ValueError:
        raise SlackError("invalid_ts_latest") from None
    kept = []
    for message in messages:
        ts = float(message.ts)
        if latest is not None and (ts > latest or (ts == latest and not inclusive)):
            continue
        if oldest is not None and (ts < oldest or (ts == oldest and not inclusive)):
            continue
        kept.append(message)
    return kept
