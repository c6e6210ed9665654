"""HTML routes of findings: phone-first logging, the finding page and its actions, list, CSV, routing table."""

from __future__ import annotations

from flask import Response, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from gup.agreements import queries as agreement_queries
from gup.agreements.models import Agreement, Theme
from gup.audit.services import history_of, status_history
from gup.errors import DomainError, NotAllowed
from gup.extensions import db
from gup.findings import bp, csv_export, queries, services
from gup.findings.forms import (
    ActionForm,
    FindingEditForm,
    FindingFilterForm,
    FindingForm,
    PhotosForm,
    RouteForm,
    RoutingRuleForm,
    StatusForm,
)
from gup.findings.models import FINDING_NEXT, Finding, FindingKind, FindingStatus, LandOwnership, Priority
from gup.findings.signals import finding_page
from gup.forms_common import handle_form, render_form, show_domain_error
from gup.i18n import local_today
from gup.media import services as media_services
from gup.media.services import PhotoError
from gup.organisations.models import Organisation
from gup.organisations.queries import organisation_choices
from gup.orm import now_utc
from gup.pages import sections
from gup.policy import authorize, can
from gup.territory.models import Territory
from gup.territory.queries import neighbourhood_choices
from gup.walks.models import RouteStop, Walkthrough
from gup.walks.queries import agreements_where, party_organisation_choices

DRAFT_KEY = "gup_draft_clear"


def _store_photos(files, *, finding: Finding, is_resolution: bool = False) -> None:
    """Store each uploaded file (a refused one rolls back; the media hook removes the files already written)."""
    for upload in files:
        media_services.store_photo(upload.read(), finding=finding, actor=current_user, now=now_utc(),
                                   is_resolution=is_resolution)


def _photo_error(field, exc: PhotoError) -> None:
    field.errors = [*field.errors, exc.message,
                    _("Rien n'a été enregistré. Les photos ne peuvent pas être conservées : sélectionnez-les à "
                      "nouveau.")]


def _show_error(form, exc: DomainError) -> None:
    """A refused photo goes under the photo field with a word on what was lost; other refusals as usual."""
    if isinstance(exc, PhotoError):
        _photo_error(form.photos if "photos" in form else form.photo, exc)
    else:
        show_domain_error(form, exc)


# --- logging a finding ---------------------------------------------------------------------------

def _logging_choices(form, agreement: Agreement, walk: Walkthrough | None) -> None:
    form.theme_id.choices = [("", _("— Choisir —"))] + agreement_queries.theme_choices()
    form.territory_id.choices = [("", _("— Non précisé —"))] + queries.territory_choices(agreement)
    if walk is not None:
        form.stop_id.choices = [("", _("— Hors halte —"))] + [(s.id, f"{s.position}. {s.name}") for s in walk.stops]
    else:
        del form.stop_id
    if "responsible_organisation_id" in form:
        form.responsible_organisation_id.choices = [("", _("— Organisme proposé par la table d'orientation —"))] \
            + party_organisation_choices(agreement)


def _suggestion(agreement: Agreement, form) -> Organisation | None:
    """The routing table's suggestion for what the form says (land ownership, theme, place)."""
    try:
        ownership = LandOwnership(form.land_ownership.data) if form.land_ownership.data else None
    except ValueError:
        return None
    theme = db.session.get(Theme, form.theme_id.data) if isinstance(form.theme_id.data, int) else None
    place = db.session.get(Territory, form.territory_id.data) if isinstance(form.territory_id.data, int) else None
    return services.suggest_responsible(agreement, land_ownership=ownership, theme=theme, territory=place)


def _finding_fields(form, walk: Walkthrough | None) -> dict:
    fields = {
        "kind": FindingKind(form.kind.data), "theme": db.session.get(Theme, form.theme_id.data),
        "description": form.description.data, "resident_quote": form.resident_quote.data or None,
        "address": form.address.data or None, "latitude": form.latitude.value, "longitude": form.longitude.value,
        "territory": db.session.get(Territory, form.territory_id.data) if form.territory_id.data else None,
        "land_ownership": LandOwnership(form.land_ownership.data) if form.land_ownership.data else None,
        "priority": Priority(form.priority.data),
    }
    if walk is not None and "stop_id" in form:
        fields["stop"] = db.session.get(RouteStop, form.stop_id.data) if form.stop_id.data else None
    return fields


