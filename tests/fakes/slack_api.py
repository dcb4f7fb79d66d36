"""A fake Slack Web API on 127.0.0.1 (port 0) that records every call and is strict
where Slack is strict, so a layout mistake fails in a test and not in a workspace.

The real `slack_sdk.WebClient` talks to it over HTTP (`base_url=fake.base_url`), so
the tests exercise the same serialisation, headers and error handling as production.
Faults can be injected per method: HTTP 500, 429 with Retry-After, an `ok: false`
error, a hang longer than the client's timeout, or a connection reset.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import socket
import struct
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs

# Form bodies carry these as JSON strings; decoded so tests can assert on structures.
JSON_FIELDS = ("blocks", "view", "attachments", "metadata", "files")

MODAL_TEXT_MAX = 24
MESSAGE_BLOCKS_MAX = 50
VIEW_BLOCKS_MAX = 100
SECTION_TEXT_MAX = 3000
SECTION_FIELD_MAX = 2000
BUTTON_TEXT_MAX = 75
BUTTON_VALUE_MAX = 2000
ACTION_ID_MAX = 255
OPTION_TEXT_MAX = 75
OPTION_VALUE_MAX = 150
OPTIONS_MAX = 100
PRIVATE_METADATA_MAX = 3000
RESPONSE_URL_POSTS = 5
RESPONSE_URL_TTL = 30 * 60


@dataclass
class Call:
    """One request as the fake saw it, including refused and faulted ones."""

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


Predicate = Callable[[list[Call]], bool]


@dataclass
class Fault:
    """What the next `count` calls to a method get instead of a normal answer."""

    count: int
    status: int | None = None
    error: str | None = None
    retry_after: float | None = None
    delay: float | None = None
    reset: bool = False
    # Slack did the work (the message is posted) but the answer is late or lost:
    # the window in which a sender that dies cannot know it succeeded.
    accept: bool = False


class SlackError(Exception):
    """Slack refused the call: answered as `{"ok": false, "error": ...}` with HTTP 200."""

    def __init__(self, error: str, messages: list[str] | None = None) -> None:
        super().__init__(error)
        self.error = error
        self.messages = messages or []

    def answer(self) -> dict[str, Any]:
        """The JSON body Slack sends for this refusal."""
        body: dict[str, Any] = {"ok": False, "error": self.error}
        if self.messages:
            body["response_metadata"] = {"messages": self.messages}
        return body


class BlockError(SlackError):
    """A Block Kit limit Slack would refuse with invalid_blocks, saying which one."""

    def __init__(self, problem: str) -> None:
        super().__init__("invalid_blocks", [f"[ERROR] {problem}"])
        self.problem = problem


class FakeSlack:
    """A recording, strict stand-in for slack.com/api that runs over real HTTP.

    `trigger_ttl` and `clock` exist so tests can expire triggers and response URLs
    by moving a clock instead of sleeping.
    """

    def __init__(
        self,
        bot_token: str = "xoxb-test-token",
        *,
        app_token: str = "xapp-test-token",
        trigger_ttl: float = 3.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.bot_token = bot_token
        self.app_token = app_token
        self.trigger_ttl = trigger_ttl
        self.clock = clock
        self.socket_mode_url = "ws://127.0.0.1:1/"
        self._calls: list[Call] = []
        # Lock order: _changed before _lock. Predicates in wait_for run under _changed
        # and may call calls(), which takes _lock.
        self._changed = threading.Condition()
        self._lock = threading.Lock()
        self._faults: dict[str, list[Fault]] = {}
        self._ts = itertools.count(1)
        self._triggers: dict[str, float] = {}
        self._exchanged: set[str] = set()
        self._response_urls: dict[str, tuple[float, list[float]]] = {}
        self._messages: dict[tuple[str, str], dict[str, Any]] = {}
        self._views: dict[str, str | None] = {}
        self._uploads: dict[str, bytes] = {}
        self._stopping = threading.Event()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._port = 0

    # -- lifecycle ---------------------------------------------------------------

    def start(self) -> FakeSlack:
        """Serve on an ephemeral port so parallel tests never collide."""
        fake = self

        class Handler(_Handler):
            slack = fake

        self._stopping.clear()
        self._server = ThreadingHTTPServer(("127.0.0.1", self._port), Handler)
        self._port = int(self._server.server_address[1])
        self._server.daemon_threads = True
        # A short poll interval keeps stop() quick: shutdown() waits for one poll.
        self._thread = threading.Thread(
            target=self._server.serve_forever, args=(0.02,), name="fake-slack", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving; wakes handlers sleeping in a `delay` fault so nothing lingers."""
        self._stopping.set()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._server = None

    def restart(self) -> FakeSlack:
        """Serve again on the same port after `stop()`: a Slack outage that ends."""
        return self.start()

    def __enter__(self) -> FakeSlack:
        return self.start()

    def __exit__(self, *_: object) -> None:
        self.stop()

    @property
    def port(self) -> int:
        assert self._port, "FakeSlack was never started"
        return self._port

    @property
    def base_url(self) -> str:
        """What to pass as `WebClient(base_url=...)` (slack_sdk appends the method)."""
        return f"http://127.0.0.1:{self.port}/api/"

    # -- what tests use ----------------------------------------------------------

    def calls(self, method: str | None = None) -> list[Call]:
        """A snapshot of the recorded calls, optionally of one method."""
        with self._lock:
            return [c for c in self._calls if method is None or c.method == method]

    def wait_for(
        self,
        what: str | Predicate,
        count: int = 1,
        timeout: float = 10.0,
    ) -> list[Call]:
        """Block until `count` calls of a method arrived (or a predicate over all calls
        holds), then return them; bounded, woken by each recorded call.

        A predicate may also look at state outside the fake (the database), so it is
        checked again at least every 50 ms, not only when a call arrives.
        """
        deadline = time.monotonic() + timeout

        def satisfied() -> bool:
            if callable(what):
                return what(self.calls())
            return len(self.calls(what)) >= count

        with self._changed:
            while not satisfied():
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise AssertionError(
                        f"timed out after {timeout}s waiting for {what!r} x{count}; got "
                        f"{[c.method for c in self.calls()]}"
                    )
                self._changed.wait(min(remaining, 0.05) if callable(what) else remaining)
        return self.calls() if callable(what) else self.calls(what)

    def clear(self) -> None:
        """Forget the recorded calls (state such as posted messages stays)."""
        with self._changed, self._lock:
            self._calls.clear()

    def issue_trigger_id(self) -> str:
        """A trigger as Slack puts in an interaction: usable once, for `trigger_ttl` s."""
        trigger = f"{next(self._ts)}.{uuid.uuid4().int % 10**12}.{uuid.uuid4().hex[:16]}"
        with self._lock:
            self._triggers[trigger] = self.clock()
        return trigger

    def issue_response_url(self) -> str:
        """A response_url on this server: 5 posts within 30 minutes, like Slack's."""
        key = uuid.uuid4().hex
        with self._lock:
            self._response_urls[key] = (self.clock(), [])
        return f"http://127.0.0.1:{self.port}/response/{key}"

    def fail_next(
        self,
        method: str,
        count: int = 1,
        *,
        status: int | None = None,
        error: str | None = None,
        retry_after: float | None = None,
        delay: float | None = None,
        reset: bool = False,
        accept: bool = False,
    ) -> None:
        """Make the next `count` calls to `method` ("*" for any) misbehave.

        `status` answers with that HTTP status (`retry_after` alone means 429 with a
        Retry-After header); `error` alone answers `ok: false` with 200; `delay` sleeps
        first (a hang); `reset` drops the connection unanswered; `accept` lets Slack do
        the work anyway, so only the answer is lost.
        """
        if status is None and retry_after is not None:
            status = 429
        with self._lock:
            self._faults.setdefault(method, []).append(
                Fault(count, status, error, retry_after, delay, reset, accept)
            )

    def upload(self, file_id: str) -> bytes | None:
        """The bytes a client uploaded to an upload URL, if any."""
        with self._lock:
            return self._uploads.get(file_id)

    # -- internals ---------------------------------------------------------------

    def _take_fault(self, method: str) -> Fault | None:
        with self._lock:
            for key in (method, "*"):
                queue = self._faults.get(key)
                if queue:
                    fault = queue[0]
                    fault.count -= 1
                    if fault.count <= 0:
                        queue.pop(0)
                    return fault
        return None

    def _record(self, call: Call) -> None:
        with self._changed:
            with self._lock:
                self._calls.append(call)
            self._changed.notify_all()

    def _next_ts(self) -> str:
        return f"1700000000.{next(self._ts):06d}"

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

    def _authenticate(self, method: str, token: str | None) -> None:
        # Socket Mode connects with the app-level token, everything else with the bot's.
        expected = self.app_token if method == "apps.connections.open" else self.bot_token
        if token is None:
            raise SlackError("not_authed")
        if token != expected:
            raise SlackError("invalid_auth")

    def _exchange_trigger(self, trigger: str) -> None:
        """Slack takes a trigger once, within 3 s of the interaction."""
        if not trigger:
            raise SlackError("invalid_arguments", ["[ERROR] missing required field: trigger_id"])
        with self._lock:
            issued = self._triggers.get(trigger)
            if issued is None:
                raise SlackError("invalid_trigger_id")
            if trigger in self._exchanged:
                raise SlackError("exchanged_trigger_id")
            if self.clock() - issued > self.trigger_ttl:
                raise SlackError("expired_trigger_id")
            self._exchanged.add(trigger)

    # -- the Web API methods -----------------------------------------------------

    def _api_auth_test(self, args: dict[str, Any]) -> dict[str, Any]:
        return {
            "ok": True,
            "url": "https://flashticket-test.slack.com/",
            "team": "FlashTicket Test",
            "user": "flashticket",
            "team_id": "T000001",
            "user_id": "UBOT00001",
            "bot_id": "B000001",
        }

    def _api_apps_connections_open(self, args: dict[str, Any]) -> dict[str, Any]:
        return {"ok": True, "url": self.socket_mode_url}

    def _api_chat_postMessage(self, args: dict[str, Any]) -> dict[str, Any]:
        _check_message(args)
        channel = str(args.get("channel") or "")
        if not channel:
            raise SlackError("channel_not_found")
        channel = _dm_channel(channel)  # Slack posts to the app's DM with that user
        ts = self._next_ts()
        message = {"type": "message", "text": args.get("text"), "ts": ts, "user": "UBOT00001"}
        for key in ("blocks", "thread_ts"):
            if args.get(key):
                message[key] = args[key]
        with self._lock:
            self._messages[(channel, ts)] = message
        return {"ok": True, "channel": channel, "ts": ts, "message": message}

    def _api_chat_update(self, args: dict[str, Any]) -> dict[str, Any]:
        _check_message(args)
        key = (str(args.get("channel")), str(args.get("ts")))
        with self._lock:
            if key not in self._messages:
                raise SlackError("message_not_found")
            self._messages[key].update(text=args.get("text"), blocks=args.get("blocks"))
        return {"ok": True, "channel": key[0], "ts": key[1], "text": args.get("text")}

    def _api_chat_postEphemeral(self, args: dict[str, Any]) -> dict[str, Any]:
        _check_message(args)
        if not args.get("user") or not args.get("channel"):
            raise SlackError("user_not_in_channel")
        return {"ok": True, "message_ts": self._next_ts()}

    def _api_chat_getPermalink(self, args: dict[str, Any]) -> dict[str, Any]:
        channel = args.get("channel")
        message_ts = str(args.get("message_ts")).replace(".", "")
        return {
            "ok": True,
            "channel": channel,
            "permalink": f"https://flashticket-test.slack.com/archives/{channel}/p{message_ts}",
        }

    def _api_conversations_open(self, args: dict[str, Any]) -> dict[str, Any]:
        users = str(args.get("users") or "")
        if not users:
            raise SlackError("users_list_not_supplied")
        return {"ok": True, "channel": {"id": _dm_channel(users.split(",")[0])}}

    def _api_users_info(self, args: dict[str, Any]) -> dict[str, Any]:
        user = str(args.get("user") or "")
        if not user.startswith(("U", "W")):
            raise SlackError("user_not_found")
        name = user.lower()
        return {
            "ok": True,
            "user": {
                "id": user,
                "name": name,
                "real_name": f"Person {user}",
                "tz": "Europe/Berlin",
                "profile": {"display_name": name, "real_name": f"Person {user}"},
            },
        }

    def _api_reactions_add(self, args: dict[str, Any]) -> dict[str, Any]:
        return {"ok": True}

    def _api_views_open(self, args: dict[str, Any]) -> dict[str, Any]:
        self._exchange_trigger(str(args.get("trigger_id") or ""))
        return self._store_view(args, view_id=None)

    def _api_views_push(self, args: dict[str, Any]) -> dict[str, Any]:
        self._exchange_trigger(str(args.get("trigger_id") or ""))
        return self._store_view(args, view_id=None)

    def _api_views_update(self, args: dict[str, Any]) -> dict[str, Any]:
        return self._store_view(args, view_id=self._existing_view(args))

    def _api_views_publish(self, args: dict[str, Any]) -> dict[str, Any]:
        if not args.get("user_id"):
            raise SlackError("invalid_arguments", ["[ERROR] missing required field: user_id"])
        return self._store_view(args, view_id=None)

    def _existing_view(self, args: dict[str, Any]) -> str:
        """views.update names the view by view_id or external_id; both must exist."""
        view_id, external_id = args.get("view_id"), args.get("external_id")
        with self._lock:
            if view_id:
                if view_id not in self._views:
                    raise SlackError("not_found")
                return str(view_id)
            for known, known_external in self._views.items():
                if external_id and known_external == external_id:
                    return known
        raise SlackError("not_found" if external_id else "invalid_arguments")

    def _store_view(self, args: dict[str, Any], *, view_id: str | None) -> dict[str, Any]:
        view = args.get("view")
        if not isinstance(view, dict):
            raise SlackError("invalid_arguments", ["[ERROR] missing required field: view"])
        _check_view(view)
        view_id = view_id or f"V{uuid.uuid4().hex[:10].upper()}"
        with self._lock:
            self._views[view_id] = view.get("external_id")
        return {
            "ok": True,
            "view": {**view, "id": view_id, "hash": f"{time.time():.6f}"},
        }

    def _api_files_getUploadURLExternal(self, args: dict[str, Any]) -> dict[str, Any]:
        file_id = f"F{uuid.uuid4().hex[:10].upper()}"
        return {
            "ok": True,
            "upload_url": f"http://127.0.0.1:{self.port}/upload/{file_id}",
            "file_id": file_id,
        }

    def _api_files_completeUploadExternal(self, args: dict[str, Any]) -> dict[str, Any]:
        files = args.get("files")
        parsed = json.loads(files) if isinstance(files, str) else files
        if not isinstance(parsed, list) or not parsed:
            raise SlackError("invalid_arguments")
        with self._lock:
            if any(entry.get("id") not in self._uploads for entry in parsed):
                raise SlackError("file_not_found")
        return {"ok": True, "files": [{"id": e["id"], "title": e.get("title")} for e in parsed]}

    # -- outside /api --------------------------------------------------------------

    def response_url_post(self, key: str, body: dict[str, Any]) -> tuple[int, bytes]:
        """Slack accepts 5 posts to a response_url within 30 minutes, then 404."""
        now = self.clock()
        with self._lock:
            entry = self._response_urls.get(key)
            if entry is None:
                return 404, b"no_such_url"
            issued, posts = entry
            if now - issued > RESPONSE_URL_TTL:
                return 404, b"expired_url"
            if len(posts) >= RESPONSE_URL_POSTS:
                return 404, b"used_url"
            posts.append(now)
        if not body.get("delete_original"):
            try:
                _check_message(body)
            except SlackError as refusal:
                return 400, refusal.error.encode()
        return 200, b"ok"

    def store_upload(self, file_id: str, raw: bytes) -> None:
        """Keep the bytes posted to an upload URL for files.completeUploadExternal."""
        with self._lock:
            self._uploads[file_id] = raw


