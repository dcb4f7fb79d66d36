"""What `/ticket stats` says of assignment: open tickets per assignee, and how many
tickets the teams' rules moved on for want of a first response in the period."""

from __future__ import annotations

from slack_sdk.models.blocks import MarkdownTextObject, SectionBlock

from bot.blocks.common import Blocks, _t, render
from bot.mrkdwn import user_id
from flashticket_core.i18n import Language
from flashticket_core.service_layer.assignment_book import AssignmentFigures

# The most people the line names; the rest are counted.
NAMED_MAX = 15


def assignment_lines(lang: Language, figures: AssignmentFigures, days: int) -> str:
    named = [
        _t("bot.stats.assignee_count", lang, person=user_id(person), count=count)
        for person, count in figures.per_assignee[:NAMED_MAX]
    ]
    more = len(figures.per_assignee) - NAMED_MAX
    if more > 0:
        named.append(_t("bot.stats.assignees_more", lang, count=more))
    per_assignee = ", ".join(named) or _t("bot.stats.nobody_assigned", lang)
    return "\n".join(
        [
            _t("bot.stats.per_assignee", lang, people=per_assignee),
            _t("bot.stats.reassigned", lang, count=figures.reassignments, days=days),
        ]
    )


def assignment_section(lang: Language, figures: AssignmentFigures, days: int) -> Blocks:
    """The lines as a section, after the statistics' own."""
    return render(
        [SectionBlock(text=MarkdownTextObject(text=assignment_lines(lang, figures, days)))]
    )
