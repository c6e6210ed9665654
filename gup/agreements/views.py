"""HTML routes of agreements, commitments and themes: load → authorize → validate → service → commit."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask import abort, current_app, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from gup.agreements import bp, queries, services
from gup.agreements.forms import (
    NO_CHOICE,
    AgreementForm,
    AgreementStatusForm,
    AmendmentForm,
    CommitmentFilterForm,
    CommitmentForm,
    CommitmentUpdateForm,
    PartnerForm,
    SignatoryForm,
    ThemeForm,
)
from gup.agreements.models import (
    AGREEMENT_NEXT,
    COMMITMENT_NEXT,
    Agreement,
    AgreementStatus,
    CommitmentStatus,
    FundingSource,
    Partner,
    SignatoryRole,
    TfpbAxis,
    Theme,
)
from gup.agreements.signals import agreement_page
from gup.audit.readable import readable_history
from gup.auth.models import Role, User
from gup.csv_file import csv_response, export_args
from gup.extensions import db
from gup.forms_common import flash_error, handle_form, offer_moves, render_form
from gup.i18n import local_today
from gup.organisations.models import Organisation
from gup.organisations.queries import organisation_choices
from gup.orm import now_utc
from gup.pages import sections
from gup.pagination import page_arg
from gup.policy import authorize, can
from gup.territory.models import Territory, TerritoryKind

# --- agreements --------------------------------------------------------------------------------

@bp.route("/agreements")
@login_required
def index():
    status = request.args.get("status") or None
    if status not in {s.value for s in AgreementStatus}:
        status = None
    search = (request.args.get("q") or "").strip()[:100] or None
    page = queries.paginate(queries.agreements_stmt(current_user, status=status, search=search),
                            page=page_arg(), per_page=current_app.config["PAGE_SIZE"])
    return render_template("agreements/index.html", page=page, status=status, search=search or "",
                           statuses=AgreementStatus, can_create=can(current_user, "create", Agreement))


def _agreement_form_choices(form: AgreementForm, agreement: Agreement | None) -> None:
    form.predecessor_id.choices = [("", _("— Aucune —"))] + queries.predecessor_choices(
        agreement.id if agreement else None)
    form.territory_ids.choices = [(t.id, t.name) for t in db.session.scalars(
        sa.select(Territory).where(Territory.kind == TerritoryKind.NEIGHBOURHOOD).order_by(Territory.name))]
    form.theme_ids.choices = queries.theme_choices()
    form.coordinator_ids.choices = [(u.id, u.full_name) for u in db.session.scalars(
        sa.select(User).where(User.role == Role.COORDINATOR,
                              User.is_active_account.is_(True)).order_by(User.full_name))]


def _agreement_fields(form: AgreementForm) -> dict:
    return {
        "reference": form.reference.data, "title": form.title.data, "kind": form.kind.data,
        "start_on": form.start_on.data, "end_on": form.end_on.data, "midterm_on": form.midterm_on.data,
        "city_contract": form.city_contract.data, "renewal_agreement": form.renewal_agreement.data,
        "predecessor": db.session.get(Agreement, form.predecessor_id.data) if form.predecessor_id.data else None,
        "territories": list(db.session.scalars(
            sa.select(Territory).where(Territory.id.in_(form.territory_ids.data or [])))),
        "themes": list(db.session.scalars(sa.select(Theme).where(Theme.id.in_(form.theme_ids.data or [])))),
    }


@bp.route("/agreements/new", methods=["GET", "POST"])
@login_required
def create():
    authorize(current_user, "create", Agreement)
    form = AgreementForm()
    _agreement_form_choices(form, None)
    return handle_form(form, lambda: services.create_agreement(actor=current_user, coordinators=_coordinators(form),
                                                               **_agreement_fields(form)),
                       success=lambda agreement: _("Convention %(ref)s créée.", ref=agreement.reference),
                       redirect_to=lambda agreement: url_for("agreements.detail", agreement_id=agreement.id)) \
        or render_form("agreements/form.html", form, agreement=None)


def _coordinators(form: AgreementForm) -> list[User]:
    return list(db.session.scalars(sa.select(User).where(User.id.in_(form.coordinator_ids.data or []))))


@bp.route("/agreements/<int:agreement_id>")
@login_required
def detail(agreement_id: int):
    agreement = queries.agreement_or_404(agreement_id)
    authorize(current_user, "view", agreement)
    day = local_today()
    status_form = AgreementStatusForm()
    if not offer_moves(status_form.status, agreement.status, AGREEMENT_NEXT):
        status_form = None
    return render_template(
        "agreements/detail.html", agreement=agreement, today=day,
        sections=sections(agreement_page, agreement, user=current_user, today=day),
        groups=queries.commitments_by_partner(agreement, day), counts=queries.status_counts(agreement),
        can_manage=can(current_user, "manage", agreement), status_form=status_form,
        can_log_finding=can(current_user, "log_finding", agreement),
        history=readable_history(agreement, *agreement.partners, *agreement.signatories, *agreement.amendments),
        can_add_commitment=any(can(current_user, "add_commitment", p) for p in agreement.partners))


@bp.route("/agreements/<int:agreement_id>/edit", methods=["GET", "POST"])
@login_required
def edit(agreement_id: int):
    agreement = queries.agreement_or_404(agreement_id)
    authorize(current_user, "update", agreement)
    form = AgreementForm(obj=agreement)
    _agreement_form_choices(form, agreement)
    if request.method == "GET":
        form.predecessor_id.data = agreement.predecessor_id
        form.territory_ids.data = [t.id for t in agreement.territories]
        form.theme_ids.data = [t.id for t in agreement.themes]
        form.coordinator_ids.data = [u.id for u in agreement.coordinators]
    return handle_form(form, lambda: _update(agreement, form), success=_("Convention enregistrée."),
                       redirect_to=url_for("agreements.detail", agreement_id=agreement.id)) \
        or render_form("agreements/form.html", form, agreement=agreement)


def _update(agreement: Agreement, form: AgreementForm) -> None:
    services.update_agreement(agreement, actor=current_user, **_agreement_fields(form))
    agreement.coordinators = _coordinators(form) or agreement.coordinators


@bp.route("/agreements/<int:agreement_id>/status", methods=["POST"])
@login_required
def change_status(agreement_id: int):
    agreement = queries.agreement_or_404(agreement_id)
    authorize(current_user, "manage", agreement)
    form, back = AgreementStatusForm(), url_for("agreements.detail", agreement_id=agreement.id)
    return handle_form(form, lambda: services.change_agreement_status(agreement, to=AgreementStatus(form.status.data),
                                                                      actor=current_user),
                       success=lambda _a: _("Statut de la convention : %(s)s.", s=agreement.status.label),
                       redirect_to=back, on_error=flash_error) or redirect(back)


@bp.route("/agreements/<int:agreement_id>/partners", methods=["GET", "POST"])
@login_required
def partners(agreement_id: int):
    agreement = queries.agreement_or_404(agreement_id)
    authorize(current_user, "manage", agreement)
    form = PartnerForm()
    form.organisation_id.choices = [("", _("— Choisir —"))] + organisation_choices()
    return handle_form(form, lambda: _add_partner(agreement, form),
                       success=lambda organisation: _("Partenaire %(name)s enregistré.", name=organisation.name),
                       redirect_to=url_for("agreements.partners", agreement_id=agreement.id)) \
        or render_form("agreements/partners.html", form, agreement=agreement)


def _add_partner(agreement: Agreement, form: PartnerForm) -> Organisation:
    organisation = db.session.get(Organisation, form.organisation_id.data) or abort(400)
    services.add_partner(agreement, organisation=organisation, referent=form.referent.data, actor=current_user)
    return organisation


@bp.route("/agreements/<int:agreement_id>/partners/<int:partner_id>/remove", methods=["POST"])
@login_required
def remove_partner(agreement_id: int, partner_id: int):
    partner = db.session.get(Partner, partner_id)
    if partner is None or partner.agreement_id != agreement_id:
        abort(404)
    authorize(current_user, "update", partner)
    back = url_for("agreements.partners", agreement_id=agreement_id)
    return handle_form(None, lambda: services.remove_partner(partner, actor=current_user),
                       success=_("Partenaire retiré."), redirect_to=back, on_error=flash_error) or redirect(back)


@bp.route("/agreements/<int:agreement_id>/signatories", methods=["GET", "POST"])
@login_required
def signatories(agreement_id: int):
    agreement = queries.agreement_or_404(agreement_id)
    authorize(current_user, "manage", agreement)
    form = SignatoryForm()
    form.organisation_id.choices = [("", _("— Choisir —"))] + organisation_choices()
    return handle_form(form, lambda: services.set_signatory(
        agreement, organisation=db.session.get(Organisation, form.organisation_id.data) or abort(400),
        role=SignatoryRole(form.role.data), signer_name=form.signer_name.data, signer_title=form.signer_title.data,
        signed_on=form.signed_on.data, actor=current_user),
        success=_("Signataire enregistré."), redirect_to=url_for("agreements.signatories", agreement_id=agreement.id)) \
        or render_form("agreements/signatories.html", form, agreement=agreement)


@bp.route("/agreements/<int:agreement_id>/amendments/new", methods=["GET", "POST"])
@login_required
def add_amendment(agreement_id: int):
    agreement = queries.agreement_or_404(agreement_id)
    authorize(current_user, "manage", agreement)
    form = AmendmentForm()
    return handle_form(form, lambda: services.add_amendment(agreement, signed_on=form.signed_on.data,
                                                            subject=form.subject.data, new_end_on=form.new_end_on.data,
                                                            actor=current_user),
                       success=lambda amendment: _("Avenant n° %(n)s enregistré.", n=amendment.number),
                       redirect_to=url_for("agreements.detail", agreement_id=agreement.id)) \
        or render_form("agreements/amendment_form.html", form, agreement=agreement)


# --- commitments ---------------------------------------------------------------------------------

def _commitment_filters() -> tuple[CommitmentFilterForm, dict[str, Any]]:
    """The commitments list's filter form and the query arguments it gives (unknown values are ignored)."""
    filters = CommitmentFilterForm(request.args)
    filters.agreement_id.choices = [("", _("Toutes"))] + queries.agreement_choices(current_user)
    filters.organisation_id.choices = [("", _("Tous"))] + organisation_choices()
    filters.theme_id.choices = [("", _("Toutes"))] + queries.theme_choices(include_inactive=True)
    try:
        args = {"agreement_id": filters.agreement_id.data, "organisation_id": filters.organisation_id.data,
                "theme_id": filters.theme_id.data}
    except (TypeError, ValueError):
        args = {}
    status = filters.status.data if filters.status.data in {s.value for s in CommitmentStatus} else None
    overdue = {"1": True, "0": False}.get(filters.overdue.data or "")
    return filters, {"status": status, "overdue": overdue, **{k: v for k, v in args.items() if isinstance(v, int)}}


