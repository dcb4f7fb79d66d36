"""The team rule on SQLite and PostgreSQL: the role × team × action matrix as the
permission table says, a private team's tickets absent from every list, search,
statistic and export of those outside it, grants and revocations in one team, and the
user group's members read in."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from bot.settings import Settings
from flashticket_core.bootstrap import Core, bootstrap
from flashticket_core.domain.enums import MemberSource, Role, Status
from flashticket_core.errors import InvalidInput, NotAllowed, NotFound
from flashticket_core.i18n import Language
from flashticket_core.service_layer.desk import HelpDesk
from tests.conftest import ADMIN, ALICE, BOB, SUPPORT, Clock
from tests.snapshots import snapshot
from tests.team_matrix import DESK, TEAM_CASES, TeamCase, attempt

CAROL = "UCAROL0001"


@pytest.fixture
def teams_core(database_url: str, clock: Clock, tmp_path: Path) -> Iterator[Core]:
    desk_file = tmp_path / "desk.yaml"
    desk_file.write_text(DESK + "    members: [UDESKHR01]\n")
    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        database_url=database_url,
        flashticket_admins=ADMIN,
        flashticket_desk_file=str(desk_file),
    )
    core = bootstrap(settings, clock=clock)
    yield core
    core.close()


def move_in_database(engine: Engine) -> object:
    def move(desk: HelpDesk, first: int, team: str) -> None:
        with engine.begin() as connection:
            connection.execute(
                text("UPDATE tickets SET team_id = :team WHERE id >= :first"),
                {"team": team, "first": first},
            )

    return move


@pytest.mark.parametrize("case", TEAM_CASES, ids=str)
def test_the_team_rule_picks_the_row_of_the_table(teams_core: Core, case: TeamCase) -> None:
    engine = teams_core.engine
    trying = attempt(case, teams_core.desk, move_in_database(engine))  # type: ignore[arg-type]
    before = snapshot(engine)
    if case.allowed:
        assert trying() is not False
        return
    refusal = case.refusal
    if refusal is None:
        assert trying() is False
    else:
        with pytest.raises(refusal) as refused:
            trying()
        assert type(refused.value) is refusal
        assert refused.value.message(Language.EN) != refused.value.message(Language.DE)
    assert snapshot(engine) == before


def open_in(core: Core, team: str, title: str, reporter: str = CAROL) -> int:
    ticket = core.desk.tickets.open_ticket(reporter, title=title).id
    with core.engine.begin() as connection:
        connection.execute(
            text("UPDATE tickets SET team_id = :team WHERE id = :id"), {"team": team, "id": ticket}
        )
    return ticket


@pytest.fixture
def three_tickets(teams_core: Core) -> dict[str, int]:
    teams_core.desk.roles.grant(ADMIN, SUPPORT, Role.SUPPORT)
    return {
        team: open_in(teams_core, team, f"Printer of {team} broken") for team in ("it", "fac", "hr")
    }


def exported_ids(desk: HelpDesk, actor: str) -> set[int]:
    out = io.StringIO()
    desk.admin.export_csv(actor, out)
    _header, *rows = csv.reader(io.StringIO(out.getvalue().lstrip("\ufeff")))
    return {int(row[0]) for row in rows}


def test_a_private_teams_tickets_are_absent_for_global_support(
    teams_core: Core, three_tickets: dict[str, int]
) -> None:
    desk, hr = teams_core.desk, three_tickets["hr"]
    queue = desk.queries.list_tickets(SUPPORT, queue=True)
    assert {t.id for t in queue.items} == {three_tickets["it"], three_tickets["fac"]}
    assert queue.total == 2
    # A page shorter than the queue: the total counted without the private team too.
    assert desk.queries.list_tickets(SUPPORT, queue=True, limit=1).total == 2
    assert desk.queries.list_tickets(ADMIN, queue=True, limit=1).total == 3
    found = desk.queries.search(SUPPORT, "printer broken")
    assert {t.id for t in found} == {three_tickets["it"], three_tickets["fac"]}
    with pytest.raises(NotFound):
        desk.queries.show(SUPPORT, hr)
    stats = desk.queries.statistics(SUPPORT)
    assert stats.open_total == 2
    home = desk.queries.home(SUPPORT)
    assert {t.id for t in home.queue.items} == {three_tickets["it"], three_tickets["fac"]}
    assert home.kpis is not None
    assert home.kpis.open_total == 2
    # The private team is named to nobody outside it: an unknown team, like a typo.
    with pytest.raises(InvalidInput) as unknown:
        desk.queries.list_tickets(SUPPORT, queue=True, team="hr")
    assert unknown.value.key == "error.unknown_team"
    assert "hr" not in unknown.value.message(Language.EN).split("use")[1]
    # The desk file's member of hr, and the administrators, see it.
    assert hr in {t.id for t in desk.queries.list_tickets("UDESKHR01", queue=True).items}
    assert desk.queries.statistics("UDESKHR01").open_total == 1
    assert desk.queries.statistics(ADMIN).open_total == 3
    assert exported_ids(desk, ADMIN) == set(three_tickets.values())
    # The export is the administrators' alone, whatever team one is in.
    with pytest.raises(NotAllowed):
        exported_ids(desk, "UDESKHR01")


def test_a_team_member_sees_their_teams_queue_and_their_own_tickets(
    teams_core: Core, three_tickets: dict[str, int]
) -> None:
    desk = teams_core.desk
    desk.roles.grant_team(ADMIN, ALICE, "fac")
    own = open_in(teams_core, "hr", "My payslip", reporter=ALICE)
    queue = desk.queries.list_tickets(ALICE, queue=True)
    assert {t.id for t in queue.items} == {three_tickets["fac"]}
    assert {t.id for t in desk.queries.list_tickets(ALICE).items} == {own}
    assert desk.queries.show(ALICE, own).ticket.id == own  # their own, in a private team
    assert {t.id for t in desk.queries.search(ALICE, "printer")} == {three_tickets["fac"]}
    with pytest.raises(NotAllowed):
        desk.queries.list_tickets(ALICE, queue=True, team="it")
    assert desk.queries.list_tickets(ALICE, queue=True, team="fac").total == 1


def test_grant_support_in_a_team_then_take_its_ticket_not_anothers_then_revoke(
    teams_core: Core, three_tickets: dict[str, int]
) -> None:
    desk = teams_core.desk
    with pytest.raises(NotAllowed):
        desk.tickets.take(BOB, three_tickets["it"])
    assert desk.roles.grant_team(ADMIN, BOB, "it") is True
    taken = desk.tickets.take(BOB, three_tickets["it"])
    assert (taken.assignee_id, taken.status) == (BOB, Status.IN_PROGRESS)
    with pytest.raises(NotFound):
        desk.tickets.take(BOB, three_tickets["fac"])
    with pytest.raises(InvalidInput):  # only a team's support may be assigned its tickets
        desk.tickets.assign(ADMIN, three_tickets["fac"], BOB)
    assert desk.roles.revoke_team(ADMIN, BOB, "it") is True
    with pytest.raises(NotAllowed):
        desk.tickets.set_priority(BOB, three_tickets["it"], taken.priority)
    listed = desk.roles.team_members(ADMIN)
    assert MemberSource.GRANT not in listed.get("it", {})  # nothing granted in it any more
    assert listed["hr"] == {MemberSource.DESK: ["UDESKHR01"]}


def test_the_user_groups_members_are_refreshed_and_kept_on_failure(
    teams_core: Core, three_tickets: dict[str, int]
) -> None:
    desk = teams_core.desk
    assert desk.roles.refresh_group_members("fac", frozenset({ALICE, BOB})) is True
    assert desk.roles.refresh_group_members("fac", frozenset({ALICE, BOB})) is False
    assert desk.roles.actor_of(BOB).teams == frozenset({"fac"})
    assert desk.roles.refresh_group_members("fac", frozenset({ALICE})) is True
    assert desk.roles.actor_of(BOB).teams == frozenset()
    assert desk.tickets.take(ALICE, three_tickets["fac"]).assignee_id == ALICE


def test_the_desk_files_members_follow_the_file_across_restarts(
    database_url: str, clock: Clock, tmp_path: Path
) -> None:
    desk_file = tmp_path / "desk.yaml"
    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        database_url=database_url,
        flashticket_admins=ADMIN,
        flashticket_desk_file=str(desk_file),
    )
    desk_file.write_text(DESK + "    members: [UDESKHR01, UDESKHR02]\n    usergroup: S0HR\n")
    core = bootstrap(settings, clock=clock)
    try:
        core.desk.roles.refresh_group_members("hr", frozenset({"UGROUP0001"}))
        assert core.desk.roles.actor_of("UDESKHR02").teams == frozenset({"hr"})
    finally:
        core.close()
    desk_file.write_text(DESK + "    members: [UDESKHR01]\n")
    core = bootstrap(settings, clock=clock)
    try:
        roles = core.desk.roles
        assert roles.actor_of("UDESKHR01").teams == frozenset({"hr"})
        assert roles.actor_of("UDESKHR02").teams == frozenset()
        # The team names no user group any more: its members from it are gone.
        assert roles.actor_of("UGROUP0001").teams == frozenset()
        assert core.desk.env.private_teams == frozenset({"hr"})
    finally:
        core.close()


def test_each_teams_digest_counts_its_own_tickets_so_a_private_teams_stay_with_it(
    teams_core: Core, three_tickets: dict[str, int], clock: Clock
) -> None:
    """Each team's digest goes to its own channel with its own tickets: the private
    team's tickets are told in its private channel alone."""
    day = clock.now.date()
    for team in ("it", "fac", "hr"):
        digest = teams_core.digests.read(day, top=5, team=team, of_team=True)
        assert digest.open == 1
        assert {t.id for t in digest.top_open} == {three_tickets[team]}


