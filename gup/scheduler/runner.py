"""The scheduler: turns the jobs the features registered (`registry.job`) into occurrences and runs each
occurrence exactly once, whatever the number of scheduler processes and `jobs run-due` calls.

- An occurrence is (job name, fire time of its trigger), in Europe/Paris for cron triggers. Interval triggers
  count from a fixed anchor, so every process computes the same fire times.
- Before it runs, an occurrence is claimed by inserting its JobRun row (INSERT … ON CONFLICT DO NOTHING on the
  unique key); only the process whose insert went through runs it. A failed run is recorded, not retried: the
  next occurrence does the work (every job is idempotent and catches up).
- Missed runs are coalesced: when due, a job runs its *latest* occurrence not older than the misfire grace time
  (SCHEDULER_MISFIRE_GRACE_SECONDS); the earlier missed ones are never run. A scheduler stopped for two days
  therefore runs each daily job once at restart.
- Each run has its own app context: commit on success, rollback and log on failure, outcome recorded.
- The clock is injectable (`clock` callables; `--now` on the commands) so tests run with a frozen clock.
"""

from __future__ import annotations

import logging
import os
import signal
import socket
import threading
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import Flask

from gup.claims import insert_once
from gup.extensions import db
from gup.features import JobSpec, registry
from gup.orm import now_utc
from gup.scheduler.models import JobRun, JobRunStatus

logger = logging.getLogger(__name__)

Clock = Callable[[], datetime]

#: interval triggers count from here, so two processes started at different times agree on the occurrences
INTERVAL_ANCHOR = datetime(2026, 1, 1)


@dataclass(frozen=True)
class Outcome:
    """What happened to one occurrence in this process."""

    job: str
    scheduled_for: datetime | None
    #: "ok", "failed", "taken" (claimed by someone else) or "not due"
    status: str
    summary: str | None = None
    #: how long the job ran (claiming and recording excluded); None when it did not run here
    seconds: float | None = None


def timezone(app: Flask) -> ZoneInfo:
    return ZoneInfo(app.config.get("SCHEDULER_TIMEZONE", "Europe/Paris"))


def grace(app: Flask) -> timedelta:
    return timedelta(seconds=app.config.get("SCHEDULER_MISFIRE_GRACE_SECONDS", 7 * 24 * 3600))


def jobs(app: Flask) -> dict[str, JobSpec]:
    return registry(app).jobs


def build_trigger(spec: JobSpec, tz: ZoneInfo) -> Any:
    """The APScheduler 3 trigger of a job specification."""
    from apscheduler.triggers.cron import CronTrigger
    from apscheduler.triggers.interval import IntervalTrigger

    if spec.trigger == "cron":
        return CronTrigger(timezone=tz, **spec.trigger_args)
    if spec.trigger == "interval":
        args = dict(spec.trigger_args)
        args.setdefault("start_date", INTERVAL_ANCHOR.replace(tzinfo=tz))
        return IntervalTrigger(timezone=tz, **args)
    raise ValueError(f"job {spec.name}: unsupported trigger {spec.trigger!r}")


def latest_fire_time(trigger: Any, now: datetime, *, horizon: timedelta) -> datetime | None:
    """The trigger's latest fire time in [now - horizon, now], or None.

    Looks back through growing windows, so a minutely job costs a few steps and a daily one a few more."""
    windows = [timedelta(minutes=1), timedelta(hours=1), timedelta(days=1), timedelta(days=7), horizon]
    for window in sorted({min(w, horizon) for w in windows}):
        fire = trigger.get_next_fire_time(None, now - window)
        if fire is None or fire > now:
            continue
        while True:
            following = trigger.get_next_fire_time(fire, fire + timedelta(microseconds=1))
            if following is None or following > now:
                return fire
            fire = following
    return None


def next_fire_time(trigger: Any, now: datetime) -> datetime | None:
    return trigger.get_next_fire_time(None, now + timedelta(microseconds=1))


def _runner_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"[:100]


def claim(name: str, scheduled_for: datetime, *, manual: bool = False) -> int | None:
    """Insert the JobRun of this occurrence and commit; its id, or None when someone else holds it."""
    run_id = insert_once(JobRun, index_elements=["job_name", "scheduled_for"], job_name=name,
                         scheduled_for=scheduled_for, is_manual=manual, status=JobRunStatus.RUNNING.value,
                         started_at=now_utc(), runner=_runner_id())
    db.session.commit()
    return run_id