@bp.route("/commitments")
@login_required
def commitments():
    filters, args = _commitment_filters()
    stmt = queries.commitments_stmt(current_user, today=local_today(), **args)
    page = queries.paginate(stmt, page=page_arg(), per_page=current_app.config["PAGE_SIZE"])
    return render_template("agreements/commitments.html", page=page, filters=filters, today=local_today(),
                           export_url=url_for("agreements.export_commitments", **export_args(request.args)))


@bp.route("/commitments.csv")
@login_required
def export_commitments():
    """The list as CSV, with its filters, through the same policy: one query whatever the number of rows."""
    _form, args = _commitment_filters()
    today = local_today()
    rows = list(db.session.scalars(queries.commitments_stmt(current_user, today=today, **args)))
    return csv_response(queries.commitment_csv_headers(), queries.commitment_csv_rows(rows, today),
                        filename=f"engagements-{today:%Y-%m-%d}.csv")


def _commitment_form_choices(form: CommitmentForm, agreement: Agreement, commitment: Any = None) -> None:
    form.tfpb_axis.choices = [("", str(NO_CHOICE))] + queries.tfpb_axis_choices(local_today(), commitment)
    partners = queries.partner_choices(agreement)
    allowed = {p.id for p in agreement.partners if can(current_user, "add_commitment", p)}
    partners = [(pid, name) for pid, name in partners if pid in allowed]
    form.partner_id.choices = [("", _("— Choisir —"))] + partners
    form.theme_id.choices = [("", _("— Choisir —"))] + queries.theme_choices()


