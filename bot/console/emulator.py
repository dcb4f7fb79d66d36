"""A Slack workspace in memory: enough of the Web API for FlashTicket, with no network.

`console_client` is a real `slack_sdk.WebClient`; its requests, and Bolt's posts to
response URLs, are answered by the `Workspace` from inside urllib, with no socket, so
the Bolt app, the listeners and the Slack transport run unchanged. The workspace keeps channels, threads, ephemeral messages and open modals,
and a feed of what happened for the console to print.
"""

from __future__ import annotations

import io
import itertools
import json
import re
import urllib.parse
import urllib.request
import uuid
from dataclasses import dataclass, field
from http.client import HTTPMessage
from typing import Any
from urllib.response import addinfourl

from slack_sdk import WebClient

CONSOLE_HOST = "slack.console"
BOT_USER = "UFLASHBOT"
SUPPORT_CHANNEL = "CSUPPORT"


@dataclass
class Message:
    channel: str
    ts: str
    user: str
    text: str
    blocks: list[dict[str, Any]] = field(default_factory=list)
    thread_ts: str | None = None


@dataclass
class FeedItem:
    """One thing the console shows: a post, an edit, an ephemeral message or a modal."""

    kind: str  # "post", "update", "ephemeral", "modal", "home"
    channel: str
    user: str | None
    message: Message | None = None
    view: dict[str, Any] | None = None


def user_id_for(name: str) -> str:
    """A stable Slack-like user ID for a name (`@alice` -> `UALICE`)."""
    clean = re.sub(r"[^A-Za-z0-9]", "", name.lstrip("@")).upper()[:20] or "ANON"
    return "U" + clean


class Workspace:
    def __init__(self) -> None:
        self.users: dict[str, str] = {}  # user ID -> name
        self.messages: dict[str, list[Message]] = {}
        self.feed: list[FeedItem] = []
        self.open_views: dict[str, dict[str, Any]] = {}  # user ID -> the modal on screen
        self.homes: dict[str, dict[str, Any]] = {}
        self._ts = itertools.count(1)
        self._triggers: dict[str, str] = {}  # trigger id -> user
        self._response_urls: dict[str, str] = {}  # response_url key -> user

    # -- people ------------------------------------------------------------------

    def user_id(self, name: str) -> str:
        user_id = user_id_for(name)
        self.users.setdefault(user_id, name.lstrip("@").lower())
        return user_id

    def name_of(self, user_id: str) -> str:
        return self.users.get(user_id, user_id)

    def dm_channel(self, user_id: str) -> str:
        return "D" + user_id[1:]

    def issue_trigger(self, user_id: str) -> str:
        trigger = f"{next(self._ts)}.{uuid.uuid4().hex[:8]}"
        self._triggers[trigger] = user_id
        return trigger

    # -- the Web API -----------------------------------------------------------------

    def call(self, method: str, args: dict[str, Any]) -> dict[str, Any]:
        handler = getattr(self, "_" + method.replace(".", "_"), None)
        if handler is None:
            return {"ok": False, "error": "unknown_method"}
        result: dict[str, Any] = handler(args)
        return result

    def _auth_test(self, args: dict[str, Any]) -> dict[str, Any]:
        return {"ok": True, "user_id": BOT_USER, "bot_id": "BFLASHBOT", "team_id": "TCONSOLE"}

    def _chat_postMessage(self, args: dict[str, Any]) -> dict[str, Any]:
        channel = str(args.get("channel") or "")
        if channel.startswith("U"):
            channel = self.dm_channel(channel)
        if not channel:
            return {"ok": False, "error": "channel_not_found"}
        message = Message(
            channel=channel,
            ts=f"{next(self._ts)}.000100",
            user=BOT_USER,
            text=str(args.get("text") or ""),
            blocks=_json(args.get("blocks")) or [],
            thread_ts=args.get("thread_ts") or None,
        )
        self.messages.setdefault(channel, []).append(message)
        self.feed.append(FeedItem("post", channel, None, message))
        return {"ok": True, "channel": channel, "ts": message.ts}

    def _chat_update(self, args: dict[str, Any]) -> dict[str, Any]:
        channel, ts = str(args.get("channel")), str(args.get("ts"))
        for message in self.messages.get(channel, []):
            if message.ts == ts:
                message.text = str(args.get("text") or message.text)
                message.blocks = _json(args.get("blocks")) or []
                self.feed.append(FeedItem("update", channel, None, message))
                return {"ok": True, "channel": channel, "ts": ts}
        return {"ok": False, "error": "message_not_found"}

    def _chat_postEphemeral(self, args: dict[str, Any]) -> dict[str, Any]:
        user = str(args.get("user"))
        message = Message(
            channel=str(args.get("channel")),
            ts=f"{next(self._ts)}.000100",
            user=BOT_USER,
            text=str(args.get("text") or ""),
            blocks=_json(args.get("blocks")) or [],
        )
        self.feed.append(FeedItem("ephemeral", message.channel, user, message))
        return {"ok": True, "message_ts": message.ts}

    def _views_open(self, args: dict[str, Any]) -> dict[str, Any]:
        user = self._triggers.pop(str(args.get("trigger_id")), None)
        if user is None:
            return {"ok": False, "error": "expired_trigger_id"}
        view = dict(_json(args.get("view")) or {})
        view["id"] = f"V{uuid.uuid4().hex[:10].upper()}"
        self.open_views[user] = view
        self.feed.append(FeedItem("modal", "", user, view=view))
        return {"ok": True, "view": view}

    def _views_publish(self, args: dict[str, Any]) -> dict[str, Any]:
        user = str(args.get("user_id"))
        view = dict(_json(args.get("view")) or {})
        self.homes[user] = view
        self.feed.append(FeedItem("home", "", user, view=view))
        return {"ok": True, "view": view}

    def respond(self, key: str, args: dict[str, Any]) -> dict[str, Any]:
        """A post to a response_url: an ephemeral answer to the person who acted."""
        user = self._response_urls.get(key)
        if user is None:
            return {"ok": False, "error": "used_url"}
        message = Message(
            channel="",
            ts=f"{next(self._ts)}.000100",
            user=BOT_USER,
            text=str(args.get("text") or ""),
            blocks=_json(args.get("blocks")) or [],
        )
        self.feed.append(FeedItem("ephemeral", "", user, message))
        return {"ok": True}

    def issue_response_url(self, user_id: str) -> str:
        key = uuid.uuid4().hex
        self._response_urls[key] = user_id
        return f"http://{CONSOLE_HOST}/respond/{key}"

    # -- what the console asks -------------------------------------------------------

    def find_root(self, user_id: str, ticket_id: int) -> Message | None:
        """The DM that started the ticket's thread for its reporter."""
        for message in self.messages.get(self.dm_channel(user_id), []):
            if message.thread_ts is None and f"*#{ticket_id}*" in message.text:
                return message
        return None


