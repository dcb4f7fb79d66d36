"""What the bot carries in its own buttons and modals (a card's ticket and version, the
message a modal was opened from) and the typed values of a submitted form: a bad shape
is a BadPayload, told as a stale click, not a 500."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from bot.blocks.following import FOLLOWERS_BLOCK, ON_BEHALF_BLOCK
from bot.blocks.forms import FIELD_PREFIX, REQUEST_TYPE_BLOCK, field_of_block
from bot.blocks.ids import NEW_TICKET_TYPE
from bot.incoming import BadPayload
from bot.incoming.objects import File, StateElement, View
from bot.slack_ids import ConversationId, FileId, MessageTs, UserId, is_channel_id
from flashticket_core.domain.enums import Priority, Status
from flashticket_core.domain.model import DESK_ID_MAX, FieldValue, MessageSource
from flashticket_core.service_layer.conversation import AttachedFile


class _Model(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)


# The database's integer columns; a larger number fails in the driver, not here.
INT_MAX = 2**31 - 1
TicketId = Annotated[int, Field(strict=True, ge=1, le=INT_MAX)]
Version = Annotated[int, Field(strict=True, ge=0, le=INT_MAX)]


class _CardValue(_Model):
    t: TicketId
    v: Version
    # Who the clicker saw holding the ticket (take-over and unassign buttons).
    h: UserId | None = None


class CardAction(_Model):
    """What a card's button or option carries: ticket id, version seen, and maybe a choice."""

    ticket_id: TicketId
    version: Version
    choice: str | None = None
    holder: str | None = None

    @classmethod
    def parse(cls, raw: str | None) -> CardAction:
        if not raw or len(raw) > 2000:
            raise BadPayload("missing action value")
        value, _, choice = raw.partition("|")
        try:
            # pydantic's parser bounds nesting; `json.loads` of "[[[…" would recurse away.
            data = _CardValue.model_validate_json(value)
        except ValidationError as error:
            raise BadPayload(f"bad action value: {raw[:100]!r}") from error
        return cls(ticket_id=data.t, version=data.v, choice=choice or None, holder=data.h)

    def seen_holder(self) -> str:
        """Whom the clicker saw holding the ticket; a button about its holder carries it."""
        if self.holder is None:
            raise BadPayload("no holder in the action value")
        return self.holder

    def status(self) -> Status:
        try:
            return Status(self.choice or "")
        except ValueError:
            raise BadPayload(f"bad status choice {self.choice!r}") from None

    def priority(self) -> Priority:
        try:
            return Priority(self.choice or "")
        except ValueError:
            raise BadPayload(f"bad priority choice {self.choice!r}") from None

    def rating(self) -> int:
        """A rating is one digit as the bot wrote it (`"²".isdigit()` is true, `int` fails)."""
        choice = self.choice or ""
        if len(choice) != 1 or choice not in "0123456789":
            raise BadPayload(f"bad rating {choice[:20]!r}")
        return int(choice)


class NewTicketForm(_Model):
    title: str
    description: str
    priority: Priority
    # The request type chosen (or the desk's one), and its fields' values.
    request_type: str | None = None
    fields: tuple[FieldValue, ...] = ()
    # "Keep informed": the people named to follow it; "On behalf of": whom it is for
    # (the server decides whether the submitter may name anyone there).
    followers: tuple[str, ...] = ()
    on_behalf_of: str | None = None


def _element(view: View, block_id: str) -> StateElement:
    if view.state is None:
        raise BadPayload("view without state")
    element = view.element(block_id)
    if element is None:
        raise BadPayload(f"view state lacks {block_id}.value")
    return element


def new_ticket_form(view: View) -> NewTicketForm:
    title = _element(view, "title").value or ""
    description = _element(view, "description").value or ""
    selected = _element(view, "priority").selected_option
    priority = selected.value if selected else Priority.MEDIUM.value
    request_type = chosen_type(view) or meta_of_view(view).k
    try:
        return NewTicketForm.model_validate(
            {
                "title": title,
                "description": description,
                "priority": priority,
                "request_type": request_type,
                "fields": _field_values(view, request_type),
                "followers": _picked(view, FOLLOWERS_BLOCK).selected_users or (),
                "on_behalf_of": _picked(view, ON_BEHALF_BLOCK).selected_user,
            }
        )
    except ValidationError as error:
        raise BadPayload("bad new-ticket form") from error


def _picked(view: View, block_id: str) -> StateElement:
    """A people picker's state; one the form does not have picks nobody."""
    return view.element(block_id) or StateElement()


def chosen_type(view: View) -> str | None:
    """The request type chosen in the modal's select, if it has one and it is chosen."""
    block = (view.state.values if view.state else {}).get(REQUEST_TYPE_BLOCK) or {}
    element = block.get(NEW_TICKET_TYPE)
    option = element.selected_option if element is not None else None
    return option.value if option is not None else None


def _field_values(view: View, request_type: str | None) -> list[FieldValue]:
    """What the chosen type's inputs hold; another type's inputs (gone since) are not
    read."""
    values: list[FieldValue] = []
    for block_id, element in (view.state.values if view.state else {}).items():
        if not block_id.startswith(FIELD_PREFIX):
            continue
        named = field_of_block(block_id)
        value = element.get("value")
        if named is None or value is None or named[0] != request_type:
            continue
        values.append(FieldValue(named[1], _values_of(value)))
    return values


