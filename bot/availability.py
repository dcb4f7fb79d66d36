"""Who is away, as Slack shows it: the presence `away` (users.getPresence) or a status
emoji named in FLASHTICKET_AWAY_EMOJI (users.info's `profile.status_emoji`, unless its
`status_expiration` has passed). The core asks through its `Availability` port.

Slack's limits decide the shape. users.getPresence is a Tier 3 method (about 50 calls a
minute) and users.info Tier 4 (about 100), each per workspace, and one call tells about
one person: so what Slack said is kept for `AVAILABILITY_TTL` (5 minutes) per person.
The periodic `availability` job reads the members of the teams with an assignment rule
ahead of time, every `REFRESH_EVERY` (4 minutes), so a new ticket finds them known and
no request waits for Slack; a person not known yet (a new member) is read then, with a
short timeout and no retries. Both calls need only `users:read`, which the bot has.

A person Slack cannot tell about (an error, a timeout, the rate limit) counts as
available, and is not asked again for `RETRY_AFTER_FAILURE`: counting them away would
leave every ticket unassigned while Slack is unreachable, whereas a ticket given to
someone away after all moves on after the team's `reassign_after`.
"""

from __future__ import annotations

import http.client
import logging
import threading
import time
from collections.abc import Callable, Collection
from dataclasses import dataclass

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError

from bot.slack_ids import is_user_id
from flashticket_core.service_layer.availability import Availability
from flashticket_core.service_layer.reassignment import Assignment

log = logging.getLogger(__name__)

AVAILABILITY_TTL = 300.0
REFRESH_EVERY = 240.0
RETRY_AFTER_FAILURE = 60.0
LOOKUP_TIMEOUT = 1  # seconds; slack_sdk takes whole ones


@dataclass(frozen=True)
class _Known:
    presence_away: bool
    status_emoji: str
    # When the status clears itself (Unix seconds); 0: it does not.
    status_expiration: int
    good_until: float


_UNKNOWN = _Known(False, "", 0, 0.0)


class SlackAvailability(Availability):
    """What Slack shows of each person, kept for a while; safe across threads."""

    def __init__(
        self,
        client: WebClient,
        away_emoji: frozenset[str],
        *,
        ttl: float = AVAILABILITY_TTL,
        retry_after_failure: float = RETRY_AFTER_FAILURE,
        clock: Callable[[], float] = time.monotonic,
        wall_clock: Callable[[], float] = time.time,
        timeout: int = LOOKUP_TIMEOUT,
    ) -> None:
        # A client of its own: a short timeout and no retries (a request may wait on it).
        self._client = WebClient(
            token=client.token,
            base_url=client.base_url,
            timeout=timeout,
            ssl=client.ssl,
            proxy=client.proxy,
            headers=dict(client.headers),
            retry_handlers=[],
        )
        self._away_emoji = away_emoji
        self._ttl = ttl
        self._retry_after_failure = retry_after_failure
        self._clock = clock
        self._wall_clock = wall_clock
        self._lock = threading.Lock()
        self._known: dict[str, _Known] = {}

    def away(self, user_ids: Collection[str]) -> frozenset[str]:
        now = self._clock()
        return frozenset(user for user in user_ids if self._is_away(self._known_now(user, now)))

    def refresh(self, user_ids: Collection[str]) -> int:
        """Read again those of `user_ids` whose answer runs out before the next refresh
        (the periodic job); returns how many were read."""
        now = self._clock()
        with self._lock:
            stale = [
                user
                for user in user_ids
                if user not in self._known or self._known[user].good_until < now + REFRESH_EVERY
            ]
        for user in stale:
            self._read(user, now)
        return len(stale)

    def forget(self, user: str) -> None:
        """Ask Slack again the next time (the console, whose people change at a word)."""
        with self._lock:
            self._known.pop(user, None)

    def _known_now(self, user: str, now: float) -> _Known:
        if not is_user_id(user):
            return _UNKNOWN
        with self._lock:
            known = self._known.get(user)
        if known is not None and now < known.good_until:
            return known
        return self._read(user, now)

    def _read(self, user: str, now: float) -> _Known:
        try:
            presence = self._client.users_getPresence(user=user).get("presence")
            person = self._client.users_info(user=user).get("user")
        except SlackApiError as error:
            return self._failed(user, now, f"{error.response.get('error')}")
        except (SlackClientError, OSError, http.client.HTTPException, ValueError) as error:
            return self._failed(user, now, type(error).__name__)
        profile = person.get("profile") if isinstance(person, dict) else None
        profile = profile if isinstance(profile, dict) else {}
        expiration = profile.get("status_expiration")
        known = _Known(
            presence_away=presence == "away",
            status_emoji=str(profile.get("status_emoji") or ""),
            status_expiration=expiration if isinstance(expiration, int) else 0,
            good_until=now + self._ttl,
        )
        self._keep(user, known)
        return known

    def _failed(self, user: str, now: float, why: str) -> _Known:
        log.warning("cannot tell whether %s is away (%s): counted as available", user, why)
        known = _Known(False, "", 0, now + self._retry_after_failure)
        self._keep(user, known)
        return known

    def _keep(self, user: str, known: _Known) -> None:
        with self._lock:
            self._known[user] = known

    def _is_away(self, known: _Known) -> bool:
        if known.presence_away:
            return True
        emoji = known.status_emoji.strip(":")
        if not emoji or emoji not in self._away_emoji:
            return False
        # A status set "until tomorrow" has cleared itself once that time passed.
        return known.status_expiration == 0 or known.status_expiration > self._wall_clock()


def watch_availability(availability: SlackAvailability, assignment: Assignment) -> int:
    """The periodic `availability` job: the members of the teams with an assignment
    rule read ahead of time; returns how many were read."""
    return availability.refresh(assignment.people_to_watch())
