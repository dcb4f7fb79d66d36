"""Followers and tickets opened on behalf of someone, as Slack drives them: "Keep
informed" in the new-ticket form and Follow / Unfollow on the card make people
followers, each told in their own DM thread of every status change and support reply,
exactly once, and never of an internal note; a follower may look but acts on nothing.
Support and admins (only they) get "On behalf of": that person becomes the reporter and
is told who opened it; a forged value from anyone else changes nothing. On both
databases, in English and German."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.bot_harness import SUPPORT_CHANNEL, Bot, body_json, bot_settings
from tests.conftest import ADMIN, ALICE, BOB
from tests.e2e.test_request_type_forms import DESK, choose_type, open_form, submit, typed_state
from tests.fakes.slack_api import Call, FakeSlack

SUPPORTER = "USUPPORT02"
CAROL = "UCAROL0001"
APP_USER = "UAPPBOT001"


def admin(bot: Bot, text: str) -> str:
    return json.dumps(bot.command(ADMIN, text, command="/ticket-admin").json())


def grant_support(bot: Bot) -> None:
    assert "is now Support" in admin(bot, f"grant <@{SUPPORTER}> support")
    bot.slack.wait_for(
        lambda calls: any(
            c.args.get("channel") == SUPPORTER and f"<@{ADMIN}>" in str(c.args.get("text"))
            for c in calls
        )
    )


def set_status(bot: Bot, user: str, ticket_id: int, status: str, label: str) -> None:
    """Choose a status on the card, then wait until the card and the reporter show it."""
    assert bot.click(user, ticket_id, "ticket.status", status).status == 200
    bot.slack.wait_for(lambda _: any(f"*{label}*" in t for t in bot.dm_thread(ticket_id)))
    shows = json.dumps(f"*Status*\n{label}")[1:-1]
    bot.slack.wait_for(lambda _: shows in json.dumps(bot.card(ticket_id).args["blocks"]))


def form_values(title: str, **people: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {
        "title": {"type": "plain_text_input", "value": title},
        "description": {"type": "plain_text_input", "value": None},
        "priority": {"type": "static_select", "selected_option": {"value": "medium"}},
        **people,
    }


def keep_informed(*users: str) -> dict[str, Any]:
    return {"followers": {"type": "multi_users_select", "selected_users": list(users)}}


def on_behalf_of(user: str) -> dict[str, Any]:
    return {"on_behalf": {"type": "users_select", "selected_user": user}}


def cards(slack: FakeSlack) -> list[Call]:
    return [
        c
        for c in slack.calls("chat.postMessage")
        if c.args.get("channel") == SUPPORT_CHANNEL and not c.args.get("thread_ts")
    ]


def open_with(bot: Bot, user: str, title: str, **people: dict[str, Any]) -> int:
    """`/ticket`, the form submitted with the people named; the new ticket's number."""
    before = len(cards(bot.slack))
    view = bot.open_modal(user)
    response = bot.submit(user, view, form_values(title, **people))
    assert response.status == 200, response.body
    assert response.body in (b"", b"{}"), response.body
    card = bot.slack.wait_for(lambda calls: len(cards(bot.slack)) > before) and cards(bot.slack)
    return int(str(card[before].args["text"]).split("#")[1].split(":")[0])


def follower_root(slack: FakeSlack, user: str, ticket_id: int) -> Call | None:
    return next(
        (
            c
            for c in slack.calls("chat.postMessage")
            if c.args.get("channel") == user
            and not c.args.get("thread_ts")
            and "ticket.unfollow" in str(c.args.get("blocks"))
            and f"*#{ticket_id}*" in str(c.args.get("text"))
        ),
        None,
    )


def follower_thread(slack: FakeSlack, user: str, ticket_id: int) -> list[str]:
    root = follower_root(slack, user, ticket_id)
    if root is None:
        return []
    return [
        str(c.args.get("text"))
        for c in slack.calls("chat.postMessage")
        if c.args.get("thread_ts") == root.response["ts"]
        and c.args.get("channel") == root.response["channel"]
    ]


def entry(bot: Bot, user: str, ticket_id: int, button: str, text: str) -> None:
    """A support reply or an internal note, through its button and its modal."""
    before = len(bot.slack.calls("views.open"))
    assert bot.click(user, ticket_id, button).status == 200
    modal = bot.slack.wait_for("views.open", count=before + 1)[-1].args["view"]
    response = bot.submit(user, modal, {"text": {"type": "plain_text_input", "value": text}})
    assert response.status == 200, response.body


_markers = iter(range(1, 1000))


