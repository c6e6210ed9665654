"""Periodic job of findings: the overdue notice to the responsible organisation's referents (once per finding)."""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa
from flask_babel import gettext as _

from gup.extensions import db
from gup.findings.models import OPEN_FINDING_STATUSES, Finding, FindingStatus
from gup.i18n import local_today
from gup.notifications.partners import notify_once
from gup.notifications.services import mail_url


def overdue_notices(now: datetime) -> int:
    """Tell the referents of each open finding that was due yesterday that it is now overdue, once per finding
    (a claim). Returns how many findings were notified; commits."""
    yesterday = local_today(now) - timedelta(days=1)
    # with a partner: a new finding has none yet, a refused one is back with the coordination
    held = OPEN_FINDING_STATUSES - {FindingStatus.NEW, FindingStatus.REFUSED}
    findings = db.session.scalars(sa.select(Finding).where(Finding.due_on == yesterday,
                                                           Finding.status.in_(held),
                                                           Finding.responsible_organisation_id.is_not(None))
                                  .order_by(Finding.id)).all()
    notified = 0
    for finding in findings:
        organisation = finding.responsible_organisation
        if notify_once(f"overdue:finding:{finding.id}", organisation, now=now, kind="finding_overdue", obj=finding,
                       url=mail_url("findings.detail", finding_id=finding.id),
                       text=_("Constat n° %(id)s (%(agreement)s) en retard : échéance du %(due)s dépassée",
                              id=finding.id, agreement=finding.agreement.reference,
                              due=finding.due_on.strftime("%d/%m/%Y"))):
            notified += 1
    db.session.commit()
    return notified
