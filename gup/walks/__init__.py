"""Feature package: walk-through diagnostics."""

from __future__ import annotations

from typing import Any

from flask import Blueprint
from flask_babel import lazy_gettext as _l

bp = Blueprint("walks", __name__)


def init_app(app: Any, registry: Any) -> None:
    """Plug walks in: its routes, API and menu."""
    import gup.walks.views  # noqa: F401  (routes attach to bp on import)
    from gup.walks import indicators
    from gup.walks.api import walkthroughs_api

    registry.blueprints(bp)
    registry.api(walkthroughs_api)
    registry.menu("walks.index", _l("Diagnostics"), current=("walks.",), order=40)
    registry.indicators(indicators.ALL)  # evaluations (gup.indicators)
    registry.annexes(indicators.ANNEXES)
    from gup.walks import worklist

    registry.work_items(worklist.PROVIDER)  # the coordination's « À traiter » (gup.dashboard)
