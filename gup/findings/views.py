"""HTML routes of findings: phone-first logging, the finding page and its actions, list, CSV, routing table."""

from __future__ import annotations

from flask import Response, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from gup.agreements import queries as agreement_queries
from gup.agreements.models import Agreement
from gup.errors import NotAllowed
from gup.extensions import db
from gup.findings import bp, csv_export, queries, services
from gup.findings.forms import (
    ActionForm,
    FindingEditForm,
    PhotosForm,
    RouteForm,
    RoutingRuleForm,
    StatusForm,
)
from gup.findings.models import Finding, FindingStatus, LandOwnership
from gup.findings.pages import (
    DRAFT_KEY,
    action_url,
    filtered,
    finding_fields,
    logging_choices,
    logging_form,
    recipient,
    render_detail,
    routing_context,
    routing_suggestion,
    show_error,
    store_photos,
    targets,
)
from gup.forms_common import handle_form, render_form
from gup.i18n import local_today
from gup.inputs import id_or_none
from gup.organisations.models import Organisation
from gup.orm import now_utc
from gup.pagination import page_arg
from gup.policy import authorize, can
from gup.walks.models import Walkthrough
from gup.walks.queries import agreements_where, party_organisation_choices

# --- logging a finding ---------------------------------------------------------------------------


def _log(agreement: Agreement, walk: Walkthrough | None):
    authorize(current_user, "log_finding", walk if walk is not None else agreement)
    form = logging_form(agreement, walk)
    if request.method == "GET" and walk is not None:
        stop_id = id_or_none(request.args.get("stop_id"))
        form.stop_id.data = stop_id if any(s.id == stop_id for s in walk.stops) else None
        form.territory_id.data = walk.neighbourhood_id
    context = {"agreement": agreement, "walk": walk, **routing_context(agreement, form), "draft_key": request.path}
    if request.method == "POST" and request.form.get("preview"):  # « who will receive it? », without saving
        return render_template("findings/form.html", form=form, **context)
    return handle_form(form, lambda: _create(form, agreement, walk), success=_created_message,
                       redirect_to=lambda finding: _after_create(finding, agreement, walk), on_error=show_error) \
        or render_form("findings/form.html", form, draft_clear=session.pop(DRAFT_KEY, None), **context)


@bp.route("/agreements/<int:agreement_id>/findings/recipient")
@login_required
def recipient_preview(agreement_id: int):
    """The line « sera transmis à … » for what the logging form says (query string), for its script."""
    agreement = queries.agreement_or_404(agreement_id)
    authorize(current_user, "log_finding", agreement)
    form = logging_form(agreement, None, formdata=request.args, meta={"csrf": False})
    organisation, text = recipient(agreement, form, routing_suggestion(agreement, form))
    return {"text": text, "organisation_id": organisation.id if organisation else None}


def _create(form, agreement: Agreement, walk: Walkthrough | None) -> Finding:
    chosen = form.responsible_organisation_id.data if "responsible_organisation_id" in form else None
    finding = services.create_finding(
        agreement, actor=current_user, now=now_utc(), walkthrough=walk,
        responsible_organisation=db.session.get(Organisation, chosen) if chosen else None,
        routing_reason=form.reason.data if "reason" in form else None, **finding_fields(form, walk))
    store_photos(form.photos.data or [], finding=finding)
    return finding


def _created_message(finding: Finding) -> str:
    who = finding.responsible_organisation
    return _("Constat n° %(id)s enregistré et transmis à %(org)s.", id=finding.id, org=who.name) if who \
        else _("Constat n° %(id)s enregistré ; la coordination choisira l'organisme qui doit agir.", id=finding.id)


def _after_create(finding: Finding, agreement: Agreement, walk: Walkthrough | None) -> str:
    """The finding's page, or an empty form for the next one (the browser draft of this one is cleared)."""
    session[DRAFT_KEY] = request.path
    if request.form.get("next") == "another":
        return (url_for("findings.create", walkthrough_id=walk.id, stop_id=finding.stop_id) if walk is not None
                else url_for("findings.create_for_agreement", agreement_id=agreement.id))
    return url_for("findings.detail", finding_id=finding.id)


