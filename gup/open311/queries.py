"""Read side of Open311: the service requests and their public updates, eagerly loaded (constant query count)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import joinedload, selectinload

from gup.extensions import db
from gup.hotline.disclosure import listed
from gup.hotline.models import CLOSED_REPORT_STATUSES, ReportCategory, ReportUpdate, ResidentReport

#: the specification's response volume: 90 days or the first 1000 requests, whichever is smaller
MAX_REQUESTS = 1000


def _loaded(client: Any = None):
    return (sa.select(ResidentReport).where(listed(client))
            .options(joinedload(ResidentReport.category), joinedload(ResidentReport.responsible_organisation),
                     selectinload(ResidentReport.updates)))


def request_by_reference(reference: str, client: Any = None) -> ResidentReport | None:
    return db.session.scalar(_loaded(client).where(ResidentReport.reference == reference))


def requests_by_references(references: Iterable[str], client: Any = None) -> list[ResidentReport]:
    refs = list(dict.fromkeys(references))[:MAX_REQUESTS]
    if not refs:
        return []
    found = {r.reference: r for r in db.session.scalars(_loaded(client).where(ResidentReport.reference.in_(refs)))}
    return [found[ref] for ref in refs if ref in found]


def search_requests(*, start: datetime, end: datetime, service_codes: list[str] | None = None,
                    statuses: set[str] | None = None, client: Any = None) -> list[ResidentReport]:
    """Requests made in [start, end], newest first, at most MAX_REQUESTS."""
    stmt = (_loaded(client).where(ResidentReport.created_at >= start, ResidentReport.created_at <= end,
                                  ResidentReport.reference.is_not(None))
            .order_by(ResidentReport.created_at.desc(), ResidentReport.id.desc()).limit(MAX_REQUESTS))
    if service_codes:
        stmt = stmt.where(ResidentReport.category_id.in_(
            sa.select(ReportCategory.id).where(ReportCategory.code.in_(service_codes))))
    if statuses is not None and statuses != {"open", "closed"}:
        closed = ResidentReport.status.in_(list(CLOSED_REPORT_STATUSES))
        stmt = stmt.where(closed if "closed" in statuses else sa.not_(closed))
    return list(db.session.scalars(stmt).unique())


def updates_between(*, start: datetime, end: datetime, client: Any = None) -> list[ReportUpdate]:
    """Public updates dated in [start, end] of the listed reports, oldest first, at most MAX_REQUESTS."""
    stmt = (sa.select(ReportUpdate).join(ReportUpdate.report).options(joinedload(ReportUpdate.report))
            .where(ReportUpdate.at >= start, ReportUpdate.at <= end, listed(client))
            .order_by(ReportUpdate.at, ReportUpdate.id).limit(MAX_REQUESTS))
    return list(db.session.scalars(stmt))