def _commitment_fields(form: CommitmentForm) -> dict:
    return {
        "reference": form.reference.data, "title": form.title.data, "description": form.description.data,
        "theme": db.session.get(Theme, form.theme_id.data),
        "funding_source": FundingSource(form.funding_source.data),
        "tfpb_axis": TfpbAxis(form.tfpb_axis.data) if form.tfpb_axis.data else None,
        "planned_investment_amount": form.planned_investment_amount.data,
        "planned_operating_amount": form.planned_operating_amount.data,
        "indicator_label": form.indicator_label.data, "indicator_unit": form.indicator_unit.data,
        "indicator_baseline": form.indicator_baseline.data, "indicator_target": form.indicator_target.data,
        "due_on": form.due_on.data, "progress": form.progress.data or 0,
    }


@bp.route("/agreements/<int:agreement_id>/commitments/new", methods=["GET", "POST"])
@login_required
def create_commitment(agreement_id: int):
    agreement = queries.agreement_or_404(agreement_id)
    if not any(can(current_user, "add_commitment", p) for p in agreement.partners):
        abort(403)
    form = CommitmentForm()
    _commitment_form_choices(form, agreement)
    if request.method == "GET":
        form.status.data = CommitmentStatus.PROPOSED.value
    return handle_form(form, lambda: _create_commitment(agreement, form),
                       success=lambda commitment: _("Engagement %(ref)s créé.", ref=commitment.reference),
                       redirect_to=lambda commitment: url_for("agreements.commitment", commitment_id=commitment.id)) \
        or render_form("agreements/commitment_form.html", form, agreement=agreement, commitment=None)


