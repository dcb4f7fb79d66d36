"""The HTTP edge rejects what Bolt would choke on: 401 for signatures, 400 for shapes,
and hands Bolt the very payload it checked."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import parse_qsl, urlencode

import pytest

from bot.incoming import checked_command
from bot.request_checks import MAX_DEPTH, Checked, Rejection, socket_mode_payload, verify
from tests.slack_requests import (
    block_action,
    command_body,
    dm_thread_reply,
    event_envelope,
    interaction_body,
    sign,
    view_submission,
)

SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
NOW = 1_700_000_000
FORM = "application/x-www-form-urlencoded"
JSON = "application/json"
USER = "UALICE0001"


def check(body: bytes, content_type: str = FORM, **header_overrides: str) -> Rejection | Checked:
    headers = {k.lower(): v for k, v in sign(body, SECRET, NOW).items()}
    headers["content-type"] = content_type
    headers.update({k.lower().replace("_", "-"): v for k, v in header_overrides.items()})
    return verify(headers, body, SECRET, now=lambda: NOW)


def rejected(body: bytes, content_type: str = FORM) -> str:
    result = check(body, content_type)
    assert isinstance(result, Rejection), result
    assert result.status == 400
    return result.reason


def interaction(payload: dict[str, Any]) -> bytes:
    return interaction_body(payload)


def event(event: dict[str, Any], **envelope: Any) -> bytes:
    return json.dumps({**event_envelope(event), **envelope}).encode()


def click(**changes: Any) -> dict[str, Any]:
    payload = block_action(USER, "ticket.take", value='{"t":1,"v":1}')
    payload.update(changes)
    return payload


def test_a_signed_slash_command_passes_with_its_documented_fields() -> None:
    body = command_body("/ticket", "list", USER, extra_field="kept out")
    result = check(body)
    assert isinstance(result, Checked)
    assert result.text == body.decode()
    assert result.body["command"] == "/ticket"
    assert result.body["text"] == "list"
    assert result.body["user_id"] == USER
    # Bolt builds its context from every field it gets; unknown ones never reach it.
    assert "extra_field" not in result.body


def test_slash_command_text_holding_the_word_payload_stays_a_command() -> None:
    # Bolt, parsing the text itself, takes any body containing "payload" for an
    # interaction and drops the command; the edge hands it the parsed form instead.
    result = check(command_body("/ticket", "search payload", USER))
    assert isinstance(result, Checked)
    assert result.body["text"] == "search payload"


@pytest.mark.parametrize(
    ("headers", "reason"),
    [
        ({"x_slack_request_timestamp": "abc"}, "timestamp"),
        ({"x_slack_request_timestamp": ""}, "timestamp"),
        ({"x_slack_request_timestamp": str(NOW - 301)}, "stale"),
        ({"x_slack_request_timestamp": str(NOW + 301)}, "stale"),
        ({"x_slack_signature": ""}, "signature"),
        ({"x_slack_signature": "v0=" + "0" * 64}, "invalid signature"),
        ({"x_slack_signature": "v1=abc"}, "signature"),
        # A header byte over 127 (latin-1 on the wire) is no signature, not a TypeError
        # from hmac.compare_digest; nor is a digit str.isdigit knows and int() does not.
        ({"x_slack_signature": "v0=\x80"}, "malformed x-slack-signature"),
        ({"x_slack_signature": "v0=" + "é" * 64}, "malformed x-slack-signature"),
        ({"x_slack_signature": "v0=" + "A" * 64}, "malformed x-slack-signature"),
        ({"x_slack_request_timestamp": "²"}, "timestamp"),
        ({"x_slack_request_timestamp": "١٧٠٠٠٠٠٠٠٠"}, "timestamp"),
    ],
)
def test_bad_or_stale_signatures_are_401(headers: dict[str, str], reason: str) -> None:
    result = check(command_body("/ticket", "", USER), **headers)
    assert isinstance(result, Rejection)
    assert result.status == 401
    assert reason in result.reason.lower()


def test_signature_of_another_secret_is_401() -> None:
    body = command_body("/ticket", "", USER)
    headers = {k.lower(): v for k, v in sign(body, "other-secret", NOW).items()}
    headers["content-type"] = FORM
    result = verify(headers, body, SECRET, now=lambda: NOW)
    assert result == Rejection(401, "invalid signature")


def deep(levels: int) -> str:
    return "[" * levels + "]" * levels


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        (b"\xff\xfe\x00garbage", FORM),
        (b"payload=%7Bnot-json", FORM),
        (urlencode({"payload": "[1, 2]"}).encode(), FORM),
        (interaction({"type": "block_actions", "actions": "x", "user": {"id": USER}}), FORM),
        (interaction({"type": "block_actions", "actions": [1], "user": {"id": USER}}), FORM),
        (interaction({"type": "view_submission", "view": "x", "user": {"id": USER}}), FORM),
        (
            interaction({"type": "view_submission", "view": {"state": []}, "user": {"id": USER}}),
            FORM,
        ),
        (interaction({"type": "block_actions", "actions": []}), FORM),
        (
            interaction({"type": "view_submission", "view": {"state": {}}, "user": {"id": USER}}),
            FORM,
        ),
        (b'{"type": "event_callback", "event": {"type": "workflow_step_execute"}}', JSON),
        (b"text=hello", FORM),
        (b"&&&==", FORM),
        (b"{", JSON),
        (b"[]", JSON),
        (b'{"type": "event_callback", "event": "x"}', JSON),
        (b"hello", "text/plain"),
    ],
)
def test_malformed_signed_bodies_are_400(body: bytes, content_type: str) -> None:
    rejected(body, content_type)


# Each shape here made Bolt (or a listener) raise before: while building its context,
# matching a listener, or writing its "unhandled request" warning.
@pytest.mark.parametrize(
    ("payload", "reason"),
    [
        (click(actions=[]), "actions must be a list of at least 1"),
        (click(channel=5), "channel must be a Slack ID"),
        (click(channel=["C1"]), "channel must be a Slack ID"),
        (click(channel={"id": 5}), "channel.id must be a Slack ID"),
        (click(container=7), "container must be an object"),
        (click(team=3), "team must be a Slack ID"),
        (click(enterprise=True), "enterprise must be a Slack ID"),
        (click(user="me"), "user must be a Slack user ID"),
        (click(user={"id": "U1" * 40}), "user.id must be a Slack user ID"),
        (click(user={"id": f"{USER}\n"}), "user.id must be a Slack user ID"),
        (click(authorizations="x"), "authorizations must be a list"),
        (click(authorizations=[5]), "authorizations[0] must be an object"),
        (click(response_url="javascript:alert(1)"), "response_url must be an http(s) URL"),
        (click(response_url=12345), "response_url must be an http(s) URL"),
        (click(response_url="https://hooks.slack.com@evil.example/x"), "response_url"),
        # The HTTP client refuses control characters and cannot send other than ASCII.
        (click(response_url="https://hooks.slack.com/x\x08"), "response_url"),
        (click(response_url="https://hooks.slack.com/\u202eevil"), "response_url"),
        (click(response_url="https://hooks.slack.com/" + "x" * 3000), "response_url"),
        (click(response_urls="x"), "response_urls must be a list"),
        (click(trigger_id=["t"]), "trigger_id must be a trigger ID"),
        (click(view=None), "view must be an object"),
        (click(event=None), "event must be an object with a type"),
        (click(message="hi"), "message must be an object"),
        (click(message={"ts": 17}), "message.ts must be a Slack timestamp"),
        (click(message={"thread_ts": "now"}), "message.thread_ts must be a Slack timestamp"),
        (click(message={"text": ["x"]}), "message.text must be a string"),
        (click(message={"files": "x"}), "message.files must be a list"),
        (
            {"type": "message_action", "user": {"id": USER}, "message": {"user": "me"}},
            "message.user must be a Slack user ID",
        ),
        (click(command="/ticket"), "command is only for slash commands"),
        (click(actions=[{"action_id": 5}]), "actions[0].action_id must be a string"),
        (click(actions=[{"action_id": "a", "selected_option": {}}]), "selected_option.value"),
        (click(actions=[{"action_id": "a", "value": {"t": 1}}]), "actions[0].value"),
        (click(user=None), "user must be an object"),
        ({"type": "view_closed", "view": {"type": "modal", "callback_id": "x"}}, "user is missing"),
        ({"type": "shortcut", "user": {"id": USER}}, "callback_id is missing"),
        ({"type": "block_suggestion", "user": {"id": USER}}, "action_id is missing"),
        ({"type": "workflow_step_edit", "callback_id": "x"}, "retired workflow step"),
        (
            {
                "type": "view_submission",
                "user": {"id": USER},
                "view": {"type": "workflow_step", "callback_id": "x"},
            },
            "view.type must be a view type",
        ),
        (
            {
                "type": "view_submission",
                "user": {"id": USER},
                "view": {
                    "type": "modal",
                    "callback_id": "new_ticket",
                    "state": {"values": {"title": {"value": {"value": 5}}}},
                },
            },
            "view.state.values.title.value.value must be a string",
        ),
        ({"type": 5}, "must have a type"),
    ],
)
def test_shapes_bolt_or_a_listener_would_trip_over_are_400(
    payload: dict[str, Any], reason: str
) -> None:
    assert reason in rejected(interaction(payload))


@pytest.mark.parametrize(
    ("event_or_envelope", "reason"),
    [
        (dm_thread_reply(USER, 5, "1.0", "hi"), "event.channel must be a Slack ID"),  # type: ignore[arg-type]
        ({**dm_thread_reply(USER, "D1", "1.0", "hi"), "text": ["hi"]}, "event.text"),
        ({**dm_thread_reply(USER, "D1", "1.0", "hi"), "thread_ts": 1.0}, "event.thread_ts"),
        ({**dm_thread_reply(USER, "D1", "1.0", "hi"), "files": [{"name": "x"}]}, "id is missing"),
        (
            {**dm_thread_reply(USER, "D1", "1.0", "hi"), "files": [{"id": "F1", "size": "big"}]},
            "files[0].size must be an integer",
        ),
        (
            {
                "type": "message",
                "subtype": "message_changed",
                "channel": "D1",
                "message": {"text": 5},
            },
            "event.message.text must be a string",
        ),
        (
            {"type": "message", "subtype": "message_deleted", "previous_message": []},
            "event.previous_message must be an object",
        ),
        ({"type": "app_home_opened", "user": 42}, "event.user must be a Slack user ID"),
        ({"type": "member_joined_channel", "channel": {"id": "C1"}}, "event.channel"),
        ({"type": "channel_created", "channel": "C1"}, "event.channel must be an object"),
        ({"type": "channel_created", "channel": {"name": "x"}}, "event.channel.id is missing"),
        ({"type": "reaction_added", "item": "x"}, "event.item must be an object"),
        ({"type": "reaction_added", "reaction": 7}, "event.reaction must be a string"),
        ({"type": "reaction_added", "item": {"ts": "now"}}, "event.item.ts"),
        ({"type": "reaction_added", "item": {"channel": ["C1"]}}, "event.item.channel"),
        ({"type": "reaction_added", "item_user": {"id": "U1"}}, "event.item_user"),
        ({"type": "function_executed", "function": None}, "event.function must be an object"),
        ({"type": "something_new", "user": ["U1"]}, "event.user must be a Slack user ID"),
        ({"type": 5}, "event must be an object with a type"),
    ],
)
def test_events_of_the_wrong_shape_are_400(event_or_envelope: dict[str, Any], reason: str) -> None:
    assert reason in rejected(event(event_or_envelope), JSON)


@pytest.mark.parametrize(
    "body",
    [
        event(dm_thread_reply(USER, "D1", "1.0", "\udc00")),
        event(dm_thread_reply(USER, "D1", "1.0", "broken \ud83d")),
        event(dm_thread_reply(USER, "D1", "1.0", "a\u0000b")),
        b'{"type": "event_callback", "\\udfff": 1, "event": {"type": "message"}}',
        interaction(
            view_submission(USER, {"callback_id": "x", "type": "modal", "title": "\udc00"}, {})
        ),
    ],
)
def test_a_lone_surrogate_or_a_nul_anywhere_is_400(body: bytes) -> None:
    content_type = FORM if body.startswith(b"payload=") else JSON
    assert "NUL or a lone surrogate" in rejected(body, content_type)


def test_a_pair_of_surrogates_is_one_character_and_passes() -> None:
    result = check(event(dm_thread_reply(USER, "D1", "1.0", "smile \U0001f600")), JSON)
    assert isinstance(result, Checked)
    assert result.body["event"]["text"] == "smile \U0001f600"


def test_a_percent_escape_that_is_no_utf8_is_400() -> None:
    # A lone surrogate written as bytes (CESU-8), and a byte that starts nothing.
    assert rejected(b"payload=%7B%22type%22%3A%22x%22%2C%22t%22%3A%22%ED%A0%80%22%7D") == (
        "malformed form body"
    )
    assert rejected(command_body("/ticket", "", USER) + b"&text2=%FF") == "malformed form body"


def test_nul_in_a_slash_command_is_400() -> None:
    assert "NUL" in rejected(command_body("/ticket", "search a\x00b", USER))


@pytest.mark.parametrize("levels", [MAX_DEPTH, 5_000, 100_000])
def test_deep_nesting_is_400_not_a_recursion_error(levels: int) -> None:
    body = (
        b'{"type": "event_callback", "event": {"type": "message", "x": '
        + deep(levels).encode()
        + b"}}"
    )
    assert "nested" in rejected(body, JSON)
    payload = json.dumps({"type": "block_actions", "x": "@"}).replace('"@"', deep(levels))
    assert "nested" in rejected(urlencode({"payload": payload}).encode())


def test_nesting_up_to_the_limit_passes() -> None:
    # The envelope and the event are two levels; the list inside takes the rest.
    inner = deep(MAX_DEPTH - 2)
    body = b'{"type": "event_callback", "event": {"type": "message", "x": ' + inner.encode() + b"}}"
    assert isinstance(check(body, JSON), Checked)


@pytest.mark.parametrize("constant", ["NaN", "Infinity", "-Infinity"])
def test_json_constants_that_are_not_json_are_400(constant: str) -> None:
    body = f'{{"type": "event_callback", "event": {{"type": "message", "n": {constant}}}}}'
    assert rejected(body.encode(), JSON) == "malformed JSON"


def test_repeated_form_fields_are_400() -> None:
    # Bolt would read the last copy, the edge the first: neither gets to choose.
    body = command_body("/ticket", "list", USER) + b"&user_id=UADMIN0001"
    assert rejected(body) == "repeated form field"
    twice = interaction_body(click()) + b"&" + interaction_body(click(actions=[]))
    assert rejected(twice) == "repeated form field"


def test_slash_command_fields_bolt_reads_are_checked_or_dropped() -> None:
    assert "user_id" in rejected(command_body("/ticket", "", "not-a-user"))
    assert "response_url" in rejected(
        command_body("/ticket", "", USER, response_url="javascript:alert(1)")
    )
    # A text `authorizations` made Bolt fail while building its context.
    result = check(command_body("/ticket", "", USER, authorizations="x", event="y", view="z"))
    assert isinstance(result, Checked)
    assert not {"authorizations", "event", "view"} & set(result.body)
    # Slack leaves optional fields empty: that is no reason to refuse a command.
    assert isinstance(check(command_body("/ticket", "", USER, enterprise_id="")), Checked)


def test_ssl_check_passes_with_only_its_own_fields() -> None:
    result = check(b"ssl_check=1&token=abc&authorizations=x")
    assert isinstance(result, Checked)
    assert result.body == {"ssl_check": "1", "token": "abc"}


def test_real_payload_shapes_pass_and_bolt_gets_the_parsed_payload() -> None:
    """Shapes as Slack documents them, extra fields and nulls included."""
    shortcut = {
        "type": "message_action",
        "token": "verification_token",
        "action_ts": "1583637157.207593",
        "team": {"id": "T111", "domain": "test", "enterprise_id": "E111", "enterprise_name": "Org"},
        "user": {"id": "W111", "name": "test-test"},
        "channel": {"id": "C111", "name": "dev"},
        "callback_id": "create_ticket",
        "trigger_id": "111.222.xxx",
        "message_ts": "1583636382.000300",
        "message": {
            "client_msg_id": "zzzz-111-222-xxx-yyy",
            "type": "message",
            "text": "<@W222> test",
            "user": "W111",
            "ts": "1583636382.000300",
            "team": "T111",
            "blocks": [{"type": "rich_text", "block_id": "d7eJ", "elements": []}],
        },
        "response_url": "https://hooks.slack.com/app/T111/111/xxx",
        "enterprise": None,
        "is_enterprise_install": False,
    }
    view_closed = {
        "type": "view_closed",
        "team": {"id": "T111", "domain": "workspace-domain"},
        "user": {"id": "W111", "username": "primary-owner", "team_id": "T111"},
        "api_app_id": "A111",
        "view": {
            "id": "V111",
            "team_id": "T111",
            "type": "modal",
            "blocks": [],
            "private_metadata": "This is for you!",
            "callback_id": "view-id",
            "state": {"values": {}},
            "hash": "1596530361.3wRYuk3R",
            "previous_view_id": None,
            "root_view_id": "V111",
            "app_id": "A111",
            "external_id": "",
            "app_installed_team_id": "T111",
            "bot_id": "B111",
        },
        "is_cleared": False,
        "response_urls": [],
    }
    file_share = {
        "type": "message",
        "subtype": "file_share",
        "text": "Hi there!",
        "user": "U111",
        "ts": "1652227646.593159",
        "channel": "C111",
        "channel_type": "channel",
        "event_ts": "1652227646.593159",
        "files": [
            {
                "id": "F111",
                "name": "file.png",
                "mimetype": "image/png",
                "size": 92582,
                "url_private": "https://files.slack.com/files-pri/T111-F111/file.png",
                "thumb_360_w": 360,
            }
        ],
    }
    authorizations = [{"enterprise_id": None, "team_id": "T111", "user_id": "U222", "is_bot": True}]
    for body, content_type in [
        (interaction(shortcut), FORM),
        (interaction(view_closed), FORM),
        (interaction(click()), FORM),
        (event(file_share, authorizations=authorizations, is_ext_shared_channel=False), JSON),
        (
            event(
                {"type": "app_home_opened", "user": "U1AB", "tab": "home", "event_ts": "15154495"}
            ),
            JSON,
        ),
        (b'{"type": "url_verification", "challenge": "c", "token": "t"}', JSON + "; charset=utf-8"),
    ]:
        result = check(body, content_type)
        assert isinstance(result, Checked), (result, body[:80])
        text = dict(parse_qsl(body.decode()))["payload"] if content_type == FORM else body
        expected = json.loads(text)
        assert result.body == expected


def test_a_modal_with_several_response_urls_passes() -> None:
    payload = view_submission(USER, {"callback_id": "new_ticket", "type": "modal"}, {})
    payload["response_urls"] = [
        {
            "block_id": "b",
            "action_id": "a",
            "channel_id": "C1",
            "response_url": f"https://hooks.slack.com/{n}",
        }
        for n in range(2)
    ]
    assert isinstance(check(interaction(payload)), Checked)


# A file of another organisation, as Slack documents it for Slack Connect: no user, no
# URL, `file_access: "check_file_info"` (files.info tells the rest).
SLACK_CONNECT_FILE = {
    "id": "F123ABC456",
    "mode": "file_access",
    "file_access": "check_file_info",
    "created": 0,
    "timestamp": 0,
    "user": "",
}


def test_a_slack_connect_file_in_a_dm_reply_passes() -> None:
    reply = dm_thread_reply(USER, "D0DM000001", "1700000000.000100", "the log")
    reply.update(subtype="file_share", files=[SLACK_CONNECT_FILE])
    result = check(event(reply, is_ext_shared_channel=True), JSON)
    assert isinstance(result, Checked), result


def test_a_slack_connect_file_over_socket_mode_reaches_bolt() -> None:
    reply = dm_thread_reply(USER, "D0DM000001", "1700000000.000100", "the log")
    reply.update(subtype="file_share", files=[SLACK_CONNECT_FILE])
    checked = socket_mode_payload("events_api", event_envelope(reply))
    assert isinstance(checked, dict), checked


def test_a_file_naming_someone_who_is_no_user_is_still_400() -> None:
    reply = dm_thread_reply(USER, "D0DM000001", "1700000000.000100", "the log")
    reply.update(subtype="file_share", files=[SLACK_CONNECT_FILE | {"user": "not a user"}])
    assert "user" in rejected(event(reply), JSON)


@pytest.mark.parametrize(
    ("body", "team"),
    [
        (click(), "T000001"),
        (click(user={"id": USER, "team_id": "T0PARTNER1"}), "T0PARTNER1"),
        (click(user={"id": USER}), None),
        (
            event_envelope({"type": "message", "user_team": "T0PARTNER1", "team": "T0X"}),
            "T0PARTNER1",
        ),
        (event_envelope({"type": "message", "team": "T0PARTNER1"}), "T0PARTNER1"),
        (event_envelope({"type": "reaction_added", "user": USER}), None),
        ({"command": "/ticket", "user_id": USER, "team_id": "T0PARTNER1"}, "T0PARTNER1"),
    ],
)
def test_the_team_of_the_person_behind_a_payload(body: dict[str, Any], team: str | None) -> None:
    checked = (
        checked_command(body) if "command" in body else socket_mode_payload("events_api", body)
    )
    assert not isinstance(checked, str), checked
    assert checked.model is not None
    assert checked.model.team_of_actor() == team
