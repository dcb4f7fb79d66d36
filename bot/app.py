"""The Bolt app: listeners registered by kind, the core reaching them through the context."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from slack_bolt import App, BoltContext
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot import listeners, times
from bot.incoming import BadPayload, model_of
from bot.locales import Locales, slack_locales
from bot.settings import Settings
from flashticket_core.bootstrap import Core

log = logging.getLogger("flashticket.bot")


def _workspace_team(client: WebClient) -> Callable[[], str | None]:
    """This workspace's team ID (`auth.test`), asked once when first needed; None while
    Slack does not answer (nobody is then taken for an outsider)."""
    known: list[str] = []
    lock = threading.Lock()

    def team() -> str | None:
        with lock:
            if not known:
                try:
                    team_id = client.auth_test().get("team_id")
                except SlackApiError as error:
                    log.warning("auth.test failed: %s", error.response.get("error"))
                    return None
                except OSError as error:
                    log.warning("auth.test failed: %s", type(error).__name__)
                    return None
                if isinstance(team_id, str) and team_id:
                    known.append(team_id)
            return known[0] if known else None

    return team


def create_app(
    core: Core,
    client: WebClient,
    *,
    settings: Settings | None = None,
    verify_token: bool = True,
    locales: Locales | None = None,
    background: ThreadPoolExecutor | None = None,
) -> App:
    """A Bolt app for one workspace; `locales` tells each person's language (shared with
    the delivery worker, so one look-up serves both).

    `process_before_response=True`: the HTTP answer goes out when the listener returns,
    instead of Bolt polling every 10 ms for the ack; listeners stay short because every
    Slack message a change causes is delivered later from the outbox.
    """
    settings = settings or Settings.of(core.settings)
    times.use_desk(settings.flashticket_timezone, settings.flashticket_language)
    people_languages = locales or slack_locales(client, default=settings.flashticket_language)
    signing_secret = settings.slack_signing_secret
    app = App(
        client=client,
        signing_secret=signing_secret.get_secret_value() if signing_secret else "",
        process_before_response=True,
        token_verification_enabled=verify_token,
        request_verification_enabled=signing_secret is not None,
        logger=logging.getLogger("flashticket.bolt"),
    )

    # Work that outlasts Slack's 3 seconds (an export) runs here, after the answer; a
    # caller that passes its own waits for it when it stops.
    background = background or ThreadPoolExecutor(
        max_workers=2, thread_name_prefix="flashticket-background"
    )

    workspace_team = _workspace_team(client)

    @app.middleware
    def put_core_in_context(context: BoltContext, next: Callable[[], Any]) -> Any:
        context["desk"] = core.desk
        # The help desk's language (channels); a person's own is Turn.lang.
        context["lang"] = settings.flashticket_language
        context["locales"] = people_languages
        context["background"] = background
        context["ticket_emoji"] = settings.flashticket_ticket_emoji
        context["external_reporters"] = settings.flashticket_external_reporters
        context["workspace_team"] = workspace_team
        return next()

    @app.middleware
    def typed_payload(body: dict[str, Any], context: BoltContext, next: Callable[[], Any]) -> Any:
        # The model the edge validated the payload into, for the listeners (`Turn.payload`).
        try:
            context["payload"] = model_of(body)
        except BadPayload as problem:
            context["payload_problem"] = str(problem)
        return next()

    @app.middleware
    def remember_names(context: BoltContext, next: Callable[[], Any]) -> Any:
        # Exports show names next to user IDs; a changed name is stored after the answer.
        payload = context.get("payload")
        seen = None if payload is None else payload.person_named()
        if seen is not None and not core.desk.people.knows_name(*seen):
            user_id, name = seen
            background.submit(core.desk.people.remember_names, {user_id: name})
        return next()

    listeners.register(app)

    @app.error
    def last_resort(error: Exception) -> None:
        # Listeners catch their own errors (bot.listener_turn); this only sees Bolt's own.
        # Its name, not its words: an error's message may quote a payload.
        log.error("unhandled error in Bolt: %s", type(error).__name__, exc_info=error)

    return app
