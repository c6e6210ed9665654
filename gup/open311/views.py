"""Open311 GeoReport v2 routes (/open311/v2/), JSON and XML by extension.

Choices (documented in the README's Open311 section):
- Requests are created synchronously (service type `realtime`): POST answers the `service_request_id`, which
  is the report reference (GUP-YYYY-NNNNNN). `tokens/{token}` still answers, the token being the reference.
- Status: `open`/`closed`, the fine gup status and the last public explanation in `status_notes`;
  `servicerequestupdates` uses FixMyStreet's extended vocabulary (STATUS_EXTENDED).
- Contact details given by the client application (email, phone, names) are kept with consent to be
  contacted only when an e-mail or a phone number was given: the resident handed them to the application to be
  kept informed, and the spec has no consent field. They never appear in any GET response.
- An empty optional parameter counts as absent. Unknown paths, formats and methods answer an error body.
"""

from __future__ import annotations

import math
import re
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from flask import current_app, request, url_for
from flask_babel import gettext as _
from werkzeug.exceptions import HTTPException

from gup.db import now_utc
from gup.errors import DomainError
from gup.extensions import db
from gup.hotline import services as hotline
from gup.hotline.models import CLOSED_REPORT_STATUSES, Channel, ReportCategory, ReportStatus, ResidentReport
from gup.open311 import bp, queries
from gup.open311.formats import FORMATS, Open311Error, render, render_errors, w3c
from gup.open311.services import client_for_key

FMT = "<any(json, xml):fmt>"
SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
#: the documented changeset of this endpoint (bump when the API changes)
CHANGESET = datetime(2026, 11, 23, tzinfo=UTC)
WINDOW = timedelta(days=90)