def _log(agreement: Agreement, walk: Walkthrough | None):
    authorize(current_user, "log_finding", walk if walk is not None else agreement)
    form = FindingForm()
    if not can(current_user, "manage", agreement):  # routing is the coordination's call
        del form.responsible_organisation_id
        del form.reason
    _logging_choices(form, agreement, walk)
    if request.method == "GET" and walk is not None:
        stop_id = request.args.get("stop_id", type=int)
        form.stop_id.data = stop_id if any(s.id == stop_id for s in walk.stops) else None
        form.territory_id.data = walk.neighbourhood_id
    suggestion = _suggestion(agreement, form) if request.method == "POST" else None
    form.suggested_id = suggestion.id if suggestion else None
    return handle_form(form, lambda: _create(form, agreement, walk), success=_created_message,
                       redirect_to=lambda finding: _after_create(finding, agreement, walk), on_error=_show_error) \
        or render_form("findings/form.html", form, agreement=agreement, walk=walk, suggestion=suggestion,
                       draft_key=request.path, draft_clear=session.pop(DRAFT_KEY, None))


def _create(form, agreement: Agreement, walk: Walkthrough | None) -> Finding:
    chosen = form.responsible_organisation_id.data if "responsible_organisation_id" in form else None
    finding = services.create_finding(
        agreement, actor=current_user, now=now_utc(), walkthrough=walk,
        responsible_organisation=db.session.get(Organisation, chosen) if chosen else None,
        routing_reason=form.reason.data if "reason" in form else None, **_finding_fields(form, walk))
    _store_photos(form.photos.data or [], finding=finding)
    return finding


def _created_message(finding: Finding) -> str:
    who = finding.responsible_organisation
    return _("Constat n° %(id)s enregistré et transmis à %(org)s.", id=finding.id, org=who.name) if who \
        else _("Constat n° %(id)s enregistré.", id=finding.id)


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

def _targets(finding: Finding) -> list[FindingStatus]:
    """Statuses this finding may move to by a status change (sending goes through routing)."""
    return [t for t in FindingStatus if t in FINDING_NEXT[finding.status] and t is not FindingStatus.SENT]


def _render_detail(finding: Finding, *, code: int = 200, **forms):
    user = current_user
    moves = [t for t in _targets(finding) if can(user, "move", finding, target=t)]
    route_form = forms.get("route_form") or RouteForm(formdata=None,
                                                      organisation_id=finding.responsible_organisation_id)
    route_form.organisation_id.choices = [("", _("— Choisir —"))] + party_organisation_choices(finding.agreement)
    status_form = forms.get("status_form") or StatusForm(formdata=None)
    status_form.set_targets(moves)
    action_form = forms.get("action_form") or ActionForm(formdata=None, title=finding.description[:200],
                                                         due_on=finding.due_on)
    can_manage = can(user, "manage", finding)
    return render_template(
        "findings/detail.html", finding=finding, today=local_today(), moves=moves,
        route_form=route_form, status_form=status_form,
        photos_form=forms.get("photos_form") or PhotosForm(formdata=None),
        action_form=action_form, can_manage=can_manage, can_respond=can(user, "respond", finding),
        suggestion=services.suggest_responsible(finding.agreement, land_ownership=finding.land_ownership,
                                                theme=finding.theme, territory=finding.territory)
        if can_manage else None,
        status_history=status_history(finding), history=history_of(finding),
        statuses={s.value: s.label for s in FindingStatus},
        action_url=_action_url, draft_clear=session.pop(DRAFT_KEY, None),
        sections=sections(finding_page, finding, user=user)), code


def _action_url(action) -> str | None:
    """Link to an action's page (written by the actions feature), if it is there."""
    if "actions.detail" in current_app.view_functions:
        return url_for("actions.detail", action_id=action.id)
    return None


@bp.route("/findings/<int:finding_id>")
@login_required
def detail(finding_id: int):
    finding = queries.finding_or_404(finding_id)
    authorize(current_user, "view", finding)
    return _render_detail(finding)


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
        or _render_detail(queries.finding_or_404(finding_id), code=422, route_form=form)


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
    form.set_targets(_targets(finding))
    return handle_form(form, lambda: _change_status(finding, form),
                       success=lambda _f: _("Statut du constat : %(s)s.", s=finding.status.label),
                       redirect_to=url_for("findings.detail", finding_id=finding.id), on_error=_show_error) \
        or _render_detail(queries.finding_or_404(finding_id), code=422, status_form=form)


def _change_status(finding: Finding, form: StatusForm) -> None:
    target = FindingStatus(form.status.data)
    if not can(current_user, "move", finding, target=target):
        raise NotAllowed("move", finding)
    services.change_finding_status(finding, to=target, note=form.note.data, actor=current_user, now=now_utc())
    if form.photo.data and target is FindingStatus.RESOLVED:
        _store_photos([form.photo.data], finding=finding, is_resolution=True)


