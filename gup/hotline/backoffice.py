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
from gup.audit.readable import readable_history, status_timeline
from gup.csv_file import csv_response, export_args
from gup.extensions import db
from gup.forms_common import flash_error, handle_form, render_form
from gup.hotline import bp, disclosure, queries, services
from gup.hotline.forms import (
    ActionLinkForm,
    CategoryForm,
    CategoryRouteForm,
    DisclosureForm,
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
    CategoryRoute,
    Channel,
    ReportCategory,
    ReportStatus,
    ResidentReport,
    ResponseTemplate,
)
from gup.hotline.report_page import RESPOND_TARGETS, STATUS_TARGETS, detail_context, fill
from gup.hotline.signals import report_page
from gup.i18n import local_today
from gup.inputs import id_or_none
from gup.organisations.models import Organisation
from gup.organisations.queries import organisation_choices
from gup.orm import now_utc
from gup.pages import sections
from gup.pagination import page_arg
from gup.policy import authorize, can
from gup.rest import MAX_PAGE
from gup.territory.models import Territory
from gup.territory.queries import housing_provider_of, neighbourhood_choices


def _render_detail(report: ResidentReport, code: int = 200, **given: Any):
    now = now_utc()
    return render_template(
        "hotline/backoffice/detail.html", report=report, **detail_context(current_user, report, now=now, **given),
        today=local_today(now), can_triage=can(current_user, "triage", report),
        can_respond=can(current_user, "respond", report), show_contact=can(current_user, "view_contact", report),
        photos=[p for p in report.photos if can(current_user, "view", p)],
        statuses=status_timeline(report), history=readable_history(report),
        overdue=report.is_overdue(local_today(now)), place_provider=housing_provider_of(report.territory),
        sections=sections(report_page, report, user=current_user)), code


def _save(report: ResidentReport, key: str, form: Any, call, success) -> Any:
    """One triage action: the helper's commit, flash and redirect to the report, or its page again with the
    submitted form (422)."""
    return handle_form(form, call, success=success, redirect_to=url_for("hotline.detail", report_id=report.id)) \
        or _failed(report, key, form)


def _failed(report: ResidentReport, key: str, form: Any):
    db.session.rollback()
    return _render_detail(queries.report_or_404(report.id), 422, **{key: form})


def _id(value: int | None) -> int | None:
    """An id typed in a form or a URL that no row can have (beyond 32 bits) names nothing."""
    return value if isinstance(value, int) and 0 < value <= MAX_ID else None


# --- queue and page ------------------------------------------------------------------------------

def _queue_filters() -> tuple[QueueFilterForm, dict[str, Any]]:
    """The queue's filter form and the query arguments it gives: open reports unless a status or « Tous » is
    chosen (unknown values are ignored)."""
    filters = QueueFilterForm(request.args)
    filters.category_id.choices = [("", _("Toutes"))] + queries.category_choices()
    filters.neighbourhood_id.choices = [("", _("Tous"))] + neighbourhood_choices()
    filters.organisation_id.choices = [("", _("Tous"))] + organisation_choices(include_inactive=True)
    filters.validate()
    status = filters.status.data if filters.status.data in {s.value for s in ReportStatus} else \
        None if filters.status.data == queries.ALL else queries.OPEN
    channel = filters.channel.data if filters.channel.data in {c.value for c in Channel} else None
    overdue = {"1": True, "0": False}.get(filters.overdue.data)
    return filters, {"status": status, "category_id": _id(filters.category_id.data), "channel": channel,
                     "neighbourhood_id": _id(filters.neighbourhood_id.data),
                     "organisation_id": _id(filters.organisation_id.data), "overdue": overdue,
                     "reference": None if filters.reference.errors else filters.reference.data,
                     "q": filters.q.data if isinstance(filters.q.data, str) else None}


def _duplicates(reports: list[ResidentReport], now: Any) -> dict[int, int]:
    """Possible duplicates of the reports the user triages (one query for the page)."""
    return services.duplicate_counts([r for r in reports if can(current_user, "triage", r)], now=now)


