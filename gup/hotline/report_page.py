"""The back-office page of one report: its action forms, pre-filled from the response templates, and the
possible duplicates shown to the coordination."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask_babel import gettext as _

from gup.hotline import queries, services
from gup.hotline.forms import ActionLinkForm, DisclosureForm, MergeForm, QualifyForm, ReopenForm, RouteForm, StatusForm
from gup.hotline.models import REPORT_NEXT, ReportStatus, ResidentReport
from gup.organisations.queries import organisation_choices
from gup.policy import can
from gup.territory.queries import distance_m

#: answers of the organisation in charge; every other move is triage (the coordination)
RESPOND_TARGETS = (ReportStatus.IN_PROGRESS, ReportStatus.RESOLVED)
#: moves offered by the status forms (qualify, route, merge and reopen have their own forms)
STATUS_TARGETS = (ReportStatus.IN_PROGRESS, ReportStatus.RESOLVED, ReportStatus.NOT_OUR_REMIT,
                  ReportStatus.REJECTED)


def prefill(report: ResidentReport, status: ReportStatus, *keep: str) -> str:
    """The response template for status, placeholders filled except `keep` (filled once the operator chose)."""
    text = services.template_text(report.category, status)
    for name in keep:
        text = text.replace("{" + name + "}", "{{" + name + "}}")
    return services.render_text(text, report)


def fill(text: str, **values: str) -> str:
    """Fill the placeholders kept by prefill with what the operator chose."""
    for name, value in values.items():
        text = text.replace("{" + name + "}", value)
    return text


def status_targets(user: Any, report: ResidentReport) -> list[ReportStatus]:
    """The status forms the user is offered on this report."""
    allowed = REPORT_NEXT[report.status]
    targets = [t for t in STATUS_TARGETS if t in allowed]
    if not can(user, "triage", report):
        targets = [t for t in targets if t in RESPOND_TARGETS]
    return targets


def report_forms(user: Any, report: ResidentReport, **given: Any) -> dict[str, Any]:
    """Every action form of the report page (those `given` were submitted and are shown as typed)."""
    forms: dict[str, Any] = {}
    if can(user, "triage", report):
        forms["qualify"] = given.get("qualify") or QualifyForm(
            prefix="q", formdata=None, category_id=report.category_id,
            public_text=prefill(report, ReportStatus.QUALIFIED))
        forms["route"] = given.get("route") or RouteForm(
            prefix="r", formdata=None,
            organisation_id=report.responsible_organisation_id or report.suggested_organisation_id,
            public_text=prefill(report, ReportStatus.SENT, "organisation"))
        forms["merge"] = given.get("merge") or MergeForm(
            prefix="m", formdata=None, public_text=prefill(report, ReportStatus.DUPLICATE, "duplicate_of"))
        forms["reopen"] = given.get("reopen") or ReopenForm(
            prefix="o", formdata=None, public_text=_("Le signalement a été rouvert."))
        forms["attach"] = given.get("attach") or ActionLinkForm(prefix="a", formdata=None)
        forms["qualify"].category_id.choices = queries.category_choices()
        forms["route"].organisation_id.choices = [("", _("— Choisir —"))] + organisation_choices()
        forms["attach"].action_id.choices = [("", _("— Choisir —"))] + queries.action_choices(report)
    if can(user, "disclose", report):
        forms["disclosure"] = given.get("disclosure") or DisclosureForm(
            prefix="p", formdata=None, public_description=report.public_description or report.description,
            public_address=report.public_address if report.public_description else report.address)
    forms["status"] = {target: given.get(f"status-{target.value}") or StatusForm(
        prefix=target.value, formdata=None, public_text=prefill(report, target, "referral"))
        for target in status_targets(user, report)}
    return forms


def duplicate_rows(user: Any, report: ResidentReport, *, now: datetime) -> list[dict[str, Any]]:
    """Possible duplicates with their distance and photo count (for the coordination, on an open report)."""
    if not can(user, "triage", report) or report.is_closed:
        return []
    found = services.duplicate_candidates(report, now=now)
    counts = queries.photo_counts([c.id for c in found])
    rows = []
    for other in found:
        distance = None
        if None not in (report.latitude, report.longitude, other.latitude, other.longitude):
            distance = round(distance_m(report.latitude, report.longitude, other.latitude, other.longitude))
        rows.append({"report": other, "distance": distance, "photos": counts.get(other.id, 0)})
    return rows


def detail_context(user: Any, report: ResidentReport, *, now: datetime, **given: Any) -> dict[str, Any]:
    """The action forms and duplicate candidates of the page; the merge form offers the candidates."""
    candidates = duplicate_rows(user, report, now=now)
    forms = report_forms(user, report, **given)
    if "merge" in forms:
        forms["merge"].into_id.choices = [("", _("— Choisir —"))] + [
            (c["report"].id, f"{c['report'].reference} — {c['report'].description[:60]}") for c in candidates]
    return {"forms": forms, "candidates": candidates}
