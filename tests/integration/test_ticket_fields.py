"""Request types' fields on both databases: the values are stored with the ticket, kept
with their label when a later desk file drops the field, found by
`field:<id>=<value>` through their index, and exported as `field:<id>` columns."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import event, text

from flashticket_core.bootstrap import Core, bootstrap
from flashticket_core.config import CoreSettings
from flashticket_core.domain.enums import Role
from flashticket_core.domain.model import FieldValue
from flashticket_core.errors import InvalidFields
from flashticket_core.i18n import Language
from tests.conftest import ADMIN, ALICE, BOB, SUPPORT, Clock

DESK = """\
teams:
  - {id: it, name: IT-Support, channel: C0IT}
  - {id: hr, name: HR, channel: G0HR}
request_types:
  - id: hardware
    name: Hardware defect
    team: it
    fields:
      - {id: asset_tag, label: Asset tag, type: text, required: true}
      - {id: floor, label: Floor, type: select, options: [EG, 1. OG, 2. OG]}
      - {id: rooms, label: Rooms, type: multi_select, options: [A, B, C]}
      - {id: notes, label: Notes, type: long_text}
  - id: access
    name: Access
    team: hr
    fields:
      - {id: system, label: System, type: text}
"""
# The same desk, the next year: the floor is no longer asked.
WITHOUT_FLOOR = DESK.replace(
    "      - {id: floor, label: Floor, type: select, options: [EG, 1. OG, 2. OG]}\n", ""
)

Opened = Callable[..., int]


@pytest.fixture
def start(database_url: str, clock: Clock, tmp_path: Path) -> Iterator[Callable[..., Core]]:
    cores: list[Core] = []

    def started(desk_text: str = DESK, language: Language = Language.EN) -> Core:
        desk_file = tmp_path / f"desk{len(cores)}.yaml"
        desk_file.write_text(desk_text)
        settings = CoreSettings(
            _env_file=None,  # type: ignore[call-arg]
            database_url=database_url,
            flashticket_admins=ADMIN,
            flashticket_desk_file=str(desk_file),
            flashticket_language=language,
        )
        core = bootstrap(settings, clock=clock)
        cores.append(core)
        return core

    yield started
    for core in cores:
        core.close()


def _open(core: Core, reporter: str, title: str, **values: str | tuple[str, ...]) -> int:
    fields = [FieldValue(k, v if isinstance(v, tuple) else (v,)) for k, v in values.items()]
    return core.desk.tickets.open_ticket(
        reporter, title=title, request_type="hardware", fields=fields
    ).id


def test_values_are_stored_with_the_ticket_and_shown(start: Callable[..., Core]) -> None:
    core = start()
    core.desk.roles.grant(ADMIN, SUPPORT, Role.SUPPORT)
    ticket_id = _open(core, ALICE, "Dock", asset_tag="A-17", floor="1. OG", rooms=("C", "A"))
    with core.engine.connect() as connection:
        rows = connection.execute(
            text(
                "SELECT field_id, label, type, value, position FROM ticket_fields "
                "WHERE ticket_id = :id ORDER BY position"
            ),
            {"id": ticket_id},
        ).all()
        kind = connection.execute(
            text("SELECT team_id, request_type FROM tickets WHERE id = :id"), {"id": ticket_id}
        ).one()
    assert [tuple(r) for r in rows] == [
        ("asset_tag", "Asset tag", "text", "A-17", 0),
        ("floor", "Floor", "select", "1. OG", 1),
        ("rooms", "Rooms", "multi_select", "A", 2),
        ("rooms", "Rooms", "multi_select", "C", 3),
    ]
    assert tuple(kind) == ("it", "hardware")
    shown = core.desk.queries.show(SUPPORT, ticket_id).ticket
    assert shown.request_type == "hardware"
    assert [(f.label, f.text) for f in shown.fields] == [
        ("Asset tag", "A-17"),
        ("Floor", "1. OG"),
        ("Rooms", "A, C"),
    ]


def test_a_wrong_form_stores_nothing(start: Callable[..., Core]) -> None:
    core = start()
    with pytest.raises(InvalidFields):
        _open(core, ALICE, "Dock", floor="9. OG")
    with core.engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM tickets")).scalar() == 0
        assert connection.execute(text("SELECT count(*) FROM ticket_fields")).scalar() == 0


def test_values_stay_with_their_label_when_the_desk_file_drops_the_field(
    start: Callable[..., Core],
) -> None:
    ticket_id = _open(start(), ALICE, "Dock", asset_tag="A-17", floor="EG")
    later = start(WITHOUT_FLOOR)
    later.desk.roles.grant(ADMIN, SUPPORT, Role.SUPPORT)
    shown = later.desk.queries.show(SUPPORT, ticket_id).ticket
    assert [(f.label, f.text) for f in shown.fields] == [("Asset tag", "A-17"), ("Floor", "EG")]
    out = io.StringIO()
    later.desk.admin.export_csv(ADMIN, out)
    header, row = list(csv.reader(io.StringIO(out.getvalue()[1:])))
    assert dict(zip(header, row, strict=True))["field:floor"] == "EG"


def test_a_search_finds_tickets_by_a_field_value(start: Callable[..., Core]) -> None:
    core = start()
    core.desk.roles.grant(ADMIN, SUPPORT, Role.SUPPORT)
    dock = _open(core, ALICE, "Dock flickers", asset_tag="A-17", floor="1. OG", rooms=("B",))
    printer = _open(core, BOB, "Printer jams", asset_tag="A-17", floor="EG")
    _open(core, BOB, "Screen dark", asset_tag="B-2", floor="1. OG", notes="A-17 too")

    def found(actor: str, words: str) -> list[int]:
        return [t.id for t in core.desk.queries.search(actor, words)]

    assert found(SUPPORT, "field:asset_tag=A-17") == [printer, dock]
    assert found(SUPPORT, 'field:asset_tag=A-17 field:floor="1. OG"') == [dock]
    # An option in another case is the option; a multi-select's each value is found.
    assert found(SUPPORT, "field:floor=eg") == [printer]
    assert found(SUPPORT, "field:rooms=B") == [dock]
    # Words narrow it; a reporter finds only their own.
    assert found(SUPPORT, "field:asset_tag=A-17 printer") == [printer]
    assert found(ALICE, "field:asset_tag=A-17") == [dock]
    assert found(SUPPORT, "field:asset_tag=nothing") == []


def test_a_field_search_reads_the_fields_index(start: Callable[..., Core]) -> None:
    core = start()
    with core.engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO tickets (id, title, description, priority, status, reporter_id, "
                "created_at, updated_at, version, team_id) "
                "SELECT n, 't', '', 'medium', 'new', 'UALICE0001', "
                "'2026-03-01 00:00:00', '2026-03-01 00:00:00', 1, 'it' FROM "
                + (
                    "generate_series(1, 3000) AS n"
                    if core.engine.dialect.name == "postgresql"
                    else "(WITH RECURSIVE s(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM s "
                    "WHERE n < 3000) SELECT n FROM s)"
                )
            )
        )
        connection.execute(
            text(
                "INSERT INTO ticket_fields (ticket_id, field_id, label, type, value, position) "
                "SELECT id, 'asset_tag', 'Asset tag', 'text', 'A-' || id, 0 FROM tickets"
            )
        )
        connection.execute(
            text(
                "INSERT INTO ticket_fields (ticket_id, field_id, label, type, value, position) "
                "SELECT id, 'room', 'Room', 'text', 'R-' || (id % 2), 1 FROM tickets"
            )
        )
        connection.execute(text("ANALYZE"))
    statements: list[tuple[str, object]] = []

    def record(_c: object, _cursor: object, sql: str, params: object, *_r: object) -> None:
        if "FROM ticket_fields" in sql:
            statements.append((sql, params))

    event.listen(core.engine, "before_cursor_execute", record)
    try:
        core.desk.roles.grant(ADMIN, SUPPORT, Role.SUPPORT)
        assert [t.id for t in core.desk.queries.search(SUPPORT, "field:asset_tag=A-1234")] == [1234]
        # A second value is looked up for each ticket the first finds (in the same
        # index), not gathered whole first: half of the tickets have it.
        both = core.desk.queries.search(SUPPORT, "field:asset_tag=A-1234 field:room=R-0")
        assert [t.id for t in both] == [1234]
    finally:
        event.remove(core.engine, "before_cursor_execute", record)
    explain = "EXPLAIN QUERY PLAN " if core.engine.dialect.name == "sqlite" else "EXPLAIN "
    with core.engine.connect() as connection:
        plans = [
            "\n".join(
                str(row[-1])
                for row in connection.exec_driver_sql(explain + sql, params)  # type: ignore[arg-type]
            )
            for sql, params in statements
        ]
    one, two = plans
    assert "ix_ticket_fields_field_value" in one, one
    if core.engine.dialect.name == "sqlite":
        assert "CORRELATED SCALAR SUBQUERY" in two, two
        assert "LIST SUBQUERY" not in two, two
        assert two.count("USING INDEX ix_ticket_fields_field_value") == 2, two
    else:
        assert "Seq Scan on ticket_fields" not in two, two
        assert "ix_ticket_fields_field_value" in two, two


@pytest.mark.parametrize(("language", "delimiter"), [(Language.EN, ","), (Language.DE, ";")])
def test_the_export_has_a_column_per_field(
    start: Callable[..., Core], language: Language, delimiter: str
) -> None:
    core = start(language=language)
    first = _open(core, ALICE, "Dock", asset_tag="=cmd|x", rooms=("A", "C"))
    core.desk.tickets.open_ticket(
        BOB, title="VPN", request_type="access", fields=[FieldValue("system", ("SAP",))]
    )
    core.desk.tickets.open_ticket(BOB, title="Plain")
    out = io.StringIO()
    assert core.desk.admin.export_csv(ADMIN, out) == 3
    header, *rows = list(csv.reader(io.StringIO(out.getvalue()[1:]), delimiter=delimiter))
    assert header[-3:] == ["field:asset_tag", "field:rooms", "field:system"]
    by_id = {row[0]: row[-3:] for row in rows}
    # A formula is written as text; a multi-select's values joined.
    assert by_id[str(first)] == ["'=cmd|x", "A, C", ""]
    assert sorted(by_id.values())[0] == ["", "", ""]
    assert ["", "", "SAP"] in by_id.values()
