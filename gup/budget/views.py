"""Coordination pages of participatory budgets: load → authorize → form → one service call → commit."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from gup.agreements.models import Agreement
from gup.budget import bp, services
from gup.budget.forms import CampaignForm, ReviewForm, merge_form
from gup.budget.models import PHASE_DATE_COLUMNS, PBCampaign, PBPhase, PBProject
from gup.budget.selection import RULE_TEXT
from gup.errors import DomainError
from gup.extensions import db
from gup.forms_common import handle_form, render_form
from gup.orm import now_utc
from gup.policy import authorize, can, visible
from gup.territory.models import Territory, TerritoryKind
from gup.territory.queries import descendants, territory_index


def _agreement_or_404(agreement_id: int) -> Agreement:
    return db.session.get(Agreement, agreement_id) or abort(404)


def _campaign_or_404(campaign_id: int) -> PBCampaign:
    return db.session.get(PBCampaign, campaign_id) or abort(404)


def _project_or_404(project_id: int) -> PBProject:
    return db.session.get(PBProject, project_id) or abort(404)


def _territory(value: int | None) -> Territory | None:
    return db.session.get(Territory, value) if value else None


def _campaign_form(agreement: Agreement) -> CampaignForm:
    form = CampaignForm()
    neighbourhoods = [t for t in agreement.territories if t.kind is TerritoryKind.NEIGHBOURHOOD]
    form.neighbourhood_id.choices = [("", _("— Toute la convention —"))] + [(t.id, t.name) for t in neighbourhoods]
    index = territory_index()
    form.eligible_territory_id.choices = [("", _("— Tout le périmètre —"))] + [
        (node.id, f"{'  ' * depth}{node.name}") for node, depth in descendants([t.id for t in neighbourhoods], index)]
    return form


@bp.route("/budgets")
@login_required
def home():
    """Every campaign the user may read, newest year first."""
    stmt = visible(current_user, sa.select(PBCampaign), PBCampaign).order_by(PBCampaign.year.desc(), PBCampaign.id)
    return render_template("budget/home.html", campaigns=list(db.session.scalars(stmt)))


@bp.route("/agreements/<int:agreement_id>/budgets/new", methods=["GET", "POST"])
@login_required
def create(agreement_id: int):
    agreement = _agreement_or_404(agreement_id)
    authorize(current_user, "manage_budgets", agreement)
    form = _campaign_form(agreement)

    def call() -> PBCampaign:
        dates = {column: getattr(form, column).data for column in PHASE_DATE_COLUMNS.values()}
        return services.create_campaign(
            agreement, actor=current_user, now=now_utc(), title=form.title.data, year=form.year.data,
            envelope=form.envelope.data, neighbourhood=_territory(form.neighbourhood_id.data),
            eligible_territory=_territory(form.eligible_territory_id.data), min_age=form.min_age.data,
            investment_only=form.investment_only.data, max_cost=form.max_cost.data,
            choices_per_voter=form.choices_per_voter.data, **dates)

    return handle_form(form, call, success=lambda c: _("Campagne « %(title)s » créée.", title=c.title),
                       redirect_to=lambda c: url_for("budget.campaign", campaign_id=c.id)) \
        or render_form("budget/campaign_form.html", form, agreement=agreement)


@bp.route("/budgets/<int:campaign_id>")
@login_required
def campaign(campaign_id: int):
    item = _campaign_or_404(campaign_id)
    authorize(current_user, "view", item)
    counted = item.phase.index >= PBPhase.VOTE.index
    return render_template("budget/campaign.html", campaign=item, phases=list(PBPhase),
                           can_manage=can(current_user, "manage", item),
                           counts=services.count_votes(item) if counted else {},
                           selection=services.compute_selection(item) if counted else None,
                           rule_text=RULE_TEXT)


@bp.route("/budgets/<int:campaign_id>/phase", methods=["POST"])
@login_required
def move_phase(campaign_id: int):
    item = _campaign_or_404(campaign_id)
    authorize(current_user, "manage", item)
    back = url_for("budget.campaign", campaign_id=item.id)
    try:
        target = PBPhase(request.form.get("phase", ""))
    except ValueError:
        target = None

    def call() -> PBCampaign:
        if target is None:
            raise DomainError(_("Phase inconnue."), field="phase")
        return services.move_phase(item, target, actor=current_user, now=now_utc())

    return handle_form(None, call, success=lambda c: _("La campagne passe en phase « %(phase)s ».",
                                                        phase=c.phase.label),
                       redirect_to=back, on_error=_flash_error(back))


def _flash_error(back: str) -> Any:
    def on_error(_form: Any, exc: Any) -> Any:
        flash(exc.message, "error")
        return redirect(back)

    return on_error


def project_page(item: PBProject, *, review: ReviewForm | None = None, merge: Any = None,
                 status: int = 200) -> tuple[str, int]:
    """A proposal's page: its review form and, for the coordination, its merge form (submitted ones as typed)."""
    form = review or ReviewForm(formdata=None, reason=item.review_reason, feasibility_note=item.feasibility_note,
                                reviewed_cost=item.reviewed_cost)
    return render_template("budget/project.html", project=item, campaign=item.campaign, form=form,
                           merge_form=merge_form(item, current_user, merge),
                           can_review=can(current_user, "review", item),
                           show_contact=can(current_user, "view_contact", item)), status


@bp.route("/budget-projects/<int:project_id>")
@login_required
def project(project_id: int):
    item = _project_or_404(project_id)
    authorize(current_user, "view", item)
    return project_page(item)


@bp.route("/budget-projects/<int:project_id>/review", methods=["POST"])
@login_required
def review(project_id: int):
    item = _project_or_404(project_id)
    authorize(current_user, "review", item)
    form = ReviewForm()
    return handle_form(form, lambda: services.review_project(
        item, eligible=form.decision.data == "eligible", actor=current_user, now=now_utc(),
        reason=form.reason.data, reviewed_cost=form.reviewed_cost.data, feasibility_note=form.feasibility_note.data),
        success=lambda p: _("Étude de « %(title)s » enregistrée.", title=p.title),
        redirect_to=lambda p: url_for("budget.project", project_id=p.id)) \
        or project_page(item, review=form, status=422 if form.errors else 200)
