"""What the bot says about tickets made from people's messages."""

from __future__ import annotations

from typing import Any

from slack_sdk.models.blocks import ActionsBlock, ButtonElement, MarkdownTextObject, SectionBlock

from bot.blocks.common import _t
from bot.blocks.ids import FROM_DM
from flashticket_core.i18n import Language


def dm_offer(lang: Language, message_ts: str) -> list[dict[str, Any]]:
    """The answer to a DM outside any ticket: a button opening a ticket from it."""
    return [
        block.to_dict()
        for block in (
            SectionBlock(text=MarkdownTextObject(text=_t("bot.dm.offer", lang))),
            ActionsBlock(
                elements=[
                    ButtonElement(
                        text=_t("bot.dm.offer.button", lang),
                        action_id=FROM_DM,
                        value=message_ts,
                        style="primary",
                    )
                ]
            ),
        )
    ]
