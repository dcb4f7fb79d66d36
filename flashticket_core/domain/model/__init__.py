"""The ticket aggregate and its rows, as typed SQLAlchemy 2.0 models: the ticket
(`ticket.py`), the rows it keeps of itself (`records.py`), its values (`values.py`), its
place in the queue (`queue.py`), the roles (`roles.py`), all on one declarative `Base`
(`base.py`).

Callers import from here; the modules are how the model is laid out, not its surface.
"""

from flashticket_core.domain.model.base import Base, UTCDateTime
from flashticket_core.domain.model.fields import (
    FIELD_VALUE_MAX,
    LONG_TEXT_MAX,
    FieldValue,
    TicketField,
    field_rows,
    field_values,
)
from flashticket_core.domain.model.following import FOLLOWERS_MAX, TicketFollower
from flashticket_core.domain.model.queue import queue_rank_sql
from flashticket_core.domain.model.records import ConversationEntry, HistoryEntry, TicketFile
from flashticket_core.domain.model.roles import RoleAssignment, RoleChange, TeamMembership
from flashticket_core.domain.model.saved_replies import (
    REPLIES_PER_TEAM_MAX,
    REPLY_TEXT_MAX,
    REPLY_TITLE_MAX,
    SavedReply,
)
from flashticket_core.domain.model.ticket import Ticket
from flashticket_core.domain.model.values import (
    ASSIGNED_BY_RULE,
    CHAT_ID_MAX,
    DEFAULT_TEAM_ID,
    DESCRIPTION_MAX,
    DESK_ID_MAX,
    ENTRY_MAX,
    FILE_NAME_MAX,
    FILE_TYPE_MAX,
    NAME_MAX,
    SOURCE_CHANNEL_MAX,
    SOURCE_TS_MAX,
    TITLE_MAX,
    USER_ID_MAX,
    WITHDRAWN,
    ChatMessage,
    MessageSource,
    validate_description,
    validate_text,
    validate_title,
)

__all__ = [
    "ASSIGNED_BY_RULE",
    "CHAT_ID_MAX",
    "DEFAULT_TEAM_ID",
    "DESCRIPTION_MAX",
    "DESK_ID_MAX",
    "ENTRY_MAX",
    "FIELD_VALUE_MAX",
    "FILE_NAME_MAX",
    "FILE_TYPE_MAX",
    "FOLLOWERS_MAX",
    "LONG_TEXT_MAX",
    "NAME_MAX",
    "REPLIES_PER_TEAM_MAX",
    "REPLY_TEXT_MAX",
    "REPLY_TITLE_MAX",
    "SOURCE_CHANNEL_MAX",
    "SOURCE_TS_MAX",
    "TITLE_MAX",
    "USER_ID_MAX",
    "WITHDRAWN",
    "Base",
    "ChatMessage",
    "ConversationEntry",
    "FieldValue",
    "HistoryEntry",
    "MessageSource",
    "RoleAssignment",
    "RoleChange",
    "SavedReply",
    "TeamMembership",
    "Ticket",
    "TicketField",
    "TicketFile",
    "TicketFollower",
    "UTCDateTime",
    "field_rows",
    "field_values",
    "queue_rank_sql",
    "validate_description",
    "validate_text",
    "validate_title",
]