def _values_of(element: StateElement) -> tuple[str, ...]:
    if element.selected_options is not None:
        return tuple(option.value for option in element.selected_options)
    if element.selected_option is not None:
        return (element.selected_option.value,)
    one = element.selected_user or element.selected_date or element.value
    return (one,) if one else ()


def entry_text(view: View) -> str:
    return _element(view, entry_text_block(view)).value or ""


def entry_text_block(view: View) -> str:
    """The block of a reply's text: `text`, or `text.<n>` once saved replies were put in."""
    values = view.state.values if view.state else {}
    return next((block for block in values if block.startswith("text.")), "text")


def text_generation(view: View) -> int:
    """Which text block the reply form shows now (0: `text`)."""
    _, _, number = entry_text_block(view).partition(".")
    return int(number) if number.isdecimal() and len(number) < 6 else 0


def entry_files(view: View) -> list[File]:
    """The files a file input in the modal holds (none when it has no such block or
    nothing was attached)."""
    element = view.element("files")
    return list(element.files or ()) if element else []


def attached_files(files: Sequence[File] | None) -> list[AttachedFile]:
    """The files a message carries, by their Slack IDs: the relay looks each one up
    (files.info) instead of trusting the URLs a payload names."""
    return [
        AttachedFile(
            chat_file_id=file.id,
            name=file.name or file.title or file.id,
            mimetype=file.mimetype or "",
            size=file.size,
        )
        for file in files or ()
        # deleted, beyond the plan's limits, or not on Slack at all
        if file.mode not in ("tombstone", "hidden_by_limit", "external")
    ]


class _ViewSource(_Model):
    # The message a ticket is made from (all four, or none: a modal opened by hand).
    c: ConversationId | None = None
    ts: MessageTs | None = None
    th: MessageTs | None = None
    r: UserId | None = None
    # The request type of a desk with one; the team whose types the select lists first.
    k: Annotated[str, Field(max_length=DESK_ID_MAX)] | None = None
    i: Annotated[str, Field(max_length=DESK_ID_MAX)] | None = None
    # The message's files: ID, name (cut), size.
    f: Annotated[
        list[tuple[FileId, Annotated[str, Field(max_length=80)], int | None]], Field(max_length=10)
    ] = []


SOURCE_FILES_MAX = 10
SOURCE_FILE_NAME_MAX = 80
PRIVATE_METADATA_MAX = 3000


@dataclass(frozen=True)
class TicketSource:
    """The message a new-ticket modal was opened from, and its author, the reporter;
    the files that came with it go to the support thread with the ticket."""

    message: MessageSource
    reporter_id: str
    files: tuple[AttachedFile, ...] = ()

    def metadata(self, extra: dict[str, str] | None = None) -> dict[str, Any]:
        """The modal's private_metadata: the message, and `extra` (the form's own)."""
        m = self.message
        meta: dict[str, Any] = {
            **(extra or {}),
            "c": m.channel,
            "ts": m.ts,
            "th": m.thread_ts,
            "r": self.reporter_id,
        }
        if not self.files:
            return meta
        # Slack keeps at most 3,000 characters of private_metadata. JSON writes a name
        # in emoji or CJK as \u escapes (up to 12 characters each): names are cut until
        # it fits; the IDs always go, and the relay asks files.info for the name anyway.
        name_max = SOURCE_FILE_NAME_MAX
        while True:
            meta["f"] = [
                [f.chat_file_id, f.name[:name_max], f.size] for f in self.files[:SOURCE_FILES_MAX]
            ]
            if len(json.dumps(meta)) <= PRIVATE_METADATA_MAX or name_max == 0:
                return meta
            name_max //= 2


def meta_of_view(view: View) -> _ViewSource:
    """What a new-ticket modal carries in its private_metadata."""
    if not view.private_metadata:
        return _ViewSource()
    try:
        return _ViewSource.model_validate_json(view.private_metadata)
    except ValidationError as error:
        raise BadPayload("view with an unusable source") from error


def source_of_view(view: View) -> TicketSource | None:
    """The message a new-ticket modal was opened from; None for a modal opened by hand."""
    parsed = meta_of_view(view)
    if parsed.c is None and parsed.ts is None and parsed.th is None and parsed.r is None:
        return None
    if parsed.c is None or parsed.ts is None or parsed.th is None or parsed.r is None:
        raise BadPayload("view with a part of a source")
    files = tuple(AttachedFile(chat_file_id=i, name=n or i, size=z) for i, n, z in parsed.f)
    return TicketSource(MessageSource(parsed.c, parsed.ts, parsed.th), parsed.r, files)


class _ViewTicket(_Model):
    t: TicketId
    c: str | None = None  # where the reply form was opened: told that it went out


def channel_of_view(view: View) -> str | None:
    """The channel a reply form was opened in, if it says (a click on a card)."""
    try:
        channel = _ViewTicket.model_validate_json(view.private_metadata or "").c
    except ValidationError:
        return None
    return channel if channel and is_channel_id(channel) else None


def ticket_of_view(view: View) -> int:
    """The ticket a reply or note modal was opened for (its private_metadata)."""
    try:
        return _ViewTicket.model_validate_json(view.private_metadata or "").t
    except ValidationError as error:
        raise BadPayload("view without a ticket") from error
