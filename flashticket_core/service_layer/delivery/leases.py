"""The leases one delivery worker holds: which messages, until when (as last written),
renewed well before they run out, so a slow delivery is never claimed and sent again by
another worker, and a message whose lease passed to another is neither sent nor recorded
by this one."""

from __future__ import annotations

import contextlib
import logging
import threading
from collections.abc import Callable, Collection, Iterable, Iterator
from datetime import datetime, timedelta

from flashticket_core.service_layer.delivery.ports import LeaseLost, OutboxStore

log = logging.getLogger(__name__)


class HeldLeases:
    def __init__(
        self,
        store: OutboxStore,
        *,
        worker_id: str,
        clock: Callable[[], datetime],
        lease: timedelta,
        renew_every: float,
    ) -> None:
        self._store = store
        self._worker_id = worker_id
        self._clock = clock
        self._lease = lease
        # Seconds of real time, as the worker's poll.
        self.renew_every = renew_every
        self._held: dict[int, datetime] = {}
        self._lock = threading.Lock()

    def hold(self, message_ids: Iterable[int], until: datetime) -> None:
        """The worker just claimed these messages until `until`."""
        with self._lock:
            self._held.update((message_id, until) for message_id in message_ids)

    def forget(self, message_id: int) -> None:
        with self._lock:
            self._held.pop(message_id, None)

    def holds(self, message_id: int) -> bool:
        """Whether the worker still holds the message; a lease with less than half of
        its time left is renewed first (and is lost if another worker took it)."""
        with self._lock:
            until = self._held.get(message_id)
        if until is None:
            return False
        if until - self._clock() > self._lease / 2:
            return True
        return message_id in self.renew([message_id])

    def ensure_held(self, message_id: int) -> None:
        if not self.holds(message_id):
            raise LeaseLost(str(message_id))

    def renew(self, message_ids: list[int]) -> set[int]:
        until = self._clock() + self._lease
        kept = self._store.renew(message_ids, worker_id=self._worker_id, until=until)
        with self._lock:
            for message_id in message_ids:
                if message_id not in self._held:
                    continue  # recorded meanwhile
                if message_id in kept:
                    self._held[message_id] = until
                else:
                    del self._held[message_id]
        return kept

    @contextlib.contextmanager
    def keeping(
        self, message_ids: Collection[int], *, kept_after: Callable[[], Collection[int]] = set
    ) -> Iterator[None]:
        """While messages are delivered, their leases are renewed in the background, so
        a delivery that takes longer than the lease (a large file, a slow answer) keeps
        them from being claimed and sent again by another worker. At the end the worker
        lets go of them, but for those `kept_after` names (files handed to the side
        thread, which keeps its own)."""
        done = threading.Event()

        def keep() -> None:
            while not done.wait(self.renew_every):
                with self._lock:
                    held = [i for i in message_ids if i in self._held]
                if not held:
                    continue
                try:
                    self.renew(held)
                except Exception:
                    # The next renewal (or the check before a send) tries again.
                    log.exception("outbox leases could not be renewed")

        keeper = threading.Thread(target=keep, name="outbox-lease-keeper", daemon=True)
        keeper.start()
        try:
            yield
        finally:
            done.set()
            keeper.join()
            kept = set(kept_after())
            with self._lock:
                for message_id in message_ids:
                    if message_id not in kept:
                        self._held.pop(message_id, None)
