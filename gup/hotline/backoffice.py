"""Back office of the hotline: triage queue, report page and its actions, phone intake, settings, erasure."""

from __future__ import annotations

import json
from typing import Any

from flask import Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from gup.actions.models import Action
from gup.agreements.models import Theme
from gup.api_fields import MAX_ID
from gup.audit.services import history_of, status_history
from gup.db import now_utc
from gup.errors import DomainError, InvalidTransition
from gup.extensions import db
from gup.forms_common import show_domain_error
from gup.hotline import bp, queries, services
from gup.hotline.backoffice_forms import (
    ActionLinkForm,
    CategoryForm,
    CategoryRouteForm,
    ErasureForm,
    ErasureSearchForm,
    MergeForm,
    PhoneIntakeForm,
    QualifyForm,
    QueueFilterForm,
    ReopenForm,
    RouteForm,
    StatusForm,
    TemplateForm,
)
from gup.hotline.models import (
    REPORT_NEXT,
    CategoryRoute,
    Channel,
    ReportCategory,
    ReportStatus,
    ResidentReport,
    ResponseTemplate,
)
from gup.i18n import local_today
from gup.organisations.models import Organisation
from gup.organisations.queries import organisation_choices
from gup.pagination import page_arg
from gup.policy import authorize, can
from gup.rest import MAX_PAGE
from gup.territory.models import Territory
from gup.territory.queries import distance_m, neighbourhood_choices

#: answers of the organisation in charge; every other move is triage (the coordination)
RESPOND_TARGETS = (ReportStatus.IN_PROGRESS, ReportStatus.RESOLVED)
#: moves offered by the status forms (qualify, route, merge and reopen have their own forms)
STATUS_TARGETS = (ReportStatus.IN_PROGRESS, ReportStatus.RESOLVED, ReportStatus.NOT_OUR_REMIT,
                  ReportStatus.REJECTED)


def _prefill(report: ResidentReport, status: ReportStatus, *keep: str) -> str:
    """The response template for status, placeholders filled except `keep` (filled once the operator chose)."""
    text = services.template_text(report.category, status)
    for name in keep:
        text = text.replace("{" + name + "}", "{{" + name + "}}")
    return services.render_text(text, report)


def _fill(text: str, **values: str) -> str:
    for name, value in values.items():
        text = text.replace("{" + name + "}", value)
    return text


def _status_targets(report: ResidentReport) -> list[ReportStatus]:
    allowed = REPORT_NEXT[report.status]
    targets = [t for t in STATUS_TARGETS if t in allowed]
    if not can(current_user, "triage", report):
        targets = [t for t in targets if t in RESPOND_TARGETS]
    return targets


def _forms(report: ResidentReport, **given: Any) -> dict[str, Any]:
    """Every action form of the report page, pre-filled with the response template of its target status."""
    forms: dict[str, Any] = {}
    if can(current_user, "triage", report):
        forms["qualify"] = given.get("qualify") or QualifyForm(
            prefix="q", formdata=None, category_id=report.category_id,
            public_text=_prefill(report, ReportStatus.QUALIFIED))
        forms["route"] = given.get("route") or RouteForm(
            prefix="r", formdata=None, organisation_id=report.responsible_organisation_id,
            public_text=_prefill(report, ReportStatus.SENT, "organisation"))
        forms["merge"] = given.get("merge") or MergeForm(
            prefix="m", formdata=None, public_text=_prefill(report, ReportStatus.DUPLICATE, "duplicate_of"))
        forms["reopen"] = given.get("reopen") or ReopenForm(
            prefix="o", formdata=None, public_text=_("Le signalement a été rouvert."))
        forms["attach"] = given.get("attach") or ActionLinkForm(prefix="a", formdata=None)
        forms["qualify"].category_id.choices = queries.category_choices()
        forms["route"].organisation_id.choices = [("", _("— Choisir —"))] + organisation_choices()
        forms["attach"].action_id.choices = [("", _("— Choisir —"))] + queries.action_choices(report)
    status_forms = {}
    for target in _status_targets(report):
        form = given.get(f"status-{target.value}") or StatusForm(
            prefix=target.value, formdata=None, public_text=_prefill(report, target))
        status_forms[target] = form
    forms["status"] = status_forms
    return forms