def _dm_channel(user_or_channel: str) -> str:
    """The app's DM with a user is a stable D… id; channel ids pass through."""
    if user_or_channel.startswith(("U", "W")):
        return "D" + user_or_channel[1:]
    return user_or_channel


def _token(args: dict[str, Any], headers: dict[str, str]) -> str | None:
    authorization = headers.get("authorization", "")
    if authorization.lower().startswith("bearer "):
        return authorization[7:].strip() or None
    token = args.get("token")
    return str(token) if token else None


# -- Block Kit limits -------------------------------------------------------------


def _text_of(value: Any) -> str:
    if isinstance(value, dict):
        return str(value.get("text", ""))
    return str(value or "")


def _check_message(args: dict[str, Any]) -> None:
    """A message needs text, blocks or attachments, and blocks within the limits."""
    blocks = args.get("blocks")
    if not args.get("text") and not blocks and not args.get("attachments"):
        raise SlackError("no_text")
    if blocks:
        _check_blocks(blocks, MESSAGE_BLOCKS_MAX)


def _check_view(view: dict[str, Any]) -> None:
    """Modal title/submit/close and private_metadata limits, then the blocks."""
    for key in ("title", "submit", "close"):
        if key in view and len(_text_of(view[key])) > MODAL_TEXT_MAX:
            raise BlockError(f"view {key} longer than {MODAL_TEXT_MAX} characters")
    if len(str(view.get("private_metadata") or "")) > PRIVATE_METADATA_MAX:
        raise BlockError(f"private_metadata longer than {PRIVATE_METADATA_MAX} characters")
    _check_blocks(view.get("blocks") or [], VIEW_BLOCKS_MAX)


