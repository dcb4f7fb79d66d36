"""`/ticket-admin teams`: the desk's teams, each with its channel, request types and
members by where they come from: the desk file, the team's user group (as last read from
Slack), an administrator's grant."""

from __future__ import annotations

from collections.abc import Iterable

from slack_sdk.models.blocks import MarkdownTextObject, SectionBlock

from bot.blocks.common import SECTION_MAX, Blocks, _t, clip, render
from bot.mrkdwn import escape
from flashticket_core.desk_file import DeskStructure, Team
from flashticket_core.domain.enums import MemberSource
from flashticket_core.i18n import Language

# Each team's members by where they come from (`Roles.team_members`).
Members = dict[str, dict[MemberSource, list[str]]]

# Slack shows at most 50 blocks in a message: the title's and one per team up to here.
MAX_TEAM_BLOCKS = 48


def teams(lang: Language, structure: DeskStructure, members: Members | None = None) -> Blocks:
    """A section per team: its name and id, channel and privacy, members, request types."""
    title = _t("bot.teams.title", lang, count=len(structure.teams))
    sections = [f"*{title}*"]
    shown = structure.teams[:MAX_TEAM_BLOCKS]
    sections += [
        clip(team_text(lang, structure, team, (members or {}).get(team.id, {})), SECTION_MAX)
        for team in shown
    ]
    if len(structure.teams) > len(shown):
        sections.append(_t("bot.teams.more", lang, count=len(structure.teams) - len(shown)))
    return render([SectionBlock(text=MarkdownTextObject(text=text)) for text in sections])


def team_text(
    lang: Language,
    structure: DeskStructure,
    team: Team,
    members: dict[MemberSource, list[str]] | None = None,
) -> str:
    head = _t(
        "bot.teams.team",
        lang,
        name=escape(team.name),
        id=team.id,
        channel=f"<#{team.channel}>" if team.channel else "–",
    )
    if team.private:
        head += _t("bot.teams.private", lang)
    lines = [head, *_members(lang, team, members or {})]
    kinds = structure.request_types_of(team.id)
    if not kinds:
        lines.append(_t("bot.teams.no_types", lang))
        return "\n".join(lines)
    lines.append(_t("bot.teams.types", lang))
    for kind in kinds:
        fields = ", ".join(escape(field.label) for field in kind.fields)
        lines.append(
            _t(
                "bot.teams.type",
                lang,
                name=escape(kind.name),
                id=kind.id,
                fields=fields or _t("bot.teams.no_fields", lang),
            )
        )
    return "\n".join(lines)


def _members(lang: Language, team: Team, members: dict[MemberSource, list[str]]) -> list[str]:
    """A line per source of members: the desk file's, the user group's as last read
    from Slack, the granted ones."""
    lines = []
    if team.members:
        lines.append(_t("bot.teams.from_desk", lang, members=_people(team.members)))
    if team.usergroup:
        group = _t("bot.teams.user_group", lang, group=f"<!subteam^{team.usergroup}>")
        read = members.get(MemberSource.USERGROUP)
        if read:
            lines.append(_t("bot.teams.from_group", lang, group=group, members=_people(read)))
        else:
            lines.append(_t("bot.teams.from_group_unread", lang, group=group))
    granted = members.get(MemberSource.GRANT)
    if granted:
        lines.append(_t("bot.teams.from_grant", lang, members=_people(granted)))
    if lines:
        return lines
    key = "bot.teams.no_members_private" if team.private else "bot.teams.no_members"
    return [_t(key, lang)]


def _people(user_ids: Iterable[str]) -> str:
    return ", ".join(f"<@{user_id}>" for user_id in user_ids)
