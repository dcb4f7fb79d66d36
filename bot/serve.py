"""`flashticket serve`: migrate, start the delivery worker, serve Slack until SIGTERM."""

from __future__ import annotations

import logging
import os
import signal
import socket
import sys
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from datetime import datetime
from functools import partial
from types import FrameType
from typing import Any

from apscheduler.schedulers.background import BackgroundScheduler
from slack_bolt import App
from slack_bolt.adapter.socket_mode import SocketModeHandler
from slack_bolt.adapter.socket_mode.internals import run_bolt_app, send_response
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry import default_retry_handlers
from slack_sdk.socket_mode.builtin import SocketModeClient
from slack_sdk.socket_mode.request import SocketModeRequest
from slack_sdk.socket_mode.response import SocketModeResponse
from slack_sdk.web import SlackResponse

from bot import blocks, prefork, times
from bot.app import create_app
from bot.http_server import HttpServer, SlackWsgi, request_kind
from bot.listeners import intake
from bot.locales import Locales, slack_locales
from bot.manifest import BOT_SCOPES
from bot.request_checks import socket_mode_payload
from bot.slack_sender import SLACK_PACE, RateLimitCounter, SlackTransport
from bot.startup_checks import StartupError, check_bot_token, check_settings
from flashticket_core import metrics
from flashticket_core.adapters.db import make_engine
from flashticket_core.bootstrap import Core, bootstrap, clock_policy
from flashticket_core.config import Settings
from flashticket_core.metrics import RequestKind, RequestOutcome
from flashticket_core.service_layer.common import utcnow
from flashticket_core.service_layer.delivery.worker import DeliveryWorker
from flashticket_core.service_layer.jobs import Leases, housekeeping
from flashticket_core.service_layer.sweep import SWEEP_LEASE_NAME
from migrations import runner

log = logging.getLogger("flashticket")

DEFAULT_SLACK_API_URL = "https://slack.com/api/"
TIMER_SWEEP_SECONDS = 5
# apps.connections.open is Tier 1: a 429 waits its Retry-After (at most this long, this
# long when it names none), this many tries in all before the front tries again later.
SOCKET_MODE_OPEN_ATTEMPTS = 5
SOCKET_MODE_RETRY_AFTER_MAX = 60.0
SOCKET_MODE_RETRY_AFTER_DEFAULT = 30.0


def web_client(settings: Settings) -> WebClient:
    token = check_bot_token(settings)
    base_url = settings.slack_api_url or DEFAULT_SLACK_API_URL
    if not base_url.endswith("/"):
        base_url += "/"
    return WebClient(
        token=token,
        base_url=base_url,
        timeout=10,
        retry_handlers=[*default_retry_handlers(), RateLimitCounter()],
    )


@dataclass
class Running:
    """Everything `start` started in one process, so tests and the console can stop it
    in order."""

    core: Core
    office: BackOffice
    http: HttpServer
    socket_mode: SocketModeHandler | None = None
    # Work the app does after answering (charts, exports): finished before the rest stops.
    background: ThreadPoolExecutor | None = None

    @property
    def worker(self) -> DeliveryWorker:
        return self.office.worker

    @property
    def scheduler(self) -> BackgroundScheduler:
        return self.office.scheduler

    def stop(self) -> None:
        if self.socket_mode is not None:
            self.socket_mode.close()  # type: ignore[no-untyped-call]
        self.http.stop()  # no new requests; the ones in flight finish
        if self.background is not None:
            self.background.shutdown(wait=True)  # an export under way reaches Slack
        self.office.stop()
        self.core.close()


