"""The desk's teams in SQL: written as the desk starts, kept when the desk file drops one."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite

from flashticket_core.adapters.db import Database
from flashticket_core.adapters.tables import StoredTeam
from flashticket_core.desk_file import DeskStructure


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