@bp.route("/signalements")
@login_required
def index():
    filters, args = _queue_filters()
    now = now_utc()
    today = local_today(now)
    page = queries.queue_page(current_user, today=today, page=min(page_arg(), MAX_PAGE), **args)
    ages = {r.id: (today - r.created_at.date()).days for r in page.items}
    return render_template("hotline/backoffice/index.html", page=page, filters=filters, today=today, ages=ages,
                           now=now, can_take_call=can(current_user, "take_call", ResidentReport()),
                           duplicates=_duplicates(page.items, now),
                           export_url=url_for("hotline.export", **export_args(request.args)),
                           can_settings=can(current_user, "view", ReportCategory()))


@bp.route("/signalements.csv")
@login_required
def export():
    """The queue as CSV, with its filters, through the same policy: constant queries whatever the row count."""
    _form, args = _queue_filters()
    now = now_utc()
    today = local_today(now)
    reports = list(db.session.scalars(queries.queue_stmt(current_user, today=today, **args)).unique())
    return csv_response(queries.csv_headers(),
                        queries.csv_rows(reports, today=today, duplicates=_duplicates(reports, now)),
                        filename=f"signalements-{today:%Y-%m-%d}.csv")


@bp.route("/signalements/<int:report_id>")
@login_required
def detail(report_id: int):
    report = queries.report_or_404(report_id)
    authorize(current_user, "view", report)
    return _render_detail(report)


@bp.route("/signalements/<int:report_id>/qualifier", methods=["POST"])
@login_required
def qualify(report_id: int):
    report = queries.report_or_404(report_id)
    authorize(current_user, "triage", report)
    form = QualifyForm(prefix="q")
    form.category_id.choices = queries.category_choices()
    return _save(report, "qualify", form, lambda: services.requalify(
        report, category=db.session.get(ReportCategory, form.category_id.data), actor=current_user, now=now_utc(),
        public_text=form.public_text.data), _("Signalement qualifié."))


@bp.route("/signalements/<int:report_id>/orienter", methods=["POST"])
@login_required
def route(report_id: int):
    report = queries.report_or_404(report_id)
    authorize(current_user, "triage", report)
    form = RouteForm(prefix="r")
    form.organisation_id.choices = organisation_choices()

    def send() -> Organisation:
        organisation = db.session.get(Organisation, form.organisation_id.data)
        services.route_report(report, to=organisation, actor=current_user, now=now_utc(), reason=form.reason.data,
                              public_text=fill(form.public_text.data, organisation=organisation.name))
        return organisation

    return _save(report, "route", form, send,
                 lambda organisation: _("Signalement transmis à %(name)s.", name=organisation.name))


@bp.route("/signalements/<int:report_id>/fusionner", methods=["POST"])
@login_required
def merge(report_id: int):
    report = queries.report_or_404(report_id)
    authorize(current_user, "triage", report)
    form = MergeForm(prefix="m")
    into = _merge_target(form) if form.validate() else None
    if into is None:
        return _failed(report, "merge", form)
    return _save(report, "merge", form, lambda: services.merge(
        report, into=into, actor=current_user, now=now_utc(),
        public_text=fill(form.public_text.data, duplicate_of=into.reference)),
        _("Signalement fusionné avec %(ref)s.", ref=into.reference))


def _merge_target(form: MergeForm) -> ResidentReport | None:
    """The report chosen (or typed) on the merge form; one the user may not read names nothing."""
    into = db.session.get(ResidentReport, form.into_id.data) if _id(form.into_id.data) else \
        queries.report_by_reference(form.into_reference.data or "")
    if into is None or not can(current_user, "view", into):
        form.into_reference.errors.append(_("Choisissez un signalement proposé ou saisissez une référence existante."))
        return None
    return into


