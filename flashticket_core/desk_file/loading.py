"""Reading a desk file: YAML (safe_load) into a `DeskStructure`, or one line that names
the file, the entry and what is wrong with it."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError
from pydantic_core import ErrorDetails

from flashticket_core.desk_file.models import DeskStructure, single_team

# A desk file is a few hundred lines; anything far larger is not one.
MAX_BYTES = 1_000_000


class DeskFileError(ValueError):
    """What is wrong with a desk file, as one line: `file: entry: problem`."""

    def __init__(self, source: str, problem: str, entry: str = "") -> None:
        self.source = source
        self.entry = entry
        self.problem = problem
        super().__init__(f"{source}: {entry}: {problem}" if entry else f"{source}: {problem}")


def entry_name(section: str, index: int, entry_id: object = None) -> str:
    """`teams[1] (hr)`: an entry by its place in the file and, when it has one, its id."""
    return f"{section}[{index}]{_named(entry_id)}"


def _named(entry_id: object) -> str:
    """` (hr)` after an entry's place; YAML folds some characters into line breaks
    ('\\x85' in a quoted scalar is one), so an id that would not print on one line is
    shown escaped by repr."""
    if not isinstance(entry_id, str) or not entry_id:
        return ""
    return f" ({entry_id[:40] if entry_id.isprintable() else repr(entry_id[:40])})"


def load_desk_file(path: str | Path) -> DeskStructure:
    """The desk file at `path`, read and checked; raises DeskFileError."""
    source = str(path)
    try:
        with open(path, "rb") as file:
            data = file.read(MAX_BYTES + 1)
    except OSError as error:
        raise DeskFileError(source, f"cannot read it ({error.strerror or error})") from None
    if len(data) > MAX_BYTES:
        raise DeskFileError(source, f"is larger than {MAX_BYTES:,} bytes: not a desk file")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise DeskFileError(source, "is not UTF-8 text") from None
    return parse_desk_text(text, source=source)


def parse_desk_text(text: str, *, source: str) -> DeskStructure:
    """A desk file's text, checked; raises DeskFileError naming `source`."""
    try:
        document = yaml.safe_load(text)
    except yaml.MarkedYAMLError as error:
        raise DeskFileError(source, _yaml_problem(error)) from None
    except yaml.reader.ReaderError as error:
        line = text.count("\n", 0, error.position) + 1
        code = error.character if isinstance(error.character, int) else ord(error.character)
        raise DeskFileError(
            source, f"YAML syntax error at line {line}: a control character (U+{code:04X})"
        ) from None
    except yaml.YAMLError as error:
        raise DeskFileError(source, f"is not YAML: {' '.join(str(error).split())}") from None
    if document is None:
        raise DeskFileError(source, "is empty: it needs a list of teams (teams:)")
    if not isinstance(document, dict):
        raise DeskFileError(source, "must be a mapping with teams: and request_types:")
    try:
        structure = DeskStructure.model_validate(document)
    except ValidationError as error:
        first = error.errors(include_url=False)[0]
        raise DeskFileError(source, _problem(first), _where(first["loc"], document)) from None
    _check_across_entries(structure, source)
    return structure


def desk_structure(desk_file: str | None, *, support_channel: str | None) -> DeskStructure:
    """The desk file's structure, or without one the single team of the support channel."""
    if desk_file is None:
        return single_team(support_channel)
    return load_desk_file(desk_file)


def _check_across_entries(structure: DeskStructure, source: str) -> None:
    teams = [team.id for team in structure.teams]
    _unique(source, "teams", teams)
    _unique(source, "request_types", [kind.id for kind in structure.request_types])
    for index, kind in enumerate(structure.request_types):
        where = entry_name("request_types", index, kind.id)
        if kind.team not in teams:
            raise DeskFileError(
                source,
                f"unknown team {kind.team[:40]!r} (teams: {', '.join(teams)})",
                where + ".team",
            )
        _unique(source, f"{where}.fields", [field.id for field in kind.fields])
    # `/ticket-admin replies remove <id>` names a saved reply by its id alone.
    replies = [
        (index, reply.id)
        for index, team in enumerate(structure.teams)
        for reply in team.saved_replies
    ]
    first_reply: dict[str, int] = {}
    for index, reply_id in replies:
        if reply_id in first_reply:
            where = entry_name("teams", index, structure.teams[index].id)
            raise DeskFileError(
                source,
                f"duplicate saved reply id {reply_id!r}: "
                f"{entry_name('teams', first_reply[reply_id], structure.teams[first_reply[reply_id]].id)} has it too",
                where + ".saved_replies",
            )
        first_reply[reply_id] = index
    claimed: dict[str, str] = {}
    for index, team in enumerate(structure.teams):
        for channel in team.intake_channels:
            where = entry_name("teams", index, team.id) + ".intake_channels"
            if channel in claimed and claimed[channel] != team.id:
                raise DeskFileError(
                    source,
                    f"{channel} is already an intake channel of the team {claimed[channel]}",
                    where,
                )
            claimed[channel] = team.id


def _unique(source: str, section: str, ids: Sequence[str]) -> None:
    first: dict[str, int] = {}
    for index, entry_id in enumerate(ids):
        if entry_id in first:
            raise DeskFileError(
                source,
                f"duplicate id {entry_id!r}: {entry_name(section, first[entry_id])} has it too",
                entry_name(section, index, entry_id) + ".id",
            )
        first[entry_id] = index


def _where(location: Iterable[int | str], document: Any) -> str:
    """pydantic's location of an error, as the file's entry: `request_types[3] (access).fields[0]`."""
    where = ""
    node = document
    for part in location:
        if isinstance(part, int):
            node = node[part] if isinstance(node, list) and part < len(node) else None
            entry_id = node.get("id") if isinstance(node, dict) else None
            where += f"[{part}]{_named(entry_id)}"
        else:
            node = node.get(part) if isinstance(node, dict) else None
            where += f".{part}" if where else part
    return where


def _problem(error: ErrorDetails) -> str:
    kind = error["type"]
    if kind == "missing":
        return "is missing"
    if kind == "extra_forbidden":
        return "is not a key of this entry (a typo?)"
    if kind == "value_error":
        return str(error.get("ctx", {}).get("error", error["msg"]))
    if kind == "too_short" and error["loc"] == ("teams",):
        return "needs at least one team"
    message = error["msg"]
    return message[:1].lower() + message[1:]


def _yaml_problem(error: yaml.MarkedYAMLError) -> str:
    mark = error.problem_mark
    where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark is not None else ""
    what = error.problem or error.context or "cannot be read"
    return f"YAML syntax error{where}: {what}"
