"""Read side of Open311: the service requests and their public updates, eagerly loaded (constant query count)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import joinedload, selectinload

from gup.extensions import db
from gup.hotline.models import CLOSED_REPORT_STATUSES, ReportCategory, ReportUpdate, ResidentReport

#: the specification's response volume: 90 days or the first 1000 requests, whichever is smaller
MAX_REQUESTS = 1000


def _loaded():
    return (sa.select(ResidentReport)
            .options(joinedload(ResidentReport.category), joinedload(ResidentReport.responsible_organisation),
                     selectinload(ResidentReport.updates)))


def request_by_reference(reference: str) -> ResidentReport | None:
    return db.session.scalar(_loaded().where(ResidentReport.reference == reference))


def requests_by_references(references: Iterable[str]) -> list[ResidentReport]:
    refs = list(dict.fromkeys(references))[:MAX_REQUESTS]
    if not refs:
        return []
    found = {r.reference: r for r in db.session.scalars(_loaded().where(ResidentReport.reference.in_(refs)))}
    return [found[ref] for ref in refs if ref in found]


def search_requests(*, start: datetime, end: datetime, service_codes: list[str] | None = None,
                    statuses: set[str] | None = None) -> list[ResidentReport]:
    """Requests made in [start, end], newest first, at most MAX_REQUESTS."""
    stmt = (_loaded().where(ResidentReport.created_at >= start, ResidentReport.created_at <= end,
                            ResidentReport.reference.is_not(None))
            .order_by(ResidentReport.created_at.desc(), ResidentReport.id.desc()).limit(MAX_REQUESTS))
    if service_codes:
        stmt = stmt.where(ResidentReport.category_id.in_(
            sa.select(ReportCategory.id).where(ReportCategory.code.in_(service_codes))))
    if statuses is not None and statuses != {"open", "closed"}:
        closed = ResidentReport.status.in_(list(CLOSED_REPORT_STATUSES))
        stmt = stmt.where(closed if "closed" in statuses else sa.not_(closed))
    return list(db.session.scalars(stmt).unique())


def updates_between(*, start: datetime, end: datetime) -> list[ReportUpdate]:
    """Public updates dated in [start, end], oldest first, at most MAX_REQUESTS."""
    stmt = (sa.select(ReportUpdate).options(joinedload(ReportUpdate.report))
            .where(ReportUpdate.at >= start, ReportUpdate.at <= end)
            .order_by(ReportUpdate.at, ReportUpdate.id).limit(MAX_REQUESTS))
    return list(db.session.scalars(stmt))