@bp.route("/findings/<int:finding_id>/photos", methods=["POST"])
@login_required
def add_photos(finding_id: int):
    finding = queries.finding_or_404(finding_id)
    authorize(current_user, "respond", finding)
    form = PhotosForm()
    return handle_form(form, lambda: _store_photos(form.photos.data, finding=finding),
                       success=lambda _r: _("%(n)s photo(s) ajoutée(s).", n=len(form.photos.data)),
                       redirect_to=url_for("findings.detail", finding_id=finding.id), on_error=_show_error) \
        or _render_detail(queries.finding_or_404(finding_id), code=422, photos_form=form)


@bp.route("/findings/<int:finding_id>/action", methods=["POST"])
@login_required
def to_action(finding_id: int):
    finding = queries.finding_or_404(finding_id)
    authorize(current_user, "respond", finding)
    form = ActionForm()
    return handle_form(form, lambda: services.action_from_finding(
        finding, title=form.title.data, due_on=form.due_on.data, actor=current_user, now=now_utc()),
        success=lambda action: _("Action n° %(id)s créée à partir du constat.", id=action.id),
        redirect_to=lambda action: _action_url(action) or url_for("findings.detail", finding_id=finding.id)) \
        or _render_detail(queries.finding_or_404(finding_id), code=422, action_form=form)


@bp.route("/findings/<int:finding_id>/edit", methods=["GET", "POST"])
@login_required
def edit(finding_id: int):
    finding = queries.finding_or_404(finding_id)
    authorize(current_user, "manage", finding)
    form = FindingEditForm(obj=finding if request.method == "GET" else None)
    _logging_choices(form, finding.agreement, finding.walkthrough)
    if request.method == "GET":
        form.kind.data, form.priority.data = finding.kind.value, finding.priority.value
        form.land_ownership.data = finding.land_ownership.value if finding.land_ownership else ""
    return handle_form(form, lambda: services.update_finding(finding, actor=current_user, due_on=form.due_on.data,
                                                             **_finding_fields(form, finding.walkthrough)),
                       success=_("Constat enregistré."), redirect_to=url_for("findings.detail",
                                                                             finding_id=finding.id)) \
        or render_form("findings/edit.html", form, finding=finding)


# --- list and CSV --------------------------------------------------------------------------------

def _filtered():
    """The filter form of the list and the export, and the select() it describes."""
    filters = FindingFilterForm(request.args)
    filters.agreement_id.choices = [("", _("Toutes"))] + agreement_queries.agreement_choices(current_user)
    filters.neighbourhood_id.choices = [("", _("Tous"))] + neighbourhood_choices()
    filters.theme_id.choices = [("", _("Toutes"))] + agreement_queries.theme_choices(include_inactive=True)
    filters.organisation_id.choices = [("", _("Tous"))] + organisation_choices()
    ids = {name: getattr(filters, name).data for name in ("agreement_id", "neighbourhood_id", "theme_id",
                                                          "organisation_id")}
    stmt = queries.findings_stmt(
        current_user, today=local_today(), **{k: v for k, v in ids.items() if isinstance(v, int)},
        walkthrough_id=request.args.get("walkthrough_id", type=int),
        status=filters.status.data if filters.status.data in {s.value for s in FindingStatus} else None,
        priority=filters.priority.data if filters.priority.data in {p.value for p in Priority} else None,
        overdue={"1": True, "0": False}.get(filters.overdue.data or ""), recurring=filters.recurring.data == "1")
    return filters, stmt


@bp.route("/findings")
@login_required
def index():
    filters, stmt = _filtered()
    page = queries.paginate(stmt, page=request.args.get("page", 1, type=int) or 1,
                            per_page=current_app.config["PAGE_SIZE"])
    return render_template("findings/index.html", page=page, filters=filters, today=local_today(),
                           neighbourhoods=queries.neighbourhoods_for(page.items),
                           loggable=agreements_where(current_user, "log_finding"),
                           export_url=url_for("findings.export", **request.args.to_dict()))


@bp.route("/findings.csv")
@login_required
def export():
    _filters, stmt = _filtered()
    items = list(db.session.scalars(stmt).unique())
    text = csv_export.findings_csv(items, today=local_today(), neighbourhoods=queries.neighbourhoods_for(items))
    name = f"constats-{local_today():%Y-%m-%d}.csv"
    return Response(text.encode("utf-8"), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{name}"',
                             "Content-Type": "text/csv; charset=utf-8"})


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
