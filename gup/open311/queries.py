"""Read side of Open311: the service requests and their public updates, in a constant number of queries.

Service requests are read as rows of one Core select (no ORM object is built: a GET of 1,000 requests is one
query and plain tuples), labelled as the report's attributes so the public-disclosure rule
(gup.hotline.disclosure) reads a row as it reads a report."""

from __future__ import annotations

import collections
import functools
from collections.abc import Iterable
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from gup.extensions import db
from gup.hotline.disclosure import listed
from gup.hotline.models import CLOSED_REPORT_STATUSES, ReportCategory, ReportUpdate, ResidentReport
from gup.organisations.models import Organisation

#: the specification's response volume: 90 days or the first 1000 requests, whichever is smaller
MAX_REQUESTS = 1000


def _update(column: Any, *, last: bool) -> Any:
    """A column of the report's first (or last) public update, in the order of ResidentReport.updates."""
    order = (ReportUpdate.at.desc(), ReportUpdate.id.desc()) if last else (ReportUpdate.at, ReportUpdate.id)
    return (sa.select(column).where(ReportUpdate.report_id == ResidentReport.id).order_by(*order).limit(1)
            .correlate(ResidentReport).scalar_subquery())


def _rows(client: Any = None) -> sa.Select:
    """One row per listed report with what a service request shows: the report's columns under their attribute
    names, the category's, the name of the organisation in charge (`responsible_organisation`, as
    disclosure.public_organisation reads it), the first and last public texts and the last update's date."""
    r = ResidentReport
    return (sa.select(r.id, r.reference, r.status, r.disclosure, r.open311_client_id, r.description, r.address,
                      r.address_id, r.public_description, r.public_address, r.media_url, r.latitude, r.longitude,
                      r.created_at, r.updated_at, r.closed_at,
                      ReportCategory.label.label("service_name"), ReportCategory.code.label("service_code"),
                      ReportCategory.resolution_days,
                      Organisation.name.label("responsible_organisation"),
                      _update(ReportUpdate.public_text, last=False).label("first_text"),
                      _update(ReportUpdate.public_text, last=True).label("last_text"),
                      _update(ReportUpdate.at, last=True).label("last_update_at"))
            .join(ReportCategory, ReportCategory.id == r.category_id)
            .outerjoin(Organisation, Organisation.id == r.responsible_organisation_id)
            .where(listed(client)))


@functools.cache
def _row_type(keys: tuple[str, ...]) -> type:
    return collections.namedtuple("ServiceRequestRow", keys)  # noqa: PYI024  (built from the select's labels)


def _execute(stmt: sa.Select) -> list[Any]:
    """Run a select of columns on the session's connection, as Core (without the ORM's loading: nothing flushed
    is pending in a GET); rows come back as named tuples, whose fields read several times faster than a Row's."""
    result = db.session.connection().execute(stmt)
    make = _row_type(tuple(result.keys()))._make
    return [make(row) for row in result]


def request_by_reference(reference: str, client: Any = None) -> Any:
    """The service request row of a reference, or None."""
    return next(iter(_execute(_rows(client).where(ResidentReport.reference == reference))), None)


def requests_by_references(references: Iterable[str], client: Any = None) -> list[Any]:
    refs = list(dict.fromkeys(references))[:MAX_REQUESTS]
    if not refs:
        return []
    found = {r.reference: r for r in _execute(_rows(client).where(ResidentReport.reference.in_(refs)))}
    return [found[ref] for ref in refs if ref in found]


def search_requests(*, start: datetime, end: datetime, service_codes: list[str] | None = None,
                    statuses: set[str] | None = None, client: Any = None) -> list[Any]:
    """Requests made in [start, end], newest first, at most MAX_REQUESTS."""
    stmt = (_rows(client).where(ResidentReport.created_at >= start, ResidentReport.created_at <= end,
                                ResidentReport.reference.is_not(None))
            .order_by(ResidentReport.created_at.desc(), ResidentReport.id.desc()).limit(MAX_REQUESTS))
    if service_codes:
        stmt = stmt.where(ReportCategory.code.in_(service_codes))
    if statuses is not None and statuses != {"open", "closed"}:
        closed = ResidentReport.status.in_(list(CLOSED_REPORT_STATUSES))
        stmt = stmt.where(closed if "closed" in statuses else sa.not_(closed))
    return _execute(stmt)


def updates_between(*, start: datetime, end: datetime, client: Any = None) -> list[Any]:
    """Public updates dated in [start, end] of the listed reports, oldest first, at most MAX_REQUESTS: rows of
    the update's id, status, date and public text with its report's reference (one Core select, no ORM object)."""
    u = ReportUpdate
    stmt = (sa.select(u.id, u.status, u.at, u.public_text, ResidentReport.reference)
            .join(ResidentReport, ResidentReport.id == u.report_id)
            .where(u.at >= start, u.at <= end, listed(client))
            .order_by(u.at, u.id).limit(MAX_REQUESTS))
    return _execute(stmt)
