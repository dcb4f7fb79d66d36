"""Where a team's messages go: the team's channel from the desk structure; the support
channel for a team the desk does not know (any more) or without a desk file."""

from __future__ import annotations

from bot.sending.slack import Slack


def team_channel(slack: Slack, team_id: str) -> str:
    """The channel of the team `team_id`; the support channel if it has none."""
    team = slack.desk.team(team_id) if slack.desk is not None else None
    return team.channel if team is not None and team.channel else slack.support_channel


def team_name(slack: Slack, team_id: str) -> str | None:
    """The team's name where the desk has several teams; None with one team (its
    messages need not say whose they are)."""
    if slack.desk is None or len(slack.desk.teams) < 2:
        return None
    team = slack.desk.team(team_id)
    return team.name if team is not None else team_id
