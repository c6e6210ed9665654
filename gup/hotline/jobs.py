"""Periodic jobs of the hotline (plain functions taking `now`; the scheduler runs them and commits; they are
registered in `gup.hotline.init_app`).

Both are idempotent: « is it fixed? » claims each report with a conditional UPDATE before queueing its mail,
and the erasure only touches reports whose contact data is still there.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app

from gup.extensions import db
from gup.hotline import services
from gup.hotline.models import CLOSED_REPORT_STATUSES, ReportStatus, ResidentReport

logger = logging.getLogger(__name__)


def months_before(moment: datetime, months: int) -> datetime:
    """The same day and time `months` earlier (the day is capped at the month's length)."""
    import calendar

    index = moment.year * 12 + moment.month - 1 - months
    year, month = divmod(index, 12)
    day = min(moment.day, calendar.monthrange(year, month + 1)[1])
    return moment.replace(year=year, month=month + 1, day=day)


def ask_if_fixed(now: datetime) -> int:
    """Ask reporters « is it fixed? » FIXED_QUESTION_WEEKS after resolution (consent and e-mail required);
    returns how many questions were queued. Running it twice asks nobody twice."""
    since = now - timedelta(weeks=current_app.config["FIXED_QUESTION_WEEKS"])
    candidates = db.session.scalars(sa.select(ResidentReport).where(
        ResidentReport.status == ReportStatus.RESOLVED, ResidentReport.closed_at <= since,
        ResidentReport.contact_consent.is_(True), ResidentReport.contact_email.is_not(None),
        ResidentReport.contact_erased_at.is_(None), ResidentReport.fixed_question_sent_at.is_(None))
        .order_by(ResidentReport.id)).all()
    asked = 0
    for report in candidates:
        claimed = db.session.execute(
            sa.update(ResidentReport).where(ResidentReport.id == report.id,
                                            ResidentReport.fixed_question_sent_at.is_(None))
            .values(fixed_question_sent_at=now).execution_options(synchronize_session=False))
        if claimed.rowcount != 1:
            continue  # another run got there first
        services.queue_report_mail("fixed_question", to=report.contact_email, report=report,
                                   url=services.fixed_question_url(report))
        asked += 1
    db.session.flush()
    logger.info("« is it fixed? » asked for %s report(s)", asked)
    return asked


def erase_contact_data(now: datetime) -> int:
    """Erase reporters' contact details CONTACT_RETENTION_MONTHS after closure; returns how many reports."""
    cutoff = months_before(now, current_app.config["CONTACT_RETENTION_MONTHS"])
    count = services.erase_contact_where(ResidentReport.status.in_(CLOSED_REPORT_STATUSES),
                                         ResidentReport.closed_at.is_not(None), ResidentReport.closed_at <= cutoff,
                                         now=now)
    logger.info("contact data of %s closed report(s) erased (closed before %s)", count, cutoff.date())
    return count