def _form_partner(form: CommitmentForm, agreement_id: int) -> Partner:
    """The partner chosen on a commitment form; one of another agreement is a forged request."""
    partner = db.session.get(Partner, form.partner_id.data)
    if partner is None or partner.agreement_id != agreement_id:
        abort(400)
    return partner


def _create_commitment(agreement: Agreement, form: CommitmentForm):
    partner = _form_partner(form, agreement.id)
    authorize(current_user, "add_commitment", partner)
    return services.create_commitment(agreement, partner=partner, actor=current_user,
                                      status=CommitmentStatus(form.status.data), **_commitment_fields(form))


@bp.route("/commitments/<int:commitment_id>")
@login_required
def commitment(commitment_id: int):
    item = queries.commitment_or_404(commitment_id)
    authorize(current_user, "view", item)
    return render_template("agreements/commitment.html", commitment=item, today=local_today(),
                           update_form=_update_form(item), history=readable_history(item, *item.updates),
                           can_update=can(current_user, "update", item),
                           can_add_update=can(current_user, "add_update", item))


@bp.route("/commitments/<int:commitment_id>/edit", methods=["GET", "POST"])
@login_required
def edit_commitment(commitment_id: int):
    item = queries.commitment_or_404(commitment_id)
    authorize(current_user, "update", item)
    form = CommitmentForm(obj=item)
    _commitment_form_choices(form, item.agreement, item)
    if request.method == "GET":
        form.status.data = item.status.value
        form.funding_source.data = item.funding_source.value
        form.tfpb_axis.data = item.tfpb_axis.value if item.tfpb_axis else ""
    return handle_form(form, lambda: _update_commitment(item, form), success=_("Engagement enregistré."),
                       redirect_to=url_for("agreements.commitment", commitment_id=item.id)) \
        or render_form("agreements/commitment_form.html", form, agreement=item.agreement, commitment=item)


def _update_commitment(item, form: CommitmentForm) -> None:
    partner = _form_partner(form, item.agreement_id)
    if partner.id != item.partner_id and not can(current_user, "manage", item.agreement):
        abort(403)
    services.update_commitment(item, actor=current_user, partner=partner, status=CommitmentStatus(form.status.data),
                               **_commitment_fields(form))


#: the figures a progress update may carry (amounts spent to date, indicator value, and their dates)
FIGURES = ("investment_spent", "operating_spent", "spent_on", "indicator_value", "measured_on")


@bp.route("/commitments/<int:commitment_id>/updates", methods=["POST"])
@login_required
def add_update(commitment_id: int):
    item = queries.commitment_or_404(commitment_id)
    authorize(current_user, "add_update", item)
    form = CommitmentUpdateForm()
    saved = handle_form(form, lambda: services.add_commitment_update(
        item, note=form.note.data, progress=form.progress.data,
        status=CommitmentStatus(form.status.data) if form.status.data else None, actor=current_user, now=now_utc(),
        **{name: getattr(form, name).data for name in FIGURES}),
        success=_("Point d'avancement ajouté."), redirect_to=url_for("agreements.commitment", commitment_id=item.id))
    if saved:
        return saved
    item = queries.commitment_or_404(commitment_id)
    return render_template("agreements/commitment.html", commitment=item, today=local_today(), update_form=form,
                           history=readable_history(item), can_update=can(current_user, "update", item),
                           can_add_update=True), 422


# --- themes --------------------------------------------------------------------------------------

@bp.route("/themes")
@login_required
def themes():
    return render_template("agreements/themes.html", themes=queries.all_themes(),
                           can_edit=can(current_user, "create", Theme))


@bp.route("/themes/new", methods=["GET", "POST"])
@bp.route("/themes/<int:theme_id>/edit", methods=["GET", "POST"], endpoint="theme_edit")
@login_required
def theme_create(theme_id: int | None = None):
    theme = db.session.get(Theme, theme_id) if theme_id else None
    if theme_id and theme is None:
        abort(404)
    authorize(current_user, "update" if theme else "create", theme or Theme)
    form = ThemeForm(obj=theme)
    return handle_form(form, lambda: services.save_theme(theme, code=form.code.data, label=form.label.data,
                                                         position=form.position.data or 0,
                                                         is_active=form.is_active.data, actor=current_user),
                       success=_("Thématique enregistrée."), redirect_to=url_for("agreements.themes")) \
        or render_form("agreements/theme_form.html", form, theme=theme)


def _update_form(item: Any) -> CommitmentUpdateForm:
    """A progress update may move the commitment only where its lifecycle allows."""
    form = CommitmentUpdateForm()
    offer_moves(form.status, item.status, COMMITMENT_NEXT, first=("", _("— Inchangé —")))
    return form