def settle(bot: Bot, ticket_id: int) -> None:
    """Everything the ticket's changes so far caused is out: its messages go out in
    order, and a note made now is the last of them."""
    marker = f"marker {next(_markers)}"
    entry(bot, ADMIN, ticket_id, "ticket.note", marker)
    bot.slack.wait_for(lambda _: any(marker in t for t in bot.support_thread(ticket_id)))


def shown(bot: Bot, user: str, ticket_id: int) -> str:
    return json.dumps(bot.command(user, f"show {ticket_id}").json(), ensure_ascii=False)


def test_keep_informed_followers_hear_each_status_change_and_support_reply_once(
    bot: Bot,
) -> None:
    grant_support(bot)
    slack = bot.slack
    view = bot.open_modal(ALICE)
    blocks = {b.get("block_id"): b for b in view["blocks"]}
    assert blocks["followers"]["label"]["text"] == "Keep informed"
    assert blocks["followers"]["element"]["type"] == "multi_users_select"
    assert "on_behalf" not in blocks  # a plain user names nobody else as the reporter
    # The reporter named too, and a person twice: kept once, the reporter left out.
    ticket_id = open_with(bot, ALICE, "VPN drops", **keep_informed(BOB, ALICE, BOB, CAROL))
    slack.wait_for(lambda _: follower_root(slack, BOB, ticket_id) is not None)
    slack.wait_for(lambda _: follower_root(slack, CAROL, ticket_id) is not None)
    root = follower_root(slack, BOB, ticket_id)
    assert root is not None
    assert f"You are following *#{ticket_id}* “VPN drops”" in root.args["text"]
    assert f"<@{ALICE}> asked to keep you informed" in root.args["text"]
    assert "ticket.unfollow" in json.dumps(root.args["blocks"])
    assert follower_root(slack, ALICE, ticket_id) is None
    # The reporter named them: not told again in their thread; /ticket show lists them.
    assert f"Kept informed: <@{BOB}>, <@{CAROL}>" in shown(bot, ALICE, ticket_id)

    set_status(bot, SUPPORTER, ticket_id, "in_progress", "In progress")
    entry(bot, SUPPORTER, ticket_id, "ticket.note", "Internal: the VPN box is flaky")
    entry(bot, SUPPORTER, ticket_id, "ticket.reply", "Please restart the client")
    slack.wait_for(lambda _: len(follower_thread(slack, BOB, ticket_id)) >= 2)
    slack.wait_for(lambda _: len(follower_thread(slack, CAROL, ticket_id)) >= 2)
    slack.wait_for(lambda _: any("restart" in t for t in bot.dm_thread(ticket_id)))
    settle(bot, ticket_id)
    for person in (BOB, CAROL):
        told = follower_thread(slack, person, ticket_id)
        assert len(told) == 2, told
        assert "changed the status" in told[0]
        assert "*In progress*" in told[0]
        assert "Please restart the client" in told[1]
    assert any("flaky" in t for t in bot.support_thread(ticket_id))
    for person in (BOB, CAROL):
        root = follower_root(slack, person, ticket_id)
        assert root is not None
        assert "flaky" not in json.dumps(root.args)
        assert not any(
            "flaky" in t or "marker" in t for t in follower_thread(slack, person, ticket_id)
        )


def test_support_follows_and_unfollows_on_the_card_a_plain_user_may_not(bot: Bot) -> None:
    grant_support(bot)
    slack = bot.slack
    ticket_id = bot.open_ticket(ALICE, "Printer jams")
    assert bot.click(BOB, ticket_id, "ticket.follow").status == 200
    slack.wait_for(lambda _: any("not allowed to follow" in t for t in bot.ephemeral_texts()))

    assert bot.click(SUPPORTER, ticket_id, "ticket.follow").status == 200
    slack.wait_for(
        lambda _: any(f"You follow *#{ticket_id}* now" in t for t in bot.ephemeral_texts())
    )
    slack.wait_for(lambda _: follower_root(slack, SUPPORTER, ticket_id) is not None)
    # The reporter hears who follows their ticket; the card shows it.
    slack.wait_for(
        lambda _: f"<@{SUPPORTER}> follows *#{ticket_id}* now" in " ".join(bot.dm_thread(ticket_id))
    )
    slack.wait_for(
        lambda _: f"Kept informed: <@{SUPPORTER}>" in json.dumps(bot.card(ticket_id).args)
    )
    assert bot.click(SUPPORTER, ticket_id, "ticket.follow").status == 200
    slack.wait_for(
        lambda _: any(f"You follow *#{ticket_id}* already" in t for t in bot.ephemeral_texts())
    )
    # Someone else's change reaches the follower; their own does not.
    set_status(bot, ADMIN, ticket_id, "waiting", "Waiting for reply")
    slack.wait_for(lambda _: len(follower_thread(slack, SUPPORTER, ticket_id)) == 1)
    set_status(bot, SUPPORTER, ticket_id, "in_progress", "In progress")

    assert bot.click(SUPPORTER, ticket_id, "ticket.unfollow").status == 200
    slack.wait_for(
        lambda _: any(f"no longer follow *#{ticket_id}*" in t for t in bot.ephemeral_texts())
    )
    set_status(bot, ADMIN, ticket_id, "resolved", "Resolved")
    settle(bot, ticket_id)
    told = follower_thread(slack, SUPPORTER, ticket_id)
    assert len(told) == 1, told
    assert "*Waiting for reply*" in told[0]
    assert "Kept informed" not in json.dumps(bot.card(ticket_id).args)