@bp.route("/signalements/<int:report_id>/statut", methods=["POST"])
@login_required
def change_status(report_id: int):
    report = queries.report_or_404(report_id)
    authorize(current_user, "respond", report)
    target = next((s for s in STATUS_TARGETS if s.value == request.form.get("status", "")), None)
    if target is None:
        flash(_("Choisissez un statut proposé."), "error")
        return _render_detail(report, 422)
    if target not in RESPOND_TARGETS:
        authorize(current_user, "triage", report)
    form = StatusForm(prefix=target.value)
    return _save(report, f"status-{target.value}", form, lambda: services.change_status(
        report, to=target, actor=current_user, now=now_utc(), public_text=form.public_text.data,
        referral=form.referral.data), _("Statut du signalement : %(status)s.", status=target.label))


@bp.route("/signalements/<int:report_id>/publication", methods=["POST"])
@login_required
def disclose(report_id: int):
    """The coordination publishes a wording of the problem (public-disclosure rule)."""
    report = queries.report_or_404(report_id)
    authorize(current_user, "disclose", report)
    form = DisclosureForm(prefix="p")
    return _save(report, "disclosure", form, lambda: disclosure.approve_wording(
        report, description=form.public_description.data, address=form.public_address.data, actor=current_user,
        now=now_utc()), _("Formulation publique enregistrée : elle est visible sur la page de suivi et dans "
                          "Open311."))


@bp.route("/signalements/<int:report_id>/publication/retirer", methods=["POST"])
@login_required
def withdraw_disclosure(report_id: int):
    report = queries.report_or_404(report_id)
    authorize(current_user, "disclose", report)
    disclosure.withdraw(report, actor=current_user, now=now_utc())
    db.session.commit()
    flash(_("La description et l'adresse ne sont plus publiées."), "success")
    return redirect(url_for("hotline.detail", report_id=report.id))


@bp.route("/signalements/<int:report_id>/rouvrir", methods=["POST"])
@login_required
def reopen(report_id: int):
    report = queries.report_or_404(report_id)
    authorize(current_user, "triage", report)
    form = ReopenForm(prefix="o")
    return _save(report, "reopen", form, lambda: services.reopen(report, actor=current_user, now=now_utc(),
                                                                 public_text=form.public_text.data),
                 _("Signalement rouvert."))


@bp.route("/signalements/<int:report_id>/constat", methods=["POST"])
@login_required
def convert(report_id: int):
    report = queries.report_or_404(report_id)
    authorize(current_user, "triage", report)
    return handle_form(None, lambda: services.convert_to_finding(report, actor=current_user, now=now_utc()),
                       success=lambda finding: _("Constat n° %(id)s créé à partir du signalement.", id=finding.id),
                       redirect_to=url_for("hotline.detail", report_id=report.id), on_error=flash_error) \
        or _render_detail(queries.report_or_404(report_id), 422)


@bp.route("/signalements/<int:report_id>/action", methods=["POST"])
@login_required
def attach(report_id: int):
    report = queries.report_or_404(report_id)
    authorize(current_user, "triage", report)
    form = ActionLinkForm(prefix="a")
    form.action_id.choices = queries.action_choices(report)
    return _save(report, "attach", form, lambda: services.attach_to_action(
        report, action=db.session.get(Action, form.action_id.data), actor=current_user, now=now_utc()),
        _("Signalement rattaché à l'action."))


# --- phone intake --------------------------------------------------------------------------------

@bp.route("/signalements/appel", methods=["GET", "POST"])
@login_required
def create():
    authorize(current_user, "take_call", ResidentReport())
    form = PhoneIntakeForm()
    form.category_id.choices = [("", _("— Choisir —"))] + queries.category_choices()
    form.neighbourhood_id.choices = [("", _("— Non précisé —"))] + neighbourhood_choices()
    return handle_form(form, lambda: _take_call(form),
                       success=lambda report: _("Signalement %(ref)s enregistré : lisez cette référence à "
                                                "l'appelant.", ref=report.reference),
                       redirect_to=lambda report: url_for("hotline.created", report_id=report.id)) \
        or render_form("hotline/backoffice/phone.html", form)


