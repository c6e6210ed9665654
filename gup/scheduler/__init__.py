"""Aggregator: the scheduler — runs the periodic jobs the features declared with `registry.job(...)`.

It runs in its own process (`flask gup scheduler run`) or from cron (`flask gup jobs run-due`); never inside a
web worker. See runner.py for how each occurrence runs exactly once."""

from __future__ import annotations

from typing import Any


def init_app(app: Any, registry: Any) -> None:
    """Plug the scheduler in: its commands and its housekeeping job (the other jobs come from each feature's
    init_app)."""
    from gup.scheduler import jobs
    from gup.scheduler.cli import register

    registry.cli(register)
    registry.job("scheduler.purge_job_runs", jobs.purge_job_runs, trigger="cron", hour=2, minute=15,
                 description="Forget successful job runs older than SCHEDULER_KEEP_RUNS_DAYS")
