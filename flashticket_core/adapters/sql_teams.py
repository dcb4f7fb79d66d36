"""The desk's teams in SQL: written as the desk starts, kept when the desk file drops one."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError

from flashticket_core.adapters.db import Database
from flashticket_core.adapters.repository import replace_members
from flashticket_core.adapters.tables import StoredTeam
from flashticket_core.desk_file import DeskStructure
from flashticket_core.domain.enums import MemberSource
from flashticket_core.domain.model import TeamMembership


def record_teams(database: Database, structure: DeskStructure) -> None:
    """Each team of `structure` as it says (its name, channel, privacy); the teams it no
    longer names stay, with their tickets. Replicas that start together may both write."""
    wanted = {
        team.id: {"name": team.name, "channel": team.channel or None, "private": team.private}
        for team in structure.teams
    }
    with database.reading() as session:
        stored = {
            row.id: {"name": row.name, "channel": row.channel, "private": row.private}
            for row in session.scalars(select(StoredTeam).where(StoredTeam.id.in_(wanted)))
        }
    changed = {
        team_id: values for team_id, values in wanted.items() if stored.get(team_id) != values
    }
    if not changed:
        return  # each start of each process: no write unless the desk file changed
    dialect = postgresql if database.is_postgres else sqlite
    with database.writer() as session:
        for team_id, values in changed.items():
            session.execute(
                dialect.insert(StoredTeam)
                .values(id=team_id, **values)
                .on_conflict_do_update(index_elements=["id"], set_=values)
            )
        session.commit()


def private_teams(database: Database) -> frozenset[str]:
    """Every stored team that is private, those the desk file no longer names too."""
    with database.reading() as session:
        return frozenset(session.scalars(select(StoredTeam.id).where(StoredTeam.private)))


def record_desk_members(database: Database, structure: DeskStructure, *, now: datetime) -> None:
    """Each team's members as the desk file names them; a team's user group members
    only while it names a user group (the periodic refresh writes them). Nothing is
    written when nothing changed; replicas that start together may both try."""
    with database.reading() as session:
        stored = {
            (row.team_id, row.user_id, row.source)
            for row in session.scalars(
                select(TeamMembership).where(
                    TeamMembership.source.in_([MemberSource.DESK, MemberSource.USERGROUP])
                )
            )
        }
    wanted = {
        (team.id, member, MemberSource.DESK) for team in structure.teams for member in team.members
    }
    grouped = {team.id for team in structure.teams if team.usergroup}
    stale_groups = {team for team, _user, source in stored if source is MemberSource.USERGROUP}
    stale_groups -= grouped
    desk_rows = {row for row in stored if row[2] is MemberSource.DESK}
    if desk_rows == wanted and not stale_groups:
        return
    with database.writer() as session:
        for team in {row[0] for row in desk_rows | wanted}:
            members = frozenset(user for team_id, user, _source in wanted if team_id == team)
            replace_members(session, team, MemberSource.DESK, members, now=now)
        if stale_groups:
            session.execute(
                delete(TeamMembership).where(
                    TeamMembership.source == MemberSource.USERGROUP,
                    TeamMembership.team_id.in_(sorted(stale_groups)),
                )
            )
        try:
            session.commit()
        except IntegrityError:
            session.rollback()  # another replica wrote the same rows first