def _take_call(form: PhoneIntakeForm) -> ResidentReport:
    neighbourhood = db.session.get(Territory, form.neighbourhood_id.data) if form.neighbourhood_id.data else None
    report = services.submit_report(
        channel=Channel.PHONE, category=db.session.get(ReportCategory, form.category_id.data),
        description=form.description.data, actor=current_user, now=now_utc(), address=form.address.data,
        neighbourhood=neighbourhood, territory=neighbourhood, contact_name=form.contact_name.data,
        contact_email=form.contact_email.data, contact_phone=form.contact_phone.data,
        contact_consent=form.contact_consent.data, callback_preference=form.callback_preference.data)
    if form.public_description.data and can(current_user, "disclose", report):
        disclosure.approve_wording(report, description=form.public_description.data,
                                   address=form.public_address.data, actor=current_user, now=now_utc())
    return report


@bp.route("/signalements/appel/<int:report_id>")
@login_required
def created(report_id: int):
    report = queries.report_or_404(report_id)
    authorize(current_user, "view", report)
    return render_template("hotline/backoffice/phone_done.html", report=report)


# --- settings: response templates and categories -------------------------------------------------

@bp.route("/signalements/modeles")
@login_required
def templates():
    authorize(current_user, "view", ResponseTemplate())
    return render_template("hotline/backoffice/templates.html", templates=queries.templates(),
                           defaults=services.DEFAULT_TEXTS, can_edit=can(current_user, "update", ResponseTemplate()))


def _template_form(template: ResponseTemplate | None) -> TemplateForm:
    form = TemplateForm(obj=template)
    form.category_id.choices = [("", _("Toutes les catégories"))] + queries.category_choices()
    return form


@bp.route("/signalements/modeles/nouveau", methods=["GET", "POST"], defaults={"template_id": None},
          endpoint="create_template")
@bp.route("/signalements/modeles/<int:template_id>", methods=["GET", "POST"], endpoint="edit_template")
@login_required
def save_template(template_id: int | None):
    template = queries.template_or_404(template_id) if template_id else None
    authorize(current_user, "update" if template else "create", template or ResponseTemplate())
    form = _template_form(template)
    if request.method == "GET" and template is None:
        status = request.args.get("status")
        if status in {s.value for s in ReportStatus}:
            form.status.data = status
            form.text.data = services.DEFAULT_TEXTS[ReportStatus(status)]
    return handle_form(form, lambda: services.save_response_template(
        template, category=db.session.get(ReportCategory, form.category_id.data) if form.category_id.data else None,
        status=ReportStatus(form.status.data), text=form.text.data, actor=current_user),
        success=_("Modèle de réponse enregistré."), redirect_to=url_for("hotline.templates")) \
        or render_form("hotline/backoffice/template_form.html", form, template=template)


@bp.route("/signalements/categories")
@login_required
def categories():
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


@bp.route("/signalements/categories/nouvelle", methods=["GET", "POST"], defaults={"category_id": None},
          endpoint="create_category")
@bp.route("/signalements/categories/<int:category_id>", methods=["GET", "POST"], endpoint="edit_category")
@login_required
def save_category(category_id: int | None):
    category = queries.category_or_404(category_id) if category_id else None
    authorize(current_user, "update" if category else "create", category or ReportCategory())
    form = _category_form(category)
    route_form = CategoryRouteForm(formdata=None)
    return handle_form(form, lambda: _save_category(category, form), success=_("Catégorie enregistrée."),
                       redirect_to=lambda saved: url_for("hotline.edit_category", category_id=saved.id)) \
        or render_form("hotline/backoffice/category_form.html", form, category=category,
                       route_form=_route_choices(route_form))


def _save_category(category: ReportCategory | None, form: CategoryForm) -> ReportCategory:
    return services.save_category(
        category, actor=current_user, code=form.code.data, label=form.label.data,
        description=form.description.data or None, theme=db.session.get(Theme, form.theme_id.data),
        default_organisation=db.session.get(Organisation, form.default_organisation_id.data)
        if form.default_organisation_id.data else None,
        first_answer_days=form.first_answer_days.data, resolution_days=form.resolution_days.data,
        is_published=form.is_published.data, attributes=form.parsed_attributes)