def _render_detail(report: ResidentReport, code: int = 200, **given: Any):
    now = now_utc()
    candidates = []
    if can(current_user, "triage", report) and not report.is_closed:
        found = services.duplicate_candidates(report, now=now)
        counts = queries.photo_counts([c.id for c in found])
        for other in found:
            distance = None
            if None not in (report.latitude, report.longitude, other.latitude, other.longitude):
                distance = round(distance_m(report.latitude, report.longitude, other.latitude, other.longitude))
            candidates.append({"report": other, "distance": distance, "photos": counts.get(other.id, 0)})
    forms = _forms(report, **given)
    if "merge" in forms:
        forms["merge"].into_id.choices = [("", _("— Choisir —"))] + [
            (c["report"].id, f"{c['report'].reference} — {c['report'].description[:60]}") for c in candidates]
    return render_template(
        "hotline/backoffice/detail.html", report=report, forms=forms, candidates=candidates,
        today=local_today(now), can_triage=can(current_user, "triage", report),
        can_respond=can(current_user, "respond", report), show_contact=can(current_user, "view_contact", report),
        photos=[p for p in report.photos if can(current_user, "view", p)],
        statuses=status_history(report), history=history_of(report),
        status_labels={s.value: s.label for s in ReportStatus},
        overdue=report.is_overdue(local_today(now))), code


def _done(report: ResidentReport, message: str):
    db.session.commit()
    flash(message, "success")
    return redirect(url_for("hotline.report_detail", report_id=report.id))


def _failed(report: ResidentReport, key: str, form: Any, exc: DomainError | None = None):
    db.session.rollback()
    if exc is not None:
        show_domain_error(form, exc)
    report = queries.report_or_404(report.id)
    return _render_detail(report, 422, **{key: form})


def _id(value: int | None) -> int | None:
    """An id typed in a form or a URL that no row can have (beyond 32 bits) names nothing."""
    return value if isinstance(value, int) and 0 < value <= MAX_ID else None


# --- queue and page ------------------------------------------------------------------------------

@bp.route("/signalements")
@login_required
def reports_index():
    filters = QueueFilterForm(request.args)
    filters.category_id.choices = [("", _("Toutes"))] + queries.category_choices()
    filters.neighbourhood_id.choices = [("", _("Tous"))] + neighbourhood_choices()
    filters.organisation_id.choices = [("", _("Tous"))] + organisation_choices(include_inactive=True)
    filters.validate()
    today = local_today()
    status = filters.status.data if filters.status.data in {s.value for s in ReportStatus} else None
    channel = filters.channel.data if filters.channel.data in {c.value for c in Channel} else None
    overdue = {"1": True, "0": False}.get(filters.overdue.data)
    page = queries.queue_page(current_user, today=today, page=min(page_arg(), MAX_PAGE), status=status,
                              category_id=_id(filters.category_id.data), channel=channel,
                              neighbourhood_id=_id(filters.neighbourhood_id.data),
                              organisation_id=_id(filters.organisation_id.data), overdue=overdue,
                              reference=None if filters.reference.errors else filters.reference.data)
    ages = {r.id: (today - r.created_at.date()).days for r in page.items}
    return render_template("hotline/backoffice/index.html", page=page, filters=filters, today=today, ages=ages,
                           now=now_utc(), can_take_call=can(current_user, "take_call", ResidentReport()),
                           can_settings=can(current_user, "view", ReportCategory()))


@bp.route("/signalements/<int:report_id>")
@login_required
def report_detail(report_id: int):
    report = queries.report_or_404(report_id)
    authorize(current_user, "view", report)
    return _render_detail(report)


