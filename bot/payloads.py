"""Typed views of the Slack payloads the listeners use: a bad shape is a ValueError, not a 500."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError

from flashticket_core.domain.enums import Priority, Status
from flashticket_core.domain.model import MessageSource
from flashticket_core.service_layer.common import SLACK_USER_ID
from flashticket_core.service_layer.conversation import AttachedFile


class BadPayload(ValueError):
    """The payload is not what the bot sent or Slack documents (a forged or stale shape)."""


class _Model(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)


TS_PATTERN = r"^[0-9]{1,16}\.[0-9]{1,16}$"

# The database's integer columns; a larger number fails in the driver, not here.
INT_MAX = 2**31 - 1
TicketId = Annotated[int, Field(strict=True, ge=1, le=INT_MAX)]
Version = Annotated[int, Field(strict=True, ge=0, le=INT_MAX)]


class _CardValue(_Model):
    t: TicketId
    v: Version
    # Who the clicker saw holding the ticket (take-over and unassign buttons).
    h: Annotated[str, StringConstraints(pattern=SLACK_USER_ID.pattern)] | None = None


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


def action_raw_value(action: dict[str, Any]) -> str | None:
    """A button's value, or a select's chosen option's value."""
    if isinstance(action.get("value"), str):
        return str(action["value"])
    selected = action.get("selected_option")
    if isinstance(selected, dict) and isinstance(selected.get("value"), str):
        return str(selected["value"])
    return None


class NewTicketForm(_Model):
    title: str
    description: str
    priority: Priority


def _state_value(values: dict[str, Any], block_id: str) -> Any:
    block = values.get(block_id)
    if not isinstance(block, dict):
        raise BadPayload(f"view state lacks {block_id}")
    element = block.get("value")
    if not isinstance(element, dict):
        raise BadPayload(f"view state lacks {block_id}.value")
    return element


def view_values(view: dict[str, Any]) -> dict[str, Any]:
    state = view.get("state")
    values = state.get("values") if isinstance(state, dict) else None
    if not isinstance(values, dict):
        raise BadPayload("view without state")
    return values


def new_ticket_form(view: dict[str, Any]) -> NewTicketForm:
    values = view_values(view)
    title = _state_value(values, "title").get("value") or ""
    description = _state_value(values, "description").get("value") or ""
    selected = _state_value(values, "priority").get("selected_option")
    priority = selected.get("value") if isinstance(selected, dict) else Priority.MEDIUM.value
    try:
        return NewTicketForm.model_validate(
            {"title": title, "description": description, "priority": priority}
        )
    except ValidationError as error:
        raise BadPayload("bad new-ticket form") from error


def entry_text(view: dict[str, Any]) -> str:
    text = _state_value(view_values(view), "text").get("value") or ""
    if not isinstance(text, str):
        raise BadPayload("entry text is not text")
    return text


def entry_files(view: dict[str, Any]) -> list[dict[str, Any]]:
    """The file objects a file input in the modal holds (none when it has no such block
    or nothing was attached)."""
    block = view_values(view).get("files")
    element = block.get("value") if isinstance(block, dict) else None
    files = element.get("files") if isinstance(element, dict) else None
    if files is None:
        return []
    if not isinstance(files, list):
        raise BadPayload("files is not a list")
    return [file for file in files if isinstance(file, dict)]


def attached_files(files: Any) -> list[AttachedFile]:
    """The files a message carries, by their Slack IDs: the relay looks each one up
    (files.info) instead of trusting the URLs a payload names."""
    if not isinstance(files, list):
        return []
    attached = []
    for file in files:
        if not isinstance(file, dict) or not isinstance(file.get("id"), str):
            continue
        if file.get("mode") in ("tombstone", "hidden_by_limit", "external"):
            continue  # deleted, beyond the plan's limits, or not on Slack at all
        size = file.get("size")
        attached.append(
            AttachedFile(
                chat_file_id=file["id"],
                name=str(file.get("name") or file.get("title") or file["id"]),
                mimetype=str(file.get("mimetype") or ""),
                size=size if isinstance(size, int) else None,
            )
        )
    return attached


class _ViewSource(_Model):
    c: Annotated[str, StringConstraints(pattern=r"^[CDG][A-Z0-9]{2,30}$")]
    ts: Annotated[str, StringConstraints(pattern=TS_PATTERN)]
    th: Annotated[str, StringConstraints(pattern=TS_PATTERN)]
    r: Annotated[str, StringConstraints(pattern=SLACK_USER_ID.pattern)]
    # The message's files: ID, name (cut), size.
    f: Annotated[
        list[tuple[FileId, Annotated[str, Field(max_length=80)], int | None]], Field(max_length=10)
    ] = []


FileId = Annotated[str, StringConstraints(pattern=r"^F[A-Z0-9]{2,30}$")]
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


def source_of_view(view: dict[str, Any]) -> TicketSource | None:
    """The message a new-ticket modal was opened from; None for a modal opened by hand."""
    metadata = view.get("private_metadata")
    if not metadata:
        return None
    try:
        parsed = _ViewSource.model_validate_json(metadata if isinstance(metadata, str) else "")
    except ValidationError as error:
        raise BadPayload("view with an unusable source") from error
    files = tuple(AttachedFile(chat_file_id=i, name=n or i, size=z) for i, n, z in parsed.f)
    return TicketSource(MessageSource(parsed.c, parsed.ts, parsed.th), parsed.r, files)


class _ViewTicket(_Model):
    t: TicketId


def ticket_of_view(view: dict[str, Any]) -> int:
    """The ticket a reply or note modal was opened for (its private_metadata)."""
    metadata = view.get("private_metadata")
    try:
        return _ViewTicket.model_validate_json(metadata if isinstance(metadata, str) else "").t
    except ValidationError as error:
        raise BadPayload("view without a ticket") from error


def actor_team(body: dict[str, Any]) -> str | None:
    """The team of the person behind a payload, where Slack names it: `user.team_id` in
    clicks, shortcuts and submissions; `user_team` (or `team`) in a message event, which
    is another organisation's for a person in a Slack Connect conversation; a slash
    command's `team_id`. None where the payload does not say."""
    user = body.get("user")
    if isinstance(user, dict):
        team = user.get("team_id")
        return team if isinstance(team, str) and team else None
    event = body.get("event")
    if isinstance(event, dict):
        for key in ("user_team", "team"):
            team = event.get(key)
            if isinstance(team, str) and team:
                return team
        return None
    team = body.get("team_id")
    return team if isinstance(team, str) and team and "command" in body else None


MENTION = re.compile(r"^<@([UW][A-Z0-9]+)(?:\|[^>]*)?>$")
BARE_ID = re.compile(r"^[UW][A-Z0-9]{2,}$")


def user_of_mention(token: str) -> str | None:
    """`<@U123|name>`, `<@U123>` or a bare `U123`, as Slack sends them with escaping on."""
    match = MENTION.match(token)
    if match:
        return match.group(1)
    if BARE_ID.match(token):
        return token
    return None
