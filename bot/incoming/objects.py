"""The objects inside Slack's payloads (a user, a message, a view, an action, ...), as far
as Bolt or a listener reads them; fields nobody reads are ignored.

They follow Slack's documented payloads. Bolt reads the same handful of fields at every
level while building its context (`Context`): each object it looks into is one.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import (
    BaseModel,
    ConfigDict,
    Discriminator,
    Field,
    GetCoreSchemaHandler,
    Tag,
    model_validator,
)
from pydantic_core import CoreSchema, PydanticCustomError

from bot.slack_ids import SlackId, Ts, Url, UserId, UserIdOrEmpty


class SlackObject(BaseModel):
    # strict: a number is no string, "true" no boolean, as Slack's JSON never mixes them.
    model_config = ConfigDict(extra="ignore", frozen=True, strict=True)


class _Present:
    """A field that may be absent but never null: Bolt reads into it once it is there."""

    def __get_pydantic_core_schema__(
        self, source: Any, handler: GetCoreSchemaHandler
    ) -> CoreSchema:
        schema = handler(source)
        return schema["schema"] if schema["type"] == "nullable" else schema


PRESENT = _Present()


def _id_or_object(value: Any) -> str:
    return "~object" if isinstance(value, dict) else "~id"


class UserObject(SlackObject):
    id: UserId | None = None
    username: str | None = None
    name: str | None = None
    team_id: SlackId | None = None


class TeamObject(SlackObject):
    id: SlackId | None = None
    domain: str | None = None
    enterprise_id: SlackId | None = None
    enterprise_name: str | None = None


class NamedObject(SlackObject):
    id: SlackId | None = None
    name: str | None = None


# Slack sends some references as an ID in one payload and an object in another.
UserRef = Annotated[
    Annotated[UserId, Tag("~id")] | Annotated[UserObject, Tag("~object")],
    Discriminator(_id_or_object),
]
TeamRef = Annotated[
    Annotated[SlackId, Tag("~id")] | Annotated[TeamObject, Tag("~object")],
    Discriminator(_id_or_object),
]
NamedRef = Annotated[
    Annotated[SlackId, Tag("~id")] | Annotated[NamedObject, Tag("~object")],
    Discriminator(_id_or_object),
]


class Context(SlackObject):
    """What Bolt reads to build its context, at every level it looks (the payload, its
    event, message, previous_message, item, assistant_thread and authorizations)."""

    user: UserRef | None = None
    user_id: UserId | None = None
    team: TeamRef | None = None
    team_id: SlackId | None = None
    enterprise: NamedRef | None = None
    enterprise_id: SlackId | None = None
    channel: NamedRef | None = None
    channel_id: SlackId | None = None
    thread_ts: Ts | None = None
    function_execution_id: SlackId | None = None
    bot_access_token: str | None = None
    authorizations: list[Authorization] | None = None
    message: Annotated[Message | None, PRESENT] = None
    previous_message: Annotated[Message | None, PRESENT] = None
    item: Annotated[Item | None, PRESENT] = None
    assistant_thread: Annotated[Context | None, PRESENT] = None
    event: Annotated[AnyEvent | None, PRESENT] = None
    bot_id: SlackId | None = None

    def user_of(self) -> str | None:
        """The person: `user` as an ID or as an object."""
        user = self.user
        return user.id if isinstance(user, UserObject) else user

    def channel_of(self) -> str | None:
        channel = self.channel
        return channel.id if isinstance(channel, NamedObject) else channel


class Authorization(Context):
    user_id: SlackId | None = None
    is_bot: bool | None = None
    is_enterprise_install: bool | None = None


class Item(Context):
    """What a reaction is on."""

    type: str | None = None
    channel: SlackId | None = None
    ts: Ts | None = None
    file: SlackId | None = None


class File(SlackObject):
    id: SlackId
    name: str | None = None
    title: str | None = None
    mimetype: str | None = None
    filetype: str | None = None
    mode: str | None = None
    size: int | None = None
    # A file of another organisation (Slack Connect) names no user and no URL:
    # `file_access: "check_file_info"` says files.info tells the rest.
    user: UserIdOrEmpty | None = None
    file_access: str | None = None
    url_private: Url | None = None
    url_private_download: Url | None = None
    permalink: Url | None = None


class Edited(SlackObject):
    # Who edited it: a person, or a bot's own ID.
    user: SlackId | None = None
    ts: Ts | None = None


class Message(Context):
    """A message as events, shortcuts and clicks carry it."""

    type: str | None = None
    subtype: str | None = None
    channel: SlackId | None = None
    channel_type: str | None = None
    user: UserId | None = None
    # The organisation of its author (Slack Connect): `user_team`, else `team`.
    user_team: SlackId | None = None
    text: str | None = None
    ts: Ts | None = None
    event_ts: Ts | None = None
    deleted_ts: Ts | None = None
    hidden: bool | None = None
    files: list[File] | None = None
    blocks: list[dict[str, Any]] | None = None
    attachments: list[dict[str, Any]] | None = None
    edited: Edited | None = None
    parent_user_id: UserId | None = None
    client_msg_id: str | None = None

    def team_of_author(self) -> str | None:
        team = self.team
        return self.user_team or (team if isinstance(team, str) else None) or None

    def file_ids(self) -> list[str]:
        return [file.id for file in self.files or ()]


class TextObject(SlackObject):
    type: str | None = None
    text: str | None = None
    emoji: bool | None = None
    verbatim: bool | None = None


class Option(SlackObject):
    value: str
    text: TextObject | None = None
    description: TextObject | None = None


class StateElement(SlackObject):
    """What an input in a modal holds when it is submitted."""

    type: str | None = None
    value: str | None = None
    selected_option: Option | None = None
    selected_options: list[Option] | None = None
    selected_user: UserId | None = None
    selected_users: list[UserId] | None = None
    selected_channel: SlackId | None = None
    selected_conversation: SlackId | None = None
    selected_date: str | None = None
    selected_time: str | None = None
    files: list[File] | None = None


class State(SlackObject):
    values: dict[str, dict[str, StateElement]] = Field(default_factory=dict)


class View(SlackObject):
    id: Annotated[SlackId | None, PRESENT] = None
    type: Annotated[str | None, PRESENT] = None
    callback_id: Annotated[str | None, PRESENT] = None
    private_metadata: Annotated[str | None, PRESENT] = None
    hash: Annotated[str | None, PRESENT] = None
    state: Annotated[State | None, PRESENT] = None
    blocks: Annotated[list[dict[str, Any]] | None, PRESENT] = None
    title: Annotated[TextObject | None, PRESENT] = None
    external_id: Annotated[str | None, PRESENT] = None
    team_id: SlackId | None = None
    app_id: SlackId | None = None
    bot_id: SlackId | None = None
    app_installed_team_id: SlackId | None = None
    root_view_id: SlackId | None = None
    previous_view_id: SlackId | None = None

    def element(self, block_id: str) -> StateElement | None:
        """The input of block `block_id` (the bot names each input's action `value`)."""
        block = (self.state.values if self.state else {}).get(block_id)
        return block.get("value") if block else None

    def initial_text(self, block_id: str) -> str | None:
        """The text block `block_id`'s input started with (`initial_value`), as the view's
        own blocks say: what it holds where its state does not name it."""
        for block in self.blocks or ():
            if isinstance(block, dict) and block.get("block_id") == block_id:
                element = block.get("element")
                initial = element.get("initial_value") if isinstance(element, dict) else None
                return initial if isinstance(initial, str) else None
        return None


class Action(SlackObject):
    action_id: str
    block_id: str | None = None
    type: str | None = None
    value: str | None = None
    action_ts: Ts | None = None
    text: TextObject | None = None
    selected_option: Option | None = None
    selected_options: list[Option] | None = None
    selected_user: UserId | None = None

    def raw_value(self) -> str | None:
        """A button's value, or a select's chosen option's value."""
        if self.value is not None:
            return self.value
        return self.selected_option.value if self.selected_option else None


class Container(SlackObject):
    type: str | None = None
    message_ts: Ts | None = None
    thread_ts: Ts | None = None
    channel_id: SlackId | None = None
    view_id: SlackId | None = None
    is_ephemeral: bool | None = None


class ResponseUrl(SlackObject):
    response_url: Url
    block_id: str | None = None
    action_id: str | None = None


# -- events: what each one the bot may receive carries ---------------------------------


class Function(SlackObject):
    callback_id: str | None = None


class Event(Context):
    """Any event; the kinds the bot reads have their own fields."""

    type: str
    event_ts: Ts | None = None
    ts: Ts | None = None
    # Bolt reads event.function.callback_id of any event with a function_execution_id.
    function: Annotated[Function | None, PRESENT] = None
    view: View | None = None


class MessageEvent(Event, Message):  # type: ignore[misc]
    """A message, and its subtypes: an edit (`message_changed`: `message` and
    `previous_message`), a deletion (`message_deleted`), files (`file_share`)."""


class AppHomeOpened(Event):
    user: UserId | None = None
    channel: SlackId | None = None
    tab: str | None = None


class MemberJoinedChannel(Event):
    user: UserId | None = None
    channel: SlackId | None = None
    channel_type: str | None = None
    team: SlackId | None = None
    inviter: UserId | None = None


class NewChannel(SlackObject):
    id: SlackId
    name: str | None = None
    created: int | None = None
    creator: UserId | None = None


class ChannelCreated(Event):
    channel: Annotated[NewChannel | None, PRESENT] = None  # type: ignore[assignment]


class ReactionAdded(Event):
    """Also `reaction_removed`: the same fields."""

    user: UserId | None = None
    reaction: str | None = None
    item_user: SlackId | None = None
    item: Item | None = None


def refuse_retired(_data: Any) -> Any:
    """Steps from apps are retired; Bolt fails on one that lacks its workflow_step."""
    raise PydanticCustomError("retired", "is a retired workflow step")


class RetiredStep(Event):
    _refuse = model_validator(mode="before")(refuse_retired)


EVENT_KINDS = frozenset(
    {
        "message",
        "app_home_opened",
        "member_joined_channel",
        "channel_created",
        "reaction_added",
        "reaction_removed",
        "workflow_step_execute",
    }
)


def _event_kind(value: Any) -> str | None:
    kind = value.get("type") if isinstance(value, dict) else None
    if not isinstance(kind, str):
        return None
    return "~" + kind if kind in EVENT_KINDS else "~other"


AnyEvent = Annotated[
    Annotated[MessageEvent, Tag("~message")]
    | Annotated[AppHomeOpened, Tag("~app_home_opened")]
    | Annotated[MemberJoinedChannel, Tag("~member_joined_channel")]
    | Annotated[ChannelCreated, Tag("~channel_created")]
    | Annotated[ReactionAdded, Tag("~reaction_added")]
    | Annotated[ReactionAdded, Tag("~reaction_removed")]
    | Annotated[RetiredStep, Tag("~workflow_step_execute")]
    | Annotated[Event, Tag("~other")],
    Discriminator(
        _event_kind,
        custom_error_type="event",
        custom_error_message="must be an object with a type",
    ),
]

for _model in (Context, Authorization, Item, Message, Event, MessageEvent, ChannelCreated):
    _model.model_rebuild()
