"""Each payload kind the bot handles, in the shape Slack documents it, validated once
into its model: the listeners read these typed fields."""

from __future__ import annotations

from typing import Any

import pytest

from bot.incoming import (
    BlockActions,
    CheckedBody,
    EventCallback,
    Shortcut,
    SlashCommand,
    ViewPayload,
    checked_command,
    checked_payload,
    model_of,
)
from bot.incoming.kinds import Envelope, UrlVerification
from bot.incoming.objects import (
    AppHomeOpened,
    Event,
    MemberJoinedChannel,
    MessageEvent,
    ReactionAdded,
)

AUTHORIZATIONS = [
    {
        "enterprise_id": "E111",
        "team_id": "T111",
        "user_id": "U0BOT0001",
        "is_bot": True,
        "is_enterprise_install": False,
    }
]


def envelope(event: dict[str, Any]) -> dict[str, Any]:
    return {
        "token": "verification-token",
        "team_id": "T111",
        "enterprise_id": "E111",
        "api_app_id": "A111",
        "event": event,
        "type": "event_callback",
        "event_id": "Ev111",
        "event_time": 1665102362,
        "authorizations": AUTHORIZATIONS,
        "is_ext_shared_channel": False,
        "event_context": "1-message-T111-C111",
    }


def typed(payload: dict[str, Any]) -> Any:
    checked = checked_payload(payload)
    assert isinstance(checked, CheckedBody), checked
    assert checked == payload  # Bolt gets the payload as it came
    return checked.model


def test_a_slash_command() -> None:
    form = {
        "token": "verification-token",
        "team_id": "T111",
        "team_domain": "example",
        "channel_id": "C111",
        "channel_name": "general",
        "user_id": "W111",
        "user_name": "sam",
        "command": "/ticket",
        "text": "show 12",
        "enterprise_id": "",
        "api_app_id": "A111",
        "response_url": "https://hooks.slack.com/commands/T111/111/xxx",
        "trigger_id": "111.222.xxx",
        "is_enterprise_install": "false",
    }
    checked = checked_command(form)
    assert isinstance(checked, CheckedBody)
    command = checked.model
    assert isinstance(command, SlashCommand)
    assert (command.command, command.text, command.user_id) == ("/ticket", "show 12", "W111")
    assert command.origin_channel() == "C111"
    assert command.person_named() == ("W111", "sam")
    assert command.team_of_actor() == "T111"


def test_a_click_on_a_select() -> None:
    click = typed(
        {
            "type": "block_actions",
            "team": {"id": "T111", "domain": "example"},
            "user": {"id": "U111", "username": "sam", "name": "sam", "team_id": "T111"},
            "api_app_id": "A111",
            "token": "verification-token",
            "container": {
                "type": "message",
                "message_ts": "1596530361.001200",
                "channel_id": "C111",
                "is_ephemeral": False,
            },
            "trigger_id": "111.222.xxx",
            "channel": {"id": "C111", "name": "support"},
            "message": {"type": "message", "ts": "1596530361.001200", "text": "card"},
            "state": {"values": {}},
            "response_url": "https://hooks.slack.com/actions/T111/111/xxx",
            "actions": [
                {
                    "type": "static_select",
                    "action_id": "ticket.status",
                    "block_id": "b1",
                    "selected_option": {
                        "text": {"type": "plain_text", "text": "Solved", "emoji": True},
                        "value": '{"t":1,"v":2}|solved',
                    },
                    "placeholder": {"type": "plain_text", "text": "Status"},
                    "action_ts": "1596530385.194939",
                }
            ],
        }
    )
    assert isinstance(click, BlockActions)
    assert click.action.raw_value() == '{"t":1,"v":2}|solved'
    assert click.origin_channel() == "C111"
    assert click.person_named() == ("U111", "sam")
    assert click.team_of_actor() == "T111"


def test_a_submission_with_a_file_input() -> None:
    submission = typed(
        {
            "type": "view_submission",
            "team": {"id": "T111", "domain": "example"},
            "user": {"id": "U111", "username": "sam", "team_id": "T111"},
            "api_app_id": "A111",
            "trigger_id": "111.222.xxx",
            "view": {
                "id": "V111",
                "team_id": "T111",
                "type": "modal",
                "blocks": [],
                "private_metadata": '{"t":7}',
                "callback_id": "ticket.support_reply",
                "state": {
                    "values": {
                        "text": {"value": {"type": "plain_text_input", "value": "Try again"}},
                        "files": {
                            "value": {
                                "type": "file_input",
                                "files": [{"id": "F111", "name": "log.txt", "size": 12}],
                            }
                        },
                    }
                },
                "hash": "1596530361.3wRYuk3R",
                "title": {"type": "plain_text", "text": "Reply"},
                "previous_view_id": None,
                "root_view_id": "V111",
                "app_id": "A111",
                "external_id": "",
                "app_installed_team_id": "T111",
                "bot_id": "B111",
            },
            "response_urls": [],
            "is_enterprise_install": False,
        }
    )
    assert isinstance(submission, ViewPayload)
    text, files = submission.view.element("text"), submission.view.element("files")
    assert text is not None
    assert text.value == "Try again"
    assert files is not None
    assert [f.id for f in files.files or []] == ["F111"]


