"""Request types' fields: the checks of each field type, the desk file's limits, the
modal's blocks within Slack's limits, the form read back from a submission, the
metadata's size and the search's `field:<id>=<value>`."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest

from bot.blocks import new_ticket_modal
from bot.blocks.forms import field_block_id, fields_section
from bot.console.refusals import PRIVATE_METADATA_MAX, check_view
from bot.incoming.objects import View
from bot.listeners.forms import form_for
from bot.payloads import TicketSource, new_ticket_form, source_of_view
from flashticket_core.desk_file import DeskFileError, RequestType, parse_desk_text
from flashticket_core.domain.enums import Priority
from flashticket_core.domain.model import FieldValue, MessageSource
from flashticket_core.errors import InvalidFields, InvalidInput
from flashticket_core.i18n import Language
from flashticket_core.service_layer import views
from flashticket_core.service_layer.common import Environment
from flashticket_core.service_layer.conversation import AttachedFile
from flashticket_core.service_layer.desk import HelpDesk
from flashticket_core.service_layer.fields import checked_fields
from flashticket_core.service_layer.search_terms import FieldFilter, field_filters_of
from tests.fakes_core import FakeReads, FakeUnitOfWork

DESK = """\
teams:
  - {id: it, name: IT, channel: C0IT, intake_channels: [C0HELPIT]}
  - {id: hr, name: HR, channel: G0HR, intake_channels: [C0HELPHR]}
request_types:
  - id: hardware
    name: Hardware defect
    team: it
    priority: high
    fields:
      - {id: asset_tag, label: Asset tag, type: text, required: true}
      - {id: notes, label: Notes, type: long_text}
      - {id: count, label: How many, type: number}
      - {id: floor, label: Floor, type: select, options: [EG, 1. OG, 2. OG]}
      - {id: rooms, label: Rooms, type: multi_select, options: [A, B, C]}
      - {id: owner, label: Owner, type: user}
      - {id: since, label: Since, type: date}
      - {id: urgent, label: Blocks my work, type: checkbox}
      - {id: link, label: Link, type: url}
      - {id: mail, label: Mail, type: email}
  - {id: access, name: Access, team: hr}
