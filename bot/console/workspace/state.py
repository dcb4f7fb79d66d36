"""What the workspace keeps, behind one lock, and what every family of Web API methods
does with it: post where the bot may, show people a message, record a call."""

from __future__ import annotations

import base64
import dataclasses
import itertools
import json
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bot.console.refusals import SlackError
from bot.console.workspace.objects import (
    Call,
    ChannelSetup,
    FeedItem,
    HostedFile,
    Message,
    ResponseUrl,
    SharedFile,
    StoredView,
    Team,
    Trigger,
    Upload,
    dm_channel,
)
from bot.manifest import BOT_SCOPES

TRIGGER_TTL = 3.0
# The seconds part of message timestamps, unless the workspace is told otherwise.
TS_EPOCH = 1700000000
DEFAULT_LOCALE = "en-US"


class WorkspaceState:
    """The workspace's state, and the calls and the feed the console and the tests read.

    `default_locale` is the Slack locale people have unless `set_locale` gives one theirs.
    `clock` and `trigger_ttl` exist so tests can expire triggers and response URLs by
    moving a clock instead of sleeping. `origin` is the address the workspace is served
    at (set by the server): upload URLs and response URLs point there.
    """

    def __init__(
        self,
        bot_token: str,
        *,
        app_token: str | None = None,
        team: Team | None = None,
        trigger_ttl: float = TRIGGER_TTL,
        clock: Callable[[], float] = time.monotonic,
        files_dir: Path | None = None,
        default_locale: str = DEFAULT_LOCALE,
        ts_epoch: int = TS_EPOCH,
    ) -> None:
        self.bot_token = bot_token
        # The seconds of every message ts; the count of messages so far is the fraction.
        self.ts_epoch = ts_epoch
        self.app_token = app_token
        self.team = team or Team()
        self.trigger_ttl = trigger_ttl
        self.clock = clock
        self.files_dir = files_dir
        self.origin: str | None = None
        # What the bot token was granted: by default what the manifest asks for.
        self.scopes: tuple[str, ...] = tuple(BOT_SCOPES)
        self.socket_mode_url = "ws://127.0.0.1:1/"
        self._calls: list[Call] = []
        # Lock order: _changed before _lock (a waiter's predicate may call calls()).
        self._changed = threading.Condition()
        self._lock = threading.Lock()
        self._ts = itertools.count(1)
        self._users: dict[str, str] = {}  # user ID -> name
        self.default_locale = default_locale  # everyone's, unless set_locale says otherwise
        self._locales: dict[str, str] = {}  # user ID -> locale
        self._teams: dict[str, str] = {}  # user ID -> another organisation's team ID
        self._away: set[str] = set()  # people whose presence is `away`
        self._statuses: dict[str, tuple[str, int]] = {}  # user ID -> (emoji, expiration)
        self._apps: set[str] = set()  # users that are apps' bot users
        self._deactivated: set[str] = set()  # deactivated accounts
        self._channels: dict[str, ChannelSetup] = {}
        # Threads an admin locked, and people who turned off the app's Messages tab.
        self._locked_threads: set[tuple[str, str]] = set()
        self._messages_tab_off: set[str] = set()
        self._messages: dict[tuple[str, str], Message] = {}
        self._triggers: dict[str, Trigger] = {}
        self._response_urls: dict[str, ResponseUrl] = {}
        self._views: dict[str, StoredView] = {}
        self._open_modals: dict[str, dict[str, Any]] = {}  # user -> the modal on screen
        self._home_ids: dict[str, str] = {}  # user -> their App Home's view id
        self._uploads: dict[str, Upload] = {}
        self._hosted: dict[str, HostedFile] = {}
        self._feed: list[FeedItem] = []

    # -- channels --------------------------------------------------------------------

    def set_channel(
        self,
        channel: str,
        *,
        exists: bool = True,
        is_private: bool = True,
        is_member: bool = True,
        is_archived: bool = False,
        name: str | None = None,
    ) -> None:
        """Set a channel up (rightly or wrongly); unset channels are private, bot a member."""
        setup = ChannelSetup(exists, is_private, is_member, is_archived, name)
        with self._lock:
            self._channels[channel] = setup

    def person_writes(
        self, user: str, channel: str, text: str, thread_ts: str | None = None
    ) -> Message:
        """A message a person wrote (the bot may neither update nor delete it)."""
        message = Message(
            channel=channel, ts=self._next_ts(), user=user, text=text, thread_ts=thread_ts
        )
        self._post(message)
        return message

    def lock_thread(self, channel: str, thread_ts: str) -> None:
        """An admin locks a thread: replies to it are refused from now on."""
        with self._lock:
            self._locked_threads.add((channel, thread_ts))

    def turn_off_messages_tab(self, user: str) -> None:
        """The person turned off the app's Messages tab: the bot's DMs are refused."""
        with self._lock:
            self._messages_tab_off.add(dm_channel(user))

    def _refused_reply(self, channel: str, thread_ts: str | None) -> None:
        """What Slack answers a post into a locked thread or a closed Messages tab."""
        with self._lock:
            if thread_ts and (channel, thread_ts) in self._locked_threads:
                raise SlackError("restricted_action_thread_locked")
            if channel in self._messages_tab_off:
                raise SlackError("messages_tab_disabled")

    def channel_setup(self, channel: str) -> ChannelSetup:
        with self._lock:
            return self._channels.get(channel, ChannelSetup())

    def channel_named(self, name: str) -> str | None:
        """The ID of the channel set up with this name (`it`, `#help-it`), or with this
        ID; None if there is none."""
        name = name.removeprefix("#")
        with self._lock:
            if name in self._channels:
                return name
            return next((c for c, s in self._channels.items() if s.name == name), None)

    def channel_names(self) -> list[str]:
        """The names of the channels set up with one, in the order they were set up."""
        with self._lock:
            return [s.name for s in self._channels.values() if s.name]

    def messages_in(self, channel: str) -> list[Message]:
        with self._lock:
            return [m for (c, _), m in self._messages.items() if c == channel]

    # -- kept between two starts of the console ------------------------------------

    def snapshot(self) -> dict[str, Any]:
        """What the workspace holds (people, channels, messages, App Homes, hosted
        files), as JSON can keep it, so the next start of the console sees the cards and
        threads its database speaks of."""
        with self._lock:
            return {
                "version": 1,
                "next_ts": int(self._next_ts().split(".")[1]),
                "users": self._users,
                "locales": self._locales,
                "channels": {c: dataclasses.asdict(s) for c, s in self._channels.items()},
                "messages": [_message_record(m) for m in self._messages.values()],
                "views": {v: dataclasses.asdict(s) for v, s in self._views.items()},
                "home_ids": self._home_ids,
                "hosted": [_hosted_record(f) for f in self._hosted.values()],
            }

    def restore(self, state: dict[str, Any]) -> int:
        """Take back what `snapshot` gave; the number of messages it held."""
        with self._lock:
            self._ts = itertools.count(int(state["next_ts"]))
            self._users.update(state["users"])
            self._locales.update(state["locales"])
            for channel, setup in state["channels"].items():
                self._channels[channel] = ChannelSetup(**setup)
            for record in state["messages"]:
                message = _message_of(record)
                self._messages[(message.channel, message.ts)] = message
            for view_id, stored in state["views"].items():
                self._views[view_id] = StoredView(**stored)
            self._home_ids.update(state["home_ids"])
            for record in state["hosted"]:
                hosted = HostedFile(**(record | {"content": base64.b64decode(record["content"])}))
                self._hosted[hosted.id] = hosted
        return len(state["messages"])

    # -- what the console and the tests read ---------------------------------------

    def calls(self, method: str | None = None) -> list[Call]:
        """A snapshot of the recorded calls, optionally of one method."""
        with self._lock:
            return [c for c in self._calls if method is None or c.method == method]

    def record(self, call: Call) -> None:
        with self._changed:
            with self._lock:
                self._calls.append(call)
            self._changed.notify_all()

    def feed_since(self, start: int) -> list[FeedItem]:
        """What people saw from the `start`-th thing on."""
        with self._lock:
            return self._feed[start:]

    # -- what every family of methods does --------------------------------------------

    def _origin(self) -> str:
        assert self.origin, "the workspace is not being served"
        return self.origin

    def _next_ts(self) -> str:
        return f"{self.ts_epoch}.{next(self._ts):06d}"

    def _show(self, item: FeedItem) -> None:
        with self._lock:
            self._feed.append(item)

    def _post(self, message: Message) -> None:
        with self._lock:
            self._messages[(message.channel, message.ts)] = message
            self._feed.append(FeedItem("post", message.channel, None, message))

    def _bot_message(self, channel: str, args: dict[str, Any]) -> Message:
        blocks = json_field(args.get("blocks"))
        metadata = checked_metadata(args.get("metadata"))
        return Message(
            channel=channel,
            ts=self._next_ts(),
            user=self.team.bot_user,
            text=str(args.get("text") or ""),
            blocks=blocks if isinstance(blocks, list) else [],
            thread_ts=str(args["thread_ts"]) if args.get("thread_ts") else None,
            bot_id=self.team.bot_id,
            metadata=metadata,
        )

    def _postable(self, channel: str) -> str:
        """The channel a post lands in (a user's ID means the DM), if the bot may post."""
        channel = dm_channel(channel)
        if not channel:
            raise SlackError("channel_not_found")
        with self._lock:
            setup = self._channels.get(channel)
        if setup is None:
            return channel
        if not setup.exists or (setup.is_private and not setup.is_member):
            raise SlackError("channel_not_found")
        if not setup.is_member:
            raise SlackError("not_in_channel")
        if setup.is_archived:
            raise SlackError("is_archived")
        return channel


