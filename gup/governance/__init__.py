"""Feature package: governance bodies (instances) — COPIL, COTECH, working groups, their meetings and decisions,
the next COTECH's draft agenda, invitations and minutes by mail, and the weekly partner digest."""

from __future__ import annotations

from typing import Any

from flask import Blueprint

bp = Blueprint("governance", __name__)


def init_app(app: Any, registry: Any) -> None:
    """Plug governance in: its routes, API, weekly digest job, indicators, annexes, demo and page sections."""
    import gup.governance.page_sections  # noqa: F401  (its parts of the agreement and action pages)
    import gup.governance.views  # noqa: F401  (routes attach to bp on import)
    from gup.governance import demo, indicators, jobs
    from gup.governance.api import bodies_api, meetings_api

    registry.blueprints(bp)
    registry.api(bodies_api, meetings_api)
    registry.job("governance.weekly_digest", jobs.weekly_digest, trigger="cron", day_of_week="mon", hour=7,
                 minute=0, description="Mail each partner referent their organisation's overdue and due-soon items")
    registry.indicators(indicators.ALL)
    registry.annexes(indicators.ANNEXES)
    registry.demo(demo.load, name="governance", order=40)
