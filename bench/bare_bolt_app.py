"""The baseline for bench/http_bench.py: a Bolt app that acks and writes one row.

It runs behind the same HTTP server (bot/front.py, one worker in this process) and HTTP
edge (bot/http_server.py) as FlashTicket, so the difference measured is FlashTicket's own
work. Configured by the environment
(PORT, DATABASE_URL, SLACK_API_URL, SLACK_SIGNING_SECRET); serves until SIGTERM.
"""

from __future__ import annotations

import os
import signal
import threading
from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient
from sqlalchemy import Column, Integer, MetaData, String, Table, insert

from bot.front import FrontServer
from bot.http_server import SlackWsgi
from flashticket_core.adapters.db import make_engine


def main() -> None:
    secret = os.environ["SLACK_SIGNING_SECRET"]
    engine = make_engine(os.environ["DATABASE_URL"])
    metadata = MetaData()
    rows = Table(
        "rows", metadata, Column("id", Integer, primary_key=True), Column("user_id", String(32))
    )
    metadata.create_all(engine)
    app = App(
        client=WebClient(token="xoxb-test-token", base_url=os.environ["SLACK_API_URL"]),
        signing_secret=secret,
        process_before_response=True,
        token_verification_enabled=False,
    )

    def write_row(user_id: str) -> None:
        with engine.begin() as connection:
            connection.execute(insert(rows).values(user_id=user_id))

    @app.command("/ticket")
    def command(ack: Ack, body: dict[str, Any]) -> None:
        write_row(body["user_id"])
        ack(text="ok")

    @app.view("new_ticket")
    def submission(ack: Ack, body: dict[str, Any]) -> None:
        write_row(body["user"]["id"])
        ack()

    server = FrontServer(
        SlackWsgi(app, engine, secret), host="127.0.0.1", port=int(os.environ["PORT"])
    )
    signal.signal(signal.SIGTERM, lambda *_: threading.Thread(target=server.stop).start())
    server.serve_forever()


if __name__ == "__main__":
    main()
