"""Block Kit, built by small pure functions, one module per surface:

- `modals`: a new ticket; a support reply or an internal note
- `card`: the ticket's card in the support channel
- `thread`: the reporter's DM thread and the team's thread under the card
- `answers`: what slash commands answer (lists, one ticket, roles)
- `stats`: the key figures (`/ticket stats`, the App Home's)
- `app_home`: the App Home tab

Each renders a ticket from the core's one read model (`views.TicketSummary`);
`ticket_view` is where a status, a priority and a person are labelled; `ids` holds the callback and action IDs the listeners answer;
`common` Slack's limits and the one loop that fits lines into a section. Callers
import what they need from here.
"""

from bot.blocks.answers import (
    delete_question,
    detail_text,
    roles,
    ticket_detail,
    ticket_list,
    ticket_page,
)
from bot.blocks.app_home import home
from bot.blocks.card import card_text, take_over_question, ticket_card
from bot.blocks.common import SECTION_MAX, text_blocks
from bot.blocks.digest import digest_blocks, digest_text
from bot.blocks.ids import (
    CONFIRM_TAKE_OVER,
    DELETE,
    DELETE_CANCEL,
    FOLLOW,
    FROM_DM,
    FROM_MESSAGE,
    HOME_NEW_TICKET,
    INTERNAL_NOTE,
    NEW_TICKET,
    NEW_TICKET_TYPE,
    NOTE,
    PRIORITY,
    RATE,
    REOPEN,
    REPLY,
    STATUS,
    SUPPORT_REPLY,
    TAKE,
    TAKE_OVER,
    UNASSIGN,
    UNFOLLOW,
    WITHDRAW,
    action_value,
)
from bot.blocks.intake import dm_offer
from bot.blocks.modals import entry_modal, new_ticket_modal
from bot.blocks.stats import statistics, statistics_text, statistics_title
from bot.blocks.thread import (
    opened_for_root_blocks,
    opened_for_root_text,
    opened_for_you,
    person_text,
    reporter_root_text,
    reporter_thread_blocks,
    role_text,
    thread_texts,
    withdrawn_text,
)
from bot.blocks.timers import target_text, targets_list_text

__all__ = [
    "CONFIRM_TAKE_OVER",
    "DELETE",
    "DELETE_CANCEL",
    "FOLLOW",
    "FROM_DM",
    "FROM_MESSAGE",
    "HOME_NEW_TICKET",
    "INTERNAL_NOTE",
    "NEW_TICKET",
    "NEW_TICKET_TYPE",
    "NOTE",
    "PRIORITY",
    "RATE",
    "REOPEN",
    "REPLY",
    "SECTION_MAX",
    "STATUS",
    "SUPPORT_REPLY",
    "TAKE",
    "TAKE_OVER",
    "UNASSIGN",
    "UNFOLLOW",
    "WITHDRAW",
    "action_value",
    "card_text",
    "delete_question",
    "detail_text",
    "digest_blocks",
    "digest_text",
    "dm_offer",
    "entry_modal",
    "home",
    "new_ticket_modal",
    "opened_for_root_blocks",
    "opened_for_root_text",
    "opened_for_you",
    "person_text",
    "reporter_root_text",
    "reporter_thread_blocks",
    "role_text",
    "roles",
    "statistics",
    "statistics_text",
    "statistics_title",
    "take_over_question",
    "target_text",
    "targets_list_text",
    "text_blocks",
    "thread_texts",
    "ticket_card",
    "ticket_detail",
    "ticket_list",
    "ticket_page",
    "withdrawn_text",
]