def start_scheduler(core: Core, worker: DeliveryWorker, leases: Leases) -> BackgroundScheduler:
    """APScheduler runs the periodic jobs.

    - outbox-poll: wakes the delivery worker for messages that became due after a
      back-off, or that another replica wrote; a commit in this process wakes it at once.
      Every replica polls; claiming rows (SKIP LOCKED) keeps each message to one worker.
    - housekeeping: a database lease makes one replica do each round.
    - digest: each minute, under a lease, queues the morning digest once the local
      digest time has passed on a business day (the day recorded in the database keeps
      it to one per day, across replicas and restarts).
    - timers: every 5 s, so a timer fires within 15 s of being due; the lease makes one
      replica sweep, and claimed rows (SKIP LOCKED) keep each timer to one firing.

    The scheduler keeps real time and every job starts now by it; the jobs ask the core's
    clock themselves. A first run at a time in the scheduler's past would make it step
    through every interval since then before running anything (a clock days behind:
    millions of steps, and stopping waits for them).
    """
    # A line per run of a once-a-second job would drown the log; failures still show.
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
    scheduler = BackgroundScheduler(timezone="UTC")
    now = utcnow()
    scheduler.add_job(
        worker.wake, "interval", seconds=1, id="outbox-poll", max_instances=1, coalesce=True
    )
    scheduler.add_job(
        housekeeping,
        "interval",
        minutes=30,
        args=(core.jobs, leases, core.clock),
        id="housekeeping",
        max_instances=1,
        coalesce=True,
        next_run_time=now,
    )
    scheduler.add_job(
        core.digest_job(leases),
        "interval",
        minutes=1,
        id="digest",
        max_instances=1,
        coalesce=True,
        next_run_time=now,
    )
    if core.clock_policy.active:
        scheduler.add_job(
            core.sweep_timers,
            "interval",
            seconds=TIMER_SWEEP_SECONDS,
            args=(leases,),
            id="timers",
            max_instances=1,
            coalesce=True,
            next_run_time=now,
        )
    scheduler.start()
    return scheduler


def preflight(settings: Settings) -> tuple[WebClient, str | None]:
    """The Web API client and the signing secret (None: Socket Mode), once the token,
    its scopes, the support channel and the clock's settings have been checked; raises
    StartupError with one clear line."""
    client = web_client(settings)
    signing_secret = check_settings(settings)
    for warning in missing_scopes(check_token(client)):
        log.warning("%s", warning)
    for warning in check_support_channel(
        client,
        settings.flashticket_support_channel or "",
        allow_public=settings.flashticket_allow_public_support_channel,
    ):
        log.warning("%s", warning)
    escalation = settings.flashticket_escalation_channel
    if escalation and escalation != settings.flashticket_support_channel:
        # Missed targets name tickets and their titles there: private, as the support
        # channel is, and with the bot in it (no setting allows a public one).
        check_channel(
            client,
            escalation,
            setting="FLASHTICKET_ESCALATION_CHANNEL",
            role="escalation channel",
            allow_public=False,
        )
    try:
        clock_policy(settings)
    except ValueError as error:
        raise StartupError(str(error)) from None
    return client, signing_secret


def front_wsgi(
    core: Core,
    client: WebClient,
    signing_secret: str | None,
    locales: Locales,
    background: ThreadPoolExecutor | None = None,
) -> SlackWsgi:
    """What answers Slack: the Bolt app behind the HTTP edge (and /healthz, /metrics)."""
    settings = core.settings
    # The token was checked at start; Bolt need not call auth.test again.
    app = create_app(core, client, verify_token=False, locales=locales, background=background)
    registry = (
        metrics.scrape_registry(metrics.OutboxCollector(core.outbox_health))
        if settings.flashticket_metrics
        else None
    )
    return SlackWsgi(app, core.engine, signing_secret, metrics_registry=registry)


@dataclass
class BackOffice:
    """The delivery worker and the scheduler's jobs: what runs beside the requests."""

    worker: DeliveryWorker
    scheduler: BackgroundScheduler
    leases: Leases

    def stop(self) -> None:
        self.scheduler.shutdown(wait=True)  # a running job finishes
        # Another replica (or this one restarted) sweeps the timers at once, not after
        # the lease runs out.
        try:
            self.leases.release(SWEEP_LEASE_NAME)
        except Exception:  # the database is gone: the lease runs out by itself
            log.warning("could not give up the timers' lease", exc_info=True)
        self.worker.stop()  # the message in hand is finished; the rest stays pending


def start_back_office(core: Core, client: WebClient, locales: Locales) -> BackOffice:
    settings = core.settings
    times.use_desk(settings.flashticket_timezone, settings.flashticket_language)
    transport = SlackTransport(
        client,
        support_channel=settings.flashticket_support_channel or "",
        escalation_channel=settings.flashticket_escalation_channel,
        lang=settings.flashticket_language,
        home_view=lambda lang, user: blocks.home(lang, core.desk.queries.home(user)),
        language_of=locales.language_of,
        from_message_later=partial(intake.retry_reaction, core.desk, locales.language_of),
    )
    # The scheduler's outbox-poll job wakes the worker; its own timeout is only a fallback.
    # Slack takes about one post per second per channel: a burst, then that pace.
    per_second = settings.flashticket_posts_per_second
    pace = replace(SLACK_PACE, per_second=per_second) if per_second > 0 else None
    worker = core.delivery_worker(transport, poll_interval=30, pace=pace)
    worker.start()
    leases = Leases(core.jobs, clock=core.clock)
    return BackOffice(worker, start_scheduler(core, worker, leases), leases)