@bp.route("/signalements/<int:report_id>/qualifier", methods=["POST"])
@login_required
def report_qualify(report_id: int):
    report = queries.report_or_404(report_id)
    authorize(current_user, "triage", report)
    form = QualifyForm(prefix="q")
    form.category_id.choices = queries.category_choices()
    if not form.validate():
        return _failed(report, "qualify", form)
    try:
        services.requalify(report, category=db.session.get(ReportCategory, form.category_id.data),
                           actor=current_user, now=now_utc(), public_text=form.public_text.data)
    except DomainError as exc:
        return _failed(report, "qualify", form, exc)
    return _done(report, _("Signalement qualifié."))


@bp.route("/signalements/<int:report_id>/orienter", methods=["POST"])
@login_required
def report_route(report_id: int):
    report = queries.report_or_404(report_id)
    authorize(current_user, "triage", report)
    form = RouteForm(prefix="r")
    form.organisation_id.choices = organisation_choices()
    if not form.validate():
        return _failed(report, "route", form)
    organisation = db.session.get(Organisation, form.organisation_id.data)
    try:
        services.route_report(report, to=organisation, actor=current_user, now=now_utc(),
                              public_text=_fill(form.public_text.data, organisation=organisation.name))
    except (DomainError, InvalidTransition) as exc:
        return _failed(report, "route", form, _as_domain(exc, "organisation_id"))
    return _done(report, _("Signalement transmis à %(name)s.", name=organisation.name))


def _as_domain(exc: Exception, field: str) -> DomainError:
    if isinstance(exc, DomainError):
        return exc
    return DomainError(_("Ce changement de statut n'est pas possible depuis le statut actuel."), field=field)


@bp.route("/signalements/<int:report_id>/fusionner", methods=["POST"])
@login_required
def report_merge(report_id: int):
    report = queries.report_or_404(report_id)
    authorize(current_user, "triage", report)
    form = MergeForm(prefix="m")
    if not form.validate():
        return _failed(report, "merge", form)
    into = db.session.get(ResidentReport, form.into_id.data) if _id(form.into_id.data) else \
        queries.report_by_reference(form.into_reference.data or "")
    if into is None or not can(current_user, "view", into):
        form.into_reference.errors.append(_("Choisissez un signalement proposé ou saisissez une référence existante."))
        return _failed(report, "merge", form)
    try:
        services.merge(report, into=into, actor=current_user, now=now_utc(),
                       public_text=_fill(form.public_text.data, duplicate_of=into.reference))
    except (DomainError, InvalidTransition) as exc:
        return _failed(report, "merge", form, _as_domain(exc, "into_reference"))
    return _done(report, _("Signalement fusionné avec %(ref)s.", ref=into.reference))


@bp.route("/signalements/<int:report_id>/statut", methods=["POST"])
@login_required
def report_status(report_id: int):
    report = queries.report_or_404(report_id)
    authorize(current_user, "respond", report)
    try:
        target = ReportStatus(request.form.get("status", ""))
    except ValueError:
        target = None
    if target is None or target not in STATUS_TARGETS:
        flash(_("Choisissez un statut proposé."), "error")
        return _render_detail(report, 422)
    if target not in RESPOND_TARGETS:
        authorize(current_user, "triage", report)
    form = StatusForm(prefix=target.value)
    if not form.validate():
        return _failed(report, f"status-{target.value}", form)
    try:
        services.change_status(report, to=target, actor=current_user, now=now_utc(),
                               public_text=form.public_text.data, referral=form.referral.data)
    except (DomainError, InvalidTransition) as exc:
        return _failed(report, f"status-{target.value}", form, _as_domain(exc, "public_text"))
    return _done(report, _("Statut du signalement : %(status)s.", status=target.label))


