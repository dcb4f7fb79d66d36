"""A request body's text as the payload Bolt is to see, parsed once.

The JSON is parsed here, and that same dict is what Bolt gets, so Bolt and these checks
can never read a body differently. One pass over the parsed payload bounds its nesting
and refuses strings holding a NUL or a lone surrogate (Slack's UTF-8 cannot carry
either, and the database driver fails on them long after the answer went out); then
the payload is validated into its model (`bot.incoming`), which the dict carries. A
form is a slash command, or an interaction's JSON in its `payload` field.
"""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import parse_qs

from bot.incoming import SSL_CHECK_FIELDS, CheckedBody, checked_command, checked_payload

# Slack's deepest payloads (a rich-text list in an edited message) nest about 15 levels.
MAX_DEPTH = 64
JSON = "application/json"
FORM = "application/x-www-form-urlencoded"


def parse(media_type: str, text: str) -> CheckedBody | str:
    """The payload as Bolt is to see it, or what is wrong with the body."""
    if media_type == JSON:
        return _checked_payload(text)
    if media_type != FORM:
        return f"unsupported content type {media_type or 'none'!r}"
    try:
        # errors="strict": a percent-escape that is no UTF-8 is refused, not made U+FFFD.
        form = parse_qs(text, keep_blank_values=True, strict_parsing=bool(text), errors="strict")
    except ValueError:  # UnicodeDecodeError included
        return "malformed form body"
    if any(len(values) > 1 for values in form.values()):
        # Slack sends each field once; which copy would count is not ours to guess.
        return "repeated form field"
    fields = {name: values[0] for name, values in form.items()}
    if any("\x00" in name or "\x00" in value for name, value in fields.items()):
        return "form body holds a NUL character"
    if "payload" in fields:
        return _checked_payload(fields["payload"])
    # Bolt builds its context from every field it is given (a text `authorizations`
    # makes it fail): it is given the fields Slack documents and nothing else.
    if "ssl_check" in fields:
        return CheckedBody(
            {name: fields[name] for name in SSL_CHECK_FIELDS if name in fields}, None
        )
    return checked_command(fields)


def _checked_payload(text: str) -> CheckedBody | str:
    data = _json_object(text)
    return data if isinstance(data, str) else checked_payload(data)


# -- JSON: parsed once, nesting and strings checked in one pass ------------------------

# A lone surrogate or a NUL can only reach a parsed string through a \u escape.
_SUSPECT_ESCAPE = re.compile(r"\\u(?:0000|[dD][89a-fA-F])")
_BAD_CHARACTER = re.compile("[\x00\ud800-\udfff]")


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def _json_object(text: str) -> dict[str, Any] | str:
    try:
        data = json.loads(text, parse_constant=_no_constant)
    except RecursionError:
        return "JSON nested too deeply"
    except ValueError:
        return "malformed JSON"
    if not isinstance(data, dict):
        return "JSON body must be an object"
    return nesting_problem(data, strings=_SUSPECT_ESCAPE.search(text) is not None) or data


def nesting_problem(data: dict[str, Any], *, strings: bool) -> str | None:
    """Depth beyond MAX_DEPTH, or (if `strings`) a string with a NUL or a lone surrogate."""
    stack: list[tuple[Any, int]] = [(data, 1)]
    while stack:
        container, depth = stack.pop()
        if depth > MAX_DEPTH:
            return f"JSON nested deeper than {MAX_DEPTH} levels"
        if isinstance(container, dict):
            if strings and any(_BAD_CHARACTER.search(key) for key in container):
                return "JSON holds a NUL or a lone surrogate"
            items = container.values()
        else:
            items = container
        for item in items:
            if isinstance(item, (dict, list)):
                stack.append((item, depth + 1))
            elif strings and isinstance(item, str) and _BAD_CHARACTER.search(item):
                return "JSON holds a NUL or a lone surrogate"
    return None
