"""The fake Slack Web API, driven by the real slack_sdk WebClient over HTTP.

The other tests trust the fake to refuse what Slack refuses and to answer what Slack
answers; these tests are why that trust is earned. The fake is the console's workspace
(bot.console.workspace) with the tests' token, so they hold for `flashticket shell` too.
"""

from __future__ import annotations

import json
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.console.loopback import LoopbackServer
from bot.console.workspace import Workspace
from tests.fakes.slack_api import Call, FakeSlack

TOKEN = "xoxb-test-token"


class Clock:
    """Monotonic seconds the test moves by hand, so expiry needs no sleep."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def fake(clock: Clock) -> Iterator[FakeSlack]:
    with FakeSlack(TOKEN, trigger_ttl=3.0, clock=clock) as slack:
        yield slack


@pytest.fixture
def client(fake: FakeSlack) -> WebClient:
    return WebClient(token=TOKEN, base_url=fake.base_url, timeout=2)


def section(text: str = "hi", **extra: Any) -> dict[str, Any]:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text}, **extra}


def button(action_id: str, text: str = "Go", value: str = "1") -> dict[str, Any]:
    return {
        "type": "button",
        "action_id": action_id,
        "text": {"type": "plain_text", "text": text},
        "value": value,
    }


def modal(title: str = "New ticket", blocks: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    return {
        "type": "modal",
        "callback_id": "ticket",
        "title": {"type": "plain_text", "text": title},
        "submit": {"type": "plain_text", "text": "Create"},
        "blocks": blocks if blocks is not None else [section()],
    }


def refusal(call: Any) -> SlackApiError:
    """The SlackApiError a WebClient call raises; fails the test if it succeeds."""
    with pytest.raises(SlackApiError) as raised:
        call()
    return raised.value


# -- messages -------------------------------------------------------------------------


def test_post_message_records_args_and_returns_increasing_ts(
    fake: FakeSlack, client: WebClient
) -> None:
    blocks = [section("*Printer* broken", block_id="b1")]
    first = client.chat_postMessage(channel="C0SUPPORT", text="Printer broken", blocks=blocks)
    second = client.chat_postMessage(channel="C0SUPPORT", text="reply", thread_ts=first["ts"])

    assert first["ok"]
    assert first["channel"] == "C0SUPPORT"
    assert float(second["ts"]) > float(first["ts"])
    assert second["message"]["thread_ts"] == first["ts"]
    assert first["message"]["blocks"] == blocks
    posted = fake.calls("chat.postMessage")
    assert [c.args["text"] for c in posted] == ["Printer broken", "reply"]
    assert posted[0].args["blocks"] == blocks  # decoded, not a JSON string
    assert posted[0].headers["authorization"] == f"Bearer {TOKEN}"
    assert all(c.ok and not c.faulted for c in posted)


def test_form_body_with_json_string_fields_is_decoded(fake: FakeSlack, client: WebClient) -> None:
    blocks = [section("form")]
    client.api_call(
        "chat.postMessage", data={"channel": "C1", "text": "x", "blocks": json.dumps(blocks)}
    )
    call = fake.calls("chat.postMessage")[-1]
    assert call.headers["content-type"].startswith("application/x-www-form-urlencoded")
    assert call.args["blocks"] == blocks


def test_message_to_a_user_id_lands_in_the_dm_channel(client: WebClient) -> None:
    posted = client.chat_postMessage(channel="UALICE0001", text="Your ticket #1")
    opened = client.conversations_open(users="UALICE0001")

    assert posted["channel"] == "DALICE0001"
    assert opened["channel"]["id"] == posted["channel"]


def test_update_needs_an_existing_message(client: WebClient) -> None:
    posted = client.chat_postMessage(channel="UALICE0001", text="v1")

    updated = client.chat_update(channel=posted["channel"], ts=posted["ts"], text="v2")
    assert updated["ts"] == posted["ts"]
    error = refusal(lambda: client.chat_update(channel=posted["channel"], ts="1.000001", text="x"))
    assert error.response["error"] == "message_not_found"


def test_update_and_delete_touch_only_the_bots_own_messages(
    fake: FakeSlack, client: WebClient
) -> None:
    posted = client.chat_postMessage(channel="C0SUPPORT", text="relayed")
    persons = fake.person_writes("UALICE0001", "C0SUPPORT", "mine")

    error = refusal(lambda: client.chat_update(channel="C0SUPPORT", ts=persons.ts, text="x"))
    assert error.response["error"] == "cant_update_message"
    error = refusal(lambda: client.chat_delete(channel="C0SUPPORT", ts=persons.ts))
    assert error.response["error"] == "cant_delete_message"
    assert client.chat_delete(channel="C0SUPPORT", ts=posted["ts"])["ts"] == posted["ts"]
    assert [m.text for m in fake.messages_in("C0SUPPORT")] == ["mine"]
    # Deleted is gone: neither updated nor deleted again.
    error = refusal(lambda: client.chat_delete(channel="C0SUPPORT", ts=posted["ts"]))
    assert error.response["error"] == "message_not_found"
    error = refusal(lambda: client.chat_update(channel="C0SUPPORT", ts=posted["ts"], text="x"))
    assert error.response["error"] == "message_not_found"
    error = refusal(lambda: client.api_call("chat.delete", json={"channel": "C0SUPPORT"}))
    assert error.response["error"] == "invalid_arguments"


def test_message_without_text_or_blocks_is_refused(fake: FakeSlack, client: WebClient) -> None:
    error = refusal(lambda: client.api_call("chat.postMessage", json={"channel": "C1"}))
    assert error.response["error"] == "no_text"
    assert fake.calls("chat.postMessage")[-1].response["error"] == "no_text"


# -- auth -----------------------------------------------------------------------------


def test_unknown_token_is_invalid_auth(fake: FakeSlack) -> None:
    stranger = WebClient(token="xoxb-someone-else", base_url=fake.base_url, timeout=2)

    error = refusal(lambda: stranger.chat_postMessage(channel="C1", text="hi"))
    assert error.response.status_code == 200
    assert error.response["error"] == "invalid_auth"
    assert fake.calls("chat.postMessage")[-1].response == {"ok": False, "error": "invalid_auth"}


def test_missing_token_is_not_authed(fake: FakeSlack) -> None:
    anonymous = WebClient(base_url=fake.base_url, timeout=2)

    assert refusal(anonymous.auth_test).response["error"] == "not_authed"


def test_auth_test_and_unknown_method(client: WebClient) -> None:
    me = client.auth_test()
    assert (me["user_id"], me["bot_id"], me["team_id"]) == ("UBOT00001", "B000001", "T000001")
    assert refusal(lambda: client.api_call("chat.teleport")).response["error"] == "unknown_method"


# -- triggers and modals --------------------------------------------------------------


def test_trigger_id_is_single_use(fake: FakeSlack, client: WebClient) -> None:
    trigger = fake.issue_trigger_id()

    opened = client.views_open(trigger_id=trigger, view=modal())
    assert opened["view"]["id"].startswith("V")
    assert opened["view"]["hash"]
    again = refusal(lambda: client.views_open(trigger_id=trigger, view=modal()))
    assert again.response["error"] == "exchanged_trigger_id"
    unknown = refusal(lambda: client.views_open(trigger_id="1.2.never", view=modal()))
    assert unknown.response["error"] == "invalid_trigger_id"


def test_trigger_id_expires_after_three_seconds(
    fake: FakeSlack, client: WebClient, clock: Clock
) -> None:
    fresh, stale = fake.issue_trigger_id(), fake.issue_trigger_id()
    clock.now += 2.9
    assert client.views_open(trigger_id=fresh, view=modal())["ok"]
    clock.now += 0.2

    error = refusal(lambda: client.views_push(trigger_id=stale, view=modal()))
    assert error.response["error"] == "expired_trigger_id"


def test_views_update_keeps_the_id_and_needs_a_known_view(
    fake: FakeSlack, client: WebClient
) -> None:
    opened = client.views_open(trigger_id=fake.issue_trigger_id(), view=modal())
    view_id = opened["view"]["id"]

    assert client.views_update(view_id=view_id, view=modal("Step 2"))["view"]["id"] == view_id
    error = refusal(lambda: client.views_update(view_id="VNOPE", view=modal()))
    assert error.response["error"] == "not_found"


def test_modal_title_of_25_characters_is_refused(fake: FakeSlack, client: WebClient) -> None:
    trigger = fake.issue_trigger_id()

    error = refusal(lambda: client.views_open(trigger_id=trigger, view=modal("x" * 25)))
    assert error.response["error"] == "invalid_blocks"
    assert "title" in error.response["response_metadata"]["messages"][0]
    assert client.views_open(trigger_id=fake.issue_trigger_id(), view=modal("x" * 24))["ok"]


# -- Block Kit limits -----------------------------------------------------------------


def test_51_blocks_in_a_message_are_invalid_blocks(client: WebClient) -> None:
    assert client.chat_postMessage(channel="C1", text="ok", blocks=[section()] * 50)["ok"]

    error = refusal(
        lambda: client.chat_postMessage(channel="C1", text="x", blocks=[section()] * 51)
    )
    assert error.response["error"] == "invalid_blocks"
    assert "51 blocks" in error.response["response_metadata"]["messages"][0]


def test_home_view_allows_100_blocks(client: WebClient) -> None:
    home = {"type": "home", "blocks": [section()] * 100}
    assert client.views_publish(user_id="UALICE0001", view=home)["ok"]

    home["blocks"] = [section()] * 101
    error = refusal(lambda: client.views_publish(user_id="UALICE0001", view=home))
    assert error.response["error"] == "invalid_blocks"


def test_duplicate_action_id_in_one_block_is_refused(client: WebClient) -> None:
    twice = {"type": "actions", "elements": [button("ticket.take"), button("ticket.take")]}
    error = refusal(lambda: client.chat_postMessage(channel="C1", text="x", blocks=[twice]))
    assert error.response["error"] == "invalid_blocks"
    assert "duplicate action_id" in error.response["response_metadata"]["messages"][0]

    apart = [
        {"type": "actions", "elements": [button("ticket.take")]},
        {"type": "actions", "elements": [button("ticket.take")]},
    ]
    assert client.chat_postMessage(channel="C1", text="x", blocks=apart)["ok"]


@pytest.mark.parametrize(
    ("blocks", "problem"),
    [
        ([section("x" * 3001)], "section text"),
        ([{"type": "actions", "elements": [button("a", text="x" * 76)]}], "button text"),
        ([{"type": "actions", "elements": [button("a", value="x" * 2001)]}], "button value"),
        ([{"type": "actions", "elements": [button("a" * 256)]}], "action_id"),
        ([section(block_id="b"), section(block_id="b")], "duplicate block_id"),
        (
            [
                section(
                    accessory={
                        "type": "static_select",
                        "action_id": "s",
                        "options": [
                            {"text": {"type": "plain_text", "text": "o"}, "value": str(i)}
                            for i in range(101)
                        ],
                    }
                )
            ],
            "options",
        ),
        (
            [
                section(
                    accessory={
                        "type": "static_select",
                        "action_id": "s",
                        "options": [
                            {"text": {"type": "plain_text", "text": "o"}, "value": "v" * 151}
                        ],
                    }
                )
            ],
            "option value",
        ),
    ],
    ids=["section", "button-text", "button-value", "action-id", "block-id", "options", "option"],
)
def test_block_kit_limits(client: WebClient, blocks: list[dict[str, Any]], problem: str) -> None:
    error = refusal(lambda: client.chat_postMessage(channel="C1", text="x", blocks=blocks))
    assert error.response["error"] == "invalid_blocks"
    assert problem in error.response["response_metadata"]["messages"][0]


# -- response_url ---------------------------------------------------------------------


def post_json(url: str, body: dict[str, Any]) -> int:
    request = urllib.request.Request(
        url, json.dumps(body).encode(), {"Content-Type": "application/json"}
    )
    try:
        with urllib.request.urlopen(request, timeout=2) as answer:
            return int(answer.status)
    except urllib.error.HTTPError as refused:
        return refused.code


def test_response_url_takes_five_posts(fake: FakeSlack) -> None:
    url = fake.issue_response_url()

    statuses = [post_json(url, {"text": f"answer {i}"}) for i in range(6)]
    assert statuses == [200] * 5 + [404]
    recorded = fake.calls("response_url")
    assert [c.args["text"] for c in recorded] == [f"answer {i}" for i in range(6)]
    assert recorded[-1].response == {"ok": False, "error": "used_url"}


def test_response_url_expires_after_30_minutes(fake: FakeSlack, clock: Clock) -> None:
    url = fake.issue_response_url()
    clock.now += 30 * 60 + 1

    assert post_json(url, {"text": "late"}) == 404


# -- files ----------------------------------------------------------------------------


def test_file_upload_round_trip(fake: FakeSlack, client: WebClient) -> None:
    uploaded = client.files_upload_v2(channel="C1", content="log line\n", filename="log.txt")

    file_id = uploaded["files"][0]["id"]
    assert fake.upload(file_id) == b"log line\n"
    assert [c.method for c in fake.calls()] == [
        "files.getUploadURLExternal",
        "upload",
        "files.completeUploadExternal",
    ]


def test_an_upload_url_must_have_been_handed_out(fake: FakeSlack, client: WebClient) -> None:
    assert post_json(f"http://127.0.0.1:{fake.port}/upload/FNEVERISSUED", {}) == 404
    assert fake.calls("upload")[-1].response == {"ok": False, "error": "not_found"}

    missing_length = refusal(
        lambda: client.api_call("files.getUploadURLExternal", params={"filename": "a.txt"})
    )
    assert missing_length.response["error"] == "invalid_arguments"
    url = client.files_getUploadURLExternal(filename="a.txt", length=3)
    never_uploaded = refusal(
        lambda: client.files_completeUploadExternal(files=[{"id": url["file_id"]}])
    )
    assert never_uploaded.response["error"] == "file_not_found"


def test_files_shared_in_a_channel_are_a_message_and_saved_to_the_folder(
    tmp_path: Path,
) -> None:
    workspace = Workspace(TOKEN, files_dir=tmp_path / "files")
    with LoopbackServer(workspace) as server:
        client = WebClient(token=TOKEN, base_url=server.base_url, timeout=2)
        for _ in range(2):
            client.files_upload_v2(
                channel="UALICE0001", content=b"a,b\n", filename="t.csv", initial_comment="CSV"
            )
        client.files_upload_v2(channel="C1", content=b"x", filename="../../escape.txt")

    first, second = workspace.messages_in("DALICE0001")
    assert first.text == "CSV"
    assert [f.name for f in first.files] == ["t.csv"]
    assert first.files[0].saved_to == tmp_path / "files" / "t.csv"
    assert second.files[0].saved_to == tmp_path / "files" / "t-2.csv"  # never over another
    assert (tmp_path / "files" / "t-2.csv").read_bytes() == b"a,b\n"
    assert workspace.messages_in("C1")[0].files[0].saved_to == tmp_path / "files" / "escape.txt"
    assert sorted(p.name for p in tmp_path.rglob("*") if p.is_file()) == [
        "escape.txt",
        "t-2.csv",
        "t.csv",
    ]


# -- channels -------------------------------------------------------------------------


def test_conversations_info_describes_a_rightly_set_up_channel(client: WebClient) -> None:
    channel = client.conversations_info(channel="C0SUPPORT")["channel"]
    assert channel["id"] == "C0SUPPORT"
    assert (channel["is_private"], channel["is_member"], channel["is_archived"]) == (
        True,
        True,
        False,
    )
    dm = client.conversations_info(channel="DALICE0001")["channel"]
    assert (dm["is_im"], dm["user"]) == (True, "UALICE0001")


@pytest.mark.parametrize(
    ("setup", "info", "posting"),
    [
        ({"is_private": False}, {"is_private": False, "is_member": True}, None),
        (
            {"is_private": False, "is_member": False},
            {"is_private": False, "is_member": False},
            "not_in_channel",
        ),
        # A private channel the bot is not in is invisible to it.
        ({"is_member": False}, "channel_not_found", "channel_not_found"),
        ({"exists": False}, "channel_not_found", "channel_not_found"),
        ({"is_archived": True}, {"is_archived": True}, "is_archived"),
    ],
    ids=["public", "public-not-member", "private-not-member", "missing", "archived"],
)
def test_a_wrongly_set_up_channel_answers_as_slack_would(
    fake: FakeSlack,
    client: WebClient,
    setup: dict[str, bool],
    info: dict[str, bool] | str,
    posting: str | None,
) -> None:
    fake.set_channel("C0SUPPORT", **setup)

    def describe() -> Any:
        return client.conversations_info(channel="C0SUPPORT")

    def post() -> Any:
        return client.chat_postMessage(channel="C0SUPPORT", text="card")

    if isinstance(info, str):
        assert refusal(describe).response["error"] == info
    else:
        channel = describe()["channel"]
        assert {key: channel[key] for key in info} == info
    if posting is None:
        assert post()["ok"]
    else:
        assert refusal(post).response["error"] == posting
    assert client.chat_postMessage(channel="C0OTHER", text="elsewhere")["ok"]


# -- what the console reads -------------------------------------------------------------


def test_a_modal_opened_with_a_persons_trigger_is_on_their_screen(
    fake: FakeSlack, client: WebClient
) -> None:
    opened = client.views_open(trigger_id=fake.issue_trigger_id("UALICE0001"), view=modal())

    assert fake.take_modal("UBOB000001") is None
    on_screen = fake.take_modal("UALICE0001")
    assert on_screen is not None
    assert on_screen["id"] == opened["view"]["id"]
    assert fake.take_modal("UALICE0001") is None  # filled in once


def test_a_response_url_answer_reaches_the_person_who_acted(fake: FakeSlack) -> None:
    url = fake.issue_response_url("UALICE0001", "C0GENERAL")
    assert post_json(url, {"text": "only you", "response_type": "ephemeral"}) == 200
    assert post_json(url, {"text": "everyone", "response_type": "in_channel"}) == 200

    ephemeral, posted = fake.feed_since(0)
    assert (ephemeral.kind, ephemeral.user, ephemeral.channel) == (
        "ephemeral",
        "UALICE0001",
        "C0GENERAL",
    )
    assert (posted.kind, posted.channel) == ("post", "C0GENERAL")
    assert [m.text for m in fake.messages_in("C0GENERAL")] == ["everyone"]


def test_an_update_keeps_what_it_leaves_out(fake: FakeSlack, client: WebClient) -> None:
    blocks = [section("card")]
    posted = client.chat_postMessage(channel="C1", text="v1", blocks=blocks)

    client.chat_update(channel="C1", ts=posted["ts"], text="v2")
    (message,) = fake.messages_in("C1")
    assert (message.text, message.blocks) == ("v2", blocks)


def test_the_fake_is_the_consoles_workspace_with_no_web_api_of_its_own() -> None:
    assert issubclass(FakeSlack, Workspace)
    assert FakeSlack.methods() == Workspace.methods()
    answering = {"handle", "response_url_post", "store_upload"}
    assert not [name for name in vars(FakeSlack) if name.startswith("_api_") or name in answering]
    assert {"conversations.info", "files.completeUploadExternal", "views.open"} <= set(
        Workspace.methods()
    )


# -- faults ---------------------------------------------------------------------------


def test_fail_next_429_with_retry_after(fake: FakeSlack, client: WebClient) -> None:
    fake.fail_next("chat.postMessage", status=429, retry_after=30)

    error = refusal(lambda: client.chat_postMessage(channel="C1", text="x"))
    assert error.response.status_code == 429
    assert error.response.headers["Retry-After"] == "30"
    assert error.response["error"] == "ratelimited"
    assert client.chat_postMessage(channel="C1", text="x")["ok"]  # only the next one
    first, second = fake.calls("chat.postMessage")
    assert first.faulted
    assert not first.ok
    assert second.ok
    assert not second.faulted


def test_fail_next_500_for_any_method(fake: FakeSlack, client: WebClient) -> None:
    fake.fail_next("*", count=2, status=500)

    assert refusal(client.auth_test).response.status_code == 500
    assert refusal(lambda: client.users_info(user="U1")).response.status_code == 500
    assert client.users_info(user="UALICE0001")["user"]["tz"] == "Europe/Berlin"
    assert [c.faulted for c in fake.calls()] == [True, True, False]


def test_fail_next_ok_false_error(client: WebClient, fake: FakeSlack) -> None:
    fake.fail_next("chat.update", error="internal_error")
    posted = client.chat_postMessage(channel="C1", text="x")

    error = refusal(lambda: client.chat_update(channel="C1", ts=posted["ts"], text="y"))
    assert error.response.status_code == 200
    assert error.response["error"] == "internal_error"


def test_fail_next_reset_drops_the_connection(fake: FakeSlack) -> None:
    no_retries = WebClient(token=TOKEN, base_url=fake.base_url, timeout=2, retry_handlers=[])
    fake.fail_next("chat.postMessage", reset=True)

    with pytest.raises((ConnectionError, urllib.error.URLError)):
        no_retries.chat_postMessage(channel="C1", text="x")
    assert fake.calls("chat.postMessage")[0].faulted


def test_a_hang_ends_when_the_fake_stops() -> None:
    slack = FakeSlack(TOKEN).start()
    slack.fail_next("chat.postMessage", delay=60)
    client = WebClient(token=TOKEN, base_url=slack.base_url, timeout=5, retry_handlers=[])
    outcome: list[BaseException] = []

    def post() -> None:
        try:
            client.chat_postMessage(channel="C1", text="x")
        except Exception as error:
            outcome.append(error)

    poster = threading.Thread(target=post)
    poster.start()
    slack.wait_for("chat.postMessage", timeout=2)
    slack.stop()
    poster.join(timeout=2)
    assert not poster.is_alive()
    assert len(outcome) == 1


# -- waiting --------------------------------------------------------------------------


def test_wait_for_returns_as_soon_as_the_call_arrives(
    fake: FakeSlack, client: WebClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    waits: list[bool] = []
    wait = fake._changed.wait

    def recorded_wait(timeout: float | None = None) -> bool:
        woken = wait(timeout)
        waits.append(woken)  # False: it ran out of time instead
        return woken

    monkeypatch.setattr(fake._changed, "wait", recorded_wait)
    poster = threading.Timer(0.05, lambda: client.chat_postMessage(channel="C1", text="late"))
    poster.start()

    calls = fake.wait_for("chat.postMessage", timeout=60)
    assert False not in waits  # woken by the call, not by the timeout
    poster.join()
    assert [c.args["text"] for c in calls] == ["late"]
    arrived = fake.wait_for(lambda seen: any(c.args.get("text") == "late" for c in seen))
    assert arrived == calls


def test_wait_for_times_out_with_what_it_saw(fake: FakeSlack, client: WebClient) -> None:
    client.auth_test()

    with pytest.raises(AssertionError, match=r"auth\.test"):
        fake.wait_for("chat.postMessage", timeout=0.05)


def test_clear_forgets_calls(fake: FakeSlack, client: WebClient) -> None:
    client.auth_test()
    fake.clear()

    assert fake.calls() == []
    client.auth_test()
    assert [type(c) for c in fake.calls("auth.test")] == [Call]


def test_an_outage_refuses_connections_and_ends_on_the_same_port() -> None:
    import urllib.error

    from slack_sdk import WebClient as Client

    with FakeSlack() as fake:
        client = Client(token=fake.bot_token, base_url=fake.base_url, timeout=2)
        client.retry_handlers.clear()  # see the refusal itself, not slack_sdk's retry
        assert client.auth_test()["ok"]
        fake.stop()
        with pytest.raises(urllib.error.URLError):
            client.auth_test()
        fake.restart()
        assert client.auth_test()["ok"]


def test_users_info_names_a_persons_locale_only_when_asked(
    fake: FakeSlack, client: WebClient
) -> None:
    fake.set_locale("UALICE0001", "de-DE")
    assert "locale" not in client.users_info(user="UALICE0001")["user"]
    asked = client.users_info(user="UALICE0001", include_locale=True)["user"]
    assert asked["locale"] == "de-DE"
    assert client.users_info(user="UBOB000001", include_locale=True)["user"]["locale"] == "en-US"
    assert (
        client.api_call(
            "users.info", http_verb="GET", params={"user": "UBOB000001", "include_locale": "true"}
        )["user"]["locale"]
        == "en-US"
    )
    assert (
        "locale"
        not in client.api_call(
            "users.info", http_verb="GET", params={"user": "UBOB000001", "include_locale": "false"}
        )["user"]
    )


def test_every_answer_names_the_tokens_scopes_as_slack_does(
    fake: FakeSlack, client: WebClient
) -> None:
    from bot.manifest import BOT_SCOPES

    granted = client.auth_test().headers["x-oauth-scopes"]
    assert set(granted.split(",")) == set(BOT_SCOPES)
    fake.grant("chat:write", "commands")
    assert client.auth_test().headers["x-oauth-scopes"] == "chat:write,commands"
    fake.fail_next("auth.test", status=500)
    with pytest.raises(SlackApiError) as failed:
        client.auth_test()
    assert failed.value.response.headers["x-oauth-scopes"] == "chat:write,commands"


def test_files_info_and_url_private_are_as_strict_as_slack(
    fake: FakeSlack, client: WebClient
) -> None:
    hosted = fake.host_file("U0ALICE001", "shot.png", b"\x89PNG data", "image/png")
    info = client.files_info(file=hosted["id"])["file"]
    assert (info["name"], info["mimetype"], info["size"]) == ("shot.png", "image/png", 9)
    for bad in ({}, {"file": "F0NOSUCH01"}):
        with pytest.raises(SlackApiError) as refused:
            client.api_call("files.info", params=bad)
        assert refused.value.response["error"] in ("invalid_arguments", "file_not_found")
    with pytest.raises(SlackApiError) as refused:
        WebClient(token="xoxb-wrong", base_url=fake.base_url).files_info(file=hosted["id"])
    assert refused.value.response["error"] == "invalid_auth"
    for url in (info["url_private"], info["url_private_download"]):
        with_token = urllib.request.Request(url, headers={"Authorization": f"Bearer {TOKEN}"})
        with urllib.request.urlopen(with_token) as answer:
            assert answer.read() == b"\x89PNG data"
        # Without the bot token (or with another): Slack's sign-in page, status 200.
        for headers in ({}, {"Authorization": "Bearer xoxb-wrong"}):
            with urllib.request.urlopen(urllib.request.Request(url, headers=headers)) as answer:
                assert answer.status == 200
                assert answer.headers["Content-Type"].startswith("text/html")
                assert answer.read().startswith(b"<!DOCTYPE html")
    # A shared upload is on the file host too, as files_upload_v2 leaves it in Slack.
    uploaded = client.files_upload_v2(channel="C1", content=b"a,b\n", filename="x.csv")
    assert client.files_info(file=uploaded["files"][0]["id"])["file"]["size"] == 4


def test_refusals_that_retrying_cannot_fix_come_as_slack_sends_them(
    fake: FakeSlack, client: WebClient
) -> None:
    root = client.chat_postMessage(channel="C0SUPPORT1", text="card")
    fake.lock_thread("C0SUPPORT1", root["ts"])
    fake.turn_off_messages_tab("UALICE0001")
    fake.set_channel("C0ARCHIVE1", is_archived=True)
    refused = [
        ({"channel": "C0SUPPORT1", "thread_ts": root["ts"]}, "restricted_action_thread_locked"),
        ({"channel": "UALICE0001"}, "messages_tab_disabled"),
        ({"channel": "C0ARCHIVE1"}, "is_archived"),
    ]
    for args, error in refused:
        with pytest.raises(SlackApiError) as answer:
            client.chat_postMessage(text="hello", **args)
        # `ok: false` with HTTP 200, as Slack answers every such refusal.
        assert answer.value.response.status_code == 200
        assert answer.value.response.data == {"ok": False, "error": error}
    # The thread's channel itself still takes top-level posts.
    assert client.chat_postMessage(channel="C0SUPPORT1", text="another card")["ok"]