def test_a_follower_may_look_but_not_act(bot: Bot) -> None:
    grant_support(bot)
    ticket_id = open_with(bot, ALICE, "Laptop slow", **keep_informed(BOB))
    entry(bot, SUPPORTER, ticket_id, "ticket.note", "Secret note on the laptop")
    settle(bot, ticket_id)
    seen = shown(bot, BOB, ticket_id)
    assert "Laptop slow" in seen
    assert "Secret note" not in seen
    assert "Secret note" in shown(bot, SUPPORTER, ticket_id)
    # Someone who neither reports nor follows it sees nothing of it.
    assert "Laptop slow" not in shown(bot, CAROL, ticket_id)
    before = len(bot.ephemeral_texts())
    assert bot.click(BOB, ticket_id, "ticket.status", "closed").status == 200
    bot.slack.wait_for(lambda _: len(bot.ephemeral_texts()) > before)
    assert "not allowed" in bot.ephemeral_texts()[-1]
    assert "Laptop slow" in shown(bot, BOB, ticket_id)
    assert "New" in shown(bot, BOB, ticket_id)
    # The follower stops following from their own DM thread.
    root = follower_root(bot.slack, BOB, ticket_id)
    assert root is not None
    assert "ticket.unfollow" in json.dumps(root.args["blocks"])


def test_support_opens_a_ticket_on_behalf_of_a_person(bot: Bot) -> None:
    grant_support(bot)
    slack = bot.slack
    view = bot.open_modal(SUPPORTER)
    blocks = {b.get("block_id"): b for b in view["blocks"]}
    assert blocks["on_behalf"]["label"]["text"] == "On behalf of"
    assert blocks["on_behalf"]["element"] == {"type": "users_select", "action_id": "value"}
    ticket_id = open_with(bot, SUPPORTER, "Cannot log in <!channel>", **on_behalf_of(ALICE))
    root = bot.dm_root(ticket_id)
    assert root.args["channel"] == ALICE
    text = root.args["text"]
    assert f"<@{SUPPORTER}> opened this ticket for you: *#{ticket_id}*" in text
    assert "Cannot log in &lt;!channel&gt;" in text
    assert "<!channel>" not in text
    assert "reporter.withdraw" in json.dumps(root.args["blocks"])
    slack.wait_for(
        lambda _: any(
            f"You opened *#{ticket_id}*" in str(c.args.get("text"))
            for c in slack.calls("chat.postMessage")
            if c.args.get("channel") == SUPPORTER
        )
    )
    assert f"<@{ALICE}>" in json.dumps(bot.card(ticket_id).args["blocks"])
    history = shown(bot, SUPPORTER, ticket_id)
    assert f"<@{SUPPORTER}>" in history
    assert "Reporter" in history
    # The reporter is the person: their ticket, their list.
    assert "Cannot log in" in shown(bot, ALICE, ticket_id)
    # Naming oneself is opening one's own ticket.
    own = open_with(bot, SUPPORTER, "My own", **on_behalf_of(SUPPORTER))
    assert "Your ticket" in bot.dm_root(own).args["text"]


def test_a_forged_on_behalf_from_a_plain_user_changes_nothing(bot: Bot) -> None:
    view = bot.open_modal(ALICE)
    assert "on_behalf" not in {b.get("block_id") for b in view["blocks"]}
    posts = len(bot.slack.calls("chat.postMessage"))
    response = bot.submit(ALICE, view, form_values("Forged", **on_behalf_of(BOB)))
    assert response.status == 200
    errors = body_json(response)
    assert errors["response_action"] == "errors"
    assert "not allowed to open a ticket on behalf" in errors["errors"]["on_behalf"]
    assert "does not exist" in json.dumps(bot.command(ADMIN, "show 1").json())
    assert len(bot.slack.calls("chat.postMessage")) == posts


