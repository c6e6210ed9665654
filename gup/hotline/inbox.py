"""The hotline's work items for « Mes actions »: resident reports sent to the user's organisation (answered
from their own page, not in bulk)."""

from __future__ import annotations

from datetime import date
from typing import Any

import sqlalchemy as sa
from flask import url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import joinedload, raiseload

from gup import policy
from gup.extensions import db
from gup.hotline.models import ReportStatus, ResidentReport
from gup.hotline.queries import REFERENT_STATUSES, due_order, overdue_clause, queue_stmt
from gup.worklist import COORDINATION, WorkItem, WorkItemProvider, count_rows, first_rows, link


def _items(user: Any, today: date) -> list[WorkItem]:
    stmt = (sa.select(ResidentReport).where(ResidentReport.responsible_organisation_id == user.organisation_id,
                                            ResidentReport.status.in_(REFERENT_STATUSES))
            .options(joinedload(ResidentReport.agreement).raiseload("*"),
                     joinedload(ResidentReport.category).raiseload("*"), raiseload("*")))
    return [WorkItem(r, "report", r.is_overdue(today), r.resolution_due_on(), "hotline/_inbox_row.html", 1, False)
            for r in db.session.scalars(policy.visible(user, stmt, ResidentReport))]


PROVIDER = WorkItemProvider(kind="report", model=ResidentReport, items=_items)


# --- the coordination's « À traiter » (gup.dashboard): reports to triage, overdue first -----------------------

TRIAGE_STATUSES = (ReportStatus.RECEIVED, ReportStatus.QUALIFIED)


def _triage_stmt(user: Any, today: date) -> Any:
    """The reports still to triage that the queue shows the user (the central policy), overdue first, then by SLA
    due date."""
    stmt = queue_stmt(user, today=today).where(ResidentReport.status.in_(TRIAGE_STATUSES))
    late = sa.case((overdue_clause(today), 0), else_=1)
    return stmt.order_by(None).order_by(late, due_order(), ResidentReport.id)


def _triage_items(user: Any, today: date) -> list[WorkItem]:
    return [WorkItem(r, "report_triage", r.is_overdue(today), r.next_due_on(), "_macros/work_item_row.html",
                     1, False, type_label=_("Signalement"),
                     text=f"{r.reference} — {r.category.label} : {r.description or ''}",
                     link=link("hotline.detail", report_id=r.id))
            for r in first_rows(_triage_stmt(user, today))]


COORDINATION_PROVIDERS = (WorkItemProvider(
    kind="report_triage", model=ResidentReport, items=_triage_items, audience=COORDINATION,
    title=_l("Signalements d'habitants à trier"), order=10,
    count=lambda user, today: count_rows(_triage_stmt(user, today)),
    list_url=lambda: url_for("hotline.index")),)
