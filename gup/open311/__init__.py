"""Feature package: Open311 GeoReport v2 on top of the hotline services."""

from __future__ import annotations

from typing import Any

from flask import Blueprint
from flask_babel import lazy_gettext as _l

bp = Blueprint("open311", __name__)


def init_app(app: Any, registry: Any) -> None:
    """Plug open311 in: its routes, commands and menu."""
    import gup.open311.views  # noqa: F401  (routes attach to bp on import)
    from gup.open311.cli import register as cli

    registry.blueprints(bp, url_prefix="/open311/v2", csrf_exempt=True)  # api_key, never the session
    registry.cli(cli)
    registry.menu("admin.open311_clients", _l("Clients Open311"), current=("admin.open311",), visible=_manages_users,
                  order=96)


def _manages_users(user: Any) -> bool:
    from gup.auth.models import User
    from gup.policy import can

    return can(user, "manage", User)