def test_the_figures_beside_a_private_team_are_the_other_teams_figures(
    teams_core: Core, three_tickets: dict[str, int], clock: Clock
) -> None:
    """Support beside the private team reads the tallies less its tickets; a member of
    the other teams counts their tickets: both see the same figures, without hr's."""
    desk = teams_core.desk
    for team in ("it", "fac", "hr", "hr"):
        ticket = open_in(teams_core, team, f"Screen of {team}")
        clock.advance(minutes=7)
        desk.conversation.add_support_reply(ADMIN, ticket, "On it")
        clock.advance(hours=3)
        desk.tickets.change_status(ADMIN, ticket, Status.RESOLVED)
    desk.roles.grant_team(ADMIN, ALICE, "it")
    desk.roles.grant_team(ADMIN, ALICE, "fac")
    beside = desk.queries.statistics(SUPPORT)
    member = desk.queries.statistics(ALICE)
    # The same figures; only the answer's naming of the teams differs (a member's two).
    assert (beside.kpis, beside.status_per_month) == (member.kpis, member.status_per_month)
    assert (beside.teams, member.teams) == (None, ("fac", "it"))
    assert beside.kpis.resolved_in_period == 2
    assert beside.open_total == 2
    everything = desk.queries.statistics(ADMIN)
    assert everything.kpis.resolved_in_period == 4
    assert everything.open_total == 3
