"""The GeoReport v2 service request of a resident report, under the public-disclosure rule.

A request is written from a row of gup.open311.queries (the report's columns under their attribute names), so a
list of 1,000 requests builds no ORM object; the disclosure rule reads the row as it reads a report.

A request's JSON is a pure function of its row, of what the reader may read (no key, or its client's id and
rights), of the locale and of the time zone: `service_requests_json` keeps the last few thousand encoded
requests per process under that whole key, so the feed polled again (most rows unchanged) encodes only the
rows that changed — a changed report is a different row, hence a different key: nothing stale is ever served."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta
from typing import Any, NamedTuple
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import get_locale

from gup.hotline import disclosure
from gup.hotline.models import CLOSED_REPORT_STATUSES, ReportStatus

#: encoded requests kept per process (about 1 kB each): a few windows of 1,000
CACHED_REQUESTS = 4096


class Reader(NamedTuple):
    """What the disclosure rule reads of an Open311 client (hashable, unlike the ORM object)."""

    id: int
    reads_private: bool


def local_w3c(tz_name: str | None = None) -> Callable[[datetime | None], str | None]:
    """gup.open311.formats.w3c with the application's time zone read once for a whole list."""
    tz = ZoneInfo(tz_name or current_app.config.get("BABEL_DEFAULT_TIMEZONE") or "UTC")
    return lambda value: None if value is None else value.astimezone(tz).isoformat(timespec="seconds")


def _updated(row: Any) -> datetime:
    if row.status in CLOSED_REPORT_STATUSES and row.closed_at:
        return row.closed_at
    dates = [row.last_update_at, row.updated_at or row.created_at]
    return max(d for d in dates if d is not None)


def _service_request(row: Any, client: Any, labels: dict, w3c: Callable) -> dict[str, Any]:
    last = row.last_text or ""
    return {
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
    }


def service_requests(rows: Iterable[Any], client: Any = None) -> list[dict[str, Any]]:
    """Service requests as the spec lists their fields, under the public-disclosure rule
    (gup.hotline.disclosure): the resident's words only where published, never contact details."""
    w3c = local_w3c()
    labels = {status: str(status.label) for status in ReportStatus}  # translated once, not once per request
    return [_service_request(row, client, labels, w3c) for row in rows]


def _reader(client: Any) -> Reader | None:
    return None if client is None else Reader(client.id, bool(client.reads_private))


@functools.lru_cache(maxsize=CACHED_REQUESTS)
def _request_json(row: Any, reader: Reader | None, locale: str, tz_name: str) -> bytes:
    """One request encoded (the key is everything the encoding reads; the locale is the request's, active)."""
    from gup.open311.formats import to_json

    labels = {row.status: str(ReportStatus(row.status).label)}
    return to_json(_service_request(row, reader, labels, local_w3c(tz_name)))


def service_requests_json(rows: Iterable[Any], client: Any = None) -> bytes:
    """The JSON of `service_requests(rows, client)`, byte for byte, each request encoded once per process."""
    reader, locale = _reader(client), str(get_locale())
    tz_name = current_app.config.get("BABEL_DEFAULT_TIMEZONE") or "UTC"
    return b"[" + b", ".join(_request_json(row, reader, locale, tz_name) for row in rows) + b"]"
