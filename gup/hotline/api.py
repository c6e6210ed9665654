"""REST API of resident reports (/api/v1/resident-reports): the triage queue, answers, merges and re-routing.

Each route follows load → authorize → validate → service → commit, like the back-office views, and calls the
same services and policy. Contact data only reaches the coordination (policy "view_contact").
"""

from __future__ import annotations

from typing import Any

from gup import policy
from gup.errors import DomainError, InvalidTransition
from gup.extensions import db
from gup.hotline import disclosure, queries, services
from gup.hotline.models import ReportStatus, ResidentReport
from gup.hotline.schemas import (
    ReportDisclosureIn,
    ReportMergeIn,
    ReportQueryArgs,
    ReportRerouteIn,
    ReportStatusIn,
    ResidentReportDetailOut,
    ResidentReportOut,
)
from gup.i18n import local_today
from gup.organisations.models import Organisation
from gup.orm import now_utc
from gup.rest import (
    api_blueprint,
    api_user,
    authorized,
    committing,
    documents_errors,
    page_items,
    page_number,
    paginated,
    unprocessable,
)

resident_reports_api = api_blueprint("resident_reports", "/resident-reports", "Signalements des habitants.")

#: answers of the organisation in charge; every other move is triage (the coordination)
RESPOND_TARGETS = (ReportStatus.IN_PROGRESS, ReportStatus.RESOLVED)
CONTACT_FIELDS = ("contact_name", "contact_email", "contact_phone", "contact_consent", "callback_preference")


class _WithoutContact:
    """A report seen by someone who may not read the reporter's contact data."""

    def __init__(self, report: ResidentReport) -> None:
        self._report = report

    def __getattr__(self, name: str) -> Any:
        if name in CONTACT_FIELDS:
            return None
        return getattr(self._report, name)


def _out(report: ResidentReport) -> Any:
    report = queries.report_or_404(report.id)
    return report if policy.can(api_user(), "view_contact", report) else _WithoutContact(report)


def _service(call, *args: Any, **kwargs: Any) -> Any:
    """Run a service; a refused input becomes a 422 naming the field, an impossible move a 409."""
    try:
        with committing():
            return call(*args, **kwargs)
    except InvalidTransition:
        raise
    except DomainError as exc:
        unprocessable(exc.field or "status", exc.message)


@resident_reports_api.route("", endpoint="index")
@resident_reports_api.arguments(ReportQueryArgs, location="query")
@resident_reports_api.response(200, ResidentReportOut(many=True))
@paginated(resident_reports_api)
@documents_errors(resident_reports_api)
def list_reports(args: dict, pagination_parameters):
    """List the reports the user may read: new ones first, then by resolution due date; filters combine."""
    if "status" in args:
        args["status"] = args["status"].value
    if "channel" in args:
        args["channel"] = args["channel"].value
    page = queries.queue_page(api_user(), today=local_today(), page=page_number(pagination_parameters),
                              per_page=pagination_parameters.page_size, **args)
    return page_items(page, pagination_parameters)


@resident_reports_api.route("/<int:report_id>", endpoint="detail")
@resident_reports_api.response(200, ResidentReportDetailOut)
@documents_errors(resident_reports_api, 403, 404)
def get_report(report_id: int):
    """Return one report with its public answers; contact data only for the coordination."""
    report = queries.report_or_404(report_id)
    policy.authorize(api_user(), "view", report)
    return _out(report)


