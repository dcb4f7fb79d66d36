"""The console shows Slack's mrkdwn as a person reads it in Slack, and names every
button by a handle that stays the same however often its card is drawn."""

from __future__ import annotations

from bot.console.render import Renderer


def renderer() -> Renderer:
    return Renderer(lambda user: {"UALICE": "alice"}.get(user, user))


def test_mrkdwn_is_shown_as_plain_text() -> None:
    text = (
        "*Status*: _New_ ~old~ `code` <https://slack.com/archives/C1/p1|Open the card> "
        ":lock: :no_such_emoji: <@UALICE> <!here> "
        "<!date^1700000000^{date_short_pretty} {time}|14.11.2023 22:13> &lt;!channel&gt; &amp;"
    )
    assert renderer().mrkdwn(text) == (
        "Status: New old code Open the card 🔒 :no_such_emoji: @alice @here "
        "14.11.2023 22:13 <!channel> &"
    )
    # Marks inside words and a lone asterisk are text, as in Slack.
    assert renderer().mrkdwn("snake_case_name 2 * 3 = 6") == "snake_case_name 2 * 3 = 6"


def card(version: int, *, with_take: bool) -> list[dict[str, object]]:
    value = f'{{"t":3,"v":{version}}}'
    elements: list[dict[str, object]] = [
        {
            "type": "static_select",
            "action_id": "ticket.status",
            "options": [
                {"text": {"type": "plain_text", "text": "Resolved"}, "value": f"{value}|resolved"}
            ],
        },
    ]
    if with_take:
        take = {"type": "button", "action_id": "ticket.take", "value": value}
        elements.insert(0, take | {"text": {"type": "plain_text", "text": "Take it"}})
    return [{"type": "actions", "block_id": f"b{version}", "elements": elements}]


def test_a_handle_means_the_newest_drawing_and_goes_with_its_button() -> None:
    screen = renderer()
    lines = screen.blocks(card(1, with_take=True), channel="CS", message_ts="1.1")
    assert lines == ["  [#3 take] Take it", "  [#3 status K] …: (1) Resolved"]
    screen.blocks(card(2, with_take=False), channel="CS", message_ts="1.1")
    assert set(screen.clickables) == {"#3 status"}
    assert screen.clickables["#3 status"].block_id == "b2"
    # A button that names no ticket is known by its action ID.
    home = [
        {
            "type": "actions",
            "elements": [
                {
                    "type": "button",
                    "action_id": "home.new_ticket",
                    "text": {"type": "plain_text", "text": "New ticket"},
                    "value": "new",
                }
            ],
        }
    ]
    assert screen.blocks(home, view_id="V1") == ["  [home new_ticket] New ticket"]