@bp.route("/signalements/<int:report_id>/rouvrir", methods=["POST"])
@login_required
def report_reopen(report_id: int):
    report = queries.report_or_404(report_id)
    authorize(current_user, "triage", report)
    form = ReopenForm(prefix="o")
    if not form.validate():
        return _failed(report, "reopen", form)
    try:
        services.reopen(report, actor=current_user, now=now_utc(), public_text=form.public_text.data)
    except (DomainError, InvalidTransition) as exc:
        return _failed(report, "reopen", form, _as_domain(exc, "public_text"))
    return _done(report, _("Signalement rouvert."))


@bp.route("/signalements/<int:report_id>/constat", methods=["POST"])
@login_required
def report_convert(report_id: int):
    report = queries.report_or_404(report_id)
    authorize(current_user, "triage", report)
    try:
        finding = services.convert_to_finding(report, actor=current_user, now=now_utc())
    except DomainError as exc:
        db.session.rollback()
        flash(exc.message, "error")
        return _render_detail(queries.report_or_404(report_id), 422)
    return _done(report, _("Constat n° %(id)s créé à partir du signalement.", id=finding.id))


@bp.route("/signalements/<int:report_id>/action", methods=["POST"])
@login_required
def report_attach(report_id: int):
    report = queries.report_or_404(report_id)
    authorize(current_user, "triage", report)
    form = ActionLinkForm(prefix="a")
    form.action_id.choices = queries.action_choices(report)
    if not form.validate():
        return _failed(report, "attach", form)
    try:
        services.attach_to_action(report, action=db.session.get(Action, form.action_id.data), actor=current_user,
                                  now=now_utc())
    except DomainError as exc:
        return _failed(report, "attach", form, exc)
    return _done(report, _("Signalement rattaché à l'action."))


# --- phone intake --------------------------------------------------------------------------------

@bp.route("/signalements/appel", methods=["GET", "POST"])
@login_required
def phone_intake():
    authorize(current_user, "take_call", ResidentReport())
    form = PhoneIntakeForm()
    form.category_id.choices = [("", _("— Choisir —"))] + queries.category_choices()
    form.neighbourhood_id.choices = [("", _("— Non précisé —"))] + neighbourhood_choices()
    if form.validate_on_submit():
        neighbourhood = db.session.get(Territory, form.neighbourhood_id.data) if form.neighbourhood_id.data else None
        try:
            report = services.submit_report(
                channel=Channel.PHONE, category=db.session.get(ReportCategory, form.category_id.data),
                description=form.description.data, actor=current_user, now=now_utc(), address=form.address.data,
                neighbourhood=neighbourhood, territory=neighbourhood, contact_name=form.contact_name.data,
                contact_email=form.contact_email.data, contact_phone=form.contact_phone.data,
                contact_consent=form.contact_consent.data, callback_preference=form.callback_preference.data)
        except DomainError as exc:
            db.session.rollback()
            show_domain_error(form, exc)
        else:
            db.session.commit()
            flash(_("Signalement %(ref)s enregistré : lisez cette référence à l'appelant.", ref=report.reference),
                  "success")
            return redirect(url_for("hotline.phone_done", report_id=report.id))
    return render_template("hotline/backoffice/phone.html", form=form), 422 if form.errors else 200


@bp.route("/signalements/appel/<int:report_id>")
@login_required
def phone_done(report_id: int):
    report = queries.report_or_404(report_id)
    authorize(current_user, "view", report)
    return render_template("hotline/backoffice/phone_done.html", report=report)


# --- settings: response templates and categories -------------------------------------------------

@bp.route("/signalements/modeles")
@login_required
def templates_index():
    authorize(current_user, "view", ResponseTemplate())
    return render_template("hotline/backoffice/templates.html", templates=queries.templates(),
                           defaults=services.DEFAULT_TEXTS, can_edit=can(current_user, "update", ResponseTemplate()))


def _template_form(template: ResponseTemplate | None) -> TemplateForm:
    form = TemplateForm(obj=template)
    form.category_id.choices = [("", _("Toutes les catégories"))] + queries.category_choices()
    return form


