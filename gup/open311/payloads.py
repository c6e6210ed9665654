"""The GeoReport v2 service request of a resident report, under the public-disclosure rule."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from gup.hotline import disclosure
from gup.hotline.models import CLOSED_REPORT_STATUSES, ResidentReport
from gup.open311.formats import w3c


def _notes(report: ResidentReport) -> str:
    last = report.updates[-1].public_text if report.updates else ""
    return f"{report.status.label} — {last}" if last else str(report.status.label)


def _updated(report: ResidentReport) -> datetime:
    if report.is_closed and report.closed_at:
        return report.closed_at
    dates = [u.at for u in report.updates] + [report.updated_at or report.created_at]
    return max(d for d in dates if d is not None)


def service_request(report: ResidentReport, client: Any = None) -> dict[str, Any]:
    """A service request as the spec lists its fields, under the public-disclosure rule
    (gup.hotline.disclosure): the resident's words only where published, never contact details."""
    organisation = disclosure.public_organisation(report)
    return {
        "service_request_id": report.reference,
        "status": "closed" if report.status in CLOSED_REPORT_STATUSES else "open",
        "status_notes": _notes(report),
        "service_name": report.category.label,
        "service_code": report.category.code,
        "description": disclosure.public_description(report, client),
        "agency_responsible": organisation.name if organisation else None,
        "service_notice": report.updates[0].public_text if report.updates else None,
        "requested_datetime": w3c(report.created_at),
        "updated_datetime": w3c(_updated(report)),
        "expected_datetime": w3c(report.created_at + timedelta(days=report.category.resolution_days)),
        "address": disclosure.public_address(report, client),
        "address_id": disclosure.public_address_id(report, client),
        "zipcode": None,
        "lat": report.latitude,
        "long": report.longitude,
        "media_url": disclosure.public_media_url(report, client),
    }
