"""Feature package: the TFPB abatement (actions valued by axis and QPV, abatement received, annual review)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint
from flask_babel import lazy_gettext as _l

bp = Blueprint("tfpb", __name__)


def init_app(app: Any, registry: Any) -> None:
    """Plug the TFPB abatement in: routes, API, menu, indicators and annex, the review data, demo data."""
    import gup.tfpb.views  # noqa: F401  (routes attach to bp on import)
    from gup.tfpb import demo, indicators, queries
    from gup.tfpb.api import tfpb_api, tfpb_axes_api

    registry.blueprints(bp)
    registry.api(tfpb_api, tfpb_axes_api)
    registry.menu("tfpb.index", _l("TFPB"), current=("tfpb.",), order=65)
    registry.indicators(indicators.ALL)
    registry.annexes(indicators.ANNEXES)
    #: evaluations freeze it under the snapshot's "tfpb": func(agreement, period_start, period_end) -> list[dict]
    registry.provide("tfpb.review_data", queries.review_data)
    registry.demo(demo.load, name="tfpb", order=15)
