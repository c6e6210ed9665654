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
    """Plug participatory budgets in: coordination pages, public pages (gup.budget.public), menu, the phase job
    and the voting-codes command."""
    import gup.budget.views  # noqa: F401  (routes attach to bp on import)
    from gup.budget import cli, jobs
    from gup.budget.public import public_bp

    registry.blueprints(bp, public_bp)
    registry.menu("budget.home", _l("Budgets participatifs"), current=("budget.",), visible=_coordination, order=48)

    registry.job("budget.advance_phases", jobs.advance_phases, trigger="cron", hour=0, minute=15,
                 description="Move participatory budget campaigns on to the phase whose start date has come")
    registry.cli(cli.budget_cli)
