"""What every model class stands on: the declarative `Base`, its naming convention for
constraints, aware UTC timestamps, enums stored as their values, and how an aggregate
records the events it raises."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, ClassVar

from sqlalchemy import DateTime, Dialect, Enum, MetaData, TypeDecorator
from sqlalchemy.orm import DeclarativeBase

from flashticket_core.domain import events

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[datetime]):
    """Timestamps are aware UTC in Python and naive UTC in every database.

    SQLite has no time zones; storing naive UTC everywhere keeps SQL date
    arithmetic and month grouping identical on both databases.
    """

    impl = DateTime(timezone=False)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; FlashTicket stores aware UTC timestamps")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        assert isinstance(value, datetime)
        return value.replace(tzinfo=UTC)


def enum_column(enum_cls: type[Any], name: str) -> Enum:
    """An enum stored as its values in a plain string column with a CHECK constraint."""
    return Enum(
        enum_cls,
        name=name,
        native_enum=False,
        create_constraint=True,
        length=16,
        values_callable=lambda members: [member.value for member in members],
        validate_strings=True,
    )


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map: ClassVar[dict[Any, Any]] = {datetime: UTCDateTime()}


class RaisesEvents:
    """An aggregate that records what happened. An event is made when it is collected,
    after the database gave the aggregate (and a new row of it) its id."""

    def _raise(self, make: Callable[[int], events.Event]) -> None:
        """Record what happened: `make` makes the event from the aggregate's id."""
        self._pending_events().append(make)

    def _made_events(self, aggregate_id: int) -> list[events.Event]:
        """The events raised since the last collection, in the order they happened."""
        pending = self._pending_events()
        made = [make(aggregate_id) for make in pending]
        pending.clear()
        return made

    def _pending_events(self) -> list[Callable[[int], events.Event]]:
        # Not a column: a plain attribute of the loaded object, gone with it.
        pending: list[Callable[[int], events.Event]] = vars(self).setdefault("_events", [])
        return pending