@bp.route("/signalements/modeles/nouveau", methods=["GET", "POST"], defaults={"template_id": None})
@bp.route("/signalements/modeles/<int:template_id>", methods=["GET", "POST"])
@login_required
def template_edit(template_id: int | None):
    template = queries.template_or_404(template_id) if template_id else None
    authorize(current_user, "update" if template else "create", template or ResponseTemplate())
    form = _template_form(template)
    if request.method == "GET" and template is None:
        status = request.args.get("status")
        if status in {s.value for s in ReportStatus}:
            form.status.data = status
            form.text.data = services.DEFAULT_TEXTS[ReportStatus(status)]
    if form.validate_on_submit():
        category = db.session.get(ReportCategory, form.category_id.data) if form.category_id.data else None
        try:
            services.save_response_template(template, category=category, status=ReportStatus(form.status.data),
                                            text=form.text.data, actor=current_user)
        except DomainError as exc:
            db.session.rollback()
            show_domain_error(form, exc)
        else:
            db.session.commit()
            flash(_("Modèle de réponse enregistré."), "success")
            return redirect(url_for("hotline.templates_index"))
    return render_template("hotline/backoffice/template_form.html", form=form, template=template), \
        422 if form.errors else 200


@bp.route("/signalements/categories")
@login_required
def categories_index():
    authorize(current_user, "view", ReportCategory())
    return render_template("hotline/backoffice/categories.html", categories=queries.categories(),
                           can_edit=can(current_user, "update", ReportCategory()))


def _category_form(category: ReportCategory | None) -> CategoryForm:
    form = CategoryForm(obj=category)
    if request.method == "GET":
        form.attributes.data = json.dumps(category.attributes, ensure_ascii=False, indent=2) \
            if category and category.attributes else ""
        if category is None:
            form.first_answer_days.data, form.resolution_days.data, form.is_published.data = 2, 30, True
    form.theme_id.choices = [("", _("— Choisir —"))] + [
        (t.id, t.label) for t in db.session.scalars(db.select(Theme).order_by(Theme.label))]
    form.default_organisation_id.choices = [("", _("— Aucun —"))] + organisation_choices()
    return form


@bp.route("/signalements/categories/nouvelle", methods=["GET", "POST"], defaults={"category_id": None})
@bp.route("/signalements/categories/<int:category_id>", methods=["GET", "POST"])
@login_required
def category_edit(category_id: int | None):
    category = queries.category_or_404(category_id) if category_id else None
    authorize(current_user, "update" if category else "create", category or ReportCategory())
    form = _category_form(category)
    if form.validate_on_submit():
        try:
            category = services.save_category(
                category, actor=current_user, code=form.code.data, label=form.label.data,
                description=form.description.data or None, theme=db.session.get(Theme, form.theme_id.data),
                default_organisation=db.session.get(Organisation, form.default_organisation_id.data)
                if form.default_organisation_id.data else None,
                first_answer_days=form.first_answer_days.data, resolution_days=form.resolution_days.data,
                is_published=form.is_published.data, attributes=form.parsed_attributes)
        except DomainError as exc:
            db.session.rollback()
            show_domain_error(form, exc)
        else:
            db.session.commit()
            flash(_("Catégorie enregistrée."), "success")
            return redirect(url_for("hotline.category_edit", category_id=category.id))
    route_form = CategoryRouteForm(formdata=None)
    _route_choices(route_form)
    return render_template("hotline/backoffice/category_form.html", form=form, category=category,
                           route_form=route_form), 422 if form.errors else 200


def _route_choices(form: CategoryRouteForm) -> None:
    form.neighbourhood_id.choices = [("", _("— Choisir —"))] + neighbourhood_choices()
    form.organisation_id.choices = [("", _("— Choisir —"))] + organisation_choices()


