"""The payloads Slack sends, one model per kind: the slash command's form, the
interactions (clicks, submissions, shortcuts) and the events' envelope.

The kind is the payload's `type` (a form with a `command` is a slash command). What
each kind needs beyond the envelope is required by its model: a click its actions, a
submission its view, anything a person did the person.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BeforeValidator,
    Discriminator,
    Field,
    Tag,
    TypeAdapter,
    ValidationError,
    model_validator,
)
from pydantic_core import ErrorDetails, PydanticCustomError

from bot.incoming.objects import (
    PRESENT,
    Action,
    AnyEvent,
    Container,
    Context,
    MessageEvent,
    ResponseUrl,
    SlackObject,
    UserObject,
    View,
    refuse_retired,
)
from bot.slack_ids import (
    CommandName,
    SlackId,
    SlackIdOrEmpty,
    TriggerId,
    TriggerIdOrEmpty,
    Ts,
    Url,
    UrlOrEmpty,
    UserId,
    is_user_id,
)


def _only_for_commands(_value: Any) -> Any:
    # Bolt takes any body with a "command" for a slash command; only forms are those.
    raise PydanticCustomError("command", "is only for slash commands")


class Envelope(Context):
    """What every interaction and event envelope may carry; also any kind the bot does
    not handle, so that Bolt can read it safely and answer it."""

    type: str
    token: str | None = None
    api_app_id: SlackId | None = None
    trigger_id: TriggerId | None = None
    response_url: Annotated[Url | None, PRESENT] = None
    response_urls: Annotated[list[ResponseUrl] | None, PRESENT] = None
    event_id: Annotated[SlackId | None, PRESENT] = None
    event_time: int | None = None
    view: Annotated[View | None, PRESENT] = None
    container: Annotated[Container | None, PRESENT] = None
    actions: Annotated[list[Action] | None, PRESENT] = None
    callback_id: Annotated[str | None, PRESENT] = None
    action_id: Annotated[str | None, PRESENT] = None
    message_ts: Ts | None = None
    action_ts: Ts | None = None
    command: Annotated[None, BeforeValidator(_only_for_commands)] = None

    def person_named(self) -> tuple[str, str] | None:
        """The (user ID, name) the payload comes with, if any."""
        user = self.user
        if isinstance(user, UserObject) and user.id is not None:
            name = user.name or user.username
            if name is not None:
                return user.id, name
        return None

    def team_of_actor(self) -> str | None:
        """The team of the person behind the payload, where Slack names it: `user.team_id`
        in clicks, shortcuts and submissions. None where the payload does not say."""
        user = self.user
        return (user.team_id or None) if isinstance(user, UserObject) else None

    def origin_channel(self) -> str | None:
        """Where the request came from: the channel of a click, a shortcut."""
        container = self.container.channel_id if self.container else None
        return self.channel_of() or container or self.channel_id


class Person(UserObject):
    id: UserId


def _a_person(value: Any) -> Any:
    """A person did something: who it was must be known, as an object with an id."""
    if value is None or (isinstance(value, str) and is_user_id(value)):
        raise PydanticCustomError("person", "must be an object")
    if not isinstance(value, dict):
        raise PydanticCustomError("person", "must be a Slack user ID")
    return value


Acting = Annotated[Person, BeforeValidator(_a_person)]


class BlockActions(Envelope):
    """A click on a button or a choice in a select."""

    user: Acting
    actions: Annotated[list[Action], Field(min_length=1)]

    @property
    def action(self) -> Action:
        return self.actions[0]


def _not_a_step(kind: str) -> str:
    if kind == "workflow_step":
        raise PydanticCustomError("view_type", "must be a view type")
    return kind


class SubmittedView(View):
    type: Annotated[str, AfterValidator(_not_a_step)]
    callback_id: str


class ViewPayload(Envelope):
    """A modal submitted (`view_submission`) or closed (`view_closed`)."""

    user: Acting
    view: SubmittedView


class Shortcut(Envelope):
    """A global shortcut (`shortcut`) or one on a message (`message_action`)."""

    user: Acting
    callback_id: str


class BlockSuggestion(Envelope):
    action_id: str


class RetiredEdit(Envelope):
    _refuse = model_validator(mode="before")(refuse_retired)


class EventCallback(Envelope):
    event: AnyEvent

    def team_of_actor(self) -> str | None:
        """`user_team` (or `team`) in a message event: another organisation's for a person
        in a Slack Connect conversation. A reaction names no team."""
        if isinstance(self.user, UserObject):
            return super().team_of_actor()
        event = self.event
        if isinstance(event, MessageEvent):
            return event.team_of_author()
        return event.team if isinstance(event.team, str) and event.team else None


class UrlVerification(Envelope):
    challenge: str


KINDS = frozenset(
    {
        "block_actions",
        "view_submission",
        "view_closed",
        "shortcut",
        "message_action",
        "block_suggestion",
        "workflow_step_edit",
        "event_callback",
        "url_verification",
    }
)


def _kind(value: Any) -> str | None:
    kind = value.get("type") if isinstance(value, dict) else None
    if not isinstance(kind, str):
        return None
    return "~" + kind if kind in KINDS else "~other"


Payload = (
    BlockActions
    | ViewPayload
    | Shortcut
    | BlockSuggestion
    | EventCallback
    | UrlVerification
    | Envelope
)
PAYLOAD: TypeAdapter[Payload] = TypeAdapter(
    Annotated[
        Annotated[BlockActions, Tag("~block_actions")]
        | Annotated[ViewPayload, Tag("~view_submission")]
        | Annotated[ViewPayload, Tag("~view_closed")]
        | Annotated[Shortcut, Tag("~shortcut")]
        | Annotated[Shortcut, Tag("~message_action")]
        | Annotated[BlockSuggestion, Tag("~block_suggestion")]
        | Annotated[RetiredEdit, Tag("~workflow_step_edit")]
        | Annotated[EventCallback, Tag("~event_callback")]
        | Annotated[UrlVerification, Tag("~url_verification")]
        | Annotated[Envelope, Tag("~other")],
        Discriminator(_kind, custom_error_type="payload", custom_error_message="must have a type"),
    ]
)


class SlashCommand(SlackObject):
    """A slash command's form, as far as Bolt and the listeners read it; Slack may leave
    an optional field empty."""

    command: CommandName
    user_id: UserId
    channel_id: SlackIdOrEmpty | None = None
    team_id: SlackIdOrEmpty | None = None
    enterprise_id: SlackIdOrEmpty | None = None
    api_app_id: SlackIdOrEmpty | None = None
    trigger_id: TriggerIdOrEmpty | None = None
    response_url: UrlOrEmpty | None = None
    text: str = ""
    token: str | None = None
    team_domain: str | None = None
    enterprise_name: str | None = None
    channel_name: str | None = None
    user_name: str | None = None
    is_enterprise_install: str | None = None

    def person_named(self) -> tuple[str, str] | None:
        return None if self.user_name is None else (self.user_id, self.user_name)

    def team_of_actor(self) -> str | None:
        return self.team_id or None

    def origin_channel(self) -> str | None:
        return self.channel_id or None


# The fields Bolt is given of a command: it builds its context from every field it gets
# (a text `authorizations` makes it fail).
COMMAND_FIELDS = tuple(SlashCommand.model_fields)
SSL_CHECK_FIELDS = ("ssl_check", "token")


# -- validated once ----------------------------------------------------------------------

Incoming = Payload | SlashCommand


class BadPayload(ValueError):
    """The payload is not what the bot sent or Slack documents (a forged or stale shape)."""


class CheckedBody(dict[str, Any]):
    """The payload as Bolt is to see it, carrying the model it was validated into."""

    __slots__ = ("model",)

    def __init__(self, fields: dict[str, Any], model: Incoming | None) -> None:
        super().__init__(fields)
        self.model = model


def checked_payload(data: dict[str, Any]) -> CheckedBody | str:
    """An interaction or an event envelope, typed; or what is wrong with it."""
    try:
        model = PAYLOAD.validate_python(data)
    except ValidationError as error:
        return reason(error)
    return CheckedBody(data, model)


def checked_command(fields: dict[str, Any]) -> CheckedBody | str:
    """A slash command's form fields, typed, and only those Slack documents."""
    try:
        model = SlashCommand.model_validate(fields)
    except ValidationError as error:
        return reason(error)
    return CheckedBody({name: fields[name] for name in COMMAND_FIELDS if name in fields}, model)


