"""Each person's language: their Slack locale (`users.info` with `include_locale`),
German for `de…`, English for `en…`, the help desk's language for anything else.

A locale is looked up once per person and kept in the process for `LOCALE_TTL`, then
looked up again the next time that person needs words. A look-up waits at most
`LOOKUP_TIMEOUT`; when it fails the person gets what they had (or the help desk's
language) and the look-up is not tried again for `RETRY_AFTER_FAILURE`, so a Slack
outage or a missing `users:read` scope never slows every request down.
"""

from __future__ import annotations

import http.client
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError

from bot.slack_ids import is_user_id
from flashticket_core.i18n import Language

log = logging.getLogger(__name__)

LOCALE_TTL = 12 * 3600.0
RETRY_AFTER_FAILURE = 300.0
LOOKUP_TIMEOUT = 1  # seconds; slack_sdk takes whole ones
# A workspace's people, with room to spare; past it the longest-known are forgotten.
PEOPLE_KEPT = 100_000

# The locale Slack reports for a person (None: it reports none); raises LookupFailed.
LocaleLookup = Callable[[str], str | None]


class LookupFailed(Exception):
    """Slack could not tell a person's locale now (an error, a timeout, no scope)."""


def language_of_locale(locale: str | None, default: Language) -> Language:
    """`de-DE`, `de-AT`, `de` → German; `en-US`, `en-GB` → English; else `default`."""
    primary = (locale or "").strip().replace("_", "-").split("-")[0].lower()
    if primary == "de":
        return Language.DE
    if primary == "en":
        return Language.EN
    return default


@dataclass
class _Known:
    language: Language
    good_until: float


class Locales:
    """Who speaks which language, as far as this process knows; safe across threads."""

    def __init__(
        self,
        lookup: LocaleLookup,
        *,
        default: Language,
        ttl: float = LOCALE_TTL,
        retry_after_failure: float = RETRY_AFTER_FAILURE,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.default = default
        self._lookup = lookup
        self._ttl = ttl
        self._retry_after_failure = retry_after_failure
        self._clock = clock
        self._lock = threading.Lock()
        self._known: dict[str, _Known] = {}

    def language_of(self, user: str) -> Language:
        # Anything but a Slack user ID is not worth asking Slack about.
        if not is_user_id(user):
            return self.default
        now = self._clock()
        with self._lock:
            known = self._known.get(user)
        if known is not None and now < known.good_until:
            return known.language
        # Looked up outside the lock: one slow answer must not hold up everyone else.
        try:
            language = language_of_locale(self._lookup(user), self.default)
            good_until = now + self._ttl
        except LookupFailed as failure:
            log.warning("no locale for %s (%s); speaking %s", user, failure, self.default.value)
            language = known.language if known is not None else self.default
            good_until = now + self._retry_after_failure
        with self._lock:
            self._known.pop(user, None)  # re-inserted last: the dict is oldest first
            self._known[user] = _Known(language, good_until)
            while len(self._known) > PEOPLE_KEPT:
                del self._known[next(iter(self._known))]
        return language


def slack_locale_lookup(web_client: WebClient, *, timeout: int = LOOKUP_TIMEOUT) -> LocaleLookup:
    """`users.info` with `include_locale`, over a client of its own with a short timeout
    and no retries: a request waits for it, so it may not take long."""
    client = WebClient(
        token=web_client.token,
        base_url=web_client.base_url,
        timeout=timeout,
        ssl=web_client.ssl,
        proxy=web_client.proxy,
        headers=dict(web_client.headers),
        retry_handlers=[],
    )

    def locale_of(user: str) -> str | None:
        try:
            response = client.users_info(user=user, include_locale=True)
        except SlackApiError as error:
            code = error.response.get("error")
            if code == "missing_scope":
                # An install from before the bot asked for users:read.
                raise LookupFailed(
                    "users.info: missing_scope; add users:read (flashticket manifest) and reinstall"
                ) from None
            raise LookupFailed(f"users.info: {code}") from None
        except (SlackClientError, OSError, http.client.HTTPException, ValueError) as error:
            raise LookupFailed(f"users.info: {type(error).__name__}") from None
        person = response.get("user")
        locale = person.get("locale") if isinstance(person, dict) else None
        return locale if isinstance(locale, str) else None

    return locale_of


def slack_locales(client: WebClient, *, default: Language) -> Locales:
    return Locales(slack_locale_lookup(client), default=default)
