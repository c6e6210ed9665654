"""/api/v1/budget-campaigns: participatory budget campaigns, their projects and their results (read only).

The same policy as the coordination pages: a campaign is read by whoever reads its agreement. No author's
contact is in any answer.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from flask_smorest import abort
from sqlalchemy.orm import joinedload, selectinload

from gup import policy
from gup.budget import services
from gup.budget.models import PBCampaign, PBPhase, PBProject, ProjectStatus
from gup.budget.schemas import (
    CampaignOut,
    CampaignQueryArgs,
    ProjectOut,
    ProjectQueryArgs,
    ResultsOut,
)
from gup.budget.selection import RULE_TEXT
from gup.extensions import db
from gup.rest import api_blueprint, api_user, documents_errors, list_page, paginated

campaigns_api = api_blueprint("budget_campaigns", "/budget-campaigns", "Budgets participatifs.")


def _campaign_or_404(campaign_id: int) -> PBCampaign:
    stmt = (sa.select(PBCampaign).where(PBCampaign.id == campaign_id)
            .options(joinedload(PBCampaign.agreement), selectinload(PBCampaign.envelopes)))
    campaign = db.session.scalar(stmt)
    if campaign is None:
        abort(404)
    policy.authorize(api_user(), "view", campaign)
    return campaign


@campaigns_api.route("", endpoint="index")
@campaigns_api.arguments(CampaignQueryArgs, location="query")
@campaigns_api.response(200, CampaignOut(many=True))
@paginated(campaigns_api)
@documents_errors(campaigns_api)
def list_campaigns(args: dict, pagination_parameters):
    """List the campaigns of the agreements the user may read, newest year first; filters combine."""
    stmt = (sa.select(PBCampaign).options(joinedload(PBCampaign.agreement), selectinload(PBCampaign.envelopes))
            .order_by(PBCampaign.year.desc(), PBCampaign.id))
    if args.get("agreement_id") is not None:
        stmt = stmt.where(PBCampaign.agreement_id == args["agreement_id"])
    if args.get("year") is not None:
        stmt = stmt.where(PBCampaign.year == args["year"])
    if args.get("phase") is not None:
        stmt = stmt.where(PBCampaign.phase == PBPhase(args["phase"]))
    stmt = policy.visible(api_user(), stmt, PBCampaign)
    return list_page(stmt, pagination_parameters)


@campaigns_api.route("/<int:campaign_id>", endpoint="detail")
@campaigns_api.response(200, CampaignOut)
@documents_errors(campaigns_api, 403, 404)
def get_campaign(campaign_id: int):
    """Return one campaign with its envelopes, rules and phase dates."""
    return _campaign_or_404(campaign_id)


@campaigns_api.route("/<int:campaign_id>/projects", endpoint="projects")
@campaigns_api.arguments(ProjectQueryArgs, location="query")
@campaigns_api.response(200, ProjectOut(many=True))
@paginated(campaigns_api)
@documents_errors(campaigns_api, 403, 404)
def list_projects(args: dict, pagination_parameters, campaign_id: int):
    """List a campaign's proposals and projects, in submission order (without their authors' contact)."""
    campaign = _campaign_or_404(campaign_id)
    stmt = sa.select(PBProject).where(PBProject.campaign_id == campaign.id).order_by(PBProject.id)
    if args.get("status") is not None:
        stmt = stmt.where(PBProject.status == ProjectStatus(args["status"]))
    return list_page(stmt, pagination_parameters)


@dataclass
class _Results:
    campaign: PBCampaign
    results: services.Results
    overrides: list[Any]

    def __getattr__(self, name: str) -> Any:
        return getattr(self.results, name)

    @property
    def campaign_id(self) -> int:
        return self.campaign.id

    @property
    def phase(self) -> PBPhase:
        return self.campaign.phase

    @property
    def rule(self) -> str:
        return str(RULE_TEXT)

    @property
    def selected_ids(self) -> list[int]:
        return self.results.selection.selected

    @property
    def ranking(self) -> list[Any]:
        return self.results.rows


@campaigns_api.route("/<int:campaign_id>/results", endpoint="results")
@campaigns_api.response(200, ResultsOut)
@documents_errors(campaigns_api, 403, 404, 409)
def get_results(campaign_id: int):
    """Return the ranking by votes (online and paper), the selection by the published rule with the
    coordination's reasoned decisions, and the envelopes' use; from the opening of the vote on (409 before)."""
    campaign = _campaign_or_404(campaign_id)
    if campaign.phase.index < PBPhase.VOTE.index:
        abort(409, message="Les résultats se calculent à partir de l'ouverture du vote.")
    return _Results(campaign, services.results(campaign), services.overrides_of(campaign))
