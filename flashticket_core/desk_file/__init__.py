"""The desk file (FLASHTICKET_DESK_FILE): the desk's teams and request types, kept as
config in a YAML file, read into typed values. Without one the desk is one team,
Support, in the support channel."""

from flashticket_core.desk_file.loading import (
    DeskFileError,
    desk_structure,
    entry_name,
    load_desk_file,
    parse_desk_text,
)
from flashticket_core.desk_file.models import (
    DEFAULT_TEAM_NAME,
    DeskStructure,
    FieldType,
    FormField,
    RequestType,
    SavedReplyEntry,
    Team,
    single_team,
)
from flashticket_core.domain.model import DEFAULT_TEAM_ID

__all__ = [
    "DEFAULT_TEAM_ID",
    "DEFAULT_TEAM_NAME",
    "DeskFileError",
    "DeskStructure",
    "FieldType",
    "FormField",
    "RequestType",
    "SavedReplyEntry",
    "Team",
    "desk_structure",
    "entry_name",
    "load_desk_file",
    "parse_desk_text",
    "single_team",
]
