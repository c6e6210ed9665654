"""The hotline's work items for « Mes actions »: resident reports sent to the user's organisation (answered
from their own page, not in bulk)."""

from __future__ import annotations

from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import joinedload, raiseload

from gup import policy
from gup.extensions import db
from gup.hotline.models import ResidentReport
from gup.hotline.queries import REFERENT_STATUSES
from gup.worklist import WorkItem, WorkItemProvider


def _items(user: Any, today: date) -> list[WorkItem]:
    stmt = (sa.select(ResidentReport).where(ResidentReport.responsible_organisation_id == user.organisation_id,
                                            ResidentReport.status.in_(REFERENT_STATUSES))
            .options(joinedload(ResidentReport.agreement).raiseload("*"),
                     joinedload(ResidentReport.category).raiseload("*"), raiseload("*")))
    return [WorkItem(r, "report", r.is_overdue(today), r.resolution_due_on(), "hotline/_inbox_row.html", 1, False)
            for r in db.session.scalars(policy.visible(user, stmt, ResidentReport))]


PROVIDER = WorkItemProvider(kind="report", model=ResidentReport, items=_items)
