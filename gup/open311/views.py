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

import re
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from flask import Response, current_app, request, url_for
from flask_babel import gettext as _
from marshmallow import ValidationError
from webargs.flaskparser import FlaskParser
from werkzeug.exceptions import HTTPException

from gup.errors import DomainError
from gup.extensions import db
from gup.hotline import services as hotline
from gup.hotline.models import Channel, ReportCategory, ReportStatus
from gup.inputs import DATE_MAX, DATE_MIN
from gup.open311 import bp, queries
from gup.open311.formats import FORMATS, Open311Error, render, render_errors, w3c
from gup.open311.payloads import local_w3c, service_requests, service_requests_json
from gup.open311.schemas import ServiceRequestIn, first_error
from gup.open311.services import client_for_key
from gup.orm import now_utc

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
_ATTRIBUTE = re.compile(r"^attribute\[([^\]]+)\](\[\])?$")


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
    # the range leaves room for the 90-day window and the time zones (year 1 or 9999 would overflow)
    if not DATE_MIN <= parsed.date() <= DATE_MAX:
        raise _bad(_("%(name)s : date hors limites (entre %(low)s et %(high)s).", name=name,
                     low=DATE_MIN.isoformat(), high=DATE_MAX.isoformat()))
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


def _reader() -> Any:
    """The Open311 client whose key came with a GET (it may read more: gup.hotline.disclosure), else None.
    A wrong or revoked key is refused rather than silently answered as anonymous."""
    raw = _arg("api_key", request.args)
    if raw is None:
        return None
    client = client_for_key(raw)
    if client is None:
        raise _bad(_("api_key invalide ou révoquée."), 403)
    return client


def _published(code: str) -> ReportCategory | None:
    """The published category of a service code, read once per request (the schema asks twice)."""
    found = request.environ.setdefault("gup.open311_categories", {})  # this request's, whatever the app context
    if code not in found:
        found[code] = hotline.published_category(code)
    return found[code]


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
        "metadata": bool(hotline.attribute_definitions(c)),
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
    data = {"service_code": category.code, "attributes": hotline.attribute_definitions(category)}
    return render(data, fmt, root="service_definition")


# --- service requests -----------------------------------------------------------------------------

_parser = FlaskParser()


@_parser.error_handler
def _refused(error: ValidationError, _req: Any, _schema: Any, *, error_status_code: Any, error_headers: Any):
    """The first refusal in the spec's parameter order, as the spec's error list (400, or 404 for a service)."""
    messages = error.messages.get("form", error.messages) if isinstance(error.messages, dict) else {}
    message, status = first_error(messages)
    raise _bad(message, status)


def _posted_attributes() -> dict[str, list[str]]:
    """attribute[code]=value, attribute[code][]=… for a multivaluelist."""
    posted: dict[str, list[str]] = {}
    for key, values in request.form.lists():
        match = _ATTRIBUTE.match(key)
        if match:
            posted.setdefault(match.group(1), []).extend(v.strip() for v in values if v and v.strip())
    return posted


@bp.route(f"/requests.{FMT}", methods=["POST"])
def post_request(fmt: str):
    client = client_for_key(_arg("api_key"))
    if client is None:
        raise _bad(_("api_key manquante.") if _arg("api_key") is None else _("api_key invalide ou révoquée."), 403)
    posted = _parser.parse(ServiceRequestIn(find_category=_published), request, location="form")
    try:
        values = hotline.attribute_values(posted["category"], _posted_attributes(), check_datetime=parse_w3c)
        report = hotline.submit_report(channel=Channel.OPEN311, category=posted["category"], actor=None,
                                       now=now_utc(), open311_client=client, attribute_values=values,
                                       **posted["fields"])
    except DomainError as exc:
        db.session.rollback()
        raise _bad(exc.message) from None
    notice, reference = (report.updates[0].public_text if report.updates else None), report.reference
    db.session.commit()
    data = [{"service_request_id": reference, "service_notice": notice, "account_id": None}]
    return render(data, fmt, root="service_requests", item="request")


@bp.route(f"/requests.{FMT}", methods=["GET"])
def list_requests(fmt: str):
    client = _reader()
    references = _list("service_request_id")
    if references:  # overrides every other argument
        reports = queries.requests_by_references(references, client)
    else:
        statuses = {s.lower() for s in _list("status")}
        if statuses - {"open", "closed"}:
            raise _bad(_("status : valeurs possibles open, closed."))
        start, end = _window(now_utc())
        reports = queries.search_requests(start=start, end=end, service_codes=_list("service_code") or None,
                                          statuses=statuses or None, client=client)
    if fmt == "json":
        return Response(service_requests_json(reports, client), content_type=FORMATS["json"])
    return render(service_requests(reports, client), fmt, root="service_requests", item="request")


@bp.route(f"/requests/<service_request_id>.{FMT}", methods=["GET"])
def get_request(service_request_id: str, fmt: str):
    client = _reader()
    report = queries.request_by_reference(service_request_id, client)
    if report is None:
        raise _bad(_("service_request_id inconnu : %(id)s.", id=service_request_id), 404)
    return render(service_requests([report], client), fmt, root="service_requests", item="request")


@bp.route(f"/tokens/<token>.{FMT}", methods=["GET"])
def token(token: str, fmt: str):
    """Requests are created synchronously: the token is the service_request_id (the reference)."""
    report = queries.request_by_reference(token, _reader())
    if report is None:
        raise _bad(_("token inconnu : %(token)s.", token=token), 404)
    return render([{"service_request_id": report.reference, "token": token}], fmt, root="service_requests",
                  item="request")


@bp.route(f"/servicerequestupdates.{FMT}", methods=["GET"])
def request_updates(fmt: str):
    """FixMyStreet's extension: the public updates dated between start_date and end_date."""
    client = _reader()
    start, end = _window(now_utc())
    w3c_local = local_w3c()
    data = [{
        "update_id": str(u.id),
        "service_request_id": u.reference,
        "status": STATUS_EXTENDED[u.status],
        "updated_datetime": w3c_local(u.at),
        "description": u.public_text,
        "media_url": None,
    } for u in queries.updates_between(start=start, end=end, client=client)]
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
