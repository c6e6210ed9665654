"""Feature package: territory."""

from __future__ import annotations

from typing import Any

from flask import Blueprint
from flask_babel import lazy_gettext as _l

bp = Blueprint("territory", __name__)


def init_app(app: Any, registry: Any) -> None:
    """Plug territory in: its routes, API and menu."""
    import gup.territory.services  # noqa: F401  (connects its signal receivers)
    import gup.territory.views  # noqa: F401  (routes attach to bp on import)
    from gup.territory.api import neighbourhoods_api

    registry.blueprints(bp)
    registry.api(neighbourhoods_api)
    registry.menu("territory.index", _l("Territoire"), current=("territory.",), order=85)
