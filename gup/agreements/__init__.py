"""Feature package: agreements."""

from __future__ import annotations

from typing import Any

from flask import Blueprint
from flask_babel import lazy_gettext as _l

bp = Blueprint("agreements", __name__)


def init_app(app: Any, registry: Any) -> None:
    """Plug agreements in: its routes, API, commands and menu."""
    import gup.agreements.views  # noqa: F401  (routes attach to bp on import)
    from gup.agreements import demo, indicators, jobs
    from gup.agreements.api import agreements_api, commitments_api
    from gup.agreements.cli import register as cli

    registry.blueprints(bp)
    registry.api(agreements_api, commitments_api)
    registry.cli(cli)
    registry.job("agreements.put_in_force", jobs.put_in_force, trigger="cron", hour=5, minute=0,
                 description="Put signed agreements in force on their start date, end the expired ones")
    registry.menu("agreements.index", _l("Conventions"), current=("agreements.", "commitments."), order=20)
    registry.menu("agreements.themes", _l("Thématiques"), current=("agreements.themes", "agreements.theme_"), order=90)
    registry.demo(demo.load, name="agreements", order=10)
    registry.indicators(indicators.ALL)  # evaluations (gup.indicators)
    registry.annexes(indicators.ANNEXES)
    from gup.agreements import worklist

    registry.work_items(worklist.OVERDUE_PROVIDER)  # the coordination's « À traiter »
