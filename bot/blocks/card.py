"""The ticket's card in the support channel, with the actions it allows now."""

from __future__ import annotations

from typing import Any

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ContextBlock,
    HeaderBlock,
    MarkdownTextObject,
    Option,
    SectionBlock,
    StaticSelectElement,
    UserSelectElement,
)

from bot.blocks.common import SECTION_MAX, Blocks, _t, clip, quote_clipped, render
from bot.blocks.following import follow_buttons, followers_line
from bot.blocks.forms import fields_section
from bot.blocks.ids import (
    ASSIGN_TO,
    CHANGE_TYPE,
    CONFIRM_ASSIGN_TO,
    CONFIRM_TAKE_OVER,
    MOVE_TEAM,
    NOTE,
    PRIORITY,
    REPLY,
    STATUS,
    TAKE,
    TAKE_OVER,
    UNASSIGN,
    action_value,
    holder_value,
)
from bot.blocks.ticket_view import (
    assignee_label,
    header_text,
    person,
    priority_label,
    status_label,
)
from bot.blocks.timers import due_line
from bot.mrkdwn import escape, user_id
from flashticket_core.domain.enums import TRANSITIONS, Priority, Status
from flashticket_core.i18n import Language
from flashticket_core.service_layer.views import TicketSummary

# A request type's name on the card, in characters (a desk file's names are short; an
# id kept from an older desk file is at most 32).
TYPE_NAME_SHOWN = 100


def card_text(lang: Language, view: TicketSummary) -> str:
    if view.deleted:
        return _deleted_text(lang, view)
    return _t(
        "bot.card.fallback",
        lang,
        ticket_id=view.id,
        title=escape(view.title),
        status=status_label(lang, view.status),
    )


def ticket_card(
    lang: Language,
    view: TicketSummary,
    *,
    movable: bool = False,
    retypable: bool = False,
    type_name: str | None = None,
) -> Blocks:
    """The ticket as its team's channel shows it, with the actions it allows now;
    `movable`: the desk has other teams it could go to; `retypable`: its team has more
    than one request type; `type_name`: its request type, where the desk has several."""
    if view.deleted:
        # Nothing of the ticket is left on the card (its title may be why it was
        # deleted), and no button that could still act on it.
        return render(
            [
                SectionBlock(
                    block_id="deleted", text=MarkdownTextObject(text=_deleted_text(lang, view))
                )
            ]
        )
    blocks: list[Block] = [
        HeaderBlock(text=header_text(view)),
        SectionBlock(block_id="summary", fields=summary_fields(lang, view, type_name)),
    ]
    if view.description:
        blocks.append(
            SectionBlock(
                block_id="description",
                text=MarkdownTextObject(text=quote_clipped(view.description, SECTION_MAX)),
            )
        )
    fields = fields_section(lang, view)
    if fields is not None:
        blocks.append(fields)
    followers = followers_line(lang, view)
    if followers is not None:
        blocks.append(followers)
    # After the description, which stays where it was on the card.
    due = due_line(lang, view.targets, status=view.status)
    if due is not None:
        blocks.append(ContextBlock(block_id="due", elements=[MarkdownTextObject(text=due)]))
    # A new block_id for each version of the card, as Slack asks of an updated message:
    # with the same one, a client keeps showing the choice last made in its selects.
    blocks.append(
        ActionsBlock(
            block_id=f"actions-v{view.version}",
            elements=_card_actions(lang, view, movable, retypable),
        )
    )
    if view.status.is_open:
        blocks.append(_assign_to(lang, view))
    return render(blocks)


def _assign_to(lang: Language, view: TicketSummary) -> ActionsBlock:
    """ "Assign to…" a person: Slack offers everyone, so the server refuses anyone outside
    the ticket's team. The block's id is the ticket and the version seen (a users select
    carries no value of its own), new with each version as Slack asks of an update."""
    return ActionsBlock(
        block_id=action_value(view.id, view.version),
        elements=[
            UserSelectElement(action_id=ASSIGN_TO, placeholder=_t("bot.select.assign_to", lang))
        ],
    )


