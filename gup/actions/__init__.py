"""Feature package: actions, the shared unit of follow-up."""

from __future__ import annotations

from typing import Any

from flask import Blueprint
from flask_babel import lazy_gettext as _l

bp = Blueprint("actions", __name__)


def init_app(app: Any, registry: Any) -> None:
    """Plug actions in: its routes, API and menu."""
    import gup.actions.views  # noqa: F401  (routes attach to bp on import)
    from gup.actions import indicators, jobs
    from gup.actions.api import actions_api
    from gup.actions.inbox import OVERDUE_PROVIDER, PROVIDER

    registry.blueprints(bp)
    registry.job("actions.overdue_notices", jobs.overdue_notices, trigger="cron", hour=7, minute=0,
                 description="Tell the responsible organisation's referents once of each action that became overdue")
    registry.api(actions_api)
    registry.menu("actions.index", _l("Actions"), current=("actions.",), order=60)
    registry.work_items(PROVIDER)  # « Mes actions » (gup.inbox)
    registry.work_items(OVERDUE_PROVIDER)  # the coordination's « À traiter » (gup.dashboard)
    registry.indicators(indicators.ALL)  # evaluations (gup.indicators)
    registry.annexes(indicators.ANNEXES)
