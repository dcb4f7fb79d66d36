"""What a log line is about (the request, the actor, the ticket), bound for as long as a
request or a delivery lasts, so every line logged meanwhile carries it."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from types import MappingProxyType

_NOTHING: Mapping[str, str] = MappingProxyType({})
_FIELDS: ContextVar[Mapping[str, str]] = ContextVar("flashticket_log_fields", default=_NOTHING)


@contextmanager
def bound(**fields: object) -> Iterator[None]:
    """Add `fields` (those not None) to every line logged inside the block."""
    given = {name: str(value) for name, value in fields.items() if value is not None}
    token = _FIELDS.set({**_FIELDS.get(), **given})
    try:
        yield
    finally:
        _FIELDS.reset(token)


def current() -> Mapping[str, str]:
    return _FIELDS.get()
