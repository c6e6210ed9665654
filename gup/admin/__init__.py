"""Feature package: admin."""

from __future__ import annotations

from typing import Any

from flask import Blueprint
from flask_babel import lazy_gettext as _l

bp = Blueprint("admin", __name__)


def init_app(app: Any, registry: Any) -> None:
    """Plug admin in: its routes and menu."""
    import gup.admin.views  # noqa: F401  (routes attach to bp on import)

    registry.blueprints(bp)
    registry.menu("admin.users", _l("Utilisateurs"), current=("admin.",), visible=_manages_users, order=95)


def _manages_users(user: Any) -> bool:
    from gup.auth.models import User
    from gup.policy import can

    return can(user, "manage", User)