#: gup status → FixMyStreet's extended status (servicerequestupdates)
STATUS_EXTENDED: dict[ReportStatus, str] = {
    ReportStatus.RECEIVED: "open",
    ReportStatus.QUALIFIED: "investigating",
    ReportStatus.SENT: "action_scheduled",
    ReportStatus.IN_PROGRESS: "in_progress",
    ReportStatus.RESOLVED: "fixed",
    ReportStatus.DUPLICATE: "duplicate",
    ReportStatus.NOT_OUR_REMIT: "not_councils_responsibility",
    ReportStatus.REJECTED: "no_further_action",
}
DATATYPES = {"string", "number", "datetime", "text", "singlevaluelist", "multivaluelist"}
_ATTRIBUTE = re.compile(r"^attribute\[([^\]]+)\](\[\])?$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


# --- helpers -------------------------------------------------------------------------------------

@bp.errorhandler(Open311Error)
def _open311_error(exc: Open311Error):
    return render_errors([(exc.code, exc.description)], _fmt(), exc.status)


@bp.errorhandler(HTTPException)
def _http_error(exc: HTTPException):
    """Aborts inside the API (oversized body, malformed form…) answer the spec's error list, never HTML."""
    code = exc.code or 400
    return render_errors([(code, exc.description or exc.name)], _fmt(), code)


def _fmt() -> str:
    fmt = (request.view_args or {}).get("fmt")
    if fmt in FORMATS:
        return fmt
    return request.path.rsplit(".", 1)[-1] if request.path.rsplit(".", 1)[-1] in FORMATS else "json"


def _arg(name: str, source: Any = None) -> str | None:
    """A parameter, stripped; empty counts as absent (the spec's optional arguments)."""
    value = (source if source is not None else request.values).get(name)
    value = value.strip() if isinstance(value, str) else None
    return value or None


def _bad(description: str, status: int = 400) -> Open311Error:
    return Open311Error(status, description)


def _local_tz() -> ZoneInfo:
    return ZoneInfo(current_app.config.get("BABEL_DEFAULT_TIMEZONE") or "UTC")


def parse_w3c(value: str, name: str) -> datetime:
    """A W3C datetime; a time needs its zone (Z or ±hh:mm); a bare date is midnight, local time."""
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise _bad(_("%(name)s : date invalide, format attendu 2026-01-31T00:00:00Z.", name=name)) from None
    if parsed.tzinfo is None:
        if len(value) > 10:
            raise _bad(_("%(name)s : indiquez le fuseau horaire (Z ou +01:00).", name=name))
        parsed = parsed.replace(tzinfo=_local_tz())
    return parsed.astimezone(UTC)


def _window(now: datetime) -> tuple[datetime, datetime]:
    """start_date / end_date: 90 days at most; the missing end of the range is 90 days from the other one,
    both missing: the last 90 days."""
    start = parse_w3c(v, "start_date") if (v := _arg("start_date", request.args)) else None
    end = parse_w3c(v, "end_date") if (v := _arg("end_date", request.args)) else None
    if start is None and end is None:
        end = now
    if start is None:
        start = end - WINDOW
    if end is None:
        end = start + WINDOW
    if end < start:
        raise _bad(_("end_date est antérieure à start_date."))
    if end - start > WINDOW:
        raise _bad(_("La période demandée ne peut pas dépasser 90 jours."))
    return start, end


def _list(name: str) -> list[str]:
    """A comma-separated parameter (empty items ignored)."""
    return [item.strip() for item in (_arg(name, request.args) or "").split(",") if item.strip()]


def _notes(report: ResidentReport) -> str:
    last = report.updates[-1].public_text if report.updates else ""
    return f"{report.status.label} — {last}" if last else str(report.status.label)


def _updated(report: ResidentReport) -> datetime:
    if report.is_closed and report.closed_at:
        return report.closed_at
    dates = [u.at for u in report.updates] + [report.updated_at or report.created_at]
    return max(d for d in dates if d is not None)


def _service_request(report: ResidentReport) -> dict[str, Any]:
    """A service request as the spec lists its fields; no personal data (no contact, no name)."""
    return {
        "service_request_id": report.reference,
        "status": "closed" if report.status in CLOSED_REPORT_STATUSES else "open",
        "status_notes": _notes(report),
        "service_name": report.category.label,
        "service_code": report.category.code,
        "description": report.description,
        "agency_responsible": report.responsible_organisation.name if report.responsible_organisation else None,
        "service_notice": report.updates[0].public_text if report.updates else None,
        "requested_datetime": w3c(report.created_at),
        "updated_datetime": w3c(_updated(report)),
        "expected_datetime": w3c(report.created_at + timedelta(days=report.category.resolution_days)),
        "address": report.address,
        "address_id": report.address_id,
        "zipcode": None,
        "lat": report.latitude,
        "long": report.longitude,
        "media_url": report.media_url,
    }


def _published(code: str) -> ReportCategory | None:
    return next((c for c in hotline.published_categories() if c.code == code), None)


def _definitions(category: ReportCategory) -> list[dict[str, Any]]:
    """The category's extra questions as service definition attributes, in their order."""
    attributes = [a for a in (category.attributes or []) if isinstance(a, dict) and a.get("code")]
    attributes.sort(key=lambda a: (a.get("order") or 0))
    out = []
    for position, attr in enumerate(attributes, start=1):
        datatype = attr.get("datatype") if attr.get("datatype") in DATATYPES else "string"
        out.append({
            "variable": bool(attr.get("variable", True)),
            "code": str(attr["code"]),
            "datatype": datatype,
            "required": bool(attr.get("required", False)),
            "datatype_description": attr.get("datatype_description"),
            "order": attr.get("order") or position,
            "description": attr.get("description") or "",
            "values": [{"key": str(v.get("key")), "name": v.get("name") or str(v.get("key"))}
                       for v in attr.get("values") or [] if isinstance(v, dict)]
            if datatype in ("singlevaluelist", "multivaluelist") else [],
        })
    return out


# --- discovery and services -----------------------------------------------------------------------

@bp.route(f"/discovery.{FMT}", methods=["GET"])
def discovery(fmt: str):
    data = {
        "changeset": w3c(CHANGESET),
        "contact": _("Coordination GUP — contactez l'administrateur de gup pour toute question."),
        "key_service": _("Les clés d'API sont délivrées par l'administrateur de gup (Administration › "
                         "Clients Open311)."),
        "endpoints": [{
            "specification": SPECIFICATION,
            "url": url_for("open311.discovery", fmt=fmt, _external=True).rsplit("/", 1)[0],
            "changeset": w3c(CHANGESET),
            "type": "production",
            "formats": ["text/xml", "application/json"],
        }],
    }
    return render(data, fmt, root="discovery")


@bp.route(f"/services.{FMT}", methods=["GET"])
def services(fmt: str):
    data = [{
        "service_code": c.code,
        "service_name": c.label,
        "description": c.description or "",
        "metadata": bool(_definitions(c)),
        "type": "realtime",
        "keywords": ", ".join(dict.fromkeys([c.label, c.theme.label])),
        "group": c.theme.label,
    } for c in hotline.published_categories()]
    return render(data, fmt, root="services", item="service")


@bp.route(f"/services/<service_code>.{FMT}", methods=["GET"])
def service_definition(service_code: str, fmt: str):
    category = _published(service_code)
    if category is None:
        raise _bad(_("service_code inconnu : %(code)s.", code=service_code), 404)
    data = {"service_code": category.code, "attributes": _definitions(category)}
    return render(data, fmt, root="service_definition")


# --- service requests -----------------------------------------------------------------------------

def _coordinate(name: str, low: float, high: float) -> float:
    try:
        value = float(_arg(name, request.form) or "")
    except ValueError:
        raise _bad(_("%(name)s : nombre décimal attendu (WGS84).", name=name)) from None
    if not math.isfinite(value) or not low <= value <= high:
        raise _bad(_("%(name)s : hors des limites (%(low)s à %(high)s).", name=name, low=low, high=high))
    return value


def _limited(name: str, limit: int) -> str | None:
    value = _arg(name, request.form)
    if value is not None and len(value) > limit:
        raise _bad(_("%(name)s : %(limit)s caractères au plus.", name=name, limit=limit))
    return value


def _posted_attributes() -> dict[str, list[str]]:
    posted: dict[str, list[str]] = {}
    for key, values in request.form.lists():
        match = _ATTRIBUTE.match(key)
        if match:
            posted.setdefault(match.group(1), []).extend(v.strip() for v in values if v and v.strip())
    return posted


def _attribute_values(category: ReportCategory) -> dict[str, Any]:
    """attribute[code]=value (attribute[code][]=… for a multivaluelist), checked against the definition."""
    posted = _posted_attributes()
    values: dict[str, Any] = {}
    for attr in _definitions(category):
        code, datatype = attr["code"], attr["datatype"]
        given = posted.get(code, [])
        if not attr["variable"]:
            continue
        if not given:
            if attr["required"]:
                raise _bad(_("attribute[%(code)s] est obligatoire.", code=code))
            continue
        keys = {v["key"] for v in attr["values"]}
        if datatype == "multivaluelist":
            if any(v not in keys for v in given):
                raise _bad(_("attribute[%(code)s] : valeur inconnue.", code=code))
            values[code] = given
            continue
        value = given[0]
        if datatype == "singlevaluelist" and value not in keys:
            raise _bad(_("attribute[%(code)s] : valeur inconnue.", code=code))
        if datatype == "number":
            try:
                float(value)
            except ValueError:
                raise _bad(_("attribute[%(code)s] : nombre attendu.", code=code)) from None
        if datatype == "datetime":
            parse_w3c(value, f"attribute[{code}]")
        if len(value) > 1000:
            raise _bad(_("attribute[%(code)s] : 1000 caractères au plus.", code=code))
        values[code] = value
    return values


def _submission() -> tuple[ReportCategory, dict[str, Any]]:
    """Validate a POST service request in the spec's order; the keyword arguments of submit_report."""
    code = _arg("service_code", request.form)
    if code is None:
        raise _bad(_("service_code est obligatoire."))
    category = _published(code)
    if category is None:
        raise _bad(_("service_code inconnu : %(code)s.", code=code), 404)
    lat_given, long_given = _arg("lat", request.form) is not None, _arg("long", request.form) is not None
    if lat_given != long_given:
        raise _bad(_("lat et long doivent être envoyées ensemble."))
    latitude = _coordinate("lat", -90, 90) if lat_given else None
    longitude = _coordinate("long", -180, 180) if long_given else None
    address, address_id = _limited("address_string", 255), _limited("address_id", 100)
    if latitude is None and address is None and address_id is None:
        raise _bad(_("Un lieu est obligatoire : lat et long, address_string ou address_id."))
    email, phone = _limited("email", 254), _limited("phone", 40)
    if email is not None and not _EMAIL.match(email):
        raise _bad(_("email : adresse invalide."))
    name = " ".join(n for n in (_limited("first_name", 60), _limited("last_name", 60)) if n) or None
    media_url = _limited("media_url", 500)
    if media_url is not None and not media_url.lower().startswith(("http://", "https://")):
        raise _bad(_("media_url : adresse http(s) attendue."))
    description = _limited("description", 4000) or category.label
    attribute_values = _attribute_values(category)
    return category, {
        "description": description, "address": address, "address_id": address_id, "latitude": latitude,
        "longitude": longitude, "contact_name": name, "contact_email": email, "contact_phone": phone,
        # consent: the resident gave an e-mail or a phone number to the application to be kept informed
        "contact_consent": bool(email or phone), "attribute_values": attribute_values, "media_url": media_url,
    }


@bp.route(f"/requests.{FMT}", methods=["POST"])
def post_request(fmt: str):
    client = client_for_key(_arg("api_key"))
    if client is None:
        message = _("api_key manquante.") if _arg("api_key") is None else _("api_key invalide ou révoquée.")
        raise _bad(message, 403)
    category, fields = _submission()
    try:
        report = hotline.submit_report(channel=Channel.OPEN311, category=category, actor=None, now=now_utc(),
                                       open311_client=client, **fields)
    except DomainError as exc:
        db.session.rollback()
        raise _bad(exc.message) from None
    notice = report.updates[0].public_text if report.updates else None
    reference = report.reference
    db.session.commit()
    data = [{"service_request_id": reference, "service_notice": notice, "account_id": None}]
    return render(data, fmt, root="service_requests", item="request")


@bp.route(f"/requests.{FMT}", methods=["GET"])
def list_requests(fmt: str):
    references = _list("service_request_id")
    if references:  # overrides every other argument
        reports = queries.requests_by_references(references)
    else:
        statuses = {s.lower() for s in _list("status")}
        if statuses - {"open", "closed"}:
            raise _bad(_("status : valeurs possibles open, closed."))
        start, end = _window(now_utc())
        reports = queries.search_requests(start=start, end=end, service_codes=_list("service_code") or None,
                                          statuses=statuses or None)
    return render([_service_request(r) for r in reports], fmt, root="service_requests", item="request")


@bp.route(f"/requests/<service_request_id>.{FMT}", methods=["GET"])
def get_request(service_request_id: str, fmt: str):
    report = queries.request_by_reference(service_request_id)
    if report is None:
        raise _bad(_("service_request_id inconnu : %(id)s.", id=service_request_id), 404)
    return render([_service_request(report)], fmt, root="service_requests", item="request")


@bp.route(f"/tokens/<token>.{FMT}", methods=["GET"])
def token(token: str, fmt: str):
    """Requests are created synchronously: the token is the service_request_id (the reference)."""
    report = queries.request_by_reference(token)
    if report is None:
        raise _bad(_("token inconnu : %(token)s.", token=token), 404)
    return render([{"service_request_id": report.reference, "token": token}], fmt, root="service_requests",
                  item="request")


@bp.route(f"/servicerequestupdates.{FMT}", methods=["GET"])
def request_updates(fmt: str):
    """FixMyStreet's extension: the public updates dated between start_date and end_date."""
    start, end = _window(now_utc())
    data = [{
        "update_id": str(u.id),
        "service_request_id": u.report.reference,
        "status": STATUS_EXTENDED[u.status],
        "updated_datetime": w3c(u.at),
        "description": u.public_text,
        "media_url": None,
    } for u in queries.updates_between(start=start, end=end)]
    return render(data, fmt, root="service_request_updates", item="request_update")


@bp.route("/<path:open311_path>", methods=["GET", "POST", "PUT", "PATCH", "DELETE"])
def not_found(open311_path: str):
    """Unknown resource, format or method: the spec's error list rather than an HTML page."""
    adapter = current_app.url_map.bind("localhost")
    allowed = []
    for method in ("GET", "POST"):
        try:
            rule, _args = adapter.match(request.path, method=method, return_rule=True)
        except HTTPException:
            continue
        if rule.endpoint != "open311.not_found":
            allowed.append(method)
    if allowed:
        response = render_errors([(405, _("Méthode non autorisée : %(methods)s.", methods=", ".join(allowed)))],
                                 _fmt(), 405)
        response.headers["Allow"] = ", ".join(allowed)
        return response
    return render_errors([(404, _("Ressource inconnue : /open311/v2/%(path)s (formats : json, xml).",
                                  path=open311_path))], _fmt(), 404)


import gup.open311.admin_views  # noqa: E402,F401  (admin pages of API keys, on the admin blueprint)
