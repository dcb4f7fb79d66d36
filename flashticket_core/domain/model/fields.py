"""The values a request type's form added to a ticket (its fields), as typed values and
as rows.

A value keeps the label its field had when the ticket was opened, so it stays readable
when a later desk file renames or drops the field. A field with several values (a
multi-select) is one row per value, so every value is found through the index on
(field_id, value); `position` keeps the form's order.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import ForeignKey, Index, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from flashticket_core.domain.model.base import Base
from flashticket_core.domain.model.values import DESK_ID_MAX, NAME_MAX

# A one-line value (text, url, email) is at most this long: with the field's id it fits
# a PostgreSQL index entry whatever its characters. A long text is longer and is not in
# that index.
FIELD_VALUE_MAX = 500
LONG_TEXT_MAX = 3000
FIELD_TYPE_MAX = 16
# The field type whose values are too long for the index.
LONG_TEXT = "long_text"


@dataclass(frozen=True)
class FieldValue:
    """A field's value(s) on a ticket: several for a multi-select, one otherwise.

    Given to `open_ticket` with `field_id` and `values` only; the service fills in the
    label and type the desk file gives the field."""

    field_id: str
    values: tuple[str, ...]
    label: str = ""
    type: str = ""

    @property
    def text(self) -> str:
        """The values as one text, a multi-select's joined by a comma."""
        return ", ".join(self.values)


class TicketField(Base):
    """One value of one field of a ticket."""

    __tablename__ = "ticket_fields"
    __table_args__ = (
        # `/ticket search field:<id>=<value>`: the tickets with that value, newest first.
        Index(
            "ix_ticket_fields_field_value",
            "field_id",
            "value",
            "ticket_id",
            sqlite_where=text(f"type <> '{LONG_TEXT}'"),
            postgresql_where=text(f"type <> '{LONG_TEXT}'"),
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id", ondelete="CASCADE"), index=True)
    field_id: Mapped[str] = mapped_column(String(DESK_ID_MAX))
    # The field's label and type when the ticket was opened.
    label: Mapped[str] = mapped_column(String(NAME_MAX))
    type: Mapped[str] = mapped_column(String(FIELD_TYPE_MAX))
    value: Mapped[str] = mapped_column(Text)
    position: Mapped[int] = mapped_column(Integer)


def field_rows(ticket_id: int, values: Iterable[FieldValue]) -> list[dict[str, object]]:
    """The rows of a ticket's field values (column → value), in the form's order."""
    rows: list[dict[str, object]] = []
    for field in values:
        for value in field.values:
            rows.append(
                {
                    "ticket_id": ticket_id,
                    "field_id": field.field_id,
                    "label": field.label,
                    "type": field.type,
                    "value": value,
                    "position": len(rows),
                }
            )
    return rows


def field_values(rows: Iterable[TicketField]) -> tuple[FieldValue, ...]:
    """A ticket's rows (in position order) as its field values: a field's rows together."""
    grouped: dict[str, FieldValue] = {}
    for row in rows:
        known = grouped.get(row.field_id)
        if known is None:
            grouped[row.field_id] = FieldValue(row.field_id, (row.value,), row.label, row.type)
        else:
            grouped[row.field_id] = FieldValue(
                row.field_id, (*known.values, row.value), known.label, known.type
            )
    return tuple(grouped.values())