def _message_record(message: Message) -> dict[str, Any]:
    record = dataclasses.asdict(message)
    record["files"] = [
        dataclasses.asdict(f) | {"saved_to": str(f.saved_to) if f.saved_to else None}
        for f in message.files
    ]
    return record


def _message_of(record: dict[str, Any]) -> Message:
    files = [
        SharedFile(**(f | {"saved_to": Path(f["saved_to"]) if f["saved_to"] else None}))
        for f in record["files"]
    ]
    return Message(**(record | {"files": files}))


def _hosted_record(hosted: HostedFile) -> dict[str, Any]:
    return dataclasses.asdict(hosted) | {"content": base64.b64encode(hosted.content).decode()}


def checked_metadata(value: Any) -> dict[str, Any] | None:
    """Message metadata as Slack takes it: an `event_type` (letters, digits, `_`) and an
    `event_payload` object; anything else is refused."""
    if value is None or value == "":
        return None
    metadata = json_field(value)
    if not isinstance(metadata, dict):
        raise SlackError("invalid_metadata_format")
    event_type = metadata.get("event_type")
    payload = metadata.get("event_payload")
    if (
        not isinstance(event_type, str)
        or not event_type
        or not all(c.isascii() and (c.isalnum() or c == "_") for c in event_type)
        or not isinstance(payload, dict)
    ):
        raise SlackError("invalid_metadata_schema")
    return {"event_type": event_type, "event_payload": payload}


def json_field(value: Any) -> Any:
    """Form bodies carry blocks, views and files as JSON strings."""
    if isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError:
            return None
    return value