"""


@pytest.fixture
def structure():  # type: ignore[no-untyped-def]
    return parse_desk_text(DESK, source="desk.yaml")


@pytest.fixture
def hardware(structure) -> RequestType:  # type: ignore[no-untyped-def]
    kind = structure.request_type("hardware")
    assert kind is not None
    return kind


def _values(**given: str | tuple[str, ...]) -> list[FieldValue]:
    return [
        FieldValue(field_id, value if isinstance(value, tuple) else (value,))
        for field_id, value in given.items()
    ]


# -- the checks -------------------------------------------------------------------


def test_good_values_are_kept_with_label_and_type_in_the_forms_order(hardware) -> None:  # type: ignore[no-untyped-def]
    kept = checked_fields(
        hardware,
        _values(
            mail="a.b@example.org",
            asset_tag=" A-17 ",
            count="-2.5",
            floor="1. OG",
            rooms=("C", "A"),
            owner="U0OWNER01",
            since="2026-02-28",
            urgent="true",
            link="https://intra.example/x?y=1",
            notes="line 1\nline 2",
        ),
    )
    assert [v.field_id for v in kept] == [
        "asset_tag", "notes", "count", "floor", "rooms", "owner", "since", "urgent", "link", "mail"
    ]  # fmt: skip
    by_id = {v.field_id: v for v in kept}
    assert by_id["asset_tag"] == FieldValue("asset_tag", ("A-17",), "Asset tag", "text")
    # A multi-select's values in the options' order.
    assert by_id["rooms"].values == ("A", "C")
    assert by_id["urgent"].values == ("true",)


def test_a_missing_required_field_and_every_wrong_one_are_told_at_once(hardware) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(InvalidFields) as raised:
        checked_fields(
            hardware,
            _values(
                count="12abc",
                since="2026-02-30",
                link="javascript:alert(1)",
                mail="not-an-address",
                floor="3. OG",
                rooms=("A", "Z"),
                owner="U0 BAD",
            ),
        )
    errors = {e.field: e.key for e in raised.value.errors}
    assert errors == {
        "asset_tag": "error.field_required",
        "count": "error.field_number",
        "since": "error.field_date",
        "link": "error.field_url",
        "mail": "error.field_email",
        "floor": "error.field_option",
        "rooms": "error.field_option",
        "owner": "error.invalid_user_id",
    }
    # Each message in both languages names the field by its label.
    required = raised.value.errors[0]
    assert "Asset tag" in required.message(Language.EN)
    assert "Asset tag" in required.message(Language.DE)


@pytest.mark.parametrize(
    ("field_id", "value", "good"),
    [
        ("count", "42", True),
        ("count", "3.14", True),
        ("count", "NaN", False),
        ("count", "1e400", False),
        ("since", "2026-2-1", False),
        ("since", "2024-02-29", True),
        ("link", "http://example.org", True),
        ("link", "ftp://example.org/file", False),
        ("link", "https://", False),
        ("link", "https://exa mple.org", False),
        ("mail", "x@y.z", True),
        ("mail", "x@y", False),
        ("mail", "<x@y.z>", False),
    ],
)
def test_typed_values(hardware, field_id: str, value: str, good: bool) -> None:  # type: ignore[no-untyped-def]
    given = [*_values(asset_tag="A-1"), FieldValue(field_id, (value,))]
    if good:
        assert checked_fields(hardware, given)[-1].values == (value,)
    else:
        with pytest.raises(InvalidFields) as raised:
            checked_fields(hardware, given)
        assert [e.field for e in raised.value.errors] == [field_id]


def test_a_value_longer_than_its_field_allows_is_refused(hardware) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(InvalidFields) as raised:
        checked_fields(hardware, _values(asset_tag="x" * 501))
    assert raised.value.errors[0].key == "error.field_too_long"
    assert checked_fields(hardware, _values(asset_tag="A", notes="y" * 3000))[1].values[0]


def test_values_of_fields_the_type_lacks_are_left_out(hardware) -> None:  # type: ignore[no-untyped-def]
    kept = checked_fields(hardware, _values(asset_tag="A-1", gone="x"))
    assert [v.field_id for v in kept] == ["asset_tag"]


# -- the desk file's limits ---------------------------------------------------------


@pytest.mark.parametrize(
    ("fields", "problem"),
    [
        ('[{id: f, label: F, type: select, options: ["' + "o" * 76 + '"]}]', "longer than 75"),
        (
            "[{id: f, label: F, type: select, options: ["
            + ", ".join(f"o{i}" for i in range(101))
            + "]}]",
            "101 options, more than 100",
        ),
        (
            "[" + ", ".join(f"{{id: f{i}, label: F, type: text}}" for i in range(51)) + "]",
            "at most 50",
        ),
    ],
)
def test_the_desk_file_keeps_forms_within_what_a_modal_shows(fields: str, problem: str) -> None:
    text = (
        "teams: [{id: it, name: IT, channel: C0IT}]\n"
        f"request_types: [{{id: big, name: Big, team: it, fields: {fields}}}]\n"
    )
    with pytest.raises(DeskFileError) as raised:
        parse_desk_text(text, source="desk.yaml")
    line = str(raised.value)
    assert line.startswith("desk.yaml: ")
    assert "request_types[0] (big).fields" in line
    assert problem in line


# -- the modal ----------------------------------------------------------------------


def test_without_request_types_the_form_is_todays(structure) -> None:  # type: ignore[no-untyped-def]
    plain = new_ticket_modal(Language.EN, title="Printer")
    assert plain == new_ticket_modal(Language.EN, title="Printer", kinds=())
    assert [b["block_id"] for b in plain["blocks"]] == [
        "title", "description", "priority", "followers"
    ]  # fmt: skip
    assert "private_metadata" not in plain


def test_several_types_start_with_the_select_labelled_as_the_spec_says(structure) -> None:  # type: ignore[no-untyped-def]
    for lang, label in ((Language.EN, "Request type"), (Language.DE, "Art der Anfrage")):
        modal = new_ticket_modal(lang, kinds=structure.request_types)
        check_view(modal)
        first = modal["blocks"][0]
        assert first["block_id"] == "request_type"
        assert first["label"]["text"] == label
        assert first["dispatch_action"] is True
        options = first["element"]["options"]
        assert [o["text"]["text"] for o in options] == ["Hardware defect", "Access"]
        assert [o["value"] for o in options] == ["hardware", "access"]
        # No type chosen yet: no type's fields.
        assert [b["block_id"] for b in modal["blocks"]] == [
            "request_type", "title", "description", "priority", "followers"
        ]  # fmt: skip


def test_a_chosen_type_adds_each_field_as_its_input(structure, hardware) -> None:  # type: ignore[no-untyped-def]
    modal = new_ticket_modal(Language.EN, kinds=structure.request_types, chosen=hardware)
    check_view(modal)
    assert modal["blocks"][0]["element"]["initial_option"]["value"] == "hardware"
    inputs = {b["block_id"]: b for b in modal["blocks"]}
    expected = {
        "asset_tag": "plain_text_input",
        "notes": "plain_text_input",
        "count": "number_input",
        "floor": "static_select",
        "rooms": "multi_static_select",
        "owner": "users_select",
        "since": "datepicker",
        "urgent": "checkboxes",
        "link": "url_text_input",
        "mail": "email_text_input",
    }
    for field_id, element_type in expected.items():
        block = inputs[field_block_id("hardware", field_id)]
        assert block["element"]["type"] == element_type
        assert block["element"]["action_id"] == "value"
        assert block["optional"] is (field_id != "asset_tag")
    assert inputs["field.hardware.notes"]["element"]["multiline"] is True
    assert inputs["field.hardware.count"]["element"]["is_decimal_allowed"] is True
    assert inputs["field.hardware.urgent"]["element"]["options"][0]["text"]["text"] == (
        "Blocks my work"
    )
    # The type's own priority.
    assert inputs["priority"]["element"]["initial_option"]["value"] == "high"


def test_one_type_shows_its_fields_straight_away_without_a_select(structure) -> None:  # type: ignore[no-untyped-def]
    access_only = structure.request_types_of("hr")
    kinds, meta = form_for(structure.model_copy(update={"request_types": access_only}), None)
    modal = new_ticket_modal(Language.EN, kinds=kinds, source=meta)
    assert modal["blocks"][0]["block_id"] == "title"
    assert json.loads(modal["private_metadata"]) == {"k": "access"}


def test_the_intake_channels_team_is_offered_first(structure) -> None:  # type: ignore[no-untyped-def]
    kinds, meta = form_for(structure, "C0HELPHR")
    assert [k.id for k in kinds] == ["access", "hardware"]
    assert meta == {"i": "hr"}
    assert [k.id for k in form_for(structure, "C0ELSEWHERE")[0]] == ["hardware", "access"]


def test_more_types_than_a_select_lists_are_grouped_by_team() -> None:
    types = "\n".join(
        f"  - {{id: t{i}, name: Type {i}, team: {'it' if i % 2 else 'hr'}}}" for i in range(150)
    )
    structure = parse_desk_text(
        "teams: [{id: it, name: IT, channel: C0IT}, {id: hr, name: HR, channel: C0HR}]\n"
        f"request_types:\n{types}\n",
        source="desk.yaml",
    )
    modal = new_ticket_modal(Language.EN, kinds=structure.request_types)
    check_view(modal)
    groups = modal["blocks"][0]["element"]["option_groups"]
    assert [len(g["options"]) for g in groups] == [75, 75]


def test_the_submitted_form_reads_the_chosen_types_inputs_only(structure, hardware) -> None:  # type: ignore[no-untyped-def]
    state = {
        "request_type": {
            "new_ticket.request_type": {
                "type": "static_select",
                "selected_option": {"value": "hardware"},
            }
        },
        "title": {"value": {"type": "plain_text_input", "value": "Dock"}},
        "description": {"value": {"type": "plain_text_input", "value": None}},
        "priority": {"value": {"type": "static_select", "selected_option": {"value": "low"}}},
        "field.hardware.asset_tag": {"value": {"type": "plain_text_input", "value": "A-1"}},
        "field.hardware.rooms": {
            "value": {"type": "multi_static_select", "selected_options": [{"value": "B"}]}
        },
        "field.hardware.owner": {"value": {"type": "users_select", "selected_user": "U0OWNER01"}},
        "field.hardware.since": {"value": {"type": "datepicker", "selected_date": "2026-01-02"}},
        "field.hardware.urgent": {"value": {"type": "checkboxes", "selected_options": []}},
        "field.access.asset_tag": {"value": {"type": "plain_text_input", "value": "other"}},
    }
    view = View.model_validate({"id": "V1", "state": {"values": state}})
    form = new_ticket_form(view)
    assert form.request_type == "hardware"
    assert form.priority is Priority.LOW
    assert {v.field_id: v.values for v in form.fields} == {
        "asset_tag": ("A-1",),
        "rooms": ("B",),
        "owner": ("U0OWNER01",),
        "since": ("2026-01-02",),
        "urgent": (),
    }


def test_the_metadata_stays_within_slacks_limit_with_the_form_and_many_files() -> None:
    files = tuple(
        AttachedFile(chat_file_id=f"F{i:010d}", name="🎫" * 80, size=10**9) for i in range(10)
    )
    source = TicketSource(MessageSource("C0HELPIT", "1.000001", "1.000001"), "U0AUTHOR1", files)
    meta = source.metadata({"i": "x" * 32})
    modal = new_ticket_modal(Language.EN, source=meta)
    assert len(modal["private_metadata"]) <= PRIVATE_METADATA_MAX
    view = View.model_validate({"id": "V1", "private_metadata": modal["private_metadata"]})
    read = source_of_view(view)
    assert read is not None
    assert len(read.files) == 10


# -- the card's lines, the search's filters ---------------------------------------------


def test_the_cards_lines_escape_what_was_typed_once() -> None:
    ticket = views.TicketSummary(
        id=1,
        title="t",
        status=views.Status.NEW,
        priority=Priority.LOW,
        reporter_id="U0REPORT1",
        assignee_id=None,
        created_at=datetime(2026, 1, 1, tzinfo=UTC),
        updated_at=datetime(2026, 1, 1, tzinfo=UTC),
        version=1,
        fields=(
            FieldValue("tag", ("<@U0BOSS01> & <!here>",), "Tag <b>", "text"),
            FieldValue("owner", ("U0OWNER01",), "Owner", "user"),
            FieldValue("ok", ("true",), "Checked", "checkbox"),
        ),
    )
    section = fields_section(Language.DE, ticket)
    assert section is not None
    text = section.to_dict()["text"]["text"]
    assert text.splitlines() == [
        "*Tag &lt;b&gt;:* &lt;@U0BOSS01&gt; &amp; &lt;!here&gt;",
        "*Owner:* <@U0OWNER01>",
        "*Checked:* ja",
    ]


def test_field_filters_are_read_out_of_a_search() -> None:
    filters, rest = field_filters_of('printer field:asset_tag=A-17 field:floor="1. OG" dock')
    assert filters == [FieldFilter("asset_tag", "A-17"), FieldFilter("floor", "1. OG")]
    assert rest.split() == ["printer", "dock"]
    assert field_filters_of("field:floor=“2. OG”")[0] == [FieldFilter("floor", "2. OG")]


# -- the service --------------------------------------------------------------------

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def _desk(uow: FakeUnitOfWork, structure) -> HelpDesk:  # type: ignore[no-untyped-def]
    env = Environment(
        units=uow, reads=FakeReads(uow), clock=lambda: NOW, structure=structure, default_team="it"
    )
    return HelpDesk.over(env)


def test_a_ticket_of_a_type_keeps_its_values_in_its_unit_of_work(structure) -> None:  # type: ignore[no-untyped-def]
    uow = FakeUnitOfWork()
    desk = _desk(uow, structure)
    opened = desk.tickets.open_ticket(
        "U0REPORT1",
        title="Dock",
        request_type="hardware",
        fields=_values(asset_tag="A-1", floor="EG"),
    )
    assert uow.commits == 1
    assert [v.field_id for v in uow.tickets.fields[opened.id]] == ["asset_tag", "floor"]
    assert uow.tickets.tickets[opened.id].request_type == "hardware"
    assert uow.tickets.tickets[opened.id].team_id == "it"


def test_a_wrong_form_stores_nothing(structure) -> None:  # type: ignore[no-untyped-def]
    uow = FakeUnitOfWork()
    desk = _desk(uow, structure)
    with pytest.raises(InvalidFields):
        desk.tickets.open_ticket("U0REPORT1", title="Dock", request_type="hardware")
    with pytest.raises(InvalidInput) as raised:
        desk.tickets.open_ticket("U0REPORT1", title="Dock", request_type="nope")
    assert raised.value.field == "request_type"
    assert uow.commits == 0
    assert not uow.tickets.tickets
    assert not uow.tickets.fields


def test_a_ticket_from_a_message_is_of_its_intake_teams_first_type(structure) -> None:  # type: ignore[no-untyped-def]
    uow = FakeUnitOfWork()
    desk = _desk(uow, structure)
    opened = desk.tickets.open_ticket(
        "U0REPORT1", title="VPN", source=MessageSource("C0HELPHR", "5.000001", "5.000001")
    )
    ticket = uow.tickets.tickets[opened.id]
    assert (ticket.team_id, ticket.request_type) == ("hr", "access")
    # Its required fields stay empty: nobody was asked.
    elsewhere = desk.tickets.open_ticket(
        "U0REPORT1", title="Dock", source=MessageSource("C0RANDOM1", "6.000001", "6.000001")
    )
    ticket = uow.tickets.tickets[elsewhere.id]
    assert (ticket.team_id, ticket.request_type) == ("it", "hardware")
    assert uow.tickets.fields.get(elsewhere.id, ()) == ()


# -- the console's form ---------------------------------------------------------------


def test_the_console_sends_the_type_at_once_and_asks_the_changed_forms_inputs(structure) -> None:  # type: ignore[no-untyped-def]
    from bot.console import forms
    from bot.console.words import words_for

    opened = {**new_ticket_modal(Language.EN, kinds=structure.request_types), "id": "V1"}
    changed_to = new_ticket_modal(
        Language.EN,
        kinds=structure.request_types,
        chosen=structure.request_type("access"),
        title="VPN",
    )
    chosen: list[dict[str, Any]] = []
    submitted: list[dict[str, Any]] = []

    def choose(view: dict[str, Any], block: dict[str, Any], state: dict[str, Any]) -> Any:
        chosen.append(state)
        return {**changed_to, "id": view["id"]}

    def submit(state: dict[str, Any]) -> dict[str, str]:
        submitted.append(state)
        return {}

    answers = iter(["access", "VPN", "", "", ""])
    forms.fill(
        opened,
        lambda _prompt: next(answers),
        lambda _line: None,
        submit,
        words=words_for(Language.EN),
        choose=choose,
    )
    assert chosen[0]["request_type"]["new_ticket.request_type"]["selected_option"]["value"] == (
        "access"
    )
    [state] = submitted
    assert state["request_type"]["new_ticket.request_type"]["selected_option"]["value"] == (
        "access"
    )
    assert state["title"]["value"]["value"] == "VPN"
    assert state["priority"]["value"]["selected_option"]["value"] == "medium"
