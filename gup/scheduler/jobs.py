"""The scheduler's own housekeeping job (a plain function taking `now`; the runner commits)."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app

from gup.extensions import db
from gup.scheduler.models import JobRun, JobRunStatus

logger = logging.getLogger(__name__)


def purge_job_runs(now: datetime) -> int:
    """Forget successful runs older than SCHEDULER_KEEP_RUNS_DAYS (the minutely sender adds 1,440 a day); failed
    and interrupted runs stay for a person to read. Old claims are never needed again: an occurrence that old is
    past the misfire grace time, so nobody will try to run it."""
    keep = timedelta(days=current_app.config.get("SCHEDULER_KEEP_RUNS_DAYS", 30))
    cutoff = now - max(keep, timedelta(seconds=current_app.config.get("SCHEDULER_MISFIRE_GRACE_SECONDS", 0)))
    result = db.session.execute(sa.delete(JobRun).where(JobRun.status == JobRunStatus.OK,
                                                        JobRun.scheduled_for < cutoff)
                                .execution_options(synchronize_session=False))
    logger.info("%s job run(s) before %s forgotten", result.rowcount or 0, cutoff.isoformat())
    return result.rowcount or 0