@bp.route("/walks/<int:walkthrough_id>/findings/new", methods=["GET", "POST"])
@login_required
def create(walkthrough_id: int):
    walk = queries.walk_for_logging(walkthrough_id)
    return _log(walk.agreement, walk)


@bp.route("/agreements/<int:agreement_id>/findings/new", methods=["GET", "POST"])
@login_required
def create_for_agreement(agreement_id: int):
    return _log(queries.agreement_or_404(agreement_id), None)


# --- the finding page and its actions ------------------------------------------------------------


@bp.route("/findings/<int:finding_id>")
@login_required
def detail(finding_id: int):
    finding = queries.finding_or_404(finding_id)
    authorize(current_user, "view", finding)
    return render_detail(finding)


@bp.route("/findings/<int:finding_id>/route", methods=["POST"])
@login_required
def route(finding_id: int):
    finding = queries.finding_or_404(finding_id)
    authorize(current_user, "manage", finding)
    form = RouteForm()
    form.organisation_id.choices = [("", "")] + party_organisation_choices(finding.agreement)
    return handle_form(form, lambda: _route(finding, form),
                       success=lambda organisation: _("Constat transmis à %(name)s.", name=organisation.name),
                       redirect_to=url_for("findings.detail", finding_id=finding.id)) \
        or render_detail(queries.finding_or_404(finding_id), code=422, route_form=form)


def _route(finding: Finding, form: RouteForm) -> Organisation:
    organisation = db.session.get(Organisation, form.organisation_id.data)
    services.route_finding(finding, to=organisation, reason=form.reason.data, actor=current_user, now=now_utc())
    return organisation


@bp.route("/findings/<int:finding_id>/status", methods=["POST"])
@login_required
def change_status(finding_id: int):
    finding = queries.finding_or_404(finding_id)
    if not (can(current_user, "respond", finding) or can(current_user, "manage", finding)):
        raise NotAllowed("move", finding)
    form = StatusForm()
    form.set_targets(targets(finding))
    return handle_form(form, lambda: _change_status(finding, form),
                       success=lambda _f: _("Statut du constat : %(s)s.", s=finding.status.label),
                       redirect_to=url_for("findings.detail", finding_id=finding.id), on_error=show_error) \
        or render_detail(queries.finding_or_404(finding_id), code=422, status_form=form)


def _change_status(finding: Finding, form: StatusForm) -> None:
    target = FindingStatus(form.status.data)
    if not can(current_user, "move", finding, target=target):
        raise NotAllowed("move", finding)
    services.change_finding_status(finding, to=target, note=form.note.data, actor=current_user, now=now_utc())
    if form.photo.data and target is FindingStatus.RESOLVED:
        store_photos([form.photo.data], finding=finding, is_resolution=True)


@bp.route("/findings/<int:finding_id>/photos", methods=["POST"])
@login_required
def add_photos(finding_id: int):
    finding = queries.finding_or_404(finding_id)
    authorize(current_user, "respond", finding)
    form = PhotosForm()
    return handle_form(form, lambda: store_photos(form.photos.data, finding=finding),
                       success=lambda _r: _("%(n)s photo(s) ajoutée(s).", n=len(form.photos.data)),
                       redirect_to=url_for("findings.detail", finding_id=finding.id), on_error=show_error) \
        or render_detail(queries.finding_or_404(finding_id), code=422, photos_form=form)


@bp.route("/findings/<int:finding_id>/action", methods=["POST"])
@login_required
def to_action(finding_id: int):
    finding = queries.finding_or_404(finding_id)
    authorize(current_user, "respond", finding)
    form = ActionForm()
    return handle_form(form, lambda: services.action_from_finding(
        finding, title=form.title.data, due_on=form.due_on.data, actor=current_user, now=now_utc()),
        success=lambda action: _("Action n° %(id)s créée à partir du constat.", id=action.id),
        redirect_to=lambda action: action_url(action) or url_for("findings.detail", finding_id=finding.id)) \
        or render_detail(queries.finding_or_404(finding_id), code=422, action_form=form)


