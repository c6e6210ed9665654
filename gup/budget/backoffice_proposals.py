"""Coordination pages of proposals: merging a proposal into a similar one, and « Transformer en proposition »
from a finding or a resident report (the form is a section of their pages: gup.budget.sections)."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask import abort, flash, redirect, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from gup.budget import bp, services
from gup.budget.forms import MergeForm, ProposalFromForm, merge_form
from gup.budget.models import PBCampaign, PBPhase, PBProject
from gup.budget.views import _project_or_404, project_page
from gup.errors import DomainError
from gup.extensions import db
from gup.findings.models import Finding
from gup.forms_common import handle_form
from gup.hotline.models import ResidentReport
from gup.orm import now_utc
from gup.policy import authorize, can, visible


@bp.route("/budget-projects/<int:project_id>/merge", methods=["POST"])
@login_required
def merge(project_id: int):
    """Fold a proposal into a similar one of the same campaign, with the reason told to its author."""
    item = _project_or_404(project_id)
    authorize(current_user, "merge", item)
    form = merge_form(item, current_user, MergeForm())
    into = next((p for p in item.campaign.projects if p.id == form.merged_into_id.data), None)

    def call() -> PBProject:
        if into is None:
            raise DomainError(_("Choisissez une autre proposition de la même campagne."), field="merged_into_id")
        return services.merge_projects(item, into, actor=current_user, now=now_utc(), reason=form.reason.data)

    return handle_form(form, call, success=lambda p: _("« %(title)s » fusionnée dans « %(into)s ».",
                                                        title=p.title, into=into.title),
                       redirect_to=lambda p: url_for("budget.project", project_id=p.id)) \
        or project_page(item, merge=form, status=422)


# --- « Transformer en proposition » ------------------------------------------------------------------------

def open_campaigns(agreement_id: int, user: Any) -> list[PBCampaign]:
    """The campaigns of the agreement taking proposals that the user may add a proposal to."""
    stmt = visible(user, sa.select(PBCampaign), PBCampaign).where(
        PBCampaign.agreement_id == agreement_id, PBCampaign.phase == PBPhase.PROPOSALS).order_by(PBCampaign.id)
    return [c for c in db.session.scalars(stmt) if can(user, "manage", c)]


def proposal_form(agreement_id: int, user: Any) -> ProposalFromForm | None:
    campaigns = open_campaigns(agreement_id, user)
    if not campaigns:
        return None
    form = ProposalFromForm(formdata=None, prefix="pb")
    form.campaign_id.choices = [(c.id, c.title) for c in campaigns]
    return form


def _transform(agreement_id: int, back: str, make: Any) -> Any:
    """Create the proposal in the chosen open campaign of the agreement; a refusal is flashed on the source page."""
    form = ProposalFromForm(prefix="pb")
    campaigns = {c.id: c for c in open_campaigns(agreement_id, current_user)}
    form.campaign_id.choices = [(cid, c.title) for cid, c in campaigns.items()]
    if not form.validate_on_submit():
        flash(_("La proposition n'est pas créée : vérifiez la campagne et le titre (200 caractères au plus)."),
              "error")
        return redirect(back)

    def call() -> PBProject:
        campaign = campaigns.get(form.campaign_id.data)
        if campaign is None:
            raise DomainError(_("Choisissez une campagne ouverte aux propositions."), field="campaign_id")
        return make(campaign, form.title.data or None)

    def on_error(_form: Any, exc: DomainError) -> Any:
        flash(exc.message, "error")
        return redirect(back)

    return handle_form(None, call, success=lambda p: _("Proposition « %(title)s » créée dans « %(campaign)s ».",
                                                        title=p.title, campaign=p.campaign.title),
                       redirect_to=lambda p: url_for("budget.project", project_id=p.id), on_error=on_error)


@bp.route("/findings/<int:finding_id>/budget-proposal", methods=["POST"])
@login_required
def from_finding(finding_id: int):
    """« Transformer en proposition »: a finding becomes a proposal of an open campaign of its agreement."""
    finding = db.session.get(Finding, finding_id) or abort(404)
    authorize(current_user, "view", finding)
    authorize(current_user, "manage_budgets", finding.agreement)
    return _transform(finding.agreement_id, url_for("findings.detail", finding_id=finding.id),
                      lambda campaign, title: services.proposal_from_finding(
                          campaign, finding, actor=current_user, now=now_utc(), title=title))


@bp.route("/signalements/<int:report_id>/budget-proposal", methods=["POST"])
@login_required
def from_report(report_id: int):
    """« Transformer en proposition »: a resident report becomes a proposal of an open campaign of its agreement."""
    report = db.session.get(ResidentReport, report_id) or abort(404)
    authorize(current_user, "view", report)
    if report.agreement is None:
        abort(403)
    authorize(current_user, "manage_budgets", report.agreement)
    return _transform(report.agreement_id, url_for("hotline.detail", report_id=report.id),
                      lambda campaign, title: services.proposal_from_report(
                          campaign, report, actor=current_user, now=now_utc(), title=title))
