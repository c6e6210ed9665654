"""Feature package: participatory budgets (budgets participatifs, GUIDE §3.9) — campaigns with their envelopes,
rules and phases, residents' proposals and their review, single-use voting codes and online votes, paper
tallies, the documented selection rule with recorded overrides, and winners delivered as actions."""

from __future__ import annotations

from typing import Any

from flask import Blueprint
from flask_babel import lazy_gettext as _l

bp = Blueprint("budget", __name__)


def _coordination(user: Any) -> bool:
    from gup.auth.models import Role

    return user.role in (Role.ADMIN, Role.COORDINATOR)


def init_app(app: Any, registry: Any) -> None:
    """Plug participatory budgets in: coordination pages, public pages (gup.budget.public) and API, menu, the phase
    job, the voting-codes command, the demo campaign and the evaluation indicators."""
    import gup.budget.backoffice_proposals  # noqa: F401
    import gup.budget.backoffice_votes  # noqa: F401
    import gup.budget.sections  # noqa: F401  (connects to the finding and report page signals)
    import gup.budget.views  # noqa: F401  (routes attach to bp on import)
    from gup.budget import cli, demo, indicators, jobs
    from gup.budget.api import campaigns_api
    from gup.budget.public import public_bp

    registry.blueprints(bp, public_bp)
    registry.api(campaigns_api)
    registry.menu("budget.home", _l("Budgets participatifs"), current=("budget.",), visible=_coordination, order=48)
    registry.public_menu("budget_public.index", _l("Budget participatif"), current=("budget_public.",), order=30)

    registry.job("budget.advance_phases", jobs.advance_phases, trigger="cron", hour=0, minute=15,
                 description="Move participatory budget campaigns on to the phase whose start date has come")
    registry.job("budget.erase_contacts", jobs.erase_contacts, trigger="cron", hour=3, minute=40,
                 description="Erase proposal authors' contacts once their proposal is settled (retention setting)")
    registry.cli(cli.budget_cli)
    registry.demo(demo.load, name="budget", order=50)
    registry.indicators(indicators.ALL)
