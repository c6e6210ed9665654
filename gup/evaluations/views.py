"""HTML routes of evaluations: lists, the evaluation page, its lifecycle, texts, contributions, indicator values,
the versioned downloads (PDF, CSV), the agreement's indicator targets and the public published reports."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import Response, abort, current_app, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from gup.agreements import queries as agreement_queries
from gup.agreements.signals import agreement_page
from gup.audit.readable import status_timeline
from gup.evaluations import bp, export, queries, services
from gup.evaluations.forms import (
    ApproveForm,
    ButtonForm,
    ContributionForm,
    FreezeForm,
    ManualIndicatorForm,
    ManualValueForm,
    TargetForm,
    sections_form,
)
from gup.evaluations.models import Evaluation, EvaluationStatus, EvaluationVersion, IndicatorSource
from gup.evaluations.outline import section_choices
from gup.features import registry
from gup.forms_common import flash_error, handle_form, render_form
from gup.i18n import local_today
from gup.indicators import Direction, Unit
from gup.orm import now_utc
from gup.pages import Section
from gup.pagination import page_arg
from gup.policy import authorize, can


def _back(evaluation: Evaluation) -> str:
    return url_for("evaluations.detail", evaluation_id=evaluation.id)


# --- lists ---------------------------------------------------------------------------------------

@bp.route("/evaluations")
@login_required
def index():
    kind = request.args.get("kind") if request.args.get("kind") in {"annual", "midterm", "final"} else None
    stmt = queries.evaluations_stmt(current_user, kind=kind)
    page = queries.paginate(stmt, page=page_arg(), per_page=current_app.config["PAGE_SIZE"])
    return render_template("evaluations/index.html", page=page, kind=kind, today=local_today())


@agreement_page.connect
def timeline_section(agreement: Any, *, user: Any, today: date) -> Section:
    """The agreement's evaluations on its page: due dates, status and reports (the caller checked view)."""
    return Section("evaluations/_agreement_timeline.html", {
        "evaluations": queries.of_agreement(agreement.id), "can_manage": can(user, "manage", agreement),
        "today": today}, order=5)


# --- the evaluation page -------------------------------------------------------------------------

@bp.route("/evaluations/<int:evaluation_id>")
@login_required
def detail(evaluation_id: int):
    evaluation = queries.evaluation_or_404(evaluation_id)
    authorize(current_user, "view", evaluation)
    version = evaluation.current_version or evaluation.draft_version
    manual = queries.manual_indicators(evaluation.agreement_id)
    enterable = [i for i in manual if can(current_user, "enter", evaluation, indicator=i)]
    return render_template(
        "evaluations/detail.html", evaluation=evaluation, version=version,
        indicators=(version.snapshot or {}).get("indicators", []) if version else [],
        can_manage=can(current_user, "manage", evaluation),
        can_contribute=bool(_contribution_choices(evaluation)), enterable=enterable, manual=manual,
        values={v.indicator_id: v for v in evaluation.manual_values},
        freeze_form=FreezeForm(), approve_form=ApproveForm(approved_on=local_today()), button=ButtonForm(),
        statuses=status_timeline(evaluation), section_labels=dict(section_choices(evaluation.kind)),
        today=local_today())


@bp.route("/evaluations/<int:evaluation_id>/prepare", methods=["POST"])
@login_required
def prepare(evaluation_id: int):
    evaluation = queries.evaluation_or_404(evaluation_id)
    authorize(current_user, "manage", evaluation)
    back = _back(evaluation)
    return handle_form(ButtonForm(), lambda: services.prepare_draft(evaluation, actor=current_user, now=now_utc()),
                       success=_("Projet de rapport calculé à partir des données du jour."), redirect_to=back,
                       on_error=flash_error) or redirect(back)


@bp.route("/evaluations/<int:evaluation_id>/freeze", methods=["POST"])
@login_required
def freeze(evaluation_id: int):
    evaluation = queries.evaluation_or_404(evaluation_id)
    authorize(current_user, "manage", evaluation)
    form, back = FreezeForm(), _back(evaluation)
    return handle_form(form, lambda: services.freeze(evaluation, actor=current_user, now=now_utc(),
                                                     note=form.note.data),
                       success=lambda v: _("Chiffres figés : version %(n)s.", n=v.number), redirect_to=back,
                       on_error=flash_error) or redirect(back)


@bp.route("/evaluations/<int:evaluation_id>/approve", methods=["POST"])
@login_required
def approve(evaluation_id: int):
    evaluation = queries.evaluation_or_404(evaluation_id)
    authorize(current_user, "manage", evaluation)
    form, back = ApproveForm(), _back(evaluation)
    if not form.validate_on_submit():
        return flash_error(form, _first_error(form)) or redirect(back)
    return handle_form(None, lambda: services.approve(evaluation, approved_on=form.approved_on.data,
                                                      note=form.note.data, actor=current_user, now=now_utc()),
                       success=_("Évaluation validée en COPIL."), redirect_to=back,
                       on_error=flash_error) or redirect(back)


