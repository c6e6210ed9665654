"""Aggregator: « Mes actions », the work items every feature registers for a partner referent's organisation or
for the coordination of the agreements a user coordinates (gup.worklist audiences)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint
from flask_babel import lazy_gettext as _l

bp = Blueprint("inbox", __name__)


def init_app(app: Any, registry: Any) -> None:
    """Plug the inbox in: its pages and menu entry (referents, coordinators and administrators)."""
    import gup.inbox.views  # noqa: F401  (routes attach to bp on import)

    registry.blueprints(bp)
    registry.menu("inbox.index", _l("Mes actions"), current=("inbox.",), visible=_may_have_items, order=5)
    registry.landing("partner_referent", "inbox.index")  # a referent's day starts with what is theirs to do


def _may_have_items(user: Any) -> bool:
    from gup.inbox.services import may_have_items

    return may_have_items(user)
