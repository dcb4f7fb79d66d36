"""A fake Slack Web API on 127.0.0.1 (port 0) that records every call and is strict
where Slack is strict, so a layout mistake fails in a test and not in a workspace.

The real `slack_sdk.WebClient` talks to it over HTTP (`base_url=fake.base_url`).
Faults can be injected per method: HTTP 500, 429 with Retry-After, an `ok: false`
error, a hang longer than the client's timeout, or a connection reset.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import socket
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs

JSON_FIELDS = ("blocks", "view", "attachments", "metadata")

MODAL_TEXT_MAX = 24
MESSAGE_BLOCKS_MAX = 50
VIEW_BLOCKS_MAX = 100
SECTION_TEXT_MAX = 3000
BUTTON_TEXT_MAX = 75
BUTTON_VALUE_MAX = 2000
ACTION_ID_MAX = 255
OPTION_TEXT_MAX = 75
OPTION_VALUE_MAX = 150
OPTIONS_MAX = 100
PRIVATE_METADATA_MAX = 3000
RESPONSE_URL_POSTS = 5


@dataclass
class Call:
    method: str
    args: dict[str, Any]
    headers: dict[str, str]
    at: float
    response: dict[str, Any] = field(default_factory=dict)
    faulted: bool = False

    @property
    def ok(self) -> bool:
        return bool(self.response.get("ok"))


@dataclass
class Fault:
    count: int
    status: int | None = None
    error: str | None = None
    retry_after: float | None = None
    delay: float | None = None
    reset: bool = False
    # Slack did the work (the message is posted) but the answer is late or lost:
    # the window in which a sender that dies cannot know it succeeded.
    accept: bool = False


class BlockError(ValueError):
    """A Block Kit limit Slack would refuse with invalid_blocks."""


class FakeSlack:
    def __init__(
        self,
        bot_token: str = "xoxb-test-token",
        *,
        app_token: str = "xapp-test-token",
        trigger_ttl: float = 3.0,
        clock: Callable[[], float] = time.monotonic,
        port: int = 0,
    ) -> None:
        self._requested_port = port
        self.bot_token = bot_token
        self.app_token = app_token
        self.trigger_ttl = trigger_ttl
        self.clock = clock
        self.socket_mode_url = "ws://127.0.0.1:1/"
        self._calls: list[Call] = []
        self._changed = threading.Condition()
        self._lock = threading.Lock()
        self._faults: dict[str, list[Fault]] = {}
        self._ts = itertools.count(1)
        self._triggers: dict[str, float] = {}
        self._response_urls: dict[str, list[float]] = {}
        self._messages: dict[tuple[str, str], dict[str, Any]] = {}
        self._uploads: dict[str, bytes] = {}
        self._stopping = threading.Event()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # -- lifecycle ---------------------------------------------------------------

    def start(self) -> FakeSlack:
        fake = self

        class Handler(_Handler):
            slack = fake

        self._server = ThreadingHTTPServer(("127.0.0.1", self._requested_port), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopping.set()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._requested_port = self.port
            self._server = None

    def restart(self) -> None:
        """Come back on the same port after `stop()` (a Slack outage that ends)."""
        self._stopping.clear()
        self.start()

    def __enter__(self) -> FakeSlack:
        return self.start()

    def __exit__(self, *_: object) -> None:
        self.stop()

    @property
    def port(self) -> int:
        if self._server is None:
            return self._requested_port
        return int(self._server.server_address[1])

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/api/"

    # -- what tests use ----------------------------------------------------------

    def calls(self, method: str | None = None) -> list[Call]:
        with self._lock:
            return [c for c in self._calls if method is None or c.method == method]

    def wait_for(
        self,
        what: str | Callable[[list[Call]], bool],
        count: int = 1,
        timeout: float = 10.0,
    ) -> list[Call]:
        """Block until `count` calls of a method arrived (or a predicate holds), bounded."""
        deadline = time.monotonic() + timeout

        def satisfied() -> bool:
            if callable(what):
                return what(list(self._calls))
            return sum(1 for c in self._calls if c.method == what) >= count

        with self._changed:
            while not satisfied():
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise AssertionError(
                        f"timed out waiting for {what!r} x{count}; got "
                        f"{[c.method for c in self._calls]}"
                    )
                # A predicate may also look at state outside the fake (the database),
                # so it is checked again at least every 50 ms, not only on new calls.
                self._changed.wait(min(remaining, 0.05) if callable(what) else remaining)
            return [c for c in self._calls if callable(what) or c.method == what]

    def clear(self) -> None:
        with self._lock:
            self._calls.clear()

    def issue_trigger_id(self) -> str:
        trigger = f"{next(self._ts)}.{uuid.uuid4().hex[:12]}"
        with self._lock:
            self._triggers[trigger] = self.clock()
        return trigger

    def issue_response_url(self) -> str:
        key = uuid.uuid4().hex
        with self._lock:
            self._response_urls[key] = []
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
        with self._lock:
            self._faults.setdefault(method, []).append(
                Fault(count, status, error, retry_after, delay, reset, accept)
            )

    def upload(self, file_id: str) -> bytes | None:
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
        token = _token(args, headers)
        if method == "apps.connections.open":
            if token != self.app_token:
                return {"ok": False, "error": "invalid_auth"}
            return {"ok": True, "url": self.socket_mode_url}
        if token is None:
            return {"ok": False, "error": "not_authed"}
        if token != self.bot_token:
            return {"ok": False, "error": "invalid_auth"}
        handler = getattr(self, "_api_" + method.replace(".", "_"), None)
        if handler is None:
            return {"ok": False, "error": "unknown_method"}
        try:
            result: dict[str, Any] = handler(args)
        except BlockError as problem:
            return {
                "ok": False,
                "error": "invalid_blocks",
                "response_metadata": {"messages": [f"[ERROR] {problem}"]},
            }
        return result

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

    def _api_chat_postMessage(self, args: dict[str, Any]) -> dict[str, Any]:
        _check_message(args)
        channel = str(args.get("channel") or "")
        if not channel:
            return {"ok": False, "error": "channel_not_found"}
        if channel.startswith(("U", "W")):
            channel = "D" + channel[1:]  # Slack posts to the app's DM with that user
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
                return {"ok": False, "error": "message_not_found"}
            self._messages[key].update(text=args.get("text"), blocks=args.get("blocks"))
        return {"ok": True, "channel": key[0], "ts": key[1], "text": args.get("text")}

    def _api_chat_postEphemeral(self, args: dict[str, Any]) -> dict[str, Any]:
        _check_message(args)
        if not args.get("user") or not args.get("channel"):
            return {"ok": False, "error": "user_not_in_channel"}
        return {"ok": True, "message_ts": self._next_ts()}

    def _api_chat_getPermalink(self, args: dict[str, Any]) -> dict[str, Any]:
        return {
            "ok": True,
            "channel": args.get("channel"),
            "permalink": f"https://flashticket-test.slack.com/archives/{args.get('channel')}/p{str(args.get('message_ts')).replace('.', '')}",
        }

    def _api_conversations_open(self, args: dict[str, Any]) -> dict[str, Any]:
        users = str(args.get("users") or "")
        if not users:
            return {"ok": False, "error": "users_list_not_supplied"}
        return {"ok": True, "channel": {"id": "D" + users.split(",")[0][1:]}}

    def _api_users_info(self, args: dict[str, Any]) -> dict[str, Any]:
        user = str(args.get("user") or "")
        if not user.startswith(("U", "W")):
            return {"ok": False, "error": "user_not_found"}
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

    def _open_view(self, args: dict[str, Any], *, needs_trigger: bool) -> dict[str, Any]:
        if needs_trigger:
            trigger = str(args.get("trigger_id") or "")
            with self._lock:
                issued = self._triggers.pop(trigger, None)
            if issued is None:
                # Unknown, or used before: Slack takes a trigger once.
                return {
                    "ok": False,
                    "error": "invalid_trigger_id" if trigger else "missing_trigger",
                }
            if self.clock() - issued > self.trigger_ttl:
                return {"ok": False, "error": "expired_trigger_id"}
        view = args.get("view")
        if not isinstance(view, dict):
            return {"ok": False, "error": "invalid_arguments"}
        _check_view(view)
        return {
            "ok": True,
            "view": {
                **view,
                "id": f"V{uuid.uuid4().hex[:10].upper()}",
                "hash": f"{time.time():.6f}",
            },
        }

    def _api_views_open(self, args: dict[str, Any]) -> dict[str, Any]:
        return self._open_view(args, needs_trigger=True)

    def _api_views_push(self, args: dict[str, Any]) -> dict[str, Any]:
        return self._open_view(args, needs_trigger=True)

    def _api_views_update(self, args: dict[str, Any]) -> dict[str, Any]:
        return self._open_view(args, needs_trigger=False)

    def _api_views_publish(self, args: dict[str, Any]) -> dict[str, Any]:
        if not args.get("user_id"):
            return {"ok": False, "error": "invalid_arguments"}
        return self._open_view(args, needs_trigger=False)

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
            return {"ok": False, "error": "invalid_arguments"}
        for entry in parsed:
            if entry.get("id") not in self._uploads:
                return {"ok": False, "error": "file_not_found"}
        return {"ok": True, "files": [{"id": e["id"], "title": e.get("title")} for e in parsed]}

    def response_url_post(self, key: str, body: dict[str, Any]) -> tuple[int, bytes]:
        now = self.clock()
        with self._lock:
            posts = self._response_urls.get(key)
            if posts is None:
                return 404, b"no_such_url"
            recent = [t for t in posts if now - t < 30 * 60]
            if len(recent) >= RESPONSE_URL_POSTS:
                return 404, b"used_url"
            posts.append(now)
        _check_message(body)
        return 200, b"ok"


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
    blocks = args.get("blocks")
    if not args.get("text") and not blocks and not args.get("attachments"):
        raise BlockError("no_text: a message needs text or blocks")
    if blocks:
        _check_blocks(blocks, MESSAGE_BLOCKS_MAX)


def _check_view(view: dict[str, Any]) -> None:
    for key in ("title", "submit", "close"):
        if key in view and len(_text_of(view[key])) > MODAL_TEXT_MAX:
            raise BlockError(f"view {key} longer than {MODAL_TEXT_MAX} characters")
    if len(str(view.get("private_metadata") or "")) > PRIVATE_METADATA_MAX:
        raise BlockError("private_metadata longer than 3000 characters")
    limit = VIEW_BLOCKS_MAX
    _check_blocks(view.get("blocks") or [], limit)


def _check_blocks(blocks: Any, limit: int) -> None:
    if not isinstance(blocks, list):
        raise BlockError("blocks must be a list")
    if len(blocks) > limit:
        raise BlockError(f"{len(blocks)} blocks, more than {limit}")
    block_ids: set[str] = set()
    for block in blocks:
        if not isinstance(block, dict) or "type" not in block:
            raise BlockError("a block without a type")
        block_id = block.get("block_id")
        if block_id is not None:
            if block_id in block_ids:
                raise BlockError(f"duplicate block_id {block_id}")
            block_ids.add(block_id)
        if block["type"] == "section":
            if len(_text_of(block.get("text"))) > SECTION_TEXT_MAX:
                raise BlockError("section text longer than 3000 characters")
            for item in block.get("fields") or []:
                if len(_text_of(item)) > 2000:
                    raise BlockError("section field longer than 2000 characters")
        elements = list(block.get("elements") or [])
        if "accessory" in block:
            elements.append(block["accessory"])
        if "element" in block:
            elements.append(block["element"])
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
        raise BlockError("action_id longer than 255 characters")
    if element.get("type") == "button":
        if len(_text_of(element.get("text"))) > BUTTON_TEXT_MAX:
            raise BlockError("button text longer than 75 characters")
        if len(str(element.get("value") or "")) > BUTTON_VALUE_MAX:
            raise BlockError("button value longer than 2000 characters")
    options = element.get("options")
    if options is not None:
        if len(options) > OPTIONS_MAX:
            raise BlockError("more than 100 options")
        for option in options:
            if len(_text_of(option.get("text"))) > OPTION_TEXT_MAX:
                raise BlockError("option text longer than 75 characters")
            if len(str(option.get("value") or "")) > OPTION_VALUE_MAX:
                raise BlockError("option value longer than 150 characters")


# -- HTTP ---------------------------------------------------------------------------


class _Handler(BaseHTTPRequestHandler):
    slack: FakeSlack
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length)
        headers = {k.lower(): v for k, v in self.headers.items()}
        path = self.path.split("?")[0]
        if path.startswith("/upload/"):
            self.slack._uploads[path.rsplit("/", 1)[1]] = raw
            self.slack._record(
                Call(
                    "upload",
                    {"file_id": path.rsplit("/", 1)[1], "size": len(raw)},
                    headers,
                    time.time(),
                    {"ok": True},
                )
            )
            self._send(200, b"OK", "text/plain")
            return
        if path.startswith("/response/"):
            body = json.loads(raw or b"{}")
            status, answer = self.slack.response_url_post(path.rsplit("/", 1)[1], body)
            self.slack._record(
                Call("response_url", body, headers, time.time(), {"ok": status == 200})
            )
            self._send(status, answer, "text/plain")
            return
        if not path.startswith("/api/"):
            self._send(404, b"not found", "text/plain")
            return
        method = path[len("/api/") :]
        args = _parse_args(raw, headers.get("content-type", ""))
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
        self._send(200, json.dumps(call.response).encode(), "application/json; charset=utf-8")

    def _fault(self, fault: Fault) -> None:
        if fault.delay:
            self.slack._stopping.wait(fault.delay)
        if fault.reset:
            # SO_LINGER 0: the client sees a connection reset, not a clean close.
            self.connection.setsockopt(
                socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00"
            )
            self.connection.close()
            self.close_connection = True
            return
        if fault.status is not None:
            body = json.dumps({"ok": False, "error": fault.error or "fault"}).encode()
            extra = (
                {"Retry-After": str(int(fault.retry_after))}
                if fault.retry_after is not None
                else {}
            )
            self._send(fault.status, body, "application/json", extra)
            return
        body = json.dumps({"ok": False, "error": fault.error or "internal_error"}).encode()
        self._send(200, body, "application/json")

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
    text = raw.decode("utf-8", errors="replace")
    args: dict[str, Any]
    if "application/json" in content_type:
        loaded = json.loads(text or "{}")
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