def _first_error(form: Any) -> Any:
    from gup.errors import DomainError

    for field in form:
        if field.errors:
            return DomainError(f"{field.label.text} : {field.errors[0]}")
    return DomainError(_("Formulaire invalide, rechargez la page."))


@bp.route("/evaluations/<int:evaluation_id>/publish", methods=["POST"])
@login_required
def publish(evaluation_id: int):
    evaluation = queries.evaluation_or_404(evaluation_id)
    authorize(current_user, "manage", evaluation)
    back = _back(evaluation)
    return handle_form(ButtonForm(), lambda: services.publish(evaluation, actor=current_user, now=now_utc()),
                       success=_("Rapport publié."), redirect_to=back, on_error=flash_error) or redirect(back)


# --- texts, contributions, values ----------------------------------------------------------------

@bp.route("/evaluations/<int:evaluation_id>/sections", methods=["GET", "POST"])
@login_required
def sections(evaluation_id: int):
    evaluation = queries.evaluation_or_404(evaluation_id)
    authorize(current_user, "manage", evaluation)
    choices = section_choices(evaluation.kind)
    data = {key: evaluation.section_text(key) for key, _label in choices}
    form = sections_form(choices, data, request.form if request.method == "POST" else None)
    response = handle_form(form, lambda: services.save_sections(
        evaluation, {key: getattr(form, key).data for key, _label in choices}, actor=current_user, now=now_utc()),
        success=_("Textes enregistrés."), redirect_to=_back(evaluation))
    return response or render_form("evaluations/sections.html", form, evaluation=evaluation, keys=choices)


def _contribution_choices(evaluation: Evaluation) -> list[tuple[int, str]]:
    organisations = {p.organisation.id: p.organisation for p in evaluation.agreement.partners}
    return [(org.id, org.name) for org in sorted(organisations.values(), key=lambda o: o.name)
            if can(current_user, "contribute", evaluation, organisation=org)]


@bp.route("/evaluations/<int:evaluation_id>/contribution", methods=["GET", "POST"])
@login_required
def contribute(evaluation_id: int):
    evaluation = queries.evaluation_or_404(evaluation_id)
    authorize(current_user, "view", evaluation)
    choices = _contribution_choices(evaluation)
    if not choices:
        abort(403)
    wanted = request.args.get("organisation_id", type=int) or choices[0][0]
    existing = next((c for c in evaluation.contributions if c.organisation_id == wanted), None)
    form = ContributionForm(organisation_id=wanted, text=existing.text if existing else "")
    form.organisation_id.choices = choices
    organisations = {p.organisation.id: p.organisation for p in evaluation.agreement.partners}

    def save() -> Any:
        organisation = organisations[form.organisation_id.data]
        return services.save_contribution(evaluation, organisation=organisation, text=form.text.data,
                                          actor=current_user, now=now_utc())

    response = handle_form(form, save, success=_("Contribution enregistrée."), redirect_to=_back(evaluation))
    return response or render_form("evaluations/contribution.html", form, evaluation=evaluation)


@bp.route("/evaluations/<int:evaluation_id>/values", methods=["POST"])
@login_required
def enter_value(evaluation_id: int):
    evaluation = queries.evaluation_or_404(evaluation_id)
    authorize(current_user, "view", evaluation)
    manual = {i.id: i for i in queries.manual_indicators(evaluation.agreement_id)}
    form = ManualValueForm()
    form.indicator_id.choices = [(i.id, i.label) for i in manual.values()]
    back = _back(evaluation) + "#indicateurs-saisis"
    indicator = manual.get(form.indicator_id.data) if form.is_submitted() else None
    if indicator is None:
        abort(404)
    authorize(current_user, "enter", evaluation, indicator=indicator)
    if not form.validate_on_submit():
        return flash_error(form, _first_error(form)) or redirect(back)
    return handle_form(None, lambda: services.save_manual_value(
        evaluation, indicator, value=form.value.data, comment=form.comment.data, actor=current_user,
        now=now_utc()), success=_("Valeur enregistrée."), redirect_to=back, on_error=flash_error) or redirect(back)


# --- downloads -------------------------------------------------------------------------------------

def _pdf(version: EvaluationVersion, name: str) -> Response:
    """A version's report: the stored one with its checksum, or a draft's rendered now."""
    report = services.report_pdf(version)
    if report is None:
        abort(404)
    content, sha256 = report
    return export.download(content, "application/pdf", name, sha256=sha256)


def _readable_version(evaluation_id: int, number: int) -> tuple[Evaluation, EvaluationVersion]:
    evaluation = queries.evaluation_or_404(evaluation_id)
    authorize(current_user, "view", evaluation)
    return evaluation, queries.version_or_404(evaluation, number)