def _check_blocks(blocks: Any, limit: int) -> None:
    if not isinstance(blocks, list):
        raise BlockError("blocks must be a list")
    if len(blocks) > limit:
        raise BlockError(f"{len(blocks)} blocks, more than {limit}")
    block_ids: set[str] = set()
    for index, block in enumerate(blocks):
        if not isinstance(block, dict) or "type" not in block:
            raise BlockError(f"block {index} has no type")
        block_id = block.get("block_id")
        if block_id is not None:
            if block_id in block_ids:
                raise BlockError(f"duplicate block_id {block_id}")
            block_ids.add(block_id)
        _check_block(block)


def _check_block(block: dict[str, Any]) -> None:
    if block["type"] == "section":
        if len(_text_of(block.get("text"))) > SECTION_TEXT_MAX:
            raise BlockError(f"section text longer than {SECTION_TEXT_MAX} characters")
        for item in block.get("fields") or []:
            if len(_text_of(item)) > SECTION_FIELD_MAX:
                raise BlockError(f"section field longer than {SECTION_FIELD_MAX} characters")
    elements = list(block.get("elements") or [])
    elements += [block[key] for key in ("accessory", "element") if key in block]
    action_ids: set[str] = set()
    for element in elements:
        if not isinstance(element, dict):
            continue
        _check_element(element)
        action_id = element.get("action_id")
        if action_id is not None:
            if action_id in action_ids:
                raise BlockError(f"duplicate action_id {action_id} in one block")
            action_ids.add(action_id)


