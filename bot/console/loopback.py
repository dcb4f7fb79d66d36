"""The workspace served over HTTP on 127.0.0.1, where slack_sdk's WebClient reaches it.

`/api/<method>` is the Web API, `/upload/<file id>` the upload URLs that
files.getUploadURLExternal hands out, `/response/<key>` the response URLs of
interactions. Port 0 by default, so two servers never collide; `start()` after
`stop()` serves on the same port again, like a Slack outage that ends.
"""

from __future__ import annotations

import contextlib
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from bot.console.refusals import SlackError
from bot.console.workspace import Call, Workspace

# Form bodies carry these as JSON strings; decoded so calls can be read as structures.
JSON_FIELDS = ("blocks", "view", "attachments", "metadata", "files")


class WebApiHandler(BaseHTTPRequestHandler):
    """One HTTP request to the workspace; every Web API call is recorded."""

    workspace: Workspace
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: the console prints what people see, the tests their own output."""

    def do_GET(self) -> None:
        headers = {k.lower(): v for k, v in self.headers.items()}
        url = urlsplit(self.path)
        if not url.path.startswith("/files-pri/"):
            self.send(404, b"not found", "text/plain")
            return
        content_type, body = self.workspace.download(url.path, headers.get("authorization", ""))
        response = {"ok": not content_type.startswith("text/html"), "size": len(body)}
        self.workspace.record(Call("download", {"path": url.path}, headers, time.time(), response))
        self.send(200, body, content_type)

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length)
        headers = {k.lower(): v for k, v in self.headers.items()}
        url = urlsplit(self.path)
        if url.path.startswith("/upload/"):
            self._upload(url.path.rsplit("/", 1)[1], raw, headers)
        elif url.path.startswith("/response/"):
            self._response_url(url.path.rsplit("/", 1)[1], raw, headers)
        elif url.path.startswith("/api/"):
            self._api(url.path[len("/api/") :], url.query, raw, headers)
        else:
            self.send(404, b"not found", "text/plain")

    def _upload(self, file_id: str, raw: bytes, headers: dict[str, str]) -> None:
        stored = self.workspace.store_upload(file_id, raw)
        response: dict[str, Any] = {"ok": True} if stored else {"ok": False, "error": "not_found"}
        args = {"file_id": file_id, "size": len(raw)}
        self.workspace.record(Call("upload", args, headers, time.time(), response))
        if stored:
            self.send(200, b"OK", "text/plain")
        else:
            self.send(404, b"not found", "text/plain")

    def _response_url(self, key: str, raw: bytes, headers: dict[str, str]) -> None:
        try:
            body = json.loads(raw or b"{}")
        except ValueError:
            body = None
        if not isinstance(body, dict):
            status, answer = 400, b"invalid_payload"
            body = {"raw": raw.decode("utf-8", errors="replace")}
        else:
            status, answer = self.workspace.response_url_post(key, body)
        response: dict[str, Any] = {"ok": status == 200}
        if status != 200:
            response["error"] = answer.decode()
        self.workspace.record(Call("response_url", body, headers, time.time(), response))
        self.send(status, answer, "text/plain")

    def _api(self, method: str, query: str, raw: bytes, headers: dict[str, str]) -> None:
        try:
            args = parse_args(query, raw, headers.get("content-type", ""))
        except SlackError as refusal:
            call = Call(method, {}, headers, time.time(), refusal.answer())
            self.workspace.record(call)
            self.send_json(call.response)
            return
        self.answer(Call(method, args, headers, time.time()))

    def answer(self, call: Call) -> None:
        """Answer and record one Web API call (the tests' fake overrides this for faults)."""
        call.response = self.workspace.handle(call.method, call.args, call.headers)
        self.workspace.record(call)
        self.send_json(call.response)

    def send_json(self, body: dict[str, Any]) -> None:
        # Slack names the token's scopes on every Web API answer.
        scopes = {"x-oauth-scopes": ",".join(self.workspace.scopes)}
        self.send(200, json.dumps(body).encode(), "application/json; charset=utf-8", scopes)

    def send(
        self, status: int, body: bytes, content_type: str, extra: dict[str, str] | None = None
    ) -> None:
        # One write per response: separate header and body segments can stall on
        # keep-alive connections (Nagle and delayed ACK).
        head = [f"{self.protocol_version} {status} {self.responses.get(status, ('',))[0]}"]
        head += [f"Content-Type: {content_type}", f"Content-Length: {len(body)}"]
        head += [f"{name}: {value}" for name, value in (extra or {}).items()]
        try:
            self.wfile.write(("\r\n".join(head) + "\r\n\r\n").encode("latin-1") + body)
        except OSError:
            self.close_connection = True


def parse_args(query: str, raw: bytes, content_type: str) -> dict[str, Any]:
    """Arguments from the query string and a JSON or form body, JSON-valued fields decoded."""
    args: dict[str, Any] = {key: values[-1] for key, values in parse_qs(query).items()}
    text = raw.decode("utf-8", errors="replace")
    if "application/json" in content_type:
        try:
            loaded = json.loads(text or "{}")
        except ValueError:
            raise SlackError("invalid_json") from None
        if isinstance(loaded, dict):
            args.update(loaded)
    else:
        form = parse_qs(text, keep_blank_values=True)
        args.update({key: values[-1] for key, values in form.items()})
    for key in JSON_FIELDS:
        if isinstance(args.get(key), str):
            with contextlib.suppress(ValueError):
                args[key] = json.loads(args[key])
    return args


class _Server(ThreadingHTTPServer):
    # Slack takes every connection; socketserver's backlog of 5 would refuse a burst's
    # (the delivery worker, locale look-ups and a test's own calls at once).
    request_queue_size = 128


class LoopbackServer:
    """Serves one workspace on 127.0.0.1 until stopped."""

    def __init__(self, workspace: Workspace, handler: type[WebApiHandler] = WebApiHandler) -> None:
        self.workspace = workspace
        self._handler = handler
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._port = 0

    def start(self) -> LoopbackServer:
        handler = type("Handler", (self._handler,), {"workspace": self.workspace})
        self._server = _Server(("127.0.0.1", self._port), handler)
        self._server.daemon_threads = True
        self._port = int(self._server.server_address[1])
        self.workspace.origin = f"http://127.0.0.1:{self._port}"
        # A short poll interval keeps stop() quick: shutdown() waits for one poll.
        self._thread = threading.Thread(
            target=self._server.serve_forever, args=(0.02,), name="slack-workspace", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._server = None
        self._thread = None

    def __enter__(self) -> LoopbackServer:
        return self.start()

    def __exit__(self, *_: object) -> None:
        self.stop()

    @property
    def port(self) -> int:
        assert self._port, "the workspace was never served"
        return self._port

    @property
    def base_url(self) -> str:
        """What to pass as `WebClient(base_url=...)` (slack_sdk appends the method)."""
        return f"http://127.0.0.1:{self.port}/api/"
