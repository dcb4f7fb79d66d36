"""The desk file's teams in the console's workspace (`flashticket shell --desk FILE`):
each team's channel (private where the team is, the bot a member), its intake and
escalation channels, and its user group with the team's members, so every team's cards
and digests show in the console as they would in Slack."""

from __future__ import annotations

from bot.console.workspace import Workspace, user_id_for
from flashticket_core.desk_file import DeskStructure


def set_up_desk(workspace: Workspace, structure: DeskStructure) -> None:
    """Channels, people and user groups as the desk file names them."""
    for team in structure.teams:
        workspace.set_channel(team.channel, is_private=team.private, name=team.id)
        for number, channel in enumerate(team.intake_channels):
            suffix = f"-{number + 1}" if number else ""
            workspace.set_channel(channel, is_private=False, name=f"help-{team.id}{suffix}")
        if team.escalation_channel is not None:
            workspace.set_channel(
                team.escalation_channel, is_private=team.private, name=f"{team.id}-escalations"
            )
        members = [_person(workspace, member) for member in team.members]
        if team.usergroup is not None:
            workspace.set_usergroup(
                team.usergroup, handle=f"{team.id}-team", name=team.name, users=members
            )


def _person(workspace: Workspace, user_id: str) -> str:
    """A member named by ID: `UALICE` is @alice, a person of the workspace, as the
    console names people (`as @alice`); another ID is listed as it is."""
    name = user_id[1:].lower()
    return workspace.user_id(name) if user_id_for(name) == user_id else user_id
