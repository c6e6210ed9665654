"""Feature package: findings (constats) and their routing."""

from __future__ import annotations

from typing import Any

from flask import Blueprint
from flask_babel import lazy_gettext as _l

bp = Blueprint("findings", __name__)


def init_app(app: Any, registry: Any) -> None:
    """Plug findings in: its routes, API and menu."""
    import gup.findings.views  # noqa: F401  (routes attach to bp on import)
    import gup.findings.walk_section  # noqa: F401  (the findings part of a walk's page)
    from gup.findings import demo, indicators, jobs
    from gup.findings.api import findings_api
    from gup.findings.inbox import COORDINATION_PROVIDERS, PROVIDER

    registry.blueprints(bp)
    registry.job("findings.overdue_notices", jobs.overdue_notices, trigger="cron", hour=7, minute=0,
                 description="Tell the responsible organisation's referents once of each finding that became overdue")
    registry.api(findings_api)
    registry.menu("findings.index", _l("Constats"), current=("findings.", "media."), order=50)
    registry.work_items(PROVIDER)  # « Mes actions » (gup.inbox)
    registry.work_items(*COORDINATION_PROVIDERS)  # the coordination's « À traiter » (gup.dashboard)
    registry.demo(demo.load, name="findings", order=20)
    registry.indicators(indicators.ALL)  # evaluations (gup.indicators)
    registry.annexes(indicators.ANNEXES)
