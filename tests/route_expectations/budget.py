"""Expected audience of the participatory budget coordination routes."""

from __future__ import annotations

from typing import Any

from tests.route_expectations.roles import LOGGED, READERS

#: the coordination: the agreement's coordinator and administrators
MANAGE = {"coordinator", "admin"}

EXPECTED: dict[str, dict[str, set[str]]] = {
    "budget.home": {"GET": LOGGED},  # lists only the campaigns each one may read
    "budget.create": {"GET": MANAGE, "POST": MANAGE},
    "budget.campaign": {"GET": READERS},
    "budget.move_phase": {"POST": MANAGE},
    "budget.project": {"GET": READERS},
    #: the coordination, and the referent of the housing provider owning the project's place (hp1)
    "budget.review": {"POST": MANAGE | {"referent1"}},
    # the vote: tallies and results are read like the campaign, entered and decided by the coordination
    "budget.tallies": {"GET": READERS, "POST": MANAGE},
    "budget.results": {"GET": READERS},
    "budget.override": {"POST": MANAGE},
    "budget.publish_results": {"POST": MANAGE},
    "budget.deliver": {"POST": MANAGE},
    "budget.merge": {"POST": MANAGE},
    # « Transformer en proposition »: whoever reads the finding or report and manages the agreement's budgets
    "budget.from_finding": {"POST": MANAGE},
    "budget.from_report": {"POST": MANAGE},
    # /api/v1: the list is scoped by the policy (an empty page for those who may read nothing)
    "api_budget_campaigns.index": {"GET": LOGGED},
    "api_budget_campaigns.detail": {"GET": READERS},
    "api_budget_campaigns.projects": {"GET": READERS},
    "api_budget_campaigns.results": {"GET": READERS},  # 409 before the vote: allowed, nothing to show yet
}


def params(f, w) -> dict[str, Any]:
    """A campaign of the sample agreement taking proposals, with one on a residence of hp1."""
    from gup.budget import services
    from gup.budget.models import PBPhase
    from gup.orm import now_utc
    from gup.territory.models import TerritoryKind

    nbh = f.make_territory(TerritoryKind.NEIGHBOURHOOD)
    w["agreement"].territories.append(nbh)
    residence = f.make_territory(TerritoryKind.RESIDENCE, nbh, housing_provider=w["hp1"])
    campaign = services.create_campaign(w["agreement"], actor=w["coordinator"], now=now_utc(), title="BP 2026",
                                        year=2026, envelope="10000")
    services.move_phase(campaign, PBPhase.PROPOSALS, actor=w["coordinator"], now=now_utc())
    project = services.submit_proposal(campaign, title="Bancs", description="Des bancs", place=residence,
                                       estimated_cost="1500", now=now_utc())
    return {"campaign_id": campaign.id, "project_id": project.id}