def start(
    settings: Settings, *, host: str = "0.0.0.0", clock: Callable[[], datetime] = utcnow
) -> Running:
    """Everything in this process (the tests, whose `clock` they move by hand, and the
    console); `flashticket serve` spreads the same parts over processes (`serve`).
    Raises StartupError with one clear line."""
    client, signing_secret = preflight(settings)
    core = bootstrap(settings, migrate=runner.upgrade, clock=clock)
    # One look-up of a person's language serves the listeners and the delivery worker.
    locales = slack_locales(client, default=settings.flashticket_language)
    background = ThreadPoolExecutor(max_workers=2, thread_name_prefix="flashticket-background")
    wsgi = front_wsgi(core, client, signing_secret, locales, background)
    try:
        http = HttpServer(wsgi, host=host, port=settings.port)
    except OSError as error:
        core.close()
        raise StartupError(f"cannot listen on port {settings.port}: {error.strerror}") from None
    office = start_back_office(core, client, locales)
    running = Running(core=core, office=office, http=http, background=background)
    if settings.slack_app_token is not None:
        # Socket Mode: Slack's requests arrive over a WebSocket the bot opens; the HTTP
        # server then only answers /healthz and /metrics.
        try:
            running.socket_mode = open_socket_mode(
                wsgi.app, settings.slack_app_token.get_secret_value()
            )
        except StartupError:
            running.stop()
            raise
    return running


def serve(settings: Settings) -> None:
    """`flashticket serve`: the front (gunicorn's workers over HTTP, or the Socket Mode
    connection) in processes of its own, the delivery worker and the scheduler here
    (bot.prefork)."""
    client, signing_secret = preflight(settings)
    app_token = settings.slack_app_token
    # The URL the check got is the first connection's, not thrown away (Tier 1).
    # Whichever front process reads it first has it (a pipe the forks share).
    first_url, offer = os.pipe()
    os.set_blocking(first_url, False)
    if app_token is not None:
        os.write(offer, (check_app_token(client, app_token.get_secret_value()) or "").encode())
    os.close(offer)
    engine = make_engine(settings.database_url)
    try:
        runner.upgrade(engine)
    finally:
        engine.dispose()  # nothing open crosses the fork

    def build_wsgi(wake: prefork.WakePipe) -> SlackWsgi:
        core = bootstrap(settings)
        core.committed_listeners.append(wake.send)
        client = web_client(settings)
        locales = slack_locales(client, default=settings.flashticket_language)
        return front_wsgi(core, client, signing_secret, locales)

    def take_first_url() -> str | None:
        try:
            return os.read(first_url, 65536).decode() or None
        except (BlockingIOError, OSError):
            return None

    def socket_mode_front(
        wake: prefork.WakePipe, listener: socket.socket, connected: Callable[[], None]
    ) -> None:
        assert app_token is not None
        wsgi = build_wsgi(wake)
        http = HttpServer(wsgi, listener=listener)
        while True:
            try:
                handler = open_socket_mode(
                    wsgi.app, app_token.get_secret_value(), url=take_first_url()
                )
                break
            except StartupError as error:
                log.error("%s", error)
                sys.exit(prefork.STARTUP_FAILED)
            except SlackBusy as error:
                # A 429 never stops serve: asked again after Retry-After, once more.
                log.warning("Socket Mode connection not open yet: %s", error)
        connected()

        def close() -> None:
            handler.close()  # type: ignore[no-untyped-call]
            http.stop()

        def stop(_signum: int, _frame: FrameType | None) -> None:
            threading.Thread(target=close, name="stop").start()

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        http.serve_forever()

    def back_office(wake: prefork.WakePipe) -> Callable[[], None]:
        core = bootstrap(settings)
        office = start_back_office(
            core, client, slack_locales(client, default=settings.flashticket_language)
        )
        wake.listen(office.worker.wake)

        def stop() -> None:
            office.stop()
            core.close()

        return stop

    prefork.serve(
        settings,
        host="0.0.0.0",
        build_wsgi=build_wsgi,
        socket_mode=socket_mode_front if app_token is not None else None,
        back_office=back_office,
    )