@bp.route("/findings/<int:finding_id>/edit", methods=["GET", "POST"])
@login_required
def edit(finding_id: int):
    finding = queries.finding_or_404(finding_id)
    authorize(current_user, "manage", finding)
    form = FindingEditForm(obj=finding if request.method == "GET" else None)
    logging_choices(form, finding.agreement, finding.walkthrough)
    if finding.territory_id and finding.territory_id not in {v for v, _label in form.territory_id.choices}:
        form.territory_id.choices.append((finding.territory_id, queries.place_label(finding.territory_id)))
    if request.method == "GET":
        form.kind.data, form.priority.data = finding.kind.value, finding.priority.value
        form.land_ownership.data = finding.land_ownership.value if finding.land_ownership else ""
    return handle_form(form, lambda: services.update_finding(finding, actor=current_user, due_on=form.due_on.data,
                                                             **finding_fields(form, finding.walkthrough)),
                       success=_("Constat enregistré."), redirect_to=url_for("findings.detail",
                                                                             finding_id=finding.id)) \
        or render_form("findings/edit.html", form, finding=finding)


# --- list and CSV --------------------------------------------------------------------------------


@bp.route("/findings")
@login_required
def index():
    filters, stmt = filtered()
    page = queries.paginate(stmt, page=page_arg(),
                            per_page=current_app.config["PAGE_SIZE"])
    return render_template("findings/index.html", page=page, filters=filters, today=local_today(),
                           neighbourhoods=queries.neighbourhoods_for(page.items),
                           loggable=agreements_where(current_user, "log_finding"),
                           export_url=url_for("findings.export", **request.args.to_dict()))


@bp.route("/findings.csv")
@login_required
def export():
    _filters, stmt = filtered()
    items = list(db.session.scalars(stmt).unique())
    text = csv_export.findings_csv(items, today=local_today(), neighbourhoods=queries.neighbourhoods_for(items))
    return Response(text.encode("utf-8"), content_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="constats-{local_today():%Y-%m-%d}.csv"'})


# --- routing table -------------------------------------------------------------------------------

@bp.route("/agreements/<int:agreement_id>/routing", methods=["GET", "POST"])
@login_required
def routing(agreement_id: int):
    agreement = queries.agreement_or_404(agreement_id)
    authorize(current_user, "manage", agreement)
    form = RoutingRuleForm()
    form.theme_id.choices = [("", _("Toutes"))] + agreement_queries.theme_choices()
    form.organisation_id.choices = [("", _("— Choisir —"))] + party_organisation_choices(agreement)
    return handle_form(form, lambda: services.save_routing_rule(
        agreement, land_ownership=LandOwnership(form.land_ownership.data),
        theme=queries.theme_or_none(form.theme_id.data),
        organisation=db.session.get(Organisation, form.organisation_id.data), actor=current_user),
        success=_("Règle d'orientation enregistrée."), redirect_to=url_for("findings.routing",
                                                                           agreement_id=agreement.id)) \
        or render_form("findings/routing.html", form, agreement=agreement, rules=queries.routing_rules(agreement))


@bp.route("/agreements/<int:agreement_id>/routing/<int:routing_rule_id>/delete", methods=["POST"])
@login_required
def delete_rule(agreement_id: int, routing_rule_id: int):
    agreement = queries.agreement_or_404(agreement_id)
    authorize(current_user, "manage", agreement)
    services.delete_routing_rule(queries.routing_rule_or_404(agreement, routing_rule_id), actor=current_user)
    db.session.commit()
    flash(_("Règle d'orientation supprimée."), "success")
    return redirect(url_for("findings.routing", agreement_id=agreement.id))
