"""What the HTTP edge's checks cost per request, against a baseline in the same run.

The baseline is what any Slack app must do before it can trust a request: check the
signature (slack_sdk's SignatureVerifier) and parse the body once (form, then JSON).
The edge does that and more: bounds the nesting, refuses lone surrogates and NUL, and
validates the payload into its typed model (every field Bolt and the listeners read). Measured on the payloads of
bench/http_bench.py (a new-ticket submission, `/ticket list`) and on a card click and a
DM-thread reply, each a real Slack shape. Pure CPU, no server: the figure is the edge's
own share of an ack.

Run:  .venv/bin/python bench/edge_bench.py [--repeat 20000]
Prints microseconds per request for the baseline and the edge, and their difference.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from urllib.parse import parse_qs

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from slack_sdk.signature import SignatureVerifier

from bot import blocks
from bot.request_checks import Rejection, verify
from flashticket_core.i18n import Language
from tests.slack_requests import (
    block_action,
    command_body,
    dm_thread_reply,
    event_envelope,
    interaction_body,
    sign,
    view_submission,
)

SECRET = "bench-signing-secret"
FORM = "application/x-www-form-urlencoded"


def cases() -> dict[str, tuple[str, bytes]]:
    modal = blocks.new_ticket_modal(Language.EN, title="")
    submission = view_submission(
        "UBENCH0001",
        modal,
        {
            "title": {"type": "plain_text_input", "value": "VPN drops every hour"},
            "description": {"type": "plain_text_input", "value": "Since Monday. " * 20},
            "priority": {"type": "static_select", "selected_option": {"value": "high"}},
        },
    )
    click = block_action("UBENCH0001", blocks.TAKE, value=blocks.action_value(1, 1))
    reply = event_envelope(dm_thread_reply("UBENCH0001", "D0BENCH01", "1.0", "It is back."))
    return {
        "create (view_submission)": (FORM, interaction_body(submission)),
        "list (slash command)": (FORM, command_body("/ticket", "list", "UBENCH0001")),
        "card click (block_actions)": (FORM, interaction_body(click)),
        "DM reply (event)": ("application/json", json.dumps(reply).encode()),
    }


def baseline(content_type: str, body: bytes, headers: dict[str, str]) -> object:
    """Signature and one parse: the least a Slack app does."""
    text = body.decode("utf-8")
    verifier = SignatureVerifier(SECRET)
    if not verifier.is_valid(
        text, headers["x-slack-request-timestamp"], headers["x-slack-signature"]
    ):
        raise AssertionError("bad signature")
    if content_type == "application/json":
        return json.loads(text)
    form = parse_qs(text)
    return json.loads(form["payload"][0]) if "payload" in form else form


def edge(content_type: str, body: bytes, headers: dict[str, str]) -> object:
    checked = verify({**headers, "content-type": content_type}, body, SECRET)
    if isinstance(checked, Rejection):
        raise AssertionError(checked.reason)
    return checked


def per_call_us(run: Callable[[], object], repeat: int) -> float:
    """The median of five rounds, in microseconds per call."""
    rounds = []
    for _ in range(5):
        start = time.perf_counter()
        for _ in range(repeat):
            run()
        rounds.append((time.perf_counter() - start) / repeat * 1e6)
    return statistics.median(rounds)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=20000)
    args = parser.parse_args()
    print(f"{args.repeat} calls per round, median of 5 rounds, one process\n")
    print(f"{'payload':30} {'bytes':>6} {'baseline µs':>12} {'edge µs':>9} {'extra µs':>9}")
    for name, (content_type, body) in cases().items():
        headers = {k.lower(): v for k, v in sign(body, SECRET).items()}
        edge(content_type, body, headers)  # fails loudly if the case is not accepted
        base = per_call_us(partial(baseline, content_type, body, headers), args.repeat)
        full = per_call_us(partial(edge, content_type, body, headers), args.repeat)
        print(f"{name:30} {len(body):6} {base:12.1f} {full:9.1f} {full - base:9.1f}")


if __name__ == "__main__":
    main()
