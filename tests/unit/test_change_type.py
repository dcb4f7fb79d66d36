"""The card's "Change type": offered only where the ticket's team has more than one
request type, its form offering the team's other types with the version seen, the
line under the card naming the types, the history naming teams and types, and the
permission table's row."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from bot.blocks.answers import ticket_detail
from bot.blocks.card import ticket_card
from bot.blocks.retyping import desk_names, type_changed_text, type_modal
from bot.words import translate
from flashticket_core.domain.enums import Role
from flashticket_core.domain.permissions import PERMISSIONS, Action, Actor, Scope
from flashticket_core.i18n import Language
from flashticket_core.service_layer.views import Change, TicketDetail
from tests.unit.test_routing import DESK, action_ids, slack, ticket

NOW = datetime(2026, 3, 16, 10, tzinfo=UTC)


def test_the_table_lets_support_of_the_team_and_admins_change_a_type() -> None:
    assert PERMISSIONS[Action.CHANGE_TYPE] == {
        Role.USER: Scope.NONE,
        Role.SUPPORT: Scope.ALL,
        Role.ADMIN: Scope.ALL,
    }
    hr = frozenset({"hr"})
    member = Actor("UMEMBER001", Role.USER, teams=hr, private_teams=hr)
    assert member.scope(Action.CHANGE_TYPE, "hr") is Scope.ALL
    assert member.scope(Action.CHANGE_TYPE, "it") is Scope.NONE
    assert translate("action.change_type", Language.DE) == "die Art der Anfrage von Tickets ändern"


def test_the_card_offers_a_change_of_type_only_where_the_team_has_several() -> None:
    assert "ticket.change_type" not in action_ids(ticket_card(Language.EN, ticket()))
    card = ticket_card(Language.DE, ticket(), retypable=True)
    assert "ticket.change_type" in action_ids(card)
    assert "Art ändern" in json.dumps(card, ensure_ascii=False)
    # The desk's teams: IT and HR have two types each, Facilities none.
    desk = slack()
    assert desk.several_types("it")
    assert desk.several_types("hr")
    assert not desk.several_types("fm")
    assert not slack(desk=None).several_types("support")


def test_the_form_offers_the_teams_other_types_and_carries_the_version_seen() -> None:
    kinds = DESK.request_types_of("it")
    view = type_modal(Language.EN, ticket(version=9, request_type="hardware"), kinds, version=4)
    [block] = view["blocks"]
    assert block["block_id"] == "request_type"
    assert [option["value"] for option in block["element"]["options"]] == ["access"]
    assert json.loads(view["private_metadata"]) == {"t": 42, "v": 4}
    assert view["callback_id"] == "change_type"
    assert "fields are not asked" in block["hint"]["text"]
    # A ticket without a type yet: every type of its team.
    untyped = type_modal(Language.DE, ticket(), kinds, version=4)
    assert [o["value"] for o in untyped["blocks"][0]["element"]["options"]] == [
        "hardware",
        "access",
    ]
    assert untyped["title"]["text"] == "Art ändern"


def test_the_line_under_the_card_names_the_types_escaped_once() -> None:
    payload = {"event": "type_changed", "actor": "USAM000001", "old": "hardware", "new": "x<y>"}
    names = desk_names(DESK)
    assert type_changed_text(Language.EN, 42, payload, names) == (
        "<@USAM000001> changed the request type of #42 from *Hardware defect* to *x&lt;y&gt;*."
    )
    untyped = payload | {"old": None, "new": "access"}
    assert type_changed_text(Language.DE, 42, untyped, names) == (
        "<@USAM000001> hat die Art der Anfrage von #42 von *–* zu *Access* geändert."
    )


def test_the_history_names_teams_and_types_the_desk_knows_and_ids_it_dropped() -> None:
    history = [
        Change(actor_id="USAM000001", field="team", old="it", new="hr", at=NOW),
        Change(actor_id="USAM000001", field="request_type", old="gone", new="leave", at=NOW),
    ]
    detail = TicketDetail(
        ticket=ticket(),
        resolved_at=None,
        closed_at=None,
        first_response_at=None,
        rating=None,
        conversation=[],
        history=history,
    )
    shown = json.dumps(ticket_detail(Language.EN, detail, names=desk_names(DESK)))
    assert "Team: IT-Support \\u2192 HR &amp; People" in shown
    assert "Request type: gone \\u2192 Leave request" in shown
    # Without the desk's names, the ids as stored.
    assert "Team: it \\u2192 hr" in json.dumps(ticket_detail(Language.EN, detail))