def test_apps_and_deactivated_accounts_are_refused_under_their_input(bot: Bot) -> None:
    grant_support(bot)
    bot.slack.set_app(APP_USER)
    bot.slack.deactivate(CAROL)
    view = bot.open_modal(SUPPORTER)
    posts = len(bot.slack.calls("chat.postMessage"))
    values = form_values("Nope", **keep_informed(BOB, APP_USER), **on_behalf_of(CAROL))
    errors = body_json(bot.submit(SUPPORTER, view, values))["errors"]
    assert set(errors) == {"followers", "on_behalf"}
    assert "An app or a deactivated account" in errors["followers"]
    assert "does not exist" in json.dumps(bot.command(ADMIN, "show 1").json())
    assert len(bot.slack.calls("chat.postMessage")) == posts


def test_german_words(bot: Bot) -> None:
    bot.slack.set_locale(SUPPORTER, "de-DE")
    bot.slack.set_locale(BOB, "de-DE")
    bot.slack.set_locale(ALICE, "de-DE")
    grant_support(bot)
    view = bot.open_modal(SUPPORTER)
    labels = {b.get("block_id"): b["label"]["text"] for b in view["blocks"] if "label" in b}
    assert labels["on_behalf"] == "Im Namen von"
    assert labels["followers"] == "Auch informieren"
    ticket_id = open_with(bot, SUPPORTER, "Drucker", **on_behalf_of(ALICE), **keep_informed(BOB))
    assert (
        f"<@{SUPPORTER}> hat dieses Ticket für Sie eröffnet" in bot.dm_root(ticket_id).args["text"]
    )
    bot.slack.wait_for(lambda _: follower_root(bot.slack, BOB, ticket_id) is not None)
    root = follower_root(bot.slack, BOB, ticket_id)
    assert root is not None
    assert f"Sie folgen *#{ticket_id}*" in root.args["text"]
    bot.slack.wait_for(
        lambda _: (
            f"lässt <@{BOB}> über *#{ticket_id}* informieren" in " ".join(bot.dm_thread(ticket_id))
        )
    )


@pytest.fixture
def desk_bot(database_url: str, slack: FakeSlack, tmp_path: Path) -> Iterator[Bot]:
    desk_file = tmp_path / "desk.yaml"
    desk_file.write_text(DESK)
    settings = bot_settings(database_url, slack, flashticket_desk_file=str(desk_file))
    running = Bot(slack, settings).start()
    yield running
    running.stop()


def _people_pickers(view: dict[str, Any]) -> dict[str, tuple[str, str]]:
    return {
        b["block_id"]: (b["element"]["type"], b["element"]["action_id"])
        for b in view["blocks"]
        if b.get("block_id") in ("followers", "on_behalf")
    }


def test_the_people_pickers_keep_their_ids_when_a_request_type_updates_the_form(
    desk_bot: Bot,
) -> None:
    """Slack keeps who was picked across views.update while block_id and action_id stay."""
    pickers = {
        "on_behalf": ("users_select", "value"),
        "followers": ("multi_users_select", "value"),
    }
    modal, opened = open_form(desk_bot, ADMIN)
    assert _people_pickers(modal) == pickers
    update = choose_type(desk_bot, ADMIN, opened, "hardware", title="Dock flickers")
    assert _people_pickers(update.args["view"]) == pickers
    shown = {**update.args["view"], "id": opened.response["view"]["id"]}
    state = typed_state(
        "Dock flickers",
        "hardware",
        **{"field.hardware.asset_tag": {"type": "plain_text_input", "value": "A-17"}},
        on_behalf={"type": "users_select", "selected_user": ALICE},
        followers={"type": "multi_users_select", "selected_users": [BOB]},
    )
    assert submit(desk_bot, ADMIN, shown, state) == {}
    desk_bot.slack.wait_for(lambda _: follower_root(desk_bot.slack, BOB, 1) is not None)
    assert desk_bot.dm_root(1).args["channel"] == ALICE
    # A plain user's form has no "On behalf of", before and after the update.
    plain, opened = open_form(desk_bot, ALICE)
    assert set(_people_pickers(plain)) == {"followers"}
    update = choose_type(desk_bot, ALICE, opened, "access", title="VPN")
    assert set(_people_pickers(update.args["view"])) == {"followers"}