class CheckedSocketModeHandler(SocketModeHandler):
    """Socket Mode with the HTTP edge's checks: a payload of a shape the bot cannot
    handle is acknowledged and dropped with a log line, never handed to Bolt."""

    def handle(self, client: SocketModeClient, req: SocketModeRequest) -> None:  # type: ignore[override]
        checked = socket_mode_payload(str(req.type), req.payload)
        if isinstance(checked, str):
            metrics.count_request(RequestOutcome.REFUSED)
            log.info("refused a Socket Mode %s request: %s", str(req.type)[:40], checked)
            client.send_socket_mode_response(SocketModeResponse(envelope_id=req.envelope_id))
            return
        req.payload = checked
        start = time.time()
        started = time.perf_counter()
        response = run_bolt_app(self.app, req)
        kind = RequestKind.COMMAND if req.type == "slash_commands" else request_kind(checked)
        metrics.observe_ack(kind, time.perf_counter() - started)
        metrics.count_request(metrics.outcome_of_status(response.status))
        if response.status == 200:
            send_response(client, req, response, start)
        else:
            # Bolt's adapter leaves a request no listener wants unanswered, and Slack
            # would send it again and again: acknowledge it, as the HTTP edge answers it.
            client.send_socket_mode_response(SocketModeResponse(envelope_id=req.envelope_id))


class SlackBusy(Exception):
    """Slack kept answering `apps.connections.open` with 429: try again later, no reason
    to stop."""


def connection_url(
    client: WebClient, app_token: str, *, sleep: Callable[[float], None] = time.sleep
) -> str:
    """A Socket Mode URL from `apps.connections.open` (Tier 1: Slack answers a burst with
    429). A 429 waits its Retry-After and asks again, SOCKET_MODE_OPEN_ATTEMPTS times
    in all; then SlackBusy. Any other refusal is a SlackApiError."""
    for attempt in range(1, SOCKET_MODE_OPEN_ATTEMPTS + 1):
        try:
            url = client.apps_connections_open(app_token=app_token).get("url")
        except SlackApiError as error:
            if error.response.status_code != 429:
                raise
            wait = _retry_after(error.response.headers)
            log.warning(
                "Slack asks to wait %.0f s before opening a Socket Mode connection "
                "(attempt %s of %s)",
                wait,
                attempt,
                SOCKET_MODE_OPEN_ATTEMPTS,
            )
            if attempt < SOCKET_MODE_OPEN_ATTEMPTS:
                sleep(wait)
            continue
        if not isinstance(url, str):
            raise SlackBusy("apps.connections.open answered without a URL")
        return url
    raise SlackBusy("apps.connections.open answered 429 each time")


def _retry_after(headers: Any) -> float:
    found = {str(k).lower(): v for k, v in dict(headers or {}).items()}.get("retry-after")
    value = found[0] if isinstance(found, list) and found else found
    try:
        seconds = float(str(value))
    except ValueError:
        seconds = SOCKET_MODE_RETRY_AFTER_DEFAULT
    return min(max(seconds, 0.0), SOCKET_MODE_RETRY_AFTER_MAX)


def open_socket_mode(app: App, app_token: str, *, url: str | None = None) -> SocketModeHandler:
    """Connect out to Slack, or say in one line why not (SlackBusy: Slack asks to wait).
    `url`: one `apps.connections.open` gave already, used first instead of asking again."""
    handler = CheckedSocketModeHandler(app, app_token)
    try:
        handler.client.wss_uri = url or connection_url(handler.client.web_client, app_token)
        try:
            handler.connect()  # type: ignore[no-untyped-call]
        except OSError:
            if url is None:
                raise
            # The URL handed on was used up meanwhile: ask for a fresh one.
            handler.client.wss_uri = connection_url(handler.client.web_client, app_token)
            handler.connect()  # type: ignore[no-untyped-call]
    except SlackBusy:
        handler.close()  # type: ignore[no-untyped-call]
        raise
    except SlackApiError as error:
        handler.close()  # type: ignore[no-untyped-call]
        reason = error.response.get("error")
        raise StartupError(f"Slack refused SLACK_APP_TOKEN: {reason}") from None
    except OSError as error:
        handler.close()  # type: ignore[no-untyped-call]
        reason = " ".join(str(error).split())[:200]
        raise StartupError(f"cannot open Slack's Socket Mode connection: {reason}") from None
    if not handler.client.is_connected():
        handler.close()  # type: ignore[no-untyped-call]
        raise StartupError("cannot open the Socket Mode connection Slack offered (WebSocket)")
    return handler


def check_app_token(client: WebClient, app_token: str) -> str | None:
    """Socket Mode: Slack takes the app-level token (`apps.connections.open`), checked
    before the front process opens its own connection. The URL it gave, for the first
    connection (None: Slack asked to wait; the front asks again, later)."""
    try:
        return connection_url(client, app_token)
    except SlackBusy as error:
        log.warning("could not check SLACK_APP_TOKEN yet: %s", error)
        return None
    except SlackApiError as error:
        raise StartupError(
            f"Slack refused SLACK_APP_TOKEN: {error.response.get('error')}"
        ) from None
    except OSError as error:
        reason = " ".join(str(error).split())[:200]
        raise StartupError(f"cannot open Slack's Socket Mode connection: {reason}") from None


