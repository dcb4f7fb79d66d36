"""The desk's structure as typed values: its teams, its request types and their fields.

Each entry checks itself (its id, its field type, a select's options, its service levels
and business hours); what spans entries (a duplicate id, a request type of an unknown
team) is checked once the whole file is read (`loading.py`). Channels, user groups and
people are the chat's ids, opaque here: the chat adapter checks their syntax.
"""

from __future__ import annotations

import re
from datetime import timedelta
from enum import StrEnum
from functools import cached_property
from typing import Annotated
from zoneinfo import ZoneInfo

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    field_validator,
    model_validator,
)

from flashticket_core.domain.business_time import parse_business_hours
from flashticket_core.domain.enums import AssignmentRule, Priority
from flashticket_core.domain.model import (
    CHAT_ID_MAX,
    DEFAULT_TEAM_ID,
    DESK_ID_MAX,
    NAME_MAX,
    REPLIES_PER_TEAM_MAX,
    REPLY_TEXT_MAX,
    REPLY_TITLE_MAX,
)
from flashticket_core.domain.service_levels import parse_duration, parse_sla

ID_PATTERN = rf"^[a-z0-9_-]{{1,{DESK_ID_MAX}}}$"
DEFAULT_TEAM_NAME = "Support"

# What a form can show (Slack's Block Kit limits, as other chats have their own): an
# option's text, the options of a select, the inputs of one form.
OPTION_TEXT_MAX = 75
OPTIONS_MAX = 100
FIELDS_MAX = 50
# People one request type names as its approvers (a larger circle is a user group).
APPROVERS_MAX = 50

EntryId = Annotated[str, Field(pattern=ID_PATTERN)]
Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=NAME_MAX)]
# A chat id (a channel, a user group, a person): present, and not absurdly long.
ChatId = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=CHAT_ID_MAX)
]


class FieldType(StrEnum):
    TEXT = "text"
    LONG_TEXT = "long_text"
    NUMBER = "number"
    SELECT = "select"
    MULTI_SELECT = "multi_select"
    USER = "user"
    DATE = "date"
    CHECKBOX = "checkbox"
    URL = "url"
    EMAIL = "email"

    @property
    def has_options(self) -> bool:
        return self in (FieldType.SELECT, FieldType.MULTI_SELECT)


class _Entry(BaseModel):
    # A misspelt key (`usergroups:`) is an error, not a setting silently ignored; YAML
    # reads `options: [1, 2, 3]` as numbers, meant as the options' texts.
    model_config = ConfigDict(extra="forbid", frozen=True, coerce_numbers_to_str=True)


class FormField(_Entry):
    """One input a request type's form adds to title, description and priority."""

    id: EntryId
    label: Name
    type: FieldType
    required: bool = False
    options: tuple[Name, ...] = ()

    @field_validator("id", mode="before")
    @classmethod
    def _id(cls, value: object) -> object:
        return _checked_id(value)

    @field_validator("type", mode="before")
    @classmethod
    def _type(cls, value: object) -> object:
        if isinstance(value, str) and value not in FieldType.__members__.values():
            known = ", ".join(FieldType)
            raise ValueError(f"unknown field type {value[:40]!r}: one of {known}")
        return value

    @model_validator(mode="after")
    def _options(self) -> FormField:
        if self.type.has_options and not self.options:
            raise ValueError(f"a {self.type} needs options: a list of at least one")
        if not self.type.has_options and self.options:
            raise ValueError(f"a {self.type} takes no options (only select and multi_select)")
        if len(set(self.options)) != len(self.options):
            raise ValueError("the options repeat one another")
        if len(self.options) > OPTIONS_MAX:
            raise ValueError(f"{len(self.options)} options, more than {OPTIONS_MAX}")
        long = next((option for option in self.options if len(option) > OPTION_TEXT_MAX), None)
        if long is not None:
            raise ValueError(
                f"the option {long[:40]!r}… is longer than {OPTION_TEXT_MAX} characters"
            )
        return self


