"""The fastest baseline for bench/http_bench.py: a Bolt `AsyncApp` on its own aiohttp
server that verifies Slack's signature, acks and writes one SQLite row.

One process, one event loop; the row is written with the standard library's sqlite3 in
the loop (a commit in WAL mode takes microseconds). Configured by the environment (PORT,
DATABASE_URL as sqlite:///FILE, SLACK_API_URL, SLACK_SIGNING_SECRET); GET /healthz
answers 200; serves until SIGTERM.
"""

from __future__ import annotations

import os
import sqlite3
from typing import Any

from aiohttp import web
from slack_bolt.async_app import AsyncAck, AsyncApp
from slack_sdk.web.async_client import AsyncWebClient


def main() -> None:
    database = sqlite3.connect(
        os.environ["DATABASE_URL"].removeprefix("sqlite:///"), isolation_level=None
    )
    database.execute("PRAGMA journal_mode=WAL")
    database.execute("PRAGMA synchronous=NORMAL")
    database.execute("CREATE TABLE IF NOT EXISTS rows (id INTEGER PRIMARY KEY, user_id TEXT)")
    app = AsyncApp(
        client=AsyncWebClient(token="xoxb-test-token", base_url=os.environ["SLACK_API_URL"]),
        signing_secret=os.environ["SLACK_SIGNING_SECRET"],
        process_before_response=True,
    )

    def write_row(user_id: str) -> None:
        database.execute("INSERT INTO rows (user_id) VALUES (?)", (user_id,))

    @app.command("/ticket")
    async def command(ack: AsyncAck, body: dict[str, Any]) -> None:
        write_row(body["user_id"])
        await ack(text="ok")

    @app.view("new_ticket")
    async def submission(ack: AsyncAck, body: dict[str, Any]) -> None:
        write_row(body["user"]["id"])
        await ack()

    async def health(_request: web.Request) -> web.Response:
        return web.Response(text="ok")

    server = app.web_app(path="/slack/events")
    server.router.add_get("/healthz", health)
    # aiohttp stops on SIGTERM by itself (GracefulExit).
    web.run_app(server, host="127.0.0.1", port=int(os.environ["PORT"]), print=None)


if __name__ == "__main__":
    main()
