"""Job runs: one row per occurrence of a periodic job, claimed before it runs (the unique key makes it once)."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column

from gup.extensions import db
from gup.orm import LabelledEnum, UTCDateTime, enum_column


class JobRunStatus(LabelledEnum):
    """Outcome of a job run."""

    RUNNING = "running"
    OK = "ok"
    FAILED = "failed"

    @classmethod
    def labels(cls):
        return {"running": _l("En cours"), "ok": _l("Réussi"), "failed": _l("Échoué")}


class JobRun(db.Model):
    """Exécution d'une tâche: the claim of one occurrence (job name, scheduled time) and its outcome.

    The unique (job_name, scheduled_for) key is the claim: whoever inserts it runs the occurrence, anyone else
    (a second scheduler, a `jobs run-due`) finds it taken and does nothing."""

    __tablename__ = "job_runs"
    __table_args__ = (sa.UniqueConstraint("job_name", "scheduled_for"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    job_name: Mapped[str] = mapped_column(sa.String(100))
    #: the occurrence: the trigger's fire time (or the moment of a manual `jobs run`)
    scheduled_for: Mapped[datetime] = mapped_column(UTCDateTime())
    is_manual: Mapped[bool] = mapped_column(default=False)
    status: Mapped[JobRunStatus] = enum_column(JobRunStatus, default=JobRunStatus.RUNNING)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime())
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: what the job returned (a count, usually), or the error when it failed
    summary: Mapped[str | None] = mapped_column(sa.String(200))
    error: Mapped[str | None] = mapped_column(sa.Text)
    #: host:pid of the process that ran it
    runner: Mapped[str | None] = mapped_column(sa.String(100))
