"""How a payload's shape is written: a check per value, and the pieces checks are built of.

A check answers None for a good value, else what is wrong: " must be ..." for the value
itself, or "key must be ..." / "key[0] must be ..." for something inside it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

Check = Callable[[Any], "str | None"]


def problem_of(payload: dict[str, Any], shape: Check) -> str | None:
    """What is wrong with a whole payload, said from its top (`payload must be ...`)."""
    problem = shape(payload)
    return None if problem is None else ("payload" + problem if problem[0] == " " else problem)


def _at(key: str, problem: str) -> str:
    return key + problem if problem[0] in " [" else f"{key}.{problem}"


def pattern(regex: str, what: str) -> Check:
    compiled = re.compile(regex)

    def check(value: Any) -> str | None:
        if isinstance(value, str) and compiled.fullmatch(value):
            return None
        return f" must be {what}"

    return check


def instance_of(types: type | tuple[type, ...], what: str) -> Check:
    def check(value: Any) -> str | None:
        if isinstance(value, types) and not (isinstance(value, bool) and types is int):
            return None
        return f" must be {what}"

    return check


def nullable(inner: Check) -> Check:
    def check(value: Any) -> str | None:
        return None if value is None else inner(value)

    return check


def id_or_object(id_check: Check, object_check: Check) -> Check:
    """Slack sends some references as an ID in one payload and an object in another."""

    def check(value: Any) -> str | None:
        return object_check(value) if isinstance(value, dict) else id_check(value)

    return check


def list_of(item: Check, *, at_least: int = 0) -> Check:
    def check(value: Any) -> str | None:
        if not isinstance(value, list) or len(value) < at_least:
            return " must be a list" + (f" of at least {at_least}" if at_least else "")
        for index, element in enumerate(value):
            problem = item(element)
            if problem is not None:
                return _at(f"[{index}]", problem)
        return None

    return check


def values_of(item: Check) -> Check:
    """An object whose keys are free (block IDs, action IDs) and whose values share a shape."""

    def check(value: Any) -> str | None:
        if not isinstance(value, dict):
            return " must be an object"
        for key, element in value.items():
            problem = item(element)
            if problem is not None:
                return _at(key, problem)
        return None

    return check


def object_of(fields: Mapping[str, Check], *, required: tuple[str, ...] = ()) -> Check:
    def check(value: Any) -> str | None:
        if not isinstance(value, dict):
            return " must be an object"
        for key in required:
            if key not in value:
                return f"{key} is missing"
        for key, field in fields.items():
            if key in value:
                problem = field(value[key])
                if problem is not None:
                    return _at(key, problem)
        return None

    return check


def later(resolve: Callable[[], Check]) -> Check:
    """A shape that contains itself (a message holds its previous version)."""

    def check(value: Any) -> str | None:
        return resolve()(value)

    return check


def never(reason: str) -> Check:
    def check(_value: Any) -> str | None:
        return f" {reason}"

    return check


def nullable_all(fields: Mapping[str, Check]) -> dict[str, Check]:
    return {key: nullable(check) for key, check in fields.items()}