def _route_choices(form: CategoryRouteForm) -> CategoryRouteForm:
    form.neighbourhood_id.choices = [("", _("— Choisir —"))] + neighbourhood_choices()
    form.organisation_id.choices = [("", _("— Choisir —"))] + organisation_choices()
    return form


@bp.route("/signalements/categories/<int:category_id>/orientations", methods=["POST"])
@login_required
def add_category_route(category_id: int):
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
    return redirect(url_for("hotline.edit_category", category_id=category.id))


@bp.route("/signalements/categories/<int:category_id>/orientations/<int:category_route_id>/supprimer",
          methods=["POST"])
@login_required
def delete_category_route(category_id: int, category_route_id: int):
    category = queries.category_or_404(category_id)
    authorize(current_user, "update", category)
    item = db.session.get(CategoryRoute, category_route_id)
    if item is not None and item.category_id == category.id:
        services.delete_category_route(item, actor=current_user)
        db.session.commit()
        flash(_("Orientation supprimée."), "success")
    return redirect(url_for("hotline.edit_category", category_id=category.id))


# --- privacy: on-request export and erasure ------------------------------------------------------

def _authorize_privacy() -> None:
    """Only administrators handle reporters' data requests (export, then erasure)."""
    authorize(current_user, "erase_contact", ResidentReport)


@bp.route("/signalements/donnees-personnelles")
@login_required
def privacy():
    _authorize_privacy()
    form = ErasureSearchForm(request.args)
    searched = "email" in request.args and form.validate()
    reports = queries.reports_with_contact(form.email.data) if searched else []
    return render_template("hotline/backoffice/privacy.html", form=form, reports=reports, searched=searched,
                           erase_form=ErasureForm(formdata=None, email=form.email.data)), \
        422 if form.errors else 200


@bp.route("/signalements/donnees-personnelles/export")
@login_required
def export_contact():
    _authorize_privacy()
    form = ErasureSearchForm(request.args)
    if not form.validate():
        flash(_("Adresse électronique invalide."), "error")
        return redirect(url_for("hotline.privacy"))
    data = services.export_contact_data(form.email.data)
    body = json.dumps(data, ensure_ascii=False, indent=2, default=str)
    return Response(body, mimetype="application/json",
                    headers={"Content-Disposition": 'attachment; filename="donnees-signalements.json"'})


@bp.route("/signalements/donnees-personnelles/effacer", methods=["POST"])
@login_required
def erase_contact():
    _authorize_privacy()
    form = ErasureForm()
    if not form.validate():
        flash(_("Adresse électronique invalide."), "error")
        return redirect(url_for("hotline.privacy"))
    count = services.erase_contact_for_email(form.email.data, actor=current_user, now=now_utc())
    db.session.commit()
    flash(_("Coordonnées effacées de %(n)s signalement(s).", n=count if isinstance(count, int) else len(count)),
          "success")
    return redirect(url_for("hotline.privacy", email=form.email.data))


# --- a walk-through finding becomes a report (channel « constat de diagnostic ») -----------------

@bp.route("/findings/<int:finding_id>/signalement", methods=["POST"])
@login_required
def create_from_finding(finding_id: int):
    from gup.findings.queries import finding_or_404

    finding = finding_or_404(finding_id)
    authorize(current_user, "manage", finding)
    back = url_for("findings.detail", finding_id=finding.id)
    category = db.session.get(ReportCategory, id_or_none(request.form.get("category_id")) or 0)
    if category is None:
        flash(_("Choisissez une catégorie de signalement."), "error")
        return redirect(back)
    return handle_form(None, lambda: services.report_from_finding(finding, category=category, actor=current_user,
                                                                  now=now_utc()),
                       success=lambda report: _("Signalement %(reference)s ouvert à partir du constat.",
                                                reference=report.reference),
                       redirect_to=lambda report: url_for("hotline.detail", report_id=report.id),
                       on_error=lambda _f, exc: flash_error(_f, exc) or redirect(back))
