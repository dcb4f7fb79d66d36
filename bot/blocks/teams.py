"""`/ticket-admin teams`: the desk's teams, each with its channel, people and request
types, as the desk file names them (a user group named, not expanded)."""

from __future__ import annotations

from slack_sdk.models.blocks import MarkdownTextObject, SectionBlock

from bot.blocks.common import SECTION_MAX, Blocks, _t, clip, render
from bot.mrkdwn import escape
from flashticket_core.desk_file import DeskStructure, Team
from flashticket_core.i18n import Language

# Slack shows at most 50 blocks in a message: the title's and one per team up to here.
MAX_TEAM_BLOCKS = 48


def teams(lang: Language, structure: DeskStructure) -> Blocks:
    """A section per team: its name and id, channel and privacy, members, request types."""
    title = _t("bot.teams.title", lang, count=len(structure.teams))
    sections = [f"*{title}*"]
    shown = structure.teams[:MAX_TEAM_BLOCKS]
    sections += [clip(team_text(lang, structure, team), SECTION_MAX) for team in shown]
    if len(structure.teams) > len(shown):
        sections.append(_t("bot.teams.more", lang, count=len(structure.teams) - len(shown)))
    return render([SectionBlock(text=MarkdownTextObject(text=text)) for text in sections])


def team_text(lang: Language, structure: DeskStructure, team: Team) -> str:
    head = _t(
        "bot.teams.team",
        lang,
        name=escape(team.name),
        id=team.id,
        channel=f"<#{team.channel}>" if team.channel else "–",
    )
    if team.private:
        head += _t("bot.teams.private", lang)
    lines = [head, _members(lang, team)]
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


def _members(lang: Language, team: Team) -> str:
    people = [f"<@{member}>" for member in team.members]
    if team.usergroup:
        people.append(_t("bot.teams.user_group", lang, group=f"<!subteam^{team.usergroup}>"))
    if people:
        return _t("bot.teams.members", lang, members=", ".join(people))
    return _t("bot.teams.no_members_private" if team.private else "bot.teams.no_members", lang)