def model_of(body: dict[str, Any]) -> Incoming:
    """The model of a payload Bolt handles: validated at the edge, or here for a body
    that did not come through it (the console hands Bolt its text)."""
    if isinstance(body, CheckedBody):
        checked: CheckedBody | str = body
    else:
        checked = checked_command(body) if "command" in body else checked_payload(body)
    if isinstance(checked, str):
        raise BadPayload(checked)
    if checked.model is None:
        raise BadPayload("no payload")
    return checked.model


# -- where and what is wrong ------------------------------------------------------------

_WHAT = {
    "string_type": "must be a string",
    "int_type": "must be an integer",
    "bool_type": "must be true or false",
    "model_type": "must be an object",
    "model_attributes_type": "must be an object",
    "dict_type": "must be an object",
    "list_type": "must be a list",
    "missing": "is missing",
}


def reason(error: ValidationError) -> str:
    """The first problem, said from the payload's top: `payload must have a type`,
    `view.callback_id is missing`, `actions[0].value must be a string`."""
    first = error.errors(include_url=False, include_input=False)[0]
    return f"{_where(first) or 'payload'} {_what(first)}"


def _where(error: ErrorDetails) -> str:
    where = ""
    for part in error["loc"]:
        if isinstance(part, int):
            where += f"[{part}]"
        elif not part.startswith("~"):  # a kind's tag, not a field
            where += f".{part}" if where else part
    return where


def _what(error: ErrorDetails) -> str:
    kind = error["type"]
    if kind == "too_short":
        return f"must be a list of at least {error.get('ctx', {}).get('min_length', 1)}"
    return _WHAT.get(kind) or error["msg"]
