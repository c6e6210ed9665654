"""Feature package: organisations."""

from __future__ import annotations

from typing import Any

from flask import Blueprint
from flask_babel import lazy_gettext as _l

bp = Blueprint("organisations", __name__)


def init_app(app: Any, registry: Any) -> None:
    """Plug organisations in: its routes, API and menu."""
    import gup.organisations.views  # noqa: F401  (routes attach to bp on import)
    from gup.organisations.api import organisations_api

    registry.blueprints(bp)
    registry.api(organisations_api)
    registry.menu("organisations.index", _l("Organismes"), current=("organisations.",), order=80)
