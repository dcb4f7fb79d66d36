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
"""

from __future__ import annotations

import itertools
import json
import re
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.console.refusals import SlackError, check_message, check_view, missing

TRIGGER_TTL = 3.0
RESPONSE_URL_POSTS = 5
RESPONSE_URL_TTL = 30 * 60
SAFE_FILE_NAME = re.compile(r"[^\w.\- ]")


def user_id_for(name: str) -> str:
    """A stable Slack-like user ID for a name (`@alice` -> `UALICE`)."""
    clean = re.sub(r"[^A-Za-z0-9]", "", name.lstrip("@")).upper()[:20] or "ANON"
    return "U" + clean


def dm_channel(user_or_channel: str) -> str:
    """The app's DM with a user is a stable D… id; channel ids pass through."""
    if user_or_channel.startswith(("U", "W")):
        return "D" + user_or_channel[1:]
    return user_or_channel


@dataclass(frozen=True)
class Team:
    """The workspace and its bot user, as auth.test reports them."""

    id: str = "TCONSOLE"
    name: str = "FlashTicket Console"
    domain: str = "flashticket-console"
    bot_user: str = "UFLASHBOT"
    bot_id: str = "BFLASHBOT"
    bot_name: str = "flashticket"

    @property
    def url(self) -> str:
        return f"https://{self.domain}.slack.com/"


@dataclass(frozen=True)
class ChannelSetup:
    """How a channel is set up for the bot. The default is what FlashTicket's support
    channel needs: private, with the bot in it."""

    exists: bool = True
    is_private: bool = True
    is_member: bool = True
    is_archived: bool = False
    name: str | None = None


@dataclass
class Call:
    """One request as the workspace saw it, including refused and faulted ones."""

    method: str
    args: dict[str, Any]
    headers: dict[str, str]
    at: float
    response: dict[str, Any] = field(default_factory=dict)
    faulted: bool = False

    @property
    def ok(self) -> bool:
        """True only if Slack would have accepted it (faulted calls count as failed)."""
        return bool(self.response.get("ok"))


@dataclass
class SharedFile:
    """A file shared by files.completeUploadExternal, and where it was saved, if anywhere."""

    id: str
    name: str
    title: str
    saved_to: Path | None = None
    not_saved: str | None = None  # why the folder did not take it


@dataclass
class Message:
    channel: str
    ts: str
    user: str
    text: str
    blocks: list[dict[str, Any]] = field(default_factory=list)
    thread_ts: str | None = None
    bot_id: str | None = None
    files: list[SharedFile] = field(default_factory=list)

    def as_slack(self) -> dict[str, Any]:
        """The message object Slack returns with chat.postMessage."""
        message: dict[str, Any] = {
            "type": "message",
            "text": self.text,
            "ts": self.ts,
            "user": self.user,
        }
        if self.bot_id:
            message["bot_id"] = self.bot_id
        if self.blocks:
            message["blocks"] = self.blocks
        if self.thread_ts:
            message["thread_ts"] = self.thread_ts
        if self.files:
            message["files"] = [{"id": f.id, "name": f.name, "title": f.title} for f in self.files]
        return message


@dataclass
class FeedItem:
    """One thing people see: a post, an edit, an ephemeral message, a modal, an App Home."""

    kind: str  # "post", "update", "ephemeral", "modal", "home"
    channel: str
    user: str | None  # who alone sees it (ephemeral, modal, home)
    message: Message | None = None
    view: dict[str, Any] | None = None


@dataclass
class _Trigger:
    issued: float
    user: str | None
    exchanged: bool = False


@dataclass
class _ResponseUrl:
    issued: float
    user: str | None
    channel: str
    posts: list[float] = field(default_factory=list)


@dataclass
class _View:
    user: str | None
    external_id: str | None


@dataclass
class _Upload:
    filename: str
    length: int
    content: bytes | None = None