def check_token(client: WebClient) -> SlackResponse:
    try:
        return client.auth_test()
    except SlackApiError as error:
        raise StartupError(f"Slack refused the bot token: {error.response.get('error')}") from None
    except OSError as error:
        raise StartupError(
            f"cannot reach Slack's Web API at {client.base_url}: {' '.join(str(error).split())[:200]}"
        ) from None


def granted_scopes(response: SlackResponse) -> set[str] | None:
    """The scopes of the token that made a call: Slack names them in every Web API
    answer's X-OAuth-Scopes header. None if the answer does not say."""
    headers = {str(name).lower(): value for name, value in (response.headers or {}).items()}
    granted = headers.get("x-oauth-scopes")
    if granted is None:
        return None
    if isinstance(granted, list):
        granted = ",".join(granted)
    return {scope.strip() for scope in str(granted).split(",") if scope.strip()}


def missing_scopes(auth: SlackResponse) -> list[str]:
    """What an install made from an older manifest cannot do: one line per scope the
    token lacks."""
    have = granted_scopes(auth)
    if have is None:
        return []
    return [
        f"the bot token lacks the scope {scope}, so it cannot {reason[0].lower()}{reason[1:]}: "
        "reinstall the app from `flashticket manifest`"
        for scope, reason in BOT_SCOPES.items()
        if scope not in have
    ]


def check_support_channel(client: WebClient, channel: str, *, allow_public: bool) -> list[str]:
    """The support channel is the help desk's access boundary: every card, support reply,
    reporter reply, rating and internal note is posted there. It must be private and the
    bot must be in it. Returns warnings; raises StartupError with what to do otherwise."""
    return check_channel(
        client,
        channel,
        setting="FLASHTICKET_SUPPORT_CHANNEL",
        role="support channel",
        allow_public=allow_public,
    )


def check_channel(
    client: WebClient, channel: str, *, setting: str, role: str, allow_public: bool
) -> list[str]:
    """A channel the help desk posts tickets to (`role`, named by `setting`) exists, is
    private (unless `allow_public`), is not archived and has the bot in it. Returns
    warnings; raises StartupError with what to do otherwise."""
    invite = f"invite the bot there (/invite @FlashTicket in the channel {channel})"
    try:
        info = client.conversations_info(channel=channel)["channel"]
    except SlackApiError as error:
        code = error.response.get("error")
        needed = error.response.get("needed") or ""
        if code == "channel_not_found":
            raise StartupError(
                f"{setting} {channel} was not found: check the ID, and if "
                f"it is a private channel, {invite}"
            ) from None
        if code == "missing_scope" and "channels:read" in needed:
            # groups:read describes private channels only: Slack asking for channels:read
            # means this one is public.
            if allow_public:
                return [_public_warning(channel)]
            raise StartupError(_public_refusal(channel, role)) from None
        if code == "missing_scope":
            raise StartupError(
                f"the bot token lacks the scope {needed or 'groups:read'}: reinstall the app "
                "from `flashticket manifest`"
            ) from None
        raise StartupError(f"Slack could not describe the {role} {channel}: {code}") from None
    except OSError as error:
        raise StartupError(
            f"cannot reach Slack to check the {role}: {' '.join(str(error).split())[:200]}"
        ) from None
    warnings = []
    if not info.get("is_private"):
        if not allow_public:
            raise StartupError(_public_refusal(channel, role))
        warnings.append(_public_warning(channel))
    if not info.get("is_member"):
        raise StartupError(f"the bot is not a member of the {role}: {invite}")
    if info.get("is_archived"):
        raise StartupError(f"the {role} {channel} is archived: unarchive it or pick another")
    return warnings


def _public_refusal(channel: str, role: str = "support channel") -> str:
    refusal = (
        f"the {role} {channel} is public, so every employee would read every ticket "
        "and internal note: make it private (channel settings → Change to a private channel)"
    )
    if role == "support channel":
        refusal += " or set FLASHTICKET_ALLOW_PUBLIC_SUPPORT_CHANNEL=true if that is meant"
    return refusal


def _public_warning(channel: str) -> str:
    return (
        f"the support channel {channel} is public (FLASHTICKET_ALLOW_PUBLIC_SUPPORT_CHANNEL): "
        "everyone in the workspace can read internal notes"
    )
