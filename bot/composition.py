"""The composition root: a help desk's parts built from its settings, its core and a
Slack client, the same way wherever they run.

    front            the Bolt app behind the HTTP edge (POST /slack/events, /healthz,
                     /metrics), or behind a Socket Mode connection (bot/socket_mode.py)
    transport        the Slack side of the delivery worker (bot/slack_sender.py)
    delivery worker  the outbox's sender, paced per Slack channel
    periodic jobs    bot/periodic.py

`start` runs them all in this process, on the one HTTP server (bot/front.py) with one
worker: the tests, whose clock they move by hand, and the benches. `flashticket serve`
spreads the same parts over processes (bot/prefork.py); the console runs them against
its own workspace, its clock driving the periodic jobs (bot/console/local_bot.py).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from datetime import datetime
from functools import partial

from apscheduler.schedulers.background import BackgroundScheduler
from slack_bolt import App
from slack_bolt.adapter.socket_mode import SocketModeHandler
from slack_sdk import WebClient

from bot import blocks, times
from bot.app import create_app
from bot.availability import SlackAvailability, watch_availability
from bot.front import FrontServer
from bot.http_server import SlackWsgi
from bot.listeners import intake
from bot.locales import Locales, slack_locales
from bot.periodic import PeriodicJob, periodic_jobs, start_scheduler
from bot.settings import Settings
from bot.slack_checks import preflight
from bot.slack_sender import SLACK_PACE, SlackTransport
from bot.socket_mode import open_socket_mode
from bot.startup_checks import StartupError
from bot.usergroups import UserGroupRefresh
from flashticket_core import metrics
from flashticket_core.bootstrap import Core, bootstrap
from flashticket_core.service_layer.common import utcnow
from flashticket_core.service_layer.delivery.worker import DeliveryWorker
from flashticket_core.service_layer.jobs import Leases
from flashticket_core.service_layer.sweep import SWEEP_LEASE_NAME
from migrations import runner

log = logging.getLogger("flashticket")


@dataclass
class HelpDeskParts:
    """What answers Slack and what delivers to it, over one core and one Slack client."""

    settings: Settings
    core: Core
    client: WebClient
    # One look-up of a person's language serves the listeners and the delivery worker.
    locales: Locales
    # Who is away, for the teams' assignment rules (the core asks it through its port).
    availability: SlackAvailability

    @classmethod
    def of(cls, settings: Settings, core: Core, client: WebClient) -> HelpDeskParts:
        locales = slack_locales(client, default=settings.flashticket_language)
        availability = SlackAvailability(client, settings.away_emoji)
        core.desk.env.availability.use(availability)
        return cls(settings, core, client, locales, availability)

    def app(self, background: ThreadPoolExecutor | None = None) -> App:
        # The token was checked at start; Bolt need not call auth.test again.
        return create_app(
            self.core,
            self.client,
            settings=self.settings,
            verify_token=False,
            locales=self.locales,
            background=background,
        )

    def front(
        self, signing_secret: str | None, background: ThreadPoolExecutor | None = None
    ) -> SlackWsgi:
        """The Bolt app behind the HTTP edge (and /healthz, /metrics); None for the
        signing secret: Socket Mode, where the HTTP port answers only those two."""
        registry = (
            metrics.scrape_registry(metrics.OutboxCollector(self.core.outbox_health))
            if self.settings.flashticket_metrics
            else None
        )
        app = self.app(background)
        return SlackWsgi(app, self.core.engine, signing_secret, metrics_registry=registry)

    def transport(self) -> SlackTransport:
        settings, core = self.settings, self.core
        return SlackTransport(
            self.client,
            support_channel=settings.flashticket_support_channel or "",
            escalation_channel=settings.flashticket_escalation_channel,
            lang=settings.flashticket_language,
            home_view=lambda lang, user: blocks.home(lang, core.desk.queries.home(user)),
            language_of=self.locales.language_of,
            from_message_later=partial(intake.retry_reaction, core.desk, self.locales.language_of),
            desk=core.desk.env.structure,
        )

    def delivery_worker(
        self, *, poll_interval: float = 30, pace_clock: Callable[[], float] = time.monotonic
    ) -> DeliveryWorker:
        """The outbox's sender (not started). Slack takes about one post per second per
        channel: a burst, then FLASHTICKET_POSTS_PER_SECOND."""
        times.use_desk(self.settings.flashticket_timezone, self.settings.flashticket_language)
        per_second = self.settings.flashticket_posts_per_second
        pace = replace(SLACK_PACE, per_second=per_second) if per_second > 0 else None
        # The scheduler's outbox-poll job wakes the worker; its own timeout is a fallback.
        return self.core.delivery_worker(
            self.transport(), poll_interval=poll_interval, pace=pace, pace_clock=pace_clock
        )

    def periodic_jobs(self, worker: DeliveryWorker, leases: Leases) -> list[PeriodicJob]:
        refresh = UserGroupRefresh(self.client, self.core.desk, self.core.desk.env.structure)
        assignment = self.core.desk.assignment
        watch = partial(watch_availability, self.availability, assignment)
        return periodic_jobs(
            self.core,
            worker,
            leases,
            refresh if refresh.needed else None,
            watch if assignment.assigns else None,
        )

    def back_office(self) -> BackOffice:
        """The delivery worker and the scheduler, started."""
        worker = self.delivery_worker()
        worker.start()
        leases = Leases(self.core.jobs, clock=self.core.clock)
        return BackOffice(worker, start_scheduler(self.periodic_jobs(worker, leases)), leases)


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


@dataclass
class Running:
    """Everything `start` started in one process, so tests can stop it in order."""

    core: Core
    office: BackOffice
    http: FrontServer
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


def start(
    settings: Settings, *, host: str = "0.0.0.0", clock: Callable[[], datetime] = utcnow
) -> Running:
    """Everything in this process once the start-up checks passed, the HTTP server not
    yet started (`running.http.start()`). Raises StartupError with one clear line."""
    client, signing_secret = preflight(settings)
    core = bootstrap(
        settings,
        migrate=runner.upgrade,
        clock=clock,
        support_channel=settings.flashticket_support_channel,
    )
    parts = HelpDeskParts.of(settings, core, client)
    background = ThreadPoolExecutor(max_workers=2, thread_name_prefix="flashticket-background")
    wsgi = parts.front(signing_secret, background)
    try:
        http = FrontServer(wsgi, host=host, port=settings.port)
    except OSError as error:
        core.close()
        raise StartupError(f"cannot listen on port {settings.port}: {error.strerror}") from None
    running = Running(core=core, office=parts.back_office(), http=http, background=background)
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