@bp.route("/evaluations/<int:evaluation_id>/versions/<int:number>/report.pdf")
@login_required
def report_pdf(evaluation_id: int, number: int):
    evaluation, version = _readable_version(evaluation_id, number)
    return _pdf(version, export.filename(evaluation, version, "pdf"))


@bp.route("/evaluations/<int:evaluation_id>/versions/<int:number>/indicators.csv")
@login_required
def indicators_csv(evaluation_id: int, number: int):
    evaluation, version = _readable_version(evaluation_id, number)
    return export.download(export.csv_files(version.snapshot)["indicateurs.csv"], "text/csv",
                           export.filename(evaluation, version, "csv", prefix="indicateurs"))


@bp.route("/evaluations/<int:evaluation_id>/versions/<int:number>/tables.zip")
@login_required
def tables_zip(evaluation_id: int, number: int):
    """Every table of the version as CSV (indicators, each breakdown, commitments, TFPB, annexes), zipped."""
    evaluation, version = _readable_version(evaluation_id, number)
    return export.download(export.tables_zip(version.snapshot), "application/zip",
                           export.filename(evaluation, version, "zip", prefix="tableaux"))


@bp.route("/evaluations/<int:evaluation_id>/versions/<int:number>/tfpb.pdf")
@login_required
def tfpb_pdf(evaluation_id: int, number: int):
    """The TFPB review of every housing provider of the version, as frozen."""
    evaluation, version = _readable_version(evaluation_id, number)
    return export.download(export.tfpb_review_pdf(version.snapshot), "application/pdf",
                           export.filename(evaluation, version, "pdf", prefix="tfpb"))


@bp.route("/evaluations/<int:evaluation_id>/versions/<int:number>/commitments.pdf")
@login_required
def commitments_pdf(evaluation_id: int, number: int):
    evaluation, version = _readable_version(evaluation_id, number)
    return export.download(export.commitments_matrix_pdf(version.snapshot), "application/pdf",
                           export.filename(evaluation, version, "pdf", prefix="engagements"))


# --- the agreement's indicators: baselines, targets, manual indicators ---------------------------

@bp.route("/agreements/<int:agreement_id>/indicators", methods=["GET", "POST"])
@login_required
def targets(agreement_id: int):
    agreement = agreement_queries.agreement_or_404(agreement_id)
    authorize(current_user, "manage", agreement)
    specs = sorted(registry().indicator_specs.values(), key=lambda s: (str(s.section), s.order))
    target_form, manual_form = TargetForm(prefix="t"), ManualIndicatorForm(prefix="m")
    target_form.code.choices = [(s.code, str(s.label)) for s in specs]
    manual_form.organisation_id.choices = [("", _("La coordination"))] + sorted(
        ((p.organisation.id, p.organisation.name) for p in agreement.partners), key=lambda c: c[1])
    back = url_for("evaluations.targets", agreement_id=agreement.id)
    response = None
    if request.method == "POST" and request.form.get("which") == "manual":
        organisations = {p.organisation.id: p.organisation for p in agreement.partners}
        response = handle_form(manual_form, lambda: services.save_indicator_target(
            agreement, code=manual_form.code.data, baseline=manual_form.baseline.data,
            target=manual_form.target.data, label=manual_form.label.data, unit=Unit(manual_form.unit.data),
            direction=Direction(manual_form.direction.data),
            organisation=organisations.get(manual_form.organisation_id.data), manual=True, actor=current_user),
            success=_("Indicateur saisi enregistré."), redirect_to=back)
    elif request.method == "POST":
        response = handle_form(target_form, lambda: services.save_indicator_target(
            agreement, code=target_form.code.data, baseline=target_form.baseline.data,
            target=target_form.target.data, actor=current_user),
            success=_("Valeur de référence et cible enregistrées."), redirect_to=back)
    if response is not None:
        return response
    rows = {i.code: i for i in queries.agreement_indicators(agreement.id)}
    status = 422 if (target_form.errors or manual_form.errors) else 200
    return render_template("evaluations/targets.html", agreement=agreement, specs=specs, rows=rows,
                           target_form=target_form, manual_form=manual_form,
                           manual=[i for i in rows.values() if i.source is IndicatorSource.MANUAL]), status


# --- public: the published reports -------------------------------------------------------------

@bp.route("/bilans")
def public_index():
    return render_template("evaluations/public_index.html", evaluations=queries.published())


@bp.route("/bilans/<int:evaluation_id>.pdf")
def public_report(evaluation_id: int):
    evaluation = queries.evaluation_or_404(evaluation_id)
    version = evaluation.published_version
    if version is None or evaluation.status is EvaluationStatus.SCHEDULED:
        abort(404)
    return _pdf(version, export.filename(evaluation, version, "pdf"))