def _check_element(element: dict[str, Any]) -> None:
    if len(str(element.get("action_id") or "")) > ACTION_ID_MAX:
        raise BlockError(f"action_id longer than {ACTION_ID_MAX} characters")
    if element.get("type") == "button":
        if len(_text_of(element.get("text"))) > BUTTON_TEXT_MAX:
            raise BlockError(f"button text longer than {BUTTON_TEXT_MAX} characters")
        if len(str(element.get("value") or "")) > BUTTON_VALUE_MAX:
            raise BlockError(f"button value longer than {BUTTON_VALUE_MAX} characters")
    options = element.get("options")
    if options is not None:
        _check_options(options)


def _check_options(options: list[dict[str, Any]]) -> None:
    if len(options) > OPTIONS_MAX:
        raise BlockError(f"{len(options)} options, more than {OPTIONS_MAX}")
    for option in options:
        if len(_text_of(option.get("text"))) > OPTION_TEXT_MAX:
            raise BlockError(f"option text longer than {OPTION_TEXT_MAX} characters")
        if len(str(option.get("value") or "")) > OPTION_VALUE_MAX:
            raise BlockError(f"option value longer than {OPTION_VALUE_MAX} characters")


# -- HTTP ---------------------------------------------------------------------------


class _Handler(BaseHTTPRequestHandler):
    slack: FakeSlack
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: a test's output should be the test's."""

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length)
        headers = {k.lower(): v for k, v in self.headers.items()}
        path = self.path.split("?")[0]
        if path.startswith("/upload/"):
            self._upload(path.rsplit("/", 1)[1], raw, headers)
        elif path.startswith("/response/"):
            self._response_url(path.rsplit("/", 1)[1], raw, headers)
        elif path.startswith("/api/"):
            self._api(path[len("/api/") :], raw, headers)
        else:
            self._send(404, b"not found", "text/plain")

    def _upload(self, file_id: str, raw: bytes, headers: dict[str, str]) -> None:
        self.slack.store_upload(file_id, raw)
        args = {"file_id": file_id, "size": len(raw)}
        self.slack._record(Call("upload", args, headers, time.time(), {"ok": True}))
        self._send(200, b"OK", "text/plain")

    def _response_url(self, key: str, raw: bytes, headers: dict[str, str]) -> None:
        try:
            body = json.loads(raw or b"{}")
        except ValueError:
            body = None
        if not isinstance(body, dict):
            status, answer = 400, b"invalid_payload"
            body = {"raw": raw.decode("utf-8", errors="replace")}
        else:
            status, answer = self.slack.response_url_post(key, body)
        response: dict[str, Any] = {"ok": status == 200}
        if status != 200:
            response["error"] = answer.decode()
        self.slack._record(Call("response_url", body, headers, time.time(), response))
        self._send(status, answer, "text/plain")

    def _api(self, method: str, raw: bytes, headers: dict[str, str]) -> None:
        try:
            args = _parse_args(raw, headers.get("content-type", ""))
        except SlackError as refusal:
            call = Call(method, {}, headers, time.time(), refusal.answer())
            self.slack._record(call)
            self._send_json(call.response)
            return
        call = Call(method, args, headers, time.time())
        fault = self.slack._take_fault(method)
        if fault is not None:
            call.faulted = True
            if fault.accept:
                call.response = self.slack.handle(method, args, headers)
            self.slack._record(call)
            self._fault(fault)
            return
        call.response = self.slack.handle(method, args, headers)
        self.slack._record(call)
        self._send_json(call.response)

    def _fault(self, fault: Fault) -> None:
        if fault.delay:
            self.slack._stopping.wait(fault.delay)
        if fault.reset:
            # SO_LINGER 0: the client sees a connection reset, not a clean close.
            linger = struct.pack("ii", 1, 0)
            with contextlib.suppress(OSError):
                self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, linger)
                self.connection.close()
            self.close_connection = True
            return
        body = {"ok": False, "error": fault.error or "internal_error"}
        if fault.status is None:
            self._send_json(body)
            return
        body["error"] = fault.error or ("ratelimited" if fault.status == 429 else "fault")
        extra = {}
        if fault.retry_after is not None:
            extra["Retry-After"] = str(int(fault.retry_after))
        self._send(fault.status, json.dumps(body).encode(), "application/json", extra)

    def _send_json(self, body: dict[str, Any]) -> None:
        self._send(200, json.dumps(body).encode(), "application/json; charset=utf-8")

    def _send(
        self, status: int, body: bytes, content_type: str, extra: dict[str, str] | None = None
    ) -> None:
        try:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            for name, value in (extra or {}).items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(body)
        except OSError:
            self.close_connection = True


def _parse_args(raw: bytes, content_type: str) -> dict[str, Any]:
    """Arguments from a JSON or form body, JSON-valued form fields decoded."""
    text = raw.decode("utf-8", errors="replace")
    args: dict[str, Any]
    if "application/json" in content_type:
        try:
            loaded = json.loads(text or "{}")
        except ValueError:
            raise SlackError("invalid_json") from None
        args = loaded if isinstance(loaded, dict) else {}
    else:
        args = {key: values[-1] for key, values in parse_qs(text, keep_blank_values=True).items()}
    for key in JSON_FIELDS:
        if isinstance(args.get(key), str):
            with contextlib.suppress(ValueError):
                args[key] = json.loads(args[key])
    return args


def main() -> None:
    """Run the fake on its own (benchmarks): prints its base URL, serves until stdin closes."""
    import sys

    with FakeSlack() as fake:
        print(fake.base_url, flush=True)
        sys.stdin.read()


if __name__ == "__main__":
    main()
