"""The GeoReport v2 service request of a resident report, under the public-disclosure rule.

A request is written from a row of gup.open311.queries (the report's columns under their attribute names), so a
list of 1,000 requests builds no ORM object; the disclosure rule reads the row as it reads a report."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from flask import current_app

from gup.hotline import disclosure
from gup.hotline.models import CLOSED_REPORT_STATUSES, ReportStatus


def _w3c_in_local_time() -> Callable[[datetime | None], str | None]:
    """gup.open311.formats.w3c with the application's time zone read once for a whole list."""
    tz = ZoneInfo(current_app.config.get("BABEL_DEFAULT_TIMEZONE") or "UTC")
    return lambda value: None if value is None else value.astimezone(tz).isoformat(timespec="seconds")


def _updated(row: Any) -> datetime:
    if row.status in CLOSED_REPORT_STATUSES and row.closed_at:
        return row.closed_at
    dates = [row.last_update_at, row.updated_at or row.created_at]
    return max(d for d in dates if d is not None)


def service_requests(rows: Iterable[Any], client: Any = None) -> list[dict[str, Any]]:
    """Service requests as the spec lists their fields, under the public-disclosure rule
    (gup.hotline.disclosure): the resident's words only where published, never contact details."""
    w3c = _w3c_in_local_time()
    labels = {status: str(status.label) for status in ReportStatus}  # translated once, not once per request
    out = []
    for row in rows:
        last = row.last_text or ""
        out.append({
            "service_request_id": row.reference,
            "status": "closed" if row.status in CLOSED_REPORT_STATUSES else "open",
            "status_notes": f"{labels[row.status]} — {last}" if last else labels[row.status],
            "service_name": row.service_name,
            "service_code": row.service_code,
            "description": disclosure.public_description(row, client),
            "agency_responsible": disclosure.public_organisation(row),  # the name of the organisation in charge
            "service_notice": row.first_text,
            "requested_datetime": w3c(row.created_at),
            "updated_datetime": w3c(_updated(row)),
            "expected_datetime": w3c(row.created_at + timedelta(days=row.resolution_days)),
            "address": disclosure.public_address(row, client),
            "address_id": disclosure.public_address_id(row, client),
            "zipcode": None,
            "lat": row.latitude,
            "long": row.longitude,
            "media_url": disclosure.public_media_url(row, client),
        })
    return out