class SavedReplyEntry(_Entry):
    """A reply the team's support can insert into a support reply (`saved_replies`)."""

    id: EntryId
    title: Annotated[
        str, StringConstraints(strip_whitespace=True, min_length=1, max_length=REPLY_TITLE_MAX)
    ]
    text: Annotated[
        str, StringConstraints(strip_whitespace=True, min_length=1, max_length=REPLY_TEXT_MAX)
    ]

    @field_validator("id", mode="before")
    @classmethod
    def _id(cls, value: object) -> object:
        value = _checked_id(value)
        # Replies saved in chat are numbered: a letter keeps the two apart.
        if isinstance(value, str) and not any(c.isalpha() for c in value):
            raise ValueError(
                f"the id {value!r} needs a letter (numbers name replies saved in chat)"
            )
        return value


class Team(_Entry):
    """A team with its own triage channel, people, calendar and service levels."""

    id: EntryId
    name: Name
    channel: ChatId
    members: tuple[ChatId, ...] = ()
    usergroup: ChatId | None = None
    intake_channels: tuple[ChatId, ...] = ()
    escalation_channel: ChatId | None = None
    private: bool = False
    # None: the help desk's own (FLASHTICKET_SLA, FLASHTICKET_BUSINESS_HOURS).
    sla: str | None = None
    business_hours: str | None = None
    saved_replies: tuple[SavedReplyEntry, ...] = Field(default=(), max_length=REPLIES_PER_TEAM_MAX)
    # Who gets a new ticket (SPEC.md "Working the queue"), and after how much business
    # time without a first response it moves to the next person (None: it stays).
    assignment: AssignmentRule = AssignmentRule.NONE
    reassign_after: str | None = None

    @field_validator("id", mode="before")
    @classmethod
    def _id(cls, value: object) -> object:
        return _checked_id(value)

    @field_validator("assignment", mode="before")
    @classmethod
    def _assignment(cls, value: object) -> object:
        if isinstance(value, str) and value not in AssignmentRule.__members__.values():
            known = ", ".join(AssignmentRule)
            raise ValueError(f"unknown assignment {value[:40]!r}: one of {known}")
        return value

    @field_validator("reassign_after")
    @classmethod
    def _reassign_after(cls, value: str | None) -> str | None:
        if value is not None:
            reassign_after(value)
        return value

    @model_validator(mode="after")
    def _reassign_needs_rule(self) -> Team:
        if self.reassign_after is not None and self.assignment is AssignmentRule.NONE:
            raise ValueError(
                "reassign_after needs an assignment rule (assignment: round_robin or least_open)"
            )
        return self

    @property
    def reassign_delay(self) -> timedelta | None:
        """The business time after which an untouched ticket moves on; None: never."""
        return None if self.reassign_after is None else reassign_after(self.reassign_after)

    @field_validator("sla")
    @classmethod
    def _sla(cls, value: str | None) -> str | None:
        if value is not None:
            # Whether the targets parse does not depend on the length of a business day.
            parse_sla(value, business_day=timedelta(hours=24))
        return value

    @field_validator("business_hours")
    @classmethod
    def _business_hours(cls, value: str | None) -> str | None:
        if value is not None:
            # The zone changes when the hours fall, never whether they parse.
            parse_business_hours(value, zone=ZoneInfo("UTC"))
        return value