def test_a_modal_closed() -> None:
    closed = typed(
        {
            "type": "view_closed",
            "team": {"id": "T111", "domain": "example"},
            "user": {"id": "U111", "username": "sam", "team_id": "T111"},
            "view": {"id": "V111", "type": "modal", "callback_id": "ticket.new", "blocks": []},
            "api_app_id": "A111",
            "is_cleared": False,
        }
    )
    assert isinstance(closed, ViewPayload)
    assert closed.view.callback_id == "ticket.new"


def test_a_shortcut_on_a_message() -> None:
    shortcut = typed(
        {
            "type": "message_action",
            "token": "verification-token",
            "action_ts": "1583637157.207593",
            "team": {"id": "T111", "domain": "example"},
            "user": {"id": "W111", "name": "sam"},
            "channel": {"id": "C111", "name": "general"},
            "callback_id": "ticket.from_message",
            "trigger_id": "111.222.xxx",
            "message_ts": "1583636382.000300",
            "message": {
                "client_msg_id": "zzzz-111",
                "type": "message",
                "text": "<@W222> the printer",
                "user": "W222",
                "ts": "1583636382.000300",
                "team": "T222",
                "files": [{"id": "F111", "mode": "file_access", "file_access": "check_file_info"}],
            },
            "response_url": "https://hooks.slack.com/app/T111/111/xxx",
        }
    )
    assert isinstance(shortcut, Shortcut)
    assert shortcut.channel_of() == "C111"
    assert shortcut.message is not None
    assert (shortcut.message.user, shortcut.message.team_of_author()) == ("W222", "T222")
    assert shortcut.message.file_ids() == ["F111"]


def test_a_reply_in_a_dm_thread_its_edit_and_its_deletion() -> None:
    reply = typed(
        envelope(
            {
                "type": "message",
                "user": "U111",
                "text": "It is back",
                "ts": "1665102338.901939",
                "thread_ts": "1665102000.000100",
                "parent_user_id": "U0BOT0001",
                "channel": "D111",
                "event_ts": "1665102338.901939",
                "channel_type": "im",
            }
        )
    )
    assert isinstance(reply, EventCallback)
    assert isinstance(reply.event, MessageEvent)
    assert (reply.event.user, reply.event.thread_ts, reply.event_id) == (
        "U111",
        "1665102000.000100",
        "Ev111",
    )
    edited = typed(
        envelope(
            {
                "type": "message",
                "subtype": "message_changed",
                "message": {
                    "type": "message",
                    "text": "It is back again",
                    "user": "U111",
                    "team": "T111",
                    "edited": {"user": "U111", "ts": "1665102362.000000"},
                    "ts": "1665102338.901939",
                },
                "previous_message": {
                    "type": "message",
                    "text": "It is back",
                    "user": "U111",
                    "ts": "1665102338.901939",
                },
                "channel": "D111",
                "hidden": True,
                "ts": "1665102362.013600",
                "event_ts": "1665102362.013600",
                "channel_type": "im",
            }
        )
    )
    assert isinstance(edited.event, MessageEvent)
    message, previous = edited.event.message, edited.event.previous_message
    assert message is not None
    assert previous is not None
    assert (message.text, previous.text) == ("It is back again", "It is back")
    deleted = typed(
        envelope(
            {
                "type": "message",
                "subtype": "message_deleted",
                "previous_message": {"type": "message", "user": "U111", "ts": "1.0"},
                "channel": "D111",
                "hidden": True,
                "deleted_ts": "1665368619.804829",
                "event_ts": "1665368629.007100",
                "ts": "1665368629.007100",
                "channel_type": "im",
            }
        )
    )
    assert deleted.event.deleted_ts == "1665368619.804829"


@pytest.mark.parametrize(
    ("event", "kind"),
    [
        (
            {
                "type": "reaction_added",
                "user": "U111",
                "reaction": "ticket",
                "item_user": "U222",
                "item": {"type": "message", "channel": "C111", "ts": "1360782400.498405"},
                "event_ts": "1360782804.083113",
            },
            ReactionAdded,
        ),
        (
            {
                "type": "app_home_opened",
                "user": "U111",
                "channel": "D111",
                "tab": "home",
                "view": {"id": "V111", "type": "home", "blocks": []},
                "event_ts": "1515449522.000016",
            },
            AppHomeOpened,
        ),
        (
            {
                "type": "member_joined_channel",
                "user": "W111",
                "channel": "C111",
                "channel_type": "C",
                "team": "T111",
                "inviter": "U222",
            },
            MemberJoinedChannel,
        ),
        ({"type": "file_shared", "file_id": "F111", "user_id": "U111"}, Event),
    ],
)
def test_events_the_bot_listens_to(event: dict[str, Any], kind: type[Event]) -> None:
    payload = typed(envelope(event))
    assert type(payload.event) is kind


def test_the_url_check_and_kinds_the_bot_does_not_handle() -> None:
    assert isinstance(
        typed({"type": "url_verification", "challenge": "c", "token": "t"}), UrlVerification
    )
    other = typed({"type": "interactive_message", "callback_id": "x", "user": {"id": "U111"}})
    assert type(other) is Envelope


def test_a_body_that_skipped_the_edge_is_validated_when_read() -> None:
    assert isinstance(model_of({"command": "/ticket", "user_id": "U111"}), SlashCommand)
    with pytest.raises(ValueError, match="user_id must be a Slack user ID"):
        model_of({"command": "/ticket", "user_id": "sam"})
