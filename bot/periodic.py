"""The periodic jobs, declared once: `flashticket serve`'s scheduler runs each at its
interval, the console runs each once whenever its clock moves.

    outbox-poll    1 s    wakes the delivery worker for messages that became due after
                          a back-off, or that another replica wrote; a commit in this
                          process wakes it at once. Every replica polls; claiming rows
                          (SKIP LOCKED) keeps each message to one worker.
    housekeeping   30 min forgets old request keys and delivered messages; a database
                          lease makes one replica do each round.
    timers         5 s    fires the timers that are due, so a timer fires within 15 s
                          of being due (only when the clock's settings set any); the
                          lease makes one replica sweep, and claimed rows (SKIP LOCKED)
                          keep each timer to one firing.
    digest         1 min  under a lease, queues the morning digest once the local digest
                          time has passed on a business day (the day recorded in the
                          database keeps it to one per day, across replicas and restarts).
    team-members  10 min  reads each team's Slack user group into its members (only when
                          the desk file names a user group; bot/usergroups.py), under a
                          lease; a failing read keeps the members last read.
    reassignment  30 s    under a lease, moves a ticket its team's rule gave someone who
                          did not answer within the team's `reassign_after` to the next
                          person (only when a team sets one; claimed rows keep each to
                          one replica).
    availability  4 min   in every process that assigns, reads ahead whether the members
                          of the teams with an assignment rule are away (bot/
                          availability.py), so a new ticket need not wait for Slack.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from functools import partial

from apscheduler.schedulers.background import BackgroundScheduler

from flashticket_core.bootstrap import Core
from flashticket_core.service_layer.common import utcnow
from flashticket_core.service_layer.delivery.worker import DeliveryWorker
from flashticket_core.service_layer.jobs import Leases, housekeeping

TIMER_SWEEP_SECONDS = 5
TEAM_MEMBERS_EVERY = timedelta(minutes=10)
REASSIGN_SECONDS = 30
AVAILABILITY_EVERY = timedelta(minutes=4)


@dataclass(frozen=True)
class PeriodicJob:
    name: str
    every: timedelta
    run: Callable[[], object]
    # The scheduler's first run: at once, or after one interval.
    at_start: bool = True


def periodic_jobs(
    core: Core,
    worker: DeliveryWorker,
    leases: Leases,
    refresh_members: Callable[[], object] | None = None,
    watch_availability: Callable[[], object] | None = None,
) -> list[PeriodicJob]:
    """Every periodic job of a help desk, in the order the console runs them (the
    timers before the digest, which counts what they fired). `refresh_members` reads
    the teams' user groups, where the desk file names any."""
    jobs = [
        PeriodicJob("outbox-poll", timedelta(seconds=1), worker.wake, at_start=False),
        PeriodicJob(
            "housekeeping",
            timedelta(minutes=30),
            partial(housekeeping, core.jobs, leases, core.clock),
        ),
    ]
    if core.clocks.active:
        jobs.append(
            PeriodicJob(
                "timers", timedelta(seconds=TIMER_SWEEP_SECONDS), partial(core.sweep_timers, leases)
            )
        )
    jobs.append(PeriodicJob("digest", timedelta(minutes=1), core.digest_job(leases)))
    if refresh_members is not None:
        jobs.append(
            PeriodicJob(
                "team-members",
                TEAM_MEMBERS_EVERY,
                partial(_under_lease, leases, "team-members", refresh_members),
            )
        )
    if core.desk.assignment.reassigns:
        jobs.append(
            PeriodicJob(
                "reassignment",
                timedelta(seconds=REASSIGN_SECONDS),
                partial(core.desk.assignment.reassign_due, leases),
            )
        )
    if watch_availability is not None:
        jobs.append(PeriodicJob("availability", AVAILABILITY_EVERY, watch_availability))
    return jobs


def _under_lease(leases: Leases, name: str, run: Callable[[], object]) -> object:
    """One replica does the round; the others skip it."""
    if not leases.acquire(name, TEAM_MEMBERS_EVERY / 2):
        return None
    return run()


def start_scheduler(jobs: list[PeriodicJob]) -> BackgroundScheduler:
    """APScheduler runs `jobs`, each at most once at a time.

    The scheduler keeps real time and every job starts now by it; the jobs ask the core's
    clock themselves. A first run at a time in the scheduler's past would make it step
    through every interval since then before running anything (a clock days behind:
    millions of steps, and stopping waits for them).
    """
    # A line per run of a once-a-second job would drown the log; failures still show.
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
    scheduler = BackgroundScheduler(timezone="UTC")
    now = utcnow()
    for job in jobs:
        scheduler.add_job(
            job.run,
            "interval",
            seconds=job.every.total_seconds(),
            id=job.name,
            max_instances=1,
            coalesce=True,
            **({"next_run_time": now} if job.at_start else {}),
        )
    scheduler.start()
    return scheduler