class RequestType(_Entry):
    """What someone asks for: its team, its default priority and its form's fields."""

    id: EntryId
    name: Name
    team: str
    priority: Priority | None = None
    fields: tuple[FormField, ...] = Field(default=(), max_length=FIELDS_MAX)
    # Who must approve a ticket of this type before it reaches the team's queue: people
    # and/or the members of a user group (SPEC.md "Approvals").
    approvers: tuple[ChatId, ...] = Field(default=(), max_length=APPROVERS_MAX)
    approver_group: ChatId | None = None

    @field_validator("id", mode="before")
    @classmethod
    def _id(cls, value: object) -> object:
        return _checked_id(value)

    @field_validator("approvers")
    @classmethod
    def _approvers(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        repeated = next((person for person in value if value.count(person) > 1), None)
        if repeated is not None:
            raise ValueError(f"the approver {repeated[:40]!r} is listed twice")
        return value

    @property
    def needs_approval(self) -> bool:
        return bool(self.approvers) or self.approver_group is not None

    def field(self, field_id: str) -> FormField | None:
        return next((field for field in self.fields if field.id == field_id), None)


class DeskStructure(_Entry):
    """The desk's teams (at least one) and request types, as the desk file says."""

    teams: tuple[Team, ...] = Field(min_length=1)
    request_types: tuple[RequestType, ...] = ()

    @property
    def default_team(self) -> Team:
        """Where a ticket goes that nothing routes elsewhere: the first team."""
        return self.teams[0]

    def team(self, team_id: str) -> Team | None:
        return self._teams_by_id.get(team_id)

    def request_types_of(self, team_id: str) -> tuple[RequestType, ...]:
        return tuple(kind for kind in self.request_types if kind.team == team_id)

    # -- routing (SPEC.md "Teams": a ticket belongs to its type's team) ------------------

    def request_type(self, type_id: str) -> RequestType | None:
        return self._types_by_id.get(type_id)

    def team_for_channel(self, channel_id: str | None) -> Team | None:
        """The team whose intake channels hold `channel_id`, if one does."""
        return None if channel_id is None else self._intake_teams.get(channel_id)

    def route(self, request_type: str | None = None, channel: str | None = None) -> Team:
        """The team a ticket goes to: its request type's, else that of the intake channel
        it was made in, else the first team. An id the desk does not know routes as none."""
        kind = None if request_type is None else self.request_type(request_type)
        if kind is not None:
            team = self.team(kind.team)
            if team is not None:
                return team
        return self.team_for_channel(channel) or self.default_team

    def types_first_for(self, channel_id: str | None) -> tuple[RequestType, ...]:
        """Every request type, those of the team whose intake channel this is first (the
        form of `/ticket` typed there offers them first); the desk file's order else."""
        team = self.team_for_channel(channel_id)
        return self.types_team_first(team.id if team is not None else None)

    def types_team_first(self, team_id: str | None) -> tuple[RequestType, ...]:
        """Every request type, those of the team first; the desk file's order without one."""
        if team_id is None:
            return self.request_types
        own = self.request_types_of(team_id)
        return own + tuple(kind for kind in self.request_types if kind.team != team_id)

    def default_type_of(self, team_id: str) -> RequestType | None:
        """The type a ticket of the team gets when nobody chose one (one made from a
        message): the team's first in the desk file, if it has any."""
        return next(iter(self.request_types_of(team_id)), None)

    @cached_property
    def _teams_by_id(self) -> dict[str, Team]:
        # The first of a repeated id, as a scan would find it (a file that repeats one
        # is refused; a structure built in code may).
        found: dict[str, Team] = {}
        for team in self.teams:
            found.setdefault(team.id, team)
        return found

    @cached_property
    def _types_by_id(self) -> dict[str, RequestType]:
        return {kind.id: kind for kind in self.request_types}

    @cached_property
    def _intake_teams(self) -> dict[str, Team]:
        return {channel: team for team in self.teams for channel in team.intake_channels}


def single_team(channel: str | None) -> DeskStructure:
    """The desk without a desk file: one team, Support, in the support channel (which
    the settings' own checks require where it is used)."""
    support = Team.model_construct(
        id=DEFAULT_TEAM_ID, name=DEFAULT_TEAM_NAME, channel=channel or ""
    )
    return DeskStructure.model_construct(teams=(support,))


def reassign_after(text: str) -> timedelta:
    """`90s`, `30m`, `4h`: business time on the team's calendar (no days: a business
    day's length is the calendar's, so say it in hours)."""
    if text.strip().endswith("d"):
        raise ValueError(f"{text.strip()!r}: say it in hours or minutes, such as 8h or 30m")
    return parse_duration(text, business_day=timedelta(hours=24))


def _checked_id(value: object) -> object:
    if isinstance(value, str) and re.fullmatch(ID_PATTERN, value) is None:
        raise ValueError(
            f"the id {value[:40]!r} must be 1 to {DESK_ID_MAX} of a-z, 0-9, _ and - (lower case)"
        )
    return value
