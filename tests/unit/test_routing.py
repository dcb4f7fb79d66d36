"""The routing rules (a ticket belongs to its request type's team; one from a message to
its intake channel's team, else the first), each team's clock, where the Slack side
sends a team's messages, and the card's "Move to team" with what a move looks like."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from slack_sdk import WebClient

from bot.blocks.card import ticket_card
from bot.blocks.moving import move_modal, moved_card, moved_card_text, moved_text
from bot.sending.slack import Slack
from bot.sending.threads import under_the_card
from flashticket_core.config import CoreSettings
from flashticket_core.desk_file import parse_desk_text, single_team
from flashticket_core.domain.enums import Priority, Status
from flashticket_core.errors import InvalidInput
from flashticket_core.i18n import Language
from flashticket_core.service_layer.common import Environment
from flashticket_core.service_layer.delivery.outgoing import Outgoing, Thread
from flashticket_core.service_layer.delivery.ports import Delivered
from flashticket_core.service_layer.desk import HelpDesk
from flashticket_core.service_layer.outbox import MessageKind
from flashticket_core.service_layer.routing import route_new_ticket
from flashticket_core.service_layer.sweep import Notice, notice_messages
from flashticket_core.service_layer.team_clocks import team_clocks
from flashticket_core.service_layer.views import TicketSummary

DESK = parse_desk_text(
    """\
teams:
  - {id: it, name: IT-Support, channel: C0IT000001, intake_channels: [C0ITHELP01]}
  - id: hr
    name: HR & People
    channel: G0HR000001
    intake_channels: [C0HRHELP01, C0JOBS0001]
    escalation_channel: G0HRESC001
    sla: "high=2h/1d"
    business_hours: "mon-fri 09:00-12:00"
  - {id: fm, name: Facilities, channel: C0FM000001}
request_types:
  - {id: hardware, name: Hardware defect, team: it}
  - {id: leave, name: Leave request, team: hr, priority: low}
  - {id: access, name: Access, team: it, priority: high}
  - {id: payroll, name: Payroll, team: hr}
