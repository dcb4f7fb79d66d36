"""What the bot carries in its own buttons and modals (a card's ticket and version, the
message a modal was opened from) and the typed values of a submitted form: a bad shape
is a BadPayload, told as a stale click, not a 500."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from bot.incoming import BadPayload
from bot.incoming.objects import File, StateElement, View
from bot.slack_ids import ConversationId, FileId, MessageTs, UserId
from flashticket_core.domain.enums import Priority, Status
from flashticket_core.domain.model import MessageSource
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
    try:
        return NewTicketForm.model_validate(
            {"title": title, "description": description, "priority": priority}
        )
    except ValidationError as error:
        raise BadPayload("bad new-ticket form") from error


def entry_text(view: View) -> str:
    return _element(view, "text").value or ""


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
    c: ConversationId
    ts: MessageTs
    th: MessageTs
    r: UserId
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

    def metadata(self) -> dict[str, Any]:
        m = self.message
        meta: dict[str, Any] = {
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


def source_of_view(view: View) -> TicketSource | None:
    """The message a new-ticket modal was opened from; None for a modal opened by hand."""
    if not view.private_metadata:
        return None
    try:
        parsed = _ViewSource.model_validate_json(view.private_metadata)
    except ValidationError as error:
        raise BadPayload("view with an unusable source") from error
    files = tuple(AttachedFile(chat_file_id=i, name=n or i, size=z) for i, n, z in parsed.f)
    return TicketSource(MessageSource(parsed.c, parsed.ts, parsed.th), parsed.r, files)


class _ViewTicket(_Model):
    t: TicketId


def ticket_of_view(view: View) -> int:
    """The ticket a reply or note modal was opened for (its private_metadata)."""
    try:
        return _ViewTicket.model_validate_json(view.private_metadata or "").t
    except ValidationError as error:
        raise BadPayload("view without a ticket") from error
