"""A request type's fields on a new ticket: what the form gave, checked against the desk
file's fields (required, typed), as the values the ticket keeps.

Every wrong field is told at once (`InvalidFields`), each under its own input, and
nothing is stored. Values of fields the type does not have (a form opened before the
desk file changed) are left out."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date
from urllib.parse import urlsplit

from flashticket_core.desk_file import FieldType, FormField, RequestType
from flashticket_core.domain.model import FIELD_VALUE_MAX, LONG_TEXT_MAX, FieldValue
from flashticket_core.errors import InvalidFields, InvalidInput
from flashticket_core.service_layer.common import is_person_id

# What a checked checkbox stores.
CHECKED = "true"
URL_MAX = FIELD_VALUE_MAX
URL_EXAMPLE = "https://example.org/page"
# Something, an @, something with a dot: a plausible address, not RFC 5322.
_EMAIL = re.compile(r"[^@\s<>\"']+@[^@\s<>\"']+\.[^@\s<>\"'.]+")
# A number as a number input gives it: digits, maybe a sign and a decimal point.
_NUMBER = re.compile(r"[+-]?\d+(\.\d+)?")
NUMBER_MAX = 40
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def checked_fields(kind: RequestType, given: Sequence[FieldValue]) -> tuple[FieldValue, ...]:
    """The type's fields with the values given for them, in the form's order, each with
    its label and type; raises InvalidFields naming every wrong one."""
    by_id: dict[str, tuple[str, ...]] = {}
    for value in given:
        cleaned = tuple(v.strip() for v in value.values if v and v.strip())
        by_id[value.field_id] = by_id.get(value.field_id, ()) + cleaned
    errors: list[InvalidInput] = []
    kept: list[FieldValue] = []
    for field in kind.fields:
        values = by_id.get(field.id, ())
        if not values:
            if field.required:
                errors.append(InvalidInput("error.field_required", field.id, label=field.label))
            continue
        try:
            checked = _checked(field, values)
        except InvalidInput as error:
            errors.append(error)
            continue
        kept.append(FieldValue(field.id, checked, field.label, field.type.value))
    if errors:
        raise InvalidFields(errors)
    return tuple(kept)


def _checked(field: FormField, values: tuple[str, ...]) -> tuple[str, ...]:
    kind, label = field.type, field.label
    if kind is FieldType.MULTI_SELECT:
        chosen = set(values)
        if not chosen <= set(field.options):
            raise InvalidInput("error.field_option", field.id, label=label)
        return tuple(option for option in field.options if option in chosen)
    value = values[0]
    if len(values) > 1 and kind is not FieldType.CHECKBOX:
        raise InvalidInput("error.field_option", field.id, label=label)
    if kind is FieldType.SELECT:
        if value not in field.options:
            raise InvalidInput("error.field_option", field.id, label=label)
    elif kind is FieldType.CHECKBOX:
        value = CHECKED
    elif kind is FieldType.NUMBER:
        value = _number(field, value)
    elif kind is FieldType.DATE:
        value = _date(field, value)
    elif kind is FieldType.USER:
        if not is_person_id(value):
            raise InvalidInput("error.invalid_user_id", field.id, value=value[:40])
    elif kind is FieldType.URL and not _is_url(value):
        raise InvalidInput("error.field_url", field.id, label=label, example=URL_EXAMPLE)
    elif kind is FieldType.EMAIL and _EMAIL.fullmatch(value) is None:
        raise InvalidInput("error.field_email", field.id, label=label)
    limit = LONG_TEXT_MAX if kind is FieldType.LONG_TEXT else FIELD_VALUE_MAX
    if len(value) > limit:
        raise InvalidInput(
            "error.field_too_long", field.id, label=label, limit=limit, length=len(value)
        )
    return (value,)


def _number(field: FormField, value: str) -> str:
    if len(value) > NUMBER_MAX or _NUMBER.fullmatch(value) is None:
        raise InvalidInput("error.field_number", field.id, label=field.label)
    return value


def _date(field: FormField, value: str) -> str:
    try:
        if _DATE.fullmatch(value) is None:
            raise ValueError(value)
        return date.fromisoformat(value).isoformat()
    except ValueError:
        raise InvalidInput("error.field_date", field.id, label=field.label) from None


def _is_url(value: str) -> bool:
    if len(value) > URL_MAX or any(c.isspace() for c in value) or not value.isprintable():
        return False
    try:
        parts = urlsplit(value)
    except ValueError:
        return False
    return parts.scheme.lower() in ("http", "https") and bool(parts.hostname)
