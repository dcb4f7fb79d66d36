"""The console's clock: real time plus however far `clock +2h` moved it, so a person
trying FlashTicket can see what the periodic jobs (the morning digest, later the timers)
do tomorrow without waiting for tomorrow."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from flashticket_core.service_layer.common import utcnow

# A periodic job the console runs after its clock moved; what it returns is ignored.
Tick = Callable[[], object]


class ConsoleClock:
    def __init__(self, real: Callable[[], datetime] = utcnow) -> None:
        self._real = real
        self.offset = timedelta(0)

    def __call__(self) -> datetime:
        return self._real() + self.offset

    def advance(self, by: timedelta) -> datetime:
        if by < timedelta(0):
            raise ValueError("the clock only moves forward")
        self.offset += by
        return self()