""",
    source="desk.yaml",
)
NOW = datetime(2026, 3, 16, 10, tzinfo=UTC)


@pytest.mark.parametrize(
    ("request_type", "channel", "team"),
    [
        ("leave", None, "hr"),
        ("hardware", "C0HRHELP01", "it"),  # the type decides, wherever it was made
        (None, "C0JOBS0001", "hr"),
        (None, "C0ITHELP01", "it"),
        (None, "C0GENERAL1", "it"),  # no intake channel: the first team
        (None, None, "it"),
        ("dropped", "C0HRHELP01", "hr"),  # a type the desk no longer has routes as none
    ],
)
def test_a_ticket_goes_to_its_types_team_else_its_intake_channels_else_the_first(
    request_type: str | None, channel: str | None, team: str
) -> None:
    assert DESK.route(request_type, channel).id == team


def test_the_types_of_the_intake_channels_team_come_first() -> None:
    ids = [kind.id for kind in DESK.types_first_for("C0HRHELP01")]
    assert ids == ["leave", "payroll", "hardware", "access"]
    assert DESK.team_for_channel("C0JOBS0001") is DESK.team("hr")
    assert DESK.team_for_channel("C0GENERAL1") is None
    # Elsewhere, the desk file's order.
    assert [kind.id for kind in DESK.types_first_for("C0GENERAL1")] == [
        "hardware",
        "leave",
        "access",
        "payroll",
    ]
    assert next(kind.id for kind in DESK.types_first_for(None)) == "hardware"
    assert DESK.default_type_of("fm") is None
    assert DESK.default_type_of("hr") is DESK.request_type("leave")


def test_the_service_layer_tells_a_form_the_types_of_its_channel_first() -> None:
    env = Environment(units=None, reads=None, structure=DESK)  # type: ignore[arg-type]
    routing = HelpDesk.over(env).routing
    assert [kind.id for kind in routing.types_for_channel("C0HRHELP01")][:2] == [
        "leave",
        "payroll",
    ]
    team = routing.team_for_channel("C0HRHELP01")
    assert team is not None
    assert team.id == "hr"
    assert routing.team_for_channel("C0GENERAL1") is None


def test_a_desk_without_a_desk_file_routes_everything_to_support() -> None:
    desk = single_team("C0SUPPORT1")
    assert desk.route("leave", "C0HRHELP01").id == "support"
    assert desk.types_first_for("C0HRHELP01") == ()


def test_a_new_tickets_priority_is_the_persons_else_the_types_else_medium() -> None:
    def route(**given: object) -> tuple[str, str | None, Priority]:
        values: dict[str, object] = {"request_type": None, "channel": None, "priority": None}
        found = route_new_ticket(DESK, **(values | given))  # type: ignore[arg-type]
        return found.team_id, found.request_type, found.priority

    assert route(request_type="access") == ("it", "access", Priority.HIGH)
    assert route(request_type="access", priority=Priority.LOW) == ("it", "access", Priority.LOW)
    assert route(request_type="payroll") == ("hr", "payroll", Priority.MEDIUM)
    # From a message: the routed team's first type, with its priority.
    assert route(channel="C0HRHELP01") == ("hr", "leave", Priority.LOW)
    assert route(channel="C0GENERAL1") == ("it", "hardware", Priority.MEDIUM)
    # The form without a type: the first team, no type.
    assert route() == ("it", None, Priority.MEDIUM)


def test_an_unknown_request_type_is_refused_with_the_known_ones() -> None:
    with pytest.raises(InvalidInput) as refused:
        route_new_ticket(DESK, request_type="visa", channel=None, priority=None)
    assert refused.value.field == "request_type"
    assert refused.value.message(Language.EN) == (
        "Unknown request type “visa”; use hardware, leave, access, payroll."
    )
    assert refused.value.message(Language.DE) == (
        "Unbekannte Art der Anfrage „visa“; erlaubt sind hardware, leave, access, payroll."
    )


def test_each_team_runs_on_its_own_levels_and_calendar_else_the_help_desks() -> None:
    settings = CoreSettings(
        _env_file=None,  # type: ignore[call-arg]
        flashticket_sla="high=30m/4h",
        flashticket_business_hours="always",
    )
    clocks = team_clocks(settings, DESK)
    it, hr = clocks.of("it"), clocks.of("hr")
    assert it is clocks.default  # nothing of its own: the help desk's clock itself
    assert it.service_levels.targets(Priority.HIGH).first_response == timedelta(minutes=30)
    assert hr.service_levels.targets(Priority.HIGH).first_response == timedelta(hours=2)
    # HR's `d` is its business day of three hours.
    assert hr.service_levels.targets(Priority.HIGH).resolution == timedelta(hours=3)
    assert hr.calendar.add(NOW.replace(hour=11), timedelta(hours=2)) == NOW.replace(day=17, hour=10)
    # A team the desk file dropped (its tickets keep it): the help desk's clock.
    assert clocks.of("finance") is clocks.default
    # The waiting and resolved tickets' timers are the help desk's for every team.
    assert hr.auto_close == it.auto_close == timedelta(days=7)
    assert clocks.active
    assert clocks.any_targets


def test_a_sweeps_escalations_and_support_reminders_are_listed_per_team() -> None:
    def notice(ticket: int, team: str, *, breach: bool, to: str | None = None) -> Notice:
        return Notice(ticket, breach, to, {"target": "first_response"}, team_id=team)

    told = notice_messages(
        [
            notice(1, "it", breach=True),
            notice(2, "hr", breach=True),
            notice(3, "it", breach=True),
            notice(4, "hr", breach=False),
            notice(5, "hr", breach=False),
            notice(6, "it", breach=False, to="USAM000001"),
            notice(7, "hr", breach=False, to="USAM000001"),
        ],
        NOW,
    )
    listed = [
        (m.kind.value, m.ticket_id, json.loads(m.payload).get("team"), m.recipient) for m in told
    ]
    assert listed == [
        ("escalation", None, "it", None),
        ("escalation", 2, None, None),  # alone: about its ticket, whose team is known
        ("support_notice", None, "hr", None),
        # One person's reminders come together, whatever the teams.
        ("person", None, None, "USAM000001"),
    ]


def slack(desk: object = DESK, escalation: str | None = None) -> Slack:
    return Slack(
        client=WebClient(token="xoxb-unused"),
        support_channel="C0SUPPORT1",
        escalation_channel=escalation or "C0SUPPORT1",
        lang=Language.EN,
        language_of=lambda _person: Language.EN,
        desk=desk,  # type: ignore[arg-type]
        configured_escalation=escalation,
    )


def test_a_teams_messages_go_to_its_channels() -> None:
    desk = slack()
    assert desk.team_channel("hr") == "G0HR000001"
    assert desk.team_escalation_channel("hr") == "G0HRESC001"
    # No escalation channel of its own, none configured: the team's channel.
    assert desk.team_escalation_channel("it") == "C0IT000001"
    assert slack(escalation="C0ESCALATE").team_escalation_channel("it") == "C0ESCALATE"
    assert slack(escalation="C0ESCALATE").team_escalation_channel("hr") == "G0HRESC001"
    # A team the desk file dropped: the support channel.
    assert desk.team_channel("finance") == "C0SUPPORT1"
    assert desk.several_teams
    assert desk.team_name("hr") == "HR & People"


def test_without_a_desk_file_everything_is_the_support_channels() -> None:
    for desk in (slack(desk=None), slack(desk=single_team("C0SUPPORT1"))):
        assert desk.team_channel("support") == "C0SUPPORT1"
        assert desk.team_escalation_channel("support") == "C0SUPPORT1"
        assert not desk.several_teams
    configured = slack(desk=single_team("C0SUPPORT1"), escalation="C0ESCALATE")
    assert configured.team_escalation_channel("support") == "C0ESCALATE"


def ticket(**overrides: object) -> TicketSummary:
    values: dict[str, object] = {
        "id": 42,
        "title": "Badge <b> & door",
        "status": Status.IN_PROGRESS,
        "priority": Priority.HIGH,
        "reporter_id": "UALICE0001",
        "assignee_id": "USAM000001",
        "created_at": NOW,
        "updated_at": NOW,
        "version": 4,
        "team_id": "it",
    }
    return TicketSummary(**(values | overrides))  # type: ignore[arg-type]


def action_ids(blocks: list[dict[str, object]]) -> list[str]:
    return [
        str(element["action_id"])
        for block in blocks
        if block["type"] == "actions"
        for element in block["elements"]  # type: ignore[attr-defined]
    ]


def test_the_card_offers_a_move_only_where_there_is_another_team() -> None:
    assert "ticket.move_team" not in action_ids(ticket_card(Language.EN, ticket()))
    card = ticket_card(Language.DE, ticket(), movable=True)
    assert "ticket.move_team" in action_ids(card)
    assert "Anderem Team zuweisen" in json.dumps(card, ensure_ascii=False)


def test_the_move_form_offers_the_other_teams_and_carries_the_version_seen() -> None:
    teams = [(team.id, team.name) for team in DESK.teams]
    view = move_modal(Language.EN, ticket(version=9), teams, version=4)
    [select] = [block["element"] for block in view["blocks"]]
    assert [option["value"] for option in select["options"]] == ["hr", "fm"]
    assert select["options"][0]["text"]["text"] == "HR & People"
    assert json.loads(view["private_metadata"]) == {"t": 42, "v": 4}
    assert view["title"]["text"] == "Move to team"
    assert move_modal(Language.DE, ticket(), teams, version=4)["title"]["text"] == (
        "Anderem Team zuweisen"
    )


def test_the_old_card_says_where_the_ticket_went_and_has_no_buttons() -> None:
    card = moved_card(Language.EN, ticket(), team="HR & People", actor="USAM000001")
    assert action_ids(card) == []
    text = json.dumps(card, ensure_ascii=False)
    assert "Moved to *HR &amp; People* by <@USAM000001>" in text
    assert "#42 Badge <b> & door" in text  # a header is plain text
    german = json.dumps(moved_card(Language.DE, ticket(), team="HR", actor="U1"))
    assert "Verschoben zu *HR*" in german
    assert moved_card_text(Language.DE, ticket(), "HR") == "Ticket #42: verschoben zu HR"


def test_a_move_is_told_with_the_teams_names_escaped_once() -> None:
    payload = {"event": "moved", "actor": "USAM000001", "old": "it", "new": "hr"}
    names = {"it": "IT-Support", "hr": "HR & <People>"}
    assert moved_text(Language.EN, 42, payload, names.__getitem__, for_reporter=False) == (
        "<@USAM000001> moved #42 to *HR &amp; &lt;People&gt;*."
    )
    here = payload | {"event": "moved_here"}
    assert moved_text(Language.DE, 42, here, names.__getitem__, for_reporter=False) == (
        "<@USAM000001> hat #42 von *IT-Support* hierher verschoben."
    )
    told = moved_text(Language.EN, 42, payload, names.__getitem__, for_reporter=True)
    assert told.startswith("*#42* is with *HR &amp; &lt;People&gt;* now")


def test_a_move_of_a_ticket_whose_card_never_went_out_is_not_told_in_a_channel() -> None:
    # A client that cannot reach anything: a post would raise.
    nowhere = replace_client(slack(), WebClient(token="x", base_url="http://127.0.0.1:9/"))
    message = Outgoing(
        id=1,
        kind=MessageKind.SUPPORT_THREAD,
        ticket_id=42,
        payload={"event": "moved", "actor": "USAM000001", "old": "it", "new": "hr"},
        ticket=ticket(team_id="hr"),
        thread=Thread(reporter_channel="DALICE", reporter_ts="1.1"),
    )
    assert under_the_card(nowhere, message) == Delivered()


def replace_client(desk: Slack, client: WebClient) -> Slack:
    desk.client = client
    return desk