@bp.route("/signalements/categories/<int:category_id>/orientations", methods=["POST"])
@login_required
def category_route_add(category_id: int):
    category = queries.category_or_404(category_id)
    authorize(current_user, "update", category)
    form = CategoryRouteForm()
    _route_choices(form)
    if form.validate():
        services.set_category_route(category, neighbourhood=db.session.get(Territory, form.neighbourhood_id.data),
                                    organisation=db.session.get(Organisation, form.organisation_id.data),
                                    actor=current_user)
        db.session.commit()
        flash(_("Orientation enregistrée."), "success")
    else:
        flash(_("Choisissez un quartier et un organisme."), "error")
    return redirect(url_for("hotline.category_edit", category_id=category.id))


@bp.route("/signalements/categories/<int:category_id>/orientations/<int:route_id>/supprimer", methods=["POST"])
@login_required
def category_route_delete(category_id: int, route_id: int):
    category = queries.category_or_404(category_id)
    authorize(current_user, "update", category)
    route = db.session.get(CategoryRoute, route_id)
    if route is not None and route.category_id == category.id:
        services.delete_category_route(route, actor=current_user)
        db.session.commit()
        flash(_("Orientation supprimée."), "success")
    return redirect(url_for("hotline.category_edit", category_id=category.id))


# --- privacy: on-request export and erasure ------------------------------------------------------

def _authorize_privacy() -> None:
    """Only administrators handle reporters' data requests (export, then erasure)."""
    authorize(current_user, "erase_contact", ResidentReport)


@bp.route("/signalements/donnees-personnelles")
@login_required
def privacy_index():
    _authorize_privacy()
    form = ErasureSearchForm(request.args)
    searched = "email" in request.args and form.validate()
    reports = queries.reports_with_contact(form.email.data) if searched else []
    return render_template("hotline/backoffice/privacy.html", form=form, reports=reports, searched=searched,
                           erase_form=ErasureForm(formdata=None, email=form.email.data)), \
        422 if form.errors else 200


@bp.route("/signalements/donnees-personnelles/export")
@login_required
def privacy_export():
    _authorize_privacy()
    form = ErasureSearchForm(request.args)
    if not form.validate():
        flash(_("Adresse électronique invalide."), "error")
        return redirect(url_for("hotline.privacy_index"))
    data = services.export_contact_data(form.email.data)
    body = json.dumps(data, ensure_ascii=False, indent=2, default=str)
    return Response(body, mimetype="application/json",
                    headers={"Content-Disposition": 'attachment; filename="donnees-signalements.json"'})


@bp.route("/signalements/donnees-personnelles/effacer", methods=["POST"])
@login_required
def privacy_erase():
    _authorize_privacy()
    form = ErasureForm()
    if not form.validate():
        flash(_("Adresse électronique invalide."), "error")
        return redirect(url_for("hotline.privacy_index"))
    count = services.erase_contact_for_email(form.email.data, actor=current_user, now=now_utc())
    db.session.commit()
    flash(_("Coordonnées effacées de %(n)s signalement(s).", n=count if isinstance(count, int) else len(count)),
          "success")
    return redirect(url_for("hotline.privacy_index", email=form.email.data))


# --- a walk-through finding becomes a report (channel « constat de diagnostic ») -----------------

@bp.route("/findings/<int:finding_id>/signalement", methods=["POST"])
@login_required
def report_from_finding(finding_id: int):
    from gup.findings.queries import finding_or_404

    finding = finding_or_404(finding_id)
    authorize(current_user, "manage", finding)
    category = db.session.get(ReportCategory, request.form.get("category_id", type=int) or 0)
    if category is None:
        flash(_("Choisissez une catégorie de signalement."), "error")
        return redirect(url_for("findings.detail", finding_id=finding.id))
    try:
        report = services.report_from_finding(finding, category=category, actor=current_user, now=now_utc())
    except DomainError as exc:
        db.session.rollback()
        flash(exc.message, "error")
        return redirect(url_for("findings.detail", finding_id=finding.id))
    db.session.commit()
    flash(_("Signalement %(reference)s ouvert à partir du constat.", reference=report.reference), "success")
    return redirect(url_for("hotline.report_detail", report_id=report.id))
