"""Aggregator: « Mes actions », the work items every feature registers for a partner referent's organisation."""

from __future__ import annotations

from typing import Any

from flask import Blueprint
from flask_babel import lazy_gettext as _l

bp = Blueprint("inbox", __name__)


def init_app(app: Any, registry: Any) -> None:
    """Plug the inbox in: its pages and menu entry (referents only)."""
    import gup.inbox.views  # noqa: F401  (routes attach to bp on import)

    registry.blueprints(bp)
    registry.menu("inbox.index", _l("Mes actions"), current=("inbox.",), visible=_is_referent, order=5)


def _is_referent(user: Any) -> bool:
    return bool(user.is_referent)
