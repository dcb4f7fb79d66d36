"""The statistics' tallies: live tickets per day and month of opening, and per duration
bucket, kept by database triggers (migration 0007; the rules: service_layer/dashboard.py)
so that the figures read a few hundred rows however many tickets there are."""

from __future__ import annotations

from datetime import date

from sqlalchemy import BigInteger, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from flashticket_core.adapters.partial_indexes import partial_index
from flashticket_core.domain.model import Base


class TicketTally(Base):
    """Live tickets per UTC day of opening, status and priority; kept by triggers
    (the rules: service_layer/dashboard.py)."""

    __tablename__ = "ticket_tallies"
    __table_args__ = (
        partial_index(
            "ix_ticket_tallies_nonzero", "status", "priority", "tickets", where="tickets <> 0"
        ),
        {"sqlite_with_rowid": False},
    )

    day: Mapped[date] = mapped_column(primary_key=True)
    status: Mapped[str] = mapped_column(String(16), primary_key=True)
    priority: Mapped[str] = mapped_column(String(16), primary_key=True)
    tickets: Mapped[int] = mapped_column(Integer)


class TicketMonthTally(Base):
    """Live tickets per UTC month of opening (its first day), status and priority;
    kept by triggers (the rules: service_layer/dashboard.py)."""

    __tablename__ = "ticket_month_tallies"
    __table_args__ = ({"sqlite_with_rowid": False},)

    month: Mapped[date] = mapped_column(primary_key=True)
    status: Mapped[str] = mapped_column(String(16), primary_key=True)
    priority: Mapped[str] = mapped_column(String(16), primary_key=True)
    tickets: Mapped[int] = mapped_column(Integer)


class TicketDuration(Base):
    """Live tickets per measure (first reply, resolution), UTC day of that event and
    duration bucket: the seconds kept to one significant digit. Kept by triggers (the
    rules: service_layer/dashboard.py)."""

    __tablename__ = "ticket_durations"
    __table_args__ = ({"sqlite_with_rowid": False},)

    measure: Mapped[str] = mapped_column(String(16), primary_key=True)
    day: Mapped[date] = mapped_column(primary_key=True)
    bucket: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    tickets: Mapped[int] = mapped_column(Integer)


class TicketDurationDetail(Base):
    """The same tickets inside each bucket, by the seconds kept to two significant
    digits (`fine`), with the sum of their seconds. Kept by triggers (the rules:
    service_layer/dashboard.py)."""

    __tablename__ = "ticket_duration_details"
    __table_args__ = ({"sqlite_with_rowid": False},)

    measure: Mapped[str] = mapped_column(String(16), primary_key=True)
    bucket: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    day: Mapped[date] = mapped_column(primary_key=True)
    fine: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    tickets: Mapped[int] = mapped_column(Integer)
    seconds: Mapped[int] = mapped_column(BigInteger)