def run_occurrence(app: Flask, spec: JobSpec, scheduled_for: datetime, *, now: datetime,
                   manual: bool = False) -> Outcome:
    """Claim the occurrence, then run the job in its own app context (commit, or rollback and log)."""
    with app.app_context():
        try:
            run_id = claim(spec.name, scheduled_for, manual=manual)
        finally:
            db.session.remove()
        if run_id is None:
            logger.info("job %s at %s already claimed", spec.name, scheduled_for.isoformat())
            return Outcome(spec.name, scheduled_for, "taken")
        logger.info("job %s at %s starting (run %s)", spec.name, scheduled_for.isoformat(), run_id)
        status, summary, error = JobRunStatus.OK, None, None
        started = time.perf_counter()
        try:
            result = spec.func(now)
            db.session.commit()
            summary = None if result is None else str(result)[:200]
        except Exception as exc:  # noqa: BLE001  (any failure is recorded; the scheduler keeps going)
            db.session.rollback()
            status, summary = JobRunStatus.FAILED, f"{type(exc).__name__}: {exc}"[:200]
            error = traceback.format_exc()[-4000:]
            logger.exception("job %s at %s failed", spec.name, scheduled_for.isoformat())
        seconds = time.perf_counter() - started
        try:
            db.session.execute(sa.update(JobRun).where(JobRun.id == run_id)
                               .values(status=status, finished_at=now_utc(), summary=summary, error=error)
                               .execution_options(synchronize_session=False))
            db.session.commit()
        finally:
            db.session.remove()
        logger.info("job %s at %s %s in %.2f s", spec.name, scheduled_for.isoformat(), status.value, seconds)
        return Outcome(spec.name, scheduled_for, status.value, summary, seconds)


def run_due(app: Flask, now: datetime) -> list[Outcome]:
    """Run once every job whose latest occurrence (within the misfire grace time) has not run yet."""
    tz, horizon = timezone(app), grace(app)
    outcomes = []
    for spec in sorted(jobs(app).values(), key=lambda s: s.last):  # stable: registration order otherwise
        occurrence = latest_fire_time(build_trigger(spec, tz), now, horizon=horizon)
        if occurrence is None:
            outcomes.append(Outcome(spec.name, None, "not due"))
            continue
        outcomes.append(run_occurrence(app, spec, occurrence, now=now))
    return outcomes


def run_now(app: Flask, name: str, now: datetime) -> Outcome:
    """Run one job by hand, now (its occurrence is the moment given)."""
    spec = jobs(app).get(name)
    if spec is None:
        raise KeyError(name)
    return run_occurrence(app, spec, now, now=now, manual=True)


@dataclass(frozen=True)
class JobState:
    """One line of `flask gup jobs list`."""

    name: str
    description: str
    trigger: str
    next_run: datetime | None
    last_run: JobRun | None


def states(app: Flask, now: datetime) -> list[JobState]:
    """Each registered job, its trigger, next occurrence and last recorded run."""
    tz = timezone(app)
    out = []
    for spec in jobs(app).values():
        trigger = build_trigger(spec, tz)
        last = db.session.scalar(sa.select(JobRun).where(JobRun.job_name == spec.name)
                                 .order_by(JobRun.scheduled_for.desc(), JobRun.id.desc()).limit(1))
        out.append(JobState(spec.name, spec.description, str(trigger), next_fire_time(trigger, now), last))
    return out


def _fire(app: Flask, name: str, clock: Clock) -> None:
    """What APScheduler calls: run the occurrence the trigger just reached (once, across processes)."""
    now = clock()
    spec = jobs(app)[name]
    occurrence = latest_fire_time(build_trigger(spec, timezone(app)), now, horizon=grace(app))
    if occurrence is not None:
        run_occurrence(app, spec, occurrence, now=now)


def serve(app: Flask, *, clock: Clock, max_seconds: float | None = None,
          stop: threading.Event | None = None) -> list[Outcome]:
    """The scheduler process: catch up on what was missed (once), then run each job on its trigger until
    SIGTERM/SIGINT (or max_seconds). Returns the outcomes of the catch-up."""
    from apscheduler.schedulers.background import BackgroundScheduler

    tz = timezone(app)
    stop = stop or threading.Event()
    scheduler = BackgroundScheduler(timezone=tz, job_defaults={
        "coalesce": True, "max_instances": 1,
        "misfire_grace_time": int(grace(app).total_seconds())})
    for spec in jobs(app).values():
        scheduler.add_job(_fire, trigger=build_trigger(spec, tz), args=[app, spec.name, clock], id=spec.name,
                          name=spec.name, replace_existing=True)
    previous = {}
    if threading.current_thread() is threading.main_thread():
        for signum in (signal.SIGTERM, signal.SIGINT):
            previous[signum] = signal.signal(signum, lambda *_args: stop.set())
    try:
        logger.info("scheduler starting (%s job(s), pid %s)", len(jobs(app)), os.getpid())
        caught_up = run_due(app, clock())
        scheduler.start()
        try:
            stop.wait(max_seconds)
        finally:
            scheduler.shutdown(wait=True)  # running jobs finish first
            logger.info("scheduler stopped")
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
    return caught_up
