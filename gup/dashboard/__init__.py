"""Aggregator: the dashboard (figures across every feature a user may read) and the follow-up section of an
agreement's page (findings and actions charts, structural problems, map)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint
from flask_babel import lazy_gettext as _l

bp = Blueprint("dashboard", __name__)


def init_app(app: Any, registry: Any) -> None:
    """Plug the dashboard in: its page, menu entry and the agreement page's follow-up section."""
    import gup.dashboard.views  # noqa: F401  (routes attach to bp on import; connects the section receiver)

    registry.blueprints(bp)
    registry.menu("dashboard.index", _l("Tableau de bord"), current=("dashboard.",), order=10)