class Workspace:
    """Slack's Web API for one workspace and one bot token, state included.

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
    ) -> None:
        self.bot_token = bot_token
        self.app_token = app_token
        self.team = team or Team()
        self.trigger_ttl = trigger_ttl
        self.clock = clock
        self.files_dir = files_dir
        self.origin: str | None = None
        self.socket_mode_url = "ws://127.0.0.1:1/"
        self._calls: list[Call] = []
        # Lock order: _changed before _lock (a waiter's predicate may call calls()).
        self._changed = threading.Condition()
        self._lock = threading.Lock()
        self._ts = itertools.count(1)
        self._users: dict[str, str] = {}  # user ID -> name
        self._channels: dict[str, ChannelSetup] = {}
        self._messages: dict[tuple[str, str], Message] = {}
        self._triggers: dict[str, _Trigger] = {}
        self._response_urls: dict[str, _ResponseUrl] = {}
        self._views: dict[str, _View] = {}
        self._open_modals: dict[str, dict[str, Any]] = {}  # user -> the modal on screen
        self._home_ids: dict[str, str] = {}  # user -> their App Home's view id
        self._uploads: dict[str, _Upload] = {}
        self._feed: list[FeedItem] = []

    # -- people and channels -------------------------------------------------------

    def user_id(self, name: str) -> str:
        """The ID of a person by name, who then exists in the workspace."""
        user_id = user_id_for(name)
        with self._lock:
            self._users.setdefault(user_id, name.lstrip("@").lower())
        return user_id

    def name_of(self, user_id: str) -> str:
        with self._lock:
            return self._users.get(user_id, user_id)

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

    def messages_in(self, channel: str) -> list[Message]:
        with self._lock:
            return [m for (c, _), m in self._messages.items() if c == channel]

    # -- what Slack hands out with an interaction ------------------------------------

    def issue_trigger_id(self, user: str | None = None) -> str:
        """A trigger as Slack puts in an interaction: usable once, for `trigger_ttl` s.
        A modal opened with it is on `user`'s screen."""
        trigger = f"{next(self._ts)}.{uuid.uuid4().int % 10**12}.{uuid.uuid4().hex[:16]}"
        with self._lock:
            self._triggers[trigger] = _Trigger(self.clock(), user)
        return trigger

    def issue_response_url(self, user: str | None = None, channel: str = "") -> str:
        """A response_url: 5 posts within 30 minutes, like Slack's; what is posted to
        it reaches `user` in `channel`."""
        key = uuid.uuid4().hex
        with self._lock:
            self._response_urls[key] = _ResponseUrl(self.clock(), user, channel)
        return f"{self._origin()}/response/{key}"

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

    def take_modal(self, user: str) -> dict[str, Any] | None:
        """The modal on a person's screen, which they now fill in."""
        with self._lock:
            return self._open_modals.pop(user, None)

    def uploaded_bytes(self, file_id: str) -> bytes | None:
        """The bytes a client posted to a file's upload URL, if any."""
        with self._lock:
            upload = self._uploads.get(file_id)
            return upload.content if upload else None

    @classmethod
    def methods(cls) -> list[str]:
        """Every Web API method this workspace answers."""
        return sorted(
            name[len("_api_") :].replace("_", ".") for name in dir(cls) if name.startswith("_api_")
        )

    @classmethod
    def implements(cls, method: str) -> bool:
        return callable(getattr(cls, "_api_" + method.replace(".", "_"), None))

    # -- answering -------------------------------------------------------------------

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

    def store_upload(self, file_id: str, raw: bytes) -> bool:
        """Keep the bytes posted to an upload URL; False if no such URL was handed out."""
        with self._lock:
            upload = self._uploads.get(file_id)
            if upload is None:
                return False
            upload.content = raw
            return True

    # -- internals -------------------------------------------------------------------

    def _origin(self) -> str:
        assert self.origin, "the workspace is not being served"
        return self.origin

    def _authenticate(self, method: str, token: str | None) -> None:
        # Socket Mode connects with the app-level token, everything else with the bot's.
        expected = self.app_token if method == "apps.connections.open" else self.bot_token
        if token is None:
            raise SlackError("not_authed")
        if token != expected:
            raise SlackError("invalid_auth")

    def _next_ts(self) -> str:
        return f"1700000000.{next(self._ts):06d}"

    def _show(self, item: FeedItem) -> None:
        with self._lock:
            self._feed.append(item)

    def _post(self, message: Message) -> None:
        with self._lock:
            self._messages[(message.channel, message.ts)] = message
            self._feed.append(FeedItem("post", message.channel, None, message))

    def _bot_message(self, channel: str, args: dict[str, Any]) -> Message:
        blocks = _json(args.get("blocks"))
        return Message(
            channel=channel,
            ts=self._next_ts(),
            user=self.team.bot_user,
            text=str(args.get("text") or ""),
            blocks=blocks if isinstance(blocks, list) else [],
            thread_ts=str(args["thread_ts"]) if args.get("thread_ts") else None,
            bot_id=self.team.bot_id,
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

    def _exchange_trigger(self, trigger: str) -> str | None:
        """Slack takes a trigger once, within 3 s of the interaction; whose screen it is."""
        if not trigger:
            raise missing("trigger_id")
        with self._lock:
            issued = self._triggers.get(trigger)
            if issued is None:
                raise SlackError("invalid_trigger_id")
            if issued.exchanged:
                raise SlackError("exchanged_trigger_id")
            if self.clock() - issued.issued > self.trigger_ttl:
                raise SlackError("expired_trigger_id")
            issued.exchanged = True
            return issued.user

    # -- the Web API methods ---------------------------------------------------------

    def _api_auth_test(self, args: dict[str, Any]) -> dict[str, Any]:
        return {
            "ok": True,
            "url": self.team.url,
            "team": self.team.name,
            "user": self.team.bot_name,
            "team_id": self.team.id,
            "user_id": self.team.bot_user,
            "bot_id": self.team.bot_id,
        }

    def _api_apps_connections_open(self, args: dict[str, Any]) -> dict[str, Any]:
        return {"ok": True, "url": self.socket_mode_url}

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
            # Slack keeps what the update leaves out: the text, or the blocks.
            if "text" in args:
                message.text = str(args.get("text") or "")
            if "blocks" in args:
                blocks = _json(args.get("blocks"))
                message.blocks = blocks if isinstance(blocks, list) else []
            self._feed.append(FeedItem("update", message.channel, None, message))
        return {"ok": True, "channel": key[0], "ts": key[1], "text": message.text}

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

    def _api_users_info(self, args: dict[str, Any]) -> dict[str, Any]:
        user = str(args.get("user") or "")
        if not user.startswith(("U", "W")):
            raise SlackError("user_not_found")
        with self._lock:
            known = self._users.get(user)
        name = known or user.lower()
        real_name = known or f"Person {user}"
        return {
            "ok": True,
            "user": {
                "id": user,
                "name": name,
                "real_name": real_name,
                "tz": "Europe/Berlin",
                "profile": {"display_name": name, "real_name": real_name},
            },
        }

    def _api_reactions_add(self, args: dict[str, Any]) -> dict[str, Any]:
        return {"ok": True}

    def _api_views_open(self, args: dict[str, Any]) -> dict[str, Any]:
        user = self._exchange_trigger(str(args.get("trigger_id") or ""))
        return self._open_modal(args, user)

    def _api_views_push(self, args: dict[str, Any]) -> dict[str, Any]:
        user = self._exchange_trigger(str(args.get("trigger_id") or ""))
        return self._open_modal(args, user)

    def _api_views_update(self, args: dict[str, Any]) -> dict[str, Any]:
        view_id = self._existing_view(args)
        with self._lock:
            user = self._views[view_id].user
        answer = self._store_view(args, view_id=view_id, user=user)
        with self._lock:
            if user is not None and user in self._open_modals:
                self._open_modals[user] = answer["view"]
        return answer

    def _api_views_publish(self, args: dict[str, Any]) -> dict[str, Any]:
        user = str(args.get("user_id") or "")
        if not user:
            raise missing("user_id")
        with self._lock:
            view_id = self._home_ids.get(user)
        answer = self._store_view(args, view_id=view_id, user=user)
        with self._lock:
            self._home_ids[user] = answer["view"]["id"]
            self._feed.append(FeedItem("home", "", user, view=answer["view"]))
        return answer

    def _open_modal(self, args: dict[str, Any], user: str | None) -> dict[str, Any]:
        answer = self._store_view(args, view_id=None, user=user)
        if user is not None:
            with self._lock:
                self._open_modals[user] = answer["view"]
                self._feed.append(FeedItem("modal", "", user, view=answer["view"]))
        return answer

    def _existing_view(self, args: dict[str, Any]) -> str:
        """views.update names the view by view_id or external_id; both must exist."""
        view_id, external_id = args.get("view_id"), args.get("external_id")
        with self._lock:
            if view_id:
                if view_id not in self._views:
                    raise SlackError("not_found")
                return str(view_id)
            for known, view in self._views.items():
                if external_id and view.external_id == external_id:
                    return known
        raise SlackError("not_found" if external_id else "invalid_arguments")

    def _store_view(
        self, args: dict[str, Any], *, view_id: str | None, user: str | None
    ) -> dict[str, Any]:
        view = _json(args.get("view"))
        if not isinstance(view, dict):
            raise missing("view")
        check_view(view)
        view_id = view_id or f"V{uuid.uuid4().hex[:10].upper()}"
        with self._lock:
            self._views[view_id] = _View(user, view.get("external_id"))
        return {"ok": True, "view": {**view, "id": view_id, "hash": f"{time.time():.6f}"}}

    def _api_files_getUploadURLExternal(self, args: dict[str, Any]) -> dict[str, Any]:
        filename = str(args.get("filename") or "")
        if not filename:
            raise missing("filename")
        try:
            length = int(args["length"])
        except (KeyError, TypeError, ValueError):
            raise missing("length") from None
        file_id = f"F{uuid.uuid4().hex[:10].upper()}"
        with self._lock:
            self._uploads[file_id] = _Upload(filename, length)
        return {"ok": True, "upload_url": f"{self._origin()}/upload/{file_id}", "file_id": file_id}

    def _api_files_completeUploadExternal(self, args: dict[str, Any]) -> dict[str, Any]:
        entries = _json(args.get("files"))
        if not isinstance(entries, list) or not entries:
            raise SlackError("invalid_arguments")
        channel = str(args.get("channel_id") or str(args.get("channels") or "").split(",")[0])
        if channel:
            channel = self._postable(channel)
        shared: list[tuple[SharedFile, bytes]] = []
        with self._lock:
            for entry in entries:
                file_id = str(entry.get("id") or "") if isinstance(entry, dict) else ""
                upload = self._uploads.get(file_id)
                if upload is None or upload.content is None:
                    raise SlackError("file_not_found")
                title = str(entry.get("title") or upload.filename)
                file = SharedFile(file_id, upload.filename, title)
                shared.append((file, upload.content))
        for file, content in shared:
            self._save(file, content)
        if channel:
            comment = {"text": args.get("initial_comment"), "thread_ts": args.get("thread_ts")}
            message = self._bot_message(channel, comment)
            message.files = [file for file, _ in shared]
            self._post(message)
        return {"ok": True, "files": [{"id": f.id, "title": f.title} for f, _ in shared]}

    def _save(self, file: SharedFile, content: bytes) -> None:
        """Write a shared file into the folder, under its own name; never over another."""
        if self.files_dir is None:
            return
        name = Path(file.name).name.strip()
        name = SAFE_FILE_NAME.sub("_", name) if name and not name.startswith(".") else file.id
        stem, suffix = Path(name).stem, Path(name).suffix
        try:
            self.files_dir.mkdir(parents=True, exist_ok=True)
            for number in itertools.count(1):
                target = self.files_dir / (name if number == 1 else f"{stem}-{number}{suffix}")
                try:
                    with target.open("xb") as out:
                        out.write(content)
                except FileExistsError:
                    continue
                file.saved_to = target
                return
        except OSError as error:
            file.not_saved = error.strerror or str(error)


def _token(args: dict[str, Any], headers: dict[str, str]) -> str | None:
    authorization = headers.get("authorization", "")
    if authorization.lower().startswith("bearer "):
        return authorization[7:].strip() or None
    token = args.get("token")
    return str(token) if token else None


def _json(value: Any) -> Any:
    """Form bodies carry blocks, views and files as JSON strings."""
    if isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError:
            return None
    return value