@resident_reports_api.route("/<int:report_id>/status", methods=["POST"], endpoint="status")
@authorized("respond", load=queries.report_or_404, arg="report_id", into="report")
@resident_reports_api.arguments(ReportStatusIn)
@resident_reports_api.response(200, ResidentReportDetailOut)
@documents_errors(resident_reports_api, 403, 404, 409, 422)
def change_status(payload: dict, report: ResidentReport):
    """Move a report with its public explanation: `in_progress` and `resolved` for the organisation in charge
    (or the coordination); `qualified`, `not_our_remit` (with `referral`), `rejected` and `received` (reopen)
    for the coordination. An impossible move is a 409."""
    user, target = api_user(), payload["status"]
    if target not in RESPOND_TARGETS:
        policy.authorize(user, "triage", report)
    if target is ReportStatus.DUPLICATE:
        unprocessable("status", "Un doublon se déclare par /merge.")
    if target is ReportStatus.SENT:
        unprocessable("status", "Une transmission se fait par /reroute.")
    if target is ReportStatus.RECEIVED and report.is_closed:
        _service(services.reopen, report, actor=user, now=now_utc(), public_text=payload.get("public_text"))
    else:
        _service(services.change_status, report, to=target, actor=user, now=now_utc(),
                 public_text=payload.get("public_text"), referral=payload.get("referral"))
    return _out(report)


@resident_reports_api.route("/<int:report_id>/merge", methods=["POST"], endpoint="merge")
@authorized("triage", load=queries.report_or_404, arg="report_id", into="report")
@resident_reports_api.arguments(ReportMergeIn)
@resident_reports_api.response(200, ResidentReportDetailOut)
@documents_errors(resident_reports_api, 403, 404, 409, 422)
def merge_report(payload: dict, report: ResidentReport):
    """Close the report as a duplicate of another (`into_id` or `into_reference`); its reporter is told which
    reference to follow and receives the answers of the surviving report."""
    user = api_user()
    if payload.get("into_id"):
        into, field = db.session.get(ResidentReport, payload["into_id"]), "into_id"
    else:
        into, field = queries.report_by_reference(payload["into_reference"]), "into_reference"
    if into is None or not policy.can(user, "view", into):
        unprocessable(field, "Signalement d'origine introuvable.")
    _service(services.merge, report, into=into, actor=user, now=now_utc(), public_text=payload.get("public_text"))
    return _out(report)


@resident_reports_api.route("/<int:report_id>/reroute", methods=["POST"], endpoint="reroute")
@authorized("triage", load=queries.report_or_404, arg="report_id", into="report")
@resident_reports_api.arguments(ReportRerouteIn)
@resident_reports_api.response(200, ResidentReportDetailOut)
@documents_errors(resident_reports_api, 403, 404, 409, 422)
def reroute_report(payload: dict, report: ResidentReport):
    """Send (or re-route) the report to an organisation; the history is kept and the SLA clock keeps running."""
    organisation = db.session.get(Organisation, payload["organisation_id"])
    if organisation is None:
        unprocessable("organisation_id", f"Organisme introuvable : {payload['organisation_id']}.")
    _service(services.route_report, report, to=organisation, actor=api_user(), now=now_utc(),
             public_text=payload.get("public_text"), reason=payload.get("reason"))
    return _out(report)


@resident_reports_api.route("/<int:report_id>/disclosure", methods=["PUT"], endpoint="disclosure")
@authorized("disclose", load=queries.report_or_404, arg="report_id", into="report")
@resident_reports_api.arguments(ReportDisclosureIn)
@resident_reports_api.response(200, ResidentReportDetailOut)
@documents_errors(resident_reports_api, 403, 404, 422)
def set_disclosure(payload: dict, report: ResidentReport):
    """Publish a wording of the problem (the coordination): only it is shown on the tracking page and in
    Open311, never the description as typed (public-disclosure rule)."""
    _service(disclosure.approve_wording, report, description=payload["public_description"],
             address=payload.get("public_address"), actor=api_user(), now=now_utc())
    return _out(report)


@resident_reports_api.route("/<int:report_id>/disclosure", methods=["DELETE"], endpoint="withdraw_disclosure")
@authorized("disclose", load=queries.report_or_404, arg="report_id", into="report")
@resident_reports_api.response(200, ResidentReportDetailOut)
@documents_errors(resident_reports_api, 403, 404)
def withdraw_disclosure(report: ResidentReport):
    """Stop publishing the description and the address (the coordination)."""
    _service(disclosure.withdraw, report, actor=api_user(), now=now_utc())
    return _out(report)