def summary_fields(
    lang: Language, ticket: TicketSummary, type_name: str | None = None
) -> list[MarkdownTextObject]:
    """Status, priority, reporter and assignee, each under its label, and the request
    type where one is named (card and /ticket show)."""
    labelled = [
        ("bot.card.status", status_label(lang, ticket.status)),
        ("bot.card.priority", priority_label(lang, ticket.priority)),
        ("bot.card.reporter", person(ticket.reporter_id)),
        ("bot.card.assignee", assignee_label(lang, ticket.assignee_id)),
    ]
    if type_name is not None:
        labelled.append(("bot.card.request_type", escape(clip(type_name, TYPE_NAME_SHOWN))))
    return [MarkdownTextObject(text=f"*{_t(key, lang)}*\n{value}") for key, value in labelled]


def _deleted_text(lang: Language, ticket: TicketSummary) -> str:
    return _t(
        "bot.card.deleted", lang, ticket_id=ticket.id, actor=user_id(ticket.deleted_by or "?")
    )


def _card_actions(
    lang: Language, ticket: TicketSummary, movable: bool = False, retypable: bool = False
) -> list[Any]:
    value = action_value(ticket.id, ticket.version)
    status = ticket.status
    elements: list[Any] = []
    if status.is_open and ticket.assignee_id is None:
        elements.append(
            ButtonElement(
                text=_t("bot.button.take", lang), action_id=TAKE, value=value, style="primary"
            )
        )
    elif status.is_open and ticket.assignee_id is not None:
        # Someone holds it: taking it over asks first (the server asks, so a stale card
        # cannot take it silently), and the holder can be taken off it.
        held = holder_value(ticket.id, ticket.version, ticket.assignee_id)
        elements.append(
            ButtonElement(text=_t("bot.button.take_over", lang), action_id=TAKE_OVER, value=held)
        )
        elements.append(
            ButtonElement(text=_t("bot.button.unassign", lang), action_id=UNASSIGN, value=held)
        )
    targets = sorted(TRANSITIONS[status], key=lambda s: list(Status).index(s))
    elements.append(
        StaticSelectElement(
            action_id=STATUS,
            placeholder=_t("bot.select.status", lang),
            options=[
                Option(text=status_label(lang, s), value=f"{value}|{s.value}") for s in targets
            ],
        )
    )
    elements.append(
        StaticSelectElement(
            action_id=PRIORITY,
            placeholder=_t("bot.select.priority", lang),
            options=[
                Option(text=priority_label(lang, p), value=f"{value}|{p.value}")
                for p in Priority
                if p != ticket.priority
            ],
        )
    )
    elements.append(ButtonElement(text=_t("bot.button.reply", lang), action_id=REPLY, value=value))
    elements.append(ButtonElement(text=_t("bot.button.note", lang), action_id=NOTE, value=value))
    if movable:
        elements.append(
            ButtonElement(text=_t("bot.button.move_team", lang), action_id=MOVE_TEAM, value=value)
        )
    if retypable:
        elements.append(
            ButtonElement(
                text=_t("bot.button.change_type", lang), action_id=CHANGE_TYPE, value=value
            )
        )
    elements.extend(follow_buttons(lang, ticket))
    return elements


def take_over_question(
    lang: Language, question: str, ticket: TicketSummary, *, assign_to: str | None = None
) -> Blocks:
    """Someone else holds the ticket: "@sam holds #12 — take it over?", and the button
    that takes it over from them (and nobody else: its value names them); for "Assign
    to…", the button gives it to `assign_to` instead of the clicker."""
    assert ticket.assignee_id is not None
    value = holder_value(ticket.id, ticket.version, ticket.assignee_id)
    action_id, button = CONFIRM_TAKE_OVER, "bot.button.take_over"
    if assign_to is not None:
        value, action_id = f"{value}|{assign_to}", CONFIRM_ASSIGN_TO
        button = "bot.button.assign_anyway"
    return render(
        [
            SectionBlock(block_id="question", text=MarkdownTextObject(text=question)),
            ActionsBlock(
                block_id="take_over",
                elements=[
                    ButtonElement(
                        text=_t(button, lang),
                        action_id=action_id,
                        value=value,
                        style="primary",
                    )
                ],
            ),
        ]
    )