class ConsoleHandler(urllib.request.BaseHandler):
    """Answers requests to the console's own host from the workspace, without a socket.

    slack_sdk opens every Web API call (and Bolt every response_url) with urllib; this
    handler takes the ones addressed to CONSOLE_HOST and leaves everything else alone.
    """

    handler_order = 100  # before urllib's own HTTP handler

    def __init__(self, workspace: Workspace) -> None:
        self.workspace = workspace

    def http_open(self, request: urllib.request.Request) -> addinfourl | None:
        if request.host != CONSOLE_HOST:
            return None
        path = urllib.parse.urlparse(request.full_url).path
        args = _request_args(request)
        if path.startswith("/api/"):
            answer = self.workspace.call(path[len("/api/") :], args)
        elif path.startswith("/respond/"):
            answer = self.workspace.respond(path.rsplit("/", 1)[1], args)
        else:
            answer = {"ok": False, "error": "not_found"}
        body = json.dumps(answer).encode()
        headers = HTTPMessage()
        headers["Content-Type"] = "application/json; charset=utf-8"
        headers["Content-Length"] = str(len(body))
        response = addinfourl(io.BytesIO(body), headers, request.full_url, code=200)
        response.msg = "OK"  # type: ignore[attr-defined]  # urllib reads it; addinfourl lacks it
        return response


def console_client(workspace: Workspace) -> WebClient:
    """A real WebClient whose requests the workspace answers (installed process-wide)."""
    urllib.request.install_opener(urllib.request.build_opener(ConsoleHandler(workspace)))
    return WebClient(token="xoxb-console", base_url=f"http://{CONSOLE_HOST}/api/")


def _request_args(request: urllib.request.Request) -> dict[str, Any]:
    args: dict[str, Any] = dict(
        urllib.parse.parse_qsl(urllib.parse.urlparse(request.full_url).query)
    )
    raw = request.data if isinstance(request.data, bytes) else b""
    content_type = request.get_header("Content-type") or ""
    if "json" in content_type:
        loaded = json.loads(raw or b"{}")
        if isinstance(loaded, dict):
            args.update(loaded)
    elif raw:
        args.update(urllib.parse.parse_qsl(raw.decode()))
    return args


def _json(value: Any) -> Any:
    if isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError:
            return None
    return value
